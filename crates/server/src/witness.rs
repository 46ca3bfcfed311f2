//! `pledger witness serve`: the C2SP `tlog-witness` HTTP interface
//! (docs/format.md section 6), with the same submission and monitoring prefix
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use pledger_core::checkpoint::{Checkpoint, VerifierKey};
    use pledger_core::merkle::MemTree;
    use pledger_core::witness::{origin_hash, AddCheckpoint};
    use tower::ServiceExt;

    async fn call(app: &Router, req: Request<Body>) -> (u16, String, String) {
        let resp = app.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or("").to_string())
            .unwrap_or_default();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        (status, ct, String::from_utf8_lossy(&body).into_owned())
    }

    fn post(body: String) -> Request<Body> {
        Request::post("/add-checkpoint").body(Body::from(body)).unwrap()
    }

    #[tokio::test]
    async fn the_http_interface() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(WitnessStore::init(dir.path(), "audit.example/w").unwrap());
        let log = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let origin = "pledger.test/ledger";
        store.trust(&VerifierKey::of(origin, &log).unwrap()).unwrap();
        let app = router(store.clone());
        let mut t = MemTree::new();
        for i in 0..3u8 {
            t.push(&[i; 32]);
        }
        let note = Checkpoint::new(origin, 3, t.root()).sign(&log).unwrap().to_text();

        let (s, _, _) = call(&app, post("garbage".into())).await;
        assert_eq!(s, 400);
        let monitor = format!("/{}/checkpoint", origin_hash(origin));
        let (s, _, _) = call(&app, Request::get(&monitor).body(Body::empty()).unwrap()).await;
        assert_eq!(s, 404);
        let (s, _, body) = call(&app, post(AddCheckpoint::body(0, &[], &note))).await;
        assert_eq!(s, 200, "{body}");
        assert!(body.starts_with("\u{2014} audit.example/w ") && body.ends_with('\n'));
        let (s, ct, body) = call(&app, post(AddCheckpoint::body(0, &[], &note))).await;
        assert_eq!((s, ct.as_str(), body.as_str()), (409, "text/x.tlog.size", "3\n"));
        // The monitoring API serves the cosigned checkpoint.
        let (s, _, body) = call(&app, Request::get(&monitor).body(Body::empty()).unwrap()).await;
        assert_eq!(s, 200);
        let cosigned = pledger_core::checkpoint::SignedNote::parse(body.as_bytes()).unwrap();
        store.verifier_key().unwrap().verify(&cosigned).unwrap();
        let (s, _, _) = call(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
        assert_eq!(s, 200);
    }
}
