//! The internal portal ([`Portal`], one of the [`Renderer`]s): every page
//! and file of the internal build, made from the [`Portfolio`] alone.
//!
//! Owns: what each portal page's template gets (layout only: the numbers
//! are `analyze`'s, the charts `render::svg`'s) and the order the pages are
//! made in (see `render::schedule`). May import `analyze`, the rest of
//! `render` and `write`'s `Sink`; nothing of `load`, `validate` or the model
//! by index alongside the portfolio.

mod assessments;
mod dashboard;
mod history;
mod lists;
mod owners;
mod pipeline;
mod plans;
mod profile;
mod reviews;
mod whitespace;

use std::collections::HashSet;
use std::sync::Mutex;

use super::cache::{Cache, Contexts};
use super::data::DataFiles;
use super::page::{SiteInfo, page};
use super::schedule::{Task, longest_first, put_all, put_results};
use super::{Engine, Page, Renderer, search};
use crate::analyze::Portfolio;
use crate::config::Links;
use crate::diag::Diagnostics;
use crate::write::{OutputFile, Sink};
pub use lists::matrix_chart;
pub(crate) use plans::plan_path;
pub(crate) use profile::profile_path;

/// The internal portal, rendered with `engine`, keeping what `cache` says
/// between renders. With `only`, serve's incremental rebuild: the
/// site-wide pages, plus the pages of the accounts named; every other
/// account's pages are left as they are.
pub struct Portal<'r> {
    pub engine: &'r Engine,
    pub cache: &'r mut Cache,
    pub only: Option<&'r HashSet<String>>,
}

/// What every part of one portal render reads.
struct Run<'r, 'p> {
    engine: &'r Engine,
    p: &'r Portfolio<'p>,
    info: &'r SiteInfo<'r>,
    sink: &'r dyn Sink,
    /// The pages' last contexts, kept by `serve` (a page whose context is
    /// unchanged is not rendered again); `None` in a plain build.
    contexts: Option<&'r Contexts>,
    only: Option<&'r HashSet<String>>,
}

impl Run<'_, '_> {
    /// Whether this render keeps what it makes for the next one (`serve`).
    fn keeps(&self) -> bool {
        self.contexts.is_some()
    }

    /// Whether the account's pages are made: always, but in an incremental
    /// rebuild only the changed accounts'.
    fn wants_account(&self, slug: &str) -> bool {
        self.only.is_none_or(|set| set.contains(slug))
    }

    /// Whether the page at `path` is made ([`Run::wants_account`] for pages
    /// inside an account's folder).
    fn wanted(&self, path: &str) -> bool {
        match path.strip_prefix("accounts/") {
            Some(rest) if rest.contains('/') => rest.split('/').next().is_some_and(|s| self.wants_account(s)),
            _ => true,
        }
    }
}

impl Renderer for Portal<'_> {
    type Model<'m> = Portfolio<'m>;

    fn name(&self) -> &'static str {
        "portal"
    }

    /// Steps 1 to 3 of `render::schedule`: the profiles and the parts that
    /// need no list rows first in a plain build, then the rows and the
    /// site-wide pages.
    fn render(&mut self, p: &Portfolio<'_>, sink: &dyn Sink) -> Result<(), Diagnostics> {
        let info = SiteInfo::internal(p);
        let Cache {
            contexts,
            rows,
            rows_total,
            row_html,
            reviews: review_parts,
            search: search_parts,
            accounts_json,
            attention_json,
            matrix: matrix_memo,
            release_texts,
        } = &mut *self.cache;
        let contexts = contexts.as_ref();
        if let Some(c) = contexts {
            c.begin();
        }
        let run = Run {
            engine: self.engine,
            p,
            info: &info,
            sink,
            contexts,
            only: self.only,
        };
        let keep = run.keeps();
        let release = *release_texts && !keep;
        // Search-index parts made with the profiles, while the notes' texts are there.
        let search_made: Mutex<Vec<(String, Vec<u8>)>> = Mutex::default();
        let run = &run;
        let search_made = &search_made;
        let reviews_task = move || reviews::render_all(run, review_parts);
        // The index and the data files are written on one core each, side
        // by side, so neither waits for the other's writes; the large ones
        // piece by piece, never joined in memory.
        let data_task = move || {
            let (mut d, data) = rayon::join(
                || search_index(run, search_parts, search_made),
                || {
                    let mut files = DataFiles {
                        accounts_json,
                        attention_json,
                        keep,
                    };
                    files.render(p, sink).err().unwrap_or_default()
                },
            );
            d.extend(data);
            d
        };
        let mut early: Vec<Task> = vec![Box::new(reviews_task), Box::new(data_task)];
        let mut diags = Diagnostics::default();

        // Each account's reviews, grouped once (a scan per account is quadratic).
        let reviews_by_account = reviews::by_account(&p.winloss);
        let profiles = || profile::render_all(run, &reviews_by_account, search_made, release);
        // Steps 1 and 2 of a build, each on every core.
        let mut profiles_done = None;
        if !keep {
            profiles_done = Some(profiles());
            for d in longest_first(std::mem::take(&mut early)) {
                diags.extend(d);
            }
        }
        // Step 3.
        let rows = match lists::Rows::make(run.engine, p, rows, rows_total, row_html) {
            Ok(rows) => rows,
            Err(d) => {
                diags.extend(d);
                return Err(diags);
            }
        };
        let lists = longest_first(site_wide(run, &rows, matrix_memo, early));
        let profiles = profiles_done.take().unwrap_or_else(profiles);
        for d in lists {
            diags.extend(d);
        }
        diags.extend(profiles);
        diags.extend(put_all(sink, static_files(run)));
        if diags.has_errors() { Err(diags) } else { Ok(()) }
    }
}

