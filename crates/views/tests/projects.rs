//! Format 2.2 and 3.8 (projects and land) and their findings (3.5,
//! version 2), as given/when/then cases on small logs, then a property:
//! random project registers appended through the real ledger give the same
//! projects view and findings through the store, at any log position and
//! as of any date, as a fold of the events.

use pledger_core::when::Day;
use pledger_store::{Ledger, LogBackend, MemBackend};
use pledger_views::facts::{from_json, Facts};
use pledger_views::projects::{self, Stage};
use pledger_views::{findings, load, Finding, FindingCode, Scope};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

fn day(s: &str) -> Day {
    Day::parse(s).expect("date")
}

fn ev(kind: &str, actor: &str, on: &str, data: Value) -> Value {
    json!({"type": kind, "actor": actor, "occurred_at": on, "data": data})
}

fn signed(id: &str, host: &str, on: &str, agreed_start: &str) -> Value {
    ev(
        "project.signed",
        host,
        on,
        json!({"project_id": id, "host": host, "investor": "firm", "planned_investment": "50000000",
               "signed_on": on, "land": {"parcel_id": format!("DK-{id}"), "area_mu": "100", "agreed_start": agreed_start}}),
    )
}

fn stage(id: &str, stage: &str, as_of: &str, in_place: &str) -> Value {
    ev(
        "project.stage_reported",
        "firm",
        as_of,
        json!({"project_id": id, "stage": stage, "as_of": as_of, "investment_in_place": in_place}),
    )
}

/// A counting target of `who` for `year`: projects at `count_stage`, with
/// 10m in place.
fn counting(id: &str, who: &str, year: u32, count_stage: &str) -> Value {
    ev(
        "target.assigned",
        "city",
        &format!("{year}-01-01"),
        json!({"target_id": id, "assignee": who, "metric": "new_projects_ge_10m", "unit": "count",
               "comparator": ">=", "threshold": "1",
               "counts": {"stage": count_stage, "min_investment": "10000000"},
               "period": {"from": format!("{year}-01-01"), "to": format!("{year}-12-31")}, "basis": "doc"}),
    )
}

fn claim(target: &str, who: &str, on: &str, projects: &[&str]) -> Value {
    ev(
        "target.progress_reported",
        who,
        on,
        json!({"target_id": target, "value": projects.len().to_string(), "as_of": on, "projects": projects}),
    )
}

fn verified(target: &str, on: &str, value: &str, projects: &[&str]) -> Value {
    ev(
        "target.verified",
        "audit",
        on,
        json!({"target_id": target, "value": value, "as_of": on, "projects": projects, "evidence": "统计台账"}),
    )
}

fn facts(events: &[Value]) -> Facts {
    from_json(events, None).expect("valid events")
}

