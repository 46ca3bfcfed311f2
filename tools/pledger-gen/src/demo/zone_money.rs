//! The development zone's money: city funding, credit and land draws, works, and its plants.

use super::data::{
    CDB_CITY, FIN, GOV, LAND_INCOME, PLAN_BASIS, TREASURY, WAN, WORKS, YEARS, ZONE, ZONE_FINANCE, ZONE_INFRA,
};
use super::{amt, day, ds, Demo};
use serde_json::json;

/// The contractors the zone pays for its works, in turn.
const ZONE_CONTRACTORS: [&str; 3] = ["ctr-zhongnan-road", "ctr-yuanli-municipal", "ctr-huasheng-power"];

impl Demo {
    pub(super) fn zone_money(&mut self) {
        self.zone_allocations();
        let mut balance: u64 = 0;
        for (yi, y) in YEARS.enumerate() {
            self.zone_year(yi, y, &mut balance);
        }
        self.zone_over_ceiling();
    }

    /// The five-year allocations from the credit line and the land income.
    fn zone_allocations(&mut self) {
        self.allocate(
            day(2006, 1, 10),
            FIN,
            "alloc-cdb-city-deshan",
            CDB_CITY,
            ZONE_INFRA,
            48_000 * WAN,
            "国开行市本级授信80%用于德山开发区基础设施建设",
            (day(2006, 1, 1), day(2010, 12, 31)),
            "常政函〔2006〕12号",
        );
        self.allocate(
            day(2007, 1, 10),
            "city-land",
            "alloc-land-deshan",
            LAND_INCOME,
            ZONE_INFRA,
            20_000 * WAN,
            "土地出让收入返还德山开发区基础设施建设",
            (day(2007, 1, 1), day(2010, 12, 31)),
            "常政发〔2007〕4号",
        );
    }

    /// One year: the city's 300m funding commitment, allocated, paid in two
    /// batches and fulfilled; the zone's own budget; the works it pays.
    fn zone_year(&mut self, yi: usize, y: i32, balance: &mut u64) {
        let period = (day(y, 1, 1), day(y, 12, 31));
        let c_fd = format!("c-fd-deshan-{y}");
        self.step(
            day(y, 1, 10),
            "commitment.made",
            GOV,
            json!({"commitment_id": c_fd, "promisor": GOV, "beneficiary": ZONE, "kind": "funding",
                   "terms": format!("{y}年市财政安排德山开发区基础设施建设资金不少于3亿元"),
                   "amount": amt(30_000 * WAN), "due": ds(day(y, 12, 31)), "basis": PLAN_BASIS}),
        );
        let alloc = format!("alloc-treasury-deshan-{y}");
        self.allocate(
            day(y, 1, 10),
            FIN,
            &alloc,
            TREASURY,
            ZONE_INFRA,
            30_000 * WAN,
            "开发区基础设施建设",
            period,
            PLAN_BASIS,
        );

        // The zone's own budget (not earmarked): land refunds are paid from it.
        self.disburse(
            day(y, 2, 20),
            FIN,
            json!({"disbursement_id": format!("disb-deshan-finance-{y}"), "from_account": TREASURY,
                   "to_account": ZONE_FINANCE, "purpose": "开发区管委会财政体制补助",
                   "voucher": format!("常财预〔{y}〕21号")}),
            2_000 * WAN,
            Some(2),
        );

        for (half, m) in [(1, 3), (2, 9)] {
            self.zone_batch(y, half, m, &alloc, &c_fd);
            if half == 1 {
                *balance += 15_000 * WAN;
                self.zone_first_half_draw_and_works(yi, y, balance);
            }
        }
        *balance += 15_000 * WAN;
        self.zone_second_half(yi, y, balance);
        if y >= 2008 {
            self.zone_resettlement(yi, y);
        }
        let ev = format!("常财建〔{y}〕88号 {y}年开发区基础设施建设资金拨付情况通报");
        self.fulfil(day(y, 12, 28), GOV, &c_fd, Some(30_000 * WAN), Some(&ev));
    }

    /// A 150m batch of the city's funding (the first of 2008 entered twice).
    fn zone_batch(&mut self, y: i32, half: i32, m: u32, alloc: &str, c_fd: &str) {
        let id = format!("disb-deshan-{y}-{half}");
        self.disburse(
            day(y, m, 10),
            FIN,
            json!({"disbursement_id": id, "from_account": TREASURY, "to_account": ZONE_INFRA,
                   "purpose": format!("{y}年开发区基础设施建设资金(第{half}批)"), "category": "infrastructure",
                   "allocation_id": alloc, "commitment_id": c_fd,
                   "voucher": format!("常财建〔{y}〕{}号", 10 + half * 7)}),
            15_000 * WAN,
            Some(2),
        );
        if y == 2008 && half == 1 {
            // Entered twice by mistake; voided by its recorder the next day.
            self.disburse(
                day(2008, 3, 11),
                FIN,
                json!({"disbursement_id": "disb-deshan-2008-1-dup", "from_account": TREASURY,
                       "to_account": ZONE_INFRA, "purpose": "2008年开发区基础设施建设资金(第1批)",
                       "category": "infrastructure", "allocation_id": alloc, "commitment_id": c_fd,
                       "voucher": "常财建〔2008〕17号"}),
                15_000 * WAN,
                None,
            );
            self.void(
                day(2008, 3, 12),
                FIN,
                "disb-deshan-2008-1-dup",
                "重复录入:与 disb-deshan-2008-1 为同一笔拨款(常财建〔2008〕17号),予以作废",
            );
        }
    }

