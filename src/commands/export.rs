//! `pledger export --out FILE`: the whole log, every stored checkpoint and
//! the verifier key in one bundle file (format: docs/proofs.md), for an
//! auditor to take away and check with `verify-bundle`.
//!
//! The newest records must be covered by a signature, so a checkpoint of
//! the current tree is signed and stored first if there is none yet. The
//! file is written beside FILE and renamed into place once complete. On a
//! terminal a progress bar counts the lines written (silent when standard
//! error is piped, as `append` and `verify` are).

use crate::{Failure, Format};
use indicatif::{ProgressBar, ProgressStyle};
use pledger_store::bundle::write_export;
use pledger_store::checkpoints;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;

/// Counts the lines passing through to the progress bar: a bundle is one
/// JSON value per line (header, checkpoints, records), and JSON escapes
/// any newline inside a value, so lines are items.
struct Lines<W> {
    inner: W,
    bar: ProgressBar,
}

impl<W: Write> Write for Lines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let lines = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        if lines > 0 {
            self.bar.inc(lines);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

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
    let bar = if std::io::stderr().is_terminal() {
        // The header, every stored checkpoint (at least the one just
        // signed, when the log is not empty) and every record.
        let stored = checkpoints::list(backend.as_ref()).map(|c| c.len() as u64).unwrap_or(0);
        let b = ProgressBar::new(1 + stored + len);
        b.set_style(
            ProgressStyle::with_template("exporting {bar:40} {pos}/{len} lines {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let written = (|| -> Result<_, Failure> {
        let f = File::create(&tmp).map_err(|e| Failure::Input(format!("cannot write {}: {e}", tmp.display())))?;
        let mut w = Lines {
            inner: BufWriter::with_capacity(1 << 20, f),
            bar: bar.clone(),
        };
        let summary = write_export(backend.as_ref(), len, &own, &former, &mut w)?;
        w.flush()?;
        let f = w.inner.into_inner().map_err(|e| Failure::Input(e.to_string()))?;
        f.sync_all()?;
        std::fs::rename(&tmp, out).map_err(|e| Failure::Input(format!("cannot write {}: {e}", out.display())))?;
        Ok(summary)
    })();
    bar.finish_and_clear();
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
