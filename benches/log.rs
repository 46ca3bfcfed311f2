//! The log's speed: bulk import, concurrent durable appends, verify, and
//! raw sled batched inserts of the same bytes as the floor; the views'
//! rebuild, from the log alone or from a snapshot and the log's tail; what
//! the assessment view (yearly tasks, format 3.7) adds to rebuilding the
//! views and answering every report; and what the project register (format
//! 3.8: the projects view, its four findings and `idle_balance`) adds, over
//! a log with 100,000 projects, with its cost at three sizes.
//!
//! `PLEDGER_BENCH_EVENTS` sets the import/verify size (default 1,000,000).
//! Events come from the deterministic generator in tools/pledger-gen, which
//! includes yearly tasks, sanctions and rewards on tasks, and projects (one
//! per 100 events; the projects bench's log one per 10 events,
//! `PLEDGER_BENCH_PROJECTS_PER_YEAR`, default 4,000 at 40,000 events a
//! year).
//!
//! Only the assessment's cost: `cargo bench --bench log -- assessment`
//! (criterion's figures, then an interleaved run of both sides,
//! `PLEDGER_BENCH_ROUNDS` rounds, default 5, with the ratio). Only the
//! project register's: `cargo bench --bench log -- projects` (the same,
//! then the projects report and findings at a quarter, half and all of the
//! log).

