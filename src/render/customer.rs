//! Pages of a customer build, rendered from the redacted [`CustomerSite`] only.
//!
//! The templates get nothing but values of that view (and our site title):
//! no `site`, no navigation of the portal, no data files, no search index,
//! no sitemap and no 404 page of the internal build. Of the theme's static
//! files only the customer stylesheets and the font are copied.

use serde::Serialize;
use tera::Context;

use super::schedule::put_all;
use super::svg::kpi::{ChartKpi, kpi_chart};
use super::{Engine, Page, Renderer, markdown, root_prefix};
use crate::diag::Diagnostics;
use crate::redact::{CustomerPlan, CustomerSite};
use crate::write::{OutputFile, Sink};

/// One customer's site ([`Renderer`] of the redacted [`CustomerSite`]).
pub struct CustomerPages<'r> {
    pub engine: &'r Engine,
}

impl Renderer for CustomerPages<'_> {
    type Model<'m> = CustomerSite;

    fn name(&self) -> &'static str {
        "customer"
    }

    fn render(&mut self, view: &CustomerSite, sink: &dyn Sink) -> Result<(), Diagnostics> {
        let diags = self.engine.render_pages(pages(view), sink);
        if diags.has_errors() {
            return Err(diags);
        }
        let mut files: Vec<OutputFile> = self
            .engine
            .static_files()
            .iter()
            .filter(|(name, _)| STATIC.contains(&name.as_str()))
            .map(|(name, bytes)| OutputFile::new(name.clone(), bytes.clone()))
            .collect();
        // Customer plans are private: never indexed, whatever site.yaml says.
        files.push(OutputFile::new(
            super::ROBOTS_TXT,
            super::DISALLOW_ALL.as_bytes().to_vec(),
        ));
        let written = put_all(sink, files);
        if written.has_errors() { Err(written) } else { Ok(()) }
    }
}

/// The static files a customer site needs, by exact name: nothing else of
/// the theme's or the site's `static/` folder is copied.
const STATIC: [&str; 4] = [
    "customer.css",
    "plans.css",
    "fonts/Roboto-Regular.ttf",
    "fonts/LICENSE.txt",
];

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

fn plan_chart(plan: &CustomerPlan) -> String {
    let rows: Vec<ChartKpi> = plan
        .kpis
        .iter()
        .map(|k| ChartKpi {
            name: &k.name,
            unit: k.unit.as_deref(),
            progress: &k.progress,
        })
        .collect();
    kpi_chart(&rows, "KPI progress from baseline through current to target")
}

/// The customer's index page and a page per plan.
fn pages(view: &CustomerSite) -> Vec<Page> {
    let base = |path: &str, title: &str| {
        let mut ctx = Context::new();
        ctx.insert("customer", &view.customer);
        ctx.insert("supplier", &view.supplier);
        ctx.insert("language", &view.language);
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
            kpi_chart: plan_chart(p),
        })
        .collect();
    let newest_first: Vec<&PlanPage> = plans.iter().rev().collect();
    let kpi_rows: Vec<ChartKpi> = view
        .kpis
        .iter()
        .map(|k| ChartKpi {
            name: &k.name,
            unit: k.unit.as_deref(),
            progress: &k.progress,
        })
        .collect();

    let mut pages = Vec::new();
    let mut ctx = base("index.html", "Joint business plans");
    ctx.insert("plans", &newest_first);
    ctx.insert("kpis", &view.kpis);
    ctx.insert(
        "kpi_chart",
        &kpi_chart(&kpi_rows, "Shared KPIs: progress from baseline to target"),
    );
    ctx.insert("notes", &notes);
    // Frameworks marked `shared: true`: dates and values only (see redact::assessments).
    ctx.insert("assessments", &view.assessments);
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
    pages
}
