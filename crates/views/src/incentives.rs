//! Contract 3.4: incentives — paid per role against its share, and per
//! payout whether the target was `met` when it was paid — and their
//! findings (3.5).
//!
//! Judged at `now` like every view: a scheme, payout or clawback counts
//! when it is live and dated on or before `now`. "Paid" is always net of
//! clawbacks.
//!
//! # Rules chosen where the contract is silent
//!
//! - A role's **share** is `total × percent / 100`, rounded to the fen half
//!   away from zero. Roles match by exact text; a role listed twice in a
//!   scheme has the sum of its percents. A role paid but not in the scheme
//!   has share 0 and is listed after the scheme's roles with
//!   `in_scheme: false`.
//! - **Was the target met when paid?** `targets::status_at(target, paid
//!   date)`: only facts dated on or before the payout's date count, so a
//!   verification recorded after the money left does not excuse it.
//! - A scheme on a **yearly task** (format 2.1) is judged by
//!   `assessment::status_at(task, paid date)`: `target_met` then says the
//!   scheme's condition held (the task had `passed`), and a payout while it
//!   had not is `reward_for_failed_task` rather than
//!   `paid_without_met_target`.
//! - Over-payment findings are **dated** when the running net total (payouts
//!   add, clawbacks subtract, in business order) last crossed the limit.

use crate::assessment::{self, TaskStatus};
use crate::facts::{At, Facts, PayoutFact, SchemeFact};
use crate::messages::{facts, Fact, FactSet, RefKind, Vocab};
use crate::targets::{self, TargetStatus};
use crate::{decimal_text, no_evidence, Finding, FindingCode, TableRow};
use pledger_core::money::Amount;
use pledger_core::when::Day;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::BTreeMap;

/// One role of a scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleRow {
    pub role: String,
    /// Decimal string, e.g. `"40"`.
    pub percent: String,
    /// `total × percent / 100`, yuan with 2 decimals.
    pub share: Amount,
    /// Net of clawbacks.
    pub paid: Amount,
    /// False for a role that was paid but is not in the scheme (share 0).
    pub in_scheme: bool,
}

/// One row of the schemes table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemeRow {
    pub scheme_id: String,
    /// The target it rewards (null for a scheme on a task).
    pub target_id: Option<String>,
    /// The yearly task it rewards (null for a scheme on a target).
    pub task_id: Option<String>,
    pub total: Amount,
    /// Net of clawbacks, all roles.
    pub paid: Amount,
    /// At `now`; null when the target is not in force (or it is a task's).
    pub target_status: Option<TargetStatus>,
    /// At `now`; null when the task is not in force (or it is a target's).
    pub task_status: Option<TaskStatus>,
    pub roles: Vec<RoleRow>,
}

/// One row of the payouts table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayoutRow {
    pub payout_id: String,
    pub scheme_id: String,
    pub payee: String,
    pub role: String,
    pub amount: Amount,
    /// Sum of live clawbacks dated on or before `now`.
    pub clawed_back: Amount,
    /// The payout's business date.
    pub paid_on: Day,
    /// `status_at` the payout's date; null when the scheme or its target
    /// was not in force then.
    pub target_status_when_paid: Option<TargetStatus>,
    /// For a scheme on a task: the task's status on the payout's date.
    pub task_status_when_paid: Option<TaskStatus>,
    /// The scheme's condition held when paid: its target `met`, or its
    /// task `passed`.
    pub target_met: bool,
}

/// `{"schemes": [...], "payouts": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IncentivesReport {
    pub schemes: Vec<SchemeRow>,
    pub payouts: Vec<PayoutRow>,
}

