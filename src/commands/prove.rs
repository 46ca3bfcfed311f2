//! `pledger prove SEQ [--size N]` and `pledger prove --consistency M N`:
//! inclusion and consistency proofs from the stored tree, printed as the
//! JSON of format section 1.3 (hashes in lowercase hex, `path` in RFC 9162
//! order), whatever `--format` says: a proof is for tools.

use crate::Failure;
use pledger_core::merkle::ProofError;
use pledger_core::proof::{ConsistencyProof, InclusionProof};
use pledger_store::tree::StoredTree;
use pledger_store::StoreError;
use std::path::Path;

pub fn run(data: &Path, seq: Option<u64>, size: Option<u64>, consistency: Option<Vec<u64>>) -> Result<(), Failure> {
    let (_dir, backend) = crate::commands::open_backend(data)?;
    let len = backend.head()?.len;
    let tree = StoredTree::new(backend.as_ref());
    let beyond = |n: u64| Failure::Input(format!("the log holds {len} records; there is no tree of size {n}"));
    let line = match (seq, consistency.as_deref()) {
        (Some(seq), None) => {
            let size = size.unwrap_or(len);
            if size > len {
                return Err(beyond(size));
            }
            if seq >= size {
                return Err(Failure::Input(format!(
                    "record {seq} is not in a tree of size {size} (seqs run from 0 to {})",
                    size.saturating_sub(1)
                )));
            }
            let hash = backend
                .get(seq)?
                .and_then(|r| r.hash())
                .ok_or_else(|| Failure::Input(format!("record {seq} is missing; run `pledger verify`")))?;
            let p = InclusionProof::build(seq, size, hash, &tree).map_err(proof_failure)?;
            serde_json::to_string(&p)?
        }
        (None, Some(&[from, to])) => {
            if to > len {
                return Err(beyond(to));
            }
            if from == 0 {
                return Err(Failure::Input(
                    "a consistency proof starts from a non-empty tree (M >= 1): the empty tree is a prefix of every tree, so there is nothing to prove"
                        .into(),
                ));
            }
            if from > to {
                return Err(Failure::Input(format!(
                    "M ({from}) is larger than N ({to}): a consistency proof goes from an older, smaller tree to a newer one"
                )));
            }
            let p = ConsistencyProof::build(from, to, &tree).map_err(proof_failure)?;
            serde_json::to_string(&p)?
        }
        _ => {
            return Err(Failure::Input(
                "give a record (`prove SEQ [--size N]`) or two sizes (`prove --consistency M N`)".into(),
            ))
        }
    };
    println!("{line}");
    Ok(())
}

/// A proof that could not be built: the sizes (already checked above), or
/// the stored tree could not be read, which says the store is damaged.
pub fn proof_failure(e: ProofError<StoreError>) -> Failure {
    match e {
        ProofError::Nodes(s) => Failure::Check(format!("the stored tree could not be read: {s}")),
        other => Failure::Input(other.to_string()),
    }
}
