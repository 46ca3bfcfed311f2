//! End-to-end tests of `pledger serve` (contract section 5) against a real
//! server on 127.0.0.1: status codes, tokens and impersonation, idempotent
//! retries, the live stream, concurrent appenders, graceful shutdown.

mod common;
#[path = "common/server.rs"]
mod server;

use common::{base_events, disbursement, founding, ndjson, Ledger, CITY};
use serde_json::{json, Value};
use server::{agent, get, post, token, Server};
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::sync::{Arc, Mutex};

/// A ledger with the base events, a recorder token for the city, and a
/// reader token; the server started with `extra`.
fn started(extra: &[&str]) -> (Ledger, Server, String, String) {
    let l = Ledger::new();
    l.append_str(&ndjson(&base_events())).expect(0);
    let rec = token(&l.data, CITY, "recorder");
    let read = token(&l.data, CITY, "reader");
    let s = Server::start(&l.data, extra);
    (l, s, rec, read)
}

fn log_len(l: &Ledger) -> usize {
    l.records().len()
}

#[test]
fn the_founding_record_can_be_appended_over_http() {
    let l = Ledger::new();
    let tok = token(&l.data, CITY, "recorder");
    let s = Server::start(&l.data, &[]);
    let a = agent();
    let r = post(&a, &s.url("/v1/events"), Some(&tok), &founding().to_string());
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["receipts"][0]["seq"], 0);
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
    assert_eq!(log_len(&l), 1);
}

#[test]
fn every_append_status_code() {
    let (l, s, rec, read) = started(&["--max-body", "20000"]);
    let a = agent();
    let url = s.url("/v1/events");
    let before = 3;

    // 201, then 200 with the same receipt for the same id and content.
    let d = disbursement("1", "100.00", "roads");
    let first = post(&a, &url, Some(&rec), &d.to_string());
    assert_eq!(first.status, 201, "{}", first.body);
    let receipt = first.json()["receipts"][0].clone();
    assert_eq!(receipt["seq"], before);
    assert!(common::is_hex64(receipt["hash"].as_str().unwrap()));
    let again = post(&a, &url, Some(&rec), &d.to_string());
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["receipts"][0], receipt);

    // 409: the same id with different content.
    let conflict = post(&a, &url, Some(&rec), &disbursement("1", "999.00", "roads").to_string());
    assert_eq!(conflict.status, 409, "{}", conflict.body);
    assert_eq!(conflict.code(), "id_conflict");

    // 422: malformed JSON, unknown type, unknown field, bad amount, dangling reference.
    let bad = post(&a, &url, Some(&rec), "{\"type\": ");
    assert_eq!((bad.status, bad.code().as_str()), (422, "invalid_json"), "{}", bad.body);
    let mut unknown = disbursement("2", "1.00", "x");
    unknown["type"] = json!("fund.teleported");
    assert_eq!(post(&a, &url, Some(&rec), &unknown.to_string()).status, 422);
    let mut typo = disbursement("3", "1.00", "x");
    typo["data"]["amout"] = json!("1.00");
    let r = post(&a, &url, Some(&rec), &typo.to_string());
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"]["field"], "data.amout", "{}", r.body);
    let r = post(&a, &url, Some(&rec), &disbursement("4", "1.001", "x").to_string());
    assert_eq!((r.status, r.code().as_str()), (422, "bad_amount"), "{}", r.body);
    let mut dangling = disbursement("5", "1.00", "x");
    dangling["data"]["to_account"] = json!("acc-nowhere");
    assert_eq!(post(&a, &url, Some(&rec), &dangling.to_string()).status, 422);

    // A batch is all or nothing, and the error names the event.
    let batch = json!([disbursement("6", "1.00", "x"), disbursement("7", "-1", "x")]);
    let r = post(&a, &url, Some(&rec), &batch.to_string());
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.json()["error"]["field"].as_str().unwrap().starts_with("[1]"),
        "{}",
        r.body
    );

    // 401: no token, a garbage token, a malformed header.
    let d8 = disbursement("8", "1.00", "x").to_string();
    let r = post(&a, &url, None, &d8);
    assert_eq!((r.status, r.code().as_str()), (401, "unauthorized"));
    assert_eq!(post(&a, &url, Some("plg_not-a-token"), &d8).status, 401);
    let r = a
        .post(&url)
        .set("Authorization", "Basic Zm9vOmJhcg==")
        .send_string(&d8)
        .map(|r| r.status())
        .unwrap_or_else(|e| match e {
            ureq::Error::Status(c, _) => c,
            other => panic!("{other}"),
        });
    assert_eq!(r, 401);

    // 403: another entity's name; a read-only token.
    let mut other = disbursement("9", "1.00", "x");
    other["actor"] = json!("someone-else");
    let r = post(&a, &url, Some(&rec), &other.to_string());
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden_actor"), "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "actor");
    let r = post(&a, &url, Some(&read), &d8);
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden_role"), "{}", r.body);

    // 413: a body over --max-body.
    // (Over a raw socket: the server answers before reading the whole body,
    // which a client still sending may see as a broken pipe.)
    let big: Vec<Value> = (0..400)
        .map(|i| disbursement(&format!("big{i}"), "1.00", "x"))
        .collect();
    let big = Value::Array(big).to_string();
    assert!(big.len() > 20_000);
    assert_eq!(server::raw_post(&s.base, &rec, big.as_bytes()), 413);
    // docs/http.md's order: the size is checked before the role, so a
    // read-only token with an oversized body gets 413, not 403.
    assert_eq!(server::raw_post(&s.base, &read, big.as_bytes()), 413);

    // Every error has the contract's shape.
    for r in [&conflict, &bad] {
        let e = &r.json()["error"];
        assert!(
            e["code"].is_string() && e["message"].is_string() && e["field"].is_string(),
            "{}",
            r.body
        );
    }

    // Reads: 401 without a token, 200 with any valid one, 404 for nothing.
    assert_eq!(get(&a, &s.url("/v1/targets"), None).status, 401);
    assert_eq!(get(&a, &s.url("/v1/events/3"), Some(&read)).status, 200);
    let r = get(&a, &s.url("/v1/events/999"), Some(&read));
    assert_eq!((r.status, r.code().as_str()), (404, "not_found"));
    assert_eq!(get(&a, &s.url("/v1/events/abc"), Some(&read)).status, 400);
    assert_eq!(get(&a, &s.url("/v1/targets?as_of=yesterday"), Some(&read)).status, 400);
    assert_eq!(get(&a, &s.url("/v1/no-such-route"), Some(&read)).status, 404);

    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
    // Only the one good event was recorded.
    assert_eq!(log_len(&l), before as usize + 1);
    l.run(&["verify"]).expect(0);
}

