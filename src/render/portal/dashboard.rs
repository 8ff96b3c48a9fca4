//! The dashboard (`/`): summary, Pareto curve, attention groups, the
//! largest accounts, the tier table and the stage chart. What it lists is
//! decided in `analyze::dashboard`; this lays it out.

use tera::Value;

use super::Run;
use super::lists::{Rows, stage_chart, tier_rows};
use crate::render::Page;
use crate::render::page::page;
use crate::render::svg::charts;

pub(super) fn page_of(run: &Run, rows: &Rows) -> Page {
    let p = run.p;
    let mut ctx = page("index.html", "index.html", "Portfolio dashboard", "dashboard", run.info);
    ctx.insert("summary", &p.summary);
    ctx.insert("pareto", &p.pareto);
    ctx.insert("pareto_chart", &charts::pareto(&p.pareto));
    let d = &p.dashboard;
    ctx.insert("attention_total", &d.attention_total);
    ctx.insert("attention_groups", &d.attention_groups);
    let largest: Vec<&Value> = d.largest.iter().map(|&i| &rows.values[i]).collect();
    ctx.insert("top_accounts", &largest);
    ctx.insert("tiers", &tier_rows(p, &rows.values, None));
    ctx.insert("stage_chart", &stage_chart(p));
    if let Some(h) = &p.assessments.health {
        let lowest: Vec<&Value> = h.lowest.iter().map(|&i| &rows.values[i]).collect();
        ctx.insert(
            "health",
            &serde_json::json!({ "accounts": h.accounts, "mean": h.mean, "lowest": lowest }),
        );
    }
    super::history::insert_dashboard(&mut ctx, p);
    Page {
        path: "index.html".into(),
        template: "index.html",
        context: ctx,
    }
}
