//! Format 3.7 (the assessment of yearly tasks) and its findings (3.5,
//! version 2), as given/when/then cases on small logs, then a property:
//! random task scenarios appended through the real ledger give the same
//! assessment and findings read through the store, at any log position
//! and as of any date, as a fold of the events.

use pledger_core::when::Day;
use pledger_store::{Ledger, LogBackend, MemBackend};
use pledger_views::assessment::{self, ConsequenceStatus, TaskStatus};
use pledger_views::facts::{from_json, Facts};
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

/// Target `id` of `who` for `year` (at least 10, or at most 0 for a
/// safety target named `*safe*`), optionally over a shorter period.
fn target(id: &str, who: &str, from: &str, to: &str) -> Value {
    let (metric, cmp, threshold) = if id.contains("safe") {
        ("serious_accidents", "<=", "0")
    } else {
        ("new_projects_ge_10m", ">=", "10")
    };
    ev(
        "target.assigned",
        "city",
        from,
        json!({"target_id": id, "assignee": who, "metric": metric, "unit": "count", "comparator": cmp,
               "threshold": threshold, "period": {"from": from, "to": to}, "basis": "doc"}),
    )
}

fn year_target(id: &str, who: &str, year: u32) -> Value {
    target(id, who, &format!("{year}-01-01"), &format!("{year}-12-31"))
}

/// Verified `value` as of `as_of`, recorded on `on`.
fn verify(id: &str, value: &str, as_of: &str, on: &str) -> Value {
    ev(
        "target.verified",
        "audit",
        on,
        json!({"target_id": id, "value": value, "as_of": as_of, "evidence": "audit report"}),
    )
}

/// A met / missed verification of a year's target, recorded on `on`.
fn met(id: &str, year: u32, on: &str) -> Value {
    let v = if id.contains("safe") { "0" } else { "12" };
    verify(id, v, &format!("{year}-12-31"), on)
}

fn missed(id: &str, year: u32, on: &str) -> Value {
    let v = if id.contains("safe") { "2" } else { "7" };
    verify(id, v, &format!("{year}-12-31"), on)
}

/// Task `id` of `who` for `year`, group `g`, items (target, weight, veto),
/// pass 60, criticism on failure and reassignment after two in a row.
fn task(id: &str, who: &str, year: u32, g: &str, items: &[(&str, &str, bool)]) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|(t, w, veto)| json!({"target_id": t, "weight": w, "veto": veto}))
        .collect();
    ev(
        "assessment.task_set",
        "city",
        &format!("{year}-01-02"),
        json!({"task_id": id, "assignee": who, "group": g, "items": items, "pass_score": "60",
               "period": {"from": format!("{year}-01-01"), "to": format!("{year}-12-31")},
               "consequences": {"on_fail": ["criticism"],
                                "on_consecutive_fail": {"count": 2, "kinds": ["reassignment"]}},
               "basis": "目标管理责任状"}),
    )
}

fn sanction(id: &str, subject: &str, task: &str, kind: &str, on: &str) -> Value {
    ev(
        "sanction.imposed",
        "city",
        on,
        json!({"sanction_id": id, "subject": subject, "kind": kind, "task_id": task, "basis": "通报"}),
    )
}

fn task_scheme(id: &str, task: &str) -> Value {
    ev(
        "incentive.scheme_set",
        "city",
        "2026-01-03",
        json!({"scheme_id": id, "task_id": task, "total": "100000", "condition": "task_passed",
               "shares": [{"role": "team", "percent": "100"}]}),
    )
}

fn pay(id: &str, scheme: &str, on: &str) -> Value {
    ev(
        "incentive.paid",
        "city",
        on,
        json!({"payout_id": id, "scheme_id": scheme, "payee": "park-a", "role": "team", "amount": "100000",
               "evidence": "voucher"}),
    )
}

fn facts(events: &[Value]) -> Facts {
    from_json(events, None).expect("valid events")
}

fn judged(events: &[Value], task_id: &str, now: &str) -> assessment::TaskRow {
    assessment::task(&facts(events), task_id, day(now)).expect("task in force")
}

