//! Format 3.8: the project register — per project its host, investor,
//! planned investment against money in place, stage and land as of the
//! date judged, and the targets whose claims and verifications counted it
//! — and its findings (3.5, version 2): `counted_not_qualifying`,
//! `count_mismatch`, `project_double_counted` and `land_idle`.
//!
//! Judged at `now` like every view: a signing, a stage report, a claim or
//! a verification counts when live and dated on or before `now`.
//!
//! # Rules chosen where the format is silent
//!
//! - A stage report counts by its `as_of`, whenever it was recorded (on or
//!   before `now`): "as of D" means the world on D as the ledger knows it
//!   at `now`. Before `signed_on` a project has no stage and qualifies for
//!   nothing.
//! - `counted_not_qualifying` applies all of format 2.2's qualification —
//!   the first date the project reached the counted stage inside the
//!   target's period, not stalled or cancelled, enough money in place — as
//!   of the listing record's `as_of`, against the target's period in force
//!   at `now`. One finding per record and project, dated the record's
//!   business date.
//! - `count_mismatch`: one finding per record, dated its business date.
//! - `project_double_counted` compares each pair of counting targets that
//!   listed the project (their periods in force at `now`); a project's
//!   "first listing" by a target is the earliest-dated live record of that
//!   target listing it.
//! - `land_idle`: "one year after `agreed_start`" is the same calendar date
//!   a year on (29 February: 28 February); the finding is dated the day
//!   after, and says the land may be taken back once two years have passed
//!   with no start reported as of then.
//! - Judging is linear in the records: every listing is looked at once,
//!   and the stage reports of a project are sorted once per judgement.

use crate::facts::{At, Facts, Observation, ProjectFact, StageReport, TargetFact};
use crate::messages::{facts, Fact, FactSet, RefKind, Vocab};
use crate::targets;
use crate::{Finding, FindingCode, TableRow};
use pledger_core::event::{CountStage, Counts, Period, ProjectStage};
use pledger_core::money::Amount;
use pledger_core::when::Day;
use serde::Serialize;
use std::collections::BTreeMap;

/// A project's stage as of a date (format 2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Signed,
    Started,
    Producing,
    Stalled,
    Cancelled,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Signed => "signed",
            Stage::Started => "started",
            Stage::Producing => "producing",
            Stage::Stalled => "stalled",
            Stage::Cancelled => "cancelled",
        }
    }

    /// Its place in `signed < started < producing`; `None` for the stages
    /// that never count.
    fn order(self) -> Option<u8> {
        match self {
            Stage::Signed => Some(0),
            Stage::Started => Some(1),
            Stage::Producing => Some(2),
            Stage::Stalled | Stage::Cancelled => None,
        }
    }
}

impl From<ProjectStage> for Stage {
    fn from(s: ProjectStage) -> Stage {
        match s {
            ProjectStage::Started => Stage::Started,
            ProjectStage::Producing => Stage::Producing,
            ProjectStage::Stalled => Stage::Stalled,
            ProjectStage::Cancelled => Stage::Cancelled,
        }
    }
}

impl From<CountStage> for Stage {
    fn from(s: CountStage) -> Stage {
        match s {
            CountStage::Signed => Stage::Signed,
            CountStage::Started => Stage::Started,
            CountStage::Producing => Stage::Producing,
        }
    }
}

fn in_force(facts: &Facts, at: At, now: Day) -> bool {
    facts.live(at.seq) && at.day <= now
}

/// A signed project as the ledger knows it at `now`: its stage reports in
/// force, in the order of their `as_of`, then seq.
#[derive(Clone, Debug)]
pub struct Register<'a> {
    pub fact: &'a ProjectFact,
    pub reports: Vec<&'a StageReport>,
}

