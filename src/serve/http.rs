//! HTTP for `kamsite serve`: the built files, the live-reload endpoints, nothing else.
//!
//! A request path is percent-decoded before it is looked at, any `..`
//! segment is refused, and the file found is canonicalised and must lie
//! inside the served output folder (symbolic links cannot lead out).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use super::Shared;
use super::live;

/// Keep-alive comment interval on the event stream; a write to a closed page ends its thread.
const PING: Duration = Duration::from_secs(15);

pub(super) fn accept(server: &Server, shared: &std::sync::Arc<Shared>) {
    for request in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || handle(request, &shared));
    }
}

fn handle(request: Request, shared: &Shared) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "405 Method Not Allowed: kamsite serve is read-only\n"));
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("").to_string();
    match path.as_str() {
        "/__kamsite/events" => events(request, shared),
        "/__kamsite/live.js" => {
            let generation = shared.state.lock().map(|s| s.generation).unwrap_or(0);
            let _ = request.respond(bytes(200, live::script(generation).into_bytes(), "text/javascript"));
        }
        "/__kamsite/status" => {
            let json = shared.state.lock().map(|s| s.json()).unwrap_or_default();
            let _ = request.respond(bytes(200, json.into_bytes(), "application/json"));
        }
        _ => {
            let served = shared.served.read().ok().and_then(|s| s.clone());
            let response = match served {
                Some(out) => {
                    // A rebuild overwrites files in place under the write lock:
                    // read whole files under the read lock.
                    let _reading = shared.files.read();
                    file_response(&out, &path)
                }
                None => bytes(503, NO_BUILD_YET.as_bytes().to_vec(), "text/html; charset=utf-8"),
            };
            let _ = request.respond(response);
        }
    }
}

/// Shown while there has been no good build: the live script shows the problems.
const NO_BUILD_YET: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>kamsite: no build yet</title></head>\
<body style=\"font-family:system-ui,sans-serif;margin:40px\"><h1>The site has not built yet</h1>\
<p>The problems are listed in the terminal. Fix them and save: this page reloads by itself.</p>\
<script src=\"/__kamsite/live.js\"></script></body></html>";

/// The server-sent event stream of one open page.
fn events(request: Request, shared: &Shared) {
    let (tx, rx) = mpsc::channel::<String>();
    let initial = shared.state.lock().map(|s| s.event_named("status")).unwrap_or_default();
    if let Ok(mut clients) = shared.clients.lock() {
        clients.push(tx);
    }
    // tiny_http buffers response bodies; an event stream needs each event flushed.
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n\r\n\
                retry: 500\n\n";
    if w.write_all(head.as_bytes())
        .and_then(|_| w.write_all(initial.as_bytes()))
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(PING) {
            Ok(event) => event,
            Err(mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(chunk.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

/// Where a request path leads inside the output folder.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Target {
    File(PathBuf),
    /// A folder asked for without its trailing `/`: relative links need it.
    Redirect(String),
    NotFound,
    /// The path tries to leave the output folder, or is malformed.
    Refused,
}

pub(super) fn resolve(out: &Path, path: &str) -> Target {
    let Some(rest) = path.strip_prefix('/') else {
        return Target::Refused;
    };
    let Some(decoded) = crate::linkcheck::percent_decode(rest) else {
        return Target::Refused;
    };
    if decoded.contains(['\0', '\\']) {
        return Target::Refused;
    }
    let mut file = out.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Target::Refused,
            s if s.contains(':') => return Target::Refused,
            s => file.push(s),
        }
    }
    if file.is_dir() {
        if !decoded.is_empty() && !decoded.ends_with('/') {
            return Target::Redirect(format!("{path}/"));
        }
        file.push("index.html");
    }
    let (Ok(real), Ok(base)) = (file.canonicalize(), out.canonicalize()) else {
        return Target::NotFound;
    };
    if !real.starts_with(&base) {
        return Target::Refused;
    }
    if real.is_file() {
        Target::File(real)
    } else {
        Target::NotFound
    }
}

fn file_response(out: &Path, path: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    match resolve(out, path) {
        Target::File(f) => match std::fs::read(&f) {
            Ok(b) => bytes(200, b, content_type(&f)),
            Err(_) => not_found(out),
        },
        Target::Redirect(to) => {
            let mut r = text(301, &format!("Moved to {to}\n"));
            if let Ok(h) = Header::from_bytes("Location", to.as_bytes()) {
                r.add_header(h);
            }
            r
        }
        Target::NotFound => not_found(out),
        Target::Refused => text(403, "403 Forbidden: the path leads outside the site\n"),
    }
}

/// The site's 404 page with status 404.
fn not_found(out: &Path) -> Response<std::io::Cursor<Vec<u8>>> {
    match std::fs::read(out.join("404.html")) {
        Ok(b) => bytes(404, b, "text/html; charset=utf-8"),
        Err(_) => text(404, "404 Not Found\n"),
    }
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    bytes(status, body.as_bytes().to_vec(), "text/plain; charset=utf-8")
}

fn bytes(status: u16, body: Vec<u8>, mime: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut r = Response::from_data(body).with_status_code(StatusCode(status));
    for (k, v) in [
        ("Content-Type", mime),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        if let Ok(h) = Header::from_bytes(k, v) {
            r.add_header(h);
        }
    }
    r
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "ttf" => "font/ttf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_outside_the_output() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        std::fs::create_dir_all(out.join("accounts/acme")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("accounts/acme/index.html"), "acme").unwrap();
        std::fs::write(t.path().join("secret.txt"), "secret").unwrap();
        let canon = |p: &str| out.canonicalize().unwrap().join(p);

        assert_eq!(resolve(&out, "/"), Target::File(canon("index.html")));
        assert_eq!(
            resolve(&out, "/accounts/acme/"),
            Target::File(canon("accounts/acme/index.html"))
        );
        assert_eq!(
            resolve(&out, "/accounts/acme"),
            Target::Redirect("/accounts/acme/".into())
        );
        assert_eq!(
            resolve(&out, "/accounts/%61cme/"),
            Target::File(canon("accounts/acme/index.html"))
        );
        assert_eq!(resolve(&out, "/nope/"), Target::NotFound);
        for bad in [
            "/../secret.txt",
            "/accounts/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/accounts/..%2f..%2fsecret.txt",
            "/..\\secret.txt",
            "/%00",
            "/%ff",
            "relative",
            "/C:/x",
        ] {
            assert_eq!(resolve(&out, bad), Target::Refused, "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_cannot_lead_out() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(t.path().join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(t.path().join("secret.txt"), out.join("link.txt")).unwrap();
        assert_eq!(resolve(&out, "/link.txt"), Target::Refused);
    }
}
