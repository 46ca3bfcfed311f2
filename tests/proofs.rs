//! End-to-end tests of proofs, checkpoints and bundles (contract 1.3, issue
//! 4): `key`, `checkpoint`, `prove`, `verify` (with stored checkpoints and
//! `--since`), `export`, `verify-bundle`, `import-bundle`.
//!
//! Checkpoints are checked with the `signed_note` crate (an independent
//! C2SP signed-note implementation), proofs with the RFC 9162 verifiers and
//! against the contract's published vectors.

mod common;
#[path = "common/proofs.rs"]
mod proofs_common;

use common::*;
use pledger_core::merkle::{verify_consistency, verify_inclusion};
use proofs_common::*;
use serde_json::{json, Value};
use std::path::Path;

/// A founded ledger (3 records) with `n` disbursements after it.
fn ledger(n: usize) -> Ledger {
    let l = Ledger::founded();
    if n > 0 {
        l.append_str(&ndjson(&disbursements("d", n))).expect(0);
    }
    l
}

fn checkpoint_to_file(l: &Ledger, name: &str) -> std::path::PathBuf {
    let note = l.run(&["checkpoint"]).expect(0).stdout.clone();
    l.file(name, &note)
}

// -------------------------------------------------------- key, checkpoint --

#[test]
fn key_and_checkpoint_verify_with_signed_note() {
    let l = Ledger::uninit();
    l.run(&["init", "--origin", "pledger.changde.example/ledger"]).expect(0);
    l.append_str(&ndjson(&base_events())).expect(0);
    l.append_str(&ndjson(&disbursements("k", 9))).expect(0);
    let vkey = verifier_key(&l);
    assert!(vkey.starts_with("pledger.changde.example/ledger+"), "{vkey}");
    let parts: Vec<&str> = vkey.splitn(3, '+').collect();
    assert_eq!(parts[1].len(), 8);
    assert!(parts[1]
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));

    let out = l.run(&["checkpoint"]);
    out.expect(0);
    let note = out.stdout.clone();
    let (origin, size, root) = open_note(&note, &vkey);
    assert_eq!(origin, "pledger.changde.example/ledger");
    assert_eq!(size, 12);
    let v = verify_json(&l);
    assert_eq!(hex_of(&root), v["root"].as_str().unwrap());
    assert_eq!(v["checkpoints"], 1);
    assert_eq!(v["latest_checkpoint"], 12);

    // The same size again: the same note (Ed25519 is deterministic), stored once.
    let again = l.run(&["--format", "json", "checkpoint"]);
    again.expect(0);
    let j: Value = serde_json::from_str(again.stdout.trim()).unwrap();
    assert_eq!(j["note"], note);
    assert_eq!(j["new"], false);
    assert_eq!(j["size"], 12);
    assert_eq!(j["root"], v["root"]);

    // A checkpoint after more records; both stored, both verified.
    l.append_str(&ndjson(&disbursements("k2-", 4))).expect(0);
    let note2 = l.run(&["checkpoint"]).expect(0).stdout.clone();
    assert_eq!(open_note(&note2, &vkey).1, 16);
    let v = verify_json(&l);
    assert_eq!(v["checkpoints"], 2);

    let kj: Value = serde_json::from_str(l.run(&["--format", "json", "key"]).expect(0).stdout.trim()).unwrap();
    assert_eq!(kj["key"], vkey);
    assert_eq!(kj["key_id"], parts[1]);
}

#[test]
fn init_refuses_an_origin_that_cannot_name_a_key() {
    for origin in ["has space/ledger", "plus+sign"] {
        let l = Ledger::uninit();
        let out = l.run(&["init", "--origin", origin]);
        out.expect(2);
        assert!(!l.data.join("ledger.key").exists());
    }
}

#[test]
fn checkpoint_of_an_empty_ledger() {
    let l = Ledger::new();
    let vkey = verifier_key(&l);
    let note = l.run(&["checkpoint"]).expect(0).stdout.clone();
    let (_, size, root) = open_note(&note, &vkey);
    assert_eq!(size, 0);
    assert_eq!(root, blake3::hash(b"").as_bytes().to_vec());
    l.run(&["verify"]).expect(0);
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ----------------------------------------------------------------- prove --

fn prove(l: &Ledger, args: &[&str]) -> Value {
    let mut a = vec!["prove"];
    a.extend_from_slice(args);
    let out = l.run(&a);
    out.expect(0);
    let v: Value = serde_json::from_str(out.stdout.trim()).expect("prove prints one JSON object");
    v
}

fn hashes(v: &Value) -> Vec<[u8; 32]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let s = h.as_str().unwrap();
            assert!(is_hex64(s), "not lowercase hex: {s}");
            unhex(s)
        })
        .collect()
}

