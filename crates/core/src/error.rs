//! The one error a refused event gets: what is wrong, and where.

use std::fmt;

macro_rules! rejection_kinds {
    ($($variant:ident => $code:literal : $meaning:literal),* $(,)?) => {
        /// Why an input was refused: the machine-readable `code` of every
        /// rejection, one list (docs/format.md 2.4 is checked against it).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum RejectionKind { $($variant),* }

        impl RejectionKind {
            pub const ALL: &'static [RejectionKind] = &[$(RejectionKind::$variant),*];

            /// The wire code, e.g. `unknown_field`.
            pub fn as_str(self) -> &'static str {
                match self { $(RejectionKind::$variant => $code),* }
            }

            /// What it means, in a sentence.
            pub fn meaning(self) -> &'static str {
                match self { $(RejectionKind::$variant => $meaning),* }
            }
        }
    };
}

rejection_kinds! {
    InvalidJson => "invalid_json": "the input is not valid JSON (or duplicates a member name)",
    NotAnObject => "not_an_object": "an event is not a JSON object",
    EmptyBatch => "empty_batch": "an array of events holds none",
    UnknownType => "unknown_type": "the `type` is not an event type of the format",
    UnknownField => "unknown_field": "a field the event type does not have (a typo is not dropped silently)",
    MissingField => "missing_field": "a required field is absent",
    InvalidField => "invalid_field": "a field has the wrong form or breaks a rule of the event alone",
    BadAmount => "bad_amount": "an amount is not a decimal string of yuan with at most two fraction digits",
    UnknownReference => "unknown_reference": "a `→` field names nothing recorded",
    DuplicateId => "duplicate_id": "a new identifier is already in use in its kind",
    IdConflict => "id_conflict": "the client `id` was used before for a different event (HTTP 409)",
    UnknownActor => "unknown_actor": "the actor is not a registered entity",
    NotFounded => "not_founded": "the first record is not an `entity.registered` of its own actor",
    NotPermitted => "not_permitted": "the actor is not a party who may record this event (format 2.3)",
    AlreadyVoided => "already_voided": "the record is already voided",
    MissingSignature => "missing_signature": "the actor registered a public key and the event is not signed",
    BadSignature => "bad_signature": "the signature does not verify, or is malformed",
    UnexpectedSignature => "unexpected_signature": "a signature nobody can check: the actor has no key",
}

impl fmt::Display for RejectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for RejectionKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Why an event (or a whole batch) was refused. Structural errors of
/// contract section 2: nothing is written when one is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub kind: RejectionKind,
    /// The kind's wire code, e.g. `unknown_field` (kept beside the kind so
    /// callers and tests can read it as text).
    pub code: &'static str,
    /// A sentence a finance officer can act on.
    pub message: String,
    /// The JSON path of the offending field (`data.amount`), or empty when
    /// the whole event is at fault.
    pub field: String,
    /// Position of the event in its submitted batch, when known.
    pub index: Option<usize>,
}

impl Rejection {
    pub fn new(kind: RejectionKind, field: impl Into<String>, message: impl Into<String>) -> Self {
        Rejection {
            kind,
            code: kind.as_str(),
            message: message.into(),
            field: field.into(),
            index: None,
        }
    }

    /// Tags the rejection with the event's position in its batch, so a
    /// client sending a thousand events knows which one to fix.
    pub fn at_index(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.index {
            write!(f, "event #{} of the batch: ", i + 1)?;
        }
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_unique_snake_case_code_and_a_meaning() {
        let mut seen = std::collections::HashSet::new();
        for k in RejectionKind::ALL {
            let c = k.as_str();
            assert!(seen.insert(c), "{c} twice");
            assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{c}");
            assert!(!k.meaning().is_empty());
            let r = Rejection::new(*k, "data.x", "why");
            assert_eq!((r.code, r.kind), (c, *k));
        }
    }

    /// docs/format.md 2.4 lists exactly the codes of `RejectionKind::ALL`.
    #[test]
    fn the_published_table_lists_every_code() {
        let doc = include_str!("../../../docs/format.md");
        let start = doc.find("### 2.4").expect("section 2.4");
        let end = start + doc[start..].find("\n## 3").expect("section 3");
        let listed: Vec<&str> = doc[start..end]
            .lines()
            .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
            .filter(|c| *c != "code")
            .collect();
        let all: Vec<&str> = RejectionKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(listed, all);
    }
}
