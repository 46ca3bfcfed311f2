//! The registry's rules, one test per rule: every way `Registry::admit`
//! refuses an event (with its `code` and `field`), beside a valid
//! counterpart that is accepted, and `Registry::rollback` undoing a journal
//! exactly.
//!
//! Tests read as given / when / then. The shared "world" is a small ledger:
//!
//! | seq | event                                                             |
//! |-----|-------------------------------------------------------------------|
//! | 0   | entity `city` (government), founding, actor `city`                |
//! | 1   | entity `finance` (department, parent `city`)                      |
//! | 2   | entity `acme` (enterprise)                                        |
//! | 3   | entity `audit` (auditor)                                          |
//! | 4   | entity `zhang` (person)                                           |
//! | 5   | account `treasury` held by `finance` (source)                     |
//! | 6   | account `acme-acct` held by `acme` (internal), actor `acme`       |
//! | 7   | target `t1` assigned to `acme`, responsible `zhang`               |
//! | 8   | allocation `alloc1` treasury → acme-acct                          |
//! | 9   | commitment `c1` city → acme, condition `land` on `t1`, clawback t1 |
//! | 10  | disbursement `d1` treasury → acme-acct, alloc1, c1                |
//! | 11  | scheme `s1` on `t1`                                               |
//! | 12  | payout `p1` of `s1` to `zhang` from `treasury`                    |

mod common;

use common::*;
use pledger_core::registry::Namespace;
use pledger_core::Journal;
use serde_json::{json, Value};

// ------------------------------------------------------------- founding

#[test]
fn given_an_empty_ledger_when_the_first_record_is_not_an_entity_registration_then_it_is_refused() {
    let mut w = World::empty();
    w.refused(account("treasury", "city", "city"), "not_founded", "actor");
    w.refused(target("t1", "city"), "not_founded", "actor");
    w.refused(void(0, "city"), "not_founded", "actor");
    assert_eq!(w.reg.next_seq(), 0);
}

#[test]
fn given_an_empty_ledger_when_the_first_registration_is_not_of_its_own_actor_then_it_is_refused() {
    let mut w = World::empty();
    w.refused(entity("city", "government", "someone-else"), "not_founded", "actor");
    w.refused(entity("finance", "department", "city"), "not_founded", "actor");
    assert_eq!(w.reg.next_seq(), 0);
}

#[test]
fn given_an_empty_ledger_when_an_entity_registers_itself_then_it_founds_the_ledger() {
    let mut w = World::empty();
    w.ok(entity("city", "government", "city"));
    assert_eq!(w.reg.next_seq(), 1);
    let info = w.reg.seq_info(0).expect("seq 0 recorded");
    assert_eq!(w.reg.entity_id(info.actor), "city");
    assert!(w.reg.get(Namespace::Entity, "city").is_some());
    // The founder can now act.
    w.ok(entity("finance", "department", "city"));
}

#[test]
fn given_a_founded_ledger_when_another_entity_registers_itself_then_its_actor_is_unknown() {
    let mut w = World::empty();
    w.ok(entity("city", "government", "city"));
    // The founding exception applies to the first record only.
    w.refused(entity("rogue", "government", "rogue"), "unknown_actor", "actor");
}

// ------------------------------------------------------------ the actor

#[test]
fn an_event_by_an_unregistered_actor_is_refused_and_by_a_registered_one_accepted() {
    let mut w = World::standard();
    let r = w.refused(account("acct-x", "acme", "ghost"), "unknown_actor", "actor");
    assert!(r.message.contains("ghost"));
    w.ok(account("acct-x", "acme", "acme"));
}

#[test]
fn an_actor_named_only_in_another_kind_is_still_unknown() {
    let mut w = World::standard();
    // "treasury" is an account, not an entity.
    w.refused(account("acct-x", "acme", "treasury"), "unknown_actor", "actor");
}

