//! The summary: a table for people, `--json` for tools.

use crate::load::{quantile, Outcome, ServerSide};
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, serde::Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

#[derive(Debug, serde::Serialize)]
pub struct LogCheck {
    pub ok: bool,
    /// Records before the load.
    pub founding: Option<u64>,
    /// Receipts in 201 responses over the whole run (warm-up included).
    pub acknowledged: u64,
    /// Records in the log after the server stopped, per `pledger verify`.
    pub records: Option<u64>,
    /// `pledger verify` passed (None when the server is someone else's).
    pub verify_ok: Option<bool>,
    pub message: String,
}

#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub url: String,
    pub clients: usize,
    pub batch: usize,
    pub seconds: f64,
    pub warmup_seconds: f64,
    /// 201 responses completed in the measured window.
    pub requests: u64,
    /// Events they appended.
    pub events: u64,
    pub throughput_events_per_s: f64,
    pub throughput_requests_per_s: f64,
    /// Of the 201s in the window, ms from first byte sent to last received.
    pub latency_ms: Option<Latency>,
    /// Every response of the whole run, by status (`io`: transport error,
    /// `timeout`: no answer within 30 s, `connect`: a failed reconnect).
    pub statuses: BTreeMap<String, u64>,
    /// Non-201 responses and transport errors, whole run.
    pub errors: u64,
    pub error_samples: Vec<String>,
    /// CPU seconds during the window, and cores' worth (seconds / window).
    pub loadgen_cpu_seconds: f64,
    pub server_cpu_seconds: Option<f64>,
    /// The server's own append-latency histogram over the window.
    pub server_side: Option<ServerSide>,
    pub log_check: LogCheck,
    pub machine: Machine,
}

#[derive(Debug, serde::Serialize)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: Option<String>,
    /// /proc/loadavg (1, 5, 15 min) when the run started.
    pub loadavg_at_start: Option<String>,
}

impl Machine {
    pub fn probe() -> Machine {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        });
        let loadavg_at_start = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            loadavg_at_start,
        }
    }
}

pub fn latency(o: &Outcome) -> Option<Latency> {
    let ms = |us: u32| us as f64 / 1000.0;
    let n = o.latencies.len();
    Some(Latency {
        p50: ms(quantile(&o.latencies, 0.50)?),
        p90: ms(quantile(&o.latencies, 0.90)?),
        p99: ms(quantile(&o.latencies, 0.99)?),
        max: ms(*o.latencies.last()?),
        mean: o.latencies.iter().map(|&u| u as f64).sum::<f64>() / n as f64 / 1000.0,
    })
}

impl Report {
    pub fn table(&self) -> String {
        let mut t = String::new();
        let w = self.seconds.max(1e-9);
        let _ = writeln!(
            t,
            "pledger-loadgen: {} clients, batch {}, {} s measured after {} s warm-up, {}",
            self.clients, self.batch, self.seconds, self.warmup_seconds, self.url
        );
        let _ = writeln!(
            t,
            "  requests     {:>10}  (201s completed in the window)",
            self.requests
        );
        let _ = writeln!(t, "  events       {:>10}", self.events);
        let _ = writeln!(
            t,
            "  throughput   {:>10.0}  events/s   ({:.0} requests/s)",
            self.throughput_events_per_s, self.throughput_requests_per_s
        );
        match &self.latency_ms {
            Some(l) => {
                let _ = writeln!(
                    t,
                    "  latency ms   p50 {:.2}   p90 {:.2}   p99 {:.2}   max {:.2}   mean {:.2}",
                    l.p50, l.p90, l.p99, l.max, l.mean
                );
            }
            None => {
                let _ = writeln!(t, "  latency ms   (no successful requests)");
            }
        }
        if let Some(s) = &self.server_side {
            let le = |v: Option<f64>| v.map_or("?".to_string(), |v| format!("<= {v}"));
            let _ = writeln!(
                t,
                "  server-side  mean {:.2} ms, p50 {} ms, p99 {} ms  (its append histogram, {} requests)",
                s.mean_ms,
                le(s.p50_le_ms),
                le(s.p99_le_ms),
                s.requests
            );
        }
        let statuses: Vec<String> = self.statuses.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let _ = writeln!(t, "  responses    {}  (whole run)", statuses.join(", "));
        if self.errors > 0 {
            let _ = writeln!(t, "  errors       {}", self.errors);
            for s in &self.error_samples {
                let _ = writeln!(t, "               {s}");
            }
        }
        let cores = |s: f64| s / w;
        let _ = write!(
            t,
            "  cpu          loadgen {:.1} s ({:.2} cores)",
            self.loadgen_cpu_seconds,
            cores(self.loadgen_cpu_seconds)
        );
        if let Some(s) = self.server_cpu_seconds {
            let _ = write!(t, ", server {s:.1} s ({:.2} cores)", cores(s));
        }
        let _ = writeln!(t, " during the window");
        let _ = writeln!(
            t,
            "  machine      {} cpus{}, load average {} at start",
            self.machine.cpus,
            self.machine
                .cpu_model
                .as_ref()
                .map_or(String::new(), |m| format!(" ({m})")),
            self.machine.loadavg_at_start.as_deref().unwrap_or("?")
        );
        let _ = writeln!(
            t,
            "  log check    {}: {}",
            if self.log_check.ok { "ok" } else { "FAILED" },
            self.log_check.message
        );
        t
    }
}
