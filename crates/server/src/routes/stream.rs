//! `GET /v1/stream?from=N`: server-sent events, one record each.
//!
//! Each subscriber reads the log at its own pace from its own cursor and
//! waits on a watch of the committed length when it has caught up. The
//! writer only flips that watch: a slow or stuck subscriber holds nothing
//! the writer needs, so it never slows appends.

use super::events::record_json;
use super::extract::Params;
use crate::auth::Reader;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::watch;

/// Records read from the log per step.
const BATCH: u64 = 256;

pub async fn stream(
    State(state): State<AppState>,
    _r: Reader,
    headers: HeaderMap,
    q: Params,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // A reconnecting EventSource sends the last id it saw: resume after it.
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(|seq| seq.saturating_add(1));
    let from = match resume {
        Some(r) => r,
        None => q.number("from")?.unwrap_or(0),
    };
    state.metrics().subscribers.fetch_add(1, Ordering::Relaxed);
    let cursor = Cursor {
        guard: Subscriber(state.clone()),
        next: from,
        buffered: VecDeque::new(),
        committed: state.committed(),
        stopping: state.stopping(),
    };
    let events = stream::unfold(cursor, |mut c| async move {
        loop {
            if let Some(e) = c.buffered.pop_front() {
                return Some((Ok(e), c));
            }
            if *c.stopping.borrow() {
                return None;
            }
            let state = c.guard.0.clone();
            let len = state.ledger().len();
            if c.next < len {
                let (from, count) = (c.next, BATCH.min(len - c.next));
                let read = tokio::task::spawn_blocking(move || read_batch(&state, from, count)).await;
                match read {
                    Ok(Ok(batch)) if !batch.is_empty() => {
                        c.next += batch.len() as u64;
                        c.buffered.extend(batch);
                        continue;
                    }
                    Ok(Err(e)) => {
                        tracing::error!(error = %e.message, "stream could not read the log");
                        return None;
                    }
                    _ => return None,
                }
            }
            // Caught up: wait for a commit or for shutdown.
            tokio::select! {
                changed = c.committed.changed() => if changed.is_err() { return None },
                _ = c.stopping.changed() => return None,
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

struct Cursor {
    guard: Subscriber,
    next: u64,
    buffered: VecDeque<Event>,
    committed: watch::Receiver<u64>,
    stopping: watch::Receiver<bool>,
}

/// Counts the subscriber while its stream lives.
struct Subscriber(AppState);

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.0.metrics().subscribers.fetch_sub(1, Ordering::Relaxed);
    }
}

fn read_batch(state: &AppState, from: u64, count: u64) -> Result<Vec<Event>, ApiError> {
    let mut out = Vec::with_capacity(count as usize);
    for r in state.ledger().scan(from, count) {
        let r = r?;
        let line = record_json(&r)?;
        let text = String::from_utf8(line).map_err(|e| ApiError::internal(e.to_string()))?;
        out.push(Event::default().id(r.seq.to_string()).data(text));
    }
    Ok(out)
}
