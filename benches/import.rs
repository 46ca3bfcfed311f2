//! Spreadsheet import (issue 16): a 10,000-row `fund.disbursed` workbook
//! (xlsx, Chinese headers, Excel dates, amounts in 元), from its bytes to
//! a durable batch in a fresh sled ledger — read (calamine), rows to events
//! (pledger-import), every row judged as `pledger append` judges it
//! (prepare, then the registry check of a dry run), then appended as one
//! batch and synced: the path of `pledger import`. The bar is < 2 s.
//!
//! `PLEDGER_BENCH_ROWS` sets the number of rows (default 10,000);
//! `PLEDGER_BENCH_WRITE_XLSX=FILE` also writes the workbook to FILE.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use pledger_import::{judge, map_sheet, read, ColumnMap};
use pledger_store::{Ledger, SledBackend};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

fn rows() -> usize {
    std::env::var("PLEDGER_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// The workbook a clerk would fill from the template.
fn workbook(n: usize) -> Vec<u8> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let s = book.add_worksheet();
    let headers = [
        "记录主体",
        "发生日期",
        "拨付编号",
        "付款账户",
        "收款账户",
        "金额（元）",
        "用途",
        "拨付类型",
        "凭证号",
    ];
    for (c, h) in headers.iter().enumerate() {
        s.write_string(0, c as u16, *h).expect("header");
    }
    for i in 0..n {
        let r = i as u32 + 1;
        s.write_string(r, 0, "city-finance").expect("cell");
        let day = ExcelDateTime::from_ymd(2011, 1 + (i % 12) as u8, 1 + (i % 28) as u8).expect("date");
        s.write_datetime_with_format(r, 1, day, &date).expect("cell");
        s.write_string(r, 2, format!("bench-{i:06}")).expect("cell");
        s.write_string(r, 3, "city-treasury").expect("cell");
        s.write_string(r, 4, if i % 2 == 0 { "park-a-infra" } else { "park-b-infra" })
            .expect("cell");
        s.write_number(r, 5, 1000.0 + (i as f64) * 0.01).expect("cell");
        s.write_string(r, 6, format!("园区基础设施建设资金（第{}批）", i + 1))
            .expect("cell");
        s.write_string(r, 7, "转拨").expect("cell");
        s.write_string(r, 8, format!("常财建〔2011〕{i}号")).expect("cell");
    }
    book.save_to_buffer().expect("workbook")
}

fn ev(kind: &str, id: &str, actor: &str, data: serde_json::Value) -> serde_json::Value {
    json!({"type": kind, "id": id, "actor": actor, "occurred_at": "2011-01-04", "data": data})
}

/// A fresh sled ledger with the city, its finance bureau, two parks and
/// their accounts.
fn ledger() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = Arc::new(SledBackend::open(&dir.path().join("log")).expect("sled"));
    let ledger = Ledger::open(backend).expect("ledger");
    let mut events = vec![
        ev(
            "entity.registered",
            "e-city",
            "city",
            json!({"entity_id": "city", "kind": "government", "name": "常德市人民政府"}),
        ),
        ev(
            "entity.registered",
            "e-fin",
            "city",
            json!({"entity_id": "city-finance", "kind": "department", "name": "常德市财政局", "parent": "city"}),
        ),
        ev(
            "account.opened",
            "a-tr",
            "city",
            json!({"account_id": "city-treasury", "holder": "city", "kind": "source", "name": "市本级财政国库"}),
        ),
    ];
    for p in ["park-a", "park-b"] {
        events.push(ev(
            "entity.registered",
            &format!("e-{p}"),
            "city",
            json!({"entity_id": p, "kind": "park", "name": p, "parent": "city"}),
        ));
        events.push(ev(
            "account.opened",
            &format!("a-{p}"),
            p,
            json!({"account_id": format!("{p}-infra"), "holder": p, "kind": "internal", "name": p}),
        ));
    }
    ledger.append_values(events).expect("fixture");
    (dir, ledger)
}

fn import(c: &mut Criterion) {
    let n = rows();
    let bytes = workbook(n);
    // For a whole-process measurement of `pledger import` on the same file.
    if let Some(path) = std::env::var_os("PLEDGER_BENCH_WRITE_XLSX") {
        std::fs::write(&path, &bytes).expect("write the workbook");
    }
    let t = pledger_import::event_type("fund.disbursed").expect("type");
    let mut g = c.benchmark_group("import");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("xlsx_{n}_rows_to_durable_batch"), |b| {
        b.iter_batched(
            ledger,
            |(dir, ledger)| {
                let grid = read::read(&bytes, None).expect("read");
                let mapped = map_sheet(t, &grid, &ColumnMap::default());
                let ready = match judge::judge(&ledger, &mapped, None, &|_| {}).expect("judge") {
                    Ok(r) => r,
                    Err(p) => panic!("bad rows: {:?}", &p[..p.len().min(3)]),
                };
                let outcome = ready.append(&ledger).expect("append");
                assert_eq!(outcome.appended(), n);
                (dir, ledger)
            },
            BatchSize::PerIteration,
        )
    });
    // The parts, to see where the time goes.
    g.bench_function(format!("xlsx_{n}_rows_read"), |b| {
        b.iter(|| read::read(&bytes, None).expect("read"))
    });
    let grid = read::read(&bytes, None).expect("read");
    g.bench_function(format!("xlsx_{n}_rows_map"), |b| {
        b.iter(|| map_sheet(t, &grid, &ColumnMap::default()))
    });
    g.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
