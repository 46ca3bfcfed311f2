//! The routes, and the one table both the router and `/openapi.json` are
//! built from: a route cannot be served without being documented, nor
//! documented without being served.

pub mod events;
pub mod extract;
pub mod import;
pub mod ops;
pub mod proofs;
pub mod schemas;
pub mod stream;
pub mod tokens;
pub mod views;
pub mod whoami;
pub mod workbooks;

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post, MethodRouter};
use axum::Router;
use pledger_core::when::Day;
use pledger_views::Scope;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use tower_http::trace::TraceLayer;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (health, metrics, the API description, the console).
    Open,
    /// Any valid token, or anyone with `--public-reads`.
    Read,
    /// Any valid token, even with `--public-reads` (the token is the question).
    Token,
    /// A token whose entity is every event's actor.
    Write,
    /// An admin token.
    Admin,
}

#[derive(Clone, Copy, Debug)]
pub enum In {
    Path,
    Query,
    Header,
}

#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub location: In,
    pub required: bool,
    /// JSON Schema type: `integer` or `string`.
    pub kind: &'static str,
    pub description: &'static str,
}

const fn query(name: &'static str, kind: &'static str, description: &'static str) -> Param {
    Param {
        name,
        location: In::Query,
        required: false,
        kind,
        description,
    }
}

const fn path(name: &'static str, kind: &'static str, description: &'static str) -> Param {
    Param {
        name,
        location: In::Path,
        required: true,
        kind,
        description,
    }
}

const fn header(name: &'static str, description: &'static str) -> Param {
    Param {
        name,
        location: In::Header,
        required: false,
        kind: "string",
        description,
    }
}

/// The language of findings' sentences (docs/views.md): `lang`, else
/// `Accept-Language`.
const LANGUAGE: [Param; 2] = [
    query(
        "lang",
        "string",
        "Language of the findings' sentences: zh-CN or en (default: from Accept-Language, else en).",
    ),
    header(
        "Accept-Language",
        "Used when lang is not given: zh… gives zh-CN, en… en (the highest q of the two); else en.",
    ),
];

const AS_OF: Param = query(
    "as_of",
    "string",
    "Only events that occurred on or before this date (YYYY-MM-DD); statuses are judged at it.",
);
const AT_SEQ: Param = query(
    "at_seq",
    "integer",
    "Only records 0..=at_seq: what the ledger showed at that point of its history.",
);
const SCOPE: [Param; 2] = [AS_OF, AT_SEQ];

/// One route of the API.
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub params: Vec<Param>,
    /// Status codes this route answers with, and what each means.
    pub responses: &'static [(u16, &'static str)],
    pub handler: fn() -> MethodRouter<AppState>,
}

const READ_ERRORS: [(u16, &str); 2] = [(400, "a query parameter is malformed"), (401, "no valid token")];

