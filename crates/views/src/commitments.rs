//! Contract 3.3: commitments — each one's status and computed due date —
//! and the commitment findings of contract 3.5.
//!
//! Everything is judged at `now` (the as-of date, else today) from live
//! facts dated on or before it: a voided step stops counting, a step dated
//! after `now` has not happened yet.
//!
//! # Conditions
//!
//! A condition that names a `target_id` is met when that target's status
//! ([`crate::targets::standing`]) is `met`; `met_on` is then the business
//! date (`occurred_at`) of the record that first made it `met` — normally
//! the deciding `target.verified` — not the verification's `as_of`. The
//! verification's `as_of` is the period the value measures; the promisor
//! could only know the condition was met once the verification was made,
//! and a view as of an earlier date does not see it, so a deadline never
//! starts running before the record that starts it. As the contract says,
//! a `commitment.condition_met` for a target condition does not count.
//!
//! Any other condition is met by its earliest live
//! `commitment.condition_met`; `met_on` is that event's business date.
//!
//! # Due dates
//!
//! - an absolute date or date-time: its calendar day (a date-time on the
//!   date of its own offset);
//! - `{within_days: n, after}`: the day `after` was met plus `n` days;
//! - `{within_working_days: n, after}`: the `n`-th working day after the
//!   day `after` was met ([`Calendar::add_working_days`]; the day of
//!   meeting does not count; Monday–Friday plus the holiday calendar).
//!
//! A relative due date is `null` while its condition is unmet. A
//! commitment is due at the end of its due day: fulfilled on the due day is
//! `kept`, and it is `overdue` only from the next day.
//!
//! # Status, first match wins
//!
//! 1. `waived` — a live `commitment.waived`;
//! 2. `breached` — a live `commitment.breached` (an auditor's ruling stands
//!    over a later fulfilment; a waiver can still lift it);
//! 3. `disputed` — a live `commitment.disputed` not followed (by business
//!    date, then seq) by a live fulfilment or waiver;
//! 4. `kept` / `kept_late` — fulfilled on or before / after the due date
//!    (`kept` when the due date cannot be computed: it was not late);
//! 5. `conditional` — a condition is not yet met;
//! 6. `overdue` — `now` is after the due date;
//! 7. `open`.
//!
//! The fulfilment that counts (`fulfilled_on`) is the first live
//! `commitment.fulfilled` after the latest live dispute, or, when none
//! follows it, the first live one: a dispute says the earlier delivery was
//! not the real one, and the delivery that answered it is.
//!
//! # Payments
//!
//! `paid` sums the live disbursements dated on or before `now` that carry
//! the commitment's id and are not `repayment`s (transfers, expenditures,
//! interest); `repaid` sums the `repayment`s carrying it.
//!
//! # Findings
//!
//! - `commitment_overdue`: status `overdue`; dated the first day overdue.
//! - `commitment_disputed`: a live dispute not followed by a live
//!   fulfilment or waiver, whatever the status (a breach does not resolve
//!   it: the beneficiary still lacks what was promised; a dispute recorded
//!   after a waiver contests the waiver). Dated the first open dispute.
//! - `fulfilled_without_payment`: the commitment has a non-zero `amount`, a
//!   live fulfilment, and no live non-repayment disbursement carrying its id.
//! - `fulfilled_before_conditions`: on the date of the first live
//!   fulfilment, a condition was not met (judged as of that date, so a
//!   condition met the same day counts as met).
//! - `commitment_overpaid`: `paid` exceeds the commitment's `amount`
//!   (gross: a later repayment is named in the message but does not clear
//!   the finding — the double payment happened). Dated the disbursement
//!   that crossed the amount.
//! - `missing_evidence`: a live fulfilment with no evidence (absent or an
//!   empty list); one finding per fulfilment.
//! - `clawback_due`: the commitment was fulfilled and one of its
//!   `clawback_targets` is `missed` (in either order: money paid against a
//!   promise that failed is due back whichever came first). The amount due
//!   back = the fulfilled amount × the shortfall ratio, less `repaid`;
//!   raised only when positive. The fulfilled amount is the `amount` of the
//!   first live fulfilment that carries one, else the commitment's
//!   `amount`, else `paid`. The shortfall ratio for a `>=` target is
//!   `(threshold − delivered) / threshold`, for a `<=` target
//!   `(delivered − threshold) / threshold`, capped to [0, 1]; it is 1 (all
//!   of it) when nothing was delivered (`delivered ≤ 0` for `>=`), when the
//!   threshold is not positive, or when no verified value exists.
//!   `delivered` is the deciding verification's value. With several missed
//!   targets the largest shortfall governs (they are not added: the same
//!   money cannot be returned twice). The result is rounded to the fen,
//!   half away from zero. A waiver does not cancel a clawback.