fn found(events: &[Value], now: &str, code: FindingCode) -> Vec<Finding> {
    findings::all(&facts(events), day(now))
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

// ---------------------------------------------------------------------------
// Stage, money in place, the register

#[test]
fn a_projects_stage_and_money_follow_its_reports_by_as_of() {
    let log = vec![
        signed("plant", "park-a", "2026-02-02", "2026-09-01"),
        stage("plant", "started", "2026-05-04", "12000000"),
        // Recorded later, but about an earlier date: it does not override.
        stage("plant", "stalled", "2026-04-01", "9000000"),
        stage("plant", "producing", "2026-11-02", "48000000"),
    ];
    let f = facts(&log);
    let at = |d: &str| projects::project(&f, "plant", day(d)).expect("signed");
    assert_eq!(
        projects::project(&f, "plant", day("2026-02-01")),
        None,
        "not yet signed then"
    );
    let p = at("2026-03-01");
    assert_eq!(
        (p.stage, p.investment_in_place.to_string()),
        (Some(Stage::Signed), "0.00".into())
    );
    let p = at("2026-04-15");
    assert_eq!(
        (p.stage, p.investment_in_place.to_string()),
        (Some(Stage::Stalled), "9000000.00".into())
    );
    let p = at("2026-06-30");
    assert_eq!(
        (p.stage, p.investment_in_place.to_string()),
        (Some(Stage::Started), "12000000.00".into())
    );
    let p = at("2027-01-31");
    assert_eq!(p.stage, Some(Stage::Producing));
    assert_eq!(p.planned_investment.to_string(), "50000000.00");
    let land = p.land.expect("land");
    assert_eq!(
        (land.parcel_id.as_str(), land.area_mu.as_str(), land.idle_since),
        ("DK-plant", "100", None)
    );
}

#[test]
fn the_register_names_the_targets_that_counted_each_project() {
    let log = vec![
        signed("plant", "park-a", "2026-02-02", "2026-09-01"),
        stage("plant", "started", "2026-05-04", "12000000"),
        signed("mill", "park-a", "2026-03-02", "2026-09-01"),
        counting("t", "park-a", 2026, "started"),
        claim("t", "park-a", "2026-12-21", &["plant", "mill"]),
    ];
    let r = projects::report(&facts(&log), day("2027-01-31"));
    let plant = r.projects.iter().find(|p| p.project_id == "plant").expect("plant");
    assert_eq!(plant.counted_by.len(), 1);
    assert_eq!(
        (plant.counted_by[0].target_id.as_str(), plant.counted_by[0].qualifies),
        ("t", true)
    );
    let mill = r.projects.iter().find(|p| p.project_id == "mill").expect("mill");
    assert_eq!(
        (mill.counted_by[0].qualifies, mill.counted_by[0].reason),
        (false, Some("stage_not_reached"))
    );
    // The targets view shows the projects behind the number.
    let t = pledger_views::targets::report(&facts(&log), day("2027-01-31"));
    let claimed = t.targets[0].last_claimed.as_ref().expect("claim");
    assert_eq!(claimed.projects, Some(vec!["plant".to_string(), "mill".to_string()]));
}

// ---------------------------------------------------------------------------
// Qualification (format 2.2) through counted_not_qualifying

fn not_qualifying(log: &[Value]) -> Vec<Finding> {
    found(log, "2027-06-30", FindingCode::CountedNotQualifying)
}

#[test]
fn a_started_project_with_money_in_place_counts_and_a_producing_one_counts_for_started() {
    let log = vec![
        signed("plant", "park-a", "2026-02-02", "2026-09-01"),
        stage("plant", "started", "2026-05-04", "12000000"),
        stage("plant", "producing", "2026-10-08", "30000000"),
        counting("t", "park-a", 2026, "started"),
        claim("t", "park-a", "2026-12-21", &["plant"]),
    ];
    assert!(not_qualifying(&log).is_empty());
}

#[test]
fn given_a_project_only_signed_when_counted_as_started_then_it_does_not_qualify() {
    let log = vec![
        signed("plant", "park-a", "2026-02-02", "2026-09-01"),
        counting("t", "park-a", 2026, "started"),
        claim("t", "park-a", "2026-12-21", &["plant"]),
    ];
    let f = not_qualifying(&log);
    assert_eq!((f.len(), f[0].date), (1, day("2026-12-21")));
    assert!(f[0].message.contains("only 'signed'"), "{}", f[0].message);
    // Judged as of the record's as_of: a start reported later about a
    // later date does not rescue the claim.
    let later = [log.clone(), vec![stage("plant", "started", "2027-01-10", "20000000")]].concat();
    assert_eq!(not_qualifying(&later).len(), 1);
    // A start dated before the claim does.
    let before = [log, vec![stage("plant", "started", "2026-12-01", "20000000")]].concat();
    assert!(not_qualifying(&before).is_empty());
}

#[test]
fn given_last_years_project_when_counted_again_then_it_does_not_qualify() {
    let log = vec![
        signed("plant", "park-a", "2025-02-03", "2025-09-01"),
        stage("plant", "started", "2025-05-05", "12000000"),
        counting("t25", "park-a", 2025, "started"),
        counting("t26", "park-a", 2026, "started"),
        claim("t25", "park-a", "2025-12-22", &["plant"]),
        claim("t26", "park-a", "2026-12-21", &["plant"]),
    ];
    let f = not_qualifying(&log);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].subjects[0], "t26");
    assert!(f[0].message.contains("2025-05-05"), "{}", f[0].message);
    // Same assignee: not double counting, just not new.
    assert!(found(&log, "2027-06-30", FindingCode::ProjectDoubleCounted).is_empty());
}

#[test]
fn stalled_cancelled_or_short_of_money_never_counts() {
    for (last_stage, in_place, why) in [
        ("stalled", "12000000", "'stalled'"),
        ("cancelled", "12000000", "'cancelled'"),
        ("started", "8000000", "less than the target's minimum"),
    ] {
        let log = vec![
            signed("plant", "park-a", "2026-02-02", "2026-09-01"),
            stage("plant", "started", "2026-05-04", "8000000"),
            stage("plant", last_stage, "2026-08-03", in_place),
            counting("t", "park-a", 2026, "started"),
            claim("t", "park-a", "2026-12-21", &["plant"]),
        ];
        let f = not_qualifying(&log);
        assert_eq!(f.len(), 1, "{last_stage}");
        assert!(f[0].message.contains(why), "{why}: {}", f[0].message);
    }
}

