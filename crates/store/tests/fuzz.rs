//! Hostile input to the store, bounded so it runs in CI.
//!
//! - `prepare` + `Ledger::append` on a `MemBackend`: mutated events, alone
//!   and inside batches with a valid event, are recorded whole or refused
//!   with nothing written; what is recorded is exactly what was sent; and
//!   after everything the log verifies and the ledger reopens (every
//!   accepted event is admitted again when the registry is rebuilt).
//! - `input::feed` + `Ledger::import`: mutated NDJSON and JSON arrays,
//!   all or nothing; 100,000 levels of nesting refused without
//!   overflowing the stack.
//! - The bundle reader (`verify_bundle`, `restore_bundle`): a mutated
//!   export is refused, or reads as the very same records and signed
//!   checkpoints; a refused restore leaves the log empty.
//! - The claim-bundle reader (`verify_claim_bundle`): a mutated claim
//!   bundle is refused or carries the same header, checkpoint and records.
//!
//! The open-ended search is `tools/fuzz` (`pledger-fuzz`).

mod common;

use common::*;
use pledger_core::checkpoint::{ed25519_dalek::SigningKey, Checkpoint, VerifierKey};
use pledger_core::json::parse_strict;
use pledger_core::record::jcs;
use pledger_store::bundle::{restore_bundle, verify_bundle, write_export, BundleReport};
use pledger_store::claim_bundle::{self, verify_claim_bundle, ClaimHeader};
use pledger_store::{checkpoints, input, verify_log, AppendError, Head, Ledger, LogBackend, MemBackend};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};
use std::cell::Cell;
use std::sync::Arc;

/// Counts one more (the test runner takes an `Fn` closure).
fn bump(c: &Cell<u64>) {
    c.set(c.get() + 1);
}

// --------------------------------------------------------- mutations --

/// The mutation engine of `pledger-fuzz`, shared so both search the same way.
#[path = "../../../tools/fuzz/src/mutate.rs"]
mod mutate;
use mutate::*;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

// ------------------------------------------------------------- events --

/// Events valid after [`founding`] (some only once, some any number of
/// times), and the contract vectors' events (refused by this ledger's
/// registry: other actors).
fn seed_events() -> Vec<Vec<u8>> {
    let mut v: Vec<Value> = vec![
        disbursement_no_id("x", "treasury", "acme-acct", "10.00"),
        disbursement("d-1", "treasury", "acme-acct", "300000000"),
        with_id(ev("fund.received", "acme", json!({"disbursement_id": "d-1"})), "r-1"),
        progress("t1", "acme", "3"),
        ev(
            "target.verified",
            "audit",
            json!({"target_id": "t1", "value": "4", "as_of": "2026-12-31", "evidence": [{"ref": "report 7"}]}),
        ),
        ev(
            "entity.registered",
            "city",
            json!({"entity_id": "ent-x", "kind": "enterprise", "name": "某某公司", "parent": "city"}),
        ),
        ev(
            "account.opened",
            "city",
            json!({"account_id": "acc-x", "holder": "city", "name": "专户", "kind": "internal", "earmark": "roads"}),
        ),
        ev(
            "commitment.made",
            "city",
            json!({"commitment_id": "c-1", "promisor": "city", "beneficiary": "acme", "kind": "subsidy",
                   "terms": "subsidy", "amount": "1000.00", "due": {"within_days": 30, "after": "k1"},
                   "conditions": [{"condition_id": "k1", "text": "t1 met", "target_id": "t1"}]}),
        ),
        ev(
            "incentive.scheme_set",
            "city",
            json!({"scheme_id": "s-1", "target_id": "t1", "total": "1000", "condition": "target_met",
                   "shares": [{"role": "lead", "percent": "60"}, {"role": "staff", "percent": 40}]}),
        ),
        ev("event.voided", "city", json!({"seq": 6, "reason": "entered twice"})),
        ev(
            "target.revised",
            "city",
            json!({"target_id": "t1", "threshold": "6", "reason": "raised"}),
        ),
    ];
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/records.ndjson");
    let text = std::fs::read_to_string(path).expect("the vectors are in tests/vectors");
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let r: Value = serde_json::from_str(line).unwrap();
        v.push(r["event"].clone());
    }
    v.iter().map(|e| e.to_string().into_bytes()).collect()
}

