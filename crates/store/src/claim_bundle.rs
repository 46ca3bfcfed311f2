//! Claim bundles: the evidence for one claim (contract 3.6), in a file a
//! reader checks offline (`pledger claim TARGET --bundle OUT`, `pledger
//! verify-bundle`). The format is written down in `docs/proofs.md`; in short,
//! the lines of an export bundle ([`crate::bundle`]) with a header of its
//! own:
//!
//! ```text
//! {"pledger_bundle":1,"kind":"claim","origin":...,"key":...,"target_id":...,
//!  "claim":...,"verdict":...,"reason":...,"records":N}         <- header (one line)
//! {"checkpoint":"<signed note text>"}                          <- the one checkpoint
//! {"seq":5,"recorded_at":...,"prev_hash":...,"event":{...},"hash":...}   <- a deciding record
//! {"inclusion":{"seq":5,"size":...,"record_hash":...,"root":...,"path":[...]}}  <- its proof
//! ...                                                          <- N (record, proof) pairs
//! ```
//!
//! Records are in increasing seq order (not contiguous), every one inside
//! the checkpoint's tree, each followed by its contract 1.3 inclusion proof
//! against the checkpoint's root. As for exports, every line must be in the
//! one canonical spelling pledger writes.
//!
//! This module checks everything that needs no read model: the form of
//! every line, each record's hash (contract 1.2), the checkpoint's
//! signature, and each proof against the checkpoint's root. Whether the
//! header's verdict follows from the records is a question for the views
//! (`pledger_views`), which this crate does not know: the command line
//! re-derives it from [`ClaimReport::records`].

use crate::backend::LogBackend;
use crate::bundle::{header_key, invalid, read_header, read_line, BundleError, CheckpointLine, RecordLine};
use crate::checkpoints::{self, Signed};
use crate::error::StoreError;
use ed25519_dalek::SigningKey;
use pledger_core::checkpoint::{open_checkpoint, Checkpoint, VerifierKey};
use pledger_core::merkle::{Hash, ProofError};
use pledger_core::proof::{parse_hash, InclusionProof};
use pledger_core::record::Record;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::{BufRead, Write};

/// `kind` of a claim bundle.
pub const KIND_CLAIM: &str = "claim";
/// The verdicts a claim bundle may carry (contract 3.6).
pub const VERDICTS: [&str; 3] = ["supported", "contradicted", "unsupported"];

/// The first line of a claim bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimHeader {
    /// Format version: 1.
    pub pledger_bundle: u32,
    /// `claim`.
    pub kind: String,
    /// The ledger's checkpoint origin, also its key name.
    pub origin: String,
    /// The verifier key that signed the checkpoint.
    pub key: String,
    /// The target the claim is about.
    pub target_id: String,
    /// The statement judged, in words: `target T was met`.
    pub claim: String,
    /// `supported`, `contradicted` or `unsupported`.
    pub verdict: String,
    /// pledger's one sentence saying why.
    pub reason: String,
    /// Number of (record, inclusion proof) pairs.
    pub records: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InclusionLine {
    inclusion: InclusionProof,
}

// ---------------------------------------------------------------- writing --

/// One deciding record, as stored, with its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub seq: u64,
    pub hash: Hash,
    /// The record exactly as `pledger log --format json` prints it, without
    /// the newline.
    pub line: String,
    pub proof: InclusionProof,
}

/// The checkpoint the evidence for records `seqs` is proven against: the
/// latest stored checkpoint when it covers every one of them, else a new
/// checkpoint of the whole log, signed and stored now (as `export` does).
/// Either way the note returned carries a signature by `key` (a latest
/// checkpoint signed only by a former key is co-signed).
pub fn covering_checkpoint(
    backend: &dyn LogBackend,
    seqs: &[u64],
    origin: &str,
    key: &SigningKey,
) -> Result<Signed, StoreError> {
    let needed = seqs.iter().max().map_or(0, |s| s + 1);
    let size = match checkpoints::latest(backend)? {
        Some(c) if c.size >= needed => c.size,
        _ => backend.head()?.len,
    };
    checkpoints::sign(backend, size, origin, key)
}

/// The evidence of a claim: a checkpoint covering `seqs` (see
/// [`covering_checkpoint`]) and each record with its inclusion proof,
/// checked to lead to that checkpoint's root. A proof that does not says
/// the stored tree is damaged.
pub fn proven_evidence(
    backend: &dyn LogBackend,
    seqs: &[u64],
    origin: &str,
    key: &SigningKey,
) -> Result<(Signed, Vec<Evidence>), StoreError> {
    let signed = covering_checkpoint(backend, seqs, origin, key)?;
    let items = evidence(backend, seqs, signed.checkpoint.size)?;
    if let Some(e) = items.iter().find(|e| e.proof.root != signed.checkpoint.root) {
        return Err(StoreError::Corrupt(format!(
            "the stored tree disagrees with the checkpoint of size {} at record {}",
            signed.checkpoint.size, e.seq
        )));
    }
    Ok((signed, items))
}

