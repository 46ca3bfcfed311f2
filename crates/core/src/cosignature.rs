//! Witness cosignatures (docs/format.md section 6): C2SP `tlog-cosignature`,
//! the Ed25519 `cosignature/v1` type.
//!
//! A cosignature is one more signature line on a checkpoint note:
//!
//! ```text
//! — <witness name> base64(key id (4) || timestamp (8, big-endian) || Ed25519 signature (64))
//! ```
//!
//! - The key id is `SHA-256(name || 0x0A || 0x04 || public key)[..4]`: type
//!   0x04 keeps a witness key from ever being mistaken for a log key (0x01),
//!   whose lines carry the plain note signature.
//! - The signed message is `cosignature/v1\ntime <ts>\n` followed by the
//!   checkpoint body (the note text with its final newline). The timestamp
//!   is seconds since the Unix epoch; it is never 0 and at most 2^63 − 1.
//! - The witness's verifier key (a C2SP vkey) is
//!   `<name>+<8 hex key id>+<base64(0x04 || public key)>`.
//!
//! Pure: keys and the time are passed in.

use crate::checkpoint::{is_valid_key_name, KeyError, KeyId, NoteSignature, SignedNote};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;
use thiserror::Error;

/// C2SP signature type of `cosignature/v1` (Ed25519 cosignatures).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;

/// The header line of the signed message.
const HEADER: &str = "cosignature/v1";

/// Largest timestamp a cosignature may carry (C2SP: at most 2^63 − 1).
pub const MAX_TIMESTAMP: u64 = (1 << 63) - 1;

/// Bytes of the signature proper of a line (after the key id).
const SIG_LEN: usize = 8 + 64;

/// Key id of a cosigner key: `SHA-256(name || 0x0A || 0x04 || key)[..4]`.
pub fn cosigner_key_id(name: &str, public_key: &VerifyingKey) -> KeyId {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_COSIGNATURE_V1]);
    h.update(public_key.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// The bytes a cosignature signs: the header and time lines, then the
/// checkpoint body.
pub fn signed_message(body: &str, timestamp: u64) -> String {
    format!("{HEADER}\ntime {timestamp}\n{body}")
}

/// Why a cosignature (or a cosigner key) was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CosignatureError {
    #[error("witness key: {0}")]
    Key(KeyError),
    #[error("the witness key is of signature type {0:#04x}; a cosignature/v1 key is of type 0x04")]
    KeyType(u8),
    #[error("the note carries no cosignature by {key}")]
    Missing { key: String },
    #[error("the cosignature by {key} is {len} bytes; cosignature/v1 has 72 (timestamp and Ed25519 signature)")]
    Length { key: String, len: usize },
    #[error("the cosignature by {key} has timestamp {timestamp}, which is 0 or above 2^63-1")]
    Timestamp { key: String, timestamp: u64 },
    #[error("the cosignature by {key} is not valid: the checkpoint, its time or the signature was changed")]
    Bad { key: String },
    #[error("a cosignature is at most 2^63-1 seconds and not 0; {0} cannot be signed")]
    SignTimestamp(u64),
}

/// A witness's public key: its name and Ed25519 key, as `cosignature/v1`.
#[derive(Clone, PartialEq, Eq)]
pub struct CosignerKey {
    name: String,
    id: KeyId,
    public_key: VerifyingKey,
}

impl fmt::Debug for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CosignerKey({self})")
    }
}

impl CosignerKey {
    pub fn new(name: &str, public_key: VerifyingKey) -> Result<CosignerKey, CosignatureError> {
        if !is_valid_key_name(name) {
            return Err(CosignatureError::Key(KeyError::Name(name.to_string())));
        }
        Ok(CosignerKey {
            name: name.to_string(),
            id: cosigner_key_id(name, &public_key),
            public_key,
        })
    }

    pub fn of(name: &str, key: &SigningKey) -> Result<CosignerKey, CosignatureError> {
        CosignerKey::new(name, key.verifying_key())
    }

