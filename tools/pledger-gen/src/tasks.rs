//! Yearly tasks (目标管理考核, format 2.1): each year every park and bureau
//! is given an `assessment.task_set` bundling its targets of the year with
//! points and one veto item; the task is judged as the targets' final
//! verifications come in, the way the views judge it (failed at once on a
//! missed veto item, else passed or failed on the score once every item is
//! verified), and its consequences follow: `sanction.imposed` for what the
//! task's rules require, mostly in time, now and then late or never, and
//! rarely one under a task that passed. County parks' tasks carry a reward
//! scheme paid when the task passed.

use crate::agenda::Task;
use crate::fields::obj;
use crate::generator::Generator;
use crate::incentives::Scheme;
use crate::util::dec;
use serde_json::Value;

/// Points are held in hundredths, like amounts.
const P: u64 = 100;
/// The pass mark of every task (百分制, 60 to pass).
const PASS: u64 = 60 * P;
/// Days after the decision within which the assessor imposes what is due
/// (the views allow 90).
const IN_TIME: (u64, u64) = (10, 50);
/// Days after the decision for a consequence imposed late.
const LATE: (u64, u64) = (110, 220);

/// Whose task it is: a park's (0 is the development zone) or a bureau's.
#[derive(Clone, Copy)]
pub(crate) enum Unit {
    Park(u16),
    Dept(u16),
}

/// One item of an open task: its points, whether it is the veto item, and
/// the verdict of its target's final verification once it came in.
struct Item {
    weight: u64,
    veto: bool,
    met: Option<bool>,
}

/// A task whose items are not all verified yet.
pub(crate) struct OpenTask {
    id: String,
    unit: Unit,
    items: Vec<Item>,
    /// Items still waiting for their final verification.
    left: usize,
    decided: bool,
    /// The document the task cites, for the sanctions' basis.
    basis: String,
    scheme: Option<Box<Scheme>>,
}

impl Generator {
    /// Emits the year's task of `unit` over the targets in `slots` (the
    /// unit's yearly targets, in the plan's order, headline first) and
    /// links each target to it. Returns the total of the task's reward
    /// scheme, if it has one.
    pub(crate) fn set_task(&mut self, unit: Unit, slots: &[u32], from: i32, to: i32, basis: &str) -> u64 {
        let (assignee, group, weights, veto): (u32, &str, &[u64], usize) = match unit {
            // The zone: energy intensity (its last target) is the veto item.
            Unit::Park(0) => (self.parks[0].ent, "development_zone", &[25, 15, 15, 15, 10, 10, 10], 6),
            // A county park: projects brought in (its headline) is the veto item.
            Unit::Park(p) => (self.parks[p as usize].ent, "county_parks", &[30, 20, 15, 15, 10, 10], 0),
            // A bureau: its quota of projects, the one item and a veto.
            Unit::Dept(d) => (self.depts[d as usize].ent, "city_departments", &[100], 0),
        };
        debug_assert_eq!(weights.len(), slots.len());
        self.n_task += 1;
        let id = self.mkid("task", self.n_task, 5);
        let mut items = Vec::with_capacity(slots.len());
        let mut kept = Vec::with_capacity(slots.len());
        for (k, (&ts, &w)) in slots.iter().zip(weights).enumerate() {
            let t = self.targets.get(ts).expect("a target of this year's plan");
            let mut item = obj! { "target_id": t.id.clone(), "weight": dec(w * P) };
            if k == veto {
                item.insert("veto".into(), Value::Bool(true));
            }
            items.push(Value::Object(item));
            kept.push(Item {
                weight: w * P,
                veto: k == veto,
                met: None,
            });
        }
        let slot = self.tasks.insert(OpenTask {
            id: id.clone(),
            unit,
            items: kept,
            left: slots.len(),
            decided: false,
            basis: basis.to_string(),
            scheme: None,
        });
        for (k, &ts) in slots.iter().enumerate() {
            self.targets.get_mut(ts).expect("a target of this year's plan").task = Some((slot, k as u8));
        }
        let consequences = match unit {
            Unit::Park(_) => obj! {
                "on_fail": vec!["criticism", "award_disqualified"],
                "on_consecutive_fail": Value::Object(obj! { "count": 2, "kinds": vec!["reassignment"] }),
            },
            Unit::Dept(_) => obj! {
                "on_fail": vec!["criticism"],
                "on_consecutive_fail": Value::Object(obj! { "count": 2, "kinds": vec!["warning"] }),
            },
        };
        let data = obj! {
            "task_id": id.clone(),
            "assignee": self.eid(assignee),
            "period": Self::period(from, to),
            "group": group,
            "items": items,
            "pass_score": dec(PASS),
            "consequences": consequences,
            "basis": basis,
        };
        self.push("assessment.task_set", self.gov, data);
        // County parks are rewarded for passing the task as a whole.
        match unit {
            Unit::Park(p) if p > 0 => {
                let total = self.yuan(200_000, 400_000, 10_000);
                let scheme = self.task_scheme_set(id, total, p);
                self.tasks.get_mut(slot).expect("just inserted").scheme = Some(scheme);
                total
            }
            _ => 0,
        }
    }

