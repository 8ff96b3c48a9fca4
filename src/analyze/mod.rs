//! Analyze: every business number kamsite shows, computed once, in Rust.
//!
//! Takes the validated [`Site`] and returns a [`Portfolio`]: per-account views
//! (matrix placement, revenue share, staleness, stance labels) and the
//! portfolio aggregates (Pareto curve, tier x stage table, attention items).
//! Templates receive these values and only lay them out.

pub mod attention;
pub mod groups;
pub mod matrix;
pub mod pareto;
pub mod plans;
pub mod winloss;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::model::{AccountDoc, Contact, Role, Site, Status, Swot};
pub use attention::{Attention, AttentionKind};
pub use matrix::{Placement, QuadrantPos};

/// The capacity guidance for key accounts (Woodburn & McDonald 2011).
pub const KEY_ACCOUNT_GUIDANCE: (usize, usize) = (15, 35);

/// The analysed portfolio, borrowing text from the loaded site.
#[derive(Debug)]
pub struct Portfolio<'a> {
    pub config: &'a SiteConfig,
    pub today: Date,
    /// In slug order, like the site's accounts.
    pub accounts: Vec<AccountView<'a>>,
    pub summary: Summary,
    pub pareto: pareto::Pareto,
    pub tiers: groups::TierTable,
    pub quadrants: Vec<groups::QuadrantGroup>,
    /// Accounts without a quadrant (an axis with no scored factor).
    pub unscored: Vec<usize>,
    pub winloss: winloss::WinLoss<'a>,
    /// Every joint business plan, by account, oldest period first.
    pub plans: Vec<plans::PlanView<'a>>,
}

impl Drop for Portfolio<'_> {
    /// Every account view holds many small allocations: free them on every
    /// core (this is on the path of each of serve's rebuilds).
    fn drop(&mut self) {
        use rayon::prelude::*;
        std::mem::take(&mut self.accounts).into_par_iter().for_each(drop);
    }
}

#[derive(Debug, Serialize, Clone)]
pub struct Named<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// What it means (site.yaml `description`).
    pub description: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct TierRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub key: bool,
    /// What the tier means (site.yaml `description`).
    pub description: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct QuadrantView<'a> {
    pub position: QuadrantPos,
    pub name: &'a str,
    pub strategy: &'a str,
}

#[derive(Debug, Serialize)]
pub struct TeamView<'a> {
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub allocation: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct FinancialView {
    pub year: i32,
    pub revenue: Option<f64>,
    pub margin: Option<f64>,
    pub share_of_wallet: Option<f64>,
}

/// A contact as pages show it: the contact as written and what is worked out
/// from it. Templates see the same fields as ever (`id`, `name`, `title`,
/// `role_label`, `stance_label`, ...); the view keeps a reference to the
/// contact instead of a copy of each field, a fifth of the memory (at
/// 100,000 accounts the copies took about 170 MB).
#[derive(Debug)]
pub struct ContactView<'a> {
    pub doc: &'a Contact,
    pub reports_to_name: Option<&'a str>,
    pub days_since_contact: Option<i64>,
    pub stale: bool,
}

impl<'a> ContactView<'a> {
    pub fn id(&self) -> &'a str {
        &self.doc.id.value
    }
    pub fn name(&self) -> &'a str {
        &self.doc.name
    }
    pub fn title(&self) -> Option<&'a str> {
        self.doc.title.as_deref()
    }
    pub fn role(&self) -> Option<Role> {
        self.doc.role
    }
    pub fn role_label(&self) -> &'static str {
        self.doc.role.map(|r| r.as_str()).unwrap_or("unassigned")
    }
    pub fn stance(&self) -> Option<i64> {
        self.doc.stance.as_ref().map(|s| s.value)
    }
    pub fn stance_label(&self) -> &'static str {
        stance_label(self.stance())
    }
    pub fn reports_to(&self) -> Option<&'a str> {
        self.doc.reports_to.as_ref().map(|r| r.value.as_str())
    }
    /// Ids of the contacts this one influences.
    pub fn influences(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.doc.influences.iter().map(|i| i.value.as_str())
    }
    pub fn last_contact(&self) -> Option<Date> {
        self.doc.last_contact
    }
}

