//! SVG charts, through charts-rs: bars, lines, the Pareto curve and the
//! financials. With [`super::matrix`], the only modules that know charts-rs.
//!
//! Every chart fixes its axis ranges itself (charts-rs would otherwise pick
//! them from the data), uses the Roboto font the theme ships, and is made
//! responsive (width/height dropped, viewBox kept) so it scales with the
//! page. Charts never fail a build: a chart charts-rs cannot draw becomes a
//! short "no data" note.

use charts_rs::{
    BarChart, Box as Margin, HorizontalBarChart, LegendCategory, LineChart, MarkLine, MarkLineCategory, Position,
    Series, SeriesCategory,
};

use super::html_escape;
use super::table::{with_table, with_table_flipped};
use crate::analyze::pareto::Pareto;

pub(super) const FONT: &str = "Roboto";
pub const PALETTE: [&str; 6] = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b"];

/// A series with gaps (None draws nothing for that category).
fn gappy(name: impl Into<String>, data: Vec<Option<f32>>) -> Series {
    let mut s = Series::new(name.into(), Vec::new());
    s.data = data;
    s
}

pub(super) fn empty(msg: &str) -> String {
    format!("<p class=\"chart-empty\">{}</p>", html_escape(msg))
}

/// Drop the fixed size so the SVG scales to its container; keep the
/// viewBox. Adds its role, label, `<title>` and `<desc>`, and drops the
/// labels' repeated attributes ([`super::compact`]).
pub(super) fn responsive(svg: &str, label: &str) -> String {
    let svg = &super::compact::compact(svg);
    let Some(end) = svg.find('>') else {
        return svg.to_string();
    };
    let root = &svg[..end];
    let mut out = String::with_capacity(svg.len() + 120);
    for (i, attr) in root.split(' ').enumerate() {
        if i > 0 && (attr.starts_with("width=") || attr.starts_with("height=")) {
            continue;
        }
        if i > 0 {
            out.push(' ');
        }
        out.push_str(attr);
    }
    // A drawing whose marks are links is a group of them, not one image.
    let linked = svg.contains("<a ");
    out.push_str(&format!(
        " class=\"chart\" role=\"{}\" aria-label=\"{}\">",
        if linked { "group" } else { "img" },
        html_escape(label)
    ));
    let desc = if linked {
        "Each mark links to its page; the lists on this page name the same items."
    } else {
        super::table::DESC_TABLE
    };
    out.push_str(&super::table::title_desc(label, desc));
    out.push_str(&svg[end + 1..]);
    out
}

/// How far above the largest value an axis must reach when each bar shows
/// its value above it: the label is about 16 px of a 240 px plot.
const LABEL_HEADROOM: f64 = 1.08;

/// A round upper bound and a tick count whose steps are round numbers
/// (1, 2, 2.5 or 5 times a power of ten), e.g. 14.6 -> (15, 3 ticks of 5).
pub fn nice_axis(max: f64) -> (f64, usize) {
    let top = nice_max(max);
    for split in [5, 4, 3, 6, 2] {
        let step = top / split as f64;
        let mag = 10f64.powf(step.log10().floor());
        let m = step / mag;
        if [1.0, 2.0, 2.5, 5.0].iter().any(|n| (m - n).abs() < 1e-9) {
            return (top, split);
        }
    }
    (top, 4)
}

/// A round upper bound for an axis.
pub fn nice_max(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for step in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * mag >= max {
            return step * mag;
        }
    }
    10.0 * mag
}

/// The frame every line chart shares: size, font, margins, legend below, the palette.
pub(super) fn base_line(chart: &mut LineChart, w: f32, h: f32) {
    chart.width = w;
    chart.height = h;
    chart.font_family = FONT.into();
    chart.margin = Margin {
        left: 8.0,
        top: 8.0,
        right: 16.0,
        bottom: 8.0,
    };
    chart.legend.position = Some(Position::Bottom);
    chart.legend.category = LegendCategory::RoundRect;
    chart.series.colors = PALETTE.iter().map(|c| (*c).into()).collect();
}

