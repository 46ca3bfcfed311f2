//! One cell, as read from a workbook or a CSV file, and its conversion to
//! the JSON a field holds. Money is never a float: a numeric cell is read
//! at the 15 significant digits a spreadsheet keeps and turned into a
//! decimal before anything else is done with it.

use crate::Reason;
use pledger_core::schema::FieldShape;
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;
use time::{Date, Duration, Month};

/// A cell's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Int(i64),
    Bool(bool),
    /// An Excel serial date (days since 1899-12-30, fraction = time).
    Date(f64),
    /// An error value (`#N/A`, `#REF!`).
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// How an amount column is denominated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Yuan,
    /// 万元: the cell is multiplied by 10,000, exactly.
    Wan,
}

/// A float as the decimal a spreadsheet shows: 15 significant digits (what
/// Excel keeps), then the shortest form. `0.1 + 0.2` is `0.3` here, as on
/// the screen; no binary noise reaches an amount.
pub fn float_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    let text = format!("{f:.14e}");
    let d = Decimal::from_scientific(&text).ok()?;
    Some(d.normalize())
}

fn decimal_text(s: &str) -> Option<Decimal> {
    // Digit grouping as typed by hand (1,234.50 or 1，234.50) is accepted;
    // nothing else is: no sign but '-', no exponent.
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{a0}'))
        .collect();
    if cleaned.is_empty()
        || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        || cleaned.matches('.').count() > 1
        || cleaned.rfind('-').is_some_and(|i| i > 0)
    {
        return None;
    }
    Decimal::from_str(&cleaned).ok()
}

fn cell_decimal(cell: &Cell) -> Option<Decimal> {
    match cell {
        Cell::Number(f) => float_decimal(*f),
        Cell::Int(i) => Some(Decimal::from(*i)),
        Cell::Text(s) => decimal_text(s),
        _ => None,
    }
}

/// The text of a cell as a person reads it (for messages).
pub fn shown(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(f) => float_decimal(*f)
            .map(|d| d.to_string())
            .unwrap_or_else(|| f.to_string()),
        Cell::Int(i) => i.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => serial_date(*d).map(|d| d.to_string()).unwrap_or_else(|| d.to_string()),
        Cell::Error(e) => e.clone(),
    }
}

/// An Excel serial date (1900 system) as a calendar date. Serial 60 is
/// Excel's 1900-02-29, which never existed; dates before March 1900 are
/// refused rather than guessed.
pub fn serial_date(serial: f64) -> Option<Date> {
    if !serial.is_finite() || !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = Date::from_calendar_date(1899, Month::December, 30).ok()?;
    epoch.checked_add(Duration::days(serial.floor() as i64))
}

