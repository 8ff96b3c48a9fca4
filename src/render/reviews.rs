//! Win/loss pages: the analysis at /reviews/, a page per review, drill-downs
//! per quarter and per competitor, and /data/winloss.json.
//!
//! Every number comes from `analyze::winloss`; this module only picks what
//! each page shows, draws the charts and maps the analysis to the JSON shape
//! documented in docs/data.md.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use super::internal::{page, to_json};
use super::{Page, Parts, SiteInfo, charts};
use crate::analyze::Portfolio;
use crate::analyze::winloss::{
    Breakdown, Group, HeadToHead, OTHERS_SHOWN, ReasonCount, ReviewView, Tally, WinLoss, rivals,
};
use crate::write::OutputFile;

const WON: &str = "#10b981";
const LOST: &str = "#ef4444";
const NO_DECISION: &str = "#94a3b8";
/// More rows than this make the head-to-head chart a wall; the table lists them all.
const CHART_COMPETITORS: usize = 15;

/// A lesson with the review it came from.
#[derive(Serialize)]
struct LessonRow<'a> {
    text: &'a str,
    review: &'a Value,
}

/// A competitor named on a review page, linked to its head-to-head page.
#[derive(Serialize)]
struct RivalLink<'a> {
    name: &'a str,
    slug: String,
    /// This competitor won the deal.
    winner: bool,
}

/// Previous or next quarter with reviews.
#[derive(Serialize)]
struct QuarterLink<'a> {
    key: &'a str,
}

/// The win/loss analysis and its drill-downs, with each review as the
/// template value those pages (and [`review_page`]) share.
pub(super) fn pages(p: &Portfolio, info: &SiteInfo, parts: &mut Parts<Vec<Value>>) -> (Vec<Page>, Vec<Value>) {
    let wl = &p.winloss;
    let mut pages = Vec::new();
    let shared = review_values(p, parts);

    // The analysis.
    {
        let path = "reviews/index.html";
        let mut ctx = page(path, "reviews.html", "Win/loss reviews", "reviews", info);
        let o = &wl.overall;
        ctx.insert("overall", &o.tally);
        ctx.insert("target", &wl.target);
        ctx.insert("interviewed", &o.interviewed);
        ctx.insert("by_tier", &wl.by_tier);
        ctx.insert("by_industry", &wl.by_industry);
        ctx.insert("by_region", &wl.by_region);
        ctx.insert("by_quarter", &o.by_quarter);
        ctx.insert("competitors", &o.competitors);
        ctx.insert("win_reasons", &o.win_reasons);
        ctx.insert("loss_reasons", &o.loss_reasons);
        ctx.insert("no_decision_reasons", &o.no_decision_reasons);
        ctx.insert("reviews", &shared);
        let lessons: Vec<LessonRow> = wl
            .lessons
            .iter()
            .map(|l| LessonRow {
                text: l.text,
                review: &shared[l.review],
            })
            .collect();
        ctx.insert("lessons", &lessons);
        ctx.insert("trend_chart", &trend_chart(wl, &o.by_quarter));
        ctx.insert("volume_chart", &volume_chart(&wl.quarter_axis, &o.by_quarter));
        ctx.insert(
            "value_chart",
            &value_chart(&wl.quarter_axis, &o.by_quarter, &p.config.currency),
        );
        ctx.insert("competitor_chart", &competitor_chart(&o.competitors));
        ctx.insert(
            "win_reason_chart",
            &reason_chart(&o.win_reasons, "Why we win: reasons of won deals"),
        );
        ctx.insert(
            "loss_reason_chart",
            &reason_chart(&o.loss_reasons, "Why we lose: reasons of lost deals"),
        );
        pages.push(Page {
            path: path.into(),
            template: "reviews.html",
            context: ctx,
        });
    }

    // Drill-down per quarter.
    let quarters = &wl.overall.by_quarter;
    for (i, (q, detail)) in quarters.iter().zip(&wl.quarters).enumerate() {
        let path = format!("reviews/quarters/{}/index.html", q.key);
        let title = format!("Win/loss in {}", q.label);
        let mut ctx = page(&path, "reviews_quarter.html", &title, "reviews", info);
        ctx.insert("quarter", q);
        drill_down(&mut ctx, wl, detail, &q.reviews, &shared);
        ctx.insert(
            "previous",
            &i.checked_sub(1).map(|j| QuarterLink { key: &quarters[j].key }),
        );
        ctx.insert("next", &quarters.get(i + 1).map(|n| QuarterLink { key: &n.key }));
        pages.push(Page {
            path,
            template: "reviews_quarter.html",
            context: ctx,
        });
    }

    // Drill-down per competitor, built on every core (a portfolio may name
    // thousands of competitors, each page with its own chart).
    let competitor_pages: Vec<Page> = wl
        .overall
        .competitors
        .par_iter()
        .zip(wl.competitors.par_iter())
        .map(|(c, detail)| {
            let path = format!("reviews/competitors/{}/index.html", c.slug);
            let title = format!("Against {}", c.competitor);
            let mut ctx = page(&path, "reviews_competitor.html", &title, "reviews", info);
            ctx.insert("competitor", c);
            drill_down(&mut ctx, wl, detail, &c.reviews, &shared);
            // The others met in the same deals, the first few (a deal may name
            // thousands): the competitor itself is among its own deals'.
            let others: Vec<&HeadToHead> = detail
                .competitors
                .iter()
                .filter(|o| o.slug != c.slug)
                .take(OTHERS_SHOWN)
                .collect();
            let all_others = (detail.competitors.len() + detail.competitors_more).saturating_sub(1);
            ctx.insert("others", &others);
            ctx.insert("others_more", &(all_others - others.len()));
            ctx.insert("trend_chart", &trend_chart(wl, &detail.by_quarter));
            Page {
                path,
                template: "reviews_competitor.html",
                context: ctx,
            }
        })
        .collect();
    pages.extend(competitor_pages);
    (pages, shared)
}