#[test]
fn revoked_tokens_stop_working_while_the_server_runs() {
    let (l, s, rec, _read) = started(&[]);
    let a = agent();
    let url = s.url("/v1/events");
    assert_eq!(
        post(&a, &url, Some(&rec), &disbursement("1", "1.00", "x").to_string()).status,
        201
    );
    let mut c = common::cmd();
    c.arg("--data").arg(&l.data).args(["token", "revoke", &rec]);
    common::run_cmd(c, None).expect(0);
    let r = post(&a, &url, Some(&rec), &disbursement("2", "1.00", "x").to_string());
    assert_eq!(r.status, 401, "{}", r.body);
    // A token issued while the server runs works at once.
    let fresh = token(&l.data, CITY, "recorder");
    assert_eq!(
        post(&a, &url, Some(&fresh), &disbursement("2", "1.00", "x").to_string()).status,
        201
    );
}

#[test]
fn public_reads_open_the_read_routes_only() {
    let (_l, s, _rec, _read) = started(&["--public-reads"]);
    let a = agent();
    assert_eq!(get(&a, &s.url("/v1/findings"), None).status, 200);
    assert_eq!(get(&a, &s.url("/v1/events"), None).status, 200);
    let r = post(
        &a,
        &s.url("/v1/events"),
        None,
        &disbursement("1", "1.00", "x").to_string(),
    );
    assert_eq!(r.status, 401);
    // A token that is sent must still be valid.
    assert_eq!(get(&a, &s.url("/v1/findings"), Some("plg_bogus")).status, 401);
}

