//! `demo_city`: a hand-shaped (not random) scenario of the city of Changde
//! (常德), 2006–2010, as contract events in log order — what `pledger demo`
//! loads.
//!
//! The city government founds the ledger; its bureaus, auditors, the
//! development zone (德山, 常德经济技术开发区) and nine county parks follow,
//! with their leaders, enterprises, projects and contractors. Every year the
//! city assigns targets (new projects of ≥10m and ≥50m, sales growth ≥30%,
//! tax growth ≥20% per county park; ≥5 projects of ≥50m and ≥1 of ≥100m for
//! the zone; the bureaus' project quotas), sets 40/30/30 reward schemes, and
//! moves money from all four kinds of source: the fiscal budget, the
//! development-bank credit line (18.18亿 to the city, 6亿 of it at city
//! level), land-transfer income and build-transfer (BT) financing repaid
//! later. Parks report, auditors verify, commitments are made, kept, missed,
//! disputed, breached and waived.
//!
//! Discrepancies are planted so that every finding code of contract 3.5
//! shows when the findings are judged at 2011-06-30 (or later):
//!
//! | code | plant |
//! | --- | --- |
//! | `overdraft` | 安乡 park's infrastructure account pays 12m more than it ever received (Dec 2010) |
//! | `over_ceiling` | the city-level credit line (ceiling 600m) is drawn to 645m |
//! | `over_allocation` | 石门 county pays 23m against its 20m allocation for 2009 |
//! | `unconfirmed_disbursement` | 6m of land income to 汉寿 park (Nov 2010) never confirmed |
//! | `overstated_claim` | 津市 park claims 6 projects ≥10m for 2008; the audit finds 4 |
//! | `target_revised_after_period` | 临澧 park's 2009 tax-growth target lowered in Feb 2010 |
//! | `consecutive_misses` | 津市 (projects 2008–09), 石门 (tax 2009–10), the science bureau (2007–08) |
//! | `paid_without_met_target` | 津市 rewards for its missed 2008; 桃源 rewards for 2010 on a claim alone |
//! | `share_exceeded` | 鼎城 2007: the county leaders get 250k of a 200k share |
//! | `scheme_overpaid` | the zone's 2009 scheme pays 1.1m of 1m |
//! | `commitment_overdue` | 桃源 utilities, 汉寿 investment reward, 汉寿 park funding |
//! | `commitment_disputed` | 汉寿 博雅 disputes its unpaid income-tax refund |
//! | `fulfilled_without_payment` | 桃源 marks a 1.5m plant subsidy fulfilled, nothing paid |
//! | `fulfilled_before_conditions` | 澧县 pays a land discount before the project produces |
//! | `commitment_overpaid` | two 8m technical-upgrade subsidies each paid twice (16m); one recovered |
//! | `earmark_breach` | 5m from the zone's infrastructure account to office refitting |
//! | `missing_evidence` | a bureau verification, a subsidy fulfilment and a payout with no evidence |
//! | `clawback_due` | 华鑫 got an 8m land discount, invested 120m of 300m, repaid 2m: 2.8m due |
//!
//! One erroneous disbursement (a duplicate 150m entry) is voided by its
//! recorder the next day. Business dates fall on working days and never
//! decrease along the log; event ids are `changde-demo:NNNNN` in log order.

use crate::util::{business_day, date_string, days_from_civil, dec, hex64, Rng};
use serde_json::{json, Value};
use std::collections::HashMap;

const GOV: &str = "changde-gov";
const FIN: &str = "city-finance";
const ECON: &str = "city-economic";
const AUDIT: &str = "city-audit";
const OPT: &str = "city-optimization-office";
const STATS: &str = "city-statistics";
const ZONE: &str = "deshan-zone";
const TREASURY: &str = "city-treasury";
const LAND_INCOME: &str = "city-land-income";
const CDB_CITY: &str = "cdb-credit-city";
const CDB_COUNTIES: &str = "cdb-credit-counties";
const ZONE_INFRA: &str = "deshan-infra";
const ZONE_FINANCE: &str = "deshan-finance";
const REWARD_FUND: &str = "city-reward-fund";
const SUPPORT_FUND: &str = "city-industry-support";
const BANK_ACCT: &str = "cdb-hunan-loan-service";

const PLAN_BASIS: &str = "常发〔2006〕8号《中共常德市委 常德市人民政府关于加快工业园区建设的决定》";
const DEPT_BASIS: &str = "常办发〔2006〕15号《市直部门招商引资目标管理考核办法》";
const YEARS: std::ops::RangeInclusive<i32> = 2006..=2010;

/// 1 万元 (10,000 yuan) in fen.
const WAN: u64 = 1_000_000;

fn day(y: i32, m: u32, d: u32) -> i32 {
    days_from_civil(y, m, d)
}

fn ds(z: i32) -> String {
    date_string(z)
}

/// Amount text of a sum held in fen.
fn amt(fen: u64) -> String {
    dec(fen)
}

struct Dept {
    id: &'static str,
    name: &'static str,
    quota: u64,
}

/// The bureaus with project quotas (2006 decision): planning, economic and
/// commerce 2 a year, the others 1.
const DEPTS: &[Dept] = &[
    Dept {
        id: "city-planning",
        name: "常德市规划局",
        quota: 2,
    },
    Dept {
        id: "city-economic",
        name: "常德市经济委员会",
        quota: 2,
    },
    Dept {
        id: "city-commerce",
        name: "常德市商务局",
        quota: 2,
    },
    Dept {
        id: "city-party-office",
        name: "中共常德市委办公室",
        quota: 1,
    },
    Dept {
        id: "city-gov-office",
        name: "常德市人民政府办公室",
        quota: 1,
    },
    Dept {
        id: "city-finance",
        name: "常德市财政局",
        quota: 1,
    },
    Dept {
        id: "city-science",
        name: "常德市科学技术局",
        quota: 1,
    },
    Dept {
        id: "city-land",
        name: "常德市国土资源局",
        quota: 1,
    },
    Dept {
        id: "city-environment",
        name: "常德市环境保护局",
        quota: 1,
    },
    Dept {
        id: "city-labour",
        name: "常德市劳动和社会保障局",
        quota: 1,
    },
];

struct County {
    key: &'static str,
    county: &'static str,
    park: &'static str,
    /// County party secretary, county head, park director, park deputy
    /// director, a contributor (招商骨干).
    people: [&'static str; 5],
    /// Outcome of the yearly "≥5 projects of ≥10m" target, 2006..2010:
    /// M met, X missed (honest claim), O missed with an overstated claim,
    /// C claimed but never verified, U nothing reported at the year's end.
    headline: &'static str,
    /// Projects of ≥500m within the five years (verified).
    five_year_500m: u32,
}

const COUNTIES: &[County] = &[
    County {
        key: "wuling",
        county: "武陵区",
        park: "武陵区芙蓉工业园",
        people: ["覃建国", "李湘平", "周志强", "黄丽华", "陈卫东"],
        headline: "MMMMM",
        five_year_500m: 1,
    },
    County {
        key: "dingcheng",
        county: "鼎城区",
        park: "鼎城区灌溪工业园",
        people: ["刘国平", "杨德华", "曾晓峰", "胡春生", "彭文斌"],
        headline: "MMMMM",
        five_year_500m: 2,
    },
    County {
        key: "jinshi",
        county: "津市市",
        park: "津市市工业园",
        people: ["谭立新", "龚建华", "孙明", "罗海燕", "朱勇"],
        headline: "MMOXM",
        five_year_500m: 0,
    },
    County {
        key: "lixian",
        county: "澧县",
        park: "澧县经济开发区",
        people: ["王沅清", "赵秀英", "何军", "马玉兰", "郭杰"],
        headline: "MMMMM",
        five_year_500m: 1,
    },
    County {
        key: "linli",
        county: "临澧县",
        park: "临澧县工业园",
        people: ["徐澧生", "高红梅", "林伟", "吴芳", "张建国"],
        headline: "MXMMM",
        five_year_500m: 1,
    },
    County {
        key: "shimen",
        county: "石门县",
        park: "石门县工业园",
        people: ["唐志明", "罗春华", "邓伟民", "钟小兰", "伍建军"],
        headline: "MMMXM",
        five_year_500m: 1,
    },
    County {
        key: "taoyuan",
        county: "桃源县",
        park: "桃源县创元工业园",
        people: ["田桂花", "符国强", "易长青", "文海波", "熊卫平"],
        headline: "MMMMC",
        five_year_500m: 1,
    },
    County {
        key: "hanshou",
        county: "汉寿县",
        park: "汉寿县高新技术产业园",
        people: ["颜世明", "姚建新", "夏志刚", "蔡丽君", "向东"],
        headline: "XMMMM",
        five_year_500m: 1,
    },
    County {
        key: "anxiang",
        county: "安乡县",
        park: "安乡县工业园",
        people: ["汤振华", "贺明亮", "廖国庆", "蒋秀兰", "杜建平"],
        headline: "MMXMU",
        five_year_500m: 0,
    },
];

const CONTRACTORS: &[(&str, &str)] = &[
    ("ctr-zhongnan-road", "常德中南路桥建设有限公司"),
    ("ctr-yuanli-municipal", "常德沅澧市政工程有限公司"),
    ("ctr-xiangbei-water", "湘北水电安装工程有限公司"),
    ("ctr-tongli-build", "常德同力建筑有限公司"),
    ("ctr-huasheng-power", "常德华升电力安装有限公司"),
];
const WORKS: &[&str] = &[
    "园区主干道路工程",
    "供水管网工程",
    "污水处理厂工程",
    "标准厂房工程",
    "供电线路工程",
    "土地平整工程",
];

struct Pending {
    day: i32,
    value: Value,
    /// For an `event.voided`: the disbursement id of the event it voids
    /// (its seq is known only once the log is in order).
    void_of: Option<String>,
}

struct Demo {
    evs: Vec<Pending>,
    holders: HashMap<String, String>,
    rng: Rng,
}

/// The Changde scenario, 2006–2010, as events in log order. Deterministic:
/// every call returns the same events.
pub fn demo_city() -> Vec<Value> {
    let mut d = Demo {
        evs: Vec::new(),
        holders: HashMap::new(),
        rng: Rng::new(0x0C4A_46DE_2006),
    };
    d.registry();
    d.plans_and_reports();
    d.zone_money();
    d.county_money();
    d.other_money();
    d.commitments();
    d.incentives();
    d.finish()
}

impl Demo {
    // ----- emitting ------------------------------------------------------------

