//! The data directory: its files, and the ledger's signing key.
//!
//! ```text
//! DIR/
//!   ledger.json   format version and the checkpoint origin
//!   ledger.key    the Ed25519 seed, base64, mode 0600
//!   log/          the sled store (records, tree, head, checkpoints)
//! ```

use crate::error::StoreError;
use base64::Engine;
use ed25519_dalek::SigningKey;
use pledger_core::checkpoint::VerifierKey;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const FORMAT_VERSION: u32 = 1;
pub const DEFAULT_ORIGIN: &str = "pledger.local/ledger";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LedgerConfig {
    pub format: u32,
    /// The checkpoint origin line (C2SP tlog-checkpoint).
    pub origin: String,
}

/// A data directory that exists and holds a ledger.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub path: PathBuf,
    pub config: LedgerConfig,
}

impl DataDir {
    pub fn log_path(path: &Path) -> PathBuf {
        path.join("log")
    }

    fn config_path(path: &Path) -> PathBuf {
        path.join("ledger.json")
    }

    fn key_path(path: &Path) -> PathBuf {
        path.join("ledger.key")
    }

    /// Is there a ledger in `path`?
    pub fn exists(path: &Path) -> bool {
        Self::config_path(path).exists()
    }

    /// Creates the directory, its config and a fresh key. Refuses a
    /// directory that already holds a ledger: a second key would orphan
    /// every checkpoint signed with the first.
    pub fn init(path: &Path, origin: &str) -> Result<DataDir, StoreError> {
        if Self::exists(path) {
            return Err(StoreError::Backend(format!(
                "{} already holds a ledger",
                path.display()
            )));
        }
        fs::create_dir_all(path)?;
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| StoreError::Backend(format!("no randomness for the key: {e}")))?;
        write_private(
            &Self::key_path(path),
            base64::engine::general_purpose::STANDARD.encode(seed).as_bytes(),
        )?;
        let config = LedgerConfig {
            format: FORMAT_VERSION,
            origin: origin.to_string(),
        };
        let text = serde_json::to_vec_pretty(&config).map_err(|e| StoreError::Backend(e.to_string()))?;
        fs::write(Self::config_path(path), text)?;
        fs::create_dir_all(Self::log_path(path))?;
        Ok(DataDir {
            path: path.to_path_buf(),
            config,
        })
    }

    pub fn open(path: &Path) -> Result<DataDir, StoreError> {
        let text = fs::read(Self::config_path(path)).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                StoreError::Backend(format!(
                    "no ledger in {}; create one with `pledger init`",
                    path.display()
                ))
            } else {
                StoreError::Io(e)
            }
        })?;
        let config: LedgerConfig = serde_json::from_slice(&text).map_err(|e| {
            StoreError::Corrupt(format!(
                "{} is not a valid ledger config: {e}",
                Self::config_path(path).display()
            ))
        })?;
        if config.format != FORMAT_VERSION {
            return Err(StoreError::Backend(format!(
                "{} holds ledger format {}; this pledger reads format {FORMAT_VERSION}",
                path.display(),
                config.format
            )));
        }
        Ok(DataDir {
            path: path.to_path_buf(),
            config,
        })
    }

    /// The ledger's Ed25519 signing key.
    pub fn signing_key(&self) -> Result<SigningKey, StoreError> {
        let path = Self::key_path(&self.path);
        // Read as bytes: a damaged key file need not be UTF-8, and the
        // message must name the file either way.
        let bytes = fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                StoreError::Corrupt(format!("the ledger key {} is missing", path.display()))
            } else {
                StoreError::Io(e)
            }
        })?;
        let seed = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| base64::engine::general_purpose::STANDARD.decode(text.trim()).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "the ledger key {} is not a base64 Ed25519 seed (the file was changed)",
                    path.display()
                ))
            })?;
        Ok(SigningKey::from_bytes(&seed))
    }
}

impl DataDir {
    /// The ledger's C2SP signed-note verifier key: the origin as key name,
    /// the public half of `ledger.key`.
    pub fn verifier_key(&self) -> Result<VerifierKey, StoreError> {
        VerifierKey::of(&self.config.origin, &self.signing_key()?).map_err(|e| {
            StoreError::Backend(format!(
                "the origin {:?} in ledger.json cannot name a signing key: {e}",
                self.config.origin
            ))
        })
    }

    /// Changes the checkpoint origin. Only for a ledger that has signed
    /// nothing yet (an empty one about to be restored from a bundle): every
    /// checkpoint names its origin.
    pub fn set_origin(&mut self, origin: &str) -> Result<(), StoreError> {
        let config = LedgerConfig {
            format: self.config.format,
            origin: origin.to_string(),
        };
        let text = serde_json::to_vec_pretty(&config).map_err(|e| StoreError::Backend(e.to_string()))?;
        let path = Self::config_path(&self.path);
        let tmp = path.with_extension("json.tmp");
        fs::write(&tmp, text)?;
        fs::File::open(&tmp)?.sync_all()?;
        fs::rename(&tmp, &path)?;
        self.config = config;
        Ok(())
    }
}

/// Creates a file readable by its owner only, created that way (no window
/// where it is world-readable), and never over an existing one (that is an
/// error of kind `AlreadyExists`). The binary writes signing keys with it too.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