/// Every route. The router and the API description are both built from
/// this list.
pub fn table() -> Vec<Route> {
    vec![
        Route {
            method: "post",
            path: "/v1/events",
            summary: "Append one event or an array of events (in order, all or nothing).",
            access: Access::Write,
            params: vec![],
            responses: &[
                (201, "recorded: {\"receipts\": [{\"seq\", \"hash\"}]}"),
                (200, "an idempotent repeat: the first receipts, nothing appended"),
                (401, "no valid token"),
                (403, "an event's actor is not the token's entity, or the token's role may not append it"),
                (409, "an id already used for a different event"),
                (413, "the body is larger than the server accepts"),
                (422, "a structural error: bad JSON, unknown type or field, a reference to nothing, a bad amount, a bad signature"),
                (503, "the server is shutting down"),
                (507, "the disk is full; nothing was written"),
            ],
            handler: || post(events::append),
        },
        Route {
            method: "post",
            path: "/v1/import",
            summary: "Import a spreadsheet (xlsx, xls, ods) or CSV file sent as the body: one event type, a row per event, judged as POST /v1/events judges events and appended as one batch or not at all; every row's actor must be the token's entity (beyond the published format; docs/http.md).",
            access: Access::Write,
            params: vec![
                Param {
                    required: true,
                    ..query("type", "string", "The event type every row records, e.g. fund.disbursed.")
                },
                query("dry_run", "string", "true: check every row and list the bad ones; write nothing."),
                query("sheet", "string", "The sheet to read (default: the first)."),
                LANGUAGE[0],
                LANGUAGE[1],
            ],
            responses: &[
                (201, "recorded: {\"type\", \"rows\", \"appended\", \"receipts\"}"),
                (200, "a dry run with no bad row ({\"dry_run\": true, \"rows\"}), or every row an idempotent repeat"),
                (400, "no or an unknown type, or a malformed parameter"),
                (401, "no valid token"),
                (403, "the token's role may not append this type"),
                (413, "the file is larger than the server accepts"),
                (422, "bad rows, each {\"row\", \"column\", \"code\", \"reason\"} under \"problems\" (a row whose actor is not the token's entity among them); or a file that is not a workbook or CSV"),
                (503, "the server is shutting down"),
                (507, "the disk is full; nothing was written"),
            ],
            handler: || post(import::import),
        },
        Route {
            method: "get",
            path: "/v1/import/template",
            summary: "The import template of an event type: an xlsx workbook with Chinese headers, an example row and dropdowns (beyond the published format).",
            access: Access::Open,
            params: vec![Param {
                required: true,
                ..query("type", "string", "The event type, e.g. fund.disbursed.")
            }],
            responses: &[(200, "the workbook"), (400, "no or an unknown type")],
            handler: || get(import::template),
        },
        Route {
            method: "get",
            path: "/v1/event-fields",
            summary: "Each event type's fields by their Chinese names (the import templates' headers), for showing records to readers: {\"types\": {TYPE: {FIELD: NAME}}} (beyond the published format).",
            access: Access::Open,
            params: vec![],
            responses: &[(200, "the names")],
            handler: || get(import::event_fields),
        },
        Route {
            method: "get",
            path: "/v1/events",
            summary: "Records as stored: {\"records\": [...]}; with a search parameter, the records that match, and next_from when there may be more.",
            access: Access::Read,
            params: vec![
                query("from", "integer", "First seq (default 0)."),
                query("limit", "integer", "At most this many records (default 100, at most 1000)."),
                query("q", "string", "Search: any part of the record's text, or of a registered name of an entity or account it names (case-insensitive)."),
                query("type", "string", "Search: the event type, or a family with its dot (fund.)."),
                query("actor", "string", "Search: the actor's id."),
                query("from_date", "string", "Search: occurred on or after this date (YYYY-MM-DD)."),
                query("to_date", "string", "Search: occurred on or before this date (YYYY-MM-DD)."),
            ],
            responses: &[(200, "the records"), (400, "a query parameter is malformed"), (401, "no valid token")],
            handler: || get(events::list),
        },
        Route {
            method: "get",
            path: "/v1/events/{seq}",
            summary: "One record as stored.",
            access: Access::Read,
            params: vec![path("seq", "integer", "The record's seq.")],
            responses: &[(200, "the record"), (401, "no valid token"), (404, "no such record")],
            handler: || get(events::one),
        },
        Route {
            method: "get",
            path: "/v1/targets",
            summary: "Every target's standing (format 3.1) and the runs of consecutive misses.",
            access: Access::Read,
            params: SCOPE.to_vec(),
            responses: &READ_ERRORS_OK,
            handler: || get(views::targets),
        },
        Route {
            method: "get",
            path: "/v1/targets/{id}",
            summary: "One target's standing.",
            access: Access::Read,
            params: vec![path("id", "string", "target_id"), AS_OF, AT_SEQ],
            responses: &READ_ONE,
            handler: || get(views::target),
        },
        Route {
            method: "get",
            path: "/v1/funds/accounts",
            summary: "Per account: allocated and disbursed in and out, confirmations, balance; per allocation, what is left (3.2).",
            access: Access::Read,
            params: SCOPE.to_vec(),
            responses: &READ_ERRORS_OK,
            handler: || get(views::accounts),
        },
        Route {
            method: "get",
            path: "/v1/funds/accounts/{id}/trace",
            summary: "Where an account's money went (down, to final payees) or came from (up, to sources, pro rata).",
            access: Access::Read,
            params: vec![
                path("id", "string", "account_id"),
                query("direction", "string", "down (default) or up"),
                AS_OF,
                AT_SEQ,
            ],
            responses: &READ_ONE,
            handler: || get(views::trace),
        },
        Route {
            method: "get",
            path: "/v1/funds/disbursements",
            summary: "The live disbursements /v1/funds/accounts sums, one by one, newest first (business date, then seq, descending): date, accounts, amount, kind, category, purpose, record (beyond the published format).",
            access: Access::Read,
            params: vec![
                query("account", "string", "Only disbursements paid out of or into this account_id (404 when the scope knows no such account)."),
                query("from", "integer", "Position in the list to start at (default 0, the newest); next_from of the previous page."),
                query("limit", "integer", "At most this many disbursements (default 100, at most 1000)."),
                AS_OF,
                AT_SEQ,
            ],
            responses: &READ_PAGE,
            handler: || get(views::disbursements),
        },
        Route {
            method: "get",
            path: "/v1/commitments",
            summary: "Every commitment's status and computed due date (3.3).",
            access: Access::Read,
            params: SCOPE.to_vec(),
            responses: &READ_ERRORS_OK,
            handler: || get(views::commitments),
        },
        Route {
            method: "get",
            path: "/v1/commitments/{id}",
            summary: "One commitment.",
            access: Access::Read,
            params: vec![path("id", "string", "commitment_id"), AS_OF, AT_SEQ],
            responses: &READ_ONE,
            handler: || get(views::commitment),
        },
        Route {
            method: "get",
            path: "/v1/incentives",
            summary: "Per scheme, paid per role against its share; per payout, whether the target was met (3.4).",
            access: Access::Read,
            params: SCOPE.to_vec(),
            responses: &READ_ERRORS_OK,
            handler: || get(views::incentives),
        },
        Route {
            method: "get",
            path: "/v1/assessment",
            summary: "Every yearly task: score, pass score, status, veto, decided_on, rank within its group and period, consequences due and imposed; per assessed unit, its run of failed tasks (3.7).",
            access: Access::Read,
            params: SCOPE.to_vec(),
            responses: &READ_ERRORS_OK,
            handler: || get(views::assessment),
        },
        Route {
            method: "get",
            path: "/v1/assessment/{task_id}",
            summary: "One yearly task with its items and consequences (3.7).",
            access: Access::Read,
            params: vec![path("task_id", "string", "task_id"), AS_OF, AT_SEQ],
            responses: &READ_ONE,
            handler: || get(views::assessment_task),
        },
        Route {
            method: "get",
            path: "/v1/projects",
            summary: "The project register: per project its host, investor, planned investment and money in place, stage and land as of the date, and the targets whose claims and verifications counted it (3.8).",
            access: Access::Read,
            params: SCOPE.to_vec(),
            responses: &READ_ERRORS_OK,
            handler: || get(views::projects),
        },
        Route {
            method: "get",
            path: "/v1/projects/{id}",
            summary: "One signed project (3.8).",
            access: Access::Read,
            params: vec![path("id", "string", "project_id"), AS_OF, AT_SEQ],
            responses: &READ_ONE,
            handler: || get(views::project),
        },
        Route {
            method: "get",
            path: "/v1/findings",
            summary: "Every discrepancy with its code, records, facts and a plain sentence in the language asked for (3.5).",
            access: Access::Read,
            params: [SCOPE.as_slice(), LANGUAGE.as_slice()].concat(),
            responses: &READ_ERRORS_OK,
            handler: || get(views::findings),
        },
        Route {
            method: "get",
            path: "/v1/findings/changes",
            summary: "Findings raised and resolved since log position from_seq, each with the records after it that made the difference (3.9).",
            access: Access::Read,
            params: vec![
                Param {
                    required: true,
                    ..query(
                        "from_seq",
                        "integer",
                        "The log position of the last audit: findings at at_seq=from_seq are compared with the findings now.",
                    )
                },
                AS_OF,
                LANGUAGE[0],
                LANGUAGE[1],
            ],
            responses: &READ_ERRORS_OK,
            handler: || get(views::finding_changes),
        },
        Route {
            method: "get",
            path: "/v1/workbooks/{report}",
            summary: "A report as an Excel workbook (beyond the published format's routes; format 4's `--format xlsx`): the same bytes as `pledger report REPORT --format xlsx` for the same ledger, scope, date and language; headers, statuses and sheet names in the language asked for, names beside ids, amounts as numbers in yuan with a 10k-yuan (万元) column and totals.",
            access: Access::Read,
            params: [
                &[path(
                    "report",
                    "string",
                    "targets, funds, commitments, incentives, assessment, projects or findings",
                )][..],
                SCOPE.as_slice(),
                LANGUAGE.as_slice(),
            ]
            .concat(),
            responses: &[
                (200, "the workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet), as an attachment"),
                READ_ERRORS[0],
                READ_ERRORS[1],
                (404, "no such report"),
            ],
            handler: || get(workbooks::workbook),
        },
        Route {
            method: "get",
            path: "/v1/workbooks/trace/{id}",
            summary: "A trace as an Excel workbook (beyond the published format's routes): the same bytes as `pledger trace ID [--up] --format xlsx`; the flows with the accounts' names, amounts in yuan and 10k yuan, the total.",
            access: Access::Read,
            params: [
                &[
                    path("id", "string", "account_id"),
                    query("direction", "string", "down (default) or up"),
                ][..],
                SCOPE.as_slice(),
                LANGUAGE.as_slice(),
            ]
            .concat(),
            responses: &[
                (200, "the workbook, as an attachment"),
                READ_ERRORS[0],
                READ_ERRORS[1],
                (404, "no such account"),
            ],
            handler: || get(workbooks::trace),
        },
        Route {
            method: "get",
            path: "/v1/finding-codes",
            summary: "Every finding code the views can raise, in order, with its severity (3 serious, 2 significant, 1 minor), labels (en, zh-CN) and format version (beyond the published format: the list the console and reports describe codes from).",
            access: Access::Read,
            params: vec![],
            responses: &[(200, "{\"codes\": [{\"code\", \"severity\", \"label\": {\"en\", \"zh-CN\"}, \"version\"}]}"), (401, "no valid token")],
            handler: || get(views::finding_codes),
        },
        Route {
            method: "get",
            path: "/v1/claims/targets/{id}",
            summary: "Verdict on \"target T was met\" with the deciding records and their inclusion proofs (3.6).",
            access: Access::Read,
            params: vec![path("id", "string", "target_id"), AS_OF, AT_SEQ],
            responses: &READ_ONE,
            handler: || get(views::claim),
        },
        Route {
            method: "get",
            path: "/v1/checkpoint",
            summary: "The newest signed checkpoint (C2SP tlog-checkpoint, signed note).",
            access: Access::Read,
            params: vec![],
            responses: &[(200, "the checkpoint"), (401, "no valid token"), (404, "the log is empty")],
            handler: || get(proofs::checkpoint),
        },
        Route {
            method: "get",
            path: "/v1/proofs/inclusion",
            summary: "Inclusion proof of record seq in the tree of size records (format 1.3).",
            access: Access::Read,
            params: vec![
                Param {
                    required: true,
                    ..query("seq", "integer", "The record.")
                },
                query("size", "integer", "Tree size (default: the whole log)."),
            ],
            responses: &READ_ERRORS_OK,
            handler: || get(proofs::inclusion),
        },
        Route {
            method: "get",
            path: "/v1/proofs/consistency",
            summary: "Consistency proof: the tree of `from` records is a prefix of the tree of `to`.",
            access: Access::Read,
            params: vec![
                Param {
                    required: true,
                    ..query("from", "integer", "The older tree size (at least 1).")
                },
                query("to", "integer", "The newer tree size (default: the whole log)."),
            ],
            responses: &READ_ERRORS_OK,
            handler: || get(proofs::consistency),
        },
        Route {
            method: "get",
            path: "/v1/stream",
            summary: "Server-sent events, one record each (`id:` is its seq): replays from `from`, then follows live.",
            access: Access::Read,
            params: vec![query(
                "from",
                "integer",
                "First seq to send (default 0; a Last-Event-ID header resumes after it).",
            )],
            responses: &[(200, "text/event-stream"), (401, "no valid token")],
            handler: || get(stream::stream),
        },
        Route {
            method: "get",
            path: "/v1/entities",
            summary: "Every registered entity: id, kind, name, parent (beyond the published format: names for the ids the views use).",
            access: Access::Read,
            params: SCOPE.to_vec(),
            responses: &READ_ERRORS_OK,
            handler: || get(views::entities),
        },
        Route {
            method: "get",
            path: "/v1/whoami",
            summary: "Who the token speaks for: {\"entity\", \"kind\", \"name\", \"parent\", \"roles\", \"has_public_key\", \"public_key\", \"event_types\"} (the types its roles let it append; beyond the published format).",
            access: Access::Token,
            params: vec![],
            responses: &[(200, "the token's entity and roles"), (401, "no valid token")],
            handler: || get(whoami::whoami),
        },
        Route {
            method: "post",
            path: "/v1/tokens",
            summary: "Issue a token: {\"entity\", \"roles\": [...]} → {\"id\", \"entity\", \"roles\", \"token\"} (admin; beyond the published format).",
            access: Access::Admin,
            params: vec![],
            responses: &[
                (201, "issued; the token is shown only here"),
                (401, "no valid token"),
                (403, "not an admin token"),
                (422, "an unknown entity or role, or the auditor role for a non-auditor"),
            ],
            handler: || post(tokens::issue),
        },
        Route {
            method: "get",
            path: "/v1/tokens",
            summary: "Issued tokens: ids, entities, roles, dates; never the tokens (admin; beyond the published format).",
            access: Access::Admin,
            params: vec![],
            responses: &[(200, "the tokens"), (401, "no valid token"), (403, "not an admin token")],
            handler: || get(tokens::list),
        },
        Route {
            method: "delete",
            path: "/v1/tokens/{id}",
            summary: "Revoke a token by its id (admin; beyond the published format).",
            access: Access::Admin,
            params: vec![path("id", "string", "The token's id (or the token itself).")],
            responses: &[
                (200, "revoked"),
                (401, "no valid token"),
                (403, "not an admin token"),
                (404, "no such token"),
            ],
            handler: || delete(tokens::revoke),
        },
        Route {
            method: "get",
            path: "/healthz",
            summary: "Liveness: {\"status\": \"ok\", \"records\": N}.",
            access: Access::Open,
            params: vec![],
            responses: &[(200, "serving")],
            handler: || get(ops::healthz),
        },
        Route {
            method: "get",
            path: "/metrics",
            summary: "Prometheus text: appends, rejections by code, append latency, log size, checkpoint size, view lag.",
            access: Access::Open,
            params: vec![],
            responses: &[(200, "text/plain; version=0.0.4")],
            handler: || get(ops::metrics),
        },
        Route {
            method: "get",
            path: "/openapi.json",
            summary: "This API, as OpenAPI 3.1, generated from the server's route table.",
            access: Access::Open,
            params: vec![],
            responses: &[(200, "the document")],
            handler: || get(ops::openapi),
        },
        Route {
            method: "get",
            path: "/",
            summary: "The auditor's web console.",
            access: Access::Open,
            params: vec![],
            responses: &[(200, "text/html")],
            handler: || get(ops::console_index),
        },
        Route {
            method: "get",
            path: "/console/{*file}",
            summary: "The console's embedded assets.",
            access: Access::Open,
            params: vec![path("file", "string", "Asset path.")],
            responses: &[(200, "the asset"), (404, "no such asset")],
            handler: || get(ops::console_asset),
        },
    ]
}

