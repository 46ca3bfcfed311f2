//! pledger-server: the HTTP API of contract section 5, on axum and tokio.
//!
//! # Layout
//!
//! - [`state`]: what every request shares — the ledger, the data
//!   directory's key, the token store, the live views, the metrics.
//! - [`auth`]: bearer tokens → a [`auth::Principal`] (entity + roles); who
//!   may append what and who may read.
//! - [`tokens`]: the token file (`tokens.json`, tokens stored hashed), used
//!   by `pledger token` and re-read by a running server when it changes.
//! - [`live`]: the views kept current: facts folded from the log as it
//!   grows, caught up before every read, so a read sees every acknowledged
//!   append.
//! - [`routes`]: one file per group of routes; [`routes::table`] is the one
//!   list of routes that both the router and `/openapi.json` are built from,
//!   so the document cannot miss a route.
//! - [`error`]: every failure as `{"error": {"code", "message", "field"}}`
//!   with its status code.
//! - [`metrics`]: counters and the append-latency histogram, Prometheus text.
//! - [`console`]: the web console's embedded assets.
//!
//! Invariants: the server writes the log only through
//! [`pledger_store::Ledger`] (so every append is validated, group-committed
//! and durable before its receipt is sent), and never answers a read from
//! records past the committed head. Nothing here knows the command line.

pub mod auth;
pub mod console;
pub mod error;
pub mod live;
pub mod metrics;
pub mod routes;
pub mod state;
pub mod tokens;

pub use state::{AppState, ServerConfig};

use axum::Router;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;

/// The whole application: every route of [`routes::table`], the console,
/// request limits and tracing.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// Serves until `shutdown` resolves, then stops taking connections, lets
/// in-flight requests finish (appends are answered only once durable),
/// ends the live streams, signs a last checkpoint and closes the ledger.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let background = state.spawn_background();
    let app = app(state.clone());
    let stopping = state.clone();
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: finishing in-flight requests");
        stopping.begin_shutdown();
    };
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(signal)
    .await?;
    background.abort();
    let closing = state.clone();
    tokio::task::spawn_blocking(move || closing.finish())
        .await
        .map_err(std::io::Error::other)?;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// How often the live views follow the log when nobody reads them.
pub(crate) const FOLLOW_INTERVAL: Duration = Duration::from_millis(200);
