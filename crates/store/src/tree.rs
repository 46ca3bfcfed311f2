//! The Merkle tree as the store holds it: complete subtrees at level
//! [`LogBackend::min_stored_level`] and above are read from disk; smaller
//! ones are recomputed from the records' stored hashes.
//!
//! Recomputing goes by *blocks*: the aligned run of `2^min_stored_level`
//! records (256 with sled) that holds the requested subtree is read with one
//! scan and hashed into a small in-memory tree, which answers every smaller
//! node inside that block. An inclusion proof needs the nodes of one block
//! (the leaf's) and a root needs those of another (the right edge), so the
//! last two blocks are kept. A `StoredTree` is meant for one request (build
//! a new one per proof, root or check): it never forgets a block, and a
//! block read while records past the committed head were still being
//! written is only right for the complete subtrees the caller asks about.

use crate::backend::LogBackend;
use crate::error::StoreError;
use pledger_core::merkle::{MemTree, TreeNodes};
use pledger_core::Hash;
use std::sync::Mutex;

/// Blocks kept: the leaf's and the right edge's.
const CACHED_BLOCKS: usize = 2;

pub struct StoredTree<'a> {
    backend: &'a dyn LogBackend,
    /// Recently hashed blocks, most recent last: (block number, its tree).
    blocks: Mutex<Vec<(u64, MemTree)>>,
}

impl<'a> StoredTree<'a> {
    pub fn new(backend: &'a dyn LogBackend) -> StoredTree<'a> {
        StoredTree {
            backend,
            blocks: Mutex::new(Vec::with_capacity(CACHED_BLOCKS)),
        }
    }

    /// Hashes the records of block `block` (as many as are contiguous from
    /// its start) into a tree.
    fn read_block(&self, block: u64, block_level: u32) -> Result<MemTree, StoreError> {
        let start = block << block_level;
        let end = start.saturating_add(1u64 << block_level);
        let mut tree = MemTree::new();
        for r in self.backend.scan(start, end) {
            let r = r?;
            if r.seq != start + tree.size() {
                break;
            }
            let h = r
                .hash()
                .ok_or_else(|| StoreError::Corrupt(format!("record {} is truncated", r.seq)))?;
            tree.push(&h);
        }
        Ok(tree)
    }
}

impl TreeNodes for StoredTree<'_> {
    type Error = StoreError;

    fn node(&self, level: u32, index: u64) -> Result<Hash, StoreError> {
        let min = self.backend.min_stored_level();
        if level >= min {
            return self
                .backend
                .node(level, index)?
                .ok_or_else(|| StoreError::Corrupt(format!("Merkle node ({level}, {index}) is missing")));
        }
        let start = index
            .checked_mul(1u64 << level)
            .ok_or_else(|| StoreError::Corrupt(format!("Merkle node ({level}, {index}) is out of range")))?;
        let block = start >> min;
        // The node's index inside its block's tree.
        let local = index - (block << (min - level));
        let missing = || {
            StoreError::Corrupt(format!(
                "records {start}..{} needed for a Merkle node are missing",
                start + (1u64 << level)
            ))
        };
        let mut blocks = self
            .blocks
            .lock()
            .map_err(|_| StoreError::Backend("tree cache poisoned".into()))?;
        if let Some(pos) = blocks.iter().position(|(b, _)| *b == block) {
            if let Ok(h) = blocks[pos].1.node(level, local) {
                return Ok(h);
            }
            // The block had fewer records when it was read: read it again.
            blocks.remove(pos);
        }
        let tree = self.read_block(block, min)?;
        let h = tree.node(level, local).map_err(|_| missing())?;
        if blocks.len() == CACHED_BLOCKS {
            blocks.remove(0);
        }
        blocks.push((block, tree));
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{Head, StoredRecord, WriteBatch};
    use crate::sled_backend::SledBackend;
    use pledger_core::merkle::{consistency_proof, inclusion_proof, root, Frontier};

    #[test]
    fn matches_an_in_memory_tree_across_block_edges() {
        let dir = tempfile::tempdir().unwrap();
        let b = SledBackend::open(dir.path()).unwrap();
        let n = 1000u64;
        let hashes: Vec<Hash> = (0..n).map(|i| *blake3::hash(&i.to_le_bytes()).as_bytes()).collect();
        let mut f = Frontier::new();
        let mut batch = WriteBatch::default();
        for (i, h) in hashes.iter().enumerate() {
            batch.nodes.extend(f.push(h));
            batch.records.push(StoredRecord::new(i as u64, h, b"{}"));
        }
        batch.head = Some(Head {
            len: n,
            hash: hashes[n as usize - 1],
        });
        b.write(batch).unwrap();
        let mem = MemTree::from_record_hashes(&hashes);
        let t = StoredTree::new(&b);
        for size in [1, 2, 255, 256, 257, 511, 512, 513, 767, 999, 1000] {
            assert_eq!(root(size, &t).unwrap(), root(size, &mem).unwrap(), "root {size}");
            for i in [0, 1, size / 2, size - 1].into_iter().filter(|&i| i < size) {
                assert_eq!(
                    inclusion_proof(i, size, &t).unwrap(),
                    inclusion_proof(i, size, &mem).unwrap(),
                    "path {i} in {size}"
                );
            }
            for m in [1, size / 3 + 1, size] {
                assert_eq!(
                    consistency_proof(m, size, &t).unwrap(),
                    consistency_proof(m, size, &mem).unwrap()
                );
            }
        }
        // Beyond the records: missing, not made up.
        assert!(t.node(3, 1000 / 8 + 1).is_err());
        assert!(t.node(0, 1000).is_err());
    }
}
