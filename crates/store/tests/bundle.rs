//! Checkpoints, export bundles and restores at the library level: a bundle
//! round-trips exactly, every single-byte change of a bundle is refused,
//! signatures are checked against pinned keys, and `verify_ledger` catches
//! tampered checkpoints.

mod common;

use common::*;
use ed25519_dalek::SigningKey;
use pledger_core::checkpoint::{SignedNote, VerifierKey};
use pledger_store::bundle::{restore_bundle, verify_bundle, write_export, BundleError};
use pledger_store::{checkpoints, verify_ledger, LogBackend};
use std::sync::Arc;

const ORIGIN: &str = "pledger.test.example/ledger";

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

/// A ledger with the founding records and `n` disbursements, checkpoints
/// signed at sizes 3, 6 and the end.
fn ledger(n: usize) -> Arc<dyn LogBackend> {
    let b: Arc<dyn LogBackend> = mem();
    let l = open(b.clone());
    l.append(preps(founding())).unwrap();
    checkpoints::sign(b.as_ref(), 3, ORIGIN, &key(1)).unwrap();
    checkpoints::sign(b.as_ref(), 6, ORIGIN, &key(1)).unwrap();
    let evs: Vec<_> = (0..n)
        .map(|i| disbursement(&format!("d{i}"), "treasury", "acme-acct", "1.50"))
        .collect();
    if n > 0 {
        l.append(preps(evs)).unwrap();
    }
    checkpoints::sign(b.as_ref(), l.len(), ORIGIN, &key(1)).unwrap();
    l.close();
    b
}

fn export(b: &dyn LogBackend) -> Vec<u8> {
    let mut out = Vec::new();
    let vk = VerifierKey::of(ORIGIN, &key(1)).unwrap();
    write_export(b, b.head().unwrap().len, &vk, &[], &mut out).unwrap();
    out
}

#[test]
fn export_verifies_and_restores_exactly() {
    let b = ledger(40);
    let bytes = export(b.as_ref());
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert_eq!(text.lines().count(), 1 + 3 + 46);
    let report = verify_bundle(&bytes[..], &[]).unwrap();
    assert_eq!(report.records, 46);
    assert_eq!(report.checkpoints.len(), 3);
    assert_eq!(report.consistency_proofs, 2);
    assert_eq!(report.unsigned_records(), 0);
    assert_eq!(report.head_hash, b.head().unwrap().hash);

    let vk = VerifierKey::of(ORIGIN, &key(1)).unwrap();
    // Pinned to the right key, it verifies; to another, it does not.
    verify_bundle(&bytes[..], std::slice::from_ref(&vk)).unwrap();
    let other = VerifierKey::of(ORIGIN, &key(9)).unwrap();
    let e = verify_bundle(&bytes[..], &[other]).unwrap_err();
    assert!(e.to_string().contains("not signed by"), "{e}");

    // Restore into an empty backend under the same key.
    let c = mem();
    let imported = restore_bundle(c.as_ref(), &bytes[..], &vk).unwrap();
    assert_eq!(imported.head, b.head().unwrap());
    assert_eq!(imported.checkpoints, 3);
    assert!(imported.former_keys.is_empty());
    for s in 0..46 {
        assert_eq!(c.get(s).unwrap(), b.get(s).unwrap());
    }
    verify_ledger(c.as_ref(), std::slice::from_ref(&vk), ORIGIN, |_| {}).unwrap();
    assert_eq!(export(c.as_ref()), bytes, "re-export of the restore is byte-identical");
    // A second restore into it is refused.
    assert!(restore_bundle(c.as_ref(), &bytes[..], &vk).is_err());

    // Under another key: the bundle's key is kept as a former key and the
    // restored checkpoints still verify.
    let d = mem();
    let own = VerifierKey::of(ORIGIN, &key(2)).unwrap();
    let imported = restore_bundle(d.as_ref(), &bytes[..], &own).unwrap();
    assert_eq!(imported.former_keys, vec![vk.clone()]);
    let keys = checkpoints::trusted_keys(d.as_ref(), own.clone()).unwrap();
    verify_ledger(d.as_ref(), &keys, ORIGIN, |_| {}).unwrap();
    assert!(verify_ledger(d.as_ref(), &[own], ORIGIN, |_| {}).is_err());
}

