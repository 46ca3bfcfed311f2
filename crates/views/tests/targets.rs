//! Contract 3.1 and 3.6, targets: given these events, when the view is read
//! at a date, then ...

use pledger_core::when::Day;
use pledger_views::facts::{from_json, Facts};
use pledger_views::targets::{self, TargetStatus, Trajectory, Verdict};
use pledger_views::{Finding, FindingCode, TableRow};
use proptest::prelude::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Givens

fn d(s: &str) -> Day {
    Day::parse(s).unwrap()
}

fn ev(kind: &str, actor: &str, date: &str, data: Value) -> Value {
    json!({"type": kind, "actor": actor, "occurred_at": date, "data": data})
}

/// `target_id` for `park-a` on `metric`, `cmp threshold` over [from, to],
/// assigned by the city on `from`.
fn assign(id: &str, metric: &str, cmp: &str, threshold: &str, from: &str, to: &str) -> Value {
    assign_to(id, "park-a", metric, cmp, threshold, from, to)
}

fn assign_to(id: &str, assignee: &str, metric: &str, cmp: &str, threshold: &str, from: &str, to: &str) -> Value {
    ev(
        "target.assigned",
        "city",
        from,
        json!({"target_id": id, "assignee": assignee, "metric": metric, "unit": "count", "comparator": cmp,
               "threshold": threshold, "period": {"from": from, "to": to}, "basis": "city-doc-2006-1"}),
    )
}

/// A yearly `>= threshold` target for 2006.
fn yearly(id: &str, threshold: &str) -> Value {
    assign(id, "new_projects_ge_10m", ">=", threshold, "2006-01-01", "2006-12-31")
}

fn claim(id: &str, value: &str, as_of: &str, on: &str) -> Value {
    ev(
        "target.progress_reported",
        "park-a",
        on,
        json!({"target_id": id, "value": value, "as_of": as_of}),
    )
}

fn verify(id: &str, value: &str, as_of: &str, on: &str) -> Value {
    ev(
        "target.verified",
        "auditor",
        on,
        json!({"target_id": id, "value": value, "as_of": as_of, "evidence": [{"ref": "audit-report"}]}),
    )
}

fn verify_bare(id: &str, value: &str, as_of: &str, on: &str) -> Value {
    ev(
        "target.verified",
        "auditor",
        on,
        json!({"target_id": id, "value": value, "as_of": as_of}),
    )
}

fn revise(id: &str, data: Value, on: &str) -> Value {
    let mut data = data;
    data["target_id"] = json!(id);
    data["reason"] = json!("adjusted by the city");
    ev("target.revised", "city", on, data)
}

fn void(seq: usize, on: &str) -> Value {
    ev(
        "event.voided",
        "auditor",
        on,
        json!({"seq": seq, "reason": "entered in error"}),
    )
}

fn filler(i: usize) -> Value {
    ev(
        "entity.registered",
        "city",
        "2005-01-01",
        json!({"entity_id": format!("filler-{i}"), "kind": "person", "name": "x"}),
    )
}

fn facts(events: &[Value]) -> Facts {
    from_json(events, None).unwrap()
}

fn row(events: &[Value], id: &str, now: &str) -> targets::TargetRow {
    let r = targets::report(&facts(events), d(now));
    r.targets
        .into_iter()
        .find(|t| t.target_id == id)
        .expect("target in report")
}

fn status(events: &[Value], id: &str, now: &str) -> TargetStatus {
    row(events, id, now).status
}

fn trajectory(events: &[Value], id: &str, now: &str) -> Option<Trajectory> {
    row(events, id, now).trajectory
}

fn findings(events: &[Value], now: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    targets::findings(&facts(events), d(now), &mut out);
    out
}

fn with_code(fs: &[Finding], code: FindingCode) -> Vec<&Finding> {
    fs.iter().filter(|f| f.code == code).collect()
}

// ---------------------------------------------------------------------------
// Status

#[test]
fn status_is_open_while_the_period_runs_even_with_a_claim() {
    let events = [yearly("t", "5"), claim("t", "6", "2006-06-30", "2006-07-01")];
    assert_eq!(status(&events, "t", "2006-12-31"), TargetStatus::Open);
}

#[test]
fn status_is_met_when_a_verification_on_or_after_the_period_end_meets_it() {
    let events = [yearly("t", "5"), verify("t", "5", "2006-12-31", "2007-01-20")];
    assert_eq!(status(&events, "t", "2007-02-01"), TargetStatus::Met);
}

#[test]
fn status_is_missed_when_the_deciding_verification_falls_short() {
    let events = [
        yearly("t", "5"),
        claim("t", "6", "2006-12-31", "2007-01-05"),
        verify("t", "4", "2006-12-31", "2007-01-20"),
    ];
    assert_eq!(status(&events, "t", "2007-02-01"), TargetStatus::Missed);
}

