//! Where a competitor is ahead of us (SPEC 10, seed 004): the contacts
//! whose `competitor_stance` for a competitor is above our own stance with
//! them. Contacts whose stance toward us is unknown are left out: there is
//! nothing to compare with. Competitor names match the win/loss pages'
//! by slug, so "Vektor Automation" in a stance is the reviews' "vektor automation".

use std::collections::HashMap;

use serde::Serialize;

use super::super::{AccountView, stance_label};
use crate::model::slug::slug_or;

/// One contact where a competitor stands better than we do.
#[derive(Debug, Serialize)]
pub struct ContactAhead<'a> {
    /// The account's slug and name.
    pub account: &'a str,
    pub account_name: &'a str,
    /// The contact's id (its anchor on the profile, `#contact-<id>`) and name.
    pub contact: &'a str,
    pub name: &'a str,
    pub title: Option<&'a str>,
    pub role_label: &'static str,
    pub our_stance: i64,
    pub our_label: &'static str,
    pub their_stance: i64,
    pub their_label: &'static str,
    /// Their stance minus ours: how far ahead they are (1 to 6).
    pub gap: i64,
}

/// Per competitor slug, the contacts where it is ahead of us: the widest
/// gap first, then by account slug, then in account.yaml order.
pub fn contacts_ahead<'a>(accounts: &[AccountView<'a>]) -> HashMap<String, Vec<ContactAhead<'a>>> {
    let mut out: HashMap<String, Vec<ContactAhead<'a>>> = HashMap::new();
    for a in accounts {
        for c in &a.contacts {
            let Some(ours) = c.stance() else { continue };
            for (competitor, s) in &c.doc.competitor_stance {
                let theirs = s.value;
                if theirs <= ours {
                    continue;
                }
                out.entry(slug_or(competitor, "unnamed"))
                    .or_default()
                    .push(ContactAhead {
                        account: a.slug,
                        account_name: a.name,
                        contact: c.id(),
                        name: c.name(),
                        title: c.title(),
                        role_label: c.role_label(),
                        our_stance: ours,
                        our_label: stance_label(Some(ours)),
                        their_stance: theirs,
                        their_label: stance_label(Some(theirs)),
                        gap: theirs - ours,
                    });
            }
        }
    }
    // Accounts come in slug order and contacts as written: a stable sort
    // by gap keeps that order among equal gaps.
    for list in out.values_mut() {
        list.sort_by_key(|c| std::cmp::Reverse(c.gap));
    }
    out
}
