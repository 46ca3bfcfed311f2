//! `pledger verify`: recompute everything from the stored bytes alone.
//!
//! For each record: the stored hash equals BLAKE3 of its body, the body's
//! seq matches its position, `prev_hash` is the hash of the record before.
//! The Merkle tree is rebuilt leaf by leaf and every node the store holds
//! is compared with the recomputed one. The committed head must name the
//! last record. The first discrepancy is reported with its seq.
//! [`verify_ledger`] also checks every stored checkpoint (see
//! [`crate::checkpoints`]).
//!
//! Hashing is spread over all cores in chunks; the chain and tree checks,
//! which are cheap, run in order.

use crate::backend::{LogBackend, StoredRecord};
use crate::checkpoints::{self, CheckpointsReport};
use crate::error::StoreError;
use crate::tree::StoredTree;
use pledger_core::checkpoint::VerifierKey;
use pledger_core::merkle::{empty_root, Frontier};
use pledger_core::record::{record_hash, RecordHeader, ZERO_HASH};
use pledger_core::Hash;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt;

/// What a successful verify saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub records: u64,
    pub head_hash: Hash,
    pub root: Hash,
    pub tree_nodes_checked: u64,
    /// Records whose text names a `public_key` or a `signature`: when there
    /// are any, signatures can be re-checked ([`crate::ledger::rebuild_registry`]).
    pub records_with_keys_or_signatures: u64,
}

/// The first thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyFailure {
    /// The record at fault, when the fault is in a record.
    pub seq: Option<u64>,
    pub what: String,
}

impl fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.seq {
            Some(s) => write!(f, "record {s}: {}", self.what),
            None => f.write_str(&self.what),
        }
    }
}

impl std::error::Error for VerifyFailure {}

fn fail(seq: Option<u64>, what: impl Into<String>) -> VerifyFailure {
    VerifyFailure { seq, what: what.into() }
}

fn from_store(e: StoreError) -> VerifyFailure {
    fail(None, format!("the store could not be read: {}", e.detail()))
}

/// Per-record facts computed in parallel.
struct Checked {
    seq: u64,
    stored: Option<Hash>,
    computed: Hash,
    header: Result<(u64, Option<Hash>), String>,
    keyed: bool,
}

fn check_one(r: &StoredRecord) -> Checked {
    let body = r.body();
    Checked {
        seq: r.seq,
        stored: r.hash(),
        computed: record_hash(body),
        keyed: memchr::memmem::find(body, b"\"public_key\"").is_some()
            || memchr::memmem::find(body, b"\"signature\"").is_some(),
        header: RecordHeader::parse(body)
            .map(|h| (h.seq, h.prev_hash_bytes()))
            .map_err(|e| e.to_string()),
    }
}

/// Verifies the whole committed log. `progress` is called with the number
/// of records checked so far, after each chunk.
pub fn verify_log(backend: &dyn LogBackend, progress: impl FnMut(u64)) -> Result<VerifyReport, VerifyFailure> {
    verify_log_at(backend, &[], progress).map(|(report, _)| report)
}

/// What [`verify_ledger`] saw: the log, and its stored checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerReport {
    pub log: VerifyReport,
    pub checkpoints: CheckpointsReport,
}

/// Verifies the log as [`verify_log`] does, then every stored checkpoint:
/// its signature under one of `keys` (the ledger's key, then former keys),
/// its `origin`, its root against the root recomputed from the records
/// during the same pass, and a consistency proof from the checkpoint
/// before it.
pub fn verify_ledger(
    backend: &dyn LogBackend,
    keys: &[VerifierKey],
    origin: &str,
    progress: impl FnMut(u64),
) -> Result<LedgerReport, VerifyFailure> {
    let stored = checkpoints::list(backend).map_err(from_store)?;
    let sizes: Vec<u64> = stored.iter().map(|c| c.size).collect();
    let (log, roots) = verify_log_at(backend, &sizes, progress)?;
    let tree = StoredTree::new(backend);
    let checkpoints = checkpoints::check(&stored, &roots, keys, origin, log.records, &tree)?;
    Ok(LedgerReport { log, checkpoints })
}