/// Each record of `seqs` as stored, with its inclusion proof in the tree of
/// `size` records.
pub fn evidence(backend: &dyn LogBackend, seqs: &[u64], size: u64) -> Result<Vec<Evidence>, StoreError> {
    let tree = crate::tree::StoredTree::new(backend);
    let mut out = Vec::with_capacity(seqs.len());
    for &seq in seqs {
        if seq >= size {
            return Err(StoreError::Backend(format!(
                "record {seq} is not in the tree of the checkpoint ({size} records)"
            )));
        }
        let stored = backend
            .get(seq)?
            .ok_or_else(|| StoreError::Corrupt(format!("record {seq} is missing")))?;
        let hash = stored
            .hash()
            .ok_or_else(|| StoreError::Corrupt(format!("record {seq} is truncated")))?;
        let mut line = Vec::with_capacity(1024);
        Record::write_json_line(stored.body(), &hash, &mut line)
            .map_err(|e| StoreError::Corrupt(format!("record {seq}: {e}")))?;
        line.pop();
        let line = String::from_utf8(line).map_err(|_| StoreError::Corrupt(format!("record {seq} is not UTF-8")))?;
        let proof = InclusionProof::build(seq, size, hash, &tree).map_err(|e| match e {
            ProofError::Nodes(s) => s,
            other => StoreError::Backend(other.to_string()),
        })?;
        out.push(Evidence { seq, hash, line, proof });
    }
    Ok(out)
}

/// Writes a claim bundle: `header` (its `records` must count `evidence`),
/// the checkpoint `note` the proofs are against, then each record and its
/// proof.
pub fn write_claim_bundle(
    header: &ClaimHeader,
    note: &str,
    evidence: &[Evidence],
    out: &mut dyn Write,
) -> Result<(), StoreError> {
    if header.records != evidence.len() as u64 {
        return Err(StoreError::Backend(format!(
            "the claim header counts {} records, {} given",
            header.records,
            evidence.len()
        )));
    }
    let json = |e: serde_json::Error| StoreError::Backend(e.to_string());
    serde_json::to_writer(&mut *out, header).map_err(json)?;
    out.write_all(b"\n")?;
    serde_json::to_writer(
        &mut *out,
        &CheckpointLine {
            checkpoint: note.to_string(),
        },
    )
    .map_err(json)?;
    out.write_all(b"\n")?;
    for e in evidence {
        out.write_all(e.line.as_bytes())?;
        out.write_all(b"\n")?;
        serde_json::to_writer(
            &mut *out,
            &InclusionLine {
                inclusion: e.proof.clone(),
            },
        )
        .map_err(json)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

// ------------------------------------------------------------- verifying --

/// A record of a claim bundle whose hash was recomputed and whose inclusion
/// proof verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    /// Line number of the record (1-based).
    pub line: u64,
    pub seq: u64,
    pub hash: Hash,
    /// The record's event, as parsed from the line.
    pub event: Value,
}

/// What [`verify_claim_bundle`] found, when everything held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimReport {
    pub header: ClaimHeader,
    /// The checkpoint every proof was checked against.
    pub checkpoint: Checkpoint,
    /// The key whose signature on the checkpoint verified.
    pub signer: VerifierKey,
    /// The checkpoint's note, with any witness cosignatures.
    pub note: pledger_core::checkpoint::SignedNote,
    /// True when the signature was checked against keys the caller gave.
    pub keys_pinned: bool,
    /// The records, in seq order.
    pub records: Vec<ClaimRecord>,
}

/// Reads the first line of a bundle and returns its `kind` (for dispatch),
/// or `None` when the line is not a JSON object naming one.
pub fn peek_kind<R: BufRead>(mut input: R) -> Result<Option<String>, BundleError> {
    let mut buf = Vec::new();
    let mut line = 0;
    if !read_line(&mut input, &mut buf, &mut line)? {
        return Ok(None);
    }
    Ok(serde_json::from_slice::<Value>(&buf)
        .ok()
        .and_then(|v| v.get("kind").and_then(Value::as_str).map(str::to_string)))
}

