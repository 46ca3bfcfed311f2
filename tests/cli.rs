//! End-to-end tests of the `pledger` command line (contract sections 1, 2, 4):
//! init, append, log, verify, the data directory, exit statuses, and
//! all-or-nothing rejection of bad input.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::Path;

// ------------------------------------------------------------------ init --

#[test]
fn init_creates_dir_config_and_private_key() {
    let l = Ledger::uninit();
    let out = l.run(&["init"]);
    out.expect(0);
    assert!(out.stdout.contains("initialised"), "{}", out.stdout);
    assert!(l.data.join("ledger.json").is_file());
    assert!(l.data.join("log").is_dir());
    let key = l.data.join("ledger.key");
    assert!(key.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "ledger.key must be readable by its owner only, is {mode:o}"
        );
    }
    // A fresh ledger is empty and verifies.
    assert_eq!(l.log_json_text(), "");
    l.run(&["verify"]).expect(0);
}

#[test]
fn init_json_and_origin() {
    let l = Ledger::uninit();
    let out = l.run(&["--format", "json", "init", "--origin", "pledger.test.example/ledger"]);
    out.expect(0);
    let v: Value = serde_json::from_str(out.stdout.trim()).expect("init --format json prints JSON");
    assert_eq!(v["origin"], "pledger.test.example/ledger");
    let cfg = std::fs::read_to_string(l.data.join("ledger.json")).unwrap();
    assert!(cfg.contains("pledger.test.example/ledger"), "{cfg}");
    // An origin that is not one non-empty line is a usage error.
    let l2 = Ledger::uninit();
    l2.run(&["init", "--origin", "  "]).expect(2);
    assert!(!l2.data.join("ledger.key").exists());
}

#[test]
fn init_twice_exits_2_and_leaves_everything_intact() {
    let l = Ledger::founded();
    l.append_str(&ndjson(&[disbursement("1", "10.00", "first")])).expect(0);
    let files_before: Vec<(std::path::PathBuf, Vec<u8>)> = ["ledger.key", "ledger.json"]
        .iter()
        .map(|f| (l.data.join(f), std::fs::read(l.data.join(f)).unwrap()))
        .collect();
    let snap = l.snapshot();

    for args in [vec!["init"], vec!["init", "--origin", "other.example/ledger"]] {
        let out = l.run(&args);
        out.expect(2);
        assert!(
            out.stderr.contains("already"),
            "should say the directory already holds a ledger: {}",
            out.stderr
        );
    }
    for (path, bytes) in &files_before {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{} changed", path.display());
    }
    assert_eq!(l.snapshot(), snap, "a refused init changed the ledger");
}

#[test]
fn commands_on_an_uninitialised_dir_exit_2_and_point_to_init() {
    let l = Ledger::uninit();
    let input = l.file("in.ndjson", &ndjson(&base_events()));
    let input = input.to_str().unwrap();
    for args in [
        vec!["log"],
        vec!["verify"],
        vec!["append", input],
        vec!["log", "--format", "json"],
    ] {
        let out = l.run(&args);
        out.expect(2);
        assert!(out.stderr.contains("pledger init"), "{args:?}: {}", out.stderr);
        assert!(!l.data.exists(), "{args:?} created the data directory");
    }
    // An existing but empty directory is no ledger either.
    std::fs::create_dir(&l.data).unwrap();
    for args in [vec!["log"], vec!["verify"], vec!["append", input]] {
        let out = l.run(&args);
        out.expect(2);
        assert!(out.stderr.contains("pledger init"), "{args:?}: {}", out.stderr);
    }
    assert_eq!(
        std::fs::read_dir(&l.data).unwrap().count(),
        0,
        "the empty dir was written to"
    );
}

#[test]
fn usage_errors_exit_2() {
    let l = Ledger::new();
    for args in [
        vec!["no-such-verb"],
        vec!["append"],
        vec!["log", "--from", "x"],
        vec!["log", "--limit", "-1"],
        vec!["log", "--format", "yaml"],
        vec!["append", "/definitely/not/here.ndjson"],
    ] {
        l.run(&args).expect(2);
    }
}

// ---------------------------------------------------------------- append --

#[test]
fn append_ndjson_from_file_with_blank_lines() {
    let l = Ledger::new();
    let evs = base_events();
    // Blank and whitespace-only lines anywhere, CRLF, and no final newline.
    let text = format!(
        "\n{}\n   \n\t\n{}\r\n\n{}",
        serde_json::to_string(&evs[0]).unwrap(),
        serde_json::to_string(&evs[1]).unwrap(),
        serde_json::to_string(&evs[2]).unwrap()
    );
    let f = l.file("base.ndjson", &text);
    let out = l.run(&["append", f.to_str().unwrap()]);
    out.expect(0);
    assert!(out.stdout.contains("appended 3"), "{}", out.stdout);
    let recs = l.records();
    assert_eq!(recs.len(), 3);
    for (r, e) in recs.iter().zip(&evs) {
        assert_eq!(&r["event"], e, "the stored event differs from the submitted one");
    }
    // The table receipts name the seqs and full hashes of what was stored.
    for r in &recs {
        let line = format!("{}    {}  appended", r["seq"], r["hash"].as_str().unwrap());
        assert!(
            out.stdout.contains(&line),
            "missing receipt {line:?} in\n{}",
            out.stdout
        );
    }
}

#[test]
fn append_ndjson_from_stdin_json_receipts() {
    let l = Ledger::founded();
    let evs: Vec<Value> = (0..4).map(|i| disbursement(&i.to_string(), "1.50", "stdin")).collect();
    let out = l.run_stdin(&["append", "-", "--format", "json"], ndjson(&evs).as_bytes());
    out.expect(0);
    let body: Value = serde_json::from_str(out.stdout.trim()).expect("one JSON object");
    assert_eq!(body["appended"], 4);
    assert_eq!(body["repeats"], 0);
    let receipts = body["receipts"].as_array().unwrap();
    assert_eq!(receipts.len(), 4);
    let recs = l.records();
    assert_eq!(recs.len(), 7);
    for (i, rc) in receipts.iter().enumerate() {
        let seq = rc["seq"].as_u64().unwrap();
        assert_eq!(seq, 3 + i as u64);
        assert_eq!(rc["hash"], recs[seq as usize]["hash"]);
        assert_eq!(recs[seq as usize]["event"], evs[i]);
    }
}

#[test]
fn append_json_array_from_file_and_stdin() {
    let l = Ledger::new();
    // A pretty-printed array spanning many lines, after leading whitespace.
    let text = format!(
        "\n  {}\n",
        serde_json::to_string_pretty(&Value::Array(base_events())).unwrap()
    );
    let f = l.file("base.json", &text);
    l.run(&["append", f.to_str().unwrap()]).expect(0);
    let more: Vec<Value> = (0..3).map(|i| disbursement(&format!("arr{i}"), "2", "array")).collect();
    let out = l.run_stdin(
        &["--format", "json", "append", "-"],
        serde_json::to_string(&more).unwrap().as_bytes(),
    );
    out.expect(0);
    let body: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(body["appended"], 3);
    let recs = l.records();
    assert_eq!(recs.len(), 6);
    assert_eq!(recs[3]["event"], more[0]);
    assert_eq!(recs[5]["event"], more[2]);
    l.run(&["verify"]).expect(0);
}

