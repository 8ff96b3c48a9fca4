//! Headless Chromium driven over the Chrome DevTools Protocol (a websocket).
//!
//! Just enough of CDP to load pages, evaluate JavaScript, collect console
//! errors and take screenshots. Chromium is required: when it is missing the
//! tests fail with a message saying how to install it (CI installs it in .ci/run).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use super::WAIT;

/// The Chromium binary: `$KAMSITE_CHROMIUM`, else the first of the usual names on PATH.
pub fn chromium_binary() -> PathBuf {
    // The same search as `kamsite pdf`; here a missing browser fails the test.
    kamsite::chromium::find_chromium().unwrap_or_else(|e| panic!("the browser tests need headless Chromium: {e}"))
}

/// Kills Chromium when dropped, also when a test fails half-way through launching it.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Browser {
    // Field order matters: the connection closes before the process is killed.
    ws: WebSocket<TcpStream>,
    _child: Process,
    _profile: tempfile::TempDir,
    next_id: u64,
    /// Events received while waiting for replies.
    events: Vec<Value>,
}

impl Browser {
    pub fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Process(
            Command::new(chromium_binary())
                .args(kamsite::chromium::HEADLESS_FLAGS)
                .args(["--window-size=1280,1000", "--remote-debugging-port=0"])
                .arg(format!("--user-data-dir={}", profile.path().display()))
                .arg("about:blank")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium_binary().display())),
        );
        let port = wait_for_port(profile.path());
        let list = http_json(&format!("127.0.0.1:{port}"), "/json/list");
        let ws_url = list
            .as_array()
            .and_then(|targets| {
                targets
                    .iter()
                    .find(|t| t["type"] == "page")
                    .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            })
            .unwrap_or_else(|| panic!("no page target in {list}"))
            .to_string();
        let stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let (ws, _) = tungstenite::client(ws_url.as_str(), stream).unwrap();
        // Short reads from here on, so every wait can check its own deadline.
        ws.get_ref().set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        let mut b = Browser {
            ws,
            _child: child,
            _profile: profile,
            next_id: 0,
            events: Vec::new(),
        };
        for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
            b.call(domain, json!({}));
        }
        b
    }

    /// Send a command and wait for its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({ "id": id, "method": method, "params": params }).to_string();
        self.ws.send(Message::text(msg)).unwrap();
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self
                .read(deadline)
                .unwrap_or_else(|| panic!("no reply to {method} within {WAIT:?}"));
            if v["id"] == id {
                if let Some(e) = v.get("error") {
                    panic!("{method} failed: {e}");
                }
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    fn read(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => return serde_json::from_str(t.as_str()).ok(),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    if Instant::now() > deadline {
                        return None;
                    }
                }
                Err(e) => panic!("devtools connection failed: {e}"),
            }
        }
    }

    /// Drain events that arrived without a request.
    fn pump(&mut self, for_at_most: Duration) {
        let deadline = Instant::now() + for_at_most;
        while let Some(v) = self.read(deadline) {
            self.events.push(v);
            if Instant::now() > deadline {
                break;
            }
        }
    }

    /// Load `url` and wait for its load event.
    pub fn goto(&mut self, url: &str) {
        let seen = self.events.len();
        self.call("Page.navigate", json!({ "url": url }));
        let deadline = Instant::now() + WAIT;
        let loaded = |events: &[Value]| {
            events[seen.min(events.len())..]
                .iter()
                .any(|e| e["method"] == "Page.loadEventFired")
        };
        while !loaded(&self.events) {
            let v = self
                .read(deadline)
                .unwrap_or_else(|| panic!("{url} did not finish loading within {WAIT:?}"));
            self.events.push(v);
        }
    }

    /// Evaluate a JavaScript expression (promises awaited) and return its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("`{expression}` threw: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Poll `expression` until it is truthy; its value.
    pub fn wait_for(&mut self, expression: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self.eval(expression);
            let truthy = !(v.is_null() || v == false || v == 0 || v == "");
            if truthy {
                return v;
            }
            assert!(Instant::now() < deadline, "`{expression}` stayed false for {WAIT:?}");
            self.pump(Duration::from_millis(100));
        }
    }

    /// Console errors, uncaught exceptions and failed loads seen so far.
    pub fn console_errors(&mut self) -> Vec<String> {
        self.pump(Duration::from_millis(200));
        self.events
            .iter()
            .filter_map(|e| {
                let p = &e["params"];
                match e["method"].as_str()? {
                    "Runtime.consoleAPICalled" if p["type"] == "error" || p["type"] == "assert" => {
                        Some(format!("console.{}: {}", p["type"], p["args"]))
                    }
                    "Runtime.exceptionThrown" => Some(format!("exception: {}", p["exceptionDetails"])),
                    "Log.entryAdded" if p["entry"]["level"] == "error" => Some(format!(
                        "{}: {} {}",
                        p["entry"]["source"], p["entry"]["text"], p["entry"]["url"]
                    )),
                    _ => None,
                }
            })
            .collect()
    }

    /// Save a PNG of the page when `KAMSITE_SCREENSHOTS` names a folder (for looking, not asserting).
    pub fn screenshot(&mut self, name: &str) {
        let Some(dir) = std::env::var_os("KAMSITE_SCREENSHOTS") else {
            return;
        };
        let r = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let data = r["data"].as_str().unwrap_or_default();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), base64(data)).unwrap();
    }
}

/// Chromium writes the port it picked into `DevToolsActivePort` in its profile.
fn wait_for_port(profile: &Path) -> u16 {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(text) = std::fs::read_to_string(profile.join("DevToolsActivePort"))
            && let Some(port) = text.lines().next().and_then(|l| l.trim().parse().ok())
        {
            return port;
        }
        assert!(
            Instant::now() < deadline,
            "Chromium did not open its debugging port within {WAIT:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn http_json(addr: &str, path: &str) -> Value {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    // DevTools keeps the connection open: read the head, then Content-Length bytes.
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut byte).unwrap();
        assert!(n == 1, "connection closed in the headers of {path}");
        raw.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Content-Length from {path}: {head}"));
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("bad JSON from {path}: {e}"))
}

fn base64(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// A minimal static file server for a built site (what any web host does).
pub fn serve_static(dir: &Path) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || respond(&dir, stream));
        }
    });
    addr
}

fn respond(dir: &Path, mut stream: TcpStream) {
    let mut buf = [0u8; 4096];
    let n = stream.read(&mut buf).unwrap_or(0);
    let req = String::from_utf8_lossy(&buf[..n]);
    let path = req.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let mut file = dir.join(path.trim_start_matches('/'));
    if path.contains("..") {
        file = dir.join("404.html");
    } else if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body, file) = match std::fs::read(&file) {
        Ok(b) => ("200 OK", b, file),
        Err(_) => (
            "404 Not Found",
            std::fs::read(dir.join("404.html")).unwrap_or_default(),
            dir.join("404.html"),
        ),
    };
    let mime = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("ttf") => "font/ttf",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}
