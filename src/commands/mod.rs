//! One file per verb.

pub mod append;
pub mod checkpoint;
pub mod claim;
pub mod demo;
pub mod export;
pub mod import;
pub mod import_bundle;
pub mod init;
pub mod key;
pub mod log;
pub mod prove;
pub mod report;
pub mod serve;
pub mod sign;
pub mod template;
pub mod token;
pub mod trace;
pub mod verify;
pub mod verify_bundle;
pub mod witness;

use pledger_store::keys::DataDir;
use pledger_store::{Ledger, LogBackend, MemBackend, SledBackend, StoreError};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// A ledger kept in PostgreSQL (`--postgres URL --ledger NAME`).
#[derive(Clone, Debug)]
pub struct SharedLedger {
    pub url: String,
    pub ledger: String,
}

/// Set once from the command line, before the verb runs: every verb that
/// opens a ledger then opens this one, without each growing two arguments.
static SHARED: OnceLock<SharedLedger> = OnceLock::new();

pub fn set_shared(shared: SharedLedger) {
    let _ = SHARED.set(shared);
}

pub fn shared() -> Option<&'static SharedLedger> {
    SHARED.get()
}

/// Opens the log of an existing data directory: its sled store, with a
/// message an operator can act on when another process holds it; or, with
/// `--postgres`, the ledger read (and every record verified) from the
/// database, writable when no other node writes it.
pub fn open_backend(data: &Path) -> Result<(DataDir, Arc<dyn LogBackend>), crate::Failure> {
    match shared() {
        Some(s) => open_shared(data, s, false),
        None => {
            let (dir, backend) = open_sled(data)?;
            Ok((dir, backend))
        }
    }
}

fn open_sled(data: &Path) -> Result<(DataDir, Arc<SledBackend>), crate::Failure> {
    let dir = DataDir::open(data)?;
    let backend = SledBackend::open(&DataDir::log_path(data)).map_err(|e| match e {
        StoreError::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock || io.to_string().contains("lock") => {
            crate::Failure::Input(format!(
                "the ledger in {} is in use by another pledger process (is `pledger serve` running?); stop it first, or ask the server over HTTP",
                data.display()
            ))
        }
        other => crate::Failure::Input(other.to_string()),
    })?;
    Ok((dir, Arc::new(backend)))
}

/// The PostgreSQL ledger of `shared`, checked against the data directory's
/// origin and key (`create`: made first, for `init` and `import-bundle`).
pub fn open_shared(
    data: &Path,
    shared: &SharedLedger,
    create: bool,
) -> Result<(DataDir, Arc<dyn LogBackend>), crate::Failure> {
    let dir = DataDir::open(data)?;
    let verifier = dir.verifier_key()?.to_string();
    let backend = pledger_postgres::open_once(
        &shared.url,
        &shared.ledger,
        &dir.config.origin,
        &verifier,
        create,
        Arc::new(MemBackend::new()),
    )
    .map_err(|e| match e {
        pledger_postgres::PgError::Corrupt(_) => crate::Failure::Check(e.to_string()),
        other => crate::Failure::Input(other.to_string()),
    })?;
    Ok((dir, backend))
}

/// Opens the ledger for appending (rebuilds its registry).
pub fn open_ledger(data: &Path) -> Result<(DataDir, Ledger), crate::Failure> {
    let (dir, backend) = open_backend(data)?;
    let ledger = Ledger::open(backend)?;
    Ok((dir, ledger))
}