#[test]
fn status_is_claimed_unverified_after_the_period_with_only_a_meeting_claim() {
    let events = [yearly("t", "5"), claim("t", "7", "2006-12-31", "2007-01-05")];
    assert_eq!(status(&events, "t", "2007-02-01"), TargetStatus::ClaimedUnverified);
}

#[test]
fn status_is_unverified_after_the_period_with_nothing_decisive() {
    // No claim at all.
    assert_eq!(status(&[yearly("t", "5")], "t", "2007-01-01"), TargetStatus::Unverified);
    // A claim that does not meet the threshold, and a mid-period verification.
    let events = [
        yearly("t", "5"),
        claim("t", "3", "2006-12-31", "2007-01-05"),
        verify("t", "6", "2006-11-30", "2006-12-05"),
    ];
    assert_eq!(status(&events, "t", "2007-02-01"), TargetStatus::Unverified);
}

#[test]
fn a_later_verification_of_the_same_date_corrects_the_deciding_one() {
    let events = [
        yearly("t", "5"),
        verify("t", "5", "2006-12-31", "2007-01-20"),
        verify("t", "4", "2006-12-31", "2007-02-10"),
    ];
    assert_eq!(status(&events, "t", "2007-02-01"), TargetStatus::Met);
    assert_eq!(status(&events, "t", "2007-03-01"), TargetStatus::Missed);
}

#[test]
fn at_most_targets_are_met_at_or_below_the_threshold() {
    let events = [
        assign("t", "approval_days", "<=", "1", "2006-01-01", "2006-12-31"),
        verify("t", "0.5", "2006-12-31", "2007-01-10"),
        assign("u", "approval_days", "<=", "1", "2006-01-01", "2006-12-31"),
        verify("u", "2", "2006-12-31", "2007-01-10"),
    ];
    assert_eq!(status(&events, "t", "2007-02-01"), TargetStatus::Met);
    assert_eq!(status(&events, "u", "2007-02-01"), TargetStatus::Missed);
    assert_eq!(row(&events, "t", "2007-02-01").progress.as_deref(), Some("2"));
    assert_eq!(row(&events, "u", "2007-02-01").progress.as_deref(), Some("0.5"));
}

// ---------------------------------------------------------------------------
// Row contents and JSON shape

#[test]
fn the_row_shows_threshold_period_last_values_and_progress_as_json() {
    let events = [
        yearly("t", "3"),
        claim("t", "1", "2006-03-31", "2006-04-02"),
        claim("t", "2", "2006-06-30", "2006-07-02"),
        verify("t", "1", "2006-03-31", "2006-04-20"),
    ];
    let r = targets::report(&facts(&events), d("2006-07-15"));
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v["targets"][0],
        json!({
            "target_id": "t", "assignee": "park-a", "metric": "new_projects_ge_10m", "unit": "count",
            "comparator": ">=", "threshold": "3", "period": {"from": "2006-01-01", "to": "2006-12-31"},
            "basis": "city-doc-2006-1",
            "last_claimed": {"value": "2", "as_of": "2006-06-30", "seq": 2},
            "last_verified": {"value": "1", "as_of": "2006-03-31", "seq": 3},
            "progress": "0.3333",
            // Verified 1/3 against the pace at 2006-07-15, 196/365: ratio 0.62.
            "trajectory": "needs_acceleration",
            "status": "open"
        })
    );
    assert_eq!(v["miss_runs"], json!([]));
    let cells = r.targets[0].cells();
    assert_eq!(cells.len(), targets::TargetRow::header().len());
    assert_eq!(cells[3], ">= 3 count");
    assert_eq!(cells[5], "2 (2006-06-30)");
    assert_eq!(cells[7], "33.33%");
}

#[test]
fn progress_is_null_without_a_value_or_with_a_zero_denominator() {
    let none = [yearly("t", "3")];
    assert_eq!(row(&none, "t", "2006-06-01").progress, None);
    assert_eq!(row(&none, "t", "2006-06-01").last_claimed, None);
    let zero_threshold = [yearly("t", "0"), claim("t", "2", "2006-03-31", "2006-04-01")];
    assert_eq!(row(&zero_threshold, "t", "2006-06-01").progress, None);
    let zero_value = [
        assign("t", "approval_days", "<=", "1", "2006-01-01", "2006-12-31"),
        claim("t", "0", "2006-03-31", "2006-04-01"),
    ];
    assert_eq!(row(&zero_value, "t", "2006-06-01").progress, None);
}

#[test]
fn progress_rounds_to_four_places_half_away_from_zero() {
    let events = [yearly("t", "3"), claim("t", "2", "2006-03-31", "2006-04-01")];
    assert_eq!(row(&events, "t", "2006-06-01").progress.as_deref(), Some("0.6667"));
    let events = [yearly("t", "8"), claim("t", "0.00002", "2006-03-31", "2006-04-01")];
    // 0.0000025 → 0.0000 (printed "0"); 0.00005 → 0.0001.
    assert_eq!(row(&events, "t", "2006-06-01").progress.as_deref(), Some("0"));
    let events = [yearly("t", "2"), claim("t", "0.0001", "2006-03-31", "2006-04-01")];
    assert_eq!(row(&events, "t", "2006-06-01").progress.as_deref(), Some("0.0001"));
}

