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
//!
//! # How it is computed
//!
//! The report and the findings each judge the register once (`Judged`):
//! every project in force with its reports sorted (a [`Register`], in
//! project id order), a hash index from project id to it, the records of
//! the counting targets (one [`targets::standing`] per counting target),
//! and the listings grouped per project in seq order. A listing then finds
//! its project in constant time, a project its listings without a search,
//! and `project_double_counted` compares the few targets that listed one
//! project; nothing is keyed by string in an ordered map per listing. The
//! rows' ids and names are shared text ([`Str`]): the target, park and
//! investor named by thousands of rows are copied once, not per row.

use crate::facts::{At, Facts, Observation, ProjectFact, StageReport, TargetFact};
use crate::messages::{facts, Fact, FactSet, RefKind, Vocab};
use crate::targets;
use crate::{Finding, FindingCode, TableRow};
use pledger_core::event::{CountStage, Counts, Period, ProjectStage};
use pledger_core::money::Amount;
use pledger_core::when::Day;
use serde::Serialize;
use std::collections::BTreeMap;

/// Keyed by project or entity id: foldhash, as the facts use.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

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
        // Mostly reported in the order of their dates already.
        if !reports
            .windows(2)
            .all(|w| (w[0].as_of, w[0].at.seq) <= (w[1].as_of, w[1].at.seq))
        {
            reports.sort_by_key(|r| (r.as_of, r.at.seq));
        }
        Register { fact, reports }
    }

    pub fn project_id(&self) -> &'a str {
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

/// A claim or verification of a counting target in force at `now`, with
/// the target's period in force and what it counts.
struct CountingRecord<'a> {
    target: &'a TargetFact,
    period: Period,
    counts: &'a Counts,
    record: &'a Observation,
    verification: bool,
}

/// Every claim and verification in force at `now` of every counting
/// target, in target then record order (claims, then verifications).
fn counting_records(facts: &Facts, now: Day) -> Vec<CountingRecord<'_>> {
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
            out.push(CountingRecord {
                target: t,
                period: standing.period.clone(),
                counts,
                record,
                verification,
            });
        }
    }
    out
}

/// The listings of `records`, in record then list order.
fn listings_of<'a>(records: &[CountingRecord<'a>]) -> Vec<Listing<'a>> {
    let mut out = Vec::with_capacity(
        records
            .iter()
            .map(|r| r.record.projects.as_ref().map_or(0, Vec::len))
            .sum(),
    );
    for r in records {
        for p in r.record.projects.iter().flatten() {
            out.push(Listing {
                target: r.target,
                period: r.period.clone(),
                counts: r.counts,
                record: r.record,
                verification: r.verification,
                project_id: p.as_str(),
            });
        }
    }
    out
}

/// Every listing in force at `now`, in target then record order.
pub fn listings(facts: &Facts, now: Day) -> Vec<Listing<'_>> {
    listings_of(&counting_records(facts, now))
}

/// One project listed by one of [`Judged::records`], compactly: the
/// record's place there and the project.
struct Item<'a> {
    record: u32,
    project_id: &'a str,
}

/// The register judged once at `now`: what the report and the findings
/// share (see the module docs).
struct Judged<'a> {
    /// Every project in force, in project id order.
    registers: Vec<Register<'a>>,
    /// Project id to its place in `registers`.
    index: HashMap<&'a str, usize>,
    records: Vec<CountingRecord<'a>>,
    /// Every listing, in record then list order.
    items: Vec<Item<'a>>,
    /// Per register `i`, its listings (indices into `items`) in seq order:
    /// `listed[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    listed: Vec<u32>,
    /// Listings of projects not signed (in force) at `now`, by project id,
    /// each in seq order.
    unsigned: BTreeMap<&'a str, Vec<u32>>,
}

