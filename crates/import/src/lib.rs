//! pledger-import: spreadsheet rows to pledger events, and the template a
//! clerk fills in.
//!
//! A sheet holds one event type. Its columns are named by the template's
//! Chinese headers or by the format's field names (`actor`,
//! `occurred_at`, `id`, the data fields, nested ones dotted like
//! `period.from`), or by any text a map file ties to a field. Amount
//! columns are in 元, or in 万元 when the header says so. Every bad cell
//! is reported with its row (as the spreadsheet numbers it), its column
//! header as written and the reason, in English or Chinese.
//!
//! Mapping is pure: bytes in, JSON events and problems out. Validating
//! and appending the events is the ledger's job (the same path as
//! `pledger append`); [`rejection_problem`] puts its refusals back on
//! the row and column they came from.

pub mod cells;
pub mod columns;
pub mod judge;
pub mod read;
pub mod template;

use cells::{Cell, Unit};
use columns::Column;
use pledger_core::schema::FieldShape;
use pledger_core::{EventType, Rejection};
pub use pledger_views::Lang;
use read::Grid;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Why a file could not be read at all (as opposed to a bad row).
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("the file cannot be read as a workbook (xlsx, xls, ods) or CSV: {0}")]
    Unreadable(String),
    #[error("the workbook has no sheet {sheet:?}; its sheets are: {}", .sheets.join(", "))]
    NoSuchSheet { sheet: String, sheets: Vec<String> },
    #[error("the workbook has no sheets")]
    Empty,
    #[error("a CSV file must be UTF-8 (in Excel: save as \"CSV UTF-8\")")]
    NotUtf8,
    #[error("the map file cannot be read: {0}")]
    BadMap(String),
    #[error("{0:?} is not an event type of docs/format.md section 2")]
    UnknownType(String),
    #[error("the template cannot be written: {0}")]
    Template(String),
}

impl SheetError {
    /// The message in the reader's language.
    pub fn text(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::En, e) => e.to_string(),
            (Lang::ZhCn, SheetError::Unreadable(m)) => format!("无法读取该文件（支持 xlsx、xls、ods、CSV）：{m}"),
            (Lang::ZhCn, SheetError::NoSuchSheet { sheet, sheets }) => {
                format!("工作簿中没有名为“{sheet}”的工作表；现有：{}", sheets.join("、"))
            }
            (Lang::ZhCn, SheetError::Empty) => "工作簿中没有工作表".into(),
            (Lang::ZhCn, SheetError::NotUtf8) => "CSV 文件须为 UTF-8 编码（Excel 中另存为“CSV UTF-8”）".into(),
            (Lang::ZhCn, SheetError::BadMap(m)) => format!("列映射文件有误：{m}"),
            (Lang::ZhCn, SheetError::UnknownType(t)) => format!("“{t}”不是 docs/format.md 第 2 节的事件类型"),
            (Lang::ZhCn, SheetError::Template(m)) => format!("无法生成模板：{m}"),
        }
    }
}

/// Why a row (or the header row) is bad.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// A required column is empty in this row.
    Required,
    NotADate(String),
    NotAnAmount(String),
    NotANumber(String),
    NotAnInteger(String),
    Negative(String),
    /// More precise than a fen (分).
    TooPrecise(String),
    NotInList {
        value: String,
        allowed: Vec<&'static str>,
    },
    NotJson(String),
    NotText,
    /// The cell holds a spreadsheet error (`#N/A`).
    CellError(String),
    /// A header that names no field of the type.
    UnknownColumn,
    /// Two headers name the same field.
    DuplicateColumn(String),
    /// A required field has no column.
    MissingColumn(String),
    /// A 万元 header on a column that is not an amount.
    WanNotAmount,
    /// The sheet has a header but no data rows.
    NoRows,
    /// The ledger refused the row's event (docs/format.md 2.4).
    Rejected {
        code: &'static str,
        message: String,
    },
    /// The row's actor is not the entity the caller speaks for.
    ActorMismatch {
        actor: String,
        entity: String,
    },
}

