//! `pledger-fuzz --seconds N [--seed S] [--out DIR] [--only TARGET,...]`
//!
//! A mutation fuzzer that runs on stable Rust (cargo-fuzz needs a nightly
//! toolchain). For N seconds it mutates valid inputs — generated events,
//! an export bundle, a claim bundle, signed checkpoints, NDJSON imports —
//! and feeds them to the entry points that read outside input:
//!
//! | target       | entry points                                          | oracle |
//! |--------------|-------------------------------------------------------|--------|
//! | `event`      | `json::parse_strict`, `Event::parse`, `Event::parse_text`, stored-record readers | the fast and strict paths agree |
//! | `append`     | `prepare` + `Ledger::append` (MemBackend, a generated city) | recorded whole as sent, or refused with nothing written |
//! | `import`     | `input::feed` + `Ledger::import` (NDJSON, JSON arrays) | all or nothing |
//! | `bundle`     | `verify_bundle`, `restore_bundle`                     | refused, or the same records and signed checkpoints; a refused restore leaves the log empty |
//! | `claim`      | `verify_claim_bundle`                                 | refused, or the same facts |
//! | `checkpoint` | `SignedNote::parse`, `open_checkpoint`, `VerifierKey::parse` | refused, or the same signed checkpoint |
//!
//! Every input runs under `catch_unwind`; a panic or a broken oracle is
//! counted and the input saved in `DIR` (default `fuzz-findings/`) with
//! what went wrong. The input being tried is also kept in
//! `DIR/current.bin`, so an abort (a stack overflow cannot be caught) leaves
//! it behind. At the end every ledger the run wrote to is verified and
//! reopened. Exit status 1 when anything was found.
//!
//! The mutation engine (`mutate.rs`) is shared with the bounded proptest
//! suites in `crates/core/tests/fuzz.rs` and `crates/store/tests/fuzz.rs`.

mod mutate;

use mutate::{mutate_json, mutation, op, values, Mutation, Op};
use pledger_core::checkpoint::{ed25519_dalek::SigningKey, open_checkpoint, Checkpoint, SignedNote, VerifierKey};
use pledger_core::json::parse_strict;
use pledger_core::record::{event_text, is_canonical, jcs, Record, RecordHeader};
use pledger_core::Event;
use pledger_store::bundle::{restore_bundle, verify_bundle, write_export, BundleReport};
use pledger_store::claim_bundle::{self, verify_claim_bundle, ClaimHeader, ClaimReport};
use pledger_store::{checkpoints, input, prepare, verify_log, AppendError, Head, Ledger, LogBackend, MemBackend};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const USAGE: &str =
    "usage: pledger-fuzz --seconds N [--seed S] [--out DIR] [--only event,append,import,bundle,claim,checkpoint]";
const ORIGIN: &str = "pledger.fuzz.example/ledger";
const TARGETS: [&str; 6] = ["event", "append", "import", "bundle", "claim", "checkpoint"];

