//! Persisted view state: facts from a snapshot plus the log's tail equal a
//! full rebuild, for the whole log and for every `at_seq` the snapshot can
//! serve; a damaged, truncated or foreign snapshot is refused and rebuilt,
//! never trusted.

use pledger_core::when::Day;
use pledger_core::Hash;
use pledger_store::{Ledger, LogBackend, MemBackend};
use pledger_views::calendar::Calendar;
use pledger_views::facts::Facts;
use pledger_views::snapshot::{self, FILE_NAME};
use pledger_views::{load, load_cached, CacheSource, Scope};
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Every report and the findings, as one JSON value, judged at `now`.
fn everything(facts: &Facts, now: Day) -> Value {
    serde_json::json!({
        "targets": pledger_views::targets::report(facts, now),
        "funds": pledger_views::funds::report(facts, now),
        "commitments": pledger_views::commitments::report(facts, now, &Calendar::weekdays()),
        "incentives": pledger_views::incentives::report(facts, now),
        "assessment": pledger_views::assessment::report(facts, now),
        "projects": pledger_views::projects::report(facts, now),
        "findings": pledger_views::findings::all(facts, now),
    })
}

fn now() -> Day {
    Day::parse("2031-01-01").expect("date")
}

fn ledger_with(events: &[Value]) -> Arc<MemBackend> {
    let backend = Arc::new(MemBackend::new());
    let ledger = Ledger::open(backend.clone()).expect("open");
    for chunk in events.chunks(37) {
        ledger
            .append_values(chunk.to_vec())
            .expect("generator events are valid");
    }
    ledger.close();
    backend
}

/// A log of `n` generated events (voids included).
fn log_of(seed: u64, n: usize) -> (Arc<MemBackend>, u64) {
    let events: Vec<Value> = pledger_gen::Generator::with_events_per_year(seed, 300)
        .take(n)
        .collect();
    let backend = ledger_with(&events);
    let len = backend.head().expect("head").len;
    (backend, len)
}

fn hash_of(backend: &dyn LogBackend, seq: u64) -> Hash {
    backend
        .get(seq)
        .expect("get")
        .and_then(|r| r.hash())
        .expect("stored record")
}

/// Writes a snapshot of records 0..k at `path`, as a first load would.
fn snapshot_at(backend: &dyn LogBackend, len: u64, k: u64, path: &Path) {
    let scope = Scope {
        as_of: None,
        at_seq: Some(k - 1),
    };
    let facts = load(backend, len, scope).expect("load");
    snapshot::write(path, &facts, k, &hash_of(backend, k - 1)).expect("write snapshot");
}

/// Facts through the snapshot must equal facts from the log alone, down to
/// the bytes a snapshot of them would hold (which `==` does not see: a
/// decimal's scale), and so must every report.
fn assert_same(via: &Facts, full: &Facts, len: u64) {
    assert!(via == full, "facts differ from a full rebuild");
    assert_eq!(
        snapshot::encode(via, len, &[0; 32]),
        snapshot::encode(full, len, &[0; 32]),
        "facts encode differently from a full rebuild"
    );
    assert_eq!(everything(via, now()), everything(full, now()));
}