// ---------------------------------------------------------------------------
// Trajectory (while open)

#[test]
fn trajectory_is_achieved_when_the_latest_value_already_meets_the_threshold() {
    let events = [yearly("t", "5"), claim("t", "5", "2006-08-31", "2006-09-01")];
    assert_eq!(trajectory(&events, "t", "2006-09-01"), Some(Trajectory::Achieved));
}

#[test]
fn trajectory_compares_progress_with_the_elapsed_share_of_the_period() {
    // 2006 has 365 days; on 2006-07-02 183 have elapsed: pace 183/365 ≈ 0.5014.
    let at = |value: &str| {
        let events = [yearly("t", "100"), claim("t", value, "2006-07-01", "2006-07-02")];
        trajectory(&events, "t", "2006-07-02")
    };
    // 48/100 ÷ 0.5014 = 0.957 → on track; 47 → 0.937 → needs acceleration.
    assert_eq!(at("48"), Some(Trajectory::OnTrack));
    assert_eq!(at("47"), Some(Trajectory::NeedsAcceleration));
    // 31/100 ÷ 0.5014 = 0.618; 30 → 0.598 → limited.
    assert_eq!(at("31"), Some(Trajectory::NeedsAcceleration));
    assert_eq!(at("30"), Some(Trajectory::Limited));
}

#[test]
fn trajectory_uses_the_verified_value_over_a_higher_claim() {
    let events = [
        yearly("t", "100"),
        claim("t", "60", "2006-07-01", "2006-07-02"),
        verify("t", "20", "2006-07-01", "2006-07-10"),
    ];
    assert_eq!(trajectory(&events, "t", "2006-07-10"), Some(Trajectory::Limited));
}

#[test]
fn trajectory_is_deteriorating_when_the_latest_value_is_worse_than_the_previous() {
    let events = [
        yearly("t", "100"),
        claim("t", "80", "2006-06-30", "2006-07-01"),
        claim("t", "70", "2006-09-30", "2006-10-01"),
    ];
    assert_eq!(trajectory(&events, "t", "2006-10-01"), Some(Trajectory::Deteriorating));
    // For a ceiling, worse means higher.
    let events = [
        assign("t", "approval_days", "<=", "1", "2006-01-01", "2006-12-31"),
        claim("t", "3", "2006-03-31", "2006-04-01"),
        claim("t", "4", "2006-06-30", "2006-07-01"),
    ];
    assert_eq!(trajectory(&events, "t", "2006-07-01"), Some(Trajectory::Deteriorating));
}

#[test]
fn a_same_date_correction_is_not_a_previous_observation() {
    let events = [
        yearly("t", "100"),
        claim("t", "80", "2006-06-30", "2006-07-01"),
        claim("t", "70", "2006-06-30", "2006-07-03"),
    ];
    // 70 against pace 185/365 → 1.38: on track, not deteriorating.
    assert_eq!(trajectory(&events, "t", "2006-07-04"), Some(Trajectory::OnTrack));
}

#[test]
fn trajectory_before_the_period_starts_is_on_track() {
    let mut early = assign("t", "new_projects_ge_10m", ">=", "5", "2007-01-01", "2007-12-31");
    early["occurred_at"] = json!("2006-11-20");
    let events = [early, claim("t", "1", "2006-12-01", "2006-12-01")];
    // Zero days elapsed: nothing was due yet.
    assert_eq!(trajectory(&events, "t", "2006-12-15"), Some(Trajectory::OnTrack));
}

#[test]
fn trajectory_is_null_without_a_value_or_once_the_period_is_over() {
    assert_eq!(trajectory(&[yearly("t", "5")], "t", "2006-06-01"), None);
    let events = [yearly("t", "5"), claim("t", "6", "2006-12-20", "2006-12-21")];
    assert_eq!(trajectory(&events, "t", "2006-12-31"), Some(Trajectory::Achieved));
    assert_eq!(trajectory(&events, "t", "2007-01-02"), None);
}

#[test]
fn trajectory_for_a_ceiling_uses_threshold_over_value() {
    // Mid-year (2006-07-02, pace 0.5014): 1/1.5 = 0.667 → 1.33 → on track;
    // 1/4 = 0.25 → 0.499 → limited.
    let at = |value: &str| {
        let events = [
            assign("t", "approval_days", "<=", "1", "2006-01-01", "2006-12-31"),
            claim("t", value, "2006-07-01", "2006-07-02"),
        ];
        trajectory(&events, "t", "2006-07-02")
    };
    assert_eq!(at("1.5"), Some(Trajectory::OnTrack));
    assert_eq!(at("4"), Some(Trajectory::Limited));
    assert_eq!(at("1"), Some(Trajectory::Achieved));
}

