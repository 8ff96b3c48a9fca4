//! The whitespace page (`/whitespace/`), SPEC 10. Every number comes from
//! `analyze::whitespace`; this lays them out.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::Run;
use crate::analyze::whitespace::by_offering;
use crate::analyze::{AccountView, Portfolio};
use crate::diag::Diagnostics;
use crate::render::Page;
use crate::render::page::page;
use crate::render::svg::pipeline as money;

/// One whitespace cell of an account, as the table prints it.
#[derive(Serialize)]
struct CellOut<'a> {
    status: &'static str,
    unit: Option<&'a str>,
    potential: Option<f64>,
}

/// One account's row of the offerings x accounts table.
#[derive(Serialize)]
struct AccountRow<'a> {
    slug: &'a str,
    name: &'a str,
    /// Per offering (site.yaml order), the account's cells for it.
    cells: Vec<Vec<CellOut<'a>>>,
}

pub(super) fn render_all(run: &Run) -> Diagnostics {
    let pages = pages(run.p, run);
    run.engine
        .render_changed(pages.into_par_iter(), |page| page, run.sink, run.contexts)
}

fn unit_names<'a>(p: &'a Portfolio) -> HashMap<&'a str, &'a str> {
    p.config
        .buying_units
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect()
}

fn account_row<'a>(p: &'a Portfolio, units: &HashMap<&str, &'a str>, a: &AccountView<'a>) -> AccountRow<'a> {
    let cells = p
        .config
        .offerings
        .iter()
        .map(|o| {
            a.whitespace
                .iter()
                .filter(|c| c.offering.value == o.id)
                .map(|c| CellOut {
                    status: c.status.as_str(),
                    unit: c
                        .buying_unit
                        .as_ref()
                        .map(|u| units.get(u.value.as_str()).copied().unwrap_or(u.value.as_str())),
                    potential: c.potential,
                })
                .collect()
        })
        .collect();
    AccountRow {
        slug: a.slug,
        name: a.name,
        cells,
    }
}

fn pages(p: &Portfolio, run: &Run) -> Vec<Page> {
    let mut out = Vec::new();
    let units = unit_names(p);
    // The whitespace view appears once site.yaml lists offerings (SPEC 10).
    if !p.config.offerings.is_empty() {
        let path = "whitespace/index.html";
        let mut ctx = page(path, "whitespace.html", "Whitespace", "whitespace", run.info);
        let rollup = by_offering(p.config, &p.accounts);
        let labels: Vec<String> = rollup.iter().map(|r| r.name.to_string()).collect();
        let values: Vec<f64> = rollup.iter().map(|r| r.open_potential).collect();
        let max = values.iter().copied().fold(0.0, f64::max);
        ctx.insert(
            "potential_chart",
            &money::potential_bars(&labels, &values, &p.config.currency),
        );
        ctx.insert("potential_unit", &money::money_unit(max, &p.config.currency));
        let rows: Vec<AccountRow> = p
            .accounts
            .iter()
            .filter(|a| !a.whitespace.is_empty())
            .map(|a| account_row(p, &units, a))
            .collect();
        ctx.insert("offerings", &p.config.offerings);
        ctx.insert("rollup", &rollup);
        ctx.insert("rows", &rows);
        out.push(Page {
            path: path.into(),
            template: "whitespace.html",
            context: ctx,
        });
    }
    out
}