/// What a reader of the backend can see: the head, and whether anything
/// lies past it.
fn state(b: &dyn LogBackend) -> (Head, bool) {
    let head = b.head().unwrap();
    (head, b.get(head.len).unwrap().is_some())
}

#[test]
fn mutated_events_are_recorded_whole_or_not_at_all() {
    let backend: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
    let ledger = Ledger::open(backend.clone()).unwrap();
    ledger.append(preps(founding())).unwrap();
    let seeds = seed_events();
    let values = values();
    // Not JSON, refused by prepare, refused by the ledger, recorded.
    let counts: [Cell<u64>; 4] = Default::default();
    let strategy = (any::<prop::sample::Index>(), mutation(), any::<bool>());
    runner(6_000)
        .run(&strategy, |(seed, m, in_batch)| {
            let input = mutate_json(&seeds[seed.index(seeds.len())], &m, &values);
            let before = state(backend.as_ref());
            let Ok(value) = parse_strict(&input) else {
                bump(&counts[0]);
                return Ok(());
            };
            let Ok(prepared) = pledger_store::prepare(value.clone()) else {
                bump(&counts[1]);
                return Ok(());
            };
            // Behind a valid event: the batch is all or nothing.
            let mut batch = Vec::new();
            if in_batch {
                batch.push(prep(disbursement_no_id("y", "treasury", "acme-acct", "1.00")));
            }
            batch.push(prepared);
            let n = batch.len();
            match ledger.append(batch) {
                Ok(out) => {
                    bump(&counts[3]);
                    prop_assert_eq!(out.receipts.len(), n);
                    let after = state(backend.as_ref());
                    prop_assert_eq!(after.0.len, before.0.len + out.appended() as u64);
                    prop_assert!(!after.1, "a record lies past the head");
                    // What is stored is what was sent (with an id filled in
                    // when it had none).
                    let last = out.receipts.last().unwrap();
                    let mut stored = stored_event(backend.as_ref(), last.seq);
                    if value.get("id").is_none() {
                        stored.as_object_mut().unwrap().remove("id");
                    }
                    prop_assert_eq!(jcs(&stored).unwrap(), jcs(&value).unwrap());
                }
                Err(AppendError::Rejected(_)) => {
                    bump(&counts[2]);
                    prop_assert_eq!(state(backend.as_ref()), before, "a refused batch changed the log");
                }
                Err(AppendError::Store(e)) => return Err(TestCaseError::fail(format!("store error: {e}"))),
            }
            Ok(())
        })
        .unwrap();
    eprintln!(
        "mutated events: {} not JSON, {} refused by prepare, {} refused by the ledger, {} recorded",
        counts[0].get(),
        counts[1].get(),
        counts[2].get(),
        counts[3].get()
    );
    assert!(
        counts[2].get() > 0 && counts[3].get() > 0,
        "the mutations never reached the ledger's rules"
    );
    ledger.close();
    drop(ledger);
    // Everything recorded verifies, and is admitted again from the log.
    verify_log(backend.as_ref(), |_| {}).unwrap();
    check_chain(backend.as_ref());
    let again = Ledger::open(backend.clone()).expect("the fuzzed log reopens");
    again
        .append(preps([disbursement_no_id("z", "treasury", "acme-acct", "1.00")]))
        .unwrap();
}

