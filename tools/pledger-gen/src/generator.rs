//! The [`Generator`]: its state, its construction, the business clock, the
//! envelope of each event, and the [`Iterator`] that drives everything else.

use crate::agenda::Scheduled;
use crate::commitments::Commitment;
use crate::fields::obj;
use crate::funds::Alloc;
use crate::parties::{Account, Dept, Ent, Park};
use crate::projects::{Proj, Reached};
use crate::slab::Slab;
use crate::targets::Target;
use crate::tasks::OpenTask;
use crate::util::{business_day, date_string, days_from_civil, year_of, Rng};
use crate::voids::MAX_VOIDABLE;
use serde_json::{Map, Value};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Events per simulated year by default: a million events span 2006–2030.
pub const DEFAULT_EVENTS_PER_YEAR: u64 = 40_000;

/// Events per project signed by default: about 400 signings a year at the
/// default pace (a city with a development zone and eight county parks),
/// 10,000 in a million events.
pub const DEFAULT_EVENTS_PER_PROJECT: u64 = 100;

/// How fast the simulated city moves: events per business year, and
/// projects signed per year (the investment deals and a steady flow of
/// smaller projects together).
///
/// ```
/// use pledger_gen::{Generator, Pace};
/// // A million events with about 100,000 projects (the benchmark's scale).
/// let pace = Pace::new(40_000).projects_per_year(4_000);
/// let signed = Generator::with_pace(1, pace)
///     .take(20_000)
///     .filter(|e| e["type"] == "project.signed")
///     .count();
/// assert!((1_700..2_100).contains(&signed), "{signed}");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    /// Events per business year (at least 2,000, so that a year's plan fits).
    pub events_per_year: u64,
    /// Projects signed per business year (at most a third of the events:
    /// each takes three to four events with its registration and reports).
    pub projects_per_year: u64,
}

impl Pace {
    /// `events_per_year`, with one project signed per
    /// [`DEFAULT_EVENTS_PER_PROJECT`] events.
    pub fn new(events_per_year: u64) -> Pace {
        Pace {
            events_per_year,
            projects_per_year: events_per_year / DEFAULT_EVENTS_PER_PROJECT,
        }
    }

    /// The same pace with `n` projects signed per year.
    pub fn projects_per_year(self, n: u64) -> Pace {
        Pace {
            projects_per_year: n,
            ..self
        }
    }
}

impl Default for Pace {
    fn default() -> Pace {
        Pace::new(DEFAULT_EVENTS_PER_YEAR)
    }
}

/// The first business year; its first day is the clock's start.
pub(crate) const START_YEAR: i32 = 2006;
pub(crate) const START_DAY: i32 = days_from_civil(START_YEAR, 1, 1);
/// No entity or account: an index never given out.
pub(crate) const NONE: u32 = u32::MAX;
/// Fen per yuan: amounts are held in hundredths.
pub(crate) const Y: u64 = 100;

/// Lines of newline-free JSON, one event each: the first `n` events of
/// [`Generator::new`]`(seed)`.
pub fn ndjson_lines(seed: u64, n: usize) -> impl Iterator<Item = String> {
    Generator::new(seed).take(n).map(|v| v.to_string())
}

/// An event made but not yet yielded: its envelope is filled in by `emit`.
struct Pending {
    ty: &'static str,
    actor: u32,
    data: Map<String, Value>,
    voidable: bool,
}

/// The event stream. An unbounded iterator; see the crate docs.
pub struct Generator {
    // The clock, the events not yet yielded, and what is due later.
    pub(crate) rng: Rng,
    seq: u64,
    pub(crate) events_per_year: u64,
    pub(crate) projects_per_year: u64,
    pub(crate) day: i32,
    pub(crate) year: i32,
    pub(crate) date: String,
    pending: VecDeque<Pending>,
    pub(crate) agenda: BinaryHeap<Scheduled>,
    pub(crate) agenda_n: u64,

    // The registry: entities, accounts, and the roles the stream picks from.
    pub(crate) ents: Vec<Ent>,
    pub(crate) accts: Vec<Account>,
    pub(crate) gov: u32,
    pub(crate) depts: Vec<Dept>,
    pub(crate) auditors: Vec<u32>,
    pub(crate) parks: Vec<Park>,
    pub(crate) treasury: u32,
    pub(crate) construction_fund: u32,
    pub(crate) land_income: u32,
    pub(crate) credit: u32,
    pub(crate) reward_fund: u32,
    pub(crate) bank: u32,
    pub(crate) bt_investors: Vec<u32>,
    pub(crate) enterprises: Vec<u32>,
    pub(crate) contractors: Vec<u32>,
    pub(crate) routes: Vec<(u32, u32)>,

    // What is open: targets, yearly tasks, commitments, allocations,
    // voidable reports.
    pub(crate) targets: Slab<Target>,
    pub(crate) tasks: Slab<OpenTask>,
    pub(crate) commitments: Slab<Commitment>,
    pub(crate) budget_allocs: Vec<Alloc>,
    pub(crate) contract_allocs: Vec<Alloc>,
    pub(crate) voidable: VecDeque<(u64, u32)>,

    // The project register: every project signed, with its timeline; per
    // park its recent signings (to pick one only signed from) and, per
    // year, the projects that reach a counted stage in it.
    pub(crate) projects: Vec<Proj>,
    pub(crate) pools: Vec<VecDeque<u32>>,
    pub(crate) reached: Reached,
    /// Projects' next stage reports, earliest first: (day, order, project).
    pub(crate) stages: BinaryHeap<Reverse<(i32, u64, u32)>>,

