//! A mapped sheet judged by the ledger: each row's event prepared (parsed
//! and shape-checked as `pledger append` does) and then checked against
//! the registry without writing ([`Ledger::check`]), so a dry run lists
//! every bad row; a sheet without one is appended as one batch.

use crate::{rejection_problem, Mapped, Problem, Reason};
use pledger_store::{prepare, AppendError, AppendOutcome, Ledger, Prepared, StoreError};
use rayon::prelude::*;

/// A sheet every row of which the ledger accepts (as of when it was
/// judged), ready to append.
pub struct Ready {
    pub rows: Vec<u32>,
    events: Vec<Prepared>,
}

impl Ready {
    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Appends the whole sheet as one batch. Another writer may have
    /// changed the registry since [`judge`]; the ledger judges the batch
    /// again and records all of it or nothing.
    pub fn append(self, ledger: &Ledger) -> Result<AppendOutcome, AppendError> {
        ledger.append(self.events)
    }
}

/// Judges every row of `mapped`. `entity`: when the caller may record
/// only as one entity (a token over HTTP), every row's actor must be it.
/// `progress` is called with the number of rows prepared so far.
pub fn judge(
    ledger: &Ledger,
    mapped: &Mapped,
    entity: Option<&str>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Result<Ready, Vec<Problem>>, StoreError> {
    let mut problems = mapped.problems.clone();
    let actor_header = mapped.layout.header_of("actor").map(str::to_string);
    let prepared: Vec<(u32, Result<Prepared, Problem>)> = mapped
        .events
        .par_iter()
        .map(|(row, value)| {
            progress(1);
            if let Some(entity) = entity {
                let actor = value.get("actor").and_then(|a| a.as_str()).unwrap_or_default();
                if actor != entity {
                    return (
                        *row,
                        Err(Problem {
                            row: *row,
                            column: actor_header.clone(),
                            reason: Reason::ActorMismatch {
                                actor: actor.to_string(),
                                entity: entity.to_string(),
                            },
                        }),
                    );
                }
            }
            (
                *row,
                prepare(value.clone()).map_err(|r| rejection_problem(&mapped.layout, *row, &r)),
            )
        })
        .collect();
    let mut rows = Vec::with_capacity(prepared.len());
    let mut events = Vec::with_capacity(prepared.len());
    for (row, p) in prepared {
        match p {
            Ok(e) => {
                rows.push(row);
                events.push(e);
            }
            Err(p) => problems.push(p),
        }
    }
    // Rows refused above are left out of the registry check: rows that
    // need what they would create are then refused too, and are fixed
    // with them.
    for r in ledger.check(events.clone())? {
        let row = r
            .index
            .and_then(|i| rows.get(i).copied())
            .unwrap_or(mapped.layout.header_row);
        problems.push(rejection_problem(&mapped.layout, row, &r));
    }
    if problems.is_empty() {
        return Ok(Ok(Ready { rows, events }));
    }
    // Sorted by row, then by column position, as the sheet reads.
    let position = |p: &Problem| {
        p.column
            .as_deref()
            .and_then(|c| mapped.layout.column_index(c))
            .unwrap_or(usize::MAX)
    };
    problems.sort_by_key(|p| (p.row, position(p)));
    Ok(Err(problems))
}
