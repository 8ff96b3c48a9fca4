//! History from git (SPEC 11): a scripted repository with commits by
//! several authors on set dates, read back as each account's history, the
//! dashboard's accounts changed in the last 30 days and staleness; a site
//! outside git, and a machine without git, build with a one-line note.

mod common;
#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

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
        std::fs::create_dir_all(root).unwrap();
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
    let acme = &p.accounts[0];
    let (entries, older) = kamsite::analyze::history::entries(acme, acme.history.unwrap());
    assert_eq!(older, 0);
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

fn html(out: &Path, page: &str) -> String {
    common::read(&out.join(page))
}

#[test]
fn the_profile_and_the_dashboard_show_the_history() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    scripted(&site);
    let out = t.path().join("out");
    let (ok, stderr) = build(&site, &out, None);
    assert!(ok, "{stderr}");
    let profile = html(&out, "accounts/acme/index.html");
    let section = &profile[profile
        .find("<section class=\"card\" id=\"history\">")
        .expect("a History section")..];
    let section = &section[..section.find("</section>").unwrap()];
    for want in [
        "<time>2026-11-10</time> Kari Nordmann",
        "Q3 review with Acme",
        "<li>stance of Ingrid Berg +1 → +2</li><li>note added: Q3 review</li>",
        "<time>2026-10-20</time> Lars Dahl",
        "<li>tier foundation → diamond</li>",
        "<time>2026-04-01</time> Ingrid Lund",
        "<span class=\"count\">3</span>",
    ] {
        assert!(section.contains(want), "{want} in\n{section}");
    }
    assert!(profile.contains("<a href=\"#history\">History</a>"));
    let dashboard = html(&out, "index.html");
    let recent = &dashboard[dashboard.find("id=\"recent-changes\"").expect("the 30-day list")..];
    let recent = &recent[..recent.find("</section>").unwrap()];
    assert!(
        recent.contains("Changed in the last 30 days <span class=\"count\">1</span>"),
        "{recent}"
    );
    assert!(
        recent.contains(">Acme Foods</a></td><td>2026-11-10</td><td>Kari Nordmann</td>"),
        "{recent}"
    );
    assert!(!recent.contains("Beta Shipping"), "{recent}");
}

#[test]
fn without_history_the_pages_are_those_of_a_site_outside_git() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    scripted(&site);
    let (ok, stderr) = build(&site, &t.path().join("with"), None);
    assert!(ok, "{stderr}");
    std::fs::write(site.join("site.yaml"), format!("{SITE}history: false\n")).unwrap();
    let (ok, stderr) = build(&site, &t.path().join("off"), None);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("note: history: off (site.yaml `history: false`)"),
        "{stderr}"
    );
    // The same files outside git.
    let plain = t.path().join("plain");
    for f in [
        "site.yaml",
        "accounts/acme/account.yaml",
        "accounts/acme/notes/2026-11-09-q3-review.md",
        "accounts/beta/account.yaml",
    ] {
        std::fs::create_dir_all(plain.join(f).parent().unwrap()).unwrap();
        std::fs::copy(site.join(f), plain.join(f)).unwrap();
    }
    let (ok, stderr) = build(&plain, &t.path().join("outside"), None);
    assert!(ok, "{stderr}");
    let (off, outside) = (
        common::tree(&t.path().join("off")),
        common::tree(&t.path().join("outside")),
    );
    assert_eq!(off.keys().collect::<Vec<_>>(), outside.keys().collect::<Vec<_>>());
    for (path, bytes) in &off {
        assert!(*bytes == outside[path], "{path} differs");
    }
    let with = common::tree(&t.path().join("with"));
    assert!(with["accounts/acme/index.html"] != off["accounts/acme/index.html"]);
    for page in ["accounts/acme/index.html", "index.html"] {
        let text = String::from_utf8_lossy(&off[page]);
        assert!(
            !text.contains("id=\"history\"") && !text.contains("recent-changes"),
            "{page}"
        );
    }
}

/// The history is internal: who changed an account and what, never in a
/// customer's site, although the internal portal shows it.
#[test]
fn no_history_reaches_a_customer_build() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    let r = scripted(&site);
    r.write(
        "accounts/acme/plans/2026.yaml",
        "period: \"2026\"\ntitle: Joint plan 2026\nstatus: agreed\nobjectives:\n  - Grow together\n",
    );
    r.write(
        "accounts/acme/account.yaml",
        &ACME_V1.replace("owner: Kari Nordmann", "owner: CANARYOWNERQX"),
    );
    r.commit(
        "Zyxwv Canaryauthor",
        "2026-11-15",
        "CANARY_HISTORY_SUBJECT plan for Acme",
    );
    let (ok, stderr) = build(&site, &t.path().join("internal"), None);
    assert!(ok, "{stderr}");
    let internal = html(&t.path().join("internal"), "accounts/acme/index.html");
    for canary in [
        "Zyxwv Canaryauthor",
        "CANARY_HISTORY_SUBJECT",
        "owner Kari Nordmann → CANARYOWNERQX",
    ] {
        assert!(internal.contains(canary), "the internal profile shows {canary}");
    }
    let out = t.path().join("customer");
    let o = kamsite()
        .args(["build", "--audience", "customer", "--account", "acme", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = common::tree(&out);
    assert!(
        files.keys().any(|p| p.ends_with(".html")),
        "a customer site was written"
    );
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for canary in [
            "Zyxwv",
            "Canaryauthor",
            "CANARY_HISTORY_SUBJECT",
            "Ingrid Lund",
            "Lars Dahl",
            "tier foundation",
            "History</h2>",
        ] {
            assert!(!text.contains(canary), "{canary} in the customer file {path}");
        }
    }
}

