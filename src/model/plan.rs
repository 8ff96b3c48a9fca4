//! `plans/<period>.yaml` (SPEC 2.4): a joint business plan, each item of
//! which may be marked internal, and its optional Markdown narrative.

use std::borrow::Cow;

use jiff::civil::Date;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

use crate::source::{SourceFile, Spanned};

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
    #[schemars(with = "Option<super::values::IsoDate>")]
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

impl JsonSchema for PlanItem {
    fn schema_name() -> Cow<'static, str> {
        "PlanItem".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A plain string, or `{ text: ..., internal: true }` to keep the item out of the customer's copy.",
            "anyOf": [
                { "type": "string" },
                { "type": "number" },
                {
                    "type": "object",
                    "properties": {
                        "text": { "type": "string", "description": "The item's text." },
                        "internal": {
                            "type": "boolean",
                            "default": false,
                            "description": "true: internal only, never shown to the customer."
                        }
                    },
                    "required": ["text"],
                    "additionalProperties": false
                }
            ]
        })
    }
}
