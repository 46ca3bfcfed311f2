//! Format 3.7: yearly tasks judged as a whole — score, veto, status,
//! ranking within a group, runs of failures and the consequences they make
//! due — and their findings (3.5, version 2).
//!
//! Judged at `now` like every view: a task, a sanction or a target's facts
//! count when live and dated on or before `now`, so `status_at(.., payout
//! date)` answers "had the task passed when the reward was paid?".
//!
//! # Rules chosen where the format is silent
//!
//! - An item whose target is not in force at `now` (voided, or assigned
//!   later) is neither met nor missed: its task stays `open` while the
//!   period runs and is `undecided` after.
//! - A task that is not in force has no status; a payout or sanction
//!   under it is judged "not passed".
//! - **Ranking** counts every task of the group and period in force at
//!   `now`, whatever its status (an open task ranks on the points it has
//!   so far); equal scores share a rank. Rows list by group, period, rank,
//!   then assessed unit.
//! - A **consequence** is one per kind: a kind named by both `on_fail`
//!   and `on_consecutive_fail` is due once, for the first reason. It is
//!   `imposed` by any live `sanction.imposed` on or before `now` naming
//!   the task and the kind; it is due by `decided_on` + 90 days, and a
//!   sanction after that still marks it imposed while
//!   `sanction_not_imposed` reports it late.
//! - **Runs**: per assignee, tasks in order of `period.to` (then
//!   `period.from`, then id). The view lists the current run; findings
//!   report every maximal run of two or more in history, as a look back
//!   needs.

use crate::calendar::add_days;
use crate::facts::{Facts, SanctionFact, TaskFact};
use crate::messages::{facts, Fact, RefKind, Vocab};
use crate::targets::{self, TargetStatus};
use crate::{decimal_text, Finding, FindingCode, TableRow};
use pledger_core::event::SanctionKind;
use pledger_core::when::Day;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// Days after `decided_on` within which a due consequence must be imposed.
pub const DAYS_TO_IMPOSE: u32 = 90;

/// `status` of a task (format 3.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Passed,
    Failed,
    Undecided,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Passed => "passed",
            TaskStatus::Failed => "failed",
            TaskStatus::Undecided => "undecided",
        }
    }
}

/// `status` of a due consequence (format 3.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsequenceStatus {
    Imposed,
    Pending,
    NotImposed,
}

impl ConsequenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsequenceStatus::Imposed => "imposed",
            ConsequenceStatus::Pending => "pending",
            ConsequenceStatus::NotImposed => "not_imposed",
        }
    }
}

/// Why a consequence is due: the task's `on_fail`, or its
/// `on_consecutive_fail` once the run reached its count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueBecause {
    OnFail,
    OnConsecutiveFail,
}

/// One item of a task judged at `now`.
#[derive(Clone, Debug)]
pub struct ItemJudgement<'a> {
    pub target_id: &'a str,
    pub weight: Decimal,
    pub veto: bool,
    /// `None`: the target is not in force at `now`.
    pub standing: Option<targets::TargetStanding<'a>>,
}

impl ItemJudgement<'_> {
    pub fn status(&self) -> Option<TargetStatus> {
        self.standing.as_ref().map(|s| s.status)
    }

    /// The verification that decided the item (met or missed).
    fn deciding(&self) -> Option<crate::facts::At> {
        self.standing.as_ref().and_then(|s| s.deciding).map(|v| v.at)
    }
}

/// A task judged at `now` (before ranking and runs).
#[derive(Clone, Debug)]
pub struct Judgement<'a> {
    pub fact: &'a TaskFact,
    pub items: Vec<ItemJudgement<'a>>,
    pub score: Decimal,
    pub max_score: Decimal,
    pub status: TaskStatus,
    pub vetoed: bool,
    pub decided_on: Option<Day>,
    /// The verifications that decided it (for findings' seqs).
    pub deciding_seqs: Vec<u64>,
}

