//! `pledger import-bundle FILE`: restore an export into an empty data
//! directory. The bundle is verified in full first (as `verify-bundle`
//! does, against the keys it names); then its records are written exactly
//! as they were (same `recorded_at`, same hashes), each event checked by
//! the ledger's rules again, and its checkpoints stored.
//!
//! The data directory may not exist yet (it is created, with the bundle's
//! origin and a new key) or may hold an empty ledger (its origin becomes
//! the bundle's). When this ledger's key differs from the bundle's, the
//! bundle's key is kept as a former key so its checkpoints keep verifying;
//! new checkpoints are signed with this ledger's key. To keep the original
//! key, put its `ledger.key` in the data directory before importing.

use crate::{Failure, Format};
use pledger_store::bundle::{restore_bundle, verify_bundle, BundleError};
use pledger_store::checkpoints;
use pledger_store::keys::DataDir;
use pledger_store::restore::RestoreError;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

fn open(file: &Path) -> Result<BufReader<File>, Failure> {
    File::open(file)
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", file.display())))
}

/// The `kind` the bundle's header line declares, if it can be read.
fn declared_kind(file: &Path) -> Option<String> {
    use std::io::BufRead;
    let mut first = String::new();
    open(file).ok()?.read_line(&mut first).ok()?;
    let header: serde_json::Value = serde_json::from_str(&first).ok()?;
    header.get("kind")?.as_str().map(str::to_string)
}

pub fn run(data: &Path, file: &Path, format: Format) -> Result<(), Failure> {
    // A claim bundle is the wrong kind of input, not a failed check.
    if declared_kind(file).as_deref() == Some("claim") {
        return Err(Failure::Input(format!(
            "{} is a claim bundle (evidence for one claim); only an export made by `pledger export` can be imported",
            file.display()
        )));
    }
    let report = match verify_bundle(open(file)?, &[]) {
        Ok(r) => r,
        Err(BundleError::Io(e)) => return Err(Failure::Input(format!("cannot read {}: {e}", file.display()))),
        Err(e) => {
            return Err(Failure::Check(format!(
                "bundle {} FAILED verification; nothing was imported: {e}",
                file.display()
            )))
        }
    };
    let origin = report.header.origin.clone();
    let created = !DataDir::exists(data);
    let mut dir = if created {
        DataDir::init(data, &origin)?
    } else {
        DataDir::open(data)?
    };
    let result = import(&mut dir, file, &origin, created);
    if result.is_err() && created {
        // Leave nothing behind that this run made.
        let _ = std::fs::remove_dir_all(data);
    }
    let (imported, key, origin_changed) = result?;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "records": imported.head.len,
                "head_hash": hex::encode(imported.head.hash),
                "root": hex::encode(report.root),
                "checkpoints": imported.checkpoints,
                "origin": origin,
                "key": key,
                "former_keys": imported.former_keys.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
            })
        ),
        _ => {
            if origin_changed {
                println!("the empty ledger's origin is now {origin}, the bundle's");
            }
            println!(
                "imported {} records and {} checkpoints into {}; head {}; root {}",
                imported.head.len,
                imported.checkpoints,
                data.display(),
                hex::encode(imported.head.hash),
                hex::encode(report.root)
            );
            for k in &imported.former_keys {
                println!("the bundle's key {k} is kept as a former key: its checkpoints stay verifiable");
            }
            if !imported.former_keys.is_empty() {
                println!("new checkpoints are signed with this ledger's key {key}");
            }
        }
    }
    Ok(())
}

fn import(
    dir: &mut DataDir,
    file: &Path,
    origin: &str,
    created: bool,
) -> Result<(pledger_store::bundle::Imported, String, bool), Failure> {
    let (_, mut backend) = match crate::commands::shared() {
        // A ledger new to the database is created by the import.
        Some(s) => crate::commands::open_shared(&dir.path, s, created)?,
        None => crate::commands::open_backend(&dir.path)?,
    };
    let len = backend.head()?.len;
    let stored = checkpoints::list(backend.as_ref())?.len();
    if len > 0 || stored > 0 {
        return Err(Failure::Input(format!(
            "the ledger in {} is not empty ({len} records, {stored} checkpoints); import-bundle restores only into an empty ledger",
            dir.path.display()
        )));
    }
    let before = dir.config.origin.clone();
    let origin_changed = !created && before != origin;
    if origin_changed {
        dir.set_origin(origin)?;
        if let Some(s) = crate::commands::shared() {
            // The empty ledger in the database takes the bundle's origin too.
            backend = crate::commands::open_shared(&dir.path, s, false)?.1;
        }
    }
    let restored = dir
        .verifier_key()
        .map_err(Failure::from)
        .and_then(|own| Ok((restore_bundle(backend.as_ref(), open(file)?, &own), own)));
    let (restored, own) = match restored {
        Ok((Ok(i), own)) => (Ok(i), own),
        Ok((Err(e), own)) => (Err(e), own),
        Err(f) => {
            if origin_changed {
                let _ = dir.set_origin(&before);
            }
            return Err(f);
        }
    };
    if restored.is_err() && origin_changed {
        let _ = dir.set_origin(&before);
    }
    let imported = restored.map_err(|e| match e {
        RestoreError::Refused { .. } | RestoreError::Source(_) => {
            Failure::Check(format!("the bundle cannot be restored; nothing was imported: {e}"))
        }
        other => Failure::Input(format!("nothing was imported: {other}")),
    })?;
    Ok((imported, own.to_string(), origin_changed))
}
