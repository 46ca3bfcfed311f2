//! A full disk: on a small tmpfs the test mounts (tests run as root),
//! appends over HTTP fail with 507 and write nothing partial, the server
//! keeps serving reads, and appends succeed again once space is freed.

mod common;
#[path = "common/server.rs"]
mod server;

use common::{base_events, disbursement, ndjson, Ledger, CITY};
use server::{agent, get, post, token, Server};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of `mb` MiB mounted for the test's lifetime.
struct Tmpfs {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(mb: u32) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mnt");
        std::fs::create_dir(&path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs"])
            .arg(&path)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs and needs root (CI runs as root): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs { path, _dir: dir }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Fills the filesystem with a ballast file until it is full.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("ballast");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    // The last bytes a page at a time.
    while f.write_all(&chunk[..512]).is_ok() {}
    let _ = f.sync_all();
    path
}

#[test]
fn a_full_disk_refuses_appends_with_507_and_recovers_when_space_is_freed() {
    let fs = Tmpfs::mount(48);
    let l = Ledger::new();
    let data = fs.path.join("data");
    let run = |args: &[&str]| {
        let mut c = common::cmd();
        c.arg("--data").arg(&data).args(args);
        common::run_cmd(c, None)
    };
    run(&["init"]).expect(0);
    let base = l.file("base.ndjson", &ndjson(&base_events()));
    run(&["append", base.to_str().unwrap()]).expect(0);
    let tok = token(&data, CITY, "recorder");
    let s = Server::start(&data, &["--checkpoint-every", "0"]);
    let a = agent();
    let url = s.url("/v1/events");
    let ballast = fill(&fs.path);

    let mut acked = 0usize;
    let mut refused = 0usize;
    for i in 0..400 {
        // Batches of large events, so the store needs new space quickly.
        let events: Vec<_> = (0..50)
            .map(|j| disbursement(&format!("{i}-{j}"), "1.00", &"填".repeat(300)))
            .collect();
        let r = post(&a, &url, Some(&tok), &serde_json::to_string(&events).unwrap());
        match r.status {
            201 => acked += 50,
            507 => {
                assert_eq!(r.code(), "disk_full", "{}", r.body);
                assert!(r.json()["error"]["message"].as_str().unwrap().contains("full"));
                refused += 1;
                if refused >= 3 {
                    break;
                }
            }
            other => panic!("a full disk must answer 507, not {other}: {}", r.body),
        }
    }
    assert!(refused > 0, "the disk never filled ({acked} events acknowledged)");
    // Reads still work, and they show exactly what was acknowledged.
    let h = get(&a, &s.url("/healthz"), None);
    assert_eq!(h.status, 200);
    assert_eq!(
        h.json()["records"].as_u64().unwrap() as usize,
        base_events().len() + acked
    );

    // Space freed: appends succeed again.
    std::fs::remove_file(&ballast).unwrap();
    let r = post(&a, &url, Some(&tok), &disbursement("after", "2.00", "x").to_string());
    assert_eq!(r.status, 201, "after freeing space: {}", r.body);
    acked += 1;

    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
    let out = run(&["log", "--format", "json"]);
    out.expect(0);
    assert_eq!(
        out.stdout.lines().count(),
        base_events().len() + acked,
        "nothing partial was written"
    );
    run(&["verify"]).expect(0);
    eprintln!(
        "disk full: {acked} events acknowledged, {refused} requests refused with 507, recovered after freeing space"
    );
}
