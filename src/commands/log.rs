use crate::output::Table;
use crate::{Failure, Format};
use pledger_core::record::RecordHeader;
use pledger_core::Record;
use std::io::Write;
use std::path::Path;

pub fn run(data: &Path, from: u64, limit: Option<u64>, format: Format) -> Result<(), Failure> {
    let (_dir, backend) = crate::commands::open_backend(data)?;
    let head = pledger_store::LogBackend::head(backend.as_ref())?;
    let to = head.len.min(from.saturating_add(limit.unwrap_or(u64::MAX)));
    let records = pledger_store::LogBackend::scan(backend.as_ref(), from, to);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            let mut line = Vec::with_capacity(1024);
            for r in records {
                let r = r?;
                let hash = r.hash().ok_or("a stored record is truncated; run `pledger verify`")?;
                line.clear();
                Record::write_json_line(r.body(), &hash, &mut line)?;
                out.write_all(&line)?;
            }
        }
        Format::Table | Format::Csv | Format::Xlsx => {
            let mut t = Table::new(&["seq", "recorded_at", "occurred_at", "type", "actor", "id", "hash"]);
            for r in records {
                let r = r?;
                let hash = r.hash().ok_or("a stored record is truncated; run `pledger verify`")?;
                let h = RecordHeader::parse(r.body())?;
                let ev: serde_json::Value = serde_json::from_str(h.event.get())?;
                let field = |k: &str| ev.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let short = if format == Format::Table {
                    hex::encode(&hash[..8])
                } else {
                    hex::encode(hash)
                };
                t.row(vec![
                    h.seq.to_string(),
                    h.recorded_at.to_string(),
                    field("occurred_at"),
                    field("type"),
                    field("actor"),
                    field("id"),
                    short,
                ]);
            }
            if format == Format::Csv {
                t.write_csv(&mut out)?;
            } else {
                t.write_aligned(&mut out)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
