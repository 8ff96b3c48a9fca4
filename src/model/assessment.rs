//! Assessments (SPEC 9): the frameworks a company scores its accounts on
//! (site.yaml `assessments:`), the dated assessments of an account
//! (account.yaml `assessments:`) and the account health weights (site.yaml
//! `health:`). The five preset frameworks of the seeds live here too.
//!
//! What is written only: overall scores, changes, staleness and health are
//! worked out in `analyze::assessments` and `analyze::health`.

use indexmap::IndexMap;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::source::Spanned;

/// The preset frameworks, by the id written in `preset:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FrameworkPreset {
    /// The relationship flower (relasjonsblomsten): logistics, competence,
    /// social_competence, offering, economics; 0..10.
    RelationshipFlower,
    /// Maister's trust equation: credibility, reliability, intimacy,
    /// self_orientation; 1..10; score (C + R + I) / S.
    TrustEquation,
    /// Customer intimacy: closeness, mutual_understanding, value_perception,
    /// commitment; 0..10.
    CustomerIntimacy,
    /// Shipley & Palmer's key-account selection criteria: eight 0/1 checks;
    /// score the count met, out of 8.
    SelectionCriteria,
    /// Krapfel's relationship value: criticality, quantity, replaceability, slack; 0..10.
    RelationshipValue,
}

impl FrameworkPreset {
    pub const ALL: [FrameworkPreset; 5] = [
        FrameworkPreset::RelationshipFlower,
        FrameworkPreset::TrustEquation,
        FrameworkPreset::CustomerIntimacy,
        FrameworkPreset::SelectionCriteria,
        FrameworkPreset::RelationshipValue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FrameworkPreset::RelationshipFlower => "relationship-flower",
            FrameworkPreset::TrustEquation => "trust-equation",
            FrameworkPreset::CustomerIntimacy => "customer-intimacy",
            FrameworkPreset::SelectionCriteria => "selection-criteria",
            FrameworkPreset::RelationshipValue => "relationship-value",
        }
    }
}

/// How an assessment's overall score is worked out from its dimension scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scoring {
    /// The mean of the dimensions scored.
    Mean,
    /// (credibility + reliability + intimacy) / self_orientation.
    TrustEquation,
    /// The number of checks met (score 1), out of the number of dimensions.
    Count,
}

/// The range of a framework's scores, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// The lowest score allowed.
    pub min: f64,
    /// The highest score allowed.
    pub max: f64,
}

/// One dimension of a framework: what an assessment scores.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// The id assessments use under `scores:`.
    pub id: String,
    /// The name shown on pages and chart axes.
    pub name: String,
    /// What the dimension asks.
    pub description: Option<String>,
}

/// One entry of site.yaml `assessments:`, as written.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFramework {
    /// The id accounts use in `assessment:`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// A built-in framework: its dimensions and scale are fixed.
    #[schemars(with = "Option<FrameworkPreset>")]
    pub preset: Option<Spanned<FrameworkPreset>>,
    /// The name shown on pages (default: the preset's name, else the id).
    pub name: Option<String>,
    /// What the framework measures.
    pub description: Option<String>,
    /// Lowest and highest score, e.g. `{ min: 1, max: 7 }` (default 0..10).
    /// Only for a framework of the site's own.
    #[schemars(with = "Option<Scale>")]
    pub scale: Option<Spanned<Scale>>,
    /// What is scored, `{ id, name, description }`. Required for a framework
    /// of the site's own; a preset's are fixed.
    #[schemars(with = "Option<Vec<Dimension>>")]
    pub dimensions: Option<Spanned<Vec<Dimension>>>,
    /// true: scores and dates (never `by` or `comment`) may appear in the
    /// customer build. Default false.
    #[serde(default)]
    pub shared: bool,
    /// Days after which an account's latest assessment is due again
    /// (default: site.yaml `stale_after_days`).
    pub stale_after_days: Option<u32>,
}

/// A framework as every later stage reads it, defaults filled in.
#[derive(Clone, Debug, Serialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub preset: Option<FrameworkPreset>,
    /// Where the model comes from, e.g. "Maister, Green & Galford".
    pub source: Option<String>,
    pub description: Option<String>,
    pub scale: Scale,
    pub dimensions: Vec<Dimension>,
    pub scoring: Scoring,
    pub shared: bool,
    pub stale_after_days: u32,
}

