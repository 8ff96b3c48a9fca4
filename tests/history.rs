//! History from git (SPEC 11): a scripted repository with commits by
//! several authors on set dates, read back as each account's history, the
//! dashboard's accounts changed in the last 30 days and staleness; a site
//! outside git, and a machine without git, build with a one-line note.

mod common;

use std::path::Path;
use std::process::Command;

use common::kamsite;
use kamsite::history::{self, Change, Off};

const SITE: &str = "title: History test\ntoday: 2026-11-23\n";

const ACME_V1: &str = "name: Acme Foods\nstatus: active\ntier: foundation\nstage: early-kam\nowner: Kari Nordmann\nsponsor: Per Olsen\ncontacts:\n  - { id: ib, name: Ingrid Berg, role: influencer, stance: 1, last_contact: 2026-11-01 }\n";

/// A git repository at `root` whose commits are made with set authors and dates.
struct Repo<'a> {
    root: &'a Path,
}

impl Repo<'_> {
    fn git(&self, args: &[&str]) -> String {
        let o = Command::new("git")
            .args(args)
            .current_dir(self.root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs (the tests assume git is installed)");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn init(root: &Path) -> Repo<'_> {
        let r = Repo { root };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Commit everything as `author` on `date` (noon UTC).
    fn commit(&self, author: &str, date: &str, message: &str) {
        self.git(&["add", "-A"]);
        let when = format!("{date}T12:00:00+00:00");
        let email = format!("{}@example.com", author.to_lowercase().replace(' ', "."));
        let o = Command::new("git")
            .args([
                "-c",
                &format!("user.name={author}"),
                "-c",
                &format!("user.email={email}"),
            ])
            .args(["commit", "-q", "-m", message])
            .current_dir(self.root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

/// Two accounts: acme, changed by three people up to 13 days before
/// `today`; beta, last changed in May.
fn scripted(root: &Path) -> Repo<'_> {
    let r = Repo::init(root);
    r.write("site.yaml", SITE);
    r.write("accounts/acme/account.yaml", ACME_V1);
    r.write(
        "accounts/beta/account.yaml",
        "name: Beta Shipping\nstatus: active\ntier: diamond\nowner: Lars Dahl\nsponsor: Eva Lind\n",
    );
    r.commit("Ingrid Lund", "2026-04-01", "Start the portfolio");
    r.write(
        "accounts/beta/account.yaml",
        "name: Beta Shipping\nstatus: active\ntier: diamond\nstage: mid-kam\nowner: Lars Dahl\nsponsor: Eva Lind\n",
    );
    r.commit("Lars Dahl", "2026-05-02", "Beta: stage");
    r.write(
        "accounts/acme/account.yaml",
        &ACME_V1.replace("tier: foundation", "tier: diamond"),
    );
    r.commit("Lars Dahl", "2026-10-20", "Acme moves up a tier");
    // A comment and a re-ordering only: no value changed.
    let v2 = ACME_V1.replace("tier: foundation", "tier: diamond");
    let v3 = v2.replace("stance: 1", "stance: 2");
    r.write("accounts/acme/account.yaml", &format!("# reviewed in Q3\n{v3}"));
    r.write(
        "accounts/acme/notes/2026-11-09-q3-review.md",
        "---\ndate: 2026-11-09\ntitle: Q3 review\n---\nIngrid is on our side now.\n",
    );
    r.commit("Kari Nordmann", "2026-11-10", "Q3 review with Acme");
    r
}

fn changes(e: &history::Entry) -> Vec<String> {
    e.changes
        .iter()
        .map(|c| match c {
            Change::Field(s) => s.clone(),
            Change::Document { kind, action, id } => format!("{} {} {id}", kind.as_str(), action.as_str()),
        })
        .collect()
}

#[test]
fn history_entries_match_the_commits() {
    let t = tempfile::tempdir().unwrap();
    scripted(t.path());
    let read = history::read(t.path(), None);
    assert_eq!(read.off, None);
    let acme = read.history.account("acme").expect("acme has history");
    let got: Vec<(String, &str, Vec<String>)> = acme
        .entries
        .iter()
        .map(|e| (e.date.to_string(), e.author.as_str(), changes(e)))
        .collect();
    assert_eq!(
        got,
        [
            (
                "2026-11-10".to_string(),
                "Kari Nordmann",
                vec![
                    "stance of Ingrid Berg +1 → +2".to_string(),
                    "note added 2026-11-09-q3-review".into()
                ]
            ),
            (
                "2026-10-20".into(),
                "Lars Dahl",
                vec!["tier foundation → diamond".into()]
            ),
            ("2026-04-01".into(), "Ingrid Lund", vec!["account added".into()]),
        ]
    );
    assert_eq!(acme.entries[0].subject, "Q3 review with Acme");
    assert_eq!(acme.last_changed().unwrap().to_string(), "2026-11-10");
    let beta = read.history.account("beta").unwrap();
    assert_eq!(changes(&beta.entries[0]), ["stage set to mid-kam"]);
    assert_eq!(beta.entries.len(), 2);
}

#[test]
fn the_dashboard_lists_what_changed_in_the_last_30_days_and_notes_by_title() {
    let t = tempfile::tempdir().unwrap();
    scripted(t.path());
    let (site, _) = kamsite::load::load(t.path());
    let read = history::read(t.path(), site.config.history);
    let today = "2026-11-23".parse().unwrap();
    let p = kamsite::analyze::analyze_with(&site, &read.history, today);
    assert!(p.has_history);
    let recent: Vec<(&str, String, &str, usize)> = p
        .recent
        .iter()
        .map(|r| (r.slug, r.date.to_string(), r.author, r.commits))
        .collect();
    // acme: the commit of 2026-11-10 (that of 2026-10-20 is 34 days old);
    // beta was last changed in May.
    assert_eq!(recent, [("acme", "2026-11-10".to_string(), "Kari Nordmann", 1)]);
    let acme = &site.accounts[0];
    let entries = kamsite::analyze::history::entries(acme, read.history.account("acme").unwrap());
    assert_eq!(
        entries[0].changes,
        ["stance of Ingrid Berg +1 → +2", "note added: Q3 review"]
    );
    // Staleness: beta has no note and was last changed in May: stale, and
    // the reason says so; acme has a note from November.
    let stale: Vec<(&str, &str)> = p
        .accounts
        .iter()
        .flat_map(|a| &a.attention)
        .filter(|a| a.kind.as_str() == "account_stale")
        .map(|a| (a.slug.as_str(), a.reason.as_str()))
        .collect();
    assert_eq!(
        stale,
        [(
            "beta",
            "Last changed in git 2026-05-02, 205 days ago; no note (limit 90)"
        )]
    );
}

#[test]
fn a_recent_commit_keeps_an_account_without_notes_fresh() {
    let t = tempfile::tempdir().unwrap();
    let r = Repo::init(t.path());
    r.write("site.yaml", SITE);
    r.write("accounts/acme/account.yaml", ACME_V1);
    r.commit("Kari Nordmann", "2026-11-01", "Acme");
    let (site, _) = kamsite::load::load(t.path());
    let today = "2026-11-23".parse().unwrap();
    let stale = |h: &history::History| {
        let p = kamsite::analyze::analyze_with(&site, h, today);
        p.accounts[0]
            .attention
            .iter()
            .any(|a| a.kind.as_str() == "account_stale")
    };
    // Without history, a key account with no note is stale; its commit 22
    // days ago says someone keeps it.
    assert!(stale(&history::NONE));
    assert!(!stale(&history::read(t.path(), None).history));
}

#[test]
fn later_builds_read_only_new_commits_and_a_rewritten_branch_all_again() {
    let t = tempfile::tempdir().unwrap();
    let r = scripted(t.path());
    let first = history::read(t.path(), None).history;
    let kept = t.path().join(".git/kamsite");
    assert_eq!(std::fs::read_dir(&kept).unwrap().count(), 1, "the history is kept");
    // A new commit: read on top of what was kept.
    r.write(
        "accounts/beta/notes/2026-11-20-call.md",
        "---\ndate: 2026-11-20\n---\nCall.\n",
    );
    r.commit("Eva Lind", "2026-11-20", "Beta call");
    let second = history::read(t.path(), None).history;
    assert_eq!(second.changed_since(&first), ["beta"]);
    let beta = second.account("beta").unwrap();
    assert_eq!(beta.entries.len(), 3);
    assert_eq!(beta.entries[0].author, "Eva Lind");
    assert_eq!(changes(&beta.entries[0]), ["note added 2026-11-20-call"]);
    assert_eq!(
        second.account("acme").unwrap().entries,
        first.account("acme").unwrap().entries
    );
    // The last commit rewritten by someone else: its old entry is gone.
    r.write(
        "accounts/beta/notes/2026-11-20-call.md",
        "---\ndate: 2026-11-20\n---\nA call.\n",
    );
    let o = Command::new("git")
        .args(["-c", "user.name=Per Olsen", "-c", "user.email=per@example.com"])
        .args([
            "commit",
            "-q",
            "-a",
            "--amend",
            "--reset-author",
            "-m",
            "Beta call, amended",
        ])
        .current_dir(t.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", "2026-11-21T12:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2026-11-21T12:00:00+00:00")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let third = history::read(t.path(), None).history;
    let beta = third.account("beta").unwrap();
    assert_eq!(beta.entries.len(), 3);
    assert_eq!(
        (beta.entries[0].author.as_str(), beta.entries[0].subject.as_str()),
        ("Per Olsen", "Beta call, amended")
    );
    // A fresh read (nothing kept) agrees.
    std::fs::remove_dir_all(&kept).unwrap();
    assert_eq!(
        history::read(t.path(), None).history.account("beta").unwrap().entries,
        beta.entries
    );
}

#[test]
fn which_sites_are_read() {
    let t = tempfile::tempdir().unwrap();
    let r = Repo::init(t.path());
    r.write("site/site.yaml", SITE);
    r.write("site/accounts/acme/account.yaml", ACME_V1);
    r.write("elsewhere/accounts/other/account.yaml", "name: Other\n");
    r.commit("Kari Nordmann", "2026-11-01", "A site in a subfolder");
    let site = t.path().join("site");
    // A site inside a larger repository is not read unless asked to.
    let sub = history::read(&site, None);
    assert_eq!(sub.off, Some(Off::Subfolder("site".into())));
    assert!(sub.history.is_empty());
    let asked = history::read(&site, Some(true));
    assert_eq!(asked.off, None);
    assert_eq!(asked.history.len(), 1, "only commits under the site folder");
    assert_eq!(asked.history.account("acme").unwrap().entries.len(), 1);
    assert_eq!(history::read(t.path(), Some(false)).off, Some(Off::Disabled));
    let outside = tempfile::tempdir().unwrap();
    assert_eq!(history::read(outside.path(), None).off, Some(Off::NotInGit));
}

/// The build's output files, without the history.
fn build(root: &Path, out: &Path, path: Option<&str>) -> (bool, String) {
    let mut cmd = kamsite();
    cmd.args(["build", "--root"]).arg(root).arg("--out").arg(out);
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    let o = cmd.output().unwrap();
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn a_site_outside_git_or_without_git_builds_as_before_with_a_note() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    std::fs::create_dir_all(site.join("accounts/acme")).unwrap();
    std::fs::write(site.join("site.yaml"), SITE).unwrap();
    std::fs::write(site.join("accounts/acme/account.yaml"), ACME_V1).unwrap();
    let (ok, stderr) = build(&site, &t.path().join("outside"), None);
    assert!(ok, "{stderr}");
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note: history")).collect();
    assert_eq!(
        notes,
        ["note: history: the site is not in a git repository, so profiles show no change history"]
    );
    // The same site in git, built where no `git` program can be found.
    scripted(&site);
    let empty = t.path().join("no-git-here");
    std::fs::create_dir_all(&empty).unwrap();
    let (ok, stderr) = build(&site, &t.path().join("without-git"), Some(empty.to_str().unwrap()));
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("note: history: git is not installed, so profiles show no change history"),
        "{stderr}"
    );
    // With git: no note.
    let (ok, stderr) = build(&site, &t.path().join("with-git"), None);
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("note: history"), "{stderr}");
}
