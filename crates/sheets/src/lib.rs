//! pledger-sheets: the reports as typed tables, written as CSV or as an
//! Excel workbook for audit working papers.
//!
//! The command line (`--format csv|xlsx`) and the server
//! (`GET /v1/workbooks/{report}`) both build their tables here, so the same
//! ledger judged at the same date gives the same bytes from either.
//!
//! A [`Sheet`] knows the kind of every column ([`Kind`]): the cells come
//! from the views' typed fields (an [`Amount`], a [`Day`]), never from
//! parsing the text a table printed. Every amount column is followed by
//! its 万元 column (the unit Chinese audit working papers total in); ids
//! and names sit in separate columns so a spreadsheet can still join on
//! the id. Headers, statuses, roles and metrics are in the reader's
//! language.
//!
//! Layering: this crate reads views and writes bytes to a `Write` or a
//! buffer; it never opens a ledger or a file.

mod reports;

pub use reports::{changes, claim, findings, report, trace, Report};

use pledger_core::money::Amount;
use pledger_core::when::Day;
use pledger_views::Lang;
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Formula, Workbook, XlsxError};
use std::io::{self, Write};

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("cannot build the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("cannot write the table: {0}")]
    Io(#[from] io::Error),
}

/// What a column holds, so each writer gives it its proper type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Money in 元, exact to the fen; always followed by its [`Kind::Wan`].
    Amount,
    /// The same amount in 万元 (10,000 元).
    Wan,
    Day,
    /// A whole number (a rank, a count, a seq).
    Int,
    /// A decimal that is not money (a score, a threshold).
    Number,
    /// A ratio (1 is 100%), shown as a percentage in a workbook.
    Ratio,
}

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Amount(Amount),
    Day(Day),
    Int(i64),
    Number(Decimal),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// Text, or an empty cell for `None`.
    pub fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    pub fn opt_amount(a: Option<Amount>) -> Cell {
        a.map_or(Cell::Empty, Cell::Amount)
    }

    pub fn opt_day(d: Option<Day>) -> Cell {
        d.map_or(Cell::Empty, Cell::Day)
    }

    pub fn int(n: impl TryInto<i64>) -> Cell {
        n.try_into().map_or(Cell::Empty, Cell::Int)
    }

    /// A decimal written by a view as text (`"0.8333"`); empty when it is
    /// not one.
    pub fn decimal_text(s: &str) -> Cell {
        s.parse::<Decimal>()
            .map_or_else(|_| Cell::text(s), |d| Cell::Number(d.normalize()))
    }
}

/// A column as a report declares it: its heading in each language and
/// its kind. An [`Kind::Amount`] column gets its 万元 twin from
/// [`Sheet::new`].
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub en: &'static str,
    pub zh: &'static str,
    pub kind: Kind,
}

pub const fn col(en: &'static str, zh: &'static str, kind: Kind) -> Col {
    Col { en, zh, kind }
}

/// A table of one report, headed in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// The worksheet's name (at most 31 characters, as Excel requires).
    pub name: String,
    pub headers: Vec<String>,
    pub kinds: Vec<Kind>,
    pub rows: Vec<Vec<Cell>>,
    /// Adds a totals row under the amount columns in a workbook.
    pub totals: bool,
}

impl Sheet {
    /// An empty sheet named `title` in `lang`, with `cols` (each amount
    /// column followed by its 万元 column).
    pub fn new(title: (&str, &str), cols: &[Col], lang: Lang) -> Sheet {
        let zh = lang == Lang::ZhCn;
        let mut headers = Vec::new();
        let mut kinds = Vec::new();
        for c in cols {
            let h = if zh { c.zh } else { c.en };
            match c.kind {
                Kind::Amount => {
                    headers.push(if zh {
                        format!("{h}（元）")
                    } else {
                        format!("{h} (yuan)")
                    });
                    kinds.push(Kind::Amount);
                    headers.push(if zh {
                        format!("{h}（万元）")
                    } else {
                        format!("{h} (10k yuan)")
                    });
                    kinds.push(Kind::Wan);
                }
                k => {
                    headers.push(h.to_string());
                    kinds.push(k);
                }
            }
        }
        let name: String = if zh { title.1 } else { title.0 }
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        Sheet {
            name,
            headers,
            kinds,
            rows: Vec::new(),
            totals: true,
        }
    }

    /// Adds a row of the declared columns: each amount cell is doubled
    /// into its 万元 column here, so a report never computes it.
    pub fn push(&mut self, cells: Vec<Cell>) {
        let mut row = Vec::with_capacity(self.kinds.len());
        for c in cells {
            let i = row.len();
            if self.kinds.get(i) == Some(&Kind::Amount) && self.kinds.get(i + 1) == Some(&Kind::Wan) {
                row.push(c.clone());
            }
            row.push(c);
        }
        // A report declares its columns next to its cells; a mismatch is a
        // bug in that report, caught by its tests.
        debug_assert_eq!(
            row.len(),
            self.kinds.len(),
            "{}: a row of {} cells",
            self.name,
            row.len()
        );
        self.rows.push(row);
    }

