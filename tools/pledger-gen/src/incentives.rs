//! Incentives: reward schemes on targets and on yearly tasks, payouts to
//! the people a scheme names once its target is verified or its task
//! decided, and clawbacks.

use crate::agenda::Task;
use crate::fields::obj;
use crate::generator::Generator;
use crate::util::dec;
use serde_json::Value;

/// Whose target a scheme rewards: a park's or a bureau's.
#[derive(Clone, Copy)]
pub(crate) enum Owner {
    Park(u16),
    Dept(u16),
}

/// A reward scheme on a target or a yearly task.
pub(crate) struct Scheme {
    id: String,
    total: u64,
    owner: Owner,
}

impl Generator {
    /// Emits `incentive.scheme_set` on the target in `slot` and attaches
    /// the scheme to it.
    pub(crate) fn scheme_set(&mut self, slot: u32, total: u64, owner: Owner) {
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
        let t = self.targets.get_mut(slot).expect("open target");
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

    /// Emits `incentive.scheme_set` on park `p`'s yearly task `task_id`
    /// (condition `task_passed`) and returns the scheme for the task to keep.
    pub(crate) fn task_scheme_set(&mut self, task_id: String, total: u64, p: u16) -> Box<Scheme> {
        self.n_scheme += 1;
        let id = self.mkid("sch", self.n_scheme, 5);
        let shares: Vec<Value> = [("county_leaders", "40"), ("park_leaders", "30"), ("contributors", "30")]
            .iter()
            .map(|(r, p)| Value::Object(obj! { "role": *r, "percent": *p }))
            .collect();
        let data = obj! {
            "scheme_id": id.clone(),
            "task_id": task_id,
            "total": dec(total),
            "shares": shares,
            "condition": "task_passed",
        };
        self.push("incentive.scheme_set", self.gov, data);
        Box::new(Scheme {
            id,
            total,
            owner: Owner::Park(p),
        })
    }

    /// After a target's final verification (or a task's decision: `on_task`),
    /// its scheme's payouts on the agenda, one per person named. Rewards are
    /// paid by the result; now and then one slips through.
    pub(crate) fn schedule_rewards(&mut self, s: &Scheme, rewarded: &str, met: bool, on_task: bool) {
        if !(met || self.rng.chance(100)) {
            return;
        }
        let claw = !met;
        let payees = self.payees(s.owner);
        let base = self.rng.range(15, 60);
        for (role, pct, people) in payees {
            let each = s.total * pct / 100 / people.len() as u64;
            for payee in people {
                let day = self.day + (base + self.rng.range(0, 6)) as i32;
                let task = Task::Payout {
                    scheme_id: s.id.clone(),
                    rewarded: rewarded.to_string(),
                    on_task,
                    payee,
                    role,
                    amount: each,
                    claw,
                };
                self.schedule(day, task);
            }
        }
    }

    /// The roles of a scheme's owner, each with its percent and its people.
    fn payees(&self, owner: Owner) -> Vec<(&'static str, u64, Vec<u32>)> {
        match owner {
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
        }
    }

    /// A payout from the reward fund, and its clawback scheduled when the
    /// target was missed or the task failed (mostly) or the payout
    /// undocumented (half the time).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn payout(
        &mut self,
        scheme_id: String,
        rewarded: String,
        on_task: bool,
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
            let missed = if missed { Some((rewarded, on_task)) } else { None };
            let task = Task::Clawback {
                payout_id: id,
                missed,
                amount,
            };
            self.schedule_in(120, 300, task);
        }
    }

    /// The finance bureau claws back a payout.
    pub(crate) fn clawback(&mut self, payout_id: String, missed: Option<(String, bool)>, amount: u64) {
        let reason = match missed {
            Some((t, false)) => {
                let mut r = String::from("回头看: 目标 ");
                r.push_str(&t);
                r.push_str(" 未完成, 奖励资金予以追回");
                r
            }
            Some((t, true)) => {
                let mut r = String::from("回头看: 年度目标任务 ");
                r.push_str(&t);
                r.push_str(" 考核未通过, 奖励资金予以追回");
                r
            }
            None => "审计发现奖励审核把关不严、佐证材料不全, 予以追回".to_string(),
        };
        let data = obj! { "payout_id": payout_id, "amount": self.amount(amount), "reason": reason };
        self.push("incentive.clawed_back", self.finance(), data);
    }
}
