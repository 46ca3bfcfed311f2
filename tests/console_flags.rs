//! Every finding is visible on the page of each thing it names (issue 17):
//! on the demo city, in Chinese, every row of the targets, assessment,
//! projects, commitments, funds and incentives tables that a finding names
//! carries a flag with that finding's code, linking to it; no row carries a
//! flag no finding gives it; and a status shown green on a flagged row names
//! the finding beside it (按期兑现 · …).
//!
//! The oracle is the command line's `pledger report findings --format json`
//! on the same ledger and day. Needs a headless Chromium like the other
//! console tests (`PLEDGER_SKIP_BROWSER=1` skips it).

mod browser;

use browser::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The pages with flagged tables, and the id each row is flagged by.
const PAGES: &[&str] = &[
    "#/targets",
    "#/assessment",
    "#/projects",
    "#/commitments",
    "#/funds",
    "#/incentives",
];

/// Per row id on a page: the finding codes its flags show.
fn rows_of(b: &mut Browser) -> Vec<(Vec<String>, BTreeSet<String>, Vec<String>)> {
    let v = b.eval(
        "[...document.querySelectorAll('tr[data-flag-ids]')].map((tr) => ({
            ids: tr.dataset.flagIds.split(' ').filter(Boolean),
            codes: [...tr.querySelectorAll('.flags a.finding-flag')].map((a) => a.dataset.findingCode),
            amended: [...tr.querySelectorAll('.badge.flag-amended')].map((x) => x.textContent),
        }))",
    );
    v.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let strings = |k: &str| -> Vec<String> {
                r[k].as_array()
                    .expect("list")
                    .iter()
                    .map(|x| x.as_str().unwrap_or_default().to_string())
                    .collect()
            };
            (
                strings("ids"),
                strings("codes").into_iter().collect(),
                strings("amended"),
            )
        })
        .collect()
}

