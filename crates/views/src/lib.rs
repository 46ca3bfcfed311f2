//! pledger-views: the read models. Reads records; never writes the log.
//!
//! # Layout
//!
//! - [`facts`]: one pass over the log files every event under what it is
//!   about ([`facts::Facts`]); voids and the as-of date are applied here.
//! - [`load`]: builds [`facts::Facts`] from a store for a [`Scope`]
//!   (`as_of` a business date, `at_seq` a log position), parsing in parallel;
//!   [`load_cached`] starts from a snapshot and reads only the log's tail.
//! - [`snapshot`]: persisted unscoped facts (a cache checked against the
//!   log, never trusted).
//! - [`targets`]: format 3.1 — standing, trajectory, runs of misses.
//! - [`funds`]: 3.2 — balances, allocations, traces down and up.
//! - [`commitments`]: 3.3 — statuses and computed due dates.
//! - [`calendar`]: working days and the holiday calendar.
//! - [`incentives`]: 3.4 — paid per role against shares, payouts vs target.
//! - [`assessment`]: 3.7 — yearly tasks: score, veto, rank, runs of
//!   failures, consequences due and imposed.
//! - [`projects`]: 3.8 — the project register, qualification of counted
//!   projects, idle land.
//! - [`findings`]: 3.5 — every discrepancy, from all of the above.
//! - [`changes`]: 3.9 — findings raised and resolved since a log position.
//! - [`codes`]: the finding codes ([`FindingCode::ALL`]), with their
//!   severities and labels, and the languages ([`Lang`]).
//! - [`messages`]: a finding's facts and its sentence in each language.
//!
//! Views are functions of (facts, now): nothing that depends on "today" is
//! stored, so the same facts answer for any date, and a rebuild from the
//! log equals the live view by construction.

pub mod assessment;
pub mod calendar;
pub mod changes;
pub mod codes;
pub mod commitments;
pub mod facts;
pub mod findings;
pub mod funds;
pub mod incentives;
pub mod load;
pub mod messages;
pub mod projects;
pub mod snapshot;
pub mod targets;

use pledger_core::when::Day;
use serde::Serialize;

pub use codes::{FindingCode, Lang};
pub use facts::Facts;
pub use load::{load, load_cached, load_position, CacheSource, CacheUse, Scope, ViewError};
pub use messages::{Fact, FactSet};

/// One discrepancy (format 3.5). Made with [`Finding::new`], which renders
/// `message` from `facts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A code of format 3.5, e.g. `overdraft`; serialised as its string.
    pub code: FindingCode,
    /// A plain sentence a finance officer understands: English, or the
    /// language asked for ([`Finding::localize`]).
    pub message: String,
    /// The ids the finding is about (accounts, targets, commitments ...).
    pub subjects: Vec<String>,
    /// The records involved.
    pub seqs: Vec<u64>,
    /// The business date the discrepancy arose (for sorting, newest first).
    pub date: Day,
    /// What the sentence is made of: amounts, dates, ids with their
    /// names, counts ([`messages`]).
    pub facts: FactSet,
}

/// A row of a report as a table: the header and the cells in order.
pub trait TableRow {
    fn header() -> &'static [&'static str];
    fn cells(&self) -> Vec<String>;

    /// The header in `lang` ([`messages::heading`]).
    fn header_in(lang: Lang) -> Vec<&'static str> {
        Self::header().iter().map(|h| messages::heading(h, lang)).collect()
    }

    /// The cells for a reader of `lang`: as [`TableRow::cells`] unless
    /// the row says otherwise.
    fn cells_in(&self, _lang: Lang) -> Vec<String> {
        self.cells()
    }
}

impl TableRow for Finding {
    fn header() -> &'static [&'static str] {
        &["date", "code", "subjects", "seqs", "message"]
    }

    /// In Chinese the code column gives the code's label with the code in
    /// brackets (`账户透支（overdraft）`).
    fn cells_in(&self, lang: Lang) -> Vec<String> {
        let mut cells = self.cells();
        if lang != Lang::En {
            cells[1] = format!("{}（{}）", self.code.label(lang), self.code.as_str());
        }
        cells
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.date.to_string(),
            self.code.as_str().to_string(),
            self.subjects.join(" "),
            self.seqs.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" "),
            self.message.clone(),
        ]
    }
}

/// No evidence cited: the field is absent or an empty list. The one test
/// behind every `missing_evidence` (verifications, fulfilments, payouts).
pub(crate) fn no_evidence(e: Option<&pledger_core::event::Evidence>) -> bool {
    !matches!(e, Some(e) if !e.is_empty())
}

/// Serialises a ratio or other decimal as a string, never a float.
pub fn decimal_text(d: rust_decimal::Decimal) -> String {
    d.normalize().to_string()
}