impl Judgement<'_> {
    pub fn task_id(&self) -> &str {
        self.fact.data.task_id.as_str()
    }

    pub fn assignee(&self) -> &str {
        self.fact.data.assignee.as_str()
    }
}

fn in_force(facts: &Facts, at: crate::facts::At, now: Day) -> bool {
    facts.live(at.seq) && at.day <= now
}

/// Task `task_id` judged at `now`, or `None` when it is not in force then.
pub fn judge<'a>(facts: &'a Facts, task_id: &str, now: Day) -> Option<Judgement<'a>> {
    let fact = facts.tasks.get(task_id).filter(|t| in_force(facts, t.at, now))?;
    Some(judge_fact(facts, fact, now))
}

fn judge_fact<'a>(facts: &'a Facts, fact: &'a TaskFact, now: Day) -> Judgement<'a> {
    let items: Vec<ItemJudgement> = fact
        .data
        .items
        .iter()
        .map(|i| ItemJudgement {
            target_id: i.target_id.as_str(),
            weight: i.weight.0,
            veto: i.is_veto(),
            standing: targets::standing(facts, i.target_id.as_str(), now),
        })
        .collect();
    let score: Decimal = items
        .iter()
        .filter(|i| i.status() == Some(TargetStatus::Met))
        .map(|i| i.weight)
        .sum();
    let max_score = fact.data.max_score();
    let missed_vetoes: Vec<crate::facts::At> = items
        .iter()
        .filter(|i| i.veto && i.status() == Some(TargetStatus::Missed))
        .filter_map(|i| i.deciding())
        .collect();
    let (status, vetoed, deciders) = if !missed_vetoes.is_empty() {
        // Decided by the earliest missed veto: the day the year was lost.
        let first = missed_vetoes.iter().min_by_key(|a| (a.day, a.seq)).copied();
        (TaskStatus::Failed, true, first.into_iter().collect::<Vec<_>>())
    } else if now <= fact.data.period.to || items.iter().any(|i| i.status() == Some(TargetStatus::Open)) {
        (TaskStatus::Open, false, Vec::new())
    } else if items
        .iter()
        .all(|i| matches!(i.status(), Some(TargetStatus::Met | TargetStatus::Missed)))
    {
        let status = if score >= fact.data.pass_score.0 {
            TaskStatus::Passed
        } else {
            TaskStatus::Failed
        };
        (status, false, items.iter().filter_map(|i| i.deciding()).collect())
    } else {
        (TaskStatus::Undecided, false, Vec::new())
    };
    let decided_on = if vetoed {
        deciders.iter().map(|a| a.day).min()
    } else {
        deciders.iter().map(|a| a.day).max()
    };
    let mut deciding_seqs: Vec<u64> = deciders.iter().map(|a| a.seq).collect();
    deciding_seqs.sort_unstable();
    Judgement {
        fact,
        items,
        score,
        max_score,
        status,
        vetoed,
        decided_on,
        deciding_seqs,
    }
}

/// Just the status, or `None` when the task is not in force at `now`.
pub fn status_at(facts: &Facts, task_id: &str, now: Day) -> Option<TaskStatus> {
    judge(facts, task_id, now).map(|j| j.status)
}

// ---------------------------------------------------------------------------
// The report

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemRow {
    pub target_id: String,
    pub metric: Option<String>,
    pub weight: String,
    pub veto: bool,
    /// The target's status at `now`; null when it is not in force.
    pub status: Option<TargetStatus>,
    /// The deciding verification's value, else the latest verified value.
    pub verified_value: Option<String>,
    pub threshold: Option<String>,
    pub comparator: Option<&'static str>,
    /// The verification that decided the item, if any.
    pub decided_by_seq: Option<u64>,
}

