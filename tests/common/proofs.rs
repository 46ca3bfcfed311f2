//! Helpers for the proof, checkpoint and bundle tests (`tests/proofs.rs`):
//! reading and changing the sled store behind the binary's back, checking
//! checkpoints with an independent signed-note implementation (the
//! `signed_note` crate), and copying data directories.

#![allow(dead_code)]

use super::*;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde_json::Value;
use std::path::Path;

/// Opens the store behind the binary's back and lets `f` change the one
/// tree the ledger keeps (as tests/cli.rs does).
pub fn tamper_store(l: &Ledger, f: impl FnOnce(&sled::Tree)) {
    let dir = l.data.join("log");
    let conf = String::from_utf8_lossy(&std::fs::read(dir.join("conf")).unwrap_or_default()).into_owned();
    let mut config = sled::Config::new().path(&dir);
    if let Some(size) = conf
        .lines()
        .find_map(|l| l.strip_prefix("segment_size:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        config = config.segment_size(size);
    }
    let db = config.open().expect("open the sled store directly");
    let tree = db.open_tree("log").unwrap();
    f(&tree);
    db.flush().unwrap();
}

/// `pledger key`, trimmed.
pub fn verifier_key(l: &Ledger) -> String {
    l.run(&["key"]).expect(0).stdout.trim().to_string()
}

/// A checkpoint note checked with the `signed_note` crate under `vkey`;
/// returns (origin, size, root as 32 bytes).
#[track_caller]
pub fn open_note(note: &str, vkey: &str) -> (String, u64, Vec<u8>) {
    let verifier = signed_note::StandardVerifier::new(vkey).expect("signed_note parses the verifier key");
    let n = signed_note::Note::from_bytes(note.as_bytes()).expect("signed_note parses the note");
    n.verify(&signed_note::VerifierList::new(vec![Box::new(verifier)]))
        .expect("signed_note verifies the note");
    let text = std::str::from_utf8(n.text()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "a checkpoint body is three lines: {text:?}");
    let root = B64.decode(lines[2]).expect("root is base64");
    assert_eq!(root.len(), 32);
    (lines[0].to_string(), lines[1].parse().expect("size is decimal"), root)
}

/// `verify --format json`, parsed (exit 0 required).
pub fn verify_json(l: &Ledger) -> Value {
    let out = l.run(&["verify", "--format", "json"]);
    out.expect(0);
    serde_json::from_str(out.stdout.trim()).expect("verify prints JSON")
}

/// Copies a directory tree (a data directory no process has open).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Parses a 64-hex hash.
pub fn unhex(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

/// `n` valid disbursements tagged `tag`.
pub fn disbursements(tag: &str, n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| disbursement(&format!("{tag}{i}"), "1.00", &format!("purpose {tag} {i}")))
        .collect()
}
