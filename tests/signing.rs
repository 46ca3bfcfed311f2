//! End-to-end: signed events with the real binary (docs/signatures.md).
//! `sign --new-key`, registering the public key, `sign`, `append`; a line
//! changed after signing and an unsigned event from a keyed entity are
//! refused with nothing appended. Signatures are re-checked here with the
//! Ed25519 library directly over this file's own JCS, not pledger's code.

mod common;

use base64::Engine;
use common::*;
use pledger_core::checkpoint::ed25519_dalek::{Signature, VerifyingKey};
use serde_json::{json, Value};
use std::path::Path;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// `sign --new-key FILE` in the ledger's temp dir; returns the public key.
fn new_key(l: &Ledger, name: &str) -> String {
    let out = l.run(&["sign", "--new-key", name]);
    out.expect(0);
    let public_key = out.stdout.trim().to_string();
    assert_eq!(out.stdout.lines().count(), 1, "only the key on stdout: {}", out.stdout);
    let bytes = B64.decode(&public_key).expect("the public key is base64");
    assert_eq!(bytes.len(), 32);
    public_key
}

/// Events of `acme`, unsigned, without ids (pledger sign fills them in).
fn acme_events() -> Vec<Value> {
    vec![
        json!({"type": "account.opened", "actor": "acme", "occurred_at": "2026-02-01",
               "data": {"account_id": "acme-acct", "holder": "acme", "name": "常德某企业 专户", "kind": "internal"}}),
        json!({"type": "account.opened", "actor": "acme", "occurred_at": "2026-02-02",
               "data": {"account_id": "acme-ops", "holder": "acme", "name": "operations", "kind": "internal"}}),
    ]
}

/// Checks `event`'s signature as an outside auditor would.
fn verifies(event: &Value, public_key: &str) -> bool {
    let mut unsigned = event.clone();
    let sig = unsigned
        .as_object_mut()
        .and_then(|o| o.remove("signature"))
        .and_then(|s| s.as_str().map(str::to_string))
        .expect("a signature field");
    let sig: [u8; 64] = B64.decode(sig).expect("base64").try_into().expect("64 bytes");
    let pk: [u8; 32] = B64.decode(public_key).expect("base64").try_into().expect("32 bytes");
    let mut message = String::new();
    jcs(&unsigned, &mut message);
    VerifyingKey::from_bytes(&pk)
        .expect("a valid key")
        .verify_strict(message.as_bytes(), &Signature::from_bytes(&sig))
        .is_ok()
}

fn sign_file(l: &Ledger, key: &str, input: &Path) -> String {
    let out = l.run(&["sign", "--key", key, input.to_str().expect("utf-8 path")]);
    out.expect(0);
    out.stdout.clone()
}

