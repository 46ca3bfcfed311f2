//! The Merkle tree as the store holds it: complete subtrees at level
//! [`LogBackend::min_stored_level`] and above are read from disk; smaller
//! ones are recomputed from the records' stored hashes.

use crate::backend::LogBackend;
use crate::error::StoreError;
use pledger_core::merkle::{MemTree, TreeNodes};
use pledger_core::Hash;

pub struct StoredTree<'a> {
    backend: &'a dyn LogBackend,
}

impl<'a> StoredTree<'a> {
    pub fn new(backend: &'a dyn LogBackend) -> StoredTree<'a> {
        StoredTree { backend }
    }
}

impl TreeNodes for StoredTree<'_> {
    type Error = StoreError;

    fn node(&self, level: u32, index: u64) -> Result<Hash, StoreError> {
        if level >= self.backend.min_stored_level() {
            return self
                .backend
                .node(level, index)?
                .ok_or_else(|| StoreError::Corrupt(format!("Merkle node ({level}, {index}) is missing")));
        }
        let width = 1u64 << level;
        let start = index
            .checked_mul(width)
            .ok_or_else(|| StoreError::Corrupt(format!("Merkle node ({level}, {index}) is out of range")))?;
        let hashes: Vec<Hash> = self
            .backend
            .scan(start, start.saturating_add(width))
            .map(|r| {
                let r = r?;
                r.hash()
                    .ok_or_else(|| StoreError::Corrupt(format!("record {} is truncated", r.seq)))
            })
            .collect::<Result<_, _>>()?;
        if hashes.len() as u64 != width {
            return Err(StoreError::Corrupt(format!(
                "records {start}..{} needed for a Merkle node are missing",
                start + width
            )));
        }
        Ok(MemTree::from_record_hashes(hashes.iter()).root())
    }
}
