//! The ledger from the outside: what goes in, what is stored, what comes
//! back, on both backends. Given / when / then.

mod common;

use common::*;
use pledger_core::record::ZERO_HASH;
use pledger_core::{Rejection, RejectionKind};
use pledger_store::ledger::ImportChunk;
use pledger_store::{verify_log, AppendError, Head, Ledger, LogBackend, Receipt, VerifyReport};
use serde_json::{json, Value};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;

fn verified(backend: &dyn LogBackend) -> VerifyReport {
    verify_log(backend, |_| {}).unwrap_or_else(|f| panic!("verify failed: {f}"))
}

fn founded(ledger: &Ledger) -> Vec<Receipt> {
    ledger.append(preps(founding())).expect("founding accepted").receipts
}

/// What a reader can observe of the log: head, committed length, the verify
/// report, and that nothing lies past the head.
fn snapshot(ledger: &Ledger) -> (Head, u64, VerifyReport) {
    let backend = ledger.backend().as_ref();
    assert!(
        backend.get(ledger.len()).unwrap().is_none(),
        "no record past the committed head"
    );
    assert!(
        backend.scan_nodes(0, ledger.len()).next().is_none(),
        "no Merkle leaf past the committed head"
    );
    (ledger.head(), ledger.len(), verified(backend))
}

