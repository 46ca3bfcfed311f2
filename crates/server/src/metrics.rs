//! Counters for `/metrics`, in Prometheus text format.
//!
//! Hand-rolled on atomics: a handful of series does not need a metrics
//! framework, and the append path pays one atomic add per counter.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the append-latency histogram, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
pub struct Metrics {
    /// Events newly recorded over HTTP.
    events_appended: AtomicU64,
    /// Append requests answered, by status code.
    append_requests: Mutex<BTreeMap<u16, u64>>,
    /// Refused requests, by error code.
    rejections: Mutex<BTreeMap<String, u64>>,
    /// Append latency: counts per bucket (not cumulative), plus +Inf.
    latency_buckets: [AtomicU64; BUCKETS.len() + 1],
    latency_sum_micros: AtomicU64,
    latency_count: AtomicU64,
    /// Stream subscribers connected now.
    pub subscribers: AtomicU64,
    /// HTTP requests answered.
    requests: AtomicU64,
}

/// Values read from the ledger at scrape time.
pub struct Gauges {
    pub log_records: u64,
    pub checkpoint_size: u64,
    pub view_lag: u64,
    /// Records in the shared database not yet adopted (0 on sled).
    pub replication_lag: u64,
    /// 1 while this node writes the ledger (always on sled).
    pub writer: u64,
}

impl Metrics {
    pub fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn appended(&self, events: u64, status: u16, took: Duration) {
        self.events_appended.fetch_add(events, Ordering::Relaxed);
        self.append_status(status);
        let secs = took.as_secs_f64();
        let bucket = BUCKETS.iter().position(|b| secs <= *b).unwrap_or(BUCKETS.len());
        self.latency_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add(took.as_micros().min(u64::MAX as u128) as u64, Ordering::Relaxed);
        self.latency_count.fetch_add(1, Ordering::Relaxed);
    }

    pub fn append_status(&self, status: u16) {
        if let Ok(mut m) = self.append_requests.lock() {
            *m.entry(status).or_default() += 1;
        }
    }

    pub fn rejected(&self, code: &str) {
        if let Ok(mut m) = self.rejections.lock() {
            match m.get_mut(code) {
                Some(n) => *n += 1,
                None => {
                    m.insert(code.to_string(), 1);
                }
            }
        }
    }

    /// The exposition text.
    pub fn render(&self, g: &Gauges) -> String {
        let mut out = String::with_capacity(4096);
        let _ = self.render_into(&mut out, g);
        out
    }

    fn render_into(&self, out: &mut String, g: &Gauges) -> std::fmt::Result {
        writeln!(
            out,
            "# HELP pledger_events_appended_total Events newly recorded through the HTTP API."
        )?;
        writeln!(out, "# TYPE pledger_events_appended_total counter")?;
        writeln!(
            out,
            "pledger_events_appended_total {}",
            self.events_appended.load(Ordering::Relaxed)
        )?;

        writeln!(
            out,
            "# HELP pledger_append_requests_total Append requests answered, by HTTP status."
        )?;
        writeln!(out, "# TYPE pledger_append_requests_total counter")?;
        if let Ok(m) = self.append_requests.lock() {
            for (status, n) in m.iter() {
                writeln!(out, "pledger_append_requests_total{{status=\"{status}\"}} {n}")?;
            }
        }

        writeln!(out, "# HELP pledger_rejections_total Requests refused, by error code.")?;
        writeln!(out, "# TYPE pledger_rejections_total counter")?;
        if let Ok(m) = self.rejections.lock() {
            for (code, n) in m.iter() {
                writeln!(out, "pledger_rejections_total{{code=\"{}\"}} {n}", label(code))?;
            }
        }

        writeln!(
            out,
            "# HELP pledger_append_latency_seconds Time from request to durable receipt."
        )?;
        writeln!(out, "# TYPE pledger_append_latency_seconds histogram")?;
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += self.latency_buckets[i].load(Ordering::Relaxed);
            writeln!(
                out,
                "pledger_append_latency_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            )?;
        }
        cumulative += self.latency_buckets[BUCKETS.len()].load(Ordering::Relaxed);
        writeln!(out, "pledger_append_latency_seconds_bucket{{le=\"+Inf\"}} {cumulative}")?;
        writeln!(
            out,
            "pledger_append_latency_seconds_sum {}",
            self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        )?;
        writeln!(
            out,
            "pledger_append_latency_seconds_count {}",
            self.latency_count.load(Ordering::Relaxed)
        )?;

        for (name, help, kind, value) in [
            (
                "pledger_log_records",
                "Records in the log (committed).",
                "gauge",
                g.log_records,
            ),
            (
                "pledger_checkpoint_size",
                "Tree size of the newest signed checkpoint.",
                "gauge",
                g.checkpoint_size,
            ),
            (
                "pledger_view_lag_records",
                "Committed records not yet folded into the live views.",
                "gauge",
                g.view_lag,
            ),
            (
                "pledger_replication_lag_records",
                "Records in the PostgreSQL ledger this node has not yet verified and adopted.",
                "gauge",
                g.replication_lag,
            ),
            (
                "pledger_node_is_writer",
                "1 while this node writes the ledger, 0 while it follows.",
                "gauge",
                g.writer,
            ),
            (
                "pledger_stream_subscribers",
                "Live stream subscribers connected.",
                "gauge",
                self.subscribers.load(Ordering::Relaxed),
            ),
            (
                "pledger_http_requests_total",
                "HTTP requests answered.",
                "counter",
                self.requests.load(Ordering::Relaxed),
            ),
        ] {
            writeln!(out, "# HELP {name} {help}")?;
            writeln!(out, "# TYPE {name} {kind}")?;
            writeln!(out, "{name} {value}")?;
        }
        Ok(())
    }
}

/// A label value with Prometheus' escapes.
fn label(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_counts_every_append() {
        let m = Metrics::default();
        m.appended(1, 201, Duration::from_micros(500));
        m.appended(3, 201, Duration::from_millis(30));
        m.appended(1, 200, Duration::from_secs(10));
        m.rejected("bad_amount");
        let text = m.render(&Gauges {
            log_records: 5,
            checkpoint_size: 4,
            view_lag: 0,
            replication_lag: 0,
            writer: 1,
        });
        assert!(text.contains("pledger_events_appended_total 5\n"));
        assert!(text.contains("pledger_append_latency_seconds_bucket{le=\"0.001\"} 1\n"));
        assert!(text.contains("pledger_append_latency_seconds_bucket{le=\"0.05\"} 2\n"));
        assert!(text.contains("pledger_append_latency_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("pledger_append_latency_seconds_count 3\n"));
        assert!(text.contains("pledger_append_requests_total{status=\"201\"} 2\n"));
        assert!(text.contains("pledger_rejections_total{code=\"bad_amount\"} 1\n"));
        assert!(text.contains("pledger_log_records 5\n"));
    }
}
