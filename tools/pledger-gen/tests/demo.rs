//! The Changde demo scenario (`pledger_gen::demo::demo_city`): every event
//! valid in order under the project's own validator, deterministic, at the
//! scale issue 3 asks for, and raising every finding code of the views'
//! list, `FindingCode::ALL` (contract 3.5 and pledger's own additions).
//!
//! `every_finding_code_appears_at_2011_06_30` is the acceptance test against
//! the real views; `the_yearly_tasks_are_judged_ranked_and_sanctioned_as_planted`
//! holds the assessment report (format 3.7) to the scenario's yearly tasks;
//! `the_project_register_is_as_planted` the projects report (format 3.8) and
//! the project and idle-money findings to the register's plants.
//! `plants_trigger_each_rule_as_the_contract_words_it` reads the rules of
//! 3.5 (and 2.2's qualification of a counted project) directly from the
//! contract text, independently of the views, so the plants can be checked
//! while the views are being written.

use pledger_core::when::Day;
use pledger_core::{Event, Journal, Registry};
use pledger_gen::demo::demo_city;
use pledger_views::FindingCode;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn by_type<'a>(events: &'a [Value], ty: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    events.iter().filter(move |e| e["type"] == ty)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

// ----- (a) valid, in order -----------------------------------------------------

#[test]
fn every_event_is_admitted_in_order() {
    let events = demo_city();
    let mut registry = Registry::new();
    let mut parsed: Vec<Event> = Vec::with_capacity(events.len());
    for (seq, v) in events.iter().enumerate() {
        let e = Event::parse(v).unwrap_or_else(|r| panic!("event {seq} does not parse: {r}\n{v}"));
        let mut journal = Journal::new();
        registry
            .admit(&e, &mut journal)
            .unwrap_or_else(|r| panic!("event {seq} refused: {r}\n{v}"));
        parsed.push(e);
    }
    assert_eq!(registry.next_seq(), events.len() as u64);
}

#[test]
fn ids_are_unique_and_dates_never_decrease() {
    let events = demo_city();
    let ids: BTreeSet<&str> = events.iter().map(|e| s(&e["id"])).collect();
    assert_eq!(ids.len(), events.len());
    for w in events.windows(2) {
        assert!(
            s(&w[0]["occurred_at"]) <= s(&w[1]["occurred_at"]),
            "{} then {}",
            w[0],
            w[1]
        );
    }
    assert_eq!(events[0]["data"]["entity_id"], "changde-gov");
    assert_eq!(events[0]["actor"], "changde-gov");
    let last = s(&events.last().unwrap()["occurred_at"]);
    assert!(last <= "2011-06-30", "nothing after the judging date: {last}");
}

// ----- (b) deterministic ---------------------------------------------------------

#[test]
fn the_scenario_is_deterministic() {
    let a = demo_city();
    let b = demo_city();
    assert_eq!(a, b);
    let text = |v: &[Value]| v.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n");
    assert_eq!(text(&a), text(&b));
}

// ----- (c) scale -----------------------------------------------------------------

#[test]
fn the_city_has_the_scale_of_issue_3() {
    let events = demo_city();
    let entities: Vec<&Value> = by_type(&events, "entity.registered").map(|e| &e["data"]).collect();
    let kind = |k: &str| entities.iter().filter(|d| d["kind"] == k).count();
    let county_parks = entities
        .iter()
        .filter(|d| d["kind"] == "park" && s(&d["parent"]).ends_with("-county"))
        .count();
    assert!(county_parks >= 8, "{county_parks} county parks");
    assert!(
        entities
            .iter()
            .any(|d| d["kind"] == "park" && d["parent"] == "changde-gov"),
        "a city development zone"
    );
    assert!(kind("auditor") >= 1 && kind("department") >= 10 && kind("county") >= 8);
    assert!(kind("person") >= 20 && kind("enterprise") >= 10 && kind("project") >= 2);

    // The bureaus' yearly quotas: 2 for planning, economic, commerce; 1 for seven others.
    let quotas: BTreeMap<String, BTreeSet<String>> = by_type(&events, "target.assigned")
        .filter(|e| e["data"]["metric"] == "industrial_projects_introduced")
        .fold(BTreeMap::new(), |mut m, e| {
            m.entry(s(&e["data"]["assignee"]).to_string())
                .or_default()
                .insert(s(&e["data"]["threshold"]).to_string());
            m
        });
    assert_eq!(quotas.len(), 10);
    assert_eq!(quotas.values().filter(|q| q.contains("2")).count(), 3);

    // Years 2006–2010 of targets.
    let years: BTreeSet<&str> = by_type(&events, "target.assigned")
        .map(|e| &s(&e["data"]["period"]["from"])[..4])
        .collect();
    for y in ["2006", "2007", "2008", "2009", "2010"] {
        assert!(years.contains(y), "targets for {y}");
    }
    for metric in [
        "new_projects_ge_10m",
        "new_projects_ge_50m",
        "sales_growth_percent",
        "tax_growth_percent",
    ] {
        let n = by_type(&events, "target.assigned")
            .filter(|e| e["data"]["metric"] == metric)
            .count();
        assert!(n >= 40, "{metric}: {n}");
    }

    // All four kinds of source.
    let accounts: HashMap<&str, &Value> = by_type(&events, "account.opened")
        .map(|e| (s(&e["data"]["account_id"]), &e["data"]))
        .collect();
    let sources: Vec<&str> = accounts
        .values()
        .filter(|a| a["kind"] == "source")
        .map(|a| s(&a["name"]))
        .collect();
    for word in ["财政预算", "国家开发银行", "土地出让", "BT"] {
        assert!(sources.iter().any(|n| n.contains(word)), "a {word} source");
    }
    assert!(
        accounts.values().any(|a| a["ceiling"] == "1218000000")
            && accounts.values().any(|a| a["ceiling"] == "600000000")
    );
    let disb: Vec<&Value> = by_type(&events, "fund.disbursed").map(|e| &e["data"]).collect();
    assert!(
        disb.iter()
            .any(|d| d["kind"] == "repayment" && s(&d["to_account"]).starts_with("acct-bt-")),
        "BT repaid"
    );
    assert!(by_type(&events, "fund.received").count() >= 100);
    assert!(by_type(&events, "fund.allocated").count() >= 50);
    // The city's ≥300m a year into the zone's infrastructure account, each county's ≥20m.
    for y in 2006..=2010 {
        let into = |to: &str| -> i128 {
            disb.iter()
                .filter(|d| d["to_account"] == to && s(&d["allocation_id"]).ends_with(&y.to_string()))
                .map(|d| fen(&d["amount"]))
                .sum()
        };
        assert!(into("deshan-infra") >= 300_000_000 * 100, "{y}");
        assert!(into("wuling-park-infra") >= 20_000_000 * 100, "{y}");
    }

    // Every kind of commitment, dozens of them; the other commitment events.
    let kinds: BTreeSet<&str> = by_type(&events, "commitment.made")
        .map(|e| s(&e["data"]["kind"]))
        .collect();
    for k in [
        "land_discount",
        "tax_refund",
        "service_deadline",
        "subsidy",
        "funding",
        "other",
    ] {
        assert!(kinds.contains(k), "a {k} commitment");
    }
    assert!(by_type(&events, "commitment.made").count() >= 24);
    for t in [
        "commitment.condition_met",
        "commitment.fulfilled",
        "commitment.disputed",
        "commitment.breached",
        "commitment.waived",
        "incentive.scheme_set",
        "incentive.paid",
        "incentive.clawed_back",
        "target.revised",
        "target.progress_reported",
        "target.verified",
        "event.voided",
    ] {
        assert!(by_type(&events, t).count() >= 1, "{t}");
    }
    let dues: Vec<&Value> = by_type(&events, "commitment.made").map(|e| &e["data"]["due"]).collect();
    assert!(dues.iter().any(|d| d["within_working_days"] == 1));
    assert!(dues.iter().any(|d| d["within_days"] == 7));
    // The 40/30/30 split.
    for e in by_type(&events, "incentive.scheme_set") {
        let p: Vec<&str> = e["data"]["shares"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| s(&x["percent"]))
            .collect();
        assert_eq!(p, ["40", "30", "30"]);
    }
}