#[test]
fn every_finding_is_flagged_on_the_rows_it_names() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["demo"]);
    let findings: Value = pledger_json(&data, &["report", "findings", "--format", "json", "--lang", "zh-CN"]);
    let findings = findings["findings"].as_array().expect("findings").clone();
    assert!(findings.len() > 20, "the demo plants findings");

    // The log as the command line prints it, for the search below (read
    // before the server holds the ledger).
    let log = pledger(&data, &["log", "--limit", "100000", "--format", "json"]);
    let server = Server::start(&data, true);
    let mut b = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);

    // Row id → (page, codes flagged on it); and every row as shown.
    let mut flagged: BTreeMap<String, Vec<(&str, BTreeSet<String>)>> = BTreeMap::new();
    let mut rows: Vec<(&str, Vec<String>, BTreeSet<String>)> = Vec::new();
    let mut amended: Vec<String> = Vec::new();
    for page in PAGES {
        b.open(&server.base, page);
        for (ids, codes, am) in rows_of(&mut b) {
            for id in &ids {
                flagged.entry(id.clone()).or_default().push((page, codes.clone()));
            }
            amended.extend(am);
            rows.push((page, ids, codes));
        }
    }
    b.assert_no_errors("flagged pages");
    assert!(
        flagged.len() > 100,
        "the pages' rows carry their ids ({} found)",
        flagged.len()
    );

    let about = |f: &Value, id: &str| f["subjects"].as_array().is_some_and(|s| s.iter().any(|x| x == id));
    // Every finding: each subject that is a row somewhere shows its code
    // there, and at least one of its subjects is a row.
    for f in &findings {
        let code = f["code"].as_str().expect("code");
        let subjects: Vec<&str> = f["subjects"]
            .as_array()
            .expect("subjects")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let on_rows: Vec<&str> = subjects.iter().copied().filter(|s| flagged.contains_key(*s)).collect();
        assert!(
            !on_rows.is_empty(),
            "finding {code} about {subjects:?} is on no page's row: {}",
            f["message"]
        );
        for s in on_rows {
            for (page, codes) in &flagged[s] {
                assert!(
                    codes.contains(code),
                    "{page}: the row of {s} does not flag {code} ({codes:?})"
                );
            }
        }
    }
    // And no row shows a flag that no finding about one of its ids gives it.
    for (page, ids, codes) in &rows {
        for c in codes {
            assert!(
                findings
                    .iter()
                    .any(|f| f["code"] == c.as_str() && ids.iter().any(|id| about(f, id))),
                "{page}: the row of {ids:?} flags {c}, which no finding about it raises"
            );
        }
    }
    assert!(rows.iter().any(|(_, _, c)| c.is_empty()), "clean rows carry no flag");

    // The targets page's table of runs shows every run the findings report
    // as consecutive misses (津市 2008–2009 among them), labelled.
    b.open(&server.base, "#/targets");
    let runs = b.eval(
        "[...document.querySelectorAll('table[data-table=\"miss-runs\"] tr[data-run]')].map((tr) => tr.dataset.run)",
    );
    let runs: BTreeSet<String> = runs
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    let mut reported = 0;
    for f in findings.iter().filter(|f| f["code"] == "consecutive_misses") {
        let subjects: Vec<&str> = f["subjects"]
            .as_array()
            .expect("subjects")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let run = subjects[2..].join(" ");
        assert!(
            runs.contains(&run),
            "the runs table lacks {run}, which the findings report ({runs:?})"
        );
        reported += 1;
    }
    assert!(reported >= 2, "the demo plants runs of misses");
    assert!(
        runs.iter().any(|r| r.contains("jinshi-2008")),
        "津市 2008–2009: {runs:?}"
    );

    // Funds as the rules read: unconfirmed receipts only on internal
    // accounts, a source's balance as money paid out (no red minus), the
    // chart's labels distinct and by name, the trace saying it attributes
    // pro rata, and a credit line over its ceiling flagged on its trace.
    b.open(&server.base, "#/funds");
    let funds = b.eval(
        "(() => {
            const rows = [...document.querySelectorAll('table[data-table=\"accounts\"] tbody tr[data-account]')];
            const col = [...document.querySelectorAll('table[data-table=\"accounts\"] thead th')].findIndex((th) => th.textContent === '未确认到账');
            const bal = [...document.querySelectorAll('table[data-table=\"accounts\"] thead th')].findIndex((th) => th.textContent === '余额');
            return {
                unconfirmed_outside: rows.filter((r) => r.dataset.kind !== 'internal' && r.children[col].textContent.trim() !== '—').length,
                unconfirmed_internal: rows.filter((r) => r.dataset.kind === 'internal' && r.children[col].textContent.trim() === '—').length,
                source_negative: rows.filter((r) => r.dataset.kind === 'source' && r.children[bal].querySelector('.amount.neg')).length,
                source_paid_out: rows.filter((r) => r.dataset.kind === 'source' && r.children[bal].textContent.includes('已拨出')).length,
                sources: rows.filter((r) => r.dataset.kind === 'source').length,
                labels: [...document.querySelectorAll('svg.sankey .node-label')].map((t) => t.firstChild.textContent.trim()),
                ids: [...document.querySelectorAll('svg.sankey .node')].map((n) => n.dataset.account),
            };
        })()",
    );
    assert_eq!(
        funds["unconfirmed_outside"], 0,
        "unconfirmed shown only for internal accounts: {funds}"
    );
    assert_eq!(funds["unconfirmed_internal"], 0, "{funds}");
    assert_eq!(
        funds["source_negative"], 0,
        "no source shows a red negative balance: {funds}"
    );
    assert_eq!(funds["source_paid_out"], funds["sources"], "{funds}");
    let labels: Vec<&str> = funds["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let ids: BTreeSet<&str> = funds["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let distinct: BTreeSet<&str> = labels.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        labels.len(),
        "the chart's labels are distinct: {labels:?}"
    );
    assert!(labels.len() > 20);
    for l in &labels {
        assert!(!ids.contains(l), "the chart names {l} by its id");
    }
    b.screenshot("flags-funds-zh");
    b.open(&server.base, "#/trace/cdb-credit-city?direction=down");
    b.screenshot("flags-trace-zh");
    assert!(
        b.text(".prorata-note").contains("按比例"),
        "the trace says it attributes pro rata"
    );
    assert!(
        b.count(".trace-flags a.finding-flag[data-finding-code='over_ceiling']") == 1,
        "the credit line over its ceiling is flagged on its trace"
    );
    let path_ids = b
        .eval("[...document.querySelectorAll('.path-step')].filter((a) => a.textContent === a.dataset.account).length");
    assert_eq!(path_ids, 0, "trace paths name accounts, not ids");

    // The claim page reads as a leader asks: the question in words with
    // names, the two numbers, what the findings say (津市 2008 overstated).
    b.open(&server.base, "#/claims/jinshi-2008-ge10m");
    b.screenshot("claim-leader-zh");
    let q = b.text(".claim-question");
    assert!(
        q.starts_with("津市市工业园称2008年") && q.ends_with('个') && !q.contains("jinshi"),
        "{q}"
    );
    assert_eq!(b.text(".reading-claimed .reading-value"), "6个");
    assert_eq!(b.text(".reading-verified .reading-value"), "4个");
    assert!(
        b.count(".claim-findings li[data-code='overstated_claim']") == 1,
        "the overstated claim is called out"
    );
    assert!(b.text("details.integrity > summary").starts_with("记录完整性"));
    b.open(&server.base, "#/claims/linli-2009-tax");
    assert!(
        b.count(".claim-findings li[data-code='target_revised_after_period']") == 1,
        "a target revised after its period is called out on its claim"
    );

    // Search by name: the findings page finds every finding about a body
    // of 汉寿县 (its accounts included), and the records page finds the
    // records naming 澧县九鼎纸业 by part of its name, in the log's order.
    b.open(&server.base, "#/findings?entity=%E6%B1%89%E5%AF%BF%E5%8E%BF");
    let shown = b
        .eval("Number(document.querySelector('.shown-note').dataset.shown)")
        .as_u64()
        .unwrap_or(0);
    assert!(shown >= 2, "汉寿县 finds its findings ({shown})");
    b.open(&server.base, "#/records?q=%E4%B9%9D%E9%BC%8E");
    let found = b.eval("[...document.querySelectorAll('table[data-table=\"records\"] tbody tr[data-seq]')].map((tr) => Number(tr.dataset.seq))");
    let found: Vec<u64> = found
        .as_array()
        .expect("seqs")
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    // The first of them (a page holds 50): every record whose text names
    // 九鼎 or the ids of its company, account or project.
    let expected: Vec<u64> = log
        .lines()
        .filter(|l| l.contains("九鼎") || l.contains("jiuding"))
        .filter_map(|l| serde_json::from_str::<Value>(l).ok()?["seq"].as_u64())
        .take(10)
        .collect();
    assert!(!expected.is_empty(), "the demo names 九鼎");
    for seq in &expected {
        assert!(found.contains(seq), "searching 九鼎 finds record {seq}: {found:?}");
    }
    assert!(found.windows(2).all(|w| w[0] < w[1]), "in the log's order");
    // By type and dates.
    b.open(
        &server.base,
        "#/records?type=fund.disbursed&from_date=2009-01-01&to_date=2009-12-31",
    );
    let types = b.eval("[...new Set([...document.querySelectorAll('table[data-table=\"records\"] tbody tr[data-seq]')].map((tr) => tr.dataset.type))]");
    assert_eq!(types, serde_json::json!(["fund.disbursed"]));

    // Schemes, their targets and tasks, and the payouts' schemes read by
    // name: no cell of those columns shows a bare id.
    b.open(&server.base, "#/incentives");
    let bare = b.eval(
        "[...document.querySelectorAll('table[data-table=\"schemes\"] tbody tr, table[data-table=\"payouts\"] tbody tr')]
            .flatMap((tr) => [...tr.querySelectorAll('td')].filter((td) => ['方案', '目标'].includes(td.dataset.label)))
            .filter((td) => !td.querySelector('.named .party-name'))
            .map((td) => td.textContent).slice(0, 5)",
    );
    assert_eq!(bare, serde_json::json!([]), "ids without names on the incentives page");
    let jinshi = b
        .eval("document.querySelector(\"tr[data-scheme='scheme-jinshi-2008'] .named .party-name\")?.textContent ?? ''");
    assert!(
        jinshi
            .as_str()
            .is_some_and(|s| s.contains("津市市工业园") && s.contains("2008")),
        "{jinshi}"
    );

    // The findings page names its subjects: a target in words, an account
    // by its holder and its name, an entity by its name; no pill shows a
    // bare id where the thing has a name.
    b.open(&server.base, "#/findings");
    let pills = b.eval(
        "[...document.querySelectorAll('table[data-table=\"findings\"] button.subject')].map((p) => p.textContent)",
    );
    let pills: Vec<String> = pills
        .as_array()
        .expect("pills")
        .iter()
        .filter_map(|p| p.as_str().map(str::to_string))
        .collect();
    assert!(
        pills
            .iter()
            .any(|p| p.contains("津市市工业园 2008年") && p.contains("jinshi-2008-ge10m")),
        "{pills:?}"
    );
    assert!(
        pills
            .iter()
            .any(|p| p.contains("汉寿县高新技术产业园") && p.contains("hanshou-park-infra")),
        "{pills:?}"
    );
    for id in [
        "jinshi-2008-ge10m",
        "hanshou-park-infra",
        "jinshi-park",
        "cdb-credit-city",
    ] {
        assert!(!pills.iter().any(|p| p == id), "{id} shown bare: {pills:?}");
    }

    // A record page speaks the reader's language: fields by their Chinese
    // names (the format's name beneath), the actor by name, evidence as
    // links that find the records citing the same document.
    let with_evidence = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|r| r["event"]["type"] == "target.verified" && r["event"]["data"]["evidence"].is_array())
        .expect("a verification with evidence");
    let seq = with_evidence["seq"].as_u64().expect("seq");
    b.open(&server.base, &format!("#/records/{seq}"));
    let head = b.text("dt[data-field='target_id']");
    assert!(
        head.contains("target_id") && head.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{head}"
    );
    let refs =
        b.eval("[...document.querySelectorAll('.evidence-list a.evidence-ref')].map((a) => a.getAttribute('href'))");
    let refs: Vec<&str> = refs
        .as_array()
        .expect("refs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        !refs.is_empty() && refs.iter().all(|h| h.starts_with("#/records?q=")),
        "{refs:?}"
    );
    b.open(&server.base, refs[0]);
    let cited = b.eval("[...document.querySelectorAll('table[data-table=\"records\"] tbody tr[data-seq]')].map((tr) => Number(tr.dataset.seq))");
    assert!(
        cited
            .as_array()
            .is_some_and(|c| c.iter().any(|x| x.as_u64() == Some(seq))),
        "the evidence link finds its record: {cited}"
    );

    // The planted overpaid commitments no longer read as a plain green
    // 按期兑现: the status names the finding.
    b.open(&server.base, "#/commitments");
    b.screenshot("flags-commitments-zh");
    let c01 = b.eval(
        "(() => { const tr = document.querySelector(\"tr[data-commitment='c-sub-01']\");
                  return tr ? { flags: [...tr.querySelectorAll('a.finding-flag')].map((a) => a.textContent),
                                status: [...tr.querySelectorAll('.badge')].map((x) => x.textContent) } : null; })()",
    );
    let status = c01["status"].to_string();
    eprintln!(
        "c-sub-01: {c01}; {} rows, {} amended statuses",
        rows.len(),
        amended.len()
    );
    let flags = c01["flags"].to_string();
    assert!(
        flags.contains("重复或超额兑付") || flags.contains("超额"),
        "c-sub-01's flags: {flags}"
    );
    assert!(
        !amended.is_empty(),
        "some green status on a flagged row names its finding"
    );
    if status.contains("按期兑现") {
        assert!(status.contains(" · "), "c-sub-01's status names its finding: {status}");
    }
    // A flag links to the findings page filtered to that code and subject.
    let href = b.eval("document.querySelector(\"tr[data-commitment='c-sub-01'] a.finding-flag\").getAttribute('href')");
    let href = href.as_str().expect("a flag's link").to_string();
    assert!(
        href.starts_with("#/findings?") && href.contains("code=") && href.contains("entity=c-sub-01"),
        "{href}"
    );
    b.open(&server.base, &href);
    let shown = b.eval("Number(document.querySelector('.shown-note').dataset.shown)");
    assert!(shown.as_u64().unwrap_or(0) >= 1, "the flag's link shows its findings");
    b.assert_no_errors("a flag's link");
}
