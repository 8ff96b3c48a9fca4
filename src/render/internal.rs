//! Pages of the internal portal: dashboard, matrix, tiers, accounts, data.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use super::{Engine, Page, SiteInfo, charts, reviews, root_prefix, stakeholders};
use crate::analyze::{AccountView, Portfolio, QuadrantPos};
use crate::diag::Diagnostics;
use crate::write::{OutputFile, Sink};

/// Navigation entry of the portal header.
#[derive(Serialize)]
struct NavItem {
    title: &'static str,
    href: &'static str,
    section: &'static str,
}

const NAV: &[NavItem] = &[
    NavItem {
        title: "Dashboard",
        href: "",
        section: "dashboard",
    },
    NavItem {
        title: "Matrix",
        href: "matrix/",
        section: "matrix",
    },
    NavItem {
        title: "Tiers",
        href: "tiers/",
        section: "tiers",
    },
    NavItem {
        title: "Accounts",
        href: "accounts/",
        section: "accounts",
    },
    NavItem {
        title: "Reviews",
        href: "reviews/",
        section: "reviews",
    },
    NavItem {
        title: "Plans",
        href: "plans/",
        section: "plans",
    },
    NavItem {
        title: "Search",
        href: "search/",
        section: "search",
    },
];

pub(super) fn page(path: &str, template: &'static str, title: &str, section: &str, site: &SiteInfo) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", site);
    ctx.insert("nav", NAV);
    ctx.insert("root", &root_prefix(path));
    ctx.insert(
        "page",
        &PageInfo {
            path,
            title,
            section,
            template,
        },
    );
    ctx
}

#[derive(Serialize)]
struct PageInfo<'a> {
    path: &'a str,
    title: &'a str,
    section: &'a str,
    template: &'a str,
}

/// A note with its body rendered to safe HTML.
#[derive(Serialize)]
struct NoteHtml<'a> {
    #[serde(flatten)]
    view: &'a crate::analyze::NoteView<'a>,
    html: String,
}

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
}

fn row<'a>(a: &'a AccountView<'a>) -> AccountRow<'a> {
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
    }
}

