//! Signed checkpoints (contract section 1.3): the C2SP `tlog-checkpoint`
//! body, signed as a C2SP `signed-note` with the ledger's Ed25519 key.
//!
//! A checkpoint note as pledger writes it:
//!
//! ```text
//! pledger.changde.example/ledger        <- origin (= the key name)
//! 1024                                  <- tree size, decimal
//! 3Zx0...base64 of the 32-byte root...= <- root hash, standard base64
//!                                       <- blank line
//! — pledger.changde.example/ledger AbCd...base64(key id || signature)...
//! ```
//!
//! - The signed bytes are the note text: the three lines, each ending in a
//!   newline (not the blank line, not the signature lines).
//! - A signature line is `— <key name> <base64(key id (4 bytes) || Ed25519
//!   signature (64 bytes))>`, with an em dash (U+2014).
//! - The key id is the first 4 bytes of `SHA-256(name || 0x0A || 0x01 ||
//!   public key)` (0x01 is the signature type of Ed25519).
//! - The verifier key, as `pledger key` prints it, is
//!   `<name>+<key id, 8 lowercase hex>+<base64(0x01 || public key)>`.
//!
//! Everything here is pure: keys are passed in, nothing is read or stored.
//! Parsing is strict where pledger writes (no leading zeros, canonical
//! base64, a final newline) and follows the C2SP rules where others might
//! (unknown signatures are ignored, extension lines after the root are
//! kept). Each refusal is a distinct [`NoteError`], [`KeyError`] or
//! [`CheckpointError`] variant whose message says what is wrong.

use crate::merkle::Hash;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;
use thiserror::Error;

pub use ed25519_dalek;

/// C2SP signed-note signature type of Ed25519.
pub const ALG_ED25519: u8 = 0x01;

/// The em dash that starts every signature line.
const SIG_PREFIX: &str = "\u{2014} ";

/// Largest note accepted (as the Go and Rust reference implementations).
pub const MAX_NOTE_SIZE: usize = 1_000_000;

/// Most signature lines accepted on one note.
pub const MAX_SIGNATURES: usize = 100;

/// A 4-byte key id.
pub type KeyId = [u8; 4];

/// Is `name` usable as a signed-note key name: non-empty, no Unicode
/// whitespace, no `+` (C2SP signed-note, "Signatures").
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(char::is_whitespace) && !name.contains('+')
}

/// Key id of an Ed25519 key under `name`: `SHA-256(name || 0x0A || 0x01 ||
/// public key)[..4]`.
pub fn key_id(name: &str, public_key: &VerifyingKey) -> KeyId {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_ED25519]);
    h.update(public_key.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

// ------------------------------------------------------------------ keys --

/// Why a verifier key text was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum KeyError {
    #[error("a verifier key has the form <name>+<8 hex key id>+<base64 key>; this one has {0} '+'-separated parts")]
    Shape(usize),
    #[error("the key name {0:?} is not valid: it must be non-empty, without spaces or '+'")]
    Name(String),
    #[error("the key id {0:?} is not 8 hex digits")]
    IdSyntax(String),
    #[error("the key data is not valid base64")]
    Base64,
    #[error("the key is of signature type {0:#04x}; only Ed25519 (0x01) is supported")]
    Algorithm(u8),
    #[error("the key data has {0} bytes; an Ed25519 verifier key has 33 (0x01 and a 32-byte public key)")]
    Length(usize),
    #[error("the public key is not a valid Ed25519 point")]
    Point,
    #[error("the key id {stated} does not match the key: it should be {computed}")]
    IdMismatch { stated: String, computed: String },
}

/// A C2SP signed-note verifier key for Ed25519.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    id: KeyId,
    public_key: VerifyingKey,
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

impl VerifierKey {
    /// The verifier key of `public_key` under `name`.
    pub fn new(name: &str, public_key: VerifyingKey) -> Result<VerifierKey, KeyError> {
        if !is_valid_key_name(name) {
            return Err(KeyError::Name(name.to_string()));
        }
        Ok(VerifierKey {
            name: name.to_string(),
            id: key_id(name, &public_key),
            public_key,
        })
    }

    /// The verifier key of a signing key under `name`.
    pub fn of(name: &str, key: &SigningKey) -> Result<VerifierKey, KeyError> {
        VerifierKey::new(name, key.verifying_key())
    }