/// [`verify_log`], also returning the roots of the trees of `sizes` leaves
/// (those not beyond the log), recomputed from the records as they are read.
pub fn verify_log_at(
    backend: &dyn LogBackend,
    sizes: &[u64],
    mut progress: impl FnMut(u64),
) -> Result<(VerifyReport, BTreeMap<u64, Hash>), VerifyFailure> {
    let mut wanted: Vec<u64> = sizes.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut wanted = wanted.into_iter().peekable();
    let mut roots = BTreeMap::new();
    if wanted.next_if_eq(&0).is_some() {
        roots.insert(0, empty_root());
    }
    const CHUNK: usize = 32 * 1024;
    let head = backend.head().map_err(from_store)?;
    let mut prev = ZERO_HASH;
    let mut expected_seq = 0u64;
    let mut frontier = Frontier::new();
    let mut node_iters: Vec<_> = (0..64).map(|level| backend.scan_nodes(level, 0).peekable()).collect();
    let mut nodes_checked = 0u64;
    let mut keyed = 0u64;
    let min_level = backend.min_stored_level();
    let mut iter = backend.scan(0, head.len);
    loop {
        let chunk: Vec<StoredRecord> = iter
            .by_ref()
            .take(CHUNK)
            .collect::<Result<_, _>>()
            .map_err(from_store)?;
        if chunk.is_empty() {
            break;
        }
        let checked: Vec<Checked> = chunk.par_iter().map(check_one).collect();
        for c in checked {
            let at = Some(c.seq);
            if c.seq != expected_seq {
                return Err(fail(Some(expected_seq), "is missing from the log"));
            }
            let stored = c
                .stored
                .ok_or_else(|| fail(at, "the stored value is too short to hold a hash"))?;
            if stored != c.computed {
                return Err(fail(
                    at,
                    format!(
                        "its content does not match its hash: stored {}, recomputed {}",
                        hex::encode(stored),
                        hex::encode(c.computed)
                    ),
                ));
            }
            let (body_seq, body_prev) = c
                .header
                .map_err(|e| fail(at, format!("the stored record is not valid: {e}")))?;
            if body_seq != c.seq {
                return Err(fail(
                    at,
                    format!("it is stored at position {} but says seq {body_seq}", c.seq),
                ));
            }
            match body_prev {
                Some(p) if p == prev => {}
                Some(p) => {
                    return Err(fail(
                        at,
                        format!(
                            "prev_hash {} is not the hash of the record before it ({})",
                            hex::encode(p),
                            hex::encode(prev)
                        ),
                    ))
                }
                None => return Err(fail(at, "prev_hash is not 64 hex digits")),
            }
            for (level, index, hash) in frontier.push(&stored) {
                if level < min_level {
                    continue;
                }
                let it = &mut node_iters[level as usize];
                match it.next() {
                    Some(Ok((i, h))) if i == index && h == hash => nodes_checked += 1,
                    Some(Ok((i, _))) if i == index => {
                        return Err(fail(
                            at,
                            format!("the stored Merkle node at level {level}, index {index} is wrong"),
                        ))
                    }
                    Some(Err(e)) => return Err(from_store(e)),
                    _ => {
                        return Err(fail(
                            at,
                            format!("the Merkle node at level {level}, index {index} is missing or out of place"),
                        ))
                    }
                }
            }
            prev = stored;
            expected_seq += 1;
            keyed += u64::from(c.keyed);
            if wanted.next_if_eq(&expected_seq).is_some() {
                roots.insert(expected_seq, frontier.root());
            }
        }
        progress(expected_seq);
    }
    if expected_seq != head.len {
        return Err(fail(Some(expected_seq), "is missing from the log"));
    }
    if head.len > 0 && head.hash != prev {
        return Err(fail(
            None,
            format!(
                "the committed head names hash {} but the last record's hash is {}",
                hex::encode(head.hash),
                hex::encode(prev)
            ),
        ));
    }
    Ok((
        VerifyReport {
            records: head.len,
            head_hash: prev,
            root: frontier.root(),
            tree_nodes_checked: nodes_checked,
            records_with_keys_or_signatures: keyed,
        },
        roots,
    ))
}
