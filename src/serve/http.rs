//! HTTP for `kamsite serve`: the built files, the live-reload endpoints, nothing else.
//!
//! A request path is percent-decoded before it is looked at, any `..`
//! segment is refused, and the file found is canonicalised and must lie
//! inside the served output folder (symbolic links cannot lead out).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Shared;
use super::hosts::Hosts;
use super::live;
use super::message::{Request, Response};
use super::net::{Handler, Route};

/// The live-reload event stream.
const EVENTS: &str = "/__kamsite/events";

/// What `serve` answers: the refusals on the network thread, the rest on
/// a worker.
pub(super) struct Site {
    shared: Arc<Shared>,
    hosts: Hosts,
}

impl Site {
    pub(super) fn new(shared: Arc<Shared>, hosts: Hosts) -> Site {
        Site { shared, hosts }
    }
}

impl Handler for Site {
    fn route(&self, request: &Request) -> Route {
        if let Some(refusal) = self.hosts.refuse(request) {
            return Route::Now(refusal);
        }
        if !matches!(request.method.as_str(), "GET" | "HEAD") {
            return Route::Now(Response::text(
                405,
                "405 Method Not Allowed: kamsite serve is read-only\n",
            ));
        }
        if request.method == "GET" && path_of(&request.target) == EVENTS {
            return Route::Stream(stream_start(&self.shared));
        }
        Route::Worker
    }

    fn respond(&self, request: &Request) -> Response {
        let shared = &self.shared;
        match path_of(&request.target) {
            EVENTS => Response::new(200, "text/event-stream; charset=utf-8", Vec::new()),
            "/__kamsite/live.js" => {
                let generation = shared.state.lock().map(|s| s.generation).unwrap_or(0);
                Response::new(200, "text/javascript", live::script(generation).into_bytes())
            }
            "/__kamsite/status" => {
                let json = shared.state.lock().map(|s| s.json()).unwrap_or_default();
                Response::new(200, "application/json", json.into_bytes())
            }
            path => {
                let served = shared.served.read().ok().and_then(|s| s.clone());
                match served {
                    Some(out) => {
                        // A rebuild overwrites files in place under the write lock:
                        // read whole files under the read lock.
                        let _reading = shared.files.read();
                        file_response(&out, path)
                    }
                    None => Response::new(503, "text/html; charset=utf-8", NO_BUILD_YET.as_bytes().to_vec()),
                }
            }
        }
    }
}

/// The path of a request target, without query or fragment.
fn path_of(target: &str) -> &str {
    target.split(['?', '#']).next().unwrap_or("")
}

/// Shown while there has been no good build: the live script shows the problems.
const NO_BUILD_YET: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>kamsite: no build yet</title></head>\
<body style=\"font-family:system-ui,sans-serif;margin:40px\"><h1>The site has not built yet</h1>\
<p>The problems are listed in the terminal. Fix them and save: this page reloads by itself.</p>\
<script src=\"/__kamsite/live.js\"></script></body></html>";

/// The start of a page's event stream: the response head, then the
/// current state. Later events follow as builds end (see `Shared::publish`).
fn stream_start(shared: &Shared) -> Vec<u8> {
    let initial = shared.state.lock().map(|s| s.event_named("status")).unwrap_or_default();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n\r\n\
                retry: 500\n\n";
    format!("{head}{initial}").into_bytes()
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
    let Some(decoded) = crate::source::percent_decode(rest) else {
        return Target::Refused;
    };
    if decoded.contains(['\0', '\\']) || decoded.chars().any(char::is_control) {
        return Target::Refused;
    }
    let mut file = out.to_path_buf();
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Target::Refused,
            s if s.contains(':') => return Target::Refused,
            s => {
                segments.push(s);
                file.push(s);
            }
        }
    }
    let is_dir = file.is_dir();
    // `//accounts`, `/./accounts/` and `/accounts//acme` name the same
    // page as their plain form: send the browser there (relative links
    // need it), never to a `Location` a browser reads as another host.
    let parts = decoded.split('/').count();
    let messy = decoded
        .split('/')
        .enumerate()
        .any(|(i, s)| s == "." || (s.is_empty() && i + 1 < parts));
    let folder = is_dir && !segments.is_empty();
    if messy || (folder && !decoded.ends_with('/')) {
        let to = canonical_path(&segments, folder);
        return if is_safe_location(&to) {
            Target::Redirect(to)
        } else {
            Target::Refused
        };
    }
    if is_dir {
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

/// `/` and the segments, percent-encoded where a path needs it, with a
/// trailing `/` for a folder.
fn canonical_path(segments: &[&str], folder: bool) -> String {
    let mut path = String::from("/");
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            path.push('/');
        }
        for b in segment.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&b) {
                path.push(b as char);
            } else {
                path.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if folder {
        path.push('/');
    }
    path
}

