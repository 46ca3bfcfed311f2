//! The funds page lists each disbursement (issue 17, item 3): on the demo
//! city, in Chinese, one row per live disbursement — its date, category,
//! the paying and receiving accounts by name, the amount in 万元/亿元 and a
//! link to its record — that together add up to the funds view of the HTTP
//! API (`GET /v1/funds/accounts`): what each account paid out and took in,
//! today and as of an earlier date. A voided disbursement is not listed.
//! The rows are those of `GET /v1/funds/disbursements`, in its order, a
//! page at a time with a "more" button.
//!
//! Needs a headless Chromium like the other console tests
//! (`PLEDGER_SKIP_BROWSER=1` skips it).

mod browser;

use browser::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn get(base: &str, path: &str) -> Value {
    ureq::get(&format!("{base}{path}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .into_json()
        .unwrap_or_else(|e| panic!("GET {path}: not JSON: {e}"))
}

/// "1234.56" as fen.
fn fen(s: &str) -> i64 {
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    whole.parse::<i64>().expect("yuan") * 100 + format!("{frac:0<2}")[..2].parse::<i64>().expect("fen")
}

/// The rows of the disbursements table as shown.
fn rows(b: &mut Browser) -> Vec<Value> {
    b.eval(
        "[...document.querySelectorAll('table[data-table=disbursements] tbody tr[data-seq]')].map((tr) => {
            const cell = (label) => [...tr.children].find((td) => td.dataset.label === label);
            return {
                seq: Number(tr.dataset.seq), from: tr.dataset.from, to: tr.dataset.to, amount: tr.dataset.amount,
                date: cell('日期').textContent.trim(),
                category: cell('类别').querySelector('.party-name')?.textContent ?? '',
                from_name: cell('拨出账户').querySelector('.party-name').textContent,
                to_name: [...tr.children].filter((td) => td.querySelector('.party.account'))[1].querySelector('.party-name').textContent,
                shown: cell('金额').textContent.trim(),
                link: cell('记录').querySelector('a')?.getAttribute('href') ?? '',
            };
        })",
    )
    .as_array()
    .expect("rows")
    .clone()
}

/// Clicks the list's "more" until every disbursement is listed; returns
/// how many times.
fn show_all(b: &mut Browser) -> usize {
    let mut clicks = 0;
    while b.eval("document.querySelector('.more-rows[data-table=disbursements]').hidden") == Value::Bool(false) {
        let before = b.count("table[data-table=disbursements] tbody tr[data-seq]");
        b.eval("document.querySelector('.more-rows[data-table=disbursements] button').click(); true");
        b.wait_for(
            &format!(
                "document.querySelectorAll('table[data-table=disbursements] tbody tr[data-seq]').length > {before}"
            ),
            "the next disbursements",
        );
        clicks += 1;
        assert!(clicks < 100, "the list never ends");
    }
    clicks
}

/// Every page of `GET /v1/funds/disbursements` (`query` the scope), as
/// the rows compare: seq, accounts, amount, date.
fn listed(base: &str, query: &str) -> (Vec<Value>, u64) {
    let mut out = Vec::new();
    let mut from = 0;
    loop {
        let page = get(base, &format!("/v1/funds/disbursements?limit=37&from={from}{query}"));
        let total = page["total"].as_u64().expect("total");
        for d in page["disbursements"].as_array().expect("disbursements") {
            out.push(serde_json::json!({
                "seq": d["seq"], "from": d["from_account"], "to": d["to_account"],
                "amount": d["amount"], "date": d["date"],
            }));
        }
        match page["next_from"].as_u64() {
            Some(n) => from = n,
            None => {
                assert_eq!(out.len() as u64, total, "{query}: total");
                return (out, total);
            }
        }
    }
}

/// The rows as the route's answer has them.
fn as_listed(rows: &[Value]) -> Vec<Value> {
    rows.iter()
        .map(|r| serde_json::json!({"seq": r["seq"], "from": r["from"], "to": r["to"], "amount": r["amount"], "date": r["date"]}))
        .collect()
}