/// The site-wide pages and the plan pages (and, in `serve`, the win/loss
/// pages and the data files, `early`), which do not depend on each other:
/// built and rendered side by side, the longest first. `serve` renders its
/// few changed profiles after them; a build has rendered every profile
/// before them (step 1).
fn site_wide<'a>(
    run: &'a Run,
    rows: &'a lists::Rows,
    memo: &'a super::svg::matrix::MatrixMemo,
    early: Vec<Task<'a>>,
) -> Vec<Task<'a>> {
    let one = move |page: Page| {
        run.engine
            .render_changed(rayon::iter::once(page), |p| p, run.sink, run.contexts)
    };
    let sized = move |(page, size): (Page, usize)| run.engine.render_sized(page, size, run.sink, run.contexts);
    let mut tasks: Vec<Task> = vec![
        Box::new(move || sized(lists::matrix_page(run, rows, memo))),
        Box::new(move || one(dashboard::page_of(run, rows))),
        Box::new(move || {
            let mut diags = Diagnostics::default();
            for page in lists::accounts_pages(run, rows) {
                diags.extend(sized(page));
            }
            diags
        }),
        Box::new(move || sized(lists::tiers_page(run, rows))),
        Box::new(move || plans::render_all(run)),
        Box::new(move || whitespace::render_all(run)),
        Box::new(move || owners::render_all(run)),
        Box::new(move || pipeline::render_all(run)),
        Box::new(move || one(plain_page(run, "404.html", "404.html", "Page not found", ""))),
        Box::new(move || one(plain_page(run, "search/index.html", "search.html", "Search", "search"))),
    ];
    if !run.p.config.assessments.is_empty() {
        tasks.push(Box::new(move || one(assessments::page_of(run))));
    }
    // In `serve`, the win/loss pages and the data files run here, after the
    // four lists (they take about as long as one list each).
    tasks.splice(4..4, early);
    tasks
}

/// A page of chrome only (its template has what it shows).
fn plain_page(run: &Run, path: &str, template: &'static str, title: &str, section: &str) -> Page {
    Page {
        path: path.into(),
        template,
        context: page(path, template, title, section, run.info),
    }
}

/// The search index, from the parts made with the profiles and those kept
/// (a part missing is made now); as scripts for a site opened from disk,
/// which cannot fetch files. A plain build drops the parts once written.
fn search_index(
    run: &Run,
    parts: &mut super::cache::Parts<Vec<u8>>,
    made: &Mutex<Vec<(String, Vec<u8>)>>,
) -> Diagnostics {
    if let Ok(mut made) = made.lock() {
        parts.extend(std::mem::take(&mut *made));
    }
    let as_script = run.p.config.links == Links::Files;
    let written = search::write_index(run.p, parts, as_script, run.sink);
    if !run.keeps() {
        parts.clear();
    }
    put_results(vec![written])
}

/// The theme's static files, and robots.txt when the site is not to be
/// indexed and the theme brings none.
fn static_files(run: &Run) -> Vec<OutputFile> {
    let theme = run.engine.static_files();
    let mut files: Vec<OutputFile> = theme
        .iter()
        .map(|(name, bytes)| OutputFile::new(name.clone(), bytes.clone()))
        .collect();
    if run.p.config.noindex && !theme.contains_key(super::ROBOTS_TXT) {
        files.push(OutputFile::new(
            super::ROBOTS_TXT,
            super::DISALLOW_ALL.as_bytes().to_vec(),
        ));
    }
    files
}

/// The folders the internal portal's per-account pages go into, in the
/// order they are needed: each account's profile folder, then each plan's.
/// (Review pages make their own folders as they are written, inside the
/// account folders made by then.)
pub fn page_folders(p: &Portfolio) -> Vec<String> {
    let folder = |path: String| path.rsplit_once('/').map(|(dir, _)| dir.to_string());
    let profiles = p.accounts.iter().map(|a| profile_path(a.slug));
    let plans = p.plans.iter().map(plan_path);
    profiles.chain(plans).filter_map(folder).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let theme = crate::load::theme::load(&root, site.config.theme.as_deref()).expect("theme loads");
        let engine = Engine::new(&theme, false)
            .expect("templates compile")
            .links(site.config.links);
        let render = |cache: &mut crate::render::Cache| {
            let sink = crate::write::Collect::default();
            crate::render::internal_to(&engine, &p, &sink, cache).expect("renders");
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
        assert_eq!(plain.search.len(), 0);
        assert_eq!(plain.accounts_json.len(), 0);
        assert_eq!(plain.attention_json.len(), 0);
        assert_eq!(plain.reviews.len(), 0);
        assert_eq!(kept.search.len(), accounts);
        assert_eq!(kept.accounts_json.len(), accounts);
        assert_eq!(kept.attention_json.len(), accounts);
        assert_eq!(kept.reviews.len(), accounts);
        // The rows serve the lists in both.
        assert_eq!(plain.rows.len(), accounts);
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
            .find(|f| f.path == "search/e/0.json" || f.path == "search/e/0.js")
            .expect("the index's first entries");
        let first = p.accounts[0].slug;
        assert!(std::str::from_utf8(&index.bytes).is_ok_and(|t| t.contains(first)));
    }
}
