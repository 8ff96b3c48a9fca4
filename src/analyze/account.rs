//! The account view: one account as every page shows it, worked out from
//! its `AccountDoc` (placement, latest revenue, contact staleness, pipeline,
//! KPI progress) and borrowing the rest of its text from the loaded site.

use crate::history::AccountHistory;
use jiff::civil::Date;
use serde::Serialize;

use super::{Attention, Placement};
use super::{QuadrantPos, days_between, is_older_than, matrix, stance_label};
use crate::config::SiteConfig;
use crate::model::{AccountDoc, Contact, NoteDoc, ReviewDoc, Role, Status, Swot};
use crate::source::Part;

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
    /// The offering the deal sells (internal; `crate::analyze::whitespace`).
    #[serde(skip)]
    pub offering: Option<&'a str>,
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

/// A note as pages show it. Its body stays in the loaded note, whose text a
/// build releases once the account's page is made ([`NoteView::release`]):
/// the view hands it out ([`NoteView::body`]) instead of holding a copy.
#[derive(Debug, Serialize)]
pub struct NoteView<'a> {
    pub id: &'a str,
    pub date: Option<Date>,
    pub title: &'a str,
    pub kind: &'static str,
    pub attendees: &'a [String],
    pub visibility: &'static str,
    #[serde(skip)]
    doc: &'a NoteDoc,
}

impl NoteView<'_> {
    /// The note's Markdown after its front matter; empty once released.
    pub fn body(&self) -> Part {
        self.doc.body()
    }

    /// The note's file with its text (to say where its links were
    /// written); `None` once released.
    pub fn file(&self) -> Option<crate::source::SourceFile> {
        self.doc.file.get()
    }

    /// Let the note's text go: nothing after its account's page reads it in
    /// a build whose site is dropped afterwards (see `render::cache`).
    pub fn release(&self) {
        self.doc.file.release();
    }
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
    /// The whitespace cells and the parent's slug (SPEC 10, internal; see
    /// `crate::analyze::whitespace`).
    #[serde(skip)]
    pub whitespace: &'a [crate::model::WhitespaceCell],
    #[serde(skip)]
    pub parent: Option<&'a str>,
    /// Newest first.
    pub notes: Vec<NoteView<'a>>,
    /// The account's win/loss reviews as loaded, newest first, drafts
    /// included (the search index lists the others).
    #[serde(skip)]
    pub review_docs: &'a [ReviewDoc],
    pub last_note: Option<Date>,
    pub days_since_note: Option<i64>,
    /// What git says about the account (internal portal only; `None`
    /// outside git, see `crate::history`).
    #[serde(skip)]
    pub history: Option<&'a AccountHistory>,
    /// The date of the newest commit that touched the account folder: with
    /// the newest note, what staleness reads.
    #[serde(skip)]
    pub last_changed: Option<Date>,
    pub attention: Vec<Attention>,
    /// One track per framework of site.yaml `assessments` (SPEC 9).
    pub assessments: Vec<super::assessments::Track<'a>>,
    /// Health 0-100 with its breakdown, when site.yaml has `health:`.
    pub health: Option<super::health::Health>,
}

/// One account's view as of `today`; the revenue share and the attention
/// items are filled in by [`super::analyze`], which sees every account.
pub(super) fn account<'a>(
    cfg: &'a SiteConfig,
    doc: &'a AccountDoc,
    history: Option<&'a AccountHistory>,
    today: Date,
) -> AccountView<'a> {
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
    let financials = financials(doc);
    let latest = financials.iter().rev().find(|f| f.revenue.is_some());
    let (revenue, revenue_year, margin) = (
        latest.and_then(|f| f.revenue),
        latest.map(|f| f.year),
        latest.and_then(|f| f.margin),
    );
    let contacts = contacts(doc, today, cfg.stale_after_days);
    let contact_groups = contact_groups(&contacts);
    let opportunities = opportunities(doc);
    let pipeline = opportunities.iter().filter(|o| o.open).filter_map(|o| o.value).sum();
    let weighted_pipeline = opportunities.iter().filter(|o| o.open).filter_map(|o| o.weighted).sum();
    let last_note = doc.notes.iter().filter_map(|n| n.date()).max();

    let mut view = AccountView {
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
        revenue,
        revenue_year,
        margin,
        revenue_share: None,
        financials,
        contacts,
        contact_groups,
        opportunities,
        pipeline,
        weighted_pipeline,
        kpis: kpis(doc),
        swot: &a.swot,
        whitespace: &a.whitespace,
        parent: a.parent.as_ref().map(|p| p.value.as_str()),
        notes: notes(doc),
        review_docs: &doc.reviews,
        last_note,
        days_since_note: last_note.map(|d| days_between(d, today)),
        history,
        last_changed: history.and_then(AccountHistory::last_changed),
        attention: Vec::new(),
        assessments: super::assessments::tracks(cfg, doc, today),
        health: None,
    };
    view.health = super::health::of(cfg, doc, &view, &view.assessments);
    view
}

/// Oldest year first.
fn financials(doc: &AccountDoc) -> Vec<FinancialView> {
    let mut financials: Vec<FinancialView> = doc
        .account
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
    financials
}

/// The contacts as written, each with the name of whom it reports to and
/// whether it went stale (no contact for more than `stale_days`).
fn contacts(doc: &AccountDoc, today: Date, stale_days: u32) -> Vec<ContactView<'_>> {
    let a = &doc.account;
    let mut contact_names: std::collections::HashMap<&str, &str> =
        std::collections::HashMap::with_capacity(a.contacts.len());
    for c in &a.contacts {
        contact_names.entry(c.id.value.as_str()).or_insert(c.name.as_str());
    }
    a.contacts
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
        .collect()
}

/// The contacts by role, in role order, then those without a role; empty
/// groups left out.
fn contact_groups(contacts: &[ContactView]) -> Vec<ContactGroup> {
    let members = |role: Option<Role>| -> Vec<usize> {
        contacts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.role() == role)
            .map(|(i, _)| i)
            .collect()
    };
    let mut groups: Vec<ContactGroup> = Role::ALL
        .iter()
        .map(|r| ContactGroup {
            role: Some(*r),
            label: r.label(),
            members: members(Some(*r)),
        })
        .collect();
    groups.push(ContactGroup {
        role: None,
        label: "Role not set",
        members: members(None),
    });
    groups.retain(|g| !g.members.is_empty());
    groups
}

fn opportunities(doc: &AccountDoc) -> Vec<OpportunityView<'_>> {
    doc.account
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
                offering: o.offering.as_ref().map(|x| x.value.as_str()),
                open: p.is_none_or(|p| p > 0.0 && p < 1.0),
            }
        })
        .collect()
}

fn kpis(doc: &AccountDoc) -> Vec<KpiView<'_>> {
    doc.account
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
        .collect()
}

/// Newest first, as loaded.
fn notes(doc: &AccountDoc) -> Vec<NoteView<'_>> {
    doc.notes
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
            doc: n,
        })
        .collect()
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
    super::plans::kpi_progress(baseline, current, target).progress
}