#[test]
fn events_without_id_get_one_filled_in_before_hashing() {
    let l = Ledger::founded();
    let mut e = disbursement("noid", "3.00", "no id given");
    e.as_object_mut().unwrap().remove("id");
    l.append_str(&ndjson(&[e.clone()])).expect(0);
    let recs = l.records(); // the hash recomputes over the event *with* its id
    let stored = &recs[3]["event"];
    let id = stored["id"].as_str().expect("an id was filled in");
    assert!(
        !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b".:_-".contains(&b)),
        "filled-in id {id:?} is not a valid identifier"
    );
    let mut without = stored.clone();
    without.as_object_mut().unwrap().remove("id");
    assert_eq!(without, e);
}

#[test]
fn empty_input_exits_2() {
    let l = Ledger::founded();
    let snap = l.snapshot();
    for text in ["", "\n\n  \n"] {
        let out = l.append_str(text);
        out.expect(2);
        assert!(out.stderr.contains("no events"), "{}", out.stderr);
    }
    l.append_str("[]").expect(2);
    assert_eq!(l.snapshot(), snap);
}

// ------------------------------------------------------------------- log --

/// A ledger of 10 records: 3 base + 7 disbursements.
fn ten() -> Ledger {
    let l = Ledger::founded();
    let evs: Vec<Value> = (0..7)
        .map(|i| disbursement(&format!("log{i}"), "5.00", "for the log"))
        .collect();
    l.append_str(&ndjson(&evs)).expect(0);
    l
}

#[test]
fn log_json_lines_are_the_stored_records_and_rehash() {
    let l = ten();
    let all = l.records(); // parses, rechecks every hash and link
    assert_eq!(all.len(), 10);
    assert_eq!(all[0]["prev_hash"], ZERO_HASH);
    for r in &all {
        let ts = r["recorded_at"].as_str().unwrap();
        assert!(
            ts.ends_with('Z') && ts.len() >= 20,
            "recorded_at {ts:?} is not an RFC 3339 UTC time"
        );
    }
    // --from/--limit give a contiguous slice that links onto what precedes it.
    let out = l.run(&["log", "--format", "json", "--from", "3", "--limit", "4"]);
    out.expect(0);
    let part = parse_json_lines(&out.stdout);
    assert_eq!(part.len(), 4);
    check_chain(&part, 3, all[2]["hash"].as_str());
    assert_eq!(part, all[3..7].to_vec());
    // Each line is compact: exactly one record per line.
    assert_eq!(out.stdout.lines().count(), 4);

    let tail = parse_json_lines(&l.run(&["log", "--format", "json", "--from", "8"]).expect(0).stdout);
    assert_eq!(tail, all[8..].to_vec());
    let head = parse_json_lines(&l.run(&["log", "--format", "json", "--limit", "2"]).expect(0).stdout);
    assert_eq!(head, all[..2].to_vec());
    for args in [["--from", "10"], ["--from", "999"]] {
        let out = l.run(&["log", "--format", "json", args[0], args[1]]);
        assert_eq!(out.expect(0).stdout, "", "past the end is empty");
    }
    assert_eq!(l.run(&["log", "--format", "json", "--limit", "0"]).expect(0).stdout, "");
    // Very large numbers do not overflow.
    let out = l.run(&[
        "log",
        "--format",
        "json",
        "--from",
        "5",
        "--limit",
        &u64::MAX.to_string(),
    ]);
    assert_eq!(parse_json_lines(&out.expect(0).stdout), all[5..].to_vec());
}

#[test]
fn log_table_and_csv() {
    let l = ten();
    let all = l.records();

    let out = l.run(&["log", "--from", "2", "--limit", "3"]);
    out.expect(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "header + 3 rows:\n{}", out.stdout);
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["seq", "recorded_at", "occurred_at", "type", "actor", "id", "hash"]
    );
    for (row, r) in lines[1..].iter().zip(&all[2..5]) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells.len(), 7, "{row}");
        assert_eq!(cells[0], r["seq"].to_string());
        assert_eq!(cells[1], r["recorded_at"].as_str().unwrap());
        assert_eq!(cells[2], r["event"]["occurred_at"].as_str().unwrap());
        assert_eq!(cells[3], r["event"]["type"].as_str().unwrap());
        assert_eq!(cells[4], r["event"]["actor"].as_str().unwrap());
        assert_eq!(cells[5], r["event"]["id"].as_str().unwrap());
        assert!(r["hash"].as_str().unwrap().starts_with(cells[6]), "{row}");
    }

    let out = l.run(&["log", "--format", "csv", "--from", "7"]);
    out.expect(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "seq,recorded_at,occurred_at,type,actor,id,hash");
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    for (row, r) in lines[1..].iter().zip(&all[7..]) {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), 7, "{row}");
        assert_eq!(cells[0], r["seq"].to_string());
        assert_eq!(cells[6], r["hash"].as_str().unwrap(), "csv carries the full hash");
    }
    // The whole log as CSV has one row per record.
    let out = l.run(&["--format", "csv", "log"]);
    assert_eq!(out.expect(0).stdout.lines().count(), 11);
}

#[test]
fn log_of_an_empty_ledger() {
    let l = Ledger::new();
    assert_eq!(l.run(&["log", "--format", "json"]).expect(0).stdout, "");
    let t = l.run(&["log"]);
    assert!(t.expect(0).stdout.lines().count() <= 1, "{}", t.stdout);
}

// -------------------------------------------------- the data directory --

#[test]
fn data_and_format_before_or_after_the_verb_and_from_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let input = tmp.path().join("base.ndjson");
    std::fs::write(&input, ndjson(&base_events())).unwrap();
    let run = |args: &[&str], env: Option<&Path>| {
        let mut c = cmd();
        c.args(args).current_dir(tmp.path());
        if let Some(e) = env {
            c.env("PLEDGER_DATA", e);
        }
        run_cmd(c, None)
    };
    let (a_s, b_s, in_s) = (a.to_str().unwrap(), b.to_str().unwrap(), input.to_str().unwrap());

    run(&["--data", a_s, "init"], None).expect(0);
    run(&["init", "--data", b_s], None).expect(0);
    run(&["append", in_s, "--data", a_s], None).expect(0);
    let ja = run(&["--format", "json", "--data", a_s, "log"], None);
    let jb = run(&["log", "--data", a_s, "--format", "json"], None);
    assert_eq!(parse_json_lines(&ja.expect(0).stdout).len(), 3);
    assert_eq!(ja.stdout, jb.expect(0).stdout);

    // $PLEDGER_DATA names the directory; --data wins over it.
    let je = run(&["log", "--format", "json"], Some(&a));
    assert_eq!(je.expect(0).stdout, ja.stdout);
    let jb_env = run(&["--data", b_s, "log", "--format", "json"], Some(&a));
    assert_eq!(jb_env.expect(0).stdout, "", "--data must override $PLEDGER_DATA");
    run(&["verify", "--format", "json"], Some(&b)).expect(0);

    // Neither: ./pledger-data in the working directory.
    run(&["init"], None).expect(0);
    assert!(tmp.path().join("pledger-data/ledger.json").is_file());
    run(&["append", in_s], None).expect(0);
    assert_eq!(
        parse_json_lines(&run(&["log", "--format", "json"], None).expect(0).stdout).len(),
        3
    );
    assert_eq!(
        run(&["log", "--format", "json", "--data", b_s], None).expect(0).stdout,
        ""
    );
}