/// Where a review's page goes: under its account (review ids are unique per account only).
pub(super) fn review_path(view: &ReviewView) -> String {
    format!("accounts/{}/reviews/{}/index.html", view.slug, view.id)
}

/// One review's page; `value` is the review as [`pages`] shared it. Built
/// as it renders, on every core, and dropped after.
pub(super) fn review_page(
    engine: &super::Engine,
    p: &crate::analyze::Portfolio,
    view: &ReviewView,
    value: &Value,
    wl: &WinLoss,
    info: &SiteInfo,
) -> Page {
    let path = review_path(view);
    let title = format!("{}: {}", outcome_label(view), view.title);
    let mut ctx = page(&path, "review.html", &title, "reviews", info);
    ctx.insert("review", value);
    let file = || super::origins::review_file(p, view.slug, view.id);
    let html = engine
        .origins
        .markdown(&path, view.body, &format!("{}-", view.id), file);
    ctx.insert("html", &html);
    let winner_slug = view.winner.map(crate::model::slug::slugify);
    let links: Vec<RivalLink> = rivals(view, &wl.ours)
        .into_iter()
        .map(|(slug, name)| RivalLink {
            name,
            winner: winner_slug.as_deref() == Some(slug.as_str()),
            slug,
        })
        .collect();
    ctx.insert("rivals", &links);
    Page {
        path,
        template: "review.html",
        context: ctx,
    }
}

/// Each account's reviews, as positions in the analysis' list (newest first).
pub(super) fn by_account<'w>(wl: &'w WinLoss) -> HashMap<&'w str, Vec<usize>> {
    let mut by_account: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in wl.reviews.iter().enumerate() {
        by_account.entry(r.slug).or_default().push(i);
    }
    by_account
}

