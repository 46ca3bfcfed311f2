//! The ledger's side of witnessing (docs/format.md section 6): `pledger serve
//! --witness URL=VERIFIER_KEY` sends the latest checkpoint to each witness
//! with a consistency proof from the size that witness holds, and keeps the
//! cosignatures it gets in the checkpoint's stored note
//! ([`pledger_store::checkpoints::add_cosignatures`]).
//!
//! The size a witness holds is learnt as tlog-witness suggests: the first
//! request after a start says `old 0`; a witness that holds more answers
//! 409 with its size (`text/x.tlog.size`), and the request is sent again
//! from that size. A witness that was down is tried again at the next
//! checkpoint tick, since the latest checkpoint lacks its cosignature.
//!
//! HTTP is plain blocking `ureq` without TLS (reach a witness over a trusted
//! network or through a local TLS forwarder; integrity does not depend on
//! the channel, since every cosignature is verified under the witness's
//! key); callers run this on a blocking thread.

use pledger_core::checkpoint::{SignedNote, VerifierKey};
use pledger_core::cosignature::CosignerKey;
use pledger_core::merkle;
use pledger_core::witness::AddCheckpoint;
use pledger_store::tree::StoredTree;
use pledger_store::{checkpoints, LogBackend, StoreError};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// One witness the ledger asks: where, and the key its cosignatures must
/// verify under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessTarget {
    /// The submission prefix; `/add-checkpoint` is appended.
    pub url: String,
    pub key: CosignerKey,
}

impl WitnessTarget {
    /// Parses `URL=VERIFIER_KEY`. The URL is everything before the first
    /// `=` (a verifier key's base64 may itself end in `=`).
    pub fn parse(spec: &str) -> Result<WitnessTarget, String> {
        let (url, key) = spec
            .split_once('=')
            .ok_or_else(|| format!("{spec:?} is not URL=VERIFIER_KEY"))?;
        // The binary has no TLS client (none is in the offline registry).
        // Nothing here depends on the channel for integrity: a cosignature
        // is only kept if it verifies under the witness's key; a man in the
        // middle can only withhold it.
        if url.starts_with("https://") {
            return Err(format!(
                "the witness URL {url:?} is https, and pledger has no TLS client: reach the witness over http:// (a trusted network, or a local TLS forwarder); cosignatures are verified by key either way"
            ));
        }
        if !url.starts_with("http://") {
            return Err(format!("the witness URL {url:?} does not start with http://"));
        }
        let key = CosignerKey::parse(key).map_err(|e| format!("the witness key of {url}: {e}"))?;
        Ok(WitnessTarget {
            url: url.trim_end_matches('/').to_string(),
            key,
        })
    }
}

/// Why one witness gave no cosignature this time.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("cannot reach the witness: {0}")]
    Transport(String),
    #[error("the witness refused with {status}: {body}")]
    Refused { status: u16, body: String },
    #[error("the witness holds a checkpoint of size {held}, larger than this ledger's latest ({size}): was the ledger rolled back?")]
    Ahead { held: u64, size: u64 },
    #[error("the witness answered without a valid cosignature by {0}")]
    NoCosignature(String),
}

/// What one round of asking did, per witness (by name).
#[derive(Debug)]
pub struct Round {
    pub size: u64,
    pub results: Vec<(String, Result<bool, CosignError>)>,
}

/// The witnesses and what the ledger knows of them.
pub struct Cosigning {
    targets: Vec<WitnessTarget>,
    agent: ureq::Agent,
    /// The size each witness (by index) is known to hold.
    held: Mutex<HashMap<usize, u64>>,
    /// One round at a time: a round rewrites the stored note.
    round: Mutex<()>,
}

impl Cosigning {
    pub fn new(targets: Vec<WitnessTarget>) -> Cosigning {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .build();
        Cosigning {
            targets,
            agent,
            held: Mutex::new(HashMap::new()),
            round: Mutex::new(()),
        }
    }

    pub fn targets(&self) -> &[WitnessTarget] {
        &self.targets
    }

    /// The witness keys, for checking cosignatures.
    pub fn keys(&self) -> Vec<CosignerKey> {
        self.targets.iter().map(|t| t.key.clone()).collect()
    }

