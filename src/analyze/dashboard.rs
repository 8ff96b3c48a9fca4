//! The dashboard's rules: which attention items it lists and in what order,
//! and which accounts count as the largest.
//!
//! The dashboard shows what to act on, not thousands of lines: per kind of
//! attention item, the items of the largest accounts first (revenue at
//! stake), at most [`ATTENTION_SHOWN`] of them; each account page has all of
//! its own and `/data/attention.json` every one.

use serde::Serialize;

use super::{AccountView, AttentionKind};

/// Items per kind the dashboard lists.
pub const ATTENTION_SHOWN: usize = 12;

/// Accounts in the dashboard's table of the largest accounts.
pub const LARGEST_SHOWN: usize = 10;

/// Kinds of attention item, most urgent first: the order of the dashboard's groups.
pub const ATTENTION_ORDER: [AttentionKind; 7] = [
    AttentionKind::BlockerDecisionMaker,
    AttentionKind::ReviewOverdue,
    AttentionKind::MissingOwner,
    AttentionKind::MissingSponsor,
    AttentionKind::AccountStale,
    AttentionKind::ContactStale,
    AttentionKind::AssessmentDue,
];

/// What the dashboard shows beyond the summary, Pareto curve and tier table.
#[derive(Debug, Default)]
pub struct Dashboard<'a> {
    /// Attention items in the portfolio: the count, not every item (at
    /// 100,000 accounts the items as template values took about 300 MB to
    /// show one number).
    pub attention_total: usize,
    /// Per kind present, most urgent kind first ([`ATTENTION_ORDER`]).
    pub attention_groups: Vec<AttentionGroup<'a>>,
    /// The largest accounts with a revenue, largest first (then by name),
    /// at most [`LARGEST_SHOWN`]: indexes into the portfolio's accounts.
    pub largest: Vec<usize>,
}

/// The dashboard's items of one kind.
#[derive(Debug, Serialize)]
pub struct AttentionGroup<'a> {
    pub kind: &'static str,
    pub label: &'static str,
    /// Items of this kind in the portfolio.
    pub total: usize,
    /// The first [`ATTENTION_SHOWN`] of them, largest accounts first.
    pub items: Vec<AttentionRow<'a>>,
}

/// One attention item as the dashboard lists it, with its account.
#[derive(Debug, Serialize)]
pub struct AttentionRow<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub kind: &'static str,
    pub label: &'static str,
    pub reason: String,
}

/// What the dashboard calls each kind of attention item.
pub fn attention_label(kind: AttentionKind) -> &'static str {
    match kind {
        AttentionKind::ReviewOverdue => "Review overdue",
        AttentionKind::AccountStale => "Gone quiet",
        AttentionKind::ContactStale => "Contact gone stale",
        AttentionKind::MissingOwner => "No account manager",
        AttentionKind::MissingSponsor => "No executive sponsor",
        AttentionKind::BlockerDecisionMaker => "Blocking decision-maker",
        AttentionKind::AssessmentDue => "Assessment due",
    }
}

