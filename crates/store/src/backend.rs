//! The storage trait: the least a log engine must do for pledger.
//!
//! A backend stores opaque record bytes by seq, Merkle nodes by position,
//! a committed head, and small named blobs (checkpoints). It knows nothing
//! of events or hashing rules; [`crate::ledger::Ledger`] decides what to
//! write. A replicated backend implements this trait and nothing above it
//! changes.

use crate::error::StoreError;
use pledger_core::Hash;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// How far the log is committed: `len` records, the last with `hash`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Head {
    pub len: u64,
    pub hash: Hash,
}

impl Head {
    pub fn encode(&self) -> [u8; 40] {
        let mut out = [0u8; 40];
        out[..8].copy_from_slice(&self.len.to_be_bytes());
        out[8..].copy_from_slice(&self.hash);
        out
    }

    pub fn decode(b: &[u8]) -> Option<Head> {
        if b.len() != 40 {
            return None;
        }
        let len = u64::from_be_bytes(b[..8].try_into().ok()?);
        let hash = b[8..].try_into().ok()?;
        Some(Head { len, hash })
    }
}

/// A record as stored: its hash, then the JCS bytes of the record without
/// its hash (what the hash is computed over).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    pub seq: u64,
    pub bytes: Vec<u8>,
}

impl StoredRecord {
    pub fn new(seq: u64, hash: &Hash, body: &[u8]) -> StoredRecord {
        let mut bytes = Vec::with_capacity(32 + body.len());
        bytes.extend_from_slice(hash);
        bytes.extend_from_slice(body);
        StoredRecord { seq, bytes }
    }

    /// The stored hash; `None` when the value is too short to hold one.
    pub fn hash(&self) -> Option<Hash> {
        self.bytes.get(..32)?.try_into().ok()
    }

    pub fn body(&self) -> &[u8] {
        self.bytes.get(32..).unwrap_or(&[])
    }
}

/// One atomic write: all of it lands or none of it does.
#[derive(Debug, Default)]
pub struct WriteBatch {
    pub records: Vec<StoredRecord>,
    /// Merkle nodes newly completed: (level, index, hash).
    pub nodes: Vec<(u32, u64, Hash)>,
    /// Moves the committed head; `None` for the inner chunks of an import,
    /// which stay invisible until the final chunk commits them.
    pub head: Option<Head>,
}

/// A storage engine for the log.
pub trait LogBackend: Send + Sync + 'static {
    /// The committed head (len 0 for an empty log).
    fn head(&self) -> Result<Head, StoreError>;
    /// Writes a batch atomically. Not durable until [`LogBackend::sync`].
    fn write(&self, batch: WriteBatch) -> Result<(), StoreError>;
    /// Makes every earlier write durable.
    fn sync(&self) -> Result<(), StoreError>;
    /// Keeps a batch that is already durable elsewhere: records a follower
    /// read from a shared store. A backend that is itself that store (a
    /// PostgreSQL one) keeps only its local copy; others write and sync.
    fn adopt(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.write(batch)?;
        self.sync()
    }
    /// One record by seq (committed or not).
    fn get(&self, seq: u64) -> Result<Option<StoredRecord>, StoreError>;
    /// Records with `from <= seq < to`, in seq order.
    fn scan(&self, from: u64, to: u64) -> Box<dyn Iterator<Item = Result<StoredRecord, StoreError>> + Send + '_>;
    /// A Merkle node, if stored.
    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError>;
    /// Levels below this are not stored: they are recomputed from the
    /// records' hashes (see `sled_backend::MIN_STORED_LEVEL`).
    fn min_stored_level(&self) -> u32 {
        0
    }
    /// Stored nodes of one level with index >= `from`, in index order.
    fn scan_nodes(
        &self,
        level: u32,
        from: u64,
    ) -> Box<dyn Iterator<Item = Result<(u64, Hash), StoreError>> + Send + '_>;
    /// Removes every record with seq >= `len` and every node beyond a tree
    /// of `len` leaves: the leftovers of an import that never committed.
    fn discard_from(&self, len: u64) -> Result<(), StoreError>;
    /// Makes the engine usable again after a failed write poisoned it (a
    /// full disk), keeping only what is durable. Nothing to do by default.
    fn recover(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Small named values beside the log (checkpoints, snapshots' marks).
    fn put_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError>;
    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Named values whose key starts with `prefix`, in key order.
    fn meta_with_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
}

/// A backend in memory, for tests of everything above the trait.
#[derive(Default)]
pub struct MemBackend {
    inner: Mutex<MemInner>,
}

#[derive(Default)]
struct MemInner {
    records: BTreeMap<u64, Vec<u8>>,
    nodes: BTreeMap<(u32, u64), Hash>,
    head: Head,
    meta: BTreeMap<String, Vec<u8>>,
}

impl MemBackend {
    pub fn new() -> MemBackend {
        MemBackend::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, MemInner>, StoreError> {
        self.inner
            .lock()
            .map_err(|_| StoreError::Backend("memory backend lock poisoned".into()))
    }
}

impl LogBackend for MemBackend {
    fn head(&self) -> Result<Head, StoreError> {
        Ok(self.lock()?.head)
    }

    fn write(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let mut g = self.lock()?;
        for r in batch.records {
            g.records.insert(r.seq, r.bytes);
        }
        for (l, i, h) in batch.nodes {
            g.nodes.insert((l, i), h);
        }
        if let Some(h) = batch.head {
            g.head = h;
        }
        Ok(())
    }

    fn sync(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn get(&self, seq: u64) -> Result<Option<StoredRecord>, StoreError> {
        Ok(self
            .lock()?
            .records
            .get(&seq)
            .map(|b| StoredRecord { seq, bytes: b.clone() }))
    }

    fn scan(&self, from: u64, to: u64) -> Box<dyn Iterator<Item = Result<StoredRecord, StoreError>> + Send + '_> {
        let items: Vec<_> = match self.lock() {
            Ok(g) => g
                .records
                .range(from..to)
                .map(|(s, b)| {
                    Ok(StoredRecord {
                        seq: *s,
                        bytes: b.clone(),
                    })
                })
                .collect(),
            Err(e) => vec![Err(e)],
        };
        Box::new(items.into_iter())
    }

    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        Ok(self.lock()?.nodes.get(&(level, index)).copied())
    }

    fn scan_nodes(
        &self,
        level: u32,
        from: u64,
    ) -> Box<dyn Iterator<Item = Result<(u64, Hash), StoreError>> + Send + '_> {
        let items: Vec<_> = match self.lock() {
            Ok(g) => g
                .nodes
                .range((level, from)..=(level, u64::MAX))
                .map(|((_, i), h)| Ok((*i, *h)))
                .collect(),
            Err(e) => vec![Err(e)],
        };
        Box::new(items.into_iter())
    }

    fn discard_from(&self, len: u64) -> Result<(), StoreError> {
        let mut g = self.lock()?;
        g.records.retain(|s, _| *s < len);
        g.nodes
            .retain(|(l, i), _| (i + 1).checked_shl(*l).is_some_and(|end| end <= len));
        Ok(())
    }

    fn put_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.lock()?.meta.insert(key.to_string(), value.to_vec());
        Ok(())
    }

    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock()?.meta.get(key).cloned())
    }

    fn meta_with_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .lock()?
            .meta
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
}
