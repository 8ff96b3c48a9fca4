//! An account's profile page: its facts, notes (Markdown made HTML), the
//! financials chart, the stakeholder map, its reviews and plans.

use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use super::{Run, plans};
use crate::analyze::winloss::ReviewView;
use crate::analyze::{AccountView, NoteView};
use crate::diag::Diagnostics;
use crate::render::page::page;
use crate::render::svg::{charts, stakeholders};
use crate::render::{Page, search};

/// Where an account's profile page goes.
pub(crate) fn profile_path(slug: &str) -> String {
    format!("accounts/{slug}/index.html")
}

/// A note with its body rendered to safe HTML.
#[derive(Serialize)]
struct NoteHtml<'a> {
    #[serde(flatten)]
    view: &'a NoteView<'a>,
    html: String,
}

/// Each wanted account's profile, each context (Markdown, charts) built when
/// its page renders and dropped right after, so memory stays flat. In a
/// plain build each account's search-index part is made into `search_made`
/// while its notes' texts are there, and with `release` the texts go then
/// (see `render::schedule`, step 1).
pub(super) fn render_all(
    run: &Run,
    reviews_by_account: &HashMap<&str, Vec<usize>>,
    search_made: &Mutex<Vec<(String, Vec<u8>)>>,
    release: bool,
) -> Diagnostics {
    let accounts = run.p.accounts.par_iter().filter(|a| run.wants_account(a.slug));
    run.engine.render_each(
        accounts,
        |a| {
            // Nothing after this page reads the notes' texts in a build
            // but the search index: its part is made now.
            if !run.keeps() {
                let part = search::fragment(a);
                if let Ok(mut made) = search_made.lock() {
                    made.push((a.slug.to_string(), part));
                }
            }
            let page = profile(run, a, reviews_by_account);
            if release {
                for n in &a.notes {
                    n.release();
                }
            }
            page
        },
        run.sink,
    )
}

/// The profile of `a`; its notes' Markdown is rendered here.
fn profile(run: &Run, a: &AccountView, reviews_by_account: &HashMap<&str, Vec<usize>>) -> Page {
    let p = run.p;
    let cfg = p.config;
    let path = profile_path(a.slug);
    let mut ctx = page(&path, "account.html", a.name, "accounts", run.info);
    let notes: Vec<NoteHtml> = a
        .notes
        .iter()
        .map(|v| NoteHtml {
            view: v,
            html: run
                .engine
                .origins
                .markdown(&path, &v.body(), &format!("{}-", v.id), || v.file()),
        })
        .collect();
    let years: Vec<i32> = a.financials.iter().map(|f| f.year).collect();
    let revenue: Vec<Option<f64>> = a.financials.iter().map(|f| f.revenue).collect();
    let margin: Vec<Option<f64>> = a.financials.iter().map(|f| f.margin).collect();
    ctx.insert("account", a);
    // The owner's page, /owners/<slug>/ (analyze::owners makes one per owner).
    let owner_slug = a.owner.and_then(|o| p.owner_slugs.get(o.trim()));
    ctx.insert("owner_slug", &owner_slug);
    ctx.insert("notes", &notes);
    ctx.insert(
        "financial_chart",
        &charts::financials(&years, &revenue, &margin, &cfg.currency),
    );
    ctx.insert("stakeholder_map", &stakeholders::map(&a.contacts));
    ctx.insert("matrix", &cfg.matrix);
    let own: Vec<&ReviewView> = reviews_by_account
        .get(a.slug)
        .into_iter()
        .flatten()
        .map(|&i| &p.winloss.reviews[i])
        .collect();
    ctx.insert("reviews", &own);
    ctx.insert("plans", &plans::account_plans(p, a.slug));
    ctx.insert("assessment_section", &super::assessments::profile_section(a));
    super::history::insert_profile(&mut ctx, a);
    Page {
        path,
        template: "account.html",
        context: ctx,
    }
}
