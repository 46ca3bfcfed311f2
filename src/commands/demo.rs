//! `pledger demo`: a data directory holding a realistic city (Changde,
//! 2006–2010) with discrepancies planted so every finding code shows, then
//! its findings report.

use crate::{Failure, Format};
use pledger_store::keys::{DataDir, DEFAULT_ORIGIN};
use pledger_views::{Lang, Scope};
use std::path::Path;

pub fn run(data: &Path, format: Format, lang: Lang, serve_on: Option<String>) -> Result<(), Failure> {
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
        None,
        format,
        lang,
        None,
    )?;
    let Some(addr) = serve_on else {
        return Ok(());
    };
    // A token to try appends with: the city government records in its own name.
    let issued = pledger_server::tokens::TokenStore::new(data)
        .add(
            "changde-gov",
            &[pledger_server::tokens::Role::Recorder],
            &pledger_core::when::recorded_at_text(time::OffsetDateTime::now_utc()),
            None,
        )
        .map_err(|e| Failure::Input(e.to_string()))?;
    println!();
    println!("console: http://{addr}/ (reads are public); stop with Ctrl-C");
    println!(
        "a recorder token for changde-gov, to append over HTTP: {}",
        issued.token
    );
    let args = crate::commands::serve::ServeArgs {
        addr,
        public_reads: true,
        checkpoint_every: 60,
        max_body: 16 * 1024 * 1024,
        request_timeout: 60,
        holidays: None,
        snapshot_every: pledger_views::load::REFRESH_TAIL,
        log_format: crate::commands::serve::LogFormat::Text,
        witnesses: Vec::new(),
        advertise: None,
        audit_every: 300,
    };
    crate::commands::serve::run(data, args)
}
