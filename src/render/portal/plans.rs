//! Joint business plan pages of the internal portal (`/plans/` and
//! `/accounts/<slug>/plans/<period>/`); the KPI chart is `render::svg::kpi`'s.

use rayon::prelude::*;
use serde::Serialize;

use super::Run;
use crate::analyze::Portfolio;
use crate::analyze::plans::{PlanChanges, PlanSummary, PlanView};
use crate::diag::Diagnostics;
use crate::model::PlanStatus;
use crate::render::page::{SiteInfo, page};
use crate::render::svg::kpi::{ChartKpi, kpi_chart};
use crate::render::{Engine, Page};

/// The plans page and each wanted plan's page.
pub(super) fn render_all(run: &Run) -> Diagnostics {
    let (p, engine) = (run.p, run.engine);
    let mut d = engine.render_changed(
        rayon::iter::once(index_page(p, run.info)),
        |page| page,
        run.sink,
        run.contexts,
    );
    d.extend(engine.render_changed(
        p.plans.par_iter().filter(|plan| run.wanted(&plan_path(plan))),
        |plan| plan_page(engine, p, plan, run.info),
        run.sink,
        run.contexts,
    ));
    d
}

/// A plan in lists: the plans page and the account profile.
#[derive(Serialize)]
pub struct PlanLink<'a> {
    slug: &'a str,
    account: &'a str,
    id: &'a str,
    period: &'a str,
    title: &'a str,
    status: PlanStatus,
    summary: &'a PlanSummary,
    changes: Option<ChangeCounts>,
    latest: bool,
}

/// How much changed since the previous plan, for a list column.
#[derive(Serialize)]
struct ChangeCounts {
    previous_period: String,
    objectives_added: usize,
    objectives_dropped: usize,
    targets_moved: usize,
    initiatives_completed: usize,
    initiatives_carried_over: usize,
}

fn counts(c: &PlanChanges) -> ChangeCounts {
    ChangeCounts {
        previous_period: c.previous_period.clone(),
        objectives_added: c.objectives_added.len(),
        objectives_dropped: c.objectives_dropped.len(),
        targets_moved: c.kpi_targets_moved.len(),
        initiatives_completed: c.initiatives_completed.len(),
        initiatives_carried_over: c.initiatives_carried_over.len(),
    }
}

fn link<'a>(p: &'a PlanView<'a>) -> PlanLink<'a> {
    PlanLink {
        slug: p.slug,
        account: p.account,
        id: p.id,
        period: p.period,
        title: &p.title,
        status: p.status,
        summary: &p.summary,
        changes: p.changes.as_ref().map(counts),
        latest: p.latest,
    }
}

/// The plans of account `slug`, newest first (for the account profile).
pub fn account_plans<'a>(p: &'a Portfolio<'a>, slug: &str) -> Vec<PlanLink<'a>> {
    // Plans are grouped by account in slug order: find the account's run.
    let start = p.plans.partition_point(|x| x.slug < slug);
    let end = start + p.plans[start..].partition_point(|x| x.slug == slug);
    p.plans[start..end].iter().rev().map(link).collect()
}

#[derive(Serialize)]
struct PlanPage<'a> {
    #[serde(flatten)]
    plan: &'a PlanView<'a>,
    narrative_html: Option<String>,
    kpi_chart: String,
}

/// `/plans/`, every plan with its account.
pub fn index_page(p: &Portfolio, info: &SiteInfo) -> Page {
    let mut ctx = page("plans/index.html", "plans.html", "Joint business plans", "plans", info);
    // Newest period first, then by account name.
    let mut rows: Vec<PlanLink> = p.plans.iter().map(link).collect();
    rows.sort_by(|a, b| {
        b.period
            .cmp(a.period)
            .then(a.account.cmp(b.account))
            .then(a.id.cmp(b.id))
    });
    ctx.insert("plans", &rows);
    Page {
        path: "plans/index.html".into(),
        template: "plans.html",
        context: ctx,
    }
}

/// Where a plan's internal page goes.
pub fn plan_path(plan: &PlanView) -> String {
    format!("accounts/{}/plans/{}/index.html", plan.slug, plan.id)
}

/// Other periods a plan's page links on either side of its own.
pub const NEAREST_PLANS: usize = 5;

/// One plan's internal page. Built as it renders, on every core, and dropped after.
pub fn plan_page(engine: &Engine, p: &Portfolio, plan: &PlanView, info: &SiteInfo) -> Page {
    let path = plan_path(plan);
    let title = format!("{} · {}", plan.title, plan.account);
    let mut ctx = page(&path, "plan.html", &title, "plans", info);
    let chart_rows: Vec<ChartKpi> = plan
        .kpis
        .iter()
        .map(|k| ChartKpi {
            name: k.name,
            unit: k.unit,
            progress: &k.progress,
        })
        .collect();
    let view = PlanPage {
        plan,
        narrative_html: plan.narrative.map(|f| {
            engine
                .origins
                .markdown(&path, &f.text, "narrative-", || Some(f.clone()))
        }),
        kpi_chart: kpi_chart(&chart_rows, "KPI progress from baseline through current to target"),
    };
    ctx.insert("plan", &view);
    // The nearest periods either side, newest first: an account with 2,000
    // plans would otherwise link every plan from every plan.
    let all = account_plans(p, plan.slug);
    let at = all.iter().position(|s| s.id == plan.id).unwrap_or(0);
    let from = at.saturating_sub(NEAREST_PLANS);
    let to = (at + NEAREST_PLANS + 1).min(all.len());
    ctx.insert("siblings_more", &(all.len() - (to - from)));
    ctx.insert("siblings_total", &all.len());
    let siblings: Vec<PlanLink> = all.into_iter().skip(from).take(to - from).collect();
    ctx.insert("siblings", &siblings);
    Page {
        path,
        template: "plan.html",
        context: ctx,
    }
}
