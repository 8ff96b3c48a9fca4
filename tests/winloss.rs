//! Win/loss reviews end to end: a fixture with hand-computed answers, the
//! pages and /data/winloss.json that show them, and malformed reviews.
//!
//! tests/fixtures/winloss has eight reviews (target 75 %):
//!
//! | review              | outcome     | quarter | value | competitors      | winner | reasons                 |
//! |---------------------|-------------|---------|-------|------------------|--------|-------------------------|
//! | alpha grid-upgrade  | won         | 2026-Q1 | 1000  | Vektor, Halden   | Us     | price, references       |
//! | alpha scada         | lost        | 2026-Q1 | 500   | Vektor           | Vektor | relationship, price     |
//! | alpha pilot         | no-decision | 2026-Q2 | 300   | Halden, Castell  |        | no-decision, timing     |
//! | beta pos            | won         | 2026-Q1 | 800   | Castell          | Us     | product-fit             |
//! | beta stores         | lost        | 2026-Q2 | 200   | Vektor           | Optima | price, scope            |
//! | beta ecom           | won         | 2025-Q4 | 400   | Vektor, Halden   | Us     | references, price       |
//! | gamma warehouse     | lost        | 2026-Q3 | –     | Halden           | Halden | relationship            |
//! | gamma sensors       | won         | 2026-Q3 | 100   | vektor           | Us     | price                   |

mod common;

use common::{build_to, check_site, fixture, kamsite, read, text};
use serde_json::{Value, json};

fn json(path: &std::path::Path) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("winloss"), &t.path().join("out"));
    (t, out)
}

#[test]
fn winloss_json_has_the_hand_computed_numbers() {
    let (_t, out) = built();
    let data = json(&out.join("data/winloss.json"));
    assert_eq!(
        data["overall"],
        json!({"won": 4, "lost": 3, "no_decision": 1, "win_rate": 4.0 / 7.0})
    );
    assert_eq!(data["target"], 0.75);
    assert_eq!(
        data["value"],
        json!({"won": 2300.0, "lost": 700.0, "no_decision": 300.0})
    );
    assert_eq!(
        data["by_competitor"],
        json!([
            {"competitor": "Vektor", "deals": 5, "won": 3, "lost": 2, "win_rate": 0.6},
            {"competitor": "Halden", "deals": 4, "won": 2, "lost": 1, "win_rate": 2.0 / 3.0},
            {"competitor": "Castell", "deals": 2, "won": 1, "lost": 0, "win_rate": 1.0},
            {"competitor": "Optima", "deals": 1, "won": 0, "lost": 1, "win_rate": 0.0},
        ])
    );
    assert_eq!(
        data["by_quarter"],
        json!([
            {"quarter": "2025-Q4", "won": 1, "lost": 0, "no_decision": 0, "win_rate": 1.0},
            {"quarter": "2026-Q1", "won": 2, "lost": 1, "no_decision": 0, "win_rate": 2.0 / 3.0},
            {"quarter": "2026-Q2", "won": 0, "lost": 1, "no_decision": 1, "win_rate": 0.0},
            {"quarter": "2026-Q3", "won": 1, "lost": 1, "no_decision": 0, "win_rate": 0.5},
        ])
    );
    assert_eq!(
        data["top_win_reasons"],
        json!([
            {"reason": "price", "primary": 2, "mentions": 3},
            {"reason": "references", "primary": 1, "mentions": 2},
            {"reason": "product-fit", "primary": 1, "mentions": 1},
        ])
    );
    assert_eq!(
        data["top_loss_reasons"],
        json!([
            {"reason": "relationship", "primary": 2, "mentions": 2},
            {"reason": "price", "primary": 1, "mentions": 2},
            {"reason": "scope", "primary": 0, "mentions": 1},
        ])
    );
    assert_eq!(
        data["by_tier"],
        json!([
            {"tier": "diamond", "won": 1, "lost": 1, "no_decision": 1, "win_rate": 0.5},
            {"tier": "foundation", "won": 2, "lost": 1, "no_decision": 0, "win_rate": 2.0 / 3.0},
            {"tier": null, "won": 1, "lost": 1, "no_decision": 0, "win_rate": 0.5},
        ])
    );
    assert_eq!(data["by_industry"][1]["industry"], "Retail");
    assert_eq!(data["by_region"][2]["region"], Value::Null);
    assert_eq!(data["reviews"].as_array().unwrap().len(), 8);
    assert_eq!(data["reviews"][0]["review"], "2026-08-08-sensors");
}

