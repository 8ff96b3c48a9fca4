//! Redact: cut the data down to what an audience may see, before rendering.
//!
//! The customer audience gets a [`CustomerSite`]: a distinct type built by
//! copying only customer-safe values out of one account. It is built from a
//! single [`AccountDoc`], so other accounts cannot reach it, and it has no
//! field for stances, scores, tiers, stages, financials, probabilities,
//! opportunities, SWOT, reviews, internal notes, internal plan items,
//! contact details, whitespace, account groups (`parent`), competitor
//! stances, offerings or the git history (who changed the account, when, what):
//! no template can print them, they are not in its context. A customer build
//! does not read the history at all (`crate::history` is the internal
//! portal's).
//!
//! What it does carry, and why that is safe:
//! - the customer's own name, and our name (site.yaml `company`, else the title);
//! - plans with `status: agreed` (drafts only when asked), without any item
//!   marked `internal: true`; the plan file is customer-facing by design;
//! - a plan's customer-side owners and peers as name and title only, and only
//!   the people a plan names;
//! - KPIs of account.yaml marked `shared: true`, notes marked
//!   `visibility: shared` (their author chose to share them);
//! - assessments on frameworks marked `shared: true`: dates and scores,
//!   never `by` or `comment` (`assessments`);
//! - values derived from those alone: KPI progress, due-date flags, and the
//!   comparison with the previous plan *of this view*.
//!
//! HTML comments in shared notes and narratives are dropped here, and file
//! names are not used for ids or URLs: neither was written for the customer.

pub mod assessments;

use jiff::civil::Date;
use serde::Serialize;

use crate::analyze::note_kind;
use crate::analyze::plans::{
    Flags, KpiProgress, Milestone, Outline, OutlineKpi, PlanChanges, compare, default_title, initiative_flags,
    kpi_progress, milestone,
};
use crate::config::SiteConfig;
use crate::model::names::find_contact;
use crate::model::slug::slugify;
use crate::model::{AccountDoc, InitiativeStatus, PlanDoc, PlanItem, PlanStatus, Visibility};

/// Everything a customer build may show, and nothing else.
#[derive(Debug, Serialize)]
pub struct CustomerSite {
    /// The customer's name; it leads every page.
    pub customer: String,
    /// Our name (site.yaml `company`, else the title), shown lightly.
    pub supplier: String,
    /// site.yaml `language`, for the pages' `lang`.
    pub language: String,
    pub today: Date,
    /// Oldest period first.
    pub plans: Vec<CustomerPlan>,
    /// KPIs of account.yaml marked `shared: true`.
    pub kpis: Vec<SharedKpi>,
    /// Notes marked `visibility: shared`, newest first.
    pub notes: Vec<SharedNote>,
    /// Assessments on frameworks marked `shared: true`: dates and scores only.
    pub assessments: Vec<assessments::SharedFramework>,
}

#[derive(Debug, Serialize)]
pub struct SharedKpi {
    pub name: String,
    pub unit: Option<String>,
    #[serde(flatten)]
    pub progress: KpiProgress,
}

#[derive(Debug, Serialize)]
pub struct SharedNote {
    /// Anchor id from the note's date, not its file name (which the author
    /// never meant to share).
    pub id: String,
    pub date: Option<Date>,
    pub title: String,
    pub kind: &'static str,
    pub attendees: Vec<String>,
    /// Markdown source; rendered and sanitised by the render stage. Not
    /// serialised: templates get the rendered HTML only.
    #[serde(skip_serializing)]
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
    pub flags: Flags,
}

#[derive(Debug, Serialize)]
pub struct CustomerKpi {
    pub name: String,
    pub unit: Option<String>,
    #[serde(flatten)]
    pub progress: KpiProgress,
}

#[derive(Debug, Serialize)]
pub struct PeerPair {
    pub ours: String,
    pub theirs: Person,
}

#[derive(Debug, Serialize)]
pub struct CustomerGovernance {
    pub cadence: Option<String>,
    pub meetings: Vec<String>,
    pub peer_pairs: Vec<PeerPair>,
}

#[derive(Debug, Serialize)]
pub struct CustomerPlan {
    /// URL segment, from the period (the file name is not shared).
    pub id: String,
    pub period: String,
    pub title: String,
    pub status: PlanStatus,
    pub objectives: Vec<String>,
    pub customer_priorities: Vec<String>,
    pub initiatives: Vec<CustomerInitiative>,
    pub kpis: Vec<CustomerKpi>,
    pub milestones: Vec<Milestone>,
    pub governance: CustomerGovernance,
    /// The plan's Markdown narrative, if any. Not serialised: templates
    /// get the rendered HTML only.
    #[serde(skip_serializing)]
    pub narrative: Option<String>,
    /// The narrative's file, for diagnostics about it (`kamsite pdf`); never
    /// serialised, like every file name.
    #[serde(skip)]
    pub narrative_file: Option<crate::source::SourceFile>,
    /// Against the previous plan of this view (never against an internal
    /// item or a plan the view leaves out).
    pub changes: Option<PlanChanges>,
}

