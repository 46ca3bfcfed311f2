//! What a witness decides on a C2SP `tlog-witness` `add-checkpoint`
//! request (docs/format.md section 6), as a pure function of the request, the
//! log keys it trusts and the checkpoint it last cosigned for that origin.
//! Storing the outcome atomically with the check is the caller's job
//! (`pledger_store::witness`).
//!
//! The request body:
//!
//! ```text
//! old <size it last cosigned, decimal>
//! <zero to 63 consistency proof hashes, base64, one a line>
//! <empty line>
//! <the signed checkpoint note>
//! ```
//!
//! The checks, in the order tlog-witness gives them, and the status each
//! refusal gets: a malformed body 400; the origin not trusted 404; no valid
//! signature by a trusted key (or a bad one by a trusted key) 403; old size
//! above the checkpoint's 400; old size not the size held 409 (the answer
//! says the size held), and the same size with another root 409 too (as
//! docs/format.md section 6 has it; kept as evidence); a size-0
//! checkpoint whose root is not the empty tree's 422; a proof given from
//! size 0 or a proof that fails 422. Consistency proofs are pledger's (RFC 9162,
//! BLAKE3: `crate::merkle`).

use crate::checkpoint::{Checkpoint, SignedNote, VerifierKey};
use crate::cosignature::{cosign, CosignatureError};
use crate::merkle::{empty_root, verify_consistency, Hash};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::SigningKey;

/// Most consistency proof lines a request may carry (tlog-witness).
pub const MAX_PROOF_LINES: usize = 63;

/// The content type of a 409 answer's body.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// A parsed `add-checkpoint` body. The note is not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    pub old_size: u64,
    pub proof: Vec<Hash>,
    pub note: SignedNote,
    pub checkpoint: Checkpoint,
}

/// A decimal without leading zeros ("0" alone may start with 0).
fn canonical_decimal(s: &str) -> Option<u64> {
    let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    ok.then(|| s.parse().ok()).flatten()
}

impl AddCheckpoint {
    /// Parses a request body; the error is the reason of a 400.
    pub fn parse(body: &[u8]) -> Result<AddCheckpoint, String> {
        let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_string())?;
        let (first, mut rest) = text
            .split_once('\n')
            .ok_or_else(|| "the body has no old size line".to_string())?;
        let old_size = first
            .strip_prefix("old ")
            .and_then(canonical_decimal)
            .ok_or_else(|| format!("the first line {first:?} is not `old <size>` with a decimal size"))?;
        let mut proof = Vec::new();
        loop {
            let (line, after) = rest
                .split_once('\n')
                .ok_or_else(|| "the body has no empty line before the checkpoint".to_string())?;
            rest = after;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_LINES {
                return Err(format!("more than {MAX_PROOF_LINES} consistency proof lines"));
            }
            let hash: Hash = B64
                .decode(line)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| format!("the proof line {line:?} is not the base64 of a 32-byte hash"))?;
            proof.push(hash);
        }
        let note = SignedNote::parse(rest.as_bytes()).map_err(|e| format!("the checkpoint: {e}"))?;
        let checkpoint = Checkpoint::parse_body(&note.text).map_err(|e| format!("the checkpoint: {e}"))?;
        Ok(AddCheckpoint {
            old_size,
            proof,
            note,
            checkpoint,
        })
    }

    /// The request body for `note` (the checkpoint `text` with its
    /// signature lines) with a proof from `old_size`: what a log sends.
    pub fn body(old_size: u64, proof: &[Hash], note: &str) -> String {
        let mut s = format!("old {old_size}\n");
        for h in proof {
            s.push_str(&B64.encode(h));
            s.push('\n');
        }
        s.push('\n');
        s.push_str(note);
        s
    }
}

/// The latest checkpoint a witness cosigned for one origin.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Held {
    pub size: u64,
    /// The root, lowercase hex.
    pub root: String,
    /// The note as cosigned: the log's signature(s) it verified and the
    /// witness's cosignature.
    pub note: String,
}