use crate::calendar::{add_days, Calendar};
use crate::facts::{CommitmentFact, CommitmentStep, CommitmentStepKind, DisbursementFact, Facts};
use crate::messages::{facts, Fact, FactSet, RefKind, Vocab};
use crate::targets::{self, TargetStatus};
use crate::{no_evidence, Finding, FindingCode, TableRow};
use pledger_core::event::{Comparator, Condition, DisbursementKind, Due};
use pledger_core::money::{Amount, Quantity};
use pledger_core::when::Day;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashMap;

/// `status` of contract 3.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentStatus {
    Conditional,
    Open,
    Kept,
    KeptLate,
    Overdue,
    Disputed,
    Breached,
    Waived,
}

impl CommitmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentStatus::Conditional => "conditional",
            CommitmentStatus::Open => "open",
            CommitmentStatus::Kept => "kept",
            CommitmentStatus::KeptLate => "kept_late",
            CommitmentStatus::Overdue => "overdue",
            CommitmentStatus::Disputed => "disputed",
            CommitmentStatus::Breached => "breached",
            CommitmentStatus::Waived => "waived",
        }
    }

    /// How soon a reader should look at it: 0 first (overdue, breached,
    /// disputed, open, conditional, kept late, kept, waived).
    pub fn severity(self) -> u8 {
        match self {
            CommitmentStatus::Overdue => 0,
            CommitmentStatus::Breached => 1,
            CommitmentStatus::Disputed => 2,
            CommitmentStatus::Open => 3,
            CommitmentStatus::Conditional => 4,
            CommitmentStatus::KeptLate => 5,
            CommitmentStatus::Kept => 6,
            CommitmentStatus::Waived => 7,
        }
    }
}

/// One condition of a commitment and whether it is met at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionRow {
    pub condition_id: String,
    pub text: String,
    pub target_id: Option<String>,
    pub met: bool,
    pub met_on: Option<Day>,
}

/// One commitment as the report shows it (JSON field names are the
/// contract's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitmentRow {
    pub commitment_id: String,
    pub promisor: String,
    pub beneficiary: String,
    pub kind: &'static str,
    pub terms: String,
    pub amount: Option<Amount>,
    /// The computed due date; `None` while its condition is unmet.
    pub due: Option<Day>,
    pub status: CommitmentStatus,
    pub conditions: Vec<ConditionRow>,
    pub fulfilled_on: Option<Day>,
    pub paid: Amount,
    pub repaid: Amount,
}

/// `pledger report commitments`: every live commitment, by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitmentsReport {
    pub commitments: Vec<CommitmentRow>,
}

impl TableRow for CommitmentRow {
    fn header() -> &'static [&'static str] {
        &[
            "commitment",
            "promisor",
            "beneficiary",
            "kind",
            "amount",
            "due",
            "status",
            "conditions met",
            "fulfilled",
            "paid",
            "repaid",
        ]
    }

    fn cells(&self) -> Vec<String> {
        let opt = |d: Option<Day>| d.map_or_else(|| "-".to_owned(), |d| d.to_string());
        let conditions = if self.conditions.is_empty() {
            "-".to_owned()
        } else {
            format!(
                "{}/{}",
                self.conditions.iter().filter(|c| c.met).count(),
                self.conditions.len()
            )
        };
        vec![
            self.commitment_id.clone(),
            self.promisor.clone(),
            self.beneficiary.clone(),
            self.kind.to_owned(),
            self.amount.map_or_else(|| "-".to_owned(), |a| a.to_string()),
            opt(self.due),
            self.status.as_str().to_owned(),
            conditions,
            opt(self.fulfilled_on),
            self.paid.to_string(),
            self.repaid.to_string(),
        ]
    }
}

/// Orders rows for reading: most urgent status first, then earliest due
/// (unknown due last), then id. Sorting is the caller's choice.
pub fn severity_order(a: &CommitmentRow, b: &CommitmentRow) -> Ordering {
    a.status
        .severity()
        .cmp(&b.status.severity())
        .then_with(|| match (a.due, b.due) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.commitment_id.cmp(&b.commitment_id))
}

