//! `kamsite serve`: live reload at the protocol level, the error state,
//! path-traversal refusal, 404s and Ctrl-C; which hosts it answers, what
//! held connections cost, and the watcher following folders moved.

mod authoring;
mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use authoring::{Events, Serve, WAIT, edit, get, init_site, request, wait_for};

#[test]
fn live_reload_follows_edits_errors_and_fixes() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let mut serve = Serve::start(&root);
    let mut events = Events::open(&serve.addr);
    let status = events.expect("status");
    assert!(status.contains("\"errors\":null"), "{status}");

    // An edit rebuilds and reloads open pages.
    let account = root.join("accounts/acme-industrial/account.yaml");
    edit(&account, "name: Acme Industrial AS", "name: Acme Industrial Group");
    let reload = events.expect("reload");
    assert!(reload.contains("\"generation\":2"), "{reload}");
    let timing = serve.wait_line(|l| l.starts_with("rebuilt in "));
    assert!(timing.ends_with(')') && timing.contains(" ms "), "{timing}");
    let (code, _, body) = get(&serve.addr, "/accounts/acme-industrial/");
    assert_eq!(code, 200);
    assert!(body.contains("Acme Industrial Group"));
    assert!(body.contains("<script src=\"/__kamsite/live.js\"></script></body>"));

    // Broken YAML: an error event with file:line:column; the last good build stays served.
    edit(&account, "tier: foundation", "tier: [foundation");
    let error = events.expect("build-error");
    assert!(error.contains("accounts/acme-industrial/account.yaml:8:7"), "{error}");
    assert!(
        error.contains("tier: [foundation"),
        "the snippet shows the line: {error}"
    );
    let (code, _, body) = get(&serve.addr, "/accounts/acme-industrial/");
    assert_eq!(code, 200);
    assert!(body.contains("Acme Industrial Group"));
    let (_, _, state) = get(&serve.addr, "/__kamsite/status");
    assert!(state.contains("account.yaml:8:7"), "{state}");
    // A page opened now learns about the error when it connects.
    let mut late = Events::open(&serve.addr);
    assert!(late.expect("status").contains("account.yaml:8:7"));

    // Fixed: reload again.
    edit(&account, "tier: [foundation", "tier: foundation");
    let reload = events.expect("reload");
    assert!(reload.contains("\"errors\":null"), "{reload}");
    assert!(late.expect("reload").contains("\"errors\":null"));

    let status = serve.interrupt();
    assert!(status.success(), "Ctrl-C must exit 0: {status:?}\n{}", serve.output());
    assert!(serve.output().contains("stopped"));
}

#[test]
fn serves_only_the_output_folder() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    std::fs::write(t.path().join("secret.txt"), "top secret").unwrap();
    let serve = Serve::start(&root);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/accounts/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/accounts/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
    ] {
        let (code, _, body) = get(&serve.addr, path);
        assert_eq!(code, 403, "{path} -> {code}: {body}");
        assert!(!body.contains("top secret"));
    }
    let (code, _, body) = get(&serve.addr, "/no/such/page/");
    assert_eq!(code, 404);
    assert!(body.contains("Page not found"), "the site's 404 page: {body}");
    let (code, head, _) = get(&serve.addr, "/accounts");
    assert_eq!(code, 301);
    assert!(head.contains("Location: /accounts/"), "{head}");
    // A browser reads `//accounts/` as the host `accounts`: extra slashes
    // are collapsed before any redirect.
    for path in ["//accounts", "///accounts", "//accounts/../", "/.//accounts"] {
        let (code, head, _) = get(&serve.addr, path);
        assert!(!head.contains("Location: //"), "{path}: {head}");
        if code == 301 {
            assert!(
                head.contains("Location: /accounts/\r\n") || head.ends_with("Location: /accounts/"),
                "{path}: {head}"
            );
        }
    }
    let (code, head, _) = get(&serve.addr, "//accounts");
    assert_eq!(code, 301, "{head}");
    let (code, head, body) = get(&serve.addr, "/style.css");
    assert_eq!(code, 200);
    assert!(head.contains("text/css"));
    assert!(!body.is_empty());
    let (code, _, body) = get(&serve.addr, "/__kamsite/live.js");
    assert_eq!(code, 200);
    assert!(body.contains("EventSource"));
}

