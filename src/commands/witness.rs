//! `pledger witness init|key|trust|serve|status|evidence|compare`
//! (docs/format.md section 6, docs/witness.md). The logic is in
//! `pledger_core::witness` (decisions), `pledger_store::witness` (state)
//! and `pledger_server::witness` (HTTP); this file parses and prints.

use crate::{Failure, Format};
use pledger_core::checkpoint::VerifierKey;
use pledger_core::cosignature::{valid_cosignatures, CosignerKey};
use pledger_core::witness::{compare, Comparison};
use pledger_store::witness::WitnessStore;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(clap::Subcommand, Debug)]
pub enum WitnessCommand {
    /// Create the witness's key and state in --data DIR.
    Init {
        /// The witness's name (its key name), e.g. audit.example/witness.
        #[arg(long)]
        name: String,
    },
    /// Print the witness's verifier key (C2SP vkey, type 0x04).
    Key,
    /// Accept checkpoints of the log whose verifier key this is (`pledger key`).
    Trust { log_key: String },
    /// Serve C2SP tlog-witness: POST /add-checkpoint.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8081")]
        addr: String,
    },
    /// What the witness holds: trusted logs and the latest checkpoint cosigned for each.
    Status,
    /// The refused, conflicting checkpoints kept as evidence.
    Evidence,
    /// Compare two checkpoints of one log offline: exit 1 when they prove a
    /// fork (same size, different roots, both signed by the log's key).
    Compare {
        a: PathBuf,
        b: PathBuf,
        /// The log's verifier key (`pledger key`).
        #[arg(long = "key", value_name = "LOG_KEY")]
        key: String,
        /// Witness keys whose cosignatures on each checkpoint to report (repeatable).
        #[arg(long = "witness", value_name = "VERIFIER_KEY")]
        witnesses: Vec<String>,
    },
}

pub fn run(data: &Path, command: WitnessCommand, format: Format) -> Result<(), Failure> {
    match command {
        WitnessCommand::Init { name } => {
            let store = WitnessStore::init(data, &name).map_err(|e| Failure::Input(e.to_string()))?;
            let key = store.verifier_key()?;
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({"data": data.display().to_string(), "name": name, "key": key.to_string()})
                ),
                _ => {
                    eprintln!("created witness {name} in {}", data.display());
                    println!("{key}");
                }
            }
            Ok(())
        }
        WitnessCommand::Key => {
            let key = open(data)?.verifier_key()?;
            match format {
                Format::Json => println!("{}", serde_json::json!({"name": key.name(), "key": key.to_string()})),
                _ => println!("{key}"),
            }
            Ok(())
        }
        WitnessCommand::Trust { log_key } => {
            let key = VerifierKey::parse(&log_key).map_err(|e| Failure::Input(format!("{log_key:?}: {e}")))?;
            open(data)?.trust(&key)?;
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({"trusted": key.to_string(), "origin": key.name()})
                ),
                _ => println!("trusting {} for origin {}", key, key.name()),
            }
            Ok(())
        }
        WitnessCommand::Serve { addr } => serve(data, &addr),
        WitnessCommand::Status => {
            let store = open(data)?;
            let trusted = store.trusted_all()?;
            let held = store.held_all()?;
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({
                        "name": store.name(),
                        "key": store.verifier_key()?.to_string(),
                        "trusted": trusted.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
                        "held": held.iter().map(|(o, h)| serde_json::json!({"origin": o, "size": h.size, "root": h.root, "note": h.note})).collect::<Vec<_>>(),
                    })
                ),
                _ => {
                    println!("witness {} ({})", store.name(), store.verifier_key()?);
                    for k in &trusted {
                        let h = held.iter().find(|(o, _)| o == k.name());
                        match h {
                            Some((_, h)) => println!("  {}: cosigned size {} root {}", k.name(), h.size, h.root),
                            None => println!("  {}: trusted, nothing cosigned yet", k.name()),
                        }
                    }
                }
            }
            Ok(())
        }
        WitnessCommand::Evidence => {
            let evidence = open(data)?.evidence()?;
            match format {
                Format::Json => {
                    let mut out = std::io::stdout().lock();
                    for e in &evidence {
                        serde_json::to_writer(&mut out, e)?;
                        writeln!(out)?;
                    }
                }
                _ => {
                    if evidence.is_empty() {
                        println!("no evidence kept");
                    }
                    for e in &evidence {
                        println!("{} {} at {}: {}", e.status, e.origin, e.received, e.reason);
                    }
                }
            }
            Ok(())
        }
        WitnessCommand::Compare { a, b, key, witnesses } => compare_files(&a, &b, &key, &witnesses, format),
    }
}

