//! `site.yaml`: site settings and the KAM frameworks, with defaults.
//!
//! Everything has a default, so an empty or missing site.yaml gives a working
//! site: the McDonald portfolio matrix, the four default tiers, the six KARD
//! stages and the default win/loss reason taxonomy (those defaults live in
//! `model/frameworks.rs`). [`RawConfig`] is the file as written;
//! [`SiteConfig`] is what every later stage reads.

use indexmap::IndexMap;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::frameworks::{builtin_factor_ids, default_reasons, default_stages, default_tiers, preset_matrix};
use super::presets::Listed;
use crate::source::{SourceFile, Spanned};

/// site.yaml as loaded: its text, and what it says before defaults are
/// filled in (what `validate` checks and points into).
#[derive(Debug)]
pub struct ConfigFile {
    pub file: SourceFile,
    pub raw: RawConfig,
}

/// The file as written. Every field optional; [`SiteConfig::resolve`] fills defaults.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// The site's title, shown in every page header.
    pub title: Option<String>,
    /// Our company's name, as customers see it on their plans (default: the title).
    pub company: Option<String>,
    /// Where the site is published, e.g. https://kam.example.com/ (default /).
    /// Setting it makes `links` default to `folders`.
    pub base_url: Option<String>,
    /// How links to a page are written: `files` (accounts/index.html, the
    /// site works opened from disk) or `folders` (accounts/, for a web
    /// server). Default: `files`, or `folders` when base_url is set.
    #[schemars(with = "Option<Links>")]
    pub links: Option<Links>,
    /// Currency of all money values, e.g. EUR (default).
    pub currency: Option<String>,
    /// Language of the pages, e.g. en (default).
    pub language: Option<String>,
    /// A theme folder under themes/; default: the built-in theme.
    #[schemars(with = "Option<String>")]
    pub theme: Option<Spanned<String>>,
    /// Fixed "today" for reproducible builds; default: the build date.
    #[schemars(with = "Option<super::values::IsoDate>")]
    pub today: Option<Date>,
    /// The portfolio matrix: a preset, or your own axes and quadrants.
    pub matrix: Option<RawMatrix>,
    /// Ordered account tiers `{ id, name, key, description }`, or
    /// `{ preset: value-journey | targeted-quality | default }`; default
    /// diamond, foundation, portfolio, opportunistic.
    #[schemars(with = "Option<super::presets::Tiers>")]
    pub tiers: Option<Listed<Tier, super::presets::TierPreset>>,
    /// Ordered relationship stages `{ id, name, description }`, or
    /// `{ preset: kard | mcdonald-millman-rogers | kam-journey }`; default the six KARD stages.
    #[schemars(with = "Option<super::presets::Stages>")]
    pub stages: Option<Listed<Stage, super::presets::StagePreset>>,
    /// Win/loss reason taxonomy and win-rate target.
    pub win_loss: Option<RawWinLoss>,
    /// Days without a note or contact after which an account or contact counts as stale (default 90).
    pub stale_after_days: Option<u32>,
    /// Ask search engines not to index the internal portal: `robots.txt`
    /// with `Disallow: /` and a `noindex` meta tag in every page (default
    /// true). Set false only for a portal that is meant to be public.
    /// Customer sites are never indexed.
    pub noindex: Option<bool>,
    /// Accounts per page of the paginated lists (`/accounts/`, default 100);
    /// a list no longer than this stays one page.
    pub paginate: Option<u32>,
    /// Assessment frameworks accounts are scored on, over time: presets
    /// (`{ id: trust, preset: trust-equation }`) or the site's own (SPEC 9).
    pub assessments: Option<Vec<super::assessment::RawFramework>>,
    /// Weights of the signals in an account's health score (0-100); no health score without it.
    pub health: Option<super::assessment::HealthWeights>,
    /// Read the change history from git (internal portal only): absent,
    /// when the site folder is the top of its git repository; `true` also
    /// when it is a subfolder of one (only commits under it); `false`
    /// never. See docs/history.md.
    pub history: Option<bool>,
    /// What we sell, `{ id, name }`: the whitespace columns (default none).
    pub offerings: Option<Vec<super::Offering>>,
    /// Parts of a customer that buy on their own, `{ id, name }`: the whitespace rows.
    pub buying_units: Option<Vec<super::BuyingUnit>>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMatrix {
    /// mcdonald (default), kaism, cpm or gosselin-bauwen.
    #[schemars(with = "Option<Preset>")]
    pub preset: Option<Spanned<Preset>>,
    /// The vertical axis; replaces the preset's.
    pub vertical: Option<Axis>,
    /// The horizontal axis; replaces the preset's.
    pub horizontal: Option<Axis>,
    /// Quadrant names; replaces the preset's.
    pub quadrants: Option<Quadrants<String>>,
    /// What to do with the accounts of each quadrant.
    pub strategies: Option<Quadrants<String>>,
}

