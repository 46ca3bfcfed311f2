//! The auditor's web console (issue 7) in a real headless Chromium.
//!
//! Loads the demo city into a temporary ledger, serves it with the real
//! `pledger serve`, and drives Debian's `chromium` over the DevTools
//! protocol (the harness in `tests/browser/`, shared with
//! `tests/console_forms.rs`). Every page is loaded and what it shows is
//! compared with the command line's own reports; the "verify here" check is
//! run in the browser, its BLAKE3 compared with the `blake3` crate, and its
//! failure on tampered input checked too. Screenshots of every page are kept
//! under `target/console-screenshots/`.
//!
//! Needs `/usr/bin/chromium` (`apt-get install -y chromium`), or a browser
//! named by `$PLEDGER_CHROMIUM`. With `PLEDGER_SKIP_BROWSER=1` the browser
//! tests are skipped; without either, they fail and say how to install it.

mod browser;

use browser::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// ------------------------------------------------------------- expectations

fn codes(findings: &Value) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for f in findings["findings"].as_array().expect("findings") {
        *m.entry(f["code"].as_str().unwrap().to_string()).or_insert(0) += 1;
    }
    m
}

fn len(v: &Value, key: &str) -> u64 {
    v[key].as_array().unwrap_or_else(|| panic!("no {key} in {v}")).len() as u64
}

struct Expected {
    findings: Value,
    /// The same findings with their sentences in Chinese.
    findings_zh: Value,
    targets: Value,
    commitments: Value,
    funds: Value,
    incentives: Value,
    assessment: Value,
    projects: Value,
    targets_mid: Value,
    commitments_2008: Value,
    findings_2008: Value,
    claim: Value,
    record5: Value,
    records: u64,
    token: String,
}

/// The demo ledger and what the command line says about it.
fn demo() -> (tempfile::TempDir, PathBuf, Expected) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["demo"]);
    pledger(&data, &["checkpoint"]);
    let report = |what: &str| pledger_json(&data, &["report", what, "--format", "json"]);
    let expected = Expected {
        findings: report("findings"),
        findings_zh: pledger_json(&data, &["report", "findings", "--format", "json", "--lang", "zh-CN"]),
        targets: report("targets"),
        commitments: report("commitments"),
        funds: report("funds"),
        incentives: report("incentives"),
        assessment: report("assessment"),
        projects: report("projects"),
        targets_mid: pledger_json(
            &data,
            &["report", "targets", "--as-of", "2009-07-31", "--format", "json"],
        ),
        commitments_2008: pledger_json(
            &data,
            &["report", "commitments", "--as-of", "2008-12-31", "--format", "json"],
        ),
        findings_2008: pledger_json(
            &data,
            &["report", "findings", "--as-of", "2008-12-31", "--format", "json"],
        ),
        claim: pledger_json(&data, &["claim", "jinshi-2008-ge10m", "--format", "json"]),
        record5: serde_json::from_str(
            pledger(&data, &["log", "--from", "5", "--limit", "1", "--format", "json"]).trim(),
        )
        .unwrap(),
        records: pledger(&data, &["log", "--format", "json"]).lines().count() as u64,
        token: pledger(&data, &["token", "add", "city-audit", "--role", "reader"])
            .lines()
            .last()
            .expect("a token")
            .trim()
            .to_string(),
    };
    (dir, data, expected)
}

// ------------------------------------------------------------------ tests

#[test]
fn the_console_in_headless_chromium() {
    let Some(chromium) = chromium() else { return };
    let (_dir, data, x) = demo();
    // Only this run's screenshots.
    let shots = screenshots_dir();
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).expect("create target/console-screenshots");

    {
        let server = Server::start(&data, true);
        let base = server.base.clone();
        let mut b = Browser::launch(&chromium, &["--lang=en-US", "--accept-lang=en-US,en"]);

        findings_page(&mut b, &base, &x);
        commitments_page(&mut b, &base, &x);
        targets_page(&mut b, &base, &x);
        funds_page(&mut b, &base, &x);
        incentives_page(&mut b, &base, &x);
        // Whatever tasks the demo has (none, or its yearly ones).
        assessment_ranking(&mut b, &base, "#/assessment", &x.assessment);
        b.screenshot("assessment-demo");
        // Whatever projects the demo registers (none, or its register).
        projects_rows(&mut b, &base, "#/projects", &x.projects);
        b.screenshot("projects-demo");
        records_pages(&mut b, &base, &x);
        claim_page(&mut b, &base, &x);
        as_of_picker(&mut b, &base, &x);
        verify_here_in_the_browser(&mut b, &base, &x);
        language_switch(&mut b, &base);
        findings_in_both_languages(&mut b, &base, &x);
        b.assert_no_errors("public console");

        // Nothing was fetched from anywhere but the ledger's own server.
        let foreign: Vec<&String> = b
            .requests
            .iter()
            .filter(|u| {
                !u.starts_with(&base) && !u.starts_with("data:") && !u.starts_with("blob:") && *u != "about:blank"
            })
            .collect();
        assert!(foreign.is_empty(), "the console fetched from elsewhere: {foreign:?}");
        assert!(b.requests.iter().any(|u| u.ends_with("/console/app.js")));
        served_assets_are_the_files(&mut b);
        drop(b);

        // The browser's language decides the first language: Chinese.
        let mut zh = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);
        chinese_from_the_browser(&mut zh, &base);
        zh.assert_no_errors("zh-CN console");
    }

    // The assessment page on a ledger of its own: yearly tasks of two
    // groups and three years, a veto, a run of failures, sanctions.
    {
        let (_dir, data) = assessment_ledger();
        // Asked first: the server holds the ledger while it runs.
        let today = pledger_json(&data, &["report", "assessment", "--format", "json"]);
        let mid = pledger_json(
            &data,
            &["report", "assessment", "--as-of", "2010-06-30", "--format", "json"],
        );
        let server = Server::start(&data, true);
        let mut b = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);
        assessment_page(&mut b, &server.base, &today, &mid);
        b.assert_no_errors("assessment page");
    }

    // The project register on a ledger of its own: two parks, four
    // projects (one with idle land), counting targets, their claims and a
    // verification, an idle special account.
    {
        let (_dir, data) = projects_ledger();
        // Asked first: the server holds the ledger while it runs.
        let report = |what: &str| pledger_json(&data, &["report", what, "--format", "json"]);
        let (projects, targets, findings) = (report("projects"), report("targets"), report("findings"));
        let server = Server::start(&data, true);
        let mut b = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);
        projects_page(&mut b, &server.base, &projects, &targets, &findings);
        b.assert_no_errors("projects page");
    }

    // Without --public-reads, the console asks for a token.
    {
        let server = Server::start(&data, false);
        let mut b = Browser::launch(&chromium, &["--lang=en-US"]);
        token_prompt(&mut b, &server.base, &x);
        b.assert_no_errors("token prompt");
    }

    // Last, as it appends to the ledger: since the last audit.
    {
        let recorder = pledger(&data, &["token", "add", "ent-hs-boya", "--role", "recorder"])
            .lines()
            .last()
            .expect("a token")
            .trim()
            .to_string();
        let server = Server::start(&data, true);
        let mut b = Browser::launch(&chromium, &["--lang=en-US", "--accept-lang=en-US,en"]);
        finding_codes_from_the_server(&mut b, &server.base);
        b.assert_no_errors("finding codes from the server");
        drop(b);
        let mut b = Browser::launch(&chromium, &["--lang=en-US", "--accept-lang=en-US,en"]);
        changes_page(&mut b, &server.base, &x, &recorder);
        b.assert_no_errors("since the last audit");
    }
    eprintln!("console screenshots in {}", shots.display());
}

fn findings_page(b: &mut Browser, base: &str, x: &Expected) {
    let want = codes(&x.findings);
    let total = len(&x.findings, "findings");
    assert!(
        want.len() >= 18,
        "the demo shows {} finding codes, expected 18 or more: {want:?}",
        want.len()
    );

    b.open(base, "#/findings");
    b.screenshot("findings");
    assert_eq!(b.eval("document.documentElement.lang"), json!("en"));
    assert_eq!(
        b.count("table[data-table=findings] tbody tr[data-code]"),
        total,
        "one row per finding"
    );
    // Every code of the report has its chip with its count, and its rows.
    for (code, n) in &want {
        let shown = b.eval(&format!(
            "(document.querySelector('.code-chips [data-code={code}]') || {{dataset: {{}}}}).dataset.count"
        ));
        assert_eq!(shown, json!(n.to_string()), "chip count for {code}");
        assert_eq!(
            b.count(&format!("table[data-table=findings] tr[data-code={code}]")),
            *n,
            "rows of {code}"
        );
    }
    // Newest first.
    let dates =
        b.eval("[...document.querySelectorAll('table[data-table=findings] tr[data-date]')].map(r => r.dataset.date)");
    let dates: Vec<&str> = dates.as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "findings are not newest first: {dates:?}"
    );
    // The CSV holds every finding, with a header.
    let csv = b.eval("window.pledgerConsole.csv('findings')");
    let csv = csv.as_str().expect("findings CSV");
    assert!(
        csv.starts_with("\u{feff}date,severity,code,subjects,message,seqs\r\n"),
        "CSV header: {:?}",
        &csv[..80.min(csv.len())]
    );
    assert_eq!(
        csv.matches("\r\n").count() as u64,
        total + 1 + embedded_newlines(&x.findings)
    );

    // Filtered by code, by entity and by date, through the address.
    b.open(base, "#/findings?code=commitment_overdue");
    assert_eq!(
        b.count("table[data-table=findings] tbody tr[data-code]"),
        want["commitment_overdue"]
    );
    b.open(base, "#/findings?entity=jinshi-2008-ge10m");
    let about_jinshi = x.findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["subjects"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s.as_str().unwrap().contains("jinshi-2008-ge10m"))
                || f["message"].as_str().unwrap().contains("jinshi-2008-ge10m")
        })
        .count() as u64;
    assert!(about_jinshi > 0);
    assert_eq!(b.count("table[data-table=findings] tbody tr[data-code]"), about_jinshi);
    b.open(base, "#/findings?from=2009-01-01&to=2009-12-31&sort=serious");
    let in_2009 = x.findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["date"].as_str().unwrap().starts_with("2009"))
        .count() as u64;
    assert_eq!(b.count("table[data-table=findings] tbody tr[data-code]"), in_2009);
    // Most serious first: the severity never rises down the table.
    let sev = b.eval("[...document.querySelectorAll('table[data-table=findings] tbody tr[data-code]')].map(r => Number(r.className.match(/sevrow-(\\d)/)[1]))");
    let sev: Vec<u64> = sev.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert!(sev.windows(2).all(|w| w[0] >= w[1]), "not most serious first: {sev:?}");
    b.screenshot("findings-filtered");

    // A click on a chip filters too.
    b.open(base, "#/findings");
    b.eval("document.querySelector('.code-chips [data-code=paid_without_met_target]').click()");
    b.wait_for(
        &format!(
            "document.querySelectorAll('table[data-table=findings] tbody tr[data-code]').length === {}",
            want["paid_without_met_target"]
        ),
        "the chip's filter",
    );
    assert!(b
        .eval("location.hash")
        .as_str()
        .unwrap()
        .contains("code=paid_without_met_target"));
}

