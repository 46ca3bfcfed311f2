//! Backup and restore: `pledger export` then `pledger import-bundle` into an
//! empty data directory gives the same ledger — the same head hash, tree
//! root and log, and the same answer from every report (all five views,
//! as of today, as of a past date, at a past seq) and from `trace`. A
//! bundle that fails verification, or one that verifies but whose events
//! the ledger's rules refuse, is refused and leaves no partial ledger
//! behind: a directory the run created is removed, an initialised empty
//! one stays empty (and takes a good bundle afterwards).
//!
//! (tests/proofs.rs covers the bundle format, the key handling and the
//! byte-identical re-export; tests/claims.rs the claim bundles.)

mod common;

use common::*;
use pledger_core::checkpoint::{ed25519_dalek::SigningKey, Checkpoint, VerifierKey};
use pledger_core::merkle::MemTree;
use serde_json::{json, Value};
use std::path::Path;

/// Statuses are judged at a fixed date so two runs compare equal.
const TODAY: &str = "2030-06-30";

fn run(data: &Path, args: &[&str]) -> Out {
    let mut c = cmd();
    c.env("PLEDGER_TODAY", TODAY).arg("--data").arg(data).args(args);
    run_cmd(c, None)
}

/// Every answer a reader can get, as text.
fn answers(data: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut ask = |args: &[&str]| {
        let o = run(data, args);
        o.expect(0);
        out.push((args.join(" "), o.stdout.clone()));
    };
    ask(&["--format", "json", "log"]);
    for view in ["targets", "funds", "commitments", "incentives", "findings"] {
        ask(&["--format", "json", "report", view]);
        ask(&["--format", "json", "report", view, "--as-of", "2008-12-31"]);
        ask(&["--format", "json", "report", view, "--at-seq", "700"]);
        ask(&["report", view]);
    }
    ask(&["--format", "json", "trace", "city-treasury", "--down"]);
    out
}

fn head_and_root(data: &Path) -> (Value, Value, Value) {
    let o = run(data, &["--format", "json", "verify"]);
    o.expect(0);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    (v["records"].clone(), v["head_hash"].clone(), v["root"].clone())
}

#[test]
fn a_restore_answers_every_report_exactly_as_the_original() {
    let original = Ledger::uninit();
    run(&original.data, &["demo"]).expect(0);
    run(&original.data, &["checkpoint"]).expect(0);
    let bundle = original.tmp.path().join("backup.bundle");
    run(&original.data, &["export", "--out", bundle.to_str().unwrap()]).expect(0);
    let want_head = head_and_root(&original.data);
    let want = answers(&original.data);
    // The demo city exercises every view.
    for (q, a) in &want {
        assert!(a.len() > 40, "{q} answered almost nothing: {a}");
    }
    assert!(
        want.iter()
            .any(|(q, a)| q.contains("trace") && a.contains("city-treasury")),
        "the trace names its account"
    );

    // Into a directory that does not exist yet, and into an initialised
    // empty ledger of another origin.
    let fresh = Ledger::uninit();
    let inited = Ledger::uninit();
    run(&inited.data, &["init", "--origin", "other.example/ledger"]).expect(0);
    for target in [&fresh, &inited] {
        run(&target.data, &["import-bundle", bundle.to_str().unwrap()]).expect(0);
        assert_eq!(head_and_root(&target.data), want_head);
        let got = answers(&target.data);
        assert_eq!(got.len(), want.len());
        for ((q, a), (_, b)) in want.iter().zip(&got) {
            assert!(a == b, "`{q}` differs after the restore");
        }
    }
}

// ----------------------------------------------------- refused bundles --