/// The commitments report judged at `now`, working days per `calendar`.
pub fn report(facts: &Facts, now: Day, calendar: &Calendar) -> CommitmentsReport {
    let pay = payments(facts, now);
    let commitments = in_scope(facts, now)
        .map(|c| row(&judge(facts, c, now, calendar), pay.get(c.data.commitment_id.as_str())))
        .collect();
    CommitmentsReport { commitments }
}

/// One commitment judged at `now`, or `None` when it does not exist then.
pub fn commitment(facts: &Facts, commitment_id: &str, now: Day, calendar: &Calendar) -> Option<CommitmentRow> {
    let c = facts.commitments.get(commitment_id)?;
    if !facts.live(c.at.seq) || c.at.day > now {
        return None;
    }
    let pay = payments(facts, now);
    Some(row(&judge(facts, c, now, calendar), pay.get(commitment_id)))
}

/// The commitment findings at `now`, counting working days Monday–Friday
/// with no holidays (the aggregator has no calendar to pass).
pub fn findings(facts: &Facts, now: Day, out: &mut Vec<Finding>) {
    findings_with(facts, now, &Calendar::weekdays(), out)
}

/// The commitment findings at `now` with a holiday calendar.
pub fn findings_with(facts: &Facts, now: Day, calendar: &Calendar, out: &mut Vec<Finding>) {
    let pay = payments(facts, now);
    let none = Payments::default();
    for c in in_scope(facts, now) {
        let j = judge(facts, c, now, calendar);
        let p = pay.get(c.data.commitment_id.as_str()).unwrap_or(&none);
        overdue(facts, &j, now, out);
        disputed(facts, &j, out);
        without_payment(facts, &j, p, out);
        before_conditions(facts, &j, out);
        overpaid(facts, &j, p, out);
        missing_evidence(facts, &j, out);
        clawback(facts, &j, p, now, out);
    }
}

// ---------------------------------------------------------------------------
// Judging one commitment.

fn in_scope(facts: &Facts, now: Day) -> impl Iterator<Item = &CommitmentFact> {
    facts
        .commitments
        .values()
        .filter(move |c| facts.live(c.at.seq) && c.at.day <= now)
}

/// Live disbursements carrying a commitment's id, dated on or before now.
#[derive(Default)]
struct Payments<'a> {
    /// Non-repayments (transfer, expenditure, interest), in seq order.
    paying: Vec<&'a DisbursementFact>,
    repayments: Vec<&'a DisbursementFact>,
}

impl Payments<'_> {
    fn paid(&self) -> Amount {
        self.paying.iter().map(|d| d.data.amount).sum()
    }

    fn repaid(&self) -> Amount {
        self.repayments.iter().map(|d| d.data.amount).sum()
    }
}

fn payments(facts: &Facts, now: Day) -> HashMap<&str, Payments<'_>> {
    let mut map: HashMap<&str, Payments<'_>> = HashMap::new();
    for d in facts.live_disbursements().filter(|d| d.at.day <= now) {
        let Some(id) = &d.data.commitment_id else { continue };
        let entry = map.entry(id.as_str()).or_default();
        if d.data.kind == Some(DisbursementKind::Repayment) {
            entry.repayments.push(d);
        } else {
            entry.paying.push(d);
        }
    }
    map
}

/// When and by which records a condition was met.
#[derive(Clone, Debug)]
struct Met {
    day: Day,
    seqs: Vec<u64>,
}

struct Judged<'a> {
    fact: &'a CommitmentFact,
    /// Live steps dated on or before now, by (business date, seq).
    steps: Vec<&'a CommitmentStep>,
    conditions: Vec<(&'a Condition, Option<Met>)>,
    due: Option<Day>,
    /// The records the due date was computed from.
    due_seqs: Vec<u64>,
    /// The fulfilment that counts (see the module documentation).
    fulfilment: Option<&'a CommitmentStep>,
    unresolved_disputes: Vec<&'a CommitmentStep>,
    status: CommitmentStatus,
}

