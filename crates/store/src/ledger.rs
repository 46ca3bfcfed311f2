//! The ledger: the one way records get into the log.
//!
//! Appends go through a single writer thread. It takes every request that
//! is waiting, checks each against the [`Registry`], hashes and chains the
//! accepted ones, writes them in one atomic batch, syncs once, and only then
//! answers: many concurrent appenders share one fsync (group commit), and
//! nobody hears "recorded" before it is durable. A request (a batch of
//! events) is all-or-nothing on its own; a refused request does not disturb
//! the others in its group.
//!
//! Imports stream a large input through the same thread in chunks that are
//! written but not committed: the committed head moves only after the last
//! chunk, so an import is all-or-nothing too without holding it in memory.

use crate::backend::{Head, LogBackend, StoredRecord, WriteBatch};
use crate::error::{AppendError, StoreError};
use pledger_core::event::EntityKind;
use pledger_core::merkle::Frontier;
use pledger_core::record::{jcs, record_body, record_hash, RecordHeader, ZERO_HASH};
use pledger_core::registry::{Journal, Origin, Registration};
use pledger_core::signature::{self, SignedPart};
use pledger_core::{Event, Hash, Registry, Rejection, RejectionKind};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use time::OffsetDateTime;

/// A parsed, checked-in-isolation event, ready for the writer. Preparing
/// is the expensive, parallel part (JSON, typed parse, canonical bytes), so
/// callers do it on their own threads and the writer only does what must
/// be sequential.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The submitted JSON, kept only while an `id` must still be filled in:
    /// dropping a JSON tree on the writer thread costs as much as hashing.
    value: Option<Value>,
    event: Event,
    /// JCS of the event as submitted; `None` until an `id` is filled in.
    jcs: Option<Vec<u8>>,
    /// The signature and the bytes it signs, for a signed event. Boxed:
    /// few events are signed, and imports hold thousands of `Prepared`.
    signed: Option<Box<SignedPart>>,
}

impl Prepared {
    pub fn event(&self) -> &Event {
        &self.event
    }
}

/// Parses and checks one submitted event on the caller's thread.
/// A signature is read and its message built here, in parallel; only the
/// key lookup and the verification wait for the writer.
pub fn prepare(value: Value) -> Result<Prepared, Rejection> {
    let event = Event::parse(&value)?;
    let signed = signature::signed_part(&value)?.map(Box::new);
    Ok(match event.id {
        Some(_) => Prepared {
            jcs: Some(canonical(&value)?),
            value: None,
            event,
            signed,
        },
        None => Prepared {
            jcs: None,
            value: Some(value),
            event,
            signed,
        },
    })
}

fn canonical(v: &Value) -> Result<Vec<u8>, Rejection> {
    jcs(v).map_err(|e| {
        Rejection::new(
            RejectionKind::InvalidJson,
            "",
            format!("the event cannot be put in canonical form: {e}"),
        )
    })
}

/// What the ledger answers for one appended event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    pub seq: u64,
    pub hash: Hash,
    /// True when the event was already recorded under its `id`: the first
    /// receipt is returned and nothing was appended.
    pub repeat: bool,
}

impl serde::Serialize for Receipt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Receipt", 2)?;
        st.serialize_field("seq", &self.seq)?;
        st.serialize_field("hash", &hex::encode(self.hash))?;
        st.end()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppendOutcome {
    pub receipts: Vec<Receipt>,
}

impl AppendOutcome {
    /// Every event was an idempotent repeat (HTTP 200 rather than 201).
    pub fn all_repeats(&self) -> bool {
        self.receipts.iter().all(|r| r.repeat)
    }

    pub fn appended(&self) -> usize {
        self.receipts.iter().filter(|r| !r.repeat).count()
    }
}

type Reply = Box<dyn FnOnce(Result<AppendOutcome, AppendError>) + Send>;

/// One chunk of an import, or the reason the input could not be read.
pub type ImportChunk = Result<Vec<Prepared>, Rejection>;

enum Request {
    Append {
        events: Vec<Prepared>,
        reply: Reply,
    },
    Import {
        chunks: Receiver<ImportChunk>,
        reply: Reply,
    },
    Check {
        events: Vec<Prepared>,
        reply: CheckReply,
    },
    Replicate {
        records: Vec<StoredRecord>,
        reply: Box<dyn FnOnce(Result<Head, StoreError>) + Send>,
    },
}

type CheckReply = Box<dyn FnOnce(Vec<Rejection>) + Send>;

type Listener = Box<dyn Fn(Head) + Send + Sync>;

/// Largest number of events one group commit takes before writing.
const MAX_GROUP_EVENTS: usize = 8192;

/// The registered, not voided, entities and their kinds as of the
/// committed head: what a token's entity is checked against. Kept by the
/// writer thread, which knows the moment a registration or its void is
/// durable, so a voided entity's token fails from the next request on.
type Directory = Arc<RwLock<HashMap<Box<str>, Registration>>>;