impl Held {
    pub fn root_hash(&self) -> Option<Hash> {
        let mut h = [0u8; 32];
        hex::decode_to_slice(&self.root, &mut h).ok().map(|_| h)
    }
}

/// A refusal: the HTTP status, why, and whether the request is evidence of
/// the log misbehaving (a validly signed checkpoint that conflicts with
/// what the witness holds), to be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub reason: String,
    /// For 409: the size held (the body is this, in decimal, and a newline).
    pub held_size: Option<u64>,
    pub evidence: bool,
}

impl Refusal {
    fn new(status: u16, reason: impl Into<String>) -> Refusal {
        Refusal {
            status,
            reason: reason.into(),
            held_size: None,
            evidence: false,
        }
    }

    fn evidence(mut self) -> Refusal {
        self.evidence = true;
        self
    }

    /// The answer's body and content type.
    pub fn body(&self) -> (String, &'static str) {
        match self.held_size {
            Some(n) => (format!("{n}\n"), SIZE_CONTENT_TYPE),
            None => (format!("{}\n", self.reason), "text/plain; charset=utf-8"),
        }
    }
}

/// An accepted request: the new state to persist and the line to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub held: Held,
    /// The answer body: the cosignature line(s), each ending in a newline.
    pub lines: String,
}

/// The witness's identity, for cosigning.
pub struct Cosigner<'a> {
    pub name: &'a str,
    pub key: &'a SigningKey,
}

/// Decides an `add-checkpoint` request (see the module docs for the order
/// of the checks). `trusted` are the log keys the witness accepts for the
/// request's origin (empty: the origin is unknown); `held` is what it last
/// cosigned for that origin; `now` (seconds since the epoch) stamps the
/// cosignature.
pub fn decide(
    body: &[u8],
    trusted: impl Fn(&str) -> Vec<VerifierKey>,
    held: impl Fn(&str) -> Option<Held>,
    me: &Cosigner<'_>,
    now: u64,
) -> Result<Accepted, Refusal> {
    let req = AddCheckpoint::parse(body).map_err(|why| Refusal::new(400, why))?;
    let cp = &req.checkpoint;
    let keys = trusted(&cp.origin);
    if keys.is_empty() {
        return Err(Refusal::new(404, format!("unknown log origin {:?}", cp.origin)));
    }
    // Only the trusted keys' lines are checked; others are ignored.
    let log_key = req
        .note
        .verify_any(&keys)
        .map_err(|e| Refusal::new(403, format!("no valid signature by a trusted key: {e}")))?
        .clone();
    let held = held(&cp.origin);
    let held_size = held.as_ref().map_or(0, |h| h.size);
    let held_root = match &held {
        None => empty_root(),
        Some(h) => h
            .root_hash()
            .ok_or_else(|| Refusal::new(500, "the stored state is damaged (root)"))?,
    };
    // Same size, another root, both signed by the log: a fork, whatever
    // the request's old size says.
    let forked = held.is_some() && cp.size == held_size && cp.root != held_root;
    if req.old_size > cp.size {
        let r = Refusal::new(
            400,
            format!("old size {} is above the checkpoint's size {}", req.old_size, cp.size),
        );
        return Err(if forked { r.evidence() } else { r });
    }
    if req.old_size != held_size {
        let mut r = Refusal::new(
            409,
            format!(
                "old size {} is not the size this witness holds, {held_size}",
                req.old_size
            ),
        );
        r.held_size = Some(held_size);
        return Err(if forked { r.evidence() } else { r });
    }
    // The same size with another root: 409 and the size held, as
    // docs/format.md section 6 gives it (a later C2SP tlog-witness text
    // answers 422 here; pledger keeps to its published format). Kept as
    // evidence of the fork.
    if forked {
        let mut r = Refusal::new(
            409,
            format!(
                "this witness already cosigned a checkpoint of size {held_size} with another root: the log has forked"
            ),
        );
        r.held_size = Some(held_size);
        return Err(r.evidence());
    }
    if cp.size == 0 && cp.root != empty_root() {
        return Err(Refusal::new(422, "a checkpoint of size 0 must have the empty tree's root").evidence());
    }
    if req.old_size == 0 {
        if !req.proof.is_empty() {
            return Err(Refusal::new(422, "old size 0 takes no consistency proof").evidence());
        }
    } else if let Err(e) = verify_consistency(req.old_size, cp.size, &held_root, &cp.root, &req.proof) {
        return Err(Refusal::new(
            422,
            format!(
                "the checkpoint of size {} is not consistent with the one of size {} this witness cosigned: {e}",
                cp.size, req.old_size
            ),
        )
        .evidence());
    }
    let line =
        cosign(&req.note.text, me.name, me.key, now).map_err(|e: CosignatureError| Refusal::new(500, e.to_string()))?;
    // What is kept: the log's verified signature(s) and this cosignature.
    let mut kept = req.note.clone();
    kept.signatures
        .retain(|s| s.name == log_key.name() && s.key_id == log_key.id());
    kept.signatures.push(line.clone());
    Ok(Accepted {
        held: Held {
            size: cp.size,
            root: hex::encode(cp.root),
            note: kept.to_text(),
        },
        lines: line.line(),
    })
}

