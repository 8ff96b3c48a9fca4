//! One account's whitespace grid (SPEC 10), as its profile shows it:
//! offerings of site.yaml as columns, the buying units the account has
//! cells in as rows, each cell with its status, potential, note and the
//! account's opportunities that name its offering. Internal only.

use serde::Serialize;

use super::AccountView;
use crate::config::SiteConfig;
use crate::model::WhitespaceStatus;

/// The grid of one account; `None` from [`of`] when there is nothing to draw.
#[derive(Debug, Serialize)]
pub struct Grid<'a> {
    /// site.yaml `offerings`, in order: the columns.
    pub offerings: Vec<Column<'a>>,
    /// Buying units in site.yaml order, then the cells for the account as
    /// a whole (no `buying_unit`), each only when the account has a cell there.
    pub rows: Vec<Row<'a>>,
    /// Sum of `potential` over the cells open or pursuing.
    pub open_potential: f64,
    /// How many cells have each status, in [`WhitespaceStatus::ALL`] order
    /// (statuses without cells left out).
    pub counts: Vec<StatusCount>,
}

#[derive(Debug, Serialize)]
pub struct Column<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
pub struct Row<'a> {
    /// The buying unit's id; `None` for the account as a whole.
    pub unit_id: Option<&'a str>,
    /// The buying unit's name, or "Whole account".
    pub unit: &'a str,
    /// One per column: the cell, or `None` where the account has none.
    pub cells: Vec<Option<Cell<'a>>>,
}

#[derive(Debug, Serialize)]
pub struct Cell<'a> {
    /// current, open, pursuing, lost or not-applicable (the `ws-*` class).
    pub status: &'static str,
    /// The status as a reader says it: "Not applicable".
    pub status_label: &'static str,
    pub potential: Option<f64>,
    pub note: Option<&'a str>,
    /// The account's opportunities naming this cell's offering, in
    /// account.yaml order. Opportunities name no buying unit: one naming an
    /// offering with cells in several units is listed in each.
    pub opportunities: Vec<OpportunityLink<'a>>,
}

/// An opportunity a cell links to (its row on the profile, `#opportunity-<id>`).
#[derive(Debug, Serialize)]
pub struct OpportunityLink<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// Still open (probability strictly between 0 and 1).
    pub open: bool,
}

#[derive(Debug, Serialize)]
pub struct StatusCount {
    pub status: &'static str,
    pub status_label: &'static str,
    pub cells: usize,
}

pub fn status_label(s: WhitespaceStatus) -> &'static str {
    match s {
        WhitespaceStatus::Current => "Current",
        WhitespaceStatus::Open => "Open",
        WhitespaceStatus::Pursuing => "Pursuing",
        WhitespaceStatus::Lost => "Lost",
        WhitespaceStatus::NotApplicable => "Not applicable",
    }
}

/// The row label of cells without a buying unit.
pub const WHOLE_ACCOUNT: &str = "Whole account";

/// The grid of `a`, when site.yaml defines offerings and the account has
/// cells. Cells naming an offering or unit site.yaml lacks (validation
/// rejects them) are left out.
pub fn of<'a>(cfg: &'a SiteConfig, a: &AccountView<'a>) -> Option<Grid<'a>> {
    if cfg.offerings.is_empty() || a.whitespace.is_empty() {
        return None;
    }
    let column = |id: &str| cfg.offerings.iter().position(|o| o.id == id);
    let unit_ids: Vec<Option<&'a str>> = cfg
        .buying_units
        .iter()
        .map(|u| Some(u.id.as_str()))
        .chain(std::iter::once(None))
        .collect();
    let mut rows: Vec<Row<'a>> = Vec::new();
    for unit in unit_ids {
        let mut cells: Vec<Option<Cell<'a>>> = cfg.offerings.iter().map(|_| None).collect();
        let mut any = false;
        for c in a
            .whitespace
            .iter()
            .filter(|c| c.buying_unit.as_ref().map(|u| u.value.as_str()) == unit)
        {
            let Some(col) = column(&c.offering.value) else { continue };
            // Validation rejects a second cell for the same place; keep the first.
            if cells[col].is_some() {
                continue;
            }
            any = true;
            cells[col] = Some(Cell {
                status: c.status.as_str(),
                status_label: status_label(c.status),
                potential: c.potential,
                note: c.note.as_deref(),
                opportunities: a
                    .opportunities
                    .iter()
                    .filter(|o| o.offering == Some(c.offering.value.as_str()))
                    .map(|o| OpportunityLink {
                        id: o.id,
                        title: o.title,
                        open: o.open,
                    })
                    .collect(),
            });
        }
        if any {
            let name = unit
                .and_then(|id| cfg.buying_units.iter().find(|u| u.id == id))
                .map_or(WHOLE_ACCOUNT, |u| u.name.as_str());
            rows.push(Row {
                unit_id: unit,
                unit: name,
                cells,
            });
        }
    }
    if rows.is_empty() {
        return None;
    }
    let drawn = || rows.iter().flat_map(|r| r.cells.iter().flatten());
    let open_potential = super::groups_rollup::open_potential(a);
    let counts = WhitespaceStatus::ALL
        .iter()
        .map(|&s| StatusCount {
            status: s.as_str(),
            status_label: status_label(s),
            cells: drawn().filter(|c| c.status == s.as_str()).count(),
        })
        .filter(|c| c.cells > 0)
        .collect();
    Some(Grid {
        offerings: cfg
            .offerings
            .iter()
            .map(|o| Column {
                id: &o.id,
                name: &o.name,
            })
            .collect(),
        rows,
        open_potential,
        counts,
    })
}
