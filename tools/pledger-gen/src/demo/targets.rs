//! Targets, claims and verifications: the yearly plans, the bureaus' quotas, the five-year targets.

use super::data::{
    park_leaders, County, Dept, AUDIT, COUNTIES, DEPTS, DEPT_BASIS, GOV, OPT, PLAN_BASIS, STATS, YEARS, ZONE,
};
use super::projects::{counts, listed, COUNTING_FROM};
use super::{day, Demo};
use serde_json::json;

/// The minimum money in place (万元) of the "≥50m" and "≥100m" counts.
const MIN_50M: u64 = 5_000;
const MIN_100M: u64 = 10_000;

/// The county parks' yearly targets: id suffix, metric, unit, threshold.
const COUNTY_TARGETS: [(&str, &str, &str, &str); 4] = [
    ("ge10m", "new_projects_ge_10m", "count", "5"),
    ("ge50m", "new_projects_ge_50m", "count", "1"),
    ("sales", "sales_growth_percent", "percent", "30"),
    ("tax", "tax_growth_percent", "percent", "20"),
];

/// What a county park reports and the auditors find for one year.
struct Figures {
    /// The letter of `County::headline` for the year.
    outcome: u8,
    /// Projects of ≥10m claimed at the year's end, and as verified.
    claimed: u32,
    verified: Option<u32>,
    ge50: u32,
    sales: String,
    tax: String,
}

fn county_figures(i: usize, c: &County, yi: usize, y: i32) -> Figures {
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
    // Single misses that spread the yearly tasks' scores (never two years
    // running for one park and metric, so no new run of misses).
    let ge50 = match (c.key, y) {
        ("jinshi", 2009) | ("anxiang", 2007) | ("lixian", 2008) | ("hanshou", 2010) => 0,
        _ => 1 + ((i + yi) % 2) as u32,
    };
    let sales = match (c.key, y) {
        ("hanshou", 2006) => "24.6".to_string(),
        ("lixian", 2007) => "27.8".to_string(),
        ("wuling", 2008) => "28.6".to_string(),
        ("taoyuan", 2009) => "26.9".to_string(),
        _ => format!("{}.{}", 31 + (i * 7 + yi * 3) % 14, (i + yi) % 10),
    };
    let tax = match (c.key, y) {
        ("shimen", 2009) => "12.5".to_string(),
        ("shimen", 2010) => "8.3".to_string(),
        ("linli", 2009) => "15".to_string(),
        _ => format!("{}.{}", 21 + (i * 5 + yi * 2) % 9, (i * 3 + yi) % 10),
    };
    Figures {
        outcome,
        claimed,
        verified,
        ge50,
        sales,
        tax,
    }
}

/// The ids of a county park's four yearly targets.
pub(super) fn county_target_ids(c: &County, y: i32) -> [String; 4] {
    COUNTY_TARGETS.map(|(suffix, ..)| format!("{}-{y}-{suffix}", c.key))
}

/// Whether each of a county park's four yearly targets ends up met (as its
/// last verification decides it against the threshold in force, 临澧's 2009
/// tax target lowered to 12%): `None` when never verified.
pub(super) fn county_targets_met(i: usize, c: &County, yi: usize, y: i32) -> [Option<bool>; 4] {
    let f = county_figures(i, c, yi, y);
    let pct = |v: &str| v.parse::<f64>().unwrap_or(0.0);
    let tax_threshold = if c.key == "linli" && y == 2009 { 12.0 } else { 20.0 };
    [
        f.verified.map(|v| v >= 5),
        Some(f.ge50 >= 1),
        Some(pct(&f.sales) >= 30.0),
        Some(pct(&f.tax) >= tax_threshold),
    ]
}

/// Did the bureau miss its project quota of year `y`?
pub(super) fn dept_quota_missed(d: &Dept, y: i32) -> bool {
    matches!((d.id, y), ("city-science", 2007 | 2008) | ("city-environment", 2008))
}

impl Demo {
    pub(super) fn plans_and_reports(&mut self) {
        for (yi, y) in YEARS.enumerate() {
            if y == 2010 {
                self.jinshi_leaders_replaced();
            }
            self.zone_year_targets(yi, y);
            for (i, c) in COUNTIES.iter().enumerate() {
                self.county_year_targets(c, y);
                self.county_year_reports(i, c, yi, y);
            }
            for (di, d) in DEPTS.iter().enumerate() {
                self.dept_year_quota(di, d, yi, y);
            }
        }
        self.five_year_targets();
    }

