//! Hostile input over HTTP: each is answered with a 4xx (or cut off), the
//! ledger is untouched, and the server keeps serving everyone else.

mod common;
#[path = "common/server.rs"]
mod server;

use common::{base_events, disbursement, ndjson, Ledger, CITY};
use server::{agent, get, post, raw_post, token, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[test]
fn hostile_bodies_get_4xx_and_the_server_keeps_serving() {
    let l = Ledger::new();
    l.append_str(&ndjson(&base_events())).expect(0);
    let tok = token(&l.data, CITY, "recorder");
    let s = Server::start(&l.data, &["--max-body", "1000000", "--request-timeout", "2"]);
    let a = agent();
    let mut tried = 0;
    let mut check = |name: &str, body: Vec<u8>, allowed: &[u16]| {
        let status = raw_post(&s.base, &tok, &body);
        assert!(allowed.contains(&status), "{name}: status {status}");
        // Everyone else is still served.
        assert_eq!(get(&a, &s.url("/healthz"), None).status, 200, "after {name}");
        tried += 1;
    };

    check(
        "deep nesting",
        ["[".repeat(100_000), "]".repeat(100_000)].concat().into_bytes(),
        &[422],
    );
    let deep_obj = format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    check("deep object", deep_obj.into_bytes(), &[422]);
    check(
        "invalid utf-8",
        b"{\"type\": \"fund.disbursed\xff\xfe\"}".to_vec(),
        &[422],
    );
    let mut huge = disbursement("h1", "1.00", "x");
    huge["data"]["amount"] = serde_json::Value::String("9".repeat(5000));
    check("huge amount", huge.to_string().into_bytes(), &[422]);
    let huge_number = format!(
        "{{\"type\":\"event.voided\",\"actor\":\"{CITY}\",\"occurred_at\":\"2026-01-01\",\"data\":{{\"seq\":{},\"reason\":\"x\"}}}}",
        "9".repeat(400)
    );
    check("huge number", huge_number.into_bytes(), &[422]);
    let fields: String = (0..10_000).map(|i| format!("\"f{i}\":{i},")).collect();
    check(
        "10,000 fields",
        format!("{{{fields}\"type\":\"fund.disbursed\"}}").into_bytes(),
        &[422],
    );
    check("oversized", vec![b' '; 2_000_000], &[413]);
    check("empty", Vec::new(), &[422]);
    check("a number", b"42".to_vec(), &[422]);
    check("nul bytes", vec![0u8; 1000], &[422]);
    let many: Vec<serde_json::Value> = (0..20_000).map(|i| serde_json::json!({"i": i})).collect();
    check("20,000 junk events", serde_json::to_vec(&many).unwrap(), &[413, 422]);

    // A client that sends half its body and stalls is cut off after the
    // request timeout; meanwhile others are served.
    let mut slow = TcpStream::connect(s.base.trim_start_matches("http://")).unwrap();
    write!(
        slow,
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tok}\r\nContent-Length: 1000\r\n\r\n{{\"type\":"
    )
    .unwrap();
    let started = Instant::now();
    let r = post(
        &a,
        &s.url("/v1/events"),
        Some(&tok),
        &disbursement("ok", "1.00", "x").to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = Vec::new();
    let _ = slow.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "a stalled body must be cut off: {text:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    tried += 1;

    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
    // Only the one good event was recorded.
    assert_eq!(l.records().len(), base_events().len() + 1);
    l.run(&["verify"]).expect(0);
    eprintln!("{tried} hostile inputs answered");
}
