//! Field values shared by every theme: the `obj!` builder of JSON objects,
//! amounts as text, yuan amounts drawn at random, evidence lists, periods.

use crate::generator::{Generator, Y};
use crate::util::{date_string, dec, hex64, money2, push_padded, push_u64};
use serde_json::Value;

/// A JSON object (`serde_json::Map`) from `"key": value` pairs, in order.
macro_rules! obj {
    ($($k:literal : $v:expr),* $(,)?) => {{
        let mut m = serde_json::Map::new();
        $( m.insert(String::from($k), serde_json::Value::from($v)); )*
        m
    }};
}
pub(crate) use obj;

impl Generator {
    /// An amount as text: two fraction digits when it has fen, else now and
    /// then two zero fraction digits, else a whole number.
    pub(crate) fn amount(&mut self, v: u64) -> String {
        if v % 100 != 0 || self.rng.chance(250) {
            money2(v)
        } else {
            dec(v)
        }
    }

    /// A yuan amount between `lo` and `hi` yuan, rounded to `step` yuan.
    pub(crate) fn yuan(&mut self, lo: u64, hi: u64, step: u64) -> u64 {
        (self.rng.range(lo, hi) / step).max(1) * step * Y
    }

    /// One or two archive references of `office`, most with a digest.
    pub(crate) fn evidence(&mut self, office: &str) -> Value {
        let n_items = if self.rng.chance(200) { 2 } else { 1 };
        let mut items = Vec::with_capacity(n_items);
        for _ in 0..n_items {
            self.n_doc += 1;
            let mut r = String::with_capacity(40);
            r.push_str("archive:");
            r.push_str(office);
            r.push('/');
            push_u64(&mut r, self.year as u64);
            r.push('/');
            push_padded(&mut r, self.n_doc, 6);
            let mut m = obj! { "ref": r };
            if self.rng.chance(800) {
                m.insert("blake3".into(), Value::String(hex64(&mut self.rng)));
            }
            items.push(Value::Object(m));
        }
        Value::Array(items)
    }

    /// `{"from", "to"}` as dates.
    pub(crate) fn period(from: i32, to: i32) -> Value {
        Value::Object(obj! { "from": date_string(from), "to": date_string(to) })
    }
}