impl Framework {
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }

    /// The lowest and highest overall score an assessment can get.
    pub fn overall_range(&self) -> (f64, f64) {
        match self.scoring {
            Scoring::Mean => (self.scale.min, self.scale.max),
            Scoring::Count => (0.0, self.dimensions.len() as f64),
            Scoring::TrustEquation => (
                3.0 * self.scale.min / self.scale.max,
                3.0 * self.scale.max / self.scale.min,
            ),
        }
    }
}

fn dims(list: &[(&str, &str, &str)]) -> Vec<Dimension> {
    list.iter()
        .map(|(id, name, d)| Dimension {
            id: id.to_string(),
            name: name.to_string(),
            description: Some(d.to_string()),
        })
        .collect()
}

/// A preset framework with the given id.
pub fn preset_framework(id: &str, preset: FrameworkPreset, site_stale: u32) -> Framework {
    let ten = Scale { min: 0.0, max: 10.0 };
    let (name, source, description, scale, dimensions, scoring) = match preset {
        FrameworkPreset::RelationshipFlower => (
            "Relationship flower",
            "Relasjonsblomsten",
            "Five petals of a supplier relationship, each scored 0 to 10: a full flower is a relationship the customer values on every side.",
            ten,
            dims(&[
                ("logistics", "Logistics", "Delivery, availability and ease of ordering."),
                (
                    "competence",
                    "Competence",
                    "Our professional and technical competence as the customer sees it.",
                ),
                (
                    "social_competence",
                    "Social competence",
                    "How well our people and theirs get on; trust between persons.",
                ),
                (
                    "offering",
                    "Offering",
                    "How well our products and services fit the customer's needs.",
                ),
                (
                    "economics",
                    "Economics",
                    "Price, terms and the value for money the customer gets.",
                ),
            ]),
            Scoring::Mean,
        ),
        FrameworkPreset::TrustEquation => (
            "Trust equation",
            "Maister, Green & Galford",
            "Trust = (credibility + reliability + intimacy) / self-orientation, each scored 1 to 10. Above 3 the customer sees more of their interest than ours.",
            Scale { min: 1.0, max: 10.0 },
            dims(&[
                (
                    "credibility",
                    "Credibility",
                    "Our words: expertise and honesty the customer believes.",
                ),
                (
                    "reliability",
                    "Reliability",
                    "Our actions: we do what we say, consistently.",
                ),
                (
                    "intimacy",
                    "Intimacy",
                    "Safety: the customer can share difficult things with us.",
                ),
                (
                    "self_orientation",
                    "Self-orientation",
                    "How much we focus on ourselves rather than the customer (lower is better).",
                ),
            ]),
            Scoring::TrustEquation,
        ),
        FrameworkPreset::CustomerIntimacy => (
            "Customer intimacy",
            "Haltia 2021",
            "How close the relationship is: knowing the customer's business and being part of its decisions, each scored 0 to 10.",
            ten,
            dims(&[
                (
                    "closeness",
                    "Closeness",
                    "Frequency and depth of contact at several levels.",
                ),
                (
                    "mutual_understanding",
                    "Mutual understanding",
                    "We understand their business and they understand ours.",
                ),
                (
                    "value_perception",
                    "Value perception",
                    "The customer sees the value we create for them.",
                ),
                (
                    "commitment",
                    "Commitment",
                    "Both sides invest in the relationship for the long term.",
                ),
            ]),
            Scoring::Mean,
        ),
        FrameworkPreset::SelectionCriteria => (
            "Selection criteria",
            "Shipley & Palmer",
            "A checklist of why an account deserves key-account treatment: each criterion is met (1) or not (0); the score is the count met, out of 8.",
            Scale { min: 0.0, max: 1.0 },
            dims(&[
                (
                    "market_share_gain",
                    "Market share gain",
                    "We can gain market share with this customer.",
                ),
                (
                    "growth_market",
                    "Growth market",
                    "The customer operates in a growing market.",
                ),
                ("innovative", "Innovative", "The customer is innovative."),
                (
                    "opinion_leader",
                    "Opinion leader",
                    "An opinion leader or early adopter others follow.",
                ),
                (
                    "reference_value",
                    "Reference value",
                    "Prestige: a reference that wins other customers.",
                ),
                (
                    "competitor_target",
                    "Competitor target",
                    "Important to a competitor we want to beat.",
                ),
                (
                    "profit_contribution",
                    "Profit contribution",
                    "A major contributor to our profit.",
                ),
                (
                    "co_development",
                    "Co-development",
                    "Willing to develop solutions with us.",
                ),
            ]),
            Scoring::Count,
        ),
        FrameworkPreset::RelationshipValue => (
            "Relationship value",
            "Krapfel, Salmond & Spekman",
            "The value of the relationship to us, four customer-specific factors each scored 0 to 10.",
            ten,
            dims(&[
                (
                    "criticality",
                    "Criticality",
                    "How critical our outputs are to the customer: hard to substitute, high margin, core to us.",
                ),
                (
                    "quantity",
                    "Quantity",
                    "How much of our critical outputs the customer buys.",
                ),
                (
                    "replaceability",
                    "Replaceability",
                    "The cost to us of losing this partner and finding a new one.",
                ),
                (
                    "slack",
                    "Slack",
                    "The customer's activities that lower our own process costs.",
                ),
            ]),
            Scoring::Mean,
        ),
    };
    Framework {
        id: id.to_string(),
        name: name.to_string(),
        preset: Some(preset),
        source: Some(source.to_string()),
        description: Some(description.to_string()),
        scale,
        dimensions,
        scoring,
        shared: false,
        stale_after_days: site_stale,
    }
}