fn rejected(r: Result<pledger_store::AppendOutcome, AppendError>) -> Rejection {
    match r {
        Err(AppendError::Rejected(r)) => r,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

// ------------------------------------------------------ append and read

#[test]
fn given_a_new_ledger_when_events_are_appended_then_they_read_back_as_submitted() {
    for f in fixtures() {
        let events = founding();
        let out = f.ledger.append(preps(events.clone())).unwrap();
        assert_eq!(out.appended(), events.len(), "{}", f.name);
        assert!(!out.all_repeats());
        assert_eq!(f.ledger.len(), events.len() as u64);
        for (seq, submitted) in events.iter().enumerate() {
            let r = f.ledger.get(seq as u64).unwrap().expect("committed record");
            assert_eq!(r.seq, seq as u64);
            assert_eq!(&stored_event(f.backend.as_ref(), seq as u64), submitted, "{}", f.name);
        }
        assert!(f.ledger.get(events.len() as u64).unwrap().is_none());
        let scanned: Vec<u64> = f.ledger.scan(2, 3).map(|r| r.unwrap().seq).collect();
        assert_eq!(scanned, vec![2, 3, 4]);
        let all: Vec<u64> = f.ledger.scan(0, 1000).map(|r| r.unwrap().seq).collect();
        assert_eq!(all, (0..events.len() as u64).collect::<Vec<_>>());
    }
}

#[test]
fn receipts_number_records_from_zero_without_gaps_and_chain_their_hashes() {
    for f in fixtures() {
        let mut receipts = founded(&f.ledger);
        for batch in 0..5 {
            let events: Vec<Value> = (0..=batch)
                .map(|i| disbursement(&format!("d-{batch}-{i}"), "treasury", "acme-acct", "1.50"))
                .collect();
            receipts.extend(f.ledger.append(preps(events)).unwrap().receipts);
        }
        let seqs: Vec<u64> = receipts.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (0..receipts.len() as u64).collect::<Vec<_>>(), "{}", f.name);
        assert!(receipts.iter().all(|r| !r.repeat));

        // Then an outside recomputation agrees with every receipt ...
        let hashes = check_chain(f.backend.as_ref());
        assert_eq!(hashes, receipts.iter().map(|r| r.hash).collect::<Vec<_>>());
        // ... the first record links to 64 zeros ...
        let first = stored_event_record(f.backend.as_ref(), 0);
        assert_eq!(first.prev_hash, hex::encode(ZERO_HASH));
        // ... and the head names the last one.
        let last = receipts.last().unwrap();
        assert_eq!(
            f.ledger.head(),
            Head {
                len: receipts.len() as u64,
                hash: last.hash
            }
        );
        assert_eq!(verified(f.backend.as_ref()).head_hash, last.hash);
    }
}

fn stored_event_record(backend: &dyn LogBackend, seq: u64) -> pledger_core::Record {
    let r = backend.get(seq).unwrap().unwrap();
    pledger_core::Record::from_body(r.body(), &r.hash().unwrap()).unwrap()
}

#[test]
fn a_receipt_serialises_as_seq_and_hex_hash() {
    let f = &fixtures()[0];
    let r = founded(&f.ledger)[0];
    assert_eq!(
        serde_json::to_value(r).unwrap(),
        json!({"seq": 0, "hash": hex::encode(r.hash)})
    );
}

// ----------------------------------------------------- all or nothing

#[test]
fn given_a_batch_with_one_bad_event_when_appended_then_nothing_of_it_is_written() {
    for f in fixtures() {
        founded(&f.ledger);
        let before = snapshot(&f.ledger);
        let good1 = entity("newco", "enterprise", "city");
        let good2 = account("newco-acct", "newco");
        let bad = disbursement("d-bad", "treasury", "no-such-account", "5");
        let r = rejected(f.ledger.append(preps([good1.clone(), good2.clone(), bad])));
        assert_eq!(
            (r.code, r.field.as_str(), r.index),
            ("unknown_reference", "data.to_account", Some(2))
        );

        // Then head, length and the verified log are exactly as before ...
        assert_eq!(snapshot(&f.ledger), before, "{}", f.name);
        // ... and the ids of the refused batch are still free.
        let out = f.ledger.append(preps([good1, good2])).unwrap();
        assert_eq!(out.appended(), 2, "{}", f.name);
        assert_eq!(out.receipts[0].seq, before.1);
    }
}

#[test]
fn a_batch_whose_events_break_the_contract_alone_is_refused_before_it_reaches_the_writer() {
    let f = &fixtures()[0];
    founded(&f.ledger);
    let before = snapshot(&f.ledger);
    let mut bad = disbursement("d1", "treasury", "acme-acct", "5");
    bad["data"]["amount"] = json!(5);
    let r = rejected(f.ledger.append_values(vec![entity("newco", "enterprise", "city"), bad]));
    assert_eq!(
        (r.code, r.field.as_str(), r.index),
        ("bad_amount", "data.amount", Some(1))
    );
    assert_eq!(snapshot(&f.ledger), before);
}

#[test]
fn a_refused_request_does_not_disturb_others_committed_with_it() {
    for f in fixtures() {
        founded(&f.ledger);
        // Submitted back to back so they are likely to share a group commit.
        let (tx, rx) = std::sync::mpsc::channel();
        for i in 0..20 {
            let to = if i % 3 == 0 { "no-such-account" } else { "acme-acct" };
            let e = disbursement(&format!("d{i}"), "treasury", to, "1");
            let tx = tx.clone();
            f.ledger.submit(vec![prep(e)], move |r| tx.send((i, r)).unwrap());
        }
        drop(tx);
        let mut results: Vec<_> = rx.iter().collect();
        results.sort_by_key(|(i, _)| *i);
        assert_eq!(results.len(), 20);
        for (i, r) in results {
            assert_eq!(r.is_ok(), i % 3 != 0, "{}: request {i}: {r:?}", f.name);
        }
        assert_eq!(f.ledger.len(), 6 + 13);
        check_chain(f.backend.as_ref());
        verified(f.backend.as_ref());
    }
}

// -------------------------------------------------------- idempotency

#[test]
fn given_an_event_with_an_id_when_it_is_sent_again_unchanged_then_the_first_receipt_comes_back() {
    for f in fixtures() {
        founded(&f.ledger);
        let e = disbursement("d1", "treasury", "acme-acct", "5");
        let first = f.ledger.append(vec![prep(e.clone())]).unwrap().receipts[0];
        let len = f.ledger.len();
        let again = f.ledger.append(vec![prep(e.clone())]).unwrap();
        assert!(again.all_repeats());
        assert_eq!(again.appended(), 0);
        assert_eq!(again.receipts[0], Receipt { repeat: true, ..first }, "{}", f.name);
        assert_eq!(f.ledger.len(), len, "nothing appended");
        // The same content written differently (key order, whitespace) is
        // the same event.
        let reordered: Value = serde_json::from_str(
            r#"{ "data": {"purpose": "roads", "amount": "5", "to_account": "acme-acct",
                          "from_account": "treasury", "disbursement_id": "d1"},
                 "occurred_at": "2026-03-01", "actor": "city", "id": "d1", "type": "fund.disbursed" }"#,
        )
        .unwrap();
        assert_eq!(reordered, e, "the test means the same event");
        let again = f.ledger.append(vec![prep(reordered)]).unwrap();
        assert_eq!(again.receipts[0], Receipt { repeat: true, ..first });
        assert_eq!(f.ledger.len(), len);
        verified(f.backend.as_ref());
    }
}

