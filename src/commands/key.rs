//! `pledger key`: the ledger's public verifier key, in C2SP signed-note
//! form (`<origin>+<key id hex>+<base64(0x01 || public key)>`), for anyone
//! who will check its checkpoints.

use crate::{Failure, Format};
use std::path::Path;

pub fn run(data: &Path, format: Format) -> Result<(), Failure> {
    let dir = pledger_store::keys::DataDir::open(data)?;
    let key = dir.verifier_key()?;
    // The key needs only the key file; former keys live in the log, which a
    // running server holds: without it, print the key alone and say so.
    let former = match crate::commands::open_backend(data) {
        Ok((_, backend)) => pledger_store::checkpoints::former_keys(backend.as_ref())?,
        Err(_) => {
            eprintln!("pledger: the log is in use (a server is running?); former keys, if any, are not listed");
            Vec::new()
        }
    };
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
