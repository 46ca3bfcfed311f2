//! Business time: the dates and date-times events carry (`occurred_at`,
//! `due`, periods, `as_of`). Never the clock: the core is told the time.

use serde::de::{self, Deserializer};
use serde::Deserialize;
use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// A calendar date written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

impl Day {
    pub fn parse(s: &str) -> Result<Day, String> {
        let fmt = format_description!("[year]-[month]-[day]");
        if s.len() != 10 {
            return Err(format!("{s:?} is not a date; write YYYY-MM-DD, e.g. \"2026-03-01\""));
        }
        Date::parse(s, &fmt)
            .map(Day)
            .map_err(|_| format!("{s:?} is not a valid date; write YYYY-MM-DD, e.g. \"2026-03-01\""))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::money::string_only(d, "a date")?;
        Day::parse(&s).map_err(de::Error::custom)
    }
}

impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `occurred_at` or an absolute `due`: an RFC 3339 date, or a date-time with
/// an offset. A date-time counts on the calendar date of its own offset, the
/// day the people involved would name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusinessTime {
    Date(Day),
    DateTime(OffsetDateTime),
}

impl BusinessTime {
    pub fn parse(s: &str) -> Result<BusinessTime, String> {
        if s.len() == 10 {
            return Day::parse(s).map(BusinessTime::Date);
        }
        OffsetDateTime::parse(s, &Rfc3339).map(BusinessTime::DateTime).map_err(|_| {
            format!(
                "{s:?} is neither a date (YYYY-MM-DD) nor an RFC 3339 date-time with offset (e.g. \"2026-03-01T09:30:00+08:00\")"
            )
        })
    }

    /// The calendar day this falls on, for as-of comparisons.
    pub fn day(&self) -> Day {
        match self {
            BusinessTime::Date(d) => *d,
            BusinessTime::DateTime(t) => Day(t.date()),
        }
    }
}

impl<'de> Deserialize<'de> for BusinessTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::money::string_only(d, "a date or date-time")?;
        BusinessTime::parse(&s).map_err(de::Error::custom)
    }
}

/// Formats a ledger clock reading as `recorded_at` is written:
/// UTC, millisecond precision, `Z` suffix (`2026-03-01T08:12:44.120Z`).
pub fn recorded_at_text(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_datetimes() {
        assert_eq!(
            BusinessTime::parse("2026-03-01").unwrap().day().to_string(),
            "2026-03-01"
        );
        let t = BusinessTime::parse("2026-03-01T23:30:00+08:00").unwrap();
        assert_eq!(t.day().to_string(), "2026-03-01");
        assert!(BusinessTime::parse("2026-02-30").is_err());
        assert!(BusinessTime::parse("2026-3-1").is_err());
        assert!(BusinessTime::parse("2026-03-01T10:00:00").is_err(), "offset required");
        assert!(BusinessTime::parse("yesterday").is_err());
    }

    #[test]
    fn recorded_at_format() {
        let t = OffsetDateTime::from_unix_timestamp_nanos(1_772_353_964_120_000_000).unwrap();
        assert_eq!(recorded_at_text(t), "2026-03-01T08:32:44.120Z");
    }
}
