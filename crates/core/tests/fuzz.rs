//! Hostile input, bounded so it runs in CI: random bytes and mutated valid
//! inputs thrown at every parser of the core that reads outside input.
//!
//! - `Event::parse_text` (the fast typed path with its fallback) and
//!   `json::parse_strict` + `Event::parse` (the path `prepare` takes):
//!   never a panic; the two agree on every event they accept.
//! - `json::parse_strict` against `serde_json`: the same value whenever it
//!   accepts, and a refusal only for a repeated member name.
//! - Pathological shapes: 100,000 levels of nesting, numbers of thousands
//!   of digits, 10,000 fields, invalid UTF-8, huge strings.
//! - Stored-record readers (`RecordHeader`, `Record::from_body`,
//!   `event_text`, `is_canonical`).
//! - Checkpoints and signed notes (`SignedNote::parse`, `open_checkpoint`,
//!   `Checkpoint::parse_body`, `VerifierKey::parse`): a mutated note is
//!   refused or opens to exactly the checkpoint that was signed.
//! - Proof checks (`verify_inclusion`, `verify_consistency`) on arbitrary
//!   sizes and paths.
//!
//! Every proptest is bounded by its case count (`ProptestConfig::cases`);
//! the longer, open-ended search is `tools/fuzz` (`pledger-fuzz`).

use pledger_core::checkpoint::{ed25519_dalek::SigningKey, open_checkpoint, Checkpoint, SignedNote, VerifierKey};
use pledger_core::json::parse_strict;
use pledger_core::merkle::{verify_consistency, verify_inclusion, Hash};
use pledger_core::proof::{ConsistencyProof, InclusionProof};
use pledger_core::record::{event_text, is_canonical, RecordHeader};
use pledger_core::{Event, Record};
use proptest::prelude::*;
use serde_json::Value;

// ------------------------------------------------------------- seeds --

