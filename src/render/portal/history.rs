//! The git history on portal pages: a profile's History section and the
//! dashboard's accounts changed in the last 30 days. What they list is
//! decided in `analyze::history`; this hands it to the templates, and only
//! when the site's history was read, so a site outside git gets the same
//! pages as before.

use serde::Serialize;

use crate::analyze::history::{self, EntryView, RECENT_DAYS, RECENT_SHOWN, RecentChange};
use crate::analyze::{AccountView, Portfolio};

/// `history` in account.html.
#[derive(Serialize)]
struct Section<'a> {
    entries: Vec<EntryView<'a>>,
    /// Entries older than those listed.
    older: usize,
    /// Every entry.
    total: usize,
}

/// `recent_changes` in index.html.
#[derive(Serialize)]
struct Recent<'a> {
    days: i64,
    /// Accounts changed in the window.
    total: usize,
    /// The newest [`RECENT_SHOWN`] of them.
    items: &'a [RecentChange<'a>],
}

/// The profile's History section, when the account has history.
pub(super) fn insert_profile(ctx: &mut tera::Context, a: &AccountView) {
    if let Some(h) = a.history {
        let (entries, older) = history::entries(a, h);
        let total = h.entries.len();
        ctx.insert("history", &Section { entries, older, total });
    }
}

/// The dashboard's "changed in the last 30 days", when the history was read.
pub(super) fn insert_dashboard(ctx: &mut tera::Context, p: &Portfolio) {
    if p.has_history {
        ctx.insert(
            "recent_changes",
            &Recent {
                days: RECENT_DAYS,
                total: p.recent.len(),
                items: &p.recent[..p.recent.len().min(RECENT_SHOWN)],
            },
        );
    }
}