/// The origin hash of the monitoring API: lowercase hex of SHA-256 of the
/// origin line (without its newline).
pub fn origin_hash(origin: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(origin.as_bytes()))
}

/// What two checkpoints of one log show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// Same size, different roots, both signed by the log: a fork, proven.
    Fork { size: u64, roots: (Hash, Hash) },
    /// The same tree head.
    Same { size: u64 },
    /// Different sizes: consistent only if a consistency proof between them
    /// verifies (`proof_checked`: one was given and verified).
    DifferentSizes {
        sizes: (u64, u64),
        proof_checked: Option<bool>,
    },
}

/// Compares two checkpoint notes, each of which must verify under one of
/// `log_keys` and be for the same origin. With `proof` (a consistency
/// proof from the smaller size to the larger), checks it too.
pub fn compare(
    a: &[u8],
    b: &[u8],
    log_keys: &[VerifierKey],
    proof: Option<&[Hash]>,
) -> Result<Comparison, crate::checkpoint::CheckpointError> {
    let open = |n: &[u8]| -> Result<Checkpoint, crate::checkpoint::CheckpointError> {
        let note = SignedNote::parse(n)?;
        note.verify_any(log_keys)?;
        Checkpoint::parse_body(&note.text)
    };
    let (ca, cb) = (open(a)?, open(b)?);
    if ca.origin != cb.origin {
        return Err(crate::checkpoint::CheckpointError::WrongOrigin {
            expected: ca.origin,
            found: cb.origin,
        });
    }
    if ca.size == cb.size {
        return Ok(if ca.root == cb.root {
            Comparison::Same { size: ca.size }
        } else {
            Comparison::Fork {
                size: ca.size,
                roots: (ca.root, cb.root),
            }
        });
    }
    let (small, large) = if ca.size < cb.size { (&ca, &cb) } else { (&cb, &ca) };
    let proof_checked = proof
        .map(|p| small.size == 0 || verify_consistency(small.size, large.size, &small.root, &large.root, p).is_ok());
    Ok(Comparison::DifferentSizes {
        sizes: (ca.size, cb.size),
        proof_checked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosignature::CosignerKey;
    use crate::merkle::{consistency_proof, MemTree};

    const ORIGIN: &str = "pledger.test/ledger";

    fn tree(n: u64, salt: u8) -> MemTree {
        let hashes: Vec<Hash> = (0..n)
            .map(|i| {
                let mut h = *blake3::hash(&i.to_le_bytes()).as_bytes();
                if i >= 4 {
                    h[0] ^= salt;
                }
                h
            })
            .collect();
        MemTree::from_record_hashes(hashes.iter())
    }

    struct World {
        log: SigningKey,
        witness: SigningKey,
        held: Option<Held>,
    }

    impl World {
        fn new() -> World {
            World {
                log: SigningKey::from_bytes(&[1; 32]),
                witness: SigningKey::from_bytes(&[2; 32]),
                held: None,
            }
        }

        fn note(&self, t: &MemTree) -> String {
            Checkpoint::new(ORIGIN, t.size(), t.root())
                .sign(&self.log)
                .unwrap()
                .to_text()
        }

        fn send(&mut self, old: u64, proof: &[Hash], note: &str) -> Result<Accepted, Refusal> {
            let vk = VerifierKey::of(ORIGIN, &self.log).unwrap();
            let held = self.held.clone();
            let me = Cosigner {
                name: "audit.example/w",
                key: &self.witness,
            };
            let r = decide(
                AddCheckpoint::body(old, proof, note).as_bytes(),
                |o| if o == ORIGIN { vec![vk.clone()] } else { vec![] },
                |_| held.clone(),
                &me,
                1_700_000_000,
            );
            if let Ok(a) = &r {
                self.held = Some(a.held.clone());
            }
            r
        }
    }

    fn proof(t: &MemTree, old: u64) -> Vec<Hash> {
        consistency_proof(old, t.size(), t).unwrap()
    }

    #[test]
    fn accepts_a_growing_log_and_cosigns() {
        let mut w = World::new();
        let t5 = tree(5, 0);
        let a = w.send(0, &[], &w.note(&t5)).unwrap();
        assert!(a.lines.starts_with("\u{2014} audit.example/w "));
        assert!(a.lines.ends_with('\n'));
        // The kept note verifies as cosigned.
        let kept = SignedNote::parse(a.held.note.as_bytes()).unwrap();
        let ck = CosignerKey::of("audit.example/w", &w.witness).unwrap();
        assert_eq!(ck.verify(&kept).unwrap(), 1_700_000_000);
        // The answer lines, appended to the checkpoint, verify too.
        let joined = format!("{}{}", w.note(&t5), a.lines);
        ck.verify(&SignedNote::parse(joined.as_bytes()).unwrap()).unwrap();
        let t9 = tree(9, 0);
        let a = w.send(5, &proof(&t9, 5), &w.note(&t9)).unwrap();
        assert_eq!(a.held.size, 9);
        // The same checkpoint again, from the size held: cosigned again.
        w.send(9, &[], &w.note(&t9)).unwrap();
    }

    #[test]
    fn each_status_code() {
        let mut w = World::new();
        let t5 = tree(5, 0);
        w.send(0, &[], &w.note(&t5)).unwrap();
        let t9 = tree(9, 0);
        let n9 = w.note(&t9);

        // 400: malformed bodies.
        let vk = VerifierKey::of(ORIGIN, &w.log).unwrap();
        let me = Cosigner {
            name: "audit.example/w",
            key: &w.witness,
        };
        for bad in [
            "".to_string(),
            "old 01\n\n".to_string() + &n9,
            "old 5\nnot base64!\n\n".to_string() + &n9,
            "new 5\n\n".to_string() + &n9,
            "old 5\n".to_string() + &n9,
            format!(
                "old 5\n{}\n{n9}",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".repeat(64)
            ),
        ] {
            let r = decide(bad.as_bytes(), |_| vec![vk.clone()], |_| None, &me, 1).unwrap_err();
            assert_eq!(r.status, 400, "{bad:?}: {r:?}");
        }
        // 404: unknown origin.
        let other = Checkpoint::new("other.example/log", 9, t9.root())
            .sign(&w.log)
            .unwrap()
            .to_text();
        assert_eq!(w.send(5, &proof(&t9, 5), &other).unwrap_err().status, 404);
        // 403: signed by another key; or a bad signature by the trusted key.
        let stranger = Checkpoint::new(ORIGIN, 9, t9.root())
            .sign(&SigningKey::from_bytes(&[9; 32]))
            .unwrap()
            .to_text();
        assert_eq!(w.send(5, &proof(&t9, 5), &stranger).unwrap_err().status, 403);
        let mut broken = SignedNote::parse(n9.as_bytes()).unwrap();
        broken.signatures[0].signature[0] ^= 1;
        assert_eq!(w.send(5, &proof(&t9, 5), &broken.to_text()).unwrap_err().status, 403);
        // 400: old size above the checkpoint's.
        let r = w.send(10, &[], &n9).unwrap_err();
        assert_eq!((r.status, r.evidence), (400, false));
        // 409: old size not the one held; the body is the size held.
        let r = w.send(0, &[], &n9).unwrap_err();
        assert_eq!(r.status, 409);
        assert_eq!(r.body(), ("5\n".to_string(), SIZE_CONTENT_TYPE));
        assert!(!r.evidence);
        // 422: a proof that fails is kept as evidence.
        let mut p = proof(&t9, 5);
        p[0][0] ^= 1;
        let r = w.send(5, &p, &n9).unwrap_err();
        assert_eq!((r.status, r.evidence), (422, true));
        // 422: a fork (records from 4 on differ) with a proof from its own tree.
        let f9 = tree(9, 0xff);
        let r = w.send(5, &proof(&f9, 5), &w.note(&f9)).unwrap_err();
        assert_eq!((r.status, r.evidence), (422, true));
        // Same size, another root: 409 with the size held (docs/format.md
        // section 6), evidence.
        let f5 = tree(5, 0xff);
        let r = w.send(5, &[], &w.note(&f5)).unwrap_err();
        assert_eq!((r.status, r.evidence, r.held_size), (409, true, Some(5)));
        // ... and the same fork sent from old size 0: 409, still evidence.
        let r = w.send(0, &[], &w.note(&f5)).unwrap_err();
        assert_eq!((r.status, r.evidence), (409, true));
        // A rollback: a smaller checkpoint from the size held is a 400.
        let t3 = tree(3, 0);
        assert_eq!(w.send(5, &[], &w.note(&t3)).unwrap_err().status, 400);
        // Nothing refused changed the state.
        assert_eq!(w.held.as_ref().unwrap().size, 5);
        // 422: a proof sent from old size 0.
        let mut fresh = World::new();
        let r = fresh.send(0, &proof(&t9, 5), &n9).unwrap_err();
        assert_eq!(r.status, 422);
        // 422: size 0 must have the empty root.
        let zero = Checkpoint::new(ORIGIN, 0, [3; 32]).sign(&fresh.log).unwrap().to_text();
        assert_eq!(fresh.send(0, &[], &zero).unwrap_err().status, 422);
        let zero = Checkpoint::new(ORIGIN, 0, empty_root())
            .sign(&fresh.log)
            .unwrap()
            .to_text();
        fresh.send(0, &[], &zero).unwrap();
    }

    #[test]
    fn comparing_checkpoints() {
        let w = World::new();
        let vk = VerifierKey::of(ORIGIN, &w.log).unwrap();
        let (t5, f5, t9) = (tree(5, 0), tree(5, 0xff), tree(9, 0));
        let (a, b) = (w.note(&t5), w.note(&f5));
        assert!(matches!(
            compare(a.as_bytes(), b.as_bytes(), std::slice::from_ref(&vk), None).unwrap(),
            Comparison::Fork { size: 5, .. }
        ));
        assert_eq!(
            compare(a.as_bytes(), a.as_bytes(), std::slice::from_ref(&vk), None).unwrap(),
            Comparison::Same { size: 5 }
        );
        let c = w.note(&t9);
        let p = proof(&t9, 5);
        assert_eq!(
            compare(a.as_bytes(), c.as_bytes(), std::slice::from_ref(&vk), Some(&p)).unwrap(),
            Comparison::DifferentSizes {
                sizes: (5, 9),
                proof_checked: Some(true)
            }
        );
        assert_eq!(
            compare(b.as_bytes(), c.as_bytes(), std::slice::from_ref(&vk), Some(&p)).unwrap(),
            Comparison::DifferentSizes {
                sizes: (5, 9),
                proof_checked: Some(false)
            }
        );
        // An unsigned (or otherwise signed) note proves nothing.
        let other = VerifierKey::of(ORIGIN, &SigningKey::from_bytes(&[8; 32])).unwrap();
        assert!(compare(a.as_bytes(), b.as_bytes(), &[other], None).is_err());
    }
}