#[test]
fn mutated_imports_are_all_or_nothing() {
    let backend: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
    let ledger = Ledger::open(backend.clone()).unwrap();
    ledger.append(preps(founding())).unwrap();
    let seeds = seed_events();
    // A few valid events first so most imports have something to lose.
    let mut text = Vec::new();
    for s in &seeds[..4] {
        text.extend_from_slice(s);
        text.push(b'\n');
    }
    let mut array = b"[".to_vec();
    array.extend_from_slice(&seeds[0]);
    array.push(b',');
    array.extend_from_slice(&seeds[3]);
    array.push(b']');
    let imported = Cell::new(0u64);
    runner(1_500)
        .run(
            &(any::<bool>(), proptest::collection::vec(op(), 1..4)),
            |(as_array, ops)| {
                let input = apply(if as_array { &array } else { &text }, &ops);
                let before = state(backend.as_ref());
                let (tx, rx) = Ledger::import_channel();
                let feeder = std::thread::spawn(move || input::feed(&input[..], tx, |_| {}));
                let result = ledger.import(rx);
                let (_, read) = feeder.join().expect("feed panicked").expect("reading from memory");
                match result {
                    Ok(out) => {
                        bump(&imported);
                        prop_assert_eq!(out.receipts.len(), read);
                        let after = state(backend.as_ref());
                        prop_assert_eq!(after.0.len, before.0.len + out.appended() as u64);
                    }
                    Err(AppendError::Rejected(_)) => {
                        prop_assert_eq!(state(backend.as_ref()).0, before.0, "a refused import moved the head");
                    }
                    Err(AppendError::Store(e)) => return Err(TestCaseError::fail(format!("store error: {e}"))),
                }
                Ok(())
            },
        )
        .unwrap();
    assert!(imported.get() > 0);
    ledger.close();
    drop(ledger);
    let again = Ledger::open(backend.clone()).expect("reopens");
    drop(again);
    verify_log(backend.as_ref(), |_| {}).unwrap();
}

#[test]
fn deeply_nested_input_is_refused_without_overflowing_the_stack() {
    let job = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            let backend: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
            let ledger = Ledger::open(backend.clone()).unwrap();
            ledger.append(preps(founding())).unwrap();
            let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
            let event = format!(
                r#"{{"type":"fund.received","actor":"acme","occurred_at":"2026-03-01","data":{{"disbursement_id":{deep}}}}}"#
            );
            for input in [deep.clone(), event.clone(), format!("[{event}]"), format!("[{deep}]")] {
                let (tx, rx) = Ledger::import_channel();
                let bytes = input.into_bytes();
                let feeder = std::thread::Builder::new()
                    .stack_size(1024 * 1024)
                    .spawn(move || input::feed(&bytes[..], tx, |_| {}))
                    .unwrap();
                let r = ledger.import(rx);
                feeder.join().expect("feed overflowed or panicked").unwrap();
                assert!(matches!(r, Err(AppendError::Rejected(_))), "{r:?}");
            }
            assert_eq!(backend.head().unwrap().len, founding().len() as u64);
        })
        .unwrap();
    job.join().expect("deep nesting overflowed the stack or panicked");
}

// ------------------------------------------------------------ bundles --

const ORIGIN: &str = "pledger.fuzz.example/ledger";

/// A ledger of a few dozen records with two checkpoints, and its export.
struct Exported {
    backend: Arc<dyn LogBackend>,
    key: VerifierKey,
    bundle: Vec<u8>,
    report: BundleReport,
}

fn exported() -> Exported {
    let backend: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
    let sk = SigningKey::from_bytes(&[9; 32]);
    let key = VerifierKey::of(ORIGIN, &sk).unwrap();
    {
        let ledger = Ledger::open(backend.clone()).unwrap();
        ledger.append(preps(founding())).unwrap();
        let more: Vec<Value> = (0..20)
            .map(|i| disbursement(&format!("d-{i}"), "treasury", "acme-acct", &format!("{i}.50")))
            .collect();
        ledger.append(preps(more)).unwrap();
        checkpoints::sign(backend.as_ref(), 11, ORIGIN, &sk).unwrap();
        ledger
            .append(preps([progress("t1", "acme", "2"), progress("t1", "acme", "5")]))
            .unwrap();
        checkpoints::sign(backend.as_ref(), 28, ORIGIN, &sk).unwrap();
        ledger.close();
    }
    let mut bundle = Vec::new();
    let len = backend.head().unwrap().len;
    write_export(backend.as_ref(), len, &key, &[], &mut bundle).unwrap();
    let report = verify_bundle(&bundle[..], &[]).unwrap();
    Exported {
        backend,
        key,
        bundle,
        report,
    }
}

