//! The yearly plan: a new credit line every five years, leaders moved after
//! two missed years, the year's budget allocations, the parks' and bureaus'
//! targets with their reward schemes (a park's counts of projects are
//! counting targets, numbered from its record of the year before), each
//! park's and bureau's yearly task over its targets, two project funds,
//! and the next plan on the agenda.

use crate::agenda::Task;
use crate::generator::{Generator, START_YEAR, Y};
use crate::incentives::Owner;
use crate::parties::AKind;
use crate::projects::{counts_of, Counting};
use crate::tasks::Unit;
use crate::util::{business_day, days_from_civil};
use crate::world::*;

/// What every step of a year's plan cites or depends on.
struct PlanYear {
    year: i32,
    /// 1 January and 31 December of the year.
    from: i32,
    to: i32,
    /// Which five-year plan the year is in (0: the eleventh, from 2006).
    plan: i32,
    five_year_start: bool,
    /// The responsibility document the targets cite.
    basis: String,
    /// The budget the allocations cite.
    budget: String,
}

impl Generator {
    pub(crate) fn plan_year(&mut self, year: i32) {
        let five_year_start = (year - START_YEAR) % 5 == 0;
        if year > START_YEAR && five_year_start {
            self.renew_credit(year);
        }
        self.rotate_leaders();
        let py = PlanYear {
            year,
            from: days_from_civil(year, 1, 1),
            to: days_from_civil(year, 12, 31),
            plan: (year - START_YEAR).max(0) / 5,
            five_year_start,
            basis: format!("常德市{year}年度工业园区目标管理责任书"),
            budget: format!("常德市{year}年财政预算"),
        };
        self.budget_allocations(&py);

        // Targets, and reward schemes on each park's headline target.
        let mut reward_total = 0;
        for p in 0..self.parks.len() {
            reward_total += self.park_targets(&py, p);
        }
        reward_total += self.dept_targets(&py);
        self.allocate(
            self.treasury,
            self.reward_fund,
            reward_total,
            "园区及部门考核奖励资金",
            Some((py.from, py.to)),
            Some(py.budget.clone()),
            true,
        );
        // Two project funds a year, for parks picked at random.
        for _ in 0..2 {
            let p = self.rng.index(self.parks.len()) as u16;
            self.project_fund(p);
        }

        let next = business_day(days_from_civil(year, 12, 10));
        self.schedule(next, Task::Plan(year + 1));
    }

    /// A new development-bank credit line for the new plan period; the
    /// routes from the old one now draw on it.
    fn renew_credit(&mut self, year: i32) {
        let gov = self.gov;
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

    /// Two missed years in a row move the park's leaders off their posts.
    fn rotate_leaders(&mut self) {
        for p in 0..self.parks.len() {
            if self.parks[p].misses >= 2 {
                let pe = self.parks[p].ent;
                let a = self.person(pe, p as u16);
                let b = self.person(pe, p as u16);
                self.parks[p].park_leaders = [a, b];
                self.parks[p].misses = 0;
            }
        }
    }

    /// Budget allocations for the year: the zone's and each county park's
    /// infrastructure, land income handed back to two parks, and a quarter
    /// of what is left on the credit line.
    fn budget_allocations(&mut self, py: &PlanYear) {
        let (from, to) = (py.from, py.to);
        let zone_infra = self.parks[0].infra;
        let amt = (300_000_000 + 20_000_000 * (py.year - START_YEAR) as u64) * Y;
        self.allocate(
            self.treasury,
            zone_infra,
            amt,
            "开发区基础设施建设年度投入",
            Some((from, to)),
            Some(py.budget.clone()),
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
                Some(py.budget.clone()),
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
                Some(py.budget.clone()),
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
                Some(py.budget.clone()),
                true,
            );
        }
    }

