//! Commitments: the promise recorded (`commitment.made`), its fate drawn at
//! once, then its steps on the agenda: conditions met, a dispute, payment
//! (late, or twice), and the end: fulfilled, breached or waived, and a
//! repayment when a clawback target was missed.

use crate::agenda::Task;
use crate::fields::obj;
use crate::generator::Generator;
use crate::util::{date_string, push_u64};
use serde_json::{Map, Value};

/// How a commitment ends, drawn when it is made.
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

/// Where an open commitment stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Conds,
    Dispute,
    Pay,
    Pay2,
    Final,
}

/// An open commitment, as far as its later steps need it.
pub(crate) struct Commitment {
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

/// Whether a commitment's next step goes on now or waits on the agenda.
enum Step {
    Next,
    Wait,
}

/// When a commitment falls due: a date, or some days after a condition.
pub(crate) enum Due {
    Date(i32),
    After { working: bool, days: u64, cond: usize },
}

/// A commitment to make: what `commitment.made` records, and how to pay it.
pub(crate) struct CSpec {
    pub(crate) promisor: u32,
    pub(crate) beneficiary: u32,
    pub(crate) kind: &'static str,
    pub(crate) terms: String,
    pub(crate) amount: Option<u64>,
    pub(crate) pay_from: u32,
    pub(crate) pay_to: u32,
    pub(crate) category: &'static str,
    pub(crate) purpose: &'static str,
    pub(crate) conds: Vec<(&'static str, Option<String>)>,
    pub(crate) due: Due,
    pub(crate) basis: Option<String>,
    pub(crate) clawback_targets: Vec<String>,
    pub(crate) not_before: i32,
    pub(crate) clawback: Option<(i32, u64)>,
    /// Never progresses: a condition names a target that will be missed.
    pub(crate) stalls: bool,
}

impl Generator {
    /// How a new commitment will end; paying twice only for money.
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

    /// Emits `commitment.made` and, unless it stalls, keeps the commitment
    /// open with its outcome drawn and its first step on the agenda.
    pub(crate) fn make_commitment(&mut self, s: CSpec) {
        self.n_cmt += 1;
        let id = self.mkid("cm", self.n_cmt, 6);
        let (conds, cond_values) = conditions(&id, s.conds);
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

    /// The commitment's next step, from the agenda: it goes through its
    /// phases until one waits for a later day or the commitment ends.
    pub(crate) fn commit_step(&mut self, slot: u32) {
        let Some(mut c) = self.commitments.take(slot) else {
            return;
        };
        loop {
            let step = match c.phase {
                Phase::Conds => self.meet_condition(&mut c, slot),
                Phase::Dispute => self.dispute(&mut c, slot),
                Phase::Pay => self.pay(&mut c, slot),
                Phase::Pay2 => self.pay_again(&mut c, slot),
                Phase::Final => {
                    if self.day < c.not_before {
                        self.schedule(c.not_before, Task::Commit(slot));
                        Step::Wait
                    } else {
                        self.commitments.release(slot);
                        self.settle(c);
                        return;
                    }
                }
            };
            if let Step::Wait = step {
                break;
            }
        }
        self.commitments.put(slot, c);
    }

    /// The next condition that an event meets, if any is left.
    fn meet_condition(&mut self, c: &mut Commitment, slot: u32) -> Step {
        while c.next_cond < c.conds.len() && !c.conds[c.next_cond].1 {
            c.next_cond += 1;
        }
        if c.next_cond < c.conds.len() {
            let mut data = obj! { "commitment_id": c.id.clone(), "condition_id": c.conds[c.next_cond].0.clone() };
            if self.rng.chance(600) {
                data.insert("evidence".into(), self.evidence("condition"));
            }
            c.next_cond += 1;
            self.push("commitment.condition_met", c.promisor, data);
            self.schedule_in(5, 45, Task::Commit(slot));
            return Step::Wait;
        }
        c.phase = Phase::Dispute;
        Step::Next
    }

    /// The beneficiary's complaint, when the outcome is a dispute.
    fn dispute(&mut self, c: &mut Commitment, slot: u32) -> Step {
        c.phase = Phase::Pay;
        if matches!(c.outcome, Outcome::DisputedKept | Outcome::DisputedBreached) {
            let data = obj! { "commitment_id": c.id.clone(), "reason": "承诺事项逾期未兑现, 企业向优化办投诉" };
            self.push("commitment.disputed", c.beneficiary, data);
            self.schedule_in(30, 120, Task::Commit(slot));
            return Step::Wait;
        }
        Step::Next
    }

    /// The payment of a kept promise of money, not before its day.
    fn pay(&mut self, c: &mut Commitment, slot: u32) -> Step {
        let pays = matches!(
            c.outcome,
            Outcome::Kept | Outcome::Late | Outcome::DisputedKept | Outcome::DoublePaid
        );
        match c.amount {
            Some(amt) if pays => {
                if self.day < c.not_before {
                    self.schedule(c.not_before, Task::Commit(slot));
                    return Step::Wait;
                }
                c.phase = if c.outcome == Outcome::DoublePaid {
                    Phase::Pay2
                } else {
                    Phase::Final
                };
                self.pay_out(c, amt);
                let (lo, hi) = if c.outcome == Outcome::Late { (60, 200) } else { (2, 20) };
                self.schedule_in(lo, hi, Task::Commit(slot));
                Step::Wait
            }
            _ => {
                c.phase = Phase::Final;
                Step::Next
            }
        }
    }

    /// The same payment once more, by mistake.
    fn pay_again(&mut self, c: &mut Commitment, slot: u32) -> Step {
        c.phase = Phase::Final;
        let amt = c.amount.unwrap_or(0);
        self.pay_out(c, amt);
        self.schedule_in(5, 30, Task::Commit(slot));
        Step::Wait
    }

    /// The disbursement that pays the commitment.
    fn pay_out(&mut self, c: &Commitment, amt: u64) {
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
    }

    /// The end: breached (by an auditor), waived (by the beneficiary), or
    /// fulfilled, then repaid when a clawback target was missed.
    fn settle(&mut self, c: Commitment) {
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
    }

    /// The beneficiary pays back a discount whose clawback target was missed.
    pub(crate) fn repay(&mut self, commitment_id: String, from: u32, to: u32, amount: u64) {
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
}

/// The conditions of commitment `id`: numbered `id:c1`, `id:c2`, ... Returns
/// each id with whether `commitment.condition_met` meets it (not when it
/// names a target), and the conditions as recorded.
fn conditions(id: &str, specs: Vec<(&'static str, Option<String>)>) -> (Vec<(String, bool)>, Vec<Value>) {
    let mut conds = Vec::with_capacity(specs.len());
    let mut cond_values = Vec::with_capacity(specs.len());
    for (i, (text, target)) in specs.into_iter().enumerate() {
        let mut cid = String::with_capacity(id.len() + 3);
        cid.push_str(id);
        cid.push_str(":c");
        push_u64(&mut cid, i as u64 + 1);
        let mut m = obj! { "condition_id": cid.clone(), "text": text };
        conds.push((cid, target.is_none()));
        if let Some(t) = target {
            m.insert("target_id".into(), Value::String(t));
        }
        cond_values.push(Value::Object(m));
    }
    (conds, cond_values)
}
