//! What every [`LogBackend`] must do for the ledger, as one suite each
//! backend's tests run (memory and sled here, PostgreSQL in the binary's
//! tests against a real server): appends read back after a reopen, an
//! import is all or nothing across a reopen, repeats and conflicts are
//! judged from the stored log, checkpoints are kept, and another node can
//! replicate the log exactly.
//!
//! `open` is called once per step and must return a backend onto the same
//! store each time (empty the first time); the suite drops each backend
//! before opening the next, as a restarted process would.

use crate::backend::LogBackend;
use crate::ledger::{ImportChunk, Ledger};
use crate::{checkpoints, prepare, verify_log, MemBackend};
use serde_json::{json, Value};
use std::sync::Arc;

fn entity(id: &str, kind: &str, name: &str) -> Value {
    json!({"type": "entity.registered", "id": format!("reg-{id}"), "actor": "conf-city", "occurred_at": "2026-01-01",
           "data": {"entity_id": id, "kind": kind, "name": name}})
}

fn account(n: usize) -> Value {
    json!({"type": "account.opened", "id": format!("acct-{n}"), "actor": "conf-city", "occurred_at": "2026-01-02",
           "data": {"account_id": format!("conf-acct-{n}"), "holder": "conf-city", "name": format!("账户{n}"), "kind": "source"}})
}

fn ledger_on(backend: Arc<dyn LogBackend>) -> Ledger {
    Ledger::open(backend).unwrap_or_else(|e| panic!("the ledger does not open on the backend: {e}"))
}

/// Runs the suite; panics with what failed.
pub fn run(open: &mut dyn FnMut() -> Arc<dyn LogBackend>) {
    // 1. Appends, in order, with contiguous receipts.
    let ledger = ledger_on(open());
    assert!(ledger.is_empty(), "a new store must open empty");
    let first = ledger
        .append_values(vec![
            json!({"type": "entity.registered", "id": "reg-conf-city", "actor": "conf-city", "occurred_at": "2026-01-01",
                   "data": {"entity_id": "conf-city", "kind": "government", "name": "一致性测试市"}}),
            entity("conf-bureau", "department", "财政局"),
        ])
        .expect("founding events are accepted");
    let more = ledger.append_values(vec![account(1)]).expect("an account is accepted");
    let seqs: Vec<u64> = first.receipts.iter().chain(&more.receipts).map(|r| r.seq).collect();
    assert_eq!(seqs, vec![0, 1, 2]);
    let head = ledger.head();
    ledger.close();
    drop(ledger);

    // 2. A reopen sees the same head; a repeat is recognised, a conflict refused.
    let backend = open();
    assert_eq!(backend.head().ok(), Some(head), "the head survives a reopen");
    verify_log(backend.as_ref(), |_| {}).expect("the reopened log verifies");
    let ledger = ledger_on(backend);
    let again = ledger.append_values(vec![account(1)]).expect("a repeat is answered");
    assert!(again.all_repeats() && again.receipts[0].seq == 2);
    let mut changed = account(1);
    changed["data"]["name"] = json!("另一个名字");
    assert!(
        ledger.append_values(vec![changed]).is_err_and(|e| e.is_conflict()),
        "the same id with other content is a conflict"
    );

    // 3. An import whose last chunk is bad leaves nothing, even after a reopen.
    let bad_import = import(&ledger, 3, true);
    assert!(bad_import.is_err(), "an import with a bad event is refused");
    assert_eq!(ledger.head(), head);
    ledger.close();
    drop(ledger);
    let backend = open();
    assert_eq!(backend.head().ok(), Some(head), "a refused import leaves the head");
    let ledger = ledger_on(backend.clone());
    assert!(
        backend.get(head.len).ok().flatten().is_none(),
        "nothing of a refused import is readable past the head"
    );

    // 4. A good import, then a checkpoint, both kept across a reopen.
    let receipts = import(&ledger, 3, false).expect("a good import is accepted");
    assert_eq!(receipts, 30);
    // A fixed key: the suite checks storage, not key handling.
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let signed = checkpoints::sign(backend.as_ref(), ledger.len(), "conformance.example/log", &key)
        .expect("a checkpoint is signed and stored");
    let final_head = ledger.head();
    ledger.close();
    drop(ledger);
    drop(backend);
    let backend = open();
    assert_eq!(backend.head().ok(), Some(final_head));
    let report = verify_log(backend.as_ref(), |_| {}).expect("the log verifies after the import");
    assert_eq!(report.records, final_head.len);
    let kept = checkpoints::latest(backend.as_ref()).expect("checkpoints read back");
    assert_eq!(kept.map(|c| c.size), Some(signed.checkpoint.size));

    // 5. Another node replicates it exactly, record by record.
    let copy: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
    let follower = ledger_on(copy.clone());
    let records: Vec<_> = backend
        .scan(0, final_head.len)
        .collect::<Result<_, _>>()
        .expect("the records read back");
    let got = follower.replicate(records).expect("a follower adopts the log");
    assert_eq!(got, final_head);
    assert_eq!(
        verify_log(copy.as_ref(), |_| {}).map(|r| r.root).ok(),
        Some(report.root)
    );
    follower.close();
}