struct Args {
    seconds: u64,
    seed: u64,
    out: PathBuf,
    only: Vec<&'static str>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        seconds: 60,
        seed: 1,
        out: PathBuf::from("fuzz-findings"),
        only: TARGETS.to_vec(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--seconds" => a.seconds = value()?.parse().map_err(|_| "--seconds: not a number".to_string())?,
            "--seed" => a.seed = value()?.parse().map_err(|_| "--seed: not a number".to_string())?,
            "--out" => a.out = PathBuf::from(value()?),
            "--only" => {
                let v = value()?;
                a.only = Vec::new();
                for name in v.split(',') {
                    let t = TARGETS
                        .iter()
                        .find(|t| **t == name)
                        .ok_or_else(|| format!("--only: unknown target {name:?}"))?;
                    a.only.push(t);
                }
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(a)
}

/// How one input ended.
enum Outcome {
    Accepted,
    Refused,
    /// An oracle did not hold.
    Broken(String),
}

#[derive(Default, Clone)]
struct Stats {
    tried: u64,
    accepted: u64,
    refused: u64,
    panics: u64,
    broken: u64,
}

/// The message of the last panic, from any thread (the ledger's writer
/// runs on its own).
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

// ------------------------------------------------------------- corpus --

/// Valid inputs to mutate, and the ledgers they go to.
struct Corpus {
    values: Vec<Value>,
    /// Events as JSON text: all generated ones (for parsing).
    events: Vec<Vec<u8>>,
    /// Events that the append ledger may take next (and earlier ones,
    /// which are repeats or conflicts).
    next_events: Vec<Vec<u8>>,
    /// The export bundle and what verifying it gave.
    bundle: Vec<u8>,
    bundle_report: BundleReport,
    bundle_records: Vec<Vec<u8>>,
    /// A claim bundle and what verifying it gave.
    claim: Vec<u8>,
    claim_report: ClaimReport,
    /// Signed notes with the checkpoint each holds.
    notes: Vec<(Vec<u8>, Checkpoint)>,
    key: VerifierKey,
}

fn build_corpus(seed: u64) -> Corpus {
    let generated: Vec<Value> = pledger_gen::Generator::with_events_per_year(seed, 2_000)
        .take(700)
        .collect();
    let mut events: Vec<Vec<u8>> = generated.iter().map(|v| v.to_string().into_bytes()).collect();
    events.extend(
        pledger_gen::demo::demo_city()
            .iter()
            .step_by(17)
            .map(|v| v.to_string().into_bytes()),
    );

    // The bundle's ledger: 400 events, checkpoints at 150 and 400.
    let sk = SigningKey::from_bytes(&[42; 32]);
    let key = VerifierKey::of(ORIGIN, &sk).expect("origin is a key name");
    let source: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
    {
        let l = Ledger::open(source.clone()).expect("ledger");
        l.append_values(generated[..150].to_vec())
            .expect("generated events are valid");
        checkpoints::sign(source.as_ref(), 150, ORIGIN, &sk).expect("sign");
        l.append_values(generated[150..400].to_vec())
            .expect("generated events are valid");
        checkpoints::sign(source.as_ref(), 400, ORIGIN, &sk).expect("sign");
        l.close();
    }
    let mut bundle = Vec::new();
    write_export(source.as_ref(), 400, &key, &[], &mut bundle).expect("export");
    let bundle_report = verify_bundle(&bundle[..], &[]).expect("the export verifies");
    let bundle_records = source.scan(0, 400).map(|r| r.expect("record").bytes).collect();

    // A claim bundle about the target with the most records.
    let mut by_target: std::collections::BTreeMap<String, Vec<u64>> = Default::default();
    for (seq, v) in generated[..400].iter().enumerate() {
        if let Some(t) = v["data"]["target_id"].as_str() {
            by_target.entry(t.to_string()).or_default().push(seq as u64);
        }
    }
    let (target, seqs) = by_target
        .into_iter()
        .max_by_key(|(_, s)| s.len())
        .expect("the generated city has targets");
    let seqs: Vec<u64> = seqs.into_iter().take(6).collect();
    let signed = claim_bundle::covering_checkpoint(source.as_ref(), &seqs, ORIGIN, &sk).expect("checkpoint");
    let evidence = claim_bundle::evidence(source.as_ref(), &seqs, signed.checkpoint.size).expect("evidence");
    let header = ClaimHeader {
        pledger_bundle: 1,
        kind: claim_bundle::KIND_CLAIM.into(),
        origin: ORIGIN.into(),
        key: key.to_string(),
        target_id: target.clone(),
        claim: format!("target {target} was met"),
        verdict: "unsupported".into(),
        reason: "fuzzing".into(),
        records: seqs.len() as u64,
    };
    let mut claim = Vec::new();
    claim_bundle::write_claim_bundle(&header, &signed.text(), &evidence, &mut claim).expect("claim bundle");
    let claim_report = verify_claim_bundle(&claim[..], &[]).expect("the claim bundle verifies");

    // Notes: the stored checkpoints, and one co-signed by a second key.
    let mut notes: Vec<(Vec<u8>, Checkpoint)> = bundle_report
        .checkpoints
        .iter()
        .zip(checkpoints::list(source.as_ref()).expect("checkpoints"))
        .map(|((cp, _), stored)| (stored.note, cp.clone()))
        .collect();
    let cp = Checkpoint::new(ORIGIN, 7, [7; 32]);
    let mut co = cp.sign(&sk).expect("sign");
    co.sign("witness.example/w", &SigningKey::from_bytes(&[5; 32]))
        .expect("co-sign");
    notes.push((co.to_text().into_bytes(), cp));

    let next_events: Vec<Vec<u8>> = events[300..700].to_vec();
    Corpus {
        values: values(),
        events,
        next_events,
        bundle,
        bundle_report,
        bundle_records,
        claim,
        claim_report,
        notes,
        key,
    }
}

// ------------------------------------------------------------ targets --

fn broken(why: impl Into<String>) -> Outcome {
    Outcome::Broken(why.into())
}

/// Event parsers: the strict path and the fast path agree.
fn target_event(input: &[u8]) -> Outcome {
    let strict = parse_strict(input);
    match &strict {
        Ok(v) => {
            let _ = Event::parse(v);
            match serde_json::from_slice::<Value>(input) {
                Ok(loose) if &loose == v => {}
                Ok(_) => return broken("parse_strict and serde_json read different values"),
                Err(e) => return broken(format!("parse_strict accepted what serde_json refuses: {e}")),
            }
        }
        Err(e) => {
            if serde_json::from_slice::<Value>(input).is_ok() && !e.to_string().contains("appears twice") {
                return broken(format!("parse_strict refused valid JSON: {e}"));
            }
        }
    }
    let mut accepted = false;
    if let Ok(text) = std::str::from_utf8(input) {
        if let Ok(fast) = Event::parse_text(text) {
            accepted = true;
            match strict.as_ref().map(Event::parse) {
                Ok(Ok(slow)) if slow == fast => {}
                Ok(Ok(_)) => return broken("parse_text and Event::parse read different events"),
                Ok(Err(e)) => return broken(format!("parse_text accepted what Event::parse refuses: {e}")),
                Err(e) => return broken(format!("parse_text accepted what parse_strict refuses: {e}")),
            }
        }
    } else if strict.is_ok() {
        return broken("parse_strict accepted invalid UTF-8");
    }
    // The stored-record readers, on a body holding the input as its event.
    let mut body = b"{\"event\":".to_vec();
    body.extend_from_slice(input);
    body.extend_from_slice(b",\"prev_hash\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"recorded_at\":\"2026-01-01T00:00:00.000Z\",\"seq\":0}");
    let _ = RecordHeader::parse(&body).map(|h| h.prev_hash_bytes());
    let _ = event_text(&body).map(Event::parse_text);
    let _ = Record::from_body(&body, &[0; 32]).map(|r| r.recompute_hash());
    let _ = is_canonical(&body);
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Refused
    }
}

/// A ledger on a MemBackend holding the first 300 generated events.
struct AppendLedger {
    backend: Arc<dyn LogBackend>,
    ledger: Ledger,
}

fn state(b: &dyn LogBackend) -> (Head, bool) {
    let head = b.head().unwrap_or_default();
    (head, b.get(head.len).ok().flatten().is_some())
}

fn target_append(l: &AppendLedger, input: &[u8]) -> Outcome {
    let Ok(value) = parse_strict(input) else {
        return Outcome::Refused;
    };
    let Ok(prepared) = prepare(value.clone()) else {
        return Outcome::Refused;
    };
    let before = state(l.backend.as_ref());
    match l.ledger.append(vec![prepared]) {
        Ok(out) => {
            let after = state(l.backend.as_ref());
            if after.0.len != before.0.len + out.appended() as u64 || after.1 {
                return broken("the head did not move by the records appended");
            }
            let Some(r) = out.receipts.first() else {
                return broken("no receipt");
            };
            let Some(stored) = l.backend.get(r.seq).ok().flatten() else {
                return broken(format!("record {} of the receipt is missing", r.seq));
            };
            let Some(mut event) = Record::from_body(stored.body(), &r.hash).ok().map(|r| r.event) else {
                return broken("the stored record does not read back");
            };
            if value.get("id").is_none() {
                if let Some(o) = event.as_object_mut() {
                    o.remove("id");
                }
            }
            if jcs(&event).ok() != jcs(&value).ok() {
                return broken("the stored event is not the one sent");
            }
            Outcome::Accepted
        }
        Err(AppendError::Rejected(_)) => {
            if state(l.backend.as_ref()) != before {
                return broken("a refused event changed the log");
            }
            Outcome::Refused
        }
        Err(AppendError::Store(e)) => broken(format!("store error: {e}")),
    }
}

fn target_import(l: &AppendLedger, input: Vec<u8>) -> Outcome {
    let before = state(l.backend.as_ref());
    let (tx, rx) = Ledger::import_channel();
    let feeder = std::thread::spawn(move || input::feed(&input[..], tx, |_| {}));
    let result = l.ledger.import(rx);
    let read = match feeder.join() {
        Ok(Ok((_, n))) => n,
        Ok(Err(e)) => return broken(format!("reading from memory failed: {e}")),
        Err(_) => return broken("input::feed panicked"),
    };
    match result {
        Ok(out) => {
            let after = state(l.backend.as_ref());
            if out.receipts.len() != read || after.0.len != before.0.len + out.appended() as u64 {
                return broken("an import's receipts or head do not add up");
            }
            Outcome::Accepted
        }
        Err(AppendError::Rejected(_)) => {
            if state(l.backend.as_ref()).0 != before.0 {
                return broken("a refused import moved the head");
            }
            Outcome::Refused
        }
        Err(AppendError::Store(e)) => broken(format!("store error: {e}")),
    }
}

fn target_bundle(c: &Corpus, input: &[u8]) -> Outcome {
    let checked = verify_bundle(input, &[]);
    let _ = verify_bundle(input, std::slice::from_ref(&c.key));
    let want = &c.bundle_report;
    let same = |r: &BundleReport| {
        r.records == want.records
            && r.head_hash == want.head_hash
            && r.root == want.root
            && r.checkpoints
                .iter()
                .map(|(c, _)| c)
                .eq(want.checkpoints.iter().map(|(c, _)| c))
    };
    if let Ok(r) = &checked {
        if !same(r) {
            return broken("a changed bundle verified with other content");
        }
    }
    let target = MemBackend::new();
    match restore_bundle(&target, input, &c.key) {
        Ok(_) => {
            let len = target.head().map(|h| h.len).unwrap_or(0);
            let got: Vec<Vec<u8>> = target.scan(0, len).filter_map(|r| r.ok()).map(|r| r.bytes).collect();
            if got.len() as u64 != len || got.len() > c.bundle_records.len() || got[..] != c.bundle_records[..got.len()]
            {
                return broken("a restore wrote records that are not the bundle's");
            }
            if checked.is_ok() && got != c.bundle_records {
                return broken("a verified bundle restored other records");
            }
        }
        Err(_) => {
            if checked.is_ok() {
                return broken("a bundle that verifies was not restored");
            }
            if target.head().unwrap_or_default() != Head::default()
                || target.get(0).ok().flatten().is_some()
                || !checkpoints::list(&target).map(|l| l.is_empty()).unwrap_or(false)
            {
                return broken("a refused restore left something behind");
            }
        }
    }
    if checked.is_ok() {
        Outcome::Accepted
    } else {
        Outcome::Refused
    }
}

fn target_claim(c: &Corpus, input: &[u8]) -> Outcome {
    let _ = claim_bundle::peek_kind(input);
    let want = &c.claim_report;
    let mut accepted = false;
    for pinned in [&[][..], std::slice::from_ref(&c.key)] {
        if let Ok(r) = verify_claim_bundle(input, pinned) {
            accepted = true;
            // claim, verdict and reason are judged again by the views
            // (`verify-bundle`); the facts must be the same.
            let facts = |h: &ClaimHeader| (h.origin.clone(), h.key.clone(), h.target_id.clone(), h.records);
            if facts(&r.header) != facts(&want.header) || r.checkpoint != want.checkpoint || r.records != want.records {
                return broken("a changed claim bundle verified with other facts");
            }
        }
    }
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Refused
    }
}

