//! `pledger trace ACCOUNT [--down|--up]`: where an account's money went, or
//! where it came from, pro rata where money mixes.

use crate::commands::report::{print_rows, write_sheets, Sink};
use crate::{Failure, Format};
use pledger_views::funds::Direction;
use pledger_views::{Lang, Scope};
use std::io::Write;
use std::path::Path;

pub fn run(
    data: &Path,
    account: &str,
    direction: Direction,
    scope: Scope,
    format: Format,
    lang: Lang,
    out: Option<&Path>,
) -> Result<(), Failure> {
    let sink = Sink::new(out, format)?;
    let (facts, now) = crate::commands::report::facts_for(data, scope)?;
    let trace = pledger_views::funds::trace(&facts, account, direction)
        .ok_or_else(|| Failure::Input(format!("no account {account:?} is recorded in this ledger")))?;
    let mut buf = Vec::new();
    match format {
        Format::Json => writeln!(buf, "{}", serde_json::to_string(&trace)?)?,
        Format::Csv | Format::Xlsx => write_sheets(
            &mut buf,
            &[pledger_sheets::trace(&trace, &facts, lang)],
            format,
            lang,
            now,
        )?,
        Format::Table => {
            print_rows(&mut buf, &trace.flows, None, lang)?;
            writeln!(buf, "total {}", trace.total)?;
        }
    }
    sink.deliver(&buf)
}
