//! What every request shares.

use crate::auth::Tokens;
use crate::cosigning::Cosigning;
use crate::live::LiveViews;
use crate::metrics::Metrics;
use pledger_core::checkpoint::VerifierKey;
use pledger_core::when::Day;
use pledger_postgres::{Node, NodeConfig, NodeStatus, PgBackend, Role};
use pledger_store::keys::DataDir;
use pledger_store::{checkpoints, Ledger, LogBackend, SledBackend, StoreError};
use pledger_views::calendar::Calendar;
use pledger_views::{CacheSource, Scope};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How `pledger serve` was asked to run.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    /// Read routes answer without a token.
    pub public_reads: bool,
    /// Sign a checkpoint at most this often, when the log has grown.
    pub checkpoint_every: Option<Duration>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is cut off (slow clients).
    pub request_timeout: Duration,
    /// Working days for `within_working_days` deadlines.
    pub calendar: Calendar,
    /// The date statuses are judged at when no `as_of` is given; `None`
    /// means the UTC calendar date of each request.
    pub today: Option<Day>,
    /// Rewrite the views snapshot once the live views are this many records
    /// past it (and at shutdown); 0: only at shutdown.
    pub snapshot_every: u64,
    /// Witnesses asked to cosign each new checkpoint (docs/format.md section 6).
    pub witnesses: Vec<crate::cosigning::WitnessTarget>,
    /// The ledger lives in PostgreSQL (docs/format.md section 7).
    pub shared: Option<SharedConfig>,
}

/// A ledger in PostgreSQL served by this node among others.
#[derive(Clone, Debug)]
pub struct SharedConfig {
    pub url: String,
    pub ledger: String,
    /// This node's address, named to clients when it writes.
    pub advertise: Option<String>,
    /// How often the whole log is re-read from the database and compared.
    pub audit_every: Duration,
}

impl ServerConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> ServerConfig {
        ServerConfig {
            data_dir: data_dir.into(),
            public_reads: false,
            checkpoint_every: Some(Duration::from_secs(60)),
            max_body_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            calendar: Calendar::weekdays(),
            today: None,
            snapshot_every: pledger_views::load::REFRESH_TAIL,
            witnesses: Vec::new(),
            shared: None,
        }
    }
}

/// Cheap to clone: one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    config: ServerConfig,
    ledger: Ledger,
    origin: String,
    signing_key: ed25519_dalek::SigningKey,
    verifier: VerifierKey,
    tokens: Tokens,
    live: LiveViews,
    metrics: Metrics,
    /// The committed length, for streams waiting for new records.
    committed: watch::Sender<u64>,
    /// Flipped once, when the server starts shutting down.
    stopping: watch::Sender<bool>,
    /// Size of the newest checkpoint signed or found.
    checkpoint_size: AtomicU64,
    /// Records covered by the views snapshot on disk (0: none known).
    snapshot_len: AtomicU64,
    /// The witnesses and the sizes they are known to hold.
    cosigning: Cosigning,
    /// With a PostgreSQL ledger: the node's role and its database loop.
    cluster: Option<Cluster>,
}

/// The node's side of a shared ledger.
pub struct Cluster {
    backend: Arc<PgBackend>,
    node: std::sync::Mutex<Node>,
}

impl Cluster {
    pub fn role(&self) -> Role {
        if self.backend.is_writer() {
            Role::Writer
        } else {
            Role::Follower
        }
    }

    pub fn writer(&self) -> Option<String> {
        self.backend.known_writer()
    }

    /// Records in the database this node has not adopted yet.
    pub fn lag(&self) -> u64 {
        self.node.lock().map(|n| n.lag()).unwrap_or(0)
    }

    pub fn status(&self) -> NodeStatus {
        self.node.lock().map(|n| n.status()).unwrap_or_default()
    }
}

