//! Assessments (SPEC 9), account health and the tier, stage and matrix
//! presets: the numbers of the `assessments` fixture against values worked
//! out by hand, and bad files against their file:line:column.

mod common;

use common::{check_site, fixture, kamsite};
use kamsite::analyze::{AccountView, Portfolio};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn with_portfolio(check: impl FnOnce(&Portfolio)) {
    let (site, diags) = kamsite::load::load(&fixture("assessments"));
    assert!(!diags.has_errors(), "{:?}", diags.into_sorted());
    let today = kamsite::today(&site.config);
    let p = kamsite::analyze::analyze(&site, today);
    check(&p);
}

fn account<'p, 'a>(p: &'p Portfolio<'a>, slug: &str) -> &'p AccountView<'a> {
    p.accounts.iter().find(|a| a.slug == slug).unwrap()
}

/// (latest overall, previous overall, change) of one framework of an account.
fn track(a: &AccountView, framework: &str) -> (Option<f64>, Option<f64>, Option<f64>) {
    let t = a.assessments.iter().find(|t| t.framework.id == framework).unwrap();
    (
        t.latest.as_ref().and_then(|l| l.overall),
        t.previous.as_ref().and_then(|l| l.overall),
        t.change,
    )
}

#[test]
fn overall_scores_and_changes_match_the_hand_worked_numbers() {
    with_portfolio(|p| {
        let acme = account(p, "acme");
        // Trust equation: (7 + 8 + 5) / 3 after (6 + 7 + 4) / 5, listed newest first in the file.
        let (l, prev, ch) = track(acme, "trust");
        assert!(close(l.unwrap(), 20.0 / 3.0), "{l:?}");
        assert!(close(prev.unwrap(), 3.4));
        assert!(close(ch.unwrap(), 20.0 / 3.0 - 3.4));
        // Relationship flower: the mean, 34 / 5 after 30 / 5.
        let (l, prev, ch) = track(acme, "flower");
        assert_eq!((l, prev), (Some(6.8), Some(6.0)));
        assert!(close(ch.unwrap(), 0.8));
        // Selection criteria: five of eight met; one assessment, no change.
        assert_eq!(track(acme, "selection"), (Some(5.0), None, None));
        // The site's own survey on 1..7: the mean.
        assert_eq!(track(acme, "survey"), (Some(5.5), None, None));
        assert_eq!(track(acme, "intimacy"), (None, None, None));
        // The trend runs oldest first.
        let trust = &acme.assessments[1];
        let dates: Vec<String> = trust.history.iter().map(|a| a.date.unwrap().to_string()).collect();
        assert_eq!(dates, ["2026-01-15", "2026-06-30"]);
        assert_eq!(trust.latest.as_ref().unwrap().by, Some("Kari Nordmann"));
        assert_eq!(trust.days_since, Some(146));
        assert!(!trust.stale, "146 days is within the trust equation's own 180");
    });
}

#[test]
fn assessments_fall_due_when_old_or_missing_on_a_key_account() {
    with_portfolio(|p| {
        let due = |slug: &str| -> Vec<String> {
            account(p, slug)
                .attention
                .iter()
                .filter(|a| a.kind.as_str() == "assessment_due")
                .map(|a| a.reason.clone())
                .collect()
        };
        // acme (Tier 1, key): never on intimacy and value; selection is 295 days old.
        assert_eq!(
            due("acme"),
            [
                "Key account never assessed on Customer intimacy",
                "Latest Selection criteria assessment is from 2026-02-01, 295 days ago (limit 90)",
                "Key account never assessed on Relationship value",
            ]
        );
        // bolt (Tier 4, not key): only its stale flower, 540 days old.
        assert_eq!(
            due("bolt"),
            ["Latest Relationship flower assessment is from 2025-06-01, 540 days ago (limit 90)"]
        );
        // cora is a former account: nothing is due; dune, a prospect in
        // Tier 1, is not due an assessment it never had.
        assert!(due("cora").is_empty());
        assert!(due("dune").is_empty());
        assert_eq!(p.summary.assessments_due, 4);
        assert!(
            p.dashboard
                .attention_groups
                .iter()
                .any(|g| g.kind == "assessment_due" && g.total == 4)
        );
    });
}