impl Serialize for ContactView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// The influenced ids as a list, without collecting them first.
        struct Ids<'a>(&'a [crate::source::Spanned<String>]);
        impl Serialize for Ids<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(|i| i.value.as_str()))
            }
        }
        let c = self.doc;
        let mut m = s.serialize_struct("ContactView", 17)?;
        m.serialize_field("id", self.id())?;
        m.serialize_field("name", self.name())?;
        m.serialize_field("title", &self.title())?;
        m.serialize_field("role", &self.role())?;
        m.serialize_field("role_label", self.role_label())?;
        m.serialize_field("stance", &self.stance())?;
        m.serialize_field("stance_label", self.stance_label())?;
        m.serialize_field("reports_to", &self.reports_to())?;
        m.serialize_field("reports_to_name", &self.reports_to_name)?;
        m.serialize_field("influences", &Ids(&c.influences))?;
        m.serialize_field("owner", &c.owner.as_deref())?;
        m.serialize_field("last_contact", &c.last_contact)?;
        m.serialize_field("days_since_contact", &self.days_since_contact)?;
        m.serialize_field("stale", &self.stale)?;
        m.serialize_field("email", &c.email.as_deref())?;
        m.serialize_field("phone", &c.phone.as_deref())?;
        m.serialize_field("notes", &c.notes.as_deref())?;
        m.end()
    }
}

#[derive(Debug, Serialize)]
pub struct ContactGroup {
    pub role: Option<Role>,
    pub label: &'static str,
    /// Indexes into the account's `contacts`.
    pub members: Vec<usize>,
}

#[derive(Debug, Serialize)]
pub struct OpportunityView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub value: Option<f64>,
    pub probability: Option<f64>,
    pub weighted: Option<f64>,
    pub stage: Option<&'a str>,
    pub close: Option<Date>,
    pub owner: Option<&'a str>,
    /// Open: probability strictly between 0 and 1 (1 is won, 0 is lost).
    pub open: bool,
}

#[derive(Debug, Serialize)]
pub struct KpiView<'a> {
    pub name: &'a str,
    pub unit: Option<&'a str>,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub target: Option<f64>,
    pub shared: bool,
    /// Share of the way from baseline to target, clamped to 0..1.
    pub progress: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct NoteView<'a> {
    pub id: &'a str,
    pub date: Option<Date>,
    pub title: &'a str,
    pub kind: &'static str,
    pub attendees: &'a [String],
    pub visibility: &'static str,
}

#[derive(Debug, Serialize)]
pub struct AccountView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub status: Status,
    pub industry: Option<&'a str>,
    pub region: Option<&'a str>,
    pub tier: Option<TierRef<'a>>,
    /// Position of the tier in the configured order (0-based).
    pub tier_index: Option<usize>,
    pub stage: Option<Named<'a>>,
    /// Position of the stage in the configured order (0-based).
    pub stage_index: Option<usize>,
    pub is_key: bool,
    pub owner: Option<&'a str>,
    pub sponsor: Option<&'a str>,
    pub team: Vec<TeamView<'a>>,
    pub since: Option<Date>,
    pub review_by: Option<Date>,
    pub review_overdue: bool,
    pub placement: Placement,
    pub quadrant: Option<QuadrantView<'a>>,
    /// Oldest year first.
    pub financials: Vec<FinancialView>,
    /// Revenue of the latest financial year, and that year.
    pub revenue: Option<f64>,
    pub revenue_year: Option<i32>,
    /// Share of the portfolio's latest-year revenue.
    pub revenue_share: Option<f64>,
    pub margin: Option<f64>,
    pub contacts: Vec<ContactView<'a>>,
    pub contact_groups: Vec<ContactGroup>,
    pub opportunities: Vec<OpportunityView<'a>>,
    pub pipeline: f64,
    pub weighted_pipeline: f64,
    pub kpis: Vec<KpiView<'a>>,
    pub swot: &'a Swot,
    /// Newest first.
    pub notes: Vec<NoteView<'a>>,
    pub last_note: Option<Date>,
    pub days_since_note: Option<i64>,
    pub attention: Vec<Attention>,
}

