//! End-to-end tests of the `kamsite` binary over fixture sites.

mod common;

use common::{build_to, check_site, fixture, kamsite, read, tree};
use predicates::prelude::*;

/// One malformed site per diagnostic: the check fails with exit 1 and names
/// file:line:column, what is wrong and (where it can) a fix.
#[test]
fn each_malformed_fixture_gives_a_located_diagnostic() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "bad-yaml-syntax",
            "accounts/acme/account.yaml:4:5",
            "invalid YAML: unclosed bracket",
        ),
        (
            "bad-wrong-type",
            "accounts/acme/account.yaml:5:13",
            "wrong type: expected a whole number, found `very positive`",
        ),
        (
            "bad-unknown-key",
            "accounts/acme/account.yaml:3:1",
            "unknown key `tierr`",
        ),
        (
            "bad-missing-name",
            "accounts/acme/account.yaml:1:1",
            "account has no `name`",
        ),
        (
            "bad-note-date",
            "accounts/acme/notes/kickoff.md:1:1",
            "note has no `date`",
        ),
        (
            "bad-slug",
            "accounts/Acme_Industrial/account.yaml:1:1",
            "invalid account folder name `Acme_Industrial`",
        ),
        ("bad-tier", "accounts/acme/account.yaml:2:7", "unknown tier `diamnod`"),
        (
            "bad-stage",
            "accounts/acme/account.yaml:3:8",
            "unknown stage `partnership`",
        ),
        (
            "bad-duplicate-contact",
            "accounts/acme/account.yaml:5:11",
            "contact id `ingrid` is used twice",
        ),
        (
            "bad-reports-to",
            "accounts/acme/account.yaml:4:50",
            "unknown `reports_to` contact `ceo-lasr`",
        ),
        (
            "bad-stance",
            "accounts/acme/account.yaml:5:13",
            "stance 5 is outside -3..3",
        ),
        (
            "bad-probability",
            "accounts/acme/account.yaml:3:65",
            "probability 60 is outside 0..1",
        ),
        (
            "bad-score",
            "accounts/acme/account.yaml:4:18",
            "score 11 for `profitability` is outside 0..10",
        ),
        (
            "bad-unclosed-front-matter",
            "accounts/acme/notes/2026-10-01-call.md:1:1",
            "front matter opened here never closes",
        ),
    ];
    for (name, location, message) in cases {
        let out = kamsite()
            .args(["check", "--root"])
            .arg(fixture(name))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: exit code\n{stderr}");
        let expected = format!("{location}: {message}");
        assert!(
            stderr.contains(&expected),
            "{name}: expected `{expected}` in:\n{stderr}"
        );
        assert!(stderr.contains("help:"), "{name}: no fix hint in:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{name}: panic\n{stderr}");
    }
}

#[test]
fn did_you_mean_hints() {
    let hint = |name: &str| check_site(&fixture(name)).1;
    assert!(hint("bad-unknown-key").contains("did you mean `tier`?"));
    assert!(hint("bad-tier").contains("did you mean `diamond`?"));
    assert!(hint("bad-stage").contains("did you mean `partnership-kam`?"));
    assert!(hint("bad-reports-to").contains("did you mean `ceo-lars`?"));
    assert!(hint("bad-probability").contains("0.6 instead of 60"));
}

