//! Contract 3.1: targets — standing, progress, trajectory, runs of missed
//! periods — their findings (3.5) and the verdict on a claim (3.6).
//!
//! Everything here is a function of `(facts, now)`: a fact counts only when
//! it is live (not voided) and its business date is on or before `now`. So
//! judging full facts at `now = D` gives the same answer as judging facts
//! built `as_of = D`, and `status_at(.., payout date)` answers "was the
//! target met when the reward was paid?".
//!
//! # Rules chosen where the contract is silent
//!
//! - **Revisions** apply in business order (`occurred_at`, then seq): a
//!   back-dated revision recorded late does not override one that happened
//!   after it in the world.
//! - **Latest observation** (claim or verification) is the one with the
//!   latest `as_of`, then the highest seq (a same-date correction wins).
//! - **Deciding verification**: the latest live verification whose `as_of`
//!   is on or after the period's end (in force at `now`). It makes the
//!   status `met` or `missed`.
//! - **Progress** is `value / threshold` for `>=` targets and
//!   `threshold / value` for `<=` targets, where `value` is the latest
//!   verified value, else the latest claimed one; `null` when there is no
//!   value or the denominator is zero. Rounded to 4 places, half away from
//!   zero, printed without trailing zeros.
//! - **Runs of misses** count only decided targets (`met`/`missed`): an
//!   open or unverified period neither extends nor breaks a run.

use crate::facts::{Facts, Observation, Revision, TargetFact};
use crate::messages::{facts, Fact, FactSet, RefKind, Vocab};
use crate::{decimal_text, no_evidence, Finding, FindingCode, TableRow};
use pledger_core::event::{Comparator, Period};
use pledger_core::money::Quantity;
use pledger_core::when::Day;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::BTreeMap;

/// `status` of contract 3.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Open,
    Met,
    Missed,
    ClaimedUnverified,
    Unverified,
}

impl TargetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Open => "open",
            TargetStatus::Met => "met",
            TargetStatus::Missed => "missed",
            TargetStatus::ClaimedUnverified => "claimed_unverified",
            TargetStatus::Unverified => "unverified",
        }
    }
}

/// A target's standing at a date, from the live facts.
#[derive(Clone, Debug)]
pub struct TargetStanding<'a> {
    pub fact: &'a TargetFact,
    pub threshold: Quantity,
    pub period: Period,
    pub comparator: Comparator,
    /// Live revisions dated on or before `now`, in business order.
    pub revisions: Vec<&'a Revision>,
    /// The record that set the threshold in force (assignment or revision).
    pub threshold_seq: u64,
    /// The record that set the period in force (assignment or revision).
    pub period_seq: u64,
    /// Live claims dated on or before `now`, in seq order.
    pub claims: Vec<&'a Observation>,
    /// Live verifications dated on or before `now`, in seq order.
    pub verifications: Vec<&'a Observation>,
    /// Latest live claim by `as_of`, then seq.
    pub last_claim: Option<&'a Observation>,
    /// Latest live verification by `as_of`, then seq.
    pub last_verification: Option<&'a Observation>,
    /// The verification that decides met/missed (dated on or after the
    /// period's end), if any.
    pub deciding: Option<&'a Observation>,
    /// The value progress is measured on: the last verification, else the
    /// last claim.
    pub latest: Option<&'a Observation>,
    /// The observation of the same kind as `latest` (verification or
    /// claim) with the latest `as_of` strictly before `latest`'s.
    pub previous: Option<&'a Observation>,
    pub status: TargetStatus,
}

impl TargetStanding<'_> {
    pub fn target_id(&self) -> &str {
        self.fact.data.target_id.as_str()
    }

    pub fn assignee(&self) -> &str {
        self.fact.data.assignee.as_str()
    }

    pub fn metric(&self) -> &str {
        &self.fact.data.metric.0
    }

    pub fn unit(&self) -> &str {
        &self.fact.data.unit.0
    }

    /// Exact progress ratio (see the module docs), unrounded.
    pub fn progress(&self) -> Option<Decimal> {
        self.latest
            .and_then(|o| progress_ratio(self.comparator, o.value, self.threshold))
    }
}

