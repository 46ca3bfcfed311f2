//! Contract 3.3 (commitment statuses and due dates) and the commitment
//! findings of 3.5, given / when / then: given these events, when the
//! commitments view or its findings are read at a date, then ...

use pledger_core::when::Day;
use pledger_views::calendar::Calendar;
use pledger_views::commitments::{self, CommitmentRow, CommitmentStatus};
use pledger_views::facts::from_json;
use pledger_views::{Finding, FindingCode, TableRow};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Givens.

fn day(s: &str) -> Day {
    Day::parse(s).unwrap()
}

/// A log under construction; `seq` of each event is its position.
#[derive(Default, Clone)]
struct Given {
    events: Vec<Value>,
}

impl Given {
    fn new() -> Given {
        Given::default()
    }

    fn event(mut self, kind: &str, actor: &str, on: &str, data: Value) -> Given {
        self.events
            .push(json!({"type": kind, "actor": actor, "occurred_at": on, "data": data}));
        self
    }

    /// The seq the next event will get.
    fn next_seq(&self) -> usize {
        self.events.len()
    }

    /// `city-gov` promises `ent-a` something; `extra` adds or overrides fields.
    fn commitment(self, id: &str, on: &str, due: Value, extra: Value) -> Given {
        let mut data = json!({
            "commitment_id": id,
            "promisor": "city-gov",
            "beneficiary": "ent-a",
            "kind": "subsidy",
            "terms": "a subsidy for the new plant",
            "due": due,
        });
        for (k, v) in extra.as_object().unwrap() {
            data[k] = v.clone();
        }
        self.event("commitment.made", "city-gov", on, data)
    }

    fn condition_met(self, id: &str, condition: &str, on: &str) -> Given {
        self.event(
            "commitment.condition_met",
            "city-gov",
            on,
            json!({"commitment_id": id, "condition_id": condition, "evidence": [{"ref": "doc-1"}]}),
        )
    }

    fn fulfilled(self, id: &str, on: &str) -> Given {
        self.event(
            "commitment.fulfilled",
            "city-gov",
            on,
            json!({"commitment_id": id, "evidence": [{"ref": "voucher-7"}]}),
        )
    }

    fn fulfilled_with(self, id: &str, on: &str, extra: Value) -> Given {
        let mut data = json!({"commitment_id": id});
        for (k, v) in extra.as_object().unwrap() {
            data[k] = v.clone();
        }
        self.event("commitment.fulfilled", "city-gov", on, data)
    }

    fn disputed(self, id: &str, on: &str) -> Given {
        self.event(
            "commitment.disputed",
            "ent-a",
            on,
            json!({"commitment_id": id, "reason": "not received"}),
        )
    }

    fn breached(self, id: &str, on: &str) -> Given {
        self.event(
            "commitment.breached",
            "audit",
            on,
            json!({"commitment_id": id, "reason": "never paid"}),
        )
    }

    fn waived(self, id: &str, on: &str) -> Given {
        self.event(
            "commitment.waived",
            "city-gov",
            on,
            json!({"commitment_id": id, "reason": "project cancelled", "authority": "city council 2026-3"}),
        )
    }

    fn disbursed(self, id: &str, on: &str, amount: &str, kind: &str, commitment: &str) -> Given {
        let (from, to) = if kind == "repayment" {
            ("acct-ent", "acct-city")
        } else {
            ("acct-city", "acct-ent")
        };
        self.event(
            "fund.disbursed",
            "city-finance",
            on,
            json!({
                "disbursement_id": id, "from_account": from, "to_account": to, "amount": amount,
                "purpose": "commitment payment", "kind": kind, "commitment_id": commitment,
            }),
        )
    }

    fn target(self, id: &str, on: &str, comparator: &str, threshold: &str, period: (&str, &str)) -> Given {
        self.event(
            "target.assigned",
            "city-gov",
            on,
            json!({
                "target_id": id, "assignee": "ent-a", "metric": "tax_paid", "unit": "CNY",
                "comparator": comparator, "threshold": threshold,
                "period": {"from": period.0, "to": period.1}, "basis": "investment agreement",
            }),
        )
    }

    fn verified(self, target: &str, on: &str, value: &str, as_of: &str) -> Given {
        self.event(
            "target.verified",
            "audit",
            on,
            json!({"target_id": target, "value": value, "as_of": as_of, "evidence": [{"ref": "tax-bureau"}]}),
        )
    }

