//! Contract 3.4, incentives: given these events, when the view is read at a
//! date, then ...

use pledger_core::when::Day;
use pledger_views::facts::{from_json, Facts};
use pledger_views::incentives::{self, IncentivesReport};
use pledger_views::targets::TargetStatus;
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

/// seq 0: park-a's 2006 target, at least 5 projects.
fn target() -> Value {
    ev(
        "target.assigned",
        "city",
        "2006-01-01",
        json!({"target_id": "t", "assignee": "park-a", "metric": "new_projects_ge_10m", "unit": "count",
               "comparator": ">=", "threshold": "5", "period": {"from": "2006-01-01", "to": "2006-12-31"},
               "basis": "city-doc-2006-1"}),
    )
}

/// seq 1: the 40/30/30 reward for meeting it, 1,000,000 yuan.
fn scheme() -> Value {
    scheme_of(
        "s",
        "1000000",
        &[("county_leaders", "40"), ("park_leaders", "30"), ("contributors", "30")],
    )
}

fn scheme_of(id: &str, total: &str, shares: &[(&str, &str)]) -> Value {
    let shares: Vec<Value> = shares.iter().map(|(r, p)| json!({"role": r, "percent": p})).collect();
    ev(
        "incentive.scheme_set",
        "city",
        "2006-01-05",
        json!({"scheme_id": id, "target_id": "t", "total": total, "shares": shares, "condition": "target_met"}),
    )
}

fn verify(value: &str, on: &str) -> Value {
    ev(
        "target.verified",
        "auditor",
        on,
        json!({"target_id": "t", "value": value, "as_of": "2006-12-31", "evidence": [{"ref": "audit-2007-3"}]}),
    )
}

fn claim(value: &str, on: &str) -> Value {
    ev(
        "target.progress_reported",
        "park-a",
        on,
        json!({"target_id": "t", "value": value, "as_of": "2006-12-31"}),
    )
}

fn pay(id: &str, role: &str, amount: &str, on: &str) -> Value {
    ev(
        "incentive.paid",
        "city-finance",
        on,
        json!({"payout_id": id, "scheme_id": "s", "payee": format!("{role}-person"), "role": role, "amount": amount,
               "evidence": [{"ref": format!("voucher-{id}")}]}),
    )
}

fn pay_bare(id: &str, role: &str, amount: &str, on: &str) -> Value {
    ev(
        "incentive.paid",
        "city-finance",
        on,
        json!({"payout_id": id, "scheme_id": "s", "payee": format!("{role}-person"), "role": role, "amount": amount}),
    )
}