// ------------------------------------------------------- → references

#[test]
fn an_entity_parent_must_be_a_registered_entity() {
    let mut e = entity("county", "county", "city");
    e["data"]["parent"] = json!("x");
    reference_rule(e, &["parent"], "data.parent", json!("city"));
}

#[test]
fn an_account_holder_must_be_a_registered_entity() {
    reference_rule(
        account("acct-x", "x", "city"),
        &["holder"],
        "data.holder",
        json!("acme"),
    );
}

#[test]
fn a_target_assignee_must_be_a_registered_entity() {
    reference_rule(target("t2", "x"), &["assignee"], "data.assignee", json!("acme"));
}

#[test]
fn every_responsible_person_of_a_target_must_be_a_registered_entity() {
    let mut t = target("t2", "acme");
    t["data"]["responsible"] = json!([{"person": "zhang", "role": "lead"}, {"person": "x", "role": "deputy"}]);
    reference_rule(
        t,
        &["responsible", "1", "person"],
        "data.responsible[1].person",
        json!("zhang"),
    );
    let mut t = target("t3", "acme");
    t["data"]["responsible"] = json!([{"person": "x", "role": "lead"}]);
    reference_rule(
        t,
        &["responsible", "0", "person"],
        "data.responsible[0].person",
        json!("acme"),
    );
}

#[test]
fn a_target_revision_must_name_an_assigned_target() {
    let e = ev(
        "target.revised",
        "city",
        json!({"target_id": "x", "threshold": "6", "reason": "more"}),
    );
    reference_rule(e, &["target_id"], "data.target_id", json!("t1"));
}

#[test]
fn a_progress_report_must_name_an_assigned_target() {
    let e = ev(
        "target.progress_reported",
        "acme",
        json!({"target_id": "x", "value": "3", "as_of": "2026-02-28"}),
    );
    reference_rule(e, &["target_id"], "data.target_id", json!("t1"));
}

#[test]
fn a_verification_must_name_an_assigned_target() {
    let e = ev(
        "target.verified",
        "audit",
        json!({"target_id": "x", "value": "3", "as_of": "2026-02-28"}),
    );
    reference_rule(e, &["target_id"], "data.target_id", json!("t1"));
}

#[test]
fn an_incentive_scheme_must_name_an_assigned_target() {
    reference_rule(scheme("s2", "x"), &["target_id"], "data.target_id", json!("t1"));
}

#[test]
fn an_allocation_must_name_opened_accounts_on_both_sides() {
    reference_rule(
        allocation("alloc2", "x", "acme-acct"),
        &["from_account"],
        "data.from_account",
        json!("treasury"),
    );
    reference_rule(
        allocation("alloc2", "treasury", "x"),
        &["to_account"],
        "data.to_account",
        json!("acme-acct"),
    );
}

#[test]
fn a_disbursement_must_name_opened_accounts_on_both_sides() {
    reference_rule(
        disbursement("d2", "x", "acme-acct"),
        &["from_account"],
        "data.from_account",
        json!("treasury"),
    );
    reference_rule(
        disbursement("d2", "treasury", "x"),
        &["to_account"],
        "data.to_account",
        json!("acme-acct"),
    );
}

#[test]
fn an_account_reference_does_not_accept_an_entity_of_the_same_name() {
    let mut w = World::standard();
    // "acme" is an entity; as an account it names nothing.
    w.refused(
        disbursement("d2", "treasury", "acme"),
        "unknown_reference",
        "data.to_account",
    );
}

#[test]
fn a_disbursement_against_an_allocation_must_name_a_recorded_allocation() {
    let mut d = disbursement("d2", "treasury", "acme-acct");
    d["data"]["allocation_id"] = json!("x");
    reference_rule(d, &["allocation_id"], "data.allocation_id", json!("alloc1"));
}

