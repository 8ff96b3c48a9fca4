//! Analyze: every business number kamsite shows, computed once, in Rust.
//!
//! Takes the validated [`Site`] and returns a [`Portfolio`]: per-account views
//! (matrix placement, revenue share, staleness, stance labels) and the
//! portfolio aggregates (Pareto curve, tier x stage table, attention items,
//! what the dashboard lists). Templates receive these values and only lay
//! them out.
//!
//! Owns: every business rule a page or data file shows (scores, quadrants,
//! win rates, staleness, Pareto shares, attention items and the dashboard's
//! groups, plan changes). The [`Portfolio`] is render's only input for the
//! internal portal: its views borrow their text from the site (a note's
//! body through [`NoteView::body`]), so render never reads the [`Site`].
//! May import `model`, `config` and `source`; nothing of `load`,
//! `validate`, `redact`, `render` or the pipeline.

mod account;
pub mod assessments;
pub mod attention;
pub mod dashboard;
pub mod groups;
pub mod groups_rollup;
pub mod health;
pub mod history;
pub mod matrix;
pub mod owners;
pub mod pareto;
pub mod pipeline;
pub mod plans;
pub mod whitespace;
pub mod whitespace_grid;
pub mod winloss;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::model::{Site, Status};
pub use account::{
    AccountView, ContactGroup, ContactView, FinancialView, KpiView, Named, NoteView, OpportunityView, QuadrantView,
    TeamView, TierRef, kpi_progress, note_kind,
};
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
    /// What the dashboard lists: attention groups, the largest accounts.
    pub dashboard: dashboard::Dashboard<'a>,
    /// `/assessments/`: latest scores per account and framework, distributions.
    pub assessments: assessments::AssessmentPortfolio<'a>,
    /// Whether the site's git history was read (the pages show it only then).
    pub has_history: bool,
    /// Accounts changed in the last [`history::RECENT_DAYS`] days, newest first.
    pub recent: Vec<history::RecentChange<'a>>,
    /// Each account owner's page slug, by the name as written (trimmed;
    /// see `owners::owner_slugs`).
    pub owner_slugs: BTreeMap<&'a str, String>,
}

impl Drop for Portfolio<'_> {
    /// Every account view holds many small allocations: free them on every
    /// core (this is on the path of each of serve's rebuilds).
    fn drop(&mut self) {
        use rayon::prelude::*;
        std::mem::take(&mut self.accounts).into_par_iter().for_each(drop);
    }
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
    /// `assessment_due` attention items.
    pub assessments_due: usize,
    /// won / (won + lost) over all reviews; None when nothing closed.
    pub win_rate: Option<f64>,
    pub reviews_won: usize,
    pub reviews_lost: usize,
    /// Won plus lost: the closed deals `win_rate` is of.
    pub reviews_closed: usize,
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

/// Analyse the site as of `today`, without history.
pub fn analyze(site: &Site, today: Date) -> Portfolio<'_> {
    analyze_with(site, &crate::history::NONE, today)
}

/// Analyse the site as of `today`, with what git says about its accounts
/// (`history`, empty outside git).
pub fn analyze_with<'a>(site: &'a Site, history: &'a crate::history::History, today: Date) -> Portfolio<'a> {
    let cfg = &site.config;
    // Per-account views are independent: build them on every core.
    let mut accounts: Vec<AccountView> = {
        use rayon::prelude::*;
        site.accounts
            .par_iter()
            .map(|d| account::account(cfg, d, history.account(&d.slug), today))
            .collect()
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
    let dashboard = dashboard::of(&accounts);
    let assessments = assessments::portfolio(cfg, &accounts);
    let recent = history::recent(&accounts, today);
    let owner_slugs = owners::owner_slugs(&accounts);
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
        dashboard,
        assessments,
        has_history: !history.is_empty(),
        recent,
        owner_slugs,
    }
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
    s.assessments_due = attention
        .clone()
        .filter(|a| a.kind == AttentionKind::AssessmentDue)
        .count();
    s.reviews_due = attention.filter(|a| a.kind == AttentionKind::ReviewOverdue).count();
    s.reviews_won = reviews.won;
    s.reviews_lost = reviews.lost;
    s.reviews_closed = reviews.won + reviews.lost;
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