    fn voided(self, seq: usize, on: &str) -> Given {
        self.event(
            "event.voided",
            "city-gov",
            on,
            json!({"seq": seq, "reason": "entered in error"}),
        )
    }

    // -- whens --

    fn row_at(&self, id: &str, now: &str) -> CommitmentRow {
        self.row_with(id, now, &Calendar::weekdays())
    }

    fn row_with(&self, id: &str, now: &str, cal: &Calendar) -> CommitmentRow {
        let facts = from_json(&self.events, None).expect("valid events");
        let report = commitments::report(&facts, day(now), cal);
        report
            .commitments
            .into_iter()
            .find(|r| r.commitment_id == id)
            .expect("commitment in report")
    }

    fn status_at(&self, id: &str, now: &str) -> CommitmentStatus {
        self.row_at(id, now).status
    }

    fn findings_at(&self, now: &str) -> Vec<Finding> {
        let facts = from_json(&self.events, None).expect("valid events");
        let mut out = Vec::new();
        commitments::findings(&facts, day(now), &mut out);
        out
    }

    fn findings_with(&self, now: &str, cal: &Calendar) -> Vec<Finding> {
        let facts = from_json(&self.events, None).expect("valid events");
        let mut out = Vec::new();
        commitments::findings_with(&facts, day(now), cal, &mut out);
        out
    }
}

fn with_code(findings: &[Finding], code: FindingCode) -> Vec<&Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

fn one(findings: &[Finding], code: FindingCode) -> &Finding {
    let found = with_code(findings, code);
    assert_eq!(found.len(), 1, "expected one {code}, got {findings:#?}");
    found[0]
}

fn none(findings: &[Finding], code: FindingCode) {
    assert!(
        with_code(findings, code).is_empty(),
        "expected no {code}, got {findings:#?}"
    );
}

/// A subsidy of 1,000,000 yuan due on 2026-04-30, no conditions.
fn subsidy() -> Given {
    Given::new().commitment("c-1", "2026-03-01", json!("2026-04-30"), json!({"amount": "1000000"}))
}

/// Due 3 working days after condition `land` (the land is handed over).
fn service_promise() -> Given {
    Given::new().commitment(
        "c-2",
        "2026-03-01",
        json!({"within_working_days": 3, "after": "land"}),
        json!({"kind": "service_deadline", "conditions": [{"condition_id": "land", "text": "land handed over"}]}),
    )
}

// ---------------------------------------------------------------------------
// Statuses.

#[test]
fn open_until_the_end_of_the_due_day_then_overdue() {
    let given = subsidy();
    assert_eq!(given.status_at("c-1", "2026-03-15"), CommitmentStatus::Open);
    assert_eq!(
        given.status_at("c-1", "2026-04-30"),
        CommitmentStatus::Open,
        "due at the end of the due day"
    );
    assert_eq!(given.status_at("c-1", "2026-05-01"), CommitmentStatus::Overdue);
}

#[test]
fn kept_when_fulfilled_on_the_due_day() {
    let given = subsidy().fulfilled("c-1", "2026-04-30");
    let row = given.row_at("c-1", "2026-06-01");
    assert_eq!(row.status, CommitmentStatus::Kept);
    assert_eq!(row.fulfilled_on, Some(day("2026-04-30")));
}

#[test]
fn kept_late_when_fulfilled_after_the_due_day() {
    let given = subsidy().fulfilled("c-1", "2026-05-02");
    assert_eq!(
        given.status_at("c-1", "2026-05-01"),
        CommitmentStatus::Overdue,
        "not yet fulfilled then"
    );
    assert_eq!(given.status_at("c-1", "2026-05-02"), CommitmentStatus::KeptLate);
}

#[test]
fn conditional_while_a_condition_is_unmet() {
    let given = service_promise();
    let row = given.row_at("c-2", "2026-12-31");
    assert_eq!(row.status, CommitmentStatus::Conditional);
    assert_eq!(row.due, None, "a relative due date cannot be computed yet");
    assert!(!row.conditions[0].met);
    assert_eq!(row.conditions[0].met_on, None);
}

#[test]
fn conditional_also_with_an_absolute_due_date_past() {
    // Given a fixed due date and a condition the beneficiary never met,
    let given = Given::new().commitment(
        "c-3",
        "2026-01-01",
        json!("2026-02-01"),
        json!({"conditions": [{"condition_id": "prod", "text": "production started"}]}),
    );
    // then past the date it is conditional, not overdue, and no overdue finding.
    assert_eq!(given.status_at("c-3", "2026-06-01"), CommitmentStatus::Conditional);
    none(&given.findings_at("2026-06-01"), FindingCode::CommitmentOverdue);
}