#[test]
fn views_answer_like_the_command_line() {
    let l = Ledger::new();
    // The demo city needs its own empty directory.
    let demo = l.tmp.path().join("demo");
    let mut c = common::cmd();
    c.arg("--data")
        .arg(&demo)
        .arg("demo")
        .env("PLEDGER_TODAY", "2011-06-30");
    common::run_cmd(c, None).expect(0);
    let cli = |args: &[&str]| -> Value {
        let mut c = common::cmd();
        c.arg("--data").arg(&demo).args(args).args(["--format", "json"]);
        c.env("PLEDGER_TODAY", "2011-06-30");
        let out = common::run_cmd(c, None);
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
    };
    let expected: Vec<(&str, Value)> = vec![
        ("/v1/targets", cli(&["report", "targets"])),
        ("/v1/funds/accounts", cli(&["report", "funds"])),
        ("/v1/commitments", cli(&["report", "commitments"])),
        ("/v1/incentives", cli(&["report", "incentives"])),
        ("/v1/findings", cli(&["report", "findings"])),
        (
            "/v1/findings?as_of=2008-12-31",
            cli(&["report", "findings", "--as-of", "2008-12-31"]),
        ),
        ("/v1/targets?at_seq=500", cli(&["report", "targets", "--at-seq", "500"])),
        ("/v1/assessment", cli(&["report", "assessment"])),
        (
            "/v1/assessment?as_of=2009-12-31",
            cli(&["report", "assessment", "--as-of", "2009-12-31"]),
        ),
        ("/v1/projects", cli(&["report", "projects"])),
        (
            "/v1/projects?as_of=2009-06-30",
            cli(&["report", "projects", "--as-of", "2009-06-30"]),
        ),
    ];
    let findings = expected[4].1["findings"].as_array().unwrap().clone();
    let account = cli(&["report", "funds"])["accounts"][0]["account_id"]
        .as_str()
        .unwrap()
        .to_string();
    let trace_up = cli(&["trace", &account, "--up"]);
    // Asked before the server holds the ledger.
    let zh_cli = cli(&["report", "findings", "--lang", "zh-CN"]);
    let changes_zh_cli = cli(&["report", "changes", "--from-seq", "1000", "--lang", "zh-CN"]);

    let mut c = common::cmd();
    c.arg("--data")
        .arg(&demo)
        .args(["token", "add", "changde-gov", "--role", "reader"]);
    let tok = common::run_cmd(c, None).stdout.lines().last().unwrap().to_string();
    let s = Server::start_env(&demo, &[], &[("PLEDGER_TODAY", "2011-06-30")]);
    let a = agent();
    for (path, want) in &expected {
        let r = get(&a, &s.url(path), Some(&tok));
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert_eq!(&r.json(), want, "{path} differs from the CLI");
    }
    let r = get(
        &a,
        &s.url(&format!("/v1/funds/accounts/{account}/trace?direction=up")),
        Some(&tok),
    );
    assert_eq!(r.json(), trace_up);
    assert!(findings.len() >= 18);

    // Findings in the language asked for: `lang` first, then
    // Accept-Language, else English; the facts are the same in each.
    let asked = |path: &str, accept: Option<&str>| -> (u16, Value, String) {
        let mut req = a.get(&s.url(path)).set("Authorization", &format!("Bearer {tok}"));
        if let Some(l) = accept {
            req = req.set("Accept-Language", l);
        }
        match req.call() {
            Ok(resp) => {
                let vary = resp.header("vary").unwrap_or_default().to_string();
                (resp.status(), resp.into_json().unwrap(), vary)
            }
            Err(ureq::Error::Status(code, resp)) => (code, resp.into_json().unwrap(), String::new()),
            Err(e) => panic!("{path}: {e}"),
        }
    };
    let (status, zh, vary) = asked("/v1/findings", Some("zh-CN,zh;q=0.9,en;q=0.8"));
    assert_eq!(status, 200);
    assert_eq!(
        zh, zh_cli,
        "Accept-Language: zh-CN answers as report findings --lang zh-CN"
    );
    assert!(vary.to_ascii_lowercase().contains("accept-language"), "Vary: {vary}");
    assert!(zh["findings"][0]["message"].as_str().unwrap().contains('元'));
    assert_eq!(asked("/v1/findings?lang=zh-CN", None).1, zh_cli);
    assert_eq!(
        asked("/v1/findings?lang=en", Some("zh-CN")).1,
        expected[4].1,
        "lang= wins"
    );
    assert_eq!(asked("/v1/findings", Some("fr, en;q=0.5")).1, expected[4].1);
    assert_eq!(asked("/v1/findings", Some("fr")).1, expected[4].1, "English by default");
    let (status, err, _) = asked("/v1/findings?lang=fr", None);
    assert_eq!((status, err["error"]["code"].as_str()), (400, Some("bad_query")));
    assert_eq!(err["error"]["field"], "lang");
    for (e, z) in expected[4].1["findings"]
        .as_array()
        .unwrap()
        .iter()
        .zip(zh["findings"].as_array().unwrap())
    {
        assert_eq!(e["facts"], z["facts"]);
        assert_ne!(e["message"], z["message"]);
    }
    let (status, changes, _) = asked("/v1/findings/changes?from_seq=1000", Some("zh-CN"));
    assert_eq!(status, 200);
    assert_eq!(changes, changes_zh_cli);

    // Single items, and 404 for unknown ones.
    let t = &expected[0].1["targets"][0];
    let id = t["target_id"].as_str().unwrap();
    let item = |path: String| {
        let mut v = get(&a, &s.url(&path), Some(&tok)).json();
        assert_eq!(v["judged_at"], "2011-06-30", "{path}");
        v.as_object_mut().unwrap().remove("judged_at");
        v
    };
    assert_eq!(&item(format!("/v1/targets/{id}")), t);
    let c0 = &expected[2].1["commitments"][0];
    let cid = c0["commitment_id"].as_str().unwrap();
    assert_eq!(&item(format!("/v1/commitments/{cid}")), c0);
    let tasks = expected[7].1["tasks"].as_array().expect("tasks").clone();
    assert!(tasks.len() >= 16, "the demo city has yearly tasks");
    let kid = tasks[0]["task_id"].as_str().unwrap();
    assert_eq!(item(format!("/v1/assessment/{kid}")), tasks[0]);
    let projects = expected[9].1["projects"].as_array().expect("projects").clone();
    assert!(projects.len() >= 40, "the demo city has a project register");
    let pid = projects[0]["project_id"].as_str().unwrap();
    assert_eq!(item(format!("/v1/projects/{pid}")), projects[0]);
    for path in [
        "/v1/assessment/nope",
        "/v1/projects/nope",
        "/v1/targets/nope",
        "/v1/commitments/nope",
        "/v1/claims/targets/nope",
        "/v1/funds/accounts/nope/trace",
    ] {
        assert_eq!(get(&a, &s.url(path), Some(&tok)).status, 404, "{path}");
    }
    assert_eq!(
        get(
            &a,
            &s.url(&format!("/v1/funds/accounts/{account}/trace?direction=sideways")),
            Some(&tok)
        )
        .status,
        400
    );

    // A claim carries the verdict and its proofs; the verdict matches the CLI's.
    let claim = get(&a, &s.url(&format!("/v1/claims/targets/{id}")), Some(&tok)).json();
    assert!(["supported", "contradicted", "unsupported"].contains(&claim["verdict"].as_str().unwrap()));
    for rec in claim["evidence"]["records"].as_array().unwrap() {
        assert_eq!(rec["inclusion"]["root"], claim["evidence"]["checkpoint_root"]);
    }

    // Checkpoint and proofs.
    let cp = get(&a, &s.url("/v1/checkpoint"), Some(&tok)).json();
    let size = cp["size"].as_u64().unwrap();
    assert!(cp["text"].as_str().unwrap().contains(&format!("\n{size}\n")));
    let p = get(
        &a,
        &s.url(&format!("/v1/proofs/inclusion?seq=5&size={size}")),
        Some(&tok),
    )
    .json();
    assert_eq!(p["root"], cp["root"]);
    assert_eq!(p["seq"], 5);
    let p = get(
        &a,
        &s.url(&format!("/v1/proofs/consistency?from=10&to={size}")),
        Some(&tok),
    )
    .json();
    assert_eq!(p["to_root"], cp["root"]);
    assert_eq!(
        get(&a, &s.url("/v1/proofs/inclusion?seq=99999"), Some(&tok)).status,
        400
    );
}

