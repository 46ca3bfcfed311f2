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
use pledger_store::{Ledger, SledBackend, StoreError};
use std::path::Path;
use std::sync::Arc;

/// Opens the sled store of an existing data directory, with a message an
/// operator can act on when another process holds it.
pub fn open_backend(data: &Path) -> Result<(DataDir, Arc<SledBackend>), crate::Failure> {
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

/// Opens the ledger for appending (rebuilds its registry).
pub fn open_ledger(data: &Path) -> Result<(DataDir, Ledger), crate::Failure> {
    let (dir, backend) = open_backend(data)?;
    let ledger = Ledger::open(backend)?;
    Ok((dir, ledger))
}