// ---------------------------------------------------------------------------
// Revisions, voids, as-of

#[test]
fn a_revised_threshold_applies_from_the_revision_date() {
    let events = [
        yearly("t", "5"),
        verify("t", "4", "2006-12-31", "2007-01-20"),
        revise("t", json!({"threshold": "4"}), "2006-06-01"),
    ];
    assert_eq!(row(&events, "t", "2006-05-31").threshold, "5");
    assert_eq!(row(&events, "t", "2006-06-01").threshold, "4");
    assert_eq!(status(&events, "t", "2007-02-01"), TargetStatus::Met);
}

#[test]
fn a_revised_period_moves_the_deadline() {
    let events = [
        yearly("t", "5"),
        revise(
            "t",
            json!({"period": {"from": "2006-01-01", "to": "2007-06-30"}}),
            "2006-10-01",
        ),
        verify("t", "6", "2006-12-31", "2007-01-20"),
    ];
    let r = row(&events, "t", "2007-02-01");
    assert_eq!(r.period.to, d("2007-06-30"));
    // The 2006-12-31 verification no longer decides: the period runs on.
    assert_eq!(r.status, TargetStatus::Open);
    assert_eq!(r.trajectory, Some(Trajectory::Achieved));
}

#[test]
fn revisions_apply_in_business_order_not_recording_order() {
    let events = [
        yearly("t", "5"),
        revise("t", json!({"threshold": "7"}), "2006-09-01"),
        // Recorded later, but happened earlier: the September revision stays in force.
        revise("t", json!({"threshold": "6"}), "2006-03-01"),
    ];
    assert_eq!(row(&events, "t", "2006-05-01").threshold, "6");
    assert_eq!(row(&events, "t", "2006-10-01").threshold, "7");
}

#[test]
fn a_voided_verification_stops_counting() {
    let events = [
        yearly("t", "5"),
        claim("t", "6", "2006-12-31", "2007-01-05"),
        verify("t", "4", "2006-12-31", "2007-01-20"),
        void(2, "2007-03-01"),
    ];
    let r = row(&events, "t", "2007-02-01");
    // The void counts whatever its own date.
    assert_eq!(r.status, TargetStatus::ClaimedUnverified);
    assert_eq!(r.last_verified, None);
    assert!(with_code(&findings(&events, "2007-02-01"), FindingCode::OverstatedClaim).is_empty());
}

#[test]
fn as_of_excludes_later_events() {
    let events = [
        yearly("t", "5"),
        claim("t", "6", "2006-12-31", "2007-01-05"),
        verify("t", "6", "2006-12-31", "2007-01-20"),
    ];
    let early = from_json(&events, Some(d("2007-01-10"))).unwrap();
    let r = targets::report(&early, d("2007-01-10"));
    assert_eq!(r.targets[0].status, TargetStatus::ClaimedUnverified);
    assert_eq!(r.targets[0].last_verified, None);
    // And a target assigned after the as-of date does not exist yet.
    assert!(
        targets::report(&from_json(&events, Some(d("2005-12-31"))).unwrap(), d("2005-12-31"))
            .targets
            .is_empty()
    );
    assert_eq!(targets::status_at(&facts(&events), "t", d("2005-12-31")), None);
}

// ---------------------------------------------------------------------------
// Runs of misses and their finding

/// Yearly targets for `park-a` on one metric: `results[i]` is the verified
/// value for year 2006 + i (threshold 5), or `None` for no verification.
fn years(results: &[Option<&str>]) -> Vec<Value> {
    let mut events = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let y = 2006 + i;
        let id = format!("t{y}");
        events.push(assign(
            &id,
            "new_projects_ge_10m",
            ">=",
            "5",
            &format!("{y}-01-01"),
            &format!("{y}-12-31"),
        ));
        if let Some(v) = r {
            events.push(verify(&id, v, &format!("{y}-12-31"), &format!("{}-01-20", y + 1)));
        }
    }
    events
}

#[test]
fn miss_runs_count_consecutive_misses_up_to_the_latest_decided_period() {
    let events = years(&[Some("6"), Some("3"), Some("4"), Some("2")]);
    let r = targets::report(&facts(&events), d("2010-06-01"));
    assert_eq!(
        serde_json::to_value(&r.miss_runs).unwrap(),
        json!([{"assignee": "park-a", "metric": "new_projects_ge_10m", "consecutive_missed": 3,
                "target_ids": ["t2007", "t2008", "t2009"]}])
    );
    let f = findings(&events, "2010-06-01");
    let runs = with_code(&f, FindingCode::ConsecutiveMisses);
    assert_eq!(runs.len(), 1);
    assert_eq!(
        runs[0].subjects,
        ["park-a", "new_projects_ge_10m", "t2007", "t2008", "t2009"]
    );
    assert_eq!(runs[0].date, d("2010-01-20"));
    assert!(runs[0].message.contains("3 periods in a row"), "{}", runs[0].message);
}

