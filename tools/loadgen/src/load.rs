//! The load: one task per client, each with its own keep-alive connection,
//! appending back to back until the time is up.
//!
//! Timing: all clients connect first, then start together. Requests that
//! complete during the warm-up are not counted; the measured window is the
//! `seconds` after it, and a request counts in it when its response
//! arrived inside it. Latency is from the first byte written to the last
//! byte of the response read, for 201s. Every acknowledged receipt, in or
//! out of the window, is kept for the log check.

use crate::events::{Slot, Stream};
use crate::http::{Conn, Endpoint};
use crate::setup::{proc_cpu_seconds, self_cpu_seconds};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub struct Plan {
    pub endpoint: Endpoint,
    /// One per client (clients may share an entity).
    pub slots: Vec<Slot>,
    pub batch: usize,
    pub warmup: Duration,
    pub seconds: Duration,
    pub run: String,
    pub seed: u64,
    /// The server's pid, when it runs on this machine, for its CPU time.
    pub server_pid: Option<u32>,
}

/// A request still unanswered after this counts as failed (`timeout`).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Default)]
struct ClientStats {
    /// Microseconds, 201s completed in the window.
    latencies: Vec<u32>,
    window_requests: u64,
    window_events: u64,
    /// Every response of the whole run by status; `io` for transport errors,
    /// `timeout` for requests unanswered after [`REQUEST_TIMEOUT`].
    statuses: BTreeMap<String, u64>,
    /// Seqs of every receipt in a 201, whole run.
    acked: Vec<u64>,
    /// Events in requests whose fate is unknown (the connection failed).
    uncertain: u64,
    /// 201s whose body did not hold one receipt per event sent.
    bad_receipts: u64,
    samples: Vec<String>,
}

impl ClientStats {
    fn sample(&mut self, what: String) {
        if self.samples.len() < 3 && !self.samples.contains(&what) {
            self.samples.push(what);
        }
    }
}

#[derive(serde::Deserialize)]
struct Receipts {
    receipts: Vec<SeqOnly>,
}

#[derive(serde::Deserialize)]
struct SeqOnly {
    seq: u64,
}

