//! Building facts from the log for a scope, from scratch ([`load`]) or
//! from a snapshot and the log's tail ([`load_cached`]).

use crate::facts::Facts;
use crate::snapshot::{self, Snapshot, SnapshotError};
use pledger_core::record::event_text;
use pledger_core::when::Day;
use pledger_core::{Event, Hash};
use pledger_store::{LogBackend, StoreError};
use rayon::prelude::*;
use std::path::Path;
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
    let end = end_of(len, scope)?;
    let mut facts = Facts::new();
    replay(backend, 0, end, &mut facts, scope.as_of)?;
    Ok(facts)
}

/// One past the last record in scope.
fn end_of(len: u64, scope: Scope) -> Result<u64, ViewError> {
    match scope.at_seq {
        Some(n) if n >= len => Err(ViewError::BeyondLog { at_seq: n, len }),
        Some(n) => Ok(n + 1),
        None => Ok(len),
    }
}

/// Files records from..to into `facts`; returns the stored hash of the
/// last one read (`None` when the range is empty).
pub fn replay(
    backend: &dyn LogBackend,
    from: u64,
    to: u64,
    facts: &mut Facts,
    as_of: Option<Day>,
) -> Result<Option<Hash>, ViewError> {
    const CHUNK: usize = 16 * 1024;
    let mut last = None;
    let mut records = backend.scan(from, to);
    loop {
        let chunk: Vec<_> = records.by_ref().take(CHUNK).collect::<Result<_, _>>()?;
        let Some(tail) = chunk.last() else {
            break;
        };
        last = Some(tail.hash().ok_or_else(|| ViewError::BadRecord {
            seq: tail.seq,
            why: "the stored record is too short to hold its hash".into(),
        })?);
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
            facts.apply(seq, event, as_of);
        }
    }
    Ok(last)
}

/// Replaying at least this many records past the snapshot rewrites it.
/// Replay costs ~1.6 µs a record on two cores, writing a snapshot ~0.33 µs
/// a record it covers (1M events, benches/log.rs): at this tail every load
/// pays ~0.16 s that one rewrite (~0.33 s at a million records) removes for
/// good, while rewriting a large file for a short tail would cost more
/// than it saves.
pub const REFRESH_TAIL: u64 = 100_000;

/// How [`load_cached`] used the snapshot, for logging.
#[derive(Debug)]
pub struct CacheUse {
    pub source: CacheSource,
    /// `Some(Ok(bytes))` when the snapshot was (re)written after this load,
    /// `Some(Err(why))` when writing it failed (the facts are good anyway),
    /// `None` when it was left as it was.
    pub refreshed: Option<Result<u64, String>>,
}

/// Where the facts came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheSource {
    /// The snapshot of records 0..`len`, then `tail` records read from the log.
    Snapshot { len: u64, tail: u64 },
    /// Read in full: the scope has an `as_of` date, or ends before the
    /// snapshot (a snapshot has no way back).
    Bypassed,
    /// Read in full: there was no snapshot.
    Missing,
    /// Read in full: the snapshot was damaged or is not of this log.
    Rejected(String),
}

impl std::fmt::Display for CacheUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            CacheSource::Snapshot { len, tail } => {
                write!(f, "views from the snapshot of {len} records and {tail} more")?
            }
            CacheSource::Bypassed => write!(f, "views rebuilt from the log (the scope cannot use the snapshot)")?,
            CacheSource::Missing => write!(f, "views rebuilt from the log (no snapshot)")?,
            CacheSource::Rejected(why) => write!(f, "views rebuilt from the log (snapshot ignored: {why})")?,
        }
        match &self.refreshed {
            Some(Ok(bytes)) => write!(f, "; snapshot written ({bytes} bytes)"),
            Some(Err(why)) => write!(f, "; snapshot not written: {why}"),
            None => Ok(()),
        }
    }
}

