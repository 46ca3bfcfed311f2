//! Format 3.9: the findings raised and resolved since a log position.
//!
//! An auditor keeps the log position of the last audit, `from_seq` N. The
//! findings at `at_seq = N` and the findings now are both judged at the
//! same date, so every difference comes from records after N.
//!
//! A finding is the same finding at both positions when its code, its
//! subjects and the date it arose are the same; the sentence and the list
//! of records may grow (a second overdraft on an overdrawn account is not
//! a new finding). Each changed finding lists the records after N that
//! made the difference: those among its own records, those that void one
//! of its records, and the latest [`MAX_NAMING`] whose data — or, for a
//! void, the voided record's data — names one of its subjects (a revision of its target, a waiver or fulfilment of its
//! commitment, a receipt of its disbursement). Records are read as text
//! (their strings matched against the subjects), and only the kept ones are
//! parsed, so a long tail costs one pass and bounded memory.

use crate::load::ViewError;
use crate::{Finding, FindingCode};
use pledger_core::record::event_text;
use pledger_core::when::Day;
use pledger_store::LogBackend;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

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

impl Changes {
    /// Makes every finding's `message` its sentence in `lang`.
    pub fn localize(&mut self, lang: crate::Lang) {
        for c in self.raised.iter_mut().chain(self.resolved.iter_mut()) {
            c.finding.localize(lang);
        }
    }
}

type Identity<'a> = (FindingCode, &'a [String], Day);

fn identity(f: &Finding) -> Identity<'_> {
    (f.code, &f.subjects, f.date)
}

/// Splits two lists of findings into those only in `before` (resolved) and
/// those only in `after` (raised), counting duplicates. Findings pair first
/// by code, subjects and date; those left pair by code and subjects, so a
/// finding whose date moved (a clawback re-dated by a later verification)
/// is the same finding, not one resolved and one raised.
pub fn diff(before: &[Finding], after: &[Finding]) -> (Vec<Finding>, Vec<Finding>) {
    let (resolved, raised) = diff_by(before, after, identity);
    diff_by(&resolved, &raised, |f| (f.code, f.subjects.as_slice()))
}

fn diff_by<'a, K: std::hash::Hash + Eq>(
    before: &'a [Finding],
    after: &'a [Finding],
    identity: impl Fn(&'a Finding) -> K,
) -> (Vec<Finding>, Vec<Finding>) {
    let only = |xs: &'a [Finding], ys: &'a [Finding]| {
        let mut left: HashMap<K, usize> = HashMap::new();
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

/// The most records kept per finding for naming one of its subjects: a
/// busy account is named by thousands of later records, and the latest ones
/// are the likeliest to have made today's difference.
pub const MAX_NAMING: usize = 20;

/// Every JSON string in an event's text, without building a tree: ids are
/// plain ASCII, so a string with an escape is never a subject and is skipped.
fn strings(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if b[i] != b'"' {
                i += 1;
                continue;
            }
            let start = i + 1;
            let mut j = start;
            let mut escaped = false;
            while j < b.len() && b[j] != b'"' {
                if b[j] == b'\\' {
                    escaped = true;
                    j += 1;
                }
                j += 1;
            }
            i = j + 1;
            if !escaped && j <= b.len() {
                return text.get(start..j.min(b.len()));
            }
        }
        None
    })
}

/// The `data` object of an event's text, read without building a tree.
fn data_of(text: &str) -> Option<&str> {
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        data: &'a serde_json::value::RawValue,
    }
    serde_json::from_str::<Envelope>(text).ok().map(|e| e.data.get())
}

/// The seq a void record voids, if `text` is one.
fn voided_seq(text: &str) -> Option<u64> {
    if !text.contains("\"event.voided\"") {
        return None;
    }
    let v: Value = serde_json::from_str(text).ok()?;
    (v.get("type")?.as_str()? == "event.voided")
        .then(|| v.pointer("/data/seq").and_then(Value::as_u64))
        .flatten()
}

