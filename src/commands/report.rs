//! `pledger report VIEW [--as-of DATE] [--at-seq N]`: format section 3.

use crate::output::Table;
use crate::{Failure, Format};
use pledger_core::when::Day;
use pledger_sheets::{Report, Sheet};
use pledger_store::LogBackend;
use pledger_views::calendar::Calendar;
use pledger_views::messages::heading;
use pledger_views::{CacheSource, Facts, Lang, Scope, TableRow};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum View {
    Targets,
    Funds,
    Commitments,
    Incentives,
    /// Yearly tasks judged and ranked (format 3.7).
    Assessment,
    /// The project register (format 3.8).
    Projects,
    Findings,
    /// Findings raised and resolved since `--from-seq N` (format 3.9).
    Changes,
}

/// Today's date as the views judge it: `$PLEDGER_TODAY` when set (for
/// reproducible reports and tests), else the UTC calendar date.
pub fn today() -> Result<Day, Failure> {
    match std::env::var("PLEDGER_TODAY") {
        Ok(s) => Day::parse(&s).map_err(|e| Failure::Input(format!("PLEDGER_TODAY: {e}"))),
        Err(_) => Ok(Day(time::OffsetDateTime::now_utc().date())),
    }
}

/// Parses `--as-of`.
pub fn parse_day(s: &str) -> Result<Day, String> {
    Day::parse(s)
}

/// Where the views snapshot of a data directory lives.
pub fn snapshot_path(data: &Path) -> PathBuf {
    data.join(pledger_views::snapshot::FILE_NAME)
}

/// Facts for `scope` over the first `len` records, through the data
/// directory's views snapshot (read when it serves the scope, rewritten
/// when stale or far behind; see docs/views.md). The snapshot is only a
/// cache: when it is refused or cannot be saved, a note goes to stderr and
/// the answer is the same.
pub fn load_facts(data: &Path, backend: &dyn LogBackend, len: u64, scope: Scope) -> Result<Facts, Failure> {
    let (facts, used) = pledger_views::load_cached(backend, len, scope, &snapshot_path(data))?;
    if matches!(used.source, CacheSource::Rejected(_)) || matches!(used.refreshed, Some(Err(_))) {
        eprintln!("pledger: note: {used}");
    }
    Ok(facts)
}

/// Loads the facts a report needs, and the date statuses are judged at.
pub fn facts_for(data: &Path, scope: Scope) -> Result<(Facts, Day), Failure> {
    let (_dir, backend) = crate::commands::open_backend(data)?;
    let head = backend.head()?;
    let facts = load_facts(data, backend.as_ref(), head.len, scope)?;
    let now = match scope.as_of {
        Some(d) => d,
        None => today()?,
    };
    Ok((facts, now))
}

/// The scope as printed in JSON reports, so a tool knows what it got.
#[derive(Serialize)]
struct Judged {
    judged_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at_seq: Option<u64>,
}

fn print_json(out: &mut dyn Write, scope: Scope, now: Day, body: impl Serialize) -> Result<(), Failure> {
    let mut v = serde_json::to_value(body)?;
    let judged = serde_json::to_value(Judged {
        judged_at: now.to_string(),
        as_of: scope.as_of.map(|d| d.to_string()),
        at_seq: scope.at_seq,
    })?;
    if let (Some(obj), serde_json::Value::Object(j)) = (v.as_object_mut(), judged) {
        obj.extend(j);
    }
    writeln!(out, "{v}")?;
    Ok(())
}

/// Prints rows as an aligned table headed in `lang`, under `title`.
pub fn print_rows<R: TableRow>(
    out: &mut dyn Write,
    rows: &[R],
    title: Option<&'static str>,
    lang: Lang,
) -> Result<(), Failure> {
    let mut t = Table::new(&R::header_in(lang));
    for r in rows {
        t.row(r.cells_in(lang));
    }
    if let Some(title) = title {
        writeln!(out, "{}", heading(title, lang))?;
    }
    t.write_aligned(out)?;
    Ok(())
}

