//! Reading events from a file or stdin: NDJSON (one object per line) or a
//! single JSON array. Lines are parsed and prepared in parallel chunks and
//! fed to the ledger's import as they are read, so memory stays flat for a
//! year of vouchers.

use crate::ledger::{prepare, ImportChunk};
use pledger_core::{Rejection, RejectionKind};
use rayon::prelude::*;
use serde_json::Value;
use std::io::BufRead;
use std::sync::mpsc::SyncSender;

/// Events per chunk handed to the writer.
pub const CHUNK: usize = 4096;

/// Where each event came from, to turn "event #N" into "line L".
pub enum Origin {
    /// NDJSON: the line number of each event, in order.
    Lines(Vec<u32>),
    /// A JSON array: event i is element i.
    Array,
}

impl Origin {
    pub fn describe(&self, index: usize) -> String {
        match self {
            Origin::Lines(lines) => match lines.get(index) {
                Some(l) => format!("line {l}"),
                None => format!("event #{}", index + 1),
            },
            Origin::Array => format!("array element #{}", index + 1),
        }
    }
}

fn prepare_chunk(values: Vec<(usize, Result<Value, String>)>) -> ImportChunk {
    first_error_in_order(
        values
            .into_par_iter()
            .map(|(index, v)| {
                let v = v.map_err(|e| {
                    Rejection::new(RejectionKind::InvalidJson, "", format!("not valid JSON: {e}")).at_index(index)
                })?;
                prepare(v).map_err(|r| r.at_index(index))
            })
            .collect(),
    )
}

/// The values, or the error of the earliest input that failed. Collecting
/// a parallel iterator straight into a `Result` stops at whichever error a
/// thread finds first, so a batch with two bad events would name either;
/// the one that comes first in the input is the one to report.
pub fn first_error_in_order<T, E>(results: Vec<Result<T, E>>) -> Result<Vec<T>, E> {
    results.into_iter().collect()
}

/// Reads `reader` to the end, sending prepared chunks to `tx`. Stops at the
/// first bad event (sent as the error). Returns where events came from and
/// how many were read. `on_bytes` reports progress.
pub fn feed(
    mut reader: impl BufRead,
    tx: SyncSender<ImportChunk>,
    mut on_bytes: impl FnMut(u64),
) -> Result<(Origin, usize), std::io::Error> {
    // Peek at the first non-blank byte to tell an array from NDJSON.
    let first = loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break None;
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    match first {
        None => Ok((Origin::Lines(Vec::new()), 0)),
        Some(b'[') => {
            let mut all = Vec::new();
            reader.read_to_end(&mut all)?;
            on_bytes(all.len() as u64);
            // Split the array first, then read each element strictly, so a
            // fault is reported against its element.
            let elements: Vec<&serde_json::value::RawValue> = match serde_json::from_slice(&all) {
                Ok(v) => v,
                Err(e) => {
                    let _ = tx.send(Err(Rejection::new(
                        RejectionKind::InvalidJson,
                        "",
                        format!("the input is not a valid JSON array of events: {e}"),
                    )));
                    return Ok((Origin::Array, 0));
                }
            };
            let n = elements.len();
            let mut it = elements.into_iter().enumerate().peekable();
            while it.peek().is_some() {
                let part: Vec<_> = it
                    .by_ref()
                    .take(CHUNK)
                    .map(|(i, raw)| {
                        (
                            i,
                            pledger_core::json::parse_strict(raw.get().as_bytes()).map_err(|e| e.to_string()),
                        )
                    })
                    .collect();
                let chunk = prepare_chunk(part);
                let stop = chunk.is_err();
                if tx.send(chunk).is_err() || stop {
                    break;
                }
            }
            Ok((Origin::Array, n))
        }
        Some(_) => {
            let mut lines = Vec::new();
            let mut line_no: u32 = 0;
            let mut count = 0usize;
            let mut buf = Vec::with_capacity(1024);
            loop {
                let mut part = Vec::with_capacity(CHUNK);
                while part.len() < CHUNK {
                    buf.clear();
                    let n = reader.read_until(b'\n', &mut buf)?;
                    if n == 0 {
                        break;
                    }
                    on_bytes(n as u64);
                    line_no += 1;
                    if buf.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    lines.push(line_no);
                    part.push((count, pledger_core::json::parse_strict(&buf).map_err(|e| e.to_string())));
                    count += 1;
                }
                if part.is_empty() {
                    break;
                }
                let chunk = prepare_chunk(part);
                let stop = chunk.is_err();
                if tx.send(chunk).is_err() || stop {
                    break;
                }
            }
            Ok((Origin::Lines(lines), count))
        }
    }
}
