//! Who may record what (docs/format.md, "Who may record what"): for every
//! row of the table, the party named succeeds, an office of it (a
//! department whose parent it is) succeeds, and a stranger and the wrong
//! party are refused as `not_permitted` with nothing written. Then the
//! takeovers of voided identifiers.
//!
//! The world is registry_rules.rs's standard world (city, its office
//! `finance`, enterprise `acme`, auditor `audit`, person `zhang`; `treasury`
//! held by `finance`; target `t1` assigned to `acme` by `city`; commitment
//! `c1` from `city` to `acme`; disbursement `d1` into `acme-acct`; scheme
//! `s1` and payout `p1` by `city`), plus:
//!
//! | entity      | kind       | parent    |
//! |-------------|------------|-----------|
//! | `other`     | enterprise |           |
//! | `acme-ops`  | department | `acme`    |
//! | `fin-desk`  | department | `finance` |
//! | `city-sub`  | department | `city`    |

mod common;

use common::*;
use pledger_core::registry::{auditor_may_record, Namespace};
use pledger_core::EventType;
use serde_json::{json, Value};

fn world() -> World {
    let mut w = World::standard();
    w.ok(entity("other", "enterprise", "city"));
    // Each office registered by its own party (or the city above it).
    for (id, parent, by) in [
        ("acme-ops", "acme", "acme"),
        ("fin-desk", "finance", "city"),
        ("city-sub", "city", "city"),
    ] {
        let mut e = entity(id, "department", by);
        e["data"]["parent"] = json!(parent);
        w.ok(e);
    }
    w
}

/// Given the world, `event` by each of `allowed` is accepted (each on a
/// fresh world) and by each of `refused` is refused as `not_permitted` at
/// `actor`, naming who may record it, with nothing written.
#[track_caller]
fn rule(event: Value, allowed: &[&str], refused: &[&str]) {
    for actor in allowed {
        let mut w = world();
        let mut e = event.clone();
        e["actor"] = json!(actor);
        w.ok(e);
    }
    for actor in refused {
        let mut w = world();
        let mut e = event.clone();
        e["actor"] = json!(actor);
        let r = w.refused(e, "not_permitted", "actor");
        assert!(r.message.contains(actor), "the refusal names the actor: {}", r.message);
    }
}

fn any_actor(ty: &str, data: Value) -> Value {
    ev(ty, "nobody-yet", data)
}

#[test]
fn a_target_is_assigned_by_anyone_but_the_assignee_and_what_lies_below_it() {
    let t = |id: &str| {
        let mut v = target(id, "acme");
        v["actor"] = json!("nobody-yet");
        v
    };
    rule(t("t9"), &["city", "finance", "other", "audit"], &["acme", "acme-ops"]);
}

#[test]
fn a_target_is_revised_by_its_assigner_an_office_of_it_or_an_auditor() {
    let e = any_actor(
        "target.revised",
        json!({"target_id": "t1", "threshold": "1", "reason": "eased"}),
    );
    rule(
        e,
        &["city", "finance", "city-sub", "audit"],
        &["acme", "acme-ops", "other", "zhang"],
    );
}

#[test]
fn progress_is_reported_only_by_the_assignee_or_its_office() {
    let e = any_actor(
        "target.progress_reported",
        json!({"target_id": "t1", "value": "1000", "as_of": "2026-06-30"}),
    );
    rule(e, &["acme", "acme-ops"], &["city", "finance", "other", "audit"]);
}

#[test]
fn a_target_is_verified_by_anyone_but_the_assignee_and_its_offices() {
    let e = any_actor(
        "target.verified",
        json!({"target_id": "t1", "value": "5", "as_of": "2026-12-31", "evidence": "site visit"}),
    );
    for actor in ["city", "audit", "other"] {
        let mut w = world();
        let mut e = e.clone();
        e["actor"] = json!(actor);
        w.ok(e);
    }
    for actor in ["acme", "acme-ops"] {
        let mut w = world();
        let mut e = e.clone();
        e["actor"] = json!(actor);
        w.refused(e, "not_permitted", "actor");
    }
}