pub struct Ledger {
    backend: Arc<dyn LogBackend>,
    directory: Directory,
    committed: Arc<AtomicU64>,
    head: Arc<RwLock<Head>>,
    listeners: Arc<RwLock<Vec<Listener>>>,
    /// Shared with [`Replicator`]s, so closing the ledger cuts them off
    /// too (else a follower loop's handle would keep the writer alive).
    tx: Arc<Mutex<Option<Sender<Request>>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Ledger {
    /// Opens the ledger on a backend: discards anything an interrupted
    /// import left past the committed head, checks that the head matches the
    /// last record, and rebuilds the registry from the log.
    pub fn open(backend: Arc<dyn LogBackend>) -> Result<Ledger, StoreError> {
        let head = backend.head()?;
        if backend.get(head.len)?.is_some() {
            backend.discard_from(head.len)?;
        }
        if head.len > 0 {
            let last = backend.get(head.len - 1)?.ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "record {} named by the committed head is missing",
                    head.len - 1
                ))
            })?;
            if last.hash() != Some(head.hash) {
                return Err(StoreError::Corrupt(format!(
                    "record {} does not carry the hash the committed head names",
                    head.len - 1
                )));
            }
        }
        let registry = rebuild_registry(backend.as_ref(), head.len)?;
        let directory: Directory = Arc::new(RwLock::new(
            registry.live_entities().map(|(id, r)| (id.into(), r)).collect(),
        ));
        let frontier = restore_frontier(backend.as_ref(), head.len)?;
        let committed = Arc::new(AtomicU64::new(head.len));
        let shared_head = Arc::new(RwLock::new(head));
        let listeners: Arc<RwLock<Vec<Listener>>> = Arc::default();
        let (tx, rx) = mpsc::channel();
        let mut writer = Writer {
            backend: backend.clone(),
            registry,
            directory: directory.clone(),
            head,
            frontier,
            committed: committed.clone(),
            shared_head: shared_head.clone(),
            listeners: listeners.clone(),
            broken: None,
            needs_undo: false,
            needs_discard: false,
        };
        let handle = std::thread::Builder::new()
            .name("pledger-writer".into())
            .spawn(move || writer.run(rx))?;
        Ok(Ledger {
            backend,
            directory,
            committed,
            head: shared_head,
            listeners,
            tx: Arc::new(Mutex::new(Some(tx))),
            writer: Mutex::new(Some(handle)),
        })
    }

    /// The kind of a registered entity whose registration is not voided,
    /// as of the committed head; `None` for any other id.
    pub fn entity_kind(&self, id: &str) -> Option<EntityKind> {
        self.entity_registration(id).map(|r| r.kind)
    }

    /// The live registration of an entity as of the committed head: the
    /// registration a token must have been issued for.
    pub fn entity_registration(&self, id: &str) -> Option<Registration> {
        self.directory.read().ok().and_then(|d| d.get(id).copied())
    }

    /// The backend, for readers (proofs, views). Reads past [`Ledger::len`]
    /// must not be trusted: they may be an import still in progress.
    pub fn backend(&self) -> &Arc<dyn LogBackend> {
        &self.backend
    }

    /// Number of committed records.
    pub fn len(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn head(&self) -> Head {
        self.head.read().map(|h| *h).unwrap_or_default()
    }

    /// Calls `f` with the new head after every commit (from the writer
    /// thread: keep it short, e.g. wake a stream).
    pub fn on_commit(&self, f: impl Fn(Head) + Send + Sync + 'static) {
        if let Ok(mut l) = self.listeners.write() {
            l.push(Box::new(f));
        }
    }

    /// A committed record.
    pub fn get(&self, seq: u64) -> Result<Option<StoredRecord>, StoreError> {
        if seq >= self.len() {
            return Ok(None);
        }
        self.backend.get(seq)
    }

    /// Committed records from `from`, at most `limit`.
    pub fn scan(
        &self,
        from: u64,
        limit: u64,
    ) -> Box<dyn Iterator<Item = Result<StoredRecord, StoreError>> + Send + '_> {
        let to = self.len().min(from.saturating_add(limit));
        self.backend.scan(from, to)
    }

    fn send(&self, req: Request) -> Result<(), StoreError> {
        let guard = self.tx.lock().map_err(|_| StoreError::Closed)?;
        guard
            .as_ref()
            .ok_or(StoreError::Closed)?
            .send(req)
            .map_err(|_| StoreError::Closed)
    }

    /// Submits a batch; `reply` is called once it is durable or refused.
    /// For async callers: pass a closure that completes a oneshot.
    pub fn submit(
        &self,
        events: Vec<Prepared>,
        reply: impl FnOnce(Result<AppendOutcome, AppendError>) + Send + 'static,
    ) {
        let reply: Reply = Box::new(reply);
        // If the writer is gone, the request (and its reply) comes back in
        // the send error; answer it here.
        let tx = self.tx.lock().ok().and_then(|g| g.clone());
        match tx {
            Some(tx) => {
                if let Err(mpsc::SendError(Request::Append { reply, .. })) = tx.send(Request::Append { events, reply })
                {
                    reply(Err(StoreError::Closed.into()));
                }
            }
            None => reply(Err(StoreError::Closed.into())),
        }
    }

    /// Appends a batch and waits until it is durable (or refused).
    pub fn append(&self, events: Vec<Prepared>) -> Result<AppendOutcome, AppendError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit(events, move |r| {
            let _ = tx.send(r);
        });
        rx.recv().map_err(|_| AppendError::Store(StoreError::Closed))?
    }

    /// Parses and appends raw JSON events as one batch.
    pub fn append_values(&self, values: Vec<Value>) -> Result<AppendOutcome, AppendError> {
        let prepared = crate::input::first_error_in_order(
            values
                .into_par_iter()
                .enumerate()
                .map(|(i, v)| prepare(v).map_err(|r| r.at_index(i)))
                .collect(),
        )?;
        self.append(prepared)
    }

    /// Streams a large input in as one all-or-nothing batch. `chunks` is
    /// fed by the caller (bounded, so memory stays flat); the answer comes
    /// when the last chunk is committed, or the first problem is found.
    pub fn import(&self, chunks: Receiver<ImportChunk>) -> Result<AppendOutcome, AppendError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let reply: Reply = Box::new(move |r| {
            let _ = tx.send(r);
        });
        self.send(Request::Import { chunks, reply })?;
        rx.recv().map_err(|_| AppendError::Store(StoreError::Closed))?
    }

    /// Judges a batch as [`Ledger::append`] would, event by event, and
    /// writes nothing: every refusal is returned (with its index), not only
    /// the first, for a dry run that lists every bad row. Each event is
    /// judged after the accepted ones before it, as in the batch itself;
    /// a refused event is left out, so later events that need what it
    /// would have created are refused too.
    pub fn check(&self, events: Vec<Prepared>) -> Result<Vec<Rejection>, StoreError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let reply: CheckReply = Box::new(move |r| {
            let _ = tx.send(r);
        });
        self.send(Request::Check { events, reply })?;
        rx.recv().map_err(|_| StoreError::Closed)
    }

    /// Takes records another node wrote to a shared store (a follower
    /// catching up), after checking each as `pledger verify` would: its
    /// body hashes to its stored hash, it carries the next seq, links to
    /// the record before it, and its event passes the ledger's rules given
    /// everything before it. Accepted records are kept with
    /// [`LogBackend::adopt`] and published like an append's; the first one
    /// that fails refuses the whole call (and nothing of it is kept), with
    /// [`StoreError::Corrupt`] naming it.
    pub fn replicate(&self, records: Vec<StoredRecord>) -> Result<Head, StoreError> {
        self.replicator().replicate(records)
    }

    /// A handle that feeds [`Ledger::replicate`] from another thread (a
    /// follower's catch-up loop) without owning the ledger.
    pub fn replicator(&self) -> Replicator {
        Replicator {
            tx: self.tx.clone(),
            committed: self.committed.clone(),
            head: self.head.clone(),
        }
    }

    /// A bounded channel for [`Ledger::import`]: the reader may run at most
    /// a couple of chunks ahead of the writer.
    pub fn import_channel() -> (SyncSender<ImportChunk>, Receiver<ImportChunk>) {
        mpsc::sync_channel(1)
    }

    /// Stops the writer after the requests already queued, and waits.
    pub fn close(&self) {
        if let Ok(mut tx) = self.tx.lock() {
            tx.take();
        }
        if let Ok(mut w) = self.writer.lock() {
            if let Some(h) = w.take() {
                let _ = h.join();
            }
        }
    }
}