/// The frame every vertical bar chart shares: size, font, margins, legend below.
pub(super) fn bar_frame(chart: &mut BarChart) {
    chart.width = 640.0;
    chart.height = 300.0;
    chart.font_family = FONT.into();
    chart.margin = Margin {
        left: 8.0,
        top: 12.0,
        right: 16.0,
        bottom: 8.0,
    };
    chart.legend.position = Some(Position::Bottom);
    chart.legend.category = LegendCategory::RoundRect;
}

/// The divisor and unit prefix money up to `max` is drawn in: millions
/// from 2 M ("M "), thousands from 2 k ("k "), else as it is (""). Every
/// money chart names the unit in its series, e.g. "Revenue (M EUR)".
pub fn money_scale(max: f64) -> (f64, &'static str) {
    if max >= 2e6 {
        (1e6, "M ")
    } else if max >= 2e3 {
        (1e3, "k ")
    } else {
        (1.0, "")
    }
}

/// Revenue bars with the margin line on a second axis, one point per year.
pub fn financials(years: &[i32], revenue: &[Option<f64>], margin: &[Option<f64>], currency: &str) -> String {
    if years.is_empty() || revenue.iter().all(Option::is_none) {
        return empty("No financials recorded.");
    }
    let labels: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    let raw_max = revenue.iter().flatten().copied().fold(0.0, f64::max);
    let (div, unit) = money_scale(raw_max);
    // Each bar has its value above it: leave it room below the top line
    // (an axis ending at 3 cut the label of a 2.9 bar).
    let (rmax, rsplit) = nice_axis(raw_max / div * LABEL_HEADROOM);
    let rev: Vec<Option<f32>> = revenue.iter().map(|r| r.map(|r| (r / div) as f32)).collect();
    let mar: Vec<Option<f32>> = margin.iter().map(|m| m.map(|m| (m * 100.0) as f32)).collect();
    let mut bars = gappy(format!("Revenue ({unit}{currency})"), rev);
    bars.label_show = true;
    let mut series = vec![bars];
    let has_margin = mar.iter().any(Option::is_some);
    if has_margin {
        let mut m = gappy("Margin %", mar.clone());
        m.category = Some(SeriesCategory::Line);
        m.y_axis_index = 1;
        series.push(m);
    }
    let mut chart = BarChart::new(series, labels);
    bar_frame(&mut chart);
    chart.series.colors = PALETTE.iter().map(|c| (*c).into()).collect();
    chart.radius = Some(3.0);
    chart.y_axis_configs[0].min = Some(0.0);
    chart.y_axis_configs[0].max = Some(rmax as f32);
    chart.y_axis_configs[0].split_number = rsplit;
    if has_margin {
        // Same tick count on both axes so the grid lines agree.
        let mmax_raw = mar.iter().flatten().fold(0.0f32, |a, b| a.max(*b)) as f64;
        let step = [1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0]
            .into_iter()
            .find(|s| s * rsplit as f64 >= mmax_raw)
            .unwrap_or(25.0);
        let mut y2 = chart.y_axis_configs[0].clone();
        y2.min = Some(0.0);
        y2.max = Some((step * rsplit as f64) as f32);
        y2.formatter = Some("{c}%".into());
        chart.y_axis_configs.push(y2);
    }
    match chart.svg() {
        Ok(svg) => {
            let label = "Revenue and margin by year";
            with_table(responsive(&svg, label), label, &chart.x_axis.data, &chart.series_list)
        }
        Err(_) => empty("Chart unavailable."),
    }
}

