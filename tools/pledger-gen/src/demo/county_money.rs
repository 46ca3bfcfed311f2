//! The county parks' money: budgets, land income, credit draws, works, and their plants.

use super::data::{
    County, CDB_CITY, CDB_COUNTIES, CONTRACTORS, COUNTIES, FIN, LAND_INCOME, PLAN_BASIS, WAN, WORKS, YEARS,
};
use super::{amt, day, Demo};
use serde_json::json;

fn alloc_land(k: &str) -> String {
    format!("alloc-land-{k}")
}

/// A park's running balance and what its county paid in over the five years.
#[derive(Default)]
struct Books {
    balance: u64,
    paid_in: u64,
}

impl Demo {
    pub(super) fn county_money(&mut self) {
        self.county_city_allocations();
        for (i, c) in COUNTIES.iter().enumerate() {
            self.county_park_money(i, c);
        }
    }

    /// The city's allocations to 武陵 (credit line) and to 武陵 and 鼎城 (land income).
    fn county_city_allocations(&mut self) {
        self.allocate(
            day(2007, 1, 10),
            FIN,
            "alloc-cdb-city-wuling",
            CDB_CITY,
            "wuling-park-infra",
            12_000 * WAN,
            "国开行市本级授信用于武陵区工业园基础设施",
            (day(2007, 1, 1), day(2010, 12, 31)),
            "常政函〔2007〕6号",
        );
        for k in ["wuling", "dingcheng"] {
            self.allocate(
                day(2007, 1, 10),
                "city-land",
                &alloc_land(k),
                LAND_INCOME,
                &format!("{k}-park-infra"),
                4_000 * WAN,
                "土地出让收入返还园区基础设施建设",
                (day(2007, 1, 1), day(2010, 12, 31)),
                "常政发〔2007〕4号",
            );
        }
    }

    /// A county's five-year funding commitment to its park, the years' money,
    /// and the commitment fulfilled if the county paid the 100m in full.
    fn county_park_money(&mut self, i: usize, c: &County) {
        let k = c.key;
        let county = format!("{k}-county");
        let park = format!("{k}-park");
        let c_fd = format!("c-fd-{k}");
        self.step(
            day(2006, 1, 10),
            "commitment.made",
            &county,
            json!({"commitment_id": c_fd, "promisor": county, "beneficiary": park, "kind": "funding",
                   "terms": format!("{}财政每年安排{}建设资金不少于2000万元,“十一五”期间合计1亿元", c.county, c.park),
                   "amount": amt(10_000 * WAN), "due": "2010-12-31", "basis": PLAN_BASIS}),
        );
        let mut books = Books::default();
        for (yi, y) in YEARS.enumerate() {
            self.county_budget(i, c, y, &mut books);
            books.balance += self.county_extra_inflows(i, c, y);
            self.county_works(i, c, yi, y, &mut books.balance);
        }
        if k == "anxiang" {
            self.anxiang_idle_fund();
        }
        if books.paid_in >= 10_000 * WAN {
            let ev = format!("{}财政局“十一五”园区建设资金拨付情况报告", c.county);
            self.fulfil(day(2011, 1, 12), &county, &c_fd, Some(books.paid_in), Some(&ev));
        }
    }

    /// The county's yearly 20m allocation, paid in two batches (汉寿 pays
    /// only 5m of its second batch in 2008).
    fn county_budget(&mut self, i: usize, c: &County, y: i32, books: &mut Books) {
        let k = c.key;
        let county = format!("{k}-county");
        let treasury = format!("{k}-treasury");
        let infra = format!("{k}-park-infra");
        let c_fd = format!("c-fd-{k}");
        let alloc = format!("alloc-{k}-{y}");
        self.allocate(
            day(y, 1, 15),
            &county,
            &alloc,
            &treasury,
            &infra,
            2_000 * WAN,
            &format!("{y}年{}基础设施建设资金", c.park),
            (day(y, 1, 1), day(y, 12, 31)),
            &format!("{}{y}年财政预算", c.county),
        );
        for (n, m) in [(1u32, 3u32), (2, 9)] {
            let amount = if k == "hanshou" && y == 2008 && n == 2 {
                500 * WAN
            } else {
                1_000 * WAN
            };
            self.disburse(
                day(y, m, 20),
                &county,
                json!({"disbursement_id": format!("disb-{k}-{y}-{n}"), "from_account": treasury,
                       "to_account": infra, "purpose": format!("{y}年园区基础设施建设资金(第{n}批)"),
                       "category": "infrastructure", "allocation_id": alloc, "commitment_id": c_fd,
                       "voucher": format!("{}财建〔{y}〕{}号", c.county, 10 * n as usize + i)}),
                amount,
                Some(3),
            );
            books.balance += amount;
            books.paid_in += amount;
        }
    }

