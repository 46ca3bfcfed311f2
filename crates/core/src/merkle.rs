//! Merkle tree math of RFC 9162 section 2.1, with BLAKE3 in place of SHA-256
//! (contract section 1.3).
//!
//! Everything here is pure: no I/O, no clocks, no async. Stored tree nodes are
//! read through the [`TreeNodes`] trait so that the same code serves the live
//! store, an in-memory tree ([`MemTree`]) and offline bundle verification.
//!
//! Node addressing: `node(level, index)` is the Merkle Tree Hash of the
//! complete, power-of-two sized subtree of leaves
//! `[index << level, (index + 1) << level)`. Level 0 holds leaf hashes
//! (`leaf_hash(record_hash)`). Only complete subtrees are ever stored; hashes
//! of ranges that are not complete (the right edge of a tree whose size is not
//! a power of two) are computed from at most 64 complete-subtree nodes, never
//! from leaves one by one. As a result [`root`], [`inclusion_proof`] and
//! [`consistency_proof`] each read O(log n) nodes.
//!
//! Edge cases, decided per RFC 9162:
//! - The root of the empty tree is BLAKE3 of the empty string (RFC 9162 2.1.1).
//! - An inclusion proof needs `index < size`; a proof for the only leaf of a
//!   tree of size 1 is empty.
//! - A consistency proof from `old` to `new` needs `0 < old <= new`. RFC 9162
//!   2.1.4 only defines proofs for a non-empty old tree: the empty tree is a
//!   prefix of every tree, so there is nothing to prove and no hash to check
//!   against. We therefore reject `old == 0` both when building and when
//!   verifying, instead of silently accepting anything. `old == new` gives the
//!   empty proof (RFC 9162 2.1.4.1, `SUBPROOF(m, D[m], true) = {}`), and is
//!   verified by requiring an empty path and equal roots (the RFC 2.1.4.2
//!   algorithm itself rejects empty paths, so it cannot be used for that case).

use thiserror::Error;

/// A BLAKE3 digest. Record hashes, leaf hashes, node hashes and roots are all
/// 32 bytes.
pub type Hash = [u8; 32];

/// Domain separator for leaves (RFC 9162 2.1.1), so a leaf can never be
/// passed off as an interior node (second-preimage protection).
const LEAF_PREFIX: u8 = 0x00;
/// Domain separator for interior nodes (RFC 9162 2.1.1).
const NODE_PREFIX: u8 = 0x01;

/// Restored frontiers are capped at 2^63 leaves, so that [`Frontier::push`]
/// cannot overflow `u64` in any feasible number of appends.
const MAX_RESTORE_SIZE: u64 = 1 << 63;

/// Leaf hash of a record: `BLAKE3(0x00 || record_hash)` (contract 1.3).
pub fn leaf_hash(record_hash: &Hash) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(&[LEAF_PREFIX]);
    h.update(record_hash);
    *h.finalize().as_bytes()
}

/// Interior node hash: `BLAKE3(0x01 || left || right)` (contract 1.3).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(&[NODE_PREFIX]);
    h.update(left);
    h.update(right);
    *h.finalize().as_bytes()
}

/// Root of the empty tree: BLAKE3 of the empty string, as RFC 9162 uses the
/// hash of the empty string.
pub fn empty_root() -> Hash {
    *blake3::hash(b"").as_bytes()
}

/// Source of stored complete-subtree hashes: node(level, index) is the Merkle tree hash of
/// leaves [index << level, (index+1) << level). level 0 = leaf hashes (already leaf_hash'ed).
///
/// Abstracting the storage lets the proof code stay pure while the store
/// decides where nodes live. Implementations only need to answer for
/// complete subtrees within the tree size asked about.
pub trait TreeNodes {
    /// Error returned when a node cannot be read (missing, I/O, ...).
    type Error;
    /// The hash of the complete subtree at `(level, index)`.
    fn node(&self, level: u32, index: u64) -> Result<Hash, Self::Error>;
}