#[test]
fn an_event_repeated_within_one_batch_is_recorded_once() {
    for f in fixtures() {
        founded(&f.ledger);
        let e = disbursement("d1", "treasury", "acme-acct", "5");
        let other = disbursement("d2", "treasury", "acme-acct", "6");
        let out = f.ledger.append(preps([e.clone(), other, e])).unwrap();
        assert_eq!(out.appended(), 2, "{}", f.name);
        assert_eq!(
            out.receipts[2],
            Receipt {
                repeat: true,
                ..out.receipts[0]
            }
        );
        assert_eq!(out.receipts[1].seq, out.receipts[0].seq + 1);
        assert_eq!(f.ledger.len(), 8);
        verified(f.backend.as_ref());
    }
}

#[test]
fn a_batch_of_only_repeats_is_all_repeats_and_appends_nothing() {
    for f in fixtures() {
        let first = founded(&f.ledger);
        let again = f.ledger.append(preps(founding())).unwrap();
        assert!(again.all_repeats());
        let expected: Vec<Receipt> = first.iter().map(|r| Receipt { repeat: true, ..*r }).collect();
        assert_eq!(again.receipts, expected, "{}", f.name);
        assert_eq!(f.ledger.len(), first.len() as u64);
    }
}

#[test]
fn given_an_event_with_an_id_when_the_id_comes_back_with_other_content_then_it_is_a_conflict() {
    for f in fixtures() {
        founded(&f.ledger);
        f.ledger
            .append(vec![prep(disbursement("d1", "treasury", "acme-acct", "5"))])
            .unwrap();
        let before = snapshot(&f.ledger);
        let changed = disbursement("d1", "treasury", "acme-acct", "6");
        let err = f.ledger.append(vec![prep(changed.clone())]).unwrap_err();
        assert!(err.is_conflict(), "{}: {err}", f.name);
        assert_eq!(snapshot(&f.ledger), before);
        // The same within a batch: the whole batch is refused.
        let err = f
            .ledger
            .append(preps([entity("newco", "enterprise", "city"), changed]))
            .unwrap_err();
        assert!(err.is_conflict(), "{err}");
        assert_eq!(rejected(Err(err)).index, Some(1));
        assert_eq!(snapshot(&f.ledger), before);
        // A conflict with an earlier event of the same batch.
        let a = with_id(entity("n1", "enterprise", "city"), "dup");
        let b = with_id(entity("n2", "enterprise", "city"), "dup");
        let err = f.ledger.append(preps([a, b])).unwrap_err();
        assert!(err.is_conflict(), "{err}");
        assert_eq!(snapshot(&f.ledger), before);
    }
}

#[test]
fn a_client_id_that_is_not_a_domain_id_conflicts_like_any_other() {
    let f = &fixtures()[0];
    founded(&f.ledger);
    let p = with_id(progress("t1", "acme", "3"), "report-1");
    f.ledger.append(vec![prep(p.clone())]).unwrap();
    assert!(f.ledger.append(vec![prep(p)]).unwrap().all_repeats());
    let err = f
        .ledger
        .append(vec![prep(with_id(progress("t1", "acme", "4"), "report-1"))])
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
}

#[test]
fn idempotency_survives_a_reopen_of_the_sled_store() {
    let dir = TempDir::new().unwrap();
    let e = disbursement("d1", "treasury", "acme-acct", "5");
    let first = {
        let ledger = open(sled_in(&dir));
        founded(&ledger);
        ledger.append(vec![prep(e.clone())]).unwrap().receipts[0]
    };
    let ledger = open(sled_in(&dir));
    assert_eq!(ledger.len(), 7);
    let again = ledger.append(vec![prep(e)]).unwrap();
    assert_eq!(again.receipts[0], Receipt { repeat: true, ..first });
    assert_eq!(ledger.len(), 7);
    let err = ledger
        .append(vec![prep(disbursement("d1", "treasury", "acme-acct", "6"))])
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(ledger.len(), 7);
    verified(ledger.backend().as_ref());
}

// ------------------------------------------------------------ auto ids

