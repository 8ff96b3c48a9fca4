//! Each key account manager's book (SPEC 10): the owners' page slugs, one
//! [`OwnerBook`] per owner with its counts, and the lists of one owner's
//! page ([`Desk`]): accounts, attention items, open opportunities by close
//! date, reviews due, plans in draft and stale contacts. Internal only.

use std::collections::{BTreeMap, HashSet};

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Serialize;

use super::{AccountView, AttentionKind, QuadrantView};
use crate::model::slug::slugify;
use crate::model::{PlanStatus, Status};

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
    /// Open opportunities of those accounts.
    pub open_opportunities: usize,
    /// Account reviews overdue, assessments due and win/loss reviews in draft.
    pub reviews_due: usize,
    /// Joint business plans in draft.
    pub draft_plans: usize,
    /// Contacts of active accounts not contacted within `stale_after_days`.
    pub stale_contacts: usize,
}

/// The base slug of an owner's page, before two owners sharing it are
/// told apart ([`owner_slugs`]); None for a blank name. A name with no
/// letter or digit to slug ("!!!", "李") gets `owner-` and a hash of the
/// name: an empty slug would put the page on the owners list's own path.
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

/// Every owner's page slug, by the owner's name as written (trimmed).
/// Names that slug the same ("Ada Lovelace", "ada lovelace") stay apart:
/// in name order, the first keeps the slug and each next one gets the
/// first free `<slug>-2`, `<slug>-3`, ... (never another owner's slug), so
/// the slugs depend on the names only, not on the order of the accounts.
pub fn owner_slugs<'a>(accounts: &[AccountView<'a>]) -> BTreeMap<&'a str, String> {
    let names: std::collections::BTreeSet<&'a str> = accounts
        .iter()
        .filter_map(|a| a.owner.map(str::trim))
        .filter(|o| !o.is_empty())
        .collect();
    let base: Vec<(&'a str, String)> = names.iter().filter_map(|n| Some((*n, owner_slug(n)?))).collect();
    let mut taken: HashSet<String> = base.iter().map(|(_, s)| s.clone()).collect();
    let mut first: HashSet<&str> = HashSet::new();
    let mut out = BTreeMap::new();
    for (name, slug) in &base {
        if first.insert(slug.as_str()) {
            out.insert(*name, slug.clone());
            continue;
        }
        let free = (2..)
            .map(|n| format!("{slug}-{n}"))
            .find(|s| !taken.contains(s))
            .unwrap_or_default();
        taken.insert(free.clone());
        out.insert(*name, free);
    }
    out
}

/// An account of an owner's page.
#[derive(Debug, Serialize)]
pub struct DeskAccount<'v> {
    pub slug: &'v str,
    pub name: &'v str,
    pub status: &'static str,
    /// The tier's name.
    pub tier: Option<&'v str>,
    /// The tier's position in site.yaml, for sorting.
    pub tier_index: Option<usize>,
    pub quadrant: Option<&'v QuadrantView<'v>>,
    /// Health 0-100 when site.yaml has `health:`.
    pub health: Option<f64>,
    pub pipeline: f64,
    pub weighted_pipeline: f64,
    pub open_opportunities: usize,
    pub attention: usize,
}

/// An attention item or a review due, with the account it is on.
#[derive(Debug, Serialize)]
pub struct DeskItem<'v> {
    pub account: &'v str,
    pub account_name: &'v str,
    /// An attention kind (`review_overdue`, ...) or `review_draft`.
    pub kind: &'static str,
    pub reason: String,
}

/// An open opportunity of an owner's accounts.
#[derive(Debug, Serialize)]
pub struct DeskOpportunity<'v> {
    pub account: &'v str,
    pub account_name: &'v str,
    pub id: &'v str,
    pub title: &'v str,
    pub stage: Option<&'v str>,
    pub close: Option<Date>,
    /// Calendar quarter of `close`, e.g. 2026-Q3.
    pub quarter: Option<String>,
    pub value: Option<f64>,
    pub probability: Option<f64>,
    pub weighted: Option<f64>,
}

/// A joint business plan in draft.
#[derive(Debug, Serialize)]
pub struct DeskPlan<'v> {
    pub account: &'v str,
    pub account_name: &'v str,
    /// The plan's URL segment.
    pub id: &'v str,
    pub period: &'v str,
    pub title: &'v str,
}

/// A contact gone stale.
#[derive(Debug, Serialize)]
pub struct DeskContact<'v> {
    pub account: &'v str,
    pub account_name: &'v str,
    pub id: &'v str,
    pub name: &'v str,
    pub title: Option<&'v str>,
    pub role: &'static str,
    pub last_contact: Option<Date>,
    pub days_since_contact: Option<i64>,
}

/// What one owner's page lists.
#[derive(Debug, Serialize, Default)]
pub struct Desk<'v> {
    pub accounts: Vec<DeskAccount<'v>>,
    /// Every attention item of their accounts, account by account.
    pub attention: Vec<DeskItem<'v>>,
    /// Open opportunities, soonest close first, undated last.
    pub opportunities: Vec<DeskOpportunity<'v>>,
    /// Account reviews overdue, assessments due, win/loss reviews in draft.
    pub reviews_due: Vec<DeskItem<'v>>,
    pub draft_plans: Vec<DeskPlan<'v>>,
    /// Contacts of active accounts past `stale_after_days` or never contacted.
    pub stale_contacts: Vec<DeskContact<'v>>,
}

