//! The project register (招商项目与用地, format 2.2): every investment
//! project is signed by its host park (`project.signed`, most with a parcel
//! of land and an agreed start of construction) and reports its stages as
//! they come (`project.stage_reported`: started, now and then money in
//! place again, producing; a few stalled or cancelled), with the money in
//! place growing. The parks' project-count targets are counting targets
//! (`counts`): their claims and verifications list the projects behind the
//! number, as the views judge them (format 2.2's qualification, worked out
//! here from each project's timeline, which is drawn when it is signed).
//!
//! Planted, each in a small share: a claim that counts a project only
//! signed as started, one that counts last year's project again, one that
//! counts another park's project (which that park counts too), one whose
//! value is above the number it lists; land left idle past one year and
//! past two (after two the land may be taken back); and a few project
//! funds (internal accounts) never spent, idle for over 730 days.
//!
//! How many projects: [`crate::Pace`] sets the signings per year (by
//! default one per 100 events: about 400 a year, 10,000 in a million
//! events); the investment deals of `deals` are signed here too and count
//! towards that pace, and the rest come from a steady flow of smaller
//! projects (by an enterprise of the park, now and then a new one).
//!
//! What is realistic: Changde reported 284 major projects newly brought in
//! for 2023, 106 industrial projects of over 100 million yuan started and
//! 89 producing (Hunan Daily, 26 December 2023); the default, about 400
//! projects of every size a year, is that order. 100,000 projects in a
//! million events (4,000 a year) is a province's flow — Hunan's fourteen
//! prefectures at Changde's rate — and is what the benchmark loads the
//! views with: some 40% of the events are then about projects (each takes
//! its registration, the signing, about two stage reports, now and then a
//! new investor), and a park's claims list a few hundred projects each.

use crate::agenda::Task;
use crate::fields::obj;
use crate::generator::{Generator, NONE, START_YEAR, Y};
use crate::parties::{AKind, Kind};
use crate::util::{date_string, dec, year_of};
use crate::world::{project_name, M_GE_100M, M_GE_10M, M_GE_1B, M_GE_500M, M_GE_50M};
use serde_json::Value;
use std::collections::VecDeque;

/// A day no project reaches.
pub(crate) const NEVER: i32 = i32::MAX;
/// How long a park keeps a project in the pool it picks a project only
/// signed from: a year and a half after the signing.
const POOL_DAYS: i32 = 550;

/// The stage a counting target counts (format 2.2's `counts.stage`; the
/// generator's targets count started or producing projects).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum CountStage {
    Started,
    Producing,
}

/// What a counting target counts: projects that reached `stage` within
/// the period with at least `min` fen in place.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counts {
    pub(crate) stage: CountStage,
    pub(crate) min: u64,
}

/// The count a project-count metric makes, if it is one.
pub(crate) fn counts_of(metric: u8) -> Option<Counts> {
    let (stage, yuan) = match metric {
        M_GE_10M => (CountStage::Started, 10_000_000),
        M_GE_50M => (CountStage::Started, 50_000_000),
        M_GE_100M => (CountStage::Started, 100_000_000),
        M_GE_500M => (CountStage::Producing, 500_000_000),
        M_GE_1B => (CountStage::Producing, 1_000_000_000),
        _ => return None,
    };
    Some(Counts { stage, min: yuan * Y })
}

/// A counting target's link to the register: what it counts, and the park
/// whose projects its claims list.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counting {
    pub(crate) counts: Counts,
    pub(crate) park: u16,
}

/// A stage as the generator tracks it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum St {
    Signed,
    Started,
    Producing,
    Stalled,
    Cancelled,
}

impl St {
    fn as_str(self) -> &'static str {
        match self {
            St::Signed => "signed",
            St::Started => "started",
            St::Producing => "producing",
            St::Stalled => "stalled",
            St::Cancelled => "cancelled",
        }
    }
}

/// A signed project and its whole timeline, drawn at the signing: the day
/// of each stage report (`NEVER` when it never comes), in this order, and
/// the money in place each reports (fen). Days strictly increase along the
/// timeline, so no two reports share an `as_of`.
pub(crate) struct Proj {
    ent: u32,
    park: u16,
    signed: i32,
    started: i32,
    start_amt: u64,
    /// A second `started` report with more money in place.
    update: i32,
    update_amt: u64,
    producing: i32,
    prod_amt: u64,
    /// Stalled or (`cancelled`) cancelled on that day, for good.
    halted: i32,
    cancelled: bool,
    /// The next report of the timeline to emit.
    next: u8,
}