// ---------------------------------------------------------- bad input --

/// Appends `text` (through a file or stdin) and checks it is refused with
/// exit 2, a message holding every one of `needles`, and no change at all.
#[track_caller]
fn refused(l: &Ledger, text: &str, via_file: bool, needles: &[&str]) -> String {
    let before = l.snapshot();
    let out = if via_file {
        let f = l.file("bad-input", text);
        l.run(&["append", f.to_str().unwrap()])
    } else {
        l.append_str(text)
    };
    out.expect(2);
    for n in needles {
        assert!(out.stderr.contains(n), "message should mention {n:?}: {}", out.stderr);
    }
    assert_eq!(l.snapshot(), before, "a refused append changed the ledger");
    out.stderr
}

fn with_data(mut e: Value, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    f(e["data"].as_object_mut().unwrap());
    e
}

#[test]
fn structural_errors_exit_2_naming_line_and_field_and_change_nothing() {
    let l = Ledger::founded();
    l.append_str(&ndjson(&[disbursement("ok", "1.00", "fine")])).expect(0);
    let good = disbursement("new", "1.00", "fine");
    let line1 = ndjson(std::slice::from_ref(&good));

    // Invalid JSON on line 2.
    refused(
        &l,
        &format!("{line1}{{\"type\": \"fund.disbursed\", \n"),
        true,
        &["line 2", "JSON"],
    );
    // Unknown type.
    let mut e = good.clone();
    e["type"] = json!("fund.vanished");
    refused(
        &l,
        &ndjson(&[good.clone(), e]),
        false,
        &["line 2", "type", "fund.vanished"],
    );
    // Unknown field inside data.
    let e = with_data(good.clone(), |d| {
        let p = d.remove("purpose").unwrap();
        d.insert("purpse".into(), p);
    });
    refused(&l, &ndjson(&[e]), true, &["line 1", "data.purpse"]);
    // A missing required field.
    let e = with_data(good.clone(), |d| {
        d.remove("purpose");
    });
    refused(&l, &ndjson(&[e]), false, &["line 1", "data.purpose"]);
    // Amount as a JSON number, negative, 3 fraction digits, not a number.
    for amount in [
        json!(12.5),
        json!(12),
        json!("-1.00"),
        json!("1.005"),
        json!("12,50"),
        json!(""),
    ] {
        let e = with_data(good.clone(), |d| {
            d.insert("amount".into(), amount.clone());
        });
        refused(&l, &ndjson(&[good.clone(), e]), false, &["line 2", "data.amount"]);
    }
    // A reference to nothing.
    let e = with_data(good.clone(), |d| {
        d.insert("to_account".into(), json!("acc-nowhere"));
    });
    refused(&l, &ndjson(&[e]), true, &["line 1", "data.to_account", "acc-nowhere"]);
    // An actor that is not registered.
    let mut e = good.clone();
    e["actor"] = json!("nobody");
    refused(&l, &ndjson(&[e]), false, &["line 1", "actor"]);
    // A bad identifier.
    let mut e = good.clone();
    e["id"] = json!("has space");
    refused(&l, &ndjson(&[e]), false, &["line 1", "id"]);
    // A bad date.
    let mut e = good.clone();
    e["occurred_at"] = json!("2026-02-30");
    refused(&l, &ndjson(&[e]), false, &["line 1", "occurred_at"]);
    // A line that is JSON but not an object.
    refused(&l, "42\n", false, &["line 1"]);
    // An unknown top-level field.
    let mut e = good.clone();
    e["colour"] = json!("red");
    refused(&l, &ndjson(&[e]), false, &["line 1", "colour"]);
}

/// RFC 8785 hashes I-JSON (RFC 7493), which forbids duplicate member names.
/// serde_json keeps the last of duplicates, so `"amount":"1.00",
/// "amount":"100.00"` is recorded as 100.00 while a person reading the
/// submitted file may well take 1.00: a structural error that should be
/// refused with the line and field, like an unknown field.
#[test]
fn duplicate_member_names_are_refused() {
    let l = Ledger::founded();
    let good = disbursement("dup", "1.00", "p");
    let text = serde_json::to_string(&good)
        .unwrap()
        .replace("\"amount\":\"1.00\"", "\"amount\":\"1.00\",\"amount\":\"100.00\"");
    assert!(text.contains("100.00"));
    refused(&l, &format!("{text}\n"), false, &["line 1", "amount"]);
    // At the top level too.
    let text = serde_json::to_string(&good)
        .unwrap()
        .replacen('{', "{\"actor\":\"nobody\",", 1);
    refused(&l, &format!("{text}\n"), true, &["line 1", "actor"]);
    // And inside an array.
    let text = serde_json::to_string(&good)
        .unwrap()
        .replace("\"amount\":\"1.00\"", "\"amount\":\"1.00\",\"amount\":\"100.00\"");
    refused(&l, &format!("[{text}]"), false, &["element #1", "amount"]);
}

#[test]
fn line_numbers_count_blank_lines() {
    let l = Ledger::founded();
    let bad = with_data(disbursement("x", "1.00", "p"), |d| {
        d.insert("amount".into(), json!(1));
    });
    let text = format!(
        "\n{}\n\n{}\n",
        serde_json::to_string(&disbursement("y", "1.00", "p")).unwrap(),
        serde_json::to_string(&bad).unwrap()
    );
    refused(&l, &text, true, &["line 4", "data.amount"]);
}

#[test]
fn json_array_errors_name_the_element() {
    let l = Ledger::founded();
    let good: Vec<Value> = (0..2).map(|i| disbursement(&format!("a{i}"), "1.00", "p")).collect();
    let bad = with_data(disbursement("a2", "1.00", "p"), |d| {
        d.insert("amount".into(), json!("1.001"));
    });
    let arr = Value::Array(vec![good[0].clone(), good[1].clone(), bad]);
    refused(
        &l,
        &serde_json::to_string_pretty(&arr).unwrap(),
        true,
        &["element #3", "data.amount"],
    );
    // An array that is not valid JSON as a whole.
    refused(&l, "[{\"type\": \"fund.disbursed\"},", false, &["JSON"]);
}

#[test]
fn founding_rule_on_an_empty_ledger() {
    let l = Ledger::new();
    // Anything but an entity.registered of its own actor is refused first.
    let mut e = founding();
    e["actor"] = json!("someone-else");
    refused(&l, &ndjson(&[e]), true, &["line 1", "actor"]);
    refused(
        &l,
        &ndjson(&[account("a-src", SRC, "source")]),
        false,
        &["line 1", "actor"],
    );
    // And nothing of a whole batch that starts wrongly.
    let mut evs = base_events();
    evs.swap(0, 1);
    refused(&l, &ndjson(&evs), false, &["line 1", "actor"]);
    assert_eq!(l.log_json_text(), "");
    // The right founding record is accepted.
    l.append_str(&ndjson(&base_events())).expect(0);
}

