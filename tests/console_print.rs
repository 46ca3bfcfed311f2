//! The console's printed findings report (issue 16, part 5) in a real
//! headless Chromium: the demo ledger served by `pledger serve`, the
//! findings page printed to PDF with `Page.printToPDF`, and the print
//! stylesheet checked with the page emulating print media — what is hidden,
//! one row per finding, and the footer's checkpoint and log position
//! against `pledger checkpoint` and `GET /v1/checkpoint`.
//!
//! Chromium compresses the PDF's streams (Flate) and writes its text as
//! glyph ids; tests/pdf/mod.rs inflates them and maps the glyphs back
//! through the fonts' ToUnicode CMaps, so the PDF's own text is checked
//! too: every sentence in it, and the footer on every page. Needs
//! Chromium as tests/console.rs does (tests/browser/mod.rs).

mod browser;
mod pdf;

use browser::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn messages(findings: &Value) -> BTreeSet<String> {
    findings["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().expect("message").to_string())
        .collect()
}

/// The number of page objects of a PDF (`/Type /Page`, not `/Pages`);
/// Chromium writes them uncompressed.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let mut n = 0;
    let mut rest = text.as_ref();
    while let Some(i) = rest.find("/Type") {
        rest = &rest[i + 5..];
        let after = rest.trim_start();
        if let Some(tail) = after.strip_prefix("/Page") {
            if !tail.starts_with('s') {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn the_findings_report_prints() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["demo"]);
    let checkpoint = pledger_json(&data, &["checkpoint", "--format", "json"]);
    let findings = pledger_json(&data, &["report", "findings", "--format", "json"]);
    let findings_zh = pledger_json(&data, &["report", "findings", "--format", "json", "--lang", "zh-CN"]);
    let records = pledger(&data, &["log", "--format", "json"]).lines().count() as u64;
    let total = findings["findings"].as_array().expect("findings").len() as u64;
    assert!(total > 10, "the demo has findings");

    let server = Server::start(&data, true);
    let base = server.base.clone();
    let served: Value = ureq::get(&format!("{base}/v1/checkpoint"))
        .call()
        .expect("GET /v1/checkpoint")
        .into_json()
        .expect("checkpoint JSON");
    assert_eq!(
        served["size"], checkpoint["size"],
        "the server's checkpoint is the command line's"
    );
    assert_eq!(served["root"], checkpoint["root"]);

    let mut b = Browser::launch(&chromium, &["--lang=en-US", "--accept-lang=en-US,en"]);
    b.open(&base, "#/findings");

    // The action: a Print button that asks the browser to print.
    assert_eq!(b.text(".print-button"), "Print");
    b.eval("window.__printed = 0; window.print = () => { window.__printed += 1; }; true");
    b.eval("document.querySelector('.print-button').click(); true");
    assert_eq!(
        b.eval("window.__printed"),
        json!(1),
        "the Print button calls window.print()"
    );

    // On screen the report is not shown.
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('.print-report')).display"),
        json!("none")
    );

    // The PDF.
    let printed = b.call(
        "Page.printToPDF",
        json!({"printBackground": false, "preferCSSPageSize": true}),
    );
    use base64::Engine;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(printed["data"].as_str().expect("PDF data"))
        .expect("base64 PDF");
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF: {:?}", &pdf[..pdf.len().min(16)]);
    assert!(pdf.len() > 20_000, "a PDF of {} bytes", pdf.len());
    let pages = pdf_pages(&pdf);
    assert!(pages >= 1, "no page in the PDF");
    let target = screenshots_dir().parent().expect("target").join("console-print");
    std::fs::create_dir_all(&target).expect("create target/console-print");
    std::fs::write(target.join("findings-en.pdf"), &pdf).expect("write the PDF");

    // The PDF's text: each page ends with the footer (a repeated table
    // footer), and every finding's sentence is printed.
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let texts: Vec<String> = pdf::pages_text(&pdf).iter().map(|t| squeeze(t)).collect();
    assert_eq!(texts.len(), pages, "page objects and pages in the Pages tree");
    let footer = squeeze(&format!(
        "Checkpoint: tree size {}, root {} · built on log position {}",
        checkpoint["size"],
        checkpoint["root"].as_str().expect("root"),
        records - 1
    ));
    for (i, t) in texts.iter().enumerate() {
        assert!(
            t.contains(&footer),
            "page {} of the PDF lacks the footer {footer:?}: {t}",
            i + 1
        );
    }
    let all_text = texts.concat();
    assert!(all_text.contains(&squeeze("Findings report")));
    for m in messages(&findings) {
        assert!(all_text.contains(&squeeze(&m)), "the PDF lacks the sentence {m:?}");
    }

    // What was printed: the page as print media shows it.
    b.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
    let hidden = |b: &mut Browser, selector: &str| -> bool {
        let s = serde_json::to_string(selector).unwrap();
        b.eval(&format!(
            "[...document.querySelectorAll({s})].every((e) => e.getClientRects().length === 0)"
        )) == json!(true)
    };
    for selector in [
        "#top",
        "nav",
        ".controls",
        "#lang-switch",
        ".filters",
        ".print-button",
        ".code-chips",
        "table.data",
        ".shown-note",
        ".page-head",
    ] {
        assert!(b.count(selector) > 0, "{selector} is on the page");
        assert!(hidden(&mut b, selector), "{selector} is shown in print");
    }
    assert!(!hidden(&mut b, ".print-report"), "the report is not shown in print");
    b.screenshot_in(&target, "findings-print-media-en");

    // One row per finding, as `pledger report findings` counts them.
    assert_eq!(b.count(".print-report tr.print-finding"), total);
    assert_eq!(
        b.eval("document.querySelector('.print-report').dataset.count"),
        json!(total.to_string())
    );
    assert_eq!(b.text(".print-count"), format!("{total} findings"));
    // Each row: number, date, severity, unit by name and id, kind, sentence, records.
    let rows = b.eval(
        "[...document.querySelectorAll('.print-report tr.print-finding')].map((r) => [...r.cells].map((c) => c.innerText))",
    );
    let rows = rows.as_array().expect("rows");
    let expected = messages(&findings);
    let shown: BTreeSet<String> = rows.iter().map(|r| r[5].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(shown, expected, "the printed sentences are the ledger's");
    for r in rows {
        assert!(
            ["serious", "significant", "minor"].contains(&r[2].as_str().unwrap_or("")),
            "{r}"
        );
        assert!(r[6].as_str().unwrap_or("").starts_with('#'), "{r}");
    }
    // A subject with a registered name is printed with its id.
    let units =
        b.eval("[...document.querySelectorAll('.print-report .print-unit')].map((u) => u.innerText).join('\\n')");
    assert!(units.as_str().unwrap_or("").contains("(jinshi-park)"), "units: {units}");

    // The header: the ledger and the date judged at.
    assert!(b
        .text(".print-ledger")
        .contains(checkpoint["origin"].as_str().expect("origin")));
    assert!(b.text(".print-judged").contains(TODAY), "{}", b.text(".print-judged"));

    // The footer: the checkpoint and the log position the report stands on.
    let foot = b.eval("({...document.querySelector('.print-report .print-foot').dataset})");
    assert_eq!(foot["checkpointSize"], json!(checkpoint["size"].to_string()));
    assert_eq!(foot["checkpointRoot"], checkpoint["root"]);
    assert_eq!(foot["logPosition"], json!((records - 1).to_string()));
    let foot_text = b.text(".print-report .print-foot");
    assert!(
        foot_text.contains(&format!("tree size {}", checkpoint["size"]))
            && foot_text.contains(checkpoint["root"].as_str().expect("root"))
            && foot_text.contains(&format!("log position {}", records - 1)),
        "footer: {foot_text}"
    );
    assert!(!hidden(&mut b, ".print-report tfoot"), "the footer is not printed");

    // In Chinese: the sentences in the chosen language.
    b.call("Emulation.setEmulatedMedia", json!({"media": ""}));
    b.eval("document.getElementById('lang-switch').click(); true");
    b.wait_for(
        "document.querySelector('.print-button') && document.querySelector('.print-button').innerText === '打印'",
        "the Chinese console",
    );
    b.wait_route("#/findings");
    b.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
    let zh: BTreeSet<String> = b
        .eval("[...document.querySelectorAll('.print-report td.print-message')].map((c) => c.innerText)")
        .as_array()
        .expect("sentences")
        .iter()
        .map(|s| s.as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(zh, messages(&findings_zh), "the printed sentences in Chinese");
    assert!(b.text(".print-report .print-foot").contains("检查点"));
    let printed = b.call("Page.printToPDF", json!({"preferCSSPageSize": true}));
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(printed["data"].as_str().expect("PDF data"))
        .expect("base64 PDF");
    assert!(pdf.starts_with(b"%PDF-") && pdf_pages(&pdf) >= 1);
    std::fs::write(target.join("findings-zh.pdf"), &pdf).expect("write the PDF");
    b.screenshot_in(&target, "findings-print-media-zh");

    // A filtered report says so, and prints only what is shown.
    b.call("Emulation.setEmulatedMedia", json!({"media": ""}));
    let code = findings["findings"][0]["code"].as_str().expect("code").to_string();
    let of_code = findings["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code.as_str())
        .count() as u64;
    b.open(&base, &format!("#/findings?code={code}"));
    assert_eq!(b.count(".print-report tr.print-finding"), of_code);
    assert!(
        b.eval("document.querySelector('.print-count').textContent")
            .as_str()
            .unwrap_or("")
            .contains(&total.to_string()),
        "the filtered report names the total"
    );
    b.assert_no_errors("the printed findings report");
}

/// A4's printable width in CSS pixels: 210 mm less two 10 mm margins, at
/// 96 px to the inch.
const A4_PX: u64 = 718;

fn get(base: &str, path: &str) -> Value {
    ureq::get(&format!("{base}{path}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .into_json()
        .unwrap_or_else(|e| panic!("GET {path}: not JSON: {e}"))
}

/// The page as print media shows it at A4's width: no menu, date picker or
/// controls; the print header shown, with a count per table equal to its
/// rows; nothing wider than the paper. Returns the header's text.
fn printed_page(b: &mut Browser, base: &str, page: &str) -> String {
    b.call("Emulation.setEmulatedMedia", json!({"media": ""}));
    b.open(base, page);
    b.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
    let hidden = |b: &mut Browser, selector: &str| -> bool {
        let s = serde_json::to_string(selector).unwrap();
        b.eval(&format!(
            "[...document.querySelectorAll({s})].every((e) => e.getClientRects().length === 0)"
        )) == json!(true)
    };
    for selector in ["#top", "nav", "#as-of", ".table-tools", ".filters"] {
        assert!(hidden(b, selector), "{page}: {selector} is printed");
    }
    assert!(
        b.count("#top nav a") > 0 && b.count("#as-of") == 1,
        "{page}: the menu is on the page"
    );
    assert!(!hidden(b, ".print-header"), "{page}: no print header");
    // Each table's count in the header is the rows it holds.
    let counts = b.eval(
        "[...document.querySelectorAll('.print-header .print-count-of')].map((c) => [c.dataset.table, c.dataset.rows,
            document.querySelector('table.data[data-table=\"' + c.dataset.table + '\"]').querySelectorAll(':scope > tbody > tr:not(.group):not(.empty):not(.task-detail-row)').length])",
    );
    let counts = counts.as_array().expect("counts");
    assert!(!counts.is_empty(), "{page}: the header counts nothing");
    for c in counts {
        assert_eq!(c[1], json!(c[2].to_string()), "{page}: the count of {}", c[0]);
    }
    // Nothing is cut off at A4's width: the page and every cell fit.
    let width = b
        .eval("document.documentElement.scrollWidth")
        .as_u64()
        .unwrap_or(u64::MAX);
    let wide = b.eval(&format!(
        "[...document.querySelectorAll('table.data, table.data td, table.data th, svg')].filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > {A4_PX} + 1)
            .slice(0, 5).map((e) => e.tagName + ' ' + (e.dataset.label || e.dataset.table || '') + ' @' + Math.round(e.getBoundingClientRect().right))"
    ));
    assert!(
        width <= A4_PX && wide == json!([]),
        "{page} is {width} px wide in print: {wide}"
    );
    let name = page.trim_start_matches("#/").replace(['?', '/', '&', '='], "-");
    let target = screenshots_dir().parent().expect("target").join("console-print");
    std::fs::create_dir_all(&target).expect("create target/console-print");
    b.screenshot_in(&target, &format!("{name}-print-media-zh"));
    b.text(".print-header")
}

/// The PDF of the page in Chromium's print, its text with no white space.
fn pdf_text(b: &mut Browser, name: &str) -> String {
    use base64::Engine;
    let printed = b.call("Page.printToPDF", json!({"preferCSSPageSize": true}));
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(printed["data"].as_str().expect("PDF data"))
        .expect("base64 PDF");
    assert!(pdf.starts_with(b"%PDF-") && pdf_pages(&pdf) >= 1, "{name}: not a PDF");
    let target = screenshots_dir().parent().expect("target").join("console-print");
    std::fs::write(target.join(format!("{name}.pdf")), &pdf).expect("write the PDF");
    pdf::pages_text(&pdf).concat().split_whitespace().collect()
}

#[test]
fn the_report_pages_print_with_their_scope_filters_and_counts() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["demo"]);
    let server = Server::start(&data, true);
    let base = server.base.clone();
    let mut b = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": A4_PX, "height": 1100, "deviceScaleFactor": 1, "mobile": false}),
    );

    // Targets, filtered to one park, as of a day: the header says both, and
    // counts the park's targets as the API gives them.
    let as_of = "2010-12-31";
    let targets = get(&base, &format!("/v1/targets?as_of={as_of}"));
    let jinshi = targets["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .filter(|x| x["assignee"] == "jinshi-park")
        .count();
    assert!(jinshi > 3);
    let page = format!("#/targets?as_of={as_of}&assignee=jinshi-park");
    let head = printed_page(&mut b, &base, &page);
    assert_eq!(
        b.count("table[data-table=targets] tbody tr[data-target]"),
        jinshi as u64
    );
    assert_eq!(
        b.eval("document.querySelector('.print-count-of[data-table=targets]').dataset.rows"),
        json!(jinshi.to_string())
    );
    assert!(head.contains(&format!("截至 {as_of}")), "{head}");
    assert!(head.contains("筛选条件") && head.contains("津市市工业园"), "{head}");
    assert!(head.contains(&format!("{jinshi} 行")), "{head}");
    assert_eq!(
        b.eval("document.querySelector('.print-filters').dataset.filters"),
        json!("1")
    );
    // The PDF's header, by what does not need a CJK font to be read back:
    // the date and the filtered park's id.
    let text = pdf_text(&mut b, "targets-jinshi-zh");
    for needle in [as_of, "jinshi-park"] {
        assert!(text.contains(needle), "the targets PDF lacks {needle:?}");
    }

    // Funds, unfiltered: says so, and counts the accounts, allocations and
    // disbursements as the funds view has them.
    let funds = get(&base, "/v1/funds/accounts");
    let head = printed_page(&mut b, &base, "#/funds");
    assert!(head.contains("未筛选"), "{head}");
    assert!(head.contains("判定日期 2011-06-30"), "{head}");
    for (table, n) in [
        ("accounts", funds["accounts"].as_array().expect("accounts").len()),
        (
            "allocations",
            funds["allocations"].as_array().expect("allocations").len(),
        ),
    ] {
        assert_eq!(
            b.eval(&format!(
                "document.querySelector('.print-count-of[data-table={table}]').dataset.rows"
            )),
            json!(n.to_string()),
            "funds: {table}"
        );
    }
    let text = pdf_text(&mut b, "funds-zh");
    assert!(text.contains("2011-06-30"), "the funds PDF lacks its header");

    // The other report pages, one filtered through its chips.
    for page in [
        "#/commitments?status=overdue",
        "#/incentives?only=unearned",
        "#/projects",
        "#/assessment",
    ] {
        let head = printed_page(&mut b, &base, page);
        if page.contains('?') {
            assert!(head.contains("筛选条件"), "{page}: {head}");
        }
    }
    b.assert_no_errors("the printed report pages");
}
