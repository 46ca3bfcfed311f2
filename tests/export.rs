//! Workbook and CSV export (issue 16): `--format xlsx|csv` on the reports
//! of the demo city, read back with calamine and held against the JSON
//! reports; the workbook to a pipe, the refusal on a terminal, and the
//! server's `GET /v1/workbooks/{report}` giving the same bytes.

mod common;
#[path = "common/server.rs"]
mod server;

use calamine::{Data, Reader, Xlsx};
use common::{cmd, run_cmd, Out};
use serde_json::Value;
use server::{agent, Server};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

const TODAY: &str = "2011-06-30";

fn pledger(data: &Path, args: &[&str]) -> Out {
    let mut c = cmd();
    c.arg("--data").arg(data).args(args).env("PLEDGER_TODAY", TODAY);
    run_cmd(c, None)
}

/// The demo ledger, in a temporary directory.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["demo", "--format", "json"]).expect(0);
    (dir, data)
}

fn json(data: &Path, args: &[&str]) -> Value {
    let out = pledger(data, &[args, &["--format", "json"]].concat());
    out.expect(0);
    serde_json::from_str(&out.stdout).expect("JSON report")
}

/// Writes `report` as a workbook with `--out` and returns its bytes.
fn workbook(data: &Path, args: &[&str]) -> Vec<u8> {
    let file = data.with_file_name(format!("{}.xlsx", args.join("-")));
    let file_s = file.to_str().unwrap().to_string();
    pledger(data, &[args, &["--format", "xlsx", "--out", &file_s]].concat()).expect(0);
    std::fs::read(&file).expect("the workbook was written")
}

struct Book {
    xlsx: Xlsx<Cursor<Vec<u8>>>,
    bytes: Vec<u8>,
}

impl Book {
    fn open(bytes: Vec<u8>) -> Book {
        let xlsx = Xlsx::new(Cursor::new(bytes.clone())).expect("a workbook calamine reads");
        Book { xlsx, bytes }
    }

    /// The rows of a sheet, header first.
    fn rows(&mut self, sheet: &str) -> Vec<Vec<Data>> {
        let range = self.xlsx.worksheet_range(sheet).expect("the sheet");
        assert_eq!(range.start(), Some((0, 0)), "the table starts at A1");
        range.rows().map(|r| r.to_vec()).collect()
    }

    /// A part of the package, as text.
    fn part(&self, name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(&self.bytes)).expect("a zip package");
        let mut s = String::new();
        zip.by_name(name).expect("the part").read_to_string(&mut s).unwrap();
        s
    }
}

fn col(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == &Data::String(name.into()))
        .unwrap_or_else(|| panic!("no column {name:?} in {header:?}"))
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(n) => *n as f64,
        other => panic!("not a number cell: {other:?}"),
    }
}

/// The Excel serial day of `YYYY-MM-DD` (days since 1899-12-30).
fn serial(day: &str) -> f64 {
    let d = time::Date::parse(day, time::macros::format_description!("[year]-[month]-[day]")).unwrap();
    let base = time::macros::date!(1899 - 12 - 30);
    (d - base).whole_days() as f64
}

/// An amount string of the JSON report as the double nearest to it, and
/// the same in 万元 (exact decimal shift, then the nearest double).
fn yuan(s: &str) -> f64 {
    s.parse().unwrap()
}

fn wan(s: &str) -> f64 {
    let neg = s.starts_with('-');
    let digits = s.trim_start_matches('-').replace('.', "");
    let fen: i128 = digits.parse().unwrap();
    let w = format!(
        "{}{}.{:06}",
        if neg { "-" } else { "" },
        fen / 1_000_000,
        fen % 1_000_000
    );
    w.parse().unwrap()
}

