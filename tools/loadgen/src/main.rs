//! `pledger-loadgen`: N concurrent HTTP clients appending realistic events
//! to a pledger server for T seconds; reports throughput and latency.
//!
//! By default it does everything itself: a fresh ledger (`pledger init`), a
//! founding set appended with the command line (the generator's city, then
//! per client an entity, two accounts and a target), one recorder token per
//! client, `pledger serve --addr 127.0.0.1:0`, the load, SIGTERM, then
//! `pledger verify` and a check that the log holds exactly the founding
//! records plus the acknowledged ones. With `--url URL --tokens FILE` it
//! loads a server someone else started (the tokens file as written by
//! `--setup-only`). See the README next to this crate.

mod events;
mod http;
mod load;
mod report;
mod setup;

use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(
    name = "pledger-loadgen",
    about = "N concurrent HTTP clients appending realistic events to pledger for T seconds: throughput and latency"
)]
struct Args {
    /// The pledger binary (for init, append, token, serve and verify).
    #[arg(long, value_name = "PATH", default_value = "target/release/pledger")]
    pledger: PathBuf,
    /// Data directory to create (must not exist or be empty); a temporary
    /// one by default.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Load a server someone else started (needs --tokens).
    #[arg(long, value_name = "URL", requires = "tokens", conflicts_with_all = ["data", "setup_only"])]
    url: Option<String>,
    /// Tokens file: read with --url; written by the setup (tab-separated:
    /// entity, token, source account, internal account, target).
    #[arg(long, value_name = "FILE")]
    tokens: Option<PathBuf>,
    /// Create the ledger, founding set and tokens, write --tokens, and stop.
    #[arg(long, requires = "tokens")]
    setup_only: bool,
    /// Concurrent clients, each with its own connection.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Measured seconds.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Seconds of load before measuring, not counted.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Events per request (1: one object; more: a JSON array).
    #[arg(long, default_value_t = 1)]
    batch: usize,
    /// Events of the generator's city appended before the clients' own
    /// founding events, so the registry is not trivially small.
    #[arg(long, default_value_t = 1000)]
    preload: usize,
    /// Threads of the load generator (1: a single-threaded runtime, the
    /// cheapest when it shares the cores with the server).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Seed of the generator and of the amounts.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
    /// Keep the temporary work directory (founding events, tokens, server log).
    #[arg(long)]
    keep: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("pledger-loadgen: {e}");
            ExitCode::from(2)
        }
    }
}

fn note(args: &Args, msg: impl AsRef<str>) {
    if !args.json {
        eprintln!("pledger-loadgen: {}", msg.as_ref());
    }
}

fn secs(v: f64, flag: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(v).map_err(|_| format!("{flag} must be a non-negative number of seconds"))
}