async fn client(
    mut conn: Conn,
    endpoint: Endpoint,
    mut stream: Stream,
    batch: usize,
    warm_end: Instant,
    end: Instant,
) -> ClientStats {
    let token = stream.token().to_string();
    let mut st = ClientStats {
        latencies: Vec::with_capacity(1 << 14),
        ..ClientStats::default()
    };
    while Instant::now() < end {
        let body = stream.next_body(batch);
        let t0 = Instant::now();
        let result = tokio::time::timeout(REQUEST_TIMEOUT, conn.send("POST", "/v1/events", Some(&token), body)).await;
        let t1 = Instant::now();
        let result = result.unwrap_or_else(|_| {
            conn.spent = true;
            Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no response within {} s", REQUEST_TIMEOUT.as_secs()),
            ))
        });
        let in_window = t1 >= warm_end && t1 <= end;
        match result {
            Ok(resp) => {
                *st.statuses.entry(resp.status.to_string()).or_default() += 1;
                if resp.status == 201 {
                    match serde_json::from_slice::<Receipts>(&resp.body) {
                        Ok(r) if r.receipts.len() == batch => {
                            st.acked.extend(r.receipts.iter().map(|r| r.seq));
                            if in_window {
                                st.window_requests += 1;
                                st.window_events += batch as u64;
                                st.latencies.push((t1 - t0).as_micros().min(u32::MAX as u128) as u32);
                            }
                        }
                        _ => {
                            st.bad_receipts += 1;
                            st.uncertain += batch as u64;
                            st.sample(format!(
                                "201 without {batch} receipts: {}",
                                String::from_utf8_lossy(&resp.body)
                            ));
                        }
                    }
                } else {
                    if resp.status >= 500 {
                        // A server error may or may not have been written.
                        st.uncertain += batch as u64;
                    }
                    let text = String::from_utf8_lossy(&resp.body);
                    st.sample(format!(
                        "{}: {}",
                        resp.status,
                        text.chars().take(300).collect::<String>()
                    ));
                }
            }
            Err(e) => {
                let kind = if e.kind() == std::io::ErrorKind::TimedOut {
                    "timeout"
                } else {
                    "io"
                };
                *st.statuses.entry(kind.into()).or_default() += 1;
                st.uncertain += batch as u64;
                st.sample(format!("io: {e}"));
            }
        }
        if conn.spent {
            // Reconnect, backing off a little on failure, until the end.
            loop {
                match Conn::connect(&endpoint).await {
                    Ok(c) => {
                        conn = c;
                        break;
                    }
                    Err(e) => {
                        *st.statuses.entry("connect".into()).or_default() += 1;
                        st.sample(format!("connect: {e}"));
                        if Instant::now() >= end {
                            return st;
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
        }
    }
    st
}

/// What the server's `/metrics` said about appends during the window.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ServerSide {
    /// Append requests the server timed in the window.
    pub requests: u64,
    pub events: u64,
    /// Mean of `pledger_append_latency_seconds` (handler start to
    /// durable receipt), in ms.
    pub mean_ms: f64,
    /// Upper bounds of the histogram buckets holding p50 and p99, in ms.
    pub p50_le_ms: Option<f64>,
    pub p99_le_ms: Option<f64>,
}

#[derive(Clone, Default)]
struct Scrape {
    buckets: Vec<(f64, f64)>,
    sum: f64,
    count: f64,
    events: f64,
}

fn parse_metrics(text: &str) -> Scrape {
    let mut s = Scrape::default();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((name, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let Ok(value) = value.parse::<f64>() else {
            continue;
        };
        if let Some(le) = name
            .strip_prefix("pledger_append_latency_seconds_bucket{le=\"")
            .and_then(|r| r.strip_suffix("\"}"))
        {
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().unwrap_or(f64::INFINITY)
            };
            s.buckets.push((le, value));
        } else if name == "pledger_append_latency_seconds_sum" {
            s.sum = value;
        } else if name == "pledger_append_latency_seconds_count" {
            s.count = value;
        } else if name == "pledger_events_appended_total" {
            s.events = value;
        }
    }
    s
}

fn server_side(a: &Scrape, b: &Scrape) -> ServerSide {
    let count = b.count - a.count;
    let quantile = |q: f64| {
        let want = q * count;
        b.buckets
            .iter()
            .zip(a.buckets.iter().map(|x| x.1).chain(std::iter::repeat(0.0)))
            .find(|((_, cum_b), cum_a)| cum_b - cum_a >= want)
            .map(|((le, _), _)| le * 1000.0)
            .filter(|v| v.is_finite())
    };
    ServerSide {
        requests: count as u64,
        events: (b.events - a.events) as u64,
        mean_ms: if count > 0.0 {
            (b.sum - a.sum) / count * 1000.0
        } else {
            0.0
        },
        p50_le_ms: (count > 0.0).then(|| quantile(0.5)).flatten(),
        p99_le_ms: (count > 0.0).then(|| quantile(0.99)).flatten(),
    }
}

async fn scrape(endpoint: &Endpoint, token: &str) -> Option<Scrape> {
    let get = async {
        let mut c = Conn::connect(endpoint).await?;
        c.send("GET", "/metrics", Some(token), b"").await
    };
    let r = tokio::time::timeout(Duration::from_secs(5), get).await.ok()?.ok()?;
    (r.status == 200).then(|| parse_metrics(&String::from_utf8_lossy(&r.body)))
}

/// The merged result of all clients.
pub struct Outcome {
    /// Sorted, microseconds.
    pub latencies: Vec<u32>,
    pub window: Duration,
    pub requests: u64,
    pub events: u64,
    pub statuses: BTreeMap<String, u64>,
    pub acked: Vec<u64>,
    pub uncertain: u64,
    pub bad_receipts: u64,
    pub samples: Vec<String>,
    /// CPU seconds used during the window.
    pub loadgen_cpu: f64,
    pub server_cpu: Option<f64>,
    pub server_side: Option<ServerSide>,
}

pub async fn run(plan: Plan) -> Result<Outcome, String> {
    let mut conns = Vec::with_capacity(plan.slots.len());
    for _ in &plan.slots {
        conns.push(
            Conn::connect(&plan.endpoint)
                .await
                .map_err(|e| format!("cannot connect to {}: {e}", plan.endpoint.authority))?,
        );
    }
    let start = Instant::now();
    let warm_end = start + plan.warmup;
    let end = warm_end + plan.seconds;
    let mut tasks = Vec::with_capacity(conns.len());
    for (i, (conn, slot)) in conns.into_iter().zip(plan.slots.iter().cloned()).enumerate() {
        let stream = Stream::new(slot, &plan.run, i + 1, plan.seed);
        tasks.push(tokio::spawn(client(
            conn,
            plan.endpoint.clone(),
            stream,
            plan.batch,
            warm_end,
            end,
        )));
    }
    let token = plan.slots[0].token.clone();
    tokio::time::sleep_until(warm_end.into()).await;
    let cpu0 = (self_cpu_seconds(), plan.server_pid.and_then(proc_cpu_seconds));
    let m0 = scrape(&plan.endpoint, &token).await;
    tokio::time::sleep_until(end.into()).await;
    let cpu1 = (self_cpu_seconds(), plan.server_pid.and_then(proc_cpu_seconds));
    let m1 = scrape(&plan.endpoint, &token).await;

    let mut out = Outcome {
        latencies: Vec::new(),
        window: plan.seconds,
        requests: 0,
        events: 0,
        statuses: BTreeMap::new(),
        acked: Vec::new(),
        uncertain: 0,
        bad_receipts: 0,
        samples: Vec::new(),
        loadgen_cpu: cpu1.0 - cpu0.0,
        server_cpu: cpu0.1.zip(cpu1.1).map(|(a, b)| b - a),
        server_side: m0.zip(m1).map(|(a, b)| server_side(&a, &b)),
    };
    for t in tasks {
        let st = t.await.map_err(|e| format!("a client task failed: {e}"))?;
        out.latencies.extend(st.latencies);
        out.requests += st.window_requests;
        out.events += st.window_events;
        for (k, v) in st.statuses {
            *out.statuses.entry(k).or_default() += v;
        }
        out.acked.extend(st.acked);
        out.uncertain += st.uncertain;
        out.bad_receipts += st.bad_receipts;
        for s in st.samples {
            if out.samples.len() < 5 && !out.samples.contains(&s) {
                out.samples.push(s);
            }
        }
    }
    out.latencies.sort_unstable();
    Ok(out)
}

/// The `q` quantile (0 < q <= 1) of sorted samples, nearest rank.
pub fn quantile(sorted: &[u32], q: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Checks the acknowledged receipts against the log: every acknowledged
/// seq is distinct and past the founding records, and the log holds the
/// founding records plus exactly the acknowledged ones (plus at most the
/// `uncertain` events whose request failed in transit). With `records`
/// unknown (a server someone else runs), only distinctness is checked.
pub fn check_log(founding: u64, acked: &mut [u64], uncertain: u64, records: Option<u64>) -> Result<String, String> {
    acked.sort_unstable();
    if let Some(w) = acked.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("seq {} was acknowledged twice", w[0]));
    }
    let n = acked.len() as u64;
    let Some(records) = records else {
        return Ok(format!("{n} acknowledged receipts, all distinct"));
    };
    if let Some(first) = acked.first().filter(|s| **s < founding) {
        return Err(format!(
            "seq {first} was acknowledged, but the first {founding} records are the founding set"
        ));
    }
    if let Some(last) = acked.last().filter(|s| **s >= records) {
        return Err(format!(
            "seq {last} was acknowledged, but the log holds only {records} records"
        ));
    }
    let added = records.saturating_sub(founding);
    if records < founding || added < n || added > n + uncertain {
        return Err(format!(
            "the log holds {records} records: {founding} founding + {n} acknowledged{} does not account for them",
            if uncertain > 0 {
                format!(" (+ up to {uncertain} in failed requests)")
            } else {
                String::new()
            }
        ));
    }
    Ok(format!(
        "{founding} founding + {n} acknowledged = {} records{}",
        founding + n,
        if added > n {
            format!(" (+ {} from failed requests)", added - n)
        } else {
            String::new()
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(quantile(&v, 0.5), Some(50));
        assert_eq!(quantile(&v, 0.99), Some(99));
        assert_eq!(quantile(&v, 1.0), Some(100));
        assert_eq!(quantile(&[7], 0.5), Some(7));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn log_check_fails_on_every_kind_of_mismatch() {
        let ok = |acked: &[u64], unc, rec| check_log(10, &mut acked.to_vec(), unc, rec);
        assert!(ok(&[12, 10, 11], 0, Some(13)).is_ok());
        assert!(ok(&[], 0, Some(10)).is_ok());
        assert!(ok(&[10, 11], 0, Some(13)).is_err(), "an unacknowledged record");
        assert!(ok(&[10, 11, 12], 0, Some(12)).is_err(), "a lost acknowledged record");
        assert!(ok(&[10, 11, 11], 0, Some(13)).is_err(), "a seq twice");
        assert!(ok(&[9, 10, 11], 0, Some(13)).is_err(), "a seq inside the founding set");
        assert!(
            ok(&[10, 11], 1, Some(13)).is_ok(),
            "one event of a failed request landed"
        );
        assert!(ok(&[10, 11], 1, Some(14)).is_err());
        assert!(ok(&[10, 11], 0, None).is_ok());
        assert!(ok(&[10, 10], 0, None).is_err());
    }

    #[test]
    fn metrics_deltas() {
        let text = |n: u64, sum: f64| {
            format!(
                "# TYPE x\npledger_events_appended_total {n}\npledger_append_latency_seconds_bucket{{le=\"0.001\"}} {}\npledger_append_latency_seconds_bucket{{le=\"0.005\"}} {}\npledger_append_latency_seconds_bucket{{le=\"+Inf\"}} {n}\npledger_append_latency_seconds_sum {sum}\npledger_append_latency_seconds_count {n}\n",
                n / 2,
                n * 99 / 100
            )
        };
        let a = parse_metrics(&text(1000, 1.0));
        let b = parse_metrics(&text(3000, 5.0));
        let s = server_side(&a, &b);
        assert_eq!((s.requests, s.events), (2000, 2000));
        assert!((s.mean_ms - 2.0).abs() < 1e-9);
        assert_eq!(s.p50_le_ms, Some(1.0));
        assert_eq!(s.p99_le_ms, Some(5.0));
    }
}
