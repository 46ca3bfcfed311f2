//! Proof and checkpoint speed on a large log (issue 4): an inclusion proof
//! for a random record of a 10,000,000-record log, a consistency proof,
//! and signing a checkpoint (root from the stored tree, Ed25519, store,
//! sync).
//!
//! The log is built by writing pre-built records straight through the
//! storage backend, as `import-bundle` does, skipping the registry: the
//! events are the generator's (tools/pledger-gen), canonicalised, hashed
//! and chained exactly as the ledger would, and the Merkle nodes come from
//! the same `Frontier` the ledger uses, so the store is byte-for-byte what
//! an import would leave (bar the ids an import fills in). Going through
//! the full import would take the same store several minutes longer to
//! make on 2 cores and measure nothing more here.
//!
//! Environment:
//! - `PLEDGER_BENCH_PROOF_RECORDS`: log size (default 10,000,000).
//! - `PLEDGER_BENCH_PROOF_DIR`: keep the built store there and reuse it on
//!   later runs when it holds exactly that many records (else a temporary
//!   directory, removed afterwards).

/// The same allocator as the `pledger` binary, so figures match what it does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, Criterion};
use pledger_core::checkpoint::ed25519_dalek::SigningKey;
use pledger_core::checkpoint::Checkpoint;
use pledger_core::merkle::Frontier;
use pledger_core::proof::{ConsistencyProof, InclusionProof};
use pledger_core::record::{jcs, record_body, record_hash, ZERO_HASH};
use pledger_store::tree::StoredTree;
use pledger_store::{checkpoints, Head, LogBackend, SledBackend, StoredRecord, WriteBatch};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const ORIGIN: &str = "pledger.bench.example/ledger";

fn records() -> u64 {
    std::env::var("PLEDGER_BENCH_PROOF_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

/// Writes `n` generator events as records straight through the backend.
fn build(backend: &SledBackend, n: u64) {
    const CHUNK: usize = 65_536;
    let start = Instant::now();
    let mut lines = pledger_gen::ndjson_lines(11, n as usize);
    let mut frontier = Frontier::new();
    let mut prev = ZERO_HASH;
    let mut seq = 0u64;
    let recorded_at = "2026-11-27T00:00:00.000Z";
    while seq < n {
        let chunk: Vec<String> = lines.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        // Canonical event bytes in parallel; hashing and chaining in order.
        let events: Vec<Vec<u8>> = chunk
            .par_iter()
            .map(|l| jcs(&serde_json::from_str(l).expect("generator JSON")).expect("JCS"))
            .collect();
        let mut batch = WriteBatch::default();
        for ev in &events {
            let body = record_body(seq, recorded_at, &prev, ev);
            let hash = record_hash(&body);
            batch.nodes.extend(frontier.push(&hash));
            batch.records.push(StoredRecord::new(seq, &hash, &body));
            prev = hash;
            seq += 1;
        }
        backend.write(batch).expect("write");
        if seq % (1 << 20) < CHUNK as u64 {
            eprintln!("built {seq} records in {:.1?}", start.elapsed());
        }
    }
    backend
        .write(WriteBatch {
            head: Some(Head { len: seq, hash: prev }),
            ..WriteBatch::default()
        })
        .expect("head");
    backend.sync().expect("sync");
    eprintln!("built a log of {seq} records in {:.1?}", start.elapsed());
}

struct Store {
    backend: SledBackend,
    _tmp: Option<tempfile::TempDir>,
}

fn store(n: u64) -> Store {
    let (path, tmp) = match std::env::var_os("PLEDGER_BENCH_PROOF_DIR") {
        Some(p) => (PathBuf::from(p), None),
        None => {
            let t = tempfile::tempdir().expect("tempdir");
            (t.path().to_path_buf(), Some(t))
        }
    };
    let backend = SledBackend::open(&path).expect("open sled");
    let len = backend.head().expect("head").len;
    if len != n {
        assert_eq!(
            len,
            0,
            "{} holds a log of {len} records, not {n}; remove it or pick another PLEDGER_BENCH_PROOF_DIR",
            path.display()
        );
        build(&backend, n);
    } else {
        eprintln!("reusing the log of {n} records in {}", path.display());
    }
    Store { backend, _tmp: tmp }
}

/// A cheap deterministic sequence of record numbers spread over the log.
fn next_seq(state: &AtomicU64, n: u64) -> u64 {
    let x = state
        .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        .wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (x ^ (x >> 31)) % n
}

fn proofs(c: &mut Criterion) {
    let n = records();
    let s = store(n);
    let backend = &s.backend;
    let tree = StoredTree::new(backend);
    let state = AtomicU64::new(1);

    let mut g = c.benchmark_group("proofs");
    g.sample_size(200).measurement_time(Duration::from_secs(20));

    // What `pledger prove SEQ` does: read the record's hash, build the path
    // and the root from the stored tree.
    g.bench_function(format!("inclusion_proof_random_record_of_{n}"), |b| {
        b.iter(|| {
            let seq = next_seq(&state, n);
            let hash = backend.get(seq).unwrap().unwrap().hash().unwrap();
            let p = InclusionProof::build(seq, n, hash, &tree).unwrap();
            std::hint::black_box(p)
        })
    });
    // Sanity: a proof verifies.
    let hash = backend.get(n / 3).unwrap().unwrap().hash().unwrap();
    InclusionProof::build(n / 3, n, hash, &tree).unwrap().verify().unwrap();

    g.bench_function(format!("consistency_proof_random_size_to_{n}"), |b| {
        b.iter(|| {
            let from = next_seq(&state, n - 1) + 1;
            std::hint::black_box(ConsistencyProof::build(from, n, &tree).unwrap())
        })
    });

    let key = SigningKey::from_bytes(&[7; 32]);
    g.bench_function(format!("root_of_random_size_of_{n}"), |b| {
        b.iter(|| {
            let size = next_seq(&state, n) + 1;
            std::hint::black_box(checkpoints::root_at(backend, size).unwrap())
        })
    });
    let root = checkpoints::root_at(backend, n).unwrap();
    g.bench_function("sign_checkpoint_note_only", |b| {
        b.iter(|| std::hint::black_box(Checkpoint::new(ORIGIN, n, root).sign(&key).unwrap()))
    });
    // What `pledger checkpoint` does: root from the stored tree, sign,
    // store, sync. A new size each time, so every iteration signs and writes.
    // Below any checkpoint an earlier run left in a reused store.
    let lowest = checkpoints::list(backend).unwrap().first().map_or(n, |c| c.size - 1);
    let size = AtomicU64::new(lowest);
    g.sample_size(100);
    g.bench_function(format!("checkpoint_sign_store_sync_of_{n}"), |b| {
        b.iter(|| {
            let s = size.fetch_sub(1, Ordering::Relaxed);
            let signed = checkpoints::sign(backend, s, ORIGIN, &key).unwrap();
            assert!(signed.new);
            std::hint::black_box(signed)
        })
    });
    g.finish();
}

criterion_group!(benches, proofs);
criterion_main!(benches);