/// Imports `chunks` chunks of ten accounts; with `bad`, the last holds an
/// account of an unknown holder. Returns the number of receipts.
fn import(ledger: &Ledger, chunks: usize, bad: bool) -> Result<usize, String> {
    let (tx, rx) = Ledger::import_channel();
    let feeder = std::thread::spawn(move || {
        for c in 0..chunks {
            let mut events: Vec<Value> = (0..10).map(|i| account(100 + c * 10 + i)).collect();
            if bad && c == chunks - 1 {
                events[5]["data"]["holder"] = json!("nobody-registered");
            }
            let chunk: ImportChunk = events.into_iter().map(prepare).collect::<Result<Vec<_>, _>>();
            if tx.send(chunk).is_err() {
                return;
            }
        }
    });
    let result = ledger.import(rx);
    let _ = feeder.join();
    result.map(|o| o.receipts.len()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_backend_conforms() {
        let store: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
        run(&mut || store.clone());
    }

    #[test]
    fn the_sled_backend_conforms() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        run(&mut || Arc::new(crate::SledBackend::open(&path).unwrap()));
    }
}

#[cfg(test)]
mod replicate_tests {
    use super::*;
    use crate::StoredRecord;

    fn source() -> Vec<StoredRecord> {
        let store: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
        let ledger = ledger_on(store.clone());
        ledger
            .append_values(vec![
                json!({"type": "entity.registered", "id": "reg-conf-city", "actor": "conf-city", "occurred_at": "2026-01-01",
                       "data": {"entity_id": "conf-city", "kind": "government", "name": "一致性测试市"}}),
                entity("conf-bureau", "department", "财政局"),
                entity("conf-co", "enterprise", "某公司"),
                account(1),
            ])
            .unwrap();
        let len = ledger.len();
        ledger.close();
        store.scan(0, len).collect::<Result<_, _>>().unwrap()
    }

    /// A follower refuses the first record that does not verify, keeps
    /// nothing of the call, and still takes the genuine records afterwards.
    #[test]
    fn a_follower_refuses_records_that_do_not_verify() {
        let genuine = source();
        let mut flipped = genuine.clone();
        let last = flipped[2].bytes.len() - 3;
        flipped[2].bytes[last] ^= 1;
        let mut gap = genuine.clone();
        gap.remove(1);
        let mut relinked = genuine.clone();
        relinked.swap(1, 2);
        for (records, why) in [
            (flipped, "record 2: its body does not hash"),
            (gap, "record 1:"),
            (relinked, "record 1:"),
        ] {
            let copy: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
            let follower = ledger_on(copy.clone());
            let e = follower.replicate(records).unwrap_err();
            assert!(e.to_string().contains(why), "{e} / {why}");
            assert_eq!(follower.len(), 0);
            assert!(copy.get(0).unwrap().is_none());
            let head = follower.replicate(genuine.clone()).unwrap();
            assert_eq!(head.len, 4);
            follower.close();
        }
    }

    /// Correctly hashed and chained, but breaking the ledger's rules: a
    /// follower refuses it, as `pledger verify` would.
    #[test]
    fn a_follower_applies_the_ledgers_rules_to_what_it_reads() {
        let genuine = source();
        // An account held by nobody the ledger knows.
        let event = json!({"type": "account.opened", "id": "acct-x", "actor": "conf-co", "occurred_at": "2026-01-02",
            "data": {"account_id": "conf-acct-x", "holder": "nobody-registered", "name": "无主账户", "kind": "source"}});
        let prev = genuine[3].hash().unwrap();
        let ev = pledger_core::record::jcs(&event).unwrap();
        let body = pledger_core::record::record_body(4, "2026-01-03T00:00:00.000Z", &prev, &ev);
        let hash = pledger_core::record::record_hash(&body);
        let mut records = genuine.clone();
        records.push(StoredRecord::new(4, &hash, &body));
        let follower = ledger_on(Arc::new(MemBackend::new()));
        let e = follower.replicate(records).unwrap_err();
        assert!(
            e.to_string()
                .contains("record 4: its event does not pass the ledger's rules"),
            "{e}"
        );
        follower.close();
    }
}