// ----- (d) every finding code, from the real views ---------------------------------

fn codes_at(events: &[Value], now: &str) -> BTreeMap<FindingCode, usize> {
    let facts = pledger_views::facts::from_json(events, None).expect("facts");
    let now = Day::parse(now).unwrap();
    let mut seen = BTreeMap::new();
    for f in pledger_views::findings::all(&facts, now) {
        *seen.entry(f.code).or_insert(0) += 1;
    }
    seen
}

fn assert_all_codes(events: &[Value], now: &str) {
    let seen = codes_at(events, now);
    let missing: Vec<FindingCode> = FindingCode::ALL
        .iter()
        .copied()
        .filter(|c| !seen.contains_key(c))
        .collect();
    assert!(
        missing.is_empty(),
        "judged at {now}: missing finding codes {missing:?}; seen {seen:?}"
    );
}

#[test]
fn every_finding_code_appears_at_2011_06_30() {
    assert_all_codes(&demo_city(), "2011-06-30");
}

#[test]
fn every_finding_code_appears_today() {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .unwrap_or(20_000);
    assert_all_codes(&demo_city(), &civil(days));
}

/// `YYYY-MM-DD` of days since 1970-01-01.
fn civil(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The same calendar date a year on (29 February: the 28th).
fn a_year_after(date: &str) -> String {
    let y: i32 = date[..4].parse().unwrap();
    let md = if &date[5..] == "02-29" { "02-28" } else { &date[5..] };
    format!("{:04}-{md}", y + 1)
}

fn days(date: &str) -> i64 {
    let y: i64 = date[..4].parse().unwrap();
    let m: i64 = date[5..7].parse().unwrap();
    let d: i64 = date[8..10].parse().unwrap();
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

// ----- an independent reading of contract 3.5 -----------------------------------------

/// Amount text in fen.
fn fen(v: &Value) -> i128 {
    let t = s(v);
    let (i, f) = t.split_once('.').unwrap_or((t, ""));
    let f = format!("{f:0<2}");
    i.parse::<i128>().unwrap() * 100 + f.parse::<i128>().unwrap()
}

/// A decimal quantity, scaled by 1000 (enough for the scenario's values).
fn qty(v: &Value) -> i128 {
    let t = s(v);
    let (i, f) = t.split_once('.').unwrap_or((t, ""));
    let f = format!("{f:0<3}");
    i.parse::<i128>().unwrap() * 1000 + f[..3].parse::<i128>().unwrap()
}

struct TaskJudged {
    status: &'static str,
    decided_on: Option<String>,
}

struct Reading<'a> {
    events: Vec<(usize, &'a Value)>,
    now: &'a str,
}

impl<'a> Reading<'a> {
    fn new(all: &'a [Value], now: &'a str) -> Reading<'a> {
        let voided: BTreeSet<u64> = by_type(all, "event.voided")
            .filter_map(|e| e["data"]["seq"].as_u64())
            .collect();
        let events = all
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                !voided.contains(&(*i as u64)) && e["type"] != "event.voided" && s(&e["occurred_at"]) <= now
            })
            .collect();
        Reading { events, now }
    }

    fn of(&self, ty: &'a str) -> impl Iterator<Item = (&'a str, &'a Value)> + '_ {
        self.events
            .iter()
            .filter(move |(_, e)| e["type"] == ty)
            .map(|(_, e)| (s(&e["occurred_at"]), &e["data"]))
    }

    /// The verification deciding `target` at `at`, if any: its day and
    /// whether it says met (against the threshold and period in force at
    /// `at`, by the target's comparator, `>=` or `<=`). Also the end of
    /// the period in force.
    fn decided(&self, target: &str, at: &str) -> (Option<(&'a str, bool)>, String) {
        let Some((_, t)) = self.of("target.assigned").find(|(_, d)| d["target_id"] == target) else {
            return (None, String::new());
        };
        let mut threshold = qty(&t["threshold"]);
        let mut to = s(&t["period"]["to"]).to_string();
        for (_, r) in self
            .of("target.revised")
            .filter(|(day, d)| d["target_id"] == target && *day <= at)
        {
            if !r["threshold"].is_null() {
                threshold = qty(&r["threshold"]);
            }
            if !r["period"].is_null() {
                to = s(&r["period"]["to"]).to_string();
            }
        }
        let at_most = t["comparator"] == "<=";
        let deciding = self
            .of("target.verified")
            .filter(|(day, d)| d["target_id"] == target && *day <= at && s(&d["as_of"]) >= to.as_str())
            .max_by_key(|(day, d)| (s(&d["as_of"]), *day))
            .map(|(day, d)| {
                let v = qty(&d["value"]);
                (day, if at_most { v <= threshold } else { v >= threshold })
            });
        (deciding, to)
    }

    /// Target status at `at`: Some(true) met, Some(false) missed, None
    /// undecided.
    fn met(&self, target: &str, at: &str) -> Option<bool> {
        self.decided(target, at).0.map(|(_, met)| met)
    }

    /// A yearly task judged at `at` as contract 3.7 words it: `None` when
    /// it was not set by then.
    fn task(&self, task_id: &str, at: &str) -> Option<TaskJudged> {
        let (_, t) = self
            .of("assessment.task_set")
            .find(|(day, d)| d["task_id"] == task_id && *day <= at)?;
        let mut score = 0;
        let mut missed_vetoes: Vec<&str> = Vec::new();
        let mut deciders: Vec<&str> = Vec::new();
        let mut open = at <= s(&t["period"]["to"]);
        let mut all_decided = true;
        for item in t["items"].as_array().unwrap() {
            let (deciding, to) = self.decided(s(&item["target_id"]), at);
            match deciding {
                Some((day, met)) => {
                    deciders.push(day);
                    if met {
                        score += qty(&item["weight"]);
                    } else if item["veto"] == true {
                        missed_vetoes.push(day);
                    }
                }
                None => {
                    all_decided = false;
                    open |= at <= to.as_str();
                }
            }
        }
        let (status, decided_on) = if !missed_vetoes.is_empty() {
            ("failed", missed_vetoes.iter().min().copied())
        } else if open {
            ("open", None)
        } else if all_decided {
            let passed = score >= qty(&t["pass_score"]);
            (if passed { "passed" } else { "failed" }, deciders.iter().max().copied())
        } else {
            ("undecided", None)
        };
        Some(TaskJudged {
            status,
            decided_on: decided_on.map(str::to_string),
        })
    }

    fn findings(&self) -> BTreeMap<&'static str, BTreeSet<String>> {
        let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
        let mut add = |code: &'static str, subject: &str| {
            out.entry(code).or_default().insert(subject.to_string());
        };
        let now = self.now;

        // Funds.
        let accounts: HashMap<&str, &Value> = self
            .of("account.opened")
            .map(|(_, d)| (s(&d["account_id"]), d))
            .collect();
        let receipts: HashMap<&str, &str> = self
            .of("fund.received")
            .map(|(day, d)| (s(&d["disbursement_id"]), day))
            .collect();
        let mut balance: HashMap<&str, i128> = HashMap::new();
        let mut drawn: HashMap<&str, i128> = HashMap::new();
        let mut against: HashMap<&str, i128> = HashMap::new();
        let mut paying: HashMap<&str, i128> = HashMap::new();
        let mut repaid: HashMap<&str, i128> = HashMap::new();
        // Per account: the first day money came in, the last day it paid out.
        let mut first_in: HashMap<&str, &str> = HashMap::new();
        let mut last_out: HashMap<&str, &str> = HashMap::new();
        for (day, d) in self.of("fund.disbursed") {
            let (from, to, amount) = (s(&d["from_account"]), s(&d["to_account"]), fen(&d["amount"]));
            first_in.entry(to).or_insert(day);
            last_out.insert(from, day);
            if accounts[from]["kind"] != "source" {
                let b = balance.entry(from).or_default();
                *b -= amount;
                if *b < 0 {
                    add("overdraft", from);
                }
            }
            *balance.entry(to).or_default() += amount;
            let drawn = drawn.entry(from).or_default();
            *drawn += amount;
            if let Some(c) = accounts[from]["ceiling"].as_str() {
                if *drawn > fen(&Value::from(c)) {
                    add("over_ceiling", from);
                }
            }
            if let Some(a) = d["allocation_id"].as_str() {
                *against.entry(a).or_default() += amount;
            }
            if accounts[to]["kind"] == "internal" {
                let late = match receipts.get(s(&d["disbursement_id"])) {
                    Some(r) => days(r) - days(day) > 30,
                    None => days(now) - days(day) > 30,
                };
                if late {
                    add("unconfirmed_disbursement", s(&d["disbursement_id"]));
                }
            }
            if let Some(e) = accounts[from]["earmark"].as_str() {
                if d["category"].as_str() != Some(e) {
                    add("earmark_breach", s(&d["disbursement_id"]));
                }
            }
            if let Some(c) = d["commitment_id"].as_str() {
                if d["kind"] == "repayment" {
                    *repaid.entry(c).or_default() += amount;
                } else {
                    *paying.entry(c).or_default() += amount;
                }
            }
        }
        for (_, a) in self.of("fund.allocated") {
            if against.get(s(&a["allocation_id"])).copied().unwrap_or(0) > fen(&a["amount"]) {
                add("over_allocation", s(&a["allocation_id"]));
            }
        }
        // Money held in an internal account that paid nothing out for more
        // than 730 days (from its last payment out, else its first money in).
        for (id, a) in &accounts {
            if a["kind"] != "internal" || balance.get(id).copied().unwrap_or(0) <= 0 {
                continue;
            }
            if let Some(since) = last_out.get(id).or(first_in.get(id)) {
                if days(now) - days(since) > 730 {
                    add("idle_balance", id);
                }
            }
        }

        // Projects (format 2.2): every claim or verification of a counting
        // target against the register as of its `as_of`; land not built on.
        let signed: HashMap<&str, &Value> = self
            .of("project.signed")
            .map(|(_, d)| (s(&d["project_id"]), d))
            .collect();
        let mut reports: HashMap<&str, Vec<&Value>> = HashMap::new();
        for (_, r) in self.of("project.stage_reported") {
            reports.entry(s(&r["project_id"])).or_default().push(r);
        }
        for rs in reports.values_mut() {
            rs.sort_by_key(|r| s(&r["as_of"]));
        }
        let rank = |stage: &str| match stage {
            "signed" => Some(0),
            "started" => Some(1),
            "producing" => Some(2),
            _ => None,
        };
        let qualifies = |p: &str, counts: &Value, (from, to): (&str, &str), d: &str| -> bool {
            let Some(sig) = signed.get(p) else { return false };
            if s(&sig["signed_on"]) > d {
                return false;
            }
            let rs: &[&Value] = reports.get(p).map_or(&[], Vec::as_slice);
            let want = rank(s(&counts["stage"])).unwrap();
            let first = if want == 0 {
                Some(s(&sig["signed_on"]))
            } else {
                rs.iter()
                    .find(|r| rank(s(&r["stage"])).is_some_and(|o| o >= want))
                    .map(|r| s(&r["as_of"]))
            };
            if !first.is_some_and(|f| f <= d && f >= from && f <= to) {
                return false;
            }
            let then = rs
                .iter()
                .rev()
                .find(|r| s(&r["as_of"]) <= d)
                .map_or("signed", |r| s(&r["stage"]));
            let in_place = rs
                .iter()
                .rev()
                .filter(|r| s(&r["as_of"]) <= d)
                .find_map(|r| r["investment_in_place"].as_str())
                .map_or(0, |a| fen(&Value::from(a)));
            rank(then).is_some()
                && counts["min_investment"]
                    .as_str()
                    .map_or(true, |m| in_place >= fen(&Value::from(m)))
        };
        let mut listed: BTreeMap<&str, BTreeMap<&str, (&Value, String, String)>> = BTreeMap::new();
        for (_, t) in self.of("target.assigned").filter(|(_, t)| !t["counts"].is_null()) {
            let id = s(&t["target_id"]);
            let (mut from, mut to) = (s(&t["period"]["from"]).to_string(), s(&t["period"]["to"]).to_string());
            for (_, r) in self
                .of("target.revised")
                .filter(|(_, d)| d["target_id"] == id && !d["period"].is_null())
            {
                from = s(&r["period"]["from"]).to_string();
                to = s(&r["period"]["to"]).to_string();
            }
            let records = self
                .of("target.progress_reported")
                .chain(self.of("target.verified"))
                .filter(|(_, d)| d["target_id"] == id);
            for (_, r) in records {
                let list: Vec<&str> = r["projects"].as_array().into_iter().flatten().map(s).collect();
                if qty(&r["value"]) != list.len() as i128 * 1000 {
                    add("count_mismatch", id);
                }
                for p in list {
                    if !qualifies(p, &t["counts"], (&from, &to), s(&r["as_of"])) {
                        add("counted_not_qualifying", &format!("{id}/{p}"));
                    }
                    listed.entry(p).or_default().insert(id, (t, from.clone(), to.clone()));
                }
            }
        }
        for (p, targets) in &listed {
            let list: Vec<_> = targets.values().collect();
            for (i, (a, a_from, a_to)) in list.iter().enumerate() {
                for (b, b_from, b_to) in &list[i + 1..] {
                    if a["metric"] == b["metric"] && a["assignee"] != b["assignee"] && a_from <= b_to && b_from <= a_to
                    {
                        add("project_double_counted", p);
                    }
                }
            }
        }
        for (p, sig) in &signed {
            let Some(agreed) = sig["land"]["agreed_start"].as_str() else {
                continue;
            };
            let started_by = |d: &str| {
                reports
                    .get(p)
                    .into_iter()
                    .flatten()
                    .any(|r| matches!(s(&r["stage"]), "started" | "producing") && s(&r["as_of"]) <= d)
            };
            let one = a_year_after(agreed);
            let two = a_year_after(&one);
            if now > one.as_str() && !started_by(&one) {
                add("land_idle", p);
                if now > two.as_str() && !started_by(&two) {
                    add("land_idle", &format!("{p}:reclaimable"));
                }
            }
        }

        // Targets.
        let mut runs: BTreeMap<(String, String), Vec<(String, bool)>> = BTreeMap::new();
        for (_, t) in self.of("target.assigned") {
            let id = s(&t["target_id"]);
            let claim = self
                .of("target.progress_reported")
                .filter(|(_, d)| d["target_id"] == id)
                .max_by_key(|(day, d)| (s(&d["as_of"]), *day));
            let verified = self
                .of("target.verified")
                .filter(|(_, d)| d["target_id"] == id)
                .max_by_key(|(day, d)| (s(&d["as_of"]), *day));
            if let (Some((_, c)), Some((_, v))) = (claim, verified) {
                if c["as_of"] == v["as_of"] && qty(&c["value"]) > qty(&v["value"]) {
                    add("overstated_claim", id);
                }
            }
            if self
                .of("target.revised")
                .any(|(day, d)| d["target_id"] == id && day > s(&t["period"]["to"]))
            {
                add("target_revised_after_period", id);
            }
            if let Some(met) = self.met(id, now) {
                runs.entry((s(&t["assignee"]).into(), s(&t["metric"]).into()))
                    .or_default()
                    .push((s(&t["period"]["from"]).into(), met));
            }
        }
        for ((assignee, metric), mut periods) in runs {
            periods.sort();
            let mut run = 0;
            for (_, met) in periods {
                run = if met { 0 } else { run + 1 };
                if run >= 2 {
                    add("consecutive_misses", &format!("{assignee}/{metric}"));
                }
            }
        }
        for (_, v) in self.of("target.verified") {
            if v["evidence"].is_null() {
                add("missing_evidence", s(&v["target_id"]));
            }
        }

        // Incentives.
        let schemes: HashMap<&str, &Value> = self
            .of("incentive.scheme_set")
            .map(|(_, d)| (s(&d["scheme_id"]), d))
            .collect();
        let clawed: HashMap<&str, i128> = self.of("incentive.clawed_back").fold(HashMap::new(), |mut m, (_, d)| {
            *m.entry(s(&d["payout_id"])).or_default() += fen(&d["amount"]);
            m
        });
        let mut per_role: HashMap<(&str, &str), i128> = HashMap::new();
        let mut per_scheme: HashMap<&str, i128> = HashMap::new();
        for (day, p) in self.of("incentive.paid") {
            let scheme = schemes[s(&p["scheme_id"])];
            let net = fen(&p["amount"]) - clawed.get(s(&p["payout_id"])).copied().unwrap_or(0);
            *per_role.entry((s(&p["scheme_id"]), s(&p["role"]))).or_default() += net;
            *per_scheme.entry(s(&p["scheme_id"])).or_default() += net;
            if let Some(task) = scheme["task_id"].as_str() {
                if self.task(task, day).map(|t| t.status) != Some("passed") {
                    add("reward_for_failed_task", s(&p["payout_id"]));
                }
            } else if self.met(s(&scheme["target_id"]), day) != Some(true) {
                add("paid_without_met_target", s(&p["payout_id"]));
            }
            if p["evidence"].is_null() {
                add("missing_evidence", s(&p["payout_id"]));
            }
        }
        for ((scheme, role), paid) in &per_role {
            let sc = schemes[scheme];
            let share = sc["shares"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["role"] == *role)
                .unwrap();
            if *paid * 100 > fen(&sc["total"]) * qty(&share["percent"]) / 1000 {
                add("share_exceeded", &format!("{scheme}/{role}"));
            }
        }
        for (scheme, paid) in &per_scheme {
            if *paid > fen(&schemes[scheme]["total"]) {
                add("scheme_overpaid", scheme);
            }
        }
        // pledger's own addition: more clawed back from a payout than it paid.
        for (_, p) in self.of("incentive.paid") {
            let id = s(&p["payout_id"]);
            if clawed.get(id).copied().unwrap_or(0) > fen(&p["amount"]) {
                add("clawback_exceeds_payout", id);
            }
        }

        // Commitments.
        for (_, c) in self.of("commitment.made") {
            let id = s(&c["commitment_id"]);
            let steps = |ty: &'a str| self.of(ty).filter(move |(_, d)| d["commitment_id"] == id);
            let fulfilled = steps("commitment.fulfilled").next();
            let condition_met = |cond: &Value, at: &str| -> Option<String> {
                if let Some(t) = cond["target_id"].as_str() {
                    return (self.met(t, at) == Some(true)).then(|| at.to_string());
                }
                steps("commitment.condition_met")
                    .find(|(day, d)| d["condition_id"] == cond["condition_id"] && *day <= at)
                    .map(|(day, _)| day.to_string())
            };
            let conditions: Vec<&Value> = c["conditions"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            if steps("commitment.disputed").next().is_some() {
                add("commitment_disputed", id);
            }
            let closed = steps("commitment.waived").next().is_some()
                || steps("commitment.breached").next().is_some()
                || steps("commitment.disputed").next().is_some();
            let due: Option<i64> = match &c["due"] {
                Value::String(d) => Some(days(&d[..10])),
                Value::Object(r) => {
                    let after = conditions
                        .iter()
                        .find(|x| Some(&x["condition_id"]) == r.get("after"))
                        .unwrap();
                    condition_met(after, now).map(|met| {
                        let start = days(&met);
                        if let Some(n) = r.get("within_days").and_then(Value::as_i64) {
                            start + n
                        } else {
                            let (mut z, mut left) =
                                (start, r.get("within_working_days").and_then(Value::as_i64).unwrap());
                            while left > 0 {
                                z += 1;
                                if (z + 4).rem_euclid(7) % 6 != 0 {
                                    left -= 1;
                                }
                            }
                            z
                        }
                    })
                }
                _ => None,
            };
            if fulfilled.is_none() && !closed && due.is_some_and(|d| d < days(now)) {
                add("commitment_overdue", id);
            }
            if let Some((day, f)) = fulfilled {
                if f["evidence"].is_null() {
                    add("missing_evidence", id);
                }
                if !c["amount"].is_null() && !paying.contains_key(id) {
                    add("fulfilled_without_payment", id);
                }
                if conditions.iter().any(|x| condition_met(x, day).is_none()) {
                    add("fulfilled_before_conditions", id);
                }
                let amount = f["amount"]
                    .as_str()
                    .or(c["amount"].as_str())
                    .map(|a| fen(&Value::from(a)));
                for t in c["clawback_targets"].as_array().into_iter().flatten() {
                    let t = s(t);
                    if self.met(t, now) == Some(false) {
                        let (_, tgt) = self.of("target.assigned").find(|(_, d)| d["target_id"] == t).unwrap();
                        let (_, v) = self
                            .of("target.verified")
                            .filter(|(_, d)| d["target_id"] == t)
                            .max_by_key(|(day, d)| (s(&d["as_of"]), *day))
                            .unwrap();
                        let (thr, got) = (qty(&tgt["threshold"]), qty(&v["value"]));
                        let due_back =
                            amount.unwrap_or(0) * (thr - got.min(thr)) / thr - repaid.get(id).copied().unwrap_or(0);
                        if due_back > 0 {
                            add("clawback_due", &format!("{id}={}", due_back));
                        }
                    }
                }
            }
            if let Some(a) = c["amount"].as_str() {
                if paying.get(id).copied().unwrap_or(0) > fen(&Value::from(a)) {
                    add("commitment_overpaid", id);
                }
            }
        }

        // Yearly tasks (3.7): runs of failures per assignee in the order of
        // period.to; the consequences due and whether a sanction followed
        // within 90 days of decided_on; sanctions over passed tasks.
        let mut per_assignee: BTreeMap<&str, Vec<(&str, &str, &str, &Value)>> = BTreeMap::new();
        for (_, t) in self.of("assessment.task_set") {
            per_assignee.entry(s(&t["assignee"])).or_default().push((
                s(&t["period"]["to"]),
                s(&t["period"]["from"]),
                s(&t["task_id"]),
                t,
            ));
        }
        let sanctions: Vec<(&str, &Value)> = self.of("sanction.imposed").collect();
        for (assignee, mut tasks) in per_assignee {
            tasks.sort_by_key(|(to, from, id, _)| (*to, *from, *id));
            let mut run = 0;
            for (_, _, id, t) in tasks {
                let judged = self.task(id, now).unwrap();
                match judged.status {
                    "failed" => run += 1,
                    "passed" => run = 0,
                    _ => continue,
                }
                if run >= 2 {
                    add("consecutive_failures", assignee);
                }
                if judged.status != "failed" {
                    continue;
                }
                let decided = judged.decided_on.unwrap();
                let mut kinds: Vec<&str> = t["consequences"]["on_fail"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(s)
                    .collect();
                let again = &t["consequences"]["on_consecutive_fail"];
                if again["count"].as_u64().is_some_and(|n| run as u64 >= n) {
                    kinds.extend(again["kinds"].as_array().unwrap().iter().map(s));
                }
                let due_by = days(&decided) + 90;
                for kind in kinds {
                    let first = sanctions
                        .iter()
                        .filter(|(_, d)| d["task_id"] == id && d["kind"] == kind)
                        .map(|(day, _)| days(day))
                        .min();
                    if days(now) > due_by && !matches!(first, Some(f) if f <= due_by) {
                        add("sanction_not_imposed", &format!("{id}/{kind}"));
                    }
                }
            }
        }
        for (day, d) in &sanctions {
            if let Some(task) = d["task_id"].as_str() {
                if self.task(task, day).is_some_and(|t| t.status == "passed") {
                    add("sanction_without_basis", s(&d["sanction_id"]));
                }
            }
        }
        out
    }
}

#[test]
fn plants_trigger_each_rule_as_the_contract_words_it() {
    let events = demo_city();
    for now in ["2011-06-30", "2026-01-01"] {
        let found = Reading::new(&events, now).findings();
        let set = |code: &str| found.get(code).cloned().unwrap_or_default();
        let missing: Vec<FindingCode> = FindingCode::ALL
            .iter()
            .copied()
            .filter(|c| set(c.as_str()).is_empty())
            .collect();
        assert!(missing.is_empty(), "at {now}: no {missing:?}; found {found:#?}");
        // The reading knows every code of the list.
        let unknown: Vec<&&str> = found.keys().filter(|k| FindingCode::parse(k).is_none()).collect();
        assert!(
            unknown.is_empty(),
            "the reading raises codes the views do not know: {unknown:?}"
        );

        // Each plant, and nothing else, where the rule is crisp.
        let only = |code: &str, want: &[&str]| {
            let got: Vec<String> = set(code).into_iter().collect();
            assert_eq!(got, want, "{code} at {now}");
        };
        only("overdraft", &["anxiang-park-infra"]);
        only("over_ceiling", &["cdb-credit-city"]);
        only("over_allocation", &["alloc-shimen-2009"]);
        only("unconfirmed_disbursement", &["disb-land-hanshou-2010"]);
        only("overstated_claim", &["jinshi-2008-ge10m", "t-huaxin-invest"]);
        only("target_revised_after_period", &["linli-2009-tax"]);
        only(
            "consecutive_misses",
            &[
                "city-science/industrial_projects_introduced",
                "jinshi-park/new_projects_ge_10m",
                "shimen-park/tax_growth_percent",
            ],
        );
        only(
            "share_exceeded",
            &[
                "scheme-deshan-2009/contributors",
                "scheme-dingcheng-2007/county_leaders",
            ],
        );
        only("scheme_overpaid", &["scheme-deshan-2009"]);
        only("commitment_disputed", &["c-tr-01"]);
        only("fulfilled_without_payment", &["c-sub-03"]);
        only("fulfilled_before_conditions", &["c-ld-03"]);
        only("commitment_overpaid", &["c-sub-01", "c-sub-02"]);
        only("earmark_breach", &["exp-deshan-2009-office"]);
        only(
            "missing_evidence",
            &["c-sub-06", "city-labour-2009-projects", "pay-wuling-2006-5"],
        );
        // 8m × (300m − 120m) / 300m − 2m repaid = 2.8m.
        only("clawback_due", &["c-ld-01=280000000"]);
        // 50k, then the full 150k, back from a 150k payout.
        only("clawback_exceeds_payout", &["pay-deshan-2010-4"]);
        // Yearly tasks: 石门 failed 2009 and 2010 (its award eligibility
        // never taken away); 津市 and the science bureau failed two years
        // running too, with every consequence imposed.
        only("consecutive_failures", &["city-science", "jinshi-park", "shimen-park"]);
        only("sanction_not_imposed", &["task-shimen-2010/award_disqualified"]);
        // 武陵 criticised for its sales growth, though its 2008 task passed.
        only("sanction_without_basis", &["sanc-wuling-2008-criticism"]);
        // 鼎城's 2009 task was vetoed (a serious accident); its reward paid.
        only(
            "reward_for_failed_task",
            &[
                "pay-task-dingcheng-2009-1",
                "pay-task-dingcheng-2009-2",
                "pay-task-dingcheng-2009-3",
                "pay-task-dingcheng-2009-4",
                "pay-task-dingcheng-2009-5",
            ],
        );
        // The project register (format 2.2): 临澧 counts its 2008 project
        // again for 2009 and 桃源 a project only signed; the zone's 2010
        // mid-year report gives 4 and names 3; 沅澧机电 counted by 鼎城
        // and 武陵; 洞庭水产 started late, 宏达化纤 never (reclaimable).
        only(
            "counted_not_qualifying",
            &["linli-2009-ge50m/prj-ll-yongxing2", "taoyuan-2010-ge50m/prj-ty-lvjian"],
        );
        only("count_mismatch", &["deshan-2010-ge50m"]);
        only("project_double_counted", &["prj-dc-yuanli"]);
        only(
            "land_idle",
            &["prj-js-hongda", "prj-js-hongda:reclaimable", "prj-lx-dongting"],
        );
        // 安乡's incubator fund, idle since April 2008; later every account
        // falls idle, the ledger ending in 2011.
        if now == "2011-06-30" {
            only("idle_balance", &["anxiang-park-incubator"]);
        } else {
            assert!(set("idle_balance").contains("anxiang-park-incubator"));
        }
        let overdue = set("commitment_overdue");
        for c in ["c-sd-04", "c-sub-08", "c-fd-hanshou"] {
            assert!(overdue.contains(c), "{c} overdue at {now}: {overdue:?}");
        }
        let unearned = set("paid_without_met_target");
        assert!(
            unearned.iter().any(|p| p.starts_with("pay-jinshi-2008-")),
            "{unearned:?}"
        );
        assert!(
            unearned.iter().any(|p| p.starts_with("pay-taoyuan-2010-")),
            "{unearned:?}"
        );
        assert!(unearned
            .iter()
            .all(|p| p.starts_with("pay-jinshi-2008-") || p.starts_with("pay-taoyuan-2010-")));
    }
}

// ----- (e) the yearly tasks, from the real assessment view ----------------------------

#[test]
fn the_yearly_tasks_are_judged_ranked_and_sanctioned_as_planted() {
    use pledger_views::assessment::{report, ConsequenceStatus as C, TaskRow, TaskStatus as S};

    let events = demo_city();
    let facts = pledger_views::facts::from_json(&events, None).expect("facts");
    let r = report(&facts, Day::parse("2011-06-30").unwrap());
    let year = |t: &TaskRow| t.period.from.to_string()[..4].to_string();
    let points = |t: &TaskRow| t.score.parse::<u32>().unwrap();

    // Every group has its tasks for each year 2007–2010, and nothing else.
    let mut groups: BTreeMap<(String, String), Vec<&TaskRow>> = BTreeMap::new();
    for t in &r.tasks {
        groups.entry((t.group.clone(), year(t))).or_default().push(t);
    }
    for (group, units) in [("county_parks", 9), ("development_zones", 1), ("city_departments", 10)] {
        for y in ["2007", "2008", "2009", "2010"] {
            let n = groups.get(&(group.to_string(), y.to_string())).map_or(0, Vec::len);
            assert_eq!(n, units, "{group} {y}");
        }
    }
    assert_eq!(groups.len(), 12, "{:?}", groups.keys().collect::<Vec<_>>());

    // Ranks within each (group, period): competition ranking by score.
    let mut ties = 0;
    for ((group, y), tasks) in &groups {
        for t in tasks {
            let higher = tasks.iter().filter(|o| points(o) > points(t)).count();
            assert_eq!(
                (t.rank, t.of),
                (higher + 1, tasks.len()),
                "{} in {group} {y}",
                t.task_id
            );
        }
        let mut ranks: Vec<usize> = tasks.iter().map(|t| t.rank).collect();
        ranks.dedup();
        ties += tasks.len() - ranks.len();
    }
    assert!(ties > 0, "some units share a rank");

    // Decided, with a real mix in the county parks every year.
    for t in &r.tasks {
        assert_ne!(t.status, S::Open, "{} is decided by 2011-06-30", t.task_id);
    }
    let undecided: Vec<&str> = r
        .tasks
        .iter()
        .filter(|t| t.status == S::Undecided)
        .map(|t| t.task_id.as_str())
        .collect();
    assert_eq!(undecided, ["task-anxiang-2010", "task-taoyuan-2010"]);
    for y in ["2007", "2008", "2009", "2010"] {
        let parks = &groups[&("county_parks".to_string(), y.to_string())];
        assert!(parks.iter().any(|t| t.status == S::Passed), "a park passed {y}");
        assert!(parks.iter().any(|t| t.status == S::Failed), "a park failed {y}");
        let scores: BTreeSet<u32> = parks.iter().map(|t| points(t)).collect();
        assert!(scores.len() >= 3, "{y}: {scores:?}");
    }
    let vetoed: Vec<&str> = r
        .tasks
        .iter()
        .filter(|t| t.vetoed)
        .map(|t| t.task_id.as_str())
        .collect();
    assert_eq!(vetoed, ["task-city-land-2010", "task-dingcheng-2009"]);
    assert_eq!(r.tasks.iter().filter(|t| t.status == S::Failed).count(), 11);

    let task = |id: &str| r.tasks.iter().find(|t| t.task_id == id).unwrap();
    let expect = [
        ("task-linli-2007", S::Failed, 70, 1),
        ("task-jinshi-2008", S::Failed, 70, 1),
        ("task-anxiang-2008", S::Failed, 70, 1),
        ("task-wuling-2008", S::Passed, 80, 0),
        ("task-jinshi-2009", S::Failed, 55, 2),
        ("task-shimen-2009", S::Failed, 45, 1),
        ("task-dingcheng-2009", S::Failed, 90, 1),
        // 临澧's tax target lowered after the year: the task passes.
        ("task-linli-2009", S::Passed, 100, 0),
        ("task-shimen-2010", S::Failed, 75, 2),
        ("task-jinshi-2010", S::Passed, 100, 0),
        ("task-city-science-2008", S::Failed, 10, 2),
        ("task-city-land-2010", S::Failed, 90, 1),
        ("task-deshan-2010", S::Passed, 100, 0),
    ];
    for (id, status, score, run) in expect {
        let t = task(id);
        assert_eq!(
            (t.status, points(t), t.consecutive_failed),
            (status, score, run),
            "{id}"
        );
    }
    assert_eq!(
        task("task-dingcheng-2009").decided_on.unwrap().to_string(),
        "2010-01-20"
    );

    // Every consequence due is imposed, but 石门's award disqualification
    // for 2010; reassignment follows the second failure in a row.
    let mut due = 0;
    for t in r.tasks.iter().filter(|t| t.status == S::Failed) {
        let kinds: Vec<&str> = t.consequences.iter().map(|c| c.kind.as_str()).collect();
        let mut want = vec!["criticism", "award_disqualified"];
        if t.consecutive_failed >= 2 {
            want.push("reassignment");
        }
        assert_eq!(kinds, want, "{}", t.task_id);
        for c in &t.consequences {
            due += 1;
            let planted = t.task_id == "task-shimen-2010" && c.kind.as_str() == "award_disqualified";
            let want = if planted { C::NotImposed } else { C::Imposed };
            assert_eq!(c.status, want, "{} {}", t.task_id, c.kind.as_str());
        }
    }
    assert!(due >= 25, "{due} consequences due");
    for t in r.tasks.iter().filter(|t| t.status != S::Failed) {
        assert!(t.consequences.is_empty(), "{}", t.task_id);
    }

    // The current runs: 石门 failed its last two tasks.
    let run = r.runs.iter().find(|x| x.assignee == "shimen-park").unwrap();
    assert_eq!(run.task_ids, ["task-shimen-2009", "task-shimen-2010"]);
    assert!(r
        .runs
        .iter()
        .all(|x| x.assignee == "shimen-park" || x.consecutive_failed <= 1));

    // The criticism of 武陵 names a task that had passed.
    let sanction = r
        .sanctions
        .iter()
        .find(|x| x.sanction_id == "sanc-wuling-2008-criticism")
        .unwrap();
    assert_eq!(sanction.task_status_then, Some(S::Passed));
    assert!(r
        .sanctions
        .iter()
        .filter(|x| x.sanction_id != "sanc-wuling-2008-criticism")
        .all(|x| x.task_status_then == Some(S::Failed)));
}

// ----- (f) the project register, from the real projects view --------------------------

#[test]
fn the_project_register_is_as_planted() {
    use pledger_views::projects::{report, Stage};

    let events = demo_city();
    let facts = pledger_views::facts::from_json(&events, None).expect("facts");
    let now = Day::parse("2011-06-30").unwrap();
    let r = report(&facts, now);
    let rows: BTreeMap<&str, _> = r.projects.iter().map(|p| (p.project_id.as_str(), p)).collect();
    assert_eq!(rows.len(), 58, "{:?}", rows.keys().collect::<Vec<_>>());
    // The zone and every county park signed projects; each has its
    // investor registered as an enterprise and its entity as a project.
    let hosts: BTreeSet<&str> = r.projects.iter().map(|p| p.host.as_str()).collect();
    assert_eq!(hosts.len(), 10, "{hosts:?}");
    for p in &r.projects {
        assert!(p.name.is_some() && p.investor_name.is_some(), "{}", p.project_id);
    }

    // The counting targets: the parks' ≥50m and the zone's ≥50m and ≥100m
    // counts from 2008; each claim and verification lists projects of the
    // register, as many as its value but for the one planted mismatch.
    let counting: BTreeSet<&str> = by_type(&events, "target.assigned")
        .filter(|e| !e["data"]["counts"].is_null())
        .map(|e| s(&e["data"]["target_id"]))
        .collect();
    assert_eq!(counting.len(), 9 * 3 + 2 * 3);
    for t in &counting {
        assert!(
            t.contains("-2008-") || t.contains("-2009-") || t.contains("-2010-"),
            "{t}"
        );
        assert!(t.ends_with("-ge50m") || t.ends_with("-ge100m"), "{t}");
    }
    let mut listings = 0;
    for e in by_type(&events, "target.progress_reported").chain(by_type(&events, "target.verified")) {
        let d = &e["data"];
        if !counting.contains(s(&d["target_id"])) {
            assert!(d["projects"].is_null(), "{e}");
            continue;
        }
        let list = d["projects"].as_array().unwrap_or_else(|| panic!("no list: {e}"));
        for p in list {
            assert!(
                rows.contains_key(s(p)),
                "{} lists {p}, not in the register",
                d["target_id"]
            );
        }
        listings += list.len();
        let planted = d["target_id"] == "deshan-2010-ge50m" && d["as_of"] == "2010-06-30";
        let value: usize = s(&d["value"]).parse().unwrap();
        assert_eq!(value - usize::from(planted), list.len(), "{e}");
    }
    assert!(listings >= 100, "{listings} listings");

    // Counted rows qualify, but for the planted ones.
    let verdicts = |id: &str| -> Vec<(String, &'static str, bool, Option<&'static str>)> {
        rows[id]
            .counted_by
            .iter()
            .map(|c| (c.target_id.to_string(), c.record, c.qualifies, c.reason))
            .collect()
    };
    let bad: Vec<(&str, String)> = r
        .projects
        .iter()
        .flat_map(|p| {
            p.counted_by
                .iter()
                .filter(|c| !c.qualifies)
                .map(move |c| (p.project_id.as_str(), c.target_id.to_string()))
        })
        .collect();
    assert_eq!(
        bad,
        [
            ("prj-ll-yongxing2", "linli-2009-ge50m".to_string()),
            ("prj-ll-yongxing2", "linli-2009-ge50m".to_string()),
            ("prj-ty-lvjian", "taoyuan-2010-ge50m".to_string()),
            ("prj-ty-lvjian", "taoyuan-2010-ge50m".to_string()),
        ]
    );
    let t = |x: &str| x.to_string();
    assert_eq!(
        verdicts("prj-ll-yongxing2"),
        [
            (t("linli-2008-ge50m"), "claim", true, None),
            (t("linli-2008-ge50m"), "verification", true, None),
            (t("linli-2009-ge50m"), "claim", false, Some("outside_period")),
            (t("linli-2009-ge50m"), "verification", false, Some("outside_period")),
        ]
    );
    assert_eq!(
        verdicts("prj-ty-lvjian"),
        [
            (t("taoyuan-2010-ge50m"), "claim", false, Some("stage_not_reached")),
            (
                t("taoyuan-2010-ge50m"),
                "verification",
                false,
                Some("stage_not_reached")
            ),
        ]
    );
    assert_eq!(rows["prj-ty-lvjian"].stage, Some(Stage::Signed));
    let yuanli: BTreeSet<(String, &str)> = rows["prj-dc-yuanli"]
        .counted_by
        .iter()
        .map(|c| (c.target_id.to_string(), c.assignee.as_str()))
        .collect();
    assert_eq!(
        yuanli,
        BTreeSet::from([
            (t("dingcheng-2009-ge50m"), "dingcheng-park"),
            (t("wuling-2009-ge50m"), "wuling-park"),
        ])
    );
    assert!(rows["prj-dc-yuanli"].counted_by.iter().all(|c| c.qualifies));
    // A stalled, a cancelled and a never-counted project are in the register too.
    assert_eq!(rows["prj-dc-xinglong"].stage, Some(Stage::Stalled));
    assert_eq!(rows["prj-hs-huaxia"].stage, Some(Stage::Cancelled));
    assert!(rows["prj-huaxin-line"].counted_by.is_empty());

    // Idle land: 洞庭水产 (started 17 months late) and 宏达化纤 (never, reclaimable).
    let idle: Vec<(&str, String, bool)> = r
        .projects
        .iter()
        .filter_map(|p| {
            let l = p.land.as_ref()?;
            Some((p.project_id.as_str(), l.idle_since?.to_string(), l.reclaimable))
        })
        .collect();
    assert_eq!(
        idle,
        [
            ("prj-js-hongda", t("2009-07-01"), true),
            ("prj-lx-dongting", t("2010-11-01"), false),
        ]
    );

    // The findings of version 2's project and idle-money rules, exactly.
    let mut found: BTreeMap<FindingCode, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for f in pledger_views::findings::all(&facts, now) {
        found
            .entry(f.code)
            .or_default()
            .push((f.date.to_string(), f.subjects.clone()));
    }
    let sorted = |code: FindingCode| {
        let mut v = found.get(&code).cloned().unwrap_or_default();
        v.sort();
        v
    };
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    assert_eq!(
        sorted(FindingCode::CountedNotQualifying),
        [
            (
                t("2010-01-11"),
                v(&["linli-2009-ge50m", "prj-ll-yongxing2", "linli-park"])
            ),
            (
                t("2010-01-25"),
                v(&["linli-2009-ge50m", "prj-ll-yongxing2", "linli-park"])
            ),
            (
                t("2011-01-10"),
                v(&["taoyuan-2010-ge50m", "prj-ty-lvjian", "taoyuan-park"])
            ),
            (
                t("2011-01-25"),
                v(&["taoyuan-2010-ge50m", "prj-ty-lvjian", "taoyuan-park"])
            ),
        ]
    );
    assert_eq!(
        sorted(FindingCode::CountMismatch),
        [(t("2010-07-12"), v(&["deshan-2010-ge50m", "deshan-zone"]))]
    );
    assert_eq!(
        sorted(FindingCode::ProjectDoubleCounted),
        [(
            t("2010-01-11"),
            v(&["prj-dc-yuanli", "dingcheng-2009-ge50m", "wuling-2009-ge50m"])
        )]
    );
    assert_eq!(
        sorted(FindingCode::LandIdle),
        [
            (t("2009-07-01"), v(&["prj-js-hongda", "CD2008-JS-01", "jinshi-park"])),
            (t("2010-11-01"), v(&["prj-lx-dongting", "CD2009-LX-05", "lixian-park"])),
        ]
    );
    let reclaim: Vec<bool> = pledger_views::findings::all(&facts, now)
        .iter()
        .filter(|f| f.code == FindingCode::LandIdle)
        .map(|f| f.message.contains("taken back"))
        .collect();
    assert_eq!(reclaim.iter().filter(|x| **x).count(), 1, "one parcel is reclaimable");
    assert_eq!(
        sorted(FindingCode::IdleBalance),
        [(t("2010-04-23"), v(&["anxiang-park-incubator", "anxiang-park"]))]
    );
}

#[test]
fn the_void_undoes_a_duplicate_by_its_own_recorder() {
    let events = demo_city();
    let voids: Vec<&Value> = by_type(&events, "event.voided").collect();
    assert_eq!(voids.len(), 1);
    let target = &events[voids[0]["data"]["seq"].as_u64().unwrap() as usize];
    assert_eq!(target["type"], "fund.disbursed");
    assert_eq!(target["actor"], voids[0]["actor"]);
    assert_eq!(target["data"]["disbursement_id"], "disb-deshan-2008-1-dup");
}

/// Every finding of the demo, at its date and years later, is written in
/// English and in Chinese from its facts: no fact a template needs is
/// missing, none is left out of a sentence, and the English one is the
/// finding's `message`.
#[test]
fn every_finding_of_the_demo_is_written_in_english_and_chinese() {
    use pledger_views::messages::render_checked;
    use pledger_views::Lang;
    let events = demo_city();
    let facts = pledger_views::facts::from_json(&events, None).expect("facts");
    for now in ["2011-06-30", "2031-01-01"] {
        let all = pledger_views::findings::all(&facts, Day::parse(now).unwrap());
        assert!(all.len() > 40, "{now}: {} findings", all.len());
        for f in &all {
            let en = render_checked(f.code, &f.facts, Lang::En).unwrap_or_else(|e| panic!("{now}: {e:?}"));
            assert_eq!(en, f.message);
            let zh = render_checked(f.code, &f.facts, Lang::ZhCn).unwrap_or_else(|e| panic!("{now}: {e:?}"));
            assert!(
                zh.contains('元')
                    || !f
                        .facts
                        .0
                        .iter()
                        .any(|(_, v)| matches!(v, pledger_views::Fact::Amount(_))),
                "{zh}"
            );
        }
    }
}