#[test]
fn health_matches_the_hand_worked_numbers() {
    with_portfolio(|p| {
        let acme = account(p, "acme").health.as_ref().unwrap();
        // Weights with data: notes 2, contacts 1, DMU 1, stance 1, KPIs 1, trust 2 = 8.
        // 25 (fresh note) + 12.5 * 0.5 (one of two contacts fresh) + 12.5 (DMU
        // complete) + 12.5 * 5/6 (stance +2) + 12.5 * 0.5 (KPI half way) +
        // 25 * ln((20/3) / 0.3) / ln(100).
        let trust = ((20.0f64 / 3.0) / 0.3).ln() / 100f64.ln();
        let exact = 25.0 + 6.25 + 12.5 + 12.5 * 5.0 / 6.0 + 6.25 + 25.0 * trust;
        assert!((acme.score - exact).abs() < 0.05, "{} vs {exact}", acme.score);
        assert_eq!(acme.score, 77.3);
        let lost: Vec<(&str, f64)> = acme
            .signals
            .iter()
            .map(|s| (s.id.as_str(), (s.lost * 100.0).round() / 100.0))
            .collect();
        assert_eq!(
            lost,
            [
                ("note_freshness", 0.0),
                ("contact_freshness", 6.25),
                ("dmu_coverage", 0.0),
                ("decision_maker_stance", 2.08),
                ("kpi_progress", 6.25),
                ("plan_status", 0.0),
                ("win_rate", 0.0),
                ("assessments.trust", 8.17),
            ]
        );
        let plan = acme.signals.iter().find(|s| s.id == "plan_status").unwrap();
        assert_eq!((plan.value, plan.max_points), (None, 0.0), "no plan: not counted");

        // bolt: no note (0 of 40), no DMU (0 of 20), a draft plan with one of
        // two initiatives at risk (0.25 of 20), one won and one lost (0.5 of 20).
        assert_eq!(account(p, "bolt").health.as_ref().unwrap().score, 15.0);
        // cora: no note (0 of 40), no DMU (0 of 20), trust 15 / 5 = 3 is 0.5 of 40.
        assert_eq!(account(p, "cora").health.as_ref().unwrap().score, 20.0);
    });
}

#[test]
fn distributions_count_the_latest_scores() {
    with_portfolio(|p| {
        let d = &p.assessments.distributions;
        let flower = d.iter().find(|d| d.framework.id == "flower").unwrap();
        let counts: Vec<usize> = flower.bins.iter().map(|b| b.count).collect();
        assert_eq!(counts, [0, 0, 1, 1, 0], "bolt 5.0 in 4-6, acme 6.8 in 6-8");
        assert_eq!((flower.assessed, flower.not_assessed, flower.stale), (2, 2, 1));
        let trust = d.iter().find(|d| d.framework.id == "trust").unwrap();
        let counts: Vec<usize> = trust.bins.iter().map(|b| b.count).collect();
        assert_eq!(counts, [0, 0, 0, 1, 0, 1], "cora 3.0, acme 6.67");
        let selection = d.iter().find(|d| d.framework.id == "selection").unwrap();
        assert_eq!(selection.bins.len(), 9, "0 to 8 criteria met");
        assert_eq!(selection.bins[5].count, 1);
        assert_eq!(p.assessments.rows.len(), 3);
    });
}