impl Proj {
    /// The stage as of day `d` (format 2.2): none before the signing.
    fn stage_on(&self, d: i32) -> Option<St> {
        if d < self.signed {
            return None;
        }
        Some(if self.halted <= d {
            if self.cancelled {
                St::Cancelled
            } else {
                St::Stalled
            }
        } else if self.producing <= d {
            St::Producing
        } else if self.started <= d {
            St::Started
        } else {
            St::Signed
        })
    }

    /// Money in place as of `d`: the latest figure reported by then.
    fn in_place_on(&self, d: i32) -> u64 {
        if self.producing <= d {
            self.prod_amt
        } else if self.update <= d {
            self.update_amt
        } else if self.started <= d {
            self.start_amt
        } else {
            0
        }
    }

    /// The first day it reached `stage` (or a later one).
    fn first_reached(&self, stage: CountStage) -> i32 {
        match stage {
            CountStage::Started => self.started,
            CountStage::Producing => self.producing,
        }
    }

    /// Does it qualify for a counting target of period `from..=to` as of
    /// `d` (format 2.2)?
    fn qualifies(&self, c: Counts, from: i32, to: i32, d: i32) -> bool {
        let first = self.first_reached(c.stage);
        d >= self.signed
            && first != NEVER
            && first <= d
            && (from..=to).contains(&first)
            && self.halted > d
            && self.in_place_on(d) >= c.min
    }

    /// Report `k` of the timeline: (day, stage, money in place).
    fn report(&self, k: u8) -> Option<(i32, St, Option<u64>)> {
        let halt = if self.cancelled { St::Cancelled } else { St::Stalled };
        let r = match k {
            0 => (self.started, St::Started, Some(self.start_amt)),
            1 => (self.update, St::Started, Some(self.update_amt)),
            2 => (self.producing, St::Producing, Some(self.prod_amt)),
            3 => (self.halted, halt, None),
            _ => return None,
        };
        Some(r)
    }

    /// The next report still to come at or after `k`: its index and day.
    fn next_report(&self, mut k: u8) -> Option<(u8, i32)> {
        while let Some((day, _, _)) = self.report(k) {
            if day != NEVER {
                return Some((k, day));
            }
            k += 1;
        }
        None
    }
}

/// A planted discrepancy in one claim of a counting target.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plant {
    None,
    /// A project only signed, counted as started.
    SignedOnly,
    /// Last period's project counted again.
    Again,
    /// Another park's project, which that park counts too.
    Borrowed,
    /// A value above the number of projects listed.
    Overcount,
}

/// Chances in 1000 of each planted discrepancy in a claim.
const PLANT_SIGNED_ONLY: u64 = 20;
const PLANT_AGAIN: u64 = 20;
const PLANT_BORROWED: u64 = 15;
const PLANT_OVERCOUNT: u64 = 20;

impl Generator {
    /// Signs a project of the steady flow when the pace asks for one.
    /// Returns whether it did.
    pub(crate) fn flow_project(&mut self) -> bool {
        let owed = (self.emitted() as u128 * self.projects_per_year as u128 / self.events_per_year as u128) as u64;
        if self.n_signed >= owed {
            return false;
        }
        // The zone signs a fifth, each county park a tenth.
        let p = if self.rng.chance(200) {
            0
        } else {
            1 + self.rng.index(self.parks.len() - 1)
        } as u16;
        let park_ent = self.parks[p as usize].ent;
        let investor = match self.enterprise_of(p) {
            Some(e) if !self.rng.chance(150) => e,
            _ => self.new_firm(park_ent, p, false),
        };
        self.n_ent += 1;
        let pid = self.numbered("prj", self.n_ent, 6);
        let pname = project_name(&mut self.rng);
        let project = self.register(park_ent, pid, Kind::Project, pname, investor, p);
        let planned = self.flow_size(p == 0);
        self.sign_project(project, investor, p, planned);
        true
    }

