//! `pledger verify-bundle FILE [--key KEY]...`: check an export offline,
//! with no data directory: every line's form, every record's hash and link,
//! the Merkle tree, every checkpoint's signature and root, and a consistency
//! proof between successive checkpoints. Exit 1 naming what failed.
//!
//! A claim bundle (`pledger claim TARGET --bundle OUT`) is recognised by
//! its header's `kind` and checked by [`run_claim`]: each record's hash,
//! each inclusion proof against the checkpoint's root, the checkpoint's
//! signature, and the verdict re-derived from the bundled records.
//!
//! With `--witness KEY ... [--quorum K]`, the bundle's checkpoint (an
//! export's latest, a claim's own) must also carry valid cosignatures from
//! K of those witnesses (all of them without `--quorum`), or exit 1
//! (docs/format.md section 6, docs/witness.md).
//!
//! Without `--key`, signatures are checked against the key the bundle
//! itself names, which proves the bundle consistent with itself; compare
//! that key with the one the ledger publishes (`pledger key`), or pass it
//! with `--key` to have it compared.

use crate::{Failure, Format};
use pledger_core::checkpoint::{SignedNote, VerifierKey};
use pledger_core::cosignature::{check_quorum, CosignerKey};
use pledger_store::bundle::{verify_bundle, BundleError};
use pledger_store::claim_bundle::{peek_kind, verify_claim_bundle, ClaimReport, KIND_CLAIM};
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

/// The JSON answer of `pledger claim --format json`, turned into the claim
/// bundle it is equivalent to, so `claim > c.json; verify-bundle c.json`
/// checks the same things as a `--bundle` file. `None` when the file is not
/// such an answer.
fn claim_answer_as_bundle(file: &Path) -> Option<Vec<u8>> {
    use pledger_core::proof::InclusionProof;
    use pledger_store::claim_bundle::{write_claim_bundle, ClaimHeader, Evidence};
    use serde_json::value::RawValue;
    #[derive(serde::Deserialize)]
    struct Item<'a> {
        seq: u64,
        #[serde(borrow)]
        record: &'a RawValue,
        inclusion: InclusionProof,
    }
    #[derive(serde::Deserialize)]
    struct Proofs<'a> {
        checkpoint: String,
        key: String,
        #[serde(borrow)]
        records: Vec<Item<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Answer<'a> {
        target_id: String,
        claim: String,
        verdict: String,
        reason: String,
        #[serde(borrow)]
        evidence: Proofs<'a>,
    }
    let text = std::fs::read_to_string(file).ok()?;
    let answer: Answer = serde_json::from_str(text.trim()).ok()?;
    let origin = answer.evidence.checkpoint.lines().next()?.to_string();
    let evidence: Vec<Evidence> = answer
        .evidence
        .records
        .into_iter()
        .map(|i| Evidence {
            seq: i.seq,
            hash: i.inclusion.record_hash,
            line: i.record.get().to_string(),
            proof: i.inclusion,
        })
        .collect();
    let header = ClaimHeader {
        pledger_bundle: 1,
        kind: KIND_CLAIM.to_string(),
        origin,
        key: answer.evidence.key,
        target_id: answer.target_id,
        claim: answer.claim,
        verdict: answer.verdict,
        reason: answer.reason,
        records: evidence.len() as u64,
    };
    let mut out = Vec::new();
    write_claim_bundle(&header, &answer.evidence.checkpoint, &evidence, &mut out).ok()?;
    Some(out)
}

/// `--witness KEY ... --quorum K`: K of these witnesses must have validly
/// cosigned the bundle's checkpoint (docs/format.md section 6).
pub struct Policy {
    keys: Vec<CosignerKey>,
    quorum: usize,
}