    /// Money beyond the county budget: 石门's over-allocation, the city's land
    /// income and credit-line draws, and 汉寿's unconfirmed land income.
    /// Returns what reached the park's account (the unconfirmed 6m aside).
    fn county_extra_inflows(&mut self, i: usize, c: &County, y: i32) -> u64 {
        let k = c.key;
        let county = format!("{k}-county");
        let treasury = format!("{k}-treasury");
        let infra = format!("{k}-park-infra");
        let mut added = 0;
        if k == "shimen" && y == 2009 {
            // Over the allocation: paid beyond the year's 20m budget.
            self.disburse(
                day(2009, 11, 20),
                &county,
                json!({"disbursement_id": "disb-shimen-2009-3", "from_account": treasury,
                       "to_account": infra, "purpose": "追加拨付园区基础设施建设资金(超出年度预算安排)",
                       "category": "infrastructure", "allocation_id": format!("alloc-{k}-{y}"),
                       "voucher": "石财建〔2009〕41号"}),
                300 * WAN,
                Some(3),
            );
            added += 300 * WAN;
        }
        if (k == "wuling" || k == "dingcheng") && y >= 2007 {
            self.disburse(
                day(y, 6, 15),
                "city-land",
                json!({"disbursement_id": format!("disb-land-{k}-{y}"), "from_account": LAND_INCOME,
                       "to_account": infra, "purpose": "土地出让收入返还园区基础设施建设",
                       "category": "infrastructure", "allocation_id": alloc_land(k),
                       "voucher": format!("常国土财〔{y}〕{}号", 20 + i)}),
                1_000 * WAN,
                Some(3),
            );
            added += 1_000 * WAN;
        }
        if k == "wuling" && (y == 2007 || y == 2009) {
            self.disburse(
                day(y, 7, 20),
                FIN,
                json!({"disbursement_id": format!("disb-cdb-wuling-{y}"), "from_account": CDB_CITY,
                       "to_account": infra, "purpose": "国开行贷款提款(武陵区工业园基础设施)",
                       "category": "infrastructure", "allocation_id": "alloc-cdb-city-wuling",
                       "voucher": format!("国开行提款通知书 {y}-W")}),
                6_000 * WAN,
                Some(3),
            );
            added += 6_000 * WAN;
        }
        added += self.county_credit_draw(i, c, y);
        if k == "hanshou" && y == 2010 {
            self.hanshou_unconfirmed_land_income(&infra);
        }
        added
    }

    /// A draw on the counties' credit line, in the years a park has one.
    fn county_credit_draw(&mut self, i: usize, c: &County, y: i32) -> u64 {
        let k = c.key;
        let credit = match (k, y) {
            ("lixian", 2007) => 8_000,
            ("dingcheng", 2008) | ("taoyuan", 2008) => 5_000,
            ("shimen", 2009) => 4_000,
            _ => 0,
        } * WAN;
        if credit == 0 {
            return 0;
        }
        let infra = format!("{k}-park-infra");
        let a = format!("alloc-cdb-{k}-{y}");
        self.allocate(
            day(y, 6, 1),
            FIN,
            &a,
            CDB_COUNTIES,
            &infra,
            credit,
            &format!("国开行区县授信用于{}基础设施", c.park),
            (day(y, 1, 1), day(y, 12, 31)),
            &format!("常政函〔{y}〕{}号", 30 + i),
        );
        self.disburse(
            day(y, 7, 10),
            FIN,
            json!({"disbursement_id": format!("disb-cdb-{k}-{y}"), "from_account": CDB_COUNTIES,
                   "to_account": infra, "purpose": format!("国开行贷款提款({}基础设施)", c.park),
                   "category": "infrastructure", "allocation_id": a,
                   "voucher": format!("国开行提款通知书 {y}-{k}")}),
            credit,
            Some(3),
        );
        credit
    }