#[test]
fn a_site_that_never_built_shows_its_errors() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let account = root.join("accounts/borealis-foods/account.yaml");
    edit(&account, "stage: early-kam", "stage: early-kam\nstage: mid-kam");
    let serve = Serve::start(&root);
    assert!(serve.output().contains("build failed"), "{}", serve.output());
    let (code, _, body) = get(&serve.addr, "/");
    assert_eq!(code, 503);
    assert!(body.contains("/__kamsite/live.js"));
    let (_, _, state) = get(&serve.addr, "/__kamsite/status");
    assert!(state.contains("accounts/borealis-foods/account.yaml:"), "{state}");
    let mut events = Events::open(&serve.addr);
    assert!(events.expect("status").contains("borealis-foods"));
    edit(&account, "stage: early-kam\nstage: mid-kam", "stage: mid-kam");
    events.expect("reload");
    let (code, _, body) = get(&serve.addr, "/accounts/borealis-foods/");
    assert_eq!(code, 200);
    assert!(body.contains("Mid-KAM"));
}

/// A change inside account folders is rebuilt incrementally: the account's
/// pages and the aggregate pages show it, an account added while serving
/// gets its profile, and a change outside accounts/ rebuilds everything.
#[test]
fn account_edits_rebuild_their_pages_and_the_aggregates() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let mut serve = Serve::start(&root);
    let pages_of = |line: &str| -> usize {
        line.split('(')
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    // The first build is reported before the server says it is serving.
    let full = serve
        .output()
        .lines()
        .find(|l| l.starts_with("built in "))
        .map(pages_of)
        .unwrap_or(0);
    let mut events = Events::open(&serve.addr);
    events.expect("status");
    let (_, _, before) = get(&serve.addr, "/accounts/borealis-foods/");

    edit(
        &root.join("accounts/acme-industrial/account.yaml"),
        "name: Acme Industrial AS",
        "name: Acme Renamed AS",
    );
    events.expect("reload");
    let timing = serve.wait_line(|l| l.starts_with("rebuilt in "));
    // Only the aggregate pages and the edited account's pages: the other
    // account's profile, review and plan pages are not rendered again.
    let pages = pages_of(&timing);
    assert!(pages > 0 && pages < full, "{timing} (full build: {full} pages)");
    for page in ["/accounts/acme-industrial/", "/accounts/", "/", "/matrix/"] {
        let (code, _, body) = get(&serve.addr, page);
        assert_eq!(code, 200, "{page}");
        assert!(body.contains("Acme Renamed AS"), "{page} shows the new name");
    }
    let (_, _, search) = get(&serve.addr, "/search/e/0.js");
    assert!(search.contains("Acme Renamed AS"), "the search index follows");
    let (_, _, after) = get(&serve.addr, "/accounts/borealis-foods/");
    assert_eq!(before, after, "other accounts' pages are left as they were");

    // A new account folder appears while serving.
    let dir = root.join("accounts/cobalt-mining");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("account.yaml"), "name: Cobalt Mining Oy\nstatus: prospect\n").unwrap();
    events.expect("reload");
    // Making the folder and writing its file may be two rebuilds.
    let body = wait_for(&serve.addr, "/accounts/cobalt-mining/", "Cobalt Mining Oy");
    assert!(body.contains("Cobalt Mining Oy"), "{body}");
    assert!(get(&serve.addr, "/accounts/").2.contains("Cobalt Mining Oy"));

    // site.yaml is outside accounts/: a full rebuild.
    edit(
        &root.join("site.yaml"),
        "title: My key accounts",
        "title: Renamed portal",
    );
    events.expect("reload");
    let body = wait_for(&serve.addr, "/accounts/borealis-foods/", "Renamed portal");
    assert!(body.contains("Renamed portal"), "every page follows site.yaml");

    assert!(serve.interrupt().success());
}