/// As [`load`], starting from the snapshot at `snapshot` when it can serve
/// the scope: no `as_of`, and `at_seq` (if any) at or after its last record.
/// Only records from the snapshot's end to the scope's end are read.
///
/// The snapshot is never trusted: a damaged file, one claiming more records
/// than the log holds, or one whose last record's hash differs from the
/// log's (another log, e.g. a data directory restored from another export)
/// is ignored and the facts are rebuilt from the log.
///
/// The snapshot is rewritten, atomically, when the facts were rebuilt
/// without one (missing or rejected) or at least [`REFRESH_TAIL`] records
/// were replayed past it; never from `as_of` facts, and never to replace a
/// longer valid snapshot. A failure to write is reported in [`CacheUse`],
/// not as an error. The log itself is never written.
pub fn load_cached(
    backend: &dyn LogBackend,
    len: u64,
    scope: Scope,
    snapshot: &Path,
) -> Result<(Facts, CacheUse), ViewError> {
    cached(backend, len, scope, snapshot, REFRESH_TAIL)
}

fn cached(
    backend: &dyn LogBackend,
    len: u64,
    scope: Scope,
    snapshot: &Path,
    refresh_tail: u64,
) -> Result<(Facts, CacheUse), ViewError> {
    let end = end_of(len, scope)?;
    if scope.as_of.is_some() {
        let facts = load(backend, len, scope)?;
        return Ok((
            facts,
            CacheUse {
                source: CacheSource::Bypassed,
                refreshed: None,
            },
        ));
    }
    let (facts, source, last) = start_and_replay(backend, len, end, &[snapshot])?;
    let refresh = match &source {
        CacheSource::Snapshot { tail, .. } => *tail >= refresh_tail,
        CacheSource::Missing | CacheSource::Rejected(_) => end > 0,
        CacheSource::Bypassed => false,
    };
    let refreshed = match last {
        Some(hash) if refresh => Some(snapshot::write(snapshot, &facts, end, &hash).map_err(|e| e.to_string())),
        _ => None,
    };
    Ok((facts, CacheUse { source, refreshed }))
}

/// Where the facts at the last audit's log position are kept (beside
/// `views.snapshot`): one position, replaced when another is asked for.
pub const POSITION_FILE_NAME: &str = "views-position.snapshot";

/// Facts at log position `at_seq` (records 0..=at_seq, every date), through
/// a second snapshot kept for one position — the last audit's, which an
/// auditor asks about again and again (`report changes`, format 3.9). The
/// first question about a position replays the log up to it and keeps the
/// result; later ones read it back (checked against the log like the
/// views snapshot, never trusted). Without it, `views` — the views
/// snapshot — serves when it ends at or before the position.
pub fn load_position(
    backend: &dyn LogBackend,
    len: u64,
    at_seq: u64,
    path: &Path,
    views: &Path,
) -> Result<(Facts, CacheUse), ViewError> {
    let end = end_of(
        len,
        Scope {
            as_of: None,
            at_seq: Some(at_seq),
        },
    )?;
    let (facts, source, last) = start_and_replay(backend, len, end, &[path, views])?;
    let exact = matches!(source, CacheSource::Snapshot { tail: 0, .. });
    let refreshed = match last {
        // Asked for at once: the answer does not wait for the disk.
        Some(hash) if !exact => Some(snapshot::write_unsynced(path, &facts, end, &hash).map_err(|e| e.to_string())),
        _ => None,
    };
    Ok((facts, CacheUse { source, refreshed }))
}

/// Facts of records 0..end: from the first of `snapshots` that can serve
/// them, plus the log's tail; else from the log alone (the source says why
/// the first could not serve). Also the stored hash of the last record read.
fn start_and_replay(
    backend: &dyn LogBackend,
    len: u64,
    end: u64,
    snapshots: &[&Path],
) -> Result<(Facts, CacheSource, Option<Hash>), ViewError> {
    let mut first_refusal = None;
    let mut found = None;
    for path in snapshots {
        match usable(backend, len, end, path)? {
            Ok(s) => {
                found = Some(s);
                break;
            }
            Err(why) => {
                first_refusal.get_or_insert(why);
            }
        }
    }
    let (mut facts, source) = match found {
        Some(s) => {
            let source = CacheSource::Snapshot {
                len: s.len,
                tail: end - s.len,
            };
            (s.facts, source)
        }
        None => (Facts::new(), first_refusal.unwrap_or(CacheSource::Missing)),
    };
    let from = match source {
        CacheSource::Snapshot { len, .. } => len,
        _ => 0,
    };
    let last = replay(backend, from, end, &mut facts, None)?;
    Ok((facts, source, last))
}

