//! Competitors: who a review counts for, the names we go by ourselves, and
//! our record against each competitor.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::{ReviewView, Tally};
use crate::model::Outcome;
use crate::model::slug::{slug_or, slugify};

/// Our record against one competitor.
#[derive(Debug, Serialize)]
pub struct HeadToHead {
    /// The competitor's name as most reviews spell it.
    pub competitor: String,
    pub slug: String,
    /// `deals` = every review it appeared in; won/lost = our outcome there.
    pub tally: Tally,
    /// Lost deals this competitor won.
    pub their_wins: usize,
    /// Indexes into [`WinLoss::reviews`](super::WinLoss::reviews), newest first.
    pub reviews: Vec<usize>,
}

/// Slugs of the names written as `winner` of won deals (and not listed as a competitor there).
pub fn our_names(reviews: &[ReviewView]) -> HashSet<String> {
    reviews
        .iter()
        .filter(|r| r.outcome == Some(Outcome::Won))
        .filter_map(|r| {
            let w = slugify(r.winner?);
            let listed = r.competitors.iter().any(|c| slugify(c) == w);
            (!w.is_empty() && !listed).then_some(w)
        })
        .collect()
}

/// The competitors a review counts for: (slug, name as written), each once.
pub fn rivals<'r>(r: &ReviewView<'r>, ours: &HashSet<String>) -> Vec<(String, &'r str)> {
    let mut out: Vec<(String, &'r str)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for &c in &r.competitors {
        let s = slug_or(c, "unnamed");
        if seen.insert(s.clone()) {
            out.push((s, c));
        }
    }
    // The winner of a deal we did not win is a competitor, listed or not.
    if let Some(w) = r.winner
        && r.outcome != Some(Outcome::Won)
    {
        let s = slug_or(w, "unnamed");
        if !ours.contains(&s) && !seen.contains(&s) {
            out.push((s, w));
        }
    }
    out
}

/// Our record against every competitor in `subset`: most deals first, then by slug.
pub fn head_to_head(all: &[ReviewView], subset: &[usize], ours: &HashSet<String>) -> Vec<HeadToHead> {
    let rivals: Vec<Vec<(String, &str)>> = all.iter().map(|r| rivals(r, ours)).collect();
    head_to_head_of(all, &rivals, subset, usize::MAX).0
}

/// [`head_to_head`] from each review's [`rivals`], computed once: the first
/// `limit` competitors, and how many more there are.
pub(super) fn head_to_head_of(
    all: &[ReviewView],
    rivals: &[Vec<(String, &str)>],
    subset: &[usize],
    limit: usize,
) -> (Vec<HeadToHead>, usize) {
    struct Acc<'r> {
        spellings: BTreeMap<&'r str, usize>,
        reviews: Vec<usize>,
        their_wins: usize,
    }
    let mut by_slug: HashMap<&str, Acc> = HashMap::new();
    for &i in subset {
        let r = &all[i];
        if r.outcome.is_none() {
            continue;
        }
        let winner = r.winner.map(|w| slug_or(w, "unnamed"));
        for (slug, name) in &rivals[i] {
            let won_it = r.outcome == Some(Outcome::Lost) && winner.as_deref() == Some(slug.as_str());
            let acc = by_slug.entry(slug.as_str()).or_insert_with(|| Acc {
                spellings: BTreeMap::new(),
                reviews: Vec::new(),
                their_wins: 0,
            });
            *acc.spellings.entry(name).or_default() += 1;
            acc.reviews.push(i);
            acc.their_wins += usize::from(won_it);
        }
    }
    // Deals are the reviews with an outcome: all of `acc.reviews`.
    let mut accs: Vec<(&str, Acc)> = by_slug.into_iter().collect();
    accs.sort_by(|a, b| b.1.reviews.len().cmp(&a.1.reviews.len()).then_with(|| a.0.cmp(b.0)));
    let more = accs.len().saturating_sub(limit);
    accs.truncate(limit);
    let out = accs
        .into_iter()
        .map(|(slug, acc)| {
            // The most used spelling; ties go to the first in sort order.
            let competitor = acc
                .spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map_or_else(|| slug.to_string(), |(n, _)| n.to_string());
            HeadToHead {
                competitor,
                tally: Tally::of(all, &acc.reviews),
                their_wins: acc.their_wins,
                reviews: acc.reviews,
                slug: slug.to_string(),
            }
        })
        .collect();
    (out, more)
}
