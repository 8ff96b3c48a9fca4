//! SVG charts, through charts-rs. The only module that knows charts-rs.
//!
//! Every chart fixes its axis ranges itself (charts-rs would otherwise pick
//! them from the data), uses the Roboto font the theme ships, and is made
//! responsive (width/height dropped, viewBox kept) so it scales with the
//! page. Charts never fail a build: a chart charts-rs cannot draw becomes a
//! short "no data" note.

use charts_rs::{
    BarChart, Box as Margin, HorizontalBarChart, LegendCategory, LineChart, MarkLine, MarkLineCategory, Position,
    ScatterChart, Series, SeriesCategory,
};

use std::collections::{HashMap, VecDeque};

use super::svg::{escape_into, fit, html_escape};
use crate::analyze::pareto::Pareto;

const FONT: &str = "Roboto";
pub const PALETTE: [&str; 6] = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b"];

/// A series with gaps (None draws nothing for that category).
fn gappy(name: impl Into<String>, data: Vec<Option<f32>>) -> Series {
    let mut s = Series::new(name.into(), Vec::new());
    s.data = data;
    s
}

fn empty(msg: &str) -> String {
    format!("<p class=\"chart-empty\">{}</p>", html_escape(msg))
}

/// Drop the fixed size so the SVG scales to its container; keep the viewBox.
fn responsive(svg: &str, label: &str) -> String {
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
    out.push_str(&format!(
        " class=\"chart\" role=\"img\" aria-label=\"{}\"",
        html_escape(label)
    ));
    out.push_str(&svg[end..]);
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

fn base_line(chart: &mut LineChart, w: f32, h: f32) {
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
fn bar_frame(chart: &mut BarChart) {
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

/// Revenue bars with the margin line on a second axis, one point per year.
pub fn financials(years: &[i32], revenue: &[Option<f64>], margin: &[Option<f64>], currency: &str) -> String {
    if years.is_empty() || revenue.iter().all(Option::is_none) {
        return empty("No financials recorded.");
    }
    let labels: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    let raw_max = revenue.iter().flatten().copied().fold(0.0, f64::max);
    let (div, unit) = if raw_max >= 2e6 {
        (1e6, "M")
    } else if raw_max >= 2e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    // Each bar has its value above it: leave it room below the top line
    // (an axis ending at 3 cut the label of a 2.9 bar).
    let (rmax, rsplit) = nice_axis(raw_max / div * LABEL_HEADROOM);
    let rev: Vec<Option<f32>> = revenue.iter().map(|r| r.map(|r| (r / div) as f32)).collect();
    let mar: Vec<Option<f32>> = margin.iter().map(|m| m.map(|m| (m * 100.0) as f32)).collect();
    let mut bars = gappy(format!("Revenue ({unit} {currency})").replace("( ", "("), rev);
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
        Ok(svg) => responsive(&svg, "Revenue and margin by year"),
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
        Ok(svg) => responsive(&svg, "Cumulative share of revenue against share of accounts"),
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
        Ok(svg) => responsive(&svg, label),
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
        Ok(svg) => responsive(&svg, label),
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
        Ok(svg) => responsive(&svg, label),
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
        Ok(svg) => responsive(&svg, label),
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
        Ok(svg) => responsive(&svg, label),
        Err(_) => empty("Chart unavailable."),
    }
}

/// One account on the portfolio matrix.
pub struct MatrixPoint<'a> {
    pub name: &'a str,
    pub x: f64,
    pub y: f64,
    pub revenue: f64,
    /// 0..4: which series (quadrant) colours it.
    pub group: usize,
    pub tooltip: String,
    pub href: String,
}

pub struct MatrixSpec<'a> {
    pub x_name: &'a str,
    pub y_name: &'a str,
    pub x_threshold: f64,
    pub y_threshold: f64,
    /// Names in `QuadrantPos::ALL` order: top-left, top-right, bottom-left, bottom-right.
    pub group_names: [&'a str; 4],
    /// How many of the largest accounts get a text label.
    pub labels: usize,
}

/// The portfolio matrix as a bubble chart (x = strength, y = attractiveness,
/// size = revenue), with quadrant dividers at the thresholds, quadrant names,
/// labels for the largest accounts and a tooltip and link on every bubble.
pub fn matrix(points: &[MatrixPoint], spec: &MatrixSpec) -> String {
    matrix_with(points, spec, &MatrixMemo::default())
}

/// The last matrix drawn by charts-rs, with the bubble geometry it was drawn
/// from: the drawing depends on positions, sizes and groups only, so a change
/// to names, links or tooltips reuses it (serve's rebuilds).
#[derive(Default)]
pub struct MatrixMemo(std::sync::Mutex<Option<(Vec<u64>, String)>>);

/// [`matrix`], reusing the drawing in `memo` when the geometry is unchanged.
pub fn matrix_with(points: &[MatrixPoint], spec: &MatrixSpec, memo: &MatrixMemo) -> String {
    const FRAME: &str = "__frame";
    let min_rev = points
        .iter()
        .map(|p| p.revenue)
        .filter(|r| *r > 0.0)
        .fold(f64::MAX, f64::min);
    let min_rev = if min_rev == f64::MAX { 1.0 } else { min_rev };
    let mut series: Vec<Series> = Vec::new();
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); 4];
    for (g, name) in spec.group_names.iter().enumerate() {
        // Largest first, the order charts-rs draws bubbles in (so small ones
        // lie on top); each circle is still matched to its point by the
        // values it carries (`annotate_matrix`), never by position alone.
        let mut members: Vec<usize> = (0..points.len()).filter(|&i| points[i].group == g).collect();
        members.sort_by(|&a, &b| points[b].revenue.total_cmp(&points[a].revenue).then(a.cmp(&b)));
        let mut data = Vec::with_capacity(members.len() * 3);
        for &i in &members {
            let p = &points[i];
            data.extend([p.x as f32, p.y as f32, bubble_size(p, min_rev)]);
        }
        order[g] = members;
        series.push(Series::new((*name).to_string(), data));
    }
    // Two invisible points at the axis corners reveal the plot's pixel mapping.
    series.push(Series::new(
        FRAME.into(),
        vec![0.0, 0.0, min_rev as f32, 10.0, 10.0, min_rev as f32],
    ));
    let mut chart = ScatterChart::new(series);
    chart.bubble = true;
    chart.bubble_min_size = 5.0;
    chart.bubble_max_size = 28.0;
    chart.width = 760.0;
    chart.height = 594.0;
    chart.font_family = FONT.into();
    // Room below the plot for the horizontal axis's name, which is drawn
    // under the tick labels (`annotate_matrix`).
    chart.margin = Margin {
        left: 8.0,
        top: 8.0,
        right: 20.0,
        bottom: 22.0,
    };
    chart.legend.position = Some(Position::Top);
    chart.series.colors = vec![
        "#8b5cf6".into(),
        "#2563eb".into(),
        "#94a3b8".into(),
        "#10b981".into(),
        "#ffffff".into(),
    ];
    chart.x_axis_config.min = Some(0.0);
    chart.x_axis_config.max = Some(10.0);
    chart.x_axis_config.split_number = 10;
    chart.x_axis_config.title = Some(spec.x_name.to_string());
    chart.y_axis_configs[0].min = Some(0.0);
    chart.y_axis_configs[0].max = Some(10.0);
    chart.y_axis_configs[0].split_number = 10;
    chart.y_axis_configs[0].width = Some(28.0);
    chart.y_axis_configs[0].title = Some(spec.y_name.to_string());
    let geometry: Vec<u64> = points
        .iter()
        .flat_map(|p| [p.x.to_bits(), p.y.to_bits(), p.revenue.to_bits(), p.group as u64])
        .collect();
    let kept = memo
        .0
        .lock()
        .ok()
        .and_then(|m| m.as_ref().filter(|(g, _)| *g == geometry).map(|(_, svg)| svg.clone()));
    let svg = match kept {
        Some(svg) => svg,
        None => {
            let Ok(svg) = chart.svg() else {
                return empty("Chart unavailable.");
            };
            if let Ok(mut m) = memo.0.lock() {
                *m = Some((geometry, svg.clone()));
            }
            svg
        }
    };
    let svg = annotate_matrix(&svg, points, &order, min_rev, spec, FRAME);
    responsive(&svg, "Portfolio matrix")
}

