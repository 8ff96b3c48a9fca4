//! `kamsite serve`: live reload at the protocol level, the error state,
//! path-traversal refusal, 404s and Ctrl-C.

mod authoring;
mod common;

use authoring::{Events, Serve, edit, get, init_site};

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
    let (_, _, search) = get(&serve.addr, "/search/index.json");
    assert!(search.contains("Acme Renamed AS"), "the search index follows");
    let (_, _, after) = get(&serve.addr, "/accounts/borealis-foods/");
    assert_eq!(before, after, "other accounts' pages are left as they were");

    // A new account folder appears while serving.
    let dir = root.join("accounts/cobalt-mining");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("account.yaml"), "name: Cobalt Mining Oy\nstatus: prospect\n").unwrap();
    events.expect("reload");
    let (code, _, body) = get(&serve.addr, "/accounts/cobalt-mining/");
    assert_eq!(code, 200);
    assert!(body.contains("Cobalt Mining Oy"));
    assert!(get(&serve.addr, "/accounts/").2.contains("Cobalt Mining Oy"));

    // site.yaml is outside accounts/: a full rebuild.
    edit(
        &root.join("site.yaml"),
        "title: My key accounts",
        "title: Renamed portal",
    );
    events.expect("reload");
    assert!(
        get(&serve.addr, "/accounts/borealis-foods/")
            .2
            .contains("Renamed portal")
    );

    assert!(serve.interrupt().success());
}
