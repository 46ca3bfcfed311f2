//! A throwaway PostgreSQL cluster for the tests that run pledger on
//! PostgreSQL (tests/pg_harness.rs, tests/postgres.rs): a primary, and
//! optionally a synchronous streaming standby, on loopback ports, in a
//! temporary directory, stopped and removed when dropped.
//!
//! Needs Debian's PostgreSQL (`apt-get install -y postgresql`); its server
//! binaries live in `/usr/lib/postgresql/VERSION/bin`, which is not on
//! PATH, so the highest version there is used (or `$PLEDGER_PG_BIN`).
//! PostgreSQL refuses to run as root, so as root the server programs run
//! as the `postgres` user on directories chowned to it.
//!
//! Each server is a child of the test (not daemonised by `pg_ctl start`)
//! with a parent-death signal, so a test killed before its Drop runs still
//! takes its servers with it. The signal follows the creating *thread*:
//! build the cluster on the thread that owns it for the whole test.
//!
//! There is no skip switch: a missing PostgreSQL fails the tests loudly.

#![allow(dead_code)]

use std::fmt::Display;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const INSTALL: &str = "install Debian's postgresql: apt-get install -y postgresql";

/// How long a server gets to start, promote, or catch up.
const WAIT: Duration = Duration::from_secs(90);

/// One PostgreSQL server: its data directory, port and socket directory.
struct Node {
    name: &'static str,
    data: PathBuf,
    sock: PathBuf,
    log: PathBuf,
    port: u16,
    /// The running postmaster, until it is stopped.
    child: Option<Child>,
}

/// A primary and, optionally, one synchronous standby.
pub struct PgCluster {
    bin: PathBuf,
    primary: Node,
    standby: Option<Node>,
    // Last field: removed after the servers are stopped in Drop.
    tmp: tempfile::TempDir,
}

impl PgCluster {
    /// A primary alone (every commit durable on it only).
    pub fn primary_only() -> PgCluster {
        PgCluster::new(false)
    }

    /// A primary and a synchronous standby: `synchronous_commit=on` with
    /// `synchronous_standby_names='*'`, so a commit is acknowledged only
    /// once its WAL is flushed on both. Returns once the primary's
    /// `pg_stat_replication` shows the standby as `sync`.
    pub fn with_sync_standby() -> PgCluster {
        PgCluster::new(true)
    }

    fn new(standby: bool) -> PgCluster {
        let bin = bin_dir();
        let tmp = tempfile::Builder::new()
            .prefix("pledger-pg-")
            .tempdir()
            .expect("tempdir");
        give_to_postgres(tmp.path());
        let primary = Node::new(tmp.path(), "primary");
        let mut c = PgCluster {
            bin,
            primary,
            standby: None,
            tmp,
        };
        c.initdb(standby);
        c.start_primary();
        if standby {
            c.add_standby();
        }
        c
    }

    // ------------------------------------------------------------- URLs

    /// The URL a pledger node uses: both hosts, so that after a failover
    /// libpq-style clients find whichever one accepts writes.
    pub fn url(&self) -> String {
        match &self.standby {
            Some(s) => format!(
                "postgresql://postgres@127.0.0.1:{},127.0.0.1:{}/postgres?target_session_attrs=read-write",
                self.primary.port, s.port
            ),
            None => self.primary_url(),
        }
    }

    pub fn primary_url(&self) -> String {
        port_url(self.primary.port)
    }

    /// Panics when the cluster has no standby.
    pub fn standby_url(&self) -> String {
        port_url(self.standby().port)
    }

    pub fn primary_port(&self) -> u16 {
        self.primary.port
    }

    pub fn standby_port(&self) -> u16 {
        self.standby().port
    }

    /// The temporary directory holding the servers' files.
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    fn standby(&self) -> &Node {
        self.standby.as_ref().expect("this cluster has no standby")
    }

    // ------------------------------------------------------- failover

    /// `pg_ctl stop -m immediate` on the primary: no shutdown checkpoint,
    /// as if the machine had been lost.
    pub fn stop_primary_immediate(&mut self) {
        stop_node(&self.bin, &mut self.primary).unwrap_or_else(|e| panic!("stopping the primary failed: {e}"));
    }

