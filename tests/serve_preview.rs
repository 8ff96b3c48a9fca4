//! `kamsite serve` previewing what `build` makes with its options:
//! `--base-url`, `--drafts`, `--audience customer --account SLUG`, and
//! `--open` handing the URL to the platform's opener.

mod authoring;
mod common;

use std::path::Path;
use std::time::Instant;

use authoring::{Events, Serve, WAIT, edit, get, init_site, wait_for};
use common::{copy_dir, fixture, kamsite, tree};

/// The canary site, copied: serve watches it and the tests edit it.
fn canary_copy(dir: &Path) -> std::path::PathBuf {
    let root = dir.join("site");
    copy_dir(&fixture("canary"), &root);
    root
}

/// Internal canaries of tests/leaks.rs, from the account previewed and the others.
const INTERNAL: &[&str] = &[
    "CANARY_ACME_INTERNAL_NOTE_TITLE",
    "CANARY_ACME_INTERNAL_NOTE_BODY",
    "CANARY_ACME_DEFAULT_NOTE_BODY",
    "CANARY_ACME_SHARED_NOTE_HTML_COMMENT",
    "CANARY_ACME_KAM_OWNER",
    "CANARY_ACME_INDUSTRY",
    "CANARY_ACME_OPP_TITLE",
    "CANARY_ACME_BOSS_CONTACT_NAME",
    "CANARY_ACME_DRAFT_INTERNAL_OBJECTIVE",
    "CANARY_NIMBUS_NOTE_BODY",
    "CANARY_TIER_KEY_NAME",
    "CANARY_QUADRANT_TOP_RIGHT",
];

