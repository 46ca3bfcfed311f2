//! Errors of the store.

use pledger_core::Rejection;
use thiserror::Error;

/// Something below the ledger failed: the disk, the engine, or the stored
/// bytes themselves.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the disk is full: {0}; free space and retry (nothing was written)")]
    DiskFull(String),
    #[error("storage error: {0}")]
    Backend(String),
    #[error(
        "the ledger is damaged: {0}; run `pledger verify`, and if it fails restore from an export (docs/operations.md)"
    )]
    Corrupt(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the ledger is shutting down")]
    Closed,
    /// This node does not write the shared log now (a follower, or a
    /// writer that lost its election); the writer's address when known.
    #[error("this node does not write the ledger now{}; send appends to the writer", .0.as_deref().map(|w| format!(" (the writer is {w})")).unwrap_or_default())]
    NotWriter(Option<String>),
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Io(io) if is_disk_full(&io) => StoreError::DiskFull(io.to_string()),
            sled::Error::Io(io) => StoreError::Io(io),
            // Name the file and offset sled found bad, not its Debug text.
            sled::Error::Corruption { at, .. } => StoreError::Corrupt(match at {
                Some(sled::DiskPtr::Inline(offset)) => {
                    format!("sled found corrupted data at offset {offset} of the store's file `db`")
                }
                Some(sled::DiskPtr::Blob(_, blob)) => {
                    format!("sled found corrupted data in the store's file `blobs/{blob}`")
                }
                None => "sled found corrupted data in the store's files (`db`, `snap.*` or `conf`)".to_string(),
            }),
            other => StoreError::Backend(other.to_string()),
        }
    }
}

impl StoreError {
    /// The message without the advice [`StoreError::Corrupt`] adds.
    pub fn detail(&self) -> String {
        match self {
            StoreError::Corrupt(what) => what.clone(),
            other => other.to_string(),
        }
    }
}

pub(crate) fn is_disk_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

/// Why an append did not happen. In every case nothing was written.
#[derive(Debug, Error)]
pub enum AppendError {
    /// The input broke a rule of the contract (or an `id` was reused for a
    /// different event: code `id_conflict`).
    #[error("{0}")]
    Rejected(Rejection),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppendError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, AppendError::Rejected(r) if r.kind == pledger_core::RejectionKind::IdConflict)
    }
}

impl From<Rejection> for AppendError {
    fn from(r: Rejection) -> Self {
        AppendError::Rejected(r)
    }
}