/// Newlines inside CSV cells (quoted), which add to the line count.
fn embedded_newlines(findings: &Value) -> u64 {
    findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().matches('\n').count() as u64)
        .sum()
}

fn commitments_page(b: &mut Browser, base: &str, x: &Expected) {
    let overdue_findings = codes(&x.findings).get("commitment_overdue").copied().unwrap_or(0);
    assert!(overdue_findings > 0, "the demo has overdue commitments");
    let all = len(&x.commitments, "commitments");

    b.open(base, "#/commitments");
    b.screenshot("commitments");
    assert_eq!(b.count("table[data-table=commitments] tbody tr[data-status]"), all);
    let shown = b.count("table[data-table=commitments] tbody tr[data-status=overdue]");
    assert_eq!(
        shown, overdue_findings,
        "overdue commitments shown vs commitment_overdue findings"
    );
    assert_eq!(
        b.eval("document.querySelector('.page.commitments').dataset.overdue"),
        json!(overdue_findings.to_string())
    );
    assert_eq!(
        b.eval("document.querySelector('.status-chips [data-status=overdue]').dataset.count"),
        json!(overdue_findings.to_string())
    );
    // Overdue first.
    let first: Vec<Value> = b
        .eval(&format!("[...document.querySelectorAll('table[data-table=commitments] tbody tr[data-status]')].slice(0, {shown}).map(r => r.dataset.status)"))
        .as_array()
        .unwrap()
        .clone();
    assert!(first.iter().all(|s| s == "overdue"), "overdue first: {first:?}");
    // Parties are shown by name (as /v1/entities has it), their ids beside.
    let entities = b.eval("fetch('/v1/entities').then(r => r.json())");
    let name_of = |id: &str| -> String {
        entities["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .find(|e| e["entity_id"] == id)
            .and_then(|e| e["name"].as_str())
            .unwrap_or_else(|| panic!("no entity {id} in /v1/entities"))
            .to_string()
    };
    let mut chinese_names = 0;
    // Each overdue commitment of the findings is on the page with its due date.
    for f in x.findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "commitment_overdue")
    {
        let id = f["subjects"][0].as_str().unwrap();
        let row = b.text(&format!("tr[data-commitment='{id}']"));
        let c = x.commitments["commitments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["commitment_id"] == id)
            .unwrap();
        assert!(row.contains(c["due"].as_str().unwrap()), "{id}: due date in {row:?}");
        assert!(
            row.contains(c["promisor"].as_str().unwrap()) && row.contains(c["beneficiary"].as_str().unwrap()),
            "{id}: {row:?}"
        );
        let promisor = name_of(c["promisor"].as_str().unwrap());
        assert!(row.contains(&promisor), "{id}: promisor's name {promisor:?} in {row:?}");
        if promisor.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            chinese_names += 1;
        }
    }
    assert!(chinese_names > 0, "a Chinese entity name on the commitments page");
    let csv = b.eval("window.pledgerConsole.csv('commitments')");
    assert!(csv
        .as_str()
        .unwrap()
        .contains("commitment_id,kind,promisor,beneficiary,amount,paid,repaid,due"));
}

fn targets_page(b: &mut Browser, base: &str, x: &Expected) {
    let targets = x.targets["targets"].as_array().unwrap();
    b.open(base, "#/targets");
    b.screenshot("targets");
    assert_eq!(
        b.count("table[data-table=targets] tbody tr[data-target]"),
        targets.len() as u64
    );
    assert_eq!(
        b.count("table[data-table=targets] tbody tr[data-target] .pbar"),
        targets.len() as u64,
        "a progress bar per target"
    );
    let mut by_status = BTreeMap::new();
    for t in targets {
        *by_status.entry(t["status"].as_str().unwrap()).or_insert(0u64) += 1;
    }
    for (status, n) in &by_status {
        assert_eq!(
            b.count(&format!("table[data-table=targets] tr[data-status={status}]")),
            *n,
            "targets {status}"
        );
    }
    // Claimed and verified side by side: the overstated claim of jinshi 2008.
    let row = b.text("tr[data-target=jinshi-2008-ge10m]");
    assert!(
        row.contains('6') && row.contains('4') && row.contains("missed"),
        "jinshi-2008-ge10m: {row:?}"
    );
    assert_eq!(
        b.count("tr[data-target=jinshi-2008-ge10m] .over-claim"),
        1,
        "claimed above verified is marked"
    );

    // Per assignee and year.
    b.open(base, "#/targets?assignee=jinshi-park&year=2008");
    let n = targets
        .iter()
        .filter(|t| {
            t["assignee"] == "jinshi-park"
                && t["period"]["from"].as_str().unwrap().starts_with("2008")
                && t["period"]["to"].as_str().unwrap().starts_with("2008")
        })
        .count() as u64;
    assert!(n > 0);
    assert_eq!(b.count("table[data-table=targets] tbody tr[data-target]"), n);

    // Mid-period, open targets have a trajectory and its colour.
    b.open(base, "#/targets?as_of=2009-07-31");
    b.screenshot("targets-2009-07-31");
    let mut trajectories = BTreeMap::new();
    for t in x.targets_mid["targets"].as_array().unwrap() {
        if let Some(tr) = t["trajectory"].as_str() {
            *trajectories.entry(tr.to_string()).or_insert(0u64) += 1;
        }
    }
    assert!(!trajectories.is_empty(), "targets with a trajectory on 2009-07-31");
    for (tr, n) in &trajectories {
        let sel = format!("table[data-table=targets] tbody tr[data-status=open] .badge[data-trajectory={tr}]");
        assert_eq!(b.count(&sel), *n, "trajectory {tr}");
        assert_eq!(
            b.count(&format!(
                "table[data-table=targets] tbody tr.tone-row-{tr} .pbar.tone-{tr}"
            )),
            *n,
            "colour of {tr}"
        );
    }
}

fn funds_page(b: &mut Browser, base: &str, x: &Expected) {
    let accounts = x.funds["accounts"].as_array().unwrap();
    b.open(base, "#/funds");
    b.screenshot("funds");
    assert_eq!(
        b.count("table[data-table=accounts] tbody tr[data-account]"),
        accounts.len() as u64
    );
    assert_eq!(
        b.count("table[data-table=allocations] tbody tr"),
        len(&x.funds, "allocations")
    );
    // The picture: one node per account that moved money, sources to payees.
    assert_eq!(b.count("svg.sankey"), 1);
    let moved = accounts
        .iter()
        .filter(|a| a["disbursed_in"] != "0.00" || a["disbursed_out"] != "0.00")
        .count() as u64;
    assert_eq!(b.count("svg.sankey .node"), moved);
    assert!(b.count("svg.sankey path.band") > 10);
    for a in accounts
        .iter()
        .filter(|a| a["kind"] == "source" && a["disbursed_out"] != "0.00")
    {
        let id = a["account_id"].as_str().unwrap();
        assert_eq!(
            b.count(&format!("svg.sankey .node.kind-source[data-account='{id}']")),
            1,
            "source {id} drawn"
        );
    }
    // The flows out of each account sum to its disbursed_out (CSV, in fen).
    let csv = b.eval("window.pledgerConsole.csv('flows')");
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for line in csv.as_str().unwrap().trim_start_matches('\u{feff}').lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        *out.entry(cells[0].to_string()).or_insert(0) += fen(cells[2]);
    }
    for a in accounts {
        let id = a["account_id"].as_str().unwrap();
        assert_eq!(
            out.get(id).copied().unwrap_or(0),
            fen(a["disbursed_out"].as_str().unwrap()),
            "flows out of {id}"
        );
    }
    // Balances in the accounts CSV sum to zero.
    let csv = b.eval("window.pledgerConsole.csv('accounts')");
    let csv = csv.as_str().unwrap().trim_start_matches('\u{feff}');
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "balance").expect("balance column");
    let sum: i64 = csv
        .lines()
        .skip(1)
        .map(|l| fen(l.rsplit(',').nth(header.len() - 1 - col).unwrap()))
        .sum();
    assert_eq!(sum, 0, "balances sum to zero");

    // A trace, down and up.
    b.open(base, "#/trace/city-treasury?direction=down");
    b.screenshot("trace-city-treasury");
    assert!(b.count("table[data-table=trace] tbody tr") > 3);
    assert!(
        b.text(".total").contains("1,836,100,480.00"),
        "total of the trace: {}",
        b.text(".total")
    );
}

fn fen(s: &str) -> i64 {
    let s = s.trim().trim_matches('"');
    let (neg, s) = s.strip_prefix('-').map(|r| (true, r)).unwrap_or((false, s));
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    let v = whole.parse::<i64>().unwrap() * 100 + format!("{frac:0<2}").parse::<i64>().unwrap();
    if neg {
        -v
    } else {
        v
    }
}

