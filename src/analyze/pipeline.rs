//! The portfolio pipeline (SPEC 10) and each key account manager's book:
//! open opportunities by stage and by close quarter, weighted and
//! unweighted, and per owner (an account's `owner`). Internal only.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::AccountView;
pub use super::owners::{OwnerBook, owner_slug, owners};

/// One opportunity of `/data/opportunities.json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OpportunityRow<'a> {
    pub account: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    /// The account's key account manager.
    pub account_owner: Option<&'a str>,
    pub tier: Option<&'a str>,
    pub offering: Option<&'a str>,
    pub stage: Option<&'a str>,
    #[schemars(with = "Option<String>")]
    pub close: Option<jiff::civil::Date>,
    /// Calendar quarter of `close`, e.g. 2026-Q3.
    pub quarter: Option<String>,
    pub value: Option<f64>,
    pub probability: Option<f64>,
    pub weighted: Option<f64>,
    pub open: bool,
}

/// Open pipeline summed under one key (a stage, a quarter, an owner).
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Bucket {
    pub key: String,
    pub count: usize,
    pub value: f64,
    pub weighted: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Pipeline {
    /// Open opportunities by stage, in order of first appearance; no stage: "(none)".
    pub by_stage: Vec<Bucket>,
    /// Open opportunities by close quarter, oldest first; no date: "(none)" last.
    pub by_quarter: Vec<Bucket>,
    pub total: Bucket,
}

pub fn rows<'a>(accounts: &[AccountView<'a>]) -> Vec<OpportunityRow<'a>> {
    accounts
        .iter()
        .flat_map(|a| {
            a.opportunities.iter().map(move |o| OpportunityRow {
                account: a.slug,
                id: o.id,
                title: o.title,
                account_owner: a.owner,
                tier: a.tier.as_ref().map(|t| t.id),
                offering: o.offering,
                stage: o.stage,
                close: o.close,
                quarter: o.close.map(super::winloss::quarter_of),
                value: o.value,
                probability: o.probability,
                weighted: o.weighted,
                open: o.open,
            })
        })
        .collect()
}

fn add(b: &mut Bucket, r: &OpportunityRow<'_>) {
    b.count += 1;
    b.value += r.value.unwrap_or(0.0);
    b.weighted += r.weighted.unwrap_or(0.0);
}

pub fn pipeline(rows: &[OpportunityRow<'_>]) -> Pipeline {
    let mut by_stage: Vec<Bucket> = Vec::new();
    let mut by_quarter: BTreeMap<(i16, i8), Bucket> = BTreeMap::new();
    let mut none = Bucket {
        key: "(none)".into(),
        ..Bucket::default()
    };
    let mut total = Bucket {
        key: "total".into(),
        ..Bucket::default()
    };
    for r in rows.iter().filter(|r| r.open) {
        add(&mut total, r);
        let stage = r.stage.unwrap_or("(none)");
        match by_stage.iter_mut().find(|b| b.key == stage) {
            Some(b) => add(b, r),
            None => {
                let mut b = Bucket {
                    key: stage.to_string(),
                    ..Bucket::default()
                };
                add(&mut b, r);
                by_stage.push(b);
            }
        }
        match (r.close, &r.quarter) {
            (Some(d), Some(q)) => {
                let b = by_quarter
                    .entry((d.year(), (d.month() - 1) / 3))
                    .or_insert_with(|| Bucket {
                        key: q.clone(),
                        ..Bucket::default()
                    });
                add(b, r);
            }
            _ => add(&mut none, r),
        }
    }
    let mut by_quarter: Vec<Bucket> = by_quarter.into_values().collect();
    if none.count > 0 {
        by_quarter.push(none);
    }
    Pipeline {
        by_stage,
        by_quarter,
        total,
    }
}

/// Open pipeline summed per `key` of each open row (e.g. its owner or its
/// tier), in key order; rows without a key are left out.
pub fn by_key<'r, 'a: 'r>(
    rows: &'r [OpportunityRow<'a>],
    key: impl Fn(&'r OpportunityRow<'a>) -> Option<&'r str>,
) -> Vec<Bucket> {
    let mut out: BTreeMap<&str, Bucket> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.open) {
        if let Some(k) = key(r) {
            let b = out.entry(k).or_insert_with(|| Bucket {
                key: k.to_string(),
                ..Bucket::default()
            });
            add(b, r);
        }
    }
    out.into_values().collect()
}
