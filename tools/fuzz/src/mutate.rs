//! The mutation engine shared by `pledger-fuzz` and the bounded fuzz tests
//! (`crates/core/tests/fuzz.rs`, `crates/store/tests/fuzz.rs` include this
//! file by path): byte-level changes for parsers, and JSON-aware changes
//! that keep the input JSON so that it reaches the checks behind the
//! parser (field types, identifiers, the registry's rules).
//!
//! A mutation is plain data ([`Op`], [`ValueOp`]); proptest strategies
//! generate it, so the tests shrink a failure to its smallest form and the
//! fuzzer draws the same strategies from its own seeded runner.

#![allow(dead_code)]

use proptest::prelude::*;
use serde_json::Value;

/// Pieces spliced into inputs: JSON syntax, edge values of the contract's
/// types, and bytes that are not UTF-8.
pub const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"true",
    b"false",
    b"0",
    b"-0",
    b"-1",
    b"1e999",
    b"-1e999",
    b"1.5",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"\"1e5\"",
    b"\"-0.00\"",
    b"\"0.001\"",
    b"\"99999999999999999999999999999.99\"",
    b"\"79228162514264337593543950336\"",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"\"\\udc00\\ud800\"",
    b"\"2026-02-30\"",
    b"\"2026-02-28T24:00:00Z\"",
    b"\"9999-12-31T23:59:60+14:00\"",
    b"\"0000-01-01\"",
    b"\"+08:00\"",
    b"{}",
    b"[]",
    b"{\"a\":1}",
    b"\"type\"",
    b"\"id\"",
    b"\"data\"",
    b"\"signature\"",
    b"\"actor\"",
    b"\"amount\"",
    b"\"evidence\"",
    b"\"seq\"",
    b"\"hash\"",
    b"\"checkpoint\"",
    b"\\n",
    b"\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xe2\x80\x94",
    b"\x00",
    b"\t",
    b"\n",
    b" ",
    "\u{00e9}".as_bytes(),
];

/// One byte-level change. Positions are taken modulo the input's length.
#[derive(Debug, Clone)]
pub enum Op {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
    Splice(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

pub fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<usize>(), 1u8..=255).prop_map(|(p, m)| Op::Flip(p, m)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Op::Set(p, b)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Op::Insert(p, b)),
        1 => (any::<usize>(), 1usize..16).prop_map(|(p, n)| Op::Delete(p, n)),
        2 => (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Op::Splice(p, t)),
        1 => (any::<usize>(), 1usize..200).prop_map(|(p, n)| Op::Duplicate(p, n)),
        1 => any::<usize>().prop_map(Op::Truncate),
    ]
}

/// Applies byte-level changes to a copy of `input`.
pub fn apply(input: &[u8], ops: &[Op]) -> Vec<u8> {
    let mut b = input.to_vec();
    for o in ops {
        let at = |p: usize, len: usize| if len == 0 { 0 } else { p % len };
        match *o {
            Op::Flip(p, m) if !b.is_empty() => {
                let i = at(p, b.len());
                b[i] ^= m;
            }
            Op::Set(p, v) if !b.is_empty() => {
                let i = at(p, b.len());
                b[i] = v;
            }
            Op::Insert(p, v) => {
                let i = at(p, b.len() + 1);
                b.insert(i, v);
            }
            Op::Delete(p, n) if !b.is_empty() => {
                let i = at(p, b.len());
                let end = (i + n).min(b.len());
                b.drain(i..end);
            }
            Op::Splice(p, t) => {
                let i = at(p, b.len() + 1);
                b.splice(i..i, TOKENS[t].iter().copied());
            }
            Op::Duplicate(p, n) if !b.is_empty() => {
                let i = at(p, b.len());
                let end = (i + n).min(b.len());
                let piece = b[i..end].to_vec();
                b.splice(end..end, piece);
            }
            Op::Truncate(p) => {
                let i = at(p, b.len() + 1);
                b.truncate(i);
            }
            _ => {}
        }
    }
    b
}

/// Member names tried when a field is added or renamed.
pub const KEYS: &[&str] = &[
    "id",
    "type",
    "actor",
    "occurred_at",
    "data",
    "signature",
    "amount",
    "parent",
    "evidence",
    "blake3",
    "ref",
    "x",
    "currency",
    "kind",
    "seq",
    "note",
    "ceiling",
    "earmark",
    "threshold",
    "period",
    "from",
    "to",
    "due",
    "within_days",
    "after",
    "conditions",
    "public_key",
    "category",
    "allocation_id",
    "commitment_id",
];