fn target_checkpoint(c: &Corpus, input: &[u8], original: &Checkpoint) -> Outcome {
    let keys = [c.key.clone()];
    let opened = open_checkpoint(input, &keys, ORIGIN);
    if let Ok(o) = &opened {
        if &o.checkpoint != original {
            return broken("a changed note opened to another checkpoint");
        }
    }
    if let Ok(note) = SignedNote::parse(input) {
        let _ = note.verify_any(&keys);
        let _ = Checkpoint::parse_body(&note.text);
        let _ = note.to_text();
    }
    if let Ok(s) = std::str::from_utf8(input) {
        let _ = Checkpoint::parse_body(s);
        let _ = VerifierKey::parse(s.trim());
        for line in s.lines() {
            let _ = VerifierKey::parse(line);
        }
    }
    if opened.is_ok() {
        Outcome::Accepted
    } else {
        Outcome::Refused
    }
}

// --------------------------------------------------------------- main --

/// Overwrites the kept copy of the input being tried (one open file: a
/// write per input must cost little beside the input itself).
fn keep_current(f: &mut std::fs::File, input: &[u8]) {
    use std::io::{Seek, SeekFrom, Write};
    let _ = f
        .seek(SeekFrom::Start(0))
        .and_then(|_| f.write_all(input))
        .and_then(|_| f.set_len(input.len() as u64));
}