#[test]
fn check_reports_every_problem_in_one_run() {
    let out = kamsite()
        .args(["check", "--root"])
        .arg(fixture("bad-many"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    for expected in [
        "accounts/acme/account.yaml:2:7: unknown tier `gold`",
        "accounts/acme/account.yaml:4:31: stance -4 is outside -3..3",
        "accounts/acme/account.yaml:5:35: unknown `reports_to` contact `zz`",
        "accounts/beta/account.yaml:2:1: unknown key `sponser`",
        "accounts/gamma/account.yaml:1:1: account has no `name`",
    ] {
        assert!(stderr.contains(expected), "missing `{expected}` in:\n{stderr}");
    }
    assert!(stderr.contains("check failed: 5 errors,"), "{stderr}");
}

#[test]
fn build_refuses_invalid_sites_and_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    kamsite()
        .args(["build", "--root"])
        .arg(fixture("bad-tier"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "accounts/acme/account.yaml:2:7: unknown tier `diamnod`",
        ))
        .stderr(predicate::str::contains("nothing was written"));
    assert!(!out.exists());
}

#[test]
fn warnings_do_not_fail_check() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path();
    std::fs::write(site.join("site.yaml"), "today: 2026-11-23\n").unwrap();
    std::fs::create_dir_all(site.join("accounts/acme")).unwrap();
    std::fs::write(
        site.join("accounts/acme/account.yaml"),
        "name: Acme\nreview_by: 2026-09-30\n",
    )
    .unwrap();
    let out = kamsite().args(["check", "--root"]).arg(site).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("account review was due on 2026-09-30"), "{stderr}");
    assert!(stderr.contains("check passed: 0 errors, 2 warnings"), "{stderr}");
}

/// The only test that reads `content/`: the README promises the bundled
/// example builds, and it must do so without an error or a warning. Every
/// other test uses a fixture under `tests/fixtures/`.
#[test]
fn the_bundled_example_in_content_checks_and_builds_without_a_warning() {
    let out = kamsite()
        .args(["check", "--root"])
        .arg(common::bundled_example())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("check passed: 0 errors, 0 warnings"), "{stderr}");
    let t = tempfile::tempdir().unwrap();
    let built = kamsite()
        .args(["build", "--root"])
        .arg(common::bundled_example())
        .arg("--out")
        .arg(t.path().join("site"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert_eq!(built.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(t.path().join("site/index.html").is_file());
}

#[test]
fn the_example_site_fixture_checks_without_a_warning() {
    let out = kamsite()
        .args(["check", "--root"])
        .arg(common::example_site())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("check passed: 0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn example_site_builds_with_every_profile() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&common::example_site(), &t.path().join("site"));
    let accounts = std::fs::read_dir(common::example_site().join("accounts")).unwrap();
    let mut count = 0;
    for entry in accounts.flatten() {
        let slug = entry.file_name().to_string_lossy().into_owned();
        let yaml = std::fs::read_to_string(entry.path().join("account.yaml")).unwrap();
        let name = common::yaml_value(&yaml, "name").unwrap();
        let page = read(&out.join(format!("accounts/{slug}/index.html")));
        assert!(
            page.contains(&common::html_escape(&name)),
            "{slug}: name {name} missing"
        );
        // Every contact's name, with a stance label, is on the profile.
        for contact in common::yaml_values(&yaml, "    name") {
            assert!(
                page.contains(&common::html_escape(&contact)),
                "{slug}: contact {contact} missing"
            );
        }
        if yaml.contains("financials:") {
            assert!(
                page.contains("aria-label=\"Revenue and margin by year\""),
                "{slug}: no financial chart"
            );
        }
        count += 1;
    }
    assert!(count >= 12, "the example site has {count} accounts");

    // Spot checks against the example's own numbers.
    let kessler = read(&out.join("accounts/kessler-werke/index.html"));
    assert!(kessler.contains("Kessler Werke GmbH"));
    assert!(kessler.contains("14,600,000"), "2026 revenue");
    assert!(kessler.contains("Dr. Matthias Richter"));
    assert!(kessler.contains("+1 Supporter"));
    assert!(kessler.contains("class=\"stakeholder-map\""));
    assert!(kessler.contains("Service renewal working session"), "newest note title");
    assert!(kessler.contains("<table>"), "note tables render");
    let list = read(&out.join("accounts/index.html"));
    assert!(list.contains("Havbris Energi AS"));
    assert!(list.contains("11,200,000"));
    let index = read(&out.join("index.html"));
    assert!(index.contains("Portfolio dashboard"));
    // The font charts-rs measures with ships with the theme.
    assert!(out.join("fonts/Roboto-Regular.ttf").is_file());
    assert!(read(&out.join("style.css")).contains("@font-face"));
}

#[test]
fn builds_are_byte_identical() {
    let t = tempfile::tempdir().unwrap();
    let a = build_to(&common::example_site(), &t.path().join("a"));
    let b = build_to(&common::example_site(), &t.path().join("b"));
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(bytes == &tb[path], "{path} differs between two builds");
    }
    assert!(ta.len() > 20);
}

#[test]
fn failed_build_keeps_the_previous_output() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    common::copy_dir(&fixture("theme-override"), &site);
    let out = t.path().join("public");
    build_to(&site, &out);
    let before = tree(&out);

    // Break the site: the next build must fail and leave public/ as it was.
    std::fs::write(site.join("accounts/acme/account.yaml"), "name: Acme\ntier: nonsense\n").unwrap();
    kamsite()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    assert_eq!(tree(&out), before);
    // No temporary folders are left beside it.
    let names: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn build_refuses_dangerous_output_folders() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    common::copy_dir(&fixture("theme-override"), &site);
    // The site root itself.
    kamsite()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("site root"));
    // A folder that contains the site.
    kamsite()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(t.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("contains the site"));
    // Someone's non-empty folder.
    let docs = t.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("keep.txt"), "precious").unwrap();
    kamsite()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&docs)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not created by kamsite"));
    assert_eq!(std::fs::read_to_string(docs.join("keep.txt")).unwrap(), "precious");
}