/// Does `value` satisfy the target?
pub fn meets(comparator: Comparator, value: Quantity, threshold: Quantity) -> bool {
    match comparator {
        Comparator::AtLeast => value >= threshold,
        Comparator::AtMost => value <= threshold,
    }
}

/// Is `a` strictly better than `b` for a target with this comparator?
pub fn better(comparator: Comparator, a: Quantity, b: Quantity) -> bool {
    match comparator {
        Comparator::AtLeast => a > b,
        Comparator::AtMost => a < b,
    }
}

/// `value / threshold` for `>=`, `threshold / value` for `<=`; `None` when
/// the denominator is zero (or the quotient does not fit a decimal).
pub fn progress_ratio(comparator: Comparator, value: Quantity, threshold: Quantity) -> Option<Decimal> {
    let (num, den) = match comparator {
        Comparator::AtLeast => (value.0, threshold.0),
        Comparator::AtMost => (threshold.0, value.0),
    };
    if den.is_zero() {
        None
    } else {
        num.checked_div(den)
    }
}

/// Rounds a ratio to 4 places, half away from zero.
pub fn round4(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
}

fn live_on<'a, T>(facts: &'a Facts, now: Day, items: &'a [T], at: impl Fn(&T) -> crate::facts::At) -> Vec<&'a T> {
    items
        .iter()
        .filter(|x| facts.live(at(x).seq) && at(x).day <= now)
        .collect()
}

/// The standing of target `target_id` judged at `now`, counting only facts
/// on or before `now` (so `status_at(.., payout date)` answers "was it met
/// when the reward was paid?").
pub fn standing<'a>(facts: &'a Facts, target_id: &str, now: Day) -> Option<TargetStanding<'a>> {
    let fact = facts.targets.get(target_id)?;
    if !facts.live(fact.at.seq) || fact.at.day > now {
        return None;
    }
    let mut revisions = live_on(facts, now, &fact.revisions, |r| r.at);
    revisions.sort_by_key(|r| (r.at.day, r.at.seq));
    let mut threshold = fact.data.threshold;
    let mut period = fact.data.period.clone();
    let (mut threshold_seq, mut period_seq) = (fact.at.seq, fact.at.seq);
    for r in &revisions {
        if let Some(t) = r.threshold {
            threshold = t;
            threshold_seq = r.at.seq;
        }
        if let Some(p) = &r.period {
            period = p.clone();
            period_seq = r.at.seq;
        }
    }
    let claims = live_on(facts, now, &fact.claims, |o| o.at);
    let verifications = live_on(facts, now, &fact.verifications, |o| o.at);
    let newest = |obs: &[&'a Observation]| obs.iter().copied().max_by_key(|o| (o.as_of, o.at.seq));
    let last_claim = newest(&claims);
    let last_verification = newest(&verifications);
    let deciding = verifications
        .iter()
        .copied()
        .filter(|o| o.as_of >= period.to)
        .max_by_key(|o| (o.as_of, o.at.seq));
    let (latest, series) = match last_verification {
        Some(v) => (Some(v), &verifications),
        None => (last_claim, &claims),
    };
    let previous = latest.and_then(|l| {
        series
            .iter()
            .copied()
            .filter(|o| o.as_of < l.as_of)
            .max_by_key(|o| (o.as_of, o.at.seq))
    });
    let comparator = fact.data.comparator;
    let status = if let Some(v) = deciding {
        if meets(comparator, v.value, threshold) {
            TargetStatus::Met
        } else {
            TargetStatus::Missed
        }
    } else if now <= period.to {
        TargetStatus::Open
    } else if last_claim.is_some_and(|c| meets(comparator, c.value, threshold)) {
        TargetStatus::ClaimedUnverified
    } else {
        TargetStatus::Unverified
    };
    Some(TargetStanding {
        fact,
        threshold,
        period,
        comparator,
        revisions,
        threshold_seq,
        period_seq,
        last_claim,
        claims,
        verifications,
        last_verification,
        deciding,
        latest,
        previous,
        status,
    })
}