const READ_PAGE: [(u16, &str); 4] = [
    (200, "a page of the list: {\"disbursements\", \"total\", \"next_from\"}"),
    READ_ERRORS[0],
    READ_ERRORS[1],
    (404, "no such account"),
];
const READ_ERRORS_OK: [(u16, &str); 3] = [(200, "the view"), READ_ERRORS[0], READ_ERRORS[1]];
const READ_ONE: [(u16, &str); 4] = [(200, "the item"), READ_ERRORS[0], READ_ERRORS[1], (404, "no such item")];

/// The console's policy: its own scripts, styles and API only; no inline
/// script, no framing (the console must not be shown inside another site,
/// where a click could be stolen), no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// Headers on every answer: the content security policy, no MIME sniffing
/// (a JSON answer is never run as a script), no framing for old browsers.
async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        axum::http::header::X_FRAME_OPTIONS,
        axum::http::HeaderValue::from_static("DENY"),
    );
    response
}

/// The router of every route in [`table`], with the request limits, the
/// request span and the metrics.
pub fn router(state: AppState) -> Router {
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for route in table() {
        let handler = (route.handler)();
        let merged = match by_path.remove(route.path) {
            Some(existing) => existing.merge(handler),
            None => handler,
        };
        by_path.insert(route.path, merged);
    }
    let mut router = Router::new();
    for (path, handler) in by_path {
        router = router.route(path, handler);
    }
    let max_body = state.config().max_body_bytes;
    let timeout = state.config().request_timeout;
    // Layers run outside in: the last added sees the request first. The
    // shaping middleware sits outside the timeout so a 408 gets its body.
    router
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), count_request))
        .layer(middleware::map_response(security_headers))
        .layer(
            TraceLayer::new_for_http()
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO))
                .make_span_with(|req: &Request<axum::body::Body>| {
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        seq = tracing::field::Empty,
                        events = tracing::field::Empty,
                        entity = tracing::field::Empty,
                    )
                }),
        )
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route; see /openapi.json")
}