#[test]
fn disputed_when_the_beneficiary_disputes_a_fulfilment() {
    let given = subsidy().fulfilled("c-1", "2026-04-01").disputed("c-1", "2026-04-10");
    assert_eq!(given.status_at("c-1", "2026-04-09"), CommitmentStatus::Kept);
    assert_eq!(given.status_at("c-1", "2026-04-10"), CommitmentStatus::Disputed);
}

#[test]
fn a_fulfilment_after_the_dispute_resolves_it_and_is_the_one_that_counts() {
    let given = subsidy()
        .fulfilled("c-1", "2026-04-01")
        .disputed("c-1", "2026-04-10")
        .fulfilled("c-1", "2026-05-05");
    let row = given.row_at("c-1", "2026-06-01");
    assert_eq!(row.status, CommitmentStatus::KeptLate);
    assert_eq!(row.fulfilled_on, Some(day("2026-05-05")));
}

#[test]
fn breached_when_an_auditor_says_so_even_if_fulfilled_later() {
    let given = subsidy().breached("c-1", "2026-05-10").fulfilled("c-1", "2026-05-20");
    assert_eq!(given.status_at("c-1", "2026-05-09"), CommitmentStatus::Overdue);
    assert_eq!(given.status_at("c-1", "2026-06-01"), CommitmentStatus::Breached);
}

#[test]
fn waived_stands_over_breached_and_disputed() {
    let given = subsidy()
        .disputed("c-1", "2026-05-05")
        .breached("c-1", "2026-05-10")
        .waived("c-1", "2026-05-20");
    assert_eq!(given.status_at("c-1", "2026-05-06"), CommitmentStatus::Disputed);
    assert_eq!(
        given.status_at("c-1", "2026-05-15"),
        CommitmentStatus::Breached,
        "breached over disputed"
    );
    assert_eq!(given.status_at("c-1", "2026-05-20"), CommitmentStatus::Waived);
}

#[test]
fn disputed_stands_over_overdue() {
    let given = subsidy().disputed("c-1", "2026-05-05");
    assert_eq!(given.status_at("c-1", "2026-06-01"), CommitmentStatus::Disputed);
}

// ---------------------------------------------------------------------------
// Due dates.

#[test]
fn absolute_due_date_time_counts_on_its_own_day() {
    let given = Given::new().commitment("c-4", "2026-03-01", json!("2026-03-31T23:30:00+08:00"), json!({}));
    assert_eq!(given.row_at("c-4", "2026-03-15").due, Some(day("2026-03-31")));
}

#[test]
fn within_days_counts_calendar_days_after_the_condition() {
    let given = Given::new()
        .commitment(
            "c-5",
            "2026-03-01",
            json!({"within_days": 10, "after": "start"}),
            json!({"conditions": [{"condition_id": "start", "text": "production started"}]}),
        )
        .condition_met("c-5", "start", "2026-03-06");
    let row = given.row_at("c-5", "2026-03-10");
    assert_eq!(row.due, Some(day("2026-03-16")));
    assert_eq!(row.status, CommitmentStatus::Open);
    assert!(row.conditions[0].met);
    assert_eq!(row.conditions[0].met_on, Some(day("2026-03-06")));
    assert_eq!(given.status_at("c-5", "2026-03-17"), CommitmentStatus::Overdue);
}

#[test]
fn within_working_days_skips_the_weekend() {
    // Given the land is handed over on Friday 2026-03-06, due within 3 working days,
    let given = service_promise().condition_met("c-2", "land", "2026-03-06");
    // then it is due on Wednesday 2026-03-11 (Mon, Tue, Wed).
    assert_eq!(given.row_at("c-2", "2026-03-07").due, Some(day("2026-03-11")));
}

#[test]
fn within_working_days_with_a_holiday_calendar() {
    let given = service_promise().condition_met("c-2", "land", "2026-03-06");
    // A holiday on Monday pushes it to Thursday,
    let holiday = Calendar::from_text("2026-03-09  a holiday\n").unwrap();
    assert_eq!(
        given.row_with("c-2", "2026-03-07", &holiday).due,
        Some(day("2026-03-12"))
    );
    // and a make-up Saturday worked in exchange brings it back to Wednesday.
    let swapped = Calendar::from_text("2026-03-09\n+2026-03-07  worked Saturday (调休)\n").unwrap();
    assert_eq!(
        given.row_with("c-2", "2026-03-07", &swapped).due,
        Some(day("2026-03-11"))
    );
}