fn shared(items: &[PlanItem]) -> Vec<String> {
    items.iter().filter(|i| !i.internal).map(|i| i.text.clone()).collect()
}

/// The customer view of one account. Draft plans are left out unless `drafts`.
pub fn customer(config: &SiteConfig, doc: &AccountDoc, today: Date, drafts: bool) -> CustomerSite {
    let a = &doc.account;
    let mut ids = UniqueIds::default();
    let mut plans: Vec<CustomerPlan> = doc
        .plans
        .iter()
        .filter(|p| drafts || p.plan.status == PlanStatus::Agreed)
        .map(|p| plan(doc, p, ids.next(&slugify(p.period()), "plan"), today))
        .collect();
    let mut ids = UniqueIds::default();
    // Compare on the redacted plans: both sides hold only shared items.
    for i in 1..plans.len() {
        let changes = compare(&outline(&plans[i - 1]), &outline(&plans[i]));
        plans[i].changes = Some(changes);
    }
    CustomerSite {
        customer: a
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_else(|| doc.slug.clone()),
        supplier: config.company.clone(),
        language: config.language.clone(),
        today,
        plans,
        kpis: a
            .kpis
            .iter()
            .filter(|k| k.shared)
            .map(|k| SharedKpi {
                name: k.name.clone(),
                unit: k.unit.clone(),
                progress: kpi_progress(k.baseline, k.current, k.target),
            })
            .collect(),
        notes: doc
            .notes
            .iter()
            .filter(|n| n.meta.visibility == Visibility::Shared)
            .map(|n| SharedNote {
                id: ids.next(&n.date().map(|d| d.to_string()).unwrap_or_default(), "note"),
                date: n.date(),
                title: n.meta.title.clone().unwrap_or_else(|| untitled(n.meta.kind, n.date())),
                kind: note_kind(n.meta.kind),
                attendees: n.meta.attendees.clone(),
                body: without_comments(&n.body()),
            })
            .collect(),
        assessments: assessments::shared(config, doc),
    }
}

/// The title of a shared note that has none: its kind and date ("Meeting,
/// 15 September 2026"), never its file name.
fn untitled(kind: Option<crate::model::NoteKind>, date: Option<Date>) -> String {
    let kind = note_kind(kind);
    let mut title: String = kind[..1].to_ascii_uppercase() + &kind[1..];
    if let Some(d) = date {
        title.push_str(&format!(", {}", d.strftime("%-d %B %Y")));
    }
    title
}

/// Ids unique within one list: `base`, then `base-2`, `base-3`, ...
#[derive(Default)]
struct UniqueIds(std::collections::HashSet<String>);

impl UniqueIds {
    fn next(&mut self, base: &str, fallback: &str) -> String {
        let base = if base.is_empty() { fallback } else { base };
        let mut id = base.to_string();
        let mut n = 1;
        while !self.0.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        id
    }
}

fn plan(doc: &AccountDoc, p: &PlanDoc, id: String, today: Date) -> CustomerPlan {
    let plan = &p.plan;
    CustomerPlan {
        id,
        period: p.period().to_string(),
        title: plan.title.clone().unwrap_or_else(|| default_title(p.period())),
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
                flags: initiative_flags(i.due, i.status, today),
            })
            .collect(),
        kpis: plan
            .kpis
            .iter()
            .filter(|k| !k.internal)
            .map(|k| CustomerKpi {
                name: k.name.clone(),
                unit: k.unit.clone(),
                progress: kpi_progress(k.baseline, k.current, k.target),
            })
            .collect(),
        milestones: plan
            .milestones
            .iter()
            .filter(|m| !m.internal)
            .map(|m| milestone(&m.text))
            .collect(),
        governance: CustomerGovernance {
            cadence: plan.governance.cadence.clone(),
            meetings: shared(&plan.governance.meetings),
            peer_pairs: plan
                .governance
                .peer_pairs
                .iter()
                .filter(|pp| !pp.internal)
                .map(|pp| PeerPair {
                    ours: pp.ours.clone(),
                    theirs: person(doc, &pp.theirs),
                })
                .collect(),
        },
        narrative: p.narrative.as_ref().map(|f| without_comments(&f.text)),
        narrative_file: p.narrative.clone(),
        changes: None,
    }
}

fn texts(list: &[String]) -> Vec<(&str, bool)> {
    list.iter().map(|t| (t.as_str(), false)).collect()
}