/// serve: after a commit, the next rebuild shows it (the history is read
/// again when HEAD moved), even a rebuild for another account's change.
#[test]
fn a_rebuild_after_a_commit_shows_it() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    let r = scripted(&site);
    let out = t.path().join("out");
    let opts = kamsite::BuildOptions {
        root: site.clone(),
        output: kamsite::pipeline::OutputOptions {
            out: Some(out.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let (built, ws) = kamsite::build_keeping_site(&opts);
    built.expect("the site builds");
    let mut ws = ws.expect("a workspace");
    assert!(!html(&out, "accounts/beta/index.html").contains("<time>2026-11-22</time>"));
    r.write(
        "accounts/beta/account.yaml",
        "name: Beta Shipping\nstatus: active\ntier: portfolio\nstage: mid-kam\nowner: Lars Dahl\nsponsor: Eva Lind\n",
    );
    r.commit("Eva Lind", "2026-11-22", "Beta: portfolio tier");
    // The watcher saw beta's account.yaml change; acme did not change.
    kamsite::rebuild_accounts(&opts, &mut ws, &["beta".to_string()]).expect("the rebuild works");
    let beta = html(&out, "accounts/beta/index.html");
    assert!(beta.contains("<time>2026-11-22</time> Eva Lind"), "{beta}");
    assert!(beta.contains("<li>tier diamond → portfolio</li>"));
    let dashboard = html(&out, "index.html");
    assert!(dashboard.contains("Changed in the last 30 days <span class=\"count\">2</span>"));
    // A commit of a file saved earlier: only .git moved, still seen.
    r.write(
        "accounts/acme/notes/2026-11-22-call.md",
        "---\ndate: 2026-11-22\ntitle: Call with Ingrid\n---\nCall.\n",
    );
    kamsite::rebuild_accounts(&opts, &mut ws, &["acme".to_string()]).expect("the rebuild works");
    r.commit("Per Olsen", "2026-11-23", "Acme: call");
    kamsite::rebuild_accounts(&opts, &mut ws, &[]).expect("the rebuild works");
    let acme = html(&out, "accounts/acme/index.html");
    assert!(acme.contains("<time>2026-11-23</time> Per Olsen"), "{acme}");
    assert!(acme.contains("<li>note added: Call with Ingrid</li>"), "{acme}");
}

/// The benchmark's scripted history: every account in N commits (the first
/// adds it), B accounts a commit, several authors, and the files on disk
/// are the last commit's.
#[test]
fn the_benchmark_corpus_has_the_history_asked_for() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("corpus");
    gen_corpus::generate(&gen_corpus::Args {
        accounts: 6,
        notes: 4,
        seed: 3,
        out: site.clone(),
        hugo: None,
        zola: None,
        history_commits: 9,
        history_batch: 2,
    })
    .unwrap();
    let r = Repo { root: &site };
    assert_eq!(r.git(&["status", "--porcelain"]), "", "the folder is the last commit");
    let read = history::read(&site, None);
    assert_eq!(read.off, None);
    assert_eq!(read.history.len(), 6);
    let mut authors = std::collections::BTreeSet::new();
    let mut kinds = std::collections::BTreeSet::new();
    for a in read.history.accounts() {
        assert_eq!(a.entries.len(), 9, "{}", a.slug);
        assert_eq!(changes(a.entries.last().unwrap())[0], "account added");
        for e in &a.entries[..8] {
            authors.insert(e.author.clone());
            let said = changes(e);
            assert_eq!(said.len(), 1, "one change a commit: {said:?}");
            kinds.insert(said[0].split(' ').next().unwrap().to_string());
        }
    }
    assert!(authors.len() >= 3, "{authors:?}");
    assert!(kinds.contains("note") && kinds.len() >= 4, "{kinds:?}");
    // 6 accounts x 8 changes, 2 a commit, and the first commit.
    let commits: usize = r.git(&["rev-list", "--count", "HEAD"]).trim().parse().unwrap();
    assert!((25..=40).contains(&commits), "{commits}");
}

#[test]
fn commit_messages_and_names_are_escaped() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    let r = scripted(&site);
    r.write(
        "accounts/acme/account.yaml",
        &ACME_V1.replace("Ingrid Berg", "Ingrid <b>Berg</b>"),
    );
    r.commit("Eve & Co", "2026-11-20", "<script>alert('x')</script>");
    let (ok, stderr) = build(&site, &t.path().join("out"), None);
    assert!(ok, "{stderr}");
    let profile = html(&t.path().join("out"), "accounts/acme/index.html");
    let section = &profile[profile.find("id=\"history\"").unwrap()..];
    assert!(!section.contains("<script>alert"), "{section}");
    assert!(section.contains("&lt;script&gt;alert('x')&lt;/script&gt;"), "{section}");
    assert!(section.contains("Eve &amp; Co"), "{section}");
    assert!(section.contains("name of Ingrid &lt;b&gt;Berg&lt;/b&gt;"), "{section}");
}
