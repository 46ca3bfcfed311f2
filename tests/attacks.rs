//! The attacks of issue 13, replayed against a real server on the demo
//! city and against `pledger append`: each must be refused, write nothing,
//! and leave every finding as it was. Thinking as the party a finding
//! exposes: what would it send to make the finding go away?

mod common;
#[path = "common/server.rs"]
mod server;

use common::Ledger;
use serde_json::{json, Value};
use server::{agent, get, post, token, Server};
use std::path::Path;

const TODAY: &str = "2011-06-30";

fn ev(ty: &str, actor: &str, occurred_at: &str, data: Value) -> Value {
    json!({"type": ty, "actor": actor, "occurred_at": occurred_at, "data": data})
}

/// The attacks that need no void first: (what it tries, its sender, the event).
fn attacks() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "a claim in someone else's name",
            "ent-huaxin",
            ev(
                "target.progress_reported",
                "ent-huaxin",
                "2010-12-31",
                json!({"target_id": "wuling-2010-ge10m", "value": "1000", "as_of": "2010-12-31"}),
            ),
        ),
        (
            "the assignee lowers its own threshold, backdated",
            "ent-huaxin",
            ev(
                "target.revised",
                "ent-huaxin",
                "2008-01-01",
                json!({"target_id": "t-huaxin-invest", "threshold": "100000000", "reason": "adjusted"}),
            ),
        ),
        (
            "a park revises its own target",
            "jinshi-park",
            ev(
                "target.revised",
                "jinshi-park",
                "2009-01-05",
                json!({"target_id": "jinshi-2009-ge10m", "threshold": "1", "reason": "adjusted"}),
            ),
        ),
        (
            "a stranger waives a commitment",
            "ent-huaxin",
            ev(
                "commitment.waived",
                "ent-huaxin",
                "2010-01-01",
                json!({"commitment_id": "c-sub-08", "reason": "not needed", "authority": "none"}),
            ),
        ),
        (
            "a stranger meets a condition, backdated",
            "ent-huaxin",
            ev(
                "commitment.condition_met",
                "ent-huaxin",
                "2008-01-01",
                json!({"commitment_id": "c-ld-03", "condition_id": "production"}),
            ),
        ),
        (
            "a stranger fulfils a commitment",
            "ent-huaxin",
            ev(
                "commitment.fulfilled",
                "ent-huaxin",
                "2010-01-01",
                json!({"commitment_id": "c-sub-02"}),
            ),
        ),
        (
            "money out of the city treasury",
            "ent-huaxin",
            ev(
                "fund.disbursed",
                "ent-huaxin",
                "2010-01-01",
                json!({"disbursement_id": "steal-1", "from_account": "city-treasury",
                       "to_account": "acct-ent-huaxin", "amount": "5000000", "purpose": "self"}),
            ),
        ),
        (
            "a reward paid to oneself from the city's reward fund",
            "ent-huaxin",
            ev(
                "incentive.paid",
                "ent-huaxin",
                "2010-01-01",
                json!({"payout_id": "self-pay-1", "scheme_id": "scheme-wuling-2010", "payee": "ent-huaxin",
                       "role": "lead", "amount": "100000", "from_account": "city-reward-fund"}),
            ),
        ),
        // The yearly tasks (format 2.1): 石门 failed 2009 and 2010 and its
        // award disqualification was never imposed; 鼎城 was vetoed in 2009.
        (
            "a failed park sets itself an easy yearly task",
            "shimen-park",
            ev(
                "assessment.task_set",
                "shimen-park",
                "2011-01-05",
                json!({"task_id": "task-shimen-2011-self", "assignee": "shimen-park",
                       "period": {"from": "2010-01-01", "to": "2010-12-31"}, "group": "county_parks",
                       "items": [{"target_id": "shimen-2010-safety", "weight": "100"}], "pass_score": "1",
                       "basis": "自定"}),
            ),
        ),
        (
            "a failed park marks its own consequence imposed by disqualifying its director",
            "shimen-park",
            ev(
                "sanction.imposed",
                "shimen-park",
                "2011-03-01",
                json!({"sanction_id": "self-sanction-1", "subject": "p-shimen-director", "kind": "award_disqualified",
                       "task_id": "task-shimen-2010", "basis": "园区内部通报"}),
            ),
        ),
        (
            "a vetoed park verifies its own safety record",
            "dingcheng-park",
            ev(
                "target.verified",
                "dingcheng-park",
                "2010-01-25",
                json!({"target_id": "dingcheng-2009-safety", "value": "0", "as_of": "2009-12-31"}),
            ),
        ),
        (
            "a failed park pays itself its task reward",
            "shimen-park",
            ev(
                "incentive.paid",
                "shimen-park",
                "2011-03-25",
                json!({"payout_id": "self-pay-task", "scheme_id": "scheme-task-shimen-2010", "payee": "p-shimen-director",
                       "role": "park_leaders", "amount": "90000"}),
            ),
        ),
        // The project register (format 2.2): 武陵 counted 鼎城's plant.
        (
            "a park signs a project in another park's name",
            "wuling-park",
            ev(
                "project.signed",
                "wuling-park",
                "2011-01-05",
                json!({"project_id": "prj-tianli-upgrade", "host": "dingcheng-park", "investor": "ent-wl-yuanli",
                       "planned_investment": "120000000", "signed_on": "2010-03-30"}),
            ),
        ),
        (
            "a stranger reports a project it neither hosts nor invests in as producing",
            "wuling-park",
            ev(
                "project.stage_reported",
                "wuling-park",
                "2011-01-05",
                json!({"project_id": "prj-js-hongda", "stage": "started", "as_of": "2009-06-01"}),
            ),
        ),
    ]
}