/// Valid events of many types, handwritten, plus the events of the
/// contract's record vectors.
fn seed_events() -> Vec<String> {
    let mut out: Vec<String> = [
        r#"{"type":"entity.registered","id":"e-city","actor":"city","occurred_at":"2026-01-01","data":{"entity_id":"city","kind":"government","name":"常德市人民政府"}}"#,
        r#"{"type":"entity.registered","actor":"city","occurred_at":"2026-01-01T08:00:00+08:00","data":{"entity_id":"park-1","kind":"park","name":"德山开发区","parent":"city"}}"#,
        r#"{"type":"account.opened","id":"a-1","actor":"city","occurred_at":"2026-01-02","data":{"account_id":"acc-1","holder":"city","name":"budget","kind":"source","ceiling":"1000000.00"}}"#,
        r#"{"type":"account.opened","actor":"city","occurred_at":"2026-01-02","data":{"account_id":"acc-2","holder":"park-1","name":"专户","kind":"internal","earmark":"infrastructure"}}"#,
        r#"{"type":"target.assigned","id":"t-1","actor":"city","occurred_at":"2026-01-03","data":{"target_id":"t-2026","assignee":"park-1","metric":"new_projects_ge_10m","unit":"count","comparator":">=","threshold":"5","period":{"from":"2026-01-01","to":"2026-12-31"},"basis":"doc 7","responsible":[{"person":"p-1","role":"lead"}]}}"#,
        r#"{"type":"target.revised","actor":"city","occurred_at":"2026-03-01","data":{"target_id":"t-2026","threshold":"6","reason":"raised"}}"#,
        r#"{"type":"target.progress_reported","actor":"park-1","occurred_at":"2026-06-30","data":{"target_id":"t-2026","value":"3","as_of":"2026-06-30","evidence":[{"ref":"report.pdf","blake3":"af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"}]}}"#,
        r#"{"type":"target.verified","actor":"audit","occurred_at":"2027-01-10","data":{"target_id":"t-2026","value":"5.5","as_of":"2026-12-31","evidence":"site visit","note":"checked"}}"#,
        r#"{"type":"fund.allocated","actor":"city","occurred_at":"2026-02-01","data":{"allocation_id":"al-1","from_account":"acc-1","to_account":"acc-2","amount":"300000000","purpose":"roads","period":{"from":"2026-01-01","to":"2026-12-31"}}}"#,
        r#"{"type":"fund.disbursed","id":"d-1","actor":"city","occurred_at":"2026-03-01","data":{"disbursement_id":"disb-1","from_account":"acc-1","to_account":"acc-2","amount":"12.50","purpose":"roads","kind":"transfer","category":"infrastructure","allocation_id":"al-1","voucher":"V-1"}}"#,
        r#"{"type":"fund.received","actor":"park-1","occurred_at":"2026-03-02","data":{"disbursement_id":"disb-1"}}"#,
        r#"{"type":"commitment.made","actor":"city","occurred_at":"2026-04-01","data":{"commitment_id":"c-1","promisor":"city","beneficiary":"ent-1","kind":"land_discount","terms":"discount","amount":"1000000","due":{"within_working_days":20,"after":"cond-1"},"conditions":[{"condition_id":"cond-1","text":"investment reached","target_id":"t-2026"}],"clawback_targets":["t-2026"]}}"#,
        r#"{"type":"commitment.made","actor":"city","occurred_at":"2026-04-01","data":{"commitment_id":"c-2","promisor":"city","beneficiary":"ent-1","kind":"service_deadline","terms":"permit","due":"2026-05-01T17:00:00Z"}}"#,
        r#"{"type":"commitment.condition_met","actor":"city","occurred_at":"2026-05-01","data":{"commitment_id":"c-1","condition_id":"cond-1"}}"#,
        r#"{"type":"commitment.fulfilled","actor":"city","occurred_at":"2026-05-02","data":{"commitment_id":"c-1","amount":"1000000","evidence":[{"ref":"deed"}]}}"#,
        r#"{"type":"commitment.disputed","actor":"ent-1","occurred_at":"2026-05-03","data":{"commitment_id":"c-1","reason":"late"}}"#,
        r#"{"type":"commitment.breached","actor":"audit","occurred_at":"2026-05-04","data":{"commitment_id":"c-1","reason":"not paid"}}"#,
        r#"{"type":"commitment.waived","actor":"city","occurred_at":"2026-05-05","data":{"commitment_id":"c-2","reason":"moved","authority":"mayor"}}"#,
        r#"{"type":"incentive.scheme_set","actor":"city","occurred_at":"2026-01-05","data":{"scheme_id":"s-1","target_id":"t-2026","total":"100000","shares":[{"role":"lead","percent":"60"},{"role":"staff","percent":40}],"condition":"target_met"}}"#,
        r#"{"type":"incentive.paid","actor":"city","occurred_at":"2027-02-01","data":{"payout_id":"po-1","scheme_id":"s-1","payee":"p-1","role":"lead","amount":"60000","from_account":"acc-1"}}"#,
        r#"{"type":"incentive.clawed_back","actor":"city","occurred_at":"2027-03-01","data":{"payout_id":"po-1","amount":"60000","reason":"target missed"}}"#,
        r#"{"type":"event.voided","actor":"city","occurred_at":"2026-03-03","data":{"seq":9,"reason":"typo"}}"#,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for r in vector_records() {
        out.push(r["event"].to_string());
    }
    for e in &out {
        // A seed that does not parse would make the mutations weaker, not
        // the test wrong; but it should be noticed.
        assert!(Event::parse_text(e).is_ok(), "seed event does not parse: {e}");
    }
    out
}

/// The contract's record vectors (tests/vectors/records.ndjson).
fn vector_records() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/records.ndjson");
    let text = std::fs::read_to_string(path).expect("the vectors are in tests/vectors");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

// --------------------------------------------------------- mutations --

/// The mutation engine of `pledger-fuzz`, shared so both search the same way.
#[path = "../../../tools/fuzz/src/mutate.rs"]
mod mutate;
use mutate::*;

// ----------------------------------------------------------- oracles --

