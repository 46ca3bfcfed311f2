//! Properties of `verify_log`: every log the ledger writes verifies and its
//! tree is the RFC 9162 tree of its record hashes; any change to a stored
//! record, Merkle node or the head is found, at the right record.

mod common;

use common::*;
use pledger_core::merkle::{MemTree, TreeNodes};
use pledger_core::Hash;
use pledger_store::{verify_log, Head, Ledger, LogBackend, Receipt, StoredRecord, WriteBatch};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};
use std::sync::Arc;
use tempfile::TempDir;

// ------------------------------------------------------------ the plan

/// One event after the registry is set up.
#[derive(Debug, Clone)]
enum Op {
    Disburse {
        from: usize,
        to: usize,
        fen: u32,
        id: bool,
    },
    Progress {
        target: usize,
        value: u16,
        id: bool,
    },
    Revise {
        target: usize,
        threshold: u16,
    },
    /// Resend an earlier event that had an id: an idempotent repeat.
    Retry(usize),
}

/// A small random ledger: entities, accounts held by them, targets, then
/// events in random batches.
#[derive(Debug, Clone)]
struct Plan {
    entities: usize,
    /// Per account, its holder (taken modulo the number of entities).
    holders: Vec<usize>,
    /// Per target, its assignee (modulo the number of entities).
    assignees: Vec<usize>,
    ops: Vec<Op>,
    batches: Vec<usize>,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..16, 0usize..16, 1u32..1_000_000, any::<bool>())
            .prop_map(|(from, to, fen, id)| Op::Disburse { from, to, fen, id }),
        2 => (0usize..8, any::<u16>(), any::<bool>()).prop_map(|(target, value, id)| Op::Progress { target, value, id }),
        1 => (0usize..8, 1u16..100).prop_map(|(target, threshold)| Op::Revise { target, threshold }),
        1 => (0usize..64).prop_map(Op::Retry),
    ]
}

fn plan(max_ops: usize) -> impl Strategy<Value = Plan> {
    (
        1usize..4,
        prop::collection::vec(0usize..16, 2..5),
        prop::collection::vec(0usize..16, 0..3),
        prop::collection::vec(op(), 0..max_ops),
        prop::collection::vec(1usize..7, 1..6),
    )
        .prop_map(|(entities, holders, assignees, ops, batches)| Plan {
            entities,
            holders,
            assignees,
            ops,
            batches,
        })
}

/// The plan as events, each marked when it is a retry of an earlier one.
fn events(p: &Plan) -> Vec<(Value, bool)> {
    let mut out: Vec<(Value, bool)> = Vec::new();
    let mut names = vec!["city".to_string()];
    out.push((entity("city", "government", "city"), false));
    for i in 0..p.entities {
        let name = format!("ent{i}");
        out.push((entity(&name, "enterprise", "city"), false));
        names.push(name);
    }
    let accounts: Vec<String> = (0..p.holders.len()).map(|i| format!("acct{i}")).collect();
    let holders: Vec<&str> = p.holders.iter().map(|h| names[h % names.len()].as_str()).collect();
    for (a, h) in accounts.iter().zip(&holders) {
        let mut e = account(a, h);
        if a.ends_with('1') {
            e.as_object_mut().unwrap().remove("id");
        }
        out.push((e, false));
    }
    // The city assigns targets to the enterprises (never to itself: an
    // assignee may not assign its own target).
    let enterprises = &names[1..];
    let assignees: Vec<&str> = if enterprises.is_empty() {
        Vec::new()
    } else {
        p.assignees
            .iter()
            .map(|a| enterprises[a % enterprises.len()].as_str())
            .collect()
    };
    let targets: Vec<String> = (0..assignees.len()).map(|i| format!("tgt{i}")).collect();
    for (t, a) in targets.iter().zip(&assignees) {
        out.push((target(t, a), false));
    }
    for (n, op) in p.ops.iter().enumerate() {
        let e = match op {
            Op::Disburse { from, to, fen, id } => {
                let from = from % accounts.len();
                let to = (from + 1 + to % (accounts.len() - 1)) % accounts.len();
                let amount = format!("{}.{:02}", fen / 100, fen % 100);
                let d = format!("d{n}");
                let mut e = if *id {
                    disbursement(&d, &accounts[from], &accounts[to], &amount)
                } else {
                    disbursement_no_id(&d, &accounts[from], &accounts[to], &amount)
                };
                // Only the holder moves money out of an account.
                e["actor"] = json!(holders[from]);
                e
            }
            Op::Progress { .. } | Op::Revise { .. } if targets.is_empty() => continue,
            Op::Progress { target, value, id } => {
                let i = target % targets.len();
                let e = progress(&targets[i], assignees[i], &value.to_string());
                if *id {
                    with_id(e, &format!("p{n}"))
                } else {
                    e
                }
            }
            Op::Revise { target, threshold } => ev(
                "target.revised",
                "city",
                json!({"target_id": targets[target % targets.len()], "threshold": threshold.to_string(),
                       "reason": "revised"}),
            ),
            Op::Retry(pick) => {
                let with_ids: Vec<&Value> = out
                    .iter()
                    .filter(|(v, _)| v.get("id").is_some())
                    .map(|(v, _)| v)
                    .collect();
                // The founding record has an id, so there is always one.
                let again = with_ids[pick % with_ids.len()].clone();
                out.push((again, true));
                continue;
            }
        };
        out.push((e, false));
    }
    out
}