    /// Park `p`'s targets for the year (the first, its headline, with a
    /// reward scheme), its yearly task over them (a county park's with a
    /// reward scheme of its own), and at the start of a five-year plan its
    /// five-year target. Returns the schemes' total.
    fn park_targets(&mut self, py: &PlanYear, p: usize) -> u64 {
        let gov = self.gov;
        let (from, to) = (py.from, py.to);
        let pe = self.parks[p].ent;
        let resp = vec![
            (self.parks[p].park_leaders[0], "园区主要负责人"),
            (self.parks[p].leaders[0], "县(市、区)委书记"),
        ];
        let zone = p == 0;
        let mut reward_total = 0;
        let metrics = park_metrics(py, zone);
        let mut slots = Vec::with_capacity(metrics.len());
        for (k, &(metric, threshold)) in metrics.iter().enumerate() {
            let r = if k < 2 { resp.clone() } else { Vec::new() };
            // A count of projects: the park's record of this year so far
            // sets next year's number (after the first year).
            let counting = counts_of(metric).map(|counts| Counting { counts, park: p as u16 });
            let threshold = match counting {
                Some(c) if py.year > START_YEAR => {
                    let (f, t) = (days_from_civil(py.year - 1, 1, 1), days_from_civil(py.year - 1, 12, 31));
                    self.calibrated(p as u16, c.counts, f, t).unwrap_or(threshold)
                }
                _ => threshold,
            };
            let slot = self.assign_target(gov, pe, metric, threshold, from, to, py.basis.clone(), r, 720, counting);
            slots.push(slot);
            if k == 0 {
                let total = if zone {
                    self.yuan(800_000, 1_500_000, 10_000)
                } else {
                    self.yuan(300_000, 600_000, 10_000)
                };
                reward_total += total;
                if let Some(t) = self.targets.get_mut(slot) {
                    t.headline_of = Some(p as u16);
                }
                self.scheme_set(slot, total, Owner::Park(p as u16));
            }
        }
        reward_total += self.set_task(Unit::Park(p as u16), &slots, from, to, &py.basis);
        if py.five_year_start {
            let (metric, thr) = if zone { (M_GE_1B, 200) } else { (M_GE_500M, 100) };
            let to5 = days_from_civil(py.year + 4, 12, 31);
            let basis5 = format!(
                "常德市国民经济和社会发展第{}个五年规划",
                ["十一", "十二", "十三", "十四", "十五"][py.plan.min(4) as usize]
            );
            let counting = counts_of(metric).map(|counts| Counting { counts, park: p as u16 });
            self.assign_target(gov, pe, metric, thr, from, to5, basis5, Vec::new(), 600, counting);
        }
        reward_total
    }

    /// Each bureau's quota of projects brought in, with a reward scheme, and
    /// its yearly task over it. Returns the schemes' total.
    fn dept_targets(&mut self, py: &PlanYear) -> u64 {
        let gov = self.gov;
        let mut reward_total = 0;
        for d in 0..self.depts.len() {
            let (de, quota, lead) = (self.depts[d].ent, self.depts[d].quota, self.depts[d].persons[0]);
            let slot = self.assign_target(
                gov,
                de,
                M_INTRODUCED,
                quota * 100,
                py.from,
                py.to,
                py.basis.clone(),
                vec![(lead, "局主要负责人")],
                700,
                None,
            );
            let total = self.yuan(50_000, 120_000, 10_000);
            reward_total += total;
            self.scheme_set(slot, total, Owner::Dept(d as u16));
            reward_total += self.set_task(Unit::Dept(d as u16), &[slot], py.from, py.to, &py.basis);
        }
        reward_total
    }
}

/// A park's yearly metrics and thresholds, the headline first: the zone's,
/// or a county park's.
fn park_metrics(py: &PlanYear, zone: bool) -> Vec<(u8, u64)> {
    let plan = py.plan;
    let sales = [30u64, 25, 20, 15, 12][plan.min(4) as usize];
    let tax = [20u64, 18, 15, 12, 10][plan.min(4) as usize];
    let n = (py.year - 2005) as u64;
    if zone {
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
    }
}