    /// Parses `<name>+<8 hex key id>+<base64(0x01 || public key)>`. The key
    /// id must be the one the name and key give.
    pub fn parse(text: &str) -> Result<VerifierKey, KeyError> {
        let text = text.trim_end_matches(['\n', '\r']);
        let parts: Vec<&str> = text.split('+').collect();
        // Base64 may itself contain '+': the name and id are the first two
        // parts, the key data is everything after.
        if parts.len() < 3 {
            return Err(KeyError::Shape(parts.len()));
        }
        let name = parts[0];
        let id_hex = parts[1];
        let data = &text[name.len() + id_hex.len() + 2..];
        if !is_valid_key_name(name) {
            return Err(KeyError::Name(name.to_string()));
        }
        let mut stated = [0u8; 4];
        if id_hex.len() != 8 || hex::decode_to_slice(id_hex, &mut stated).is_err() {
            return Err(KeyError::IdSyntax(id_hex.to_string()));
        }
        let bytes = B64.decode(data).map_err(|_| KeyError::Base64)?;
        match bytes.first() {
            None => return Err(KeyError::Length(0)),
            Some(&ALG_ED25519) => {}
            Some(&other) => return Err(KeyError::Algorithm(other)),
        }
        let pk: [u8; 32] = bytes[1..].try_into().map_err(|_| KeyError::Length(bytes.len()))?;
        let public_key = VerifyingKey::from_bytes(&pk).map_err(|_| KeyError::Point)?;
        let key = VerifierKey::new(name, public_key)?;
        if key.id != stated {
            return Err(KeyError::IdMismatch {
                stated: id_hex.to_string(),
                computed: hex::encode(key.id),
            });
        }
        Ok(key)
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

    /// Does this signature line come from this key (same name and id)?
    fn names(&self, sig: &NoteSignature) -> bool {
        sig.name == self.name && sig.key_id == self.id
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut data = Vec::with_capacity(33);
        data.push(ALG_ED25519);
        data.extend_from_slice(self.public_key.as_bytes());
        write!(f, "{}+{}+{}", self.name, hex::encode(self.id), B64.encode(data))
    }
}

// ----------------------------------------------------------------- notes --

/// Why a signed note was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum NoteError {
    #[error("the note is larger than {MAX_NOTE_SIZE} bytes")]
    TooLarge,
    #[error("the note is not valid UTF-8")]
    Utf8,
    #[error("the note contains a control character other than newline (byte {0:#04x})")]
    ControlCharacter(u8),
    #[error("the note does not end with a newline")]
    NoFinalNewline,
    #[error("the note has no signature block: a blank line followed by signature lines")]
    NoSignatureBlock,
    #[error("the note text is empty")]
    EmptyText,
    #[error("signature line {line} is malformed: {why}")]
    MalformedSignature { line: usize, why: String },
    #[error("the note has more than {MAX_SIGNATURES} signatures")]
    TooManySignatures,
    #[error("the note is not signed by {key}")]
    NotSignedBy { key: String },
    #[error("the signature by {key} is not valid: the note text or the signature was changed, or it was made by another key")]
    BadSignature { key: String },
    #[error("the key name {0:?} cannot sign a note: it must be non-empty, without spaces or '+'")]
    KeyName(String),
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: KeyId,
    /// The signature proper (64 bytes for Ed25519; other lengths are kept
    /// so that unknown signature types can be carried along).
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line, with its final newline.
    pub fn line(&self) -> String {
        let mut data = Vec::with_capacity(4 + self.signature.len());
        data.extend_from_slice(&self.key_id);
        data.extend_from_slice(&self.signature);
        format!("{SIG_PREFIX}{} {}\n", self.name, B64.encode(data))
    }

    fn parse(line: &str, number: usize) -> Result<NoteSignature, NoteError> {
        let bad = |why: &str| NoteError::MalformedSignature {
            line: number,
            why: why.to_string(),
        };
        let rest = line
            .strip_prefix(SIG_PREFIX)
            .ok_or_else(|| bad("it does not start with an em dash and a space"))?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or_else(|| bad("it has no space between the key name and the signature"))?;
        if !is_valid_key_name(name) {
            return Err(bad("the key name is empty or holds spaces or '+'"));
        }
        let data = B64.decode(b64).map_err(|_| bad("the signature is not valid base64"))?;
        if data.len() < 5 {
            return Err(bad("the signature is too short to hold a key id and a signature"));
        }
        Ok(NoteSignature {
            name: name.to_string(),
            key_id: [data[0], data[1], data[2], data[3]],
            signature: data[4..].to_vec(),
        })
    }
}

