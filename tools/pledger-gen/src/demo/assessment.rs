//! Yearly tasks (年度目标任务, format 2.1), 2007–2010: the zone, each county
//! park and each bureau with a quota is judged on its year's targets as a
//! whole, with a one-vote veto (一票否决) on work safety (parks, zone) or
//! public order (bureaus); the consequences the responsibility letters
//! name follow a failure — and, three times, do not follow as they should.

use super::data::{park_leaders, County, Dept, COUNTIES, DEPTS, GOV, OPT, ORG, SAFETY, STABILITY, TASK_YEARS, ZONE};
use super::targets::{county_target_ids, county_targets_met, dept_quota_missed};
use super::{day, ds, Demo};
use serde_json::{json, Value};
use std::collections::HashMap;

/// A county park's points: projects ≥10m, ≥50m, sales growth, tax growth;
/// then the safety veto item. Passed at 80.
const COUNTY_WEIGHTS: [u32; 4] = [30, 15, 20, 25];
const COUNTY_PASS: u32 = 80;
/// The zone's points: projects ≥50m, ≥100m; then the safety veto item.
const ZONE_WEIGHTS: [u32; 2] = [45, 45];
const ZONE_PASS: u32 = 80;
/// A bureau's points: its project quota, the service satisfaction rating;
/// then the public-order veto item. Passed at 60.
const DEPT_WEIGHTS: [u32; 2] = [60, 30];
const DEPT_PASS: u32 = 60;
/// Every veto item carries 10 points.
const VETO_WEIGHT: u32 = 10;
/// The minimum satisfaction rating of the bureaus' appraisal (民主评议).
const SATISFACTION_MIN: f64 = 85.0;

const CONSEQUENCES_ON_FAIL: [&str; 2] = ["criticism", "award_disqualified"];

/// How a task ends up judged (format 3.7), as the generator plans it; the
/// test checks the real view agrees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Passed,
    Failed,
    /// Failed by a missed veto item.
    Vetoed,
    /// An item never verified.
    Undecided,
}

impl Outcome {
    fn failed(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Vetoed)
    }
}

struct Item {
    target: String,
    weight: u32,
    veto: bool,
    /// Met as finally verified; `None`: never verified.
    met: Option<bool>,
}

pub(super) struct Task {
    id: String,
    /// The key of ids derived from the task (sanctions).
    key: String,
    assignee: String,
    /// The assessed unit's name, for the documents' text.
    name: String,
    group: &'static str,
    items: Vec<Item>,
    pass: u32,
    basis: String,
    /// Who is moved off their post after two failed years running (the
    /// unit itself when no leader is registered).
    leaders: Vec<String>,
}

impl Task {
    fn score(&self) -> u32 {
        self.items
            .iter()
            .filter(|i| i.met == Some(true))
            .map(|i| i.weight)
            .sum()
    }

    pub(super) fn outcome(&self) -> Outcome {
        if self.items.iter().any(|i| i.veto && i.met == Some(false)) {
            Outcome::Vetoed
        } else if self.items.iter().any(|i| i.met.is_none()) {
            Outcome::Undecided
        } else if self.score() >= self.pass {
            Outcome::Passed
        } else {
            Outcome::Failed
        }
    }
}

fn yi(y: i32) -> usize {
    (y - 2006) as usize
}

fn park_basis(y: i32) -> String {
    format!("常德市{y}年度园区目标管理考核责任状")
}

fn dept_basis(y: i32) -> String {
    format!("常德市{y}年度市直部门目标管理考核责任状")
}

/// Serious work-safety accidents (较大以上生产安全事故) in a park or the zone.
fn safety_accidents(key: &str, y: i32) -> u32 {
    u32::from(key == "dingcheng" && y == 2009)
}

/// Mass incidents (群体性事件) laid at a bureau's door.
fn stability_incidents(dept: &str, y: i32) -> u32 {
    u32::from(dept == "city-land" && y == 2010)
}

