//! The template engine: Tera with the theme's templates and kamsite's
//! filters, rendering pages in parallel into a [`Sink`]. Template problems
//! come back as diagnostics with the template file, line and column. Each
//! page made is shown to the engine's [`Recorder`](super::origins::Recorder),
//! which finds on it the Markdown rendered for it.

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::{Context, Tera};

use super::cache::Contexts;
use super::{filters, links, origins};
use crate::config::Links;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::theme::Theme;
use crate::source::Pos;
use crate::write::{OutputFile, Sink};

/// A Tera instance with the theme loaded, and what it needs for diagnostics.
pub struct Engine {
    tera: Tera,
    theme: Theme,
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
    /// Tera with `theme`'s templates; `live_reload` adds serve's script to
    /// every page. Links are written as folders until [`Engine::links`] says otherwise.
    pub fn new(theme: &Theme, live_reload: bool) -> Result<Engine, Diagnostics> {
        let theme = theme.clone();
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
        let origins = origins::Recorder::new(Self::template_files(&theme), false);
        Ok(Engine {
            tera,
            theme,
            live_reload,
            file_links: false,
            origins,
        })
    }

    /// How links to pages are written: site.yaml `links` of the site rendered.
    pub fn links(mut self, links: Links) -> Engine {
        self.file_links = links == Links::Files;
        self.origins = origins::Recorder::new(Self::template_files(&self.theme), self.file_links);
        self
    }

    /// The theme's template files, for the links the link report finds in them.
    fn template_files(theme: &Theme) -> Vec<crate::source::SourceFile> {
        theme.templates.values().map(|t| t.file.clone()).collect()
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
        let html = super::indent::trim(html);
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
fn template_error(theme: &Theme, e: &tera::Error, rendering: Option<&str>) -> Diagnostic {
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
fn holding_named<'a, 'm>(theme: &'a Theme, msg: &'m str) -> Option<(&'a crate::source::SourceFile, &'m str)> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::page::{SiteInfo, page};
    use crate::source::SourceFile;
    use tera::Value;

    /// A page rendered into a buffer sized ahead (`Engine::render_sized`, the
    /// lists) is the page tera renders on its own, whether the size given is
    /// too small or ample, and a template error is reported the same way.
    #[test]
    fn a_page_sized_ahead_is_the_page_rendered_unsized() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/portfolio");
        let theme = crate::load::theme::load(&root, None).expect("theme loads");
        let engine = Engine::new(&theme, false).expect("templates compile");
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
            assessments: false,
            whitespace: false,
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