#[test]
fn money_is_allocated_and_disbursed_only_by_the_holder_of_the_paying_account() {
    let alloc = any_actor(
        "fund.allocated",
        json!({"allocation_id": "a9", "from_account": "treasury", "to_account": "acme-acct", "amount": "5", "purpose": "roads"}),
    );
    // The holder is `finance`; its parent `city` is not its office.
    rule(alloc, &["finance", "fin-desk"], &["city", "acme", "other", "audit"]);
    let disb = any_actor(
        "fund.disbursed",
        json!({"disbursement_id": "d9", "from_account": "treasury", "to_account": "acme-acct", "amount": "5000000", "purpose": "roads"}),
    );
    rule(disb, &["finance", "fin-desk"], &["city", "acme", "other", "audit"]);
}

#[test]
fn arrival_is_confirmed_only_by_the_holder_of_the_receiving_account() {
    let e = any_actor("fund.received", json!({"disbursement_id": "d1"}));
    rule(e, &["acme", "acme-ops"], &["finance", "city", "other", "audit"]);
}

#[test]
fn a_commitment_is_made_only_by_its_promisor() {
    let e = any_actor(
        "commitment.made",
        json!({"commitment_id": "c9", "promisor": "city", "beneficiary": "acme", "kind": "subsidy",
               "terms": "a subsidy", "due": "2026-12-31"}),
    );
    rule(e, &["city", "finance"], &["acme", "other", "audit"]);
}

#[test]
fn conditions_and_fulfilments_are_recorded_by_the_promisor_or_an_auditor() {
    let met = any_actor(
        "commitment.condition_met",
        json!({"commitment_id": "c1", "condition_id": "licence"}),
    );
    rule(met, &["city", "finance", "audit"], &["acme", "acme-ops", "other"]);
    let fulfilled = any_actor("commitment.fulfilled", json!({"commitment_id": "c1", "amount": "10"}));
    rule(fulfilled, &["city", "finance", "audit"], &["acme", "other"]);
}

#[test]
fn only_the_beneficiary_disputes_and_only_an_auditor_declares_a_breach() {
    let disputed = any_actor("commitment.disputed", json!({"commitment_id": "c1", "reason": "late"}));
    rule(disputed, &["acme", "acme-ops"], &["city", "finance", "other", "audit"]);
    let breached = any_actor(
        "commitment.breached",
        json!({"commitment_id": "c1", "reason": "never paid"}),
    );
    rule(breached, &["audit"], &["city", "acme", "other"]);
}

#[test]
fn a_commitment_is_waived_by_its_beneficiary_or_an_auditor_never_by_the_promisor() {
    let e = any_actor(
        "commitment.waived",
        json!({"commitment_id": "c1", "reason": "no longer needed", "authority": "board minute 7"}),
    );
    rule(e, &["acme", "acme-ops", "audit"], &["city", "finance", "other"]);
}

#[test]
fn anyone_sets_a_scheme_and_its_setter_or_the_paying_account_pays_it() {
    let set = any_actor(
        "incentive.scheme_set",
        json!({"scheme_id": "s9", "target_id": "t1", "total": "1000", "condition": "target_met",
               "shares": [{"role": "lead", "percent": "100"}]}),
    );
    rule(set, &["other", "acme", "city"], &[]);

    let paid = any_actor(
        "incentive.paid",
        json!({"payout_id": "p9", "scheme_id": "s1", "payee": "zhang", "role": "lead", "amount": "10"}),
    );
    rule(paid.clone(), &["city", "finance"], &["acme", "other", "audit"]);
    // Out of an account: its holder too, but not a stranger paying itself
    // out of someone else's fund.
    let mut from = paid;
    from["data"]["from_account"] = json!("acme-acct");
    from["data"]["payee"] = json!("other");
    rule(
        from,
        &["city", "finance", "acme", "acme-ops"],
        &["other", "zhang", "audit"],
    );
}

