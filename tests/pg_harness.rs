//! Self-tests of the PostgreSQL harness (tests/pg/mod.rs): that the
//! cluster the pledger tests run on really replicates synchronously, and
//! that its failover steps keep every acknowledged commit.

mod pg;

use pg::{psql, psql_output, PgCluster};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// `n` INSERTs in one psql session, each its own transaction, so each is
/// acknowledged separately (psql stops at the first error).
fn inserts(table: &str, from: u32, to: u32) -> String {
    (from..to)
        .map(|i| format!("INSERT INTO {table} VALUES ({i});\n"))
        .collect()
}

#[test]
fn a_commit_on_the_primary_is_on_the_standby_when_acknowledged() {
    let c = PgCluster::with_sync_standby();
    assert_eq!(psql(c.primary_port(), "SHOW synchronous_commit"), "on");
    assert_eq!(psql(c.primary_port(), "SHOW synchronous_standby_names"), "*");
    assert_eq!(
        psql(c.primary_port(), "SELECT sync_state FROM pg_stat_replication"),
        "sync"
    );
    assert_eq!(psql(c.standby_port(), "SELECT pg_is_in_recovery()"), "t");
    assert_eq!(psql(c.primary_port(), "SELECT pg_is_in_recovery()"), "f");

    psql(c.primary_port(), "CREATE TABLE t (i int)");
    // With `on` a commit returns once its WAL is flushed on the standby:
    // the standby has received at least everything the transaction wrote
    // before its commit record.
    let lsn = psql(
        c.primary_port(),
        "BEGIN;\nINSERT INTO t VALUES (1);\nSELECT pg_current_wal_insert_lsn();\nCOMMIT;",
    );
    let received = psql(
        c.standby_port(),
        &format!("SELECT pg_last_wal_receive_lsn() >= '{lsn}'::pg_lsn"),
    );
    assert_eq!(
        received, "t",
        "the acknowledged commit (WAL up to {lsn}) is not on the standby"
    );
    // remote_apply also waits for the standby to replay it: then the row
    // is visible there the moment the commit returns.
    psql(
        c.primary_port(),
        "SET synchronous_commit = remote_apply;\nINSERT INTO t VALUES (2);",
    );
    assert_eq!(
        psql(c.standby_port(), "SELECT string_agg(i::text, ',' ORDER BY i) FROM t"),
        "1,2"
    );
    // The standby is read-only.
    let write = psql_output(c.standby_port(), "INSERT INTO t VALUES (3)");
    assert!(!write.status.success(), "the standby accepted a write");
}

#[test]
fn failover_keeps_every_acknowledged_commit_and_the_url_follows_it() {
    let mut c = PgCluster::with_sync_standby();
    let url = c.url();
    assert_eq!(
        url,
        format!(
            "postgresql://postgres@127.0.0.1:{},127.0.0.1:{}/postgres?target_session_attrs=read-write",
            c.primary_port(),
            c.standby_port()
        )
    );
    // Before the failover the URL's writable host is the primary.
    assert_eq!(psql(&url, "SELECT inet_server_port()"), c.primary_port().to_string());
    psql(&url, "CREATE TABLE t (i int PRIMARY KEY)");
    psql(&url, &inserts("t", 0, 500));

    c.stop_primary_immediate();
    // Nothing accepts writes until the standby is promoted.
    assert!(!psql_output(&url, "SELECT 1").status.success());
    c.promote_standby();
    c.relax_sync_on_promoted();

    // The same URL now reaches the promoted standby and writes there.
    assert_eq!(psql(&url, "SELECT inet_server_port()"), c.standby_port().to_string());
    psql(&url, &inserts("t", 500, 600));
    // Every row acknowledged before the primary was lost is there.
    assert_eq!(
        psql(&url, "SELECT count(*), min(i), max(i) FROM t"),
        "600|0|599",
        "rows acknowledged before the failover are missing"
    );
}

/// Why `relax_sync_on_promoted` exists: the promoted standby keeps
/// `synchronous_standby_names='*'` and has no standby, so a commit waits
/// for one forever. `statement_timeout` does not end that wait (PostgreSQL
/// disarms it before the commit); only clearing the setting releases it.
#[test]
fn a_promoted_standby_waits_forever_for_a_standby_until_relaxed() {
    let mut c = PgCluster::with_sync_standby();
    psql(c.primary_port(), "CREATE TABLE t (i int)");
    c.stop_primary_immediate();
    c.promote_standby();
    let port = c.standby_port();
    assert_eq!(psql(port, "SHOW synchronous_standby_names"), "*");

    let mut stuck = pg::psql_command(port)
        .args(["-c", "SET statement_timeout = '2s'", "-c", "INSERT INTO t VALUES (1)"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run psql");
    // The INSERT reaches the commit and waits for a synchronous standby...
    let deadline = Instant::now() + Duration::from_secs(30);
    while psql(
        port,
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'",
    ) != "1"
    {
        assert!(
            Instant::now() < deadline,
            "the INSERT never waited for a synchronous standby"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // ...and is still waiting well past its 2 s statement_timeout.
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        stuck.try_wait().expect("psql").is_none(),
        "the commit returned although no synchronous standby exists"
    );

    c.relax_sync_on_promoted();
    // Clearing the setting releases the waiting commit, and new commits
    // no longer wait.
    let out = stuck.wait_with_output().expect("psql");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t = Instant::now();
    psql(port, "SET statement_timeout = '2s';\nINSERT INTO t VALUES (2);");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "a commit still waited: {:?}",
        t.elapsed()
    );
    assert_eq!(psql(port, "SELECT string_agg(i::text, ',' ORDER BY i) FROM t"), "1,2");
}

#[test]
fn a_primary_alone_accepts_writes_at_its_single_host_url() {
    let c = PgCluster::primary_only();
    assert_eq!(c.url(), c.primary_url());
    assert_eq!(psql(c.url(), "SHOW synchronous_standby_names"), "");
    assert_eq!(psql(c.url(), "SHOW fsync"), "on");
    assert_eq!(psql(c.url(), "SHOW wal_level"), "replica");
    psql(c.url(), "CREATE TABLE t (i int);\nINSERT INTO t VALUES (7);");
    assert_eq!(psql(c.primary_port(), "SELECT i FROM t"), "7");
}

#[test]
fn dropping_the_cluster_stops_its_servers_and_removes_its_files() {
    let c = PgCluster::with_sync_standby();
    let ports = [c.primary_port(), c.standby_port()];
    let dir = c.dir().to_path_buf();
    assert!(dir.exists());
    drop(c);
    assert!(!dir.exists(), "{} was left behind", dir.display());
    for port in ports {
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
            "a server still listens on {port}"
        );
    }
}
