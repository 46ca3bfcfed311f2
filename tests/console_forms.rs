//! Recording from the console (issue 16): every form filled and submitted in
//! a real headless Chromium against a real `pledger serve`, on a ledger
//! built with the command line, and each record read back through the API.
//!
//! A park (recorder) claims progress on a counting target with the projects
//! it counts, reports a project's stage, and voids its own record (after a
//! stale choice naming another's record is refused as `not_permitted`); the
//! finance bureau — an office of the city — disburses "60万" (after a taken
//! id, an amount finer than a fen and an over-long amount are each shown
//! beside their field), allocates "1.2亿", confirms a receipt, and as the
//! promisor's office records a condition met and a fulfilment; a park
//! disputes as beneficiary; the audit office (auditor token) verifies with
//! projects and records a breach; an entity with a public key signs in the
//! browser with its key file (refused without it and with another key), and
//! the command line's `pledger sign` gives the same signature. Each form
//! offers only what format 2.3 lets its entity record, with only ids that
//! exist. Screenshots (Chinese) in `target/console-forms-screenshots/`.
//!
//! The harness (`tests/browser/`) is the console test's; like it, this
//! needs a headless Chromium (`PLEDGER_SKIP_BROWSER=1` skips it).

mod browser;

use browser::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn shots() -> PathBuf {
    let dir = screenshots_dir()
        .parent()
        .expect("the target directory")
        .join("console-forms-screenshots");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create target/console-forms-screenshots");
    dir
}

fn ev(kind: &str, id: &str, actor: &str, date: &str, data: Value) -> Value {
    json!({"type": kind, "id": id, "actor": actor, "occurred_at": date, "data": data})
}

fn entity(id: &str, kind: &str, name: &str, parent: Option<&str>) -> Value {
    let mut data = json!({"entity_id": id, "kind": kind, "name": name});
    if let Some(p) = parent {
        data["parent"] = json!(p);
    }
    ev("entity.registered", &format!("e-{id}"), "city", "2010-01-04", data)
}

fn account(id: &str, holder: &str, kind: &str, name: &str) -> Value {
    ev(
        "account.opened",
        &format!("a-{id}"),
        holder,
        "2010-01-05",
        json!({"account_id": id, "holder": holder, "kind": kind, "name": name}),
    )
}

fn target(id: &str, assignee: &str, metric: &str, unit: &str, threshold: &str, counts: bool) -> Value {
    let mut data = json!({"target_id": id, "assignee": assignee, "metric": metric, "unit": unit,
        "comparator": ">=", "threshold": threshold, "period": {"from": "2011-01-01", "to": "2011-12-31"},
        "basis": "常政发〔2011〕1号"});
    if counts {
        data["counts"] = json!({"stage": "signed"});
    }
    ev("target.assigned", &format!("t-{id}"), "city", "2011-01-10", data)
}

struct Fixture {
    _dir: tempfile::TempDir,
    data: PathBuf,
    /// The key file of `acme`, which registered its public key.
    acme_key: PathBuf,
    /// Another key, not acme's.
    other_key: PathBuf,
}

