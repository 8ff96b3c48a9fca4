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
