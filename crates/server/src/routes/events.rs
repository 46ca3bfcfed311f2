//! `POST /v1/events`, `GET /v1/events`, `GET /v1/events/{seq}`.

use super::extract::{Params, PathId};
use crate::auth::{Caller, Principal, Reader};
use crate::error::ApiError;
use crate::state::AppState;
use crate::tokens::Role;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use pledger_core::event::EntityKind;
use pledger_core::registry::auditor_may_record;
use pledger_core::{EventType, Record, RejectionKind};
use pledger_store::{prepare, AppendOutcome, Prepared, StoredRecord};
use rayon::prelude::*;
use serde_json::Value;
use std::time::Instant;

/// Batches larger than this are prepared on the blocking pool, in parallel.
const PARALLEL_PREPARE: usize = 64;

pub async fn append(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let span = tracing::Span::current();
    span.record("entity", caller.entity.as_str());
    match append_inner(&state, &caller, body).await {
        Ok(outcome) => {
            let status = if outcome.all_repeats() {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            if let (Some(first), Some(last)) = (outcome.receipts.first(), outcome.receipts.last()) {
                if first.seq == last.seq {
                    span.record("seq", first.seq);
                } else {
                    span.record("seq", format!("{}..={}", first.seq, last.seq));
                }
            }
            span.record("events", outcome.receipts.len());
            state
                .metrics()
                .appended(outcome.appended() as u64, status.as_u16(), started.elapsed());
            let body = serde_json::json!({ "receipts": outcome.receipts });
            Ok((status, axum::Json(body)).into_response())
        }
        Err(e) => {
            state.metrics().append_status(e.status.as_u16());
            Err(e)
        }
    }
}

async fn append_inner(
    state: &AppState,
    caller: &Principal,
    body: Result<Bytes, BytesRejection>,
) -> Result<AppendOutcome, ApiError> {
    // A follower of a shared ledger answers at once, before reading a body
    // it could not record anyway.
    if let Some(c) = state.cluster().filter(|_| !state.is_writer()) {
        return Err(ApiError::not_writer(c.writer()));
    }
    let body = body.map_err(|e| {
        let status = e.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "too_large"
        } else {
            "bad_body"
        };
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "the request body is larger than {} bytes; send the events in smaller batches",
                state.config().max_body_bytes
            )
        } else {
            e.body_text()
        };
        ApiError::new(status, code, message)
    })?;
    let may_record = caller.has(Role::Recorder);
    // The auditor role counts only for an entity of kind auditor, as the
    // registry has it at the committed head.
    let may_audit =
        caller.has(Role::Auditor) && state.ledger().entity_kind(&caller.entity) == Some(EntityKind::Auditor);
    if !may_record && !may_audit {
        return Err(ApiError::forbidden(
            "forbidden_role",
            if caller.has(Role::Auditor) {
                format!(
                    "the auditor role counts only for an entity of kind auditor, and {:?} is not one",
                    caller.entity
                )
            } else {
                "this token may only read; appending needs a recorder (or auditor) token".to_string()
            },
        ));
    }

    let value = pledger_core::json::parse_strict(&body).map_err(|e| {
        ApiError::rejected(pledger_core::Rejection::new(
            RejectionKind::InvalidJson,
            "",
            format!("the body is not valid JSON: {e}"),
        ))
    })?;
    let (items, batch) = match value {
        Value::Array(items) => (items, true),
        obj @ Value::Object(_) => (vec![obj], false),
        _ => {
            return Err(ApiError::rejected(pledger_core::Rejection::new(
                RejectionKind::InvalidJson,
                "",
                "the body must be one event object, or an array of them",
            )))
        }
    };
    if items.is_empty() {
        return Err(ApiError::rejected(pledger_core::Rejection::new(
            RejectionKind::EmptyBatch,
            "",
            "the array holds no events; send at least one",
        )));
    }
    let at = |i: usize, field: &str| {
        if batch {
            format!("[{i}].{field}")
        } else {
            field.to_string()
        }
    };
    // Impersonation is refused before anything else is looked at.
    for (i, item) in items.iter().enumerate() {
        if let Some(actor) = item.get("actor").and_then(Value::as_str) {
            if actor != caller.entity {
                return Err(ApiError::forbidden(
                    "forbidden_actor",
                    format!(
                        "this token records as {:?}, but the event names {actor:?} as its actor; an organisation records only in its own name",
                        caller.entity
                    ),
                )
                .field(at(i, "actor")));
            }
        }
        if !may_record {
            let kind = item.get("type").and_then(Value::as_str).and_then(EventType::from_name);
            // An unknown type is a structural error (422) for every token;
            // the role decides only among the types the ledger records.
            if kind.is_some_and(|k| !auditor_may_record(k)) {
                let types: Vec<&str> = EventType::ALL
                    .iter()
                    .filter(|t| auditor_may_record(**t))
                    .map(|t| t.as_str())
                    .collect();
                return Err(ApiError::forbidden(
                    "forbidden_role",
                    format!(
                        "an auditor token appends only what an auditor may record on others' matters ({}); anything else needs a recorder token",
                        types.join(", ")
                    ),
                )
                .field(at(i, "type")));
            }
        }
    }

    let prepared = if items.len() > PARALLEL_PREPARE {
        tokio::task::spawn_blocking(move || prepare_all(items, batch))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))??
    } else {
        prepare_all(items, batch)?
    };

    let (tx, rx) = tokio::sync::oneshot::channel();
    state.ledger().submit(prepared, move |r| {
        let _ = tx.send(r);
    });
    let outcome = rx
        .await
        .map_err(|_| ApiError::from(pledger_store::StoreError::Closed))?
        .map_err(|e| match e {
            // A single event is not "event #1 of the batch".
            pledger_store::AppendError::Rejected(mut r) if !batch => {
                r.index = None;
                ApiError::rejected(r)
            }
            other => ApiError::from(other),
        })?;
    Ok(outcome)
}