fn snap_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join(FILE_NAME)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// A snapshot at a random position, then the tail: the same facts as a
    /// full rebuild, for the whole log and for any at_seq at or after the
    /// snapshot's last record; before it, the snapshot is bypassed.
    #[test]
    fn snapshot_plus_tail_equals_a_rebuild(
        seed in 0u64..1000,
        n in 100usize..1200,
        cut in 0.0f64..1.0,
        at in 0.0f64..1.0,
    ) {
        let (backend, len) = log_of(seed, n);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = snap_path(&dir);
        let k = 1 + ((len - 1) as f64 * cut) as u64;
        snapshot_at(backend.as_ref(), len, k, &path);
        let written = std::fs::read(&path).expect("read");

        let full = load(backend.as_ref(), len, Scope::default()).expect("load");
        let (via, used) = load_cached(backend.as_ref(), len, Scope::default(), &path).expect("cached");
        prop_assert_eq!(&used.source, &CacheSource::Snapshot { len: k, tail: len - k });
        prop_assert!(used.refreshed.is_none(), "a short tail does not rewrite the snapshot");
        assert_same(&via, &full, len);

        // Any at_seq the snapshot can serve: k-1 ..= len-1.
        let a = k - 1 + ((len - k) as f64 * at) as u64;
        let scope = Scope { as_of: None, at_seq: Some(a) };
        let full_a = load(backend.as_ref(), len, scope).expect("load");
        let (via_a, used) = load_cached(backend.as_ref(), len, scope, &path).expect("cached");
        prop_assert_eq!(&used.source, &CacheSource::Snapshot { len: k, tail: a + 1 - k });
        assert_same(&via_a, &full_a, a + 1);

        // Before the snapshot's end: bypassed, a full load of the prefix,
        // and the longer snapshot is kept.
        if k >= 2 {
            let b = ((k - 2) as f64 * at) as u64;
            let scope = Scope { as_of: None, at_seq: Some(b) };
            let (via_b, used) = load_cached(backend.as_ref(), len, scope, &path).expect("cached");
            prop_assert_eq!(&used.source, &CacheSource::Bypassed);
            prop_assert!(used.refreshed.is_none());
            assert_same(&via_b, &load(backend.as_ref(), len, scope).expect("load"), b + 1);
        }

        // as_of: bypassed, equal to a scoped load.
        let as_of = Day::parse("2007-06-30").expect("date");
        let scope = Scope { as_of: Some(as_of), at_seq: None };
        let (via_d, used) = load_cached(backend.as_ref(), len, scope, &path).expect("cached");
        prop_assert_eq!(&used.source, &CacheSource::Bypassed);
        let full_d = load(backend.as_ref(), len, scope).expect("load");
        prop_assert_eq!(everything(&via_d, as_of), everything(&full_d, as_of));
        prop_assert!(via_d == full_d);

        prop_assert_eq!(std::fs::read(&path).expect("read"), written, "the snapshot was not rewritten");
    }
}

#[test]
fn a_missing_snapshot_is_written_then_used() {
    let (backend, len) = log_of(3, 400);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = snap_path(&dir);
    let full = load(backend.as_ref(), len, Scope::default()).expect("load");

    let (first, used) = load_cached(backend.as_ref(), len, Scope::default(), &path).expect("cached");
    assert_eq!(used.source, CacheSource::Missing);
    let size = match used.refreshed {
        Some(Ok(size)) => size,
        other => panic!("not written: {other:?}"),
    };
    assert_eq!(std::fs::metadata(&path).expect("meta").len(), size);
    assert_same(&first, &full, len);

    let (second, used) = load_cached(backend.as_ref(), len, Scope::default(), &path).expect("cached");
    assert_eq!(used.source, CacheSource::Snapshot { len, tail: 0 });
    assert!(used.refreshed.is_none());
    assert_same(&second, &full, len);
    assert!(used.to_string().contains("snapshot of"), "{used}");
}

#[test]
fn an_empty_log_writes_nothing() {
    let backend = MemBackend::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = snap_path(&dir);
    let (facts, used) = load_cached(&backend, 0, Scope::default(), &path).expect("cached");
    assert_eq!(facts.records_seen, 0);
    assert_eq!(used.source, CacheSource::Missing);
    assert!(used.refreshed.is_none());
    assert!(!path.exists());
}

/// Loads through a damaged or foreign snapshot: it must be refused, the
/// facts must equal a full rebuild, and a good snapshot must replace it.
fn assert_rejected_and_rebuilt(backend: &MemBackend, len: u64, path: &Path, full: &Facts, what: &str) {
    let (via, used) = load_cached(backend, len, Scope::default(), path).expect("cached");
    match &used.source {
        CacheSource::Rejected(why) => assert!(!why.is_empty()),
        other => panic!("{what}: the snapshot was not refused: {other:?}"),
    }
    assert!(
        matches!(used.refreshed, Some(Ok(_))),
        "{what}: not rewritten: {:?}",
        used.refreshed
    );
    assert_same(&via, full, len);
    let again = snapshot::read(path).expect("the rewritten snapshot reads");
    assert_eq!((again.len, again.facts == *full), (len, true), "{what}");
}

