//! Serve's incremental rebuild, through the library: after a change to a few
//! accounts, the output folder must hold exactly what a full build of the
//! changed content writes, and problems must not be forgotten between rebuilds.

mod common;

use std::path::Path;

use common::{copy_dir, fixture, tree};
use kamsite::pipeline::{OutputOptions, PageOptions};
use kamsite::{BuildError, BuildOptions, Workspace, build_keeping_site, rebuild_accounts};

/// Serve's options; `overwrite`: files are overwritten in place under a lock
/// (as serve does), else replaced by renames.
fn options(root: &Path, out: &Path, overwrite: bool) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        pages: PageOptions {
            live_reload: true,
            ..PageOptions::default()
        },
        output: OutputOptions {
            out: Some(out.to_path_buf()),
            files_lock: overwrite.then(Default::default),
            ..OutputOptions::default()
        },
        ..BuildOptions::default()
    }
}

/// A full build, as serve starts with; also its page count.
fn full_build(root: &Path, out: &Path) -> (Workspace, usize) {
    let (result, ws) = build_keeping_site(&options(root, out, false));
    let pages = result.unwrap_or_else(|e| panic!("full build failed: {e}")).pages;
    (ws.expect("the site loaded"), pages)
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn errors(e: BuildError) -> Vec<String> {
    match e {
        BuildError::Invalid(d) => d
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.location(), d.message))
            .collect(),
        other => panic!("unexpected error: {other}"),
    }
}

