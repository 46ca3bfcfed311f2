//! The finding codes' one list, `FindingCode::ALL`: every code is well
//! formed, documented, and raised by a small log that no longer raises it
//! once its decisive event is taken out.

use pledger_core::when::Day;
use pledger_views::facts::from_json;
use pledger_views::messages::{render_checked, zh_amount, Fact, FactSet};
use pledger_views::{findings, FindingCode, Lang};
use serde_json::{json, Value};
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------
// The list itself.

#[test]
fn every_code_round_trips_and_is_described() {
    let mut seen = BTreeSet::new();
    for &code in FindingCode::ALL {
        let s = code.as_str();
        assert!(seen.insert(s), "{s} twice in ALL");
        assert!(
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{s} is not snake_case"
        );
        assert_eq!(FindingCode::parse(s), Some(code), "{s} does not parse back");
        assert_eq!(code.to_string(), s);
        assert_eq!(serde_json::to_value(code).unwrap(), json!(s), "{s} on the wire");
        assert!((1..=3).contains(&code.severity()), "{s}: severity {}", code.severity());
        let v2 = [
            "idle_balance",
            "counted_not_qualifying",
            "count_mismatch",
            "project_double_counted",
            "land_idle",
            "consecutive_failures",
            "sanction_not_imposed",
            "sanction_without_basis",
            "reward_for_failed_task",
        ];
        let version = if v2.contains(&s) { 2 } else { 1 };
        assert_eq!(code.version(), version, "{s}: the format version that introduced it");
        for &lang in Lang::ALL {
            let label = code.label(lang);
            assert!(!label.trim().is_empty(), "{s} has no {} label", lang.tag());
            assert_ne!(label, s, "{s}: the {} label is the bare code", lang.tag());
        }
        assert!(
            !code.label(Lang::ZhCn).is_ascii(),
            "{s}: the zh-CN label is not Chinese: {}",
            code.label(Lang::ZhCn)
        );
    }
    assert_eq!(FindingCode::parse("no_such_code"), None);
    assert_eq!(Lang::ALL.iter().map(|l| l.tag()).collect::<Vec<_>>(), ["en", "zh-CN"]);
}

#[test]
fn codes_order_by_their_strings_as_the_bare_strings_did() {
    let mut by_enum: Vec<FindingCode> = FindingCode::ALL.to_vec();
    by_enum.sort();
    let mut by_str: Vec<&str> = FindingCode::ALL.iter().map(|c| c.as_str()).collect();
    by_str.sort_unstable();
    assert_eq!(by_enum.iter().map(|c| c.as_str()).collect::<Vec<_>>(), by_str);
}

/// The codes named in the first column of a markdown table in `section`
/// (from its heading to the next heading of the same or a higher level).
fn table_codes(doc: &str, heading: &str) -> Vec<String> {
    let start = doc.find(heading).unwrap_or_else(|| panic!("no {heading:?}"));
    let level = heading.chars().take_while(|&c| c == '#').count();
    let rest = &doc[start + heading.len()..];
    let end = rest
        .lines()
        .scan(0, |at, line| {
            let here = *at;
            *at += line.len() + 1;
            Some((here, line))
        })
        .find(|(_, line)| {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            hashes > 0 && hashes <= level && line[hashes..].starts_with(' ')
        })
        .map_or(rest.len(), |(at, _)| at);
    rest[..end]
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|cell| cell.split('`').next())
        .map(str::to_string)
        .collect()
}

fn repo_file(path: &str) -> String {
    let at = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    std::fs::read_to_string(&at).unwrap_or_else(|e| panic!("{}: {e}", at.display()))
}

/// docs/views.md's table of findings is the list, in its order.
#[test]
fn the_views_doc_lists_exactly_the_codes_in_order() {
    let documented = table_codes(&repo_file("docs/views.md"), "## Findings (3.5)");
    let all: Vec<&str> = FindingCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        documented, all,
        "docs/views.md's findings table must match FindingCode::ALL"
    );
}

