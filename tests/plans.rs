//! Joint business plans: internal plan pages, the comparison with the
//! previous plan, the customer build, plan diagnostics and sanitising.

mod common;

use std::path::Path;

use common::{build_to, check_site, fixture, kamsite, read, text, tree};
use predicates::prelude::*;

fn customer_build(root: &Path, slug: &str, out: &Path) -> std::path::PathBuf {
    let o = kamsite()
        .args(["build", "--audience", "customer", "--account", slug, "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.to_path_buf()
}

#[test]
fn plan_page_shows_the_plan_and_what_changed() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("pages"), &t.path().join("site"));
    let page = read(&out.join("accounts/kessler-werke/plans/2026/index.html"));
    let words = text(&page);
    // Objectives, priorities, initiatives with owners on both sides, KPIs, milestones, governance.
    for s in [
        "Joint business plan 2026",
        "Bring the Brno plant onto a shared MES with real-time quality data",
        "Start of production for the new OEM platform at Brno in Q3 2026",
        "MES roll-out at Brno",
        "Tom Fischer",
        "Petr Novák",
        "Plant Director Brno",
        "First-pass yield Brno",
        "6 months",
        "first MES production cell live in Brno",
        "Monthly operational review; six-monthly executive steering meeting",
        "Dr. Matthias Richter",
    ] {
        assert!(words.contains(s), "plan page lacks {s}");
    }
    assert!(page.contains("class=\"kpi-chart\""), "KPI chart");
    assert!(page.contains("baseline 62") && page.contains("target 43"));
    // Internal items are on the internal page, marked.
    assert!(words.contains("Grow our share of wallet to 60 % by the end of 2026 internal"));
    assert!(words.contains("Defend the Heilbronn service renewal against Bruhn internal"));
    // What changed since 2025.
    let changes = &words[words.find("What changed since 2025").expect("comparison")..];
    let changes = &changes[..changes.find("Shared objectives").unwrap()];
    for s in [
        "+ added Bring the Brno plant onto a shared MES with real-time quality data",
        "− dropped Cut energy use per stamped part",
        "↕ moved Unplanned downtime on press lines: 50 → 43 hours/month",
        "↕ moved OEE on press lines: 78 → 82 %",
        "+ new KPI First-pass yield Brno",
        "− dropped Energy per stamped part",
        "✓ completed Predictive maintenance on press lines 1 to 4",
        "✓ completed Energy metering on all press lines",
        "→ carried over Controls platform harmonisation, Brno",
        "→ carried over Operator training academy",
        "+ new MES roll-out at Brno",
    ] {
        assert!(changes.contains(s), "comparison lacks `{s}`:\n{changes}");
    }
    // The first plan has nothing to compare with.
    let first = read(&out.join("accounts/kessler-werke/plans/2025/index.html"));
    assert!(!first.contains("What changed since"));
}

#[test]
fn overdue_and_at_risk_initiatives_are_flagged() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("pages"), &t.path().join("site"));
    // today is 2026-11-23: the 2025 plan's open initiatives due in 2025 are overdue.
    let page = read(&out.join("accounts/kessler-werke/plans/2025/index.html"));
    let row = page
        .split("<tr class=")
        .skip(1)
        .find(|r| r.contains("Operator training academy"))
        .unwrap();
    assert!(row.contains("is-overdue") && row.contains("overdue 327 d"), "{row}");
    let done = page
        .split("<tr class=")
        .skip(1)
        .find(|r| r.contains("Predictive maintenance on press lines 1 to 4"))
        .unwrap();
    assert!(!done.contains("overdue"), "a done initiative is never overdue");
    let page = read(&out.join("accounts/kessler-werke/plans/2026/index.html"));
    let row = page
        .split("<tr class=")
        .skip(1)
        .find(|r| r.contains("Vision inspection data integration"))
        .unwrap();
    assert!(row.contains("is-at-risk") && row.contains("init-at-risk"), "{row}");
}

#[test]
fn plans_are_listed_and_linked() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&common::example_site(), &t.path().join("site"));
    let list = read(&out.join("plans/index.html"));
    for (slug, period) in [
        ("kessler-werke", "2025"),
        ("kessler-werke", "2026"),
        ("havbris-energi", "2026"),
        ("tamarack-foods", "2026"),
    ] {
        let href = format!("href=\"../accounts/{slug}/plans/{period}/index.html\"");
        assert!(list.contains(&href), "/plans/ lacks {href}");
        assert!(out.join(format!("accounts/{slug}/plans/{period}/index.html")).is_file());
    }
    assert!(text(&list).contains("vs 2025: 1 objective added, 1 dropped; 2 targets moved"));
    // The portal's navigation and the account profile lead to the plans.
    assert!(read(&out.join("index.html")).contains("href=\"plans/index.html\""));
    let profile = read(&out.join("accounts/kessler-werke/index.html"));
    assert!(profile.contains("href=\"../../accounts/kessler-werke/plans/2026/index.html\""));
    assert!(profile.contains("href=\"../../accounts/kessler-werke/plans/2025/index.html\""));
    let other = read(&out.join("accounts/alpenmilch/index.html"));
    assert!(other.contains("No plan yet"));
}

