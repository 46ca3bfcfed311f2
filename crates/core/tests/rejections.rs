//! Every rejection kind (`RejectionKind::ALL`) is raised by some input, with
//! nothing written: the match below is exhaustive, so a new kind must be
//! given the input that raises it.

mod common;

use common::*;
use pledger_core::registry::Origin;
use pledger_core::signature::signed_part;
use pledger_core::{Event, Journal, Rejection, RejectionKind};
use serde_json::{json, Value};

/// Parses and admits `v` (signature included) against the standard world
/// plus an entity `keyed` that registered a public key.
fn judge(v: &Value) -> Result<(), Rejection> {
    let mut w = World::standard();
    let mut keyed = entity("keyed", "enterprise", "city");
    keyed["data"]["public_key"] = json!("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    w.ok(keyed);
    let before = w.reg.next_seq();
    let e = Event::parse(v)?;
    let signed = signed_part(v)?;
    let mut journal = Journal::new();
    let r = w.reg.admit_with(&e, signed.as_ref(), Origin::New, &mut journal);
    if r.is_err() {
        assert_eq!(w.reg.next_seq(), before, "a refusal writes nothing");
    }
    r
}

fn text(t: &str) -> Result<(), Rejection> {
    Event::parse_text(t).map(|_| ())
}

fn raise(kind: RejectionKind) -> Option<Result<(), Rejection>> {
    use RejectionKind as K;
    let signature = "A".repeat(86) + "==";
    Some(match kind {
        K::InvalidJson => text("{\"type\": "),
        K::NotAnObject => judge(&json!(["not", "an", "event"])),
        // An array with no events is refused by the HTTP layer and the
        // command line before any event is read (tests/server.rs).
        K::EmptyBatch => return None,
        K::UnknownType => judge(&ev("fund.teleported", "city", json!({}))),
        K::UnknownField => judge(&with(
            disbursement("d9", "treasury", "acme-acct"),
            &["amout"],
            json!("1"),
        )),
        K::MissingField => {
            let mut d = disbursement("d9", "treasury", "acme-acct");
            d["data"].as_object_mut().map(|o| o.remove("purpose"));
            judge(&d)
        }
        K::InvalidField => judge(&disbursement("d9", "treasury", "treasury")),
        K::BadAmount => judge(&with(
            disbursement("d9", "treasury", "acme-acct"),
            &["amount"],
            json!("1.001"),
        )),
        K::UnknownReference => judge(&disbursement("d9", "treasury", "nowhere")),
        K::DuplicateId => judge(&account("treasury", "finance", "city")),
        K::IdConflict => {
            let mut w = World::standard();
            w.ok(ev_id("k1", "fund.received", "acme", json!({"disbursement_id": "d1"})));
            w.admit(ev_id("k1", "fund.received", "acme", json!({"disbursement_id": "d2"})))
        }
        K::UnknownActor => judge(&account("x", "acme", "ghost")),
        K::NotFounded => {
            let mut w = World::empty();
            w.admit(account("x", "city", "city"))
        }
        K::NotPermitted => judge(&ev(
            "fund.disbursed",
            "acme",
            json!({"disbursement_id": "d9", "from_account": "treasury", "to_account": "acme-acct",
                   "amount": "5", "purpose": "self"}),
        )),
        K::AlreadyVoided => {
            let mut w = World::standard();
            w.ok(void(8, "audit"));
            w.admit(void(8, "audit"))
        }
        K::MissingSignature => judge(&ev_id(
            "k2",
            "account.opened",
            "keyed",
            json!({"account_id": "k-acct", "holder": "keyed", "name": "a", "kind": "internal"}),
        )),
        K::BadSignature => {
            let mut v = ev_id(
                "k3",
                "account.opened",
                "keyed",
                json!({"account_id": "k-acct", "holder": "keyed", "name": "a", "kind": "internal"}),
            );
            v["signature"] = json!(signature);
            judge(&v)
        }
        K::UnexpectedSignature => {
            let mut v = ev_id(
                "k4",
                "account.opened",
                "acme",
                json!({"account_id": "a-2", "holder": "acme", "name": "a", "kind": "internal"}),
            );
            v["signature"] = json!(signature);
            judge(&v)
        }
    })
}

#[test]
fn every_rejection_kind_is_raised_by_some_input() {
    for kind in RejectionKind::ALL {
        let Some(result) = raise(*kind) else { continue };
        let r = result.expect_err(kind.as_str());
        assert_eq!(r.kind, *kind, "expected {kind}, got {}: {r}", r.code);
        assert!(!r.message.is_empty());
    }
}
