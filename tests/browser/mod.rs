//! The browser harness the console's tests share (tests/console.rs,
//! tests/console_forms.rs): a real `pledger serve` on a temporary ledger and
//! Debian's headless `chromium` driven over the DevTools protocol
//! (`--remote-debugging-pipe`: JSON messages on file descriptors 3 and 4,
//! no WebSocket needed).
//!
//! Needs `/usr/bin/chromium` (`apt-get install -y chromium`), or a browser
//! named by `$PLEDGER_CHROMIUM`. With `PLEDGER_SKIP_BROWSER=1` the browser
//! tests are skipped; without either, they fail under CI and say how to
//! install it.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_pledger");
/// The demo is judged at this date everywhere (CLI and server), so the
/// browser and the reports see the same ledger the same day.
pub const TODAY: &str = "2011-06-30";
pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 2000;

// ------------------------------------------------------------------ setup

/// The browser to drive, or `None` when the tests are switched off.
pub fn chromium() -> Option<PathBuf> {
    if std::env::var("PLEDGER_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("PLEDGER_SKIP_BROWSER=1: the console's browser tests are skipped");
        return None;
    }
    if let Ok(p) = std::env::var("PLEDGER_CHROMIUM") {
        let p = PathBuf::from(p);
        assert!(
            p.exists(),
            "$PLEDGER_CHROMIUM names {}, which does not exist",
            p.display()
        );
        return Some(p);
    }
    for p in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(p).exists() {
            return Some(PathBuf::from(p));
        }
    }
    let how = "install it with `apt-get install -y chromium` (Debian), or point \
               $PLEDGER_CHROMIUM at a Chrome/Chromium binary";
    // CI (which installs Chromium) must run them; on a developer's fresh
    // machine the README's test command still passes, and says what it skipped.
    if std::env::var_os("CI").is_some() {
        panic!("the console tests need a headless Chromium and none was found: {how}");
    }
    eprintln!("SKIPPED: the console's browser tests need a headless Chromium and none was found: {how}");
    None
}

pub fn pledger(data: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .env_remove("PLEDGER_DATA")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env("PLEDGER_TODAY", TODAY)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run pledger");
    // `claim` exits 1 for a contradicted claim and still prints its answer.
    assert!(
        out.status.code() == Some(0) || (args[0] == "claim" && out.status.code() == Some(1)),
        "pledger {args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

pub fn pledger_json(data: &Path, args: &[&str]) -> Value {
    let text = pledger(data, args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("pledger {args:?}: not JSON ({e}): {text}"))
}

pub fn screenshots_dir() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .to_path_buf();
    target.join("console-screenshots")
}

/// A running `pledger serve`, stopped (SIGTERM, then wait) when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub fn start(data: &Path, public_reads: bool) -> Server {
        let mut c = Command::new(BIN);
        c.env_remove("PLEDGER_DATA")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .env("PLEDGER_TODAY", TODAY)
            .arg("--data")
            .arg(data)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("PLEDGER_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if public_reads {
            c.arg("--public-reads");
        }
        let mut child = c.spawn().expect("spawn pledger serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            for _ in lines {}
        });
        let first = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Some(Ok(line))) => line,
            other => {
                let _ = child.kill();
                panic!("pledger serve did not start: {other:?}");
            }
        };
        let base = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from pledger serve: {first:?}"))
            .trim_end_matches('/')
            .to_string();
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM lets it finish cleanly and release the data directory.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ------------------------------------------------------------- the browser

/// Headless Chromium driven over `--remote-debugging-pipe`.
pub struct Browser {
    child: Child,
    to: File,
    from: Receiver<Value>,
    next_id: u64,
    session: String,
    /// Uncaught exceptions and console errors seen so far.
    pub errors: Vec<String>,
    /// Every URL the page asked for.
    pub requests: Vec<String>,
    _profile: tempfile::TempDir,
}

pub fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(r, 0, "pipe2: {}", std::io::Error::last_os_error());
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// A duplicate of `fd` numbered 10 or above (close-on-exec), so that
/// moving it to 3 or 4 in the child cannot clobber the other one.
pub fn high(fd: OwnedFd) -> OwnedFd {
    let d = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
    assert!(d >= 10, "fcntl: {}", std::io::Error::last_os_error());
    unsafe { OwnedFd::from_raw_fd(d) }
}

