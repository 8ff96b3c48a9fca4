//! SPEC 10: whitespace, account groups and competitor stances: the checks
//! (file:line:col for unknown ids, cycles, ranges).

mod common;

use common::check_site;

fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = t.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    t
}

fn errors(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("× "))
        .map(str::to_string)
        .collect()
}

const SITE: &str = "offerings:\n  - { id: erp, name: ERP }\n  - { id: cloud, name: Cloud }\nbuying_units:\n  - { id: finance, name: Finance }\n  - { id: ops, name: Operations }\n";

#[test]
fn unknown_offerings_and_buying_units_bad_status_and_stance_are_all_reported() {
    let t = site(&[
        ("site.yaml", SITE),
        (
            "accounts/acme/account.yaml",
            "name: Acme\nwhitespace:\n  - offering: clud\n    buying_unit: finanse\n    status: open\n  - offering: erp\n    status: current\nopportunities:\n  - id: o1\n    offering: erpp\ncontacts:\n  - id: ingrid\n    name: Ingrid\n    competitor_stance: { Rival: 4 }\n",
        ),
    ]);
    let (code, stderr) = check_site(t.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        errors(&stderr),
        [
            "accounts/acme/account.yaml:3:15: unknown offering `clud`",
            "accounts/acme/account.yaml:4:18: unknown buying unit `finanse`",
            "accounts/acme/account.yaml:10:15: unknown offering `erpp`",
            "accounts/acme/account.yaml:14:33: competitor stance 4 for `Rival` is outside -3..3",
        ],
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `cloud`?"), "{stderr}");
    assert!(stderr.contains("did you mean `finance`?"), "{stderr}");
    assert!(stderr.contains("did you mean `erp`?"), "{stderr}");
}

#[test]
fn a_bad_whitespace_status_names_the_allowed_values() {
    let t = site(&[
        ("site.yaml", SITE),
        (
            "accounts/acme/account.yaml",
            "name: Acme\nwhitespace:\n  - offering: erp\n    status: maybe\n",
        ),
    ]);
    let (code, stderr) = check_site(t.path());
    assert_eq!(code, Some(1), "{stderr}");
    let e = errors(&stderr);
    assert_eq!(e.len(), 1, "{stderr}");
    assert!(e[0].starts_with("accounts/acme/account.yaml:4:13:"), "{stderr}");
    assert!(
        stderr.contains("current") && stderr.contains("not-applicable"),
        "{stderr}"
    );
}

#[test]
fn unknown_parent_and_cycles_are_errors_with_positions() {
    let t = site(&[
        ("site.yaml", SITE),
        ("accounts/acme/account.yaml", "name: Acme\nparent: globex\n"),
        ("accounts/globex/account.yaml", "name: Globex\nparent: acme\n"),
        ("accounts/initech/account.yaml", "name: Initech\n\nparent: acmee\n"),
        ("accounts/solo/account.yaml", "name: Solo\nparent: solo\n"),
    ]);
    let (code, stderr) = check_site(t.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        errors(&stderr),
        [
            "accounts/acme/account.yaml:2:9: account groups form a cycle: acme -> globex -> acme",
            "accounts/globex/account.yaml:2:9: account groups form a cycle: globex -> acme -> globex",
            "accounts/initech/account.yaml:3:9: unknown parent account `acmee`",
            "accounts/solo/account.yaml:2:9: account `solo` names itself as its parent",
        ],
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `acme`?"), "{stderr}");
}

/// The walk up from each account stops at an account already known to
/// reach a head; a chain that joins one is no cycle, a chain that leads
/// into a cycle is not one itself, and the cycle is still reported at each
/// of its members.
#[test]
fn chains_joining_a_checked_chain_or_leading_into_a_cycle_are_not_cycles() {
    let t = site(&[
        ("site.yaml", SITE),
        ("accounts/a-top/account.yaml", "name: Top\n"),
        ("accounts/b/account.yaml", "name: B\nparent: a-top\n"),
        ("accounts/c/account.yaml", "name: C\nparent: b\n"),
        ("accounts/d/account.yaml", "name: D\nparent: c\n"),
        ("accounts/w/account.yaml", "name: W\nparent: x\n"),
        ("accounts/x/account.yaml", "name: X\nparent: y\n"),
        ("accounts/y/account.yaml", "name: Y\nparent: x\n"),
        ("accounts/z/account.yaml", "name: Z\nparent: d\n"),
    ]);
    let (code, stderr) = check_site(t.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        errors(&stderr),
        [
            "accounts/x/account.yaml:2:9: account groups form a cycle: x -> y -> x",
            "accounts/y/account.yaml:2:9: account groups form a cycle: y -> x -> y",
        ],
        "{stderr}"
    );
}

#[test]
fn a_valid_group_with_whitespace_checks_clean() {
    let t = site(&[
        ("site.yaml", SITE),
        ("accounts/acme/account.yaml", "name: Acme\n"),
        (
            "accounts/acme-se/account.yaml",
            "name: Acme Sweden\nparent: acme\nwhitespace:\n  - { offering: erp, buying_unit: ops, status: pursuing, potential: 100000 }\ncontacts:\n  - { id: a, name: A, stance: 1, competitor_stance: { Rival: 2 } }\n",
        ),
    ]);
    let (code, stderr) = check_site(t.path());
    assert_eq!(code, Some(0), "{stderr}");
}

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&common::fixture("groups"), &t.path().join("out"));
    (t, out)
}

