//! End to end: pledger-loadgen sets up a ledger, starts a real `pledger
//! serve` (the workspace's build of it), loads it, stops it, verifies.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `pledger` binary of the same profile as this test, built if needed
/// (`PLEDGER_BIN` overrides).
fn pledger() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("PLEDGER_BIN") {
            return PathBuf::from(p);
        }
        let dir = Path::new(env!("CARGO_BIN_EXE_pledger-loadgen"))
            .parent()
            .unwrap()
            .to_path_buf();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut build = Command::new(env!("CARGO"));
        build
            .current_dir(&root)
            .args(["build", "-p", "pledger", "--bin", "pledger"]);
        if dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let status = build.status().expect("run cargo build -p pledger");
        let bin = dir.join("pledger");
        assert!(
            status.success() || bin.is_file(),
            "cargo build -p pledger failed and there is no {}",
            bin.display()
        );
        bin
    })
}

/// Runs the tool with its work directory (kept when a run fails) inside a
/// temporary directory of the test's own.
fn loadgen(pledger: &Path, extra: &[&str]) -> (Option<i32>, Value, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pledger-loadgen"))
        .env("TMPDIR", tmp.path())
        .arg("--pledger")
        .arg(pledger)
        .args(["--preload", "100", "--warmup", "0.5", "--json"])
        .args(extra)
        .output()
        .expect("run pledger-loadgen");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {} {stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code(), report, stderr)
}

#[test]
fn four_clients_for_two_seconds_account_for_every_record() {
    let (code, r, stderr) = loadgen(pledger(), &["--clients", "4", "--seconds", "2"]);
    assert_eq!(code, Some(0), "{r:#}\n{stderr}");
    let check = &r["log_check"];
    assert_eq!(check["ok"], true, "{r:#}");
    assert_eq!(check["verify_ok"], true, "{r:#}");
    let founding = check["founding"].as_u64().unwrap();
    let acknowledged = check["acknowledged"].as_u64().unwrap();
    // 100 generated events, then 4 per client.
    assert_eq!(founding, 100 + 4 * 4);
    assert_eq!(check["records"].as_u64(), Some(founding + acknowledged), "{r:#}");
    assert_eq!(
        r["statuses"]["201"].as_u64(),
        Some(acknowledged),
        "batch 1: one receipt per 201"
    );
    assert_eq!(r["errors"], 0, "{r:#}");
    let requests = r["requests"].as_u64().unwrap();
    assert!(requests > 0 && requests <= acknowledged, "{r:#}");
    assert_eq!(r["events"].as_u64(), Some(requests));
    let lat = &r["latency_ms"];
    let (p50, p99, max) = (
        lat["p50"].as_f64().unwrap(),
        lat["p99"].as_f64().unwrap(),
        lat["max"].as_f64().unwrap(),
    );
    assert!(0.0 < p50 && p50 <= p99 && p99 <= max, "{lat}");
    assert!(r["throughput_events_per_s"].as_f64().unwrap() > 0.0);
}

/// A record that is in the log but was never acknowledged (slipped in here
/// by a wrapper around `pledger verify`) must fail the run.
#[cfg(unix)]
#[test]
fn an_unacknowledged_record_fails_the_check() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra.ndjson");
    std::fs::write(
        &extra,
        r#"{"type":"entity.registered","id":"sneaky-1","actor":"changde-gov","occurred_at":"2026-03-02","data":{"entity_id":"sneaky-firm","kind":"enterprise","name":"未经确认的企业"}}"#,
    )
    .unwrap();
    let wrapper = dir.path().join("pledger");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\n# Called as: --data DIR [--format json] VERB ...\ncase \"$*\" in *\" verify\") {real:?} --data \"$2\" append {extra:?} >/dev/null || exit 9 ;; esac\nexec {real:?} \"$@\"\n",
            real = pledger(),
            extra = extra
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, r, stderr) = loadgen(&wrapper, &["--clients", "2", "--seconds", "1", "--batch", "5"]);
    assert_eq!(code, Some(1), "{r:#}\n{stderr}");
    let check = &r["log_check"];
    assert_eq!(check["ok"], false, "{r:#}");
    assert_eq!(check["verify_ok"], true, "the log itself is sound: {r:#}");
    let (founding, acknowledged) = (
        check["founding"].as_u64().unwrap(),
        check["acknowledged"].as_u64().unwrap(),
    );
    assert!(acknowledged > 0 && acknowledged % 5 == 0, "{r:#}");
    assert_eq!(check["records"].as_u64(), Some(founding + acknowledged + 1), "{r:#}");
    assert!(check["message"].as_str().unwrap().contains("does not account"), "{r:#}");
}
