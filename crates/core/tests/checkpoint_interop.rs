//! pledger's signed notes against independent implementations of C2SP
//! signed-note:
//!
//! - the `signed_note` crate (Cloudflare's port of Go's
//!   golang.org/x/mod/sumdb/note): it must verify our notes and parse our
//!   verifier keys, and we must verify its notes;
//! - Go's own published vector (the `PeterNeumann` note of the sumdb/note
//!   package documentation): signing the same text with the same seed must
//!   give the same bytes (Ed25519 is deterministic);
//! - a real signed tree head of sum.golang.org (a C2SP tlog-checkpoint
//!   signed by Go's production signer), with its published verifier key.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use pledger_core::checkpoint::ed25519_dalek::SigningKey;
use pledger_core::checkpoint::{open_checkpoint, Checkpoint, NoteError, SignedNote, VerifierKey};
use signed_note::{Note, StandardSigner, StandardVerifier, VerifierList};

const ORIGIN: &str = "pledger.changde.example/ledger";

fn seed(n: u8) -> [u8; 32] {
    let mut s = [0u8; 32];
    for (i, b) in s.iter_mut().enumerate() {
        *b = n.wrapping_mul(31).wrapping_add(i as u8);
    }
    s
}

/// The `signed_note` crate's private key text for a seed: PRIVATE+KEY+
/// name+id+base64(0x01 || seed).
fn their_signer(name: &str, seed: &[u8; 32], id_hex: &str) -> StandardSigner {
    let mut data = vec![1u8];
    data.extend_from_slice(seed);
    StandardSigner::new(&format!("PRIVATE+KEY+{name}+{id_hex}+{}", B64.encode(data))).expect("signer key")
}

#[test]
fn verifier_key_text_matches_signed_note() {
    for n in 0..8 {
        let key = SigningKey::from_bytes(&seed(n));
        let ours = VerifierKey::of(ORIGIN, &key).unwrap().to_string();
        let theirs = signed_note::new_ed25519_verifier_key(ORIGIN, &key.verifying_key());
        assert_eq!(ours, theirs);
        StandardVerifier::new(&ours).expect("signed_note parses our verifier key");
    }
}

#[test]
fn signed_note_verifies_our_checkpoints() {
    for (n, size) in [(1u8, 0u64), (2, 1), (3, 7), (4, 1 << 40)] {
        let key = SigningKey::from_bytes(&seed(n));
        let root = *blake3::hash(&size.to_le_bytes()).as_bytes();
        let note = Checkpoint::new(ORIGIN, size, root).sign(&key).unwrap().to_text();
        let vkey = VerifierKey::of(ORIGIN, &key).unwrap().to_string();
        let verifier = StandardVerifier::new(&vkey).unwrap();
        let parsed = Note::from_bytes(note.as_bytes()).expect("signed_note parses our note");
        let (ok, unknown) = parsed
            .verify(&VerifierList::new(vec![Box::new(verifier)]))
            .expect("signed_note verifies our signature");
        assert_eq!(ok.len(), 1);
        assert!(unknown.is_empty());
        assert_eq!(parsed.text(), Checkpoint::new(ORIGIN, size, root).body().as_bytes());
        // And it writes the note back byte for byte.
        assert_eq!(parsed.to_bytes(), note.as_bytes());

        // A tampered note fails there too.
        let forged = note.replacen(&format!("\n{size}\n"), &format!("\n{}\n", size + 1), 1);
        let parsed = Note::from_bytes(forged.as_bytes()).unwrap();
        let verifier = StandardVerifier::new(&vkey).unwrap();
        assert!(parsed.verify(&VerifierList::new(vec![Box::new(verifier)])).is_err());
    }
}

#[test]
fn we_verify_signed_note_checkpoints() {
    for n in 10..14u8 {
        let key = SigningKey::from_bytes(&seed(n));
        let vk = VerifierKey::of(ORIGIN, &key).unwrap();
        let signer = their_signer(ORIGIN, &seed(n), &hex::encode(vk.id()));
        let size = 1000 + n as u64;
        let root = [n; 32];
        let body = format!("{ORIGIN}\n{size}\n{}\n", B64.encode(root));
        let mut note = Note::new(body.as_bytes(), &[]).unwrap();
        note.add_sigs(&[&signer]).unwrap();
        let bytes = note.to_bytes();
        let opened = open_checkpoint(&bytes, std::slice::from_ref(&vk), ORIGIN).expect("we verify their note");
        assert_eq!(opened.checkpoint, Checkpoint::new(ORIGIN, size, root));
        // Same text, same key: Ed25519 is deterministic, so the notes agree.
        let ours = Checkpoint::new(ORIGIN, size, root).sign(&key).unwrap().to_text();
        assert_eq!(ours.as_bytes(), &bytes[..]);
    }
}

