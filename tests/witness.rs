//! End-to-end tests of witnesses (docs/format.md section 6, issue 19), driving
//! the real binary: two `pledger witness serve` processes and a `pledger
//! serve --witness ... --witness ...` on 127.0.0.1.
//!
//! - The ledger's checkpoints are cosigned by both witnesses; `GET
//!   /v1/checkpoint` carries both cosignatures; a witness killed with
//!   SIGKILL keeps its state across the restart; `verify-bundle --witness
//!   --quorum 2` passes for an export and a claim bundle with both
//!   cosignatures and fails (exit 1) when only one of the named witnesses
//!   cosigned.
//! - The fork test: a copy of the ledger (same key) that rewrites history
//!   and asks the witnesses to cosign its head is refused by both (409
//!   with the size they hold, and 409 again from that size: the same size
//!   with another root, as docs/format.md section 6 has it) and the refused
//!   checkpoint is kept as evidence; an auditor
//!   holding the earlier cosigned checkpoint proves the fork offline with
//!   `pledger witness compare`; grown past the witnesses' size, it is
//!   refused again and proven with `import-bundle` + `verify --since`.
//! - A witness killed with SIGKILL mid-stream keeps every checkpoint it
//!   answered 200 for (`PLEDGER_WITNESS_KILLS=N` for more rounds).
//! - The console lists the cosigners and applies a witness policy in
//!   headless Chromium; its cosignature check matches the Rust vector.

mod browser;
mod common;
#[path = "common/proofs.rs"]
mod proofs_common;
#[path = "common/server.rs"]
mod server;

use common::*;
use proofs_common::copy_dir;
use serde_json::{json, Value};
use server::{agent, get, post, token, Server};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const AS_OF: &str = "2027-02-01";

struct Witness {
    dir: PathBuf,
    key: String,
    server: Option<Server>,
}

fn pledger(data: &Path, args: &[&str]) -> Out {
    let mut c = cmd();
    c.arg("--data").arg(data).args(args);
    run_cmd(c, None)
}

impl Witness {
    fn new(root: &Path, name: &str, log_key: &str) -> Witness {
        let dir = root.join(name.replace('/', "_"));
        let out = pledger(&dir, &["witness", "init", "--name", name]);
        out.expect(0);
        let key = out.stdout.trim().to_string();
        assert_eq!(pledger(&dir, &["witness", "key"]).expect(0).stdout.trim(), key);
        pledger(&dir, &["witness", "trust", log_key]).expect(0);
        Witness { dir, key, server: None }
    }

    fn start(&mut self, addr: &str) {
        let mut c = cmd();
        c.arg("--data")
            .arg(&self.dir)
            .args(["witness", "serve", "--addr", addr])
            .env("PLEDGER_LOG", "info");
        self.server = Some(Server::spawn(c));
    }

    fn url(&self) -> String {
        self.server.as_ref().expect("running").base.clone()
    }

    fn spec(&self) -> String {
        format!("{}={}", self.url(), self.key)
    }

    /// SIGKILL: no orderly shutdown at all.
    fn kill9(&mut self) {
        let mut s = self.server.take().expect("running");
        s.child.kill().expect("kill -9");
        s.child.wait().expect("wait");
    }

    fn stop(&mut self) -> String {
        self.server.take().map(|s| s.stop().1).unwrap_or_default()
    }

    fn status(&self) -> Value {
        let out = pledger(&self.dir, &["--format", "json", "witness", "status"]);
        out.expect(0);
        serde_json::from_str(out.stdout.trim()).expect("status JSON")
    }

    fn evidence(&self) -> Vec<Value> {
        let out = pledger(&self.dir, &["--format", "json", "witness", "evidence"]);
        out.expect(0);
        parse_json_lines(&out.stdout)
    }
}

fn log_key(l: &Ledger) -> String {
    l.run(&["key"]).expect(0).stdout.trim().to_string()
}

