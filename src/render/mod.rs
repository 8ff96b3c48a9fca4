//! Render: analysed data to pages, through Tera templates.
//!
//! Each audience has its own entry point ([`internal`], [`customer`]) that
//! builds page contexts from the values it is given and renders them in
//! parallel. Template problems come back as diagnostics with the template
//! file, line and column.

pub mod charts;
mod customer;
mod data;
mod filters;
mod internal;
mod links;
pub mod markdown;
pub mod origins;
mod plans;
mod reviews;
pub mod search;
pub mod stakeholders;
pub mod svg;
pub mod theme;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::BuildOptions;
use crate::analyze::Portfolio;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::model::origins::Origins;
use crate::redact::CustomerSite;
use crate::source::Pos;
use crate::write::{Collect, OutputFile, Sink};

pub use customer::render as render_customer;

/// What rendering keeps between `serve`'s rebuilds: output that depends on
/// one account only (and site.yaml), made again only for accounts that change,
/// and the contexts the aggregate pages were rendered from, so a page whose
/// context did not change is not rendered again.
#[derive(Default)]
pub struct Cache {
    /// Contexts of the aggregate pages; `None` when nothing is kept (a plain build).
    pub(crate) contexts: Option<Contexts>,
    /// Each account's row in the lists, as a template value, and the total
    /// revenue their revenue shares were computed with.
    pub(crate) rows: Parts<tera::Value>,
    pub(crate) rows_total: Option<f64>,
    /// Each account's row of the accounts list, of its matrix quadrant and of
    /// its tier's table, rendered (`rows/account.html`, `rows/matrix.html`,
    /// `rows/tier.html`): a rename renders three rows, not every list's 10,000.
    pub(crate) row_html: Parts<RowHtml>,
    /// Each account's reviews as template values, newest first.
    pub(crate) reviews: Parts<Vec<tera::Value>>,
    /// Each account's part of the search index.
    pub(crate) search: Parts<Vec<u8>>,
    /// Each account's entry of /data/accounts.json, and its items of
    /// /data/attention.json (pretty JSON, indented as array elements).
    pub(crate) accounts_json: Parts<Vec<u8>>,
    pub(crate) attention_json: Parts<Vec<u8>>,
    /// The matrix chart as last drawn.
    pub(crate) matrix: charts::MatrixMemo,
    /// Release each note's text once its account's page is rendered (and,
    /// in `lib::build_site`, each account.yaml's text once the site is
    /// validated): for a build whose loaded site is dropped afterwards
    /// ([`Cache::for_one_build`]).
    pub(crate) release_texts: bool,
}

impl Cache {
    /// A cache for one build of a site that is not rendered or validated
    /// again: the notes' texts are released as their pages render (most of
    /// a gigabyte at 100,000 accounts) and account.yaml's after validation,
    /// so a second render of the same site would show empty notes.
    pub fn for_one_build() -> Cache {
        Cache {
            release_texts: true,
            ..Cache::default()
        }
    }

    /// A cache that also keeps page contexts (for `serve`).
    pub fn keeping_pages() -> Cache {
        Cache {
            contexts: Some(Contexts::default()),
            ..Cache::default()
        }
    }

    /// Whether the source texts are released as the build goes (see
    /// [`Cache::for_one_build`]).
    pub fn releases_texts(&self) -> bool {
        self.release_texts && self.contexts.is_none()
    }

    /// Forget every page context: the output folder may not match them (a
    /// rebuild failed after rendering).
    pub fn forget_pages(&mut self) {
        if let Some(c) = &self.contexts {
            c.clear();
        }
    }

    /// The site-wide pages the last render no longer made, whose files are
    /// now stale (empty when no contexts are kept).
    pub fn gone_pages(&self) -> Vec<String> {
        self.contexts.as_ref().map(Contexts::gone).unwrap_or_default()
    }