#[test]
fn overdue_finding_follows_the_calendar() {
    let given = service_promise().condition_met("c-2", "land", "2026-03-06");
    // On Thursday 2026-03-12, Monday to Friday says overdue (due Wednesday) ...
    let f = given.findings_at("2026-03-12");
    let overdue = one(&f, FindingCode::CommitmentOverdue);
    assert_eq!(overdue.date, day("2026-03-12"));
    assert_eq!(
        overdue.seqs,
        vec![0, 1],
        "the commitment and the condition that started the clock"
    );
    // ... but with Monday a holiday it is due that very day: not overdue.
    let holiday = Calendar::from_text("2026-03-09\n").unwrap();
    none(
        &given.findings_with("2026-03-12", &holiday),
        FindingCode::CommitmentOverdue,
    );
    assert_eq!(
        given.row_with("c-2", "2026-03-12", &holiday).status,
        CommitmentStatus::Open
    );
}

#[test]
fn a_target_condition_is_met_by_the_verification_that_finds_it_met() {
    // Given a refund due 30 days after target t-tax is met, verified on 2026-01-20,
    let given = Given::new()
        .target("t-tax", "2025-01-01", ">=", "5000000", ("2025-01-01", "2025-12-31"))
        .commitment(
            "c-6",
            "2025-01-01",
            json!({"within_days": 30, "after": "tax"}),
            json!({"kind": "tax_refund", "conditions": [{"condition_id": "tax", "text": "pays 5m tax", "target_id": "t-tax"}]}),
        )
        .verified("t-tax", "2026-01-20", "5200000", "2025-12-31");
    // then before the verification it is conditional,
    let before = given.row_at("c-6", "2026-01-10");
    assert_eq!(before.status, CommitmentStatus::Conditional);
    assert_eq!(before.conditions[0].target_id.as_deref(), Some("t-tax"));
    assert!(!before.conditions[0].met);
    // and after it the condition is met on the verification's business date.
    let after = given.row_at("c-6", "2026-02-01");
    assert!(after.conditions[0].met);
    assert_eq!(after.conditions[0].met_on, Some(day("2026-01-20")));
    assert_eq!(after.due, Some(day("2026-02-19")));
    assert_eq!(after.status, CommitmentStatus::Open);
}

#[test]
fn a_target_condition_is_not_met_by_a_missed_target_nor_by_condition_met() {
    let given = Given::new()
        .target("t-tax", "2025-01-01", ">=", "5000000", ("2025-01-01", "2025-12-31"))
        .commitment(
            "c-6",
            "2025-01-01",
            json!({"within_days": 30, "after": "tax"}),
            json!({"conditions": [{"condition_id": "tax", "text": "pays 5m tax", "target_id": "t-tax"}]}),
        )
        .condition_met("c-6", "tax", "2026-01-05")
        .verified("t-tax", "2026-01-20", "4000000", "2025-12-31");
    let row = given.row_at("c-6", "2026-03-01");
    assert!(!row.conditions[0].met);
    assert_eq!(row.status, CommitmentStatus::Conditional);
}

// ---------------------------------------------------------------------------
// Voids and as-of.

#[test]
fn a_voided_fulfilment_stops_counting() {
    let given = subsidy().fulfilled("c-1", "2026-04-01");
    let given = given.clone().voided(1, "2026-04-03");
    let row = given.row_at("c-1", "2026-05-01");
    assert_eq!(row.status, CommitmentStatus::Overdue);
    assert_eq!(row.fulfilled_on, None);
    let f = given.findings_at("2026-05-01");
    one(&f, FindingCode::CommitmentOverdue);
    none(&f, FindingCode::FulfilledWithoutPayment);
}

#[test]
fn a_voided_commitment_is_not_reported() {
    let given = subsidy().voided(0, "2026-03-02");
    let facts = from_json(&given.events, None).unwrap();
    assert!(commitments::report(&facts, day("2026-06-01"), &Calendar::weekdays())
        .commitments
        .is_empty());
    assert!(given.findings_at("2026-06-01").is_empty());
}