/// Per account: (paid out, taken in) in fen, summed over the rows.
fn sums(rows: &[Value]) -> BTreeMap<String, (i64, i64)> {
    let mut m: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in rows {
        let a = fen(r["amount"].as_str().expect("amount"));
        m.entry(r["from"].as_str().expect("from").to_string()).or_default().0 += a;
        m.entry(r["to"].as_str().expect("to").to_string()).or_default().1 += a;
    }
    m
}

fn assert_adds_up(rows: &[Value], view: &Value, when: &str) {
    let sums = sums(rows);
    let accounts = view["accounts"].as_array().expect("accounts");
    let mut moved = 0;
    for a in accounts {
        let id = a["account_id"].as_str().expect("id");
        let (out, inn) = sums.get(id).copied().unwrap_or_default();
        assert_eq!(
            out,
            fen(a["disbursed_out"].as_str().expect("out")),
            "{when}: the rows paid out of {id}"
        );
        assert_eq!(
            inn,
            fen(a["disbursed_in"].as_str().expect("in")),
            "{when}: the rows paid into {id}"
        );
        moved += out;
    }
    assert!(moved > 0, "{when}: money moved");
    let known: BTreeSet<&str> = accounts.iter().filter_map(|a| a["account_id"].as_str()).collect();
    for id in sums.keys() {
        assert!(
            known.contains(id.as_str()),
            "{when}: {id} is not an account of the view"
        );
    }
}