/// The size a bubble is drawn with: its revenue, or the smallest revenue
/// drawn for an account without one.
fn bubble_size(p: &MatrixPoint, min_rev: f64) -> f32 {
    p.revenue.max(min_rev) as f32
}

/// A value as charts-rs writes it into a mark's `data-` attributes: one
/// decimal, a trailing ".0" dropped.
fn data_value(v: f32) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Attributes of one `<circle .../>` tag; `key` is written ` name="`.
fn attr(tag: &str, key: &str) -> Option<f64> {
    attr_str(tag, key)?.parse().ok()
}

fn attr_str<'t>(tag: &'t str, key: &str) -> Option<&'t str> {
    let p = tag.find(key)? + key.len();
    tag[p..].split('"').next()
}

fn annotate_matrix(
    svg: &str,
    points: &[MatrixPoint],
    order: &[Vec<usize>],
    min_rev: f64,
    spec: &MatrixSpec,
    frame: &str,
) -> String {
    // Pass 1: find the frame circles and each bubble's pixel position.
    let mut out = String::with_capacity(svg.len() * 2);
    let mut frame_px: Vec<(f64, f64)> = Vec::new();
    // Each quadrant's points by the values charts-rs writes on their
    // circles, in drawing order: a circle takes the first one left, so
    // matching costs one lookup per circle, not a scan of the quadrant.
    let mut by_mark: HashMap<(usize, [String; 3]), VecDeque<usize>> = HashMap::new();
    for (g, indices) in order.iter().enumerate() {
        for &i in indices {
            let p = &points[i];
            let mark = [p.x as f32, p.y as f32, bubble_size(p, min_rev)].map(data_value);
            by_mark.entry((g, mark)).or_default().push_back(i);
        }
    }
    let mut placed: Vec<(usize, f64, f64, f64)> = Vec::new(); // (point, cx, cy, r)
    let mut rest = svg;
    let escaped_names = spec.group_names.map(html_escape);
    while let Some(start) = rest.find("<circle") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("/>").map(|e| e + 2).unwrap_or(after.len());
        let tag = &after[..end];
        let series = attr_str(tag, " data-series=\"");
        match series {
            Some(s) if s == frame => {
                if let (Some(cx), Some(cy)) = (attr(tag, " cx=\""), attr(tag, " cy=\"")) {
                    frame_px.push((cx, cy));
                }
            }
            Some(s) => {
                let g = (0..4).position(|g| escaped_names[g] == s || spec.group_names[g] == s);
                // The point this circle draws: the first not yet taken of its
                // quadrant whose x, y and size are the circle's.
                let drawn = [" data-x=\"", " data-y=\"", " data-size=\""].map(|k| attr_str(tag, k));
                let idx = g.and_then(|g| {
                    let mark = [drawn[0]?, drawn[1]?, drawn[2]?].map(str::to_string);
                    by_mark.get_mut(&(g, mark))?.pop_front()
                });
                match idx {
                    Some(i) => {
                        let p = &points[i];
                        if let (Some(cx), Some(cy), Some(r)) =
                            (attr(tag, " cx=\""), attr(tag, " cy=\""), attr(tag, " r=\""))
                        {
                            placed.push((i, cx, cy, r));
                        }
                        out.push_str("<a href=\"");
                        escape_into(&mut out, &p.href);
                        out.push_str("\">");
                        out.push_str(tag.trim_end_matches("/>"));
                        out.push_str(" stroke=\"#fff\" stroke-width=\"1\"><title>");
                        escape_into(&mut out, &p.tooltip);
                        out.push_str("</title></circle></a>");
                    }
                    None => out.push_str(tag),
                }
            }
            None => out.push_str(tag),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    let mut svg = out;

    // The frame points are (0,0) and (10,10) in data space.
    if frame_px.len() < 2 {
        return svg;
    }
    let (x0, y0) = frame_px[0];
    let (x1, y1) = frame_px[1];
    let px = |x: f64| x0 + (x1 - x0) * x / 10.0;
    let py = |y: f64| y0 + (y1 - y0) * y / 10.0;
    let (tx, ty) = (px(spec.x_threshold), py(spec.y_threshold));
    let mut overlay = String::new();
    overlay.push_str(&format!(
        "<g class=\"quadrant-lines\" stroke=\"#475569\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"><line x1=\"{tx:.1}\" y1=\"{y1:.1}\" x2=\"{tx:.1}\" y2=\"{y0:.1}\"/><line x1=\"{x0:.1}\" y1=\"{ty:.1}\" x2=\"{x1:.1}\" y2=\"{ty:.1}\"/></g>"
    ));
    let corner = |x: f64, y: f64, anchor: &str, text: &str| {
        format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" font-size=\"15\" font-weight=\"bold\" font-family=\"{FONT}\" fill=\"#334155\" fill-opacity=\"0.55\">{}</text>",
            html_escape(text)
        )
    };
    let [tl, tr, bl, br] = spec.group_names;
    overlay.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\" font-family=\"{FONT}\" fill=\"#6E7079\">{} →</text>",
        (x0 + x1) / 2.0,
        y0 + 38.0,
        html_escape(spec.x_name)
    ));
    overlay.push_str(&corner(x0 + 8.0, y1 + 20.0, "start", tl));
    overlay.push_str(&corner(x1 - 8.0, y1 + 20.0, "end", tr));
    overlay.push_str(&corner(x0 + 8.0, y0 - 10.0, "start", bl));
    overlay.push_str(&corner(x1 - 8.0, y0 - 10.0, "end", br));

    // Labels for the largest accounts, skipping any that would overlap one already placed.
    placed.sort_by(|a, b| points[b.0].revenue.total_cmp(&points[a.0].revenue).then(a.0.cmp(&b.0)));
    let circles: Vec<(usize, f64, f64, f64)> = placed.clone();
    let mut boxes: Vec<(f64, f64, f64, f64)> = Vec::new();
    for &(i, cx, cy, r) in placed.iter().take(spec.labels) {
        let name = fit(points[i].name, 22);
        let w = name.chars().count() as f64 * 6.4;
        let h = 13.0;
        // Try right, left, above, below the bubble.
        let candidates = [
            (cx + r + 3.0, cy + 4.0, "start"),
            (cx - r - 3.0, cy + 4.0, "end"),
            (cx, cy - r - 4.0, "middle"),
            (cx, cy + r + 13.0, "middle"),
        ];
        for (lx, ly, anchor) in candidates {
            let left = match anchor {
                "start" => lx,
                "end" => lx - w,
                _ => lx - w / 2.0,
            };
            let bx = (left, ly - h + 2.0, left + w, ly + 2.0);
            let inside = bx.0 >= x0 && bx.2 <= x1 && bx.1 >= y1 && bx.3 <= y0;
            let clash = boxes
                .iter()
                .any(|b| bx.0 < b.2 && bx.2 > b.0 && bx.1 < b.3 && bx.3 > b.1)
                || circles.iter().any(|&(j, ox, oy, or)| {
                    j != i && ox + or > bx.0 && ox - or < bx.2 && oy + or > bx.1 && oy - or < bx.3
                });
            if inside && !clash {
                boxes.push(bx);
                overlay.push_str(&format!(
                    "<text x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"{anchor}\" font-size=\"11\" font-family=\"{FONT}\" fill=\"#0f172a\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">{}</text>",
                    html_escape(&name)
                ));
                break;
            }
        }
    }
    if let Some(i) = svg.rfind("</svg>") {
        svg.insert_str(i, &overlay);
    }
    // Hide the frame series' legend entry.
    svg.replace(&format!(">\n{frame}\n</text>"), "></text>")
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

    #[test]
    fn matrix_marks_points_and_thresholds() {
        let pts = vec![
            MatrixPoint {
                name: "Big & Co",
                x: 8.0,
                y: 8.0,
                revenue: 9e6,
                group: 1,
                tooltip: "Big & Co: 8/8".into(),
                href: "a/".into(),
            },
            MatrixPoint {
                name: "Small",
                x: 2.0,
                y: 3.0,
                revenue: 1e5,
                group: 2,
                tooltip: "Small".into(),
                href: "b/".into(),
            },
            MatrixPoint {
                name: "Stormkyst Offshore Wind AS",
                x: 3.8,
                y: 7.8,
                revenue: 5e5,
                group: 0,
                tooltip: "Stormkyst Offshore Wind AS".into(),
                href: "c/".into(),
            },
        ];
        let spec = MatrixSpec {
            x_name: "Strength",
            y_name: "Attractiveness",
            x_threshold: 5.0,
            y_threshold: 5.0,
            group_names: ["Star", "Strategic", "Streamline", "Status"],
            labels: 10,
        };
        let svg = matrix(&pts, &spec);
        assert!(svg.contains("<title>Big &amp; Co: 8/8</title>"), "{svg}");
        assert!(svg.contains("<title>Small</title>"));
        // A long name is cut at a word, marked; its tooltip has it whole.
        assert!(svg.contains(">Stormkyst Offshore…</text>"), "{svg}");
        assert!(svg.contains("<title>Stormkyst Offshore Wind AS</title>"));
        assert!(svg.contains("quadrant-lines"));
        assert!(svg.contains(">Strategic</text>"));
        assert!(!svg.contains("__frame"));
    }

    #[test]
    fn matrix_names_each_bubble_with_its_own_account() {
        // Alphabetical order is the reverse of revenue order within the quadrant.
        let point = |name: &'static str, x: f64, y: f64, revenue: f64| MatrixPoint {
            name,
            x,
            y,
            revenue,
            group: 1,
            tooltip: name.into(),
            href: format!("{}/", name.to_lowercase()),
        };
        let pts = vec![
            point("Alpha", 6.0, 6.0, 1e5),
            point("Beta", 7.0, 7.0, 5e5),
            point("Gamma", 8.0, 9.0, 9e6),
        ];
        let spec = MatrixSpec {
            x_name: "Strength",
            y_name: "Attractiveness",
            x_threshold: 5.0,
            y_threshold: 5.0,
            group_names: ["Star", "Strategic", "Streamline", "Status"],
            labels: 0,
        };
        let svg = matrix(&pts, &spec);
        for p in &pts {
            let link = format!("<a href=\"{}\">", p.href);
            let at = svg.find(&link).unwrap_or_else(|| panic!("{link} in {svg}"));
            let tag = &svg[at..at + svg[at..].find("</a>").unwrap()];
            assert!(tag.contains(&format!("data-x=\"{}\"", p.x)), "{tag}");
            assert!(tag.contains(&format!("data-y=\"{}\"", p.y)), "{tag}");
            assert!(tag.contains(&format!("data-size=\"{}\"", p.revenue)), "{tag}");
            assert!(tag.contains(&format!("<title>{}</title>", p.name)), "{tag}");
        }
    }
}