/// See [`Ledger::replicator`]. Refuses with [`StoreError::Closed`] once
/// the ledger is closed.
#[derive(Clone)]
pub struct Replicator {
    tx: Arc<Mutex<Option<Sender<Request>>>>,
    committed: Arc<AtomicU64>,
    head: Arc<RwLock<Head>>,
}

impl Replicator {
    /// As [`Ledger::replicate`].
    pub fn replicate(&self, records: Vec<StoredRecord>) -> Result<Head, StoreError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let request = Request::Replicate {
            records,
            reply: Box::new(move |r| {
                let _ = tx.send(r);
            }),
        };
        let tx = self.tx.lock().ok().and_then(|g| g.clone()).ok_or(StoreError::Closed)?;
        tx.send(request).map_err(|_| StoreError::Closed)?;
        drop(tx);
        rx.recv().map_err(|_| StoreError::Closed)?
    }

    /// Number of committed records.
    pub fn len(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn head(&self) -> Head {
        self.head.read().map(|h| *h).unwrap_or_default()
    }
}

impl Drop for Ledger {
    fn drop(&mut self) {
        self.close();
    }
}

/// The message of a store error without its prefix, to wrap it again as
/// the same kind of error without saying "the disk is full" twice.
fn inner_message(e: &StoreError) -> String {
    match e {
        StoreError::DiskFull(m) | StoreError::Backend(m) => m.clone(),
        other => other.to_string(),
    }
}