#[test]
fn a_disbursement_paying_a_commitment_must_name_a_recorded_commitment() {
    let mut d = disbursement("d2", "treasury", "acme-acct");
    d["data"]["commitment_id"] = json!("x");
    reference_rule(d, &["commitment_id"], "data.commitment_id", json!("c1"));
}

#[test]
fn a_receipt_confirmation_must_name_a_recorded_disbursement() {
    let e = ev("fund.received", "acme", json!({"disbursement_id": "x"}));
    reference_rule(e, &["disbursement_id"], "data.disbursement_id", json!("d1"));
}

#[test]
fn a_commitment_must_name_registered_promisor_and_beneficiary() {
    reference_rule(
        commitment("c2", "x", "acme"),
        &["promisor"],
        "data.promisor",
        json!("city"),
    );
    reference_rule(
        commitment("c2", "city", "x"),
        &["beneficiary"],
        "data.beneficiary",
        json!("acme"),
    );
}

#[test]
fn a_commitment_condition_naming_a_target_must_name_an_assigned_target() {
    let mut c = commitment("c2", "city", "acme");
    c["data"]["conditions"] = json!([{"condition_id": "a", "text": "first"},
                                     {"condition_id": "b", "text": "second", "target_id": "x"}]);
    reference_rule(
        c,
        &["conditions", "1", "target_id"],
        "data.conditions[1].target_id",
        json!("t1"),
    );
}

#[test]
fn every_clawback_target_must_name_an_assigned_target() {
    let mut c = commitment("c2", "city", "acme");
    c["data"]["clawback_targets"] = json!(["t1", "x"]);
    reference_rule(c, &["clawback_targets", "1"], "data.clawback_targets[1]", json!("t1"));
}

#[test]
fn commitment_follow_ups_must_name_a_recorded_commitment() {
    let cases = [
        ev(
            "commitment.condition_met",
            "city",
            json!({"commitment_id": "x", "condition_id": "licence"}),
        ),
        ev("commitment.fulfilled", "city", json!({"commitment_id": "x"})),
        ev(
            "commitment.disputed",
            "acme",
            json!({"commitment_id": "x", "reason": "late"}),
        ),
        ev(
            "commitment.breached",
            "audit",
            json!({"commitment_id": "x", "reason": "never paid"}),
        ),
        ev(
            "commitment.waived",
            "acme",
            json!({"commitment_id": "x", "reason": "policy", "authority": "mayor"}),
        ),
    ];
    for e in cases {
        reference_rule(e, &["commitment_id"], "data.commitment_id", json!("c1"));
    }
}

#[test]
fn a_met_condition_must_be_one_of_the_commitments_own_conditions() {
    let mut w = World::standard();
    let r = w.refused(
        ev(
            "commitment.condition_met",
            "city",
            json!({"commitment_id": "c1", "condition_id": "permit"}),
        ),
        "unknown_reference",
        "data.condition_id",
    );
    assert!(
        r.message.contains("permit") && r.message.contains("c1"),
        "{}",
        r.message
    );
    w.ok(ev(
        "commitment.condition_met",
        "city",
        json!({"commitment_id": "c1", "condition_id": "licence"}),
    ));
    // A condition of another commitment does not count for this one.
    let mut c2 = commitment("c2", "city", "acme");
    c2["data"]["conditions"] = json!([{"condition_id": "permit", "text": "permit issued"}]);
    w.ok(c2);
    w.refused(
        ev(
            "commitment.condition_met",
            "city",
            json!({"commitment_id": "c1", "condition_id": "permit"}),
        ),
        "unknown_reference",
        "data.condition_id",
    );
    w.ok(ev(
        "commitment.condition_met",
        "city",
        json!({"commitment_id": "c2", "condition_id": "permit"}),
    ));
}