#[derive(Debug, Serialize, Default)]
pub struct Summary {
    pub accounts: usize,
    pub by_status: BTreeMap<&'static str, usize>,
    /// Active accounts in key tiers.
    pub key_accounts: usize,
    pub guidance_min: usize,
    pub guidance_max: usize,
    /// "below", "within" or "above" the guidance.
    pub guidance: &'static str,
    pub revenue_year: i32,
    /// Sum of every account's revenue for `revenue_year` (today's year).
    pub revenue_this_year: f64,
    /// Sum of each account's latest-year revenue.
    pub revenue_latest: f64,
    pub pipeline: f64,
    pub weighted_pipeline: f64,
    pub open_opportunities: usize,
    pub stale_accounts: usize,
    pub stale_contacts: usize,
    pub reviews_due: usize,
    /// won / (won + lost) over all reviews; None when nothing closed.
    pub win_rate: Option<f64>,
    pub reviews_won: usize,
    pub reviews_lost: usize,
    pub reviews_no_decision: usize,
}

/// Whole days from `from` to `to` (positive when `to` is later).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// "Older than N days" means today - date > N (SPEC 3).
pub fn is_older_than(date: Date, today: Date, days: u32) -> bool {
    days_between(date, today) > i64::from(days)
}

pub fn stance_label(stance: Option<i64>) -> &'static str {
    match stance {
        Some(-3) => "Blocker",
        Some(-2) => "Critic",
        Some(-1) => "Sceptic",
        Some(0) => "Neutral",
        Some(1) => "Supporter",
        Some(2) => "Partner",
        Some(3) => "Advocate",
        _ => "Unknown",
    }
}

/// Analyse the site as of `today`.
pub fn analyze(site: &Site, today: Date) -> Portfolio<'_> {
    let cfg = &site.config;
    // Per-account views are independent: build them on every core.
    let mut accounts: Vec<AccountView> = {
        use rayon::prelude::*;
        site.accounts.par_iter().map(|d| account(cfg, d, today)).collect()
    };

    let total_latest: f64 = accounts.iter().filter_map(|a| a.revenue).sum();
    for a in &mut accounts {
        a.revenue_share = a.revenue.filter(|_| total_latest > 0.0).map(|r| r / total_latest);
    }

    // Attention, win/loss and plans read the views and not each other.
    let (attention, (winloss, plans)) = rayon::join(
        || {
            use rayon::prelude::*;
            site.accounts
                .par_iter()
                .zip(&accounts)
                .map(|(doc, view)| attention::of_account(cfg, doc, view, today))
                .collect::<Vec<_>>()
        },
        || rayon::join(|| winloss::analyze(site, &accounts), || plans::analyze(site, today)),
    );
    for (view, items) in accounts.iter_mut().zip(attention) {
        view.attention = items;
    }
    let summary = summarize(&winloss.overall.tally, &accounts, today);
    let pareto = pareto::curve(accounts.iter().filter_map(|a| a.revenue));
    let tiers = groups::tier_table(cfg, &accounts);
    let (quadrants, unscored) = groups::quadrants(cfg, &accounts);
    Portfolio {
        config: cfg,
        today,
        accounts,
        summary,
        pareto,
        tiers,
        quadrants,
        unscored,
        winloss,
        plans,
    }
}