/// Verifies a claim bundle offline: every line's canonical form; the
/// header's key (canonical, named for the origin) and verdict (one of
/// [`VERDICTS`]); the checkpoint's signature under `pinned` keys when
/// given, else under the header's key; each record's hash recomputed from
/// its content (contract 1.2), seqs increasing and inside the checkpoint's
/// tree, its event about the header's target; and each inclusion proof for
/// that record against the checkpoint's root. Does not judge the verdict:
/// re-derive it from [`ClaimReport::records`].
pub fn verify_claim_bundle<R: BufRead>(mut input: R, pinned: &[VerifierKey]) -> Result<ClaimReport, BundleError> {
    let mut buf = Vec::with_capacity(4096);
    let mut line = 0u64;
    let header: ClaimHeader = read_header(&mut input, &mut buf, &mut line, "claim header", |_| Ok(()))?;
    let at = Some(1);
    if header.kind != KIND_CLAIM {
        return Err(invalid(at, format!("kind {:?} is not a claim bundle", header.kind)));
    }
    if !VERDICTS.contains(&header.verdict.as_str()) {
        return Err(invalid(
            at,
            format!("the verdict {:?} is none of {}", header.verdict, VERDICTS.join(", ")),
        ));
    }
    let own = header_key(&header.key, &header.origin)?;
    if header.records == 0 {
        return Err(invalid(
            at,
            "a claim bundle holds at least one record (the target's assignment)",
        ));
    }

    // The checkpoint.
    if !read_line(&mut input, &mut buf, &mut line)? {
        return Err(invalid(
            None,
            "the bundle ends after its header: it holds no checkpoint",
        ));
    }
    let at = Some(line);
    let text = std::str::from_utf8(&buf).map_err(|_| invalid(at, "the line is not UTF-8"))?;
    let c: CheckpointLine =
        serde_json::from_str(text).map_err(|e| invalid(at, format!("expected the checkpoint line ({e})")))?;
    if serde_json::to_string(&c).ok().as_deref() != Some(text) {
        return Err(invalid(
            at,
            "the checkpoint line is not in canonical form (it was changed)",
        ));
    }
    let keys: Vec<VerifierKey> = if pinned.is_empty() { vec![own] } else { pinned.to_vec() };
    let opened = open_checkpoint(c.checkpoint.as_bytes(), &keys, &header.origin)
        .map_err(|e| invalid(at, format!("checkpoint: {e}")))?;
    let cp = opened.checkpoint;

    // The (record, proof) pairs.
    let mut records: Vec<ClaimRecord> = Vec::with_capacity(header.records as usize);
    while (records.len() as u64) < header.records {
        let n = records.len() as u64 + 1;
        if !read_line(&mut input, &mut buf, &mut line)? {
            return Err(invalid(
                None,
                format!(
                    "the bundle ends after {} record(s); its header announces {}: it is truncated",
                    n - 1,
                    header.records
                ),
            ));
        }
        let at = Some(line);
        let text = std::str::from_utf8(&buf).map_err(|_| invalid(at, "the line is not UTF-8"))?;
        let rl: RecordLine =
            serde_json::from_str(text).map_err(|e| invalid(at, format!("expected record {n} of the claim ({e})")))?;
        let seq = rl.seq;
        let rec_fail = |what: String| invalid(at, format!("record {seq}: {what}"));
        if let Some(p) = records.last() {
            if seq <= p.seq {
                return Err(rec_fail(format!("it comes after record {}: seqs must increase", p.seq)));
            }
        }
        if seq >= cp.size {
            return Err(rec_fail(format!(
                "it is not in the checkpoint's tree of {} records",
                cp.size
            )));
        }
        parse_hash(&rl.prev_hash).map_err(|e| rec_fail(format!("prev_hash: {e}")))?;
        let (stated, _body) = rl.check(&buf).map_err(rec_fail)?;
        let about = rl
            .event
            .get("data")
            .and_then(|d| d.get("target_id"))
            .and_then(Value::as_str);
        if about != Some(header.target_id.as_str()) {
            return Err(rec_fail(format!(
                "its event is not about target {:?}, the target the claim names",
                header.target_id
            )));
        }
        let record_line = line;

        // Its inclusion proof.
        if !read_line(&mut input, &mut buf, &mut line)? {
            return Err(invalid(
                None,
                format!("the bundle ends after record {seq}, before its inclusion proof: it is truncated"),
            ));
        }
        let at = Some(line);
        let fail = |what: String| invalid(at, format!("inclusion proof of record {seq}: {what}"));
        let text = std::str::from_utf8(&buf).map_err(|_| fail("the line is not UTF-8".into()))?;
        let p: InclusionLine = serde_json::from_str(text).map_err(|e| fail(format!("expected one ({e})")))?;
        if serde_json::to_string(&p).ok().as_deref() != Some(text) {
            return Err(fail("the line is not in canonical form (it was changed)".into()));
        }
        let p = p.inclusion;
        if p.seq != seq {
            return Err(fail(format!("it proves record {} instead", p.seq)));
        }
        if p.record_hash != stated {
            return Err(fail(format!(
                "its record_hash {} is not the record's hash {}",
                hex::encode(p.record_hash),
                rl.hash
            )));
        }
        if p.size != cp.size || p.root != cp.root {
            return Err(fail(format!(
                "it is against the tree of size {} and root {}, not the checkpoint's ({} records, root {})",
                p.size,
                hex::encode(p.root),
                cp.size,
                hex::encode(cp.root)
            )));
        }
        p.verify()
            .map_err(|e| fail(format!("it does not verify against the checkpoint's root: {e}")))?;
        records.push(ClaimRecord {
            line: record_line,
            seq,
            hash: stated,
            event: rl.event,
        });
    }
    if read_line(&mut input, &mut buf, &mut line)? {
        return Err(invalid(
            Some(line),
            format!(
                "unexpected line after the {} record(s) the header announces",
                header.records
            ),
        ));
    }
    Ok(ClaimReport {
        header,
        checkpoint: cp,
        signer: opened.key,
        note: opened.note,
        keys_pinned: !pinned.is_empty(),
        records,
    })
}