fn draw<S: Strategy>(runner: &mut TestRunner, s: &S) -> S::Value {
    s.new_tree(runner).expect("strategies here never reject").current()
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("pledger-fuzz: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("pledger-fuzz: cannot create {}: {e}", args.out.display());
        return ExitCode::from(2);
    }
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut p) = LAST_PANIC.lock() {
            *p = Some(info.to_string());
        }
    }));
    let started = Instant::now();
    let corpus = build_corpus(args.seed);
    let append = {
        let backend: Arc<dyn LogBackend> = Arc::new(MemBackend::new());
        let ledger = Ledger::open(backend.clone()).expect("ledger");
        let first: Vec<Value> = corpus.events[..300]
            .iter()
            .map(|e| serde_json::from_slice(e).expect("JSON"))
            .collect();
        ledger.append_values(first).expect("generated events are valid");
        Mutex::new(AppendLedger { backend, ledger })
    };
    eprintln!(
        "pledger-fuzz: seed {}, {} s, targets {}; corpus built in {:.1} s",
        args.seed,
        args.seconds,
        args.only.join(","),
        started.elapsed().as_secs_f64()
    );

    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&args.seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    let mutations = mutation();
    let byte_ops = proptest::collection::vec(op(), 1..5);
    let index = proptest::sample::select((0..10_000usize).collect::<Vec<_>>());
    let mut stats: Vec<Stats> = vec![Stats::default(); TARGETS.len()];
    let mut findings = 0u64;
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let current = args.out.join("current.bin");
    let mut current_file = match std::fs::File::create(&current) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("pledger-fuzz: cannot create {}: {e}", current.display());
            return ExitCode::from(2);
        }
    };
    // Each target gets the same share of time: the next input goes to the
    // one that has used the least so far (a bundle costs far more than an
    // event).
    let mut spent = vec![Duration::ZERO; TARGETS.len()];
    let mut last_report = Instant::now();
    while Instant::now() < deadline {
        let t = (0..TARGETS.len())
            .filter(|&i| args.only.contains(&TARGETS[i]))
            .min_by_key(|&i| spent[i])
            .unwrap_or(0);
        let name = TARGETS[t];
        let began = Instant::now();
        let pick = draw(&mut runner, &index);
        // Build the input.
        let (input, original): (Vec<u8>, Option<usize>) = match name {
            "event" => {
                let m: Mutation = draw(&mut runner, &mutations);
                (
                    mutate_json(&corpus.events[pick % corpus.events.len()], &m, &corpus.values),
                    None,
                )
            }
            "append" => {
                let m: Mutation = draw(&mut runner, &mutations);
                let seed = &corpus.next_events[pick % corpus.next_events.len()];
                (mutate_json(seed, &m, &corpus.values), None)
            }
            "import" => {
                // One to four events that may come next, one of them
                // mutated; as NDJSON or as a JSON array.
                let m: Mutation = draw(&mut runner, &mutations);
                let n = 1 + pick % 4;
                let start = (pick / 4) % (corpus.next_events.len() - n);
                let lines: Vec<Vec<u8>> = corpus.next_events[start..start + n]
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        if i == pick % n {
                            mutate_json(e, &m, &corpus.values)
                        } else {
                            e.clone()
                        }
                    })
                    .collect();
                let text = if pick % 3 == 0 {
                    let mut a = b"[".to_vec();
                    a.extend(lines.join(&b","[..]));
                    a.push(b']');
                    a
                } else {
                    let mut t = lines.join(&b"\n"[..]);
                    t.push(b'\n');
                    t
                };
                (text, None)
            }
            "bundle" => {
                let ops: Vec<Op> = draw(&mut runner, &byte_ops);
                (mutate::apply(&corpus.bundle, &ops), None)
            }
            "claim" => {
                let ops: Vec<Op> = draw(&mut runner, &byte_ops);
                (mutate::apply(&corpus.claim, &ops), None)
            }
            _ => {
                let i = pick % corpus.notes.len();
                let ops: Vec<Op> = draw(&mut runner, &byte_ops);
                (mutate::apply(&corpus.notes[i].0, &ops), Some(i))
            }
        };
        keep_current(&mut current_file, &input);
        if let Ok(mut p) = LAST_PANIC.lock() {
            *p = None;
        }
        let result = catch_unwind(AssertUnwindSafe(|| match name {
            "event" => target_event(&input),
            "append" => match append.lock() {
                Ok(l) => target_append(&l, &input),
                Err(_) => broken("the append ledger's lock was poisoned"),
            },
            "import" => match append.lock() {
                Ok(l) => target_import(&l, input.clone()),
                Err(_) => broken("the append ledger's lock was poisoned"),
            },
            "bundle" => target_bundle(&corpus, &input),
            "claim" => target_claim(&corpus, &input),
            _ => target_checkpoint(&corpus, &input, &corpus.notes[original.unwrap_or(0)].1),
        }));
        spent[t] += began.elapsed();
        let s = &mut stats[t];
        s.tried += 1;
        let problem = match result {
            Ok(Outcome::Accepted) => {
                s.accepted += 1;
                None
            }
            Ok(Outcome::Refused) => {
                s.refused += 1;
                None
            }
            Ok(Outcome::Broken(why)) => {
                s.broken += 1;
                Some(format!("oracle broken: {why}"))
            }
            Err(_) => {
                s.panics += 1;
                let msg = LAST_PANIC.lock().ok().and_then(|p| p.clone()).unwrap_or_default();
                Some(format!("panic: {msg}"))
            }
        };
        if let Some(why) = problem {
            findings += 1;
            let base = args.out.join(format!("{name}-{findings}"));
            let _ = std::fs::write(base.with_extension("bin"), &input);
            let _ = std::fs::write(base.with_extension("txt"), format!("{why}\n"));
            eprintln!("pledger-fuzz: {name}: {why} (input saved as {}.bin)", base.display());
        }
        if last_report.elapsed() > Duration::from_secs(60) {
            last_report = Instant::now();
            let total: u64 = stats.iter().map(|s| s.tried).sum();
            eprintln!(
                "pledger-fuzz: {:.0} s, {total} inputs, {findings} finding(s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    drop(current_file);
    let _ = std::fs::remove_file(&current);
    // Leave no empty findings directory behind (removes only an empty one).
    let _ = std::fs::remove_dir(&args.out);

    // Whatever the run recorded must verify and be admitted again.
    if let Ok(l) = append.into_inner() {
        l.ledger.close();
        let backend = l.backend.clone();
        drop(l);
        if let Err(e) = verify_log(backend.as_ref(), |_| {}) {
            findings += 1;
            eprintln!("pledger-fuzz: append: the fuzzed log does not verify: {e}");
        }
        if let Err(e) = Ledger::open(backend.clone()) {
            findings += 1;
            eprintln!("pledger-fuzz: append: the fuzzed log does not reopen: {e}");
        }
        println!(
            "append ledger: {} records after the run",
            backend.head().map(|h| h.len).unwrap_or(0)
        );
    }

    println!(
        "{:<11} {:>10} {:>10} {:>10} {:>7} {:>7}",
        "target", "tried", "accepted", "refused", "panics", "broken"
    );
    let mut total = Stats::default();
    for (name, s) in TARGETS.iter().zip(&stats) {
        if s.tried == 0 {
            continue;
        }
        println!(
            "{name:<11} {:>10} {:>10} {:>10} {:>7} {:>7}",
            s.tried, s.accepted, s.refused, s.panics, s.broken
        );
        total.tried += s.tried;
        total.accepted += s.accepted;
        total.refused += s.refused;
        total.panics += s.panics;
        total.broken += s.broken;
    }
    println!(
        "{:<11} {:>10} {:>10} {:>10} {:>7} {:>7}",
        "total", total.tried, total.accepted, total.refused, total.panics, total.broken
    );
    println!(
        "{} inputs in {:.0} s (seed {}); {findings} finding(s){}",
        total.tried,
        started.elapsed().as_secs_f64(),
        args.seed,
        if findings > 0 {
            format!(", saved in {}", args.out.display())
        } else {
            String::new()
        }
    );
    if findings > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