impl Judged<'_> {
    fn id(&self) -> &str {
        self.fact.data.commitment_id.as_str()
    }

    /// The facts naming it in a finding: the commitment, its promisor and
    /// its beneficiary, then `more`.
    fn facts(&self, facts: &Facts, more: FactSet) -> FactSet {
        let mut set = facts! {
            commitment: Fact::id(RefKind::Commitment, self.id()),
            promisor: Fact::entity(facts, self.fact.data.promisor.as_str()),
            beneficiary: Fact::entity(facts, self.fact.data.beneficiary.as_str()),
        };
        set.0.extend(more.0);
        set
    }

    fn fulfilments(&self) -> impl Iterator<Item = (&CommitmentStep, Option<Amount>, bool)> {
        self.steps.iter().filter_map(|s| match &s.kind {
            CommitmentStepKind::Fulfilled { amount, evidence } => Some((*s, *amount, !no_evidence(evidence.as_ref()))),
            _ => None,
        })
    }

    fn first_fulfilment(&self) -> Option<&CommitmentStep> {
        self.fulfilments().next().map(|(s, _, _)| s)
    }
}

fn is_fulfilment(s: &CommitmentStep) -> bool {
    matches!(s.kind, CommitmentStepKind::Fulfilled { .. })
}

/// Is `cond` of `c` met as of `now`, and since when?
fn condition_met(facts: &Facts, c: &CommitmentFact, cond: &Condition, now: Day) -> Option<Met> {
    if let Some(target) = &cond.target_id {
        let target = target.as_str();
        if targets::status_at(facts, target, now) != Some(TargetStatus::Met) {
            return None;
        }
        let fact = facts.targets.get(target)?;
        // The first date on which the target stood `met`: a verification
        // or a revision can make it so.
        let mut days: Vec<Day> = fact
            .verifications
            .iter()
            .map(|v| v.at)
            .chain(fact.revisions.iter().map(|r| r.at))
            .filter(|at| facts.live(at.seq) && at.day <= now)
            .map(|at| at.day)
            .collect();
        days.sort_unstable();
        days.dedup();
        let day = days
            .into_iter()
            .find(|&d| targets::status_at(facts, target, d) == Some(TargetStatus::Met))
            .unwrap_or(now);
        let seqs = targets::standing(facts, target, day)
            .and_then(|s| s.deciding.map(|v| v.at.seq))
            .into_iter()
            .collect();
        return Some(Met { day, seqs });
    }
    c.steps
        .iter()
        .filter(|s| facts.live(s.at.seq) && s.at.day <= now)
        .filter(|s| matches!(&s.kind, CommitmentStepKind::ConditionMet { condition_id, .. } if condition_id.as_str() == cond.condition_id.as_str()))
        .min_by_key(|s| (s.at.day, s.at.seq))
        .map(|s| Met { day: s.at.day, seqs: vec![s.at.seq] })
}

fn judge<'a>(facts: &'a Facts, c: &'a CommitmentFact, now: Day, calendar: &Calendar) -> Judged<'a> {
    let mut steps: Vec<&CommitmentStep> = c
        .steps
        .iter()
        .filter(|s| facts.live(s.at.seq) && s.at.day <= now)
        .collect();
    steps.sort_by_key(|s| (s.at.day, s.at.seq));

    let conditions: Vec<(&Condition, Option<Met>)> = c
        .data
        .conditions
        .iter()
        .flatten()
        .map(|cond| (cond, condition_met(facts, c, cond, now)))
        .collect();

    let met_of = |after: &str| {
        conditions
            .iter()
            .find(|(cond, _)| cond.condition_id.as_str() == after)
            .and_then(|(_, m)| m.as_ref())
    };
    let (due, due_seqs) = match &c.data.due {
        Due::At(t) => (Some(t.day()), Vec::new()),
        Due::WithinDays { days, after } => match met_of(after.as_str()) {
            Some(m) => (Some(add_days(m.day, *days)), m.seqs.clone()),
            None => (None, Vec::new()),
        },
        Due::WithinWorkingDays { days, after } => match met_of(after.as_str()) {
            Some(m) => (Some(calendar.add_working_days(m.day, *days)), m.seqs.clone()),
            None => (None, Vec::new()),
        },
    };

    let last_resolution = steps.iter().rposition(|s| {
        matches!(
            s.kind,
            CommitmentStepKind::Fulfilled { .. } | CommitmentStepKind::Waived { .. }
        )
    });
    let unresolved_disputes: Vec<&CommitmentStep> = steps
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            matches!(s.kind, CommitmentStepKind::Disputed { .. }) && !matches!(last_resolution, Some(r) if *i <= r)
        })
        .map(|(_, s)| *s)
        .collect();
    let last_dispute = steps
        .iter()
        .rposition(|s| matches!(s.kind, CommitmentStepKind::Disputed { .. }));
    let fulfilment = last_dispute
        .and_then(|d| steps[d..].iter().find(|s| is_fulfilment(s)))
        .or_else(|| steps.iter().find(|s| is_fulfilment(s)))
        .copied();

    let has = |pred: fn(&CommitmentStepKind) -> bool| steps.iter().any(|s| pred(&s.kind));
    let status = if has(|k| matches!(k, CommitmentStepKind::Waived { .. })) {
        CommitmentStatus::Waived
    } else if has(|k| matches!(k, CommitmentStepKind::Breached { .. })) {
        CommitmentStatus::Breached
    } else if !unresolved_disputes.is_empty() {
        CommitmentStatus::Disputed
    } else if let Some(f) = fulfilment {
        match due {
            Some(d) if f.at.day > d => CommitmentStatus::KeptLate,
            _ => CommitmentStatus::Kept,
        }
    } else if conditions.iter().any(|(_, m)| m.is_none()) {
        CommitmentStatus::Conditional
    } else if due.is_some_and(|d| now > d) {
        CommitmentStatus::Overdue
    } else {
        CommitmentStatus::Open
    };

    Judged {
        fact: c,
        steps,
        conditions,
        due,
        due_seqs,
        fulfilment,
        unresolved_disputes,
        status,
    }
}