#[test]
fn inclusion_and_consistency_proofs_verify() {
    let l = ledger(14); // 17 records
    let recs = l.records();
    let n = recs.len() as u64;
    let mut roots = vec![[0u8; 32]; n as usize + 1];
    for size in 1..=n {
        for seq in (0..size).filter(|s| s % 3 == 0 || *s == size - 1) {
            let p = prove(&l, &["--size", &size.to_string(), &seq.to_string()]);
            let keys: Vec<&str> = p.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            assert_eq!(keys.len(), 5, "{p}");
            assert_eq!(p["seq"], seq);
            assert_eq!(p["size"], size);
            assert_eq!(p["record_hash"], recs[seq as usize]["hash"]);
            let root = unhex(p["root"].as_str().unwrap());
            roots[size as usize] = root;
            let record_hash = unhex(p["record_hash"].as_str().unwrap());
            verify_inclusion(seq, size, &record_hash, &hashes(&p["path"]), &root).unwrap();
            // A path for another record does not verify.
            let other = unhex(recs[((seq + 1) % size) as usize]["hash"].as_str().unwrap());
            if size > 1 {
                assert!(verify_inclusion(seq, size, &other, &hashes(&p["path"]), &root).is_err());
            }
        }
    }
    // Default size: the whole log.
    let p = prove(&l, &["5"]);
    assert_eq!(p["size"], n);
    assert_eq!(unhex(p["root"].as_str().unwrap()), roots[n as usize]);
    assert_eq!(p["root"], verify_json(&l)["root"]);

    for (m, to) in [(1, n), (3, 7), (4, 8), (7, n), (n, n), (8, 16), (5, 5)] {
        let c = prove(&l, &["--consistency", &m.to_string(), &to.to_string()]);
        let keys: Vec<&str> = c.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["from", "from_root", "path", "to", "to_root"], "{c}");
        assert_eq!((c["from"].as_u64(), c["to"].as_u64()), (Some(m), Some(to)));
        let (fr, tr) = (
            unhex(c["from_root"].as_str().unwrap()),
            unhex(c["to_root"].as_str().unwrap()),
        );
        assert_eq!((fr, tr), (roots[m as usize], roots[to as usize]));
        verify_consistency(m, to, &fr, &tr, &hashes(&c["path"])).unwrap();
    }
}

