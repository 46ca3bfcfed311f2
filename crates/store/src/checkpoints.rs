//! Signed checkpoints kept beside the log (contract section 1.3).
//!
//! Each is stored as a named blob of the backend:
//! `checkpoint/<tree size, 20 digits, zero-padded>` → the signed note text,
//! so name order is size order. Keys that signed checkpoints this ledger
//! holds but that are not its own key (checkpoints restored from another
//! data directory's export, see `import-bundle`) are kept as
//! `key/former/<8 hex key id>` → verifier key text, so those checkpoints stay
//! verifiable.
//!
//! Signing reads the root of the requested size from the stored tree (one
//! node per set bit of the size; subtrees below the stored levels are
//! recomputed from at most 255 record hashes), signs, stores and syncs.
//! Checking recomputes everything a checkpoint claims: its signature, its
//! origin, its root against the records, and a consistency proof from the
//! checkpoint before it.

use crate::backend::LogBackend;
use crate::error::StoreError;
use crate::tree::StoredTree;
use crate::verify::VerifyFailure;
use ed25519_dalek::SigningKey;
use pledger_core::checkpoint::{open_checkpoint, Checkpoint, NoteError, SignedNote, VerifierKey};
use pledger_core::merkle::{self, Hash};
use pledger_core::proof::ConsistencyProof;
use std::collections::BTreeMap;

/// Name prefix of stored checkpoints.
pub const CHECKPOINT_PREFIX: &str = "checkpoint/";
/// Name prefix of former verifier keys.
pub const FORMER_KEY_PREFIX: &str = "key/former/";

/// The blob name of the checkpoint of `size`.
pub fn checkpoint_name(size: u64) -> String {
    format!("{CHECKPOINT_PREFIX}{size:020}")
}

/// A checkpoint as stored: the size its name says, and its note text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub note: Vec<u8>,
}

impl StoredCheckpoint {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.note).into_owned()
    }
}

/// Every stored checkpoint, smallest size first.
pub fn list(backend: &dyn LogBackend) -> Result<Vec<StoredCheckpoint>, StoreError> {
    backend
        .meta_with_prefix(CHECKPOINT_PREFIX)?
        .into_iter()
        .map(|(name, note)| {
            let digits = &name[CHECKPOINT_PREFIX.len()..];
            let size = (digits.len() == 20 && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse::<u64>().ok())
                .flatten()
                .ok_or_else(|| StoreError::Corrupt(format!("a stored checkpoint has the malformed name {name:?}")))?;
            Ok(StoredCheckpoint { size, note })
        })
        .collect()
}

/// The stored checkpoint of the largest size.
pub fn latest(backend: &dyn LogBackend) -> Result<Option<StoredCheckpoint>, StoreError> {
    Ok(list(backend)?.pop())
}

/// The stored checkpoint of `size`.
pub fn get(backend: &dyn LogBackend, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
    Ok(backend
        .get_meta(&checkpoint_name(size))?
        .map(|note| StoredCheckpoint { size, note }))
}

/// Stores a checkpoint note under its size, as is (the caller checked it).
/// Not durable until the backend syncs.
pub fn put(backend: &dyn LogBackend, size: u64, note: &str) -> Result<(), StoreError> {
    backend.put_meta(&checkpoint_name(size), note.as_bytes())
}

/// Verifier keys of former ledger keys, kept so their checkpoints verify.
pub fn former_keys(backend: &dyn LogBackend) -> Result<Vec<VerifierKey>, StoreError> {
    backend
        .meta_with_prefix(FORMER_KEY_PREFIX)?
        .into_iter()
        .map(|(name, v)| {
            let text = String::from_utf8_lossy(&v).into_owned();
            VerifierKey::parse(&text)
                .map_err(|e| StoreError::Corrupt(format!("the former key stored as {name:?} is not valid: {e}")))
        })
        .collect()
}

/// Remembers `key` as a former key of this ledger. Not durable until sync.
pub fn add_former_key(backend: &dyn LogBackend, key: &VerifierKey) -> Result<(), StoreError> {
    backend.put_meta(
        &format!("{FORMER_KEY_PREFIX}{}", hex::encode(key.id())),
        key.to_string().as_bytes(),
    )
}