/// `total × percent / 100`, rounded to the fen half away from zero.
pub fn share_of(total: Amount, percent: Decimal) -> Amount {
    let fen = Decimal::try_from_i128_with_scale(total.fen(), 0)
        .ok()
        .and_then(|t| t.checked_mul(percent))
        .map(|x| x / Decimal::ONE_HUNDRED)
        .map(|x| x.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero));
    // A total beyond Decimal's 96 bits cannot occur for real money; keep
    // the whole total rather than panic.
    Amount::from_fen(fen.and_then(|f| f.to_i128()).unwrap_or(total.fen()))
}

/// A live fact dated on or before `now`?
fn counts(facts: &Facts, at: At, now: Day) -> bool {
    facts.live(at.seq) && at.day <= now
}

fn scheme<'a>(facts: &'a Facts, scheme_id: &str, now: Day) -> Option<&'a SchemeFact> {
    facts.schemes.get(scheme_id).filter(|s| counts(facts, s.at, now))
}

/// Payouts in force at `now`, by payout id.
fn payouts(facts: &Facts, now: Day) -> impl Iterator<Item = &PayoutFact> {
    facts.payouts.values().filter(move |p| counts(facts, p.at, now))
}

fn clawed_back(facts: &Facts, p: &PayoutFact, now: Day) -> Amount {
    p.clawbacks
        .iter()
        .filter(|c| counts(facts, c.at, now))
        .map(|c| c.amount)
        .sum()
}

fn net(facts: &Facts, p: &PayoutFact, now: Day) -> Amount {
    p.data.amount - clawed_back(facts, p, now)
}

/// The scheme's roles in its own order, duplicates merged: (role, percent).
fn scheme_roles(s: &SchemeFact) -> Vec<(String, Decimal)> {
    let mut roles: Vec<(String, Decimal)> = Vec::new();
    for share in &s.data.shares {
        match roles.iter_mut().find(|(r, _)| *r == share.role.0) {
            Some((_, p)) => *p += share.percent.0,
            None => roles.push((share.role.0.clone(), share.percent.0)),
        }
    }
    roles
}

/// The target's status on the payout's date (`None`: the scheme is not in
/// force at `now`, or its target was not in force on the payout's date).
pub fn status_when_paid(facts: &Facts, p: &PayoutFact, now: Day) -> Option<TargetStatus> {
    let s = scheme(facts, p.data.scheme_id.as_str(), now)?;
    targets::status_at(facts, s.data.target_id.as_ref()?.as_str(), p.at.day)
}

/// For a scheme on a task: the task's status on the payout's date (`None`
/// as [`status_when_paid`], or when the scheme rewards a target).
pub fn task_status_when_paid(facts: &Facts, p: &PayoutFact, now: Day) -> Option<TaskStatus> {
    let s = scheme(facts, p.data.scheme_id.as_str(), now)?;
    assessment::status_at(facts, s.data.task_id.as_ref()?.as_str(), p.at.day)
}

/// The id of what a scheme rewards (a target or a task).
fn rewarded_id(s: &SchemeFact) -> &str {
    s.data
        .target_id
        .as_ref()
        .or(s.data.task_id.as_ref())
        .map_or("", |t| t.as_str())
}

/// Does the scheme reward a yearly task? Asked of the scheme as set, live
/// or not, so a payout under a voided task scheme keeps its kind.
fn on_task(facts: &Facts, scheme_id: &str) -> bool {
    facts.schemes.get(scheme_id).is_some_and(|s| s.data.task_id.is_some())
}