#[test]
fn a_met_period_breaks_the_run() {
    let events = years(&[Some("3"), Some("2"), Some("7"), Some("1")]);
    let r = targets::report(&facts(&events), d("2010-06-01"));
    assert_eq!(r.miss_runs.len(), 1);
    assert_eq!(r.miss_runs[0].consecutive_missed, 1);
    assert_eq!(r.miss_runs[0].target_ids, ["t2009"]);
    // The current run (2009 alone) is not a finding, but the 2006–2007 run
    // stays one after 2008 was met: a look back must still see it.
    let all = findings(&events, "2010-06-01");
    let later = with_code(&all, FindingCode::ConsecutiveMisses);
    assert_eq!(later.len(), 1);
    assert!(later[0].subjects.contains(&"t2006".to_string()) && later[0].subjects.contains(&"t2007".to_string()));
    assert!(!later[0].subjects.contains(&"t2009".to_string()));
    assert_eq!(
        with_code(&findings(&events, "2008-06-01"), FindingCode::ConsecutiveMisses).len(),
        1
    );
    // The ended run is in the report too, so a table of runs shows what
    // the findings report.
    assert_eq!(r.past_miss_runs.len(), 1);
    assert_eq!(r.past_miss_runs[0].target_ids, ["t2006", "t2007"]);
}

#[test]
fn the_runs_in_the_report_are_the_runs_the_findings_report() {
    // 2006–2007 missed, 2008 met, 2009 missed, 2010 met, and 2011–2013
    // missed: the current run of three.
    let events = years(&[
        Some("2"),
        Some("1"),
        Some("9"),
        Some("3"),
        Some("8"),
        Some("1"),
        Some("2"),
        Some("3"),
    ]);
    let now = "2014-06-01";
    let r = targets::report(&facts(&events), d(now));
    let mut from_report: Vec<Vec<String>> = r
        .miss_runs
        .iter()
        .chain(&r.past_miss_runs)
        .filter(|m| m.consecutive_missed >= 2)
        .map(|m| m.target_ids.clone())
        .collect();
    from_report.sort();
    let mut from_findings: Vec<Vec<String>> = with_code(&findings(&events, now), FindingCode::ConsecutiveMisses)
        .iter()
        .map(|f| f.subjects[2..].to_vec())
        .collect();
    from_findings.sort();
    assert_eq!(from_report.len(), 2, "{from_report:?}");
    assert_eq!(from_report, from_findings);
    // The single miss of 2009 is no finding and no past run.
    assert!(r.past_miss_runs.iter().all(|m| m.consecutive_missed >= 2));
}

#[test]
fn an_undecided_period_neither_extends_nor_breaks_a_run() {
    let events = years(&[Some("3"), None, Some("2")]);
    let r = targets::report(&facts(&events), d("2009-06-01"));
    assert_eq!(r.miss_runs[0].target_ids, ["t2006", "t2008"]);
}

#[test]
fn runs_are_kept_per_assignee_and_metric() {
    let mut events = years(&[Some("3")]);
    events.push(assign_to(
        "b",
        "park-b",
        "new_projects_ge_10m",
        ">=",
        "5",
        "2007-01-01",
        "2007-12-31",
    ));
    events.push(verify("b", "1", "2007-12-31", "2008-01-10"));
    events.push(assign("c", "tax_growth_pct", ">=", "20", "2007-01-01", "2007-12-31"));
    events.push(verify("c", "1", "2007-12-31", "2008-01-10"));
    let r = targets::report(&facts(&events), d("2008-06-01"));
    assert_eq!(r.miss_runs.len(), 3);
    assert!(r.miss_runs.iter().all(|m| m.consecutive_missed == 1));
    assert!(with_code(&findings(&events, "2008-06-01"), FindingCode::ConsecutiveMisses).is_empty());
}

// ---------------------------------------------------------------------------
// Findings

#[test]
fn overstated_claim_is_raised_when_the_claim_beats_the_verification() {
    let events = [
        yearly("t", "5"),
        claim("t", "6", "2006-12-31", "2007-01-05"),
        verify("t", "4", "2006-12-31", "2007-01-20"),
    ];
    let f = findings(&events, "2007-02-01");
    let o = with_code(&f, FindingCode::OverstatedClaim);
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].subjects, ["t", "park-a"]);
    assert_eq!(o[0].seqs, [1, 2]);
    assert_eq!(o[0].date, d("2007-01-20"));
    assert!(
        o[0].message.contains("claimed 6") && o[0].message.contains("found 4"),
        "{}",
        o[0].message
    );
}

