//! Snapshots of the main content of each kind of page, built from
//! `tests/fixtures/pages` (its `site.yaml` pins `today`, so every run renders
//! the same pages). A snapshot is the HTML inside `<main>`, whitespace
//! collapsed and one block-level tag per line, so a review reads as a diff of
//! the page's structure and words.

mod common;

use std::path::{Path, PathBuf};

use common::{build_to, fixture, kamsite, read};

/// Tags that start a new line in a snapshot: blocks, table parts and SVG shapes.
const BLOCK_TAGS: &[&str] = &[
    "article",
    "aside",
    "caption",
    "circle",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "ellipse",
    "figcaption",
    "figure",
    "footer",
    "form",
    "g",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "li",
    "line",
    "nav",
    "ol",
    "p",
    "path",
    "polygon",
    "polyline",
    "rect",
    "section",
    "summary",
    "svg",
    "table",
    "tbody",
    "td",
    "text",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// The HTML between `<main ...>` and `</main>`, whitespace collapsed, each
/// block-level tag (opening or closing) on its own line.
fn main_content(html: &str, page: &str) -> String {
    let start = html.find("<main").unwrap_or_else(|| panic!("{page}: no <main>"));
    let end = html.rfind("</main>").unwrap_or_else(|| panic!("{page}: no </main>"));
    let inner = &html[start..end + "</main>".len()];
    let flat = inner.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(flat.len() + flat.len() / 8);
    let mut rest = flat.as_str();
    while let Some(at) = rest.find('<') {
        let (before, tag_on) = rest.split_at(at);
        let name: String = tag_on[1..]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let block = BLOCK_TAGS.contains(&name.to_ascii_lowercase().as_str());
        if block {
            push_line(&mut out, before);
        } else {
            out.push_str(before);
        }
        let close = tag_on.find('>').map_or(tag_on.len(), |e| e + 1);
        if block {
            push_line(&mut out, &tag_on[..close]);
        } else {
            out.push_str(&tag_on[..close]);
        }
        rest = &tag_on[close..];
    }
    push_line(&mut out, rest);
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Append `s` as a line of its own (a fragment already on the current line
/// ends that line first).
fn push_line(out: &mut String, s: &str) {
    if s.trim().is_empty() {
        return;
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(s.trim());
    out.push('\n');
}

fn portal() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("pages"), &t.path().join("site"));
    (t, out)
}

fn snapshot(out: &Path, page: &str) -> String {
    main_content(&read(&out.join(page)), page)
}

#[test]
fn the_fixture_checks_clean() {
    let o = kamsite()
        .args(["check", "--root"])
        .arg(fixture("pages"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn portal_pages() {
    let (_t, out) = portal();
    for (name, page) in [
        ("dashboard", "index.html"),
        ("profile", "accounts/kessler-werke/index.html"),
        ("matrix", "matrix/index.html"),
        ("tiers", "tiers/index.html"),
        (
            "review_lost",
            "accounts/kessler-werke/reviews/2026-10-08-vision-qa-heilbronn/index.html",
        ),
        ("winloss", "reviews/index.html"),
        ("plan", "accounts/kessler-werke/plans/2026/index.html"),
    ] {
        insta::assert_snapshot!(name, snapshot(&out, page));
    }
}

#[test]
fn customer_plan() {
    let t = tempfile::tempdir().unwrap();
    let o = kamsite()
        .args([
            "build",
            "--audience",
            "customer",
            "--account",
            "kessler-werke",
            "--root",
        ])
        .arg(fixture("pages"))
        .arg("--out")
        .arg(t.path().join("c"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = t.path().join("c");
    let plan = snapshot(&out, "plans/2026/index.html");
    let index = snapshot(&out, "index.html");
    // The fixture's internal KPI and internal note carry canaries.
    for page in [&plan, &index] {
        assert!(!page.contains("CANARY"), "{page}");
    }
    insta::assert_snapshot!("customer_plan", plan);
    insta::assert_snapshot!("customer_index", index);
}

/// The canaries the customer snapshots must not hold are really in the
/// fixture, and reach the internal portal, so their absence above means
/// something.
#[test]
fn internal_pages_show_the_canaries() {
    let (_t, out) = portal();
    let plan = read(&out.join("accounts/kessler-werke/plans/2026/index.html"));
    assert!(
        plan.contains("CANARY_PLAN_KPI"),
        "internal KPI missing from the internal plan"
    );
    let profile = read(&out.join("accounts/kessler-werke/index.html"));
    assert!(profile.contains("CANARY_INTERNAL_NOTE_BODY"));
}

#[test]
fn won_review() {
    let (_t, out) = portal();
    insta::assert_snapshot!(
        "review_won",
        snapshot(&out, "accounts/kessler-werke/reviews/2026-06-30-mes-brno/index.html")
    );
}

#[test]
fn snapshot_form_puts_blocks_on_lines() {
    let html = "<html><main id=\"m\">\n  <h1>Title <em>x</em></h1><p>a\n b</p><svg><rect x=\"1\"/></svg></main></html>";
    assert_eq!(
        main_content(html, "t"),
        "<main id=\"m\">\n<h1>\nTitle <em>x</em>\n</h1>\n<p>\na b\n</p>\n<svg>\n<rect x=\"1\"/>\n</svg>\n</main>"
    );
}
