//! `pledger claim TARGET_ID [--bundle OUT] [--witness KEY ... --quorum K]`: is "target T was met"
//! supported by the evidence? Exit 1 when the records contradict it
//! (format 3.6).
//!
//! The answer carries its evidence: each deciding record as stored, with
//! an inclusion proof (format 1.3) against a signed checkpoint, and the
//! checkpoint's note, so it can be checked offline. The checkpoint is the
//! latest stored one when it covers every deciding record; otherwise (no
//! checkpoint yet, or deciding records after it) a checkpoint of the whole
//! log is signed and stored first, as `export` does. `--bundle OUT` writes
//! the same evidence as a claim bundle (docs/proofs.md) that `pledger
//! verify-bundle` checks.

use crate::commands::report::{write_sheets, Sink};
use crate::{Failure, Format};
use pledger_sheets::Sheet;
use pledger_store::bundle::BUNDLE_FORMAT;
use pledger_store::claim_bundle::{proven_evidence, write_claim_bundle, ClaimHeader, Evidence, KIND_CLAIM};
use pledger_views::targets::{claim_from_records, Verdict};
use pledger_views::{Lang, Scope};
use serde_json::value::RawValue;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Where the answer goes besides standard output, and what its evidence
/// must carry.
pub struct Outputs<'a> {
    /// `--bundle OUT`: the evidence as a claim bundle.
    pub bundle: Option<&'a Path>,
    /// `--out FILE` (with `--format csv|xlsx`).
    pub out: Option<&'a Path>,
    /// `--witness KEY ... --quorum K`: the cosignatures the evidence's
    /// checkpoint must carry.
    pub policy: Option<&'a crate::commands::verify_bundle::Policy>,
}

pub fn run(
    data: &Path,
    target: &str,
    scope: Scope,
    format: Format,
    lang: Lang,
    outputs: Outputs<'_>,
) -> Result<(), Failure> {
    let Outputs { bundle, out, policy } = outputs;
    if out.is_some() && !matches!(format, Format::Csv | Format::Xlsx) {
        return Err(Failure::Input(
            "claim --out goes with --format csv or xlsx (the evidence with its proofs: --format json, or --bundle FILE)".into(),
        ));
    }
    let sink = Sink::new(out, format)?;
    let (dir, backend) = crate::commands::open_backend(data)?;
    let len = backend.head()?.len;
    let facts = crate::commands::report::load_facts(data, backend.as_ref(), len, scope)?;
    let now = match scope.as_of {
        Some(d) => d,
        None => crate::commands::report::today()?,
    };
    let verdict = pledger_views::targets::claim(&facts, target, now)
        .ok_or_else(|| Failure::Input(format!("no target {target:?} is recorded in this ledger")))?;
    let contradicted = verdict.verdict == Verdict::Contradicted;

    // The evidence: a checkpoint covering every deciding record, and each
    // record with its inclusion proof against it.
    let key = dir.signing_key()?;
    let (signed, items) =
        proven_evidence(backend.as_ref(), &verdict.deciding_seqs, &dir.config.origin, &key).map_err(|e| match e {
            pledger_store::StoreError::Corrupt(m) => Failure::Check(format!("{m}; run `pledger verify`")),
            other => other.into(),
        })?;
    let note = signed.text();
    let own = dir.verifier_key()?;
    // A witness policy (docs/witness.md): the evidence is only worth giving
    // when its checkpoint carries the cosignatures asked for.
    if let Some(p) = policy {
        p.check(Some(&signed.note)).map_err(|what| {
            Failure::Check(format!(
                "the checkpoint of size {} the evidence is proven against: {what}; no bundle written",
                signed.checkpoint.size
            ))
        })?;
    }

    if let Some(out) = bundle {
        // The bundle is re-checked by re-deriving the verdict from its
        // records alone; make sure that holds before writing it.
        let events = items
            .iter()
            .map(|e| {
                let record: serde_json::Value = serde_json::from_str(&e.line)?;
                Ok((e.seq, pledger_core::Event::parse(&record["event"])?))
            })
            .collect::<Result<Vec<_>, Failure>>()?;
        let again = claim_from_records(target, events);
        if again.as_ref().map(|a| (a.verdict, &a.reason, &a.deciding_seqs))
            != Some((verdict.verdict, &verdict.reason, &verdict.deciding_seqs))
        {
            return Err(Failure::Input(format!(
                "internal error: the verdict on target {target} does not follow from its deciding records alone; no bundle written"
            )));
        }
        let header = ClaimHeader {
            pledger_bundle: BUNDLE_FORMAT,
            kind: KIND_CLAIM.into(),
            origin: own.name().to_string(),
            key: own.to_string(),
            target_id: verdict.target_id.clone(),
            claim: verdict.claim.clone(),
            verdict: verdict.verdict.as_str().into(),
            reason: verdict.reason.clone(),
            records: items.len() as u64,
        };
        write_atomically(out, |w| Ok(write_claim_bundle(&header, &note, &items, w)?))?;
    }

    match format {
        Format::Csv | Format::Xlsx => {
            let sheets = [
                pledger_sheets::claim(&verdict, &facts, now, lang),
                evidence_sheet(&items, signed.checkpoint.size, lang)?,
            ];
            let mut buf = Vec::new();
            write_sheets(&mut buf, &sheets, format, lang, now)?;
            sink.deliver(&buf)?;
        }
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Item<'a> {
                seq: u64,
                /// Byte for byte as stored (`log --format json`).
                record: &'a RawValue,
                inclusion: &'a pledger_core::proof::InclusionProof,
            }
            #[derive(serde::Serialize)]
            struct Evidence<'a> {
                checkpoint: &'a str,
                checkpoint_size: u64,
                checkpoint_root: String,
                key: String,
                signed_new_checkpoint: bool,
                records: Vec<Item<'a>>,
            }
            #[derive(serde::Serialize)]
            struct Answer<'a> {
                #[serde(flatten)]
                verdict: &'a pledger_views::targets::ClaimVerdict,
                judged_at: String,
                evidence: Evidence<'a>,
                #[serde(skip_serializing_if = "Option::is_none")]
                bundle: Option<String>,
            }
            let records = items
                .iter()
                .map(|e| {
                    Ok(Item {
                        seq: e.seq,
                        record: serde_json::from_str::<&RawValue>(&e.line)?,
                        inclusion: &e.proof,
                    })
                })
                .collect::<Result<Vec<_>, Failure>>()?;
            let answer = Answer {
                verdict: &verdict,
                judged_at: now.to_string(),
                evidence: Evidence {
                    checkpoint: &note,
                    checkpoint_size: signed.checkpoint.size,
                    checkpoint_root: hex::encode(signed.checkpoint.root),
                    key: own.to_string(),
                    signed_new_checkpoint: signed.new,
                    records,
                },
                bundle: bundle.map(|b| b.display().to_string()),
            };
            println!("{}", serde_json::to_string(&answer)?);
        }
        _ => {
            println!("claim: {}", verdict.claim);
            println!("verdict: {}", verdict.verdict.as_str());
            println!("status: {} (judged at {now})", verdict.status.as_str());
            println!("why: {}", verdict.reason);
            println!("deciding records: {:?}", verdict.deciding_seqs);
            println!();
            if signed.new {
                println!(
                    "signed and stored a checkpoint of the current tree ({} records) to prove them against",
                    signed.checkpoint.size
                );
            }
            println!(
                "evidence: each deciding record as stored, and its inclusion proof against this checkpoint (verifier key {own}):"
            );
            print!("{note}");
            for e in &items {
                println!();
                println!("record {}:", e.seq);
                println!("{}", e.line);
                println!("{}", serde_json::to_string(&e.proof)?);
            }
            if let Some(out) = bundle {
                println!();
                println!(
                    "wrote the claim bundle {}: check it offline with `pledger verify-bundle {}`",
                    out.display(),
                    out.display()
                );
            }
        }
    }
    if contradicted {
        return Err(Failure::Check(format!(
            "the claim that target {target} was met is contradicted by the ledger"
        )));
    }
    Ok(())
}