#[test]
fn presets_give_the_seed_models() {
    with_portfolio(|p| {
        let tiers: Vec<(&str, bool)> = p.config.tiers.iter().map(|t| (t.id.as_str(), t.key)).collect();
        assert_eq!(
            tiers,
            [("tier-1", true), ("tier-2", true), ("tier-3", true), ("tier-4", false)]
        );
        assert!(p.config.tiers[3].description.as_deref().unwrap().starts_with("Price"));
        let stages: Vec<&str> = p.config.stages.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            stages,
            [
                "exploratory",
                "basic",
                "cooperative",
                "interdependent",
                "integrated",
                "disintegrating"
            ]
        );
        assert_eq!(p.config.tier_model, Some("The value journey (Cranfield)"));
        let dims: Vec<&str> = p.config.assessments[3]
            .dimensions
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(
            dims,
            [
                "market_share_gain",
                "growth_market",
                "innovative",
                "opinion_leader",
                "reference_value",
                "competitor_target",
                "profit_contribution",
                "co_development"
            ]
        );
    });
}

/// A copy of the fixture with one file rewritten.
fn broken(t: &tempfile::TempDir, file: &str, from: &str, to: &str) -> std::path::PathBuf {
    let root = t.path().join("site");
    common::copy_dir(&fixture("assessments"), &root);
    let path = root.join(file);
    let text = common::read(&path);
    assert!(text.contains(from), "{from} not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    root
}

#[test]
fn bad_assessments_name_file_line_and_column() {
    let cases = [
        (
            "accounts/acme/account.yaml",
            "logistics: 7",
            "logistcs: 7",
            "accounts/acme/account.yaml:19:27: `logistcs` is not a dimension of `flower`",
            "did you mean `logistics`?",
        ),
        (
            "accounts/acme/account.yaml",
            "self_orientation: 3",
            "self_orientation: 11",
            "accounts/acme/account.yaml:13:80: score 11 for `self_orientation` is outside the scale 1..10 of `trust`",
            "score `self_orientation` from 1 to 10",
        ),
        (
            "accounts/acme/account.yaml",
            "{ assessment: survey,",
            "{ assessment: surveys,",
            "accounts/acme/account.yaml:24:19: unknown assessment framework `surveys`",
            "did you mean `survey`?",
        ),
        (
            "accounts/acme/account.yaml",
            "{ assessment: survey, date: 2026-10-01,",
            "{ assessment: survey,",
            "accounts/acme/account.yaml:24:19: assessment `survey` has no `date`",
            "add `date: YYYY-MM-DD`",
        ),
        (
            "accounts/acme/account.yaml",
            "innovative: 0",
            "innovative: 0.5",
            "accounts/acme/account.yaml:22:67: `innovative` of the checklist `selection` is 0.5",
            "write 1 when the criterion is met",
        ),
        (
            "site.yaml",
            "assessments: { trust: 2 }",
            "assessments: { trsut: 2 }",
            "site.yaml:28:25: unknown assessment framework `trsut`",
            "did you mean `trust`?",
        ),
        (
            "site.yaml",
            "{ id: value, preset: relationship-value }",
            "{ id: value, preset: relationship-valu }",
            "site.yaml:13:26: unknown value `relationship-valu`",
            "did you mean `relationship-value`?",
        ),
    ];
    for (file, from, to, location, help) in cases {
        let t = tempfile::tempdir().unwrap();
        let root = broken(&t, file, from, to);
        let o = kamsite().args(["check", "--root"]).arg(&root).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let out = String::from_utf8_lossy(&o.stdout);
        let all = format!("{out}{err}");
        assert_eq!(o.status.code(), Some(1), "{to}: {all}");
        assert!(all.contains(location), "{to}: expected {location} in\n{all}");
        assert!(all.contains(help), "{to}: expected {help} in\n{all}");
    }
}

#[test]
fn check_reports_every_bad_assessment_at_once() {
    let t = tempfile::tempdir().unwrap();
    let root = broken(&t, "accounts/acme/account.yaml", "logistics: 7", "logistcs: 7");
    let path = root.join("accounts/acme/account.yaml");
    let text = common::read(&path)
        .replace("self_orientation: 3", "self_orientation: 0")
        .replace("{ assessment: survey,", "{ assessment: surveys,");
    std::fs::write(&path, text).unwrap();
    let (code, err) = check_site(&root);
    assert_eq!(code, Some(1));
    for needle in [
        "`logistcs` is not a dimension",
        "score 0 for `self_orientation`",
        "unknown assessment framework `surveys`",
    ] {
        assert!(err.contains(needle), "{needle} in\n{err}");
    }
}

#[test]
fn the_schema_of_a_site_names_its_frameworks_and_dimensions() {
    let t = tempfile::tempdir().unwrap();
    let o = kamsite()
        .args(["schema", "--root"])
        .arg(fixture("assessments"))
        .arg("--out")
        .arg(t.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let schema: serde_json::Value = serde_json::from_str(&common::read(&t.path().join("account.schema.json"))).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let item = &schema["definitions"]["Assessment"];
    assert_eq!(
        item["properties"]["assessment"]["enum"],
        serde_json::json!(["flower", "trust", "intimacy", "selection", "value", "survey"])
    );
    let ok = serde_json::json!({ "name": "A", "assessments": [
        { "assessment": "survey", "date": "2026-01-01", "scores": { "satisfaction": 7 } }
    ]});
    assert!(validator.is_valid(&ok));
    for bad in [
        serde_json::json!({ "assessment": "survey", "scores": { "satisfaction": 8 } }),
        serde_json::json!({ "assessment": "survey", "scores": { "satisfacton": 5 } }),
        serde_json::json!({ "assessment": "surveys" }),
        serde_json::json!({ "assessment": "selection", "scores": { "innovative": 0.5 } }),
    ] {
        let doc = serde_json::json!({ "name": "A", "assessments": [bad] });
        assert!(!validator.is_valid(&doc), "{doc}");
    }
}

/// The SVG of the chart after `marker` in `html`.
fn svg_after<'h>(html: &'h str, marker: &str) -> &'h str {
    let at = html.find(marker).unwrap_or_else(|| panic!("{marker} not on the page"));
    let start = at + html[at..].find("<svg").unwrap();
    let end = start + html[start..].find("</svg>").unwrap() + 6;
    &html[start..end]
}

