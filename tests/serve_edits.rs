//! Serve follows every kind of edit: random sequences of creating, editing,
//! deleting, renaming and moving accounts, notes, reviews, plans and whole
//! folders are applied to a copy of the example site; after each step the
//! watcher's events for it go through serve's rebuild (which paths count,
//! which accounts to rebuild, the rebuild in place), and the folder served
//! must then hold byte for byte what a clean full build of the same files
//! writes, or both must fail.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{copy_dir, example_site, tree};
use kamsite::BuildOptions;
use kamsite::pipeline::{OutputOptions, PageOptions};
use kamsite::serve::Rebuilder;
use notify_debouncer_full::notify::event::{CreateKind, DataChange, ModifyKind, RemoveKind, RenameMode};
use notify_debouncer_full::notify::{Event, EventKind};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Which of an account's folders an edit moves.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Notes,
    Reviews,
    Plans,
}

impl Kind {
    fn folder(self) -> &'static str {
        match self {
            Kind::Notes => "notes",
            Kind::Reviews => "reviews",
            Kind::Plans => "plans",
        }
    }
}

/// One edit. Numbers pick an account, file or name among those there are
/// when the edit is applied.
#[derive(Clone, Debug)]
enum Op {
    /// account.yaml: a new name.
    Rename(u8),
    /// account.yaml: a new latest revenue (every account's share moves).
    Revenue(u8, u8),
    /// account.yaml: an unknown key, an error.
    Break(u8),
    /// Every account.yaml broken by `Break` fixed again.
    Fix,
    /// site.yaml: a new title (everything is built again, into the other
    /// output folder, and later edits rebuild in place there).
    Retitle,
    AddNote(u8, u8),
    AddReview(u8, u8, u8),
    AddPlan(u8, u8),
    /// Remove a note, review or plan file.
    DeleteFile(Kind, u8, u8),
    /// Rename a note, review or plan file within its folder.
    RenameFile(Kind, u8, u8, u8),
    /// Move a note, review or plan file to another account.
    MoveFile(Kind, u8, u8, u8),
    /// `mv accounts/a accounts/b`.
    MoveAccount(u8, u8),
    /// `rm -r accounts/a`.
    DeleteAccount(u8),
    /// Copy an account of the example back in (under its own name when
    /// free); `seen`: whether the watcher saw the files inside, or only
    /// the new folder.
    Restore(u8, bool),
    /// `mv accounts/a/notes accounts/b/notes` (or reviews, plans), else
    /// aside to `accounts/a/old-notes`, or back from there.
    MoveFolder(Kind, u8, u8),
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Notes), Just(Kind::Reviews), Just(Kind::Plans)]
}

fn op() -> impl Strategy<Value = Op> {
    let n = any::<u8>;
    prop_oneof![
        3 => n().prop_map(Op::Rename),
        3 => (n(), n()).prop_map(|(a, v)| Op::Revenue(a, v)),
        2 => n().prop_map(Op::Break),
        5 => Just(Op::Fix),
        1 => Just(Op::Retitle),
        2 => (n(), n()).prop_map(|(a, i)| Op::AddNote(a, i)),
        2 => (n(), n(), n()).prop_map(|(a, i, w)| Op::AddReview(a, i, w)),
        1 => (n(), n()).prop_map(|(a, p)| Op::AddPlan(a, p)),
        3 => (kind(), n(), n()).prop_map(|(k, a, i)| Op::DeleteFile(k, a, i)),
        2 => (kind(), n(), n(), n()).prop_map(|(k, a, i, t)| Op::RenameFile(k, a, i, t)),
        2 => (kind(), n(), n(), n()).prop_map(|(k, a, i, b)| Op::MoveFile(k, a, i, b)),
        3 => (n(), n()).prop_map(|(a, t)| Op::MoveAccount(a, t)),
        2 => n().prop_map(Op::DeleteAccount),
        3 => (n(), any::<bool>()).prop_map(|(p, seen)| Op::Restore(p, seen)),
        3 => (kind(), n(), n()).prop_map(|(k, a, b)| Op::MoveFolder(k, a, b)),
    ]
}

/// The site on disk, and the events the watcher reports for each change,
/// as notify reports them on Linux: one per file written or removed, a
/// rename with both paths, and for a folder copied in, the folder (and its
/// files when the watch on the new folder was in place in time).
struct Site {
    root: PathBuf,
    events: Vec<Event>,
    edits: usize,
}