/// The Pareto curve, sampled every 10 % of accounts, against an even spread.
pub fn pareto(p: &Pareto) -> String {
    if p.points.len() < 2 {
        return empty("No revenue recorded yet.");
    }
    let at = |x: f64| -> f64 {
        // Linear interpolation on the step points.
        let pts = &p.points;
        for w in pts.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            if x <= x1 + 1e-12 {
                return if x1 > x0 {
                    y0 + (y1 - y0) * (x - x0) / (x1 - x0)
                } else {
                    y1
                };
            }
        }
        1.0
    };
    let xs: Vec<f64> = (0..=10).map(|i| i as f64 / 10.0).collect();
    let labels: Vec<String> = xs.iter().map(|x| format!("{:.0}%", x * 100.0)).collect();
    let curve: Vec<f32> = xs.iter().map(|&x| (at(x) * 100.0) as f32).collect();
    let even: Vec<f32> = xs.iter().map(|&x| (x * 100.0) as f32).collect();
    let mut c = Series::from(("Cumulative share of revenue", curve));
    c.fill = Some(true);
    let mut e = Series::from(("Even spread", even));
    e.stroke_dash_array = Some("4,3".into());
    let mut chart = LineChart::new(vec![c, e], labels);
    base_line(&mut chart, 640.0, 300.0);
    chart.series.colors = vec![PALETTE[0].into(), "#94a3b8".into()];
    chart.y_axis_configs[0].min = Some(0.0);
    chart.y_axis_configs[0].max = Some(100.0);
    chart.y_axis_configs[0].split_number = 5;
    chart.y_axis_configs[0].formatter = Some("{c}%".into());
    chart.x_axis.boundary_gap = Some(false);
    match chart.svg() {
        Ok(svg) => {
            let label = "Cumulative share of revenue against share of accounts";
            with_table(responsive(&svg, label), label, &chart.x_axis.data, &chart.series_list)
        }
        Err(_) => empty("Chart unavailable."),
    }
}

/// Horizontal bars, one per label (e.g. accounts per relationship stage).
pub fn hbar(labels: &[String], values: &[f64], series_name: &str, label: &str) -> String {
    if labels.is_empty() {
        return empty("Nothing to chart.");
    }
    let (max, split) = nice_axis(values.iter().copied().fold(0.0, f64::max));
    let data: Vec<f32> = values.iter().map(|v| *v as f32).collect();
    let mut s = Series::from((series_name, data));
    s.label_show = true;
    // charts-rs draws the first category at the bottom; reverse to read top-down.
    let mut labels = labels.to_vec();
    labels.reverse();
    s.data.reverse();
    let mut chart = HorizontalBarChart::new(vec![s], labels);
    chart.width = 640.0;
    chart.height = (60.0 + 34.0 * values.len() as f32).max(140.0);
    chart.font_family = FONT.into();
    chart.margin = Margin {
        left: 8.0,
        top: 8.0,
        right: 32.0,
        bottom: 8.0,
    };
    chart.legend.show = Some(false);
    chart.series.colors = vec![PALETTE[0].into()];
    chart.y_axis_configs[0].min = Some(0.0);
    chart.y_axis_configs[0].max = Some(max as f32);
    chart.y_axis_configs[0].split_number = split;
    match chart.svg() {
        Ok(svg) => with_table_flipped(responsive(&svg, label), label, &chart.x_axis.data, &chart.series_list),
        Err(_) => empty("Chart unavailable."),
    }
}

/// Vertical bars with an optional horizontal reference line (a target).
pub fn bars_with_target(
    labels: &[String],
    series: &[(&str, Vec<Option<f64>>)],
    y_max: f64,
    percent: bool,
    target: Option<f64>,
    label: &str,
) -> String {
    if labels.is_empty() || series.iter().all(|(_, d)| d.iter().all(Option::is_none)) {
        return empty("Nothing to chart yet.");
    }
    let mut list: Vec<Series> = series
        .iter()
        .map(|(name, data)| {
            let mut s = gappy(*name, data.iter().map(|v| v.map(|v| v as f32)).collect());
            s.label_show = labels.len() <= 12;
            s
        })
        .collect();
    if let (Some(t), Some(first)) = (target, list.first_mut()) {
        first.mark_lines = vec![MarkLine {
            category: MarkLineCategory::Value(t as f32),
            color: Some("#ef4444".into()),
            stroke_width: Some(1.5),
            stroke_dash_array: None,
        }];
    }
    let mut chart = BarChart::new(list, labels.to_vec());
    bar_frame(&mut chart);
    chart.series.colors = PALETTE.iter().map(|c| (*c).into()).collect();
    chart.radius = Some(3.0);
    chart.y_axis_configs[0].min = Some(0.0);
    chart.y_axis_configs[0].max = Some(y_max as f32);
    chart.y_axis_configs[0].split_number = 4;
    if percent {
        chart.y_axis_configs[0].formatter = Some("{c}%".into());
    }
    match chart.svg() {
        Ok(svg) => with_table(responsive(&svg, label), label, &chart.x_axis.data, &chart.series_list),
        Err(_) => empty("Chart unavailable."),
    }
}

