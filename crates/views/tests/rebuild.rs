//! Views read through the store equal views folded straight from the
//! events: for the whole log, for every `at_seq = N` (records 0..=N), and
//! for `as_of` dates. Event streams come from the deterministic generator
//! (valid by construction, voids included), appended through the real
//! ledger so the store's validation, ids and segmentation are in the path.

use pledger_core::when::Day;
use pledger_store::{Ledger, LogBackend, MemBackend};
use pledger_views::calendar::Calendar;
use pledger_views::facts::{from_json, Facts};
use pledger_views::{load, Scope};
use proptest::prelude::*;
use serde_json::Value;
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

fn ledger_with(events: &[Value]) -> Arc<MemBackend> {
    let backend = Arc::new(MemBackend::new());
    let ledger = Ledger::open(backend.clone()).expect("open");
    // Batches of varying size, as clients would send them.
    for chunk in events.chunks(37) {
        ledger
            .append_values(chunk.to_vec())
            .expect("generator events are valid");
    }
    ledger.close();
    backend
}

fn stored_events(backend: &MemBackend) -> Vec<Value> {
    let head = backend.head().expect("head");
    backend
        .scan(0, head.len)
        .map(|r| {
            let r = r.expect("record");
            let h = pledger_core::record::RecordHeader::parse(r.body()).expect("header");
            serde_json::from_str(h.event.get()).expect("event json")
        })
        .collect()
}

fn day(s: &str) -> Day {
    Day::parse(s).expect("date")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn store_views_equal_a_direct_fold(seed in 0u64..1000, n in 200usize..1500, cut in 0.0f64..1.0) {
        let events: Vec<Value> = pledger_gen::Generator::with_events_per_year(seed, 300).take(n).collect();
        let backend = ledger_with(&events);
        let stored = stored_events(&backend);
        let len = stored.len() as u64;
        let now = day("2031-01-01");

        // The whole log.
        let via_store = load(backend.as_ref(), len, Scope::default()).expect("load");
        let direct = from_json(&stored, None).expect("fold");
        prop_assert_eq!(everything(&via_store, now), everything(&direct, now));

        // At a log position: exactly a rebuild of records 0..=N.
        let at = ((len - 1) as f64 * cut) as u64;
        let via_store = load(backend.as_ref(), len, Scope { as_of: None, at_seq: Some(at) }).expect("load");
        let direct = from_json(&stored[..=at as usize], None).expect("fold");
        prop_assert_eq!(everything(&via_store, now), everything(&direct, now));

        // As of a date: the same as folding only events dated on or before
        // it, voids always counting.
        let as_of = day("2007-06-30");
        let via_store = load(backend.as_ref(), len, Scope { as_of: Some(as_of), at_seq: None }).expect("load");
        let direct = from_json(&stored, Some(as_of)).expect("fold");
        prop_assert_eq!(everything(&via_store, as_of), everything(&direct, as_of));
    }
}

#[test]
fn at_seq_beyond_the_log_is_refused() {
    let events: Vec<Value> = pledger_gen::Generator::new(1).take(50).collect();
    let backend = ledger_with(&events);
    let err = load(
        backend.as_ref(),
        50,
        Scope {
            as_of: None,
            at_seq: Some(50),
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("beyond the end"), "{err}");
}
