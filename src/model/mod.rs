//! The typed model of a site's content: what the files say, nothing derived.
//!
//! These types are deserialized straight from YAML; every field is named as
//! in SPEC.md and DOMAIN.md. Fields that later checks must point at carry a
//! source position (`Spanned`). Everything computed (quadrants, win rates,
//! staleness) lives in `analyze`, never here.

pub mod origins;
pub mod slug;

use indexmap::IndexMap;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

pub use crate::source::Spanned;
use crate::source::{HeldFile, Part, SourceFile};

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
    /// account.yaml. Its text is released once a build has validated the
    /// site: nothing after validation reads it (about 2 KB per account).
    pub file: HeldFile,
    pub account: Account,
    /// Newest first.
    pub notes: Vec<NoteDoc>,
    /// Newest first.
    pub reviews: Vec<ReviewDoc>,
    /// Oldest period first.
    pub plans: Vec<PlanDoc>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not yet a customer.
    Prospect,
    /// A current customer (the default).
    #[default]
    Active,
    /// No longer a customer.
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
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The customer's name as shown on every page. The only required key.
    #[schemars(with = "Option<String>")]
    pub name: Option<Spanned<String>>,
    /// prospect, active (default) or former.
    #[serde(default)]
    pub status: Status,
    /// Industry, free text, e.g. Manufacturing.
    pub industry: Option<String>,
    /// Region, free text, e.g. Nordics.
    pub region: Option<String>,
    /// An id from site.yaml `tiers`, e.g. foundation.
    #[schemars(with = "Option<String>")]
    pub tier: Option<Spanned<String>>,
    /// Relationship stage: an id from site.yaml `stages`, e.g. partnership-kam.
    #[schemars(with = "Option<String>")]
    pub stage: Option<Spanned<String>>,
    /// Key account manager (client account lead).
    pub owner: Option<String>,
    /// Executive sponsor on our side.
    pub sponsor: Option<String>,
    /// Our account team: `{ name, role, allocation }`.
    #[serde(default)]
    pub team: Vec<TeamMember>,
    /// Start of the relationship, YYYY-MM-DD.
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub since: Option<Date>,
    /// Next account-status review, YYYY-MM-DD; overdue after that date.
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub review_by: Option<Spanned<Date>>,
    /// Factor id -> score 0..10.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, crate::schema::Score>")]
    pub scores: IndexMap<String, Spanned<f64>>,
    /// Revenue, margin and share of wallet per year.
    #[serde(default)]
    pub financials: Vec<Financial>,
    /// The customer's people: the stakeholder map.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Open and closed deals: the pipeline.
    #[serde(default)]
    pub opportunities: Vec<Opportunity>,
    /// Key performance indicators with baseline, current value and target.
    #[serde(default)]
    pub kpis: Vec<Kpi>,
    /// Strengths, weaknesses, opportunities and threats: lists of strings.
    #[serde(default)]
    pub swot: Swot,
}