/// Just the status, or `None` when the target does not exist at `now`.
pub fn status_at(facts: &Facts, target_id: &str, now: Day) -> Option<TargetStatus> {
    standing(facts, target_id, now).map(|s| s.status)
}

// ---------------------------------------------------------------------------
// Trajectory

/// `trajectory` of contract 3.1 (the Open SDG progress categories).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trajectory {
    Achieved,
    OnTrack,
    NeedsAcceleration,
    Limited,
    Deteriorating,
}

impl Trajectory {
    pub fn as_str(self) -> &'static str {
        match self {
            Trajectory::Achieved => "achieved",
            Trajectory::OnTrack => "on_track",
            Trajectory::NeedsAcceleration => "needs_acceleration",
            Trajectory::Limited => "limited",
            Trajectory::Deteriorating => "deteriorating",
        }
    }
}

/// Days of the period elapsed at `now` and days in the period, both ends
/// inclusive: on the first day one day has elapsed; before the period
/// starts none; from its last day on, all of them.
pub fn elapsed_days(period: &Period, now: Day) -> (i64, i64) {
    let total = (period.to.0 - period.from.0).whole_days() + 1;
    let elapsed = ((now.0 - period.from.0).whole_days() + 1).clamp(0, total);
    (elapsed, total)
}

/// The trajectory of an `open` target at `now`; `None` for any other
/// status, when no value has been reported yet, or when progress is
/// undefined (zero denominator) and the threshold is not met.
///
/// In order, the first that applies:
///
/// 1. `achieved`: the latest value (verified, else claimed) already meets
///    the threshold with the comparator.
/// 2. `deteriorating`: the latest value is worse than the previous
///    observation of the same kind (verification vs verification, claim vs
///    claim; the one with the latest earlier `as_of`): lower for `>=`,
///    higher for `<=`.
/// 3. Otherwise compare actual progress `p` with the pace needed. With
///    `(e, n) = elapsed_days(period, now)` the pace needed is `e / n`, and
///    `ratio = p / (e / n) = p × n / e`, where `p` is the exact progress
///    ratio (`value / threshold` for `>=`; `threshold / value` for `<=`,
///    i.e. how close the level is to the ceiling — no baseline is
///    recorded, so the linear pace is the one available). Then
///    `ratio ≥ 0.95` → `on_track`, `0.60 ≤ ratio < 0.95` →
///    `needs_acceleration`, `ratio < 0.60` → `limited`. When `e = 0` (the
///    period has not started) nothing was due yet: `on_track`.
pub fn trajectory(s: &TargetStanding, now: Day) -> Option<Trajectory> {
    if s.status != TargetStatus::Open {
        return None;
    }
    let latest = s.latest?;
    if meets(s.comparator, latest.value, s.threshold) {
        return Some(Trajectory::Achieved);
    }
    if s.previous.is_some_and(|p| better(s.comparator, p.value, latest.value)) {
        return Some(Trajectory::Deteriorating);
    }
    let progress = s.progress()?;
    let (elapsed, total) = elapsed_days(&s.period, now);
    if elapsed == 0 {
        return Some(Trajectory::OnTrack);
    }
    let ratio = progress
        .checked_mul(Decimal::from(total))
        .and_then(|x| x.checked_div(Decimal::from(elapsed)));
    let Some(ratio) = ratio else {
        // Only an absurdly large progress overflows: far ahead of pace.
        return Some(if progress.is_sign_negative() {
            Trajectory::Limited
        } else {
            Trajectory::OnTrack
        });
    };
    Some(if ratio >= Decimal::new(95, 2) {
        Trajectory::OnTrack
    } else if ratio >= Decimal::new(60, 2) {
        Trajectory::NeedsAcceleration
    } else {
        Trajectory::Limited
    })
}