fn event(kind: EventKind, paths: &[&Path]) -> Event {
    paths.iter().fold(Event::new(kind), |e, p| e.add_path(p.to_path_buf()))
}

fn sorted_entries(dir: &Path, dirs: bool) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_dir() == dirs)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn pick<T: Clone>(items: &[T], n: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(n) % items.len()].clone())
}

impl Site {
    fn accounts(&self) -> Vec<String> {
        sorted_entries(&self.root.join("accounts"), true)
    }

    fn account(&self, n: u8) -> Option<PathBuf> {
        pick(&self.accounts(), n).map(|a| self.root.join("accounts").join(a))
    }

    fn write(&mut self, path: &Path, text: &str) {
        let mut missing = Vec::new();
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| !d.exists()) {
            missing.push(d.to_path_buf());
            dir = d.parent();
        }
        for d in missing.iter().rev() {
            std::fs::create_dir(d).unwrap();
            self.events.push(event(EventKind::Create(CreateKind::Folder), &[d]));
        }
        let existed = path.exists();
        std::fs::write(path, text).unwrap();
        let kind = if existed {
            EventKind::Modify(ModifyKind::Data(DataChange::Any))
        } else {
            EventKind::Create(CreateKind::File)
        };
        self.events.push(event(kind, &[path]));
    }

    fn edit(&mut self, path: &Path, change: impl FnOnce(&str) -> String) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let changed = change(&text);
        self.write(path, &changed);
    }

    fn remove_file(&mut self, path: &Path) {
        std::fs::remove_file(path).unwrap();
        self.events.push(event(EventKind::Remove(RemoveKind::File), &[path]));
    }

    fn rename(&mut self, from: &Path, to: &Path) {
        if to.exists() || !from.exists() {
            return;
        }
        if let Some(dir) = to.parent().filter(|d| !d.exists()) {
            std::fs::create_dir_all(dir).unwrap();
            self.events.push(event(EventKind::Create(CreateKind::Folder), &[dir]));
        }
        std::fs::rename(from, to).unwrap();
        self.events.push(event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &[from, to],
        ));
    }

    fn remove_dir(&mut self, dir: &Path) {
        let entries: Vec<(PathBuf, bool)> = walkdir::WalkDir::new(dir)
            .contents_first(true)
            .into_iter()
            .flatten()
            .map(|e| (e.path().to_path_buf(), e.file_type().is_dir()))
            .collect();
        std::fs::remove_dir_all(dir).unwrap();
        for (path, is_dir) in entries {
            let kind = if is_dir { RemoveKind::Folder } else { RemoveKind::File };
            self.events.push(event(EventKind::Remove(kind), &[&path]));
        }
    }

    fn copy_in(&mut self, from: &Path, to: &Path, seen: bool) {
        copy_dir(from, to);
        self.events.push(event(EventKind::Create(CreateKind::Folder), &[to]));
        if seen {
            for entry in walkdir::WalkDir::new(to).min_depth(1).into_iter().flatten() {
                let kind = if entry.file_type().is_dir() {
                    EventKind::Create(CreateKind::Folder)
                } else {
                    EventKind::Create(CreateKind::File)
                };
                self.events.push(event(kind, &[entry.path()]));
            }
        }
    }

    fn files(&self, account: &Path, kind: Kind) -> Vec<PathBuf> {
        let dir = account.join(kind.folder());
        sorted_entries(&dir, false).into_iter().map(|f| dir.join(f)).collect()
    }

    fn apply(&mut self, op: &Op) {
        self.edits += 1;
        let n = self.edits;
        match *op {
            Op::Rename(a) => {
                let Some(a) = self.account(a) else { return };
                self.edit(&a.join("account.yaml"), |t| {
                    let name = t.lines().find(|l| l.starts_with("name:")).unwrap_or("name:");
                    t.replacen(name, &format!("name: Renamed account {n}"), 1)
                });
            }
            Op::Revenue(a, v) => {
                let Some(a) = self.account(a) else { return };
                self.edit(&a.join("account.yaml"), |t| match t.rfind("revenue: ") {
                    Some(at) => {
                        let end = at + 9 + t[at + 9..].find([',', ' ', '\n', '}']).unwrap_or(0);
                        format!("{}revenue: {}{}", &t[..at], 100_000 * (u64::from(v) + 1), &t[end..])
                    }
                    None => t.to_string(),
                });
            }
            Op::Retitle => {
                let site = self.root.join("site.yaml");
                self.edit(&site, |t| {
                    let title = t.lines().find(|l| l.starts_with("title:")).unwrap_or("title:");
                    t.replacen(title, &format!("title: Portal {n}"), 1)
                });
            }
            Op::Break(a) => {
                let Some(a) = self.account(a) else { return };
                self.edit(&a.join("account.yaml"), |t| format!("{t}oops: [\n"));
            }
            Op::Fix => {
                for a in self.accounts() {
                    let yaml = self.root.join("accounts").join(a).join("account.yaml");
                    if std::fs::read_to_string(&yaml).is_ok_and(|t| t.contains("oops: [\n")) {
                        self.edit(&yaml, |t| t.replace("oops: [\n", ""));
                    }
                }
            }
            Op::AddNote(a, i) => {
                let Some(a) = self.account(a) else { return };
                let day = i % 28 + 1;
                let text =
                    format!("---\ntitle: Added note {i}\ndate: 2026-10-{day:02}\n---\nWe talked about **item {i}**.\n");
                self.write(&a.join(format!("notes/2026-10-{day:02}-added-{i}.md")), &text);
            }
            Op::AddReview(a, i, w) => {
                let Some(a) = self.account(a) else { return };
                // "Nordlys Systems" is us: a won deal with us as the winner
                // makes the name ours, which other reviews' rivals leave out.
                let winner = ["Nordlys Systems", "Halden Controls", "Zeta Rivals"][usize::from(w) % 3];
                let outcome = if w % 2 == 0 { "won" } else { "lost" };
                let day = i % 28 + 1;
                let text = format!(
                    "---\nopportunity: Deal {i}\noutcome: {outcome}\ndate: 2026-0{}-{day:02}\nvalue: {}\n\
                     competitors:\n  - Halden Controls\nwinner: {winner}\nreasons:\n  - price\n---\nWhat happened.\n",
                    i % 9 + 1,
                    10_000 * (u32::from(i) + 1)
                );
                self.write(
                    &a.join(format!("reviews/2026-0{}-{day:02}-deal-{i}.md", i % 9 + 1)),
                    &text,
                );
            }
            Op::AddPlan(a, p) => {
                let Some(a) = self.account(a) else { return };
                let plans: Vec<PathBuf> = ["havbris-energi", "kessler-werke", "tamarack-foods"]
                    .iter()
                    .flat_map(|s| {
                        let dir = example_site().join("accounts").join(s).join("plans");
                        sorted_entries(&dir, false).into_iter().map(move |f| dir.join(f))
                    })
                    .collect();
                let Some(plan) = pick(&plans, p) else { return };
                let to = a.join("plans").join(plan.file_name().unwrap());
                if !to.exists() {
                    let text = std::fs::read_to_string(&plan).unwrap();
                    self.write(&to, &text);
                }
            }
            Op::DeleteFile(kind, a, i) => {
                let Some(a) = self.account(a) else { return };
                if let Some(f) = pick(&self.files(&a, kind), i) {
                    self.remove_file(&f);
                }
            }
            Op::RenameFile(kind, a, i, t) => {
                let Some(a) = self.account(a) else { return };
                let Some(f) = pick(&self.files(&a, kind), i) else {
                    return;
                };
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
                let to = f.with_file_name(format!("{stem}-r{t}.{ext}"));
                self.rename(&f, &to);
            }
            Op::MoveFile(kind, a, i, b) => {
                let (Some(a), Some(b)) = (self.account(a), self.account(b)) else {
                    return;
                };
                let Some(f) = pick(&self.files(&a, kind), i) else {
                    return;
                };
                let to = b.join(kind.folder()).join(f.file_name().unwrap());
                self.rename(&f, &to);
            }
            Op::MoveAccount(a, t) => {
                let Some(a) = self.account(a) else { return };
                let to = self.root.join("accounts").join(format!("moved-{t}"));
                self.rename(&a, &to);
            }
            Op::DeleteAccount(a) => {
                if let Some(a) = self.account(a) {
                    self.remove_dir(&a);
                }
            }
            Op::Restore(p, seen) => {
                let originals: Vec<String> = ACCOUNTS.iter().map(|s| s.to_string()).collect();
                let Some(slug) = pick(&originals, p) else { return };
                let mut to = self.root.join("accounts").join(&slug);
                if to.exists() {
                    to = self.root.join("accounts").join(format!("copy-{n}"));
                }
                self.copy_in(&example_site().join("accounts").join(&slug), &to, seen);
            }
            Op::MoveFolder(kind, a, b) => {
                let (Some(a), Some(b)) = (self.account(a), self.account(b)) else {
                    return;
                };
                let here = a.join(kind.folder());
                let aside = a.join(format!("old-{}", kind.folder()));
                if here.exists() && !b.join(kind.folder()).exists() {
                    self.rename(&here, &b.join(kind.folder()));
                } else if here.exists() {
                    self.rename(&here, &aside);
                } else {
                    self.rename(&aside, &here);
                }
            }
        }
    }
}

