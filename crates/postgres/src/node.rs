//! The loop every node runs beside its ledger.
//!
//! Each turn it reads the database's head, verifies and adopts any records
//! it has not seen (`Ledger::replicate`), and — when it may write and nobody
//! holds the ledger's advisory lock — takes the lock, catches up to the
//! head under it, clears rows an interrupted import of a former writer left
//! past the head, advertises its address and becomes the writer. Between
//! turns it waits for a notification of new rows (or `poll`). Every
//! `audit_every` it re-reads the whole log and compares it, byte for byte,
//! with the copy it verified: a row altered in the database after this node
//! read it is caught there. Anything that does not verify is fatal: the
//! loop calls `on_fatal` and stops, and the node must not serve again.

use crate::backend::PgBackend;
use crate::schema::names;
use crate::shared::{read_head, read_meta_since, read_records, WriterConn};
use crate::{connect, PgError};
use pledger_store::{Head, LogBackend, Replicator};
use postgres::fallible_iterator::FallibleIterator;
use postgres::Client;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub url: String,
    pub ledger: String,
    /// The address followers send clients to; `None` for a node that may
    /// not write (or does not serve HTTP).
    pub advertise: Option<String>,
    /// Contend for the writer's lock.
    pub may_write: bool,
    /// Longest wait for a notification before reading the head anyway.
    pub poll: Duration,
    /// How often the whole log is re-read and compared.
    pub audit_every: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Writer,
    Follower,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Follower => "follower",
        }
    }
}

/// What `/healthz` and `/metrics` report.
#[derive(Clone, Debug, Default)]
pub struct NodeStatus {
    /// Head length in the database when last read.
    pub db_len: u64,
    /// The writer's advertised address, as last read.
    pub writer: Option<String>,
    /// The last trouble reaching the database (cleared on success).
    pub trouble: Option<String>,
    /// Set once the database failed to verify; the node stops serving.
    pub failed: Option<String>,
}

pub struct Node {
    backend: Arc<PgBackend>,
    replicator: Replicator,
    status: Arc<RwLock<NodeStatus>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
    first_turn: FirstTurn,
}

impl Node {
    /// Starts the loop on its own thread (the database client is blocking).
    pub fn start(
        backend: Arc<PgBackend>,
        replicator: Replicator,
        config: NodeConfig,
        on_fatal: impl Fn(&str) + Send + 'static,
    ) -> std::io::Result<Node> {
        let status: Arc<RwLock<NodeStatus>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let first_turn: FirstTurn = Arc::default();
        let mut turn = Loop {
            backend: backend.clone(),
            replicator: replicator.clone(),
            config,
            status: status.clone(),
            listen: None,
            meta_seen: 0,
            last_audit: None,
            last_ping: None,
            first_turn: first_turn.clone(),
        };
        let stopping = stop.clone();
        let handle = std::thread::Builder::new()
            .name("pledger-node".into())
            .spawn(move || turn.run(&stopping, on_fatal))?;
        Ok(Node {
            backend,
            replicator,
            status,
            stop,
            handle: Some(handle),
            first_turn,
        })
    }

    /// Waits (at most `limit`) until the loop's first turn is over: the
    /// node has caught up with the database and tried for the lock.
    pub fn wait_first_turn(&self, limit: Duration) {
        let (lock, cv) = &*self.first_turn;
        if let Ok(done) = lock.lock() {
            let _ = cv.wait_timeout_while(done, limit, |d| !*d);
        }
    }

    pub fn role(&self) -> Role {
        if self.backend.is_writer() {
            Role::Writer
        } else {
            Role::Follower
        }
    }