impl Account {
    /// Give back the room the parser's lists did not use: a list grows by
    /// doubling as it is read, so nine contacts take the room of sixteen. At
    /// 100,000 accounts that spare room was about 150 MB of a load.
    pub fn shrink_to_fit(&mut self) {
        self.team.shrink_to_fit();
        self.scores.shrink_to_fit();
        self.financials.shrink_to_fit();
        self.contacts.shrink_to_fit();
        for c in &mut self.contacts {
            c.influences.shrink_to_fit();
        }
        self.opportunities.shrink_to_fit();
        self.kpis.shrink_to_fit();
        let s = &mut self.swot;
        for list in [
            &mut s.strengths,
            &mut s.weaknesses,
            &mut s.opportunities,
            &mut s.threats,
        ] {
            list.shrink_to_fit();
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    /// The team member's name.
    pub name: String,
    /// Their role on the account, e.g. delivery lead.
    pub role: Option<String>,
    /// Share of the person's time, 0..1.
    #[schemars(with = "Option<crate::schema::Fraction>")]
    pub allocation: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Financial {
    /// The year, e.g. 2025. One entry per year.
    #[schemars(with = "i32")]
    pub year: Spanned<i32>,
    /// Revenue in the site currency, a plain number.
    pub revenue: Option<f64>,
    /// Gross margin as a fraction, 0..1.
    #[schemars(with = "Option<crate::schema::Fraction>")]
    pub margin: Option<Spanned<f64>>,
    /// Our share of the customer's spend in our category, 0..1.
    #[schemars(with = "Option<crate::schema::Fraction>")]
    pub share_of_wallet: Option<Spanned<f64>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// A short id, unique in the account; `reports_to` and `influences` refer to it.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The person's name.
    pub name: String,
    /// Job title, e.g. CFO.
    pub title: Option<String>,
    /// Role in the decision-making unit.
    pub role: Option<Role>,
    /// -3 blocker .. +3 advocate.
    #[schemars(with = "Option<crate::schema::Stance>")]
    pub stance: Option<Spanned<i64>>,
    /// Id of the contact this person reports to.
    #[schemars(with = "Option<String>")]
    pub reports_to: Option<Spanned<String>>,
    /// Ids of contacts this person informally influences.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub influences: Vec<Spanned<String>>,
    /// Who on our side holds this relationship.
    pub owner: Option<String>,
    /// When someone on our side last spoke with the person, YYYY-MM-DD.
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub last_contact: Option<Date>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Private remarks about the person.
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Opportunity {
    /// A short id, unique in the account; reviews refer to it.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What the deal is, e.g. ERP roll-out.
    pub title: Option<String>,
    /// Deal value in the site currency.
    pub value: Option<f64>,
    /// Chance of winning, 0..1.
    #[schemars(with = "Option<crate::schema::Fraction>")]
    pub probability: Option<Spanned<f64>>,
    /// Free text: lead, qualified, proposal, ...
    pub stage: Option<String>,
    /// Expected (or actual) close date, YYYY-MM-DD.
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub close: Option<Date>,
    /// Who on our side owns the deal.
    pub owner: Option<String>,
    /// Free remarks.
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    /// The KPI's name, e.g. On-time delivery.
    pub name: String,
    /// Unit, e.g. "%" or days.
    pub unit: Option<String>,
    /// Value when measuring started.
    pub baseline: Option<f64>,
    /// Value today.
    pub current: Option<f64>,
    /// Value aimed for.
    pub target: Option<f64>,
    /// Shared with the customer (shown in the customer build).
    #[serde(default)]
    pub shared: bool,
}

#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Swot {
    /// Our strengths in the account.
    #[serde(default)]
    pub strengths: Vec<String>,
    /// Our weaknesses in the account.
    #[serde(default)]
    pub weaknesses: Vec<String>,
    /// Opportunities to grow the account.
    #[serde(default)]
    pub opportunities: Vec<String>,
    /// Threats to the account.
    #[serde(default)]
    pub threats: Vec<String>,
}

// ---------------------------------------------------------------- notes

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    #[default]
    Meeting,
    Call,
    Insight,
    Email,
    Event,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    #[default]
    Internal,
    Shared,
}

/// Front matter of `notes/*.md` (SPEC 2.2).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteMeta {
    /// When it happened, YYYY-MM-DD. Required.
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub date: Option<Spanned<Date>>,
    /// A short title; default: the file name.
    pub title: Option<String>,
    /// meeting (default), call, insight, email or event.
    pub kind: Option<NoteKind>,
    /// Who took part.
    #[serde(default)]
    pub attendees: Vec<String>,
    /// internal (default), or shared: shown in the customer's site too.
    #[serde(default)]
    pub visibility: Visibility,
}

/// A Markdown document with front matter, as loaded.
#[derive(Debug)]
pub struct NoteDoc {
    /// File stem, used in anchors and URLs.
    pub id: String,
    /// The note's file. A build releases its text once the account's page
    /// is rendered; `serve` keeps it.
    pub file: HeldFile,
    pub meta: NoteMeta,
    /// Where the Markdown after the front matter starts in the file's text.
    body_start: usize,
}

impl NoteDoc {
    /// `body` is the part of `file` after the front matter.
    pub fn new(id: String, file: SourceFile, meta: NoteMeta, body: &Part) -> Self {
        let body_start = file.text.len().saturating_sub(body.len());
        NoteDoc {
            id,
            file: HeldFile::new(file),
            meta,
            body_start,
        }
    }

    /// The Markdown after the front matter (shares the file's text); empty
    /// once the file is released.
    pub fn body(&self) -> Part {
        Part::of_held(&self.file, self.body_start)
    }

    /// The Markdown after the front matter in `file`, a copy of this note's
    /// file read again after its text was released.
    pub fn body_in(&self, file: &SourceFile) -> Part {
        Part::tail(file, self.body_start)
    }

