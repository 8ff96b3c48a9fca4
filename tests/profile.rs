//! SPEC 10 on the profile and the win/loss pages: the whitespace grid, the
//! group roll-up of a parent account, competitor stances on the power map
//! and the contacts where a competitor is ahead of us. Each page is parsed
//! and compared with values worked out by hand from tests/fixtures/groups.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use roxmltree::{Document, Node};

/// The groups fixture, built once for every test here.
fn out() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let t = tempfile::tempdir().unwrap();
        let out = common::build_to(&common::fixture("groups"), &t.path().join("out"));
        (t, out)
    });
    out
}

fn page(rel: &str) -> String {
    common::read(&out().join(rel))
}

fn profile(slug: &str) -> String {
    page(&format!("accounts/{slug}/index.html"))
}

/// The element opening at the first `start` in `html`, up to its closing
/// `</tag>` (no nesting of the same tag inside), as XML.
fn fragment(html: &str, start: &str, tag: &str) -> Option<String> {
    let i = html.find(start)?;
    let open = html[..i].rfind(&format!("<{tag}"))?;
    let close = format!("</{tag}>");
    let end = html[open..].find(&close)? + open + close.len();
    Some(html[open..end].replace("<br>", "<br/>"))
}

fn text(n: Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn class_has(n: Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

/// One grid cell as read back from the page.
#[derive(Debug, PartialEq)]
struct Cell {
    status: Option<String>,
    /// The status in words (the badge).
    label: String,
    potential: Option<f64>,
    /// (href, text) of each opportunity link.
    links: Vec<(String, String)>,
}

/// A grid row: its heading (the buying unit) and its cells.
type GridRow = (String, Vec<Cell>);

/// The whitespace grid of a profile: column headings, and per row its
/// heading and cells.
fn grid(html: &str) -> Option<(Vec<String>, Vec<GridRow>)> {
    let xml = fragment(html, "whitespace-grid", "table")?;
    let doc = Document::parse(&xml).unwrap_or_else(|e| panic!("grid is not well-formed: {e}\n{xml}"));
    let head: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("thead"))
        .flat_map(|h| h.descendants().filter(|n| n.has_tag_name("th")))
        .inspect(|th| assert_eq!(th.attribute("scope"), Some("col")))
        .map(text)
        .collect();
    let rows = doc
        .descendants()
        .filter(|n| n.has_tag_name("tbody"))
        .flat_map(|b| b.children().filter(|n| n.has_tag_name("tr")))
        .map(|tr| {
            let th = tr.children().find(|n| n.has_tag_name("th")).unwrap();
            assert_eq!(th.attribute("scope"), Some("row"));
            let cells = tr
                .children()
                .filter(|n| n.has_tag_name("td"))
                .map(|td| {
                    let badge = td.descendants().find(|n| class_has(*n, "badge"));
                    let status = td.attribute("data-status").map(str::to_string);
                    if let (Some(s), Some(b)) = (&status, badge) {
                        // Colour by the ws-* class, and the status also in words.
                        assert!(class_has(td, &format!("ws-{s}")), "{xml}");
                        assert!(class_has(b, &format!("ws-{s}")), "{xml}");
                    }
                    Cell {
                        status,
                        label: badge.map(text).unwrap_or_else(|| text(td)),
                        potential: td.attribute("data-potential").map(|p| p.parse().unwrap()),
                        links: td
                            .descendants()
                            .filter(|n| n.has_tag_name("a"))
                            .map(|a| (a.attribute("href").unwrap().to_string(), text(a)))
                            .collect(),
                    }
                })
                .collect();
            (text(th), cells)
        })
        .collect();
    Some((head, rows))
}

fn cell(status: &str, label: &str, potential: Option<f64>, links: &[(&str, &str)]) -> Cell {
    Cell {
        status: Some(status.into()),
        label: label.into(),
        potential,
        links: links.iter().map(|(h, t)| (h.to_string(), t.to_string())).collect(),
    }
}

fn none() -> Cell {
    Cell {
        status: None,
        label: "– no entry".into(),
        potential: None,
        links: Vec::new(),
    }
}

#[test]
fn the_whitespace_grid_has_offerings_as_columns_and_buying_units_as_rows() {
    let html = profile("globex");
    let (head, rows) = grid(&html).expect("globex has a whitespace grid");
    assert_eq!(head, ["Buying unit", "ERP suite", "Cloud hosting", "Premium support"]);
    // globex: finance erp current, finance cloud open 300,000, ops cloud
    // lost 50,000; g1 (cloud) and g2 (erp) name their offerings.
    let pilot = ("#opportunity-g1", "Cloud pilot");
    let renewal = ("#opportunity-g2", "ERP renewal");
    assert_eq!(
        rows,
        vec![
            (
                "Finance".to_string(),
                vec![
                    cell("current", "Current", None, &[renewal]),
                    cell("open", "Open", Some(300_000.0), &[pilot]),
                    none()
                ]
            ),
            (
                "Operations".to_string(),
                vec![none(), cell("lost", "Lost", Some(50_000.0), &[pilot]), none()]
            ),
        ]
    );
    // Every link goes to a row of the profile's opportunities table.
    for id in ["g1", "g2"] {
        assert!(html.contains(&format!("<tr id=\"opportunity-{id}\"")), "{id}");
    }
    // Open potential counts open and pursuing cells only: 300,000.
    assert!(html.contains("Open potential 300,000 EUR"), "globex");
    assert!(html.contains("<a href=\"#whitespace\">Whitespace</a>"));

    // A cell without a buying unit sits on the "Whole account" row, after the units.
    let (_, rows) = grid(&profile("globex-nordics")).unwrap();
    assert_eq!(
        rows,
        vec![
            (
                "Operations".to_string(),
                vec![
                    none(),
                    none(),
                    cell(
                        "pursuing",
                        "Pursuing",
                        Some(80_000.0),
                        &[("#opportunity-n1", "Support plan")]
                    )
                ]
            ),
            (
                "Whole account".to_string(),
                vec![cell("current", "Current", None, &[]), none(), none()]
            ),
        ]
    );
}

#[test]
fn an_account_without_cells_or_a_site_without_offerings_has_no_grid() {
    let html = profile("umbrella");
    assert!(grid(&html).is_none());
    assert!(!html.contains("id=\"whitespace\""));
    // The portfolio fixture has no offerings.
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&common::fixture("portfolio"), &t.path().join("out"));
    for e in std::fs::read_dir(out.join("accounts"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
    {
        let html = common::read(&e.path().join("index.html"));
        assert!(!html.contains("whitespace-grid"), "{}", e.path().display());
    }
}