/// A `Location` that stays on this server: one leading `/`, no scheme, no
/// backslash or control character.
fn is_safe_location(location: &str) -> bool {
    location.starts_with('/')
        && !location.starts_with("//")
        && !location.contains("://")
        && !location.contains('\\')
        && !location.chars().any(char::is_control)
}

fn file_response(out: &Path, path: &str) -> Response {
    match resolve(out, path) {
        Target::File(f) => match std::fs::read(&f) {
            Ok(b) => Response::new(200, content_type(&f), b),
            Err(_) => not_found(out),
        },
        Target::Redirect(to) => Response::text(301, &format!("Moved to {to}\n")).with_header("Location", to),
        Target::NotFound => not_found(out),
        Target::Refused => Response::text(403, "403 Forbidden: the path leads outside the site\n"),
    }
}

/// The site's 404 page with status 404.
fn not_found(out: &Path) -> Response {
    match std::fs::read(out.join("404.html")) {
        Ok(b) => Response::new(404, "text/html; charset=utf-8", b),
        Err(_) => Response::text(404, "404 Not Found\n"),
    }
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

    /// A path with empty or `.` segments redirects to its plain form, and
    /// no redirect goes to a `Location` a browser reads as another host.
    #[test]
    fn redirects_collapse_slashes_and_stay_on_this_server() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        std::fs::create_dir_all(out.join("accounts/acme")).unwrap();
        std::fs::create_dir_all(out.join("a b")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("style.css"), "css").unwrap();
        std::fs::write(out.join("accounts/acme/index.html"), "acme").unwrap();
        let redirect = |p: &str| Target::Redirect(p.to_string());
        for (from, to) in [
            ("//accounts", "/accounts/"),
            ("//accounts/", "/accounts/"),
            ("///accounts", "/accounts/"),
            ("/accounts//acme", "/accounts/acme/"),
            ("/./accounts/", "/accounts/"),
            ("/%2F%2Faccounts", "/accounts/"),
            ("//", "/"),
            ("//style.css", "/style.css"),
            ("/a%20b", "/a%20b/"),
        ] {
            assert_eq!(resolve(&out, from), redirect(to), "{from}");
        }
        assert_eq!(
            resolve(&out, "/accounts/acme/"),
            Target::File(out.canonicalize().unwrap().join("accounts/acme/index.html"))
        );
        for hostile in [
            "//evil.example",
            "//evil.example/",
            "///evil.example",
            "/%2Fevil.example",
            "//accounts@evil.example",
            "/\\evil.example",
            "//%5Cevil.example",
            "/http://evil.example",
            "/%0d%0aLocation:%20x",
        ] {
            if let Target::Redirect(to) = resolve(&out, hostile) {
                assert!(
                    is_safe_location(&to) && to.starts_with('/') && !to.starts_with("//"),
                    "{hostile} -> {to}"
                );
            }
        }
        assert!(!is_safe_location("//evil.example/"));
        assert!(!is_safe_location("/\\evil.example"));
        assert!(!is_safe_location("http://evil.example/"));
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
