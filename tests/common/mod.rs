//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn kamsite() -> Command {
    let mut cmd = Command::cargo_bin("kamsite").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The example site as a test fixture: a copy of `content/` taken when the
/// tests stopped reading `content/`, so editing the example breaks no test
/// but the one that builds it.
pub fn example_site() -> PathBuf {
    fixture("example-site")
}

/// The bundled example in `content/` itself (the README promises it builds).
pub fn bundled_example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// Build `root` into `out` and return `out`; panics with kamsite's output on failure.
pub fn build_to(root: &Path, out: &Path) -> PathBuf {
    let o = kamsite()
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out.to_path_buf()
}

/// Run `kamsite check --root ROOT`: its exit code and what it wrote to stderr.
pub fn check_site(root: &Path) -> (Option<i32>, String) {
    let o = kamsite().args(["check", "--root"]).arg(root).output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir` (relative path -> bytes).
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

pub fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in tree(from) {
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

/// The value of the first `key: value` line (a simple reader for test data).
pub fn yaml_value(yaml: &str, key: &str) -> Option<String> {
    yaml_values(yaml, key).into_iter().next()
}

/// The values of every line that starts with `key:` (indentation included in `key`).
pub fn yaml_values(yaml: &str, key: &str) -> Vec<String> {
    let prefix = format!("{key}:");
    yaml.lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(|v| v.trim().trim_matches('"').to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The text of an HTML page without tags, whitespace collapsed: what a reader sees.
pub fn text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