fn points(d: &str) -> Vec<(f64, f64)> {
    let nums: Vec<f64> = d.split([' ', ',']).filter_map(|t| t.parse().ok()).collect();
    nums.chunks(2).map(|c| (c[0], c[1])).collect()
}

#[test]
fn radar_and_trend_charts_draw_the_data() {
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&fixture("assessments"), &t.path().join("out"));
    let html = common::read(&out.join("accounts/acme/index.html"));
    let radar = svg_after(&html, "id=\"assessment-trust\"");
    let doc = roxmltree::Document::parse(radar).unwrap();
    let paths: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("path")).collect();
    let stroke = |n: &roxmltree::Node| n.attribute("stroke").unwrap_or("").to_string();
    // The web's rings: the outermost is the scale's maximum, its centre the minimum.
    let rings: Vec<Vec<(f64, f64)>> = paths
        .iter()
        .filter(|p| stroke(p) == "#E0E6F2")
        .map(|p| points(p.attribute("d").unwrap()))
        .collect();
    let rim = rings
        .iter()
        .max_by(|a, b| (a[1].0 - a[3].0).total_cmp(&(b[1].0 - b[3].0)))
        .unwrap();
    let (cx, cy) = (
        rim.iter().map(|p| p.0).sum::<f64>() / rim.len() as f64,
        rim.iter().map(|p| p.1).sum::<f64>() / rim.len() as f64,
    );
    let radius = (rim[0].1 - cy).abs();
    let on_scale = |series: &str| -> Vec<f64> {
        let p = paths.iter().find(|p| stroke(p) == series).unwrap();
        points(p.attribute("d").unwrap())
            .iter()
            .map(|(x, y)| 1.0 + 9.0 * ((x - cx).hypot(y - cy) / radius))
            .collect()
    };
    let close_to = |got: Vec<f64>, want: [f64; 4]| {
        assert!(
            got.iter().zip(want).all(|(g, w)| (g - w).abs() < 0.05),
            "{got:?} vs {want:?}"
        );
    };
    // Latest (2026-06-30) in blue over the previous (2026-01-15) in grey,
    // each vertex at (score - 1) / 9 of the way from centre to rim.
    close_to(on_scale("#2563EB"), [7.0, 8.0, 5.0, 3.0]);
    close_to(on_scale("#94A3B8"), [6.0, 7.0, 4.0, 5.0]);
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for name in ["Credibility", "Reliability", "Intimacy", "Self-orientation"] {
        assert!(labels.contains(&name), "{labels:?}");
    }

    // The trend: one point per date, at its overall score on the value axis.
    let trend = svg_after(&html[html.find("id=\"assessment-trust\"").unwrap()..], "<h4>Trend");
    let doc = roxmltree::Document::parse(trend).unwrap();
    let grid: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("line"))
        .filter(|n| n.attribute("y1") == n.attribute("y2"))
        .map(|n| n.attribute("y1").unwrap().parse().unwrap())
        .collect();
    let (top, bottom) = (
        grid.iter().copied().fold(f64::MAX, f64::min),
        grid.iter().copied().fold(f64::MIN, f64::max),
    );
    let ticks: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text()?.trim().parse().ok())
        .filter(|v: &f64| v.fract() == 0.0)
        .collect();
    let axis_max = ticks.iter().copied().fold(0.0, f64::max);
    let line = doc
        .descendants()
        .find(|n| n.has_tag_name("path") && n.attribute("stroke") == Some("#2563EB"))
        .unwrap();
    let values: Vec<f64> = points(line.attribute("d").unwrap())
        .iter()
        .map(|(_, y)| (bottom - y) / (bottom - top) * axis_max)
        .collect();
    assert_eq!(values.len(), 2);
    assert!(
        (values[0] - 3.4).abs() < 0.05 && (values[1] - 20.0 / 3.0).abs() < 0.05,
        "{values:?}"
    );
}

