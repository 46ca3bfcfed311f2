//! Targets and reports: assignment, progress reports (now and then
//! inflated), auditors' interim checks, final verification, revisions.

use crate::agenda::Task;
use crate::fields::obj;
use crate::generator::Generator;
use crate::incentives::Scheme;
use crate::projects::{CountStage, Counting};
use crate::util::{date_string, dec};
use crate::world::{Shape, METRICS, M_INVEST, M_JOBS, M_TAX_PAID};
use serde_json::Value;

/// An open target, with its fate drawn when it was assigned: the value it
/// will end at and whether that meets it.
pub(crate) struct Target {
    pub(crate) id: String,
    pub(crate) assignee: u32,
    pub(crate) assigner: u32,
    pub(crate) metric: u8,
    pub(crate) threshold: u64,
    pub(crate) from: i32,
    pub(crate) to: i32,
    pub(crate) final_value: u64,
    pub(crate) met: bool,
    pub(crate) inflate: bool,
    pub(crate) final_claimed: bool,
    pub(crate) headline_of: Option<u16>,
    pub(crate) scheme: Option<Box<Scheme>>,
    /// The yearly task it is an item of: the task's slot and the item.
    pub(crate) task: Option<(u32, u8)>,
    /// A counting target's link to the project register: its final value
    /// and whether it is met are the park's qualifying projects, known at
    /// the final verification.
    pub(crate) counting: Option<Counting>,
}

impl Generator {
    /// Emits `target.assigned`, keeps the target open and schedules its final
    /// verification. `met_pm`: chance in 1000 that it will be met (for a
    /// counting target, its projects decide).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assign_target(
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
        counting: Option<Counting>,
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
        if let Some(c) = counting {
            let stage = match c.counts.stage {
                CountStage::Started => "started",
                CountStage::Producing => "producing",
            };
            let counts = obj! { "stage": stage, "min_investment": dec(c.counts.min) };
            data.insert("counts".into(), Value::Object(counts));
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
            task: None,
            counting,
        });
        let day = to + self.rng.range(20, 75) as i32;
        self.schedule(day, Task::FinalVerify(slot));
        slot
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

    /// The assignee reports progress on an open target (its final value
    /// once the period is over), now and then overstated.
    pub(crate) fn act_progress(&mut self) -> bool {
        for _ in 0..8 {
            let Some(slot) = self.targets.pick(&mut self.rng) else {
                return false;
            };
            let today = self.day;
            let t = self.targets.get_mut(slot).expect("picked");
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
            let (fv, metric, from, to, inflate, assignee, id, counting) = (
                t.final_value,
                t.metric,
                t.from,
                t.to,
                t.inflate,
                t.assignee,
                t.id.clone(),
                t.counting,
            );
            if let Some(c) = counting {
                let (list, v) = self.claimed_list(c, metric, from, to, as_of);
                let mut data = obj! { "target_id": id, "value": dec(v), "as_of": date_string(as_of) };
                if list.as_array().is_some_and(|l| !l.is_empty()) {
                    data.insert("projects".into(), list);
                }
                if self.rng.chance(450) {
                    data.insert("evidence".into(), self.evidence("report"));
                }
                self.push_voidable("target.progress_reported", assignee, data);
                return true;
            }
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
            self.push_voidable("target.progress_reported", assignee, data);
            return true;
        }
        false
    }

    /// An auditor's interim check of an open target.
    pub(crate) fn act_spot(&mut self) -> bool {
        for _ in 0..8 {
            let Some(slot) = self.targets.pick(&mut self.rng) else {
                return false;
            };
            let today = self.day;
            let t = self.targets.get(slot).expect("picked");
            if today <= t.from || today > t.to {
                continue;
            }
            let (fv, metric, from, to, id, counting) =
                (t.final_value, t.metric, t.from, t.to, t.id.clone(), t.counting);
            let (v, list) = match counting {
                Some(c) => {
                    let (list, n) = self.verified_list(c, from, to, today);
                    (n, Some(list))
                }
                None => (self.value_at(fv, metric, from, to, today), None),
            };
            let actor = self.auditor();
            let mut data = obj! { "target_id": id, "value": dec(v), "as_of": self.date.clone() };
            if let Some(l) = list.filter(|l| l.as_array().is_some_and(|a| !a.is_empty())) {
                data.insert("projects".into(), l);
            }
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

    /// The verification of a target's final value, by its assigner or an
    /// auditor; the park's misses counted, the scheme's rewards scheduled and
    /// the verdict passed on to the target's yearly task.
    pub(crate) fn final_verify(&mut self, slot: u32) {
        let Some(t) = self.targets.get(slot) else {
            return;
        };
        if self.day < t.to + 5 {
            // The period was extended meanwhile.
            let day = t.to + 30;
            self.schedule(day, Task::FinalVerify(slot));
            return;
        }
        let mut t = self.targets.remove(slot).expect("open target");
        let actor = if self.rng.chance(350) && t.assigner != t.assignee {
            t.assigner
        } else {
            self.auditor()
        };
        // A counting target is what its park's qualifying projects make it.
        let list = t.counting.map(|c| {
            let (list, n) = self.verified_list(c, t.from, t.to, t.to);
            t.final_value = n;
            t.met = n >= t.threshold;
            list
        });
        let mut data = obj! { "target_id": t.id.clone(), "value": dec(t.final_value), "as_of": date_string(t.to) };
        if let Some(l) = list.filter(|l| l.as_array().is_some_and(|a| !a.is_empty())) {
            data.insert("projects".into(), l);
        }
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
            self.schedule_rewards(&s, &t.id, t.met, false);
        }
        if let Some((task, k)) = t.task {
            self.task_item_verified(task, k, t.met);
        }
    }

    /// The assigner revises an open target: a new threshold, or (for an
    /// enterprise's target) a longer period.
    pub(crate) fn act_revise(&mut self) -> bool {
        let Some(slot) = self.targets.pick(&mut self.rng) else {
            return false;
        };
        let today = self.day;
        let late_ok = self.rng.chance(50);
        let t = self.targets.get(slot).expect("picked");
        if today > t.to && !late_ok {
            return false;
        }
        let enterprise_target = matches!(t.metric, M_INVEST | M_TAX_PAID | M_JOBS);
        let extend = enterprise_target && self.rng.chance(400);
        let f = self.rng.unit_range(0.8, 1.2);
        let t = self.targets.get_mut(slot).expect("picked");
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
            // A counting target's verdict waits for its projects.
            t.met = if t.counting.is_some() {
                t.met
            } else if m.at_most {
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
}
