//! Assessment charts, through charts-rs: the radar of an account's latest
//! assessment with the previous one behind it, the trend of its overall
//! score by date, and the portfolio's distribution of latest scores.
//!
//! As every chart here: axis ranges fixed from the framework's scale (never
//! from the data), the Roboto font, responsive SVG, and a short note
//! instead of a chart charts-rs cannot draw.

use charts_rs::{
    BarChart, Box as Margin, LegendCategory, LineChart, MarkLine, MarkLineCategory, Position, RadarChart,
    RadarIndicator, Series,
};

use super::charts::{FONT, PALETTE, bar_frame, base_line, empty, nice_axis, responsive};
use super::fit;
use super::table::with_table;
use crate::analyze::assessments::{AssessmentView, Distribution};
use crate::model::assessment::{Framework, Scoring};

/// The grey of the previous assessment, drawn behind the latest.
const PREVIOUS: &str = "#94a3b8";

fn series(name: String, data: Vec<Option<f32>>) -> Series {
    let mut s = Series::new(name, Vec::new());
    s.data = data;
    s
}

fn values(a: &AssessmentView) -> Vec<Option<f32>> {
    a.scores.iter().map(|d| d.score.map(|v| v as f32)).collect()
}

fn dated(what: &str, a: &AssessmentView) -> String {
    match a.date {
        Some(d) => format!("{what} {d}"),
        None => what.to_string(),
    }
}

/// Rings of the web: one per round step of the scale.
fn rings(fw: &Framework) -> usize {
    let span = fw.scale.max - fw.scale.min;
    [5usize, 4, 3, 6, 2]
        .into_iter()
        .find(|n| {
            let step = span / *n as f64;
            (step - step.round()).abs() < 1e-9 && step >= 1.0
        })
        .unwrap_or(if span <= 1.0 { 2 } else { 4 })
}

/// The radar of `latest`, with `previous` behind it in grey. The web runs
/// from the scale's minimum at the centre to its maximum at the rim. A
/// framework of fewer than three dimensions gets bars instead.
pub fn radar(fw: &Framework, latest: &AssessmentView, previous: Option<&AssessmentView>) -> String {
    let label = format!("{}: {}", fw.name, dated("latest assessment", latest));
    if fw.dimensions.len() < 3 {
        return bars(fw, latest, previous, &label);
    }
    let indicators: Vec<RadarIndicator> = fw
        .dimensions
        .iter()
        .map(|d| RadarIndicator {
            name: fit(&d.name, 20),
            min: fw.scale.min as f32,
            max: fw.scale.max as f32,
        })
        .collect();
    let mut list = Vec::new();
    let mut colors = Vec::new();
    if let Some(p) = previous {
        let mut s = series(dated("Previous", p), values(p));
        s.stroke_dash_array = Some("4,3".into());
        s.fill = Some(false);
        list.push(s);
        colors.push(PREVIOUS.into());
    }
    list.push(series(dated("Latest", latest), values(latest)));
    colors.push(PALETTE[0].into());
    let mut chart = RadarChart::new(list, indicators);
    // Wider than tall: the labels left and right of the web get room.
    chart.width = 560.0;
    chart.height = 380.0;
    chart.font_family = FONT.into();
    chart.margin = Margin {
        left: 8.0,
        top: 8.0,
        right: 8.0,
        bottom: 8.0,
    };
    chart.legend.position = Some(Position::Bottom);
    chart.legend.category = LegendCategory::RoundRect;
    chart.series.colors = colors;
    chart.series.label.font.size = 13.0;
    chart.split_number = rings(fw);
    let names: Vec<String> = fw.dimensions.iter().map(|d| d.name.clone()).collect();
    match chart.svg() {
        Ok(svg) => with_table(responsive(&svg, &label), &label, &names, &chart.series_list),
        Err(_) => empty("Chart unavailable."),
    }
}

/// Bars per dimension, latest beside previous, on the scale's range.
fn bars(fw: &Framework, latest: &AssessmentView, previous: Option<&AssessmentView>, label: &str) -> String {
    let labels: Vec<String> = fw.dimensions.iter().map(|d| fit(&d.name, 24)).collect();
    let mut list = Vec::new();
    let mut colors = Vec::new();
    if let Some(p) = previous {
        list.push(series(dated("Previous", p), values(p)));
        colors.push(PREVIOUS.into());
    }
    let mut s = series(dated("Latest", latest), values(latest));
    s.label_show = true;
    list.push(s);
    colors.push(PALETTE[0].into());
    let mut chart = BarChart::new(list, labels);
    chart.width = 560.0;
    chart.height = 300.0;
    chart.font_family = FONT.into();
    chart.legend.position = Some(Position::Bottom);
    chart.legend.category = LegendCategory::RoundRect;
    chart.series.colors = colors;
    chart.radius = Some(3.0);
    chart.y_axis_configs[0].min = Some(fw.scale.min as f32);
    chart.y_axis_configs[0].max = Some(fw.scale.max as f32);
    chart.y_axis_configs[0].split_number = rings(fw);
    match chart.svg() {
        Ok(svg) => with_table(responsive(&svg, label), label, &chart.x_axis.data, &chart.series_list),
        Err(_) => empty("Chart unavailable."),
    }
}

