//! The rest of the money: reward and support funds, the bank's loan service, build-transfer.

use super::data::{BANK_ACCT, FIN, REWARD_FUND, SUPPORT_FUND, TREASURY, WAN};
use super::{day, Demo};
use crate::util::year_of;
use serde_json::json;
use std::collections::BTreeMap;

/// The account through which the banks pay the rewards out to the people
/// named (代发).
const REWARD_PAYROLL: &str = "city-reward-payroll";

/// Build-transfer works in 澧县, advanced by 中铁五局: id, date, amount in 万元, purpose.
const LIXIAN_BT_WORKS: [(&str, i32, u64, &str); 2] = [
    (
        "bt-lixian-2007",
        day(2007, 4, 18),
        35_000,
        "BT模式建设澧县经济开发区主干道及管网(中铁五局垫资,工程量确认)",
    ),
    (
        "bt-lixian-2008",
        day(2008, 4, 16),
        23_000,
        "BT模式建设澧县经济开发区标准厂房(中铁五局垫资,工程量确认)",
    ),
];

/// The counties buying the works back: id, date, county, treasury, to, amount in 万元, purpose.
const BT_BUYBACKS: [(&str, i32, &str, &str, &str, u64, &str); 3] = [
    (
        "btr-lixian-2009",
        day(2009, 12, 10),
        "lixian-county",
        "lixian-treasury",
        "acct-bt-crec5",
        10_000,
        "澧县BT项目回购款(第一期)",
    ),
    (
        "btr-lixian-2010",
        day(2010, 12, 10),
        "lixian-county",
        "lixian-treasury",
        "acct-bt-crec5",
        15_000,
        "澧县BT项目回购款(第二期)",
    ),
    (
        "btr-taoyuan-2010",
        day(2010, 11, 25),
        "taoyuan-county",
        "taoyuan-treasury",
        "acct-bt-hunan-construction",
        6_000,
        "桃源县BT项目回购款(第一期)",
    ),
];

impl Demo {
    pub(super) fn other_money(&mut self) {
        self.reward_fund();
        self.support_fund();
        self.loan_service();
        self.build_transfer();
    }

    /// The reward fund, filled each February for the previous year's rewards.
    fn reward_fund(&mut self) {
        for y in 2007..=2011 {
            let a = format!("alloc-reward-{y}");
            self.allocate(
                day(y, 2, 20),
                FIN,
                &a,
                TREASURY,
                REWARD_FUND,
                800 * WAN,
                &format!("{}年度园区考核奖励资金", y - 1),
                (day(y, 1, 1), day(y, 12, 31)),
                "常发〔2006〕8号 第二十一条",
            );
            self.disburse(
                day(y, 2, 25),
                FIN,
                json!({"disbursement_id": format!("disb-reward-{y}"), "from_account": TREASURY,
                       "to_account": REWARD_FUND, "purpose": format!("{}年度园区考核奖励资金", y - 1),
                       "category": "reward", "allocation_id": a, "voucher": format!("常财行〔{y}〕6号")}),
                800 * WAN,
                Some(1),
            );
        }
    }

    /// The money of each year's reward payouts leaves the reward fund on
    /// the day of the year's last payout, for the banks to pay out.
    pub(super) fn reward_fund_payouts(&mut self) {
        self.account(
            day(2007, 3, 1),
            FIN,
            REWARD_PAYROLL,
            FIN,
            "external",
            "园区考核奖励代发账户(由银行代发至个人)",
            None,
            None,
        );
        let mut years: BTreeMap<i32, (i32, u64)> = BTreeMap::new();
        for &(z, fen) in &self.rewards_paid {
            let e = years.entry(year_of(z)).or_insert((z, 0));
            e.0 = e.0.max(z);
            e.1 += fen;
        }
        for (y, (z, fen)) in years {
            self.disburse(
                z,
                FIN,
                json!({"disbursement_id": format!("disb-reward-paid-{y}"), "from_account": REWARD_FUND,
                       "to_account": REWARD_PAYROLL, "kind": "expenditure", "category": "reward",
                       "purpose": format!("{y}年兑现园区考核奖励(银行代发至个人)"),
                       "voucher": format!("常财行〔{y}〕{}号", 15)}),
                fen,
                None,
            );
        }
    }

    /// The industrial-support fund (subsidies, interest subsidies).
    fn support_fund(&mut self) {
        for (y, amount) in [(2008, 4_000), (2009, 3_000)] {
            self.disburse(
                day(y, 3, 5),
                FIN,
                json!({"disbursement_id": format!("disb-support-{y}"), "from_account": TREASURY,
                       "to_account": SUPPORT_FUND, "purpose": format!("{y}年工业发展专项资金"),
                       "voucher": format!("常财企〔{y}〕9号")}),
                amount * WAN,
                Some(2),
            );
        }
    }

    /// Development-bank loan service: interest yearly, principal from 2010.
    fn loan_service(&mut self) {
        for (y, fen) in [
            (2007, 1_762_560 * 100u64),
            (2008, 2_937_600 * 100),
            (2009, 4_112_640 * 100),
            (2010, 5_287_680 * 100),
        ] {
            self.disburse(
                day(y, 12, 20),
                FIN,
                json!({"disbursement_id": format!("int-cdb-{y}"), "from_account": TREASURY, "to_account": BANK_ACCT,
                       "kind": "interest", "purpose": format!("国开行贷款{y}年度利息"),
                       "voucher": format!("常财债〔{y}〕12号")}),
                fen,
                None,
            );
        }
        self.disburse(
            day(2010, 12, 21),
            FIN,
            json!({"disbursement_id": "rep-cdb-2010", "from_account": TREASURY, "to_account": BANK_ACCT,
                   "kind": "repayment", "purpose": "归还国开行贷款本金(第一期)", "voucher": "常财债〔2010〕13号"}),
            10_000 * WAN,
            None,
        );
    }

    /// Build-transfer: the investors build, the counties buy the works back later.
    fn build_transfer(&mut self) {
        for (id, z, amount, purpose) in LIXIAN_BT_WORKS {
            self.disburse(
                z,
                "lixian-park",
                json!({"disbursement_id": id, "from_account": "lixian-bt-financing", "to_account": "acct-bt-crec5",
                       "kind": "expenditure", "category": "infrastructure", "purpose": purpose,
                       "voucher": format!("澧开BT〔{}〕1号", 2007 + (amount < 30_000) as i32)}),
                amount * WAN,
                None,
            );
        }
        self.disburse(
            day(2008, 5, 15),
            "taoyuan-park",
            json!({"disbursement_id": "bt-taoyuan-2008", "from_account": "taoyuan-bt-financing",
                   "to_account": "acct-bt-hunan-construction", "kind": "expenditure", "category": "infrastructure",
                   "purpose": "BT模式建设桃源县创元工业园道路及供水工程(湖南建工垫资,工程量确认)",
                   "voucher": "桃园BT〔2008〕1号"}),
            20_000 * WAN,
            None,
        );
        for (id, z, county, treasury, to, amount, purpose) in BT_BUYBACKS {
            self.disburse(
                z,
                county,
                json!({"disbursement_id": id, "from_account": treasury, "to_account": to, "kind": "repayment",
                       "purpose": purpose, "voucher": format!("{id} 回购协议付款凭证")}),
                amount * WAN,
                None,
            );
        }
    }
}