#[test]
fn a_payout_must_name_a_set_scheme_a_registered_payee_and_an_opened_account() {
    reference_rule(
        payout("p2", "x", "zhang"),
        &["scheme_id"],
        "data.scheme_id",
        json!("s1"),
    );
    reference_rule(payout("p2", "s1", "x"), &["payee"], "data.payee", json!("zhang"));
    let mut p = payout("p2", "s1", "zhang");
    p["data"]["from_account"] = json!("x");
    reference_rule(p, &["from_account"], "data.from_account", json!("treasury"));
}

#[test]
fn a_clawback_must_name_a_recorded_payout() {
    let e = ev(
        "incentive.clawed_back",
        "city",
        json!({"payout_id": "x", "amount": "5", "reason": "target missed"}),
    );
    reference_rule(e, &["payout_id"], "data.payout_id", json!("p1"));
}

// ---------------------------------------------------------- uniqueness

#[test]
fn an_identifier_may_not_be_registered_twice_within_its_kind() {
    let cases: Vec<(Value, &str)> = vec![
        (entity("acme", "enterprise", "city"), "data.entity_id"),
        (account("treasury", "finance", "city"), "data.account_id"),
        (target("t1", "acme"), "data.target_id"),
        (allocation("alloc1", "treasury", "acme-acct"), "data.allocation_id"),
        (disbursement("d1", "treasury", "acme-acct"), "data.disbursement_id"),
        (commitment("c1", "city", "acme"), "data.commitment_id"),
        (scheme("s1", "t1"), "data.scheme_id"),
        (payout("p1", "s1", "zhang"), "data.payout_id"),
    ];
    let mut w = World::standard();
    for (dup, field) in cases {
        w.refused(dup, "duplicate_id", field);
    }
    assert_eq!(w.reg.next_seq(), 13);
}

#[test]
fn the_same_identifier_may_be_used_once_in_every_kind() {
    let mut w = World::standard();
    let s = "shared-1";
    w.ok(entity(s, "enterprise", "city"));
    w.ok(account(s, s, "city"));
    w.ok(target(s, s));
    w.ok(allocation(s, "treasury", s));
    w.ok(disbursement(s, "treasury", s));
    w.ok(commitment(s, "city", s));
    w.ok(scheme(s, s));
    w.ok(payout(s, s, s));
    for ns in [
        Namespace::Entity,
        Namespace::Account,
        Namespace::Target,
        Namespace::Allocation,
        Namespace::Disbursement,
        Namespace::Commitment,
        Namespace::Scheme,
        Namespace::Payout,
    ] {
        assert!(w.reg.get(ns, s).is_some(), "{ns:?} holds {s}");
    }
    // ... and each kind still refuses a second one.
    w.refused(account(s, "acme", "city"), "duplicate_id", "data.account_id");
}

#[test]
fn a_client_id_may_not_be_reused_by_another_event() {
    let mut w = World::standard();
    w.ok(ev_id(
        "key-1",
        "fund.received",
        "acme",
        json!({"disbursement_id": "d1"}),
    ));
    assert_eq!(w.reg.seq_of_id("key-1"), Some(13));
    let r = w.refused(
        ev_id("key-1", "commitment.fulfilled", "city", json!({"commitment_id": "c1"})),
        "id_conflict",
        "id",
    );
    assert!(r.message.contains("13"), "names the first seq: {}", r.message);
    w.ok(ev_id(
        "key-2",
        "commitment.fulfilled",
        "city",
        json!({"commitment_id": "c1"}),
    ));
    // A client id does not clash with a domain identifier of the same text.
    w.ok(ev_id(
        "c1",
        "commitment.fulfilled",
        "city",
        json!({"commitment_id": "c1"}),
    ));
}

// ---------------------------------------------------------- who may act