    fn push(&mut self, z: i32, ty: &str, actor: &str, data: Value) {
        let z = business_day(z);
        self.evs.push(Pending {
            day: z,
            value: json!({"type": ty, "actor": actor, "occurred_at": ds(z), "data": data}),
            void_of: None,
        });
    }

    fn entity(&mut self, z: i32, actor: &str, id: &str, kind: &str, name: &str, parent: Option<&str>) {
        let mut data = json!({"entity_id": id, "kind": kind, "name": name});
        if let Some(p) = parent {
            data["parent"] = json!(p);
        }
        self.push(z, "entity.registered", actor, data);
    }

    #[allow(clippy::too_many_arguments)]
    fn account(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        holder: &str,
        kind: &str,
        name: &str,
        ceiling: Option<u64>,
        earmark: Option<&str>,
    ) {
        let mut data = json!({"account_id": id, "holder": holder, "name": name, "kind": kind});
        if let Some(c) = ceiling {
            data["ceiling"] = json!(amt(c));
        }
        if let Some(e) = earmark {
            data["earmark"] = json!(e);
        }
        self.holders.insert(id.to_string(), holder.to_string());
        self.push(z, "account.opened", actor, data);
    }

    /// An enterprise (or contractor) and its external account.
    fn firm(&mut self, z: i32, actor: &str, id: &str, name: &str, parent: Option<&str>) {
        self.entity(z, actor, id, "enterprise", name, parent);
        let acct = format!("acct-{id}");
        self.account(z, id, &acct, id, "external", "基本存款账户", None, None);
    }

    fn evidence(&mut self, r: &str) -> Value {
        json!([{"ref": r}])
    }

    /// Evidence with the document's digest (audit reports are filed with it).
    fn evidence_hashed(&mut self, r: &str) -> Value {
        json!([{"ref": r, "blake3": hex64(&mut self.rng)}])
    }

    #[allow(clippy::too_many_arguments)]
    fn target(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        assignee: &str,
        metric: &str,
        unit: &str,
        threshold: &str,
        period: (i32, i32),
        basis: &str,
        responsible: &[(&str, &str)],
    ) {
        let mut data = json!({
            "target_id": id, "assignee": assignee, "metric": metric, "unit": unit, "comparator": ">=",
            "threshold": threshold, "period": {"from": ds(period.0), "to": ds(period.1)}, "basis": basis,
        });
        if !responsible.is_empty() {
            data["responsible"] = Value::Array(
                responsible
                    .iter()
                    .map(|(p, r)| json!({"person": p, "role": r}))
                    .collect(),
            );
        }
        self.push(z, "target.assigned", actor, data);
    }

    fn claim(&mut self, z: i32, actor: &str, target: &str, value: &str, as_of: i32, evidence: Option<&str>) {
        let mut data = json!({"target_id": target, "value": value, "as_of": ds(as_of)});
        if let Some(e) = evidence {
            data["evidence"] = self.evidence(e);
        }
        self.push(z, "target.progress_reported", actor, data);
    }

    #[allow(clippy::too_many_arguments)]
    fn verify(
        &mut self,
        z: i32,
        actor: &str,
        target: &str,
        value: &str,
        as_of: i32,
        evidence: Option<&str>,
        note: Option<&str>,
    ) {
        let mut data = json!({"target_id": target, "value": value, "as_of": ds(as_of)});
        if let Some(e) = evidence {
            data["evidence"] = self.evidence_hashed(e);
        }
        if let Some(n) = note {
            data["note"] = json!(n);
        }
        self.push(z, "target.verified", actor, data);
    }

    #[allow(clippy::too_many_arguments)]
    fn allocate(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        from: &str,
        to: &str,
        amount: u64,
        purpose: &str,
        period: (i32, i32),
        basis: &str,
    ) {
        self.push(
            z,
            "fund.allocated",
            actor,
            json!({
                "allocation_id": id, "from_account": from, "to_account": to, "amount": amt(amount),
                "purpose": purpose, "period": {"from": ds(period.0), "to": ds(period.1)}, "basis": basis,
            }),
        );
    }

    /// A disbursement; `data` holds every field but the amount, given in
    /// fen. With `receipt_lag`, the receiving account's holder confirms
    /// arrival that many days later.
    fn disburse(&mut self, z: i32, actor: &str, mut data: Value, amount: u64, receipt_lag: Option<i32>) {
        data["amount"] = json!(amt(amount));
        let id = data["disbursement_id"].as_str().unwrap_or_default().to_string();
        let to = data["to_account"].as_str().unwrap_or_default().to_string();
        self.push(z, "fund.disbursed", actor, data);
        if let Some(lag) = receipt_lag {
            let holder = self.holders.get(&to).cloned().unwrap_or_default();
            self.push(z + lag, "fund.received", &holder, json!({"disbursement_id": id}));
        }
    }

    fn step(&mut self, z: i32, ty: &str, actor: &str, data: Value) {
        self.push(z, ty, actor, data);
    }

    fn fulfil(&mut self, z: i32, actor: &str, commitment: &str, amount: Option<u64>, evidence: Option<&str>) {
        let mut data = json!({"commitment_id": commitment});
        if let Some(a) = amount {
            data["amount"] = json!(amt(a));
        }
        if let Some(e) = evidence {
            data["evidence"] = self.evidence(e);
        }
        self.push(z, "commitment.fulfilled", actor, data);
    }

