//! Redact: cut the data down to what an audience may see, before rendering.
//!
//! The customer audience gets a [`CustomerSite`]: a distinct type built by
//! copying only customer-safe values out of one account. It has no field for
//! stances, scores, tiers, stages, probabilities, opportunities, SWOT,
//! internal notes, internal plan items or other accounts, so no template can
//! print them: they are not in its context.

use jiff::civil::Date;
use serde::Serialize;

use crate::analyze::{Portfolio, kpi_progress, note_kind};
use crate::model::{AccountDoc, InitiativeStatus, PlanItem, PlanStatus, Site, Visibility};

/// Everything a customer build may show, and nothing else.
#[derive(Debug, Serialize)]
pub struct CustomerSite {
    /// The customer's name; it leads every page.
    pub customer: String,
    /// Our name (the site title), shown lightly.
    pub supplier: String,
    pub today: Date,
    pub plans: Vec<CustomerPlan>,
    /// KPIs of account.yaml marked `shared: true`.
    pub kpis: Vec<SharedKpi>,
    /// Notes marked `visibility: shared`, newest first.
    pub notes: Vec<SharedNote>,
}

#[derive(Debug, Serialize)]
pub struct SharedKpi {
    pub name: String,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub target: Option<f64>,
    pub progress: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct SharedNote {
    pub id: String,
    pub date: Option<Date>,
    pub title: String,
    pub kind: &'static str,
    pub attendees: Vec<String>,
    /// Markdown source; rendered and sanitised by the render stage.
    pub body: String,
}

/// A person of the customer's named in a plan: name and title only.
#[derive(Debug, Serialize, Clone)]
pub struct Person {
    pub name: String,
    pub title: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CustomerInitiative {
    pub title: String,
    pub owner_ours: Option<String>,
    pub owner_theirs: Option<Person>,
    pub due: Option<Date>,
    pub status: InitiativeStatus,
    /// Past due and not done.
    pub overdue: bool,
}

#[derive(Debug, Serialize)]
pub struct CustomerKpi {
    pub name: String,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub target: Option<f64>,
    pub progress: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct CustomerGovernance {
    pub cadence: Option<String>,
    pub meetings: Vec<String>,
    pub peer_pairs: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
pub struct CustomerPlan {
    /// URL segment (the file stem).
    pub id: String,
    pub period: String,
    pub title: String,
    pub status: PlanStatus,
    pub objectives: Vec<String>,
    pub customer_priorities: Vec<String>,
    pub initiatives: Vec<CustomerInitiative>,
    pub kpis: Vec<CustomerKpi>,
    pub milestones: Vec<String>,
    pub governance: CustomerGovernance,
    /// The plan's Markdown narrative, if any.
    pub narrative: Option<String>,
}

fn shared(items: &[PlanItem]) -> Vec<String> {
    items.iter().filter(|i| !i.internal).map(|i| i.text.clone()).collect()
}

/// The customer view of account `slug`. Draft plans are left out unless `drafts`.
pub fn customer(site: &Site, portfolio: &Portfolio, slug: &str, drafts: bool) -> CustomerSite {
    let today = portfolio.today;
    let Some(doc) = site.accounts.iter().find(|a| a.slug == slug) else {
        return CustomerSite {
            customer: slug.to_string(),
            supplier: site.config.title.clone(),
            today,
            plans: Vec::new(),
            kpis: Vec::new(),
            notes: Vec::new(),
        };
    };
    let a = &doc.account;
    CustomerSite {
        customer: a
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_else(|| slug.to_string()),
        supplier: site.config.title.clone(),
        today,
        plans: doc
            .plans
            .iter()
            .filter(|p| drafts || p.plan.status == PlanStatus::Agreed)
            .map(|p| {
                let plan = &p.plan;
                CustomerPlan {
                    id: p.id.clone(),
                    period: p.period().to_string(),
                    title: plan
                        .title
                        .clone()
                        .unwrap_or_else(|| format!("Joint business plan {}", p.period())),
                    status: plan.status,
                    objectives: shared(&plan.objectives),
                    customer_priorities: shared(&plan.customer_priorities),
                    initiatives: plan
                        .initiatives
                        .iter()
                        .filter(|i| !i.internal)
                        .map(|i| CustomerInitiative {
                            title: i.title.clone(),
                            owner_ours: i.owner_ours.clone(),
                            owner_theirs: i.owner_theirs.as_deref().map(|o| person(doc, o)),
                            due: i.due,
                            status: i.status,
                            overdue: i.due.is_some_and(|d| d < today) && i.status != InitiativeStatus::Done,
                        })
                        .collect(),
                    kpis: plan
                        .kpis
                        .iter()
                        .filter(|k| !k.internal)
                        .map(|k| CustomerKpi {
                            name: k.name.clone(),
                            unit: k.unit.clone(),
                            baseline: k.baseline,
                            current: k.current,
                            target: k.target,
                            progress: kpi_progress(k.baseline, k.current, k.target),
                        })
                        .collect(),
                    milestones: shared(&plan.milestones),
                    governance: CustomerGovernance {
                        cadence: plan.governance.cadence.clone(),
                        meetings: shared(&plan.governance.meetings),
                        peer_pairs: plan
                            .governance
                            .peer_pairs
                            .iter()
                            .map(|p| (p.ours.clone(), p.theirs.clone()))
                            .collect(),
                    },
                    narrative: p.narrative.as_ref().map(|(_, body)| body.clone()),
                }
            })
            .collect(),
        kpis: a
            .kpis
            .iter()
            .filter(|k| k.shared)
            .map(|k| SharedKpi {
                name: k.name.clone(),
                unit: k.unit.clone(),
                baseline: k.baseline,
                current: k.current,
                target: k.target,
                progress: kpi_progress(k.baseline, k.current, k.target),
            })
            .collect(),
        notes: doc
            .notes
            .iter()
            .filter(|n| n.meta.visibility == Visibility::Shared)
            .map(|n| SharedNote {
                id: n.id.clone(),
                date: n.date(),
                title: n.meta.title.clone().unwrap_or_else(|| n.id.clone()),
                kind: note_kind(n.meta.kind),
                attendees: n.meta.attendees.clone(),
                body: n.body.clone(),
            })
            .collect(),
    }
}

/// A plan owner on the customer's side: the matching contact's name and
/// title (by id or name), else the name as written. Nothing else of the contact.
fn person(doc: &AccountDoc, owner: &str) -> Person {
    match doc
        .account
        .contacts
        .iter()
        .find(|c| c.id.value == owner || c.name == owner)
    {
        Some(c) => Person {
            name: c.name.clone(),
            title: c.title.clone(),
        },
        None => Person {
            name: owner.to_string(),
            title: None,
        },
    }
}