#[test]
fn a_signed_count_uses_the_signing_date() {
    let log = vec![
        signed("plant", "park-a", "2025-12-29", "2026-09-01"),
        stage("plant", "started", "2026-05-04", "12000000"),
        counting("t", "park-a", 2026, "signed"),
        verified("t", "2027-01-20", "1", &["plant"]),
    ];
    let f = not_qualifying(&log);
    assert_eq!(f.len(), 1, "signed in 2025, counted for 2026");
    assert_eq!(f[0].date, day("2027-01-20"));
}

// ---------------------------------------------------------------------------
// count_mismatch, project_double_counted

#[test]
fn a_count_is_the_number_of_projects_listed() {
    let mut log = vec![
        signed("plant", "park-a", "2026-02-02", "2026-09-01"),
        stage("plant", "started", "2026-05-04", "12000000"),
        counting("t", "park-a", 2026, "started"),
        verified("t", "2027-01-20", "1", &["plant"]),
    ];
    assert!(found(&log, "2027-06-30", FindingCode::CountMismatch).is_empty());
    log.push(verified("t", "2027-01-21", "3", &["plant"]));
    // A claim with no list at all counts as none.
    log.push(ev(
        "target.progress_reported",
        "park-a",
        "2027-01-22",
        json!({"target_id": "t", "value": "2", "as_of": "2026-12-31"}),
    ));
    let f = found(&log, "2027-06-30", FindingCode::CountMismatch);
    assert_eq!(
        f.iter().map(|x| x.date).collect::<Vec<_>>(),
        [day("2027-01-22"), day("2027-01-21")]
    );
}

#[test]
fn one_project_counted_by_two_parks_is_found_once_per_pair_dated_the_later_first_listing() {
    let base = vec![
        signed("plant", "park-a", "2026-02-02", "2026-09-01"),
        stage("plant", "started", "2026-05-04", "12000000"),
        counting("ta", "park-a", 2026, "started"),
        counting("tb", "park-b", 2026, "started"),
        claim("ta", "park-a", "2026-11-02", &["plant"]),
        claim("tb", "park-b", "2026-12-21", &["plant"]),
        claim("ta", "park-a", "2026-12-22", &["plant"]),
        verified("tb", "2027-01-20", "1", &["plant"]),
    ];
    let f = found(&base, "2027-06-30", FindingCode::ProjectDoubleCounted);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].date, day("2026-12-21"));
    assert_eq!(f[0].subjects, ["plant", "ta", "tb"]);
    // Another metric, or periods that do not overlap, are not double counting.
    let other_metric: Vec<Value> = base
        .iter()
        .cloned()
        .map(|mut e| {
            if e["data"]["target_id"] == "tb" && e["type"] == "target.assigned" {
                e["data"]["metric"] = json!("new_projects_ge_50m");
            }
            e
        })
        .collect();
    assert!(found(&other_metric, "2027-06-30", FindingCode::ProjectDoubleCounted).is_empty());
    let next_year = vec![
        signed("plant", "park-a", "2026-02-02", "2026-09-01"),
        stage("plant", "started", "2026-05-04", "12000000"),
        counting("ta", "park-a", 2026, "started"),
        counting("tb", "park-b", 2027, "started"),
        claim("ta", "park-a", "2026-11-02", &["plant"]),
        claim("tb", "park-b", "2027-12-21", &["plant"]),
    ];
    assert!(found(&next_year, "2028-06-30", FindingCode::ProjectDoubleCounted).is_empty());
}

// ---------------------------------------------------------------------------
// land_idle, idle_balance

