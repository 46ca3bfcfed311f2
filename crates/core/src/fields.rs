//! Field types shared by every event family: bounded text, the currency,
//! periods, evidence, and the macros the families declare their data with.
//! Family-specific words (an entity's kind, a disbursement's kind...) live
//! with their family in [`crate::families`].

use crate::when::Day;
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::Value;

/// Longest free text accepted (names, purposes, reasons, terms).
pub const MAX_TEXT_LEN: usize = 16 * 1024;

/// Non-empty free text, bounded in length.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::money::string_only(d, "text")?;
        if s.trim().is_empty() {
            return Err(de::Error::custom("must not be empty"));
        }
        if s.len() > MAX_TEXT_LEN {
            return Err(de::Error::custom(format!(
                "is {} bytes long; at most {MAX_TEXT_LEN} are allowed",
                s.len()
            )));
        }
        Ok(Text(s))
    }
}

/// ISO 4217 currency code; CNY when absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Currency(pub String);

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::money::string_only(d, "a currency code")?;
        // Every view adds amounts together, so a second currency would be
        // summed as yuan: refuse it until conversions are modelled.
        if s == "CNY" {
            Ok(Currency(s))
        } else {
            Err(de::Error::custom(format!(
                "{s:?} is not accepted: this ledger keeps every amount in yuan (\"CNY\"); convert the amount to yuan and omit currency"
            )))
        }
    }
}

/// A closed set of words, read strictly: anything else is refused with the
/// list of accepted words.
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),* }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            /// Every accepted word, in declaration order.
            pub const WORDS: &'static [&'static str] = &[$($text),*];
        }

        impl $crate::schema::Shaped for $name {
            const SHAPE: $crate::schema::FieldShape = $crate::schema::FieldShape::Word($name::WORDS);
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = $crate::money::string_only(d, "a word")?;
                match s.as_str() {
                    $($text => Ok($name::$variant),)*
                    _ => Err(<D::Error as ::serde::de::Error>::custom(format!(
                        "{s:?} is not allowed here; use one of: {}",
                        [$($text),*].join(", ")
                    ))),
                }
            }
        }
    };
}
pub(crate) use word_enum;

/// A period of dates, both ends inclusive.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Period {
    pub from: Day,
    pub to: Day,
}

/// One piece of evidence: a document reference and, optionally, the BLAKE3
/// of the document so a reader can check it is the one meant.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct EvidenceRef {
    #[serde(rename = "ref")]
    pub reference: Text,
    #[serde(default)]
    pub blake3: Option<HexDigest>,
}

/// Evidence as the contract writes it (a list of references). A bare string
/// is read as a single reference: the contract shows the list form only for
/// targets, and refusing a plain document number would help nobody.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence(pub Vec<EvidenceRef>);

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            One(Text),
            Many(Vec<EvidenceRef>),
        }
        let v = crate::json::strict_value(d)?;
        match &v {
            Value::String(_) | Value::Array(_) => {}
            _ => {
                return Err(de::Error::custom(
                    "evidence is a list of {\"ref\": ..., \"blake3\"?: ...} objects",
                ))
            }
        }
        match Form::deserialize(&v) {
            Ok(Form::One(t)) => Ok(Evidence(vec![EvidenceRef {
                reference: t,
                blake3: None,
            }])),
            Ok(Form::Many(list)) => Ok(Evidence(list)),
            Err(_) => {
                // Re-run the list form alone so the message names the real fault.
                let list = Vec::<EvidenceRef>::deserialize(&v).map_err(de::Error::custom)?;
                Ok(Evidence(list))
            }
        }
    }
}

/// 64 lowercase or uppercase hex digits (a BLAKE3 digest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexDigest(pub [u8; 32]);

impl<'de> Deserialize<'de> for HexDigest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::money::string_only(d, "a hex digest")?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(&s, &mut out)
            .map_err(|_| de::Error::custom(format!("{s:?} is not a BLAKE3 digest; expected 64 hex digits")))?;
        Ok(HexDigest(out))
    }
}

/// `Deserialize` for a struct that must be given as a JSON object. serde's
/// derive also reads a struct from an array, by position, so
/// `"period": ["2026-01-01", "2026-12-31"]` would pass unnoticed; the
/// derived reader is kept (`remote = "Self"`) and reached only through a map.
macro_rules! object_only {
    ($($ty:ident: $what:literal),* $(,)?) => {$(
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Only;
                impl<'de> ::serde::de::Visitor<'de> for Only {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        $ty::deserialize(::serde::de::value::MapAccessDeserializer::new(map))
                    }
                }
                d.deserialize_map(Only)
            }
        }
    )*};
}
pub(crate) use object_only;

object_only! {
    Period: "an object {\"from\": date, \"to\": date}",
    EvidenceRef: "an object {\"ref\": ..., \"blake3\"?: ...}",
}

/// The data structs of event types: strict (unknown fields refused).
macro_rules! data_structs {
    ($($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? })*) => {
        $(
            $(#[$m])*
            #[derive(Clone, Debug, PartialEq, ::serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct $name { $($(#[$fm])* pub $field: $ty),* }

            impl $crate::schema::Shaped for $name {
                const SHAPE: $crate::schema::FieldShape = $crate::schema::FieldShape::Object(&[$(
                    $crate::schema::Field {
                        name: stringify!($field),
                        shape: <$ty as $crate::schema::Shaped>::SHAPE,
                        optional: <$ty as $crate::schema::Shaped>::OPTIONAL,
                    }
                ),*]);
            }
        )*
    };
}
pub(crate) use data_structs;

/// The rule every `period` obeys: it does not end before it starts.
pub(crate) fn check_period(p: &Period, field: &str) -> Result<(), crate::error::Rejection> {
    if p.from > p.to {
        Err(crate::error::Rejection::new(
            crate::error::RejectionKind::InvalidField,
            field,
            format!("the period ends ({}) before it starts ({})", p.to, p.from),
        ))
    } else {
        Ok(())
    }
}