#[test]
fn the_analysis_page_shows_the_same_numbers() {
    let (_t, out) = built();
    let page = text(&read(&out.join("reviews/index.html")));
    for expected in [
        "Win rate 57 % 4 of 7 closed deals · target 75 %",
        "No decision 13 % 1 of 8 deals",
        // By quarter: deals, won, lost, no decision, win rate with its counts.
        "2025-Q4 1 1 0 0 100 % (1 of 1)",
        "2026-Q1 3 2 1 0 67 % (2 of 3)",
        "2026-Q2 2 0 1 1 0 % (0 of 1)",
        "2026-Q3 2 1 1 0 50 % (1 of 2)",
        // Head to head: deals, won, lost, no decision, win rate, they won, value won, value lost.
        "Vektor 5 3 2 0 60 % (3 of 5) 1 1,500 700",
        "Halden 4 2 1 1 67 % (2 of 3) 1 1,400 0",
        "Castell 2 1 0 1 100 % (1 of 1) 0 800 0",
        "Optima 1 0 1 0 0 % (0 of 1) 1 0 200",
        // Reasons: primary, then mentions out of the won (or lost) deals.
        "Price price 2 3 of 4 References references 1 2 of 4 Product fit product-fit 1 1 of 4",
        "Relationship / trust relationship 2 2 of 3 Price price 1 2 of 3 Scope scope 0 1 of 3",
        "No decision no-decision 1 1 of 1 Timing / budget timing 0 1 of 1",
        // Segments.
        "Diamond 50 % (1 of 2) 1 of 3",
        "Foundation 67 % (2 of 3) 0 of 3",
        "No tier 50 % (1 of 2) 0 of 2",
        "Retail 67 % (2 of 3)",
        "Won 2,300 EUR in 4 deals · lost 700 EUR in 3 deals",
        "1 review gives no value",
    ] {
        assert!(page.contains(expected), "missing `{expected}` in:\n{page}");
    }
    // Every lesson, linked to its review.
    let html = read(&out.join("reviews/index.html"));
    assert!(html.contains("Meet the new COO early"));
    assert!(html.contains("href=\"../accounts/alpha/reviews/2026-02-20-scada/index.html\""));
    assert!(html.contains("aria-label=\"Win rate by quarter against the target\""));
    assert!(html.contains("aria-label=\"Deals per competitor by our outcome\""));
    assert!(!html.contains("<script"), "the analysis works without JavaScript");
}

#[test]
fn drill_down_pages_per_quarter_and_competitor() {
    let (_t, out) = built();
    let vektor = text(&read(&out.join("reviews/competitors/vektor/index.html")));
    for expected in [
        "Against Vektor",
        "appeared in 5 reviewed deals and won 1 of them",
        "Our win rate 60 % 3 of 5 closed deals",
        "Value won 2 k EUR 1,500 EUR in 3 deals",
        "Value lost 700 EUR 700 EUR in 2 deals",
        "Grid upgrade",
        "Sensor retrofit",
        "Store automation",
        // Why we lose against Vektor: the two lost deals.
        "Relationship / trust relationship 1 1 of 2",
    ] {
        assert!(vektor.contains(expected), "missing `{expected}` in:\n{vektor}");
    }
    assert!(!vektor.contains("Warehouse controls"), "a deal without Vektor");
    assert!(out.join("reviews/competitors/optima/index.html").is_file());

    let q1 = text(&read(&out.join("reviews/quarters/2026-Q1/index.html")));
    for expected in [
        "Win/loss in 2026-Q1",
        "Win rate 67 % 2 of 3 closed deals",
        "Grid upgrade",
        "SCADA refresh",
        "Point of sale roll-out",
        "2025-Q4",
        "2026-Q2",
    ] {
        assert!(q1.contains(expected), "missing `{expected}` in:\n{q1}");
    }
    assert!(!q1.contains("Store automation"), "2026-04-01 is in Q2");
    let q2 = text(&read(&out.join("reviews/quarters/2026-Q2/index.html")));
    assert!(q2.contains("No decision 50 % 1 of 2 deals"), "{q2}");
}