// ---------------------------------------------------------------------------
// The report

/// A period as JSON: `{"from", "to"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodJson {
    pub from: Day,
    pub to: Day,
}

impl From<&Period> for PeriodJson {
    fn from(p: &Period) -> PeriodJson {
        PeriodJson { from: p.from, to: p.to }
    }
}

/// A claimed or verified value as JSON: `{"value", "as_of", "seq"}`, and
/// for a counting target the `projects` it lists (format 2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObservedValue {
    pub value: String,
    pub as_of: Day,
    pub seq: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projects: Option<Vec<String>>,
}

impl From<&Observation> for ObservedValue {
    fn from(o: &Observation) -> ObservedValue {
        ObservedValue {
            value: o.value.to_string(),
            as_of: o.as_of,
            seq: o.at.seq,
            projects: o.projects.as_ref().map(|p| p.iter().map(|x| x.to_string()).collect()),
        }
    }
}

/// `counts` of a counting target: `{"stage", "min_investment"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountsJson {
    pub stage: pledger_core::event::CountStage,
    pub min_investment: Option<pledger_core::money::Amount>,
}

/// One row of the targets report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetRow {
    pub target_id: String,
    pub assignee: String,
    pub metric: String,
    pub unit: String,
    /// `>=` or `<=`.
    pub comparator: &'static str,
    /// The threshold in force, a decimal string.
    pub threshold: String,
    /// The period in force.
    pub period: PeriodJson,
    pub basis: String,
    /// For a counting target (format 2.2): what it counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<CountsJson>,
    pub last_claimed: Option<ObservedValue>,
    pub last_verified: Option<ObservedValue>,
    /// Decimal string, 4 places at most; see the module docs.
    pub progress: Option<String>,
    /// While `open` only.
    pub trajectory: Option<Trajectory>,
    pub status: TargetStatus,
}

/// The current run of consecutive missed periods of one assignee on one
/// metric.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissRun {
    pub assignee: String,
    pub metric: String,
    pub consecutive_missed: usize,
    /// The missed targets, oldest period first.
    pub target_ids: Vec<String>,
}

/// `{"targets": [...], "miss_runs": [...], "past_miss_runs": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetsReport {
    pub targets: Vec<TargetRow>,
    /// The current run per assignee and metric (ending at the latest
    /// decided period), runs of one miss or more, by assignee then metric.
    pub miss_runs: Vec<MissRun>,
    /// Runs of two misses or more that a later `met` ended: with the
    /// current runs of two or more, exactly the runs `consecutive_misses`
    /// reports, so a table of runs agrees with the findings.
    pub past_miss_runs: Vec<MissRun>,
}

fn standings(facts: &Facts, now: Day) -> Vec<TargetStanding<'_>> {
    facts.targets.keys().filter_map(|id| standing(facts, id, now)).collect()
}

/// One row from a standing judged at `now`.
pub fn row(s: &TargetStanding, now: Day) -> TargetRow {
    TargetRow {
        target_id: s.target_id().to_string(),
        assignee: s.assignee().to_string(),
        metric: s.metric().to_string(),
        unit: s.unit().to_string(),
        comparator: s.comparator.as_str(),
        threshold: s.threshold.to_string(),
        period: PeriodJson::from(&s.period),
        basis: s.fact.data.basis.0.clone(),
        counts: s.fact.data.counts.as_ref().map(|c| CountsJson {
            stage: c.stage,
            min_investment: c.min_investment,
        }),
        last_claimed: s.last_claim.map(ObservedValue::from),
        last_verified: s.last_verification.map(ObservedValue::from),
        progress: s.progress().map(|p| decimal_text(round4(p))),
        trajectory: trajectory(s, now),
        status: s.status,
    }
}

/// A miss run with the standings it is made of (for the finding's seqs).
struct Run<'s, 'a> {
    assignee: String,
    metric: String,
    missed: Vec<&'s TargetStanding<'a>>,
}

