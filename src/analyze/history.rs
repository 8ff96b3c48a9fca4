//! What the pages show of the git history (SPEC 11): a profile's History
//! section (its entries said in words) and the dashboard's accounts changed
//! in the last [`RECENT_DAYS`] days. The account's last commit date itself
//! feeds staleness in `attention`.

use jiff::civil::Date;
use serde::Serialize;

use super::{AccountView, days_between};
use crate::history::{AccountHistory, Change, DocKind};
use crate::model::AccountDoc;

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

/// The History section of `doc`'s profile: every entry, newest first.
pub fn entries<'a>(doc: &AccountDoc, history: &'a AccountHistory) -> Vec<EntryView<'a>> {
    history
        .entries
        .iter()
        .map(|e| EntryView {
            date: e.date,
            author: &e.author,
            commit: &e.commit,
            subject: &e.subject,
            changes: e.changes.iter().map(|c| say(doc, c)).collect(),
        })
        .collect()
}

/// A change in words; a note, review or plan by its title when the site
/// still has it ("note added: Q3 review"), else by its file name.
pub fn say(doc: &AccountDoc, change: &Change) -> String {
    match change {
        Change::Field(s) => s.clone(),
        Change::Document { kind, action, id } => {
            let title = match kind {
                DocKind::Note => doc
                    .notes
                    .iter()
                    .find(|n| n.id == *id)
                    .and_then(|n| n.meta.title.clone()),
                DocKind::Plan => doc
                    .plans
                    .iter()
                    .find(|p| p.id == *id)
                    .and_then(|p| p.plan.title.clone()),
                DocKind::Review | DocKind::Other => None,
            };
            format!(
                "{} {}: {}",
                kind.as_str(),
                action.as_str(),
                title.unwrap_or_else(|| id.clone())
            )
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