impl Browser {
    pub fn launch(chromium: &Path, extra: &[&str]) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let (cmd_read, cmd_write) = pipe();
        let (resp_read, resp_write) = pipe();
        let (cmd_read, resp_write) = (high(cmd_read), high(resp_write));
        let (child_in, child_out) = (cmd_read.as_raw_fd(), resp_write.as_raw_fd());
        let mut c = Command::new(chromium);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--remote-debugging-pipe",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--disable-component-update",
            "--hide-scrollbars",
            "--mute-audio",
        ])
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        unsafe {
            c.pre_exec(move || {
                if libc::dup2(child_in, 3) < 0 || libc::dup2(child_out, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = c
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", chromium.display()));
        drop(cmd_read);
        drop(resp_write);
        let (tx, rx) = channel();
        let mut reader = BufReader::new(File::from(resp_read));
        std::thread::spawn(move || loop {
            let mut msg = Vec::new();
            match reader.read_until(0, &mut msg) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    msg.pop();
                    if let Ok(v) = serde_json::from_slice::<Value>(&msg) {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let mut b = Browser {
            child,
            to: File::from(cmd_write),
            from: rx,
            next_id: 0,
            session: String::new(),
            errors: Vec::new(),
            requests: Vec::new(),
            _profile: profile,
        };
        let target = b.call_browser("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("targetId").to_string();
        let attached = b.call_browser("Target.attachToTarget", json!({"targetId": target_id, "flatten": true}));
        b.session = attached["sessionId"].as_str().expect("sessionId").to_string();
        for domain in ["Page.enable", "Runtime.enable", "Network.enable"] {
            b.call(domain, json!({}));
        }
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": false}),
        );
        b
    }

    pub fn send(&mut self, method: &str, params: Value, session: bool) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if session {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).expect("write to chromium");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = match self.from.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => panic!("chromium did not answer {method} within 60 s"),
                Err(RecvTimeoutError::Disconnected) => panic!("chromium exited during {method}"),
            };
            if m["id"].as_u64() == Some(id) {
                if let Some(e) = m.get("error") {
                    panic!("{method} failed: {e}");
                }
                return m["result"].clone();
            }
            self.note(&m);
        }
    }

    pub fn note(&mut self, m: &Value) {
        match m["method"].as_str() {
            Some("Runtime.exceptionThrown") => {
                let d = &m["params"]["exceptionDetails"];
                self.errors.push(format!(
                    "uncaught: {} {}",
                    d["text"].as_str().unwrap_or(""),
                    d["exception"]["description"].as_str().unwrap_or("")
                ));
            }
            Some("Runtime.consoleAPICalled") if m["params"]["type"] == "error" => {
                let args: Vec<String> = m["params"]["args"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|x| {
                                x["description"]
                                    .as_str()
                                    .or(x["value"].as_str())
                                    .unwrap_or("?")
                                    .to_string()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                self.errors.push(format!("console.error: {}", args.join(" ")));
            }
            Some("Network.requestWillBeSent") => {
                if let Some(u) = m["params"]["request"]["url"].as_str() {
                    self.requests.push(u.to_string());
                }
            }
            _ => {}
        }
    }

    pub fn call_browser(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, false)
    }

    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, true)
    }

    /// Evaluates `expr` in the page (awaiting a promise), returning its value.
    pub fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!(
                "evaluating {expr}: {}",
                e["exception"]["description"].as_str().unwrap_or(&e.to_string())
            );
        }
        r["result"]["value"].clone()
    }

    /// Waits until `expr` is truthy.
    pub fn wait_for(&mut self, expr: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let v = self.eval(&format!(
                "(() => {{ try {{ return !!({expr}); }} catch (e) {{ return false; }} }})()"
            ));
            if v == json!(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what} ({expr})");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the console has rendered `route` (its `#…`), and returns
    /// the page's final state: `ready`, `auth` or `error`.
    pub fn wait_route(&mut self, route: &str) -> String {
        let r = serde_json::to_string(route).unwrap();
        self.wait_for(
            &format!("document.body.dataset.route === {r} && ['ready', 'auth', 'error'].includes(document.body.dataset.state)"),
            route,
        );
        self.eval("document.body.dataset.state")
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
    }

    /// Loads `base/#route` and waits for it to be rendered, `ready`.
    pub fn open(&mut self, base: &str, route: &str) {
        self.goto(&format!("{base}/{route}"));
        let state = self.wait_route(route);
        if state != "ready" {
            let text = self.eval("document.getElementById('main').innerText");
            panic!("{route} did not render ({state}): {text}");
        }
    }

    pub fn screenshot(&mut self, name: &str) -> PathBuf {
        self.screenshot_in(&screenshots_dir(), name)
    }

    /// A full-page screenshot as `dir/name.png`.
    pub fn screenshot_in(&mut self, dir: &Path, name: &str) -> PathBuf {
        let metrics = self.call("Page.getLayoutMetrics", json!({}));
        let h = metrics["cssContentSize"]["height"]
            .as_f64()
            .unwrap_or(HEIGHT as f64)
            .clamp(400.0, 16000.0);
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                   "clip": {"x": 0, "y": 0, "width": WIDTH, "height": h, "scale": 1}}),
        );
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("base64 screenshot");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    pub fn count(&mut self, selector: &str) -> u64 {
        let s = serde_json::to_string(selector).unwrap();
        self.eval(&format!("document.querySelectorAll({s}).length"))
            .as_u64()
            .unwrap()
    }

    pub fn text(&mut self, selector: &str) -> String {
        let s = serde_json::to_string(selector).unwrap();
        self.eval(&format!("(document.querySelector({s}) || {{}}).innerText || ''"))
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn assert_no_errors(&mut self, context: &str) {
        // Drain what arrived since the last call.
        while let Ok(m) = self.from.try_recv() {
            self.note(&m);
        }
        assert!(
            self.errors.is_empty(),
            "{context}: errors in the page: {:#?}",
            self.errors
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