/// Feeds `bytes` to every event parser and checks they agree: whatever
/// `parse_text` accepts, the strict-JSON path (what `prepare` runs)
/// accepts as the same event. Panics are caught by proptest as failures.
fn check_event_input(bytes: &[u8]) -> Result<(), TestCaseError> {
    let strict = parse_strict(bytes);
    if let Ok(v) = &strict {
        let _ = Event::parse(v);
        // parse_strict agrees with serde_json where it accepts.
        let loose: Value = serde_json::from_slice(bytes)
            .map_err(|e| TestCaseError::fail(format!("parse_strict accepted what serde_json refuses: {e}")))?;
        prop_assert_eq!(&loose, v);
    } else if let Ok(loose) = serde_json::from_slice::<Value>(bytes) {
        let why = strict.as_ref().unwrap_err().to_string();
        prop_assert!(
            why.contains("appears twice"),
            "parse_strict refused valid JSON {} for another reason than a repeated name: {}",
            loose,
            why
        );
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Ok(fast) = Event::parse_text(text) {
            let v = strict
                .as_ref()
                .map_err(|e| TestCaseError::fail(format!("parse_text accepted what parse_strict refuses: {e}")))?;
            let slow = Event::parse(v)
                .map_err(|e| TestCaseError::fail(format!("parse_text accepted what Event::parse refuses: {e}")))?;
            prop_assert_eq!(fast, slow);
        }
    } else {
        prop_assert!(strict.is_err(), "parse_strict accepted invalid UTF-8");
    }
    Ok(())
}

/// A stored body of a record holding `event` (any bytes).
fn body_with(event: &[u8]) -> Vec<u8> {
    let mut b = b"{\"event\":".to_vec();
    b.extend_from_slice(event);
    b.extend_from_slice(
        b",\"prev_hash\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"recorded_at\":\"2026-01-01T00:00:00.000Z\",\"seq\":0}",
    );
    b
}

fn check_record_readers(body: &[u8]) {
    let _ = RecordHeader::parse(body).map(|h| h.prev_hash_bytes());
    let _ = event_text(body).map(Event::parse_text);
    let _ = Record::from_body(body, &[0; 32]).map(|r| r.recompute_hash());
    let _ = is_canonical(body);
    let mut out = Vec::new();
    let _ = Record::write_json_line(body, &[0; 32], &mut out);
}

// ------------------------------------------------------------- events --

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_are_refused_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_event_input(&bytes)?;
        check_record_readers(&bytes);
    }

    #[test]
    fn random_text_is_refused_without_panic(text in "\\PC{0,300}") {
        check_event_input(text.as_bytes())?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6_000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_events_are_refused_or_parse_alike(
        seed in any::<prop::sample::Index>(),
        m in mutation(),
    ) {
        let seeds = seeds();
        let input = mutate_json(seeds[seed.index(seeds.len())].as_bytes(), &m, vals());
        check_event_input(&input)?;
        check_record_readers(&body_with(&input));
    }
}

/// The mutation engine's replacement values, built once.
fn vals() -> &'static [Value] {
    static VALUES: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    VALUES.get_or_init(values)
}

/// The seeds, built once per test binary.
fn seeds() -> &'static [String] {
    static SEEDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(seed_events)
}

// ------------------------------------------------- pathological shapes --

/// `depth` levels of `open`, then `leaf`, then the closers.
fn nested(depth: usize, open: &str, leaf: &str, close: &str) -> String {
    let mut s = String::with_capacity(depth * (open.len() + close.len()) + leaf.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(leaf);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

/// Wraps `data` as an event's `data`, or replaces the whole event.
fn in_event(data: &str) -> String {
    format!(r#"{{"type":"fund.received","actor":"city","occurred_at":"2026-03-02","data":{data}}}"#)
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    // Run on a thread with a 1 MiB stack (half the default of a spawned
    // thread): a parser that recursed once per level would need tens of
    // megabytes for 100,000 levels; every parser here must stop at
    // serde_json's limit of 128 levels (which a debug build reads in a few
    // hundred KiB).
    let job = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            for depth in [129usize, 1_000, 100_000] {
                for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
                    let deep = nested(depth, open, "1", close);
                    let cases = [
                        deep.clone(),
                        in_event(&deep),
                        in_event(&format!("{{\"disbursement_id\":\"d\",\"x\":{deep}}}")),
                        format!(
                            r#"{{"type":"target.progress_reported","actor":"a","occurred_at":"2026-01-01","data":{{"target_id":"t","value":"1","as_of":"2026-01-01","evidence":{deep}}}}}"#
                        ),
                    ];
                    for c in &cases {
                        assert!(parse_strict(c.as_bytes()).is_err(), "depth {depth} accepted");
                        assert!(Event::parse_text(c).is_err(), "depth {depth} accepted as an event");
                        assert!(serde_json::from_str::<Value>(c).is_err());
                        check_record_readers(&body_with(c.as_bytes()));
                    }
                }
            }
            // Within the limit, nesting is read (and refused as an event
            // for its shape, not for its depth).
            let ok = nested(100, "[", "1", "]");
            assert!(parse_strict(ok.as_bytes()).is_ok());
            assert!(Event::parse_text(&in_event(&format!("{{\"disbursement_id\":{ok}}}"))).is_err());
        })
        .unwrap();
    job.join().expect("deep nesting overflowed the stack or panicked");
}