/// Values tried when a field is replaced or added: identifiers a ledger
/// knows, amounts, dates, words of the contract, and wrong types.
pub fn values() -> Vec<Value> {
    use serde_json::json;
    let mut v: Vec<Value> = [
        "",
        " ",
        "acme",
        "city",
        "audit",
        "treasury",
        "acme-acct",
        "t1",
        "d-1",
        "c-1",
        "s-1",
        "k1",
        "ent-x",
        "acc-x",
        "changde-gov",
        "city-treasury",
        "1.00",
        "0",
        "0.00",
        "12.5",
        "-1.00",
        "1e3",
        "1.001",
        "1000000000000000000",
        "2026-01-01",
        "2027-12-31T23:59:59+08:00",
        "2026-02-30",
        "transfer",
        "expenditure",
        "repayment",
        "internal",
        "source",
        "external",
        "auditor",
        "government",
        "enterprise",
        ">=",
        "<=",
        "count",
        "CNY",
        "USD",
        "target_met",
        "subsidy",
        "fund.disbursed",
        "event.voided",
        "entity.registered",
        "commitment.fulfilled",
        "target.verified",
        "a b",
        "\u{5e38}\u{5fb7}",
        "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
    ]
    .iter()
    .map(|s| json!(s))
    .collect();
    v.extend([
        json!("x".repeat(17_000)),
        json!(0),
        json!(1),
        json!(6),
        json!(-1),
        json!(1.5),
        json!(u64::MAX),
        Value::Null,
        json!(true),
        json!({}),
        json!([]),
        json!([{"ref": "x"}]),
        json!({"within_days": 3, "after": "k1"}),
        json!({"from": "2026-01-01", "to": "2025-01-01"}),
        json!([{"role": "lead", "percent": "100"}]),
    ]);
    v
}

/// One JSON-aware change. `node` picks any value of the document (in
/// pre-order), modulo their number.
#[derive(Debug, Clone)]
pub enum ValueOp {
    Replace { node: usize, value: usize },
    Remove { node: usize },
    Add { node: usize, key: usize, value: usize },
    Rename { node: usize, key: usize },
}

pub fn value_op() -> impl Strategy<Value = ValueOp> {
    prop_oneof![
        4 => (any::<usize>(), any::<usize>()).prop_map(|(node, value)| ValueOp::Replace { node, value }),
        2 => any::<usize>().prop_map(|node| ValueOp::Remove { node }),
        1 => (any::<usize>(), any::<usize>(), any::<usize>()).prop_map(|(node, key, value)| ValueOp::Add { node, key, value }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(node, key)| ValueOp::Rename { node, key }),
    ]
}

/// JSON pointers of every value in `v`, pre-order (the root first).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let k = k.replace('~', "~0").replace('/', "~1");
                pointers(x, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn unescape(seg: &str) -> String {
    seg.replace("~1", "/").replace("~0", "~")
}

/// Applies JSON-aware changes to a copy of `v`.
pub fn apply_value(v: &Value, ops: &[ValueOp], values: &[Value]) -> Value {
    let mut v = v.clone();
    for o in ops {
        let mut ptrs = Vec::new();
        pointers(&v, String::new(), &mut ptrs);
        let pick = |n: usize| ptrs[n % ptrs.len()].clone();
        match *o {
            ValueOp::Replace { node, value } => {
                let p = pick(node);
                if let Some(x) = v.pointer_mut(&p) {
                    *x = values[value % values.len()].clone();
                }
            }
            ValueOp::Remove { node } => {
                let p = pick(node);
                if let Some((parent, last)) = p.rsplit_once('/') {
                    match v.pointer_mut(parent) {
                        Some(Value::Object(m)) => {
                            m.remove(&unescape(last));
                        }
                        Some(Value::Array(a)) => {
                            if let Ok(i) = last.parse::<usize>() {
                                if i < a.len() {
                                    a.remove(i);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            ValueOp::Add { node, key, value } => {
                let p = pick(node);
                match v.pointer_mut(&p) {
                    Some(Value::Object(m)) => {
                        m.insert(KEYS[key % KEYS.len()].to_string(), values[value % values.len()].clone());
                    }
                    Some(Value::Array(a)) => a.push(values[value % values.len()].clone()),
                    _ => {}
                }
            }
            ValueOp::Rename { node, key } => {
                let p = pick(node);
                if let Some((parent, last)) = p.rsplit_once('/') {
                    if let Some(Value::Object(m)) = v.pointer_mut(parent) {
                        if let Some(x) = m.remove(&unescape(last)) {
                            m.insert(KEYS[key % KEYS.len()].to_string(), x);
                        }
                    }
                }
            }
        }
    }
    v
}

/// A mutation of a JSON input: byte-level or JSON-aware.
#[derive(Debug, Clone)]
pub enum Mutation {
    Bytes(Vec<Op>),
    Json(Vec<ValueOp>),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        proptest::collection::vec(op(), 1..5).prop_map(Mutation::Bytes),
        proptest::collection::vec(value_op(), 1..4).prop_map(Mutation::Json),
    ]
}

/// Applies `m` to a JSON text (a JSON-aware change of text that is not
/// JSON leaves it as it is).
pub fn mutate_json(text: &[u8], m: &Mutation, values: &[Value]) -> Vec<u8> {
    match m {
        Mutation::Bytes(ops) => apply(text, ops),
        Mutation::Json(ops) => match serde_json::from_slice::<Value>(text) {
            Ok(v) => serde_json::to_vec(&apply_value(&v, ops, values)).unwrap_or_default(),
            Err(_) => text.to_vec(),
        },
    }
}
