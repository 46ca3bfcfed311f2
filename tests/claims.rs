//! End-to-end tests of claims with evidence (contract 3.6, issue 4 item 5):
//! `claim TARGET` prints the verdict, each deciding record as stored and its
//! inclusion proof against a signed checkpoint; `claim --bundle OUT` writes a
//! claim bundle; `verify-bundle` checks it offline.
//!
//! Records are re-hashed with the tests' own JCS (tests/common), proofs
//! checked with the RFC 9162 verifier, checkpoints with the `signed_note`
//! crate.

mod common;
#[path = "common/proofs.rs"]
mod proofs_common;

use common::*;
use pledger_core::merkle::verify_inclusion;
use proofs_common::*;
use serde_json::{json, Value};
use std::path::PathBuf;

const AS_OF: &str = "2027-02-01";

fn park() -> Value {
    json!({
        "type": "entity.registered", "id": "e-park", "actor": CITY, "occurred_at": "2026-01-01",
        "data": {"entity_id": "park", "kind": "park", "name": "Park", "parent": CITY}
    })
}

fn assign(target: &str) -> Value {
    json!({
        "type": "target.assigned", "id": format!("a-{target}"), "actor": CITY, "occurred_at": "2026-01-02",
        "data": {
            "target_id": target, "assignee": "park", "metric": format!("projects_{target}"), "unit": "count",
            "comparator": ">=", "threshold": "10", "period": {"from": "2026-01-01", "to": "2026-12-31"},
            "basis": "work meeting"
        }
    })
}

fn claimed(target: &str, value: &str) -> Value {
    json!({
        "type": "target.progress_reported", "id": format!("c-{target}"), "actor": "park", "occurred_at": "2027-01-03",
        "data": {"target_id": target, "value": value, "as_of": "2026-12-31"}
    })
}

fn verified(target: &str, value: &str) -> Value {
    json!({
        "type": "target.verified", "id": format!("v-{target}"), "actor": CITY, "occurred_at": "2027-01-05",
        "data": {"target_id": target, "value": value, "as_of": "2026-12-31"}
    })
}

/// Seqs 0–2 the founding records, 3 the park; then
/// `met` (4 assigned, 5 claimed 12, 6 verified 12): supported;
/// `missed` (7, 8 claimed 12, 9 verified 3): contradicted;
/// `open` (10, 11 claimed 12, no verification): unsupported.
fn scenario() -> Ledger {
    let l = Ledger::founded();
    l.append_str(&ndjson(&[
        park(),
        assign("met"),
        claimed("met", "12"),
        verified("met", "12"),
        assign("missed"),
        claimed("missed", "12"),
        verified("missed", "3"),
        assign("open"),
        claimed("open", "12"),
    ]))
    .expect(0);
    l
}

fn claim_json(l: &Ledger, target: &str, code: i32) -> Value {
    let out = l.run(&["--format", "json", "claim", target, "--as-of", AS_OF]);
    out.expect(code);
    serde_json::from_str(out.stdout.trim()).expect("claim prints one JSON object")
}

fn unhex_all(v: &Value) -> Vec<[u8; 32]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| unhex(h.as_str().unwrap()))
        .collect()
}

/// Checks the evidence of a `claim --format json` answer with nothing but
/// the contract: each record is the stored line (byte for byte), its hash
/// recomputes, its proof verifies against the checkpoint's root, and the
/// checkpoint verifies under the ledger's key with the `signed_note` crate.
#[track_caller]
fn check_evidence(l: &Ledger, answer: &Value, stdout: &str) {
    let ev = &answer["evidence"];
    let vkey = verifier_key(l);
    assert_eq!(ev["key"], vkey);
    let (origin, size, root) = open_note(ev["checkpoint"].as_str().unwrap(), &vkey);
    assert_eq!(origin, "pledger.local/ledger");
    assert_eq!(ev["checkpoint_size"], size);
    assert_eq!(unhex(ev["checkpoint_root"].as_str().unwrap()).to_vec(), root);
    let log: Vec<String> = l.log_json_text().lines().map(str::to_string).collect();
    let records = ev["records"].as_array().unwrap();
    let seqs: Vec<u64> = records.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(json!(seqs), answer["deciding_seqs"]);
    for r in records {
        let seq = r["seq"].as_u64().unwrap();
        let line = &log[seq as usize];
        // As stored: the exact line `log --format json` prints.
        assert!(
            stdout.contains(&format!("\"record\":{line}")),
            "record {seq} is not as stored"
        );
        let record = &r["record"];
        assert_eq!(record["seq"], seq);
        assert_eq!(record_hash(record), record["hash"].as_str().unwrap());
        let p = &r["inclusion"];
        assert_eq!(p["seq"], seq);
        assert_eq!(p["size"], size);
        assert_eq!(p["record_hash"], record["hash"]);
        assert_eq!(unhex(p["root"].as_str().unwrap()).to_vec(), root);
        verify_inclusion(
            seq,
            size,
            &unhex(p["record_hash"].as_str().unwrap()),
            &unhex_all(&p["path"]),
            &unhex(p["root"].as_str().unwrap()),
        )
        .unwrap_or_else(|e| panic!("the inclusion proof of record {seq} does not verify: {e:?}"));
    }
}