    /// The exact total of an amount column, in fen.
    fn total(&self, col: usize) -> Amount {
        Amount::from_fen(
            self.rows
                .iter()
                .filter_map(|r| match r.get(col) {
                    Some(Cell::Amount(a)) => Some(a.fen()),
                    _ => None,
                })
                .sum(),
        )
    }

    /// Writes the sheet as CSV: a header line, then one line per row;
    /// amounts as plain numbers in 元 (`1234.50`) and 万元 (`0.12345`),
    /// exact; dates `YYYY-MM-DD`; text cells a spreadsheet would run as a
    /// formula neutralised ([`csv_cell`]).
    pub fn write_csv(&self, out: &mut impl Write) -> io::Result<()> {
        let header: Vec<String> = self.headers.iter().map(|h| csv_cell(h)).collect();
        writeln!(out, "{}", header.join(","))?;
        for r in &self.rows {
            let cells: Vec<String> = r
                .iter()
                .zip(&self.kinds)
                .map(|(c, k)| match (c, k) {
                    (Cell::Amount(a), Kind::Wan) => wan_text(*a),
                    (c, _) => csv_cell(&plain(c)),
                })
                .collect();
            writeln!(out, "{}", cells.join(","))?;
        }
        Ok(())
    }
}

/// A cell as plain text (CSV, column widths).
fn plain(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Amount(a) => a.to_string(),
        Cell::Day(d) => d.to_string(),
        Cell::Int(n) => n.to_string(),
        Cell::Number(d) => d.to_string(),
    }
}

/// An amount in 万元, exact: fen ÷ 1,000,000 with six decimals, trailing
/// zeros dropped down to two (`60.00`, `12.345678`, `-0.50`).
pub fn wan_text(a: Amount) -> String {
    let d = Decimal::from_i128_with_scale(a.fen(), 6);
    let s = format!("{d:.6}");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut frac = frac.trim_end_matches('0').to_string();
    while frac.len() < 2 {
        frac.push('0');
    }
    format!("{whole}.{frac}")
}

/// One CSV cell. A cell a spreadsheet would run as a formula (starting
/// with `=`, `+`, `@`, a tab or a carriage return, or a `-` that does not
/// begin a number) gets a leading apostrophe, as the console's CSV does: a
/// name or reason recorded by anyone must never run in an auditor's
/// spreadsheet. Negative amounts stay numbers.
pub fn csv_cell(c: &str) -> String {
    let formula = c.starts_with(['=', '+', '@', '\t', '\r']) || (c.starts_with('-') && !is_number(&c[1..]));
    let c = if formula { format!("'{c}") } else { c.to_string() };
    if c.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c
    }
}