#[test]
fn prove_refuses_impossible_requests_with_exit_2() {
    let l = ledger(2); // 5 records
    for args in [
        vec!["prove", "5"],
        vec!["prove", "2", "--size", "2"],
        vec!["prove", "1", "--size", "6"],
        vec!["prove", "--consistency", "0", "3"],
        vec!["prove", "--consistency", "4", "3"],
        vec!["prove", "--consistency", "2", "9"],
        vec!["prove", "--consistency", "2"],
        vec!["prove"],
        vec!["prove", "1", "--consistency", "1", "2"],
        vec!["prove", "x"],
    ] {
        let out = l.run(&args);
        out.expect(2);
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
}

// ------------------------------------------------------ the spec vectors --

/// The contract's vectors: seven records with known recorded_at and
/// hashes, and tree.json's roots and proofs. They go in through
/// import-bundle (the only way to keep their recorded_at), with a
/// checkpoint signed by the `signed_note` crate over tree.json's root.
#[test]
fn proofs_reproduce_the_contract_vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    };
    let (records, tree) = (read("records.ndjson"), read("tree.json"));
    let recs = parse_json_lines(&records);
    let tree: Value = serde_json::from_str(&tree).unwrap();
    let origin = "vectors.pledger.example/ledger";

    // Sign with signed_note: key from a fixed seed.
    let seed = [42u8; 32];
    let sk = pledger_core::checkpoint::ed25519_dalek::SigningKey::from_bytes(&seed);
    let vkey = signed_note::new_ed25519_verifier_key(origin, &sk.verifying_key());
    let id = vkey.split('+').nth(1).unwrap();
    let mut sdata = vec![1u8];
    sdata.extend_from_slice(&seed);
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let signer = signed_note::StandardSigner::new(&format!("PRIVATE+KEY+{origin}+{id}+{}", b64.encode(sdata))).unwrap();
    let root7 = tree["roots"][7]["root_hex"].as_str().unwrap();
    let body = format!("{origin}\n7\n{}\n", b64.encode(unhex(root7)));
    let mut note = signed_note::Note::new(body.as_bytes(), &[]).unwrap();
    note.add_sigs(&[&signer]).unwrap();
    let note = String::from_utf8(note.to_bytes()).unwrap();

    // The bundle, written from docs/proofs.md: the header's fields in order.
    let mut bundle = format!(
        "{{\"pledger_bundle\":1,\"kind\":\"export\",\"origin\":{},\"key\":{},\"former_keys\":[],\"records\":7,\"head_hash\":{},\"root\":{},\"checkpoints\":1}}\n",
        json!(origin),
        json!(vkey),
        recs[6]["hash"],
        json!(root7)
    );
    bundle.push_str(&serde_json::to_string(&json!({ "checkpoint": note })).unwrap());
    bundle.push('\n');
    for r in &recs {
        let mut event = String::new();
        jcs(&r["event"], &mut event);
        bundle.push_str(&format!(
            "{{\"seq\":{},\"recorded_at\":{},\"prev_hash\":{},\"event\":{event},\"hash\":{}}}\n",
            r["seq"], r["recorded_at"], r["prev_hash"], r["hash"]
        ));
    }
    let l = Ledger::uninit();
    let path = l.file("vectors.bundle", &bundle);
    let p = path.to_str().unwrap();
    l.run(&["verify-bundle", p, "--key", &vkey]).expect(0);
    l.run(&["import-bundle", p]).expect(0);
    assert_eq!(l.records(), recs, "records restored exactly as published");
    l.run(&["verify"]).expect(0);

    for r in tree["roots"].as_array().unwrap() {
        let size = r["size"].as_u64().unwrap();
        if size == 0 {
            continue;
        }
        let p = prove(&l, &["0", "--size", &size.to_string()]);
        assert_eq!(p["root"], r["root_hex"], "root of size {size}");
    }
    for v in tree["inclusion"].as_array().unwrap() {
        let p = prove(&l, &[&v["seq"].to_string(), "--size", &v["size"].to_string()]);
        assert_eq!(p["path"], v["path_hex"], "inclusion {v}");
    }
    for v in tree["consistency"].as_array().unwrap() {
        let c = prove(&l, &["--consistency", &v["from"].to_string(), &v["to"].to_string()]);
        assert_eq!(c["path"], v["path_hex"], "consistency {v}");
    }
    // The imported checkpoint is stored and verifies under the bundle's key,
    // now kept as a former key of this ledger.
    let v = verify_json(&l);
    assert_eq!(v["checkpoints"], 1);
    let k: Value = serde_json::from_str(l.run(&["--format", "json", "key"]).expect(0).stdout.trim()).unwrap();
    assert_eq!(k["former_keys"], json!([vkey]));
}

// ------------------------------------------------------------- tampering --

/// The sled key of a stored checkpoint.
fn checkpoint_key(size: u64) -> Vec<u8> {
    format!("mcheckpoint/{size:020}").into_bytes()
}

#[test]
fn verify_detects_a_tampered_tree_node() {
    // 300 records: stored nodes start at level 8 (256 leaves).
    let l = ledger(297);
    l.run(&["checkpoint"]).expect(0);
    l.run(&["verify"]).expect(0);
    tamper_store(&l, |t| {
        let mut k = vec![b'n', 8];
        k.extend_from_slice(&0u64.to_be_bytes());
        let mut v = t.get(&k).unwrap().expect("node (8, 0) is stored").to_vec();
        v[3] ^= 0x10;
        t.insert(k, v).unwrap();
    });
    let out = l.run(&["verify"]);
    out.expect(1);
    assert!(out.stderr.contains("Merkle node at level 8, index 0"), "{}", out.stderr);
}