impl<T: TreeNodes + ?Sized> TreeNodes for &T {
    type Error = T::Error;
    fn node(&self, level: u32, index: u64) -> Result<Hash, Self::Error> {
        (**self).node(level, index)
    }
}

/// Why a proof could not be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProofError<E> {
    /// The requested index or sizes make no sense (index >= size, old > new,
    /// old == 0); the message says which.
    #[error("invalid proof range: {0}")]
    InvalidRange(String),
    /// The node source failed; kept as the error source rather than repeated
    /// in the message, so error chains print it once.
    #[error("reading stored tree nodes failed")]
    Nodes(#[source] E),
}

/// Why a proof did not verify. Messages say plainly what failed, because
/// they are shown to auditors.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The index or sizes in the proof request are impossible.
    #[error("invalid proof range: {0}")]
    InvalidRange(String),
    /// The path does not have the number of hashes RFC 9162 prescribes for
    /// these sizes.
    #[error("proof path has {actual} hashes, but a proof for these sizes needs exactly {expected}")]
    PathLength {
        /// Hashes a correct proof has.
        expected: usize,
        /// Hashes the given proof has.
        actual: usize,
    },
    /// Inclusion: the root recomputed from the record hash and path differs.
    #[error("root mismatch: the root recomputed from the record hash and path does not match the given root")]
    RootMismatch,
    /// Consistency: the old root recomputed from the path differs.
    #[error("old root mismatch: the old tree's root recomputed from the path does not match the given old root")]
    OldRootMismatch,
    /// Consistency: the new root recomputed from the path differs. When the
    /// old size is a power of two the old root is the first input of that
    /// computation, so a wrong old root is also reported here.
    #[error("new root mismatch: the new tree's root recomputed from the path (and from the old root, when the old size is a power of two) does not match the given new root")]
    NewRootMismatch,
    /// Consistency with `old == new`: two different roots for one size.
    #[error("the old and new trees have the same size but different roots")]
    SameSizeRootsDiffer,
}

/// Largest power of two strictly less than `n` (RFC 9162's `k`); `n >= 2`.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Merkle tree hash of leaves `[lo, hi)`, `lo < hi`, where `lo` is a multiple
/// of a power of two `>= hi - lo` (true of every range RFC 9162's recursion
/// visits). The range splits into the complete subtrees given by the set bits
/// of `hi - lo` (largest first), so this reads `popcount(hi - lo)` nodes; for a
/// complete range that is exactly one read.
fn range_hash<T: TreeNodes>(lo: u64, hi: u64, nodes: &T) -> Result<Hash, T::Error> {
    debug_assert!(lo < hi);
    let n = hi - lo;
    // Collect peaks left to right, then fold from the right: the RFC tree is
    // left-balanced, so MTH = node(p0, node(p1, node(p2, ...))).
    let mut peaks: Vec<Hash> = Vec::with_capacity(n.count_ones() as usize);
    let mut offset = lo;
    for level in (0..64u32).rev() {
        if n & (1u64 << level) != 0 {
            peaks.push(nodes.node(level, offset >> level)?);
            offset += 1u64 << level;
        }
    }
    Ok(fold_peaks(&peaks).unwrap_or_else(empty_root))
}

/// Folds left-to-right peaks into a root; `None` for no peaks.
fn fold_peaks(peaks: &[Hash]) -> Option<Hash> {
    let mut it = peaks.iter().rev();
    let mut acc = *it.next()?;
    for p in it {
        acc = node_hash(p, &acc);
    }
    Some(acc)
}

/// Merkle tree hash (RFC 9162 2.1.1 `MTH`) of the first `size` leaves.
///
/// Reads one node per set bit of `size` (at most 64), so the root of any
/// prefix of a stored tree can be recomputed cheaply.
pub fn root<T: TreeNodes>(size: u64, nodes: &T) -> Result<Hash, T::Error> {
    if size == 0 {
        return Ok(empty_root());
    }
    range_hash(0, size, nodes)
}

/// Number of hashes in an inclusion proof for `index < size`.
fn inclusion_len(index: u64, size: u64) -> usize {
    let (mut lo, mut hi, mut len) = (0u64, size, 0usize);
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if index < lo + k {
            hi = lo + k;
        } else {
            lo += k;
        }
        len += 1;
    }
    len
}

