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

use std::collections::{BTreeMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use super::AccountView;
use crate::config::Reason;
use crate::load::slugify;
use crate::model::{Outcome, Site};

/// A reason of a review, resolved against the taxonomy.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// One review as pages and the analysis read it.
#[derive(Debug, Serialize)]
pub struct ReviewView<'a> {
    /// The account's slug and name.
    pub slug: &'a str,
    pub account: &'a str,
    /// File stem, unique within the account; the URL segment.
    pub id: &'a str,
    /// The linked opportunity's title, or the free title.
    pub title: &'a str,
    /// The opportunity id when the review links one of the account's opportunities.
    pub opportunity: Option<&'a str>,
    pub outcome: Option<Outcome>,
    pub date: Option<Date>,
    pub quarter: Option<String>,
    pub value: Option<f64>,
    pub competitors: Vec<&'a str>,
    pub winner: Option<&'a str>,
    pub stage_reached: Option<&'a str>,
    /// Primary first.
    pub reasons: Vec<ReasonRef<'a>>,
    pub interviewed: bool,
    pub lessons: &'a [String],
    pub tier_id: Option<&'a str>,
    pub tier: Option<&'a str>,
    /// Position of the tier in the configured order, for sorting.
    pub tier_index: Option<usize>,
    pub industry: Option<&'a str>,
    pub region: Option<&'a str>,
    /// The narrative (Markdown); rendered by the page, not serialised.
    #[serde(skip)]
    pub body: &'a str,
}

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
    /// Indexes into [`WinLoss::reviews`], newest first.
    pub reviews: Vec<usize>,
}

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
    /// Indexes into [`WinLoss::reviews`], newest first.
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

/// The analysis of a set of reviews: the whole site, a quarter, a competitor.
#[derive(Debug, Serialize)]
pub struct Breakdown {
    pub tally: Tally,
    /// Most deals first, then by slug.
    pub competitors: Vec<HeadToHead>,
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
}

impl<'a> WinLoss<'a> {
    /// The reviews of one account, newest first.
    pub fn of_account(&self, slug: &str) -> Vec<&ReviewView<'a>> {
        self.reviews.iter().filter(|r| r.slug == slug).collect()
    }
}

/// The calendar quarter of a date: 2026-02-19 -> "2026-Q1".
pub fn quarter_of(date: Date) -> String {
    format!("{}-Q{}", date.year(), (date.month() - 1) / 3 + 1)
}

/// Sorts quarters in time order (a plain string sort would misplace years before 1000).
fn quarter_sort_key(date: Date) -> String {
    format!(
        "{:08}",
        (i32::from(date.year()) + 10_000) * 4 + i32::from((date.month() - 1) / 3)
    )
}

/// Every quarter from `first` to `last` inclusive ("2025-Q4", "2026-Q1", ...).
pub fn quarter_range(first: Date, last: Date) -> Vec<String> {
    let index = |d: Date| i32::from(d.year()) * 4 + i32::from((d.month() - 1) / 3);
    (index(first)..=index(last))
        .map(|i| format!("{}-Q{}", i.div_euclid(4), i.rem_euclid(4) + 1))
        .collect()
}

/// Analyse every review of the site. `accounts` are the site's account views, in the same order.
pub fn analyze<'a>(site: &'a Site, accounts: &[AccountView<'a>]) -> WinLoss<'a> {
    let taxonomy = &site.config.win_loss.reasons;
    let mut reviews: Vec<ReviewView<'a>> = Vec::new();
    for (doc, a) in site.accounts.iter().zip(accounts) {
        for r in &doc.reviews {
            let m = &r.meta;
            let opp_text = m.opportunity.as_ref().map(|o| o.value.as_str());
            let linked = opp_text.and_then(|t| doc.account.opportunities.iter().find(|o| o.id.value == t));
            reviews.push(ReviewView {
                slug: a.slug,
                account: a.name,
                id: &r.id,
                title: linked
                    .map(|o| o.title.as_deref().unwrap_or(&o.id.value))
                    .or(opp_text)
                    .unwrap_or(&r.id),
                opportunity: linked.map(|o| o.id.value.as_str()),
                outcome: m.outcome.as_ref().map(|o| o.value),
                date: r.date(),
                quarter: r.date().map(quarter_of),
                value: m.value.as_ref().map(|v| v.value).filter(|v| v.is_finite()),
                competitors: m
                    .competitors
                    .iter()
                    .map(|c| c.value.trim())
                    .filter(|c| !c.is_empty())
                    .collect(),
                winner: m.winner.as_ref().map(|w| w.value.trim()).filter(|w| !w.is_empty()),
                stage_reached: m.stage_reached.as_deref(),
                reasons: m
                    .reasons
                    .iter()
                    .map(|id| ReasonRef {
                        id: &id.value,
                        name: reason_name(taxonomy, &id.value),
                    })
                    .collect(),
                interviewed: m.interviewed,
                lessons: &m.lessons,
                tier_id: a.tier.as_ref().map(|t| t.id),
                tier: a.tier.as_ref().map(|t| t.name),
                tier_index: a.tier_index,
                industry: a.industry,
                region: a.region,
                body: &r.body,
            });
        }
    }
    reviews.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.slug.cmp(b.slug))
            .then_with(|| a.id.cmp(b.id))
    });
    from_reviews(reviews, taxonomy, site.config.win_loss.target)
}