fn found(events: &[Value], now: &str, code: FindingCode) -> Vec<Finding> {
    findings::all(&facts(events), day(now))
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

/// Park-a's 2026 task: projects 70, safety 30 with veto.
fn park_a_2026() -> Vec<Value> {
    vec![
        year_target("a-proj", "park-a", 2026),
        year_target("a-safe", "park-a", 2026),
        task(
            "k",
            "park-a",
            2026,
            "parks",
            &[("a-proj", "70", false), ("a-safe", "30", true)],
        ),
    ]
}

fn with(mut base: Vec<Value>, more: impl IntoIterator<Item = Value>) -> Vec<Value> {
    base.extend(more);
    base
}

// ---------------------------------------------------------------------------
// Status, score, decided_on

#[test]
fn given_a_running_year_the_task_is_open_with_the_points_so_far() {
    let log = park_a_2026();
    let t = judged(&log, "k", "2026-06-30");
    assert_eq!(
        (t.status, t.score.as_str(), t.max_score.as_str()),
        (TaskStatus::Open, "0", "100")
    );
    assert_eq!((t.rank, t.of, t.decided_on), (1, 1, None));
    // Over, but its verifications not yet in: still open? No: its targets
    // are unverified, so undecided.
    assert_eq!(judged(&log, "k", "2027-01-10").status, TaskStatus::Undecided);
}

#[test]
fn given_every_item_decided_when_the_score_reaches_the_pass_score_then_it_passed() {
    let log = with(
        park_a_2026(),
        [met("a-proj", 2026, "2027-01-20"), met("a-safe", 2026, "2027-01-25")],
    );
    let t = judged(&log, "k", "2027-06-30");
    assert_eq!(
        (t.status, t.score.as_str(), t.vetoed),
        (TaskStatus::Passed, "100", false)
    );
    // decided_on: the latest of the deciding verifications.
    assert_eq!(t.decided_on, Some(day("2027-01-25")));
    assert!(t.consequences.is_empty(), "nothing due for a passed task");
    // The day before the last verification, it was still undecided.
    assert_eq!(judged(&log, "k", "2027-01-24").status, TaskStatus::Undecided);
}

#[test]
fn given_a_missed_item_below_the_pass_score_then_it_failed_without_veto() {
    let log = with(
        park_a_2026(),
        [missed("a-proj", 2026, "2027-01-20"), met("a-safe", 2026, "2027-01-25")],
    );
    let t = judged(&log, "k", "2027-06-30");
    assert_eq!(
        (t.status, t.score.as_str(), t.vetoed),
        (TaskStatus::Failed, "30", false)
    );
    assert_eq!(t.decided_on, Some(day("2027-01-25")));
}

#[test]
fn given_a_missed_veto_item_the_task_fails_at_once_whatever_its_score() {
    // The safety target runs January to June; missed in July, the year is
    // lost while the task's own period still runs and projects are open.
    let log = vec![
        year_target("a-proj", "park-a", 2026),
        target("a-safe-h1", "park-a", "2026-01-01", "2026-06-30"),
        target("a-safe-stability-h1", "park-a", "2026-01-01", "2026-06-30"),
        task(
            "k",
            "park-a",
            2026,
            "parks",
            &[
                ("a-proj", "70", false),
                ("a-safe-h1", "15", true),
                ("a-safe-stability-h1", "15", true),
            ],
        ),
        verify("a-safe-stability-h1", "3", "2026-06-30", "2026-07-10"),
        verify("a-safe-h1", "1", "2026-06-30", "2026-07-20"),
    ];
    let t = judged(&log, "k", "2026-08-01");
    assert_eq!((t.status, t.vetoed), (TaskStatus::Failed, true));
    // Vetoed: decided by the earliest missed veto verification.
    assert_eq!(t.decided_on, Some(day("2026-07-10")));
    assert_eq!(judged(&log, "k", "2026-07-09").status, TaskStatus::Open);
    // Even full marks elsewhere cannot save it.
    let log = with(log, [met("a-proj", 2026, "2027-01-20")]);
    let t = judged(&log, "k", "2027-06-30");
    assert_eq!((t.status, t.vetoed, t.score.as_str()), (TaskStatus::Failed, true, "70"));
}

#[test]
fn as_of_a_date_and_at_a_position_the_task_is_judged_on_what_was_known() {
    let log = with(
        park_a_2026(),
        [missed("a-proj", 2026, "2027-01-20"), met("a-safe", 2026, "2027-01-25")],
    );
    let full = facts(&log);
    let as_of = from_json(&log, Some(day("2027-01-22"))).expect("fold");
    let now = day("2027-01-22");
    assert_eq!(assessment::report(&full, now), assessment::report(&as_of, now));
    assert_eq!(
        assessment::task(&as_of, "k", now).map(|t| t.status),
        Some(TaskStatus::Undecided)
    );
    // At the position before the last verification: undecided, even today.
    let before = from_json(&log[..log.len() - 1], None).expect("fold");
    assert_eq!(
        assessment::task(&before, "k", day("2027-06-30")).map(|t| t.status),
        Some(TaskStatus::Undecided)
    );
}

#[test]
fn a_voided_item_target_leaves_the_task_undecided_and_a_voided_task_is_gone() {
    let mut log = with(park_a_2026(), [met("a-proj", 2026, "2027-01-20")]);
    log.push(ev(
        "event.voided",
        "city",
        "2027-01-21",
        json!({"seq": 1, "reason": "wrong"}),
    ));
    assert_eq!(judged(&log, "k", "2027-06-30").status, TaskStatus::Undecided);
    log.push(ev(
        "event.voided",
        "city",
        "2027-01-22",
        json!({"seq": 2, "reason": "wrong"}),
    ));
    assert!(assessment::task(&facts(&log), "k", day("2027-06-30")).is_none());
}

// ---------------------------------------------------------------------------
// Ranking

#[test]
fn tasks_rank_by_score_within_group_and_period_and_equal_scores_share_a_rank() {
    let mut log = Vec::new();
    // Four parks in one group: scores 100, 70, 70, 30; one county apart.
    for (who, proj, safe) in [
        ("p1", true, true),
        ("p2", true, false),
        ("p3", true, false),
        ("p4", false, true),
    ] {
        let (tp, ts) = (format!("{who}-proj"), format!("{who}-safe"));
        log.push(year_target(&tp, who, 2026));
        log.push(year_target(&ts, who, 2026));
        log.push(task(
            &format!("k-{who}"),
            who,
            2026,
            "parks",
            &[(&tp, "70", false), (&ts, "30", false)],
        ));
        log.push(if proj {
            met(&tp, 2026, "2027-01-20")
        } else {
            missed(&tp, 2026, "2027-01-20")
        });
        log.push(if safe {
            met(&ts, 2026, "2027-01-20")
        } else {
            missed(&ts, 2026, "2027-01-20")
        });
    }
    log.push(year_target("c-proj", "county", 2026));
    log.push(task(
        "k-county",
        "county",
        2026,
        "counties",
        &[("c-proj", "100", false)],
    ));
    let r = assessment::report(&facts(&log), day("2027-06-30"));
    let parks: Vec<(&str, usize, usize, &str)> = r
        .tasks
        .iter()
        .filter(|t| t.group == "parks")
        .map(|t| (t.assignee.as_str(), t.rank, t.of, t.score.as_str()))
        .collect();
    assert_eq!(
        parks,
        vec![
            ("p1", 1, 4, "100"),
            ("p2", 2, 4, "70"),
            ("p3", 2, 4, "70"),
            ("p4", 4, 4, "30")
        ]
    );
    let county = r.tasks.iter().find(|t| t.group == "counties").expect("county task");
    assert_eq!((county.rank, county.of), (1, 1));
}

// ---------------------------------------------------------------------------
// Runs and consequences

/// Park-a's tasks 2024–2026 with the given outcomes (true: passed).
fn three_years(outcomes: [Option<bool>; 3]) -> Vec<Value> {
    let mut log = Vec::new();
    for (i, outcome) in outcomes.iter().enumerate() {
        let year = 2024 + i as u32;
        let t = format!("a-{year}");
        log.push(year_target(&t, "park-a", year));
        log.push(task(
            &format!("k{year}"),
            "park-a",
            year,
            "parks",
            &[(&t, "100", false)],
        ));
        let on = format!("{}-01-20", year + 1);
        match outcome {
            Some(true) => log.push(met(&t, year, &on)),
            Some(false) => log.push(missed(&t, year, &on)),
            None => {}
        }
    }
    log
}

#[test]
fn failures_in_a_row_skip_undecided_years_and_end_at_a_pass() {
    let log = three_years([Some(false), None, Some(false)]);
    let r = assessment::report(&facts(&log), day("2027-06-30"));
    let run = r.runs.iter().find(|x| x.assignee == "park-a").expect("run");
    assert_eq!(
        (run.consecutive_failed, run.task_ids.clone()),
        (2, vec!["k2024".into(), "k2026".into()])
    );
    let k2026 = r.tasks.iter().find(|t| t.task_id == "k2026").expect("k2026");
    assert_eq!(k2026.consecutive_failed, 2);
    let kinds: Vec<&str> = k2026.consequences.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["criticism", "reassignment"],
        "on_fail, then the run's consequence"
    );
    // One failure alone makes only on_fail due.
    let k2024 = r.tasks.iter().find(|t| t.task_id == "k2024").expect("k2024");
    assert_eq!(k2024.consequences.len(), 1);

    let log = three_years([Some(false), Some(true), Some(false)]);
    let r = assessment::report(&facts(&log), day("2027-06-30"));
    let run = r.runs.iter().find(|x| x.assignee == "park-a").expect("run");
    assert_eq!(run.consecutive_failed, 1, "a pass ends the run");
}

