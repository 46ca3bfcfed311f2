//! `pledger key`: the ledger's public verifier key, in C2SP signed-note
//! form (`<origin>+<key id hex>+<base64(0x01 || public key)>`), for anyone
//! who will check its checkpoints.

use crate::{Failure, Format};
use std::path::Path;

pub fn run(data: &Path, format: Format) -> Result<(), Failure> {
    let (dir, backend) = crate::commands::open_backend(data)?;
    let key = dir.verifier_key()?;
    let former = pledger_store::checkpoints::former_keys(backend.as_ref())?;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "key": key.to_string(),
                "origin": key.name(),
                "key_id": hex::encode(key.id()),
                "former_keys": former.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
            })
        ),
        _ => {
            println!("{key}");
            for k in former {
                eprintln!("former key (signed restored checkpoints): {k}");
            }
        }
    }
    Ok(())
}