fn miss_runs<'s, 'a>(all: &'s [TargetStanding<'a>]) -> Vec<Run<'s, 'a>> {
    runs_of_misses(all, false)
}

/// Runs of consecutive misses per assignee and metric: only the current
/// one (ending at the latest decided period), or every maximal run in
/// history (`every`), which is what a look back needs: two misses in a row
/// in 2008–2009 still happened after a met 2010.
fn runs_of_misses<'s, 'a>(all: &'s [TargetStanding<'a>], every: bool) -> Vec<Run<'s, 'a>> {
    let mut pairs: BTreeMap<(&str, &str), Vec<&TargetStanding>> = BTreeMap::new();
    for s in all
        .iter()
        .filter(|s| matches!(s.status, TargetStatus::Met | TargetStatus::Missed))
    {
        pairs.entry((s.assignee(), s.metric())).or_default().push(s);
    }
    let mut runs = Vec::new();
    for ((assignee, metric), mut decided) in pairs {
        decided.sort_by(|a, b| {
            (a.period.to, a.period.from, a.target_id()).cmp(&(b.period.to, b.period.from, b.target_id()))
        });
        if every {
            for missed in decided
                .split(|s| s.status == TargetStatus::Met)
                .filter(|r| !r.is_empty())
            {
                runs.push(Run {
                    assignee: assignee.to_string(),
                    metric: metric.to_string(),
                    missed: missed.to_vec(),
                });
            }
            continue;
        }
        let start = decided
            .iter()
            .rposition(|s| s.status == TargetStatus::Met)
            .map_or(0, |i| i + 1);
        let missed = decided[start..].to_vec();
        if !missed.is_empty() {
            runs.push(Run {
                assignee: assignee.to_string(),
                metric: metric.to_string(),
                missed,
            });
        }
    }
    runs
}

/// The targets report judged at `now`.
pub fn report(facts: &Facts, now: Day) -> TargetsReport {
    let all = standings(facts, now);
    let targets = all.iter().map(|s| row(s, now)).collect();
    let json = |r: Run| MissRun {
        consecutive_missed: r.missed.len(),
        target_ids: r.missed.iter().map(|s| s.target_id().to_string()).collect(),
        assignee: r.assignee,
        metric: r.metric,
    };
    let miss_runs: Vec<MissRun> = miss_runs(&all).into_iter().map(json).collect();
    let past_miss_runs = runs_of_misses(&all, true)
        .into_iter()
        .filter(|r| r.missed.len() >= 2)
        .map(json)
        .filter(|r| !miss_runs.contains(r))
        .collect();
    TargetsReport {
        targets,
        miss_runs,
        past_miss_runs,
    }
}

fn observed_cell(o: &Option<ObservedValue>) -> String {
    match o {
        Some(o) => format!("{} ({})", o.value, o.as_of),
        None => "-".to_string(),
    }
}

impl TableRow for TargetRow {
    fn header() -> &'static [&'static str] {
        &[
            "target",
            "assignee",
            "metric",
            "threshold",
            "period",
            "claimed",
            "verified",
            "progress",
            "trajectory",
            "status",
        ]
    }

    fn cells(&self) -> Vec<String> {
        let progress = self
            .progress
            .as_deref()
            .and_then(|p| p.parse::<Decimal>().ok())
            .map_or_else(
                || "-".to_string(),
                |p| format!("{}%", decimal_text((p * Decimal::ONE_HUNDRED).round_dp(2))),
            );
        vec![
            self.target_id.clone(),
            self.assignee.clone(),
            self.metric.clone(),
            format!("{} {} {}", self.comparator, self.threshold, self.unit),
            format!("{} – {}", self.period.from, self.period.to),
            observed_cell(&self.last_claimed),
            observed_cell(&self.last_verified),
            progress,
            self.trajectory.map_or("-", Trajectory::as_str).to_string(),
            self.status.as_str().to_string(),
        ]
    }
}