/// `--format csv|xlsx`: the report's typed sheets (pledger-sheets) as CSV
/// (its main table, the first sheet) or as a workbook (every sheet).
pub fn write_sheets(out: &mut Vec<u8>, sheets: &[Sheet], format: Format, lang: Lang, now: Day) -> Result<(), Failure> {
    match format {
        Format::Xlsx => out.extend(pledger_sheets::xlsx(sheets, lang, now)?),
        _ => {
            if let Some(first) = sheets.first() {
                first.write_csv(out)?;
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    data: &Path,
    view: View,
    scope: Scope,
    holidays: Option<&Path>,
    from_seq: Option<u64>,
    format: Format,
    lang: Lang,
    out: Option<&Path>,
) -> Result<(), Failure> {
    // Refused before any work: a workbook is not for a terminal.
    let sink = Sink::new(out, format)?;
    let mut buf = Vec::new();
    write_report(&mut buf, data, view, scope, holidays, from_seq, format, lang)?;
    sink.deliver(&buf)
}

#[allow(clippy::too_many_arguments)]
fn write_report(
    out: &mut Vec<u8>,
    data: &Path,
    view: View,
    scope: Scope,
    holidays: Option<&Path>,
    from_seq: Option<u64>,
    format: Format,
    lang: Lang,
) -> Result<(), Failure> {
    let calendar = calendar(holidays)?;
    match (view, from_seq) {
        (View::Changes, Some(from)) => return changes(out, data, scope, from, &calendar, format, lang),
        (View::Changes, None) => {
            return Err(Failure::Input(
                "report changes needs --from-seq N: the log position of the last audit (the last seq it saw)".into(),
            ))
        }
        (_, Some(_)) => return Err(Failure::Input("--from-seq goes with `report changes` only".into())),
        (_, None) => {}
    }
    let (facts, now) = facts_for(data, scope)?;
    if matches!(format, Format::Csv | Format::Xlsx) {
        let report = match view {
            View::Targets => Report::Targets,
            View::Funds => Report::Funds,
            View::Commitments => Report::Commitments,
            View::Incentives => Report::Incentives,
            View::Assessment => Report::Assessment,
            View::Projects => Report::Projects,
            View::Findings => Report::Findings,
            View::Changes => unreachable!("handled above"),
        };
        let sheets = pledger_sheets::report(report, &facts, now, &calendar, lang);
        return write_sheets(out, &sheets, format, lang, now);
    }
    let json = format == Format::Json;
    match view {
        View::Targets => {
            let r = pledger_views::targets::report(&facts, now);
            if json {
                return print_json(out, scope, now, &r);
            }
            print_rows(out, &r.targets, None, lang)?;
            if !r.miss_runs.is_empty() {
                writeln!(out)?;
                print_rows(out, &r.miss_runs, Some("consecutive missed periods"), lang)?;
            }
        }
        View::Funds => {
            let r = pledger_views::funds::report(&facts, now);
            if json {
                return print_json(out, scope, now, &r);
            }
            print_rows(out, &r.accounts, Some("accounts"), lang)?;
            writeln!(out)?;
            print_rows(out, &r.allocations, Some("allocations"), lang)?;
        }
        View::Commitments => {
            let r = pledger_views::commitments::report(&facts, now, &calendar);
            if json {
                return print_json(out, scope, now, &r);
            }
            print_rows(out, &r.commitments, None, lang)?;
        }
        View::Incentives => {
            let r = pledger_views::incentives::report(&facts, now);
            if json {
                return print_json(out, scope, now, &r);
            }
            print_rows(out, &r.schemes, Some("schemes"), lang)?;
            writeln!(out)?;
            print_rows(out, &r.payouts, Some("payouts"), lang)?;
        }
        View::Assessment => {
            let r = pledger_views::assessment::report(&facts, now);
            if json {
                return print_json(out, scope, now, &r);
            }
            print_rows(out, &r.tasks, None, lang)?;
            let runs: Vec<_> = r.runs.iter().filter(|x| x.consecutive_failed > 0).cloned().collect();
            if !runs.is_empty() {
                writeln!(out)?;
                print_rows(out, &runs, Some("failed tasks in a row"), lang)?;
            }
        }
        View::Projects => {
            let r = pledger_views::projects::report(&facts, now);
            if json {
                return print_json(out, scope, now, &r);
            }
            print_rows(out, &r.projects, None, lang)?;
        }
        View::Findings => {
            let mut findings = pledger_views::findings::all_with(&facts, now, &calendar);
            pledger_views::messages::localize(&mut findings, lang);
            if json {
                return print_json(out, scope, now, serde_json::json!({ "findings": findings }));
            }
            print_rows(out, &findings, None, lang)?;
        }
        View::Changes => unreachable!("handled above"),
    }
    Ok(())
}

/// Where a report goes: `--out FILE` (any format), else standard output —
/// but a workbook only when standard output is not a terminal, where its
/// bytes would be noise.
pub struct Sink<'a> {
    out: Option<&'a Path>,
}

impl<'a> Sink<'a> {
    pub fn new(out: Option<&'a Path>, format: Format) -> Result<Sink<'a>, Failure> {
        if out.is_none() && format == Format::Xlsx && std::io::stdout().is_terminal() {
            return Err(Failure::Input(
                "--format xlsx writes a workbook: give --out FILE (e.g. --out report.xlsx), or redirect standard output to a file".into(),
            ));
        }
        Ok(Sink { out })
    }

    /// Writes `bytes` to the file (through a file beside it, renamed into
    /// place when complete, so a reader never sees half a workbook) or to
    /// standard output.
    pub fn deliver(&self, bytes: &[u8]) -> Result<(), Failure> {
        let Some(path) = self.out else {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            lock.write_all(bytes)?;
            lock.flush()?;
            return Ok(());
        };
        let name = path
            .file_name()
            .ok_or_else(|| Failure::Input(format!("--out {} names no file", path.display())))?;
        let tmp = path.with_file_name(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id()));
        let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(Failure::Input(format!("cannot write {}: {e}", path.display())));
        }
        Ok(())
    }
}

/// The holiday calendar of `--holidays`, else Monday to Friday.
fn calendar(holidays: Option<&Path>) -> Result<Calendar, Failure> {
    Ok(match holidays {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| Failure::Input(format!("cannot read {}: {e}", p.display())))?;
            Calendar::from_text(&text).map_err(|e| Failure::Input(format!("{}: {e}", p.display())))?
        }
        None => Calendar::weekdays(),
    })
}

