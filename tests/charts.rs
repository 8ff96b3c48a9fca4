//! Every chart the site draws shows the data of the thing it names.
//!
//! Each built page's SVG charts are read as XML. An axis scale is read from
//! the chart's own tick labels and grid lines, and every mark that is named
//! (a link, a `<title>`, a category) is measured through it: a bubble's x, y
//! and size, a bar's length, a point's height, a KPI bar's end, a contact
//! card's colour and place. The values are compared with the records named:
//! `data/accounts.json` and `data/winloss.json` (their record lists, not the
//! totals the charts were drawn from) and the account and plan files.
//! Run on the example site and on a fixture whose names, revenues and years
//! sort in different orders.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node};
use serde_json::Value;

/// A linear map from data values to pixels along one axis.
#[derive(Clone, Copy, Debug)]
struct Scale {
    a: f64,
    b: f64,
}

impl Scale {
    fn px(&self, v: f64) -> f64 {
        self.a + self.b * v
    }
    fn value(&self, px: f64) -> f64 {
        (px - self.a) / self.b
    }
    /// Least squares through (value, pixel) pairs; every pair must lie on it.
    fn fit(pairs: &[(f64, f64)], what: &str) -> Scale {
        assert!(pairs.len() >= 2, "{what}: fewer than two ticks: {pairs:?}");
        let n = pairs.len() as f64;
        let (sx, sy) = pairs.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let (mx, my) = (sx / n, sy / n);
        let sxy: f64 = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f64 = pairs.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
        let b = sxy / sxx;
        let s = Scale { a: my - b * mx, b };
        for (v, p) in pairs {
            assert!(
                (s.px(*v) - p).abs() < 0.6,
                "{what}: tick {v} at {p} is off the axis {s:?}"
            );
        }
        s
    }
}

fn num(n: Node, attr: &str) -> f64 {
    n.attribute(attr)
        .unwrap_or_else(|| panic!("<{}> without {attr}", n.tag_name().name()))
        .parse()
        .unwrap_or_else(|e| panic!("<{}> {attr}: {e}", n.tag_name().name()))
}

fn opt(n: Node, attr: &str) -> Option<f64> {
    n.attribute(attr).and_then(|v| v.parse().ok())
}

fn text(n: Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect::<String>()
        .trim()
        .to_string()
}

/// Whether `n`'s class list holds `class` (chart labels also carry a
/// colour class, e.g. `lb ct-tip`).
/// The divisor a series name's unit asks for: "(M EUR)" is millions.
fn unit_div(series: &str) -> f64 {
    if series.contains("(M ") {
        1e6
    } else if series.contains("(k ") {
        1e3
    } else {
        1.0
    }
}

fn has_class(n: Node, class: &str) -> bool {
    n.attribute("class").is_some_and(|c| c.split(' ').any(|k| k == class))
}

fn title(n: Node) -> Option<String> {
    n.children().find(|c| c.has_tag_name("title")).map(text)
}

fn elems<'a, 'i>(doc: &'a Document<'i>, tag: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    doc.descendants().filter(move |n| n.has_tag_name(tag))
}

/// A tick label's number: "40%" is 40, "1.5" is 1.5.
fn tick_value(s: &str) -> Option<f64> {
    let s = s.trim().trim_end_matches('%').trim();
    let (s, times) = match s.strip_suffix('k') {
        Some(n) => (n, 1e3),
        None => (s, 1.0),
    };
    s.parse::<f64>().ok().map(|v| v * times)
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Left,
    Right,
    Bottom,
}

/// The value axis on `side`: its numeric tick labels, each put on the grid
/// line (or axis line) it labels.
fn axis(doc: &Document, side: Side, what: &str) -> Scale {
    let lines: Vec<(f64, f64, f64, f64)> = elems(doc, "line")
        .map(|l| (num(l, "x1"), num(l, "y1"), num(l, "x2"), num(l, "y2")))
        .collect();
    let horizontal = side != Side::Bottom;
    // Grid lines run across the plot; ticks are the short ones.
    let grid: Vec<(f64, f64, f64, f64)> = lines
        .iter()
        .copied()
        .filter(|(x1, y1, x2, y2)| {
            if horizontal {
                y1 == y2 && (x2 - x1).abs() > 60.0
            } else {
                x1 == x2 && (y2 - y1).abs() > 60.0
            }
        })
        .collect();
    assert!(!grid.is_empty(), "{what}: no grid lines");
    let left = grid.iter().map(|l| l.0.min(l.2)).fold(f64::MAX, f64::min);
    let right = grid.iter().map(|l| l.0.max(l.2)).fold(f64::MIN, f64::max);
    let bottom = grid.iter().map(|l| l.1.max(l.3)).fold(f64::MIN, f64::max);
    let mut pairs = Vec::new();
    for t in elems(doc, "text") {
        // Value labels (dx/dy) and tooltips (class ct-tip) are not ticks.
        let tooltip = has_class(t, "ct-tip");
        if tooltip || t.attribute("dx").is_some() || t.attribute("dy").is_some() {
            continue;
        }
        let (Some(x), Some(y)) = (opt(t, "x"), opt(t, "y")) else {
            continue;
        };
        let label = text(t);
        let Some(v) = tick_value(&label) else { continue };
        let at = match side {
            // Below the plot are the category labels.
            Side::Left if x < left && y < bottom + 10.0 => y - 5.0,
            Side::Right if x > right && y < bottom + 10.0 => y - 5.0,
            // The label's middle, at about 7.8 px a digit.
            Side::Bottom if y > bottom + 10.0 && x > left - 12.0 => x + label.chars().count() as f64 * 3.9,
            _ => continue,
        };
        let line = grid
            .iter()
            .map(|l| if horizontal { l.1 } else { l.0 })
            .min_by(|a, b| (a - at).abs().total_cmp(&(b - at).abs()))
            .unwrap();
        assert!(
            (line - at).abs() < 8.0,
            "{what}: tick {label} is far from any grid line"
        );
        pairs.push((v, line));
    }
    Scale::fit(&pairs, what)
}

