//! Money and other decimal quantities. Never a float.
//!
//! [`Amount`] is yuan with at most two fraction digits, held as integer fen
//! in an `i128` so sums over a whole ledger cannot overflow. [`Quantity`] is
//! a general decimal (a threshold, a measured value, a percent) that may be
//! negative and carry more fraction digits.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// Longest integer part accepted for an amount: 10^18 yuan is far above any
/// budget, and the bound keeps every sum exact in i128 fen.
const MAX_AMOUNT_INT_DIGITS: usize = 18;

/// A non-negative amount of money in minor units (fen: 1/100 yuan).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i128);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    pub fn from_fen(fen: i128) -> Amount {
        Amount(fen)
    }

    pub fn fen(self) -> i128 {
        self.0
    }

    /// Parses the contract's amount syntax: digits, optionally a dot and one
    /// or two digits. No sign, no exponent, no spaces.
    pub fn parse(s: &str) -> Result<Amount, String> {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        if s.starts_with('-') {
            return Err(format!("{s:?} is negative; amounts are never negative here"));
        }
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "{s:?} is not a decimal amount; write yuan as digits with at most two fraction digits, e.g. \"300000000\" or \"12.50\""
            ));
        }
        if int.len() > MAX_AMOUNT_INT_DIGITS {
            return Err(format!(
                "{s:?} is too large for an amount; at most {MAX_AMOUNT_INT_DIGITS} integer digits of yuan"
            ));
        }
        let frac_fen = match frac {
            None => 0,
            Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(format!(
                "{s:?} is not a decimal amount; write yuan as digits with at most two fraction digits, e.g. \"12.50\""
            ))
            }
            Some(f) if f.len() > 2 => {
                return Err(format!(
                    "{s:?} has {} fraction digits; amounts have at most 2 (fen)",
                    f.len()
                ))
            }
            Some(f) => {
                let v: i128 = f.parse().map_err(|_| format!("{s:?} is not a decimal amount"))?;
                if f.len() == 1 {
                    v * 10
                } else {
                    v
                }
            }
        };
        let yuan: i128 = int.parse().map_err(|_| format!("{s:?} is not a decimal amount"))?;
        Ok(Amount(yuan * 100 + frac_fen))
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, o: Amount) -> Amount {
        Amount(self.0 + o.0)
    }
}

impl std::ops::Sub for Amount {
    type Output = Amount;
    fn sub(self, o: Amount) -> Amount {
        Amount(self.0 - o.0)
    }
}

impl std::ops::AddAssign for Amount {
    fn add_assign(&mut self, o: Amount) {
        self.0 += o.0;
    }
}

impl std::ops::SubAssign for Amount {
    fn sub_assign(&mut self, o: Amount) {
        self.0 -= o.0;
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        Amount(iter.map(|a| a.0).sum())
    }
}

/// Prints yuan with exactly two fraction digits (`"12.50"`, `"-3.00"`):
/// one spelling per value, so reports compare as text.
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = string_only(d, "an amount")?;
        Amount::parse(&s).map_err(de::Error::custom)
    }
}

/// A decimal quantity that is not money: a threshold, a reported value, a
/// percent. May be negative (a growth rate can fall).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(pub Decimal);

impl Quantity {
    pub fn parse(s: &str) -> Result<Quantity, String> {
        let body = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let well_formed = !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
            && !(body.contains('.') && frac.is_empty());
        if !well_formed {
            return Err(format!(
                "{s:?} is not a decimal number; write digits with an optional sign and fraction, e.g. \"30\" or \"-2.5\""
            ));
        }
        Decimal::from_str(s)
            .map(Quantity)
            .map_err(|_| format!("{s:?} is out of range for a decimal quantity"))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl serde::Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = string_only(d, "a decimal quantity")?;
        Quantity::parse(&s).map_err(de::Error::custom)
    }
}

