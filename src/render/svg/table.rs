//! Text equivalents of the charts: a `<title>` and `<desc>` inside each
//! SVG, and the numbers a chart draws as a table behind a `<details>`
//! after it, for screen readers and for reading exact values.

use charts_rs::Series;

use super::html_escape;

/// What a chart's `<desc>` says when its numbers follow as a table.
pub(super) const DESC_TABLE: &str = "The numbers drawn are in the data table after the chart.";

/// `<title>` and `<desc>` for the start of an SVG.
pub(super) fn title_desc(title: &str, desc: &str) -> String {
    format!(
        "<title>{}</title><desc>{}</desc>",
        html_escape(title),
        html_escape(desc)
    )
}

/// `svg` followed by its data: one row per category (`labels`), one column
/// per series, the empty cells of a series without a value there shown as –.
pub(super) fn with_table(svg: String, caption: &str, labels: &[String], series: &[Series]) -> String {
    table_in(svg, caption, labels, series, false)
}

/// [`with_table`] of a horizontal bar chart, whose categories charts-rs
/// takes bottom first: the table lists them top first, as they are seen.
pub(super) fn with_table_flipped(svg: String, caption: &str, labels: &[String], series: &[Series]) -> String {
    table_in(svg, caption, labels, series, true)
}

fn table_in(svg: String, caption: &str, labels: &[String], series: &[Series], flipped: bool) -> String {
    let mut out = svg;
    out.push_str("<details class=\"chart-data\"><summary>Data table</summary><table><caption>");
    out.push_str(&html_escape(caption));
    out.push_str("</caption><thead><tr><th scope=\"col\"></th>");
    for s in series {
        out.push_str("<th scope=\"col\">");
        out.push_str(&html_escape(&s.name));
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    let order: Vec<usize> = if flipped {
        (0..labels.len()).rev().collect()
    } else {
        (0..labels.len()).collect()
    };
    for i in order {
        let label = &labels[i];
        out.push_str("<tr><th scope=\"row\">");
        out.push_str(&html_escape(label));
        out.push_str("</th>");
        for s in series {
            out.push_str("<td>");
            match s.data.get(i).copied().flatten().filter(|v| v.is_finite()) {
                Some(v) if v.fract() == 0.0 => out.push_str(&format!("{v:.0}")),
                Some(v) => out.push_str(&format!("{v:.2}")),
                None => out.push('–'),
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></details>");
    out
}

/// `svg` followed by a table of text: a heading per column (`head`), the
/// first cell of each row its heading.
pub(super) fn with_text_table(svg: String, caption: &str, head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = svg;
    out.push_str("<details class=\"chart-data\"><summary>Data table</summary><table><caption>");
    out.push_str(&html_escape(caption));
    out.push_str("</caption><thead><tr>");
    for h in head {
        out.push_str("<th scope=\"col\">");
        out.push_str(&html_escape(h));
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            out.push_str(if i == 0 { "<th scope=\"row\">" } else { "<td>" });
            out.push_str(&html_escape(cell));
            out.push_str(if i == 0 { "</th>" } else { "</td>" });
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></details>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_has_a_row_per_category_and_a_column_per_series() {
        let mut a = Series::new("Won".into(), Vec::new());
        a.data = vec![Some(3.0), None];
        let mut b = Series::new("Lost <all>".into(), Vec::new());
        b.data = vec![Some(1.5), Some(2.0)];
        let html = with_table("<svg></svg>".into(), "Deals", &["2025".into(), "2026".into()], &[a, b]);
        assert_eq!(
            html,
            "<svg></svg><details class=\"chart-data\"><summary>Data table</summary><table><caption>Deals</caption>\
             <thead><tr><th scope=\"col\"></th><th scope=\"col\">Won</th><th scope=\"col\">Lost &lt;all&gt;</th></tr></thead>\
             <tbody><tr><th scope=\"row\">2025</th><td>3</td><td>1.50</td></tr>\
             <tr><th scope=\"row\">2026</th><td>–</td><td>2</td></tr></tbody></table></details>"
        );
    }
}