#[test]
fn raw_html_in_notes_is_sanitised() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("xss"), &t.path().join("out"));
    let page = read(&out.join("accounts/acme/index.html"));
    assert!(page.contains("Plain text survives."));
    for marker in [
        "XSS-SCRIPT",
        "XSS-ONERROR",
        "XSS-JSURL",
        "XSS-IFRAME",
        "XSS-HOVER",
        "XSS-MDLINK",
    ] {
        assert!(!page.contains(marker), "{marker} reached the page");
    }
    // Escaped text (`&lt;b onclick=...`) is harmless; a raw tag or attribute is not.
    for bad in [
        "<script>alert",
        "<iframe",
        "javascript:",
        "data:text/html",
        "<img src=\"x\" onerror",
        "<img src=x",
        "onmouseover=\"alert",
        "<b onclick",
        "<div onmouseover",
    ] {
        assert!(!page.contains(bad), "`{bad}` reached the page");
    }
    // Names and titles are escaped, not dropped.
    assert!(page.contains("Acme &lt;script&gt;"));
}

#[test]
fn site_templates_override_the_theme_by_name() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("theme-override"), &t.path().join("out"));
    let page = read(&out.join("accounts/acme/index.html"));
    assert!(page.contains("<h1 class=\"override-marker\">Custom profile of Acme Industrial AS</h1>"));
    // The rest of the theme is still the built-in one.
    assert!(read(&out.join("index.html")).contains("Portfolio dashboard"));
}

#[test]
fn template_errors_point_into_the_template() {
    kamsite()
        .args(["check", "--root"])
        .arg(fixture("bad-template"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "templates/account.html:3:16: Field `nmae` is not defined",
        ));
}

