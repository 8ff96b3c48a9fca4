//! `check` lists every mistake in a file in one run, each where it is
//! written, not only the first one the YAML parser meets.

mod common;

use common::{check_site, kamsite};

/// A site with `files` (path, text) and nothing else.
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = t.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    t
}

/// The error lines of `check` (`× file:line:col: message`), in order.
fn errors(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("× "))
        .map(str::to_string)
        .collect()
}

fn assert_errors(files: &[(&str, &str)], want: &[&str]) -> String {
    let t = site(files);
    let (code, stderr) = check_site(t.path());
    assert_eq!(code, Some(1), "{stderr}");
    let got = errors(&stderr);
    assert_eq!(got, want, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

const ACCOUNT: &str = "accounts/acme/account.yaml";

#[test]
fn four_typos_in_an_account_are_four_errors_in_one_run() {
    let stderr = assert_errors(
        &[(
            ACCOUNT,
            "name: Acme\nindustri: Manufacturing\nsince: 2026-13-01\nfinancials:\n  - year: 2025\n    revenue: \"4.2M\"\ncontacts:\n  - id: ingrid\n    name: Ingrid Berg\n    stance: high\n",
        )],
        &[
            "accounts/acme/account.yaml:2:1: unknown key `industri`",
            "accounts/acme/account.yaml:3:8: invalid date `2026-13-01`: there is no month 13; months run from 01 to 12",
            "accounts/acme/account.yaml:6:14: wrong type: expected a number, found `\"4.2M\"`",
            "accounts/acme/account.yaml:10:13: wrong type: expected a whole number, found `high`",
        ],
    );
    assert!(stderr.contains("did you mean `industry`?"), "{stderr}");
    assert!(
        stderr.contains("a stance runs from -3 (blocker) to +3 (advocate)"),
        "{stderr}"
    );
    assert!(stderr.contains("check failed: 4 errors"), "{stderr}");
}

#[test]
fn mistakes_in_list_items_and_flow_mappings_are_each_reported() {
    assert_errors(
        &[(
            ACCOUNT,
            "name: Acme\nstatus: activ\ncontacts:\n  - id: a\n    name: [x]\n  - { id: b, name: B, stance: high, role: boss }\n  - { id: c, titel: C, name: C }\n  - id: d\n    title: CFO\nopportunities:\n  - { id: erp, value: lots, close: 2026-02-30 }\nreview_by: tomorrow\n",
        )],
        &[
            "accounts/acme/account.yaml:2:9: unknown value `activ`",
            "accounts/acme/account.yaml:5:11: wrong type: expected text, found `[x]`",
            "accounts/acme/account.yaml:6:31: wrong type: expected a whole number, found `high`",
            "accounts/acme/account.yaml:6:43: unknown value `boss`",
            "accounts/acme/account.yaml:7:14: unknown key `titel`",
            "accounts/acme/account.yaml:8:5: missing required key `name`",
            "accounts/acme/account.yaml:11:23: wrong type: expected a number, found `lots`",
            "accounts/acme/account.yaml:11:36: invalid date `2026-02-30`: February 2026 has 28 days",
            "accounts/acme/account.yaml:12:12: invalid date `tomorrow`: not a date in the form YYYY-MM-DD",
        ],
    );
}

#[test]
fn a_mis_indented_key_gets_a_hint_about_indentation() {
    let stderr = assert_errors(
        &[(ACCOUNT, "name: Acme\ncontacts:\n  - id: a\n    name: A\n   stance: 2\n")],
        &[
            "accounts/acme/account.yaml:5:4: invalid YAML: while parsing a block collection, did not find expected '-' indicator",
        ],
    );
    assert!(
        stderr.contains("this line is indented 3 spaces, the keys on line 4 by 4"),
        "{stderr}"
    );
    // Less indented than the entry it belongs to: an unknown key, with the hint.
    let stderr = assert_errors(
        &[(ACCOUNT, "name: Acme\nfinancials:\n  - year: 2025\nrevenue: 4\n")],
        &["accounts/acme/account.yaml:4:1: unknown key `revenue`"],
    );
    assert!(
        stderr.contains("if `revenue` belongs to the entry on line 3, indent it 4 spaces"),
        "{stderr}"
    );
}

#[test]
fn every_mistake_in_note_front_matter_review_and_plan() {
    let account = (ACCOUNT, "name: Acme\nopportunities:\n  - { id: erp, title: ERP }\n");
    assert_errors(
        &[
            account,
            (
                "accounts/acme/notes/2026-01-10-visit.md",
                "---\ndate: 2026-01-32\nkind: meating\nvisibilty: shared\nattendees: Ingrid\n---\nBody\n",
            ),
        ],
        &[
            "accounts/acme/notes/2026-01-10-visit.md:2:7: invalid date `2026-01-32`: January 2026 has 31 days",
            "accounts/acme/notes/2026-01-10-visit.md:3:7: unknown value `meating`",
            "accounts/acme/notes/2026-01-10-visit.md:4:1: unknown key `visibilty`",
            "accounts/acme/notes/2026-01-10-visit.md:5:12: wrong type: expected a list (`- item` lines or `[a, b]`), found `Ingrid`",
        ],
    );
    assert_errors(
        &[
            account,
            (
                "accounts/acme/reviews/2026-01-10-erp.md",
                "---\nopportunity: erp\noutcome: wom\ndate: 2026-01-10\nvalue: 2M\ninterviewed: maybe\nlesons: []\n---\n",
            ),
        ],
        &[
            "accounts/acme/reviews/2026-01-10-erp.md:3:10: unknown value `wom`",
            "accounts/acme/reviews/2026-01-10-erp.md:5:8: wrong type: expected a number, found `2M`",
            "accounts/acme/reviews/2026-01-10-erp.md:6:14: wrong type: expected boolean, found `maybe`",
            "accounts/acme/reviews/2026-01-10-erp.md:7:1: unknown key `lesons`",
        ],
    );
    assert_errors(
        &[
            account,
            (
                "accounts/acme/plans/2026.yaml",
                "period: \"2026\"\nstatus: agred\nobjectives: Grow\ninitiatives:\n  - title: A\n    due: soon\n    status: planed\nkpis:\n  - { name: OTD, target: high }\n",
            ),
        ],
        &[
            "accounts/acme/plans/2026.yaml:2:9: unknown value `agred`",
            "accounts/acme/plans/2026.yaml:3:13: wrong type: expected a list (`- item` lines or `[a, b]`), found `Grow`",
            "accounts/acme/plans/2026.yaml:6:10: invalid date `soon`: not a date in the form YYYY-MM-DD",
            "accounts/acme/plans/2026.yaml:7:13: unknown value `planed`",
            "accounts/acme/plans/2026.yaml:9:26: wrong type: expected a number, found `high`",
        ],
    );
}

#[test]
fn every_mistake_in_site_yaml() {
    assert_errors(
        &[
            (
                "site.yaml",
                "titel: Portfolio\ntoday: 2026-02-29\nmatrix:\n  preset: mcdonnald\nwin_loss:\n  target: most\n",
            ),
            (ACCOUNT, "name: Acme\n"),
        ],
        &[
            "site.yaml:1:1: unknown key `titel`",
            "site.yaml:2:8: invalid date `2026-02-29`: February 2026 has 28 days",
            "site.yaml:4:11: unknown value `mcdonnald`",
            "site.yaml:6:11: wrong type: expected a number, found `most`",
        ],
    );
}

#[test]
fn file_mistakes_are_named() {
    // Front matter after a blank line.
    let stderr = assert_errors(
        &[
            (ACCOUNT, "name: Acme\n"),
            (
                "accounts/acme/notes/2026-01-10-visit.md",
                "\n---\ndate: 2026-01-10\n---\nBody\n",
            ),
        ],
        &[
            "accounts/acme/notes/2026-01-10-visit.md:2:1: front matter must start on line 1, but line 1 is blank before its `---`",
        ],
    );
    assert!(stderr.contains("delete the blank line"), "{stderr}");
    // account.yml instead of account.yaml.
    let stderr = assert_errors(
        &[("accounts/acme/account.yml", "name: Acme\n")],
        &["accounts/acme/account.yml:1:1: account folder has no account.yaml: `account.yml` is not read"],
    );
    assert!(stderr.contains("rename `account.yml` to `account.yaml`"), "{stderr}");
}

#[test]
fn a_template_error_names_its_file() {
    let t = site(&[
        (ACCOUNT, "name: Acme\n"),
        ("templates/404.html", "<p>Lost</p>\n{{ 1 | nofilter }}\n"),
    ]);
    let o = kamsite()
        .args(["build", "--root"])
        .arg(t.path())
        .arg("--out")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("templates/404.html:2:8: "), "{stderr}");
    assert!(!stderr.contains("templates:1:1"), "{stderr}");
}
