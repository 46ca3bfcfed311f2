//! Proofs as JSON, exactly as contract section 1.3 writes them:
//!
//! ```json
//! {"seq": 2, "size": 7, "record_hash": "...", "root": "...", "path": ["...", "..."]}
//! {"from": 3, "to": 7, "from_root": "...", "to_root": "...", "path": ["..."]}
//! ```
//!
//! Hashes are 64 lowercase hex digits and `path` is in RFC 9162 order.
//! Reading is strict (no unknown fields, lowercase hex only), so a proof
//! that parses has one spelling. `verify` checks a proof with nothing but
//! the contract's math ([`crate::merkle`]).

use crate::merkle::{consistency_proof, inclusion_proof, root, verify_consistency, verify_inclusion};
use crate::merkle::{Hash, ProofError, TreeNodes, VerifyError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Lowercase hex of a hash, in and out of JSON.
mod hex_hash {
    use super::*;

    pub fn serialize<S: Serializer>(h: &Hash, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(h))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }

    pub fn parse(s: &str) -> Result<Hash, String> {
        let ok = s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let mut out = [0u8; 32];
        if !ok || hex::decode_to_slice(s, &mut out).is_err() {
            return Err(format!("{s:?} is not a hash: 64 lowercase hex digits expected"));
        }
        Ok(out)
    }
}

mod hex_path {
    use super::*;

    pub fn serialize<S: Serializer>(p: &[Hash], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(p.iter().map(hex::encode))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Hash>, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        v.iter()
            .map(|s| hex_hash::parse(s).map_err(serde::de::Error::custom))
            .collect()
    }
}

/// Parses 64 lowercase hex digits.
pub fn parse_hash(s: &str) -> Result<Hash, String> {
    hex_hash::parse(s)
}

/// An inclusion proof: record `seq` is leaf `seq` of the tree of `size`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    pub seq: u64,
    pub size: u64,
    #[serde(with = "hex_hash")]
    pub record_hash: Hash,
    #[serde(with = "hex_hash")]
    pub root: Hash,
    #[serde(with = "hex_path")]
    pub path: Vec<Hash>,
}

impl InclusionProof {
    /// Builds the proof for `seq` in the tree of `size` from stored nodes;
    /// `record_hash` is the record's stored hash.
    pub fn build<T: TreeNodes>(
        seq: u64,
        size: u64,
        record_hash: Hash,
        nodes: &T,
    ) -> Result<InclusionProof, ProofError<T::Error>> {
        let path = inclusion_proof(seq, size, nodes)?;
        let root = root(size, nodes).map_err(ProofError::Nodes)?;
        Ok(InclusionProof {
            seq,
            size,
            record_hash,
            root,
            path,
        })
    }

    /// Checks the path against `root` (RFC 9162 2.1.3.2).
    pub fn verify(&self) -> Result<(), VerifyError> {
        verify_inclusion(self.seq, self.size, &self.record_hash, &self.path, &self.root)
    }
}

/// A consistency proof: the tree of `from` leaves is a prefix of the tree
/// of `to` leaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    #[serde(with = "hex_hash")]
    pub from_root: Hash,
    #[serde(with = "hex_hash")]
    pub to_root: Hash,
    #[serde(with = "hex_path")]
    pub path: Vec<Hash>,
}

impl ConsistencyProof {
    /// Builds the proof from `from` to `to` from stored nodes.
    pub fn build<T: TreeNodes>(from: u64, to: u64, nodes: &T) -> Result<ConsistencyProof, ProofError<T::Error>> {
        let path = consistency_proof(from, to, nodes)?;
        let from_root = root(from, nodes).map_err(ProofError::Nodes)?;
        let to_root = root(to, nodes).map_err(ProofError::Nodes)?;
        Ok(ConsistencyProof {
            from,
            to,
            from_root,
            to_root,
            path,
        })
    }

    /// Checks the path against both roots (RFC 9162 2.1.4.2).
    pub fn verify(&self) -> Result<(), VerifyError> {
        verify_consistency(self.from, self.to, &self.from_root, &self.to_root, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::MemTree;

    fn tree(n: u64) -> (Vec<Hash>, MemTree) {
        let r: Vec<Hash> = (0..n).map(|i| *blake3::hash(&i.to_le_bytes()).as_bytes()).collect();
        let t = MemTree::from_record_hashes(&r);
        (r, t)
    }

    #[test]
    fn json_shape_and_round_trip() {
        let (r, t) = tree(7);
        let p = InclusionProof::build(2, 7, r[2], &t).unwrap();
        p.verify().unwrap();
        let text = serde_json::to_string(&p).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys.len(), 5);
        for k in ["seq", "size", "record_hash", "root", "path"] {
            assert!(keys.contains(&k), "{k}");
        }
        assert_eq!(v["path"].as_array().unwrap().len(), 3);
        assert_eq!(serde_json::from_str::<InclusionProof>(&text).unwrap(), p);

        let c = ConsistencyProof::build(3, 7, &t).unwrap();
        c.verify().unwrap();
        let text = serde_json::to_string(&c).unwrap();
        assert!(text.starts_with("{\"from\":3,\"to\":7,\"from_root\":\""), "{text}");
        assert_eq!(serde_json::from_str::<ConsistencyProof>(&text).unwrap(), c);
    }

    #[test]
    fn strict_reading() {
        let (r, t) = tree(5);
        let p = InclusionProof::build(1, 5, r[1], &t).unwrap();
        let text = serde_json::to_string(&p).unwrap();
        let upper = text.replace(&hex::encode(p.root), &hex::encode(p.root).to_uppercase());
        assert!(serde_json::from_str::<InclusionProof>(&upper).is_err());
        let extra = text.replacen('{', "{\"x\":1,", 1);
        assert!(serde_json::from_str::<InclusionProof>(&extra).is_err());
        let mut bad = p.clone();
        bad.record_hash[0] ^= 1;
        assert_eq!(bad.verify(), Err(VerifyError::RootMismatch));
    }
}
