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

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use super::AccountView;
use crate::config::Reason;
use crate::model::slug::{slug_or, slugify};
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
        for r in doc.reviews.iter().filter(|r| !r.meta.draft) {
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
fn head_to_head_of(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn taxonomy() -> Vec<Reason> {
        crate::config::default_reasons()
    }

    /// A review with what the analysis reads; the rest left empty.
    fn rv(
        outcome: Option<Outcome>,
        date: &str,
        competitors: &[&'static str],
        winner: Option<&'static str>,
        reasons: &[&'static str],
        value: Option<f64>,
    ) -> ReviewView<'static> {
        ReviewView {
            slug: "acme",
            account: "Acme",
            id: "r",
            title: "Deal",
            opportunity: None,
            outcome,
            date: Some(d(date)),
            quarter: Some(quarter_of(d(date))),
            value,
            competitors: competitors.to_vec(),
            winner,
            stage_reached: None,
            reasons: reasons.iter().map(|r| ReasonRef { id: r, name: r }).collect(),
            interviewed: false,
            lessons: &[],
            tier_id: None,
            tier: None,
            tier_index: None,
            industry: None,
            region: None,
            body: "",
        }
    }

    const WON: Option<Outcome> = Some(Outcome::Won);
    const LOST: Option<Outcome> = Some(Outcome::Lost);
    const NONE: Option<Outcome> = Some(Outcome::NoDecision);

    fn all(n: usize) -> Vec<usize> {
        (0..n).collect()
    }

    #[test]
    fn one_deal_with_many_competitors_gives_each_a_bounded_list_of_the_others() {
        let names: Vec<&'static str> = (0..300)
            .flat_map(|i| [format!("Rival {i:03}"), format!("RIVAL {i:03}")])
            .map(|n| &*Box::leak(n.into_boxed_str()))
            .collect();
        let reviews = vec![
            rv(LOST, "2026-01-10", &names, Some("Rival 299"), &[], None),
            rv(WON, "2026-02-10", &["Rival 299"], None, &[], None),
        ];
        let wl = from_reviews(reviews, &[], 0.8);
        // Two spellings of each are one competitor.
        assert_eq!(wl.overall.competitors.len(), 300);
        assert_eq!(wl.overall.competitors_more, 0);
        assert_eq!(
            wl.overall.competitors[0].competitor, "Rival 299",
            "two deals: first; its spelling of two"
        );
        assert_eq!(wl.overall.competitors[0].tally.deals, 2);
        assert_eq!(wl.overall.competitors[0].their_wins, 1);
        for (c, detail) in wl.overall.competitors.iter().zip(&wl.competitors) {
            assert_eq!(detail.competitors.len(), OTHERS_SHOWN + 1, "{}", c.slug);
            assert_eq!(detail.competitors_more, 300 - OTHERS_SHOWN - 1);
            assert_eq!(detail.tally.deals, c.tally.deals);
        }
        // Within one deal every competitor has one: by slug.
        let first: Vec<&str> = wl.competitors[1]
            .competitors
            .iter()
            .take(3)
            .map(|h| h.slug.as_str())
            .collect();
        assert_eq!(first, ["rival-000", "rival-001", "rival-002"]);
    }

    #[test]
    fn win_rate_is_won_over_closed_and_never_divides_by_zero() {
        assert_eq!(win_rate(2, 1), Some(2.0 / 3.0));
        assert_eq!(win_rate(0, 3), Some(0.0));
        assert_eq!(win_rate(4, 0), Some(1.0));
        assert_eq!(win_rate(0, 0), None);
    }

    #[test]
    fn no_decision_is_its_own_share_not_a_loss() {
        let reviews = vec![
            rv(WON, "2026-01-10", &[], None, &[], Some(100.0)),
            rv(LOST, "2026-02-10", &[], None, &[], Some(40.0)),
            rv(NONE, "2026-03-10", &[], None, &[], Some(7.0)),
            rv(NONE, "2026-03-11", &[], None, &[], None),
        ];
        let t = Tally::of(&reviews, &all(4));
        assert_eq!((t.deals, t.won, t.lost, t.no_decision, t.closed), (4, 1, 1, 2, 2));
        assert_eq!(t.win_rate, Some(0.5));
        assert_eq!(t.no_decision_share, Some(0.5));
        assert_eq!((t.value_won, t.value_lost, t.value_no_decision), (100.0, 40.0, 7.0));
        assert_eq!(t.unvalued, 1);
    }

    #[test]
    fn nothing_closed_has_no_win_rate() {
        let only_open = vec![rv(NONE, "2026-01-10", &[], None, &[], None)];
        let t = Tally::of(&only_open, &all(1));
        assert_eq!(t.win_rate, None);
        assert_eq!(t.no_decision_share, Some(1.0));
        let empty = Tally::of(&[], &[]);
        assert_eq!(empty.win_rate, None);
        assert_eq!(empty.no_decision_share, None);
        // A review without an outcome (an error `check` reports) counts nowhere.
        let broken = vec![rv(None, "2026-01-10", &["X"], None, &["price"], Some(5.0))];
        assert_eq!(Tally::of(&broken, &all(1)), Tally::default());
        let wl = from_reviews(broken, &taxonomy(), 0.8);
        assert!(wl.overall.competitors.is_empty());
        assert!(wl.overall.by_quarter.is_empty());
    }

    #[test]
    fn quarters_are_calendar_quarters() {
        assert_eq!(quarter_of(d("2026-01-01")), "2026-Q1");
        assert_eq!(quarter_of(d("2026-03-31")), "2026-Q1");
        assert_eq!(quarter_of(d("2026-04-01")), "2026-Q2");
        assert_eq!(quarter_of(d("2026-12-31")), "2026-Q4");
        assert_eq!(
            quarter_range(d("2025-11-02"), d("2026-04-30")),
            ["2025-Q4", "2026-Q1", "2026-Q2"]
        );
        assert_eq!(quarter_range(d("2026-02-01"), d("2026-02-02")), ["2026-Q1"]);
    }

    #[test]
    fn head_to_head_counts_every_deal_a_competitor_was_in() {
        let reviews = vec![
            // Won against Vektor and Halden (our own name as winner is not a competitor).
            rv(
                WON,
                "2026-01-10",
                &["Vektor", "Halden"],
                Some("Nordlys"),
                &[],
                Some(10.0),
            ),
            // Lost to Vektor.
            rv(LOST, "2026-02-10", &["Vektor"], Some("Vektor"), &[], Some(20.0)),
            // Lost to Castell, who is not listed: the winner counts too.
            rv(LOST, "2026-02-11", &["Halden"], Some("Castell"), &[], Some(30.0)),
            // No decision with Vektor: a deal, but neither won nor lost.
            rv(NONE, "2026-03-10", &["vektor"], None, &[], Some(40.0)),
            // Lost, and the winner field names us by mistake: not a competitor.
            rv(LOST, "2026-03-11", &["Halden", "Halden"], Some("Nordlys"), &[], None),
        ];
        let ours = our_names(&reviews);
        assert_eq!(ours, HashSet::from(["nordlys".to_string()]));
        let h = head_to_head(&reviews, &all(reviews.len()), &ours);
        let row = |name: &str| {
            let c = h.iter().find(|c| c.competitor == name).unwrap();
            (c.tally.deals, c.tally.won, c.tally.lost, c.tally.win_rate, c.their_wins)
        };
        assert_eq!(row("Vektor"), (3, 1, 1, Some(0.5), 1));
        assert_eq!(row("Halden"), (3, 1, 2, Some(1.0 / 3.0), 0));
        assert_eq!(row("Castell"), (1, 0, 1, Some(0.0), 1));
        assert_eq!(h.len(), 3, "Nordlys is us, not a competitor");
        // Most deals first, ties by slug.
        let order: Vec<&str> = h.iter().map(|c| c.competitor.as_str()).collect();
        assert_eq!(order, ["Halden", "Vektor", "Castell"]);
        let vektor = h.iter().find(|c| c.slug == "vektor").unwrap();
        assert_eq!((vektor.tally.value_won, vektor.tally.value_lost), (10.0, 20.0));
        assert_eq!(vektor.reviews, [0, 1, 3]);
    }

    #[test]
    fn a_review_is_won_by_outcome_not_by_winner() {
        // The winner field disagrees with the outcome: the outcome decides.
        let reviews = vec![rv(WON, "2026-01-10", &["Vektor"], Some("Vektor"), &[], None)];
        let h = head_to_head(&reviews, &[0], &our_names(&reviews));
        assert_eq!((h[0].tally.won, h[0].tally.lost, h[0].their_wins), (1, 0, 0));
        assert!(our_names(&reviews).is_empty(), "a listed competitor is never us");
    }

    #[test]
    fn reasons_rank_by_primary_then_mentions_then_id() {
        let reviews = vec![
            rv(WON, "2026-01-10", &[], None, &["references", "price"], None),
            rv(WON, "2026-01-11", &[], None, &["price", "references", "scope"], None),
            rv(WON, "2026-01-12", &[], None, &["scope", "timing"], None),
            rv(WON, "2026-01-13", &["X"], None, &["relationship", "relationship"], None),
            rv(LOST, "2026-01-14", &[], None, &["price", "scope"], None),
            rv(NONE, "2026-01-15", &[], None, &["no-decision", "price"], None),
        ];
        let won = reason_ranking(&reviews, &all(6), Outcome::Won, &taxonomy());
        let got: Vec<(&str, usize, usize)> = won.iter().map(|r| (r.reason.as_str(), r.primary, r.mentions)).collect();
        assert_eq!(
            got,
            [
                // primary 1 each: mentions decide (price 2, references 2, scope 2), then id.
                ("price", 1, 2),
                ("references", 1, 2),
                ("scope", 1, 2),
                ("relationship", 1, 1),
                ("timing", 0, 1),
            ]
        );
        assert_eq!(won[0].name, "Price");
        let lost = reason_ranking(&reviews, &all(6), Outcome::Lost, &taxonomy());
        let got: Vec<(&str, usize, usize)> = lost
            .iter()
            .map(|r| (r.reason.as_str(), r.primary, r.mentions))
            .collect();
        assert_eq!(got, [("price", 1, 1), ("scope", 0, 1)]);
        // No-decision reasons rank apart and in neither list above.
        assert!(won.iter().chain(&lost).all(|r| r.reason != "no-decision"));
        let none = reason_ranking(&reviews, &all(6), Outcome::NoDecision, &taxonomy());
        assert_eq!(none[0].reason, "no-decision");
    }

    #[test]
    fn groups_sort_deterministically_with_unset_last() {
        let mut reviews = vec![
            rv(WON, "2026-05-10", &[], None, &[], None),
            rv(LOST, "2025-12-10", &[], None, &[], None),
            rv(WON, "2026-01-10", &[], None, &[], None),
            rv(WON, "2026-01-11", &[], None, &[], None),
        ];
        reviews[0].tier_id = Some("portfolio");
        reviews[0].tier = Some("Portfolio");
        reviews[0].tier_index = Some(2);
        reviews[0].industry = Some("Retail");
        reviews[1].tier_id = Some("diamond");
        reviews[1].tier = Some("Diamond");
        reviews[1].tier_index = Some(0);
        reviews[1].industry = Some("energy");
        reviews[2].industry = Some("Energy");
        let wl = from_reviews(reviews, &taxonomy(), 0.8);
        let tiers: Vec<(&str, bool)> = wl.by_tier.iter().map(|g| (g.key.as_str(), g.unset)).collect();
        assert_eq!(tiers, [("diamond", false), ("portfolio", false), ("none", true)]);
        // Spellings that differ only in case are one industry, labelled as first seen (newest review first).
        let industries: Vec<(&str, usize)> = wl
            .by_industry
            .iter()
            .map(|g| (g.label.as_str(), g.tally.deals))
            .collect();
        assert_eq!(industries, [("energy", 2), ("Retail", 1), ("Not set", 1)]);
        let quarters: Vec<(&str, Option<f64>)> = wl
            .overall
            .by_quarter
            .iter()
            .map(|g| (g.key.as_str(), g.tally.win_rate))
            .collect();
        assert_eq!(
            quarters,
            [("2025-Q4", Some(0.0)), ("2026-Q1", Some(1.0)), ("2026-Q2", Some(1.0))]
        );
        assert_eq!(wl.quarter_axis, ["2025-Q4", "2026-Q1", "2026-Q2"]);
        assert_eq!(wl.quarters.len(), 3);
        assert_eq!(wl.quarters[1].tally.won, 2);
    }
}