#[test]
fn land_is_idle_the_day_after_a_year_without_a_start_and_reclaimable_after_two() {
    let log = vec![signed("plant", "park-a", "2025-03-03", "2025-06-02")];
    assert!(
        found(&log, "2026-06-02", FindingCode::LandIdle).is_empty(),
        "a year to the day"
    );
    let f = found(&log, "2026-06-03", FindingCode::LandIdle);
    assert_eq!((f.len(), f[0].date), (1, day("2026-06-03")));
    assert!(!f[0].message.contains("taken back"), "{}", f[0].message);
    let f = found(&log, "2027-06-03", FindingCode::LandIdle);
    assert!(
        f[0].message.contains("taken back without compensation"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].date, day("2026-06-03"), "still dated when it became idle");
    // Started within the year: not idle, even if it stalls later.
    let started = vec![
        signed("plant", "park-a", "2025-03-03", "2025-06-02"),
        stage("plant", "started", "2026-05-29", "1"),
        stage("plant", "stalled", "2026-08-03", "1"),
    ];
    assert!(found(&started, "2028-01-01", FindingCode::LandIdle).is_empty());
    // Started too late: idle it was, and the view says so.
    let late = vec![
        signed("plant", "park-a", "2025-03-03", "2025-06-02"),
        stage("plant", "started", "2026-09-01", "1"),
    ];
    assert_eq!(found(&late, "2028-01-01", FindingCode::LandIdle).len(), 1);
    let p = projects::project(&facts(&late), "plant", day("2028-01-01")).expect("signed");
    let land = p.land.expect("land");
    assert_eq!((land.idle_since, land.reclaimable), (Some(day("2026-06-03")), false));
}

fn account(id: &str, kind: &str) -> Value {
    ev(
        "account.opened",
        "city",
        "2024-01-02",
        json!({"account_id": id, "holder": "city", "name": format!("{id} 专户"), "kind": kind}),
    )
}

fn pay(id: &str, from: &str, to: &str, amount: &str, on: &str) -> Value {
    ev(
        "fund.disbursed",
        "city",
        on,
        json!({"disbursement_id": id, "from_account": from, "to_account": to, "amount": amount, "purpose": "roads"}),
    )
}

#[test]
fn idle_money_is_found_on_the_731st_day_after_the_last_payment_out() {
    let log = vec![
        account("budget", "source"),
        account("special", "internal"),
        account("road-co", "external"),
        pay("d1", "budget", "special", "5000000", "2024-03-01"),
        pay("d2", "special", "road-co", "1000000", "2024-04-01"),
    ];
    // 2024-04-01 + 730 days = 2026-04-01; the 731st day is 2026-04-02.
    assert!(found(&log, "2026-04-01", FindingCode::IdleBalance).is_empty());
    let f = found(&log, "2026-04-02", FindingCode::IdleBalance);
    assert_eq!((f.len(), f[0].date), (1, day("2026-04-02")));
    assert!(f[0].message.contains("4000000.00"), "{}", f[0].message);
    // Never paid out: counted from the first money in.
    let never = vec![
        account("budget", "source"),
        account("special", "internal"),
        pay("d1", "budget", "special", "5", "2024-03-01"),
    ];
    assert_eq!(
        found(&never, "2026-03-02", FindingCode::IdleBalance)[0].date,
        day("2026-03-02")
    );
    // Emptied, or an external or source account: nothing idle.
    let emptied = [
        log.clone(),
        vec![pay("d3", "special", "road-co", "4000000", "2024-05-02")],
    ]
    .concat();
    assert!(found(&emptied, "2027-01-01", FindingCode::IdleBalance).is_empty());
    assert!(found(&log, "2030-01-01", FindingCode::IdleBalance)
        .iter()
        .all(|f| f.subjects[0] == "special"));
}

// ---------------------------------------------------------------------------
// Property: through the real ledger = a fold, at every position and date.

