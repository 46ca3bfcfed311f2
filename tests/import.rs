//! Spreadsheet import (issue 16): a clerk downloads the template of
//! `fund.disbursed`, fills 200 rows (some wrong), dry-runs it and gets
//! every bad row with its row number, column and reason while nothing is
//! written, fixes the rows, imports them as one batch, and finds the 200
//! records in the log and in the funds view. Also: CSV with a map file, 万元
//! columns and text dates; and over HTTP, a row in another entity's name
//! refused (with nothing written), the template served, a dry run.

mod common;
#[path = "common/server.rs"]
mod server;

use calamine::{Data, Reader};
use common::{ndjson, Ledger};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// A city, its finance bureau (an office of it), a park, the treasury
/// (held by the city) and the park's infrastructure account.
fn ledger() -> Ledger {
    let l = Ledger::new();
    let events = common::import_city();
    l.append_str(&ndjson(&events)).expect(0);
    l
}

fn log_len(l: &Ledger) -> usize {
    l.run(&["log", "--format", "json"]).expect(0).stdout.lines().count()
}

fn cells(path: &Path) -> Vec<Vec<Data>> {
    let mut book = calamine::open_workbook_auto(path).expect("open workbook");
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).expect("first sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

/// One row of the filled sheet: what the clerk typed, by column.
#[derive(Clone)]
struct Row {
    actor: &'static str,
    date: Result<(u16, u8, u8), &'static str>,
    id: String,
    to: &'static str,
    amount: f64,
    kind: &'static str,
}

fn good(i: usize) -> Row {
    Row {
        actor: "city-finance",
        date: Ok((2011, 1 + (i % 12) as u8, 1 + (i % 28) as u8)),
        id: format!("imp-{i:04}"),
        to: "park-a-infra",
        // 1,000.50 yuan up to 200 × 1,000.50: cents survive the float.
        amount: 1000.5 * (i as f64),
        kind: "转拨",
    }
}

/// Writes the clerk's workbook: the template's header and its example
/// row as they were, then the rows.
fn fill(path: &Path, header: &[Data], example: &[Data], rows: &[Row]) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let s = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        s.write_string(0, c as u16, h.to_string()).unwrap();
    }
    for (c, v) in example.iter().enumerate() {
        match v {
            Data::String(t) => {
                s.write_string(1, c as u16, t).unwrap();
            }
            Data::Float(f) => {
                s.write_number(1, c as u16, *f).unwrap();
            }
            Data::DateTime(d) => {
                s.write_number_with_format(1, c as u16, d.as_f64(), &date).unwrap();
            }
            _ => {}
        }
    }
    let col = |name: &str| {
        header
            .iter()
            .position(|h| matches!(h, Data::String(s) if s == name))
            .unwrap_or_else(|| panic!("no {name}")) as u16
    };
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 2;
        s.write_string(row, col("记录主体"), r.actor).unwrap();
        match r.date {
            Ok((y, m, d)) => s
                .write_datetime_with_format(row, col("发生日期"), ExcelDateTime::from_ymd(y, m, d).unwrap(), &date)
                .map(|_| ())
                .unwrap(),
            Err(text) => s.write_string(row, col("发生日期"), text).map(|_| ()).unwrap(),
        }
        s.write_string(row, col("拨付编号"), &r.id).unwrap();
        s.write_string(row, col("付款账户"), "city-treasury").unwrap();
        s.write_string(row, col("收款账户"), r.to).unwrap();
        s.write_number(row, col("金额（元）"), r.amount).unwrap();
        s.write_string(row, col("用途"), format!("园区道路建设（第{}批）", i + 1))
            .unwrap();
        s.write_string(row, col("拨付类型"), r.kind).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_clerk_imports_200_disbursements_from_the_template() {
    let l = ledger();
    let dir = l.tmp.path();
    let before = log_len(&l);

    // 1. The template: Chinese headers, the field name in each header's
    // note, an example row, dropdowns for the enumerations.
    let t = dir.join("t.xlsx");
    let out = l.run(&[
        "--lang",
        "zh-CN",
        "template",
        "fund.disbursed",
        "--out",
        t.to_str().unwrap(),
    ]);
    out.expect(0);
    assert!(
        out.stdout.contains("已生成 fund.disbursed 的导入模板"),
        "{}",
        out.stdout
    );
    let grid = cells(&t);
    let header = grid[0].clone();
    let example = grid[1].clone();
    let names: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for h in [
        "记录主体",
        "发生日期",
        "拨付编号",
        "付款账户",
        "收款账户",
        "金额（元）",
        "用途",
        "拨付类型",
        "事件编号",
    ] {
        assert!(names.iter().any(|n| n == h), "template headers {names:?} lack {h}");
    }
    if let Ok(o) = std::process::Command::new("unzip").arg("-p").arg(&t).output() {
        if o.status.success() {
            let xml = String::from_utf8_lossy(&o.stdout);
            assert!(xml.contains("<dataValidation"), "a dropdown");
            assert!(xml.contains("转拨,支出,还款,付息"), "the kinds' dropdown in Chinese");
            assert!(xml.contains("field: amount"), "the field name in the header's note");
        }
    }
    // The template as it is imports nothing: its example row is not data.
    let unchanged = l.run(&[
        "import",
        t.to_str().unwrap(),
        "--type",
        "fund.disbursed",
        "--dry-run",
        "--format",
        "json",
    ]);
    unchanged.expect(2);
    assert!(unchanged.stdout.contains("no_rows"), "{}", unchanged.stdout);

    // 2. 200 rows, five of them wrong, the example row left in place.
    let mut rows: Vec<Row> = (1..=200).map(good).collect();
    // Sheet row = index + 3 (header, example).
    rows[9].amount = 12.345; // row 12: finer than a fen
    rows[49].to = "nowhere"; // row 52: no such account
    rows[119].date = Err("2011-02-30"); // row 122: no such day
    rows[149].kind = "gift"; // row 152: not a kind
    rows[179].actor = "park-a"; // row 182: the park does not hold the treasury
    let bad = dir.join("filled.xlsx");
    fill(&bad, &header, &example, &rows);
    let dry = l.run(&[
        "--lang",
        "zh-CN",
        "--format",
        "json",
        "import",
        bad.to_str().unwrap(),
        "--type",
        "fund.disbursed",
        "--dry-run",
    ]);
    dry.expect(2);
    let problems: Value = serde_json::from_str(&dry.stdout).expect("JSON");
    let found: BTreeSet<(u64, String, String)> = problems["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap(),
                p["column"].as_str().unwrap_or("").to_string(),
                p["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(u64, String, String)> = [
        (12, "金额（元）", "too_precise"),
        (52, "收款账户", "unknown_reference"),
        (122, "发生日期", "not_a_date"),
        (152, "拨付类型", "not_in_list"),
        (182, "记录主体", "not_permitted"),
    ]
    .into_iter()
    .map(|(r, c, k)| (r, c.to_string(), k.to_string()))
    .collect();
    assert_eq!(found, expected, "{}", dry.stdout);
    assert!(
        dry.stdout.contains("精确到分以下"),
        "reasons in Chinese: {}",
        dry.stdout
    );
    assert!(dry.stderr.contains("未写入任何记录"), "{}", dry.stderr);
    // The table form names the same rows.
    let table = l.run(&[
        "--lang",
        "zh-CN",
        "import",
        bad.to_str().unwrap(),
        "--type",
        "fund.disbursed",
        "--dry-run",
    ]);
    table.expect(2);
    assert!(table.stdout.starts_with("行"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .lines()
            .any(|line| line.starts_with("122") && line.contains("发生日期")),
        "{}",
        table.stdout
    );
    assert_eq!(log_len(&l), before, "a dry run writes nothing");
    // Imported for real, the bad sheet is refused whole.
    l.run(&["import", bad.to_str().unwrap(), "--type", "fund.disbursed"])
        .expect(2);
    assert_eq!(log_len(&l), before, "a bad sheet writes nothing");

    // 3. Fixed, checked, imported.
    let rows: Vec<Row> = (1..=200).map(good).collect();
    let fixed = dir.join("fixed.xlsx");
    fill(&fixed, &header, &example, &rows);
    let ok = l.run(&[
        "--lang",
        "zh-CN",
        "import",
        fixed.to_str().unwrap(),
        "--type",
        "fund.disbursed",
        "--dry-run",
    ]);
    ok.expect(0);
    assert!(ok.stdout.contains("200 行均可记录"), "{}", ok.stdout);
    assert_eq!(log_len(&l), before);
    let done = l.run(&[
        "--lang",
        "zh-CN",
        "import",
        fixed.to_str().unwrap(),
        "--type",
        "fund.disbursed",
    ]);
    done.expect(0);
    assert!(done.stdout.contains("新增 200 条记录"), "{}", done.stdout);
    let log: Vec<Value> = l
        .run(&["log", "--format", "json"])
        .expect(0)
        .stdout
        .lines()
        .map(|x| serde_json::from_str(x).unwrap())
        .collect();
    assert_eq!(log.len(), before + 200);
    let mut total_fen: i64 = 0;
    for (i, r) in log[before..].iter().enumerate() {
        let e = &r["event"];
        assert_eq!(e["type"], "fund.disbursed");
        assert_eq!(e["actor"], "city-finance");
        assert_eq!(e["data"]["disbursement_id"], format!("imp-{:04}", i + 1));
        assert_eq!(e["data"]["kind"], "transfer");
        let (y, m, d) = good(i + 1).date.unwrap();
        assert_eq!(e["occurred_at"], format!("{y}-{m:02}-{d:02}"));
        let fen = 100_050 * (i as i64 + 1);
        let expected = if fen % 100 == 0 {
            format!("{}", fen / 100)
        } else {
            format!("{}.{}", fen / 100, (fen % 100) / 10)
        };
        assert_eq!(e["data"]["amount"], expected, "row {}", i + 3);
        total_fen += fen;
    }
    // The funds view sees them.
    let funds: Value = serde_json::from_str(&l.run(&["report", "funds", "--format", "json"]).expect(0).stdout).unwrap();
    let park = funds["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == "park-a-infra")
        .expect("the park's account");
    assert_eq!(
        park["disbursed_in"],
        format!("{}.{:02}", total_fen / 100, total_fen % 100)
    );

    // 4. The same sheet again is refused row by row: the ids are taken.
    let again = l.run(&[
        "--format",
        "json",
        "import",
        fixed.to_str().unwrap(),
        "--type",
        "fund.disbursed",
    ]);
    again.expect(2);
    let again: Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(again["problems"].as_array().unwrap().len(), 200);
    assert!(again["problems"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["code"] == "duplicate_id"));
    assert_eq!(log_len(&l), before + 200);
}

#[test]
fn csv_with_a_map_file_wan_columns_and_text_dates() {
    let l = ledger();
    let before = log_len(&l);
    let csv = "\u{feff}单位,日期,单号,付款方,收款方,拨付额（万元）,事由\n\
               city-finance,2011/3/1,c-1,city-treasury,park-a-infra,1.5,道路\n\
               city-finance,2011年3月2日,c-2,city-treasury,park-a-infra,\"1,200.0001\",厂房\n\
               city-finance,2011-03-03,c-3,city-treasury,park-a-infra,0.00001,零头\n";
    let file = l.file("d.csv", csv);
    let map = l.file(
        "map.toml",
        "[columns]\n\"单位\" = \"actor\"\n\"日期\" = \"occurred_at\"\n\"单号\" = \"disbursement_id\"\n\"付款方\" = \"from_account\"\n\"收款方\" = \"to_account\"\n\"拨付额（万元）\" = \"amount\"\n\"事由\" = \"purpose\"\n",
    );
    // Without the map the headers name nothing.
    let unmapped = l.run(&[
        "--format",
        "json",
        "import",
        file.to_str().unwrap(),
        "--type",
        "fund.disbursed",
        "--dry-run",
    ]);
    unmapped.expect(2);
    assert!(unmapped.stdout.contains("unknown_column"), "{}", unmapped.stdout);
    let out = l.run(&[
        "import",
        file.to_str().unwrap(),
        "--type",
        "fund.disbursed",
        "--map",
        map.to_str().unwrap(),
    ]);
    out.expect(0);
    let log: Vec<Value> = l
        .run(&["log", "--format", "json"])
        .expect(0)
        .stdout
        .lines()
        .map(|x| serde_json::from_str(x).unwrap())
        .collect();
    let got: Vec<(String, String)> = log[before..]
        .iter()
        .map(|r| {
            (
                r["event"]["occurred_at"].as_str().unwrap().to_string(),
                r["event"]["data"]["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("2011-03-01".to_string(), "15000".to_string()),
            ("2011-03-02".to_string(), "12000001".to_string()),
            ("2011-03-03".to_string(), "0.1".to_string()),
        ]
    );
}

#[test]
fn over_http_every_row_is_the_tokens_entity() {
    use server::{agent, get, token, Server};
    let l = ledger();
    let tok = token(&l.data, "city-finance", "recorder");
    let srv = Server::start(&l.data, &[]);
    let a = agent();
    let records = |a: &ureq::Agent| get(a, &srv.url("/healthz"), None).json()["records"].as_u64().unwrap();
    let before = records(&a);
    let post = |query: &str, body: &str| {
        let r = a
            .post(&srv.url(&format!("/v1/import?{query}")))
            .set("Authorization", &format!("Bearer {tok}"))
            .set("Content-Type", "text/csv")
            .send_string(body);
        match r {
            Ok(resp) => (resp.status(), resp.into_json::<Value>().unwrap()),
            Err(ureq::Error::Status(s, resp)) => (s, resp.into_json::<Value>().unwrap()),
            Err(e) => panic!("{e}"),
        }
    };
    let head = "actor,occurred_at,disbursement_id,from_account,to_account,amount,purpose\n";
    let mixed = format!(
        "{head}city-finance,2011-04-01,h-1,city-treasury,park-a-infra,100,a\ncity,2011-04-02,h-2,city-treasury,park-a-infra,100,b\n"
    );
    let (status, body) = post("type=fund.disbursed&lang=zh-CN", &mixed);
    assert_eq!(status, 422, "{body}");
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{body}");
    assert_eq!(problems[0]["row"], 3);
    assert_eq!(problems[0]["column"], "actor");
    assert_eq!(problems[0]["code"], "forbidden_actor");
    assert!(problems[0]["reason"].as_str().unwrap().contains("记录主体"), "{body}");
    assert_eq!(records(&a), before, "nothing written");

    let good = format!("{head}city-finance,2011-04-01,h-1,city-treasury,park-a-infra,100,a\n");
    let (status, body) = post("type=fund.disbursed&dry_run=true", &good);
    assert_eq!((status, body["rows"].clone()), (200, json!(1)), "{body}");
    assert_eq!(records(&a), before, "a dry run writes nothing");
    let (status, body) = post("type=fund.disbursed", &good);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["appended"], 1);
    assert_eq!(records(&a), before + 1);

    // No token: 401; no type: 400; the template is served to anyone.
    let anon = a.post(&srv.url("/v1/import?type=fund.disbursed")).send_string(&good);
    assert!(matches!(anon, Err(ureq::Error::Status(401, _))));
    let (status, _) = post("", &good);
    assert_eq!(status, 400);
    let resp = a
        .get(&srv.url("/v1/import/template?type=fund.disbursed"))
        .call()
        .expect("template");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut resp.into_reader(), &mut bytes).unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx workbook");
}