/// One store error as the same kind of error for each request of a group
/// (a full disk stays a full disk, a node that does not write says so).
fn same_kind(e: &StoreError) -> StoreError {
    match e {
        StoreError::DiskFull(_) => StoreError::DiskFull(inner_message(e)),
        StoreError::NotWriter(w) => StoreError::NotWriter(w.clone()),
        _ => StoreError::Backend(inner_message(e)),
    }
}

/// A stored record read for admission: its hash, its `prev_hash`, the seq
/// its body states, its event and signature.
struct Parsed {
    hash: Hash,
    prev: Hash,
    seq: u64,
    event: Event,
    signed: Option<SignedPart>,
}

/// Parses a stored record (no hash check: the callers differ on that).
fn parse_stored(r: &StoredRecord) -> Result<Parsed, String> {
    let hash = r.hash().ok_or("its stored value is too short to hold a hash")?;
    let h = RecordHeader::parse(r.body()).map_err(|e| e.to_string())?;
    let prev = h.prev_hash_bytes().ok_or("prev_hash is not 64 hex digits")?;
    let text = h.event.get();
    let event = Event::parse_text(text).map_err(|e| e.to_string())?;
    // Only events that mention a signature pay for reading it.
    let signed = if text.contains("\"signature\"") {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        signature::signed_part(&value).map_err(|e| e.to_string())?
    } else {
        None
    };
    Ok(Parsed {
        hash,
        prev,
        seq: h.seq,
        event,
        signed,
    })
}

/// Reads every committed record and replays it into a fresh registry.
/// Parsing is spread over all cores; admitting is sequential.
pub fn rebuild_registry(backend: &dyn LogBackend, len: u64) -> Result<Registry, StoreError> {
    const CHUNK: usize = 16 * 1024;
    let mut registry = Registry::new();
    let mut journal = Journal::disabled();
    let mut prev = ZERO_HASH;
    let mut iter = backend.scan(0, len);
    let mut next_seq = 0u64;
    loop {
        let chunk: Vec<StoredRecord> = iter.by_ref().take(CHUNK).collect::<Result<_, _>>()?;
        if chunk.is_empty() {
            break;
        }
        let parsed: Vec<Result<Parsed, String>> = chunk
            .par_iter()
            .map(|r| {
                let p = parse_stored(r)?;
                if p.seq != r.seq {
                    return Err(format!("its body says seq {}", p.seq));
                }
                Ok(p)
            })
            .collect();
        for (r, p) in chunk.iter().zip(parsed) {
            let corrupt = |why: String| StoreError::Corrupt(format!("record {}: {why}", r.seq));
            if r.seq != next_seq {
                return Err(StoreError::Corrupt(format!("record {next_seq} is missing")));
            }
            let Parsed {
                hash,
                prev: rec_prev,
                event,
                signed,
                ..
            } = p.map_err(corrupt)?;
            if rec_prev != prev {
                return Err(corrupt("its prev_hash does not match the record before it".into()));
            }
            // The same admission as an append, signatures included:
            // checking them again catches a log rewritten by someone without
            // the entities' keys, even if every hash was recomputed.
            registry
                .admit_with(&event, signed.as_ref(), Origin::Recorded, &mut journal)
                .map_err(|e| corrupt(format!("it no longer passes validation: {e}")))?;
            prev = hash;
            next_seq += 1;
        }
    }
    if next_seq != len {
        return Err(StoreError::Corrupt(format!("record {next_seq} is missing")));
    }
    Ok(registry)
}