#[test]
fn operations_routes() {
    let (_l, s, rec, _read) = started(&[]);
    let a = agent();
    let h = get(&a, &s.url("/healthz"), None);
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["records"], 3);
    post(
        &a,
        &s.url("/v1/events"),
        Some(&rec),
        &disbursement("1", "1.00", "x").to_string(),
    );
    post(&a, &s.url("/v1/events"), Some(&rec), "nonsense");
    let m = get(&a, &s.url("/metrics"), None).body;
    for needle in [
        "pledger_events_appended_total 1\n",
        "pledger_rejections_total{code=\"invalid_json\"} 1\n",
        "pledger_append_latency_seconds_bucket{le=\"+Inf\"} 1\n",
        "pledger_log_records 4\n",
        "pledger_checkpoint_size ",
        "pledger_view_lag_records ",
    ] {
        assert!(m.contains(needle), "metrics lack {needle:?}:\n{m}");
    }
    // The API description lists every route of contract section 5.
    let doc = get(&a, &s.url("/openapi.json"), None).json();
    assert_eq!(doc["openapi"], "3.1.0");
    for (method, path) in [
        ("post", "/v1/events"),
        ("get", "/v1/events"),
        ("get", "/v1/events/{seq}"),
        ("get", "/v1/targets"),
        ("get", "/v1/targets/{id}"),
        ("get", "/v1/funds/accounts"),
        ("get", "/v1/funds/accounts/{id}/trace"),
        ("get", "/v1/commitments"),
        ("get", "/v1/commitments/{id}"),
        ("get", "/v1/incentives"),
        ("get", "/v1/findings"),
        ("get", "/v1/claims/targets/{id}"),
        ("get", "/v1/checkpoint"),
        ("get", "/v1/proofs/inclusion"),
        ("get", "/v1/proofs/consistency"),
        ("get", "/v1/stream"),
        ("get", "/healthz"),
        ("get", "/metrics"),
        ("get", "/openapi.json"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from /openapi.json"
        );
    }
}