#[test]
fn the_assignee_may_not_verify_its_own_target_but_anyone_else_may() {
    let mut w = World::standard();
    let verify = |actor: &str| {
        ev(
            "target.verified",
            actor,
            json!({"target_id": "t1", "value": "6", "as_of": "2026-12-31"}),
        )
    };
    let r = w.refused(verify("acme"), "not_permitted", "actor");
    assert!(r.message.contains("acme") && r.message.contains("t1"), "{}", r.message);
    w.ok(verify("audit"));
    w.ok(verify("city"));
    // The assignee may claim progress (that is not a verification).
    w.ok(ev(
        "target.progress_reported",
        "acme",
        json!({"target_id": "t1", "value": "6", "as_of": "2026-12-31"}),
    ));
}

#[test]
fn only_the_receiving_accounts_holder_may_confirm_a_receipt() {
    let mut w = World::standard();
    let received = |actor: &str| ev("fund.received", actor, json!({"disbursement_id": "d1"}));
    // The sender's holder, an auditor and the government cannot.
    for other in ["finance", "audit", "city"] {
        let r = w.refused(received(other), "not_permitted", "actor");
        assert!(r.message.contains("acme"), "names the holder: {}", r.message);
    }
    w.ok(received("acme"));
}

#[test]
fn only_the_beneficiary_may_dispute_a_commitment() {
    let mut w = World::standard();
    let dispute = |actor: &str| {
        ev(
            "commitment.disputed",
            actor,
            json!({"commitment_id": "c1", "reason": "late"}),
        )
    };
    w.refused(dispute("city"), "not_permitted", "actor");
    w.refused(dispute("audit"), "not_permitted", "actor");
    w.ok(dispute("acme"));
}

#[test]
fn only_an_auditor_may_declare_a_commitment_breached() {
    let mut w = World::standard();
    let breach = |actor: &str| {
        ev(
            "commitment.breached",
            actor,
            json!({"commitment_id": "c1", "reason": "never paid"}),
        )
    };
    for other in ["city", "acme", "finance"] {
        w.refused(breach(other), "not_permitted", "actor");
    }
    w.ok(breach("audit"));
    // Any entity registered as an auditor counts, not just the first one.
    w.ok(entity("audit-2", "auditor", "city"));
    w.ok(breach("audit-2"));
}

// ---------------------------------------------------------------- voids

#[test]
fn a_record_may_be_voided_by_its_own_actor() {
    let mut w = World::standard();
    // seq 6: account acme-acct, recorded by acme.
    w.refused(void(6, "city"), "not_permitted", "actor");
    w.refused(void(6, "finance"), "not_permitted", "actor");
    w.ok(void(6, "acme"));
    assert!(w.reg.seq_info(6).unwrap().voided);
}

#[test]
fn an_auditor_may_void_anyone_elses_record() {
    let mut w = World::standard();
    // seq 8: allocation recorded by finance.
    w.ok(void(8, "audit"));
    assert!(w.reg.seq_info(8).unwrap().voided);
}

#[test]
fn the_founding_record_cannot_be_voided_by_anyone() {
    let mut w = World::standard();
    w.refused(void(0, "city"), "not_permitted", "data.seq");
    w.refused(void(0, "audit"), "not_permitted", "data.seq");
}

#[test]
fn a_void_cannot_itself_be_voided() {
    let mut w = World::standard();
    w.ok(void(8, "finance"));
    w.refused(void(13, "finance"), "not_permitted", "data.seq");
    w.refused(void(13, "audit"), "not_permitted", "data.seq");
}

#[test]
fn a_record_cannot_be_voided_twice() {
    let mut w = World::standard();
    w.ok(void(8, "finance"));
    w.refused(void(8, "finance"), "already_voided", "data.seq");
    w.refused(void(8, "audit"), "already_voided", "data.seq");
}

#[test]
fn a_void_must_name_a_seq_that_exists() {
    let mut w = World::standard();
    let r = w.refused(void(13, "audit"), "unknown_reference", "data.seq");
    assert!(r.message.contains("13"), "{}", r.message);
    w.refused(void(10_000, "audit"), "unknown_reference", "data.seq");
    w.ok(void(12, "audit"));
}