fn account<'a>(cfg: &'a SiteConfig, doc: &'a AccountDoc, today: Date) -> AccountView<'a> {
    let a = &doc.account;
    let tier_index = a
        .tier
        .as_ref()
        .and_then(|t| cfg.tiers.iter().position(|x| x.id == t.value));
    let tier = tier_index.map(|i| &cfg.tiers[i]);
    let stage_index = a
        .stage
        .as_ref()
        .and_then(|s| cfg.stages.iter().position(|x| x.id == s.value));
    let stage = stage_index.map(|i| Named {
        id: &cfg.stages[i].id,
        name: &cfg.stages[i].name,
        description: cfg.stages[i].description.as_deref(),
    });
    let placement = matrix::place(&cfg.matrix, &a.scores);
    let quadrant = placement.quadrant.map(|q| QuadrantView {
        position: q,
        name: q.pick(&cfg.matrix.quadrants).as_str(),
        strategy: q.pick(&cfg.matrix.strategies).as_str(),
    });

    let mut financials: Vec<FinancialView> = a
        .financials
        .iter()
        .map(|f| FinancialView {
            year: f.year.value,
            revenue: f.revenue,
            margin: f.margin.as_ref().map(|m| m.value),
            share_of_wallet: f.share_of_wallet.as_ref().map(|s| s.value),
        })
        .collect();
    financials.sort_by_key(|f| f.year);
    let latest = financials.iter().rev().find(|f| f.revenue.is_some());

    let stale_days = cfg.stale_after_days;
    let mut contact_names: std::collections::HashMap<&str, &str> =
        std::collections::HashMap::with_capacity(a.contacts.len());
    for c in &a.contacts {
        contact_names.entry(c.id.value.as_str()).or_insert(c.name.as_str());
    }
    let contacts: Vec<ContactView> = a
        .contacts
        .iter()
        .map(|c| ContactView {
            doc: c,
            reports_to_name: c
                .reports_to
                .as_ref()
                .and_then(|r| contact_names.get(r.value.as_str()).copied()),
            days_since_contact: c.last_contact.map(|d| days_between(d, today)),
            stale: c.last_contact.is_none_or(|d| is_older_than(d, today, stale_days)),
        })
        .collect();
    let mut contact_groups: Vec<ContactGroup> = Role::ALL
        .iter()
        .map(|r| ContactGroup {
            role: Some(*r),
            label: r.label(),
            members: contacts
                .iter()
                .enumerate()
                .filter(|(_, c)| c.role() == Some(*r))
                .map(|(i, _)| i)
                .collect(),
        })
        .collect();
    contact_groups.push(ContactGroup {
        role: None,
        label: "Role not set",
        members: contacts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.role().is_none())
            .map(|(i, _)| i)
            .collect(),
    });
    contact_groups.retain(|g| !g.members.is_empty());

    let opportunities: Vec<OpportunityView> = a
        .opportunities
        .iter()
        .map(|o| {
            let p = o.probability.as_ref().map(|p| p.value);
            OpportunityView {
                id: &o.id.value,
                title: o.title.as_deref().unwrap_or(&o.id.value),
                value: o.value,
                probability: p,
                weighted: o.value.zip(p).map(|(v, p)| v * p),
                stage: o.stage.as_deref(),
                close: o.close,
                owner: o.owner.as_deref(),
                open: p.is_none_or(|p| p > 0.0 && p < 1.0),
            }
        })
        .collect();
    let pipeline = opportunities.iter().filter(|o| o.open).filter_map(|o| o.value).sum();
    let weighted_pipeline = opportunities.iter().filter(|o| o.open).filter_map(|o| o.weighted).sum();

    let kpis = a
        .kpis
        .iter()
        .map(|k| KpiView {
            name: &k.name,
            unit: k.unit.as_deref(),
            baseline: k.baseline,
            current: k.current,
            target: k.target,
            shared: k.shared,
            progress: kpi_progress(k.baseline, k.current, k.target),
        })
        .collect();

    let notes: Vec<NoteView> = doc
        .notes
        .iter()
        .map(|n| NoteView {
            id: &n.id,
            date: n.date(),
            title: n.meta.title.as_deref().unwrap_or(&n.id),
            kind: note_kind(n.meta.kind),
            attendees: &n.meta.attendees,
            visibility: match n.meta.visibility {
                crate::model::Visibility::Internal => "internal",
                crate::model::Visibility::Shared => "shared",
            },
        })
        .collect();
    let last_note = doc.notes.iter().filter_map(|n| n.date()).max();

    AccountView {
        slug: &doc.slug,
        name: a.name.as_ref().map(|n| n.value.as_str()).unwrap_or(&doc.slug),
        status: a.status,
        industry: a.industry.as_deref(),
        region: a.region.as_deref(),
        tier: tier.map(|t| TierRef {
            id: &t.id,
            name: &t.name,
            key: t.key,
            description: t.description.as_deref(),
        }),
        tier_index,
        stage,
        stage_index,
        is_key: tier.is_some_and(|t| t.key),
        owner: a.owner.as_deref(),
        sponsor: a.sponsor.as_deref(),
        team: a
            .team
            .iter()
            .map(|m| TeamView {
                name: &m.name,
                role: m.role.as_deref(),
                allocation: m.allocation.as_ref().map(|x| x.value),
            })
            .collect(),
        since: a.since,
        review_by: a.review_by.as_ref().map(|r| r.value),
        review_overdue: a.review_by.as_ref().is_some_and(|r| r.value < today),
        placement,
        quadrant,
        revenue: latest.and_then(|f| f.revenue),
        revenue_year: latest.map(|f| f.year),
        margin: latest.and_then(|f| f.margin),
        revenue_share: None,
        financials,
        contacts,
        contact_groups,
        opportunities,
        pipeline,
        weighted_pipeline,
        kpis,
        swot: &a.swot,
        notes,
        last_note,
        days_since_note: last_note.map(|d| days_between(d, today)),
        attention: Vec::new(),
    }
}