impl<'a> Register<'a> {
    pub fn of(facts: &'a Facts, project_id: &str, now: Day) -> Option<Register<'a>> {
        let fact = facts.projects.get(project_id).filter(|p| in_force(facts, p.at, now))?;
        Some(Register::new(facts, fact, now))
    }

    fn new(facts: &'a Facts, fact: &'a ProjectFact, now: Day) -> Register<'a> {
        let mut reports: Vec<&StageReport> = fact.stages.iter().filter(|r| in_force(facts, r.at, now)).collect();
        reports.sort_by_key(|r| (r.as_of, r.at.seq));
        Register { fact, reports }
    }

    pub fn project_id(&self) -> &str {
        self.fact.data.project_id.as_str()
    }

    /// The stage as of `d`: none before `signed_on`, then `signed`, then
    /// the latest report with `as_of` ≤ `d` (the later record on a tie).
    pub fn stage_on(&self, d: Day) -> Option<Stage> {
        if d < self.fact.data.signed_on {
            return None;
        }
        Some(
            self.reports
                .iter()
                .rev()
                .find(|r| r.as_of <= d)
                .map_or(Stage::Signed, |r| r.stage.into()),
        )
    }

    /// Money in place as of `d`: the latest reported figure with `as_of` ≤
    /// `d`, else zero.
    pub fn in_place_on(&self, d: Day) -> Amount {
        self.reports
            .iter()
            .rev()
            .filter(|r| r.as_of <= d)
            .find_map(|r| r.investment_in_place)
            .unwrap_or(Amount::ZERO)
    }

    /// The first date it reached `stage` or a later one.
    pub fn first_reached(&self, stage: Stage) -> Option<Day> {
        let want = stage.order()?;
        if want == 0 {
            return Some(self.fact.data.signed_on);
        }
        self.reports
            .iter()
            .find(|r| Stage::from(r.stage).order().is_some_and(|o| o >= want))
            .map(|r| r.as_of)
    }

    /// Does it qualify for a counting target of `period` as of `d`?
    pub fn qualifies(&self, counts: &Counts, period: &Period, d: Day) -> Result<(), NotQualifying> {
        let stage = Stage::from(counts.stage);
        let Some(now_stage) = self.stage_on(d) else {
            return Err(NotQualifying::NotYetSigned);
        };
        match self.first_reached(stage) {
            Some(first) if first > d => return Err(NotQualifying::NotReached(now_stage)),
            Some(first) if first < period.from || first > period.to => return Err(NotQualifying::OutsidePeriod(first)),
            Some(_) => {}
            None => return Err(NotQualifying::NotReached(now_stage)),
        }
        if now_stage.order().is_none() {
            return Err(NotQualifying::Halted(now_stage));
        }
        let in_place = self.in_place_on(d);
        match counts.min_investment {
            Some(min) if in_place < min => Err(NotQualifying::Short { in_place, min }),
            _ => Ok(()),
        }
    }
}

/// Why a listed project does not qualify (format 2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotQualifying {
    /// Listed before it was signed.
    NotYetSigned,
    /// It had not reached the counted stage by then (its stage then).
    NotReached(Stage),
    /// It first reached the stage outside the target's period (that date):
    /// last year's project counted again.
    OutsidePeriod(Day),
    /// Stalled or cancelled then.
    Halted(Stage),
    /// Less money in place than the target's minimum.
    Short { in_place: Amount, min: Amount },
}

impl NotQualifying {
    /// Why, as a finding's facts: the reason's code and what it rests on
    /// (the counted `stage`, the stage then, the first date reached, the
    /// target's period, the money in place against the minimum).
    fn facts(self, stage: Stage, period: &Period) -> FactSet {
        let stage = Fact::word(Vocab::Stage, stage.as_str());
        let reason = Fact::word(Vocab::NotQualifying, self.code());
        match self {
            NotQualifying::NotYetSigned => facts! { reason: reason },
            NotQualifying::NotReached(then) => facts! {
                reason: reason,
                stage_then: Fact::word(Vocab::Stage, then.as_str()),
                stage: stage,
            },
            NotQualifying::OutsidePeriod(first) => facts! {
                reason: reason,
                stage: stage,
                first_reached: first,
                period: Fact::period(period),
            },
            NotQualifying::Halted(then) => facts! {
                reason: reason,
                stage_then: Fact::word(Vocab::Stage, then.as_str()),
            },
            NotQualifying::Short { in_place, min } => facts! {
                reason: reason,
                in_place: in_place,
                min_investment: min,
            },
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            NotQualifying::NotYetSigned => "not_signed",
            NotQualifying::NotReached(_) => "stage_not_reached",
            NotQualifying::OutsidePeriod(_) => "outside_period",
            NotQualifying::Halted(_) => "stalled_or_cancelled",
            NotQualifying::Short { .. } => "investment_short",
        }
    }
}