#[test]
fn verify_detects_a_tampered_record_even_with_checkpoints() {
    let l = ledger(10);
    l.run(&["checkpoint"]).expect(0);
    let purpose = "purpose d 4";
    tamper_store(&l, |t| {
        let mut found = 0;
        for kv in t.iter() {
            let (k, v) = kv.unwrap();
            let mut v = v.to_vec();
            if let Some(i) = v.windows(purpose.len()).position(|w| w == purpose.as_bytes()) {
                v[i] = b'P';
                t.insert(k, v).unwrap();
                found += 1;
            }
        }
        assert_eq!(found, 1, "the purpose is stored once");
    });
    let out = l.run(&["verify"]);
    out.expect(1);
    assert!(out.stderr.contains("record 7"), "{}", out.stderr);
}

#[test]
fn verify_detects_a_tampered_checkpoint_or_signature() {
    let l = ledger(6);
    let size = 9u64;
    let note = l.run(&["checkpoint"]).expect(0).stdout.clone();
    l.run(&["verify"]).expect(0);
    let lines: Vec<&str> = note.lines().collect();
    let root_line = lines[2];
    let sig_line = lines[4];

    // (what, new note text)
    let mut other_root = unhex(&hex_of(&blake3::hash(b"x").as_bytes()[..]));
    other_root[0] ^= 1;
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut sig_bytes = b64.decode(sig_line.rsplit(' ').next().unwrap()).unwrap();
    sig_bytes[20] ^= 1;
    let forged_sig = format!(
        "{} {}",
        &sig_line[..sig_line.rfind(' ').unwrap()],
        b64.encode(&sig_bytes)
    );
    let cases = [
        (
            "root",
            note.replacen(root_line, &b64.encode(other_root), 1),
            "not valid",
        ),
        ("size", note.replacen("\n9\n", "\n8\n", 1), "not valid"),
        ("signature", note.replacen(sig_line, &forged_sig, 1), "not valid"),
        (
            "unsigned",
            format!("{}\n", lines[..3].join("\n")),
            "checkpoint of size 9",
        ),
    ];
    for (what, text, expect) in cases {
        tamper_store(&l, |t| {
            t.insert(checkpoint_key(size), text.as_bytes()).unwrap();
        });
        let out = l.run(&["verify"]);
        out.expect(1);
        assert!(
            out.stderr.contains("checkpoint of size 9") && out.stderr.contains(expect),
            "{what}: {}",
            out.stderr
        );
    }
    // Removing the checkpoint (or putting the original back) verifies again;
    // a checkpoint of a size beyond the log is caught.
    tamper_store(&l, |t| {
        t.insert(checkpoint_key(size), note.as_bytes()).unwrap();
    });
    l.run(&["verify"]).expect(0);
    tamper_store(&l, |t| {
        t.insert(checkpoint_key(12), note.as_bytes()).unwrap();
    });
    let out = l.run(&["verify"]);
    out.expect(1);
    assert!(out.stderr.contains("checkpoint of size 12"), "{}", out.stderr);
}

// ---------------------------------------------------------- verify --since --

#[test]
fn verify_since_accepts_a_log_that_extends_the_checkpoint() {
    let l = ledger(5);
    let kept = checkpoint_to_file(&l, "kept.checkpoint");
    let k = kept.to_str().unwrap();
    let out = l.run(&["verify", "--since", k]);
    out.expect(0);
    assert!(
        out.stdout.contains("extends your checkpoint of 8 records"),
        "{}",
        out.stdout
    );
    for n in [1, 7, 300] {
        l.append_str(&ndjson(&disbursements(&format!("more{n}-"), n))).expect(0);
        let out = l.run(&["--format", "json", "verify", "--since", k]);
        out.expect(0);
        let v: Value = serde_json::from_str(out.stdout.trim()).unwrap();
        let c = &v["since"]["consistency"];
        assert_eq!(c["from"], 8);
        assert_eq!(c["to"], v["records"]);
        verify_consistency(
            8,
            c["to"].as_u64().unwrap(),
            &unhex(c["from_root"].as_str().unwrap()),
            &unhex(c["to_root"].as_str().unwrap()),
            &hashes(&c["path"]),
        )
        .unwrap();
    }
    // A missing file is bad input.
    l.run(&["verify", "--since", "no-such-file"]).expect(2);
}