/// The keys a checkpoint of this ledger may be signed by: `own` first,
/// then the former keys.
pub fn trusted_keys(backend: &dyn LogBackend, own: VerifierKey) -> Result<Vec<VerifierKey>, StoreError> {
    let mut keys = vec![own];
    for k in former_keys(backend)? {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    Ok(keys)
}

/// The Merkle root of the first `size` records, from the stored tree.
pub fn root_at(backend: &dyn LogBackend, size: u64) -> Result<Hash, StoreError> {
    merkle::root(size, &StoredTree::new(backend))
}

/// What [`sign`] did.
#[derive(Debug, Clone)]
pub struct Signed {
    pub checkpoint: Checkpoint,
    pub note: SignedNote,
    /// False when a checkpoint of this size signed by this key was already
    /// stored (nothing was written: signing is deterministic, so it is the
    /// same note).
    pub new: bool,
}

impl Signed {
    pub fn text(&self) -> String {
        self.note.to_text()
    }
}

/// Signs the tree of the first `size` records (at most the committed
/// head) under `origin` with `key`, stores the note and syncs.
///
/// A checkpoint of that size already stored by a former key gets this
/// key's signature added beside the old one (the note is co-signed, its
/// text unchanged).
pub fn sign(backend: &dyn LogBackend, size: u64, origin: &str, key: &SigningKey) -> Result<Signed, StoreError> {
    let head = backend.head()?;
    if size > head.len {
        return Err(StoreError::Backend(format!(
            "cannot sign a checkpoint of {size} records: the log holds {}",
            head.len
        )));
    }
    let own = VerifierKey::of(origin, key).map_err(|e| StoreError::Backend(e.to_string()))?;
    let checkpoint = Checkpoint::new(origin, size, root_at(backend, size)?);
    if let Some(existing) = get(backend, size)? {
        let corrupt = |why: String| StoreError::Corrupt(format!("the stored checkpoint of size {size} {why}"));
        let mut note = SignedNote::parse(&existing.note).map_err(|e| corrupt(format!("is malformed: {e}")))?;
        let stored = Checkpoint::parse_body(&note.text).map_err(|e| corrupt(format!("is malformed: {e}")))?;
        if stored != checkpoint {
            return Err(corrupt(
                "does not match the log (another origin, size or root); run `pledger verify`".into(),
            ));
        }
        match note.verify(&own) {
            Ok(()) => {
                return Ok(Signed {
                    checkpoint,
                    note,
                    new: false,
                })
            }
            Err(NoteError::NotSignedBy { .. }) => {}
            Err(e) => return Err(corrupt(format!("carries a bad signature: {e}; run `pledger verify`"))),
        }
        note.sign(origin, key).map_err(|e| StoreError::Backend(e.to_string()))?;
        put(backend, size, &note.to_text())?;
        backend.sync()?;
        return Ok(Signed {
            checkpoint,
            note,
            new: true,
        });
    }
    let note = checkpoint.sign(key).map_err(|e| StoreError::Backend(e.to_string()))?;
    put(backend, size, &note.to_text())?;
    backend.sync()?;
    Ok(Signed {
        checkpoint,
        note,
        new: true,
    })
}

/// Adds witness cosignature lines to the stored checkpoint of `size` (one
/// per signer name and key id: a newer line by the same key replaces the
/// older), and syncs. The lines are kept in the checkpoint's own note, so
/// everything that carries the checkpoint (`GET /v1/checkpoint`, exports,
/// claim bundles) carries them. The caller has verified them; the log's
/// own signature is untouched. Returns the note as stored.
pub fn add_cosignatures(
    backend: &dyn LogBackend,
    size: u64,
    lines: &[pledger_core::checkpoint::NoteSignature],
) -> Result<SignedNote, StoreError> {
    let stored =
        get(backend, size)?.ok_or_else(|| StoreError::Backend(format!("no checkpoint of size {size} is stored")))?;
    let mut note = SignedNote::parse(&stored.note)
        .map_err(|e| StoreError::Corrupt(format!("the stored checkpoint of size {size} is malformed: {e}")))?;
    let mut changed = false;
    for line in lines {
        if note.signatures.contains(line) {
            continue;
        }
        note.signatures
            .retain(|s| !(s.name == line.name && s.key_id == line.key_id));
        note.signatures.push(line.clone());
        changed = true;
    }
    if changed {
        put(backend, size, &note.to_text())?;
        backend.sync()?;
    }
    Ok(note)
}

/// What checking the stored checkpoints saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckpointsReport {
    pub count: u64,
    /// The checkpoint of the largest size.
    pub latest: Option<Checkpoint>,
    /// Consistency proofs verified between successive checkpoints.
    pub consistency_proofs: u64,
}

