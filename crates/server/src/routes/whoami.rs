//! `GET /v1/whoami`: who the caller's token speaks for, so a client (the
//! console's recording page) can offer what that entity may record. Not in
//! the contract's route list; it says nothing a token's holder could not
//! learn from `/v1/entities` and the roles it was issued.

use crate::auth::{Caller, Principal};
use crate::error::ApiError;
use crate::state::AppState;
use crate::tokens::Role;
use axum::extract::State;
use axum::Json;
use base64::Engine;
use pledger_core::event::EntityKind;
use pledger_core::EventType;
use serde_json::{json, Value};

/// The event types this token may append, by its roles alone (docs/http.md):
/// every type for a recorder; for an auditor-only token of an entity of kind
/// `auditor`, the types an auditor may record on others' matters; none
/// otherwise. Who may record each event (format 2.3) is still decided per
/// event by the ledger.
fn appendable(caller: &Principal, kind: Option<EntityKind>) -> Vec<&'static str> {
    let may_record = caller.has(Role::Recorder);
    let may_audit = caller.has(Role::Auditor) && kind == Some(EntityKind::Auditor);
    EventType::ALL
        .iter()
        .filter(|t| may_record || (may_audit && t.auditor_may_record()))
        .map(|t| t.as_str())
        .collect()
}

/// `{"entity", "kind", "name", "parent", "roles", "has_public_key",
/// "public_key", "event_types"}`: the token's entity as registered at the
/// committed head (`kind`, `name` and `parent` null while the ledger is
/// empty), its roles, its Ed25519 public key (base64; null when it signs
/// nothing) and the event types the token may append.
pub async fn whoami(State(state): State<AppState>, Caller(caller): Caller) -> Result<Json<Value>, ApiError> {
    let st = state.clone();
    let entity = caller.entity.clone();
    let registered = tokio::task::spawn_blocking(move || {
        st.live().read(st.ledger(), |facts| {
            facts.entities.get(&entity).filter(|e| facts.live(e.at.seq)).map(|e| {
                (
                    e.data.kind,
                    e.data.name.0.clone(),
                    e.data.parent.as_ref().map(|p| p.as_str().to_string()),
                    e.data
                        .public_key
                        .as_ref()
                        .map(|k| base64::engine::general_purpose::STANDARD.encode(k.0)),
                )
            })
        })
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let kind = registered.as_ref().map(|r| r.0);
    let roles: Vec<&str> = caller.roles.iter().map(|r| r.as_str()).collect();
    Ok(Json(json!({
        "entity": caller.entity,
        "kind": kind.map(|k| k.as_str()),
        "name": registered.as_ref().map(|r| r.1.clone()),
        "parent": registered.as_ref().and_then(|r| r.2.clone()),
        "roles": roles,
        "has_public_key": registered.as_ref().is_some_and(|r| r.3.is_some()),
        "public_key": registered.as_ref().and_then(|r| r.3.clone()),
        "event_types": appendable(&caller, kind),
    })))
}

#[cfg(test)]
mod tests {
    use crate::routes::router;
    use crate::state::{AppState, ServerConfig};
    use crate::tokens::Role;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use pledger_store::keys::DataDir;
    use pledger_store::{Ledger, MemBackend};
    use serde_json::{json, Value};
    use std::sync::Arc;
    use tower::ServiceExt;

    async fn call(
        app: &axum::Router,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        let resp = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// The token's entity, kind, name, parent, roles, key and the types it
    /// may append; 401 without a valid token, even with public reads.
    #[tokio::test]
    async fn whoami_names_the_tokens_entity_and_what_it_may_append() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let data = DataDir::init(&data_dir, "test.example/ledger").unwrap();
        let ledger = Ledger::open(Arc::new(MemBackend::default())).unwrap();
        let mut config = ServerConfig::new(&data_dir);
        config.public_reads = true;
        let state = AppState::with_ledger(config, &data, ledger).unwrap();
        let store = state.tokens().store().clone();
        let issue = |entity: &str, roles: &[Role]| {
            store
                .add(entity, roles, "2026-01-01T00:00:00.000Z", None)
                .unwrap()
                .token
        };
        let city = issue("city", &[Role::Recorder]);
        let audit = issue("audit", &[Role::Auditor]);
        let reader = issue("acme", &[Role::Reader]);
        let app = router(state);

        assert_eq!(
            call(&app, "GET", "/v1/whoami", None, None).await.0,
            StatusCode::UNAUTHORIZED
        );
        let (status, body) = call(&app, "GET", "/v1/whoami", Some("plg_nope"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthorized");

        // Before the founding record: the entity is not registered yet.
        let (status, me) = call(&app, "GET", "/v1/whoami", Some(&city), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["entity"], "city");
        assert_eq!(me["kind"], Value::Null);
        assert_eq!(me["roles"], json!(["recorder"]));
        assert_eq!(
            me["event_types"].as_array().unwrap().len(),
            pledger_core::EventType::ALL.len()
        );

        let key = pledger_core::checkpoint::ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let public_key = pledger_core::signature::public_key_text(&key);
        let events = json!([
            {"type": "entity.registered", "id": "e-city", "actor": "city", "occurred_at": "2026-01-01",
             "data": {"entity_id": "city", "kind": "government", "name": "常德市人民政府"}},
            {"type": "entity.registered", "id": "e-audit", "actor": "city", "occurred_at": "2026-01-01",
             "data": {"entity_id": "audit", "kind": "auditor", "name": "审计局", "parent": "city"}},
            {"type": "entity.registered", "id": "e-acme", "actor": "city", "occurred_at": "2026-01-01",
             "data": {"entity_id": "acme", "kind": "enterprise", "name": "Acme", "public_key": public_key}},
        ]);
        let (status, body) = call(&app, "POST", "/v1/events", Some(&city), Some(events)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        let (_, me) = call(&app, "GET", "/v1/whoami", Some(&city), None).await;
        assert_eq!(me["kind"], "government");
        assert_eq!(me["name"], "常德市人民政府");
        assert_eq!(me["parent"], Value::Null);
        assert_eq!(me["has_public_key"], false);
        assert_eq!(me["public_key"], Value::Null);
        assert!(me["event_types"].as_array().unwrap().contains(&json!("fund.disbursed")));

        let (_, me) = call(&app, "GET", "/v1/whoami", Some(&audit), None).await;
        assert_eq!(me["kind"], "auditor");
        assert_eq!(me["parent"], "city");
        assert_eq!(me["roles"], json!(["auditor"]));
        let types: Vec<&str> = me["event_types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        for t in ["target.verified", "commitment.breached", "event.voided"] {
            assert!(types.contains(&t), "{t} in {types:?}");
        }
        for t in ["fund.disbursed", "target.progress_reported", "commitment.disputed"] {
            assert!(!types.contains(&t), "{t} not in {types:?}");
        }

        let (_, me) = call(&app, "GET", "/v1/whoami", Some(&reader), None).await;
        assert_eq!(me["kind"], "enterprise");
        assert_eq!(me["roles"], json!(["reader"]));
        assert_eq!(me["event_types"], json!([]));
        assert_eq!(me["has_public_key"], true);
        assert_eq!(me["public_key"], public_key);
    }
}
