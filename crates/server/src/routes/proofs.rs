//! `GET /v1/checkpoint` and the proofs of contract 1.3.

use super::extract::Params;
use crate::auth::Reader;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use pledger_core::checkpoint::SignedNote;
use pledger_core::cosignature::{valid_cosignatures, CosignerKey};
use pledger_core::merkle::ProofError;
use pledger_core::proof::{ConsistencyProof, InclusionProof};
use pledger_store::tree::StoredTree;
use pledger_store::{checkpoints, StoreError};
use serde_json::{json, Value};

/// The newest stored checkpoint (signed periodically and at shutdown);
/// one is signed now when none exists yet.
pub async fn checkpoint(State(state): State<AppState>, _r: Reader) -> Result<Json<Value>, ApiError> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let stored = match checkpoints::latest(st.backend())? {
            Some(c) => c,
            None => {
                let len = st.ledger().len();
                if len == 0 {
                    return Err(ApiError::not_found("the log is empty: there is no tree to sign yet"));
                }
                checkpoints::sign(st.backend(), len, st.origin(), st.signing_key())?;
                checkpoints::latest(st.backend())?
                    .ok_or_else(|| ApiError::internal("a checkpoint just signed cannot be read back"))?
            }
        };
        st.note_checkpoint(stored.size);
        let root = checkpoints::root_at(st.backend(), stored.size)?;
        Ok(Json(json!({
            "size": stored.size,
            "root": hex::encode(root),
            "origin": st.origin(),
            "text": stored.text(),
            "key": st.verifier().to_string(),
            "cosignatures": cosignatures(&stored.note, &st.cosigning().keys()),
        })))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

/// The valid cosignatures on a checkpoint note by the configured witnesses
/// (docs/format.md section 6): name, verifier key, timestamp (seconds and
/// RFC 3339). The lines themselves are in the note's text.
pub fn cosignatures(note: &[u8], keys: &[CosignerKey]) -> Vec<Value> {
    let Ok(note) = SignedNote::parse(note) else {
        return Vec::new();
    };
    valid_cosignatures(&note, keys)
        .into_iter()
        .map(|c| {
            let time = i64::try_from(c.timestamp)
                .ok()
                .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok());
            json!({
                "name": c.key.name(),
                "key": c.key.to_string(),
                "timestamp": c.timestamp,
                "time": time,
            })
        })
        .collect()
}

fn proof_error(e: ProofError<StoreError>) -> ApiError {
    match e {
        ProofError::Nodes(s) => ApiError::from(s),
        other => ApiError::bad_query("", other.to_string()),
    }
}

pub async fn inclusion(State(state): State<AppState>, _r: Reader, q: Params) -> Result<Json<Value>, ApiError> {
    let seq = q
        .number("seq")?
        .ok_or_else(|| ApiError::bad_query("seq", "give the record: ?seq=N"))?;
    let len = state.ledger().len();
    let size = q.number("size")?.unwrap_or(len);
    if size > len {
        return Err(ApiError::bad_query(
            "size",
            format!("the log holds {len} records; there is no tree of size {size}"),
        ));
    }
    if seq >= size {
        return Err(ApiError::bad_query(
            "seq",
            format!("record {seq} is not in a tree of size {size}"),
        ));
    }
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let hash = st
            .ledger()
            .get(seq)?
            .and_then(|r| r.hash())
            .ok_or_else(|| ApiError::internal(format!("record {seq} is missing; run `pledger verify`")))?;
        let tree = StoredTree::new(st.backend());
        let p = InclusionProof::build(seq, size, hash, &tree).map_err(proof_error)?;
        Ok(Json(
            serde_json::to_value(p).map_err(|e| ApiError::internal(e.to_string()))?,
        ))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

pub async fn consistency(State(state): State<AppState>, _r: Reader, q: Params) -> Result<Json<Value>, ApiError> {
    let from = q
        .number("from")?
        .ok_or_else(|| ApiError::bad_query("from", "give the older tree size: ?from=M&to=N"))?;
    let len = state.ledger().len();
    let to = q.number("to")?.unwrap_or(len);
    if to > len {
        return Err(ApiError::bad_query(
            "to",
            format!("the log holds {len} records; there is no tree of size {to}"),
        ));
    }
    if from == 0 || from > to {
        return Err(ApiError::bad_query(
            "from",
            format!("from must be between 1 and to ({to}): a consistency proof goes from an older, non-empty tree to a newer one"),
        ));
    }
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let tree = StoredTree::new(st.backend());
        let p = ConsistencyProof::build(from, to, &tree).map_err(proof_error)?;
        Ok(Json(
            serde_json::to_value(p).map_err(|e| ApiError::internal(e.to_string()))?,
        ))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}