fn json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&common::read(path)).unwrap()
}

/// Worked by hand from tests/fixtures/groups: cells open or pursuing count
/// their potential (lost does not); pipeline is open opportunities only
/// (probability 1 is won, 0 lost).
#[test]
fn open_potential_and_pipeline_per_offering_match_the_hand_worked_values() {
    let (_t, out) = built();
    let ws = json(&out.join("data/whitespace.json"));
    let by: Vec<(String, Vec<String>, f64, f64, f64)> = ws["by_offering"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_string(),
                o["current_accounts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
                o["open_potential"].as_f64().unwrap(),
                o["pipeline"].as_f64().unwrap(),
                o["weighted_pipeline"].as_f64().unwrap(),
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        by,
        vec![
            (
                "erp".into(),
                s(&["globex", "globex-nordics"]),
                0.0,
                500_000.0,
                100_000.0
            ),
            ("cloud".into(), s(&[]), 320_000.0, 240_000.0, 120_000.0),
            ("support".into(), s(&["initech"]), 80_000.0, 80_000.0, 20_000.0),
        ]
    );
    assert_eq!(ws["cells"].as_array().unwrap().len(), 8);
    assert_eq!(ws["cells"][1]["note"], "Migration due 2027");
    assert_eq!(ws["buying_units"][1]["name"], "Operations");
}

#[test]
fn group_revenue_pipeline_and_potential_roll_up_over_every_level() {
    let (_t, out) = built();
    let p = json(&out.join("data/pipeline.json"));
    let groups = p["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{p:#}");
    let g = &groups[0];
    assert_eq!(g["head"], "globex");
    assert_eq!(g["members"], serde_json::json!(["globex-nordics", "globex-se"]));
    assert_eq!(g["children"], serde_json::json!(["globex-nordics"]));
    assert_eq!(
        g["revenue"],
        serde_json::json!([{"year": 2025, "revenue": 1_400_000.0}, {"year": 2026, "revenue": 1_850_000.0}])
    );
    assert_eq!(g["pipeline"], 320_000.0);
    assert_eq!(g["weighted_pipeline"], 140_000.0);
    assert_eq!(g["open_potential"], 400_000.0);
    let n = &groups[1];
    assert_eq!(n["head"], "globex-nordics");
    assert_eq!(n["members"], serde_json::json!(["globex-se"]));
    assert_eq!(
        n["revenue"],
        serde_json::json!([{"year": 2025, "revenue": 400_000.0}, {"year": 2026, "revenue": 650_000.0}])
    );
    assert_eq!(n["pipeline"], 120_000.0);
}

#[test]
fn owner_books_and_the_portfolio_pipeline_match_the_hand_worked_values() {
    let (_t, out) = built();
    let p = json(&out.join("data/pipeline.json"));
    let owners: Vec<(String, String, f64, f64)> = p["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["owner"].as_str().unwrap().into(),
                o["slug"].as_str().unwrap().into(),
                o["pipeline"].as_f64().unwrap(),
                o["weighted_pipeline"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        owners,
        vec![
            ("Ada Lovelace".into(), "ada-lovelace".into(), 280_000.0, 120_000.0),
            ("Grace Hopper".into(), "grace-hopper".into(), 540_000.0, 120_000.0),
        ]
    );
    let bucket = |b: &serde_json::Value| {
        (
            b["key"].as_str().unwrap().to_string(),
            b["count"].as_u64().unwrap(),
            b["value"].as_f64().unwrap(),
            b["weighted"].as_f64().unwrap(),
        )
    };
    let pl = &p["pipeline"];
    let stages: Vec<_> = pl["by_stage"].as_array().unwrap().iter().map(bucket).collect();
    assert_eq!(
        stages,
        vec![
            ("proposal".into(), 2, 240_000.0, 120_000.0),
            ("qualified".into(), 2, 580_000.0, 120_000.0)
        ]
    );
    let quarters: Vec<_> = pl["by_quarter"].as_array().unwrap().iter().map(bucket).collect();
    assert_eq!(
        quarters,
        vec![
            ("2026-Q3".into(), 2, 700_000.0, 200_000.0),
            ("2026-Q4".into(), 1, 80_000.0, 20_000.0),
            ("(none)".into(), 1, 40_000.0, 20_000.0)
        ]
    );
    assert_eq!(bucket(&pl["total"]), ("total".into(), 4, 820_000.0, 240_000.0));
    let opps = json(&out.join("data/opportunities.json"));
    let opps = opps.as_array().unwrap();
    assert_eq!(opps.len(), 6);
    let g1 = opps.iter().find(|o| o["id"] == "g1").unwrap();
    assert_eq!(g1["offering"], "cloud");
    assert_eq!(g1["account_owner"], "Ada Lovelace");
    assert_eq!(g1["tier"], "diamond");
    assert_eq!(g1["quarter"], "2026-Q3");
}
