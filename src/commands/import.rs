//! `pledger import FILE --type T [--sheet NAME] [--map MAP.toml] [--dry-run]`:
//! a spreadsheet (xlsx, xls, ods) or CSV file of one event type, every
//! row one event, appended as one batch or not at all. The mapping is
//! pledger-import'; the judging is the ledger's own append path.

use crate::output::Table;
use crate::{Failure, Format};
use indicatif::{ProgressBar, ProgressStyle};
use pledger_import::{judge, map_sheet, read, ColumnMap, Lang, Problem};
use pledger_store::AppendError;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The workbook (.xlsx, .xls, .ods) or .csv file.
    file: PathBuf,
    /// The event type every row records, e.g. fund.disbursed.
    #[arg(long = "type", value_name = "EVENT_TYPE")]
    event_type: String,
    /// The sheet to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// A TOML file naming, under [columns], the field each header feeds.
    #[arg(long, value_name = "MAP.toml")]
    map: Option<PathBuf>,
    /// Check every row and list the bad ones; write nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(data: &Path, args: ImportArgs, format: Format, lang: Lang) -> Result<(), Failure> {
    let t = pledger_import::event_type(&args.event_type).map_err(|e| Failure::Input(e.text(lang)))?;
    let map = match &args.map {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| Failure::Input(format!("cannot read {}: {e}", p.display())))?;
            ColumnMap::parse(&text).map_err(|e| Failure::Input(e.text(lang)))?
        }
        None => ColumnMap::default(),
    };
    let bytes =
        std::fs::read(&args.file).map_err(|e| Failure::Input(format!("cannot read {}: {e}", args.file.display())))?;
    let grid = read::read(&bytes, args.sheet.as_deref()).map_err(|e| Failure::Input(e.text(lang)))?;
    let mapped = map_sheet(t, &grid, &map);
    let (_dir, ledger) = crate::commands::open_ledger(data)?;
    // A bar on a terminal only: piped output stays clean for scripts.
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(mapped.events.len() as u64);
        b.set_style(
            ProgressStyle::with_template("checking rows {bar:40} {pos}/{len} {per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let judged = judge::judge(&ledger, &mapped, None, &|n| bar.inc(n))?;
    bar.finish_and_clear();
    let ready = match judged {
        Ok(r) => r,
        Err(problems) => {
            print_problems(&problems, format, lang)?;
            let n = problems.len();
            return Err(Failure::Input(match (lang, args.dry_run) {
                (Lang::ZhCn, true) => format!("试导入：发现 {n} 处问题，未写入任何记录"),
                (Lang::ZhCn, false) => format!("发现 {n} 处问题，未写入任何记录"),
                (Lang::En, _) => format!(
                    "{n} problem{} found; nothing was appended",
                    if n == 1 { "" } else { "s" }
                ),
            }));
        }
    };
    let rows = ready.len();
    if args.dry_run {
        match format {
            Format::Json => println!("{}", serde_json::json!({"dry_run": true, "rows": rows, "problems": []})),
            _ => println!(
                "{}",
                match lang {
                    Lang::ZhCn => format!("试导入：{rows} 行均可记录（{}），未写入任何记录", t.as_str()),
                    Lang::En => format!(
                        "dry run: all {rows} rows can be recorded as {}; nothing was written",
                        t.as_str()
                    ),
                }
            ),
        }
        return Ok(());
    }
    let spinner = if std::io::stderr().is_terminal() {
        let s = ProgressBar::new_spinner();
        s.set_message(format!("appending {rows} events"));
        s.enable_steady_tick(std::time::Duration::from_millis(100));
        s
    } else {
        ProgressBar::hidden()
    };
    let first_row = ready.rows.clone();
    let outcome = ready.append(&ledger);
    spinner.finish_and_clear();
    let outcome = match outcome {
        Ok(o) => o,
        Err(AppendError::Rejected(r)) => {
            // Something changed between the check and the append (only
            // another writer could do that); report it on its row.
            let row = r.index.and_then(|i| first_row.get(i).copied()).unwrap_or(1);
            let p = pledger_import::rejection_problem(&mapped.layout, row, &r);
            return Err(Failure::Input(format!("{}; nothing was appended", p.text(lang))));
        }
        Err(e) => return Err(Failure::Input(format!("nothing was appended: {e}"))),
    };
    let appended = outcome.appended();
    let repeats = outcome.receipts.len() - appended;
    let head = ledger.head();
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"receipts": outcome.receipts, "appended": appended, "repeats": repeats, "rows": rows})
        ),
        _ => println!(
            "{}",
            match lang {
                Lang::ZhCn => format!(
                    "已导入 {rows} 行（{}）：新增 {appended} 条记录，{repeats} 条此前已记录；账本现有 {} 条记录，最新哈希 {}",
                    t.as_str(),
                    head.len,
                    hex::encode(head.hash)
                ),
                Lang::En => format!(
                    "imported {rows} rows as {}: appended {appended} events, {repeats} already recorded; the log now holds {} records, head {}",
                    t.as_str(),
                    head.len,
                    hex::encode(head.hash)
                ),
            }
        ),
    }
    Ok(())
}

/// Every problem: a table (row, column, reason) or JSON, on stdout.
fn print_problems(problems: &[Problem], format: Format, lang: Lang) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            let list: Vec<_> = problems.iter().map(|p| p.to_json(lang)).collect();
            println!("{}", serde_json::json!({"problems": list}));
        }
        // main.rs refuses `--format xlsx` for import before it runs.
        Format::Table | Format::Csv | Format::Xlsx => {
            let header: &[&str] = match lang {
                Lang::ZhCn => &["行", "列", "代码", "原因"],
                Lang::En => &["row", "column", "code", "reason"],
            };
            let mut t = Table::new(header);
            for p in problems {
                t.row(vec![
                    p.row.to_string(),
                    p.column.clone().unwrap_or_default(),
                    p.reason.code().to_string(),
                    p.reason.text(lang),
                ]);
            }
            if format == Format::Csv {
                t.write_csv(&mut out)?;
            } else {
                t.write_aligned(&mut out)?;
            }
        }
    }
    Ok(())
}
