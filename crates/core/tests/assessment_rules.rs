//! Yearly tasks and sanctions (format 2.1) and who may record them (2.3):
//! every structural rule refused with a clear message and nothing written,
//! and the parties that may and may not record each event.
//!
//! The world:
//!
//! | entity      | kind       | parent    |
//! |-------------|------------|-----------|
//! | `city`      | government |           |
//! | `org-dept`  | department | `city`    |
//! | `county`    | county     | `city`    |
//! | `park`      | park       | `county`  |
//! | `park-desk` | department | `park`    |
//! | `leader`    | person     | `county`  |
//! | `east`      | county     | `city`    |
//! | `audit`     | auditor    |           |
//!
//! Targets (assigned by the city for 2026): `c-gdp` and `c-safe` to
//! `county`, `p-proj` to `park`, `e-gdp` to `east`.

mod common;

use common::*;
use serde_json::{json, Value};

fn child(id: &str, kind: &str, parent: &str, by: &str) -> Value {
    let mut e = entity(id, kind, by);
    e["data"]["parent"] = json!(parent);
    e
}

fn world() -> World {
    let mut w = World::empty();
    w.ok(entity("city", "government", "city"));
    w.ok(child("org-dept", "department", "city", "city"));
    w.ok(child("county", "county", "city", "city"));
    w.ok(child("park", "park", "county", "county"));
    w.ok(child("park-desk", "department", "park", "park"));
    w.ok(child("leader", "person", "county", "county"));
    w.ok(child("east", "county", "city", "city"));
    w.ok(entity("audit", "auditor", "city"));
    for (id, who) in [
        ("c-gdp", "county"),
        ("c-safe", "county"),
        ("p-proj", "park"),
        ("e-gdp", "east"),
    ] {
        w.ok(target(id, who));
    }
    w
}

fn task_data() -> Value {
    json!({"task_id": "k1", "assignee": "county", "period": {"from": "2026-01-01", "to": "2026-12-31"},
           "group": "counties",
           "items": [{"target_id": "c-gdp", "weight": "50"}, {"target_id": "p-proj", "weight": 30},
                     {"target_id": "c-safe", "weight": "20", "veto": true}],
           "pass_score": "60",
           "consequences": {"on_fail": ["criticism", "award_disqualified"],
                            "on_consecutive_fail": {"count": 2, "kinds": ["reassignment"]}},
           "basis": "2026年度目标管理责任状"})
}

fn task(actor: &str) -> Value {
    ev("assessment.task_set", actor, task_data())
}

fn task_with(change: impl FnOnce(&mut Value)) -> Value {
    let mut data = task_data();
    change(&mut data);
    ev("assessment.task_set", "city", data)
}

fn sanction(actor: &str, subject: &str, task: Option<&str>) -> Value {
    let mut data = json!({"sanction_id": "x1", "subject": subject, "kind": "criticism",
                          "basis": "市委通报 2027-3号"});
    if let Some(t) = task {
        data["task_id"] = json!(t);
    }
    ev("sanction.imposed", actor, data)
}

#[test]
fn a_task_with_items_weights_veto_and_consequences_is_recorded() {
    let mut w = world();
    w.ok(task("city"));
    // Weights written as numbers or strings, decimals allowed.
    let mut t = task_with(|d| {
        d["task_id"] = json!("k2");
        d["items"] =
            json!([{"target_id": "c-gdp", "weight": 62.5}, {"target_id": "c-safe", "weight": "37.5", "veto": false}]);
        d["pass_score"] = json!(100);
        d.as_object_mut().unwrap().remove("consequences");
    });
    t["actor"] = json!("org-dept");
    w.ok(t);
}

#[test]
fn weights_must_be_above_zero() {
    for bad in [json!("0"), json!(0), json!("-5"), json!("0.00")] {
        let mut w = world();
        let r = w.refused(
            task_with(|d| d["items"][1]["weight"] = bad.clone()),
            "invalid_field",
            "data.items[1].weight",
        );
        assert!(r.message.contains("more than 0"), "{r}");
    }
    let mut w = world();
    w.refused(
        task_with(|d| d["items"][0]["weight"] = json!("ten")),
        "invalid_field",
        "data.items[0].weight",
    );
}

