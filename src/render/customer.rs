//! Pages of a customer build, rendered from the redacted [`CustomerSite`] only.

use serde::Serialize;
use tera::Context;

use super::{Engine, Page, root_prefix};
use crate::diag::Diagnostics;
use crate::redact::{CustomerPlan, CustomerSite};
use crate::render::{charts, markdown};
use crate::write::OutputFile;

#[derive(Serialize)]
struct NoteHtml<'a> {
    id: &'a str,
    date: Option<String>,
    title: &'a str,
    kind: &'a str,
    attendees: &'a [String],
    html: String,
}

#[derive(Serialize)]
struct PlanPage<'a> {
    #[serde(flatten)]
    plan: &'a CustomerPlan,
    narrative_html: Option<String>,
    kpi_chart: String,
}

fn kpi_chart(plan: &CustomerPlan) -> String {
    let labels: Vec<String> = plan.kpis.iter().map(|k| k.name.clone()).collect();
    let pct = |v: Option<f64>| v.map(|x| (x * 100.0).round());
    let progress: Vec<Option<f64>> = plan.kpis.iter().map(|k| pct(k.progress)).collect();
    charts::bars_with_target(
        &labels,
        &[("Progress to target", progress)],
        100.0,
        true,
        Some(100.0),
        "KPI progress from baseline to target",
    )
}

pub fn render(engine: &Engine, view: &CustomerSite) -> Result<Vec<OutputFile>, Diagnostics> {
    let base = |path: &str, title: &str| {
        let mut ctx = Context::new();
        ctx.insert("customer", &view.customer);
        ctx.insert("supplier", &view.supplier);
        ctx.insert("today", &view.today.to_string());
        ctx.insert("root", &root_prefix(path));
        ctx.insert("page_title", title);
        ctx
    };
    let notes: Vec<NoteHtml> = view
        .notes
        .iter()
        .map(|n| NoteHtml {
            id: &n.id,
            date: n.date.map(|d| d.to_string()),
            title: &n.title,
            kind: n.kind,
            attendees: &n.attendees,
            html: markdown::to_html(&n.body, &format!("{}-", n.id)),
        })
        .collect();
    let plans: Vec<PlanPage> = view
        .plans
        .iter()
        .map(|p| PlanPage {
            plan: p,
            narrative_html: p.narrative.as_deref().map(|md| markdown::to_html(md, "narrative-")),
            kpi_chart: kpi_chart(p),
        })
        .collect();

    let mut pages = Vec::new();
    let mut ctx = base("index.html", &view.customer);
    ctx.insert("plans", &plans);
    ctx.insert("kpis", &view.kpis);
    ctx.insert("notes", &notes);
    pages.push(Page {
        path: "index.html".into(),
        template: "customer/index.html",
        context: ctx,
    });
    for plan in &plans {
        let path = format!("plans/{}/index.html", plan.plan.id);
        let mut ctx = base(&path, &plan.plan.title);
        ctx.insert("plan", plan);
        pages.push(Page {
            path,
            template: "customer/plan.html",
            context: ctx,
        });
    }
    let mut files = engine.render_pages(pages)?;
    // Only the stylesheet and font: nothing else of the internal theme is needed.
    for (name, bytes) in engine.static_files() {
        if name == "style.css" || name.starts_with("fonts/") {
            files.push(OutputFile::new(name.clone(), bytes.clone()));
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