/// The snapshot if it can serve records 0..end of this log, else why not.
/// Store errors while checking it are errors (the log could not be read
/// either); anything wrong with the file only means "not used".
fn usable(
    backend: &dyn LogBackend,
    len: u64,
    end: u64,
    path: &Path,
) -> Result<Result<Snapshot, CacheSource>, ViewError> {
    let rejected = |e: SnapshotError| match e {
        SnapshotError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => CacheSource::Missing,
        e => CacheSource::Rejected(e.to_string()),
    };
    // The header alone says whether the snapshot ends past the scope.
    match snapshot::peek(path) {
        Err(e) => return Ok(Err(rejected(e))),
        Ok((n, _)) if n > end && n <= len => return Ok(Err(CacheSource::Bypassed)),
        Ok(_) => {}
    }
    let s = match snapshot::read(path) {
        Ok(s) => s,
        Err(e) => return Ok(Err(rejected(e))),
    };
    if s.len > len {
        return Ok(Err(CacheSource::Rejected(format!(
            "it covers {} records, the log holds {len}",
            s.len
        ))));
    }
    let stored = match s.len.checked_sub(1) {
        None => snapshot::NO_HASH,
        Some(seq) => match backend.get(seq)?.and_then(|r| r.hash()) {
            Some(h) => h,
            None => {
                return Err(ViewError::BadRecord {
                    seq,
                    why: "the record is missing from the store".into(),
                })
            }
        },
    };
    if stored != s.hash {
        return Ok(Err(CacheSource::Rejected(format!(
            "record {} of the log is not the one it was built from",
            s.len.saturating_sub(1)
        ))));
    }
    if s.len > end {
        return Ok(Err(CacheSource::Bypassed));
    }
    Ok(Ok(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pledger_store::{Ledger, MemBackend};
    use std::sync::Arc;

    /// A long enough tail rewrites the snapshot to cover the whole log; a
    /// shorter one leaves it.
    #[test]
    fn a_long_tail_refreshes_the_snapshot() {
        let backend = Arc::new(MemBackend::new());
        let ledger = Ledger::open(backend.clone()).expect("open");
        let events: Vec<_> = pledger_gen::Generator::with_events_per_year(4, 300).take(500).collect();
        ledger.append_values(events).expect("valid events");
        ledger.close();
        let len = backend.head().expect("head").len;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(snapshot::FILE_NAME);
        let at = |n: u64| Scope {
            as_of: None,
            at_seq: Some(n - 1),
        };

        let (_, used) = cached(backend.as_ref(), len, at(300), &path, 100).expect("load");
        assert_eq!(used.source, CacheSource::Missing);
        assert!(matches!(used.refreshed, Some(Ok(_))));
        assert_eq!(snapshot::peek(&path).expect("peek").0, 300);

        let (_, used) = cached(backend.as_ref(), len, at(399), &path, 100).expect("load");
        assert_eq!(used.source, CacheSource::Snapshot { len: 300, tail: 99 });
        assert!(used.refreshed.is_none());
        assert_eq!(snapshot::peek(&path).expect("peek").0, 300);

        let (facts, used) = cached(backend.as_ref(), len, Scope::default(), &path, 100).expect("load");
        assert_eq!(
            used.source,
            CacheSource::Snapshot {
                len: 300,
                tail: len - 300
            }
        );
        assert!(matches!(used.refreshed, Some(Ok(_))));
        let s = snapshot::read(&path).expect("read");
        assert_eq!((s.len, s.facts == facts), (len, true));
        assert_eq!(s.hash, backend.head().expect("head").hash);
    }
}
