//! `/v1/tokens`: the `admin` role issues, lists and revokes tokens over
//! HTTP, as `pledger token` does on the machine. Not in the contract's
//! route list; it gives the contract's admin role its meaning for callers
//! that cannot run the command line.

use super::extract::PathId;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tokens::{Role, TokenError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pledger_core::event::EntityKind;
use serde::Deserialize;
use serde_json::json;

fn admin(caller: &crate::auth::Principal) -> Result<(), ApiError> {
    if caller.has(Role::Admin) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "forbidden_role",
            "managing tokens needs an admin token (pledger token add ENTITY --role admin)",
        ))
    }
}

fn now() -> String {
    pledger_core::when::recorded_at_text(time::OffsetDateTime::now_utc())
}

fn token_error(e: TokenError) -> ApiError {
    match e {
        TokenError::NotFound(_) => ApiError::not_found(e.to_string()),
        TokenError::Role(_) | TokenError::Invalid(_) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", e.to_string()).field("roles")
        }
        other => ApiError::internal(other.to_string()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    entity: String,
    roles: Vec<String>,
}

pub async fn issue(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    admin(&caller)?;
    // Like POST /v1/events, the body is read as JSON whatever its
    // Content-Type says.
    let req: NewToken = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
            format!("the body is not a token request: {e}"),
        )
    })?;
    if req.roles.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "give at least one role",
        )
        .field("roles"));
    }
    let roles = req
        .roles
        .iter()
        .map(|r| Role::parse(r))
        .collect::<Result<Vec<_>, _>>()
        .map_err(token_error)?;
    // The registry as of the committed head decides, as for every request.
    let Some(registration) = state.ledger().entity_registration(&req.entity) else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_reference",
            format!(
                "{:?} is not a registered entity of this ledger (never registered, or its registration was voided); register it before issuing it a token",
                req.entity
            ),
        )
        .field("entity"));
    };
    let kind = registration.kind;
    if roles.contains(&Role::Auditor) && kind != EntityKind::Auditor {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!(
                "the auditor role is only for an entity of kind auditor; {:?} is a {}",
                req.entity,
                kind.as_str()
            ),
        )
        .field("roles"));
    }
    let store = state.tokens().store().clone();
    let issued = tokio::task::spawn_blocking(move || store.add(&req.entity, &roles, &now(), Some(registration.seq)))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(token_error)?;
    tracing::info!(by = %caller.token_id, id = %issued.entry.id, entity = %issued.entry.entity, "token issued");
    let body = json!({
        "id": issued.entry.id,
        "entity": issued.entry.entity,
        "roles": issued.entry.roles,
        "token": issued.token,
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn list(State(state): State<AppState>, Caller(caller): Caller) -> Result<Json<serde_json::Value>, ApiError> {
    admin(&caller)?;
    let tokens = state.tokens().store().load().map_err(token_error)?;
    let tokens: Vec<_> = tokens
        .into_iter()
        .map(|t| json!({"id": t.id, "entity": t.entity, "roles": t.roles, "created_at": t.created_at, "revoked_at": t.revoked_at}))
        .collect();
    Ok(Json(json!({ "tokens": tokens })))
}

pub async fn revoke(
    State(state): State<AppState>,
    Caller(caller): Caller,
    PathId(id): PathId,
) -> Result<Json<serde_json::Value>, ApiError> {
    admin(&caller)?;
    if id.starts_with("plg_") {
        // A token in a URL ends up in logs; its id is what names it.
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "give the token's id (GET /v1/tokens lists them), not the token itself",
        )
        .field("id"));
    }
    let store = state.tokens().store().clone();
    let entry = tokio::task::spawn_blocking(move || store.revoke(&id, &now()))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(token_error)?;
    tracing::info!(by = %caller.token_id, id = %entry.id, "token revoked");
    Ok(Json(
        json!({"id": entry.id, "entity": entry.entity, "revoked_at": entry.revoked_at}),
    ))
}
