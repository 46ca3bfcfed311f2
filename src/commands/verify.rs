use crate::{Failure, Format};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

pub fn run(data: &Path, format: Format) -> Result<(), Failure> {
    // A store too damaged to open is a failed check, not bad input.
    let (_dir, backend) = crate::commands::open_backend(data).map_err(|f| match f {
        Failure::Input(m) if m.contains("damaged") => Failure::Check(format!("verify FAILED: {m}")),
        other => other,
    })?;
    let total = pledger_store::LogBackend::head(backend.as_ref())
        .map(|h| h.len)
        .unwrap_or(0);
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
    let result = pledger_store::verify_log(backend.as_ref(), |n| bar.set_position(n));
    bar.finish_and_clear();
    match result {
        Ok(r) => {
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({
                        "ok": true,
                        "records": r.records,
                        "head_hash": hex::encode(r.head_hash),
                        "root": hex::encode(r.root),
                        "tree_nodes_checked": r.tree_nodes_checked,
                    })
                ),
                _ => println!(
                    "ok: {} records verified; head {}; tree root {}",
                    r.records,
                    hex::encode(r.head_hash),
                    hex::encode(r.root)
                ),
            }
            Ok(())
        }
        Err(f) => {
            if format == Format::Json {
                println!("{}", serde_json::json!({"ok": false, "seq": f.seq, "error": f.what}));
            }
            Err(Failure::Check(format!("verify FAILED: {f}")))
        }
    }
}