/// A date typed as text: `2026-03-01`, `2026/3/1`, `2026.3.1`,
/// `2026年3月1日`.
pub fn text_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        vec![y, m, d]
    } else {
        let sep = ['-', '/', '.'].into_iter().find(|c| s.contains(*c))?;
        s.split(sep).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.chars().all(|c| c.is_ascii_digit());
    if !(y.len() == 4 && digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// The plain text of a cell for a text-like field. A number typed into a
/// text column (a voucher number) is written as the spreadsheet shows it.
fn text_of(cell: &Cell) -> Result<String, Reason> {
    match cell {
        Cell::Text(s) => Ok(s.trim().to_string()),
        Cell::Int(i) => Ok(i.to_string()),
        Cell::Number(f) => float_decimal(*f).map(|d| d.to_string()).ok_or(Reason::NotText),
        Cell::Date(d) => serial_date(*d).map(|d| d.to_string()).ok_or(Reason::NotText),
        Cell::Bool(b) => Ok(b.to_string()),
        Cell::Error(e) => Err(Reason::CellError(e.clone())),
        Cell::Empty => Ok(String::new()),
    }
}

fn date_of(cell: &Cell) -> Result<Date, Reason> {
    match cell {
        Cell::Date(d) | Cell::Number(d) => serial_date(*d).ok_or_else(|| Reason::NotADate(shown(cell))),
        Cell::Int(i) => serial_date(*i as f64).ok_or_else(|| Reason::NotADate(shown(cell))),
        Cell::Text(s) => text_date(s).ok_or_else(|| Reason::NotADate(s.clone())),
        Cell::Error(e) => Err(Reason::CellError(e.clone())),
        _ => Err(Reason::NotADate(shown(cell))),
    }
}

/// Converts a non-empty cell to the JSON of a field of `shape`.
pub fn to_json(cell: &Cell, shape: FieldShape, unit: Unit) -> Result<Value, Reason> {
    if let Cell::Error(e) = cell {
        return Err(Reason::CellError(e.clone()));
    }
    Ok(match shape {
        FieldShape::Amount => Value::String(amount(cell, unit)?),
        FieldShape::Decimal => {
            let d = cell_decimal(cell).ok_or_else(|| Reason::NotANumber(shown(cell)))?;
            Value::String(d.normalize().to_string())
        }
        FieldShape::Integer => {
            let d = cell_decimal(cell).ok_or_else(|| Reason::NotAnInteger(shown(cell)))?;
            let n = u64::try_from(d.normalize()).map_err(|_| Reason::NotAnInteger(shown(cell)))?;
            if Decimal::from(n) != d {
                return Err(Reason::NotAnInteger(shown(cell)));
            }
            Value::from(n)
        }
        FieldShape::Date => Value::String(date_or_time(cell)?),
        FieldShape::Due => match cell {
            Cell::Text(s) if s.trim_start().starts_with('{') => json(s)?,
            _ => Value::String(date_or_time(cell)?),
        },
        FieldShape::Word(words) => {
            let s = text_of(cell)?;
            let word = words
                .iter()
                .find(|w| **w == s || crate::columns::word_label(w) == Some(s.as_str()))
                .ok_or_else(|| Reason::NotInList {
                    value: s.clone(),
                    allowed: words.to_vec(),
                })?;
            Value::String((*word).to_string())
        }
        FieldShape::IdList => {
            let s = text_of(cell)?;
            if s.starts_with('[') {
                json(&s)?
            } else {
                Value::Array(
                    s.split([';', ',', '；', '，', '、', '\n'])
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(|p| Value::String(p.to_string()))
                        .collect(),
                )
            }
        }
        FieldShape::Evidence => {
            let s = text_of(cell)?;
            if s.starts_with('[') || s.starts_with('{') {
                json(&s)?
            } else {
                Value::String(s)
            }
        }
        FieldShape::Json => json(&text_of(cell)?)?,
        FieldShape::Id | FieldShape::Text | FieldShape::Key | FieldShape::Currency | FieldShape::Object(_) => {
            Value::String(text_of(cell)?)
        }
    })
}

fn json(s: &str) -> Result<Value, Reason> {
    serde_json::from_str(s.trim()).map_err(|e| Reason::NotJson(e.to_string()))
}

/// A date cell as `YYYY-MM-DD`; text that is already an RFC 3339
/// date-time (for `occurred_at` and `due`) is passed on for the format's
/// own check.
fn date_or_time(cell: &Cell) -> Result<String, Reason> {
    if let Cell::Text(s) = cell {
        let s = s.trim();
        if s.len() > 10 && s.as_bytes().get(10) == Some(&b'T') {
            return Ok(s.to_string());
        }
    }
    let d = date_of(cell)?;
    let (y, m, day) = d.to_calendar_date();
    Ok(format!("{y:04}-{:02}-{day:02}", m as u8))
}

/// An amount cell as the format's decimal string of yuan. A 万元 cell is
/// multiplied by 10,000 in decimal; more precision than a fen is refused,
/// never rounded away.
pub fn amount(cell: &Cell, unit: Unit) -> Result<String, Reason> {
    let d = cell_decimal(cell).ok_or_else(|| Reason::NotAnAmount(shown(cell)))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(Reason::Negative(shown(cell)));
    }
    let yuan = match unit {
        Unit::Yuan => d,
        Unit::Wan => d
            .checked_mul(Decimal::from(10_000))
            .ok_or_else(|| Reason::NotAnAmount(shown(cell)))?,
    }
    .normalize();
    if yuan.scale() > 2 {
        return Err(Reason::TooPrecise(shown(cell)));
    }
    Ok(yuan.to_string())
}