/// Appends the plan in its batches; returns the receipts of every event.
fn run(p: &Plan, ledger: &Ledger) -> Vec<Receipt> {
    let all = events(p);
    let mut receipts = Vec::new();
    let mut rest = &all[..];
    let mut sizes = p.batches.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap()).min(rest.len());
        let (batch, tail) = rest.split_at(n);
        rest = tail;
        let out = ledger
            .append(preps(batch.iter().map(|(v, _)| v.clone())))
            .unwrap_or_else(|e| panic!("a valid batch is accepted: {e}"));
        for ((_, retry), r) in batch.iter().zip(&out.receipts) {
            assert_eq!(r.repeat, *retry, "only retries are repeats");
        }
        receipts.extend(out.receipts);
    }
    receipts
}

fn backend_for(sled: bool) -> (Arc<dyn LogBackend>, Option<TempDir>) {
    if sled {
        let dir = TempDir::new().unwrap();
        let b: Arc<dyn LogBackend> = sled_in(&dir);
        (b, Some(dir))
    } else {
        (mem(), None)
    }
}

/// A sled store holding the plan's log, with the ledger closed so the test
/// can write to the backend directly.
fn written_sled(p: &Plan) -> (Arc<pledger_store::SledBackend>, TempDir, Vec<Hash>) {
    written_sled_padded(p, 0)
}

/// The same, followed by `pad` more disbursements (in batches of 100), so
/// the log is large enough for the Merkle levels a backend stores.
fn written_sled_padded(p: &Plan, pad: usize) -> (Arc<pledger_store::SledBackend>, TempDir, Vec<Hash>) {
    let dir = TempDir::new().unwrap();
    let backend = sled_in(&dir);
    let ledger = open(backend.clone());
    run(p, &ledger);
    append_padding(&ledger, p, pad);
    drop(ledger);
    let hashes = check_chain(backend.as_ref());
    (backend, dir, hashes)
}

/// Appends `n` disbursements from `acct0` to `acct1` (every plan opens
/// both), recorded by the holder of `acct0`.
fn append_padding(ledger: &Ledger, p: &Plan, n: usize) {
    let holder = match p.holders[0] % (p.entities + 1) {
        0 => "city".to_string(),
        i => format!("ent{}", i - 1),
    };
    let events: Vec<Value> = (0..n)
        .map(|i| {
            let mut e = disbursement_no_id(&format!("pad{i}"), "acct0", "acct1", "1");
            e["actor"] = json!(holder);
            e
        })
        .collect();
    for chunk in events.chunks(100) {
        ledger.append(preps(chunk.iter().cloned())).expect("padding accepted");
    }
}

/// The Merkle nodes a backend holding `len` records must store: every
/// complete node at its lowest stored level and above.
fn complete_stored_nodes(backend: &dyn LogBackend, len: u64) -> u64 {
    (backend.min_stored_level()..64).map(|l| len >> l).sum()
}

fn flip(bytes: &mut [u8], at: usize, mask: u8) {
    bytes[at] ^= mask;
}

