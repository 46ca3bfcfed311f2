//! Incentives: the yearly 40/30/30 reward schemes, their payouts and the clawbacks.

use super::assessment::{county_task, Outcome};
use super::data::{park_leaders, County, COUNTIES, FIN, GOV, REWARD_FUND, WAN, YEARS};
use super::{amt, day, Demo};
use serde_json::json;

/// The zone's yearly payouts: payee, role, amount.
const ZONE_PAYOUTS: [(&str, &str, u64); 5] = [
    ("p-deshan-secretary", "zone_leaders", 20 * WAN),
    ("p-deshan-director", "zone_leaders", 20 * WAN),
    ("p-deshan-deputy", "park_leaders", 15 * WAN),
    ("p-deshan-invest-head", "park_leaders", 15 * WAN),
    ("p-deshan-contributor", "contributors", 30 * WAN),
];

/// The approval form of year `y`'s rewards, numbered `n`.
fn reward_doc(y: i32, n: usize) -> String {
    format!("常园奖〔{}〕{}号 园区考核奖励兑现审批表", y + 1, n)
}

impl Demo {
    fn scheme(&mut self, y: i32, id: &str, target: &str, total: u64, roles: [&str; 3]) {
        self.push(
            day(y, 2, 10),
            "incentive.scheme_set",
            GOV,
            json!({"scheme_id": id, "target_id": target, "total": amt(total), "condition": "target_met",
                   "shares": [{"role": roles[0], "percent": "40"}, {"role": roles[1], "percent": "30"},
                              {"role": roles[2], "percent": "30"}]}),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn payout(&mut self, z: i32, id: &str, scheme: &str, payee: &str, role: &str, amount: u64, evidence: Option<&str>) {
        let mut data = json!({
            "payout_id": id, "scheme_id": scheme, "payee": payee, "role": role, "amount": amt(amount),
            "from_account": REWARD_FUND,
        });
        if let Some(e) = evidence {
            data["evidence"] = self.evidence(e);
        }
        self.push(z, "incentive.paid", FIN, data);
        self.rewards_paid.push((z, amount));
    }

    pub(super) fn incentives(&mut self) {
        for (yi, y) in YEARS.enumerate() {
            self.zone_rewards(y);
            for (i, c) in COUNTIES.iter().enumerate() {
                self.county_rewards(i, c, yi, y);
                if y >= 2009 {
                    self.county_task_rewards(i, c, y);
                }
            }
        }
        self.push(
            day(2010, 5, 20),
            "incentive.clawed_back",
            GOV,
            json!({"payout_id": "pay-jinshi-2008-3", "amount": amt(9 * WAN),
                   "reason": "审计发现津市市工业园2008年度目标未完成(核定4个,目标5个),追回园区主任奖励"}),
        );
        self.clawed_back_twice();
    }

    /// 德山 2010: the city docks 50k of the 150k reward of 聂红, head of the
    /// zone's investment bureau, for a "basically competent" appraisal;
    /// then, on the discipline commission's notice cancelling the whole
    /// reward, claws back the full 150k without netting the 50k already
    /// taken: 200k back from a payout of 150k. Both after every other event
    /// of the log, so no other record moves.
    fn clawed_back_twice(&mut self) {
        let steps = [
            (
                day(2011, 4, 20),
                5 * WAN,
                "德山开发区招商局局长聂红2010年度个人考核为基本称职,按考核奖励办法扣回其2010年度奖励5万元",
            ),
            (
                day(2011, 5, 18),
                15 * WAN,
                "市纪委通报德山开发区招商局局长聂红违反廉洁自律规定,取消其2010年度考核奖励,全额追回15万元",
            ),
        ];
        for (z, amount, reason) in steps {
            self.push(
                z,
                "incentive.clawed_back",
                GOV,
                json!({"payout_id": "pay-deshan-2010-4", "amount": amt(amount), "reason": reason}),
            );
        }
    }

    /// The zone: 1m on its ≥50m-projects target.
    fn zone_rewards(&mut self, y: i32) {
        let s = format!("scheme-deshan-{y}");
        let roles = ["zone_leaders", "park_leaders", "contributors"];
        self.scheme(y, &s, &format!("deshan-{y}-ge50m"), 100 * WAN, roles);
        let ev = reward_doc(y, 1);
        for (n, (who, role, amount)) in ZONE_PAYOUTS.into_iter().enumerate() {
            let id = format!("pay-deshan-{y}-{}", n + 1);
            self.payout(day(y + 1, 3, 15), &id, &s, who, role, amount, Some(&ev));
        }
        if y == 2009 {
            // Over the scheme's total: a second contributors' payment.
            self.payout(
                day(2010, 4, 20),
                "pay-deshan-2009-6",
                &s,
                "p-deshan-contributor",
                "contributors",
                10 * WAN,
                Some("常园奖〔2010〕9号 补发招商骨干奖励"),
            );
        }
    }

    /// County parks: 500k on the ≥10m-projects target.
    fn county_rewards(&mut self, i: usize, c: &County, yi: usize, y: i32) {
        let k = c.key;
        let s = format!("scheme-{k}-{y}");
        let roles = ["county_leaders", "park_leaders", "contributors"];
        self.scheme(y, &s, &format!("{k}-{y}-ge10m"), 50 * WAN, roles);
        let pay = match c.headline.as_bytes()[yi] {
            b'M' => true,
            // Paid although the audit found the target missed.
            b'O' => k == "jinshi" && y == 2008,
            // Paid on the park's own claim, never verified.
            b'C' => true,
            _ => false,
        };
        if !pay {
            return;
        }
        let (director, deputy) = park_leaders(k, y);
        // 鼎城 2007: the secretary gets more than the county leaders' share allows.
        let (secretary_amount, contributor_amount) = if k == "dingcheng" && y == 2007 {
            (15 * WAN, 10 * WAN)
        } else {
            (10 * WAN, 15 * WAN)
        };
        let ev = reward_doc(y, i + 2);
        let rows = [
            (format!("p-{k}-secretary"), "county_leaders", secretary_amount),
            (format!("p-{k}-head"), "county_leaders", 10 * WAN),
            (director, "park_leaders", 9 * WAN),
            (deputy, "park_leaders", 6 * WAN),
            (format!("p-{k}-contributor"), "contributors", contributor_amount),
        ];
        for (n, (who, role, amount)) in rows.into_iter().enumerate() {
            let evidence = if k == "wuling" && y == 2006 && role == "contributors" {
                None
            } else {
                Some(ev.as_str())
            };
            let id = format!("pay-{k}-{y}-{}", n + 1);
            self.payout(day(y + 1, 3, 15), &id, &s, &who, role, amount, evidence);
        }
    }

    /// From 2009 the county parks' overall reward (综合奖, 300k) is on the
    /// yearly task: paid only to the parks whose task passed — and to 鼎城
    /// for 2009, whose task was vetoed by the 灌溪 explosion.
    fn county_task_rewards(&mut self, i: usize, c: &County, y: i32) {
        let k = c.key;
        let s = format!("scheme-task-{k}-{y}");
        let task = format!("task-{k}-{y}");
        self.push(
            day(y, 2, 10),
            "incentive.scheme_set",
            GOV,
            json!({"scheme_id": s, "task_id": task, "total": amt(30 * WAN), "condition": "task_passed",
                   "shares": [{"role": "county_leaders", "percent": "40"}, {"role": "park_leaders", "percent": "30"},
                              {"role": "contributors", "percent": "30"}]}),
        );
        // Paid although the task was vetoed.
        let vetoed_but_paid = k == "dingcheng" && y == 2009;
        if county_task(i, c, y).outcome() != Outcome::Passed && !vetoed_but_paid {
            return;
        }
        let (director, deputy) = park_leaders(k, y);
        let rows = [
            (format!("p-{k}-secretary"), "county_leaders", 6 * WAN),
            (format!("p-{k}-head"), "county_leaders", 6 * WAN),
            (director, "park_leaders", 5 * WAN),
            (deputy, "park_leaders", 4 * WAN),
            (format!("p-{k}-contributor"), "contributors", 9 * WAN),
        ];
        let ev = format!("常园奖〔{}〕{}号 园区目标管理考核综合奖兑现审批表", y + 1, i + 20);
        for (n, (who, role, amount)) in rows.into_iter().enumerate() {
            let id = format!("pay-task-{k}-{y}-{}", n + 1);
            self.payout(day(y + 1, 3, 25), &id, &s, &who, role, amount, Some(&ev));
        }
    }
}
