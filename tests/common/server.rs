//! A real `pledger serve` on 127.0.0.1 (port 0) for end-to-end tests, and
//! a small blocking HTTP client.

#![allow(dead_code)]

use crate::common::{cmd, run_cmd, BIN};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

pub struct Server {
    pub child: Child,
    pub base: String,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Server {
    /// Starts `pledger --data DATA serve --addr 127.0.0.1:0 EXTRA...` and
    /// waits for its `listening on` line.
    pub fn start(data: &Path, extra: &[&str]) -> Server {
        Server::start_env(data, extra, &[])
    }

    /// As [`Server::start`], with extra environment variables.
    pub fn start_env(data: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut c = cmd();
        c.arg("--data")
            .arg(data)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env(
                "PLEDGER_LOG",
                std::env::var("PLEDGER_TEST_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .envs(env.iter().copied());
        Server::spawn(c)
    }

    /// Starts a prepared `pledger` command that prints `listening on URL`
    /// as its first line (`serve`, `witness serve`) and waits for that line.
    pub fn spawn(mut c: std::process::Command) -> Server {
        c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = c.spawn().unwrap_or_else(|e| panic!("spawn {BIN}: {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = match lines.next() {
            Some(Ok(l)) => l,
            other => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("wait");
                panic!(
                    "the server did not start ({other:?}): {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        };
        let base = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let stderr = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                s.push_str(&l);
                s.push('\n');
            }
            s
        });
        Server {
            child,
            base,
            stderr: Some(stderr),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// SIGTERM, then waits; returns the exit code and everything logged.
    pub fn stop(mut self) -> (Option<i32>, String) {
        let pid = self.child.id() as i32;
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let status = self.child.wait().expect("wait for the server");
        let log = self
            .stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        (status.code(), log)
    }
}

impl Server {
    /// Waits up to `timeout` for the server to exit by itself (it is not
    /// signalled): its exit code and everything it logged, or `None` while
    /// it still runs.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<(Option<i32>, String)> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                let log = self
                    .stderr
                    .take()
                    .map(|h| h.join().unwrap_or_default())
                    .unwrap_or_default();
                return Some((status.code(), log));
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer: status and body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `error.code` of an error answer.
    pub fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or("").to_string()
    }
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build()
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> Reply {
    match r {
        Ok(resp) => Reply {
            status: resp.status(),
            body: body_text(resp),
        },
        Err(ureq::Error::Status(status, resp)) => Reply {
            status,
            body: body_text(resp),
        },
        Err(e) => panic!("HTTP transport error: {e}"),
    }
}

/// The whole body: `into_string` stops at 10 MB, and a findings report of
/// a few hundred thousand records is larger.
fn body_text(resp: ureq::Response) -> String {
    use std::io::Read;
    let mut body = String::new();
    resp.into_reader()
        .read_to_string(&mut body)
        .unwrap_or_else(|e| panic!("reading the body: {e}"));
    body
}

pub fn get(agent: &ureq::Agent, url: &str, token: Option<&str>) -> Reply {
    let mut req = agent.get(url);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    answer(req.call())
}

pub fn post(agent: &ureq::Agent, url: &str, token: Option<&str>, body: &str) -> Reply {
    let mut req = agent.post(url).set("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    answer(req.send_string(body))
}

/// `pledger token add ENTITY --role ROLE`: the token on the last line.
pub fn token(data: &Path, entity: &str, role: &str) -> String {
    let mut c = cmd();
    c.arg("--data").arg(data).args(["token", "add", entity, "--role", role]);
    let out = run_cmd(c, None);
    out.expect(0);
    out.stdout.lines().last().expect("a token line").trim().to_string()
}

/// POSTs raw bytes to `/v1/events` over a fresh connection and returns the
/// status code. The server may answer (413) before reading the whole body,
/// so write errors are ignored and the answer is read regardless.
pub fn raw_post(base: &str, tok: &str, body: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let mut sock = std::net::TcpStream::connect(base.trim_start_matches("http://")).expect("connect");
    sock.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    write!(
        sock,
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tok}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("write headers");
    let _ = sock.write_all(body);
    let mut answer = Vec::new();
    let _ = sock.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}
