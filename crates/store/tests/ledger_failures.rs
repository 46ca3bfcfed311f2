//! The ledger when the storage below it fails: a write or a sync the disk
//! refuses leaves no trace in the log or the registry, and the ledger goes
//! on once the disk is back. Uses a backend wrapper that fails on demand.

mod common;

use common::*;
use pledger_core::Hash;
use pledger_store::{
    verify_log, AppendError, Head, Ledger, LogBackend, MemBackend, StoreError, StoredRecord, WriteBatch,
};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// A memory backend whose writes (those carrying records) or syncs can be
/// made to fail, as a full disk would.
#[derive(Default)]
struct Flaky {
    inner: MemBackend,
    /// Refuse writes that carry records.
    fail_record_writes: AtomicBool,
    /// Refuse syncs.
    fail_sync: AtomicBool,
    /// Make `discard_from` sync, as `SledBackend::discard_from` does.
    discard_syncs: bool,
    /// Refuse record writes after this many more succeed (usize::MAX: never).
    record_writes_left: AtomicUsize,
}

impl Flaky {
    fn new(discard_syncs: bool) -> Arc<Flaky> {
        Arc::new(Flaky {
            discard_syncs,
            record_writes_left: AtomicUsize::new(usize::MAX),
            ..Flaky::default()
        })
    }

    fn heal(&self) {
        self.fail_record_writes.store(false, Ordering::SeqCst);
        self.fail_sync.store(false, Ordering::SeqCst);
        self.record_writes_left.store(usize::MAX, Ordering::SeqCst);
    }
}

fn disk_full() -> StoreError {
    StoreError::DiskFull("No space left on device (os error 28)".into())
}

impl LogBackend for Flaky {
    fn head(&self) -> Result<Head, StoreError> {
        self.inner.head()
    }
    fn write(&self, batch: WriteBatch) -> Result<(), StoreError> {
        if !batch.records.is_empty() {
            if self.fail_record_writes.load(Ordering::SeqCst) {
                return Err(disk_full());
            }
            let left = self.record_writes_left.load(Ordering::SeqCst);
            if left == 0 {
                return Err(disk_full());
            }
            if left != usize::MAX {
                self.record_writes_left.store(left - 1, Ordering::SeqCst);
            }
        }
        self.inner.write(batch)
    }
    fn sync(&self) -> Result<(), StoreError> {
        if self.fail_sync.load(Ordering::SeqCst) {
            return Err(disk_full());
        }
        self.inner.sync()
    }
    fn get(&self, seq: u64) -> Result<Option<StoredRecord>, StoreError> {
        self.inner.get(seq)
    }
    fn scan(&self, from: u64, to: u64) -> Box<dyn Iterator<Item = Result<StoredRecord, StoreError>> + Send + '_> {
        self.inner.scan(from, to)
    }
    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        self.inner.node(level, index)
    }
    fn scan_nodes(
        &self,
        level: u32,
        from: u64,
    ) -> Box<dyn Iterator<Item = Result<(u64, Hash), StoreError>> + Send + '_> {
        self.inner.scan_nodes(level, from)
    }
    fn discard_from(&self, len: u64) -> Result<(), StoreError> {
        self.inner.discard_from(len)?;
        if self.discard_syncs {
            self.sync()?;
        }
        Ok(())
    }
    fn put_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.inner.put_meta(key, value)
    }
    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get_meta(key)
    }
    fn meta_with_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.inner.meta_with_prefix(prefix)
    }
}

fn batch() -> Vec<Value> {
    vec![
        entity("newco", "enterprise", "city"),
        account("newco-acct", "newco"),
        disbursement("d1", "treasury", "newco-acct", "5"),
    ]
}

fn state(ledger: &Ledger, backend: &Flaky) -> (Head, u64) {
    assert!(backend.get(ledger.len()).unwrap().is_none(), "no record past the head");
    assert_eq!(backend.head().unwrap(), ledger.head());
    verify_log(backend, |_| {}).unwrap_or_else(|f| panic!("verify: {f}"));
    (ledger.head(), ledger.len())
}