    /// The final verification of item `k` of the task in `slot` came in:
    /// the task is decided on a missed veto item, or once every item is in.
    pub(crate) fn task_item_verified(&mut self, slot: u32, k: u8, met: bool) {
        let Some(t) = self.tasks.get_mut(slot) else {
            return;
        };
        let item = &mut t.items[k as usize];
        item.met = Some(met);
        t.left -= 1;
        let vetoed = item.veto && !met;
        let done = t.left == 0;
        if !t.decided && (vetoed || done) {
            t.decided = true;
            let score: u64 = t.items.iter().filter(|i| i.met == Some(true)).map(|i| i.weight).sum();
            let passed = !vetoed && score >= PASS;
            let (id, unit, basis, scheme) = (t.id.clone(), t.unit, t.basis.clone(), t.scheme.take());
            self.task_decided(&id, unit, &basis, passed);
            if let Some(s) = scheme {
                self.schedule_rewards(&s, &id, passed, true);
            }
        }
        if done {
            self.tasks.remove(slot);
        }
    }

    /// A task was decided: the unit's run of failures, and the sanctions its
    /// rules make due, on the agenda.
    fn task_decided(&mut self, task_id: &str, unit: Unit, basis: &str, passed: bool) {
        let gov = self.gov;
        let (ent, leader, fails) = match unit {
            Unit::Park(p) => {
                let park = &mut self.parks[p as usize];
                (park.ent, park.park_leaders[0], &mut park.task_fails)
            }
            Unit::Dept(d) => {
                let dept = &mut self.depts[d as usize];
                (dept.ent, dept.persons[0], &mut dept.task_fails)
            }
        };
        if passed {
            *fails = 0;
            // Now and then a unit is criticised although its task passed.
            if self.rng.chance(40) {
                self.impose_later(IN_TIME, task_id, ent, gov, "criticism", basis);
            }
            return;
        }
        *fails = fails.saturating_add(1);
        let run = *fails;
        self.impose_due(task_id, ent, gov, "criticism", basis);
        match unit {
            Unit::Park(_) => {
                self.impose_due(task_id, ent, gov, "award_disqualified", basis);
                if run >= 2 {
                    // The party committee's organisation work moves the
                    // park's head; the government records it.
                    self.impose_due(task_id, leader, gov, "reassignment", basis);
                }
            }
            Unit::Dept(_) => {
                if run >= 2 {
                    // 诫勉谈话 of the bureau's head, by the discipline commission.
                    let by = self.auditors[1];
                    self.impose_due(task_id, leader, by, "warning", basis);
                }
            }
        }
    }

    /// A due consequence: imposed in time mostly, late now and then, and
    /// sometimes never.
    fn impose_due(&mut self, task_id: &str, subject: u32, by: u32, kind: &'static str, basis: &str) {
        let r = self.rng.below(1000);
        if r < 860 {
            self.impose_later(IN_TIME, task_id, subject, by, kind, basis);
        } else if r < 930 {
            self.impose_later(LATE, task_id, subject, by, kind, basis);
        }
    }

    fn impose_later(
        &mut self,
        (lo, hi): (u64, u64),
        task_id: &str,
        subject: u32,
        by: u32,
        kind: &'static str,
        basis: &str,
    ) {
        let mut b = String::with_capacity(basis.len() + 48);
        b.push_str("关于");
        b.push_str(basis);
        b.push_str("考核结果的通报");
        let task = Task::Sanction {
            task_id: task_id.to_string(),
            subject,
            by,
            kind,
            basis: b,
        };
        self.schedule_in(lo, hi, task);
    }

    /// Emits `sanction.imposed`.
    pub(crate) fn sanction(&mut self, task_id: String, subject: u32, by: u32, kind: &'static str, basis: String) {
        self.n_sanction += 1;
        let id = self.mkid("sanc", self.n_sanction, 5);
        let mut data = obj! {
            "sanction_id": id,
            "subject": self.eid(subject),
            "kind": kind,
            "task_id": task_id,
            "basis": basis,
        };
        if self.rng.chance(700) {
            data.insert("evidence".into(), self.evidence("assessment"));
        }
        self.push("sanction.imposed", by, data);
    }
}
