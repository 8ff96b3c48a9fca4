//! The portfolio pipeline page, `/pipeline/` (SPEC 10): the open
//! opportunities by stage and by close quarter, weighted and unweighted,
//! as charts and one sortable table, with a filter by owner and by tier
//! that needs no script (see `pipeline.html`). The sums are
//! `analyze::pipeline`'s; this lays them out.

use std::collections::HashMap;

use serde::Serialize;

use super::Run;
use crate::analyze::pipeline::{Bucket, OpportunityRow, by_key, pipeline, rows};
use crate::diag::Diagnostics;
use crate::render::Page;
use crate::render::page::page;
use crate::render::svg::pipeline as charts;

/// One open opportunity of the table.
#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    row: &'a OpportunityRow<'a>,
    account_name: &'a str,
    /// The owner's page slug: the row's class for the owner filter.
    owner_slug: Option<&'a str>,
    tier_name: Option<&'a str>,
    /// The tier's position in site.yaml (sorting); 99 without one.
    tier_index: usize,
}

/// One choice of the filter, with the open pipeline it leaves.
#[derive(Serialize)]
struct Filter<'a> {
    /// The anchor and the rows' class, e.g. `owner-ada-lovelace`.
    id: String,
    name: &'a str,
    #[serde(flatten)]
    sum: Bucket,
}

pub(super) fn render_all(run: &Run) -> Diagnostics {
    run.engine
        .render_changed(rayon::iter::once(page_of(run)), |p| p, run.sink, run.contexts)
}

fn page_of(run: &Run) -> Page {
    let p = run.p;
    let cfg = p.config;
    let path = "pipeline/index.html";
    let mut ctx = page(path, "pipeline.html", "Pipeline", "pipeline", run.info);
    let all = rows(&p.accounts);
    let sums = pipeline(&all);
    let names: HashMap<&str, (&str, Option<&str>, usize)> = p
        .accounts
        .iter()
        .map(|a| {
            (
                a.slug,
                (a.name, a.tier.as_ref().map(|t| t.name), a.tier_index.unwrap_or(99)),
            )
        })
        .collect();
    let table: Vec<Row> = all
        .iter()
        .filter(|r| r.open)
        .map(|r| {
            let (account_name, tier_name, tier_index) = names.get(r.account).copied().unwrap_or((r.account, None, 99));
            Row {
                row: r,
                account_name,
                owner_slug: r
                    .account_owner
                    .and_then(|o| p.owner_slugs.get(o.trim()))
                    .map(String::as_str),
                tier_name,
                tier_index,
            }
        })
        .collect();
    let owner_filters: Vec<Filter> = by_key(&all, |r| r.account_owner.map(str::trim))
        .into_iter()
        .filter_map(|b| {
            let (name, slug) = p.owner_slugs.get_key_value(b.key.as_str())?;
            Some(Filter {
                id: format!("owner-{slug}"),
                name,
                sum: b,
            })
        })
        .collect();
    let mut tier_sums = by_key(&all, |r| r.tier);
    // In site.yaml's order, as the tier pages list them.
    let tier_filters: Vec<Filter> = cfg
        .tiers
        .iter()
        .filter_map(|t| {
            let i = tier_sums.iter().position(|b| b.key == t.id)?;
            Some(Filter {
                id: format!("tier-{}", t.id),
                name: &t.name,
                sum: tier_sums.swap_remove(i),
            })
        })
        .collect();
    let max = |bs: &[Bucket]| bs.iter().map(|b| b.value).fold(0.0, f64::max);
    ctx.insert(
        "stage_chart",
        &charts::pipeline_bars(&sums.by_stage, &cfg.currency, "Open pipeline by stage"),
    );
    ctx.insert("stage_unit", &charts::money_unit(max(&sums.by_stage), &cfg.currency));
    ctx.insert(
        "quarter_chart",
        &charts::pipeline_bars(&sums.by_quarter, &cfg.currency, "Open pipeline by close quarter"),
    );
    ctx.insert(
        "quarter_unit",
        &charts::money_unit(max(&sums.by_quarter), &cfg.currency),
    );
    ctx.insert("pipeline", &sums);
    ctx.insert("opportunities", &table);
    ctx.insert("owner_filters", &owner_filters);
    ctx.insert("tier_filters", &tier_filters);
    let filters: Vec<&Filter> = owner_filters.iter().chain(&tier_filters).collect();
    ctx.insert("filters", &filters);
    Page {
        path: path.into(),
        template: "pipeline.html",
        context: ctx,
    }
}