#[test]
fn after_an_account_opening_is_voided_the_account_cannot_be_referenced_and_its_id_is_free() {
    let mut w = World::standard();
    w.ok(void(6, "acme"));
    assert!(w.reg.get(Namespace::Account, "acme-acct").is_none());
    w.refused(
        disbursement("d2", "treasury", "acme-acct"),
        "unknown_reference",
        "data.to_account",
    );
    w.refused(
        allocation("alloc2", "acme-acct", "treasury"),
        "unknown_reference",
        "data.from_account",
    );
    // A corrected opening reuses the id, and the account works again.
    w.ok(account("acme-acct", "acme", "acme"));
    w.ok(disbursement("d2", "treasury", "acme-acct"));
    w.ok(ev("fund.received", "acme", json!({"disbursement_id": "d2"})));
}

#[test]
fn what_a_voided_event_created_stops_existing_for_every_kind() {
    // (seq, namespace, id, a reference to it that must then be refused, field)
    let cases: Vec<(u64, Namespace, &str, Value, &str)> = vec![
        (4, Namespace::Entity, "zhang", payout("p2", "s1", "zhang"), "data.payee"),
        (7, Namespace::Target, "t1", scheme("s2", "t1"), "data.target_id"),
        (
            8,
            Namespace::Allocation,
            "alloc1",
            with(
                disbursement("d2", "treasury", "acme-acct"),
                &["allocation_id"],
                json!("alloc1"),
            ),
            "data.allocation_id",
        ),
        (
            10,
            Namespace::Disbursement,
            "d1",
            ev("fund.received", "acme", json!({"disbursement_id": "d1"})),
            "data.disbursement_id",
        ),
        (
            9,
            Namespace::Commitment,
            "c1",
            ev("commitment.fulfilled", "city", json!({"commitment_id": "c1"})),
            "data.commitment_id",
        ),
        (
            11,
            Namespace::Scheme,
            "s1",
            payout("p2", "s1", "zhang"),
            "data.scheme_id",
        ),
        (
            12,
            Namespace::Payout,
            "p1",
            ev(
                "incentive.clawed_back",
                "city",
                json!({"payout_id": "p1", "amount": "1", "reason": "r"}),
            ),
            "data.payout_id",
        ),
    ];
    for (seq, ns, id, reference, field) in cases {
        let mut w = World::standard();
        w.ok(reference.clone());
        let mut w2 = World::standard();
        w2.ok(void(seq, "audit"));
        assert!(w2.reg.get(ns, id).is_none(), "{id} is gone after voiding seq {seq}");
        w2.refused(reference, "unknown_reference", field);
    }
}

#[test]
fn a_voided_entity_can_no_longer_act() {
    let mut w = World::standard();
    w.ok(void(4, "city"));
    w.refused(account("zhang-acct", "acme", "zhang"), "unknown_actor", "actor");
}

// ------------------------------------------------------------- rollback

/// A probe set: each event is tried on its own (state restored by rollback
/// after each), so the outcomes describe the registry's behaviour.
fn probes() -> Vec<Value> {
    vec![
        entity("newco", "enterprise", "city"),
        entity("acme", "enterprise", "city"),
        account("new-acct", "acme", "acme"),
        account("acme-acct", "acme", "acme"),
        disbursement("d2", "treasury", "acme-acct"),
        disbursement("d2", "treasury", "new-acct"),
        ev("fund.received", "acme", json!({"disbursement_id": "d1"})),
        ev("fund.received", "newco", json!({"disbursement_id": "d1"})),
        target("t2", "newco"),
        void(6, "acme"),
        void(8, "audit"),
        void(13, "audit"),
        void(14, "audit"),
        ev_id("key-1", "commitment.fulfilled", "city", json!({"commitment_id": "c1"})),
        ev_id("key-2", "commitment.fulfilled", "city", json!({"commitment_id": "c1"})),
        account("x-acct", "newco", "newco"),
    ]
}