/// Every text of a chart lies inside its drawing (the viewBox): a label cut
/// at the frame is not read. Widths are estimated at 0.56 em a character
/// (Roboto's digits and lower case; capitals are wider, so long names get a
/// little slack), heights at 0.75 em above the baseline and 0.2 em below
/// (descenders, an arrow); a rotated or
/// translated text (axis titles) is checked at its anchor.
fn texts_inside(doc: &Document, what: &str) {
    let root = doc.root_element();
    let vb: Vec<f64> = root
        .attribute("viewBox")
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let (x0, y0, x1, y1) = (vb[0], vb[1], vb[0] + vb[2], vb[1] + vb[3]);
    for t in elems(doc, "text") {
        let label = text(t);
        if label.is_empty() {
            continue;
        }
        // The nearest font size given, on the text or a group around it.
        let size = t.ancestors().find_map(|n| opt(n, "font-size")).unwrap_or(16.0);
        let (x, y) = match t.attribute("transform") {
            Some(tr) => {
                let v: Vec<f64> = tr
                    .trim_start_matches("translate(")
                    .split([',', ')', ' '])
                    .filter_map(|v| v.parse().ok())
                    .take(2)
                    .collect();
                assert!(
                    v[0] >= x0 && v[0] <= x1 && v[1] >= y0 && v[1] <= y1,
                    "{what}: {label:?} outside"
                );
                continue;
            }
            None => (
                opt(t, "x").unwrap_or(0.0) + opt(t, "dx").unwrap_or(0.0),
                opt(t, "y").unwrap_or(0.0) + opt(t, "dy").unwrap_or(0.0),
            ),
        };
        // A text in a moved group (a contact card) is placed by it.
        let (gx, gy) = t
            .ancestors()
            .filter_map(|n| n.attribute("transform"))
            .filter_map(|tr| tr.strip_prefix("translate("))
            .map(|v| {
                let v: Vec<f64> = v.split([',', ')', ' ']).filter_map(|v| v.parse().ok()).collect();
                (v[0], v.get(1).copied().unwrap_or(0.0))
            })
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        let (x, y) = (x + gx, y + gy);
        let w = label.chars().count() as f64 * size * 0.5;
        let left = match t.attribute("text-anchor") {
            Some("middle") => x - w / 2.0,
            Some("end") => x - w,
            _ => x,
        };
        // Tooltips (hidden until hovered) may sit anywhere over the plot.
        if has_class(t, "ct-tip") {
            continue;
        }
        assert!(
            left >= x0 - 0.5 && left + w <= x1 + 0.5 && y - size * 0.75 >= y0 - 0.5 && y + size * 0.2 <= y1 + 0.5,
            "{what}: {label:?} ({size} px at {x:.1}, {y:.1}) is cut at the edge of the {}x{} chart",
            vb[2],
            vb[3]
        );
    }
}

/// The SVG charts of a page, parsed.
fn svgs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("unclosed <svg>") + start + 6;
        out.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    out
}

fn parse(svg: &str) -> Document<'_> {
    Document::parse(svg).unwrap_or_else(|e| panic!("chart is not well-formed XML: {e}\n{svg}"))
}

fn label(doc: &Document) -> String {
    doc.root_element().attribute("aria-label").unwrap_or("").to_string()
}

/// The account slug a link leads to: `../accounts/<slug>/` or `.../<slug>/index.html`.
fn slug_of(href: &str) -> String {
    let path = href.trim_end_matches("index.html").trim_end_matches('/');
    path.rsplit('/').next().unwrap().to_string()
}