/// Each review as a template value, in the analysis' order, shared by every
/// list it is in (the analysis, its quarter, its competitors, the lessons).
/// Values are kept per account between `serve`'s rebuilds.
fn review_values(p: &Portfolio, parts: &mut Parts<Vec<Value>>) -> Vec<Value> {
    let wl = &p.winloss;
    let by_account = by_account(wl);
    let none: &[usize] = &[];
    let of = |slug: &str| by_account.get(slug).map(Vec::as_slice).unwrap_or(none);
    let kept = parts.all(p, |a| {
        of(p.accounts[a].slug)
            .iter()
            .map(|&i| Value::from_serializable(&wl.reviews[i]))
            .collect()
    });
    let mut shared: Vec<Option<Value>> = vec![None; wl.reviews.len()];
    for (a, values) in p.accounts.iter().zip(kept) {
        for (&i, v) in of(a.slug).iter().zip(values) {
            shared[i] = Some(v.clone());
        }
    }
    shared
        .into_iter()
        .zip(&wl.reviews)
        .map(|(v, r)| v.unwrap_or_else(|| Value::from_serializable(r)))
        .collect()
}

/// What quarter and competitor pages share: the breakdown and its reviews.
fn drill_down(ctx: &mut tera::Context, wl: &WinLoss, detail: &Breakdown, reviews: &[usize], shared: &[Value]) {
    ctx.insert("target", &wl.target);
    ctx.insert("tally", &detail.tally);
    ctx.insert("interviewed", &detail.interviewed);
    ctx.insert("competitors", &detail.competitors);
    ctx.insert("by_quarter", &detail.by_quarter);
    ctx.insert("win_reasons", &detail.win_reasons);
    ctx.insert("loss_reasons", &detail.loss_reasons);
    ctx.insert("no_decision_reasons", &detail.no_decision_reasons);
    let list: Vec<&Value> = reviews.iter().map(|&i| &shared[i]).collect();
    ctx.insert("reviews", &list);
    let lessons: Vec<LessonRow> = reviews
        .iter()
        .flat_map(|&i| {
            wl.reviews[i].lessons.iter().map(move |l| LessonRow {
                text: l,
                review: &shared[i],
            })
        })
        .collect();
    ctx.insert("lessons", &lessons);
}

fn outcome_label(r: &ReviewView) -> &'static str {
    match r.outcome {
        Some(crate::model::Outcome::Won) => "Won",
        Some(crate::model::Outcome::Lost) => "Lost",
        Some(crate::model::Outcome::NoDecision) => "No decision",
        None => "Review",
    }
}

/// `group` looked up per quarter of the chart axis (quarters without reviews give None).
fn per_quarter<'g>(axis: &[String], groups: &'g [Group]) -> Vec<Option<&'g Tally>> {
    axis.iter()
        .map(|q| groups.iter().find(|g| &g.key == q).map(|g| &g.tally))
        .collect()
}

fn trend_chart(wl: &WinLoss, groups: &[Group]) -> String {
    // From the first to the last quarter of these reviews, gaps included.
    let at = |g: Option<&Group>| g.and_then(|g| wl.quarter_axis.iter().position(|q| *q == g.key));
    let axis: &[String] = match (at(groups.first()), at(groups.last())) {
        (Some(a), Some(b)) if a <= b => &wl.quarter_axis[a..=b],
        _ => &[],
    };
    let rates: Vec<Option<f64>> = per_quarter(axis, groups)
        .into_iter()
        .map(|t| t.and_then(|t| t.win_rate))
        .collect();
    charts::rate_trend(
        axis,
        &rates,
        Some(wl.target),
        "Win rate",
        "Win rate by quarter against the target",
    )
}