fn cp_fail(size: u64, what: impl std::fmt::Display) -> VerifyFailure {
    VerifyFailure {
        seq: None,
        what: format!("checkpoint of size {size}: {what}"),
    }
}

/// Checks stored checkpoints against a log of `len` records whose roots at
/// the checkpoints' sizes were recomputed from the records (`roots`): each
/// signature under one of `keys`, the origin, the size its name gives, the
/// root, and a consistency proof (built from `tree`) from the one before.
pub fn check<T: merkle::TreeNodes>(
    stored: &[StoredCheckpoint],
    roots: &BTreeMap<u64, Hash>,
    keys: &[VerifierKey],
    origin: &str,
    len: u64,
    tree: &T,
) -> Result<CheckpointsReport, VerifyFailure>
where
    T::Error: std::fmt::Display,
{
    let mut report = CheckpointsReport::default();
    let mut prev: Option<Checkpoint> = None;
    for s in stored {
        let opened = open_checkpoint(&s.note, keys, origin).map_err(|e| cp_fail(s.size, e))?;
        let cp = opened.checkpoint;
        if cp.size != s.size {
            return Err(cp_fail(
                s.size,
                format!("it is stored under size {} but its text says {}", s.size, cp.size),
            ));
        }
        if cp.size > len {
            return Err(cp_fail(
                cp.size,
                format!(
                    "the log now holds only {len} records: records this checkpoint covered were removed (history was rewritten)"
                ),
            ));
        }
        let recomputed = roots
            .get(&cp.size)
            .copied()
            .ok_or_else(|| cp_fail(cp.size, "its root was not recomputed (internal error)"))?;
        if cp.root != recomputed {
            return Err(cp_fail(
                cp.size,
                format!(
                    "its signed root {} is not the root of the first {} records ({}): records it covered were changed (history was rewritten)",
                    hex::encode(cp.root),
                    cp.size,
                    hex::encode(recomputed)
                ),
            ));
        }
        if let Some(p) = prev.as_ref().filter(|p| p.size > 0) {
            let proof = ConsistencyProof::build(p.size, cp.size, tree)
                .map_err(|e| cp_fail(cp.size, format!("no consistency proof from size {}: {e}", p.size)))?;
            if proof.from_root != p.root || proof.to_root != cp.root {
                return Err(cp_fail(
                    cp.size,
                    format!(
                        "the stored tree disagrees with the checkpoints of sizes {} and {}",
                        p.size, cp.size
                    ),
                ));
            }
            proof.verify().map_err(|e| {
                cp_fail(
                    cp.size,
                    format!("it is not consistent with the checkpoint of size {}: {e}", p.size),
                )
            })?;
            report.consistency_proofs += 1;
        }
        report.count += 1;
        prev = Some(cp);
    }
    report.latest = prev;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{Head, MemBackend, StoredRecord, WriteBatch};
    use pledger_core::merkle::Frontier;

    const ORIGIN: &str = "pledger.test/ledger";

    /// A backend with `n` made-up records (not valid events: the tree and
    /// checkpoints only look at hashes).
    fn backend(n: u64) -> MemBackend {
        let b = MemBackend::new();
        let mut f = Frontier::new();
        let mut batch = WriteBatch::default();
        let mut last = [0u8; 32];
        for i in 0..n {
            let h = *blake3::hash(&i.to_le_bytes()).as_bytes();
            batch.nodes.extend(f.push(&h));
            batch.records.push(StoredRecord::new(i, &h, b"{}"));
            last = h;
        }
        batch.head = Some(Head { len: n, hash: last });
        b.write(batch).unwrap();
        b
    }

    #[test]
    fn sign_store_list_and_check() {
        let b = backend(20);
        let key = SigningKey::from_bytes(&[1; 32]);
        let vk = VerifierKey::of(ORIGIN, &key).unwrap();
        for size in [0, 3, 8, 20] {
            let s = sign(&b, size, ORIGIN, &key).unwrap();
            assert!(s.new);
            assert_eq!(s.checkpoint.size, size);
        }
        // Signing again is a no-op with the same note.
        let again = sign(&b, 8, ORIGIN, &key).unwrap();
        assert!(!again.new);
        assert_eq!(again.text().as_bytes(), get(&b, 8).unwrap().unwrap().note);
        assert!(sign(&b, 21, ORIGIN, &key).is_err());
        let stored = list(&b).unwrap();
        assert_eq!(stored.iter().map(|s| s.size).collect::<Vec<_>>(), vec![0, 3, 8, 20]);
        assert_eq!(latest(&b).unwrap().unwrap().size, 20);

        let tree = StoredTree::new(&b);
        let roots: BTreeMap<u64, Hash> = [0, 3, 8, 20].iter().map(|&s| (s, root_at(&b, s).unwrap())).collect();
        let keys = vec![vk.clone()];
        let r = check(&stored, &roots, &keys, ORIGIN, 20, &tree).unwrap();
        assert_eq!((r.count, r.consistency_proofs), (4, 2));

        // A wrong root for one size is named.
        let mut bad = roots.clone();
        bad.insert(8, [0; 32]);
        let e = check(&stored, &bad, &keys, ORIGIN, 20, &tree).unwrap_err();
        assert!(
            e.what.contains("checkpoint of size 8") && e.what.contains("rewritten"),
            "{e}"
        );
        // A log shorter than a checkpoint.
        let e = check(&stored, &roots, &keys, ORIGIN, 19, &tree).unwrap_err();
        assert!(e.what.contains("removed"), "{e}");
        // Another key.
        let other = VerifierKey::of(ORIGIN, &SigningKey::from_bytes(&[2; 32])).unwrap();
        let e = check(&stored, &roots, &[other], ORIGIN, 20, &tree).unwrap_err();
        assert!(e.what.contains("not signed by"), "{e}");
        // Stored under the wrong size.
        let mut moved = stored.clone();
        moved[1].size = 4;
        assert!(check(&moved, &roots, &keys, ORIGIN, 20, &tree).is_err());
    }

    #[test]
    fn co_signs_a_former_keys_checkpoint() {
        let b = backend(5);
        let old = SigningKey::from_bytes(&[3; 32]);
        let new = SigningKey::from_bytes(&[4; 32]);
        sign(&b, 5, ORIGIN, &old).unwrap();
        let s = sign(&b, 5, ORIGIN, &new).unwrap();
        assert!(s.new);
        assert_eq!(s.note.signatures.len(), 2);
        let stored = get(&b, 5).unwrap().unwrap();
        let note = SignedNote::parse(&stored.note).unwrap();
        note.verify(&VerifierKey::of(ORIGIN, &old).unwrap()).unwrap();
        note.verify(&VerifierKey::of(ORIGIN, &new).unwrap()).unwrap();

        add_former_key(&b, &VerifierKey::of(ORIGIN, &old).unwrap()).unwrap();
        let keys = trusted_keys(&b, VerifierKey::of(ORIGIN, &new).unwrap()).unwrap();
        assert_eq!(keys.len(), 2);
    }

    #[test]
    fn cosignatures_are_kept_in_the_note() {
        use pledger_core::cosignature::{cosign, CosignerKey};
        let b = backend(4);
        let key = SigningKey::from_bytes(&[6; 32]);
        let s = sign(&b, 4, ORIGIN, &key).unwrap();
        let w = SigningKey::from_bytes(&[7; 32]);
        let first = cosign(&s.note.text, "w.example/a", &w, 100).unwrap();
        add_cosignatures(&b, 4, std::slice::from_ref(&first)).unwrap();
        // Again: nothing changes; a newer line by the same key replaces it.
        add_cosignatures(&b, 4, &[first]).unwrap();
        let newer = cosign(&s.note.text, "w.example/a", &w, 200).unwrap();
        let note = add_cosignatures(&b, 4, &[newer]).unwrap();
        assert_eq!(note.signatures.len(), 2);
        let stored = SignedNote::parse(&get(&b, 4).unwrap().unwrap().note).unwrap();
        assert_eq!(
            CosignerKey::of("w.example/a", &w).unwrap().verify(&stored).unwrap(),
            200
        );
        // The ledger's own checks ignore the cosignature line.
        let again = sign(&b, 4, ORIGIN, &key).unwrap();
        assert!(!again.new);
        assert_eq!(again.note.signatures.len(), 2);
        assert!(add_cosignatures(&b, 3, &[]).is_err());
    }

    #[test]
    fn refuses_to_overwrite_a_tampered_checkpoint() {
        let b = backend(6);
        let key = SigningKey::from_bytes(&[5; 32]);
        let s = sign(&b, 6, ORIGIN, &key).unwrap();
        let mut note = s.note.clone();
        note.signatures[0].signature[0] ^= 1;
        put(&b, 6, &note.to_text()).unwrap();
        let e = sign(&b, 6, ORIGIN, &key).unwrap_err();
        assert!(e.to_string().contains("bad signature"), "{e}");
    }
}