    /// Whether the last render made the page at `path` or found its context
    /// unchanged (its file as written before is right); only pages rendered
    /// with kept contexts (`serve`) are known here.
    pub fn made(&self, path: &str) -> bool {
        self.contexts
            .as_ref()
            .is_some_and(|c| c.made.lock().is_ok_and(|m| m.contains(path)))
    }

    /// Forget the contexts of pages whose files were removed: were the same
    /// page made again, its context would be found unchanged and its file
    /// not written.
    pub fn forget_removed(&mut self, paths: &[String]) {
        if let Some(c) = &self.contexts
            && let Ok(mut known) = c.known.lock()
        {
            for p in paths {
                known.remove(p);
            }
        }
    }

    /// Forget what was made from an account: it changed, or is gone.
    pub fn forget(&mut self, slug: &str) {
        self.rows.forget(slug);
        self.row_html.forget(slug);
        self.reviews.forget(slug);
        self.search.forget(slug);
        self.accounts_json.forget(slug);
        self.attention_json.forget(slug);
    }
}

/// The context each aggregate page was last rendered from, by path, and the
/// pages the current render made (to tell which ones are gone).
#[derive(Default)]
pub(crate) struct Contexts {
    known: std::sync::Mutex<std::collections::HashMap<String, Context>>,
    made: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl Contexts {
    /// Start a render: no page made yet.
    fn begin(&self) {
        if let Ok(mut m) = self.made.lock() {
            m.clear();
        }
    }

    fn unchanged(&self, p: &Page) -> bool {
        if let Ok(mut m) = self.made.lock() {
            m.insert(p.path.clone());
        }
        // Compare outside the lock: a large context takes a while.
        let Some(old) = self.known.lock().ok().and_then(|mut m| m.remove(&p.path)) else {
            return false;
        };
        let same = old == p.context;
        if same && let Ok(mut m) = self.known.lock() {
            m.insert(p.path.clone(), old);
        }
        same
    }

    fn remember(&self, p: Page) {
        if let Ok(mut m) = self.known.lock() {
            m.insert(p.path, p.context);
        }
    }

    fn clear(&self) {
        if let Ok(mut m) = self.known.lock() {
            m.clear();
        }
    }

    /// Site-wide pages rendered before but not by this render (a quarter
    /// or a competitor with no review left), forgotten here. Pages under
    /// `accounts/` are left out: a rebuild makes only the changed accounts'.
    fn gone(&self) -> Vec<String> {
        let made = self.made.lock().map(|m| m.clone()).unwrap_or_default();
        let Ok(mut known) = self.known.lock() else {
            return Vec::new();
        };
        let mut gone: Vec<String> = known
            .keys()
            .filter(|path| !path.starts_with("accounts/") && !made.contains(*path))
            .cloned()
            .collect();
        gone.sort();
        for path in &gone {
            known.remove(path);
        }
        gone
    }
}

/// An account's rendered list rows (string template values), or the
/// template's error.
pub(crate) type RowHtml = Result<(tera::Value, tera::Value, tera::Value), Diagnostic>;

/// Something made from each account, by slug.
pub(crate) struct Parts<T>(std::collections::HashMap<String, T>);

impl<T> Default for Parts<T> {
    fn default() -> Self {
        Parts(Default::default())
    }
}

impl<T: Send + Sync> Parts<T> {
    fn forget(&mut self, slug: &str) {
        self.0.remove(slug);
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// Add parts made elsewhere, by slug.
    pub(crate) fn extend(&mut self, made: Vec<(String, T)>) {
        self.0.extend(made);
    }

    /// The part of each account of `p`, in account order. Missing parts are
    /// made with `make(index)` on every core; parts of accounts no longer in
    /// the portfolio are dropped.
    pub(crate) fn all(&mut self, p: &Portfolio, make: impl Fn(usize) -> T + Sync + Send) -> Vec<&T> {
        let have = &self.0;
        let missing: Vec<(String, T)> = (0..p.accounts.len())
            .into_par_iter()
            .filter(|&i| !have.contains_key(p.accounts[i].slug))
            .map(|i| (p.accounts[i].slug.to_string(), make(i)))
            .collect();
        self.0.extend(missing);
        if self.0.len() > p.accounts.len() {
            let live: std::collections::HashSet<&str> = p.accounts.iter().map(|a| a.slug).collect();
            self.0.retain(|slug, _| live.contains(slug.as_str()));
        }
        p.accounts.iter().filter_map(|a| self.0.get(a.slug)).collect()
    }
}

/// The folders the internal portal's per-account pages go into, in the
/// order they are needed: each account's profile folder, then each plan's.
/// (Review pages make their own folders as they are written, inside the
/// account folders made by then.)
pub fn page_folders(p: &Portfolio) -> Vec<String> {
    let folder = |path: String| path.rsplit_once('/').map(|(dir, _)| dir.to_string());
    let profiles = p.accounts.iter().map(|a| internal::profile_path(a.slug));
    let plans = p.plans.iter().map(plans::plan_path);
    profiles.chain(plans).filter_map(folder).collect()
}

/// Render the internal portal into `sink`; where the Markdown on its pages came from.
pub fn internal_to(
    opts: &BuildOptions,
    site: &Site,
    portfolio: &Portfolio,
    sink: &dyn Sink,
    cache: &mut Cache,
) -> Result<Origins, Diagnostics> {
    let engine = Engine::new(opts, site)?;
    internal::render(&engine, portfolio, sink, None, cache)?;
    Ok(engine.origins.take())
}

/// Render the aggregate pages and the pages of the accounts in `only` (serve's incremental rebuild).
pub fn internal_subset(
    opts: &BuildOptions,
    site: &Site,
    portfolio: &Portfolio,
    sink: &dyn Sink,
    only: &std::collections::HashSet<String>,
    cache: &mut Cache,
) -> Result<(), Diagnostics> {
    let engine = Engine::new(opts, site)?;
    internal::render(&engine, portfolio, sink, Some(only), cache)
}

/// Render the internal portal into memory, sorted by path, with where the
/// Markdown on its pages came from.
pub fn internal(
    opts: &BuildOptions,
    site: &Site,
    portfolio: &Portfolio,
) -> Result<(Vec<OutputFile>, Origins), Diagnostics> {
    let sink = Collect::default();
    let origins = internal_to(opts, site, portfolio, &sink, &mut Cache::default())?;
    Ok((sink.into_files(), origins))
}

/// Render one customer's site from its redacted view.
pub fn customer(opts: &BuildOptions, site: &Site, view: &CustomerSite) -> Result<Vec<OutputFile>, Diagnostics> {
    let engine = Engine::new(opts, site)?;
    customer::render(&engine, view)
}

/// The file that tells crawlers what not to fetch, at the site's root.
pub const ROBOTS_TXT: &str = "robots.txt";

/// `robots.txt` of a site no search engine should index: the internal
/// portal (unless site.yaml says `noindex: false`) and every customer site.
pub const DISALLOW_ALL: &str = "# kamsite: this site is private; do not index it.\nUser-agent: *\nDisallow: /\n";

/// Site-wide values every template sees as `site`.
#[derive(Serialize)]
pub struct SiteInfo<'a> {
    pub title: &'a str,
    /// Our company's name (site.yaml `company`, else the title).
    pub company: &'a str,
    pub base_url: &'a str,
    /// `files` or `folders`: how links to pages are written (site.yaml `links`).
    pub links: &'static str,
    pub currency: &'a str,
    pub language: &'a str,
    pub today: String,
    pub audience: &'static str,
    pub generator: &'static str,
    /// site.yaml `noindex`: pages carry `<meta name="robots" content="noindex, nofollow">`.
    pub noindex: bool,
}

/// A Tera instance with the theme loaded, and what it needs for diagnostics.
pub struct Engine {
    tera: Tera,
    theme: theme::Theme,
    pub live_reload: bool,
    /// site.yaml `links: files`: folder links are written `…/index.html`.
    file_links: bool,
    /// Which document's HTML sits where on each page made.
    pub origins: origins::Recorder,
}

/// One page to render: output path, template name, context.
pub struct Page {
    pub path: String,
    pub template: &'static str,
    pub context: Context,
}

impl Engine {
    pub fn new(opts: &BuildOptions, site: &Site) -> Result<Engine, Diagnostics> {
        let theme = theme::load(&opts.root, site.config.theme.as_deref())?;
        let mut tera = Tera::new();
        filters::register(&mut tera);
        tera.autoescape_on(vec![".html", ".svg", ".xml"]);
        let sources: Vec<(&str, &str)> = theme
            .templates
            .values()
            .map(|t| (t.name.as_str(), &*t.file.text))
            .collect();
        if let Err(e) = tera.add_raw_templates(sources) {
            let mut d = Diagnostics::default();
            d.push(template_error(&theme, &e, None));
            return Err(d);
        }
        let file_links = site.config.links == crate::config::Links::Files;
        let templates = theme.templates.values().map(|t| t.file.clone()).collect();
        Ok(Engine {
            tera,
            theme,
            live_reload: opts.pages.live_reload,
            file_links,
            origins: origins::Recorder::new(templates, file_links),
        })
    }

