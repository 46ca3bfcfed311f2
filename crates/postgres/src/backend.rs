//! [`PgBackend`]: the store's `LogBackend` for a ledger in PostgreSQL.
//!
//! Every node keeps a local copy of the log (sled for a server, memory for
//! a one-off command) with the tree nodes it computed itself; reads are
//! served from it. A write goes to PostgreSQL first — one transaction that
//! inserts the packed row and moves the head only if it still names the
//! length this node last wrote — and to the local copy once that commits.
//! Only the node holding the ledger's advisory lock has a [`WriterConn`];
//! without one every write is refused with `StoreError::NotWriter`, before
//! anything is written. Records other nodes wrote arrive by
//! `Ledger::replicate`, which checks them and keeps them with `adopt`
//! (local only: they are already durable in the database).

use crate::shared::WriterConn;
use pledger_core::Hash;
use pledger_store::{Head, LogBackend, StoreError, StoredRecord, WriteBatch};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::thread::JoinHandle;

/// A poisoned lock only means a panic mid-write; the connection state is
/// still what it was, and a failed write already dropped it.
fn lock_writer(writer: &Mutex<Option<WriterConn>>) -> MutexGuard<'_, Option<WriterConn>> {
    writer.lock().unwrap_or_else(|p| p.into_inner())
}

pub struct PgBackend {
    local: Arc<dyn LogBackend>,
    writer: Arc<Mutex<Option<WriterConn>>>,
    /// Whether `writer` holds a connection, readable without its lock:
    /// HTTP handlers ask on every append, and must not wait behind a
    /// commit in flight (which holds the lock).
    writing: Arc<AtomicBool>,
    /// An import chunk still being inserted on a thread of its own, so the
    /// ledger stages the next chunk meanwhile; at most one at a time, and
    /// settled before anything else is written.
    inflight: Mutex<Option<JoinHandle<Result<(), StoreError>>>>,
    /// The head length in the database as this node's writer last moved it:
    /// what the next head move must find there.
    db_len: AtomicU64,
    /// The writer's address as last read from the database, for refusals.
    known_writer: RwLock<Option<String>>,
}

impl PgBackend {
    pub fn new(local: Arc<dyn LogBackend>) -> PgBackend {
        PgBackend {
            local,
            writer: Arc::new(Mutex::new(None)),
            writing: Arc::new(AtomicBool::new(false)),
            inflight: Mutex::new(None),
            db_len: AtomicU64::new(0),
            known_writer: RwLock::new(None),
        }
    }

    /// This node's own copy.
    pub fn local(&self) -> &Arc<dyn LogBackend> {
        &self.local
    }

    fn writer(&self) -> MutexGuard<'_, Option<WriterConn>> {
        lock_writer(&self.writer)
    }

    /// Waits for the import chunk in flight, if any, and returns its outcome.
    fn settle(&self) -> Result<(), StoreError> {
        let handle = self.inflight.lock().unwrap_or_else(|p| p.into_inner()).take();
        match handle.map(|h| h.join()) {
            None => Ok(()),
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(StoreError::Backend(
                "writing an import chunk to PostgreSQL panicked".into(),
            )),
        }
    }

    /// Makes this node the writer: `conn` holds the lock, and the database's
    /// head is `db_len` (which the local copy must already have reached).
    pub fn become_writer(&self, conn: WriterConn, db_len: u64) {
        self.db_len.store(db_len, Ordering::Release);
        *self.writer() = Some(conn);
        self.writing.store(true, Ordering::Release);
    }

    /// Gives up writing (the session is closed, so the lock is released).
    pub fn resign(&self) {
        let _ = self.settle();
        self.writer().take();
        self.writing.store(false, Ordering::Release);
    }

    pub fn is_writer(&self) -> bool {
        self.writing.load(Ordering::Acquire)
    }

    /// Checks the writer's session; a dead one is dropped, so the node
    /// stops accepting appends at once and contends for the lock again.
    pub fn ping(&self) -> bool {
        let mut w = self.writer();
        match w.as_mut().map(|c| c.ping()) {
            Some(Ok(())) => true,
            Some(Err(e)) => {
                tracing::warn!("lost the writer's PostgreSQL session: {e}");
                w.take();
                self.writing.store(false, Ordering::Release);
                false
            }
            None => false,
        }
    }

    pub fn set_known_writer(&self, writer: Option<String>) {
        if let Ok(mut w) = self.known_writer.write() {
            *w = writer;
        }
    }

    pub fn known_writer(&self) -> Option<String> {
        self.known_writer.read().ok().and_then(|w| w.clone())
    }

    fn not_writer(&self) -> StoreError {
        StoreError::NotWriter(self.known_writer())
    }

    /// Runs `f` on the writer's connection; any failure drops the session
    /// (and with it the lock): after an error the node cannot know what the
    /// database holds until it has read it again.
    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut WriterConn) -> Result<T, crate::PgError> + Send,
    ) -> Result<T, StoreError>
    where
        T: Send,
    {
        let mut w = self.writer();
        let conn = w.as_mut().ok_or_else(|| self.not_writer())?;
        // The blocking client runs its own runtime, which must not start
        // inside another (a server's spawn_blocking task signing a
        // checkpoint): there, run it on a thread of its own.
        let result = if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|s| {
                s.spawn(|| f(conn))
                    .join()
                    .unwrap_or_else(|_| Err(crate::PgError::Sql("the database call panicked".into())))
            })
        } else {
            f(conn)
        };
        match result {
            Ok(v) => Ok(v),
            Err(e) => {
                tracing::warn!("a write to PostgreSQL failed, this node stops writing until it is elected again: {e}");
                w.take();
                self.writing.store(false, Ordering::Release);
                Err(StoreError::NotWriter(None))
            }
        }
    }
}