fn row(j: &Judged<'_>, pay: Option<&Payments<'_>>) -> CommitmentRow {
    let d = &j.fact.data;
    CommitmentRow {
        commitment_id: d.commitment_id.to_string(),
        promisor: d.promisor.to_string(),
        beneficiary: d.beneficiary.to_string(),
        kind: d.kind.as_str(),
        terms: d.terms.0.clone(),
        amount: d.amount,
        due: j.due,
        status: j.status,
        conditions: j
            .conditions
            .iter()
            .map(|(c, m)| ConditionRow {
                condition_id: c.condition_id.to_string(),
                text: c.text.0.clone(),
                target_id: c.target_id.as_ref().map(|t| t.to_string()),
                met: m.is_some(),
                met_on: m.as_ref().map(|m| m.day),
            })
            .collect(),
        fulfilled_on: j.fulfilment.map(|f| f.at.day),
        paid: pay.map_or(Amount::ZERO, Payments::paid),
        repaid: pay.map_or(Amount::ZERO, Payments::repaid),
    }
}

// ---------------------------------------------------------------------------
// Findings.

fn seqs(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v.dedup();
    v
}

fn overdue(facts: &Facts, j: &Judged<'_>, now: Day, out: &mut Vec<Finding>) {
    let (CommitmentStatus::Overdue, Some(due)) = (j.status, j.due) else {
        return;
    };
    let late = (now.0 - due.0).whole_days();
    let mut s = vec![j.fact.at.seq];
    s.extend(&j.due_seqs);
    out.push(Finding::new(
        FindingCode::CommitmentOverdue,
        j.facts(
            facts,
            facts! {
                kind: Fact::word(Vocab::CommitmentKind, j.fact.data.kind.as_str()),
                amount?: j.fact.data.amount,
                due: due,
                judged_on: now,
                days_overdue: late.unsigned_abs(),
            },
        ),
        vec![j.id().to_owned()],
        seqs(s),
        add_days(due, 1),
    ));
}

fn disputed(facts: &Facts, j: &Judged<'_>, out: &mut Vec<Finding>) {
    let (Some(first), Some(last)) = (j.unresolved_disputes.first(), j.unresolved_disputes.last()) else {
        return;
    };
    let reason = match &last.kind {
        CommitmentStepKind::Disputed { reason } => reason.as_str(),
        _ => "",
    };
    let mut s = vec![j.fact.at.seq];
    s.extend(j.unresolved_disputes.iter().map(|d| d.at.seq));
    out.push(Finding::new(
        FindingCode::CommitmentDisputed,
        j.facts(
            facts,
            facts! {
                disputed_by: Fact::entity(facts, &last.actor),
                since: first.at.day,
                open_disputes: j.unresolved_disputes.len(),
                reason: Fact::text(reason),
            },
        ),
        vec![j.id().to_owned()],
        seqs(s),
        first.at.day,
    ));
}

