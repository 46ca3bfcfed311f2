//! `pledger checkpoint`: sign the current tree with the ledger key, store
//! the checkpoint beside the log, and print it (a C2SP tlog-checkpoint in
//! signed-note form). Signing the same size again prints the stored note.

use crate::{Failure, Format};
use pledger_core::checkpoint::VerifierKey;
use pledger_store::keys::DataDir;
use pledger_store::{checkpoints, LogBackend};
use std::path::Path;

/// The ledger's own verifier key, then every key its stored checkpoints
/// may be signed by (former keys kept from a restore).
pub fn ledger_keys(dir: &DataDir, backend: &dyn LogBackend) -> Result<(VerifierKey, Vec<VerifierKey>), Failure> {
    let own = dir.verifier_key()?;
    let trusted = checkpoints::trusted_keys(backend, own.clone())?;
    Ok((own, trusted))
}

pub fn run(data: &Path, format: Format) -> Result<(), Failure> {
    let (dir, backend) = crate::commands::open_backend(data)?;
    let key = dir.signing_key()?;
    let size = backend.head()?.len;
    let signed = checkpoints::sign(backend.as_ref(), size, &dir.config.origin, &key)?;
    let note = signed.text();
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "size": signed.checkpoint.size,
                "root": hex::encode(signed.checkpoint.root),
                "origin": signed.checkpoint.origin,
                "note": note,
                "new": signed.new,
            })
        ),
        _ => print!("{note}"),
    }
    Ok(())
}