fn prepare_all(items: Vec<Value>, batch: bool) -> Result<Vec<Prepared>, ApiError> {
    let one =
        |(i, v): (usize, Value)| prepare(v).map_err(|r| ApiError::rejected(if batch { r.at_index(i) } else { r }));
    if items.len() > PARALLEL_PREPARE {
        pledger_store::input::first_error_in_order(items.into_par_iter().enumerate().map(one).collect())
    } else {
        items.into_iter().enumerate().map(one).collect()
    }
}

/// A record as stored (contract 1.2), as one line of JSON without the newline.
pub fn record_json(r: &StoredRecord) -> Result<Vec<u8>, ApiError> {
    let hash = r.hash().ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "corrupt",
            format!("stored record {} is truncated; run `pledger verify`", r.seq),
        )
    })?;
    let mut line = Vec::with_capacity(r.bytes.len() + 80);
    Record::write_json_line(r.body(), &hash, &mut line).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "corrupt",
            format!("stored record {} is not valid JSON ({e}); run `pledger verify`", r.seq),
        )
    })?;
    while line.last() == Some(&b'\n') {
        line.pop();
    }
    Ok(line)
}

fn json_bytes(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// Most records one `GET /v1/events` returns.
const MAX_LIMIT: u64 = 1000;

pub async fn list(State(state): State<AppState>, _reader: Reader, q: Params) -> Result<Response, ApiError> {
    let from = q.number("from")?.unwrap_or(0);
    let limit = q.number("limit")?.unwrap_or(100).min(MAX_LIMIT);
    if let Some(search) = Search::from_params(&q)? {
        return find(state, search, from, limit).await;
    }
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = b"{\"records\":[".to_vec();
        for (i, r) in st.ledger().scan(from, limit).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&record_json(&r?)?);
        }
        out.extend_from_slice(b"]}");
        Ok(json_bytes(out))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

pub async fn one(State(state): State<AppState>, _reader: Reader, PathId(seq): PathId) -> Result<Response, ApiError> {
    let seq = seq
        .parse::<u64>()
        .map_err(|_| ApiError::bad_query("seq", format!("seq must be a non-negative integer, not {seq:?}")))?;
    let record = state.ledger().get(seq)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "there is no record {seq}: the log holds {} records",
            state.ledger().len()
        ))
    })?;
    Ok(json_bytes(record_json(&record)?))
}

/// A search of the log (`GET /v1/events` with `q`, `type`, `actor`,
/// `from_date` or `to_date`; beyond the published format's plain paging).
/// A record matches when it passes every filter given:
///
/// - `type`: the event type, or a family given with its dot (`fund.`);
/// - `actor`: the actor's id;
/// - `from_date` / `to_date`: `occurred_at`'s day, both ends included;
/// - `q`: any part of the record's text (ids, amounts, names in its data),
///   case-insensitive, or the id of any entity or account whose registered
///   name contains it — so "汉寿县" finds the records of every 汉寿县 body
///   and account, and "九鼎" those of 澧县九鼎纸业有限公司.
#[derive(Debug, Default)]
struct Search {
    kind: Option<String>,
    actor: Option<String>,
    from_date: Option<String>,
    to_date: Option<String>,
    text: Option<String>,
}

