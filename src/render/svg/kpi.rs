//! The KPI progress chart both audiences draw (the internal plan pages and
//! the customer's site): bullet bars from baseline to target.

use super::{escape_with_apostrophe as esc, wrap};
use crate::analyze::plans::KpiProgress;
use crate::render::filters::plain;

/// One row of the KPI chart.
pub struct ChartKpi<'a> {
    pub name: &'a str,
    pub unit: Option<&'a str>,
    pub progress: &'a KpiProgress,
}

const W: f64 = 760.0;
const ROW: f64 = 62.0;
/// The track runs from the baseline (X0) to the target (X1).
const X0: f64 = 300.0;
const X1: f64 = 600.0;
/// How far past the target a bar may run (beating the target by 25 %).
const OVER: f64 = 1.25;

/// KPI progress as bullet bars: each KPI's track runs from its baseline to
/// its target, so KPIs with different units and directions (higher or lower
/// is better) share one scale. Values are printed as text and the bar is
/// solid dark on a light outlined track, so the chart reads in black and white.
pub fn kpi_chart(kpis: &[ChartKpi], label: &str) -> String {
    if kpis.is_empty() {
        return String::new();
    }
    let h = ROW * kpis.len() as f64 + 8.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" class=\"kpi-chart\" role=\"img\" aria-label=\"{}\" font-family=\"Roboto, Arial, sans-serif\" font-size=\"13\">",
        esc(label)
    );
    svg.push_str(&super::table::title_desc(
        label,
        "Each KPI's current value on a track from its baseline to its target; the numbers are in the data table after the chart.",
    ));
    let x_at = |pos: f64| X0 + (X1 - X0) * pos.clamp(0.0, OVER);
    for (i, k) in kpis.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let pr = k.progress;
        let (line1, line2) = wrap(k.name, 38);
        let unit = k.unit.map(|u| format!("({u})"));
        svg.push_str(&format!(
            "<g class=\"kpi-row\"><title>{}</title><text x=\"0\" y=\"{}\" font-weight=\"600\" fill=\"#0f172a\">{}</text>",
            esc(k.name),
            y + 22.0,
            esc(&line1)
        ));
        let second = match (line2, unit) {
            (Some(l), Some(u)) => Some(format!("{l} {u}")),
            (Some(l), None) => Some(l),
            (None, Some(u)) => Some(u),
            (None, None) => None,
        };
        if let Some(s) = second {
            svg.push_str(&format!(
                "<text x=\"0\" y=\"{}\" fill=\"#475569\" font-size=\"12\">{}</text>",
                y + 40.0,
                esc(&s)
            ));
        }
        // Track: baseline to target, with room past the target.
        let ty = y + 16.0;
        svg.push_str(&format!(
            "<rect x=\"{X0}\" y=\"{ty}\" width=\"{}\" height=\"14\" fill=\"#f1f5f9\" stroke=\"#64748b\" stroke-width=\"1\"/>",
            X1 - X0
        ));
        svg.push_str(&format!(
            "<rect x=\"{X1}\" y=\"{ty}\" width=\"{}\" height=\"14\" fill=\"none\" stroke=\"#cbd5e1\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>",
            (X1 - X0) * (OVER - 1.0)
        ));
        match pr.position {
            Some(pos) => {
                let xe = x_at(pos);
                if xe > X0 {
                    svg.push_str(&format!(
                        "<rect x=\"{X0}\" y=\"{}\" width=\"{:.1}\" height=\"8\" fill=\"#1e3a8a\"/>",
                        ty + 3.0,
                        xe - X0
                    ));
                }
                // Current value above the end of the bar.
                if let Some(c) = pr.current {
                    let anchor = if pos > OVER - 0.1 { "end" } else { "middle" };
                    svg.push_str(&format!(
                        "<text x=\"{xe:.1}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"12\" font-weight=\"600\" fill=\"#0f172a\">{}</text>",
                        ty - 3.0,
                        plain(c)
                    ));
                }
            }
            None => svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#475569\">not enough data to chart</text>",
                (X0 + X1) / 2.0,
                ty + 11.0
            )),
        }
        // Baseline tick and target line.
        svg.push_str(&format!(
            "<line x1=\"{X0}\" y1=\"{}\" x2=\"{X0}\" y2=\"{}\" stroke=\"#334155\" stroke-width=\"2\"/>",
            ty - 2.0,
            ty + 16.0
        ));
        svg.push_str(&format!(
            "<line x1=\"{X1}\" y1=\"{}\" x2=\"{X1}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"3\"/>",
            ty - 4.0,
            ty + 18.0
        ));
        let value = |v: Option<f64>| v.map(plain).unwrap_or_else(|| "–".into());
        svg.push_str(&format!(
            "<text x=\"{X0}\" y=\"{}\" font-size=\"11.5\" fill=\"#334155\">baseline {}</text>",
            ty + 30.0,
            value(pr.baseline)
        ));
        svg.push_str(&format!(
            "<text x=\"{X1}\" y=\"{}\" text-anchor=\"end\" font-size=\"11.5\" fill=\"#000\">target {}</text>",
            ty + 30.0,
            value(pr.target)
        ));
        let verdict = match pr.progress {
            _ if pr.met => "target met".to_string(),
            Some(p) => format!("{:.0} %", p * 100.0),
            None => "–".into(),
        };
        svg.push_str(&format!(
            "<text x=\"{W}\" y=\"{}\" text-anchor=\"end\" font-weight=\"600\" fill=\"#0f172a\">{}</text>",
            ty + 12.0,
            verdict
        ));
        if pr.lower_is_better {
            svg.push_str(&format!(
                "<text x=\"{W}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" fill=\"#475569\">lower is better</text>",
                ty + 30.0
            ));
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    let names: Vec<String> = kpis
        .iter()
        .map(|k| match k.unit {
            Some(u) if !u.is_empty() => format!("{} ({u})", k.name),
            _ => k.name.to_string(),
        })
        .collect();
    let column = |name: &str, value: fn(&KpiProgress) -> Option<f64>| {
        let mut s = charts_rs::Series::new(name.into(), Vec::new());
        s.data = kpis.iter().map(|k| value(k.progress).map(|v| v as f32)).collect();
        s
    };
    let columns = [
        column("Baseline", |p| p.baseline),
        column("Current", |p| p.current),
        column("Target", |p| p.target),
    ];
    super::table::with_table(svg, label, &names, &columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::plans::kpi_progress;

    #[test]
    fn chart_prints_values_and_escapes_names() {
        let up = kpi_progress(Some(71.0), Some(76.0), Some(81.0));
        let down = kpi_progress(Some(62.0), Some(39.0), Some(43.0));
        let none = kpi_progress(None, Some(3.0), Some(5.0));
        let svg = kpi_chart(
            &[
                ChartKpi {
                    name: "OEE <lines>",
                    unit: Some("%"),
                    progress: &up,
                },
                ChartKpi {
                    name: "Downtime",
                    unit: Some("hours/month"),
                    progress: &down,
                },
                ChartKpi {
                    name: "New",
                    unit: None,
                    progress: &none,
                },
            ],
            "KPIs",
        );
        assert!(svg.starts_with("<svg") && svg.contains("</svg><details class=\"chart-data\">"));
        assert!(svg.contains("<title>KPIs</title><desc>"), "{svg}");
        // The data table: a row per KPI, its unit with its name.
        assert!(svg.contains("<th scope=\"row\">Downtime (hours/month)</th>"), "{svg}");
        assert!(
            svg.contains("<th scope=\"row\">New</th><td>–</td><td>3</td><td>5</td>"),
            "{svg}"
        );
        assert!(svg.contains("OEE &lt;lines&gt;") && !svg.contains("<lines>"));
        assert!(svg.contains("baseline 71") && svg.contains("target 81") && svg.contains(">76<"));
        assert!(svg.contains("50 %"));
        assert!(svg.contains("target met") && svg.contains("lower is better"));
        assert!(svg.contains("not enough data"));
        assert_eq!(kpi_chart(&[], "x"), "");
    }
}