#[test]
fn unknown_cosignatures_are_ignored_both_ways() {
    let a = SigningKey::from_bytes(&seed(20));
    let b = SigningKey::from_bytes(&seed(21));
    let va = VerifierKey::of(ORIGIN, &a).unwrap();
    let vb = VerifierKey::of("witness.example", &b).unwrap();
    let mut note = Checkpoint::new(ORIGIN, 9, [5; 32]).sign(&a).unwrap();
    note.sign("witness.example", &b).unwrap();
    let text = note.to_text();
    // They verify it with only our key known, and with only the witness.
    for k in [&va, &vb] {
        let parsed = Note::from_bytes(text.as_bytes()).unwrap();
        let v = StandardVerifier::new(&k.to_string()).unwrap();
        let (ok, unknown) = parsed.verify(&VerifierList::new(vec![Box::new(v)])).unwrap();
        assert_eq!((ok.len(), unknown.len()), (1, 1));
    }
    open_checkpoint(text.as_bytes(), std::slice::from_ref(&va), ORIGIN).unwrap();
}

/// golang.org/x/mod/sumdb/note's documented example.
#[test]
fn go_sumdb_note_vector() {
    let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    let text = "If you think cryptography is the answer to your problem,\n\
                then you don't know what your problem is.\n";
    let signed = "If you think cryptography is the answer to your problem,\n\
                  then you don't know what your problem is.\n\
                  \n\
                  \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    let data = B64.decode(skey.splitn(5, '+').last().unwrap()).unwrap();
    assert_eq!(data[0], 1);
    let key = SigningKey::from_bytes(&data[1..].try_into().unwrap());
    let vk = VerifierKey::parse(vkey).unwrap();
    assert_eq!(VerifierKey::of("PeterNeumann", &key).unwrap(), vk);
    assert_eq!(vk.to_string(), vkey);

    let mut note = SignedNote::unsigned(text).unwrap();
    note.sign("PeterNeumann", &key).unwrap();
    assert_eq!(note.to_text(), signed);

    let parsed = SignedNote::parse(signed.as_bytes()).unwrap();
    parsed.verify(&vk).unwrap();
    let flipped = signed.replace("problem is.", "problem is!");
    assert!(matches!(
        SignedNote::parse(flipped.as_bytes()).unwrap().verify(&vk),
        Err(NoteError::BadSignature { .. })
    ));
}

/// A signed tree head served by sum.golang.org (a C2SP tlog-checkpoint
/// whose origin, `go.sum database tree`, differs from its key name), checked
/// with the key every Go toolchain ships.
#[test]
fn sum_golang_org_checkpoint() {
    let vkey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
    let note = "go.sum database tree\n\
                49189689\n\
                ftjbAOzaupaIvaPo/G+Dk63nxOZ2s1OPOKIaPtXs7S4=\n\
                \n\
                \u{2014} sum.golang.org Az3grlKZssqRoMNPpZfKt0TphbbcF+pzXqElURJKRNFKfaUAgqeI5k2AORH0QAhg/ebRwyIqD/OqP4oLtLnNumvOBAM=\n";
    let vk = VerifierKey::parse(vkey).unwrap();
    let opened = open_checkpoint(note.as_bytes(), std::slice::from_ref(&vk), "go.sum database tree").unwrap();
    assert_eq!(opened.checkpoint.size, 49189689);
    assert_eq!(
        B64.encode(opened.checkpoint.root),
        "ftjbAOzaupaIvaPo/G+Dk63nxOZ2s1OPOKIaPtXs7S4="
    );
    let forged = note.replace("49189689", "49189690");
    assert!(open_checkpoint(forged.as_bytes(), std::slice::from_ref(&vk), "go.sum database tree").is_err());
}