/// A share of a scheme in percent. The contract does not say whether it is a
/// string or a number, so both are read; either way it is exact decimal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(pub Decimal);

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => {
                return Err(de::Error::custom(
                    "a percent is a number or decimal string, e.g. \"40\"",
                ))
            }
        };
        let q = Quantity::parse(&text).map_err(de::Error::custom)?;
        if q.0.is_sign_negative() || q.0 > Decimal::ONE_HUNDRED {
            return Err(de::Error::custom(format!(
                "{text:?} is not a percent between 0 and 100"
            )));
        }
        Ok(Percent(q.0))
    }
}

/// Points of a yearly task (an item's weight, a pass score): exact
/// decimal, written as a string or a number (the format says "decimal"
/// without fixing the JSON type, and `30` is how a form would write it).
/// Its sign is judged by the event's rules, which name the field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub Decimal);

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl serde::Serialize for Points {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(de::Error::custom("points are a number or decimal string, e.g. \"30\"")),
        };
        Quantity::parse(&text).map(|q| Points(q.0)).map_err(de::Error::custom)
    }
}

/// Reads a JSON string and nothing else, with a message that says so when a
/// client sent a number: money as a JSON number is the commonest mistake.
pub(crate) fn string_only<'de, D: Deserializer<'de>>(d: D, what: &'static str) -> Result<String, D::Error> {
    struct StringOnly(&'static str);
    impl<'de> Visitor<'de> for StringOnly {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "{} as a JSON string", self.0)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Err(E::custom(format!(
                "{} must be a JSON string such as \"{v}\", not the JSON number {v}",
                self.0
            )))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Err(E::custom(format!(
                "{} must be a JSON string such as \"{v}\", not the JSON number {v}",
                self.0
            )))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Err(E::custom(format!(
                "{} must be a JSON string such as \"{v}\", not the JSON number {v}",
                self.0
            )))
        }
    }
    d.deserialize_any(StringOnly(what))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_contract_examples() {
        assert_eq!(Amount::parse("300000000").unwrap().fen(), 30_000_000_000);
        assert_eq!(Amount::parse("12.50").unwrap().fen(), 1250);
        assert_eq!(Amount::parse("12.5").unwrap().fen(), 1250);
        assert_eq!(Amount::parse("0.07").unwrap().fen(), 7);
    }

    #[test]
    fn refuses_bad_amounts() {
        for bad in ["", "-1", "1.234", "1e5", " 1", "1,000", "+1", "1.", ".5", "abc", "0x10"] {
            assert!(Amount::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(Amount::parse("1.234").unwrap_err().contains("fraction digits"));
        assert!(Amount::parse("-1").unwrap_err().contains("negative"));
    }

    #[test]
    fn json_number_is_refused_with_a_hint() {
        let e = serde_json::from_str::<Amount>("5").unwrap_err().to_string();
        assert!(e.contains("not the JSON number"), "{e}");
    }

    #[test]
    fn quantities_may_be_negative() {
        assert_eq!(Quantity::parse("-2.5").unwrap().to_string(), "-2.5");
        assert!(Quantity::parse("1e3").is_err());
        assert!(Quantity::parse("--1").is_err());
    }

    #[test]
    fn percent_reads_strings_and_numbers() {
        assert_eq!(serde_json::from_str::<Percent>("\"40\"").unwrap().0, Decimal::from(40));
        assert_eq!(serde_json::from_str::<Percent>("30").unwrap().0, Decimal::from(30));
        assert!(serde_json::from_str::<Percent>("101").is_err());
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(fen in 0i128..1_000_000_000_000_000i128) {
            let a = Amount::from_fen(fen);
            prop_assert_eq!(Amount::parse(&a.to_string()).unwrap(), a);
        }

        #[test]
        fn addition_is_exact(a in 0i128..1i128<<80, b in 0i128..1i128<<80) {
            let (x, y) = (Amount::from_fen(a), Amount::from_fen(b));
            prop_assert_eq!((x + y) - y, x);
            prop_assert_eq!(x + y, y + x);
        }
    }
}
