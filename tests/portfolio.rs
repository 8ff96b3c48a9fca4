//! Portfolio analytics end to end: quadrants, attention items, presets.

mod common;

use common::{build_to, fixture, read};
use serde_json::Value;

fn json(path: &std::path::Path) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

fn quadrants(out: &std::path::Path) -> Vec<(String, Option<String>)> {
    json(&out.join("data/accounts.json"))
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["slug"].as_str().unwrap().to_string(),
                a["quadrant"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn with_preset(preset: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let site = dir.join(format!("site-{preset}"));
    common::copy_dir(&fixture("portfolio"), &site);
    let yaml = read(&site.join("site.yaml")).replace("preset: mcdonald", &format!("preset: {preset}"));
    std::fs::write(site.join("site.yaml"), yaml).unwrap();
    site
}

fn q(slug: &str, quadrant: Option<&str>) -> (String, Option<String>) {
    (slug.to_string(), quadrant.map(str::to_string))
}

#[test]
fn accounts_land_in_known_quadrants() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("portfolio"), &t.path().join("out"));
    assert_eq!(
        quadrants(&out),
        [
            q("alpha", Some("Strategic")),
            q("beta", Some("Star")), // attractiveness exactly at the threshold counts as high
            q("delta", Some("Streamline")),
            q("epsilon", Some("Streamline")),
            q("gamma", Some("Status")),
            q("zeta", None),
        ]
    );
    let accounts = json(&out.join("data/accounts.json"));
    assert_eq!(accounts[1]["attractiveness"], 5.0);
    assert_eq!(accounts[1]["strength"], 4.0);
    assert_eq!(accounts[0]["revenue"], 6_000_000.0);
    assert_eq!(accounts[0]["tier"], "diamond");

    let matrix = read(&out.join("matrix/index.html"));
    assert!(matrix.contains("class=\"quadrant-lines\""), "threshold lines");
    assert!(matrix.contains("<title>Alpha Strategic AS — Strategic: Account attractiveness 8.0, Relative strength 8.0, revenue 6.0 M</title>"));
    let star = matrix
        .split("quadrant-card q-top_left")
        .nth(1)
        .unwrap()
        .split("</div>")
        .next()
        .unwrap();
    assert!(
        star.contains(">Star <span class=\"count\">1</span>") && star.contains("Beta Star Ltd"),
        "{star}"
    );
    assert!(
        matrix.contains("Invest time and money to build strength"),
        "quadrant strategy"
    );
    let unscored = matrix.split("<h2>Unscored").nth(1).unwrap();
    assert!(unscored.contains("Zeta Prospect SA"));

    let profile = read(&out.join("accounts/beta/index.html"));
    assert!(profile.contains("class=\"badge quadrant q-top_left\">Star</span>"));
}

#[test]
fn attention_items_follow_the_rules() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("portfolio"), &t.path().join("out"));
    let items: Vec<(String, String)> = json(&out.join("data/attention.json"))
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            assert_eq!(a.as_object().unwrap().len(), 3, "keys are exactly slug, kind, reason");
            (
                a["slug"].as_str().unwrap().to_string(),
                a["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("alpha", "blocker_decision_maker"),
        ("beta", "contact_stale"),
        ("beta", "missing_sponsor"),
        ("delta", "contact_stale"),
        ("epsilon", "blocker_decision_maker"),
        ("gamma", "review_overdue"),
        ("gamma", "account_stale"),
        ("gamma", "contact_stale"),
        ("gamma", "missing_owner"),
        ("zeta", "review_overdue"),
    ]
    .iter()
    .map(|(s, k)| (s.to_string(), k.to_string()))
    .collect();
    assert_eq!(items, expected);

    let dashboard = read(&out.join("index.html"));
    assert!(dashboard.contains("Needs attention <span class=\"count\">10</span>"));
    assert!(dashboard.contains("Bjorn Quiet (cfo) last contacted 2026-08-24, 91 days ago"));
    assert!(dashboard.contains("Account review was due 2026-11-22 (1 day ago)"));
    assert!(dashboard.contains("href=\"accounts/gamma/index.html\""));
    // Key-account capacity: 3 active key accounts is below the 15-35 guidance.
    assert!(
        dashboard.contains("You manage 3 active key accounts"),
        "alpha, beta, gamma"
    );
    // Pareto in words: top 20 % of 4 accounts with revenue = 1 account, 6 of 9.5 M.
    assert!(dashboard.contains("The top 20 % of accounts (1 of 4) bring <strong>63 %</strong> of revenue."));
}

