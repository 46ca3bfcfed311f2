//! Crash safety of `pledger append`: an appender is killed with SIGKILL at a
//! random moment, five times over. After each kill, every receipt that was
//! printed before the kill must name a record that is in the log with that
//! exact hash, every batch must be in the log whole or not at all, and
//! `verify` must pass. Then appending resumes on the same data directory.
//!
//! The loop runs on a helper thread that spawns `pledger append` once per
//! batch (alternating a file argument and `-` on stdin), with stdout going
//! to a file per batch. The main thread SIGKILLs the running child
//! (`Child::kill`) and reaps it, so the store's lock is released before the
//! checks run. Set PLEDGER_CRASH_SEED to replay a run.

mod common;

use common::*;
use serde_json::Value;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CYCLES: usize = 5;
/// Batches prepared per cycle: far more than a cycle can get through.
const BATCHES_PER_CYCLE: usize = 400;

/// xorshift64*: no rand crate among the dev-dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// One prepared input file and what it holds.
struct Batch {
    path: PathBuf,
    out: PathBuf,
    err: PathBuf,
    ids: Vec<String>,
    via_stdin: bool,
}

/// What the helper thread saw of each child it ran to completion.
#[derive(Default)]
struct Finished {
    /// (batch index, exit status) for every child that exited by itself.
    statuses: Vec<(usize, Option<i32>)>,
    /// Batches started (the last one may have been killed).
    started: usize,
}

fn spawn_append(data: &Path, b: &Batch) -> Child {
    let mut c = cmd();
    c.arg("--data").arg(data).arg("--format").arg("json").arg("append");
    if b.via_stdin {
        c.arg("-").stdin(Stdio::from(File::open(&b.path).unwrap()));
    } else {
        c.arg(&b.path).stdin(Stdio::null());
    }
    c.stdout(Stdio::from(File::create(&b.out).unwrap()))
        .stderr(Stdio::from(File::create(&b.err).unwrap()));
    c.spawn().expect("spawn pledger append")
}

/// On a failure, copies the whole test directory (data dir, inputs, each
/// child's stdout and stderr) to the system temp dir for a post-mortem.
struct KeepOnPanic {
    dir: PathBuf,
    seed: u64,
}

impl Drop for KeepOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let to = std::env::temp_dir().join(format!("pledger-crash-{}", self.seed));
            let ok = std::process::Command::new("cp")
                .arg("-a")
                .arg(&self.dir)
                .arg(&to)
                .status();
            eprintln!(
                "crash test failed; its directory was copied to {} ({ok:?})",
                to.display()
            );
        }
    }
}