fn incentives_page(b: &mut Browser, base: &str, x: &Expected) {
    let payouts = x.incentives["payouts"].as_array().unwrap();
    let unearned = payouts.iter().filter(|p| p["target_met"] == false).count() as u64;
    // A payout is highlighted when its target was not met, or, under a
    // scheme on a yearly task, when the task had not passed.
    let code = |c: &str| codes(&x.findings).get(c).copied().unwrap_or(0);
    let findings = code("paid_without_met_target") + code("reward_for_failed_task");
    assert!(unearned > 0);
    b.open(base, "#/incentives");
    b.screenshot("incentives");
    assert_eq!(
        b.count("table[data-table=schemes] tbody tr[data-scheme]"),
        len(&x.incentives, "schemes")
    );
    assert_eq!(
        b.count("table[data-table=payouts] tbody tr[data-payout]"),
        payouts.len() as u64
    );
    assert_eq!(
        b.count("table[data-table=payouts] tr.unearned"),
        unearned,
        "highlighted payouts"
    );
    assert_eq!(
        unearned, findings,
        "highlighted payouts vs paid_without_met_target and reward_for_failed_task findings"
    );
    assert_eq!(
        b.eval("document.querySelector('.page.incentives').dataset.unearned"),
        json!(unearned.to_string())
    );
    // Paid against share per role: the over-paid role is marked.
    let over = x.findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "share_exceeded")
        .count() as u64;
    assert!(b.count("table[data-table=schemes] .role.over") >= over);
    // Only those payouts, on demand.
    b.open(base, "#/incentives?only=unearned");
    assert_eq!(b.count("table[data-table=payouts] tbody tr[data-payout]"), unearned);
}

// ------------------------------------------------------------- assessment

/// A ledger of yearly tasks (format 2.1) appended through the command
/// line: four counties ranked in 2009 and 2010 (one vetoed, one failing
/// both years, one undecided) and two city departments whose 2011 tasks
/// are open; criticism imposed on the county that failed, reassignment not.
fn assessment_ledger() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["init"]);
    let mut events: Vec<Value> = Vec::new();
    let mut ev = |kind: &str, actor: &str, day: &str, data: Value| {
        events.push(json!({"type": kind, "actor": actor, "occurred_at": day, "data": data}));
    };
    ev(
        "entity.registered",
        "city",
        "2009-01-01",
        json!({"entity_id": "city", "kind": "government", "name": "市政府"}),
    );
    ev(
        "entity.registered",
        "city",
        "2009-01-01",
        json!({"entity_id": "aud", "kind": "auditor", "name": "市审计局"}),
    );
    for (id, kind, name) in [
        ("cty-a", "county", "甲县"),
        ("cty-b", "county", "乙县"),
        ("cty-c", "county", "丙县"),
        ("cty-d", "county", "丁县"),
        ("dept-x", "department", "市商务局"),
        ("dept-y", "department", "市发改委"),
    ] {
        ev(
            "entity.registered",
            "city",
            "2009-01-01",
            json!({"entity_id": id, "kind": kind, "name": name, "parent": "city"}),
        );
    }
    // (metric, unit, comparator, threshold, weight, veto)
    let metrics = [
        ("gdp", "percent", ">=", "10", "60", false),
        ("proj", "count", ">=", "3", "40", false),
        ("safe", "count", "<=", "0", "10", true),
    ];
    // The verified values of each task's three targets (None: never verified).
    let tasks: [(&str, u32, [Option<&str>; 3]); 10] = [
        ("cty-a", 2009, [Some("12"), Some("4"), Some("1")]),
        ("cty-b", 2009, [Some("11"), Some("2"), Some("0")]),
        ("cty-c", 2009, [Some("8"), Some("1"), Some("0")]),
        ("cty-d", 2009, [Some("10"), Some("3"), Some("0")]),
        ("cty-a", 2010, [Some("13"), Some("5"), Some("0")]),
        ("cty-b", 2010, [None, Some("3"), Some("0")]),
        ("cty-c", 2010, [Some("7"), Some("3"), Some("0")]),
        ("cty-d", 2010, [Some("10"), Some("2"), Some("0")]),
        ("dept-x", 2011, [None, None, None]),
        ("dept-y", 2011, [None, None, None]),
    ];
    for (unit, year, _) in &tasks {
        let period = json!({"from": format!("{year}-01-01"), "to": format!("{year}-12-31")});
        let mut items = Vec::new();
        for (metric, u, comparator, threshold, weight, veto) in metrics {
            let target = format!("{unit}-{year}-{metric}");
            ev(
                "target.assigned",
                "city",
                &format!("{year}-01-05"),
                json!({"target_id": target, "assignee": unit, "metric": metric, "unit": u, "comparator": comparator,
                       "threshold": threshold, "period": period, "basis": format!("{year}年目标责任书")}),
            );
            let mut item = json!({"target_id": target, "weight": weight});
            if veto {
                item["veto"] = json!(true);
            }
            items.push(item);
        }
        let group = if unit.starts_with("dept") {
            "city_departments"
        } else {
            "county_parks"
        };
        ev(
            "assessment.task_set",
            "city",
            &format!("{year}-01-06"),
            json!({"task_id": format!("task-{unit}-{year}"), "assignee": unit, "period": period, "group": group,
                   "items": items, "pass_score": "60", "basis": format!("{year}年度目标管理责任状"),
                   "consequences": {"on_fail": ["criticism"], "on_consecutive_fail": {"count": 2, "kinds": ["reassignment"]}}}),
        );
    }
    for (unit, year, values) in &tasks {
        for ((metric, ..), value) in metrics.iter().zip(values) {
            if let Some(v) = value {
                ev(
                    "target.verified",
                    "aud",
                    &format!("{}-01-20", year + 1),
                    json!({"target_id": format!("{unit}-{year}-{metric}"), "value": v,
                           "as_of": format!("{year}-12-31"), "evidence": format!("{year}年统计公报")}),
                );
            }
        }
    }
    for year in [2009, 2010] {
        ev(
            "sanction.imposed",
            "city",
            &format!("{}-02-10", year + 1),
            json!({"sanction_id": format!("s-c-{year}"), "subject": "cty-c", "kind": "criticism",
                   "task_id": format!("task-cty-c-{year}"), "basis": "市政府通报"}),
        );
    }
    let file = dir.path().join("tasks.ndjson");
    let text: String = events.iter().map(|e| format!("{e}\n")).collect();
    std::fs::write(&file, text).expect("write the tasks");
    pledger(&data, &["append", file.to_str().expect("a UTF-8 path")]);
    (dir, data)
}

/// Per group and period: (unit id, "rank / of", the unit's name or else its
/// id), in the order listed.
type Ranking = BTreeMap<(String, String), Vec<(String, String, String)>>;

fn ranking_of(report: &Value) -> Ranking {
    let mut m = Ranking::new();
    for t in report["tasks"].as_array().expect("tasks") {
        let s = |k: &str| t[k].as_str().unwrap_or_else(|| panic!("no {k} in {t}")).to_string();
        let period = format!(
            "{}/{}",
            t["period"]["from"].as_str().unwrap(),
            t["period"]["to"].as_str().unwrap()
        );
        let name = t["assignee_name"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| s("assignee"));
        m.entry((s("group"), period))
            .or_default()
            .push((s("assignee"), format!("{} / {}", t["rank"], t["of"]), name));
    }
    m
}

/// Opens `route` and checks that the ranking shown is the report's: per
/// group and period the same units with the same ranks in the same order,
/// each group and period one section under its heading; every task's
/// status, and the vetoed ones marked (and only those).
fn assessment_ranking(b: &mut Browser, base: &str, route: &str, report: &Value) {
    b.open(base, route);
    let tasks = report["tasks"].as_array().expect("tasks");
    let rows = b.eval(
        "[...document.querySelectorAll('table[data-table=assessment] tbody tr[data-task]')].map(r => ({
            task: r.dataset.task, group: r.dataset.group, period: r.dataset.period, assignee: r.dataset.assignee,
            rank: r.querySelector('.rank').innerText.trim(), name: r.querySelector('.party-name').innerText.trim(),
            status: r.dataset.status, badge: r.querySelector('.task-status .badge').dataset.task_status,
            vetoed: r.querySelectorAll('.veto-badge').length }))",
    );
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), tasks.len(), "{route}: one row per task");
    let mut shown = Ranking::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for r in rows {
        let s = |k: &str| r[k].as_str().unwrap_or_else(|| panic!("no {k} in {r}")).to_string();
        let key = (s("group"), s("period"));
        if order.last() != Some(&key) {
            order.push(key.clone());
        }
        shown
            .entry(key)
            .or_default()
            .push((s("assignee"), s("rank"), s("name")));
    }
    assert_eq!(
        shown,
        ranking_of(report),
        "{route}: the ranking shown vs `pledger report assessment`"
    );
    assert_eq!(
        order.len(),
        shown.len(),
        "{route}: each group and period in one section: {order:?}"
    );
    let heads = b.eval(
        "[...document.querySelectorAll('table[data-table=assessment] tbody tr.group .ranking-head')].map(h => [h.dataset.group, h.dataset.period])",
    );
    let heads: Vec<(String, String)> = serde_json::from_value(heads).expect("headings");
    assert_eq!(heads, order, "{route}: a heading per section");
    for t in tasks {
        let id = t["task_id"].as_str().unwrap();
        let r = rows
            .iter()
            .find(|r| r["task"] == id)
            .unwrap_or_else(|| panic!("{route}: no row for {id}"));
        assert_eq!(r["status"], t["status"], "{route}: status of {id}");
        assert_eq!(r["badge"], t["status"], "{route}: status badge of {id}");
        let vetoed = t["vetoed"].as_bool().unwrap();
        assert_eq!(
            r["vetoed"],
            json!(u64::from(vetoed)),
            "{route}: {id} marked vetoed: {vetoed}"
        );
    }
    if tasks.is_empty() {
        assert_eq!(b.count("[data-no-tasks]"), 1, "{route}: says there are no tasks");
    }
}