#[test]
fn incremental_output_equals_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture("pages"), &root);
    let out = tmp.path().join("out");
    let (mut ws, all_pages) = full_build(&root, &out);

    // A rename shows on every list, the matrix, the search index and the
    // data files; a new note changes the account page and the search index.
    edit(
        &root,
        "accounts/alpenmilch/account.yaml",
        "name: Alpenmilch Genossenschaft eG",
        "name: Alpenmilch Zentral eG",
    );
    std::fs::write(
        root.join("accounts/helios-pharma/notes/2026-11-02-pilot-line.md"),
        "---\ntitle: Pilot line walk-through\ndate: 2026-11-02\n---\nThe pilot line runs **Zeolith-7** batches.\n",
    )
    .unwrap();
    let summary = rebuild_accounts(
        &options(&root, &out, true),
        &mut ws,
        &["alpenmilch".into(), "helios-pharma".into()],
    )
    .unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    // Only pages whose context changed are rendered: the two accounts', the
    // lists', not every win/loss and plan page.
    assert!(
        summary.pages >= 2 && summary.pages < all_pages / 2,
        "{} of {all_pages} pages",
        summary.pages
    );

    let fresh = tmp.path().join("fresh");
    full_build(&root, &fresh);
    let (got, want) = (tree(&out), tree(&fresh));
    let differ: Vec<&String> = want.keys().filter(|k| got.get(*k) != want.get(*k)).collect();
    assert!(
        differ.is_empty(),
        "incremental output differs from a full build in {differ:?}"
    );
    assert_eq!(got.len(), want.len());
    let index = String::from_utf8(got["search/e/0.js"].clone()).unwrap();
    assert!(index.contains("Alpenmilch Zentral eG") && index.contains("Pilot line walk-through"));
    assert!(!index.contains("Alpenmilch Genossenschaft eG"));
    // The new note's words are terms of the index.
    let terms: String = got
        .iter()
        .filter(|(path, _)| path.starts_with("search/t/"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    assert!(terms.contains(r#"["zeolith",["#), "{terms}");
}

#[test]
fn a_failing_account_keeps_failing_until_fixed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture("pages"), &root);
    let out = tmp.path().join("out");
    let (mut ws, _) = full_build(&root, &out);
    let opts = options(&root, &out, false);
    let before = std::fs::read(out.join("index.html")).unwrap();

    edit(
        &root,
        "accounts/alpenmilch/account.yaml",
        "tier: portfolio",
        "tier: platinum",
    );
    let first = errors(rebuild_accounts(&opts, &mut ws, &["alpenmilch".into()]).unwrap_err());
    assert!(
        first
            .iter()
            .any(|e| e.starts_with("accounts/alpenmilch/account.yaml:5:") && e.contains("platinum")),
        "{first:?}"
    );

    // Another account changes: the broken one still stops the build.
    edit(
        &root,
        "accounts/helios-pharma/account.yaml",
        "owner: Sanne de Vries",
        "owner: Pieter Jansen",
    );
    let second = errors(rebuild_accounts(&opts, &mut ws, &["helios-pharma".into()]).unwrap_err());
    assert_eq!(second, first);
    assert_eq!(
        std::fs::read(out.join("index.html")).unwrap(),
        before,
        "a failed rebuild wrote pages"
    );

    edit(
        &root,
        "accounts/alpenmilch/account.yaml",
        "tier: platinum",
        "tier: portfolio",
    );
    rebuild_accounts(&opts, &mut ws, &["alpenmilch".into()]).unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    let page = std::fs::read_to_string(out.join("accounts/helios-pharma/index.html")).unwrap();
    assert!(
        page.contains("Pieter Jansen"),
        "the earlier edit is in once the site is good again"
    );
}

#[test]
fn pages_of_a_quarter_or_competitor_with_no_review_left_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture("pages"), &root);
    let out = tmp.path().join("out");
    let (mut ws, _) = full_build(&root, &out);
    let opts = options(&root, &out, true);
    let review = "accounts/northbridge-health/reviews/2026-03-26-estates-framework.md";
    let slug = ["northbridge-health".to_string()];

    // The review moves to a quarter of its own and names a new competitor.
    edit(&root, review, "date: 2026-03-26", "date: 2024-01-10");
    edit(
        &root,
        review,
        "  - Optima Integrators",
        "  - Optima Integrators\n  - Zeta Rivals",
    );
    rebuild_accounts(&opts, &mut ws, &slug).unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    let quarter = out.join("reviews/quarters/2024-Q1/index.html");
    let rival = out.join("reviews/competitors/zeta-rivals/index.html");
    assert!(quarter.is_file() && rival.is_file());

    // And back: both pages have nothing left to show.
    edit(&root, review, "date: 2024-01-10", "date: 2026-03-26");
    edit(&root, review, "\n  - Zeta Rivals", "");
    rebuild_accounts(&opts, &mut ws, &slug).unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    assert!(!quarter.exists() && !quarter.parent().unwrap().exists());
    assert!(!rival.exists());

    let fresh = tmp.path().join("fresh");
    full_build(&root, &fresh);
    let (got, want) = (tree(&out), tree(&fresh));
    let keys = |t: &std::collections::BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&got), keys(&want));
    let differ: Vec<&String> = want.keys().filter(|k| got.get(*k) != want.get(*k)).collect();
    assert!(
        differ.is_empty(),
        "incremental output differs from a full build in {differ:?}"
    );
}

/// Compare the served folder with a full build of the same files.
fn assert_same_as_a_full_build(root: &Path, out: &Path, tmp: &Path) {
    let fresh = tmp.join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    full_build(root, &fresh);
    let (got, want) = (tree(out), tree(&fresh));
    let keys = |t: &std::collections::BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&got), keys(&want));
    let differ: Vec<&String> = want.keys().filter(|k| got.get(*k) != want.get(*k)).collect();
    assert!(
        differ.is_empty(),
        "incremental output differs from a full build in {differ:?}"
    );
}

/// The text of the "Share of portfolio" figure on an account's profile.
fn share_on_profile(out: &Path, slug: &str) -> String {
    let page = std::fs::read_to_string(out.join(format!("accounts/{slug}/index.html"))).unwrap();
    let at = page.find("Share of portfolio").expect("the profile shows its share");
    let dd = &page[at..];
    let start = dd.find("<dd>").unwrap() + 4;
    dd[start..start + dd[start..].find("</dd>").unwrap()].to_string()
}