    /// Render pages in parallel into `sink`; all template errors are collected.
    pub fn render_pages(&self, pages: Vec<Page>, sink: &dyn Sink) -> Diagnostics {
        self.render_each(pages.into_par_iter(), |p| p, sink)
    }

    /// Render a small template (a list row) to a string template value.
    pub(crate) fn fragment(&self, template: &str, ctx: &Context) -> Result<tera::Value, Diagnostic> {
        self.tera
            .render(template, ctx)
            .map(tera::Value::from)
            .map_err(|e| template_error(&self.theme, &e, Some(template)))
    }

    /// Render one page per item, building each page's context only when it
    /// is rendered, so a large site never holds every context at once.
    pub fn render_each<I, T, F>(&self, items: I, make: F, sink: &dyn Sink) -> Diagnostics
    where
        I: ParallelIterator<Item = T>,
        F: Fn(T) -> Page + Sync + Send,
    {
        self.render_changed(items, make, sink, None)
    }

    /// [`Engine::render_each`], skipping each page whose context equals the
    /// one it was last rendered from (`known`, by path): its file is still
    /// right. Template values are shared and reference-counted, so equal
    /// contexts usually compare by pointer.
    pub(crate) fn render_changed<I, T, F>(
        &self,
        items: I,
        make: F,
        sink: &dyn Sink,
        known: Option<&Contexts>,
    ) -> Diagnostics
    where
        I: ParallelIterator<Item = T>,
        F: Fn(T) -> Page + Sync + Send,
    {
        let errors: Vec<Diagnostic> = items
            .filter_map(|item| self.render_page(make(item), None, sink, known))
            .collect();
        Self::reported(errors)
    }

