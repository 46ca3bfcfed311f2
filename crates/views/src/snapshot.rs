//! Persisted view state: a snapshot of unscoped [`Facts`] (no `as_of`)
//! over records `0..len`, so a restart reads only the log's tail.
//!
//! The snapshot is a cache, never trusted: [`read`] refuses any damage
//! (wrong magic or version, a size or checksum mismatch, bytes that do not
//! decode), and the caller checks it against the log — the log holds at
//! least `len` records and the stored hash of record `len - 1` is the
//! snapshot's ([`crate::load::load_cached`] does both). Since each record's
//! hash chains every record before it, a matching hash means the snapshot
//! was built from exactly this log's first `len` records.
//!
//! File layout (integers little-endian):
//!
//! ```text
//! pledger-views-snapshot/v3\n     magic and format version
//! len            u64              records covered (0..len)
//! hash           32 bytes         hash of record len-1 (zeros when len = 0)
//! payload_len    u64              checked against the file's size
//! checksum       32 bytes         BLAKE3 of magic, len, hash, then the payload
//! payload        payload_len      the facts ([`wire`] encoding)
//! ```
//!
//! Every byte is covered: by the checksum, or (`payload_len`) by the size.

mod wire;

use crate::facts::Facts;
use pledger_core::Hash;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The snapshot's file name in a data directory (`<data>/views.snapshot`).
pub const FILE_NAME: &str = "views.snapshot";

/// Magic and format version. Bump the version whenever the encoding of
/// any fact changes: an old file is then refused and rebuilt.
const MAGIC: &[u8] = b"pledger-views-snapshot/v3\n";
/// What every version's magic starts with, to tell "another version" from
/// "not a snapshot at all".
const MAGIC_FAMILY: &[u8] = b"pledger-views-snapshot/";
const HEADER_LEN: usize = MAGIC.len() + 8 + 32 + 8 + 32;
/// Offset of the payload's length.
const LEN_AT: usize = MAGIC.len() + 8 + 32;
/// Offset of the checksum.
const SUM_AT: usize = LEN_AT + 8;

/// A snapshot read back: the facts of records `0..len`, the last of which
/// has `hash`.
#[derive(Debug)]
pub struct Snapshot {
    pub len: u64,
    pub hash: Hash,
    pub facts: Facts,
}

/// Why a snapshot could not be read or written.
#[derive(Debug, Error)]
pub enum SnapshotError {
    #[error("cannot read or write it: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a views snapshot (bad magic)")]
    NotASnapshot,
    #[error("snapshot format {found:?}, this pledger reads {:?}", String::from_utf8_lossy(MAGIC).trim_end())]
    Version { found: String },
    #[error("truncated: {0}")]
    Truncated(String),
    #[error("checksum mismatch")]
    Checksum,
    #[error("cannot decode the facts: {0}")]
    Decode(String),
}

/// The hash recorded for a snapshot of zero records.
pub const NO_HASH: Hash = [0u8; 32];

/// Encodes a snapshot file's bytes. `facts` must be unscoped (built with
/// `as_of = None`) from records `0..len`, the last of which has `hash`.
pub fn encode(facts: &Facts, len: u64, hash: &Hash) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    match encode_to(&mut out, facts, len, hash) {
        Ok(_) => out.into_inner(),
        // A Vec takes every write; nothing else can fail here.
        Err(e) => unreachable!("writing to memory failed: {e}"),
    }
}

/// Streams the snapshot to `out` (positioned at its start): the header
/// with blanks, the payload, then the header again with the payload's
/// length and checksum. Returns the bytes written.
fn encode_to<W: Write + Seek>(out: &mut W, facts: &Facts, len: u64, hash: &Hash) -> std::io::Result<u64> {
    let start = out.stream_position()?;
    let mut head = [0u8; HEADER_LEN];
    head[..MAGIC.len()].copy_from_slice(MAGIC);
    head[MAGIC.len()..MAGIC.len() + 8].copy_from_slice(&len.to_le_bytes());
    head[MAGIC.len() + 8..LEN_AT].copy_from_slice(hash);
    out.write_all(&head)?;
    let mut sum = blake3::Hasher::new();
    sum.update(&head[..LEN_AT]);
    let mut sink = wire::Sink::new(out, &mut sum);
    wire::put_facts(&mut sink, facts);
    let payload_len = sink.finish()?;
    head[LEN_AT..SUM_AT].copy_from_slice(&payload_len.to_le_bytes());
    head[SUM_AT..].copy_from_slice(sum.finalize().as_bytes());
    out.seek(SeekFrom::Start(start))?;
    out.write_all(&head)?;
    out.seek(SeekFrom::End(0))?;
    Ok(HEADER_LEN as u64 + payload_len)
}