fn behaviour(w: &mut World) -> Vec<Result<u64, (String, String)>> {
    probes()
        .into_iter()
        .map(|v| {
            let e = World::parse(&v);
            let mut j = Journal::new();
            let seq = w.reg.next_seq();
            let r = w.reg.admit(&e, &mut j);
            w.reg.rollback(&mut j);
            assert!(j.is_empty(), "rollback empties the journal");
            assert_eq!(w.reg.next_seq(), seq);
            r.map(|_| seq).map_err(|r| (r.code.to_string(), r.field.clone()))
        })
        .collect()
}

#[test]
fn given_a_journal_of_admitted_events_when_it_is_rolled_back_then_the_registry_behaves_exactly_as_before() {
    let mut touched = World::standard();
    let mut pristine = World::standard();
    let expected = behaviour(&mut pristine);

    // When: a batch that registers, opens, voids (removing an account and an
    // entity), uses client ids, and confirms a receipt is admitted ...
    let mut journal = Journal::new();
    let batch = vec![
        entity("newco", "enterprise", "city"),
        account("new-acct", "newco", "newco"),
        void(6, "acme"),
        void(4, "audit"),
        ev_id("key-1", "fund.received", "acme", json!({"disbursement_id": "d1"})),
        disbursement("d2", "treasury", "new-acct"),
        target("t2", "newco"),
        void(14, "newco"),
    ];
    for v in batch {
        touched.admit_into(v, &mut journal).expect("batch event accepted");
    }
    assert_eq!(touched.reg.next_seq(), 21);
    assert!(!journal.is_empty());
    // ... and rolled back.
    touched.reg.rollback(&mut journal);
    touched.log.truncate(13);

    // Then: the same seq comes next, the ids are free again, voided records
    // are live again, and every probe gets the same answer as before.
    assert!(journal.is_empty());
    assert_eq!(touched.reg.next_seq(), 13);
    assert!(touched.reg.get(Namespace::Entity, "newco").is_none());
    assert!(touched.reg.get(Namespace::Account, "new-acct").is_none());
    assert!(touched.reg.get(Namespace::Disbursement, "d2").is_none());
    assert!(touched.reg.get(Namespace::Target, "t2").is_none());
    assert_eq!(touched.reg.seq_of_id("key-1"), None);
    assert_eq!(
        touched.reg.get(Namespace::Account, "acme-acct"),
        pristine.reg.get(Namespace::Account, "acme-acct")
    );
    assert_eq!(
        touched.reg.get(Namespace::Entity, "zhang"),
        pristine.reg.get(Namespace::Entity, "zhang")
    );
    assert!(touched.reg.seq_info(13).is_none());
    for seq in 0..13 {
        assert_eq!(touched.reg.seq_info(seq), pristine.reg.seq_info(seq), "seq {seq}");
    }
    assert_eq!(behaviour(&mut touched), expected);

    // And the same batch can be admitted again, getting the same seqs.
    touched.ok(entity("newco", "enterprise", "city"));
    assert_eq!(touched.reg.next_seq(), 14);
}

#[test]
fn given_a_batch_refused_half_way_when_its_journal_is_rolled_back_then_the_accepted_part_is_undone_too() {
    let mut w = World::standard();
    let mut journal = Journal::new();
    w.admit_into(entity("newco", "enterprise", "city"), &mut journal)
        .unwrap();
    w.admit_into(account("new-acct", "newco", "newco"), &mut journal)
        .unwrap();
    let refused = w.admit_into(disbursement("d2", "treasury", "nowhere"), &mut journal);
    assert_eq!(refused.unwrap_err().code, "unknown_reference");
    w.reg.rollback(&mut journal);
    w.log.truncate(13);
    assert_eq!(w.reg.next_seq(), 13);
    w.ok(entity("newco", "enterprise", "city"));
    w.ok(account("new-acct", "newco", "newco"));
    assert_eq!(w.reg.next_seq(), 15);
}

