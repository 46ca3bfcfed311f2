//! Working days and the holiday calendar, for `within_working_days` deadlines
//! (contract section 2, `commitment.made` `due`).
//!
//! # Working days
//!
//! A working day is Monday to Friday, unless the calendar lists it as a
//! holiday, plus any Saturday or Sunday the calendar lists as an extra
//! working day. China moves weekend days to workdays around its public
//! holidays (调休: e.g. the Saturday before National Day is worked), so a
//! calendar carries both lists. [`Calendar::weekdays`] has neither: plain
//! Monday–Friday.
//!
//! # The deadline convention
//!
//! "Within N working days after the condition is met" means: due at the end
//! of the N-th working day *after* the day the condition was met. The day
//! of meeting itself never counts, even when it is a working day, and a
//! condition met on a weekend or holiday starts counting from the next
//! working day. So a condition met on a Friday with N = 1 is due on the
//! following Monday; N = 0 means due the same day. A commitment fulfilled
//! on its due day is kept, not late. See [`Calendar::add_working_days`].
//!
//! "Within N days" (calendar days) is [`add_days`]: the day met plus N.
//!
//! # The text format ([`Calendar::from_text`])
//!
//! One entry per line; blank lines and everything after `#` are ignored:
//!
//! ```text
//! # China 2025, National Day and Mid-Autumn
//! 2025-10-01        a holiday (no work, even on a weekday)
//! +2025-09-28       an extra working day (a Sunday worked in exchange)
//! ```
//!
//! `YYYY-MM-DD` is a holiday; `+YYYY-MM-DD` an extra working day. Anything
//! after the date on the same line is a free comment (whitespace first). A
//! date listed both ways, or twice, is refused: the calendar would be
//! ambiguous.

use pledger_core::when::Day;
use std::collections::BTreeSet;
use std::fmt;
use time::{Duration, Weekday};

/// Which days are worked: Monday–Friday, less holidays, plus extra
/// working days.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<Day>,
    extra_workdays: BTreeSet<Day>,
}

/// A line of a calendar file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "holiday calendar line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CalendarError {}

impl Calendar {
    /// Monday to Friday, no holidays.
    pub fn weekdays() -> Calendar {
        Calendar::default()
    }