#[test]
fn supported_contradicted_and_unsupported_with_evidence() {
    let l = scenario();

    let out = l.run(&["--format", "json", "claim", "met", "--as-of", AS_OF]);
    out.expect(0);
    let a: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(a["verdict"], "supported");
    assert_eq!(a["status"], "met");
    assert_eq!(a["deciding_seqs"], json!([4, 5, 6]));
    assert_eq!(a["judged_at"], AS_OF);
    // No checkpoint yet: one of the whole log was signed first.
    assert_eq!(a["evidence"]["signed_new_checkpoint"], true);
    assert_eq!(a["evidence"]["checkpoint_size"], 12);
    check_evidence(&l, &a, &out.stdout);

    let out = l.run(&["--format", "json", "claim", "missed", "--as-of", AS_OF]);
    out.expect(1);
    assert!(out.stderr.contains("contradicted"), "{}", out.stderr);
    let a: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(a["verdict"], "contradicted");
    assert_eq!(a["deciding_seqs"], json!([7, 8, 9]));
    assert_eq!(a["evidence"]["signed_new_checkpoint"], false);
    check_evidence(&l, &a, &out.stdout);

    let out = l.run(&["--format", "json", "claim", "open", "--as-of", AS_OF]);
    out.expect(0);
    let a: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(a["verdict"], "unsupported");
    assert_eq!(a["status"], "claimed_unverified");
    assert_eq!(a["deciding_seqs"], json!([10, 11]));
    check_evidence(&l, &a, &out.stdout);

    // The table shows the same evidence: the note and each record as stored.
    let out = l.run(&["claim", "met", "--as-of", AS_OF]);
    out.expect(0);
    assert!(out.stdout.contains("verdict: supported"), "{}", out.stdout);
    let note = a["evidence"]["checkpoint"].as_str().unwrap();
    assert!(out.stdout.contains(note), "{}", out.stdout);
    let log = l.log_json_text();
    for seq in [4, 5, 6] {
        assert!(out.stdout.contains(log.lines().nth(seq).unwrap()), "{}", out.stdout);
    }
    l.run(&["claim", "missed", "--as-of", AS_OF]).expect(1);

    // An unknown target is bad input.
    l.run(&["claim", "no-such-target"]).expect(2);
    l.run(&["verify"]).expect(0);
}

#[test]
fn the_latest_checkpoint_is_used_while_it_covers_the_deciding_records() {
    let l = scenario();
    l.run(&["checkpoint"]).expect(0);
    // Records for another target after the checkpoint: `met` is still covered.
    l.append_str(&ndjson(&[assign("later")])).expect(0);
    let a = claim_json(&l, "met", 0);
    assert_eq!(a["evidence"]["signed_new_checkpoint"], false);
    assert_eq!(a["evidence"]["checkpoint_size"], 12);
    // A deciding record after it: a checkpoint of the whole log is signed.
    l.append_str(&ndjson(&[claimed("later", "11")])).expect(0);
    let a = claim_json(&l, "later", 0);
    assert_eq!(a["verdict"], "unsupported");
    assert_eq!(a["deciding_seqs"], json!([12, 13]));
    assert_eq!(a["evidence"]["signed_new_checkpoint"], true);
    assert_eq!(a["evidence"]["checkpoint_size"], 14);
    let v = verify_json(&l);
    assert_eq!(v["checkpoints"], 2);
}

