//! Joint business plans: initiative flags, KPI progress, milestones, and
//! what changed since the account's previous plan.
//!
//! The same functions serve both audiences. The internal view is built here
//! from the model ([`analyze`]); the customer view is built by `redact` from
//! already redacted values, through [`Outline`] and [`compare`], so a
//! comparison can only ever mention what both plans share with the customer.
//!
//! Owns the plan numbers (flags, progress, milestones, the comparison in
//! `compare`). Imports `model` and `source` and the rest of `analyze`
//! (`days_between`); nothing of `load`, `render` or the pipeline.

use jiff::civil::Date;
use serde::Serialize;

mod compare;

use crate::model::names::find_contact;
pub use compare::{Carried, Change, KpiMove, Outline, OutlineKpi, PlanChanges, compare};

use super::days_between;
use crate::model::{Account, AccountDoc, InitiativeStatus, PlanDoc, PlanItem, PlanStatus, Site};
use crate::source::SourceFile;

/// An initiative not done and due within this many days is "due soon".
pub const DUE_SOON_DAYS: i64 = 30;

/// How an initiative stands relative to `today`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    /// Due before today and not done.
    pub overdue: bool,
    /// Marked `status: at-risk`.
    pub at_risk: bool,
    /// Not done, not overdue, due within [`DUE_SOON_DAYS`].
    pub due_soon: bool,
    /// Days from today to the due date (negative when past).
    pub days_to_due: Option<i64>,
}

pub fn initiative_flags(due: Option<Date>, status: InitiativeStatus, today: Date) -> Flags {
    let open = status != InitiativeStatus::Done;
    let days = due.map(|d| days_between(today, d));
    Flags {
        overdue: open && days.is_some_and(|d| d < 0),
        at_risk: status == InitiativeStatus::AtRisk,
        due_soon: open && days.is_some_and(|d| (0..=DUE_SOON_DAYS).contains(&d)),
        days_to_due: days,
    }
}

/// A KPI's way from baseline through current to target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct KpiProgress {
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub target: Option<f64>,
    /// Share of the way from baseline to target, clamped to 0..1.
    pub progress: Option<f64>,
    /// The same share unclamped: below 0 went backwards, above 1 beat the target.
    pub position: Option<f64>,
    /// The target is below the baseline (e.g. downtime, repair time).
    pub lower_is_better: bool,
    /// Current has reached or passed the target.
    pub met: bool,
}

pub fn kpi_progress(baseline: Option<f64>, current: Option<f64>, target: Option<f64>) -> KpiProgress {
    let lower_is_better = matches!((baseline, target), (Some(b), Some(t)) if t < b);
    let position = match (baseline, current, target) {
        (Some(b), Some(c), Some(t)) if (t - b).abs() >= f64::EPSILON => Some((c - b) / (t - b)),
        (Some(_), Some(c), Some(t)) => Some(if (c - t).abs() < f64::EPSILON { 1.0 } else { 0.0 }),
        _ => None,
    };
    let met = match (current, target) {
        (Some(c), Some(t)) if lower_is_better => c <= t,
        (Some(c), Some(t)) => c >= t,
        _ => false,
    };
    KpiProgress {
        baseline,
        current,
        target,
        progress: position.map(|p| p.clamp(0.0, 1.0)),
        position,
        lower_is_better,
        met,
    }
}

/// A milestone split into its horizon ("3 months") and its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Milestone {
    /// "3 months", when the text starts with one.
    pub horizon: Option<String>,
    pub months: Option<u32>,
    pub text: String,
}

/// Split "3 months: pilot live" into horizon and text. Plans write
/// milestones as "what to expect at 3, 6 and 12 months" (DOMAIN 5).
pub fn milestone(s: &str) -> Milestone {
    let plain = || Milestone {
        horizon: None,
        months: None,
        text: s.trim().to_string(),
    };
    let t = s.trim_start();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let Ok(months) = digits.parse::<u32>() else {
        return plain();
    };
    let rest = t[digits.len()..].trim_start_matches([' ', '-']);
    let lower = rest.to_ascii_lowercase();
    let Some(word) = ["months", "month", "mo"].iter().find(|w| lower.starts_with(*w)) else {
        return plain();
    };
    let rest = rest[word.len()..].trim_start();
    let Some(text) = rest.strip_prefix([':', '–', '—', '-']) else {
        return plain();
    };
    Milestone {
        horizon: Some(format!("{months} {}", if months == 1 { "month" } else { "months" })),
        months: Some(months),
        text: text.trim().to_string(),
    }
}