pub fn render(
    engine: &Engine,
    p: &Portfolio,
    sink: &dyn Sink,
    only: Option<&std::collections::HashSet<String>>,
    cache: &mut super::Cache,
) -> Result<(), Diagnostics> {
    // With `only`, an incremental rebuild: the aggregate pages, plus the pages
    // of the named accounts; every other account's pages are left as they are.
    let wanted = |path: &str| match (only, path.strip_prefix("accounts/")) {
        (Some(set), Some(rest)) if rest.contains('/') => rest.split('/').next().is_some_and(|s| set.contains(s)),
        _ => true,
    };
    let cfg = p.config;
    let info = SiteInfo {
        title: &cfg.title,
        company: &cfg.company,
        base_url: &cfg.base_url,
        links: match cfg.links {
            crate::config::Links::Files => "files",
            crate::config::Links::Folders => "folders",
        },
        currency: &cfg.currency,
        language: &cfg.language,
        today: p.today.to_string(),
        audience: "internal",
        generator: concat!("kamsite ", env!("CARGO_PKG_VERSION")),
        noindex: cfg.noindex,
    };
    let super::Cache {
        contexts,
        rows: row_parts,
        rows_total,
        row_html,
        reviews: review_parts,
        search: search_parts,
        accounts_json,
        attention_json,
        matrix: matrix_memo,
        release_texts,
    } = cache;
    let matrix_memo = &*matrix_memo;
    let contexts = contexts.as_ref();
    if let Some(c) = contexts {
        c.begin();
    }
    // A plain build (no contexts kept) goes in three steps, each reusing the
    // memory the step before freed instead of asking the system for more:
    // 1. the profiles, releasing each account's note texts once its page is
    //    made (most of a gigabyte at 100,000 accounts) and making its
    //    search-index part while the texts are there;
    // 2. the search index, the data files and the win/loss pages, which do
    //    not use the list rows and drop their per-account parts once written
    //    (about half a gigabyte at 100,000 accounts);
    // 3. the list rows and the site-wide pages.
    // `serve` keeps the texts, the parts and the contexts between rebuilds:
    // it runs step 2 with the site-wide pages, and its few changed profiles last.
    let keep = contexts.is_some();
    let release = *release_texts && !keep;
    let search_made: std::sync::Mutex<Vec<(String, Vec<u8>)>> = Default::default();
    let reviews_task = || {
        let (pages, shared) = reviews::pages(p, &info, review_parts);
        let mut d = engine.render_changed(pages.into_par_iter(), |page| page, sink, contexts);
        let each = p.winloss.reviews.par_iter().zip(shared.par_iter());
        d.extend(engine.render_changed(
            each.filter(|(view, _)| wanted(&reviews::review_path(view))),
            |(view, value)| reviews::review_page(engine, p, view, value, &p.winloss, &info),
            sink,
            contexts,
        ));
        // The values are shared with the kept parts (reference-counted):
        // both go before the memory is free.
        drop(shared);
        if !keep {
            review_parts.clear();
        }
        d
    };
    // The index and the data files are written on one core each, side by
    // side, so neither waits for the other's writes; the large ones piece by
    // piece, never joined in memory.
    let data_task = || {
        let (mut d, more) = rayon::join(
            || {
                if let Ok(mut made) = search_made.lock() {
                    search_parts.extend(std::mem::take(&mut *made));
                }
                let as_script = cfg.links == crate::config::Links::Files;
                let written = super::search::write_index(p, search_parts, &mut |pieces| {
                    let json = sink.put_pieces(super::search::INDEX_PATH, pieces);
                    // Opened from disk, a page cannot fetch the index; it loads this script.
                    if json.is_err() || !as_script {
                        return json;
                    }
                    let mut script: Vec<&[u8]> = Vec::with_capacity(pieces.len() + 2);
                    script.push(super::search::SCRIPT_HEAD);
                    script.extend_from_slice(pieces);
                    script.push(b";\n");
                    sink.put_pieces(super::search::SCRIPT_PATH, &script)
                });
                if !keep {
                    search_parts.clear();
                }
                put_results(vec![written])
            },
            || {
                let mut d = put_all(sink, vec![reviews::data_file(&p.winloss)]);
                d.extend(put_results(write_data_files(p, accounts_json, attention_json, sink)));
                if !keep {
                    accounts_json.clear();
                    attention_json.clear();
                }
                d
            },
        );
        d.extend(more);
        d
    };
    let mut early: Vec<Task> = vec![Box::new(reviews_task), Box::new(data_task)];
    let mut diags = Diagnostics::default();

    // Each account's reviews, grouped once (a scan per account is quadratic).
    let reviews_by_account = reviews::by_account(&p.winloss);
    // Account profiles: each context (Markdown, charts) is built when its
    // page renders and dropped right after, so memory stays flat (step 1).
    let profiles = || {
        engine.render_each(
            p.accounts
                .par_iter()
                .filter(|a| only.is_none_or(|set| set.contains(a.slug))),
            |a| {
                let path = profile_path(a.slug);
                let mut ctx = page(&path, "account.html", a.name, "accounts", &info);
                let notes: Vec<NoteHtml> = a
                    .notes
                    .iter()
                    .map(|v| NoteHtml {
                        view: v,
                        html: engine
                            .origins
                            .markdown(&path, &v.body(), &format!("{}-", v.id), || v.file()),
                    })
                    .collect();
                // Nothing after this page reads the notes' texts in a build
                // but the search index: its part is made now.
                if !keep {
                    let part = super::search::fragment(a);
                    if let Ok(mut made) = search_made.lock() {
                        made.push((a.slug.to_string(), part));
                    }
                }
                if release {
                    for n in &a.notes {
                        n.release();
                    }
                }
                let years: Vec<i32> = a.financials.iter().map(|f| f.year).collect();
                let revenue: Vec<Option<f64>> = a.financials.iter().map(|f| f.revenue).collect();
                let margin: Vec<Option<f64>> = a.financials.iter().map(|f| f.margin).collect();
                ctx.insert("account", a);
                ctx.insert("notes", &notes);
                ctx.insert(
                    "financial_chart",
                    &charts::financials(&years, &revenue, &margin, &cfg.currency),
                );
                ctx.insert("stakeholder_map", &stakeholders::map(&a.contacts));
                ctx.insert("matrix", &cfg.matrix);
                let own: Vec<&crate::analyze::winloss::ReviewView> = reviews_by_account
                    .get(a.slug)
                    .into_iter()
                    .flatten()
                    .map(|&i| &p.winloss.reviews[i])
                    .collect();
                ctx.insert("reviews", &own);
                ctx.insert("plans", &super::plans::account_plans(p, a.slug));
                Page {
                    path,
                    template: "account.html",
                    context: ctx,
                }
            },
            sink,
        )
    };
    // Steps 1 and 2 of a build, each on every core.
    let mut profiles_done = None;
    if !keep {
        profiles_done = Some(profiles());
        for d in longest_first(std::mem::take(&mut early)) {
            diags.extend(d);
        }
    }

    // Each row becomes a template value once, kept while its account does
    // not change (and the total revenue, which its share depends on, stays);
    // the lists of every page share them (tera values are reference-counted)
    // instead of serialising 10,000 rows again for each list they appear in.
    let total: f64 = p.accounts.iter().filter_map(|a| a.revenue).sum();
    if rows_total.map(f64::to_bits) != Some(total.to_bits()) {
        row_parts.clear();
        row_html.clear();
        *rows_total = Some(total);
    }
    let shared: Vec<Value> = row_parts
        .all(p, |i| Value::from_serializable(&row(&p.accounts[i])))
        .into_iter()
        .cloned()
        .collect();
    // The rows of the accounts list, the matrix quadrants and the tiers'
    // tables, rendered once per account and kept like the row values: a list
    // page then joins strings instead of running its row template 10,000
    // times. These pages sit one folder deep, so the rows share their `root`.
    let row_root = super::root_prefix("accounts/index.html");
    debug_assert_eq!(row_root, super::root_prefix("matrix/index.html"));
    debug_assert_eq!(row_root, super::root_prefix("tiers/index.html"));
    let rendered: Vec<&super::RowHtml> = row_html.all(p, |i| {
        let mut ctx = tera::Context::new();
        ctx.insert("a", &shared[i]);
        ctx.insert("root", &row_root);
        Ok((
            engine.fragment("rows/account.html", &ctx)?,
            engine.fragment("rows/matrix.html", &ctx)?,
            engine.fragment("rows/tier.html", &ctx)?,
        ))
    });
    let mut failed = Diagnostics::default();
    let mut list_rows: Vec<&Value> = Vec::with_capacity(rendered.len());
    let mut matrix_rows: Vec<&Value> = Vec::with_capacity(rendered.len());
    let mut tier_html_rows: Vec<&Value> = Vec::with_capacity(rendered.len());
    for r in &rendered {
        match r {
            Ok((list, matrix, tier)) => {
                list_rows.push(list);
                matrix_rows.push(matrix);
                tier_html_rows.push(tier);
            }
            Err(d) => {
                if failed.is_empty() {
                    failed.push(d.clone());
                }
            }
        }
    }
    if !failed.is_empty() {
        // One template error, once (every row shows it); nothing is kept.
        row_html.clear();
        diags.extend(failed);
        return Err(diags);
    }
    // Dashboard.
    let dashboard = || {
        let mut ctx = page("index.html", "index.html", "Portfolio dashboard", "dashboard", &info);
        ctx.insert("summary", &p.summary);
        ctx.insert("pareto", &p.pareto);
        ctx.insert("pareto_chart", &charts::pareto(&p.pareto));
        let d = &p.dashboard;
        ctx.insert("attention_total", &d.attention_total);
        ctx.insert("attention_groups", &d.attention_groups);
        let top: Vec<&Value> = d.largest.iter().map(|&i| &shared[i]).collect();
        ctx.insert("top_accounts", &top);
        ctx.insert("tiers", &tier_rows(p, &shared, None));
        ctx.insert("stage_chart", &stage_chart(p));
        Page {
            path: "index.html".into(),
            template: "index.html",
            context: ctx,
        }
    };

    // Accounts list, and the bytes it takes (see `Engine::render_sized`).
    let accounts_list = || {
        let mut ctx = page("accounts/index.html", "accounts.html", "Accounts", "accounts", &info);
        ctx.insert("accounts", &shared);
        ctx.insert("account_rows", &list_rows);
        let page = Page {
            path: "accounts/index.html".into(),
            template: "accounts.html",
            context: ctx,
        };
        (page, html_len(&list_rows) + PAGE_MARKUP)
    };

    // Matrix.
    let matrix = || {
        let mut ctx = page("matrix/index.html", "matrix.html", "Portfolio matrix", "matrix", &info);
        ctx.insert("matrix", &cfg.matrix);
        let chart = matrix_chart(p, "../accounts/", matrix_memo);
        let size = chart.len() + html_len(&matrix_rows) + PAGE_MARKUP;
        ctx.insert("chart", &chart);
        let groups: Vec<QuadrantRows> = p
            .quadrants
            .iter()
            .map(|g| QuadrantRows {
                position: g.position.as_str(),
                name: &g.name,
                strategy: &g.strategy,
                revenue: g.revenue,
                accounts: g.accounts.iter().map(|&i| &shared[i]).collect(),
                rows: g.accounts.iter().map(|&i| matrix_rows[i]).collect(),
            })
            .collect();
        ctx.insert("quadrants", &groups);
        let unscored: Vec<&Value> = p.unscored.iter().map(|&i| &shared[i]).collect();
        ctx.insert("unscored", &unscored);
        let page = Page {
            path: "matrix/index.html".into(),
            template: "matrix.html",
            context: ctx,
        };
        // Each unscored account is a link of its own.
        (page, size + unscored.len() * LINK_MARKUP)
    };

    // Tiers.
    let tiers = || {
        let mut ctx = page("tiers/index.html", "tiers.html", "Tiers and stages", "tiers", &info);
        ctx.insert("tiers", &tier_rows(p, &shared, Some(&tier_html_rows)));
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
        let size = html_len(&tier_html_rows) + p.accounts.len() * LINK_MARKUP + PAGE_MARKUP;
        (page, size)
    };

    let not_found = || Page {
        path: "404.html".into(),
        template: "404.html",
        context: page("404.html", "404.html", "Page not found", "", &info),
    };
    let search = || Page {
        path: "search/index.html".into(),
        template: "search.html",
        context: page("search/index.html", "search.html", "Search", "search", &info),
    };
    // The aggregate pages and the plan pages (and, in `serve`, the win/loss
    // pages and the data files) do not depend on each other: they are built
    // and rendered side by side, the longest first (see `longest_first`).
    // `serve` renders its few changed profiles after them; a build has
    // rendered every profile before them (step 1).
    let one =
        |build: &(dyn Fn() -> Page + Sync)| engine.render_changed(rayon::iter::once(build), |b| b(), sink, contexts);
    let sized = |build: &(dyn Fn() -> (Page, usize) + Sync)| {
        let (page, size) = build();
        engine.render_sized(page, size, sink, contexts)
    };
    let mut tasks: Vec<Task> = vec![
        Box::new(|| sized(&matrix)),
        Box::new(|| one(&dashboard)),
        Box::new(|| sized(&accounts_list)),
        Box::new(|| sized(&tiers)),
        Box::new(|| {
            let mut d = one(&|| super::plans::index_page(p, &info));
            d.extend(engine.render_changed(
                p.plans.par_iter().filter(|plan| wanted(&super::plans::plan_path(plan))),
                |plan| super::plans::plan_page(engine, p, plan, &info),
                sink,
                contexts,
            ));
            d
        }),
        Box::new(|| one(&not_found)),
        Box::new(|| one(&search)),
    ];
    // In `serve`, the win/loss pages and the data files run here, after the
    // four lists (they take about as long as one list each).
    tasks.splice(4..4, early);
    // Step 3: the site-wide pages on every core, the longest first.
    let lists = longest_first(tasks);
    let profiles = profiles_done.take().unwrap_or_else(profiles);
    for d in lists {
        diags.extend(d);
    }
    diags.extend(profiles);
    let mut statics: Vec<OutputFile> = engine
        .static_files()
        .iter()
        .map(|(name, bytes)| OutputFile::new(name.clone(), bytes.clone()))
        .collect();
    if cfg.noindex && !engine.static_files().contains_key(super::ROBOTS_TXT) {
        statics.push(OutputFile::new(
            super::ROBOTS_TXT,
            super::DISALLOW_ALL.as_bytes().to_vec(),
        ));
    }
    diags.extend(put_all(sink, statics));
    if diags.has_errors() { Err(diags) } else { Ok(()) }
}