impl TableRow for MissRun {
    fn header() -> &'static [&'static str] {
        &["assignee", "metric", "consecutive missed", "targets"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.assignee.clone(),
            self.metric.clone(),
            self.consecutive_missed.to_string(),
            self.target_ids.join(", "),
        ]
    }
}

// ---------------------------------------------------------------------------
// Findings

fn describe_period(p: &Period) -> String {
    format!("{} to {}", p.from, p.to)
}

/// The facts that describe a target in a finding: its id, metric,
/// comparator, threshold and unit.
fn target_facts(s: &TargetStanding) -> FactSet {
    facts! {
        target: Fact::id(RefKind::Target, s.target_id()),
        metric: Fact::word(Vocab::Metric, s.metric()),
        comparator: Fact::word(Vocab::Comparator, s.comparator.as_str()),
        threshold: s.threshold,
        unit: Fact::word(Vocab::Unit, s.unit()),
    }
}

/// Target findings judged at `now`:
///
/// - `overstated_claim`: the latest verification found a worse value than
///   the latest claim it can speak to — the latest claim whose `as_of` is
///   on or before the verification's (a claim about a later date is not
///   contradicted by an older verification). Dated the later of the two.
/// - `target_revised_after_period`: a revision dated after the end of the
///   period in force just before it (moving the goalposts after the
///   result is known). Dated the revision.
/// - `consecutive_misses`: every run of two or more missed periods in a row
///   for one assignee and metric, current or past (a later `met` ends a
///   run but does not erase it). Dated the run's latest deciding verification.
/// - `missing_evidence`: a `target.verified` with no evidence.
pub fn findings(facts: &Facts, now: Day, out: &mut Vec<Finding>) {
    let all = standings(facts, now);
    for s in &all {
        overstated_claim(facts, s, out);
        revised_after_period(facts, s, out);
        for v in &s.verifications {
            if no_evidence(v.evidence.as_ref()) {
                let mut f = target_facts(s);
                f.0.extend(
                    facts! {
                    record: Fact::word(Vocab::Record, "verification"),
                    recorded_by: Fact::entity(facts, &v.actor),
                    date: v.at.day,
                    seq: v.at.seq,
                    value: v.value,
                    as_of: v.as_of,
                    }
                    .0,
                );
                out.push(Finding::new(
                    FindingCode::MissingEvidence,
                    f,
                    vec![s.target_id().to_string(), s.assignee().to_string()],
                    vec![v.at.seq],
                    v.at.day,
                ));
            }
        }
    }
    for run in runs_of_misses(&all, true).into_iter().filter(|r| r.missed.len() >= 2) {
        let ids: Vec<String> = run.missed.iter().map(|s| s.target_id().to_string()).collect();
        let missed: Vec<Fact> = run
            .missed
            .iter()
            .map(|s| {
                Fact::Group(facts! {
                    target: Fact::id(RefKind::Target, s.target_id()),
                    period: Fact::period(&s.period),
                    verified?: s.deciding.map(|v| v.value),
                    comparator: Fact::word(Vocab::Comparator, s.comparator.as_str()),
                    threshold: s.threshold,
                    unit: Fact::word(Vocab::Unit, s.unit()),
                })
            })
            .collect();
        let mut seqs: Vec<u64> = run.missed.iter().filter_map(|s| s.deciding.map(|v| v.at.seq)).collect();
        seqs.sort_unstable();
        let date = run
            .missed
            .iter()
            .filter_map(|s| s.deciding.map(|v| v.at.day))
            .max()
            .unwrap_or(now);
        let mut subjects = vec![run.assignee.clone(), run.metric.clone()];
        subjects.extend(ids);
        out.push(Finding::new(
            FindingCode::ConsecutiveMisses,
            facts! {
                assignee: Fact::entity(facts, &run.assignee),
                metric: Fact::word(Vocab::Metric, run.metric.as_str()),
                periods: run.missed.len(),
                missed: missed,
            },
            subjects,
            seqs,
            date,
        ));
    }
}

