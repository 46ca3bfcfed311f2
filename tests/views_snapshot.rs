//! End-to-end tests of the views snapshot (`<data>/views.snapshot`): the
//! reports, `trace` and `claim` answer the same with it, without it, and
//! with it damaged (refused, rebuilt, never a panic); appends after it are
//! read from the log's tail.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2031-01-01";

/// Runs the binary on `data` with a fixed judging date.
fn run(data: &Path, args: &[&str]) -> Out {
    let mut c: Command = cmd();
    c.env("PLEDGER_TODAY", TODAY).arg("--data").arg(data).args(args);
    run_cmd(c, None)
}

fn snapshot(data: &Path) -> PathBuf {
    data.join("views.snapshot")
}

/// `report findings --format json`, which must succeed without a note.
fn findings_quiet(data: &Path) -> String {
    let out = run(data, &["--format", "json", "report", "findings"]);
    out.expect(0);
    assert!(out.stderr.is_empty(), "unexpected stderr: {}", out.stderr);
    out.stdout
}

/// `report findings --format json` through a damaged snapshot: the same
/// answer, a note saying it was ignored, and a good snapshot again after.
fn findings_through_damage(data: &Path, damaged: &[u8], expect: &str, good: &[u8], what: &str) {
    std::fs::write(snapshot(data), damaged).expect("write damaged snapshot");
    let out = run(data, &["--format", "json", "report", "findings"]);
    out.expect(0);
    assert_eq!(out.stdout, expect, "{what}: findings differ");
    assert!(
        out.stderr.contains("snapshot ignored"),
        "{what}: no note on stderr: {:?}",
        out.stderr
    );
    assert_eq!(
        std::fs::read(snapshot(data)).expect("snapshot"),
        good,
        "{what}: not rewritten"
    );
}

/// `pledger demo` into a fresh data directory. Its closing findings report
/// reopens the store right after appending, and sled sometimes still holds
/// its lock then (exit 2, "in use by another pledger process"; seen without
/// snapshots too): the events are recorded either way, which is all these
/// tests need.
fn demo(data: &Path) {
    let out = run(data, &["--format", "json", "demo"]);
    if out.code == Some(2) && out.stderr.contains("in use by another pledger process") {
        return;
    }
    out.expect(0);
    assert!(snapshot(data).exists(), "the demo's findings report saved no snapshot");
}

#[test]
fn demo_reports_are_the_same_through_the_snapshot() {
    let l = Ledger::uninit();
    demo(&l.data);
    let _ = std::fs::remove_file(snapshot(&l.data));

    // Without a snapshot: a full rebuild, which saves one.
    let rebuilt = findings_quiet(&l.data);
    assert!(rebuilt.contains("\"findings\":[{"), "{rebuilt}");
    let good = std::fs::read(snapshot(&l.data)).expect("a snapshot was saved");
    assert!(good.starts_with(b"pledger-views-snapshot/v3\n"));

    // Through it, twice: the same answer, the snapshot left as it was.
    let via_snapshot = findings_quiet(&l.data);
    assert_eq!(via_snapshot, rebuilt, "through the snapshot differs");
    assert_eq!(findings_quiet(&l.data), rebuilt, "second run differs");
    assert_eq!(std::fs::read(snapshot(&l.data)).expect("snapshot"), good);

    // Damage: bytes flipped across the header and the payload, cut short,
    // replaced by garbage, emptied.
    let header = 26 + 8 + 32 + 8 + 32;
    for i in [
        0,
        10,
        25,
        26,
        30,
        40,
        70,
        74,
        80,
        100,
        header,
        header + 1,
        good.len() / 2,
        good.len() - 1,
    ] {
        let mut bad = good.clone();
        bad[i] ^= 0x04;
        findings_through_damage(&l.data, &bad, &via_snapshot, &good, &format!("byte {i} flipped"));
    }
    for cut in [0, 5, header - 1, header, good.len() / 3, good.len() - 1] {
        findings_through_damage(
            &l.data,
            &good[..cut],
            &via_snapshot,
            &good,
            &format!("cut to {cut} bytes"),
        );
    }
    findings_through_damage(&l.data, b"{\"findings\": []}\n", &via_snapshot, &good, "garbage");

    // Every view, with and without the snapshot.
    for view in ["targets", "funds", "commitments", "incentives", "findings"] {
        let with = run(&l.data, &["--format", "json", "report", view]);
        with.expect(0);
        std::fs::remove_file(snapshot(&l.data)).expect("remove");
        let without = run(&l.data, &["--format", "json", "report", view]);
        without.expect(0);
        assert_eq!(with.stdout, without.stdout, "report {view}");
    }
}

