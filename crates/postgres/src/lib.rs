//! pledger-postgres: a ledger whose log lives in PostgreSQL, served by
//! several pledger nodes (docs/format.md section 7, docs/cluster.md).
//!
//! # Layout
//!
//! - [`schema`]: the tables, the per-ledger names (advisory lock key,
//!   notification channel), creating a ledger and checking a data directory
//!   against it.
//! - [`shared`]: one connection's statements: reading the head and the
//!   packed rows, appending a row with the head moved only if it still
//!   names the expected length (so two writers can never both extend it).
//! - [`backend`]: [`PgBackend`], the store's `LogBackend` over a local copy
//!   (sled or memory) that every node keeps; writes go to PostgreSQL first,
//!   and only while this node holds the ledger's advisory lock.
//! - [`node`]: the loop every node runs: learn of new rows (LISTEN/NOTIFY),
//!   verify and adopt them, contend for the writer's lock, re-read the whole
//!   log now and then to catch rows altered in the database.
//!
//! Invariants: PostgreSQL is the record of truth and is never trusted: a
//! record reaches a node's copy only through `Ledger::replicate`, which
//! checks its hash, its link and the ledger's rules; a node writes only
//! while it holds the lock *and* the head it extends is the one in the
//! database. Nothing here knows about HTTP or views.

pub mod backend;
pub mod node;
pub mod schema;
pub mod shared;

pub use backend::PgBackend;
pub use node::{attach, open_once, Node, NodeConfig, NodeStatus, Role};
pub use schema::{create_ledger, LedgerRow};

use thiserror::Error;

/// What went wrong between a node and its database.
#[derive(Debug, Error)]
pub enum PgError {
    #[error("cannot reach PostgreSQL at {url}: {why}")]
    Connect { url: String, why: String },
    #[error("PostgreSQL: {0}")]
    Sql(String),
    #[error("{0}")]
    Ledger(String),
    /// The database holds something that does not verify: never served.
    #[error("the ledger in PostgreSQL does not verify: {0}")]
    Corrupt(String),
}

impl From<postgres::Error> for PgError {
    fn from(e: postgres::Error) -> Self {
        // The server's own message (with its detail) rather than "db error".
        match e.as_db_error() {
            Some(db) => PgError::Sql(format!("{} ({})", db.message(), db.code().code())),
            None => PgError::Sql(e.to_string()),
        }
    }
}

impl From<PgError> for pledger_store::StoreError {
    fn from(e: PgError) -> Self {
        match e {
            PgError::Corrupt(m) => pledger_store::StoreError::Corrupt(m),
            other => pledger_store::StoreError::Backend(other.to_string()),
        }
    }
}

/// Connects with the URL's own settings, adding a connect timeout when the
/// URL gives none, so a dead host fails over to the next one quickly.
pub fn connect(url: &str) -> Result<postgres::Client, PgError> {
    use std::str::FromStr;
    let mut config = postgres::Config::from_str(url).map_err(|e| PgError::Connect {
        url: redact(url),
        why: format!("the URL is not a PostgreSQL connection string: {e}"),
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(3));
    }
    config.application_name("pledger");
    config.connect(postgres::NoTls).map_err(|e| PgError::Connect {
        url: redact(url),
        why: e.to_string(),
    })
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    // postgresql://user:password@host… → postgresql://user:***@host…
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        if let Some(at) = rest.find('@') {
            let userinfo = &rest[..at];
            if let Some(colon) = userinfo.find(':') {
                return format!("{}{}:***{}", &url[..scheme_end + 3], &userinfo[..colon], &rest[at..]);
            }
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgresql://u:secret@h:5432/db"),
            "postgresql://u:***@h:5432/db"
        );
        assert_eq!(super::redact("postgresql://u@h/db"), "postgresql://u@h/db");
        assert_eq!(super::redact("host=h user=u"), "host=h user=u");
    }
}