fn without_payment(facts: &Facts, j: &Judged<'_>, p: &Payments<'_>, out: &mut Vec<Finding>) {
    let Some(amount) = j.fact.data.amount.filter(|a| !a.is_zero()) else {
        return;
    };
    let Some(f) = j.first_fulfilment() else { return };
    if !p.paying.is_empty() {
        return;
    }
    out.push(Finding::new(
        FindingCode::FulfilledWithoutPayment,
        j.facts(
            facts,
            facts! {
                amount: amount,
                fulfilled_on: f.at.day,
            },
        ),
        vec![j.id().to_owned()],
        seqs(vec![j.fact.at.seq, f.at.seq]),
        f.at.day,
    ));
}

fn before_conditions(facts: &Facts, j: &Judged<'_>, out: &mut Vec<Finding>) {
    let Some(f) = j.first_fulfilment() else { return };
    let unmet: Vec<&Condition> = j
        .conditions
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| condition_met(facts, j.fact, c, f.at.day).is_none())
        .collect();
    if unmet.is_empty() {
        return;
    }
    let list: Vec<Fact> = unmet
        .iter()
        .map(|c| {
            Fact::Group(match &c.target_id {
                Some(t) => facts! {
                    condition: Fact::id(RefKind::Condition, c.condition_id.as_str()),
                    target: Fact::id(RefKind::Target, t.as_str()),
                },
                None => facts! {
                    condition: Fact::id(RefKind::Condition, c.condition_id.as_str()),
                    text: Fact::text(c.text.0.as_str()),
                },
            })
        })
        .collect();
    let mut subjects = vec![j.id().to_owned()];
    subjects.extend(unmet.iter().filter_map(|c| c.target_id.as_ref().map(|t| t.to_string())));
    out.push(Finding::new(
        FindingCode::FulfilledBeforeConditions,
        j.facts(
            facts,
            facts! {
                fulfilled_on: f.at.day,
                unmet: list,
            },
        ),
        subjects,
        seqs(vec![j.fact.at.seq, f.at.seq]),
        f.at.day,
    ));
}

fn overpaid(facts: &Facts, j: &Judged<'_>, p: &Payments<'_>, out: &mut Vec<Finding>) {
    let Some(amount) = j.fact.data.amount else { return };
    let paid = p.paid();
    if paid <= amount {
        return;
    }
    let mut ordered = p.paying.clone();
    ordered.sort_by_key(|d| (d.at.day, d.at.seq));
    let mut running = Amount::ZERO;
    let mut date = j.fact.at.day;
    for d in &ordered {
        running += d.data.amount;
        if running > amount {
            date = d.at.day;
            break;
        }
    }
    let repaid = p.repaid();
    let ids: Vec<Fact> = ordered
        .iter()
        .map(|d| Fact::id(RefKind::Disbursement, d.data.disbursement_id.as_str()))
        .collect();
    let mut subjects = vec![j.id().to_owned()];
    subjects.extend(ordered.iter().map(|d| d.data.disbursement_id.to_string()));
    let mut s = vec![j.fact.at.seq];
    s.extend(ordered.iter().map(|d| d.at.seq));
    out.push(Finding::new(
        FindingCode::CommitmentOverpaid,
        j.facts(
            facts,
            facts! {
                amount: amount,
                disbursements: ids,
                paid: paid,
                over: paid - amount,
                repaid?: (!repaid.is_zero()).then_some(repaid),
            },
        ),
        subjects,
        seqs(s),
        date,
    ));
}

fn missing_evidence(facts: &Facts, j: &Judged<'_>, out: &mut Vec<Finding>) {
    for (f, _, has_evidence) in j.fulfilments() {
        if has_evidence {
            continue;
        }
        out.push(Finding::new(
            FindingCode::MissingEvidence,
            j.facts(
                facts,
                facts! {
                    record: Fact::word(Vocab::Record, "fulfilment"),
                    recorded_by: Fact::entity(facts, &f.actor),
                    date: f.at.day,
                    seq: f.at.seq,
                },
            ),
            vec![j.id().to_owned()],
            seqs(vec![j.fact.at.seq, f.at.seq]),
            f.at.day,
        ));
    }
}

/// A missed clawback target and the share of the money due back.
struct Shortfall {
    target_id: String,
    ratio: Decimal,
    comparator: Comparator,
    threshold: Quantity,
    unit: String,
    /// The value verified, if any was.
    verified: Option<Quantity>,
    seq: Option<u64>,
    day: Day,
}

