//! The template of an event type: an xlsx workbook with the Chinese
//! headers (each with a note giving the field name, whether it is
//! required and what it holds), one example row, dropdowns for the
//! enumerations, date and amount formats, and a sheet explaining every
//! column. Importing it unchanged finds the example row and leaves it out.

use crate::cells::Cell;
use crate::columns::{columns, word_label, Column};
use crate::{Layout, SheetError};
use pledger_core::schema::FieldShape;
use pledger_core::EventType;
use rust_xlsxwriter::{Color, DataValidation, Format, Note, Workbook};
use serde_json::Value;

/// Rows a dropdown or a column format covers below the header.
const TEMPLATE_ROWS: u32 = 10_000;

/// The Excel serial (1900 system) of a date, for example cells.
fn serial(y: i32, m: u8, d: u8) -> f64 {
    let Ok(month) = time::Month::try_from(m) else {
        return 0.0;
    };
    let (Ok(date), Ok(epoch)) = (
        time::Date::from_calendar_date(y, month, d),
        time::Date::from_calendar_date(1899, time::Month::December, 30),
    ) else {
        return 0.0;
    };
    (date - epoch).whole_days() as f64
}

/// The example cell of a column; empty for optional columns whose value
/// would have to name something that exists.
fn example_cell(t: EventType, c: &Column) -> Cell {
    if c.key == "actor" {
        return Cell::Text("city-finance".into());
    }
    if c.key == "occurred_at" {
        return Cell::Date(serial(2026, 3, 1));
    }
    if c.optional && !matches!(c.shape, FieldShape::Word(_)) {
        return Cell::Empty;
    }
    if c.optional && c.key.contains('.') {
        return Cell::Empty;
    }
    match c.shape {
        FieldShape::Id => Cell::Text(format!(
            "{}-001",
            c.key.trim_end_matches("_id").replace(['_', '.'], "-")
        )),
        FieldShape::Text => Cell::Text(format!("示例：{}", c.zh)),
        FieldShape::Amount => Cell::Number(1_000_000.0),
        FieldShape::Decimal => Cell::Number(10.0),
        FieldShape::Integer => Cell::Int(1),
        FieldShape::Date if c.key.ends_with(".to") => Cell::Date(serial(2026, 12, 31)),
        FieldShape::Date if c.key.ends_with(".from") => Cell::Date(serial(2026, 1, 1)),
        FieldShape::Date | FieldShape::Due => Cell::Date(serial(2026, 3, 1)),
        FieldShape::Word(words) => {
            let w = words.first().copied().unwrap_or_default();
            Cell::Text(word_label(w).unwrap_or(w).to_string())
        }
        FieldShape::Json => Cell::Text(
            match (t.as_str(), c.key.as_str()) {
                (_, "shares") => r#"[{"role":"team","percent":"100"}]"#,
                (_, "items") => r#"[{"target_id":"target-001","weight":"100"}]"#,
                _ => "[]",
            }
            .into(),
        ),
        FieldShape::IdList | FieldShape::Evidence | FieldShape::Key | FieldShape::Currency | FieldShape::Object(_) => {
            Cell::Empty
        }
    }
}

fn template_layout(t: EventType) -> Layout {
    let columns = columns(t);
    Layout {
        event_type: t,
        slots: (0..columns.len())
            .map(|i| Some((i, crate::cells::Unit::Yuan)))
            .collect(),
        headers: columns.iter().map(Column::header).collect(),
        columns,
        header_row: 1,
    }
}

/// The example row's cells, in column order.
pub fn example_cells(t: EventType) -> Vec<Cell> {
    columns(t).iter().map(|c| example_cell(t, c)).collect()
}

/// The event the example row reads as: a row equal to it is the
/// template's own example, not data.
pub fn example_event(t: EventType) -> Value {
    let layout = template_layout(t);
    crate::map_row(&layout, 2, &example_cells(t)).unwrap_or(Value::Null)
}

/// What a column holds, in Chinese, for its note and the 说明 sheet.
fn describe(c: &Column) -> String {
    match c.shape {
        FieldShape::Id => "编号：字母、数字及 . _ : -".into(),
        FieldShape::Text => "文本".into(),
        FieldShape::Amount => "金额，单位元，最多两位小数；列标题写作“（万元）”则按万元填写".into(),
        FieldShape::Decimal => "数字".into(),
        FieldShape::Integer => "整数".into(),
        FieldShape::Date => "日期：日期格式单元格，或 2026-03-01、2026/3/1、2026年3月1日".into(),
        FieldShape::Due => "日期；或 JSON {\"within_days\": n, \"after\": 条件编号}".into(),
        FieldShape::Word(words) => format!(
            "从下拉列表选择：{}",
            words
                .iter()
                .map(|w| format!("{}（{w}）", word_label(w).unwrap_or(w)))
                .collect::<Vec<_>>()
                .join("、")
        ),
        FieldShape::IdList => "编号列表，用分号分隔".into(),
        FieldShape::Evidence => "证明材料文号；或 JSON 列表".into(),
        FieldShape::Json => "JSON（见 docs/format.md 第 2 节）".into(),
        FieldShape::Key => "Ed25519 公钥（base64）".into(),
        FieldShape::Currency => "仅 CNY，可空".into(),
        FieldShape::Object(_) => String::new(),
    }
}

