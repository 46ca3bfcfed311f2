//! The PostgreSQL backend against a real server: the store's conformance
//! suite (the one the memory and sled backends run), and the rules that
//! keep two writers from both extending a ledger.

mod pg;

use pg::{psql, PgCluster};
use pledger_postgres::open_once;
use pledger_store::{Ledger, LogBackend, MemBackend, StoreError};
use serde_json::json;
use std::sync::Arc;

const ORIGIN: &str = "pledger.test/pg";
const KEY: &str = "pledger.test/pg+00000000+AAAA";

fn open(url: &str, ledger: &str, create: bool) -> Arc<pledger_postgres::PgBackend> {
    open_once(url, ledger, ORIGIN, KEY, create, Arc::new(MemBackend::new()))
        .unwrap_or_else(|e| panic!("the ledger {ledger} does not open: {e}"))
}

fn founding() -> Vec<serde_json::Value> {
    vec![
        json!({"type": "entity.registered", "id": "reg-pg-city", "actor": "pg-city", "occurred_at": "2026-01-01",
               "data": {"entity_id": "pg-city", "kind": "government", "name": "测试市"}}),
    ]
}

fn account(n: u32) -> serde_json::Value {
    json!({"type": "account.opened", "id": format!("acct-{n}"), "actor": "pg-city", "occurred_at": "2026-01-02",
           "data": {"account_id": format!("pg-acct-{n}"), "holder": "pg-city", "name": format!("账户{n}"), "kind": "source"}})
}

#[test]
fn the_postgresql_backend_passes_the_store_conformance_suite() {
    let cluster = PgCluster::primary_only();
    let url = cluster.url();
    let mut first = true;
    pledger_store::conformance::run(&mut || {
        let create = std::mem::replace(&mut first, false);
        open(&url, "conformance", create) as Arc<dyn LogBackend>
    });
    // What the suite left is what the database holds: rows tile the log.
    let rows = psql(
        &url,
        "SELECT sum(count), (SELECT head_len FROM pledger_ledgers WHERE name = 'conformance') FROM pledger_rows WHERE ledger = 'conformance'",
    );
    let parts: Vec<&str> = rows.trim().split('|').collect();
    assert_eq!(parts[0], parts[1], "rows past the head were left behind: {rows}");
}

#[test]
fn only_the_lock_holder_writes_and_only_from_the_head_it_knows() {
    let cluster = PgCluster::primary_only();
    let url = cluster.url();
    let a = open(&url, "city", true);
    assert!(a.is_writer(), "the first node takes the free lock");
    let writer = Ledger::open(a.clone()).unwrap();
    writer.append_values(founding()).unwrap();
    writer.append_values(vec![account(1)]).unwrap();
    let b = open(&url, "city", false);
    assert!(!b.is_writer(), "a second node cannot take a held lock");
    assert_eq!(b.head().unwrap(), writer.head(), "a second node reads the log");

    // The follower refuses an append before writing anything.
    let follower = Ledger::open(b.clone()).unwrap();
    let refused = follower.append_values(vec![account(2)]).unwrap_err();
    assert!(
        matches!(refused, pledger_store::AppendError::Store(StoreError::NotWriter(_))),
        "{refused}"
    );
    follower.close();

    // Someone moves the head behind the writer's back: its next commit
    // finds the head elsewhere, writes nothing, and gives up the lock.
    let before = psql(&url, "SELECT count(*) FROM pledger_rows WHERE ledger = 'city'");
    psql(
        &url,
        "UPDATE pledger_ledgers SET head_len = head_len + 1 WHERE name = 'city'",
    );
    let e = writer.append_values(vec![account(3)]).unwrap_err();
    assert!(e.to_string().contains("does not write the ledger"), "{e}");
    assert!(!a.is_writer(), "a writer that lost the head resigns");
    assert_eq!(
        psql(&url, "SELECT count(*) FROM pledger_rows WHERE ledger = 'city'"),
        before
    );
    psql(
        &url,
        "UPDATE pledger_ledgers SET head_len = head_len - 1 WHERE name = 'city'",
    );
    writer.close();
    drop(writer);
    drop(a);

    // With the old writer's session gone, the lock is free again, and the
    // new writer continues from the database's head.
    drop(b);
    let c = open(&url, "city", false);
    assert!(c.is_writer());
    let ledger = Ledger::open(c.clone()).unwrap();
    assert_eq!(ledger.len(), 2);
    let r = ledger.append_values(vec![account(4)]).unwrap();
    assert_eq!(r.receipts[0].seq, 2);
    ledger.close();
}

#[test]
fn ledgers_in_one_database_are_independent() {
    let cluster = PgCluster::primary_only();
    let url = cluster.url();
    let one = open(&url, "one", true);
    let two = open(&url, "two", true);
    assert!(one.is_writer() && two.is_writer(), "each ledger has its own lock");
    let l1 = Ledger::open(one.clone()).unwrap();
    let l2 = Ledger::open(two.clone()).unwrap();
    l1.append_values(founding()).unwrap();
    l1.append_values(vec![account(1), account(2)]).unwrap();
    l2.append_values(founding()).unwrap();
    assert_eq!((l1.len(), l2.len()), (3, 1));
    l1.close();
    l2.close();
    drop((l1, l2, one, two));
    assert_eq!(open(&url, "one", false).head().unwrap().len, 3);
    assert_eq!(open(&url, "two", false).head().unwrap().len, 1);
    // A name taken is refused, not overwritten.
    let again = open_once(&url, "one", ORIGIN, KEY, true, Arc::new(MemBackend::new())).err();
    assert!(again.is_some_and(|e| e.to_string().contains("already holds a ledger named")));
}