/// Decodes a snapshot file's bytes; any damage is an error, never a panic.
pub fn decode(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
    let (len, hash) = header(bytes)?;
    let payload_len = u64::from_le_bytes(field(bytes, LEN_AT)?);
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != payload_len {
        return Err(SnapshotError::Truncated(format!(
            "the payload is {} bytes, the header says {payload_len}",
            payload.len()
        )));
    }
    let mut sum = blake3::Hasher::new();
    sum.update(&bytes[..LEN_AT]);
    sum.update(payload);
    if sum.finalize().as_bytes() != &bytes[SUM_AT..HEADER_LEN] {
        return Err(SnapshotError::Checksum);
    }
    let facts = wire::get_facts(payload).map_err(SnapshotError::Decode)?;
    // Unscoped facts over 0..len have seen exactly len records.
    if facts.records_seen != len {
        return Err(SnapshotError::Decode(format!(
            "the facts cover {} records, the header says {len}",
            facts.records_seen
        )));
    }
    Ok(Snapshot { len, hash, facts })
}

/// Checks the magic and returns (len, hash) from the header.
fn header(bytes: &[u8]) -> Result<(u64, Hash), SnapshotError> {
    if !bytes.starts_with(MAGIC) {
        // The first line, bounded: a damaged file may have no newline soon.
        let line = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let line = &line[..line.len().min(MAGIC.len() + 8)];
        return Err(if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
            SnapshotError::Truncated("the file ends inside the magic".into())
        } else if line.starts_with(MAGIC_FAMILY) {
            SnapshotError::Version {
                found: String::from_utf8_lossy(line).into_owned(),
            }
        } else {
            SnapshotError::NotASnapshot
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(SnapshotError::Truncated("the file ends inside the header".into()));
    }
    let len = u64::from_le_bytes(field(bytes, MAGIC.len())?);
    let hash = field(bytes, MAGIC.len() + 8)?;
    Ok((len, hash))
}

fn field<const N: usize>(bytes: &[u8], at: usize) -> Result<[u8; N], SnapshotError> {
    bytes
        .get(at..at + N)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SnapshotError::Truncated("the file ends inside the header".into()))
}

/// Reads and checks the snapshot at `path` (not yet against the log).
pub fn read(path: &Path) -> Result<Snapshot, SnapshotError> {
    decode(&std::fs::read(path)?)
}

/// Reads only the header: (len, hash), without checking the payload.
/// Lets a caller skip reading a snapshot that could not serve it.
pub(crate) fn peek(path: &Path) -> Result<(u64, Hash), SnapshotError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(HEADER_LEN);
    std::fs::File::open(path)?
        .take(HEADER_LEN as u64)
        .read_to_end(&mut head)?;
    header(&head)
}

/// Writes a snapshot atomically: a temporary file in the same directory,
/// synced, then renamed over `path`, so a crash leaves the old snapshot or
/// the new one, never a mix. Returns the file's size. `facts` must be
/// unscoped (built with `as_of = None`) from records `0..len`, the last of
/// which has `hash`.
pub fn write(path: &Path, facts: &Facts, len: u64, hash: &Hash) -> Result<u64, SnapshotError> {
    write_as(path, facts, len, hash, true)
}

/// As [`write`], without waiting for the disk: for a cache whose loss
/// costs only a rebuild (a torn or stale file is refused when read, as
/// every snapshot is), written on a path where the wait would be felt.
pub fn write_unsynced(path: &Path, facts: &Facts, len: u64, hash: &Hash) -> Result<u64, SnapshotError> {
    write_as(path, facts, len, hash, false)
}

