//! Corruption of the data directory: bytes flipped at random in the
//! store's files (sled's `db`, `conf`, `snap.*`, `blobs/*`), the key
//! (`ledger.key`), the config (`ledger.json`) and any other file the data
//! directory holds (view snapshots, when there are some).
//!
//! A ledger of generated events with two checkpoints (and records past the
//! last one) is built once. Each trial copies it, flips one to four bytes
//! of one file, then runs `verify`, `log --format json` and `report
//! findings --format json` on the copy. Every run must end with exit 0, 1
//! or 2 and never panic. When `verify` passes, the log, the head hash, the
//! tree root and the findings must be exactly those of the original: a
//! flipped byte is either harmless to the data (sled's free or stale
//! space) or detected. When `verify` does not pass, it must say
//! `verify FAILED` and exit 1: damage is a failed check, not bad input.
//!
//! The trials are seeded: set `PLEDGER_CORRUPTION_SEED` to replay a run,
//! `PLEDGER_CORRUPTION_TRIALS` to run more. The seed, the file and the
//! offsets of any failing trial are printed, and the damaged copy is kept
//! (its path is printed).

mod common;
#[path = "common/proofs.rs"]
mod proofs_common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Trials by default: bounded so the test stays well under a minute in a
/// debug build on a small machine.
const DEFAULT_TRIALS: u64 = 120;
const DEFAULT_SEED: u64 = 0x5eed_c0de_2026;
/// Statuses are judged at a fixed date so reports are reproducible.
const TODAY: &str = "2030-06-30";

/// The trials' random numbers: pledger-gen's splitmix64, so a seed replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        pledger_gen::splitmix64(&mut self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => v.parse().ok(),
    }
}

/// Runs the binary on `data` with a fixed judging date.
fn run(data: &Path, args: &[&str]) -> Out {
    let mut c: Command = cmd();
    c.env("PLEDGER_TODAY", TODAY).arg("--data").arg(data).args(args);
    run_cmd(c, None)
}

/// What a reader sees of a ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    log: String,
    head_hash: String,
    root: String,
    records: u64,
    checkpoints: u64,
    findings: String,
}

/// The original ledger: generated events, checkpoints at two sizes, and
/// records past the last checkpoint (covered by no signature).
fn build(l: &Ledger) -> Seen {
    l.run(&["init"]).expect(0);
    let lines: Vec<String> = pledger_gen::Generator::with_events_per_year(7, 2_000)
        .take(2_400)
        .map(|v| v.to_string())
        .collect();
    let parts = [&lines[..1_800], &lines[1_800..2_300], &lines[2_300..]];
    for (i, part) in parts.iter().enumerate() {
        let text = part.join("\n") + "\n";
        l.append_str(&text).expect(0);
        if i < 2 {
            l.run(&["checkpoint"]).expect(0);
        }
    }
    let seen =
        seen_after_verify(&l.data, &run(&l.data, &["--format", "json", "verify"])).expect("the original verifies");
    assert_eq!(seen.records, 2_400);
    assert_eq!(seen.checkpoints, 2);
    seen
}

/// Reads what the ledger shows, given a `verify --format json` that passed.
fn seen_after_verify(data: &Path, verify: &Out) -> Result<Seen, String> {
    let v: serde_json::Value =
        serde_json::from_str(verify.stdout.trim()).map_err(|e| format!("verify printed no JSON ({e})"))?;
    let log = run(data, &["--format", "json", "log"]);
    no_panic(&log)?;
    let findings = run(data, &["--format", "json", "report", "findings"]);
    no_panic(&findings)?;
    if log.code != Some(0) || findings.code != Some(0) {
        return Err(format!(
            "verify passed, but log exited {:?} ({}) and report {:?} ({})",
            log.code,
            log.stderr.trim(),
            findings.code,
            findings.stderr.trim()
        ));
    }
    Ok(Seen {
        log: log.stdout,
        head_hash: v["head_hash"].as_str().unwrap_or_default().to_string(),
        root: v["root"].as_str().unwrap_or_default().to_string(),
        records: v["records"].as_u64().unwrap_or(u64::MAX),
        checkpoints: v["checkpoints"].as_u64().unwrap_or(u64::MAX),
        findings: findings.stdout,
    })
}