    fn condition_met(&mut self, z: i32, actor: &str, commitment: &str, condition: &str, evidence: &str) {
        let ev = self.evidence(evidence);
        self.push(
            z,
            "commitment.condition_met",
            actor,
            json!({"commitment_id": commitment, "condition_id": condition, "evidence": ev}),
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
    }

    /// Puts the events in business-date order (stable: same-day events keep
    /// the order they were written in), gives each its id and resolves voids.
    fn finish(mut self) -> Vec<Value> {
        self.evs.sort_by_key(|p| p.day);
        let mut out: Vec<Value> = Vec::with_capacity(self.evs.len());
        for p in self.evs {
            let mut v = p.value;
            if let Some(target) = p.void_of {
                let seq = out
                    .iter()
                    .position(|e| e["type"] == "fund.disbursed" && e["data"]["disbursement_id"] == target.as_str())
                    .expect("a void names an earlier disbursement");
                v["data"]["seq"] = json!(seq as u64);
            }
            v["id"] = json!(format!("changde-demo:{:05}", out.len()));
            out.push(v);
        }
        out
    }

    // ----- the registry ----------------------------------------------------------

    fn registry(&mut self) {
        let z = day(2006, 1, 4);
        self.entity(z, GOV, GOV, "government", "常德市人民政府", None);
        self.entity(z, GOV, AUDIT, "auditor", "常德市审计局", Some(GOV));
        self.entity(z, GOV, OPT, "auditor", "常德市优化经济发展环境办公室", Some(GOV));
        for d in DEPTS {
            self.entity(z, GOV, d.id, "department", d.name, Some(GOV));
        }
        self.entity(z, GOV, STATS, "department", "常德市统计局", Some(GOV));
        self.entity(
            z,
            GOV,
            "city-approval-center",
            "department",
            "常德市政务服务中心",
            Some(GOV),
        );
        self.entity(z, GOV, "city-aic", "department", "常德市工商行政管理局", Some(GOV));
        self.entity(z, GOV, ZONE, "park", "常德经济技术开发区(德山)", Some(GOV));
        for c in COUNTIES {
            let county = format!("{}-county", c.key);
            let park = format!("{}-park", c.key);
            self.entity(z, GOV, &county, "county", c.county, Some(GOV));
            self.entity(z, GOV, &park, "park", c.park, Some(&county));
        }
        let zone_people = [
            ("p-deshan-secretary", "戴湘云"),
            ("p-deshan-director", "石建华"),
            ("p-deshan-deputy", "邹立军"),
            ("p-deshan-invest-head", "聂红"),
            ("p-deshan-contributor", "柳青松"),
        ];
        for (id, name) in zone_people {
            self.entity(z, GOV, id, "person", name, Some(ZONE));
        }
        for c in COUNTIES {
            let county = format!("{}-county", c.key);
            let park = format!("{}-park", c.key);
            for (i, role) in ["secretary", "head", "director", "deputy", "contributor"]
                .iter()
                .enumerate()
            {
                let parent = if i < 2 { &county } else { &park };
                self.entity(
                    z,
                    GOV,
                    &format!("p-{}-{role}", c.key),
                    "person",
                    c.people[i],
                    Some(parent),
                );
            }
        }
        self.entity(z, GOV, "cdb-hunan", "enterprise", "国家开发银行湖南省分行", None);
        self.entity(z, GOV, "bt-crec5", "enterprise", "中铁五局集团有限公司", None);
        self.entity(
            z,
            GOV,
            "bt-hunan-construction",
            "enterprise",
            "湖南建工集团有限公司",
            None,
        );
        for (id, name) in CONTRACTORS {
            self.firm(z, GOV, id, name, None);
        }

        // Accounts: the four kinds of source, the zone's and parks' accounts.
        let z = day(2006, 1, 5);
        self.account(z, GOV, TREASURY, FIN, "source", "常德市本级财政预算资金", None, None);
        self.account(
            z,
            GOV,
            LAND_INCOME,
            "city-land",
            "source",
            "常德市土地出让收入专户(全额用于园区建设)",
            None,
            Some("infrastructure"),
        );
        self.account(
            z,
            GOV,
            CDB_CITY,
            FIN,
            "source",
            "国家开发银行授信额度(常德市18.18亿元,其中市本级6亿元)",
            Some(60_000 * WAN),
            None,
        );
        self.account(
            z,
            GOV,
            CDB_COUNTIES,
            FIN,
            "source",
            "国家开发银行授信额度(常德市18.18亿元,其中区县12.18亿元)",
            Some(121_800 * WAN),
            None,
        );
        self.account(
            z,
            GOV,
            REWARD_FUND,
            FIN,
            "internal",
            "常德市园区考核奖励资金",
            None,
            None,
        );
        self.account(
            z,
            GOV,
            SUPPORT_FUND,
            ECON,
            "internal",
            "常德市工业发展专项资金",
            None,
            None,
        );
        self.account(
            z,
            GOV,
            BANK_ACCT,
            "cdb-hunan",
            "external",
            "国家开发银行湖南省分行还本付息账户",
            None,
            None,
        );
        self.account(
            z,
            GOV,
            "acct-bt-crec5",
            "bt-crec5",
            "external",
            "中铁五局BT项目回购款账户",
            None,
            None,
        );
        self.account(
            z,
            GOV,
            "acct-bt-hunan-construction",
            "bt-hunan-construction",
            "external",
            "湖南建工BT项目回购款账户",
            None,
            None,
        );
        self.account(
            z,
            GOV,
            ZONE_INFRA,
            ZONE,
            "internal",
            "德山开发区基础设施建设资金专户",
            None,
            Some("infrastructure"),
        );
        self.account(
            z,
            GOV,
            ZONE_FINANCE,
            ZONE,
            "internal",
            "德山开发区管委会财政结算账户",
            None,
            None,
        );
        for c in COUNTIES {
            let county = format!("{}-county", c.key);
            let park = format!("{}-park", c.key);
            self.account(
                z,
                &county,
                &format!("{}-treasury", c.key),
                &county,
                "source",
                &format!("{}财政预算资金", c.county),
                None,
                None,
            );
            self.account(
                z,
                &county,
                &format!("{}-park-infra", c.key),
                &park,
                "internal",
                &format!("{}基础设施建设资金专户", c.park),
                None,
                Some("infrastructure"),
            );
        }
        self.account(
            z,
            "lixian-county",
            "lixian-bt-financing",
            "lixian-park",
            "source",
            "澧县经济开发区BT融资(中铁五局,上限6亿元)",
            Some(60_000 * WAN),
            None,
        );
        self.account(
            z,
            "taoyuan-county",
            "taoyuan-bt-financing",
            "taoyuan-park",
            "source",
            "桃源县创元工业园BT融资(湖南建工,上限2.4亿元)",
            Some(24_000 * WAN),
            None,
        );
    }

    // ----- targets, claims, verifications --------------------------------------------

    fn plans_and_reports(&mut self) {
        for (yi, y) in YEARS.enumerate() {
            let period = (day(y, 1, 1), day(y, 12, 31));
            let assign = day(y, 1, 8);
            let mid = day(y, 6, 30);
            let end = day(y, 12, 31);

            // Two missed years in a row: 津市's park leaders are moved off their posts.
            if y == 2010 {
                let z = day(2010, 1, 5);
                self.entity(
                    z,
                    GOV,
                    "p-jinshi-director-2010",
                    "person",
                    "袁志华",
                    Some("jinshi-park"),
                );
                self.entity(z, GOV, "p-jinshi-deputy-2010", "person", "康建文", Some("jinshi-park"));
            }

            // The zone.
            let zone_ge50 = ["6", "7", "4", "6", "8"][yi];
            let zone_ge100 = ["2", "1", "1", "3", "2"][yi];
            let resp = [
                ("p-deshan-secretary", "第一责任人(工委书记)"),
                ("p-deshan-director", "直接责任人(管委会主任)"),
            ];
            let t50 = format!("deshan-{y}-ge50m");
            let t100 = format!("deshan-{y}-ge100m");
            self.target(
                assign,
                GOV,
                &t50,
                ZONE,
                "new_projects_ge_50m",
                "count",
                "5",
                period,
                PLAN_BASIS,
                &resp,
            );
            self.target(
                assign,
                GOV,
                &t100,
                ZONE,
                "new_projects_ge_100m",
                "count",
                "1",
                period,
                PLAN_BASIS,
                &resp,
            );
            if y == 2008 {
                self.step(
                    day(2008, 10, 20),
                    "target.revised",
                    GOV,
                    json!({"target_id": t50, "threshold": "4",
                           "reason": "受国际金融危机影响,经市政府常务会议研究,2008年度开发区引进5000万元以上项目目标调整为4个"}),
                );
            }
            let half = |v: &str| (v.parse::<u32>().unwrap_or(0) / 2).to_string();
            self.claim(
                day(y, 7, 10),
                ZONE,
                &t50,
                &half(zone_ge50),
                mid,
                Some(&format!("德开管〔{y}〕41号 上半年目标任务完成情况报告")),
            );
            let report = format!("德开管〔{}〕3号 {y}年度目标任务完成情况报告", y + 1);
            self.claim(day(y + 1, 1, 10), ZONE, &t50, zone_ge50, end, Some(&report));
            self.claim(day(y + 1, 1, 10), ZONE, &t100, zone_ge100, end, Some(&report));
            let audit = format!("常审园〔{}〕1号 常德经济技术开发区{y}年度目标考核审计报告", y + 1);
            self.verify(day(y + 1, 1, 25), AUDIT, &t50, zone_ge50, end, Some(&audit), None);
            self.verify(day(y + 1, 1, 25), AUDIT, &t100, zone_ge100, end, Some(&audit), None);

            // The county parks.
            for (i, c) in COUNTIES.iter().enumerate() {
                let park = format!("{}-park", c.key);
                let (director, deputy) = if c.key == "jinshi" && y == 2010 {
                    ("p-jinshi-director-2010".to_string(), "p-jinshi-deputy-2010".to_string())
                } else {
                    (format!("p-{}-director", c.key), format!("p-{}-deputy", c.key))
                };
                let secretary = format!("p-{}-secretary", c.key);
                let resp = [
                    (secretary.as_str(), "第一责任人(县委书记)"),
                    (director.as_str(), "直接责任人(园区管委会主任)"),
                ];
                let _ = deputy;
                let t10 = format!("{}-{y}-ge10m", c.key);
                let t50 = format!("{}-{y}-ge50m", c.key);
                let ts = format!("{}-{y}-sales", c.key);
                let tt = format!("{}-{y}-tax", c.key);
                self.target(
                    assign,
                    GOV,
                    &t10,
                    &park,
                    "new_projects_ge_10m",
                    "count",
                    "5",
                    period,
                    PLAN_BASIS,
                    &resp,
                );
                self.target(
                    assign,
                    GOV,
                    &t50,
                    &park,
                    "new_projects_ge_50m",
                    "count",
                    "1",
                    period,
                    PLAN_BASIS,
                    &resp,
                );
                self.target(
                    assign,
                    GOV,
                    &ts,
                    &park,
                    "sales_growth_percent",
                    "percent",
                    "30",
                    period,
                    PLAN_BASIS,
                    &resp,
                );
                self.target(
                    assign,
                    GOV,
                    &tt,
                    &park,
                    "tax_growth_percent",
                    "percent",
                    "20",
                    period,
                    PLAN_BASIS,
                    &resp,
                );

                let outcome = c.headline.as_bytes()[yi];
                let (claimed, verified): (u32, Option<u32>) = match outcome {
                    b'M' => (5 + ((i + yi) % 4) as u32, None),
                    b'X' => (3 + (i % 2) as u32, None),
                    b'O' => (6, Some(4)),
                    b'C' => (6, None),
                    _ => (0, None),
                };
                let verified = match outcome {
                    b'M' | b'X' => Some(claimed),
                    b'C' | b'U' => None,
                    _ => verified,
                };
                let mid_value = if outcome == b'U' { 2 } else { claimed / 2 };
                let report_mid = format!("{}管委会关于{y}年上半年目标任务完成情况的报告", c.park);
                self.claim(
                    day(y, 7, 12),
                    &park,
                    &t10,
                    &mid_value.to_string(),
                    mid,
                    Some(&report_mid),
                );

                let ge50 = if c.key == "jinshi" && y == 2009 {
                    0
                } else {
                    1 + ((i + yi) % 2) as u32
                };
                let sales = if c.key == "hanshou" && y == 2006 {
                    "24.6".to_string()
                } else {
                    format!("{}.{}", 31 + (i * 7 + yi * 3) % 14, (i + yi) % 10)
                };
                let tax = match (c.key, y) {
                    ("shimen", 2009) => "12.5".to_string(),
                    ("shimen", 2010) => "8.3".to_string(),
                    ("linli", 2009) => "15".to_string(),
                    _ => format!("{}.{}", 21 + (i * 5 + yi * 2) % 9, (i * 3 + yi) % 10),
                };

                let report = format!("{}管委会关于{y}年度目标任务完成情况的报告", c.park);
                let report_day = day(y + 1, 1, 10);
                if outcome != b'U' {
                    self.claim(report_day, &park, &t10, &claimed.to_string(), end, Some(&report));
                }
                self.claim(report_day, &park, &t50, &ge50.to_string(), end, Some(&report));
                self.claim(report_day, &park, &ts, &sales, end, Some(&report));
                self.claim(report_day, &park, &tt, &tax, end, Some(&report));

                let audit = format!(
                    "常审园〔{}〕{}号 {}{y}年度园区建设目标考核审计报告",
                    y + 1,
                    i + 2,
                    c.park
                );
                let stats = format!(
                    "常统字〔{}〕{}号 {}{y}年度规模工业主要指标核定表",
                    y + 1,
                    i + 11,
                    c.park
                );
                let vday = day(y + 1, 1, 25);
                if let Some(v) = verified {
                    let note = (outcome == b'O')
                        .then_some("园区上报6个,经逐项核查,其中2个项目实际到位资金不足1000万元,不予认定");
                    self.verify(vday, AUDIT, &t10, &v.to_string(), end, Some(&audit), note);
                }
                self.verify(vday, AUDIT, &t50, &ge50.to_string(), end, Some(&audit), None);
                self.verify(day(y + 1, 2, 5), STATS, &ts, &sales, end, Some(&stats), None);
                self.verify(day(y + 1, 2, 5), STATS, &tt, &tax, end, Some(&stats), None);
                if c.key == "linli" && y == 2009 {
                    // Lowered after the period ended, turning a miss into a pass.
                    self.step(
                        day(2010, 2, 10),
                        "target.revised",
                        GOV,
                        json!({"target_id": tt, "threshold": "12",
                               "reason": "临澧县政府申请:受金融危机影响,2009年度税收增幅目标调整为12%"}),
                    );
                }
            }

            // The bureaus' project quotas.
            for (di, d) in DEPTS.iter().enumerate() {
                let t = format!("{}-{y}-projects", d.id);
                self.target(
                    assign,
                    GOV,
                    &t,
                    d.id,
                    "industrial_projects_introduced",
                    "count",
                    &d.quota.to_string(),
                    period,
                    DEPT_BASIS,
                    &[],
                );
                let missed = matches!((d.id, y), ("city-science", 2007 | 2008) | ("city-environment", 2008));
                let value = if missed { 0 } else { d.quota + ((di + yi) % 2) as u64 };
                let rep = format!("{}关于{y}年度招商引资目标完成情况的报告", d.name);
                self.claim(day(y + 1, 1, 12), d.id, &t, &value.to_string(), end, Some(&rep));
                let evidence = if d.id == "city-labour" && y == 2009 {
                    None
                } else {
                    Some(format!(
                        "常优办〔{}〕{}号 市直部门{y}年度招商引资目标考核结果通报",
                        y + 1,
                        5
                    ))
                };
                let note = missed.then_some("未完成年度招商引资任务,予以通报批评");
                self.verify(
                    day(y + 1, 2, 10),
                    OPT,
                    &t,
                    &value.to_string(),
                    end,
                    evidence.as_deref(),
                    note,
                );
            }
        }

        // Five-year targets (2006–2010), set with the plan and judged in 2011.
        let five = (day(2006, 1, 1), day(2010, 12, 31));
        let assign = day(2006, 1, 8);
        let end = day(2010, 12, 31);
        let resp = [("p-deshan-secretary", "第一责任人(工委书记)")];
        self.target(
            assign,
            GOV,
            "deshan-2006-2010-ge1b",
            ZONE,
            "new_projects_ge_1b",
            "count",
            "2",
            five,
            PLAN_BASIS,
            &resp,
        );
        let audit = "常审园〔2011〕20号 “十一五”园区建设目标考核审计报告";
        self.claim(
            day(2011, 1, 10),
            ZONE,
            "deshan-2006-2010-ge1b",
            "2",
            end,
            Some("德开管〔2011〕5号 “十一五”目标完成情况报告"),
        );
        self.verify(
            day(2011, 1, 26),
            AUDIT,
            "deshan-2006-2010-ge1b",
            "2",
            end,
            Some(audit),
            None,
        );
        for c in COUNTIES {
            let park = format!("{}-park", c.key);
            let t = format!("{}-2006-2010-ge500m", c.key);
            let secretary = format!("p-{}-secretary", c.key);
            let resp = [(secretary.as_str(), "第一责任人(县委书记)")];
            self.target(
                assign,
                GOV,
                &t,
                &park,
                "new_projects_ge_500m",
                "count",
                "1",
                five,
                PLAN_BASIS,
                &resp,
            );
            let v = c.five_year_500m.to_string();
            self.claim(
                day(2011, 1, 10),
                &park,
                &t,
                &v,
                end,
                Some(&format!("{}“十一五”目标完成情况报告", c.park)),
            );
            self.verify(day(2011, 1, 26), AUDIT, &t, &v, end, Some(audit), None);
        }
    }

    // ----- money ----------------------------------------------------------------

    fn zone_money(&mut self) {
        let contractors = ["ctr-zhongnan-road", "ctr-yuanli-municipal", "ctr-huasheng-power"];
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
        let mut balance: u64 = 0;
        for (yi, y) in YEARS.enumerate() {
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
                    let z = business_day(day(2008, 3, 12));
                    self.evs.push(Pending {
                        day: z,
                        value: json!({"type": "event.voided", "actor": FIN, "occurred_at": ds(z),
                                      "data": {"seq": 0, "reason": "重复录入:与 disb-deshan-2008-1 为同一笔拨款(常财建〔2008〕17号),予以作废"}}),
                        void_of: Some("disb-deshan-2008-1-dup".into()),
                    });
                }
                if half == 1 {
                    balance += 15_000 * WAN;
                    // The credit line's yearly draw.
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
                    balance += 9_600 * WAN;
                    // Mid-year works.
                    let pay = (balance * 4 / 10) / WAN * WAN;
                    self.disburse(
                        day(y, 6, 30),
                        ZONE,
                        json!({"disbursement_id": format!("exp-deshan-{y}-1"), "from_account": ZONE_INFRA,
                               "to_account": format!("acct-{}", contractors[yi % 3]), "kind": "expenditure",
                               "category": "infrastructure", "purpose": format!("德山开发区{}", WORKS[yi % WORKS.len()]),
                               "voucher": format!("德开财支〔{y}〕{}号", 30 + yi)}),
                        pay,
                        None,
                    );
                    balance -= pay;
                }
            }
            balance += 15_000 * WAN;
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
                balance += 5_000 * WAN;
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
                balance -= 500 * WAN;
            }
            let pay = (balance / 2) / WAN * WAN;
            self.disburse(
                day(y, 12, 15),
                ZONE,
                json!({"disbursement_id": format!("exp-deshan-{y}-2"), "from_account": ZONE_INFRA,
                       "to_account": format!("acct-{}", contractors[(yi + 1) % 3]), "kind": "expenditure",
                       "category": "infrastructure", "purpose": format!("德山开发区{}", WORKS[(yi + 2) % WORKS.len()]),
                       "voucher": format!("德开财支〔{y}〕{}号", 90 + yi)}),
                pay,
                None,
            );
            balance -= pay;
            let ev = format!("常财建〔{y}〕88号 {y}年开发区基础设施建设资金拨付情况通报");
            self.fulfil(day(y, 12, 28), GOV, &c_fd, Some(30_000 * WAN), Some(&ev));
        }