/// A parsed signed note: its text and its signature lines, unverified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedNote {
    /// The signed text, ending in a newline.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

fn check_text_chars(s: &str) -> Result<(), NoteError> {
    match s.bytes().find(|&b| b < 0x20 && b != b'\n') {
        Some(b) => Err(NoteError::ControlCharacter(b)),
        None => Ok(()),
    }
}

impl SignedNote {
    /// Parses a note: UTF-8, no control characters but newline, a text
    /// ending in a newline, a blank line, then one or more signature lines,
    /// each ending in a newline. Signatures are not checked here.
    pub fn parse(bytes: &[u8]) -> Result<SignedNote, NoteError> {
        if bytes.len() > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge);
        }
        let s = std::str::from_utf8(bytes).map_err(|_| NoteError::Utf8)?;
        check_text_chars(s)?;
        let body = s.strip_suffix('\n').ok_or(NoteError::NoFinalNewline)?;
        let (text, sigs) = body.rsplit_once("\n\n").ok_or(NoteError::NoSignatureBlock)?;
        if text.is_empty() {
            return Err(NoteError::EmptyText);
        }
        let text = format!("{text}\n");
        let text_lines = text.lines().count();
        let mut signatures = Vec::new();
        for (i, line) in sigs.split('\n').enumerate() {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            signatures.push(NoteSignature::parse(line, text_lines + 2 + i)?);
        }
        Ok(SignedNote { text, signatures })
    }

    /// A note with `text` and no signatures yet.
    pub fn unsigned(text: &str) -> Result<SignedNote, NoteError> {
        if text.len() > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge);
        }
        check_text_chars(text)?;
        if text.is_empty() || text == "\n" {
            return Err(NoteError::EmptyText);
        }
        if !text.ends_with('\n') {
            return Err(NoteError::NoFinalNewline);
        }
        if text.contains("\n\n") {
            // A blank line inside the text would be read back as the start
            // of the signature block.
            return Err(NoteError::MalformedSignature {
                line: 0,
                why: "the note text contains a blank line".into(),
            });
        }
        Ok(SignedNote {
            text: text.to_string(),
            signatures: Vec::new(),
        })
    }

    /// Adds (or replaces) the signature of `key` under `name`.
    pub fn sign(&mut self, name: &str, key: &SigningKey) -> Result<(), NoteError> {
        let verifier = VerifierKey::of(name, key).map_err(|_| NoteError::KeyName(name.to_string()))?;
        let sig = key.sign(self.text.as_bytes());
        self.signatures.retain(|s| !verifier.names(s));
        self.signatures.push(NoteSignature {
            name: name.to_string(),
            key_id: verifier.id,
            signature: sig.to_bytes().to_vec(),
        });
        Ok(())
    }

    /// Checks the note's signature by `key`: there must be one, and every
    /// line that names `key` (its name and id) must verify. Lines by other
    /// keys are ignored, as C2SP signed-note requires.
    pub fn verify(&self, key: &VerifierKey) -> Result<(), NoteError> {
        let mut found = false;
        for s in self.signatures.iter().filter(|s| key.names(s)) {
            found = true;
            let ok = <[u8; 64]>::try_from(s.signature.as_slice()).is_ok_and(|sig| {
                key.public_key
                    .verify_strict(self.text.as_bytes(), &ed25519_dalek::Signature::from_bytes(&sig))
                    .is_ok()
            });
            if !ok {
                return Err(NoteError::BadSignature { key: key.to_string() });
            }
        }
        if !found {
            return Err(NoteError::NotSignedBy { key: key.to_string() });
        }
        Ok(())
    }

    /// Verifies the note under the first of `keys` that signed it; the
    /// key that did. An invalid signature by any of them is an error.
    pub fn verify_any<'k>(&self, keys: &'k [VerifierKey]) -> Result<&'k VerifierKey, NoteError> {
        let mut signer = None;
        for k in keys {
            match self.verify(k) {
                Ok(()) => {
                    signer.get_or_insert(k);
                }
                Err(NoteError::NotSignedBy { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        signer.ok_or_else(|| NoteError::NotSignedBy {
            key: keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(" or "),
        })
    }

    /// The note as text: the text, a blank line, the signature lines.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 1 + 120 * self.signatures.len());
        out.push_str(&self.text);
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
        }
        out
    }
}

