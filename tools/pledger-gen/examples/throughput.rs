//! Measures generation speed: `cargo run --release -p pledger-gen --example
//! throughput [N [PROJECTS_PER_YEAR]]` (by default a million events at the
//! default pace; 4000 projects a year gives the benchmark's 100,000 projects
//! in a million events).

use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let pace = match std::env::args().nth(2).and_then(|s| s.parse().ok()) {
        Some(p) => pledger_gen::Pace::default().projects_per_year(p),
        None => pledger_gen::Pace::default(),
    };

    let start = Instant::now();
    let mut keys = 0usize;
    for ev in pledger_gen::Generator::with_pace(1, pace).take(n) {
        keys += ev.as_object().map_or(0, |m| m.len());
    }
    let gen_secs = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let bytes: usize = pledger_gen::Generator::with_pace(1, pace)
        .take(n)
        .map(|v| v.to_string().len() + 1)
        .sum();
    let line_secs = start.elapsed().as_secs_f64();

    println!(
        "Generator:    {n} events in {gen_secs:.3} s = {:.0} events/s ({keys} top-level keys)",
        n as f64 / gen_secs
    );
    println!(
        "ndjson_lines: {n} lines in {line_secs:.3} s = {:.0} lines/s, {:.1} bytes/line",
        n as f64 / line_secs,
        bytes as f64 / n as f64
    );
}