#[test]
fn funds_workbook_in_chinese_holds_the_json_amounts_with_names_and_totals() {
    let (_dir, data) = demo();
    let report = json(&data, &["report", "funds"]);
    let mut book = Book::open(workbook(&data, &["report", "funds", "--lang", "zh-CN"]));
    assert_eq!(book.xlsx.sheet_names(), ["账户与余额", "资金计划"]);

    let rows = book.rows("账户与余额");
    let header = rows[0].clone();
    for h in [
        "账户编号",
        "账户名称",
        "开户主体编号",
        "开户主体",
        "类型",
        "余额（元）",
        "余额（万元）",
    ] {
        col(&header, h);
    }
    let (id, name, holder, holder_name, kind) = (
        col(&header, "账户编号"),
        col(&header, "账户名称"),
        col(&header, "开户主体编号"),
        col(&header, "开户主体"),
        col(&header, "类型"),
    );
    let accounts = report["accounts"].as_array().unwrap();
    // The header, one row per account, a blank row and the totals row.
    assert_eq!(rows.len(), accounts.len() + 3, "rows: {}", rows.len());
    for (a, row) in accounts.iter().zip(&rows[1..]) {
        assert_eq!(text(&row[id]), a["account_id"].as_str().unwrap());
        assert_eq!(text(&row[name]), a["name"].as_str().unwrap_or(""));
        assert_eq!(text(&row[holder]), a["holder"].as_str().unwrap_or(""));
        assert!(
            a["holder"].is_null() || !text(&row[holder_name]).is_empty(),
            "the holder's name beside its id: {row:?}"
        );
        assert!(
            ["资金来源", "中转账户", "最终收款方", "未知"].contains(&text(&row[kind]).as_str()),
            "the kind in Chinese: {row:?}"
        );
        for field in [
            "allocated_in",
            "allocated_out",
            "disbursed_in",
            "disbursed_out",
            "received",
            "unconfirmed",
            "balance",
        ] {
            let zh = match field {
                "allocated_in" => "计划拨入",
                "allocated_out" => "计划拨出",
                "disbursed_in" => "实际拨入",
                "disbursed_out" => "实际拨出",
                "received" => "已确认到账",
                "unconfirmed" => "未确认到账",
                _ => "余额",
            };
            let amount = a[field].as_str().unwrap();
            let c = col(&header, &format!("{zh}（元）"));
            assert_eq!(number(&row[c]), yuan(amount), "{field} of {}", a["account_id"]);
            assert_eq!(
                number(&row[c + 1]),
                wan(amount),
                "{field} in 万元 of {}",
                a["account_id"]
            );
        }
    }
    // The totals row: the label, and SUM formulas whose cached values are
    // the exact totals.
    let totals = rows.last().unwrap();
    assert_eq!(text(&totals[0]), "合计");
    let balance = col(&header, "余额（元）");
    let fen: i128 = accounts
        .iter()
        .map(|a| {
            a["disbursed_in"]
                .as_str()
                .unwrap()
                .replace('.', "")
                .parse::<i128>()
                .unwrap()
        })
        .sum();
    let total_in = col(&header, "实际拨入（元）");
    assert_eq!(number(&totals[total_in]), (fen as f64) / 100.0);
    assert_eq!(number(&totals[balance]), 0.0, "balances over all accounts sum to zero");
    let formulas = book.xlsx.worksheet_formula("账户与余额").unwrap();
    let last = rows.len() - 1;
    let f = formulas
        .get_value((last as u32, total_in as u32))
        .expect("a formula in the totals row");
    assert!(
        f.trim_start_matches('=').starts_with("SUM(") && f.ends_with(&format!("{})", accounts.len() + 1)),
        "{f}"
    );

    // Frozen header and a filter over the table, in the sheet's XML.
    let sheet1 = book.part("xl/worksheets/sheet1.xml");
    assert!(
        sheet1.contains("ySplit=\"1\"") && sheet1.contains("state=\"frozen\""),
        "frozen header"
    );
    assert!(sheet1.contains("<autoFilter"), "an autofilter");
    assert!(sheet1.contains("<cols>"), "column widths");

    // Allocations: both accounts' names beside their ids.
    let rows = book.rows("资金计划");
    let header = &rows[0];
    let (from, from_name) = (col(header, "拨出账户编号"), col(header, "拨出账户"));
    let named = accounts
        .iter()
        .map(|a| (a["account_id"].as_str().unwrap(), a["name"].as_str().unwrap_or("")))
        .collect::<std::collections::HashMap<_, _>>();
    let allocations = report["allocations"].as_array().unwrap();
    assert!(!allocations.is_empty());
    for (a, row) in allocations.iter().zip(&rows[1..]) {
        assert_eq!(text(&row[from]), a["from_account"].as_str().unwrap());
        assert_eq!(text(&row[from_name]), named[a["from_account"].as_str().unwrap()]);
        assert_eq!(
            number(&row[col(header, "金额（元）")]),
            yuan(a["amount"].as_str().unwrap())
        );
    }
}