/// One account's revenue moves every account's share of the portfolio:
/// the other profiles are made again too.
#[test]
fn a_revenue_change_updates_every_profile_share() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture("pages"), &root);
    let out = tmp.path().join("out");
    let (mut ws, _) = full_build(&root, &out);
    let before = share_on_profile(&out, "kessler-werke");

    edit(
        &root,
        "accounts/alpenmilch/account.yaml",
        "revenue: 860000,",
        "revenue: 90860000,",
    );
    rebuild_accounts(&options(&root, &out, true), &mut ws, &["alpenmilch".into()])
        .unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    let after = share_on_profile(&out, "kessler-werke");
    assert_ne!(before, after, "another account's share did not move");
    assert_same_as_a_full_build(&root, &out, tmp.path());
}

/// A won deal whose winner is a name not among its competitors makes that
/// name ours: another account's review that named it as the winner no
/// longer lists it as a rival.
#[test]
fn a_name_that_becomes_ours_leaves_other_accounts_rivals() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture("pages"), &root);
    let review = |opportunity: &str, outcome: &str| {
        format!(
            "---\nopportunity: {opportunity}\noutcome: {outcome}\ndate: 2026-04-02\nvalue: 50000\n\
             competitors:\n  - Halden Controls\nwinner: Zeta Rivals\nreasons:\n  - price\n---\nWhat happened.\n"
        )
    };
    let write = |rel: &str, text: String| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "accounts/alpenmilch/reviews/2026-04-02-cheese-line.md",
        review("Cheese line", "lost"),
    );
    let out = tmp.path().join("out");
    let (mut ws, _) = full_build(&root, &out);
    let page = out.join("accounts/alpenmilch/reviews/2026-04-02-cheese-line/index.html");
    let rival = "reviews/competitors/zeta-rivals/";
    assert!(std::fs::read_to_string(&page).unwrap().contains(rival));

    write(
        "accounts/helios-pharma/reviews/2026-04-02-clean-room.md",
        review("Clean room", "won"),
    );
    rebuild_accounts(&options(&root, &out, true), &mut ws, &["helios-pharma".into()])
        .unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    assert!(
        !std::fs::read_to_string(&page).unwrap().contains(rival),
        "Zeta Rivals is us now"
    );
    assert_same_as_a_full_build(&root, &out, tmp.path());
}

/// An account folder renamed is two accounts changed: the old one's pages
/// go, the new one's come; a review removed takes its page along, and the
/// same review put back gets its page again.
#[test]
fn renamed_folders_and_removed_files_leave_no_pages_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture("pages"), &root);
    let out = tmp.path().join("out");
    let (mut ws, _) = full_build(&root, &out);
    let opts = options(&root, &out, true);

    std::fs::rename(
        root.join("accounts/kessler-werke"),
        root.join("accounts/kessler-gruppe"),
    )
    .unwrap();
    rebuild_accounts(&opts, &mut ws, &["kessler-gruppe".into(), "kessler-werke".into()])
        .unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    assert!(!out.join("accounts/kessler-werke").exists());
    assert!(out.join("accounts/kessler-gruppe/plans/2026/index.html").is_file());
    assert_same_as_a_full_build(&root, &out, tmp.path());

    let review = root.join("accounts/kessler-gruppe/reviews/2026-06-30-mes-brno.md");
    let text = std::fs::read(&review).unwrap();
    std::fs::remove_file(&review).unwrap();
    let slug = ["kessler-gruppe".to_string()];
    rebuild_accounts(&opts, &mut ws, &slug).unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    let page = out.join("accounts/kessler-gruppe/reviews/2026-06-30-mes-brno/index.html");
    assert!(!page.exists());
    assert_same_as_a_full_build(&root, &out, tmp.path());

    std::fs::write(&review, text).unwrap();
    rebuild_accounts(&opts, &mut ws, &slug).unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    assert!(page.is_file(), "the review's page is written again");
    assert_same_as_a_full_build(&root, &out, tmp.path());
}