fn expect_failure_at(backend: &dyn LogBackend, seq: Option<u64>, what: &str) {
    match verify_log(backend, |_| {}) {
        Ok(r) => panic!("{what}: verify passed ({} records) but should fail", r.records),
        Err(f) => assert_eq!(f.seq, seq, "{what}: reported as {f}"),
    }
}

/// Every stored node, per level, in index order.
fn stored_nodes(backend: &dyn LogBackend) -> Vec<(u32, u64, Hash)> {
    (0..64u32)
        .flat_map(|level| {
            backend
                .scan_nodes(level, 0)
                .map(move |r| {
                    let (i, h) = r.unwrap();
                    (level, i, h)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

// ---------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// (a) Any sequence of valid appends verifies, and its tree is the tree
    /// of its record hashes.
    #[test]
    fn any_log_of_valid_appends_verifies_and_its_root_is_the_tree_of_its_hashes(p in plan(40), sled in any::<bool>()) {
        let (backend, _dir) = backend_for(sled);
        let ledger = open(backend.clone());
        let receipts = run(&p, &ledger);

        let fresh: Vec<Hash> = receipts.iter().filter(|r| !r.repeat).map(|r| r.hash).collect();
        let seqs: Vec<u64> = receipts.iter().filter(|r| !r.repeat).map(|r| r.seq).collect();
        prop_assert_eq!(&seqs, &(0..fresh.len() as u64).collect::<Vec<_>>());
        let hashes = check_chain(backend.as_ref());
        prop_assert_eq!(&hashes, &fresh);

        let report = verify_log(backend.as_ref(), |_| {}).map_err(|f| TestCaseError::fail(f.to_string()))?;
        let tree = MemTree::from_record_hashes(&hashes);
        prop_assert_eq!(report.records, hashes.len() as u64);
        prop_assert_eq!(report.root, tree.root());
        prop_assert_eq!(report.head_hash, *hashes.last().unwrap());
        // Every node the store holds is the RFC 9162 node, and it holds
        // every complete node of the levels it stores.
        let nodes = stored_nodes(backend.as_ref());
        for (level, index, hash) in &nodes {
            prop_assert_eq!(tree.node(*level, *index).ok(), Some(*hash), "node ({}, {})", level, index);
        }
        let complete = complete_stored_nodes(backend.as_ref(), hashes.len() as u64);
        prop_assert_eq!(nodes.len() as u64, complete);
        prop_assert_eq!(report.tree_nodes_checked, complete);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// (b) Flipping any single byte of any stored record, hash prefix or
    /// body, fails verification at that record.
    #[test]
    fn flipping_any_byte_of_any_stored_record_is_reported_at_that_record(
        p in plan(12),
        record in any::<Index>(),
        byte in any::<Index>(),
        in_hash in any::<bool>(),
        mask in 1u8..=255,
    ) {
        let (backend, _dir, hashes) = written_sled(&p);
        let seq = record.index(hashes.len()) as u64;
        let mut r = backend.get(seq).unwrap().unwrap();
        let at = if in_hash { byte.index(32) } else { 32 + byte.index(r.bytes.len() - 32) };
        flip(&mut r.bytes, at, mask);
        backend.write(WriteBatch { records: vec![r], nodes: vec![], head: None }).unwrap();
        expect_failure_at(backend.as_ref(), Some(seq), &format!("byte {at} of record {seq} ^ {mask:#04x}"));
    }

    /// (c) Changing any stored Merkle node fails verification at the record
    /// that completes that node. (The sled store keeps only the upper
    /// levels, so its logs are padded past the lowest one it stores.)
    #[test]
    fn changing_any_stored_merkle_node_is_detected(
        p in plan(12),
        sled in any::<bool>(),
        pad in 0usize..300,
        pick in any::<Index>(),
        byte in 0usize..32,
        mask in 1u8..=255,
    ) {
        let (backend, _dir) = backend_for(sled);
        let ledger = open(backend.clone());
        run(&p, &ledger);
        let min_leaves = if sled { 1usize << backend.min_stored_level() } else { 1 };
        append_padding(&ledger, &p, pad + min_leaves);
        drop(ledger);
        let nodes = stored_nodes(backend.as_ref());
        prop_assert!(!nodes.is_empty(), "the padded log has stored nodes");
        let (level, index, mut hash) = *pick.get(&nodes);
        flip(&mut hash, byte, mask);
        backend.write(WriteBatch { records: vec![], nodes: vec![(level, index, hash)], head: None }).unwrap();
        let completes_at = ((index + 1) << level) - 1;
        expect_failure_at(backend.as_ref(), Some(completes_at), &format!("node ({level}, {index})"));
    }

    /// (c) Changing the committed head is detected: a wrong hash or a
    /// length one short (seq None), or a length past the log (the missing seq).
    #[test]
    fn changing_the_committed_head_is_detected(p in plan(12), byte in 0usize..32, mask in 1u8..=255) {
        let (backend, _dir, hashes) = written_sled(&p);
        let head = backend.head().unwrap();
        let len = hashes.len() as u64;
        prop_assert_eq!(head.len, len);
        let set_head = |h: Head| backend.write(WriteBatch { records: vec![], nodes: vec![], head: Some(h) }).unwrap();

        let mut wrong = head;
        flip(&mut wrong.hash, byte, mask);
        set_head(wrong);
        expect_failure_at(backend.as_ref(), None, "head hash changed");

        set_head(Head { len: len + 1, ..head });
        expect_failure_at(backend.as_ref(), Some(len), "head one past the log");

        if len > 1 {
            set_head(Head { len: len - 1, ..head });
            expect_failure_at(backend.as_ref(), None, "head one short, old hash");
        }

        set_head(head);
        prop_assert!(verify_log(backend.as_ref(), |_| {}).is_ok(), "restored head verifies");
    }
}

// ------------------------------------------------ exhaustive, one small log

fn small_plan() -> Plan {
    Plan {
        entities: 2,
        holders: vec![0, 1, 2],
        assignees: vec![1],
        ops: vec![
            Op::Disburse {
                from: 0,
                to: 1,
                fen: 12345,
                id: true,
            },
            Op::Disburse {
                from: 1,
                to: 0,
                fen: 1,
                id: false,
            },
            Op::Progress {
                target: 0,
                value: 3,
                id: true,
            },
            Op::Revise {
                target: 0,
                threshold: 7,
            },
            Op::Retry(3),
        ],
        batches: vec![3, 1, 2],
    }
}

/// Every byte of every record, flipped one at a time (in memory, so it is
/// quick), is reported at its record; the log verifies again once restored.
#[test]
fn every_single_byte_flip_of_a_small_log_is_reported_at_its_record() {
    let backend = mem();
    let ledger = open(backend.clone());
    run(&small_plan(), &ledger);
    drop(ledger);
    let len = backend.head().unwrap().len;
    assert!(len >= 10);
    let mut checked = 0;
    for seq in 0..len {
        let original = backend.get(seq).unwrap().unwrap();
        for at in 0..original.bytes.len() {
            for mask in [0x01u8, 0x80] {
                let mut r = original.clone();
                flip(&mut r.bytes, at, mask);
                backend
                    .write(WriteBatch {
                        records: vec![r],
                        nodes: vec![],
                        head: None,
                    })
                    .unwrap();
                expect_failure_at(
                    backend.as_ref(),
                    Some(seq),
                    &format!("byte {at} of record {seq} ^ {mask:#04x}"),
                );
                checked += 1;
            }
        }
        backend
            .write(WriteBatch {
                records: vec![original],
                nodes: vec![],
                head: None,
            })
            .unwrap();
        verify_log(backend.as_ref(), |_| {}).expect("restored log verifies");
    }
    assert!(checked > 1000);
}

/// On sled: the first and last byte of the stored hash and of the body of
/// every record, and every stored node, of a log large enough to store some.
#[test]
fn hash_prefix_and_body_edges_and_every_node_are_checked_on_sled() {
    let (backend, _dir, hashes) = written_sled_padded(&small_plan(), 600);
    let nodes = stored_nodes(backend.as_ref());
    assert_eq!(
        nodes.len() as u64,
        complete_stored_nodes(backend.as_ref(), hashes.len() as u64)
    );
    assert!(!nodes.is_empty());
    let last = hashes.len() as u64 - 1;
    for seq in (0..12).chain([255, 256, 300, last]) {
        let original: StoredRecord = backend.get(seq).unwrap().unwrap();
        for at in [0, 31, 32, original.bytes.len() - 1] {
            let mut r = original.clone();
            flip(&mut r.bytes, at, 0xff);
            backend
                .write(WriteBatch {
                    records: vec![r],
                    nodes: vec![],
                    head: None,
                })
                .unwrap();
            expect_failure_at(backend.as_ref(), Some(seq), &format!("byte {at} of record {seq}"));
        }
        backend
            .write(WriteBatch {
                records: vec![original],
                nodes: vec![],
                head: None,
            })
            .unwrap();
    }
    for (level, index, hash) in nodes {
        let mut wrong = hash;
        flip(&mut wrong, 0, 1);
        backend
            .write(WriteBatch {
                records: vec![],
                nodes: vec![(level, index, wrong)],
                head: None,
            })
            .unwrap();
        expect_failure_at(
            backend.as_ref(),
            Some(((index + 1) << level) - 1),
            &format!("node ({level}, {index})"),
        );
        backend
            .write(WriteBatch {
                records: vec![],
                nodes: vec![(level, index, hash)],
                head: None,
            })
            .unwrap();
    }
    let report = verify_log(backend.as_ref(), |_| {}).expect("restored log verifies");
    assert_eq!(report.root, MemTree::from_record_hashes(&hashes).root());
}

/// A truncated record (shorter than a hash) is reported at its seq.
#[test]
fn a_stored_value_too_short_to_hold_a_hash_is_reported_at_its_record() {
    let (backend, _dir, _) = written_sled(&small_plan());
    let r = StoredRecord {
        seq: 4,
        bytes: vec![1, 2, 3],
    };
    backend
        .write(WriteBatch {
            records: vec![r],
            nodes: vec![],
            head: None,
        })
        .unwrap();
    expect_failure_at(backend.as_ref(), Some(4), "truncated record");
}

/// A record that is internally consistent (its hash matches its body) but
/// was put in place of another breaks the chain at that record.
#[test]
fn a_consistent_record_swapped_in_is_reported_at_its_position() {
    let (backend, _dir, _) = written_sled(&small_plan());
    let other = backend.get(5).unwrap().unwrap();
    backend
        .write(WriteBatch {
            records: vec![StoredRecord { seq: 6, ..other }],
            nodes: vec![],
            head: None,
        })
        .unwrap();
    expect_failure_at(backend.as_ref(), Some(6), "record 5 copied over 6");
}

/// Below the backend: a byte flipped in the raw sled value that holds
/// records (its framing, a stored hash, a body) is found by `verify_log`.
/// SledBackend cannot be built on an already open sled database, so each
/// flip closes the raw handle and reopens the backend: a few bytes only.
#[test]
fn flipping_bytes_of_the_raw_sled_value_holding_records_fails_verification() {
    let (backend, dir, hashes) = written_sled(&small_plan());
    drop(backend);
    let len = hashes.len() as u64;
    let raw = || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match sled::Config::new()
                .path(dir.path())
                .segment_size(2 * 1024 * 1024)
                .mode(sled::Mode::HighThroughput)
                .open()
            {
                Ok(db) => break db,
                Err(e) if std::time::Instant::now() < deadline && e.to_string().contains("lock") => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                Err(e) => panic!("raw sled open: {e}"),
            }
        }
    };
    let (key, value) = {
        let db = raw();
        let tree = db.open_tree("log").unwrap();
        tree.scan_prefix(b"r").next().expect("a record value").unwrap()
    };
    let n = value.len();
    for at in [0, 1, 4, 8, 40, n / 2, n - 1] {
        {
            let db = raw();
            let tree = db.open_tree("log").unwrap();
            let mut bad = value.to_vec();
            bad[at] ^= 0x01;
            tree.insert(&key, bad).unwrap();
            db.flush().unwrap();
        }
        let backend = sled_in(&dir);
        match verify_log(backend.as_ref(), |_| {}) {
            Ok(_) => panic!("raw byte {at} of {n} flipped, yet verify passed"),
            Err(f) => {
                if let Some(s) = f.seq {
                    assert!(s < len, "{f}");
                }
            }
        }
    }
    {
        let db = raw();
        db.open_tree("log").unwrap().insert(&key, value).unwrap();
        db.flush().unwrap();
    }
    assert!(verify_log(sled_in(&dir).as_ref(), |_| {}).is_ok());
}