fn xlsx(e: rust_xlsxwriter::XlsxError) -> SheetError {
    SheetError::Template(e.to_string())
}

/// Writes the template workbook of `t`.
pub fn write(t: EventType) -> Result<Vec<u8>, SheetError> {
    let cols = columns(t);
    let example = example_cells(t);
    let mut book = Workbook::new();
    let header_required = Format::new().set_bold().set_background_color(Color::RGB(0xFCE4D6));
    let header_optional = Format::new().set_bold().set_background_color(Color::RGB(0xEDEDED));
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("#,##0.00");
    let text = Format::new().set_num_format("@");
    let example_style = Format::new().set_italic().set_font_color(Color::RGB(0x808080));
    let sheet = book.add_worksheet();
    // Sheet names may not hold some characters; event type names are
    // letters, '_' and '.', all allowed, and at most 31 long.
    sheet.set_name(t.as_str()).map_err(xlsx)?;
    for (i, c) in cols.iter().enumerate() {
        let col = i as u16;
        let (column_format, example_format) = match c.shape {
            FieldShape::Date | FieldShape::Due => (Some(&date), example_style.clone().set_num_format("yyyy-mm-dd")),
            FieldShape::Amount => (Some(&money), example_style.clone().set_num_format("#,##0.00")),
            FieldShape::Id | FieldShape::Text | FieldShape::IdList | FieldShape::Evidence => {
                (Some(&text), example_style.clone().set_num_format("@"))
            }
            _ => (None, example_style.clone()),
        };
        if let Some(f) = column_format {
            sheet.set_column_format(col, f).map_err(xlsx)?;
        }
        sheet.set_column_width(col, 18).map_err(xlsx)?;
        let head = if c.optional { &header_optional } else { &header_required };
        sheet.write_string_with_format(0, col, c.header(), head).map_err(xlsx)?;
        let note = format!(
            "字段 field: {}\n{}\n{}",
            c.key,
            if c.optional {
                "可空 optional"
            } else {
                "必填 required"
            },
            describe(c)
        );
        sheet
            .insert_note(0, col, &Note::new(note).set_author("pledger"))
            .map_err(xlsx)?;
        match &example[i] {
            Cell::Text(s) => {
                sheet
                    .write_string_with_format(1, col, s, &example_format)
                    .map_err(xlsx)?;
            }
            Cell::Number(n) | Cell::Date(n) => {
                sheet
                    .write_number_with_format(1, col, *n, &example_format)
                    .map_err(xlsx)?;
            }
            Cell::Int(n) => {
                sheet
                    .write_number_with_format(1, col, *n as f64, &example_format)
                    .map_err(xlsx)?;
            }
            _ => {}
        }
        if let FieldShape::Word(words) = c.shape {
            let labels: Vec<&str> = words.iter().map(|w| word_label(w).unwrap_or(w)).collect();
            let dv = DataValidation::new()
                .allow_list_strings(&labels)
                .map_err(xlsx)?
                .ignore_blank(true);
            sheet
                .add_data_validation(1, col, TEMPLATE_ROWS, col, &dv)
                .map_err(xlsx)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx)?;

    let help = book.add_worksheet();
    help.set_name("说明").map_err(xlsx)?;
    let bold = Format::new().set_bold();
    for (i, h) in ["列标题", "字段", "必填", "说明"].iter().enumerate() {
        help.write_string_with_format(0, i as u16, *h, &bold).map_err(xlsx)?;
    }
    for (r, c) in cols.iter().enumerate() {
        let r = r as u32 + 1;
        help.write_string(r, 0, c.header()).map_err(xlsx)?;
        help.write_string(r, 1, &c.key).map_err(xlsx)?;
        help.write_string(r, 2, if c.optional { "否" } else { "是" })
            .map_err(xlsx)?;
        help.write_string(r, 3, describe(c)).map_err(xlsx)?;
    }
    let last = cols.len() as u32 + 2;
    let lines = [
        format!("事件类型 event type: {}", t.as_str()),
        "第 2 行为示例，原样保留时导入会跳过它；可直接改写或删除。".to_string(),
        "列标题可用中文标题，也可用字段名（如 amount、period.from）；金额列标题写“（万元）”即按万元填写。".to_string(),
        "The first sheet is imported; headers may be these Chinese ones or the field names.".to_string(),
    ];
    for (i, l) in lines.iter().enumerate() {
        help.write_string(last + i as u32, 0, l).map_err(xlsx)?;
    }
    help.set_column_width(0, 22).map_err(xlsx)?;
    help.set_column_width(1, 22).map_err(xlsx)?;
    help.set_column_width(3, 80).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}
