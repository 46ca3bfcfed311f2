//! `pledger-gen`: a deterministic generator of realistic, structurally valid
//! pledger events (contract section 2), for demos, tests and benchmarks.
//!
//! ```
//! let events: Vec<serde_json::Value> = pledger_gen::Generator::new(42).take(1000).collect();
//! assert_eq!(events[0]["type"], "entity.registered");
//! assert_eq!(events[0]["actor"], events[0]["data"]["entity_id"]);
//! ```
//!
//! The stream simulates one city (常德, Changde) steering a development zone
//! and eight county parks from 2006: first the registry (government, bureaus,
//! auditors, counties, parks, people, firms, accounts), then every year a plan
//! (budget allocations, yearly and five-year targets, reward schemes), and in
//! between the daily traffic: disbursements and their receipts, progress
//! claims and audits, investment deals with their commitments, payouts.
//!
//! Every event obeys the structural rules of contract section 2: each `→`
//! names something defined earlier in the stream, actors are registered,
//! identifiers are unique within their kind, amounts are decimal strings,
//! verifications come from someone other than the assignee, receipts from
//! the receiving account's holder, disputes from the beneficiary, breaches
//! from an auditor, and voids only hit progress reports, by their reporter or
//! an auditor, once. Business-rule breaches (a late commitment, an overstated
//! claim, a reward paid for a missed target) do occur, rarely, as in life.
//!
//! The generator keeps only what later references need: the registry (which
//! grows by about one entry per hundred events), open targets, commitments
//! and allocations, and a calendar of scheduled follow-ups. Events are not
//! kept once yielded.
//!
//! Business dates run from 2006-01-02 and advance with the stream position:
//! by default [`DEFAULT_EVENTS_PER_YEAR`] events make a year (of 365 days),
//! so a million-event stream ends in late December 2030; longer streams run
//! on past 2030. Weekend dates are moved to the following Monday, so
//! `occurred_at` never decreases.

pub mod demo;
mod util;
mod world;

pub use util::splitmix64;

use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use util::{business_day, date_string, days_from_civil, dec, hex64, money2, push_padded, push_u64, year_of, Rng};
use world::*;

/// Events per simulated year by default: a million events span 2006–2030.
pub const DEFAULT_EVENTS_PER_YEAR: u64 = 40_000;

const START_YEAR: i32 = 2006;
const START_DAY: i32 = days_from_civil(START_YEAR, 1, 1);
const NONE: u32 = u32::MAX;
/// Fen per yuan: amounts are held in hundredths.
const Y: u64 = 100;
const MAX_ENTERPRISE_POOL: usize = 2_000;
const MAX_CONTRACTOR_POOL: usize = 300;
const MAX_BUDGET_ALLOCS: usize = 160;
const MAX_CONTRACT_ALLOCS: usize = 400;
const MAX_VOIDABLE: usize = 64;

/// Lines of newline-free JSON, one event each: the first `n` events of
/// [`Generator::new`]`(seed)`.
pub fn ndjson_lines(seed: u64, n: usize) -> impl Iterator<Item = String> {
    Generator::new(seed).take(n).map(|v| v.to_string())
}

macro_rules! obj {
    ($($k:literal : $v:expr),* $(,)?) => {{
        let mut m = Map::new();
        $( m.insert(String::from($k), Value::from($v)); )*
        m
    }};
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Government,
    Department,
    County,
    Park,
    Enterprise,
    Project,
    Person,
    Auditor,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Government => "government",
            Kind::Department => "department",
            Kind::County => "county",
            Kind::Park => "park",
            Kind::Enterprise => "enterprise",
            Kind::Project => "project",
            Kind::Person => "person",
            Kind::Auditor => "auditor",
        }
    }
}

struct Ent {
    id: String,
    /// For a project: the enterprise behind it (whose account it is paid into).
    parent: u32,
    /// For an enterprise: its external account.
    account: u32,
    park: u16,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AKind {
    Source,
    Internal,
    External,
}

struct Account {
    id: String,
    holder: u32,
    kind: AKind,
    earmark: Option<&'static str>,
    ceiling: Option<u64>,
    drawn: u64,
    balance: u64,
}

struct Park {
    ent: u32,
    county: u32,
    infra: u32,
    treasury: u32,
    bt: u32,
    /// County party secretary and county head (for the zone: its party
    /// working committee secretary and the administrative committee head).
    leaders: [u32; 2],
    park_leaders: [u32; 2],
    contributors: [u32; 3],
    misses: u8,
    name: &'static str,
}

struct Dept {
    ent: u32,
    quota: u64,
    persons: [u32; 2],
}

#[derive(Clone, Copy)]
enum Owner {
    Park(u16),
    Dept(u16),
}

struct Scheme {
    id: String,
    total: u64,
    owner: Owner,
}

struct Target {
    id: String,
    assignee: u32,
    assigner: u32,
    metric: u8,
    threshold: u64,
    from: i32,
    to: i32,
    final_value: u64,
    met: bool,
    inflate: bool,
    final_claimed: bool,
    headline_of: Option<u16>,
    scheme: Option<Box<Scheme>>,
}

struct Alloc {
    id: String,
    from: u32,
    to: u32,
    amount: u64,
    remaining: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Kept,
    Late,
    DisputedKept,
    DisputedBreached,
    Breached,
    Waived,
    DoublePaid,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Conds,
    Dispute,
    Pay,
    Pay2,
    Final,
}

struct Commitment {
    id: String,
    promisor: u32,
    beneficiary: u32,
    amount: Option<u64>,
    pay_from: u32,
    pay_to: u32,
    category: &'static str,
    purpose: &'static str,
    /// Condition ids, and whether each is met by `commitment.condition_met`
    /// (false: it names a target).
    conds: Vec<(String, bool)>,
    next_cond: usize,
    outcome: Outcome,
    phase: Phase,
    not_before: i32,
    /// When a clawback target turns out missed: the day to claw back and how much.
    clawback: Option<(i32, u64)>,
}

enum Due {
    Date(i32),
    After { working: bool, days: u64, cond: usize },
}

struct CSpec {
    promisor: u32,
    beneficiary: u32,
    kind: &'static str,
    terms: String,
    amount: Option<u64>,
    pay_from: u32,
    pay_to: u32,
    category: &'static str,
    purpose: &'static str,
    conds: Vec<(&'static str, Option<String>)>,
    due: Due,
    basis: Option<String>,
    clawback_targets: Vec<String>,
    not_before: i32,
    clawback: Option<(i32, u64)>,
    /// Never progresses: a condition names a target that will be missed.
    stalls: bool,
}

enum Task {
    Plan(i32),
    Receive {
        disb: String,
        actor: u32,
    },
    FinalVerify(u32),
    Payout {
        scheme_id: String,
        target_id: String,
        payee: u32,
        role: &'static str,
        amount: u64,
        claw: bool,
    },
    Clawback {
        payout_id: String,
        target_id: Option<String>,
        amount: u64,
    },
    Commit(u32),
    Repay {
        commitment_id: String,
        from: u32,
        to: u32,
        amount: u64,
    },
}

struct Scheduled {
    day: i32,
    n: u64,
    task: Task,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.day, self.n) == (other.day, other.n)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    /// Reversed, so that `BinaryHeap` pops the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.day, other.n).cmp(&(self.day, self.n))
    }
}

/// A slab of slots with reuse, for open targets and commitments.
struct Slab<T> {
    items: Vec<Option<T>>,
    free: Vec<u32>,
    live: usize,
}

impl<T> Slab<T> {
    fn new() -> Self {
        Slab {
            items: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }
    fn insert(&mut self, t: T) -> u32 {
        self.live += 1;
        if let Some(i) = self.free.pop() {
            self.items[i as usize] = Some(t);
            i
        } else {
            self.items.push(Some(t));
            (self.items.len() - 1) as u32
        }
    }
    fn remove(&mut self, i: u32) -> Option<T> {
        let t = self.items.get_mut(i as usize)?.take();
        if t.is_some() {
            self.live -= 1;
            self.free.push(i);
        }
        t
    }
    /// Takes the item out without freeing its slot; give it back with `put`.
    fn take(&mut self, i: u32) -> Option<T> {
        self.items.get_mut(i as usize)?.take()
    }
    fn put(&mut self, i: u32, t: T) {
        self.items[i as usize] = Some(t);
    }
    /// Frees a slot whose item was taken.
    fn release(&mut self, i: u32) {
        self.live -= 1;
        self.free.push(i);
    }
    fn pick(&self, rng: &mut Rng) -> Option<u32> {
        if self.live == 0 {
            return None;
        }
        for _ in 0..16 {
            let i = rng.index(self.items.len());
            if self.items[i].is_some() {
                return Some(i as u32);
            }
        }
        None
    }
}

struct Pending {
    ty: &'static str,
    actor: u32,
    data: Map<String, Value>,
    voidable: bool,
}

#[derive(Clone, Copy)]
enum Action {
    Disburse,
    Progress,
    Spot,
    ContractAlloc,
    Commitment,
    Deal,
    Revise,
    Contractor,
    Void,
}

/// Relative weights of the spontaneous actions, drawn whenever nothing is
/// scheduled. Follow-ups (receipts, commitment steps, year plans, final
/// verifications, payouts) come on top.
const ACTIONS: &[(Action, u64)] = &[
    (Action::Disburse, 4000),
    (Action::Progress, 2500),
    (Action::Spot, 300),
    (Action::ContractAlloc, 260),
    (Action::Commitment, 230),
    (Action::Deal, 70),
    (Action::Revise, 30),
    (Action::Contractor, 8),
    (Action::Void, 12),
];

/// The event stream. An unbounded iterator; see the crate docs.
pub struct Generator {
    rng: Rng,
    seq: u64,
    events_per_year: u64,
    day: i32,
    year: i32,
    date: String,
    pending: VecDeque<Pending>,
    agenda: BinaryHeap<Scheduled>,
    agenda_n: u64,

