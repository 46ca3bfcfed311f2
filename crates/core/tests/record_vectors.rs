//! The published record vectors (tests/vectors/records.ndjson),
//! computed by an implementation written separately from pledger.

use pledger_core::record::{jcs, record_body, record_hash, Record, ZERO_HASH};
use pledger_core::{Event, Journal, Registry};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/records.ndjson");
    let text = std::fs::read_to_string(path).expect("the vectors are in tests/vectors");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_vector_hash_is_reproduced_by_assembly() {
    let mut prev = ZERO_HASH;
    for v in vectors() {
        let seq = v["seq"].as_u64().unwrap();
        assert_eq!(
            v["prev_hash"].as_str().unwrap(),
            hex::encode(prev),
            "chain link at seq {seq}"
        );
        let body = record_body(
            seq,
            v["recorded_at"].as_str().unwrap(),
            &prev,
            &jcs(&v["event"]).unwrap(),
        );
        let hash = record_hash(&body);
        assert_eq!(hex::encode(hash), v["hash"].as_str().unwrap(), "hash of seq {seq}");
        prev = hash;
    }
}

#[test]
fn every_vector_hash_is_reproduced_by_full_jcs() {
    for v in vectors() {
        let r: Record = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(hex::encode(r.recompute_hash().unwrap()), r.hash);
    }
}

#[test]
fn canonical_example_matches() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/tree.json");
    let tree: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let expected = tree["canonical_example"]["jcs_without_hash"].as_str().unwrap();
    let v = &vectors()[0];
    let body = record_body(
        0,
        v["recorded_at"].as_str().unwrap(),
        &ZERO_HASH,
        &jcs(&v["event"]).unwrap(),
    );
    assert_eq!(std::str::from_utf8(&body).unwrap(), expected);
}

#[test]
fn the_vector_events_are_valid_in_order() {
    let mut reg = Registry::new();
    let mut journal = Journal::new();
    for v in vectors() {
        let e = Event::parse(&v["event"]).unwrap_or_else(|r| panic!("seq {}: {r}", v["seq"]));
        reg.admit(&e, &mut journal)
            .unwrap_or_else(|r| panic!("seq {}: {r}", v["seq"]));
    }
    assert_eq!(reg.next_seq(), 7);
}
