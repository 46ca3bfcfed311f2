//! pledger on PostgreSQL (issue 18, docs/format.md section 7) against a
//! real cluster from tests/pg/mod.rs: a primary and a synchronous standby,
//! three `pledger serve` nodes, many clients; the writer node killed, then
//! the primary lost and the standby promoted, with nothing acknowledged
//! lost. Also: a row altered in the database stops every node; a ledger
//! moves between sled and PostgreSQL unchanged; ledgers sharing a database
//! stay apart.
//!
//! Needs Debian's PostgreSQL (`apt-get install -y postgresql`); without it
//! these tests fail, they are not skipped.

mod common;
mod pg;
#[path = "common/server.rs"]
mod server;

use common::{base_events, check_chain, cmd, disbursement, ndjson, parse_json_lines, run_cmd, Ledger, Out, CITY};
use pg::{psql, PgCluster};
use serde_json::{json, Value};
use server::{Reply, Server};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A ledger in the database: its URL and name.
#[derive(Clone)]
struct Shared {
    url: String,
    ledger: String,
}

impl Shared {
    fn new(url: String, ledger: &str) -> Shared {
        Shared {
            url,
            ledger: ledger.to_string(),
        }
    }

    /// `pledger --data DATA --postgres URL --ledger NAME ARGS...`.
    fn cmd(&self, data: &Path, args: &[&str]) -> std::process::Command {
        let mut c = cmd();
        c.env_remove("PLEDGER_POSTGRES")
            .env_remove("PLEDGER_LEDGER")
            .arg("--data")
            .arg(data)
            .args(["--postgres", &self.url, "--ledger", &self.ledger])
            .args(args);
        c
    }

    fn run(&self, data: &Path, args: &[&str]) -> Out {
        run_cmd(self.cmd(data, args), None)
    }

    fn run_stdin(&self, data: &Path, args: &[&str], stdin: &str) -> Out {
        run_cmd(self.cmd(data, args), Some(stdin.as_bytes()))
    }

    /// `log --format json`, checked: seqs contiguous from 0, every hash
    /// recomputed, every link (common::check_chain).
    fn records(&self, data: &Path) -> Vec<Value> {
        let out = self.run(data, &["log", "--format", "json"]);
        out.expect(0);
        let recs = parse_json_lines(&out.stdout);
        check_chain(&recs, 0, None);
        recs
    }

    /// `pledger serve` on this ledger, auditing the database every second.
    fn serve(&self, data: &Path) -> Server {
        let mut c = self.cmd(
            data,
            &[
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--public-reads",
                "--audit-every",
                "1",
                "--checkpoint-every",
                "1",
            ],
        );
        c.env(
            "PLEDGER_LOG",
            std::env::var("PLEDGER_TEST_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
        );
        Server::spawn(c)
    }

    /// The database's own head of this ledger: (length, hash hex).
    fn db_head(&self) -> (u64, String) {
        let row = psql(
            &self.url,
            &format!(
                "SELECT head_len, encode(head_hash, 'hex') FROM pledger_ledgers WHERE name = '{}'",
                self.ledger
            ),
        );
        let (len, hash) = row.split_once('|').unwrap_or_else(|| panic!("no ledger row: {row:?}"));
        (len.parse().unwrap(), hash.to_string())
    }

    /// Every record as packed in `pledger_rows`: (seq, stored hash hex,
    /// JCS body), read through the documented layout (a 4-byte big-endian
    /// length, then the stored bytes: the 32-byte hash and the body).
    fn packed(&self) -> Vec<(u64, String, String)> {
        let rows = psql(
            &self.url,
            &format!(
                "SELECT first_seq, count, encode(data, 'hex') FROM pledger_rows WHERE ledger = '{}' ORDER BY first_seq",
                self.ledger
            ),
        );
        let mut out = Vec::new();
        for line in rows.lines() {
            let mut f = line.split('|');
            let first: u64 = f.next().unwrap().parse().unwrap();
            let count: usize = f.next().unwrap().parse().unwrap();
            let data = hex::decode(f.next().unwrap()).unwrap();
            assert_eq!(first, out.len() as u64, "rows do not follow each other at {first}");
            let mut at = 0;
            for i in 0..count {
                let len = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
                let stored = &data[at + 4..at + 4 + len];
                out.push((
                    first + i as u64,
                    hex::encode(&stored[..32]),
                    String::from_utf8(stored[32..].to_vec()).expect("a UTF-8 body"),
                ));
                at += 4 + len;
            }
            assert_eq!(at, data.len(), "row {first} holds bytes past its {count} records");
        }
        out
    }
}

/// Initialises a ledger in the database with `dir` as its first node's
/// data directory.
fn init(sh: &Shared, dir: &Path) {
    sh.run(dir, &["init"]).expect(0);
}

/// `cp -r`: another node of the same ledger (same key and tokens).
fn copy_dir(from: &Path, to: &Path) {
    let out = std::process::Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .output()
        .expect("cp");
    assert!(out.status.success(), "cp -r: {}", String::from_utf8_lossy(&out.stderr));
}

/// `token add`, through the shared ledger.
fn token(sh: &Shared, data: &Path, entity: &str, role: &str) -> String {
    let out = sh.run(data, &["token", "add", entity, "--role", role]);
    out.expect(0);
    out.stdout.lines().last().expect("a token line").trim().to_string()
}

fn http() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(20)).build()
}