/// `build --audience customer --account acme` of `root` into `out`: the
/// files the preview must serve, as text (HTML and CSS).
fn customer_build(root: &Path, out: &Path, drafts: bool) -> Vec<(String, String)> {
    let mut cmd = kamsite();
    cmd.args(["build", "--audience", "customer", "--account", "acme", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out);
    if drafts {
        cmd.arg("--drafts");
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    tree(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".css"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

/// The URL path a page of the output is served at.
fn url_of(path: &str) -> String {
    format!("/{}", path.strip_suffix("index.html").unwrap_or(path))
}

/// The customer preview serves what the customer build writes, file for
/// file (pages with the live-reload script), nothing internal, and no page
/// of the internal portal; an edit to a shared note reloads open pages
/// with the new text, and an internal note edited stays out.
#[test]
fn customer_preview_serves_the_redacted_site_and_follows_edits() {
    let t = tempfile::tempdir().unwrap();
    let root = canary_copy(t.path());
    let built = customer_build(&root, &t.path().join("built"), false);
    assert!(built.iter().any(|(p, _)| p == "index.html"));

    let serve = Serve::start_with(&root, &["--audience", "customer", "--account", "acme"]);
    assert!(
        serve.output().contains("serving the customer site of acme from "),
        "{}",
        serve.output()
    );
    for (path, expected) in &built {
        let (code, _, body) = get(&serve.addr, &url_of(path));
        assert_eq!(code, 200, "{path}");
        let expected = if path.ends_with(".html") {
            expected.replacen("</body>", "<script src=\"/__kamsite/live.js\"></script></body>", 1)
        } else {
            expected.clone()
        };
        assert_eq!(body, expected, "{path} differs from the customer build");
        for canary in INTERNAL {
            assert!(!body.contains(canary), "{canary} served in {path}");
        }
    }
    let (_, _, index) = get(&serve.addr, "/");
    assert!(index.contains("SHARED_ACME_NOTE_BODY"), "{index}");
    assert!(
        !index.contains("DRAFT_ACME_PLAN_TITLE"),
        "no draft plan without --drafts"
    );
    for internal in [
        "/accounts/",
        "/accounts/acme/",
        "/accounts/nimbus/",
        "/matrix/",
        "/reviews/",
        "/data/accounts.json",
    ] {
        let (code, _, body) = get(&serve.addr, internal);
        assert_eq!(code, 404, "{internal} must not be served");
        for canary in INTERNAL {
            assert!(!body.contains(canary), "{canary} in the 404 of {internal}");
        }
    }

    let mut events = Events::open(&serve.addr);
    events.expect("status");
    let notes = root.join("accounts/acme/notes");
    edit(
        &notes.join("canary-acme-shared-note-file.md"),
        "SHARED_ACME_NOTE_BODY with",
        "SHARED_ACME_NOTE_BODY_EDITED with",
    );
    let reload = events.expect("reload");
    assert!(reload.contains("\"errors\":null"), "{reload}");
    let (_, _, index) = get(&serve.addr, "/");
    assert!(index.contains("SHARED_ACME_NOTE_BODY_EDITED"), "{index}");

    edit(
        &notes.join("canary-acme-internal-note-file.md"),
        "CANARY_ACME_INTERNAL_NOTE_BODY",
        "CANARY_ACME_INTERNAL_NOTE_BODY CANARY_ACME_INTERNAL_EDIT",
    );
    events.expect("reload");
    let (_, _, index) = get(&serve.addr, "/");
    assert!(index.contains("SHARED_ACME_NOTE_BODY_EDITED"));
    for canary in INTERNAL.iter().chain(&["CANARY_ACME_INTERNAL_EDIT"]) {
        assert!(!index.contains(canary), "{canary} served after the edit");
    }
}

/// `--drafts` adds the draft plan to the customer preview, as to the build.
#[test]
fn drafts_appear_only_with_the_flag() {
    let t = tempfile::tempdir().unwrap();
    let root = canary_copy(t.path());
    let built = customer_build(&root, &t.path().join("built"), true);
    let draft_pages: Vec<&String> = built
        .iter()
        .filter(|(_, text)| text.contains("DRAFT_ACME_PLAN_TITLE"))
        .map(|(p, _)| p)
        .collect();
    assert!(draft_pages.iter().any(|p| p.starts_with("plans/")), "{draft_pages:?}");

    let without = Serve::start_with(&root, &["--audience", "customer", "--account", "acme"]);
    let with = Serve::start_with(&root, &["--audience", "customer", "--account", "acme", "--drafts"]);
    for path in &draft_pages {
        let (code, _, body) = get(&with.addr, &url_of(path));
        assert_eq!(code, 200, "{path}");
        assert!(body.contains("DRAFT_ACME_PLAN_TITLE"), "{path} with --drafts");
        assert!(!body.contains("CANARY_ACME_DRAFT_INTERNAL_OBJECTIVE"), "{path}");
        let (code, _, body) = get(&without.addr, &url_of(path));
        assert!(!body.contains("DRAFT_ACME_PLAN_TITLE"), "{path} without --drafts");
        if path.starts_with("plans/") {
            assert_eq!(code, 404, "the draft plan's page without --drafts");
        }
    }
}

/// A customer preview needs its account; `--account` alone is refused.
#[test]
fn customer_preview_needs_an_account_and_account_needs_customer() {
    let t = tempfile::tempdir().unwrap();
    let root = canary_copy(t.path());
    let o = kamsite()
        .args(["serve", "--port", "0", "--audience", "customer", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--account <SLUG>"));
    let o = kamsite()
        .args(["serve", "--port", "0", "--account", "acme", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error: --account acme picks the customer site to preview; add --audience customer"),
        "{err}"
    );
}

/// `--base-url` builds what `build --base-url` builds: the site has an
/// address, so links are folder links (`accounts/`, not
/// `accounts/index.html`), through incremental rebuilds too; the
/// live-reload script is still served and still reloads.
#[test]
fn base_url_serves_what_build_base_url_builds_and_live_reload_still_works() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let base = "https://kam.example.com/portal/";
    let out = t.path().join("built");
    let o = kamsite()
        .args(["build", "--base-url", base, "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let built = tree(&out);

    let serve = Serve::start_with(&root, &["--base-url", base]);
    let page = "/accounts/acme-industrial/";
    for path in [
        "index.html",
        "accounts/index.html",
        "accounts/acme-industrial/index.html",
    ] {
        let expected = String::from_utf8(built[path].clone()).unwrap().replacen(
            "</body>",
            "<script src=\"/__kamsite/live.js\"></script></body>",
            1,
        );
        let (code, _, body) = get(&serve.addr, &url_of(path));
        assert_eq!(code, 200, "{path}");
        assert_eq!(body, expected, "{path} differs from build --base-url");
    }
    let (_, _, body) = get(&serve.addr, page);
    assert!(body.contains("href=\"../../accounts/\""), "{body}");
    assert!(!body.contains("index.html\""), "folder links only: {body}");
    let (code, _, script) = get(&serve.addr, "/__kamsite/live.js");
    assert_eq!(code, 200);
    assert!(script.contains("new EventSource(\"/__kamsite/events\")"));

    let plain = Serve::start(&root);
    let (_, _, body) = get(&plain.addr, page);
    assert!(
        body.contains("href=\"../../accounts/index.html\""),
        "without an address links name their files: {body}"
    );
    drop(plain);

    let mut events = Events::open(&serve.addr);
    events.expect("status");
    edit(
        &root.join("accounts/acme-industrial/account.yaml"),
        "name: Acme Industrial AS",
        "name: Acme Industrial Group",
    );
    events.expect("reload");
    let body = wait_for(&serve.addr, page, "Acme Industrial Group");
    assert!(body.contains("Acme Industrial Group"));
    assert!(body.contains("href=\"../../accounts/\""), "{body}");
    assert!(!body.contains("index.html\""), "folder links after the rebuild: {body}");
}

/// An opener on PATH that writes the URL it is given to `record`.
#[cfg(unix)]
fn fake_opener(bin: &Path, record: &Path, exit: i32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(bin).unwrap();
    let name = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let script = bin.join(name);
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nPATH=/usr/bin:/bin\nprintf '%s' \"$1\" > '{}.part'\nmv '{0}.part' '{0}'\nexit {exit}\n",
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The file `path` once it exists (bounded wait).
fn wait_file(path: &Path) -> String {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{} never appeared", path.display());
}

/// `--open` hands the served URL to the opener; without the flag it is not run.
#[cfg(unix)]
#[test]
fn open_passes_the_url_to_the_opener() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let bin = t.path().join("bin");
    let record = t.path().join("opened");
    fake_opener(&bin, &record, 0);
    let path = bin.as_os_str();

    let mut serve = Serve::start_env(&root, &["--open"], &[("PATH", path)]);
    assert_eq!(wait_file(&record), serve.url("/"));
    let (code, _, _) = get(&serve.addr, "/");
    assert_eq!(code, 200);
    assert!(serve.interrupt().success());
    assert!(!serve.output().contains("cannot open"), "{}", serve.output());

    std::fs::remove_file(&record).unwrap();
    let mut plain = Serve::start_env(&root, &[], &[("PATH", path)]);
    // Ctrl-C after the first build: an opener run on start would have run by now.
    assert!(plain.interrupt().success());
    assert!(!record.exists(), "the opener ran without --open");
}

/// With no opener, or one that fails, one line gives the URL and serving goes on.
#[cfg(unix)]
#[test]
fn open_without_a_working_opener_prints_the_url_and_serves() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let empty = t.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let mut serve = Serve::start_env(&root, &["--open"], &[("PATH", empty.as_os_str())]);
    let url = serve.url("/");
    let line = serve.wait_line(|l| l.starts_with("cannot open a browser"));
    assert!(line.ends_with(&format!("open {url} yourself")), "{line}");
    let (code, _, _) = get(&serve.addr, "/");
    assert_eq!(code, 200);

    let bin = t.path().join("bin");
    let record = t.path().join("opened");
    fake_opener(&bin, &record, 3);
    let mut failing = Serve::start_env(&root, &["--open"], &[("PATH", bin.as_os_str())]);
    let url = failing.url("/");
    let line = failing.wait_line(|l| l.starts_with("cannot open a browser"));
    assert!(line.contains("exit status: 3"), "{line}");
    assert!(line.ends_with(&format!("open {url} yourself")), "{line}");
    assert_eq!(wait_file(&record), url);
    let (code, _, _) = get(&failing.addr, "/");
    assert_eq!(code, 200);
}
