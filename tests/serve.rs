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