/// The deciding records as a table: seq, type, actor, date, record hash,
/// and the checkpoint their inclusion proofs are against (the proofs
/// themselves are in `--format json` and the bundle).
fn evidence_sheet(items: &[Evidence], checkpoint_size: u64, lang: Lang) -> Result<Sheet, Failure> {
    use pledger_sheets::{col, Cell, Kind};
    let cols = [
        col("seq", "记录序号", Kind::Int),
        col("type", "类型", Kind::Text),
        col("actor", "记录主体", Kind::Text),
        col("occurred_at", "发生时间", Kind::Text),
        col("hash", "记录哈希", Kind::Text),
        col("checkpoint_size", "检查点大小", Kind::Int),
    ];
    let mut s = Sheet::new(("evidence", "证据记录"), &cols, lang);
    for e in items {
        let record: serde_json::Value = serde_json::from_str(&e.line)?;
        let text = |v: &serde_json::Value| Cell::opt_text(v.as_str().map(str::to_string));
        s.push(vec![
            Cell::int(e.seq),
            text(&record["event"]["type"]),
            text(&record["event"]["actor"]),
            text(&record["event"]["occurred_at"]),
            text(&record["hash"]),
            Cell::int(checkpoint_size),
        ]);
    }
    Ok(s)
}

/// Writes `out` through a file beside it, renamed into place when complete.
fn write_atomically(out: &Path, f: impl FnOnce(&mut dyn Write) -> Result<(), Failure>) -> Result<(), Failure> {
    let name = out
        .file_name()
        .ok_or_else(|| Failure::Input(format!("--bundle {} names no file", out.display())))?;
    let tmp = out.with_file_name(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id()));
    let written = (|| -> Result<(), Failure> {
        let file = File::create(&tmp).map_err(|e| Failure::Input(format!("cannot write {}: {e}", tmp.display())))?;
        let mut w = BufWriter::new(file);
        f(&mut w)?;
        w.flush()?;
        let file = w.into_inner().map_err(|e| Failure::Input(e.to_string()))?;
        file.sync_all()?;
        std::fs::rename(&tmp, out).map_err(|e| Failure::Input(format!("cannot write {}: {e}", out.display())))?;
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