/// A sanction taken under a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImposedRow {
    pub sanction_id: String,
    pub subject: String,
    pub imposed_on: Day,
    pub seq: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsequenceRow {
    pub kind: SanctionKind,
    pub because: DueBecause,
    pub status: ConsequenceStatus,
    /// `decided_on` + 90 days.
    pub due_by: Day,
    /// Sanctions naming the task and this kind, oldest first.
    pub imposed: Vec<ImposedRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodJson {
    pub from: Day,
    pub to: Day,
}

/// One task of the assessment report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    pub task_id: String,
    pub assignee: String,
    /// The assignee's registered name, when known.
    pub assignee_name: Option<String>,
    pub group: String,
    pub period: PeriodJson,
    pub basis: String,
    pub score: String,
    pub max_score: String,
    pub pass_score: String,
    pub status: TaskStatus,
    pub vetoed: bool,
    pub decided_on: Option<Day>,
    pub rank: usize,
    pub of: usize,
    /// The assignee's run of failed tasks ending at this task (0 unless
    /// failed).
    pub consecutive_failed: usize,
    pub items: Vec<ItemRow>,
    pub consequences: Vec<ConsequenceRow>,
    pub seq: u64,
}

/// Per assignee: its current run of failed tasks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FailureRun {
    pub assignee: String,
    pub assignee_name: Option<String>,
    pub consecutive_failed: usize,
    /// The failed tasks of the run, oldest period first.
    pub task_ids: Vec<String>,
}

/// A sanction as recorded, with the task's standing on its date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SanctionRow {
    pub sanction_id: String,
    pub subject: String,
    pub kind: SanctionKind,
    pub task_id: Option<String>,
    pub imposed_on: Day,
    pub basis: String,
    /// The task's status on the sanction's date (null: no task, or not in
    /// force then).
    pub task_status_then: Option<TaskStatus>,
    pub seq: u64,
}

/// `{"tasks": [...], "runs": [...], "sanctions": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssessmentReport {
    pub tasks: Vec<TaskRow>,
    pub runs: Vec<FailureRun>,
    pub sanctions: Vec<SanctionRow>,
}

/// Every task in force at `now`, judged, ranked, with its run position and
/// consequences.
pub struct Assessment<'a> {
    pub judgements: Vec<Judgement<'a>>,
    /// Parallel to `judgements`.
    pub ranks: Vec<(usize, usize)>,
    /// Parallel to `judgements`: the failure run ending at the task.
    pub run_at: Vec<usize>,
    /// Per assignee, indexes into `judgements` in run order.
    pub by_assignee: BTreeMap<&'a str, Vec<usize>>,
    /// Sanctions in force at `now`, by (task, kind), oldest first.
    pub imposed: BTreeMap<(&'a str, SanctionKind), Vec<&'a SanctionFact>>,
}

/// One due consequence of a judged task.
pub struct Due<'a> {
    pub kind: SanctionKind,
    pub because: DueBecause,
    pub decided_on: Day,
    pub imposed: &'a [&'a SanctionFact],
}

impl Due<'_> {
    pub fn due_by(&self) -> Day {
        add_days(self.decided_on, DAYS_TO_IMPOSE)
    }

    pub fn status(&self, now: Day) -> ConsequenceStatus {
        if !self.imposed.is_empty() {
            ConsequenceStatus::Imposed
        } else if now <= self.due_by() {
            ConsequenceStatus::Pending
        } else {
            ConsequenceStatus::NotImposed
        }
    }
}