    /// One large page (a list of every account), rendered into a buffer of
    /// `capacity` bytes. Tera's own buffer starts at the template's size and
    /// doubles as it fills: a 50 MB list at 100,000 accounts would copy
    /// itself a dozen times and take up to twice its size in fresh memory.
    /// A larger page still renders whole; the buffer grows as before.
    pub(crate) fn render_sized(
        &self,
        page: Page,
        capacity: usize,
        sink: &dyn Sink,
        known: Option<&Contexts>,
    ) -> Diagnostics {
        Self::reported(
            self.render_page(page, Some(capacity), sink, known)
                .into_iter()
                .collect(),
        )
    }

    /// Render `p` into `sink` unless `known` has it unchanged; the problem, if any.
    fn render_page(
        &self,
        p: Page,
        capacity: Option<usize>,
        sink: &dyn Sink,
        known: Option<&Contexts>,
    ) -> Option<Diagnostic> {
        if let Some(known) = known
            && known.unchanged(&p)
        {
            return None;
        }
        let rendered = match capacity {
            None => self.tera.render(p.template, &p.context),
            Some(n) => {
                let mut buf = Vec::with_capacity(n);
                self.tera
                    .render_to(p.template, &p.context, &mut buf)
                    .and_then(|()| String::from_utf8(buf).map_err(tera::Error::from))
            }
        };
        let html = match rendered {
            Ok(h) => h,
            Err(e) => return Some(template_error(&self.theme, &e, Some(p.template))),
        };
        let html = if self.file_links { links::to_files(html) } else { html };
        let html = if self.live_reload {
            inject_live_reload(html)
        } else {
            html
        };
        self.origins.place(&p.path, &html);
        let written = sink.put(OutputFile::new(p.path.clone(), html));
        if let (Some(known), Ok(())) = (known, &written) {
            known.remember(p);
        }
        written.err().map(|e| Diagnostic::at_path("write", "output", e))
    }

