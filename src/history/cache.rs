//! What was read of the history, kept between builds in the repository's
//! git folder (`.git/kamsite/history-<site>.json`, never committed), with
//! the commit it was read at. A build whose HEAD is that commit reads no
//! log at all; one whose HEAD descends from it reads the new commits only
//! (`git log <then>..HEAD`); any other HEAD (a rewritten branch, another
//! checkout) reads the whole log again. Walking a log costs git a tree
//! comparison per commit, which in a folder of 10,000 accounts is most of a
//! millisecond: without this, every build would pay it for every commit
//! ever made.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::AccountHistory;

/// Bumped whenever what is kept, or how a diff is said, changes.
const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Kept {
    version: u32,
    /// The site folder inside the repository.
    prefix: String,
    /// The commit the history was read at.
    head: String,
    accounts: Vec<AccountHistory>,
}

/// Where the history of the site at `prefix` is kept.
pub(super) fn path(git_dir: &Path, prefix: &str) -> PathBuf {
    // FNV-1a: a short, stable name per site folder.
    let hash = prefix.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    git_dir.join("kamsite").join(format!("history-{hash:016x}.json"))
}

/// The history kept at `path` for `prefix`, and its commit; `None` when
/// there is none, or it was kept by another version or for another folder.
pub(super) fn load(path: &Path, prefix: &str) -> Option<(String, Vec<AccountHistory>)> {
    let bytes = std::fs::read(path).ok()?;
    let kept: Kept = serde_json::from_slice(&bytes).ok()?;
    (kept.version == VERSION && kept.prefix == prefix).then_some((kept.head, kept.accounts))
}

/// Keep `accounts` as read at `head`. Written beside, then renamed over
/// the old file, so a build that stops half way leaves the old one; a
/// repository kamsite may not write to is read again next time.
pub(super) fn store(path: &Path, prefix: &str, head: &str, accounts: Vec<AccountHistory>) -> Vec<AccountHistory> {
    let kept = Kept {
        version: VERSION,
        prefix: prefix.to_string(),
        head: head.to_string(),
        accounts,
    };
    if let (Some(dir), Ok(bytes)) = (path.parent(), serde_json::to_vec(&kept)) {
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&tmp, &bytes))
            .and_then(|()| std::fs::rename(&tmp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    kept.accounts
}

/// `older` (kept) with `newer` (read since) in front: per account, the new
/// entries first, both newest first.
pub(super) fn merge(older: Vec<AccountHistory>, newer: Vec<AccountHistory>) -> Vec<AccountHistory> {
    let mut by_slug: std::collections::BTreeMap<String, AccountHistory> =
        older.into_iter().map(|a| (a.slug.clone(), a)).collect();
    for mut a in newer {
        match by_slug.get_mut(&a.slug) {
            Some(old) => {
                a.entries.append(&mut old.entries);
                old.entries = a.entries;
            }
            None => {
                by_slug.insert(a.slug.clone(), a);
            }
        }
    }
    let mut merged: Vec<AccountHistory> = by_slug.into_values().collect();
    // A merged branch may bring commits older than some kept ones.
    for a in &mut merged {
        a.entries.sort_by_key(|e| std::cmp::Reverse(e.time));
    }
    merged
}