#[test]
fn verify_since_says_history_was_rewritten_on_a_fork() {
    // One ledger, copied (same key, same origin, same first records), then
    // the two copies diverge: a forked history.
    let a = ledger(3);
    let b = Ledger::uninit();
    copy_dir(&a.data, &b.data);
    a.append_str(&ndjson(&disbursements("honest", 4))).expect(0);
    b.append_str(&ndjson(&disbursements("forged", 4))).expect(0);
    assert_eq!(a.records().len(), b.records().len());
    assert_eq!(verifier_key(&a), verifier_key(&b));

    let kept = checkpoint_to_file(&a, "kept.checkpoint");
    let k = kept.to_str().unwrap();
    a.run(&["verify", "--since", k]).expect(0);

    // Same size, different history.
    let out = b.run(&["verify", "--since", k]);
    out.expect(1);
    assert!(out.stderr.contains("HISTORY WAS REWRITTEN"), "{}", out.stderr);
    let out = b.run(&["--format", "json", "verify", "--since", k]);
    out.expect(1);
    let v: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(v["ok"], false);
    assert!(v["error"].as_str().unwrap().contains("REWRITTEN"));

    // The fork grows past the checkpoint: still caught.
    b.append_str(&ndjson(&disbursements("forged-more", 9))).expect(0);
    let out = b.run(&["verify", "--since", k]);
    out.expect(1);
    assert!(out.stderr.contains("HISTORY WAS REWRITTEN"), "{}", out.stderr);

    // A log shorter than the checkpoint: records were removed.
    let c = Ledger::uninit();
    copy_dir(&a.data, &c.data);
    a.append_str(&ndjson(&disbursements("later", 2))).expect(0);
    let kept2 = checkpoint_to_file(&a, "kept2.checkpoint");
    let out = c.run(&["verify", "--since", kept2.to_str().unwrap()]);
    out.expect(1);
    assert!(out.stderr.contains("removed"), "{}", out.stderr);

    // A checkpoint from another ledger (another key) is not accepted.
    let other = ledger(7);
    let out = other.run(&["verify", "--since", k]);
    out.expect(1);
    assert!(
        out.stderr.contains("not a checkpoint signed by this ledger"),
        "{}",
        out.stderr
    );
    // A checkpoint whose text was edited is not accepted either.
    let edited = std::fs::read_to_string(&kept).unwrap().replacen("\n10\n", "\n9\n", 1);
    let e = a.file("edited.checkpoint", &edited);
    let out = a.run(&["verify", "--since", e.to_str().unwrap()]);
    out.expect(1);
}

// ---------------------------------------------------------------- bundles --

#[test]
fn export_verify_bundle_and_flipped_bytes() {
    let l = ledger(12);
    l.run(&["checkpoint"]).expect(0);
    l.append_str(&ndjson(&disbursements("e", 3))).expect(0);
    let bundle = l.tmp.path().join("ledger.bundle");
    let b = bundle.to_str().unwrap();
    let out = l.run(&["export", "--out", b]);
    out.expect(0);
    assert!(out.stdout.contains("signed and stored a checkpoint"), "{}", out.stdout);
    let text = std::fs::read_to_string(&bundle).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(header["pledger_bundle"], 1);
    assert_eq!(header["kind"], "export");
    assert_eq!(header["records"], 18);
    assert_eq!(header["checkpoints"], 2);
    assert_eq!(header["key"], verifier_key(&l));
    // Records are exactly what `log --format json` prints.
    let log = l.log_json_text();
    assert_eq!(lines[3..].join("\n") + "\n", log);
    for c in &lines[1..3] {
        let v: Value = serde_json::from_str(c).unwrap();
        open_note(v["checkpoint"].as_str().unwrap(), &verifier_key(&l));
    }

    let out = l.run(&["verify-bundle", b]);
    out.expect(0);
    assert!(out.stdout.contains("18 records"), "{}", out.stdout);
    l.run(&["verify-bundle", b, "--key", &verifier_key(&l)]).expect(0);
    let other = Ledger::new();
    let out = l.run(&["verify-bundle", b, "--key", &verifier_key(&other)]);
    out.expect(1);
    let out = l.run(&["--format", "json", "verify-bundle", b]);
    out.expect(0);
    let v: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(v["records"], 18);
    assert_eq!(v["consistency_proofs"], 1);
    assert_eq!(v["unsigned_records"], 0);

    // One flipped byte anywhere fails, with exit 1 naming what failed.
    let bytes = text.as_bytes();
    let step = bytes.len() / 40;
    for i in (0..bytes.len()).step_by(step).chain([bytes.len() - 1, bytes.len() - 2]) {
        let mut t = bytes.to_vec();
        t[i] ^= 0x01;
        let p = l.tmp.path().join("flipped.bundle");
        std::fs::write(&p, &t).unwrap();
        let out = l.run(&["verify-bundle", p.to_str().unwrap()]);
        out.expect(1);
        assert!(out.stderr.contains("FAILED"), "byte {i}: {}", out.stderr);
    }
    // Bad input: no such file.
    l.run(&["verify-bundle", "no-such.bundle"]).expect(2);
}

