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