#[test]
fn sigkill_during_appends_loses_no_receipt() {
    let started = Instant::now();
    let seed = std::env::var("PLEDGER_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap();
            (t.as_nanos() as u64) ^ (u64::from(std::process::id()) << 32) | 1
        });
    eprintln!("crash test seed: {seed} (set PLEDGER_CRASH_SEED={seed} to replay)");
    let mut rng = Rng(seed);

    let l = Ledger::founded();
    let _keep = KeepOnPanic {
        dir: l.tmp.path().to_path_buf(),
        seed,
    };
    let base = l.records();
    assert_eq!(base.len(), 3);

    // Every printed receipt so far: seq -> hash. Checked again after every
    // later kill too: a receipt stays true forever.
    let mut receipts: HashMap<u64, String> = HashMap::new();
    let mut tag = 0u64;
    let mut total_batches_done = 0;
    let mut kills_mid_append = 0;

    for cycle in 0..CYCLES {
        let dir = l.tmp.path().join(format!("cycle{cycle}"));
        std::fs::create_dir(&dir).unwrap();
        let mut batches = Vec::with_capacity(BATCHES_PER_CYCLE);
        for k in 0..BATCHES_PER_CYCLE {
            let n = rng.range(1, 20) as usize;
            let mut events = Vec::with_capacity(n);
            for _ in 0..n {
                tag += 1;
                let cents = rng.range(1, 99_999_999);
                let amount = format!("{}.{:02}", cents / 100, cents % 100);
                events.push(disbursement(
                    &format!("k{tag}"),
                    &amount,
                    &format!("crash cycle {cycle} batch {k}"),
                ));
            }
            let path = dir.join(format!("b{k:04}.ndjson"));
            std::fs::write(&path, ndjson(&events)).unwrap();
            batches.push(Batch {
                out: path.with_extension("out"),
                err: path.with_extension("err"),
                path,
                ids: events.iter().map(|e| e["id"].as_str().unwrap().to_string()).collect(),
                via_stdin: rng.next() & 1 == 0,
            });
        }
        let batches = Arc::new(batches);

        // The appender loop.
        let current: Arc<Mutex<Option<(usize, Child)>>> = Arc::new(Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        let finished = Arc::new(Mutex::new(Finished::default()));
        let worker = {
            let (current, stop, finished, batches) = (current.clone(), stop.clone(), finished.clone(), batches.clone());
            let data = l.data.clone();
            std::thread::spawn(move || {
                for (k, b) in batches.iter().enumerate() {
                    {
                        let mut cur = current.lock().unwrap();
                        if stop.load(Ordering::SeqCst) {
                            return;
                        }
                        *cur = Some((k, spawn_append(&data, b)));
                        finished.lock().unwrap().started = k + 1;
                    }
                    loop {
                        std::thread::sleep(Duration::from_millis(1));
                        let mut cur = current.lock().unwrap();
                        let Some((_, child)) = cur.as_mut() else {
                            return; // killed and reaped by the main thread
                        };
                        if let Some(status) = child.try_wait().unwrap() {
                            finished.lock().unwrap().statuses.push((k, status.code()));
                            *cur = None;
                            if status.code() != Some(0) {
                                stop.store(true, Ordering::SeqCst);
                                return;
                            }
                            break;
                        }
                    }
                }
            })
        };

        let delay = Duration::from_millis(rng.range(300, 1500));
        std::thread::sleep(delay);
        {
            let mut cur = current.lock().unwrap();
            stop.store(true, Ordering::SeqCst);
            if let Some((k, mut child)) = cur.take() {
                // std's kill is SIGKILL. A child that already exited (not yet
                // reaped) is a zombie: the signal does nothing to it.
                child.kill().expect("SIGKILL the appender");
                let status = child.wait().unwrap();
                match status.code() {
                    None => kills_mid_append += 1,
                    Some(code) => finished.lock().unwrap().statuses.push((k, Some(code))),
                }
            }
        }
        worker.join().expect("appender thread");

        // No append may have failed on its own: each ran on a store the
        // previous kill left behind, and must have recovered.
        let fin = finished.lock().unwrap();
        for (k, code) in &fin.statuses {
            let err = std::fs::read_to_string(&batches[*k].err).unwrap_or_default();
            assert_eq!(*code, Some(0), "cycle {cycle} batch {k} exited {code:?}: {err}");
        }
        total_batches_done += fin.statuses.len();

        // Receipts printed before the kill.
        let mut printed_batches = 0;
        let mut batch_of_id: HashMap<&str, (usize, usize)> = HashMap::new();
        for (k, b) in batches.iter().enumerate().take(fin.started) {
            for (i, id) in b.ids.iter().enumerate() {
                batch_of_id.insert(id, (k, i));
            }
            let text = std::fs::read_to_string(&b.out).unwrap_or_default();
            let Ok(body) = serde_json::from_str::<Value>(text.trim()) else {
                continue; // killed before (or while) printing
            };
            printed_batches += 1;
            let rs = body["receipts"].as_array().expect("receipts array");
            assert_eq!(
                rs.len(),
                b.ids.len(),
                "cycle {cycle} batch {k}: one receipt per event: {text}"
            );
            assert_eq!(body["appended"].as_u64(), Some(b.ids.len() as u64), "{text}");
            let mut prev: Option<u64> = None;
            for r in rs {
                let seq = r["seq"].as_u64().expect("receipt seq");
                let hash = r["hash"].as_str().expect("receipt hash").to_string();
                if let Some(p) = prev {
                    assert_eq!(seq, p + 1, "a batch's receipts are consecutive: {text}");
                }
                prev = Some(seq);
                assert!(receipts.insert(seq, hash).is_none(), "seq {seq} was receipted twice");
            }
        }

        // The store must open after the kill.
        let probe = l.run(&["log", "--format", "json"]);
        if probe.code != Some(0) {
            let stale: Vec<PathBuf> = files_under(&l.data.join("log"))
                .into_iter()
                .filter(|p| p.to_string_lossy().ends_with(".generating"))
                .collect();
            let hint = if stale.is_empty() {
                String::new()
            } else {
                format!(
                    "\nleft behind: {stale:?}: the known sled snapshot bug, see \
                     a_snapshot_interrupted_by_a_kill_does_not_brick_the_store"
                )
            };
            panic!(
                "cycle {cycle}: after the kill the store does not open (exit {:?}): {}{hint}",
                probe.code, probe.stderr
            );
        }

        // The log after the kill: valid, linked, re-hashing (checked by
        // `records`), and holding every receipt with its exact hash.
        let recs = l.records();
        assert_eq!(&recs[..3], &base[..], "the first records changed");
        for (seq, hash) in &receipts {
            let r = recs.get(*seq as usize).unwrap_or_else(|| {
                panic!(
                    "cycle {cycle}: receipted seq {seq} is missing; the log has {}",
                    recs.len()
                )
            });
            assert_eq!(
                r["hash"].as_str(),
                Some(hash.as_str()),
                "cycle {cycle}: seq {seq} changed its hash"
            );
        }

        // Every batch of this cycle is in the log whole, in order, at
        // consecutive seqs, or not at all; its receipts, if printed, point
        // at its own events.
        let mut seen: HashMap<usize, Vec<(u64, usize)>> = HashMap::new();
        for r in &recs {
            let id = r["event"]["id"].as_str().unwrap();
            if let Some(&(k, i)) = batch_of_id.get(id) {
                seen.entry(k).or_default().push((r["seq"].as_u64().unwrap(), i));
            }
        }
        for (k, got) in &seen {
            let b = &batches[*k];
            assert_eq!(
                got.len(),
                b.ids.len(),
                "cycle {cycle} batch {k} is in the log only in part: {got:?}"
            );
            for (j, (seq, i)) in got.iter().enumerate() {
                assert_eq!(*i, j, "cycle {cycle} batch {k}: events out of order");
                assert_eq!(*seq, got[0].0 + j as u64, "cycle {cycle} batch {k}: not consecutive");
            }
        }
        for (k, code) in &fin.statuses {
            assert_eq!(*code, Some(0));
            assert!(
                seen.contains_key(k),
                "cycle {cycle} batch {k} exited 0 but is not in the log"
            );
        }
        for (seq, _) in receipts.iter().filter(|(s, _)| **s >= 3) {
            let id = recs[*seq as usize]["event"]["id"].as_str().unwrap();
            assert!(id.starts_with("d-k"), "seq {seq} holds an unexpected event {id}");
        }

        let v = l.run(&["verify"]);
        v.expect(0);
        let killed = fin
            .started
            .checked_sub(1)
            .filter(|k| !fin.statuses.iter().any(|(d, _)| d == k));
        let killed = match killed {
            Some(k) if seen.contains_key(&k) => format!("killed batch {k} was committed"),
            Some(k) => format!("killed batch {k} was not committed"),
            None => "killed between batches".to_string(),
        };
        eprintln!(
            "cycle {cycle}: killed after {delay:?} ({killed}); {} batches finished, {printed_batches} printed \
             receipts; log holds {} records; {}",
            fin.statuses.len(),
            recs.len(),
            v.stdout.trim()
        );
    }

    // The store still takes appends after the last kill.
    let last = l.append_str(&ndjson(&[disbursement("after-crashes", "1.00", "still alive")]));
    last.expect(0);
    let recs = l.records();
    for (seq, hash) in &receipts {
        assert_eq!(recs[*seq as usize]["hash"].as_str(), Some(hash.as_str()));
    }
    l.run(&["verify"]).expect(0);
    assert!(
        total_batches_done > 0,
        "no append finished in any cycle: the test proved nothing"
    );
    eprintln!(
        "crash test: {CYCLES} kills ({kills_mid_append} mid-append), {total_batches_done} batches, {} receipts, {} records, {:?}",
        receipts.len(),
        recs.len(),
        started.elapsed()
    );
}