fn write_as(path: &Path, facts: &Facts, len: u64, hash: &Hash, sync: bool) -> Result<u64, SnapshotError> {
    let tmp = temp_path(path);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        let size = encode_to(&mut f, facts, len, hash)?;
        if sync {
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        Ok::<_, std::io::Error>(size)
    })();
    let size = match written {
        Ok(size) => size,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
    };
    // Make the rename itself durable; a directory cannot be opened for
    // this outside Unix, and losing a cache on a crash costs a rebuild.
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| sync && !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(size)
}

/// `.<name>.tmp-<pid>-<n>` beside `path`: unique per writer, so two
/// writers never interleave in one temporary file.
fn temp_path(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = N.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::wire::Wire;
    use super::*;
    use serde_json::{json, Value};

    /// Every event type, every optional field, and the values a careless
    /// encoding would bend: a scale ("30.0"), a negative and a negative
    /// zero quantity, a date-time with its own offset, a relative due.
    fn fixture() -> Vec<Value> {
        let ev =
            |kind: &str, at: &str, data: Value| json!({"type": kind, "actor": "city", "occurred_at": at, "data": data});
        let blake = "ab".repeat(32);
        vec![
            ev(
                "entity.registered",
                "2026-01-01",
                json!({"entity_id": "city", "kind": "government", "name": "常德市人民政府"}),
            ),
            ev(
                "entity.registered",
                "2026-01-01T23:30:00+08:00",
                json!({"entity_id": "firm", "kind": "enterprise", "name": "firm",
                "parent": "city", "public_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}),
            ),
            ev(
                "account.opened",
                "2026-01-02",
                json!({"account_id": "src", "holder": "city", "name": "treasury", "kind": "source",
                "ceiling": "1000000.50", "earmark": "roads", "currency": "CNY"}),
            ),
            ev(
                "account.opened",
                "2026-01-02",
                json!({"account_id": "park", "holder": "city", "name": "park", "kind": "internal"}),
            ),
            ev(
                "target.assigned",
                "2026-01-03",
                json!({"target_id": "t1", "assignee": "firm", "metric": "jobs", "unit": "count",
                "comparator": ">=", "threshold": "30.0", "period": {"from": "2026-01-01", "to": "2026-12-31"}, "basis": "doc 1",
                "responsible": [{"person": "firm", "role": "lead"}]}),
            ),
            ev(
                "target.assigned",
                "2026-01-03",
                json!({"target_id": "t2", "assignee": "firm", "metric": "emissions", "unit": "t",
                "comparator": "<=", "threshold": "-2.50", "period": {"from": "2026-01-01", "to": "2026-06-30"}, "basis": "doc 2"}),
            ),
            ev(
                "target.revised",
                "2026-02-01",
                json!({"target_id": "t1", "threshold": "-0", "reason": "cut"}),
            ),
            ev(
                "target.revised",
                "2026-02-01",
                json!({"target_id": "t2", "period": {"from": "2026-01-01", "to": "2026-09-30"}, "reason": "later"}),
            ),
            ev(
                "target.progress_reported",
                "2026-03-01",
                json!({"target_id": "t1", "value": "12.000", "as_of": "2026-02-28", "evidence": "doc 7"}),
            ),
            ev(
                "target.verified",
                "2026-03-02",
                json!({"target_id": "t1", "value": "11", "as_of": "2026-02-28",
                "evidence": [{"ref": "audit 1", "blake3": blake}, {"ref": "audit 2"}], "note": "checked"}),
            ),
            ev(
                "fund.allocated",
                "2026-01-05",
                json!({"allocation_id": "al", "from_account": "src", "to_account": "park", "amount": "500",
                "purpose": "roads", "period": {"from": "2026-01-01", "to": "2026-12-31"}, "basis": "budget", "currency": "CNY"}),
            ),
            ev(
                "fund.disbursed",
                "2026-01-06",
                json!({"disbursement_id": "d1", "from_account": "src", "to_account": "park", "amount": "0.07",
                "purpose": "roads", "kind": "repayment", "category": "roads", "allocation_id": "al", "commitment_id": "c1",
                "voucher": "v-1", "currency": "CNY"}),
            ),
            ev(
                "fund.disbursed",
                "2026-01-07",
                json!({"disbursement_id": "d2", "from_account": "park", "to_account": "src", "amount": "999999999999999999.99",
                "purpose": "back"}),
            ),
            ev("fund.received", "2026-01-08", json!({"disbursement_id": "d1"})),
            ev(
                "commitment.made",
                "2026-01-09",
                json!({"commitment_id": "c1", "promisor": "city", "beneficiary": "firm", "kind": "land_discount",
                "terms": "land", "amount": "100", "due": "2026-05-01T01:00:00-05:00",
                "conditions": [{"condition_id": "k1", "text": "met", "target_id": "t1"}, {"condition_id": "k2", "text": "filed"}],
                "basis": "contract", "clawback_targets": ["t1", "t2"], "currency": "CNY"}),
            ),
            ev(
                "commitment.made",
                "2026-01-09",
                json!({"commitment_id": "c2", "promisor": "city", "beneficiary": "firm", "kind": "service_deadline",
                "terms": "licence", "due": {"within_working_days": 5, "after": "k"}, "conditions": [{"condition_id": "k", "text": "applied"}]}),
            ),
            ev(
                "commitment.made",
                "2026-01-09",
                json!({"commitment_id": "c3", "promisor": "city", "beneficiary": "firm", "kind": "other",
                "terms": "x", "due": {"within_days": 0, "after": "k"}, "conditions": [{"condition_id": "k", "text": "applied"}]}),
            ),
            ev(
                "commitment.condition_met",
                "2026-01-10",
                json!({"commitment_id": "c2", "condition_id": "k", "evidence": "form"}),
            ),
            ev(
                "commitment.fulfilled",
                "2026-01-11",
                json!({"commitment_id": "c1", "amount": "100.00", "evidence": [{"ref": "deed"}]}),
            ),
            ev(
                "commitment.disputed",
                "2026-01-12",
                json!({"commitment_id": "c1", "reason": "late"}),
            ),
            ev(
                "commitment.breached",
                "2026-01-13",
                json!({"commitment_id": "c2", "reason": "never"}),
            ),
            ev(
                "commitment.waived",
                "2026-01-14",
                json!({"commitment_id": "c3", "reason": "moot", "authority": "council"}),
            ),
            ev(
                "incentive.scheme_set",
                "2026-01-15",
                json!({"scheme_id": "s", "target_id": "t1", "total": "100", "condition": "target_met",
                "shares": [{"role": "lead", "percent": "33.30"}, {"role": "team", "percent": 66.7}]}),
            ),
            ev(
                "incentive.paid",
                "2026-01-16",
                json!({"payout_id": "p", "scheme_id": "s", "payee": "firm", "role": "lead", "amount": "10",
                "from_account": "src", "evidence": "receipt", "currency": "CNY"}),
            ),
            ev(
                "incentive.clawed_back",
                "2026-01-17",
                json!({"payout_id": "p", "amount": "2.5", "reason": "missed"}),
            ),
            ev("event.voided", "2026-01-18", json!({"seq": 8, "reason": "wrong"})),
            ev(
                "assessment.task_set",
                "2026-01-19",
                json!({"task_id": "k1", "assignee": "park", "period": {"from": "2026-01-01", "to": "2026-12-31"},
                "group": "parks", "items": [{"target_id": "t1", "weight": "60.5", "veto": true}, {"target_id": "t2", "weight": 40}],
                "pass_score": "60", "basis": "责任状", "consequences": {"on_fail": ["criticism"],
                "on_consecutive_fail": {"count": 2, "kinds": ["reassignment", "other"]}}}),
            ),
            ev(
                "sanction.imposed",
                "2026-01-20",
                json!({"sanction_id": "x1", "subject": "park", "kind": "award_disqualified", "task_id": "k1",
                "basis": "通报", "evidence": "doc"}),
            ),
            ev(
                "project.signed",
                "2026-01-22",
                json!({"project_id": "plant", "host": "park", "investor": "firm", "planned_investment": "50000000",
                "signed_on": "2026-01-22", "land": {"parcel_id": "DK-1", "area_mu": "120.50", "agreed_start": "2026-06-01"},
                "basis": "contract"}),
            ),
            ev(
                "project.stage_reported",
                "2026-05-02",
                json!({"project_id": "plant", "stage": "stalled", "as_of": "2026-05-01", "investment_in_place": "1.5",
                "evidence": "photo"}),
            ),
            ev(
                "target.assigned",
                "2026-01-03",
                json!({"target_id": "t3", "assignee": "park", "metric": "projects", "unit": "count",
                "comparator": ">=", "threshold": "2", "period": {"from": "2026-01-01", "to": "2026-12-31"}, "basis": "doc 3",
                "counts": {"stage": "producing", "min_investment": "10000000"}}),
            ),
            ev(
                "target.verified",
                "2026-06-02",
                json!({"target_id": "t3", "value": "1", "as_of": "2026-06-01", "projects": ["plant"]}),
            ),
            ev(
                "incentive.scheme_set",
                "2026-01-21",
                json!({"scheme_id": "s2", "task_id": "k1", "total": "100", "condition": "task_passed",
                "shares": [{"role": "lead", "percent": "100"}]}),
            ),
            ev(
                "fund.disbursed",
                "2099-01-01",
                json!({"disbursement_id": "d3", "from_account": "src", "to_account": "park", "amount": "1",
                "purpose": "future", "kind": "interest"}),
            ),
        ]
    }

    fn facts() -> Facts {
        crate::facts::from_json(&fixture(), None).expect("fixture events parse")
    }

    #[test]
    fn round_trip_is_exact() {
        let f = facts();
        let hash = [7u8; 32];
        let bytes = encode(&f, f.records_seen, &hash);
        let s = decode(&bytes).expect("decode");
        assert_eq!((s.len, s.hash), (f.records_seen, hash));
        assert_eq!(s.facts, f);
        // Equal bytes again: also holds what `==` does not see, such as a
        // decimal's scale (30.0 == 30) and a negative zero.
        assert_eq!(encode(&s.facts, s.len, &s.hash), bytes);
        let t1 = &s.facts.targets["t1"];
        assert_eq!(t1.data.threshold.0.to_string(), "30.0");
        assert_eq!(t1.claims[0].value.0.to_string(), "12.000");
        match &s.facts.commitments["c1"].data.due {
            pledger_core::event::Due::At(t) => assert_eq!(t.day().to_string(), "2026-05-01"),
            other => panic!("{other:?}"),
        }
    }

    /// The encoding is pinned: if this fails, the bytes of a snapshot
    /// changed, so bump the version in `MAGIC` (old files must be rebuilt,
    /// not misread) and then update the digest here.
    #[test]
    fn encoding_is_pinned() {
        let payload = encode(&facts(), 0, &[0; 32]);
        assert_eq!(
            blake3::hash(&payload).to_hex().as_str(),
            "6326ccad0d0d581891b20548a497ec842e717c03182cfc9543fcbcd2cb6dc5ab",
            "the snapshot encoding changed: bump the version in MAGIC"
        );
    }

    #[test]
    fn every_damage_is_refused() {
        let f = facts();
        let bytes = encode(&f, f.records_seen, &[1u8; 32]);
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = bytes.clone();
                bad[i] ^= bit;
                assert!(
                    decode(&bad).is_err(),
                    "flipping bit {bit:#x} of byte {i} went unnoticed"
                );
            }
        }
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_err(), "truncated to {n} bytes, accepted");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(decode(&longer), Err(SnapshotError::Truncated(_))));
        let mut v2 = bytes.clone();
        v2[MAGIC.len() - 2] = b'4';
        assert!(
            matches!(decode(&v2), Err(SnapshotError::Version { .. })),
            "{:?}",
            decode(&v2).err()
        );
        assert!(matches!(decode(b"{\"facts\": 1}"), Err(SnapshotError::NotASnapshot)));
        // Without the magic's newline the first line runs on; the message
        // quotes only its start.
        let mut run_on = bytes.clone();
        run_on[MAGIC.len() - 1] = b'x';
        let e = decode(&run_on).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("snapshot format") && e.len() < 120, "{e}");
    }

    /// A file around `payload` with a good checksum.
    fn reseal(payload: &[u8], len: u64) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&[1u8; 32]);
        let mut sum = blake3::Hasher::new();
        sum.update(&out);
        sum.update(payload);
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(sum.finalize().as_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// A payload of these sections, with its table.
    fn sections(parts: &[&[u8]]) -> Vec<u8> {
        let mut out: Vec<u8> = parts.concat();
        for p in parts {
            out.extend_from_slice(&(p.len() as u64).to_le_bytes());
        }
        out
    }

    fn bytes_of<T: Wire>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        let mut sum = blake3::Hasher::new();
        let mut sink = wire::Sink::new(&mut out, &mut sum);
        v.put(&mut sink);
        sink.finish().expect("memory");
        out
    }

    /// Bytes that pass the checksum but do not decode (as a buggy writer
    /// could produce) are refused too, without a panic.
    #[test]
    fn undecodable_payloads_are_refused() {
        let f = facts();
        let good = encode(&f, f.records_seen, &[1u8; 32]);
        let payload = &good[HEADER_LEN..];
        assert_eq!(reseal(payload, f.records_seen), good);
        assert!(decode(&good).is_ok());
        assert!(matches!(
            decode(&reseal(payload, f.records_seen + 1)),
            Err(SnapshotError::Decode(_))
        ));
        for i in 0..payload.len() {
            let mut p = payload.to_vec();
            p[i] = p[i].wrapping_add(0x55);
            // Many of these still decode (a changed letter in a name); none panics.
            let _ = decode(&reseal(&p, f.records_seen));
            let _ = decode(&reseal(&payload[..i], f.records_seen));
        }
        assert!(
            decode(&reseal(&[0; 39], 0)).is_err(),
            "a payload without its section table"
        );
        // A list claiming 2^63 items is refused, not allocated.
        let huge = bytes_of(&(1u64 << 63));
        let p = sections(&[&huge, &[0], &[0], &[0], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
        assert!(matches!(decode(&reseal(&p, 0)), Err(SnapshotError::Decode(_))));
        // An integer wider than its type.
        let p = sections(&[&[0xff; 11], &[0], &[0], &[0], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
        assert!(matches!(decode(&reseal(&p, 0)), Err(SnapshotError::Decode(_))));
        // The smallest valid payload: every section empty, zero records.
        let p = sections(&[&[0], &[0], &[0], &[0], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
        assert_eq!(decode(&reseal(&p, 0)).expect("empty facts").facts, Facts::new());
        // A section table that does not add up.
        let mut p = sections(&[&[0], &[0], &[0], &[0], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
        let n = p.len();
        p[n - 8] = 8;
        assert!(matches!(decode(&reseal(&p, 0)), Err(SnapshotError::Decode(_))));
        p[n - 8] = 6;
        assert!(matches!(decode(&reseal(&p, 0)), Err(SnapshotError::Decode(_))));
    }

    #[test]
    fn varints_round_trip_at_the_edges() {
        for v in [0u64, 1, 127, 128, 16_383, 16_384, u64::MAX - 1, u64::MAX] {
            let w = bytes_of(&v);
            let mut r = wire::Reader::new(&w);
            assert_eq!(u64::get(&mut r), Ok(v));
            assert_eq!(r.remaining(), 0);
        }
        for v in [0i128, -1, 1, i128::MIN, i128::MAX, -(1 << 100)] {
            assert_eq!(i128::get(&mut wire::Reader::new(&bytes_of(&v))), Ok(v));
        }
        let mut minus_zero = rust_decimal::Decimal::ZERO;
        minus_zero.set_sign_negative(true);
        for d in [
            minus_zero,
            rust_decimal::Decimal::MAX,
            rust_decimal::Decimal::MIN,
            rust_decimal::Decimal::new(300, 1),
            rust_decimal::Decimal::new(-1, 28),
        ] {
            let back = rust_decimal::Decimal::get(&mut wire::Reader::new(&bytes_of(&d))).expect("decimal");
            assert_eq!(
                (back, back.scale(), back.is_sign_negative()),
                (d, d.scale(), d.is_sign_negative())
            );
        }
        // Past u64::MAX: out of range, not wrapped.
        let mut w = bytes_of(&u64::MAX);
        w[9] = 0x02;
        assert!(u64::get(&mut wire::Reader::new(&w)).is_err());
    }

    #[test]
    fn write_is_atomic_and_read_checks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        let f = facts();
        let size = write(&path, &f, f.records_seen, &[3u8; 32]).expect("write");
        assert_eq!(std::fs::metadata(&path).expect("meta").len(), size);
        let s = read(&path).expect("read");
        assert_eq!(s.facts, f);
        assert_eq!(peek(&path).expect("peek"), (f.records_seen, [3u8; 32]));
        // Only the snapshot is left behind, no temporary file.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(FILE_NAME)]);
        assert!(matches!(read(&dir.path().join("none")), Err(SnapshotError::Io(_))));
    }
}
