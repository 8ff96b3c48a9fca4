//! Hostile input that once crashed kamsite: lines too long for a snippet,
//! graphs too deep for recursion. Each gives a located error or a correct
//! result, never a panic.

mod authoring;
mod common;

use std::path::Path;

use authoring::{Serve, get, init_site};
use common::{check_site, kamsite};

const ACCOUNT: &str = "accounts/acme-industrial/account.yaml";
const NOTE: &str = "accounts/acme-industrial/notes/2026-11-26-quarterly-review.md";

/// 100,000 spaces: a value after them sits past column 65,535, which
/// miette's snippet drawing cannot format.
fn pad() -> String {
    " ".repeat(100_000)
}

fn replace(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// A starter site with a value past column 100,000 in account.yaml, a note
/// and site.yaml, and in the note a 100,000-character line just before its error.
fn long_line_site(root: &Path) {
    init_site(root);
    let p = pad();
    replace(root, ACCOUNT, "tier: foundation", &format!("tier: {p}diamnod"));
    replace(root, NOTE, "kind: meeting", &format!("kind: {p}meetingg"));
    replace(
        root,
        NOTE,
        "title: Quarterly review with operations",
        &format!("title: \"{}\"", "x".repeat(100_000)),
    );
    replace(
        root,
        "site.yaml",
        "stale_after_days: 90",
        &format!("stale_after_days: {p}lots"),
    );
}

/// Where each error is: the line is found in the file, the column is past the padding.
fn long_line_locations(root: &Path) -> Vec<String> {
    let line_of = |file: &str, needle: &str| {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    };
    vec![
        format!(
            "{ACCOUNT}:{}:100007: unknown tier `diamnod`",
            line_of(ACCOUNT, "diamnod")
        ),
        format!("{NOTE}:{}:100007: unknown value `meetingg`", line_of(NOTE, "meetingg")),
        format!("site.yaml:{}:100019:", line_of("site.yaml", "lots")),
    ]
}

/// Every line kamsite printed is short: long lines are shown as a window.
fn assert_snippets_cut(out: &str) {
    assert!(!out.contains("panicked"), "{out}");
    for line in out.lines() {
        assert!(line.chars().count() < 400, "a {}-character line", line.chars().count());
    }
    // The cut line shows the word at the column, with an ellipsis for what was cut.
    assert!(out.contains("…"), "{out}");
    assert!(out.lines().any(|l| l.contains("│ …") && l.contains("diamnod")), "{out}");
    // A long line around it is cut at the same columns, to stay aligned.
    assert!(
        out.lines().any(|l| l.contains("│ …xxxx") && l.ends_with("xx\"")),
        "{out}"
    );
}

#[test]
fn check_and_build_show_errors_past_column_65535_as_a_window() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    long_line_site(&root);
    let (code, out) = check_site(&root);
    assert_eq!(code, Some(1), "{out}");
    for location in long_line_locations(&root) {
        assert!(out.contains(&location), "{location} missing:\n{out}");
    }
    assert_snippets_cut(&out);
    // The header of each snippet names the column in the file, not in the window.
    assert!(out.contains(&format!("[{ACCOUNT}:")), "{out}");

    let o = kamsite()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains(&long_line_locations(&root)[0]), "{out}");
    assert_snippets_cut(&out);
    assert!(!t.path().join("out").exists());
}

#[test]
fn serve_starts_on_a_site_with_errors_past_column_65535_and_shows_them_cut() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    long_line_site(&root);
    let mut serve = Serve::start(&root);
    let (code, _, state) = get(&serve.addr, "/__kamsite/status");
    assert_eq!(code, 200);
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    let errors = state["errors"].as_array().expect("the build failed");
    let tier = errors
        .iter()
        .find(|e| e["message"].as_str().unwrap().contains("unknown tier `diamnod`"))
        .unwrap_or_else(|| panic!("{state}"));
    assert!(tier["location"].as_str().unwrap().ends_with(":100007"), "{tier}");
    let snippet = tier["snippet"].as_str().unwrap();
    let marked = snippet.lines().find(|l| l.starts_with('>')).unwrap();
    assert!(marked.contains("| …") && marked.contains("diamnod  "), "{snippet}");
    // The caret sits under the word's first letter.
    let caret = snippet.lines().find(|l| l.trim_end().ends_with('^')).unwrap();
    assert_eq!(
        caret.trim_end().chars().count() - 1,
        marked.chars().position(|c| c == 'd').unwrap(),
        "{snippet}"
    );
    for e in errors {
        for line in e["snippet"].as_str().unwrap_or_default().lines() {
            assert!(line.chars().count() < 200, "{line}");
        }
    }
    assert!(serve.interrupt().success(), "{}", serve.output());
    assert!(!serve.output().contains("panicked"), "{}", serve.output());
}