fn yaml(path: &Path) -> Value {
    serde_saphyr::from_str(&common::read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// What one site's checks counted, so a test can require that each kind of chart was seen.
#[derive(Default, Debug)]
struct Seen {
    bubbles: usize,
    labels: usize,
    revenue_bars: usize,
    margin_points: usize,
    rate_points: usize,
    outcome_bars: usize,
    value_bars: usize,
    competitor_bars: usize,
    reason_bars: usize,
    stage_bars: usize,
    pareto: usize,
    kpi_rows: usize,
    customer_kpi_rows: usize,
    texts: usize,
    contacts: usize,
    potential_bars: usize,
    pipeline_bars: usize,
    distribution_bars: usize,
    score_bars: usize,
    overall_points: usize,
    table_cells: usize,
    radar_cells: usize,
}

struct Site {
    root: PathBuf,
    out: PathBuf,
    accounts: Vec<Value>,
    reviews: Vec<Value>,
}

impl Site {
    fn build(root: &Path, out: &Path) -> Site {
        common::build_to(root, out);
        let json = |p: &str| -> Value { serde_json::from_str(&common::read(&out.join(p))).unwrap() };
        let accounts = json("data/accounts.json").as_array().unwrap().clone();
        let reviews = json("data/winloss.json")["reviews"].as_array().unwrap().clone();
        Site {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            accounts,
            reviews,
        }
    }

    fn account(&self, slug: &str) -> &Value {
        self.accounts
            .iter()
            .find(|a| a["slug"] == slug)
            .unwrap_or_else(|| panic!("no account {slug} in data/accounts.json"))
    }

    fn pages(&self) -> Vec<(String, String)> {
        let mut pages: Vec<(String, String)> = walkdir::WalkDir::new(&self.out)
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&self.out)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, common::read(e.path()))
            })
            .collect();
        pages.sort();
        pages
    }

    /// Check every chart of every page.
    fn check_all(&self) -> Seen {
        let mut seen = Seen::default();
        for (path, html) in self.pages() {
            for svg in svgs(&html) {
                let doc = parse(&svg);
                let what = format!("{path}: {}", label(&doc));
                texts_inside(&doc, &what);
                seen.table_cells += table_matches_marks(&html, &svg, &doc, &what);
                seen.texts += elems(&doc, "text").count();
                match label(&doc).as_str() {
                    "Portfolio matrix" => self.matrix(&doc, &what, &mut seen),
                    "Revenue and margin by year" => self.financials(&path, &doc, &what, &mut seen),
                    "Win rate by quarter against the target" => self.rate_trend(&path, &doc, &what, &mut seen),
                    "Reviewed deals per quarter by outcome" => self.outcome_bars(&doc, &what, &mut seen),
                    "Value won and lost per quarter" => self.value_bars(&doc, &what, &mut seen),
                    "Deals per competitor by our outcome" => self.competitor_bars(&doc, &what, &mut seen),
                    l if l.starts_with("Why we win") => self.reason_bars(&doc, "won", &what, &mut seen),
                    l if l.starts_with("Why we lose") => self.reason_bars(&doc, "lost", &what, &mut seen),
                    "Accounts per relationship stage" => self.stage_bars(&doc, &what, &mut seen),
                    "Cumulative share of revenue against share of accounts" => self.pareto(&doc, &what, &mut seen),
                    "Stakeholder map" => self.stakeholders(&path, &doc, &what, &mut seen),
                    l if l.starts_with("KPI progress") => self.kpis(&path, &doc, &what, &mut seen),
                    "Open potential by offering" => self.potential_bars(&doc, &what, &mut seen),
                    "Open pipeline by stage" => self.pipeline_bars("stage", &doc, &what, &mut seen),
                    "Open pipeline by close quarter" => self.pipeline_bars("quarter", &doc, &what, &mut seen),
                    l if l.ends_with(": accounts by latest overall score") => {
                        self.distribution_bars(l, &doc, &what, &mut seen)
                    }
                    l if l.ends_with(": overall score by date") => {
                        self.overall_points(&path, l, &doc, &what, &mut seen)
                    }
                    // A radar has no value axis to read: tests/assessments.rs
                    // measures its vertices from the web's rim. Bars (fewer
                    // than three dimensions) are checked here.
                    l if l.contains(": latest assessment") => {
                        if elems(&doc, "rect").any(|r| r.attribute("data-category").is_some()) {
                            self.score_bars(&path, l, &doc, &what, &mut seen)
                        } else {
                            self.radar_table(&path, l, &html, &svg, &what, &mut seen)
                        }
                    }
                    // The favicon-sized icons of the theme carry no data.
                    "" if !svg.contains("data-series") => {}
                    other => panic!("{path}: a chart this test does not know: {other:?}"),
                }
            }
        }
        seen
    }

    fn matrix(&self, doc: &Document, what: &str, seen: &mut Seen) {
        let xs = axis(doc, Side::Bottom, what);
        let ys = axis(doc, Side::Left, what);
        let placed: Vec<&Value> = self.accounts.iter().filter(|a| !a["quadrant"].is_null()).collect();
        // Bubble area follows revenue between the smallest and largest one drawn
        // (an account without revenue is drawn as the smallest).
        let revs: Vec<f64> = placed
            .iter()
            .filter_map(|a| a["revenue"].as_f64())
            .filter(|r| *r > 0.0)
            .collect();
        let min = revs.iter().copied().fold(f64::MAX, f64::min);
        let max = revs.iter().copied().fold(0.0, f64::max);
        let radius = |rev: f64| {
            if max > min {
                5.0 + 23.0 * ((rev.max(min) - min) / (max - min)).sqrt()
            } else {
                16.5
            }
        };
        let mut circles = Vec::new();
        let mut drawn = BTreeMap::new();
        for a in elems(doc, "a") {
            let c = a
                .children()
                .find(|c| c.has_tag_name("circle"))
                .expect("a link without a bubble");
            let slug = slug_of(a.attribute("href").unwrap());
            let acc = self.account(&slug);
            let name = acc["name"].as_str().unwrap();
            let t = title(c).unwrap_or_default();
            assert!(
                t.starts_with(&format!("{name} — ")),
                "{what}: bubble of {slug} titled {t:?}"
            );
            let (cx, cy, r) = (num(c, "cx"), num(c, "cy"), num(c, "r"));
            let x = acc["strength"].as_f64().unwrap_or(f64::NAN);
            let y = acc["attractiveness"].as_f64().unwrap_or(f64::NAN);
            assert!(
                close(xs.value(cx), x, 0.02) && close(ys.value(cy), y, 0.02),
                "{what}: {name}'s bubble is drawn at ({:.2}, {:.2}), its scores are ({x}, {y})",
                xs.value(cx),
                ys.value(cy)
            );
            let rev = acc["revenue"].as_f64().unwrap_or(0.0);
            assert!(
                close(r, radius(rev), 0.15),
                "{what}: {name}'s bubble has radius {r}, its revenue {rev} gives {:.2}",
                radius(rev)
            );
            assert!(t.contains(acc["quadrant"].as_str().unwrap()), "{what}: {t}");
            *drawn.entry(slug.clone()).or_insert(0) += 1;
            circles.push((name.to_string(), cx, cy, r));
            seen.bubbles += 1;
        }
        let expected: BTreeMap<String, i32> = placed
            .iter()
            .map(|a| (a["slug"].as_str().unwrap().to_string(), 1))
            .collect();
        assert_eq!(drawn, expected, "{what}: every placed account has one bubble");
        // A name label sits right, left, above or below its own bubble.
        for t in elems(doc, "text").filter(|t| t.attribute("font-size") == Some("11")) {
            let (lx, ly) = (num(t, "x"), num(t, "y"));
            let anchor = t.attribute("text-anchor").unwrap_or("start");
            let owner = circles.iter().find(|(_, cx, cy, r)| {
                let spot = match anchor {
                    "start" => (cx + r + 3.0, cy + 4.0),
                    "end" => (cx - r - 3.0, cy + 4.0),
                    _ if ly < *cy => (*cx, cy - r - 4.0),
                    _ => (*cx, cy + r + 13.0),
                };
                close(spot.0, lx, 0.15) && close(spot.1, ly, 0.15)
            });
            let label = text(t);
            let (name, ..) = owner.unwrap_or_else(|| panic!("{what}: label {label:?} is next to no bubble"));
            assert!(
                name.starts_with(label.trim_end_matches('…')),
                "{what}: label {label:?} is next to {name}'s bubble"
            );
            seen.labels += 1;
        }
    }

    fn financials(&self, path: &str, doc: &Document, what: &str, seen: &mut Seen) {
        let slug = path.trim_start_matches("accounts/").split('/').next().unwrap();
        let account = yaml(&self.root.join("accounts").join(slug).join("account.yaml"));
        let years: HashMap<String, &Value> = account["financials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["year"].to_string(), f))
            .collect();
        let ys = axis(doc, Side::Left, what);
        for bar in elems(doc, "rect").filter(|r| r.attribute("data-series").is_some()) {
            let series = bar.attribute("data-series").unwrap();
            assert!(series.starts_with("Revenue"), "{what}: {series}");
            let div = if series.contains("(M ") {
                1e6
            } else if series.contains("(k ") {
                1e3
            } else {
                1.0
            };
            let year = bar.attribute("data-category").unwrap();
            let rev = years[year]["revenue"].as_f64().unwrap() / div;
            let (top, bottom) = (num(bar, "y"), num(bar, "y") + num(bar, "height"));
            assert!(
                close(top, ys.px(rev), 0.15),
                "{what}: {year}'s bar reaches {:.3}, its revenue is {rev}",
                ys.value(top)
            );
            assert!(
                close(bottom, ys.px(0.0), 0.15),
                "{what}: {year}'s bar starts at {}",
                ys.value(bottom)
            );
            seen.revenue_bars += 1;
        }
        // The margin line, on the right-hand axis: each point above its year's bar.
        let Some(line) = elems(doc, "path").find(|p| p.attribute("fill") == Some("none")) else {
            return;
        };
        let right = axis(doc, Side::Right, what);
        let bars: Vec<(f64, String)> = elems(doc, "rect")
            .filter(|r| r.attribute("data-category").is_some())
            .map(|r| {
                (
                    num(r, "x") + num(r, "width") / 2.0,
                    r.attribute("data-category").unwrap().to_string(),
                )
            })
            .collect();
        for point in line
            .attribute("d")
            .unwrap()
            .split(['M', 'L'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let xy: Vec<f64> = point.split_whitespace().map(|v| v.parse().unwrap()).collect();
            let (_, year) = bars
                .iter()
                .find(|(cx, _)| close(*cx, xy[0], 0.15))
                .unwrap_or_else(|| panic!("{what}: a margin point at x {} over no year's bar", xy[0]));
            let margin = years[year.as_str()]["margin"].as_f64().unwrap() * 100.0;
            assert!(
                close(xy[1], right.px(margin), 0.15),
                "{what}: {year}'s margin drawn at {:.2} %, it is {margin} %",
                right.value(xy[1])
            );
            seen.margin_points += 1;
        }
    }

    /// The reviews a page's charts count: all, or one competitor's.
    fn reviews_of(&self, path: &str) -> Vec<&Value> {
        let competitor = path
            .strip_prefix("reviews/competitors/")
            .map(|p| p.split('/').next().unwrap());
        self.reviews
            .iter()
            .filter(|r| match competitor {
                None => true,
                Some(c) => r["competitors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|n| slugify(n.as_str().unwrap()) == c),
            })
            .collect()
    }

    fn rate_trend(&self, path: &str, doc: &Document, what: &str, seen: &mut Seen) {
        let ys = axis(doc, Side::Left, what);
        let reviews = self.reviews_of(path);
        for p in elems(doc, "circle").filter(|c| c.attribute("data-series") == Some("Win rate")) {
            let q = p.attribute("data-category").unwrap();
            let count = |o: &str| {
                reviews
                    .iter()
                    .filter(|r| r["quarter"] == q && r["outcome"] == o)
                    .count() as f64
            };
            let (won, lost) = (count("won"), count("lost"));
            assert!(won + lost > 0.0, "{what}: a point for {q}, which has no decided deal");
            let rate = (won / (won + lost) * 100.0).round();
            assert!(
                close(ys.value(num(p, "cy")), rate, 0.2),
                "{what}: {q} drawn at {:.1} %, its win rate is {rate} %",
                ys.value(num(p, "cy"))
            );
            seen.rate_points += 1;
        }
    }

    /// Check stacked or side-by-side bars: each `rect` named by series and
    /// category is as long as `expect(series, category)`.
    fn check_bars(
        doc: &Document,
        side: Side,
        what: &str,
        mut expect: impl FnMut(&str, &str) -> f64,
        tol: f64,
    ) -> usize {
        let s = axis(doc, side, what);
        let mut n = 0;
        for bar in elems(doc, "rect").filter(|r| r.attribute("data-category").is_some()) {
            let series = bar.attribute("data-series").unwrap();
            let cat = bar.attribute("data-category").unwrap();
            let len = if side == Side::Bottom {
                s.value(num(bar, "x") + num(bar, "width")) - s.value(num(bar, "x"))
            } else {
                s.value(num(bar, "y")) - s.value(num(bar, "y") + num(bar, "height"))
            };
            let want = expect(series, cat);
            // Pixels are written with one decimal.
            assert!(
                close(len, want, tol.max(0.2 / s.b.abs())),
                "{what}: {series} of {cat} drawn as {len:.3}, it is {want}"
            );
            if let Some(t) = bar.next_sibling_element().filter(|t| has_class(*t, "ct-tip")) {
                assert!(
                    text(t).starts_with(series),
                    "{what}: tooltip {:?} on a {series} bar",
                    text(t)
                );
            }
            n += 1;
        }
        n
    }

    fn outcome_bars(&self, doc: &Document, what: &str, seen: &mut Seen) {
        let reviews = &self.reviews;
        seen.outcome_bars += Self::check_bars(
            doc,
            Side::Left,
            what,
            |series, q| {
                let outcome = match series {
                    "Won" => "won",
                    "Lost" => "lost",
                    _ => "no-decision",
                };
                reviews
                    .iter()
                    .filter(|r| r["quarter"] == q && r["outcome"].as_str().unwrap().replace('_', "-") == outcome)
                    .count() as f64
            },
            0.02,
        );
    }

    fn value_bars(&self, doc: &Document, what: &str, seen: &mut Seen) {
        let reviews = &self.reviews;
        seen.value_bars += Self::check_bars(
            doc,
            Side::Left,
            what,
            |series, q| {
                let outcome = if series.starts_with("Won") { "won" } else { "lost" };
                let div = unit_div(series);
                reviews
                    .iter()
                    .filter(|r| r["quarter"] == q && r["outcome"] == outcome)
                    .map(|r| r["value"].as_f64().unwrap_or(0.0))
                    .sum::<f64>()
                    / div
            },
            0.02,
        );
    }

    fn competitor_bars(&self, doc: &Document, what: &str, seen: &mut Seen) {
        let reviews = &self.reviews;
        seen.competitor_bars += Self::check_bars(
            doc,
            Side::Bottom,
            what,
            |series, competitor| {
                let outcome = match series {
                    "We won" => "won",
                    "We lost" => "lost",
                    _ => "no-decision",
                };
                reviews
                    .iter()
                    .filter(|r| {
                        r["outcome"].as_str().unwrap().replace('_', "-") == outcome
                            && r["competitors"].as_array().unwrap().iter().any(|c| c == competitor)
                    })
                    .count() as f64
            },
            0.02,
        );
    }

    /// Reasons are named on the chart by their display name; each category
    /// must be one reason's (primary, also mentioned) pair, no two the same reason.
    fn reason_bars(&self, doc: &Document, outcome: &str, what: &str, seen: &mut Seen) {
        let mut tally: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for r in self.reviews.iter().filter(|r| r["outcome"] == outcome) {
            for (i, reason) in r["reasons"].as_array().unwrap().iter().enumerate() {
                let t = tally.entry(reason.as_str().unwrap().to_string()).or_default();
                if i == 0 { t.0 += 1.0 } else { t.1 += 1.0 }
            }
        }
        let mut drawn: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        let s = axis(doc, Side::Bottom, what);
        for bar in elems(doc, "rect").filter(|r| r.attribute("data-category").is_some()) {
            let len = s.value(num(bar, "x") + num(bar, "width")) - s.value(num(bar, "x"));
            let e = drawn
                .entry(bar.attribute("data-category").unwrap().to_string())
                .or_default();
            assert!(close(len, len.round(), 0.02), "{what}: a bar {len} long");
            if bar.attribute("data-series") == Some("Primary reason") {
                e.0 = len.round();
            } else {
                e.1 = len.round();
            }
            seen.reason_bars += 1;
        }
        let mut left: Vec<(f64, f64)> = tally.values().copied().filter(|(p, m)| p + m > 0.0).collect();
        for (cat, pair) in &drawn {
            let i = left
                .iter()
                .position(|t| t == pair)
                .unwrap_or_else(|| panic!("{what}: {cat} drawn as {pair:?}; the reviews' reasons are {tally:?}"));
            left.remove(i);
        }
    }

    fn stage_bars(&self, doc: &Document, what: &str, seen: &mut Seen) {
        // Stage names are drawn; count accounts per drawn name through their pages.
        let mut per_stage: HashMap<String, f64> = HashMap::new();
        for a in &self.accounts {
            if let Some(stage) = a["stage"].as_str() {
                *per_stage.entry(stage.to_string()).or_default() += 1.0;
            }
        }
        let names = stage_names(&self.root);
        seen.stage_bars += Self::check_bars(
            doc,
            Side::Bottom,
            what,
            |_, name| {
                // Accounts without a stage are counted under "No stage".
                if name == "No stage" {
                    return self.accounts.iter().filter(|a| a["stage"].is_null()).count() as f64;
                }
                let id = names
                    .get(name)
                    .unwrap_or_else(|| panic!("{what}: no stage named {name:?}"));
                per_stage.get(id).copied().unwrap_or(0.0)
            },
            0.02,
        );
    }

    fn pareto(&self, doc: &Document, what: &str, seen: &mut Seen) {
        let ys = axis(doc, Side::Left, what);
        let mut revs: Vec<f64> = self
            .accounts
            .iter()
            .filter_map(|a| a["revenue"].as_f64())
            .filter(|r| *r > 0.0)
            .collect();
        revs.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = revs.iter().sum();
        let n = revs.len() as f64;
        // The curve through (i/n, share of the i largest), read every 10 %.
        let at = |x: f64| -> f64 {
            let i = (x * n).floor() as usize;
            let share = |k: usize| revs.iter().take(k).sum::<f64>() / total;
            if i >= revs.len() {
                return 1.0;
            }
            let f = x * n - i as f64;
            share(i) + (share(i + 1) - share(i)) * f
        };
        let path = elems(doc, "path")
            .find(|p| p.attribute("fill") == Some("none") && p.attribute("stroke-dasharray").is_none())
            .expect("the Pareto curve");
        let ys_drawn: Vec<f64> = path
            .attribute("d")
            .unwrap()
            .split(['M', 'L'])
            .filter_map(|p| p.split_whitespace().nth(1).and_then(|y| y.parse().ok()))
            .collect();
        assert_eq!(ys_drawn.len(), 11, "{what}: {ys_drawn:?}");
        for (i, y) in ys_drawn.iter().enumerate() {
            let want = at(i as f64 / 10.0) * 100.0;
            assert!(
                close(ys.value(*y), want, 0.3),
                "{what}: at {}0 % of accounts the curve shows {:.1} %, the revenues give {want:.1} %",
                i,
                ys.value(*y)
            );
        }
        seen.pareto += 1;
    }

    /// The whitespace page: each offering's bar is as long as its open
    /// potential in `data/whitespace.json` (the sum of its open and pursuing
    /// cells), named by the offering's name.
    fn potential_bars(&self, doc: &Document, what: &str, seen: &mut Seen) {
        let ws = self.json("data/whitespace.json");
        let by: HashMap<String, f64> = ws["by_offering"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["name"].as_str().unwrap().to_string(),
                    o["open_potential"].as_f64().unwrap(),
                )
            })
            .collect();
        // The records behind the roll-up: the cells, summed again here.
        let names: HashMap<String, String> = ws["by_offering"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["id"].as_str().unwrap().to_string(),
                    o["name"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut from_cells: HashMap<String, f64> = HashMap::new();
        for c in ws["cells"].as_array().unwrap() {
            let name = names[c["offering"].as_str().unwrap()].clone();
            let open = matches!(c["status"].as_str().unwrap(), "open" | "pursuing");
            *from_cells.entry(name).or_default() += if open {
                c["potential"].as_f64().unwrap_or(0.0)
            } else {
                0.0
            };
        }
        let n = Self::check_bars(
            doc,
            Side::Bottom,
            what,
            |series, name| {
                assert!(series.starts_with("Open potential"), "{what}: series {series:?}");
                let div = unit_div(series);
                let want = *by
                    .get(name)
                    .unwrap_or_else(|| panic!("{what}: a bar for {name:?}, no such offering"));
                assert!(
                    close(want, from_cells[name], 1e-6),
                    "{what}: {name}'s cells sum to {}",
                    from_cells[name]
                );
                want / div
            },
            0.02,
        );
        assert_eq!(n, by.len(), "{what}: one bar per offering");
        seen.potential_bars += n;
    }

    /// `/pipeline/`: each bar is the sum of the open opportunities
    /// (`data/opportunities.json`) whose stage or close quarter (`key`) its
    /// category names, unweighted or weighted as its series says, in the
    /// series' unit. A quarter of "(none)" is an opportunity without a close.
    fn pipeline_bars(&self, key: &str, doc: &Document, what: &str, seen: &mut Seen) {
        let opps = self.json("data/opportunities.json");
        let open: Vec<&Value> = opps.as_array().unwrap().iter().filter(|o| o["open"] == true).collect();
        let mut cats = std::collections::BTreeSet::new();
        let n = Self::check_bars(
            doc,
            Side::Left,
            what,
            |series, cat| {
                let field = if series.starts_with("Weighted") {
                    "weighted"
                } else {
                    "value"
                };
                assert!(
                    field == "weighted" || series.starts_with("Unweighted"),
                    "{what}: series {series:?}"
                );
                cats.insert(cat.to_string());
                open.iter()
                    .filter(|o| o[key].as_str().unwrap_or("(none)") == cat)
                    .map(|o| o[field].as_f64().unwrap_or(0.0))
                    .sum::<f64>()
                    / unit_div(series)
            },
            0.02,
        );
        let want: std::collections::BTreeSet<String> = open
            .iter()
            .map(|o| o[key].as_str().unwrap_or("(none)").to_string())
            .collect();
        assert_eq!(cats, want, "{what}: one category per {key} of the open opportunities");
        assert_eq!(n, 2 * want.len(), "{what}: an unweighted and a weighted bar per {key}");
        seen.pipeline_bars += n;
    }

    /// `/assessments/`: each bin's bar counts the accounts whose latest
    /// overall score (`data/accounts.json`) falls in the bin its label names:
    /// "a–b" is [a, b) (the top bin closed), "6+" is 6 and above, "n" is n.
    fn distribution_bars(&self, label: &str, doc: &Document, what: &str, seen: &mut Seen) {
        let fw = framework_id(label.trim_end_matches(": accounts by latest overall score"));
        let scores: Vec<f64> = self
            .accounts
            .iter()
            .flat_map(|a| a["assessments"].as_array().into_iter().flatten())
            .filter(|t| t["framework"] == fw)
            .filter_map(|t| t["overall"].as_f64())
            .collect();
        let cats: Vec<String> = elems(doc, "rect")
            .filter_map(|r| r.attribute("data-category"))
            .map(str::to_string)
            .collect();
        let bound = |s: &str| -> f64 { s.parse().unwrap_or_else(|e| panic!("{what}: bin bound {s:?}: {e}")) };
        let n = Self::check_bars(
            doc,
            Side::Left,
            what,
            |series, bin| {
                assert_eq!(series, "Accounts", "{what}");
                let inside = |v: f64| -> bool {
                    if let Some(a) = bin.strip_suffix('+') {
                        return v >= bound(a);
                    }
                    match bin.split_once('–') {
                        None => v == bound(bin),
                        Some((a, b)) => {
                            let (a, b) = (bound(a), bound(b));
                            // The top bin: no other bin starts where it ends.
                            let top = !cats
                                .iter()
                                .any(|c| c.starts_with(&format!("{b}–")) || *c == format!("{b}+"));
                            v >= a && (v < b || (top && v <= b))
                        }
                    }
                };
                scores.iter().filter(|v| inside(**v)).count() as f64
            },
            0.02,
        );
        let drawn: f64 = elems(doc, "rect")
            .filter_map(|r| r.attribute("data-value"))
            .map(|v| v.parse::<f64>().unwrap())
            .sum();
        assert_eq!(
            drawn as usize,
            scores.len(),
            "{what}: every assessed account is in one bin"
        );
        seen.distribution_bars += n;
    }

    /// An account's bars of its latest assessment: each bar reaches the
    /// dimension's score in `data/accounts.json`.
    fn score_bars(&self, path: &str, label: &str, doc: &Document, what: &str, seen: &mut Seen) {
        let slug = path.trim_start_matches("accounts/").split('/').next().unwrap();
        let fw = framework_id(label.split(": latest assessment").next().unwrap());
        let latest = self.account(slug)["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["framework"] == fw)
            .unwrap_or_else(|| panic!("{what}: no {fw} assessment of {slug}"))
            .clone();
        let dims = dimension_ids(&self.root, fw);
        let ys = axis(doc, Side::Left, what);
        for bar in elems(doc, "rect").filter(|r| r.attribute("data-category").is_some()) {
            let series = bar.attribute("data-series").unwrap();
            let name = bar.attribute("data-category").unwrap();
            let id = dims
                .get(name)
                .unwrap_or_else(|| panic!("{what}: a bar for {name:?}, no dimension of {fw}"));
            assert!(
                series.starts_with("Latest"),
                "{what}: {series} (the fixture has no previous one)"
            );
            let score = latest["scores"][id].as_f64().unwrap();
            assert!(
                close(ys.value(num(bar, "y")), score, 0.02),
                "{what}: {name} drawn at {:.2}, its score is {score}",
                ys.value(num(bar, "y"))
            );
            seen.score_bars += 1;
        }
    }

    /// An account's trend of a framework's overall score: the last point is
    /// the latest overall score, the one before it that less its change.
    fn overall_points(&self, path: &str, label: &str, doc: &Document, what: &str, seen: &mut Seen) {
        let slug = path.trim_start_matches("accounts/").split('/').next().unwrap();
        let fw = framework_id(label.trim_end_matches(": overall score by date"));
        let t = self.account(slug)["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["framework"] == fw)
            .unwrap_or_else(|| panic!("{what}: no {fw} assessment of {slug}"))
            .clone();
        let ys = axis(doc, Side::Left, what);
        let line = elems(doc, "path")
            .find(|p| p.attribute("fill") == Some("none"))
            .expect("the trend line");
        let drawn: Vec<f64> = line
            .attribute("d")
            .unwrap()
            .split(['M', 'L'])
            .filter_map(|p| p.split_whitespace().nth(1).and_then(|y| y.parse().ok()))
            .map(|y| ys.value(y))
            .collect();
        let latest = t["overall"].as_f64().unwrap();
        let mut want = vec![latest];
        if let Some(change) = t["change"].as_f64() {
            want.insert(0, latest - change);
        }
        let tail = &drawn[drawn.len().saturating_sub(want.len())..];
        assert_eq!(tail.len(), want.len(), "{what}: {drawn:?}");
        for (got, want) in tail.iter().zip(&want) {
            assert!(
                close(*got, *want, 0.02),
                "{what}: a point at {got:.3}, the record says {want:.3}"
            );
            seen.overall_points += 1;
        }
    }

    /// A radar's data table: each dimension's latest score is the one in
    /// `data/accounts.json`.
    fn radar_table(&self, path: &str, label: &str, html: &str, svg: &str, what: &str, seen: &mut Seen) {
        let slug = path.trim_start_matches("accounts/").split('/').next().unwrap();
        let fw = framework_id(label.split(": latest assessment").next().unwrap());
        let latest = self.account(slug)["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["framework"] == fw)
            .unwrap_or_else(|| panic!("{what}: no {fw} assessment of {slug}"))
            .clone();
        let (head, rows) = table_after(html, svg).unwrap_or_else(|| panic!("{what}: no data table"));
        let col = head
            .iter()
            .position(|h| h.starts_with("Latest"))
            .unwrap_or_else(|| panic!("{what}: no Latest column in {head:?}"));
        let scores = latest["scores"].as_object().unwrap();
        assert_eq!(
            rows.len(),
            scores.len(),
            "{what}: one row per dimension: {rows:?} {scores:?}"
        );
        for (name, cells) in &rows {
            // The dimension's id is its name in snake case (the presets' and fixture's).
            let id = name.to_lowercase().replace(['-', ' '], "_");
            let want = scores.get(&id).and_then(Value::as_f64);
            let got = cells[col].parse::<f64>().ok();
            assert_eq!(got, want, "{what}: {name} ({id}) reads {:?}", cells[col]);
            seen.radar_cells += 1;
        }
    }

    fn json(&self, rel: &str) -> Value {
        serde_json::from_str(&common::read(&self.out.join(rel))).unwrap()
    }

    fn kpis(&self, path: &str, doc: &Document, what: &str, seen: &mut Seen) {
        // accounts/<slug>/plans/<id>/index.html, or the customer site's plan page.
        let mut parts = path.split('/');
        let (slug, id) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("accounts"), Some(slug), Some("plans"), Some(id)) => (slug.to_string(), id.to_string()),
            _ => panic!("{what}: a KPI chart outside an account's plan page"),
        };
        let plan = yaml(
            &self
                .root
                .join("accounts")
                .join(&slug)
                .join("plans")
                .join(format!("{id}.yaml")),
        );
        check_kpi_rows(doc, &plan, what, seen);
    }

    fn stakeholders(&self, path: &str, doc: &Document, what: &str, seen: &mut Seen) {
        let slug = path.trim_start_matches("accounts/").split('/').next().unwrap();
        let account = yaml(&self.root.join("accounts").join(slug).join("account.yaml"));
        check_contact_cards(doc, &account, what, seen);
    }
}

fn check_kpi_rows(doc: &Document, plan: &Value, what: &str, seen: &mut Seen) {
    let kpis = plan["kpis"].as_array().unwrap();
    for row in doc.descendants().filter(|n| n.attribute("class") == Some("kpi-row")) {
        let name = title(row).unwrap();
        let k = kpis
            .iter()
            .find(|k| k["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{what}: a KPI row for {name:?}, which the plan does not have"));
        let rects: Vec<Node> = row.children().filter(|c| c.has_tag_name("rect")).collect();
        // The track runs from the baseline (its left end) to the target (its right end).
        let track = rects[0];
        let (x0, w) = (num(track, "x"), num(track, "width"));
        let (b, c, t) = (k["baseline"].as_f64(), k["current"].as_f64(), k["target"].as_f64());
        let texts: Vec<String> = row.children().filter(|c| c.has_tag_name("text")).map(text).collect();
        if let Some(b) = b {
            assert!(
                texts.iter().any(|s| *s == format!("baseline {}", plain(b))),
                "{what}: {name}: {texts:?}"
            );
        }
        if let Some(t) = t {
            assert!(
                texts.iter().any(|s| *s == format!("target {}", plain(t))),
                "{what}: {name}: {texts:?}"
            );
        }
        let bar = rects.iter().find(|r| r.attribute("fill") == Some("#1e3a8a"));
        if let (Some(b), Some(c), Some(t)) = (b, c, t)
            && t != b
        {
            let pos = ((c - b) / (t - b)).clamp(0.0, 1.25);
            let drawn = bar.map(|r| num(*r, "width") / w).unwrap_or(0.0);
            assert!(
                close(drawn, pos, 0.002),
                "{what}: {name} drawn at {drawn:.3} of the way, it is {pos:.3}"
            );
            assert!(bar.is_none_or(|r| num(*r, "x") == x0));
            assert!(
                texts.contains(&plain(c)),
                "{what}: {name}: current {c} not in {texts:?}"
            );
        }
        seen.kpi_rows += 1;
    }
}

fn plain(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

fn stance_name(s: i64) -> &'static str {
    [
        "Blocker",
        "Critic",
        "Sceptic",
        "Neutral",
        "Supporter",
        "Partner",
        "Advocate",
    ][(s + 3) as usize]
}

/// A contact card is filled in its stance's colour, says its stance and
/// role, and sits below the card of the contact it reports to.
fn check_contact_cards(doc: &Document, account: &Value, what: &str, seen: &mut Seen) {
    const FILL: [&str; 7] = [
        "#fecaca", "#fee2e2", "#ffedd5", "#f1f5f9", "#dcfce7", "#bbf7d0", "#86efac",
    ];
    let contacts = account["contacts"].as_array().unwrap();
    let mut at: HashMap<String, (f64, f64)> = HashMap::new();
    for card in doc.descendants().filter(|n| n.attribute("class") == Some("contact")) {
        let t = title(card).unwrap();
        let c = contacts
            .iter()
            .find(|c| {
                t.starts_with(&format!("{}, ", c["name"].as_str().unwrap()))
                    || t.starts_with(&format!("{} — ", c["name"].as_str().unwrap()))
            })
            .unwrap_or_else(|| panic!("{what}: a card titled {t:?} names no contact"));
        let name = c["name"].as_str().unwrap();
        let rect = card.children().find(|n| n.has_tag_name("rect")).unwrap();
        match c["stance"].as_i64() {
            Some(s) => {
                assert_eq!(
                    rect.attribute("fill"),
                    Some(FILL[(s + 3) as usize]),
                    "{what}: {name}'s card, stance {s}"
                );
                let sign = if s > 0 { format!("+{s}") } else { s.to_string() };
                let line = format!("{sign} {}", stance_name(s));
                assert!(
                    text(card).contains(&line),
                    "{what}: {name}'s card does not say {line:?}"
                );
                assert!(t.contains(&format!("stance {line}")), "{what}: {t}");
            }
            None => assert_eq!(rect.attribute("fill"), Some("#ffffff"), "{what}: {name} has no stance"),
        }
        if let Some(role) = c["role"].as_str() {
            assert!(
                t.contains(role),
                "{what}: {name}'s card does not name the role {role}: {t}"
            );
        }
        let tr = card.attribute("transform").unwrap();
        let xy: Vec<f64> = tr
            .trim_start_matches("translate(")
            .trim_end_matches(')')
            .split([' ', ','])
            .filter_map(|v| v.parse().ok())
            .collect();
        at.insert(c["id"].as_str().unwrap_or(name).to_string(), (xy[0], xy[1]));
        seen.contacts += 1;
    }
    for c in contacts {
        let (Some(id), Some(boss)) = (c["id"].as_str(), c["reports_to"].as_str()) else {
            continue;
        };
        if let (Some(me), Some(up)) = (at.get(id), at.get(boss)) {
            assert!(me.1 > up.1, "{what}: {id} is drawn above {boss}, whom they report to");
        }
    }
}

/// Stage display name -> id, from site.yaml or the default KARD stages.
fn stage_names(root: &Path) -> HashMap<String, String> {
    let site = yaml(&root.join("site.yaml"));
    let stages: Vec<(String, String)> = match site["stages"].as_array() {
        Some(list) => list
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["id"].as_str().unwrap().to_string(),
                )
            })
            .collect(),
        None if site["stages"]["preset"] == "mcdonald-millman-rogers" => [
            ("exploratory", "Exploratory"),
            ("basic", "Basic"),
            ("cooperative", "Cooperative"),
            ("interdependent", "Interdependent"),
            ("integrated", "Integrated"),
            ("disintegrating", "Disintegrating"),
        ]
        .iter()
        .map(|(id, name)| (name.to_string(), id.to_string()))
        .collect(),
        None => [
            ("pre-kam", "Pre-KAM"),
            ("early-kam", "Early-KAM"),
            ("mid-kam", "Mid-KAM"),
            ("partnership-kam", "Partnership-KAM"),
            ("synergistic-kam", "Synergistic-KAM"),
            ("uncoupling-kam", "Uncoupling-KAM"),
        ]
        .iter()
        .map(|(id, name)| (name.to_string(), id.to_string()))
        .collect(),
    };
    let mut names = HashMap::new();
    for (name, id) in stages {
        names.insert(name, id.clone());
        names.insert(id.clone(), id);
    }
    names
}