    /// The problems of a group of pages, each template bug once.
    fn reported(errors: Vec<Diagnostic>) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let mut seen = std::collections::HashSet::new();
        for d in errors {
            // The same template bug fails every page that uses it; report it once.
            if seen.insert((d.file.clone(), d.pos, d.message.clone())) {
                diags.push(d);
            }
        }
        diags
    }

    pub fn static_files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.theme.static_files
    }
}

/// The script serve mode adds to every page.
pub const LIVE_RELOAD_SNIPPET: &str = "<script src=\"/__kamsite/live.js\"></script>";

fn inject_live_reload(mut html: String) -> String {
    // In place: only the end of the page moves. A copy of the whole page
    // costs serve a fresh buffer for each list page (megabytes at 10,000
    // accounts) on every rebuild.
    match html.rfind("</body>") {
        Some(i) => html.insert_str(i, LIVE_RELOAD_SNIPPET),
        None => html.push_str(LIVE_RELOAD_SNIPPET),
    }
    html
}

/// A Tera error as a diagnostic pointing into the template file: the file
/// the error names, else `rendering`, the template being rendered.
fn template_error(theme: &theme::Theme, e: &tera::Error, rendering: Option<&str>) -> Diagnostic {
    use tera::ErrorKind;
    let (name, pos, msg) = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let sp = r.span();
            (
                Some(r.filename().to_string()),
                Pos::new(sp.start_line, sp.start_col + 1),
                r.message().to_string(),
            )
        }
        ErrorKind::MissingParent { current, parent } => (
            Some(current.to_string()),
            Pos::START,
            format!("template extends `{parent}`, which does not exist"),
        ),
        ErrorKind::TemplateNotFound(t) => (None, Pos::START, format!("template `{t}` not found")),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            (Some(tpl.to_string()), Pos::START, e.to_string())
        }
        _ => {
            let msg = e.to_string();
            (
                None,
                Pos::START,
                msg.strip_prefix("error: ").unwrap_or(&msg).to_string(),
            )
        }
    };
    let name = name.or(rendering.map(str::to_string));
    let help = "fix the template; a site's templates/NAME.html overrides the theme's template of the same name";
    match name.as_deref().and_then(|n| theme.templates.get(n)) {
        Some(src) => {
            let help = renamed_variable(&src.file, pos).unwrap_or(help);
            let mut d = Diagnostic::error("template", &src.file, pos, msg).help(help);
            d.len = 1;
            d
        }
        // The error names no file: the template that holds the `name` it
        // complains about (an unknown filter or included template), the
        // site's own templates first.
        None if let Some((text, word)) = holding_named(theme, &msg) => {
            let off = text.text.find(word).unwrap_or(0);
            let (line, col) = text.line_col(off);
            let len = word.len().max(1);
            let mut d = Diagnostic::error("template", text, Pos::new(line, col), msg.clone()).help(help);
            d.len = len;
            d
        }
        None => {
            let what = match name.as_deref() {
                Some(n) => format!("templates/{n}"),
                None => "templates".into(),
            };
            Diagnostic::at_path("template", &what, msg).help(help)
        }
    }
}