/// One named series of a stacked chart, with its colour.
pub struct Part<'a> {
    pub name: &'a str,
    pub data: Vec<f64>,
    pub color: &'a str,
}

fn stacked_series(parts: &[Part], show_labels: bool) -> Vec<Series> {
    parts
        .iter()
        .map(|p| {
            // A zero segment draws nothing and would only print a stray "0".
            let data = p.data.iter().map(|v| (*v != 0.0).then_some(*v as f32)).collect();
            let mut s = gappy(p.name, data);
            s.stack = Some("total".into());
            s.label_show = show_labels;
            s
        })
        .collect()
}

fn stack_max(parts: &[Part], len: usize) -> f64 {
    (0..len)
        .map(|i| parts.iter().filter_map(|p| p.data.get(i)).sum::<f64>())
        .fold(0.0, f64::max)
}

/// A rate (0..1) per category as a line on a 0..100 % axis, with an
/// optional target line. Categories without a rate leave a gap.
pub fn rate_trend(labels: &[String], rates: &[Option<f64>], target: Option<f64>, name: &str, label: &str) -> String {
    if labels.is_empty() || rates.iter().all(Option::is_none) {
        return empty("Nothing to chart yet.");
    }
    // Whole percent, as the tables print them.
    let data = rates.iter().map(|r| r.map(|r| (r * 100.0).round() as f32)).collect();
    let mut s = gappy(name, data);
    s.label_show = labels.len() <= 16;
    s.symbol = Some(charts_rs::Symbol::Circle(3.5, None));
    let mut series = vec![s];
    if let Some(t) = target {
        // A flat series draws the target across the whole plot and names it in the legend.
        let mut line = gappy(
            format!("Target {:.0}%", t * 100.0),
            vec![Some((t * 100.0) as f32); labels.len()],
        );
        line.stroke_dash_array = Some("6,4".into());
        line.symbol = Some(charts_rs::Symbol::None);
        series.push(line);
    }
    let mut chart = LineChart::new(series, labels.to_vec());
    base_line(&mut chart, 640.0, 300.0);
    // Room above the 100 % line for its value labels.
    chart.margin.top = 24.0;
    chart.series.colors = vec![PALETTE[0].into(), "#ef4444".into()];
    chart.series.label.formatter = "{c}%".into();
    chart.series.label.hide_overlap = true;
    chart.tooltip.show = true;
    chart.y_axis_configs[0].min = Some(0.0);
    chart.y_axis_configs[0].max = Some(100.0);
    chart.y_axis_configs[0].split_number = 5;
    chart.y_axis_configs[0].formatter = Some("{c}%".into());
    chart.x_axis.label_overflow = charts_rs::AxisLabelOverflow::Rotate;
    match chart.svg() {
        Ok(svg) => with_table(responsive(&svg, label), label, &chart.x_axis.data, &chart.series_list),
        Err(_) => empty("Chart unavailable."),
    }
}