impl Reason {
    /// A stable code: the rejection code for a refused event, else the
    /// sheet's own.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Required => "required",
            Reason::NotADate(_) => "not_a_date",
            Reason::NotAnAmount(_) => "not_an_amount",
            Reason::NotANumber(_) => "not_a_number",
            Reason::NotAnInteger(_) => "not_an_integer",
            Reason::Negative(_) => "negative_amount",
            Reason::TooPrecise(_) => "too_precise",
            Reason::NotInList { .. } => "not_in_list",
            Reason::NotJson(_) => "not_json",
            Reason::NotText => "not_text",
            Reason::CellError(_) => "cell_error",
            Reason::UnknownColumn => "unknown_column",
            Reason::DuplicateColumn(_) => "duplicate_column",
            Reason::MissingColumn(_) => "missing_column",
            Reason::WanNotAmount => "wan_not_amount",
            Reason::NoRows => "no_rows",
            Reason::Rejected { code, .. } => code,
            Reason::ActorMismatch { .. } => "forbidden_actor",
        }
    }

    /// The reason in the reader's language.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en(),
            Lang::ZhCn => self.zh(),
        }
    }

    fn en(&self) -> String {
        match self {
            Reason::Required => "required, but empty".into(),
            Reason::NotADate(v) => {
                format!("{v:?} is not a date (use a date cell, 2026-03-01, 2026/3/1 or 2026年3月1日)")
            }
            Reason::NotAnAmount(v) => format!("{v:?} is not an amount of money"),
            Reason::NotANumber(v) => format!("{v:?} is not a number"),
            Reason::NotAnInteger(v) => format!("{v:?} is not a whole number"),
            Reason::Negative(v) => format!("{v:?} is negative; amounts are never negative"),
            Reason::TooPrecise(v) => format!("{v:?} is more precise than a fen (0.01 yuan); round it in the sheet"),
            Reason::NotInList { value, allowed } => format!("{value:?} is not one of: {}", allowed.join(", ")),
            Reason::NotJson(m) => format!("not valid JSON: {m}"),
            Reason::NotText => "cannot be read as text".into(),
            Reason::CellError(e) => format!("the cell holds the error {e}"),
            Reason::UnknownColumn => "this header names no field of the event type".into(),
            Reason::DuplicateColumn(k) => format!("a second column for the field {k}"),
            Reason::MissingColumn(k) => format!("no column for the required field {k}"),
            Reason::WanNotAmount => "only an amount column can be in 万元".into(),
            Reason::NoRows => "the sheet has no data rows".into(),
            Reason::Rejected { code, message } => format!("{message} [{code}]"),
            Reason::ActorMismatch { actor, entity } => {
                format!("the actor {actor:?} is not {entity:?}, the entity this token records for")
            }
        }
    }

    fn zh(&self) -> String {
        match self {
            Reason::Required => "必填，但为空".into(),
            Reason::NotADate(v) => {
                format!("“{v}”不是日期（请用日期格式单元格，或写作 2026-03-01、2026/3/1、2026年3月1日）")
            }
            Reason::NotAnAmount(v) => format!("“{v}”不是金额"),
            Reason::NotANumber(v) => format!("“{v}”不是数字"),
            Reason::NotAnInteger(v) => format!("“{v}”不是整数"),
            Reason::Negative(v) => format!("“{v}”为负数，金额不能为负"),
            Reason::TooPrecise(v) => format!("“{v}”精确到分以下，请在表中四舍五入到分"),
            Reason::NotInList { value, allowed } => format!(
                "“{value}”不在可选值中：{}",
                allowed
                    .iter()
                    .map(|w| match columns::word_label(w) {
                        Some(l) => format!("{l}（{w}）"),
                        None => (*w).to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            Reason::NotJson(m) => format!("不是有效的 JSON：{m}"),
            Reason::NotText => "无法读作文本".into(),
            Reason::CellError(e) => format!("单元格为错误值 {e}"),
            Reason::UnknownColumn => "该列标题不是此类事件的字段".into(),
            Reason::DuplicateColumn(k) => format!("字段 {k} 出现了两列"),
            Reason::MissingColumn(k) => format!("缺少必填字段 {k} 的列"),
            Reason::WanNotAmount => "只有金额列可以用万元".into(),
            Reason::NoRows => "表中没有数据行".into(),
            Reason::Rejected { code, message } => format!("{}：{message}［{code}］", rejection_zh(code)),
            Reason::ActorMismatch { actor, entity } => {
                format!("记录主体“{actor}”不是本令牌所代表的“{entity}”")
            }
        }
    }
}

/// The Chinese name of a rejection code (docs/format.md 2.4); the
/// ledger's own sentence follows it.
fn rejection_zh(code: &str) -> &'static str {
    match code {
        "missing_field" => "缺少必填项",
        "unknown_field" => "未知字段",
        "invalid_field" => "字段值无效",
        "bad_amount" => "金额格式错误",
        "bad_id" => "编号格式错误",
        "bad_date" => "日期格式错误",
        "unknown_reference" => "引用的对象不存在或已作废",
        "duplicate_id" => "编号已存在",
        "id_conflict" => "事件编号冲突",
        "unknown_actor" => "记录主体未登记",
        "not_permitted" => "无权记录",
        "unknown_type" => "未知事件类型",
        "bad_signature" => "签名无效",
        "signature_required" => "须签名",
        "already_voided" => "已作废",
        _ => "被拒绝",
    }
}

/// One bad row, or a bad header (row 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The row number the spreadsheet shows (the header is row 1).
    pub row: u32,
    /// The column header as written, when the problem is in one column.
    pub column: Option<String>,
    pub reason: Reason,
}