    /// Parses `<name>+<8 hex key id>+<base64(0x04 || public key)>`; the key
    /// id must be the one the name and key give.
    pub fn parse(text: &str) -> Result<CosignerKey, CosignatureError> {
        let key = |e| CosignatureError::Key(e);
        let text = text.trim_end_matches(['\n', '\r']);
        let mut parts = text.splitn(3, '+');
        let (name, id_hex, data) = match (parts.next(), parts.next(), parts.next()) {
            (Some(n), Some(i), Some(d)) => (n, i, d),
            _ => return Err(key(KeyError::Shape(text.split('+').count()))),
        };
        if !is_valid_key_name(name) {
            return Err(key(KeyError::Name(name.to_string())));
        }
        let mut stated = [0u8; 4];
        if id_hex.len() != 8 || hex::decode_to_slice(id_hex, &mut stated).is_err() {
            return Err(key(KeyError::IdSyntax(id_hex.to_string())));
        }
        let bytes = B64.decode(data).map_err(|_| key(KeyError::Base64))?;
        match bytes.first() {
            None => return Err(key(KeyError::Length(0))),
            Some(&ALG_COSIGNATURE_V1) => {}
            Some(&other) => return Err(CosignatureError::KeyType(other)),
        }
        let pk: [u8; 32] = bytes[1..].try_into().map_err(|_| key(KeyError::Length(bytes.len())))?;
        let public_key = VerifyingKey::from_bytes(&pk).map_err(|_| key(KeyError::Point))?;
        let k = CosignerKey::new(name, public_key)?;
        if k.id != stated {
            return Err(key(KeyError::IdMismatch {
                stated: id_hex.to_string(),
                computed: hex::encode(k.id),
            }));
        }
        Ok(k)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    pub fn public_key(&self) -> &VerifyingKey {
        &self.public_key
    }

    /// Is this line by this key (same name and key id)?
    pub fn names(&self, sig: &NoteSignature) -> bool {
        sig.name == self.name && sig.key_id == self.id
    }

    /// Checks this key's cosignature on `note`; returns its timestamp. A
    /// note with several lines by this key is accepted only when all verify
    /// (the latest timestamp is returned).
    pub fn verify(&self, note: &SignedNote) -> Result<u64, CosignatureError> {
        let mut latest = None;
        for s in note.signatures.iter().filter(|s| self.names(s)) {
            let ts = self.verify_line(&note.text, s)?;
            latest = Some(latest.map_or(ts, |l: u64| l.max(ts)));
        }
        latest.ok_or_else(|| CosignatureError::Missing { key: self.to_string() })
    }

    /// Checks one signature line (by this key) over the checkpoint `body`.
    pub fn verify_line(&self, body: &str, sig: &NoteSignature) -> Result<u64, CosignatureError> {
        let key = || self.to_string();
        let bytes: &[u8; SIG_LEN] = sig
            .signature
            .as_slice()
            .try_into()
            .map_err(|_| CosignatureError::Length {
                key: key(),
                len: sig.signature.len(),
            })?;
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&bytes[..8]);
        let timestamp = u64::from_be_bytes(ts);
        if timestamp == 0 || timestamp > MAX_TIMESTAMP {
            return Err(CosignatureError::Timestamp { key: key(), timestamp });
        }
        let mut ed = [0u8; 64];
        ed.copy_from_slice(&bytes[8..]);
        self.public_key
            .verify_strict(
                signed_message(body, timestamp).as_bytes(),
                &ed25519_dalek::Signature::from_bytes(&ed),
            )
            .map_err(|_| CosignatureError::Bad { key: key() })?;
        Ok(timestamp)
    }
}

impl fmt::Display for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut data = Vec::with_capacity(33);
        data.push(ALG_COSIGNATURE_V1);
        data.extend_from_slice(self.public_key.as_bytes());
        write!(f, "{}+{}+{}", self.name, hex::encode(self.id), B64.encode(data))
    }
}

/// The cosignature line of `key` (as witness `name`) on the checkpoint
/// `body` at `timestamp`.
pub fn cosign(body: &str, name: &str, key: &SigningKey, timestamp: u64) -> Result<NoteSignature, CosignatureError> {
    if timestamp == 0 || timestamp > MAX_TIMESTAMP {
        return Err(CosignatureError::SignTimestamp(timestamp));
    }
    let cosigner = CosignerKey::of(name, key)?;
    let sig = key.sign(signed_message(body, timestamp).as_bytes());
    let mut signature = Vec::with_capacity(SIG_LEN);
    signature.extend_from_slice(&timestamp.to_be_bytes());
    signature.extend_from_slice(&sig.to_bytes());
    Ok(NoteSignature {
        name: name.to_string(),
        key_id: cosigner.id,
        signature,
    })
}

