//! Measures generation speed: `cargo run --release -p pledger-gen --example throughput [N]`.

use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);

    let start = Instant::now();
    let mut keys = 0usize;
    for ev in pledger_gen::Generator::new(1).take(n) {
        keys += ev.as_object().map_or(0, |m| m.len());
    }
    let gen_secs = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let bytes: usize = pledger_gen::ndjson_lines(1, n).map(|l| l.len() + 1).sum();
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