fn bodies(b: &dyn LogBackend) -> Vec<Vec<u8>> {
    let len = b.head().unwrap().len;
    b.scan(0, len).map(|r| r.unwrap().bytes).collect()
}

fn signed_bodies(r: &BundleReport) -> Vec<Checkpoint> {
    r.checkpoints.iter().map(|(c, _)| c.clone()).collect()
}

#[test]
fn mutated_bundles_are_refused_or_read_the_same() {
    let x = exported();
    let original = bodies(x.backend.as_ref());
    let accepted = Cell::new(0u64);
    let refused = Cell::new(0u64);
    runner(1_200)
        .run(&proptest::collection::vec(op(), 1..4), |ops| {
            let bundle = apply(&x.bundle, &ops);
            let checked = verify_bundle(&bundle[..], &[]);
            let pinned = verify_bundle(&bundle[..], std::slice::from_ref(&x.key));
            match &checked {
                Ok(r) => {
                    bump(&accepted);
                    // Only bytes no signature covers may differ: e.g. a
                    // signature line repeated in a note.
                    prop_assert_eq!(r.records, x.report.records);
                    prop_assert_eq!(r.head_hash, x.report.head_hash);
                    prop_assert_eq!(r.root, x.report.root);
                    prop_assert_eq!(signed_bodies(r), signed_bodies(&x.report));
                }
                Err(_) => bump(&refused),
            }
            if let Ok(r) = &pinned {
                prop_assert_eq!(r.root, x.report.root);
                prop_assert_eq!(signed_bodies(r), signed_bodies(&x.report));
            }
            // A restore, even without verifying first, is all or nothing and
            // writes only the original records.
            let target = MemBackend::new();
            match restore_bundle(&target, &bundle[..], &x.key) {
                Ok(done) => {
                    let got = bodies(&target);
                    prop_assert_eq!(done.head, target.head().unwrap());
                    prop_assert!(got.len() <= original.len());
                    prop_assert_eq!(&got[..], &original[..got.len()]);
                    if checked.is_ok() {
                        prop_assert_eq!(got, original.clone());
                    }
                }
                Err(_) => {
                    prop_assert!(checked.is_err(), "a bundle that verifies was not restored");
                    prop_assert_eq!(target.head().unwrap(), Head::default());
                    prop_assert!(target.get(0).unwrap().is_none(), "a refused restore left records");
                    prop_assert!(
                        checkpoints::list(&target).unwrap().is_empty(),
                        "a refused restore left checkpoints"
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    eprintln!(
        "mutated export bundles: {} refused, {} accepted (same content)",
        refused.get(),
        accepted.get()
    );
    assert!(refused.get() > 0);
}

#[test]
fn deeply_nested_bundle_lines_are_refused_without_overflowing_the_stack() {
    let x = exported();
    let text = String::from_utf8(x.bundle.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let job = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            for at in [0usize, 1, 3, lines.len() - 1] {
                let saved = lines[at].clone();
                let inside = saved.replacen("\"event\":{", &format!("\"event\":{{\"x\":{deep},"), 1);
                for replacement in [deep.clone(), inside] {
                    if replacement == saved {
                        continue;
                    }
                    lines[at] = replacement;
                    let bundle = lines.join("\n") + "\n";
                    assert!(verify_bundle(bundle.as_bytes(), &[]).is_err());
                    assert!(verify_claim_bundle(bundle.as_bytes(), &[]).is_err());
                    let _ = claim_bundle::peek_kind(bundle.as_bytes());
                    assert!(restore_bundle(&MemBackend::new(), bundle.as_bytes(), &x.key).is_err());
                }
                lines[at] = saved;
            }
        })
        .unwrap();
    job.join().expect("deep nesting overflowed the stack or panicked");
}

#[test]
fn random_bytes_are_not_a_bundle() {
    let x = exported();
    runner(800)
        .run(&proptest::collection::vec(any::<u8>(), 0..600), |bytes| {
            prop_assert!(verify_bundle(&bytes[..], &[]).is_err());
            prop_assert!(verify_claim_bundle(&bytes[..], &[]).is_err());
            let _ = claim_bundle::peek_kind(&bytes[..]);
            let target = MemBackend::new();
            prop_assert!(restore_bundle(&target, &bytes[..], &x.key).is_err());
            prop_assert_eq!(target.head().unwrap(), Head::default());
            Ok(())
        })
        .unwrap();
}

// ------------------------------------------------------ claim bundles --

#[test]
fn mutated_claim_bundles_are_refused_or_read_the_same() {
    let x = exported();
    let sk = SigningKey::from_bytes(&[9; 32]);
    // The records about target t1: its assignment and the two reports.
    let seqs: Vec<u64> = {
        let len = x.backend.head().unwrap().len;
        (0..len)
            .filter(|&s| stored_event(x.backend.as_ref(), s)["data"]["target_id"] == "t1")
            .collect()
    };
    assert_eq!(seqs.len(), 3);
    let signed = claim_bundle::covering_checkpoint(x.backend.as_ref(), &seqs, ORIGIN, &sk).unwrap();
    let evidence = claim_bundle::evidence(x.backend.as_ref(), &seqs, signed.checkpoint.size).unwrap();
    let header = ClaimHeader {
        pledger_bundle: 1,
        kind: claim_bundle::KIND_CLAIM.into(),
        origin: ORIGIN.into(),
        key: x.key.to_string(),
        target_id: "t1".into(),
        claim: "target t1 was met".into(),
        verdict: "unsupported".into(),
        reason: "no verification".into(),
        records: seqs.len() as u64,
    };
    let mut bundle = Vec::new();
    claim_bundle::write_claim_bundle(&header, &signed.text(), &evidence, &mut bundle).unwrap();
    let original = verify_claim_bundle(&bundle[..], &[]).unwrap();
    let accepted = Cell::new(0u64);
    runner(400)
        .run(&proptest::collection::vec(op(), 1..4), |ops| {
            let mutated = apply(&bundle, &ops);
            let _ = claim_bundle::peek_kind(&mutated[..]);
            for pinned in [&[][..], std::slice::from_ref(&x.key)] {
                if let Ok(r) = verify_claim_bundle(&mutated[..], pinned) {
                    bump(&accepted);
                    // The answer's words (claim, verdict, reason) are checked
                    // by re-judging the records in the views, which this
                    // crate does not know (`verify-bundle` does it; see
                    // tests/claims.rs); everything else must be the same.
                    let same_facts = |h: &ClaimHeader| ClaimHeader {
                        claim: String::new(),
                        verdict: String::new(),
                        reason: String::new(),
                        ..h.clone()
                    };
                    prop_assert_eq!(same_facts(&r.header), same_facts(&original.header));
                    prop_assert!(claim_bundle::VERDICTS.contains(&r.header.verdict.as_str()));
                    prop_assert_eq!(&r.checkpoint, &original.checkpoint);
                    prop_assert_eq!(&r.records, &original.records);
                }
            }
            // Never read as an export.
            prop_assert!(verify_bundle(&mutated[..], &[]).is_err() || mutated != bundle);
            Ok(())
        })
        .unwrap();
    eprintln!("mutated claim bundles: {} accepted (same content)", accepted.get());
}