#[test]
fn a_keyed_entity_signs_offline_and_only_its_signed_events_are_recorded() {
    let l = Ledger::founded();
    let public_key = new_key(&l, "acme.key");
    let key_file = l.tmp.path().join("acme.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the key file is the owner's only");
    }
    // A second --new-key on the same file is refused and the key is kept.
    let before = std::fs::read(&key_file).unwrap();
    l.run(&["sign", "--new-key", "acme.key"]).expect(2);
    assert_eq!(std::fs::read(&key_file).unwrap(), before);

    // The city registers acme with that public key (city has no key: unsigned).
    let register = json!({"type": "entity.registered", "id": "e-acme", "actor": CITY, "occurred_at": "2026-01-15",
        "data": {"entity_id": "acme", "kind": "enterprise", "name": "Acme", "public_key": public_key}});
    l.append_str(&ndjson(&[register])).expect(0);

    // Signed offline; nothing but the signed events on stdout.
    let input = l.file("acme.ndjson", &ndjson(&acme_events()));
    let signed_text = sign_file(&l, "acme.key", &input);
    let signed = parse_json_lines(&signed_text);
    assert_eq!(signed.len(), 2, "one line per event: {signed_text}");
    for (s, original) in signed.iter().zip(acme_events()) {
        assert!(
            verifies(s, &public_key),
            "the library verifies pledger's signature: {s}"
        );
        assert!(
            s["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("sig-") && id.len() == 36),
            "{s}"
        );
        assert_eq!(s["data"], original["data"], "signing changes no field");
    }
    // Deterministic: signing again gives the same bytes.
    assert_eq!(sign_file(&l, "acme.key", &input), signed_text);

    // A line changed by one byte after signing: refused, nothing appended.
    let snap = l.snapshot();
    let tampered = signed_text.replacen("operations", "operationS", 1);
    assert_ne!(tampered, signed_text);
    let out = l.append_str(&tampered);
    out.expect(2);
    assert!(out.stderr.contains("signature"), "{}", out.stderr);
    assert!(out.stderr.contains("line 2"), "{}", out.stderr);
    assert_eq!(l.snapshot(), snap, "a refused append changed the ledger");

    // An unsigned event of acme's: refused, nothing appended.
    let mut unsigned = acme_events()[0].clone();
    unsigned["id"] = json!("acme-1");
    let out = l.append_str(&ndjson(&[unsigned]));
    out.expect(2);
    assert!(out.stderr.contains("must be signed"), "{}", out.stderr);
    assert!(out.stderr.contains("pledger sign"), "{}", out.stderr);
    assert_eq!(l.snapshot(), snap);

    // The signed file itself is recorded, signatures kept in the records.
    let out = l.append_str(&signed_text);
    out.expect(0);
    let recs = l.records();
    let stored: Vec<&Value> = recs.iter().rev().take(2).rev().map(|r| &r["event"]).collect();
    assert_eq!(stored, signed.iter().collect::<Vec<_>>());
    for e in stored {
        assert!(verifies(e, &public_key), "the stored event still verifies: {e}");
    }
    // verify re-checks the signatures of a log that has any.
    let out = l.run(&["verify", "--format", "json"]);
    out.expect(0);
    let v: Value = serde_json::from_str(&out.stdout).expect("verify JSON");
    assert_eq!(v["signatures_checked"], true, "{}", out.stdout);
    // Sent again: an idempotent repeat.
    let before = l.records().len();
    l.append_str(&signed_text).expect(0);
    assert_eq!(l.records().len(), before);
}

#[test]
fn sign_refuses_bad_lines_with_their_number_and_writes_nothing() {
    let l = Ledger::new();
    new_key(&l, "k.key");
    let good = serde_json::to_string(&founding()).unwrap();
    for (bad, why) in [
        ("not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        (
            r#"{"type": "fund.stolen", "actor": "city", "occurred_at": "2026-01-01", "data": {}}"#,
            "type",
        ),
    ] {
        let text = format!("{good}\n\n{bad}\n");
        let out = l.run_stdin(&["sign", "--key", "k.key", "-"], text.as_bytes());
        out.expect(2);
        assert!(out.stderr.contains("line 3"), "{bad}: {}", out.stderr);
        assert!(out.stderr.contains(why), "{bad}: {}", out.stderr);
        assert_eq!(out.stdout, "", "nothing signed is printed when a line is refused");
    }
    // A key file that is not one, and a missing one.
    let junk = l.file("junk.key", "not a key");
    let out = l.run_stdin(&["sign", "--key", junk.to_str().unwrap(), "-"], good.as_bytes());
    out.expect(2);
    assert!(out.stderr.contains("--new-key"), "{}", out.stderr);
    l.run_stdin(&["sign", "--key", "missing.key", "-"], good.as_bytes())
        .expect(2);
}

#[test]
fn a_founding_record_signed_with_the_key_it_registers_founds_a_keyed_ledger() {
    let l = Ledger::new();
    let public_key = new_key(&l, "city.key");
    let mut f = founding();
    f["data"]["public_key"] = json!(public_key);
    // Unsigned, it is refused: the founder must prove it holds the key.
    l.append_str(&ndjson(&[f.clone()])).expect(2);
    let input = l.file("f.ndjson", &ndjson(&[f]));
    let out = l.run(&[
        "sign",
        "--key",
        "city.key",
        "--out",
        "signed.ndjson",
        input.to_str().unwrap(),
    ]);
    out.expect(0);
    assert_eq!(out.stdout, "", "with --out nothing goes to stdout");
    let signed = std::fs::read_to_string(l.tmp.path().join("signed.ndjson")).unwrap();
    assert!(verifies(&parse_json_lines(&signed)[0], &public_key));
    l.append_str(&signed).expect(0);
    // From now on the city's own events must be signed.
    l.append_str(&ndjson(&[account("a-src", SRC, "source")])).expect(2);
    let input = l.file("a.ndjson", &ndjson(&[account("a-src", SRC, "source")]));
    let signed = sign_file(&l, "city.key", &input);
    l.append_str(&signed).expect(0);
    assert_eq!(l.records().len(), 2);
    l.run(&["verify"]).expect(0);
}