#[test]
fn presets_switch_with_one_line() {
    let t = tempfile::tempdir().unwrap();
    let kaism = build_to(&with_preset("kaism", t.path()), &t.path().join("kaism"));
    assert_eq!(
        quadrants(&kaism),
        [
            q("alpha", Some("Key account")),
            q("beta", Some("Key development")),
            q("delta", Some("Opportunistic")),
            q("epsilon", Some("Opportunistic")),
            q("gamma", Some("Maintenance")),
            q("zeta", None),
        ]
    );
    // CPM: value (profitability 2, growth 1, reference 1) x cost to serve.
    let cpm = build_to(&with_preset("cpm", t.path()), &t.path().join("cpm"));
    assert_eq!(
        quadrants(&cpm),
        [
            q("alpha", Some("Platinum")), // high value, cost 3
            q("beta", Some("Gold")),      // value 5.0 (at threshold), cost 7
            q("delta", Some("Bronze")),   // low value, cost 9
            q("epsilon", Some("Bronze")), // value 3, cost 5 (at threshold: high cost)
            q("gamma", Some("Silver")),   // low value, cost 2
            q("zeta", None),
        ]
    );
    assert!(read(&cpm.join("matrix/index.html")).contains("CPM (Thakur &amp; Workman)"));
}

#[test]
fn dashboard_lists_the_largest_accounts_of_each_attention_kind() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    common::copy_dir(&fixture("portfolio"), &site);
    // 20 more accounts with an overdue review, revenue 1..20 M.
    for i in 1..=20 {
        let dir = site.join(format!("accounts/overdue-{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("account.yaml"),
            format!(
                "name: Overdue {i:02}\nstatus: prospect\nowner: O\nreview_by: 2026-01-01\n\
                 financials:\n  - {{ year: 2026, revenue: {i}000000 }}\n"
            ),
        )
        .unwrap();
    }
    let out = build_to(&site, &t.path().join("out"));
    let dashboard = read(&out.join("index.html"));
    let group = dashboard
        .split("att-review_overdue")
        .nth(1)
        .and_then(|g| g.split("</details>").next())
        .expect("a review-overdue group");
    // gamma and zeta from the fixture, and the 20 new ones: 22 in all.
    assert!(group.contains("<span class=\"count\">22</span>"), "{group}");
    let list = group.split("</ul>").next().unwrap();
    let shown: Vec<&str> = list
        .split("href=\"accounts/")
        .skip(1)
        .filter_map(|s| s.split('/').next())
        .collect();
    let largest: Vec<String> = (9..=20).rev().map(|i| format!("overdue-{i:02}")).collect();
    assert_eq!(shown, largest, "the 12 largest accounts, largest first");
    assert!(group.contains("10 more are on their account pages"), "{group}");
    // Every item is still in the data file.
    let items = json(&out.join("data/attention.json"));
    let overdue = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "review_overdue")
        .count();
    assert_eq!(overdue, 22);
}

#[test]
fn a_mistyped_factor_is_an_error_and_another_presets_factor_is_not() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path();
    std::fs::write(site.join("site.yaml"), "matrix:\n  preset: mcdonald\n").unwrap();
    let account = |slug: &str, scores: &str| {
        std::fs::create_dir_all(site.join(format!("accounts/{slug}"))).unwrap();
        std::fs::write(
            site.join(format!("accounts/{slug}/account.yaml")),
            format!(
                "name: {slug}\nscores:\n  profitability: 6\n  reference_value: 5\n  relationship: 5\n  price_position: 5\n  delivery_record: 5\n{scores}"
            ),
        )
        .unwrap();
    };
    account("typo", "  growht: 7\n");
    let (code, err) = common::check_site(site);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("× accounts/typo/account.yaml:8:11: score `growht` is not a factor of the portfolio matrix; did you mean `growth`?"),
        "{err}"
    );
    assert!(err.contains("check failed: 1 error,"), "{err}");

    // A CPM factor under McDonald, and an id close to nothing: not errors.
    std::fs::remove_dir_all(site.join("accounts/typo")).unwrap();
    account("other", "  growth: 7\n  cost_to_serve: 4\n  headcount: 3\n");
    let (code, err) = common::check_site(site);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("account.yaml:9:"), "no word about `cost_to_serve`: {err}");
    assert!(
        err.contains("⚠ accounts/other/account.yaml:10:14: score `headcount` is not a factor of the portfolio matrix and is ignored"),
        "{err}"
    );
}

/// A copy of the portfolio fixture with `edit` applied to its site.yaml.
fn site_with(dir: &std::path::Path, name: &str, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let site = dir.join(name);
    common::copy_dir(&fixture("portfolio"), &site);
    let yaml = edit(read(&site.join("site.yaml")));
    std::fs::write(site.join("site.yaml"), yaml).unwrap();
    site
}