#[test]
fn a_consequence_is_pending_for_90_days_then_not_imposed_unless_a_sanction_names_task_and_kind() {
    let log = three_years([Some(false), None, None]);
    // Decided 2025-01-20; due by 2025-04-20.
    let at = |log: &[Value], now: &str| judged(log, "k2024", now).consequences[0].clone();
    let c = at(&log, "2025-04-20");
    assert_eq!((c.status, c.due_by), (ConsequenceStatus::Pending, day("2025-04-20")));
    assert_eq!(at(&log, "2025-04-21").status, ConsequenceStatus::NotImposed);
    // Another kind, or another task, does not count; any subject does.
    let log = with(
        log,
        [
            sanction("x1", "park-a", "k2024", "warning", "2025-02-01"),
            sanction("x2", "park-a-leader", "k2024", "criticism", "2025-03-01"),
        ],
    );
    let c = at(&log, "2025-06-30");
    assert_eq!(c.status, ConsequenceStatus::Imposed);
    assert_eq!(c.imposed.len(), 1);
    assert_eq!(c.imposed[0].sanction_id, "x2");
}

// ---------------------------------------------------------------------------
// Findings, dated as the format says

#[test]
fn consecutive_failures_is_dated_the_decision_of_the_runs_last_task() {
    let log = three_years([Some(false), Some(false), Some(true)]);
    let f = found(&log, "2027-06-30", FindingCode::ConsecutiveFailures);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].date, day("2026-01-20"));
    assert_eq!(f[0].subjects, ["park-a", "k2024", "k2025"]);
    // It stays after the pass: a look back sees it.
    assert!(found(
        &three_years([Some(false), Some(true), Some(false)]),
        "2027-06-30",
        FindingCode::ConsecutiveFailures
    )
    .is_empty());
}