/// Inclusion proof (RFC 9162 2.1.3.1 `PATH`) of leaf `index` in the tree of
/// the first `size` leaves, in RFC order (the sibling nearest the leaf first).
///
/// Walks from the root down; at most one sibling is an incomplete range
/// (computed from its peaks), all others are single node reads.
pub fn inclusion_proof<T: TreeNodes>(index: u64, size: u64, nodes: &T) -> Result<Vec<Hash>, ProofError<T::Error>> {
    if index >= size {
        return Err(ProofError::InvalidRange(format!(
            "leaf index {index} is not in a tree of size {size}"
        )));
    }
    let mut path = Vec::with_capacity(64);
    let (mut lo, mut hi) = (0u64, size);
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if index < lo + k {
            path.push(range_hash(lo + k, hi, nodes).map_err(ProofError::Nodes)?);
            hi = lo + k;
        } else {
            path.push(range_hash(lo, lo + k, nodes).map_err(ProofError::Nodes)?);
            lo += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// Number of hashes in a consistency proof for `0 < old < new`.
fn consistency_len(old: u64, new: u64) -> usize {
    let (mut m, mut lo, mut hi, mut b, mut len) = (old, 0u64, new, true, 0usize);
    loop {
        let n = hi - lo;
        if m == n {
            if !b {
                len += 1;
            }
            return len;
        }
        let k = split_point(n);
        if m <= k {
            hi = lo + k;
        } else {
            lo += k;
            m -= k;
            b = false;
        }
        len += 1;
    }
}

/// Consistency proof (RFC 9162 2.1.4.1 `PROOF(m, D[n])`) that the tree of the
/// first `old` leaves is a prefix of the tree of the first `new` leaves, in
/// RFC order.
///
/// `old == new` gives the empty proof. `old == 0` is rejected: RFC 9162 does
/// not define a proof from the empty tree (see the module docs).
pub fn consistency_proof<T: TreeNodes>(old: u64, new: u64, nodes: &T) -> Result<Vec<Hash>, ProofError<T::Error>> {
    check_consistency_sizes(old, new).map_err(ProofError::InvalidRange)?;
    if old == new {
        return Ok(Vec::new());
    }
    // Iterative SUBPROOF(m, D[lo:hi], b): collected root-first, then reversed.
    let mut path = Vec::with_capacity(64);
    let (mut m, mut lo, mut hi, mut b) = (old, 0u64, new, true);
    loop {
        let n = hi - lo;
        if m == n {
            if !b {
                path.push(range_hash(lo, hi, nodes).map_err(ProofError::Nodes)?);
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            path.push(range_hash(lo + k, hi, nodes).map_err(ProofError::Nodes)?);
            hi = lo + k;
        } else {
            path.push(range_hash(lo, lo + k, nodes).map_err(ProofError::Nodes)?);
            lo += k;
            m -= k;
            b = false;
        }
    }
    path.reverse();
    Ok(path)
}

fn check_consistency_sizes(old: u64, new: u64) -> Result<(), String> {
    if old == 0 {
        return Err(
            "old tree size is 0; RFC 9162 defines consistency proofs only from a non-empty tree \
             (the empty tree is a prefix of every tree)"
                .to_owned(),
        );
    }
    if old > new {
        return Err(format!("old tree size {old} is larger than new tree size {new}"));
    }
    Ok(())
}

/// Verifies an inclusion proof with the RFC 9162 2.1.3.2 algorithm.
///
/// `record_hash` is the record's hash as stored; `leaf_hash` is applied here so
/// callers cannot forget the domain separator. The path length is checked
/// first so a truncated or padded proof is reported as such.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    record_hash: &Hash,
    path: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    if index >= size {
        return Err(VerifyError::InvalidRange(format!(
            "leaf index {index} is not in a tree of size {size}"
        )));
    }
    let expected = inclusion_len(index, size);
    if path.len() != expected {
        return Err(VerifyError::PathLength {
            expected,
            actual: path.len(),
        });
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = leaf_hash(record_hash);
    for p in path {
        if snode == 0 {
            return Err(VerifyError::PathLength {
                expected,
                actual: path.len(),
            });
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(VerifyError::PathLength {
            expected,
            actual: path.len(),
        });
    }
    if r != *root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// Verifies a consistency proof with the RFC 9162 2.1.4.2 algorithm.
///
/// `old == new` requires an empty path and equal roots; `old == 0` is
/// rejected (see the module docs).
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    path: &[Hash],
) -> Result<(), VerifyError> {
    check_consistency_sizes(old, new).map_err(VerifyError::InvalidRange)?;
    if old == new {
        if !path.is_empty() {
            return Err(VerifyError::PathLength {
                expected: 0,
                actual: path.len(),
            });
        }
        if old_root != new_root {
            return Err(VerifyError::SameSizeRootsDiffer);
        }
        return Ok(());
    }
    let expected = consistency_len(old, new);
    let path_len_err = VerifyError::PathLength {
        expected,
        actual: path.len(),
    };
    if path.len() != expected {
        return Err(path_len_err);
    }
    // Step 2: if old is a power of two, the old root itself starts the path.
    let prefix: Option<&Hash> = old.is_power_of_two().then_some(old_root);
    let mut it = prefix.into_iter().chain(path.iter());
    let (mut fnode, mut snode) = (old - 1, new - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let first = it.next().ok_or_else(|| path_len_err.clone())?;
    let (mut fr, mut sr) = (*first, *first);
    for c in it {
        if snode == 0 {
            return Err(path_len_err);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(path_len_err);
    }
    if fr != *old_root {
        return Err(VerifyError::OldRootMismatch);
    }
    if sr != *new_root {
        return Err(VerifyError::NewRootMismatch);
    }
    Ok(())
}

/// Why a [`Frontier`] could not be restored.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FrontierError {
    /// A tree of `size` leaves has exactly `popcount(size)` peaks.
    #[error("a tree of size {size} has {expected} peaks, but {actual} were given")]
    PeakCount {
        /// Tree size given.
        size: u64,
        /// `size.count_ones()`.
        expected: usize,
        /// Peaks given.
        actual: usize,
    },
    /// Sizes above 2^63 are refused so appends can never overflow.
    #[error("tree size {0} is too large to restore (maximum 2^63)")]
    TooLarge(u64),
}

/// Incremental builder used at append time: O(log n) per leaf, keeps only the right-edge peaks.
///
/// The peaks are the roots of the complete subtrees the tree decomposes into,
/// one per set bit of `size`, largest (leftmost) first. That is all the state
/// needed to extend the tree and compute its root, so a store only has to
/// persist the nodes [`Frontier::push`] reports plus, optionally, the peaks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    peaks: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Restores a frontier from a stored size and its peaks (largest first),
    /// e.g. `node(level, (size >> level) - 1)` for each set bit `level` of
    /// `size`, from high to low.
    pub fn from_peaks(size: u64, peaks: Vec<Hash>) -> Result<Self, FrontierError> {
        if size > MAX_RESTORE_SIZE {
            return Err(FrontierError::TooLarge(size));
        }
        let expected = size.count_ones() as usize;
        if peaks.len() != expected {
            return Err(FrontierError::PeakCount {
                size,
                expected,
                actual: peaks.len(),
            });
        }
        Ok(Self { size, peaks })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Peaks, largest (leftmost) subtree first.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// Appends a record and returns every complete node newly formed, as
    /// `(level, index, hash)`, bottom-up: the leaf at level 0 first, then one
    /// node per merge. A store persists exactly these to serve [`TreeNodes`].
    ///
    /// # Panics
    /// If the tree already has `u64::MAX` leaves; unreachable in practice,
    /// since restored frontiers are capped at 2^63 leaves.
    pub fn push(&mut self, record_hash: &Hash) -> Vec<(u32, u64, Hash)> {
        let old = self.size;
        let new_size = old
            .checked_add(1)
            .expect("Merkle tree cannot hold more than u64::MAX leaves");
        let merges = old.trailing_ones();
        let mut out = Vec::with_capacity(merges as usize + 1);
        let mut level = 0u32;
        let mut index = old;
        let mut h = leaf_hash(record_hash);
        out.push((level, index, h));
        for _ in 0..merges {
            // A set low bit of `old` means a peak at this level sits last.
            let Some(left) = self.peaks.pop() else { break };
            h = node_hash(&left, &h);
            level += 1;
            index >>= 1;
            out.push((level, index, h));
        }
        self.peaks.push(h);
        self.size = new_size;
        out
    }

    /// Root of the tree so far (the empty root for size 0).
    pub fn root(&self) -> Hash {
        fold_peaks(&self.peaks).unwrap_or_else(empty_root)
    }
}

/// A node asked of a [`MemTree`] that it does not hold.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
#[error("tree node at level {level}, index {index} is not present")]
pub struct MissingNode {
    /// Level asked for.
    pub level: u32,
    /// Index asked for.
    pub index: u64,
}

/// In-memory [`TreeNodes`] implementation holding every complete node, one
/// `Vec` per level; built by pushing record hashes. For tests and for offline
/// bundle verification, where a verifier rebuilds the tree from records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemTree {
    levels: Vec<Vec<Hash>>,
}

impl MemTree {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a tree from record hashes in order.
    pub fn from_record_hashes<'a>(record_hashes: impl IntoIterator<Item = &'a Hash>) -> Self {
        let mut t = Self::new();
        for h in record_hashes {
            t.push(h);
        }
        t
    }

    /// Appends a record, adding its leaf and every node that becomes complete.
    pub fn push(&mut self, record_hash: &Hash) {
        let mut h = leaf_hash(record_hash);
        let mut level = 0usize;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(h);
            let len = row.len();
            // An odd count means the newest node has no sibling yet.
            if len & 1 == 1 {
                break;
            }
            h = node_hash(&row[len - 2], &row[len - 1]);
            level += 1;
        }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Root of the whole tree.
    pub fn root(&self) -> Hash {
        // The peak at each set bit `level` of the size is the last node of
        // that level.
        let size = self.size();
        let peaks: Vec<Hash> = (0..self.levels.len())
            .rev()
            .filter(|&l| size & (1u64 << l) != 0)
            .filter_map(|l| self.levels.get(l).and_then(|row| row.last()).copied())
            .collect();
        fold_peaks(&peaks).unwrap_or_else(empty_root)
    }
}

impl TreeNodes for MemTree {
    type Error = MissingNode;
    fn node(&self, level: u32, index: u64) -> Result<Hash, MissingNode> {
        usize::try_from(level)
            .ok()
            .and_then(|l| self.levels.get(l))
            .and_then(|row| row.get(usize::try_from(index).ok()?))
            .copied()
            .ok_or(MissingNode { level, index })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn rh(i: u64) -> Hash {
        *blake3::hash(&i.to_le_bytes()).as_bytes()
    }

    fn tree(n: u64) -> (Vec<Hash>, MemTree) {
        let records: Vec<Hash> = (0..n).map(rh).collect();
        let t = MemTree::from_record_hashes(&records);
        (records, t)
    }

    // Direct transcription of RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 over leaves,
    // used as a reference for small trees.
    fn mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => empty_root(),
            1 => leaf_hash(&d[0]),
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&mth(&d[..k]), &mth(&d[k..]))
            }
        }
    }
    fn ref_path(m: usize, d: &[Hash]) -> Vec<Hash> {
        let n = d.len();
        if n <= 1 {
            return vec![];
        }
        let k = split_point(n as u64) as usize;
        if m < k {
            let mut p = ref_path(m, &d[..k]);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = ref_path(m - k, &d[k..]);
            p.push(mth(&d[..k]));
            p
        }
    }
    fn ref_subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if b { vec![] } else { vec![mth(d)] };
        }
        let k = split_point(n as u64) as usize;
        if m <= k {
            let mut p = ref_subproof(m, &d[..k], b);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = ref_subproof(m - k, &d[k..], false);
            p.push(mth(&d[..k]));
            p
        }
    }

    #[test]
    fn hash_definitions() {
        assert_eq!(empty_root(), *blake3::hash(b"").as_bytes());
        let r = rh(7);
        let mut pre = vec![0u8];
        pre.extend_from_slice(&r);
        assert_eq!(leaf_hash(&r), *blake3::hash(&pre).as_bytes());
        let (a, b) = (rh(1), rh(2));
        let mut pre = vec![1u8];
        pre.extend_from_slice(&a);
        pre.extend_from_slice(&b);
        assert_eq!(node_hash(&a, &b), *blake3::hash(&pre).as_bytes());
    }

    #[test]
    fn split_point_values() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(u64::MAX), 1 << 63);
        assert_eq!(split_point((1 << 63) + 1), 1 << 63);
    }

    #[test]
    fn matches_rfc_reference_exhaustively_small() {
        let (records, t) = tree(40);
        for n in 0..=40usize {
            let d = &records[..n];
            assert_eq!(root(n as u64, &t).unwrap(), mth(d), "root {n}");
            for (m, record) in d.iter().enumerate() {
                let p = inclusion_proof(m as u64, n as u64, &t).unwrap();
                assert_eq!(p, ref_path(m, d), "path {m} in {n}");
                assert_eq!(p.len(), inclusion_len(m as u64, n as u64));
                verify_inclusion(m as u64, n as u64, record, &p, &mth(d)).unwrap();
            }
            for m in 1..=n {
                let p = consistency_proof(m as u64, n as u64, &t).unwrap();
                let expected = if m == n { vec![] } else { ref_subproof(m, d, true) };
                assert_eq!(p, expected, "consistency {m} -> {n}");
                if m < n {
                    assert_eq!(p.len(), consistency_len(m as u64, n as u64));
                }
                verify_consistency(m as u64, n as u64, &mth(&d[..m]), &mth(d), &p).unwrap();
            }
        }
    }

    #[test]
    fn empty_tree_root() {
        let t = MemTree::new();
        assert_eq!(root(0, &t).unwrap(), empty_root());
        assert_eq!(t.root(), empty_root());
        assert_eq!(Frontier::new().root(), empty_root());
        assert_eq!(t.size(), 0);
    }

    #[test]
    fn single_leaf() {
        let (records, t) = tree(1);
        assert_eq!(t.root(), leaf_hash(&records[0]));
        assert_eq!(inclusion_proof(0, 1, &t).unwrap(), Vec::<Hash>::new());
        verify_inclusion(0, 1, &records[0], &[], &t.root()).unwrap();
        assert_eq!(
            verify_inclusion(0, 1, &rh(99), &[], &t.root()),
            Err(VerifyError::RootMismatch)
        );
    }

    #[test]
    fn proof_range_errors() {
        let (_, t) = tree(5);
        assert!(matches!(inclusion_proof(5, 5, &t), Err(ProofError::InvalidRange(_))));
        assert!(matches!(inclusion_proof(0, 0, &t), Err(ProofError::InvalidRange(_))));
        assert!(matches!(consistency_proof(0, 5, &t), Err(ProofError::InvalidRange(_))));
        assert!(matches!(consistency_proof(0, 0, &t), Err(ProofError::InvalidRange(_))));
        assert!(matches!(consistency_proof(4, 3, &t), Err(ProofError::InvalidRange(_))));
        assert_eq!(consistency_proof(3, 3, &t).unwrap(), Vec::<Hash>::new());
        // Asking beyond what the source holds surfaces the source's error.
        assert_eq!(
            inclusion_proof(0, 6, &t),
            Err(ProofError::Nodes(MissingNode { level: 1, index: 2 }))
        );
        assert!(matches!(root(6, &t), Err(MissingNode { .. })));
        assert!(matches!(consistency_proof(2, 9, &t), Err(ProofError::Nodes(_))));
        let msg = inclusion_proof(7, 5, &t).unwrap_err().to_string();
        assert!(msg.contains("leaf index 7"), "{msg}");
    }

    #[test]
    fn verify_range_and_length_errors() {
        let (records, t) = tree(7);
        let r = t.root();
        assert!(matches!(
            verify_inclusion(7, 7, &records[0], &[], &r),
            Err(VerifyError::InvalidRange(_))
        ));
        let p = inclusion_proof(2, 7, &t).unwrap();
        assert_eq!(
            verify_inclusion(2, 7, &records[2], &p[..2], &r),
            Err(VerifyError::PathLength { expected: 3, actual: 2 })
        );
        let mut long = p.clone();
        long.push(r);
        assert_eq!(
            verify_inclusion(2, 7, &records[2], &long, &r),
            Err(VerifyError::PathLength { expected: 3, actual: 4 })
        );
        // Right proof, wrong position.
        assert_eq!(
            verify_inclusion(3, 7, &records[2], &p, &r),
            Err(VerifyError::RootMismatch)
        );
        // Same proof, claimed against a size whose path is shorter. (A size
        // with the same path shape, e.g. 8, would verify: RFC 9162 binds the
        // size only through the signed checkpoint, not through the path.)
        assert!(matches!(
            verify_inclusion(2, 4, &records[2], &p, &r),
            Err(VerifyError::PathLength { .. })
        ));

        let r3 = root(3, &t).unwrap();
        assert!(matches!(
            verify_consistency(0, 7, &empty_root(), &r, &[]),
            Err(VerifyError::InvalidRange(_))
        ));
        assert!(matches!(
            verify_consistency(7, 3, &r, &r3, &[]),
            Err(VerifyError::InvalidRange(_))
        ));
        verify_consistency(7, 7, &r, &r, &[]).unwrap();
        assert_eq!(
            verify_consistency(7, 7, &r, &r3, &[]),
            Err(VerifyError::SameSizeRootsDiffer)
        );
        assert_eq!(
            verify_consistency(7, 7, &r, &r, &[r]),
            Err(VerifyError::PathLength { expected: 0, actual: 1 })
        );
        let cp = consistency_proof(3, 7, &t).unwrap();
        verify_consistency(3, 7, &r3, &r, &cp).unwrap();
        assert_eq!(
            verify_consistency(3, 7, &r3, &r, &[]),
            Err(VerifyError::PathLength { expected: 4, actual: 0 })
        );
        assert_eq!(verify_consistency(3, 7, &r, &r, &cp), Err(VerifyError::OldRootMismatch));
        assert_eq!(
            verify_consistency(3, 7, &r3, &r3, &cp),
            Err(VerifyError::NewRootMismatch)
        );
        // A power-of-two old size: old root is implicit in the path.
        let r4 = root(4, &t).unwrap();
        let cp4 = consistency_proof(4, 7, &t).unwrap();
        assert_eq!(cp4.len(), 1);
        verify_consistency(4, 7, &r4, &r, &cp4).unwrap();
        // The old root seeds both recomputations (RFC 9162 2.1.4.2 step 2),
        // so a wrong one shows up in the new root.
        assert_eq!(
            verify_consistency(4, 7, &r3, &r, &cp4),
            Err(VerifyError::NewRootMismatch)
        );
    }

    #[test]
    fn frontier_matches_memtree_and_emits_every_node_once() {
        let mut f = Frontier::new();
        let mut t = MemTree::new();
        let mut emitted = std::collections::HashMap::new();
        for i in 0..100u64 {
            let r = rh(i);
            for (level, index, h) in f.push(&r) {
                assert!(emitted.insert((level, index), h).is_none());
            }
            t.push(&r);
            assert_eq!(f.size(), i + 1);
            assert_eq!(f.root(), t.root());
            assert_eq!(f.peaks().len(), f.size().count_ones() as usize);
        }
        let total: usize = t.levels.iter().map(Vec::len).sum();
        assert_eq!(emitted.len(), total);
        for ((level, index), h) in emitted {
            assert_eq!(t.node(level, index), Ok(h));
        }
    }

    #[test]
    fn frontier_push_reports_leaf_then_merges() {
        let mut f = Frontier::from_peaks(0, vec![]).unwrap();
        assert_eq!(f.push(&rh(0)).len(), 1);
        let out = f.push(&rh(1));
        assert_eq!(
            out.iter().map(|&(l, i, _)| (l, i)).collect::<Vec<_>>(),
            vec![(0, 1), (1, 0)]
        );
        f.push(&rh(2));
        let out = f.push(&rh(3));
        assert_eq!(
            out.iter().map(|&(l, i, _)| (l, i)).collect::<Vec<_>>(),
            vec![(0, 3), (1, 1), (2, 0)]
        );
        assert_eq!(out[2].2, f.root());
    }

    #[test]
    fn frontier_restore() {
        let mut f = Frontier::new();
        for i in 0..13 {
            f.push(&rh(i));
        }
        let mut g = Frontier::from_peaks(f.size(), f.peaks().to_vec()).unwrap();
        assert_eq!(f, g);
        f.push(&rh(13));
        g.push(&rh(13));
        assert_eq!(f.root(), g.root());
        assert_eq!(
            Frontier::from_peaks(13, vec![[0; 32]; 2]),
            Err(FrontierError::PeakCount {
                size: 13,
                expected: 3,
                actual: 2
            })
        );
        assert_eq!(
            Frontier::from_peaks(u64::MAX, vec![[0; 32]; 64]),
            Err(FrontierError::TooLarge(u64::MAX))
        );
        assert!(Frontier::from_peaks(1 << 63, vec![[0; 32]]).is_ok());
    }

    #[test]
    fn memtree_missing_node() {
        let (_, t) = tree(3);
        assert_eq!(t.node(1, 1), Err(MissingNode { level: 1, index: 1 }));
        assert_eq!(t.node(40, 0), Err(MissingNode { level: 40, index: 0 }));
        assert_eq!(
            t.node(0, u64::MAX),
            Err(MissingNode {
                level: 0,
                index: u64::MAX
            })
        );
        assert!(t.node(1, 0).is_ok());
    }

    /// Synthetic node source for huge trees: hashes are made up from the
    /// address, and every read is counted and checked to be a complete
    /// subtree inside `size`.
    struct Counting {
        size: u64,
        reads: Cell<u64>,
    }
    impl TreeNodes for Counting {
        type Error = MissingNode;
        fn node(&self, level: u32, index: u64) -> Result<Hash, MissingNode> {
            self.reads.set(self.reads.get() + 1);
            let end = index.checked_add(1).and_then(|i| i.checked_mul(1u64 << level));
            match end {
                Some(e) if level < 64 && e <= self.size => {
                    let mut b = [0u8; 12];
                    b[..4].copy_from_slice(&level.to_le_bytes());
                    b[4..].copy_from_slice(&index.to_le_bytes());
                    Ok(*blake3::hash(&b).as_bytes())
                }
                _ => Err(MissingNode { level, index }),
            }
        }
    }

    #[test]
    fn node_reads_are_logarithmic_on_huge_trees() {
        let sizes = [
            (1u64 << 40) - 1,
            (1 << 40) + 1,
            0x5555_5555_5555,
            u64::MAX,
            1 << 63,
            (1 << 63) + 12345,
        ];
        for &size in &sizes {
            let src = Counting {
                size,
                reads: Cell::new(0),
            };
            root(size, &src).unwrap();
            assert!(src.reads.get() <= 64);
            for index in [0, 1, size / 3, size / 2, size - 2, size - 1] {
                src.reads.set(0);
                let p = inclusion_proof(index, size, &src).unwrap();
                assert_eq!(p.len(), inclusion_len(index, size));
                // One read per level plus at most one incomplete range.
                assert!(src.reads.get() <= 128, "reads {}", src.reads.get());
            }
            for old in [1, 2, 3, size / 3, size / 2, size - 1] {
                src.reads.set(0);
                let p = consistency_proof(old, size, &src).unwrap();
                assert_eq!(p.len(), consistency_len(old, size));
                assert!(src.reads.get() <= 128, "reads {}", src.reads.get());
            }
        }
    }
}
