//! The list pages: the accounts list, the matrix and the tiers table, and
//! the rows they share (each account's row as a template value, and
//! rendered; see `render::schedule`, "Pre-rendered rows").

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use super::Run;
use crate::analyze::{AccountView, Portfolio, QuadrantPos};
use crate::diag::Diagnostics;
use crate::render::cache::{Parts, RowHtml};
use crate::render::page::{page, root_prefix};
use crate::render::schedule::{LINK_MARKUP, PAGE_MARKUP, html_len};
use crate::render::svg::{charts, matrix};
use crate::render::{Engine, Page, filters};

/// An account in a list: the fields lists and tables show.
#[derive(Serialize)]
struct AccountRow<'a> {
    slug: &'a str,
    name: &'a str,
    status: &'static str,
    tier: Option<&'a str>,
    tier_id: Option<&'a str>,
    tier_index: Option<usize>,
    stage: Option<&'a str>,
    stage_index: Option<usize>,
    owner: Option<&'a str>,
    revenue: Option<f64>,
    revenue_share: Option<f64>,
    last_note: Option<String>,
    quadrant: Option<&'a str>,
    attractiveness: Option<f64>,
    strength: Option<f64>,
    is_key: bool,
    attention: usize,
    /// Health 0-100 (site.yaml `health:`), if the site scores it.
    health: Option<f64>,
    /// The site scores health: lists show the column.
    health_column: bool,
}

fn row<'a>(a: &'a AccountView<'a>, health_column: bool) -> AccountRow<'a> {
    AccountRow {
        slug: a.slug,
        name: a.name,
        status: a.status.as_str(),
        tier: a.tier.as_ref().map(|t| t.name),
        tier_id: a.tier.as_ref().map(|t| t.id),
        tier_index: a.tier_index,
        stage: a.stage.as_ref().map(|s| s.name),
        stage_index: a.stage_index,
        owner: a.owner,
        revenue: a.revenue,
        revenue_share: a.revenue_share,
        last_note: a.last_note.map(|d| d.to_string()),
        quadrant: a.quadrant.as_ref().map(|q| q.name),
        attractiveness: a.placement.vertical.score,
        strength: a.placement.horizontal.score,
        is_key: a.is_key,
        attention: a.attention.len(),
        health: a.health.as_ref().map(|h| h.score),
        health_column,
    }
}

/// Every account's row, in account order: as a template value (`values`,
/// shared by every list) and rendered for the accounts list, its matrix
/// quadrant and its tier's table.
pub(super) struct Rows<'c> {
    pub values: Vec<Value>,
    pub list: Vec<&'c Value>,
    pub matrix: Vec<&'c Value>,
    pub tier: Vec<&'c Value>,
}

impl<'c> Rows<'c> {
    /// The rows of `p`, made for the accounts `values` and `html` do not
    /// hold yet (both are forgotten when the total revenue, which each
    /// row's share depends on, moved from `total_kept`). A row template's
    /// error is reported once and nothing rendered is kept.
    pub(super) fn make(
        engine: &Engine,
        p: &Portfolio,
        values: &mut Parts<Value>,
        total_kept: &mut Option<f64>,
        html: &'c mut Parts<RowHtml>,
    ) -> Result<Rows<'c>, Diagnostics> {
        // Each row becomes a template value once, kept while its account does
        // not change (and the total revenue stays); the lists of every page
        // share them (tera values are reference-counted) instead of
        // serialising 10,000 rows again for each list they appear in.
        let total: f64 = p.accounts.iter().filter_map(|a| a.revenue).sum();
        if total_kept.map(f64::to_bits) != Some(total.to_bits()) {
            values.clear();
            html.clear();
            *total_kept = Some(total);
        }
        let shared: Vec<Value> = values
            .all(p, |i| {
                Value::from_serializable(&row(&p.accounts[i], p.config.health.is_some()))
            })
            .into_iter()
            .cloned()
            .collect();
        // These pages sit one folder deep, so the rows share their `root`.
        let row_root = root_prefix("accounts/index.html");
        debug_assert_eq!(row_root, root_prefix("matrix/index.html"));
        debug_assert_eq!(row_root, root_prefix("tiers/index.html"));
        let render = |i: usize| -> RowHtml {
            let mut ctx = tera::Context::new();
            ctx.insert("a", &shared[i]);
            ctx.insert("root", &row_root);
            Ok((
                engine.fragment("rows/account.html", &ctx)?,
                engine.fragment("rows/matrix.html", &ctx)?,
                engine.fragment("rows/tier.html", &ctx)?,
            ))
        };
        let failed = html.all(p, render).into_iter().find_map(|r| r.as_ref().err().cloned());
        if let Some(d) = failed {
            // One template error, once (every row shows it); nothing is kept.
            html.clear();
            let mut diags = Diagnostics::default();
            diags.push(d);
            return Err(diags);
        }
        let rendered = html.all(p, render);
        let mut rows = Rows {
            values: Vec::new(),
            list: Vec::with_capacity(rendered.len()),
            matrix: Vec::with_capacity(rendered.len()),
            tier: Vec::with_capacity(rendered.len()),
        };
        for (list, matrix, tier) in rendered.into_iter().flatten() {
            rows.list.push(list);
            rows.matrix.push(matrix);
            rows.tier.push(tier);
        }
        rows.values = shared;
        Ok(rows)
    }
}

