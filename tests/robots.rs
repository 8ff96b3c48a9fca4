//! Search engines are asked to keep out: `robots.txt` and a `noindex` meta
//! tag in every page of the internal portal (unless site.yaml says
//! `noindex: false`) and of every customer site.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{build_to, copy_dir, example_site, fixture, kamsite, tree};

const META: &str = r#"<meta name="robots" content="noindex, nofollow">"#;

/// The HTML pages of a built site.
fn pages(files: &BTreeMap<String, Vec<u8>>) -> Vec<(&String, String)> {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8_lossy(b).into_owned()))
        .collect()
}

/// Every page has the tag once, inside `<head>`.
fn assert_noindex(files: &BTreeMap<String, Vec<u8>>) {
    let pages = pages(files);
    assert!(pages.len() > 3, "{:?}", files.keys().collect::<Vec<_>>());
    for (path, html) in pages {
        assert_eq!(html.matches(META).count(), 1, "{path}");
        let head_end = html.find("</head>").unwrap_or_else(|| panic!("{path} has a head"));
        assert!(html.find(META).unwrap() < head_end, "{path}: the tag is in <head>");
    }
}

fn robots(files: &BTreeMap<String, Vec<u8>>) -> Option<String> {
    files.get("robots.txt").map(|b| String::from_utf8(b.clone()).unwrap())
}

fn disallows_everything(robots: &str) {
    let rules: Vec<&str> = robots.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rules, ["User-agent: *", "Disallow: /"], "{robots}");
}

#[test]
fn the_internal_portal_is_not_indexed_by_default() {
    let out = tempfile::tempdir().unwrap();
    let files = tree(&build_to(&example_site(), &out.path().join("site")));
    disallows_everything(&robots(&files).expect("robots.txt at the root"));
    assert_noindex(&files);
}

fn set_noindex_false(root: &Path) {
    let yaml = root.join("site.yaml");
    let mut text = std::fs::read_to_string(&yaml).unwrap();
    text.push_str("\nnoindex: false\n");
    std::fs::write(&yaml, text).unwrap();
}

#[test]
fn noindex_false_lets_a_public_portal_be_indexed_but_never_a_customer_site() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    copy_dir(&fixture("canary"), &root);
    set_noindex_false(&root);
    let files = tree(&build_to(&root, &t.path().join("internal")));
    assert_eq!(robots(&files), None);
    let internal = pages(&files);
    assert!(internal.len() > 3);
    for (path, html) in internal {
        assert!(!html.contains("noindex"), "{path}");
    }

    let out = t.path().join("customer");
    let o = kamsite()
        .args(["build", "--audience", "customer", "--account", "acme", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = tree(&out);
    disallows_everything(&robots(&files).expect("a customer site has robots.txt"));
    let customer = pages(&files);
    assert!(!customer.is_empty());
    for (path, html) in customer {
        assert_eq!(html.matches(META).count(), 1, "{path}");
    }
}

#[test]
fn noindex_must_be_true_or_false() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    std::fs::create_dir_all(root.join("accounts")).unwrap();
    std::fs::write(root.join("site.yaml"), "title: T\nnoindex: maybe\n").unwrap();
    let (code, stderr) = common::check_site(&root);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("site.yaml:2:"), "{stderr}");
}