/// The dashboard of `accounts`, whose attention items are known.
pub fn of<'a>(accounts: &[AccountView<'a>]) -> Dashboard<'a> {
    let by_revenue = by_revenue(accounts);
    let mut groups: Vec<AttentionGroup<'a>> = Vec::new();
    for (a, item) in by_revenue
        .iter()
        .map(|&i| &accounts[i])
        .flat_map(|a| a.attention.iter().map(move |item| (a, item)))
    {
        let g = match groups.iter().position(|g| g.kind == item.kind.as_str()) {
            Some(g) => g,
            None => {
                groups.push(AttentionGroup {
                    kind: item.kind.as_str(),
                    label: attention_label(item.kind),
                    total: 0,
                    items: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[g];
        g.total += 1;
        if g.items.len() < ATTENTION_SHOWN {
            g.items.push(AttentionRow {
                slug: a.slug,
                name: a.name,
                kind: item.kind.as_str(),
                label: attention_label(item.kind),
                reason: item.reason.clone(),
            });
        }
    }
    groups.sort_by_key(|g| ATTENTION_ORDER.iter().position(|k| k.as_str() == g.kind));
    Dashboard {
        attention_total: accounts.iter().map(|a| a.attention.len()).sum(),
        attention_groups: groups,
        largest: by_revenue
            .into_iter()
            .filter(|&i| accounts[i].revenue.is_some())
            .take(LARGEST_SHOWN)
            .collect(),
    }
}

/// Indexes of `accounts` by revenue, largest first (no revenue counts as
/// none), then by name.
fn by_revenue(accounts: &[AccountView]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&accounts[a], &accounts[b]);
        b.revenue
            .unwrap_or(0.0)
            .total_cmp(&a.revenue.unwrap_or(0.0))
            .then(a.name.cmp(b.name))
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portfolio_fixture() -> crate::model::Site {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/portfolio");
        let (site, diags) = crate::load::load(&root);
        assert!(!diags.has_errors(), "{diags:?}");
        site
    }

    #[test]
    fn groups_come_most_urgent_first_with_the_largest_accounts_items_first() {
        let site = portfolio_fixture();
        let p = super::super::analyze(&site, crate::today(&site.config));
        let d = &p.dashboard;
        let all: Vec<(&AccountView, &crate::analyze::Attention)> = p
            .accounts
            .iter()
            .flat_map(|a| a.attention.iter().map(move |i| (a, i)))
            .collect();
        assert!(!all.is_empty());
        assert_eq!(d.attention_total, all.len());
        let order: Vec<usize> = d
            .attention_groups
            .iter()
            .map(|g| ATTENTION_ORDER.iter().position(|k| k.as_str() == g.kind).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        for g in &d.attention_groups {
            let of_kind = all.iter().filter(|(_, i)| i.kind.as_str() == g.kind).count();
            assert_eq!(g.total, of_kind, "{}", g.kind);
            assert_eq!(g.items.len(), of_kind.min(ATTENTION_SHOWN));
            let revenue = |slug: &str| p.accounts.iter().find(|a| a.slug == slug).and_then(|a| a.revenue);
            let revenues: Vec<f64> = g.items.iter().map(|i| revenue(i.slug).unwrap_or(0.0)).collect();
            assert!(revenues.windows(2).all(|w| w[0] >= w[1]), "{}: {revenues:?}", g.kind);
        }
        assert!(!d.largest.is_empty() && d.largest.len() <= LARGEST_SHOWN);
        let largest: Vec<f64> = d.largest.iter().map(|&i| p.accounts[i].revenue.unwrap()).collect();
        assert!(largest.windows(2).all(|w| w[0] >= w[1]), "{largest:?}");
        let smallest_shown = largest.last().copied().unwrap();
        let bigger_left_out = (0..p.accounts.len())
            .filter(|i| !d.largest.contains(i))
            .filter_map(|i| p.accounts[i].revenue)
            .any(|r| r > smallest_shown);
        assert!(!bigger_left_out);
    }

    #[test]
    fn at_most_attention_shown_items_per_kind() {
        let site = portfolio_fixture();
        let p = super::super::analyze(&site, crate::today(&site.config));
        // Every account repeated until one kind has more items than the dashboard lists.
        let mut accounts = Vec::new();
        while accounts.len() <= ATTENTION_SHOWN * 2 {
            for a in &site.accounts {
                let mut v = crate::analyze::account::account(&site.config, a, None, p.today);
                v.attention = p.accounts.iter().find(|x| x.slug == v.slug).unwrap().attention.clone();
                accounts.push(v);
            }
        }
        let d = of(&accounts);
        let most = d.attention_groups.iter().max_by_key(|g| g.total).unwrap();
        assert!(most.total > ATTENTION_SHOWN, "{}", most.total);
        assert_eq!(most.items.len(), ATTENTION_SHOWN);
        assert_eq!(attention_label(AttentionKind::AccountStale), "Gone quiet");
    }
}