/// A data table's row: its heading (the category) and its cells.
type Row = (String, Vec<String>);

/// The data table behind `<details class="chart-data">` right after `svg`
/// in `html`: its column headings (series) and its rows (category, cells).
fn table_after(html: &str, svg: &str) -> Option<(Vec<String>, Vec<Row>)> {
    let rest = &html[html.find(svg)? + svg.len()..];
    if !rest.starts_with("<details class=\"chart-data\">") {
        return None;
    }
    let end = rest.find("</details>")? + "</details>".len();
    let doc = Document::parse(&rest[..end]).unwrap_or_else(|e| panic!("data table is not well-formed: {e}"));
    let head: Vec<String> = elems(&doc, "thead")
        .flat_map(|h| h.descendants().filter(|n| n.has_tag_name("th")))
        .skip(1)
        .map(text)
        .collect();
    let rows = elems(&doc, "tbody")
        .flat_map(|b| b.children().filter(|n| n.has_tag_name("tr")))
        .map(|tr| {
            let th = tr
                .children()
                .find(|n| n.has_tag_name("th"))
                .map(text)
                .unwrap_or_default();
            (th, tr.children().filter(|n| n.has_tag_name("td")).map(text).collect())
        })
        .collect();
    Some((head, rows))
}

/// A chart whose `<desc>` points to a data table has one right after it,
/// and every bar's value (`data-value`) is the table's cell of its
/// category's row and its series' column. Returns the cells compared.
fn table_matches_marks(html: &str, svg: &str, doc: &Document, what: &str) -> usize {
    let desc = doc.root_element().children().find(|c| c.has_tag_name("desc")).map(text);
    if desc.as_deref() != Some("The numbers drawn are in the data table after the chart.") {
        return 0;
    }
    let (head, rows) =
        table_after(html, svg).unwrap_or_else(|| panic!("{what}: its <desc> names a data table, none follows"));
    let mut n = 0;
    for bar in elems(doc, "rect") {
        let (Some(series), Some(cat), Some(value)) = (
            bar.attribute("data-series"),
            bar.attribute("data-category"),
            bar.attribute("data-value"),
        ) else {
            continue;
        };
        let col = head
            .iter()
            .position(|h| h == series)
            .unwrap_or_else(|| panic!("{what}: no column {series:?} in {head:?}"));
        let (_, cells) = rows
            .iter()
            .find(|(c, _)| c == cat)
            .unwrap_or_else(|| panic!("{what}: no row {cat:?} in the data table"));
        let cell: f64 = cells[col]
            .parse()
            .unwrap_or_else(|_| panic!("{what}: {cat}/{series} reads {:?}", cells[col]));
        let value: f64 = value.parse().unwrap();
        // charts-rs writes data-value with one decimal, the table two.
        assert!(
            close(cell, value, 0.051),
            "{what}: {cat}/{series} drawn as {value}, the table says {cell}"
        );
        n += 1;
    }
    n
}