fn demo(dir: &Path) {
    let mut c = common::cmd();
    c.arg("--data").arg(dir).arg("demo").env("PLEDGER_TODAY", TODAY);
    common::run_cmd(c, None).expect(0);
}

fn cli(dir: &Path, args: &[&str]) -> common::Out {
    let mut c = common::cmd();
    c.arg("--data").arg(dir).args(args).env("PLEDGER_TODAY", TODAY);
    common::run_cmd(c, None)
}

fn findings(dir: &Path) -> Value {
    serde_json::from_str(&cli(dir, &["report", "findings", "--format", "json"]).stdout).expect("findings JSON")
}

#[test]
fn every_attack_is_refused_over_http_and_the_findings_stay() {
    let l = Ledger::uninit();
    let dir = l.tmp.path().join("demo");
    demo(&dir);
    let before = findings(&dir);
    let tokens: std::collections::HashMap<&str, String> = [
        "ent-huaxin",
        "jinshi-park",
        "wuling-park",
        "changde-gov",
        "shimen-park",
        "dingcheng-park",
    ]
    .into_iter()
    .map(|e| (e, token(&dir, e, "recorder")))
    .collect();
    let s = Server::start_env(&dir, &[], &[("PLEDGER_TODAY", TODAY)]);
    let a = agent();
    let head_before = cli_len(&s, &a, &tokens["changde-gov"]);

    for (what, sender, event) in attacks() {
        let r = post(&a, &s.url("/v1/events"), Some(&tokens[sender]), &event.to_string());
        assert_eq!(
            (r.status, r.code().as_str()),
            (422, "not_permitted"),
            "{what}: {}",
            r.body
        );
        let msg = r.json()["error"]["message"].as_str().unwrap_or_default().to_string();
        assert!(
            msg.contains("only"),
            "{what}: the refusal names who may record it: {msg}"
        );
    }
    // Nothing was written, and the findings are as they were.
    assert_eq!(cli_len(&s, &a, &tokens["changde-gov"]), head_before);
    let over_http = get(&a, &s.url("/v1/findings"), Some(&tokens["changde-gov"])).json();
    assert_eq!(over_http["findings"], before["findings"]);

    // Taking over a voided identity: whoever registered an enterprise voids
    // the registration; a park registers the same id as an auditor.
    let (seq, registrar) = registration(&s, &a, &tokens["changde-gov"], "ent-huaxin");
    let registrar_token = token(&dir, &registrar, "recorder");
    let void = ev(
        "event.voided",
        &registrar,
        "2011-01-01",
        json!({"seq": seq, "reason": "registered in error"}),
    );
    let r = post(&a, &s.url("/v1/events"), Some(&registrar_token), &void.to_string());
    assert_eq!(r.status, 201, "{}", r.body);
    // The voided entity's token fails from the very next request.
    let r = get(&a, &s.url("/v1/findings"), Some(&tokens["ent-huaxin"]));
    assert_eq!(r.status, 401, "{}", r.body);
    let takeover = ev(
        "entity.registered",
        "wuling-park",
        "2011-01-02",
        json!({"entity_id": "ent-huaxin", "kind": "auditor", "name": "冒名审计"}),
    );
    let r = post(
        &a,
        &s.url("/v1/events"),
        Some(&tokens["wuling-park"]),
        &takeover.to_string(),
    );
    assert_eq!((r.status, r.code().as_str()), (422, "not_permitted"), "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "data.entity_id");
    // With a signing key of its own: the same.
    let mut keyed = takeover.clone();
    keyed["data"]["kind"] = json!("enterprise");
    keyed["data"]["public_key"] = json!("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    let r = post(
        &a,
        &s.url("/v1/events"),
        Some(&tokens["wuling-park"]),
        &keyed.to_string(),
    );
    assert_eq!((r.status, r.code().as_str()), (422, "not_permitted"), "{}", r.body);
    // The admin route will not mint a token for the voided entity.
    let admin = token(&dir, "changde-gov", "admin");
    let r = post(
        &a,
        &s.url("/v1/tokens"),
        Some(&admin),
        &json!({"entity": "ent-huaxin", "roles": ["recorder"]}).to_string(),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    // Identifiers without a letter or digit break links: refused.
    let dot = ev(
        "entity.registered",
        "wuling-park",
        "2011-01-02",
        json!({"entity_id": "..", "kind": "enterprise", "name": "点"}),
    );
    let r = post(&a, &s.url("/v1/events"), Some(&tokens["wuling-park"]), &dot.to_string());
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(
        cli_len(&s, &a, &tokens["changde-gov"]),
        head_before + 1,
        "only the void was written"
    );
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
fn every_attack_is_refused_on_the_command_line() {
    let l = Ledger::uninit();
    let dir = l.tmp.path().join("demo");
    demo(&dir);
    let before = findings(&dir);
    let len = || cli(&dir, &["log", "--format", "json"]).stdout.lines().count();
    let n = len();
    for (what, _, event) in attacks() {
        let mut c = common::cmd();
        c.arg("--data").arg(&dir).args(["append", "-"]);
        let out = common::run_cmd(c, Some(event.to_string().as_bytes()));
        assert_eq!(out.code, Some(2), "{what}: {}", out.stderr);
        assert!(out.stderr.contains("not_permitted"), "{what}: {}", out.stderr);
    }
    assert_eq!(len(), n, "nothing written");
    assert_eq!(findings(&dir)["findings"], before["findings"]);
}

/// The number of records, read over HTTP.
fn cli_len(s: &Server, a: &ureq::Agent, tok: &str) -> u64 {
    let r = get(a, &s.url("/healthz"), Some(tok));
    r.json()["records"]
        .as_u64()
        .unwrap_or_else(|| panic!("no record count in /healthz: {}", r.body))
}

/// The seq and actor of the record that registered `entity`.
fn registration(s: &Server, a: &ureq::Agent, tok: &str, entity: &str) -> (u64, String) {
    let r = get(a, &s.url("/v1/events?from=0&limit=100000"), Some(tok));
    r.json()["records"]
        .as_array()
        .and_then(|rs| {
            rs.iter()
                .find(|r| r["event"]["type"] == "entity.registered" && r["event"]["data"]["entity_id"] == entity)
        })
        .and_then(|r| Some((r["seq"].as_u64()?, r["event"]["actor"].as_str()?.to_string())))
        .unwrap_or_else(|| panic!("{entity} is registered in the demo"))
}

#[test]
fn report_changes_names_the_record_that_resolved_a_finding() {
    let l = Ledger::uninit();
    let dir = l.tmp.path().join("demo");
    demo(&dir);
    let head = cli(&dir, &["log", "--format", "json"]).stdout.lines().count() as u64;
    let audited = (head - 1).to_string();
    // Nothing changed yet.
    let none: Value =
        serde_json::from_str(&cli(&dir, &["report", "changes", "--from-seq", &audited, "--format", "json"]).stdout)
            .expect("JSON");
    assert_eq!(
        (
            none["raised"].as_array().map(Vec::len),
            none["resolved"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );

    // The beneficiary gives up an overdue subsidy: its right to do so.
    let waiver = ev(
        "commitment.waived",
        "ent-hs-boya",
        "2011-05-01",
        json!({"commitment_id": "c-sub-08", "reason": "企业放弃", "authority": "董事会决议"}),
    );
    let mut c = common::cmd();
    c.arg("--data").arg(&dir).args(["append", "-"]);
    common::run_cmd(c, Some(waiver.to_string().as_bytes())).expect(0);

    let out = cli(&dir, &["report", "changes", "--from-seq", &audited, "--format", "json"]);
    let changes: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    assert_eq!(changes["from_seq"], head - 1);
    assert_eq!(changes["to_seq"], head);
    let resolved = changes["resolved"].as_array().expect("resolved list");
    let overdue = resolved
        .iter()
        .find(|f| {
            f["code"] == "commitment_overdue"
                && f["subjects"].as_array().is_some_and(|s| s.contains(&json!("c-sub-08")))
        })
        .unwrap_or_else(|| panic!("the overdue finding on c-sub-08 is resolved: {}", changes));
    assert_eq!(
        overdue["changed_by"],
        json!([{"seq": head, "type": "commitment.waived", "actor": "ent-hs-boya", "occurred_at": "2011-05-01"}])
    );
    // The table names it too.
    let table = cli(&dir, &["report", "changes", "--from-seq", &audited]).stdout;
    assert!(
        table.contains("resolved") && table.contains(&format!("{head} commitment.waived")),
        "{table}"
    );

    // The server answers the same.
    let tok = token(&dir, "changde-gov", "reader");
    let s = Server::start_env(&dir, &[], &[("PLEDGER_TODAY", TODAY)]);
    let a = agent();
    let r = get(
        &a,
        &s.url(&format!("/v1/findings/changes?from_seq={audited}")),
        Some(&tok),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), changes);
    let r = get(&a, &s.url("/v1/findings/changes"), Some(&tok));
    assert_eq!(r.status, 400, "from_seq is required: {}", r.body);
    let r = get(&a, &s.url("/v1/findings/changes?from_seq=99999999"), Some(&tok));
    assert_eq!(r.status, 400, "{}", r.body);
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");

    // Voiding the waiver raises the finding again, and the void — whose
    // own data holds only a seq — is named for what it voided.
    let void = ev(
        "event.voided",
        "ent-hs-boya",
        "2011-05-02",
        json!({"seq": head, "reason": "entered in error"}),
    );
    let mut c = common::cmd();
    c.arg("--data").arg(&dir).args(["append", "-"]);
    common::run_cmd(c, Some(void.to_string().as_bytes())).expect(0);
    let out = cli(
        &dir,
        &["report", "changes", "--from-seq", &head.to_string(), "--format", "json"],
    );
    let changes: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let raised = changes["raised"].as_array().expect("raised list");
    let again = raised
        .iter()
        .find(|f| f["code"] == "commitment_overdue")
        .unwrap_or_else(|| panic!("the overdue finding is raised again: {changes}"));
    assert_eq!(again["changed_by"][0]["seq"], head + 1, "{again}");
    assert_eq!(again["changed_by"][0]["type"], "event.voided", "{again}");

    // Bad input on the command line.
    assert_eq!(cli(&dir, &["report", "changes"]).code, Some(2));
    assert_eq!(
        cli(&dir, &["report", "changes", "--from-seq", "99999999"]).code,
        Some(2)
    );
    assert_eq!(cli(&dir, &["report", "findings", "--from-seq", "3"]).code, Some(2));
}

#[test]
fn a_voided_account_cannot_be_reopened_by_another_holder() {
    let l = Ledger::uninit();
    let dir = l.tmp.path().join("demo");
    demo(&dir);
    let append = |e: Value| {
        let mut c = common::cmd();
        c.arg("--data").arg(&dir).args(["append", "-"]);
        common::run_cmd(c, Some(e.to_string().as_bytes()))
    };
    let open = |actor: &str, holder: &str| {
        ev(
            "account.opened",
            actor,
            "2011-01-01",
            json!({"account_id": "acct-shadow", "holder": holder, "name": "专户", "kind": "internal"}),
        )
    };
    append(open("ent-huaxin", "ent-huaxin")).expect(0);
    let head = cli(&dir, &["log", "--format", "json"]).stdout.lines().count() as u64;
    append(ev(
        "event.voided",
        "ent-huaxin",
        "2011-01-02",
        json!({"seq": head - 1, "reason": "duplicate"}),
    ))
    .expect(0);
    let r = append(open("wuling-park", "wuling-park"));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("not_permitted"), "{}", r.stderr);
    append(open("ent-huaxin", "ent-huaxin")).expect(0);
}

#[test]
fn a_token_does_not_come_back_when_its_voided_entity_is_registered_again() {
    let l = Ledger::uninit();
    let dir = l.tmp.path().join("demo");
    demo(&dir);
    let city = token(&dir, "changde-gov", "recorder");
    let old = token(&dir, "ent-huaxin", "recorder");
    let s = Server::start_env(&dir, &[], &[("PLEDGER_TODAY", TODAY)]);
    let a = agent();
    let (seq, registrar) = registration(&s, &a, &city, "ent-huaxin");
    let registrar_token = token(&dir, &registrar, "recorder");
    let post_as = |tok: &str, e: Value| post(&a, &s.url("/v1/events"), Some(tok), &e.to_string());
    let r = post_as(
        &registrar_token,
        ev(
            "event.voided",
            &registrar,
            "2011-01-01",
            json!({"seq": seq, "reason": "registered in error"}),
        ),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    // Nobody but the finance bureau (or above it) may make it an office of
    // the bureau, which holds the city treasury...
    let office = ev(
        "entity.registered",
        &registrar,
        "2011-01-02",
        json!({"entity_id": "ent-huaxin", "kind": "department", "name": "华鑫", "parent": "city-finance"}),
    );
    let r = post_as(&registrar_token, office);
    assert_eq!((r.status, r.code().as_str()), (422, "not_permitted"), "{}", r.body);
    // ...but its registrar may register the id again.
    let again = ev(
        "entity.registered",
        &registrar,
        "2011-01-02",
        json!({"entity_id": "ent-huaxin", "kind": "enterprise", "name": "华鑫"}),
    );
    let r = post_as(&registrar_token, again);
    assert_eq!(r.status, 201, "{}", r.body);
    // The old token stays dead: it was issued for the voided registration.
    let steal = ev(
        "fund.disbursed",
        "ent-huaxin",
        "2011-01-03",
        json!({"disbursement_id": "steal-2", "from_account": "city-treasury", "to_account": "acct-ent-huaxin",
               "amount": "1000000", "purpose": "self"}),
    );
    let r = post_as(&old, steal.clone());
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(get(&a, &s.url("/v1/findings"), Some(&old)).status, 401);
    // A token issued for the new registration works (through the admin route,
    // which binds it to the registration in force).
    let admin = token(&dir, "changde-gov", "admin");
    let r = post(
        &a,
        &s.url("/v1/tokens"),
        Some(&admin),
        &json!({"entity": "ent-huaxin", "roles": ["reader"]}).to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let fresh = r.json()["token"].as_str().unwrap_or_default().to_string();
    assert_eq!(get(&a, &s.url("/v1/findings"), Some(&fresh)).status, 200);
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
}
