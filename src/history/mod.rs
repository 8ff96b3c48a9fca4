//! History: what git says about each account (SPEC 11). Internal only.
//!
//! When the site root is in a git repository, [`read`] walks the log once
//! (one `git log` over the site's `accounts/` folder, like Hugo's
//! `enableGitInfo`) and reads the account.yaml versions that log names in one
//! `git cat-file --batch` process. Each commit that touched an account
//! becomes an [`Entry`] in that account's [`AccountHistory`]: when, who, and
//! what changed, where a change of account.yaml is a structural diff of its
//! two versions parsed as YAML values ([`diff`]), not a text diff.
//!
//! Which sites are read (site.yaml `history`, see [`Setting`]): by default
//! only a site whose folder is the top of its git repository, so a site kept
//! inside another project (an example or test site in a program's own
//! repository) does not show that project's commits; `history: true` reads
//! a site in a subfolder too (only commits under it), `history: false`
//! never reads. A site outside git, or a machine without git, builds as
//! before: [`read`] then says why in one line.
//!
//! What was read is kept in the repository's git folder with the commit it
//! was read at, so the next build reads only the commits since ([`cache`]).
//!
//! It runs the `git` program rather than linking a git library: the
//! program is what a team that keeps its accounts in git has, it reads
//! every object format and extension that team's repository uses, and the
//! two processes run beside the build on cores of their own.
//!
//! This module owns reading and diffing history. It imports nothing from
//! the other stages; `analyze` turns its values into what the pages show
//! and the pipeline decides when it is read.

mod blocks;
mod cache;
pub mod diff;
mod git;

use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// site.yaml `history`: `None` (absent) reads the history when the site
/// folder is the top of a git repository; `Some(true)` also when it is a
/// subfolder of one; `Some(false)` never.
pub type Setting = Option<bool>;

/// Every account's history, by slug.
#[derive(Debug, Default)]
pub struct History {
    /// Sorted by slug.
    accounts: Vec<AccountHistory>,
    /// The commit the history was read at (`HEAD`), when it was read.
    pub head: Option<String>,
}

/// No history: a site outside git, or history off.
pub static NONE: History = History {
    accounts: Vec::new(),
    head: None,
};

impl History {
    /// The history of the account folder `slug`.
    pub fn account(&self, slug: &str) -> Option<&AccountHistory> {
        self.accounts
            .binary_search_by(|a| a.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.accounts[i])
    }

    /// Accounts with any history.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Every account's history, in slug order.
    pub fn accounts(&self) -> &[AccountHistory] {
        &self.accounts
    }

    /// The accounts whose history differs between `self` and `other`
    /// (new commits touched them, or a rewritten branch dropped some).
    pub fn changed_since(&self, other: &History) -> Vec<String> {
        let mut slugs: Vec<String> = Vec::new();
        let newest = |h: &History, slug: &str| {
            h.account(slug)
                .map(|a| (a.entries.len(), a.entries.first().map(|e| e.commit.clone())))
        };
        for a in self.accounts.iter().chain(&other.accounts) {
            if newest(self, &a.slug) != newest(other, &a.slug) {
                slugs.push(a.slug.clone());
            }
        }
        slugs.sort();
        slugs.dedup();
        slugs
    }

    fn new(mut accounts: Vec<AccountHistory>, head: Option<String>) -> History {
        accounts.sort_by(|a, b| a.slug.cmp(&b.slug));
        History { accounts, head }
    }
}

/// The commit checked out in the repository of `root` (`git rev-parse
/// HEAD`), to tell whether a history read earlier still holds; `None`
/// outside git or before the first commit.
pub fn head(root: &Path) -> Option<String> {
    git::head(root)
}

/// The commits that touched one account folder, newest first.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccountHistory {
    pub slug: String,
    pub entries: Vec<Entry>,
}

impl AccountHistory {
    /// The date of the newest commit that touched the account.
    pub fn last_changed(&self) -> Option<Date> {
        self.entries.iter().map(|e| e.date).max()
    }
}

/// One commit's changes to one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The commit id, abbreviated to 10 hex digits.
    pub commit: String,
    /// Author time, seconds since 1970 (orders entries of the same day).
    pub time: i64,
    /// The author date, in the author's own time zone.
    pub date: Date,
    /// The author's name (after .mailmap).
    pub author: String,
    /// The commit message's first line.
    pub subject: String,
    /// What changed, in the order found: account.yaml's fields first.
    pub changes: Vec<Change>,
}

/// One thing a commit changed in an account folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// A change of account.yaml's values, said in words: "tier foundation
    /// → diamond", "stance of Ingrid Berg +1 → +2".
    Field(String),
    /// A note, review or plan file added, edited or removed.
    Document { kind: DocKind, action: Action, id: String },
}