/// A city, its finance bureau (an office of it) and audit office, the
/// province, two parks, an investor and its projects, a keyed enterprise,
/// accounts, targets (one counting projects), commitments, disbursements.
fn forms_ledger() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ledger");
    pledger(&data, &["init"]);
    let acme_key = dir.path().join("acme.key");
    let other_key = dir.path().join("other.key");
    let public_key = pledger(&data, &["sign", "--new-key", acme_key.to_str().unwrap()])
        .trim()
        .to_string();
    pledger(&data, &["sign", "--new-key", other_key.to_str().unwrap()]);
    let mut acme = entity("acme", "enterprise", "常德某新材料有限公司", None);
    acme["data"]["public_key"] = json!(public_key);
    let events = vec![
        entity("city", "government", "常德市人民政府", None),
        entity("city-finance", "department", "常德市财政局", Some("city")),
        entity("city-audit", "auditor", "常德市审计局", Some("city")),
        entity("hunan-finance", "government", "湖南省财政厅", None),
        entity("park-a", "park", "常德经济技术开发区", Some("city")),
        entity("park-b", "park", "桃源县工业集中区", Some("city")),
        entity("inv-1", "enterprise", "湖南华晨机械有限公司", None),
        acme,
        entity("proj-1", "project", "华晨机械产业园", Some("inv-1")),
        entity("proj-2", "project", "华晨机械二期", Some("inv-1")),
        entity("proj-3", "project", "华晨桃源配套项目", Some("inv-1")),
        account("prov-fund", "hunan-finance", "source", "省级园区发展专项资金"),
        account("city-treasury", "city", "source", "市本级财政国库"),
        account("park-a-infra", "park-a", "internal", "经开区基础设施专户"),
        account("park-b-infra", "park-b", "internal", "桃源工业集中区建设资金账户"),
        account("inv-1-acct", "inv-1", "external", "华晨机械基本户"),
        target(
            "park-a-2011-projects",
            "park-a",
            "new_projects_ge_10m",
            "count",
            "2",
            true,
        ),
        target("park-a-2011-tax", "park-a", "tax_paid", "CNY", "50000000", false),
        target(
            "park-b-2011-projects",
            "park-b",
            "new_projects_ge_10m",
            "count",
            "1",
            true,
        ),
        target(
            "acme-2011-invest",
            "acme",
            "fixed_asset_investment",
            "CNY",
            "100000000",
            false,
        ),
        ev(
            "project.signed",
            "p-1",
            "park-a",
            "2011-02-01",
            json!({"project_id": "proj-1", "host": "park-a",
            "investor": "inv-1", "planned_investment": "20000000", "signed_on": "2011-02-01"}),
        ),
        ev(
            "project.signed",
            "p-2",
            "park-a",
            "2011-03-10",
            json!({"project_id": "proj-2", "host": "park-a",
            "investor": "inv-1", "planned_investment": "60000000", "signed_on": "2011-03-10"}),
        ),
        ev(
            "project.signed",
            "p-3",
            "park-b",
            "2011-04-01",
            json!({"project_id": "proj-3", "host": "park-b",
            "investor": "inv-1", "planned_investment": "15000000", "signed_on": "2011-04-01"}),
        ),
        ev(
            "fund.disbursed",
            "f-d-prov",
            "hunan-finance",
            "2011-02-15",
            json!({"disbursement_id": "d-prov",
            "from_account": "prov-fund", "to_account": "city-treasury", "amount": "20000000", "purpose": "2011年省级园区专项"}),
        ),
        ev(
            "fund.disbursed",
            "f-d-1",
            "city",
            "2011-03-01",
            json!({"disbursement_id": "d-1",
            "from_account": "city-treasury", "to_account": "park-a-infra", "amount": "5000000", "purpose": "经开区道路"}),
        ),
        ev(
            "commitment.made",
            "c-land",
            "city",
            "2011-01-20",
            json!({"commitment_id": "c-land", "promisor": "city",
            "beneficiary": "acme", "kind": "land_discount", "terms": "按工业用地基准地价的70%出让", "due": "2011-12-31",
            "conditions": [{"condition_id": "c1", "text": "项目开工"}]}),
        ),
        ev(
            "commitment.made",
            "c-fund",
            "city",
            "2011-01-20",
            json!({"commitment_id": "c-fund", "promisor": "city",
            "beneficiary": "park-b", "kind": "funding", "amount": "30000000",
            "terms": "市财政安排桃源工业集中区基础设施建设资金3000万元", "due": "2011-06-30"}),
        ),
        ev(
            "commitment.made",
            "c-sub",
            "park-a",
            "2011-02-20",
            json!({"commitment_id": "c-sub", "promisor": "park-a",
            "beneficiary": "acme", "kind": "subsidy", "amount": "1000000", "terms": "设备购置补助100万元", "due": "2011-09-30"}),
        ),
    ];
    let text: String = events.iter().map(|e| format!("{e}\n")).collect();
    let file = dir.path().join("events.ndjson");
    std::fs::write(&file, text).unwrap();
    pledger(&data, &["append", file.to_str().unwrap()]);
    Fixture {
        _dir: dir,
        data,
        acme_key,
        other_key,
    }
}

fn token(data: &Path, entity: &str, role: &str) -> String {
    pledger(data, &["token", "add", entity, "--role", role])
        .lines()
        .last()
        .expect("a token")
        .trim()
        .to_string()
}