    /// `pg_ctl promote` on the standby; returns once it accepts writes
    /// (`pg_is_in_recovery()` is false).
    pub fn promote_standby(&mut self) {
        let out = self.pg_ctl(self.standby(), &["promote", "-w"]);
        assert!(
            out.status.success(),
            "pg_ctl promote failed: {}\n{}",
            output_text(&out),
            self.log_tail(self.standby())
        );
        let port = self.standby().port;
        let deadline = Instant::now() + WAIT;
        loop {
            match try_psql(port, "SELECT pg_is_in_recovery()") {
                Ok(s) if s == "f" => return,
                other if Instant::now() > deadline => {
                    panic!(
                        "the standby was still in recovery after promotion ({other:?})\n{}",
                        self.log_tail(self.standby())
                    )
                }
                _ => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// The promoted standby inherited `synchronous_standby_names='*'`
    /// from the primary and has no standby of its own, so every commit
    /// would wait for one forever: clear it. This is the operator's step
    /// (docs/cluster.md) until a new standby is attached.
    pub fn relax_sync_on_promoted(&self) {
        psql(
            self.standby().port,
            "ALTER SYSTEM SET synchronous_standby_names = '';\nSELECT pg_reload_conf();",
        );
        // pg_reload_conf only signals; wait until the setting is in force.
        let deadline = Instant::now() + WAIT;
        while !psql(self.standby().port, "SHOW synchronous_standby_names").is_empty() {
            assert!(Instant::now() < deadline, "synchronous_standby_names was not cleared");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last lines of a server's log, for failure messages.
    pub fn primary_log(&self) -> String {
        self.log_tail(&self.primary)
    }

    pub fn standby_log(&self) -> String {
        self.log_tail(self.standby())
    }

    // --------------------------------------------------------- set-up

    fn initdb(&self, standby: bool) {
        let p = &self.primary;
        // -N: the initial files need no fsync for a throwaway cluster;
        // the server itself runs with fsync on.
        let out = self.as_postgres(
            &self.bin.join("initdb"),
            &[
                "-D".as_ref(),
                p.data.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "--auth=trust".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--locale=C".as_ref(),
                "-N".as_ref(),
            ],
        );
        assert!(out.status.success(), "initdb failed: {}", output_text(&out));
        // Trust for loopback and the socket, replication included: the
        // standby and every client connect as `postgres` without a password.
        let hba = "local all all trust\n\
                   host all all 127.0.0.1/32 trust\n\
                   local replication all trust\n\
                   host replication all 127.0.0.1/32 trust\n";
        write_as_postgres(&p.data.join("pg_hba.conf"), hba);
        let mut conf = String::from(
            "\n# pledger test cluster (tests/pg/mod.rs)\n\
             listen_addresses = '127.0.0.1'\n\
             fsync = on\n\
             synchronous_commit = on\n\
             wal_level = replica\n\
             max_wal_senders = 10\n\
             max_replication_slots = 10\n\
             hot_standby = on\n\
             max_connections = 300\n\
             shared_buffers = 64MB\n\
             wal_keep_size = 256MB\n\
             log_min_messages = warning\n",
        );
        if standby {
            conf.push_str("synchronous_standby_names = '*'\n");
        }
        let path = p.data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&path).expect("read postgresql.conf");
        text.push_str(&conf);
        write_as_postgres(&path, &text);
    }

    fn start_primary(&mut self) {
        start_node(&self.bin, &mut self.primary).unwrap_or_else(|e| panic!("the primary did not start: {e}"));
    }

    fn add_standby(&mut self) {
        let node = Node::new(self.tmp.path(), "standby");
        // -R writes primary_conninfo and standby.signal; -X stream copies
        // the WAL written meanwhile; -c fast does not wait for a checkpoint.
        let out = self.as_postgres(
            &self.bin.join("pg_basebackup"),
            &[
                "-h".as_ref(),
                "127.0.0.1".as_ref(),
                "-p".as_ref(),
                self.primary.port.to_string().as_ref(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "-D".as_ref(),
                node.data.as_os_str(),
                "-R".as_ref(),
                "-X".as_ref(),
                "stream".as_ref(),
                "-c".as_ref(),
                "fast".as_ref(),
                "-d".as_ref(),
                "application_name=standby".as_ref(),
            ],
        );
        assert!(
            out.status.success(),
            "pg_basebackup failed: {}\n{}",
            output_text(&out),
            self.log_tail(&self.primary)
        );
        // Kept before starting, so that Drop stops it whatever happens.
        self.standby = Some(node);
        let node = self.standby.as_mut().unwrap();
        start_node(&self.bin, node).unwrap_or_else(|e| panic!("the standby did not start: {e}"));
        self.wait_sync();
    }

    /// Polls the primary until it lists the standby as synchronous.
    fn wait_sync(&self) {
        let deadline = Instant::now() + WAIT;
        loop {
            let state = try_psql(
                self.primary.port,
                "SELECT string_agg(sync_state, ',') FROM pg_stat_replication",
            );
            if matches!(&state, Ok(s) if s == "sync") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the standby never became synchronous (pg_stat_replication: {state:?})\nprimary:\n{}\nstandby:\n{}",
                self.log_tail(&self.primary),
                self.log_tail(self.standby())
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pg_ctl(&self, node: &Node, args: &[&str]) -> Output {
        pg_ctl(&self.bin, node, args)
    }

    fn as_postgres(&self, program: &Path, args: &[&std::ffi::OsStr]) -> Output {
        as_postgres(program, args)
    }

    fn log_tail(&self, node: &Node) -> String {
        node.log_tail()
    }
}

/// Starts `node` on a free port and waits until it accepts connections.
/// Another process may take the port between our probe and the server's
/// bind, so a bind failure retries on a fresh port.
fn start_node(bin: &Path, node: &mut Node) -> Result<(), String> {
    let mut last = String::new();
    for _ in 0..5 {
        node.port = free_port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&node.log)
            .expect("server log");
        let mut c = postgres_command(&bin.join("postgres"));
        c.arg("-D")
            .arg(&node.data)
            .arg("-p")
            .arg(node.port.to_string())
            .arg("-k")
            .arg(&node.sock)
            .stdout(log.try_clone().expect("log"))
            .stderr(log);
        // SAFETY: prctl is async-signal-safe; it runs in the forked child
        // after its uid change (which would clear the setting).
        unsafe {
            c.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = c.spawn().unwrap_or_else(|e| panic!("start postgres: {e} ({INSTALL})"));
        node.child = Some(child);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = node.child.as_mut().unwrap().try_wait().expect("wait postgres") {
                node.child = None;
                last = format!("postgres exited: {status}\n{}", node.log_tail());
                break;
            }
            match try_psql(node.port, "SELECT 1") {
                Ok(_) => return Ok(()),
                Err(e) if Instant::now() > deadline => {
                    return Err(format!("not ready after {WAIT:?}: {e}\n{}", node.log_tail()));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
        if !last.contains("could not bind") && !last.contains("already in use") {
            break;
        }
    }
    Err(last)
}

/// `pg_ctl stop -m immediate` (no shutdown checkpoint: a lost machine),
/// then reaps the postmaster; kills it if pg_ctl could not.
fn stop_node(bin: &Path, node: &mut Node) -> Result<(), String> {
    let Some(mut child) = node.child.take() else {
        return Ok(());
    };
    let out = pg_ctl(bin, node, &["stop", "-m", "immediate", "-w", "-t", "60"]);
    let r = if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "pg_ctl stop failed: {}\n{}",
            output_text(&out),
            node.log_tail()
        ))
    };
    if r.is_err() {
        let _ = child.kill();
    }
    let _ = child.wait();
    r
}

fn pg_ctl(bin: &Path, node: &Node, args: &[&str]) -> Output {
    let mut all: Vec<&std::ffi::OsStr> = vec!["-D".as_ref(), node.data.as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    as_postgres(&bin.join("pg_ctl"), &all)
}

/// A PostgreSQL program run as `postgres` when we are root (the server
/// refuses root), as ourselves otherwise.
fn postgres_command(program: &Path) -> Command {
    let mut c = Command::new(program);
    if is_root() {
        let (uid, gid) = postgres_ids();
        c.uid(uid).gid(gid);
    }
    // `postgres` may not be allowed into the test's directory, and our
    // environment's PG* settings must not redirect the tools.
    c.current_dir("/")
        .env_remove("PGDATA")
        .env_remove("PGHOST")
        .env_remove("PGPORT")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    c
}

fn as_postgres(program: &Path, args: &[&std::ffi::OsStr]) -> Output {
    postgres_command(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e} ({INSTALL})", program.display()))
}

impl Drop for PgCluster {
    /// Stops every server still running (immediate: nothing to keep);
    /// the TempDir then removes the files.
    fn drop(&mut self) {
        let _ = stop_node(&self.bin, &mut self.primary);
        if let Some(s) = self.standby.as_mut() {
            let _ = stop_node(&self.bin, s);
        }
    }
}

impl Node {
    fn new(root: &Path, name: &'static str) -> Node {
        let sock = root.join(format!("{name}-sock"));
        std::fs::create_dir(&sock).expect("socket directory");
        give_to_postgres(&sock);
        Node {
            name,
            data: root.join(name),
            sock,
            log: root.join(format!("{name}.log")),
            port: 0,
            child: None,
        }
    }

    /// The last lines of its log, for failure messages.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let from = lines.len().saturating_sub(40);
        format!(
            "--- {} log ({}) ---\n{}",
            self.name,
            self.log.display(),
            lines[from..].join("\n")
        )
    }
}

// ------------------------------------------------------------------ psql

/// `postgresql://postgres@127.0.0.1:PORT/postgres`.
pub fn port_url(port: u16) -> String {
    format!("postgresql://postgres@127.0.0.1:{port}/postgres")
}

/// A URL as given, or a bare port number as the loopback URL for it.
fn target_url(target: impl Display) -> String {
    let t = target.to_string();
    match t.parse::<u16>() {
        Ok(port) => port_url(port),
        Err(_) => t,
    }
}

/// The psql client: Debian's `/usr/bin/psql` (any version's wrapper),
/// else the server's own.
fn psql_bin() -> PathBuf {
    let debian = PathBuf::from("/usr/bin/psql");
    if debian.exists() {
        return debian;
    }
    let own = bin_dir().join("psql");
    assert!(own.exists(), "no psql found: {INSTALL}");
    own
}

/// Runs `sql` (one or more statements, fed on stdin so each runs in its
/// own transaction: ALTER SYSTEM refuses a transaction block) against a
/// URL or port; the whole output, whatever the exit status.
pub fn psql_output(target: impl Display, sql: &str) -> Output {
    let mut child = psql_command(target)
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run psql: {e} ({INSTALL})"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(sql.as_bytes())
        .expect("write SQL to psql");
    child.wait_with_output().expect("wait for psql")
}

/// `psql -X -A -t -q -v ON_ERROR_STOP=1 -d URL`, for a caller that adds
/// the SQL (`-c`, `-f`) and runs it as it needs (e.g. in the background).
pub fn psql_command(target: impl Display) -> Command {
    let mut c = Command::new(psql_bin());
    c.args([
        "-X",
        "-A",
        "-t",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        &target_url(target),
    ])
    .env("PGCONNECT_TIMEOUT", "10")
    .env_remove("PGHOST")
    .env_remove("PGPORT")
    .env_remove("PGOPTIONS")
    .env("LC_ALL", "C");
    c
}

/// As [`psql`], with the failure returned instead of panicking.
pub fn try_psql(target: impl Display, sql: &str) -> Result<String, String> {
    let out = psql_output(target, sql);
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        Err(output_text(&out))
    }
}

/// Runs `sql` against a URL or a port; its unaligned, tuples-only output
/// without the final newline. Panics with psql's stderr on failure.
#[track_caller]
pub fn psql(target: impl Display, sql: &str) -> String {
    let url = target_url(&target);
    try_psql(&target, sql).unwrap_or_else(|e| panic!("psql on {url} failed:\n{sql}\n{e}"))
}

// --------------------------------------------------------------- helpers

/// The PostgreSQL server binaries: `$PLEDGER_PG_BIN`, else the highest
/// `/usr/lib/postgresql/VERSION/bin` holding initdb.
pub fn bin_dir() -> PathBuf {
    if let Ok(p) = std::env::var("PLEDGER_PG_BIN") {
        let p = PathBuf::from(p);
        assert!(
            p.join("initdb").exists(),
            "$PLEDGER_PG_BIN names {}, which holds no initdb",
            p.display()
        );
        return p;
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!("the PostgreSQL tests need PostgreSQL's server programs (initdb, pg_ctl) in /usr/lib/postgresql/VERSION/bin and found none: {INSTALL}"),
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The `postgres` user's uid and gid.
fn postgres_ids() -> (u32, u32) {
    let name = std::ffi::CString::new("postgres").unwrap();
    // SAFETY: getpwnam with a valid C string; the result is read at once.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    assert!(!pw.is_null(), "no `postgres` user on this machine: {INSTALL}");
    // SAFETY: pw is non-null and points to libc's static passwd record.
    unsafe { ((*pw).pw_uid, (*pw).pw_gid) }
}

/// As root, hands a directory to `postgres` (the server runs as it).
fn give_to_postgres(path: &Path) {
    if is_root() {
        let (uid, gid) = postgres_ids();
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown to postgres");
    }
}

/// Writes a file the server will read, owned by `postgres` like the rest
/// of its data directory.
fn write_as_postgres(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    give_to_postgres(path);
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port")
        .port()
}

fn output_text(out: &Output) -> String {
    format!(
        "{}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
