//! The events: the founding set appended before the load, and the stream
//! each client appends in its own name.
//!
//! Every client has its own entity, alternately an enterprise and a city
//! bureau, holding a source account (its own funds, or its budget) and an
//! internal special-purpose account (专户), and the assignee of a yearly
//! investment target set by the city government. Under load a client appends
//! only `fund.disbursed` from its source account to its internal account
//! (three events in four) and `target.progress_reported` on its own target
//! (one in four), each with a fresh client key `id` and a fresh
//! `disbursement_id`: whether an event is valid never depends on what
//! another client appended, so concurrent clients never conflict, and every
//! 201 is one new record per event.

use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// The city government: registered by the generator's stream when it is
/// preloaded, else by the founding set itself.
pub const GOVERNMENT: &str = "changde-gov";

/// What one client appends with: its entity, its token, and the things its
/// events refer to. One line of the tokens file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub entity: String,
    pub token: String,
    pub source: String,
    pub internal: String,
    pub target: String,
}

/// The tokens file: `#` comments, then one client a line, tab-separated:
/// `entity  token  source_account  internal_account  target_id`.
pub fn write_slots(slots: &[Slot]) -> String {
    let mut out = String::from(
        "# pledger-loadgen clients: entity, token, source account, internal account, target (tab-separated)\n",
    );
    for s in slots {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            s.entity, s.token, s.source, s.internal, s.target
        );
    }
    out
}

pub fn read_slots(text: &str) -> Result<Vec<Slot>, String> {
    let mut slots = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if f.len() != 5 || f.iter().any(|x| x.is_empty() || !is_safe(x)) {
            return Err(format!(
                "line {}: expected 5 tab-separated fields (entity, token, source account, internal account, target) of [A-Za-z0-9._:-]",
                n + 1
            ));
        }
        slots.push(Slot {
            entity: f[0].into(),
            token: f[1].into(),
            source: f[2].into(),
            internal: f[3].into(),
            target: f[4].into(),
        });
    }
    if slots.is_empty() {
        return Err("the tokens file names no clients".into());
    }
    Ok(slots)
}

/// Identifier characters (contract 1.1); values of this form need no JSON
/// escaping.
fn is_safe(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
}

/// Today's UTC date as (year, "YYYY-MM-DD").
pub fn today() -> (i32, String) {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    (y, format!("{y:04}-{m:02}-{d:02}"))
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400) as i32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The founding set: `preload` events of the generator's city (which
/// registers the government first), or else the government alone; then per
/// client an entity, two accounts and a target. Returns NDJSON lines and the
/// slots (tokens still empty).
pub fn founding(clients: usize, preload: usize, seed: u64) -> Result<(Vec<String>, Vec<Slot>), String> {
    let (year, date) = today();
    let mut lines = Vec::new();
    if preload > 0 {
        let mut has_gov = false;
        for ev in pledger_gen::Generator::new(seed).take(preload) {
            has_gov |= ev["type"] == "entity.registered"
                && ev["data"]["entity_id"] == GOVERNMENT
                && ev["data"]["kind"] == "government";
            lines.push(ev.to_string());
        }
        if !has_gov {
            return Err(format!(
                "the generator's first {preload} events do not register the government {GOVERNMENT:?}"
            ));
        }
    } else {
        lines.push(
            serde_json::json!({
                "type": "entity.registered", "id": "lg-ent-gov", "actor": GOVERNMENT, "occurred_at": date,
                "data": {"entity_id": GOVERNMENT, "kind": "government", "name": "常德市人民政府"},
            })
            .to_string(),
        );
    }
    let mut slots = Vec::with_capacity(clients);
    for i in 0..clients {
        let n = i + 1;
        let firm = i % 2 == 0;
        let (entity, entity_data, source_name, internal_name, earmark) = if firm {
            let e = format!("lg-firm-{n:03}");
            let name = format!("常德{n}号负载实业有限公司");
            (
                e.clone(),
                serde_json::json!({"entity_id": e, "kind": "enterprise", "name": name}),
                format!("{name}自有资金"),
                format!("{name}项目建设资金专户"),
                "infrastructure",
            )
        } else {
            let e = format!("lg-bureau-{n:03}");
            let name = format!("常德市第{n}负载事务局");
            (
                e.clone(),
                serde_json::json!({"entity_id": e, "kind": "department", "name": name, "parent": GOVERNMENT}),
                format!("{name}部门预算资金"),
                format!("{name}专项资金专户"),
                "subsidy",
            )
        };
        let source = format!("lg-{n:03}-funds");
        let internal = format!("lg-{n:03}-special");
        let target = format!("t-lg-{year}-{n:03}");
        let ev = |kind: &str, id: String, data: serde_json::Value| {
            serde_json::json!({"type": kind, "id": id, "actor": GOVERNMENT, "occurred_at": date, "data": data})
                .to_string()
        };
        lines.push(ev("entity.registered", format!("lg-ent-{n:03}"), entity_data));
        lines.push(ev(
            "account.opened",
            format!("lg-acct-{n:03}-1"),
            serde_json::json!({"account_id": source, "holder": entity, "kind": "source", "name": source_name}),
        ));
        lines.push(ev(
            "account.opened",
            format!("lg-acct-{n:03}-2"),
            serde_json::json!({"account_id": internal, "holder": entity, "kind": "internal",
                "name": internal_name, "earmark": earmark}),
        ));
        lines.push(ev(
            "target.assigned",
            format!("lg-tgt-{n:03}"),
            serde_json::json!({
                "target_id": target, "assignee": entity, "metric": "fixed_asset_investment", "unit": "CNY",
                "comparator": ">=", "threshold": format!("{}", 200_000_000 + 10_000_000 * (i % 30)),
                "period": {"from": format!("{year}-01-01"), "to": format!("{year}-12-31")},
                "basis": format!("常德市{year}年度重点项目投资目标责任书"),
            }),
        ));
        slots.push(Slot {
            entity,
            token: String::new(),
            source,
            internal,
            target,
        });
    }
    Ok((lines, slots))
}