#[test]
fn every_single_byte_change_is_refused() {
    let b = ledger(2);
    let bytes = export(b.as_ref());
    verify_bundle(&bytes[..], &[]).unwrap();
    let mut checked = 0;
    for i in 0..bytes.len() {
        // 0x80 mostly just breaks UTF-8: tried on every 7th byte only.
        let flips: &[u8] = if i % 7 == 0 { &[0x01, 0x20, 0x80] } else { &[0x01, 0x20] };
        for &x in flips {
            let mut t = bytes.clone();
            t[i] ^= x;
            match verify_bundle(&t[..], &[]) {
                Err(BundleError::Invalid { .. }) => checked += 1,
                Err(BundleError::Io(e)) => panic!("byte {i} ^ {x:#x}: I/O error {e}"),
                Ok(_) => panic!(
                    "byte {i} ^ {x:#x} was not detected: {:?} -> {:?}",
                    bytes[i] as char, t[i] as char
                ),
            }
        }
    }
    assert!(checked >= bytes.len() * 2);
    // Truncation at any line boundary, and a line added.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for keep in 0..lines.len() {
        let cut: String = lines[..keep].iter().map(|l| format!("{l}\n")).collect();
        assert!(verify_bundle(cut.as_bytes(), &[]).is_err(), "kept {keep} lines");
    }
    let more = format!("{text}{}\n", lines.last().unwrap());
    assert!(verify_bundle(more.as_bytes(), &[]).is_err());
}

#[test]
fn verify_ledger_catches_tampered_checkpoints() {
    let b = ledger(10);
    let vk = VerifierKey::of(ORIGIN, &key(1)).unwrap();
    let keys = vec![vk];
    let r = verify_ledger(b.as_ref(), &keys, ORIGIN, |_| {}).unwrap();
    assert_eq!(r.checkpoints.count, 3);
    assert_eq!(r.checkpoints.consistency_proofs, 2);

    // A signature byte changed.
    let c6 = checkpoints::get(b.as_ref(), 6).unwrap().unwrap();
    let mut note = SignedNote::parse(&c6.note).unwrap();
    note.signatures[0].signature[5] ^= 1;
    checkpoints::put(b.as_ref(), 6, &note.to_text()).unwrap();
    let e = verify_ledger(b.as_ref(), &keys, ORIGIN, |_| {}).unwrap_err();
    assert!(
        e.what.contains("checkpoint of size 6") && e.what.contains("not valid"),
        "{e}"
    );

    // A checkpoint of a forged root, correctly signed (as by a stolen key):
    // the root check names it.
    let forged = pledger_core::checkpoint::Checkpoint::new(ORIGIN, 6, [7; 32])
        .sign(&key(1))
        .unwrap();
    checkpoints::put(b.as_ref(), 6, &forged.to_text()).unwrap();
    let e = verify_ledger(b.as_ref(), &keys, ORIGIN, |_| {}).unwrap_err();
    assert!(e.what.contains("not the root of the first 6 records"), "{e}");

    // Put back; a checkpoint stored under the wrong size is named.
    checkpoints::put(b.as_ref(), 6, &c6.text()).unwrap();
    verify_ledger(b.as_ref(), &keys, ORIGIN, |_| {}).unwrap();
    checkpoints::put(b.as_ref(), 5, &c6.text()).unwrap();
    let e = verify_ledger(b.as_ref(), &keys, ORIGIN, |_| {}).unwrap_err();
    assert!(e.what.contains("stored under size 5"), "{e}");
}
