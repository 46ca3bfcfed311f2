//! Restoring a log from records built elsewhere (an export bundle).
//!
//! Unlike an append, a restore keeps each record exactly as it was: its
//! `recorded_at`, its `prev_hash`, its hash. It is still checked as it goes:
//! each body must hash to the stated hash, carry the next seq, link to the
//! record before it, and hold an event the [`Registry`] admits after the
//! ones before it (the same rules as an append). Records and the tree nodes
//! they complete are written in chunks that stay invisible; the committed
//! head moves once, at the end, and is synced. If anything is refused, what
//! was written is discarded and the log is empty again.
//!
//! Only an empty log can be restored into: the restored records begin at
//! seq 0.

use crate::backend::{Head, LogBackend, StoredRecord, WriteBatch};
use crate::error::StoreError;
use pledger_core::merkle::Frontier;
use pledger_core::record::{record_hash, RecordHeader, ZERO_HASH};
use pledger_core::registry::{Journal, Origin};
use pledger_core::signature;
use pledger_core::{Event, Hash, Registry};
use serde_json::Value;
use thiserror::Error;

/// Records written per (uncommitted) batch.
const CHUNK: usize = 8192;

/// A record as stored: its hash and its canonical body (JCS of the record
/// without `hash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreRecord {
    pub hash: Hash,
    pub body: Vec<u8>,
}