impl Search {
    fn from_params(q: &Params) -> Result<Option<Search>, ApiError> {
        let get = |name: &str| {
            q.text(name)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let date = |name: &str| -> Result<Option<String>, ApiError> {
            match get(name) {
                Some(d) => pledger_core::when::Day::parse(&d)
                    .map(|d| Some(d.to_string()))
                    .map_err(|e| ApiError::bad_query(name, format!("{name} must be a date YYYY-MM-DD: {e}"))),
                None => Ok(None),
            }
        };
        let s = Search {
            kind: get("type"),
            actor: get("actor"),
            from_date: date("from_date")?,
            to_date: date("to_date")?,
            text: get("q").map(|t| t.to_lowercase()),
        };
        let any =
            s.kind.is_some() || s.actor.is_some() || s.from_date.is_some() || s.to_date.is_some() || s.text.is_some();
        Ok(any.then_some(s))
    }

    /// Does the record (its stored JSON line, parsed) match? `named` holds
    /// the ids, quoted as in JSON, whose registered names contain `q`.
    fn matches(&self, line: &[u8], record: &Value, named: &[String]) -> bool {
        let event = &record["event"];
        if let Some(k) = &self.kind {
            let t = event["type"].as_str().unwrap_or("");
            if !(t == k || (k.ends_with('.') && t.starts_with(k.as_str()))) {
                return false;
            }
        }
        if let Some(a) = &self.actor {
            if event["actor"].as_str() != Some(a.as_str()) {
                return false;
            }
        }
        let day = event["occurred_at"]
            .as_str()
            .map(|d| d.get(..10).unwrap_or(d))
            .unwrap_or("");
        if self.from_date.as_deref().is_some_and(|f| day < f) || self.to_date.as_deref().is_some_and(|t| day > t) {
            return false;
        }
        if let Some(text) = &self.text {
            // The stored line is canonical JSON with its text as UTF-8
            // (not escaped), so names and words match in it directly.
            let body = String::from_utf8_lossy(line);
            let hit = body.to_lowercase().contains(text.as_str()) || named.iter().any(|id| body.contains(id.as_str()));
            if !hit {
                return false;
            }
        }
        true
    }
}

/// Scans the log from `from` for up to `limit` records that match; the
/// answer says where to go on (`next_from`) when it stopped at the limit.
async fn find(state: AppState, search: Search, from: u64, limit: u64) -> Result<Response, ApiError> {
    // The ids whose registered names contain the text, quoted as JSON
    // strings so that "hs" does not match inside "hs-park".
    let named: Vec<String> = match &search.text {
        Some(text) => {
            let ledger = state.ledger();
            state
                .live()
                .read(ledger, |facts| {
                    let entities = facts
                        .entities
                        .iter()
                        .filter(|(_, e)| e.data.name.0.to_lowercase().contains(text.as_str()))
                        .map(|(id, _)| id.clone());
                    let accounts = facts
                        .accounts
                        .iter()
                        .filter(|(_, a)| a.data.name.0.to_lowercase().contains(text.as_str()))
                        .map(|(id, _)| id.clone());
                    entities.chain(accounts).map(|id| format!("\"{id}\"")).collect()
                })
                .map_err(|e| ApiError::internal(e.to_string()))?
        }
        None => Vec::new(),
    };
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = b"{\"records\":[".to_vec();
        let mut found = 0u64;
        let mut next_from = None;
        for r in st.ledger().scan(from, u64::MAX) {
            let r = r?;
            if found == limit {
                next_from = Some(r.seq);
                break;
            }
            let line = record_json(&r)?;
            let record: Value = serde_json::from_slice(&line).unwrap_or(Value::Null);
            if !search.matches(&line, &record, &named) {
                continue;
            }
            if found > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&line);
            found += 1;
        }
        out.extend_from_slice(b"]");
        if let Some(n) = next_from {
            out.extend_from_slice(format!(",\"next_from\":{n}").as_bytes());
        }
        out.extend_from_slice(b"}");
        Ok(json_bytes(out))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}