// ------------------------------------------------------------- internal view

#[derive(Debug, Serialize)]
pub struct ItemView<'a> {
    pub text: &'a str,
    pub internal: bool,
}

#[derive(Debug, Serialize)]
pub struct OwnerView<'a> {
    pub name: &'a str,
    pub title: Option<&'a str>,
    /// The contact's id, when the owner is a contact of the account.
    pub contact: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct InitiativeView<'a> {
    pub title: &'a str,
    pub owner_ours: Option<&'a str>,
    pub owner_theirs: Option<OwnerView<'a>>,
    pub due: Option<Date>,
    pub status: InitiativeStatus,
    pub internal: bool,
    pub flags: Flags,
}

#[derive(Debug, Serialize)]
pub struct KpiView<'a> {
    pub name: &'a str,
    pub unit: Option<&'a str>,
    pub internal: bool,
    #[serde(flatten)]
    pub progress: KpiProgress,
}

#[derive(Debug, Serialize)]
pub struct MilestoneView {
    #[serde(flatten)]
    pub milestone: Milestone,
    pub internal: bool,
}

#[derive(Debug, Serialize)]
pub struct PeerPairView<'a> {
    pub ours: &'a str,
    pub theirs: OwnerView<'a>,
    pub internal: bool,
}

#[derive(Debug, Serialize)]
pub struct GovernanceView<'a> {
    pub cadence: Option<&'a str>,
    pub meetings: Vec<ItemView<'a>>,
    pub peer_pairs: Vec<PeerPairView<'a>>,
}

/// Counts for lists and headers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PlanSummary {
    pub initiatives: usize,
    pub done: usize,
    pub active: usize,
    pub planned: usize,
    pub at_risk: usize,
    pub overdue: usize,
    pub due_soon: usize,
    /// Mean progress of the KPIs that have baseline, current and target.
    pub kpi_progress: Option<f64>,
    pub kpis_met: usize,
    /// Items marked `internal: true` (left out of the customer build).
    pub internal_items: usize,
}

pub fn summarize(flags: &[(InitiativeStatus, Flags)], kpis: &[KpiProgress], internal_items: usize) -> PlanSummary {
    let count = |s: InitiativeStatus| flags.iter().filter(|(x, _)| *x == s).count();
    let progress: Vec<f64> = kpis.iter().filter_map(|k| k.progress).collect();
    PlanSummary {
        initiatives: flags.len(),
        done: count(InitiativeStatus::Done),
        active: count(InitiativeStatus::Active),
        planned: count(InitiativeStatus::Planned),
        at_risk: count(InitiativeStatus::AtRisk),
        overdue: flags.iter().filter(|(_, f)| f.overdue).count(),
        due_soon: flags.iter().filter(|(_, f)| f.due_soon).count(),
        kpi_progress: (!progress.is_empty()).then(|| progress.iter().sum::<f64>() / progress.len() as f64),
        kpis_met: kpis.iter().filter(|k| k.met).count(),
        internal_items,
    }
}

/// One plan as the internal portal shows it: everything, internal items marked.
#[derive(Debug, Serialize)]
pub struct PlanView<'a> {
    pub slug: &'a str,
    pub account: &'a str,
    /// URL segment (the file stem).
    pub id: &'a str,
    pub period: &'a str,
    pub title: String,
    pub status: PlanStatus,
    pub objectives: Vec<ItemView<'a>>,
    pub customer_priorities: Vec<ItemView<'a>>,
    pub initiatives: Vec<InitiativeView<'a>>,
    pub kpis: Vec<KpiView<'a>>,
    pub milestones: Vec<MilestoneView>,
    pub governance: GovernanceView<'a>,
    /// Against the account's previous plan, if there is one.
    pub changes: Option<PlanChanges>,
    pub summary: PlanSummary,
    /// The account's newest plan.
    pub latest: bool,
    /// The narrative's file (all of its text is Markdown); the render
    /// stage turns it into HTML.
    #[serde(skip)]
    pub narrative: Option<&'a SourceFile>,
}

