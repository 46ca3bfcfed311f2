//! Helpers shared by the store's integration tests: event builders, ledgers
//! on either backend, and an outside recomputation of the chain.
#![allow(dead_code)]

use pledger_core::record::{jcs, record_body, record_hash, RecordHeader, ZERO_HASH};
use pledger_core::{Hash, Record};
use pledger_store::{prepare, Head, Ledger, LogBackend, MemBackend, Prepared, SledBackend, StoredRecord};
use serde_json::{json, Value};
use std::sync::Arc;
use tempfile::TempDir;

/// An event envelope without a client `id`.
pub fn ev(ty: &str, actor: &str, data: Value) -> Value {
    json!({"type": ty, "actor": actor, "occurred_at": "2026-03-01", "data": data})
}

/// The same event with a client `id`.
pub fn with_id(mut v: Value, id: &str) -> Value {
    v["id"] = json!(id);
    v
}

pub fn entity(id: &str, kind: &str, actor: &str) -> Value {
    with_id(
        ev(
            "entity.registered",
            actor,
            json!({"entity_id": id, "kind": kind, "name": format!("{id} name")}),
        ),
        &format!("e-{id}"),
    )
}

pub fn account(id: &str, holder: &str) -> Value {
    with_id(
        ev(
            "account.opened",
            "city",
            json!({"account_id": id, "holder": holder, "name": "an account", "kind": "internal"}),
        ),
        &format!("a-{id}"),
    )
}

pub fn target(id: &str, assignee: &str) -> Value {
    with_id(
        ev(
            "target.assigned",
            "city",
            json!({"target_id": id, "assignee": assignee, "metric": "new_projects_ge_10m", "unit": "count",
                   "comparator": ">=", "threshold": "5", "period": {"from": "2026-01-01", "to": "2026-12-31"},
                   "basis": "doc 1"}),
        ),
        &format!("t-{id}"),
    )
}

/// A disbursement with a client id equal to its disbursement id.
pub fn disbursement(id: &str, from: &str, to: &str, amount: &str) -> Value {
    with_id(disbursement_no_id(id, from, to, amount), id)
}

pub fn disbursement_no_id(id: &str, from: &str, to: &str, amount: &str) -> Value {
    ev(
        "fund.disbursed",
        "city",
        json!({"disbursement_id": id, "from_account": from, "to_account": to, "amount": amount, "purpose": "roads"}),
    )
}

pub fn progress(target_id: &str, actor: &str, value: &str) -> Value {
    ev(
        "target.progress_reported",
        actor,
        json!({"target_id": target_id, "value": value, "as_of": "2026-02-28"}),
    )
}

/// A founded ledger's first records: entities `city` (founder), `acme`,
/// `audit`; accounts `treasury` (city) and `acme-acct` (acme); target `t1`.
pub fn founding() -> Vec<Value> {
    vec![
        entity("city", "government", "city"),
        entity("acme", "enterprise", "city"),
        entity("audit", "auditor", "city"),
        account("treasury", "city"),
        account("acme-acct", "acme"),
        target("t1", "acme"),
    ]
}

pub fn prep(v: Value) -> Prepared {
    let shown = v.to_string();
    prepare(v).unwrap_or_else(|r| panic!("test event does not prepare: {r}\n{shown}"))
}

pub fn preps(vs: impl IntoIterator<Item = Value>) -> Vec<Prepared> {
    vs.into_iter().map(prep).collect()
}

pub fn mem() -> Arc<MemBackend> {
    Arc::new(MemBackend::new())
}

/// Opens the sled store in `dir`. When the same process opened it before,
/// sled's background threads may still hold its file lock for a moment
/// after the last handle is dropped (there is no explicit close), so a
/// reopen is retried for a few seconds.
pub fn sled_in(dir: &TempDir) -> Arc<SledBackend> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match SledBackend::open(dir.path()) {
            Ok(b) => return Arc::new(b),
            Err(e) if std::time::Instant::now() < deadline && e.to_string().contains("lock") => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("sled opens: {e}"),
        }
    }
}

pub fn open(backend: Arc<dyn LogBackend>) -> Ledger {
    Ledger::open(backend).expect("ledger opens")
}

/// A ledger on each backend (the tempdir must outlive the sled one).
pub struct Fixture {
    pub name: &'static str,
    pub backend: Arc<dyn LogBackend>,
    pub ledger: Ledger,
    pub dir: Option<TempDir>,
}

pub fn fixtures() -> Vec<Fixture> {
    let m: Arc<dyn LogBackend> = mem();
    let dir = TempDir::new().unwrap();
    let s: Arc<dyn LogBackend> = sled_in(&dir);
    vec![
        Fixture {
            name: "mem",
            ledger: open(m.clone()),
            backend: m,
            dir: None,
        },
        Fixture {
            name: "sled",
            ledger: open(s.clone()),
            backend: s,
            dir: Some(dir),
        },
    ]
}

/// Every record from 0 to `len`, straight from the backend.
pub fn stored(backend: &dyn LogBackend, len: u64) -> Vec<StoredRecord> {
    (0..len)
        .map(|s| backend.get(s).unwrap().unwrap_or_else(|| panic!("record {s} present")))
        .collect()
}

/// Recomputes the chain the way an outside verifier would and returns the
/// record hashes. Panics at the first record that does not check out.
pub fn check_chain(backend: &dyn LogBackend) -> Vec<Hash> {
    let head = backend.head().unwrap();
    let mut prev = ZERO_HASH;
    let mut hashes = Vec::new();
    for r in stored(backend, head.len) {
        let hash = r.hash().expect("a stored hash");
        let body = r.body();
        assert_eq!(record_hash(body), hash, "record {}: hash of the stored body", r.seq);
        assert!(
            pledger_core::record::is_canonical(body),
            "record {}: body is JCS",
            r.seq
        );
        let h = RecordHeader::parse(body).unwrap();
        assert_eq!(h.seq, r.seq, "record {}: seq in the body", r.seq);
        assert_eq!(h.prev_hash_bytes(), Some(prev), "record {}: prev_hash links", r.seq);
        // Reassembling from the event's own JCS gives the same bytes.
        let event: Value = serde_json::from_str(h.event.get()).unwrap();
        let again = record_body(r.seq, h.recorded_at, &prev, &jcs(&event).unwrap());
        assert_eq!(again, body, "record {}: body reassembles", r.seq);
        // And a full JCS of the reader's record gives the same hash.
        let rec = Record::from_body(body, &hash).unwrap();
        assert_eq!(rec.recompute_hash().unwrap(), hash, "record {}: full JCS", r.seq);
        assert_eq!(rec.prev_hash, hex::encode(prev));
        prev = hash;
        hashes.push(hash);
    }
    if head.len == 0 {
        assert_eq!(head, Head::default());
    } else {
        assert_eq!(head.hash, prev, "the head names the last record");
    }
    hashes
}

/// The event as stored in record `seq`.
pub fn stored_event(backend: &dyn LogBackend, seq: u64) -> Value {
    let r = backend.get(seq).unwrap().expect("record present");
    Record::from_body(r.body(), &r.hash().unwrap()).unwrap().event
}

/// Is `id` of the form `auto-<seq>-<8 lowercase hex>` for this seq?
pub fn is_auto_id(id: &str, seq: u64) -> bool {
    let Some(rest) = id.strip_prefix(&format!("auto-{seq}-")) else {
        return false;
    };
    rest.len() == 8 && rest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