/// Why a restore did not happen. In every case the log was left empty.
#[derive(Debug, Error)]
pub enum RestoreError {
    #[error("the log is not empty (it holds {0} records); a restore needs an empty ledger")]
    NotEmpty(u64),
    #[error("record {seq}: {why}")]
    Refused { seq: u64, why: String },
    /// The source of the records failed (e.g. the bundle could not be read).
    #[error("{0}")]
    Source(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Restores `records` (seq 0 first) into the empty log of `backend`;
/// returns the new committed head.
pub fn restore(
    backend: &dyn LogBackend,
    records: impl IntoIterator<Item = Result<RestoreRecord, String>>,
) -> Result<Head, RestoreError> {
    let head = backend.head()?;
    if head.len > 0 {
        return Err(RestoreError::NotEmpty(head.len));
    }
    // Leftovers of an interrupted import or restore are not part of the log.
    backend.discard_from(0)?;
    let result = run(backend, records);
    if result.is_err() {
        // Put the log back to empty; the head never moved.
        let _ = backend.discard_from(0);
        let _ = backend.sync();
    }
    result
}

fn run(
    backend: &dyn LogBackend,
    records: impl IntoIterator<Item = Result<RestoreRecord, String>>,
) -> Result<Head, RestoreError> {
    let mut registry = Registry::new();
    let mut journal = Journal::disabled();
    let mut frontier = Frontier::new();
    let mut prev = ZERO_HASH;
    let mut seq = 0u64;
    let mut batch = WriteBatch::default();
    for r in records {
        let r = r.map_err(RestoreError::Source)?;
        let refused = |why: String| RestoreError::Refused { seq, why };
        if record_hash(&r.body) != r.hash {
            return Err(refused("its body does not hash to its stated hash".into()));
        }
        let h = RecordHeader::parse(&r.body).map_err(|e| refused(format!("its body is not a record: {e}")))?;
        if h.seq != seq {
            return Err(refused(format!("it says seq {} where {seq} comes next", h.seq)));
        }
        if h.prev_hash_bytes() != Some(prev) {
            return Err(refused("its prev_hash is not the hash of the record before it".into()));
        }
        let value: Value = serde_json::from_str(h.event.get()).map_err(|e| refused(e.to_string()))?;
        let event = Event::parse(&value).map_err(|e| refused(format!("its event is not valid: {e}")))?;
        // The same admission as an append, signatures included: a bundle
        // is not trusted to have come from a ledger that checked them.
        signature::signed_part(&value)
            .and_then(|signed| registry.admit_with(&event, signed.as_ref(), Origin::New, &mut journal))
            .map_err(|e| refused(format!("its event is refused by the ledger's rules: {e}")))?;
        batch.nodes.extend(frontier.push(&r.hash));
        batch.records.push(StoredRecord::new(seq, &r.hash, &r.body));
        prev = r.hash;
        seq += 1;
        if batch.records.len() == CHUNK {
            backend.write(std::mem::take(&mut batch))?;
        }
    }
    batch.head = Some(Head { len: seq, hash: prev });
    if seq == 0 {
        return Ok(Head::default());
    }
    let head = batch.head.unwrap_or_default();
    backend.write(batch)?;
    backend.sync()?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::MemBackend;
    use crate::Ledger;
    use serde_json::json;
    use std::sync::Arc;

    fn events() -> Vec<Value> {
        vec![
            json!({"type": "entity.registered", "id": "e-city", "actor": "city", "occurred_at": "2026-01-01",
                   "data": {"entity_id": "city", "kind": "government", "name": "City"}}),
            json!({"type": "account.opened", "id": "a1", "actor": "city", "occurred_at": "2026-01-01",
                   "data": {"account_id": "acc", "holder": "city", "name": "A", "kind": "source"}}),
            json!({"type": "event.voided", "id": "v1", "actor": "city", "occurred_at": "2026-01-02",
                   "data": {"seq": 1, "reason": "mistake"}}),
        ]
    }

    fn source() -> (Vec<RestoreRecord>, Head) {
        let b: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
        let l = Ledger::open(b.clone()).unwrap();
        l.append_values(events()).unwrap();
        let head = l.head();
        l.close();
        let recs = b
            .scan(0, head.len)
            .map(|r| {
                let r = r.unwrap();
                RestoreRecord {
                    hash: r.hash().unwrap(),
                    body: r.body().to_vec(),
                }
            })
            .collect();
        (recs, head)
    }

    #[test]
    fn restores_exactly_and_reopens() {
        let (recs, head) = source();
        let b: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
        let got = restore(b.as_ref(), recs.iter().cloned().map(Ok)).unwrap();
        assert_eq!(got, head);
        assert_eq!(b.head().unwrap(), head);
        crate::verify_log(b.as_ref(), |_| {}).unwrap();
        for (i, r) in recs.iter().enumerate() {
            let s = b.get(i as u64).unwrap().unwrap();
            assert_eq!((s.hash().unwrap(), s.body()), (r.hash, &r.body[..]));
        }
        // The restored ledger takes further appends.
        let l = Ledger::open(b.clone()).unwrap();
        l.append_values(vec![json!({"type": "account.opened", "id": "a2", "actor": "city",
            "occurred_at": "2026-01-03", "data": {"account_id": "acc", "holder": "city", "name": "B", "kind": "source"}})])
            .unwrap();
        // ... and a second restore is refused.
        l.close();
        assert!(matches!(
            restore(b.as_ref(), recs.iter().cloned().map(Ok)),
            Err(RestoreError::NotEmpty(4))
        ));
    }

    #[test]
    fn refuses_and_leaves_the_log_empty() {
        let (recs, _) = source();
        let cases: Vec<(Vec<RestoreRecord>, &str)> = vec![
            {
                let mut r = recs.clone();
                r[1].hash[0] ^= 1;
                (r, "record 1: its body does not hash")
            },
            (vec![recs[1].clone()], "record 0: it says seq 1"),
            (vec![recs[0].clone(), recs[2].clone()], "record 1: it says seq 2"),
            // Well-formed and correctly hashed, but the ledger's rules
            // refuse it: the first record must found the ledger.
            {
                let ev = pledger_core::record::jcs(&events()[1]).unwrap();
                let body = pledger_core::record::record_body(0, "2026-01-01T00:00:00.000Z", &ZERO_HASH, &ev);
                let hash = record_hash(&body);
                (vec![RestoreRecord { hash, body }], "record 0: its event is refused")
            },
        ];
        for (input, expect) in cases {
            let b = MemBackend::new();
            let e = restore(&b, input.into_iter().map(Ok)).unwrap_err();
            assert!(e.to_string().contains(expect), "{e} / {expect}");
            assert_eq!(b.head().unwrap(), Head::default());
            assert_eq!(b.get(0).unwrap(), None);
        }
        let b = MemBackend::new();
        let e = restore(&b, vec![Ok(recs[0].clone()), Err("the bundle broke".to_string())]).unwrap_err();
        assert!(matches!(e, RestoreError::Source(_)));
        assert_eq!(b.get(0).unwrap(), None);
    }

    /// Records chained and hashed correctly around the given events, as a
    /// bundle built by someone else would hold them.
    fn forged(events: &[Value]) -> Vec<RestoreRecord> {
        let mut prev = ZERO_HASH;
        let mut out = Vec::new();
        for (seq, e) in events.iter().enumerate() {
            let ev = pledger_core::record::jcs(e).unwrap();
            let body = pledger_core::record::record_body(seq as u64, "2026-01-01T00:00:00.000Z", &prev, &ev);
            let hash = record_hash(&body);
            prev = hash;
            out.push(RestoreRecord { hash, body });
        }
        out
    }

    #[test]
    fn signatures_are_checked_as_on_append() {
        use pledger_core::checkpoint::ed25519_dalek::SigningKey;
        use pledger_core::signature::{public_key_text, sign};
        let (k, other) = (SigningKey::from_bytes(&[1; 32]), SigningKey::from_bytes(&[2; 32]));
        let mut founding = events()[0].clone();
        founding["data"]["public_key"] = json!(public_key_text(&k));
        sign(&mut founding, &k).unwrap();
        let account = events()[1].clone();
        let mut good = account.clone();
        sign(&mut good, &k).unwrap();
        let b = MemBackend::new();
        restore(&b, forged(&[founding.clone(), good]).into_iter().map(Ok)).unwrap();
        assert_eq!(b.head().unwrap().len, 2);
        let mut bad = account.clone();
        sign(&mut bad, &other).unwrap();
        for (second, why) in [
            (bad, "signature: the signature does not match"),
            (account, "must be signed"),
        ] {
            let b = MemBackend::new();
            let e = restore(&b, forged(&[founding.clone(), second]).into_iter().map(Ok)).unwrap_err();
            assert!(e.to_string().contains("record 1: its event is refused"), "{e}");
            assert!(e.to_string().contains(why), "{e}");
            assert_eq!(b.get(0).unwrap(), None);
        }
    }
}