/// How links to a page folder are written (site.yaml `links`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Links {
    /// `accounts/index.html`: works opened from disk (file://) and on any web server.
    Files,
    /// `accounts/`: short addresses on a web server; opened from disk, such a
    /// link shows a folder listing.
    Folders,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    #[default]
    Mcdonald,
    Kaism,
    Cpm,
    /// Gosselin & Bauwen: relationship proneness x competence-development proneness.
    GosselinBauwen,
}

/// One axis of the portfolio matrix: a weighted mean of factor scores.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// The axis name shown on the chart.
    pub name: String,
    /// Scores at or above the threshold are "high" (top / right).
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// Factor id -> weight. Weights are normalised, so only ratios matter.
    /// Templates get them as a list of `{factor, weight}` in file order.
    #[serde(serialize_with = "factor_list")]
    pub factors: IndexMap<String, f64>,
}

fn factor_list<S: serde::Serializer>(factors: &IndexMap<String, f64>, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Factor<'a> {
        factor: &'a str,
        weight: f64,
    }
    s.collect_seq(factors.iter().map(|(factor, weight)| Factor {
        factor,
        weight: *weight,
    }))
}

fn default_threshold() -> f64 {
    5.0
}

/// One value per quadrant of the 2x2.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quadrants<T> {
    pub top_right: T,
    pub top_left: T,
    pub bottom_right: T,
    pub bottom_left: T,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// The id accounts use in `tier:`.
    pub id: String,
    /// The name shown on pages.
    pub name: String,
    /// Key-account tiers get the full KAM treatment (staleness, sponsor, owner).
    #[serde(default)]
    pub key: bool,
    /// What the tier means.
    pub description: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// The id accounts use in `stage:`.
    pub id: String,
    /// The name shown on pages.
    pub name: String,
    /// What the stage means.
    pub description: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// The id reviews use in `reasons:`.
    pub id: String,
    /// The name shown on pages.
    pub name: String,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWinLoss {
    /// The reason taxonomy `{ id, name }`; reviews list ids from it.
    pub reasons: Option<Vec<Reason>>,
    /// Win-rate target, 0..1.
    pub target: Option<f64>,
}

/// The resolved portfolio matrix.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    pub preset: Option<Preset>,
    /// The model's name as shown on pages, e.g. "McDonald & Rogers KAM portfolio".
    pub model: String,
    pub vertical: Axis,
    pub horizontal: Axis,
    pub quadrants: Quadrants<String>,
    pub strategies: Quadrants<String>,
}

/// The resolved site configuration every later stage reads.
#[derive(Clone, Debug, Serialize)]
pub struct SiteConfig {
    pub title: String,
    /// Our company's name in customer builds.
    pub company: String,
    pub base_url: String,
    /// How links to pages are written.
    pub links: Links,
    /// Whether site.yaml chose `links` itself (a `--base-url` then leaves it).
    pub links_chosen: bool,
    pub currency: String,
    pub language: String,
    pub theme: Option<String>,
    pub today: Option<Date>,
    pub matrix: Matrix,
    pub tiers: Vec<Tier>,
    pub stages: Vec<Stage>,
    pub win_loss: WinLoss,
    pub stale_after_days: u32,
    /// site.yaml `noindex`: `robots.txt` disallowing everything and a
    /// `noindex` meta tag in every page of the internal portal.
    pub noindex: bool,
    /// site.yaml `paginate`: accounts per page of the paginated lists (at least 1).
    pub paginate: usize,
    /// The tier and stage models' names when a preset (or the default) is used.
    pub tier_model: Option<&'static str>,
    pub stage_model: Option<&'static str>,
    /// site.yaml `assessments`, resolved, in file order.
    pub assessments: Vec<super::assessment::Framework>,
    #[serde(skip)]
    pub health: Option<super::assessment::HealthWeights>,
    /// site.yaml `history` (see [`RawConfig::history`]).
    pub history: Option<bool>,
    /// site.yaml `offerings` (SPEC 10); empty: no whitespace views.
    pub offerings: Vec<super::Offering>,
    /// site.yaml `buying_units`.
    pub buying_units: Vec<super::BuyingUnit>,
}

#[derive(Clone, Debug, Serialize)]
pub struct WinLoss {
    pub reasons: Vec<Reason>,
    pub target: f64,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig::resolve(RawConfig::default())
    }
}