/// The head of the answer to a request that may stay open (an event
/// stream): read up to the blank line.
fn answer_head(addr: &str, head: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => got.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// A page elsewhere can point a name of its own at 127.0.0.1 (DNS
/// rebinding): serve answers only requests that name this computer, and
/// only its own pages on the live-reload stream.
#[test]
fn answers_only_requests_addressed_to_this_computer() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let serve = Serve::start(&root);
    let port = serve.addr.rsplit(':').next().unwrap().to_string();
    let ask = |host: &str| request(&serve.addr, &format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
    for host in ["127.0.0.1", "localhost", "LOCALHOST", "[::1]", "portal.localhost"] {
        let (code, _, body) = ask(&format!("{host}:{port}"));
        assert_eq!(code, 200, "{host}");
        assert!(body.contains("My key accounts"), "{host}: the dashboard");
    }
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        "localhost".to_string(),
        "127.0.0.1:1".to_string(),
    ] {
        let (code, _, body) = ask(&host);
        assert_eq!(code, 403, "{host}: {body}");
        assert!(
            body.contains("answers only requests for localhost, 127.0.0.1 or [::1]"),
            "{body}"
        );
        assert!(
            body.contains(&format!("http://127.0.0.1:{port}/")),
            "says what to open: {body}"
        );
        assert!(!body.contains("My key accounts"), "{host}: nothing of the site");
    }
    let (code, _, body) = request(&serve.addr, "GET / HTTP/1.0\r\n\r\n");
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("Host header is required"));

    // The live-reload stream and the status, from a page of another site.
    let events = |origin: &str| {
        answer_head(
            &serve.addr,
            &format!(
                "GET /__kamsite/events HTTP/1.1\r\nHost: {}\r\nOrigin: {origin}\r\n\r\n",
                serve.addr
            ),
        )
    };
    for origin in ["http://evil.example", "null", &format!("https://127.0.0.1:{port}")] {
        let head = events(origin);
        assert!(head.starts_with("HTTP/1.1 403"), "{origin}: {head}");
    }
    let head = events(&format!("http://127.0.0.1:{port}"));
    assert!(
        head.starts_with("HTTP/1.1 200") && head.contains("text/event-stream"),
        "{head}"
    );
    let (code, _, body) = request(
        &serve.addr,
        &format!(
            "GET /__kamsite/status HTTP/1.1\r\nHost: {}\r\nOrigin: http://evil.example\r\n\r\n",
            serve.addr
        ),
    );
    assert_eq!(code, 403);
    assert!(!body.contains("generation"));
}

/// `--interface 0.0.0.0` listens on every address, with a warning; requests
/// must still name an address (a name could be rebound), not a host name.
#[test]
fn another_interface_is_announced_and_still_checks_hosts() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let serve = Serve::start_with(&root, &["--interface", "0.0.0.0"]);
    let out = serve.output();
    assert!(
        out.contains("warning: serving on 0.0.0.0: anyone who can reach this address can read the internal portal"),
        "{out}"
    );
    assert!(out.contains("(listening on 0.0.0.0)"), "{out}");
    let port = serve.addr.rsplit(':').next().unwrap().to_string();
    let ask = |host: &str| request(&serve.addr, &format!("GET / HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n")).0;
    assert_eq!(ask("127.0.0.1"), 200);
    assert_eq!(ask("192.0.2.7"), 200, "an address of this computer as typed in");
    assert_eq!(ask("evil.example"), 403);

    let local = Serve::start(&root);
    assert!(local.output().contains("(this computer only)"));
    assert!(!local.output().contains("warning"));
}

/// Held connections cost no thread: silent ones, ones sending half a
/// request, and open pages' event streams. Past the limits the oldest
/// silent connection, or the newest page, is answered 503, and a normal
/// request is still answered.
#[cfg(target_os = "linux")]
#[test]
fn held_connections_take_no_threads() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let serve = Serve::start(&root);
    let before = serve.threads();
    let mut held = Vec::new();
    for i in 0..400 {
        let mut s = TcpStream::connect(&serve.addr).unwrap();
        if i % 2 == 1 {
            write!(s, "GET / HTTP/1.1\r\nHost: {}\r\nX-Slow: ", serve.addr).unwrap();
        }
        held.push(s);
    }
    let mut pages: Vec<Events> = (0..32).map(|_| Events::open(&serve.addr)).collect();
    let head = answer_head(
        &serve.addr,
        &format!("GET /__kamsite/events HTTP/1.1\r\nHost: {}\r\n\r\n", serve.addr),
    );
    assert!(head.starts_with("HTTP/1.1 503"), "a 33rd open page: {head}");
    let (code, _, body) = get(&serve.addr, "/");
    assert_eq!(code, 200);
    assert!(body.contains("My key accounts"));
    let during = serve.threads();
    assert!(
        during <= before,
        "{during} threads with 400 idle connections and 32 open pages, {before} before"
    );
    // The oldest silent connections were told and closed to make room.
    let mut first = held.remove(0);
    first.set_read_timeout(Some(WAIT)).unwrap();
    let mut answer = String::new();
    let _ = first.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    // The open pages still follow rebuilds.
    edit(
        &root.join("accounts/acme-industrial/account.yaml"),
        "name: Acme Industrial AS",
        "name: Acme Industrial Group",
    );
    pages[0].expect("reload");
    pages[31].expect("reload");
}

