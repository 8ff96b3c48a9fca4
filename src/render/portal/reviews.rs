//! Win/loss pages: the analysis at /reviews/, a page per review, drill-downs
//! per quarter and per competitor (/data/winloss.json is `render::data`'s).
//!
//! Every number comes from `analyze::winloss` and every chart from
//! `render::svg::winloss`; this module only picks what each page shows.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use super::Run;
use crate::analyze::Portfolio;
use crate::analyze::winloss::{Breakdown, HeadToHead, OTHERS_SHOWN, ReviewView, WinLoss, rivals};
use crate::diag::Diagnostics;
use crate::render::Page;
use crate::render::cache::Parts;
use crate::render::page::{SiteInfo, page};
use crate::render::svg::winloss as charts;

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

/// Every win/loss page: the analysis, its drill-downs and each wanted
/// review's page. In a plain build the reviews' kept values go once written.
pub(super) fn render_all(run: &Run, parts: &mut Parts<Vec<Value>>) -> Diagnostics {
    let p = run.p;
    let (pages, shared) = pages(p, run.info, parts);
    let mut d = run
        .engine
        .render_changed(pages.into_par_iter(), |page| page, run.sink, run.contexts);
    let each = p.winloss.reviews.par_iter().zip(shared.par_iter());
    d.extend(run.engine.render_changed(
        each.filter(|(view, _)| run.wanted(&review_path(view))),
        |(view, value)| review_page(run, view, value),
        run.sink,
        run.contexts,
    ));
    // The values are shared with the kept parts (reference-counted):
    // both go before the memory is free.
    drop(shared);
    if !run.keeps() {
        parts.clear();
    }
    d
}

/// The win/loss analysis and its drill-downs, with each review as the
/// template value those pages (and [`review_page`]) share.
fn pages(p: &Portfolio, info: &SiteInfo, parts: &mut Parts<Vec<Value>>) -> (Vec<Page>, Vec<Value>) {
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
        ctx.insert("trend_chart", &charts::trend_chart(wl, &o.by_quarter));
        ctx.insert("volume_chart", &charts::volume_chart(&wl.quarter_axis, &o.by_quarter));
        ctx.insert(
            "value_chart",
            &charts::value_chart(&wl.quarter_axis, &o.by_quarter, &p.config.currency),
        );
        ctx.insert("competitor_chart", &charts::competitor_chart(&o.competitors));
        ctx.insert(
            "win_reason_chart",
            &charts::reason_chart(&o.win_reasons, "Why we win: reasons of won deals"),
        );
        ctx.insert(
            "loss_reason_chart",
            &charts::reason_chart(&o.loss_reasons, "Why we lose: reasons of lost deals"),
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
        .enumerate()
        .map(|(i, (c, detail))| {
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
            ctx.insert("trend_chart", &charts::trend_chart(wl, &detail.by_quarter));
            // SPEC 10: the contacts where this competitor stands better than we do.
            let none: &[crate::analyze::winloss::ContactAhead] = &[];
            ctx.insert("contacts_ahead", wl.contacts_ahead.get(i).map_or(none, Vec::as_slice));
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
fn review_path(view: &ReviewView) -> String {
    format!("accounts/{}/reviews/{}/index.html", view.slug, view.id)
}

/// One review's page; `value` is the review as [`pages`] shared it. Built
/// as it renders, on every core, and dropped after.
fn review_page(run: &Run, view: &ReviewView, value: &Value) -> Page {
    let (p, wl, info) = (run.p, &run.p.winloss, run.info);
    let path = review_path(view);
    let title = format!("{}: {}", outcome_label(view), view.title);
    let mut ctx = page(&path, "review.html", &title, "reviews", info);
    ctx.insert("review", value);
    let file = || crate::render::origins::review_file(p, view.slug, view.id);
    let html = run
        .engine
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
