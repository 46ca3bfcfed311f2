//! `/healthz`, `/metrics`, `/openapi.json` and the console's files.

use crate::error::ApiError;
use crate::metrics::Gauges;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The node's role, head and lag (docs/format.md section 7); an embedded
/// sled ledger is always its own writer with no lag.
pub async fn healthz(State(state): State<AppState>) -> Json<Value> {
    let head = state.ledger().head();
    let (backend, role, lag, writer) = match state.cluster() {
        Some(c) => ("postgres", c.role().as_str(), c.lag(), c.writer()),
        None => ("sled", "writer", 0, None),
    };
    Json(json!({
        "status": "ok",
        "records": head.len,
        "role": role,
        "head": {"size": head.len, "hash": hex::encode(head.hash)},
        "lag": lag,
        "writer": writer,
        "backend": backend,
    }))
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let len = state.ledger().len();
    let text = state.metrics().render(&Gauges {
        log_records: len,
        checkpoint_size: state.checkpoint_size(),
        view_lag: len.saturating_sub(state.live().applied()),
        replication_lag: state.cluster().map_or(0, |c| c.lag()),
        writer: u64::from(state.is_writer()),
    });
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response()
}

pub async fn openapi() -> Json<Value> {
    Json(super::openapi())
}

fn asset(path: &str) -> Result<Response, ApiError> {
    let (kind, bytes) =
        crate::console::asset(path).ok_or_else(|| ApiError::not_found(format!("no console file {path:?}")))?;
    Ok((
        [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")],
        bytes,
    )
        .into_response())
}

pub async fn console_index() -> Result<Response, ApiError> {
    asset("")
}

pub async fn console_asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    asset(&file)
}