/// Counts requests, and refusals by their error code; gives every error
/// the contract's shape, including those the HTTP layers answer with an
/// empty body (405 for a known route and another method, 408 for a
/// request cut off by the timeout).
async fn count_request(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let resp = shaped(next.run(req).await);
    state.metrics().request();
    if let Some(code) = resp.extensions().get::<crate::error::ErrorCode>() {
        state.metrics().rejected(&code.0);
    }
    resp
}

/// An error answer without the contract's JSON body, given one.
fn shaped(resp: Response) -> Response {
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if status.as_u16() < 400 || is_json {
        return resp;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this route does not take that method; see the Allow header and /openapi.json".to_string(),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "the request took longer than the server allows (--request-timeout); send it again, whole".to_string(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the request body is too large".to_string()),
        s => (
            if s.is_server_error() { "internal" } else { "bad_request" },
            s.canonical_reason().unwrap_or("error").to_string(),
        ),
    };
    let allow = resp.headers().get(axum::http::header::ALLOW).cloned();
    let mut shaped = axum::response::IntoResponse::into_response(ApiError::new(status, code, message));
    if let Some(allow) = allow {
        shaped.headers_mut().insert(axum::http::header::ALLOW, allow);
    }
    shaped
}

/// The paths a route stands for in `/openapi.json`. OpenAPI templates
/// name one path segment each (`{name}`); the router's catch-all
/// `{*file}` has no OpenAPI spelling, so the console's assets are listed
/// as the concrete paths they are (the embedded files are a fixed list),
/// each with its content type. Every other path is its own template.
fn documented_paths(r: &Route) -> Vec<(String, Option<&'static str>)> {
    if r.path == "/console/{*file}" {
        return crate::console::FILES
            .iter()
            .map(|(name, ctype, _)| (format!("/console/{name}"), Some(*ctype)))
            .collect();
    }
    vec![(r.path.to_string(), None)]
}