    /// An enterprise of park `p` from the pool, if a few tries find one
    /// (a park holds about a ninth of the pool).
    fn enterprise_of(&mut self, p: u16) -> Option<u32> {
        if self.enterprises.is_empty() {
            return None;
        }
        for _ in 0..32 {
            let e = *self.rng.pick(&self.enterprises);
            if self.ents[e as usize].park == p {
                return Some(e);
            }
        }
        None
    }

    /// The investment planned by a project of the flow, in fen: from a few
    /// million yuan to, rarely, billions; the zone's are larger.
    fn flow_size(&mut self, zone: bool) -> u64 {
        let r = self.rng.below(100) + if zone { 20 } else { 0 };
        match r {
            0..=29 => self.yuan(2_000_000, 10_000_000, 100_000),
            30..=64 => self.yuan(10_000_000, 50_000_000, 1_000_000),
            65..=84 => self.yuan(50_000_000, 100_000_000, 1_000_000),
            85..=96 => self.yuan(100_000_000, 500_000_000, 10_000_000),
            _ => self.yuan(500_000_000, 2_000_000_000, 10_000_000),
        }
    }

    /// Emits `project.signed` for the registered `project` of `investor`,
    /// hosted by park `p`, draws its timeline and puts its first report on
    /// the agenda.
    pub(crate) fn sign_project(&mut self, project: u32, investor: u32, p: u16, planned: u64) {
        self.n_signed += 1;
        let today = self.day;
        let park_ent = self.parks[p as usize].ent;
        let r = self.rng.below(1000);
        let cancelled_early = r < 30;
        let land = !cancelled_early && self.rng.chance(850);
        let agreed = if land {
            today + self.rng.range(60, 240) as i32
        } else {
            NEVER
        };
        let mut data = obj! {
            "project_id": self.eid(project),
            "host": self.eid(park_ent),
            "investor": self.eid(investor),
            "planned_investment": self.amount(planned),
            "signed_on": self.date.clone(),
        };
        if land {
            self.n_parcel += 1;
            let parcel = self.mkid("lot", self.n_parcel, 6);
            // 10 to 400 mu, more for a larger project, in tenths of a mu.
            let big = (planned / (100_000_000 * Y)).min(10) * 300;
            let area = (self.rng.range(100, 800) + self.rng.range(0, big)) * 10;
            data.insert(
                "land".into(),
                Value::Object(obj! {
                    "parcel_id": parcel,
                    "area_mu": dec(area),
                    "agreed_start": date_string(agreed),
                }),
            );
        }
        if self.rng.chance(700) {
            let mut b = String::from("投资合同 ");
            b.push_str(&self.ents[project as usize].id);
            data.insert("basis".into(), Value::String(b));
        }
        self.push("project.signed", park_ent, data);

        let mut pr = Proj {
            ent: project,
            park: p,
            signed: today,
            started: NEVER,
            start_amt: 0,
            update: NEVER,
            update_amt: 0,
            producing: NEVER,
            prod_amt: 0,
            halted: NEVER,
            cancelled: false,
            next: 0,
        };
        if cancelled_early {
            pr.halted = today + self.rng.range(90, 400) as i32;
            pr.cancelled = true;
        } else {
            self.draw_timeline(&mut pr, agreed, planned);
        }
        let idx = self.projects.len() as u32;
        let first = pr.next_report(0);
        self.projects.push(pr);
        self.file_reached(idx);
        let pool = &mut self.pools[p as usize];
        while pool
            .front()
            .is_some_and(|&i| self.projects[i as usize].signed < today - POOL_DAYS)
        {
            pool.pop_front();
        }
        pool.push_back(idx);
        if let Some((k, day)) = first {
            self.projects[idx as usize].next = k;
            self.schedule_stage(day, idx);
        }
    }