impl RawFramework {
    /// The framework with defaults filled in. A preset keeps its own
    /// dimensions and scale whatever is written (validation reports those).
    pub fn resolve(&self, site_stale: u32) -> Framework {
        let mut f = match &self.preset {
            Some(p) => preset_framework(&self.id.value, p.value, site_stale),
            None => Framework {
                id: self.id.value.clone(),
                name: self.id.value.clone(),
                preset: None,
                source: None,
                description: None,
                scale: self
                    .scale
                    .as_ref()
                    .map(|s| s.value)
                    .unwrap_or(Scale { min: 0.0, max: 10.0 }),
                dimensions: self.dimensions.as_ref().map(|d| d.value.clone()).unwrap_or_default(),
                scoring: Scoring::Mean,
                shared: false,
                stale_after_days: site_stale,
            },
        };
        if let Some(n) = &self.name {
            f.name = n.clone();
        }
        if let Some(d) = &self.description {
            f.description = Some(d.clone());
        }
        f.shared = self.shared;
        f.stale_after_days = self.stale_after_days.unwrap_or(site_stale);
        f
    }
}

/// One dated assessment in account.yaml `assessments:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// The id of a framework in site.yaml `assessments`.
    #[schemars(with = "String")]
    pub assessment: Spanned<String>,
    /// When the account was assessed, YYYY-MM-DD. Required.
    #[schemars(with = "Option<super::values::IsoDate>")]
    pub date: Option<Spanned<Date>>,
    /// Who assessed it (internal).
    pub by: Option<String>,
    /// Dimension id -> score on the framework's scale.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, f64>")]
    pub scores: IndexMap<String, Spanned<f64>>,
    /// Why the scores are what they are (internal).
    pub comment: Option<String>,
}

/// site.yaml `health:`: how much each signal weighs in an account's health
/// score (0-100). Weights are relative; a signal left out weighs nothing.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthWeights {
    /// Age of the newest note: full marks within stale_after_days, none at twice that.
    pub note_freshness: Option<f64>,
    /// Share of contacts spoken with within stale_after_days.
    pub contact_freshness: Option<f64>,
    /// A decision-maker, a champion and an executive sponsor named (a third each).
    pub dmu_coverage: Option<f64>,
    /// Mean stance of the decision-makers, -3 scores 0 and +3 full marks.
    pub decision_maker_stance: Option<f64>,
    /// Mean progress of the account's KPIs from baseline toward target.
    pub kpi_progress: Option<f64>,
    /// The newest joint business plan: agreed or draft, less its initiatives at risk.
    pub plan_status: Option<f64>,
    /// The account's win rate, won / (won + lost).
    pub win_rate: Option<f64>,
    /// Framework id -> weight of the latest overall score of that framework.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, f64>")]
    pub assessments: IndexMap<String, Spanned<f64>>,
}