/// Serve's output matches a full build of the files now: every file the
/// full build writes is served with the same bytes, and each of `gone`
/// (pages of an earlier state that are not in it) is a 404. Waits for the
/// rebuilds the watcher starts, up to WAIT.
fn wait_for_full_build_output(
    serve: &Serve,
    root: &Path,
    scratch: &Path,
    gone: &[String],
) -> BTreeMap<String, Vec<u8>> {
    let fresh = scratch.join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    let opts = kamsite::BuildOptions {
        root: root.to_path_buf(),
        pages: kamsite::pipeline::PageOptions {
            live_reload: true,
            ..Default::default()
        },
        output: kamsite::pipeline::OutputOptions {
            out: Some(fresh.clone()),
            ..Default::default()
        },
        ..kamsite::BuildOptions::default()
    };
    kamsite::build(&opts).unwrap_or_else(|e| panic!("full build failed: {e}"));
    let want = common::tree(&fresh);
    let deadline = Instant::now() + WAIT;
    loop {
        let mut differ = Vec::new();
        for (path, bytes) in &want {
            if path.ends_with(".html") || path.ends_with(".json") {
                let (code, _, body) = get(&serve.addr, &format!("/{path}"));
                if code != 200 || body.as_bytes() != bytes.as_slice() {
                    differ.push(format!("{path} ({code})"));
                }
            }
        }
        for path in gone.iter().filter(|p| !want.contains_key(*p)) {
            let (code, _, _) = get(&serve.addr, &format!("/{path}"));
            if code != 404 {
                differ.push(format!("{path} still there ({code})"));
            }
        }
        if differ.is_empty() {
            return want;
        }
        assert!(
            Instant::now() < deadline,
            "serve's output still differs from a full build in {differ:?}\n{}",
            serve.output()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The file watcher as it is, with folders moved at once: an account folder
/// renamed, a notes folder moved out of the site, into another account and
/// back, an account folder removed and copied back.
#[test]
fn follows_folders_moved_removed_and_put_back() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    common::copy_dir(&common::fixture("pages"), &root);
    let serve = Serve::start(&root);
    let accounts = root.join("accounts");
    let mut seen = wait_for_full_build_output(&serve, &root, t.path(), &[]);
    let rebuilt = |serve: &Serve| {
        let out = serve.output();
        out.lines().filter(|l| l.starts_with("rebuilt in ")).count()
    };
    let mut step = |change: &dyn Fn()| {
        let before = rebuilt(&serve);
        change();
        // Each change is seen: wait for its rebuild before comparing, so a
        // change that leaves the output as it was (removed and put back)
        // is not merged into the next one.
        let deadline = Instant::now() + WAIT;
        while rebuilt(&serve) == before {
            assert!(Instant::now() < deadline, "no rebuild seen\n{}", serve.output());
            std::thread::sleep(Duration::from_millis(50));
        }
        let gone: Vec<String> = seen.keys().cloned().collect();
        seen = wait_for_full_build_output(&serve, &root, t.path(), &gone);
    };
    let mv = |from: PathBuf, to: PathBuf| move || std::fs::rename(&from, &to).unwrap();
    step(&mv(accounts.join("kessler-werke"), accounts.join("kessler-gruppe")));
    let outside = t.path().join("notes-outside");
    step(&mv(accounts.join("northbridge-health/notes"), outside.clone()));
    step(&mv(
        accounts.join("alpenmilch/notes"),
        accounts.join("alpenmilch/old-notes"),
    ));
    step(&mv(outside.clone(), accounts.join("alpenmilch/notes")));
    step(&mv(
        accounts.join("alpenmilch/notes"),
        accounts.join("northbridge-health/notes"),
    ));
    step(&|| std::fs::remove_dir_all(accounts.join("helios-pharma")).unwrap());
    step(&|| {
        common::copy_dir(
            &common::fixture("pages").join("accounts/helios-pharma"),
            &accounts.join("helios-pharma"),
        )
    });
    // Removed and put back at once, before the watcher settles.
    step(&|| {
        std::fs::remove_dir_all(accounts.join("alpenmilch")).unwrap();
        common::copy_dir(
            &common::fixture("pages").join("accounts/alpenmilch"),
            &accounts.join("alpenmilch"),
        );
    });
    step(&mv(accounts.join("kessler-gruppe"), accounts.join("kessler-werke")));
    assert!(rebuilt(&serve) >= 9, "{}", serve.output());
}