#[test]
fn export_import_round_trip() {
    let l = ledger(20);
    l.run(&["checkpoint"]).expect(0);
    l.append_str(&ndjson(&disbursements("r", 5))).expect(0);
    let bundle = l.tmp.path().join("out.bundle");
    let b = bundle.to_str().unwrap();
    l.run(&["export", "--out", b]).expect(0);
    let v_src = verify_json(&l);

    // Into a directory that does not exist yet.
    let fresh = Ledger::uninit();
    let out = fresh.run(&["import-bundle", b]);
    out.expect(0);
    assert!(
        out.stdout.contains("imported 28 records and 2 checkpoints"),
        "{}",
        out.stdout
    );
    assert_eq!(fresh.log_json_text(), l.log_json_text());
    let v = verify_json(&fresh);
    assert_eq!(v["head_hash"], v_src["head_hash"]);
    assert_eq!(v["root"], v_src["root"]);
    assert_eq!(v["checkpoints"], 2);
    // It has its own key; the bundle's is kept as a former key.
    let k: Value = serde_json::from_str(fresh.run(&["--format", "json", "key"]).expect(0).stdout.trim()).unwrap();
    assert_ne!(k["key"], verifier_key(&l));
    assert_eq!(k["former_keys"], json!([verifier_key(&l)]));
    // An auditor's checkpoint from the original still verifies against it.
    let kept = checkpoint_to_file(&l, "kept.checkpoint");
    fresh.run(&["verify", "--since", kept.to_str().unwrap()]).expect(0);
    // And it takes new records and checkpoints.
    fresh.append_str(&ndjson(&disbursements("after", 2))).expect(0);
    fresh.run(&["checkpoint"]).expect(0);
    fresh.run(&["verify", "--since", kept.to_str().unwrap()]).expect(0);

    // Into an initialised empty ledger holding the original key: the
    // re-export is byte-identical.
    let same = Ledger::uninit();
    same.run(&["init", "--origin", "some.other/origin"]).expect(0);
    std::fs::copy(l.data.join("ledger.key"), same.data.join("ledger.key")).unwrap();
    let out = same.run(&["import-bundle", b]);
    out.expect(0);
    assert!(out.stdout.contains("origin is now"), "{}", out.stdout);
    let again = same.tmp.path().join("again.bundle");
    same.run(&["export", "--out", again.to_str().unwrap()]).expect(0);
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&bundle).unwrap());

    // Refused: a non-empty ledger (exit 2, unchanged).
    let snap = same.snapshot();
    same.run(&["import-bundle", b]).expect(2);
    assert_eq!(same.snapshot(), snap);
    // Refused: a bundle that fails verification (exit 1); nothing created.
    let text = std::fs::read_to_string(&bundle).unwrap();
    let changed = text.replacen("purpose r 3", "purpose r 4", 1);
    assert_ne!(changed, text);
    let bad = l.file("bad.bundle", &changed);
    let none = Ledger::uninit();
    let out = none.run(&["import-bundle", bad.to_str().unwrap()]);
    out.expect(1);
    assert!(out.stderr.contains("nothing was imported"), "{}", out.stderr);
    assert!(!none.data.exists());
}

#[test]
fn export_of_an_empty_ledger_round_trips() {
    let l = Ledger::new();
    let bundle = l.tmp.path().join("empty.bundle");
    l.run(&["export", "--out", bundle.to_str().unwrap()]).expect(0);
    l.run(&["verify-bundle", bundle.to_str().unwrap()]).expect(0);
    let fresh = Ledger::uninit();
    fresh.run(&["import-bundle", bundle.to_str().unwrap()]).expect(0);
    assert_eq!(fresh.log_json_text(), "");
    fresh.run(&["verify"]).expect(0);
}