    pub fn date(&self) -> Option<Date> {
        self.meta.date.as_ref().map(|d| d.value)
    }
}

// ---------------------------------------------------------------- reviews

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewMeta {
    /// A review still being written: it counts nowhere (no page, no win
    /// rate, no reason ranking) and `check` asks for nothing missing until
    /// this is removed. `kamsite new review` writes drafts.
    #[serde(default)]
    pub draft: bool,
    /// An opportunity id of the account, or a free title.
    #[schemars(with = "Option<String>")]
    pub opportunity: Option<Spanned<String>>,
    /// won, lost or no-decision. Required.
    #[schemars(with = "Option<Outcome>")]
    pub outcome: Option<Spanned<Outcome>>,
    /// When the decision fell, YYYY-MM-DD. Required.
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub date: Option<Spanned<Date>>,
    /// Deal value in the site currency.
    #[schemars(with = "Option<f64>")]
    pub value: Option<Spanned<f64>>,
    /// Competitors in the deal.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub competitors: Vec<Spanned<String>>,
    /// Who won: us, a competitor, or nobody (no decision).
    #[schemars(with = "Option<String>")]
    pub winner: Option<Spanned<String>>,
    /// How far the deal got, e.g. proposal.
    pub stage_reached: Option<String>,
    /// Reason ids from site.yaml `win_loss.reasons`; the first is primary.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub reasons: Vec<Spanned<String>>,
    /// Whether the client was interviewed for the review.
    #[serde(default)]
    pub interviewed: bool,
    /// What we learned.
    #[serde(default)]
    pub lessons: Vec<String>,
}

#[derive(Debug)]
pub struct ReviewDoc {
    pub id: String,
    pub file: SourceFile,
    pub meta: ReviewMeta,
    /// The Markdown after the front matter (shares the file's text).
    pub body: Part,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PlanStatus {
    #[default]
    Draft,
    Agreed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InitiativeStatus {
    #[default]
    Planned,
    Active,
    Done,
    AtRisk,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Initiative {
    /// What the joint initiative is.
    pub title: String,
    /// Owner on our side.
    pub owner_ours: Option<String>,
    /// Owner on the customer's side.
    pub owner_theirs: Option<String>,
    /// Due date, YYYY-MM-DD.
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub due: Option<Date>,
    /// planned (default), active, done or at-risk.
    #[serde(default)]
    pub status: InitiativeStatus,
    /// true: internal only, never shown to the customer.
    #[serde(default)]
    pub internal: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanKpi {
    /// The shared KPI's name.
    pub name: String,
    /// Unit, e.g. "%" or days.
    pub unit: Option<String>,
    /// Value when measuring started.
    pub baseline: Option<f64>,
    /// Value today.
    pub current: Option<f64>,
    /// Value aimed for.
    pub target: Option<f64>,
    /// true: internal only, never shown to the customer.
    #[serde(default)]
    pub internal: bool,
}

/// A pair of executives, one from each side.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeerPair {
    /// Our executive.
    pub ours: String,
    /// The customer's executive.
    pub theirs: String,
    #[serde(default)]
    pub internal: bool,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// Meeting cadence, e.g. monthly reviews, six-monthly senior meetings.
    pub cadence: Option<String>,
    /// The meetings of the plan.
    #[serde(default)]
    pub meetings: Vec<PlanItem>,
    /// Executive peer pairs: `{ ours, theirs }`.
    #[serde(default)]
    pub peer_pairs: Vec<PeerPair>,
}

/// `plans/<period>.yaml` (SPEC 2.4).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The period the plan covers, e.g. 2026 or 2026-H2; matches the file name.
    #[schemars(with = "Option<String>")]
    pub period: Option<Spanned<String>>,
    /// The plan's title.
    pub title: Option<String>,
    /// draft (default) or agreed.
    #[serde(default)]
    pub status: PlanStatus,
    /// Shared objectives.
    #[serde(default)]
    pub objectives: Vec<PlanItem>,
    /// The customer's priorities and ambitions.
    #[serde(default)]
    pub customer_priorities: Vec<PlanItem>,
    /// Joint initiatives, each with an owner on both sides.
    #[serde(default)]
    pub initiatives: Vec<Initiative>,
    /// Shared KPIs with baseline and target.
    #[serde(default)]
    pub kpis: Vec<PlanKpi>,
    /// What to expect at 3, 6 and 12 months.
    #[serde(default)]
    pub milestones: Vec<PlanItem>,
    /// Meeting cadence, meetings and executive peer pairs.
    #[serde(default)]
    pub governance: Governance,
}

#[derive(Debug)]
pub struct PlanDoc {
    /// The file stem, e.g. `2026-H2`; the URL segment.
    pub id: String,
    pub file: SourceFile,
    pub plan: Plan,
    /// The optional `<period>.md` narrative beside the YAML (all of its text is the narrative).
    pub narrative: Option<SourceFile>,
}

impl PlanDoc {
    pub fn period(&self) -> &str {
        self.plan.period.as_ref().map(|p| p.value.as_str()).unwrap_or(&self.id)
    }
}