#[test]
fn overstated_claim_for_a_ceiling_is_a_claim_below_the_verified_value() {
    let events = [
        assign("t", "approval_days", "<=", "1", "2006-01-01", "2006-12-31"),
        claim("t", "1", "2006-12-31", "2007-01-05"),
        verify("t", "3", "2006-12-31", "2007-01-20"),
    ];
    assert_eq!(
        with_code(&findings(&events, "2007-02-01"), FindingCode::OverstatedClaim).len(),
        1
    );
}

#[test]
fn overstated_claim_is_not_raised_when_the_claim_holds() {
    // Equal values.
    let events = [
        yearly("t", "5"),
        claim("t", "6", "2006-12-31", "2007-01-05"),
        verify("t", "6", "2006-12-31", "2007-01-20"),
    ];
    assert!(with_code(&findings(&events, "2007-02-01"), FindingCode::OverstatedClaim).is_empty());
    // A claim about a later date than the verification is not contradicted by it.
    let events = [
        yearly("t", "5"),
        verify("t", "2", "2006-06-30", "2006-07-20"),
        claim("t", "4", "2006-09-30", "2006-10-05"),
    ];
    assert!(with_code(&findings(&events, "2006-11-01"), FindingCode::OverstatedClaim).is_empty());
    // A claim below the verified value understates, it does not overstate.
    let events = [
        yearly("t", "5"),
        claim("t", "4", "2006-12-31", "2007-01-05"),
        verify("t", "6", "2006-12-31", "2007-01-20"),
    ];
    assert!(with_code(&findings(&events, "2007-02-01"), FindingCode::OverstatedClaim).is_empty());
}

#[test]
fn target_revised_after_period_is_raised_for_a_late_revision() {
    let events = [
        yearly("t", "5"),
        verify("t", "4", "2006-12-31", "2007-01-20"),
        revise("t", json!({"threshold": "4"}), "2007-02-01"),
    ];
    let f = findings(&events, "2007-03-01");
    let r = with_code(&f, FindingCode::TargetRevisedAfterPeriod);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].seqs, [0, 2]);
    assert_eq!(r[0].date, d("2007-02-01"));
    assert!(r[0].message.contains("threshold 5 → 4"), "{}", r[0].message);
    // And the late revision turns the miss into a met: the finding exposes it.
    assert_eq!(status(&events, "t", "2007-03-01"), TargetStatus::Met);
}

#[test]
fn target_revised_after_period_judges_against_the_period_in_force_before_the_revision() {
    let events = [
        yearly("t", "5"),
        // Within the period: extends it to mid-2007.
        revise(
            "t",
            json!({"period": {"from": "2006-01-01", "to": "2007-06-30"}}),
            "2006-11-01",
        ),
        // After the original end but within the extended period: fine.
        revise("t", json!({"threshold": "4"}), "2007-03-01"),
    ];
    assert!(with_code(&findings(&events, "2007-08-01"), FindingCode::TargetRevisedAfterPeriod).is_empty());
    // Not raised before the revision's date either.
    let late = [yearly("t", "5"), revise("t", json!({"threshold": "4"}), "2007-02-01")];
    assert!(with_code(&findings(&late, "2007-01-31"), FindingCode::TargetRevisedAfterPeriod).is_empty());
    assert_eq!(
        with_code(&findings(&late, "2007-02-01"), FindingCode::TargetRevisedAfterPeriod).len(),
        1
    );
}

#[test]
fn missing_evidence_is_raised_for_a_verification_without_evidence() {
    let events = [
        yearly("t", "5"),
        verify_bare("t", "6", "2006-12-31", "2007-01-20"),
        verify("t", "6", "2006-12-31", "2007-01-21"),
    ];
    let f = findings(&events, "2007-02-01");
    let m = with_code(&f, FindingCode::MissingEvidence);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].seqs, [1]);
    assert_eq!(m[0].subjects, ["t", "park-a"]);
}

#[test]
fn missing_evidence_is_not_raised_with_evidence_or_once_voided() {
    let events = [yearly("t", "5"), verify("t", "6", "2006-12-31", "2007-01-20")];
    assert!(with_code(&findings(&events, "2007-02-01"), FindingCode::MissingEvidence).is_empty());
    let events = [
        yearly("t", "5"),
        verify_bare("t", "6", "2006-12-31", "2007-01-20"),
        void(1, "2007-01-25"),
    ];
    assert!(with_code(&findings(&events, "2007-02-01"), FindingCode::MissingEvidence).is_empty());
    // A claim without evidence is not a verification: not this finding.
    let events = [yearly("t", "5"), claim("t", "6", "2006-12-31", "2007-01-20")];
    assert!(with_code(&findings(&events, "2007-02-01"), FindingCode::MissingEvidence).is_empty());
}

// ---------------------------------------------------------------------------
// Claims (3.6)

