//! Helpers shared by the end-to-end tests of the `pledger` binary: running
//! it, building valid events, and an independent re-hash of stored records
//! (contract 1.2) with a small RFC 8785 canonicaliser, so these tests do not
//! trust the crates they test.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_pledger");

/// What one run of the binary did.
#[derive(Debug, Clone)]
pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Panics (with everything printed) unless the exit status is `code`,
    /// and in every case unless the run was free of Rust panics.
    #[track_caller]
    pub fn expect(&self, code: i32) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "pledger panicked:\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        assert_eq!(
            self.code,
            Some(code),
            "unexpected exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// A `pledger` command with a clean environment: no inherited
/// $PLEDGER_DATA, and no locale, so it writes English whatever the
/// machine's language (a test sets `LANG` or `--lang` to ask for Chinese).
pub fn cmd() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("PLEDGER_DATA");
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        c.env_remove(var);
    }
    c
}

/// Runs `c`, feeding `stdin` if given.
pub fn run_cmd(mut c: Command, stdin: Option<&[u8]>) -> Out {
    c.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn pledger");
    if let Some(bytes) = stdin {
        let mut w = child.stdin.take().expect("stdin");
        // The binary may refuse early and close its end; that is its answer.
        let _ = w.write_all(bytes);
    }
    let o = child.wait_with_output().expect("wait for pledger");
    Out {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A ledger in a fresh temporary directory: `DIR/data`.
pub struct Ledger {
    pub tmp: tempfile::TempDir,
    pub data: PathBuf,
}

impl Ledger {
    /// A data directory path that does not exist yet.
    pub fn uninit() -> Ledger {
        let tmp = tempfile::tempdir().expect("tempdir");
        let data = tmp.path().join("data");
        Ledger { tmp, data }
    }

    /// An initialised, empty ledger.
    pub fn new() -> Ledger {
        let l = Ledger::uninit();
        l.run(&["init"]).expect(0);
        l
    }

    /// An initialised ledger holding the founding entity and both accounts.
    pub fn founded() -> Ledger {
        let l = Ledger::new();
        l.append_str(&ndjson(&base_events())).expect(0);
        l
    }

    /// Runs `pledger --data DATA ARGS...`.
    pub fn run(&self, args: &[&str]) -> Out {
        let mut c = cmd();
        c.arg("--data").arg(&self.data).args(args).current_dir(self.tmp.path());
        run_cmd(c, None)
    }

    /// Runs `pledger --data DATA ARGS...` with `stdin`.
    pub fn run_stdin(&self, args: &[&str], stdin: &[u8]) -> Out {
        let mut c = cmd();
        c.arg("--data").arg(&self.data).args(args).current_dir(self.tmp.path());
        run_cmd(c, Some(stdin))
    }

    /// `append -` with `text` on stdin.
    pub fn append_str(&self, text: &str) -> Out {
        self.run_stdin(&["append", "-"], text.as_bytes())
    }

    /// Writes `text` to a file in the temp dir and returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.tmp.path().join(name);
        std::fs::write(&p, text).expect("write input file");
        p
    }

    /// `log --format json`, as raw text.
    pub fn log_json_text(&self) -> String {
        self.run(&["log", "--format", "json"]).expect(0).stdout.clone()
    }

    /// `log --format json`, parsed, checked line by line (hash recomputed,
    /// chain linked, seqs contiguous from `from`).
    pub fn records(&self) -> Vec<Value> {
        let text = self.log_json_text();
        let recs = parse_json_lines(&text);
        check_chain(&recs, 0, None);
        recs
    }

    /// Everything a reader can see: the full JSON log and `verify`'s answer.
    /// Equal snapshots mean an operation left the ledger unchanged.
    pub fn snapshot(&self) -> (String, String) {
        let log = self.log_json_text();
        let v = self.run(&["verify"]);
        v.expect(0);
        (log, v.stdout)
    }
}

// ---------------------------------------------------------------- events --

pub const CITY: &str = "city";
pub const SRC: &str = "acc-src";
pub const DST: &str = "acc-dst";

/// The founding record: the city registers itself.
pub fn founding() -> Value {
    json!({
        "type": "entity.registered", "id": "e-city", "actor": CITY, "occurred_at": "2026-01-01",
        "data": {"entity_id": CITY, "kind": "government", "name": "常德市人民政府"}
    })
}

pub fn account(id: &str, account_id: &str, kind: &str) -> Value {
    json!({
        "type": "account.opened", "id": id, "actor": CITY, "occurred_at": "2026-01-01",
        "data": {"account_id": account_id, "holder": CITY, "name": format!("account {account_id}"), "kind": kind}
    })
}

/// Founding entity, a source account and an external account.
pub fn base_events() -> Vec<Value> {
    vec![
        founding(),
        account("a-src", SRC, "source"),
        account("a-dst", DST, "external"),
    ]
}

/// A valid `fund.disbursed` from SRC to DST; `tag` makes id and
/// disbursement_id unique.
pub fn disbursement(tag: &str, amount: &str, purpose: &str) -> Value {
    json!({
        "type": "fund.disbursed", "id": format!("d-{tag}"), "actor": CITY, "occurred_at": "2026-02-01",
        "data": {
            "disbursement_id": format!("disb-{tag}"), "from_account": SRC, "to_account": DST,
            "amount": amount, "purpose": purpose
        }
    })
}

/// One JSON object per line, newline-terminated.
pub fn ndjson(events: &[Value]) -> String {
    let mut s = String::new();
    for e in events {
        s.push_str(&serde_json::to_string(e).unwrap());
        s.push('\n');
    }
    s
}

// ------------------------------------------------------- records, hashes --

/// Parses text holding one JSON value per line.
#[track_caller]
pub fn parse_json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// RFC 8785 (JCS) for the values a record holds: objects with keys sorted
/// by UTF-16 code units, strings escaped as ECMAScript does (which is what
/// serde_json does: short escapes, lowercase `\u00xx`, nothing else), and
/// integers. A non-integer number panics: records hold none.
pub fn jcs(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            assert!(n.is_i64() || n.is_u64(), "a record holds a non-integer number: {n}");
            out.push_str(&n.to_string());
        }
        Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap()),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jcs(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push(':');
                jcs(&m[k.as_str()], out);
            }
            out.push('}');
        }
    }
}