fn bundle_of(l: &Ledger, target: &str, code: i32) -> (PathBuf, String) {
    let path = l.tmp.path().join(format!("{target}.claim"));
    let out = l.run(&["claim", target, "--as-of", AS_OF, "--bundle", path.to_str().unwrap()]);
    out.expect(code);
    let text = std::fs::read_to_string(&path).expect("the claim bundle was written");
    (path, text)
}

#[test]
fn claim_bundles_verify_offline() {
    let l = scenario();
    let vkey = verifier_key(&l);
    for (target, code, verdict, seqs) in [
        ("met", 0, "supported", json!([4, 5, 6])),
        ("missed", 1, "contradicted", json!([7, 8, 9])),
        ("open", 0, "unsupported", json!([10, 11])),
    ] {
        let (path, text) = bundle_of(&l, target, code);
        let lines: Vec<&str> = text.lines().collect();
        let header: Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(header["pledger_bundle"], 1);
        assert_eq!(header["kind"], "claim");
        assert_eq!(header["target_id"], target);
        assert_eq!(header["verdict"], verdict);
        assert_eq!(header["key"], vkey);
        let n = seqs.as_array().unwrap().len();
        assert_eq!(header["records"], n);
        assert_eq!(lines.len(), 2 + 2 * n);
        let cp: Value = serde_json::from_str(lines[1]).unwrap();
        let (_, size, root) = open_note(cp["checkpoint"].as_str().unwrap(), &vkey);
        let log_text = l.log_json_text();
        let log: Vec<&str> = log_text.lines().collect();
        for (i, seq) in seqs.as_array().unwrap().iter().enumerate() {
            let seq = seq.as_u64().unwrap();
            // Record lines are exactly the stored records.
            assert_eq!(lines[2 + 2 * i], log[seq as usize]);
            let p: Value = serde_json::from_str(lines[3 + 2 * i]).unwrap();
            let p = &p["inclusion"];
            assert_eq!(p["seq"], seq);
            assert_eq!(p["size"], size);
            verify_inclusion(
                seq,
                size,
                &unhex(p["record_hash"].as_str().unwrap()),
                &unhex_all(&p["path"]),
                &root.clone().try_into().unwrap(),
            )
            .unwrap();
        }

        // verify-bundle checks it offline (no data directory needed).
        let mut c = cmd();
        c.arg("verify-bundle").arg(&path).current_dir(l.tmp.path());
        let out = run_cmd(c, None);
        out.expect(0);
        assert!(out.stdout.contains(&format!("is {verdict}")), "{}", out.stdout);
        let out = l.run(&[
            "--format",
            "json",
            "verify-bundle",
            path.to_str().unwrap(),
            "--key",
            &vkey,
        ]);
        out.expect(0);
        let v: Value = serde_json::from_str(out.stdout.trim()).unwrap();
        assert_eq!(v["ok"], true);
        assert_eq!(v["kind"], "claim");
        assert_eq!(v["verdict"], verdict);
        assert_eq!(v["records"], seqs);
        assert_eq!(v["keys_pinned"], true);

        // Against another ledger's key it fails.
        let other = Ledger::new();
        let out = l.run(&["verify-bundle", path.to_str().unwrap(), "--key", &verifier_key(&other)]);
        out.expect(1);
        assert!(
            out.stderr.contains("FAILED") && out.stderr.contains("checkpoint"),
            "{}",
            out.stderr
        );
    }
    // A claim bundle is evidence, not a ledger: it cannot be imported.
    let (path, _) = bundle_of(&l, "open", 0);
    let fresh = Ledger::uninit();
    let out = fresh.run(&["import-bundle", path.to_str().unwrap()]);
    assert_eq!(out.code, Some(2), "the wrong kind of input is bad input");
    assert!(out.stderr.contains("claim bundle"), "{}", out.stderr);
    assert!(!fresh.data.exists());
}

/// Writes `text` as a bundle and runs verify-bundle on it.
fn verify_text(l: &Ledger, name: &str, text: &[u8]) -> Out {
    let p = l.tmp.path().join(name);
    std::fs::write(&p, text).unwrap();
    l.run(&["verify-bundle", p.to_str().unwrap()])
}