/// `report changes --from-seq N` (format 3.9): findings at `at_seq = N`
/// against findings now, both judged at the same date.
fn changes(
    out: &mut Vec<u8>,
    data: &Path,
    scope: Scope,
    from: u64,
    calendar: &Calendar,
    format: Format,
    lang: Lang,
) -> Result<(), Failure> {
    if scope.at_seq.is_some() {
        return Err(Failure::Input(
            "report changes compares --from-seq with the log as it is now; drop --at-seq".into(),
        ));
    }
    let (_dir, backend) = crate::commands::open_backend(data)?;
    let len = backend.head()?.len;
    if from >= len {
        return Err(Failure::Input(format!(
            "--from-seq {from} is beyond the end of the log ({len} records, the last is {})",
            len.saturating_sub(1)
        )));
    }
    let now = match scope.as_of {
        Some(d) => d,
        None => today()?,
    };
    // Facts at the audited position come from their own cache (the first
    // question about a position replays the log up to it); an `as_of`
    // scope rebuilds both sides.
    let at_position = Scope {
        at_seq: Some(from),
        ..scope
    };
    let backend = backend.as_ref();
    let load_before = || -> Result<Facts, Failure> {
        if scope.as_of.is_some() {
            return Ok(pledger_views::load(backend, len, at_position)?);
        }
        let path = data.join(pledger_views::load::POSITION_FILE_NAME);
        let (facts, used) = pledger_views::load_position(backend, len, from, &path, &snapshot_path(data))?;
        if matches!(used.refreshed, Some(Err(_))) {
            eprintln!("pledger: note: {used}");
        }
        Ok(facts)
    };
    // The replay to the position and the load of today's facts overlap:
    // one is mostly a sequential filing, the other a snapshot's decoding.
    let (before, after) = rayon::join(load_before, || load_facts(data, backend, len, scope));
    let (before, after) = (before?, after?);
    let (before, after) = rayon::join(
        || pledger_views::findings::all_with(&before, now, calendar),
        || pledger_views::findings::all_with(&after, now, calendar),
    );
    let mut changes = pledger_views::changes::changes(backend, len, from, &before, &after)?;
    changes.localize(lang);
    if format == Format::Json {
        return print_json(out, scope, now, &changes);
    }
    if matches!(format, Format::Csv | Format::Xlsx) {
        return write_sheets(out, &[pledger_sheets::changes(&changes, lang)], format, lang, now);
    }
    let header: Vec<&str> = ["change", "date", "code", "subjects", "changed_by", "message"]
        .into_iter()
        .map(|h| heading(h, lang))
        .collect();
    let mut t = Table::new(&header);
    let (raised, resolved) = match lang {
        Lang::En => ("raised", "resolved"),
        Lang::ZhCn => ("新出现", "已消失"),
    };
    for (word, list) in [(raised, &changes.raised), (resolved, &changes.resolved)] {
        for c in list {
            let f = &c.finding;
            let by: Vec<String> = c.changed_by.iter().map(|b| format!("{} {}", b.seq, b.kind)).collect();
            let cells = f.cells_in(lang);
            t.row(vec![
                word.to_string(),
                f.date.to_string(),
                cells[1].clone(),
                f.subjects.join(" "),
                by.join("; "),
                f.message.clone(),
            ]);
        }
    }
    match lang {
        Lang::En => writeln!(
            out,
            "findings since log position {from} (records {}..={}): {} raised, {} resolved",
            from + 1,
            changes.to_seq,
            changes.raised.len(),
            changes.resolved.len()
        )?,
        Lang::ZhCn => writeln!(
            out,
            "自账本位置 {from} 以来的问题线索（第{}至{}条记录）：新出现{}条，已消失{}条",
            from + 1,
            changes.to_seq,
            changes.raised.len(),
            changes.resolved.len()
        )?,
    }
    t.write_aligned(out)?;
    Ok(())
}