#[test]
fn every_report_is_a_workbook_with_typed_dates_and_the_findings_in_the_readers_language() {
    let (_dir, data) = demo();
    for report in [
        "targets",
        "funds",
        "commitments",
        "incentives",
        "assessment",
        "projects",
        "findings",
    ] {
        let mut book = Book::open(workbook(&data, &["report", report]));
        let first = book.xlsx.sheet_names()[0].clone();
        let rows = book.rows(&first);
        assert!(rows.len() > 1, "{report}: rows");
        assert!(
            rows[0].iter().all(|h| matches!(h, Data::String(_))),
            "{report}: a header row"
        );
    }

    // Findings: one row per finding, in Chinese, with its date a real date.
    let findings = json(&data, &["report", "findings", "--lang", "zh-CN"]);
    let findings = findings["findings"].as_array().unwrap();
    let mut book = Book::open(workbook(&data, &["report", "findings", "--lang", "zh-CN"]));
    assert_eq!(book.xlsx.sheet_names(), ["问题线索"]);
    let rows = book.rows("问题线索");
    let header = &rows[0];
    let (date, code, message, subjects, seqs, names) = (
        col(header, "日期"),
        col(header, "问题代码"),
        col(header, "账本所示"),
        col(header, "涉及"),
        col(header, "记录"),
        col(header, "涉及名称"),
    );
    assert_eq!(rows.len(), findings.len() + 1, "no totals row without amounts");
    for (f, row) in findings.iter().zip(&rows[1..]) {
        assert_eq!(text(&row[code]), f["code"].as_str().unwrap());
        assert_eq!(text(&row[message]), f["message"].as_str().unwrap());
        let subj: Vec<&str> = f["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(text(&row[subjects]), subj.join(" "));
        let s: Vec<String> = f["seqs"].as_array().unwrap().iter().map(|s| s.to_string()).collect();
        assert_eq!(text(&row[seqs]), s.join(" "));
        match &row[date] {
            Data::DateTime(d) => assert_eq!(d.as_f64(), serial(f["date"].as_str().unwrap())),
            other => panic!("the date is not a date cell: {other:?}"),
        }
    }
    assert!(
        rows[1..].iter().any(|r| text(&r[names]).contains('（')),
        "some subjects named as 名称（id）"
    );
}

#[test]
fn csv_in_chinese_has_translated_words_names_and_plain_amounts() {
    let (_dir, data) = demo();
    let targets = json(&data, &["report", "targets"]);
    let out = pledger(&data, &["report", "targets", "--format", "csv", "--lang", "zh-CN"]);
    out.expect(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), targets["targets"].as_array().unwrap().len() + 1);
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(&header[..3], ["目标编号", "责任单位编号", "责任单位"]);
    let status = header.iter().position(|h| *h == "状态").unwrap();
    let statuses: Vec<&str> = lines[1..].iter().map(|l| l.split(',').nth(status).unwrap()).collect();
    assert!(
        statuses.contains(&"已完成") && statuses.contains(&"未完成"),
        "{statuses:?}"
    );
    assert!(lines.iter().any(|l| l.contains("新引进")), "metrics in Chinese");
    assert!(
        lines[1].split(',').nth(2).is_some_and(|n| !n.is_empty()),
        "the assignee's name"
    );

    // Amounts: plain numbers in 元 and an exact 万元 column.
    let commitments = json(&data, &["report", "commitments"]);
    let out = pledger(&data, &["report", "commitments", "--format", "csv", "--lang", "zh-CN"]);
    out.expect(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let paid = header.iter().position(|h| *h == "已支付（元）").unwrap();
    assert_eq!(header[paid + 1], "已支付（万元）");
    for (c, line) in commitments["commitments"].as_array().unwrap().iter().zip(&lines[1..]) {
        // No cell of this ledger holds a comma or a quote before the
        // amounts; the id is the first cell.
        let cells: Vec<&str> = line.split(',').collect();
        if cells[0] != c["commitment_id"].as_str().unwrap() || line.contains('"') {
            continue;
        }
        assert_eq!(cells[paid], c["paid"].as_str().unwrap());
        assert_eq!(
            cells[paid + 1].parse::<f64>().unwrap(),
            wan(c["paid"].as_str().unwrap())
        );
    }

    // English CSV keeps ids and English words.
    let out = pledger(&data, &["report", "targets", "--format", "csv", "--lang", "en"]);
    out.expect(0);
    assert!(
        out.stdout.starts_with("target_id,assignee,assignee_name,metric,"),
        "{}",
        &out.stdout[..80]
    );
}

#[test]
fn a_workbook_goes_to_a_pipe_or_a_file_never_to_a_terminal() {
    let (_dir, data) = demo();
    // Standard output is a pipe here: the workbook is written to it, the
    // same bytes as --out.
    let mut c = cmd();
    c.arg("--data")
        .arg(&data)
        .args(["report", "projects", "--format", "xlsx", "--lang", "zh-CN"])
        .env("PLEDGER_TODAY", TODAY);
    let piped = c.output().expect("run pledger");
    assert!(piped.status.success(), "{}", String::from_utf8_lossy(&piped.stderr));
    assert!(piped.stdout.starts_with(b"PK"), "a zip package on the pipe");
    assert_eq!(
        piped.stdout,
        workbook(&data, &["report", "projects", "--lang", "zh-CN"])
    );

    // On a terminal it refuses, saying to use --out.
    let (master, tty) = pty();
    let mut c = cmd();
    c.arg("--data")
        .arg(&data)
        .args(["report", "findings", "--format", "xlsx"])
        .env("PLEDGER_TODAY", TODAY)
        .stdout(tty)
        .stderr(std::process::Stdio::piped());
    let out = c.output().expect("run pledger");
    drop(c);
    drop(master);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--out"), "{err}");

    // --out writes any format; xlsx is refused where it means nothing.
    let file = data.with_file_name("findings.json");
    pledger(
        &data,
        &[
            "report",
            "findings",
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
        ],
    )
    .expect(0);
    let v: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(v["findings"].is_array());
    pledger(&data, &["log", "--format", "xlsx"]).expect(2);

    // A trace as a workbook: the flows' amounts add up to the total.
    let trace = json(&data, &["trace", "city-treasury"]);
    let mut book = Book::open(workbook(&data, &["trace", "city-treasury"]));
    let rows = book.rows("trace");
    let amount = col(&rows[0], "amount (yuan)");
    assert_eq!(text(&rows.last().unwrap()[0]), "Total");
    assert_eq!(
        number(&rows.last().unwrap()[amount]),
        yuan(trace["total"].as_str().unwrap())
    );
}

/// A pseudo-terminal: its master end, and its other end as a child's
/// standard stream.
fn pty() -> (std::fs::File, std::process::Stdio) {
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty fills two descriptors that we then own.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: both descriptors are open and owned by nothing else.
    unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::process::Stdio::from(std::os::fd::OwnedFd::from_raw_fd(slave)),
        )
    }
}