#[test]
fn data_files_carry_health_latest_scores_and_due_assessments() {
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&fixture("assessments"), &t.path().join("out"));
    let accounts: serde_json::Value = serde_json::from_str(&common::read(&out.join("data/accounts.json"))).unwrap();
    let acme = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "acme")
        .unwrap();
    assert_eq!(acme["health"], 77.3);
    let trust = acme["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["framework"] == "trust")
        .unwrap();
    assert!((trust["overall"].as_f64().unwrap() - 20.0 / 3.0).abs() < 1e-9);
    assert!((trust["change"].as_f64().unwrap() - (20.0 / 3.0 - 3.4)).abs() < 1e-9);
    assert_eq!(trust["date"], "2026-06-30");
    assert_eq!(trust["scores"]["self_orientation"], 3.0);
    let lost: f64 = acme["health_signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["lost"].as_f64().unwrap())
        .sum();
    assert!(
        (100.0 - 77.25 - lost).abs() < 0.01,
        "the points lost add up to 100 - health: {lost}"
    );
    let attention: serde_json::Value = serde_json::from_str(&common::read(&out.join("data/attention.json"))).unwrap();
    let due: Vec<(&str, &str)> = attention
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "assessment_due")
        .map(|a| (a["slug"].as_str().unwrap(), a["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(due.len(), 4, "{due:?}");
    assert_eq!(due[0].0, "acme");
    let page = common::read(&out.join("assessments/index.html"));
    assert!(page.contains("▲ +3.3"), "acme's trust change with its arrow");
    assert!(
        page.contains("5<span class=\"of\"> / 8</span>"),
        "the checklist out of 8"
    );
}
