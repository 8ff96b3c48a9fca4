//! Portfolio groupings: the tier x stage table and the accounts per quadrant.

use serde::Serialize;

use super::{AccountView, QuadrantPos};
use crate::config::SiteConfig;

#[derive(Debug, Serialize)]
pub struct Cell {
    pub stage: String,
    /// Indexes into the portfolio's accounts.
    pub accounts: Vec<usize>,
}

#[derive(Debug, Serialize)]
pub struct TierRow {
    /// None for accounts without a tier.
    pub id: Option<String>,
    pub name: String,
    pub key: bool,
    /// What the tier means (site.yaml `description`).
    pub description: Option<String>,
    pub accounts: Vec<usize>,
    pub revenue: f64,
    pub revenue_share: Option<f64>,
    /// One cell per configured stage, then one for "no stage".
    pub cells: Vec<Cell>,
}

#[derive(Debug, Serialize)]
pub struct TierTable {
    pub rows: Vec<TierRow>,
    /// Accounts per stage (configured order, then "no stage"), all tiers.
    pub stage_totals: Vec<(String, usize)>,
}

pub fn tier_table(cfg: &SiteConfig, accounts: &[AccountView]) -> TierTable {
    let total: f64 = accounts.iter().filter_map(|a| a.revenue).sum();
    let mut tiers: Vec<(Option<&str>, &str, bool, Option<&str>)> = cfg
        .tiers
        .iter()
        .map(|t| (Some(t.id.as_str()), t.name.as_str(), t.key, t.description.as_deref()))
        .collect();
    tiers.push((None, "No tier", false, None));
    let mut stages: Vec<(Option<&str>, &str)> = cfg
        .stages
        .iter()
        .map(|s| (Some(s.id.as_str()), s.name.as_str()))
        .collect();
    stages.push((None, "No stage"));

    let mut rows = Vec::new();
    for (id, name, key, description) in tiers {
        let members: Vec<usize> = (0..accounts.len())
            .filter(|&i| accounts[i].tier.as_ref().map(|t| t.id) == id)
            .collect();
        if id.is_none() && members.is_empty() {
            continue;
        }
        let revenue: f64 = members.iter().filter_map(|&i| accounts[i].revenue).sum();
        let cells = stages
            .iter()
            .map(|(sid, sname)| Cell {
                stage: sname.to_string(),
                accounts: members
                    .iter()
                    .copied()
                    .filter(|&i| accounts[i].stage.as_ref().map(|s| s.id) == *sid)
                    .collect(),
            })
            .collect();
        rows.push(TierRow {
            id: id.map(str::to_string),
            name: name.to_string(),
            key,
            description: description.map(str::to_string),
            revenue,
            revenue_share: (total > 0.0).then(|| revenue / total),
            accounts: members,
            cells,
        });
    }
    let mut stage_totals: Vec<(String, usize)> = stages
        .iter()
        .map(|(sid, sname)| {
            (
                sname.to_string(),
                accounts
                    .iter()
                    .filter(|a| a.stage.as_ref().map(|s| s.id) == *sid)
                    .count(),
            )
        })
        .collect();
    if stage_totals.last().is_some_and(|(_, n)| *n == 0) {
        stage_totals.pop();
    }
    if rows
        .iter()
        .all(|r| r.cells.last().is_some_and(|c| c.accounts.is_empty()))
    {
        for r in &mut rows {
            r.cells.pop();
        }
    }
    TierTable { rows, stage_totals }
}

#[derive(Debug, Serialize)]
pub struct QuadrantGroup {
    pub position: QuadrantPos,
    pub name: String,
    pub strategy: String,
    /// Indexes into the portfolio's accounts, largest revenue first.
    pub accounts: Vec<usize>,
    pub revenue: f64,
}

/// Accounts per quadrant (top-left, top-right, bottom-left, bottom-right), and the unscored ones.
pub fn quadrants(cfg: &SiteConfig, accounts: &[AccountView]) -> (Vec<QuadrantGroup>, Vec<usize>) {
    let by_revenue = |v: &mut Vec<usize>| {
        v.sort_by(|&a, &b| {
            let (ra, rb) = (accounts[a].revenue.unwrap_or(0.0), accounts[b].revenue.unwrap_or(0.0));
            rb.total_cmp(&ra).then_with(|| accounts[a].name.cmp(accounts[b].name))
        })
    };
    let groups = QuadrantPos::ALL
        .iter()
        .map(|&q| {
            let mut members: Vec<usize> = (0..accounts.len())
                .filter(|&i| accounts[i].placement.quadrant == Some(q))
                .collect();
            by_revenue(&mut members);
            QuadrantGroup {
                position: q,
                name: q.pick(&cfg.matrix.quadrants).clone(),
                strategy: q.pick(&cfg.matrix.strategies).clone(),
                revenue: members.iter().filter_map(|&i| accounts[i].revenue).sum(),
                accounts: members,
            }
        })
        .collect();
    let mut unscored: Vec<usize> = (0..accounts.len())
        .filter(|&i| accounts[i].placement.quadrant.is_none())
        .collect();
    by_revenue(&mut unscored);
    (groups, unscored)
}