fn store_error(r: Result<pledger_store::AppendOutcome, AppendError>) -> StoreError {
    match r {
        Err(AppendError::Store(e)) => e,
        other => panic!("expected a store error, got {other:?}"),
    }
}

#[test]
fn given_the_disk_refuses_a_write_then_the_append_fails_and_leaves_no_trace() {
    let backend = Flaky::new(false);
    let ledger = open(backend.clone());
    ledger.append(preps(founding())).unwrap();
    let before = state(&ledger, &backend);

    backend.fail_record_writes.store(true, Ordering::SeqCst);
    let e = store_error(ledger.append(preps(batch())));
    assert!(matches!(e, StoreError::DiskFull(_)), "{e}");
    assert!(e.to_string().contains("nothing was written"), "{e}");
    assert_eq!(state(&ledger, &backend), before);

    // When the disk is back, the same events go in at the same seqs: the
    // registry forgot them.
    backend.heal();
    let out = ledger.append(preps(batch())).unwrap();
    assert_eq!(out.appended(), 3);
    assert_eq!(out.receipts[0].seq, before.1);
    check_chain(backend.as_ref());
}

#[test]
fn given_the_sync_fails_after_the_write_landed_then_the_tail_is_undone() {
    let backend = Flaky::new(false);
    let ledger = open(backend.clone());
    ledger.append(preps(founding())).unwrap();
    let before = state(&ledger, &backend);

    backend.fail_sync.store(true, Ordering::SeqCst);
    let e = store_error(ledger.append(preps(batch())));
    assert!(matches!(e, StoreError::DiskFull(_)), "{e}");
    assert_eq!(state(&ledger, &backend), before);

    backend.heal();
    let out = ledger.append(preps(batch())).unwrap();
    assert_eq!(out.appended(), 3);
    assert_eq!(out.receipts[0].seq, before.1);
    check_chain(backend.as_ref());
}

#[test]
fn given_an_import_whose_second_chunk_the_disk_refuses_then_nothing_is_imported() {
    let backend = Flaky::new(false);
    let ledger = open(backend.clone());
    ledger.append(preps(founding())).unwrap();
    let before = state(&ledger, &backend);

    backend.record_writes_left.store(1, Ordering::SeqCst);
    let (tx, rx) = Ledger::import_channel();
    let chunks: Vec<Vec<Value>> = vec![
        vec![entity("newco", "enterprise", "city"), account("newco-acct", "newco")],
        vec![disbursement("d1", "treasury", "newco-acct", "5")],
        vec![disbursement("d2", "treasury", "newco-acct", "5")],
    ];
    let feeder = std::thread::spawn(move || {
        for c in chunks {
            if tx.send(Ok(preps(c))).is_err() {
                break;
            }
        }
    });
    let e = store_error(ledger.import(rx));
    feeder.join().unwrap();
    assert!(matches!(e, StoreError::DiskFull(_)), "{e}");
    assert_eq!(state(&ledger, &backend), before);

    backend.heal();
    let out = ledger.append(preps(batch())).unwrap();
    assert_eq!(out.appended(), 3, "the import's ids are free again");
    check_chain(backend.as_ref());
}

#[test]
fn given_a_transient_disk_full_on_a_backend_whose_discard_syncs_then_appends_resume_once_space_is_freed() {
    // SledBackend::discard_from ends with a sync; on a full disk that sync
    // fails as the commit's did.
    let backend = Flaky::new(true);
    let ledger = open(backend.clone());
    ledger.append(preps(founding())).unwrap();
    let before = (ledger.head(), ledger.len());

    backend.fail_sync.store(true, Ordering::SeqCst);
    let e = store_error(ledger.append(preps(batch())));
    assert!(e.to_string().contains("free space and retry"), "{e}");
    assert_eq!((ledger.head(), ledger.len()), before);

    // The operator frees space and retries, as the message says.
    backend.heal();
    let out = ledger
        .append(preps(batch()))
        .unwrap_or_else(|e| panic!("after space is freed the retry should succeed, got: {e}"));
    assert_eq!(out.receipts[0].seq, before.1);
}