#[test]
fn as_of_a_date_counts_only_what_had_happened() {
    let given = subsidy().fulfilled("c-1", "2026-05-10");
    let at = |as_of: &str| {
        let facts = from_json(&given.events, Some(day(as_of))).unwrap();
        commitments::report(&facts, day(as_of), &Calendar::weekdays())
            .commitments
            .remove(0)
    };
    assert_eq!(at("2026-05-05").status, CommitmentStatus::Overdue);
    assert_eq!(at("2026-05-05").fulfilled_on, None);
    assert_eq!(at("2026-05-10").status, CommitmentStatus::KeptLate);
    let facts = from_json(&given.events, Some(day("2026-02-01"))).unwrap();
    assert!(commitments::report(&facts, day("2026-02-01"), &Calendar::weekdays())
        .commitments
        .is_empty());
}

// ---------------------------------------------------------------------------
// Shapes.

#[test]
fn the_json_row_has_the_contract_fields() {
    let given = service_promise()
        .condition_met("c-2", "land", "2026-03-06")
        .disbursed("d-1", "2026-03-09", "100.5", "transfer", "c-2")
        .disbursed("d-2", "2026-03-10", "20", "repayment", "c-2");
    let facts = from_json(&given.events, None).unwrap();
    let report = commitments::report(&facts, day("2026-03-10"), &Calendar::weekdays());
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(
        v,
        json!({"commitments": [{
            "commitment_id": "c-2",
            "promisor": "city-gov",
            "beneficiary": "ent-a",
            "kind": "service_deadline",
            "terms": "a subsidy for the new plant",
            "amount": null,
            "due": "2026-03-11",
            "status": "open",
            "conditions": [{"condition_id": "land", "text": "land handed over", "target_id": null, "met": true, "met_on": "2026-03-06"}],
            "fulfilled_on": null,
            "paid": "100.50",
            "repaid": "20.00",
        }]})
    );
    let row = &report.commitments[0];
    assert_eq!(row.cells().len(), CommitmentRow::header().len());
    assert_eq!(row.cells()[7], "1/1");
}

#[test]
fn severity_order_puts_overdue_first() {
    let given = subsidy()
        .commitment("c-0", "2026-03-01", json!("2026-12-31"), json!({}))
        .commitment("c-9", "2026-03-01", json!("2026-03-31"), json!({}))
        .fulfilled("c-9", "2026-03-20");
    let facts = from_json(&given.events, None).unwrap();
    let mut rows = commitments::report(&facts, day("2026-06-01"), &Calendar::weekdays()).commitments;
    rows.sort_by(commitments::severity_order);
    let order: Vec<_> = rows
        .iter()
        .map(|r| (r.commitment_id.as_str(), r.status.as_str()))
        .collect();
    assert_eq!(order, vec![("c-1", "overdue"), ("c-0", "open"), ("c-9", "kept")]);
}

// ---------------------------------------------------------------------------
// Findings: commitment_overdue.

#[test]
fn overdue_is_found_the_day_after_the_due_date() {
    let f = subsidy().findings_at("2026-05-03");
    let o = one(&f, FindingCode::CommitmentOverdue);
    assert_eq!(o.subjects, vec!["c-1"]);
    assert_eq!(o.seqs, vec![0]);
    assert_eq!(o.date, day("2026-05-01"));
    assert!(o.message.contains("c-1") && o.message.contains("2026-04-30") && o.message.contains("3 days overdue"));
    assert!(o.message.contains("1000000.00 yuan"), "{}", o.message);
}

#[test]
fn overdue_is_not_found_on_the_due_day_nor_once_fulfilled() {
    none(&subsidy().findings_at("2026-04-30"), FindingCode::CommitmentOverdue);
    none(
        &subsidy().fulfilled("c-1", "2026-05-02").findings_at("2026-06-01"),
        FindingCode::CommitmentOverdue,
    );
}

// Findings: commitment_disputed.

#[test]
fn an_open_dispute_is_found() {
    let given = subsidy().fulfilled("c-1", "2026-04-01").disputed("c-1", "2026-04-10");
    let f = given.findings_at("2026-04-20");
    let d = one(&f, FindingCode::CommitmentDisputed);
    assert_eq!(d.seqs, vec![0, 2]);
    assert_eq!(d.date, day("2026-04-10"));
    assert!(
        d.message.contains("ent-a") && d.message.contains("not received"),
        "{}",
        d.message
    );
}