/// An operationId from the method and the concrete path: letters, digits
/// and `_` only, as client generators turn it into a function name
/// (`get_v1_events_seq`, `get_console_app_js`).
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for part in path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        id.push('_');
        id.push_str(part);
    }
    if path == "/" {
        id.push_str("_index");
    }
    id
}

/// `/openapi.json`, from [`table`]: OpenAPI 3.1, every answer with its
/// content type and schema (`schemas.rs`), errors as the `Error` schema.
pub fn openapi() -> Value {
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for r in table() {
        for (doc_path, asset_type) in documented_paths(&r) {
            let params: Vec<Value> = r
                .params
                .iter()
                // A concrete asset path has no parameter left.
                .filter(|p| !(asset_type.is_some() && matches!(p.location, In::Path)))
                .map(|p| {
                    json!({
                        "name": p.name,
                        "in": match p.location { In::Path => "path", In::Query => "query", In::Header => "header" },
                        "required": p.required,
                        "description": p.description,
                        "schema": {"type": p.kind},
                    })
                })
                .collect();
            let success = schemas::success(r.method, r.path, asset_type);
            let responses: Map<String, Value> = r
                .responses
                .iter()
                .map(|(code, what)| {
                    let mut resp = json!({ "description": what });
                    if *code >= 400 {
                        resp["content"] =
                            json!({"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}});
                    } else if let Some(answer) = &success {
                        resp["content"] = json!({ answer.content_type: {"schema": answer.schema.clone()} });
                        if answer.log_position {
                            resp["headers"] = json!({
                                "Pledger-Log-Position": {"$ref": "#/components/headers/LogPosition"}
                            });
                        }
                    }
                    (code.to_string(), resp)
                })
                .collect();
            let mut op = json!({
                "summary": r.summary,
                "operationId": operation_id(r.method, &doc_path),
                "parameters": params,
                "responses": responses,
            });
            match r.access {
                Access::Open => op["security"] = json!([]),
                Access::Read => op["security"] = json!([{"bearer": []}, {}]),
                Access::Token | Access::Write | Access::Admin => op["security"] = json!([{"bearer": []}]),
            }
            if r.path == "/v1/events" && r.method == "post" {
                op["requestBody"] = json!({
                    "required": true,
                    "content": {"application/json": {"schema": {"oneOf": [
                        {"$ref": "#/components/schemas/Event"},
                        {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}
                    ]}}}
                });
            }
            if r.path == "/v1/tokens" && r.method == "post" {
                op["requestBody"] = json!({
                    "required": true,
                    "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["entity", "roles"],
                        "properties": {
                            "entity": {"type": "string"},
                            "roles": {"type": "array", "items": {"enum": ["recorder", "auditor", "reader", "admin"]}}
                        },
                        "additionalProperties": false
                    }}}
                });
            }
            paths.entry(doc_path).or_default().insert(r.method.to_string(), op);
        }
    }
    let mut components = schemas::components();
    components.insert(
        "securitySchemes".into(),
        json!({"bearer": {"type": "http", "scheme": "bearer"}}),
    );
    components.insert(
        "headers".into(),
        json!({"LogPosition": {
            "description": "The seq of the last record the view's facts include: the log position the answer was built on (absent on an empty log).",
            "schema": {"type": "integer", "minimum": 0}
        }}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "pledger",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A hash-chained, Merkle-proven ledger of what was promised about industrial parks, and whether it was delivered. Reads without a token only when the server runs with --public-reads.",
        },
        "paths": paths,
        "components": components,
    })
}

