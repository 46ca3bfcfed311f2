//! Signed events through the ledger (docs/signatures.md): which key judges
//! an event, that a refused signature writes nothing, and that a refused
//! request does not disturb the others in its group commit.

mod common;

use common::*;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use pledger_core::signature::{public_key_text, sign};
use pledger_core::Rejection;
use pledger_store::{prepare, AppendError, AppendOutcome, Ledger, LogBackend};
use serde_json::{json, Value};
use std::sync::Arc;

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn signed(mut v: Value, k: &SigningKey) -> Value {
    sign(&mut v, k).expect("test event signs");
    v
}

fn with_key(mut v: Value, k: &SigningKey) -> Value {
    v["data"]["public_key"] = json!(public_key_text(k));
    v
}

fn rejected(r: Result<AppendOutcome, AppendError>) -> Rejection {
    match r {
        Err(AppendError::Rejected(r)) => r,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

/// A ledger founded by `city`, which registered `city_key` in its own
/// founding record (signed with it); `acme` registered by city with
/// `acme_key`; account `treasury` held by city.
fn keyed_ledger(city_key: &SigningKey, acme_key: &SigningKey) -> (Arc<dyn LogBackend>, Ledger) {
    let backend: Arc<dyn LogBackend> = mem();
    let ledger = open(backend.clone());
    let events = vec![
        signed(with_key(entity("city", "government", "city"), city_key), city_key),
        signed(with_key(entity("acme", "enterprise", "city"), acme_key), city_key),
        signed(account("treasury", "city"), city_key),
    ];
    ledger.append_values(events).expect("keyed founding accepted");
    (backend, ledger)
}

/// Checks the stored event's signature the way an auditor would: the
/// library's own verify over JCS of the stored event minus `signature`.
fn auditor_verifies(backend: &dyn LogBackend, seq: u64, k: &SigningKey) -> bool {
    let mut event = stored_event(backend, seq);
    let sig = event
        .as_object_mut()
        .and_then(|o| o.remove("signature"))
        .and_then(|s| s.as_str().map(str::to_string))
        .expect("the stored event keeps its signature");
    use base64::Engine;
    let bytes: [u8; 64] = base64::engine::general_purpose::STANDARD
        .decode(sig)
        .expect("base64")
        .try_into()
        .expect("64 bytes");
    let message = pledger_core::record::jcs(&event).expect("jcs");
    VerifyingKey::from_bytes(&k.verifying_key().to_bytes())
        .expect("a key")
        .verify_strict(&message, &Signature::from_bytes(&bytes))
        .is_ok()
}

#[test]
fn a_founding_record_signed_with_the_key_it_registers_is_accepted_and_stored_signed() {
    let (c, a) = (key(1), key(2));
    let (backend, ledger) = keyed_ledger(&c, &a);
    assert_eq!(ledger.len(), 3);
    check_chain(backend.as_ref());
    for seq in 0..3 {
        assert!(auditor_verifies(backend.as_ref(), seq, &c), "record {seq}");
        assert!(
            !auditor_verifies(backend.as_ref(), seq, &a),
            "record {seq} under another key"
        );
    }
    // The registry rebuilt at open judges the same way.
    ledger.close();
    let again = open(backend.clone());
    let r = rejected(again.append_values(vec![account("spare", "city")]));
    assert_eq!(r.code, "missing_signature");
    again.append_values(vec![signed(account("spare", "city"), &c)]).unwrap();
}

#[test]
fn a_founding_record_that_brings_a_key_unsigned_or_signed_by_another_is_refused() {
    let c = key(1);
    let ledger = open(mem());
    let founding = with_key(entity("city", "government", "city"), &c);
    let r = rejected(ledger.append_values(vec![founding.clone()]));
    assert_eq!((r.code, r.field.as_str()), ("missing_signature", "signature"));
    let r = rejected(ledger.append_values(vec![signed(founding, &key(2))]));
    assert_eq!(r.code, "bad_signature");
    assert_eq!(ledger.len(), 0);
}

#[test]
fn an_unsigned_event_of_an_entity_with_a_key_is_refused_and_nothing_is_written() {
    let (c, a) = (key(1), key(2));
    let (backend, ledger) = keyed_ledger(&c, &a);
    let head = ledger.head();
    let acme_account = account("acme-acct", "acme");
    let mut by_acme = account("acme-savings", "acme");
    by_acme["actor"] = json!("acme");
    // The first event of the batch is fine; the second is not signed.
    let r = rejected(ledger.append_values(vec![signed(acme_account, &c), by_acme.clone()]));
    assert_eq!(
        (r.code, r.field.as_str(), r.index),
        ("missing_signature", "signature", Some(1))
    );
    assert!(r.message.contains("\"acme\" registered a public key"), "{r}");
    assert_eq!(ledger.head(), head);
    assert!(backend.get(head.len).unwrap().is_none(), "nothing past the head");
    // Signed with acme's key, the same event is recorded; with city's, not.
    let r = rejected(ledger.append_values(vec![signed(by_acme.clone(), &c)]));
    assert_eq!(r.code, "bad_signature");
    ledger.append_values(vec![signed(by_acme, &a)]).unwrap();
    assert_eq!(ledger.len(), head.len + 1);
}

#[test]
fn a_signature_from_an_entity_without_a_key_is_refused() {
    let ledger = open(mem());
    ledger.append_values(founding()).unwrap();
    let r = rejected(ledger.append_values(vec![signed(account("x", "city"), &key(1))]));
    assert_eq!((r.code, r.field.as_str()), ("unexpected_signature", "signature"));
    // A signed event without an id never reaches the writer.
    let mut v = signed(account("x", "city"), &key(1));
    v.as_object_mut().unwrap().remove("id");
    assert_eq!(prepare(v).unwrap_err().code, "missing_field");
}

#[test]
fn a_key_rotation_is_signed_by_the_registering_actor_and_the_old_key_stops_working() {
    // acme's key is replaced the way the registry allows it: city voids
    // acme's registration (seq 1) and registers acme again with a new key.
    // Both are city's events, so city's registered key signs them; the new
    // key cannot authorise its own introduction.
    let (c, old, new) = (key(1), key(2), key(3));
    let (_backend, ledger) = keyed_ledger(&c, &old);
    let void = with_id(
        ev(
            "event.voided",
            "city",
            json!({"seq": 1, "reason": "acme's key was replaced"}),
        ),
        "v-acme",
    );
    let again = with_id(with_key(entity("acme", "enterprise", "city"), &new), "e-acme-2");
    let r = rejected(ledger.append_values(vec![signed(void.clone(), &c), signed(again.clone(), &new)]));
    assert_eq!((r.code, r.index), ("bad_signature", Some(1)));
    assert_eq!(ledger.len(), 3);
    ledger.append_values(vec![signed(void, &c), signed(again, &c)]).unwrap();
    let mut by_acme = account("acme-acct", "acme");
    by_acme["actor"] = json!("acme");
    let r = rejected(ledger.append_values(vec![signed(by_acme.clone(), &old)]));
    assert_eq!(r.code, "bad_signature");
    ledger.append_values(vec![signed(by_acme, &new)]).unwrap();
}

#[test]
fn an_actor_that_has_a_key_is_judged_by_it_when_it_registers_a_new_one() {
    // Directly at the ledger: the event carrying a new key for its own actor
    // is checked against the actor's current key, before the registry sees
    // it. (The registry then refuses a second registration of the same
    // entity, so only the signature decision is looked at here.)
    let (c, a, new) = (key(1), key(2), key(3));
    let (_backend, ledger) = keyed_ledger(&c, &a);
    let mut rotate = with_key(entity("acme", "enterprise", "acme"), &new);
    rotate["id"] = json!("rotate-acme");
    let r = rejected(ledger.append_values(vec![signed(rotate.clone(), &new)]));
    assert_eq!(r.code, "bad_signature", "the new key is not the judge: {r}");
    let r = rejected(ledger.append_values(vec![signed(rotate, &a)]));
    assert_ne!(r.field, "signature", "the old key passes the signature check: {r}");
}

#[test]
fn a_request_with_a_bad_signature_does_not_disturb_the_others_in_its_group() {
    let (c, a) = (key(1), key(2));
    let (backend, ledger) = keyed_ledger(&c, &a);
    ledger
        .append_values(vec![signed(account("acme-acct", "city"), &c)])
        .unwrap();
    let base = ledger.len();
    let (tx, rx) = std::sync::mpsc::channel();
    for i in 0..20 {
        let e = with_id(
            ev(
                "fund.disbursed",
                "city",
                json!({"disbursement_id": format!("d{i}"), "from_account": "treasury", "to_account": "acme-acct",
                       "amount": "1", "purpose": "roads"}),
            ),
            &format!("d{i}"),
        );
        // Every third request is signed by the wrong key, every seventh is
        // changed after signing; the rest are good.
        let e = if i % 3 == 0 {
            signed(e, &a)
        } else if i % 7 == 0 {
            let mut s = signed(e, &c);
            s["data"]["amount"] = json!("100");
            s
        } else {
            signed(e, &c)
        };
        let tx = tx.clone();
        ledger.submit(vec![prep(e)], move |r| tx.send((i, r)).unwrap());
    }
    drop(tx);
    let mut results: Vec<_> = rx.iter().collect();
    results.sort_by_key(|(i, _)| *i);
    assert_eq!(results.len(), 20);
    let mut good = 0;
    for (i, r) in results {
        let expect_ok = i % 3 != 0 && i % 7 != 0;
        match r {
            Ok(_) => {
                assert!(expect_ok, "request {i} was accepted");
                good += 1;
            }
            Err(e) => {
                assert!(!expect_ok, "request {i}: {e:?}");
                assert_eq!(rejected(Err(e)).code, "bad_signature");
            }
        }
    }
    assert_eq!(ledger.len(), base + good);
    check_chain(backend.as_ref());
    for seq in base..ledger.len() {
        assert!(auditor_verifies(backend.as_ref(), seq, &c), "record {seq}");
    }
}

#[test]
fn a_signed_event_sent_again_is_an_idempotent_repeat() {
    let (c, a) = (key(1), key(2));
    let (_backend, ledger) = keyed_ledger(&c, &a);
    let mut e = account("spare", "city");
    e.as_object_mut().unwrap().remove("id");
    // Signing the same unsigned event twice gives the same id and bytes.
    let first = ledger.append_values(vec![signed(e.clone(), &c)]).unwrap();
    let second = ledger.append_values(vec![signed(e, &c)]).unwrap();
    assert!(second.all_repeats());
    assert_eq!(first.receipts[0].seq, second.receipts[0].seq);
    // The same line changed after signing: the signature is what is wrong.
    let mut changed = stored_event(ledger.backend().as_ref(), first.receipts[0].seq);
    changed["data"]["name"] = json!("another name");
    let r = rejected(ledger.append_values(vec![changed]));
    assert_eq!(r.code, "bad_signature");
}

#[test]
fn a_streamed_import_checks_signatures_too() {
    let (c, a) = (key(1), key(2));
    let (backend, ledger) = keyed_ledger(&c, &a);
    let head = ledger.head();
    let lines: Vec<Value> = (0..3)
        .map(|i| signed(account(&format!("imp{i}"), "city"), &c))
        .collect();
    let mut text: Vec<String> = lines.iter().map(Value::to_string).collect();
    // One byte of the last line changed after signing.
    text[2] = text[2].replace("imp2", "imp3");
    let import = |text: String| {
        let (tx, rx) = Ledger::import_channel();
        std::thread::scope(|s| {
            s.spawn(move || pledger_store::input::feed(text.as_bytes(), tx, |_| {}).unwrap());
            ledger.import(rx)
        })
    };
    let r = rejected(import(text.join("\n")));
    assert_eq!((r.code, r.index), ("bad_signature", Some(2)));
    assert_eq!(ledger.head(), head);
    assert!(backend.get(head.len).unwrap().is_none(), "nothing past the head");
    text[2] = lines[2].to_string();
    assert_eq!(import(text.join("\n")).unwrap().appended(), 3);
}

/// An insider rewrites a signed event and recomputes every hash, node and
/// the head, as a ledger-key holder could: the log is internally
/// consistent, but the entity's signature no longer covers the event, and
/// opening the ledger (as `pledger serve` and `pledger verify` do) says so.
#[test]
fn a_rewritten_signed_event_is_caught_at_open_even_with_every_hash_recomputed() {
    use pledger_core::merkle::Frontier;
    use pledger_core::record::{jcs, record_body, record_hash, ZERO_HASH};
    use pledger_store::{Head, StoredRecord, WriteBatch};

    let (city, acme) = (key(1), key(2));
    let (backend, ledger) = keyed_ledger(&city, &acme);
    ledger.close();
    let mut events: Vec<Value> = (0..backend.head().unwrap().len)
        .map(|s| stored_event(backend.as_ref(), s))
        .collect();
    // The treasury's name is changed; the signature is left as it was.
    events[2]["data"]["name"] = json!("another name");

    let forged: Arc<dyn LogBackend> = mem();
    let (mut frontier, mut prev, mut batch) = (Frontier::new(), ZERO_HASH, WriteBatch::default());
    for (seq, e) in events.iter().enumerate() {
        let body = record_body(seq as u64, "2026-11-27T00:00:00.000Z", &prev, &jcs(e).unwrap());
        let hash = record_hash(&body);
        batch.nodes.extend(frontier.push(&hash));
        batch.records.push(StoredRecord::new(seq as u64, &hash, &body));
        prev = hash;
    }
    batch.head = Some(Head {
        len: events.len() as u64,
        hash: prev,
    });
    forged.write(batch).unwrap();
    assert!(
        pledger_store::verify_log(forged.as_ref(), |_| {}).is_ok(),
        "the forgery is hash-consistent"
    );
    let err = match Ledger::open(forged) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a forged signed event must not open"),
    };
    assert!(err.contains("record 2") && err.contains("signature"), "{err}");
}