    /// Reads the text format described in the module documentation.
    pub fn from_text(text: &str) -> Result<Calendar, CalendarError> {
        let mut cal = Calendar::default();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let word = content.split_whitespace().next().unwrap_or("");
            let (extra, date) = match word.strip_prefix('+') {
                Some(d) => (true, d),
                None => (false, word),
            };
            let day = Day::parse(date).map_err(|message| CalendarError { line, message })?;
            if cal.holidays.contains(&day) || cal.extra_workdays.contains(&day) {
                return Err(CalendarError {
                    line,
                    message: format!("{day} is listed more than once"),
                });
            }
            if extra {
                cal.extra_workdays.insert(day);
            } else {
                cal.holidays.insert(day);
            }
        }
        Ok(cal)
    }

    /// Adds a holiday (a day not worked, whatever its weekday).
    pub fn with_holiday(mut self, day: Day) -> Calendar {
        self.extra_workdays.remove(&day);
        self.holidays.insert(day);
        self
    }

    /// Adds an extra working day (a weekend day worked, 调休).
    pub fn with_extra_workday(mut self, day: Day) -> Calendar {
        self.holidays.remove(&day);
        self.extra_workdays.insert(day);
        self
    }

    pub fn holidays(&self) -> impl Iterator<Item = Day> + '_ {
        self.holidays.iter().copied()
    }

    pub fn extra_workdays(&self) -> impl Iterator<Item = Day> + '_ {
        self.extra_workdays.iter().copied()
    }

    /// Is `day` worked?
    pub fn is_working_day(&self, day: Day) -> bool {
        if self.holidays.contains(&day) {
            return false;
        }
        if self.extra_workdays.contains(&day) {
            return true;
        }
        !matches!(day.0.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    /// The `n`-th working day after `start` (`start` itself never counts);
    /// `n = 0` gives `start`. Saturates at the last representable date.
    pub fn add_working_days(&self, start: Day, n: u32) -> Day {
        let last_special = self.holidays.iter().chain(&self.extra_workdays).max().copied();
        let mut day = start;
        let mut left = n;
        while left > 0 {
            // Past the last listed day every 7 days hold exactly 5 working
            // days, so whole weeks are skipped at once (n may be large).
            if left > 5 && !matches!(last_special, Some(l) if day < l) {
                let weeks = (left - 1) / 5;
                day = add_days(day, weeks.saturating_mul(7));
                left -= weeks * 5;
                continue;
            }
            let next = add_days(day, 1);
            if next == day {
                return day;
            }
            day = next;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

/// `start` plus `n` calendar days. Saturates at the last representable date.
pub fn add_days(start: Day, n: u32) -> Day {
    match start.0.checked_add(Duration::days(i64::from(n))) {
        Some(d) => Day(d),
        None => Day(time::Date::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn weekdays_skip_the_weekend() {
        let cal = Calendar::weekdays();
        // 2026-03-06 is a Friday.
        assert_eq!(cal.add_working_days(d("2026-03-06"), 0), d("2026-03-06"));
        assert_eq!(cal.add_working_days(d("2026-03-06"), 1), d("2026-03-09"));
        assert_eq!(cal.add_working_days(d("2026-03-06"), 5), d("2026-03-13"));
        // Met on a Saturday: Monday is the first working day after it.
        assert_eq!(cal.add_working_days(d("2026-03-07"), 1), d("2026-03-09"));
        // Met on a Monday: the meeting day does not count.
        assert_eq!(cal.add_working_days(d("2026-03-09"), 1), d("2026-03-10"));
        assert_eq!(cal.add_working_days(d("2026-03-09"), 4), d("2026-03-13"));
        assert_eq!(cal.add_working_days(d("2026-03-09"), 5), d("2026-03-16"));
    }

    #[test]
    fn a_week_with_a_holiday_and_a_make_up_saturday() {
        // A Qingming-like week: Friday 2025-04-04 is a holiday and the
        // following Saturday, 2025-04-12, is worked in exchange.
        let cal = Calendar::from_text(
            "# test calendar\n\
             2025-04-04   Qingming\n\
             \n\
             +2025-04-12  make-up Saturday (调休)\n",
        )
        .unwrap();
        assert!(!cal.is_working_day(d("2025-04-04")));
        assert!(cal.is_working_day(d("2025-04-12")));
        assert!(!cal.is_working_day(d("2025-04-13")));
        // Met Thursday 04-03: Friday is a holiday, so day 1 is Monday 04-07.
        assert_eq!(cal.add_working_days(d("2025-04-03"), 1), d("2025-04-07"));
        // Without the calendar it would be Friday.
        assert_eq!(
            Calendar::weekdays().add_working_days(d("2025-04-03"), 1),
            d("2025-04-04")
        );
        // Met Friday 04-11: the make-up Saturday is day 1, Monday day 2.
        assert_eq!(cal.add_working_days(d("2025-04-11"), 1), d("2025-04-12"));
        assert_eq!(cal.add_working_days(d("2025-04-11"), 2), d("2025-04-14"));
        // Across both: Wed 04-02 + 8 → Thu 03, Mon 07 .. Fri 11 (6), Sat 12 (7), Mon 14 (8).
        assert_eq!(cal.add_working_days(d("2025-04-02"), 8), d("2025-04-14"));
    }

    #[test]
    fn long_spans_match_day_by_day_counting() {
        let cal = Calendar::weekdays()
            .with_holiday(d("2026-10-01"))
            .with_extra_workday(d("2026-10-10"));
        for start in ["2026-09-25", "2026-10-03", "2026-10-04", "2026-12-31"] {
            let start = d(start);
            for n in [0u32, 1, 4, 5, 6, 9, 10, 11, 23, 100, 261] {
                let mut day = start;
                let mut left = n;
                while left > 0 {
                    day = add_days(day, 1);
                    if cal.is_working_day(day) {
                        left -= 1;
                    }
                }
                assert_eq!(cal.add_working_days(start, n), day, "start {start} n {n}");
            }
        }
    }

    #[test]
    fn huge_counts_do_not_loop_or_panic() {
        let end = Calendar::weekdays().add_working_days(d("2026-01-01"), u32::MAX);
        assert!(end > d("2026-01-01"));
        assert_eq!(add_days(d("2026-01-01"), u32::MAX), Day(time::Date::MAX));
    }

    #[test]
    fn add_days_counts_calendar_days() {
        assert_eq!(add_days(d("2026-02-20"), 10), d("2026-03-02"));
        assert_eq!(add_days(d("2026-02-20"), 0), d("2026-02-20"));
    }

    #[test]
    fn bad_calendar_text_names_the_line() {
        let e = Calendar::from_text("2025-01-01\n2025-13-01\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = Calendar::from_text("2025-01-01\n+2025-01-01\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("more than once"));
        assert_eq!(Calendar::from_text("# nothing\n\n").unwrap(), Calendar::weekdays());
    }
}