fn claw(id: &str, amount: &str, on: &str) -> Value {
    ev(
        "incentive.clawed_back",
        "city-finance",
        on,
        json!({"payout_id": id, "amount": amount, "reason": "recovered"}),
    )
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

/// Target, scheme, and a verification on 2007-01-20 that it was met.
fn met_scheme() -> Vec<Value> {
    vec![target(), scheme(), verify("6", "2007-01-20")]
}

fn facts(events: &[Value]) -> Facts {
    from_json(events, None).unwrap()
}

fn report(events: &[Value], now: &str) -> IncentivesReport {
    incentives::report(&facts(events), d(now))
}

fn findings(events: &[Value], now: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    incentives::findings(&facts(events), d(now), &mut out);
    out
}

fn with_code(fs: &[Finding], code: FindingCode) -> Vec<&Finding> {
    fs.iter().filter(|f| f.code == code).collect()
}

// ---------------------------------------------------------------------------
// The report

#[test]
fn a_scheme_shows_each_role_paid_against_its_share_net_of_clawbacks() {
    let mut events = met_scheme();
    events.push(pay("p1", "county_leaders", "400000", "2007-02-01"));
    events.push(pay("p2", "park_leaders", "300000", "2007-02-01"));
    events.push(claw("p2", "50000", "2007-03-01"));
    let r = report(&events, "2007-06-30");
    let v = serde_json::to_value(&r.schemes).unwrap();
    assert_eq!(
        v,
        json!([{
            "scheme_id": "s", "target_id": "t", "task_id": null, "total": "1000000.00", "paid": "650000.00",
            "target_status": "met", "task_status": null,
            "roles": [
                {"role": "county_leaders", "percent": "40", "share": "400000.00", "paid": "400000.00", "in_scheme": true},
                {"role": "park_leaders", "percent": "30", "share": "300000.00", "paid": "250000.00", "in_scheme": true},
                {"role": "contributors", "percent": "30", "share": "300000.00", "paid": "0.00", "in_scheme": true}
            ]
        }])
    );
    let p = serde_json::to_value(&r.payouts).unwrap();
    assert_eq!(
        p[1],
        json!({"payout_id": "p2", "scheme_id": "s", "payee": "park_leaders-person", "role": "park_leaders",
               "amount": "300000.00", "clawed_back": "50000.00", "paid_on": "2007-02-01",
               "target_status_when_paid": "met", "task_status_when_paid": null, "target_met": true})
    );
    // Before the clawback it was all still paid.
    assert_eq!(report(&events, "2007-02-15").schemes[0].paid.to_string(), "700000.00");
    assert!(with_code(&findings(&events, "2007-06-30"), FindingCode::ShareExceeded).is_empty());
}

#[test]
fn table_rows_have_one_cell_per_column() {
    let mut events = met_scheme();
    events.push(pay("p1", "county_leaders", "400000", "2007-02-01"));
    let r = report(&events, "2007-06-30");
    assert_eq!(r.schemes[0].cells().len(), incentives::SchemeRow::header().len());
    assert_eq!(r.payouts[0].cells().len(), incentives::PayoutRow::header().len());
    assert_eq!(r.payouts[0].cells()[8], "yes");
    assert!(r.schemes[0].cells()[5].contains("county_leaders 40%: 400000.00 / 400000.00"));
}

#[test]
fn shares_are_rounded_to_the_fen_half_away_from_zero() {
    let events = [
        target(),
        scheme_of("s", "100.05", &[("a", "50"), ("b", "33.3"), ("c", "16.7")]),
    ];
    let r = report(&events, "2006-06-01");
    let shares: Vec<String> = r.schemes[0].roles.iter().map(|x| x.share.to_string()).collect();
    // 50.025 → 50.03; 33.31665 → 33.32; 16.70835 → 16.71.
    assert_eq!(shares, ["50.03", "33.32", "16.71"]);
}

#[test]
fn a_payout_before_the_target_was_verified_met_is_flagged_even_if_it_is_verified_later() {
    let events = [
        target(),
        scheme(),
        claim("7", "2007-01-05"),
        pay("p1", "county_leaders", "400000", "2007-01-10"),
        verify("6", "2007-01-20"),
    ];
    let r = report(&events, "2007-06-30");
    assert_eq!(r.schemes[0].target_status, Some(TargetStatus::Met));
    assert_eq!(
        r.payouts[0].target_status_when_paid,
        Some(TargetStatus::ClaimedUnverified)
    );
    assert!(!r.payouts[0].target_met);
    let f = findings(&events, "2007-06-30");
    let p = with_code(&f, FindingCode::PaidWithoutMetTarget);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].subjects, ["p1", "s", "t", "county_leaders-person"]);
    assert_eq!(p[0].seqs, [0, 1, 3]);
    assert_eq!(p[0].date, d("2007-01-10"));
    assert!(p[0].message.contains("claimed_unverified"), "{}", p[0].message);
}

#[test]
fn paid_without_met_target_is_raised_for_a_missed_target_and_names_the_deciding_record() {
    let events = [
        target(),
        scheme(),
        verify("3", "2007-01-20"),
        pay("p1", "county_leaders", "400000", "2007-02-01"),
    ];
    let f = findings(&events, "2007-06-30");
    let p = with_code(&f, FindingCode::PaidWithoutMetTarget);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].seqs, [0, 1, 2, 3]);
    assert!(p[0].message.contains("'missed'"), "{}", p[0].message);
}

#[test]
fn paid_without_met_target_is_not_raised_when_the_target_was_met_at_payment() {
    let mut events = met_scheme();
    events.push(pay("p1", "county_leaders", "400000", "2007-01-20"));
    assert!(with_code(&findings(&events, "2007-06-30"), FindingCode::PaidWithoutMetTarget).is_empty());
    assert!(report(&events, "2007-06-30").payouts[0].target_met);
}

#[test]
fn paid_without_met_target_is_still_raised_after_a_full_clawback() {
    let events = [
        target(),
        scheme(),
        pay("p1", "county_leaders", "400000", "2007-01-10"),
        claw("p1", "400000", "2007-03-01"),
    ];
    let f = findings(&events, "2007-06-30");
    let p = with_code(&f, FindingCode::PaidWithoutMetTarget);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].message.contains("400000.00 yuan of it has since been clawed back"),
        "{}",
        p[0].message
    );
}