/// The default title of a plan without one.
pub fn default_title(period: &str) -> String {
    format!("Joint business plan {period}")
}

fn items(list: &[PlanItem]) -> Vec<ItemView<'_>> {
    list.iter()
        .map(|i| ItemView {
            text: &i.text,
            internal: i.internal,
        })
        .collect()
}

fn owner<'a>(account: &'a Account, name: &'a str) -> OwnerView<'a> {
    match find_contact(account, name) {
        Some(c) => OwnerView {
            name: &c.name,
            title: c.title.as_deref(),
            contact: Some(&c.id.value),
        },
        None => OwnerView {
            name,
            title: None,
            contact: None,
        },
    }
}

fn pick(list: &[PlanItem]) -> Vec<(&str, bool)> {
    list.iter().map(|i| (i.text.as_str(), i.internal)).collect()
}

/// The comparison outline of a plan as written (internal items included).
pub fn outline(doc: &PlanDoc) -> Outline<'_> {
    let p = &doc.plan;
    Outline {
        id: &doc.id,
        period: doc.period(),
        objectives: pick(&p.objectives),
        priorities: pick(&p.customer_priorities),
        kpis: p
            .kpis
            .iter()
            .map(|k| OutlineKpi {
                name: &k.name,
                unit: k.unit.as_deref(),
                target: k.target,
                internal: k.internal,
            })
            .collect(),
        initiatives: p
            .initiatives
            .iter()
            .map(|i| (i.title.as_str(), i.status, i.internal))
            .collect(),
    }
}

fn plan_view<'a>(doc: &'a AccountDoc, i: usize, today: Date) -> PlanView<'a> {
    let pd = &doc.plans[i];
    let p = &pd.plan;
    let a = &doc.account;
    let initiatives: Vec<InitiativeView> = p
        .initiatives
        .iter()
        .map(|x| InitiativeView {
            title: &x.title,
            owner_ours: x.owner_ours.as_deref(),
            owner_theirs: x.owner_theirs.as_deref().map(|o| owner(a, o)),
            due: x.due,
            status: x.status,
            internal: x.internal,
            flags: initiative_flags(x.due, x.status, today),
        })
        .collect();
    let kpis: Vec<KpiView> = p
        .kpis
        .iter()
        .map(|k| KpiView {
            name: &k.name,
            unit: k.unit.as_deref(),
            internal: k.internal,
            progress: kpi_progress(k.baseline, k.current, k.target),
        })
        .collect();
    let internal_items = [
        &p.objectives,
        &p.customer_priorities,
        &p.milestones,
        &p.governance.meetings,
    ]
    .iter()
    .map(|l| l.iter().filter(|x| x.internal).count())
    .sum::<usize>()
        + p.initiatives.iter().filter(|x| x.internal).count()
        + p.kpis.iter().filter(|x| x.internal).count();
    let flags: Vec<(InitiativeStatus, Flags)> = initiatives.iter().map(|x| (x.status, x.flags)).collect();
    let progress: Vec<KpiProgress> = kpis.iter().map(|k| k.progress).collect();
    PlanView {
        slug: &doc.slug,
        account: a.name.as_ref().map(|n| n.value.as_str()).unwrap_or(&doc.slug),
        id: &pd.id,
        period: pd.period(),
        title: p.title.clone().unwrap_or_else(|| default_title(pd.period())),
        status: p.status,
        objectives: items(&p.objectives),
        customer_priorities: items(&p.customer_priorities),
        initiatives,
        kpis,
        milestones: p
            .milestones
            .iter()
            .map(|m| MilestoneView {
                milestone: milestone(&m.text),
                internal: m.internal,
            })
            .collect(),
        governance: GovernanceView {
            cadence: p.governance.cadence.as_deref(),
            meetings: items(&p.governance.meetings),
            peer_pairs: p
                .governance
                .peer_pairs
                .iter()
                .map(|pp| PeerPairView {
                    ours: &pp.ours,
                    theirs: owner(a, &pp.theirs),
                    internal: pp.internal,
                })
                .collect(),
        },
        changes: i
            .checked_sub(1)
            .map(|prev| compare(&outline(&doc.plans[prev]), &outline(pd))),
        summary: summarize(&flags, &progress, internal_items),
        latest: i + 1 == doc.plans.len(),
        narrative: pd.narrative.as_ref(),
    }
}