fn overstated_claim(facts: &Facts, s: &TargetStanding, out: &mut Vec<Finding>) {
    let Some(v) = s.last_verification else { return };
    let claim = s
        .claims
        .iter()
        .copied()
        .filter(|c| c.as_of <= v.as_of)
        .max_by_key(|c| (c.as_of, c.at.seq));
    let Some(c) = claim else { return };
    if !better(s.comparator, c.value, v.value) {
        return;
    }
    let gap = (c.value.0 - v.value.0).abs();
    let mut f = target_facts(s);
    f.0.extend(
        facts! {
        assignee: Fact::entity(facts, s.assignee()),
        claimed: c.value,
        claim_as_of: c.as_of,
        claim_record: c.at.seq,
        verified_as_of: v.as_of,
        verified: v.value,
        verification_record: v.at.seq,
        gap: gap,
        }
        .0,
    );
    out.push(Finding::new(
        FindingCode::OverstatedClaim,
        f,
        vec![s.target_id().to_string(), s.assignee().to_string()],
        vec![c.at.seq, v.at.seq],
        c.at.day.max(v.at.day),
    ));
}

fn revised_after_period(facts: &Facts, s: &TargetStanding, out: &mut Vec<Finding>) {
    let mut threshold = s.fact.data.threshold;
    let mut period = s.fact.data.period.clone();
    for r in &s.revisions {
        if r.at.day > period.to {
            out.push(Finding::new(
                FindingCode::TargetRevisedAfterPeriod,
                facts! {
                    target: Fact::id(RefKind::Target, s.target_id()),
                    assignee: Fact::entity(facts, s.assignee()),
                    metric: Fact::word(Vocab::Metric, s.metric()),
                    unit: Fact::word(Vocab::Unit, s.unit()),
                    date: r.at.day,
                    record: r.at.seq,
                    period_end: period.to,
                    threshold_from?: r.threshold.map(|_| threshold),
                    threshold_to?: r.threshold,
                    period_from?: r.period.as_ref().map(|_| Fact::period(&period)),
                    period_to?: r.period.as_ref().map(Fact::period),
                    reason: Fact::text(r.reason.as_str()),
                },
                vec![s.target_id().to_string(), s.assignee().to_string()],
                vec![s.fact.at.seq, r.at.seq],
                r.at.day,
            ));
        }
        if let Some(t) = r.threshold {
            threshold = t;
        }
        if let Some(p) = &r.period {
            period = p.clone();
        }
    }
}

// ---------------------------------------------------------------------------
// Claims (contract 3.6)

/// The verdict on "target T was met".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Supported,
    Contradicted,
    Unsupported,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::Contradicted => "contradicted",
            Verdict::Unsupported => "unsupported",
        }
    }
}

/// The answer to "target T was met", judged at `now` (contract 3.6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimVerdict {
    pub target_id: String,
    /// The statement judged, in words.
    pub claim: String,
    pub verdict: Verdict,
    /// The target's status at `now`.
    pub status: TargetStatus,
    /// The records that decide it, ascending: the assignment, the revisions
    /// that set the threshold and period in force, the deciding (or
    /// contradicting, or latest undecisive) verification, and the latest
    /// claim. Judging the claim from these records alone gives the same
    /// verdict and reason, which is what lets a claim bundle be re-checked.
    pub deciding_seqs: Vec<u64>,
    /// One sentence saying why.
    pub reason: String,
}