impl<'a> Assessment<'a> {
    pub fn build(facts: &'a Facts, now: Day) -> Assessment<'a> {
        let judgements: Vec<Judgement> = facts
            .tasks
            .values()
            .filter(|t| in_force(facts, t.at, now))
            .map(|t| judge_fact(facts, t, now))
            .collect();
        let ranks = rank(&judgements);
        let mut by_assignee: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, j) in judgements.iter().enumerate() {
            by_assignee.entry(j.fact.data.assignee.as_str()).or_default().push(i);
        }
        let mut run_at = vec![0; judgements.len()];
        for list in by_assignee.values_mut() {
            list.sort_by(|&a, &b| {
                let (pa, pb) = (&judgements[a].fact.data.period, &judgements[b].fact.data.period);
                (pa.to, pa.from, judgements[a].task_id()).cmp(&(pb.to, pb.from, judgements[b].task_id()))
            });
            let mut run = 0;
            for &i in list.iter() {
                match judgements[i].status {
                    TaskStatus::Failed => {
                        run += 1;
                        run_at[i] = run;
                    }
                    TaskStatus::Passed => run = 0,
                    TaskStatus::Open | TaskStatus::Undecided => {}
                }
            }
        }
        let mut imposed: BTreeMap<(&str, SanctionKind), Vec<&SanctionFact>> = BTreeMap::new();
        for s in facts.sanctions.values().filter(|s| in_force(facts, s.at, now)) {
            if let Some(t) = &s.data.task_id {
                imposed.entry((t.as_str(), s.data.kind)).or_default().push(s);
            }
        }
        for list in imposed.values_mut() {
            list.sort_by_key(|s| (s.at.day, s.at.seq));
        }
        Assessment {
            judgements,
            ranks,
            run_at,
            by_assignee,
            imposed,
        }
    }

    /// The consequences due for judgement `i` (none unless it failed).
    pub fn due(&self, i: usize) -> Vec<Due<'_>> {
        let j = &self.judgements[i];
        let (TaskStatus::Failed, Some(decided_on)) = (j.status, j.decided_on) else {
            return Vec::new();
        };
        let Some(c) = &j.fact.data.consequences else {
            return Vec::new();
        };
        let mut kinds: Vec<(SanctionKind, DueBecause)> = Vec::new();
        for k in c.on_fail.iter().flatten() {
            kinds.push((*k, DueBecause::OnFail));
        }
        if let Some(run) = &c.on_consecutive_fail {
            if self.run_at[i] >= run.count as usize {
                kinds.extend(run.kinds.iter().map(|k| (*k, DueBecause::OnConsecutiveFail)));
            }
        }
        let mut out: Vec<Due> = Vec::new();
        for (kind, because) in kinds {
            if out.iter().any(|d| d.kind == kind) {
                continue;
            }
            out.push(Due {
                kind,
                because,
                decided_on,
                imposed: self.imposed.get(&(j.task_id(), kind)).map_or(&[][..], |v| &v[..]),
            });
        }
        out
    }

    /// Maximal runs of failed tasks per assignee, as indexes into
    /// `judgements`: every run in history (`every`) or only the current one.
    pub fn runs(&self, every: bool) -> Vec<(&'a str, Vec<usize>)> {
        let mut out = Vec::new();
        for (assignee, list) in &self.by_assignee {
            let mut current: Vec<usize> = Vec::new();
            let mut runs: Vec<Vec<usize>> = Vec::new();
            for &i in list {
                match self.judgements[i].status {
                    TaskStatus::Failed => current.push(i),
                    TaskStatus::Passed => {
                        if !current.is_empty() {
                            runs.push(std::mem::take(&mut current));
                        }
                    }
                    TaskStatus::Open | TaskStatus::Undecided => {}
                }
            }
            if every {
                if !current.is_empty() {
                    runs.push(current);
                }
                out.extend(runs.into_iter().map(|r| (*assignee, r)));
            } else {
                out.push((*assignee, current));
            }
        }
        out
    }
}

/// Competition ranking ("1, 2, 2, 4") by score within (group, period).
fn rank(judgements: &[Judgement]) -> Vec<(usize, usize)> {
    let mut groups: BTreeMap<(&str, Day, Day), Vec<usize>> = BTreeMap::new();
    for (i, j) in judgements.iter().enumerate() {
        let p = &j.fact.data.period;
        groups
            .entry((j.fact.data.group.0.as_str(), p.from, p.to))
            .or_default()
            .push(i);
    }
    let mut out = vec![(0, 0); judgements.len()];
    for members in groups.values() {
        for &i in members {
            let higher = members
                .iter()
                .filter(|&&o| judgements[o].score > judgements[i].score)
                .count();
            out[i] = (higher + 1, members.len());
        }
    }
    out
}

