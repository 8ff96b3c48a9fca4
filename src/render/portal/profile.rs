//! An account's profile page: its facts, notes (Markdown made HTML), the
//! financials chart, the stakeholder map, its reviews and plans.

use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use super::{Run, plans};
use crate::analyze::groups_rollup::{GroupRollup, MemberRow, YearRevenue, groups, member_rows};
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

/// An account a profile links to.
#[derive(Serialize)]
struct AccountLink<'a> {
    slug: &'a str,
    name: &'a str,
}

/// An attention item of a group member.
#[derive(Serialize)]
struct MemberAttention<'a> {
    slug: &'a str,
    name: &'a str,
    reason: &'a str,
}

/// A parent's group as its profile shows it (SPEC 10): the roll-up from
/// `analyze::groups_rollup`, its children linked, each member's own part.
#[derive(Serialize)]
struct GroupSection<'a> {
    rollup: &'a GroupRollup<'a>,
    children: Vec<AccountLink<'a>>,
    /// The head first, each account before those below it.
    members: Vec<MemberRow<'a>>,
    attention: Vec<MemberAttention<'a>>,
    /// The group's latest year of revenue.
    latest: Option<&'a YearRevenue>,
}

/// The account groups of the portfolio, worked out once per render.
struct Groups<'a> {
    rollups: Vec<GroupRollup<'a>>,
    by_slug: HashMap<&'a str, &'a AccountView<'a>>,
}

impl<'a> Groups<'a> {
    fn of(accounts: &'a [AccountView<'a>]) -> Self {
        Groups {
            rollups: groups(accounts),
            by_slug: accounts.iter().map(|a| (a.slug, a)).collect(),
        }
    }

    fn link(&self, slug: &str) -> Option<AccountLink<'a>> {
        self.by_slug.get(slug).map(|a| AccountLink {
            slug: a.slug,
            name: a.name,
        })
    }

    /// The section of `slug`'s profile, when it has children.
    fn section(&self, slug: &str) -> Option<GroupSection<'_>> {
        let i = self.rollups.binary_search_by(|g| g.head.cmp(slug)).ok()?;
        let rollup = &self.rollups[i];
        let members = member_rows(rollup, &self.by_slug);
        let attention = members
            .iter()
            .filter_map(|m| self.by_slug.get(m.slug))
            .flat_map(|a| {
                a.attention.iter().map(|it| MemberAttention {
                    slug: a.slug,
                    name: a.name,
                    reason: &it.reason,
                })
            })
            .collect();
        Some(GroupSection {
            rollup,
            children: rollup.children.iter().filter_map(|c| self.link(c)).collect(),
            members,
            attention,
            latest: rollup.revenue.last(),
        })
    }

    /// The top of `a`'s group, when that is above its parent.
    fn top(&self, a: &AccountView<'a>) -> Option<AccountLink<'a>> {
        let parent = a.parent?;
        let mut cur = parent;
        let mut steps = 0;
        while let Some(up) = self.by_slug.get(cur).and_then(|p| p.parent) {
            cur = up;
            steps += 1;
            // Validation rejects cycles; stop anyway.
            if steps > self.by_slug.len() {
                return None;
            }
        }
        (cur != parent).then(|| self.link(cur)).flatten()
    }
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
    let groups = Groups::of(&run.p.accounts);
    let groups = &groups;
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
            let page = profile(run, a, reviews_by_account, groups);
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
fn profile(run: &Run, a: &AccountView, reviews_by_account: &HashMap<&str, Vec<usize>>, groups: &Groups) -> Page {
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
    // SPEC 10: the competitors whose stances the map marks, for its legend.
    let keys = stakeholders::competitors(&a.contacts);
    if !keys.is_empty() {
        ctx.insert("competitor_stances", &stakeholders::their_stances(&a.contacts, &keys));
    }
    ctx.insert("competitor_keys", &keys);
    ctx.insert("matrix", &cfg.matrix);
    // SPEC 10: the whitespace grid, when site.yaml has offerings and the account cells.
    ctx.insert("whitespace", &crate::analyze::whitespace_grid::of(cfg, a));
    // SPEC 10: the account's parent (and the group's top), and its own group.
    ctx.insert("parent", &a.parent.and_then(|p| groups.link(p)));
    ctx.insert("group_top", &groups.top(a));
    ctx.insert("group", &groups.section(a.slug));
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
