//! The shape of each event type's data, as a list of fields: what a form
//! or a spreadsheet column must hold. Derived from the data structs
//! themselves (`data_structs!` implements [`Shaped`] from the declared
//! field types), so a field added to a type shows up here without a second
//! list to keep in step.

use crate::fields::{Currency, Evidence, Period, Text};
use crate::ids::Id;
use crate::money::{Amount, Percent, Points, Quantity};
use crate::when::Day;

/// What one field holds, as far as a flat form needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldShape {
    /// An identifier (`*_id`, an entity, an account).
    Id,
    /// Free text.
    Text,
    /// Yuan with at most two fraction digits, written as a JSON string.
    Amount,
    /// A decimal (thresholds, values, points, percents), written as a string.
    Decimal,
    /// A non-negative JSON integer (a record's `seq`).
    Integer,
    /// A business date `YYYY-MM-DD`.
    Date,
    /// A date, a date-time, or a relative due object (a commitment's `due`).
    Due,
    /// One of a closed set of words.
    Word(&'static [&'static str]),
    /// An object whose members are listed (flattened as `field.member`).
    Object(&'static [Field]),
    /// A list of identifiers.
    IdList,
    /// Evidence: one reference as text, or the JSON list form.
    Evidence,
    /// Anything else (lists of objects): JSON text.
    Json,
    /// A public key (base64).
    Key,
    /// The currency code.
    Currency,
}

/// One field of a data object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub shape: FieldShape,
    pub optional: bool,
}

/// A field type's [`FieldShape`]; `OPTIONAL` is true for `Option<T>`.
pub trait Shaped {
    const SHAPE: FieldShape;
    const OPTIONAL: bool = false;
}

impl<T: Shaped> Shaped for Option<T> {
    const SHAPE: FieldShape = T::SHAPE;
    const OPTIONAL: bool = true;
}

macro_rules! shaped {
    ($($t:ty => $s:expr),* $(,)?) => {
        $(impl $crate::schema::Shaped for $t { const SHAPE: $crate::schema::FieldShape = $s; })*
    };
}

shaped! {
    Id => FieldShape::Id,
    Text => FieldShape::Text,
    Amount => FieldShape::Amount,
    Quantity => FieldShape::Decimal,
    Points => FieldShape::Decimal,
    Percent => FieldShape::Decimal,
    Day => FieldShape::Date,
    u64 => FieldShape::Integer,
    Currency => FieldShape::Currency,
    Evidence => FieldShape::Evidence,
    Vec<Id> => FieldShape::IdList,
    Period => FieldShape::Object(&[
        Field { name: "from", shape: FieldShape::Date, optional: false },
        Field { name: "to", shape: FieldShape::Date, optional: false },
    ]),
}

pub(crate) use shaped;