    pub fn status(&self) -> NodeStatus {
        self.status.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Records the database holds that this node has not yet adopted.
    pub fn lag(&self) -> u64 {
        if self.role() == Role::Writer {
            return 0;
        }
        self.status().db_len.saturating_sub(self.replicator.len())
    }

    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.backend.resign();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Loop {
    backend: Arc<PgBackend>,
    replicator: Replicator,
    config: NodeConfig,
    status: Arc<RwLock<NodeStatus>>,
    listen: Option<Client>,
    meta_seen: i64,
    last_audit: Option<Instant>,
    last_ping: Option<Instant>,
    /// Flipped after the first turn (caught up, lock tried), for a server
    /// that should not answer before it knows its role.
    first_turn: FirstTurn,
}

type FirstTurn = Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>;

/// How often the writer checks its session when nothing fails.
const PING_EVERY: Duration = Duration::from_secs(2);

impl Loop {
    fn run(&mut self, stop: &AtomicBool, on_fatal: impl Fn(&str)) {
        while !stop.load(Ordering::Acquire) {
            let result = self.turn();
            {
                let (lock, cv) = &*self.first_turn;
                if let Ok(mut done) = lock.lock() {
                    *done = true;
                    cv.notify_all();
                }
            }
            match result {
                Ok(()) => self.note(|s| s.trouble = None),
                Err(PgError::Corrupt(why)) => {
                    let message =
                        format!("the ledger in PostgreSQL does not verify: {why}; this node stops serving it");
                    tracing::error!("{message}");
                    self.backend.resign();
                    self.note(|s| s.failed = Some(message.clone()));
                    on_fatal(&message);
                    return;
                }
                Err(e) => {
                    // The database is away (a failover, a restart): try
                    // again with a fresh connection, which the URL's host
                    // list and target_session_attrs point at the primary.
                    tracing::warn!("{e}");
                    self.note(|s| s.trouble = Some(e.to_string()));
                    self.listen = None;
                    sleep_unless(stop, self.config.poll.min(Duration::from_millis(500)));
                    continue;
                }
            }
            self.wait(stop);
        }
    }

    fn note(&self, f: impl FnOnce(&mut NodeStatus)) {
        if let Ok(mut s) = self.status.write() {
            f(&mut s);
        }
    }

    fn turn(&mut self) -> Result<(), PgError> {
        if self.listen.is_none() {
            let mut client = connect(&self.config.url)?;
            client.batch_execute(&format!("LISTEN {}", names(&self.config.ledger).channel))?;
            self.listen = Some(client);
        }
        // The writer's session is checked every few seconds, not on every
        // turn: a ping takes the connection the group commits need.
        let ping_due = self.last_ping.is_none_or(|t| t.elapsed() >= PING_EVERY);
        let writing = if self.backend.is_writer() && ping_due {
            self.last_ping = Some(Instant::now());
            self.backend.ping()
        } else {
            self.backend.is_writer()
        };
        let client = self
            .listen
            .as_mut()
            .ok_or_else(|| PgError::Sql("no connection".into()))?;
        // Checkpoints first, then the head: every checkpoint adopted is then
        // of a size this turn's catch-up reaches.
        if !writing {
            self.meta_seen = adopt_meta(client, &self.config.ledger, &self.backend, self.meta_seen)?;
        }
        let (head, writer) = read_head(client, &self.config.ledger)?;
        self.backend.set_known_writer(writer.clone());
        if let Ok(mut s) = self.status.write() {
            s.db_len = head.len;
            s.writer = writer;
        }
        if !writing {
            catch_up(client, &self.config.ledger, &self.replicator, head.len)?;
            if self.config.may_write {
                self.try_lead()?;
            }
        }
        let due = self.last_audit.is_none_or(|t| t.elapsed() >= self.config.audit_every);
        if due {
            let client = self
                .listen
                .as_mut()
                .ok_or_else(|| PgError::Sql("no connection".into()))?;
            audit(
                client,
                &self.config.ledger,
                self.backend.local().as_ref(),
                self.replicator.len(),
            )?;
            self.last_audit = Some(Instant::now());
        }
        Ok(())
    }

    /// Takes the writer's lock if it is free, then catches up under it.
    fn try_lead(&mut self) -> Result<(), PgError> {
        let address = self.config.advertise.clone();
        let led = lead(
            &self.config.url,
            &self.config.ledger,
            &self.backend,
            &self.replicator,
            self.meta_seen,
            address.as_deref(),
        )?;
        if let Some((meta_seen, head)) = led {
            self.meta_seen = meta_seen;
            self.note(|s| s.writer = address);
            tracing::info!(
                "this node writes the ledger {} now, from record {}",
                self.config.ledger,
                head.len
            );
        }
        Ok(())
    }

    fn wait(&mut self, stop: &AtomicBool) {
        let Some(client) = self.listen.as_mut() else {
            return;
        };
        let deadline = Instant::now() + self.config.poll;
        // Wake on the first notification (new rows), or every 200 ms to
        // notice a stop, until `poll` has passed. The writer's own commits
        // notify too: it drains them but has nothing to read.
        let writer = self.backend.is_writer();
        let mut broken = false;
        while !stop.load(Ordering::Acquire) && Instant::now() < deadline {
            let mut notes = client.notifications();
            let next = notes
                .timeout_iter(Duration::from_millis(200))
                .next()
                .map(|n| n.is_some());
            match next {
                Ok(true) if !writer => break,
                Ok(_) => {}
                Err(_) => {
                    broken = true;
                    break;
                }
            }
        }
        if broken {
            self.listen = None;
        }
    }
}

fn sleep_unless(stop: &AtomicBool, total: Duration) {
    let end = Instant::now() + total;
    while !stop.load(Ordering::Acquire) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads, verifies and adopts every record up to `head_len`.
pub fn catch_up(client: &mut Client, ledger: &str, replicator: &Replicator, head_len: u64) -> Result<(), PgError> {
    loop {
        let from = replicator.len();
        if from >= head_len {
            return Ok(());
        }
        let records = read_records(client, ledger, from, head_len)?;
        replicator.replicate(records).map_err(|e| match e {
            pledger_store::StoreError::Corrupt(m) => PgError::Corrupt(m),
            other => PgError::Ledger(other.to_string()),
        })?;
    }
}

/// Copies the checkpoints (and other small values) the writer shared.
fn adopt_meta(client: &mut Client, ledger: &str, backend: &PgBackend, seen: i64) -> Result<i64, PgError> {
    let mut last = seen;
    for (key, value, added) in read_meta_since(client, ledger, seen)? {
        backend
            .local()
            .put_meta(&key, &value)
            .map_err(|e| PgError::Ledger(e.to_string()))?;
        last = last.max(added);
    }
    Ok(last)
}

/// Takes the writer's lock if it is free (`None` when another session
/// holds it). Under it nobody else can move the head: reach it, clear what
/// a writer that died mid-import left past it, advertise `address` (when
/// given) and make `backend` the writer. Returns the checkpoints' counter
/// and the head it writes from.
fn lead(
    url: &str,
    ledger: &str,
    backend: &PgBackend,
    replicator: &Replicator,
    meta_seen: i64,
    address: Option<&str>,
) -> Result<Option<(i64, Head)>, PgError> {
    let Some(mut conn) = WriterConn::try_lock(connect(url)?, ledger)? else {
        return Ok(None);
    };
    let meta_seen = adopt_meta(conn.client(), ledger, backend, meta_seen)?;
    let (head, _) = read_head(conn.client(), ledger)?;
    catch_up(conn.client(), ledger, replicator, head.len)?;
    let ours = replicator.head();
    if ours != head {
        return Err(PgError::Corrupt(format!(
            "after catching up this node's head is {} records, the database's {}",
            ours.len, head.len
        )));
    }
    conn.discard_from(head.len)?;
    if let Some(address) = address {
        conn.advertise(address)?;
        backend.set_known_writer(Some(address.to_string()));
    }
    backend.become_writer(conn, head.len);
    Ok(Some((meta_seen, head)))
}

/// Compares every record of the database up to `len` with the local copy.
pub fn audit(client: &mut Client, ledger: &str, local: &dyn LogBackend, len: u64) -> Result<(), PgError> {
    let mut from = 0;
    while from < len {
        let records = read_records(client, ledger, from, len)?;
        let mine = local.scan(from, from + records.len() as u64);
        for (theirs, mine) in records.iter().zip(mine) {
            let mine = mine.map_err(|e| PgError::Ledger(e.to_string()))?;
            if mine.seq != theirs.seq || mine.bytes != theirs.bytes {
                return Err(PgError::Corrupt(format!(
                    "record {} in the database differs from the copy this node verified when it was written (it was changed in the database)",
                    theirs.seq
                )));
            }
        }
        from += records.len() as u64;
    }
    Ok(())
}

/// Checks the database's ledger against a data directory's origin and
/// verifier key (a node must sign with the ledger's key); a ledger still
/// empty takes the directory's, so an import can give it the bundle's
/// origin. With `create`, a missing ledger (and the tables) is created.
pub fn attach(
    client: &mut Client,
    name: &str,
    origin: &str,
    verifier_key: &str,
    create: bool,
) -> Result<crate::LedgerRow, PgError> {
    if create {
        crate::schema::create_ledger(client, name, origin, verifier_key)?;
    }
    let row = crate::schema::load(client, name)?;
    if row.origin == origin && row.verifier_key == verifier_key {
        return Ok(row);
    }
    let empty = row.head.len == 0
        && client
            .query_one("SELECT count(*) FROM pledger_meta WHERE ledger = $1", &[&name])?
            .get::<_, i64>(0)
            == 0;
    if !empty {
        return Err(PgError::Ledger(format!(
            "the ledger {name:?} in the database has origin {:?} and key {:?}, this data directory {origin:?} and {verifier_key:?}: start every node with a copy of the data directory `pledger init --postgres` made for it",
            row.origin, row.verifier_key
        )));
    }
    client.execute(
        "UPDATE pledger_ledgers SET origin = $2, verifier_key = $3 WHERE name = $1 AND head_len = 0",
        &[&name, &origin, &verifier_key],
    )?;
    crate::schema::load(client, name)
}

/// For a one-off command: reads and verifies the whole log from the
/// database into `local` (through a ledger, so every record is checked),
/// then takes the writer's lock if it is free, so the command may append.
/// When another node writes, the backend refuses writes naming it.
pub fn open_once(
    url: &str,
    name: &str,
    origin: &str,
    verifier_key: &str,
    create: bool,
    local: Arc<dyn LogBackend>,
) -> Result<Arc<PgBackend>, PgError> {
    let mut client = connect(url)?;
    let row = attach(&mut client, name, origin, verifier_key, create)?;
    let backend = Arc::new(PgBackend::new(local));
    let ledger = pledger_store::Ledger::open(backend.clone()).map_err(|e| PgError::Ledger(e.to_string()))?;
    let replicator = ledger.replicator();
    let result = (|| {
        let meta_seen = adopt_meta(&mut client, name, &backend, 0)?;
        catch_up(&mut client, name, &replicator, row.head.len)?;
        backend.set_known_writer(row.writer.clone());
        // A command does not advertise itself: it serves no HTTP.
        lead(url, name, &backend, &replicator, meta_seen, None).map(drop)
    })();
    ledger.close();
    result.map(|()| backend)
}