#[test]
fn every_flipped_byte_is_refused_and_rebuilt() {
    let (backend, len) = log_of(11, 300);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = snap_path(&dir);
    snapshot_at(backend.as_ref(), len, len, &path);
    let good = std::fs::read(&path).expect("read");
    let full = load(backend.as_ref(), len, Scope::default()).expect("load");

    // Every byte, every bit position, through the decoder.
    for i in 0..good.len() {
        for bit in 0..8 {
            let mut bad = good.clone();
            bad[i] ^= 1 << bit;
            assert!(
                snapshot::decode(&bad).is_err(),
                "bit {bit} of byte {i} flipped, accepted"
            );
        }
    }
    // Through the whole load path: every header byte (magic, len, hash,
    // payload length, checksum) and a spread of payload bytes.
    let header = 26 + 8 + 32 + 8 + 32;
    let picks = (0..header)
        .chain((header..good.len()).step_by(good.len() / 40 + 1))
        .chain([good.len() - 1]);
    for i in picks {
        let mut bad = good.clone();
        bad[i] ^= 0x20;
        std::fs::write(&path, &bad).expect("write");
        assert_rejected_and_rebuilt(&backend, len, &path, &full, &format!("byte {i} flipped"));
        assert_eq!(std::fs::read(&path).expect("read"), good, "rebuilt snapshot differs");
    }
}

#[test]
fn truncated_and_garbage_files_are_refused() {
    let (backend, len) = log_of(12, 300);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = snap_path(&dir);
    snapshot_at(backend.as_ref(), len, len, &path);
    let good = std::fs::read(&path).expect("read");
    let full = load(backend.as_ref(), len, Scope::default()).expect("load");
    for cut in [0, 1, 10, 26, 40, 100, 105, 106, good.len() / 2, good.len() - 1] {
        std::fs::write(&path, &good[..cut]).expect("write");
        assert_rejected_and_rebuilt(&backend, len, &path, &full, &format!("truncated to {cut}"));
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"more");
    std::fs::write(&path, &longer).expect("write");
    assert_rejected_and_rebuilt(&backend, len, &path, &full, "bytes appended");
    std::fs::write(&path, b"{\"not\": \"a snapshot\"}\n").expect("write");
    assert_rejected_and_rebuilt(&backend, len, &path, &full, "garbage");
    let mut other_version = good.clone();
    other_version[24] = b'9';
    std::fs::write(&path, &other_version).expect("write");
    assert_rejected_and_rebuilt(&backend, len, &path, &full, "another version");
}

/// A snapshot of another log (say, the data directory was restored from
/// another export) is stale even though it is intact.
#[test]
fn a_snapshot_of_another_log_is_refused() {
    let (backend, len) = log_of(21, 500);
    let (other, other_len) = log_of(22, 800);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = snap_path(&dir);
    let full = load(backend.as_ref(), len, Scope::default()).expect("load");

    // Same length, other log.
    snapshot_at(other.as_ref(), other_len, len, &path);
    assert_rejected_and_rebuilt(&backend, len, &path, &full, "other log, same length");
    // Shorter than this log, other log: a tail replay would mix two logs.
    snapshot_at(other.as_ref(), other_len, len / 2, &path);
    assert_rejected_and_rebuilt(&backend, len, &path, &full, "other log, shorter");
    // Claims more records than this log holds.
    snapshot_at(other.as_ref(), other_len, other_len, &path);
    assert_rejected_and_rebuilt(&backend, len, &path, &full, "longer than the log");
}