/// One valid cosignature found on a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosigned {
    pub key: CosignerKey,
    pub timestamp: u64,
}

/// The cosignatures on `note` by `keys` that verify, in the order of
/// `keys`. Lines by other keys are ignored, as C2SP says; a line that names
/// one of `keys` but does not verify does not count.
pub fn valid_cosignatures(note: &SignedNote, keys: &[CosignerKey]) -> Vec<Cosigned> {
    keys.iter()
        .filter_map(|k| {
            k.verify(note).ok().map(|timestamp| Cosigned {
                key: k.clone(),
                timestamp,
            })
        })
        .collect()
}

/// Why a checkpoint fails a witness policy.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("the checkpoint carries valid cosignatures from {found} of the {named} named witness(es) ({which}); the policy requires {required}")]
pub struct QuorumError {
    pub found: usize,
    pub named: usize,
    pub required: usize,
    /// The names of those that did cosign, or "none".
    pub which: String,
}

/// Checks that at least `quorum` of `keys` validly cosigned `note`; returns
/// those that did. Duplicate keys count once.
pub fn check_quorum(note: &SignedNote, keys: &[CosignerKey], quorum: usize) -> Result<Vec<Cosigned>, QuorumError> {
    let mut distinct: Vec<CosignerKey> = Vec::with_capacity(keys.len());
    for k in keys {
        if !distinct.contains(k) {
            distinct.push(k.clone());
        }
    }
    let found = valid_cosignatures(note, &distinct);
    if found.len() >= quorum {
        return Ok(found);
    }
    let which = if found.is_empty() {
        "none".to_string()
    } else {
        found
            .iter()
            .map(|c| c.key.name().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(QuorumError {
        found: found.len(),
        named: distinct.len(),
        required: quorum,
        which,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::{Checkpoint, VerifierKey};

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    /// A known vector computed outside this crate, with Python's `hashlib`
    /// and the `cryptography` package's Ed25519 (seed = 32 bytes of 0x01,
    /// name `witness.example/w1`, the checkpoint body of the C2SP
    /// tlog-cosignature example, time 1679315147):
    ///
    /// ```text
    /// kid  = sha256(name + b"\n\x04" + pk)[:4]
    /// sig  = sk.sign(b"cosignature/v1\ntime 1679315147\n" + body)
    /// line = "— " + name + " " + b64(kid + ts.to_bytes(8, "big") + sig)
    /// ```
    ///
    /// (Ed25519 is deterministic, so the line is fixed. Its time bytes,
    /// `AAAABkGFDL`, are those of the C2SP example line.)
    #[test]
    fn known_vector() {
        const VKEY: &str = "witness.example/w1+0ad7d35e+BIqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c";
        const LINE: &str = "\u{2014} witness.example/w1 CtfTXgAAAABkGFDL0l0pFwTk9MykvW0AWQ7aj3wlQOPdkH/U6S+pa35ceaScuEzSwKfIeJ7i4Fxp8hH+ardr70qwEBhCA4/FskmwAg==\n";
        let body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let k = key(1);
        let ck = CosignerKey::of("witness.example/w1", &k).unwrap();
        assert_eq!(ck.to_string(), VKEY);
        assert_eq!(CosignerKey::parse(VKEY).unwrap(), ck);
        let line = cosign(body, "witness.example/w1", &k, 1679315147).unwrap();
        assert_eq!(line.line(), LINE);
        let note = SignedNote::parse(format!("{body}\n{LINE}").as_bytes()).unwrap();
        assert_eq!(ck.verify(&note).unwrap(), 1679315147);
        // The key id differs from the same key's id as a log key (type 0x01).
        assert_ne!(
            ck.id(),
            crate::checkpoint::key_id("witness.example/w1", &k.verifying_key())
        );
    }

    #[test]
    fn signed_message_is_the_c2sp_one() {
        let body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        assert_eq!(
            signed_message(body, 1679315147),
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        );
    }

    #[test]
    fn cosign_verify_and_tamper() {
        let log = key(2);
        let w = key(3);
        let cp = Checkpoint::new("pledger.test/ledger", 5, [7; 32]);
        let mut note = cp.sign(&log).unwrap();
        let line = cosign(&note.text, "audit.example/w", &w, 1_700_000_000).unwrap();
        assert_eq!(line.signature.len(), 72);
        assert_eq!(&line.signature[..8], &1_700_000_000u64.to_be_bytes());
        note.signatures.push(line);
        let ck = CosignerKey::of("audit.example/w", &w).unwrap();
        assert_eq!(ck.verify(&note).unwrap(), 1_700_000_000);
        // The log's own signature still verifies beside it.
        note.verify(&VerifierKey::of("pledger.test/ledger", &log).unwrap())
            .unwrap();
        // Round trip through text.
        let back = SignedNote::parse(note.to_text().as_bytes()).unwrap();
        assert_eq!(ck.verify(&back).unwrap(), 1_700_000_000);
        // A changed timestamp, body or signature fails.
        let mut t = back.clone();
        t.signatures[1].signature[7] ^= 1;
        assert!(matches!(ck.verify(&t), Err(CosignatureError::Bad { .. })));
        let mut t = back.clone();
        t.text = t.text.replace("\n5\n", "\n6\n");
        assert!(matches!(ck.verify(&t), Err(CosignatureError::Bad { .. })));
        let mut t = back.clone();
        t.signatures[1].signature[..8].copy_from_slice(&0u64.to_be_bytes());
        assert!(matches!(ck.verify(&t), Err(CosignatureError::Timestamp { .. })));
        let mut t = back.clone();
        t.signatures[1].signature.pop();
        assert!(matches!(ck.verify(&t), Err(CosignatureError::Length { .. })));
        // Another witness's key sees no cosignature.
        let other = CosignerKey::of("audit.example/w", &key(4)).unwrap();
        assert!(matches!(other.verify(&back), Err(CosignatureError::Missing { .. })));
        assert!(cosign(&note.text, "w", &w, 0).is_err());
        assert!(cosign(&note.text, "w", &w, MAX_TIMESTAMP + 1).is_err());
    }

    #[test]
    fn key_text_round_trip_and_errors() {
        let ck = CosignerKey::of("province.example/witness", &key(5)).unwrap();
        let text = ck.to_string();
        assert!(text.starts_with(&format!("province.example/witness+{}+", hex::encode(ck.id()))));
        assert_eq!(CosignerKey::parse(&text).unwrap(), ck);
        // A log key (type 0x01) is not a witness key.
        let vk = VerifierKey::of("province.example/witness", &key(5))
            .unwrap()
            .to_string();
        assert!(matches!(CosignerKey::parse(&vk), Err(CosignatureError::KeyType(1))));
        let wrong_id = format!("province.example/witness+00000000+{}", text.rsplit('+').next().unwrap());
        // (the base64 has no '+' for this key, so the last part is the data)
        if !text.split('+').nth(2).unwrap().contains('+') {
            assert!(matches!(
                CosignerKey::parse(&wrong_id),
                Err(CosignatureError::Key(KeyError::IdMismatch { .. }))
            ));
        }
        assert!(CosignerKey::parse("nonsense").is_err());
    }

    #[test]
    fn quorum() {
        let log = key(6);
        let cp = Checkpoint::new("pledger.test/ledger", 3, [1; 32]);
        let mut note = cp.sign(&log).unwrap();
        let (a, b, c) = (key(7), key(8), key(9));
        let ka = CosignerKey::of("a.example/w", &a).unwrap();
        let kb = CosignerKey::of("b.example/w", &b).unwrap();
        let kc = CosignerKey::of("c.example/w", &c).unwrap();
        let keys = [ka.clone(), kb.clone(), kc.clone()];
        note.signatures.push(cosign(&note.text, "a.example/w", &a, 10).unwrap());
        let e = check_quorum(&note, &keys, 2).unwrap_err();
        assert_eq!((e.found, e.required), (1, 2));
        // The same key named twice counts once.
        assert!(check_quorum(&note, &[ka.clone(), ka.clone()], 2).is_err());
        note.signatures.push(cosign(&note.text, "b.example/w", &b, 11).unwrap());
        let ok = check_quorum(&note, &keys, 2).unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].timestamp, 11);
    }
}