/// The documents beside account.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocKind {
    Note,
    Review,
    Plan,
    /// Any other file in the account folder.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Added,
    Edited,
    Removed,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Note => "note",
            DocKind::Review => "review",
            DocKind::Plan => "plan",
            DocKind::Other => "file",
        }
    }
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Added => "added",
            Action::Edited => "edited",
            Action::Removed => "removed",
        }
    }
}

/// What [`read`] found: the history (empty when there is none) and, when
/// it read none, why.
#[derive(Debug, Default)]
pub struct Outcome {
    pub history: History,
    pub off: Option<Off>,
}

/// Why a build shows no history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Off {
    /// site.yaml says `history: false`.
    Disabled,
    /// No `git` program.
    NoGit,
    /// The site folder is not in a git repository.
    NotInGit,
    /// The site folder is this subfolder of a repository, and site.yaml
    /// does not say `history: true`.
    Subfolder(String),
    /// git ran but its answer could not be used.
    Failed(String),
}

impl Off {
    /// The one line a build prints about it.
    pub fn note(&self) -> String {
        match self {
            Off::Disabled => "history: off (site.yaml `history: false`)".into(),
            Off::NoGit => "history: git is not installed, so profiles show no change history".into(),
            Off::NotInGit => "history: the site is not in a git repository, so profiles show no change history".into(),
            Off::Subfolder(prefix) => format!(
                "history: the site is the subfolder {prefix} of a git repository, so its history is not read \
                 (set `history: true` in site.yaml to read it)"
            ),
            Off::Failed(why) => format!("history: {why}; profiles show no change history"),
        }
    }
}

impl Outcome {
    fn off(why: Off) -> Outcome {
        Outcome {
            history: History::default(),
            off: Some(why),
        }
    }
}

/// Read the history of the site at `root` (see the module documentation for
/// which sites are read). Never fails: a site outside git, git missing or a
/// log that cannot be read give an empty history and the reason.
pub fn read(root: &Path, setting: Setting) -> Outcome {
    if setting == Some(false) {
        return Outcome::off(Off::Disabled);
    }
    let repo = match git::locate(root) {
        Ok(repo) => repo,
        Err(why) => return Outcome::off(why),
    };
    if !repo.prefix.is_empty() && setting.is_none() {
        return Outcome::off(Off::Subfolder(repo.prefix.trim_end_matches('/').to_string()));
    }
    let Some(head) = git::head(root) else {
        // A repository without commits yet: nothing to show, nothing to say.
        return Outcome::default();
    };
    let kept = cache::path(&repo.git_dir, &repo.prefix);
    let store = |accounts| cache::store(&kept, &repo.prefix, &head, accounts);
    let read = match cache::load(&kept, &repo.prefix) {
        Some((then, accounts)) if then == head => Ok(accounts),
        Some((then, accounts)) if git::is_ancestor(root, &then) => {
            git::read(root, Some(&then)).map(|newer| store(cache::merge(accounts, newer)))
        }
        _ => git::read(root, None).map(store),
    };
    match read {
        Ok(accounts) => Outcome {
            history: History::new(accounts, Some(head)),
            off: None,
        },
        Err(why) => Outcome::off(Off::Failed(why)),
    }
}

/// Where a file of an account folder belongs: `accounts/<slug>/<rest>`.
fn account_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("accounts/")?;
    let (slug, rest) = rest.split_once('/')?;
    (!slug.is_empty() && !rest.is_empty()).then_some((slug, rest))
}

/// What kind of document `rest` (a path inside an account folder) is, and
/// its id (the file name without extension, as the loader names it).
fn document(rest: &str) -> (DocKind, String) {
    let (dir, file) = rest.rsplit_once('/').unwrap_or(("", rest));
    let id = file.rsplit_once('.').map_or(file, |(stem, _)| stem).to_string();
    let kind = match dir {
        "notes" => DocKind::Note,
        "reviews" => DocKind::Review,
        "plans" => DocKind::Plan,
        _ => DocKind::Other,
    };
    (kind, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_paths_name_the_folder_and_the_file() {
        assert_eq!(
            account_path("accounts/acme/account.yaml"),
            Some(("acme", "account.yaml"))
        );
        assert_eq!(
            account_path("accounts/acme/notes/2026-01-02-call.md"),
            Some(("acme", "notes/2026-01-02-call.md"))
        );
        assert_eq!(account_path("site.yaml"), None);
        assert_eq!(account_path("accounts/README.md"), None);
        assert_eq!(
            document("notes/2026-01-02-call.md"),
            (DocKind::Note, "2026-01-02-call".into())
        );
        assert_eq!(document("plans/2026.yaml"), (DocKind::Plan, "2026".into()));
        assert_eq!(document("logo.png"), (DocKind::Other, "logo".into()));
    }
}
