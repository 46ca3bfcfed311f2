//! Building facts from the log for a scope.

use crate::facts::Facts;
use pledger_core::record::event_text;
use pledger_core::when::Day;
use pledger_core::Event;
use pledger_store::{LogBackend, StoreError};
use rayon::prelude::*;
use thiserror::Error;

/// Which part of history a view answers for (contract section 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Only events whose `occurred_at` is on or before this date; voids
    /// count whatever their date. Statuses are judged at this date.
    pub as_of: Option<Day>,
    /// Only records 0..=at_seq (voids after it do not count).
    pub at_seq: Option<u64>,
}

#[derive(Debug, Error)]
pub enum ViewError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("record {seq} cannot be read: {why}; run `pledger verify`")]
    BadRecord { seq: u64, why: String },
    #[error("at_seq {at_seq} is beyond the end of the log ({len} records)")]
    BeyondLog { at_seq: u64, len: u64 },
}

/// Reads records 0..len (bounded by the scope) and files them as facts.
/// Parsing is spread over all cores; filing is sequential, in seq order.
pub fn load(backend: &dyn LogBackend, len: u64, scope: Scope) -> Result<Facts, ViewError> {
    const CHUNK: usize = 16 * 1024;
    let end = match scope.at_seq {
        Some(n) if n >= len => return Err(ViewError::BeyondLog { at_seq: n, len }),
        Some(n) => n + 1,
        None => len,
    };
    let mut facts = Facts::new();
    let mut records = backend.scan(0, end);
    loop {
        let chunk: Vec<_> = records.by_ref().take(CHUNK).collect::<Result<_, _>>()?;
        if chunk.is_empty() {
            break;
        }
        let parsed: Vec<Result<(u64, Event), ViewError>> = chunk
            .par_iter()
            .map(|r| {
                let bad = |why: String| ViewError::BadRecord { seq: r.seq, why };
                let text = event_text(r.body()).ok_or_else(|| bad("the stored record is not valid JSON".into()))?;
                let e = Event::parse_text(text).map_err(|e| bad(e.to_string()))?;
                Ok((r.seq, e))
            })
            .collect();
        for p in parsed {
            let (seq, event) = p?;
            facts.apply(seq, event, scope.as_of);
        }
    }
    Ok(facts)
}