/// The bytes of pre-rendered rows, to size the buffer of the page they go in.
fn html_len(rows: &[&Value]) -> usize {
    rows.iter().map(|r| r.as_str().map_or(0, str::len)).sum()
}

/// Room for a list page's own markup around its rows: head, navigation,
/// headings, script (about 10 KB in the default theme).
const PAGE_MARKUP: usize = 64 * 1024;

/// Room for one account's link in a list (`<li><a href="..">name</a></li>`).
const LINK_MARKUP: usize = 160;

/// Where an account's profile page goes.
pub(crate) fn profile_path(slug: &str) -> String {
    format!("accounts/{slug}/index.html")
}

/// A group of site-wide pages or files to make, with the problems found.
type Task<'a> = Box<dyn FnOnce() -> Diagnostics + Send + 'a>;

/// Put `files` into `sink`; the problems writing them.
fn put_all(sink: &dyn Sink, files: Vec<OutputFile>) -> Diagnostics {
    put_results(files.into_iter().map(|f| sink.put(f)).collect())
}

/// A diagnostic for each write that failed.
fn put_results<E: std::fmt::Display>(results: Vec<Result<(), E>>) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for e in results.into_iter().filter_map(Result::err) {
        diags.push(crate::diag::Diagnostic::at_path("write", "output", e.to_string()));
    }
    diags
}

