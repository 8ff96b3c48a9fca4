//! The money charts of the portfolio pages: the open pipeline by stage
//! and by close quarter, weighted beside unweighted (`/pipeline/`), and
//! the open potential per offering (`/whitespace/`). Values are drawn in
//! thousands or millions of the site currency, the unit in the series
//! name and the chart's heading, as the win/loss value chart does.

use super::charts::{self, PALETTE, Part, money_scale};
use crate::analyze::pipeline::Bucket;

/// `v` in the unit of `div`, two decimals (the tables have exact values).
fn scaled(v: f64, div: f64) -> f64 {
    (v / div * 100.0).round() / 100.0
}

/// The unit a money chart is drawn in, e.g. "k EUR", for its heading.
pub fn money_unit(max: f64, currency: &str) -> String {
    format!("{}{currency}", money_scale(max).1)
}

/// Open pipeline per bucket (a stage, a quarter): unweighted and weighted bars side by side.
pub fn pipeline_bars(buckets: &[Bucket], currency: &str, label: &str) -> String {
    let max = buckets.iter().map(|b| b.value.max(b.weighted)).fold(0.0, f64::max);
    let (div, unit) = money_scale(max);
    let labels: Vec<String> = buckets.iter().map(|b| b.key.clone()).collect();
    let value = format!("Unweighted ({unit}{currency})");
    let weighted = format!("Weighted ({unit}{currency})");
    charts::bars(
        &labels,
        &[
            Part {
                name: &value,
                data: buckets.iter().map(|b| scaled(b.value, div)).collect(),
                color: PALETTE[0],
            },
            Part {
                name: &weighted,
                data: buckets.iter().map(|b| scaled(b.weighted, div)).collect(),
                color: PALETTE[1],
            },
        ],
        false,
        label,
    )
}

/// Open potential per offering, one bar each, in the unit of [`money_unit`].
pub fn potential_bars(labels: &[String], values: &[f64], currency: &str) -> String {
    let max = values.iter().copied().fold(0.0, f64::max);
    let (div, unit) = money_scale(max);
    let data: Vec<f64> = values.iter().map(|v| scaled(*v, div)).collect();
    charts::hbar(
        labels,
        &data,
        &format!("Open potential ({unit}{currency})"),
        "Open potential by offering",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_scales_at_two_thousand_and_two_million() {
        assert_eq!(money_scale(1999.0), (1.0, ""));
        assert_eq!(money_scale(2000.0), (1e3, "k "));
        assert_eq!(money_scale(2e6), (1e6, "M "));
        assert_eq!(money_unit(320_000.0, "EUR"), "k EUR");
        assert_eq!(scaled(123_456.0, 1e3), 123.46);
    }
}