impl LogBackend for PgBackend {
    fn head(&self) -> Result<Head, StoreError> {
        self.local.head()
    }

    fn write(&self, batch: WriteBatch) -> Result<(), StoreError> {
        // An import's inner chunk: insert it on a thread of its own while
        // the ledger stages the next one (they stay past the head, unseen,
        // until the final write moves it).
        if batch.head.is_none() && !batch.records.is_empty() {
            self.settle()?;
            if !self.is_writer() {
                return Err(self.not_writer());
            }
            let first_seq = batch.records[0].seq;
            let count = batch.records.len();
            let data = crate::shared::pack(&batch.records);
            let writer = self.writer.clone();
            let writing = self.writing.clone();
            let handle = std::thread::Builder::new()
                .name("pledger-pg-chunk".into())
                .spawn(move || {
                    let mut w = lock_writer(&writer);
                    let conn = w.as_mut().ok_or(StoreError::NotWriter(None))?;
                    conn.append_packed(first_seq, count, &data, None, 0).map_err(|e| {
                        tracing::warn!("writing an import chunk to PostgreSQL failed, this node stops writing: {e}");
                        w.take();
                        writing.store(false, Ordering::Release);
                        StoreError::NotWriter(None)
                    })
                })?;
            *self.inflight.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
            return self.local.write(batch);
        }
        self.settle()?;
        let db_len = self.db_len.load(Ordering::Acquire);
        // Putting the local head back (the undo of a failed write) or any
        // other head-only batch at or below the database's head changes
        // nothing there.
        let moves_head = batch.head.filter(|h| h.len > db_len);
        if !batch.records.is_empty() || moves_head.is_some() {
            self.with_writer(|conn| conn.append(&batch.records, moves_head, db_len))?;
            if let Some(h) = moves_head {
                self.db_len.store(h.len, Ordering::Release);
            }
        }
        // The database holds it now; the local copy can be rebuilt from it,
        // so it is written but not synced.
        self.local.write(batch)
    }

    fn sync(&self) -> Result<(), StoreError> {
        // Durable once PostgreSQL committed, in `write`.
        Ok(())
    }

    fn adopt(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.local.write(batch)
    }

    fn get(&self, seq: u64) -> Result<Option<StoredRecord>, StoreError> {
        self.local.get(seq)
    }

    fn scan(&self, from: u64, to: u64) -> Box<dyn Iterator<Item = Result<StoredRecord, StoreError>> + Send + '_> {
        self.local.scan(from, to)
    }

    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        self.local.node(level, index)
    }

    fn min_stored_level(&self) -> u32 {
        self.local.min_stored_level()
    }

    fn scan_nodes(
        &self,
        level: u32,
        from: u64,
    ) -> Box<dyn Iterator<Item = Result<(u64, Hash), StoreError>> + Send + '_> {
        self.local.scan_nodes(level, from)
    }

    fn discard_from(&self, len: u64) -> Result<(), StoreError> {
        // A chunk still in flight must land (or fail) before its rows go.
        let _ = self.settle();
        // Rows past the database's head are an import that never committed;
        // only the writer removes them (and never a committed row).
        if len >= self.db_len.load(Ordering::Acquire) && self.is_writer() {
            self.with_writer(|conn| conn.discard_from(len))?;
        }
        self.local.discard_from(len)
    }

    fn recover(&self) -> Result<(), StoreError> {
        self.local.recover()
    }

    fn put_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        // Checkpoints are the writer's to sign and share.
        self.with_writer(|conn| conn.put_meta(key, value))?;
        self.local.put_meta(key, value)
    }

    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.local.get_meta(key)
    }

    fn meta_with_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.local.meta_with_prefix(prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pledger_store::MemBackend;
    use std::time::Duration;

    /// HTTP handlers ask for the role on every append: the answer must not
    /// wait for a commit in flight, which holds the connection's lock (it
    /// did once, and halved the appends a writer took).
    #[test]
    fn the_role_is_read_without_waiting_for_a_commit_in_flight() {
        let backend = Arc::new(PgBackend::new(Arc::new(MemBackend::new())));
        let commit_in_flight = backend.writer();
        let (tx, rx) = std::sync::mpsc::channel();
        let asker = backend.clone();
        std::thread::spawn(move || {
            let _ = tx.send(asker.is_writer());
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(false));
        drop(commit_in_flight);
    }
}