/// The example site cut to the accounts with plans and reviews, and two
/// without: enough to move things between, small enough to build often.
const ACCOUNTS: [&str; 6] = [
    "alpenmilch",
    "brightwater-telecom",
    "havbris-energi",
    "helios-pharma",
    "kessler-werke",
    "tamarack-foods",
];

fn copy_fixture(root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    std::fs::copy(example_site().join("site.yaml"), root.join("site.yaml")).unwrap();
    for slug in ACCOUNTS {
        copy_dir(
            &example_site().join("accounts").join(slug),
            &root.join("accounts").join(slug),
        );
    }
}

fn full_build(root: &Path, out: &Path) -> Result<(), String> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        pages: PageOptions {
            live_reload: true,
            ..PageOptions::default()
        },
        output: OutputOptions {
            out: Some(out.to_path_buf()),
            ..OutputOptions::default()
        },
        ..BuildOptions::default()
    };
    kamsite::build(&opts).map(|_| ()).map_err(|e| e.to_string())
}

fn differences(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut d: Vec<String> = want
        .keys()
        .filter(|k| !got.contains_key(*k))
        .map(|k| format!("missing {k}"))
        .collect();
    d.extend(
        got.keys()
            .filter(|k| !want.contains_key(*k))
            .map(|k| format!("extra {k}")),
    );
    d.extend(
        want.iter()
            .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
            .map(|(k, _)| format!("differs {k}")),
    );
    d
}