/// `report` and `mid`: `pledger report assessment` today and as of
/// 2010-06-30.
fn assessment_page(b: &mut Browser, base: &str, report: &Value, mid: &Value) {
    let tasks = report["tasks"].as_array().unwrap().clone();
    assert!(ranking_of(report).len() >= 3, "groups and periods: {report}");

    // In Chinese, from the browser's language.
    assessment_ranking(b, base, "#/assessment", report);
    assert_eq!(b.eval("document.documentElement.lang"), json!("zh-CN"));
    b.screenshot("assessment-zh-CN");
    assert_eq!(b.text("h1"), "考核");
    assert_eq!(b.text("nav a[data-nav=assessment]"), "考核");
    for (status, word) in [
        ("passed", "通过"),
        ("failed", "未通过"),
        ("open", "进行中"),
        ("undecided", "待核定"),
    ] {
        let n = tasks.iter().filter(|t| t["status"] == status).count() as u64;
        assert!(n > 0, "a task {status}");
        let words = b.eval(&format!(
            "[...document.querySelectorAll('tr[data-task][data-status={status}] .task-status .badge')].map(b => b.innerText)"
        ));
        assert_eq!(words, json!(vec![word; n as usize]), "{status} in Chinese");
    }
    assert_eq!(
        b.text("table[data-table=assessment] thead").trim(),
        "名次\t单位\t得分\t状态\t核定日期\t处理",
        "the columns in Chinese"
    );
    // The vetoed task says so, with its score against the pass mark.
    let vetoed = tasks.iter().find(|t| t["vetoed"] == true).expect("a vetoed task");
    let id = vetoed["task_id"].as_str().unwrap();
    let row = format!("tr[data-task='{id}']");
    let text = b.text(&row);
    assert!(text.contains("一票否决") && text.contains("未通过"), "{id}: {text:?}");
    let score = format!(
        "{} / {}",
        vetoed["score"].as_str().unwrap(),
        vetoed["max_score"].as_str().unwrap()
    );
    assert!(text.contains(&score), "{id}: {score} in {text:?}");
    assert_eq!(
        b.count(&format!("{row} .sbar .sbar-pass")),
        1,
        "the pass mark on the bar"
    );
    assert_eq!(b.count(&format!("{row}.vetoed")), 1);
    // Everything in the ranking's CSV, one line per task.
    let csv = b.eval("window.pledgerConsole.csv('assessment')");
    let csv = csv.as_str().expect("the ranking's CSV");
    assert!(
        csv.starts_with(
            "\u{feff}group,period_from,period_to,rank,of,assignee,task_id,score,max_score,pass_score,status,vetoed"
        ),
        "CSV header: {csv:?}"
    );
    assert_eq!(csv.matches("\r\n").count(), tasks.len() + 1);

    // Opened: its items, each with the record that decided it, and the
    // consequences due with their status.
    b.eval(&format!("document.querySelector(\"{row} button.expand\").click()"));
    let detail = format!("tr[data-detail-of='{id}']");
    b.wait_for(&format!("document.querySelector(\"{detail}\")"), "the task opened");
    let items = vetoed["items"].as_array().unwrap();
    assert_eq!(
        b.count(&format!("{detail} table[data-table=task-items] tbody tr[data-target]")),
        items.len() as u64
    );
    for item in items {
        let target = item["target_id"].as_str().unwrap();
        let tr = format!("{detail} tr[data-target='{target}']");
        if let Some(seq) = item["decided_by_seq"].as_u64() {
            assert_eq!(
                b.count(&format!("{tr} a.seq[href='#/records/{seq}']")),
                1,
                "{target}: its record"
            );
        }
        assert_eq!(
            b.text(&tr).contains("否决项"),
            item["veto"] == true,
            "{target}: veto flag"
        );
    }
    let cons = vetoed["consequences"].as_array().unwrap();
    assert!(!cons.is_empty(), "{id}: consequences due");
    for c in cons {
        let (kind, status) = (c["kind"].as_str().unwrap(), c["status"].as_str().unwrap());
        assert_eq!(
            b.count(&format!("{detail} tr[data-kind={kind}][data-consequence={status}]")),
            1,
            "{id}: {kind} {status}"
        );
    }
    if cons.iter().any(|c| c["status"] == "not_imposed") {
        assert!(b.text(&detail).contains("未落实"));
    }
    b.screenshot("assessment-opened-zh-CN");

    // A task whose consequence was imposed, on its own page: the sanction
    // that imposed it, linked to its record.
    let (task, sanction) = tasks
        .iter()
        .find_map(|t| {
            t["consequences"]
                .as_array()
                .unwrap()
                .iter()
                .find_map(|c| c["imposed"].as_array().unwrap().first().cloned())
                .map(|s| (t.clone(), s))
        })
        .expect("a consequence imposed");
    let tid = task["task_id"].as_str().unwrap();
    b.open(base, &format!("#/assessment/{tid}"));
    for (attr, key) in [
        ("status", "status"),
        ("rank", "rank"),
        ("of", "of"),
        ("vetoed", "vetoed"),
    ] {
        let want = match &task[key] {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        assert_eq!(
            b.eval(&format!(
                "document.querySelector('.page.assessment-task').dataset.{attr}"
            )),
            json!(want),
            "{tid}: {attr}"
        );
    }
    let sid = sanction["sanction_id"].as_str().unwrap();
    let seq = sanction["seq"].as_u64().unwrap();
    assert_eq!(
        b.count(&format!(
            ".imposed[data-sanction='{sid}'] a.seq[href='#/records/{seq}']"
        )),
        1,
        "{tid}: imposed by {sid}"
    );
    assert!(b.text("table[data-table=task-consequences]").contains("已落实"));
    b.screenshot("assessment-task-zh-CN");

    // The units that failed two or more times in a row.
    let mut want: Vec<(String, u64)> = report["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["consecutive_failed"].as_u64().unwrap() >= 2)
        .map(|r| {
            (
                r["assignee"].as_str().unwrap().to_string(),
                r["consecutive_failed"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(!want.is_empty(), "a run of failures");
    b.open(base, "#/assessment");
    let shown = b.eval(
        "[...document.querySelectorAll('table[data-table=failure-runs] tbody tr[data-assignee]')].map(r => [r.dataset.assignee, Number(r.dataset.run)])",
    );
    let mut shown: Vec<(String, u64)> = serde_json::from_value(shown).unwrap();
    want.sort();
    shown.sort();
    assert_eq!(shown, want, "failure runs");

    // One year, through the address.
    b.open(base, "#/assessment?year=2009");
    let in_2009 = tasks
        .iter()
        .filter(|t| t["period"]["from"].as_str().unwrap().starts_with("2009"))
        .count() as u64;
    assert_eq!(b.count("table[data-table=assessment] tbody tr[data-task]"), in_2009);

    // Earlier: the 2010 tasks still open, the scope in the address.
    assert_ne!(mid["tasks"], report["tasks"]);
    assessment_ranking(b, base, "#/assessment?as_of=2010-06-30", mid);
    assert_eq!(b.eval("document.getElementById('as-of').value"), json!("2010-06-30"));

    // In English.
    b.open(base, "#/assessment");
    b.eval("document.getElementById('lang-switch').click()");
    b.wait_for(
        "document.documentElement.lang === 'en' && document.body.dataset.state === 'ready'",
        "English",
    );
    assert_eq!(b.text("h1"), "Assessment");
    let text = b.text(&row);
    assert!(text.contains("Vetoed") && text.contains("failed"), "{id}: {text:?}");
    assert_eq!(
        b.text("table[data-table=assessment] thead").trim(),
        "Rank\tUnit\tScore\tStatus\tDecided on\tConsequences"
    );
    b.screenshot("assessment-en");
    b.eval("localStorage.removeItem('pledger.lang')");
}

// ------------------------------------------------------------- projects

/// A ledger of projects (format 2.2) appended through the command line:
/// park A signs a motor plant (started, enough money in place) and a
/// textile mill whose land was never built on (idle, then reclaimable);
/// park B a logistics park (started, then producing) and a warehouse that
/// stalled. Park A's counting target claims three projects and lists two,
/// one not started; the auditor verifies one; park B counts park A's motor
/// plant too. An internal account that never paid out holds money idle.
fn projects_ledger() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["init"]);
    let mut events: Vec<Value> = Vec::new();
    let mut ev = |kind: &str, actor: &str, day: &str, data: Value| {
        events.push(json!({"type": kind, "actor": actor, "occurred_at": day, "data": data}));
    };
    for (id, kind, name, parent) in [
        ("city", "government", "市政府", None),
        ("aud", "auditor", "市审计局", None),
        ("park-a", "park", "甲园区", Some("city")),
        ("park-b", "park", "乙园区", Some("city")),
        ("ent-x", "enterprise", "某电机公司", None),
        ("ent-y", "enterprise", "某纺织公司", None),
    ] {
        let mut d = json!({"entity_id": id, "kind": kind, "name": name});
        if let Some(p) = parent {
            d["parent"] = json!(p);
        }
        ev("entity.registered", "city", "2008-01-01", d);
    }
    for (id, name, investor) in [
        ("proj-1", "电机厂", "ent-x"),
        ("proj-2", "纺织厂", "ent-y"),
        ("proj-3", "物流园", "ent-x"),
        ("proj-4", "仓储中心", "ent-y"),
    ] {
        ev(
            "entity.registered",
            investor,
            "2008-01-02",
            json!({"entity_id": id, "kind": "project", "name": name, "parent": investor}),
        );
    }
    // (project, host, investor, planned, signed on, land)
    let signings = [
        (
            "proj-1",
            "park-a",
            "ent-x",
            "50000000",
            "2008-02-01",
            Some(("DK-01", "120", "2008-06-01")),
        ),
        (
            "proj-2",
            "park-a",
            "ent-y",
            "20000000",
            "2008-03-01",
            Some(("DK-02", "80.5", "2008-06-01")),
        ),
        ("proj-3", "park-b", "ent-x", "120000000", "2008-04-01", None),
        (
            "proj-4",
            "park-b",
            "ent-y",
            "30000000",
            "2008-06-01",
            Some(("DK-03", "45", "2009-03-01")),
        ),
    ];
    for (id, host, investor, planned, on, land) in signings {
        let mut d = json!({"project_id": id, "host": host, "investor": investor, "planned_investment": planned,
                           "signed_on": on, "basis": "投资合同"});
        if let Some((parcel, mu, start)) = land {
            d["land"] = json!({"parcel_id": parcel, "area_mu": mu, "agreed_start": start});
        }
        ev("project.signed", host, on, d);
    }
    // (project, host, stage, as of, money in place)
    for (id, host, stage, as_of, in_place) in [
        ("proj-1", "park-a", "started", "2008-04-30", "15000000"),
        ("proj-3", "park-b", "started", "2008-05-10", "30000000"),
        ("proj-3", "park-b", "producing", "2008-11-30", "90000000"),
        ("proj-4", "park-b", "started", "2009-02-01", "5000000"),
        ("proj-4", "park-b", "stalled", "2009-10-01", "6000000"),
    ] {
        ev(
            "project.stage_reported",
            host,
            as_of,
            json!({"project_id": id, "stage": stage, "as_of": as_of, "investment_in_place": in_place, "evidence": "现场照片"}),
        );
    }
    let year = json!({"from": "2008-01-01", "to": "2008-12-31"});
    ev(
        "target.assigned",
        "city",
        "2008-01-05",
        json!({"target_id": "a-2008", "assignee": "park-a", "metric": "new_projects_ge_10m", "unit": "count",
               "comparator": ">=", "threshold": "2", "period": year, "basis": "2008年目标责任书",
               "counts": {"stage": "started", "min_investment": "10000000"}}),
    );
    ev(
        "target.assigned",
        "city",
        "2008-01-05",
        json!({"target_id": "b-2008", "assignee": "park-b", "metric": "new_projects_ge_10m", "unit": "count",
               "comparator": ">=", "threshold": "2", "period": year, "basis": "2008年目标责任书",
               "counts": {"stage": "signed"}}),
    );
    ev(
        "target.assigned",
        "city",
        "2008-01-05",
        json!({"target_id": "a-2008-tax", "assignee": "park-a", "metric": "tax_paid", "unit": "CNY",
               "comparator": ">=", "threshold": "5000000", "period": year, "basis": "2008年目标责任书"}),
    );
    ev(
        "target.progress_reported",
        "park-a",
        "2008-12-20",
        json!({"target_id": "a-2008", "value": "3", "as_of": "2008-12-15", "projects": ["proj-1", "proj-2"]}),
    );
    ev(
        "target.progress_reported",
        "park-b",
        "2008-12-21",
        json!({"target_id": "b-2008", "value": "3", "as_of": "2008-12-15", "projects": ["proj-3", "proj-4", "proj-1"]}),
    );
    ev(
        "target.verified",
        "aud",
        "2009-01-20",
        json!({"target_id": "a-2008", "value": "1", "as_of": "2008-12-31", "projects": ["proj-1"], "evidence": "审计报告"}),
    );
    ev(
        "account.opened",
        "city",
        "2008-01-03",
        json!({"account_id": "budget", "holder": "city", "name": "市级预算", "kind": "source"}),
    );
    ev(
        "account.opened",
        "park-a",
        "2008-01-03",
        json!({"account_id": "a-special", "holder": "park-a", "name": "甲园区专户", "kind": "internal"}),
    );
    ev(
        "fund.disbursed",
        "city",
        "2008-04-01",
        json!({"disbursement_id": "d1", "from_account": "budget", "to_account": "a-special", "amount": "3000000",
               "purpose": "基础设施"}),
    );
    let file = dir.path().join("projects.ndjson");
    let text: String = events.iter().map(|e| format!("{e}\n")).collect();
    std::fs::write(&file, text).expect("write the projects");
    pledger(&data, &["append", file.to_str().expect("a UTF-8 path")]);
    (dir, data)
}

/// The stage's label in Chinese.
fn stage_zh(stage: &str) -> &'static str {
    match stage {
        "signed" => "已签约",
        "started" => "已开工",
        "producing" => "已投产",
        "stalled" => "停建",
        "cancelled" => "终止",
        other => panic!("unknown stage {other}"),
    }
}

/// Opens `route` and checks that the register shown is the report's: one
/// row per project with its name, host, stage and money in place.
fn projects_rows(b: &mut Browser, base: &str, route: &str, report: &Value) {
    b.open(base, route);
    let projects = report["projects"].as_array().expect("projects");
    let rows = b.eval(
        "[...document.querySelectorAll('table[data-table=projects] tbody tr[data-project]')].map(r => [
            r.dataset.project, r.querySelector('.project .party-name').innerText.trim(),
            r.dataset.host, r.children[1].querySelector('.party-name').innerText.trim(),
            r.dataset.stage, r.dataset.inPlace])",
    );
    let mut shown: Vec<Vec<String>> = serde_json::from_value(rows).expect("rows");
    let mut want: Vec<Vec<String>> = projects
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or("").to_string();
            let or_id = |k: &str, id: &str| p[k].as_str().map(str::to_string).unwrap_or_else(|| s(id));
            vec![
                s("project_id"),
                or_id("name", "project_id"),
                s("host"),
                or_id("host_name", "host"),
                s("stage"),
                s("investment_in_place"),
            ]
        })
        .collect();
    shown.sort();
    want.sort();
    assert_eq!(shown, want, "{route}: the register shown vs `pledger report projects`");
    if projects.is_empty() {
        assert_eq!(b.count("[data-no-projects]"), 1, "{route}: says there are no projects");
    }
}