fn get(base: &str, tok: &str, path: &str) -> Value {
    ureq::get(&format!("{base}{path}"))
        .set("Authorization", &format!("Bearer {tok}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .into_json()
        .expect("JSON")
}

fn records(base: &str, tok: &str) -> u64 {
    get(base, tok, "/healthz")["records"].as_u64().unwrap()
}

fn js(v: &str) -> String {
    serde_json::to_string(v).unwrap()
}

// ------------------------------------------------------------ page helpers

fn sign_in(b: &mut Browser, base: &str, tok: &str) {
    b.open(base, "#/record");
    if b.count("#sign-out") > 0 {
        b.eval("document.getElementById('sign-out').click()");
        b.wait_for(
            "document.body.dataset.state === 'ready' && !document.getElementById('sign-out')",
            "signed out",
        );
    }
    b.wait_for(
        "document.querySelector('[data-signin]') && document.getElementById('signin-token')",
        "the sign-in box",
    );
    b.eval(&format!(
        "(() => {{ document.getElementById('signin-token').value = {}; document.getElementById('signin-submit').click(); }})()",
        js(tok)
    ));
    b.wait_for(
        "document.body.dataset.state === 'ready' && document.querySelector('.page.record-form .signed-in')",
        "signed in",
    );
}

fn offered(b: &mut Browser) -> BTreeSet<String> {
    b.eval("document.querySelector('.page.record-form').dataset.offered")
        .as_str()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn set_of(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Opens the form of `kind` (its chooser link must be offered).
fn form(b: &mut Browser, base: &str, kind: &str) {
    b.open(base, &format!("#/record?type={kind}"));
    assert_eq!(
        b.eval("document.querySelector('form.event-form').dataset.type"),
        json!(kind),
        "the form of {kind}"
    );
}

fn control(path: &str) -> String {
    format!("document.querySelector('form.event-form [name=\"{path}\"]')")
}

/// Sets a control's value as typing or choosing would, and checks it took.
fn set(b: &mut Browser, path: &str, value: &str) {
    let c = control(path);
    let took = b.eval(&format!(
        "(() => {{ const e = {c}; if (!e) return 'missing'; e.value = {v}; e.dispatchEvent(new Event('input', {{bubbles: true}})); e.dispatchEvent(new Event('change', {{bubbles: true}})); return e.value; }})()",
        v = js(value)
    ));
    assert_eq!(took, json!(value), "setting {path}");
}

/// The values a select offers (its empty choice left out).
fn options(b: &mut Browser, path: &str) -> Vec<String> {
    let c = control(path);
    b.eval(&format!("[...{c}.options].map(o => o.value).filter(v => v !== '')"))
        .as_array()
        .unwrap_or_else(|| panic!("{path} is not a select"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn tick(b: &mut Browser, project: &str) {
    b.eval(&format!(
        "(() => {{ const c = document.querySelector('.project-pick[data-project={}] input'); c.checked = true; c.dispatchEvent(new Event('change', {{bubbles: true}})); }})()",
        js(project)
    ));
}

/// The error shown beside `path` (or above the form for ""), if any.
fn error_at(b: &mut Browser, path: &str) -> Option<String> {
    let v = b.eval(&format!(
        "(() => {{ const e = [...document.querySelectorAll('.field-error, .form-error')].find(e => !e.hidden && e.dataset.errorFor === {}); return e ? e.innerText : null; }})()",
        js(path)
    ));
    v.as_str().map(str::to_string)
}

fn visible_errors(b: &mut Browser) -> Vec<String> {
    b.eval("[...document.querySelectorAll('.field-error, .form-error')].filter(e => !e.hidden).map(e => e.dataset.errorFor + ': ' + e.innerText)")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

enum Outcome {
    Recorded { seq: u64, hash: String },
    Refused,
}

fn submit(b: &mut Browser) -> Outcome {
    let before = b.eval("(document.getElementById('receipt') || {dataset: {}}).dataset.seq || ''");
    let before = js(before.as_str().unwrap_or(""));
    b.eval("document.getElementById('record-submit').click()");
    b.wait_for(
        &format!(
            "document.body.dataset.state === 'ready' && ((document.getElementById('receipt') && document.getElementById('receipt').dataset.seq !== {before}) || [...document.querySelectorAll('.field-error, .form-error')].some(e => !e.hidden))"
        ),
        "a receipt or an error",
    );
    if b.count("#receipt") > 0
        && b.eval("document.getElementById('receipt').dataset.seq")
            != json!(serde_json::from_str::<Value>(&before).unwrap())
    {
        // The page checks the stored record and its inclusion proof itself.
        b.wait_for(
            "document.querySelector('#receipt .receipt-content').dataset.content !== 'pending' && document.querySelector('#receipt .receipt-proof').dataset.proof !== 'pending'",
            "the receipt's checks",
        );
        assert_eq!(
            b.eval("document.querySelector('#receipt .receipt-content').dataset.content"),
            json!("same")
        );
        assert_eq!(
            b.eval("document.querySelector('#receipt .receipt-proof').dataset.proof"),
            json!("ok")
        );
        let seq: u64 = b
            .eval("document.getElementById('receipt').dataset.seq")
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let hash = b
            .eval("document.getElementById('receipt').dataset.hash")
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            b.eval("document.querySelector('#receipt a.receipt-record').getAttribute('href')"),
            json!(format!("#/records/{seq}")),
            "the receipt links its record page"
        );
        assert_eq!(
            b.eval("document.querySelector('#receipt a.receipt-proof-link').getAttribute('href')"),
            json!(format!("/v1/proofs/inclusion?seq={seq}")),
            "the receipt links its inclusion proof"
        );
        Outcome::Recorded { seq, hash }
    } else {
        Outcome::Refused
    }
}

/// Submits and requires a receipt; returns the record as the API has it,
/// checked against the receipt and against what was entered.
fn recorded(b: &mut Browser, base: &str, tok: &str, kind: &str, actor: &str, occurred_at: &str, data: Value) -> Value {
    let (seq, hash) = match submit(b) {
        Outcome::Recorded { seq, hash } => (seq, hash),
        Outcome::Refused => panic!("{kind} was refused: {:?}", visible_errors(b)),
    };
    let record = get(base, tok, &format!("/v1/events/{seq}"));
    assert_eq!(record["hash"], json!(hash), "the receipt's hash");
    let e = &record["event"];
    assert_eq!(e["type"], json!(kind));
    assert_eq!(e["actor"], json!(actor));
    assert_eq!(e["occurred_at"], json!(occurred_at), "{kind}: occurred_at");
    assert_eq!(e["data"], data, "{kind}: the data as entered");
    assert!(
        e["id"].as_str().is_some_and(|id| id.starts_with("web-")),
        "{kind}: the console's id: {e}"
    );
    record
}

fn today_in_browser(b: &mut Browser) -> String {
    b.eval("(() => { const d = new Date(); const p = (n) => String(n).padStart(2, '0'); return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`; })()")
        .as_str()
        .unwrap()
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

// ------------------------------------------------------------------ test

#[test]
fn recording_from_the_console() {
    let Some(chromium) = chromium() else { return };
    let shots = shots();
    let fx = forms_ledger();
    let data = &fx.data;
    let park_a = token(data, "park-a", "recorder");
    let park_b = token(data, "park-b", "recorder");
    let finance = token(data, "city-finance", "recorder");
    let audit = token(data, "city-audit", "auditor");
    let acme = token(data, "acme", "recorder");
    let reader = token(data, "city", "reader");

    // Reads need a token here: the recording page signs in by itself.
    let server = Server::start(data, false);
    let base = server.base.clone();
    let mut b = Browser::launch(&chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);

    // ---------------------------------------------------------------- sign-in
    b.open(&base, "#/record");
    assert_eq!(b.count("[data-signin]"), 1, "asks for a token");
    b.screenshot_in(&shots, "signin-zh-CN");
    b.eval("(() => { document.getElementById('signin-token').value = 'plg_nope'; document.getElementById('signin-submit').click(); })()");
    b.wait_for("!document.querySelector('[data-signin] .alert').hidden", "the refusal");
    assert_eq!(b.eval("sessionStorage.getItem('pledger.token')"), json!(null));

    // A reader token signs in, and may record nothing.
    sign_in(&mut b, &base, &reader);
    assert!(offered(&mut b).is_empty());
    assert_eq!(b.count(".page.record-form .alert"), 1, "says the token may only read");

    // -------------------------------------------------------------- the park
    sign_in(&mut b, &base, &park_a);
    assert_eq!(
        b.eval("sessionStorage.getItem('pledger.token')"),
        json!(park_a),
        "kept for this tab"
    );
    assert_eq!(
        b.eval("localStorage.getItem('pledger.token')"),
        json!(null),
        "never in localStorage"
    );
    let me = get(&base, &park_a, "/v1/whoami");
    assert_eq!(me["entity"], "park-a");
    assert_eq!(me["name"], "常德经济技术开发区");
    assert_eq!(
        b.eval("document.querySelector('.signed-in').dataset.entity"),
        json!("park-a")
    );
    assert!(
        b.text("#sign-out").contains("常德经济技术开发区"),
        "the header names it"
    );
    // What 2.3 lets the park record, and nothing else.
    assert_eq!(
        offered(&mut b),
        set_of(&[
            "target.progress_reported", // its own targets
            "target.verified",          // others' targets
            "project.stage_reported",   // projects it hosts
            "fund.allocated",           // from the account it holds
            "fund.disbursed",
            "fund.received",        // d-1 came into its account
            "commitment.fulfilled", // it promised c-sub
            "event.voided",         // its own records
        ])
    );

    // Progress on its counting target, with the projects counted.
    form(&mut b, &base, "target.progress_reported");
    assert_eq!(
        options(&mut b, "data.target_id"),
        ["park-a-2011-projects", "park-a-2011-tax"],
        "only its own targets"
    );
    set(&mut b, "data.target_id", "park-a-2011-projects");
    let picks: Vec<Value> = b
        .eval("[...document.querySelectorAll('.project-pick')].map(p => [p.dataset.project, p.classList.contains('own')])")
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        picks,
        vec![
            json!(["proj-1", true]),
            json!(["proj-2", true]),
            json!(["proj-3", false])
        ],
        "signed projects, its own first"
    );
    tick(&mut b, "proj-1");
    tick(&mut b, "proj-2");
    assert_eq!(
        b.eval(&format!("{}.value", control("data.value"))),
        json!("2"),
        "the value follows the ticks"
    );
    set(&mut b, "data.as_of", "2011-06-30");
    set(&mut b, "data.evidence", "常开管〔2011〕12号");
    let today = today_in_browser(&mut b);
    assert_eq!(
        b.eval(&format!("{}.value", control("occurred_at"))),
        json!(today),
        "dates default to today"
    );
    b.screenshot_in(&shots, "progress-form-zh-CN");
    let progress = recorded(
        &mut b,
        &base,
        &park_a,
        "target.progress_reported",
        "park-a",
        &today,
        json!({"target_id": "park-a-2011-projects", "value": "2", "as_of": "2011-06-30",
               "evidence": [{"ref": "常开管〔2011〕12号"}], "projects": ["proj-1", "proj-2"]}),
    );
    b.screenshot_in(&shots, "progress-receipt-zh-CN");
    let progress_seq = progress["seq"].as_u64().unwrap();

    // A stage report of a project it hosts, money in place typed in 万.
    form(&mut b, &base, "project.stage_reported");
    assert_eq!(
        options(&mut b, "data.project_id"),
        ["proj-1", "proj-2"],
        "the projects it hosts"
    );
    set(&mut b, "data.project_id", "proj-2");
    set(&mut b, "data.stage", "started");
    set(&mut b, "data.as_of", "2011-05-20");
    set(&mut b, "data.investment_in_place", "3500万");
    let preview = b.text("[data-field='data.investment_in_place'] .amount-preview");
    assert!(preview.starts_with("= 35,000,000.00 元"), "{preview}");
    set(&mut b, "occurred_at", "2011-05-21");
    let stage = recorded(
        &mut b,
        &base,
        &park_a,
        "project.stage_reported",
        "park-a",
        "2011-05-21",
        json!({"project_id": "proj-2", "stage": "started", "as_of": "2011-05-20", "investment_in_place": "35000000.00"}),
    );
    let stage_seq = stage["seq"].as_u64().unwrap();

    // Voiding: its own records only. A stale choice naming the city's
    // disbursement is refused by the ledger, and said so above the form.
    form(&mut b, &base, "event.voided");
    let voidable: Vec<u64> = options(&mut b, "data.seq").iter().map(|s| s.parse().unwrap()).collect();
    assert_eq!(voidable.first(), Some(&stage_seq), "newest first");
    assert!(voidable.contains(&progress_seq));
    for seq in &voidable {
        let r = get(&base, &park_a, &format!("/v1/events/{seq}"));
        assert_eq!(r["event"]["actor"], "park-a", "only its own records: {r}");
    }
    let city_disbursement = get(&base, &park_a, "/v1/events?from=0&limit=1000")["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["event"]["id"] == "f-d-1")
        .map(|r| r["seq"].as_u64().unwrap())
        .unwrap();
    b.eval(&format!(
        "(() => {{ const s = {}; s.append(new Option('#{city_disbursement}', '{city_disbursement}')); }})()",
        control("data.seq")
    ));
    set(&mut b, "data.seq", &city_disbursement.to_string());
    set(&mut b, "data.reason", "录入错误");
    let before = records(&base, &park_a);
    assert!(matches!(submit(&mut b), Outcome::Refused));
    let refusal = error_at(&mut b, "actor").unwrap_or_else(|| panic!("{:?}", visible_errors(&mut b)));
    assert!(refusal.contains("not_permitted"), "{refusal}");
    assert_eq!(records(&base, &park_a), before, "nothing recorded");
    set(&mut b, "data.seq", &stage_seq.to_string());
    set(&mut b, "occurred_at", "2011-05-22");
    recorded(
        &mut b,
        &base,
        &park_a,
        "event.voided",
        "park-a",
        "2011-05-22",
        json!({"seq": stage_seq, "reason": "录入错误"}),
    );
    // The voided record is no longer offered.
    let voidable: Vec<String> = options(&mut b, "data.seq");
    assert!(!voidable.contains(&stage_seq.to_string()), "{voidable:?}");

    // ------------------------------------------- finance, an office of the city
    sign_in(&mut b, &base, &finance);
    assert_eq!(
        offered(&mut b),
        set_of(&[
            "target.verified",
            "fund.allocated", // from the city's treasury: the bureau acts for the city
            "fund.disbursed",
            "fund.received", // d-prov came into the city's treasury
            "commitment.condition_met",
            "commitment.fulfilled", // the city promised c-land and c-fund
            "event.voided",         // the city's records
        ])
    );
    form(&mut b, &base, "fund.disbursed");
    assert_eq!(
        options(&mut b, "data.from_account"),
        ["city-treasury"],
        "the accounts it holds"
    );
    assert_eq!(
        options(&mut b, "data.to_account"),
        ["inv-1-acct", "park-a-infra", "park-b-infra", "prov-fund"],
        "every other account"
    );
    set(&mut b, "data.to_account", "park-b-infra");
    set(&mut b, "data.purpose", "2011年桃源工业集中区基础设施建设资金");
    set(&mut b, "data.category", "infrastructure");
    set(&mut b, "data.commitment_id", "c-fund");
    let before = records(&base, &finance);
    // A taken id: the ledger's refusal beside the id.
    set(&mut b, "data.disbursement_id", "d-1");
    set(&mut b, "data.amount", "60万");
    assert!(matches!(submit(&mut b), Outcome::Refused));
    let e = error_at(&mut b, "data.disbursement_id").unwrap_or_else(|| panic!("{:?}", visible_errors(&mut b)));
    assert!(e.contains("duplicate_id"), "{e}");
    // Finer than a fen: said beside the amount before anything is sent.
    set(&mut b, "data.disbursement_id", "d-web-1");
    set(&mut b, "data.amount", "1.234");
    assert!(matches!(submit(&mut b), Outcome::Refused));
    let e = error_at(&mut b, "data.amount").unwrap_or_else(|| panic!("{:?}", visible_errors(&mut b)));
    assert!(e.contains("分"), "{e}");
    assert_eq!(
        error_at(&mut b, "data.disbursement_id"),
        None,
        "the earlier error is gone"
    );
    // Too long for the ledger (18 integer digits at most): its refusal,
    // naming data.amount, beside the amount.
    set(&mut b, "data.amount", "1234567890123456789");
    assert!(matches!(submit(&mut b), Outcome::Refused));
    let e = error_at(&mut b, "data.amount").unwrap_or_else(|| panic!("{:?}", visible_errors(&mut b)));
    assert!(e.contains("18 integer digits"), "{e}");
    b.screenshot_in(&shots, "disbursement-refused-zh-CN");
    assert_eq!(records(&base, &finance), before, "nothing was recorded");
    // 60万, shown in yuan before it is sent.
    set(&mut b, "data.amount", "60万");
    let preview = b.text("[data-field='data.amount'] .amount-preview");
    assert!(preview.starts_with("= 600,000.00 元"), "{preview}");
    assert_eq!(
        b.eval("document.querySelector(\"[data-field='data.amount'] .amount-preview\").dataset.yuan"),
        json!("600000.00")
    );
    b.screenshot_in(&shots, "disbursement-form-zh-CN");
    set(&mut b, "occurred_at", "2011-06-10");
    recorded(
        &mut b,
        &base,
        &finance,
        "fund.disbursed",
        "city-finance",
        "2011-06-10",
        json!({"disbursement_id": "d-web-1", "from_account": "city-treasury", "to_account": "park-b-infra",
               "amount": "600000.00", "purpose": "2011年桃源工业集中区基础设施建设资金",
               "category": "infrastructure", "commitment_id": "c-fund"}),
    );
    b.screenshot_in(&shots, "disbursement-receipt-zh-CN");

    form(&mut b, &base, "fund.allocated");
    set(&mut b, "data.allocation_id", "alloc-2011-park-a");
    set(&mut b, "data.to_account", "park-a-infra");
    set(&mut b, "data.amount", "1.2亿");
    assert!(b
        .text("[data-field='data.amount'] .amount-preview")
        .starts_with("= 120,000,000.00 元"));
    set(&mut b, "data.purpose", "2011年经开区基础设施建设资金");
    set(&mut b, "data.basis", "常财建〔2011〕8号");
    set(&mut b, "occurred_at", "2011-03-15");
    recorded(
        &mut b,
        &base,
        &finance,
        "fund.allocated",
        "city-finance",
        "2011-03-15",
        json!({"allocation_id": "alloc-2011-park-a", "from_account": "city-treasury", "to_account": "park-a-infra",
               "amount": "120000000.00", "purpose": "2011年经开区基础设施建设资金", "basis": "常财建〔2011〕8号"}),
    );

    form(&mut b, &base, "fund.received");
    assert_eq!(
        options(&mut b, "data.disbursement_id"),
        ["d-prov"],
        "only what came into its accounts"
    );
    set(&mut b, "occurred_at", "2011-02-16");
    recorded(
        &mut b,
        &base,
        &finance,
        "fund.received",
        "city-finance",
        "2011-02-16",
        json!({"disbursement_id": "d-prov"}),
    );

    // As the promisor's office: a condition met, then the fulfilment.
    form(&mut b, &base, "commitment.condition_met");
    assert_eq!(
        options(&mut b, "data.commitment_id"),
        ["c-land"],
        "the city's commitments with a condition open"
    );
    assert_eq!(options(&mut b, "data.condition_id"), ["c1"]);
    set(&mut b, "data.evidence", "施工许可证 430700201105010101");
    set(&mut b, "occurred_at", "2011-05-01");
    recorded(
        &mut b,
        &base,
        &finance,
        "commitment.condition_met",
        "city-finance",
        "2011-05-01",
        json!({"commitment_id": "c-land", "condition_id": "c1", "evidence": [{"ref": "施工许可证 430700201105010101"}]}),
    );
    form(&mut b, &base, "commitment.fulfilled");
    assert_eq!(options(&mut b, "data.commitment_id"), ["c-fund", "c-land"]);
    set(&mut b, "data.commitment_id", "c-land");
    set(&mut b, "data.evidence", "国有建设用地使用权出让合同 常国土(2011)45号");
    set(&mut b, "occurred_at", "2011-06-20");
    recorded(
        &mut b,
        &base,
        &finance,
        "commitment.fulfilled",
        "city-finance",
        "2011-06-20",
        json!({"commitment_id": "c-land", "evidence": [{"ref": "国有建设用地使用权出让合同 常国土(2011)45号"}]}),
    );

    // ------------------------------------------------------ the beneficiary
    sign_in(&mut b, &base, &park_b);
    let park_b_offers = offered(&mut b);
    assert!(park_b_offers.contains("commitment.disputed"), "{park_b_offers:?}");
    assert!(
        !park_b_offers.contains("commitment.breached"),
        "only an auditor breaches"
    );
    form(&mut b, &base, "commitment.disputed");
    assert_eq!(
        options(&mut b, "data.commitment_id"),
        ["c-fund"],
        "what it benefits from"
    );
    set(
        &mut b,
        "data.reason",
        "截至6月25日仅到位60万元,与承诺的3000万元相差甚远",
    );
    set(&mut b, "occurred_at", "2011-06-25");
    recorded(
        &mut b,
        &base,
        &park_b,
        "commitment.disputed",
        "park-b",
        "2011-06-25",
        json!({"commitment_id": "c-fund", "reason": "截至6月25日仅到位60万元,与承诺的3000万元相差甚远"}),
    );

    // --------------------------------------------------------- the auditor
    sign_in(&mut b, &base, &audit);
    let auditor_offers = offered(&mut b);
    let allowed = set_of(&[
        "target.revised",
        "target.verified",
        "project.stage_reported",
        "commitment.condition_met",
        "commitment.fulfilled",
        "commitment.breached",
        "commitment.waived",
        "incentive.clawed_back",
        "event.voided",
    ]);
    assert!(auditor_offers.is_subset(&allowed), "{auditor_offers:?}");
    for t in ["target.verified", "commitment.breached", "event.voided"] {
        assert!(auditor_offers.contains(t), "{t} in {auditor_offers:?}");
    }
    form(&mut b, &base, "target.verified");
    set(&mut b, "data.target_id", "park-a-2011-projects");
    tick(&mut b, "proj-1");
    set(&mut b, "data.value", "1");
    set(&mut b, "data.as_of", "2011-12-31");
    set(&mut b, "data.note", "华晨机械二期签约时计划投资不足,不予计入");
    set(&mut b, "occurred_at", "2012-01-15");
    recorded(
        &mut b,
        &base,
        &audit,
        "target.verified",
        "city-audit",
        "2012-01-15",
        json!({"target_id": "park-a-2011-projects", "value": "1", "as_of": "2011-12-31",
               "note": "华晨机械二期签约时计划投资不足,不予计入", "projects": ["proj-1"]}),
    );
    form(&mut b, &base, "commitment.breached");
    set(&mut b, "data.commitment_id", "c-fund");
    set(&mut b, "data.reason", "到期仅拨付60万元");
    set(&mut b, "occurred_at", "2011-06-30");
    recorded(
        &mut b,
        &base,
        &audit,
        "commitment.breached",
        "city-audit",
        "2011-06-30",
        json!({"commitment_id": "c-fund", "reason": "到期仅拨付60万元"}),
    );

    // ------------------------------------------- signed in the browser
    sign_in(&mut b, &base, &acme);
    assert_eq!(b.count(".signed-in .badge.signs"), 1, "says it signs");
    form(&mut b, &base, "target.progress_reported");
    assert_eq!(options(&mut b, "data.target_id"), ["acme-2011-invest"]);
    set(&mut b, "data.value", "80000000");
    set(&mut b, "data.as_of", "2011-06-30");
    set(&mut b, "occurred_at", "2011-07-02");
    let before = records(&base, &acme);
    // Without a key: said beside the key file, nothing sent.
    assert!(matches!(submit(&mut b), Outcome::Refused));
    assert!(error_at(&mut b, "signature").is_some(), "{:?}", visible_errors(&mut b));
    // Another key: not the one registered.
    pick_file(&mut b, "#key-file", &fx.other_key);
    b.wait_for(
        "[...document.querySelectorAll('.field-error')].some(e => !e.hidden && e.dataset.errorFor === 'signature')",
        "the wrong key refused",
    );
    assert_eq!(
        b.eval("document.querySelector('.key-status').dataset.key"),
        json!("none")
    );
    assert_eq!(records(&base, &acme), before);
    // Its own key file: the event is signed here and accepted.
    pick_file(&mut b, "#key-file", &fx.acme_key);
    b.wait_for(
        "document.querySelector('.key-status').dataset.key === 'loaded'",
        "the key loaded",
    );
    b.screenshot_in(&shots, "signed-form-zh-CN");
    let signed = recorded(
        &mut b,
        &base,
        &acme,
        "target.progress_reported",
        "acme",
        "2011-07-02",
        json!({"target_id": "acme-2011-invest", "value": "80000000", "as_of": "2011-06-30"}),
    );
    let event = signed["event"].clone();
    assert!(event["signature"].as_str().is_some_and(|s| s.len() == 88), "{event}");
    // The command line signs the same event to the same bytes.
    let mut unsigned = event.clone();
    unsigned.as_object_mut().unwrap().remove("signature");
    let file = fx.data.parent().unwrap().join("unsigned.ndjson");
    std::fs::write(&file, format!("{unsigned}\n")).unwrap();
    let by_cli: Value = serde_json::from_str(
        pledger(
            &fx.data,
            &["sign", "--key", fx.acme_key.to_str().unwrap(), file.to_str().unwrap()],
        )
        .trim(),
    )
    .expect("the CLI's signed line");
    assert_eq!(
        by_cli["signature"], event["signature"],
        "the browser's signature is the CLI's"
    );
    assert_eq!(by_cli, event);

    // ---------------------------------------------------- in English too
    b.eval("document.getElementById('lang-switch').click()");
    b.wait_for(
        "document.documentElement.lang === 'en' && document.body.dataset.state === 'ready'",
        "English",
    );
    b.eval("document.getElementById('sign-out').click()");
    b.wait_for(
        "document.body.dataset.state === 'ready' && document.querySelector('[data-signin]')",
        "signed out",
    );
    assert_eq!(
        b.eval("sessionStorage.getItem('pledger.token')"),
        json!(null),
        "forgotten"
    );
    b.screenshot_in(&shots, "signin-en");
    sign_in(&mut b, &base, &finance);
    form(&mut b, &base, "fund.disbursed");
    assert_eq!(b.text("h1"), "Record an event");
    set(&mut b, "data.amount", "1.2亿");
    assert_eq!(
        b.text("[data-field='data.amount'] .amount-preview"),
        "= 120,000,000.00 yuan"
    );
    b.screenshot_in(&shots, "disbursement-form-en");
    b.eval("localStorage.removeItem('pledger.lang')");
    b.assert_no_errors("recording from the console");

    // The views saw it all: the dispute and breach, the disbursement, the void.
    drop(b);
    drop(server);
    let commitments = pledger_json(data, &["report", "commitments", "--format", "json"]);
    let c_fund = commitments["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["commitment_id"] == "c-fund")
        .unwrap();
    assert_eq!(c_fund["status"], "breached");
    assert_eq!(c_fund["paid"], "600000.00");
    let projects = pledger_json(data, &["report", "projects", "--format", "json"]);
    let p2 = projects["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["project_id"] == "proj-2")
        .unwrap();
    assert_eq!(p2["stage"], "signed", "the stage report was voided");
    pledger(data, &["verify"]);

    // The demo city: the city government's forms over a real-sized ledger.
    demo_city(&chromium, &shots);
    eprintln!("console forms screenshots in {}", shots.display());
}

/// On the demo, the city's finance bureau (a recorder; an office of the
/// city) is offered the forms of what it may record, and its disbursement
/// form lists exactly the accounts it and the city hold, as the funds
/// report has them.
fn demo_city(chromium: &Path, shots: &Path) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("demo");
    pledger(&data, &["demo"]);
    let funds = pledger_json(&data, &["report", "funds", "--format", "json"]);
    let held: Vec<String> = funds["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["holder"] == "city-finance" || a["holder"] == "changde-gov")
        .map(|a| a["account_id"].as_str().unwrap().to_string())
        .collect();
    assert!(!held.is_empty(), "the finance bureau holds accounts");
    let city = token(&data, "city-finance", "recorder");
    let server = Server::start(&data, true);
    let mut b = Browser::launch(chromium, &["--lang=zh-CN", "--accept-lang=zh-CN,zh"]);
    sign_in(&mut b, &server.base, &city);
    let offers = offered(&mut b);
    for t in ["target.verified", "fund.allocated", "fund.disbursed", "event.voided"] {
        assert!(offers.contains(t), "{t} in {offers:?}");
    }
    for t in ["commitment.disputed", "commitment.breached"] {
        assert!(!offers.contains(t), "{t} not in {offers:?}");
    }
    form(&mut b, &server.base, "fund.disbursed");
    let mut from = options(&mut b, "data.from_account");
    from.sort();
    let mut want = held.clone();
    want.sort();
    assert_eq!(from, want, "the accounts the bureau and the city hold");
    set(&mut b, "data.amount", "1.2亿");
    b.screenshot_in(shots, "demo-disbursement-form-zh-CN");
    form(&mut b, &server.base, "event.voided");
    b.screenshot_in(shots, "demo-void-form-zh-CN");
    b.assert_no_errors("the demo's record page");
}