#[test]
fn rolling_back_only_the_newest_journal_keeps_the_older_admissions() {
    let mut w = World::standard();
    let mut first = Journal::new();
    w.admit_into(entity("newco", "enterprise", "city"), &mut first).unwrap();
    let mut second = Journal::new();
    w.admit_into(void(13, "city"), &mut second).unwrap();
    assert!(w.reg.get(Namespace::Entity, "newco").is_none());
    w.reg.rollback(&mut second);
    w.log.truncate(14);
    assert_eq!(w.reg.next_seq(), 14);
    assert!(w.reg.get(Namespace::Entity, "newco").is_some());
    assert!(!w.reg.seq_info(13).unwrap().voided);
    // newco can act: its registration is live again.
    w.ok(account("newco-acct", "newco", "newco"));
}

#[test]
fn a_refused_event_leaves_the_journal_empty() {
    let mut w = World::standard();
    let mut journal = Journal::new();
    let r = w.admit_into(disbursement("d2", "treasury", "nowhere"), &mut journal);
    assert!(r.is_err());
    assert!(journal.is_empty(), "a refusal records no change to undo");
}

#[test]
fn a_void_needs_only_the_void_the_registry_remembers_what_each_record_created() {
    // One admission path: the caller hands the registry the void alone; it
    // knows record 8 created allocation alloc1 and undoes it.
    let mut w = World::standard();
    let e = World::parse(&void(8, "audit"));
    let mut j = Journal::new();
    w.reg
        .admit(&e, &mut j)
        .expect("the void is admitted from the event alone");
    assert!(w.reg.get(Namespace::Allocation, "alloc1").is_none());
    // Rolled back, the allocation exists again.
    w.reg.rollback(&mut j);
    assert!(w.reg.get(Namespace::Allocation, "alloc1").is_some());
    assert_eq!(w.reg.next_seq(), 13);
    w.ok(void(8, "audit"));
    assert!(w.reg.get(Namespace::Allocation, "alloc1").is_none());
}

// ------------------------------------------- regressions (bugs these tests found)

#[test]
fn an_entity_registered_later_cannot_name_itself_as_parent() {
    let mut w = World::standard();
    let mut e = entity("county", "county", "city");
    e["data"]["parent"] = json!("county");
    w.refused(e, "invalid_field", "data.parent");
}

/// Given acme's registration (seq 2) voided and recorded again under the
/// same id (the correction the void rules allow).
fn world_with_acme_reregistered() -> World {
    let mut w = World::standard();
    w.ok(void(2, "city"));
    w.ok(entity("acme", "enterprise", "city"));
    w
}

#[test]
fn a_re_registered_assignee_still_may_not_verify_its_own_target() {
    let mut w = world_with_acme_reregistered();
    w.refused(
        ev(
            "target.verified",
            "acme",
            json!({"target_id": "t1", "value": "6", "as_of": "2026-12-31"}),
        ),
        "not_permitted",
        "actor",
    );
}

#[test]
fn a_re_registered_holder_may_still_confirm_receipts_into_its_account() {
    let mut w = world_with_acme_reregistered();
    w.ok(ev("fund.received", "acme", json!({"disbursement_id": "d1"})));
}

#[test]
fn a_re_registered_beneficiary_may_still_dispute_its_commitment() {
    let mut w = world_with_acme_reregistered();
    w.ok(ev(
        "commitment.disputed",
        "acme",
        json!({"commitment_id": "c1", "reason": "late"}),
    ));
}

#[test]
fn a_re_registered_entity_may_still_void_its_own_earlier_records() {
    let mut w = world_with_acme_reregistered();
    // seq 6 (account acme-acct) was recorded by acme.
    w.ok(void(6, "acme"));
}