#[test]
fn tier_and_stage_descriptions_are_shown_on_tiers_and_profiles() {
    let t = tempfile::tempdir().unwrap();
    let site = site_with(t.path(), "described", |y| {
        y + "tiers:\n  - { id: diamond, name: Diamond, key: true, description: Our few strategic partners }\n  \
             - { id: foundation, name: Foundation, key: true, description: Solid & growing }\n  \
             - { id: portfolio, name: Portfolio }\n  - { id: opportunistic, name: Opportunistic }\n\
             stages:\n  - { id: early-kam, name: Early, description: Exploring the fit }\n  \
             - { id: mid-kam, name: Middle, description: Trust \"built\" }\n  \
             - { id: partnership-kam, name: Partnership }\n  - { id: pre-kam, name: Pre }\n  - { id: uncoupling-kam, name: Uncoupling }\n"
    });
    let out = build_to(&site, &t.path().join("out"));
    let tiers = read(&out.join("tiers/index.html"));
    // In the table: a tooltip on each tier's row and stage's column, and the text itself.
    assert!(
        tiers.contains(r#"<th scope="row" title="Our few strategic partners">"#),
        "{tiers}"
    );
    assert!(tiers.contains(r#"<span class="row-note">Solid &amp; growing</span>"#));
    assert!(tiers.contains(r#"<th class="num" title="Exploring the fit">Early</th>"#));
    assert!(tiers.contains(r#"<th class="num" title="Trust &quot;built&quot;">Middle</th>"#));
    assert!(tiers.contains("<dt>Early</dt><dd>Exploring the fit</dd>"));
    assert!(
        tiers.contains(r#"<th class="num">Partnership</th>"#),
        "no tooltip without a description"
    );
    // alpha: diamond, partnership-kam; beta: foundation, mid-kam.
    let alpha = read(&out.join("accounts/alpha/index.html"));
    assert!(
        alpha.contains(r#"<span class="badge tier key" title="Our few strategic partners">Diamond</span>"#),
        "{alpha}"
    );
    assert!(alpha.contains(r#"<dt>Tier</dt><dd>Diamond<span class="row-note">Our few strategic partners</span></dd>"#));
    assert!(alpha.contains(r#"<span class="badge stage">Partnership</span>"#));
    let beta = read(&out.join("accounts/beta/index.html"));
    assert!(
        beta.contains(r#"<span class="badge stage" title="Trust &quot;built&quot;">Middle</span>"#),
        "{beta}"
    );
    assert!(beta.contains(
        r#"<dt>Relationship stage</dt><dd>Middle<span class="row-note">Trust &quot;built&quot;</span></dd>"#
    ));
}

#[test]
fn the_matrix_table_names_the_axes_of_its_preset() {
    let t = tempfile::tempdir().unwrap();
    for (preset, vertical, horizontal) in [
        ("cpm", "Value to the company", "Cost to serve"),
        ("kaism", "Customer attractiveness", "Our attractiveness to them"),
    ] {
        let out = build_to(&with_preset(preset, t.path()), &t.path().join(format!("out-{preset}")));
        let matrix = read(&out.join("matrix/index.html"));
        let head = format!(
            r#"<th>Account</th><th class="num axis-head">{vertical}</th><th class="num axis-head">{horizontal}</th>"#
        );
        assert!(matrix.contains(&head), "{preset}: {matrix}");
        assert!(!matrix.contains(">Attr.<") && !matrix.contains(">Str.<"), "{preset}");
    }
}

#[test]
fn a_share_that_rounds_to_zero_never_prints_a_minus() {
    let t = tempfile::tempdir().unwrap();
    let site = site_with(t.path(), "credit", |y| y);
    // A credit note: beta's revenue is a tiny negative share of the portfolio.
    let beta = site.join("accounts/beta/account.yaml");
    std::fs::write(&beta, read(&beta).replace("revenue: 2000000", "revenue: -1000")).unwrap();
    let out = build_to(&site, &t.path().join("out"));
    for page in [
        "index.html",
        "tiers/index.html",
        "accounts/beta/index.html",
        "accounts/index.html",
    ] {
        let html = read(&out.join(page));
        assert!(
            !html.contains("-0.0 %") && !html.contains("-0 %"),
            "{page} prints a negative zero share"
        );
    }
    assert!(read(&out.join("accounts/beta/index.html")).contains("<dd>0.0 %</dd>"));
}

#[test]
fn counts_agree_with_their_nouns() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("one");
    std::fs::create_dir_all(site.join("accounts/solo")).unwrap();
    std::fs::write(site.join("site.yaml"), "title: One\ntoday: 2026-11-23\n").unwrap();
    std::fs::write(
        site.join("accounts/solo/account.yaml"),
        "name: Solo AS\nstatus: active\ntier: diamond\nstage: mid-kam\nowner: Kari\nsponsor: Ola\nreview_by: 2026-01-01\n\
         opportunities:\n  - { id: one, title: One deal, value: 100000, probability: 0.5, stage: proposal, close: 2027-01-01 }\n",
    )
    .unwrap();
    let out = build_to(&site, &t.path().join("out"));
    let home = common::text(&read(&out.join("index.html")));
    for phrase in [
        "1 account · 1 active key account ·",
        "You manage 1 active key account.",
        "1 open opportunity,",
        "1 review due",
    ] {
        assert!(home.contains(phrase), "{phrase:?} not in {home}");
    }
    for wrong in [
        "1 accounts",
        "1 active key accounts",
        "1 open opportunities",
        "1 reviews",
    ] {
        assert!(!home.contains(wrong), "{wrong:?} in {home}");
    }
    assert!(common::text(&read(&out.join("accounts/index.html"))).contains("1 account."));
}