#[test]
fn hostile_inputs_never_panic() {
    let t = tempfile::tempdir().unwrap();
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("binary", vec![0xff, 0xfe, 0x00, 0x9f, 0x92, 0x96]),
        ("deep", format!("name: x\nswot: {}{}\n", "[".repeat(5000), "]".repeat(5000)).into_bytes()),
        ("anchors", b"a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\nname: x\n".to_vec()),
        ("tabs", b"name:\tAcme\n\tstatus: active\n".to_vec()),
        ("empty", Vec::new()),
        ("list", b"- just\n- a list\n".to_vec()),
        ("huge-number", b"name: x\nscores: { growth: 1e400 }\n".to_vec()),
        ("nan", b"name: x\nscores: { growth: .nan }\nfinancials: [{ year: 99999999999, revenue: -1 }]\n".to_vec()),
        ("dup", b"name: x\nname: y\n".to_vec()),
    ];
    for (name, bytes) in inputs {
        let site = t.path().join(name);
        std::fs::create_dir_all(site.join("accounts/acme/notes")).unwrap();
        std::fs::write(site.join("accounts/acme/account.yaml"), &bytes).unwrap();
        std::fs::write(
            site.join("accounts/acme/notes/n.md"),
            [b"---\n".as_slice(), &bytes, b"\n---\nbody"].concat(),
        )
        .unwrap();
        std::fs::write(site.join("site.yaml"), &bytes).unwrap();
        let (code, stderr) = check_site(&site);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(matches!(code, Some(0) | Some(1)), "{name}: {code:?}\n{stderr}");
    }
}

/// A small site with two accounts and the given files under `templates/`.
fn site_with_templates(dir: &std::path::Path, templates: &[(&str, &str)]) {
    for (slug, name) in [("acme", "Acme Industrial AS"), ("borealis", "Borealis Foods")] {
        std::fs::create_dir_all(dir.join("accounts").join(slug)).unwrap();
        std::fs::write(
            dir.join("accounts").join(slug).join("account.yaml"),
            format!("name: {name}\nstatus: active\nscores: {{ growth: 8, relationship: 7 }}\n"),
        )
        .unwrap();
    }
    for (path, text) in templates {
        let p = dir.join("templates").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[test]
fn list_rows_come_from_their_own_overridable_templates() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    site_with_templates(
        &site,
        &[
            (
                "rows/account.html",
                "<tr class=\"row-marker\"><td>{{ a.name }} at {{ root }}</td></tr>\n",
            ),
            ("rows/tier.html", "<tr class=\"tier-marker\"><td>{{ a.slug }}</td></tr>"),
        ],
    );
    let out = build_to(&site, &t.path().join("out"));
    let list = read(&out.join("accounts/index.html"));
    assert_eq!(list.matches("class=\"row-marker\"").count(), 2, "{list}");
    assert!(list.contains("<td>Acme Industrial AS at ../</td>"));
    assert!(list.contains("<td>Borealis Foods at ../</td>"));
    let tiers = read(&out.join("tiers/index.html"));
    assert_eq!(tiers.matches("class=\"tier-marker\"").count(), 2, "{tiers}");
    // The matrix keeps the built-in row.
    let matrix = read(&out.join("matrix/index.html"));
    assert!(matrix.contains("<a href=\"../accounts/acme/index.html\">Acme Industrial AS</a></td><td class=\"num\">"));
}

#[test]
fn an_error_in_a_row_template_is_reported_once_with_its_place() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    site_with_templates(&site, &[("rows/matrix.html", "<tr>\n<td>{{ a.nmae }}</td></tr>\n")]);
    let (code, stderr) = check_site(&site);
    assert_eq!(code, Some(1), "{stderr}");
    // One diagnostic, not one per account.
    assert_eq!(stderr.matches("kamsite::template").count(), 1, "{stderr}");
    assert!(
        stderr.contains("templates/rows/matrix.html:2:10: Field `nmae` is not defined"),
        "{stderr}"
    );
}

#[test]
fn a_template_using_a_replaced_variable_is_told_what_replaced_it() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    // A dashboard override written for the earlier context, which held every
    // attention item as `attention`.
    site_with_templates(
        &site,
        &[(
            "index.html",
            "{% extends \"base.html\" %}{% block content %}\n<p>{{ attention | length }} need attention</p>\n{% endblock %}\n",
        )],
    );
    let (code, stderr) = check_site(&site);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("templates/index.html:2:"), "{stderr}");
    assert!(
        stderr.contains("`attention_total` is their number and `attention_groups`"),
        "{stderr}"
    );
}

