//! Extractors shared by the routes, failing with the format's error
//! shape: the query string, the view scope read from it, one path id, the
//! language asked for.

use crate::error::ApiError;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use pledger_views::{Lang, Scope};
use std::collections::HashMap;

/// The query string's parameters (unknown ones are ignored).
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(q) = Query::<HashMap<String, String>>::from_request_parts(parts, state).await?;
        Ok(Params(q))
    }
}

impl Params {
    /// A text parameter, if given.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A non-negative integer parameter, if given.
    pub fn number(&self, name: &str) -> Result<Option<u64>, ApiError> {
        self.0.get(name).map(|s| super::number(s, name)).transpose()
    }
}

/// `as_of` and `at_seq` (format section 3), with the other parameters.
pub struct Scoped {
    pub scope: Scope,
    pub params: Params,
}

impl<S: Send + Sync> FromRequestParts<S> for Scoped {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = Params::from_request_parts(parts, state).await?;
        let scope = super::scope(&params.0)?;
        Ok(Scoped { scope, params })
    }
}

/// The one `{id}` (or `{seq}`) segment of a path, decoded.
pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, state).await?;
        Ok(PathId(id))
    }
}

/// The language findings are written in: `?lang=zh-CN|en` (400
/// `bad_query` for another), else the language `Accept-Language` prefers
/// among those pledger writes, else English.
pub struct Language(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Params(q) = Params::from_request_parts(parts, state).await?;
        if let Some(tag) = q.get("lang") {
            return Lang::from_tag(tag).map(Language).ok_or_else(|| {
                ApiError::bad_query(
                    "lang",
                    format!("lang {tag:?} is not a language pledger writes; use zh-CN or en"),
                )
            });
        }
        let accepted = parts
            .headers
            .get_all(ACCEPT_LANGUAGE)
            .iter()
            .filter_map(|h| h.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        Ok(Language(Lang::from_accept_language(&accepted).unwrap_or(Lang::En)))
    }
}