/// Reads server-sent events from `/v1/stream` on a thread, sending each
/// record's seq.
fn subscribe(url: String, tok: String) -> std::sync::mpsc::Receiver<(u64, Value)> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let resp = ureq::get(&url)
            .set("Authorization", &format!("Bearer {tok}"))
            .call()
            .expect("stream");
        assert_eq!(resp.header("content-type"), Some("text/event-stream"));
        let mut id = None;
        for line in BufReader::new(resp.into_reader()).lines() {
            let Ok(line) = line else { return };
            if let Some(v) = line.strip_prefix("id:") {
                id = v.trim().parse::<u64>().ok();
            } else if let Some(d) = line.strip_prefix("data:") {
                let rec: Value = serde_json::from_str(d.trim()).expect("a record");
                if tx.send((id.expect("an id before data"), rec)).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

#[test]
fn the_stream_replays_then_follows_live() {
    let (_l, s, rec, read) = started(&[]);
    let a = agent();
    let stored = get(&a, &s.url("/v1/events"), Some(&read)).json()["records"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(stored.len(), 3);
    let timeout = std::time::Duration::from_secs(20);
    let from0 = subscribe(s.url("/v1/stream?from=0"), read.clone());
    let from2 = subscribe(s.url("/v1/stream?from=2"), read.clone());
    for (i, want) in stored.iter().enumerate() {
        let (id, got) = from0.recv_timeout(timeout).expect("replayed record");
        assert_eq!(id, i as u64);
        assert_eq!(&got, want, "a streamed record must be the record as stored");
    }
    assert_eq!(from2.recv_timeout(timeout).unwrap().0, 2);
    // Live: appended after subscribing.
    let r = post(
        &a,
        &s.url("/v1/events"),
        Some(&rec),
        &disbursement("live", "5.00", "x").to_string(),
    );
    let seq = r.json()["receipts"][0]["seq"].as_u64().unwrap();
    let (id, got) = from0.recv_timeout(timeout).expect("live record");
    assert_eq!(id, seq);
    assert_eq!(got["hash"], r.json()["receipts"][0]["hash"]);
    assert_eq!(from2.recv_timeout(timeout).unwrap().0, seq);
    // Shutdown ends the streams instead of hanging on them.
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
fn a_stuck_subscriber_does_not_slow_appends() {
    let (_l, s, rec, read) = started(&[]);
    // Subscribers that never read.
    let stuck: Vec<_> = (0..8)
        .map(|_| {
            let mut sock = std::net::TcpStream::connect(s.base.trim_start_matches("http://")).unwrap();
            use std::io::Write;
            write!(
                sock,
                "GET /v1/stream?from=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {read}\r\n\r\n"
            )
            .unwrap();
            sock
        })
        .collect();
    let a = agent();
    let batch: Vec<Value> = (0..500).map(|i| disbursement(&format!("s{i}"), "1.00", "x")).collect();
    for chunk in batch.chunks(50) {
        let r = post(
            &a,
            &s.url("/v1/events"),
            Some(&rec),
            &Value::Array(chunk.to_vec()).to_string(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let m = get(&a, &s.url("/metrics"), None).body;
    assert!(m.contains("pledger_stream_subscribers 8\n"), "{m}");
    drop(stuck);
}

#[test]
fn thirty_two_clients_append_two_thousand_events_each() {
    const CLIENTS: usize = 32;
    const EACH: usize = 2000;
    let l = Ledger::new();
    // Each client is its own organisation with its own accounts.
    let setup = common::client_orgs(CLIENTS);
    l.append_str(&ndjson(&setup)).expect(0);
    let base = setup.len();
    let tokens: Vec<String> = (0..CLIENTS)
        .map(|c| token(&l.data, &format!("org-{c}"), "recorder"))
        .collect();
    let s = Server::start(&l.data, &[]);
    let url = s.url("/v1/events");
    let receipts: Arc<Mutex<HashMap<u64, String>>> = Arc::default();
    std::thread::scope(|scope| {
        for (c, tok) in tokens.iter().enumerate() {
            let url = url.clone();
            let receipts = receipts.clone();
            scope.spawn(move || {
                let a = agent();
                let org = format!("org-{c}");
                for i in 0..EACH {
                    let e = json!({"type": "fund.disbursed", "actor": org, "occurred_at": "2026-02-01",
                        "data": {"disbursement_id": format!("{org}-d{i}"), "from_account": format!("{org}-src"),
                                 "to_account": format!("{org}-pay"), "amount": format!("{}.{:02}", i + 1, c),
                                 "purpose": "load"}});
                    let r = post(&a, &url, Some(tok), &e.to_string());
                    assert_eq!(r.status, 201, "client {c} event {i}: {}", r.body);
                    let rc = &r.json()["receipts"][0];
                    let prev = receipts
                        .lock()
                        .unwrap()
                        .insert(rc["seq"].as_u64().unwrap(), rc["hash"].as_str().unwrap().to_string());
                    assert!(prev.is_none(), "two receipts for one seq");
                }
            });
        }
    });
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
    let receipts = receipts.lock().unwrap();
    assert_eq!(receipts.len(), CLIENTS * EACH);
    let records = l.records();
    assert_eq!(
        records.len(),
        base + CLIENTS * EACH,
        "exactly the acknowledged events were added"
    );
    let seqs: BTreeSet<u64> = records.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs.len(), records.len());
    assert_eq!(*seqs.iter().next_back().unwrap(), records.len() as u64 - 1, "no gap");
    for r in &records[base..] {
        let seq = r["seq"].as_u64().unwrap();
        assert_eq!(
            receipts.get(&seq).map(String::as_str),
            r["hash"].as_str(),
            "receipt of seq {seq}"
        );
    }
    l.run(&["verify"]).expect(0);
}

#[test]
fn shutdown_finishes_in_flight_appends_and_loses_nothing_acknowledged() {
    let (l, s, rec, _read) = started(&["--checkpoint-every", "1"]);
    let url = s.url("/v1/events");
    let acked: Arc<Mutex<Vec<(u64, String)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (url, rec, acked, stop) = (url.clone(), rec.clone(), acked.clone(), stop.clone());
            std::thread::spawn(move || {
                let a = ureq::AgentBuilder::new()
                    .timeout(std::time::Duration::from_secs(10))
                    .build();
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let body = disbursement(&format!("w{w}-{i}"), "1.00", "x").to_string();
                    i += 1;
                    match a
                        .post(&url)
                        .set("Authorization", &format!("Bearer {rec}"))
                        .send_string(&body)
                    {
                        Ok(r) if r.status() == 201 => {
                            let v: Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
                            let rc = &v["receipts"][0];
                            acked
                                .lock()
                                .unwrap()
                                .push((rc["seq"].as_u64().unwrap(), rc["hash"].as_str().unwrap().to_string()));
                        }
                        // Refused or cut off while stopping: not acknowledged.
                        _ => {}
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let (code, log) = s.stop();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(code, Some(0), "{log}");
    let acked = acked.lock().unwrap();
    assert!(!acked.is_empty(), "the appenders got nothing through");
    let records = l.records();
    for (seq, hash) in acked.iter() {
        let r = records
            .get(*seq as usize)
            .unwrap_or_else(|| panic!("acknowledged seq {seq} lost"));
        assert_eq!(r["hash"].as_str(), Some(hash.as_str()));
    }
    l.run(&["verify"]).expect(0);
    // The final checkpoint covers the whole log.
    let cp = l.run(&["checkpoint", "--format", "json"]);
    let cp: Value = serde_json::from_str(&cp.stdout).unwrap();
    assert_eq!(cp["new"], false, "shutdown signs a checkpoint of the final log");
}

#[test]
fn auditor_tokens_append_only_audit_events_and_only_for_auditors() {
    let l = Ledger::new();
    let mut setup = base_events();
    setup.push(
        json!({"type": "entity.registered", "actor": CITY, "occurred_at": "2026-01-01",
        "data": {"entity_id": "audit-office", "kind": "auditor", "name": "常德市审计局"}}),
    );
    setup.push(
        json!({"type": "entity.registered", "actor": CITY, "occurred_at": "2026-01-01",
        "data": {"entity_id": "park-a", "kind": "park", "name": "Park A"}}),
    );
    setup.push(
        json!({"type": "target.assigned", "actor": CITY, "occurred_at": "2026-01-01",
        "data": {"target_id": "t1", "assignee": "park-a", "metric": "new_projects_ge_10m", "unit": "count",
                 "comparator": ">=", "threshold": "10", "period": {"from": "2026-01-01", "to": "2026-06-30"},
                 "basis": "常发〔2026〕1号"}}),
    );
    l.append_str(&ndjson(&setup)).expect(0);
    // The auditor role is refused for an entity that is not an auditor.
    let mut c = common::cmd();
    c.arg("--data")
        .arg(&l.data)
        .args(["token", "add", "park-a", "--role", "auditor"]);
    let out = common::run_cmd(c, None);
    out.expect(2);
    assert!(out.stderr.contains("kind auditor"), "{}", out.stderr);
    // An unregistered entity gets no token once the ledger is founded.
    let mut c = common::cmd();
    c.arg("--data")
        .arg(&l.data)
        .args(["token", "add", "nobody", "--role", "reader"]);
    common::run_cmd(c, None).expect(2);

    let audit = token(&l.data, "audit-office", "auditor");
    let s = Server::start(&l.data, &[]);
    let a = agent();
    let url = s.url("/v1/events");
    let verified = json!({"type": "target.verified", "actor": "audit-office", "occurred_at": "2026-07-10",
        "data": {"target_id": "t1", "value": "8", "as_of": "2026-06-30", "evidence": [{"ref": "审计报告 2026-3"}]}});
    let r = post(&a, &url, Some(&audit), &verified.to_string());
    assert_eq!(r.status, 201, "{}", r.body);
    let mut disb = disbursement("a1", "1.00", "x");
    disb["actor"] = json!("audit-office");
    let r = post(&a, &url, Some(&audit), &disb.to_string());
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden_role"), "{}", r.body);
    // The auditor reads everything.
    assert_eq!(
        get(&a, &s.url("/v1/targets/t1"), Some(&audit)).json()["status"],
        "missed"
    );
}

#[test]
fn events_of_a_keyed_entity_must_be_signed_over_http_too() {
    let l = Ledger::new();
    let out = l.run(&["sign", "--new-key", "acme.key"]);
    out.expect(0);
    let public_key = out.stdout.trim().to_string();
    let mut setup = base_events();
    setup.push(
        json!({"type": "entity.registered", "actor": CITY, "occurred_at": "2026-01-01",
        "data": {"entity_id": "acme", "kind": "enterprise", "name": "Acme", "public_key": public_key}}),
    );
    l.append_str(&ndjson(&setup)).expect(0);
    let event = json!({"type": "account.opened", "id": "acme-acct", "actor": "acme", "occurred_at": "2026-02-01",
        "data": {"account_id": "acme-acct", "holder": "acme", "name": "专户", "kind": "internal"}});
    let unsigned = l.file("unsigned.ndjson", &ndjson(&[event]));
    let signed = l.run(&["sign", "--key", "acme.key", unsigned.to_str().unwrap()]);
    signed.expect(0);
    let signed_line = signed.stdout.trim().to_string();
    let tok = token(&l.data, "acme", "recorder");
    let s = Server::start(&l.data, &[]);
    let a = agent();
    let url = s.url("/v1/events");
    let unsigned_body = std::fs::read_to_string(&unsigned).unwrap();
    let r = post(&a, &url, Some(&tok), unsigned_body.trim());
    assert_eq!((r.status, r.code().as_str()), (422, "missing_signature"), "{}", r.body);
    let tampered = signed_line.replace("专户", "专戶");
    let r = post(&a, &url, Some(&tok), &tampered);
    assert_eq!((r.status, r.code().as_str()), (422, "bad_signature"), "{}", r.body);
    let r = post(&a, &url, Some(&tok), &signed_line);
    assert_eq!(r.status, 201, "{}", r.body);
    // The record keeps the signature, so anyone can re-check it.
    let seq = r.json()["receipts"][0]["seq"].as_u64().unwrap();
    let rec = get(&a, &s.url(&format!("/v1/events/{seq}")), Some(&tok)).json();
    assert!(rec["event"]["signature"].is_string());
}

#[test]
fn json_logs_carry_the_appended_seq_in_the_request_span() {
    let l = Ledger::new();
    l.append_str(&ndjson(&base_events())).expect(0);
    let rec = token(&l.data, CITY, "recorder");
    let s = Server::start_env(&l.data, &["--log-format", "json"], &[("PLEDGER_LOG", "info")]);
    let a = agent();
    let r = post(
        &a,
        &s.url("/v1/events"),
        Some(&rec),
        &disbursement("1", "1.00", "x").to_string(),
    );
    assert_eq!(r.status, 201);
    let (code, log) = s.stop();
    assert_eq!(code, Some(0));
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {l}")))
        .collect();
    let append = lines
        .iter()
        .find(|l| l["span"]["path"] == "/v1/events" && l["status"] == 201)
        .unwrap_or_else(|| panic!("no log line for the append:\n{log}"));
    assert_eq!(append["span"]["seq"], 3);
    assert_eq!(append["span"]["entity"], CITY);
}

#[test]
fn admin_tokens_issue_and_revoke_tokens_over_http() {
    let (l, s, rec, _read) = started(&[]);
    let a = agent();
    let url = s.url("/v1/tokens");
    let body = json!({"entity": CITY, "roles": ["recorder"]}).to_string();
    // Only an admin token may.
    assert_eq!(post(&a, &url, Some(&rec), &body).status, 403);
    assert_eq!(post(&a, &url, None, &body).status, 401);
    let admin = token(&l.data, CITY, "admin");
    let r = post(&a, &url, Some(&admin), &body);
    assert_eq!(r.status, 201, "{}", r.body);
    let issued = r.json();
    let fresh = issued["token"].as_str().unwrap().to_string();
    let id = issued["id"].as_str().unwrap().to_string();
    assert_eq!(
        post(
            &a,
            &s.url("/v1/events"),
            Some(&fresh),
            &disbursement("t1", "1.00", "x").to_string()
        )
        .status,
        201
    );
    // Listing never shows a token.
    let list = get(&a, &url, Some(&admin));
    assert!(!list.body.contains(&fresh) && list.body.contains(&id), "{}", list.body);
    // Unknown entities and roles are refused.
    let r = post(
        &a,
        &url,
        Some(&admin),
        &json!({"entity": "nobody", "roles": ["reader"]}).to_string(),
    );
    assert_eq!((r.status, r.code().as_str()), (422, "unknown_reference"));
    let r = post(
        &a,
        &url,
        Some(&admin),
        &json!({"entity": CITY, "roles": ["root"]}).to_string(),
    );
    assert_eq!(r.status, 422);
    let r = post(
        &a,
        &url,
        Some(&admin),
        &json!({"entity": CITY, "roles": ["auditor"]}).to_string(),
    );
    assert_eq!(r.status, 422, "the city is not an auditor");
    // Revoked: the token stops working at once.
    let r = a
        .delete(&s.url(&format!("/v1/tokens/{id}")))
        .set("Authorization", &format!("Bearer {admin}"))
        .call()
        .expect("revoke");
    assert_eq!(r.status(), 200);
    assert_eq!(
        post(
            &a,
            &s.url("/v1/events"),
            Some(&fresh),
            &disbursement("t2", "1.00", "x").to_string()
        )
        .status,
        401
    );
    // Entities, with their names.
    let e = get(&a, &s.url("/v1/entities"), Some(&admin)).json();
    assert_eq!(e["entities"][0]["entity_id"], CITY);
    assert_eq!(e["entities"][0]["name"], "常德市人民政府");
}

#[test]
fn every_error_has_the_contract_shape_and_names_the_first_bad_event() {
    let (l, s, rec, read) = started(&[]);
    let a = agent();
    let url = s.url("/v1/events");
    let shape = |r: &server::Reply| {
        let e = &r.json()["error"];
        assert!(
            e["code"].is_string() && e["message"].is_string() && e["field"].is_string(),
            "{}",
            r.body
        );
    };
    // A known route with another method: 405 in the contract's shape, Allow kept.
    let r = a
        .delete(&s.url("/v1/events/0"))
        .set("Authorization", &format!("Bearer {read}"))
        .call();
    let resp = match r {
        Err(ureq::Error::Status(405, resp)) => resp,
        other => panic!("expected 405, got {other:?}"),
    };
    assert!(resp.header("allow").is_some_and(|v| v.contains("GET")));
    let body: Value = serde_json::from_str(&resp.into_string().unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    // A path segment that is not UTF-8.
    let r = get(&a, &s.url("/v1/targets/%FF"), Some(&read));
    assert_eq!(r.status, 400);
    shape(&r);
    // 401 says how to authenticate.
    let resp = ureq::get(&s.url("/v1/targets")).call().unwrap_err();
    match resp {
        ureq::Error::Status(401, resp) => {
            assert!(resp.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")))
        }
        other => panic!("expected 401, got {other}"),
    }
    // A single event's error has no batch position.
    let mut d = disbursement("x1", "1.00", "x");
    d["data"]["to_account"] = json!("nowhere");
    let r = post(&a, &url, Some(&rec), &d.to_string());
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"]["field"], "data.to_account", "{}", r.body);
    assert!(
        !r.json()["error"]["message"].as_str().unwrap().contains("batch"),
        "{}",
        r.body
    );
    // In a large batch (prepared in parallel) the first bad event is named, every time.
    let mut batch: Vec<Value> = (0..300).map(|i| disbursement(&format!("b{i}"), "1.00", "x")).collect();
    batch[149]["data"]["amount"] = json!("x1");
    batch[200]["data"]["zzz"] = json!(1);
    let body = Value::Array(batch).to_string();
    for _ in 0..8 {
        let r = post(&a, &url, Some(&rec), &body);
        assert_eq!(r.json()["error"]["field"], "[149].data.amount", "{}", r.body);
    }
    // The same id twice in one batch names both events, not a record that does not exist.
    let twice = json!([disbursement("dup", "1.00", "x"), disbursement("dup", "2.00", "x")]);
    let r = post(&a, &url, Some(&rec), &twice.to_string());
    assert_eq!(r.status, 409);
    let m = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(m.contains("#1") && m.contains("#2") && m.contains("this batch"), "{m}");
    // A Last-Event-ID at the very end of the range resumes at nothing, without crashing.
    let resp = ureq::get(&s.url("/v1/stream"))
        .set("Authorization", &format!("Bearer {read}"))
        .set("Last-Event-ID", &u64::MAX.to_string())
        .call()
        .expect("stream");
    assert_eq!(resp.status(), 200);
    drop(resp);
    assert_eq!(get(&a, &s.url("/healthz"), None).status, 200);
    // A token whose entity is not registered in this (founded) ledger cannot read.
    let ghost = token(&l.data, "ghost", "reader");
    let r = get(&a, &s.url("/v1/targets"), Some(&ghost));
    assert_eq!(r.status, 401, "{}", r.body);
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}
