//! `GET /v1/workbooks/{report}`: a report as an Excel workbook, the same
//! bytes `pledger report REPORT --format xlsx` writes for the same ledger,
//! scope, date and language (both build it with pledger-sheets). The
//! console's "Export Excel" buttons link here.

use super::extract::{Language, Scoped};
use crate::auth::Reader;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pledger_sheets::Report;
use pledger_views::Scope;

/// The media type of an Office Open XML workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

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
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let now = st.judged_at(scope);
        let calendar = &st.config().calendar;
        let sheets = if scope == Scope::default() {
            st.live().read(st.ledger(), |facts| {
                pledger_sheets::report(report, facts, now, calendar, lang)
            })?
        } else {
            let facts = pledger_views::load(st.backend(), st.ledger().len(), scope)?;
            pledger_sheets::report(report, &facts, now, calendar, lang)
        };
        let bytes = pledger_sheets::xlsx(&sheets, lang, now).map_err(|e| ApiError::internal(e.to_string()))?;
        let file = format!("attachment; filename=\"pledger-{}-{now}.xlsx\"", report.as_str());
        Ok((
            [
                (header::CONTENT_TYPE, XLSX.to_string()),
                (header::CONTENT_DISPOSITION, file),
                (header::VARY, "accept-language".to_string()),
            ],
            bytes,
        )
            .into_response())
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}
