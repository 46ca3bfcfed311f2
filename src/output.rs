//! Tables for people (aligned by display width, so Chinese names line up)
//! and CSV for tools.

use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn write_aligned(&self, out: &mut impl Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.width()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(c.width());
                }
            }
        }
        let line = |out: &mut dyn Write, cells: &[String]| -> io::Result<()> {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                s.push_str(c);
                if i + 1 < cells.len() {
                    let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(c.width()) + 2;
                    s.extend(std::iter::repeat_n(' ', pad));
                }
            }
            writeln!(out, "{}", s.trim_end())
        };
        line(out, &self.header)?;
        for r in &self.rows {
            line(out, r)?;
        }
        Ok(())
    }

    pub fn write_csv(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "{}",
            self.header.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",")
        )?;
        for r in &self.rows {
            writeln!(out, "{}", r.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","))?;
        }
        Ok(())
    }
}

/// One CSV cell. A cell a spreadsheet would run as a formula (starting
/// with `=`, `+`, `@`, a tab or a carriage return, or a `-` that does not
/// begin a number) gets a leading apostrophe, as the console's CSV does: a
/// name or reason recorded by anyone must never run in an auditor's
/// spreadsheet. Negative amounts stay numbers.
fn csv_cell(c: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::csv_cell;

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
}