#[test]
fn customer_build_is_the_plan_without_the_internals() {
    let t = tempfile::tempdir().unwrap();
    let out = customer_build(&fixture("pages"), "kessler-werke", &t.path().join("c"));
    let files = tree(&out);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".kamsite",
            "customer.css",
            "fonts/LICENSE.txt",
            "fonts/Roboto-Regular.ttf",
            "index.html",
            "plans.css",
            "plans/2025/index.html",
            "plans/2026/index.html",
            "robots.txt",
        ]
    );
    let index = text(&read(&out.join("index.html")));
    assert!(
        index.starts_with("Joint business plans · Kessler Werke GmbH Kessler Werke GmbH"),
        "{index}"
    );
    assert!(index.contains("Executive steering meeting, Heilbronn"), "shared note");
    assert!(!index.contains("Service renewal working session"), "internal note");
    let plan = read(&out.join("plans/2026/index.html"));
    let words = text(&plan);
    assert!(words.contains("Bring the Brno plant onto a shared MES with real-time quality data"));
    assert!(
        words.contains("Petr Novák Plant Director Brno"),
        "owner by name and title"
    );
    assert!(words.contains("What changed since 2025"));
    assert!(words.contains("↕ moved Unplanned downtime on press lines: 50 → 43 hours/month"));
    for internal in [
        "Grow our share of wallet",
        "Defend the Heilbronn service renewal",
        "Share of wallet",
        "Bruhn",
        "Position Nordlys for the Brno MES tender",
    ] {
        assert!(!words.contains(internal), "customer plan shows {internal}");
    }
    // Nothing of the portal: no navigation, no data, no links out.
    assert!(!plan.contains("accounts/") && !plan.contains("matrix/") && !plan.contains("style.css"));
}