fn scenario(choices: &[u8]) -> Vec<Value> {
    let mut pick = choices.iter().copied().cycle();
    let mut next = move || pick.next().unwrap_or(0);
    let mut log = vec![
        ev(
            "entity.registered",
            "city",
            "2024-01-01",
            json!({"entity_id": "city", "kind": "government", "name": "市"}),
        ),
        ev(
            "entity.registered",
            "city",
            "2024-01-01",
            json!({"entity_id": "audit", "kind": "auditor", "name": "审计局"}),
        ),
        ev(
            "entity.registered",
            "city",
            "2024-01-01",
            json!({"entity_id": "firm", "kind": "enterprise", "name": "企业"}),
        ),
    ];
    let parks = ["park-a", "park-b"];
    for p in parks {
        log.push(ev(
            "entity.registered",
            "city",
            "2024-01-01",
            json!({"entity_id": p, "kind": "park", "name": p, "parent": "city"}),
        ));
    }
    let mut dated: Vec<(String, Value)> = Vec::new();
    for i in 0..8 {
        let id = format!("proj-{i}");
        let host = parks[(next() % 2) as usize];
        log.push(ev(
            "entity.registered",
            "firm",
            "2024-01-01",
            json!({"entity_id": id, "kind": "project", "name": format!("项目{i}"), "parent": "firm"}),
        ));
        let on = format!("2024-0{}-0{}", 1 + next() % 9, 1 + next() % 9);
        let mut s = signed(&id, host, &on, &format!("2024-{:02}-15", 1 + next() % 12));
        s["occurred_at"] = json!("2024-01-02");
        log.push(s);
        for _ in 0..(next() % 3) {
            let st = ["started", "producing", "stalled", "cancelled"][(next() % 4) as usize];
            let d = format!("202{}-{:02}-1{}", 4 + next() % 2, 1 + next() % 12, next() % 9);
            let mut e = stage(&id, st, &d, &format!("{}", 5_000_000 + u64::from(next()) * 100_000));
            e["occurred_at"] = json!(d.clone());
            dated.push((d, e));
        }
    }
    for year in [2024u32, 2025] {
        for p in parks {
            let t = format!("{p}-{year}");
            let mut a = counting(&t, p, year, ["signed", "started", "producing"][(next() % 3) as usize]);
            a["occurred_at"] = json!("2024-01-02");
            log.push(a);
            let listed: Vec<String> = (0..8)
                .filter(|_| next() % 3 == 0)
                .map(|i| format!("proj-{i}"))
                .collect();
            let refs: Vec<&str> = listed.iter().map(String::as_str).collect();
            let d = format!("{}-12-2{}", year, next() % 8);
            let mut c = claim(&t, p, &d, &refs);
            if next() % 4 == 0 {
                c["data"]["value"] = json!("9");
            }
            dated.push((d, c));
        }
    }
    dated.sort_by(|a, b| a.0.cmp(&b.0));
    log.extend(dated.into_iter().map(|(_, e)| e));
    log.push(account("budget", "source"));
    log.push(account("special", "internal"));
    log.push(pay("d1", "budget", "special", "100", "2024-02-01"));
    let n = log.len();
    for _ in 0..(next() % 3) {
        let seq = 12 + (next() as usize * 7) % (n - 12);
        let actor = log[seq]["actor"].as_str().unwrap_or("city").to_string();
        log.push(ev(
            "event.voided",
            &actor,
            "2026-06-30",
            json!({"seq": seq, "reason": "entered in error"}),
        ));
    }
    log
}

fn everything(facts: &Facts, now: Day) -> Value {
    json!({
        "projects": projects::report(facts, now),
        "targets": pledger_views::targets::report(facts, now),
        "findings": findings::all(facts, now),
    })
}

fn append_all(events: &[Value]) -> (Arc<MemBackend>, Vec<Value>) {
    let backend = Arc::new(MemBackend::new());
    let ledger = Ledger::open(backend.clone()).expect("open");
    let mut kept = Vec::new();
    for e in events {
        // A void naming a record a previous void already voided, or a
        // listing of a project whose signing was voided, is refused; the
        // scenario goes on without it.
        if ledger.append_values(vec![e.clone()]).is_ok() {
            kept.push(e.clone());
        }
    }
    ledger.close();
    (backend, kept)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_projects_view_read_through_the_store_equals_a_fold(
        choices in proptest::collection::vec(any::<u8>(), 16..64),
        cut in 0.0f64..1.0,
        as_of_days in 0i64..1100,
    ) {
        let (backend, kept) = append_all(&scenario(&choices));
        prop_assert!(kept.len() > 25, "the scenario is accepted by the ledger ({} kept)", kept.len());
        let len = backend.head().expect("head").len;
        let now = day("2027-06-30");
        let via_store = load(backend.as_ref(), len, Scope::default()).expect("load");
        let live = from_json(&kept, None).expect("fold");
        prop_assert_eq!(everything(&via_store, now), everything(&live, now));

        let at = ((len - 1) as f64 * cut) as u64;
        let via_store = load(backend.as_ref(), len, Scope { as_of: None, at_seq: Some(at) }).expect("load");
        let prefix = from_json(&kept[..=at as usize], None).expect("fold");
        prop_assert_eq!(everything(&via_store, now), everything(&prefix, now));

        let as_of = Day(day("2024-01-01").0 + time::Duration::days(as_of_days));
        let via_store = load(backend.as_ref(), len, Scope { as_of: Some(as_of), at_seq: None }).expect("load");
        let dated = from_json(&kept, Some(as_of)).expect("fold");
        prop_assert_eq!(everything(&via_store, as_of), everything(&dated, as_of));
        prop_assert_eq!(
            serde_json::to_value(projects::report(&dated, as_of)).expect("json"),
            serde_json::to_value(projects::report(&live, as_of)).expect("json")
        );
    }
}
