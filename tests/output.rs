#![cfg(unix)]
//! `--out` spelled in hostile ways: each is refused with a message that
//! says why, leaving every folder it could have reached byte for byte as it
//! was, or builds into the folder it names. Two builds at once into one
//! folder both succeed, one after the other.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{copy_dir, fixture, kamsite};

/// Everything under `dir`, links not followed: folders, links (their
/// target) and files (their bytes).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let t = e.file_type();
            let what = if t.is_symlink() {
                [
                    b"link ".as_slice(),
                    std::fs::read_link(e.path()).unwrap().as_os_str().as_encoded_bytes(),
                ]
                .concat()
            } else if t.is_dir() {
                b"folder".to_vec()
            } else {
                [b"file ".as_slice(), &std::fs::read(e.path()).unwrap()].concat()
            };
            (rel, what)
        })
        .collect()
}

/// A temporary folder holding a site, someone's files, and the things a
/// hostile `--out` may point at:
/// ```text
/// site/          a small site          docs/keep.txt   someone's folder
/// empty/         an empty folder       file.txt        a file
/// out/           a kamsite output      dangling -> nowhere
/// to-docs -> docs   to-site -> site   to-out -> out   loop-a <-> loop-b
/// ```
fn layout() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    copy_dir(&fixture("theme-override"), &p.join("site"));
    std::fs::create_dir(p.join("docs")).unwrap();
    std::fs::write(p.join("docs/keep.txt"), "precious").unwrap();
    std::fs::create_dir(p.join("empty")).unwrap();
    std::fs::write(p.join("file.txt"), "a file").unwrap();
    let o = kamsite()
        .current_dir(p)
        .args(["build", "--root", "site", "--out", "out"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let link = |target: &str, name: &str| std::os::unix::fs::symlink(target, p.join(name)).unwrap();
    link("nowhere", "dangling");
    link("docs", "to-docs");
    link("site", "to-site");
    link("out", "to-out");
    link("loop-b", "loop-a");
    link("loop-a", "loop-b");
    t
}

/// Run `kamsite build` in `cwd` with `--root root --out out`.
fn build(cwd: &Path, root: &str, out: &str) -> (Option<i32>, String) {
    let o = kamsite()
        .current_dir(cwd)
        .args(["build", "--root", root, "--out", out])
        .output()
        .unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// Spellings that must be refused: (working folder under the layout,
/// --root, --out, what the message says).
const REFUSED: &[(&str, &str, &str, &str)] = &[
    ("", "site", "missing/../docs", "`..` follows"),
    ("", "site", "missing/../site", "`..` follows"),
    ("", "site", "missing/sub/../../out", "`..` follows"),
    ("", "site", "docs", "not created by kamsite"),
    ("", "site", "docs/", "not created by kamsite"),
    ("", "site", "./docs/.", "not created by kamsite"),
    ("", "site", "site/../docs", "not created by kamsite"),
    ("", "site", "empty/../docs", "not created by kamsite"),
    ("", "site", "to-docs", "not created by kamsite"),
    ("", "site", "to-docs/", "not created by kamsite"),
    ("", "site", "to-site/../docs", "not created by kamsite"),
    ("", "site", "site", "it is the site root"),
    ("", "site", "site/", "it is the site root"),
    ("", "site", "./site/./", "it is the site root"),
    ("", "site", "site/accounts/..", "it is the site root"),
    ("", "site", "to-site", "it is the site root"),
    ("", "to-site", "site", "it is the site root"),
    ("", "site", ".", "contains the site folder"),
    ("", "site", "./", "contains the site folder"),
    ("site", ".", "..", "contains the site folder"),
    ("site", ".", "../", "contains the site folder"),
    ("", "site", "/", "file-system root"),
    ("", "site", "site/accounts", "inside the site's `accounts/` folder"),
    ("", "site", "site/accounts/acme", "inside the site's `accounts/` folder"),
    (
        "",
        "site",
        "to-site/accounts/new",
        "inside the site's `accounts/` folder",
    ),
    ("", "site", "site/templates/x", "inside the site's `templates/` folder"),
    ("", "site", "site/static/x", "inside the site's `static/` folder"),
    ("", "site", "site/themes/t/out", "inside the site's `themes/` folder"),
    ("", "site", "file.txt", "it is a file, not a folder"),
    ("", "site", "file.txt/", "it is a file, not a folder"),
    ("", "site", "file.txt/sub", "no folder can be made inside it"),
    ("", "site", "dangling", "symbolic link to nowhere, which does not exist"),
    (
        "",
        "site",
        "dangling/sub",
        "symbolic link to nowhere, which does not exist",
    ),
    ("", "site", "loop-a", "loop-a: Too many levels of symbolic links"),
    ("", "site", "loop-b/sub", "loop-b: Too many levels of symbolic links"),
    ("", "site", "out/.kamsite", "it is a file, not a folder"),
    ("", "site", ".out.kamsite-old", "kamsite keeps that name"),
    ("", "site", "x/.out.kamsite-new", "kamsite keeps that name"),
];

#[test]
fn hostile_out_spellings_are_refused_and_touch_nothing() {
    for &(cwd, root, out, says) in REFUSED {
        let t = layout();
        let before = snapshot(t.path());
        let (code, stderr) = build(&t.path().join(cwd), root, out);
        assert_eq!(code, Some(1), "--out {out}: exit code\n{stderr}");
        assert!(
            stderr.contains(&format!("refusing --out {out}")),
            "--out {out}: the message names what was given\n{stderr}"
        );
        assert!(stderr.contains(says), "--out {out}: expected `{says}` in\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(snapshot(t.path()) == before, "--out {out} changed something:\n{stderr}");
    }
}

/// Spellings that build: (--out, the folder it names under the layout).
const BUILT: &[(&str, &str)] = &[
    ("new", "new"),
    ("new/", "new"),
    ("./new/.", "new"),
    ("deep/er/new", "deep/er/new"),
    ("site/../new", "new"),
    ("to-site/../new", "new"),
    ("empty/../new", "new"),
    ("empty", "empty"),
    ("empty/", "empty"),
    ("out", "out"),
    ("out/", "out"),
    ("./out/.", "out"),
    ("site/../out", "out"),
    ("to-out", "out"),
    ("site/public", "site/public"),
    ("site/accounts/../public", "site/public"),
    (".hidden", ".hidden"),
];

#[test]
fn out_spellings_that_name_a_folder_build_into_it_and_nowhere_else() {
    for &(out, lands) in BUILT {
        let t = layout();
        let before = snapshot(t.path());
        let (code, stderr) = build(t.path(), "site", out);
        assert_eq!(code, Some(0), "--out {out}\n{stderr}");
        let dest = t.path().join(lands);
        assert!(dest.join("index.html").is_file(), "--out {out}: no site in {lands}");
        assert!(dest.join(".kamsite").is_file(), "--out {out}: no marker in {lands}");
        // Everything else is as it was: nothing left beside it either.
        let after = snapshot(t.path());
        let outside = |m: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
            m.iter()
                .filter(|(k, _)| !Path::new(k.as_str()).starts_with(lands) && !lands.starts_with(k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let (was, is) = (outside(&before), outside(&after));
        let added: Vec<&String> = is.keys().filter(|k| !was.contains_key(*k)).collect();
        let gone: Vec<&String> = was.keys().filter(|k| !is.contains_key(*k)).collect();
        assert!(
            added.is_empty() && gone.is_empty(),
            "--out {out}: added {added:?}, gone {gone:?}"
        );
        assert!(was == is, "--out {out}: a file outside {lands} changed");
        if out == "to-out" {
            let link = std::fs::symlink_metadata(t.path().join("to-out")).unwrap();
            assert!(link.file_type().is_symlink(), "the link stays a link");
        }
    }
}

/// The example site in a folder of its own.
fn example_copy(t: &Path) -> PathBuf {
    let site = t.join("site");
    copy_dir(&common::example_site(), &site);
    site
}

#[test]
fn two_builds_at_once_into_one_folder_both_succeed_and_leave_it_whole() {
    let t = tempfile::tempdir().unwrap();
    let site = example_copy(t.path());
    let reference = common::build_to(&site, &t.path().join("reference"));
    let want = common::tree(&reference);
    let out = t.path().join("public");
    for round in 0..3 {
        let spawn = || {
            std::process::Command::new(env!("CARGO_BIN_EXE_kamsite"))
                .args(["build", "--root"])
                .arg(&site)
                .arg("--out")
                .arg(&out)
                .env("NO_COLOR", "1")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let mut waited = 0;
        for child in [a, b] {
            let o = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success(), "round {round}: {stderr}");
            assert!(!stderr.contains("cannot"), "round {round}: {stderr}");
            if stderr.contains("waiting for another build of") {
                waited += 1;
                assert!(
                    stderr.contains(&format!(
                        "note: waiting for another build of {} to finish",
                        out.display()
                    )),
                    "{stderr}"
                );
            }
        }
        assert!(waited <= 1, "round {round}: only the second build waits");
        assert!(
            common::tree(&out) == want,
            "round {round}: the output is one whole build"
        );
        let beside: Vec<String> = std::fs::read_dir(t.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("kamsite"))
            .collect();
        assert!(beside.is_empty(), "round {round}: left beside the output: {beside:?}");
    }
}