/// The value axis of a framework's overall score: the scale for a mean,
/// 0 to the number of criteria for a checklist, and 0 to a round number
/// above the highest score (at least 6) for the trust equation.
pub fn overall_axis(fw: &Framework, highest: f64) -> (f64, f64, usize) {
    match fw.scoring {
        Scoring::Mean => (fw.scale.min, fw.scale.max, rings(fw)),
        Scoring::Count => {
            let n = fw.dimensions.len().max(1);
            (0.0, n as f64, if n.is_multiple_of(4) { 4 } else { n.min(5) })
        }
        Scoring::TrustEquation => {
            // Room above the highest point for its label.
            let (max, split) = nice_axis((highest * 1.1).max(6.0));
            (0.0, max, split)
        }
    }
}

/// The overall score of each assessment by date, oldest first. The trust
/// equation gets a line at 3, where all four dimensions are equal.
pub fn trend(fw: &Framework, history: &[AssessmentView]) -> String {
    let points: Vec<(String, f32)> = history
        .iter()
        .filter_map(|a| Some((a.date?.to_string(), a.overall? as f32)))
        .collect();
    if points.is_empty() {
        return empty("No overall score to chart yet.");
    }
    let highest = points.iter().map(|p| f64::from(p.1)).fold(0.0, f64::max);
    let (min, max, split) = overall_axis(fw, highest);
    let labels: Vec<String> = points.iter().map(|p| p.0.clone()).collect();
    let data: Vec<f32> = points.iter().map(|p| (p.1 * 100.0).round() / 100.0).collect();
    let mut s = Series::from(("Overall", data));
    s.label_show = true;
    if fw.scoring == Scoring::TrustEquation {
        s.mark_lines = vec![MarkLine {
            category: MarkLineCategory::Value(3.0),
            color: Some(PREVIOUS.into()),
            stroke_width: Some(1.0),
            stroke_dash_array: Some("4,3".into()),
        }];
    }
    let mut chart = LineChart::new(vec![s], labels);
    // As wide as the profile's card, so its text is not scaled up.
    base_line(&mut chart, 1100.0, 220.0);
    chart.margin = Margin {
        left: 8.0,
        top: 24.0,
        right: 32.0,
        bottom: 8.0,
    };
    chart.legend.show = Some(false);
    chart.series.colors = vec![PALETTE[0].into()];
    chart.y_axis_configs[0].min = Some(min as f32);
    chart.y_axis_configs[0].max = Some(max as f32);
    chart.y_axis_configs[0].split_number = split;
    // Few points: keep them off the plot's edges.
    chart.x_axis.boundary_gap = Some(true);
    let label = format!("{}: overall score by date", fw.name);
    match chart.svg() {
        Ok(svg) => with_table(responsive(&svg, &label), &label, &chart.x_axis.data, &chart.series_list),
        Err(_) => empty("Chart unavailable."),
    }
}

/// Accounts per bin of their latest overall score.
pub fn distribution(d: &Distribution) -> String {
    if d.assessed == 0 {
        return empty("No account assessed yet.");
    }
    let labels: Vec<String> = d.bins.iter().map(|b| b.label.clone()).collect();
    let counts: Vec<f32> = d.bins.iter().map(|b| b.count as f32).collect();
    let highest = d.bins.iter().map(|b| b.count).max().unwrap_or(0) as f64;
    let (max, split) = nice_axis((highest * 1.15).max(4.0));
    let mut s = Series::from(("Accounts", counts));
    s.label_show = true;
    let mut chart = BarChart::new(vec![s], labels);
    bar_frame(&mut chart);
    chart.width = 560.0;
    chart.height = 260.0;
    chart.legend.show = Some(false);
    chart.series.colors = vec![PALETTE[2].into()];
    chart.radius = Some(3.0);
    chart.y_axis_configs[0].min = Some(0.0);
    chart.y_axis_configs[0].max = Some(max as f32);
    chart.y_axis_configs[0].split_number = split;
    let label = format!("{}: accounts by latest overall score", d.framework.name);
    match chart.svg() {
        Ok(svg) => with_table(responsive(&svg, &label), &label, &chart.x_axis.data, &chart.series_list),
        Err(_) => empty("Chart unavailable."),
    }
}