#[test]
fn the_pass_score_is_above_zero_and_within_the_items_total() {
    let mut w = world();
    let r = w.refused(
        task_with(|d| d["pass_score"] = json!("100.01")),
        "invalid_field",
        "data.pass_score",
    );
    assert!(r.message.contains("100"), "names the total: {r}");
    w.refused(
        task_with(|d| d["pass_score"] = json!("0")),
        "invalid_field",
        "data.pass_score",
    );
    w.refused(
        task_with(|d| d["pass_score"] = json!("-1")),
        "invalid_field",
        "data.pass_score",
    );
    // Exactly the total passes only when every item is met: allowed.
    w.ok(task_with(|d| d["pass_score"] = json!("100")));
}

#[test]
fn a_task_has_items_each_target_once() {
    let mut w = world();
    w.refused(task_with(|d| d["items"] = json!([])), "invalid_field", "data.items");
    let r = w.refused(
        task_with(|d| d["items"][2]["target_id"] = json!("c-gdp")),
        "invalid_field",
        "data.items[2].target_id",
    );
    assert!(r.message.contains("twice"), "{r}");
}

#[test]
fn an_item_whose_target_belongs_to_another_unit_is_refused() {
    let mut w = world();
    let r = w.refused(
        task_with(|d| d["items"][1]["target_id"] = json!("e-gdp")),
        "invalid_field",
        "data.items[1].target_id",
    );
    assert!(r.message.contains("east") && r.message.contains("county"), "{r}");
    // A target below the assignee (the park's, for the county) is its own.
    w.ok(task("city"));
    // The park's task cannot take the county's target above it.
    let mut up = task_with(|d| {
        d["task_id"] = json!("k-park");
        d["assignee"] = json!("park");
        d["items"] = json!([{"target_id": "p-proj", "weight": "50"}, {"target_id": "c-gdp", "weight": "50"}]);
    });
    up["actor"] = json!("county");
    w.refused(up, "invalid_field", "data.items[1].target_id");
    w.refused(
        task_with(|d| {
            d["task_id"] = json!("k3");
            d["items"][0]["target_id"] = json!("no-such-target");
        }),
        "unknown_reference",
        "data.items[0].target_id",
    );
}

#[test]
fn unknown_kinds_bad_runs_and_unknown_fields_are_refused() {
    let mut w = world();
    let r = w.refused(
        task_with(|d| d["consequences"]["on_fail"] = json!(["criticism", "demotion"])),
        "invalid_field",
        "data.consequences.on_fail[1]",
    );
    assert!(r.message.contains("award_disqualified"), "lists the kinds: {r}");
    w.refused(
        task_with(|d| d["consequences"]["on_consecutive_fail"]["count"] = json!(1)),
        "invalid_field",
        "data.consequences.on_consecutive_fail.count",
    );
    w.refused(
        task_with(|d| d["consequences"]["on_consecutive_fail"]["kinds"] = json!([])),
        "invalid_field",
        "data.consequences.on_consecutive_fail.kinds",
    );
    w.refused(
        task_with(|d| d["items"][0]["vetoed"] = json!(true)),
        "unknown_field",
        "data.items[0].vetoed",
    );
    w.refused(
        task_with(|d| d["period"] = json!({"from": "2026-12-31", "to": "2026-01-01"})),
        "invalid_field",
        "data.period",
    );
    let mut s = sanction("city", "county", None);
    s["data"]["kind"] = json!("fine");
    w.refused(s, "invalid_field", "data.kind");
}

#[test]
fn a_task_is_defined_once() {
    let mut w = world();
    w.ok(task("city"));
    let r = w.refused(
        task_with(|d| d["pass_score"] = json!("50")),
        "duplicate_id",
        "data.task_id",
    );
    assert!(r.message.contains("k1"), "{r}");
    // Voided, it may be set again by the one who set it.
    let seq = w.reg.next_seq() - 1;
    w.ok(void(seq, "city"));
    w.ok(task_with(|d| d["pass_score"] = json!("50")));
}

