//! The typed model of a site's content: what the files say, nothing derived.
//!
//! These types are deserialized straight from YAML; every field is named as
//! in SPEC.md and DOMAIN.md. Fields that later checks must point at carry a
//! source position (`Spanned`). Everything computed (quadrants, win rates,
//! staleness) lives in `analyze`, never here.

use indexmap::IndexMap;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};
use serde_saphyr::Spanned;

use crate::diag::SourceFile;

/// A loaded site: configuration plus every account with its documents.
#[derive(Debug)]
pub struct Site {
    pub config: crate::config::SiteConfig,
    /// Sorted by slug.
    pub accounts: Vec<AccountDoc>,
}

/// One account folder: account.yaml and the documents beside it.
#[derive(Debug)]
pub struct AccountDoc {
    pub slug: String,
    pub file: SourceFile,
    pub account: Account,
    /// Newest first.
    pub notes: Vec<NoteDoc>,
    /// Newest first.
    pub reviews: Vec<ReviewDoc>,
    /// Oldest period first.
    pub plans: Vec<PlanDoc>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Prospect,
    #[default]
    Active,
    Former,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Prospect => "prospect",
            Status::Active => "active",
            Status::Former => "former",
        }
    }
}

/// `accounts/<slug>/account.yaml` (SPEC 2.1).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub status: Status,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tier: Option<Spanned<String>>,
    pub stage: Option<Spanned<String>>,
    /// Key account manager (client account lead).
    pub owner: Option<String>,
    /// Executive sponsor on our side.
    pub sponsor: Option<String>,
    #[serde(default)]
    pub team: Vec<TeamMember>,
    pub since: Option<Date>,
    pub review_by: Option<Spanned<Date>>,
    /// Factor id -> score 0..10.
    #[serde(default)]
    pub scores: IndexMap<String, Spanned<f64>>,
    #[serde(default)]
    pub financials: Vec<Financial>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub opportunities: Vec<Opportunity>,
    #[serde(default)]
    pub kpis: Vec<Kpi>,
    #[serde(default)]
    pub swot: Swot,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    pub name: String,
    pub role: Option<String>,
    /// Share of the person's time, 0..1.
    pub allocation: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Financial {
    pub year: Spanned<i32>,
    pub revenue: Option<f64>,
    /// Gross margin as a fraction, 0..1.
    pub margin: Option<Spanned<f64>>,
    /// Our share of the customer's spend in our category, 0..1.
    pub share_of_wallet: Option<Spanned<f64>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    DecisionMaker,
    Influencer,
    Gatekeeper,
    User,
    Buyer,
    Champion,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::DecisionMaker,
        Role::Champion,
        Role::Influencer,
        Role::Buyer,
        Role::Gatekeeper,
        Role::User,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::DecisionMaker => "decision-maker",
            Role::Influencer => "influencer",
            Role::Gatekeeper => "gatekeeper",
            Role::User => "user",
            Role::Buyer => "buyer",
            Role::Champion => "champion",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::DecisionMaker => "Decision-makers",
            Role::Influencer => "Influencers",
            Role::Gatekeeper => "Gatekeepers",
            Role::User => "Users",
            Role::Buyer => "Buyers",
            Role::Champion => "Champions",
        }
    }
}

/// A person in the customer's decision-making unit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub id: Spanned<String>,
    pub name: String,
    pub title: Option<String>,
    pub role: Option<Role>,
    /// -3 blocker .. +3 advocate.
    pub stance: Option<Spanned<i64>>,
    /// Id of the contact this person reports to.
    pub reports_to: Option<Spanned<String>>,
    /// Ids of contacts this person informally influences.
    #[serde(default)]
    pub influences: Vec<Spanned<String>>,
    /// Who on our side holds this relationship.
    pub owner: Option<String>,
    pub last_contact: Option<Date>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Private remarks about the person.
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opportunity {
    pub id: Spanned<String>,
    pub title: Option<String>,
    pub value: Option<f64>,
    /// Chance of winning, 0..1.
    pub probability: Option<Spanned<f64>>,
    /// Free text: lead, qualified, proposal, ...
    pub stage: Option<String>,
    pub close: Option<Date>,
    pub owner: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub name: String,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub target: Option<f64>,
    /// Shared with the customer (shown in the customer build).
    #[serde(default)]
    pub shared: bool,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Swot {
    #[serde(default)]
    pub strengths: Vec<String>,
    #[serde(default)]
    pub weaknesses: Vec<String>,
    #[serde(default)]
    pub opportunities: Vec<String>,
    #[serde(default)]
    pub threats: Vec<String>,
}

// ---------------------------------------------------------------- notes

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    #[default]
    Meeting,
    Call,
    Insight,
    Email,
    Event,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    #[default]
    Internal,
    Shared,
}

