//! Records as stored (contract 1.2): canonical bytes and hashes.
//!
//! `hash = BLAKE3("pledger/record/v1\n" || JCS(record without "hash"))`.
//!
//! The JCS of a record without its hash has its keys in the order `event`,
//! `prev_hash`, `recorded_at`, `seq`, and only the event can contain
//! anything that needs escaping. So the body is assembled from the event's
//! own JCS and three plain fields, and nothing is serialised twice on the
//! append path. A test checks the assembly against a full JCS of the record.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// A BLAKE3 digest.
pub type Hash = [u8; 32];

/// Domain separation for record hashes.
pub const RECORD_HASH_PREFIX: &[u8] = b"pledger/record/v1\n";

/// `prev_hash` of seq 0.
pub const ZERO_HASH: Hash = [0u8; 32];

/// RFC 8785 canonical JSON of any value. Failure would mean a value JSON
/// itself cannot express (a non-finite float), which parsed input never is.
///
/// Events hold strings, integers and objects with ASCII keys, and for those
/// JCS is what serde_json writes for a `Value` whose object keys come out
/// sorted: the same escapes (short forms, `\u00xx` lowercase for other
/// controls, nothing else), integers as digits. That fast path is taken
/// when it provably applies; floats, non-ASCII keys or unsorted keys fall
/// back to `serde_jcs`. A property test holds the two to the same bytes.
pub fn jcs(v: &Value) -> Result<Vec<u8>, serde_json::Error> {
    if fast_jcs_applies(v) {
        let mut out = Vec::with_capacity(512);
        serde_json::to_writer(&mut out, v)?;
        return Ok(out);
    }
    serde_jcs::to_vec(v)
}

fn fast_jcs_applies(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(_) | Value::String(_) => true,
        Value::Number(n) => n.is_i64() || n.is_u64(),
        Value::Array(a) => a.iter().all(fast_jcs_applies),
        Value::Object(m) => {
            let mut prev: Option<&str> = None;
            for (k, v) in m {
                if !k.is_ascii() || prev.is_some_and(|p| p >= k.as_str()) || !fast_jcs_applies(v) {
                    return false;
                }
                prev = Some(k);
            }
            true
        }
    }
}

/// The canonical bytes of a record without its hash.
pub fn record_body(seq: u64, recorded_at: &str, prev_hash: &Hash, event_jcs: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(event_jcs.len() + 160);
    out.extend_from_slice(b"{\"event\":");
    out.extend_from_slice(event_jcs);
    out.extend_from_slice(b",\"prev_hash\":\"");
    let mut hex_buf = [0u8; 64];
    // Cannot fail: the buffer is exactly twice the hash's length.
    let _ = hex::encode_to_slice(prev_hash, &mut hex_buf);
    out.extend_from_slice(&hex_buf);
    out.extend_from_slice(b"\",\"recorded_at\":\"");
    out.extend_from_slice(recorded_at.as_bytes());
    out.extend_from_slice(b"\",\"seq\":");
    out.extend_from_slice(itoa::Buffer::new().format(seq).as_bytes());
    out.push(b'}');
    out
}

/// The record hash of a body from [`record_body`].
pub fn record_hash(body: &[u8]) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(RECORD_HASH_PREFIX);
    h.update(body);
    *h.finalize().as_bytes()
}

/// The fields of a stored body that chain checks need. The event stays raw:
/// verifying a million records must not build a million JSON trees.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordHeader<'a> {
    #[serde(borrow)]
    pub event: &'a RawValue,
    pub prev_hash: &'a str,
    pub recorded_at: &'a str,
    pub seq: u64,
}

impl<'a> RecordHeader<'a> {
    pub fn parse(body: &'a [u8]) -> Result<RecordHeader<'a>, serde_json::Error> {
        serde_json::from_slice(body)
    }

    pub fn prev_hash_bytes(&self) -> Option<Hash> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(self.prev_hash, &mut out).ok()?;
        Some(out)
    }
}

/// The event's JSON text inside a stored body, found by position instead of
/// by parsing: a canonical body is `{"event":` EVENT `,"prev_hash":"`…, and
/// that marker cannot occur inside EVENT (a string would escape its quotes;
/// no event has a `prev_hash` key). Falls back to a parse for anything
/// else. Readers of millions of records (views, the registry at open) save
/// a full pass over every body this way.
pub fn event_text(body: &[u8]) -> Option<&str> {
    const HEAD: &[u8] = b"{\"event\":";
    const MARK: &[u8] = b",\"prev_hash\":\"";
    if body.starts_with(HEAD) {
        if let Some(end) = body.windows(MARK.len()).rposition(|w| w == MARK) {
            if end >= HEAD.len() {
                return std::str::from_utf8(&body[HEAD.len()..end]).ok();
            }
        }
    }
    RecordHeader::parse(body).ok().map(|h| h.event.get())
}

/// A record as a reader sees it, fields in the contract's order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub recorded_at: String,
    pub prev_hash: String,
    pub event: Value,
    pub hash: String,
}