#[test]
fn a_dispute_followed_by_fulfilment_or_waiver_is_not_found() {
    let fulfilled = subsidy().disputed("c-1", "2026-04-10").fulfilled("c-1", "2026-04-12");
    none(&fulfilled.findings_at("2026-06-01"), FindingCode::CommitmentDisputed);
    let waived = subsidy().disputed("c-1", "2026-04-10").waived("c-1", "2026-04-12");
    none(&waived.findings_at("2026-06-01"), FindingCode::CommitmentDisputed);
    let voided = subsidy().disputed("c-1", "2026-04-10").voided(1, "2026-04-11");
    none(&voided.findings_at("2026-04-20"), FindingCode::CommitmentDisputed);
}

// Findings: fulfilled_without_payment.

#[test]
fn a_fulfilment_with_no_payment_is_found() {
    let given = subsidy().fulfilled("c-1", "2026-04-01");
    let f = given.findings_at("2026-04-02");
    let w = one(&f, FindingCode::FulfilledWithoutPayment);
    assert_eq!(w.seqs, vec![0, 1]);
    assert_eq!(w.date, day("2026-04-01"));
    assert!(w.message.contains("1000000.00"));
}

#[test]
fn a_fulfilment_paid_by_a_disbursement_is_not_found() {
    let paid = subsidy()
        .disbursed("d-1", "2026-03-30", "1000000", "transfer", "c-1")
        .fulfilled("c-1", "2026-04-01");
    none(&paid.findings_at("2026-04-02"), FindingCode::FulfilledWithoutPayment);
    // A commitment without an amount needs no payment.
    let service = service_promise()
        .condition_met("c-2", "land", "2026-03-06")
        .fulfilled("c-2", "2026-03-09");
    none(&service.findings_at("2026-04-02"), FindingCode::FulfilledWithoutPayment);
}

#[test]
fn a_voided_or_repayment_disbursement_does_not_pay_a_commitment() {
    let given = subsidy()
        .disbursed("d-1", "2026-03-30", "1000000", "transfer", "c-1")
        .voided(1, "2026-03-31")
        .disbursed("d-2", "2026-03-31", "10", "repayment", "c-1")
        .fulfilled("c-1", "2026-04-01");
    one(&given.findings_at("2026-04-02"), FindingCode::FulfilledWithoutPayment);
}

// Findings: fulfilled_before_conditions.

#[test]
fn a_fulfilment_before_its_condition_is_found() {
    let given = service_promise()
        .fulfilled("c-2", "2026-03-05")
        .condition_met("c-2", "land", "2026-03-06");
    let f = given.findings_at("2026-03-10");
    let b = one(&f, FindingCode::FulfilledBeforeConditions);
    assert_eq!(b.date, day("2026-03-05"));
    assert!(b.message.contains("land"), "{}", b.message);
    assert_eq!(given.status_at("c-2", "2026-03-10"), CommitmentStatus::Kept);
}

#[test]
fn a_fulfilment_before_a_target_condition_is_met_is_found() {
    let given = Given::new()
        .target("t-jobs", "2025-01-01", ">=", "200", ("2025-01-01", "2025-12-31"))
        .commitment(
            "c-7",
            "2025-01-01",
            json!("2026-06-30"),
            json!({"conditions": [{"condition_id": "jobs", "text": "200 jobs", "target_id": "t-jobs"}]}),
        )
        .fulfilled("c-7", "2026-01-10")
        .verified("t-jobs", "2026-01-20", "210", "2025-12-31");
    let f = given.findings_at("2026-02-01");
    let b = one(&f, FindingCode::FulfilledBeforeConditions);
    assert!(b.subjects.contains(&"t-jobs".to_owned()));
}

#[test]
fn a_fulfilment_after_its_conditions_is_not_found() {
    let given = service_promise()
        .condition_met("c-2", "land", "2026-03-06")
        .fulfilled("c-2", "2026-03-06");
    none(&given.findings_at("2026-03-10"), FindingCode::FulfilledBeforeConditions);
    none(
        &subsidy().fulfilled("c-1", "2026-04-01").findings_at("2026-04-02"),
        FindingCode::FulfilledBeforeConditions,
    );
}

// Findings: commitment_overpaid.

#[test]
fn the_same_subsidy_paid_twice_is_found() {
    let given = subsidy()
        .disbursed("d-1", "2026-03-20", "1000000", "transfer", "c-1")
        .disbursed("d-2", "2026-04-02", "1000000", "transfer", "c-1")
        .fulfilled("c-1", "2026-03-21");
    let f = given.findings_at("2026-04-10");
    let o = one(&f, FindingCode::CommitmentOverpaid);
    assert_eq!(o.date, day("2026-04-02"));
    assert_eq!(o.seqs, vec![0, 1, 2]);
    assert_eq!(o.subjects, vec!["c-1", "d-1", "d-2"]);
    assert!(
        o.message.contains("2000000.00") && o.message.contains("1000000.00 yuan too much"),
        "{}",
        o.message
    );
}