/// Front matter of `notes/*.md` (SPEC 2.2).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteMeta {
    pub date: Option<Spanned<Date>>,
    pub title: Option<String>,
    pub kind: Option<NoteKind>,
    #[serde(default)]
    pub attendees: Vec<String>,
    #[serde(default)]
    pub visibility: Visibility,
}

/// A Markdown document with front matter, as loaded.
#[derive(Debug)]
pub struct NoteDoc {
    /// File stem, used in anchors and URLs.
    pub id: String,
    pub file: SourceFile,
    pub meta: NoteMeta,
    pub body: String,
}

impl NoteDoc {
    pub fn date(&self) -> Option<Date> {
        self.meta.date.as_ref().map(|d| d.value)
    }
}

// ---------------------------------------------------------------- reviews

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Won,
    Lost,
    NoDecision,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Won => "won",
            Outcome::Lost => "lost",
            Outcome::NoDecision => "no-decision",
        }
    }
}

/// Front matter of `reviews/*.md` (SPEC 2.3).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewMeta {
    /// An opportunity id of the account, or a free title.
    pub opportunity: Option<Spanned<String>>,
    pub outcome: Option<Spanned<Outcome>>,
    pub date: Option<Spanned<Date>>,
    pub value: Option<f64>,
    #[serde(default)]
    pub competitors: Vec<String>,
    pub winner: Option<String>,
    pub stage_reached: Option<String>,
    /// Reason ids from site.yaml `win_loss.reasons`; the first is primary.
    #[serde(default)]
    pub reasons: Vec<Spanned<String>>,
    #[serde(default)]
    pub interviewed: bool,
    #[serde(default)]
    pub lessons: Vec<String>,
}

#[derive(Debug)]
pub struct ReviewDoc {
    pub id: String,
    pub file: SourceFile,
    pub meta: ReviewMeta,
    pub body: String,
}

impl ReviewDoc {
    pub fn date(&self) -> Option<Date> {
        self.meta.date.as_ref().map(|d| d.value)
    }
}

// ---------------------------------------------------------------- plans

/// An item that may be marked internal: a plain string or `{ text, internal }`.
#[derive(Debug, Clone, Default)]
pub struct PlanItem {
    pub text: String,
    pub internal: bool,
}

impl<'de> Deserialize<'de> for PlanItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            text: String,
            #[serde(default)]
            internal: bool,
        }
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PlanItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a mapping `{ text: ..., internal: true }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PlanItem, E> {
                Ok(PlanItem {
                    text: v.to_string(),
                    internal: false,
                })
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<PlanItem, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<PlanItem, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<PlanItem, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<PlanItem, A::Error> {
                let full = Full::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(PlanItem {
                    text: full.text,
                    internal: full.internal,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum PlanStatus {
    #[default]
    Draft,
    Agreed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum InitiativeStatus {
    #[default]
    Planned,
    Active,
    Done,
    AtRisk,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Initiative {
    pub title: String,
    pub owner_ours: Option<String>,
    pub owner_theirs: Option<String>,
    pub due: Option<Date>,
    #[serde(default)]
    pub status: InitiativeStatus,
    #[serde(default)]
    pub internal: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanKpi {
    pub name: String,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub target: Option<f64>,
    #[serde(default)]
    pub internal: bool,
}

/// A pair of executives, one from each side.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PeerPair {
    pub ours: String,
    pub theirs: String,
    #[serde(default)]
    pub internal: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    pub cadence: Option<String>,
    #[serde(default)]
    pub meetings: Vec<PlanItem>,
    #[serde(default)]
    pub peer_pairs: Vec<PeerPair>,
}

/// `plans/<period>.yaml` (SPEC 2.4).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub period: Option<Spanned<String>>,
    pub title: Option<String>,
    #[serde(default)]
    pub status: PlanStatus,
    #[serde(default)]
    pub objectives: Vec<PlanItem>,
    #[serde(default)]
    pub customer_priorities: Vec<PlanItem>,
    #[serde(default)]
    pub initiatives: Vec<Initiative>,
    #[serde(default)]
    pub kpis: Vec<PlanKpi>,
    #[serde(default)]
    pub milestones: Vec<PlanItem>,
    #[serde(default)]
    pub governance: Governance,
}

#[derive(Debug)]
pub struct PlanDoc {
    /// The file stem, e.g. `2026-H2`; the URL segment.
    pub id: String,
    pub file: SourceFile,
    pub plan: Plan,
    /// The optional `<period>.md` narrative beside the YAML.
    pub narrative: Option<(SourceFile, String)>,
}

impl PlanDoc {
    pub fn period(&self) -> &str {
        self.plan.period.as_ref().map(|p| p.value.as_str()).unwrap_or(&self.id)
    }
}