/// `as_of` and `at_seq` from a query string.
pub fn scope(q: &HashMap<String, String>) -> Result<Scope, ApiError> {
    let as_of = match q.get("as_of") {
        Some(s) => Some(Day::parse(s).map_err(|e| ApiError::bad_query("as_of", format!("as_of: {e}")))?),
        None => None,
    };
    let at_seq = match q.get("at_seq") {
        Some(s) => Some(number(s, "at_seq")?),
        None => None,
    };
    Ok(Scope { as_of, at_seq })
}

/// A non-negative integer query parameter.
pub fn number(s: &str, name: &str) -> Result<u64, ApiError> {
    s.parse::<u64>()
        .map_err(|_| ApiError::bad_query(name, format!("{name} must be a non-negative integer, not {s:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ServerConfig;
    use axum::body::Body;
    use pledger_store::keys::DataDir;
    use pledger_store::{Ledger, MemBackend};
    use std::sync::Arc;
    use tower::ServiceExt;

    fn state(dir: &std::path::Path) -> AppState {
        let data = DataDir::init(dir, "test.example/ledger").unwrap();
        let ledger = Ledger::open(Arc::new(MemBackend::default())).unwrap();
        let mut config = ServerConfig::new(dir);
        config.public_reads = true;
        AppState::with_ledger(config, &data, ledger).unwrap()
    }

    /// Every route of the table is documented, and served: the router
    /// answers it with something other than its "no such route" fallback.
    #[tokio::test]
    async fn every_route_is_served_and_documented() {
        let dir = tempfile::tempdir().unwrap();
        let app = router(state(&dir.path().join("data")));
        let doc = openapi();
        for r in table() {
            for (path, _) in documented_paths(&r) {
                assert!(
                    doc["paths"][path.as_str()][r.method].is_object(),
                    "{} {path} is not in /openapi.json",
                    r.method,
                );
            }
            let uri = r
                .path
                .replace("{seq}", "0")
                .replace("{id}", "x")
                .replace("{report}", "findings")
                .replace("{*file}", "app.js");
            let req = Request::builder()
                .method(r.method.to_uppercase().as_str())
                .uri(&uri)
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let resp = app.clone().oneshot(req).await.unwrap();
            assert_ne!(resp.status(), StatusCode::METHOD_NOT_ALLOWED, "{} {uri}", r.method);
            if resp.status() == StatusCode::NOT_FOUND {
                let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
                let text = String::from_utf8_lossy(&body);
                assert!(
                    !text.contains("no such route"),
                    "{} {uri} is documented but not routed",
                    r.method
                );
            }
        }
    }

    /// The console and every answer carry the security headers: no inline
    /// script, no framing, no MIME sniffing (docs/http.md).
    #[tokio::test]
    async fn every_answer_carries_the_security_headers() {
        let dir = tempfile::tempdir().unwrap();
        let app = router(state(&dir.path().join("data")));
        for uri in ["/", "/console/app.js", "/v1/findings", "/no/such/route"] {
            let req = Request::builder().uri(uri).body(Body::empty()).unwrap();
            let resp = app.clone().oneshot(req).await.unwrap();
            let h = resp.headers();
            let csp = h
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(
                csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
                "{uri}: {csp}"
            );
            assert!(!csp.contains("unsafe-inline"), "{uri}: {csp}");
            assert_eq!(
                h.get("x-content-type-options").map(|v| v.as_bytes()),
                Some(&b"nosniff"[..]),
                "{uri}"
            );
            assert_eq!(
                h.get("x-frame-options").map(|v| v.as_bytes()),
                Some(&b"DENY"[..]),
                "{uri}"
            );
        }
        // The index loads no inline script that the policy would block.
        let index = std::str::from_utf8(crate::console::asset("").unwrap().1).unwrap();
        assert!(
            !index.contains("<script>") && !index.contains(" onload="),
            "inline script in index.html"
        );
    }

    #[test]
    fn every_documented_status_is_a_real_status() {
        for r in table() {
            for (code, _) in r.responses {
                assert!(StatusCode::from_u16(*code).is_ok(), "{} {}: {code}", r.method, r.path);
            }
        }
    }
}
