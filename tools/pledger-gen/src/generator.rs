//! The [`Generator`]: its state, its construction, the business clock, the
//! envelope of each event, and the [`Iterator`] that drives everything else.

use crate::agenda::Scheduled;
use crate::commitments::Commitment;
use crate::fields::obj;
use crate::funds::Alloc;
use crate::parties::{Account, Dept, Ent, Park};
use crate::slab::Slab;
use crate::targets::Target;
use crate::tasks::OpenTask;
use crate::util::{business_day, date_string, days_from_civil, year_of, Rng};
use crate::voids::MAX_VOIDABLE;
use serde_json::{Map, Value};
use std::collections::{BinaryHeap, VecDeque};

/// Events per simulated year by default: a million events span 2006–2030.
pub const DEFAULT_EVENTS_PER_YEAR: u64 = 40_000;

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
    events_per_year: u64,
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
}

impl Generator {
    /// A generator at the default pace of [`DEFAULT_EVENTS_PER_YEAR`].
    pub fn new(seed: u64) -> Self {
        Self::with_events_per_year(seed, DEFAULT_EVENTS_PER_YEAR)
    }

    /// A generator whose business calendar advances one year per
    /// `events_per_year` events (at least 2,000, so that a year's plan fits).
    pub fn with_events_per_year(seed: u64, events_per_year: u64) -> Self {
        let mut g = Generator {
            rng: Rng::new(seed),
            seq: 0,
            events_per_year: events_per_year.max(2_000),
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
        };
        g.sync_clock(0);
        g.found();
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
            self.act();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}