#[test]
fn given_events_without_an_id_when_appended_then_each_is_stored_with_a_filled_in_auto_id() {
    for f in fixtures() {
        let mut founder = entity("city", "government", "city");
        founder.as_object_mut().unwrap().remove("id");
        let r0 = f.ledger.append(vec![prep(founder)]).unwrap().receipts[0];
        f.ledger.append(preps(founding().into_iter().skip(1))).unwrap();
        // Two identical events without ids are two events.
        let e = disbursement_no_id("d-auto", "treasury", "acme-acct", "5");
        let e2 = progress("t1", "acme", "1");
        let out = f.ledger.append(preps([e.clone(), e2.clone(), e2.clone()])).unwrap();
        assert_eq!(out.appended(), 3, "{}", f.name);
        let mut ids = Vec::new();
        for (seq, submitted) in [(r0.seq, None), (6, Some(&e)), (7, Some(&e2)), (8, Some(&e2))] {
            let stored = stored_event(f.backend.as_ref(), seq);
            let id = stored["id"].as_str().expect("an id was filled in").to_string();
            assert!(is_auto_id(&id, seq), "{}: seq {seq}: {id:?}", f.name);
            if let Some(submitted) = submitted {
                let mut expected = submitted.clone();
                expected["id"] = json!(id);
                assert_eq!(&stored, &expected, "stored as submitted plus the id");
            }
            ids.push(id);
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 4, "auto ids are unique");
        check_chain(f.backend.as_ref());
        verified(f.backend.as_ref());
        // Then the filled-in id behaves like a client id: resending the
        // stored event is a repeat.
        let stored6 = stored_event(f.backend.as_ref(), 6);
        let again = f.ledger.append(vec![prep(stored6)]).unwrap();
        assert_eq!(
            again.receipts[0],
            Receipt {
                repeat: true,
                ..out.receipts[0]
            }
        );
    }
}

// -------------------------------------------------------- concurrency