/// Polls `GET /v1/checkpoint` until it is of `size` and cosigned by `n`
/// witnesses.
fn wait_cosigned(s: &Server, size: u64, n: usize) -> Value {
    let a = agent();
    let started = Instant::now();
    loop {
        let r = get(&a, &s.url("/v1/checkpoint"), None);
        if r.status == 200 {
            let v = r.json();
            if v["size"] == size && v["cosignatures"].as_array().map_or(0, |c| c.len()) == n {
                return v;
            }
            if started.elapsed() > Duration::from_secs(60) {
                panic!("no checkpoint of size {size} with {n} cosignatures: {v}");
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn park() -> Value {
    json!({
        "type": "entity.registered", "id": "e-park", "actor": CITY, "occurred_at": "2026-01-01",
        "data": {"entity_id": "park", "kind": "park", "name": "Park", "parent": CITY}
    })
}

/// A target assigned, claimed met and verified met: `claim met` is supported.
fn met_target() -> Vec<Value> {
    vec![
        park(),
        json!({"type": "target.assigned", "id": "a-met", "actor": CITY, "occurred_at": "2026-01-02",
            "data": {"target_id": "met", "assignee": "park", "metric": "projects", "unit": "count",
                "comparator": ">=", "threshold": "10", "period": {"from": "2026-01-01", "to": "2026-12-31"},
                "basis": "work meeting"}}),
        json!({"type": "target.progress_reported", "id": "c-met", "actor": "park", "occurred_at": "2027-01-03",
            "data": {"target_id": "met", "value": "12", "as_of": "2026-12-31"}}),
        json!({"type": "target.verified", "id": "v-met", "actor": CITY, "occurred_at": "2027-01-05",
            "data": {"target_id": "met", "value": "12", "as_of": "2026-12-31"}}),
    ]
}

fn serve_with(l: &Ledger, witnesses: &[&Witness]) -> Server {
    let specs: Vec<String> = witnesses.iter().map(|w| w.spec()).collect();
    let mut args = vec!["--public-reads", "--checkpoint-every", "1"];
    for s in &specs {
        args.push("--witness");
        args.push(s);
    }
    Server::start_env(&l.data, &args, &[("PLEDGER_LOG", "info")])
}

fn verify_bundle(l: &Ledger, file: &Path, witnesses: &[&str], quorum: &str) -> Out {
    let mut args = vec!["verify-bundle".to_string(), file.display().to_string()];
    for w in witnesses {
        args.push("--witness".into());
        args.push(w.to_string());
    }
    args.push("--quorum".into());
    args.push(quorum.into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    l.run(&args)
}

#[test]
fn two_witnesses_cosign_survive_a_kill_and_bundles_need_a_quorum() {
    let l = Ledger::founded();
    l.append_str(&ndjson(&met_target())).expect(0);
    let lk = log_key(&l);
    let tok = token(&l.data, CITY, "recorder");
    let root = l.tmp.path().to_path_buf();
    let mut w1 = Witness::new(&root, "audit.example/witness", &lk);
    let mut w2 = Witness::new(&root, "province.example/witness", &lk);
    w1.start("127.0.0.1:0");
    w2.start("127.0.0.1:0");
    let s = serve_with(&l, &[&w1, &w2]);

    // 7 records: cosigned by both, from old size 0.
    let cp = wait_cosigned(&s, 7, 2);
    let names: Vec<&str> = cp["cosignatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["audit.example/witness", "province.example/witness"]);
    for c in cp["cosignatures"].as_array().unwrap() {
        assert!(c["timestamp"].as_u64().unwrap() > 1_700_000_000, "{c}");
        assert!(c["key"] == w1.key.as_str() || c["key"] == w2.key.as_str());
    }
    let text = cp["text"].as_str().unwrap();
    assert_eq!(
        text.matches('\u{2014}').count(),
        3,
        "the log's signature and two cosignatures:\n{text}"
    );
    assert!(text.contains("\u{2014} audit.example/witness ") && text.contains("\u{2014} province.example/witness "));
    // The existing fields are unchanged.
    assert_eq!(cp["origin"], "pledger.local/ledger");
    assert_eq!(cp["key"], lk.as_str());

    // More records over HTTP: the next checkpoint is sent with a
    // consistency proof from 7, and cosigned again.
    let a = agent();
    let r = post(
        &a,
        &s.url("/v1/events"),
        Some(&tok),
        &serde_json::to_string(&json!([
            disbursement("x1", "10.00", "roads"),
            disbursement("x2", "20.00", "roads")
        ]))
        .unwrap(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    wait_cosigned(&s, 9, 2);

    // kill -9 the first witness; its state is on disk.
    let port = w1.url().rsplit(':').next().unwrap().to_string();
    w1.kill9();
    let st = w1.status();
    assert_eq!(st["held"][0]["size"], 9, "{st}");
    assert_eq!(st["held"][0]["origin"], "pledger.local/ledger");
    // Restarted on the same address, it is asked from the size it kept.
    w1.start(&format!("127.0.0.1:{port}"));
    let r = post(
        &a,
        &s.url("/v1/events"),
        Some(&tok),
        &serde_json::to_string(&json!([disbursement("x3", "30.00", "roads")])).unwrap(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    wait_cosigned(&s, 10, 2);
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
    let wlog = w1.stop();
    assert!(wlog.contains("add-checkpoint"), "{wlog}");
    w2.stop();
    assert_eq!(w1.status()["held"][0]["size"], 10);
    assert!(w1.evidence().is_empty() && w2.evidence().is_empty());

    // Bundles: an export and a claim bundle carry the cosigned checkpoint.
    let export = l.tmp.path().join("export.bundle");
    l.run(&["export", "--out", export.to_str().unwrap()]).expect(0);
    let claim = l.tmp.path().join("claim.bundle");
    l.run(&["claim", "met", "--as-of", AS_OF, "--bundle", claim.to_str().unwrap()])
        .expect(0);
    // A third witness that never saw this log.
    let w3 = Witness::new(&root, "discipline.example/witness", &lk);
    // `claim --bundle` with a policy: written when met, refused (exit 1, no file) when not.
    let claim2 = l.tmp.path().join("claim2.bundle");
    let c = claim2.to_str().unwrap();
    let base = ["claim", "met", "--as-of", AS_OF, "--bundle", c, "--witness"];
    let mut args = base.to_vec();
    args.extend([w1.key.as_str(), "--witness", w3.key.as_str(), "--quorum", "2"]);
    let refused = l.run(&args);
    refused.expect(1);
    assert!(
        refused.stderr.contains("no bundle written") && !claim2.exists(),
        "{}",
        refused.stderr
    );
    let mut args = base.to_vec();
    args.extend([w1.key.as_str(), "--witness", w2.key.as_str(), "--quorum", "2"]);
    l.run(&args).expect(0);
    assert!(claim2.exists());
    for file in [&export, &claim] {
        let ok = verify_bundle(&l, file, &[&w1.key, &w2.key], "2");
        ok.expect(0);
        assert!(
            ok.stdout.contains("witnesses: 2 of the 2 named cosigned"),
            "{}",
            ok.stdout
        );
        // 2 of 3 keys: still fine.
        verify_bundle(&l, file, &[&w1.key, &w2.key, &w3.key], "2").expect(0);
        // 2 of {w1, w3}: only one of them cosigned, so exit 1.
        let bad = verify_bundle(&l, file, &[&w1.key, &w3.key], "2");
        bad.expect(1);
        assert!(bad.stderr.contains("from 1 of the 2 named"), "{}", bad.stderr);
        // 3 of 3: exit 1.
        verify_bundle(&l, file, &[&w1.key, &w2.key, &w3.key], "3").expect(1);
        // A quorum above the keys named is a usage error.
        verify_bundle(&l, file, &[&w1.key], "2").expect(2);
    }
    // JSON names the cosigners.
    let out = l.run(&[
        "--format",
        "json",
        "verify-bundle",
        claim.to_str().unwrap(),
        "--witness",
        &w1.key,
        "--witness",
        &w2.key,
        "--quorum",
        "2",
    ]);
    out.expect(0);
    let v: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(v["witnesses"]["cosigned"].as_array().unwrap().len(), 2, "{v}");

    // A bundle whose checkpoint lost one cosignature line fails with quorum 2.
    let text = std::fs::read_to_string(&claim).unwrap();
    let stripped: String = {
        // The checkpoint is a JSON string on line 2; drop the province's line.
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut cp: Value = serde_json::from_str(&lines[1]).unwrap();
        let note = cp["checkpoint"].as_str().unwrap();
        let kept: String = note
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("\u{2014} province.example/witness "))
            .collect();
        cp["checkpoint"] = Value::String(kept);
        lines[1] = serde_json::to_string(&cp).unwrap();
        lines.join("\n") + "\n"
    };
    let one = l.file("one-cosig.bundle", &stripped);
    verify_bundle(&l, &one, &[&w1.key], "1").expect(0);
    verify_bundle(&l, &one, &[&w1.key, &w2.key], "2").expect(1);
}

#[test]
fn a_forked_ledger_is_refused_and_the_fork_is_proven_offline() {
    let l = Ledger::founded();
    let lk = log_key(&l);
    // The copy is taken at 3 records; both then grow to 6, differently.
    let fork_tmp = tempfile::tempdir().unwrap();
    let fork = Ledger {
        data: fork_tmp.path().join("data"),
        tmp: fork_tmp,
    };
    copy_dir(&l.data, &fork.data);
    assert_eq!(log_key(&fork), lk, "the copy signs with the same key");
    l.append_str(&ndjson(&[
        disbursement("a", "1.00", "roads"),
        disbursement("b", "2.00", "roads"),
        disbursement("c", "3.00", "roads"),
    ]))
    .expect(0);
    fork.append_str(&ndjson(&[
        disbursement("a", "1000000.00", "roads"),
        disbursement("b", "2.00", "roads"),
        disbursement("c", "3.00", "roads"),
    ]))
    .expect(0);

    let root = l.tmp.path().to_path_buf();
    let mut w1 = Witness::new(&root, "audit.example/witness", &lk);
    let mut w2 = Witness::new(&root, "province.example/witness", &lk);
    w1.start("127.0.0.1:0");
    w2.start("127.0.0.1:0");

    // The honest ledger's head of 6 is cosigned by both.
    let s = serve_with(&l, &[&w1, &w2]);
    let honest = wait_cosigned(&s, 6, 2);
    s.stop();
    let honest_file = l.file("honest-checkpoint.json", &honest.to_string());

    // The fork asks for the same size with another root.
    let f = serve_with(&fork, &[&w1, &w2]);
    let a = agent();
    let started = Instant::now();
    let forked = loop {
        let r = get(&a, &f.url("/v1/checkpoint"), None);
        if r.status == 200 && r.json()["size"] == 6 {
            break r.json();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the fork signed no checkpoint"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    // Give it a few ticks of asking; it must never get a cosignature.
    std::thread::sleep(Duration::from_secs(3));
    let forked_now = get(&a, &f.url("/v1/checkpoint"), None).json();
    assert_eq!(forked_now["cosignatures"], json!([]), "{forked_now}");
    assert_ne!(forked["root"], honest["root"]);
    let (_, flog) = f.stop();
    assert!(flog.contains("refused with 409"), "{flog}");
    w1.stop();
    w2.stop();

    // Every witness refused and kept the conflicting checkpoint: a 409
    // (the fork asked from size 0; the witness holds 6), then 409 again
    // (asked from 6: the same size with another root).
    for w in [&w1, &w2] {
        assert_eq!(w.status()["held"][0]["root"], honest["root"]);
        let ev = w.evidence();
        let statuses: Vec<u64> = ev.iter().map(|e| e["status"].as_u64().unwrap()).collect();
        assert!(!statuses.is_empty() && statuses.iter().all(|s| *s == 409), "{ev:?}");
        assert!(
            ev.iter()
                .any(|e| e["reason"].as_str().is_some_and(|r| r.contains("another root"))),
            "the same size with another root is named: {ev:?}"
        );
        for e in &ev {
            assert!(e["request"]
                .as_str()
                .unwrap()
                .contains(forked["text"].as_str().unwrap().lines().nth(2).unwrap()));
            assert_eq!(e["held"]["root"], honest["root"]);
        }
    }

    // The auditor, offline, with the cosigned checkpoint they kept and the
    // fork's (from the fork's server, or from a witness's evidence).
    let forked_file = l.file("forked-checkpoint.json", &forked.to_string());
    let out = l.run(&[
        "witness",
        "compare",
        honest_file.to_str().unwrap(),
        forked_file.to_str().unwrap(),
        "--key",
        &lk,
        "--witness",
        &w1.key,
        "--witness",
        &w2.key,
    ]);
    out.expect(1);
    assert!(out.stdout.starts_with("FORK:"), "{}", out.stdout);
    assert!(out
        .stdout
        .contains("cosigned by: audit.example/witness, province.example/witness"));
    assert!(out.stdout.contains("cosigned by: none"));
    // The same checkpoint twice is no fork.
    l.run(&[
        "witness",
        "compare",
        honest_file.to_str().unwrap(),
        honest_file.to_str().unwrap(),
        "--key",
        &lk,
    ])
    .expect(0);
    // The witness's own evidence serves as well as the fork's server.
    let kept = w1.evidence().pop().unwrap();
    let kept_file = l.file("evidence.json", &kept.to_string());
    let out = l.run(&[
        "witness",
        "compare",
        honest_file.to_str().unwrap(),
        kept_file.to_str().unwrap(),
        "--key",
        &lk,
    ]);
    out.expect(1);
    assert!(out.stdout.starts_with("FORK:"), "{}", out.stdout);

    // The fork grows past the witnesses' size: still refused (422, its
    // proof from 6 does not lead from the root they hold), still kept.
    fork.append_str(&ndjson(&[
        disbursement("d", "4.00", "roads"),
        disbursement("e", "5.00", "roads"),
    ]))
    .expect(0);
    let before = w1.evidence().len();
    w1.start("127.0.0.1:0");
    w2.start("127.0.0.1:0");
    let f = serve_with(&fork, &[&w1, &w2]);
    let started = Instant::now();
    while get(&a, &f.url("/v1/checkpoint"), None).json()["size"] != 8 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the fork signed no checkpoint of 8"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(3));
    let grown = get(&a, &f.url("/v1/checkpoint"), None).json();
    assert_eq!(grown["cosignatures"], json!([]), "{grown}");
    f.stop();
    w1.stop();
    w2.stop();
    let ev = w1.evidence();
    assert!(ev.len() > before);
    let last = ev.last().unwrap();
    assert_eq!(last["status"], 422, "{last}");
    assert!(last["reason"].as_str().unwrap().contains("not consistent"), "{last}");
    assert_eq!(w1.status()["held"][0]["size"], 6);

    // Different sizes: the auditor takes the fork's export, restores it
    // offline and asks whether it extends the cosigned checkpoint it kept.
    let export = fork.tmp.path().join("fork.bundle");
    fork.run(&["export", "--out", export.to_str().unwrap()]).expect(0);
    // The fork's export fails a witness policy ...
    verify_bundle(&fork, &export, &[&w1.key, &w2.key], "1").expect(1);
    // ... and it does not extend the witnessed history.
    let audit = Ledger::uninit();
    audit.run(&["import-bundle", export.to_str().unwrap()]).expect(0);
    let kept_note = audit.file("kept.checkpoint", honest["text"].as_str().unwrap());
    let out = audit.run(&["verify", "--since", kept_note.to_str().unwrap()]);
    out.expect(1);
    assert!(
        format!("{}{}", out.stdout, out.stderr).contains("HISTORY WAS REWRITTEN"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    // The honest ledger extends it.
    l.run(&["verify", "--since", kept_note.to_str().unwrap()]).expect(0);
}

/// Crash safety: a witness cosigning a fast stream of growing checkpoints
/// is killed with SIGKILL at random moments. After each kill the state it
/// kept is at least the last checkpoint it answered 200 for (it persisted
/// before answering) and at most the last one sent; restarted, it carries
/// on from there.
#[test]
fn a_witness_killed_mid_stream_keeps_every_cosigned_checkpoint() {
    use pledger_core::checkpoint::ed25519_dalek::SigningKey;
    use pledger_core::checkpoint::{Checkpoint, VerifierKey};
    use pledger_core::merkle::{consistency_proof, MemTree};
    use pledger_core::witness::AddCheckpoint;
    use rand::{Rng, SeedableRng};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    const ORIGIN: &str = "pledger.test/ledger";
    let tmp = tempfile::tempdir().unwrap();
    let log = SigningKey::from_bytes(&[42; 32]);
    let lk = VerifierKey::of(ORIGIN, &log).unwrap().to_string();
    let mut w = Witness::new(tmp.path(), "audit.example/witness", &lk);
    let mut tree = MemTree::new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(19);
    let kills = std::env::var("PLEDGER_WITNESS_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4u32);
    let mut held = 0u64;
    for round in 0..kills {
        w.start("127.0.0.1:0");
        let url = format!("{}/add-checkpoint", w.url());
        let acked = Arc::new(AtomicU64::new(held));
        let sent = Arc::new(AtomicU64::new(held));
        // The tree grows ahead of the witness: 200 records more per round.
        for i in 0..200u64 {
            tree.push(blake3::hash(&(u64::from(round) * 1000 + i).to_le_bytes()).as_bytes());
        }
        let tree_now = tree.clone();
        let log = log.clone();
        let (a, s) = (acked.clone(), sent.clone());
        let client = std::thread::spawn(move || {
            let agent = agent();
            let mut old = held;
            for size in held + 1..=tree_now.size() {
                let root = pledger_core::merkle::root(size, &tree_now).unwrap();
                let note = Checkpoint::new(ORIGIN, size, root).sign(&log).unwrap().to_text();
                let proof = if old == 0 {
                    vec![]
                } else {
                    consistency_proof(old, size, &tree_now).unwrap()
                };
                s.store(size, Ordering::SeqCst);
                match agent.post(&url).send_string(&AddCheckpoint::body(old, &proof, &note)) {
                    Ok(r) if r.status() == 200 => {
                        a.store(size, Ordering::SeqCst);
                        old = size;
                    }
                    Ok(r) => panic!("unexpected {}", r.status()),
                    Err(ureq::Error::Status(code, r)) => {
                        panic!("refused {code}: {}", r.into_string().unwrap_or_default())
                    }
                    Err(_) => return, // killed
                }
            }
        });
        std::thread::sleep(Duration::from_millis(rng.gen_range(100..600)));
        w.kill9();
        client.join().expect("client");
        let st = w.status();
        let kept = st["held"][0]["size"].as_u64().unwrap_or(0);
        let (acked, sent) = (acked.load(Ordering::SeqCst), sent.load(Ordering::SeqCst));
        assert!(
            acked <= kept && kept <= sent,
            "round {round}: acknowledged {acked}, kept {kept}, sent up to {sent}"
        );
        eprintln!("round {round}: acknowledged {acked}, kept {kept}, sent up to {sent}");
        held = kept;
    }
    assert!(held > 0, "nothing was cosigned in {kills} rounds");
}

/// The console's "verify here" checks cosignatures with the same vector
/// as the Rust code (`pledger_core::cosignature`, `known_vector`), in Node
/// when it is installed (the console's code is plain ES modules).
#[test]
fn the_console_verifies_the_known_cosignature_vector() {
    let Ok(node) = which_node() else {
        eprintln!("skipped: no node");
        return;
    };
    let verify = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/server/console/verify.js");
    let script = format!(
        r#"const m = await import({verify:?});
const body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const line = "\u2014 witness.example/w1 CtfTXgAAAABkGFDL0l0pFwTk9MykvW0AWQ7aj3wlQOPdkH/U6S+pa35ceaScuEzSwKfIeJ7i4Fxp8hH+ardr70qwEBhCA4/FskmwAg==\n";
const key = "witness.example/w1+0ad7d35e+BIqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c";
const good = await m.verifyCosignatures(m.parseCheckpoint(body + "\n" + line), [key]);
const bad = await m.verifyCosignatures(m.parseCheckpoint(body.replace("20852163", "20852164") + "\n" + line), [key]);
console.log(JSON.stringify([good, bad]));"#,
        verify = verify.display().to_string()
    );
    let out = std::process::Command::new(node)
        .args(["--input-type=module", "-e", &script])
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if String::from_utf8_lossy(&out.stderr).contains("Unrecognized algorithm name") {
        eprintln!("skipped: this node has no Ed25519 in WebCrypto");
        return;
    }
    assert_eq!(
        stdout.trim(),
        r#"[["witness.example/w1"],[]]"#,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn which_node() -> Result<PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join("node"))
        .find(|p| p.is_file())
        .ok_or(())
}

/// The console: the record page lists the witnesses that cosigned the
/// latest checkpoint, and "verify here" applies a witness policy (2 of
/// these keys) with its own cosignature check, failing when the named
/// witnesses did not cosign.
#[test]
fn the_console_shows_cosigners_and_applies_a_witness_policy() {
    let Some(chromium) = browser::chromium() else { return };
    let l = Ledger::founded();
    let lk = log_key(&l);
    let root = l.tmp.path().to_path_buf();
    let mut w1 = Witness::new(&root, "audit.example/witness", &lk);
    let mut w2 = Witness::new(&root, "province.example/witness", &lk);
    let w3 = Witness::new(&root, "discipline.example/witness", &lk);
    w1.start("127.0.0.1:0");
    w2.start("127.0.0.1:0");
    let s = serve_with(&l, &[&w1, &w2]);
    wait_cosigned(&s, 3, 2);

    let mut b = browser::Browser::launch(&chromium, &["--lang=en-US", "--accept-lang=en-US,en"]);
    b.open(&s.base, "#/records/1");
    assert_eq!(b.count(".cosigners li"), 2);
    assert_eq!(
        b.eval("[...document.querySelectorAll('.cosigners li')].map(li => li.dataset.witness)"),
        json!(["audit.example/witness", "province.example/witness"])
    );
    assert_eq!(
        b.eval("document.querySelector('.verification').dataset.verdict"),
        json!("verified")
    );
    assert_eq!(
        b.count(".step[data-step=witness_quorum]"),
        0,
        "no policy, no witness step"
    );

    let policy = |keys: &[&str], quorum: u32| {
        format!(
            "localStorage.setItem('pledger.witness-policy', JSON.stringify({}))",
            json!({"keys": keys, "quorum": quorum})
        )
    };
    b.eval(&policy(&[&w1.key, &w2.key, &w3.key], 2));
    b.open(&s.base, "#/records/2");
    assert_eq!(
        b.eval("document.querySelector('.step[data-step=witness_quorum]').dataset.ok"),
        json!("true")
    );
    assert_eq!(
        b.eval("document.querySelector('.verification').dataset.verdict"),
        json!("verified")
    );

    b.eval(&policy(&[&w1.key, &w3.key], 2));
    b.open(&s.base, "#/records/0");
    assert_eq!(
        b.eval("document.querySelector('.step[data-step=witness_quorum]').dataset.ok"),
        json!("false")
    );
    assert_eq!(
        b.eval("document.querySelector('.verification').dataset.verdict"),
        json!("failed")
    );
    b.eval("localStorage.removeItem('pledger.witness-policy')");
    b.assert_no_errors("witness console");
    s.stop();
    w1.stop();
    w2.stop();
}