pub fn note_kind(kind: Option<crate::model::NoteKind>) -> &'static str {
    use crate::model::NoteKind::*;
    match kind {
        Some(Meeting) => "meeting",
        Some(Call) => "call",
        Some(Insight) => "insight",
        Some(Email) => "email",
        Some(Event) => "event",
        None => "note",
    }
}

/// How far `current` has moved from `baseline` towards `target`, 0..1.
pub fn kpi_progress(baseline: Option<f64>, current: Option<f64>, target: Option<f64>) -> Option<f64> {
    plans::kpi_progress(baseline, current, target).progress
}

fn summarize(reviews: &winloss::Tally, accounts: &[AccountView], today: Date) -> Summary {
    let mut s = Summary {
        accounts: accounts.len(),
        guidance_min: KEY_ACCOUNT_GUIDANCE.0,
        guidance_max: KEY_ACCOUNT_GUIDANCE.1,
        revenue_year: i32::from(today.year()),
        ..Summary::default()
    };
    for st in [Status::Prospect, Status::Active, Status::Former] {
        s.by_status
            .insert(st.as_str(), accounts.iter().filter(|a| a.status == st).count());
    }
    s.key_accounts = accounts
        .iter()
        .filter(|a| a.is_key && a.status == Status::Active)
        .count();
    s.guidance = if s.key_accounts < s.guidance_min {
        "below"
    } else if s.key_accounts > s.guidance_max {
        "above"
    } else {
        "within"
    };
    for a in accounts {
        s.revenue_this_year += a
            .financials
            .iter()
            .filter(|f| f.year == s.revenue_year)
            .filter_map(|f| f.revenue)
            .sum::<f64>();
        s.revenue_latest += a.revenue.unwrap_or(0.0);
        s.pipeline += a.pipeline;
        s.weighted_pipeline += a.weighted_pipeline;
        s.open_opportunities += a.opportunities.iter().filter(|o| o.open).count();
    }
    let attention = accounts.iter().flat_map(|a| &a.attention);
    s.stale_accounts = attention
        .clone()
        .filter(|a| a.kind == AttentionKind::AccountStale)
        .count();
    s.stale_contacts = attention
        .clone()
        .filter(|a| a.kind == AttentionKind::ContactStale)
        .count();
    s.reviews_due = attention.filter(|a| a.kind == AttentionKind::ReviewOverdue).count();
    s.reviews_won = reviews.won;
    s.reviews_lost = reviews.lost;
    s.reviews_no_decision = reviews.no_decision;
    s.win_rate = reviews.win_rate;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn older_than_is_strict() {
        let today = d("2026-11-23");
        assert!(!is_older_than(d("2026-08-25"), today, 90)); // exactly 90 days
        assert!(is_older_than(d("2026-08-24"), today, 90)); // 91 days
        assert_eq!(days_between(d("2026-08-25"), today), 90);
    }

    #[test]
    fn kpi_progress_is_clamped() {
        assert_eq!(kpi_progress(Some(88.0), Some(93.0), Some(98.0)), Some(0.5));
        assert_eq!(kpi_progress(Some(10.0), Some(4.0), Some(5.0)), Some(1.0)); // lower is better
        assert_eq!(kpi_progress(Some(10.0), Some(12.0), Some(5.0)), Some(0.0));
        assert_eq!(kpi_progress(None, Some(1.0), Some(2.0)), None);
    }

    #[test]
    fn stance_labels_cover_the_scale() {
        let labels: Vec<_> = (-3..=3).map(|s| stance_label(Some(s))).collect();
        assert_eq!(
            labels,
            [
                "Blocker",
                "Critic",
                "Sceptic",
                "Neutral",
                "Supporter",
                "Partner",
                "Advocate"
            ]
        );
        assert_eq!(stance_label(None), "Unknown");
    }
}