/// The page lists of the owner of `accounts` (their accounts, in slug order).
pub fn desk<'v>(accounts: &[&'v AccountView<'v>], plans: &'v [super::plans::PlanView<'v>]) -> Desk<'v> {
    let mut d = Desk::default();
    for a in accounts {
        d.accounts.push(DeskAccount {
            slug: a.slug,
            name: a.name,
            status: a.status.as_str(),
            tier: a.tier.as_ref().map(|t| t.name),
            tier_index: a.tier_index,
            quadrant: a.quadrant.as_ref(),
            health: a.health.as_ref().map(|h| h.score),
            pipeline: a.pipeline,
            weighted_pipeline: a.weighted_pipeline,
            open_opportunities: a.opportunities.iter().filter(|o| o.open).count(),
            attention: a.attention.len(),
        });
        let item = |kind: &'static str, reason: String| DeskItem {
            account: a.slug,
            account_name: a.name,
            kind,
            reason,
        };
        for at in &a.attention {
            d.attention.push(item(at.kind.as_str(), at.reason.clone()));
            if matches!(at.kind, AttentionKind::ReviewOverdue | AttentionKind::AssessmentDue) {
                d.reviews_due.push(item(at.kind.as_str(), at.reason.clone()));
            }
        }
        for r in a.review_docs.iter().filter(|r| r.meta.draft) {
            let what = r.meta.opportunity.as_ref().map_or(r.id.as_str(), |o| o.value.as_str());
            d.reviews_due.push(item(
                "review_draft",
                format!("Win/loss review of {what} is still a draft"),
            ));
        }
        d.opportunities
            .extend(a.opportunities.iter().filter(|o| o.open).map(|o| DeskOpportunity {
                account: a.slug,
                account_name: a.name,
                id: o.id,
                title: o.title,
                stage: o.stage,
                close: o.close,
                quarter: o.close.map(super::winloss::quarter_of),
                value: o.value,
                probability: o.probability,
                weighted: o.weighted,
            }));
        if a.status == Status::Active {
            d.stale_contacts
                .extend(a.contacts.iter().filter(|c| c.stale).map(|c| DeskContact {
                    account: a.slug,
                    account_name: a.name,
                    id: c.id(),
                    name: c.name(),
                    title: c.title(),
                    role: c.role_label(),
                    last_contact: c.last_contact(),
                    days_since_contact: c.days_since_contact,
                }));
        }
    }
    // Soonest first; the same day by account and id; no date last.
    d.opportunities
        .sort_by_key(|o| (o.close.is_none(), o.close, o.account, o.id));
    let names: BTreeMap<&str, &str> = accounts.iter().map(|a| (a.slug, a.name)).collect();
    d.draft_plans = plans
        .iter()
        .filter(|p| p.status == PlanStatus::Draft)
        .filter_map(|p| {
            Some(DeskPlan {
                account: p.slug,
                account_name: names.get(p.slug)?,
                id: p.id,
                period: p.period,
                title: &p.title,
            })
        })
        .collect();
    d
}

/// One book per distinct account owner, in slug order (see [`owner_slugs`]).
pub fn owners<'a>(accounts: &'a [AccountView<'a>], plans: &'a [super::plans::PlanView<'a>]) -> Vec<OwnerBook<'a>> {
    let slugs = owner_slugs(accounts);
    books(accounts, plans, &slugs).into_iter().map(|(b, _)| b).collect()
}

/// Each owner's book with their page's lists, in slug order.
pub fn books<'a>(
    accounts: &'a [AccountView<'a>],
    plans: &'a [super::plans::PlanView<'a>],
    slugs: &BTreeMap<&'a str, String>,
) -> Vec<(OwnerBook<'a>, Desk<'a>)> {
    let mut by_slug: BTreeMap<&str, (&'a str, Vec<&'a AccountView<'a>>)> = BTreeMap::new();
    for a in accounts {
        let Some((name, slug)) = a.owner.and_then(|o| slugs.get_key_value(o.trim())) else {
            continue;
        };
        by_slug.entry(slug.as_str()).or_insert((name, Vec::new())).1.push(a);
    }
    by_slug
        .into_iter()
        .map(|(slug, (owner, own))| {
            let desk = desk(&own, plans);
            let book = OwnerBook {
                owner,
                slug: slug.to_string(),
                accounts: own.iter().map(|a| a.slug).collect(),
                pipeline: own.iter().map(|a| a.pipeline).sum(),
                weighted_pipeline: own.iter().map(|a| a.weighted_pipeline).sum(),
                attention: desk.attention.len(),
                open_opportunities: desk.opportunities.len(),
                reviews_due: desk.reviews_due.len(),
                draft_plans: desk.draft_plans.len(),
                stale_contacts: desk.stale_contacts.len(),
            };
            (book, desk)
        })
        .collect()
}
