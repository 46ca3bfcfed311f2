//! Identifiers: 1–128 characters of `[A-Za-z0-9._:-]` (contract 1.1).

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

pub const MAX_ID_LEN: usize = 128;

/// A validated identifier. Kept as a boxed str: there are millions of them
/// in a large ledger and they never grow.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Id(Box<str>);

/// Checks identifier syntax; the error says what is wrong in plain words.
pub fn check_id(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > MAX_ID_LEN {
        return Err(format!(
            "is {} characters long; at most {MAX_ID_LEN} are allowed",
            s.chars().count()
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')))
    {
        return Err(format!(
            "contains {c:?}; identifiers use only letters A-Z a-z, digits and . _ : -"
        ));
    }
    // "." and ".." would name a directory in a link or a path.
    if !s.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err("has no letter or digit; an identifier needs at least one".into());
    }
    Ok(())
}

impl Id {
    pub fn parse(s: &str) -> Result<Id, String> {
        check_id(s)?;
        Ok(Id(s.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", &*self.0)
    }
}

impl std::ops::Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::money::string_only(d, "an identifier")?;
        Id::parse(&s).map_err(|e| serde::de::Error::custom(format!("identifier {s:?} {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_contract_alphabet() {
        assert!(Id::parse("disb-2026-0007").is_ok());
        assert!(Id::parse("a.b_c:d-E9").is_ok());
        assert!(Id::parse(&"x".repeat(128)).is_ok());
    }

    #[test]
    fn refuses_everything_else() {
        assert!(Id::parse("").is_err());
        assert!(Id::parse(&"x".repeat(129)).is_err());
        assert!(Id::parse("has space").is_err());
        assert!(Id::parse("德山").is_err());
        assert!(Id::parse("a/b").is_err());
    }
}