/// Where page `n` (1-based) of a list whose first page is `first`
/// (`accounts/index.html`) goes: `accounts/page/2/index.html` and on.
pub(super) fn page_path(first: &str, n: usize) -> String {
    if n <= 1 {
        return first.to_string();
    }
    let dir = first.strip_suffix("index.html").unwrap_or(first);
    format!("{dir}page/{n}/index.html")
}

/// A pre-rendered row (made for a page one folder deep) for a page at
/// `root`: the row templates use `root` only at the start of a link.
fn rebased(row: &Value, root: &str) -> Value {
    match row.as_str() {
        Some(html) if root != "../" => Value::from(html.replace("=\"../", &format!("=\"{root}"))),
        _ => row.clone(),
    }
}

/// The pagination a list page's template gets as `pager`: page `n` of
/// `pages`, with the links to the others (relative to this page).
#[derive(Serialize)]
struct Pager {
    current: usize,
    pages: usize,
    total: usize,
    first_item: usize,
    last_item: usize,
    prev: Option<String>,
    next: Option<String>,
    links: Vec<PagerLink>,
}

#[derive(Serialize)]
struct PagerLink {
    number: usize,
    href: String,
    current: bool,
    /// Pages are left out before this one (shown as a gap).
    gap_before: bool,
}

fn pager(first: &str, n: usize, pages: usize, total: usize, size: usize) -> Pager {
    let root = root_prefix(&page_path(first, n));
    let href = |k: usize| {
        let path = page_path(first, k);
        format!("{root}{}", path.strip_suffix("index.html").unwrap_or(&path))
    };
    Pager {
        current: n,
        pages,
        total,
        first_item: (n - 1) * size + 1,
        last_item: (n * size).min(total),
        prev: (n > 1).then(|| href(n - 1)),
        next: (n < pages).then(|| href(n + 1)),
        links: {
            let shown: Vec<usize> = (1..=pages)
                .filter(|&k| k == 1 || k == pages || k.abs_diff(n) <= 2)
                .collect();
            let mut before = 0;
            shown
                .into_iter()
                .map(|k| {
                    let gap_before = before > 0 && k > before + 1;
                    before = k;
                    PagerLink {
                        number: k,
                        href: href(k),
                        current: k == n,
                        gap_before,
                    }
                })
                .collect()
        },
    }
}