    /// Two missed years in a row: 津市's park leaders are moved off their posts.
    fn jinshi_leaders_replaced(&mut self) {
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

    /// The zone: ≥5 projects of ≥50m and ≥1 of ≥100m, claimed and audited.
    fn zone_year_targets(&mut self, yi: usize, y: i32) {
        let period = (day(y, 1, 1), day(y, 12, 31));
        let assign = day(y, 1, 8);
        let mid = day(y, 6, 30);
        let end = day(y, 12, 31);
        let zone_ge50 = ["6", "7", "4", "6", "8"][yi];
        let zone_ge100 = ["2", "1", "1", "3", "2"][yi];
        let resp = [
            ("p-deshan-secretary", "第一责任人(工委书记)"),
            ("p-deshan-director", "直接责任人(管委会主任)"),
        ];
        let t50 = format!("deshan-{y}-ge50m");
        let t100 = format!("deshan-{y}-ge100m");
        let counting = y >= COUNTING_FROM;
        for (t, metric, threshold, min) in [
            (&t50, "new_projects_ge_50m", "5", MIN_50M),
            (&t100, "new_projects_ge_100m", "1", MIN_100M),
        ] {
            self.target(
                assign, GOV, t, ZONE, metric, "count", threshold, period, PLAN_BASIS, &resp,
            );
            if counting {
                self.counting(counts(min));
            }
        }
        if y == 2008 {
            self.step(
                day(2008, 10, 20),
                "target.revised",
                GOV,
                json!({"target_id": t50, "threshold": "4",
                       "reason": "受国际金融危机影响,经市政府常务会议研究,2008年度开发区引进5000万元以上项目目标调整为4个"}),
            );
        }
        let half = zone_ge50.parse::<usize>().unwrap_or(0) / 2;
        self.claim(
            day(y, 7, 10),
            ZONE,
            &t50,
            &half.to_string(),
            mid,
            Some(&format!("德开管〔{y}〕41号 上半年目标任务完成情况报告")),
        );
        if counting {
            let mid_list = listed(ZONE, &t50, y, mid, MIN_50M);
            // 2010: four reported at mid-year, three named (count_mismatch).
            let named = if y == 2010 { half - 1 } else { half };
            assert_eq!(mid_list.len(), named, "{t50} at mid-year");
            self.listing(&mid_list);
        }
        let report = format!("德开管〔{}〕3号 {y}年度目标任务完成情况报告", y + 1);
        let audit = format!("常审园〔{}〕1号 常德经济技术开发区{y}年度目标考核审计报告", y + 1);
        for (t, value, min) in [(&t50, zone_ge50, MIN_50M), (&t100, zone_ge100, MIN_100M)] {
            let list = counting.then(|| listed(ZONE, t, y, end, min));
            if let Some(l) = &list {
                assert_eq!(l.len().to_string(), value, "{t}");
            }
            self.claim(day(y + 1, 1, 10), ZONE, t, value, end, Some(&report));
            if let Some(l) = &list {
                self.listing(l);
            }
            self.verify(day(y + 1, 1, 25), AUDIT, t, value, end, Some(&audit), None);
            if let Some(l) = &list {
                self.listing(l);
            }
        }
    }

    /// A county park's four yearly targets.
    fn county_year_targets(&mut self, c: &County, y: i32) {
        let period = (day(y, 1, 1), day(y, 12, 31));
        let park = format!("{}-park", c.key);
        let (director, _deputy) = park_leaders(c.key, y);
        let secretary = format!("p-{}-secretary", c.key);
        let resp = [
            (secretary.as_str(), "第一责任人(县委书记)"),
            (director.as_str(), "直接责任人(园区管委会主任)"),
        ];
        for (suffix, metric, unit, threshold) in COUNTY_TARGETS {
            let t = format!("{}-{y}-{suffix}", c.key);
            self.target(
                day(y, 1, 8),
                GOV,
                &t,
                &park,
                metric,
                unit,
                threshold,
                period,
                PLAN_BASIS,
                &resp,
            );
            if suffix == "ge50m" && y >= COUNTING_FROM {
                self.counting(counts(MIN_50M));
            }
        }
    }

    /// A county park's claims (mid-year and year-end), the audit and the
    /// statistics bureau's verifications.
    fn county_year_reports(&mut self, i: usize, c: &County, yi: usize, y: i32) {
        let mid = day(y, 6, 30);
        let end = day(y, 12, 31);
        let park = format!("{}-park", c.key);
        let [t10, t50, ts, tt] = county_target_ids(c, y);
        let f = county_figures(i, c, yi, y);
        let mid_value = if f.outcome == b'U' { 2 } else { f.claimed / 2 };
        let report_mid = format!("{}管委会关于{y}年上半年目标任务完成情况的报告", c.park);
        self.claim(
            day(y, 7, 12),
            &park,
            &t10,
            &mid_value.to_string(),
            mid,
            Some(&report_mid),
        );

        let report = format!("{}管委会关于{y}年度目标任务完成情况的报告", c.park);
        let report_day = day(y + 1, 1, 10);
        if f.outcome != b'U' {
            self.claim(report_day, &park, &t10, &f.claimed.to_string(), end, Some(&report));
        }
        let list50 = (y >= COUNTING_FROM).then(|| listed(&park, &t50, y, end, MIN_50M));
        if let Some(l) = &list50 {
            assert_eq!(l.len(), f.ge50 as usize, "{t50}");
        }
        self.claim(report_day, &park, &t50, &f.ge50.to_string(), end, Some(&report));
        if let Some(l) = &list50 {
            self.listing(l);
        }
        self.claim(report_day, &park, &ts, &f.sales, end, Some(&report));
        self.claim(report_day, &park, &tt, &f.tax, end, Some(&report));

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
        if let Some(v) = f.verified {
            let note =
                (f.outcome == b'O').then_some("园区上报6个,经逐项核查,其中2个项目实际到位资金不足1000万元,不予认定");
            self.verify(vday, AUDIT, &t10, &v.to_string(), end, Some(&audit), note);
        }
        self.verify(vday, AUDIT, &t50, &f.ge50.to_string(), end, Some(&audit), None);
        if let Some(l) = &list50 {
            self.listing(l);
        }
        self.verify(day(y + 1, 2, 5), STATS, &ts, &f.sales, end, Some(&stats), None);
        self.verify(day(y + 1, 2, 5), STATS, &tt, &f.tax, end, Some(&stats), None);
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

    /// A bureau's project quota for the year, its report and the optimisation
    /// office's verdict.
    fn dept_year_quota(&mut self, di: usize, d: &Dept, yi: usize, y: i32) {
        let period = (day(y, 1, 1), day(y, 12, 31));
        let end = day(y, 12, 31);
        let t = format!("{}-{y}-projects", d.id);
        let quota = d.quota.to_string();
        let metric = "industrial_projects_introduced";
        self.target(
            day(y, 1, 8),
            GOV,
            &t,
            d.id,
            metric,
            "count",
            &quota,
            period,
            DEPT_BASIS,
            &[],
        );
        let missed = dept_quota_missed(d, y);
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

    /// Five-year targets (2006–2010), set with the plan and judged in 2011.
    fn five_year_targets(&mut self) {
        let five = (day(2006, 1, 1), day(2010, 12, 31));
        let assign = day(2006, 1, 8);
        let end = day(2010, 12, 31);
        let resp = [("p-deshan-secretary", "第一责任人(工委书记)")];
        let zone_target = "deshan-2006-2010-ge1b";
        self.target(
            assign,
            GOV,
            zone_target,
            ZONE,
            "new_projects_ge_1b",
            "count",
            "2",
            five,
            PLAN_BASIS,
            &resp,
        );
        let audit = "常审园〔2011〕20号 “十一五”园区建设目标考核审计报告";
        let zone_report = "德开管〔2011〕5号 “十一五”目标完成情况报告";
        self.claim(day(2011, 1, 10), ZONE, zone_target, "2", end, Some(zone_report));
        self.verify(day(2011, 1, 26), AUDIT, zone_target, "2", end, Some(audit), None);
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
            let report = format!("{}“十一五”目标完成情况报告", c.park);
            self.claim(day(2011, 1, 10), &park, &t, &v, end, Some(&report));
            self.verify(day(2011, 1, 26), AUDIT, &t, &v, end, Some(audit), None);
        }
    }
}
