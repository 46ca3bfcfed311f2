//! pledger-store: the log. Only this crate writes it.
//!
//! # Layout
//!
//! - [`backend`]: the narrow [`LogBackend`] trait every storage engine
//!   implements (atomic batch write, sync, ordered scan), and an in-memory
//!   backend for tests.
//! - [`sled_backend`]: the embedded default, sled 0.34, with the key layout.
//! - [`ledger`]: [`Ledger`], the only way in: validation against the
//!   registry, hashing and chaining, group commit on one writer thread,
//!   idempotent retries, streaming all-or-nothing imports.
//! - [`input`]: reading NDJSON or a JSON array into prepared chunks for
//!   an import, parsed in parallel.
//! - [`tree`]: the stored Merkle tree as `TreeNodes`, for roots and proofs.
//! - [`verify`]: recomputes every hash, link and tree node from the stored
//!   bytes alone.
//! - [`keys`]: the ledger's Ed25519 key and the data directory's files.
//! - [`checkpoints`]: signed checkpoints stored beside the log, and their
//!   checks.
//! - [`bundle`]: the export file (records, checkpoints, verifier keys) and
//!   its offline verification.
//! - [`restore`]: writes verified, pre-built records into an empty log.
//! - [`conformance`]: the suite every backend's tests run.
//!
//! Invariants: a record is acknowledged only after the backend synced it;
//! records past the committed head are invisible and discarded at open;
//! nothing here knows about views, HTTP or the command line.

pub mod backend;
pub mod bundle;
pub mod checkpoints;
pub mod claim_bundle;
pub mod conformance;
pub mod error;
pub mod input;
pub mod keys;
pub mod ledger;
pub mod restore;
pub mod sled_backend;
pub mod tree;
pub mod verify;
pub mod witness;

pub use backend::{Head, LogBackend, MemBackend, StoredRecord, WriteBatch};
pub use error::{AppendError, StoreError};
pub use ledger::{prepare, AppendOutcome, Ledger, Prepared, Receipt, Replicator};
pub use sled_backend::SledBackend;
pub use verify::{verify_ledger, verify_log, LedgerReport, VerifyFailure, VerifyReport};
