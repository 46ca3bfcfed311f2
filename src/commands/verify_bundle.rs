//! `pledger verify-bundle FILE [--key KEY]...`: check an export offline,
//! with no data directory: every line's form, every record's hash and link,
//! the Merkle tree, every checkpoint's signature and root, and a consistency
//! proof between successive checkpoints. Exit 1 naming what failed.
//!
//! Without `--key`, signatures are checked against the key the bundle
//! itself names, which proves the bundle consistent with itself; compare
//! that key with the one the ledger publishes (`pledger key`), or pass it
//! with `--key` to have it compared.

use crate::{Failure, Format};
use pledger_core::checkpoint::VerifierKey;
use pledger_store::bundle::{verify_bundle, BundleError};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

pub fn run(file: &Path, keys: &[String], format: Format) -> Result<(), Failure> {
    let pinned = keys
        .iter()
        .map(|k| VerifierKey::parse(k).map_err(|e| Failure::Input(format!("--key {k:?}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let f = File::open(file).map_err(|e| Failure::Input(format!("cannot read {}: {e}", file.display())))?;
    let report = match verify_bundle(BufReader::with_capacity(1 << 20, f), &pinned) {
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
