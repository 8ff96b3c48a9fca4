//! `/data/whitespace.json`, `/data/opportunities.json` and
//! `/data/pipeline.json` (SPEC 10; keys in docs/data.md).

use schemars::JsonSchema;
use serde::Serialize;

use super::to_json;
use crate::analyze::Portfolio;
use crate::analyze::groups_rollup::{GroupRollup, groups};
use crate::analyze::pipeline::{OpportunityRow, OwnerBook, Pipeline, owners, pipeline, rows};
use crate::analyze::whitespace::{Cell, OfferingRollup, by_offering, cells};
use crate::model::Offering;
use crate::write::OutputFile;

/// `/data/whitespace.json`.
#[derive(Serialize, JsonSchema)]
pub struct WhitespaceData<'a> {
    /// site.yaml `offerings`, in order.
    pub offerings: &'a [Offering],
    /// site.yaml `buying_units`, in order.
    pub buying_units: &'a [Offering],
    /// Per offering: accounts where current, open potential, pipeline.
    pub by_offering: Vec<OfferingRollup<'a>>,
    /// Every whitespace cell, by account.
    pub cells: Vec<Cell<'a>>,
}

/// `/data/pipeline.json`.
#[derive(Serialize, JsonSchema)]
pub struct PipelineData<'a> {
    /// Open opportunities by stage and by close quarter.
    pub pipeline: Pipeline,
    /// Each key account manager's book.
    pub owners: Vec<OwnerBook<'a>>,
    /// Each account group's roll-up.
    pub groups: Vec<GroupRollup<'a>>,
}

pub type OpportunitiesData<'a> = Vec<OpportunityRow<'a>>;

pub fn data_files(p: &Portfolio<'_>) -> Vec<OutputFile> {
    let ws = WhitespaceData {
        offerings: &p.config.offerings,
        buying_units: &p.config.buying_units,
        by_offering: by_offering(p.config, &p.accounts),
        cells: cells(&p.accounts),
    };
    let opps = rows(&p.accounts);
    let pl = PipelineData {
        pipeline: pipeline(&opps),
        owners: owners(&p.accounts, &p.plans),
        groups: groups(&p.accounts),
    };
    vec![
        OutputFile::new("data/whitespace.json", to_json(&ws)),
        OutputFile::new("data/opportunities.json", to_json(&opps)),
        OutputFile::new("data/pipeline.json", to_json(&pl)),
    ]
}