fn volume_chart(axis: &[String], groups: &[Group]) -> String {
    let tallies = per_quarter(axis, groups);
    let count = |f: fn(&Tally) -> usize| -> Vec<f64> {
        tallies.iter().map(|t| t.map(|t| f(t) as f64).unwrap_or(0.0)).collect()
    };
    charts::bars(
        axis,
        &[
            charts::Part {
                name: "Won",
                data: count(|t| t.won),
                color: WON,
            },
            charts::Part {
                name: "Lost",
                data: count(|t| t.lost),
                color: LOST,
            },
            charts::Part {
                name: "No decision",
                data: count(|t| t.no_decision),
                color: NO_DECISION,
            },
        ],
        true,
        "Reviewed deals per quarter by outcome",
    )
}

fn value_chart(axis: &[String], groups: &[Group], currency: &str) -> String {
    let tallies = per_quarter(axis, groups);
    let max = tallies
        .iter()
        .flatten()
        .map(|t| t.value_won.max(t.value_lost))
        .fold(0.0, f64::max);
    let (div, unit) = if max >= 2e6 {
        (1e6, "M ")
    } else if max >= 2e3 {
        (1e3, "k ")
    } else {
        (1.0, "")
    };
    let series = |f: fn(&Tally) -> f64| -> Vec<f64> {
        // Two decimals are plenty on a bar label; the tables have the exact values.
        tallies
            .iter()
            .map(|t| t.map(|t| (f(t) / div * 100.0).round() / 100.0).unwrap_or(0.0))
            .collect()
    };
    let won = format!("Won ({unit}{currency})");
    let lost = format!("Lost ({unit}{currency})");
    charts::bars(
        axis,
        &[
            charts::Part {
                name: &won,
                data: series(|t| t.value_won),
                color: WON,
            },
            charts::Part {
                name: &lost,
                data: series(|t| t.value_lost),
                color: LOST,
            },
        ],
        false,
        "Value won and lost per quarter",
    )
}

fn competitor_chart(competitors: &[HeadToHead]) -> String {
    let top = &competitors[..competitors.len().min(CHART_COMPETITORS)];
    let labels: Vec<String> = top.iter().map(|c| c.competitor.clone()).collect();
    let part = |name, color, f: fn(&Tally) -> usize| charts::Part {
        name,
        data: top.iter().map(|c| f(&c.tally) as f64).collect(),
        color,
    };
    charts::stacked_hbar(
        &labels,
        &[
            part("We won", WON, |t| t.won),
            part("We lost", LOST, |t| t.lost),
            part("No decision", NO_DECISION, |t| t.no_decision),
        ],
        // A full-width card is about twice a half card's 640: drawn this
        // wide, its text shows as large as the other charts'.
        1300.0,
        "Deals per competitor by our outcome",
    )
}

fn reason_chart(reasons: &[ReasonCount], label: &str) -> String {
    let labels: Vec<String> = reasons.iter().map(|r| r.name.clone()).collect();
    charts::stacked_hbar(
        &labels,
        &[
            charts::Part {
                name: "Primary reason",
                data: reasons.iter().map(|r| r.primary as f64).collect(),
                color: "#60a5fa",
            },
            charts::Part {
                name: "Also mentioned",
                data: reasons.iter().map(|r| (r.mentions - r.primary) as f64).collect(),
                color: "#dbeafe",
            },
        ],
        640.0,
        label,
    )
}

/// The shape of `/data/winloss.json`; its JSON Schema is generated from these types.
pub(super) mod json {
    use schemars::JsonSchema;
    use serde::Serialize;

