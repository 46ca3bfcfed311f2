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
pub mod cosigning;
pub mod error;
pub mod live;
pub mod metrics;
pub mod routes;
pub mod state;
pub mod tokens;
pub mod witness;

pub use state::{AppState, ServerConfig, SharedConfig};

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

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is
/// called, not when the future is first polled: axum polls its shutdown
/// future in a task of its own, and a SIGTERM arriving before that task
/// first ran would otherwise kill the process with the default action,
/// skipping the orderly shutdown (seen on a loaded 2-core machine). Call it
/// inside the runtime.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (term, int) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(term) => {},
                _ = wait(int) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// How often the live views follow the log when nobody reads them.
pub(crate) const FOLLOW_INTERVAL: Duration = Duration::from_millis(200);
