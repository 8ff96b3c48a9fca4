//! `accounts/<slug>/account.yaml` (SPEC 2.1): the account, its team,
//! financials, contacts (the stakeholder map), opportunities, KPIs and SWOT.

use indexmap::IndexMap;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::source::Spanned;

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
    /// Slug of the parent account: this account belongs to its group.
    #[schemars(with = "Option<String>")]
    pub parent: Option<Spanned<String>>,
    /// Executive sponsor on our side.
    pub sponsor: Option<String>,
    /// Our account team: `{ name, role, allocation }`.
    #[serde(default)]
    pub team: Vec<TeamMember>,
    /// Start of the relationship, YYYY-MM-DD.
    #[schemars(with = "Option<super::values::IsoDate>")]
    pub since: Option<Date>,
    /// Next account-status review, YYYY-MM-DD; overdue after that date.
    #[schemars(with = "Option<super::values::IsoDate>")]
    pub review_by: Option<Spanned<Date>>,
    /// Factor id -> score 0..10.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, super::values::Score>")]
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
    /// Dated scores on the frameworks of site.yaml `assessments` (SPEC 9).
    #[serde(default)]
    pub assessments: Vec<super::assessment::Assessment>,
    /// Offerings x buying units: where we still can sell (internal only).
    #[serde(default)]
    pub whitespace: Vec<super::WhitespaceCell>,
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
        self.whitespace.shrink_to_fit();
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
    #[schemars(with = "Option<super::values::Fraction>")]
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
    #[schemars(with = "Option<super::values::Fraction>")]
    pub margin: Option<Spanned<f64>>,
    /// Our share of the customer's spend in our category, 0..1.
    #[schemars(with = "Option<super::values::Fraction>")]
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
    #[schemars(with = "Option<super::values::Stance>")]
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
    #[schemars(with = "Option<super::values::IsoDate>")]
    pub last_contact: Option<Date>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Private remarks about the person.
    pub notes: Option<String>,
    /// Competitor name -> how that competitor stands with the person, -3..+3.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, super::values::Stance>")]
    pub competitor_stance: IndexMap<String, Spanned<i64>>,
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
    #[schemars(with = "Option<super::values::Fraction>")]
    pub probability: Option<Spanned<f64>>,
    /// Free text: lead, qualified, proposal, ...
    pub stage: Option<String>,
    /// Expected (or actual) close date, YYYY-MM-DD.
    #[schemars(with = "Option<super::values::IsoDate>")]
    pub close: Option<Date>,
    /// Who on our side owns the deal.
    pub owner: Option<String>,
    /// An id from site.yaml `offerings`: what the deal sells.
    #[schemars(with = "Option<String>")]
    pub offering: Option<Spanned<String>>,
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