fn open(data: &Path) -> Result<WitnessStore, Failure> {
    WitnessStore::open(data).map_err(|e| {
        let text = e.to_string();
        if text.contains("lock") || text.contains("WouldBlock") || text.contains("Resource temporarily unavailable") {
            Failure::Input(format!(
                "the witness in {} is in use by another process (is `pledger witness serve` running?)",
                data.display()
            ))
        } else {
            Failure::Input(text)
        }
    })
}

fn serve(data: &Path, addr: &str) -> Result<(), Failure> {
    crate::commands::serve::init_logging(crate::commands::serve::LogFormat::Text);
    let store = Arc::new(open(data)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(2)
        .thread_name("pledger-witness")
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Failure::Input(format!("cannot listen on {addr}: {e}")))?;
        let local = listener.local_addr()?;
        let shutdown = pledger_server::shutdown_signal();
        {
            // As `pledger serve`: the first stdout line tells a caller the port.
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on http://{local}")?;
            out.flush()?;
        }
        tracing::info!(%local, witness = store.name(), "witnessing");
        pledger_server::witness::serve(store, listener, shutdown)
            .await
            .map_err(|e| Failure::Input(format!("the witness stopped: {e}")))
    })
}

/// A checkpoint note from a file: the note itself, the JSON of `GET
/// /v1/checkpoint` (its `text`) or of a claim's evidence (`checkpoint`), or
/// one line of `pledger witness evidence --format json` (the checkpoint in
/// its `request`).
fn read_note(path: &Path) -> Result<String, Failure> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Failure::Input(format!("cannot read {}: {e}", path.display())))?;
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text.trim()) {
        if let Some(t) = v["text"].as_str().or_else(|| v["checkpoint"].as_str()) {
            return Ok(t.to_string());
        }
        if let Some(r) = v["request"].as_str() {
            let req = pledger_core::witness::AddCheckpoint::parse(r.as_bytes())
                .map_err(|e| Failure::Input(format!("{}: the kept request is malformed: {e}", path.display())))?;
            return Ok(req.note.to_text());
        }
    }
    Ok(text)
}

fn compare_files(a: &Path, b: &Path, key: &str, witnesses: &[String], format: Format) -> Result<(), Failure> {
    let log_key = VerifierKey::parse(key).map_err(|e| Failure::Input(format!("--key {key:?}: {e}")))?;
    let wkeys = witnesses
        .iter()
        .map(|w| CosignerKey::parse(w).map_err(|e| Failure::Input(format!("--witness {w:?}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let (na, nb) = (read_note(a)?, read_note(b)?);
    let cosigners = |n: &str| -> Vec<String> {
        pledger_core::checkpoint::SignedNote::parse(n.as_bytes())
            .map(|note| {
                valid_cosignatures(&note, &wkeys)
                    .into_iter()
                    .map(|c| c.key.name().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let result = compare(na.as_bytes(), nb.as_bytes(), std::slice::from_ref(&log_key), None)
        .map_err(|e| Failure::Input(format!("the checkpoints cannot be compared: {e}")))?;
    let (ca, cb) = (cosigners(&na), cosigners(&nb));
    let (verdict, fork) = match &result {
        Comparison::Fork { size, roots } => (
            format!(
                "FORK: both checkpoints are signed by {log_key} for {size} records, with different roots {} and {}; the log showed two histories",
                hex::encode(roots.0),
                hex::encode(roots.1)
            ),
            true,
        ),
        Comparison::Same { size } => (format!("the same tree head of {size} records: no fork shown"), false),
        Comparison::DifferentSizes { sizes, .. } => (
            format!(
                "sizes {} and {}: no fork shown by these two alone (check a consistency proof between them: `pledger prove --consistency`)",
                sizes.0, sizes.1
            ),
            false,
        ),
    };
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"fork": fork, "verdict": verdict, "cosigned_a": ca, "cosigned_b": cb})
        ),
        _ => {
            println!("{verdict}");
            if !wkeys.is_empty() {
                println!(
                    "{} cosigned by: {}",
                    a.display(),
                    if ca.is_empty() { "none".into() } else { ca.join(", ") }
                );
                println!(
                    "{} cosigned by: {}",
                    b.display(),
                    if cb.is_empty() { "none".into() } else { cb.join(", ") }
                );
            }
        }
    }
    if fork {
        return Err(Failure::Check("the two checkpoints prove the log forked".to_string()));
    }
    Ok(())
}