/// Every plan of the site, by account slug, oldest period first.
pub fn analyze(site: &Site, today: Date) -> Vec<PlanView<'_>> {
    site.accounts
        .iter()
        .flat_map(|doc| (0..doc.plans.len()).map(move |i| plan_view(doc, i, today)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn overdue_and_due_soon_are_relative_to_today() {
        let today = d("2026-11-23");
        let f = initiative_flags(Some(d("2026-11-22")), InitiativeStatus::Active, today);
        assert!(f.overdue && !f.due_soon);
        assert_eq!(f.days_to_due, Some(-1));
        // Due today is not overdue yet.
        let f = initiative_flags(Some(today), InitiativeStatus::Planned, today);
        assert!(!f.overdue && f.due_soon);
        let f = initiative_flags(Some(d("2026-12-23")), InitiativeStatus::Active, today);
        assert!(f.due_soon, "30 days is soon");
        let f = initiative_flags(Some(d("2026-12-24")), InitiativeStatus::Active, today);
        assert!(!f.due_soon, "31 days is not");
        // Done is never overdue; at-risk is flagged whatever the date.
        assert!(!initiative_flags(Some(d("2020-01-01")), InitiativeStatus::Done, today).overdue);
        let f = initiative_flags(None, InitiativeStatus::AtRisk, today);
        assert!(f.at_risk && !f.overdue && !f.due_soon);
    }

    #[test]
    fn kpi_progress_handles_both_directions() {
        let up = kpi_progress(Some(71.0), Some(76.0), Some(81.0));
        assert_eq!(up.progress, Some(0.5));
        assert!(!up.lower_is_better && !up.met);
        let down = kpi_progress(Some(62.0), Some(39.0), Some(43.0));
        assert!(down.lower_is_better && down.met);
        assert_eq!(down.progress, Some(1.0));
        assert!(down.position.unwrap() > 1.0, "beat the target");
        let back = kpi_progress(Some(10.0), Some(8.0), Some(20.0));
        assert_eq!(back.progress, Some(0.0));
        assert_eq!(back.position, Some(-0.2));
        let flat = kpi_progress(Some(5.0), Some(5.0), Some(5.0));
        assert_eq!(flat.progress, Some(1.0));
        assert!(flat.met);
        let none = kpi_progress(Some(5.0), None, Some(8.0));
        assert_eq!(none.progress, None);
        assert!(!none.met);
    }

    #[test]
    fn milestones_split_their_horizon() {
        let m = milestone("3 months: pilot live on line 1");
        assert_eq!(m.horizon.as_deref(), Some("3 months"));
        assert_eq!(m.months, Some(3));
        assert_eq!(m.text, "pilot live on line 1");
        assert_eq!(milestone("12-month – all plants").months, Some(12));
        assert_eq!(milestone("1 month: kick-off").horizon.as_deref(), Some("1 month"));
        let plain = milestone("2026 budget agreed");
        assert_eq!(plain.horizon, None);
        assert_eq!(plain.text, "2026 budget agreed");
        assert_eq!(milestone("6 monkeys: no").horizon, None);
    }

    #[test]
    fn summary_counts_flags_and_progress() {
        let today = d("2026-11-23");
        let flags = [
            (
                InitiativeStatus::Done,
                initiative_flags(Some(d("2026-01-01")), InitiativeStatus::Done, today),
            ),
            (
                InitiativeStatus::AtRisk,
                initiative_flags(Some(d("2026-01-01")), InitiativeStatus::AtRisk, today),
            ),
            (
                InitiativeStatus::Active,
                initiative_flags(Some(d("2026-12-01")), InitiativeStatus::Active, today),
            ),
        ];
        let kpis = [
            kpi_progress(Some(0.0), Some(5.0), Some(10.0)),
            kpi_progress(Some(0.0), Some(10.0), Some(10.0)),
            kpi_progress(None, None, None),
        ];
        let s = summarize(&flags, &kpis, 2);
        assert_eq!((s.initiatives, s.done, s.at_risk, s.active), (3, 1, 1, 1));
        assert_eq!((s.overdue, s.due_soon), (1, 1));
        assert_eq!(s.kpi_progress, Some(0.75));
        assert_eq!(s.kpis_met, 1);
        assert_eq!(s.internal_items, 2);
    }
}