/// An org chart 30,000 contacts deep: once a stack overflow (exit 134) in
/// the stakeholder map. `check` passes and `build` draws every card.
#[test]
fn a_reports_to_chain_of_30000_contacts_checks_and_builds() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let chain: String = (0..30_000)
        .map(|k| match k {
            0 => "  - { id: c0, name: Contact 0 }\n".to_string(),
            k => format!("  - {{ id: c{k}, name: Contact {k}, reports_to: c{} }}\n", k - 1),
        })
        .collect();
    replace(&root, ACCOUNT, "contacts:\n", &format!("contacts:\n{chain}"));
    let (code, out) = check_site(&root);
    assert_eq!(code, Some(0), "{out}");
    let site = common::build_to(&root, &t.path().join("out"));
    let page = common::read(&site.join("accounts/acme-industrial/index.html"));
    assert!(page.matches("<g class=\"contact\"").count() > 30_000);
    assert!(page.contains("Contact 29999"));
}

/// 40 plans in one account: each plan page links the five nearest periods
/// either side and the account's list, not all 39 others.
#[test]
fn a_plan_page_links_the_nearest_periods_only() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let plans = root.join("accounts/acme-industrial/plans");
    let template = std::fs::read_to_string(plans.join("2026.yaml")).unwrap();
    std::fs::remove_file(plans.join("2026.yaml")).unwrap();
    for year in 2000..2040 {
        let text = template
            .replace("period: \"2026\"", &format!("period: \"{year}\""))
            .replace(
                "title: Joint business plan 2026",
                &format!("title: Joint business plan {year}"),
            );
        std::fs::write(plans.join(format!("{year}.yaml")), text).unwrap();
    }
    let site = common::build_to(&root, &t.path().join("out"));
    let page = common::read(&site.join("accounts/acme-industrial/plans/2020/index.html"));
    let periods = page
        .split("class=\"periods\">")
        .nth(1)
        .unwrap()
        .split("</span>")
        .next()
        .unwrap();
    let linked: Vec<&str> = periods
        .split("/plans/")
        .skip(1)
        .map(|s| s.split('/').next().unwrap())
        .collect();
    assert_eq!(
        linked,
        [
            "2025", "2024", "2023", "2022", "2021", "2019", "2018", "2017", "2016", "2015"
        ]
    );
    assert!(periods.contains("all 40 plans"), "{periods}");
    // The newest links the five before it; the account page still lists all.
    let newest = common::read(&site.join("accounts/acme-industrial/plans/2039/index.html"));
    assert_eq!(
        newest
            .split("class=\"periods\">")
            .nth(1)
            .unwrap()
            .split("</span>")
            .next()
            .unwrap()
            .matches("/plans/")
            .count(),
        5
    );
    let account = common::read(&site.join("accounts/acme-industrial/index.html"));
    for year in 2000..2040 {
        assert!(account.contains(&format!("plans/{year}/")), "{year}");
    }
}

/// A note of 100,000 nested `<div>`: once about 45 s in the HTML sanitiser.
/// The note is shown with its HTML as text, and check says so.
#[test]
fn a_note_of_deeply_nested_html_is_shown_as_text_with_a_warning() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let notes = root.join("accounts/acme-industrial/notes");
    let note = std::fs::read_dir(&notes).unwrap().flatten().next().unwrap().path();
    let text = std::fs::read_to_string(&note).unwrap();
    let end = text.match_indices("---\n").nth(1).unwrap().0 + 4;
    let body = format!("{}deep{}\n", "<div>".repeat(100_000), "</div>".repeat(100_000));
    std::fs::write(&note, format!("{}{body}", &text[..end])).unwrap();
    let (code, out) = check_site(&root);
    assert_eq!(code, Some(0), "{out}");
    let line = text[..end].lines().count() + 1;
    let name = note.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        out.contains(&format!(
            "notes/{name}:{line}:1: raw HTML in this note is nested more than 256 deep"
        )),
        "{out}"
    );
    let site = common::build_to(&root, &t.path().join("out"));
    let page = common::read(&site.join("accounts/acme-industrial/index.html"));
    assert!(page.contains("&lt;div&gt;&lt;div&gt;"));
    assert!(!page.contains("<div><div><div><div>"));
}