#[test]
fn a_voided_task_id_is_not_anothers_to_take() {
    let mut w = world();
    w.ok(task("city"));
    let seq = w.reg.next_seq() - 1;
    w.ok(void(seq, "city"));
    let mut t = task("east");
    t["actor"] = json!("east");
    w.refused(t, "not_permitted", "data.task_id");
}

#[test]
fn a_task_is_set_by_anyone_but_the_assignee_and_what_lies_below_it() {
    for by in ["city", "org-dept", "east", "audit"] {
        world().ok(task(by));
    }
    for by in ["county", "park", "park-desk", "leader"] {
        let r = world().refused(task(by), "not_permitted", "actor");
        assert!(r.message.contains(by), "{r}");
    }
}

#[test]
fn a_sanction_is_imposed_by_anyone_but_its_subject_and_what_lies_below_it() {
    for by in ["city", "org-dept", "audit", "east"] {
        world().ok(sanction(by, "county", None));
    }
    for by in ["county", "park", "park-desk", "leader"] {
        world().refused(sanction(by, "county", None), "not_permitted", "actor");
    }
    // A person is sanctioned by the county above it...
    world().ok(sanction("county", "leader", None));
}

#[test]
fn the_assessed_unit_cannot_impose_its_own_tasks_consequences() {
    // ...but not under the county's own task: that consequence is owed by
    // the city, and the county marking it imposed would hide the finding.
    let mut w = world();
    w.ok(task("city"));
    let r = w.refused(sanction("county", "leader", Some("k1")), "not_permitted", "actor");
    assert!(r.message.contains("k1"), "{r}");
    w.refused(sanction("park", "leader", Some("k1")), "not_permitted", "actor");
    w.ok(sanction("org-dept", "leader", Some("k1")));
}

#[test]
fn a_sanction_names_a_registered_subject_and_a_recorded_task() {
    let mut w = world();
    w.refused(sanction("city", "nobody", None), "unknown_reference", "data.subject");
    w.refused(
        sanction("city", "county", Some("k-none")),
        "unknown_reference",
        "data.task_id",
    );
    w.ok(task("city"));
    w.ok(sanction("city", "county", Some("k1")));
    w.refused(sanction("org-dept", "county", None), "duplicate_id", "data.sanction_id");
}

fn task_scheme(data: Value) -> Value {
    ev("incentive.scheme_set", "city", data)
}

#[test]
fn a_scheme_rewards_a_target_or_a_task_never_both() {
    let mut w = world();
    w.ok(task("city"));
    let shares = json!([{"role": "team", "percent": "100"}]);
    w.ok(task_scheme(
        json!({"scheme_id": "r1", "task_id": "k1", "total": "100000", "shares": shares, "condition": "task_passed"}),
    ));
    let r = w.refused(
        task_scheme(
            json!({"scheme_id": "r2", "task_id": "k1", "target_id": "c-gdp", "total": "1", "shares": shares,
                           "condition": "task_passed"}),
        ),
        "invalid_field",
        "data.task_id",
    );
    assert!(r.message.contains("not both"), "{r}");
    w.refused(
        task_scheme(json!({"scheme_id": "r2", "total": "1", "shares": shares, "condition": "task_passed"})),
        "missing_field",
        "data.target_id",
    );
    w.refused(
        task_scheme(
            json!({"scheme_id": "r2", "task_id": "k1", "total": "1", "shares": shares,
                           "condition": "target_met"}),
        ),
        "invalid_field",
        "data.condition",
    );
    w.refused(
        task_scheme(
            json!({"scheme_id": "r2", "target_id": "c-gdp", "total": "1", "shares": shares,
                           "condition": "task_passed"}),
        ),
        "invalid_field",
        "data.condition",
    );
    w.refused(
        task_scheme(
            json!({"scheme_id": "r2", "task_id": "k9", "total": "1", "shares": shares,
                           "condition": "task_passed"}),
        ),
        "unknown_reference",
        "data.task_id",
    );
}