/// The incentives report judged at `now`.
pub fn report(facts: &Facts, now: Day) -> IncentivesReport {
    let mut by_scheme: BTreeMap<&str, Vec<&PayoutFact>> = BTreeMap::new();
    for p in payouts(facts, now) {
        by_scheme.entry(p.data.scheme_id.as_str()).or_default().push(p);
    }
    let schemes = facts
        .schemes
        .values()
        .filter(|s| counts(facts, s.at, now))
        .map(|s| {
            let paid_here = by_scheme.get(s.data.scheme_id.as_str()).map_or(&[][..], |v| &v[..]);
            let paid_as = |role: &str| -> Amount {
                paid_here
                    .iter()
                    .filter(|p| p.data.role.0 == role)
                    .map(|p| net(facts, p, now))
                    .sum()
            };
            let mut roles: Vec<RoleRow> = scheme_roles(s)
                .into_iter()
                .map(|(role, percent)| RoleRow {
                    paid: paid_as(&role),
                    share: share_of(s.data.total, percent),
                    percent: decimal_text(percent),
                    role,
                    in_scheme: true,
                })
                .collect();
            let mut extra: Vec<&str> = paid_here
                .iter()
                .map(|p| p.data.role.0.as_str())
                .filter(|r| !roles.iter().any(|x| x.role == *r))
                .collect();
            extra.sort_unstable();
            extra.dedup();
            for role in extra {
                roles.push(RoleRow {
                    role: role.to_string(),
                    percent: "0".to_string(),
                    share: Amount::ZERO,
                    paid: paid_as(role),
                    in_scheme: false,
                });
            }
            SchemeRow {
                scheme_id: s.data.scheme_id.to_string(),
                target_id: s.data.target_id.as_ref().map(|t| t.to_string()),
                task_id: s.data.task_id.as_ref().map(|t| t.to_string()),
                total: s.data.total,
                paid: paid_here.iter().map(|p| net(facts, p, now)).sum(),
                target_status: s
                    .data
                    .target_id
                    .as_ref()
                    .and_then(|t| targets::status_at(facts, t.as_str(), now)),
                task_status: s
                    .data
                    .task_id
                    .as_ref()
                    .and_then(|t| assessment::status_at(facts, t.as_str(), now)),
                roles,
            }
        })
        .collect();
    let payouts = payouts(facts, now)
        .map(|p| {
            let status = status_when_paid(facts, p, now);
            let task_status = task_status_when_paid(facts, p, now);
            PayoutRow {
                payout_id: p.data.payout_id.to_string(),
                scheme_id: p.data.scheme_id.to_string(),
                payee: p.data.payee.to_string(),
                role: p.data.role.0.clone(),
                amount: p.data.amount,
                clawed_back: clawed_back(facts, p, now),
                paid_on: p.at.day,
                target_status_when_paid: status,
                task_status_when_paid: task_status,
                target_met: status == Some(TargetStatus::Met) || task_status == Some(TaskStatus::Passed),
            }
        })
        .collect();
    IncentivesReport { schemes, payouts }
}

impl TableRow for SchemeRow {
    fn header() -> &'static [&'static str] {
        &[
            "scheme",
            "target or task",
            "status",
            "total",
            "paid",
            "roles (paid / share)",
        ]
    }

    fn cells(&self) -> Vec<String> {
        let roles: Vec<String> = self
            .roles
            .iter()
            .map(|r| format!("{} {}%: {} / {}", r.role, r.percent, r.paid, r.share))
            .collect();
        vec![
            self.scheme_id.clone(),
            self.target_id
                .clone()
                .or_else(|| self.task_id.clone())
                .unwrap_or_default(),
            match (self.target_status, self.task_status) {
                (Some(s), _) => s.as_str(),
                (None, Some(s)) => s.as_str(),
                (None, None) => "-",
            }
            .to_string(),
            self.total.to_string(),
            self.paid.to_string(),
            roles.join("; "),
        ]
    }
}

impl TableRow for PayoutRow {
    fn header() -> &'static [&'static str] {
        &[
            "payout",
            "scheme",
            "payee",
            "role",
            "amount",
            "clawed back",
            "paid on",
            "target/task when paid",
            "met/passed",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.payout_id.clone(),
            self.scheme_id.clone(),
            self.payee.clone(),
            self.role.clone(),
            self.amount.to_string(),
            self.clawed_back.to_string(),
            self.paid_on.to_string(),
            match (self.target_status_when_paid, self.task_status_when_paid) {
                (Some(s), _) => s.as_str(),
                (None, Some(s)) => s.as_str(),
                (None, None) => "-",
            }
            .to_string(),
            if self.target_met { "yes" } else { "no" }.to_string(),
        ]
    }
}