/// Digits with at most one decimal point between digits (`12`, `12.50`).
fn is_number(s: &str) -> bool {
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    !whole.is_empty()
        && !frac.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Money becomes a float only here, as the number a spreadsheet cell
/// holds: from the exact decimal text, at the last moment, so the cell is
/// the double nearest the exact amount (what a reader typing the JSON
/// report's decimal string into a cell gets). A total is still computed
/// exactly (in fen) and given as the formula's cached result.
fn yuan_f64(a: Amount) -> f64 {
    a.to_string().parse().unwrap_or(0.0)
}

fn wan_f64(a: Amount) -> f64 {
    wan_text(a).parse().unwrap_or(0.0)
}

/// The Excel column letters of a 0-based index (`A`, `Z`, `AA`).
fn col_letters(mut i: u16) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Display width in spreadsheet characters: a Chinese character takes two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The workbook of `sheets`: one worksheet each, header frozen and
/// filterable, amounts as numbers formatted `#,##0.00` (元 and 万元)
/// with a totals row, dates as Excel dates, columns sized to their
/// contents. Text is always written as text, so nothing anyone recorded
/// runs as a formula. The document's creation time is `judged` (the
/// date the report was judged at), so the same ledger judged at the same
/// date gives the same bytes.
pub fn xlsx(sheets: &[Sheet], lang: Lang, judged: Day) -> Result<Vec<u8>, SheetError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        u16::try_from(judged.0.year()).unwrap_or(1900).max(1900),
        u8::from(judged.0.month()),
        judged.0.day(),
    )?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let head = Format::new().set_bold().set_align(FormatAlign::Center);
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let percent = Format::new().set_num_format("0.00%");
    let bold_money = Format::new().set_bold().set_num_format("#,##0.00");
    let bold = Format::new().set_bold();
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name.clone())?;
        let mut widths: Vec<usize> = sheet.headers.iter().map(|h| width(h)).collect();
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &head)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, (cell, kind)) in row.iter().zip(&sheet.kinds).enumerate() {
                let col = c as u16;
                match (cell, kind) {
                    (Cell::Empty, _) => {}
                    (Cell::Text(s), _) => {
                        ws.write_string(r, col, s)?;
                    }
                    (Cell::Amount(a), Kind::Wan) => {
                        ws.write_number_with_format(r, col, wan_f64(*a), &money)?;
                    }
                    (Cell::Amount(a), _) => {
                        ws.write_number_with_format(r, col, yuan_f64(*a), &money)?;
                    }
                    (Cell::Day(d), _) => {
                        let x = ExcelDateTime::from_ymd(
                            u16::try_from(d.0.year()).unwrap_or(1900),
                            u8::from(d.0.month()),
                            d.0.day(),
                        );
                        match x {
                            Ok(x) => ws.write_datetime_with_format(r, col, &x, &date)?,
                            // Before 1900 Excel has no date: the text.
                            Err(_) => ws.write_string(r, col, d.to_string())?,
                        };
                    }
                    (Cell::Int(n), _) => {
                        ws.write_number(r, col, *n as f64)?;
                    }
                    (Cell::Number(d), Kind::Ratio) => {
                        ws.write_number_with_format(r, col, d.to_string().parse().unwrap_or(0.0), &percent)?;
                    }
                    (Cell::Number(d), _) => {
                        ws.write_number(r, col, d.to_string().parse().unwrap_or(0.0))?;
                    }
                }
                if let Some(w) = widths.get_mut(c) {
                    let shown = match kind {
                        Kind::Amount | Kind::Wan => 16,
                        Kind::Day => 10,
                        _ => width(&plain(cell)),
                    };
                    *w = (*w).max(shown);
                }
            }
        }
        let last = sheet.rows.len() as u32;
        let ncols = sheet.headers.len() as u16;
        if ncols > 0 {
            ws.set_freeze_panes(1, 0)?;
            ws.autofilter(0, 0, last, ncols - 1)?;
        }
        let has_amounts = sheet.kinds.iter().any(|k| matches!(k, Kind::Amount | Kind::Wan));
        if sheet.totals && has_amounts && !sheet.rows.is_empty() {
            // The totals row, one row below the data so a filter does not
            // take it in: SUM formulas, with the exact total as the
            // formula's cached value (what a reader without recalculation
            // sees).
            let t = last + 2;
            ws.write_string_with_format(t, 0, if lang == Lang::ZhCn { "合计" } else { "Total" }, &bold)?;
            for (c, kind) in sheet.kinds.iter().enumerate() {
                let col = c as u16;
                let letters = col_letters(col);
                let total = sheet.total(c);
                let result = match kind {
                    Kind::Amount => Decimal::from_i128_with_scale(total.fen(), 2).to_string(),
                    Kind::Wan => Decimal::from_i128_with_scale(total.fen(), 6).normalize().to_string(),
                    _ => continue,
                };
                let f = Formula::new(format!("=SUM({letters}2:{letters}{})", last + 1)).set_result(result);
                ws.write_formula_with_format(t, col, f, &bold_money)?;
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_kept() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1+2"), "'+1+2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("-1836000000.00"), "-1836000000.00");
        assert_eq!(csv_cell("-5"), "-5");
        assert_eq!(csv_cell("常德市财政局"), "常德市财政局");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
    }

    #[test]
    fn wan_is_exact() {
        let a = |s: &str| Amount::parse(s).unwrap();
        assert_eq!(wan_text(a("600000.00")), "60.00");
        assert_eq!(wan_text(a("123456.78")), "12.345678");
        assert_eq!(wan_text(a("0.01")), "0.000001");
        assert_eq!(wan_text(a("5000")), "0.50");
        assert_eq!(wan_text(Amount::from_fen(-50_000_000)), "-50.00");
    }

    #[test]
    fn column_letters() {
        assert_eq!(col_letters(0), "A");
        assert_eq!(col_letters(25), "Z");
        assert_eq!(col_letters(26), "AA");
        assert_eq!(col_letters(27), "AB");
        assert_eq!(col_letters(701), "ZZ");
        assert_eq!(col_letters(702), "AAA");
    }

    #[test]
    fn amounts_get_their_wan_twin() {
        let mut s = Sheet::new(
            ("t", "表"),
            &[col("id", "编号", Kind::Text), col("amount", "金额", Kind::Amount)],
            Lang::ZhCn,
        );
        s.push(vec![Cell::text("x"), Cell::Amount(Amount::from_fen(60_000_000))]);
        assert_eq!(s.headers, ["编号", "金额（元）", "金额（万元）"]);
        let mut out = Vec::new();
        s.write_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "编号,金额（元）,金额（万元）\nx,600000.00,60.00\n"
        );
    }
}
