//! `pledger witness serve`: the C2SP `tlog-witness` HTTP interface
//! (contract section 6), with the same submission and monitoring prefix
//! (the root):
//!
//! - `POST /add-checkpoint`: decided and persisted by
//!   [`pledger_store::witness::WitnessStore::add_checkpoint`]; its status,
//!   content type and body are the answer.
//! - `GET /<hex SHA-256 of the origin>/checkpoint`: the latest checkpoint
//!   cosigned for that log, with the log's signature and the cosignature;
//!   404 when none.
//! - `GET /healthz`: `ok`.
//!
//! No tokens: as tlog-witness says, the log's signature on the checkpoint is
//! the only authentication a request needs.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use pledger_store::witness::WitnessStore;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Largest request body: a checkpoint note (at most 1 MB by signed-note's
/// limit) and 63 proof lines.
const MAX_BODY: usize = 1_100_000;

fn text(status: u16, content_type: &'static str, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_secs())
}

async fn add_checkpoint(State(store): State<Arc<WitnessStore>>, body: Bytes) -> Response {
    // The check and its write block on sled's flush: off the async threads.
    let answer = tokio::task::spawn_blocking(move || store.add_checkpoint(&body, now())).await;
    match answer {
        Ok(Ok(a)) => {
            tracing::info!(status = a.status, "add-checkpoint");
            text(a.status, a.content_type, a.body)
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "add-checkpoint failed to persist");
            text(500, "text/plain; charset=utf-8", format!("{e}\n"))
        }
        Err(e) => text(500, "text/plain; charset=utf-8", format!("{e}\n")),
    }
}

async fn monitored(State(store): State<Arc<WitnessStore>>, Path(hash): Path<String>) -> Response {
    let found = tokio::task::spawn_blocking(move || -> Result<Option<String>, pledger_store::StoreError> {
        for (origin, held) in store.held_all()? {
            if pledger_core::witness::origin_hash(&origin) == hash {
                return Ok(Some(held.note));
            }
        }
        Ok(None)
    })
    .await;
    match found {
        Ok(Ok(Some(note))) => text(200, "text/plain; charset=utf-8", note),
        Ok(Ok(None)) => text(
            404,
            "text/plain; charset=utf-8",
            "no checkpoint cosigned for this log\n".into(),
        ),
        Ok(Err(e)) => text(500, "text/plain; charset=utf-8", format!("{e}\n")),
        Err(e) => text(500, "text/plain; charset=utf-8", format!("{e}\n")),
    }
}

/// The witness's routes.
pub fn router(store: Arc<WitnessStore>) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/{hash}/checkpoint", get(monitored))
        .route("/healthz", get(|| async { "ok\n" }))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(store)
}

/// Serves until `shutdown` resolves. Every answer was persisted before it
/// was sent, so nothing is left to do after.
pub async fn serve(
    store: Arc<WitnessStore>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store))
        .with_graceful_shutdown(shutdown)
        .await
}