#[test]
fn huge_numbers_and_long_strings_are_refused_or_bounded() {
    let digits = "9".repeat(5_000);
    let amounts = [
        format!("\"{digits}\""),
        format!("\"{digits}.99\""),
        format!("\"0.{digits}\""),
        format!("\"-{digits}\""),
        digits.clone(),
        format!("{digits}.5"),
        "1e999".to_string(),
        "\"1e999\"".to_string(),
        "\"79228162514264337593543950336\"".to_string(),
        "\"1000000000000000000\"".to_string(),
        "18446744073709551616".to_string(),
        "\"NaN\"".to_string(),
        "\"Infinity\"".to_string(),
        "\" 1\"".to_string(),
        "\"1,000\"".to_string(),
        "\"٣\"".to_string(),
    ];
    for a in &amounts {
        for field in ["amount", "ceiling"] {
            let e = match field {
                "amount" => format!(
                    r#"{{"type":"fund.disbursed","actor":"city","occurred_at":"2026-03-01","data":{{"disbursement_id":"d","from_account":"a","to_account":"b","amount":{a},"purpose":"p"}}}}"#
                ),
                _ => format!(
                    r#"{{"type":"account.opened","actor":"city","occurred_at":"2026-03-01","data":{{"account_id":"a","holder":"city","name":"n","kind":"source","ceiling":{a}}}}}"#
                ),
            };
            let r = Event::parse_text(&e);
            assert!(r.is_err(), "{field} {} accepted", &a[..a.len().min(40)]);
            check_event_input(e.as_bytes()).unwrap();
        }
        // Thresholds and values are quantities: a long one is refused or
        // read, never a panic.
        let t = format!(
            r#"{{"type":"target.progress_reported","actor":"a","occurred_at":"2026-01-01","data":{{"target_id":"t","value":{a},"as_of":"2026-01-01"}}}}"#
        );
        let _ = Event::parse_text(&t);
        check_event_input(t.as_bytes()).unwrap();
        // A seq of a void.
        let v = format!(
            r#"{{"type":"event.voided","actor":"a","occurred_at":"2026-01-01","data":{{"seq":{a},"reason":"r"}}}}"#
        );
        let _ = Event::parse_text(&v);
        check_event_input(v.as_bytes()).unwrap();
    }
    // The largest amounts accepted: 18 integer digits (beyond i64 fen, held
    // in i128 so that sums cannot overflow).
    for a in ["999999999999999999.99", "92233720368547758.08", "184467440737095516.16"] {
        let e = format!(
            r#"{{"type":"fund.disbursed","actor":"city","occurred_at":"2026-03-01","data":{{"disbursement_id":"d","from_account":"a","to_account":"b","amount":"{a}","purpose":"p"}}}}"#
        );
        assert!(Event::parse_text(&e).is_ok(), "{a} refused");
    }
    // Text longer than the limit, ids longer than 128.
    let long = "长".repeat(20_000);
    let e = format!(
        r#"{{"type":"entity.registered","actor":"city","occurred_at":"2026-01-01","data":{{"entity_id":"x","kind":"park","name":"{long}"}}}}"#
    );
    assert!(Event::parse_text(&e).is_err());
    let id = "a".repeat(129);
    let e = format!(
        r#"{{"type":"fund.received","id":"{id}","actor":"city","occurred_at":"2026-01-01","data":{{"disbursement_id":"d"}}}}"#
    );
    assert!(Event::parse_text(&e).is_err());
}