#[test]
fn payments_in_instalments_up_to_the_amount_are_not_found() {
    let given = subsidy()
        .disbursed("d-1", "2026-03-20", "600000", "transfer", "c-1")
        .disbursed("d-2", "2026-04-02", "400000", "expenditure", "c-1")
        .disbursed("d-3", "2026-04-03", "400000", "transfer", "c-1")
        .voided(3, "2026-04-04");
    none(&given.findings_at("2026-04-10"), FindingCode::CommitmentOverpaid);
    assert_eq!(given.row_at("c-1", "2026-04-10").paid.to_string(), "1000000.00");
}

// Findings: missing_evidence.

#[test]
fn a_fulfilment_without_evidence_is_found() {
    let given = subsidy().fulfilled_with("c-1", "2026-04-01", json!({})).fulfilled_with(
        "c-1",
        "2026-04-02",
        json!({"evidence": []}),
    );
    let f = given.findings_at("2026-04-10");
    let m = with_code(&f, FindingCode::MissingEvidence);
    assert_eq!(m.len(), 2, "absent and empty evidence both count");
    assert_eq!(m[0].seqs, vec![0, 1]);
    assert_eq!(m[1].seqs, vec![0, 2]);
}

#[test]
fn a_fulfilment_with_evidence_is_not_found() {
    none(
        &subsidy().fulfilled("c-1", "2026-04-01").findings_at("2026-04-10"),
        FindingCode::MissingEvidence,
    );
    let voided = subsidy()
        .fulfilled_with("c-1", "2026-04-01", json!({}))
        .voided(1, "2026-04-02");
    none(&voided.findings_at("2026-04-10"), FindingCode::MissingEvidence);
}

// Findings: clawback_due.

/// A 1,000,000-yuan subsidy paid up front against the enterprise's promise
/// of 100 (million yuan) tax in 2026 (target t-tax).
fn clawback_case(delivered: &str) -> Given {
    Given::new()
        .target("t-tax", "2026-01-01", ">=", "100", ("2026-01-01", "2026-12-31"))
        .commitment(
            "c-8",
            "2026-01-01",
            json!("2026-02-01"),
            json!({"amount": "1000000", "clawback_targets": ["t-tax"]}),
        )
        .disbursed("d-1", "2026-01-15", "1000000", "transfer", "c-8")
        .fulfilled("c-8", "2026-01-15")
        .verified("t-tax", "2027-01-20", delivered, "2026-12-31")
}

#[test]
fn a_missed_clawback_target_claws_back_pro_rata() {
    let f = clawback_case("60").findings_at("2027-02-01");
    let c = one(&f, FindingCode::ClawbackDue);
    assert!(
        c.message.contains("400000.00 yuan is due back from ent-a"),
        "{}",
        c.message
    );
    assert!(c.message.contains("40%"), "{}", c.message);
    assert_eq!(c.subjects, vec!["c-8", "t-tax"]);
    assert_eq!(c.seqs, vec![1, 3, 4], "commitment, fulfilment, deciding verification");
    assert_eq!(c.date, day("2027-01-20"));
}

#[test]
fn a_partial_repayment_reduces_the_clawback() {
    let given = clawback_case("60").disbursed("r-1", "2027-02-10", "100000", "repayment", "c-8");
    let f = given.findings_at("2027-03-01");
    let c = one(&f, FindingCode::ClawbackDue);
    assert!(
        c.message.contains("less 100000.00 yuan already repaid"),
        "{}",
        c.message
    );
    assert!(c.message.contains("300000.00 yuan is due back"), "{}", c.message);
    assert!(c.seqs.contains(&5));
}

#[test]
fn a_full_repayment_clears_the_clawback() {
    let given = clawback_case("60").disbursed("r-1", "2027-02-10", "400000", "repayment", "c-8");
    none(&given.findings_at("2027-03-01"), FindingCode::ClawbackDue);
    // As of before the repayment it is still due.
    one(&given.findings_at("2027-02-09"), FindingCode::ClawbackDue);
}

#[test]
fn nothing_delivered_claws_back_everything() {
    let f = clawback_case("0").findings_at("2027-02-01");
    assert!(one(&f, FindingCode::ClawbackDue)
        .message
        .contains("1000000.00 yuan is due back"));
}