impl Policy {
    pub fn parse(witnesses: &[String], quorum: Option<usize>) -> Result<Option<Policy>, Failure> {
        if witnesses.is_empty() {
            return Ok(None);
        }
        let keys = witnesses
            .iter()
            .map(|k| CosignerKey::parse(k).map_err(|e| Failure::Input(format!("--witness {k:?}: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let quorum = quorum.unwrap_or(keys.len());
        if quorum > keys.len() {
            return Err(Failure::Input(format!(
                "--quorum {quorum} is more than the {} witness key(s) given",
                keys.len()
            )));
        }
        Ok(Some(Policy { keys, quorum }))
    }

    /// Checks the checkpoint note; the JSON of who cosigned, or what is
    /// missing.
    pub fn check(&self, note: Option<&SignedNote>) -> Result<serde_json::Value, String> {
        let note = note.ok_or("the bundle holds no checkpoint for witnesses to have cosigned")?;
        let found = check_quorum(note, &self.keys, self.quorum).map_err(|e| e.to_string())?;
        Ok(serde_json::json!({
            "required": self.quorum,
            "named": self.keys.len(),
            "cosigned": found.iter().map(|c| serde_json::json!({
                "name": c.key.name(), "key": c.key.to_string(), "timestamp": c.timestamp,
            })).collect::<Vec<_>>(),
        }))
    }
}

fn print_witnesses(w: &serde_json::Value) {
    let names: Vec<String> = w["cosigned"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| format!("{} (time {})", c["name"].as_str().unwrap_or(""), c["timestamp"]))
                .collect()
        })
        .unwrap_or_default();
    println!(
        "witnesses: {} of the {} named cosigned the checkpoint ({}); the policy requires {}",
        names.len(),
        w["named"],
        names.join(", "),
        w["required"]
    );
}

pub fn run(
    file: &Path,
    keys: &[String],
    witnesses: &[String],
    quorum: Option<usize>,
    format: Format,
) -> Result<(), Failure> {
    let pinned = keys
        .iter()
        .map(|k| VerifierKey::parse(k).map_err(|e| Failure::Input(format!("--key {k:?}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let policy = Policy::parse(witnesses, quorum)?;
    let policy = policy.as_ref();
    if let Some(bundle) = claim_answer_as_bundle(file) {
        return run_claim(file, std::io::Cursor::new(bundle), &pinned, policy, format);
    }
    let f = File::open(file).map_err(|e| Failure::Input(format!("cannot read {}: {e}", file.display())))?;
    let mut input = BufReader::with_capacity(1 << 20, f);
    let kind = match peek_kind(&mut input) {
        Ok(k) => k,
        Err(BundleError::Io(e)) => return Err(Failure::Input(format!("cannot read {}: {e}", file.display()))),
        Err(_) => None,
    };
    input
        .seek(SeekFrom::Start(0))
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", file.display())))?;
    if kind.as_deref() == Some(KIND_CLAIM) {
        return run_claim(file, input, &pinned, policy, format);
    }
    let report = match verify_bundle(input, &pinned) {
        Ok(r) => r,
        Err(BundleError::Io(e)) => return Err(Failure::Input(format!("cannot read {}: {e}", file.display()))),
        Err(e) => {
            if format == Format::Json {
                println!("{}", serde_json::json!({"ok": false, "error": e.to_string()}));
            }
            return Err(Failure::Check(format!(
                "bundle {} FAILED verification: {e}",
                file.display()
            )));
        }
    };
    let latest = report.checkpoints.last().map(|(c, _)| c.size).unwrap_or(0);
    let witnessed = match policy.map(|p| p.check(report.latest_note.as_ref())) {
        None => None,
        Some(Ok(w)) => Some(w),
        Some(Err(what)) => {
            return Err(failed(
                file,
                &format!("the latest checkpoint (size {latest}): {what}"),
                format,
            ))
        }
    };
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "ok": true,
                "kind": report.header.kind,
                "origin": report.header.origin,
                "records": report.records,
                "head_hash": hex::encode(report.head_hash),
                "root": hex::encode(report.root),
                "checkpoints": report.checkpoints.iter().map(|(c, k)| serde_json::json!({
                    "size": c.size, "root": hex::encode(c.root), "key": k.to_string(),
                })).collect::<Vec<_>>(),
                "consistency_proofs": report.consistency_proofs,
                "keys_pinned": report.keys_pinned,
                "unsigned_records": report.unsigned_records(),
                "witnesses": witnessed,
            })
        ),
        _ => {
            println!(
                "ok: {} records of {} verified (hashes, chain, Merkle tree); head {}; root {}",
                report.records,
                report.header.origin,
                hex::encode(report.head_hash),
                hex::encode(report.root)
            );
            println!(
                "{} signed checkpoint(s) verified, the latest of size {latest}; {} consistency proof(s) between successive checkpoints verified",
                report.checkpoints.len(),
                report.consistency_proofs
            );
            let mut signers: Vec<String> = report.checkpoints.iter().map(|(_, k)| k.to_string()).collect();
            signers.dedup();
            if report.keys_pinned {
                println!("signatures checked against the key(s) you gave: {}", signers.join(", "));
            } else {
                println!(
                    "signatures checked against the key the bundle names: {}\n  compare it with the ledger's published key (`pledger key`), or pass it with --key",
                    signers.join(", ")
                );
            }
            if let Some(w) = &witnessed {
                print_witnesses(w);
            }
            if report.unsigned_records() > 0 {
                println!(
                    "warning: the last {} record(s) are not covered by any checkpoint: nothing signs them",
                    report.unsigned_records()
                );
            }
        }
    }
    Ok(())
}

/// Prints a failed check (as JSON too when asked) and returns exit 1.
fn failed(file: &Path, what: &str, format: Format) -> Failure {
    if format == Format::Json {
        println!("{}", serde_json::json!({"ok": false, "error": what}));
    }
    Failure::Check(format!("bundle {} FAILED verification: {what}", file.display()))
}

/// Checks a claim bundle: everything [`verify_claim_bundle`] checks, then
/// the verdict, reason and deciding records re-derived from the bundled
/// records alone (`pledger_views::targets::claim_from_records`), which
/// must equal the header's.
fn run_claim(
    file: &Path,
    input: impl BufRead,
    pinned: &[VerifierKey],
    policy: Option<&Policy>,
    format: Format,
) -> Result<(), Failure> {
    let report = match verify_claim_bundle(input, pinned) {
        Ok(r) => r,
        Err(BundleError::Io(e)) => return Err(Failure::Input(format!("cannot read {}: {e}", file.display()))),
        Err(e) => return Err(failed(file, &e.to_string(), format)),
    };
    if let Err(what) = rederive(&report) {
        return Err(failed(file, &what, format));
    }
    let witnessed = match policy.map(|p| p.check(Some(&report.note))) {
        None => None,
        Some(Ok(w)) => Some(w),
        Some(Err(what)) => {
            return Err(failed(
                file,
                &format!("the checkpoint (size {}): {what}", report.checkpoint.size),
                format,
            ))
        }
    };
    let h = &report.header;
    let cp = &report.checkpoint;
    let seqs: Vec<u64> = report.records.iter().map(|r| r.seq).collect();
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "ok": true,
                "kind": h.kind,
                "origin": h.origin,
                "target_id": h.target_id,
                "claim": h.claim,
                "verdict": h.verdict,
                "reason": h.reason,
                "records": seqs,
                "checkpoint": {"size": cp.size, "root": hex::encode(cp.root), "key": report.signer.to_string()},
                "inclusion_proofs": seqs.len(),
                "keys_pinned": report.keys_pinned,
                "witnesses": witnessed,
            })
        ),
        _ => {
            println!("ok: claim bundle of {}: \"{}\" is {}", h.origin, h.claim, h.verdict);
            println!(
                "why (pledger's reading, re-derived from the bundled records): {}",
                h.reason
            );
            println!(
                "{} record(s) {:?}: hashes recomputed, each proven included in the checkpoint of size {} (root {})",
                seqs.len(),
                seqs,
                cp.size,
                hex::encode(cp.root)
            );
            if report.keys_pinned {
                println!(
                    "the checkpoint's signature verified under the key you gave: {}",
                    report.signer
                );
            } else {
                println!(
                    "the checkpoint's signature verified under the key the bundle names: {}\n  compare it with the ledger's published key (`pledger key`), or pass it with --key",
                    report.signer
                );
            }
            if let Some(w) = &witnessed {
                print_witnesses(w);
            }
            println!(
                "note: the bundle proves these records are in the log; it cannot prove that no other record (a later verification, a void) exists"
            );
        }
    }
    Ok(())
}

