//! The owner pages (SPEC 10): `/owners/`, every key account manager with
//! the counts of their book, and `/owners/<slug>/`, one person's book.
//! Every number and list comes from `analyze::owners`; this lays them out
//! and says where each item links to.

use rayon::prelude::*;
use serde::Serialize;

use super::Run;
use crate::analyze::owners::{DeskItem, books};
use crate::diag::Diagnostics;
use crate::render::Page;
use crate::render::page::page;

/// An attention item or review due, with the part of the profile it is about.
#[derive(Serialize)]
struct ItemOut<'a> {
    #[serde(flatten)]
    item: &'a DeskItem<'a>,
    /// From the site root, e.g. `accounts/acme/#stakeholders`.
    href: String,
}

/// The profile section an item of `kind` is about.
fn anchor(kind: &str) -> &'static str {
    match kind {
        "account_stale" => "#notes",
        "contact_stale" | "blocker_decision_maker" => "#stakeholders",
        "assessment_due" => "#assessments",
        "review_draft" => "#reviews",
        _ => "",
    }
}

fn items<'a>(list: &'a [DeskItem<'a>]) -> Vec<ItemOut<'a>> {
    list.iter()
        .map(|item| ItemOut {
            item,
            href: format!("accounts/{}/{}", item.account, anchor(item.kind)),
        })
        .collect()
}

pub(super) fn render_all(run: &Run) -> Diagnostics {
    let pages = pages(run);
    run.engine
        .render_changed(pages.into_par_iter(), |page| page, run.sink, run.contexts)
}

fn pages(run: &Run) -> Vec<Page> {
    let p = run.p;
    let books = books(&p.accounts, &p.plans, &p.owner_slugs);
    let mut out = Vec::with_capacity(books.len() + 1);
    {
        let path = "owners/index.html";
        let mut ctx = page(path, "owners.html", "Account owners", "owners", run.info);
        let list: Vec<_> = books.iter().map(|(b, _)| b).collect();
        ctx.insert("owners", &list);
        out.push(Page {
            path: path.into(),
            template: "owners.html",
            context: ctx,
        });
    }
    for (b, desk) in &books {
        let path = format!("owners/{}/index.html", b.slug);
        let mut ctx = page(&path, "owner.html", b.owner, "owners", run.info);
        ctx.insert("book", b);
        ctx.insert("accounts", &desk.accounts);
        ctx.insert("attention", &items(&desk.attention));
        ctx.insert("opportunities", &desk.opportunities);
        ctx.insert("reviews_due", &items(&desk.reviews_due));
        ctx.insert("draft_plans", &desk.draft_plans);
        ctx.insert("stale_contacts", &desk.stale_contacts);
        ctx.insert("stale_after_days", &p.config.stale_after_days);
        ctx.insert("health_column", &desk.accounts.iter().any(|a| a.health.is_some()));
        out.push(Page {
            path,
            template: "owner.html",
            context: ctx,
        });
    }
    out
}
