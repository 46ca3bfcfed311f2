//! Every failure as `{"error": {"code", "message", "field"}}` (contract 5).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pledger_core::Rejection;
use pledger_store::{AppendError, StoreError};
use pledger_views::ViewError;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub field: String,
    /// For `not_writer`: the writer's address (`null` when none is known).
    pub writer: Option<Option<String>>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    field: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    writer: Option<&'a Option<String>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
            field: String::new(),
            writer: None,
        }
    }

    /// 503 from a node that does not write the shared ledger now
    /// (docs/format.md section 7): the client sends the append to `writer`.
    pub fn not_writer(writer: Option<String>) -> ApiError {
        let message = match &writer {
            Some(w) => format!("this node does not write the ledger; send appends to the writer at {w}"),
            None => "this node does not write the ledger and no writer is elected yet; retry in a moment".to_string(),
        };
        let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_writer", message);
        e.writer = Some(writer);
        e
    }

    pub fn field(mut self, field: impl Into<String>) -> ApiError {
        self.field = field.into();
        self
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_query(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_query", message).field(field)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// A structural error of the submitted input (contract 2): 422.
    pub fn rejected(r: Rejection) -> ApiError {
        let status = if r.kind == pledger_core::RejectionKind::IdConflict {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        // In a batch, say which event: `[3].data.amount`.
        let (message, field) = match r.index {
            Some(i) => (
                format!("event #{} of the batch: {}", i + 1, r.message),
                if r.field.is_empty() {
                    format!("[{i}]")
                } else {
                    format!("[{i}].{}", r.field)
                },
            ),
            None => (r.message, r.field),
        };
        ApiError {
            status,
            code: r.code.to_string(),
            message,
            field,
            writer: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: &self.code,
                message: &self.message,
                field: &self.field,
                writer: self.writer.as_ref(),
            },
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"pledger\""),
            );
        }
        // For the metrics and the request span: the code, not just the status.
        resp.extensions_mut().insert(ErrorCode(self.code));
        resp
    }
}

/// The error code of a response, left for the metrics layer.
#[derive(Clone, Debug)]
pub struct ErrorCode(pub String);

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::DiskFull(_) => ApiError::new(StatusCode::INSUFFICIENT_STORAGE, "disk_full", e.to_string()),
            StoreError::Closed => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", e.to_string()),
            StoreError::NotWriter(writer) => ApiError::not_writer(writer),
            StoreError::Corrupt(_) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "corrupt", e.to_string()),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl From<AppendError> for ApiError {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::Rejected(r) => ApiError::rejected(r),
            AppendError::Store(s) => s.into(),
        }
    }
}

impl From<ViewError> for ApiError {
    fn from(e: ViewError) -> Self {
        match e {
            ViewError::Store(s) => s.into(),
            ViewError::BeyondLog { .. } => ApiError::bad_query("at_seq", e.to_string()),
            other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "corrupt", other.to_string()),
        }
    }
}

/// Axum's own extractor failures (a path segment that is not a number...)
/// in the contract's error shape.
impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(e: axum::extract::rejection::QueryRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text())
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(e: axum::extract::rejection::PathRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_path", e.body_text())
    }
}
