//! Who is calling: a bearer token resolved to its entity and roles.
//!
//! Contract section 5: reads need any valid token unless the server runs
//! with public reads; an append is accepted only when every event's `actor`
//! is the token's entity; the `auditor` role counts only for an entity of
//! kind `auditor`.

use crate::error::ApiError;
use crate::state::AppState;
use crate::tokens::{hash_token, Role, TokenEntry, TokenError, TokenStore};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::collections::HashMap;
use std::path::Path;
use std::sync::RwLock;
use std::time::SystemTime;

/// The caller behind a valid token.
#[derive(Clone, Debug)]
pub struct Principal {
    pub entity: String,
    pub roles: Vec<Role>,
    /// The registration of the entity the token was issued for, if known.
    pub registration: Option<u64>,
    /// The token's public id (for logs; never the token).
    pub token_id: String,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The token file, cached; re-read when its modification time or size
/// changes, so tokens issued or revoked by `pledger token` take effect
/// without a restart.
pub struct Tokens {
    store: TokenStore,
    cache: RwLock<Cache>,
}

#[derive(Default)]
struct Cache {
    stamp: Option<(SystemTime, u64)>,
    loaded: bool,
    by_hash: HashMap<String, TokenEntry>,
}

impl Tokens {
    pub fn new(data_dir: &Path) -> Tokens {
        Tokens {
            store: TokenStore::new(data_dir),
            cache: RwLock::new(Cache::default()),
        }
    }

    fn refresh(&self) -> Result<(), TokenError> {
        let stamp = self.store.stamp();
        let fresh = self.cache.read().map(|c| c.loaded && c.stamp == stamp).unwrap_or(false);
        if fresh {
            return Ok(());
        }
        let entries = self.store.load()?;
        let by_hash = entries
            .into_iter()
            .filter(|t| t.revoked_at.is_none())
            .map(|t| (t.hash.clone(), t))
            .collect();
        if let Ok(mut c) = self.cache.write() {
            *c = Cache {
                stamp,
                loaded: true,
                by_hash,
            };
        }
        Ok(())
    }

    /// The token file itself (for issuing and revoking).
    pub fn store(&self) -> &TokenStore {
        &self.store
    }

    /// The principal of a token, or `None` when it is unknown or revoked.
    pub fn lookup(&self, token: &str) -> Result<Option<Principal>, TokenError> {
        self.refresh()?;
        let hash = hash_token(token);
        Ok(self.cache.read().ok().and_then(|c| {
            c.by_hash.get(&hash).map(|t| Principal {
                entity: t.entity.clone(),
                roles: t.roles.clone(),
                registration: t.registration,
                token_id: t.id.clone(),
            })
        }))
    }
}

/// The bearer token of a request, if it sent one.
fn bearer(parts: &Parts) -> Result<Option<&str>, ApiError> {
    let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not readable text"))?;
    match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(Some(token.trim()))
        }
        _ => Err(ApiError::unauthorized(
            "the Authorization header must be `Bearer <token>`; get a token with `pledger token add`",
        )),
    }
}

fn resolve(state: &AppState, parts: &Parts) -> Result<Option<Principal>, ApiError> {
    let Some(token) = bearer(parts)? else {
        return Ok(None);
    };
    let principal = state.tokens().lookup(token).map_err(|e| {
        tracing::error!(error = %e, "token file unreadable");
        ApiError::internal(format!("tokens cannot be checked: {e}"))
    })?;
    match principal {
        Some(p) if registered(state, &p) => Ok(Some(p)),
        Some(p) => Err(ApiError::unauthorized(format!(
            "this token belongs to {:?}, whose registration it was issued for is not in force (never registered, voided, or voided and registered again: a new registration needs a new token)",
            p.entity
        ))),
        None => Err(ApiError::unauthorized("this token is not valid (unknown or revoked)")),
    }
}

/// Is the token's entity registered, by the registration it was issued
/// for? The ledger's registry answers as of the committed head, so a voided
/// entity's token fails from the next request on, and stays dead if the id
/// is registered again (the new registration needs a new token). An empty
/// ledger accepts any entity: the founding record is appended with a token
/// of the entity it registers.
fn registered(state: &AppState, p: &Principal) -> bool {
    if state.ledger().is_empty() {
        return true;
    }
    match (state.ledger().entity_registration(&p.entity), p.registration) {
        (Some(now), Some(issued_for)) => now.seq == issued_for,
        (Some(now), None) => now.first,
        (None, _) => false,
    }
}

/// A caller with a valid token (any role).
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match resolve(state, parts)? {
            Some(p) => Ok(Caller(p)),
            None => Err(ApiError::unauthorized(
                "this route needs a token: send `Authorization: Bearer <token>` (issued with `pledger token add`)",
            )),
        }
    }
}

/// May read: any valid token, or anyone when reads are public. A token
/// that is sent must still be valid.
pub struct Reader(pub Option<Principal>);

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match resolve(state, parts)? {
            Some(p) => Ok(Reader(Some(p))),
            None if state.config().public_reads => Ok(Reader(None)),
            None => Err(ApiError::unauthorized(
                "reading needs a token: send `Authorization: Bearer <token>` (issued with `pledger token add`), or start the server with --public-reads",
            )),
        }
    }
}