/// Every code is in the format's section 3.5 (the format also lists codes
/// planned for a later version, which the views do not raise yet).
#[test]
fn the_format_names_every_code() {
    let documented = table_codes(&repo_file("docs/format.md"), "### 3.5 Findings");
    for c in FindingCode::ALL {
        assert!(
            documented.iter().any(|d| d == c.as_str()),
            "{c} is not in docs/format.md 3.5: {documented:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Every code is raised: a small log per code, and the same log without its
// decisive event, which must not raise it.

fn ev(kind: &str, actor: &str, on: &str, data: Value) -> Value {
    json!({"type": kind, "actor": actor, "occurred_at": on, "data": data})
}

fn with(mut data: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        data[k] = v.clone();
    }
    data
}

fn account(id: &str, kind: &str, extra: Value) -> Value {
    ev(
        "account.opened",
        "city-finance",
        "2026-01-01",
        with(
            json!({"account_id": id, "holder": "city", "name": format!("{id} account"), "kind": kind}),
            extra,
        ),
    )
}

/// The city budget (a source), the development zone (internal), a
/// contractor and an enterprise (external).
fn accounts() -> Vec<Value> {
    vec![
        account("budget", "source", json!({})),
        account("zone", "internal", json!({})),
        account("contractor", "external", json!({})),
        account("ent", "external", json!({})),
    ]
}

fn disburse(id: &str, from: &str, to: &str, amount: &str, on: &str, extra: Value) -> Value {
    ev(
        "fund.disbursed",
        "city-finance",
        on,
        with(
            json!({"disbursement_id": id, "from_account": from, "to_account": to, "amount": amount,
                   "purpose": "park construction"}),
            extra,
        ),
    )
}

fn received(id: &str, on: &str) -> Value {
    ev("fund.received", "zone", on, json!({"disbursement_id": id}))
}

/// `id` for park-a: at least `threshold` new projects in `year`.
fn target(id: &str, year: &str, threshold: &str) -> Value {
    ev(
        "target.assigned",
        "city",
        &format!("{year}-01-01"),
        json!({"target_id": id, "assignee": "park-a", "metric": "new_projects_ge_10m", "unit": "count",
               "comparator": ">=", "threshold": threshold,
               "period": {"from": format!("{year}-01-01"), "to": format!("{year}-12-31")}, "basis": "city-doc-1"}),
    )
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

/// Scheme `s` on target `t`: 1000 yuan, roles a and b half each.
fn scheme() -> Value {
    ev(
        "incentive.scheme_set",
        "city",
        "2026-01-05",
        json!({"scheme_id": "s", "target_id": "t", "total": "1000", "condition": "target_met",
               "shares": [{"role": "a", "percent": "50"}, {"role": "b", "percent": "50"}]}),
    )
}

/// Target `t` for 2026 (at least 5), scheme `s`, and the audit finding 6.
fn met_scheme() -> Vec<Value> {
    vec![
        target("t", "2026", "5"),
        scheme(),
        verify("t", "6", "2026-12-31", "2027-01-20"),
    ]
}

fn pay(id: &str, role: &str, amount: &str, on: &str) -> Value {
    ev(
        "incentive.paid",
        "city-finance",
        on,
        json!({"payout_id": id, "scheme_id": "s", "payee": format!("{role}-person"), "role": role,
               "amount": amount, "evidence": [{"ref": format!("voucher-{id}")}]}),
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

/// Commitment `c` of the city to ent-a, due 2026-03-31.
fn commitment(extra: Value) -> Value {
    ev(
        "commitment.made",
        "city-gov",
        "2026-01-05",
        with(
            json!({"commitment_id": "c", "promisor": "city-gov", "beneficiary": "ent-a", "kind": "subsidy",
                   "terms": "a subsidy for the new plant", "due": "2026-03-31"}),
            extra,
        ),
    )
}

fn fulfilled(on: &str) -> Value {
    ev(
        "commitment.fulfilled",
        "city-gov",
        on,
        json!({"commitment_id": "c", "evidence": [{"ref": "voucher-7"}]}),
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

/// A log that raises `code` when judged at [`NOW`]; `events[decisive]` is
/// the event without which it does not. `cleared_by`, when given, is an
/// event that, appended, resolves it again.
struct Case {
    code: FindingCode,
    what: &'static str,
    events: Vec<Value>,
    decisive: usize,
    cleared_by: Option<Value>,
}

const NOW: &str = "2027-06-30";

fn case(code: FindingCode, what: &'static str, events: Vec<Value>, decisive: usize) -> Case {
    assert!(decisive < events.len(), "{code}: {what}: no event {decisive}");
    Case {
        code,
        what,
        events,
        decisive,
        cleared_by: None,
    }
}

fn last(code: FindingCode, what: &'static str, events: Vec<Value>) -> Case {
    let decisive = events.len() - 1;
    case(code, what, events, decisive)
}

fn cleared(mut c: Case, by: Value) -> Case {
    c.cleared_by = Some(by);
    c
}

fn cat<const N: usize>(base: Vec<Value>, more: [Value; N]) -> Vec<Value> {
    let mut v = base;
    v.extend(more);
    v
}

/// A second target of park-a in `year` (accidents at most `threshold`):
/// the veto item of its yearly task.
fn safety(id: &str, year: &str, threshold: &str) -> Value {
    ev(
        "target.assigned",
        "city",
        &format!("{year}-01-01"),
        json!({"target_id": id, "assignee": "park-a", "metric": "serious_accidents", "unit": "count",
               "comparator": "<=", "threshold": threshold,
               "period": {"from": format!("{year}-01-01"), "to": format!("{year}-12-31")}, "basis": "city-doc-2"}),
    )
}

/// Park-a's yearly task `id` in `year` on `items` ([target, weight, veto]),
/// pass score 60, with `extra` fields (consequences...).
fn task(id: &str, year: &str, items: &[(&str, &str, bool)], extra: Value) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|(t, w, veto)| {
            if *veto {
                json!({"target_id": t, "weight": w, "veto": true})
            } else {
                json!({"target_id": t, "weight": w})
            }
        })
        .collect();
    ev(
        "assessment.task_set",
        "city",
        &format!("{year}-01-02"),
        with(
            json!({"task_id": id, "assignee": "park-a", "group": "parks", "items": items, "pass_score": "60",
                   "period": {"from": format!("{year}-01-01"), "to": format!("{year}-12-31")},
                   "basis": "目标责任书"}),
            extra,
        ),
    )
}

fn sanction(id: &str, task: &str, kind: &str, on: &str) -> Value {
    ev(
        "sanction.imposed",
        "city",
        on,
        json!({"sanction_id": id, "subject": "park-a", "kind": kind, "task_id": task, "basis": "市委通报"}),
    )
}

/// Project `id` signed by park-a on `on`, land to be started by `start`.
fn project(id: &str, on: &str, start: &str) -> Value {
    ev(
        "project.signed",
        "park-a",
        on,
        json!({"project_id": id, "host": "park-a", "investor": "ent-a", "planned_investment": "50000000",
               "signed_on": on, "land": {"parcel_id": format!("DK-{id}"), "area_mu": "100", "agreed_start": start}}),
    )
}

fn project_stage(id: &str, stage: &str, as_of: &str) -> Value {
    ev(
        "project.stage_reported",
        "park-a",
        as_of,
        json!({"project_id": id, "stage": stage, "as_of": as_of, "investment_in_place": "20000000"}),
    )
}

/// `id` for `who`: in `year`, at least 1 project started (a count).
fn counting(id: &str, who: &str, year: &str) -> Value {
    ev(
        "target.assigned",
        "city",
        &format!("{year}-01-01"),
        json!({"target_id": id, "assignee": who, "metric": "new_projects_ge_10m", "unit": "count",
               "comparator": ">=", "threshold": "1", "counts": {"stage": "started"},
               "period": {"from": format!("{year}-01-01"), "to": format!("{year}-12-31")}, "basis": "city-doc-1"}),
    )
}

fn claim_projects(id: &str, who: &str, value: &str, on: &str, projects: Value) -> Value {
    ev(
        "target.progress_reported",
        who,
        on,
        json!({"target_id": id, "value": value, "as_of": on, "projects": projects}),
    )
}

fn cases() -> Vec<Case> {
    use FindingCode::*;
    let zone_funded = || {
        cat(
            accounts(),
            [
                disburse("d1", "budget", "zone", "100", "2026-02-02", json!({})),
                received("d1", "2026-02-03"),
            ],
        )
    };
    vec![
        last(
            Overdraft,
            "the zone pays out 150 of the 100 it received",
            cat(
                zone_funded(),
                [disburse("d2", "zone", "contractor", "150", "2026-03-02", json!({}))],
            ),
        ),
        last(
            OverCeiling,
            "a credit line of 100 pays 80, then 30",
            cat(
                vec![
                    account("credit", "source", json!({"ceiling": "100"})),
                    account("contractor", "external", json!({})),
                    disburse("d1", "credit", "contractor", "80", "2026-02-02", json!({})),
                ],
                [disburse("d2", "credit", "contractor", "30", "2026-03-02", json!({}))],
            ),
        ),
        last(
            OverAllocation,
            "80 and then 30 more against an allocation of 100",
            cat(
                accounts(),
                [
                    ev(
                        "fund.allocated",
                        "city-finance",
                        "2026-01-10",
                        json!({"allocation_id": "a1", "from_account": "budget", "to_account": "zone",
                               "amount": "100", "purpose": "infrastructure"}),
                    ),
                    disburse(
                        "d1",
                        "budget",
                        "zone",
                        "80",
                        "2026-02-02",
                        json!({"allocation_id": "a1"}),
                    ),
                    disburse(
                        "d2",
                        "budget",
                        "zone",
                        "30",
                        "2026-03-02",
                        json!({"allocation_id": "a1"}),
                    ),
                ],
            ),
        ),
        cleared(
            last(
                UnconfirmedDisbursement,
                "100 into the zone, never confirmed",
                cat(
                    accounts(),
                    [disburse("d1", "budget", "zone", "100", "2026-02-02", json!({}))],
                ),
            ),
            received("d1", "2026-02-20"),
        ),
        last(
            EarmarkBreach,
            "an earmarked account pays for infrastructure, then for office refitting",
            vec![
                account("budget", "source", json!({})),
                account("special", "internal", json!({"earmark": "infrastructure"})),
                account("contractor", "external", json!({})),
                disburse("d1", "budget", "special", "100", "2026-02-02", json!({})),
                received("d1", "2026-02-03"),
                disburse(
                    "d2",
                    "special",
                    "contractor",
                    "50",
                    "2026-03-02",
                    json!({"category": "infrastructure"}),
                ),
                disburse(
                    "d3",
                    "special",
                    "contractor",
                    "20",
                    "2026-03-03",
                    json!({"category": "office"}),
                ),
            ],
        ),
        case(
            OverstatedClaim,
            "claims of 4 then 6; the audit finds 4",
            vec![
                target("t", "2026", "5"),
                claim("t", "4", "2026-12-31", "2027-01-05"),
                claim("t", "6", "2026-12-31", "2027-01-10"),
                verify("t", "4", "2026-12-31", "2027-01-20"),
            ],
            2,
        ),
        last(
            TargetRevisedAfterPeriod,
            "revised in June, then again after the year ended",
            vec![
                target("t", "2026", "5"),
                ev(
                    "target.revised",
                    "city",
                    "2026-06-01",
                    json!({"target_id": "t", "threshold": "4", "reason": "adjusted"}),
                ),
                ev(
                    "target.revised",
                    "city",
                    "2027-02-01",
                    json!({"target_id": "t", "threshold": "3", "reason": "adjusted"}),
                ),
            ],
        ),
        last(
            ConsecutiveMisses,
            "2025 missed; then the audit finds 2026 missed too",
            vec![
                target("t25", "2025", "5"),
                target("t26", "2026", "5"),
                verify("t25", "3", "2025-12-31", "2026-01-20"),
                verify("t26", "2", "2026-12-31", "2027-01-20"),
            ],
        ),
        case(
            PaidWithoutMetTarget,
            "met on the first audit, a second audit finds it missed, then a payout",
            cat(
                met_scheme(),
                [
                    verify("t", "3", "2026-12-31", "2027-01-25"),
                    pay("p1", "a", "100", "2027-02-01"),
                ],
            ),
            3,
        ),
        last(
            ShareExceeded,
            "role a paid 400 then 200 of its 500 share; 900 of 1000 in all",
            cat(
                met_scheme(),
                [
                    pay("p1", "a", "400", "2027-02-01"),
                    pay("p2", "b", "300", "2027-02-01"),
                    pay("p3", "a", "200", "2027-03-01"),
                ],
            ),
        ),
        last(
            SchemeOverpaid,
            "the whole 1000 paid, then 1 more",
            cat(
                met_scheme(),
                [
                    pay("p1", "a", "500", "2027-02-01"),
                    pay("p2", "b", "500", "2027-02-01"),
                    pay("p3", "b", "1", "2027-03-01"),
                ],
            ),
        ),
        last(
            CommitmentOverdue,
            "fulfilled on time, but the fulfilment is voided",
            vec![commitment(json!({})), fulfilled("2026-03-20"), void(1, "2026-05-01")],
        ),
        cleared(
            last(
                CommitmentDisputed,
                "the beneficiary disputes it",
                vec![
                    commitment(json!({"due": "2027-12-31"})),
                    ev(
                        "commitment.disputed",
                        "ent-a",
                        "2026-02-01",
                        json!({"commitment_id": "c", "reason": "not received"}),
                    ),
                ],
            ),
            ev(
                "commitment.waived",
                "city-gov",
                "2026-03-01",
                json!({"commitment_id": "c", "reason": "project cancelled", "authority": "council 2026-3"}),
            ),
        ),
        cleared(
            last(
                FulfilledWithoutPayment,
                "a 100-yuan subsidy marked fulfilled, nothing paid",
                cat(
                    accounts(),
                    [commitment(json!({"amount": "100"})), fulfilled("2026-03-20")],
                ),
            ),
            disburse(
                "d1",
                "budget",
                "ent",
                "100",
                "2026-03-25",
                json!({"commitment_id": "c", "kind": "expenditure"}),
            ),
        ),
        last(
            FulfilledBeforeConditions,
            "the condition met, then fulfilled, and the condition's record voided",
            vec![
                commitment(json!({"conditions": [{"condition_id": "k", "text": "the plant is built"}]})),
                ev(
                    "commitment.condition_met",
                    "city-gov",
                    "2026-02-01",
                    json!({"commitment_id": "c", "condition_id": "k", "evidence": [{"ref": "permit"}]}),
                ),
                fulfilled("2026-03-01"),
                void(1, "2026-04-01"),
            ],
        ),
        last(
            CommitmentOverpaid,
            "a 100-yuan subsidy paid twice",
            cat(
                accounts(),
                [
                    commitment(json!({"amount": "100"})),
                    disburse(
                        "d1",
                        "budget",
                        "ent",
                        "100",
                        "2026-02-02",
                        json!({"commitment_id": "c"}),
                    ),
                    disburse(
                        "d2",
                        "budget",
                        "ent",
                        "100",
                        "2026-02-03",
                        json!({"commitment_id": "c"}),
                    ),
                ],
            ),
        ),
        last(
            MissingEvidence,
            "a verification with evidence, then one with none",
            vec![
                target("t", "2026", "5"),
                verify("t", "6", "2026-12-31", "2027-01-20"),
                ev(
                    "target.verified",
                    "auditor",
                    "2027-01-25",
                    json!({"target_id": "t", "value": "6", "as_of": "2026-12-31"}),
                ),
            ],
        ),
        cleared(
            last(
                ClawbackDue,
                "an 8-yuan discount fulfilled; the promised 300 turns out 120",
                cat(
                    accounts(),
                    [
                        ev(
                            "target.assigned",
                            "city-gov",
                            "2026-01-02",
                            json!({"target_id": "invest", "assignee": "ent-a", "metric": "investment", "unit": "CNY",
                                   "comparator": ">=", "threshold": "300",
                                   "period": {"from": "2026-01-01", "to": "2026-12-31"}, "basis": "agreement"}),
                        ),
                        commitment(json!({"amount": "100", "clawback_targets": ["invest"]})),
                        disburse(
                            "d1",
                            "budget",
                            "ent",
                            "100",
                            "2026-03-02",
                            json!({"commitment_id": "c"}),
                        ),
                        fulfilled("2026-03-03"),
                        verify("invest", "120", "2026-12-31", "2027-01-20"),
                    ],
                ),
            ),
            // 100 × (300 − 120) ÷ 300 = 60, repaid in full.
            disburse(
                "r1",
                "ent",
                "budget",
                "60",
                "2027-02-01",
                json!({"commitment_id": "c", "kind": "repayment"}),
            ),
        ),
        cleared(
            last(
                ConsecutiveFailures,
                "park-a's 2025 task failed, then its 2026 task",
                vec![
                    target("t25", "2025", "5"),
                    target("t26", "2026", "5"),
                    task("k25", "2025", &[("t25", "100", false)], json!({})),
                    task("k26", "2026", &[("t26", "100", false)], json!({})),
                    verify("t25", "3", "2025-12-31", "2026-01-20"),
                    verify("t26", "4", "2026-12-31", "2027-01-20"),
                ],
            ),
            // A later, better-founded verification finds 2026 met after all.
            verify("t26", "7", "2026-12-31", "2027-02-01"),
        ),
        case(
            SanctionNotImposed,
            "park-a fails its 2026 task in January 2027; no criticism by June",
            vec![
                target("t", "2026", "5"),
                task(
                    "k",
                    "2026",
                    &[("t", "100", false)],
                    json!({"consequences": {"on_fail": ["criticism"]}}),
                ),
                verify("t", "4", "2026-12-31", "2027-01-20"),
            ],
            2,
        ),
        last(
            SanctionWithoutBasis,
            "park-a passes its 2026 task, then is publicly criticised under it",
            vec![
                target("t", "2026", "5"),
                task("k", "2026", &[("t", "100", false)], json!({})),
                verify("t", "6", "2026-12-31", "2027-01-20"),
                sanction("x", "k", "criticism", "2027-02-01"),
            ],
        ),
        last(
            RewardForFailedTask,
            "park-a's 2026 task vetoed by an accident; its reward paid anyway",
            vec![
                target("t", "2026", "5"),
                safety("safe", "2026", "0"),
                task("k", "2026", &[("t", "80", false), ("safe", "20", true)], json!({})),
                ev(
                    "incentive.scheme_set",
                    "city",
                    "2026-01-05",
                    json!({"scheme_id": "s", "task_id": "k", "total": "1000", "condition": "task_passed",
                           "shares": [{"role": "a", "percent": "100"}]}),
                ),
                verify("t", "6", "2026-12-31", "2027-01-20"),
                verify("safe", "1", "2026-12-31", "2027-01-21"),
                pay("p1", "a", "1000", "2027-02-01"),
            ],
        ),
        cleared(
            last(
                IdleBalance,
                "3m into the zone in March 2025, nothing paid out since",
                cat(
                    accounts(),
                    [disburse("d1", "budget", "zone", "3000000", "2025-03-03", json!({}))],
                ),
            ),
            disburse("d2", "zone", "contractor", "1000", "2027-06-01", json!({})),
        ),
        last(
            CountedNotQualifying,
            "park-a counts a project in 2026 that was only signed",
            vec![
                project("plant", "2026-03-02", "2026-09-01"),
                counting("t", "park-a", "2026"),
                claim_projects("t", "park-a", "1", "2026-12-20", json!(["plant"])),
            ],
        ),
        cleared(
            last(
                CountMismatch,
                "park-a claims 2 projects and lists one",
                vec![
                    project("plant", "2026-03-02", "2026-09-01"),
                    project_stage("plant", "started", "2026-05-04"),
                    counting("t", "park-a", "2026"),
                    claim_projects("t", "park-a", "2", "2026-12-20", json!(["plant"])),
                ],
            ),
            // A later claim does not erase the first; only a void would.
            void(3, "2026-12-22"),
        ),
        last(
            ProjectDoubleCounted,
            "park-a and park-b both count one plant for 2026",
            vec![
                project("plant", "2026-03-02", "2026-09-01"),
                project_stage("plant", "started", "2026-05-04"),
                counting("ta", "park-a", "2026"),
                counting("tb", "park-b", "2026"),
                claim_projects("ta", "park-a", "1", "2026-12-20", json!(["plant"])),
                claim_projects("tb", "park-b", "1", "2026-12-21", json!(["plant"])),
            ],
        ),
        case(
            LandIdle,
            "a plant signed in 2025 whose land was to be built on by June 2025; nothing by June 2026",
            vec![
                project("plant", "2025-03-03", "2025-06-02"),
                project_stage("plant", "started", "2026-07-01"),
            ],
            0,
        ),
        last(
            ClawbackExceedsPayout,
            "60 paid; 30 and then 40 clawed back",
            cat(
                met_scheme(),
                [
                    pay("p1", "a", "60", "2027-02-01"),
                    claw("p1", "30", "2027-03-01"),
                    claw("p1", "40", "2027-04-01"),
                ],
            ),
        ),
    ]
}

fn raised(events: &[Value], code: FindingCode) -> bool {
    let facts = from_json(events, None).expect("the case's events are valid");
    findings::all(&facts, Day::parse(NOW).unwrap())
        .iter()
        .any(|f| f.code == code)
}

#[test]
fn every_code_has_a_case() {
    let covered: BTreeSet<FindingCode> = cases().iter().map(|c| c.code).collect();
    let all: BTreeSet<FindingCode> = FindingCode::ALL.iter().copied().collect();
    let missing: Vec<&FindingCode> = all.difference(&covered).collect();
    assert!(missing.is_empty(), "no case raises {missing:?}");
}

#[test]
fn every_case_raises_its_code_and_not_without_its_decisive_event() {
    for c in cases() {
        assert!(raised(&c.events, c.code), "{}: {} does not raise it", c.code, c.what);
        let mut without = c.events.clone();
        let gone = without.remove(c.decisive);
        assert!(
            !raised(&without, c.code),
            "{}: {} raises it even without its decisive event {gone}",
            c.code,
            c.what
        );
        if let Some(by) = &c.cleared_by {
            let mut resolved = c.events.clone();
            resolved.push(by.clone());
            assert!(
                raised(&c.events, c.code) && !raised(&resolved, c.code),
                "{}: {by} does not clear it",
                c.code
            );
        }
    }
}

/// The three places that record evidence read "none" the same way: absent
/// or an empty list is none; one reference, as a string or a list, is some.
#[test]
fn missing_evidence_is_absent_or_empty_wherever_evidence_is_recorded() {
    // The recording event's data without evidence, and the log around it.
    let places = [
        (
            "verification",
            json!({"target_id": "t", "value": "6", "as_of": "2026-12-31"}),
            vec![target("t", "2026", "5")],
            ("target.verified", "auditor", "2027-01-20"),
        ),
        (
            "fulfilment",
            json!({"commitment_id": "c"}),
            vec![commitment(json!({}))],
            ("commitment.fulfilled", "city-gov", "2026-03-01"),
        ),
        (
            "payout",
            json!({"payout_id": "p1", "scheme_id": "s", "payee": "a-person", "role": "a", "amount": "10"}),
            met_scheme(),
            ("incentive.paid", "city-finance", "2027-02-01"),
        ),
    ];
    for (place, data, before, (kind, actor, on)) in places {
        for (evidence, none) in [
            (None, true),
            (Some(json!([])), true),
            (Some(json!("doc 7")), false),
            (Some(json!([{"ref": "doc 7"}])), false),
        ] {
            let mut data = data.clone();
            if let Some(e) = &evidence {
                data["evidence"] = e.clone();
            }
            let log = cat(before.clone(), [ev(kind, actor, on, data)]);
            assert_eq!(
                raised(&log, FindingCode::MissingEvidence),
                none,
                "{place} with evidence {evidence:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Every code in both languages.

/// The parties of the cases, registered with Chinese names (as a city's
/// ledger has them), and the project `plant` under its own id.
fn registrations() -> Vec<Value> {
    [
        ("city", "government", "常德市人民政府"),
        ("city-gov", "government", "常德市人民政府办公室"),
        ("city-finance", "department", "常德市财政局"),
        ("auditor", "auditor", "常德市审计局"),
        ("zone", "park", "常德经济技术开发区"),
        ("park-a", "park", "津市市工业园"),
        ("park-b", "park", "澧县经济开发区"),
        ("ent-a", "enterprise", "常德华鑫机械制造有限公司"),
        ("a-person", "person", "张建国"),
        ("b-person", "person", "李红梅"),
        ("plant", "project", "华鑫新厂房项目"),
    ]
    .into_iter()
    .map(|(id, kind, name)| {
        ev(
            "entity.registered",
            "city",
            "2025-01-01",
            json!({"entity_id": id, "kind": kind, "name": name}),
        )
    })
    .collect()
}

/// Every amount and every named id among `facts`, nested ones included.
fn amounts_and_names(facts: &FactSet, amounts: &mut Vec<String>, names: &mut Vec<String>) {
    fn walk(f: &Fact, amounts: &mut Vec<String>, names: &mut Vec<String>) {
        match f {
            Fact::Amount(a) => amounts.push(zh_amount(*a)),
            Fact::Ref(r) => {
                if let Some(n) = &r.name {
                    names.push(format!("{n}（{}）", r.id));
                }
            }
            Fact::List(items) => items.iter().for_each(|x| walk(x, amounts, names)),
            Fact::Group(g) => g.0.iter().for_each(|(_, x)| walk(x, amounts, names)),
            _ => {}
        }
    }
    facts.0.iter().for_each(|(_, f)| walk(f, amounts, names));
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Each case's findings render in English and Chinese from their facts,
/// with no fact missing and none left out; the English sentence is the
/// finding's `message`; the Chinese one is Chinese, writes every amount
/// in 元/万元/亿元 and every registered party as 名称（id）.
#[test]
fn every_code_renders_in_both_languages_from_its_facts() {
    let now = Day::parse(NOW).unwrap();
    let mut rendered = BTreeSet::new();
    for c in cases() {
        // After the case's events, so the seqs its voids name stay its own.
        let mut events = c.events.clone();
        events.extend(registrations());
        let facts = from_json(&events, None).expect("the case's events are valid");
        let all = findings::all(&facts, now);
        assert!(
            all.iter().any(|f| f.code == c.code),
            "{}: {} no longer raises it",
            c.code,
            c.what
        );
        for f in &all {
            let en = render_checked(f.code, &f.facts, Lang::En)
                .unwrap_or_else(|e| panic!("{}: {}: English: {e:?}", f.code, c.what));
            assert_eq!(en, f.message, "{}: the message is the English sentence", f.code);
            let zh = render_checked(f.code, &f.facts, Lang::ZhCn)
                .unwrap_or_else(|e| panic!("{}: {}: Chinese: {e:?}", f.code, c.what));
            assert_eq!(zh, f.message_in(Lang::ZhCn));
            assert!(has_cjk(&zh), "{}: not Chinese: {zh}", f.code);
            assert!(!zh.contains("yuan") && !zh.contains('?'), "{}: {zh}", f.code);
            let (mut amounts, mut names) = (Vec::new(), Vec::new());
            amounts_and_names(&f.facts, &mut amounts, &mut names);
            for a in &amounts {
                assert!(a.ends_with('元'), "{a}");
                assert!(
                    zh.contains(a.as_str()),
                    "{}: {zh} does not write the amount {a}",
                    f.code
                );
            }
            for n in &names {
                assert!(zh.contains(n.as_str()), "{}: {zh} does not name {n}", f.code);
            }
            assert!(
                !names.is_empty() || f.code == FindingCode::SchemeOverpaid,
                "{}: names no registered party: {zh}",
                f.code
            );
            rendered.insert(f.code);
        }
    }
    let missing: Vec<_> = FindingCode::ALL.iter().filter(|c| !rendered.contains(c)).collect();
    assert!(missing.is_empty(), "never rendered: {missing:?}");
}

/// A few sentences in full, so a change of wording is a visible change.
#[test]
fn chinese_sentences_read_as_an_auditor_writes_them() {
    let now = Day::parse(NOW).unwrap();
    let find = |code: FindingCode| {
        let c = cases().into_iter().find(|c| c.code == code).unwrap();
        let mut events = c.events;
        events.extend(registrations());
        let facts = from_json(&events, None).unwrap();
        let all = findings::all(&facts, now);
        let codes: Vec<_> = all.iter().map(|f| f.code).collect();
        all.into_iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("{code}: only {codes:?}"))
    };
    assert_eq!(
        find(FindingCode::IdleBalance).message_in(Lang::ZhCn),
        "常德市人民政府（city）的zone account（zone）余额300万元，自2025年3月3日（首笔资金拨入，此后从未拨出，第4条记录）起超过730天未拨出资金；结转两年以上的财政存量资金应统筹盘活或收回。"
    );
    assert_eq!(
        find(FindingCode::ConsecutiveMisses).message_in(Lang::ZhCn),
        "津市市工业园（park-a）连续2期未完成“新引进1000万元以上项目”目标：t25（2025年度，核实值3个，目标值不低于5个）；t26（2026年度，核实值2个，目标值不低于5个）。"
    );
    assert_eq!(
        find(FindingCode::CommitmentOverdue).message_in(Lang::ZhCn),
        "常德市人民政府办公室（city-gov）对常德华鑫机械制造有限公司（ent-a）的承诺c（补助）应于2026年3月31日前兑现，截至2027年6月30日仍未兑现，已逾期456天。"
    );
}

#[test]
fn languages_are_read_from_tags_locales_and_accept_language() {
    for (tag, lang) in [
        ("en", Some(Lang::En)),
        ("EN-gb", Some(Lang::En)),
        ("zh", Some(Lang::ZhCn)),
        ("zh-CN", Some(Lang::ZhCn)),
        ("zh-Hans-CN", Some(Lang::ZhCn)),
        ("zh_CN.UTF-8", Some(Lang::ZhCn)),
        ("fr", None),
        ("", None),
    ] {
        assert_eq!(Lang::from_tag(tag), lang, "{tag:?}");
    }
    assert_eq!("zh-CN".parse::<Lang>(), Ok(Lang::ZhCn));
    assert!("de".parse::<Lang>().is_err());
    assert_eq!(Lang::from_locale(None, None, None), Lang::En);
    assert_eq!(Lang::from_locale(None, None, Some("zh_CN.UTF-8")), Lang::ZhCn);
    assert_eq!(Lang::from_locale(Some("C"), None, Some("zh_CN.UTF-8")), Lang::En);
    assert_eq!(
        Lang::from_locale(Some(""), Some("zh_TW.UTF-8"), Some("en_US.UTF-8")),
        Lang::ZhCn
    );
    assert_eq!(Lang::from_locale(None, None, Some("C.UTF-8")), Lang::En);
    for (header, lang) in [
        ("zh-CN,zh;q=0.9,en;q=0.8", Some(Lang::ZhCn)),
        ("en-US,en;q=0.9,zh-CN;q=0.8", Some(Lang::En)),
        ("fr-FR, zh;q=0.5, en;q=0.4", Some(Lang::ZhCn)),
        ("en;q=0.2, zh-CN;q=0.7", Some(Lang::ZhCn)),
        ("zh;q=0, en", Some(Lang::En)),
        ("zh;q=0", None),
        ("fr, de", None),
        ("*", None),
        ("", None),
    ] {
        assert_eq!(Lang::from_accept_language(header), lang, "{header:?}");
    }
}
