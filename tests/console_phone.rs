//! The console on a phone (issue 17): at 390 px wide, in Chinese, on the
//! demo city, no page is wider than the screen, and every table row shows
//! all its cells — its identifying and status columns included — inside
//! the screen (rows become cards under a narrow screen). Screenshots in
//! `target/console-screenshots/phone-*.png`.
//!
//! Needs a headless Chromium like the other console tests
//! (`PLEDGER_SKIP_BROWSER=1` skips it).

mod browser;

use browser::*;
use serde_json::json;

const PHONE: u64 = 390;

const PAGES: &[&str] = &[
    "#/findings",
    "#/changes?from_seq=1",
    "#/targets",
    "#/assessment",
    "#/projects",
    "#/commitments",
    "#/funds",
    "#/incentives",
    "#/records",
    "#/records/5",
    "#/claims/jinshi-2008-ge10m",
    "#/trace/cdb-credit-city?direction=down",
];

#[test]
fn every_page_fits_a_phone() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["demo"]);
    pledger(&data, &["checkpoint"]);
    let server = Server::start(&data, true);
    let mut b = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": PHONE, "height": 844, "deviceScaleFactor": 1, "mobile": true}),
    );
    for page in PAGES {
        b.open(&server.base, page);
        let name = page
            .trim_start_matches("#/")
            .split(['?', '/'])
            .collect::<Vec<_>>()
            .join("-");
        b.screenshot(&format!("phone-{name}"));
        let width = b
            .eval("document.documentElement.scrollWidth")
            .as_u64()
            .unwrap_or(u64::MAX);
        if width > PHONE {
            // Name the elements that stick out, innermost first.
            let culprits = b.eval(&format!(
                "[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > {PHONE} + 1
                    && ![...e.children].some((c) => c.getBoundingClientRect().right > {PHONE} + 1))
                    .slice(0, 3).map((e) => {{ let p = e, path = []; while (p && p.tagName !== 'MAIN') {{ path.push(p.tagName + '.' + String(p.className).split(' ')[0] + '@' + Math.round(p.getBoundingClientRect().right)); p = p.parentElement; }} return path.join(' < ') + ': ' + e.textContent.slice(0, 40); }})"
            ));
            panic!("{page} is {width} px wide on a {PHONE} px phone: {culprits}");
        }
        // Every cell of every table row lies inside the screen.
        let outside = b.eval(&format!(
            "[...document.querySelectorAll('table.data > tbody > tr:not(.group):not(.empty)')].flatMap((tr) =>
                [...tr.children].filter((td) => {{ const r = td.getBoundingClientRect(); return r.width > 0 && (r.left < -1 || r.right > {PHONE} + 1); }})
                    .map((td) => (tr.closest('table').dataset.table || '?') + ': ' + (td.dataset.label || td.textContent.slice(0, 30)))).slice(0, 5)"
        ));
        assert_eq!(outside, json!([]), "{page}: cells off the screen");
        let rows = b.count("table.data > tbody > tr");
        if !page.starts_with("#/records/") && !page.starts_with("#/claims/") {
            assert!(rows > 0, "{page} shows rows");
        }
    }
    b.assert_no_errors("phone pages");
}