/// Movements of money under a scheme (payouts +, clawbacks −) in business
/// order, then seq: (day, seq, signed fen).
fn movements(facts: &Facts, payouts: &[&PayoutFact], now: Day) -> Vec<(Day, u64, i128)> {
    let mut m: Vec<(Day, u64, i128)> = Vec::new();
    for p in payouts {
        m.push((p.at.day, p.at.seq, p.data.amount.fen()));
        for c in p.clawbacks.iter().filter(|c| counts(facts, c.at, now)) {
            m.push((c.at.day, c.at.seq, -c.amount.fen()));
        }
    }
    m.sort_unstable();
    m
}

/// When the running total last went from at most `limit` to above it,
/// if it is above it now: (date, running total).
fn crossed(movements: &[(Day, u64, i128)], limit: Amount) -> Option<Day> {
    let mut total = 0i128;
    let mut since = None;
    for &(day, _, fen) in movements {
        let before = total;
        total += fen;
        if before <= limit.fen() && total > limit.fen() {
            since = Some(day);
        }
    }
    since.filter(|_| total > limit.fen())
}

/// What has been clawed back from a payout, when anything has.
fn clawed_back_if_any(facts: &Facts, p: &PayoutFact, now: Day) -> Option<Amount> {
    Some(clawed_back(facts, p, now)).filter(|back| !back.is_zero())
}

/// The facts naming a payout in a finding: the payout, its amount, payee,
/// role, scheme, date and record, then `more`.
fn payout_facts(facts: &Facts, p: &PayoutFact, more: FactSet) -> FactSet {
    let mut set = facts! {
        payout: Fact::id(RefKind::Payout, p.data.payout_id.as_str()),
        amount: p.data.amount,
        payee: Fact::entity(facts, p.data.payee.as_str()),
        role: Fact::word(Vocab::Role, p.data.role.0.as_str()),
        scheme: Fact::id(RefKind::Scheme, p.data.scheme_id.as_str()),
        date: p.at.day,
    };
    set.0.extend(more.0);
    set
}

