//! Account groups (SPEC 10): an account with `parent` belongs to its
//! parent's group. A group is its head and every account below it, at any
//! depth; its roll-up sums their revenue per year, pipeline, open
//! whitespace potential and attention items. Validation has rejected
//! cycles and unknown parents; the walk down still stops at a repeat.

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::Serialize;

use super::AccountView;

#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupRollup<'a> {
    /// The head of the group: an account no other account is above.
    pub head: &'a str,
    /// Every account below the head, at any depth, in slug order.
    pub members: Vec<&'a str>,
    /// The head's direct children, in slug order.
    pub children: Vec<&'a str>,
    /// Revenue per year over the head and its members, oldest year first.
    pub revenue: Vec<YearRevenue>,
    /// Open pipeline of the head and its members.
    pub pipeline: f64,
    pub weighted_pipeline: f64,
    /// Open whitespace potential (cells open or pursuing).
    pub open_potential: f64,
    /// Attention items of the head and its members.
    pub attention: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct YearRevenue {
    pub year: i32,
    pub revenue: f64,
}

/// One roll-up per account that has children, heads in slug order. An
/// account in the middle of a deeper group also gets its own roll-up (its
/// part of the group).
pub fn groups<'a>(accounts: &[AccountView<'a>]) -> Vec<GroupRollup<'a>> {
    let by_slug: HashMap<&str, &AccountView<'a>> = accounts.iter().map(|a| (a.slug, a)).collect();
    let parents: HashMap<&'a str, &'a str> = accounts
        .iter()
        .filter_map(|a| a.parent.filter(|p| by_slug.contains_key(p)).map(|p| (a.slug, p)))
        .collect();
    let mut children: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
    for a in accounts {
        if let Some(&p) = parents.get(a.slug) {
            children.entry(p).or_default().push(a.slug);
        }
    }
    children
        .iter()
        .map(|(&head, direct)| {
            let mut members = Vec::new();
            let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::from([head]);
            let mut stack: Vec<&str> = direct.clone();
            while let Some(s) = stack.pop() {
                if !seen.insert(s) {
                    continue;
                }
                members.push(s);
                if let Some(c) = children.get(s) {
                    stack.extend(c.iter().copied());
                }
            }
            members.sort_unstable();
            let mut revenue: BTreeMap<i32, f64> = BTreeMap::new();
            let mut g = GroupRollup {
                head,
                members: Vec::new(),
                children: direct.clone(),
                revenue: Vec::new(),
                pipeline: 0.0,
                weighted_pipeline: 0.0,
                open_potential: 0.0,
                attention: 0,
            };
            for s in std::iter::once(head).chain(members.iter().copied()) {
                let a = by_slug[s];
                for f in &a.financials {
                    if let Some(r) = f.revenue {
                        *revenue.entry(f.year).or_default() += r;
                    }
                }
                g.pipeline += a.pipeline;
                g.weighted_pipeline += a.weighted_pipeline;
                g.open_potential += a
                    .whitespace
                    .iter()
                    .filter(|c| c.status.is_open())
                    .filter_map(|c| c.potential)
                    .sum::<f64>();
                g.attention += a.attention.len();
            }
            g.members = members;
            g.revenue = revenue
                .into_iter()
                .map(|(year, revenue)| YearRevenue { year, revenue })
                .collect();
            g
        })
        .collect()
}