/// Run `tasks` on every core, in the order given (longest expected first):
/// each worker takes the next task as soon as it is free. Large pages are
/// single tasks that cannot be split, so the order decides how evenly the
/// cores are used. Results come back in task order.
fn longest_first<'a, T: Send>(tasks: Vec<Box<dyn FnOnce() -> T + Send + 'a>>) -> Vec<T> {
    let count = tasks.len();
    let queue = std::sync::Mutex::new(tasks.into_iter().enumerate());
    let done = std::sync::Mutex::new(Vec::with_capacity(count));
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads().min(count) {
            s.spawn(|_| {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.next());
                    let Some((i, task)) = next else { break };
                    let result = task();
                    if let Ok(mut d) = done.lock() {
                        d.push((i, result));
                    }
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_default();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
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

#[derive(Serialize)]
struct TierRowView<'a> {
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
fn tier_rows<'a>(p: &'a Portfolio, rows: &'a [Value], html: Option<&[&'a Value]>) -> Vec<TierRowView<'a>> {
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

fn stage_chart(p: &Portfolio) -> String {
    let labels: Vec<String> = p.tiers.stage_totals.iter().map(|(s, _)| s.clone()).collect();
    let values: Vec<f64> = p.tiers.stage_totals.iter().map(|(_, n)| *n as f64).collect();
    charts::hbar(&labels, &values, "Accounts", "Accounts per relationship stage")
}

/// The matrix bubble chart; `href_prefix` leads from the page to /accounts/.
pub fn matrix_chart(p: &Portfolio, href_prefix: &str, memo: &charts::MatrixMemo) -> String {
    let m = &p.config.matrix;
    let points: Vec<charts::MatrixPoint> = p
        .accounts
        .par_iter()
        .filter_map(|a| {
            let q = a.placement.quadrant?;
            let (x, y) = (a.placement.horizontal.score?, a.placement.vertical.score?);
            let group = QuadrantPos::ALL.iter().position(|g| *g == q).unwrap_or(0);
            let rev = a
                .revenue
                .map(|r| format!(", revenue {}", super::filters::compact(r)))
                .unwrap_or_default();
            Some(charts::MatrixPoint {
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
    let spec = charts::MatrixSpec {
        x_name: &m.horizontal.name,
        y_name: &m.vertical.name,
        x_threshold: m.horizontal.threshold,
        y_threshold: m.vertical.threshold,
        group_names: names,
        labels: 15,
    };
    charts::matrix_with(&points, &spec, memo)
}

/// `/data/*.json`, `/data/*.csv` and their schemas: the computed analysis for
/// BI tools (render/data.rs). Keys and columns are documented in docs/data.md.
/// Each account's JSON entries are kept between `serve`'s rebuilds.
fn write_data_files(
    p: &Portfolio,
    accounts_json: &mut super::Parts<Vec<u8>>,
    attention_json: &mut super::Parts<Vec<u8>>,
    sink: &dyn Sink,
) -> Vec<Result<(), String>> {
    let accounts = accounts_json.all(p, |i| json_element(&super::data::AccountData::of(&p.accounts[i])));
    let attention = attention_json.all(p, |i| {
        let items: Vec<Vec<u8>> = p.accounts[i].attention.iter().map(json_element).collect();
        items.join(&b",\n"[..])
    });
    let mut results = vec![
        sink.put_pieces("data/accounts.json", &json_array_pieces(&accounts))
            .map_err(String::from),
        sink.put_pieces("data/attention.json", &json_array_pieces(&attention))
            .map_err(String::from),
    ];
    match super::data::csv_files(p) {
        Ok(files) => results.extend(files.into_iter().map(|f| sink.put(f).map_err(String::from))),
        Err(e) => results.push(Err(e)),
    }
    results.extend(
        super::data::schema_files()
            .into_iter()
            .map(|f| sink.put(f).map_err(String::from)),
    );
    results
}

/// `v` as pretty JSON, indented to sit in a pretty-printed array.
fn json_element<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    let pretty = serde_json::to_vec_pretty(v).unwrap_or_else(|_| b"null".to_vec());
    let mut out = Vec::with_capacity(pretty.len() + pretty.len() / 8 + 2);
    out.extend_from_slice(b"  ");
    for &b in &pretty {
        out.push(b);
        // JSON strings escape their newlines: every raw one is layout.
        if b == b'\n' {
            out.extend_from_slice(b"  ");
        }
    }
    out
}

/// [`json_array_pieces`], joined.
#[cfg(test)]
fn json_array(parts: &[&Vec<u8>]) -> Vec<u8> {
    json_array_pieces(parts).concat()
}

/// Elements from [`json_element`] (empty parts skipped) as the pieces of a
/// pretty JSON array with a trailing newline, not joined: together, the
/// bytes [`to_json`] gives for the list.
fn json_array_pieces<'a>(parts: &[&'a Vec<u8>]) -> Vec<&'a [u8]> {
    let mut pieces: Vec<&[u8]> = Vec::with_capacity(parts.len() * 2 + 2);
    pieces.push(b"[");
    for part in parts.iter().filter(|p| !p.is_empty()) {
        pieces.push(if pieces.len() == 1 { b"\n" } else { b",\n" });
        pieces.push(part);
    }
    pieces.push(if pieces.len() == 1 { b"]\n" } else { b"\n]\n" });
    pieces
}

/// Pretty JSON with a trailing newline.
pub fn to_json<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_else(|_| b"null".to_vec());
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page rendered into a buffer sized ahead (`Engine::render_sized`, the
    /// lists) is the page tera renders on its own, whether the size given is
    /// too small or ample, and a template error is reported the same way.
    #[test]
    fn a_page_sized_ahead_is_the_page_rendered_unsized() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let (site, diags) = crate::load::load(&root);
        assert!(!diags.has_errors(), "{diags:?}");
        let opts = crate::BuildOptions {
            root,
            ..Default::default()
        };
        let engine = Engine::new(&opts, &site).expect("theme loads");
        let info = SiteInfo {
            title: "Sized",
            company: "Sized",
            base_url: "/",
            links: "folders",
            currency: "EUR",
            language: "en",
            today: "2026-11-30".into(),
            audience: "internal",
            generator: "kamsite",
            noindex: true,
        };
        let make = |template: &'static str| Page {
            path: "accounts/index.html".into(),
            template,
            context: {
                let mut ctx = page("accounts/index.html", template, "Accounts", "accounts", &info);
                ctx.insert("accounts", &Vec::<Value>::new());
                ctx.insert("account_rows", &vec![Value::safe_string("<tr><td>Row</td></tr>")]);
                ctx
            },
        };
        let render = |template, size: Option<usize>| {
            let sink = crate::write::Collect::default();
            let d = match size {
                None => engine.render_changed(rayon::iter::once(()), |()| make(template), &sink, None),
                Some(n) => engine.render_sized(make(template), n, &sink, None),
            };
            (sink.into_files(), d)
        };
        let (unsized_files, d) = render("accounts.html", None);
        assert!(d.is_empty(), "{d:?}");
        let html = String::from_utf8(unsized_files[0].bytes.to_vec()).unwrap();
        assert!(
            html.contains("<tr><td>Row</td></tr>") && html.ends_with("</html>\n"),
            "{html}"
        );
        for size in [0, 1, 100, html.len(), 1 << 20] {
            let (files, d) = render("accounts.html", Some(size));
            assert!(d.is_empty(), "{d:?}");
            assert_eq!(files.len(), 1);
            assert!(files[0].bytes == unsized_files[0].bytes, "size {size}");
        }
        let (none, unsized_error) = render("no-such-page.html", None);
        let (also_none, sized_error) = render("no-such-page.html", Some(1 << 20));
        assert!(none.is_empty() && also_none.is_empty());
        assert!(!unsized_error.is_empty());
        assert_eq!(format!("{sized_error:?}"), format!("{unsized_error:?}"));
    }

    /// A plain build drops the per-account parts of the search index, the
    /// data files and the reviews once they are written; `serve` keeps them
    /// for its next rebuild. The files are the same either way.
    #[test]
    fn a_plain_build_keeps_no_parts_and_serve_keeps_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let (site, diags) = crate::load::load(&root);
        assert!(!diags.has_errors(), "{diags:?}");
        let today = crate::today(&site.config);
        let p = crate::analyze::analyze(&site, today);
        let opts = crate::BuildOptions {
            root: root.clone(),
            ..Default::default()
        };
        let render = |cache: &mut crate::render::Cache| {
            let sink = crate::write::Collect::default();
            crate::render::internal_to(&opts, &site, &p, &sink, cache).expect("renders");
            sink.into_files()
        };
        let mut plain = crate::render::Cache::default();
        let built = render(&mut plain);
        let mut kept = crate::render::Cache::keeping_pages();
        let served = render(&mut kept);
        // A build whose site is dropped afterwards releases the notes' texts
        // as it goes, and makes the same files.
        let notes = || site.accounts.iter().flat_map(|a| &a.notes);
        assert!(notes().count() > 1);
        assert!(notes().all(|n| n.file.get().is_some()));
        let released = render(&mut crate::render::Cache::for_one_build());
        assert!(notes().all(|n| n.file.get().is_none() && n.body().is_empty()));
        assert_eq!(released.len(), built.len());
        for (a, b) in released.iter().zip(&built) {
            assert_eq!(a.path, b.path);
            assert!(a.bytes == b.bytes, "{} differs", a.path);
        }
        let accounts = p.accounts.len();
        assert!(accounts > 1);
        assert_eq!(plain.search.0.len(), 0);
        assert_eq!(plain.accounts_json.0.len(), 0);
        assert_eq!(plain.attention_json.0.len(), 0);
        assert_eq!(plain.reviews.0.len(), 0);
        assert_eq!(kept.search.0.len(), accounts);
        assert_eq!(kept.accounts_json.0.len(), accounts);
        assert_eq!(kept.attention_json.0.len(), accounts);
        assert_eq!(kept.reviews.0.len(), accounts);
        // The rows serve the lists in both.
        assert_eq!(plain.rows.0.len(), accounts);
        assert_eq!(built.len(), served.len());
        for (a, b) in built.iter().zip(&served) {
            assert_eq!(a.path, b.path);
            assert!(a.bytes == b.bytes, "{} differs", a.path);
        }
        // The folders a build makes ahead are those its pages go into.
        let folders = crate::render::page_folders(&p);
        assert_eq!(folders.len(), accounts + p.plans.len());
        assert!(!p.plans.is_empty());
        for folder in &folders {
            let page = format!("{folder}/index.html");
            assert!(built.iter().any(|f| f.path == page), "no page in {folder}");
        }
        let index = built
            .iter()
            .find(|f| f.path == crate::render::search::INDEX_PATH)
            .expect("index");
        let first = p.accounts[0].slug;
        assert!(std::str::from_utf8(&index.bytes).is_ok_and(|t| t.contains(first)));
    }

    #[derive(Serialize)]
    struct Item {
        name: &'static str,
        tags: Vec<&'static str>,
        note: Option<&'static str>,
    }

    #[test]
    fn arrays_assembled_from_parts_match_the_whole_list() {
        let items = [
            Item {
                name: "Nordwind \"AG\"",
                tags: vec!["a", "b"],
                note: Some("two\nlines"),
            },
            Item {
                name: "Brandt",
                tags: vec![],
                note: None,
            },
        ];
        let parts: Vec<Vec<u8>> = items.iter().map(json_element).collect();
        // An account without items gives an empty part, which is skipped.
        let with_empty = [&parts[0], &Vec::new(), &parts[1]];
        assert_eq!(
            String::from_utf8(json_array(&with_empty)).unwrap(),
            String::from_utf8(to_json(&items)).unwrap()
        );
        assert_eq!(json_array(&[&Vec::new()]), to_json::<[Item]>(&[]));
        assert_eq!(json_array(&[]), b"[]\n");
    }

    #[test]
    fn tasks_run_once_each_and_answer_in_task_order() {
        let ran = std::sync::atomic::AtomicUsize::new(0);
        let tasks: Vec<Box<dyn FnOnce() -> usize + Send + '_>> = (0..9usize)
            .map(|i| {
                let ran = &ran;
                Box::new(move || {
                    ran.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    // Later tasks finish first.
                    std::thread::sleep(std::time::Duration::from_millis(9 - i as u64));
                    i * 10
                }) as Box<dyn FnOnce() -> usize + Send + '_>
            })
            .collect();
        assert_eq!(longest_first(tasks), (0..9).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(ran.load(std::sync::atomic::Ordering::SeqCst), 9);
    }
}