#[test]
fn a_claim_is_supported_by_a_deciding_verification_that_meets() {
    let events = [
        yearly("t", "5"),
        revise("t", json!({"threshold": "6"}), "2006-03-01"),
        claim("t", "7", "2006-12-31", "2007-01-05"),
        verify("t", "6", "2006-12-31", "2007-01-20"),
    ];
    let v = targets::claim(&facts(&events), "t", d("2007-02-01")).unwrap();
    assert_eq!(v.verdict, Verdict::Supported);
    assert_eq!(v.deciding_seqs, [0, 1, 2, 3]);
    let j = serde_json::to_value(&v).unwrap();
    assert_eq!(j["verdict"], "supported");
    assert_eq!(j["status"], "met");
    assert!(v.reason.contains("found 6"), "{}", v.reason);
}

#[test]
fn a_claim_is_contradicted_by_a_deciding_verification_that_misses() {
    let events = [
        yearly("t", "5"),
        claim("t", "7", "2006-12-31", "2007-01-05"),
        verify("t", "3", "2006-12-31", "2007-01-20"),
    ];
    let v = targets::claim(&facts(&events), "t", d("2007-02-01")).unwrap();
    assert_eq!(v.verdict, Verdict::Contradicted);
    assert_eq!(v.deciding_seqs, [0, 1, 2]);
}

#[test]
fn a_claim_is_contradicted_by_a_later_verification_that_does_not_meet() {
    let events = [
        yearly("t", "5"),
        claim("t", "5", "2006-09-30", "2006-10-05"),
        verify("t", "3", "2006-10-31", "2006-11-05"),
    ];
    let v = targets::claim(&facts(&events), "t", d("2006-11-10")).unwrap();
    assert_eq!(v.verdict, Verdict::Contradicted);
    assert_eq!(v.status, TargetStatus::Open);
    assert_eq!(v.deciding_seqs, [0, 1, 2]);
}

#[test]
fn a_claim_with_no_deciding_verification_is_unsupported() {
    let events = [yearly("t", "5"), claim("t", "6", "2006-12-31", "2007-01-05")];
    let v = targets::claim(&facts(&events), "t", d("2007-02-01")).unwrap();
    assert_eq!(v.verdict, Verdict::Unsupported);
    assert_eq!(v.deciding_seqs, [0, 1]);
    assert!(v.reason.contains("no verification"), "{}", v.reason);
    // A mid-period verification that meets does not decide either.
    let events = [yearly("t", "5"), verify("t", "6", "2006-10-31", "2006-11-05")];
    assert_eq!(
        targets::claim(&facts(&events), "t", d("2006-11-10")).unwrap().verdict,
        Verdict::Unsupported
    );
    // An unknown target has no verdict.
    assert!(targets::claim(&facts(&events), "nope", d("2006-11-10")).is_none());
}

// ---------------------------------------------------------------------------
// Properties

#[derive(Clone, Debug)]
enum Op {
    Claim {
        target: usize,
        value: u8,
        as_of: u16,
        on: u16,
    },
    Verify {
        target: usize,
        value: u8,
        as_of: u16,
        on: u16,
        evidence: bool,
    },
    Revise {
        target: usize,
        threshold: Option<u8>,
        end: Option<u16>,
        on: u16,
    },
    Void {
        pick: usize,
        on: u16,
    },
}

/// Days since 2005-12-01: the generator's dates span 2005-12 to 2008-03.
const SPAN: u16 = 850;

fn day_text(offset: u16) -> String {
    Day(d("2005-12-01").0 + time::Duration::days(offset as i64)).to_string()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..12u8, 0..SPAN, 0..SPAN).prop_map(|(target, value, as_of, on)| Op::Claim {
            target,
            value,
            as_of,
            on
        }),
        (0..3usize, 0..12u8, 0..SPAN, 0..SPAN, any::<bool>()).prop_map(|(target, value, as_of, on, evidence)| {
            Op::Verify {
                target,
                value,
                as_of,
                on,
                evidence,
            }
        }),
        (
            0..3usize,
            proptest::option::of(0..12u8),
            proptest::option::of(400..SPAN),
            0..SPAN
        )
            .prop_map(|(target, threshold, end, on)| Op::Revise {
                target,
                threshold,
                end,
                on
            }),
        (any::<usize>(), 0..SPAN).prop_map(|(pick, on)| Op::Void { pick, on }),
    ]
}

const IDS: [&str; 3] = ["a", "b", "c"];