/// The analysis of an already built review list (newest first).
pub fn from_reviews<'a>(reviews: Vec<ReviewView<'a>>, taxonomy: &[Reason], target: f64) -> WinLoss<'a> {
    let ours = our_names(&reviews);
    let everything: Vec<usize> = (0..reviews.len()).collect();
    let overall = breakdown(&reviews, &everything, &ours, taxonomy);
    let quarters = overall
        .by_quarter
        .iter()
        .map(|g| breakdown(&reviews, &g.reviews, &ours, taxonomy))
        .collect();
    let competitors = overall
        .competitors
        .iter()
        .map(|c| breakdown(&reviews, &c.reviews, &ours, taxonomy))
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
    }
}

/// Sort keys of groups without the attribute start with this, which sorts after digits and letters.
const UNSET: &str = "~";

/// Sort key, key and label of a free-text attribute; unset sorts last.
fn named_key(value: Option<&str>) -> (String, String, String) {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => (format!("0{}", v.to_lowercase()), slug_or(v, "unnamed"), v.to_string()),
        None => (format!("{UNSET}value"), "none".into(), "Not set".into()),
    }
}

fn slug_or(name: &str, fallback: &str) -> String {
    let s = slugify(name);
    if s.is_empty() { fallback.to_string() } else { s }
}

fn reason_name<'t>(taxonomy: &'t [Reason], id: &'t str) -> &'t str {
    taxonomy
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.name.as_str())
        .unwrap_or(id)
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
    for &c in &r.competitors {
        let s = slug_or(c, "unnamed");
        if !out.iter().any(|(x, _)| *x == s) {
            out.push((s, c));
        }
    }
    // The winner of a deal we did not win is a competitor, listed or not.
    if let Some(w) = r.winner
        && r.outcome != Some(Outcome::Won)
    {
        let s = slug_or(w, "unnamed");
        if !ours.contains(&s) && !out.iter().any(|(x, _)| *x == s) {
            out.push((s, w));
        }
    }
    out
}

/// Our record against every competitor in `subset`: most deals first, then by slug.
pub fn head_to_head(all: &[ReviewView], subset: &[usize], ours: &HashSet<String>) -> Vec<HeadToHead> {
    struct Acc<'r> {
        spellings: BTreeMap<&'r str, usize>,
        reviews: Vec<usize>,
        their_wins: usize,
    }
    let mut by_slug: BTreeMap<String, Acc> = BTreeMap::new();
    for &i in subset {
        let r = &all[i];
        if r.outcome.is_none() {
            continue;
        }
        let winner = r.winner.map(|w| slug_or(w, "unnamed"));
        for (slug, name) in rivals(r, ours) {
            let won_it = r.outcome == Some(Outcome::Lost) && winner.as_deref() == Some(slug.as_str());
            let acc = by_slug.entry(slug).or_insert_with(|| Acc {
                spellings: BTreeMap::new(),
                reviews: Vec::new(),
                their_wins: 0,
            });
            *acc.spellings.entry(name).or_default() += 1;
            acc.reviews.push(i);
            acc.their_wins += usize::from(won_it);
        }
    }
    let mut out: Vec<HeadToHead> = by_slug
        .into_iter()
        .map(|(slug, acc)| {
            // The most used spelling; ties go to the first in sort order.
            let competitor = acc
                .spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(n, _)| n.to_string())
                .unwrap_or_else(|| slug.clone());
            HeadToHead {
                competitor,
                tally: Tally::of(all, &acc.reviews),
                their_wins: acc.their_wins,
                reviews: acc.reviews,
                slug,
            }
        })
        .collect();
    out.sort_by(|a, b| b.tally.deals.cmp(&a.tally.deals).then_with(|| a.slug.cmp(&b.slug)));
    out
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

/// Tally, competitors, reasons and quarters of the reviews at `subset`.
pub fn breakdown(all: &[ReviewView], subset: &[usize], ours: &HashSet<String>, taxonomy: &[Reason]) -> Breakdown {
    Breakdown {
        tally: Tally::of(all, subset),
        competitors: head_to_head(all, subset, ours),
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
