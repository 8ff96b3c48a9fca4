//! The git history on portal pages: a profile's History section and the
//! dashboard's accounts changed in the last 30 days. What they list is
//! decided in `analyze::history`; this hands it to the templates, and only
//! when the site's history was read, so a site outside git gets the same
//! pages as before.

use serde::Serialize;

use crate::analyze::history::{self, EntryView, RECENT_DAYS, RECENT_SHOWN, RecentChange};
use crate::analyze::{AccountView, Portfolio};

/// `history` in account.html: the count, and the entries as an HTML list
/// (`<ol class="timeline history">`, escaped here). The list is written
/// here rather than by a template loop: at 10,000 accounts of 20 commits
/// the entries as template values cost the build more than a tenth of its
/// time, and a list of dated lines leaves a theme nothing to lay out but
/// its CSS classes.
#[derive(Serialize)]
struct Section {
    html: String,
    /// Entries older than those listed.
    older: usize,
    /// Every entry.
    total: usize,
}

/// The entries as account.html lists them.
fn list(entries: &[EntryView]) -> String {
    use crate::render::svg::escape_into;
    let mut out = String::with_capacity(64 + entries.len() * 320);
    out.push_str("<ol class=\"timeline history\">\n");
    for e in entries {
        out.push_str("  <li class=\"history-entry\">\n    <div class=\"note-meta\"><time>");
        out.push_str(&e.date.to_string());
        out.push_str("</time> ");
        escape_into(&mut out, e.author);
        out.push_str(" <code class=\"muted\">");
        escape_into(&mut out, e.commit);
        out.push_str("</code></div>\n    <p class=\"history-subject\">");
        escape_into(&mut out, e.subject);
        out.push_str("</p>\n    <ul class=\"history-changes\">");
        for c in &e.changes {
            out.push_str("<li>");
            escape_into(&mut out, c);
            out.push_str("</li>");
        }
        out.push_str("</ul>\n  </li>\n");
    }
    out.push_str("</ol>");
    out
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
        let html = list(&entries);
        ctx.insert("history", &Section { html, older, total });
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