fn shortfall(facts: &Facts, target_id: &str, now: Day) -> Option<Shortfall> {
    let st = targets::standing(facts, target_id, now)?;
    if st.status != TargetStatus::Missed {
        return None;
    }
    let obs = st.deciding.or(st.last_verification);
    let threshold = st.threshold.0;
    let ratio = match obs {
        None => Decimal::ONE,
        Some(o) => {
            let delivered = o.value.0;
            let raw = match st.comparator {
                Comparator::AtLeast if delivered <= Decimal::ZERO => None,
                Comparator::AtLeast => threshold.checked_sub(delivered),
                Comparator::AtMost => delivered.checked_sub(threshold),
            };
            match raw {
                Some(gap) if threshold > Decimal::ZERO => gap
                    .checked_div(threshold)
                    .unwrap_or(Decimal::ONE)
                    .clamp(Decimal::ZERO, Decimal::ONE),
                _ => Decimal::ONE,
            }
        }
    };
    Some(Shortfall {
        target_id: target_id.to_owned(),
        ratio,
        comparator: st.comparator,
        threshold: st.threshold,
        unit: st.unit().to_owned(),
        verified: obs.map(|o| o.value),
        seq: obs.map(|o| o.at.seq),
        day: obs.map_or(st.period.to, |o| o.at.day),
    })
}

/// `base × ratio` to the fen, half away from zero.
fn pro_rata(base: Amount, ratio: Decimal) -> Amount {
    if ratio >= Decimal::ONE {
        return base;
    }
    let Ok(fen) = Decimal::try_from_i128_with_scale(base.fen(), 0) else {
        return base;
    };
    fen.checked_mul(ratio)
        .map(|v| v.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
        .and_then(|v| v.to_i128())
        .map_or(base, Amount::from_fen)
}

fn clawback(facts: &Facts, j: &Judged<'_>, p: &Payments<'_>, now: Day, out: &mut Vec<Finding>) {
    let Some(first) = j.first_fulfilment() else { return };
    let missed: Vec<Shortfall> = j
        .fact
        .data
        .clawback_targets
        .iter()
        .flatten()
        .filter_map(|t| shortfall(facts, t.as_str(), now))
        .collect();
    // The largest shortfall governs; the first listed wins a tie.
    let Some(worst) = missed.iter().reduce(|a, b| if b.ratio > a.ratio { b } else { a }) else {
        return;
    };
    let with_amount = j.fulfilments().find(|(_, a, _)| a.is_some());
    let (base, base_is, fulfilled_on) = match (with_amount, j.fact.data.amount) {
        (Some((f, Some(a), _)), _) => (a, "fulfilled_amount", f.at.day),
        (_, Some(a)) => (a, "commitment_amount", first.at.day),
        _ => (p.paid(), "paid", first.at.day),
    };
    let base_is_paid = with_amount.is_none() && j.fact.data.amount.is_none();
    let gross = pro_rata(base, worst.ratio);
    let repaid = p.repaid();
    if gross <= repaid {
        return;
    }
    let due_back = gross - repaid;
    let percent = (worst.ratio * Decimal::ONE_HUNDRED).round_dp(2);
    let mut subjects = vec![j.id().to_owned()];
    subjects.extend(missed.iter().map(|m| m.target_id.clone()));
    let mut s = vec![j.fact.at.seq, first.at.seq];
    if let Some((f, _, _)) = with_amount {
        s.push(f.at.seq);
    }
    s.extend(missed.iter().filter_map(|m| m.seq));
    if base_is_paid {
        s.extend(p.paying.iter().map(|d| d.at.seq));
    }
    s.extend(p.repayments.iter().map(|d| d.at.seq));
    out.push(Finding::new(
        FindingCode::ClawbackDue,
        j.facts(
            facts,
            facts! {
                base_is: Fact::word(Vocab::ClawbackBase, base_is),
                base: base,
                fulfilled_on: fulfilled_on,
                missed_target: Fact::id(RefKind::Target, worst.target_id.as_str()),
                comparator: Fact::word(Vocab::Comparator, worst.comparator.as_str()),
                threshold: worst.threshold,
                unit: Fact::word(Vocab::Unit, worst.unit.as_str()),
                verified?: worst.verified,
                missed_targets: missed.len(),
                shortfall_percent: percent,
                pro_rata: gross,
                repaid?: (!repaid.is_zero()).then_some(repaid),
                due_back: due_back,
            },
        ),
        subjects,
        seqs(s),
        worst.day.max(first.at.day),
    ));
}