/// Three targets of `park-a` (two on the same metric, one a ceiling), then
/// the ops; a void picks one of the earlier non-void events.
fn build(ops: &[Op]) -> Vec<Value> {
    let mut events = vec![
        assign("a", "m", ">=", "5", "2006-01-01", "2006-12-31"),
        assign("b", "m", ">=", "6", "2007-01-01", "2007-12-31"),
        ev(
            "target.assigned",
            "city",
            "2006-06-01",
            json!({"target_id": "c", "assignee": "park-a", "metric": "days", "unit": "day", "comparator": "<=",
                   "threshold": "3", "period": {"from": "2006-06-01", "to": "2007-05-31"}, "basis": "doc"}),
        ),
    ];
    for op in ops {
        let e = match op {
            Op::Claim {
                target,
                value,
                as_of,
                on,
            } => claim(IDS[*target], &value.to_string(), &day_text(*as_of), &day_text(*on)),
            Op::Verify {
                target,
                value,
                as_of,
                on,
                evidence,
            } => {
                let f = if *evidence { verify } else { verify_bare };
                f(IDS[*target], &value.to_string(), &day_text(*as_of), &day_text(*on))
            }
            Op::Revise {
                target,
                threshold,
                end,
                on,
            } => {
                let mut data = json!({});
                if let Some(t) = threshold {
                    data["threshold"] = json!(t.to_string());
                }
                let from = if *target == 1 { "2007-01-01" } else { "2006-01-01" };
                if end.is_some() || threshold.is_none() {
                    data["period"] = json!({"from": from, "to": day_text(end.unwrap_or(700))});
                }
                revise(IDS[*target], data, &day_text(*on))
            }
            Op::Void { pick, on } => {
                let candidates: Vec<usize> = (0..events.len())
                    .filter(|&i| events[i]["type"] != "event.voided")
                    .collect();
                void(candidates[pick % candidates.len()], &day_text(*on))
            }
        };
        events.push(e);
    }
    events
}

fn judge(f: &Facts, now: Day) -> (targets::TargetsReport, Vec<Finding>, Vec<Option<targets::ClaimVerdict>>) {
    let mut out = Vec::new();
    targets::findings(f, now, &mut out);
    let claims = IDS.iter().map(|id| targets::claim(f, id, now)).collect();
    (targets::report(f, now), out, claims)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Judging all facts at D equals judging facts built as of D.
    #[test]
    fn as_of_equals_judging_at_the_date(ops in proptest::collection::vec(op(), 0..30), at in 0..SPAN) {
        let events = build(&ops);
        let now = d(&day_text(at));
        let full = from_json(&events, None).unwrap();
        let cut = from_json(&events, Some(now)).unwrap();
        prop_assert_eq!(judge(&full, now), judge(&cut, now));
    }

    /// Voiding an event equals never having recorded it.
    #[test]
    fn voiding_equals_never_recording(ops in proptest::collection::vec(op(), 1..30), pick in any::<usize>(), at in 0..SPAN) {
        let events = build(&ops);
        let candidates: Vec<usize> = (0..events.len()).filter(|&i| events[i]["type"] != "event.voided").collect();
        let k = candidates[pick % candidates.len()];
        let mut voided = events.clone();
        voided.push(void(k, "2005-01-01"));
        let mut never = events.clone();
        never[k] = filler(k);
        let now = d(&day_text(at));
        prop_assert_eq!(judge(&facts(&voided), now), judge(&facts(&never), now));
    }

    /// A claim judged from its deciding records alone (as a claim bundle
    /// carries them) gives the same verdict, reason and records.
    #[test]
    fn a_claim_rederives_from_its_deciding_records(ops in proptest::collection::vec(op(), 0..30), at in 0..SPAN) {
        let events = build(&ops);
        let now = d(&day_text(at));
        let full = facts(&events);
        for id in IDS {
            let Some(v) = targets::claim(&full, id, now) else { continue };
            let subset = v.deciding_seqs.iter().map(|&s| {
                (s, pledger_core::Event::parse(&events[s as usize]).unwrap())
            });
            let r = targets::claim_from_records(id, subset).expect("the subset assigns the target");
            prop_assert_eq!(&r.verdict, &v.verdict);
            prop_assert_eq!(&r.reason, &v.reason);
            prop_assert_eq!(&r.claim, &v.claim);
            prop_assert_eq!(&r.deciding_seqs, &v.deciding_seqs);
        }
    }

    /// Status and progress agree: `met` only with a deciding verification
    /// that meets; a claim never changes met/missed.
    #[test]
    fn claims_never_decide(ops in proptest::collection::vec(op(), 0..30), at in 0..SPAN) {
        let events = build(&ops);
        let without_claims: Vec<Value> = events
            .iter()
            .map(|e| if e["type"] == "target.progress_reported" { filler(0) } else { e.clone() })
            .collect();
        let now = d(&day_text(at));
        let (a, b) = (facts(&events), facts(&without_claims));
        for id in IDS {
            let (x, y) = (targets::status_at(&a, id, now), targets::status_at(&b, id, now));
            let decided = |s: Option<TargetStatus>| matches!(s, Some(TargetStatus::Met | TargetStatus::Missed));
            prop_assert_eq!(decided(x), decided(y));
            if decided(x) {
                prop_assert_eq!(x, y);
            }
        }
    }
}