#[test]
fn a_payout_is_clawed_back_by_its_recorder_its_setter_or_an_auditor() {
    let e = any_actor(
        "incentive.clawed_back",
        json!({"payout_id": "p1", "amount": "5", "reason": "target missed"}),
    );
    rule(e, &["city", "finance", "audit"], &["acme", "zhang", "other"]);
}

#[test]
fn a_record_is_voided_by_its_actor_an_office_of_it_or_an_auditor() {
    // Seq 9 is commitment c1, recorded by city.
    rule(void(9, "x"), &["city", "finance", "audit"], &["acme", "other"]);
}

// ------------------------------------------------- voided identifiers --

#[test]
fn given_a_voided_entity_when_a_stranger_registers_its_id_then_it_is_refused() {
    let mut w = world();
    w.ok(entity("ent-x", "enterprise", "city"));
    let seq = w.reg.next_seq() - 1;
    w.ok(void(seq, "city"));
    // The takeover: someone else registers the id, as an auditor.
    let r = w.refused(entity("ent-x", "auditor", "other"), "not_permitted", "data.entity_id");
    assert!(r.message.contains("\"city\""), "{}", r.message);
    // With someone else's public key: the same.
    let mut keyed = entity("ent-x", "enterprise", "acme");
    keyed["data"]["public_key"] = json!("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    w.refused(keyed, "not_permitted", "data.entity_id");
    assert!(w.reg.get(Namespace::Entity, "ent-x").is_none(), "nothing written");
    // The one who recorded it may.
    w.ok(entity("ent-x", "enterprise", "city"));
}

#[test]
fn given_a_voided_entity_an_auditor_may_register_it_again() {
    let mut w = world();
    w.ok(entity("ent-x", "enterprise", "city"));
    let seq = w.reg.next_seq() - 1;
    w.ok(void(seq, "audit"));
    w.ok(entity("ent-x", "enterprise", "audit"));
}

#[test]
fn given_a_voided_account_when_another_holder_reopens_it_then_it_is_refused() {
    let mut w = world();
    w.ok(account("acct-y", "acme", "acme"));
    let seq = w.reg.next_seq() - 1;
    w.ok(void(seq, "acme"));
    w.refused(account("acct-y", "other", "other"), "not_permitted", "data.account_id");
    // Not even an office of the original opener.
    w.refused(
        account("acct-y", "acme", "acme-ops"),
        "not_permitted",
        "data.account_id",
    );
    w.ok(account("acct-y", "acme", "acme"));
}

#[test]
fn every_namespace_freed_by_a_void_keeps_its_owner() {
    let mut w = world();
    let cases: Vec<(Value, &str)> = vec![
        (target("t9", "acme"), "data.target_id"),
        (allocation("a9", "treasury", "acme-acct"), "data.allocation_id"),
        (disbursement("d9", "treasury", "acme-acct"), "data.disbursement_id"),
        (commitment("c9", "city", "acme"), "data.commitment_id"),
        (scheme("s9", "t1"), "data.scheme_id"),
        (payout("p9", "s1", "zhang"), "data.payout_id"),
    ];
    for (event, field) in cases {
        let owner = event["actor"].as_str().unwrap_or_default().to_string();
        w.ok(event.clone());
        let seq = w.reg.next_seq() - 1;
        w.ok(void(seq, &owner));
        // `city-sub` may record each of these in its own right (an office
        // of the city, or anyone), but the freed id is not its to take.
        let mut stranger = event.clone();
        stranger["actor"] = json!(if owner == "finance" { "fin-desk" } else { "city-sub" });
        w.refused(stranger, "not_permitted", field);
        w.ok(event);
    }
}

#[test]
fn a_rolled_back_void_frees_nothing() {
    let mut w = world();
    w.ok(account("acct-y", "acme", "acme"));
    let seq = w.reg.next_seq() - 1;
    let mut journal = pledger_core::Journal::new();
    w.admit_into(void(seq, "acme"), &mut journal).expect("void accepted");
    w.reg.rollback(&mut journal);
    w.log.pop();
    // The account is still open: re-opening is a duplicate, not a takeover.
    w.refused(account("acct-y", "other", "other"), "duplicate_id", "data.account_id");
}

#[test]
fn identifiers_need_a_letter_or_digit() {
    for id in [".", "..", "-", "::", "._-"] {
        let e = entity(id, "enterprise", "city");
        let r = pledger_core::Event::parse(&e).expect_err(id);
        assert_eq!(r.field, "data.entity_id", "{id}: {r}");
    }
    assert!(pledger_core::Event::parse(&entity("a.", "enterprise", "city")).is_ok());
}

#[test]
fn an_auditor_alone_records_only_what_the_table_allows_an_auditor() {
    use EventType as T;
    let allowed: Vec<_> = EventType::ALL
        .iter()
        .copied()
        .filter(|t| auditor_may_record(*t))
        .collect();
    assert_eq!(
        allowed,
        vec![
            T::TargetRevised,
            T::TargetVerified,
            T::CommitmentConditionMet,
            T::CommitmentFulfilled,
            T::CommitmentBreached,
            T::CommitmentWaived,
            T::IncentiveClawedBack,
            T::ProjectStageReported,
            T::EventVoided,
        ]
    );
}

#[test]
fn records_already_in_the_log_are_replayed_without_asking_who_recorded_them() {
    // A ledger written under format version 1 holds a disbursement by a
    // party that does not hold the account; it must still open.
    let mut w = world();
    let e = pledger_core::Event::parse(&ev(
        "fund.disbursed",
        "acme",
        json!({"disbursement_id": "d9", "from_account": "treasury", "to_account": "acme-acct", "amount": "5", "purpose": "roads"}),
    ))
    .expect("parses");
    let mut journal = pledger_core::Journal::new();
    assert_eq!(w.reg.admit(&e, &mut journal).map_err(|r| r.code), Err("not_permitted"));
    w.reg
        .admit_with(&e, None, pledger_core::registry::Origin::Recorded, &mut journal)
        .expect("replayed as recorded");
    // Structural rules still hold on replay.
    let dup = e.clone();
    assert_eq!(
        w.reg
            .admit_with(&dup, None, pledger_core::registry::Origin::Recorded, &mut journal)
            .map_err(|r| r.code),
        Err("duplicate_id")
    );
}

#[test]
fn an_office_of_a_party_is_registered_only_by_the_party_an_office_above_or_an_auditor() {
    let office = |actor: &str| {
        let mut e = entity("new-desk", "department", actor);
        e["data"]["parent"] = json!("finance");
        e
    };
    // The party itself, an office of it, the party above it, an auditor.
    for actor in ["finance", "fin-desk", "city", "audit"] {
        world().ok(office(actor));
    }
    // A stranger or a sibling would give itself the party's authority.
    for actor in ["acme", "other", "city-sub", "acme-ops"] {
        let mut w = world();
        w.refused(office(actor), "not_permitted", "actor");
    }
    // Without a parent, or not as an office (a project under its
    // investor), anyone may register an entity.
    world().ok(entity("loose", "enterprise", "acme"));
    let mut project = entity("p-1", "project", "other");
    project["data"]["parent"] = json!("finance");
    world().ok(project);
}

#[test]
fn a_promisor_cannot_waive_its_own_promise_even_as_its_beneficiary() {
    // The city promises itself (or its own office) something, then waives it.
    for beneficiary in ["city", "finance"] {
        let mut w = world();
        w.ok(commitment("c-self", "city", beneficiary));
        let waive = |actor: &str| {
            ev(
                "commitment.waived",
                actor,
                json!({"commitment_id": "c-self", "reason": "not needed", "authority": "minute 3"}),
            )
        };
        w.refused(waive(beneficiary), "not_permitted", "actor");
        w.refused(waive("city"), "not_permitted", "actor");
        w.ok(waive("audit"));
    }
}
