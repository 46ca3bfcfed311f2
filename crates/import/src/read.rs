//! Reading a workbook (xlsx, xls, ods through calamine) or a CSV file
//! from its bytes into rows of [`Cell`]s.

use crate::cells::Cell;
use crate::SheetError;
use calamine::{Data, Reader};
use std::io::Cursor;

/// The cells of one sheet, with the row numbers the spreadsheet shows.
#[derive(Clone, Debug, Default)]
pub struct Grid {
    /// The sheet's name (`"CSV"` for a CSV file).
    pub name: String,
    /// (row number as shown, header = usually 1; the row's cells from
    /// column A).
    pub rows: Vec<(u32, Vec<Cell>)>,
}

/// What kind of file the bytes are: workbooks start with a zip (xlsx,
/// ods) or an OLE2 (xls) signature; anything else is read as CSV.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Reads the sheet `sheet` (the first one when `None`) of a workbook, or
/// a CSV file.
pub fn read(bytes: &[u8], sheet: Option<&str>) -> Result<Grid, SheetError> {
    if is_workbook(bytes) {
        read_workbook(bytes, sheet)
    } else {
        read_csv(bytes)
    }
}

fn read_workbook(bytes: &[u8], sheet: Option<&str>) -> Result<Grid, SheetError> {
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| SheetError::Unreadable(e.to_string()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| SheetError::NoSuchSheet {
                sheet: s.to_string(),
                sheets: names.clone(),
            })?,
        None => names.first().cloned().ok_or(SheetError::Empty)?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| SheetError::Unreadable(e.to_string()))?;
    let Some((row0, col0)) = range.start() else {
        return Ok(Grid { name, rows: Vec::new() });
    };
    let mut rows = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        // calamine's range starts at the first used cell; pad it back to
        // column A so column positions are the sheet's own.
        let mut cells = vec![Cell::Empty; col0 as usize];
        cells.extend(row.iter().map(cell_of));
        rows.push((row0 + i as u32 + 1, cells));
    }
    Ok(Grid { name, rows })
}

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Int(*i),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => Cell::Date(dt.as_f64()),
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Grid, SheetError> {
    // A UTF-8 byte order mark, as Excel writes "CSV UTF-8", is not part of
    // the first header.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(SheetError::NotUtf8);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| SheetError::Unreadable(e.to_string()))?;
        // Numbered as a spreadsheet shows the file: one row per record,
        // even when a quoted cell spans lines.
        rows.push((
            i as u32 + 1,
            record
                .iter()
                .map(|s| {
                    if s.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.to_string())
                    }
                })
                .collect(),
        ));
    }
    Ok(Grid {
        name: "CSV".into(),
        rows,
    })
}
