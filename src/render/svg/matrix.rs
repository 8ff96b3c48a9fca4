//! The portfolio matrix as a bubble chart: charts-rs draws the bubbles and
//! axes; each circle then gets its account's link and tooltip, and the
//! quadrant lines, quadrant names and labels of the largest accounts are
//! drawn over it.

use std::collections::{HashMap, VecDeque};

use charts_rs::{Box as Margin, Position, ScatterChart, Series};

use super::charts::{FONT, empty, responsive};
use super::{escape_into, fit, html_escape};

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
    let out = responsive(&svg, "Portfolio matrix");
    if points.is_empty() {
        // No bubble, so no table of them: say what the empty frame means.
        return out.replacen(
            super::table::DESC_TABLE,
            "No account has scores to place yet; the lists on this page name every account.",
            1,
        );
    }
    out
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

/// The charts-rs drawing with a link and tooltip on every bubble, the
/// quadrant lines and names, the horizontal axis's name and labels for the
/// largest accounts. `frame` names the invisible series whose two circles
/// mark the data-space corners (0,0) and (10,10).
fn annotate_matrix(
    svg: &str,
    points: &[MatrixPoint],
    order: &[Vec<usize>],
    min_rev: f64,
    spec: &MatrixSpec,
    frame: &str,
) -> String {
    let Linked {
        mut svg,
        frame_px,
        mut placed,
    } = link_bubbles(svg, points, order, min_rev, spec, frame);
    if frame_px.len() < 2 {
        return svg;
    }
    let plot = Plot {
        x0: frame_px[0].0,
        y0: frame_px[0].1,
        x1: frame_px[1].0,
        y1: frame_px[1].1,
    };
    let mut overlay = quadrant_overlay(&plot, spec);
    // Labels for the largest accounts, skipping any that would overlap one already placed.
    placed.sort_by(|a, b| points[b.0].revenue.total_cmp(&points[a.0].revenue).then(a.0.cmp(&b.0)));
    overlay.push_str(&labels(&plot, points, &placed, spec.labels));
    if let Some(i) = svg.rfind("</svg>") {
        svg.insert_str(i, &overlay);
    }
    // Hide the frame series' legend entry.
    svg.replace(&format!(">\n{frame}\n</text>"), "></text>")
}

/// The drawing with its bubbles linked, where the frame circles are, and
/// each bubble drawn: (point, cx, cy, r).
struct Linked {
    svg: String,
    frame_px: Vec<(f64, f64)>,
    placed: Vec<(usize, f64, f64, f64)>,
}

/// The plot's pixel corners: (x0, y0) is data (0,0), (x1, y1) data (10,10).
struct Plot {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

/// Each bubble in a link to its account, with its tooltip, found by the
/// values charts-rs writes on its circle; the frame circles' positions.
fn link_bubbles(
    svg: &str,
    points: &[MatrixPoint],
    order: &[Vec<usize>],
    min_rev: f64,
    spec: &MatrixSpec,
    frame: &str,
) -> Linked {
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
    let mut placed: Vec<(usize, f64, f64, f64)> = Vec::new();
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
    Linked {
        svg: out,
        frame_px,
        placed,
    }
}

/// The dashed quadrant lines at the thresholds, the horizontal axis's name
/// under its tick labels and each quadrant's name in its corner.
fn quadrant_overlay(plot: &Plot, spec: &MatrixSpec) -> String {
    let Plot { x0, y0, x1, y1 } = *plot;
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
    overlay
}

/// Name labels for the first `count` of `placed` (largest first), each
/// right, left, above or below its bubble where it clashes with no label or
/// bubble and stays inside the plot; a label with no such place is left out.
fn labels(plot: &Plot, points: &[MatrixPoint], placed: &[(usize, f64, f64, f64)], count: usize) -> String {
    let Plot { x0, y0, x1, y1 } = *plot;
    let mut overlay = String::new();
    let mut boxes: Vec<(f64, f64, f64, f64)> = Vec::new();
    for &(i, cx, cy, r) in placed.iter().take(count) {
        let name = fit(points[i].name, 22);
        let w = name.chars().count() as f64 * 6.4;
        let h = 13.0;
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
                || placed.iter().any(|&(j, ox, oy, or)| {
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
    overlay
}

#[cfg(test)]
mod tests {
    use super::*;

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
