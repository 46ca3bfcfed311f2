//! `pledger trace ACCOUNT [--down|--up]`: where an account's money went, or
//! where it came from, pro rata where money mixes.

use crate::{Failure, Format};
use pledger_views::funds::Direction;
use pledger_views::{Lang, Scope};
use std::path::Path;

pub fn run(
    data: &Path,
    account: &str,
    direction: Direction,
    scope: Scope,
    format: Format,
    lang: Lang,
) -> Result<(), Failure> {
    let (facts, _now) = crate::commands::report::facts_for(data, scope)?;
    let trace = pledger_views::funds::trace(&facts, account, direction)
        .ok_or_else(|| Failure::Input(format!("no account {account:?} is recorded in this ledger")))?;
    if format == Format::Json {
        println!("{}", serde_json::to_string(&trace)?);
        return Ok(());
    }
    crate::commands::report::print_rows(&trace.flows, format, None, lang)?;
    if format == Format::Table {
        println!("total {}", trace.total);
    }
    Ok(())
}
