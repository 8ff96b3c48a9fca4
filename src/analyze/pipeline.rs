//! The portfolio pipeline (SPEC 10) and each key account manager's book:
//! open opportunities by stage and by close quarter, weighted and
//! unweighted, and per owner (an account's `owner`). Internal only.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::AccountView;
use crate::model::slug::slugify;

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

/// A key account manager's book.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OwnerBook<'a> {
    pub owner: &'a str,
    /// The page's slug, `/owners/<slug>/`.
    pub slug: String,
    /// Slugs of the accounts they own, in slug order.
    pub accounts: Vec<&'a str>,
    /// Open pipeline of those accounts.
    pub pipeline: f64,
    pub weighted_pipeline: f64,
    pub attention: usize,
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

/// The slug of an owner's page, `/owners/<slug>/`; None for a blank name.
/// A name with no letter or digit to slug ("!!!", "李") gets `owner-` and a
/// hash of the name: an empty slug would put the page on the owners list's
/// own path.
pub fn owner_slug(owner: &str) -> Option<String> {
    let owner = owner.trim();
    if owner.is_empty() {
        return None;
    }
    let slug = slugify(owner);
    if !slug.is_empty() {
        return Some(slug);
    }
    // FNV-1a: stable across builds and platforms, unlike the std hasher.
    let hash = owner.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    Some(format!("owner-{:08x}", hash >> 32))
}

/// One book per distinct account owner, by owner slug.
pub fn owners<'a>(accounts: &[AccountView<'a>]) -> Vec<OwnerBook<'a>> {
    let mut books: BTreeMap<String, OwnerBook<'a>> = BTreeMap::new();
    for a in accounts {
        let Some((owner, slug)) = a.owner.and_then(|o| Some((o, owner_slug(o)?))) else {
            continue;
        };
        let b = books.entry(slug.clone()).or_insert_with(|| OwnerBook {
            owner,
            slug,
            accounts: Vec::new(),
            pipeline: 0.0,
            weighted_pipeline: 0.0,
            attention: 0,
        });
        b.accounts.push(a.slug);
        b.pipeline += a.pipeline;
        b.weighted_pipeline += a.weighted_pipeline;
        b.attention += a.attention.len();
    }
    books.into_values().collect()
}