fn projects_page(b: &mut Browser, base: &str, report: &Value, targets: &Value, findings: &Value) {
    let projects = report["projects"].as_array().unwrap().clone();
    let project = |id: &str| {
        projects
            .iter()
            .find(|p| p["project_id"] == id)
            .unwrap_or_else(|| panic!("{id} in the report"))
            .clone()
    };
    let stages: Vec<&str> = projects.iter().filter_map(|p| p["stage"].as_str()).collect();
    for st in ["signed", "started", "producing", "stalled"] {
        assert!(stages.contains(&st), "a project {st}: {stages:?}");
    }

    // In Chinese: the rows are the report's.
    projects_rows(b, base, "#/projects", report);
    assert_eq!(b.eval("document.documentElement.lang"), json!("zh-CN"));
    b.screenshot("projects-zh-CN");
    assert_eq!(b.text("h1"), "项目");
    assert_eq!(b.text("nav a[data-nav=projects]"), "项目");
    assert_eq!(
        b.text("table[data-table=projects] thead").trim(),
        "项目\t承办单位\t投资方\t阶段\t到位资金 / 计划投资\t签约日期\t用地\t计入目标",
        "the columns in Chinese"
    );
    for p in &projects {
        let id = p["project_id"].as_str().unwrap();
        let row = format!("table[data-table=projects] tr[data-project='{id}']");
        // The stage badge in Chinese.
        let stage = p["stage"].as_str().unwrap();
        assert_eq!(
            b.text(&format!("{row} .badge[data-stage]")),
            stage_zh(stage),
            "{id}: stage"
        );
        // Investor by name; the project links to its page.
        assert!(
            b.text(&row).contains(p["investor_name"].as_str().unwrap()),
            "{id}: investor"
        );
        assert_eq!(
            b.count(&format!("{row} a[href='#/projects/{id}']")),
            1,
            "{id}: its link"
        );
        // Idle land highlighted, and only idle land.
        let land = &p["land"];
        let idle = land["idle_since"].as_str();
        assert_eq!(
            b.count(&format!("{row} .land.idle")),
            u64::from(idle.is_some()),
            "{id}: idle land"
        );
        if let Some(since) = idle {
            let text = b.text(&format!("{row} .land"));
            assert!(
                text.contains(&format!("自 {since} 起闲置")),
                "{id}: idle since: {text:?}"
            );
            assert!(text.contains(land["parcel_id"].as_str().unwrap()), "{id}: parcel");
            assert!(
                text.contains(&format!("{}亩", land["area_mu"].as_str().unwrap())),
                "{id}: 亩"
            );
            assert_eq!(
                text.contains("可无偿收回"),
                land["reclaimable"] == true,
                "{id}: reclaimable: {text:?}"
            );
        }
        // Each target that counted it, qualifying or not, and why not.
        for c in p["counted_by"].as_array().unwrap() {
            let sel = format!(
                "{row} .counted[data-target='{}'][data-seq='{}']",
                c["target_id"].as_str().unwrap(),
                c["seq"]
            );
            assert_eq!(b.count(&sel), 1, "{id}: counted by {c}");
            assert_eq!(
                b.eval(&format!("document.querySelector(\"{sel}\").dataset.qualifies")),
                json!(c["qualifies"].to_string()),
                "{id}: {c}"
            );
            if c["reason"] == "stage_not_reached" {
                assert!(b.text(&sel).contains("未达到计数阶段"), "{id}: the reason in Chinese");
            }
        }
    }
    // Amounts in 万元 and 亿元: the logistics park, 9000万元 of 1.2亿元.
    let p3 = project("proj-3");
    assert_eq!(p3["investment_in_place"], "90000000.00");
    assert_eq!(
        b.text("tr[data-project=proj-3] .invest-text").replace(' ', ""),
        "9000万元/1.2亿元"
    );
    // A project counted by two parks says so.
    assert!(b
        .text("tr[data-project=proj-1] .counted-list")
        .contains("被 2 个单位重复计入"));

    // Everything in the CSV, one line per project.
    let csv = b.eval("window.pledgerConsole.csv('projects')");
    let csv = csv.as_str().expect("the register's CSV");
    assert!(
        csv.starts_with("\u{feff}project_id,name,host,investor,stage,investment_in_place,planned_investment,signed_on"),
        "CSV header: {csv:?}"
    );
    assert_eq!(csv.matches("\r\n").count(), projects.len() + 1);

    // Filters, through the address.
    let idle = projects.iter().filter(|p| p["land"]["idle_since"].is_string()).count() as u64;
    assert!(idle > 0);
    b.open(base, "#/projects?idle=1");
    assert_eq!(b.count("table[data-table=projects] tbody tr[data-project]"), idle);
    assert_eq!(b.eval("document.getElementById('only-idle').checked"), json!(true));
    b.open(base, "#/projects?host=park-b&stage=producing");
    let n = projects
        .iter()
        .filter(|p| p["host"] == "park-b" && p["stage"] == "producing")
        .count() as u64;
    assert_eq!(b.count("table[data-table=projects] tbody tr[data-project]"), n);

    // Opened: its stage history, each report linked to its record, and the
    // targets that counted it.
    b.open(base, "#/projects");
    let p1 = project("proj-1");
    b.eval("document.querySelector(\"tr[data-project='proj-1'] td:nth-child(3)\").click()");
    let detail = "tr[data-detail-of='proj-1']";
    b.wait_for(&format!("document.querySelector(\"{detail}\")"), "the project opened");
    let history = p1["stages"].as_array().unwrap();
    assert_eq!(
        b.count(&format!("{detail} table[data-table=project-stages] tbody tr")),
        history.len() as u64 + 1,
        "signed, then each report"
    );
    for s in history {
        assert_eq!(
            b.count(&format!(
                "{detail} tr[data-stage={}] a.seq[href='#/records/{}']",
                s["stage"].as_str().unwrap(),
                s["seq"]
            )),
            1,
            "proj-1: {s}"
        );
    }
    assert_eq!(
        b.count(&format!(
            "{detail} table[data-table=project-counted-by] tbody tr[data-target]"
        )),
        p1["counted_by"].as_array().unwrap().len() as u64
    );
    b.screenshot("projects-opened-zh-CN");

    // A project's own page: the idle textile mill, its findings.
    let p2 = project("proj-2");
    b.open(base, "#/projects/proj-2");
    assert_eq!(b.text("h1"), p2["name"].as_str().unwrap());
    assert_eq!(
        b.eval("document.querySelector('.page.project').dataset.idle"),
        json!("true")
    );
    assert_eq!(
        b.count(&format!(
            ".project-fields a.seq[href='#/records/{0}'], table[data-table=project-stages] tr[data-stage=signed] a.seq[href='#/records/{0}']",
            p2["seq"]
        )),
        2,
        "its signing, in the overview and the history"
    );
    assert_eq!(
        b.count("table[data-table=project-counted-by] tbody tr[data-qualifies=false]"),
        p2["counted_by"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["qualifies"] == false)
            .count() as u64
    );
    let about: Vec<&Value> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["subjects"].as_array().unwrap().iter().any(|s| s == "proj-2"))
        .collect();
    assert!(
        about.iter().any(|f| f["code"] == "land_idle"),
        "land_idle of proj-2: {about:?}"
    );
    assert_eq!(
        b.count("table[data-table=project-findings] tbody tr[data-code]"),
        about.len() as u64
    );
    assert_eq!(
        b.text("table[data-table=project-findings] tr[data-code=land_idle] .code-label"),
        "土地闲置"
    );
    b.screenshot("project-zh-CN");

    // From a counting target, the projects behind its number: click the
    // park's row on the targets page.
    let t = targets["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target_id"] == "a-2008")
        .expect("a-2008")
        .clone();
    b.open(base, "#/targets");
    assert_eq!(
        b.count("table[data-table=targets] tbody tr[data-counting]"),
        2,
        "two counting targets"
    );
    assert_eq!(
        b.count("tr[data-target='a-2008-tax'] button.expand"),
        0,
        "not a counting target"
    );
    assert!(
        b.text("tr[data-target='a-2008']")
            .contains("计数:已开工项目,到位资金 ≥ 1000万元"),
        "what it counts"
    );
    b.eval("document.querySelector(\"tr[data-target='a-2008'] td:nth-child(2)\").click()");
    let behind = "tr[data-projects-of='a-2008']";
    b.wait_for(
        &format!("document.querySelector(\"{behind}\")"),
        "the projects behind a-2008",
    );
    behind_check(b, behind, &t, &projects);
    b.screenshot("targets-projects-zh-CN");
    // The link from a project to the target opens it there.
    b.open(base, "#/targets?open=b-2008");
    assert_eq!(
        b.count("tr[data-projects-of='b-2008'] .behind[data-record=claim] tr[data-project]"),
        3
    );

    // The claim page of the counting target lists them too.
    b.open(base, "#/claims/a-2008");
    behind_check(b, ".page.claim", &t, &projects);
    b.screenshot("claim-projects-zh-CN");

    // The five new findings, labelled in Chinese; a project subject links
    // to its page.
    b.open(base, "#/findings");
    let counts = codes(findings);
    for code in [
        "idle_balance",
        "counted_not_qualifying",
        "count_mismatch",
        "project_double_counted",
        "land_idle",
    ] {
        let n = counts.get(code).copied().unwrap_or(0);
        assert!(n > 0, "a finding {code}: {counts:?}");
        assert_eq!(
            b.count(&format!("table[data-table=findings] tr[data-code={code}]")),
            n,
            "{code}"
        );
        let label = b.text(&format!("table[data-table=findings] tr[data-code={code}] .code-label"));
        assert!(
            label.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{code} labelled in Chinese: {label:?}"
        );
    }
    assert!(
        b.count("table[data-table=findings] tr[data-code=land_idle] a.subject-page[href='#/projects/proj-2']") == 1
    );
    b.screenshot("findings-projects-zh-CN");

    // In English.
    b.open(base, "#/projects");
    b.eval("document.getElementById('lang-switch').click()");
    b.wait_for(
        "document.documentElement.lang === 'en' && document.body.dataset.state === 'ready'",
        "English",
    );
    assert_eq!(b.text("h1"), "Projects");
    assert_eq!(
        b.text("table[data-table=projects] thead").trim(),
        "Project\tHost\tInvestor\tStage\tIn place / planned\tSigned on\tLand\tCounted by"
    );
    assert_eq!(b.text("tr[data-project=proj-2] .badge[data-stage]"), "signed");
    assert!(b.text("tr[data-project=proj-2] .land").contains("idle since"));
    assert!(b.text("tr[data-project=proj-2] .counted").contains("stage not reached"));
    b.screenshot("projects-en");
    b.open(base, "#/targets?open=a-2008");
    assert!(b
        .text("tr[data-projects-of='a-2008']")
        .contains("Projects behind the number"));
    b.screenshot("targets-projects-en");
    b.eval("localStorage.removeItem('pledger.lang')");
}