/// An HTTP answer, or the transport error (a killed node, a refused
/// connection) as text: the clients here expect those.
fn try_request(r: Result<ureq::Response, ureq::Error>) -> Result<Reply, String> {
    match r {
        Ok(resp) => Ok(Reply {
            status: resp.status(),
            body: resp.into_string().map_err(|e| e.to_string())?,
        }),
        Err(ureq::Error::Status(status, resp)) => Ok(Reply {
            status,
            body: resp.into_string().map_err(|e| e.to_string())?,
        }),
        Err(e) => Err(e.to_string()),
    }
}

fn try_get(a: &ureq::Agent, url: &str) -> Result<Reply, String> {
    try_request(a.get(url).call())
}

fn try_post(a: &ureq::Agent, url: &str, tok: &str, body: &str) -> Result<Reply, String> {
    try_request(
        a.post(url)
            .set("Content-Type", "application/json")
            .set("Authorization", &format!("Bearer {tok}"))
            .send_string(body),
    )
}

fn healthz(a: &ureq::Agent, base: &str) -> Option<Value> {
    match try_get(a, &format!("{base}/healthz")) {
        Ok(r) if r.status == 200 => Some(r.json()),
        _ => None,
    }
}

/// The node that says it writes, asking the live nodes in turn.
fn find_writer(a: &ureq::Agent, bases: &[String]) -> Option<String> {
    bases
        .iter()
        .find(|b| healthz(a, b).is_some_and(|h| h["role"] == "writer"))
        .cloned()
}

/// Polls `f` until it returns Some, or panics with `what` after `limit`.
#[track_caller]
fn wait_for<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "{what}: not after {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Sets the flag when dropped: the clients stop even when the test
/// panics, so the scope joining them does not hang.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// An acknowledged append: the event's id and the receipt's hash.
type Receipts = Mutex<BTreeMap<u64, (String, String)>>;

