//! Counting a subset of reviews: the tally of outcomes and values, groups
//! by one attribute, and reason rankings.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::ReviewView;
use super::reviews::reason_name;
use crate::config::Reason;
use crate::model::Outcome;
use crate::model::slug::slug_or;

/// Counts and values of a set of reviews.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Tally {
    /// Reviews with an outcome.
    pub deals: usize,
    pub won: usize,
    pub lost: usize,
    pub no_decision: usize,
    /// won + lost.
    pub closed: usize,
    /// won / (won + lost); None when nothing closed.
    pub win_rate: Option<f64>,
    /// no_decision / deals; None without deals.
    pub no_decision_share: Option<f64>,
    pub value_won: f64,
    pub value_lost: f64,
    pub value_no_decision: f64,
    /// Reviews without a `value`, so a reader knows the sums are partial.
    pub unvalued: usize,
}

/// won / (won + lost), or None when nothing closed (never a division by zero).
pub fn win_rate(won: usize, lost: usize) -> Option<f64> {
    let closed = won + lost;
    (closed > 0).then(|| won as f64 / closed as f64)
}

impl Tally {
    pub fn add(&mut self, outcome: Outcome, value: Option<f64>) {
        self.deals += 1;
        let v = value.unwrap_or(0.0);
        match outcome {
            Outcome::Won => {
                self.won += 1;
                self.value_won += v;
            }
            Outcome::Lost => {
                self.lost += 1;
                self.value_lost += v;
            }
            Outcome::NoDecision => {
                self.no_decision += 1;
                self.value_no_decision += v;
            }
        }
        if value.is_none() {
            self.unvalued += 1;
        }
        self.closed = self.won + self.lost;
        self.win_rate = win_rate(self.won, self.lost);
        self.no_decision_share = Some(self.no_decision as f64 / self.deals as f64);
    }

    /// The tally of the reviews at `subset` (indexes into `all`).
    pub fn of(all: &[ReviewView], subset: &[usize]) -> Tally {
        let mut t = Tally::default();
        for &i in subset {
            if let Some(o) = all[i].outcome {
                t.add(o, all[i].value);
            }
        }
        t
    }
}

/// Reviews grouped by one attribute (tier, industry, region, quarter).
#[derive(Debug, Serialize)]
pub struct Group {
    /// Stable id for URLs and data: tier id, slug of the name, or "2026-Q1".
    pub key: String,
    pub label: String,
    /// The group of reviews without this attribute ("No tier", "Not set").
    pub unset: bool,
    pub tally: Tally,
    /// Indexes into [`WinLoss::reviews`](super::WinLoss::reviews), newest first.
    pub reviews: Vec<usize>,
}

/// How often a reason was given, as the primary reason and at all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    /// The reason id from site.yaml `win_loss.reasons`.
    pub reason: String,
    pub name: String,
    pub primary: usize,
    pub mentions: usize,
}

/// Sort keys of groups without the attribute start with this, which sorts after digits and letters.
pub(super) const UNSET: &str = "~";

/// Sort key, key and label of a free-text attribute; unset sorts last.
pub(super) fn named_key(value: Option<&str>) -> (String, String, String) {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => (format!("0{}", v.to_lowercase()), slug_or(v, "unnamed"), v.to_string()),
        None => (format!("{UNSET}value"), "none".into(), "Not set".into()),
    }
}

/// How often each reason was given on reviews with `outcome`: by primary
/// count, then mentions, then reason id. A reason listed twice counts once.
pub fn reason_ranking(all: &[ReviewView], subset: &[usize], outcome: Outcome, taxonomy: &[Reason]) -> Vec<ReasonCount> {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for &i in subset {
        let r = &all[i];
        if r.outcome != Some(outcome) {
            continue;
        }
        let mut seen = HashSet::new();
        for (k, reason) in r.reasons.iter().enumerate() {
            if !seen.insert(reason.id) {
                continue;
            }
            let c = counts.entry(reason.id).or_default();
            c.0 += usize::from(k == 0);
            c.1 += 1;
        }
    }
    let mut out: Vec<ReasonCount> = counts
        .into_iter()
        .map(|(id, (primary, mentions))| ReasonCount {
            reason: id.to_string(),
            name: reason_name(taxonomy, id).to_string(),
            primary,
            mentions,
        })
        .collect();
    out.sort_by(|a, b| {
        b.primary
            .cmp(&a.primary)
            .then_with(|| b.mentions.cmp(&a.mentions))
            .then_with(|| a.reason.cmp(&b.reason))
    });
    out
}

/// Group `subset` by `key`, which gives (sort key, key, label); groups come in sort-key order.
pub fn group_by(
    all: &[ReviewView],
    subset: &[usize],
    key: impl Fn(&ReviewView) -> Option<(String, String, String)>,
) -> Vec<Group> {
    let mut groups: BTreeMap<(String, String), (String, Vec<usize>)> = BTreeMap::new();
    for &i in subset {
        if all[i].outcome.is_none() {
            continue;
        }
        if let Some((sort, k, label)) = key(&all[i]) {
            groups.entry((sort, k)).or_insert_with(|| (label, Vec::new())).1.push(i);
        }
    }
    groups
        .into_iter()
        .map(|((sort, key), (label, reviews))| Group {
            key,
            label,
            unset: sort.starts_with(UNSET),
            tally: Tally::of(all, &reviews),
            reviews,
        })
        .collect()
}