/// A bureau's service satisfaction rating (民主评议满意率, percent).
fn satisfaction(di: usize, d: &Dept, y: i32) -> String {
    match (d.id, y) {
        ("city-land", 2007) => "82.4".to_string(),
        ("city-commerce", 2008) => "83.1".to_string(),
        ("city-science", 2008) => "80.6".to_string(),
        ("city-labour", 2009) => "81.7".to_string(),
        ("city-planning", 2010) => "84.2".to_string(),
        _ => format!("{}.{}", 86 + (di * 3 + yi(y) * 5) % 10, (di + 2 * yi(y)) % 10),
    }
}

fn safety_target(key: &str, y: i32) -> String {
    format!("{key}-{y}-safety")
}

/// The zone meets both its project targets every year (2008's lowered to 4).
fn zone_task(y: i32) -> Task {
    let mut items: Vec<Item> = ["ge50m", "ge100m"]
        .iter()
        .zip(ZONE_WEIGHTS)
        .map(|(suffix, weight)| Item {
            target: format!("deshan-{y}-{suffix}"),
            weight,
            veto: false,
            met: Some(true),
        })
        .collect();
    items.push(Item {
        target: safety_target("deshan", y),
        weight: VETO_WEIGHT,
        veto: true,
        met: Some(safety_accidents("deshan", y) == 0),
    });
    Task {
        id: format!("task-deshan-{y}"),
        key: "deshan".into(),
        assignee: ZONE.into(),
        name: "常德经济技术开发区".into(),
        group: "development_zones",
        items,
        pass: ZONE_PASS,
        basis: park_basis(y),
        leaders: vec!["p-deshan-director".into()],
    }
}

/// A county park's yearly task.
pub(super) fn county_task(i: usize, c: &County, y: i32) -> Task {
    let met = county_targets_met(i, c, yi(y), y);
    let mut items: Vec<Item> = county_target_ids(c, y)
        .into_iter()
        .zip(COUNTY_WEIGHTS)
        .zip(met)
        .map(|((target, weight), met)| Item {
            target,
            weight,
            veto: false,
            met,
        })
        .collect();
    items.push(Item {
        target: safety_target(c.key, y),
        weight: VETO_WEIGHT,
        veto: true,
        met: Some(safety_accidents(c.key, y) == 0),
    });
    let (director, deputy) = park_leaders(c.key, y);
    Task {
        id: format!("task-{}-{y}", c.key),
        key: c.key.into(),
        assignee: format!("{}-park", c.key),
        name: c.park.into(),
        group: "county_parks",
        items,
        pass: COUNTY_PASS,
        basis: park_basis(y),
        leaders: vec![director, deputy],
    }
}

fn dept_task(di: usize, d: &Dept, y: i32) -> Task {
    let sat: f64 = satisfaction(di, d, y).parse().unwrap_or(0.0);
    let items = vec![
        Item {
            target: format!("{}-{y}-projects", d.id),
            weight: DEPT_WEIGHTS[0],
            veto: false,
            met: Some(!dept_quota_missed(d, y)),
        },
        Item {
            target: format!("{}-{y}-satisfaction", d.id),
            weight: DEPT_WEIGHTS[1],
            veto: false,
            met: Some(sat >= SATISFACTION_MIN),
        },
        Item {
            target: format!("{}-{y}-stability", d.id),
            weight: VETO_WEIGHT,
            veto: true,
            met: Some(stability_incidents(d.id, y) == 0),
        },
    ];
    Task {
        id: format!("task-{}-{y}", d.id),
        key: d.id.into(),
        assignee: d.id.into(),
        name: d.name.into(),
        group: "city_departments",
        items,
        pass: DEPT_PASS,
        basis: dept_basis(y),
        leaders: Vec::new(),
    }
}

/// Year `y`'s tasks: the zone, the county parks, the bureaus.
fn tasks_of(y: i32) -> Vec<Task> {
    let mut out = vec![zone_task(y)];
    out.extend(COUNTIES.iter().enumerate().map(|(i, c)| county_task(i, c, y)));
    out.extend(DEPTS.iter().enumerate().map(|(di, d)| dept_task(di, d, y)));
    out
}

/// The city's yearly notice of the assessment results (考核结果通报).
fn notice(y: i32, group: &str) -> String {
    match group {
        "city_departments" => format!("常政通〔{}〕7号 关于{y}年度市直部门目标管理考核结果的通报", y + 1),
        _ => format!("常政通〔{}〕6号 关于{y}年度园区目标管理考核结果的通报", y + 1),
    }
}