/// The stored body of a record (contract 1.2): JCS of the record without
/// its hash.
pub fn record_body(record: &Value) -> String {
    let mut body = record.clone();
    body.as_object_mut().expect("a record is an object").remove("hash");
    let mut text = String::new();
    jcs(&body, &mut text);
    text
}

/// Contract 1.2: BLAKE3("pledger/record/v1\n" || JCS(record without hash)), hex.
pub fn record_hash(record: &Value) -> String {
    let text = format!("pledger/record/v1\n{}", record_body(record));
    blake3::hash(text.as_bytes()).to_hex().to_string()
}

/// The founding events, then per client `c` an enterprise `org-{c}` with a
/// source account `org-{c}-src` and an external one `org-{c}-pay`: clients
/// whose appends never depend on each other.
pub fn client_orgs(clients: usize) -> Vec<Value> {
    let mut setup = vec![founding()];
    for c in 0..clients {
        let org = format!("org-{c}");
        setup.push(
            json!({"type": "entity.registered", "actor": CITY, "occurred_at": "2026-01-01",
            "data": {"entity_id": org, "kind": "enterprise", "name": format!("企业 {c}")}}),
        );
        for (acc, kind) in [("src", "source"), ("pay", "external")] {
            setup.push(
                json!({"type": "account.opened", "actor": org, "occurred_at": "2026-01-01",
                "data": {"account_id": format!("{org}-{acc}"), "holder": org, "name": acc, "kind": kind}}),
            );
        }
    }
    setup
}

pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Checks records as `log --format json` prints them: exactly the five
/// fields, seqs contiguous from `first_seq`, each hash recomputed, each
/// prev_hash the previous record's hash (64 zeros before seq 0; `prev`
/// when the slice starts later and the predecessor is known).
#[track_caller]
pub fn check_chain(recs: &[Value], first_seq: u64, prev: Option<&str>) {
    let mut expect_prev: Option<String> = if first_seq == 0 {
        Some(ZERO_HASH.to_string())
    } else {
        prev.map(str::to_string)
    };
    for (i, r) in recs.iter().enumerate() {
        let o = r.as_object().expect("record is an object");
        let mut keys: Vec<&str> = o.keys().map(|k| k.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["event", "hash", "prev_hash", "recorded_at", "seq"],
            "record fields: {r}"
        );
        assert_eq!(r["seq"].as_u64(), Some(first_seq + i as u64), "seq gap at {r}");
        let hash = r["hash"].as_str().expect("hash is a string");
        assert!(is_hex64(hash), "hash is not 64 lowercase hex: {r}");
        let prev_hash = r["prev_hash"].as_str().expect("prev_hash is a string");
        assert!(is_hex64(prev_hash), "prev_hash is not 64 lowercase hex: {r}");
        if let Some(p) = &expect_prev {
            assert_eq!(prev_hash, p, "prev_hash does not link to the previous record: {r}");
        }
        assert_eq!(
            record_hash(r),
            hash,
            "the stored hash does not recompute (contract 1.2): {r}"
        );
        expect_prev = Some(hash.to_string());
    }
}

pub fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Every regular file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// An event dated 2011-01-04 (the import tests' ledger).
fn dated(kind: &str, id: &str, actor: &str, data: Value) -> Value {
    json!({"type": kind, "id": id, "actor": actor, "occurred_at": "2011-01-04", "data": data})
}

/// The ledger the spreadsheet-import tests record into (tests/import.rs,
/// tests/console_import.rs): the city, its finance bureau (an office of
/// it), a park, the city treasury and the park's infrastructure account.
pub fn import_city() -> Vec<Value> {
    vec![
        dated(
            "entity.registered",
            "e-city",
            "city",
            json!({"entity_id": "city", "kind": "government", "name": "常德市人民政府"}),
        ),
        dated(
            "entity.registered",
            "e-fin",
            "city",
            json!({"entity_id": "city-finance", "kind": "department", "name": "常德市财政局", "parent": "city"}),
        ),
        dated(
            "entity.registered",
            "e-park",
            "city",
            json!({"entity_id": "park-a", "kind": "park", "name": "常德经济技术开发区", "parent": "city"}),
        ),
        dated(
            "account.opened",
            "a-tr",
            "city",
            json!({"account_id": "city-treasury", "holder": "city", "kind": "source", "name": "市本级财政国库"}),
        ),
        dated(
            "account.opened",
            "a-pa",
            "park-a",
            json!({"account_id": "park-a-infra", "holder": "park-a", "kind": "internal", "name": "经开区基础设施专户"}),
        ),
    ]
}
