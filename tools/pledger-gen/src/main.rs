//! `pledger-gen [--seed S] [--count N] [--events-per-year E] [--projects-per-year P] [--out FILE|-]`
//!
//! Writes N generated events as NDJSON (one JSON object per line) to FILE, or
//! to standard output with `-` (the default). A summary goes to standard error.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str =
    "usage: pledger-gen [--seed S] [--count N] [--events-per-year E] [--projects-per-year P] [--out FILE|-]
  --seed S               seed of the stream (default 1)
  --count N              number of events (default 1000)
  --events-per-year E    business-calendar pace (default 40000: 1,000,000 events span 2006-2030)
  --projects-per-year P  projects signed a year (default E/100: 10,000 in 1,000,000 events;
                         4000 at the default pace gives 100,000, the benchmark's scale; at most E/3)
  --out FILE|-           output file, or - for standard output (default -)";

struct Args {
    seed: u64,
    count: u64,
    events_per_year: u64,
    projects_per_year: Option<u64>,
    out: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seed: 1,
        count: 1000,
        events_per_year: pledger_gen::DEFAULT_EVENTS_PER_YEAR,
        projects_per_year: None,
        out: "-".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--seed" => args.seed = num(&flag, &value()?)?,
            "--count" | "-n" => args.count = num(&flag, &value()?)?,
            "--events-per-year" => args.events_per_year = num(&flag, &value()?)?,
            "--projects-per-year" => args.projects_per_year = Some(num(&flag, &value()?)?),
            "--out" | "-o" => args.out = value()?,
            _ => return Err(format!("unknown argument {a:?}")),
        }
    }
    Ok(args)
}

fn num(flag: &str, v: &str) -> Result<u64, String> {
    v.replace('_', "")
        .parse()
        .map_err(|_| format!("{flag}: not a non-negative integer: {v:?}"))
}

fn run(args: &Args) -> io::Result<(u64, u64)> {
    let sink: Box<dyn Write> = if args.out == "-" {
        Box::new(io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(&args.out)?)
    };
    let mut w = CountingWriter {
        inner: BufWriter::with_capacity(1 << 20, sink),
        bytes: 0,
    };
    let mut pace = pledger_gen::Pace::new(args.events_per_year);
    if let Some(p) = args.projects_per_year {
        pace = pace.projects_per_year(p);
    }
    let gen = pledger_gen::Generator::with_pace(args.seed, pace);
    let mut n = 0;
    for ev in gen.take(args.count as usize) {
        serde_json::to_writer(&mut w, &ev)?;
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok((n, w.bytes))
}

struct CountingWriter<W: Write> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("pledger-gen: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let start = Instant::now();
    match run(&args) {
        Ok((n, bytes)) => {
            let secs = start.elapsed().as_secs_f64();
            eprintln!(
                "pledger-gen: {n} events, {bytes} bytes ({:.1} bytes/event) in {secs:.3} s ({:.0} events/s)",
                bytes as f64 / n.max(1) as f64,
                n as f64 / secs.max(1e-9)
            );
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pledger-gen: {e}");
            ExitCode::from(1)
        }
    }
}
