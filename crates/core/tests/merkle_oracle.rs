//! Property tests against an independent implementation, ct-merkle 0.3, used
//! with `blake3::Hasher` (blake3's `traits-preview` feature implements the
//! `digest` 0.11 traits ct-merkle needs).
//!
//! Apples to apples: ct-merkle's leaf hash is `H(0x00 || leaf bytes)` and its
//! parent hash `H(0x01 || left || right)`; with the leaf being the 32-byte
//! record hash itself that is exactly our `leaf_hash(record_hash)` and
//! `node_hash`. Its empty root is `H("")`, its proofs are the RFC 6962/9162
//! paths, concatenated, so they compare byte for byte with ours.
//!
//! Also checks that `Frontier` (append path) and the nodes it emits agree with
//! `MemTree`.

use std::collections::HashMap;

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use pledger_core::merkle::{
    consistency_proof, inclusion_proof, root, verify_consistency, verify_inclusion, Frontier, Hash, MemTree, TreeNodes,
};
use proptest::prelude::*;

type Oracle = MemoryBackedTree<blake3::Hasher, Hash>;

/// Deterministic record hashes: proptest shrinks `size` and `seed` instead of
/// 300 arrays.
fn records(size: u64, seed: u64) -> Vec<Hash> {
    (0..size)
        .map(|i| {
            let mut h = blake3::Hasher::new();
            h.update(&seed.to_le_bytes());
            h.update(&i.to_le_bytes());
            *h.finalize().as_bytes()
        })
        .collect()
}

fn oracle(records: &[Hash]) -> Oracle {
    let mut t = Oracle::new();
    for r in records {
        t.push(*r);
    }
    t
}

fn oracle_root(t: &Oracle) -> Hash {
    t.root().as_bytes().as_slice().try_into().expect("32 bytes")
}

fn oracle_root_hash(h: &Hash, size: u64) -> RootHash<blake3::Hasher> {
    RootHash::new(ct_merkle::digest::Output::<blake3::Hasher>::from(*h), size)
}

fn idx(i: u64) -> usize {
    usize::try_from(i).expect("small index")
}

/// Nodes as a store would keep them: whatever `Frontier::push` emitted.
#[derive(Default)]
struct MapNodes(HashMap<(u32, u64), Hash>);

#[derive(Debug, PartialEq)]
struct Missing(u32, u64);

impl TreeNodes for MapNodes {
    type Error = Missing;
    fn node(&self, level: u32, index: u64) -> Result<Hash, Missing> {
        self.0.get(&(level, index)).copied().ok_or(Missing(level, index))
    }
}