/// The same allocator as the `pledger` binary, so figures match what it does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pledger_store::input::feed;
use pledger_store::{prepare, Ledger, LogBackend, SledBackend};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn events() -> usize {
    std::env::var("PLEDGER_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn ndjson(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 400);
    for line in pledger_gen::ndjson_lines(7, n) {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

/// The benchmark filter given after `--` (`cargo bench --bench log --
/// projects`), if any.
fn filter() -> Option<String> {
    std::env::args().skip(1).find(|a| !a.starts_with('-'))
}

/// Only the project register's bench was asked for: the other groups'
/// setup (a million-event import, snapshots) is skipped.
fn only_projects() -> bool {
    filter().is_some_and(|f| f.starts_with("projects"))
}

/// Imports `input` into a fresh sled ledger in `dir` the way `pledger append` does.
fn import(dir: &std::path::Path, input: &[u8]) -> Arc<SledBackend> {
    let backend = Arc::new(SledBackend::open(dir).expect("open sled"));
    let ledger = Ledger::open(backend.clone()).expect("open ledger");
    let (tx, rx) = Ledger::import_channel();
    let outcome = std::thread::scope(|s| {
        s.spawn(|| feed(input, tx, |_| {}).expect("feed"));
        ledger.import(rx).expect("import")
    });
    assert_eq!(outcome.appended(), input.iter().filter(|b| **b == b'\n').count());
    ledger.close();
    backend
}

fn bulk(c: &mut Criterion) {
    if only_projects() {
        return;
    }
    let n = events();
    let input = ndjson(n);
    let mut g = c.benchmark_group("log");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(60))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("bulk_import_{n}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::tempdir().expect("tempdir");
                let start = Instant::now();
                let backend = import(dir.path(), &input);
                backend.sync().expect("sync");
                total += start.elapsed();
            }
            total
        })
    });

    // The floor: the very same stored bytes, raw sled batches, one flush.
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = import(dir.path(), &input);
    let head = backend.head().expect("head");
    let stored: Vec<(Vec<u8>, Vec<u8>)> = backend
        .scan(0, head.len)
        .map(|r| {
            let r = r.expect("record");
            let mut k = vec![b'r'];
            k.extend_from_slice(&r.seq.to_be_bytes());
            (k, r.bytes)
        })
        .collect();
    g.bench_function(format!("raw_sled_batches_{n}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let d = tempfile::tempdir().expect("tempdir");
                let start = Instant::now();
                let db = sled::Config::new()
                    .path(d.path())
                    .cache_capacity(128 * 1024 * 1024)
                    .mode(sled::Mode::HighThroughput)
                    .open()
                    .expect("sled");
                let tree = db.open_tree("log").expect("tree");
                for chunk in stored.chunks(8192) {
                    let mut batch = sled::Batch::default();
                    for (k, v) in chunk {
                        batch.insert(k.as_slice(), v.as_slice());
                    }
                    tree.apply_batch(batch).expect("batch");
                }
                db.flush().expect("flush");
                total += start.elapsed();
            }
            total
        })
    });

    g.bench_function(format!("verify_{n}"), |b| {
        b.iter(|| pledger_store::verify_log(backend.as_ref(), |_| {}).expect("verify"))
    });
    g.finish();

    // Views: rebuild every fact from the log, and a findings report as of a
    // past date (the slowest report: it judges every view).
    let mut v = c.benchmark_group("views");
    v.sample_size(10).throughput(Throughput::Elements(n as u64));
    v.bench_function(format!("rebuild_facts_{n}"), |b| {
        b.iter(|| pledger_views::load(backend.as_ref(), head.len, pledger_views::Scope::default()).expect("load"))
    });
    let past = pledger_core::when::Day::parse("2018-06-30").expect("date");
    v.bench_function(format!("findings_as_of_past_date_{n}"), |b| {
        b.iter(|| {
            let scope = pledger_views::Scope {
                as_of: Some(past),
                at_seq: None,
            };
            let facts = pledger_views::load(backend.as_ref(), head.len, scope).expect("load");
            pledger_views::findings::all(&facts, past)
        })
    });

    // Persisted view state: the same facts from a snapshot of the whole log,
    // and from a snapshot 10,000 records short (the tail read from the log),
    // against the full rebuild above; and what writing a snapshot costs.
    let snap_dir = tempfile::tempdir().expect("tempdir");
    let hash_at = |len: u64| {
        backend
            .get(len - 1)
            .expect("get")
            .and_then(|r| r.hash())
            .expect("record")
    };
    let full = pledger_views::load(backend.as_ref(), head.len, pledger_views::Scope::default()).expect("load");
    let whole = snap_dir.path().join("whole.snapshot");
    let size = pledger_views::snapshot::write(&whole, &full, head.len, &hash_at(head.len)).expect("write");
    let tail = 10_000.min(head.len - 1);
    let short = snap_dir.path().join("short.snapshot");
    let scope = pledger_views::Scope {
        as_of: None,
        at_seq: Some(head.len - tail - 1),
    };
    let prefix = pledger_views::load(backend.as_ref(), head.len, scope).expect("load");
    pledger_views::snapshot::write(&short, &prefix, head.len - tail, &hash_at(head.len - tail)).expect("write");
    drop(prefix);
    println!("views snapshot of {n} events: {size} bytes");
    let cached = |path: &std::path::Path, expect_tail: u64| {
        let (facts, used) =
            pledger_views::load_cached(backend.as_ref(), head.len, pledger_views::Scope::default(), path)
                .expect("load");
        assert_eq!(
            used.source,
            pledger_views::CacheSource::Snapshot {
                len: head.len - expect_tail,
                tail: expect_tail
            }
        );
        assert!(used.refreshed.is_none());
        facts
    };
    v.bench_function(format!("snapshot_load_{n}"), |b| b.iter(|| cached(&whole, 0)));
    v.bench_function(format!("snapshot_load_tail_{tail}_{n}"), |b| {
        b.iter(|| cached(&short, tail))
    });
    v.bench_function(format!("snapshot_write_{n}"), |b| {
        let out = snap_dir.path().join("again.snapshot");
        b.iter(|| pledger_views::snapshot::write(&out, &full, head.len, &hash_at(head.len)).expect("write"))
    });
    v.finish();
    drop(full);
    assessment_cost(c, backend.as_ref(), head.len, n);
}

/// The date every report is judged at: after the generated log's last
/// event (late December 2030 for a million events).
fn judged_on() -> pledger_core::when::Day {
    pledger_core::when::Day::parse("2031-01-31").expect("date")
}

/// A view left out of [`every_report`], to weigh what it adds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LeftOut {
    /// The assessment report and its findings (format 3.7).
    Assessment,
    /// The projects report, its findings and `idle_balance` (format 3.8).
    Projects,
}