/// How many steps of all cases were rebuilt incrementally and compared.
#[derive(Default)]
struct Tally {
    incremental: usize,
    compared: usize,
    failed_both: usize,
}

fn run_case(steps: &[Vec<Op>], tally: &mut Tally) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_fixture(&root);
    let work = tmp.path().join("serve");
    std::fs::create_dir(&work).unwrap();
    let mut rebuilder = Rebuilder::new(&root, &work, Arc::default());
    let first = rebuilder.build();
    prop_assert!(first.result.is_ok(), "the example builds");
    rebuilder.prime();
    // Whether the last full build was good: then edits inside accounts/
    // must take the incremental path.
    let mut incremental_ready = true;
    let mut site = Site {
        root: root.clone(),
        events: Vec::new(),
        edits: 0,
    };
    for (i, step) in steps.iter().enumerate() {
        for op in step {
            site.apply(op);
        }
        let events = std::mem::take(&mut site.events);
        let Some((changed, outcome)) = rebuilder.apply(&events) else {
            prop_assert!(events.is_empty(), "step {i} {step:?}: changes ignored: {events:?}");
            continue;
        };
        let accounts_only = changed.iter().all(|p| p.starts_with("accounts/"));
        prop_assert!(
            !(incremental_ready && accounts_only && outcome.full),
            "step {i} {step:?}: {changed:?} rebuilt everything"
        );
        if outcome.full {
            incremental_ready = outcome.result.is_ok();
        } else {
            tally.incremental += 1;
        }
        let fresh = tmp.path().join(format!("fresh-{i}"));
        let want = full_build(&root, &fresh);
        match (&want, &outcome.result) {
            (Ok(()), Ok(_)) => {
                let served = rebuilder.served().expect("a good build is served");
                let differ = differences(&tree(served), &tree(&fresh));
                prop_assert!(
                    differ.is_empty(),
                    "after step {i} of {steps:?} ({} rebuild of {changed:?}), the served output differs \
                     from a full build: {differ:?}",
                    if outcome.full { "full" } else { "incremental" }
                );
                tally.compared += 1;
            }
            (Err(_), Err(_)) => tally.failed_both += 1,
            (want, got) => prop_assert!(
                false,
                "after step {i} of {steps:?}: a full build gives {want:?}, serve's rebuild {:?}",
                got.as_ref().map(|_| ()).map_err(|e| e.to_string())
            ),
        }
        let _ = std::fs::remove_dir_all(&fresh);
    }
    Ok(())
}

