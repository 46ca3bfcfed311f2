//! The one error a refused event gets: what is wrong, and where.

use std::fmt;

/// Why an event (or a whole batch) was refused. Structural errors of
/// contract section 2: nothing is written when one is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Machine-readable code, e.g. `unknown_field`, `bad_amount`, `unknown_reference`.
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
    pub fn new(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Rejection {
            code,
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