/// Every report and all findings, judged at `now`, as `pledger report` and
/// the server answer them (targets, funds, commitments, incentives,
/// assessment and projects; `findings::all`), or all but one view: without
/// its report and its findings (the rest sorted as `findings::all` sorts
/// them). Returns the number of findings.
fn every_report(facts: &pledger_views::Facts, now: pledger_core::when::Day, left_out: Option<LeftOut>) -> usize {
    use pledger_views::{assessment as a, calendar::Calendar, commitments, funds, incentives, projects, targets};
    use std::hint::black_box;
    let calendar = Calendar::weekdays();
    black_box(targets::report(facts, now));
    black_box(funds::report(facts, now));
    black_box(commitments::report(facts, now, &calendar));
    black_box(incentives::report(facts, now));
    if left_out != Some(LeftOut::Assessment) {
        black_box(a::report(facts, now));
    }
    if left_out != Some(LeftOut::Projects) {
        black_box(projects::report(facts, now));
    }
    let findings = match left_out {
        None => pledger_views::findings::all_with(facts, now, &calendar),
        Some(view) => {
            let mut out = Vec::new();
            targets::findings(facts, now, &mut out);
            if view == LeftOut::Projects {
                funds::findings_without_idle_balance(facts, now, &mut out);
            } else {
                funds::findings(facts, now, &mut out);
            }
            commitments::findings_with(facts, now, &calendar, &mut out);
            incentives::findings(facts, now, &mut out);
            if view != LeftOut::Assessment {
                a::findings(facts, now, &mut out);
            }
            if view != LeftOut::Projects {
                projects::findings(facts, now, &mut out);
            }
            out.sort_by(|a, b| {
                b.date
                    .cmp(&a.date)
                    .then_with(|| a.code.cmp(&b.code))
                    .then_with(|| a.subjects.cmp(&b.subjects))
                    .then_with(|| a.seqs.cmp(&b.seqs))
            });
            out
        }
    };
    black_box(findings).len()
}

/// The full views rebuild from the log and every report, without (a) and
/// with (b) the assessment view and its findings; the assessment alone over
/// facts already built; then (b) against (a) in interleaved rounds, so that
/// both sides see the same load on a shared machine (printed per round and
/// as medians).
fn assessment_cost(c: &mut Criterion, backend: &SledBackend, len: u64, n: usize) {
    let now = judged_on();
    let rebuild = |assessment: bool| {
        let facts = pledger_views::load(backend, len, pledger_views::Scope::default()).expect("load");
        every_report(&facts, now, (!assessment).then_some(LeftOut::Assessment))
    };
    let facts = pledger_views::load(backend, len, pledger_views::Scope::default()).expect("load");
    let report = pledger_views::assessment::report(&facts, now);
    let mut own = Vec::new();
    pledger_views::assessment::findings(&facts, now, &mut own);
    println!(
        "assessment over {n} events: {} tasks, {} sanctions, {} assessment findings",
        report.tasks.len(),
        report.sanctions.len(),
        own.len()
    );
    assert!(!report.tasks.is_empty(), "the generated log has yearly tasks");

    let mut g = c.benchmark_group("assessment");
    g.sample_size(10).throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("views_and_reports_without_assessment_{n}"), |b| {
        b.iter(|| rebuild(false))
    });
    g.bench_function(format!("views_and_reports_with_assessment_{n}"), |b| {
        b.iter(|| rebuild(true))
    });
    g.bench_function(format!("assessment_report_and_findings_{n}"), |b| {
        b.iter(|| {
            let r = pledger_views::assessment::report(&facts, now);
            let mut out = Vec::new();
            pledger_views::assessment::findings(&facts, now, &mut out);
            (r, out)
        })
    });
    g.finish();
    drop(facts);

    let rounds: usize = std::env::var("PLEDGER_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    // Per round: (a) and (b), alternating which goes first, each from its
    // own load; after (b), the assessment alone over (b)'s facts, so each
    // round also gives the assessment's share of (a) under the same load.
    let (mut without, mut with, mut share) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (mut a, mut b, mut x) = (0.0, 0.0, 0.0);
        for side in [round % 2 == 1, round % 2 == 0] {
            let start = Instant::now();
            let facts = pledger_views::load(backend, len, pledger_views::Scope::default()).expect("load");
            every_report(&facts, now, (!side).then_some(LeftOut::Assessment));
            let t = start.elapsed().as_secs_f64();
            if side {
                b = t;
                let start = Instant::now();
                let r = pledger_views::assessment::report(&facts, now);
                let mut out = Vec::new();
                pledger_views::assessment::findings(&facts, now, &mut out);
                x = start.elapsed().as_secs_f64();
                std::hint::black_box((r, out));
            } else {
                a = t;
            }
        }
        println!(
            "assessment round {round}: (a) without {a:.3} s, (b) with {b:.3} s, assessment alone {:.1} ms = {:.2}% of (a)",
            x * 1e3,
            x / a * 100.0
        );
        without.push(a);
        with.push(b);
        share.push(x / a);
    }
    if rounds > 0 {
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (a, b, x) = (median(without), median(with), median(share));
        println!(
            "assessment over {n} events, medians of {rounds} rounds: (a) {a:.3} s, (b) {b:.3} s: {:+.1}%; the assessment alone {:.2}% of (a)",
            (b / a - 1.0) * 100.0,
            x * 100.0
        );
    }
}