#[test]
fn trace_and_claim_are_the_same_through_the_snapshot() {
    let l = Ledger::uninit();
    demo(&l.data);
    let funds = run(&l.data, &["--format", "json", "report", "funds"]);
    funds.expect(0);
    let funds: serde_json::Value = serde_json::from_str(funds.stdout.trim()).expect("funds json");
    let account = funds["accounts"][0]["account_id"]
        .as_str()
        .expect("an account")
        .to_string();
    let target = "t-zhengtai-invest";
    // The first claim signs a checkpoint; later ones answer the same.
    let first = run(&l.data, &["--format", "json", "claim", target]);
    assert!(matches!(first.code, Some(0) | Some(1)), "{first:?}");

    for args in [
        vec!["--format", "json", "trace", account.as_str()],
        vec!["--format", "json", "trace", account.as_str(), "--up"],
        vec!["--format", "json", "claim", target],
    ] {
        assert!(snapshot(&l.data).exists());
        let with = run(&l.data, &args);
        std::fs::remove_file(snapshot(&l.data)).expect("remove");
        let without = run(&l.data, &args);
        assert!(!with.stderr.contains("panicked"), "{with:?}");
        assert_eq!((with.code, &with.stdout), (without.code, &without.stdout), "{args:?}");
        assert!(snapshot(&l.data).exists(), "{args:?} did not save the views");
    }
}

/// Records appended after the snapshot are read from the log's tail.
#[test]
fn appends_after_the_snapshot_are_seen() {
    let l = Ledger::founded();
    let batch = |from: usize, to: usize| {
        let events: Vec<_> = (from..to)
            .map(|i| disbursement(&i.to_string(), &format!("{i}.25"), "roads"))
            .collect();
        ndjson(&events)
    };
    l.append_str(&batch(0, 20)).expect(0);
    findings_quiet(&l.data);
    let funds_before = run(&l.data, &["--format", "json", "report", "funds"]);
    funds_before.expect(0);
    let good = std::fs::read(snapshot(&l.data)).expect("snapshot written");

    l.append_str(&batch(20, 45)).expect(0);
    let funds_tail = run(&l.data, &["--format", "json", "report", "funds"]);
    funds_tail.expect(0);
    assert_ne!(
        funds_tail.stdout, funds_before.stdout,
        "the appended records are missing"
    );
    // A short tail does not rewrite the snapshot.
    assert_eq!(std::fs::read(snapshot(&l.data)).expect("snapshot"), good);
    let findings_tail = findings_quiet(&l.data);

    std::fs::remove_file(snapshot(&l.data)).expect("remove");
    let funds_full = run(&l.data, &["--format", "json", "report", "funds"]);
    assert_eq!(funds_full.stdout, funds_tail.stdout);
    assert_eq!(findings_quiet(&l.data), findings_tail);

    // at_seq before the snapshot's end: answered from the log, snapshot kept.
    let now = std::fs::read(snapshot(&l.data)).expect("snapshot");
    let early = run(&l.data, &["--format", "json", "report", "funds", "--at-seq", "10"]);
    early.expect(0);
    assert_ne!(early.stdout, funds_full.stdout);
    assert_eq!(std::fs::read(snapshot(&l.data)).expect("snapshot"), now);
}

/// A snapshot of another ledger (a data directory whose log was replaced)
/// is stale: refused with a note, rebuilt from this log.
#[test]
fn a_snapshot_from_another_ledger_is_refused() {
    let a = Ledger::founded();
    a.append_str(&ndjson(&[disbursement("a", "5.00", "roads")])).expect(0);
    let b = Ledger::founded();
    b.append_str(&ndjson(&[disbursement("b", "7.00", "water")])).expect(0);
    let funds_a = run(&a.data, &["--format", "json", "report", "funds"]);
    funds_a.expect(0);
    let funds_b = run(&b.data, &["--format", "json", "report", "funds"]);
    funds_b.expect(0);
    assert_ne!(funds_a.stdout, funds_b.stdout);

    // Same number of records, different log.
    std::fs::copy(snapshot(&a.data), snapshot(&b.data)).expect("copy");
    let out = run(&b.data, &["--format", "json", "report", "funds"]);
    out.expect(0);
    assert_eq!(out.stdout, funds_b.stdout, "answered from another ledger's views");
    assert!(out.stderr.contains("snapshot ignored"), "{}", out.stderr);
}