/// The template file that holds the first `quoted` word of `msg`, and the
/// word: the site's templates before the theme's.
fn holding_named<'a, 'm>(theme: &'a theme::Theme, msg: &'m str) -> Option<(&'a crate::source::SourceFile, &'m str)> {
    let word = msg.split('`').nth(1).filter(|w| !w.is_empty())?;
    let mut files: Vec<&crate::source::SourceFile> = theme.templates.values().map(|t| &t.file).collect();
    files.sort_by_key(|f| !f.name.starts_with("templates/"));
    files.into_iter().find(|f| f.text.contains(word)).map(|f| (f, word))
}

/// Template variables that were replaced, with what a template uses now.
const RENAMED: &[(&str, &str)] = &[(
    "attention",
    "`attention` (every attention item) was replaced: `attention_total` is their number and `attention_groups` the first items of each kind (docs/reference.md); every item is in data/attention.json",
)];

/// What replaced a variable that no longer exists, when the template line
/// an error points at uses one (the error may point at a filter after it).
/// Only the line's template code counts (`{{ }}`, `{% %}`), not its text:
/// a heading "Needs attention" is no variable.
fn renamed_variable(file: &crate::source::SourceFile, pos: Pos) -> Option<&'static str> {
    let line = file.text.lines().nth(pos.line.checked_sub(1)?)?;
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let words: Vec<&str> = template_code(line)
        .flat_map(|code| code.split(|c: char| !is_ident(c)))
        .collect();
    RENAMED
        .iter()
        .find(|(old, _)| words.contains(old))
        .map(|(_, help)| *help)
}

/// The parts of a template line inside `{{ }}` or `{% %}` (a tag left open
/// runs to the end of the line).
fn template_code(line: &str) -> impl Iterator<Item = &str> {
    let mut rest = line;
    std::iter::from_fn(move || {
        let open = ["{{", "{%"].iter().filter_map(|o| rest.find(o)).min()?;
        let code = &rest[open + 2..];
        let close = ["}}", "%}"].iter().filter_map(|c| code.find(c)).min();
        let (inside, after) = match close {
            Some(c) => (&code[..c], &code[c + 2..]),
            None => (code, ""),
        };
        rest = after;
        Some(inside)
    })
}

/// `../` repeated for the depth of `path` (e.g. `accounts/acme/index.html` -> `../../`).
pub fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::{LIVE_RELOAD_SNIPPET, inject_live_reload, renamed_variable};
    use crate::source::{Pos, SourceFile};

    #[test]
    fn a_replaced_variable_is_named_only_where_template_code_uses_it() {
        let file = SourceFile::new(
            "index.html",
            "<h2>Needs attention</h2>{{ sumary.accounts }}\n<p>{{ attention | length }} open</p>\n{% for a in attention %}\n{{ attention_total }}\n{% if x\nattention %}",
        );
        let at = |line| renamed_variable(&file, Pos::new(line, 1));
        assert_eq!(at(1), None, "a word in the page's text is no variable");
        assert!(at(2).is_some_and(|h| h.contains("`attention_total` is their number")));
        assert!(at(3).is_some());
        assert_eq!(at(4), None, "`attention_total` is another name");
        // A tag opened on an earlier line is not followed: no help rather than a wrong one.
        assert_eq!(at(5), None);
        assert_eq!(at(0), None);
        assert_eq!(at(99), None);
    }

    #[test]
    fn live_reload_goes_before_the_last_body_end_tag_or_at_the_end() {
        let page = "<html><body><p>&lt;/body&gt; in text</p></body></html>\n".to_string();
        assert_eq!(
            inject_live_reload(page),
            format!("<html><body><p>&lt;/body&gt; in text</p>{LIVE_RELOAD_SNIPPET}</body></html>\n")
        );
        let code = "<pre></body></pre><p>x</p></body>".to_string();
        assert_eq!(
            inject_live_reload(code),
            format!("<pre></body></pre><p>x</p>{LIVE_RELOAD_SNIPPET}</body>")
        );
        assert_eq!(
            inject_live_reload("<p>fragment</p>".into()),
            format!("<p>fragment</p>{LIVE_RELOAD_SNIPPET}")
        );
    }
}