#[test]
fn sanction_not_imposed_is_dated_the_91st_day_and_also_reports_a_late_one() {
    let log = three_years([Some(false), None, None]);
    assert!(
        found(&log, "2025-04-20", FindingCode::SanctionNotImposed).is_empty(),
        "still pending"
    );
    let f = found(&log, "2025-04-21", FindingCode::SanctionNotImposed);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].date, day("2025-04-21"));
    assert!(f[0].subjects.contains(&"criticism".to_string()));
    // Imposed on the 90th day: in time, nothing to report.
    let in_time = with(
        log.clone(),
        [sanction("x", "park-a", "k2024", "criticism", "2025-04-20")],
    );
    assert!(found(&in_time, "2027-06-30", FindingCode::SanctionNotImposed).is_empty());
    // Imposed on the 100th day: imposed, and late.
    let late = with(log, [sanction("x", "park-a", "k2024", "criticism", "2025-04-30")]);
    assert_eq!(
        judged(&late, "k2024", "2027-06-30").consequences[0].status,
        ConsequenceStatus::Imposed
    );
    let f = found(&late, "2027-06-30", FindingCode::SanctionNotImposed);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].date, day("2025-04-21"));
    assert!(f[0].message.contains("2025-04-30"), "{}", f[0].message);
}

