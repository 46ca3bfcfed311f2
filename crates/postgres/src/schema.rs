//! The tables, and one ledger's row in them.
//!
//! Many ledgers (cities) share one database; each has a row in
//! `pledger_ledgers` naming its origin, its verifier key, its committed head
//! and the address of the node writing it. Records are packed many per row
//! in `pledger_rows` (one row per group commit or import chunk, as the sled
//! backend packs its segments), keyed by the seq of the row's first record.

use crate::PgError;
use pledger_store::Head;
use postgres::Client;

/// Idempotent: run by `pledger init` before creating a ledger.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS pledger_ledgers (
    name         text PRIMARY KEY,
    origin       text NOT NULL,
    verifier_key text NOT NULL,
    head_len     bigint NOT NULL DEFAULT 0 CHECK (head_len >= 0),
    head_hash    bytea NOT NULL,
    writer       text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS pledger_rows (
    ledger    text NOT NULL REFERENCES pledger_ledgers (name),
    first_seq bigint NOT NULL CHECK (first_seq >= 0),
    count     integer NOT NULL CHECK (count > 0),
    data      bytea NOT NULL,
    PRIMARY KEY (ledger, first_seq)
);
-- Rows are written once and read whole: compressing them costs more CPU
-- on a bulk import than the disk it saves is worth.
ALTER TABLE pledger_rows ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE IF NOT EXISTS pledger_meta (
    ledger text NOT NULL REFERENCES pledger_ledgers (name),
    key    text NOT NULL,
    value  bytea NOT NULL,
    added  bigserial NOT NULL,
    PRIMARY KEY (ledger, key)
);
";

/// What the database says about one ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    pub name: String,
    pub origin: String,
    pub verifier_key: String,
    pub head: Head,
    /// The address the current writer advertised, if any.
    pub writer: Option<String>,
}

/// The per-ledger names derived from the ledger's name: the advisory lock
/// key every candidate writer contends for, and the channel new rows are
/// announced on. Hashed so any ledger name gives a valid identifier, and
/// prefixed so they do not collide with another application's locks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    pub lock_key: i64,
    pub channel: String,
}

pub fn names(ledger: &str) -> Names {
    let digest = blake3::hash(format!("pledger ledger\n{ledger}").as_bytes());
    let bytes = digest.as_bytes();
    let mut key = [0u8; 8];
    key.copy_from_slice(&bytes[..8]);
    Names {
        lock_key: i64::from_be_bytes(key),
        channel: format!("pledger_{}", hex::encode(&bytes[..8])),
    }
}

/// A ledger name: what an operator types, and a key in every table.
pub fn check_name(name: &str) -> Result<(), PgError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(PgError::Ledger(format!(
            "{name:?} is not a ledger name: use 1 to 64 of a-z, 0-9, '-' and '_' (e.g. changde)"
        )))
    }
}

/// Creates the tables if missing and a new, empty ledger. Refuses a name
/// already taken: two data directories must never write one ledger with
/// different keys.
pub fn create_ledger(client: &mut Client, name: &str, origin: &str, verifier_key: &str) -> Result<(), PgError> {
    check_name(name)?;
    client.batch_execute(SCHEMA)?;
    let inserted = client.execute(
        "INSERT INTO pledger_ledgers (name, origin, verifier_key, head_len, head_hash)
         VALUES ($1, $2, $3, 0, $4) ON CONFLICT (name) DO NOTHING",
        &[&name, &origin, &verifier_key, &&pledger_core::record::ZERO_HASH[..]],
    )?;
    if inserted == 0 {
        return Err(PgError::Ledger(format!(
            "the database already holds a ledger named {name:?}; pick another name, or start this node with a copy of that ledger's data directory"
        )));
    }
    Ok(())
}

/// Reads one ledger's row.
pub fn load(client: &mut Client, name: &str) -> Result<LedgerRow, PgError> {
    check_name(name)?;
    let tables = client.query_one("SELECT to_regclass('pledger_ledgers') IS NOT NULL", &[])?;
    if !tables.get::<_, bool>(0) {
        return Err(PgError::Ledger(format!(
            "the database holds no pledger ledgers; create {name:?} with `pledger init --postgres URL --ledger {name}`"
        )));
    }
    let row = client
        .query_opt(
            "SELECT origin, verifier_key, head_len, head_hash, writer FROM pledger_ledgers WHERE name = $1",
            &[&name],
        )?
        .ok_or_else(|| {
            PgError::Ledger(format!(
                "the database holds no ledger named {name:?}; create it with `pledger init --postgres URL --ledger {name}`"
            ))
        })?;
    Ok(LedgerRow {
        name: name.to_string(),
        origin: row.get(0),
        verifier_key: row.get(1),
        head: head_of(row.get(2), row.get(3))?,
        writer: row.get(4),
    })
}

pub(crate) fn head_of(len: i64, hash: &[u8]) -> Result<Head, PgError> {
    let len = u64::try_from(len).map_err(|_| PgError::Corrupt(format!("the head length {len} is negative")))?;
    let hash = hash
        .try_into()
        .map_err(|_| PgError::Corrupt(format!("the head hash is {} bytes, not 32", hash.len())))?;
    Ok(Head { len, hash })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable_and_distinct() {
        let a = names("changde");
        assert_eq!(a, names("changde"));
        assert_ne!(a.lock_key, names("yiyang").lock_key);
        assert!(a.channel.starts_with("pledger_") && a.channel.len() == 8 + 16);
    }

    #[test]
    fn ledger_names_are_checked() {
        assert!(check_name("changde").is_ok());
        assert!(check_name("city-2_b").is_ok());
        for bad in ["", "Changde", "a b", "x;drop", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
