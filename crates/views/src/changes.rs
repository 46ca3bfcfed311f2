//! Format 3.9: the findings raised and resolved since a log position.
//!
//! An auditor keeps the log position of the last audit, `from_seq` N. The
//! findings at `at_seq = N` and the findings now are both judged at the
//! same date, so a difference comes from records after N (or, for findings
//! that depend on time such as an overdue commitment, from the date alone).
//!
//! A finding is the same finding at both positions when its code, its
//! subjects and the date it arose are the same; the sentence and the list
//! of records may grow (a second overdraft on an overdrawn account is not
//! a new finding). Each changed finding lists the records after N that
//! made the difference: those among its own records, those that void one
//! of its records, and those that name one of its subjects (a revision of
//! its target, a waiver or fulfilment of its commitment, a receipt of its
//! disbursement).

use crate::load::ViewError;
use crate::Finding;
use pledger_core::record::event_text;
use pledger_core::when::Day;
use pledger_store::LogBackend;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A record after the audited position that made a difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cause {
    pub seq: u64,
    #[serde(rename = "type")]
    pub kind: String,
    pub actor: String,
    pub occurred_at: String,
}

/// A finding raised or resolved, with the records that made it so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changed {
    #[serde(flatten)]
    pub finding: Finding,
    /// Records after `from_seq`, in log order.
    pub changed_by: Vec<Cause>,
}

/// The answer of `report changes` and `/v1/findings/changes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub from_seq: u64,
    /// The last record considered (the log's head when asked).
    pub to_seq: u64,
    /// Present now, absent at `from_seq`.
    pub raised: Vec<Changed>,
    /// Present at `from_seq`, gone now.
    pub resolved: Vec<Changed>,
}

type Identity<'a> = (&'static str, &'a [String], Day);

fn identity(f: &Finding) -> Identity<'_> {
    (f.code, &f.subjects, f.date)
}

/// Splits two lists of findings into those only in `before` (resolved) and
/// those only in `after` (raised), counting duplicates.
pub fn diff(before: &[Finding], after: &[Finding]) -> (Vec<Finding>, Vec<Finding>) {
    let only = |xs: &[Finding], ys: &[Finding]| {
        let mut left: HashMap<Identity<'_>, usize> = HashMap::new();
        for y in ys {
            *left.entry(identity(y)).or_default() += 1;
        }
        xs.iter()
            .filter(|x| match left.get_mut(&identity(x)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    (only(before, after), only(after, before))
}

/// What a record after `from_seq` touches, read from its event text.
struct Touch {
    cause: Cause,
    voids: Option<u64>,
    names: Vec<String>,
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

fn touch(seq: u64, text: &str) -> Result<Touch, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let kind = field("type");
    let voids = (kind == "event.voided")
        .then(|| v.pointer("/data/seq").and_then(Value::as_u64))
        .flatten();
    let mut names = Vec::new();
    if let Some(data) = v.get("data") {
        collect_strings(data, &mut names);
    }
    Ok(Touch {
        cause: Cause {
            seq,
            kind,
            actor: field("actor"),
            occurred_at: field("occurred_at"),
        },
        voids,
        names,
    })
}

/// The findings raised and resolved between `before` (judged at
/// `at_seq = from_seq`) and `after` (judged over the first `len` records),
/// each with the records after `from_seq` that made the difference.
pub fn changes(
    backend: &dyn LogBackend,
    len: u64,
    from_seq: u64,
    before: &[Finding],
    after: &[Finding],
) -> Result<Changes, ViewError> {
    let (resolved, raised) = diff(before, after);
    let mut changed: Vec<Changed> = resolved
        .into_iter()
        .chain(raised.iter().cloned())
        .map(|finding| Changed {
            finding,
            changed_by: Vec::new(),
        })
        .collect();
    let n_resolved = changed.len() - raised.len();
    if !changed.is_empty() && from_seq + 1 < len {
        attribute(backend, from_seq + 1, len, &mut changed)?;
    }
    let raised = changed.split_off(n_resolved);
    Ok(Changes {
        from_seq,
        to_seq: len.saturating_sub(1),
        raised,
        resolved: changed,
    })
}

/// Fills `changed_by` from records `from..to`.
fn attribute(backend: &dyn LogBackend, from: u64, to: u64, changed: &mut [Changed]) -> Result<(), ViewError> {
    let mut by_subject: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_seq: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, c) in changed.iter().enumerate() {
        for s in &c.finding.subjects {
            by_subject.entry(s.as_str()).or_default().push(i);
        }
        for q in &c.finding.seqs {
            by_seq.entry(*q).or_default().push(i);
        }
    }
    let mut hits: Vec<Vec<Cause>> = vec![Vec::new(); changed.len()];
    const CHUNK: usize = 16 * 1024;
    let mut records = backend.scan(from, to);
    loop {
        let chunk: Vec<_> = records.by_ref().take(CHUNK).collect::<Result<_, _>>()?;
        if chunk.is_empty() {
            break;
        }
        let found: Vec<Result<Option<(Cause, Vec<usize>)>, ViewError>> = chunk
            .par_iter()
            .map(|r| {
                let bad = |why: String| ViewError::BadRecord { seq: r.seq, why };
                let text = event_text(r.body()).ok_or_else(|| bad("the stored record is not valid JSON".into()))?;
                let t = touch(r.seq, text).map_err(bad)?;
                let mut idx: HashSet<usize> = HashSet::new();
                for q in std::iter::once(r.seq).chain(t.voids) {
                    idx.extend(by_seq.get(&q).into_iter().flatten());
                }
                for name in &t.names {
                    idx.extend(by_subject.get(name.as_str()).into_iter().flatten());
                }
                let mut idx: Vec<usize> = idx.into_iter().collect();
                idx.sort_unstable();
                Ok((!idx.is_empty()).then_some((t.cause, idx)))
            })
            .collect();
        for f in found {
            if let Some((cause, idx)) = f? {
                for i in idx {
                    hits[i].push(cause.clone());
                }
            }
        }
    }
    for (c, h) in changed.iter_mut().zip(hits) {
        c.changed_by = h;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(code: &'static str, subject: &str, date: &str, seqs: &[u64]) -> Finding {
        Finding {
            code,
            message: format!("{code} on {subject}"),
            subjects: vec![subject.to_string()],
            seqs: seqs.to_vec(),
            date: Day::parse(date).expect("date"),
        }
    }

    #[test]
    fn the_same_code_subjects_and_date_is_the_same_finding_even_when_it_grows() {
        let before = vec![f("overdraft", "a", "2026-01-01", &[3])];
        let after = vec![f("overdraft", "a", "2026-01-01", &[3, 9])];
        assert_eq!(diff(&before, &after), (vec![], vec![]));
    }

    #[test]
    fn gone_is_resolved_and_new_is_raised_counting_duplicates() {
        let x = f("commitment_overdue", "c1", "2026-02-01", &[1]);
        let y = f("overdraft", "a", "2026-03-01", &[4]);
        let before = vec![x.clone(), x.clone(), y.clone()];
        let after = vec![x.clone(), f("overdraft", "a", "2026-04-01", &[7])];
        let (resolved, raised) = diff(&before, &after);
        assert_eq!(resolved, vec![x, y]);
        assert_eq!(raised, vec![f("overdraft", "a", "2026-04-01", &[7])]);
    }
}