#[test]
fn a_reports_to_loop_is_found_once_and_a_long_chain_is_not_one() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    std::fs::create_dir_all(site.join("accounts/acme")).unwrap();
    std::fs::write(
        site.join("accounts/acme/account.yaml"),
        "name: Acme\ncontacts:\n  - { id: a, name: A, reports_to: b }\n  - { id: b, name: B, reports_to: c }\n  - { id: c, name: C, reports_to: b }\n  - { id: d, name: D, reports_to: a }\n",
    )
    .unwrap();
    // 3,000 contacts in one reports-to chain: no loop, and checked at once.
    let mut chain = String::from("name: Borealis\ncontacts:\n  - { id: p0, name: P0 }\n");
    for i in 1..3000 {
        chain.push_str(&format!("  - {{ id: p{i}, name: P{i}, reports_to: p{} }}\n", i - 1));
    }
    std::fs::create_dir_all(site.join("accounts/borealis")).unwrap();
    std::fs::write(site.join("accounts/borealis/account.yaml"), chain).unwrap();
    let (code, stderr) = check_site(&site);
    assert_eq!(code, Some(1), "{stderr}");
    // The walk from `a` enters the loop at `b`.
    assert!(
        stderr.contains("accounts/acme/account.yaml:4:35: reports_to lines form a loop through `b`"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("form a loop").count(), 1, "{stderr}");
    // The chain has warnings (no scores), no error.
    assert!(!stderr.contains("× accounts/borealis/"), "{stderr}");
    assert!(stderr.contains("check failed: 1 error"), "{stderr}");
}

/// Without base_url, links to pages name their index.html (the site works
/// opened from disk) and the search index is also a script; with one, links
/// are folder links; site.yaml `links` decides over both.
#[test]
fn links_name_index_files_until_the_site_has_an_address() {
    let t = tempfile::tempdir().unwrap();
    let build = |root: &std::path::Path, out: &str, extra: &[&str]| {
        let out = t.path().join(out);
        let o = common::kamsite()
            .args(["build", "--root"])
            .arg(root)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let files = build(&common::fixture("pages"), "files", &[]);
    let home = common::read(&files.join("index.html"));
    assert!(home.contains(r#"href="matrix/index.html""#), "{home}");
    assert!(!home.contains(r#"href="matrix/""#));
    let account = common::read(&files.join("accounts/kessler-werke/index.html"));
    assert!(account.contains(r#"href="../../index.html""#) && account.contains(r#"href="../../accounts/index.html""#));
    // Opened from disk, the index's files are scripts handing their data over.
    let script = common::read(&files.join("search/index.js"));
    assert!(
        script.starts_with(r#"kamsiteSearch("index",{"#) && script.ends_with("});\n"),
        "{script}"
    );
    let entries = common::read(&files.join("search/e/0.js"));
    assert!(entries.starts_with(r#"kamsiteSearch("e/0",[[0,""#), "{entries}");
    assert!(!files.join("search/index.json").exists());

    let folders = build(
        &common::fixture("pages"),
        "folders",
        &["--base-url", "https://kam.example.com/"],
    );
    let home = common::read(&folders.join("index.html"));
    assert!(
        home.contains(r#"href="matrix/""#) && !home.contains("index.html\""),
        "{home}"
    );
    assert!(!folders.join("search/index.js").exists());
    assert!(folders.join("search/index.json").exists() && folders.join("search/e/0.json").exists());

    // site.yaml chooses: files even with an address.
    let root = t.path().join("site");
    common::copy_dir(&common::fixture("pages"), &root);
    let site = common::read(&root.join("site.yaml"));
    std::fs::write(
        root.join("site.yaml"),
        format!("{site}base_url: https://kam.example.com/\nlinks: files\n"),
    )
    .unwrap();
    let chosen = build(&root, "chosen", &["--base-url", "https://other.example.com/"]);
    assert!(common::read(&chosen.join("index.html")).contains(r#"href="matrix/index.html""#));
}