/// The accounts list, one page per `paginate` accounts (site.yaml; a list
/// no longer stays one page), each with the bytes it takes (see
/// `Engine::render_sized`). The pages slice the pre-rendered rows.
pub(super) fn accounts_pages(run: &Run, rows: &Rows) -> Vec<(Page, usize)> {
    let first = "accounts/index.html";
    let size = run.p.config.paginate.max(1);
    let total = rows.list.len();
    let pages = total.div_ceil(size).max(1);
    (1..=pages)
        .map(|n| {
            let path = page_path(first, n);
            let range = ((n - 1) * size).min(total)..(n * size).min(total);
            let root = root_prefix(&path);
            let title = if n == 1 {
                "Accounts".to_string()
            } else {
                format!("Accounts, page {n} of {pages}")
            };
            let mut ctx = page(&path, "accounts.html", &title, "accounts", run.info);
            let html: Vec<Value> = rows.list[range.clone()].iter().map(|r| rebased(r, &root)).collect();
            let values: Vec<&Value> = rows.values[range].iter().collect();
            let bytes = html.iter().map(|r| r.as_str().map_or(0, str::len)).sum::<usize>() + PAGE_MARKUP;
            ctx.insert("accounts", &values);
            ctx.insert("account_rows", &html);
            ctx.insert("account_count", &total);
            if pages > 1 {
                ctx.insert("pager", &pager(first, n, pages, total, size));
            }
            (
                Page {
                    path,
                    template: "accounts.html",
                    context: ctx,
                },
                bytes,
            )
        })
        .collect()
}

#[derive(Serialize)]
struct QuadrantRows<'a> {
    position: &'static str,
    name: &'a str,
    strategy: &'a str,
    revenue: f64,
    accounts: Vec<&'a Value>,
    /// The same accounts' rows, rendered (`rows/matrix.html`).
    rows: Vec<&'a Value>,
}

/// The matrix page, and the bytes it takes.
pub(super) fn matrix_page(run: &Run, rows: &Rows, memo: &matrix::MatrixMemo) -> (Page, usize) {
    let p = run.p;
    let mut ctx = page(
        "matrix/index.html",
        "matrix.html",
        "Portfolio matrix",
        "matrix",
        run.info,
    );
    ctx.insert("matrix", &p.config.matrix);
    let chart = matrix_chart(p, "../accounts/", memo);
    let size = chart.len() + html_len(&rows.matrix) + PAGE_MARKUP;
    ctx.insert("chart", &chart);
    let groups: Vec<QuadrantRows> = p
        .quadrants
        .iter()
        .map(|g| QuadrantRows {
            position: g.position.as_str(),
            name: &g.name,
            strategy: &g.strategy,
            revenue: g.revenue,
            accounts: g.accounts.iter().map(|&i| &rows.values[i]).collect(),
            rows: g.accounts.iter().map(|&i| rows.matrix[i]).collect(),
        })
        .collect();
    ctx.insert("quadrants", &groups);
    let unscored: Vec<&Value> = p.unscored.iter().map(|&i| &rows.values[i]).collect();
    ctx.insert("unscored", &unscored);
    let page = Page {
        path: "matrix/index.html".into(),
        template: "matrix.html",
        context: ctx,
    };
    // Each unscored account is a link of its own.
    (page, size + unscored.len() * LINK_MARKUP)
}

/// The tiers page, and the bytes it takes.
pub(super) fn tiers_page(run: &Run, rows: &Rows) -> (Page, usize) {
    let p = run.p;
    let mut ctx = page("tiers/index.html", "tiers.html", "Tiers and stages", "tiers", run.info);
    ctx.insert("tiers", &tier_rows(p, &rows.values, Some(&rows.tier)));
    let stages: Vec<&str> = p
        .tiers
        .rows
        .first()
        .map(|r| r.cells.iter().map(|c| c.stage.as_str()).collect())
        .unwrap_or_default();
    // The same columns with what each stage means (site.yaml `description`).
    let stage_details: Vec<serde_json::Value> = stages
        .iter()
        .map(|name| {
            let stage = p.config.stages.iter().find(|s| s.name == *name);
            serde_json::json!({
                "name": name,
                "description": stage.and_then(|s| s.description.as_deref()),
            })
        })
        .collect();
    ctx.insert("stages", &stages);
    ctx.insert("stage_details", &stage_details);
    ctx.insert("stage_chart", &stage_chart(p));
    ctx.insert("total_revenue", &p.summary.revenue_latest);
    let page = Page {
        path: "tiers/index.html".into(),
        template: "tiers.html",
        context: ctx,
    };
    // Each account is also a link in its tier and stage's cell.
    let size = html_len(&rows.tier) + p.accounts.len() * LINK_MARKUP + PAGE_MARKUP;
    (page, size)
}

