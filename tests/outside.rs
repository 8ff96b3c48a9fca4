#![cfg(unix)]
//! Nothing lost, nothing from outside the site: unreadable folders, FIFOs,
//! devices, symbolic links leading out of the site and themes named by a
//! path are clear errors in `check`, `build` and `serve`, and a failed build
//! keeps the published site.

mod authoring;
mod common;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use authoring::{Serve, get, init_site};

const NOBODY: u32 = 65534;
const SECRET: &str = "-----BEGIN OPENSSH PRIVATE KEY----- SECRET_KEY_MATERIAL";

fn is_root() -> bool {
    let t = tempfile::tempfile().unwrap();
    std::os::unix::fs::MetadataExt::uid(&t.metadata().unwrap()) == 0
}

/// kamsite as a user who cannot read what is chmod 000: root reads
/// everything, so as root it runs as `nobody`.
fn unprivileged() -> Command {
    let bin = env!("CARGO_BIN_EXE_kamsite");
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            format!("--reuid={NOBODY}"),
            format!("--regid={NOBODY}"),
            "--clear-groups".to_string(),
            bin.to_string(),
        ]);
        c
    } else {
        Command::new(bin)
    };
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Run `cmd` to its end; a run that does not end within a minute (a read
/// that blocks) is stopped and fails the test.
fn finish(mut cmd: Command) -> Output {
    let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(o) => o.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
            panic!("kamsite did not finish: a read blocked");
        }
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A small site, readable (and its output folder writable) by `nobody`.
fn site(t: &Path) -> (PathBuf, PathBuf) {
    std::fs::set_permissions(t, std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = t.join("site");
    init_site(&root);
    let publish = t.join("publish");
    std::fs::create_dir(&publish).unwrap();
    if is_root() {
        std::os::unix::fs::chown(&publish, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    (root, publish.join("out"))
}

fn check(root: &Path) -> Output {
    let mut cmd = unprivileged();
    cmd.arg("check").arg("--root").arg(root);
    finish(cmd)
}

fn build(root: &Path, out: &Path) -> Output {
    let mut cmd = unprivileged();
    cmd.arg("build").arg("--root").arg(root).arg("--out").arg(out);
    finish(cmd)
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn unreadable_folders_fail_check_and_build_and_keep_the_published_site() {
    type Break = fn(&Path);
    let cases: [(&str, Break, Break, &str); 5] = [
        (
            "accounts",
            |r| chmod(&r.join("accounts"), 0),
            |r| chmod(&r.join("accounts"), 0o755),
            "cannot read folder",
        ),
        (
            "accounts",
            |r| {
                std::fs::rename(r.join("accounts"), r.join("accounts.moved")).unwrap();
                std::fs::write(r.join("accounts"), "not a folder\n").unwrap();
            },
            |r| {
                std::fs::remove_file(r.join("accounts")).unwrap();
                std::fs::rename(r.join("accounts.moved"), r.join("accounts")).unwrap();
            },
            "`accounts` is not a folder",
        ),
        (
            "accounts/acme-industrial/notes",
            |r| chmod(&r.join("accounts/acme-industrial/notes"), 0),
            |r| chmod(&r.join("accounts/acme-industrial/notes"), 0o755),
            "cannot read folder",
        ),
        (
            "accounts/acme-industrial/plans",
            |r| chmod(&r.join("accounts/acme-industrial/plans"), 0),
            |r| chmod(&r.join("accounts/acme-industrial/plans"), 0o755),
            "cannot read folder",
        ),
        (
            "accounts/acme-industrial/account.yaml",
            |r| chmod(&r.join("accounts/acme-industrial/account.yaml"), 0),
            |r| chmod(&r.join("accounts/acme-industrial/account.yaml"), 0o644),
            "cannot read file",
        ),
    ];
    let t = tempfile::tempdir().unwrap();
    let (root, out) = site(t.path());
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let published = common::tree(&out);
    assert!(published.contains_key("accounts/acme-industrial/index.html"));
    for (path, breaks, mends, says) in cases {
        breaks(&root);
        let o = check(&root);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "check passed with {path} broken:\n{err}");
        assert!(err.contains(&format!("{path}:1:1: {says}")), "{path}:\n{err}");
        let o = build(&root, &out);
        assert_eq!(
            o.status.code(),
            Some(1),
            "build passed with {path} broken:\n{}",
            stderr(&o)
        );
        assert_eq!(
            common::tree(&out),
            published,
            "the failed build changed the published site"
        );
        mends(&root);
        let o = check(&root);
        assert!(o.status.success(), "mended {path}: {}", stderr(&o));
    }
}

fn mkfifo(path: &Path) {
    let o = Command::new("mkfifo").arg(path).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    for file in [
        "site.yaml",
        "accounts/borealis-foods/account.yaml",
        "accounts/acme-industrial/notes/n.md",
    ] {
        let t = tempfile::tempdir().unwrap();
        let (root, _) = site(t.path());
        let _ = std::fs::remove_file(root.join(file));
        mkfifo(&root.join(file));
        let o = check(&root);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{file}:\n{err}");
        assert!(
            err.contains(&format!("{file}:1:1: not a regular file (a named pipe)")),
            "{file}:\n{err}"
        );
    }
}

#[test]
fn a_link_to_a_device_or_a_file_outside_is_refused_and_never_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("id_rsa");
    std::fs::write(&secret, format!("{SECRET}\nname: [unclosed\n")).unwrap();
    let cases: [(&str, &Path); 4] = [
        ("site.yaml", Path::new("/dev/zero")),
        ("accounts/borealis-foods/account.yaml", Path::new("/dev/zero")),
        ("accounts/acme-industrial/notes/2026-11-26-quarterly-review.md", &secret),
        ("accounts/acme-industrial/plans/2026.yaml", Path::new("/etc/passwd")),
    ];
    for (file, target) in cases {
        let t = tempfile::tempdir().unwrap();
        let (root, out) = site(t.path());
        let _ = std::fs::remove_file(root.join(file));
        symlink(target, root.join(file)).unwrap();
        let o = check(&root);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{file}:\n{err}");
        assert!(
            err.contains(&format!("{file}:1:1: symbolic link leads outside the site folder")),
            "{file}:\n{err}"
        );
        assert!(
            !err.contains("SECRET_KEY") && !err.contains("root:x:0"),
            "{file}:\n{err}"
        );
        let o = build(&root, &out);
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
        assert!(!out.exists(), "{file}: a failed build wrote an output");
    }
}

/// check reports a linked static/ folder beside errors that stop rendering.
#[test]
fn check_reports_a_linked_static_folder_beside_other_errors() {
    let outside = tempfile::tempdir().unwrap();
    let t = tempfile::tempdir().unwrap();
    let (root, _) = site(t.path());
    symlink(outside.path(), root.join("static")).unwrap();
    std::fs::write(root.join("accounts/borealis-foods/account.yaml"), "name: [unclosed\n").unwrap();
    let o = check(&root);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("accounts/borealis-foods/account.yaml:"), "{err}");
    assert!(
        err.contains("static:1:1: symbolic link leads outside the site folder"),
        "{err}"
    );
}

/// A link inside the site is fine: the site may share a file between accounts.
#[test]
fn a_link_inside_the_site_is_followed() {
    let t = tempfile::tempdir().unwrap();
    let (root, _) = site(t.path());
    let note = root.join("accounts/borealis-foods/notes");
    std::fs::create_dir(&note).unwrap();
    symlink(
        "../../acme-industrial/notes/2026-11-26-quarterly-review.md",
        note.join("shared.md"),
    )
    .unwrap();
    symlink(root.join("accounts/acme-industrial"), root.join("accounts/acme-linked")).unwrap();
    let o = check(&root);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = t.path().join("publish/out");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = common::tree(&out);
    // The linked note is a note of borealis-foods, the linked folder an account.
    let borealis = String::from_utf8_lossy(&files["accounts/borealis-foods/index.html"]).into_owned();
    assert!(borealis.contains("Quarterly review with operations"), "{borealis}");
    assert!(
        files.contains_key("accounts/acme-linked/index.html"),
        "{:?}",
        files.keys()
    );
}

/// Folders linked out of the site: static/, templates/, an account folder,
/// notes/, a theme's folder. None of their files is read or published.
#[test]
fn folders_linked_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    let o = outside.path();
    std::fs::write(o.join("id_rsa"), SECRET).unwrap();
    std::fs::write(o.join("base.html"), SECRET).unwrap();
    std::fs::write(o.join("account.yaml"), format!("name: \"{SECRET}\"\n")).unwrap();
    std::fs::write(o.join("n.md"), SECRET).unwrap();
    let cases = [
        "static",
        "templates",
        "accounts/outsider",
        "accounts/borealis-foods/notes",
    ];
    for link in cases {
        let t = tempfile::tempdir().unwrap();
        let (root, out) = site(t.path());
        symlink(o, root.join(link)).unwrap();
        let o = check(&root);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{link}:\n{err}");
        assert!(
            err.contains(&format!("{link}:1:1: symbolic link leads outside the site folder")),
            "{link}:\n{err}"
        );
        assert!(!err.contains("SECRET_KEY"), "{link}:\n{err}");
        let o = build(&root, &out);
        assert_eq!(o.status.code(), Some(1), "{link}: {}", stderr(&o));
        assert!(!out.exists(), "{link}: a failed build wrote an output");
    }
}

#[test]
fn a_theme_is_a_folder_name_under_themes() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("static")).unwrap();
    std::fs::write(outside.path().join("static/id_rsa"), SECRET).unwrap();
    let abs = outside.path().to_str().unwrap().to_string();
    for theme in [abs.as_str(), "../../outside", "..", "corporate/../..", ".hidden"] {
        let t = tempfile::tempdir().unwrap();
        let (root, out) = site(t.path());
        let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
        let line = yaml.lines().count() + 1;
        std::fs::write(root.join("site.yaml"), format!("{yaml}theme: \"{theme}\"\n")).unwrap();
        let o = check(&root);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{theme}:\n{err}");
        assert!(
            err.contains(&format!(
                "site.yaml:{line}:8: theme `{theme}` is not a folder name under themes/"
            )),
            "{theme}:\n{err}"
        );
        let o = build(&root, &out);
        assert_eq!(o.status.code(), Some(1), "{theme}: {}", stderr(&o));
        assert!(!out.exists());
    }
    // A theme folder linked out of the site is refused too.
    let t = tempfile::tempdir().unwrap();
    let (root, _) = site(t.path());
    std::fs::create_dir(root.join("themes")).unwrap();
    symlink(outside.path(), root.join("themes/corporate")).unwrap();
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("{yaml}theme: corporate\n")).unwrap();
    let o = check(&root);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("themes/corporate:1:1: symbolic link leads outside the site folder"),
        "{err}"
    );
}