    /// A project's start (by the land contract's date, late, very late or
    /// never), money in place, production or a stall.
    fn draw_timeline(&mut self, pr: &mut Proj, agreed: i32, planned: u64) {
        let today = pr.signed;
        let earliest = today + 15;
        if agreed == NEVER {
            pr.started = today + self.rng.range(30, 300) as i32;
        } else {
            let r = self.rng.below(1000);
            if r < 25 {
                // Idle a year: started between one and two years late.
                pr.started = agreed + self.rng.range(400, 695) as i32;
            } else if r < 37 {
                // Idle two years: very late, or never (then cancelled).
                if self.rng.chance(500) {
                    pr.started = agreed + self.rng.range(765, 1000) as i32;
                } else {
                    pr.halted = agreed + self.rng.range(800, 1100) as i32;
                    pr.cancelled = true;
                    return;
                }
            } else {
                pr.started = (agreed + self.rng.range(0, 270) as i32 - 30).max(earliest);
            }
        }
        let frac = |g: &mut Generator, lo: f64, hi: f64| {
            let v = (planned as f64 * g.rng.unit_range(lo, hi)) as u64;
            (v / (10_000 * Y)).max(1) * 10_000 * Y
        };
        pr.start_amt = frac(self, 0.15, 0.45);
        let next = if self.rng.chance(50) {
            pr.halted = pr.started + self.rng.range(60, 420) as i32;
            pr.halted
        } else if self.rng.chance(780) {
            pr.producing = pr.started + self.rng.range(200, 720) as i32;
            pr.prod_amt = frac(self, 0.75, 1.1);
            pr.producing
        } else {
            NEVER
        };
        if self.rng.chance(250) {
            let gap = if next == NEVER {
                self.rng.range(90, 240) as i32
            } else {
                (next - pr.started) / 2
            };
            if gap >= 1 {
                pr.update = pr.started + gap;
                pr.update_amt = frac(self, 0.45, 0.75);
            }
        }
    }

    /// The project's next stage report, from the agenda; the one after it
    /// goes on the agenda.
    pub(crate) fn stage_report(&mut self, idx: u32) {
        let pr = &self.projects[idx as usize];
        let Some((day, stage, amt)) = pr.report(pr.next) else {
            return;
        };
        let (ent, park, k) = (pr.ent, pr.park, pr.next);
        let investor = self.ents[ent as usize].parent;
        let mut data = obj! {
            "project_id": self.eid(ent),
            "stage": stage.as_str(),
            "as_of": date_string(day),
        };
        if let Some(a) = amt {
            data.insert("investment_in_place".into(), Value::String(self.amount(a)));
        }
        if self.rng.chance(500) {
            data.insert("evidence".into(), self.evidence("project"));
        }
        // The park mostly, the investor often; an auditor's inspection
        // (回头看) finds a stall as often as it is reported.
        let r = self.rng.below(1000);
        let auditor_pm = if stage == St::Stalled { 400 } else { 50 };
        let actor = if r < auditor_pm {
            self.auditor()
        } else if r < auditor_pm + 300 {
            investor
        } else {
            self.parks[park as usize].ent
        };
        self.push("project.stage_reported", actor, data);
        if let Some((k, day)) = self.projects[idx as usize].next_report(k + 1) {
            self.projects[idx as usize].next = k;
            self.schedule_stage(day, idx);
        }
    }

    /// The projects of park `p` that qualify for `c` over `from..=to` as
    /// of `d`, by the year they reached the stage, then in the order they
    /// were signed. Only the projects that reach the stage within the
    /// period are looked at.
    pub(crate) fn qualifying(&self, p: u16, c: Counts, from: i32, to: i32, d: i32) -> Vec<u32> {
        let mut out = Vec::new();
        for i in self.reached_in(p, c.stage, from, to.min(d)) {
            if self.projects[i as usize].qualifies(c, from, to, d) {
                out.push(i);
            }
        }
        out
    }

