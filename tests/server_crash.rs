//! The crash loop: a real server under concurrent HTTP appends is killed
//! with SIGKILL at random moments and restarted. After every kill, each
//! acknowledged receipt must be in the log with the same hash and `verify`
//! must pass; after every restart, the live views (restored from the views
//! snapshot and the log's tail) must equal a rebuild from the log.
//!
//! CI runs a few kills; `tools/crashloop.sh` runs many:
//! `PLEDGER_CRASH_KILLS=60 cargo test --release --test server_crash -- --nocapture`.

mod common;
#[path = "common/server.rs"]
mod server;

use common::{base_events, ndjson, Ledger, CITY, DST, SRC};
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use server::{agent, get, token, Server};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// A valid event of a few kinds, so the views have something to show:
/// disbursements, allocations and now and then a void of an earlier one.
fn event(n: u64, rng: &mut impl Rng, voidable: Option<u64>) -> Value {
    match (rng.gen_range(0..10), voidable) {
        (0, Some(seq)) => json!({"type": "event.voided", "id": format!("v-{n}"), "actor": CITY,
            "occurred_at": "2026-03-01", "data": {"seq": seq, "reason": "entered twice"}}),
        (1 | 2, _) => json!({"type": "fund.allocated", "id": format!("a-{n}"), "actor": CITY,
            "occurred_at": "2026-02-01", "data": {"allocation_id": format!("alloc-{n}"),
            "from_account": SRC, "to_account": DST, "amount": format!("{}.00", rng.gen_range(1..1000)),
            "purpose": "roads"}}),
        _ => json!({"type": "fund.disbursed", "id": format!("d-{n}"), "actor": CITY,
            "occurred_at": format!("2026-02-{:02}", rng.gen_range(1..28)),
            "data": {"disbursement_id": format!("disb-{n}"), "from_account": SRC, "to_account": DST,
            "amount": format!("{}.{:02}", rng.gen_range(1..100_000), rng.gen_range(0..100)), "purpose": "roads"}}),
    }
}

/// Live views equal views rebuilt from the log at the same position.
fn check_views_equal_rebuild(s: &Server, tok: &str) -> u64 {
    let a = agent();
    let len = get(&a, &s.url("/healthz"), None).json()["records"].as_u64().unwrap();
    for view in [
        "/v1/targets",
        "/v1/funds/accounts",
        "/v1/commitments",
        "/v1/incentives",
        "/v1/findings",
    ] {
        let started = std::time::Instant::now();
        let live = get(&a, &s.url(view), Some(tok));
        assert_eq!(live.status, 200, "{view} after {:?}: {}", started.elapsed(), live.body);
        let started = std::time::Instant::now();
        let rebuilt = get(&a, &s.url(&format!("{view}?at_seq={}", len - 1)), Some(tok));
        assert_eq!(
            rebuilt.status,
            200,
            "{view}?at_seq after {:?}: {}",
            started.elapsed(),
            rebuilt.body
        );
        let mut rebuilt = rebuilt.json();
        rebuilt.as_object_mut().unwrap().remove("at_seq");
        assert_eq!(
            live.json(),
            rebuilt,
            "{view}: live views differ from a rebuild at {len} records"
        );
    }
    len
}

#[test]
fn acknowledged_appends_survive_sigkill_and_views_equal_a_rebuild() {
    let kills = env_u64("PLEDGER_CRASH_KILLS", 4);
    let seed = env_u64("PLEDGER_CRASH_SEED", rand::random::<u64>() % 1_000_000);
    eprintln!("crash loop: {kills} kills, seed {seed} (PLEDGER_CRASH_SEED={seed} to replay)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let l = Ledger::new();
    l.append_str(&ndjson(&base_events())).expect(0);
    let tok = token(&l.data, CITY, "recorder");
    let next_id = Arc::new(AtomicU64::new(0));
    let mut acked: Vec<(u64, String)> = Vec::new();
    let mut checked_records = 0usize;

    for kill in 0..kills {
        // Checkpoints and views snapshots are written (and killed) mid-run too.
        let s = Server::start_env(
            &l.data,
            &["--checkpoint-every", "1", "--snapshot-every", "300"],
            &[("PLEDGER_TODAY", "2026-06-30")],
        );
        check_views_equal_rebuild(&s, &tok);
        let url = s.url("/v1/events");
        let stop = Arc::new(AtomicBool::new(false));
        let got: Arc<Mutex<Vec<(u64, String)>>> = Arc::default();
        let clients = 8;
        let workers: Vec<_> = (0..clients)
            .map(|w| {
                let (url, tok, stop, got, next_id) =
                    (url.clone(), tok.clone(), stop.clone(), got.clone(), next_id.clone());
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ (kill << 8) ^ w);
                std::thread::spawn(move || {
                    let a = ureq::AgentBuilder::new().timeout(Duration::from_secs(5)).build();
                    let mut last_seq = None;
                    while !stop.load(Ordering::Relaxed) {
                        let batch = rng.gen_range(1..=4);
                        let events: Vec<Value> = (0..batch)
                            .map(|_| event(next_id.fetch_add(1, Ordering::Relaxed), &mut rng, last_seq))
                            .collect();
                        let resp = a
                            .post(&url)
                            .set("Authorization", &format!("Bearer {tok}"))
                            .send_string(&Value::Array(events).to_string());
                        match resp {
                            Ok(r) if r.status() == 201 => {
                                let v: Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
                                let mut g = got.lock().unwrap();
                                for rc in v["receipts"].as_array().unwrap() {
                                    let seq = rc["seq"].as_u64().unwrap();
                                    g.push((seq, rc["hash"].as_str().unwrap().to_string()));
                                    last_seq = Some(seq);
                                }
                            }
                            // A void of an already voided record is refused; the kill cuts others off.
                            Ok(_) | Err(ureq::Error::Status(..)) => {}
                            Err(_) => break,
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rng.gen_range(100..1500)));
        drop(s); // SIGKILL
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            w.join().unwrap();
        }
        acked.extend(got.lock().unwrap().drain(..));

        let records = l.records();
        for (seq, hash) in &acked {
            let r = records
                .get(*seq as usize)
                .unwrap_or_else(|| panic!("kill {kill}: acknowledged seq {seq} lost (log has {})", records.len()));
            assert_eq!(
                r["hash"].as_str(),
                Some(hash.as_str()),
                "kill {kill}: seq {seq} changed"
            );
        }
        checked_records += acked.len();
        l.run(&["verify"]).expect(0);
        eprintln!(
            "kill {}: log {} records, {} acknowledged so far, all present",
            kill + 1,
            records.len(),
            acked.len()
        );
    }
    // A last restart: the views after the final kill.
    let s = Server::start_env(&l.data, &[], &[("PLEDGER_TODAY", "2026-06-30")]);
    let len = check_views_equal_rebuild(&s, &tok);
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
    eprintln!("crash loop done: {kills} kills survived, {checked_records} receipt checks, final log {len} records");
    assert!(!acked.is_empty());
}
