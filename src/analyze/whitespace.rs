//! Whitespace roll-up (SPEC 10): per offering, the accounts where it is
//! current, its open potential (cells open or pursuing) and its pipeline
//! (open opportunities naming it). Internal only.

use schemars::JsonSchema;
use serde::Serialize;

use super::AccountView;
use crate::config::SiteConfig;

/// One offering across the portfolio.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OfferingRollup<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// Slugs of the accounts with a cell `current` for the offering, in slug order.
    pub current_accounts: Vec<&'a str>,
    /// Sum of `potential` over the cells `open` or `pursuing`.
    pub open_potential: f64,
    /// Number of cells open or pursuing.
    pub open_cells: usize,
    /// Sum of the values of open opportunities naming the offering.
    pub pipeline: f64,
    /// The same, each value times its probability.
    pub weighted_pipeline: f64,
}

/// One whitespace cell, as `/data/whitespace.json` lists it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Cell<'a> {
    pub account: &'a str,
    pub offering: &'a str,
    pub buying_unit: Option<&'a str>,
    pub status: &'static str,
    pub potential: Option<f64>,
    pub note: Option<&'a str>,
}

/// The roll-up of every offering of site.yaml, in site.yaml order.
pub fn by_offering<'a>(config: &'a SiteConfig, accounts: &[AccountView<'a>]) -> Vec<OfferingRollup<'a>> {
    config
        .offerings
        .iter()
        .map(|o| {
            let mut r = OfferingRollup {
                id: &o.id,
                name: &o.name,
                current_accounts: Vec::new(),
                open_potential: 0.0,
                open_cells: 0,
                pipeline: 0.0,
                weighted_pipeline: 0.0,
            };
            for a in accounts {
                let mut current = false;
                for c in a.whitespace.iter().filter(|c| c.offering.value == o.id) {
                    if c.status == crate::model::WhitespaceStatus::Current {
                        current = true;
                    }
                    if c.status.is_open() {
                        r.open_cells += 1;
                        r.open_potential += c.potential.unwrap_or(0.0);
                    }
                }
                if current {
                    r.current_accounts.push(a.slug);
                }
                for op in a
                    .opportunities
                    .iter()
                    .filter(|op| op.open && op.offering == Some(o.id.as_str()))
                {
                    r.pipeline += op.value.unwrap_or(0.0);
                    r.weighted_pipeline += op.weighted.unwrap_or(0.0);
                }
            }
            r
        })
        .collect()
}

/// Every cell of every account, accounts in slug order, cells as written.
pub fn cells<'a>(accounts: &[AccountView<'a>]) -> Vec<Cell<'a>> {
    accounts
        .iter()
        .flat_map(|a| {
            a.whitespace.iter().map(|c| Cell {
                account: a.slug,
                offering: &c.offering.value,
                buying_unit: c.buying_unit.as_ref().map(|u| u.value.as_str()),
                status: c.status.as_str(),
                potential: c.potential,
                note: c.note.as_deref(),
            })
        })
        .collect()
}
