//! `GET /v1/workbooks/{report}`: a report as an Excel workbook, the same
//! bytes `pledger report REPORT --format xlsx` writes for the same ledger,
//! scope, date and language (both build it with pledger-sheets). The
//! console's "Export Excel" buttons link here.

use super::extract::{Language, PathId, Scoped};
use crate::auth::Reader;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pledger_sheets::{Report, Sheet};
use pledger_views::funds::Direction;
use pledger_views::{Facts, Lang, Scope};

/// The media type of an Office Open XML workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Builds the sheets off the async runtime (unscoped from the live facts,
/// caught up first; scoped by rebuilding from the log) and answers the
/// workbook as an attachment named `pledger-{file}-{date}.xlsx`.
async fn answer<F>(state: &AppState, scope: Scope, lang: Lang, file: String, f: F) -> Result<Response, ApiError>
where
    F: FnOnce(&AppState, &Facts, pledger_core::when::Day) -> Result<Vec<Sheet>, ApiError> + Send + 'static,
{
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let now = st.judged_at(scope);
        let sheets = if scope == Scope::default() {
            st.live().read(st.ledger(), |facts| f(&st, facts, now))??
        } else {
            let facts = pledger_views::load(st.backend(), st.ledger().len(), scope)?;
            f(&st, &facts, now)?
        };
        let bytes = pledger_sheets::xlsx(&sheets, lang, now).map_err(|e| ApiError::internal(e.to_string()))?;
        // Ids may hold characters a header's quoted string may not.
        let file: String = file
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let disposition = format!("attachment; filename=\"pledger-{file}-{now}.xlsx\"");
        Ok((
            [
                (header::CONTENT_TYPE, XLSX.to_string()),
                (header::CONTENT_DISPOSITION, disposition),
                (header::VARY, "accept-language".to_string()),
            ],
            bytes,
        )
            .into_response())
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

pub async fn workbook(
    State(state): State<AppState>,
    _r: Reader,
    Path(name): Path<String>,
    Scoped { scope, .. }: Scoped,
    Language(lang): Language,
) -> Result<Response, ApiError> {
    let report = Report::parse(&name).ok_or_else(|| {
        let all: Vec<&str> = Report::ALL.iter().map(|r| r.as_str()).collect();
        ApiError::not_found(format!("no report {name:?}; reports: {}", all.join(", ")))
    })?;
    answer(
        &state,
        scope,
        lang,
        report.as_str().to_string(),
        move |st, facts, now| Ok(pledger_sheets::report(report, facts, now, &st.config().calendar, lang)),
    )
    .await
}

/// A trace as a workbook: as `pledger trace ID [--up] --format xlsx`.
pub async fn trace(
    State(state): State<AppState>,
    _r: Reader,
    PathId(id): PathId,
    Scoped { scope, params }: Scoped,
    Language(lang): Language,
) -> Result<Response, ApiError> {
    let direction = match params.0.get("direction").map(String::as_str) {
        None | Some("down") => Direction::Down,
        Some("up") => Direction::Up,
        Some(other) => {
            return Err(ApiError::bad_query(
                "direction",
                format!("direction must be down or up, not {other:?}"),
            ))
        }
    };
    let file = format!("trace-{id}-{}", direction.as_str());
    answer(&state, scope, lang, file, move |_, facts, _| {
        let trace = pledger_views::funds::trace(facts, &id, direction)
            .ok_or_else(|| ApiError::not_found(format!("no account {id:?} is recorded in this ledger")))?;
        Ok(vec![pledger_sheets::trace(&trace, facts, lang)])
    })
    .await
}
