//! `pledger export --out FILE`: the whole log, every stored checkpoint and
//! the verifier key in one bundle file (format: docs/proofs.md), for an
//! auditor to take away and check with `verify-bundle`.
//!
//! The newest records must be covered by a signature, so a checkpoint of
//! the current tree is signed and stored first if there is none yet. The
//! file is written beside FILE and renamed into place once complete.

use crate::{Failure, Format};
use pledger_store::bundle::write_export;
use pledger_store::{checkpoints, LogBackend};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

pub fn run(data: &Path, out: &Path, format: Format) -> Result<(), Failure> {
    let (dir, backend) = crate::commands::open_backend(data)?;
    let len = backend.head()?.len;
    let key = dir.signing_key()?;
    let signed = checkpoints::sign(backend.as_ref(), len, &dir.config.origin, &key)?;
    let own = dir.verifier_key()?;
    let former = checkpoints::former_keys(backend.as_ref())?;

    let name = out
        .file_name()
        .ok_or_else(|| Failure::Input(format!("--out {} names no file", out.display())))?;
    let tmp = out.with_file_name(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id()));
    let written = (|| -> Result<_, Failure> {
        let f = File::create(&tmp).map_err(|e| Failure::Input(format!("cannot write {}: {e}", tmp.display())))?;
        let mut w = BufWriter::with_capacity(1 << 20, f);
        let summary = write_export(backend.as_ref(), len, &own, &former, &mut w)?;
        w.flush()?;
        let f = w.into_inner().map_err(|e| Failure::Input(e.to_string()))?;
        f.sync_all()?;
        std::fs::rename(&tmp, out).map_err(|e| Failure::Input(format!("cannot write {}: {e}", out.display())))?;
        Ok(summary)
    })();
    let summary = match written {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "out": out.display().to_string(),
                "records": summary.records,
                "checkpoints": summary.checkpoints,
                "head_hash": hex::encode(summary.head_hash),
                "root": hex::encode(summary.root),
                "key": own.to_string(),
                "signed_new_checkpoint": signed.new,
            })
        ),
        _ => {
            if signed.new {
                println!("signed and stored a checkpoint of the current tree ({len} records)");
            }
            println!(
                "exported {} records and {} checkpoints to {}; head {}; root {}",
                summary.records,
                summary.checkpoints,
                out.display(),
                hex::encode(summary.head_hash),
                hex::encode(summary.root)
            );
            println!("verifier key: {own}");
        }
    }
    Ok(())
}