/// An export bundle, written here from the contract alone: `events` as
/// records (recorded_at fixed, hashes by this test's own JCS), one
/// checkpoint of all of them signed with `key`.
fn bundle_of(events: &[Value], key: &SigningKey, origin: &str) -> String {
    let mut records = Vec::with_capacity(events.len());
    let mut prev = ZERO_HASH.to_string();
    let mut tree = MemTree::new();
    for (seq, e) in events.iter().enumerate() {
        let mut r = json!({
            "seq": seq, "recorded_at": "2026-11-27T00:00:00.000Z", "prev_hash": prev, "event": e,
        });
        let hash = record_hash(&r);
        tree.push(&proofs_common::unhex(&hash));
        r["hash"] = json!(hash);
        // The record line exactly as `log --format json` prints it.
        let mut event = String::new();
        jcs(e, &mut event);
        records.push(format!(
            "{{\"seq\":{seq},\"recorded_at\":\"2026-11-27T00:00:00.000Z\",\"prev_hash\":\"{prev}\",\"event\":{event},\"hash\":\"{hash}\"}}"
        ));
        prev = hash;
    }
    let root = tree.root();
    let note = Checkpoint::new(origin, events.len() as u64, root)
        .sign(key)
        .unwrap()
        .to_text();
    let vkey = VerifierKey::of(origin, key).unwrap().to_string();
    // The header's fields in the bundle's order (docs/proofs.md).
    let mut out = format!(
        "{{\"pledger_bundle\":1,\"kind\":\"export\",\"origin\":{},\"key\":{},\"former_keys\":[],\"records\":{},\"head_hash\":\"{prev}\",\"root\":\"{}\",\"checkpoints\":1}}\n",
        json!(origin),
        json!(vkey),
        events.len(),
        hex(&root)
    );
    out.push_str(&serde_json::to_string(&json!({ "checkpoint": note })).unwrap());
    out.push('\n');
    for r in records {
        out.push_str(&r);
        out.push('\n');
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[path = "common/proofs.rs"]
mod proofs_common;

/// A ledger of `n` valid disbursements after the base events, then one
/// event the registry refuses (an account nobody opened): every hash,
/// link, root and signature holds, so the bundle verifies; only replaying
/// its events through the ledger's rules finds the fault, after more than
/// one chunk of records has been written.
fn rule_breaking_events(n: usize) -> Vec<Value> {
    let mut events = base_events();
    events.extend(proofs_common::disbursements("ok", n));
    events.push(json!({
        "type": "fund.disbursed", "id": "d-bad", "actor": CITY, "occurred_at": "2026-02-01",
        "data": {"disbursement_id": "disb-bad", "from_account": "acc-nobody-opened", "to_account": DST,
                 "amount": "1.00", "purpose": "from an account that does not exist"}
    }));
    events
}

/// What an initialised, empty ledger shows: nothing, and its own key.
fn assert_empty(l: &Ledger, key_before: &str) {
    assert_eq!(l.log_json_text(), "", "records were left behind");
    let o = run(&l.data, &["--format", "json", "verify"]);
    o.expect(0);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["records"], 0);
    assert_eq!(v["checkpoints"], 0, "checkpoints were left behind");
    assert_eq!(
        l.run(&["key"]).expect(0).stdout.trim(),
        key_before,
        "origin or key changed"
    );
}

#[test]
fn a_refused_bundle_leaves_no_partial_ledger() {
    let src = Ledger::founded();
    src.append_str(&ndjson(&proofs_common::disbursements("x", 30)))
        .expect(0);
    src.run(&["checkpoint"]).expect(0);
    let good = src.tmp.path().join("good.bundle");
    src.run(&["export", "--out", good.to_str().unwrap()]).expect(0);
    let text = std::fs::read_to_string(&good).unwrap();

    // (1) Tampered: one record's purpose changed; verify-bundle fails.
    let tampered = src.file("tampered.bundle", &text.replacen("purpose x 7", "purpose x 8", 1));
    // (2) Verifies (self-consistent, signed by the key it names), but its
    // last event breaks the ledger's rules; more than 8,192 records come
    // first, so the restore has written a chunk before it refuses.
    let sk = SigningKey::from_bytes(&[3; 32]);
    let breaking = src.file(
        "rule-breaking.bundle",
        &bundle_of(&rule_breaking_events(8_300), &sk, "forged.example/ledger"),
    );
    src.run(&["verify-bundle", breaking.to_str().unwrap()]).expect(0);

    for (bundle, why) in [
        (&tampered, "FAILED verification"),
        (&breaking, "refused by the ledger's rules"),
    ] {
        let b = bundle.to_str().unwrap();
        // Into a directory that does not exist: not created.
        let none = Ledger::uninit();
        let out = none.run(&["import-bundle", b]);
        out.expect(1);
        assert!(out.stderr.contains("nothing was imported"), "{}", out.stderr);
        assert!(out.stderr.contains(why), "{}", out.stderr);
        assert!(
            !none.data.exists(),
            "a refused import left {} behind",
            none.data.display()
        );

        // Into an initialised empty ledger: still empty, same origin and key,
        // and it takes a good bundle afterwards.
        let empty = Ledger::new();
        let key = empty.run(&["key"]).expect(0).stdout.trim().to_string();
        let out = empty.run(&["import-bundle", b]);
        out.expect(1);
        assert!(out.stderr.contains("nothing was imported"), "{}", out.stderr);
        assert_empty(&empty, &key);
        empty.run(&["import-bundle", good.to_str().unwrap()]).expect(0);
        assert_eq!(empty.log_json_text(), src.log_json_text());
        empty.run(&["verify"]).expect(0);
    }
}