impl Record {
    /// Rebuilds the reader's form from the stored body and hash.
    pub fn from_body(body: &[u8], hash: &Hash) -> Result<Record, serde_json::Error> {
        #[derive(Deserialize)]
        struct Body {
            event: Value,
            prev_hash: String,
            recorded_at: String,
            seq: u64,
        }
        let b: Body = serde_json::from_slice(body)?;
        Ok(Record {
            seq: b.seq,
            recorded_at: b.recorded_at,
            prev_hash: b.prev_hash,
            event: b.event,
            hash: hex::encode(hash),
        })
    }

    /// Writes the record as one line of JSON, in the contract's field order,
    /// straight from the stored bytes (the event is copied, not re-parsed).
    pub fn write_json_line(body: &[u8], hash: &Hash, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        let h = RecordHeader::parse(body)?;
        out.extend_from_slice(b"{\"seq\":");
        out.extend_from_slice(h.seq.to_string().as_bytes());
        out.extend_from_slice(b",\"recorded_at\":");
        serde_json::to_writer(&mut *out, h.recorded_at)?;
        out.extend_from_slice(b",\"prev_hash\":");
        serde_json::to_writer(&mut *out, h.prev_hash)?;
        out.extend_from_slice(b",\"event\":");
        out.extend_from_slice(h.event.get().as_bytes());
        out.extend_from_slice(b",\"hash\":\"");
        out.extend_from_slice(hex::encode(hash).as_bytes());
        out.extend_from_slice(b"\"}\n");
        Ok(())
    }

    /// Recomputes this record's hash the way an outside verifier would: JCS
    /// of the record without `hash`, prefixed, BLAKE3.
    pub fn recompute_hash(&self) -> Result<Hash, serde_json::Error> {
        let v = serde_json::json!({
            "seq": self.seq,
            "recorded_at": self.recorded_at,
            "prev_hash": self.prev_hash,
            "event": self.event,
        });
        Ok(record_hash(&jcs(&v)?))
    }
}

/// Checks that stored body bytes are exactly the JCS of what they parse to,
/// the property an outside verifier relies on.
pub fn is_canonical(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| jcs(&v).ok())
        .is_some_and(|c| c == body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            any::<u64>().prop_map(|i| json!(i)),
            (-1e6f64..1e6).prop_map(|f| json!(f)),
            any::<String>().prop_map(Value::String),
            "[\\x00-\\x7f]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(prop_oneof![any::<String>(), "[a-z_]{1,8}"], inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn fast_jcs_is_serde_jcs(v in arb_json()) {
            prop_assert_eq!(jcs(&v).unwrap(), serde_jcs::to_vec(&v).unwrap());
        }
    }

    #[test]
    fn assembled_body_is_the_jcs_of_the_record() {
        let event = json!({"type": "entity.registered", "id": "e", "actor": "a", "occurred_at": "2026-01-01",
                           "data": {"entity_id": "a", "kind": "government", "name": "常德 \"市\"\n\u{1}"}});
        let prev = [7u8; 32];
        let body = record_body(12, "2026-01-01T00:00:00.000Z", &prev, &jcs(&event).unwrap());
        let whole = json!({"seq": 12, "recorded_at": "2026-01-01T00:00:00.000Z", "prev_hash": hex::encode(prev), "event": event});
        assert_eq!(
            String::from_utf8(body.clone()).unwrap(),
            String::from_utf8(jcs(&whole).unwrap()).unwrap()
        );
        assert!(is_canonical(&body));
        let h = RecordHeader::parse(&body).unwrap();
        assert_eq!((h.seq, h.prev_hash_bytes()), (12, Some(prev)));
    }

    #[test]
    fn event_text_is_found_by_position() {
        let event = json!({"type": "x", "actor": "a", "occurred_at": "2026-01-01",
                           "data": {"purpose": ",\"prev_hash\":\" inside a string"}});
        let ev = jcs(&event).unwrap();
        let body = record_body(3, "2026-01-01T00:00:00.000Z", &ZERO_HASH, &ev);
        assert_eq!(event_text(&body).unwrap().as_bytes(), &ev[..]);
        assert_eq!(
            event_text(&body).unwrap(),
            RecordHeader::parse(&body).unwrap().event.get()
        );
    }

    #[test]
    fn json_line_round_trips() {
        let event = json!({"type": "x", "actor": "a", "occurred_at": "2026-01-01", "data": {}});
        let body = record_body(0, "2026-01-01T00:00:00.000Z", &ZERO_HASH, &jcs(&event).unwrap());
        let hash = record_hash(&body);
        let mut line = Vec::new();
        Record::write_json_line(&body, &hash, &mut line).unwrap();
        let r: Record = serde_json::from_slice(&line).unwrap();
        assert_eq!(r, Record::from_body(&body, &hash).unwrap());
        assert_eq!(r.recompute_hash().unwrap(), hash);
    }
}
