//! The win/loss charts: win rate by quarter against the target, deal
//! counts and values per quarter, head-to-head per competitor and the
//! reasons of won and lost deals.

use super::charts;
use crate::analyze::winloss::{Group, HeadToHead, ReasonCount, Tally, WinLoss};

const WON: &str = "#10b981";
const LOST: &str = "#ef4444";
const NO_DECISION: &str = "#94a3b8";
/// More rows than this make the head-to-head chart a wall; the table lists them all.
const CHART_COMPETITORS: usize = 15;

/// `group` looked up per quarter of the chart axis (quarters without reviews give None).
fn per_quarter<'g>(axis: &[String], groups: &'g [Group]) -> Vec<Option<&'g Tally>> {
    axis.iter()
        .map(|q| groups.iter().find(|g| &g.key == q).map(|g| &g.tally))
        .collect()
}

pub fn trend_chart(wl: &WinLoss, groups: &[Group]) -> String {
    // From the first to the last quarter of these reviews, gaps included.
    let at = |g: Option<&Group>| g.and_then(|g| wl.quarter_axis.iter().position(|q| *q == g.key));
    let axis: &[String] = match (at(groups.first()), at(groups.last())) {
        (Some(a), Some(b)) if a <= b => &wl.quarter_axis[a..=b],
        _ => &[],
    };
    let rates: Vec<Option<f64>> = per_quarter(axis, groups)
        .into_iter()
        .map(|t| t.and_then(|t| t.win_rate))
        .collect();
    charts::rate_trend(
        axis,
        &rates,
        Some(wl.target),
        "Win rate",
        "Win rate by quarter against the target",
    )
}

pub fn volume_chart(axis: &[String], groups: &[Group]) -> String {
    let tallies = per_quarter(axis, groups);
    let count = |f: fn(&Tally) -> usize| -> Vec<f64> {
        tallies.iter().map(|t| t.map(|t| f(t) as f64).unwrap_or(0.0)).collect()
    };
    charts::bars(
        axis,
        &[
            charts::Part {
                name: "Won",
                data: count(|t| t.won),
                color: WON,
            },
            charts::Part {
                name: "Lost",
                data: count(|t| t.lost),
                color: LOST,
            },
            charts::Part {
                name: "No decision",
                data: count(|t| t.no_decision),
                color: NO_DECISION,
            },
        ],
        true,
        "Reviewed deals per quarter by outcome",
    )
}

pub fn value_chart(axis: &[String], groups: &[Group], currency: &str) -> String {
    let tallies = per_quarter(axis, groups);
    let max = tallies
        .iter()
        .flatten()
        .map(|t| t.value_won.max(t.value_lost))
        .fold(0.0, f64::max);
    let (div, unit) = charts::money_scale(max);
    let series = |f: fn(&Tally) -> f64| -> Vec<f64> {
        // Two decimals are plenty on a bar label; the tables have the exact values.
        tallies
            .iter()
            .map(|t| t.map(|t| (f(t) / div * 100.0).round() / 100.0).unwrap_or(0.0))
            .collect()
    };
    let won = format!("Won ({unit}{currency})");
    let lost = format!("Lost ({unit}{currency})");
    charts::bars(
        axis,
        &[
            charts::Part {
                name: &won,
                data: series(|t| t.value_won),
                color: WON,
            },
            charts::Part {
                name: &lost,
                data: series(|t| t.value_lost),
                color: LOST,
            },
        ],
        false,
        "Value won and lost per quarter",
    )
}

pub fn competitor_chart(competitors: &[HeadToHead]) -> String {
    let top = &competitors[..competitors.len().min(CHART_COMPETITORS)];
    let labels: Vec<String> = top.iter().map(|c| c.competitor.clone()).collect();
    let part = |name, color, f: fn(&Tally) -> usize| charts::Part {
        name,
        data: top.iter().map(|c| f(&c.tally) as f64).collect(),
        color,
    };
    charts::stacked_hbar(
        &labels,
        &[
            part("We won", WON, |t| t.won),
            part("We lost", LOST, |t| t.lost),
            part("No decision", NO_DECISION, |t| t.no_decision),
        ],
        // A full-width card is about twice a half card's 640: drawn this
        // wide, its text shows as large as the other charts'.
        1300.0,
        "Deals per competitor by our outcome",
    )
}

pub fn reason_chart(reasons: &[ReasonCount], label: &str) -> String {
    let labels: Vec<String> = reasons.iter().map(|r| r.name.clone()).collect();
    charts::stacked_hbar(
        &labels,
        &[
            charts::Part {
                name: "Primary reason",
                data: reasons.iter().map(|r| r.primary as f64).collect(),
                color: "#60a5fa",
            },
            charts::Part {
                name: "Also mentioned",
                data: reasons.iter().map(|r| (r.mentions - r.primary) as f64).collect(),
                color: "#dbeafe",
            },
        ],
        640.0,
        label,
    )
}