/// Vertical bars from `parts`, one group per label (e.g. per quarter):
/// stacked into one bar, or side by side.
pub fn bars(labels: &[String], parts: &[Part], stacked: bool, label: &str) -> String {
    if labels.is_empty() || parts.iter().all(|p| p.data.iter().all(|v| *v == 0.0)) {
        return empty("Nothing to chart yet.");
    }
    let top = if stacked {
        stack_max(parts, labels.len())
    } else {
        parts.iter().flat_map(|p| p.data.iter().copied()).fold(0.0, f64::max)
    };
    // Side by side, each bar's value is printed above it: leave it room
    // (stacked, the values are inside the bars).
    let (max, split) = nice_axis(if stacked { top } else { top * LABEL_HEADROOM });
    let mut series = stacked_series(parts, labels.len() <= 16);
    if !stacked {
        for s in &mut series {
            s.stack = None;
        }
    }
    let mut chart = BarChart::new(series, labels.to_vec());
    bar_frame(&mut chart);
    chart.series.colors = parts.iter().map(|p| p.color.into()).collect();
    if stacked {
        chart.series_label_position = Some(Position::Inside);
    }
    chart.series.label.hide_overlap = true;
    chart.tooltip.show = true;
    chart.radius = Some(2.0);
    chart.y_axis_configs[0].min = Some(0.0);
    chart.y_axis_configs[0].max = Some(max as f32);
    chart.y_axis_configs[0].split_number = split;
    chart.x_axis.label_overflow = charts_rs::AxisLabelOverflow::Rotate;
    match chart.svg() {
        Ok(svg) => with_table(responsive(&svg, label), label, &chart.x_axis.data, &chart.series_list),
        Err(_) => empty("Chart unavailable."),
    }
}

/// Horizontal bars stacked from `parts`, one row per label, first label on
/// top. `width` is the drawing's width: wider for a full-width card, so its
/// text is not scaled up.
pub fn stacked_hbar(labels: &[String], parts: &[Part], width: f32, label: &str) -> String {
    if labels.is_empty() || parts.iter().all(|p| p.data.iter().all(|v| *v == 0.0)) {
        return empty("Nothing to chart yet.");
    }
    let (max, split) = nice_axis(stack_max(parts, labels.len()));
    // charts-rs draws the first category at the bottom; reverse to read top-down.
    let mut labels = labels.to_vec();
    labels.reverse();
    let mut series = stacked_series(parts, true);
    for s in &mut series {
        s.data.reverse();
    }
    let rows = labels.len();
    let mut chart = HorizontalBarChart::new(series, labels);
    chart.width = width;
    chart.height = (70.0 + 30.0 * rows as f32).max(150.0);
    chart.font_family = FONT.into();
    chart.margin = Margin {
        left: 8.0,
        top: 8.0,
        right: 24.0,
        bottom: 8.0,
    };
    chart.legend.position = Some(Position::Bottom);
    chart.legend.category = LegendCategory::RoundRect;
    chart.series.colors = parts.iter().map(|p| p.color.into()).collect();
    chart.series_label_position = Some(Position::Inside);
    chart.series.label.hide_overlap = true;
    chart.tooltip.show = true;
    chart.y_axis_configs[0].min = Some(0.0);
    chart.y_axis_configs[0].max = Some(max as f32);
    chart.y_axis_configs[0].split_number = split;
    match chart.svg() {
        Ok(svg) => with_table_flipped(responsive(&svg, label), label, &chart.x_axis.data, &chart.series_list),
        Err(_) => empty("Chart unavailable."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_max_rounds_up() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 8.0);
        assert_eq!(nice_max(4_200_000.0), 5_000_000.0);
        assert_eq!(nice_max(100.0), 100.0);
        assert_eq!(nice_axis(14.6), (15.0, 3));
        assert_eq!(nice_axis(4.0), (4.0, 4));
        assert_eq!(nice_axis(7.0), (8.0, 4));
    }

    #[test]
    fn charts_survive_empty_and_odd_input() {
        assert!(financials(&[], &[], &[], "EUR").contains("No financials"));
        assert!(financials(&[2025], &[Some(0.0)], &[None], "EUR").contains("<svg"));
        // A bar just under a round number gets an axis above it, with room
        // for its label: 2.9 M reaches to 4 M, not 3 M.
        let svg = financials(&[2024, 2025], &[Some(2.9e6), Some(2.7e6)], &[None, None], "EUR");
        let ticks: Vec<&str> = svg
            .split("</text>")
            .filter_map(|t| t.rsplit('>').next())
            .map(str::trim)
            .collect();
        assert!(ticks.contains(&"4") && !ticks.contains(&"5"), "{ticks:?}");
        assert!(hbar(&[], &[], "n", "x").contains("Nothing"));
        assert!(pareto(&Pareto::default()).contains("No revenue"));
    }
}