    /// The projects of park `p` that first reach `stage` in the years of
    /// `from..=to` (a superset of those that reach it within those days).
    fn reached_in(&self, p: u16, stage: CountStage, from: i32, to: i32) -> impl Iterator<Item = u32> + '_ {
        let years = &self.reached[p as usize];
        let (y0, y1) = (year_index(from), year_index(to));
        let k = stage as usize;
        let end = if from <= to { (y1 + 1).min(years.len()) } else { y0 };
        (y0..end).flat_map(move |y| years[y][k].iter().copied())
    }

    /// Files project `i` under the years in which it first reaches each
    /// stage a counting target counts.
    fn file_reached(&mut self, i: u32) {
        let pr = &self.projects[i as usize];
        let park = pr.park as usize;
        for (k, day) in [(0, pr.started), (1, pr.producing)] {
            if day == NEVER {
                continue;
            }
            let y = year_index(day);
            let years = &mut self.reached[park];
            if years.len() <= y {
                years.resize_with(y + 1, Default::default);
            }
            years[y][k].push(i);
        }
    }

    /// A yearly counting target's threshold for park `p`: what the park
    /// achieved so far this year (`from..=to`, judged today), projected to
    /// the whole year, times 0.75 to 1.05 (a target is mostly met), at
    /// least one project. `None` before there is a year to go by.
    pub(crate) fn calibrated(&mut self, p: u16, c: Counts, from: i32, to: i32) -> Option<u64> {
        let today = self.day;
        if today <= from + 180 {
            return None;
        }
        let n = self.qualifying(p, c, from, to, today.min(to)).len() as f64;
        let elapsed = (today.min(to) - from + 1) as f64;
        let projected = n * (to - from + 1) as f64 / elapsed;
        let f = self.rng.unit_range(0.75, 1.05);
        Some(((projected * f) as u64).max(1) * 100)
    }

    /// What a counting target's verification lists and gives (as of `d`):
    /// the park's qualifying projects, and their number (hundredths).
    pub(crate) fn verified_list(&self, c: Counting, from: i32, to: i32, d: i32) -> (Value, u64) {
        let list = self.qualifying(c.park, c.counts, from, to, d);
        let n = list.len() as u64 * 100;
        (self.ids_of(&list), n)
    }

    /// What a claim on a counting target lists and gives (as of `d`): the
    /// park's qualifying projects, now and then with a planted
    /// discrepancy. `metric` finds the parks that count the same.
    pub(crate) fn claimed_list(&mut self, c: Counting, metric: u8, from: i32, to: i32, d: i32) -> (Value, u64) {
        let mut list = self.qualifying(c.park, c.counts, from, to, d);
        let r = self.rng.below(1000);
        let mut plant = if r < PLANT_SIGNED_ONLY {
            Plant::SignedOnly
        } else if r < PLANT_SIGNED_ONLY + PLANT_AGAIN {
            Plant::Again
        } else if r < PLANT_SIGNED_ONLY + PLANT_AGAIN + PLANT_BORROWED {
            Plant::Borrowed
        } else if r < PLANT_SIGNED_ONLY + PLANT_AGAIN + PLANT_BORROWED + PLANT_OVERCOUNT {
            Plant::Overcount
        } else {
            Plant::None
        };
        let extra = match plant {
            Plant::SignedOnly if c.counts.stage == CountStage::Started => self.pick_pool(c.park, |pr| {
                pr.stage_on(d) == Some(St::Signed) && pr.halted > d && pr.signed >= from
            }),
            Plant::Again => {
                // Reached the stage in the period before this one.
                let before = from - (to - from) - 1;
                let candidates: Vec<u32> = self.reached_in(c.park, c.counts.stage, before, from - 1).collect();
                self.pick(&candidates, |pr| {
                    let first = pr.first_reached(c.counts.stage);
                    (before..from).contains(&first) && pr.halted > d && pr.in_place_on(d) >= c.counts.min
                })
            }
            Plant::Borrowed => self.borrowed(c, metric, from, to, d),
            _ => None,
        };
        match extra {
            Some(i) => list.push(i),
            None if plant != Plant::Overcount => plant = Plant::None,
            None => {}
        }
        let mut n = list.len() as u64;
        if plant == Plant::Overcount {
            n += self.rng.range(1, 3);
        }
        (self.ids_of(&list), n * 100)
    }

    /// A project of another park counting the same metric that qualifies
    /// there as of `d` and as of the period's end (so that park's final
    /// verification lists it too).
    fn borrowed(&mut self, c: Counting, metric: u8, from: i32, to: i32, d: i32) -> Option<u32> {
        let others: Vec<u16> = (0..self.parks.len() as u16)
            .filter(|&q| q != c.park && counted_by(q, metric))
            .collect();
        if others.is_empty() || !matches!(metric, M_GE_10M | M_GE_50M) {
            return None;
        }
        let q = *self.rng.pick(&others);
        let candidates = self.qualifying(q, c.counts, from, to, d);
        self.pick(&candidates, |pr| pr.qualifies(c.counts, from, to, to))
    }

    /// A random project of park `p`'s pool that passes `ok`, if a few
    /// hundred tries find one.
    fn pick_pool(&mut self, p: u16, ok: impl Fn(&Proj) -> bool) -> Option<u32> {
        let pool = &self.pools[p as usize];
        if pool.is_empty() {
            return None;
        }
        let start = self.rng.index(pool.len());
        (0..pool.len().min(400))
            .map(|k| pool[(start + k) % pool.len()])
            .find(|&i| ok(&self.projects[i as usize]))
    }

    /// One of `candidates` that passes `ok`, looking from a random place.
    fn pick(&mut self, candidates: &[u32], ok: impl Fn(&Proj) -> bool) -> Option<u32> {
        if candidates.is_empty() {
            return None;
        }
        let start = self.rng.index(candidates.len());
        (0..candidates.len())
            .map(|k| candidates[(start + k) % candidates.len()])
            .find(|&i| ok(&self.projects[i as usize]))
    }

    fn ids_of(&self, list: &[u32]) -> Value {
        Value::Array(
            list.iter()
                .map(|&i| Value::String(self.eid(self.projects[i as usize].ent)))
                .collect(),
        )
    }

    /// A project fund (项目建设资金专户) for park `p`: an internal account
    /// of the park, filled from the treasury and, mostly, spent on its
    /// projects in a few tranches; now and then left untouched (idle for
    /// over two years: `idle_balance`).
    pub(crate) fn project_fund(&mut self, p: u16) {
        let pe = self.parks[p as usize].ent;
        self.n_fund += 1;
        let id = self.mkid("pfund", self.n_fund, 3);
        let mut name = String::from(self.parks[p as usize].name);
        name.push_str("重点项目建设资金专户");
        let acct = self.open_account(self.gov, id, pe, AKind::Internal, name, None, None);
        let amount = self.yuan(5_000_000, 30_000_000, 100_000);
        self.disburse(
            self.treasury,
            acct,
            amount,
            "transfer",
            None,
            None,
            None,
            "重点项目建设资金拨付园区".into(),
        );
        if !self.rng.chance(120) {
            let tranches = self.rng.range(2, 4) as u8;
            self.schedule_in(
                30,
                200,
                Task::FundSpend {
                    acct,
                    park: p,
                    tranches,
                },
            );
        }
    }

    /// A tranche of a project fund paid to an investor of its park; the
    /// last one empties it.
    pub(crate) fn fund_spend(&mut self, acct: u32, park: u16, tranches: u8) {
        let bal = self.accts[acct as usize].balance;
        if bal == 0 {
            return;
        }
        let amt = if tranches <= 1 {
            bal
        } else {
            (bal / tranches as u64 / (10_000 * Y)).max(1) * 10_000 * Y
        }
        .min(bal);
        let e = self.enterprise_of(park).unwrap_or(self.enterprises[0]);
        let to = self.pay_account(e);
        if to == NONE {
            return;
        }
        self.disburse(
            acct,
            to,
            amt,
            "expenditure",
            Some("subsidy"),
            None,
            None,
            "重点项目建设补助".into(),
        );
        if tranches > 1 {
            self.schedule_in(
                20,
                150,
                Task::FundSpend {
                    acct,
                    park,
                    tranches: tranches - 1,
                },
            );
        }
    }
}

/// Does park `q` have a yearly counting target of `metric`? The zone
/// counts projects of 50 and 100 million, the county parks of 10 and 50.
fn counted_by(q: u16, metric: u8) -> bool {
    match metric {
        M_GE_10M => q > 0,
        M_GE_50M => true,
        M_GE_100M => q == 0,
        _ => false,
    }
}

/// The pools of recent projects, one per park.
pub(crate) fn pools(parks: usize) -> Vec<VecDeque<u32>> {
    (0..parks).map(|_| VecDeque::new()).collect()
}

/// Per park, per year from the first, the projects that first reach
/// started (`[0]`) and producing (`[1]`) in that year.
pub(crate) type Reached = Vec<Vec<[Vec<u32>; 2]>>;

/// A day's year, counted from the first business year.
fn year_index(day: i32) -> usize {
    (year_of(day) - START_YEAR).max(0) as usize
}