/// The verdict on "target `target_id` was met" at `now`; `None` when no
/// such target is in force at `now`.
///
/// - `supported`: a deciding verification (dated on or after the period's
///   end) found a value that meets the threshold in force;
/// - `contradicted`: a deciding verification found a value that misses it,
///   or — with no deciding verification yet — the latest claim meets the
///   threshold but the latest verification, as of the claim's date or
///   later, does not;
/// - `unsupported`: anything else (only claims, only mid-period
///   verifications that do not contradict them, or nothing).
pub fn claim(facts: &Facts, target_id: &str, now: Day) -> Option<ClaimVerdict> {
    let s = standing(facts, target_id, now)?;
    let mut seqs = vec![s.fact.at.seq, s.threshold_seq, s.period_seq];
    let goal = format!("{} {} {}", s.comparator.as_str(), s.threshold, s.unit());
    let (verdict, reason) = if let Some(v) = s.deciding {
        seqs.push(v.at.seq);
        if meets(s.comparator, v.value, s.threshold) {
            (
                Verdict::Supported,
                format!(
                    "The verification as of {} (record {}, by {}) found {}, which meets the target {} for {}.",
                    v.as_of,
                    v.at.seq,
                    v.actor,
                    v.value,
                    goal,
                    describe_period(&s.period)
                ),
            )
        } else {
            (
                Verdict::Contradicted,
                format!(
                    "The verification as of {} (record {}, by {}) found {}, which misses the target {} for {}.",
                    v.as_of,
                    v.at.seq,
                    v.actor,
                    v.value,
                    goal,
                    describe_period(&s.period)
                ),
            )
        }
    } else {
        let contradicting = match (s.last_claim, s.last_verification) {
            (Some(c), Some(v))
                if meets(s.comparator, c.value, s.threshold)
                    && !meets(s.comparator, v.value, s.threshold)
                    && v.as_of >= c.as_of =>
            {
                Some((c, v))
            }
            _ => None,
        };
        if let Some((c, v)) = contradicting {
            seqs.push(v.at.seq);
            (
                Verdict::Contradicted,
                format!(
                    "{} claimed {} as of {} (record {}), but the later verification as of {} (record {}) found {}, short of {}.",
                    s.assignee(),
                    c.value,
                    c.as_of,
                    c.at.seq,
                    v.as_of,
                    v.at.seq,
                    v.value,
                    goal
                ),
            )
        } else {
            if let Some(v) = s.last_verification {
                // The reason cites it, so it is part of the evidence.
                seqs.push(v.at.seq);
            }
            let why = match (s.last_claim, s.last_verification) {
                (_, Some(v)) => format!(
                    "the latest verification is as of {} (record {}, value {}), before the end of the period on {}",
                    v.as_of, v.at.seq, v.value, s.period.to
                ),
                (Some(c), None) => format!(
                    "there is only the claim of {} by {} as of {} (record {}) and no verification",
                    c.value,
                    s.assignee(),
                    c.as_of,
                    c.at.seq
                ),
                (None, None) => "nothing has been reported or verified".to_string(),
            };
            (
                Verdict::Unsupported,
                format!(
                    "No verification dated on or after the end of the period ({}) decides target {} {}: {}.",
                    s.period.to,
                    s.target_id(),
                    goal,
                    why
                ),
            )
        }
    };
    if let Some(c) = s.last_claim {
        seqs.push(c.at.seq);
    }
    seqs.sort_unstable();
    seqs.dedup();
    Some(ClaimVerdict {
        target_id: s.target_id().to_string(),
        claim: format!("target {} was met", s.target_id()),
        verdict,
        status: s.status,
        deciding_seqs: seqs,
        reason,
    })
}

/// The verdict on "target `target_id` was met" judged from `records`
/// alone — the deciding records of a claim, as a claim bundle carries them
/// — at the latest business date among them. For the deciding records of
/// [`claim`] this gives the same `verdict`, `reason` and `deciding_seqs` as
/// judging the whole log (the `status` may differ: whether the period is
/// still open depends on the date judged at, which the records do not
/// give). `None` when the records assign no such target.
pub fn claim_from_records(
    target_id: &str,
    records: impl IntoIterator<Item = (u64, pledger_core::Event)>,
) -> Option<ClaimVerdict> {
    let mut facts = Facts::new();
    let mut now: Option<Day> = None;
    for (seq, event) in records {
        let day = event.occurred_at.day();
        now = Some(now.map_or(day, |n| n.max(day)));
        facts.apply(seq, event, None);
    }
    claim(&facts, target_id, now?)
}