    /// Asks every witness whose cosignature the latest stored checkpoint
    /// lacks. `own` is the ledger's key: only its signature is sent.
    /// `Ok(true)` for a witness that cosigned now, `Ok(false)` for one that
    /// already had.
    pub fn round(&self, backend: &dyn LogBackend, own: &VerifierKey) -> Result<Option<Round>, StoreError> {
        let _one = self.round.lock().unwrap_or_else(|p| p.into_inner());
        let Some(latest) = checkpoints::latest(backend)? else {
            return Ok(None);
        };
        let note = SignedNote::parse(&latest.note)
            .map_err(|e| StoreError::Corrupt(format!("the checkpoint of size {} is malformed: {e}", latest.size)))?;
        let mut log_only = note.clone();
        log_only
            .signatures
            .retain(|s| s.name == own.name() && s.key_id == own.id());
        let log_only = log_only.to_text();
        let mut results = Vec::new();
        for (i, t) in self.targets.iter().enumerate() {
            let r = if t.key.verify(&note).is_ok() {
                Ok(false)
            } else {
                self.ask(i, t, backend, latest.size, &note.text, &log_only)
                    .map(|()| true)
            };
            results.push((t.key.name().to_string(), r));
        }
        Ok(Some(Round {
            size: latest.size,
            results,
        }))
    }

    fn held(&self, i: usize) -> u64 {
        self.held.lock().map_or(0, |h| h.get(&i).copied().unwrap_or(0))
    }

    fn set_held(&self, i: usize, size: u64) {
        if let Ok(mut h) = self.held.lock() {
            h.insert(i, size);
        }
    }

    fn ask(
        &self,
        i: usize,
        t: &WitnessTarget,
        backend: &dyn LogBackend,
        size: u64,
        body_text: &str,
        note: &str,
    ) -> Result<(), CosignError> {
        let mut old = self.held(i);
        // Twice at most: once from the size believed, once more from the
        // size a 409 names.
        for _ in 0..2 {
            if old > size {
                return Err(CosignError::Ahead { held: old, size });
            }
            let proof = if old == 0 || old == size {
                Vec::new()
            } else {
                merkle::consistency_proof(old, size, &StoredTree::new(backend)).map_err(|e| match e {
                    merkle::ProofError::Nodes(s) => CosignError::Store(s),
                    other => CosignError::Store(StoreError::Backend(other.to_string())),
                })?
            };
            let request = AddCheckpoint::body(old, &proof, note);
            let url = format!("{}/add-checkpoint", t.url);
            match self
                .agent
                .post(&url)
                .set("Content-Type", "text/plain")
                .send_string(&request)
            {
                Ok(resp) => {
                    let answer = resp.into_string().map_err(|e| CosignError::Transport(e.to_string()))?;
                    let joined = format!("{body_text}\n{answer}");
                    let parsed = SignedNote::parse(joined.as_bytes())
                        .map_err(|_| CosignError::NoCosignature(t.key.to_string()))?;
                    let valid: Vec<_> = parsed
                        .signatures
                        .into_iter()
                        .filter(|s| t.key.names(s) && t.key.verify_line(body_text, s).is_ok())
                        .collect();
                    if valid.is_empty() {
                        return Err(CosignError::NoCosignature(t.key.to_string()));
                    }
                    checkpoints::add_cosignatures(backend, size, &valid)?;
                    self.set_held(i, size);
                    return Ok(());
                }
                Err(ureq::Error::Status(409, resp)) => {
                    let is_size = resp.content_type() == pledger_core::witness::SIZE_CONTENT_TYPE;
                    let text = resp.into_string().unwrap_or_default();
                    let held = text.strip_suffix('\n').and_then(|n| n.parse::<u64>().ok());
                    match (is_size, held) {
                        (true, Some(n)) if n != old => {
                            self.set_held(i, n);
                            old = n;
                        }
                        _ => {
                            return Err(CosignError::Refused {
                                status: 409,
                                body: text,
                            })
                        }
                    }
                }
                Err(ureq::Error::Status(status, resp)) => {
                    let body = resp.into_string().unwrap_or_default();
                    return Err(CosignError::Refused {
                        status,
                        body: body.trim_end().to_string(),
                    });
                }
                Err(e) => return Err(CosignError::Transport(e.to_string())),
            }
        }
        Err(CosignError::Refused {
            status: 409,
            body: format!("still a conflict after retrying from size {old}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn witness_specs() {
        let key = CosignerKey::of("w.example/a", &ed25519_dalek::SigningKey::from_bytes(&[1; 32])).unwrap();
        let t = WitnessTarget::parse(&format!("http://127.0.0.1:9/={key}")).unwrap();
        assert_eq!((t.url.as_str(), &t.key), ("http://127.0.0.1:9", &key));
        assert!(WitnessTarget::parse(&format!("https://w.example={key}"))
            .unwrap_err()
            .contains("no TLS"));
        assert!(WitnessTarget::parse("http://w.example").is_err());
        assert!(WitnessTarget::parse("http://w.example=nonsense").is_err());
        assert!(WitnessTarget::parse(&format!("w.example={key}")).is_err());
    }
}
