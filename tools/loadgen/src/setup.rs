//! Driving the `pledger` binary: init, the founding append, tokens, the
//! server process, and the final `pledger verify`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Pledger {
    pub bin: PathBuf,
    pub data: PathBuf,
}

impl Pledger {
    fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.arg("--data").arg(&self.data);
        c
    }

    /// Runs `pledger --data DIR ARGS...` and returns its standard output.
    fn run(&self, args: &[&str]) -> Result<String, String> {
        let out = self
            .command()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.bin.display()))?;
        if !out.status.success() {
            return Err(format!(
                "`pledger {}` failed ({}): {}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        String::from_utf8(out.stdout).map_err(|e| format!("`pledger {}`: {e}", args.join(" ")))
    }

    pub fn init(&self) -> Result<(), String> {
        self.run(&["init"]).map(drop)
    }

    /// Appends an NDJSON file; returns the number of events appended.
    pub fn append(&self, file: &Path) -> Result<u64, String> {
        let file = file.to_str().ok_or("the work directory's path is not UTF-8")?;
        let out = self.run(&["--format", "json", "append", file])?;
        let v: serde_json::Value =
            serde_json::from_str(out.trim()).map_err(|e| format!("`pledger append` printed {out:?}: {e}"))?;
        v["appended"]
            .as_u64()
            .ok_or_else(|| format!("`pledger append` printed no count: {out}"))
    }

    /// A new recorder token for `entity`: the last line of the output.
    pub fn recorder_token(&self, entity: &str) -> Result<String, String> {
        let out = self.run(&["token", "add", entity, "--role", "recorder"])?;
        out.lines()
            .rev()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_string)
            .ok_or_else(|| format!("`pledger token add {entity}` printed no token"))
    }

    /// `pledger verify`, as JSON.
    pub fn verify(&self) -> Verify {
        let out = self
            .command()
            .args(["--format", "json", "verify"])
            .stdin(Stdio::null())
            .output();
        match out {
            Err(e) => Verify {
                ok: false,
                records: None,
                message: format!("cannot run pledger verify: {e}"),
            },
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stdout);
                let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_default();
                let ok = out.status.success() && v["ok"] == true;
                Verify {
                    ok,
                    records: v["records"].as_u64(),
                    message: if ok {
                        "ok".into()
                    } else {
                        format!(
                            "pledger verify failed ({}): {} {}",
                            out.status,
                            text.trim(),
                            String::from_utf8_lossy(&out.stderr).trim()
                        )
                    },
                }
            }
        }
    }

    /// Starts `pledger serve --addr 127.0.0.1:0`, its log to `log`, and
    /// waits for the `listening on` line.
    pub fn serve(&self, log: &Path) -> Result<Server, String> {
        let log_file = std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let mut child = self
            .command()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("cannot start {} serve: {e}", self.bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout from pledger serve")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = match lines.next() {
            Some(Ok(l)) => l,
            _ => {
                let _ = child.kill();
                let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                let log_text = std::fs::read_to_string(log).unwrap_or_default();
                return Err(format!(
                    "pledger serve exited ({status}) before listening: {}",
                    log_text.trim()
                ));
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
        let url = first
            .strip_prefix("listening on ")
            .map(|u| u.trim().to_string())
            .ok_or_else(|| format!("unexpected first line from pledger serve: {first:?}"));
        let url = match url {
            Ok(u) => u,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        Ok(Server { child, url })
    }
}

pub struct Verify {
    pub ok: bool,
    pub records: Option<u64>,
    pub message: String,
}

pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then waits up to `grace` for a clean exit (in-flight
    /// requests finish, a last checkpoint is signed); SIGKILL after that.
    pub fn stop(mut self, grace: Duration) -> Result<(), String> {
        // SAFETY: kill(2) on the pid of a child we have not yet waited for.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        if rc != 0 {
            return Err(format!(
                "cannot signal pledger serve: {}",
                std::io::Error::last_os_error()
            ));
        }
        let until = Instant::now() + grace;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => return Err(format!("pledger serve exited with {status} after SIGTERM")),
                Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(20)),
                Ok(None) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return Err(format!(
                        "pledger serve did not stop within {} s of SIGTERM; killed",
                        grace.as_secs()
                    ));
                }
                Err(e) => return Err(format!("waiting for pledger serve: {e}")),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only reached without `stop` (an error path): do not leave it running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// utime + stime of a process, in seconds.
pub fn proc_cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are
    // fields 14 and 15, i.e. the 12th and 13th after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (hz > 0).then(|| ticks / hz as f64)
}

/// CPU time this process has used (user + system), in seconds.
pub fn self_cpu_seconds() -> f64 {
    // SAFETY: getrusage fills the struct we pass; zeroed is a valid start.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    if rc != 0 {
        return 0.0;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

#[cfg(test)]
mod tests {
    #[test]
    fn own_cpu_time_is_readable() {
        let t = super::proc_cpu_seconds(std::process::id());
        assert!(t.is_some_and(|t| t >= 0.0));
        assert!(super::self_cpu_seconds() >= 0.0);
    }
}