#[test]
fn sanction_without_basis_needs_a_task_passed_on_the_sanctions_date() {
    let log = three_years([Some(true), None, None]);
    let f = found(
        &with(
            log.clone(),
            [sanction("x", "park-a", "k2024", "criticism", "2025-02-01")],
        ),
        "2027-06-30",
        FindingCode::SanctionWithoutBasis,
    );
    assert_eq!((f.len(), f[0].date), (1, day("2025-02-01")));
    // Before the verification the task was open: no finding for that.
    let early = with(log, [sanction("x", "park-a", "k2024", "criticism", "2025-01-10")]);
    assert!(found(&early, "2027-06-30", FindingCode::SanctionWithoutBasis).is_empty());
    // A failed task's sanction has its basis.
    let failed = with(
        three_years([Some(false), None, None]),
        [sanction("x", "park-a", "k2024", "criticism", "2025-02-01")],
    );
    assert!(found(&failed, "2027-06-30", FindingCode::SanctionWithoutBasis).is_empty());
}

#[test]
fn reward_for_failed_task_judges_the_task_on_the_payout_date() {
    let base = with(park_a_2026(), [task_scheme("r", "k")]);
    // Passed, then paid: nothing.
    let ok = with(
        base.clone(),
        [
            met("a-proj", 2026, "2027-01-20"),
            met("a-safe", 2026, "2027-01-21"),
            pay("p", "r", "2027-02-01"),
        ],
    );
    assert!(found(&ok, "2027-06-30", FindingCode::RewardForFailedTask).is_empty());
    assert!(found(&ok, "2027-06-30", FindingCode::PaidWithoutMetTarget).is_empty());
    // Paid before the task was decided, even though it passed later.
    let early = with(
        base.clone(),
        [
            pay("p", "r", "2027-01-10"),
            met("a-proj", 2026, "2027-01-20"),
            met("a-safe", 2026, "2027-01-21"),
        ],
    );
    let f = found(&early, "2027-06-30", FindingCode::RewardForFailedTask);
    assert_eq!((f.len(), f[0].date), (1, day("2027-01-10")));
    // Vetoed, then paid.
    let vetoed = with(
        base,
        [
            met("a-proj", 2026, "2027-01-20"),
            missed("a-safe", 2026, "2027-01-21"),
            pay("p", "r", "2027-02-01"),
        ],
    );
    let f = found(&vetoed, "2027-06-30", FindingCode::RewardForFailedTask);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("veto"), "{}", f[0].message);
    let r = pledger_views::incentives::report(&facts(&vetoed), day("2027-06-30"));
    assert_eq!(r.payouts[0].task_status_when_paid, Some(TaskStatus::Failed));
    assert!(!r.payouts[0].target_met);
}

// ---------------------------------------------------------------------------
// Property: through the real ledger = a fold, at every position and date.