impl SiteConfig {
    /// `--base-url`: the site has an address, so its links are folder links
    /// unless site.yaml chose `links`.
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = url.to_string();
        if !self.links_chosen {
            self.links = Links::Folders;
        }
    }

    pub fn resolve(raw: RawConfig) -> SiteConfig {
        let matrix = raw.matrix.unwrap_or_default();
        let preset = matrix.preset.as_ref().map(|p| p.value).unwrap_or_default();
        let base = preset_matrix(preset);
        // Writing out the preset's own values (as `kamsite init` does) is not a customisation.
        let custom = matrix.vertical.as_ref().is_some_and(|a| *a != base.vertical)
            || matrix.horizontal.as_ref().is_some_and(|a| *a != base.horizontal)
            || matrix.quadrants.as_ref().is_some_and(|q| *q != base.quadrants);
        let preset_used = if custom && matrix.preset.is_none() {
            None
        } else {
            Some(preset)
        };
        let matrix = Matrix {
            model: match preset_used {
                Some(_) if custom => format!("{} (customised)", base.model),
                Some(_) => base.model.clone(),
                None => "Custom portfolio matrix".into(),
            },
            preset: preset_used,
            vertical: matrix.vertical.unwrap_or(base.vertical),
            horizontal: matrix.horizontal.unwrap_or(base.horizontal),
            quadrants: matrix.quadrants.unwrap_or(base.quadrants),
            strategies: matrix.strategies.unwrap_or(base.strategies),
        };
        let win_loss = raw.win_loss.unwrap_or_default();
        SiteConfig {
            company: raw
                .company
                .or_else(|| raw.title.clone())
                .unwrap_or_else(|| "Key accounts".into()),
            title: raw.title.unwrap_or_else(|| "Key accounts".into()),
            links: raw.links.unwrap_or(if raw.base_url.is_some() {
                Links::Folders
            } else {
                Links::Files
            }),
            links_chosen: raw.links.is_some(),
            base_url: raw.base_url.unwrap_or_else(|| "/".into()),
            currency: raw.currency.unwrap_or_else(|| "EUR".into()),
            language: raw.language.unwrap_or_else(|| "en".into()),
            theme: raw.theme.map(|t| t.value),
            today: raw.today,
            matrix,
            tier_model: match &raw.tiers {
                Some(Listed::List(_)) => None,
                Some(Listed::Preset(p)) => Some(super::presets::tier_model(p.value)),
                None => Some(super::presets::tier_model(super::presets::TierPreset::Default)),
            },
            stage_model: match &raw.stages {
                Some(Listed::List(_)) => None,
                Some(Listed::Preset(p)) => Some(super::presets::stage_model(p.value)),
                None => Some(super::presets::stage_model(super::presets::StagePreset::Kard)),
            },
            tiers: match raw.tiers {
                Some(Listed::List(l)) => l,
                Some(Listed::Preset(p)) => super::presets::preset_tiers(p.value),
                None => default_tiers(),
            },
            stages: match raw.stages {
                Some(Listed::List(l)) => l,
                Some(Listed::Preset(p)) => super::presets::preset_stages(p.value),
                None => default_stages(),
            },
            assessments: raw
                .assessments
                .iter()
                .flatten()
                .map(|f| f.resolve(raw.stale_after_days.unwrap_or(90)))
                .collect(),
            health: raw.health,
            win_loss: WinLoss {
                reasons: win_loss.reasons.unwrap_or_else(default_reasons),
                target: win_loss.target.unwrap_or(0.8),
            },
            stale_after_days: raw.stale_after_days.unwrap_or(90),
            noindex: raw.noindex.unwrap_or(true),
            paginate: raw.paginate.unwrap_or(100).max(1) as usize,
            history: raw.history,
            offerings: raw.offerings.unwrap_or_default(),
            buying_units: raw.buying_units.unwrap_or_default(),
        }
    }

    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }

    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    pub fn framework(&self, id: &str) -> Option<&super::assessment::Framework> {
        self.assessments.iter().find(|f| f.id == id)
    }

    pub fn reason(&self, id: &str) -> Option<&Reason> {
        self.win_loss.reasons.iter().find(|r| r.id == id)
    }

    /// Every factor id either matrix axis uses.
    pub fn factor_ids(&self) -> impl Iterator<Item = &str> {
        self.matrix
            .vertical
            .factors
            .keys()
            .chain(self.matrix.horizontal.factors.keys())
            .map(String::as_str)
    }
}

/// The date the build treats as today: site.yaml `today`, else the system date.
pub fn today(config: &SiteConfig) -> Date {
    config.today.unwrap_or_else(system_date)
}

/// Today's date in UTC, from the system clock.
fn system_date() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let epoch = Date::constant(1970, 1, 1);
    epoch.checked_add(jiff::Span::new().days(days)).unwrap_or(epoch)
}
