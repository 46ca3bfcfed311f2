//! `/healthz`, `/metrics`, `/openapi.json` and the console's files.

use crate::error::ApiError;
use crate::metrics::Gauges;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub async fn healthz(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "status": "ok", "records": state.ledger().len() }))
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let len = state.ledger().len();
    let text = state.metrics().render(&Gauges {
        log_records: len,
        checkpoint_size: state.checkpoint_size(),
        view_lag: len.saturating_sub(state.live().applied()),
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