    /// The credit line's yearly draw (May) and the mid-year works (June).
    fn zone_first_half_draw_and_works(&mut self, yi: usize, y: i32, balance: &mut u64) {
        self.disburse(
            day(y, 5, 20),
            FIN,
            json!({"disbursement_id": format!("disb-cdb-deshan-{y}"), "from_account": CDB_CITY,
                   "to_account": ZONE_INFRA, "purpose": format!("国开行贷款{y}年度提款(开发区基础设施)"),
                   "category": "infrastructure", "allocation_id": "alloc-cdb-city-deshan",
                   "voucher": format!("国开行提款通知书 {y}-{:02}", yi + 1)}),
            9_600 * WAN,
            Some(3),
        );
        *balance += 9_600 * WAN;
        let pay = (*balance * 4 / 10) / WAN * WAN;
        self.disburse(
            day(y, 6, 30),
            ZONE,
            json!({"disbursement_id": format!("exp-deshan-{y}-1"), "from_account": ZONE_INFRA,
                   "to_account": format!("acct-{}", ZONE_CONTRACTORS[yi % 3]), "kind": "expenditure",
                   "category": "infrastructure", "purpose": format!("德山开发区{}", WORKS[yi % WORKS.len()]),
                   "voucher": format!("德开财支〔{y}〕{}号", 30 + yi)}),
            pay,
            None,
        );
        *balance -= pay;
    }

    /// Land income (from 2007), the 2009 office refitting and the year-end works.
    fn zone_second_half(&mut self, yi: usize, y: i32, balance: &mut u64) {
        if y >= 2007 {
            self.disburse(
                day(y, 8, 15),
                "city-land",
                json!({"disbursement_id": format!("disb-land-deshan-{y}"), "from_account": LAND_INCOME,
                       "to_account": ZONE_INFRA, "purpose": "土地出让收入返还用于开发区基础设施建设",
                       "category": "infrastructure", "allocation_id": "alloc-land-deshan",
                       "voucher": format!("常国土财〔{y}〕8号")}),
                5_000 * WAN,
                Some(3),
            );
            *balance += 5_000 * WAN;
        }
        if y == 2009 {
            // Earmark breach: infrastructure money spent on office refitting.
            self.disburse(
                day(2009, 8, 20),
                ZONE,
                json!({"disbursement_id": "exp-deshan-2009-office", "from_account": ZONE_INFRA,
                       "to_account": "acct-ctr-tongli-build", "kind": "expenditure", "category": "administration",
                       "purpose": "开发区管委会办公楼装修改造", "voucher": "德开财支〔2009〕77号"}),
                500 * WAN,
                None,
            );
            *balance -= 500 * WAN;
        }
        let pay = (*balance / 2) / WAN * WAN;
        self.disburse(
            day(y, 12, 15),
            ZONE,
            json!({"disbursement_id": format!("exp-deshan-{y}-2"), "from_account": ZONE_INFRA,
                   "to_account": format!("acct-{}", ZONE_CONTRACTORS[(yi + 1) % 3]), "kind": "expenditure",
                   "category": "infrastructure", "purpose": format!("德山开发区{}", WORKS[(yi + 2) % WORKS.len()]),
                   "voucher": format!("德开财支〔{y}〕{}号", 90 + yi)}),
            pay,
            None,
        );
        *balance -= pay;
    }

    /// From its own budget the zone pays, each November, the resettlement
    /// housing of the villages its project land displaced (征地拆迁安置).
    fn zone_resettlement(&mut self, yi: usize, y: i32) {
        self.disburse(
            day(y, 11, 18),
            ZONE,
            json!({"disbursement_id": format!("exp-deshan-resettle-{y}"), "from_account": ZONE_FINANCE,
                   "to_account": "acct-ctr-tongli-build", "kind": "expenditure",
                   "purpose": format!("德山开发区项目用地拆迁安置小区建设工程款({y}年度)"),
                   "voucher": format!("德开财支〔{y}〕{}号", 120 + yi)}),
            1_500 * WAN,
            None,
        );
    }

    /// Over the ceiling: a supplementary draw takes the city-level line to 645m.
    fn zone_over_ceiling(&mut self) {
        self.allocate(
            day(2010, 12, 1),
            FIN,
            "alloc-cdb-city-2010-supplement",
            CDB_CITY,
            ZONE_INFRA,
            4_500 * WAN,
            "国开行授信追加提款(开发区道路配套)",
            (day(2010, 12, 1), day(2010, 12, 31)),
            "常政函〔2010〕98号",
        );
        self.disburse(
            day(2010, 12, 20),
            FIN,
            json!({"disbursement_id": "disb-cdb-deshan-2010-supplement", "from_account": CDB_CITY,
                   "to_account": ZONE_INFRA, "purpose": "国开行贷款追加提款(开发区道路配套)",
                   "category": "infrastructure", "allocation_id": "alloc-cdb-city-2010-supplement",
                   "voucher": "国开行提款通知书 2010-06"}),
            4_500 * WAN,
            Some(3),
        );
    }
}
