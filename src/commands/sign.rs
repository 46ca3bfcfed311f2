//! `pledger sign --key FILE IN`: sign events offline (format section 5),
//! so an organisation signs on its own machine and only the signed lines
//! travel. `pledger sign --new-key FILE` creates the key. The rules and
//! the exact signed bytes are in docs/signatures.md.

use crate::{Failure, Format};
use pledger_core::checkpoint::ed25519_dalek::SigningKey;
use pledger_core::signature;
use pledger_store::keys::write_private;
use rayon::prelude::*;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["key", "new_key"])))]
pub struct SignArgs {
    /// The entity's Ed25519 private key file (base64 of the 32-byte seed).
    #[arg(long, value_name = "FILE", requires = "input")]
    pub key: Option<PathBuf>,
    /// Create a new private key file (owner-only, never overwritten) and
    /// print its public key, ready for `entity.registered`'s `public_key`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["input", "out"])]
    pub new_key: Option<PathBuf>,
    /// Write the signed events to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// NDJSON events to sign (one object per line); `-` reads stdin.
    pub input: Option<String>,
}

pub fn run(args: SignArgs, format: Format) -> Result<(), Failure> {
    if let Some(path) = &args.new_key {
        return new_key(path, format);
    }
    let (Some(key_path), Some(input)) = (&args.key, &args.input) else {
        return Err(Failure::Input(
            "give --key FILE and the events to sign, or --new-key FILE to create a key".into(),
        ));
    };
    let key = read_key(key_path)?;
    let text = read_input(input)?;
    let signed = sign_lines(&text, &key)?;
    // Written only once every line has signed: a pipe into `pledger append`
    // never sees half a file.
    match &args.out {
        Some(path) => {
            fs::write(path, &signed).map_err(|e| Failure::Input(format!("cannot write {}: {e}", path.display())))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&signed)?;
            out.flush()?;
        }
    }
    let count = signed.iter().filter(|b| **b == b'\n').count();
    eprintln!(
        "pledger: signed {count} events with the key whose public_key is {}",
        signature::public_key_text(&key)
    );
    Ok(())
}

/// Signs every non-blank line; the output has one line per event, in order.
fn sign_lines(text: &str, key: &SigningKey) -> Result<Vec<u8>, Failure> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    if lines.is_empty() {
        return Err(Failure::Input("the input holds no events; nothing was signed".into()));
    }
    let signed: Vec<Vec<u8>> = pledger_store::input::first_error_in_order(
        lines
            .into_par_iter()
            .map(|(n, line)| sign_line(line, key).map_err(|why| (n, why)))
            .collect(),
    )
    .map_err(|(n, why)| Failure::Input(format!("line {n}: {why}; nothing was signed")))?;
    let mut out = Vec::with_capacity(signed.iter().map(|l| l.len() + 1).sum());
    for line in signed {
        out.extend_from_slice(&line);
        out.push(b'\n');
    }
    Ok(out)
}

fn sign_line(line: &str, key: &SigningKey) -> Result<Vec<u8>, String> {
    let mut value = pledger_core::json::parse_strict(line.as_bytes())
        .map_err(|e| format!("not valid JSON ({e}); pledger sign reads NDJSON, one event object per line"))?;
    signature::sign(&mut value, key).map_err(|r| {
        let field = if r.field.is_empty() {
            String::new()
        } else {
            format!("{}: ", r.field)
        };
        format!("{field}{} [{}]", r.message, r.code)
    })?;
    // Canonical bytes: exactly what was signed, plus the signature.
    pledger_core::record::jcs(&value).map_err(|e| format!("cannot write the signed event: {e}"))
}

fn read_input(input: &str) -> Result<String, Failure> {
    let mut text = String::new();
    let result = if input == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        fs::File::open(input).and_then(|mut f| f.read_to_string(&mut text).map(|_| ()))
    };
    result.map_err(|e| Failure::Input(format!("cannot read {input}: {e}")))?;
    Ok(text)
}

fn read_key(path: &Path) -> Result<SigningKey, Failure> {
    let text = fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("cannot read the key file {}: {e}", path.display())))?;
    signature::key_from_seed_text(&text).ok_or_else(|| {
        Failure::Input(format!(
            "{} is not a pledger key file (the base64 of a 32-byte Ed25519 seed); create one with `pledger sign --new-key FILE`",
            path.display()
        ))
    })
}

fn new_key(path: &Path, format: Format) -> Result<(), Failure> {
    let mut seed = [0u8; 32];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut seed))
        .map_err(|e| Failure::Input(format!("no randomness for a new key: {e}")))?;
    let key = SigningKey::from_bytes(&seed);
    write_private(path, signature::seed_text(&key).as_bytes()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::Input(format!(
                "{} already exists; pledger never overwrites a key (its public key may already be registered), so choose another file name",
                path.display()
            ))
        } else {
            Failure::Input(format!("cannot create {}: {e}", path.display()))
        }
    })?;
    let public_key = signature::public_key_text(&key);
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"public_key": public_key, "key_file": path.display().to_string()})
        ),
        Format::Table | Format::Csv | Format::Xlsx => println!("{public_key}"),
    }
    eprintln!(
        "pledger: wrote the private key to {} (keep it secret); register the entity with \"public_key\": \"{public_key}\" and sign its events with `pledger sign --key {}`",
        path.display(),
        path.display()
    );
    Ok(())
}