/// A framework's id from its display name, as the fixtures name them.
fn framework_id(name: &str) -> &'static str {
    match name {
        "Relationship flower" => "flower",
        "Trust equation" => "trust",
        "Customer intimacy" => "intimacy",
        "Selection criteria" => "selection",
        "Relationship value" => "value",
        "Customer survey" => "survey",
        other => panic!("a framework this test does not know: {other:?}"),
    }
}

/// Dimension name -> id of a framework site.yaml defines itself.
fn dimension_ids(root: &Path, fw: &str) -> HashMap<String, String> {
    let site = yaml(&root.join("site.yaml"));
    let f = site["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == fw)
        .unwrap();
    f["dimensions"]
        .as_array()
        .unwrap_or_else(|| {
            panic!("{fw}: bars are drawn for a framework of fewer than three dimensions, which only a site's own has")
        })
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for ch in s.to_lowercase().chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn check_site(root: &Path) -> Seen {
    let t = tempfile::tempdir().unwrap();
    let site = Site::build(root, &t.path().join("public"));
    let mut seen = site.check_all();
    // Each account's customer site: its plans' KPI charts.
    for slug in site.accounts.iter().map(|a| a["slug"].as_str().unwrap()) {
        if !root.join("accounts").join(slug).join("plans").is_dir() {
            continue;
        }
        let out = t.path().join(format!("customer-{slug}"));
        let o = common::kamsite()
            .args(["build", "--audience", "customer", "--account", slug, "--root"])
            .arg(root)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for e in walkdir::WalkDir::new(&out).into_iter().flatten() {
            let rel = e
                .path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let Some(id) = rel.strip_prefix("plans/").and_then(|r| r.strip_suffix("/index.html")) else {
                continue;
            };
            let plan = yaml(
                &root
                    .join("accounts")
                    .join(slug)
                    .join("plans")
                    .join(format!("{id}.yaml")),
            );
            for svg in svgs(&common::read(e.path())) {
                let doc = parse(&svg);
                let what = format!("customer site of {slug}: {rel}: {}", label(&doc));
                assert!(label(&doc).starts_with("KPI progress"), "{what}: an unexpected chart");
                let before = seen.kpi_rows;
                check_kpi_rows(&doc, &plan, &what, &mut seen);
                seen.customer_kpi_rows += seen.kpi_rows - before;
            }
        }
    }
    seen
}

#[test]
fn every_chart_of_the_example_site_draws_the_data_it_names() {
    let seen = check_site(&common::example_site());
    for (kind, n) in [
        ("bubbles", seen.bubbles),
        ("labels", seen.labels),
        ("revenue bars", seen.revenue_bars),
        ("margin points", seen.margin_points),
        ("win-rate points", seen.rate_points),
        ("outcome bars", seen.outcome_bars),
        ("value bars", seen.value_bars),
        ("competitor bars", seen.competitor_bars),
        ("reason bars", seen.reason_bars),
        ("stage bars", seen.stage_bars),
        ("Pareto curves", seen.pareto),
        ("KPI rows", seen.kpi_rows),
        ("customer KPI rows", seen.customer_kpi_rows),
        ("contact cards", seen.contacts),
        ("data table cells", seen.table_cells),
        ("pipeline bars", seen.pipeline_bars),
    ] {
        assert!(n > 0, "no {kind} were checked: {seen:?}");
    }
}

#[test]
fn every_chart_of_a_site_whose_names_and_revenues_sort_differently_draws_the_data_it_names() {
    let seen = check_site(&common::fixture("chart-order"));
    assert!(seen.bubbles >= 6 && seen.labels >= 6, "{seen:?}");
    for (kind, n) in [
        ("revenue bars", seen.revenue_bars),
        ("margin points", seen.margin_points),
        ("win-rate points", seen.rate_points),
        ("outcome bars", seen.outcome_bars),
        ("value bars", seen.value_bars),
        ("competitor bars", seen.competitor_bars),
        ("reason bars", seen.reason_bars),
        ("stage bars", seen.stage_bars),
        ("Pareto curves", seen.pareto),
        ("customer KPI rows", seen.customer_kpi_rows),
        ("contact cards", seen.contacts),
    ] {
        assert!(n > 0, "no {kind} were checked: {seen:?}");
    }
}

/// tests/fixtures/groups: the whitespace page's open potential per offering
/// (tests/whitespace.rs works the values by hand: ERP suite 0, Cloud
/// hosting 320 000, Premium support 80 000).
#[test]
fn the_open_potential_chart_draws_each_offerings_open_potential() {
    let seen = check_site(&common::fixture("groups"));
    assert_eq!(seen.potential_bars, 3, "{seen:?}");
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&common::fixture("groups"), &t.path().join("out"));
    let html = common::read(&out.join("whitespace/index.html"));
    let svg = svgs(&html)
        .into_iter()
        .find(|s| s.contains("Open potential by offering"))
        .unwrap();
    assert!(
        svg.contains("data-series=\"Open potential (k "),
        "the unit is thousands"
    );
    let doc = parse(&svg);
    let xs = axis(&doc, Side::Bottom, "open potential");
    let drawn: Vec<(String, f64)> = elems(&doc, "rect")
        .filter_map(|r| {
            let name = r.attribute("data-category")?;
            Some((
                name.to_string(),
                // The axis is in thousands: the series says "(k EUR)".
                xs.value(num(r, "x") + num(r, "width")).round(),
            ))
        })
        .collect();
    let mut drawn = drawn;
    drawn.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        drawn,
        [
            ("Cloud hosting".to_string(), 320.0),
            ("ERP suite".to_string(), 0.0),
            ("Premium support".to_string(), 80.0)
        ]
    );
}

/// tests/fixtures/assessments: the distributions on /assessments/, an
/// account's bars of a two-dimension framework and its overall-score trends.
#[test]
fn the_assessment_charts_draw_the_scores_they_name() {
    let seen = check_site(&common::fixture("assessments"));
    for (kind, n) in [
        ("distribution bars", seen.distribution_bars),
        ("score bars", seen.score_bars),
        ("overall points", seen.overall_points),
        ("radar table cells", seen.radar_cells),
        ("data table cells", seen.table_cells),
    ] {
        assert!(n > 0, "no {kind} were checked: {seen:?}");
    }
}
