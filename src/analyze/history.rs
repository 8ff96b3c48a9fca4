//! What the pages show of the git history (SPEC 11): a profile's History
//! section (its entries said in words) and the dashboard's accounts changed
//! in the last [`RECENT_DAYS`] days. The account's last commit date itself
//! feeds staleness in `attention`.

use jiff::civil::Date;
use serde::Serialize;

use super::{AccountView, days_between};
use crate::history::{AccountHistory, Change, DocKind};

/// "Changed in the last N days" on the dashboard.
pub const RECENT_DAYS: i64 = 30;

/// Accounts the dashboard lists as changed recently, newest first.
pub const RECENT_SHOWN: usize = 20;

/// One commit's changes to an account, as its profile lists them.
#[derive(Debug, Serialize)]
pub struct EntryView<'a> {
    pub date: Date,
    pub author: &'a str,
    /// The commit, abbreviated.
    pub commit: &'a str,
    /// The commit message's first line.
    pub subject: &'a str,
    /// What changed, one line each: "tier foundation → diamond",
    /// "note added: Q3 review".
    pub changes: Vec<String>,
}

/// Entries a profile's History section lists, newest first; the rest are
/// counted.
pub const ENTRIES_SHOWN: usize = 50;

/// The History section of an account's profile: its newest
/// [`ENTRIES_SHOWN`] entries, and how many older ones there are.
pub fn entries<'a>(a: &AccountView<'a>, history: &'a AccountHistory) -> (Vec<EntryView<'a>>, usize) {
    let shown = history
        .entries
        .iter()
        .take(ENTRIES_SHOWN)
        .map(|e| EntryView {
            date: e.date,
            author: &e.author,
            commit: &e.commit,
            subject: &e.subject,
            changes: e.changes.iter().map(|c| say(a, c)).collect(),
        })
        .collect();
    (shown, history.entries.len().saturating_sub(ENTRIES_SHOWN))
}

/// A change in words; a note by its title when the account still has it
/// ("note added: Q3 review"), else (and a review or plan) by its file name.
pub fn say(a: &AccountView, change: &Change) -> String {
    match change {
        Change::Field(s) => s.clone(),
        Change::Document { kind, action, id } => {
            let title = match kind {
                DocKind::Note => a.notes.iter().find(|n| n.id == id).map(|n| n.title),
                DocKind::Review | DocKind::Plan | DocKind::Other => None,
            };
            format!("{} {}: {}", kind.as_str(), action.as_str(), title.unwrap_or(id))
        }
    }
}

/// One account in the dashboard's "changed in the last 30 days".
#[derive(Debug, Serialize)]
pub struct RecentChange<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    /// The newest change's date and author.
    pub date: Date,
    pub author: &'a str,
    /// Commits touching the account in the window.
    pub commits: usize,
}

/// Every account changed in the [`RECENT_DAYS`] days up to `today`, newest
/// change first (then by name). A commit dated after `today` (a site with a
/// fixed `today`) is not "in the last 30 days".
pub fn recent<'a>(accounts: &[AccountView<'a>], today: Date) -> Vec<RecentChange<'a>> {
    let within = |d: Date| (0..=RECENT_DAYS).contains(&days_between(d, today)) && d <= today;
    let mut out: Vec<(i64, RecentChange<'a>)> = accounts
        .iter()
        .filter_map(|a| {
            let h = a.history?;
            let mut in_window = h.entries.iter().filter(|e| within(e.date));
            let newest = in_window.clone().max_by_key(|e| (e.date, e.time))?;
            Some((
                newest.time,
                RecentChange {
                    slug: a.slug,
                    name: a.name,
                    date: newest.date,
                    author: &newest.author,
                    commits: in_window.by_ref().count(),
                },
            ))
        })
        .collect();
    out.sort_by(|(ta, a), (tb, b)| b.date.cmp(&a.date).then(tb.cmp(ta)).then(a.name.cmp(b.name)));
    out.into_iter().map(|(_, r)| r).collect()
}