// ----------------------------------------------------------- checkpoints --

/// Why a checkpoint was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CheckpointError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("the checkpoint has {0} line(s); it needs at least three: origin, tree size, root hash")]
    TooFewLines(usize),
    #[error("the checkpoint's origin line is empty")]
    EmptyOrigin,
    #[error("the checkpoint's tree size {0:?} is not a decimal number without leading zeros")]
    Size(String),
    #[error("the checkpoint's root hash {0:?} is not the standard base64 of 32 bytes")]
    Root(String),
    #[error("checkpoint extension line {0} is empty")]
    EmptyExtension(usize),
    #[error("the checkpoint is for origin {found:?}, not {expected:?}")]
    WrongOrigin { expected: String, found: String },
    #[error("the origin {0:?} cannot be a key name (no spaces or '+'), so pledger cannot sign under it")]
    OriginNotKeyName(String),
}

/// The body of a C2SP `tlog-checkpoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// Extension lines after the root, kept as they are. pledger writes none.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    pub fn new(origin: &str, size: u64, root: Hash) -> Checkpoint {
        Checkpoint {
            origin: origin.to_string(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// `<origin>\n<size>\n<base64 root>\n`, then any extension lines.
    pub fn body(&self) -> String {
        let mut s = format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root));
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parses a checkpoint body (a note's text).
    pub fn parse_body(text: &str) -> Result<Checkpoint, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(NoteError::NoFinalNewline)?;
        let lines: Vec<&str> = body.split('\n').collect();
        if lines.len() < 3 {
            return Err(CheckpointError::TooFewLines(lines.len()));
        }
        let origin = lines[0];
        if origin.is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        let size_text = lines[1];
        let canonical = !size_text.is_empty()
            && size_text.bytes().all(|b| b.is_ascii_digit())
            && (size_text == "0" || !size_text.starts_with('0'));
        let size: u64 = canonical
            .then(|| size_text.parse().ok())
            .flatten()
            .ok_or_else(|| CheckpointError::Size(size_text.to_string()))?;
        let root: Hash = B64
            .decode(lines[2])
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| CheckpointError::Root(lines[2].to_string()))?;
        let mut extensions = Vec::new();
        for (i, e) in lines[3..].iter().enumerate() {
            if e.is_empty() {
                return Err(CheckpointError::EmptyExtension(i + 1));
            }
            extensions.push(e.to_string());
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
            extensions,
        })
    }

    /// Signs the checkpoint with the ledger key; the key name is the origin.
    /// Returns the signed note.
    pub fn sign(&self, key: &SigningKey) -> Result<SignedNote, CheckpointError> {
        if !is_valid_key_name(&self.origin) {
            return Err(CheckpointError::OriginNotKeyName(self.origin.clone()));
        }
        let mut note = SignedNote::unsigned(&self.body())?;
        note.sign(&self.origin, key)?;
        Ok(note)
    }
}

/// A checkpoint whose signature has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    pub checkpoint: Checkpoint,
    pub note: SignedNote,
    /// The key whose signature was verified.
    pub key: VerifierKey,
}