    #[derive(Serialize, JsonSchema)]
    pub struct Overall {
        pub won: usize,
        pub lost: usize,
        pub no_decision: usize,
        pub win_rate: Option<f64>,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Value {
        pub won: f64,
        pub lost: f64,
        pub no_decision: f64,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Competitor<'a> {
        pub competitor: &'a str,
        pub deals: usize,
        pub won: usize,
        pub lost: usize,
        pub win_rate: Option<f64>,
    }
    /// One row of a grouping; the key is named after the grouping ("quarter", "tier", ...).
    #[derive(Serialize, JsonSchema)]
    pub struct Row<'a> {
        #[serde(flatten)]
        pub key: std::collections::BTreeMap<&'static str, Option<&'a str>>,
        pub won: usize,
        pub lost: usize,
        pub no_decision: usize,
        pub win_rate: Option<f64>,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Reason<'a> {
        pub reason: &'a str,
        pub primary: usize,
        pub mentions: usize,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Review<'a> {
        pub account: &'a str,
        pub review: &'a str,
        pub opportunity: &'a str,
        pub date: Option<String>,
        pub quarter: Option<&'a str>,
        pub outcome: Option<&'static str>,
        pub value: Option<f64>,
        pub competitors: &'a [&'a str],
        pub winner: Option<&'a str>,
        pub reasons: Vec<&'a str>,
        pub interviewed: bool,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Data<'a> {
        pub overall: Overall,
        pub target: f64,
        pub value: Value,
        pub by_competitor: Vec<Competitor<'a>>,
        pub by_quarter: Vec<Row<'a>>,
        pub by_tier: Vec<Row<'a>>,
        pub by_industry: Vec<Row<'a>>,
        pub by_region: Vec<Row<'a>>,
        pub top_win_reasons: Vec<Reason<'a>>,
        pub top_loss_reasons: Vec<Reason<'a>>,
        pub reviews: Vec<Review<'a>>,
    }
}

/// `/data/winloss.json`: the keys documented in docs/data.md.
pub(super) fn data_file<'a>(wl: &'a WinLoss<'a>) -> OutputFile {
    use json::{Competitor, Data, Overall, Reason, Review, Row, Value};
    let rows = |name: &'static str, groups: &'a [Group], label: bool| -> Vec<Row<'a>> {
        groups
            .iter()
            .map(|g| Row {
                key: [(
                    name,
                    (!g.unset).then_some(if label { g.label.as_str() } else { g.key.as_str() }),
                )]
                .into(),
                won: g.tally.won,
                lost: g.tally.lost,
                no_decision: g.tally.no_decision,
                win_rate: g.tally.win_rate,
            })
            .collect()
    };
    let reasons = |list: &'a [ReasonCount]| -> Vec<Reason<'a>> {
        list.iter()
            .map(|r| Reason {
                reason: &r.reason,
                primary: r.primary,
                mentions: r.mentions,
            })
            .collect()
    };
    let o = &wl.overall;
    let data = Data {
        overall: Overall {
            won: o.tally.won,
            lost: o.tally.lost,
            no_decision: o.tally.no_decision,
            win_rate: o.tally.win_rate,
        },
        target: wl.target,
        value: Value {
            won: o.tally.value_won,
            lost: o.tally.value_lost,
            no_decision: o.tally.value_no_decision,
        },
        by_competitor: o
            .competitors
            .iter()
            .map(|c| Competitor {
                competitor: &c.competitor,
                deals: c.tally.deals,
                won: c.tally.won,
                lost: c.tally.lost,
                win_rate: c.tally.win_rate,
            })
            .collect(),
        by_quarter: rows("quarter", &o.by_quarter, false),
        by_tier: rows("tier", &wl.by_tier, false),
        by_industry: rows("industry", &wl.by_industry, true),
        by_region: rows("region", &wl.by_region, true),
        top_win_reasons: reasons(&o.win_reasons),
        top_loss_reasons: reasons(&o.loss_reasons),
        reviews: wl
            .reviews
            .iter()
            .map(|r| Review {
                account: r.slug,
                review: r.id,
                opportunity: r.opportunity.unwrap_or(r.title),
                date: r.date.map(|d| d.to_string()),
                quarter: r.quarter.as_deref(),
                outcome: r.outcome.map(|o| o.as_str()),
                value: r.value,
                competitors: &r.competitors,
                winner: r.winner,
                reasons: r.reasons.iter().map(|x| x.id).collect(),
                interviewed: r.interviewed,
            })
            .collect(),
    };
    OutputFile::new("data/winloss.json", to_json(&data))
}