#[test]
fn share_exceeded_is_raised_when_a_role_is_paid_above_its_share() {
    let mut events = met_scheme();
    events.push(pay("p1", "park_leaders", "200000", "2007-02-01"));
    events.push(pay("p2", "park_leaders", "150000", "2007-02-10"));
    let f = findings(&events, "2007-06-30");
    let s = with_code(&f, FindingCode::ShareExceeded);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].subjects, ["s", "park_leaders"]);
    assert_eq!(s[0].seqs, [1, 3, 4]);
    assert_eq!(s[0].date, d("2007-02-10"));
    assert!(
        s[0].message.contains("350000.00") && s[0].message.contains("by 50000.00"),
        "{}",
        s[0].message
    );
    assert!(with_code(&f, FindingCode::SchemeOverpaid).is_empty());
}

#[test]
fn share_exceeded_is_raised_for_a_role_not_in_the_scheme() {
    let mut events = met_scheme();
    events.push(pay("p1", "secretary", "1000", "2007-02-01"));
    let f = findings(&events, "2007-06-30");
    let s = with_code(&f, FindingCode::ShareExceeded);
    assert_eq!(s.len(), 1);
    assert!(s[0].message.contains("not in the scheme"), "{}", s[0].message);
    let roles = &report(&events, "2007-06-30").schemes[0].roles;
    assert_eq!(roles.len(), 4);
    assert_eq!(
        (roles[3].role.as_str(), roles[3].in_scheme, roles[3].share.to_string()),
        ("secretary", false, "0.00".to_string())
    );
}

#[test]
fn share_exceeded_is_not_raised_at_the_share_or_once_clawed_back_under_it() {
    let mut events = met_scheme();
    events.push(pay("p1", "park_leaders", "300000", "2007-02-01"));
    assert!(with_code(&findings(&events, "2007-06-30"), FindingCode::ShareExceeded).is_empty());
    events.push(pay("p2", "park_leaders", "1000", "2007-02-05"));
    assert_eq!(
        with_code(&findings(&events, "2007-03-01"), FindingCode::ShareExceeded).len(),
        1
    );
    events.push(claw("p2", "1000", "2007-03-10"));
    assert!(with_code(&findings(&events, "2007-06-30"), FindingCode::ShareExceeded).is_empty());
    // Judged before the clawback, it was still exceeded.
    assert_eq!(
        with_code(&findings(&events, "2007-03-09"), FindingCode::ShareExceeded).len(),
        1
    );
}

#[test]
fn scheme_overpaid_is_raised_when_net_payouts_exceed_the_total() {
    let events = [
        target(),
        scheme_of("s", "1000", &[("a", "50"), ("b", "50")]),
        verify("6", "2007-01-20"),
        pay("p1", "a", "500", "2007-02-01"),
        pay("p2", "b", "500", "2007-02-02"),
        pay("p3", "a", "0.01", "2007-02-03"),
    ];
    let f = findings(&events, "2007-06-30");
    let o = with_code(&f, FindingCode::SchemeOverpaid);
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].subjects, ["s", "t"]);
    assert_eq!(o[0].seqs, [1, 3, 4, 5]);
    assert_eq!(o[0].date, d("2007-02-03"));
    assert!(
        o[0].message.contains("1000.01") && o[0].message.contains("by 0.01"),
        "{}",
        o[0].message
    );
}

#[test]
fn scheme_overpaid_is_not_raised_at_the_total() {
    let events = [
        target(),
        scheme_of("s", "1000", &[("a", "50"), ("b", "50")]),
        verify("6", "2007-01-20"),
        pay("p1", "a", "500", "2007-02-01"),
        pay("p2", "b", "500", "2007-02-02"),
    ];
    let f = findings(&events, "2007-06-30");
    assert!(with_code(&f, FindingCode::SchemeOverpaid).is_empty());
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn missing_evidence_is_raised_for_a_payout_without_evidence() {
    let mut events = met_scheme();
    events.push(pay_bare("p1", "county_leaders", "400000", "2007-02-01"));
    let f = findings(&events, "2007-06-30");
    let m = with_code(&f, FindingCode::MissingEvidence);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].subjects, ["p1", "s"]);
    assert_eq!(m[0].seqs, [3]);
}

