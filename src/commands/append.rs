use crate::output::Table;
use crate::{Failure, Format};
use indicatif::{ProgressBar, ProgressStyle};
use pledger_store::input::feed;
use pledger_store::{AppendError, Ledger};
use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::Path;

/// Above this many receipts the table shows a summary, not every line.
const TABLE_RECEIPT_LIMIT: usize = 50;

pub fn run(data: &Path, input: &str, format: Format) -> Result<(), Failure> {
    let (reader, size): (Box<dyn Read + Send>, Option<u64>) = if input == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        let f = File::open(input).map_err(|e| Failure::Input(format!("cannot read {input}: {e}")))?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    let (_dir, ledger) = crate::commands::open_ledger(data)?;
    let bar = match size {
        Some(n) if n > 4 << 20 && std::io::stderr().is_terminal() => {
            let b = ProgressBar::new(n);
            b.set_style(
                ProgressStyle::with_template("appending {bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        }
        _ => ProgressBar::hidden(),
    };
    let (tx, rx) = Ledger::import_channel();
    let (fed, result) = std::thread::scope(|s| {
        let feeder = s.spawn(|| {
            let reader = BufReader::with_capacity(1 << 20, reader);
            feed(reader, tx, |n| bar.inc(n))
        });
        let result = ledger.import(rx);
        (feeder.join(), result)
    });
    bar.finish_and_clear();
    let (origin, count) = match fed {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return Err(Failure::Input(format!("cannot read {input}: {e}"))),
        Err(_) => return Err(Failure::Input("the input reader failed".into())),
    };
    let outcome = match result {
        Ok(o) => o,
        Err(AppendError::Rejected(r)) => {
            let place = r.index.map(|i| format!("{}: ", origin.describe(i))).unwrap_or_default();
            let field = if r.field.is_empty() {
                String::new()
            } else {
                format!("{}: ", r.field)
            };
            return Err(Failure::Input(format!(
                "rejected, nothing was appended: {place}{field}{} [{}]",
                r.message, r.code
            )));
        }
        Err(e) => return Err(Failure::Input(format!("nothing was appended: {e}"))),
    };
    if count == 0 {
        return Err(Failure::Input(format!("{input} holds no events; nothing was appended")));
    }
    let appended = outcome.appended();
    let repeats = outcome.receipts.len() - appended;
    match format {
        Format::Json => {
            let body = serde_json::json!({"receipts": outcome.receipts, "appended": appended, "repeats": repeats});
            println!("{body}");
        }
        Format::Table | Format::Csv | Format::Xlsx => {
            let mut t = Table::new(&["seq", "hash", "status"]);
            let show_all = format == Format::Csv || outcome.receipts.len() <= TABLE_RECEIPT_LIMIT;
            for r in outcome.receipts.iter().filter(|_| show_all) {
                t.row(vec![
                    r.seq.to_string(),
                    hex::encode(r.hash),
                    if r.repeat { "already recorded" } else { "appended" }.to_string(),
                ]);
            }
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            if format == Format::Csv {
                t.write_csv(&mut out)?;
            } else {
                if show_all {
                    t.write_aligned(&mut out)?;
                }
                let head = ledger.head();
                println!(
                    "appended {appended} events, {repeats} already recorded; the log now holds {} records, head {}",
                    head.len,
                    hex::encode(head.hash)
                );
            }
        }
    }
    Ok(())
}