#[test]
fn served_output_equals_a_full_build_after_random_edits() {
    let config = Config {
        cases: 24,
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let steps = prop::collection::vec(prop::collection::vec(op(), 1..=3), 1..=8);
    let tally = std::cell::RefCell::new(Tally::default());
    let result = runner.run(&steps, |steps| run_case(&steps, &mut tally.borrow_mut()));
    if let Err(e) = result {
        panic!("{e}");
    }
    let tally = tally.into_inner();
    eprintln!(
        "{} steps rebuilt incrementally; {} compared with a full build, {} failed both ways",
        tally.incremental, tally.compared, tally.failed_both
    );
    // The property is only worth something if the incremental path ran
    // and the outputs were compared, and failures were met too.
    assert!(tally.incremental >= 80, "{} incremental rebuilds", tally.incremental);
    assert!(tally.compared >= 50, "{} compared", tally.compared);
    assert!(tally.failed_both >= 10, "{} failed both ways", tally.failed_both);
}

/// Which changes take the incremental path, for which accounts.
#[test]
fn which_changes_rebuild_which_accounts() {
    use kamsite::serve::rebuild::{Plan, changed_paths, plan};
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_fixture(&root);
    let opts = BuildOptions {
        root: root.clone(),
        output: OutputOptions {
            out: Some(tmp.path().join("out")),
            ..OutputOptions::default()
        },
        ..BuildOptions::default()
    };
    let (built, ws) = kamsite::build_keeping_site(&opts);
    built.unwrap_or_else(|e| panic!("{e}"));
    let ws = ws.expect("the site loaded");
    let accounts = |slugs: &[&str]| Plan::Accounts(slugs.iter().map(|s| s.to_string()).collect());
    let paths = |ps: &[&str]| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    let plan_of = |ps: &[&str]| plan(&root, Some(&ws), &paths(ps));

    assert_eq!(
        plan_of(&["accounts/alpenmilch/notes/x.md", "accounts/havbris-energi/account.yaml"]),
        accounts(&["alpenmilch", "havbris-energi"])
    );
    // A folder renamed, as the watcher names it, and removed: the folder is gone.
    std::fs::rename(root.join("accounts/alpenmilch"), root.join("accounts/alpen")).unwrap();
    assert_eq!(
        plan_of(&["accounts/alpenmilch", "accounts/alpen"]),
        accounts(&["alpen", "alpenmilch"])
    );
    // The watcher named only a note: the folders on disk still tell.
    assert_eq!(
        plan_of(&["accounts/helios-pharma/notes/x.md"]),
        accounts(&["alpen", "alpenmilch", "helios-pharma"])
    );
    std::fs::rename(root.join("accounts/alpen"), root.join("accounts/alpenmilch")).unwrap();
    for everything in [
        &["site.yaml"][..],
        &["templates/account.html"],
        &["static/logo.svg"],
        &["accounts"],
        &["accounts/Not A Slug/account.yaml"],
        &["accounts/alpenmilch/notes/x.md", "site.yaml"],
    ] {
        assert_eq!(plan_of(everything), Plan::Full, "{everything:?}");
    }
    // A folder whose name a full build refuses, whatever the watcher said.
    std::fs::create_dir(root.join("accounts/Bad Name")).unwrap();
    assert_eq!(plan_of(&["accounts/alpenmilch/notes/x.md"]), Plan::Full);
    std::fs::remove_dir(root.join("accounts/Bad Name")).unwrap();
    // After a failed full build there is nothing to rebuild in part.
    assert_eq!(
        plan(&root, None, &paths(&["accounts/alpenmilch/account.yaml"])),
        Plan::Full
    );

    // Reads, hidden and editor files are no changes; a rescan is everything.
    let at = |p: &str| root.join(p);
    let events = vec![
        Event::new(EventKind::Access(notify_debouncer_full::notify::event::AccessKind::Any)).add_path(at("site.yaml")),
        Event::new(EventKind::Create(CreateKind::File)).add_path(at("accounts/alpenmilch/.account.yaml.swp")),
        Event::new(EventKind::Modify(ModifyKind::Data(DataChange::Any))).add_path(at("accounts/alpenmilch/notes/a.md")),
        Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(at("accounts/alpenmilch"))
            .add_path(at("accounts/alpen")),
    ];
    assert_eq!(
        changed_paths(&root, &events),
        (
            paths(&[
                "accounts/alpen",
                "accounts/alpenmilch",
                "accounts/alpenmilch/notes/a.md"
            ]),
            false
        )
    );
    let rescan = Event::new(EventKind::Other).set_flag(notify_debouncer_full::notify::event::Flag::Rescan);
    assert_eq!(changed_paths(&root, &[rescan]), (Vec::new(), true));
}