#[test]
fn missing_evidence_is_not_raised_for_a_payout_with_evidence() {
    let mut events = met_scheme();
    events.push(pay("p1", "county_leaders", "400000", "2007-02-01"));
    assert!(with_code(&findings(&events, "2007-06-30"), FindingCode::MissingEvidence).is_empty());
}

#[test]
fn a_voided_payout_stops_counting() {
    let mut events = met_scheme();
    events.push(pay_bare("p1", "secretary", "400000", "2006-06-01"));
    events.push(void(3, "2007-08-01"));
    let r = report(&events, "2007-06-30");
    assert!(r.payouts.is_empty());
    assert_eq!(r.schemes[0].paid.to_string(), "0.00");
    assert_eq!(r.schemes[0].roles.len(), 3);
    assert!(findings(&events, "2007-06-30").is_empty());
}

#[test]
fn a_voided_verification_turns_a_rightful_payout_into_a_finding() {
    let mut events = met_scheme();
    events.push(pay("p1", "county_leaders", "400000", "2007-02-01"));
    events.push(void(2, "2007-03-01"));
    let r = report(&events, "2007-06-30");
    assert_eq!(r.payouts[0].target_status_when_paid, Some(TargetStatus::Unverified));
    assert_eq!(
        with_code(&findings(&events, "2007-06-30"), FindingCode::PaidWithoutMetTarget).len(),
        1
    );
}

#[test]
fn as_of_excludes_later_payouts_and_clawbacks() {
    let mut events = met_scheme();
    events.push(pay("p1", "county_leaders", "400000", "2007-02-01"));
    events.push(claw("p1", "100", "2007-03-01"));
    events.push(pay("p2", "park_leaders", "300000", "2007-04-01"));
    let cut = from_json(&events, Some(d("2007-03-15"))).unwrap();
    let r = incentives::report(&cut, d("2007-03-15"));
    assert_eq!(r.payouts.len(), 1);
    assert_eq!(r.schemes[0].paid.to_string(), "399900.00");
    assert_eq!(r, report(&events, "2007-03-15"));
}

// ---------------------------------------------------------------------------
// Properties

#[derive(Clone, Debug)]
enum Op {
    Verify {
        value: u8,
        on: u16,
    },
    Pay {
        role: usize,
        yuan: u32,
        on: u16,
        evidence: bool,
    },
    Claw {
        pick: usize,
        yuan: u32,
        on: u16,
    },
    Void {
        pick: usize,
        on: u16,
    },
}

const ROLES: [&str; 4] = ["county_leaders", "park_leaders", "contributors", "secretary"];
/// Days since 2006-01-01; dates run to mid-2008.
const SPAN: u16 = 900;

fn day_text(offset: u16) -> String {
    Day(d("2006-01-01").0 + time::Duration::days(offset as i64)).to_string()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..10u8, 0..SPAN).prop_map(|(value, on)| Op::Verify { value, on }),
        (0..4usize, 1..500_000u32, 0..SPAN, any::<bool>()).prop_map(|(role, yuan, on, evidence)| Op::Pay {
            role,
            yuan,
            on,
            evidence
        }),
        (any::<usize>(), 1..300_000u32, 0..SPAN).prop_map(|(pick, yuan, on)| Op::Claw { pick, yuan, on }),
        (any::<usize>(), 0..SPAN).prop_map(|(pick, on)| Op::Void { pick, on }),
    ]
}