/// A run that panicked, crashed on a signal, or exited outside 0/1/2.
fn no_panic(o: &Out) -> Result<(), String> {
    if o.stderr.contains("panicked") || o.code == Some(101) {
        return Err(format!("pledger panicked (exit {:?}):\n{}", o.code, o.stderr));
    }
    match o.code {
        Some(0..=2) => Ok(()),
        other => Err(format!(
            "pledger ended with {other:?} (a signal, or an exit status outside 0/1/2):\n{}",
            o.stderr
        )),
    }
}

/// Every file of a data directory, relative to it.
fn files(data: &Path) -> Vec<PathBuf> {
    files_under(data)
        .into_iter()
        .map(|p| p.strip_prefix(data).unwrap().to_path_buf())
        .collect()
}

/// How one trial ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// verify passed and the ledger shows exactly what it showed before.
    Harmless,
    /// verify exited 1 naming the damage.
    Detected,
}

/// One trial: flips bytes of `file` in a copy of `original`, then checks
/// the copy. Returns the outcome and verify's first line of complaint.
fn trial(original: &Ledger, want: &Seen, rng: &mut Rng, scratch: &Path) -> Result<(String, Outcome, String), String> {
    let copy = scratch.join("data");
    if copy.exists() {
        std::fs::remove_dir_all(&copy).unwrap();
    }
    proofs_common::copy_dir(&original.data, &copy);
    // Half the trials hit sled's `db`, where the records live; the others
    // pick any file of the directory.
    let all = files(&copy);
    let db = Path::new("log").join("db");
    let rel = if rng.below(2) == 0 && all.contains(&db) {
        db
    } else {
        all[rng.below(all.len() as u64) as usize].clone()
    };
    let path = copy.join(&rel);
    let mut bytes = std::fs::read(&path).unwrap();
    if bytes.is_empty() {
        return Ok((rel.display().to_string(), Outcome::Harmless, String::new()));
    }
    // One to four flips: either scattered over the file or in one run.
    let flips = 1 + rng.below(4) as usize;
    let clustered = rng.below(2) == 0;
    let first = rng.below(bytes.len() as u64) as usize;
    let mut at = Vec::with_capacity(flips);
    for i in 0..flips {
        let off = if clustered {
            (first + i).min(bytes.len() - 1)
        } else {
            rng.below(bytes.len() as u64) as usize
        };
        // A non-zero mask: the byte really changes.
        let mask = 1 + rng.below(255) as u8;
        bytes[off] ^= mask;
        at.push(format!("{off}^{mask:#04x}"));
    }
    std::fs::write(&path, &bytes).unwrap();
    let what = format!("{} at {}", rel.display(), at.join(","));

    let verify = run(&copy, &["--format", "json", "verify"]);
    no_panic(&verify).map_err(|e| format!("{what}: verify: {e}"))?;
    match verify.code {
        Some(0) => {
            let seen = seen_after_verify(&copy, &verify).map_err(|e| format!("{what}: {e}"))?;
            if seen != *want {
                let diff = if seen.log != want.log {
                    let a: Vec<&str> = want.log.lines().collect();
                    let b: Vec<&str> = seen.log.lines().collect();
                    let i = a
                        .iter()
                        .zip(&b)
                        .position(|(x, y)| x != y)
                        .unwrap_or(a.len().min(b.len()));
                    format!(
                        "the log differs from line {i} (original {} lines, now {}):\n  was {}\n  now {}",
                        a.len(),
                        b.len(),
                        a.get(i).unwrap_or(&"<none>"),
                        b.get(i).unwrap_or(&"<none>")
                    )
                } else {
                    format!(
                        "head {} root {} records {} checkpoints {} (was {} {} {} {}); findings equal: {}",
                        seen.head_hash,
                        seen.root,
                        seen.records,
                        seen.checkpoints,
                        want.head_hash,
                        want.root,
                        want.records,
                        want.checkpoints,
                        seen.findings == want.findings
                    )
                };
                return Err(format!("{what}: verify passed but the ledger changed: {diff}"));
            }
            Ok((what, Outcome::Harmless, String::new()))
        }
        Some(1) => {
            if !verify.stderr.contains("verify FAILED") {
                return Err(format!(
                    "{what}: verify exited 1 without saying `verify FAILED`:\n{}",
                    verify.stderr
                ));
            }
            // The other commands may refuse or answer, but must not panic.
            for args in [
                &["--format", "json", "log"][..],
                &["--format", "json", "report", "findings"][..],
            ] {
                let o = run(&copy, args);
                no_panic(&o).map_err(|e| format!("{what}: {}: {e}", args[2]))?;
            }
            let first = verify.stderr.lines().next().unwrap_or("");
            Ok((
                what,
                Outcome::Detected,
                first.replace(&copy.display().to_string(), "DATA"),
            ))
        }
        // A config naming another format version is refused as one this
        // pledger cannot read (bad input), naming the file.
        Some(2) if verify.stderr.contains("holds ledger format") => {
            let first = verify.stderr.lines().next().unwrap_or("");
            Ok((
                what,
                Outcome::Detected,
                first.replace(&copy.display().to_string(), "DATA"),
            ))
        }
        other => Err(format!(
            "{what}: verify exited {other:?}; damage must be reported as a failed check (exit 1):\n{}",
            verify.stderr
        )),
    }
}