/// YAML `.nan` and `.inf` are numbers to serde: an opportunity value, a
/// revenue, an account KPI and a plan KPI once passed `check` and printed
/// NaN and inf on the dashboard, owner and account pages. Each is now an
/// error at its line.
#[test]
fn numbers_that_are_not_finite_are_located_errors() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    replace(&root, ACCOUNT, "value: 350000", "value: .nan");
    replace(&root, ACCOUNT, "revenue: 3600000", "revenue: .inf");
    replace(
        &root,
        ACCOUNT,
        "baseline: 88, current: 93",
        "baseline: -.inf, current: 93",
    );
    let plan = "accounts/acme-industrial/plans/2026.yaml";
    replace(&root, plan, "current: 93", "current: .nan");
    let (code, out) = check_site(&root);
    assert_eq!(code, Some(1), "{out}");
    for said in [
        "the value of opportunity `erp-rollout` is NaN",
        "revenue of 2024 is inf",
        "baseline of KPI `On-time delivery` is -inf",
        "current of KPI `On-time delivery` is NaN",
    ] {
        assert!(out.contains(said), "no {said:?} in:\n{out}");
    }
    assert!(out.contains(&format!("{ACCOUNT}:44:")), "{out}");
    assert!(out.contains(&format!("{plan}:19:")), "{out}");
    assert!(!out.contains("panicked"), "{out}");
}

/// Health weights of 1e308 are finite, but their sum is not: the points
/// once came out NaN and the page said "Account health NaN of 100". The
/// score is worked out from the weights relative to the largest.
#[test]
fn huge_health_weights_give_a_health_score_not_nan() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let site_yaml = root.join("site.yaml");
    let mut text = std::fs::read_to_string(&site_yaml).unwrap();
    text.push_str("\nhealth:\n  note_freshness: 1e308\n  contact_freshness: 1e308\n  dmu_coverage: 1e308\n");
    std::fs::write(&site_yaml, text).unwrap();
    let (code, out) = check_site(&root);
    assert_eq!(code, Some(0), "{out}");
    let site = common::build_to(&root, &t.path().join("out"));
    let page = common::read(&site.join("accounts/acme-industrial/index.html"));
    let title = page
        .split("title=\"Account health ")
        .nth(1)
        .and_then(|rest| rest.split(" of 100\"").next())
        .expect("the account page shows a health score");
    let score: f64 = title.parse().unwrap_or_else(|_| panic!("health score {title:?}"));
    assert!((0.0..=100.0).contains(&score), "{score}");
    for page in [
        "index.html",
        "accounts/index.html",
        "accounts/acme-industrial/index.html",
    ] {
        assert!(!common::read(&site.join(page)).contains("NaN"), "NaN in {page}");
    }
}

/// An owner whose name has no letter or digit to slug ("!!!") once got the
/// empty slug: their page was written to owners//index.html, over the
/// owners list, with links above the site root. It gets `owner-` and a hash.
#[test]
fn an_owner_name_without_letters_gets_a_page_of_its_own() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    replace(&root, ACCOUNT, "owner: Kari Nordmann", "owner: \"!!!\"");
    let (code, out) = check_site(&root);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("above the site root"), "{out}");
    let site = common::build_to(&root, &t.path().join("out"));
    let list = common::read(&site.join("owners/index.html"));
    assert!(list.contains("Per Olsen") && list.contains("!!!"), "{list}");
    let pages: Vec<String> = std::fs::read_dir(site.join("owners"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("owner-"))
        .collect();
    assert_eq!(pages.len(), 1, "{pages:?}");
    let page = common::read(&site.join("owners").join(&pages[0]).join("index.html"));
    assert!(page.contains("Acme Industrial"), "{page}");
    let profile = common::read(&site.join("accounts/acme-industrial/index.html"));
    assert!(
        profile.contains(&format!("owners/{}/", pages[0])),
        "no link to {}",
        pages[0]
    );
}