/// The same log cut short (a data directory restored from an earlier
/// export of this very ledger): its records are a prefix of the snapshot's,
/// hashes and all, but the snapshot covers records the log no longer holds.
#[test]
fn a_snapshot_longer_than_the_log_is_refused() {
    let (backend, len) = log_of(5, 600);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = snap_path(&dir);
    snapshot_at(backend.as_ref(), len, len, &path);
    let short = len / 2;
    let full = load(backend.as_ref(), short, Scope::default()).expect("load");
    assert_rejected_and_rebuilt(&backend, short, &path, &full, "longer than the log");
}

#[test]
fn at_seq_beyond_the_log_is_still_refused() {
    let (backend, len) = log_of(1, 100);
    let dir = tempfile::tempdir().expect("tempdir");
    let scope = Scope {
        as_of: None,
        at_seq: Some(len),
    };
    let err = load_cached(backend.as_ref(), len, scope, &snap_path(&dir)).unwrap_err();
    assert!(err.to_string().contains("beyond the end"), "{err}");
}

// ------------------------------------------------ the audited position --

/// The position cache (`load_position`, format 3.9's "last audit"): equal
/// to a rebuild at that position; written on the first question, read back
/// on the next; moved when another position is asked for; started from the
/// views snapshot when that ends before the position; refused and rebuilt
/// when damaged.
#[test]
fn the_audited_position_is_cached_and_equals_a_rebuild() {
    let (backend, len) = log_of(11, 900);
    let dir = tempfile::tempdir().expect("tempdir");
    let position = dir.path().join(pledger_views::load::POSITION_FILE_NAME);
    let views = snap_path(&dir);
    let full_at = |n: u64| {
        load(
            backend.as_ref(),
            len,
            Scope {
                as_of: None,
                at_seq: Some(n),
            },
        )
        .expect("rebuild")
    };

    // First question: no cache, replayed from scratch, then kept.
    let (facts, used) = pledger_views::load_position(backend.as_ref(), len, 600, &position, &views).expect("load");
    assert_same(&facts, &full_at(600), 601);
    assert!(matches!(used.source, CacheSource::Missing), "{used}");
    assert!(matches!(used.refreshed, Some(Ok(_))), "{used}");
    // Asked again: read back, nothing replayed or written.
    let (facts, used) = pledger_views::load_position(backend.as_ref(), len, 600, &position, &views).expect("load");
    assert_same(&facts, &full_at(600), 601);
    assert!(
        matches!(used.source, CacheSource::Snapshot { len: 601, tail: 0 }),
        "{used}"
    );
    assert!(used.refreshed.is_none());
    // A later position starts from the kept one and moves it.
    let (facts, used) = pledger_views::load_position(backend.as_ref(), len, 700, &position, &views).expect("load");
    assert_same(&facts, &full_at(700), 701);
    assert!(
        matches!(used.source, CacheSource::Snapshot { len: 601, tail: 100 }),
        "{used}"
    );
    // An earlier position cannot use it: rebuilt, and kept instead.
    let (facts, _) = pledger_views::load_position(backend.as_ref(), len, 300, &position, &views).expect("load");
    assert_same(&facts, &full_at(300), 301);
    // Without a kept position, the views snapshot serves when it ends before it.
    std::fs::remove_file(&position).expect("remove");
    snapshot_at(backend.as_ref(), len, 200, &views);
    let (facts, used) = pledger_views::load_position(backend.as_ref(), len, 300, &position, &views).expect("load");
    assert_same(&facts, &full_at(300), 301);
    assert!(
        matches!(used.source, CacheSource::Snapshot { len: 200, tail: 101 }),
        "{used}"
    );
    // A damaged cache is refused and rebuilt, never trusted.
    let mut bytes = std::fs::read(&position).expect("read");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    std::fs::write(&position, bytes).expect("write");
    std::fs::remove_file(&views).expect("remove views snapshot");
    let (facts, used) = pledger_views::load_position(backend.as_ref(), len, 300, &position, &views).expect("load");
    assert_same(&facts, &full_at(300), 301);
    assert!(!matches!(used.source, CacheSource::Snapshot { .. }), "{used}");
}
