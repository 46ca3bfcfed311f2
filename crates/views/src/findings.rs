//! Contract 3.5: every discrepancy, newest first.

use crate::facts::Facts;
use crate::Finding;
use pledger_core::when::Day;

/// All findings judged at `now`, newest first, then by code and subject;
/// working-day deadlines count Monday to Friday.
pub fn all(facts: &Facts, now: Day) -> Vec<Finding> {
    all_with(facts, now, &crate::calendar::Calendar::weekdays())
}

/// As [`all`], with a holiday calendar for working-day deadlines.
pub fn all_with(facts: &Facts, now: Day, calendar: &crate::calendar::Calendar) -> Vec<Finding> {
    let mut out = Vec::new();
    crate::targets::findings(facts, now, &mut out);
    crate::funds::findings(facts, now, &mut out);
    crate::commitments::findings_with(facts, now, calendar, &mut out);
    crate::incentives::findings(facts, now, &mut out);
    crate::assessment::findings(facts, now, &mut out);
    crate::projects::findings(facts, now, &mut out);
    out.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.subjects.cmp(&b.subjects))
            .then_with(|| a.seqs.cmp(&b.seqs))
    });
    out
}