#[test]
fn self_verification_is_refused() {
    let l = Ledger::founded();
    let park = json!({
        "type": "entity.registered", "id": "e-park", "actor": CITY, "occurred_at": "2026-01-01",
        "data": {"entity_id": "park", "kind": "park", "name": "Park", "parent": CITY}
    });
    let target = json!({
        "type": "target.assigned", "id": "t-1", "actor": CITY, "occurred_at": "2026-01-02",
        "data": {
            "target_id": "park-projects", "assignee": "park", "metric": "new_projects_ge_10m", "unit": "count",
            "comparator": ">=", "threshold": "10", "period": {"from": "2026-01-01", "to": "2026-12-31"},
            "basis": "work meeting"
        }
    });
    let verify_by = |actor: &str, id: &str| {
        json!({
            "type": "target.verified", "id": id, "actor": actor, "occurred_at": "2027-01-05",
            "data": {"target_id": "park-projects", "value": "12", "as_of": "2026-12-31"}
        })
    };
    // The setup and the self-verification in one batch: none of it lands.
    let text = ndjson(&[park.clone(), target.clone(), verify_by("park", "v-1")]);
    refused(&l, &text, true, &["line 3", "actor", "park"]);
    // Verified by someone else, it is accepted.
    l.append_str(&ndjson(&[park, target, verify_by(CITY, "v-2")])).expect(0);
    assert_eq!(l.records().len(), 6);
}

#[test]
fn a_bad_fifth_line_of_ten_appends_nothing() {
    let l = Ledger::founded();
    let mut evs: Vec<Value> = (0..10)
        .map(|i| disbursement(&format!("ten{i}"), "7.00", "batch of ten"))
        .collect();
    let good5 = evs[4].clone();
    evs[4] = with_data(good5.clone(), |d| {
        d.insert("from_account".into(), json!("acc-missing"));
    });
    refused(&l, &ndjson(&evs), true, &["line 5", "data.from_account"]);
    refused(&l, &ndjson(&evs), false, &["line 5", "data.from_account"]);
    // None of the 9 good ones left a trace: with line 5 fixed, all 10 land.
    evs[4] = good5;
    let out = l.run_stdin(&["append", "-", "--format", "json"], ndjson(&evs).as_bytes());
    let body: Value = serde_json::from_str(out.expect(0).stdout.trim()).unwrap();
    assert_eq!(body["appended"], 10);
    assert_eq!(body["repeats"], 0);
}

#[test]
fn a_bad_event_in_a_later_chunk_of_a_big_file_appends_nothing() {
    // The reader hands events to the writer in chunks (8192 at a time): a
    // refusal late in the input must still undo everything before it.
    let l = Ledger::founded();
    let n = 9000;
    let bad_at = 8500; // 0-based index; line bad_at + 1
    let mut text = String::with_capacity(n * 220);
    for i in 0..n {
        let mut e = disbursement(&format!("big{i}"), "1.00", "bulk");
        if i == bad_at {
            e["type"] = json!("fund.teleported");
        }
        text.push_str(&serde_json::to_string(&e).unwrap());
        text.push('\n');
    }
    let line = format!("line {}", bad_at + 1);
    refused(&l, &text, true, &[&line, "type"]);
    assert_eq!(l.records().len(), 3);
}

// ------------------------------------------------------------ idempotency --