#[test]
fn a_page_per_review_and_reviews_on_the_profile() {
    let (_t, out) = built();
    let html = read(&out.join("accounts/alpha/reviews/2026-01-15-grid-upgrade/index.html"));
    let page = text(&html);
    for expected in [
        "Grid upgrade",
        "Won",
        "Alpha Energi AS",
        "Value 1,000 EUR",
        "Stage reached negotiation",
        "Winner Us",
        "Customer interviewed Yes",
        "Price primary",
        "References",
        "Price the options separately",
        "We won the grid upgrade",
    ] {
        assert!(page.contains(expected), "missing `{expected}` in:\n{page}");
    }
    assert!(
        html.contains("<strong>grid upgrade</strong>"),
        "the narrative is Markdown"
    );
    assert!(
        html.contains("href=\"../../../../accounts/alpha/index.html\""),
        "links to its account"
    );
    assert!(html.contains("href=\"../../../../reviews/competitors/halden/index.html\""));
    // The winner of a lost deal links to its competitor page even when it is not listed.
    let stores = read(&out.join("accounts/beta/reviews/2026-04-01-stores/index.html"));
    assert!(
        stores.contains("reviews/competitors/optima/index.html\">Optima</a> <span class=\"tag\">won the deal</span>")
    );

    let profile = read(&out.join("accounts/alpha/index.html"));
    assert!(profile.contains("Win/loss reviews <span class=\"count\">3</span>"));
    assert!(profile.contains("href=\"../../accounts/alpha/reviews/2026-05-02-pilot/index.html\""));
    let delta = read(&out.join("accounts/delta/index.html"));
    assert!(delta.contains("No win/loss reviews yet"));

    let dashboard = text(&read(&out.join("index.html")));
    assert!(
        dashboard.contains("Win rate 57 % 4 of 7 closed deals won · 1 no decision"),
        "{dashboard}"
    );
}

#[test]
fn no_closed_deals_shows_no_win_rate() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    let review = site.join("accounts/acme/reviews");
    std::fs::create_dir_all(&review).unwrap();
    std::fs::write(site.join("site.yaml"), "today: 2026-11-23\n").unwrap();
    std::fs::write(site.join("accounts/acme/account.yaml"), "name: Acme\n").unwrap();
    std::fs::write(
        review.join("2026-05-02-pilot.md"),
        "---\nopportunity: Pilot\noutcome: no-decision\ndate: 2026-05-02\ncompetitors: [Vektor]\nreasons: [timing]\n---\n",
    )
    .unwrap();
    let out = build_to(&site, &t.path().join("out"));
    let data = json(&out.join("data/winloss.json"));
    assert_eq!(
        data["overall"],
        json!({"won": 0, "lost": 0, "no_decision": 1, "win_rate": null})
    );
    assert_eq!(data["by_competitor"][0]["win_rate"], Value::Null);
    assert_eq!(data["by_quarter"][0]["win_rate"], Value::Null);
    let page = text(&read(&out.join("reviews/index.html")));
    assert!(page.contains("Win rate – no closed deals"), "{page}");
    assert!(page.contains("Vektor 1 0 0 1 no closed deals"), "{page}");
    let vektor = text(&read(&out.join("reviews/competitors/vektor/index.html")));
    assert!(vektor.contains("no closed deals"));

    // And a site without any review still has the page, with no numbers to divide.
    std::fs::remove_file(review.join("2026-05-02-pilot.md")).unwrap();
    let out = build_to(&site, &t.path().join("out2"));
    let data = json(&out.join("data/winloss.json"));
    assert_eq!(
        data["overall"],
        json!({"won": 0, "lost": 0, "no_decision": 0, "win_rate": null})
    );
    assert_eq!(data["by_competitor"], json!([]));
    assert!(text(&read(&out.join("reviews/index.html"))).contains("No reviews yet: no closed deals"));
}

