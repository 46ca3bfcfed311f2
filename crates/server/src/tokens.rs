//! API tokens: `tokens.json` in the data directory.
//!
//! A token is shown once, when it is issued, and stored only as its BLAKE3
//! hash: a copy of the data directory does not hand out working tokens.
//! The file is rewritten whole (temp file, fsync, rename) so a reader never
//! sees half of it; a running server notices a change by its modification
//! time and size, so `pledger token add` works while the server runs.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use thiserror::Error;

/// The file's name inside the data directory.
pub const TOKENS_FILE: &str = "tokens.json";

/// What a token lets its holder do (contract section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Append events as its entity.
    Recorder,
    /// Only for an entity of kind `auditor`: append verifications,
    /// breaches and voids; read everything.
    Auditor,
    /// Read only.
    Reader,
    /// Issue and revoke tokens.
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role, TokenError> {
        match s {
            "recorder" => Ok(Role::Recorder),
            "auditor" => Ok(Role::Auditor),
            "reader" => Ok(Role::Reader),
            "admin" => Ok(Role::Admin),
            other => Err(TokenError::Role(other.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Recorder => "recorder",
            Role::Auditor => "auditor",
            Role::Reader => "reader",
            Role::Admin => "admin",
        }
    }
}

/// One issued token, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenEntry {
    /// Short public name of the token: the first 12 hex digits of its hash.
    pub id: String,
    /// BLAKE3 of the token text, hex.
    pub hash: String,
    pub entity: String,
    pub roles: Vec<Role>,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// The seq of the entity's registration the token was issued for: the
    /// token works only while that registration is the one in force. A
    /// token without it (issued while the ledger was in use, or before
    /// this was kept) works only while the entity's first registration is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<u64>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct TokenFile {
    tokens: Vec<TokenEntry>,
}

#[derive(Debug, Error)]
pub enum TokenError {
    #[error("unknown role {0:?}: use recorder, auditor, reader or admin")]
    Role(String),
    #[error("the token file {path} cannot be read: {why}")]
    Read { path: PathBuf, why: String },
    #[error("the token file {path} cannot be written: {why}")]
    Write { path: PathBuf, why: String },
    #[error("no token matches {0:?} (give the token itself or its id)")]
    NotFound(String),
    #[error("the system's random source failed: {0}")]
    Random(String),
    #[error("{0}")]
    Invalid(String),
}

/// The token file of one data directory.
#[derive(Clone, Debug)]
pub struct TokenStore {
    path: PathBuf,
}

/// A freshly issued token: the text is shown once and never stored.
pub struct Issued {
    pub token: String,
    pub entry: TokenEntry,
}

pub fn hash_token(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

impl TokenStore {
    pub fn new(data_dir: &Path) -> TokenStore {
        TokenStore {
            path: data_dir.join(TOKENS_FILE),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every token ever issued (revoked ones included); none when the file
    /// does not exist yet.
    pub fn load(&self) -> Result<Vec<TokenEntry>, TokenError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(TokenError::Read {
                    path: self.path.clone(),
                    why: e.to_string(),
                })
            }
        };
        let file: TokenFile = serde_json::from_slice(&bytes).map_err(|e| TokenError::Read {
            path: self.path.clone(),
            why: e.to_string(),
        })?;
        Ok(file.tokens)
    }

    /// The file's modification time and length: a cheap change detector.
    pub fn stamp(&self) -> Option<(SystemTime, u64)> {
        let m = std::fs::metadata(&self.path).ok()?;
        Some((m.modified().ok()?, m.len()))
    }

    fn save(&self, tokens: Vec<TokenEntry>) -> Result<(), TokenError> {
        let write_err = |e: std::io::Error| TokenError::Write {
            path: self.path.clone(),
            why: e.to_string(),
        };
        let text = serde_json::to_vec_pretty(&TokenFile { tokens }).map_err(|e| TokenError::Write {
            path: self.path.clone(),
            why: e.to_string(),
        })?;
        let tmp = self.path.with_extension(format!("json.partial-{}", std::process::id()));
        let result = (|| {
            use std::io::Write;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp)?;
            f.write_all(&text)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result.map_err(write_err)
    }

    /// Issues a token for `entity` with `roles`.
    pub fn add(
        &self,
        entity: &str,
        roles: &[Role],
        now: &str,
        registration: Option<u64>,
    ) -> Result<Issued, TokenError> {
        if roles.is_empty() {
            return Err(TokenError::Invalid("give at least one --role".into()));
        }
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret).map_err(|e| TokenError::Random(e.to_string()))?;
        let token = format!("plg_{}", hex::encode(secret));
        let hash = hash_token(&token);
        let mut roles = roles.to_vec();
        roles.sort();
        roles.dedup();
        let entry = TokenEntry {
            id: hash[..12].to_string(),
            hash,
            entity: entity.to_string(),
            roles,
            created_at: now.to_string(),
            revoked_at: None,
            registration,
        };
        let mut tokens = self.load()?;
        tokens.push(entry.clone());
        self.save(tokens)?;
        Ok(Issued { token, entry })
    }

    /// Revokes a token given as its text or its id; returns its entry.
    pub fn revoke(&self, token_or_id: &str, now: &str) -> Result<TokenEntry, TokenError> {
        let hash = hash_token(token_or_id);
        let mut tokens = self.load()?;
        let found = tokens
            .iter_mut()
            .find(|t| t.hash == hash || t.id == token_or_id)
            .ok_or_else(|| TokenError::NotFound(token_or_id.to_string()))?;
        if found.revoked_at.is_none() {
            found.revoked_at = Some(now.to_string());
        }
        let entry = found.clone();
        self.save(tokens)?;
        Ok(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_are_stored_hashed_and_can_be_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::new(dir.path());
        let issued = store
            .add("city-finance", &[Role::Recorder], "2026-11-27T00:00:00Z", None)
            .unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(!text.contains(&issued.token), "the token itself must not be stored");
        assert!(text.contains(&hash_token(&issued.token)));
        let revoked = store.revoke(&issued.token, "2026-11-28T00:00:00Z").unwrap();
        assert_eq!(revoked.entity, "city-finance");
        assert!(store.load().unwrap()[0].revoked_at.is_some());
        assert!(matches!(store.revoke("plg_nope", "x"), Err(TokenError::NotFound(_))));
    }

    #[test]
    fn a_token_can_be_revoked_by_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::new(dir.path());
        let issued = store
            .add("audit-office", &[Role::Auditor, Role::Reader], "t", None)
            .unwrap();
        store.revoke(&issued.entry.id, "t2").unwrap();
        assert!(store.load().unwrap()[0].revoked_at.is_some());
    }

    #[test]
    fn unknown_roles_are_refused_by_name() {
        assert!(matches!(Role::parse("superuser"), Err(TokenError::Role(r)) if r == "superuser"));
    }
}