/// Parses a checkpoint note, checks its signature under one of `keys`, and
/// checks that it is for `origin`. The signature is checked first: nothing
/// in an unsigned text is believed.
pub fn open_checkpoint(note: &[u8], keys: &[VerifierKey], origin: &str) -> Result<VerifiedCheckpoint, CheckpointError> {
    let note = SignedNote::parse(note)?;
    let key = note.verify_any(keys)?.clone();
    let checkpoint = Checkpoint::parse_body(&note.text)?;
    if checkpoint.origin != origin {
        return Err(CheckpointError::WrongOrigin {
            expected: origin.to_string(),
            found: checkpoint.origin,
        });
    }
    Ok(VerifiedCheckpoint { checkpoint, note, key })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    const ORIGIN: &str = "pledger.test.example/ledger";

    #[test]
    fn checkpoint_body_and_round_trip() {
        let cp = Checkpoint::new(ORIGIN, 7, [0xab; 32]);
        assert_eq!(cp.body(), format!("{ORIGIN}\n7\n{}\n", B64.encode([0xab; 32])));
        let note = cp.sign(&key(1)).unwrap();
        let text = note.to_text();
        assert!(text.starts_with(&cp.body()));
        assert!(text.contains(&format!("\n\n\u{2014} {ORIGIN} ")));
        let vk = VerifierKey::of(ORIGIN, &key(1)).unwrap();
        let opened = open_checkpoint(text.as_bytes(), std::slice::from_ref(&vk), ORIGIN).unwrap();
        assert_eq!(opened.checkpoint, cp);
        assert_eq!(opened.key, vk);
        assert_eq!(SignedNote::parse(text.as_bytes()).unwrap(), note);
        // Signature lines carry the key id, then 64 bytes.
        let s = &note.signatures[0];
        assert_eq!(s.key_id, vk.id());
        assert_eq!(s.signature.len(), 64);
    }

    #[test]
    fn verifier_key_text() {
        let vk = VerifierKey::of(ORIGIN, &key(2)).unwrap();
        let text = vk.to_string();
        let parts: Vec<&str> = text.splitn(3, '+').collect();
        assert_eq!(parts[0], ORIGIN);
        assert_eq!(parts[1].len(), 8);
        let data = B64.decode(parts[2]).unwrap();
        assert_eq!(data[0], 1);
        assert_eq!(&data[1..], key(2).verifying_key().as_bytes());
        let mut h = Sha256::new();
        h.update(ORIGIN.as_bytes());
        h.update([0x0a, 0x01]);
        h.update(key(2).verifying_key().as_bytes());
        assert_eq!(parts[1], hex::encode(&h.finalize()[..4]));
        assert_eq!(VerifierKey::parse(&text).unwrap(), vk);
        assert_eq!(VerifierKey::parse(&format!("{text}\n")).unwrap(), vk);
    }

    #[test]
    fn verifier_key_errors() {
        let vk = VerifierKey::of(ORIGIN, &key(3)).unwrap().to_string();
        let (name, rest) = vk.split_once('+').unwrap();
        let (id, data) = rest.split_once('+').unwrap();
        assert!(matches!(VerifierKey::parse("abc"), Err(KeyError::Shape(1))));
        assert!(matches!(
            VerifierKey::parse(&format!("a b+{id}+{data}")),
            Err(KeyError::Name(_))
        ));
        assert!(matches!(
            VerifierKey::parse(&format!("{name}+{}+{data}", &id[..7])),
            Err(KeyError::IdSyntax(_))
        ));
        assert!(matches!(
            VerifierKey::parse(&format!("{name}+zzzzzzzz+{data}")),
            Err(KeyError::IdSyntax(_))
        ));
        assert!(matches!(
            VerifierKey::parse(&format!("{name}+{id}+!!!")),
            Err(KeyError::Base64)
        ));
        let mut raw = B64.decode(data).unwrap();
        raw[0] = 2;
        assert!(matches!(
            VerifierKey::parse(&format!("{name}+{id}+{}", B64.encode(&raw))),
            Err(KeyError::Algorithm(2))
        ));
        raw[0] = 1;
        assert!(matches!(
            VerifierKey::parse(&format!("{name}+{id}+{}", B64.encode(&raw[..20]))),
            Err(KeyError::Length(20))
        ));
        // Another name under the same id: the id no longer matches.
        assert!(matches!(
            VerifierKey::parse(&format!("other.example+{id}+{data}")),
            Err(KeyError::IdMismatch { .. })
        ));
    }

    #[test]
    fn tampering_is_refused() {
        let vk = VerifierKey::of(ORIGIN, &key(4)).unwrap();
        let keys = std::slice::from_ref(&vk);
        let text = Checkpoint::new(ORIGIN, 10, [1; 32]).sign(&key(4)).unwrap().to_text();
        // Changed size: the signature no longer matches.
        let forged = text.replacen("\n10\n", "\n11\n", 1);
        assert!(matches!(
            open_checkpoint(forged.as_bytes(), keys, ORIGIN),
            Err(CheckpointError::Note(NoteError::BadSignature { .. }))
        ));
        // Signed by another key under the same name: different key id.
        let other = Checkpoint::new(ORIGIN, 10, [1; 32]).sign(&key(5)).unwrap().to_text();
        assert!(matches!(
            open_checkpoint(other.as_bytes(), keys, ORIGIN),
            Err(CheckpointError::Note(NoteError::NotSignedBy { .. }))
        ));
        // A signature byte flipped, keeping the key id.
        let mut note = SignedNote::parse(text.as_bytes()).unwrap();
        note.signatures[0].signature[10] ^= 1;
        assert!(matches!(note.verify(&vk), Err(NoteError::BadSignature { .. })));
        // Wrong origin expected.
        assert!(matches!(
            open_checkpoint(text.as_bytes(), keys, "elsewhere.example/ledger"),
            Err(CheckpointError::WrongOrigin { .. })
        ));
        // Every single-byte change of the note is refused.
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            for x in [0x01u8, 0x20, 0x80] {
                let mut b = bytes.to_vec();
                b[i] ^= x;
                assert!(
                    open_checkpoint(&b, keys, ORIGIN).is_err(),
                    "flipping byte {i} with {x:#x} was not detected"
                );
            }
        }
    }

    #[test]
    fn note_syntax_errors() {
        let text = Checkpoint::new(ORIGIN, 3, [9; 32]).sign(&key(6)).unwrap().to_text();
        let p = |s: &str| SignedNote::parse(s.as_bytes());
        assert_eq!(p(text.trim_end()), Err(NoteError::NoFinalNewline));
        assert_eq!(p("a\nb\n"), Err(NoteError::NoSignatureBlock));
        assert_eq!(p(&text.replace('\n', "\r\n")), Err(NoteError::ControlCharacter(b'\r')));
        assert_eq!(SignedNote::parse(&[0xff, b'\n']), Err(NoteError::Utf8));
        assert!(matches!(
            p(&text.replace('\u{2014}', "-")),
            Err(NoteError::MalformedSignature { line: 5, .. })
        ));
        assert!(matches!(
            p(&format!("{text}\u{2014} x AAAA\n")),
            Err(NoteError::MalformedSignature { .. })
        ));
        let many = format!(
            "{text}{}",
            SignedNote::parse(text.as_bytes()).unwrap().signatures[0]
                .line()
                .repeat(100)
        );
        assert_eq!(p(&many), Err(NoteError::TooManySignatures));
        assert_eq!(p(&"x".repeat(MAX_NOTE_SIZE + 1)), Err(NoteError::TooLarge));
    }

    #[test]
    fn checkpoint_body_errors() {
        let c = |s: &str| Checkpoint::parse_body(s);
        let root = B64.encode([2u8; 32]);
        assert!(matches!(c("o\n1\n"), Err(CheckpointError::TooFewLines(2))));
        assert!(matches!(
            c(&format!("\n1\n{root}\n")),
            Err(CheckpointError::EmptyOrigin)
        ));
        for bad in ["01", "-1", "+1", "1.0", "", " 1", "18446744073709551616"] {
            assert!(
                matches!(c(&format!("o\n{bad}\n{root}\n")), Err(CheckpointError::Size(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(c("o\n1\nAAAA\n"), Err(CheckpointError::Root(_))));
        assert!(matches!(
            c(&format!("o\n1\n{root}\n\n")),
            Err(CheckpointError::EmptyExtension(1))
        ));
        let cp = c(&format!("o\n0\n{root}\next one\n")).unwrap();
        assert_eq!(cp.size, 0);
        assert_eq!(cp.extensions, vec!["ext one".to_string()]);
        assert_eq!(cp.body(), format!("o\n0\n{root}\next one\n"));
        // An origin with spaces is a valid checkpoint, but not signable by
        // pledger (its key name is the origin).
        assert!(matches!(
            Checkpoint::new("a b", 1, [0; 32]).sign(&key(1)),
            Err(CheckpointError::OriginNotKeyName(_))
        ));
    }

    #[test]
    fn co_signing_and_unknown_signatures() {
        let cp = Checkpoint::new(ORIGIN, 5, [3; 32]);
        let mut note = cp.sign(&key(7)).unwrap();
        note.sign(ORIGIN, &key(8)).unwrap();
        // Re-signing with a key already present replaces its line.
        note.sign(ORIGIN, &key(7)).unwrap();
        assert_eq!(note.signatures.len(), 2);
        let a = VerifierKey::of(ORIGIN, &key(7)).unwrap();
        let b = VerifierKey::of(ORIGIN, &key(8)).unwrap();
        let c = VerifierKey::of(ORIGIN, &key(9)).unwrap();
        note.verify(&a).unwrap();
        note.verify(&b).unwrap();
        assert!(matches!(note.verify(&c), Err(NoteError::NotSignedBy { .. })));
        assert_eq!(note.verify_any(&[c.clone(), b.clone()]).unwrap(), &b);
        assert!(note.verify_any(std::slice::from_ref(&c)).is_err());
        let reparsed = SignedNote::parse(note.to_text().as_bytes()).unwrap();
        assert_eq!(reparsed, note);
    }
}