#[test]
fn given_64_threads_appending_single_events_at_once_then_every_event_gets_one_seq_without_gaps() {
    const THREADS: usize = 64;
    const PER_THREAD: usize = 4;
    for f in fixtures() {
        founded(&f.ledger);
        let base = f.ledger.len();
        let ledger = &f.ledger;
        let receipts: Vec<Receipt> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..THREADS)
                .map(|t| {
                    s.spawn(move || {
                        (0..PER_THREAD)
                            .map(|i| {
                                let e = if i % 2 == 0 {
                                    disbursement(&format!("d-{t}-{i}"), "treasury", "acme-acct", "1")
                                } else {
                                    progress("t1", "acme", &format!("{t}.{i}"))
                                };
                                let out = ledger.append(vec![prep(e)]).expect("append");
                                assert_eq!(out.receipts.len(), 1);
                                out.receipts[0]
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        let n = (THREADS * PER_THREAD) as u64;
        assert_eq!(f.ledger.len(), base + n, "{}", f.name);
        let mut seqs: Vec<u64> = receipts.iter().map(|r| r.seq).collect();
        seqs.sort();
        assert_eq!(
            seqs,
            (base..base + n).collect::<Vec<_>>(),
            "{}: no gaps, no doubles",
            f.name
        );
        let hashes = check_chain(f.backend.as_ref());
        for r in &receipts {
            assert_eq!(hashes[r.seq as usize], r.hash);
        }
        assert_eq!(verified(f.backend.as_ref()).records, base + n);
    }
}

// ------------------------------------------------------------- import

/// Events for an import: `chunks` chunks of `per_chunk` disbursements,
/// some with ids and some without.
fn import_chunks(chunks: usize, per_chunk: usize) -> Vec<Vec<Value>> {
    (0..chunks)
        .map(|c| {
            (0..per_chunk)
                .map(|i| {
                    if i % 4 == 3 {
                        progress("t1", "acme", &format!("{c}.{i}"))
                    } else {
                        disbursement(&format!("imp-{c}-{i}"), "treasury", "acme-acct", "2")
                    }
                })
                .collect()
        })
        .collect()
}

/// Runs an import of `chunks` fed from another thread (the channel holds
/// only two chunks).
fn import(ledger: &Ledger, chunks: Vec<ImportChunk>) -> Result<pledger_store::AppendOutcome, AppendError> {
    let (tx, rx) = Ledger::import_channel();
    let feeder = std::thread::spawn(move || feed(tx, chunks));
    let result = ledger.import(rx);
    feeder.join().unwrap();
    result
}

fn feed(tx: SyncSender<ImportChunk>, chunks: Vec<ImportChunk>) {
    for c in chunks {
        if tx.send(c).is_err() {
            break; // the ledger stopped reading: the import failed
        }
    }
}

fn ok_chunks(values: Vec<Vec<Value>>) -> Vec<ImportChunk> {
    values.into_iter().map(|c| Ok(preps(c))).collect()
}

#[test]
fn given_a_streamed_import_when_every_chunk_is_good_then_all_of_it_is_committed_at_once() {
    for f in fixtures() {
        founded(&f.ledger);
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        f.ledger.on_commit(move |h| seen.lock().unwrap().push(h));
        let out = import(&f.ledger, ok_chunks(import_chunks(5, 20))).unwrap();
        assert_eq!(out.appended(), 100, "{}", f.name);
        let seqs: Vec<u64> = out.receipts.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (6..106).collect::<Vec<_>>());
        assert_eq!(f.ledger.len(), 106);
        let hashes = check_chain(f.backend.as_ref());
        assert_eq!(
            &hashes[6..],
            &out.receipts.iter().map(|r| r.hash).collect::<Vec<_>>()[..]
        );
        verified(f.backend.as_ref());
        // The import moved the head once, to its end.
        assert_eq!(*heads.lock().unwrap(), vec![f.ledger.head()]);
        // Events without ids got auto ids in the import too.
        let id = stored_event(f.backend.as_ref(), 9)["id"].as_str().unwrap().to_string();
        assert!(is_auto_id(&id, 9), "{id}");
    }
}

#[test]
fn an_import_may_repeat_earlier_events_and_refer_to_its_own_earlier_chunks() {
    for f in fixtures() {
        founded(&f.ledger);
        let chunks = vec![
            vec![entity("newco", "enterprise", "city"), account("newco-acct", "newco")],
            vec![disbursement("imp-1", "treasury", "newco-acct", "1")],
            // A repeat of chunk 1, of the founding, and a receipt for chunk 2's disbursement.
            vec![
                account("newco-acct", "newco"),
                entity("acme", "enterprise", "city"),
                ev("fund.received", "newco", json!({"disbursement_id": "imp-1"})),
            ],
        ];
        let out = import(&f.ledger, ok_chunks(chunks)).unwrap();
        assert_eq!(out.appended(), 4, "{}", f.name);
        assert_eq!(
            out.receipts[3],
            Receipt {
                repeat: true,
                ..out.receipts[1]
            }
        );
        assert!(out.receipts[4].repeat && out.receipts[4].seq == 1);
        assert_eq!(f.ledger.len(), 10);
        verified(f.backend.as_ref());
    }
}

fn failed_import_leaves_the_log_as_it_was(third: ImportChunk, expected_code: &str) {
    for f in fixtures() {
        founded(&f.ledger);
        f.ledger
            .append(vec![prep(disbursement("d0", "treasury", "acme-acct", "5"))])
            .unwrap();
        let before = snapshot(&f.ledger);
        let heads = Arc::new(Mutex::new(0usize));
        let seen = heads.clone();
        f.ledger.on_commit(move |_| *seen.lock().unwrap() += 1);

        let mut chunks = ok_chunks(import_chunks(2, 30));
        chunks.push(third.clone());
        chunks.extend(ok_chunks(import_chunks(2, 5)));
        let err = import(&f.ledger, chunks).unwrap_err();
        match &err {
            AppendError::Rejected(r) => assert_eq!(r.code, expected_code, "{}: {r}", f.name),
            other => panic!("{}: expected a rejection, got {other}", f.name),
        }

        // Then the log is exactly as before: head, length, verify, and no
        // record of the first two (written) chunks remains past the head.
        assert_eq!(snapshot(&f.ledger), before, "{}", f.name);
        assert!(f.backend.get(before.1).unwrap().is_none(), "{}", f.name);
        assert_eq!(f.backend.head().unwrap(), before.0);
        assert_eq!(*heads.lock().unwrap(), 0, "no commit was announced");

        // And the ledger goes on: the ids of the refused import are free.
        let again = f.ledger.append(preps(import_chunks(2, 30).concat())).unwrap();
        assert_eq!(again.appended(), 60, "{}", f.name);
        assert_eq!(again.receipts[0].seq, before.1);
        assert_eq!(*heads.lock().unwrap(), 1);
        check_chain(f.backend.as_ref());
        verified(f.backend.as_ref());
    }
}

#[test]
fn given_an_import_when_the_third_chunk_holds_an_event_the_registry_refuses_then_nothing_is_imported() {
    let bad = vec![
        disbursement("imp-2-0", "treasury", "acme-acct", "2"),
        disbursement("imp-2-1", "treasury", "no-such-account", "2"),
    ];
    failed_import_leaves_the_log_as_it_was(Ok(preps(bad)), "unknown_reference");
}

#[test]
fn given_an_import_when_the_third_chunk_cannot_be_read_then_nothing_is_imported() {
    let unreadable = Err(Rejection::new(RejectionKind::InvalidJson, "", "not valid JSON").at_index(60));
    failed_import_leaves_the_log_as_it_was(unreadable, "invalid_json");
}

#[test]
fn given_an_import_when_the_third_chunk_reuses_an_id_for_other_content_then_nothing_is_imported() {
    let conflict = vec![disbursement("imp-0-0", "treasury", "acme-acct", "999")];
    failed_import_leaves_the_log_as_it_was(Ok(preps(conflict)), "id_conflict");
}

#[test]
fn given_an_imported_sled_ledger_when_it_is_reopened_then_its_registry_is_rebuilt() {
    let dir = TempDir::new().unwrap();
    let (receipts, head) = {
        let ledger = open(sled_in(&dir));
        founded(&ledger);
        let chunks = vec![
            vec![entity("newco", "enterprise", "city"), account("newco-acct", "newco")],
            vec![disbursement("imp-1", "treasury", "newco-acct", "1")],
            vec![with_id(
                ev("event.voided", "city", json!({"seq": 8, "reason": "wrong account"})),
                "void-1",
            )],
        ];
        let out = import(&ledger, ok_chunks(chunks)).unwrap();
        (out.receipts, ledger.head())
    };
    let ledger = open(sled_in(&dir));
    assert_eq!(ledger.head(), head);
    verified(ledger.backend().as_ref());
    // Repeats and conflicts are recognised against imported events.
    let again = ledger.append(vec![prep(account("newco-acct", "newco"))]).unwrap();
    assert_eq!(
        again.receipts[0],
        Receipt {
            repeat: true,
            ..receipts[1]
        }
    );
    let err = ledger
        .append(vec![prep(with_id(entity("other", "enterprise", "city"), "e-newco"))])
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    // Imported entities and accounts exist; the voided disbursement does not.
    // Paid by the account's holder: only it may move money out of it.
    let mut d2 = disbursement("d2", "newco-acct", "acme-acct", "1");
    d2["actor"] = json!("newco");
    ledger.append(vec![prep(d2)]).unwrap();
    let r = rejected(ledger.append(vec![prep(ev(
        "fund.received",
        "newco",
        json!({"disbursement_id": "imp-1"}),
    ))]));
    assert_eq!(
        (r.code, r.field.as_str()),
        ("unknown_reference", "data.disbursement_id")
    );
    // Its id is free again for a corrected disbursement.
    ledger
        .append(vec![prep(with_id(
            disbursement_no_id("imp-1", "treasury", "newco-acct", "2"),
            "imp-1-fixed",
        ))])
        .unwrap();
    assert_eq!(ledger.len(), head.len + 2);
    verified(ledger.backend().as_ref());
}

#[test]
fn given_a_sled_store_left_with_an_uncommitted_tail_when_it_is_reopened_then_the_tail_is_discarded() {
    let dir = TempDir::new().unwrap();
    let head = {
        let backend = sled_in(&dir);
        let ledger = open(backend.clone());
        founded(&ledger);
        let head = ledger.head();
        drop(ledger);
        // Simulate a crash mid-import: a record written past the head.
        let fake = backend.get(head.len - 1).unwrap().unwrap();
        backend
            .write(pledger_store::WriteBatch {
                records: vec![pledger_store::StoredRecord { seq: head.len, ..fake }],
                nodes: vec![],
                head: None,
            })
            .unwrap();
        head
    };
    let backend = sled_in(&dir);
    let ledger = open(backend.clone());
    assert_eq!(ledger.head(), head);
    assert!(backend.get(head.len).unwrap().is_none());
    verified(backend.as_ref());
    ledger
        .append(vec![prep(disbursement("d1", "treasury", "acme-acct", "1"))])
        .unwrap();
}

// ------------------------------------------------------------ on_commit

#[test]
fn a_commit_listener_sees_each_new_head() {
    for f in fixtures() {
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        f.ledger.on_commit(move |h| seen.lock().unwrap().push(h));
        founded(&f.ledger);
        let h1 = f.ledger.head();
        f.ledger
            .append(vec![prep(disbursement("d1", "treasury", "acme-acct", "1"))])
            .unwrap();
        let h2 = f.ledger.head();
        // A refused batch and a pure repeat commit nothing.
        let _ = f
            .ledger
            .append(vec![prep(disbursement("d2", "treasury", "nowhere", "1"))]);
        f.ledger
            .append(vec![prep(disbursement("d1", "treasury", "acme-acct", "1"))])
            .unwrap();
        assert_eq!(*heads.lock().unwrap(), vec![h1, h2], "{}", f.name);
        assert_eq!(h1.len, 6);
        assert_eq!(h2.len, 7);
        assert_eq!(h2.hash, f.backend.get(6).unwrap().unwrap().hash().unwrap());
    }
}

#[test]
fn a_closed_ledger_refuses_appends() {
    let f = &fixtures()[0];
    founded(&f.ledger);
    f.ledger.close();
    let err = f
        .ledger
        .append(vec![prep(disbursement("d1", "treasury", "acme-acct", "1"))])
        .unwrap_err();
    assert!(
        matches!(err, AppendError::Store(pledger_store::StoreError::Closed)),
        "{err}"
    );
    assert_eq!(f.ledger.len(), 6);
}

// ------------------------------------------------------ voids, reopen

#[test]
fn an_event_voided_in_the_same_batch_frees_its_id_for_the_rest_of_the_batch() {
    for f in fixtures() {
        founded(&f.ledger);
        let wrong = account("new-acct", "acme");
        let void = with_id(
            ev("event.voided", "city", json!({"seq": 6, "reason": "wrong holder"})),
            "void-6",
        );
        let right = with_id(account("new-acct", "audit"), "a-new-acct-2");
        let out = f.ledger.append(preps([wrong, void, right])).unwrap();
        assert_eq!(out.appended(), 3, "{}", f.name);
        // The corrected account is the live one: audit holds it.
        f.ledger
            .append(vec![prep(disbursement("d1", "treasury", "new-acct", "1"))])
            .unwrap();
        let r = rejected(f.ledger.append(vec![prep(ev(
            "fund.received",
            "acme",
            json!({"disbursement_id": "d1"}),
        ))]));
        assert_eq!(r.code, "not_permitted", "{}", f.name);
        f.ledger
            .append(vec![prep(ev(
                "fund.received",
                "audit",
                json!({"disbursement_id": "d1"}),
            ))])
            .unwrap();
        verified(f.backend.as_ref());
    }
}

#[test]
fn a_reopened_sled_ledger_continues_the_same_chain_and_tree() {
    let dir = TempDir::new().unwrap();
    let batch = |from: usize, n: usize| -> Vec<Value> {
        (from..from + n)
            .map(|i| disbursement_no_id(&format!("d{i}"), "treasury", "acme-acct", "1"))
            .collect()
    };
    let first = {
        let ledger = open(sled_in(&dir));
        founded(&ledger);
        for b in 0..3 {
            ledger.append(preps(batch(b * 100, 100))).unwrap();
        }
        ledger.head()
    };
    assert_eq!(first.len, 306);
    let ledger = open(sled_in(&dir));
    assert_eq!(ledger.head(), first);
    // The registry was rebuilt: the disbursement ids are taken.
    let r = rejected(ledger.append(preps(batch(0, 1))));
    assert_eq!(r.code, "duplicate_id");
    for b in 3..6 {
        ledger.append(preps(batch(b * 100, 100))).unwrap();
    }
    let hashes = check_chain(ledger.backend().as_ref());
    assert_eq!(hashes.len(), 606);
    let report = verified(ledger.backend().as_ref());
    assert_eq!(
        report.root,
        pledger_core::merkle::MemTree::from_record_hashes(&hashes).root()
    );
}

// ------------------------------------------- format version 1 ledgers --

/// A ledger written before "who may record what" (format 2.3) holds records
/// those rules now refuse — here a disbursement out of the city's account
/// recorded by an enterprise. Its records stay as they are: it opens,
/// verifies and serves; the rules bind what is appended from then on.
#[test]
fn a_version_1_ledger_with_records_the_rules_now_refuse_still_opens() {
    use pledger_core::merkle::Frontier;
    use pledger_core::record::{jcs, record_body, record_hash};
    use pledger_store::backend::WriteBatch;

    let mut events = founding();

    // Version 1 accepted this; format 2.3 gives it to the holder only.
    let mut stolen = disbursement("d-v1", "treasury", "acme-acct", "5000000");
    stolen["actor"] = json!("acme");
    events.push(stolen.clone());

    let backend = mem();
    let mut frontier = Frontier::new();
    let mut batch = WriteBatch::default();
    let mut prev = ZERO_HASH;
    for (seq, e) in events.iter().enumerate() {
        let body = record_body(seq as u64, "2026-01-01T00:00:00.000Z", &prev, &jcs(e).expect("jcs"));
        let hash = record_hash(&body);
        batch.nodes.extend(frontier.push(&hash));
        batch
            .records
            .push(pledger_store::StoredRecord::new(seq as u64, &hash, &body));
        prev = hash;
    }
    let len = events.len() as u64;
    batch.head = Some(Head { len, hash: prev });
    backend.write(batch).expect("write");

    // Today's rules would refuse the disbursement...
    let fresh = open(mem());
    fresh
        .append(preps(events[..events.len() - 1].iter().cloned()))
        .expect("the rest is valid");
    let r = rejected(fresh.append(vec![prep(stolen)]));
    assert_eq!(r.code, "not_permitted", "{r}");

    // ...but the ledger that recorded it under version 1 opens and verifies.
    let ledger = open(backend.clone());
    assert_eq!(ledger.head().len, len);
    verified(backend.as_ref());
    // And from now on the rules hold.
    let mut again = disbursement("d-v2", "treasury", "acme-acct", "1");
    again["actor"] = json!("acme");
    let r = rejected(ledger.append(vec![prep(again)]));
    assert_eq!(r.code, "not_permitted", "{r}");
}

// ------------------------------------------------------ dry run (check)

#[test]
fn given_a_batch_with_bad_events_when_checked_then_every_refusal_is_listed_and_nothing_changes() {
    for f in fixtures() {
        founded(&f.ledger);
        let before = snapshot(&f.ledger);
        let batch = vec![
            disbursement("d1", "treasury", "acme-acct", "10"), // 0: fine
            disbursement("d2", "treasury", "nowhere", "10"),   // 1: no such account
            account("new-acct", "acme"),                       // 2: fine, creates new-acct
            disbursement("d3", "treasury", "new-acct", "5"),   // 3: fine, names what 2 creates
            disbursement("d1", "treasury", "acme-acct", "11"), // 4: the id d1 again, other content
            with_id(disbursement_no_id("d5", "acme-acct", "treasury", "1"), "d5"), // 5: acme's money, by the city
        ];
        let problems = f.ledger.check(preps(batch.clone())).expect("checked");
        let found: Vec<(Option<usize>, &str)> = problems.iter().map(|r| (r.index, r.code)).collect();
        assert_eq!(
            found,
            vec![
                (Some(1), "unknown_reference"),
                (Some(4), "id_conflict"),
                (Some(5), "not_permitted")
            ],
            "{}",
            f.name
        );
        assert_eq!(snapshot(&f.ledger), before, "{}: a check writes nothing", f.name);
        // The registry is as it was: the good events append, once.
        let good: Vec<Value> = [0, 2, 3].iter().map(|i| batch[*i].clone()).collect();
        assert!(f.ledger.check(preps(good.clone())).unwrap().is_empty(), "{}", f.name);
        assert_eq!(
            f.ledger.append(preps(good.clone())).unwrap().appended(),
            3,
            "{}",
            f.name
        );
        // Checked again, the same events are repeats (not refusals), and a
        // new event reusing a recorded disbursement id is refused.
        assert!(f.ledger.check(preps(good)).unwrap().is_empty(), "{}", f.name);
        let again = f
            .ledger
            .check(preps([with_id(
                disbursement_no_id("d3", "treasury", "acme-acct", "1"),
                "other",
            )]))
            .unwrap();
        assert_eq!(
            again.iter().map(|r| r.code).collect::<Vec<_>>(),
            vec!["duplicate_id"],
            "{}",
            f.name
        );
    }
}
