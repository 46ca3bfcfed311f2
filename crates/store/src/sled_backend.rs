//! The embedded default backend: one sled tree, keys by prefix.
//!
//! | key                           | value                         |
//! |-------------------------------|-------------------------------|
//! | `r` + seq (u64 big-endian)    | record hash (32) + JCS body   |
//! | `n` + level (u8) + index (u64 BE) | Merkle node hash (32)     |
//! | `h`                           | committed head: len + hash    |
//! | `m` + name                    | named blobs (checkpoints ...) |
//!
//! Big-endian seqs make key order seq order, so a full scan of the log is
//! one sequential range read. One tree keeps every batch atomic: sled's
//! `apply_batch` is atomic within a tree, and a group commit touches
//! records, nodes and head together.

use crate::backend::{Head, LogBackend, StoredRecord, WriteBatch};
use crate::error::StoreError;
use pledger_core::Hash;
use std::path::Path;

const HEAD_KEY: &[u8] = b"h";

fn record_key(seq: u64) -> [u8; 9] {
    let mut k = [b'r'; 9];
    k[1..].copy_from_slice(&seq.to_be_bytes());
    k
}

fn node_key(level: u32, index: u64) -> [u8; 10] {
    let mut k = [b'n'; 10];
    k[1] = level as u8;
    k[2..].copy_from_slice(&index.to_be_bytes());
    k
}

fn meta_key(name: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(name.len() + 1);
    k.push(b'm');
    k.extend_from_slice(name.as_bytes());
    k
}

pub struct SledBackend {
    db: sled::Db,
    tree: sled::Tree,
}

impl SledBackend {
    /// Opens (or creates) the store in `dir`. The cache is kept modest: a
    /// year's import must fit a small machine beside the views.
    pub fn open(dir: &Path) -> Result<SledBackend, StoreError> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(128 * 1024 * 1024)
            .mode(sled::Mode::HighThroughput)
            .open()?;
        let tree = db.open_tree("log")?;
        Ok(SledBackend { db, tree })
    }

    fn decode_record(k: &[u8], v: &[u8]) -> Result<StoredRecord, StoreError> {
        let seq = k
            .get(1..9)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_be_bytes)
            .ok_or_else(|| StoreError::Corrupt("a record key has the wrong length".into()))?;
        Ok(StoredRecord { seq, bytes: v.to_vec() })
    }
}

impl LogBackend for SledBackend {
    fn head(&self) -> Result<Head, StoreError> {
        match self.tree.get(HEAD_KEY)? {
            None => Ok(Head::default()),
            Some(v) => Head::decode(&v).ok_or_else(|| StoreError::Corrupt("the committed head is malformed".into())),
        }
    }

    fn write(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let mut b = sled::Batch::default();
        for r in batch.records {
            b.insert(&record_key(r.seq), r.bytes);
        }
        for (level, index, hash) in batch.nodes {
            b.insert(&node_key(level, index), &hash[..]);
        }
        if let Some(h) = batch.head {
            b.insert(HEAD_KEY, &h.encode()[..]);
        }
        self.tree.apply_batch(b)?;
        Ok(())
    }

    fn sync(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    fn get(&self, seq: u64) -> Result<Option<StoredRecord>, StoreError> {
        Ok(self
            .tree
            .get(record_key(seq))?
            .map(|v| StoredRecord { seq, bytes: v.to_vec() }))
    }

    fn scan(&self, from: u64, to: u64) -> Box<dyn Iterator<Item = Result<StoredRecord, StoreError>> + Send + '_> {
        if from >= to {
            return Box::new(std::iter::empty());
        }
        Box::new(self.tree.range(record_key(from)..record_key(to)).map(|item| {
            let (k, v) = item?;
            SledBackend::decode_record(&k, &v)
        }))
    }

    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        match self.tree.get(node_key(level, index))? {
            None => Ok(None),
            Some(v) => v
                .as_ref()
                .try_into()
                .map(Some)
                .map_err(|_| StoreError::Corrupt(format!("tree node ({level}, {index}) is not 32 bytes"))),
        }
    }

    fn scan_nodes(
        &self,
        level: u32,
        from: u64,
    ) -> Box<dyn Iterator<Item = Result<(u64, Hash), StoreError>> + Send + '_> {
        Box::new(
            self.tree
                .range(node_key(level, from)..=node_key(level, u64::MAX))
                .map(move |item| {
                    let (k, v) = item?;
                    let index = k.get(2..10).and_then(|b| b.try_into().ok()).map(u64::from_be_bytes);
                    let hash: Option<Hash> = v.as_ref().try_into().ok();
                    match (index, hash) {
                        (Some(i), Some(h)) => Ok((i, h)),
                        _ => Err(StoreError::Corrupt(format!(
                            "a tree node at level {level} is malformed"
                        ))),
                    }
                }),
        )
    }

    fn discard_from(&self, len: u64) -> Result<(), StoreError> {
        let mut b = sled::Batch::default();
        for item in self.tree.range(record_key(len)..=record_key(u64::MAX)) {
            b.remove(item?.0);
        }
        for level in 0..64u32 {
            let first_stale = len >> level;
            for item in self
                .tree
                .range(node_key(level, first_stale)..=node_key(level, u64::MAX))
            {
                b.remove(item?.0);
            }
        }
        self.tree.apply_batch(b)?;
        self.sync()
    }

    fn put_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.tree.insert(meta_key(key), value)?;
        Ok(())
    }

    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree.get(meta_key(key))?.map(|v| v.to_vec()))
    }

    fn meta_with_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.tree
            .scan_prefix(meta_key(prefix))
            .map(|item| {
                let (k, v) = item?;
                let name = String::from_utf8_lossy(k.get(1..).unwrap_or(&[])).into_owned();
                Ok((name, v.to_vec()))
            })
            .collect()
    }
}