    /// 安乡's special account for its small-enterprise incubator (中小企业
    /// 创业基地): funded in April 2008 and never drawn on — 9m idle for over
    /// two years while the park's infrastructure account is overdrawn.
    fn anxiang_idle_fund(&mut self) {
        let fund = "anxiang-park-incubator";
        self.account(
            day(2008, 4, 8),
            "anxiang-county",
            fund,
            "anxiang-park",
            "internal",
            "安乡县工业园中小企业创业基地建设专项资金专户",
            None,
            Some("infrastructure"),
        );
        self.disburse(
            day(2008, 4, 22),
            "anxiang-county",
            json!({"disbursement_id": "disb-anxiang-incubator-2008", "from_account": "anxiang-treasury",
                   "to_account": fund, "purpose": "中小企业创业基地标准厂房建设专项资金",
                   "category": "infrastructure", "voucher": "安财建〔2008〕16号"}),
            900 * WAN,
            Some(3),
        );
    }

    /// Sent, never confirmed by the park.
    fn hanshou_unconfirmed_land_income(&mut self, infra: &str) {
        self.allocate(
            day(2010, 11, 1),
            "city-land",
            "alloc-land-hanshou-2010",
            LAND_INCOME,
            infra,
            600 * WAN,
            "土地出让收入返还汉寿县高新技术产业园",
            (day(2010, 11, 1), day(2010, 12, 31)),
            "常政发〔2010〕31号",
        );
        self.disburse(
            day(2010, 11, 15),
            "city-land",
            json!({"disbursement_id": "disb-land-hanshou-2010", "from_account": LAND_INCOME,
                   "to_account": infra, "purpose": "土地出让收入返还园区基础设施建设",
                   "category": "infrastructure", "allocation_id": "alloc-land-hanshou-2010",
                   "voucher": "常国土财〔2010〕47号"}),
            600 * WAN,
            None,
        );
    }

    /// Works paid to contractors in November and December (安乡's December
    /// payment of 2010 overdraws its account).
    fn county_works(&mut self, i: usize, c: &County, yi: usize, y: i32, balance: &mut u64) {
        let k = c.key;
        let park = format!("{k}-park");
        let infra = format!("{k}-park-infra");
        let first = (*balance / 2) / WAN * WAN;
        let mut second = (*balance * 4 / 10) / WAN * WAN;
        let mut purpose2 = format!("{}{}", c.park, WORKS[(i + yi + 3) % WORKS.len()]);
        if k == "anxiang" && y == 2010 {
            // Overdraft: works paid before the money was there.
            second = *balance - first + 1_200 * WAN;
            purpose2 = format!("{}园区道路工程款(资金未到位先行支付)", c.park);
        }
        for (n, (m, amount, purpose)) in [
            (11u32, first, format!("{}{}", c.park, WORKS[(i + yi) % WORKS.len()])),
            (12, second, purpose2),
        ]
        .into_iter()
        .enumerate()
        {
            let ctr = CONTRACTORS[(i + yi + n) % 4].0;
            self.disburse(
                day(y, m, 10),
                &park,
                json!({"disbursement_id": format!("exp-{k}-{y}-{}", n + 1), "from_account": infra,
                       "to_account": format!("acct-{ctr}"), "kind": "expenditure", "category": "infrastructure",
                       "purpose": purpose, "voucher": format!("{}财支〔{y}〕{}号", c.park, 50 + n)}),
                amount,
                None,
            );
            *balance = balance.saturating_sub(amount);
        }
    }
}
