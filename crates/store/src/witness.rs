//! A witness's data directory (docs/format.md section 6): its key, the log keys
//! it trusts, the latest checkpoint it cosigned per origin, and the
//! evidence it kept of refused, conflicting checkpoints.
//!
//! ```text
//! DIR/
//!   witness.json   {"format": 1, "name": "<witness name>"}
//!   witness.key    the Ed25519 seed, base64, mode 0600
//!   state/         sled:
//!                    trust/<origin>\n<key id hex>  -> log verifier key text
//!                    held/<origin>                 -> JSON of pledger_core::witness::Held
//!                    evidence/<20-digit counter>   -> JSON of an [`Evidence`]
//! ```
//!
//! [`WitnessStore::add_checkpoint`] decides a request with
//! `pledger_core::witness::decide` and persists the outcome before it
//! returns, under one lock, so a check and its write are atomic (two
//! requests cannot both pass the check against the same held size, the
//! race tlog-witness warns of), and flushed to disk, so a cosignature is
//! never answered for a state a crash could lose.

use crate::error::StoreError;
use crate::keys::write_private;
use base64::Engine;
use ed25519_dalek::SigningKey;
use pledger_core::checkpoint::VerifierKey;
use pledger_core::cosignature::CosignerKey;
use pledger_core::witness::{decide, AddCheckpoint, Cosigner, Held, Refusal};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const FORMAT: u32 = 1;
const TRUST: &str = "trust/";
const HELD: &str = "held/";
const EVIDENCE: &str = "evidence/";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct WitnessConfig {
    format: u32,
    name: String,
}

/// A refused request kept because it shows the log misbehaving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// When it was received, seconds since the epoch.
    pub received: u64,
    pub status: u16,
    pub reason: String,
    pub origin: String,
    /// The request body as received (old size, proof, signed checkpoint).
    pub request: String,
    /// What the witness held for the origin then (its cosigned note).
    pub held: Option<Held>,
}

/// The answer to an `add-checkpoint` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

/// An open witness data directory.
pub struct WitnessStore {
    name: String,
    key: SigningKey,
    db: sled::Db,
    /// Serialises check-and-persist (see the module docs).
    lock: Mutex<()>,
}

fn config_path(dir: &Path) -> PathBuf {
    dir.join("witness.json")
}

fn key_path(dir: &Path) -> PathBuf {
    dir.join("witness.key")
}