impl Demo {
    pub(super) fn assessment(&mut self) {
        // Failed tasks in a row per assignee (undecided ones skipped).
        let mut runs: HashMap<String, usize> = HashMap::new();
        for y in TASK_YEARS {
            self.veto_targets(y);
            let tasks = tasks_of(y);
            for t in &tasks {
                self.task_set(y, t);
            }
            self.veto_verifications(y);
            for t in &tasks {
                let run = runs.entry(t.assignee.clone()).or_default();
                match t.outcome() {
                    Outcome::Passed => *run = 0,
                    Outcome::Undecided => {}
                    Outcome::Failed | Outcome::Vetoed => *run += 1,
                }
                let run = *run;
                if t.outcome().failed() {
                    self.consequences(y, t, run);
                }
            }
            if y == 2008 {
                self.criticism_without_basis();
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn assign(&mut self, y: i32, id: &str, assignee: &str, metric: &str, unit: &str, cmp: &str, threshold: &str) {
        let basis = if assignee.starts_with("city-") {
            dept_basis(y)
        } else {
            park_basis(y)
        };
        self.push(
            day(y, 1, 8),
            "target.assigned",
            GOV,
            json!({"target_id": id, "assignee": assignee, "metric": metric, "unit": unit, "comparator": cmp,
                   "threshold": threshold, "period": {"from": ds(day(y, 1, 1)), "to": ds(day(y, 12, 31))},
                   "basis": basis}),
        );
    }

    /// The year's veto targets (no serious accident in a park or the zone,
    /// no mass incident over a bureau's work) and the bureaus' satisfaction
    /// targets, set with the responsibility letters.
    fn veto_targets(&mut self, y: i32) {
        let metric = "serious_safety_accidents";
        self.assign(y, &safety_target("deshan", y), ZONE, metric, "count", "<=", "0");
        for c in COUNTIES {
            let park = format!("{}-park", c.key);
            self.assign(y, &safety_target(c.key, y), &park, metric, "count", "<=", "0");
        }
        for d in DEPTS {
            let t = format!("{}-{y}-satisfaction", d.id);
            self.assign(y, &t, d.id, "service_satisfaction_percent", "percent", ">=", "85");
            let t = format!("{}-{y}-stability", d.id);
            self.assign(y, &t, d.id, "stability_incidents", "count", "<=", "0");
        }
    }

    /// The responsibility letter (责任状), set by the city with the targets.
    fn task_set(&mut self, y: i32, t: &Task) {
        let items: Vec<Value> = t
            .items
            .iter()
            .map(|i| {
                let mut v = json!({"target_id": i.target, "weight": i.weight.to_string()});
                if i.veto {
                    v["veto"] = json!(true);
                }
                v
            })
            .collect();
        self.push(
            day(y, 1, 8),
            "assessment.task_set",
            GOV,
            json!({"task_id": t.id, "assignee": t.assignee,
                   "period": {"from": ds(day(y, 1, 1)), "to": ds(day(y, 12, 31))},
                   "group": t.group, "items": items, "pass_score": t.pass.to_string(),
                   "consequences": {"on_fail": CONSEQUENCES_ON_FAIL,
                                    "on_consecutive_fail": {"count": 2, "kinds": ["reassignment"]}},
                   "basis": t.basis}),
        );
    }

    /// The safety bureau's and the public-order office's verdicts on the
    /// veto targets, and the optimisation office's satisfaction ratings.
    fn veto_verifications(&mut self, y: i32) {
        let end = day(y, 12, 31);
        let safety_doc = format!("常安监〔{}〕3号 各区县(市)园区{y}年度安全生产目标考核结果", y + 1);
        let keys = std::iter::once("deshan").chain(COUNTIES.iter().map(|c| c.key));
        for key in keys {
            let n = safety_accidents(key, y);
            let note = (n > 0).then_some("园区内企业发生“8·19”较大粉尘爆炸事故,死亡3人;按责任状实行安全生产一票否决");
            self.verify(
                day(y + 1, 1, 20),
                SAFETY,
                &safety_target(key, y),
                &n.to_string(),
                end,
                Some(&safety_doc),
                note,
            );
        }
        let order_doc = format!("常综治办〔{}〕2号 市直部门{y}年度社会治安综合治理目标考核结果", y + 1);
        let rating_doc = format!("常优办〔{}〕2号 {y}年度市直部门民主评议结果", y + 1);
        for (di, d) in DEPTS.iter().enumerate() {
            let n = stability_incidents(d.id, y);
            let note = (n > 0).then_some("因征地拆迁补偿引发群体性上访事件;按责任状实行综治维稳一票否决");
            let t = format!("{}-{y}-stability", d.id);
            self.verify(
                day(y + 1, 1, 20),
                STABILITY,
                &t,
                &n.to_string(),
                end,
                Some(&order_doc),
                note,
            );
            let t = format!("{}-{y}-satisfaction", d.id);
            let v = satisfaction(di, d, y);
            self.verify(day(y + 1, 1, 28), OPT, &t, &v, end, Some(&rating_doc), None);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn sanction(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        subject: &str,
        kind: &str,
        task: &str,
        basis: &str,
        doc: &str,
    ) {
        let evidence = self.evidence(doc);
        self.push(
            z,
            "sanction.imposed",
            actor,
            json!({"sanction_id": id, "subject": subject, "kind": kind, "task_id": task, "basis": basis,
                   "evidence": evidence}),
        );
    }

    /// What a failed task's rules require: the city's notice criticises the
    /// unit and takes away its award eligibility (March); after a second
    /// failed year the organisation department moves its leaders. 石门's
    /// second failure (2010) costs its leader his post, but its award
    /// eligibility is never taken away: it is paid its 2010 project reward.
    fn consequences(&mut self, y: i32, t: &Task, run: usize) {
        let doc = notice(y, t.group);
        let why = if t.outcome() == Outcome::Vetoed {
            format!("{}{y}年度目标管理考核被一票否决", t.name)
        } else {
            format!(
                "{}{y}年度目标管理考核得分{}分,未达{}分的合格线",
                t.name,
                t.score(),
                t.pass
            )
        };
        let notice_day = day(y + 1, 3, 1);
        for kind in CONSEQUENCES_ON_FAIL {
            if t.key == "shimen" && y == 2010 && kind == "award_disqualified" {
                continue;
            }
            let what = match kind {
                "criticism" => "予以通报批评".to_string(),
                _ => format!("取消{y}年度评先评优资格"),
            };
            let id = format!("sanc-{}-{y}-{kind}", t.key);
            self.sanction(
                notice_day,
                GOV,
                &id,
                &t.assignee,
                kind,
                &t.id,
                &format!("{doc}:{why},{what}"),
                &doc,
            );
        }
        if run >= 2 {
            let order = format!("常组干〔{}〕{}号 关于调整{}主要负责人的通知", y + 1, 10 + run, t.name);
            let subjects = if t.leaders.is_empty() {
                vec![t.assignee.clone()]
            } else {
                t.leaders.clone()
            };
            for (n, subject) in subjects.iter().enumerate() {
                let id = format!("sanc-{}-{y}-reassignment-{}", t.key, n + 1);
                self.sanction(
                    day(y + 1, 3, 22),
                    ORG,
                    &id,
                    subject,
                    "reassignment",
                    &t.id,
                    &format!("{order}:{}连续{run}年未完成年度目标任务,主要负责人调整工作岗位", t.name),
                    &order,
                );
            }
        }
    }

    /// The city's 2008 notice also criticises 武陵's park for its sales
    /// growth (28.6% of 30%), though its task passed with 80 points.
    fn criticism_without_basis(&mut self) {
        let doc = notice(2008, "county_parks");
        self.sanction(
            day(2009, 3, 1),
            GOV,
            "sanc-wuling-2008-criticism",
            "wuling-park",
            "criticism",
            "task-wuling-2008",
            &format!("{doc}:武陵区芙蓉工业园规模工业销售收入增幅28.6%,未达30%的目标,予以通报批评"),
            &doc,
        );
    }
}