/// The views snapshot of the data directory.
fn snapshot_path(config: &ServerConfig) -> PathBuf {
    config.data_dir.join(pledger_views::snapshot::FILE_NAME)
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Views(#[from] pledger_views::ViewError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl AppState {
    /// Opens the data directory: the key, the log (its registry rebuilt),
    /// and the views (folded from the log).
    pub fn open(config: ServerConfig) -> Result<AppState, StartError> {
        let dir = DataDir::open(&config.data_dir)?;
        let Some(shared) = config.shared.clone() else {
            let backend = Arc::new(SledBackend::open(&DataDir::log_path(&config.data_dir))?);
            let ledger = Ledger::open(backend)?;
            return Self::with_ledger(config, &dir, ledger);
        };
        // The database must hold this directory's ledger before anything is
        // served; the local copy (a cache, rebuilt when missing) is then
        // brought up to date and audited by the node's loop.
        let verifier = dir.verifier_key()?.to_string();
        let mut client = pledger_postgres::connect(&shared.url).map_err(StoreError::from)?;
        pledger_postgres::attach(&mut client, &shared.ledger, &dir.config.origin, &verifier, false)
            .map_err(StoreError::from)?;
        drop(client);
        let cache = config.data_dir.join("postgres").join(&shared.ledger);
        let local = Arc::new(SledBackend::open(&cache)?);
        let backend = Arc::new(PgBackend::new(local));
        let ledger = Ledger::open(backend.clone())?;
        let node = Node::start(
            backend.clone(),
            ledger.replicator(),
            NodeConfig {
                url: shared.url.clone(),
                ledger: shared.ledger.clone(),
                advertise: shared.advertise.clone(),
                may_write: true,
                poll: Duration::from_secs(1),
                audit_every: shared.audit_every,
            },
            |why| {
                // A node whose database does not verify must not answer
                // one more request: stopping the process is the only way to
                // be sure no handler in flight serves the altered log.
                eprintln!("pledger: {why}");
                std::process::exit(3);
            },
        )?;
        // Serve once the node knows its role and has read the database's
        // head (or failed to reach it): not a burst of 503s at start.
        node.wait_first_turn(Duration::from_secs(60));
        let cluster = Cluster {
            backend,
            node: std::sync::Mutex::new(node),
        };
        Self::assemble(config, &dir, ledger, Some(cluster))
    }

    /// With a PostgreSQL ledger: the node's role, writer and lag.
    pub fn cluster(&self) -> Option<&Cluster> {
        self.0.cluster.as_ref()
    }

    /// May this node sign checkpoints and take appends now?
    pub fn is_writer(&self) -> bool {
        self.0.cluster.as_ref().is_none_or(|c| c.role() == Role::Writer)
    }

    /// As [`AppState::open`], on a ledger already opened (tests use an
    /// in-memory backend).
    pub fn with_ledger(config: ServerConfig, dir: &DataDir, ledger: Ledger) -> Result<AppState, StartError> {
        Self::assemble(config, dir, ledger, None)
    }

    fn assemble(
        config: ServerConfig,
        dir: &DataDir,
        ledger: Ledger,
        cluster: Option<Cluster>,
    ) -> Result<AppState, StartError> {
        let signing_key = dir.signing_key()?;
        let verifier = dir.verifier_key()?;
        // The views: from the snapshot and the log's tail when the snapshot
        // is sound and of this log, else rebuilt (and the snapshot rewritten).
        let (facts, used) = pledger_views::load_cached(
            ledger.backend().as_ref(),
            ledger.len(),
            Scope::default(),
            &snapshot_path(&config),
        )?;
        tracing::info!("{used}");
        let snapshot_len = match (&used.source, &used.refreshed) {
            (_, Some(Ok(_))) => facts.records_seen,
            (CacheSource::Snapshot { len, .. }, _) => *len,
            _ => 0,
        };
        let live = LiveViews::from_facts(facts);
        let metrics = Metrics::default();
        let (committed, _) = watch::channel(ledger.len());
        let (stopping, _) = watch::channel(false);
        let checkpoint_size = checkpoints::latest(ledger.backend().as_ref())?.map_or(0, |c| c.size);
        let tokens = Tokens::new(&config.data_dir);
        let cosigning = Cosigning::new(config.witnesses.clone());
        let state = AppState(Arc::new(Inner {
            origin: dir.config.origin.clone(),
            config,
            ledger,
            signing_key,
            verifier,
            tokens,
            live,
            metrics,
            committed,
            stopping,
            checkpoint_size: AtomicU64::new(checkpoint_size),
            snapshot_len: AtomicU64::new(snapshot_len),
            cosigning,
            cluster,
        }));
        // Wake the streams after every commit. A weak reference: the
        // ledger (inside the state) must not keep the state alive.
        let weak = Arc::downgrade(&state.0);
        state.0.ledger.on_commit(move |head| {
            if let Some(inner) = weak.upgrade() {
                inner.committed.send_replace(head.len);
            }
        });
        Ok(state)
    }

    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    pub fn ledger(&self) -> &Ledger {
        &self.0.ledger
    }

    pub fn backend(&self) -> &dyn LogBackend {
        self.0.ledger.backend().as_ref()
    }

    pub fn tokens(&self) -> &Tokens {
        &self.0.tokens
    }

    pub fn live(&self) -> &LiveViews {
        &self.0.live
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    pub fn verifier(&self) -> &VerifierKey {
        &self.0.verifier
    }

    pub fn origin(&self) -> &str {
        &self.0.origin
    }

    pub fn signing_key(&self) -> &ed25519_dalek::SigningKey {
        &self.0.signing_key
    }

    pub fn checkpoint_size(&self) -> u64 {
        self.0.checkpoint_size.load(Ordering::Relaxed)
    }

    pub fn note_checkpoint(&self, size: u64) {
        self.0.checkpoint_size.fetch_max(size, Ordering::Relaxed);
    }

    /// A receiver of the committed length (streams wait on it).
    pub fn committed(&self) -> watch::Receiver<u64> {
        self.0.committed.subscribe()
    }

    /// A receiver that turns true when shutdown begins.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.0.stopping.subscribe()
    }

    pub fn begin_shutdown(&self) {
        self.0.stopping.send_replace(true);
    }

    /// The date statuses are judged at for this scope.
    pub fn judged_at(&self, scope: Scope) -> Day {
        match (scope.as_of, self.0.config.today) {
            (Some(d), _) => d,
            (None, Some(d)) => d,
            (None, None) => Day(time::OffsetDateTime::now_utc().date()),
        }
    }

    /// Signs a checkpoint of the whole log if it grew since the last one.
    pub fn checkpoint_if_grown(&self) -> Result<Option<u64>, StoreError> {
        let len = self.0.ledger.len();
        // A follower serves the writer's checkpoints; it signs none.
        if len == 0 || len <= self.checkpoint_size() || !self.is_writer() {
            return Ok(None);
        }
        let signed = checkpoints::sign(self.backend(), len, &self.0.origin, &self.0.signing_key)?;
        self.note_checkpoint(signed.checkpoint.size);
        Ok(Some(signed.checkpoint.size))
    }

    pub fn cosigning(&self) -> &Cosigning {
        &self.0.cosigning
    }

    /// Asks the witnesses that have not cosigned the latest checkpoint
    /// (docs/format.md section 6), logging what each did. A witness that fails is
    /// asked again next time.
    pub fn cosign_latest(&self) {
        if self.0.cosigning.targets().is_empty() {
            return;
        }
        match self.0.cosigning.round(self.backend(), &self.0.verifier) {
            Ok(None) => {}
            Ok(Some(round)) => {
                for (witness, r) in round.results {
                    match r {
                        Ok(true) => tracing::info!(size = round.size, %witness, "the witness cosigned the checkpoint"),
                        Ok(false) => {}
                        Err(e) => {
                            tracing::warn!(size = round.size, %witness, error = %e, "no cosignature from the witness")
                        }
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "asking the witnesses failed"),
        }
    }

    /// Background work: the periodic checkpoint, and the live views
    /// following the log so a read rarely has a tail to catch up.
    pub fn spawn_background(&self) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut follow = tokio::time::interval(crate::FOLLOW_INTERVAL);
            follow.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let every = state.0.config.checkpoint_every;
            let mut checkpoint = tokio::time::interval(every.unwrap_or(Duration::from_secs(3600)));
            checkpoint.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            checkpoint.tick().await;
            loop {
                tokio::select! {
                    _ = follow.tick() => {
                        let s = state.clone();
                        let _ = tokio::task::spawn_blocking(move || {
                            if let Err(e) = s.live().catch_up(s.ledger()) {
                                tracing::error!(error = %e, "the live views could not follow the log");
                            }
                            s.snapshot_views(false);
                        }).await;
                    }
                    _ = checkpoint.tick(), if every.is_some() => {
                        let s = state.clone();
                        // Signed, then sent to the witnesses (who are asked
                        // again on every tick until they cosign the latest).
                        match tokio::task::spawn_blocking(move || {
                            let signed = s.checkpoint_if_grown();
                            s.cosign_latest();
                            signed
                        }).await {
                            Ok(Ok(Some(size))) => tracing::info!(size, "signed a checkpoint"),
                            Ok(Err(e)) => tracing::error!(error = %e, "periodic checkpoint failed"),
                            _ => {}
                        }
                    }
                }
            }
        })
    }

    /// Writes the views snapshot when the live views are `snapshot_every`
    /// records past the one on disk (`force`: any record past it), so a
    /// restart replays only the tail. A failure is logged: the snapshot is
    /// a cache, and the next start rebuilds without it.
    pub fn snapshot_views(&self, force: bool) {
        let every = self.0.config.snapshot_every;
        let on_disk = self.0.snapshot_len.load(Ordering::Relaxed);
        let applied = self.0.live.applied();
        let due = if force {
            applied > on_disk
        } else {
            every > 0 && applied >= on_disk + every
        };
        if !due {
            return;
        }
        let path = snapshot_path(&self.0.config);
        let written = self.0.live.peek(|facts| {
            let len = facts.records_seen;
            let hash = match len {
                0 => pledger_views::snapshot::NO_HASH,
                n => self
                    .backend()
                    .get(n - 1)
                    .ok()
                    .flatten()
                    .and_then(|r| r.hash())
                    .ok_or_else(|| format!("record {} cannot be read", n - 1))?,
            };
            pledger_views::snapshot::write(&path, facts, len, &hash)
                .map(|bytes| (len, bytes))
                .map_err(|e| e.to_string())
        });
        match written {
            Ok((len, bytes)) => {
                self.0.snapshot_len.store(len, Ordering::Relaxed);
                tracing::info!(records = len, bytes, "wrote the views snapshot");
            }
            Err(e) => tracing::warn!(error = %e, "the views snapshot could not be written"),
        }
    }

    /// After the last request: a final checkpoint and views snapshot, then
    /// the ledger closes (its writer finishes whatever is queued).
    pub fn finish(&self) {
        if let Err(e) = self.0.live.catch_up(&self.0.ledger) {
            tracing::error!(error = %e, "the live views could not follow the log");
        } else {
            self.snapshot_views(true);
        }
        if self.0.config.checkpoint_every.is_some() {
            match self.checkpoint_if_grown() {
                Ok(Some(size)) => {
                    tracing::info!(size, "signed a final checkpoint");
                    self.cosign_latest();
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "final checkpoint failed"),
            }
        }
        if let Some(c) = &self.0.cluster {
            // Resigning closes the lock's session: another node takes over
            // at once rather than after this one's connection times out.
            if let Ok(mut node) = c.node.lock() {
                node.stop();
            }
        }
        self.0.ledger.close();
        tracing::info!(records = self.0.ledger.len(), "ledger closed");
    }
}
