//! Win/loss analysis: why, against whom and where we win and lose.
//!
//! Pure functions over the site's reviews (SPEC 2.3, DOMAIN 5). The rules a
//! reader of the pages can check by hand:
//! - win rate = won / (won + lost); none when nothing closed. A no-decision
//!   is its own share of all reviews and never counts as a loss.
//! - a review is won or lost by its `outcome`, not by its `winner`.
//! - a review counts for a competitor when the competitor is listed in
//!   `competitors`, or is the `winner` of a deal we did not win and is not a
//!   name we go by ourselves (a `winner` of one of our won deals). Names are
//!   matched by slug, so "Vektor Automation" and "vektor automation" are one.
//! - a quarter is the calendar quarter of the review's `date` ("2026-Q1").
//! - reasons of won deals rank why we win, reasons of lost deals why we lose;
//!   the first reason is the primary one. Rankings order by primary count,
//!   then mentions, then reason id.
//!
//! Owns the analysis of one set of reviews and its parts: the review list
//! read from the site and its quarters (`reviews`), tallies, groups and
//! reason rankings (`tally`), and our record against each competitor
//! (`competitors`). Imports the model, the config's reason taxonomy and
//! the account views of [`super`]; nothing from a later stage.

mod competitors;
mod reviews;
mod stances;
mod tally;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use jiff::civil::Date;
use serde::Serialize;

use super::AccountView;
use crate::config::Reason;
use crate::model::{Outcome, Site};

pub use competitors::{HeadToHead, head_to_head, our_names, rivals};
pub use reviews::{ReasonRef, ReviewView, quarter_of, quarter_range};
pub use stances::{ContactAhead, contacts_ahead};
pub use tally::{Group, ReasonCount, Tally, group_by, reason_ranking, win_rate};

use competitors::head_to_head_of;
use reviews::quarter_sort_key;
use tally::{UNSET, named_key};

/// The analysis of a set of reviews: the whole site, a quarter, a competitor.
#[derive(Debug, Serialize)]
pub struct Breakdown {
    pub tally: Tally,
    /// Most deals first, then by slug. For one competitor's deals, the
    /// first [`OTHERS_SHOWN`] only: one deal naming 2,000 competitors would
    /// otherwise give each of their pages all the others.
    pub competitors: Vec<HeadToHead>,
    /// Competitors left out of `competitors`.
    pub competitors_more: usize,
    /// Reasons of won deals.
    pub win_reasons: Vec<ReasonCount>,
    /// Reasons of lost deals.
    pub loss_reasons: Vec<ReasonCount>,
    /// Reasons of no-decision deals (shown apart; they rank neither list).
    pub no_decision_reasons: Vec<ReasonCount>,
    /// Oldest quarter first; only quarters with reviews.
    pub by_quarter: Vec<Group>,
    pub interviewed: usize,
}

/// A lesson, with the review it came from.
#[derive(Debug, Serialize)]
pub struct Lesson<'a> {
    pub review: usize,
    pub text: &'a str,
}

/// The win/loss analysis of the whole site.
#[derive(Debug, Serialize)]
pub struct WinLoss<'a> {
    /// The win-rate target (site.yaml `win_loss.target`).
    pub target: f64,
    /// Every review, newest first (then by account and file name).
    pub reviews: Vec<ReviewView<'a>>,
    pub overall: Breakdown,
    /// Configured tier order, then "No tier".
    pub by_tier: Vec<Group>,
    /// By name, then "Not set".
    pub by_industry: Vec<Group>,
    pub by_region: Vec<Group>,
    /// Every quarter from the first review to the last, gaps included (chart axis).
    pub quarter_axis: Vec<String>,
    /// One per `overall.by_quarter` entry, same order.
    pub quarters: Vec<Breakdown>,
    /// One per `overall.competitors` entry, same order.
    pub competitors: Vec<Breakdown>,
    /// Every lesson, in review order.
    pub lessons: Vec<Lesson<'a>>,
    /// The names we go by: winners of our won deals (slugs).
    #[serde(skip)]
    pub ours: HashSet<String>,
    /// One per `overall.competitors` entry, same order: the contacts where
    /// that competitor stands better with them than we do (see `stances`).
    /// Empty when the analysis was not given the accounts.
    #[serde(skip)]
    pub contacts_ahead: Vec<Vec<ContactAhead<'a>>>,
}