#[test]
fn ten_thousand_fields_are_refused() {
    let mut fields = String::new();
    for i in 0..10_000 {
        fields.push_str(&format!("\"f{i}\":\"{i}\","));
    }
    let data = format!("{{{fields}\"disbursement_id\":\"d\"}}");
    let e = in_event(&data);
    let r = Event::parse_text(&e).unwrap_err();
    assert_eq!(r.code, "unknown_field", "{r}");
    let env = format!(
        r#"{{{fields}"type":"fund.received","actor":"city","occurred_at":"2026-03-02","data":{{"disbursement_id":"d"}}}}"#
    );
    let r = Event::parse_text(&env).unwrap_err();
    assert_eq!(r.code, "unknown_field", "{r}");
    // 10,000 repeats of one name: refused as a repeat, not kept as the last.
    let mut rep = String::from("{");
    for _ in 0..10_000 {
        rep.push_str("\"disbursement_id\":\"d\",");
    }
    rep.push_str("\"disbursement_id\":\"d\"}");
    assert!(parse_strict(in_event(&rep).as_bytes()).is_err());
    assert!(Event::parse_text(&in_event(&rep)).is_err());
    // 10,000 evidence entries: a legal shape, read without trouble.
    let ev: Vec<String> = (0..10_000).map(|i| format!("{{\"ref\":\"r{i}\"}}")).collect();
    let e = format!(
        r#"{{"type":"target.progress_reported","actor":"a","occurred_at":"2026-01-01","data":{{"target_id":"t","value":"1","as_of":"2026-01-01","evidence":[{}]}}}}"#,
        ev.join(",")
    );
    check_event_input(e.as_bytes()).unwrap();
}

#[test]
fn repeated_names_inside_buffered_fields_are_refused_by_both_paths() {
    // Evidence and a relative `due` are read through a buffered value; the
    // fast path once kept the last of two `blake3`s where the strict path
    // refused the event (found by `mutated_events_are_refused_or_parse_alike`).
    let h = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";
    let cases = [
        format!(
            r#"{{"type":"target.progress_reported","actor":"a","occurred_at":"2026-01-01","data":{{"target_id":"t","value":"1","as_of":"2026-01-01","evidence":[{{"ref":"r","blake3":"{h}","blake3":"{h}"}}]}}}}"#
        ),
        r#"{"type":"commitment.made","actor":"city","occurred_at":"2026-04-01","data":{"commitment_id":"c","promisor":"city","beneficiary":"e","kind":"other","terms":"t","due":{"within_days":5,"within_days":6,"after":"x"},"conditions":[{"condition_id":"x","text":"t"}]}}"#.to_string(),
    ];
    for c in &cases {
        assert!(parse_strict(c.as_bytes()).is_err());
        let r = Event::parse_text(c).unwrap_err();
        assert!(r.message.contains("twice"), "{r}");
    }
    // And `"id": null` is no id to both (found by pledger-fuzz).
    let e = r#"{"type":"fund.received","id":null,"actor":"acme","occurred_at":"2026-03-02","data":{"disbursement_id":"d"}}"#;
    assert!(Event::parse(&parse_strict(e.as_bytes()).unwrap()).is_err());
    assert!(Event::parse_text(e).is_err());
    // `data` as an array is no event to either.
    let e = r#"{"type":"fund.received","actor":"acme","occurred_at":"2026-03-02","data":["d"]}"#;
    assert!(Event::parse(&parse_strict(e.as_bytes()).unwrap()).is_err());
    assert!(Event::parse_text(e).is_err());
}

#[test]
fn invalid_utf8_is_refused_everywhere() {
    for seed in seeds() {
        for bad in [&b"\xff"[..], b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80"] {
            // Inside a string, and outside one.
            let at = seed.find("\"data\"").unwrap() + 2;
            let mut b = seed.as_bytes().to_vec();
            b.splice(at..at, bad.iter().copied());
            assert!(parse_strict(&b).is_err());
            assert!(serde_json::from_slice::<Value>(&b).is_err());
            check_event_input(&b).unwrap();
            check_record_readers(&body_with(&b));
            let mut b = seed.as_bytes().to_vec();
            b.splice(0..0, bad.iter().copied());
            assert!(parse_strict(&b).is_err());
        }
    }
}

// -------------------------------------------------------- checkpoints --

const ORIGIN: &str = "pledger.fuzz.example/ledger";

fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn signed(size: u64, root: Hash) -> (Checkpoint, String) {
    let cp = Checkpoint::new(ORIGIN, size, root);
    let note = cp.sign(&signing_key()).unwrap();
    (cp, note.to_text())
}

fn verifier() -> VerifierKey {
    VerifierKey::of(ORIGIN, &signing_key()).unwrap()
}