impl<'a> Judged<'a> {
    fn new(facts: &'a Facts, now: Day) -> Judged<'a> {
        let registers: Vec<Register> = facts
            .projects
            .values()
            .filter(|p| in_force(facts, p.at, now))
            .map(|p| Register::new(facts, p, now))
            .collect();
        let mut index = HashMap::with_capacity_and_hasher(registers.len(), Default::default());
        for (i, r) in registers.iter().enumerate() {
            index.insert(r.project_id(), i);
        }
        let records = counting_records(facts, now);
        let mut items = Vec::with_capacity(
            records
                .iter()
                .map(|r| r.record.projects.as_ref().map_or(0, Vec::len))
                .sum(),
        );
        for (k, r) in records.iter().enumerate() {
            for p in r.record.projects.iter().flatten() {
                items.push(Item {
                    record: k as u32,
                    project_id: p.as_str(),
                });
            }
        }
        // Each listing's register, then the listings grouped by register
        // (a counting sort), each group in seq order.
        let mut unsigned: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        let mut starts = vec![0u32; registers.len() + 1];
        let owner: Vec<u32> = items
            .iter()
            .enumerate()
            .map(|(k, l)| match index.get(l.project_id) {
                Some(&i) => {
                    starts[i + 1] += 1;
                    i as u32
                }
                None => {
                    unsigned.entry(l.project_id).or_default().push(k as u32);
                    u32::MAX
                }
            })
            .collect();
        for i in 0..registers.len() {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut listed = vec![0u32; starts[registers.len()] as usize];
        for (k, &i) in owner.iter().enumerate() {
            if i != u32::MAX {
                listed[next[i as usize] as usize] = k as u32;
                next[i as usize] += 1;
            }
        }
        let seq = |k: &u32| records[items[*k as usize].record as usize].record.at.seq;
        for i in 0..registers.len() {
            let group = &mut listed[starts[i] as usize..starts[i + 1] as usize];
            if !group.windows(2).all(|w| seq(&w[0]) <= seq(&w[1])) {
                group.sort_by_key(seq);
            }
        }
        for v in unsigned.values_mut() {
            v.sort_by_key(seq);
        }
        Judged {
            registers,
            index,
            records,
            items,
            starts,
            listed,
            unsigned,
        }
    }

    /// Listing `k` of `items`.
    fn listing(&self, k: u32) -> Listing<'a> {
        let item = &self.items[k as usize];
        let r = &self.records[item.record as usize];
        Listing {
            target: r.target,
            period: r.period.clone(),
            counts: r.counts,
            record: r.record,
            verification: r.verification,
            project_id: item.project_id,
        }
    }

    /// The listings (indices into `items`) of register `i`, in seq order.
    fn listed_of(&self, i: usize) -> &[u32] {
        &self.listed[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// The target of listing `k`.
    fn target_of(&self, k: u32) -> &'a TargetFact {
        self.records[self.items[k as usize].record as usize].target
    }
}

// ---------------------------------------------------------------------------
// The report

/// An id or a name in a report row: shared text, so that the many rows
/// naming one target, park or investor (a report of 100,000 projects names
/// a million ids) share one copy of it; serialised as the plain string.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Str(std::sync::Arc<str>);

impl Str {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.0.to_string()
    }
}

impl From<&Str> for String {
    fn from(s: &Str) -> String {
        s.0.to_string()
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str(s.into())
    }
}

impl std::ops::Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&self.0)
    }
}