#[test]
fn every_flipped_byte_of_a_claim_bundle_fails() {
    let l = scenario();
    let (_, text) = bundle_of(&l, "open", 0);
    let bytes = text.as_bytes().to_vec();
    let positions: Vec<usize> = (0..bytes.len()).collect();
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get()).min(8);
    let chunk = positions.len().div_ceil(threads);
    std::thread::scope(|s| {
        for (t, part) in positions.chunks(chunk).enumerate() {
            let (l, bytes) = (&l, &bytes);
            s.spawn(move || {
                for &i in part {
                    let mut b = bytes.clone();
                    b[i] ^= 0x01;
                    let out = verify_text(l, &format!("flipped-{t}.claim"), &b);
                    assert!(!out.stderr.contains("panicked"), "byte {i}: {}", out.stderr);
                    assert_eq!(out.code, Some(1), "byte {i} flipped still verifies: {}", out.stdout);
                    assert!(out.stderr.contains("FAILED"), "byte {i}: {}", out.stderr);
                }
            });
        }
    });
}

#[test]
fn changed_content_that_stays_well_formed_is_named() {
    let l = scenario();
    let (_, text) = bundle_of(&l, "met", 0);
    let fails = |name: &str, t: &str, needle: &str| {
        let out = verify_text(&l, name, t.as_bytes());
        out.expect(1);
        assert!(out.stderr.contains(needle), "{name}: {}", out.stderr);
    };
    // Another verdict, or another reason: they do not follow from the records.
    fails(
        "verdict.claim",
        &text.replacen("\"verdict\":\"supported\"", "\"verdict\":\"contradicted\"", 1),
        "the verdict is supported, not contradicted",
    );
    fails(
        "reason.claim",
        &text.replacen("found 12", "found 13", 1),
        "the reason is",
    );
    // Another target named in the header.
    fails(
        "target.claim",
        &text.replacen("\"target_id\":\"met\"", "\"target_id\":\"missed\"", 1),
        "not about target",
    );
    // The deciding verification left out (its proof too, and the count
    // adjusted): the records left do not decide the claim that way.
    let lines: Vec<&str> = text.lines().collect();
    let mut fewer: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    fewer.drain(6..8);
    fewer[0] = fewer[0].replace("\"records\":3", "\"records\":2");
    fails(
        "fewer.claim",
        &(fewer.join("\n") + "\n"),
        "the verdict is unsupported, not supported",
    );
    // A proof swapped for another record's.
    let mut swapped: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    swapped.swap(3, 5);
    fails(
        "swapped.claim",
        &(swapped.join("\n") + "\n"),
        "inclusion proof of record 4",
    );
    // The header's key replaced by another ledger's: the signature fails.
    let other = Ledger::new();
    fails(
        "key.claim",
        &text.replace(&verifier_key(&l), &verifier_key(&other)),
        "checkpoint",
    );
    // Truncated after a record.
    fails("cut.claim", &(lines[..5].join("\n") + "\n"), "truncated");
}

/// What `claim --format json` prints is itself checkable evidence: the
/// contract says `verify-bundle` checks "a claim's evidence".
#[test]
fn the_json_answer_of_claim_verifies_as_evidence() {
    let l = scenario();
    for (target, code) in [("met", 0), ("missed", 1), ("open", 0)] {
        let out = l.run(&["claim", target, "--as-of", AS_OF, "--format", "json"]);
        out.expect(code);
        let ok = verify_text(&l, &format!("{target}.json"), out.stdout.as_bytes());
        ok.expect(0);
        // A changed verdict no longer follows from the records.
        let verdict = serde_json::from_str::<Value>(&out.stdout).unwrap()["verdict"]
            .as_str()
            .unwrap()
            .to_string();
        let other = if verdict == "supported" {
            "contradicted"
        } else {
            "supported"
        };
        let forged = out.stdout.replace(
            &format!("\"verdict\":\"{verdict}\""),
            &format!("\"verdict\":\"{other}\""),
        );
        assert_ne!(forged, out.stdout);
        let bad = verify_text(&l, &format!("{target}-forged.json"), forged.as_bytes());
        assert_eq!(bad.code, Some(1), "{}", bad.stderr);
    }
}