fn name_of(facts: &Facts, id: &str) -> Option<String> {
    facts.entities.get(id).map(|e| e.data.name.0.clone())
}

/// The assessment report judged at `now`.
pub fn report(facts: &Facts, now: Day) -> AssessmentReport {
    let a = Assessment::build(facts, now);
    let mut tasks: Vec<TaskRow> = a
        .judgements
        .iter()
        .enumerate()
        .map(|(i, j)| task_row(facts, &a, i, j, now))
        .collect();
    tasks.sort_by(|x, y| {
        (&x.group, x.period.from, x.period.to, x.rank, &x.assignee, &x.task_id).cmp(&(
            &y.group,
            y.period.from,
            y.period.to,
            y.rank,
            &y.assignee,
            &y.task_id,
        ))
    });
    let runs = a
        .runs(false)
        .into_iter()
        .map(|(assignee, run)| FailureRun {
            assignee: assignee.to_string(),
            assignee_name: name_of(facts, assignee),
            consecutive_failed: run.len(),
            task_ids: run.iter().map(|&i| a.judgements[i].task_id().to_string()).collect(),
        })
        .collect();
    let sanctions = facts
        .sanctions
        .values()
        .filter(|s| in_force(facts, s.at, now))
        .map(|s| SanctionRow {
            sanction_id: s.data.sanction_id.to_string(),
            subject: s.data.subject.to_string(),
            kind: s.data.kind,
            task_id: s.data.task_id.as_ref().map(|t| t.to_string()),
            imposed_on: s.at.day,
            basis: s.data.basis.0.clone(),
            task_status_then: s
                .data
                .task_id
                .as_ref()
                .and_then(|t| status_at(facts, t.as_str(), s.at.day)),
            seq: s.at.seq,
        })
        .collect();
    AssessmentReport { tasks, runs, sanctions }
}

/// One task of the report, `None` when it is not in force at `now`.
pub fn task(facts: &Facts, task_id: &str, now: Day) -> Option<TaskRow> {
    let a = Assessment::build(facts, now);
    let i = a.judgements.iter().position(|j| j.task_id() == task_id)?;
    Some(task_row(facts, &a, i, &a.judgements[i], now))
}

fn task_row(facts: &Facts, a: &Assessment, i: usize, j: &Judgement, now: Day) -> TaskRow {
    let d = &j.fact.data;
    let items = j
        .items
        .iter()
        .map(|it| {
            let s = it.standing.as_ref();
            ItemRow {
                target_id: it.target_id.to_string(),
                metric: s.map(|s| s.metric().to_string()),
                weight: decimal_text(it.weight),
                veto: it.veto,
                status: it.status(),
                verified_value: s
                    .and_then(|s| s.deciding.or(s.last_verification))
                    .map(|v| v.value.to_string()),
                threshold: s.map(|s| s.threshold.to_string()),
                comparator: s.map(|s| s.comparator.as_str()),
                decided_by_seq: s.and_then(|s| s.deciding).map(|v| v.at.seq),
            }
        })
        .collect();
    let consequences = a
        .due(i)
        .iter()
        .map(|due| ConsequenceRow {
            kind: due.kind,
            because: due.because,
            status: due.status(now),
            due_by: due.due_by(),
            imposed: due
                .imposed
                .iter()
                .map(|s| ImposedRow {
                    sanction_id: s.data.sanction_id.to_string(),
                    subject: s.data.subject.to_string(),
                    imposed_on: s.at.day,
                    seq: s.at.seq,
                })
                .collect(),
        })
        .collect();
    let (rank, of) = a.ranks[i];
    TaskRow {
        task_id: d.task_id.to_string(),
        assignee: d.assignee.to_string(),
        assignee_name: name_of(facts, d.assignee.as_str()),
        group: d.group.0.clone(),
        period: PeriodJson {
            from: d.period.from,
            to: d.period.to,
        },
        basis: d.basis.0.clone(),
        score: decimal_text(j.score),
        max_score: decimal_text(j.max_score),
        pass_score: decimal_text(d.pass_score.0),
        status: j.status,
        vetoed: j.vetoed,
        decided_on: j.decided_on,
        rank,
        of,
        consecutive_failed: a.run_at[i],
        items,
        consequences,
        seq: j.fact.at.seq,
    }
}

