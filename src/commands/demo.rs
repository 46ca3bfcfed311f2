//! `pledger demo`: a data directory holding a realistic city (Changde,
//! 2006–2010) with discrepancies planted so every finding code shows, then
//! its findings report.

use crate::{Failure, Format};
use pledger_store::keys::{DataDir, DEFAULT_ORIGIN};
use pledger_store::LogBackend;
use pledger_views::Scope;
use std::path::Path;

pub fn run(data: &Path, format: Format) -> Result<(), Failure> {
    if DataDir::exists(data) {
        let (_dir, backend) = crate::commands::open_backend(data)?;
        if backend.head()?.len > 0 {
            return Err(Failure::Input(format!(
                "{} already holds a ledger with records; choose another --data directory for the demo",
                data.display()
            )));
        }
    } else {
        DataDir::init(data, DEFAULT_ORIGIN)?;
    }
    let (_dir, ledger) = crate::commands::open_ledger(data)?;
    let events = pledger_gen::demo::demo_city();
    let count = events.len();
    ledger
        .append_values(events)
        .map_err(|e| Failure::Input(format!("the demo scenario was refused: {e}")))?;
    ledger.close();
    drop(ledger);
    if format != Format::Json {
        println!("recorded {count} events of the Changde demo city in {}", data.display());
        println!();
    }
    crate::commands::report::run(
        data,
        crate::commands::report::View::Findings,
        Scope::default(),
        None,
        format,
    )
}
