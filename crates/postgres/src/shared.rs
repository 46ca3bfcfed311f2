//! The statements one connection runs against a ledger's rows.
//!
//! A row packs `count` records, each as a 4-byte big-endian length and then
//! the stored bytes (the 32-byte hash, then the record's canonical body):
//! the same bytes the sled backend keeps, so moving a ledger between the
//! two is copying records, not re-encoding them.

use crate::schema::{head_of, names, Names};
use crate::PgError;
use pledger_store::{Head, StoredRecord};
use postgres::error::SqlState;
use postgres::types::Type;
use postgres::{Client, Statement};

/// Rows read per query while catching up: bounded memory whatever the log's
/// size (an import row holds up to a few thousand records).
const ROWS_PER_READ: i64 = 64;

pub fn pack(records: &[StoredRecord]) -> Vec<u8> {
    let size = records.iter().map(|r| 4 + r.bytes.len()).sum();
    let mut out = Vec::with_capacity(size);
    for r in records {
        out.extend_from_slice(&(r.bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(&r.bytes);
    }
    out
}

/// The records of one row; a row that does not parse is reported as the
/// database not verifying, naming the row.
pub fn unpack(first_seq: u64, count: u32, data: &[u8]) -> Result<Vec<StoredRecord>, PgError> {
    let bad = |why: &str| PgError::Corrupt(format!("the row of records from {first_seq} is malformed: {why}"));
    let mut out = Vec::with_capacity(count as usize);
    let mut rest = data;
    for i in 0..u64::from(count) {
        let (len, tail) = rest.split_first_chunk::<4>().ok_or_else(|| bad("it ends early"))?;
        let len = u32::from_be_bytes(*len) as usize;
        if tail.len() < len {
            return Err(bad("it ends inside a record"));
        }
        let (bytes, tail) = tail.split_at(len);
        out.push(StoredRecord {
            seq: first_seq + i,
            bytes: bytes.to_vec(),
        });
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(bad("it holds more bytes than its records"));
    }
    Ok(out)
}

/// The committed head and the writer's advertised address.
pub fn read_head(client: &mut Client, ledger: &str) -> Result<(Head, Option<String>), PgError> {
    let row = client
        .query_opt(
            "SELECT head_len, head_hash, writer FROM pledger_ledgers WHERE name = $1",
            &[&ledger],
        )?
        .ok_or_else(|| PgError::Ledger(format!("the ledger {ledger:?} is gone from the database")))?;
    Ok((head_of(row.get(0), row.get(1))?, row.get(2)))
}

/// Committed records from `from` (the rows holding them, clipped), at most
/// [`ROWS_PER_READ`] rows' worth, never past `head_len`. Fails when a seq
/// is missing: rows must tile the log with no gap.
pub fn read_records(client: &mut Client, ledger: &str, from: u64, head_len: u64) -> Result<Vec<StoredRecord>, PgError> {
    if from >= head_len {
        return Ok(Vec::new());
    }
    let rows = client.query(
        "SELECT first_seq, count, data FROM pledger_rows
         WHERE ledger = $1
           AND first_seq >= COALESCE((SELECT max(first_seq) FROM pledger_rows WHERE ledger = $1 AND first_seq <= $2), 0)
           AND first_seq < $3
         ORDER BY first_seq LIMIT $4",
        &[&ledger, &(from as i64), &(head_len as i64), &ROWS_PER_READ],
    )?;
    let mut out = Vec::new();
    let mut next = from;
    for row in rows {
        let first: i64 = row.get(0);
        let count: i32 = row.get(1);
        let data: &[u8] = row.get(2);
        let (first, count) = (first as u64, count.max(0) as u32);
        if first + u64::from(count) <= next {
            continue;
        }
        if first > next {
            return Err(PgError::Corrupt(format!("record {next} is missing from the database")));
        }
        for r in unpack(first, count, data)? {
            if r.seq >= next && r.seq < head_len {
                next = r.seq + 1;
                out.push(r);
            }
        }
    }
    if out.is_empty() {
        return Err(PgError::Corrupt(format!(
            "record {from} is missing from the database (its head says {head_len})"
        )));
    }
    Ok(out)
}

/// Small named values added after `after` (their `added` counter), in order.
pub fn read_meta_since(client: &mut Client, ledger: &str, after: i64) -> Result<Vec<(String, Vec<u8>, i64)>, PgError> {
    Ok(client
        .query(
            "SELECT key, value, added FROM pledger_meta WHERE ledger = $1 AND added > $2 ORDER BY added",
            &[&ledger, &after],
        )?
        .into_iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

/// The connection of the node that writes: it holds the ledger's advisory
/// lock (PostgreSQL drops it when this session ends), so whoever else
/// connects cannot take the lock while these statements run.
pub struct WriterConn {
    client: Client,
    ledger: String,
    names: Names,
    /// Prepared once: a group commit is then one round trip and one
    /// commit in the database.
    append: Statement,
    insert: Statement,
}

/// A group commit in one statement (so one round trip, one transaction):
/// the row goes in (when there are records), the head moves only if it is
/// still at the expected length, and the followers are told. When the head
/// has moved, the division by the zero rows updated aborts the statement,
/// and with it the insert and the notification.
const APPEND: &str = "
WITH ins AS (
    INSERT INTO pledger_rows (ledger, first_seq, count, data)
    SELECT $1, $2, $3, $4 WHERE $3 > 0
    RETURNING 1
), upd AS (
    UPDATE pledger_ledgers SET head_len = $5, head_hash = $6
    WHERE name = $1 AND head_len = $7
    RETURNING 1
)
SELECT 1 / (SELECT count(*)::int FROM upd), (SELECT count(*) FROM ins), pg_notify($8, $5::text)";

impl WriterConn {
    /// Tries to take the ledger's lock on `client`; `None` when another
    /// session holds it.
    pub fn try_lock(mut client: Client, ledger: &str) -> Result<Option<WriterConn>, PgError> {
        let names = names(ledger);
        let got: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&names.lock_key])?
            .get(0);
        if !got {
            return Ok(None);
        }
        let append = client.prepare_typed(
            APPEND,
            &[
                Type::TEXT,
                Type::INT8,
                Type::INT4,
                Type::BYTEA,
                Type::INT8,
                Type::BYTEA,
                Type::INT8,
                Type::TEXT,
            ],
        )?;
        let insert = client.prepare_typed(
            "INSERT INTO pledger_rows (ledger, first_seq, count, data) VALUES ($1, $2, $3, $4)",
            &[Type::TEXT, Type::INT8, Type::INT4, Type::BYTEA],
        )?;
        Ok(Some(WriterConn {
            client,
            ledger: ledger.to_string(),
            names,
            append,
            insert,
        }))
    }

    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Names this node as the writer, for followers to send clients to.
    pub fn advertise(&mut self, address: &str) -> Result<(), PgError> {
        self.client.execute(
            "UPDATE pledger_ledgers SET writer = $2 WHERE name = $1",
            &[&self.ledger, &address],
        )?;
        Ok(())
    }

    /// Appends `records` (may be empty) and, when `head` is given, moves the
    /// committed head to it — but only if the database's head is still
    /// `expected_len`, atomically. New rows are announced to the followers
    /// when it commits. Records without a head (an import's inner chunks)
    /// stay invisible past the head until a later call moves it.
    pub fn append(&mut self, records: &[StoredRecord], head: Option<Head>, expected_len: u64) -> Result<(), PgError> {
        let first_seq = records.first().map_or(0, |r| r.seq);
        self.append_packed(first_seq, records.len(), &pack(records), head, expected_len)
    }

    /// As [`WriterConn::append`], with the records already packed.
    pub fn append_packed(
        &mut self,
        first_seq: u64,
        count: usize,
        data: &[u8],
        head: Option<Head>,
        expected_len: u64,
    ) -> Result<(), PgError> {
        let first_seq = first_seq as i64;
        let count =
            i32::try_from(count).map_err(|_| PgError::Ledger(format!("{count} records are too many for one row")))?;
        let Some(head) = head else {
            if count > 0 {
                self.client
                    .execute(&self.insert, &[&self.ledger, &first_seq, &count, &data])?;
            }
            return Ok(());
        };
        let result = self.client.execute(
            &self.append,
            &[
                &self.ledger,
                &first_seq,
                &count,
                &data,
                &(head.len as i64),
                &&head.hash[..],
                &(expected_len as i64),
                &self.names.channel,
            ],
        );
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some(&SqlState::DIVISION_BY_ZERO) => Err(PgError::Ledger(format!(
                "the ledger's head in the database is no longer at {expected_len}: another node extended it; this node stops writing"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes rows past the committed head (an import that never committed).
    pub fn discard_from(&mut self, len: u64) -> Result<(), PgError> {
        self.client.execute(
            "DELETE FROM pledger_rows WHERE ledger = $1 AND first_seq >= $2",
            &[&self.ledger, &(len as i64)],
        )?;
        Ok(())
    }

    pub fn put_meta(&mut self, key: &str, value: &[u8]) -> Result<(), PgError> {
        self.client.execute(
            "INSERT INTO pledger_meta (ledger, key, value) VALUES ($1, $2, $3)
             ON CONFLICT (ledger, key) DO UPDATE SET value = EXCLUDED.value, added = DEFAULT",
            &[&self.ledger, &key, &value],
        )?;
        Ok(())
    }

    /// Is the session (and so the lock) still alive?
    pub fn ping(&mut self) -> Result<(), PgError> {
        self.client.is_valid(std::time::Duration::from_secs(3))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_and_refuses_damage() {
        let recs: Vec<StoredRecord> = (0..3)
            .map(|i| StoredRecord {
                seq: 10 + i,
                bytes: vec![i as u8; 40 + i as usize],
            })
            .collect();
        let data = pack(&recs);
        assert_eq!(unpack(10, 3, &data).unwrap(), recs);
        assert!(unpack(10, 4, &data).is_err());
        assert!(unpack(10, 2, &data).is_err());
        assert!(unpack(10, 3, &data[..data.len() - 1]).is_err());
    }
}