impl TableRow for TaskRow {
    fn header() -> &'static [&'static str] {
        &[
            "group",
            "period",
            "rank",
            "unit",
            "task",
            "score / max",
            "pass",
            "status",
            "veto",
            "decided on",
            "consequences (imposed / due)",
        ]
    }

    fn cells(&self) -> Vec<String> {
        let imposed = self
            .consequences
            .iter()
            .filter(|c| c.status == ConsequenceStatus::Imposed)
            .count();
        let consequences = if self.consequences.is_empty() {
            "-".to_string()
        } else {
            let kinds: Vec<String> = self
                .consequences
                .iter()
                .map(|c| format!("{} {}", c.kind.as_str(), c.status.as_str()))
                .collect();
            format!("{imposed} / {}: {}", self.consequences.len(), kinds.join(", "))
        };
        vec![
            self.group.clone(),
            format!("{}..{}", self.period.from, self.period.to),
            format!("{} of {}", self.rank, self.of),
            match &self.assignee_name {
                Some(n) => format!("{n} ({})", self.assignee),
                None => self.assignee.clone(),
            },
            self.task_id.clone(),
            format!("{} / {}", self.score, self.max_score),
            self.pass_score.clone(),
            self.status.as_str().to_string(),
            if self.vetoed { "vetoed" } else { "-" }.to_string(),
            self.decided_on.map_or_else(|| "-".to_string(), |d| d.to_string()),
            consequences,
        ]
    }
}

// ---------------------------------------------------------------------------
// Findings