    // Counters of the ids given out, per kind.
    pub(crate) n_ent: u64,
    pub(crate) n_target: u64,
    pub(crate) n_alloc: u64,
    pub(crate) n_disb: u64,
    pub(crate) n_cmt: u64,
    pub(crate) n_scheme: u64,
    pub(crate) n_payout: u64,
    pub(crate) n_task: u64,
    pub(crate) n_sanction: u64,
    pub(crate) n_doc: u64,
    pub(crate) n_signed: u64,
    pub(crate) n_parcel: u64,
    pub(crate) n_fund: u64,
}

impl Generator {
    /// A generator at the default pace of [`DEFAULT_EVENTS_PER_YEAR`].
    pub fn new(seed: u64) -> Self {
        Self::with_events_per_year(seed, DEFAULT_EVENTS_PER_YEAR)
    }

    /// A generator whose business calendar advances one year per
    /// `events_per_year` events (at least 2,000, so that a year's plan fits),
    /// signing one project per [`DEFAULT_EVENTS_PER_PROJECT`] events.
    pub fn with_events_per_year(seed: u64, events_per_year: u64) -> Self {
        Self::with_pace(seed, Pace::new(events_per_year))
    }

    /// A generator at `pace`.
    pub fn with_pace(seed: u64, pace: Pace) -> Self {
        let events_per_year = pace.events_per_year.max(2_000);
        let mut g = Generator {
            rng: Rng::new(seed),
            seq: 0,
            events_per_year,
            projects_per_year: pace.projects_per_year.min(events_per_year / 3),
            day: i32::MIN,
            year: START_YEAR,
            date: String::new(),
            pending: VecDeque::with_capacity(256),
            agenda: BinaryHeap::with_capacity(4096),
            agenda_n: 0,
            ents: Vec::with_capacity(1024),
            accts: Vec::with_capacity(512),
            gov: 0,
            depts: Vec::new(),
            auditors: Vec::new(),
            parks: Vec::new(),
            treasury: 0,
            construction_fund: 0,
            land_income: 0,
            credit: 0,
            reward_fund: 0,
            bank: 0,
            bt_investors: Vec::new(),
            enterprises: Vec::new(),
            contractors: Vec::new(),
            routes: Vec::new(),
            targets: Slab::new(),
            tasks: Slab::new(),
            commitments: Slab::new(),
            budget_allocs: Vec::new(),
            contract_allocs: Vec::new(),
            voidable: VecDeque::with_capacity(MAX_VOIDABLE + 1),
            projects: Vec::new(),
            pools: Vec::new(),
            reached: Vec::new(),
            stages: BinaryHeap::new(),
            n_ent: 0,
            n_target: 0,
            n_alloc: 0,
            n_disb: 0,
            n_cmt: 0,
            n_scheme: 0,
            n_payout: 0,
            n_task: 0,
            n_sanction: 0,
            n_doc: 0,
            n_signed: 0,
            n_parcel: 0,
            n_fund: 0,
        };
        g.sync_clock(0);
        g.found();
        g.pools = crate::projects::pools(g.parks.len());
        g.reached = (0..g.parks.len()).map(|_| Vec::new()).collect();
        g.plan_year(START_YEAR);
        g
    }

    /// How many events this generator has yielded so far.
    pub fn emitted(&self) -> u64 {
        self.seq
    }

    /// Moves the business day to where event `seq` falls.
    pub(crate) fn sync_clock(&mut self, seq: u64) {
        // A 365-day pacing year, so that a million events at the default pace
        // end in the last week of 2030 rather than spilling into 2031.
        let raw = START_DAY + (seq as u128 * 365 / self.events_per_year as u128) as i32;
        let d = business_day(raw);
        if d != self.day {
            self.day = d;
            self.date = date_string(d);
            self.year = year_of(d);
        }
    }

    /// The event in its envelope, numbered `seq`, dated today.
    fn emit(&mut self, p: Pending) -> Value {
        let seq = self.seq;
        self.seq += 1;
        self.sync_clock(seq);
        let id = self.event_id(p.ty, seq);
        if p.voidable {
            self.remember_voidable(seq, p.actor);
        }
        let m = obj! {
            "type": p.ty,
            "id": id,
            "actor": self.ents[p.actor as usize].id.clone(),
            "occurred_at": self.date.clone(),
            "data": p.data,
        };
        Value::Object(m)
    }

    /// Queues an event of type `ty` by `actor`.
    pub(crate) fn push(&mut self, ty: &'static str, actor: u32, data: Map<String, Value>) {
        self.pending.push_back(Pending {
            ty,
            actor,
            data,
            voidable: false,
        });
    }

    /// Queues an event that a later `event.voided` may name.
    pub(crate) fn push_voidable(&mut self, ty: &'static str, actor: u32, data: Map<String, Value>) {
        self.pending.push_back(Pending {
            ty,
            actor,
            data,
            voidable: true,
        });
    }
}

impl Iterator for Generator {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        loop {
            if let Some(p) = self.pending.pop_front() {
                return Some(self.emit(p));
            }
            self.sync_clock(self.seq);
            if self.agenda.peek().is_some_and(|s| s.day <= self.day) {
                let s = self.agenda.pop().expect("peeked");
                self.run(s.task);
                continue;
            }
            if self.stages.peek().is_some_and(|s| s.0 .0 <= self.day) {
                let Reverse((_, _, p)) = self.stages.pop().expect("peeked");
                self.stage_report(p);
                continue;
            }
            if self.flow_project() {
                continue;
            }
            self.act();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}