#[test]
fn a_claim_as_a_workbook_holds_its_verdict_and_evidence_records() {
    let (_dir, data) = demo();
    // Contradicted: exit 1, with its answer all the same.
    let out = pledger(&data, &["claim", "jinshi-2008-ge10m", "--format", "json"]);
    out.expect(1);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let file = data.with_file_name("claim.xlsx");
    pledger(
        &data,
        &[
            "claim",
            "jinshi-2008-ge10m",
            "--format",
            "xlsx",
            "--lang",
            "zh-CN",
            "--out",
            file.to_str().unwrap(),
        ],
    )
    .expect(1);
    let mut book = Book::open(std::fs::read(&file).unwrap());
    assert_eq!(book.xlsx.sheet_names(), ["目标完成情况核验", "证据记录"]);
    let rows = book.rows("目标完成情况核验");
    assert_eq!(text(&rows[1][col(&rows[0], "结论")]), "与记录相悖");
    assert_eq!(text(&rows[1][col(&rows[0], "责任单位")]), "津市市工业园");
    let rows = book.rows("证据记录");
    let seqs: Vec<f64> = rows[1..]
        .iter()
        .map(|r| number(&r[col(&rows[0], "记录序号")]))
        .collect();
    let want: Vec<f64> = v["deciding_seqs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_f64().unwrap())
        .collect();
    assert_eq!(seqs, want);
}

#[test]
fn export_shows_progress_on_a_terminal_and_nothing_when_piped() {
    let (_dir, data) = demo();
    let file = data.with_file_name("ledger.bundle");
    let f = file.to_str().unwrap();
    let piped = pledger(&data, &["export", "--out", f]);
    piped.expect(0);
    assert_eq!(piped.stderr, "", "silent when standard error is piped");

    let (mut master, tty) = pty();
    let mut c = cmd();
    c.arg("--data")
        .arg(&data)
        .args(["export", "--out", f])
        .stdout(std::process::Stdio::null())
        .stderr(tty);
    let status = c.status().expect("run pledger");
    drop(c);
    assert!(status.success());
    // Everything the terminal was sent (read until the last writer is gone).
    let mut shown = Vec::new();
    let _ = master.read_to_end(&mut shown);
    let shown = String::from_utf8_lossy(&shown);
    assert!(shown.contains("exporting"), "a progress bar on the terminal: {shown:?}");
    pledger(&data, &["verify-bundle", f]).expect(0);
}

#[test]
fn the_server_gives_the_same_workbook_as_the_command_line() {
    let (_dir, data) = demo();
    let from_cli = workbook(&data, &["report", "assessment", "--lang", "zh-CN"]);
    let findings_cli = workbook(&data, &["report", "findings", "--lang", "en"]);
    let trace_cli = workbook(&data, &["trace", "city-treasury", "--up", "--lang", "zh-CN"]);
    let server = Server::start_env(&data, &["--public-reads"], &[("PLEDGER_TODAY", TODAY)]);
    let a = agent();
    let resp = a
        .get(&server.url("/v1/workbooks/assessment?lang=zh-CN"))
        .call()
        .expect("the workbook route");
    assert_eq!(
        resp.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let disposition = resp.header("content-disposition").unwrap_or_default().to_string();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("pledger-assessment-2011-06-30.xlsx"),
        "{disposition}"
    );
    let mut body = Vec::new();
    resp.into_reader().read_to_end(&mut body).unwrap();
    assert_eq!(
        body, from_cli,
        "the same bytes as `pledger report assessment --format xlsx`"
    );

    let resp = a
        .get(&server.url("/v1/workbooks/findings"))
        .set("Accept-Language", "en-GB")
        .call()
        .unwrap();
    let mut body = Vec::new();
    resp.into_reader().read_to_end(&mut body).unwrap();
    assert_eq!(body, findings_cli);

    let resp = a
        .get(&server.url("/v1/workbooks/trace/city-treasury?direction=up&lang=zh-CN"))
        .call()
        .unwrap();
    assert!(resp
        .header("content-disposition")
        .unwrap_or_default()
        .contains("pledger-trace-city-treasury-up-2011-06-30.xlsx"));
    let mut body = Vec::new();
    resp.into_reader().read_to_end(&mut body).unwrap();
    assert_eq!(
        body, trace_cli,
        "the same bytes as `pledger trace city-treasury --up --format xlsx`"
    );

    match a.get(&server.url("/v1/workbooks/ledger")).call() {
        Err(ureq::Error::Status(404, _)) => {}
        other => panic!("an unknown report: {other:?}"),
    }
    // The route is in the API description.
    let doc: Value = a.get(&server.url("/openapi.json")).call().unwrap().into_json().unwrap();
    assert!(doc["paths"]["/v1/workbooks/{report}"]["get"].is_object());
}