/// Analyse every review of the site. `accounts` are the site's account views, in the same order.
pub fn analyze<'a>(site: &'a Site, accounts: &[AccountView<'a>]) -> WinLoss<'a> {
    let reviews = reviews::of_site(site, accounts);
    let mut wl = from_reviews(reviews, &site.config.win_loss.reasons, site.config.win_loss.target);
    let mut ahead = contacts_ahead(accounts);
    wl.contacts_ahead = wl
        .overall
        .competitors
        .iter()
        .map(|c| ahead.remove(&c.slug).unwrap_or_default())
        .collect();
    wl
}

/// The analysis of an already built review list (newest first).
pub fn from_reviews<'a>(reviews: Vec<ReviewView<'a>>, taxonomy: &[Reason], target: f64) -> WinLoss<'a> {
    let ours = our_names(&reviews);
    let rivals: Vec<Vec<(String, &str)>> = reviews.iter().map(|r| rivals(r, &ours)).collect();
    let everything: Vec<usize> = (0..reviews.len()).collect();
    let overall = breakdown_of(&reviews, &rivals, &everything, taxonomy, usize::MAX);
    let quarters = overall
        .by_quarter
        .iter()
        .map(|g| breakdown_of(&reviews, &rivals, &g.reviews, taxonomy, usize::MAX))
        .collect();
    let competitors = overall
        .competitors
        .iter()
        .map(|c| breakdown_of(&reviews, &rivals, &c.reviews, taxonomy, OTHERS_SHOWN + 1))
        .collect();
    let by_tier = group_by(&reviews, &everything, |r| {
        Some(match (r.tier_id, r.tier) {
            (Some(id), Some(name)) => (
                format!("{:04}", r.tier_index.unwrap_or(0)),
                id.to_string(),
                name.to_string(),
            ),
            _ => (format!("{UNSET}tier"), "none".into(), "No tier".into()),
        })
    });
    let by_industry = group_by(&reviews, &everything, |r| Some(named_key(r.industry)));
    let by_region = group_by(&reviews, &everything, |r| Some(named_key(r.region)));
    let dates: Vec<Date> = reviews.iter().filter_map(|r| r.date).collect();
    let quarter_axis = match (dates.iter().min(), dates.iter().max()) {
        (Some(&first), Some(&last)) => quarter_range(first, last),
        _ => Vec::new(),
    };
    let lessons = reviews
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.lessons.iter().map(move |l| Lesson { review: i, text: l }))
        .collect();
    WinLoss {
        target,
        reviews,
        overall,
        by_tier,
        by_industry,
        by_region,
        quarter_axis,
        quarters,
        competitors,
        lessons,
        ours,
        contacts_ahead: Vec::new(),
    }
}

/// Competitors shown on a competitor's page as met in the same deals.
pub const OTHERS_SHOWN: usize = 25;

/// Tally, competitors, reasons and quarters of the reviews at `subset`.
pub fn breakdown(all: &[ReviewView], subset: &[usize], ours: &HashSet<String>, taxonomy: &[Reason]) -> Breakdown {
    let rivals: Vec<Vec<(String, &str)>> = all.iter().map(|r| rivals(r, ours)).collect();
    breakdown_of(all, &rivals, subset, taxonomy, usize::MAX)
}

/// [`breakdown`] from each review's rivals, with at most `limit` competitors.
fn breakdown_of(
    all: &[ReviewView],
    rivals: &[Vec<(String, &str)>],
    subset: &[usize],
    taxonomy: &[Reason],
    limit: usize,
) -> Breakdown {
    let (competitors, competitors_more) = head_to_head_of(all, rivals, subset, limit);
    Breakdown {
        tally: Tally::of(all, subset),
        competitors,
        competitors_more,
        win_reasons: reason_ranking(all, subset, Outcome::Won, taxonomy),
        loss_reasons: reason_ranking(all, subset, Outcome::Lost, taxonomy),
        no_decision_reasons: reason_ranking(all, subset, Outcome::NoDecision, taxonomy),
        by_quarter: group_by(all, subset, |r| {
            r.date.map(|d| (quarter_sort_key(d), quarter_of(d), quarter_of(d)))
        }),
        interviewed: subset
            .iter()
            .filter(|&&i| all[i].outcome.is_some() && all[i].interviewed)
            .count(),
    }
}