/// One client: appends its own events one at a time until `stop`, each
/// retried (same id, so a retry of a recorded event gets its receipt back)
/// at the writer the nodes name, through 503s and dead connections.
fn client(c: usize, tok: &str, nodes: &Mutex<Vec<String>>, receipts: &Receipts, stop: &AtomicBool) {
    let a = http();
    let org = format!("org-{c}");
    let mut writer: Option<String> = None;
    let mut i = 0;
    while !stop.load(Ordering::Acquire) {
        let id = format!("{org}-e{i}");
        let event = json!({"type": "fund.disbursed", "id": id, "actor": org, "occurred_at": "2026-02-01",
            "data": {"disbursement_id": format!("{org}-d{i}"), "from_account": format!("{org}-src"),
                     "to_account": format!("{org}-pay"), "amount": format!("{}.{:02}", i + 1, c),
                     "purpose": "load"}})
        .to_string();
        // Long enough for an election and a database failover.
        let deadline = Instant::now() + Duration::from_secs(180);
        let mut last = String::new();
        loop {
            assert!(
                Instant::now() < deadline,
                "client {c}: event {id} was not accepted by any writer in 180 s; last answer: {last}"
            );
            let Some(base) = writer.clone() else {
                let bases = nodes.lock().unwrap().clone();
                writer = find_writer(&a, &bases);
                if writer.is_none() {
                    std::thread::sleep(Duration::from_millis(100));
                }
                continue;
            };
            match try_post(&a, &format!("{base}/v1/events"), tok, &event) {
                Ok(r) if r.status == 201 || r.status == 200 => {
                    let rc = &r.json()["receipts"][0];
                    let seq = rc["seq"].as_u64().expect("a receipt's seq");
                    let hash = rc["hash"].as_str().expect("a receipt's hash").to_string();
                    let mut all = receipts.lock().unwrap();
                    if let Some((other, h)) = all.get(&seq) {
                        // The same event again (a retry) must get the same receipt.
                        assert!(
                            other == &id && h == &hash,
                            "seq {seq} acknowledged twice: to {other} ({h}) and to {id} ({hash})"
                        );
                    }
                    all.insert(seq, (id.clone(), hash));
                    break;
                }
                Ok(r) if r.status == 503 => {
                    // not_writer names the writer (null during an election);
                    // any other 503 (a database away) is retried alike.
                    let named = r.json()["error"]["writer"].as_str().map(str::to_string);
                    last = r.body;
                    if named.as_deref() == Some(base.as_str()) || named.is_none() {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    writer = named;
                }
                Ok(r) => {
                    assert!(
                        r.status >= 500,
                        "client {c}: event {id} refused: {} {}",
                        r.status,
                        r.body
                    );
                    last = format!("{} {}", r.status, r.body);
                    writer = None;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => {
                    last = e;
                    writer = None;
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
        i += 1;
    }
}

/// Issue 18 item 4: three nodes under load from many clients; the writer
/// node is killed, then the primary is lost and the standby promoted; the
/// clients carry on. Afterwards every acknowledged receipt is in the log
/// with its hash, the log has no gap and verifies, and every node holds
/// the same head, checkpoint and views.
#[test]
fn failover_of_the_writer_node_and_of_the_database_loses_no_acknowledged_append() {
    const CLIENTS: usize = 8;
    const NODES: usize = 3;
    let mut pg = PgCluster::with_sync_standby();
    let sh = Shared::new(pg.url(), "changde");
    let tmp = tempfile::tempdir().unwrap();
    let dirs: Vec<PathBuf> = (0..NODES).map(|n| tmp.path().join(format!("node{n}"))).collect();
    init(&sh, &dirs[0]);
    // Each client is its own organisation with its own accounts.
    let setup = common::client_orgs(CLIENTS);
    sh.run_stdin(&dirs[0], &["append", "-"], &ndjson(&setup)).expect(0);
    let tokens: Vec<String> = (0..CLIENTS)
        .map(|c| token(&sh, &dirs[0], &format!("org-{c}"), "recorder"))
        .collect();
    for d in &dirs[1..] {
        copy_dir(&dirs[0], d);
    }
    let mut servers: Vec<Option<Server>> = dirs.iter().map(|d| Some(sh.serve(d))).collect();
    let bases: Vec<String> = servers.iter().map(|s| s.as_ref().unwrap().base.clone()).collect();
    let a = http();
    // One writer, and every node names it.
    let first_writer = wait_for(
        Duration::from_secs(60),
        "a writer elected and named by every node",
        || {
            let w = find_writer(&a, &bases)?;
            bases
                .iter()
                .all(|b| healthz(&a, b).is_some_and(|h| h["writer"] == w.as_str() && h["backend"] == "postgres"))
                .then_some(w)
        },
    );
    for b in &bases {
        let h = healthz(&a, b).unwrap();
        let role = if *b == first_writer { "writer" } else { "follower" };
        assert_eq!(h["role"], role, "{b}: {h}");
    }
    // A follower sends appends to the writer.
    let follower = bases.iter().find(|b| **b != first_writer).unwrap();
    let r = try_post(
        &a,
        &format!("{follower}/v1/events"),
        &tokens[0],
        &disbursement("x", "1.00", "x").to_string(),
    )
    .unwrap();
    assert_eq!((r.status, r.code().as_str()), (503, "not_writer"), "{}", r.body);
    assert_eq!(r.json()["error"]["writer"], first_writer.as_str(), "{}", r.body);

    let live = Mutex::new(bases.clone());
    let receipts: Receipts = Mutex::new(BTreeMap::new());
    let stop = AtomicBool::new(false);
    let count = || receipts.lock().unwrap().len();
    let mut second_writer = String::new();
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        for (c, tok) in tokens.iter().enumerate() {
            let (live, receipts, stop) = (&live, &receipts, &stop);
            scope.spawn(move || client(c, tok, live, receipts, stop));
        }
        let progress = |from: usize, what: &str| {
            wait_for(Duration::from_secs(120), what, || (count() >= from + 200).then_some(()));
        };
        progress(0, "appends under load");

        // Kill -9 the writer node mid-load.
        let w = bases.iter().position(|b| *b == first_writer).unwrap();
        live.lock().unwrap().retain(|b| *b != first_writer);
        let mut killed = servers[w].take().unwrap();
        killed.child.kill().unwrap();
        killed.child.wait().unwrap();
        let at_kill = count();
        progress(at_kill, "appends after the writer node was killed");
        let rest: Vec<String> = live.lock().unwrap().clone();
        second_writer = find_writer(&a, &rest).expect("a new writer");
        assert_ne!(second_writer, first_writer);

        // Then lose the primary; promote the standby; relax its sync
        // setting (no standby is left: see tests/pg_harness.rs).
        pg.stop_primary_immediate();
        pg.promote_standby();
        pg.relax_sync_on_promoted();
        let at_failover = count();
        progress(at_failover, "appends after the database failover");
    });
    let receipts = receipts.into_inner().unwrap();
    eprintln!("{} acknowledged appends", receipts.len());
    let mut live: Vec<String> = live.into_inner().unwrap();
    assert_eq!(live.len(), NODES - 1);
    // The killed node comes back on its old directory (its local copy is
    // stale) and catches up from the database like the others.
    let w = bases.iter().position(|b| *b == first_writer).unwrap();
    let back = sh.serve(&dirs[w]);
    live.push(back.base.clone());
    servers[w] = Some(back);

    // The database's head, and every live node at it with no lag.
    let (db_len, db_hash) = sh.db_head();
    let heads = wait_for(
        Duration::from_secs(60),
        "every live node at the database's head",
        || {
            let hs: Vec<Value> = live.iter().map(|b| healthz(&a, b)).collect::<Option<_>>()?;
            hs.iter()
                .all(|h| h["head"]["size"] == db_len && h["head"]["hash"] == db_hash.as_str() && h["lag"] == 0)
                .then_some(hs)
        },
    );
    assert_eq!(heads.iter().filter(|h| h["role"] == "writer").count(), 1, "{heads:?}");

    // The log: contiguous from 0, every hash recomputed and linked, and
    // every acknowledged receipt in it with its hash.
    let records = sh.records(&dirs[0]);
    assert_eq!(records.len() as u64, db_len, "the log and the database's head differ");
    assert_eq!(records.last().unwrap()["hash"], db_hash.as_str());
    for (seq, (id, hash)) in &receipts {
        let r = records
            .get(*seq as usize)
            .unwrap_or_else(|| panic!("acknowledged seq {seq} ({id}) is past the log's end"));
        assert_eq!(r["hash"], hash.as_str(), "the receipt of seq {seq} ({id})");
        assert_eq!(r["event"]["id"], id.as_str(), "seq {seq} holds another event");
    }
    // No event twice (the retries were answered with the first receipt).
    let mut ids: Vec<&str> = records.iter().filter_map(|r| r["event"]["id"].as_str()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "an event was recorded twice");
    // The packed rows hold exactly these records.
    let packed = sh.packed();
    assert_eq!(packed.len(), records.len());
    for ((seq, hash, body), r) in packed.iter().zip(&records) {
        assert_eq!(r["hash"], hash.as_str(), "packed record {seq}");
        assert_eq!(*body, common::record_body(r), "packed record {seq}");
    }

    // `verify` against the database passes with every node's directory.
    for d in &dirs {
        sh.run(d, &["verify"]).expect(0);
    }
    // Every live node serves the same checkpoint (of the whole log, as the
    // writer signs each second) and the same views.
    let same = |path: &str, whole: bool| {
        wait_for(Duration::from_secs(60), &format!("{path} equal on every node"), || {
            let got: Vec<Value> = live
                .iter()
                .map(|b| {
                    try_get(&a, &format!("{b}{path}"))
                        .ok()
                        .filter(|r| r.status == 200)
                        .map(|r| r.json())
                })
                .collect::<Option<_>>()?;
            let full = !whole || got[0]["size"] == db_len;
            (full && got.iter().all(|g| *g == got[0])).then(|| got[0].clone())
        })
    };
    let cp = same("/v1/checkpoint", true);
    assert!(cp["text"].as_str().unwrap().contains(&format!("\n{db_len}\n")), "{cp}");
    let funds = same("/v1/funds/accounts", false);
    assert!(funds.to_string().contains("org-7-pay"), "{funds}");

    for s in servers.iter_mut().filter_map(Option::take) {
        let (code, log) = s.stop();
        assert_eq!(code, Some(0), "{log}");
        assert!(!log.contains("panicked"), "{log}");
    }
    eprintln!("first writer {first_writer}, then {second_writer}; {db_len} records");
}

/// A byte changed by hand inside a stored record: every node finds it at
/// its next audit and stops, naming the record; `verify` fails.
#[test]
fn a_row_altered_in_the_database_stops_every_node_and_fails_verify() {
    let pg = PgCluster::primary_only();
    let sh = Shared::new(pg.url(), "altered");
    let tmp = tempfile::tempdir().unwrap();
    let dirs: Vec<PathBuf> = (0..3).map(|n| tmp.path().join(format!("node{n}"))).collect();
    init(&sh, &dirs[0]);
    let mut events = base_events();
    events.extend((0..20).map(|i| disbursement(&i.to_string(), "10.00", "roads")));
    sh.run_stdin(&dirs[0], &["append", "-"], &ndjson(&events)).expect(0);
    for d in &dirs[1..] {
        copy_dir(&dirs[0], d);
    }
    let mut servers: Vec<Server> = dirs.iter().map(|d| sh.serve(d)).collect();
    let a = http();
    wait_for(Duration::from_secs(60), "every node caught up", || {
        servers
            .iter()
            .all(|s| healthz(&a, &s.base).is_some_and(|h| h["records"] == 23))
            .then_some(())
    });

    // Byte 100 of the first row: which record's body it falls in.
    let data = hex::decode(psql(
        &sh.url,
        "SELECT encode(data, 'hex') FROM pledger_rows WHERE ledger = 'altered' AND first_seq = 0",
    ))
    .unwrap();
    let (mut at, mut seq) = (0usize, 0u64);
    loop {
        let len = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        if 100 < at + 4 + len {
            assert!(100 >= at + 4 + 32, "byte 100 is not inside a record's body");
            break;
        }
        at += 4 + len;
        seq += 1;
    }
    psql(
        &sh.url,
        "UPDATE pledger_rows SET data = set_byte(data, 100, get_byte(data, 100) # 1) WHERE ledger = 'altered' AND first_seq = 0",
    );

    for (n, s) in servers.iter_mut().enumerate() {
        let (code, log) = s
            .wait_exit(Duration::from_secs(60))
            .unwrap_or_else(|| panic!("node {n} still runs on an altered database"));
        assert!(code.is_some_and(|c| c != 0), "node {n} exited {code:?}: {log}");
        assert!(
            log.contains(&format!("record {seq}")),
            "node {n} does not name record {seq}: {log}"
        );
        assert!(log.contains("does not verify"), "node {n}: {log}");
    }
    let v = sh.run(&dirs[0], &["verify"]);
    assert!(v.code.is_some_and(|c| c != 0), "verify passed an altered row: {v:?}");
    assert!(
        v.stderr.contains(&format!("record {seq}")),
        "verify does not name record {seq}: {v:?}"
    );
    assert!(!v.stderr.contains("panicked"), "{v:?}");
}

/// docs/format.md section 7: export from sled, import into PostgreSQL,
/// export again and import back into sled: the same records, byte for
/// byte, and the same head.
#[test]
fn a_ledger_moves_from_sled_to_postgres_and_back_unchanged() {
    let pg = PgCluster::primary_only();
    let sh = Shared::new(pg.url(), "moved");
    let sled = Ledger::founded();
    let events: Vec<Value> = (0..40)
        .map(|i| disbursement(&i.to_string(), &format!("{i}.50"), "bridges"))
        .collect();
    sled.append_str(&ndjson(&events)).expect(0);
    sled.run(&["checkpoint"]).expect(0);
    let original = sled.log_json_text();
    let n = sled.records().len();
    let head = sled.records().last().unwrap()["hash"].as_str().unwrap().to_string();

    let tmp = tempfile::tempdir().unwrap();
    let from_sled = tmp.path().join("from-sled.bundle");
    sled.run(&["export", "--out", from_sled.to_str().unwrap()]).expect(0);
    let pg_dir = tmp.path().join("pg-node");
    let imported = sh.run(
        &pg_dir,
        &["--format", "json", "import-bundle", from_sled.to_str().unwrap()],
    );
    imported.expect(0);
    let imported: Value = serde_json::from_str(&imported.stdout).unwrap();
    assert_eq!(imported["records"], n as u64);
    assert_eq!(imported["head_hash"], head.as_str());
    // In the database: the same head and the same records.
    assert_eq!(sh.db_head(), (n as u64, head.clone()));
    let log = sh.run(&pg_dir, &["log", "--format", "json"]);
    assert_eq!(
        log.expect(0).stdout,
        original,
        "the records changed on the way into PostgreSQL"
    );
    sh.run(&pg_dir, &["verify"]).expect(0);

    let from_pg = tmp.path().join("from-pg.bundle");
    sh.run(&pg_dir, &["export", "--out", from_pg.to_str().unwrap()])
        .expect(0);
    let back = tmp.path().join("back-on-sled");
    let mut c = cmd();
    c.arg("--data")
        .arg(&back)
        .args(["--format", "json", "import-bundle", from_pg.to_str().unwrap()]);
    let out = run_cmd(c, None);
    out.expect(0);
    let again: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(again["head_hash"], head.as_str());
    let mut c = cmd();
    c.arg("--data").arg(&back).args(["log", "--format", "json"]);
    let out = run_cmd(c, None);
    assert_eq!(
        out.expect(0).stdout,
        original,
        "the records changed on the way back to sled"
    );
}

/// One database, two cities: each ledger its own key, records, head and
/// writer; neither sees the other's appends.
#[test]
fn two_ledgers_in_one_database_stay_independent() {
    let pg = PgCluster::primary_only();
    let tmp = tempfile::tempdir().unwrap();
    let a_sh = Shared::new(pg.url(), "city-a");
    let b_sh = Shared::new(pg.url(), "city-b");
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    init(&a_sh, &a_dir);
    init(&b_sh, &b_dir);
    // A name is taken once.
    let again = a_sh.run(&tmp.path().join("a2"), &["init"]);
    assert_ne!(again.code, Some(0), "a second `init` of city-a succeeded: {again:?}");
    assert!(
        !tmp.path().join("a2").exists(),
        "the refused init left its directory behind"
    );

    a_sh.run_stdin(&a_dir, &["append", "-"], &ndjson(&base_events()))
        .expect(0);
    b_sh.run_stdin(&b_dir, &["append", "-"], &ndjson(&base_events()))
        .expect(0);
    let a_events: Vec<Value> = (0..5).map(|i| disbursement(&format!("a{i}"), "1.00", "a")).collect();
    let b_events: Vec<Value> = (0..8).map(|i| disbursement(&format!("b{i}"), "2.00", "b")).collect();
    a_sh.run_stdin(&a_dir, &["append", "-"], &ndjson(&a_events)).expect(0);
    b_sh.run_stdin(&b_dir, &["append", "-"], &ndjson(&b_events)).expect(0);

    // A node of one city cannot open the other's ledger (another key).
    let wrong = b_sh.run(&a_dir, &["verify"]);
    assert_ne!(wrong.code, Some(0), "city-a's directory opened city-b: {wrong:?}");

    // Over HTTP too: an append to city-a's node leaves city-b alone.
    let tok = token(&a_sh, &a_dir, CITY, "recorder");
    let a_node = a_sh.serve(&a_dir);
    let b_node = b_sh.serve(&b_dir);
    let http = http();
    wait_for(Duration::from_secs(60), "both nodes writing their ledger", || {
        let (ha, hb) = (healthz(&http, &a_node.base)?, healthz(&http, &b_node.base)?);
        (ha["role"] == "writer" && hb["role"] == "writer").then_some(())
    });
    let r = try_post(
        &http,
        &format!("{}/v1/events", a_node.base),
        &tok,
        &disbursement("a-http", "3.00", "a").to_string(),
    )
    .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    let (code, log) = a_node.stop();
    assert_eq!(code, Some(0), "{log}");
    let (code, log) = b_node.stop();
    assert_eq!(code, Some(0), "{log}");

    let a_recs = a_sh.records(&a_dir);
    let b_recs = b_sh.records(&b_dir);
    assert_eq!((a_recs.len(), b_recs.len()), (9, 11));
    assert!(a_recs
        .iter()
        .all(|r| !r["event"]["id"].as_str().unwrap_or("").starts_with("d-b")));
    assert!(b_recs
        .iter()
        .all(|r| !r["event"]["id"].as_str().unwrap_or("").starts_with("d-a")));
    assert_ne!(a_recs.last().unwrap()["hash"], b_recs.last().unwrap()["hash"]);
    assert_eq!(
        a_sh.db_head(),
        (9, a_recs.last().unwrap()["hash"].as_str().unwrap().into())
    );
    assert_eq!(
        b_sh.db_head(),
        (11, b_recs.last().unwrap()["hash"].as_str().unwrap().into())
    );
    for (sh, recs) in [(&a_sh, &a_recs), (&b_sh, &b_recs)] {
        let packed = sh.packed();
        assert_eq!(packed.len(), recs.len());
        for ((seq, hash, body), r) in packed.iter().zip(recs) {
            assert_eq!(r["hash"], hash.as_str(), "{} record {seq}", sh.ledger);
            assert_eq!(*body, common::record_body(r), "{} record {seq}", sh.ledger);
        }
    }
    a_sh.run(&a_dir, &["verify"]).expect(0);
    b_sh.run(&b_dir, &["verify"]).expect(0);
    let names = psql(
        pg.url(),
        "SELECT string_agg(name, ',' ORDER BY name) FROM pledger_ledgers",
    );
    assert_eq!(names, "city-a,city-b");
    let keys = psql(pg.url(), "SELECT count(DISTINCT verifier_key) FROM pledger_ledgers");
    assert_eq!(keys, "2", "the two cities share a key");
}
