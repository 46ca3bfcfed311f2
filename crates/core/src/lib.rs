//! pledger-core: the domain of pledger, with no I/O and no async.
//!
//! # Layout
//!
//! - [`money`]: [`Amount`] (yuan with at most two fraction digits, held as
//!   integer fen) and [`Quantity`] (thresholds, values, percents).
//! - [`ids`]: the identifier syntax shared by every `*_id` and the client `id`.
//! - [`json`]: strict JSON reading (duplicate member names refused).
//! - [`when`]: business dates and date-times (`occurred_at`, `due`, periods).
//! - [`event`]: the envelope and the one list of event types (`events!`),
//!   parsed strictly from JSON (unknown fields rejected, paths named).
//! - [`families`]: one module per event family (registry, targets, funds,
//!   commitments, incentives, corrections): each type's data, shape rules,
//!   registry rules and who may record it.
//! - [`fields`]: field types the families share (text, periods, evidence).
//! - [`registry`]: the state needed to accept or refuse the next event —
//!   what is registered, who holds what — kept as a fold over the log, with a
//!   journal so a refused batch leaves it untouched.
//! - [`record`]: the stored record, its canonical (JCS) bytes and its hash.
//! - [`merkle`]: RFC 9162 tree math with BLAKE3, proofs and their checks.
//! - [`proof`]: inclusion and consistency proofs in the contract's JSON form.
//! - [`checkpoint`]: C2SP tlog-checkpoint bodies and signed-note signatures.
//! - [`cosignature`]: witness cosignatures (C2SP tlog-cosignature, Ed25519).
//! - [`witness`]: what a witness decides on an `add-checkpoint` request.
//! - [`signature`]: events signed by an entity that registered a public
//!   key: the signed bytes, which key decides, and signing (`pledger sign`).
//! - [`schema`]: each event type's data fields and what they hold, derived
//!   from the data structs (for forms and spreadsheet columns).
//! - [`error`]: the typed rejection every refused input gets.
//!
//! The core never touches a disk, a clock or a socket: callers pass in the
//! time and the records, so every rule here is a pure function and testable
//! without a ledger.

pub mod checkpoint;
pub mod cosignature;
pub mod error;
pub mod event;
pub mod families;
pub mod fields;
pub mod ids;
pub mod json;
pub mod merkle;
pub mod money;
pub mod proof;
pub mod record;
pub mod registry;
pub mod schema;
pub mod signature;
pub mod when;
pub mod witness;

pub use error::{Rejection, RejectionKind};
pub use event::{Event, EventData, EventType};
pub use ids::Id;
pub use money::{Amount, Quantity};
pub use record::{Hash, Record, RecordHeader};
pub use registry::{Journal, Registry};
pub use when::BusinessTime;