impl Problem {
    /// `row 7, 金额（元）: "12.345" is more precise than a fen`.
    pub fn text(&self, lang: Lang) -> String {
        match (lang, &self.column) {
            (Lang::En, Some(c)) => format!("row {}, column {c}: {}", self.row, self.reason.text(lang)),
            (Lang::En, None) => format!("row {}: {}", self.row, self.reason.text(lang)),
            (Lang::ZhCn, Some(c)) => format!("第 {} 行，“{c}”列：{}", self.row, self.reason.text(lang)),
            (Lang::ZhCn, None) => format!("第 {} 行：{}", self.row, self.reason.text(lang)),
        }
    }

    /// `{"row", "column", "code", "reason"}`.
    pub fn to_json(&self, lang: Lang) -> Value {
        serde_json::json!({
            "row": self.row,
            "column": self.column,
            "code": self.reason.code(),
            "reason": self.reason.text(lang),
        })
    }
}

/// Header text tied to field names by a map file (`--map MAP.toml`):
///
/// ```toml
/// [columns]
/// "付款单位" = "from_account"
/// "拨付金额（万元）" = "amount"
/// ```
#[derive(Clone, Debug, Default)]
pub struct ColumnMap {
    columns: HashMap<String, String>,
}

impl ColumnMap {
    pub fn parse(text: &str) -> Result<ColumnMap, SheetError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            columns: HashMap<String, String>,
        }
        let f: File = toml::from_str(text).map_err(|e| SheetError::BadMap(e.to_string()))?;
        Ok(ColumnMap {
            columns: f
                .columns
                .into_iter()
                .map(|(k, v)| (normalize(&k), v.trim().to_string()))
                .collect(),
        })
    }
}

/// Header text compared loosely: full-width brackets as ASCII ones,
/// spaces and a required-mark `*` dropped.
fn normalize(h: &str) -> String {
    h.trim()
        .chars()
        .filter_map(|c| match c {
            '（' => Some('('),
            '）' => Some(')'),
            '＊' | '*' => None,
            c if c.is_whitespace() => None,
            c => Some(c),
        })
        .collect()
}

/// A header's base and its unit: `金额（万元）` is `金额` in 万元.
fn split_unit(h: &str) -> (&str, Option<Unit>) {
    for (suffix, unit) in [("(万元)", Unit::Wan), ("万元", Unit::Wan), ("(元)", Unit::Yuan)] {
        if let Some(base) = h.strip_suffix(suffix) {
            if !base.is_empty() {
                return (base, Some(unit));
            }
        }
    }
    (h, None)
}