/// The verdict judged from the bundled records alone must be the header's.
fn rederive(report: &ClaimReport) -> Result<(), String> {
    let h = &report.header;
    let mut events = Vec::with_capacity(report.records.len());
    for r in &report.records {
        let e = pledger_core::Event::parse(&r.event)
            .map_err(|e| format!("line {}: record {}: its event is not valid: {e}", r.line, r.seq))?;
        events.push((r.seq, e));
    }
    let seqs: Vec<u64> = report.records.iter().map(|r| r.seq).collect();
    let v = pledger_views::targets::claim_from_records(&h.target_id, events)
        .ok_or_else(|| format!("the bundled records do not assign target {:?}", h.target_id))?;
    let mut differs = Vec::new();
    if v.claim != h.claim {
        differs.push(format!("the claim is {:?}, not {:?}", v.claim, h.claim));
    }
    if v.verdict.as_str() != h.verdict {
        differs.push(format!("the verdict is {}, not {}", v.verdict.as_str(), h.verdict));
    }
    if v.reason != h.reason {
        differs.push(format!("the reason is {:?}, not {:?}", v.reason, h.reason));
    }
    if v.deciding_seqs != seqs {
        differs.push(format!(
            "the deciding records are {:?}, not the bundled {:?}",
            v.deciding_seqs, seqs
        ));
    }
    if differs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "line 1: the header does not follow from the bundled records: judged from them, {}",
            differs.join("; ")
        ))
    }
}
