//! Reproduces the independent Merkle vectors of contract section 1.3
//! (`tests/vectors/tree.json`) exactly, over the record hashes of
//! `records.ndjson`, and checks the verifiers accept them and reject any
//! single flipped byte.

use pledger_core::merkle::{
    consistency_proof, empty_root, inclusion_proof, root, verify_consistency, verify_inclusion, Hash, MemTree,
};
use serde_json::Value;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors");

fn read(name: &str) -> String {
    let path = format!("{VECTORS}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

fn hash(hex_str: &str) -> Hash {
    let bytes = hex::decode(hex_str).unwrap_or_else(|e| panic!("bad hex {hex_str}: {e}"));
    bytes
        .try_into()
        .unwrap_or_else(|b: Vec<u8>| panic!("hash of {} bytes: {hex_str}", b.len()))
}

fn path_of(v: &Value) -> Vec<Hash> {
    v["path_hex"]
        .as_array()
        .expect("path_hex array")
        .iter()
        .map(|h| hash(h.as_str().expect("hex string")))
        .collect()
}

fn u(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} missing in {v}"))
}

struct Vectors {
    records: Vec<Hash>,
    tree: Value,
    memtree: MemTree,
}

fn load() -> Vectors {
    let records: Vec<Hash> = read("records.ndjson")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let rec: Value = serde_json::from_str(line).expect("record json");
            assert_eq!(rec["seq"].as_u64(), Some(i as u64), "records in seq order");
            hash(rec["hash"].as_str().expect("record hash"))
        })
        .collect();
    assert_eq!(records.len(), 7);
    let tree: Value = serde_json::from_str(&read("tree.json")).expect("tree json");
    let memtree = MemTree::from_record_hashes(&records);
    Vectors { records, tree, memtree }
}

fn flip_each<F: Fn(&[Hash]) -> bool>(path: &[Hash], accepts: F, what: &str) {
    for i in 0..path.len() {
        for byte in [0usize, 17, 31] {
            let mut bad = path.to_vec();
            bad[i][byte] ^= 0x01;
            assert!(!accepts(&bad), "{what}: flipped byte {byte} of path[{i}] verified");
        }
    }
}

fn flip(h: &Hash, byte: usize) -> Hash {
    let mut h = *h;
    h[byte] ^= 0x80;
    h
}

fn roots(v: &Vectors) -> Vec<Hash> {
    let list = v.tree["roots"].as_array().expect("roots");
    assert_eq!(list.len(), 8);
    list.iter()
        .enumerate()
        .map(|(i, r)| {
            assert_eq!(u(r, "size"), i as u64);
            hash(r["root_hex"].as_str().expect("root_hex"))
        })
        .collect()
}

#[test]
fn every_root() {
    let v = load();
    let expected = roots(&v);
    assert_eq!(expected[0], empty_root());
    let mut prefix = MemTree::new();
    assert_eq!(prefix.root(), expected[0]);
    for (size, want) in expected.iter().enumerate() {
        assert_eq!(
            &root(size as u64, &v.memtree).expect("root"),
            want,
            "root of size {size} (from the 7-leaf tree)"
        );
        if size > 0 {
            prefix.push(&v.records[size - 1]);
        }
        assert_eq!(&prefix.root(), want, "root of a tree of exactly {size} leaves");
    }
}

#[test]
fn every_inclusion_proof() {
    let v = load();
    let roots = roots(&v);
    let cases = v.tree["inclusion"].as_array().expect("inclusion");
    assert!(!cases.is_empty());
    for case in cases {
        let (seq, size) = (u(case, "seq"), u(case, "size"));
        let want = path_of(case);
        let got = inclusion_proof(seq, size, &v.memtree).expect("inclusion proof");
        assert_eq!(got, want, "inclusion path of {seq} in {size}");

        let record = &v.records[seq as usize];
        let r = &roots[size as usize];
        verify_inclusion(seq, size, record, &want, r).expect("vector verifies");
        flip_each(
            &want,
            |p| verify_inclusion(seq, size, record, p, r).is_ok(),
            &format!("inclusion {seq} in {size}"),
        );
        for byte in [0, 31] {
            assert!(verify_inclusion(seq, size, record, &want, &flip(r, byte)).is_err());
            assert!(verify_inclusion(seq, size, &flip(record, byte), &want, r).is_err());
        }
    }
}

#[test]
fn every_consistency_proof() {
    let v = load();
    let roots = roots(&v);
    let cases = v.tree["consistency"].as_array().expect("consistency");
    assert!(!cases.is_empty());
    for case in cases {
        let (from, to) = (u(case, "from"), u(case, "to"));
        let want = path_of(case);
        let got = consistency_proof(from, to, &v.memtree).expect("consistency proof");
        assert_eq!(got, want, "consistency path {from} -> {to}");

        let (r1, r2) = (&roots[from as usize], &roots[to as usize]);
        verify_consistency(from, to, r1, r2, &want).expect("vector verifies");
        flip_each(
            &want,
            |p| verify_consistency(from, to, r1, r2, p).is_ok(),
            &format!("consistency {from} -> {to}"),
        );
        for byte in [0, 31] {
            assert!(verify_consistency(from, to, &flip(r1, byte), r2, &want).is_err());
            assert!(verify_consistency(from, to, r1, &flip(r2, byte), &want).is_err());
        }
    }
}

/// Beyond the listed vectors: every proof over the 7 records verifies
/// against the vector roots, so the roots and proofs agree with each other.
#[test]
fn all_proofs_over_the_vector_records_verify() {
    let v = load();
    let roots = roots(&v);
    for size in 1..=7u64 {
        for seq in 0..size {
            let p = inclusion_proof(seq, size, &v.memtree).expect("proof");
            verify_inclusion(seq, size, &v.records[seq as usize], &p, &roots[size as usize]).expect("verifies");
        }
        for from in 1..=size {
            let p = consistency_proof(from, size, &v.memtree).expect("proof");
            verify_consistency(from, size, &roots[from as usize], &roots[size as usize], &p).expect("verifies");
        }
    }
}
