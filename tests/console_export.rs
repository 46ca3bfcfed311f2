//! The console's "导出 Excel" / "Export Excel" buttons (issue 16) in a real
//! headless Chromium: one beside every table of every report page, and
//! the workbook it downloads is the command line's, byte for byte, for the
//! page's scope and the console's language.
//!
//! Shares the harness of tests/console.rs (`tests/browser/`); skipped as
//! those are when no Chromium is found outside CI.

mod browser;

use base64::Engine;
use browser::*;
use serde_json::json;
use std::path::Path;

/// `pledger report REPORT --format xlsx ARGS...`, read back from `--out`.
fn cli_workbook(data: &Path, report: &str, args: &[&str]) -> Vec<u8> {
    let file = data.with_file_name(format!("{report}-{}.xlsx", args.join("-")));
    let out = file.to_str().unwrap().to_string();
    pledger(
        data,
        &[&["report", report, "--format", "xlsx", "--out", &out][..], args].concat(),
    );
    std::fs::read(&file).expect("the CLI's workbook")
}

/// The report pages and the workbook their tables export; each page's
/// tables are listed by their `data-table` names.
const PAGES: &[(&str, &str, &[&str])] = &[
    ("#/findings", "findings", &["findings"]),
    ("#/targets", "targets", &["targets"]),
    ("#/funds", "funds", &["accounts", "allocations"]),
    ("#/commitments", "commitments", &["commitments"]),
    ("#/incentives", "incentives", &["schemes", "payouts"]),
    ("#/assessment", "assessment", &["assessment"]),
    ("#/projects", "projects", &["projects"]),
];

#[test]
fn every_report_table_has_an_excel_button_that_downloads_the_cli_workbook() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["demo"]);
    let expected: Vec<(&str, Vec<u8>)> = PAGES
        .iter()
        .map(|(_, report, _)| (*report, cli_workbook(&data, report, &["--lang", "zh-CN"])))
        .collect();
    let scoped = cli_workbook(&data, "findings", &["--lang", "zh-CN", "--as-of", "2008-12-31"]);
    let trace_file = data.with_file_name("trace.xlsx");
    pledger(
        &data,
        &[
            "trace",
            "city-treasury",
            "--format",
            "xlsx",
            "--lang",
            "zh-CN",
            "--out",
            trace_file.to_str().unwrap(),
        ],
    );
    let trace = std::fs::read(&trace_file).unwrap();

    let server = Server::start(&data, true);
    let base = server.base.clone();
    let mut b = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);
    for ((route, report, tables), (_, bytes)) in PAGES.iter().zip(&expected) {
        b.open(&base, route);
        for table in *tables {
            // The button sits in the tools row of the table's own wrapper.
            let sel = format!(
                "[...document.querySelectorAll('.table-wrap')].find(w => w.querySelector('table[data-table=\"{table}\"]'))?.querySelector('button.xlsx')"
            );
            let found = b.eval(&format!(
                "(() => {{ const x = {sel}; return x ? [x.dataset.workbook, x.innerText] : null; }})()"
            ));
            assert_eq!(
                found,
                json!([report, "⤓ 导出 Excel"]),
                "{route}: the Excel button beside table {table}"
            );
        }
        // What the button fetches: the CLI's workbook, byte for byte.
        let got = b.eval(&format!("window.pledgerConsole.workbook('{report}')"));
        assert_eq!(
            got["name"],
            json!(format!("pledger-{report}-{TODAY}.xlsx")),
            "{route}: {got}"
        );
        assert!(got["url"].as_str().unwrap().contains("lang=zh-CN"), "{got}");
        let body = base64::engine::general_purpose::STANDARD
            .decode(got["base64"].as_str().expect("base64"))
            .unwrap();
        assert!(body == *bytes, "{route}: the console's workbook differs from the CLI's");
        // Clicking it saves the file without an error on the page.
        b.eval("document.querySelector('button.xlsx').click()");
        b.wait_for(
            "!document.querySelector('button.xlsx').disabled",
            "the download to finish",
        );
    }

    // The page's scope goes with it.
    b.open(&base, "#/findings?as_of=2008-12-31");
    let got = b.eval("window.pledgerConsole.workbook('findings')");
    assert!(got["url"].as_str().unwrap().contains("as_of=2008-12-31"), "{got}");
    let body = base64::engine::general_purpose::STANDARD
        .decode(got["base64"].as_str().unwrap())
        .unwrap();
    assert!(body == scoped, "the scoped workbook differs from `--as-of 2008-12-31`");
    // A trace's table exports the trace, in the page's direction.
    b.open(&base, "#/trace/city-treasury?direction=down");
    let button = b.eval("document.querySelector('table[data-table=\"trace\"]').closest('.table-wrap').querySelector('button.xlsx').dataset.workbook");
    assert_eq!(button, json!("trace/city-treasury"));
    let got = b.eval("window.pledgerConsole.workbook('trace/city-treasury', { direction: 'down' })");
    let body = base64::engine::general_purpose::STANDARD
        .decode(got["base64"].as_str().unwrap())
        .unwrap();
    assert!(body == trace, "the trace's workbook differs from the CLI's");

    std::fs::create_dir_all(screenshots_dir()).expect("the screenshots' directory");
    b.screenshot("findings-zh-CN-export-button");
    b.assert_no_errors("export buttons");
}