    ents: Vec<Ent>,
    accts: Vec<Account>,
    gov: u32,
    depts: Vec<Dept>,
    auditors: Vec<u32>,
    parks: Vec<Park>,
    treasury: u32,
    construction_fund: u32,
    land_income: u32,
    credit: u32,
    reward_fund: u32,
    bank: u32,
    bt_investors: Vec<u32>,
    enterprises: Vec<u32>,
    contractors: Vec<u32>,
    routes: Vec<(u32, u32)>,

    targets: Slab<Target>,
    commitments: Slab<Commitment>,
    budget_allocs: Vec<Alloc>,
    contract_allocs: Vec<Alloc>,
    voidable: VecDeque<(u64, u32)>,

    n_ent: u64,
    n_target: u64,
    n_alloc: u64,
    n_disb: u64,
    n_cmt: u64,
    n_scheme: u64,
    n_payout: u64,
    n_doc: u64,
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

    // ----- clock, envelope, scheduling --------------------------------------

    fn sync_clock(&mut self, seq: u64) {
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

    fn emit(&mut self, p: Pending) -> Value {
        let seq = self.seq;
        self.seq += 1;
        self.sync_clock(seq);
        let mut id = String::with_capacity(20);
        id.push_str(code_of(p.ty));
        id.push('-');
        push_u64(&mut id, self.year as u64);
        id.push('-');
        push_padded(&mut id, seq, 7);
        if p.voidable {
            if self.voidable.len() >= MAX_VOIDABLE {
                self.voidable.pop_front();
            }
            self.voidable.push_back((seq, p.actor));
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

    fn push(&mut self, ty: &'static str, actor: u32, data: Map<String, Value>) {
        self.pending.push_back(Pending {
            ty,
            actor,
            data,
            voidable: false,
        });
    }

    fn schedule(&mut self, day: i32, task: Task) {
        self.agenda_n += 1;
        self.agenda.push(Scheduled {
            day,
            n: self.agenda_n,
            task,
        });
    }

    fn schedule_in(&mut self, lo: u64, hi: u64, task: Task) {
        let day = self.day + self.rng.range(lo, hi) as i32;
        self.schedule(day, task);
    }

    // ----- small helpers -----------------------------------------------------

    fn eid(&self, e: u32) -> String {
        self.ents[e as usize].id.clone()
    }

    fn aid(&self, a: u32) -> String {
        self.accts[a as usize].id.clone()
    }

    fn holder(&self, a: u32) -> u32 {
        self.accts[a as usize].holder
    }

    fn auditor(&mut self) -> u32 {
        let i = self.rng.index(self.auditors.len());
        self.auditors[i]
    }

    fn finance(&self) -> u32 {
        self.depts[D_FINANCE].ent
    }

    fn mkid(&self, prefix: &str, n: u64, width: usize) -> String {
        let mut s = String::with_capacity(prefix.len() + 14);
        s.push_str(prefix);
        s.push('-');
        push_u64(&mut s, self.year as u64);
        s.push('-');
        push_padded(&mut s, n, width);
        s
    }

    /// An amount as text: two fraction digits when it has fen, else now and
    /// then two zero fraction digits, else a whole number.
    fn amount(&mut self, v: u64) -> String {
        if v % 100 != 0 || self.rng.chance(250) {
            money2(v)
        } else {
            dec(v)
        }
    }

    /// A yuan amount between `lo` and `hi` yuan, rounded to `step` yuan.
    fn yuan(&mut self, lo: u64, hi: u64, step: u64) -> u64 {
        (self.rng.range(lo, hi) / step).max(1) * step * Y
    }

    fn evidence(&mut self, office: &str) -> Value {
        let n_items = if self.rng.chance(200) { 2 } else { 1 };
        let mut items = Vec::with_capacity(n_items);
        for _ in 0..n_items {
            self.n_doc += 1;
            let mut r = String::with_capacity(40);
            r.push_str("archive:");
            r.push_str(office);
            r.push('/');
            push_u64(&mut r, self.year as u64);
            r.push('/');
            push_padded(&mut r, self.n_doc, 6);
            let mut m = obj! { "ref": r };
            if self.rng.chance(800) {
                m.insert("blake3".into(), Value::String(hex64(&mut self.rng)));
            }
            items.push(Value::Object(m));
        }
        Value::Array(items)
    }

    fn period(from: i32, to: i32) -> Value {
        Value::Object(obj! { "from": date_string(from), "to": date_string(to) })
    }

    fn clamp_ceiling(&self, from: u32, amount: u64) -> u64 {
        let a = &self.accts[from as usize];
        match a.ceiling {
            Some(c) => amount.min(c.saturating_sub(a.drawn)),
            None => amount,
        }
    }

    // ----- registry ------------------------------------------------------------

    /// Registers an entity; `actor == NONE` means the entity registers itself
    /// (only the founding record).
    fn register(&mut self, actor: u32, id: String, kind: Kind, name: String, parent: u32, park: u16) -> u32 {
        let idx = self.ents.len() as u32;
        let actor = if actor == NONE { idx } else { actor };
        let mut data = obj! { "entity_id": id.clone(), "kind": kind.as_str(), "name": name };
        if parent != NONE {
            data.insert("parent".into(), Value::String(self.eid(parent)));
        }
        self.ents.push(Ent {
            id,
            parent,
            account: NONE,
            park,
        });
        self.push("entity.registered", actor, data);
        idx
    }

    fn person(&mut self, parent: u32, park: u16) -> u32 {
        self.n_ent += 1;
        let id = self.numbered("p", self.n_ent, 6);
        let name = person_name(&mut self.rng);
        self.register(self.gov, id, Kind::Person, name, parent, park)
    }

    fn numbered(&self, prefix: &str, n: u64, width: usize) -> String {
        let mut s = String::with_capacity(prefix.len() + 1 + width);
        s.push_str(prefix);
        s.push('-');
        push_padded(&mut s, n, width);
        s
    }

    #[allow(clippy::too_many_arguments)]
    fn open_account(
        &mut self,
        actor: u32,
        id: String,
        holder: u32,
        kind: AKind,
        name: String,
        ceiling: Option<u64>,
        earmark: Option<&'static str>,
    ) -> u32 {
        let idx = self.accts.len() as u32;
        let mut data = obj! {
            "account_id": id.clone(),
            "holder": self.eid(holder),
            "name": name,
            "kind": match kind { AKind::Source => "source", AKind::Internal => "internal", AKind::External => "external" },
        };
        if let Some(c) = ceiling {
            data.insert("ceiling".into(), Value::String(dec(c)));
        }
        if let Some(e) = earmark {
            data.insert("earmark".into(), Value::String(e.into()));
        }
        self.accts.push(Account {
            id,
            holder,
            kind,
            earmark,
            ceiling,
            drawn: 0,
            balance: 0,
        });
        self.push("account.opened", actor, data);
        idx
    }

    /// A firm with its external account: registered by `actor`, inside `park`.
    fn new_firm(&mut self, actor: u32, park: u16, contractor: bool) -> u32 {
        self.n_ent += 1;
        let (prefix, name) = if contractor {
            ("ctr", contractor_name(&mut self.rng))
        } else {
            ("ent", firm_name(&mut self.rng))
        };
        let id = self.numbered(prefix, self.n_ent, 6);
        let parent = if contractor {
            NONE
        } else {
            self.parks[park as usize].ent
        };
        let e = self.register(actor, id, Kind::Enterprise, name, parent, park);
        let mut acct_id = String::from("acct-");
        acct_id.push_str(&self.ents[e as usize].id);
        let acct_name = if contractor {
            "对公结算账户"
        } else {
            "基本存款账户"
        };
        let a = self.open_account(e, acct_id, e, AKind::External, acct_name.into(), None, None);
        self.ents[e as usize].account = a;
        let pool = if contractor {
            &mut self.contractors
        } else {
            &mut self.enterprises
        };
        let cap = if contractor {
            MAX_CONTRACTOR_POOL
        } else {
            MAX_ENTERPRISE_POOL
        };
        if pool.len() >= cap {
            let i = self.rng.index(pool.len());
            pool[i] = e;
        } else {
            pool.push(e);
        }
        e
    }

    /// Record 0 and the initial registry.
    fn found(&mut self) {
        self.gov = self.register(
            NONE,
            "changde-gov".into(),
            Kind::Government,
            "常德市人民政府".into(),
            NONE,
            0,
        );
        let gov = self.gov;
        for d in DEPTS {
            let e = self.register(gov, d.id.into(), Kind::Department, d.name.into(), gov, 0);
            self.depts.push(Dept {
                ent: e,
                quota: d.quota,
                persons: [NONE; 2],
            });
        }
        for (id, name) in AUDITORS {
            let e = self.register(gov, (*id).into(), Kind::Auditor, (*name).into(), gov, 0);
            self.auditors.push(e);
        }
        let zone = self.register(gov, "deshan-zone".into(), Kind::Park, "德山开发区".into(), gov, 0);
        self.parks.push(Park {
            ent: zone,
            county: NONE,
            infra: NONE,
            treasury: NONE,
            bt: NONE,
            leaders: [NONE; 2],
            park_leaders: [NONE; 2],
            contributors: [NONE; 3],
            misses: 0,
            name: "德山开发区",
        });
        for (i, c) in COUNTIES.iter().enumerate() {
            let county = self.register(gov, format!("{}-county", c.key), Kind::County, c.county.into(), gov, 0);
            let park = self.register(
                gov,
                format!("{}-park", c.key),
                Kind::Park,
                c.park.into(),
                county,
                (i + 1) as u16,
            );
            self.parks.push(Park {
                ent: park,
                county,
                infra: NONE,
                treasury: NONE,
                bt: NONE,
                leaders: [NONE; 2],
                park_leaders: [NONE; 2],
                contributors: [NONE; 3],
                misses: 0,
                name: c.park,
            });
        }
        for p in 0..self.parks.len() {
            let (pe, ce) = (self.parks[p].ent, self.parks[p].county);
            let lead_parent = if ce == NONE { pe } else { ce };
            let l0 = self.person(lead_parent, p as u16);
            let l1 = self.person(lead_parent, p as u16);
            let k0 = self.person(pe, p as u16);
            let k1 = self.person(pe, p as u16);
            let c0 = self.person(pe, p as u16);
            let c1 = self.person(pe, p as u16);
            let c2 = self.person(pe, p as u16);
            let park = &mut self.parks[p];
            park.leaders = [l0, l1];
            park.park_leaders = [k0, k1];
            park.contributors = [c0, c1, c2];
        }
        for d in 0..self.depts.len() {
            let de = self.depts[d].ent;
            let a = self.person(de, 0);
            let b = self.person(de, 0);
            self.depts[d].persons = [a, b];
        }
        let bank = self.register(
            gov,
            "cdb-hunan".into(),
            Kind::Enterprise,
            "国家开发银行湖南省分行".into(),
            NONE,
            0,
        );
        let bt1 = self.register(
            gov,
            "crec5-bt".into(),
            Kind::Enterprise,
            "中铁五局集团有限公司".into(),
            NONE,
            0,
        );
        let bt2 = self.register(
            gov,
            "hunan-construction-bt".into(),
            Kind::Enterprise,
            "湖南建工集团有限公司".into(),
            NONE,
            0,
        );

        // Accounts of the city.
        let fin = self.finance();
        let land = self.depts[D_LAND].ent;
        self.treasury = self.open_account(
            gov,
            "city-treasury".into(),
            fin,
            AKind::Source,
            "常德市本级财政预算资金".into(),
            None,
            None,
        );
        self.construction_fund = self.open_account(
            gov,
            "city-construction-fund".into(),
            fin,
            AKind::Source,
            "常德市城市建设资金".into(),
            None,
            None,
        );
        self.land_income = self.open_account(
            gov,
            "city-land-income".into(),
            land,
            AKind::Source,
            "土地出让收入专户(全额用于园区建设)".into(),
            None,
            Some("infrastructure"),
        );
        self.credit = self.open_account(
            gov,
            "cdb-credit-2006".into(),
            fin,
            AKind::Source,
            "国家开发银行授信额度(市本级,2006)".into(),
            Some(600_000_000 * Y),
            None,
        );
        self.reward_fund = self.open_account(
            gov,
            "city-park-reward-fund".into(),
            fin,
            AKind::Internal,
            "常德市园区考核奖励资金专户".into(),
            None,
            Some("reward"),
        );
        self.bank = self.open_account(
            gov,
            "cdb-hunan-loan-service".into(),
            bank,
            AKind::External,
            "国家开发银行湖南省分行还本付息账户".into(),
            None,
            None,
        );
        let b1 = self.open_account(
            gov,
            "acct-crec5-bt".into(),
            bt1,
            AKind::External,
            "中铁五局BT项目回购款账户".into(),
            None,
            None,
        );
        let b2 = self.open_account(
            gov,
            "acct-hunan-construction-bt".into(),
            bt2,
            AKind::External,
            "湖南建工BT项目回购款账户".into(),
            None,
            None,
        );
        self.bt_investors = vec![b1, b2];

        // Park accounts.
        let zone_infra = self.open_account(
            gov,
            "deshan-infra".into(),
            zone,
            AKind::Internal,
            "德山开发区基础设施建设资金专户".into(),
            None,
            Some("infrastructure"),
        );
        self.parks[0].infra = zone_infra;
        self.parks[0].treasury = self.treasury;
        for (i, c) in COUNTIES.iter().enumerate() {
            let p = i + 1;
            let (pe, ce) = (self.parks[p].ent, self.parks[p].county);
            let t = self.open_account(
                ce,
                format!("{}-treasury", c.key),
                ce,
                AKind::Source,
                format!("{}财政预算资金", c.county),
                None,
                None,
            );
            let earmark = if i % 2 == 0 { Some("infrastructure") } else { None };
            let infra = self.open_account(
                ce,
                format!("{}-park-infra", c.key),
                pe,
                AKind::Internal,
                format!("{}基础设施建设账户", c.park),
                None,
                earmark,
            );
            let bt = if c.bt_ceiling > 0 {
                self.open_account(
                    ce,
                    format!("{}-bt-financing", c.key),
                    pe,
                    AKind::Source,
                    format!("{}BT融资", c.park),
                    Some(c.bt_ceiling * Y),
                    None,
                )
            } else {
                NONE
            };
            let park = &mut self.parks[p];
            park.treasury = t;
            park.infra = infra;
            park.bt = bt;
        }

        // Money routes from sources into the parks.
        self.routes.push((self.treasury, zone_infra));
        self.routes.push((self.construction_fund, zone_infra));
        self.routes.push((self.credit, zone_infra));
        self.routes.push((self.credit, zone_infra));
        self.routes.push((self.treasury, self.reward_fund));
        for p in 0..self.parks.len() {
            let park = &self.parks[p];
            let (infra, t, bt) = (park.infra, park.treasury, park.bt);
            self.routes.push((self.land_income, infra));
            if p > 0 {
                self.routes.push((t, infra));
                self.routes.push((t, infra));
                if p % 3 == 0 {
                    self.routes.push((self.credit, infra));
                }
                if bt != NONE {
                    self.routes.push((bt, infra));
                }
            }
        }

        // Firms already at work.
        for _ in 0..6 {
            self.new_firm(gov, 0, true);
        }
        for i in 0..12 {
            let p = (i % self.parks.len()) as u16;
            let pe = self.parks[p as usize].ent;
            self.new_firm(pe, p, false);
        }
    }

    // ----- the yearly plan ----------------------------------------------------

    fn plan_year(&mut self, year: i32) {
        let gov = self.gov;
        let from = days_from_civil(year, 1, 1);
        let to = days_from_civil(year, 12, 31);
        let plan = (year - START_YEAR).max(0) / 5;
        let five_year_start = (year - START_YEAR) % 5 == 0;

        if year > START_YEAR && five_year_start {
            // A new development-bank credit line for the new plan period.
            let fin = self.finance();
            let ceiling = self.yuan(600_000_000, 1_200_000_000, 10_000_000);
            let id = format!("cdb-credit-{year}");
            let name = format!("国家开发银行授信额度(市本级,{year})");
            let old = self.credit;
            self.credit = self.open_account(gov, id, fin, AKind::Source, name, Some(ceiling), None);
            let new = self.credit;
            for r in self.routes.iter_mut() {
                if r.0 == old {
                    r.0 = new;
                }
            }
        }

        // Two missed years in a row move the park's leaders off their posts.
        for p in 0..self.parks.len() {
            if self.parks[p].misses >= 2 {
                let pe = self.parks[p].ent;
                let a = self.person(pe, p as u16);
                let b = self.person(pe, p as u16);
                self.parks[p].park_leaders = [a, b];
                self.parks[p].misses = 0;
            }
        }

        let basis = format!("常德市{year}年度工业园区目标管理责任书");
        let budget = format!("常德市{year}年财政预算");

        // Budget allocations for the year.
        let zone_infra = self.parks[0].infra;
        let amt = (300_000_000 + 20_000_000 * (year - START_YEAR) as u64) * Y;
        self.allocate(
            self.treasury,
            zone_infra,
            amt,
            "开发区基础设施建设年度投入",
            Some((from, to)),
            Some(budget.clone()),
            true,
        );
        for p in 1..self.parks.len() {
            let (t, infra) = (self.parks[p].treasury, self.parks[p].infra);
            let amt = self.yuan(20_000_000, 45_000_000, 1_000_000);
            self.allocate(
                t,
                infra,
                amt,
                "县财政园区基础设施建设投入",
                Some((from, to)),
                Some(budget.clone()),
                true,
            );
        }
        for _ in 0..2 {
            let p = self.rng.index(self.parks.len());
            let infra = self.parks[p].infra;
            let amt = self.yuan(50_000_000, 150_000_000, 1_000_000);
            self.allocate(
                self.land_income,
                infra,
                amt,
                "土地出让收入返还园区建设",
                Some((from, to)),
                Some(budget.clone()),
                true,
            );
        }
        let left = self.clamp_ceiling(self.credit, u64::MAX);
        if left >= 50_000_000 * Y {
            let amt = (left / 4 / (1_000_000 * Y)) * 1_000_000 * Y;
            self.allocate(
                self.credit,
                zone_infra,
                amt,
                "国开行贷款用于开发区基础设施",
                Some((from, to)),
                Some(budget.clone()),
                true,
            );
        }

        // Targets, and reward schemes on each park's headline target.
        let sales = [30u64, 25, 20, 15, 12][plan.min(4) as usize];
        let tax = [20u64, 18, 15, 12, 10][plan.min(4) as usize];
        let mut reward_total = 0;
        for p in 0..self.parks.len() {
            let pe = self.parks[p].ent;
            let resp = vec![
                (self.parks[p].park_leaders[0], "园区主要负责人"),
                (self.parks[p].leaders[0], "县(市、区)委书记"),
            ];
            let zone = p == 0;
            let n = (year - 2005) as u64;
            let list: Vec<(u8, u64)> = if zone {
                vec![
                    (M_GE_50M, 5 * 100),
                    (M_GE_100M, 100),
                    (M_SALES, sales * 100),
                    (M_TAX_GROWTH, tax * 100),
                    (M_ABOVE_SCALE, (40 + 15 * n) * 100),
                    (M_INFRA, (300_000_000 + 20_000_000 * (n - 1)) * Y),
                    (M_ENERGY, 90 - 2 * (plan as u64).min(20)),
                ]
            } else {
                vec![
                    (M_GE_10M, 5 * 100),
                    (M_GE_50M, 100),
                    (M_SALES, sales * 100),
                    (M_TAX_GROWTH, tax * 100),
                    (M_ABOVE_SCALE, (8 + 5 * n) * 100),
                    (M_INFRA, 20_000_000 * Y),
                ]
            };
            for (k, &(metric, threshold)) in list.iter().enumerate() {
                let r = if k < 2 { resp.clone() } else { Vec::new() };
                let slot = self.assign_target(gov, pe, metric, threshold, from, to, basis.clone(), r, 720);
                if k == 0 {
                    let total = if zone {
                        self.yuan(800_000, 1_500_000, 10_000)
                    } else {
                        self.yuan(300_000, 600_000, 10_000)
                    };
                    reward_total += total;
                    if let Some(t) = self.targets.items[slot as usize].as_mut() {
                        t.headline_of = Some(p as u16);
                    }
                    self.scheme_set(slot, total, Owner::Park(p as u16));
                }
            }
            if five_year_start {
                let (metric, thr) = if zone { (M_GE_1B, 200) } else { (M_GE_500M, 100) };
                let to5 = days_from_civil(year + 4, 12, 31);
                let basis5 = format!(
                    "常德市国民经济和社会发展第{}个五年规划",
                    ["十一", "十二", "十三", "十四", "十五"][plan.min(4) as usize]
                );
                self.assign_target(gov, pe, metric, thr, from, to5, basis5, Vec::new(), 600);
            }
        }
        for d in 0..self.depts.len() {
            let (de, quota, lead) = (self.depts[d].ent, self.depts[d].quota, self.depts[d].persons[0]);
            let slot = self.assign_target(
                gov,
                de,
                M_INTRODUCED,
                quota * 100,
                from,
                to,
                basis.clone(),
                vec![(lead, "局主要负责人")],
                700,
            );
            let total = self.yuan(50_000, 120_000, 10_000);
            reward_total += total;
            self.scheme_set(slot, total, Owner::Dept(d as u16));
        }
        self.allocate(
            self.treasury,
            self.reward_fund,
            reward_total,
            "园区及部门考核奖励资金",
            Some((from, to)),
            Some(budget),
            true,
        );

        let next = business_day(days_from_civil(year, 12, 10));
        self.schedule(next, Task::Plan(year + 1));
    }

    #[allow(clippy::too_many_arguments)]
    fn allocate(
        &mut self,
        from: u32,
        to: u32,
        amount: u64,
        purpose: &str,
        period: Option<(i32, i32)>,
        basis: Option<String>,
        budget: bool,
    ) {
        self.n_alloc += 1;
        let id = self.mkid("al", self.n_alloc, 6);
        let mut data = obj! {
            "allocation_id": id.clone(),
            "from_account": self.aid(from),
            "to_account": self.aid(to),
            "amount": self.amount(amount),
            "purpose": purpose,
        };
        if let Some((f, t)) = period {
            data.insert("period".into(), Self::period(f, t));
        }
        if let Some(b) = basis {
            data.insert("basis".into(), Value::String(b));
        }
        let actor = self.holder(from);
        self.push("fund.allocated", actor, data);
        let (list, cap) = if budget {
            (&mut self.budget_allocs, MAX_BUDGET_ALLOCS)
        } else {
            (&mut self.contract_allocs, MAX_CONTRACT_ALLOCS)
        };
        if list.len() >= cap {
            list.swap_remove(0);
        }
        list.push(Alloc {
            id,
            from,
            to,
            amount,
            remaining: amount,
        });
    }

    // ----- targets -------------------------------------------------------------

    /// Emits `target.assigned`, keeps the target open and schedules its final
    /// verification. `met_pm`: chance in 1000 that it will be met.
    #[allow(clippy::too_many_arguments)]
    fn assign_target(
        &mut self,
        actor: u32,
        assignee: u32,
        metric: u8,
        threshold: u64,
        from: i32,
        to: i32,
        basis: String,
        responsible: Vec<(u32, &'static str)>,
        met_pm: u64,
    ) -> u32 {
        let m = &METRICS[metric as usize];
        let met = self.rng.chance(met_pm);
        let f = match (m.at_most, met) {
            (false, true) => self.rng.unit_range(1.0, 1.45),
            (false, false) => self.rng.unit_range(0.4, 0.99),
            (true, true) => self.rng.unit_range(0.75, 1.0),
            (true, false) => self.rng.unit_range(1.01, 1.3),
        };
        let mut v = (threshold as f64 * f) as u64;
        if m.integer {
            v = v / 100 * 100;
            if met && v < threshold {
                v = threshold;
            }
            if !met && v >= threshold {
                v = threshold.saturating_sub(100);
            }
        }
        let met = if m.at_most { v <= threshold } else { v >= threshold };
        self.n_target += 1;
        let id = self.mkid("t", self.n_target, 6);
        let mut data = obj! {
            "target_id": id.clone(),
            "assignee": self.eid(assignee),
            "metric": m.name,
            "unit": m.unit,
            "comparator": if m.at_most { "<=" } else { ">=" },
            "threshold": dec(threshold),
            "period": Self::period(from, to),
            "basis": basis,
        };
        if !responsible.is_empty() {
            let r: Vec<Value> = responsible
                .into_iter()
                .map(|(p, role)| Value::Object(obj! { "person": self.eid(p), "role": role }))
                .collect();
            data.insert("responsible".into(), Value::Array(r));
        }
        self.push("target.assigned", actor, data);
        let inflate = self.rng.chance(150);
        let slot = self.targets.insert(Target {
            id,
            assignee,
            assigner: actor,
            metric,
            threshold,
            from,
            to,
            final_value: v,
            met,
            inflate,
            final_claimed: false,
            headline_of: None,
            scheme: None,
        });
        let day = to + self.rng.range(20, 75) as i32;
        self.schedule(day, Task::FinalVerify(slot));
        slot
    }

    fn scheme_set(&mut self, slot: u32, total: u64, owner: Owner) {
        self.n_scheme += 1;
        let id = self.mkid("sch", self.n_scheme, 5);
        let shares: &[(&str, &str)] = match owner {
            Owner::Park(_) => &[("county_leaders", "40"), ("park_leaders", "30"), ("contributors", "30")],
            Owner::Dept(_) => &[("department_leaders", "60"), ("contributors", "40")],
        };
        let shares: Vec<Value> = shares
            .iter()
            .map(|(r, p)| Value::Object(obj! { "role": *r, "percent": *p }))
            .collect();
        let t = self.targets.items[slot as usize].as_mut().expect("open target");
        let data = obj! {
            "scheme_id": id.clone(),
            "target_id": t.id.clone(),
            "total": dec(total),
            "shares": shares,
            "condition": "target_met",
        };
        t.scheme = Some(Box::new(Scheme { id, total, owner }));
        self.push("incentive.scheme_set", self.gov, data);
    }

    /// The value of a target's metric as of a day (hundredths).
    fn value_at(&mut self, t_final: u64, metric: u8, from: i32, to: i32, as_of: i32) -> u64 {
        let m = &METRICS[metric as usize];
        if as_of >= to {
            return t_final;
        }
        let mut v = match m.shape {
            Shape::Cumulative => {
                let f = (as_of - from + 1).max(0) as f64 / (to - from + 1) as f64;
                (t_final as f64 * f * self.rng.unit_range(0.85, 1.1)) as u64
            }
            Shape::Level => (t_final as f64 * self.rng.unit_range(0.9, 1.1)) as u64,
        };
        if m.integer {
            v = v / 100 * 100;
        } else if METRICS[metric as usize].unit == "CNY" {
            v = v / 1_000_000 * 1_000_000;
        }
        v
    }

    fn act_progress(&mut self) -> bool {
        for _ in 0..8 {
            let Some(slot) = self.targets.pick(&mut self.rng) else {
                return false;
            };
            let today = self.day;
            let t = self.targets.items[slot as usize].as_mut().expect("picked");
            if today <= t.from {
                continue;
            }
            let as_of = if today <= t.to {
                today
            } else if !t.final_claimed {
                t.final_claimed = true;
                t.to
            } else {
                continue;
            };
            let (fv, metric, from, to, inflate, assignee, id) = (
                t.final_value,
                t.metric,
                t.from,
                t.to,
                t.inflate,
                t.assignee,
                t.id.clone(),
            );
            let mut v = self.value_at(fv, metric, from, to, as_of);
            if inflate && self.rng.chance(600) {
                let m = &METRICS[metric as usize];
                v = if m.at_most { v * 8 / 10 } else { v * 12 / 10 };
                if m.integer {
                    v = v.div_ceil(100) * 100;
                }
            }
            let mut data = obj! { "target_id": id, "value": dec(v), "as_of": date_string(as_of) };
            if self.rng.chance(450) {
                data.insert("evidence".into(), self.evidence("report"));
            }
            self.pending.push_back(Pending {
                ty: "target.progress_reported",
                actor: assignee,
                data,
                voidable: true,
            });
            return true;
        }
        false
    }

    /// An auditor's interim check of an open target.
    fn act_spot(&mut self) -> bool {
        for _ in 0..8 {
            let Some(slot) = self.targets.pick(&mut self.rng) else {
                return false;
            };
            let today = self.day;
            let t = self.targets.items[slot as usize].as_ref().expect("picked");
            if today <= t.from || today > t.to {
                continue;
            }
            let (fv, metric, from, to, id) = (t.final_value, t.metric, t.from, t.to, t.id.clone());
            let v = self.value_at(fv, metric, from, to, today);
            let actor = self.auditor();
            let mut data = obj! { "target_id": id, "value": dec(v), "as_of": self.date.clone() };
            if self.rng.chance(700) {
                data.insert("evidence".into(), self.evidence("audit"));
            }
            if self.rng.chance(400) {
                data.insert("note".into(), Value::from("回头看专项检查(中期)"));
            }
            self.push("target.verified", actor, data);
            return true;
        }
        false
    }

    fn final_verify(&mut self, slot: u32) {
        let Some(t) = self.targets.items[slot as usize].as_ref() else {
            return;
        };
        if self.day < t.to + 5 {
            // The period was extended meanwhile.
            let day = t.to + 30;
            self.schedule(day, Task::FinalVerify(slot));
            return;
        }
        let t = self.targets.remove(slot).expect("open target");
        let actor = if self.rng.chance(350) && t.assigner != t.assignee {
            t.assigner
        } else {
            self.auditor()
        };
        let mut data = obj! { "target_id": t.id.clone(), "value": dec(t.final_value), "as_of": date_string(t.to) };
        if self.rng.chance(960) {
            data.insert("evidence".into(), self.evidence("assessment"));
        }
        if self.rng.chance(300) {
            data.insert(
                "note".into(),
                Value::from(if t.met {
                    "年度考核: 完成目标任务"
                } else {
                    "年度考核: 未完成目标任务"
                }),
            );
        }
        self.push("target.verified", actor, data);
        if let Some(p) = t.headline_of {
            let park = &mut self.parks[p as usize];
            park.misses = if t.met { 0 } else { park.misses.saturating_add(1) };
        }
        if let Some(s) = t.scheme {
            // Rewards are paid by the result; now and then one slips through.
            if t.met || self.rng.chance(100) {
                let claw = !t.met;
                let payees: Vec<(&'static str, u64, Vec<u32>)> = match s.owner {
                    Owner::Park(p) => {
                        let park = &self.parks[p as usize];
                        vec![
                            ("county_leaders", 40, park.leaders.to_vec()),
                            ("park_leaders", 30, park.park_leaders.to_vec()),
                            ("contributors", 30, park.contributors.to_vec()),
                        ]
                    }
                    Owner::Dept(d) => {
                        let dept = &self.depts[d as usize];
                        vec![
                            ("department_leaders", 60, vec![dept.persons[0]]),
                            ("contributors", 40, vec![dept.persons[1]]),
                        ]
                    }
                };
                let base = self.rng.range(15, 60);
                for (role, pct, people) in payees {
                    let each = s.total * pct / 100 / people.len() as u64;
                    for payee in people {
                        let day = self.day + (base + self.rng.range(0, 6)) as i32;
                        let task = Task::Payout {
                            scheme_id: s.id.clone(),
                            target_id: t.id.clone(),
                            payee,
                            role,
                            amount: each,
                            claw,
                        };
                        self.schedule(day, task);
                    }
                }
            }
        }
    }

    fn act_revise(&mut self) -> bool {
        let Some(slot) = self.targets.pick(&mut self.rng) else {
            return false;
        };
        let today = self.day;
        let late_ok = self.rng.chance(50);
        let t = self.targets.items[slot as usize].as_ref().expect("picked");
        if today > t.to && !late_ok {
            return false;
        }
        let enterprise_target = matches!(t.metric, M_INVEST | M_TAX_PAID | M_JOBS);
        let extend = enterprise_target && self.rng.chance(400);
        let f = self.rng.unit_range(0.8, 1.2);
        let t = self.targets.items[slot as usize].as_mut().expect("picked");
        let mut data = obj! { "target_id": t.id.clone() };
        let actor = t.assigner;
        if extend {
            t.to += 180;
            data.insert("period".into(), Self::period(t.from, t.to));
            data.insert("reason".into(), Value::from("项目建设周期延长, 经研究同意顺延考核期限"));
        } else {
            let m = &METRICS[t.metric as usize];
            let mut thr = (t.threshold as f64 * f) as u64;
            if m.integer {
                thr = (thr / 100 * 100).max(100);
            }
            t.threshold = thr.max(1);
            t.met = if m.at_most {
                t.final_value <= t.threshold
            } else {
                t.final_value >= t.threshold
            };
            data.insert("threshold".into(), Value::String(dec(t.threshold)));
            data.insert("reason".into(), Value::from("根据年中经济形势调整园区考核指标"));
        }
        self.push("target.revised", actor, data);
        true
    }

    // ----- funds ---------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn disburse(
        &mut self,
        from: u32,
        to: u32,
        amount: u64,
        kind: &'static str,
        category: Option<&'static str>,
        allocation: Option<String>,
        commitment: Option<String>,
        purpose: String,
    ) {
        self.n_disb += 1;
        let id = self.mkid("d", self.n_disb, 7);
        let category = self.accts[from as usize].earmark.or(category);
        let mut data = obj! {
            "disbursement_id": id.clone(),
            "from_account": self.aid(from),
            "to_account": self.aid(to),
            "amount": self.amount(amount),
            "purpose": purpose,
        };
        if kind != "transfer" || self.rng.chance(500) {
            data.insert("kind".into(), Value::from(kind));
        }
        if let Some(c) = category {
            data.insert("category".into(), Value::from(c));
        }
        if let Some(a) = allocation {
            data.insert("allocation_id".into(), Value::String(a));
        }
        if let Some(c) = commitment {
            data.insert("commitment_id".into(), Value::String(c));
        }
        if self.rng.chance(600) {
            let mut v = String::with_capacity(16);
            v.push_str("记账凭证");
            push_u64(&mut v, self.year as u64);
            v.push('-');
            push_padded(&mut v, self.n_disb, 7);
            data.insert("voucher".into(), Value::String(v));
        }
        {
            let a = &mut self.accts[from as usize];
            a.drawn += amount;
            a.balance = a.balance.saturating_sub(amount);
        }
        let (to_kind, to_holder) = {
            let b = &mut self.accts[to as usize];
            b.balance += amount;
            (b.kind, b.holder)
        };
        let actor = self.holder(from);
        self.push("fund.disbursed", actor, data);
        let confirm = match to_kind {
            AKind::Internal => Some((970, 1, 20)),
            AKind::External => Some((550, 2, 30)),
            AKind::Source => None,
        };
        if let Some((pm, lo, hi)) = confirm {
            if self.rng.chance(pm) {
                self.schedule_in(
                    lo,
                    hi,
                    Task::Receive {
                        disb: id,
                        actor: to_holder,
                    },
                );
            }
        }
    }

    fn act_disburse(&mut self) -> bool {
        match self.rng.below(100) {
            0..=37 => self.transfer(),
            38..=85 => self.expenditure(),
            86..=93 => self.repayment(),
            _ => self.interest(),
        }
    }

    fn transfer(&mut self) -> bool {
        if !self.budget_allocs.is_empty() && self.rng.chance(750) {
            let i = self.rng.index(self.budget_allocs.len());
            let parts = self.rng.range(4, 12);
            let a = &self.budget_allocs[i];
            let (from, to, id) = (a.from, a.to, a.id.clone());
            let tranche = (a.amount / parts / (10_000 * Y)).max(1) * 10_000 * Y;
            let amt = self.clamp_ceiling(from, tranche.min(a.remaining));
            if amt == 0 {
                self.budget_allocs.swap_remove(i);
                return false;
            }
            let a = &mut self.budget_allocs[i];
            a.remaining -= amt;
            if a.remaining == 0 {
                self.budget_allocs.swap_remove(i);
            }
            let purpose = format!("{}年度预算资金拨付", self.year);
            self.disburse(from, to, amt, "transfer", None, Some(id), None, purpose);
            return true;
        }
        let (mut from, to) = *self.rng.pick(&self.routes);
        let want = self.yuan(1_000_000, 30_000_000, 10_000);
        let mut amt = self.clamp_ceiling(from, want);
        if amt == 0 {
            from = self.treasury;
            amt = want;
        }
        let purpose = if to == self.reward_fund {
            "考核奖励资金调入".to_string()
        } else {
            "园区建设资金调度".to_string()
        };
        self.disburse(from, to, amt, "transfer", None, None, None, purpose);
        true
    }

    /// Park money spent on works, mostly under a contract.
    fn expenditure(&mut self) -> bool {
        if !self.contract_allocs.is_empty() && self.rng.chance(550) {
            let i = self.rng.index(self.contract_allocs.len());
            let parts = self.rng.range(3, 8);
            let a = &self.contract_allocs[i];
            let (from, to, id) = (a.from, a.to, a.id.clone());
            let tranche = (a.amount / parts / (1_000 * Y)).max(1) * 1_000 * Y;
            let amt = tranche.min(a.remaining).min(self.accts[from as usize].balance);
            if amt < 10_000 * Y {
                return false;
            }
            let a = &mut self.contract_allocs[i];
            a.remaining -= amt;
            if a.remaining == 0 {
                self.contract_allocs.swap_remove(i);
            }
            let purpose = format!("{}工程进度款", self.rng.pick(INFRA_WORKS));
            let cat = *self.rng.pick(EXPENSE_CATEGORIES);
            self.disburse(from, to, amt, "expenditure", Some(cat), Some(id), None, purpose);
            return true;
        }
        for _ in 0..4 {
            let p = self.rng.index(self.parks.len());
            let from = self.parks[p].infra;
            let bal = self.accts[from as usize].balance;
            if bal < 50_000 * Y {
                continue;
            }
            let (to, cat, purpose) = if self.rng.chance(780) {
                let c = *self.rng.pick(&self.contractors);
                (
                    self.ents[c as usize].account,
                    *self.rng.pick(EXPENSE_CATEGORIES),
                    format!("{}工程款", self.rng.pick(INFRA_WORKS)),
                )
            } else {
                let e = *self.rng.pick(&self.enterprises);
                (
                    self.ents[e as usize].account,
                    "subsidy",
                    "企业配套基础设施补助".to_string(),
                )
            };
            let mut amt = self.rng.range(50_000, 5_000_000) * Y;
            if self.rng.chance(400) {
                amt += self.rng.below(100);
            } else {
                amt = amt / (1_000 * Y) * 1_000 * Y;
            }
            let amt = amt.min(bal);
            self.disburse(from, to, amt, "expenditure", Some(cat), None, None, purpose);
            return true;
        }
        false
    }

    fn repayment(&mut self) -> bool {
        if self.rng.chance(550) {
            let bts: Vec<usize> = (0..self.parks.len()).filter(|&p| self.parks[p].bt != NONE).collect();
            let p = *self.rng.pick(&bts);
            let from = self.parks[p].treasury;
            let to = *self.rng.pick(&self.bt_investors);
            let amt = self.yuan(2_000_000, 20_000_000, 100_000);
            self.disburse(
                from,
                to,
                amt,
                "repayment",
                Some("bt_repayment"),
                None,
                None,
                "BT项目回购款".into(),
            );
        } else {
            let amt = self.yuan(5_000_000, 40_000_000, 100_000);
            self.disburse(
                self.treasury,
                self.bank,
                amt,
                "repayment",
                Some("debt_service"),
                None,
                None,
                "国开行贷款还本".into(),
            );
        }
        true
    }

    fn interest(&mut self) -> bool {
        if self.rng.chance(500) {
            let amt = self.yuan(500_000, 8_000_000, 1_000);
            self.disburse(
                self.treasury,
                self.bank,
                amt,
                "interest",
                Some("interest"),
                None,
                None,
                "国开行贷款付息".into(),
            );
            return true;
        }
        // Interest earned on a non-earmarked park account, handed to the treasury.
        for _ in 0..4 {
            let p = 1 + self.rng.index(self.parks.len() - 1);
            let (from, to) = (self.parks[p].infra, self.parks[p].treasury);
            if self.accts[from as usize].earmark.is_some() {
                continue;
            }
            let bal = self.accts[from as usize].balance;
            if bal < 10_000 * Y {
                continue;
            }
            let amt = (self.rng.range(1_000, 200_000) * Y + self.rng.below(100)).min(bal);
            self.disburse(
                from,
                to,
                amt,
                "interest",
                Some("interest"),
                None,
                None,
                "专户利息收入上缴国库".into(),
            );
            return true;
        }
        false
    }

    fn act_contract_alloc(&mut self) -> bool {
        let p = self.rng.index(self.parks.len());
        let from = self.parks[p].infra;
        let c = *self.rng.pick(&self.contractors);
        let to = self.ents[c as usize].account;
        let amt = self.yuan(2_000_000, 60_000_000, 10_000);
        let work = self.rng.pick(INFRA_WORKS);
        let purpose = format!("{}{}施工合同", self.parks[p].name, work);
        let basis = {
            let mut b = String::from("合同编号 CDGY-");
            push_u64(&mut b, self.year as u64);
            b.push('-');
            push_padded(&mut b, self.n_alloc + 1, 6);
            b
        };
        let end = self.day + self.rng.range(180, 540) as i32;
        self.allocate(from, to, amt, &purpose, Some((self.day, end)), Some(basis), false);
        true
    }

    fn receive(&mut self, disb: String, actor: u32) {
        self.push("fund.received", actor, obj! { "disbursement_id": disb });
    }

    // ----- commitments ----------------------------------------------------------

    fn outcome(&mut self, has_amount: bool) -> Outcome {
        match self.rng.below(100) {
            0..=73 => Outcome::Kept,
            74..=83 => Outcome::Late,
            84..=87 => Outcome::DisputedKept,
            88..=89 => Outcome::DisputedBreached,
            90..=93 => Outcome::Breached,
            94..=96 => Outcome::Waived,
            _ if has_amount => Outcome::DoublePaid,
            _ => Outcome::Kept,
        }
    }

    fn make_commitment(&mut self, s: CSpec) {
        self.n_cmt += 1;
        let id = self.mkid("cm", self.n_cmt, 6);
        let mut conds = Vec::with_capacity(s.conds.len());
        let mut cond_values = Vec::with_capacity(s.conds.len());
        for (i, (text, target)) in s.conds.into_iter().enumerate() {
            let mut cid = String::with_capacity(id.len() + 3);
            cid.push_str(&id);
            cid.push_str(":c");
            push_u64(&mut cid, i as u64 + 1);
            let mut m = obj! { "condition_id": cid.clone(), "text": text };
            conds.push((cid, target.is_none()));
            if let Some(t) = target {
                m.insert("target_id".into(), Value::String(t));
            }
            cond_values.push(Value::Object(m));
        }
        let due = match s.due {
            Due::Date(d) => Value::String(date_string(d)),
            Due::After { working, days, cond } => {
                let mut m = Map::new();
                m.insert(
                    (if working { "within_working_days" } else { "within_days" }).into(),
                    Value::from(days),
                );
                m.insert("after".into(), Value::String(conds[cond].0.clone()));
                Value::Object(m)
            }
        };
        let mut data = obj! {
            "commitment_id": id.clone(),
            "promisor": self.eid(s.promisor),
            "beneficiary": self.eid(s.beneficiary),
            "kind": s.kind,
            "terms": s.terms,
        };
        if let Some(a) = s.amount {
            data.insert("amount".into(), Value::String(self.amount(a)));
        }
        data.insert("due".into(), due);
        if !cond_values.is_empty() {
            data.insert("conditions".into(), Value::Array(cond_values));
        }
        if let Some(b) = s.basis {
            data.insert("basis".into(), Value::String(b));
        }
        if !s.clawback_targets.is_empty() {
            let v = s.clawback_targets.into_iter().map(Value::String).collect();
            data.insert("clawback_targets".into(), Value::Array(v));
        }
        self.push("commitment.made", s.promisor, data);
        if s.stalls {
            return;
        }
        let outcome = self.outcome(s.amount.is_some());
        let slot = self.commitments.insert(Commitment {
            id,
            promisor: s.promisor,
            beneficiary: s.beneficiary,
            amount: s.amount,
            pay_from: s.pay_from,
            pay_to: s.pay_to,
            category: s.category,
            purpose: s.purpose,
            conds,
            next_cond: 0,
            outcome,
            phase: Phase::Conds,
            not_before: s.not_before,
            clawback: s.clawback,
        });
        self.schedule_in(3, 40, Task::Commit(slot));
    }

    fn commit_step(&mut self, slot: u32) {
        let Some(mut c) = self.commitments.take(slot) else {
            return;
        };
        loop {
            match c.phase {
                Phase::Conds => {
                    while c.next_cond < c.conds.len() && !c.conds[c.next_cond].1 {
                        c.next_cond += 1;
                    }
                    if c.next_cond < c.conds.len() {
                        let mut data =
                            obj! { "commitment_id": c.id.clone(), "condition_id": c.conds[c.next_cond].0.clone() };
                        if self.rng.chance(600) {
                            data.insert("evidence".into(), self.evidence("condition"));
                        }
                        c.next_cond += 1;
                        self.push("commitment.condition_met", c.promisor, data);
                        self.schedule_in(5, 45, Task::Commit(slot));
                        break;
                    }
                    c.phase = Phase::Dispute;
                }
                Phase::Dispute => {
                    c.phase = Phase::Pay;
                    if matches!(c.outcome, Outcome::DisputedKept | Outcome::DisputedBreached) {
                        let data =
                            obj! { "commitment_id": c.id.clone(), "reason": "承诺事项逾期未兑现, 企业向优化办投诉" };
                        self.push("commitment.disputed", c.beneficiary, data);
                        self.schedule_in(30, 120, Task::Commit(slot));
                        break;
                    }
                }
                Phase::Pay => {
                    let pays = matches!(
                        c.outcome,
                        Outcome::Kept | Outcome::Late | Outcome::DisputedKept | Outcome::DoublePaid
                    );
                    match c.amount {
                        Some(amt) if pays => {
                            if self.day < c.not_before {
                                self.schedule(c.not_before, Task::Commit(slot));
                                break;
                            }
                            c.phase = if c.outcome == Outcome::DoublePaid {
                                Phase::Pay2
                            } else {
                                Phase::Final
                            };
                            self.disburse(
                                c.pay_from,
                                c.pay_to,
                                amt,
                                "expenditure",
                                Some(c.category),
                                None,
                                Some(c.id.clone()),
                                c.purpose.into(),
                            );
                            let (lo, hi) = if c.outcome == Outcome::Late { (60, 200) } else { (2, 20) };
                            self.schedule_in(lo, hi, Task::Commit(slot));
                            break;
                        }
                        _ => c.phase = Phase::Final,
                    }
                }
                Phase::Pay2 => {
                    c.phase = Phase::Final;
                    let amt = c.amount.unwrap_or(0);
                    self.disburse(
                        c.pay_from,
                        c.pay_to,
                        amt,
                        "expenditure",
                        Some(c.category),
                        None,
                        Some(c.id.clone()),
                        c.purpose.into(),
                    );
                    self.schedule_in(5, 30, Task::Commit(slot));
                    break;
                }
                Phase::Final => {
                    if self.day < c.not_before {
                        self.schedule(c.not_before, Task::Commit(slot));
                        break;
                    }
                    self.commitments.release(slot);
                    match c.outcome {
                        Outcome::Breached | Outcome::DisputedBreached => {
                            let a = self.auditor();
                            let data = obj! { "commitment_id": c.id, "reason": "回头看: 承诺事项逾期未兑现, 认定违约" };
                            self.push("commitment.breached", a, data);
                        }
                        Outcome::Waived => {
                            let data = obj! {
                                "commitment_id": c.id,
                                "reason": "项目终止, 企业放弃该项优惠",
                                "authority": "常德市人民政府常务会议纪要",
                            };
                            // The beneficiary gives up its right: a promisor
                            // may never let itself off its own promise.
                            self.push("commitment.waived", c.beneficiary, data);
                        }
                        _ => {
                            let mut data = obj! { "commitment_id": c.id.clone() };
                            if self.rng.chance(950) {
                                data.insert("evidence".into(), self.evidence("fulfilment"));
                            }
                            if let Some(a) = c.amount {
                                data.insert("amount".into(), Value::String(self.amount(a)));
                            }
                            self.push("commitment.fulfilled", c.promisor, data);
                            if let Some((day, amt)) = c.clawback {
                                let from = c.pay_to;
                                let to = c.pay_from;
                                self.schedule(
                                    day.max(self.day + 1),
                                    Task::Repay {
                                        commitment_id: c.id,
                                        from,
                                        to,
                                        amount: amt,
                                    },
                                );
                            }
                        }
                    }
                    return;
                }
            }
        }
        self.commitments.put(slot, c);
    }

    /// The account a beneficiary is paid into.
    fn pay_account(&self, e: u32) -> u32 {
        let ent = &self.ents[e as usize];
        if ent.account != NONE {
            ent.account
        } else {
            self.ents[ent.parent as usize].account
        }
    }

    fn act_commitment(&mut self) -> bool {
        let e = *self.rng.pick(&self.enterprises);
        let p = self.ents[e as usize].park as usize;
        let (park_ent, county, treasury) = (self.parks[p].ent, self.parks[p].county, self.parks[p].treasury);
        let ent_acct = self.pay_account(e);
        let today = self.day;
        let r = self.rng.below(100);
        let spec = if r < 30 {
            let promisor = if county == NONE { self.finance() } else { county };
            CSpec {
                promisor,
                beneficiary: e,
                kind: "tax_refund",
                terms: "企业所得税地方留成部分按比例返还".into(),
                amount: Some(self.yuan(200_000, 5_000_000, 1_000)),
                pay_from: treasury,
                pay_to: ent_acct,
                category: "tax_refund",
                purpose: "企业所得税地方留成返还",
                conds: vec![("年度企业所得税地方留成部分已入库", None)],
                due: Due::After {
                    working: true,
                    days: 20,
                    cond: 0,
                },
                basis: Some("常德市招商引资优惠政策".into()),
                clawback_targets: Vec::new(),
                not_before: 0,
                clawback: None,
                stalls: false,
            }
        } else if r < 60 {
            let (promisor, terms, cond, working, days): (u32, &str, &str, bool, u64) = match self.rng.below(3) {
                0 => (
                    self.depts[D_GOV_OFFICE].ent,
                    "申报材料齐全后一个工作日内办结审批",
                    "申报材料齐全",
                    true,
                    1,
                ),
                1 => (
                    self.depts[D_COMMERCE].ent,
                    "受理后一周内办结营业执照",
                    "营业执照申请受理",
                    false,
                    7,
                ),
                _ => (
                    park_ent,
                    "项目竣工后一个月内通水、通电、通气、通电话",
                    "项目竣工",
                    false,
                    30,
                ),
            };
            CSpec {
                promisor,
                beneficiary: e,
                kind: "service_deadline",
                terms: terms.into(),
                amount: None,
                pay_from: NONE,
                pay_to: NONE,
                category: "",
                purpose: "",
                conds: vec![(cond, None)],
                due: Due::After { working, days, cond: 0 },
                basis: Some("常德市优化经济发展环境若干规定".into()),
                clawback_targets: Vec::new(),
                not_before: 0,
                clawback: None,
                stalls: false,
            }
        } else if r < 80 {
            CSpec {
                promisor: self.depts[D_ECONOMIC].ent,
                beneficiary: e,
                kind: "subsidy",
                terms: "企业技术改造项目竣工验收后给予奖励".into(),
                amount: Some(self.yuan(100_000, 3_000_000, 1_000)),
                pay_from: self.treasury,
                pay_to: ent_acct,
                category: "subsidy",
                purpose: "技术改造奖励资金",
                conds: vec![("技改项目竣工验收", None)],
                due: Due::Date(today + 180),
                basis: Some("常德市工业企业技术改造奖励办法".into()),
                clawback_targets: Vec::new(),
                not_before: 0,
                clawback: None,
                stalls: false,
            }
        } else if r < 88 {
            let p = 1 + self.rng.index(self.parks.len() - 1);
            let (pe, ce, t, infra) = (
                self.parks[p].ent,
                self.parks[p].county,
                self.parks[p].treasury,
                self.parks[p].infra,
            );
            CSpec {
                promisor: ce,
                beneficiary: pe,
                kind: "funding",
                terms: "县财政每年投入园区基础设施建设资金不少于2000万元".into(),
                amount: Some(self.yuan(20_000_000, 40_000_000, 1_000_000)),
                pay_from: t,
                pay_to: infra,
                category: "infrastructure",
                purpose: "县级园区基础设施建设投入",
                conds: Vec::new(),
                due: Due::Date(days_from_civil(self.year, 12, 31).max(today + 30)),
                basis: Some("常德市加快工业园区建设的决定".into()),
                clawback_targets: Vec::new(),
                not_before: 0,
                clawback: None,
                stalls: false,
            }
        } else {
            CSpec {
                promisor: self.depts[D_ECONOMIC].ent,
                beneficiary: e,
                kind: "other",
                terms: "技术改造项目贷款贴息".into(),
                amount: Some(self.yuan(50_000, 1_500_000, 1_000)),
                pay_from: self.treasury,
                pay_to: ent_acct,
                category: "interest_subsidy",
                purpose: "技改贷款贴息",
                conds: Vec::new(),
                due: Due::Date(today + 90),
                basis: None,
                clawback_targets: Vec::new(),
                not_before: 0,
                clawback: None,
                stalls: false,
            }
        };
        self.make_commitment(spec);
        true
    }

    /// An investment deal (招商引资): maybe a new enterprise, a new project,
    /// the investor's targets, and the city's commitments in return.
    fn act_deal(&mut self) -> bool {
        let p = self.rng.index(self.parks.len()) as u16;
        let park_ent = self.parks[p as usize].ent;
        let ent = if self.enterprises.len() < 20 || self.rng.chance(450) {
            self.new_firm(park_ent, p, false)
        } else {
            *self.rng.pick(&self.enterprises)
        };
        self.n_ent += 1;
        let pid = self.numbered("prj", self.n_ent, 6);
        let pname = project_name(&mut self.rng);
        let project = self.register(park_ent, pid, Kind::Project, pname, ent, p);

        let invest = match self.rng.below(100) {
            0..=54 => self.yuan(10_000_000, 50_000_000, 1_000_000),
            55..=84 => self.yuan(50_000_000, 100_000_000, 1_000_000),
            85..=96 => self.yuan(100_000_000, 500_000_000, 10_000_000),
            _ => self.yuan(500_000_000, 2_000_000_000, 10_000_000),
        };
        let from = self.day;
        let to = self.day + 730;
        let mut basis = String::from("投资合同 ");
        basis.push_str(&self.ents[project as usize].id);
        let leader = self.parks[p as usize].park_leaders[0];
        let resp = vec![(leader, "项目责任领导")];
        let t_inv = self.assign_target(park_ent, ent, M_INVEST, invest, from, to, basis.clone(), resp, 700);
        let (inv_id, inv_met, inv_final) = {
            let t = self.targets.items[t_inv as usize].as_ref().expect("open");
            (t.id.clone(), t.met, t.final_value)
        };
        let verify_day = to + 80;
        let mut clawback_targets = vec![inv_id.clone()];
        let tax = if self.rng.chance(700) {
            let thr = (invest * self.rng.range(3, 8) / 100 / (10_000 * Y)).max(1) * 10_000 * Y;
            let t = self.assign_target(park_ent, ent, M_TAX_PAID, thr, from, to, basis.clone(), Vec::new(), 650);
            let t = self.targets.items[t as usize].as_ref().expect("open");
            clawback_targets.push(t.id.clone());
            Some((t.id.clone(), t.met))
        } else {
            None
        };
        if self.rng.chance(400) {
            let thr = self.rng.range(50, 800) * 100;
            self.assign_target(park_ent, ent, M_JOBS, thr, from, to, basis.clone(), Vec::new(), 700);
        }
        let ent_acct = self.pay_account(ent);
        let treasury = self.parks[p as usize].treasury;
        let big = invest >= 100_000_000 * Y;
        if self.rng.chance(650) {
            let amount = (invest * self.rng.range(2, 6) / 100 / (10_000 * Y)).max(1) * 10_000 * Y;
            let clawback = if inv_met {
                None
            } else {
                let shortfall = (invest - inv_final.min(invest)) as u128;
                let back = (amount as u128 * shortfall / invest as u128) as u64;
                Some((verify_day + 30, back.max(Y)))
            };
            let mut terms = String::from("达到投资强度、税收和就业门槛的, 土地出让价格给予优惠(先征后返)");
            if big {
                terms.push_str("; 一事一议");
            }
            self.make_commitment(CSpec {
                promisor: park_ent,
                beneficiary: project,
                kind: "land_discount",
                terms,
                amount: Some(amount),
                pay_from: treasury,
                pay_to: ent_acct,
                category: "land_discount",
                purpose: "土地出让金优惠返还",
                conds: vec![("项目竣工投产", None)],
                due: Due::After {
                    working: false,
                    days: 30,
                    cond: 0,
                },
                basis: Some(basis.clone()),
                clawback_targets,
                not_before: 0,
                clawback,
                stalls: false,
            });
        }
        if self.rng.chance(450) {
            self.make_commitment(CSpec {
                promisor: self.depts[D_GOV_OFFICE].ent,
                beneficiary: project,
                kind: "service_deadline",
                terms: "申报材料齐全后一个工作日内办结审批".into(),
                amount: None,
                pay_from: NONE,
                pay_to: NONE,
                category: "",
                purpose: "",
                conds: vec![("申报材料齐全", None)],
                due: Due::After {
                    working: true,
                    days: 1,
                    cond: 0,
                },
                basis: None,
                clawback_targets: Vec::new(),
                not_before: 0,
                clawback: None,
                stalls: false,
            });
        }
        if let Some((tax_id, tax_met)) = tax {
            if self.rng.chance(300) {
                let amount = self.yuan(200_000, 2_000_000, 10_000);
                self.make_commitment(CSpec {
                    promisor: park_ent,
                    beneficiary: ent,
                    kind: "subsidy",
                    terms: "纳税额达到约定标准后给予一次性奖励".into(),
                    amount: Some(amount),
                    pay_from: treasury,
                    pay_to: ent_acct,
                    category: "subsidy",
                    purpose: "纳税达标奖励",
                    conds: vec![("年纳税额达到约定标准", Some(tax_id))],
                    due: Due::After {
                        working: false,
                        days: 60,
                        cond: 0,
                    },
                    basis: Some(basis),
                    clawback_targets: Vec::new(),
                    not_before: verify_day + 10,
                    clawback: None,
                    stalls: !tax_met,
                });
            }
        }
        true
    }

    fn repay(&mut self, commitment_id: String, from: u32, to: u32, amount: u64) {
        self.disburse(
            from,
            to,
            amount,
            "repayment",
            Some("clawback"),
            None,
            Some(commitment_id),
            "未达投资承诺, 退还优惠资金".into(),
        );
    }

    // ----- incentives -----------------------------------------------------------

    fn payout(
        &mut self,
        scheme_id: String,
        target_id: String,
        payee: u32,
        role: &'static str,
        amount: u64,
        claw: bool,
    ) {
        self.n_payout += 1;
        let id = self.mkid("pay", self.n_payout, 6);
        let mut data = obj! {
            "payout_id": id.clone(),
            "scheme_id": scheme_id,
            "payee": self.eid(payee),
            "role": role,
            "amount": self.amount(amount),
            "from_account": self.aid(self.reward_fund),
        };
        let documented = self.rng.chance(920);
        if documented {
            data.insert("evidence".into(), self.evidence("reward"));
        }
        let a = &mut self.accts[self.reward_fund as usize];
        a.balance = a.balance.saturating_sub(amount);
        self.push("incentive.paid", self.finance(), data);
        // A reward for a missed target is mostly recovered; one paid on loose
        // review, without documents, half the time.
        let missed = claw && self.rng.chance(800);
        if missed || (!documented && self.rng.chance(500)) {
            let target_id = if missed { Some(target_id) } else { None };
            let task = Task::Clawback {
                payout_id: id,
                target_id,
                amount,
            };
            self.schedule_in(120, 300, task);
        }
    }

    fn clawback(&mut self, payout_id: String, target_id: Option<String>, amount: u64) {
        let reason = match target_id {
            Some(t) => {
                let mut r = String::from("回头看: 目标 ");
                r.push_str(&t);
                r.push_str(" 未完成, 奖励资金予以追回");
                r
            }
            None => "审计发现奖励审核把关不严、佐证材料不全, 予以追回".to_string(),
        };
        let data = obj! { "payout_id": payout_id, "amount": self.amount(amount), "reason": reason };
        self.push("incentive.clawed_back", self.finance(), data);
    }

    // ----- corrections and the rest ---------------------------------------------

    fn act_void(&mut self) -> bool {
        if self.voidable.is_empty() {
            return false;
        }
        let i = self.rng.index(self.voidable.len());
        let (seq, actor) = self.voidable.remove(i).expect("in range");
        let actor = if self.rng.chance(650) { actor } else { self.auditor() };
        let data = obj! { "seq": seq, "reason": "上报数据有误(项目重复统计), 予以作废" };
        self.push("event.voided", actor, data);
        true
    }

    fn run(&mut self, task: Task) {
        match task {
            Task::Plan(y) => self.plan_year(y),
            Task::Receive { disb, actor } => self.receive(disb, actor),
            Task::FinalVerify(slot) => self.final_verify(slot),
            Task::Payout {
                scheme_id,
                target_id,
                payee,
                role,
                amount,
                claw,
            } => self.payout(scheme_id, target_id, payee, role, amount, claw),
            Task::Clawback {
                payout_id,
                target_id,
                amount,
            } => self.clawback(payout_id, target_id, amount),
            Task::Commit(slot) => self.commit_step(slot),
            Task::Repay {
                commitment_id,
                from,
                to,
                amount,
            } => self.repay(commitment_id, from, to, amount),
        }
    }

    fn act(&mut self) {
        let total: u64 = ACTIONS.iter().map(|a| a.1).sum();
        for _ in 0..8 {
            let mut r = self.rng.below(total);
            let mut action = Action::Disburse;
            for &(a, w) in ACTIONS {
                if r < w {
                    action = a;
                    break;
                }
                r -= w;
            }
            let done = match action {
                Action::Disburse => self.act_disburse(),
                Action::Progress => self.act_progress(),
                Action::Spot => self.act_spot(),
                Action::ContractAlloc => self.act_contract_alloc(),
                Action::Commitment => self.act_commitment(),
                Action::Deal => self.act_deal(),
                Action::Revise => self.act_revise(),
                Action::Contractor => {
                    self.new_firm(self.gov, 0, true);
                    true
                }
                Action::Void => self.act_void(),
            };
            if done {
                return;
            }
        }
        // Always possible: the treasury moves money to the development zone.
        let amt = self.yuan(1_000_000, 30_000_000, 10_000);
        let (from, to) = (self.treasury, self.parks[0].infra);
        self.disburse(from, to, amt, "transfer", None, None, None, "园区建设资金调度".into());
    }
}

/// The prefix of the ids the generator gives events of type `ty`. One arm
/// per event type and no catch-all, so an event type added to pledger-core
/// does not compile here until it is given its prefix.
fn code_of(ty: &str) -> &'static str {
    use pledger_core::EventType as T;
    match T::from_name(ty).expect("the generator emits only event types of contract section 2") {
        T::EntityRegistered => "ent",
        T::AccountOpened => "acct",
        T::TargetAssigned => "tgt",
        T::TargetRevised => "trev",
        T::TargetProgressReported => "prog",
        T::TargetVerified => "ver",
        T::FundAllocated => "alloc",
        T::FundDisbursed => "disb",
        T::FundReceived => "rcpt",
        T::CommitmentMade => "cmt",
        T::CommitmentConditionMet => "cond",
        T::CommitmentFulfilled => "ful",
        T::CommitmentDisputed => "disp",
        T::CommitmentBreached => "brch",
        T::CommitmentWaived => "waiv",
        T::IncentiveSchemeSet => "sch",
        T::IncentivePaid => "pay",
        T::IncentiveClawedBack => "claw",
        T::EventVoided => "void",
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