#[test]
fn flipped_bytes_are_harmless_or_detected_never_a_panic_or_changed_data() {
    let seed = env_u64("PLEDGER_CORRUPTION_SEED").unwrap_or(DEFAULT_SEED);
    let trials = env_u64("PLEDGER_CORRUPTION_TRIALS").unwrap_or(DEFAULT_TRIALS);
    eprintln!("corruption: seed {seed:#x} (PLEDGER_CORRUPTION_SEED), {trials} trials");
    let original = Ledger::uninit();
    let want = build(&original);
    let mut rng = Rng(seed);
    // Per file kind: (harmless, detected).
    let mut tally: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut messages: BTreeMap<String, u64> = BTreeMap::new();
    let mut failures = Vec::new();
    for n in 0..trials {
        let scratch = tempfile::tempdir().unwrap();
        // Each trial gets its own stream, so one can be replayed alone.
        let trial_seed = rng.next();
        let mut trng = Rng(trial_seed);
        match trial(&original, &want, &mut trng, scratch.path()) {
            Ok((what, outcome, message)) => {
                let kind = kind_of(&what);
                let e = tally.entry(kind).or_default();
                match outcome {
                    Outcome::Harmless => e.0 += 1,
                    Outcome::Detected => {
                        e.1 += 1;
                        *messages.entry(shorten(&message)).or_default() += 1;
                    }
                }
            }
            Err(e) => {
                let kept = scratch.keep();
                failures.push(format!(
                    "trial {n} (seed {seed:#x}, trial seed {trial_seed:#x}; damaged copy kept in {}): {e}",
                    kept.display()
                ));
            }
        }
    }
    let (harmless, detected) = tally.values().fold((0, 0), |(h, d), (a, b)| (h + a, d + b));
    eprintln!(
        "corruption: {trials} trials: {detected} detected, {harmless} harmless, {} failed",
        failures.len()
    );
    for (kind, (h, d)) in &tally {
        eprintln!("  {kind:<14} detected {d:>4}  harmless {h:>4}");
    }
    eprintln!("verify said:");
    for (m, c) in &messages {
        eprintln!("  {c:>4}  {m}");
    }
    assert!(
        failures.is_empty(),
        "{} trial(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(detected > 0, "no flip was detected: the trials did not reach the data");
}

/// `log/db`, `log/snap.*`, `ledger.key` ...: the file a trial damaged.
fn kind_of(what: &str) -> String {
    let file = what.split(" at ").next().unwrap_or(what);
    let name = file.rsplit('/').next().unwrap_or(file);
    if name.starts_with("snap.") {
        "log/snap.*".into()
    } else if file.contains("blobs/") {
        "log/blobs/*".into()
    } else {
        file.to_string()
    }
}

/// A message without the numbers and hashes that differ from trial to trial.
fn shorten(m: &str) -> String {
    let mut out = String::new();
    let mut last_digit = false;
    for c in m.chars().take(200) {
        if c.is_ascii_hexdigit() && (c.is_ascii_digit() || last_digit) {
            if !last_digit {
                out.push('#');
            }
            last_digit = true;
        } else {
            last_digit = false;
            out.push(c);
        }
    }
    out
}