// ---------------------------------------------------------------------------
// Listings: every project a counting target's records list.

/// One project listed by one claim or verification.
#[derive(Clone, Debug)]
pub struct Listing<'a> {
    pub target: &'a TargetFact,
    pub period: Period,
    pub counts: &'a Counts,
    pub record: &'a Observation,
    pub verification: bool,
    pub project_id: &'a str,
}

/// Every listing in force at `now`, in target then record order.
pub fn listings(facts: &Facts, now: Day) -> Vec<Listing<'_>> {
    let mut out = Vec::new();
    for t in facts.targets.values() {
        let Some(counts) = &t.data.counts else { continue };
        let Some(standing) = targets::standing(facts, t.data.target_id.as_str(), now) else {
            continue;
        };
        let records = standing
            .claims
            .iter()
            .map(|o| (*o, false))
            .chain(standing.verifications.iter().map(|o| (*o, true)));
        for (record, verification) in records {
            for p in record.projects.iter().flatten() {
                out.push(Listing {
                    target: t,
                    period: standing.period.clone(),
                    counts,
                    record,
                    verification,
                    project_id: p.as_str(),
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The report

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LandRow {
    pub parcel_id: String,
    pub area_mu: String,
    pub agreed_start: Day,
    /// No start reported as of a year after `agreed_start`, judged at the
    /// report's date: the day the land became idle (null: not idle).
    pub idle_since: Option<Day>,
    /// Two years passed with no start: the land may be taken back.
    pub reclaimable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageRow {
    pub stage: Stage,
    pub as_of: Day,
    pub investment_in_place: Option<Amount>,
    pub seq: u64,
}

/// A target's record that listed the project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountedBy {
    pub target_id: String,
    pub assignee: String,
    pub metric: String,
    /// `claim` or `verification`.
    pub record: &'static str,
    pub as_of: Day,
    pub seq: u64,
    /// Did it qualify as of the record's `as_of`?
    pub qualifies: bool,
    /// Why not (`not_signed`, `stage_not_reached`, `outside_period`,
    /// `stalled_or_cancelled`, `investment_short`).
    pub reason: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProjectRow {
    pub project_id: String,
    pub name: Option<String>,
    pub host: String,
    pub host_name: Option<String>,
    pub investor: String,
    pub investor_name: Option<String>,
    pub planned_investment: Amount,
    pub signed_on: Day,
    /// As of the date judged; null before `signed_on`.
    pub stage: Option<Stage>,
    pub investment_in_place: Amount,
    pub land: Option<LandRow>,
    pub stages: Vec<StageRow>,
    pub counted_by: Vec<CountedBy>,
    pub seq: u64,
}

/// `{"projects": [...]}`, by project id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProjectsReport {
    pub projects: Vec<ProjectRow>,
}

fn name_of(facts: &Facts, id: &str) -> Option<String> {
    facts.entities.get(id).map(|e| e.data.name.0.clone())
}

/// One year after `d`, on the same calendar date (29 February: the 28th).
pub fn a_year_after(d: Day) -> Day {
    let year = d.0.year() + 1;
    Day(d
        .0
        .replace_year(year)
        .unwrap_or_else(|_| time::Date::from_calendar_date(year, time::Month::February, 28).unwrap_or(d.0)))
}

fn next_day(d: Day) -> Day {
    Day(d.0.next_day().unwrap_or(d.0))
}

/// Idle land judged at `now`: (the first day idle, reclaimable), or
/// `None` when the project has no land, started in time, or the year has
/// not run out.
fn idle(r: &Register, now: Day) -> Option<(Day, bool)> {
    let land = r.fact.data.land.as_ref()?;
    let started_by = |d: Day| {
        r.reports
            .iter()
            .any(|x| matches!(x.stage, ProjectStage::Started | ProjectStage::Producing) && x.as_of <= d)
    };
    let one = a_year_after(land.agreed_start);
    if now <= one || started_by(one) {
        return None;
    }
    let two = a_year_after(one);
    Some((next_day(one), now > two && !started_by(two)))
}

fn row(facts: &Facts, r: &Register, counted: &[&Listing], now: Day) -> ProjectRow {
    let d = &r.fact.data;
    ProjectRow {
        project_id: d.project_id.to_string(),
        name: name_of(facts, d.project_id.as_str()),
        host: d.host.to_string(),
        host_name: name_of(facts, d.host.as_str()),
        investor: d.investor.to_string(),
        investor_name: name_of(facts, d.investor.as_str()),
        planned_investment: d.planned_investment,
        signed_on: d.signed_on,
        stage: r.stage_on(now),
        investment_in_place: r.in_place_on(now),
        land: d.land.as_ref().map(|l| {
            let idle = idle(r, now);
            LandRow {
                parcel_id: l.parcel_id.to_string(),
                area_mu: l.area_mu.to_string(),
                agreed_start: l.agreed_start,
                idle_since: idle.map(|(d, _)| d),
                reclaimable: idle.is_some_and(|(_, two)| two),
            }
        }),
        stages: r
            .reports
            .iter()
            .map(|x| StageRow {
                stage: x.stage.into(),
                as_of: x.as_of,
                investment_in_place: x.investment_in_place,
                seq: x.at.seq,
            })
            .collect(),
        counted_by: counted
            .iter()
            .map(|l| {
                let verdict = r.qualifies(l.counts, &l.period, l.record.as_of);
                CountedBy {
                    target_id: l.target.data.target_id.to_string(),
                    assignee: l.target.data.assignee.to_string(),
                    metric: l.target.data.metric.0.clone(),
                    record: if l.verification { "verification" } else { "claim" },
                    as_of: l.record.as_of,
                    seq: l.record.at.seq,
                    qualifies: verdict.is_ok(),
                    reason: verdict.err().map(NotQualifying::code),
                }
            })
            .collect(),
        seq: r.fact.at.seq,
    }
}

fn by_project<'l, 'a>(all: &'l [Listing<'a>]) -> BTreeMap<&'a str, Vec<&'l Listing<'a>>> {
    let mut map: BTreeMap<&str, Vec<&Listing>> = BTreeMap::new();
    for l in all {
        map.entry(l.project_id).or_default().push(l);
    }
    for v in map.values_mut() {
        v.sort_by_key(|l| l.record.at.seq);
    }
    map
}

/// The projects report judged at `now`.
pub fn report(facts: &Facts, now: Day) -> ProjectsReport {
    let all = listings(facts, now);
    let counted = by_project(&all);
    let projects = facts
        .projects
        .values()
        .filter(|p| in_force(facts, p.at, now))
        .map(|p| {
            let r = Register::new(facts, p, now);
            let c = counted.get(r.project_id()).map_or(&[][..], |v| &v[..]);
            row(facts, &r, c, now)
        })
        .collect();
    ProjectsReport { projects }
}

/// One project, `None` when it is not signed (in force) at `now`.
pub fn project(facts: &Facts, project_id: &str, now: Day) -> Option<ProjectRow> {
    let r = Register::of(facts, project_id, now)?;
    let all = listings(facts, now);
    let mine: Vec<&Listing> = all.iter().filter(|l| l.project_id == project_id).collect();
    Some(row(facts, &r, &mine, now))
}

impl TableRow for ProjectRow {
    fn header() -> &'static [&'static str] {
        &[
            "project",
            "host",
            "investor",
            "signed",
            "stage",
            "in place / planned",
            "land",
            "counted by",
        ]
    }

    fn cells(&self) -> Vec<String> {
        let named = |id: &str, name: &Option<String>| match name {
            Some(n) => format!("{n} ({id})"),
            None => id.to_string(),
        };
        let land = self.land.as_ref().map_or_else(
            || "-".to_string(),
            |l| {
                let idle = match (l.idle_since, l.reclaimable) {
                    (Some(_), true) => ", idle over two years",
                    (Some(_), false) => ", idle",
                    _ => "",
                };
                format!("{} {} mu, start by {}{}", l.parcel_id, l.area_mu, l.agreed_start, idle)
            },
        );
        let counted: Vec<String> = self
            .counted_by
            .iter()
            .map(|c| {
                format!(
                    "{} ({} {}{})",
                    c.target_id,
                    c.record,
                    c.as_of,
                    if c.qualifies { "" } else { ", does not qualify" }
                )
            })
            .collect();
        vec![
            named(&self.project_id, &self.name),
            named(&self.host, &self.host_name),
            named(&self.investor, &self.investor_name),
            self.signed_on.to_string(),
            self.stage.map_or("-", Stage::as_str).to_string(),
            format!("{} / {}", self.investment_in_place, self.planned_investment),
            land,
            if counted.is_empty() {
                "-".to_string()
            } else {
                counted.join("; ")
            },
        ]
    }
}

// ---------------------------------------------------------------------------
// Findings

/// Project findings judged at `now` (see the module docs for the rules).
pub fn findings(facts: &Facts, now: Day, out: &mut Vec<Finding>) {
    let all = listings(facts, now);
    let mut registers: BTreeMap<&str, Option<Register>> = BTreeMap::new();
    for l in &all {
        let r = registers
            .entry(l.project_id)
            .or_insert_with(|| Register::of(facts, l.project_id, now));
        let verdict = match r {
            Some(r) => r.qualifies(l.counts, &l.period, l.record.as_of),
            None => Err(NotQualifying::NotYetSigned),
        };
        let Err(why) = verdict else { continue };
        let stage = Stage::from(l.counts.stage);
        let mut seqs = vec![l.record.at.seq];
        if let Some(r) = r {
            seqs.push(r.fact.at.seq);
            seqs.extend(r.reports.iter().filter(|x| x.as_of <= l.record.as_of).map(|x| x.at.seq));
        }
        seqs.sort_unstable();
        seqs.dedup();
        let mut f = record_facts(
            facts,
            l.target,
            l.record,
            if l.verification { "verification" } else { "claim" },
        );
        f.push("project", Fact::project(facts, l.project_id));
        f.0.extend(why.facts(stage, &l.period).0);
        out.push(Finding::new(
            FindingCode::CountedNotQualifying,
            f,
            vec![
                l.target.data.target_id.to_string(),
                l.project_id.to_string(),
                l.target.data.assignee.to_string(),
            ],
            seqs,
            l.record.at.day,
        ));
    }
    count_mismatch(facts, now, out);
    double_counted(facts, &all, out);
    for p in facts.projects.values().filter(|p| in_force(facts, p.at, now)) {
        let r = Register::new(facts, p, now);
        let (Some((since, two)), Some(land)) = (idle(&r, now), p.data.land.as_ref()) else {
            continue;
        };
        out.push(Finding::new(
            FindingCode::LandIdle,
            facts! {
                project: Fact::project(facts, p.data.project_id.as_str()),
                investor: Fact::entity(facts, p.data.investor.as_str()),
                parcel: Fact::id(RefKind::Parcel, land.parcel_id.as_str()),
                area_mu: land.area_mu,
                agreed_start: land.agreed_start,
                idle_since: since,
                reclaimable_after?: two.then(|| a_year_after(a_year_after(land.agreed_start))),
            },
            vec![
                p.data.project_id.to_string(),
                land.parcel_id.to_string(),
                p.data.host.to_string(),
            ],
            std::iter::once(p.at.seq)
                .chain(r.reports.iter().map(|x| x.at.seq))
                .collect(),
            since,
        ));
    }
}

/// The facts naming a claim or verification (`record`) of a counting
/// target in a finding.
fn record_facts(facts: &Facts, t: &TargetFact, o: &Observation, record: &'static str) -> FactSet {
    facts! {
        record: Fact::word(Vocab::Record, record),
        target: Fact::id(RefKind::Target, t.data.target_id.as_str()),
        assignee: Fact::entity(facts, t.data.assignee.as_str()),
        metric: Fact::word(Vocab::Metric, t.data.metric.0.as_str()),
        recorded_by: Fact::entity(facts, &o.actor),
        date: o.at.day,
        seq: o.at.seq,
        as_of: o.as_of,
    }
}

/// `count_mismatch`: a counting target's record whose value is not the
/// number of projects it lists.
fn count_mismatch(facts: &Facts, now: Day, out: &mut Vec<Finding>) {
    for t in facts.targets.values().filter(|t| t.data.counts.is_some()) {
        let Some(standing) = targets::standing(facts, t.data.target_id.as_str(), now) else {
            continue;
        };
        let records = standing
            .claims
            .iter()
            .map(|o| (*o, "claim"))
            .chain(standing.verifications.iter().map(|o| (*o, "verification")));
        for (o, what) in records {
            let listed = o.projects.as_ref().map_or(0, Vec::len);
            if o.value.0 == rust_decimal::Decimal::from(listed) {
                continue;
            }
            let mut f = record_facts(facts, t, o, what);
            f.push("value", o.value);
            f.push("listed", listed);
            out.push(Finding::new(
                FindingCode::CountMismatch,
                f,
                vec![t.data.target_id.to_string(), t.data.assignee.to_string()],
                vec![o.at.seq],
                o.at.day,
            ));
        }
    }
}

/// `project_double_counted`: one finding per project and pair of targets
/// with the same metric, overlapping periods and different assignees.
fn double_counted(facts: &Facts, all: &[Listing], out: &mut Vec<Finding>) {
    // Per project, per target: its first listing (date, seq) and period.
    type First<'a> = BTreeMap<&'a str, (Day, u64, &'a Listing<'a>)>;
    let mut per: BTreeMap<&str, First> = BTreeMap::new();
    for l in all {
        let first = per
            .entry(l.project_id)
            .or_default()
            .entry(l.target.data.target_id.as_str())
            .or_insert((l.record.at.day, l.record.at.seq, l));
        if (l.record.at.day, l.record.at.seq) < (first.0, first.1) {
            *first = (l.record.at.day, l.record.at.seq, l);
        }
    }
    for (project, targets) in per {
        let list: Vec<_> = targets.into_iter().collect();
        for (i, (a_id, (a_day, a_seq, a))) in list.iter().enumerate() {
            for (b_id, (b_day, b_seq, b)) in &list[i + 1..] {
                let (ta, tb) = (&a.target.data, &b.target.data);
                let overlap = a.period.from <= b.period.to && b.period.from <= a.period.to;
                if ta.metric != tb.metric || ta.assignee == tb.assignee || !overlap {
                    continue;
                }
                out.push(Finding::new(
                    FindingCode::ProjectDoubleCounted,
                    facts! {
                        project: Fact::project(facts, project),
                        metric: Fact::word(Vocab::Metric, ta.metric.0.as_str()),
                        first_assignee: Fact::entity(facts, ta.assignee.as_str()),
                        first_target: Fact::id(RefKind::Target, *a_id),
                        first_listed_on: *a_day,
                        first_record: *a_seq,
                        second_assignee: Fact::entity(facts, tb.assignee.as_str()),
                        second_target: Fact::id(RefKind::Target, *b_id),
                        second_listed_on: *b_day,
                        second_record: *b_seq,
                    },
                    vec![project.to_string(), a_id.to_string(), b_id.to_string()],
                    {
                        let mut s = vec![*a_seq, *b_seq];
                        s.sort_unstable();
                        s
                    },
                    (*a_day).max(*b_day),
                ));
            }
        }
    }
}