/// Incentive findings judged at `now`:
///
/// - `paid_without_met_target`: a payout made while the scheme's target
///   was not `met` (status at the payout's date), reported even when it
///   was later clawed back, as the look back asks;
/// - `share_exceeded`: net paid to a role above its share (a role not in
///   the scheme has share 0);
/// - `scheme_overpaid`: net paid under a scheme above its total;
/// - `missing_evidence`: a payout recorded with no evidence.
pub fn findings(facts: &Facts, now: Day, out: &mut Vec<Finding>) {
    let mut by_scheme: BTreeMap<&str, Vec<&PayoutFact>> = BTreeMap::new();
    for p in payouts(facts, now) {
        // Beyond the contract's list: more clawed back than was paid leaves
        // a negative payment, which no ledger of real money can hold.
        let back = clawed_back(facts, p, now);
        if back > p.data.amount {
            let mut seqs: Vec<u64> = std::iter::once(p.at.seq)
                .chain(
                    p.clawbacks
                        .iter()
                        .filter(|c| counts(facts, c.at, now))
                        .map(|c| c.at.seq),
                )
                .collect();
            seqs.sort_unstable();
            let date = p
                .clawbacks
                .iter()
                .filter(|c| counts(facts, c.at, now))
                .map(|c| c.at.day)
                .max()
                .unwrap_or(p.at.day);
            out.push(Finding::new(
                FindingCode::ClawbackExceedsPayout,
                facts! {
                    payout: Fact::id(RefKind::Payout, p.data.payout_id.as_str()),
                    amount: p.data.amount,
                    payee: Fact::entity(facts, p.data.payee.as_str()),
                    clawed_back: back,
                    over: back - p.data.amount,
                },
                vec![
                    p.data.payout_id.to_string(),
                    p.data.scheme_id.to_string(),
                    p.data.payee.to_string(),
                ],
                seqs,
                date,
            ));
        }
        by_scheme.entry(p.data.scheme_id.as_str()).or_default().push(p);
        if on_task(facts, p.data.scheme_id.as_str()) {
            reward_for_failed_task(facts, p, now, out);
        } else {
            paid_without_met_target(facts, p, now, out);
        }
        if no_evidence(p.data.evidence.as_ref()) {
            out.push(Finding::new(
                FindingCode::MissingEvidence,
                payout_facts(
                    facts,
                    p,
                    facts! {
                        record: Fact::word(Vocab::Record, "payout"),
                        seq: p.at.seq,
                    },
                ),
                vec![p.data.payout_id.to_string(), p.data.scheme_id.to_string()],
                vec![p.at.seq],
                p.at.day,
            ));
        }
    }
    for (scheme_id, paid) in &by_scheme {
        let Some(s) = scheme(facts, scheme_id, now) else {
            continue;
        };
        let seqs_of = |ps: &[&PayoutFact]| -> Vec<u64> {
            let mut seqs: Vec<u64> = std::iter::once(s.at.seq)
                .chain(ps.iter().flat_map(|p| {
                    std::iter::once(p.at.seq).chain(
                        p.clawbacks
                            .iter()
                            .filter(|c| counts(facts, c.at, now))
                            .map(|c| c.at.seq),
                    )
                }))
                .collect();
            seqs.sort_unstable();
            seqs
        };
        let net_of = |ps: &[&PayoutFact]| -> Amount { ps.iter().map(|p| net(facts, p, now)).sum() };
        if let Some(date) = crossed(&movements(facts, paid, now), s.data.total) {
            let total_paid = net_of(paid);
            out.push(Finding::new(
                FindingCode::SchemeOverpaid,
                facts! {
                    scheme: Fact::id(RefKind::Scheme, *scheme_id),
                    target?: s.data.target_id.as_ref().map(|t| Fact::id(RefKind::Target, t.as_str())),
                    task?: s
                        .data
                        .task_id
                        .as_ref()
                        .filter(|_| s.data.target_id.is_none())
                        .map(|t| Fact::id(RefKind::Task, t.as_str())),
                    paid: total_paid,
                    payouts: paid.len(),
                    total: s.data.total,
                    over: total_paid - s.data.total,
                },
                vec![scheme_id.to_string(), rewarded_id(s).to_string()],
                seqs_of(paid),
                date,
            ));
        }
        let roles = scheme_roles(s);
        let mut by_role: BTreeMap<&str, Vec<&PayoutFact>> = BTreeMap::new();
        for p in paid {
            by_role.entry(p.data.role.0.as_str()).or_default().push(p);
        }
        for (role, ps) in by_role {
            let percent = roles.iter().find(|(r, _)| r == role).map(|(_, p)| *p);
            let share = percent.map_or(Amount::ZERO, |p| share_of(s.data.total, p));
            let Some(date) = crossed(&movements(facts, &ps, now), share) else {
                continue;
            };
            let role_paid = net_of(&ps);
            let mut payees: Vec<&str> = ps.iter().map(|p| p.data.payee.as_str()).collect();
            payees.sort_unstable();
            payees.dedup();
            out.push(Finding::new(
                FindingCode::ShareExceeded,
                facts! {
                    role: Fact::word(Vocab::Role, role),
                    scheme: Fact::id(RefKind::Scheme, *scheme_id),
                    paid: role_paid,
                    payees: payees.iter().map(|p| Fact::entity(facts, p)).collect::<Vec<_>>(),
                    share: share,
                    percent?: percent,
                    total?: percent.map(|_| s.data.total),
                    over: role_paid - share,
                },
                vec![scheme_id.to_string(), role.to_string()],
                seqs_of(&ps),
                date,
            ));
        }
    }
}