/// splitmix64 (`pledger_gen::splitmix64`): a small, good PRNG for amounts.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        pledger_gen::splitmix64(&mut self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
}

const PURPOSES: [&str; 4] = ["项目建设资金拨付", "设备购置款", "厂房建设进度款", "专项资金划转"];

/// The events one client appends, as request bodies.
pub struct Stream {
    slot: Slot,
    /// Distinguishes this run's ids from earlier runs on the same ledger.
    run: String,
    client: usize,
    n: u64,
    rng: Rng,
    /// Cumulative investment reported on the target, in fen.
    progress: u64,
    date: String,
    body: Vec<u8>,
}

impl Stream {
    pub fn new(slot: Slot, run: &str, client: usize, seed: u64) -> Stream {
        Stream {
            slot,
            run: run.to_string(),
            client,
            n: 0,
            rng: Rng(seed ^ (client as u64).wrapping_mul(0xA24B_AED4_963E_E407)),
            progress: 0,
            date: today().1,
            body: Vec::with_capacity(1024),
        }
    }

    pub fn token(&self) -> &str {
        &self.slot.token
    }

    /// The next request body: one event object, or an array of `batch`.
    pub fn next_body(&mut self, batch: usize) -> &[u8] {
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        if batch == 1 {
            self.push_event(&mut body);
        } else {
            body.push(b'[');
            for i in 0..batch {
                if i > 0 {
                    body.push(b',');
                }
                self.push_event(&mut body);
            }
            body.push(b']');
        }
        self.body = body;
        &self.body
    }

    fn push_event(&mut self, out: &mut Vec<u8>) {
        use std::io::Write;
        let n = self.n;
        self.n += 1;
        let (s, c, run, date) = (&self.slot, self.client, &self.run, &self.date);
        // Amounts of 10,000 to 5,000,000 yuan, mostly round hundreds.
        let yuan = 10_000 + self.rng.below(4_990_000);
        let fen = if self.rng.below(4) == 0 {
            yuan * 100 + self.rng.below(100)
        } else {
            yuan / 100 * 10_000
        };
        let amount = if fen % 100 == 0 {
            format!("{}", fen / 100)
        } else {
            format!("{}.{:02}", fen / 100, fen % 100)
        };
        let _ = if n % 4 == 3 {
            self.progress += fen;
            write!(
                out,
                r#"{{"type":"target.progress_reported","id":"prog-{run}-{c:03}-{n:07}","actor":"{}","occurred_at":"{date}","data":{{"target_id":"{}","value":"{}.{:02}","as_of":"{date}","evidence":[{{"ref":"统计台账{run}-{c:03}-{n:07}"}}]}}}}"#,
                s.entity,
                s.target,
                self.progress / 100,
                self.progress % 100
            )
        } else {
            let purpose = PURPOSES[(n % 4) as usize];
            write!(
                out,
                r#"{{"type":"fund.disbursed","id":"disb-{run}-{c:03}-{n:07}","actor":"{}","occurred_at":"{date}","data":{{"disbursement_id":"d-{run}-{c:03}-{n:07}","from_account":"{}","to_account":"{}","amount":"{amount}","purpose":"{purpose}","kind":"transfer","category":"infrastructure","voucher":"记账凭证{run}-{c:03}-{n:07}"}}}}"#,
                s.entity, s.source, s.internal
            )
        };
    }
}

/// A tag for this run's ids: hex of the clock and the process id.
pub fn run_tag() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut r = Rng(nanos ^ ((std::process::id() as u64) << 32));
    format!("{:08x}", r.next() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn slots_round_trip_and_reject_garbage() {
        let (_, mut slots) = founding(3, 0, 1).unwrap();
        for (i, s) in slots.iter_mut().enumerate() {
            s.token = format!("plg_{i}");
        }
        assert_eq!(read_slots(&write_slots(&slots)).unwrap(), slots);
        assert!(read_slots("# nothing\n").is_err());
        assert!(read_slots("a\tb\tc\td\n").is_err());
        assert!(read_slots("a\tb\"\tc\td\te\n").is_err());
    }

    #[test]
    fn events_are_json_with_unique_ids() {
        let (lines, slots) = founding(2, 0, 1).unwrap();
        assert_eq!(lines.len(), 1 + 2 * 4);
        let mut s = Stream::new(slots[1].clone(), "abc", 1, 7);
        let mut ids = std::collections::HashSet::new();
        for _ in 0..20 {
            let body: serde_json::Value = serde_json::from_slice(s.next_body(3)).unwrap();
            for ev in body.as_array().unwrap() {
                assert_eq!(ev["actor"], "lg-bureau-002");
                assert!(ids.insert(ev["id"].as_str().unwrap().to_string()));
                let amount = ev["data"]["amount"].as_str().or(ev["data"]["value"].as_str()).unwrap();
                let (int, frac) = amount.split_once('.').unwrap_or((amount, "00"));
                assert!(int.bytes().all(|b| b.is_ascii_digit()) && frac.len() == 2, "{amount}");
            }
        }
        let one: serde_json::Value = serde_json::from_slice(s.next_body(1)).unwrap();
        assert!(one.is_object());
    }

    #[test]
    fn preload_registers_the_government() {
        let (lines, _) = founding(1, 200, 1).unwrap();
        assert_eq!(lines.len(), 200 + 4);
        assert!(lines[0].contains(GOVERNMENT));
    }
}
