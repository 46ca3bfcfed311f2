//! Importing a spreadsheet from the console (issue 16): in a real headless
//! Chromium, in Chinese, the finance bureau signs in on 导入, downloads the
//! template link, sends a workbook with bad rows as a dry run and sees each
//! listed by row, column and reason (nothing written), sends the fixed
//! workbook, sees "已导入", and finds the money on the funds page.
//! Screenshots in `target/console-import-screenshots/`.
//!
//! Uses the console's browser harness (`tests/browser/`); needs a headless
//! Chromium (`PLEDGER_SKIP_BROWSER=1` skips it).

mod browser;
mod common;

use browser::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::json;
use std::path::Path;

fn token(data: &Path, entity: &str, role: &str) -> String {
    pledger(data, &["token", "add", entity, "--role", role])
        .lines()
        .last()
        .expect("a token")
        .trim()
        .to_string()
}

fn pick_file(b: &mut Browser, selector: &str, path: &Path) {
    let doc = b.call("DOM.getDocument", json!({}));
    let root = doc["root"]["nodeId"].as_u64().expect("document node");
    let node = b.call("DOM.querySelector", json!({"nodeId": root, "selector": selector}));
    let id = node["nodeId"].as_u64().expect("the file input");
    assert_ne!(id, 0, "no {selector}");
    b.call(
        "DOM.setFileInputFiles",
        json!({"nodeId": id, "files": [path.to_str().unwrap()]}),
    );
}

/// A workbook of `n` disbursements of 5万 each, by the template's Chinese
/// headers (amounts in 万元); `bad` rows (by index) name an account that
/// does not exist.
fn workbook(path: &Path, n: usize, bad: &[usize]) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let s = book.add_worksheet();
    for (c, h) in [
        "记录主体",
        "发生日期",
        "拨付编号",
        "付款账户",
        "收款账户",
        "金额（万元）",
        "用途",
    ]
    .iter()
    .enumerate()
    {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..n {
        let r = i as u32 + 1;
        s.write_string(r, 0, "city-finance").unwrap();
        s.write_datetime_with_format(r, 1, ExcelDateTime::from_ymd(2011, 5, 1 + i as u8 % 28).unwrap(), &date)
            .unwrap();
        s.write_string(r, 2, format!("web-imp-{i}")).unwrap();
        s.write_string(r, 3, "city-treasury").unwrap();
        s.write_string(r, 4, if bad.contains(&i) { "nowhere" } else { "park-a-infra" })
            .unwrap();
        s.write_number(r, 5, 5.0).unwrap();
        s.write_string(r, 6, "园区道路").unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn importing_a_workbook_from_the_console() {
    let Some(chromium) = chromium() else { return };
    let shots = screenshots_dir()
        .parent()
        .expect("the target directory")
        .join("console-import-screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("ledger");
    pledger(&data, &["init"]);
    let events = common::import_city();
    let file = dir.path().join("events.ndjson");
    std::fs::write(&file, events.iter().map(|e| e.to_string() + "\n").collect::<String>()).unwrap();
    pledger(&data, &["append", file.to_str().unwrap()]);
    let finance = token(&data, "city-finance", "recorder");
    let bad = dir.path().join("bad.xlsx");
    let good = dir.path().join("good.xlsx");
    workbook(&bad, 20, &[4, 11]);
    workbook(&good, 20, &[]);

    let server = Server::start(&data, false);
    let base = server.base.clone();
    let mut b = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);

    // Sign in on the import page itself.
    b.goto(&format!("{base}/#/import"));
    b.wait_for("document.getElementById('signin-token')", "the sign-in box");
    assert!(b.text("h1").contains("导入表格"), "{}", b.text("h1"));
    b.eval(&format!(
        "(() => {{ document.getElementById('signin-token').value = {}; document.getElementById('signin-submit').click(); }})()",
        serde_json::to_string(&finance).unwrap()
    ));
    b.wait_for("document.getElementById('import-file')", "the import form");
    assert_eq!(
        b.eval("document.getElementById('import-type').value"),
        json!("fund.disbursed")
    );
    assert!(
        b.text("#import-template").contains("下载"),
        "{}",
        b.text("#import-template")
    );
    let template = b.eval("document.getElementById('import-template').getAttribute('href')");
    assert_eq!(template, json!("/v1/import/template?type=fund.disbursed"));
    assert!(b.text("nav").contains("导入"), "the header offers 导入");

    // The dry run lists the two bad rows (rows 6 and 13: header is row 1).
    pick_file(&mut b, "#import-file", &bad);
    b.eval("document.getElementById('import-dry-run').click()");
    b.wait_for("document.body.dataset.importState === 'problems'", "the problems");
    let rows = b.eval(
        "[...document.querySelectorAll('#import-problems tbody tr')].map(tr => tr.dataset.row + ' ' + tr.dataset.code)",
    );
    assert_eq!(rows, json!(["6 unknown_reference", "13 unknown_reference"]));
    let text = b.text("#import-problems");
    assert!(text.contains("试导入：发现 2 处问题"), "{text}");
    assert!(text.contains("收款账户"), "the column as written: {text}");
    assert!(text.contains("引用的对象不存在"), "the reason in Chinese: {text}");
    b.screenshot_in(&shots, "dry-run-problems-zh-CN");
    let records = |b: &mut Browser| -> u64 {
        let v = b.eval("fetch('/healthz').then(r => r.json()).then(j => j.records)");
        v.as_u64().unwrap()
    };
    assert_eq!(records(&mut b), 5, "a dry run writes nothing");

    // The fixed workbook: checked, then imported.
    pick_file(&mut b, "#import-file", &good);
    b.eval("document.getElementById('import-dry-run').click()");
    b.wait_for("document.body.dataset.importState === 'checked'", "the dry run");
    assert!(
        b.text("#import-ok").contains("20 行均可记录"),
        "{}",
        b.text("#import-ok")
    );
    b.eval("document.getElementById('import-submit').click()");
    b.wait_for("document.body.dataset.importState === 'imported'", "the import");
    let done = b.text("#import-done");
    assert!(done.contains("已导入 20 行"), "{done}");
    b.screenshot_in(&shots, "imported-zh-CN");
    assert_eq!(records(&mut b), 25);

    // The funds page shows the park's account with the 100万 received.
    b.eval("document.querySelector('#import-done a[href^=\"#/funds\"]').click()");
    b.wait_for(
        "document.body.dataset.route.startsWith('#/funds') && document.body.dataset.state === 'ready'",
        "the funds page",
    );
    let main = b.text("#main");
    assert!(main.contains("经开区基础设施专户"), "{main}");
    assert!(
        main.contains("100万") || main.contains("1,000,000"),
        "the 100万 disbursed: {main}"
    );
    b.screenshot_in(&shots, "funds-zh-CN");
    b.assert_no_errors("the import page");
}