/// Returns whether the run passed (no errors, log check ok).
fn run(args: &Args) -> Result<bool, String> {
    if args.clients == 0 || args.batch == 0 {
        return Err("--clients and --batch must be at least 1".into());
    }
    let seconds = secs(args.seconds, "--seconds")?;
    let warmup = secs(args.warmup, "--warmup")?;
    if seconds.is_zero() {
        return Err("--seconds must be more than 0".into());
    }
    let machine = report::Machine::probe();

    if let Some(url) = &args.url {
        let endpoint = http::Endpoint::parse(url)?;
        let path = args.tokens.as_deref().unwrap_or(Path::new("-"));
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let slots = events::read_slots(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let slots: Vec<_> = (0..args.clients).map(|i| slots[i % slots.len()].clone()).collect();
        let plan = plan(args, endpoint, slots, warmup, seconds, None);
        let outcome = load(args, plan)?;
        return Ok(finish(args, url, outcome, None, machine));
    }

    // Setup: a fresh ledger, the founding set, tokens.
    let work = tempfile::Builder::new()
        .prefix("pledger-loadgen-")
        .tempdir()
        .map_err(|e| format!("cannot create a work directory: {e}"))?;
    let data = args.data.clone().unwrap_or_else(|| work.path().join("data"));
    if data.exists() && std::fs::read_dir(&data).map_or(true, |mut d| d.next().is_some()) {
        return Err(format!("--data {} must be a new or empty directory", data.display()));
    }
    if !args.pledger.is_file() {
        return Err(format!(
            "no pledger binary at {} (build it with `cargo build --release -p pledger`, or pass --pledger PATH)",
            args.pledger.display()
        ));
    }
    let pledger = setup::Pledger {
        bin: args.pledger.clone(),
        data: data.clone(),
    };
    let started = Instant::now();
    pledger.init()?;
    let (lines, mut slots) = events::founding(args.clients, args.preload, args.seed)?;
    let founding_file = work.path().join("founding.ndjson");
    std::fs::write(&founding_file, lines.join("\n") + "\n").map_err(|e| format!("cannot write: {e}"))?;
    let founding = pledger.append(&founding_file)?;
    if founding != lines.len() as u64 {
        return Err(format!(
            "pledger appended {founding} of the {} founding events",
            lines.len()
        ));
    }
    for s in &mut slots {
        s.token = pledger.recorder_token(&s.entity)?;
    }
    let tokens_file = args.tokens.clone().unwrap_or_else(|| work.path().join("tokens.tsv"));
    std::fs::write(&tokens_file, events::write_slots(&slots))
        .map_err(|e| format!("cannot write {}: {e}", tokens_file.display()))?;
    note(
        args,
        format!(
            "set up {} in {:.1} s: {founding} founding records, {} recorder tokens",
            data.display(),
            started.elapsed().as_secs_f64(),
            slots.len()
        ),
    );
    if args.setup_only {
        // The data directory may live in the work directory: keep it then.
        if args.data.is_none() {
            let _ = work.keep();
        }
        println!(
            "data directory: {}\ntokens file: {}\nnext: {} --data {} serve, then pledger-loadgen --url URL --tokens {}",
            data.display(),
            tokens_file.display(),
            args.pledger.display(),
            data.display(),
            tokens_file.display()
        );
        return Ok(true);
    }

    let server_log = work.path().join("server.log");
    let server = pledger.serve(&server_log)?;
    note(
        args,
        format!("pledger serve (pid {}) listening on {}", server.pid(), server.url),
    );
    let endpoint = http::Endpoint::parse(&server.url)?;
    let url = server.url.clone();
    let plan = plan(args, endpoint, slots, warmup, seconds, Some(server.pid()));
    let outcome = load(args, plan);
    let stopped = server.stop(Duration::from_secs(60));
    let outcome = outcome?;
    let verify = pledger.verify();
    let stopped_ok = stopped.is_ok();
    let passed = finish(args, &url, outcome, Some((founding, verify, stopped.err())), machine);
    if args.keep || !passed || !stopped_ok {
        let kept = work.keep();
        note(args, format!("kept the work directory {}", kept.display()));
    }
    Ok(passed && stopped_ok)
}

fn plan(
    args: &Args,
    endpoint: http::Endpoint,
    slots: Vec<events::Slot>,
    warmup: Duration,
    seconds: Duration,
    server_pid: Option<u32>,
) -> load::Plan {
    load::Plan {
        endpoint,
        slots,
        batch: args.batch,
        warmup,
        seconds,
        run: events::run_tag(),
        seed: args.seed,
        server_pid,
    }
}

fn load(args: &Args, plan: load::Plan) -> Result<load::Outcome, String> {
    let runtime = if args.threads <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads)
            .enable_all()
            .build()
    }
    .map_err(|e| format!("cannot start the runtime: {e}"))?;
    note(
        args,
        format!(
            "{} clients, batch {}: {:.1} s warm-up, then {:.1} s measured",
            plan.slots.len(),
            plan.batch,
            plan.warmup.as_secs_f64(),
            plan.seconds.as_secs_f64()
        ),
    );
    runtime.block_on(load::run(plan))
}

/// Prints the report; returns whether the run passed.
fn finish(
    args: &Args,
    url: &str,
    mut o: load::Outcome,
    local: Option<(u64, setup::Verify, Option<String>)>,
    machine: report::Machine,
) -> bool {
    let acknowledged = o.acked.len() as u64;
    let log_check = match &local {
        None => {
            let r = load::check_log(0, &mut o.acked, o.uncertain, None);
            report::LogCheck {
                ok: r.is_ok(),
                founding: None,
                acknowledged,
                records: None,
                verify_ok: None,
                message: r.unwrap_or_else(|e| e),
            }
        }
        Some((founding, verify, stop_error)) => {
            let counted = load::check_log(*founding, &mut o.acked, o.uncertain, verify.records);
            let mut problems = Vec::new();
            if let Some(e) = stop_error {
                problems.push(e.clone());
            }
            if !verify.ok {
                problems.push(verify.message.clone());
            }
            let message = match (&counted, problems.is_empty()) {
                (Ok(m), true) => format!("{m}; pledger verify ok"),
                (Ok(m), false) => format!("{m}; {}", problems.join("; ")),
                (Err(e), _) => {
                    problems.insert(0, e.clone());
                    problems.join("; ")
                }
            };
            report::LogCheck {
                ok: counted.is_ok() && verify.ok && stop_error.is_none(),
                founding: Some(*founding),
                acknowledged,
                records: verify.records,
                verify_ok: Some(verify.ok),
                message,
            }
        }
    };
    let window = o.window.as_secs_f64();
    let errors = o
        .statuses
        .iter()
        .filter(|(k, _)| k.as_str() != "201")
        .map(|(_, v)| v)
        .sum::<u64>()
        + o.bad_receipts;
    let report = report::Report {
        url: url.to_string(),
        clients: args.clients,
        batch: args.batch,
        seconds: window,
        warmup_seconds: args.warmup,
        requests: o.requests,
        events: o.events,
        throughput_events_per_s: o.events as f64 / window,
        throughput_requests_per_s: o.requests as f64 / window,
        latency_ms: report::latency(&o),
        statuses: o.statuses.clone(),
        errors,
        error_samples: o.samples.clone(),
        loadgen_cpu_seconds: o.loadgen_cpu,
        server_cpu_seconds: o.server_cpu,
        server_side: o.server_side.clone(),
        log_check,
        machine,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        print!("{}", report.table());
    }
    errors == 0 && report.log_check.ok && report.requests > 0
}