/// What a SIGKILL inside sled's snapshot writing leaves behind (sled 0.34.7,
/// `pagecache::snapshot::write_snapshot`): `snap.<lsn>.generating`, created
/// empty, not yet filled, synced and renamed. Every process that opens the
/// store writes such a snapshot during recovery, so a kill at that moment
/// (an appender, or even `log` or `verify` interrupted) leaves one. sled's
/// `read_snapshot` then picks it as the newest snapshot and refuses to open.
/// The records are all intact: without that file the store opens and
/// verifies. The crash test above hits this now and then; this is the same
/// state, made deterministically.
#[test]
fn a_snapshot_interrupted_by_a_kill_does_not_brick_the_store() {
    let l = Ledger::founded();
    let evs: Vec<Value> = (0..30)
        .map(|i| disbursement(&format!("snap{i}"), "1.00", "before the kill"))
        .collect();
    l.append_str(&ndjson(&evs)).expect(0);
    let before = l.snapshot();
    let log_dir = l.data.join("log");
    // The newest snapshot's lsn; the interrupted one is newer.
    let newest = std::fs::read_dir(&log_dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let hex = name.strip_prefix("snap.")?.to_string();
            u64::from_str_radix(&hex, 16).ok()
        })
        .max()
        .unwrap_or(0);
    File::create(log_dir.join(format!("snap.{:016X}.generating", newest + 1))).unwrap();

    let v = l.run(&["verify"]);
    assert_eq!(
        v.code,
        Some(0),
        "an interrupted snapshot must not make an intact ledger unreadable: {}",
        v.stderr
    );
    assert_eq!(l.snapshot(), before, "the records after recovery differ");
    l.append_str(&ndjson(&[disbursement("after", "1.00", "after the kill")]))
        .expect(0);
    l.run(&["verify"]).expect(0);
}
