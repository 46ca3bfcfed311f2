//! `pledger verify [--since CHECKPOINT_FILE]`: recheck every hash, link and
//! tree node, and every stored checkpoint (signature, root, consistency
//! with the one before). With `--since`, also prove that today's log
//! extends the checkpoint an auditor kept: its signature must verify under
//! this ledger's key and a consistency proof from its size to today's must
//! verify against its root. When it does not, history was rewritten.

use crate::{Failure, Format};
use indicatif::{ProgressBar, ProgressStyle};
use pledger_core::checkpoint::open_checkpoint;
use pledger_core::proof::ConsistencyProof;
use pledger_store::tree::StoredTree;
use pledger_store::LogBackend;
use std::io::IsTerminal;
use std::path::Path;

pub fn run(data: &Path, since: Option<&Path>, format: Format) -> Result<(), Failure> {
    // Read the kept checkpoint before anything else: a missing file is bad
    // input, not a failed check.
    let kept = since
        .map(|p| std::fs::read(p).map_err(|e| Failure::Input(format!("cannot read {}: {e}", p.display()))))
        .transpose()?;
    // A store, key or config too damaged to open is a failed check, not
    // bad input.
    let damaged = |f: Failure| match f {
        Failure::Input(mut m) if m.contains("damaged") => {
            // This is the verify the message advises running.
            if let Some(i) = m.find("; run `pledger verify`") {
                m.truncate(i);
            }
            if format == Format::Json {
                println!("{}", serde_json::json!({"ok": false, "seq": null, "error": m}));
            }
            Failure::Check(format!(
                "verify FAILED: {m}; restore from an export (docs/operations.md)"
            ))
        }
        other => other,
    };
    let (dir, backend) = crate::commands::open_backend(data).map_err(damaged)?;
    let (_own, keys) = crate::commands::checkpoint::ledger_keys(&dir, backend.as_ref()).map_err(damaged)?;
    let total = backend.head().map(|h| h.len).unwrap_or(0);
    let bar = if std::io::stderr().is_terminal() && total > 100_000 {
        let b = ProgressBar::new(total);
        b.set_style(
            ProgressStyle::with_template("verifying {bar:40} {pos}/{len} records {per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let result = pledger_store::verify_ledger(backend.as_ref(), &keys, &dir.config.origin, |n| bar.set_position(n));
    bar.finish_and_clear();
    let r = match result {
        Ok(r) => r,
        Err(f) => {
            if format == Format::Json {
                println!("{}", serde_json::json!({"ok": false, "seq": f.seq, "error": f.what}));
            }
            let hint = if f.what.contains("is not signed by") {
                "; every stored checkpoint is checked under the key in ledger.key and the origin in ledger.json: if either file was changed or replaced, put the original back from a backup, else restore from an export (docs/operations.md)"
            } else {
                "; restore from an export (docs/operations.md)"
            };
            return Err(Failure::Check(format!("verify FAILED: {f}{hint}")));
        }
    };
    // An insider holding the ledger key can recompute every hash and
    // checkpoint, but not the entities' signatures: when the log has any,
    // replay it through the registry, checking each signature against the
    // key its actor had at that point (and every rule of section 2).
    let signatures_checked = r.log.records_with_keys_or_signatures > 0;
    if signatures_checked {
        if let Err(e) = pledger_store::ledger::rebuild_registry(backend.as_ref(), r.log.records) {
            let m = e.detail();
            if format == Format::Json {
                println!("{}", serde_json::json!({"ok": false, "seq": null, "error": m}));
            }
            return Err(Failure::Check(format!(
                "verify FAILED: {m}; restore from an export (docs/operations.md)"
            )));
        }
    }
    let since_report = match (since, kept) {
        (Some(path), Some(bytes)) => match check_since(
            backend.as_ref(),
            &keys,
            &dir.config.origin,
            &bytes,
            r.log.records,
            r.log.root,
        ) {
            Ok(s) => Some(s),
            Err(why) => {
                if format == Format::Json {
                    println!(
                        "{}",
                        serde_json::json!({"ok": false, "seq": null, "error": why, "since": path.display().to_string()})
                    );
                }
                return Err(Failure::Check(format!(
                    "verify --since {} FAILED: {why}",
                    path.display()
                )));
            }
        },
        _ => None,
    };
    let latest = r.checkpoints.latest.as_ref().map(|c| c.size);
    match format {
        Format::Json => {
            let mut v = serde_json::json!({
                "ok": true,
                "records": r.log.records,
                "head_hash": hex::encode(r.log.head_hash),
                "root": hex::encode(r.log.root),
                "tree_nodes_checked": r.log.tree_nodes_checked,
                "checkpoints": r.checkpoints.count,
                "signatures_checked": signatures_checked,
                "latest_checkpoint": latest,
            });
            if let Some(s) = since_report {
                v["since"] = serde_json::json!({"size": s.from, "root": hex::encode(s.from_root), "consistency": s});
            }
            println!("{v}");
        }
        _ => {
            println!(
                "ok: {} records verified; head {}; tree root {}",
                r.log.records,
                hex::encode(r.log.head_hash),
                hex::encode(r.log.root)
            );
            if signatures_checked {
                println!("every signed event's signature re-checked against its entity's key, and every record against the rules of section 2");
            }
            if r.checkpoints.count > 0 {
                println!(
                    "{} stored checkpoint(s) verified (signature, root, consistency with the one before), the latest of size {}",
                    r.checkpoints.count,
                    latest.unwrap_or(0)
                );
            }
            if let Some(s) = since_report {
                println!(
                    "ok: the log extends your checkpoint of {} records (root {}): nothing before it was rewritten or removed; consistency proof of {} hash(es) to size {} verified",
                    s.from,
                    hex::encode(s.from_root),
                    s.path.len(),
                    s.to
                );
            }
        }
    }
    Ok(())
}

/// Checks a kept checkpoint against the verified log of `len` records with
/// root `root`; returns the consistency proof, or says plainly what is wrong.
fn check_since(
    backend: &dyn LogBackend,
    keys: &[pledger_core::checkpoint::VerifierKey],
    origin: &str,
    note: &[u8],
    len: u64,
    root: pledger_core::Hash,
) -> Result<ConsistencyProof, String> {
    let cp = open_checkpoint(note, keys, origin)
        .map_err(|e| {
            format!(
                "the file is not a checkpoint signed by this ledger ({}): {e}",
                keys.first().map(|k| k.to_string()).unwrap_or_default()
            )
        })?
        .checkpoint;
    let rewritten = |detail: String| format!("HISTORY WAS REWRITTEN: {detail}");
    if cp.size > len {
        return Err(rewritten(format!(
            "your checkpoint covers {} records, but the log now holds only {len}: records were removed",
            cp.size
        )));
    }
    if cp.size == 0 {
        // The empty tree is a prefix of every tree.
        return Ok(ConsistencyProof {
            from: 0,
            to: len,
            from_root: cp.root,
            to_root: root,
            path: Vec::new(),
        });
    }
    let tree = StoredTree::new(backend);
    let proof = ConsistencyProof::build(cp.size, len, &tree).map_err(|e| format!("no consistency proof: {e}"))?;
    let theirs = ConsistencyProof {
        from_root: cp.root,
        ..proof.clone()
    };
    theirs.verify().map_err(|e| {
        rewritten(format!(
            "the log's first {} records are not the ones your checkpoint signed (its root {}, the log's {}); the consistency proof to size {len} fails: {e}",
            cp.size,
            hex::encode(cp.root),
            hex::encode(proof.from_root)
        ))
    })?;
    if proof.to_root != root {
        return Err(format!(
            "the stored tree's root {} differs from the recomputed root {}",
            hex::encode(proof.to_root),
            hex::encode(root)
        ));
    }
    Ok(theirs)
}