impl std::fmt::Debug for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Str {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LandRow {
    pub parcel_id: Str,
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
    pub target_id: Str,
    pub assignee: Str,
    pub metric: Str,
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
    pub project_id: Str,
    pub name: Option<Str>,
    pub host: Str,
    pub host_name: Option<Str>,
    pub investor: Str,
    pub investor_name: Option<Str>,
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

/// The text of the rows, made once and shared: ids and names of hosts
/// and investors (a park hosts thousands of projects, an investor often
/// several), the ids and metric of each target (named by every listing),
/// and the projects' own names, read alongside the entities in id order
/// when the projects come in id order (the report).
struct Shared<'a> {
    facts: &'a Facts,
    ids: HashMap<&'a str, Str>,
    names: HashMap<&'a str, Option<Str>>,
    targets: HashMap<*const TargetFact, [Str; 3]>,
    entities: std::iter::Peekable<std::collections::btree_map::Iter<'a, String, crate::facts::EntityFact>>,
    /// The last project asked for.
    last: Option<&'a str>,
}

impl<'a> Shared<'a> {
    fn new(facts: &'a Facts) -> Shared<'a> {
        Shared {
            facts,
            ids: HashMap::default(),
            names: HashMap::default(),
            targets: HashMap::default(),
            entities: facts.entities.iter().peekable(),
            last: None,
        }
    }

    fn id(&mut self, id: &'a str) -> Str {
        self.ids.entry(id).or_insert_with(|| Str::from(id)).clone()
    }

    fn name(&mut self, id: &'a str) -> Option<Str> {
        let facts = self.facts;
        self.names
            .entry(id)
            .or_insert_with(|| facts.entities.get(id).map(|e| Str::from(e.data.name.0.as_str())))
            .clone()
    }

    /// Target `t`'s id, assignee and metric.
    fn target(&mut self, t: &'a TargetFact) -> [Str; 3] {
        self.targets
            .entry(t as *const TargetFact)
            .or_insert_with(|| {
                [
                    Str::from(t.data.target_id.as_str()),
                    Str::from(t.data.assignee.as_str()),
                    Str::from(t.data.metric.0.as_str()),
                ]
            })
            .clone()
    }

    /// The name of project `id`: the entities are walked forward, so
    /// asking in id order reads each once.
    fn project_name(&mut self, id: &'a str) -> Option<Str> {
        if self.last.is_some_and(|last| id < last) {
            self.entities = self.facts.entities.iter().peekable();
        }
        self.last = Some(id);
        while self.entities.peek().is_some_and(|(k, _)| k.as_str() < id) {
            self.entities.next();
        }
        match self.entities.peek() {
            Some((k, e)) if k.as_str() == id => Some(Str::from(e.data.name.0.as_str())),
            _ => None,
        }
    }
}

fn row<'a>(
    shared: &mut Shared<'a>,
    r: &Register<'a>,
    counted: impl Iterator<Item = (Listing<'a>, [Str; 3])>,
    now: Day,
) -> ProjectRow {
    let d = &r.fact.data;
    ProjectRow {
        project_id: Str::from(d.project_id.as_str()),
        name: shared.project_name(d.project_id.as_str()),
        host: shared.id(d.host.as_str()),
        host_name: shared.name(d.host.as_str()),
        investor: shared.id(d.investor.as_str()),
        investor_name: shared.name(d.investor.as_str()),
        planned_investment: d.planned_investment,
        signed_on: d.signed_on,
        stage: r.stage_on(now),
        investment_in_place: r.in_place_on(now),
        land: d.land.as_ref().map(|l| {
            let idle = idle(r, now);
            LandRow {
                parcel_id: Str::from(l.parcel_id.as_str()),
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
            .map(|(l, [target_id, assignee, metric])| {
                let verdict = r.qualifies(l.counts, &l.period, l.record.as_of);
                CountedBy {
                    target_id,
                    assignee,
                    metric,
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

/// The projects report judged at `now`.
pub fn report(facts: &Facts, now: Day) -> ProjectsReport {
    let judged = Judged::new(facts, now);
    let mut shared = Shared::new(facts);
    // Each record's target's id, assignee and metric, shared by its listings.
    let named: Vec<[Str; 3]> = judged.records.iter().map(|c| shared.target(c.target)).collect();
    let projects = judged
        .registers
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let counted = judged.listed_of(i).iter().map(|&k| {
                (
                    judged.listing(k),
                    named[judged.items[k as usize].record as usize].clone(),
                )
            });
            row(&mut shared, r, counted, now)
        })
        .collect();
    ProjectsReport { projects }
}

/// One project, `None` when it is not signed (in force) at `now`. Only the
/// records that list it are judged.
pub fn project(facts: &Facts, project_id: &str, now: Day) -> Option<ProjectRow> {
    let r = Register::of(facts, project_id, now)?;
    let records: Vec<CountingRecord> = counting_records(facts, now)
        .into_iter()
        .filter(|c| c.record.projects.iter().flatten().any(|p| p.as_str() == project_id))
        .collect();
    let mine: Vec<Listing> = listings_of(&records)
        .into_iter()
        .filter(|l| l.project_id == project_id)
        .collect();
    let mut shared = Shared::new(facts);
    let counted: Vec<_> = mine
        .into_iter()
        .map(|l| {
            let named = shared.target(l.target);
            (l, named)
        })
        .collect();
    Some(row(&mut shared, &r, counted.into_iter(), now))
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
        let named = |id: &str, name: &Option<Str>| match name {
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
    let judged = Judged::new(facts, now);
    for k in 0..judged.items.len() as u32 {
        let l = &judged.listing(k);
        let r = judged.index.get(l.project_id).map(|&i| &judged.registers[i]);
        let verdict = match r {
            Some(r) => r.qualifies(l.counts, &l.period, l.record.as_of),
            None => Err(NotQualifying::NotYetSigned),
        };
        let Err(why) = verdict else { continue };
        not_qualifying(facts, l, r, why, out);
    }
    count_mismatch(facts, &judged.records, out);
    double_counted(facts, &judged, out);
    for r in &judged.registers {
        let p = r.fact;
        let (Some((since, two)), Some(land)) = (idle(r, now), p.data.land.as_ref()) else {
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

/// `counted_not_qualifying` for listing `l` of project `r` (`None`: not
/// signed in force).
fn not_qualifying(facts: &Facts, l: &Listing, r: Option<&Register>, why: NotQualifying, out: &mut Vec<Finding>) {
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

/// `count_mismatch`: a counting target's record whose value is not the
/// number of projects it lists.
fn count_mismatch(facts: &Facts, records: &[CountingRecord], out: &mut Vec<Finding>) {
    for c in records {
        let (t, o) = (c.target, c.record);
        let what = if c.verification { "verification" } else { "claim" };
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

/// `project_double_counted`: one finding per project and pair of targets
/// with the same metric, overlapping periods and different assignees.
fn double_counted(facts: &Facts, judged: &Judged, out: &mut Vec<Finding>) {
    let signed = (0..judged.registers.len()).map(|i| (judged.registers[i].project_id(), judged.listed_of(i)));
    let unsigned = judged.unsigned.iter().map(|(p, v)| (*p, &v[..]));
    for (project, ks) in signed.chain(unsigned) {
        // A project listed by one target only (most) has no pair.
        let Some(&first) = ks.first() else { continue };
        let target = judged.target_of(first);
        if ks.iter().all(|&k| std::ptr::eq(judged.target_of(k), target)) {
            continue;
        }
        let listed: Vec<Listing> = ks.iter().map(|&k| judged.listing(k)).collect();
        let firsts = first_listings(&listed);
        for (i, (a_day, a_seq, a)) in firsts.iter().enumerate() {
            for (b_day, b_seq, b) in &firsts[i + 1..] {
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
                        first_target: Fact::id(RefKind::Target, ta.target_id.as_str()),
                        first_listed_on: *a_day,
                        first_record: *a_seq,
                        second_assignee: Fact::entity(facts, tb.assignee.as_str()),
                        second_target: Fact::id(RefKind::Target, tb.target_id.as_str()),
                        second_listed_on: *b_day,
                        second_record: *b_seq,
                    },
                    vec![project.to_string(), ta.target_id.to_string(), tb.target_id.to_string()],
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

/// A target's first listing of a project: its date, seq and listing.
type First<'l, 'a> = (Day, u64, &'l Listing<'a>);

/// Per target that listed the project (by target id), its first listing
/// by date, then seq.
fn first_listings<'l, 'a>(listed: &'l [Listing<'a>]) -> Vec<First<'l, 'a>> {
    let mut firsts: Vec<First> = Vec::new();
    for l in listed {
        let key = (l.record.at.day, l.record.at.seq);
        match firsts.iter_mut().find(|f| std::ptr::eq(f.2.target, l.target)) {
            Some(f) if key < (f.0, f.1) => *f = (key.0, key.1, l),
            Some(_) => {}
            None => firsts.push((key.0, key.1, l)),
        }
    }
    firsts.sort_by(|a, b| a.2.target.data.target_id.cmp(&b.2.target.data.target_id));
    firsts
}
