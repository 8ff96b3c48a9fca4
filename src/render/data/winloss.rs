//! `/data/winloss.json`: the win/loss analysis in the shape documented in
//! docs/data.md; its JSON Schema is generated from the same types.

use super::to_json;
use crate::analyze::winloss::{Group, ReasonCount, WinLoss};
use crate::write::OutputFile;

/// The shape of `/data/winloss.json`; its JSON Schema is generated from these types.
pub(crate) mod json {
    use schemars::JsonSchema;
    use serde::Serialize;

    #[derive(Serialize, JsonSchema)]
    pub struct Overall {
        pub won: usize,
        pub lost: usize,
        pub no_decision: usize,
        pub win_rate: Option<f64>,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Value {
        pub won: f64,
        pub lost: f64,
        pub no_decision: f64,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Competitor<'a> {
        pub competitor: &'a str,
        pub deals: usize,
        pub won: usize,
        pub lost: usize,
        pub win_rate: Option<f64>,
    }
    /// One row of a grouping; the key is named after the grouping ("quarter", "tier", ...).
    #[derive(Serialize, JsonSchema)]
    pub struct Row<'a> {
        #[serde(flatten)]
        pub key: std::collections::BTreeMap<&'static str, Option<&'a str>>,
        pub won: usize,
        pub lost: usize,
        pub no_decision: usize,
        pub win_rate: Option<f64>,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Reason<'a> {
        pub reason: &'a str,
        pub primary: usize,
        pub mentions: usize,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Review<'a> {
        pub account: &'a str,
        pub review: &'a str,
        pub opportunity: &'a str,
        pub date: Option<String>,
        pub quarter: Option<&'a str>,
        pub outcome: Option<&'static str>,
        pub value: Option<f64>,
        pub competitors: &'a [&'a str],
        pub winner: Option<&'a str>,
        pub reasons: Vec<&'a str>,
        pub interviewed: bool,
    }
    #[derive(Serialize, JsonSchema)]
    pub struct Data<'a> {
        pub overall: Overall,
        pub target: f64,
        pub value: Value,
        pub by_competitor: Vec<Competitor<'a>>,
        pub by_quarter: Vec<Row<'a>>,
        pub by_tier: Vec<Row<'a>>,
        pub by_industry: Vec<Row<'a>>,
        pub by_region: Vec<Row<'a>>,
        pub top_win_reasons: Vec<Reason<'a>>,
        pub top_loss_reasons: Vec<Reason<'a>>,
        pub reviews: Vec<Review<'a>>,
    }
}

/// `/data/winloss.json`: the keys documented in docs/data.md.
pub(crate) fn data_file<'a>(wl: &'a WinLoss<'a>) -> OutputFile {
    use json::{Competitor, Data, Overall, Reason, Review, Row, Value};
    let rows = |name: &'static str, groups: &'a [Group], label: bool| -> Vec<Row<'a>> {
        groups
            .iter()
            .map(|g| Row {
                key: [(
                    name,
                    (!g.unset).then_some(if label { g.label.as_str() } else { g.key.as_str() }),
                )]
                .into(),
                won: g.tally.won,
                lost: g.tally.lost,
                no_decision: g.tally.no_decision,
                win_rate: g.tally.win_rate,
            })
            .collect()
    };
    let reasons = |list: &'a [ReasonCount]| -> Vec<Reason<'a>> {
        list.iter()
            .map(|r| Reason {
                reason: &r.reason,
                primary: r.primary,
                mentions: r.mentions,
            })
            .collect()
    };
    let o = &wl.overall;
    let data = Data {
        overall: Overall {
            won: o.tally.won,
            lost: o.tally.lost,
            no_decision: o.tally.no_decision,
            win_rate: o.tally.win_rate,
        },
        target: wl.target,
        value: Value {
            won: o.tally.value_won,
            lost: o.tally.value_lost,
            no_decision: o.tally.value_no_decision,
        },
        by_competitor: o
            .competitors
            .iter()
            .map(|c| Competitor {
                competitor: &c.competitor,
                deals: c.tally.deals,
                won: c.tally.won,
                lost: c.tally.lost,
                win_rate: c.tally.win_rate,
            })
            .collect(),
        by_quarter: rows("quarter", &o.by_quarter, false),
        by_tier: rows("tier", &wl.by_tier, false),
        by_industry: rows("industry", &wl.by_industry, true),
        by_region: rows("region", &wl.by_region, true),
        top_win_reasons: reasons(&o.win_reasons),
        top_loss_reasons: reasons(&o.loss_reasons),
        reviews: wl
            .reviews
            .iter()
            .map(|r| Review {
                account: r.slug,
                review: r.id,
                opportunity: r.opportunity.unwrap_or(r.title),
                date: r.date.map(|d| d.to_string()),
                quarter: r.quarter.as_deref(),
                outcome: r.outcome.map(|o| o.as_str()),
                value: r.value,
                competitors: &r.competitors,
                winner: r.winner,
                reasons: r.reasons.iter().map(|x| x.id).collect(),
                interviewed: r.interviewed,
            })
            .collect(),
    };
    OutputFile::new("data/winloss.json", to_json(&data))
}