/// Under `scope`, the claimed and the verified number of counting target
/// `t` (from `pledger report targets`), each with the projects it lists in
/// order, linked, and whether each qualified as of that record (the
/// register's `counted_by` entry for the target and the record's seq).
fn behind_check(b: &mut Browser, scope: &str, t: &Value, projects: &[Value]) {
    let id = t["target_id"].as_str().unwrap();
    for (kind, key) in [("claim", "last_claimed"), ("verification", "last_verified")] {
        let rec = &t[key];
        assert!(rec.is_object(), "{id}: {key}");
        let seq = rec["seq"].as_u64().unwrap();
        let block = format!("{scope} .behind[data-record={kind}][data-seq='{seq}']");
        assert_eq!(b.count(&block), 1, "{id}: its {kind}");
        let listed: Vec<&str> = rec["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let shown = b.eval(&format!(
            "[...document.querySelectorAll(\"{block} tbody tr[data-project]\")].map(r => [r.dataset.project, r.dataset.qualifies, r.querySelector('.party-name').innerText.trim(), r.querySelector('a').getAttribute('href')])"
        ));
        let shown: Vec<(String, String, String, String)> = serde_json::from_value(shown).unwrap();
        let want: Vec<(String, String, String, String)> = listed
            .iter()
            .map(|pid| {
                let p = projects
                    .iter()
                    .find(|p| p["project_id"] == *pid)
                    .expect("a listed project");
                let c = p["counted_by"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["target_id"] == id && c["seq"] == seq)
                    .expect("its counted_by entry");
                (
                    pid.to_string(),
                    c["qualifies"].to_string(),
                    p["name"].as_str().unwrap().to_string(),
                    format!("#/projects/{pid}"),
                )
            })
            .collect();
        assert_eq!(shown, want, "{id}: the projects behind its {kind}");
        let mismatch = rec["value"].as_str().unwrap().parse::<usize>().unwrap() != listed.len();
        assert_eq!(
            b.count(&format!("{block} [data-mismatch]")),
            u64::from(mismatch),
            "{id}: {kind} mismatch"
        );
    }
}

fn records_pages(b: &mut Browser, base: &str, x: &Expected) {
    b.open(base, "#/records");
    assert_eq!(b.count("table[data-table=records] tbody tr[data-seq]"), 50);
    assert_eq!(
        b.count("table[data-table=records] tbody td .ok"),
        50,
        "every hash recomputes in the browser"
    );

    b.open(base, "#/records/5");
    b.screenshot("record-5");
    assert_eq!(
        b.eval("document.querySelector('.verification').dataset.verdict"),
        json!("verified")
    );
    for step in [
        "record_hash",
        "proof_for_record",
        "root_from_proof",
        "proof_matches_checkpoint",
        "signature",
    ] {
        assert_eq!(
            b.eval(&format!("document.querySelector('[data-step={step}]').dataset.ok")),
            json!("true"),
            "step {step}"
        );
    }
    assert!(b.text(".verdict").contains("Verified"));
    assert_eq!(
        b.eval("document.querySelector('code[data-hash]').dataset.hash"),
        x.record5["hash"]
    );

    // Pinning another key makes the same check fail.
    b.eval("localStorage.setItem('pledger.pinned-key', 'other.example/ledger+00000000+AQzQoW7sbL/xJPk6MSeTZjISGCc9N6SJLUzR4SXn9ETJ')");
    b.open(base, "#/records/6");
    assert_eq!(
        b.eval("document.querySelector('.verification').dataset.verdict"),
        json!("failed")
    );
    assert_eq!(
        b.eval("document.querySelector('[data-step=pinned_key]').dataset.ok"),
        json!("false")
    );
    b.eval("localStorage.removeItem('pledger.pinned-key')");
}

fn claim_page(b: &mut Browser, base: &str, x: &Expected) {
    b.open(base, "#/claims/jinshi-2008-ge10m");
    b.screenshot("claim-jinshi-2008-ge10m");
    assert_eq!(
        b.eval("document.querySelector('.page.claim').dataset.verdict"),
        x.claim["verdict"]
    );
    assert_eq!(
        b.eval("document.querySelector('.page.claim').dataset.verified"),
        json!("verified")
    );
    let n = x.claim["deciding_seqs"].as_array().unwrap().len() as u64;
    assert_eq!(b.count(".evidence .verification[data-verdict=verified]"), n);
    // A leader reads the claim: the question in words, the claimed and the
    // verified numbers side by side as the targets report gives them, and
    // the integrity checks folded into one line.
    let target = x.targets["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target_id"] == "jinshi-2008-ge10m")
        .expect("the target")
        .clone();
    assert_eq!(
        b.eval("document.querySelector('.reading-claimed').dataset.value"),
        target["last_claimed"]["value"]
    );
    assert_eq!(
        b.eval("document.querySelector('.reading-verified').dataset.value"),
        target["last_verified"]["value"]
    );
    assert!(
        b.text(".claim-question").contains("says"),
        "{}",
        b.text(".claim-question")
    );
    assert_eq!(b.eval("document.querySelector('details.integrity').open"), json!(false));
    assert!(b.text("details.integrity > summary").contains("verified"));
}

