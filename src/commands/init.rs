use crate::{Failure, Format};
use pledger_store::keys::DataDir;
use std::path::Path;

pub fn run(data: &Path, origin: &str, format: Format) -> Result<(), Failure> {
    if origin.trim().is_empty() || origin.contains('\n') {
        return Err(Failure::Input(
            "--origin must be one non-empty line, e.g. pledger.changde.example/ledger".into(),
        ));
    }
    let dir = DataDir::init(data, origin)?;
    // Open the store once so a fresh directory is complete and usable.
    crate::commands::open_backend(&dir.path)?;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"data": data.display().to_string(), "origin": origin})
        ),
        _ => println!("initialised a ledger in {} (origin {origin})", data.display()),
    }
    Ok(())
}