#[test]
fn re_appending_the_same_file_appends_nothing() {
    let l = Ledger::founded();
    let evs: Vec<Value> = (0..3)
        .map(|i| disbursement(&format!("re{i}"), "9.99", "retry me"))
        .collect();
    let f = l.file("batch.ndjson", &ndjson(&evs));
    let f = f.to_str().unwrap();
    let first = l.run(&["append", f, "--format", "json"]);
    let first: Value = serde_json::from_str(first.expect(0).stdout.trim()).unwrap();
    let snap = l.snapshot();

    let again = l.run(&["append", f]);
    again.expect(0);
    assert_eq!(
        again.stdout.matches("already recorded").count(),
        4,
        "3 rows + summary:\n{}",
        again.stdout
    );
    assert!(again.stdout.contains("appended 0"), "{}", again.stdout);
    assert_eq!(l.snapshot(), snap);

    let again = l.run(&["append", f, "--format", "json"]);
    let again: Value = serde_json::from_str(again.expect(0).stdout.trim()).unwrap();
    assert_eq!(again["appended"], 0);
    assert_eq!(again["repeats"], 3);
    assert_eq!(
        again["receipts"], first["receipts"],
        "a repeat returns the first receipts"
    );

    // The same content written differently (key order, spacing, as an array)
    // is the same content.
    let reordered: String = evs
        .iter()
        .map(|e| {
            let d = &e["data"];
            format!(
                "{{ \"data\": {{\"purpose\": {}, \"amount\": {}, \"to_account\": {}, \"from_account\": {}, \
                 \"disbursement_id\": {}}}, \"occurred_at\": {}, \"actor\": {}, \"id\": {}, \"type\": {} }}\n",
                d["purpose"],
                d["amount"],
                d["to_account"],
                d["from_account"],
                d["disbursement_id"],
                e["occurred_at"],
                e["actor"],
                e["id"],
                e["type"]
            )
        })
        .collect();
    let out = l.run_stdin(&["append", "-", "--format", "json"], reordered.as_bytes());
    let out: Value = serde_json::from_str(out.expect(0).stdout.trim()).unwrap();
    assert_eq!(out["repeats"], 3);
    assert_eq!(out["receipts"], first["receipts"]);
    let out = l.run_stdin(
        &["append", "-", "--format", "json"],
        serde_json::to_string(&evs).unwrap().as_bytes(),
    );
    let out: Value = serde_json::from_str(out.expect(0).stdout.trim()).unwrap();
    assert_eq!(out["repeats"], 3);
    assert_eq!(l.snapshot(), snap);

    // Old and new mixed: only the new ones land, receipts in input order.
    let mut mixed = evs.clone();
    mixed.insert(1, disbursement("re-new", "1.00", "new"));
    let out = l.run_stdin(&["append", "-", "--format", "json"], ndjson(&mixed).as_bytes());
    let out: Value = serde_json::from_str(out.expect(0).stdout.trim()).unwrap();
    assert_eq!(out["appended"], 1);
    assert_eq!(out["repeats"], 3);
    let seqs: Vec<u64> = out["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [3, 6, 4, 5]);
}

#[test]
fn same_id_with_different_content_is_a_conflict() {
    let l = Ledger::founded();
    let e = disbursement("c1", "100.00", "original");
    l.append_str(&ndjson(std::slice::from_ref(&e))).expect(0);
    // Different amount, same id.
    let changed = with_data(e.clone(), |d| {
        d.insert("amount".into(), json!("100.01"));
    });
    let msg = refused(&l, &ndjson(&[changed]), true, &["line 1", "id", "d-c1"]);
    assert!(msg.contains("conflict") || msg.contains("already used"), "{msg}");
    // Same id, everything else new.
    let mut other = disbursement("c2", "1.00", "other");
    other["id"] = json!("d-c1");
    refused(
        &l,
        &ndjson(&[disbursement("c3", "1.00", "fine"), other]),
        false,
        &["line 2", "id"],
    );
    // Two events sharing a fresh id inside one batch, with different content.
    let a = disbursement("c4", "1.00", "a");
    let mut b = disbursement("c5", "2.00", "b");
    b["id"] = json!("d-c4");
    refused(&l, &ndjson(&[a, b]), false, &["line 2", "id"]);
}

// -------------------------------------------------------------- tampering --

/// A founded ledger with 20 disbursements; the one at seq 13 carries `purpose`.
fn ledger_with_marker(purpose: &str) -> Ledger {
    let l = Ledger::founded();
    let evs: Vec<Value> = (0..20)
        .map(|i| disbursement(&format!("t{i}"), "3.00", if i == 10 { purpose } else { "ordinary" }))
        .collect();
    l.append_str(&ndjson(&evs)).expect(0);
    assert_eq!(l.records()[13]["event"]["data"]["purpose"], purpose);
    l.run(&["verify"]).expect(0);
    l
}

#[test]
fn verify_catches_a_byte_flipped_in_the_sled_files() {
    let marker = "Tamper-Evident-Purpose-Q7X9Z";
    let l = ledger_with_marker(marker);
    let mut flipped = 0;
    for f in files_under(&l.data.join("log")) {
        let mut bytes = std::fs::read(&f).unwrap();
        let mut changed = false;
        let mut from = 0;
        while let Some(i) = find(&bytes[from..], marker.as_bytes()) {
            let at = from + i + marker.len() / 2;
            bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
            changed = true;
            flipped += 1;
            from = at;
        }
        if changed {
            std::fs::write(&f, &bytes).unwrap();
        }
    }
    assert!(flipped > 0, "the marker was not found in the files under DATA/log");

    let out = l.run(&["verify"]);
    assert!(!out.stderr.contains("panicked"), "verify panicked: {}", out.stderr);
    eprintln!(
        "{flipped} byte(s) flipped; verify exited {:?}: {}",
        out.code,
        out.stderr.trim()
    );
    match out.code {
        // The check failed: it names the record, or says the store itself
        // is damaged (sled's own checksums caught the change first).
        Some(1) => {
            let s = out.stderr.to_lowercase();
            assert!(
                s.contains("record 13") || s.contains("damage") || s.contains("corrupt"),
                "verify failed but named neither record 13 nor damage: {s}"
            );
        }
        Some(2) => {
            let s = out.stderr.to_lowercase();
            assert!(
                s.contains("damage") || s.contains("corrupt"),
                "exit 2 should say the store is damaged: {s}"
            );
        }
        other => panic!(
            "verify after tampering exited {other:?}:\n{}\n{}",
            out.stdout, out.stderr
        ),
    }
    // Reading the log must not silently serve the changed text either.
    let log = l.run(&["log", "--format", "json"]);
    assert!(!log.stderr.contains("panicked"), "{}", log.stderr);
    if log.code == Some(0) {
        let recs = parse_json_lines(&log.stdout);
        assert!(
            recs.iter().all(|r| record_hash(r) == r["hash"].as_str().unwrap()),
            "log printed a record whose hash does not recompute, with exit 0"
        );
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Opens the store behind the binary's back (sled is a dev-dependency) and
/// lets `f` change the one tree the ledger keeps. The tests below do not
/// rely on how records are laid out in it (one per key, or packed): they
/// find the bytes they mean to change.
fn tamper_store(l: &Ledger, f: impl FnOnce(&sled::Tree)) {
    let dir = l.data.join("log");
    // sled refuses a segment size other than the one the store was made
    // with; it is written down in its `conf` file.
    // (It ends in a binary checksum, so it is not read as UTF-8.)
    let conf = String::from_utf8_lossy(&std::fs::read(dir.join("conf")).unwrap_or_default()).into_owned();
    let mut config = sled::Config::new().path(&dir);
    if let Some(size) = conf
        .lines()
        .find_map(|l| l.strip_prefix("segment_size:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        config = config.segment_size(size);
    }
    let db = config.open().expect("open the sled store directly");
    let tree = db.open_tree("log").unwrap();
    f(&tree);
    db.flush().unwrap();
}

/// The (key, value) of every entry of `tree` whose value holds `needle`.
fn entries_holding(tree: &sled::Tree, needle: &[u8]) -> Vec<(sled::IVec, Vec<u8>)> {
    tree.iter()
        .map(|kv| kv.unwrap())
        .filter(|(_, v)| find(v, needle).is_some())
        .map(|(k, v)| (k, v.to_vec()))
        .collect()
}

fn hash_bytes(hex_hash: &str) -> Vec<u8> {
    (0..32)
        .map(|i| u8::from_str_radix(&hex_hash[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[track_caller]
fn verify_fails_naming(l: &Ledger, seqs: &[u64]) {
    let out = l.run(&["verify"]);
    out.expect(1);
    assert!(
        seqs.iter().any(|s| out.stderr.contains(&format!("record {s}"))),
        "should name one of records {seqs:?}: {}",
        out.stderr
    );
    let out = l.run(&["verify", "--format", "json"]);
    out.expect(1);
    let v: Value = serde_json::from_str(out.stdout.trim()).expect("verify --format json prints JSON on failure");
    assert_eq!(v["ok"], false);
    assert!(
        seqs.iter().any(|s| v["seq"] == *s),
        "json names seq {} not one of {seqs:?}",
        v["seq"]
    );
}

#[test]
fn verify_names_a_record_whose_body_was_rewritten() {
    let marker = "Rewrite-Me-Purpose";
    let l = ledger_with_marker(marker);
    tamper_store(&l, |t| {
        let found = entries_holding(t, marker.as_bytes());
        assert_eq!(found.len(), 1, "the purpose is stored once");
        let (k, mut v) = found.into_iter().next().unwrap();
        let i = find(&v, marker.as_bytes()).unwrap();
        v[i] = b'X'; // same length: only the content changes
        t.insert(k, v).unwrap();
    });
    verify_fails_naming(&l, &[13]);
}

#[test]
fn verify_names_a_record_whose_stored_hash_was_changed() {
    let l = ledger_with_marker("whatever");
    let h7 = hash_bytes(l.records()[7]["hash"].as_str().unwrap());
    tamper_store(&l, |t| {
        // The raw 32-byte hash is stored with the record (and, as prev_hash
        // hex, inside record 8's body, which this does not touch).
        let found = entries_holding(t, &h7);
        assert!(!found.is_empty(), "record 7's hash is not stored as raw bytes");
        for (k, mut v) in found {
            let i = find(&v, &h7).unwrap();
            v[i] ^= 1;
            t.insert(k, v).unwrap();
        }
    });
    let out = l.run(&["verify"]);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("record 7") || out.stderr.contains("record 8"),
        "{}",
        out.stderr
    );
}

#[test]
fn verify_notices_removed_records() {
    let l = ledger_with_marker("whatever");
    let h9 = hash_bytes(l.records()[9]["hash"].as_str().unwrap());
    tamper_store(&l, |t| {
        // Remove whatever key holds record 9 (a record, or a segment of them).
        let found = entries_holding(t, &h9);
        assert!(!found.is_empty(), "record 9's hash is not stored as raw bytes");
        for (k, _) in found {
            t.remove(k).unwrap();
        }
    });
    let out = l.run(&["verify"]);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert_eq!(
        out.code,
        Some(1),
        "removing records must fail the check: {}",
        out.stderr
    );
    assert!(out.stderr.contains("record "), "should name a record: {}", out.stderr);
}

// ------------------------------------------------------ the spec vectors --

#[test]
fn the_spec_vectors_rehash_with_this_tests_jcs() {
    // Guards the test helper itself: contract 1.2's published records must
    // recompute with it, or the re-hash checks above would prove nothing.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/records.ndjson");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let recs = parse_json_lines(&text);
    assert!(!recs.is_empty());
    check_chain(&recs, 0, None);

    // Their events are valid input and are stored as submitted.
    let l = Ledger::new();
    let events: Vec<Value> = recs.iter().map(|r| r["event"].clone()).collect();
    l.append_str(&ndjson(&events)).expect(0);
    let stored = l.records();
    assert_eq!(stored.len(), events.len());
    for (s, e) in stored.iter().zip(&events) {
        assert_eq!(&s["event"], e);
    }
}

// ------------------------------------------------------------ assessment --

/// Two counties' yearly tasks: 甲县 vetoed by an accident and paid its
/// reward anyway, criticised on time; 乙县 passed and criticised anyway.
const TASKS: &str = r#"{"type":"entity.registered","actor":"city","occurred_at":"2009-01-01","data":{"entity_id":"city","kind":"government","name":"市政府"}}
{"type":"entity.registered","actor":"city","occurred_at":"2009-01-01","data":{"entity_id":"cty-a","kind":"county","name":"甲县","parent":"city"}}
{"type":"entity.registered","actor":"city","occurred_at":"2009-01-01","data":{"entity_id":"cty-b","kind":"county","name":"乙县","parent":"city"}}
{"type":"entity.registered","actor":"city","occurred_at":"2009-01-01","data":{"entity_id":"aud","kind":"auditor","name":"审计局"}}
{"type":"target.assigned","actor":"city","occurred_at":"2009-01-02","data":{"target_id":"a-gdp","assignee":"cty-a","metric":"gdp","unit":"percent","comparator":">=","threshold":"10","period":{"from":"2009-01-01","to":"2009-12-31"},"basis":"doc"}}
{"type":"target.assigned","actor":"city","occurred_at":"2009-01-02","data":{"target_id":"a-safe","assignee":"cty-a","metric":"accidents","unit":"count","comparator":"<=","threshold":"0","period":{"from":"2009-01-01","to":"2009-12-31"},"basis":"doc"}}
{"type":"target.assigned","actor":"city","occurred_at":"2009-01-02","data":{"target_id":"b-gdp","assignee":"cty-b","metric":"gdp","unit":"percent","comparator":">=","threshold":"10","period":{"from":"2009-01-01","to":"2009-12-31"},"basis":"doc"}}
{"type":"assessment.task_set","actor":"city","occurred_at":"2009-01-03","data":{"task_id":"k-a","assignee":"cty-a","period":{"from":"2009-01-01","to":"2009-12-31"},"group":"counties","items":[{"target_id":"a-gdp","weight":"70"},{"target_id":"a-safe","weight":"30","veto":true}],"pass_score":"60","consequences":{"on_fail":["criticism","award_disqualified"]},"basis":"责任状"}}
{"type":"assessment.task_set","actor":"city","occurred_at":"2009-01-03","data":{"task_id":"k-b","assignee":"cty-b","period":{"from":"2009-01-01","to":"2009-12-31"},"group":"counties","items":[{"target_id":"b-gdp","weight":70}],"pass_score":60,"basis":"责任状"}}
{"type":"incentive.scheme_set","actor":"city","occurred_at":"2009-01-04","data":{"scheme_id":"r-a","task_id":"k-a","total":"100000","shares":[{"role":"team","percent":"100"}],"condition":"task_passed"}}
{"type":"target.verified","actor":"aud","occurred_at":"2010-01-20","data":{"target_id":"a-gdp","value":"12","as_of":"2009-12-31","evidence":"stats"}}
{"type":"target.verified","actor":"aud","occurred_at":"2010-01-21","data":{"target_id":"a-safe","value":"1","as_of":"2009-12-31","evidence":"safety"}}
{"type":"target.verified","actor":"aud","occurred_at":"2010-01-22","data":{"target_id":"b-gdp","value":"11","as_of":"2009-12-31","evidence":"stats"}}
{"type":"incentive.paid","actor":"city","occurred_at":"2010-02-01","data":{"payout_id":"pa","scheme_id":"r-a","payee":"cty-a","role":"team","amount":"100000","evidence":"voucher"}}
{"type":"sanction.imposed","actor":"city","occurred_at":"2010-02-02","data":{"sanction_id":"x1","subject":"cty-b","kind":"criticism","task_id":"k-b","basis":"通报"}}
{"type":"sanction.imposed","actor":"city","occurred_at":"2010-02-03","data":{"sanction_id":"x2","subject":"cty-a","kind":"criticism","task_id":"k-a","basis":"通报"}}
"#;

fn at_date(l: &Ledger, args: &[&str]) -> Out {
    let mut c = cmd();
    c.arg("--data")
        .arg(&l.data)
        .args(args)
        .env("PLEDGER_TODAY", "2011-01-01");
    run_cmd(c, None)
}

#[test]
fn report_assessment_as_a_table_json_and_csv() {
    let l = Ledger::new();
    l.append_str(TASKS).expect(0);
    let table = at_date(&l, &["report", "assessment"]);
    table.expect(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    for needle in ["rank", "score / max", "veto", "consequences"] {
        assert!(lines[0].contains(needle), "header has {needle}: {}", lines[0]);
    }
    let a = lines.iter().find(|l| l.contains("甲县")).expect("甲县's row");
    for needle in [
        "1 of 2",
        "70 / 100",
        "failed",
        "vetoed",
        "1 / 2",
        "award_disqualified not_imposed",
    ] {
        assert!(a.contains(needle), "{needle} in {a}");
    }
    let b = lines.iter().find(|l| l.contains("乙县")).expect("乙县's row");
    assert!(b.contains("70 / 70") && b.contains("passed"), "{b}");

    let json: Value = serde_json::from_str(&at_date(&l, &["report", "assessment", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["judged_at"], "2011-01-01");
    let k_a = json["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task_id"] == "k-a")
        .unwrap();
    assert_eq!(
        (
            &k_a["status"],
            &k_a["vetoed"],
            &k_a["score"],
            &k_a["decided_on"],
            &k_a["rank"],
            &k_a["of"]
        ),
        (
            &json!("failed"),
            &json!(true),
            &json!("70"),
            &json!("2010-01-21"),
            &json!(1),
            &json!(2)
        )
    );
    assert_eq!(k_a["consequences"][1]["status"], "not_imposed");

    let csv = at_date(&l, &["report", "assessment", "--format", "csv"]);
    assert_eq!(csv.stdout.lines().count(), 3, "a header and two tasks: {}", csv.stdout);

    // As of the last day of 2009 both tasks were open.
    let open: Value = serde_json::from_str(
        &at_date(
            &l,
            &["report", "assessment", "--as-of", "2009-12-31", "--format", "json"],
        )
        .stdout,
    )
    .unwrap();
    assert!(open["tasks"].as_array().unwrap().iter().all(|t| t["status"] == "open"));

    let findings = at_date(&l, &["report", "findings", "--format", "json"]);
    let codes: Vec<String> = serde_json::from_str::<Value>(&findings.stdout).unwrap()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    for code in [
        "reward_for_failed_task",
        "sanction_not_imposed",
        "sanction_without_basis",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    }
}

#[test]
fn a_task_the_rules_refuse_is_not_written_and_the_message_says_why() {
    let l = Ledger::new();
    l.append_str(TASKS).expect(0);
    let before = l.log_json_text();
    let bad = r#"{"type":"assessment.task_set","actor":"city","occurred_at":"2010-01-03","data":{"task_id":"k-c","assignee":"cty-b","period":{"from":"2010-01-01","to":"2010-12-31"},"group":"counties","items":[{"target_id":"b-gdp","weight":"50"},{"target_id":"a-gdp","weight":"50"}],"pass_score":"60","basis":"责任状"}}"#;
    let out = l.append_str(bad);
    out.expect(2);
    assert!(
        out.stderr.contains("a-gdp") && out.stderr.contains("cty-a"),
        "{}",
        out.stderr
    );
    // The assessed county cannot set its own task.
    let own = r#"{"type":"assessment.task_set","actor":"cty-b","occurred_at":"2010-01-03","data":{"task_id":"k-c","assignee":"cty-b","period":{"from":"2010-01-01","to":"2010-12-31"},"group":"counties","items":[{"target_id":"b-gdp","weight":"50"}],"pass_score":"10","basis":"自定"}}"#;
    let out = l.append_str(own);
    out.expect(2);
    assert!(out.stderr.contains("not_permitted"), "{}", out.stderr);
    assert_eq!(l.log_json_text(), before, "nothing written");
}

// -------------------------------------------------------------- projects --

/// Two parks, two projects of one investor: one started with money in
/// place, one only signed on land never built on; park-a counts both,
/// park-b counts the started one too; a special account never used.
const PROJECTS: &str = r#"{"type":"entity.registered","actor":"city","occurred_at":"2008-01-01","data":{"entity_id":"city","kind":"government","name":"市政府"}}
{"type":"entity.registered","actor":"city","occurred_at":"2008-01-01","data":{"entity_id":"park-a","kind":"park","name":"甲园区","parent":"city"}}
{"type":"entity.registered","actor":"city","occurred_at":"2008-01-01","data":{"entity_id":"park-b","kind":"park","name":"乙园区","parent":"city"}}
{"type":"entity.registered","actor":"city","occurred_at":"2008-01-01","data":{"entity_id":"aud","kind":"auditor","name":"审计局"}}
{"type":"entity.registered","actor":"city","occurred_at":"2008-01-01","data":{"entity_id":"ent-x","kind":"enterprise","name":"某公司"}}
{"type":"entity.registered","actor":"ent-x","occurred_at":"2008-01-02","data":{"entity_id":"proj-1","kind":"project","name":"电机厂","parent":"ent-x"}}
{"type":"entity.registered","actor":"ent-x","occurred_at":"2008-01-02","data":{"entity_id":"proj-2","kind":"project","name":"纺织厂","parent":"ent-x"}}
{"type":"project.signed","actor":"park-a","occurred_at":"2008-02-01","data":{"project_id":"proj-1","host":"park-a","investor":"ent-x","planned_investment":"50000000","signed_on":"2008-02-01","land":{"parcel_id":"DK-01","area_mu":"120","agreed_start":"2008-06-01"}}}
{"type":"project.signed","actor":"park-a","occurred_at":"2008-03-01","data":{"project_id":"proj-2","host":"park-a","investor":"ent-x","planned_investment":"20000000","signed_on":"2008-03-01","land":{"parcel_id":"DK-02","area_mu":"80.5","agreed_start":"2008-06-01"}}}
{"type":"project.stage_reported","actor":"park-a","occurred_at":"2008-05-01","data":{"project_id":"proj-1","stage":"started","as_of":"2008-04-30","investment_in_place":"15000000","evidence":"photo"}}
{"type":"target.assigned","actor":"city","occurred_at":"2008-01-05","data":{"target_id":"a-2008","assignee":"park-a","metric":"new_projects_ge_10m","unit":"count","comparator":">=","threshold":"2","period":{"from":"2008-01-01","to":"2008-12-31"},"basis":"doc","counts":{"stage":"started","min_investment":"10000000"}}}
{"type":"target.assigned","actor":"city","occurred_at":"2008-01-05","data":{"target_id":"b-2008","assignee":"park-b","metric":"new_projects_ge_10m","unit":"count","comparator":">=","threshold":"1","period":{"from":"2008-01-01","to":"2008-12-31"},"basis":"doc","counts":{"stage":"signed"}}}
{"type":"target.progress_reported","actor":"park-a","occurred_at":"2008-12-20","data":{"target_id":"a-2008","value":"3","as_of":"2008-12-15","projects":["proj-1","proj-2"]}}
{"type":"target.progress_reported","actor":"park-b","occurred_at":"2008-12-21","data":{"target_id":"b-2008","value":"1","as_of":"2008-12-15","projects":["proj-1"]}}
{"type":"account.opened","actor":"park-a","occurred_at":"2008-01-03","data":{"account_id":"a-special","holder":"park-a","name":"专户","kind":"internal"}}
{"type":"account.opened","actor":"city","occurred_at":"2008-01-03","data":{"account_id":"budget","holder":"city","name":"预算","kind":"source"}}
{"type":"fund.disbursed","actor":"city","occurred_at":"2008-04-01","data":{"disbursement_id":"d1","from_account":"budget","to_account":"a-special","amount":"3000000","purpose":"infra"}}
"#;

#[test]
fn report_projects_as_a_table_json_and_csv() {
    let l = Ledger::new();
    l.append_str(PROJECTS).expect(0);
    let table = at_date(&l, &["report", "projects"]);
    table.expect(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines[0].contains("in place / planned") && lines[0].contains("counted by"),
        "{}",
        lines[0]
    );
    let plant = lines.iter().find(|l| l.contains("电机厂")).expect("电机厂's row");
    for needle in [
        "甲园区 (park-a)",
        "started",
        "15000000.00 / 50000000.00",
        "a-2008",
        "b-2008",
    ] {
        assert!(plant.contains(needle), "{needle} in {plant}");
    }
    let mill = lines.iter().find(|l| l.contains("纺织厂")).expect("纺织厂's row");
    assert!(
        mill.contains("idle over two years") && mill.contains("does not qualify"),
        "{mill}"
    );

    let json: Value = serde_json::from_str(&at_date(&l, &["report", "projects", "--format", "json"]).stdout).unwrap();
    let mill = json["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["project_id"] == "proj-2")
        .unwrap();
    assert_eq!(mill["land"]["idle_since"], "2009-06-02");
    assert_eq!(mill["land"]["reclaimable"], true);
    assert_eq!(mill["counted_by"][0]["reason"], "stage_not_reached");
    let csv = at_date(&l, &["report", "projects", "--format", "csv"]);
    assert_eq!(csv.stdout.lines().count(), 3, "{}", csv.stdout);

    let findings: Value =
        serde_json::from_str(&at_date(&l, &["report", "findings", "--format", "json"]).stdout).unwrap();
    let codes: Vec<&str> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for code in [
        "idle_balance",
        "land_idle",
        "project_double_counted",
        "count_mismatch",
        "counted_not_qualifying",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
}

#[test]
fn a_project_listing_the_rules_refuse_is_not_written() {
    let l = Ledger::new();
    l.append_str(PROJECTS).expect(0);
    let before = l.log_json_text();
    for (bad, needle) in [
        (
            r#"{"type":"project.signed","actor":"park-a","occurred_at":"2009-01-05","data":{"project_id":"ent-x","host":"park-a","investor":"ent-x","planned_investment":"1","signed_on":"2009-01-05"}}"#,
            "not as a project",
        ),
        (
            r#"{"type":"project.signed","actor":"park-b","occurred_at":"2009-01-05","data":{"project_id":"proj-1","host":"park-b","investor":"ent-x","planned_investment":"1","signed_on":"2009-01-05"}}"#,
            "duplicate_id",
        ),
        (
            r#"{"type":"target.progress_reported","actor":"park-a","occurred_at":"2009-01-05","data":{"target_id":"a-2008","value":"2","as_of":"2008-12-31","projects":["proj-1","proj-1"]}}"#,
            "twice",
        ),
        (
            r#"{"type":"project.stage_reported","actor":"park-a","occurred_at":"2009-01-05","data":{"project_id":"proj-1","stage":"finished","as_of":"2009-01-05"}}"#,
            "producing",
        ),
    ] {
        let out = l.append_str(bad);
        out.expect(2);
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
    }
    assert_eq!(l.log_json_text(), before, "nothing written");
}

/// `--lang` (before or after the verb) and the locale choose the language
/// of findings' sentences and the findings table's headers; JSON keeps its
/// keys and codes and carries each finding's facts.
#[test]
fn findings_speak_the_language_asked_for() {
    let l = Ledger::uninit();
    let demo = l.tmp.path().join("demo");
    let run = |args: &[&str], env: &[(&str, &str)]| -> Out {
        let mut c = cmd();
        c.arg("--data")
            .arg(&demo)
            .args(args)
            .env("PLEDGER_TODAY", "2011-06-30")
            .envs(env.iter().copied());
        run_cmd(c, None)
    };
    run(&["demo"], &[]).expect(0);

    let zh = run(&["report", "findings", "--lang", "zh-CN"], &[]);
    zh.expect(0);
    let header = zh.stdout.lines().next().unwrap();
    for h in ["日期", "问题", "涉及", "记录", "账本所示"] {
        assert!(header.contains(h), "{header}");
    }
    for needle in [
        // A registered name with its id in brackets, amounts in 万元 and 亿元,
        // Chinese dates, the code's label beside the code.
        "津市市工业园（jinshi-park）连续2期未完成“新引进1000万元以上项目”目标",
        "汉寿县（hanshou-county）对汉寿县高新技术产业园（hanshou-park）的承诺c-fd-hanshou（资金安排，金额1亿元）应于2010年12月31日前兑现",
        "追回超过发放额（clawback_exceeds_payout）",
        "发放15万元，但已从中追回20万元",
    ] {
        assert!(zh.stdout.contains(needle), "no {needle:?} in\n{}", zh.stdout);
    }
    assert!(!zh.stdout.contains(" yuan"), "{}", zh.stdout);

    // The locale is the default; --lang wins over it, before or after the verb.
    let by_locale = run(&["report", "findings"], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(by_locale.stdout, zh.stdout);
    let before_verb = run(&["--lang", "zh-CN", "report", "findings"], &[]);
    assert_eq!(before_verb.stdout, zh.stdout);
    let en = run(&["report", "findings"], &[]);
    en.expect(0);
    assert!(en.stdout.starts_with("date"), "{}", en.stdout);
    assert!(en
        .stdout
        .contains("jinshi-park missed its new_projects_ge_10m target 2 periods in a row"));
    let overridden = run(&["report", "findings", "--lang", "en"], &[("LC_ALL", "zh_CN.UTF-8")]);
    assert_eq!(overridden.stdout, en.stdout);
    assert_eq!(run(&["report", "findings"], &[("LANG", "C.UTF-8")]).stdout, en.stdout);
    let bad = run(&["report", "findings", "--lang", "fr"], &[]);
    bad.expect(2);
    assert!(bad.stderr.contains("zh-CN or en"), "{}", bad.stderr);

    // JSON: the same findings, the sentence in the language asked for, the
    // facts beside it in every language.
    let json = |args: &[&str]| -> Value {
        let out = run(&[&["report", "findings", "--format", "json"], args].concat(), &[]);
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
    };
    let (en, zh) = (json(&[]), json(&["--lang", "zh-CN"]));
    let (en, zh) = (en["findings"].as_array().unwrap(), zh["findings"].as_array().unwrap());
    assert_eq!(en.len(), zh.len());
    for (e, z) in en.iter().zip(zh) {
        for key in ["code", "subjects", "seqs", "date", "facts"] {
            assert_eq!(e[key], z[key], "{key}");
        }
        assert_ne!(e["message"], z["message"]);
        assert!(e["facts"].is_object() && !e["facts"].as_object().unwrap().is_empty());
    }
    let overdue = en
        .iter()
        .find(|f| f["code"] == "commitment_overdue" && f["subjects"][0] == "c-fd-hanshou")
        .unwrap();
    assert_eq!(overdue["facts"]["amount"], "100000000.00");
    assert_eq!(overdue["facts"]["due"], "2010-12-31");
    assert_eq!(
        overdue["facts"]["promisor"],
        json!({"kind": "entity", "id": "hanshou-county", "name": "汉寿县"})
    );

    // The other reports head their tables in the language asked for.
    let targets = run(&["report", "targets", "--lang", "zh-CN"], &[]);
    assert!(
        targets.stdout.lines().next().unwrap().contains("责任单位"),
        "{}",
        targets.stdout
    );
    let changes = run(&["report", "changes", "--from-seq", "1000", "--lang", "zh-CN"], &[]);
    changes.expect(0);
    assert!(
        changes.stdout.starts_with("自账本位置 1000 以来的问题线索"),
        "{}",
        changes.stdout
    );
    assert!(changes.stdout.contains("新出现"), "{}", changes.stdout);
}