fn cause(seq: u64, text: &str) -> Result<Cause, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(Cause {
        seq,
        kind: field("type"),
        actor: field("actor"),
        occurred_at: field("occurred_at"),
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

/// What one chunk of records said about the changed findings.
#[derive(Default)]
struct Seen {
    /// (finding, seq): a record among its seqs, or voiding one of them.
    direct: Vec<(usize, u64)>,
    /// (subject, seq): a record naming the subject.
    naming: Vec<(usize, u64)>,
}

/// Fills `changed_by` from records `from..to`: every record among a
/// finding's seqs or voiding one of them, and the latest [`MAX_NAMING`]
/// records naming one of its subjects.
fn attribute(backend: &dyn LogBackend, from: u64, to: u64, changed: &mut [Changed]) -> Result<(), ViewError> {
    let mut subject_index: HashMap<&str, usize> = HashMap::new();
    let mut by_seq: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, c) in changed.iter().enumerate() {
        for s in &c.finding.subjects {
            let n = subject_index.len();
            subject_index.entry(s.as_str()).or_insert(n);
        }
        for q in &c.finding.seqs {
            by_seq.entry(*q).or_default().push(i);
        }
    }
    // Per subject, the latest records naming it (log order is seq order).
    let mut naming: Vec<std::collections::VecDeque<u64>> = vec![Default::default(); subject_index.len()];
    let mut direct: Vec<Vec<u64>> = vec![Vec::new(); changed.len()];
    const CHUNK: usize = 16 * 1024;
    let mut records = backend.scan(from, to);
    loop {
        let chunk: Vec<_> = records.by_ref().take(CHUNK).collect::<Result<_, _>>()?;
        if chunk.is_empty() {
            break;
        }
        let seen: Vec<Result<Seen, ViewError>> = chunk
            .par_chunks(1024)
            .map(|part| {
                let mut seen = Seen::default();
                for r in part {
                    let text = event_text(r.body()).ok_or_else(|| ViewError::BadRecord {
                        seq: r.seq,
                        why: "the stored record is not valid JSON".into(),
                    })?;
                    for q in std::iter::once(r.seq).chain(voided_seq(text)) {
                        for &i in by_seq.get(&q).into_iter().flatten() {
                            seen.direct.push((i, r.seq));
                        }
                    }
                    // What the record's data names; a void names what the
                    // record it voids named (its own data holds only a seq).
                    let voided = match voided_seq(text) {
                        Some(q) => backend.get(q)?,
                        None => None,
                    };
                    let voided_text = voided.as_ref().and_then(|v| event_text(v.body()));
                    let mut named: Vec<usize> = std::iter::once(text)
                        .chain(voided_text)
                        .filter_map(data_of)
                        .flat_map(strings)
                        .filter_map(|s| subject_index.get(s).copied())
                        .collect();
                    named.sort_unstable();
                    named.dedup();
                    seen.naming.extend(named.into_iter().map(|s| (s, r.seq)));
                }
                Ok(seen)
            })
            .collect();
        for part in seen {
            let part = part?;
            for (i, seq) in part.direct {
                direct[i].push(seq);
            }
            for (s, seq) in part.naming {
                let q = &mut naming[s];
                if q.len() == MAX_NAMING {
                    q.pop_front();
                }
                q.push_back(seq);
            }
        }
    }
    // The seqs each finding keeps, then the details of those records only.
    let kept: Vec<Vec<u64>> = changed
        .iter()
        .zip(&direct)
        .map(|(c, direct)| {
            let mut named: Vec<u64> = c
                .finding
                .subjects
                .iter()
                .filter_map(|s| subject_index.get(s.as_str()))
                .flat_map(|&s| naming[s].iter().copied())
                .collect();
            named.sort_unstable();
            named.dedup();
            let skip = named.len().saturating_sub(MAX_NAMING);
            let mut seqs: Vec<u64> = direct.iter().copied().chain(named.into_iter().skip(skip)).collect();
            seqs.sort_unstable();
            seqs.dedup();
            seqs
        })
        .collect();
    // A second pass reads only the kept records' details (one scan is far
    // cheaper than a random read per record).
    let wanted: std::collections::HashSet<u64> = kept.iter().flatten().copied().collect();
    let mut details: HashMap<u64, Cause> = HashMap::with_capacity(wanted.len());
    if let (Some(&first), Some(&last)) = (wanted.iter().min(), wanted.iter().max()) {
        for r in backend.scan(first, last + 1) {
            let r = r?;
            if !wanted.contains(&r.seq) {
                continue;
            }
            let bad = |why: String| ViewError::BadRecord { seq: r.seq, why };
            let text = event_text(r.body()).ok_or_else(|| bad("the stored record is not valid JSON".into()))?;
            details.insert(r.seq, cause(r.seq, text).map_err(bad)?);
        }
    }
    for (c, seqs) in changed.iter_mut().zip(kept) {
        c.changed_by = seqs.iter().filter_map(|q| details.get(q).cloned()).collect();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(code: FindingCode, subject: &str, date: &str, seqs: &[u64]) -> Finding {
        Finding {
            code,
            message: format!("{code} on {subject}"),
            subjects: vec![subject.to_string()],
            seqs: seqs.to_vec(),
            date: Day::parse(date).expect("date"),
            facts: crate::FactSet::default(),
        }
    }

    #[test]
    fn the_same_code_subjects_and_date_is_the_same_finding_even_when_it_grows() {
        let before = vec![f(FindingCode::Overdraft, "a", "2026-01-01", &[3])];
        let after = vec![f(FindingCode::Overdraft, "a", "2026-01-01", &[3, 9])];
        assert_eq!(diff(&before, &after), (vec![], vec![]));
    }

    #[test]
    fn a_finding_whose_date_moved_is_the_same_finding() {
        let before = vec![f(FindingCode::ClawbackDue, "c1", "2010-03-15", &[3])];
        let after = vec![f(FindingCode::ClawbackDue, "c1", "2011-06-02", &[3, 9])];
        assert_eq!(diff(&before, &after), (vec![], vec![]));
    }

    #[test]
    fn gone_is_resolved_and_new_is_raised_counting_duplicates() {
        let x = f(FindingCode::CommitmentOverdue, "c1", "2026-02-01", &[1]);
        let y = f(FindingCode::Overdraft, "a", "2026-03-01", &[4]);
        let before = vec![x.clone(), x.clone(), y.clone()];
        let after = vec![x.clone(), f(FindingCode::Overdraft, "b", "2026-04-01", &[7])];
        let (resolved, raised) = diff(&before, &after);
        assert_eq!(resolved, vec![x, y]);
        assert_eq!(raised, vec![f(FindingCode::Overdraft, "b", "2026-04-01", &[7])]);
    }
}