fn as_of_picker(b: &mut Browser, base: &str, x: &Expected) {
    b.open(base, "#/commitments");
    // Pick a date the way a user does: set the input, fire change.
    b.eval("(() => { const i = document.getElementById('as-of'); i.value = '2008-12-31'; i.dispatchEvent(new Event('change')); })()");
    b.wait_route("#/commitments?as_of=2008-12-31");
    b.screenshot("commitments-as-of-2008-12-31");
    assert_eq!(b.eval("document.getElementById('as-of').value"), json!("2008-12-31"));
    let all = len(&x.commitments_2008, "commitments");
    assert_eq!(b.count("table[data-table=commitments] tbody tr[data-status]"), all);
    let overdue = codes(&x.findings_2008).get("commitment_overdue").copied().unwrap_or(0);
    assert_eq!(
        b.count("table[data-table=commitments] tbody tr[data-status=overdue]"),
        overdue
    );
    // The scope follows the navigation.
    b.eval("document.querySelector('nav a[data-nav=findings]').click()");
    b.wait_route("#/findings?as_of=2008-12-31");
    assert_eq!(
        b.count("table[data-table=findings] tbody tr[data-code]"),
        len(&x.findings_2008, "findings")
    );
    assert_eq!(b.eval("document.getElementById('as-of').value"), json!("2008-12-31"));
}

/// The browser's BLAKE3 against the `blake3` crate, and the check failing
/// on tampered records, proofs and checkpoints.
fn verify_here_in_the_browser(b: &mut Browser, base: &str, x: &Expected) {
    b.open(base, "#/records/5");
    let lengths = [
        0usize, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097, 5120, 5121, 8192, 8193, 16384,
        31744, 102400,
    ];
    let got = b.eval(&format!(
        "import('/console/blake3.js').then(m => {lengths:?}.map(n => m.blake3Hex(Uint8Array.from({{length: n}}, (_, i) => i % 251))))"
    ));
    for (i, n) in lengths.iter().enumerate() {
        let input: Vec<u8> = (0..*n).map(|i| (i % 251) as u8).collect();
        assert_eq!(
            got[i],
            json!(blake3::hash(&input).to_hex().to_string()),
            "BLAKE3 of {n} bytes"
        );
    }
    assert_eq!(
        b.eval("import('/console/blake3.js').then(m => m.blake3Hex(''))"),
        json!("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")
    );
    // Multi-byte UTF-8 and the record hash of a stored record.
    let text = "常德市人民政府 — pledger/record/v1\n";
    assert_eq!(
        b.eval(&format!(
            "import('/console/blake3.js').then(m => m.blake3Hex({}))",
            serde_json::to_string(text).unwrap()
        )),
        json!(blake3::hash(text.as_bytes()).to_hex().to_string())
    );
    // Every record of the demo, hashed in the browser.
    let checked = b.eval(
        r#"(async () => {
            const v = await import('/console/verify.js');
            let from = 0, n = 0, bad = [];
            for (;;) {
                const page = await (await fetch(`/v1/events?from=${from}&limit=500`)).json();
                if (page.records.length === 0) break;
                for (const r of page.records) {
                    if (v.recordHash(r) !== r.hash) bad.push(r.seq);
                    n++;
                }
                from += page.records.length;
            }
            return { n, bad };
        })()"#,
    );
    assert_eq!(
        checked["bad"],
        json!([]),
        "records whose hash the browser does not recompute"
    );
    assert_eq!(checked["n"], json!(x.records), "records hashed in the browser");
    let record = serde_json::to_string(&x.record5).unwrap();
    assert_eq!(
        b.eval(&format!(
            "import('/console/verify.js').then(v => v.recordHash({record}))"
        )),
        x.record5["hash"]
    );

    let verdicts = b.eval(
        r#"(async () => {
            const v = await import('/console/verify.js');
            const get = async (p) => (await fetch(p)).json();
            const cp = await get('/v1/checkpoint');
            const rec = await get('/v1/events/5');
            const proof = await get(`/v1/proofs/inclusion?seq=5&size=${cp.size}`);
            const clone = (o) => JSON.parse(JSON.stringify(o));
            const out = {};
            out.good = (await v.verifyRecord(rec, proof, cp)).verdict;
            const r2 = clone(rec); r2.event.data.name = r2.event.data.name + ' ';
            out.record = (await v.verifyRecord(r2, proof, cp)).verdict;
            const p2 = clone(proof); p2.path[0] = p2.path[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
            out.path = (await v.verifyRecord(rec, p2, cp)).verdict;
            const p3 = clone(proof); p3.path.pop();
            out.short = (await v.verifyRecord(rec, p3, cp)).verdict;
            const lines = cp.text.split('\n');
            const sig = lines[lines.length - 2];
            const flipped = sig.slice(0, -6) + (sig.slice(-6, -5) === 'A' ? 'B' : 'A') + sig.slice(-5);
            const c2 = { ...cp, text: cp.text.replace(sig, flipped) };
            out.signature = (await v.verifyRecord(rec, proof, c2)).verdict;
            const c3 = { ...cp, text: cp.text.replace(/\n(\d+)\n/, (m, n) => '\n' + (Number(n) + 1) + '\n') };
            out.size = (await v.verifyRecord(rec, proof, c3)).verdict;
            return out;
        })()"#,
    );
    assert_eq!(
        verdicts,
        json!({"good": "verified", "record": "failed", "path": "failed", "short": "failed", "signature": "failed", "size": "failed"}),
        "verify here on good and tampered input"
    );
}

fn language_switch(b: &mut Browser, base: &str) {
    b.open(base, "#/funds");
    assert_eq!(b.eval("document.documentElement.lang"), json!("en"));
    b.eval("document.getElementById('lang-switch').click()");
    b.wait_for(
        "document.documentElement.lang === 'zh-CN' && document.body.dataset.state === 'ready'",
        "Chinese",
    );
    b.screenshot("funds-zh-CN-switched");
    let main = b.text("#main");
    assert!(
        main.contains("亿元") && main.contains("万元"),
        "amounts in 亿元 and 万元"
    );
    assert!(b.text("nav").contains("资金拨付"));
    // The choice is remembered, and switches back.
    b.open(base, "#/targets");
    assert_eq!(b.eval("document.documentElement.lang"), json!("zh-CN"));
    b.eval("document.getElementById('lang-switch').click()");
    b.wait_for(
        "document.documentElement.lang === 'en' && document.body.dataset.state === 'ready'",
        "English",
    );
    assert!(b.text("nav").contains("Funds"));
    b.eval("localStorage.removeItem('pledger.lang')");
}

/// The sentences of the findings page, in the table's order, as the ledger
/// wrote them: the names the console puts before bare ids (`.msg-name`)
/// taken away again.
fn finding_sentences(b: &mut Browser) -> Vec<String> {
    let v = b.eval(
        "[...document.querySelectorAll('table[data-table=findings] tbody td.message')].map(td => { const c = td.cloneNode(true); c.querySelectorAll('.msg-name').forEach((n) => n.remove()); return c.textContent; })",
    );
    v.as_array()
        .expect("sentences")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn sorted_messages(findings: &Value) -> Vec<String> {
    let mut m: Vec<String> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    m.sort();
    m
}

/// The findings page writes each finding's sentence in the console's
/// language: Chinese after switching (names with their ids, 万元), English
/// again after switching back.
fn findings_in_both_languages(b: &mut Browser, base: &str, x: &Expected) {
    b.open(base, "#/findings");
    assert_eq!(b.eval("document.documentElement.lang"), json!("en"));
    let mut en = finding_sentences(b);
    en.sort();
    assert_eq!(en, sorted_messages(&x.findings), "English sentences");
    b.eval("document.getElementById('lang-switch').click()");
    b.wait_for(
        "document.documentElement.lang === 'zh-CN' && document.body.dataset.state === 'ready'",
        "Chinese",
    );
    let mut zh = finding_sentences(b);
    zh.sort();
    assert_eq!(zh, sorted_messages(&x.findings_zh), "Chinese sentences");
    let main = b.text("#main");
    for needle in [
        "津市市工业园（jinshi-park）连续2期未完成“新引进1000万元以上项目”目标",
        "奖励pay-deshan-2010-4向聂红（p-deshan-invest-head）发放15万元，但已从中追回20万元",
    ] {
        assert!(main.contains(needle), "no {needle:?} on the Chinese findings page");
    }
    b.screenshot("findings-zh-CN-switched");
    b.eval("document.getElementById('lang-switch').click()");
    b.wait_for(
        "document.documentElement.lang === 'en' && document.body.dataset.state === 'ready'",
        "English",
    );
    let mut back = finding_sentences(b);
    back.sort();
    assert_eq!(back, en, "English again");
    b.eval("localStorage.removeItem('pledger.lang')");
}

fn chinese_from_the_browser(b: &mut Browser, base: &str) {
    b.open(base, "#/funds");
    assert_eq!(
        b.eval("navigator.language.toLowerCase().startsWith('zh')"),
        json!(true),
        "the browser runs in Chinese"
    );
    assert_eq!(b.eval("document.documentElement.lang"), json!("zh-CN"));
    b.screenshot("funds-zh-CN");
    let main = b.text("#main");
    assert!(
        main.contains("亿元") || main.contains("万元"),
        "amounts in 万元 / 亿元: {}",
        &main[..main.len().min(400)]
    );
    // 1,836,100,480.00 yuan out of the city treasury reads 18.36亿元.
    assert!(main.contains("18.36亿元"), "city treasury in 亿元");
    for page in ["findings", "targets", "commitments", "incentives"] {
        b.open(base, &format!("#/{page}"));
        b.screenshot(&format!("{page}-zh-CN"));
        assert!(
            b.text("h1").chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{page} title in Chinese"
        );
    }
    assert!(b.text("#main").contains("万元"), "incentives in 万元");
}

fn token_prompt(b: &mut Browser, base: &str, x: &Expected) {
    b.goto(&format!("{base}/#/findings"));
    assert_eq!(b.wait_route("#/findings"), "auth", "the console asks for a token");
    assert_eq!(b.count("#token-input"), 1);
    b.screenshot("token-prompt");

    // A wrong token is refused, and said so.
    b.eval("(() => { document.getElementById('token-input').value = 'not-a-token'; document.getElementById('token-submit').click(); })()");
    b.wait_for(
        "document.body.dataset.state === 'auth' && document.querySelector('.token-prompt .alert')",
        "the refusal",
    );

    let token = serde_json::to_string(&x.token).unwrap();
    b.eval(&format!("(() => {{ document.getElementById('token-input').value = {token}; document.getElementById('token-submit').click(); }})()"));
    b.wait_for("document.body.dataset.state === 'ready'", "the findings with a token");
    assert_eq!(
        b.count("table[data-table=findings] tbody tr[data-code]"),
        len(&x.findings, "findings")
    );
    // The record page too, and its proof, with the token.
    b.open(base, "#/records/5");
    assert_eq!(
        b.eval("document.querySelector('.verification').dataset.verdict"),
        json!("verified")
    );
    b.screenshot("record-5-with-token");
}

/// What the server sends is exactly the files of `crates/server/console/`.
fn served_assets_are_the_files(b: &mut Browser) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/server/console");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("crates/server/console")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 4, "console files: {names:?}");
    for name in names {
        let on_disk = std::fs::read_to_string(dir.join(&name)).unwrap();
        let path = if name == "index.html" {
            "/".to_string()
        } else {
            format!("/console/{name}")
        };
        let served = b.eval(&format!(
            "fetch('{path}').then(r => r.ok ? r.text() : 'HTTP ' + r.status)"
        ));
        assert_eq!(
            served.as_str(),
            Some(on_disk.as_str()),
            "{path} is not crates/server/console/{name}"
        );
    }
}

