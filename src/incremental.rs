//! What serve's incremental rebuild ([`crate::rebuild_accounts`]) needs
//! beyond a build: which unchanged accounts' pages other accounts changed,
//! and which files of the changed accounts' folders no page makes any more.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::analyze::Portfolio;
use crate::model::Outcome;

/// What an account's own pages show that other accounts decide: its share
/// of the portfolio's revenue (profile), and the names we go by, which a
/// review of a deal we did not win leaves out of its rivals. Kept from the
/// last render written, to find the accounts whose pages must be made again
/// although their files did not change.
#[derive(Default)]
pub(crate) struct CrossInputs {
    shares: HashMap<String, Option<u64>>,
    ours: HashSet<String>,
}

impl CrossInputs {
    pub(crate) fn of(p: &Portfolio) -> CrossInputs {
        CrossInputs {
            shares: p
                .accounts
                .iter()
                .map(|a| (a.slug.to_string(), a.revenue_share.map(f64::to_bits)))
                .collect(),
            ours: p.winloss.ours.clone(),
        }
    }

    /// The accounts of `p` whose pages differ from what was rendered with
    /// `self` because of other accounts (new accounts included).
    pub(crate) fn affected(&self, p: &Portfolio) -> Vec<String> {
        let mut slugs: Vec<String> = p
            .accounts
            .iter()
            .filter(|a| self.shares.get(a.slug) != Some(&a.revenue_share.map(f64::to_bits)))
            .map(|a| a.slug.to_string())
            .collect();
        if self.ours != p.winloss.ours {
            let rivals_may_change = p
                .winloss
                .reviews
                .iter()
                .filter(|r| r.winner.is_some() && r.outcome != Some(Outcome::Won));
            slugs.extend(rivals_may_change.map(|r| r.slug.to_string()));
        }
        slugs.sort();
        slugs.dedup();
        slugs
    }
}

/// The files under `accounts/<slug>/` in `out`, for each of `slugs`, that
/// this render did not make (`made`): pages of a review or plan removed or
/// renamed, or of an account that is gone. Site-relative paths, sorted.
pub(crate) fn stale_account_files<'a>(
    out: &Path,
    slugs: impl IntoIterator<Item = &'a String>,
    made: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut stale = Vec::new();
    for slug in slugs {
        let dir = out.join("accounts").join(slug);
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            if entry.file_type().is_dir() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(out) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !made(&rel) {
                stale.push(rel);
            }
        }
    }
    stale.sort();
    stale
}