        // Over the ceiling: a supplementary draw takes the city-level line to 645m.
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

    fn county_money(&mut self) {
        // Extra inflows per (county, year): (source, allocation, amount, date, confirmed, actor).
        let alloc_land = |k: &str| format!("alloc-land-{k}");
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
        for (i, c) in COUNTIES.iter().enumerate() {
            let k = c.key;
            let county = format!("{k}-county");
            let park = format!("{k}-park");
            let treasury = format!("{k}-treasury");
            let infra = format!("{k}-park-infra");
            let c_fd = format!("c-fd-{k}");
            self.step(
                day(2006, 1, 10),
                "commitment.made",
                &county,
                json!({"commitment_id": c_fd, "promisor": county, "beneficiary": park, "kind": "funding",
                       "terms": format!("{}财政每年安排{}建设资金不少于2000万元,“十一五”期间合计1亿元", c.county, c.park),
                       "amount": amt(10_000 * WAN), "due": "2010-12-31", "basis": PLAN_BASIS}),
            );
            let mut balance: u64 = 0;
            let mut paid_in: u64 = 0;
            for (yi, y) in YEARS.enumerate() {
                let period = (day(y, 1, 1), day(y, 12, 31));
                let alloc = format!("alloc-{k}-{y}");
                self.allocate(
                    day(y, 1, 15),
                    &county,
                    &alloc,
                    &treasury,
                    &infra,
                    2_000 * WAN,
                    &format!("{y}年{}基础设施建设资金", c.park),
                    period,
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
                    balance += amount;
                    paid_in += amount;
                }
                if k == "shimen" && y == 2009 {
                    // Over the allocation: paid beyond the year's 20m budget.
                    self.disburse(
                        day(2009, 11, 20),
                        &county,
                        json!({"disbursement_id": "disb-shimen-2009-3", "from_account": treasury,
                               "to_account": infra, "purpose": "追加拨付园区基础设施建设资金(超出年度预算安排)",
                               "category": "infrastructure", "allocation_id": alloc,
                               "voucher": "石财建〔2009〕41号"}),
                        300 * WAN,
                        Some(3),
                    );
                    balance += 300 * WAN;
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
                    balance += 1_000 * WAN;
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
                    balance += 6_000 * WAN;
                }
                let credit = match (k, y) {
                    ("lixian", 2007) => 8_000,
                    ("dingcheng", 2008) | ("taoyuan", 2008) => 5_000,
                    ("shimen", 2009) => 4_000,
                    _ => 0,
                } * WAN;
                if credit > 0 {
                    let a = format!("alloc-cdb-{k}-{y}");
                    self.allocate(
                        day(y, 6, 1),
                        FIN,
                        &a,
                        CDB_COUNTIES,
                        &infra,
                        credit,
                        &format!("国开行区县授信用于{}基础设施", c.park),
                        period,
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
                    balance += credit;
                }
                if k == "hanshou" && y == 2010 {
                    // Sent, never confirmed by the park.
                    self.allocate(
                        day(2010, 11, 1),
                        "city-land",
                        "alloc-land-hanshou-2010",
                        LAND_INCOME,
                        &infra,
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
                // Works paid to contractors.
                let first = (balance / 2) / WAN * WAN;
                let mut second = (balance * 4 / 10) / WAN * WAN;
                let mut purpose2 = format!("{}{}", c.park, WORKS[(i + yi + 3) % WORKS.len()]);
                if k == "anxiang" && y == 2010 {
                    // Overdraft: works paid before the money was there.
                    second = balance - first + 1_200 * WAN;
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
                    balance = balance.saturating_sub(amount);
                }
            }
            if paid_in >= 10_000 * WAN {
                let ev = format!("{}财政局“十一五”园区建设资金拨付情况报告", c.county);
                self.fulfil(day(2011, 1, 12), &county, &c_fd, Some(paid_in), Some(&ev));
            }
        }
    }

    fn other_money(&mut self) {
        // The reward fund, filled each February for the previous year's rewards.
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
        // The industrial-support fund (subsidies, interest subsidies).
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
        // Development-bank loan service: interest yearly, principal from 2010.
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
        // Build-transfer: the investors build, the counties buy the works back later.
        for (id, z, amount, purpose) in [
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
        ] {
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
        for (id, z, county, treasury, to, amount, purpose) in [
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
        ] {
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

    // ----- commitments -------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn commitment(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        promisor: &str,
        beneficiary: &str,
        kind: &str,
        terms: &str,
        extra: Value,
    ) {
        let mut data = json!({"commitment_id": id, "promisor": promisor, "beneficiary": beneficiary, "kind": kind, "terms": terms});
        if let (Some(d), Value::Object(e)) = (data.as_object_mut(), extra) {
            d.extend(e);
        }
        self.push(z, "commitment.made", actor, data);
    }

    #[allow(clippy::too_many_arguments)]
    fn pay_commitment(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        from: &str,
        to: &str,
        amount: u64,
        commitment: &str,
        category: &str,
        purpose: &str,
        voucher: &str,
    ) {
        self.disburse(
            z,
            actor,
            json!({"disbursement_id": id, "from_account": from, "to_account": to, "purpose": purpose,
                   "category": category, "commitment_id": commitment, "voucher": voucher}),
            amount,
            Some(2),
        );
    }

    fn commitments(&mut self) {
        // Enterprises and projects of the stories below.
        let firms: &[(i32, &str, &str, &str, &str)] = &[
            (day(2007, 3, 1), ZONE, "ent-huaxin", "常德华鑫机械制造有限公司", ZONE),
            (
                day(2007, 1, 15),
                "dingcheng-park",
                "ent-dc-zhengtai",
                "鼎城正泰新型建材有限公司",
                "dingcheng-park",
            ),
            (
                day(2007, 1, 12),
                "wuling-park",
                "ent-wl-hongyun",
                "常德鸿运食品有限公司",
                "wuling-park",
            ),
            (
                day(2007, 3, 5),
                "linli-park",
                "ent-ll-yongxing",
                "临澧永兴建材有限公司",
                "linli-park",
            ),
            (day(2008, 1, 16), ZONE, "ent-hengan", "湖南恒安新材料有限公司", ZONE),
            (
                day(2008, 2, 15),
                "shimen-park",
                "ent-sm-longteng",
                "石门龙腾精细化工有限公司",
                "shimen-park",
            ),
            (
                day(2008, 3, 3),
                "hanshou-park",
                "ent-hs-boya",
                "汉寿博雅汽车零部件有限公司",
                "hanshou-park",
            ),
            (day(2008, 4, 10), ZONE, "ent-ruifeng", "常德瑞丰电子科技有限公司", ZONE),
            (day(2008, 4, 10), ZONE, "ent-tianli", "湖南天利纺织有限公司", ZONE),
            (
                day(2008, 5, 5),
                "lixian-park",
                "ent-lx-jiuding",
                "澧县九鼎纸业有限公司",
                "lixian-park",
            ),
            (
                day(2008, 6, 30),
                "jinshi-park",
                "ent-js-mingzhu",
                "津市明珠生物医药有限公司",
                "jinshi-park",
            ),
            (
                day(2009, 2, 9),
                "anxiang-park",
                "ent-ax-jiahe",
                "安乡嘉禾纺织有限公司",
                "anxiang-park",
            ),
            (
                day(2009, 3, 2),
                "taoyuan-park",
                "ent-ty-taohuayuan",
                "桃源桃花源农产品加工有限公司",
                "taoyuan-park",
            ),
        ];
        for (z, actor, id, name, parent) in firms {
            self.firm(*z, actor, id, name, Some(parent));
        }
        let projects: &[(i32, &str, &str, &str)] = &[
            (
                day(2007, 3, 1),
                "prj-huaxin-line",
                "华鑫工程机械生产线项目",
                "ent-huaxin",
            ),
            (
                day(2008, 1, 16),
                "prj-hengan-base",
                "恒安新材料产业基地项目(总投资10.5亿元)",
                "ent-hengan",
            ),
            (
                day(2008, 4, 10),
                "prj-ruifeng-upgrade",
                "瑞丰电子表面贴装生产线技术改造项目",
                "ent-ruifeng",
            ),
            (
                day(2008, 4, 10),
                "prj-tianli-upgrade",
                "天利纺织无梭织机技术改造项目",
                "ent-tianli",
            ),
        ];
        for (z, id, name, parent) in projects {
            self.entity(*z, GOV, id, "project", name, Some(parent));
        }

        // --- land discounts ---
        // c-ld-01: up front, then the investment promise fails (clawback due).
        let z = day(2007, 4, 2);
        let period = (day(2007, 4, 1), day(2009, 12, 31));
        let basis = "德开投〔2007〕15号 投资合同";
        self.target(
            z,
            ZONE,
            "t-huaxin-invest",
            "ent-huaxin",
            "fixed_asset_investment",
            "CNY",
            "300000000",
            period,
            basis,
            &[],
        );
        self.target(
            z,
            ZONE,
            "t-huaxin-jobs",
            "ent-huaxin",
            "jobs_created",
            "persons",
            "600",
            period,
            basis,
            &[],
        );
        self.commitment(
            z,
            ZONE,
            "c-ld-01",
            ZONE,
            "ent-huaxin",
            "land_discount",
            "按工业用地基准地价70%出让150亩,地价优惠800万元先行返还;企业承诺2009年底前完成固定资产投资3亿元、新增就业600人,未达承诺按差额比例退还优惠",
            json!({"amount": amt(800 * WAN), "due": "2007-06-30", "basis": basis,
                   "conditions": [{"condition_id": "land-contract", "text": "签订《国有建设用地使用权出让合同》并按基准地价缴清地价款"}],
                   "clawback_targets": ["t-huaxin-invest", "t-huaxin-jobs"]}),
        );
        self.condition_met(
            day(2007, 5, 10),
            ZONE,
            "c-ld-01",
            "land-contract",
            "常国土出〔2007〕56号 出让合同及缴款凭证",
        );
        self.pay_commitment(
            day(2007, 6, 12),
            ZONE,
            "disb-c-ld-01",
            ZONE_FINANCE,
            "acct-ent-huaxin",
            800 * WAN,
            "c-ld-01",
            "land_discount",
            "华鑫项目地价优惠返还",
            "德开财〔2007〕33号",
        );
        self.fulfil(
            day(2007, 6, 15),
            ZONE,
            "c-ld-01",
            Some(800 * WAN),
            Some("德开财〔2007〕33号 地价优惠返还凭证"),
        );
        self.claim(
            day(2009, 1, 12),
            "ent-huaxin",
            "t-huaxin-invest",
            "90000000",
            day(2008, 12, 31),
            Some("华鑫公司2008年投资进度报告"),
        );
        self.claim(
            day(2010, 1, 15),
            "ent-huaxin",
            "t-huaxin-invest",
            "150000000",
            day(2009, 12, 31),
            Some("华鑫公司投资承诺履行情况报告"),
        );
        self.claim(
            day(2010, 1, 15),
            "ent-huaxin",
            "t-huaxin-jobs",
            "640",
            day(2009, 12, 31),
            Some("华鑫公司投资承诺履行情况报告"),
        );
        let audit = "常审投〔2010〕7号 招商引资优惠政策兑现情况专项审计报告";
        self.verify(
            day(2010, 3, 15),
            AUDIT,
            "t-huaxin-invest",
            "120000000",
            day(2009, 12, 31),
            Some(audit),
            Some("实际完成固定资产投资1.2亿元,为承诺的40%"),
        );
        self.verify(
            day(2010, 3, 15),
            AUDIT,
            "t-huaxin-jobs",
            "640",
            day(2009, 12, 31),
            Some(audit),
            None,
        );
        self.disburse(
            day(2010, 9, 20),
            "ent-huaxin",
            json!({"disbursement_id": "rep-c-ld-01-1", "from_account": "acct-ent-huaxin", "to_account": ZONE_FINANCE,
                   "kind": "repayment", "commitment_id": "c-ld-01", "purpose": "按投资差额比例退还地价优惠款(第一期)",
                   "voucher": "德开财〔2010〕61号"}),
            200 * WAN,
            Some(2),
        );

        // c-ld-02: the condition is a target; paid once the target is met.
        let z = day(2007, 2, 15);
        self.target(
            z,
            "dingcheng-county",
            "t-zhengtai-invest",
            "ent-dc-zhengtai",
            "fixed_asset_investment",
            "CNY",
            "150000000",
            (day(2007, 1, 1), day(2007, 12, 31)),
            "鼎政函〔2007〕9号",
            &[],
        );
        self.target(
            z,
            "dingcheng-county",
            "t-zhengtai-tax",
            "ent-dc-zhengtai",
            "tax_paid",
            "CNY",
            "5000000",
            (day(2008, 1, 1), day(2008, 12, 31)),
            "鼎政函〔2007〕9号",
            &[],
        );
        self.commitment(
            z,
            "dingcheng-county",
            "c-ld-02",
            "dingcheng-county",
            "ent-dc-zhengtai",
            "land_discount",
            "投资强度达到每亩150万元的,按地价款30%给予优惠(360万元);2008年纳税不少于500万元",
            json!({"amount": amt(360 * WAN), "due": "2008-06-30", "basis": "鼎政函〔2007〕9号",
                   "conditions": [{"condition_id": "intensity", "text": "2007年底前完成固定资产投资1.5亿元(投资强度每亩150万元)", "target_id": "t-zhengtai-invest"}],
                   "clawback_targets": ["t-zhengtai-tax"]}),
        );
        self.verify(
            day(2008, 1, 22),
            AUDIT,
            "t-zhengtai-invest",
            "168000000",
            day(2007, 12, 31),
            Some("鼎审〔2008〕3号 投资核查报告"),
            None,
        );
        self.pay_commitment(
            day(2008, 3, 10),
            "dingcheng-county",
            "disb-c-ld-02",
            "dingcheng-treasury",
            "acct-ent-dc-zhengtai",
            360 * WAN,
            "c-ld-02",
            "land_discount",
            "正泰建材地价优惠兑现",
            "鼎财企〔2008〕12号",
        );
        self.fulfil(
            day(2008, 3, 12),
            "dingcheng-county",
            "c-ld-02",
            Some(360 * WAN),
            Some("鼎财企〔2008〕12号 兑现凭证"),
        );
        self.verify(
            day(2009, 1, 22),
            AUDIT,
            "t-zhengtai-tax",
            "6200000",
            day(2008, 12, 31),
            Some("鼎地税〔2009〕4号 纳税证明"),
            None,
        );

        // c-ld-03: paid before the project produced (fulfilled before conditions).
        self.commitment(
            day(2008, 5, 6),
            "lixian-county",
            "c-ld-03",
            "lixian-county",
            "ent-lx-jiuding",
            "land_discount",
            "项目竣工投产后,按地价款20%返还地价优惠240万元,并颁发土地使用证",
            json!({"amount": amt(240 * WAN), "due": "2009-12-31", "basis": "澧政函〔2008〕17号",
                   "conditions": [{"condition_id": "production", "text": "项目竣工投产(投产后方可兑现地价优惠并颁发土地使用证)"}]}),
        );
        self.pay_commitment(
            day(2008, 10, 8),
            "lixian-county",
            "disb-c-ld-03",
            "lixian-treasury",
            "acct-ent-lx-jiuding",
            240 * WAN,
            "c-ld-03",
            "land_discount",
            "九鼎纸业地价优惠返还",
            "澧财企〔2008〕29号",
        );
        self.fulfil(
            day(2008, 10, 10),
            "lixian-county",
            "c-ld-03",
            Some(240 * WAN),
            Some("澧财企〔2008〕29号 兑现凭证"),
        );

        // c-ld-04: one project, one negotiation (一事一议), over 1bn.
        let z = day(2008, 2, 18);
        self.target(
            z,
            GOV,
            "t-hengan-phase1",
            "ent-hengan",
            "fixed_asset_investment",
            "CNY",
            "500000000",
            (day(2008, 1, 1), day(2008, 12, 31)),
            "市政府常务会议纪要〔2008〕3号(一事一议)",
            &[("p-deshan-director", "项目责任领导")],
        );
        self.target(
            z,
            GOV,
            "t-hengan-total",
            "ent-hengan",
            "fixed_asset_investment",
            "CNY",
            "1000000000",
            (day(2008, 1, 1), day(2010, 12, 31)),
            "市政府常务会议纪要〔2008〕3号(一事一议)",
            &[("p-deshan-director", "项目责任领导")],
        );
        self.commitment(
            z,
            GOV,
            "c-ld-04",
            GOV,
            "ent-hengan",
            "land_discount",
            "恒安新材料产业基地(总投资10.5亿元)一事一议:一期投资5亿元到位后返还地价款1200万元;三年内总投资不足10亿元按比例退还",
            json!({"amount": amt(1_200 * WAN), "due": "2009-06-30", "basis": "市政府常务会议纪要〔2008〕3号(一事一议)",
                   "conditions": [{"condition_id": "phase1", "text": "一期固定资产投资5亿元到位", "target_id": "t-hengan-phase1"}],
                   "clawback_targets": ["t-hengan-total"]}),
        );
        self.verify(
            day(2009, 1, 22),
            AUDIT,
            "t-hengan-phase1",
            "560000000",
            day(2008, 12, 31),
            Some("常审投〔2009〕2号 投资到位核查报告"),
            None,
        );
        self.pay_commitment(
            day(2009, 3, 16),
            FIN,
            "disb-c-ld-04",
            TREASURY,
            "acct-ent-hengan",
            1_200 * WAN,
            "c-ld-04",
            "land_discount",
            "恒安项目地价款返还(一事一议)",
            "常财企〔2009〕18号",
        );
        self.fulfil(
            day(2009, 3, 18),
            GOV,
            "c-ld-04",
            Some(1_200 * WAN),
            Some("常财企〔2009〕18号 兑现凭证"),
        );
        self.claim(
            day(2011, 1, 12),
            "ent-hengan",
            "t-hengan-total",
            "1050000000",
            day(2010, 12, 31),
            Some("恒安公司投资完成情况报告"),
        );
        self.verify(
            day(2011, 1, 26),
            AUDIT,
            "t-hengan-total",
            "1050000000",
            day(2010, 12, 31),
            Some("常审投〔2011〕4号 投资核查报告"),
            None,
        );

        // --- tax refunds ---
        let refund = "企业所得税地方留成部分全额返还";
        self.commitment(
            day(2007, 1, 15),
            "wuling-county",
            "c-tr-02",
            "wuling-county",
            "ent-wl-hongyun",
            "tax_refund",
            &format!("2007年度{refund}"),
            json!({"amount": "965300.5", "due": "2008-06-30", "basis": "武政发〔2006〕22号"}),
        );
        self.pay_commitment(
            day(2008, 5, 20),
            "wuling-county",
            "disb-c-tr-02",
            "wuling-treasury",
            "acct-ent-wl-hongyun",
            96_530_050,
            "c-tr-02",
            "tax_refund",
            "鸿运食品2007年度所得税地方留成返还",
            "武财企〔2008〕15号",
        );
        self.fulfil(
            day(2008, 5, 22),
            "wuling-county",
            "c-tr-02",
            Some(96_530_050),
            Some("武财企〔2008〕15号 退库凭证"),
        );

        self.commitment(
            day(2007, 3, 12),
            "linli-county",
            "c-tr-04",
            "linli-county",
            "ent-ll-yongxing",
            "tax_refund",
            &format!("2007年度{refund}"),
            json!({"amount": amt(73_600_000), "due": "2008-06-30", "basis": "临政发〔2007〕5号"}),
        );
        self.pay_commitment(
            day(2008, 9, 10),
            "linli-county",
            "disb-c-tr-04",
            "linli-treasury",
            "acct-ent-ll-yongxing",
            73_600_000,
            "c-tr-04",
            "tax_refund",
            "永兴建材2007年度所得税地方留成返还(逾期兑现)",
            "临财企〔2008〕31号",
        );
        self.fulfil(
            day(2008, 9, 10),
            "linli-county",
            "c-tr-04",
            Some(73_600_000),
            Some("临财企〔2008〕31号 退库凭证"),
        );

        self.commitment(
            day(2008, 2, 20),
            "shimen-county",
            "c-tr-03",
            "shimen-county",
            "ent-sm-longteng",
            "tax_refund",
            &format!("2008年度{refund}"),
            json!({"amount": amt(120 * WAN), "due": "2009-06-30", "basis": "石政发〔2008〕3号"}),
        );
        self.pay_commitment(
            day(2009, 6, 10),
            "shimen-county",
            "disb-c-tr-03",
            "shimen-treasury",
            "acct-ent-sm-longteng",
            120 * WAN,
            "c-tr-03",
            "tax_refund",
            "龙腾化工2008年度所得税地方留成返还",
            "石财企〔2009〕22号",
        );
        self.fulfil(
            day(2009, 6, 12),
            "shimen-county",
            "c-tr-03",
            Some(120 * WAN),
            Some("石财企〔2009〕22号 退库凭证"),
        );

        self.commitment(
            day(2008, 3, 3),
            "hanshou-county",
            "c-tr-01",
            "hanshou-county",
            "ent-hs-boya",
            "tax_refund",
            &format!("2008年度{refund}"),
            json!({"amount": "1862400", "due": "2009-06-30", "basis": "汉政发〔2008〕6号"}),
        );
        self.step(
            day(2009, 8, 18),
            "commitment.disputed",
            "ent-hs-boya",
            json!({"commitment_id": "c-tr-01",
                   "reason": "截至2009年8月,2008年度企业所得税地方留成返还186.24万元仍未到账,县财政称资金紧张暂缓兑现"}),
        );

        // --- service deadlines ---
        let approval = "city-approval-center";
        self.commitment(
            day(2007, 3, 14),
            approval,
            "c-sd-01",
            approval,
            "ent-huaxin",
            "service_deadline",
            "项目核准申请材料齐全后1个工作日内办结",
            json!({"due": {"within_working_days": 1, "after": "application-complete"},
                   "conditions": [{"condition_id": "application-complete", "text": "项目核准申请材料齐全"}],
                   "basis": "常政办发〔2006〕30号 “一站式”服务承诺"}),
        );
        self.condition_met(
            day(2007, 3, 16),
            approval,
            "c-sd-01",
            "application-complete",
            "受理通知书 常政服〔2007〕0316-08",
        );
        self.fulfil(
            day(2007, 3, 19),
            approval,
            "c-sd-01",
            None,
            Some("常发改工〔2007〕45号 核准批复"),
        );

        self.commitment(
            day(2008, 4, 1),
            "city-aic",
            "c-sd-02",
            "city-aic",
            "ent-hengan",
            "service_deadline",
            "营业执照在申请登记后一周内核发",
            json!({"due": {"within_days": 7, "after": "application-filed"},
                   "conditions": [{"condition_id": "application-filed", "text": "设立登记申请提交"}],
                   "basis": "常政办发〔2006〕30号"}),
        );
        self.condition_met(
            day(2008, 4, 7),
            "city-aic",
            "c-sd-02",
            "application-filed",
            "常工商受〔2008〕0407-2号",
        );
        self.fulfil(
            day(2008, 4, 11),
            "city-aic",
            "c-sd-02",
            None,
            Some("营业执照 注册号430700000012345"),
        );

        self.commitment(
            day(2009, 6, 1),
            "city-aic",
            "c-sd-03",
            "city-aic",
            "ent-ll-yongxing",
            "service_deadline",
            "分公司营业执照在申请登记后一周内核发",
            json!({"due": {"within_days": 7, "after": "application-filed"},
                   "conditions": [{"condition_id": "application-filed", "text": "分公司设立登记申请提交"}],
                   "basis": "常政办发〔2006〕30号"}),
        );
        self.condition_met(
            day(2009, 6, 5),
            "city-aic",
            "c-sd-03",
            "application-filed",
            "常工商受〔2009〕0605-1号",
        );
        self.fulfil(
            day(2009, 6, 16),
            "city-aic",
            "c-sd-03",
            None,
            Some("营业执照 注册号430700000023456"),
        );

        self.commitment(
            day(2009, 3, 2),
            "taoyuan-county",
            "c-sd-04",
            "taoyuan-county",
            "ent-ty-taohuayuan",
            "service_deadline",
            "厂房竣工后一个月内接通水、电、气、通信",
            json!({"due": {"within_days": 30, "after": "completion"},
                   "conditions": [{"condition_id": "completion", "text": "厂房竣工验收"}],
                   "basis": "桃政发〔2008〕14号"}),
        );
        self.condition_met(
            day(2009, 5, 12),
            "taoyuan-county",
            "c-sd-04",
            "completion",
            "桃建验〔2009〕33号 竣工验收备案表",
        );

        self.commitment(
            day(2008, 6, 2),
            "dingcheng-county",
            "c-sd-05",
            "dingcheng-county",
            "ent-dc-zhengtai",
            "service_deadline",
            "厂房竣工后一个月内接通水、电、气、通信",
            json!({"due": {"within_days": 30, "after": "completion"},
                   "conditions": [{"condition_id": "completion", "text": "厂房竣工验收"}],
                   "basis": "鼎政发〔2007〕11号"}),
        );
        self.condition_met(
            day(2008, 10, 15),
            "dingcheng-county",
            "c-sd-05",
            "completion",
            "鼎建验〔2008〕21号 竣工验收备案表",
        );
        self.fulfil(
            day(2008, 11, 5),
            "dingcheng-county",
            "c-sd-05",
            None,
            Some("供水、供电、供气、通信开通确认单"),
        );

        self.commitment(
            day(2010, 3, 1),
            approval,
            "c-sd-06",
            approval,
            "ent-ruifeng",
            "service_deadline",
            "技改项目备案申请材料齐全后1个工作日内办结",
            json!({"due": {"within_working_days": 1, "after": "application-complete"},
                   "conditions": [{"condition_id": "application-complete", "text": "技改项目备案材料齐全"}],
                   "basis": "常政办发〔2006〕30号"}),
        );
        self.condition_met(
            day(2010, 3, 12),
            approval,
            "c-sd-06",
            "application-complete",
            "受理通知书 常政服〔2010〕0312-05",
        );
        self.fulfil(
            day(2010, 3, 17),
            approval,
            "c-sd-06",
            None,
            Some("常经技改备〔2010〕19号 备案通知"),
        );

        self.commitment(
            day(2010, 9, 1),
            "anxiang-county",
            "c-sd-07",
            "anxiang-county",
            "ent-ax-jiahe",
            "service_deadline",
            "厂房竣工后一个月内接通水、电、气、通信",
            json!({"due": {"within_days": 30, "after": "completion"},
                   "conditions": [{"condition_id": "completion", "text": "二期厂房竣工验收"}],
                   "basis": "安政发〔2009〕8号"}),
        );

        // --- subsidies ---
        // c-sub-01/02: the same support payment made twice (16m); one recovered.
        for (n, (prj, ent, name)) in [
            ("prj-ruifeng-upgrade", "ent-ruifeng", "瑞丰电子"),
            ("prj-tianli-upgrade", "ent-tianli", "天利纺织"),
        ]
        .into_iter()
        .enumerate()
        {
            let c = format!("c-sub-0{}", n + 1);
            self.commitment(
                day(2008, 4, 15),
                ECON,
                &c,
                ECON,
                prj,
                "subsidy",
                &format!("{name}技术改造项目专项补助800万元"),
                json!({"amount": amt(800 * WAN), "due": "2008-12-31", "basis": "常经委〔2008〕21号 工业技改专项资金安排"}),
            );
            let acct = format!("acct-{ent}");
            self.pay_commitment(
                day(2008, 6, 18),
                ECON,
                &format!("disb-{c}-1"),
                SUPPORT_FUND,
                &acct,
                800 * WAN,
                &c,
                "subsidy",
                &format!("{name}技改专项补助"),
                &format!("常经财〔2008〕{}号", 40 + n),
            );
            self.fulfil(
                day(2008, 6, 20),
                ECON,
                &c,
                Some(800 * WAN),
                Some(&format!("常经财〔2008〕{}号 拨款凭证", 40 + n)),
            );
            self.pay_commitment(
                day(2008, 11, 20),
                ECON,
                &format!("disb-{c}-2"),
                SUPPORT_FUND,
                &acct,
                800 * WAN,
                &c,
                "subsidy",
                &format!("{name}技改专项补助(年终清算拨付)"),
                &format!("常经财〔2008〕{}号", 90 + n),
            );
        }
        self.disburse(
            day(2010, 7, 5),
            "ent-ruifeng",
            json!({"disbursement_id": "rep-c-sub-01", "from_account": "acct-ent-ruifeng", "to_account": SUPPORT_FUND,
                   "kind": "repayment", "commitment_id": "c-sub-01", "purpose": "审计追回重复拨付的技改专项补助",
                   "voucher": "常审投〔2010〕7号 整改缴款凭证"}),
            800 * WAN,
            Some(2),
        );

        self.commitment(
            day(2009, 4, 10),
            "taoyuan-county",
            "c-sub-03",
            "taoyuan-county",
            "ent-ty-taohuayuan",
            "subsidy",
            "标准厂房建设补助150万元",
            json!({"amount": amt(150 * WAN), "due": "2009-12-31", "basis": "桃政发〔2008〕14号"}),
        );
        self.fulfil(
            day(2009, 12, 20),
            "taoyuan-county",
            "c-sub-03",
            Some(150 * WAN),
            Some("桃财企〔2009〕88号 兑现通知"),
        );

        self.commitment(
            day(2009, 5, 6),
            ECON,
            "c-sub-04",
            ECON,
            "ent-hengan",
            "subsidy",
            "技术改造贷款贴息200万元",
            json!({"amount": amt(200 * WAN), "due": "2009-12-31", "basis": "常经委〔2009〕12号"}),
        );
        self.pay_commitment(
            day(2009, 11, 12),
            ECON,
            "disb-c-sub-04",
            SUPPORT_FUND,
            "acct-ent-hengan",
            200 * WAN,
            "c-sub-04",
            "subsidy",
            "恒安新材料技改贷款贴息",
            "常经财〔2009〕57号",
        );
        self.fulfil(
            day(2009, 11, 16),
            ECON,
            "c-sub-04",
            Some(200 * WAN),
            Some("常经财〔2009〕57号 拨款凭证"),
        );

        self.commitment(
            day(2009, 2, 10),
            "anxiang-county",
            "c-sub-05",
            "anxiang-county",
            "ent-ax-jiahe",
            "subsidy",
            "新建纺纱生产线设备购置补助80万元",
            json!({"amount": amt(80 * WAN), "due": "2010-06-30", "basis": "安政发〔2009〕8号"}),
        );
        self.step(
            day(2009, 9, 21),
            "commitment.waived",
            "ent-ax-jiahe",
            json!({"commitment_id": "c-sub-05", "reason": "企业调整产品方向,主动放弃该项补助",
                   "authority": "安乡县人民政府常务会议纪要〔2009〕12号"}),
        );

        self.commitment(
            day(2008, 7, 1),
            "jinshi-county",
            "c-sub-06",
            "jinshi-county",
            "ent-js-mingzhu",
            "subsidy",
            "新药生产线GMP认证补助50万元",
            json!({"amount": amt(50 * WAN), "due": "2008-12-31", "basis": "津政发〔2008〕9号"}),
        );
        self.pay_commitment(
            day(2008, 11, 25),
            "jinshi-county",
            "disb-c-sub-06",
            "jinshi-treasury",
            "acct-ent-js-mingzhu",
            50 * WAN,
            "c-sub-06",
            "subsidy",
            "明珠生物GMP认证补助",
            "津财企〔2008〕19号",
        );
        // Recorded without any evidence.
        self.fulfil(day(2008, 11, 28), "jinshi-county", "c-sub-06", Some(50 * WAN), None);

        self.commitment(
            day(2010, 12, 1),
            "lixian-county",
            "c-sub-07",
            "lixian-county",
            "ent-lx-jiuding",
            "subsidy",
            "污水处理设施改造补助60万元",
            json!({"amount": amt(60 * WAN), "due": "2011-12-31", "basis": "澧政发〔2010〕27号"}),
        );

        self.commitment(
            day(2009, 7, 1),
            "hanshou-county",
            "c-sub-08",
            "hanshou-county",
            "ent-hs-boya",
            "subsidy",
            "招商引资项目按期投产奖励30万元",
            json!({"amount": amt(30 * WAN), "due": "2010-06-30", "basis": "汉政发〔2008〕6号"}),
        );

        // --- other ---
        self.commitment(
            day(2008, 2, 18),
            GOV,
            "c-ot-01",
            GOV,
            "ent-hengan",
            "other",
            "2010年6月底前建成企业专用铁路支线并投入使用",
            json!({"due": "2010-06-30", "basis": "市政府常务会议纪要〔2008〕3号(一事一议)"}),
        );
        self.step(
            day(2010, 11, 15),
            "commitment.breached",
            AUDIT,
            json!({"commitment_id": "c-ot-01",
                   "reason": "审计核实:铁路支线至2010年11月仍未开工建设,承诺未兑现,企业原料运输成本增加"}),
        );

        self.commitment(
            day(2007, 4, 2),
            "city-land",
            "c-ot-02",
            "city-land",
            "ent-huaxin",
            "other",
            "项目投产后30个工作日内颁发国有土地使用证",
            json!({"due": {"within_working_days": 30, "after": "production"},
                   "conditions": [{"condition_id": "production", "text": "项目竣工投产"}],
                   "basis": "常政发〔2006〕25号"}),
        );
        self.condition_met(
            day(2008, 9, 5),
            "city-land",
            "c-ot-02",
            "production",
            "德开经〔2008〕52号 投产确认书",
        );
        self.fulfil(
            day(2008, 9, 26),
            "city-land",
            "c-ot-02",
            None,
            Some("常国用(2008)第0123号 国有土地使用证"),
        );
    }

    // ----- incentives ---------------------------------------------------------------

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

    fn incentives(&mut self) {
        for (yi, y) in YEARS.enumerate() {
            let paid = day(y + 1, 3, 15);
            let doc = |n: usize| format!("常园奖〔{}〕{}号 园区考核奖励兑现审批表", y + 1, n);

            // The zone: 1m on its ≥50m-projects target.
            let s = format!("scheme-deshan-{y}");
            self.scheme(
                y,
                &s,
                &format!("deshan-{y}-ge50m"),
                100 * WAN,
                ["zone_leaders", "park_leaders", "contributors"],
            );
            let ev = doc(1);
            for (n, (who, role, amount)) in [
                ("p-deshan-secretary", "zone_leaders", 20 * WAN),
                ("p-deshan-director", "zone_leaders", 20 * WAN),
                ("p-deshan-deputy", "park_leaders", 15 * WAN),
                ("p-deshan-invest-head", "park_leaders", 15 * WAN),
                ("p-deshan-contributor", "contributors", 30 * WAN),
            ]
            .into_iter()
            .enumerate()
            {
                self.payout(
                    paid,
                    &format!("pay-deshan-{y}-{}", n + 1),
                    &s,
                    who,
                    role,
                    amount,
                    Some(&ev),
                );
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

            // County parks: 500k on the ≥10m-projects target.
            for (i, c) in COUNTIES.iter().enumerate() {
                let k = c.key;
                let s = format!("scheme-{k}-{y}");
                self.scheme(
                    y,
                    &s,
                    &format!("{k}-{y}-ge10m"),
                    50 * WAN,
                    ["county_leaders", "park_leaders", "contributors"],
                );
                let outcome = c.headline.as_bytes()[yi];
                let pay = match outcome {
                    b'M' => true,
                    // Paid although the audit found the target missed.
                    b'O' => k == "jinshi" && y == 2008,
                    // Paid on the park's own claim, never verified.
                    b'C' => true,
                    _ => false,
                };
                if !pay {
                    continue;
                }
                let (director, deputy) = if k == "jinshi" && y == 2010 {
                    ("p-jinshi-director-2010".to_string(), "p-jinshi-deputy-2010".to_string())
                } else {
                    (format!("p-{k}-director"), format!("p-{k}-deputy"))
                };
                let secretary_amount = if k == "dingcheng" && y == 2007 {
                    15 * WAN
                } else {
                    10 * WAN
                };
                let contributor_amount = if k == "dingcheng" && y == 2007 {
                    10 * WAN
                } else {
                    15 * WAN
                };
                let ev = doc(i + 2);
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
                    self.payout(
                        paid,
                        &format!("pay-{k}-{y}-{}", n + 1),
                        &s,
                        &who,
                        role,
                        amount,
                        evidence,
                    );
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
    }
}
