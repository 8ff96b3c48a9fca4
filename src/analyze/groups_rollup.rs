//! Account groups (SPEC 10): an account with `parent` belongs to its
//! parent's group. A group is its head and every account below it, at any
//! depth; its roll-up sums their revenue per year, pipeline, open
//! whitespace potential and attention items. Validation has rejected
//! cycles and unknown parents; the walk down still stops at a repeat.

use std::collections::{BTreeMap, HashMap, HashSet};

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

/// One account's own part of its group's roll-up, as the parent's profile
/// lists the members.
#[derive(Debug, Serialize)]
pub struct MemberRow<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    /// The account it sits under (`parent`); `None` for the head.
    pub parent: Option<&'a str>,
    pub parent_name: Option<&'a str>,
    /// Levels below the head: 0 for the head, 1 for its children.
    pub depth: usize,
    /// Latest-year revenue and that year.
    pub revenue: Option<f64>,
    pub revenue_year: Option<i32>,
    pub pipeline: f64,
    pub weighted_pipeline: f64,
    pub open_potential: f64,
    pub attention: usize,
}

/// An account's open whitespace potential: cells open or pursuing.
pub fn open_potential(a: &AccountView) -> f64 {
    a.whitespace
        .iter()
        .filter(|c| c.status.is_open())
        .filter_map(|c| c.potential)
        .fold(0.0, |sum, p| sum + p)
}

/// What one account and everything below it add up to.
#[derive(Default)]
struct Totals<'a> {
    members: Vec<&'a str>,
    revenue: BTreeMap<i32, f64>,
    pipeline: f64,
    weighted_pipeline: f64,
    open_potential: f64,
    attention: usize,
}

/// One roll-up per account that has children, heads in slug order. An
/// account in the middle of a deeper group also gets its own roll-up (its
/// part of the group). Each account's totals are added once, to its
/// parent's, children before parents: a chain of n accounts costs n
/// additions, not n squared (its member lists still hold what they name).
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
    // Children before parents, from each top account down; accounts in a
    // cycle (validation rejects them) are never reached.
    let mut order: Vec<&'a str> = Vec::with_capacity(accounts.len());
    let mut seen: HashSet<&str> = HashSet::new();
    for &top in children.keys().filter(|h| !parents.contains_key(*h)) {
        let mut stack = vec![top];
        while let Some(s) = stack.pop() {
            if !seen.insert(s) {
                continue;
            }
            order.push(s);
            if let Some(c) = children.get(s) {
                stack.extend(c.iter().copied());
            }
        }
    }
    let mut totals: HashMap<&'a str, Totals<'a>> = HashMap::with_capacity(order.len());
    for &s in order.iter().rev() {
        let a = by_slug[s];
        let mut t = Totals::default();
        for f in &a.financials {
            if let Some(r) = f.revenue {
                *t.revenue.entry(f.year).or_default() += r;
            }
        }
        // `+ 0.0`: an account without open opportunities sums to -0.0.
        t.pipeline = a.pipeline + 0.0;
        t.weighted_pipeline = a.weighted_pipeline + 0.0;
        t.open_potential = open_potential(a);
        t.attention = a.attention.len();
        for &c in children.get(s).into_iter().flatten() {
            let Some(ct) = totals.get(c) else { continue };
            t.members.push(c);
            t.members.extend_from_slice(&ct.members);
            for (&y, &r) in &ct.revenue {
                *t.revenue.entry(y).or_default() += r;
            }
            t.pipeline += ct.pipeline;
            t.weighted_pipeline += ct.weighted_pipeline;
            t.open_potential += ct.open_potential;
            t.attention += ct.attention;
        }
        totals.insert(s, t);
    }
    children
        .iter()
        .filter_map(|(&head, direct)| {
            let t = totals.remove(head)?;
            let mut members = t.members;
            members.sort_unstable();
            Some(GroupRollup {
                head,
                members,
                children: direct.clone(),
                revenue: t
                    .revenue
                    .into_iter()
                    .map(|(year, revenue)| YearRevenue { year, revenue })
                    .collect(),
                pipeline: t.pipeline,
                weighted_pipeline: t.weighted_pipeline,
                open_potential: t.open_potential,
                attention: t.attention,
            })
        })
        .collect()
}

/// The head of `g` and its members, each with its own numbers, the head
/// first, then each account before those below it, siblings in slug order.
pub fn member_rows<'a>(g: &GroupRollup<'a>, accounts: &HashMap<&str, &AccountView<'a>>) -> Vec<MemberRow<'a>> {
    let mut kids: BTreeMap<&str, Vec<&'a str>> = BTreeMap::new();
    for &m in &g.members {
        if let Some(p) = accounts.get(m).and_then(|a| a.parent) {
            kids.entry(p).or_default().push(m);
        }
    }
    let mut out = Vec::with_capacity(g.members.len() + 1);
    let mut stack: Vec<(&'a str, usize)> = vec![(g.head, 0)];
    while let Some((s, depth)) = stack.pop() {
        let Some(a) = accounts.get(s) else { continue };
        out.push(MemberRow {
            slug: a.slug,
            name: a.name,
            parent: if depth == 0 { None } else { a.parent },
            parent_name: a
                .parent
                .filter(|_| depth > 0)
                .and_then(|p| accounts.get(p))
                .map(|p| p.name),
            depth,
            revenue: a.revenue,
            revenue_year: a.revenue_year,
            pipeline: a.pipeline + 0.0,
            weighted_pipeline: a.weighted_pipeline + 0.0,
            open_potential: open_potential(a),
            attention: a.attention.len(),
        });
        if let Some(c) = kids.get(s) {
            stack.extend(c.iter().rev().map(|&c| (c, depth + 1)));
        }
    }
    out
}
