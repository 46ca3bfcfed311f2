use crate::{Failure, Format};
use pledger_store::keys::DataDir;
use std::path::Path;

pub fn run(data: &Path, origin: &str, format: Format) -> Result<(), Failure> {
    if origin.trim().is_empty() || origin.contains('\n') {
        return Err(Failure::Input(
            "--origin must be one non-empty line, e.g. pledger.changde.example/ledger".into(),
        ));
    }
    // The origin is also the name of the ledger's signing key (C2SP
    // signed-note), which allows no spaces and no '+'.
    if !pledger_core::checkpoint::is_valid_key_name(origin) {
        return Err(Failure::Input(format!(
            "--origin {origin:?} cannot name the ledger's key: use no spaces or '+', e.g. pledger.changde.example/ledger"
        )));
    }
    let dir = DataDir::init(data, origin)?;
    match crate::commands::shared() {
        // The ledger in the database (and its tables) with this directory's
        // key; nothing is left behind when the database refuses.
        Some(s) => {
            if let Err(e) = crate::commands::open_shared(&dir.path, s, true) {
                let _ = std::fs::remove_dir_all(&dir.path);
                return Err(e);
            }
        }
        // Open the store once so a fresh directory is complete and usable.
        None => {
            crate::commands::open_backend(&dir.path)?;
        }
    }
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"data": data.display().to_string(), "origin": origin})
        ),
        _ => println!("initialised a ledger in {} (origin {origin})", data.display()),
    }
    Ok(())
}