/// Signed notes of a few sizes, signed once (Ed25519 is slow in a debug
/// build).
fn notes() -> &'static [(Checkpoint, String)] {
    static NOTES: std::sync::OnceLock<Vec<(Checkpoint, String)>> = std::sync::OnceLock::new();
    NOTES.get_or_init(|| {
        [0u64, 1, 7, 1_000, 123_456_789, u64::MAX]
            .iter()
            .enumerate()
            .map(|(i, &size)| signed(size, [i as u8 * 37; 32]))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_checkpoints_are_refused_or_unchanged(
        which in any::<prop::sample::Index>(),
        ops in proptest::collection::vec(op(), 1..5),
    ) {
        let (cp, text) = notes()[which.index(notes().len())].clone();
        let mutated = apply(text.as_bytes(), &ops);
        let keys = [verifier()];
        if let Ok(opened) = open_checkpoint(&mutated, &keys, ORIGIN) {
            // Only what the signature does not cover may differ (e.g. an
            // added signature line by another key).
            prop_assert_eq!(opened.checkpoint, cp);
        }
        if let Ok(note) = SignedNote::parse(&mutated) {
            let _ = note.verify(&keys[0]);
            let _ = note.verify_any(&keys);
            let _ = Checkpoint::parse_body(&note.text);
            let _ = note.to_text();
        }
        if let Ok(s) = std::str::from_utf8(&mutated) {
            let _ = Checkpoint::parse_body(s);
            let _ = VerifierKey::parse(s.trim());
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    #[test]
    fn random_notes_and_keys_are_refused_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        text in "\\PC{0,120}",
    ) {
        let keys = [verifier()];
        prop_assert!(open_checkpoint(&bytes, &keys, ORIGIN).is_err());
        let _ = SignedNote::parse(&bytes);
        let _ = SignedNote::parse(text.as_bytes());
        let _ = Checkpoint::parse_body(&text);
        let _ = VerifierKey::parse(&text);
    }

    #[test]
    fn mutated_verifier_keys_are_refused_or_the_same_key(ops in proptest::collection::vec(op(), 1..4)) {
        let k = verifier();
        let text = k.to_string();
        let mutated = apply(text.as_bytes(), &ops);
        if let Ok(s) = std::str::from_utf8(&mutated) {
            if let Ok(parsed) = VerifierKey::parse(s) {
                // A key that still parses is a well-formed key: its id
                // must match its name and public key.
                let again = VerifierKey::new(parsed.name(), *parsed.public_key()).unwrap();
                prop_assert_eq!(parsed.id(), again.id());
            }
        }
    }
}

#[test]
fn oversized_and_many_signature_notes_are_refused() {
    let (_, text) = signed(5, [1; 32]);
    let sig_line = text.lines().last().unwrap().to_string();
    let mut many = text.clone();
    for _ in 0..200 {
        many.push_str(&sig_line);
        many.push('\n');
    }
    assert!(SignedNote::parse(many.as_bytes()).is_err());
    let huge = format!("{}\n{}", "x".repeat(2_000_000), text);
    assert!(SignedNote::parse(huge.as_bytes()).is_err());
    assert!(open_checkpoint(huge.as_bytes(), &[verifier()], ORIGIN).is_err());
}

// ------------------------------------------------------------- proofs --

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    #[test]
    fn proof_checks_never_panic_on_arbitrary_sizes(
        a in prop_oneof![any::<u64>(), 0u64..70, Just(u64::MAX), Just(u64::MAX - 1), Just(1u64 << 63)],
        b in prop_oneof![any::<u64>(), 0u64..70, Just(u64::MAX), Just(u64::MAX - 1), Just(1u64 << 63)],
        hashes in proptest::collection::vec(any::<[u8; 32]>(), 0..70),
        leaf in any::<[u8; 32]>(),
        root in any::<[u8; 32]>(),
    ) {
        let _ = verify_inclusion(a, b, &leaf, &hashes, &root);
        let _ = verify_consistency(a, b, &leaf, &root, &hashes);
        let inc = InclusionProof { seq: a, size: b, record_hash: leaf, root, path: hashes.clone() };
        let _ = inc.verify();
        let con = ConsistencyProof { from: a, to: b, from_root: leaf, to_root: root, path: hashes };
        let _ = con.verify();
        // And their JSON, mutated.
        let text = serde_json::to_string(&inc).unwrap();
        let _ = serde_json::from_str::<InclusionProof>(&text).map(|p| p.verify());
        let text = serde_json::to_string(&con).unwrap();
        let _ = serde_json::from_str::<ConsistencyProof>(&text).map(|p| p.verify());
    }
}
