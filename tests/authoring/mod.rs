//! Helpers for the authoring-loop tests: a running `kamsite serve`, raw HTTP,
//! the live-reload event stream. Every wait is bounded.
#![allow(dead_code)]

pub mod cdp;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(20);

/// `kamsite init DIR` (panics with output on failure).
pub fn init_site(dir: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_kamsite"))
        .arg("init")
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "init failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A `kamsite serve` child process on a free port.
pub struct Serve {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    new_line: mpsc::Receiver<String>,
    pub addr: String,
}

impl Serve {
    pub fn start(root: &Path) -> Serve {
        Serve::start_with(root, &[])
    }

    /// `kamsite serve` with more arguments (`--interface ADDR`).
    pub fn start_with(root: &Path, args: &[&str]) -> Serve {
        Serve::start_env(root, args, &[])
    }

    /// `kamsite serve` with more arguments and environment variables (`PATH`).
    pub fn start_env(root: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kamsite"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(args)
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line.clone());
                    let _ = tx.send(line);
                }
            });
        }
        let mut serve = Serve {
            child,
            lines,
            new_line: rx,
            addr: String::new(),
        };
        let line = serve.wait_line(|l| l.starts_with("serving "));
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        serve.addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
        serve
    }

    /// The next stderr line matching `pred` (lines seen before are skipped).
    pub fn wait_line(&mut self, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.new_line.recv_timeout(left) {
                Ok(l) if pred(&l) => return l,
                Ok(_) => {}
                Err(_) => panic!("timed out waiting for a line; output so far:\n{}", self.output()),
            }
        }
    }

    /// The process id of serve.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The threads serve runs now (Linux).
    pub fn threads(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/task", self.pid()))
            .map(|d| d.count())
            .unwrap_or_else(|e| panic!("cannot count serve's threads: {e}"))
    }

    pub fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Send SIGINT (Ctrl-C) and wait for the exit status.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        assert!(self.send_interrupt());
        let status = self.wait_exit(WAIT);
        status.unwrap_or_else(|| panic!("serve did not stop on Ctrl-C:\n{}", self.output()))
    }

    /// Whether SIGINT (Ctrl-C) was sent to serve.
    fn send_interrupt(&self) -> bool {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Serve's exit status once it has exited, waiting up to `within`.
    fn wait_exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    /// Stops serve as a user would (Ctrl-C), so it removes its working
    /// folder from the temp dir; a kill only if it does not stop in time.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait()
            && self.send_interrupt()
        {
            self.wait_exit(Duration::from_secs(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw HTTP/1.1 GET of `path` exactly as given (no client-side normalising).
pub fn get(addr: &str, path: &str) -> (u16, String, String) {
    request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

/// Send `head` as it is; the status, head and body of the answer.
pub fn request(addr: &str, head: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// The live-reload event stream of one page.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    pub fn open(addr: &str) -> Events {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        write!(
            s,
            "GET /__kamsite/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut events = Events {
            reader: BufReader::new(s),
        };
        let head = events.read_until_blank().unwrap_or_default();
        assert!(head.contains("200 OK"), "{head}");
        assert!(head.contains("text/event-stream"), "{head}");
        events
    }

    fn read_until_blank(&mut self) -> Option<String> {
        let deadline = Instant::now() + WAIT;
        let mut block = String::new();
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {
                    if line.trim_end_matches(['\r', '\n']).is_empty() {
                        if !block.is_empty() {
                            return Some(block);
                        }
                    } else {
                        block.push_str(&line);
                    }
                }
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    // Keep what was read of the line: read_line appends before failing.
                    block.push_str(&line);
                    if Instant::now() > deadline {
                        return None;
                    }
                }
                Err(_) => return None,
            }
        }
    }

    /// The next named event (`event:` and `data:`), skipping comments and `retry:`.
    pub fn next(&mut self) -> Option<(String, String)> {
        loop {
            let block = self.read_until_blank()?;
            let mut name = None;
            let mut data = String::new();
            for l in block.lines() {
                if let Some(n) = l.strip_prefix("event: ") {
                    name = Some(n.to_string());
                } else if let Some(d) = l.strip_prefix("data: ") {
                    data.push_str(d);
                }
            }
            if let Some(name) = name {
                return Some((name, data));
            }
        }
    }

    /// Skip events until one named `name` arrives.
    pub fn expect(&mut self, name: &str) -> String {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            match self.next() {
                Some((n, data)) if n == name => return data,
                Some(_) => {}
                None => break,
            }
        }
        panic!("no `{name}` event within {WAIT:?}");
    }
}

/// Ask for `path` until its body contains `needle` (a rebuild may take
/// more than one reload event to show, e.g. a folder made and then filled);
/// the last body seen is returned either way, for the caller's assertion.
#[allow(dead_code)]
pub fn wait_for(addr: &str, path: &str, needle: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let (_, _, body) = get(addr, path);
        if body.contains(needle) || Instant::now() > deadline {
            return body;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Replace `from` with `to` in a file, the way editors that save by rename do.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} does not contain {from:?}", path.display());
    let tmp = path.with_extension("kamsite-test.tmp");
    std::fs::write(&tmp, text.replacen(from, to, 1)).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}