/// A random but valid scenario: three parks under one county, each with
/// two targets a year (one a veto item), tasks per year, verifications
/// met or missed at random days (some never), sanctions, task schemes and
/// payouts, and a few voids by their recorders.
fn scenario(choices: &[u8]) -> Vec<Value> {
    let mut pick = choices.iter().copied().cycle();
    let mut next = move || pick.next().unwrap_or(0);
    let mut log = vec![
        ev(
            "entity.registered",
            "city",
            "2023-01-01",
            json!({"entity_id": "city", "kind": "government", "name": "市"}),
        ),
        ev(
            "entity.registered",
            "city",
            "2023-01-01",
            json!({"entity_id": "audit", "kind": "auditor", "name": "审计局"}),
        ),
        ev(
            "entity.registered",
            "city",
            "2023-01-01",
            json!({"entity_id": "county", "kind": "county", "name": "县", "parent": "city"}),
        ),
    ];
    let parks = ["p1", "p2", "p3"];
    for p in parks {
        log.push(ev(
            "entity.registered",
            "county",
            "2023-01-01",
            json!({"entity_id": p, "kind": "park", "name": format!("园区{p}"), "parent": "county"}),
        ));
    }
    let mut later: Vec<(String, Value)> = Vec::new();
    for year in 2023..2026u32 {
        for p in parks {
            let (tp, ts, k, r) = (
                format!("{p}-{year}-proj"),
                format!("{p}-{year}-safe"),
                format!("k-{p}-{year}"),
                format!("r-{p}-{year}"),
            );
            log.push(year_target(&tp, p, year));
            log.push(year_target(&ts, p, year));
            log.push(task(
                &k,
                p,
                year,
                "parks",
                &[(&tp, "60", false), (&ts, "40", next() % 2 == 0)],
            ));
            log.push(task_scheme(&r, &k));
            for t in [&tp, &ts] {
                let day_of = format!("{}-0{}-1{}", year + 1, 1 + next() % 3, next() % 9);
                match next() % 3 {
                    0 => later.push((day_of.clone(), met(t, year, &day_of))),
                    1 => later.push((day_of.clone(), missed(t, year, &day_of))),
                    _ => {}
                }
            }
            let on = format!("{}-0{}-2{}", year + 1, 1 + next() % 6, next() % 8);
            match next() % 4 {
                0 => later.push((on.clone(), sanction(&format!("x-{p}-{year}"), p, &k, "criticism", &on))),
                1 => later.push((on.clone(), pay(&format!("pay-{p}-{year}"), &r, &on))),
                _ => {}
            }
        }
    }
    // Business dates need not increase along the log; shuffle them in by
    // a choice, keeping each target's facts after its assignment.
    later.sort_by_key(|(d, _)| d.clone());
    for (_, e) in later {
        log.push(e);
    }
    // The payee of the payouts must exist.
    log.insert(
        3,
        ev(
            "entity.registered",
            "city",
            "2023-01-01",
            json!({"entity_id": "park-a", "kind": "enterprise", "name": "甲"}),
        ),
    );
    let n = log.len();
    for _ in 0..(next() % 3) {
        let seq = 10 + (next() as usize * 7) % (n - 10);
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
        "assessment": assessment::report(facts, now),
        "incentives": pledger_views::incentives::report(facts, now),
        "findings": findings::all(facts, now),
    })
}

fn append_all(events: &[Value]) -> (Arc<MemBackend>, Vec<Value>) {
    let backend = Arc::new(MemBackend::new());
    let ledger = Ledger::open(backend.clone()).expect("open");
    let mut kept = Vec::new();
    for e in events {
        // A void may name a record already voided: the ledger refuses it,
        // and the scenario simply goes without.
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
    fn the_assessment_read_through_the_store_equals_a_fold(
        choices in proptest::collection::vec(any::<u8>(), 16..64),
        cut in 0.0f64..1.0,
        as_of_days in 0i64..1100,
    ) {
        let (backend, kept) = append_all(&scenario(&choices));
        prop_assert!(kept.len() > 40, "the scenario is accepted by the ledger ({} kept)", kept.len());
        let len = backend.head().expect("head").len;
        prop_assert_eq!(len as usize, kept.len());
        let now = day("2027-06-30");
        let via_store = load(backend.as_ref(), len, Scope::default()).expect("load");
        let live = from_json(&kept, None).expect("fold");
        prop_assert_eq!(everything(&via_store, now), everything(&live, now));

        let at = ((len - 1) as f64 * cut) as u64;
        let via_store = load(backend.as_ref(), len, Scope { as_of: None, at_seq: Some(at) }).expect("load");
        let prefix = from_json(&kept[..=at as usize], None).expect("fold");
        prop_assert_eq!(everything(&via_store, now), everything(&prefix, now));

        let as_of = Day(day("2023-06-30").0 + time::Duration::days(as_of_days));
        let via_store = load(backend.as_ref(), len, Scope { as_of: Some(as_of), at_seq: None }).expect("load");
        let dated = from_json(&kept, Some(as_of)).expect("fold");
        prop_assert_eq!(everything(&via_store, as_of), everything(&dated, as_of));
        // As of D judged at D is the full log judged at D.
        prop_assert_eq!(assessment::report(&dated, as_of), assessment::report(&live, as_of));

        // Ranks are competition ranks of the scores within each group and period.
        let r = assessment::report(&live, now);
        for t in &r.tasks {
            let peers: Vec<_> = r.tasks.iter().filter(|o| o.group == t.group && o.period == t.period).collect();
            let score = |s: &str| s.parse::<rust_decimal::Decimal>().expect("score");
            let higher = peers.iter().filter(|o| score(&o.score) > score(&t.score)).count();
            prop_assert_eq!((t.rank, t.of), (higher + 1, peers.len()));
        }
    }
}