/// One malformed review per fixture: exit 1, file:line:column, a fix, no panic.
#[test]
fn malformed_reviews_give_located_diagnostics() {
    let file = "accounts/acme/reviews/2026-01-10-erp.md";
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "bad-review-outcome",
            "3:10",
            "unknown value `wom`",
            "did you mean `won`?",
        ),
        (
            "bad-review-reason",
            "7:5",
            "unknown reason `prise`",
            "did you mean `price`?",
        ),
        (
            "bad-review-date",
            "1:1",
            "review has no `date`",
            "add `date: YYYY-MM-DD`",
        ),
        (
            "bad-review-yaml",
            "5:14",
            "invalid YAML: unclosed bracket",
            "check indentation",
        ),
        (
            "bad-review-opportunity",
            "2:14",
            "unknown opportunity `erp-rolout`",
            "did you mean `erp-rollout`?",
        ),
        (
            "bad-review-value",
            "5:8",
            "deal value -350000 is negative",
            "plain number",
        ),
    ];
    for (name, pos, message, help) in cases {
        let (code, stderr) = check_site(&fixture(name));
        assert_eq!(code, Some(1), "{name}: exit code\n{stderr}");
        let expected = format!("{file}:{pos}: {message}");
        assert!(
            stderr.contains(&expected),
            "{name}: expected `{expected}` in:\n{stderr}"
        );
        assert!(stderr.contains(help), "{name}: expected help `{help}` in:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{name}: panic\n{stderr}");
        // build refuses too, and writes nothing.
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let b = kamsite()
            .args(["build", "--root"])
            .arg(fixture(name))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(b.status.code(), Some(1), "{name}: build exit code");
        assert!(!out.exists(), "{name}: build wrote output");
    }
}

#[test]
fn review_warnings_do_not_fail_check() {
    let o = kamsite()
        .args(["check", "--root"])
        .arg(fixture("winloss"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let expected =
        "accounts/gamma/reviews/2026-08-08-sensors.md:6:15: competitor `vektor` is spelled `Vektor` elsewhere";
    assert!(stderr.contains(expected), "missing `{expected}` in:\n{stderr}");
    // A free title is allowed (docs/reviews.md): nothing to warn about.
    assert!(!stderr.contains("SCADA refresh"), "{stderr}");
    assert!(!stderr.contains("free title"), "{stderr}");
}

#[test]
fn hostile_review_front_matter_never_panics() {
    let t = tempfile::tempdir().unwrap();
    let bodies: &[&str] = &[
        "---\noutcome: [won]\n---\n",
        "---\nreasons: price\n---\n",
        "---\ncompetitors: { a: 1 }\nwinner: [x]\n---\n",
        "---\ndate: 2026-13-45\n---\n",
        "---\nvalue: .nan\noutcome: won\ndate: 2026-01-01\nopportunity: x\n---\n",
        "---\nvalue: 1e400\noutcome: lost\ndate: 2026-01-01\nopportunity: x\n---\n",
        "---\nopportunity: \"\"\noutcome: won\ndate: 2026-01-01\ncompetitors: [\"\", \"  \", \"!!!\"]\nwinner: \"???\"\n---\n",
        "---\n---\n",
        "---\n",
    ];
    for (i, body) in bodies.iter().enumerate() {
        let site = t.path().join(format!("s{i}"));
        std::fs::create_dir_all(site.join("accounts/acme/reviews")).unwrap();
        std::fs::write(site.join("accounts/acme/account.yaml"), "name: Acme\n").unwrap();
        std::fs::write(site.join("accounts/acme/reviews/r.md"), body).unwrap();
        let (code, stderr) = check_site(&site);
        assert!(!stderr.contains("panicked"), "case {i}: {stderr}");
        assert!(matches!(code, Some(0) | Some(1)), "case {i}: {stderr}");
        assert!(stderr.contains("accounts/acme/reviews/r.md:"), "case {i}: {stderr}");
        let b = kamsite()
            .args(["build", "--root"])
            .arg(&site)
            .arg("--out")
            .arg(t.path().join(format!("out{i}")))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&b.stderr);
        assert!(!stderr.contains("panicked"), "case {i}: {stderr}");
        assert_eq!(b.status.code(), code, "case {i}: build and check agree\n{stderr}");
    }
}