/// Assessment findings judged at `now`:
///
/// - `consecutive_failures`: every maximal run of two or more failed
///   tasks of one assignee; dated the `decided_on` of the run's last task;
/// - `sanction_not_imposed`: a due consequence with no sanction within 90
///   days of `decided_on` (none yet, or one imposed late); dated the 91st
///   day;
/// - `sanction_without_basis`: a sanction naming a task that had `passed`
///   on the sanction's date; dated the sanction's date.
///
/// `reward_for_failed_task` is judged with the payouts
/// ([`crate::incentives::findings`]).
pub fn findings(facts: &Facts, now: Day, out: &mut Vec<Finding>) {
    let a = Assessment::build(facts, now);
    for (assignee, run) in a.runs(true).into_iter().filter(|(_, r)| r.len() >= 2) {
        let js: Vec<&Judgement> = run.iter().map(|&i| &a.judgements[i]).collect();
        let Some(last) = js.last() else { continue };
        let date = last.decided_on.unwrap_or(now);
        let listed: Vec<Fact> = js
            .iter()
            .map(|j| {
                Fact::Group(facts! {
                    task: Fact::id(RefKind::Task, j.task_id()),
                    period: Fact::period(&j.fact.data.period),
                    score: j.score,
                    max_score: j.max_score,
                    pass_score: j.fact.data.pass_score,
                    vetoed: j.vetoed,
                })
            })
            .collect();
        let mut seqs: Vec<u64> = js
            .iter()
            .flat_map(|j| std::iter::once(j.fact.at.seq).chain(j.deciding_seqs.iter().copied()))
            .collect();
        seqs.sort_unstable();
        seqs.dedup();
        let mut subjects = vec![assignee.to_string()];
        subjects.extend(js.iter().map(|j| j.task_id().to_string()));
        out.push(Finding::new(
            FindingCode::ConsecutiveFailures,
            facts! {
                assignee: Fact::entity(facts, assignee),
                failed: js.len(),
                tasks: listed,
            },
            subjects,
            seqs,
            date,
        ));
    }
    for (i, j) in a.judgements.iter().enumerate() {
        for due in a.due(i) {
            let late = due.imposed.first().filter(|s| s.at.day > due.due_by());
            if !due.imposed.is_empty() && late.is_none() {
                continue;
            }
            if now <= due.due_by() {
                continue;
            }
            let consecutive = due.because == DueBecause::OnConsecutiveFail;
            let rule_count = j
                .fact
                .data
                .consequences
                .as_ref()
                .and_then(|c| c.on_consecutive_fail.as_ref())
                .map_or(0, |r| r.count);
            let mut seqs: Vec<u64> = std::iter::once(j.fact.at.seq)
                .chain(j.deciding_seqs.iter().copied())
                .chain(late.map(|s| s.at.seq))
                .collect();
            seqs.sort_unstable();
            seqs.dedup();
            out.push(Finding::new(
                FindingCode::SanctionNotImposed,
                facts! {
                    task: Fact::id(RefKind::Task, j.task_id()),
                    assignee: Fact::entity(facts, j.assignee()),
                    vetoed: j.vetoed,
                    decided_on: due.decided_on,
                    kind: Fact::word(Vocab::SanctionKind, due.kind.as_str()),
                    because: Fact::word(
                        Vocab::Because,
                        if consecutive { "on_consecutive_fail" } else { "on_fail" },
                    ),
                    rule_count?: consecutive.then_some(rule_count),
                    run?: consecutive.then_some(a.run_at[i]),
                    days: DAYS_TO_IMPOSE,
                    due_by: due.due_by(),
                    late_sanction?: late.map(|s| Fact::id(RefKind::Sanction, s.data.sanction_id.as_str())),
                    imposed_on?: late.map(|s| s.at.day),
                    late_record?: late.map(|s| s.at.seq),
                },
                vec![
                    j.task_id().to_string(),
                    j.assignee().to_string(),
                    due.kind.as_str().to_string(),
                ],
                seqs,
                add_days(due.decided_on, DAYS_TO_IMPOSE + 1),
            ));
        }
    }
    for s in facts.sanctions.values().filter(|s| in_force(facts, s.at, now)) {
        let Some(task) = &s.data.task_id else { continue };
        let Some(then) = judge(facts, task.as_str(), s.at.day) else {
            continue;
        };
        if then.status != TaskStatus::Passed {
            continue;
        }
        let mut seqs: Vec<u64> = std::iter::once(s.at.seq)
            .chain(std::iter::once(then.fact.at.seq))
            .chain(then.deciding_seqs.iter().copied())
            .collect();
        seqs.sort_unstable();
        seqs.dedup();
        out.push(Finding::new(
            FindingCode::SanctionWithoutBasis,
            facts! {
                sanction: Fact::id(RefKind::Sanction, s.data.sanction_id.as_str()),
                kind: Fact::word(Vocab::SanctionKind, s.data.kind.as_str()),
                subject: Fact::entity(facts, s.data.subject.as_str()),
                date: s.at.day,
                task: Fact::id(RefKind::Task, task.as_str()),
                score: then.score,
                max_score: then.max_score,
                pass_score: then.fact.data.pass_score,
                decided_on?: then.decided_on,
            },
            vec![
                s.data.sanction_id.to_string(),
                task.to_string(),
                s.data.subject.to_string(),
            ],
            seqs,
            s.at.day,
        ));
    }
}

impl TableRow for FailureRun {
    fn header() -> &'static [&'static str] {
        &["unit", "failed in a row", "tasks"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            match &self.assignee_name {
                Some(n) => format!("{n} ({})", self.assignee),
                None => self.assignee.clone(),
            },
            self.consecutive_failed.to_string(),
            self.task_ids.join(", "),
        ]
    }
}