/// `paid_without_met_target`: a payout under a target scheme made while
/// its target was not `met` (status at the payout's date), reported even
/// when it was later clawed back, as the look back asks.
fn paid_without_met_target(facts: &Facts, p: &PayoutFact, now: Day, out: &mut Vec<Finding>) {
    let sch = scheme(facts, p.data.scheme_id.as_str(), now);
    let status = status_when_paid(facts, p, now);
    if status == Some(TargetStatus::Met) {
        return;
    }
    let target_id = sch.and_then(|s| s.data.target_id.as_ref());
    let target = sch.zip(target_id);
    let mut subjects = vec![p.data.payout_id.to_string(), p.data.scheme_id.to_string()];
    let mut seqs = vec![p.at.seq];
    if let Some((s, t)) = target {
        subjects.push(t.to_string());
        seqs.push(s.at.seq);
        if let Some(st) = targets::standing(facts, t.as_str(), p.at.day) {
            seqs.push(st.fact.at.seq);
            seqs.extend(st.deciding.map(|v| v.at.seq));
        }
    }
    subjects.push(p.data.payee.to_string());
    seqs.sort_unstable();
    seqs.dedup();
    out.push(Finding::new(
        FindingCode::PaidWithoutMetTarget,
        payout_facts(
            facts,
            p,
            facts! {
                record: p.at.seq,
                target?: target.map(|(_, t)| Fact::id(RefKind::Target, t.as_str())),
                target_status?: target
                    .and(status)
                    .map(|st| Fact::word(Vocab::TargetStatus, st.as_str())),
                clawed_back?: clawed_back_if_any(facts, p, now),
            },
        ),
        subjects,
        seqs,
        p.at.day,
    ));
}

/// `reward_for_failed_task` (format 3.5, version 2): a payout under a task
/// scheme made while the task had not `passed` (its status on the payout's
/// date), reported even when later clawed back.
fn reward_for_failed_task(facts: &Facts, p: &PayoutFact, now: Day, out: &mut Vec<Finding>) {
    let sch = scheme(facts, p.data.scheme_id.as_str(), now);
    let task_id = sch.and_then(|s| s.data.task_id.as_ref());
    let then = task_id.and_then(|t| assessment::judge(facts, t.as_str(), p.at.day));
    if then.as_ref().is_some_and(|j| j.status == TaskStatus::Passed) {
        return;
    }
    let judged = then.as_ref().filter(|_| task_id.is_some());
    let mut subjects = vec![p.data.payout_id.to_string(), p.data.scheme_id.to_string()];
    let mut seqs = vec![p.at.seq];
    if let Some(s) = sch {
        seqs.push(s.at.seq);
    }
    if let Some(t) = task_id {
        subjects.push(t.to_string());
    }
    if let Some(j) = &then {
        seqs.push(j.fact.at.seq);
        seqs.extend(j.deciding_seqs.iter().copied());
    }
    subjects.push(p.data.payee.to_string());
    seqs.sort_unstable();
    seqs.dedup();
    out.push(Finding::new(
        FindingCode::RewardForFailedTask,
        payout_facts(
            facts,
            p,
            facts! {
                record: p.at.seq,
                task?: task_id.map(|t| Fact::id(RefKind::Task, t.as_str())),
                task_status?: judged.map(|j| Fact::word(Vocab::TaskStatus, j.status.as_str())),
                vetoed?: judged.map(|j| j.vetoed),
                score?: judged.map(|j| j.score),
                max_score?: judged.map(|j| j.max_score),
                pass_score?: judged.map(|j| j.fact.data.pass_score),
                clawed_back?: clawed_back_if_any(facts, p, now),
            },
        ),
        subjects,
        seqs,
        p.at.day,
    ));
}
