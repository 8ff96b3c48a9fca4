//! Tier and stage presets: every tier and stage model of the seeds, chosen
//! in site.yaml with `tiers: { preset: value-journey }` or
//! `stages: { preset: kam-journey }` instead of a list. A list written out
//! is a site's own model, as before.

use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::config::{Stage, Tier};
use crate::source::Spanned;

/// site.yaml `tiers:` or `stages:`: a list of one's own or a preset.
#[derive(Clone, Debug)]
pub enum Listed<T, P> {
    List(Vec<T>),
    Preset(Spanned<P>),
}

impl<T, P> Listed<T, P> {
    /// The list written out, if any (what duplicate checks read).
    pub fn list(&self) -> &[T] {
        match self {
            Listed::List(l) => l,
            Listed::Preset(_) => &[],
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpannedPresetRef<P> {
    preset: Spanned<P>,
}

impl<'de, T: Deserialize<'de>, P: Deserialize<'de>> Deserialize<'de> for Listed<T, P> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T, P>(PhantomData<(T, P)>);
        impl<'de, T: Deserialize<'de>, P: Deserialize<'de>> serde::de::Visitor<'de> for V<T, P> {
            type Value = Listed<T, P>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of `{ id, name, ... }` or `{ preset: <id> }`")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Listed::List)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                SpannedPresetRef::<P>::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|r| Listed::Preset(r.preset))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// The JSON Schema of site.yaml `tiers:`: a list of tiers, or a preset.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum Tiers {
    List(Vec<Tier>),
    Preset(TierPresetRef),
}

/// The JSON Schema of site.yaml `stages:`: a list of stages, or a preset.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum Stages {
    List(Vec<Stage>),
    Preset(StagePresetRef),
}

/// `{ preset: value-journey }`
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct TierPresetRef {
    /// The tier model's id.
    preset: TierPreset,
}

/// `{ preset: kam-journey }`
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct StagePresetRef {
    /// The stage model's id.
    preset: StagePreset,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TierPreset {
    /// Diamond, Foundation, Portfolio (key) and Opportunistic: the default.
    Default,
    /// The value journey (Cranfield): Tier 1 Mutual benefit ... Tier 4 Price.
    ValueJourney,
    /// Targeted quality (Ojasalo): customer groups 1 to 3, service level
    /// following importance.
    TargetedQuality,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StagePreset {
    /// KARD (Millman & Wilson): Pre-KAM ... Uncoupling-KAM, the default.
    Kard,
    /// McDonald, Millman & Rogers: Exploratory ... Integrated, Disintegrating.
    McdonaldMillmanRogers,
    /// The KAM journey (Cheverton): Bow-tie, One-on-many, Duet, Diamond team.
    KamJourney,
}

/// The name of a tier model as pages show it.
pub fn tier_model(p: TierPreset) -> &'static str {
    match p {
        TierPreset::Default => "Diamond, Foundation, Portfolio, Opportunistic",
        TierPreset::ValueJourney => "The value journey (Cranfield)",
        TierPreset::TargetedQuality => "Targeted quality based on customer importance (Ojasalo)",
    }
}

/// The name of a stage model as pages show it.
pub fn stage_model(p: StagePreset) -> &'static str {
    match p {
        StagePreset::Kard => "KARD relationship stages (Millman & Wilson)",
        StagePreset::McdonaldMillmanRogers => "Relationship development (McDonald, Millman & Rogers)",
        StagePreset::KamJourney => "The KAM journey (Cheverton)",
    }
}

fn tier(id: &str, name: &str, key: bool, description: &str) -> Tier {
    Tier {
        id: id.into(),
        name: name.into(),
        key,
        description: Some(description.into()),
    }
}

fn stage(id: &str, name: &str, description: &str) -> Stage {
    Stage {
        id: id.into(),
        name: name.into(),
        description: Some(description.into()),
    }
}

pub fn preset_tiers(p: TierPreset) -> Vec<Tier> {
    match p {
        TierPreset::Default => super::frameworks::default_tiers(),
        TierPreset::ValueJourney => vec![
            tier(
                "tier-1",
                "Tier 1: Mutual benefit",
                true,
                "Mutual benefit, a joint venture: new services created together, no competition, wealth creation for both.",
            ),
            tier(
                "tier-2",
                "Tier 2: Value add",
                true,
                "Value add: shared services, less competition and higher margins.",
            ),
            tier(
                "tier-3",
                "Tier 3: Differentiator",
                true,
                "Differentiator: specific services set us apart; the cost of sale reduces.",
            ),
            tier(
                "tier-4",
                "Tier 4: Price",
                false,
                "Price: simple services, every deal is a battle and the cost of sale is high. The journey moves accounts from Tier 4 toward Tier 1.",
            ),
        ],
        TierPreset::TargetedQuality => vec![
            tier(
                "group-1",
                "Customer group 1",
                true,
                "Brings the most profit and shareholder value: raise the quality provided.",
            ),
            tier(
                "group-2",
                "Customer group 2",
                true,
                "Significantly less profitable: maintain the quality provided, and develop toward group 1.",
            ),
            tier(
                "group-3",
                "Customer group 3",
                false,
                "Loss-making today: lower the quality provided to save cost; develop those with future potential toward groups 2 and 1, end the others with care.",
            ),
        ],
    }
}

pub fn preset_stages(p: StagePreset) -> Vec<Stage> {
    match p {
        StagePreset::Kard => super::frameworks::default_stages(),
        StagePreset::McdonaldMillmanRogers => vec![
            stage(
                "exploratory",
                "Exploratory",
                "Both sides size each other up; no business or only trial orders.",
            ),
            stage(
                "basic",
                "Basic",
                "Transactional: a buyer and a seller, price matters most.",
            ),
            stage(
                "cooperative",
                "Cooperative",
                "More contacts on both sides; we are a preferred supplier.",
            ),
            stage(
                "interdependent",
                "Interdependent",
                "Each side depends on the other; information and plans are shared.",
            ),
            stage(
                "integrated",
                "Integrated",
                "The two work as one: joint teams, joint goals, shared costs.",
            ),
            stage(
                "disintegrating",
                "Disintegrating",
                "The relationship is coming apart, at any earlier stage.",
            ),
        ],
        StagePreset::KamJourney => vec![
            stage(
                "bow-tie",
                "Bow-tie",
                "One seller meets one buyer: a transaction, both sides in control.",
            ),
            stage(
                "one-on-many",
                "One-on-many",
                "The key account manager reaches several people in the customer's organisation.",
            ),
            stage(
                "duet",
                "Duet",
                "Departments on both sides work together, coached by the key account manager; value counts more than price.",
            ),
            stage(
                "diamond-team",
                "Diamond team",
                "Cross-functional teams on both sides; the customer has a key supplier manager of its own.",
            ),
        ],
    }
}