#[derive(Serialize)]
pub(super) struct TierRowView<'a> {
    id: Option<&'a str>,
    name: &'a str,
    key: bool,
    description: Option<&'a str>,
    count: usize,
    revenue: f64,
    revenue_share: Option<f64>,
    cells: Vec<CellView<'a>>,
    accounts: Vec<&'a Value>,
    /// The same accounts' rows, rendered (tiers page only).
    rows: Option<Vec<&'a Value>>,
}

#[derive(Serialize)]
struct CellView<'a> {
    stage: &'a str,
    count: usize,
    accounts: Vec<&'a Value>,
}

/// The tier table; `html` gives each account's rendered row (`rows/tier.html`)
/// for the pages one folder deep that show it (the tiers page).
pub(super) fn tier_rows<'a>(p: &'a Portfolio, rows: &'a [Value], html: Option<&[&'a Value]>) -> Vec<TierRowView<'a>> {
    p.tiers
        .rows
        .iter()
        .map(|r| TierRowView {
            id: r.id.as_deref(),
            name: &r.name,
            key: r.key,
            description: r.description.as_deref(),
            count: r.accounts.len(),
            revenue: r.revenue,
            revenue_share: r.revenue_share,
            cells: r
                .cells
                .iter()
                .map(|c| CellView {
                    stage: &c.stage,
                    count: c.accounts.len(),
                    accounts: c.accounts.iter().map(|&i| &rows[i]).collect(),
                })
                .collect(),
            accounts: r.accounts.iter().map(|&i| &rows[i]).collect(),
            rows: html.map(|html| r.accounts.iter().map(|&i| html[i]).collect()),
        })
        .collect()
}

/// Accounts per relationship stage, as a bar chart.
pub(super) fn stage_chart(p: &Portfolio) -> String {
    let labels: Vec<String> = p.tiers.stage_totals.iter().map(|(s, _)| s.clone()).collect();
    let values: Vec<f64> = p.tiers.stage_totals.iter().map(|(_, n)| *n as f64).collect();
    charts::hbar(&labels, &values, "Accounts", "Accounts per relationship stage")
}

/// The matrix bubble chart; `href_prefix` leads from the page to /accounts/.
pub fn matrix_chart(p: &Portfolio, href_prefix: &str, memo: &matrix::MatrixMemo) -> String {
    let m = &p.config.matrix;
    let points: Vec<matrix::MatrixPoint> = p
        .accounts
        .par_iter()
        .filter_map(|a| {
            let q = a.placement.quadrant?;
            let (x, y) = (a.placement.horizontal.score?, a.placement.vertical.score?);
            let group = QuadrantPos::ALL.iter().position(|g| *g == q).unwrap_or(0);
            let rev = a
                .revenue
                .map(|r| format!(", revenue {}", filters::compact(r)))
                .unwrap_or_default();
            Some(matrix::MatrixPoint {
                name: a.name,
                x,
                y,
                revenue: a.revenue.unwrap_or(0.0),
                group,
                tooltip: format!(
                    "{} — {}: {} {:.1}, {} {:.1}{}",
                    a.name,
                    q.pick(&m.quadrants),
                    m.vertical.name,
                    y,
                    m.horizontal.name,
                    x,
                    rev
                ),
                href: format!("{href_prefix}{}/", a.slug),
            })
        })
        .collect();
    let names = QuadrantPos::ALL.map(|q| q.pick(&m.quadrants).as_str());
    let spec = matrix::MatrixSpec {
        x_name: &m.horizontal.name,
        y_name: &m.vertical.name,
        x_threshold: m.horizontal.threshold,
        y_threshold: m.vertical.threshold,
        group_names: names,
        labels: 15,
    };
    matrix::matrix_with(&points, &spec, memo)
}