/// `#/changes`: with no position kept it asks for one; keeping today's
/// shows nothing changed; a waiver appended over HTTP then resolves the
/// overdue finding on c-sub-08, named with the record that did it.
fn changes_page(b: &mut Browser, base: &str, x: &Expected, recorder: &str) {
    let last = x.records - 1;
    b.open(base, "#/changes");
    assert_eq!(b.eval("localStorage.getItem('pledger.audit-seq')"), Value::Null);
    assert_eq!(b.count("#changes-keep"), 1);
    assert_eq!(
        b.count("table[data-table^=changes-]"),
        0,
        "nothing compared without a position"
    );
    let prompt = b.text(".page.changes .shown-note");
    assert!(prompt.contains(&format!("0 to {last}")), "the prompt: {prompt:?}");
    b.screenshot("changes-prompt");

    // Keep today's position: nothing has changed since.
    b.eval("document.getElementById('changes-keep').click()");
    assert_eq!(b.wait_route(&format!("#/changes?from_seq={last}")), "ready");
    assert_eq!(
        b.eval("localStorage.getItem('pledger.audit-seq')"),
        json!(last.to_string())
    );
    for table in ["changes-resolved", "changes-raised"] {
        assert_eq!(
            b.eval(&format!(
                "document.querySelector('table[data-table={table}]').dataset.rows"
            )),
            json!("0"),
            "{table} right after keeping today's position"
        );
    }

    // The beneficiary waives its overdue subsidy, over HTTP.
    let waiver = json!({
        "type": "commitment.waived",
        "actor": "ent-hs-boya",
        "occurred_at": "2011-05-01",
        "data": {"commitment_id": "c-sub-08", "reason": "企业放弃", "authority": "董事会决议"},
    });
    let receipt: Value = match ureq::post(&format!("{base}/v1/events"))
        .set("Authorization", &format!("Bearer {recorder}"))
        .send_json(&waiver)
    {
        Ok(r) => {
            assert_eq!(r.status(), 201);
            r.into_json().expect("receipt JSON")
        }
        Err(ureq::Error::Status(code, r)) => {
            panic!("the waiver was refused: {code} {}", r.into_string().unwrap_or_default())
        }
        Err(e) => panic!("POST /v1/events: {e}"),
    };
    let seq = receipt["receipts"][0]["seq"].as_u64().expect("the waiver's seq");
    assert_eq!(seq, x.records, "the waiver is the next record");
    let api: Value = ureq::get(&format!("{base}/v1/findings/changes?from_seq={last}"))
        .call()
        .expect("GET /v1/findings/changes")
        .into_json()
        .expect("changes JSON");

    // Back later: the page compares with the kept position by itself.
    b.goto("about:blank");
    b.open(base, "#/changes");
    for (table, key) in [("changes-resolved", "resolved"), ("changes-raised", "raised")] {
        assert_eq!(
            b.eval(&format!(
                "document.querySelector('table[data-table={table}]').dataset.rows"
            )),
            json!(len(&api, key).to_string()),
            "{table} as /v1/findings/changes has it: {api}"
        );
    }
    let row = "table[data-table=changes-resolved] tr[data-code=commitment_overdue][data-subjects~='c-sub-08']";
    assert_eq!(b.count(row), 1, "the overdue finding on c-sub-08 is resolved");
    let link = format!("{row} .cause a.seq[href='#/records/{seq}']");
    assert_eq!(b.count(&link), 1, "changed by the waiver, linked");
    assert_eq!(b.text(&link), format!("#{seq}"));
    let cell = b.text(&format!("{row} .cause"));
    assert!(cell.contains("commitment.waived"), "changed by: {cell:?}");
    assert_eq!(
        b.count(&format!("{row} .cause [data-entity=ent-hs-boya]")),
        1,
        "by the beneficiary"
    );
    // Labelled as the console's list of codes has it (the server's, or its own).
    let overdue_label = |b: &mut Browser| -> String {
        b.eval(
            "import('/console/finding-codes.js').then(m => m.findingCodes()).then(c => c.label('commitment_overdue'))",
        )
        .as_str()
        .expect("a label")
        .to_string()
    };
    let label = overdue_label(b);
    assert_ne!(label, "commitment_overdue", "a label, not the code");
    assert!(b.text(row).contains(&label), "{label} in {}", b.text(row));
    b.screenshot("changes");

    // In Chinese.
    b.eval("document.getElementById('lang-switch').click()");
    b.wait_for(
        "document.documentElement.lang === 'zh-CN' && document.body.dataset.state === 'ready'",
        "Chinese",
    );
    assert_eq!(b.text("h1"), "自上次审计以来");
    assert_eq!(b.count(&link), 1, "the waiver's link in Chinese");
    let label = overdue_label(b);
    assert!(
        label.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{label} in Chinese"
    );
    assert!(b.text(row).contains(&label), "{label} in {}", b.text(row));
    let heading = format!("此后消失的线索({})", len(&api, "resolved"));
    assert!(b.text(".page.changes").contains(&heading), "{heading} in Chinese");
    b.screenshot("changes-zh-CN");
    b.eval("localStorage.removeItem('pledger.lang')");
}

/// The known finding codes, their severity and labels come from
/// `/v1/finding-codes` when the server has it (answered here by the page's
/// own fetch, as a server with the route would), asked for once.
fn finding_codes_from_the_server(b: &mut Browser, base: &str) {
    let served = json!({"codes": [
        {"code": "overdraft", "severity": 3, "label": {"en": "Overdraft", "zh-CN": "透支"}, "version": 1},
        {"code": "commitment_overdue", "severity": 2, "label": {"en": "Promise late", "zh-CN": "承诺逾期"}, "version": 1},
        {"code": "missing_evidence", "severity": 3, "label": {"en": "No evidence"}, "version": 1},
        {"code": "a_new_code", "severity": 1, "label": {"en": "A new code", "zh-CN": "新类别"}, "version": 2},
    ]});
    let script = format!(
        r#"(() => {{
            const served = {served};
            const real = window.fetch.bind(window);
            window.__findingCodesAsked = 0;
            window.fetch = (input, init) => {{
                const url = new URL(input instanceof Request ? input.url : String(input), location.href);
                if (url.pathname !== '/v1/finding-codes') return real(input, init);
                window.__findingCodesAsked++;
                return Promise.resolve(new Response(JSON.stringify(served), {{ status: 200, headers: {{ 'content-type': 'application/json' }} }}));
            }};
        }})()"#
    );
    b.call("Page.addScriptToEvaluateOnNewDocument", json!({"source": script}));
    b.open(base, "#/findings");
    let chip = |code: &str| format!(".code-chips [data-code={code}]");
    // Every code of the list has its chip, one the demo lacks too.
    assert_eq!(b.count(&chip("a_new_code")), 1, "a code only the server knows");
    assert_eq!(
        b.eval(&format!(
            "document.querySelector('{}').dataset.count",
            chip("a_new_code")
        )),
        json!("0")
    );
    assert_eq!(b.text(&format!("{} .chip-label", chip("a_new_code"))), "A new code");
    assert_eq!(
        b.text(&format!("{} .chip-label", chip("commitment_overdue"))),
        "Promise late"
    );
    // Severity as served: missing_evidence is serious here.
    assert!(b
        .eval(&format!(
            "document.querySelector('{}').className",
            chip("missing_evidence")
        ))
        .as_str()
        .unwrap()
        .contains("sev-3"));
    let rows = b.count("table[data-table=findings] tr[data-code=missing_evidence]");
    assert!(rows > 0, "the demo has missing_evidence findings");
    assert_eq!(
        b.count("table[data-table=findings] tr.sevrow-3[data-code=missing_evidence]"),
        rows
    );
    // A code of the findings that the list lacks: its code, significant.
    assert_eq!(
        b.text(&format!("{} .chip-label", chip("overstated_claim"))),
        "overstated_claim"
    );
    assert!(b
        .eval(&format!(
            "document.querySelector('{}').className",
            chip("overstated_claim")
        ))
        .as_str()
        .unwrap()
        .contains("sev-2"));
    // In Chinese, with English where the list has no Chinese label.
    b.eval("document.getElementById('lang-switch').click()");
    b.wait_for(
        "document.documentElement.lang === 'zh-CN' && document.body.dataset.state === 'ready'",
        "Chinese",
    );
    assert_eq!(
        b.text(&format!("{} .chip-label", chip("commitment_overdue"))),
        "承诺逾期"
    );
    assert_eq!(
        b.text(&format!("{} .chip-label", chip("missing_evidence"))),
        "No evidence"
    );
    b.screenshot("findings-served-codes-zh-CN");
    b.eval("localStorage.removeItem('pledger.lang')");
    // Asked for once while the page lives.
    b.open(base, "#/findings?sort=serious");
    assert_eq!(b.eval("window.__findingCodesAsked"), json!(1));
}
