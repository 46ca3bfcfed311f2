//! Projects and land (format 2.2) and who may record them (2.3): every
//! structural rule refused with a clear message and nothing written.
//!
//! The world:
//!
//! | entity      | kind       | parent   |
//! |-------------|------------|----------|
//! | `city`      | government |          |
//! | `park`      | park       | `city`   |
//! | `park-desk` | department | `park`   |
//! | `east`      | park       | `city`   |
//! | `firm`      | enterprise |          |
//! | `plant`     | project    | `firm`   |
//! | `mill`      | project    | `firm`   |
//! | `audit`     | auditor    |          |
//!
//! Targets of `park` for 2026: `count-10m` counts started projects with
//! 10m in place; `gdp` counts nothing.

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
    w.ok(child("park", "park", "city", "city"));
    w.ok(child("park-desk", "department", "park", "park"));
    w.ok(child("east", "park", "city", "city"));
    w.ok(entity("firm", "enterprise", "city"));
    w.ok(child("plant", "project", "firm", "firm"));
    w.ok(child("mill", "project", "firm", "firm"));
    w.ok(entity("audit", "auditor", "city"));
    let mut counting = target("count-10m", "park");
    counting["data"]["counts"] = json!({"stage": "started", "min_investment": "10000000"});
    w.ok(counting);
    let mut gdp = target("gdp", "park");
    gdp["data"]["unit"] = json!("percent");
    w.ok(gdp);
    w
}

fn signed_data(project: &str) -> Value {
    json!({"project_id": project, "host": "park", "investor": "firm", "planned_investment": "50000000",
           "signed_on": "2026-02-01",
           "land": {"parcel_id": "DK-2026-01", "area_mu": "120.5", "agreed_start": "2026-06-01"},
           "basis": "投资合同"})
}

fn signed(actor: &str, project: &str) -> Value {
    ev("project.signed", actor, signed_data(project))
}

fn stage(actor: &str, project: &str, stage: &str) -> Value {
    ev(
        "project.stage_reported",
        actor,
        json!({"project_id": project, "stage": stage, "as_of": "2026-05-01", "investment_in_place": "12000000",
               "evidence": [{"ref": "开工照片"}]}),
    )
}

fn listed(kind: &str, actor: &str, target: &str, projects: Value) -> Value {
    ev(
        kind,
        actor,
        json!({"target_id": target, "value": "2", "as_of": "2026-12-31", "projects": projects}),
    )
}

#[test]
fn a_project_is_signed_once_by_its_host() {
    let mut w = world();
    w.ok(signed("park", "plant"));
    let r = w.refused(signed("park", "plant"), "duplicate_id", "data.project_id");
    assert!(r.message.contains("plant"), "{r}");
    // An office of the host signs for it; nobody else does.
    w.ok(signed("park-desk", "mill"));
    for by in ["east", "firm", "city", "audit"] {
        let r = world().refused(signed(by, "plant"), "not_permitted", "actor");
        assert!(r.message.contains("host"), "{r}");
    }
}

#[test]
fn only_a_project_entity_is_signed() {
    let mut w = world();
    let r = w.refused(signed("park", "firm"), "invalid_field", "data.project_id");
    assert!(r.message.contains("enterprise") && r.message.contains("project"), "{r}");
    w.refused(signed("park", "no-such"), "unknown_reference", "data.project_id");
    let mut no_investor = signed("park", "plant");
    no_investor["data"]["investor"] = json!("ghost");
    w.refused(no_investor, "unknown_reference", "data.investor");
}

#[test]
fn land_has_an_area_above_zero_and_a_date() {
    let mut w = world();
    for bad in [json!("0"), json!("-3")] {
        let mut e = signed("park", "plant");
        e["data"]["land"]["area_mu"] = bad;
        w.refused(e, "invalid_field", "data.land.area_mu");
    }
    let mut e = signed("park", "plant");
    e["data"]["land"]["agreed_start"] = json!("soon");
    w.refused(e, "invalid_field", "data.land.agreed_start");
    let mut e = signed("park", "plant");
    e["data"]["land"]["owner"] = json!("x");
    w.refused(e, "unknown_field", "data.land.owner");
    // Area written as a number is read exactly.
    let mut e = signed("park", "plant");
    e["data"]["land"]["area_mu"] = json!(95.5);
    w.ok(e);
}

#[test]
fn stages_are_reported_for_signed_projects_by_host_investor_or_auditor() {
    let mut w = world();
    w.refused(
        stage("park", "plant", "started"),
        "unknown_reference",
        "data.project_id",
    );
    w.ok(signed("park", "plant"));
    let r = w.refused(stage("park", "plant", "built"), "invalid_field", "data.stage");
    assert!(r.message.contains("producing"), "lists the stages: {r}");
    for by in ["park", "park-desk", "firm", "audit"] {
        let mut w = world();
        w.ok(signed("park", "plant"));
        w.ok(stage(by, "plant", "started"));
    }
    for by in ["east", "city"] {
        let mut w = world();
        w.ok(signed("park", "plant"));
        w.refused(stage(by, "plant", "producing"), "not_permitted", "actor");
    }
}

#[test]
fn counts_go_on_count_targets_only() {
    let mut w = world();
    let mut t = target("t-money", "park");
    t["data"]["unit"] = json!("CNY");
    t["data"]["counts"] = json!({"stage": "signed"});
    let r = w.refused(t, "invalid_field", "data.counts");
    assert!(r.message.contains("count"), "{r}");
    let mut t = target("t-bad-stage", "park");
    t["data"]["counts"] = json!({"stage": "stalled"});
    w.refused(t, "invalid_field", "data.counts.stage");
    let mut t = target("t-ok", "park");
    t["data"]["counts"] = json!({"stage": "producing"});
    w.ok(t);
}

#[test]
fn projects_are_listed_only_on_a_counting_target_each_signed_and_once() {
    let mut w = world();
    w.ok(signed("park", "plant"));
    w.ok(signed("park", "mill"));
    w.ok(listed(
        "target.progress_reported",
        "park",
        "count-10m",
        json!(["plant", "mill"]),
    ));
    w.ok(listed("target.verified", "audit", "count-10m", json!(["plant"])));
    let r = w.refused(
        listed("target.progress_reported", "park", "gdp", json!(["plant"])),
        "invalid_field",
        "data.projects",
    );
    assert!(r.message.contains("counts no projects"), "{r}");
    w.refused(
        listed("target.verified", "audit", "gdp", json!([])),
        "invalid_field",
        "data.projects",
    );
    let r = w.refused(
        listed(
            "target.progress_reported",
            "park",
            "count-10m",
            json!(["plant", "mill", "plant"]),
        ),
        "invalid_field",
        "data.projects[2]",
    );
    assert!(r.message.contains("twice"), "{r}");
    // Registered but never signed, or not registered at all.
    let mut w2 = world();
    w2.refused(
        listed("target.progress_reported", "park", "count-10m", json!(["plant"])),
        "unknown_reference",
        "data.projects[0]",
    );
    w2.refused(
        listed("target.progress_reported", "park", "count-10m", json!(["ghost"])),
        "unknown_reference",
        "data.projects[0]",
    );
}

#[test]
fn a_voided_signing_frees_the_project_for_its_host_only() {
    let mut w = world();
    w.ok(signed("park", "plant"));
    let seq = w.reg.next_seq() - 1;
    w.ok(void(seq, "park"));
    // East may not take the project over; the host signs it again.
    let mut e = signed("east", "plant");
    e["data"]["host"] = json!("east");
    w.refused(e, "not_permitted", "data.project_id");
    w.ok(signed("park", "plant"));
}