/// Rebuilds the Merkle frontier of a tree of `len` leaves from the stored
/// peaks: one node per set bit of `len`.
pub fn restore_frontier(backend: &dyn LogBackend, len: u64) -> Result<Frontier, StoreError> {
    use pledger_core::merkle::TreeNodes;
    let tree = crate::tree::StoredTree::new(backend);
    let mut peaks = Vec::new();
    let mut offset = 0u64;
    for level in (0..64u32).rev() {
        if len & (1u64 << level) != 0 {
            peaks.push(tree.node(level, offset >> level)?);
            offset += 1u64 << level;
        }
    }
    Frontier::from_peaks(len, peaks).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A record built in this group, not yet written.
struct Staged {
    hash: Hash,
    body: Vec<u8>,
}

struct Writer {
    backend: Arc<dyn LogBackend>,
    registry: Registry,
    directory: Directory,
    /// The committed head.
    head: Head,
    frontier: Frontier,
    committed: Arc<AtomicU64>,
    shared_head: Arc<RwLock<Head>>,
    listeners: Arc<RwLock<Vec<Listener>>>,
    /// Set when a failed write could not be undone; every later append is
    /// refused until a restart re-reads the durable state.
    broken: Option<String>,
    /// A failed write's undo was itself refused (a full disk): the backend
    /// may still name the uncommitted head, so put it back before writing.
    needs_undo: bool,
    /// Records past the head from a failed write are still on disk (the
    /// discard failed too, e.g. the disk is still full): retry before the
    /// next write, so a full disk heals once space is freed.
    needs_discard: bool,
}

/// The uncommitted tail a group or an import is building.
struct Pending {
    /// First seq not yet durable and committed.
    base: u64,
    /// Records written to the backend but not committed (import chunks).
    written: u64,
    staged: Vec<Staged>,
    nodes: Vec<(u32, u64, Hash)>,
    frontier: Frontier,
    prev: Hash,
    recorded_at: String,
    /// Entities registered or voided by this tail: the directory entries
    /// to refresh from the registry once it is durable.
    touched: Vec<Box<str>>,
}

impl Pending {
    fn next_seq(&self) -> u64 {
        self.base + self.written + self.staged.len() as u64
    }
}

impl Writer {
    fn run(&mut self, rx: Receiver<Request>) {
        while let Ok(first) = rx.recv() {
            let mut group = Vec::new();
            let mut events = 0;
            let mut next = Some(first);
            while let Some(req) = next.take() {
                match req {
                    Request::Import { chunks, reply } => {
                        // Finish the appends queued before it, then import alone.
                        self.commit_group(std::mem::take(&mut group));
                        events = 0;
                        let result = self.import(chunks);
                        reply(result);
                    }
                    Request::Append { events: batch, reply } => {
                        events += batch.len();
                        group.push((batch, reply));
                    }
                    Request::Check { events: batch, reply } => {
                        // Judged against the committed registry: the
                        // appends queued before it go first.
                        self.commit_group(std::mem::take(&mut group));
                        events = 0;
                        reply(self.check(batch));
                    }
                    Request::Replicate { records, reply } => {
                        self.commit_group(std::mem::take(&mut group));
                        events = 0;
                        reply(self.replicate(records));
                    }
                }
                if events < MAX_GROUP_EVENTS {
                    next = rx.try_recv().ok();
                }
            }
            self.commit_group(group);
        }
    }

    fn pending(&self) -> Pending {
        Pending {
            base: self.head.len,
            written: 0,
            staged: Vec::new(),
            nodes: Vec::new(),
            frontier: self.frontier.clone(),
            prev: if self.head.len == 0 { ZERO_HASH } else { self.head.hash },
            recorded_at: pledger_core::when::recorded_at_text(OffsetDateTime::now_utc()),
            touched: Vec::new(),
        }
    }

    fn commit_group(&mut self, group: Vec<(Vec<Prepared>, Reply)>) {
        if group.is_empty() {
            return;
        }
        if let Err(e) = self.ensure_clean_tail() {
            for (_, reply) in group {
                reply(Err(same_kind(&e).into()));
            }
            return;
        }
        let mut pending = self.pending();
        let mut accepted = Journal::new();
        let mut results = Vec::with_capacity(group.len());
        for (batch, reply) in group {
            let mark = (
                pending.staged.len(),
                pending.nodes.len(),
                pending.frontier.clone(),
                pending.prev,
            );
            let mut journal = Journal::new();
            match self.stage(batch, 0, &mut pending, &mut journal) {
                Ok(outcome) => {
                    accepted.extend(journal);
                    results.push((Ok(outcome), reply));
                }
                Err(e) => {
                    self.registry.rollback(&mut journal);
                    pending.staged.truncate(mark.0);
                    pending.nodes.truncate(mark.1);
                    pending.frontier = mark.2;
                    pending.prev = mark.3;
                    results.push((Err(e), reply));
                }
            }
        }
        if !pending.staged.is_empty() {
            if let Err(e) = self.write_and_commit(&mut pending) {
                self.registry.rollback(&mut accepted);
                for (r, reply) in results {
                    reply(r.and(Err(same_kind(&e).into())));
                }
                return;
            }
        }
        for (r, reply) in results {
            reply(r);
        }
    }

    /// Writes the staged tail with the new head, syncs, and publishes it.
    /// On failure the backend is put back to the old head.
    fn write_and_commit(&mut self, p: &mut Pending) -> Result<(), StoreError> {
        let new_head = Head {
            len: p.next_seq(),
            hash: p.prev,
        };
        let batch = WriteBatch {
            records: p
                .staged
                .drain(..)
                .enumerate()
                .map(|(i, s)| StoredRecord::new(p.base + p.written + i as u64, &s.hash, &s.body))
                .collect(),
            nodes: std::mem::take(&mut p.nodes),
            head: Some(new_head),
        };
        let result = self.backend.write(batch).and_then(|_| self.backend.sync());
        if let Err(e) = result {
            self.undo_tail();
            return Err(e);
        }
        self.publish(new_head, p);
        Ok(())
    }

    /// Makes a durable head visible: to readers, to the next group, and to
    /// the listeners (a stream waiting for records).
    fn publish(&mut self, new_head: Head, p: &mut Pending) {
        self.head = new_head;
        self.frontier = p.frontier.clone();
        if !p.touched.is_empty() {
            if let Ok(mut d) = self.directory.write() {
                for id in p.touched.drain(..) {
                    match self.registry.entity_registration(&id) {
                        Some(r) => d.insert(id, r),
                        None => d.remove(&id),
                    };
                }
            }
        }
        if let Ok(mut h) = self.shared_head.write() {
            *h = new_head;
        }
        self.committed.store(new_head.len, Ordering::Release);
        if let Ok(ls) = self.listeners.read() {
            for l in ls.iter() {
                l(new_head);
            }
        }
    }

    /// Puts the backend back to the committed head after a failed write.
    fn undo_tail(&mut self) {
        let old = self.head;
        let restore = WriteBatch {
            head: Some(old),
            ..WriteBatch::default()
        };
        match self.backend.write(restore) {
            Ok(()) => self.needs_discard = self.backend.discard_from(old.len).is_err(),
            // A full disk may refuse the undo too: retry it before the next
            // write. Readers are bounded by the committed length meanwhile.
            Err(StoreError::DiskFull(_)) => self.needs_undo = true,
            Err(e) => {
                self.broken = Some(format!(
                    "a failed write could not be undone ({e}); restart pledger so it re-reads the durable log"
                ))
            }
        }
    }

    /// Finishes a discard that failed earlier; an error refuses the write.
    fn ensure_clean_tail(&mut self) -> Result<(), StoreError> {
        if let Some(why) = &self.broken {
            return Err(StoreError::Backend(why.clone()));
        }
        if self.needs_undo {
            let restore = || {
                self.backend.write(WriteBatch {
                    head: Some(self.head),
                    ..WriteBatch::default()
                })
            };
            if let Err(StoreError::DiskFull(_)) = restore() {
                // The engine may have poisoned itself; start it afresh from
                // what is durable, then put the committed head back.
                self.backend.recover()?;
                restore()?;
            }
            self.needs_undo = false;
            self.needs_discard = true;
        }
        if self.needs_discard {
            self.backend.discard_from(self.head.len)?;
            self.needs_discard = false;
        }
        Ok(())
    }

    /// Checks and stages one client batch; `offset` numbers its events for
    /// messages when the batch is a chunk of a larger import.
    fn stage(
        &mut self,
        batch: Vec<Prepared>,
        offset: usize,
        p: &mut Pending,
        journal: &mut Journal,
    ) -> Result<AppendOutcome, AppendError> {
        let mut receipts = Vec::with_capacity(batch.len());
        let batch_start = p.next_seq();
        for (i, mut prep) in batch.into_iter().enumerate() {
            let index = offset + i;
            let seq = p.next_seq();
            if let Some(id) = &prep.event.id {
                if let Some(first) = self.registry.seq_of_id(id) {
                    let (stored_event, hash) = self.event_bytes_at(first, p)?;
                    if Some(&stored_event) == prep.jcs.as_ref() {
                        receipts.push(Receipt {
                            seq: first,
                            hash,
                            repeat: true,
                        });
                        continue;
                    }
                    // A signed line changed after signing is reported as
                    // that, not as a conflict with its own first copy.
                    signature::check(&self.registry, &prep.event, prep.signed.as_deref())
                        .map_err(|r| r.at_index(index))?;
                    let message = if first >= batch_start {
                        // Staged a moment ago by this same batch: there is
                        // no record `first` for the client to look at.
                        format!(
                            "id {:?} is given to two different events of this batch (#{} and #{}); each event needs its own id",
                            id.as_str(),
                            offset + (first - batch_start) as usize + 1,
                            index + 1
                        )
                    } else {
                        format!(
                            "id {:?} was already used by record {first} for a different event; give this event a new id (an id stays taken even when its record is voided)",
                            id.as_str()
                        )
                    };
                    return Err(Rejection::new(RejectionKind::IdConflict, "id", message)
                        .at_index(index)
                        .into());
                }
            } else {
                let id = self.auto_id(seq, &p.prev);
                let mut value = prep.value.take().unwrap_or(Value::Null);
                if let Some(obj) = value.as_object_mut() {
                    obj.insert("id".into(), Value::String(id.to_string()));
                }
                prep.event.id = Some(id);
                prep.jcs = Some(canonical(&value).map_err(|r| r.at_index(index))?);
            }
            // The signature is judged against the registry as it stands
            // before this event: a new key an event registers is not the key
            // that judges it.
            self.registry
                .admit_with(&prep.event, prep.signed.as_deref(), Origin::New, journal)
                .map_err(|r| r.at_index(index))?;
            if let Some(id) = self.registry.entity_touched(&prep.event) {
                p.touched.push(id.into());
            }
            let event_jcs = prep.jcs.as_deref().unwrap_or_default();
            let body = record_body(seq, &p.recorded_at, &p.prev, event_jcs);
            let hash = record_hash(&body);
            p.nodes.extend(p.frontier.push(&hash));
            p.staged.push(Staged { hash, body });
            p.prev = hash;
            receipts.push(Receipt {
                seq,
                hash,
                repeat: false,
            });
        }
        Ok(AppendOutcome { receipts })
    }

    /// See [`Ledger::replicate`].
    fn replicate(&mut self, records: Vec<StoredRecord>) -> Result<Head, StoreError> {
        if records.is_empty() {
            return Ok(self.head);
        }
        self.ensure_clean_tail()?;
        // Hashing and parsing in parallel; admitting in order. Unlike a
        // rebuild of this node's own log, the hash is recomputed: the
        // shared store is not trusted.
        let parsed: Vec<Result<Parsed, String>> = records
            .par_iter()
            .map(|r| {
                // First, so a changed byte is named as that, not as
                // whatever parse error it happens to cause.
                if r.hash() != Some(record_hash(r.body())) {
                    return Err("its body does not hash to its stored hash (the stored bytes were changed)".into());
                }
                parse_stored(r)
            })
            .collect();
        let mut p = self.pending();
        let mut journal = Journal::new();
        let mut stored = Vec::with_capacity(records.len());
        let result = (|| -> Result<(), StoreError> {
            for (r, parsed) in records.into_iter().zip(parsed) {
                let seq = p.next_seq();
                let corrupt = |why: String| StoreError::Corrupt(format!("record {seq}: {why}"));
                let Parsed {
                    hash,
                    prev,
                    seq: body_seq,
                    event,
                    signed,
                } = parsed.map_err(corrupt)?;
                if r.seq != seq || body_seq != seq {
                    return Err(corrupt(format!(
                        "the shared store gave seq {} (its body says {body_seq}) where {seq} comes next",
                        r.seq
                    )));
                }
                if prev != p.prev {
                    return Err(corrupt("its prev_hash is not the hash of the record before it".into()));
                }
                // The rules `pledger verify` applies (signatures included;
                // who may record what was judged when it was appended, by
                // the rules of that day, as at every open): a record that
                // breaks them is not the ledger's, whoever wrote it there.
                self.registry
                    .admit_with(&event, signed.as_ref(), Origin::Recorded, &mut journal)
                    .map_err(|e| corrupt(format!("its event does not pass the ledger's rules: {e}")))?;
                if let Some(id) = self.registry.entity_touched(&event) {
                    p.touched.push(id.into());
                }
                p.nodes.extend(p.frontier.push(&hash));
                p.prev = hash;
                p.written += 1;
                stored.push(r);
            }
            Ok(())
        })();
        if let Err(e) = result {
            self.registry.rollback(&mut journal);
            return Err(e);
        }
        let new_head = Head {
            len: p.next_seq(),
            hash: p.prev,
        };
        let batch = WriteBatch {
            records: stored,
            nodes: std::mem::take(&mut p.nodes),
            head: Some(new_head),
        };
        if let Err(e) = self.backend.adopt(batch) {
            self.registry.rollback(&mut journal);
            self.undo_tail();
            return Err(e);
        }
        self.publish(new_head, &mut p);
        Ok(new_head)
    }

    /// The dry run of [`Ledger::check`]: admit each event in turn under a
    /// journal, note each refusal, and roll everything back.
    fn check(&mut self, batch: Vec<Prepared>) -> Vec<Rejection> {
        let mut problems = Vec::new();
        let mut accepted = Journal::new();
        let committed = self.head.len;
        let mut batch_ids: HashMap<&str, usize> = HashMap::new();
        for (index, prep) in batch.iter().enumerate() {
            if let Some(id) = &prep.event.id {
                if let Some(first) = self.registry.seq_of_id(id).filter(|&s| s < committed) {
                    let same = self
                        .event_bytes_at(first, &self.pending())
                        .is_ok_and(|(b, _)| Some(&b) == prep.jcs.as_ref());
                    if !same {
                        problems.push(
                            Rejection::new(
                                RejectionKind::IdConflict,
                                "id",
                                format!(
                                    "id {:?} was already used by record {first} for a different event; give this event a new id",
                                    id.as_str()
                                ),
                            )
                            .at_index(index),
                        );
                    }
                    continue;
                }
                if let Some(before) = batch_ids.insert(id.as_str(), index) {
                    problems.push(
                        Rejection::new(
                            RejectionKind::IdConflict,
                            "id",
                            format!(
                                "id {:?} is given to two different events of this batch (#{} and #{})",
                                id.as_str(),
                                before + 1,
                                index + 1
                            ),
                        )
                        .at_index(index),
                    );
                    continue;
                }
            }
            let mut one = Journal::new();
            match self
                .registry
                .admit_with(&prep.event, prep.signed.as_deref(), Origin::New, &mut one)
            {
                Ok(()) => accepted.extend(one),
                Err(r) => {
                    self.registry.rollback(&mut one);
                    problems.push(r.at_index(index));
                }
            }
        }
        self.registry.rollback(&mut accepted);
        problems
    }

    /// The id filled in for an event sent without one: `auto-<seq>-<8 hex
    /// of prev_hash>`. Unique (a seq is used once), not guessable ahead of
    /// time, and stable across a rebuild since it is stored in the record.
    fn auto_id(&self, seq: u64, prev: &Hash) -> pledger_core::Id {
        let base = format!("auto-{seq}-{}", hex::encode(&prev[..4]));
        let mut candidate = base.clone();
        let mut n = 1;
        while self.registry.seq_of_id(&candidate).is_some() {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        // Only [a-z0-9-] characters and well under 128: always valid.
        pledger_core::Id::parse(&candidate).unwrap_or_else(|_| unreachable!("auto ids are valid identifiers"))
    }

    /// The stored record at `seq`: from this group's staged tail, else the log.
    fn record_at(&self, seq: u64, p: &Pending) -> Result<(Hash, Vec<u8>), StoreError> {
        let unwritten = p.base + p.written;
        if seq >= unwritten {
            let s = p
                .staged
                .get((seq - unwritten) as usize)
                .ok_or_else(|| StoreError::Corrupt(format!("record {seq} is not staged")))?;
            return Ok((s.hash, s.body.clone()));
        }
        let r = self
            .backend
            .get(seq)?
            .ok_or_else(|| StoreError::Corrupt(format!("record {seq} is missing")))?;
        let hash = r
            .hash()
            .ok_or_else(|| StoreError::Corrupt(format!("record {seq} is truncated")))?;
        Ok((hash, r.body().to_vec()))
    }

    /// The canonical event bytes and hash of record `seq`.
    fn event_bytes_at(&self, seq: u64, p: &Pending) -> Result<(Vec<u8>, Hash), StoreError> {
        let (hash, body) = self.record_at(seq, p)?;
        let h = RecordHeader::parse(&body).map_err(|e| StoreError::Corrupt(format!("record {seq}: {e}")))?;
        Ok((h.event.get().as_bytes().to_vec(), hash))
    }

    fn import(&mut self, chunks: Receiver<ImportChunk>) -> Result<AppendOutcome, AppendError> {
        if let Err(e) = self.ensure_clean_tail() {
            for _ in chunks.try_iter() {}
            return Err(e.into());
        }
        let mut p = self.pending();
        let mut journal = Journal::disabled();
        let mut outcome = AppendOutcome::default();
        let result = (|| -> Result<(), AppendError> {
            let mut offset = 0;
            for chunk in chunks.iter() {
                let chunk = chunk?;
                let n = chunk.len();
                let part = self.stage(chunk, offset, &mut p, &mut journal)?;
                outcome.receipts.extend(part.receipts);
                offset += n;
                // Write the chunk but leave the head where it was: invisible
                // until the whole import commits.
                let records: Vec<StoredRecord> = p
                    .staged
                    .drain(..)
                    .enumerate()
                    .map(|(i, s)| StoredRecord::new(p.base + p.written + i as u64, &s.hash, &s.body))
                    .collect();
                p.written += records.len() as u64;
                let nodes = std::mem::take(&mut p.nodes);
                self.backend.write(WriteBatch {
                    records,
                    nodes,
                    head: None,
                })?;
            }
            Ok(())
        })();
        let committed = result.and_then(|_| {
            if p.next_seq() == p.base {
                return Ok(());
            }
            // Everything is written; committing is moving the head, durably.
            let new_head = Head {
                len: p.next_seq(),
                hash: p.prev,
            };
            self.backend
                .write(WriteBatch {
                    head: Some(new_head),
                    ..WriteBatch::default()
                })
                .and_then(|_| self.backend.sync())
                .map_err(AppendError::from)
                .map(|_| self.publish(new_head, &mut p))
        });
        if let Err(e) = committed {
            // Drain the feeder so it is not blocked forever on a full channel.
            for _ in chunks.try_iter() {}
            self.undo_tail();
            match rebuild_registry(self.backend.as_ref(), self.head.len) {
                Ok(r) => self.registry = r,
                Err(re) => {
                    self.broken = Some(format!(
                        "the registry could not be rebuilt after a refused import: {re}"
                    ))
                }
            }
            return Err(e);
        }
        Ok(outcome)
    }
}