/// Which column of the type each sheet column feeds.
#[derive(Clone, Debug)]
pub struct Layout {
    pub event_type: EventType,
    pub columns: Vec<Column>,
    /// Per sheet column: the index into `columns` and the unit.
    slots: Vec<Option<(usize, Unit)>>,
    /// Per sheet column: the header as written.
    headers: Vec<String>,
    pub header_row: u32,
}

impl Layout {
    /// The position of a header as written.
    pub fn column_index(&self, header: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == header)
    }

    /// The header as written of the column that feeds `key`, if any.
    pub fn header_of(&self, key: &str) -> Option<&str> {
        self.slots.iter().enumerate().find_map(|(i, s)| match s {
            Some((c, _)) if self.columns[*c].key == key => Some(self.headers[i].as_str()),
            _ => None,
        })
    }
}

/// The rows of a sheet as events, and every problem found in them.
#[derive(Debug)]
pub struct Mapped {
    pub layout: Layout,
    /// (row number, event JSON), in sheet order.
    pub events: Vec<(u32, Value)>,
    pub problems: Vec<Problem>,
    /// The template's example row was found unchanged and left out.
    pub skipped_example: bool,
}

/// Reads a type's sheet: headers to columns, each row to an event.
pub fn map_sheet(t: EventType, grid: &Grid, map: &ColumnMap) -> Mapped {
    let columns = columns::columns(t);
    let mut problems = Vec::new();
    let mut rows = grid
        .rows
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let Some((header_row, header_cells)) = rows.next() else {
        return Mapped {
            layout: Layout {
                event_type: t,
                columns,
                slots: Vec::new(),
                headers: Vec::new(),
                header_row: 1,
            },
            events: Vec::new(),
            problems: vec![Problem {
                row: 1,
                column: None,
                reason: Reason::NoRows,
            }],
            skipped_example: false,
        };
    };
    let header_row = *header_row;
    let headers: Vec<String> = header_cells
        .iter()
        .map(|c| cells::shown(c).trim().to_string())
        .collect();
    let mut slots = Vec::with_capacity(headers.len());
    let mut taken: HashMap<usize, ()> = HashMap::new();
    for h in &headers {
        if h.is_empty() {
            slots.push(None);
            continue;
        }
        let norm = normalize(h);
        let (target, unit) = match map.columns.get(&norm) {
            Some(field) => {
                let (f, u) = split_unit(field);
                let unit = u.or_else(|| norm.contains("万元").then_some(Unit::Wan));
                (f.to_string(), unit)
            }
            None => {
                let (b, u) = split_unit(&norm);
                (b.to_string(), u)
            }
        };
        let found = columns.iter().position(|c| {
            c.key.eq_ignore_ascii_case(&target) || normalize(&c.zh) == target || normalize(&c.header()) == target
        });
        match found {
            None => {
                problems.push(Problem {
                    row: header_row,
                    column: Some(h.clone()),
                    reason: Reason::UnknownColumn,
                });
                slots.push(None);
            }
            Some(i) if taken.contains_key(&i) => {
                problems.push(Problem {
                    row: header_row,
                    column: Some(h.clone()),
                    reason: Reason::DuplicateColumn(columns[i].key.clone()),
                });
                slots.push(None);
            }
            Some(i) => {
                taken.insert(i, ());
                if unit == Some(Unit::Wan) && columns[i].shape != FieldShape::Amount {
                    problems.push(Problem {
                        row: header_row,
                        column: Some(h.clone()),
                        reason: Reason::WanNotAmount,
                    });
                }
                slots.push(Some((i, unit.unwrap_or(Unit::Yuan))));
            }
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if !c.optional && !taken.contains_key(&i) {
            problems.push(Problem {
                row: header_row,
                column: None,
                reason: Reason::MissingColumn(format!("{}（{}）", c.header(), c.key)),
            });
        }
    }
    let layout = Layout {
        event_type: t,
        columns,
        slots,
        headers,
        header_row,
    };
    let example = template::example_event(t);
    let mut events = Vec::new();
    let mut skipped_example = false;
    for (row, cells) in rows {
        match map_row(&layout, *row, cells) {
            Ok(event) if event == example => skipped_example = true,
            Ok(event) => events.push((*row, event)),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if events.is_empty() && problems.iter().all(|p| p.row == header_row) {
        problems.push(Problem {
            row: header_row,
            column: None,
            reason: Reason::NoRows,
        });
    }
    Mapped {
        layout,
        events,
        problems,
        skipped_example,
    }
}

/// One row to its event JSON, or every bad cell of it.
fn map_row(layout: &Layout, row: u32, cells: &[Cell]) -> Result<Value, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut envelope = Map::new();
    envelope.insert("type".into(), Value::String(layout.event_type.as_str().into()));
    let mut data = Map::new();
    let mut filled = vec![false; layout.columns.len()];
    for (i, slot) in layout.slots.iter().enumerate() {
        let Some((c, unit)) = slot else { continue };
        let column = &layout.columns[*c];
        let cell = cells.get(i).unwrap_or(&Cell::Empty);
        if cell.is_empty() {
            continue;
        }
        filled[*c] = true;
        match cells::to_json(cell, column.shape, *unit) {
            Ok(v) if column.envelope => {
                envelope.insert(column.key.clone(), v);
            }
            Ok(v) => insert_path(&mut data, &column.key, v),
            Err(reason) => problems.push(Problem {
                row,
                column: Some(layout.headers[i].clone()),
                reason,
            }),
        }
    }
    for (i, slot) in layout.slots.iter().enumerate() {
        let Some((c, _)) = slot else { continue };
        let column = &layout.columns[*c];
        // A member of an optional object (`period.from` of a revision) is
        // required only when the object is given at all.
        let needed = !column.optional || (column_parent_given(layout, column, &filled) && !column.own_optional);
        if needed && !filled[*c] {
            problems.push(Problem {
                row,
                column: Some(layout.headers[i].clone()),
                reason: Reason::Required,
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    envelope.insert("data".into(), Value::Object(data));
    Ok(Value::Object(envelope))
}

/// Is some member of `column`'s parent object filled in this row?
fn column_parent_given(layout: &Layout, column: &Column, filled: &[bool]) -> bool {
    let Some((parent, _)) = column.key.rsplit_once('.') else {
        return false;
    };
    layout
        .columns
        .iter()
        .zip(filled)
        .any(|(c, f)| *f && c.key.rsplit_once('.').is_some_and(|(p, _)| p == parent))
}

fn insert_path(data: &mut Map<String, Value>, key: &str, v: Value) {
    match key.split_once('.') {
        None => {
            data.insert(key.to_string(), v);
        }
        Some((head, rest)) => {
            let entry = data
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                insert_path(inner, rest, v);
            }
        }
    }
}

/// A ledger refusal of the event made from `row`, put back on the column
/// its field came from (`data.amount` → the amount column's header).
pub fn rejection_problem(layout: &Layout, row: u32, r: &Rejection) -> Problem {
    let field = r.field.strip_prefix("data.").unwrap_or(&r.field);
    // `data.items[1].weight` is in the items column.
    let field = field.split('[').next().unwrap_or(field);
    let column = layout.header_of(field).map(str::to_string).or_else(|| {
        let prefix = format!("{field}.");
        layout
            .columns
            .iter()
            .find(|c| c.key.starts_with(&prefix))
            .and_then(|c| layout.header_of(&c.key))
            .map(str::to_string)
    });
    Problem {
        row,
        column: if field.is_empty() { None } else { column },
        reason: Reason::Rejected {
            code: r.code,
            message: r.message.clone(),
        },
    }
}

/// The event type named `name`.
pub fn event_type(name: &str) -> Result<EventType, SheetError> {
    EventType::from_name(name).ok_or_else(|| SheetError::UnknownType(name.to_string()))
}