/// What the project register costs, over a generated log of `PLEDGER_BENCH_EVENTS`
/// events (default 1,000,000) with `PLEDGER_BENCH_PROJECTS_PER_YEAR`
/// projects signed a year (default 4,000: about 100,000 projects in a
/// million events): (a) the full views rebuild and every report and
/// finding without the projects view, its four findings and `idle_balance`,
/// against (b) the same with them; the projects report and findings alone
/// over built facts; (b) against (a) in interleaved rounds; and the
/// projects report and findings over a quarter, half and all of the log,
/// to show they grow linearly.
fn projects(c: &mut Criterion) {
    use pledger_views::{projects as p, FindingCode, Scope};
    if filter().is_some_and(|f| !f.contains("project")) {
        return;
    }
    let n = events();
    let per_year: u64 = std::env::var("PLEDGER_BENCH_PROJECTS_PER_YEAR")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4_000);
    let pace = pledger_gen::Pace::new(pledger_gen::DEFAULT_EVENTS_PER_YEAR).projects_per_year(per_year);
    let mut input = Vec::with_capacity(n * 400);
    for v in pledger_gen::Generator::with_pace(7, pace).take(n) {
        serde_json::to_writer(&mut input, &v).expect("json");
        input.push(b'\n');
    }
    let bytes = input.len();
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = import(dir.path(), &input);
    drop(input);
    let len = backend.head().expect("head").len;
    let backend = backend.as_ref();
    let now = judged_on();
    let load = |scope: Scope| pledger_views::load(backend, len, scope).expect("load");

    let facts = load(Scope::default());
    let report = p::report(&facts, now);
    let (listings, records) = {
        let all = p::listings(&facts, now);
        let records: std::collections::BTreeSet<u64> = all.iter().map(|l| l.record.at.seq).collect();
        (all.len(), records.len())
    };
    let mut codes: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for f in pledger_views::findings::all(&facts, now) {
        if matches!(
            f.code,
            FindingCode::CountedNotQualifying
                | FindingCode::CountMismatch
                | FindingCode::ProjectDoubleCounted
                | FindingCode::LandIdle
                | FindingCode::IdleBalance
        ) {
            *codes.entry(f.code.as_str()).or_default() += 1;
        }
    }
    println!(
        "projects over {n} events ({bytes} bytes): {} projects, {listings} listings of projects by {records} claims and verifications, findings {codes:?}",
        report.projects.len()
    );
    assert!(
        report.projects.len() as u64 >= per_year,
        "the generated log has projects"
    );
    drop(report);

    let alone = |facts: &pledger_views::Facts| {
        let r = p::report(facts, now);
        let mut out = Vec::new();
        p::findings(facts, now, &mut out);
        std::hint::black_box((r, out));
    };
    let mut g = c.benchmark_group("projects");
    g.sample_size(10).throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("views_and_reports_without_projects_{n}"), |b| {
        b.iter(|| every_report(&load(Scope::default()), now, Some(LeftOut::Projects)))
    });
    g.bench_function(format!("views_and_reports_with_projects_{n}"), |b| {
        b.iter(|| every_report(&load(Scope::default()), now, None))
    });
    g.bench_function(format!("projects_report_and_findings_{n}"), |b| {
        b.iter(|| alone(&facts))
    });
    g.finish();
    drop(facts);

    let rounds: usize = std::env::var("PLEDGER_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    // Per round: (a) and (b), alternating which goes first, each from its
    // own load; then (c) a load and the projects report and findings alone,
    // first thing after it as in (b) (a second run over the same facts
    // reuses the memory the first one freed, and is cheaper), so each round
    // also gives their share of (a).
    let (mut without, mut with, mut share) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (mut a, mut b) = (0.0, 0.0);
        for side in [round % 2 == 1, round % 2 == 0] {
            let start = Instant::now();
            let facts = load(Scope::default());
            every_report(&facts, now, (!side).then_some(LeftOut::Projects));
            let t = start.elapsed().as_secs_f64();
            if side {
                b = t;
            } else {
                a = t;
            }
        }
        let facts = load(Scope::default());
        let start = Instant::now();
        alone(&facts);
        let x = start.elapsed().as_secs_f64();
        drop(facts);
        println!(
            "projects round {round}: (a) without {a:.3} s, (b) with {b:.3} s ({:+.1}%), (c) projects alone after a load {:.1} ms = {:.2}% of (a)",
            (b / a - 1.0) * 100.0,
            x * 1e3,
            x / a * 100.0
        );
        without.push(a);
        with.push(b);
        share.push(x / a);
    }
    if rounds > 0 {
        let (a, b, x) = (median(without), median(with), median(share));
        println!(
            "projects over {n} events, medians of {rounds} rounds: (a) {a:.3} s, (b) {b:.3} s: {:+.1}%; (c) the projects alone {:.2}% of (a)",
            (b / a - 1.0) * 100.0,
            x * 100.0
        );
    }

    // Linearity: the projects report and findings over the first quarter,
    // half and all of the log (each judged at the same date), the median
    // of 5 runs each.
    let mut base: Option<f64> = None;
    for part in [4u64, 2, 1] {
        let upto = len / part;
        let facts = load(Scope {
            as_of: None,
            at_seq: Some(upto - 1),
        });
        let projects = facts.projects.len();
        let listings = p::listings(&facts, now).len();
        let times: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                alone(&facts);
                start.elapsed().as_secs_f64()
            })
            .collect();
        let t = median(times);
        let per = t / projects as f64;
        let rel = base.map_or(1.0, |b| per / b);
        base.get_or_insert(per);
        println!(
            "projects linearity: {upto} events, {projects} projects, {listings} listings: {:.1} ms, {:.2} us per project ({rel:.2}x the quarter's)",
            t * 1e3,
            per * 1e6
        );
    }
}