fn build(ops: &[Op]) -> Vec<Value> {
    let mut events = vec![target(), scheme()];
    let mut paid: Vec<String> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let e = match op {
            Op::Verify { value, on } => verify(&value.to_string(), &day_text(*on)),
            Op::Pay {
                role,
                yuan,
                on,
                evidence,
            } => {
                let id = format!("p{i}");
                paid.push(id.clone());
                let f = if *evidence { pay } else { pay_bare };
                f(&id, ROLES[*role], &yuan.to_string(), &day_text(*on))
            }
            Op::Claw { pick, yuan, on } if !paid.is_empty() => {
                claw(&paid[pick % paid.len()], &yuan.to_string(), &day_text(*on))
            }
            Op::Claw { yuan, on, .. } => verify(&(yuan % 10).to_string(), &day_text(*on)),
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

fn judge(f: &Facts, now: Day) -> (IncentivesReport, Vec<Finding>) {
    let mut out = Vec::new();
    incentives::findings(f, now, &mut out);
    (incentives::report(f, now), out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Judging all facts at D equals judging facts built as of D.
    #[test]
    fn as_of_equals_judging_at_the_date(ops in proptest::collection::vec(op(), 0..30), at in 0..SPAN) {
        let events = build(&ops);
        let now = d(&day_text(at));
        prop_assert_eq!(judge(&facts(&events), now), judge(&from_json(&events, Some(now)).unwrap(), now));
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

    /// Money adds up: a scheme's paid is the sum of its roles' paid, and of
    /// its payouts' amounts less clawbacks; a payout's `target_met` agrees
    /// with its status; an overpaid scheme is found exactly when paid > total.
    #[test]
    fn money_adds_up(ops in proptest::collection::vec(op(), 0..30), at in 0..SPAN) {
        let events = build(&ops);
        let now = d(&day_text(at));
        let (r, f) = judge(&facts(&events), now);
        for s in &r.schemes {
            let by_roles: i128 = s.roles.iter().map(|x| x.paid.fen()).sum();
            let by_payouts: i128 = r.payouts.iter().filter(|p| p.scheme_id == s.scheme_id)
                .map(|p| p.amount.fen() - p.clawed_back.fen()).sum();
            prop_assert_eq!(s.paid.fen(), by_roles);
            prop_assert_eq!(s.paid.fen(), by_payouts);
            prop_assert_eq!(s.paid > s.total, !with_code(&f, FindingCode::SchemeOverpaid).is_empty());
            for role in &s.roles {
                let flagged = f.iter().any(|x| x.code == FindingCode::ShareExceeded && x.subjects[1] == role.role);
                prop_assert_eq!(role.paid > role.share, flagged);
            }
        }
        for p in &r.payouts {
            prop_assert_eq!(p.target_met, p.target_status_when_paid == Some(TargetStatus::Met));
            let flagged = f.iter().any(|x| x.code == FindingCode::PaidWithoutMetTarget && x.subjects[0] == p.payout_id);
            prop_assert_eq!(!p.target_met, flagged);
        }
    }
}

#[test]
fn a_clawback_larger_than_its_payout_is_a_finding_and_an_exact_one_is_not() {
    use serde_json::json;
    let base = vec![
        json!({"type": "entity.registered", "actor": "city", "occurred_at": "2026-01-01",
               "data": {"entity_id": "city", "kind": "government", "name": "city"}}),
        json!({"type": "entity.registered", "actor": "city", "occurred_at": "2026-01-01",
               "data": {"entity_id": "park", "kind": "park", "name": "park"}}),
        json!({"type": "target.assigned", "actor": "city", "occurred_at": "2026-01-01",
               "data": {"target_id": "t", "assignee": "park", "metric": "m", "unit": "count", "comparator": ">=",
                        "threshold": "1", "period": {"from": "2026-01-01", "to": "2026-06-30"}, "basis": "doc"}}),
        json!({"type": "incentive.scheme_set", "actor": "city", "occurred_at": "2026-01-01",
               "data": {"scheme_id": "s", "target_id": "t", "total": "100", "condition": "target_met",
                        "shares": [{"role": "a", "percent": "100"}]}}),
        json!({"type": "incentive.paid", "actor": "city", "occurred_at": "2026-08-01",
               "data": {"payout_id": "p", "scheme_id": "s", "payee": "park", "role": "a", "amount": "60", "evidence": "doc"}}),
    ];
    let clawback = |amount: &str| {
        json!({"type": "incentive.clawed_back", "actor": "city", "occurred_at": "2026-09-01",
               "data": {"payout_id": "p", "amount": amount, "reason": "not earned"}})
    };
    let at = pledger_core::when::Day::parse("2026-12-31").unwrap();
    let codes = |events: &[serde_json::Value]| {
        let facts = pledger_views::facts::from_json(events, None).unwrap();
        pledger_views::findings::all(&facts, at)
            .into_iter()
            .map(|f| f.code)
            .collect::<Vec<_>>()
    };
    let mut over = base.clone();
    over.push(clawback("70"));
    assert!(codes(&over).contains(&FindingCode::ClawbackExceedsPayout));
    let mut exact = base;
    exact.push(clawback("60"));
    assert!(!codes(&exact).contains(&FindingCode::ClawbackExceedsPayout));
}
