//! `POST /v1/import` (a spreadsheet or CSV file of one event type, every
//! row an event, appended as one batch or not at all; `dry_run=true`
//! lists every bad row and writes nothing) and `GET /v1/import/template`
//! (the workbook to fill in). Beyond the published format: the events are
//! judged exactly as `POST /v1/events` judges them, and every row's actor
//! must be the token's entity.

use super::extract::{Language, Params};
use crate::auth::Caller;
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
use pledger_import::{judge, map_sheet, read, ColumnMap, Lang, Problem};
use serde_json::json;

fn event_type(q: &Params, lang: Lang) -> Result<pledger_core::EventType, ApiError> {
    let name =
        q.0.get("type")
            .ok_or_else(|| ApiError::bad_query("type", "give the event type the rows record: ?type=fund.disbursed"))?;
    pledger_import::event_type(name).map_err(|e| ApiError::bad_query("type", e.text(lang)))
}

/// The rows' problems: 422 with every one of them.
fn problems_response(problems: &[Problem], lang: Lang) -> Response {
    let list: Vec<_> = problems.iter().map(|p| p.to_json(lang)).collect();
    let message = match lang {
        Lang::ZhCn => format!("发现 {} 处问题，未写入任何记录", problems.len()),
        Lang::En => format!(
            "{} problem{} found; nothing was appended",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        ),
    };
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({
            "error": {"code": "bad_rows", "message": message, "field": ""},
            "problems": list,
        })),
    )
        .into_response()
}

pub async fn import(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Language(lang): Language,
    q: Params,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let started = std::time::Instant::now();
    let body = body.map_err(|e| {
        let status = e.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "too_large"
        } else {
            "bad_body"
        };
        ApiError::new(status, code, e.body_text())
    })?;
    let t = event_type(&q, lang)?;
    let dry_run = match q.0.get("dry_run").map(String::as_str) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") | Some("") => true,
        Some(other) => {
            return Err(ApiError::bad_query(
                "dry_run",
                format!("dry_run is true or false, not {other:?}"),
            ))
        }
    };
    // The roles of POST /v1/events: a recorder token, or an auditor's for
    // what an auditor may record on others' matters.
    let may_record = caller.has(Role::Recorder);
    let may_audit = caller.has(Role::Auditor)
        && state.ledger().entity_kind(&caller.entity) == Some(EntityKind::Auditor)
        && auditor_may_record(t);
    if !may_record && !may_audit {
        return Err(ApiError::forbidden(
            "forbidden_role",
            format!("this token may not append {} events", t.as_str()),
        ));
    }
    let sheet = q.0.get("sheet").cloned().filter(|s| !s.is_empty());
    let entity = caller.entity.clone();
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let grid = read::read(&body, sheet.as_deref())
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_sheet", e.text(lang)))?;
        let mapped = map_sheet(t, &grid, &ColumnMap::default());
        let ready = match judge::judge(st.ledger(), &mapped, Some(&entity), &|_| {})? {
            Ok(r) => r,
            Err(problems) => return Ok(problems_response(&problems, lang)),
        };
        let rows = ready.len();
        if dry_run {
            return Ok((
                StatusCode::OK,
                axum::Json(json!({"dry_run": true, "type": t.as_str(), "rows": rows, "problems": []})),
            )
                .into_response());
        }
        let row_numbers = ready.rows.clone();
        match ready.append(st.ledger()) {
            Ok(outcome) => {
                let status = if outcome.all_repeats() {
                    StatusCode::OK
                } else {
                    StatusCode::CREATED
                };
                st.metrics()
                    .appended(outcome.appended() as u64, status.as_u16(), started.elapsed());
                Ok((
                    status,
                    axum::Json(json!({
                        "type": t.as_str(),
                        "rows": rows,
                        "appended": outcome.appended(),
                        "receipts": outcome.receipts,
                    })),
                )
                    .into_response())
            }
            // Another append changed the registry since the check: that
            // row, on its row.
            Err(pledger_store::AppendError::Rejected(r)) => {
                let row = r.index.and_then(|i| row_numbers.get(i).copied()).unwrap_or(1);
                Ok(problems_response(
                    &[pledger_import::rejection_problem(&mapped.layout, row, &r)],
                    lang,
                ))
            }
            Err(e) => Err(ApiError::from(e)),
        }
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

pub async fn template(Language(lang): Language, q: Params) -> Result<Response, ApiError> {
    let t = event_type(&q, lang)?;
    let bytes = pledger_import::template::write(t).map_err(|e| ApiError::internal(e.text(lang)))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.xlsx\"", t.as_str()),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /v1/event-fields`: each event type's fields by name in Chinese, so
/// a reader of a record sees "拨付金额" where the format says `amount`
/// (the import templates' headers; beyond the published format).
/// `{"types": {"fund.disbursed": {"actor": "记录主体", "amount": "拨付金额", "period.from": ...}}}`.
pub async fn event_fields() -> Response {
    let mut types = serde_json::Map::new();
    for &t in pledger_core::EventType::ALL {
        let mut fields = serde_json::Map::new();
        for c in pledger_import::columns::columns(t) {
            // A nested field's parent ("period" of "period.from") by its own label too.
            if let Some((parent, _)) = c.key.split_once('.') {
                let label = pledger_import::columns::label(t, parent);
                if !label.is_empty() && !fields.contains_key(parent) {
                    fields.insert(parent.to_string(), json!(label));
                }
            }
            fields.insert(c.key.clone(), json!(c.zh));
        }
        types.insert(t.as_str().to_string(), serde_json::Value::Object(fields));
    }
    axum::Json(json!({ "types": types })).into_response()
}