/// 64 tasks each appending single events and waiting for durability.
fn concurrent(c: &mut Criterion) {
    const TASKS: usize = 64;
    const PER_TASK: usize = 100;
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = Arc::new(SledBackend::open(dir.path()).expect("sled"));
    let ledger = Arc::new(Ledger::open(backend).expect("ledger"));
    let setup = vec![
        json!({"type": "entity.registered", "actor": "city", "occurred_at": "2026-01-01",
               "data": {"entity_id": "city", "kind": "government", "name": "常德市人民政府"}}),
        json!({"type": "account.opened", "actor": "city", "occurred_at": "2026-01-01",
               "data": {"account_id": "treasury", "holder": "city", "name": "treasury", "kind": "source"}}),
        json!({"type": "account.opened", "actor": "city", "occurred_at": "2026-01-01",
               "data": {"account_id": "park", "holder": "city", "name": "park", "kind": "internal"}}),
    ];
    ledger.append_values(setup).expect("setup");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut g = c.benchmark_group("log");
    g.sample_size(10)
        .throughput(Throughput::Elements((TASKS * PER_TASK) as u64));
    g.bench_function("durable_appends_64_tasks", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut tasks = Vec::new();
                for _ in 0..TASKS {
                    let ledger = ledger.clone();
                    let counter = counter.clone();
                    tasks.push(tokio::spawn(async move {
                        for _ in 0..PER_TASK {
                            let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let ev = json!({"type": "fund.disbursed", "id": format!("d-{i}"), "actor": "city",
                                "occurred_at": "2026-03-01",
                                "data": {"disbursement_id": format!("d-{i}"), "from_account": "treasury",
                                         "to_account": "park", "amount": "100.00", "purpose": "infrastructure"}});
                            let p = prepare(ev).expect("valid");
                            let (tx, rx) = tokio::sync::oneshot::channel();
                            ledger.submit(vec![p], move |r| {
                                let _ = tx.send(r);
                            });
                            rx.await.expect("reply").expect("append");
                        }
                    }));
                }
                for t in tasks {
                    t.await.expect("task");
                }
            })
        })
    });
    g.finish();
}

criterion_group!(benches, concurrent, bulk, projects);
criterion_main!(benches);