fn state_path(dir: &Path) -> PathBuf {
    dir.join("state")
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl WitnessStore {
    /// Creates the directory with a fresh key under `name` and opens it.
    /// Refuses a directory that already holds a witness: a new key would
    /// orphan every cosignature of the old one. The state is opened once
    /// here: a sled database dropped and opened again at once in one
    /// process can find its own lock still held by its flusher.
    pub fn init(dir: &Path, name: &str) -> Result<WitnessStore, StoreError> {
        if !pledger_core::checkpoint::is_valid_key_name(name) {
            return Err(StoreError::Backend(format!(
                "the witness name {name:?} is not a valid key name: it must be non-empty, without spaces or '+'"
            )));
        }
        if config_path(dir).exists() {
            return Err(StoreError::Backend(format!(
                "{} already holds a witness",
                dir.display()
            )));
        }
        fs::create_dir_all(dir)?;
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| StoreError::Backend(format!("no randomness for a key: {e}")))?;
        write_private(
            &key_path(dir),
            base64::engine::general_purpose::STANDARD.encode(seed).as_bytes(),
        )?;
        let config = WitnessConfig {
            format: FORMAT,
            name: name.to_string(),
        };
        fs::write(config_path(dir), serde_json::to_vec_pretty(&config).map_err(json_err)?)?;
        let store = WitnessStore::open(dir)?;
        store.db.flush()?;
        Ok(store)
    }

    /// Opens an existing witness directory (its sled state is locked by
    /// this process until dropped).
    pub fn open(dir: &Path) -> Result<WitnessStore, StoreError> {
        let text = fs::read(config_path(dir)).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                StoreError::Backend(format!(
                    "{} holds no witness; create one with `pledger witness init`",
                    dir.display()
                ))
            } else {
                StoreError::Io(e)
            }
        })?;
        let config: WitnessConfig = serde_json::from_slice(&text)
            .map_err(|e| StoreError::Corrupt(format!("{} is not valid: {e}", config_path(dir).display())))?;
        if config.format != FORMAT {
            return Err(StoreError::Backend(format!(
                "{} holds witness format {}; this pledger reads {FORMAT}",
                dir.display(),
                config.format
            )));
        }
        let bytes = fs::read(key_path(dir))?;
        let seed = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| base64::engine::general_purpose::STANDARD.decode(t.trim()).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| StoreError::Corrupt(format!("{} is not a base64 Ed25519 seed", key_path(dir).display())))?;
        let db = sled::open(state_path(dir))?;
        Ok(WitnessStore {
            name: config.name,
            key: SigningKey::from_bytes(&seed),
            db,
            lock: Mutex::new(()),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The witness's verifier key (C2SP vkey, type 0x04).
    pub fn verifier_key(&self) -> Result<CosignerKey, StoreError> {
        CosignerKey::of(&self.name, &self.key).map_err(|e| StoreError::Backend(e.to_string()))
    }

    /// Trusts `key` for the log whose origin is the key's name (a pledger
    /// ledger signs under its origin).
    pub fn trust(&self, key: &VerifierKey) -> Result<(), StoreError> {
        let name = format!("{TRUST}{}\n{}", key.name(), hex::encode(key.id()));
        self.db.insert(name.as_bytes(), key.to_string().as_bytes())?;
        self.db.flush()?;
        Ok(())
    }

    /// Every trusted log key.
    pub fn trusted_all(&self) -> Result<Vec<VerifierKey>, StoreError> {
        self.db
            .scan_prefix(TRUST)
            .map(|kv| {
                let (_, v) = kv?;
                VerifierKey::parse(&String::from_utf8_lossy(&v))
                    .map_err(|e| StoreError::Corrupt(format!("a trusted key is damaged: {e}")))
            })
            .collect()
    }

    /// The trusted keys for `origin`.
    pub fn trusted(&self, origin: &str) -> Result<Vec<VerifierKey>, StoreError> {
        Ok(self.trusted_all()?.into_iter().filter(|k| k.name() == origin).collect())
    }

    /// The latest checkpoint cosigned for `origin`.
    pub fn held(&self, origin: &str) -> Result<Option<Held>, StoreError> {
        match self.db.get(format!("{HELD}{origin}").as_bytes())? {
            None => Ok(None),
            Some(v) => serde_json::from_slice(&v)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("the held checkpoint of {origin:?} is damaged: {e}"))),
        }
    }

    /// Every held checkpoint, by origin.
    pub fn held_all(&self) -> Result<Vec<(String, Held)>, StoreError> {
        self.db
            .scan_prefix(HELD)
            .map(|kv| {
                let (k, v) = kv?;
                let origin = String::from_utf8_lossy(&k[HELD.len()..]).into_owned();
                let held: Held = serde_json::from_slice(&v)
                    .map_err(|e| StoreError::Corrupt(format!("the held checkpoint of {origin:?} is damaged: {e}")))?;
                Ok((origin, held))
            })
            .collect()
    }

    /// The evidence kept, oldest first.
    pub fn evidence(&self) -> Result<Vec<Evidence>, StoreError> {
        self.db
            .scan_prefix(EVIDENCE)
            .map(|kv| {
                let (_, v) = kv?;
                serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(format!("kept evidence is damaged: {e}")))
            })
            .collect()
    }

    /// Handles one `add-checkpoint` request body received at `now`
    /// (seconds since the epoch): decides, persists, answers. An `Err` is a
    /// storage failure (the caller answers 500 and nothing was cosigned).
    pub fn add_checkpoint(&self, body: &[u8], now: u64) -> Result<Answer, StoreError> {
        // A poisoned lock only means another request panicked; the state on
        // disk is whole (each write is one insert), so carry on.
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        // The origin and its state are read first, so `decide` stays a pure
        // function of values (a body that does not parse gets its 400 there).
        let origin = AddCheckpoint::parse(body).ok().map(|r| r.checkpoint.origin);
        let (trusted, held) = match &origin {
            Some(o) => (self.trusted(o)?, self.held(o)?),
            None => (Vec::new(), None),
        };
        let me = Cosigner {
            name: &self.name,
            key: &self.key,
        };
        let outcome = decide(body, |_| trusted.clone(), |_| held.clone(), &me, now.max(1));
        match (outcome, origin) {
            (Ok(accepted), Some(origin)) => {
                let value = serde_json::to_vec(&accepted.held).map_err(json_err)?;
                self.db.insert(format!("{HELD}{origin}").as_bytes(), value)?;
                self.db.flush()?;
                Ok(Answer {
                    status: 200,
                    content_type: "text/plain; charset=utf-8",
                    body: accepted.lines,
                })
            }
            (Ok(_), None) => Err(StoreError::Backend(
                "a request that does not parse was accepted (internal error)".into(),
            )),
            (Err(refusal), _) => {
                if refusal.evidence {
                    self.keep_evidence(body, &refusal, now)?;
                }
                let (body, content_type) = refusal.body();
                Ok(Answer {
                    status: refusal.status,
                    content_type,
                    body,
                })
            }
        }
    }

    fn keep_evidence(&self, body: &[u8], refusal: &Refusal, now: u64) -> Result<(), StoreError> {
        let request = String::from_utf8_lossy(body).into_owned();
        // Evidence is only kept for a body that parsed and verified.
        let origin = AddCheckpoint::parse(body)
            .map(|r| r.checkpoint.origin)
            .unwrap_or_default();
        let held = self.held(&origin)?;
        let n = self.db.generate_id()?;
        let e = Evidence {
            received: now,
            status: refusal.status,
            reason: refusal.reason.clone(),
            origin,
            request,
            held,
        };
        self.db.insert(
            format!("{EVIDENCE}{n:020}").as_bytes(),
            serde_json::to_vec(&e).map_err(json_err)?,
        )?;
        self.db.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pledger_core::checkpoint::Checkpoint;
    use pledger_core::merkle::{consistency_proof, Hash, MemTree};

    const ORIGIN: &str = "pledger.test/ledger";

    fn tree(n: u64, salt: u8) -> MemTree {
        let hashes: Vec<Hash> = (0..n)
            .map(|i| {
                let mut h = *blake3::hash(&i.to_le_bytes()).as_bytes();
                h[1] ^= salt;
                h
            })
            .collect();
        MemTree::from_record_hashes(hashes.iter())
    }

    #[test]
    fn state_survives_reopening_and_evidence_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w");
        drop(WitnessStore::init(&path, "audit.example/w").unwrap());
        assert!(WitnessStore::init(&path, "audit.example/w").is_err());
        let log = SigningKey::from_bytes(&[1; 32]);
        let vk = VerifierKey::of(ORIGIN, &log).unwrap();
        let note = |t: &MemTree| {
            Checkpoint::new(ORIGIN, t.size(), t.root())
                .sign(&log)
                .unwrap()
                .to_text()
        };
        let t4 = tree(4, 0);
        let wkey;
        {
            let w = WitnessStore::open(&path).unwrap();
            wkey = w.verifier_key().unwrap();
            // Unknown origin until trusted.
            let a = w
                .add_checkpoint(AddCheckpoint::body(0, &[], &note(&t4)).as_bytes(), 10)
                .unwrap();
            assert_eq!(a.status, 404);
            w.trust(&vk).unwrap();
            let a = w
                .add_checkpoint(AddCheckpoint::body(0, &[], &note(&t4)).as_bytes(), 10)
                .unwrap();
            assert_eq!(a.status, 200, "{a:?}");
            let sig =
                pledger_core::checkpoint::SignedNote::parse(format!("{}{}", note(&t4), a.body).as_bytes()).unwrap();
            assert_eq!(wkey.verify(&sig).unwrap(), 10);
        }
        let w = WitnessStore::open(&path).unwrap();
        assert_eq!(w.verifier_key().unwrap(), wkey);
        assert_eq!(w.held(ORIGIN).unwrap().unwrap().size, 4);
        let a = w
            .add_checkpoint(AddCheckpoint::body(0, &[], &note(&tree(7, 0))).as_bytes(), 11)
            .unwrap();
        assert_eq!(
            (a.status, a.content_type, a.body.as_str()),
            (409, "text/x.tlog.size", "4\n")
        );
        assert!(w.evidence().unwrap().is_empty());
        // A fork: another tree of 7 records, with a proof from its own 4.
        let f7 = tree(7, 9);
        let body = AddCheckpoint::body(4, &consistency_proof(4, 7, &f7).unwrap(), &note(&f7));
        let a = w.add_checkpoint(body.as_bytes(), 12).unwrap();
        assert_eq!(a.status, 422);
        let ev = w.evidence().unwrap();
        assert_eq!(ev.len(), 1);
        assert_eq!((ev[0].status, ev[0].request.as_str()), (422, body.as_str()));
        assert_eq!(ev[0].held.as_ref().unwrap().size, 4);
        // The honest continuation is still cosigned.
        let t7 = tree(7, 0);
        let body = AddCheckpoint::body(4, &consistency_proof(4, 7, &t7).unwrap(), &note(&t7));
        assert_eq!(w.add_checkpoint(body.as_bytes(), 13).unwrap().status, 200);
        assert_eq!(w.held_all().unwrap().len(), 1);
    }

    /// The race tlog-witness warns of: many requests from the same old
    /// size at once. Exactly one may be cosigned; the others get 409.
    #[test]
    fn concurrent_requests_from_one_old_size_cosign_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w");
        let w = std::sync::Arc::new(WitnessStore::init(&path, "audit.example/w").unwrap());
        let log = SigningKey::from_bytes(&[1; 32]);
        w.trust(&VerifierKey::of(ORIGIN, &log).unwrap()).unwrap();
        let handles: Vec<_> = (1..=8u64)
            .map(|n| {
                let w = w.clone();
                let t = tree(n, 0);
                let note = Checkpoint::new(ORIGIN, n, t.root()).sign(&log).unwrap().to_text();
                std::thread::spawn(move || {
                    w.add_checkpoint(AddCheckpoint::body(0, &[], &note).as_bytes(), 5)
                        .unwrap()
                })
            })
            .collect();
        let answers: Vec<Answer> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 1, "{answers:?}");
        assert_eq!(answers.iter().filter(|a| a.status == 409).count(), 7, "{answers:?}");
        let held = w.held(ORIGIN).unwrap().unwrap();
        for a in answers.iter().filter(|a| a.status == 409) {
            assert_eq!(a.body, format!("{}\n", held.size));
        }
    }
}