#[test]
fn a_met_or_undecided_clawback_target_claws_back_nothing() {
    none(
        &clawback_case("100").findings_at("2027-02-01"),
        FindingCode::ClawbackDue,
    );
    none(&clawback_case("60").findings_at("2026-12-31"), FindingCode::ClawbackDue);
}

#[test]
fn an_unfulfilled_commitment_has_nothing_to_claw_back() {
    let mut given = clawback_case("0");
    given = given.voided(3, "2027-01-25");
    none(&given.findings_at("2027-02-01"), FindingCode::ClawbackDue);
}

#[test]
fn the_fulfilled_amount_governs_and_is_rounded_to_the_fen() {
    // Given 100.01 yuan fulfilled against a 3-unit target of which 2 were
    // delivered, a third is due back: 33.3366… → 33.34 yuan.
    let given = Given::new()
        .target("t-jobs", "2026-01-01", ">=", "3", ("2026-01-01", "2026-12-31"))
        .commitment(
            "c-9",
            "2026-01-01",
            json!("2026-02-01"),
            json!({"amount": "500", "clawback_targets": ["t-jobs"]}),
        )
        .fulfilled_with(
            "c-9",
            "2026-01-10",
            json!({"amount": "100.01", "evidence": [{"ref": "v-1"}]}),
        )
        .verified("t-jobs", "2027-01-20", "2", "2026-12-31");
    let f = given.findings_at("2027-02-01");
    let c = one(&f, FindingCode::ClawbackDue);
    assert!(c.message.contains("fulfilled for 100.01 yuan"), "{}", c.message);
    assert!(c.message.contains("33.34 yuan is due back"), "{}", c.message);
}

#[test]
fn the_largest_shortfall_of_several_missed_targets_governs() {
    let given = Given::new()
        .target("t-tax", "2026-01-01", ">=", "100", ("2026-01-01", "2026-12-31"))
        .target("t-jobs", "2026-01-01", ">=", "200", ("2026-01-01", "2026-12-31"))
        .commitment(
            "c-8",
            "2026-01-01",
            json!("2026-02-01"),
            json!({"amount": "1000", "clawback_targets": ["t-tax", "t-jobs"]}),
        )
        .disbursed("d-1", "2026-01-15", "1000", "transfer", "c-8")
        .fulfilled("c-8", "2026-01-15")
        .verified("t-tax", "2027-01-20", "90", "2026-12-31")
        .verified("t-jobs", "2027-01-20", "50", "2026-12-31");
    let f = given.findings_at("2027-02-01");
    let c = one(&f, FindingCode::ClawbackDue);
    assert!(c.message.contains("750.00 yuan is due back"), "{}", c.message);
    assert_eq!(c.subjects, vec!["c-8", "t-tax", "t-jobs"]);
}

// ---------------------------------------------------------------------------
// A kept commitment, paid once, with evidence, raises nothing.

#[test]
fn a_clean_commitment_raises_no_finding() {
    let given = service_promise()
        .condition_met("c-2", "land", "2026-03-06")
        .fulfilled("c-2", "2026-03-10")
        .commitment("c-1", "2026-03-01", json!("2026-04-30"), json!({"amount": "1000000"}))
        .disbursed("d-1", "2026-04-20", "1000000", "transfer", "c-1")
        .fulfilled("c-1", "2026-04-20");
    assert_eq!(given.next_seq(), 6);
    assert!(
        given.findings_at("2026-12-31").is_empty(),
        "{:#?}",
        given.findings_at("2026-12-31")
    );
}

#[test]
fn without_any_amount_what_was_paid_is_clawed_back() {
    // Given a commitment with no amount, paid 5,000 yuan, against a target half delivered,
    let given = Given::new()
        .target("t-tax", "2026-01-01", ">=", "100", ("2026-01-01", "2026-12-31"))
        .commitment(
            "c-8",
            "2026-01-01",
            json!("2026-02-01"),
            json!({"clawback_targets": ["t-tax"]}),
        )
        .disbursed("d-1", "2026-01-15", "5000", "transfer", "c-8")
        .fulfilled("c-8", "2026-01-15")
        .verified("t-tax", "2027-01-20", "50", "2026-12-31");
    let f = given.findings_at("2027-02-01");
    let c = one(&f, FindingCode::ClawbackDue);
    // then half of what was paid is due back, and the payment is among the records.
    assert!(c.message.contains("2500.00 yuan is due back"), "{}", c.message);
    assert_eq!(c.seqs, vec![1, 2, 3, 4]);
}