/// Compares, for a tree of `size` leaves served by `nodes` (which may hold
/// more), every root, inclusion proof and consistency proof with ct-merkle.
fn check_against_oracle<T>(records: &[Hash], size: u64, nodes: &T) -> Result<(), TestCaseError>
where
    T: TreeNodes,
    T::Error: std::fmt::Debug,
{
    let ct = oracle(&records[..idx(size)]);
    let ct_root = oracle_root(&ct);
    let our_root = root(size, nodes).expect("root");
    prop_assert_eq!(our_root, ct_root, "root of size {}", size);

    for i in 0..size {
        let ours = inclusion_proof(i, size, nodes).expect("inclusion proof");
        let theirs = ct.prove_inclusion(idx(i));
        prop_assert_eq!(ours.concat(), theirs.as_bytes().to_vec(), "inclusion {} in {}", i, size);
        verify_inclusion(i, size, &records[idx(i)], &ours, &our_root).expect("we verify");
        let proof = InclusionProof::<blake3::Hasher>::from_bytes(ours.concat());
        prop_assert!(
            ct.root().verify_inclusion(&records[idx(i)], i, &proof).is_ok(),
            "ct-merkle rejects our inclusion proof {} in {}",
            i,
            size
        );
    }

    for old in 1..=size {
        let ours = consistency_proof(old, size, nodes).expect("consistency proof");
        let theirs = ct.prove_consistency(idx(size - old));
        prop_assert_eq!(
            ours.concat(),
            theirs.as_bytes().to_vec(),
            "consistency {} -> {}",
            old,
            size
        );
        let old_root = root(old, nodes).expect("old root");
        verify_consistency(old, size, &old_root, &our_root, &ours).expect("we verify");
        let proof = ConsistencyProof::<blake3::Hasher>::try_from_bytes(ours.concat()).expect("whole hashes");
        prop_assert!(
            ct.root()
                .verify_consistency(&oracle_root_hash(&old_root, old), &proof)
                .is_ok(),
            "ct-merkle rejects our consistency proof {} -> {}",
            old,
            size
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Roots of every prefix, grown one leaf at a time, against ct-merkle and
    /// Frontier; roots read from a larger tree must match too.
    #[test]
    fn prefix_roots_match_oracle_and_frontier(size in 0u64..=300, seed in any::<u64>()) {
        let recs = records(size, seed);
        let mem = MemTree::from_record_hashes(&recs);
        let mut ct = Oracle::new();
        let mut frontier = Frontier::new();
        let mut grown = MemTree::new();
        prop_assert_eq!(root(0, &mem).expect("root"), oracle_root(&ct));
        prop_assert_eq!(frontier.root(), oracle_root(&ct));
        for (k, r) in recs.iter().enumerate() {
            ct.push(*r);
            frontier.push(r);
            grown.push(r);
            let want = oracle_root(&ct);
            prop_assert_eq!(root(k as u64 + 1, &mem).expect("root"), want, "prefix {}", k + 1);
            prop_assert_eq!(frontier.root(), want, "frontier at {}", k + 1);
            prop_assert_eq!(grown.root(), want, "memtree at {}", k + 1);
        }
    }

    /// Every inclusion and consistency proof at the full size and at a
    /// prefix size (served from the larger tree), byte for byte.
    #[test]
    fn proofs_match_oracle(size in 1u64..=300, seed in any::<u64>(), cut in any::<u64>()) {
        let recs = records(size, seed);
        let mem = MemTree::from_record_hashes(&recs);
        check_against_oracle(&recs, size, &mem)?;
        let prefix = 1 + cut % size;
        check_against_oracle(&recs, prefix, &mem)?;
    }

    /// Frontier emits each complete node exactly once; served from a map
    /// they give the same roots and proofs as MemTree and ct-merkle. A
    /// frontier restored from its peaks mid-way carries on identically.
    #[test]
    fn frontier_nodes_serve_proofs(size in 1u64..=300, seed in any::<u64>(), cut in any::<u64>()) {
        let recs = records(size, seed);
        let mem = MemTree::from_record_hashes(&recs);
        let restore_at = cut % (size + 1);

        let mut frontier = Frontier::new();
        let mut map = MapNodes::default();
        for (k, r) in recs.iter().enumerate() {
            if k as u64 == restore_at {
                let peaks = frontier.peaks().to_vec();
                frontier = Frontier::from_peaks(frontier.size(), peaks).expect("restore");
            }
            let emitted = frontier.push(r);
            prop_assert_eq!(emitted[0].0, 0, "leaf first");
            prop_assert_eq!(emitted[0].1, k as u64);
            prop_assert_eq!(emitted.len() as u32, (k as u64).trailing_ones() + 1);
            for (level, index, h) in emitted {
                prop_assert_eq!(mem.node(level, index), Ok(h), "node ({}, {})", level, index);
                prop_assert!(map.0.insert((level, index), h).is_none(), "emitted twice");
            }
        }
        prop_assert_eq!(frontier.size(), size);
        prop_assert_eq!(frontier.root(), mem.root());
        // Every complete node of the tree was emitted: sum over levels of
        // floor(size / 2^level).
        let total: u64 = (0..64).map(|l| size >> l).sum();
        prop_assert_eq!(map.0.len() as u64, total);

        for k in 0..=size {
            prop_assert_eq!(root(k, &map), root(k, &mem).map_err(|_| Missing(0, 0)));
        }
        for i in 0..size {
            prop_assert_eq!(
                inclusion_proof(i, size, &map).expect("from map"),
                inclusion_proof(i, size, &mem).expect("from memtree")
            );
        }
        for old in 1..=size {
            prop_assert_eq!(
                consistency_proof(old, size, &map).expect("from map"),
                consistency_proof(old, size, &mem).expect("from memtree")
            );
        }
        check_against_oracle(&recs, size, &map)?;
    }
}