/// serve never serves or shows a byte from outside: a planted key behind a
/// linked static/ folder, a note linked to /etc/passwd.
#[test]
fn serve_shows_nothing_from_outside_the_site() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("id_rsa"), SECRET).unwrap();
    let t = tempfile::tempdir().unwrap();
    let (root, _) = site(t.path());
    symlink(outside.path(), root.join("static")).unwrap();
    symlink("/etc/passwd", root.join("accounts/acme-industrial/notes/passwd.md")).unwrap();
    let serve = Serve::start(&root);
    let (_, _, status) = get(&serve.addr, "/__kamsite/status");
    assert!(
        status.contains("passwd.md:1:1\",\"message\":\"symbolic link leads outside the site folder"),
        "{status}"
    );
    let shows_nothing_from_outside = || {
        for path in ["/id_rsa", "/static/id_rsa", "/__kamsite/status", "/"] {
            let (code, _, body) = get(&serve.addr, path);
            assert!(!body.contains("SECRET_KEY"), "{path}: {body}");
            assert!(!body.contains("root:x:0"), "{path}: {body}");
            if path.contains("id_rsa") {
                assert_ne!(code, 200, "{path}");
            }
        }
    };
    shows_nothing_from_outside();
    let wait_until = |what: &str, done: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done() {
            assert!(Instant::now() < deadline, "{what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    // The note mended: the linked static/ folder is what stops the build.
    std::fs::remove_file(root.join("accounts/acme-industrial/notes/passwd.md")).unwrap();
    wait_until("no rebuild after the note link was removed", &|| {
        get(&serve.addr, "/__kamsite/status")
            .2
            .contains("\"location\":\"static:1:1\",\"message\":\"symbolic link leads outside the site folder")
    });
    shows_nothing_from_outside();
    // Mended, the site builds and is served; the key still is not.
    std::fs::remove_file(root.join("static")).unwrap();
    wait_until("no build after the links were removed", &|| {
        get(&serve.addr, "/").0 == 200
    });
    shows_nothing_from_outside();
}