#[test]
fn customer_build_needs_a_known_account() {
    kamsite()
        .args(["build", "--audience", "customer", "--root"])
        .arg(fixture("pages"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("needs --account SLUG"));
    let t = tempfile::tempdir().unwrap();
    kamsite()
        .args(["build", "--audience", "customer", "--account", "kessler-werk", "--root"])
        .arg(fixture("pages"))
        .arg("--out")
        .arg(t.path().join("c"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `kessler-werke`?"));
}

#[test]
fn customer_build_concerns_only_its_account() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    common::copy_dir(&fixture("canary"), &site);
    // Break another account: the portal cannot be built, acme's plan can.
    std::fs::write(
        site.join("accounts/canary-zulu-slug/account.yaml"),
        "name: Broken\ntier: no-such-tier\n",
    )
    .unwrap();
    kamsite()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(t.path().join("internal"))
        .assert()
        .code(1);
    let o = kamsite()
        .args(["build", "--audience", "customer", "--account", "acme", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(t.path().join("c"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    // Its log names neither the other account nor this account's reviews.
    assert!(!stderr.contains("zulu") && !stderr.contains("reviews/"), "{stderr}");
    assert!(!stderr.contains("CANARY"), "{stderr}");
}

#[test]
fn plan_problems_are_located_with_a_fix() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    std::fs::create_dir_all(site.join("accounts/acme/plans")).unwrap();
    std::fs::write(site.join("site.yaml"), "title: Us\n").unwrap();
    std::fs::write(
        site.join("accounts/acme/account.yaml"),
        "name: Acme\ncontacts:\n  - { id: ingrid, name: Ingrid Berg, title: CFO }\n",
    )
    .unwrap();
    let plans = site.join("accounts/acme/plans");
    let check = |yaml: &str, expect: &[&str]| {
        std::fs::write(plans.join("2026.yaml"), yaml).unwrap();
        let (code, stderr) = check_site(&site);
        for e in expect {
            assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
        }
        code
    };
    assert_eq!(
        check(
            "objectives:\n  - { text: a, internl: true }\n",
            &[
                "accounts/acme/plans/2026.yaml:2:16: unknown key `internl`",
                "did you mean `internal`?"
            ]
        ),
        Some(1)
    );
    assert_eq!(
        check(
            "status: agred\n",
            &["plans/2026.yaml:1:9: unknown value `agred`", "did you mean `agreed`?"]
        ),
        Some(1)
    );
    assert_eq!(
        check(
            "initiatives:\n  - title: A\n    status: finished\n",
            &[
                "2026.yaml:3:13: unknown value `finished`",
                "`planned`, `active`, `done` or `at-risk`"
            ]
        ),
        Some(1)
    );
    assert_eq!(
        check(
            "initiatives:\n  - title: A\n    due: 2026-13-01\n",
            &["2026.yaml:3:10: invalid date", "write dates as YYYY-MM-DD"]
        ),
        Some(1)
    );
    // Warnings: a name that is no contact, a duplicate, an incomplete KPI.
    assert_eq!(
        check(
            "status: agreed\nobjectives: [x]\ninitiatives:\n  - title: A\n    owner_theirs: Ingrid Brg\n  - title: A\nkpis:\n  - { name: K, current: 1, target: 2 }\n",
            &[
                "2026.yaml:5:19: owner_theirs `Ingrid Brg` is not a contact of this account",
                "did you mean `Ingrid Berg`?",
                "2026.yaml:6:12: initiative `A` is listed twice",
                "2026.yaml:8:13: KPI `K` has no `baseline`",
            ]
        ),
        Some(0)
    );
    // Files kamsite would skip are named.
    std::fs::write(plans.join("2027.yml"), "objectives: [x]\n").unwrap();
    std::fs::write(plans.join("2028.md"), "Narrative\n").unwrap();
    check(
        "objectives: [x]\n",
        &[
            "2027.yml:1:1: plan file is ignored: plans end in `.yaml`",
            "2028.md:1:1: plan narrative has no `2028.yaml` beside it",
        ],
    );
}

#[test]
fn raw_html_is_sanitised_in_both_audiences() {
    let t = tempfile::tempdir().unwrap();
    let internal = build_to(&fixture("xss"), &t.path().join("internal"));
    let customer = customer_build(&fixture("xss"), "acme", &t.path().join("customer"));
    let pages = [
        internal.join("accounts/acme/index.html"),
        internal.join("accounts/acme/plans/2026/index.html"),
        customer.join("index.html"),
        customer.join("plans/2026/index.html"),
    ];
    for page in &pages {
        let html = read(page);
        // Markdown bodies lose active content altogether.
        for marker in [
            "XSS-NARRATIVE-SCRIPT",
            "XSS-NARRATIVE-ONERROR",
            "XSS-NARRATIVE-JSURL",
            "XSS-NARRATIVE-IFRAME",
            "XSS-NARRATIVE-HOVER",
            "XSS-NARRATIVE-MDLINK",
            "XSS-NARRATIVE-SVG",
            "XSS-SHARED-SCRIPT",
            "XSS-SHARED-ONERROR",
            "XSS-SHARED-JSURL",
            "XSS-SHARED-IFRAME",
            "XSS-SHARED-HOVER",
            "XSS-SHARED-MDLINK",
        ] {
            assert!(!html.contains(marker), "{marker} reached {}", page.display());
        }
        // YAML text is escaped, never live markup.
        let live = live_markup(&html);
        assert!(live.is_empty(), "live markup in {}: {live:?}", page.display());
    }
    let plan = read(&customer.join("plans/2026/index.html"));
    assert!(plan.contains("Plain narrative survives."));
    assert!(plan.contains("Plain objective survives."));
    assert!(plan.contains("&lt;img src=x onerror=alert("), "escaped, still readable");
    assert!(read(&customer.join("index.html")).contains("Plain shared text survives."));
    assert!(read(&internal.join("accounts/acme/plans/2026/index.html")).contains("Plain narrative survives."));
}

#[test]
fn customer_builds_are_byte_identical() {
    let t = tempfile::tempdir().unwrap();
    let a = tree(&customer_build(&fixture("pages"), "kessler-werke", &t.path().join("a")));
    let b = tree(&customer_build(&fixture("pages"), "kessler-werke", &t.path().join("b")));
    assert_eq!(a, b);
}

/// Active content in real tags (escaped text such as `&lt;script&gt;` is
/// harmless and skipped): script-like elements, `on*` handlers, and
/// `javascript:` or `data:` URLs.
fn live_markup(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = rest[start + 1..end].to_lowercase();
        rest = &rest[end.min(rest.len())..];
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if ["script", "iframe", "object", "embed", "frame"].contains(&name.as_str()) {
            found.push(format!("<{tag}>"));
        }
        // `<svg` is our own charts; an svg with a handler is caught below.
        for attr in tag.split_whitespace().skip(1) {
            let key = attr.split('=').next().unwrap_or("");
            if key.starts_with("on") && attr.contains('=') {
                found.push(format!("<{tag}>"));
            }
            let value = attr.split_once('=').map(|(_, v)| v.trim_matches('"')).unwrap_or("");
            if (key == "href" || key == "src") && (value.starts_with("javascript:") || value.starts_with("data:")) {
                found.push(format!("<{tag}>"));
            }
        }
    }
    found
}

#[test]
fn check_renders_the_customer_templates_too() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    common::copy_dir(&fixture("canary"), &site);
    std::fs::create_dir_all(site.join("templates/customer")).unwrap();
    std::fs::write(
        site.join("templates/customer/plan.html"),
        "{% extends \"customer/base.html\" %}\n{% block content %}{{ plan.nmae }}{% endblock content %}\n",
    )
    .unwrap();
    kamsite()
        .args(["check", "--root"])
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("templates/customer/plan.html:2:"))
        .stderr(predicate::str::contains("nmae"));
}