#[test]
fn the_funds_page_lists_each_disbursement() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["demo"]);
    // The voided disbursements, from the log (read before the server holds it).
    let log: Vec<Value> = pledger(&data, &["log", "--limit", "100000", "--format", "json"])
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record"))
        .collect();
    let voided: BTreeSet<u64> = log
        .iter()
        .filter(|r| r["event"]["type"] == "event.voided")
        .filter_map(|r| r["event"]["data"]["seq"].as_u64())
        .collect();
    let voided_disbursements: Vec<u64> = log
        .iter()
        .filter(|r| r["event"]["type"] == "fund.disbursed")
        .filter_map(|r| r["seq"].as_u64())
        .filter(|s| voided.contains(s))
        .collect();
    assert!(!voided_disbursements.is_empty(), "the demo voids a disbursement");

    let server = Server::start(&data, true);
    let base = server.base.clone();
    let mut b = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);
    b.open(&base, "#/funds");
    b.screenshot("funds-disbursements-zh");
    // A page at a time (the page lists 200, then 200 more at each click),
    // saying how many of how many are listed.
    let (listed_now, total) = listed(&base, "");
    let first = rows(&mut b);
    assert_eq!(first.len(), 200.min(listed_now.len()), "the first page");
    assert_eq!(
        as_listed(&first),
        listed_now[..first.len()],
        "the first page is the route's"
    );
    if listed_now.len() > first.len() {
        let note = b.text(".more-rows[data-table=disbursements] .more-count");
        assert!(note.contains(&format!("共 {total} 笔")), "{note}");
        assert!(show_all(&mut b) > 0);
    }
    let shown = rows(&mut b);
    // The console's rows are the route's, in its order.
    assert_eq!(as_listed(&shown), listed_now, "the console lists what the route lists");
    assert!(shown.len() > 100, "the demo's disbursements: {}", shown.len());
    assert_adds_up(&shown, &get(&base, "/v1/funds/accounts"), "today");
    let seqs: BTreeSet<u64> = shown.iter().filter_map(|r| r["seq"].as_u64()).collect();
    assert_eq!(seqs.len(), shown.len(), "each disbursement once");
    for s in &voided_disbursements {
        assert!(!seqs.contains(s), "the voided disbursement #{s} is listed");
    }

    // Account names as the funds view's accounts and the entities give them.
    let entities = get(&base, "/v1/entities");
    let names: BTreeMap<&str, &str> = entities["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| (e["entity_id"].as_str().unwrap_or(""), e["name"].as_str().unwrap_or("")))
        .collect();
    let view = get(&base, "/v1/funds/accounts");
    let holder: BTreeMap<&str, &str> = view["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| {
            (
                a["account_id"].as_str().unwrap_or(""),
                a["holder"].as_str().unwrap_or(""),
            )
        })
        .collect();

    let mut dates = Vec::new();
    let mut categories = BTreeSet::new();
    for r in &shown {
        let seq = r["seq"].as_u64().expect("seq");
        // The link goes to the record, and the record is this disbursement.
        assert_eq!(r["link"], format!("#/records/{seq}"), "{r}");
        let record = get(&base, &format!("/v1/events/{seq}"));
        let event = &record["event"];
        assert_eq!(event["type"], "fund.disbursed", "#{seq}");
        assert_eq!(event["data"]["from_account"], r["from"], "#{seq}");
        assert_eq!(event["data"]["to_account"], r["to"], "#{seq}");
        // The same amount (the view writes it with its two decimals).
        assert_eq!(
            fen(event["data"]["amount"].as_str().expect("amount")),
            fen(r["amount"].as_str().expect("amount")),
            "#{seq}"
        );
        let date = r["date"].as_str().expect("date");
        assert_eq!(
            date,
            &event["occurred_at"].as_str().expect("occurred_at")[..10],
            "#{seq}"
        );
        dates.push(date.to_string());
        // Amounts in 万元 / 亿元 (元 under ten thousand).
        let text = r["shown"].as_str().expect("amount");
        let yuan = fen(r["amount"].as_str().expect("amount")) / 100;
        let unit = if yuan >= 100_000_000 {
            "亿元"
        } else if yuan >= 10_000 {
            "万元"
        } else {
            "元"
        };
        assert!(text.ends_with(unit), "#{seq}: {text} is not in {unit}");
        // Both accounts by their holder's registered name, never the bare id.
        for (end, name) in [("from", "from_name"), ("to", "to_name")] {
            let id = r[end].as_str().expect("account");
            let shown_name = r[name].as_str().expect("name");
            assert_ne!(shown_name, id, "#{seq}: {end} account by its id");
            let h = names.get(holder[id]).copied().unwrap_or("");
            if !h.is_empty() {
                assert!(
                    shown_name.starts_with(h),
                    "#{seq}: {end} {shown_name:?} does not name its holder {h:?}"
                );
            }
        }
        categories.insert(r["category"].as_str().unwrap_or("").to_string());
    }
    let mut newest_first = dates.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, newest_first, "newest first");
    for c in ["基础设施", "补助", "奖励", "支出"] {
        assert!(categories.contains(c), "category {c} in Chinese: {categories:?}");
    }
    assert!(
        !categories.contains("infrastructure"),
        "no category code shown bare: {categories:?}"
    );

    // A row a finding names carries it (the payment over the credit line's ceiling).
    assert_eq!(
        b.count(
            "table[data-table=disbursements] tr[data-disbursement='disb-cdb-deshan-2010-supplement'] a.finding-flag[data-finding-code='over_ceiling']"
        ),
        1
    );
    // A link opens the record.
    let first = shown[0]["seq"].as_u64().expect("seq");
    b.eval(&format!(
        "document.querySelector('table[data-table=disbursements] tr[data-seq=\"{first}\"] a.seq').click(); true"
    ));
    b.wait_route(&format!("#/records/{first}"));
    assert_eq!(
        b.eval("document.querySelector('.page.record')?.dataset.seq"),
        first.to_string()
    );

    // As of an earlier day: only what had happened by then, and it still adds up.
    b.open(&base, "#/funds?as_of=2008-12-31");
    show_all(&mut b);
    let then = rows(&mut b);
    assert_eq!(
        as_listed(&then),
        listed(&base, "&as_of=2008-12-31").0,
        "as of 2008-12-31, the console lists what the route lists"
    );
    assert!(
        !then.is_empty() && then.len() < shown.len(),
        "{} then, {} now",
        then.len(),
        shown.len()
    );
    assert!(then.iter().all(|r| r["date"].as_str().unwrap_or("9") <= "2008-12-31"));
    assert_adds_up(
        &then,
        &get(&base, "/v1/funds/accounts?as_of=2008-12-31"),
        "as of 2008-12-31",
    );
    b.assert_no_errors("the funds page's disbursements");
}