/// Markdown without its comments: HTML comments (`<!-- ... -->`, an
/// unclosed one to the end) and the `[//]: # (...)` lines Markdown authors
/// use for remarks (a link definition no text uses). Authors keep remarks
/// there that are not for the customer. Neither shows in the rendered HTML;
/// here they never enter the view.
fn without_comments(md: &str) -> String {
    let md = without_comment_lines(md);
    let md = md.as_str();
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = match rest[start + 4..].find("-->") {
            Some(end) => &rest[start + 4 + end + 3..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// `md` without its `[//]: #`, `[//]: <>` and `[comment]: #` lines.
fn without_comment_lines(md: &str) -> String {
    let is_comment = |line: &str| {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let lower = t.to_ascii_lowercase();
        indent <= 3
            && ["[//]:", "[comment]:", "[#]:"].iter().any(|l| {
                lower
                    .strip_prefix(l)
                    .is_some_and(|rest| rest.trim_start().starts_with('#') || rest.trim_start().starts_with("<>"))
            })
    };
    md.split_inclusive('\n').filter(|l| !is_comment(l)).collect()
}

/// The comparison outline of an already redacted plan.
fn outline(p: &CustomerPlan) -> Outline<'_> {
    Outline {
        id: &p.id,
        period: &p.period,
        objectives: texts(&p.objectives),
        priorities: texts(&p.customer_priorities),
        kpis: p
            .kpis
            .iter()
            .map(|k| OutlineKpi {
                name: &k.name,
                unit: k.unit.as_deref(),
                target: k.progress.target,
                internal: false,
            })
            .collect(),
        initiatives: p
            .initiatives
            .iter()
            .map(|i| (i.title.as_str(), i.status, false))
            .collect(),
    }
}

/// A person a plan names on the customer's side: the matching contact's
/// name and title (by id or name), else the name as written. Nothing else
/// of the contact: no id, stance, role, notes or contact details.
fn person(doc: &AccountDoc, named: &str) -> Person {
    match find_contact(&doc.account, named) {
        Some(c) => Person {
            name: c.name.clone(),
            title: c.title.clone(),
        },
        None => Person {
            name: named.trim().to_string(),
            title: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The view itself, before any template: serialised, it holds no canary
    /// of the leak-test fixture and nothing of another account.
    #[test]
    fn customer_view_holds_only_shared_values() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/canary");
        let (site, diags) = crate::load::load(&root);
        assert!(!diags.has_errors());
        let today = crate::today(&site.config);
        for doc in &site.accounts {
            for drafts in [false, true] {
                let view = customer(&site.config, doc, today, drafts);
                let mut json = serde_json::to_string(&view).unwrap();
                // Held for rendering, not serialised: checked too.
                for text in view.plans.iter().filter_map(|p| p.narrative.as_ref()) {
                    json.push_str(text);
                }
                for n in &view.notes {
                    json.push_str(&n.body);
                }
                assert!(
                    !json.contains("CANARY") && !json.contains("canary"),
                    "{}: {json}",
                    doc.slug
                );
                assert_eq!(json.contains("DRAFT_"), drafts && doc.slug == "acme", "{}", doc.slug);
                for other in ["ACME", "ZULU", "NIMBUS"] {
                    let mine = doc.slug.to_uppercase().contains(other);
                    assert_eq!(json.contains(&format!("SHARED_{other}")), mine, "{}: {json}", doc.slug);
                }
            }
        }
    }

    #[test]
    fn html_comments_stay_out_of_the_view() {
        assert_eq!(without_comments("a <!-- secret --> b"), "a  b");
        assert_eq!(without_comments("a<!--x-->b<!--y-->c"), "abc");
        assert_eq!(without_comments("a <!-- unclosed secret"), "a ");
        assert_eq!(without_comments("no comment -->"), "no comment -->");
        assert_eq!(
            without_comments("a\n[//]: # (secret)\n  [comment]: <> (more)\nb\n[//]: #\n"),
            "a\nb\n"
        );
        // A link definition that is no comment stays.
        assert_eq!(without_comments("[docs]: https://e.com\n"), "[docs]: https://e.com\n");
    }

    #[test]
    fn customer_view_keeps_owners_to_name_and_title() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/canary");
        let (site, _) = crate::load::load(&root);
        let acme = site.accounts.iter().find(|a| a.slug == "acme").unwrap();
        let view = customer(&site.config, acme, crate::today(&site.config), false);
        let plan = view.plans.last().unwrap();
        let owner = plan.initiatives[0].owner_theirs.as_ref().unwrap();
        assert_eq!(owner.name, "SHARED_ACME_OWNER_CONTACT_NAME");
        assert_eq!(owner.title.as_deref(), Some("SHARED_ACME_OWNER_CONTACT_TITLE"));
        // A name that is no contact is shown as written, without a title.
        let unlisted = plan.initiatives[1].owner_theirs.as_ref().unwrap();
        assert_eq!(
            (unlisted.name.as_str(), unlisted.title.as_deref()),
            ("SHARED_ACME_UNLISTED_OWNER", None)
        );
        // The comparison is made on the redacted plans.
        let changes = plan.changes.as_ref().unwrap();
        let dropped: Vec<&str> = changes.objectives_dropped.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(dropped, ["SHARED_ACME_OBJECTIVE_RETIRED"]);
        assert_eq!(changes.kpi_targets_moved.len(), 1);
        assert!(
            changes.initiatives_dropped.is_empty(),
            "the internal initiative is not news to the customer"
        );
        assert_eq!(plan.id, "2026");
        assert_eq!(
            view.notes[0].id, "2026-10-01",
            "note ids come from dates, not file names"
        );
    }
}
