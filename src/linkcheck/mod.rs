//! Link check of the rendered output, before anything is written.
//!
//! Every internal `href`/`src` (and CSS `url()`) of every generated page must
//! resolve to a generated file, and every `#fragment` to an element id on
//! the target page. This covers links written in templates and in Markdown
//! notes alike: both end up in the same HTML. A broken link is reported where
//! it came from: the note, review or plan narrative when the link lies inside
//! its rendered Markdown, else the template that contains it, else the page.

mod scan;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Pos, Severity, SourceFile};
use crate::model::Site;
use crate::render::markdown;
use crate::write::OutputFile;

/// One link that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The page (or style sheet) the link is on, relative to the output root.
    pub page: String,
    /// The link as written (character references decoded).
    pub href: String,
    /// Byte offset of the link in the page.
    pub offset: usize,
    /// Why it does not resolve.
    pub reason: String,
}

/// Check every link of `files`. `base_url` (site.yaml) lets absolute URLs
/// into the site itself be checked too. The result is sorted by page and offset.
pub fn check(files: &[OutputFile], base_url: &str) -> Vec<Broken> {
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let scans: HashMap<&str, scan::Scan> = files
        .par_iter()
        .filter_map(|f| {
            let text = std::str::from_utf8(&f.bytes).ok()?;
            let s = if f.path.ends_with(".html") {
                scan::html(text)
            } else if f.path.ends_with(".css") {
                scan::Scan {
                    refs: scan::css_urls(text, 0),
                    ids: Vec::new(),
                }
            } else {
                return None;
            };
            Some((f.path.as_str(), s))
        })
        .collect();
    let ids: HashMap<&str, HashSet<&str>> = scans
        .iter()
        .map(|(p, s)| (*p, s.ids.iter().map(String::as_str).collect()))
        .collect();
    let site_prefix = site_path_prefix(base_url);
    let mut broken: Vec<Broken> = scans
        .par_iter()
        .flat_map_iter(|(page, s)| {
            let (paths, ids, site_prefix) = (&paths, &ids, &site_prefix);
            s.refs.iter().filter_map(move |r| {
                let reason = resolve(page, &r.url, base_url, site_prefix, paths, ids).err()?;
                Some(Broken {
                    page: page.to_string(),
                    href: r.url.clone(),
                    offset: r.offset,
                    reason,
                })
            })
        })
        .collect();
    broken.sort_by(|a, b| (&a.page, a.offset).cmp(&(&b.page, b.offset)));
    broken
}

/// The path part of an absolute base URL (`https://x.com/kam/` -> `/kam/`), if it has one.
fn site_path_prefix(base_url: &str) -> String {
    match base_url.split_once("://") {
        Some((_, rest)) => rest
            .find('/')
            .map(|i| rest[i..].to_string())
            .unwrap_or_else(|| "/".into()),
        None if base_url.starts_with('/') => base_url.to_string(),
        None => "/".into(),
    }
}

/// Ok when `url` on `page` points at a generated file (and id); else why not.
fn resolve(
    page: &str,
    url: &str,
    base_url: &str,
    site_prefix: &str,
    paths: &HashSet<&str>,
    ids: &HashMap<&str, HashSet<&str>>,
) -> Result<(), String> {
    let url = url.trim();
    // `/__kamsite/` is served from memory by `kamsite serve` (live reload).
    if url.is_empty() || url.starts_with("//") || url.starts_with("/__kamsite/") {
        return Ok(());
    }
    let url = if has_scheme(url) {
        // An absolute URL into the site itself is checked like a root-relative one.
        match url.strip_prefix(base_url.trim_end_matches('/')) {
            Some(rest) if base_url.contains("://") && (rest.is_empty() || rest.starts_with(['/', '?', '#'])) => {
                if rest.is_empty() { "/" } else { rest }
            }
            _ => return Ok(()),
        }
    } else {
        url
    };
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let path = before_fragment.split('?').next().unwrap_or("");
    let target = if path.is_empty() {
        page.to_string()
    } else {
        let joined = if let Some(abs) = path.strip_prefix('/') {
            // Root-relative: the site may live under a sub-path of its host.
            let under = site_prefix.trim_start_matches('/');
            abs.strip_prefix(under).unwrap_or(abs).to_string()
        } else {
            let dir = page.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            if dir.is_empty() {
                path.to_string()
            } else {
                format!("{dir}/{path}")
            }
        };
        let decoded = percent_decode(&joined).ok_or("the link is not valid percent-encoded UTF-8")?;
        let normal = normalize(&decoded).ok_or("the link points above the site root")?;
        let candidates = if normal.is_empty() || normal.ends_with('/') {
            vec![format!("{normal}index.html")]
        } else {
            vec![normal.clone(), format!("{normal}/index.html")]
        };
        match candidates.into_iter().find(|c| paths.contains(c.as_str())) {
            Some(found) => found,
            None => return Err(format!("no generated file `{}`", display_target(&normal))),
        }
    };
    if let Some(fragment) = fragment.filter(|f| !f.is_empty())
        && let Some(page_ids) = ids.get(target.as_str())
    {
        let id = percent_decode(fragment).unwrap_or_else(|| fragment.to_string());
        if !page_ids.contains(id.as_str()) {
            return Err(format!(
                "no element with id `{id}` on {}",
                if target == page {
                    "this page".to_string()
                } else {
                    format!("`{}`", display_target(&target))
                }
            ));
        }
    }
    Ok(())
}

fn display_target(p: &str) -> String {
    format!("/{p}")
}

/// `mailto:`, `https:`, `javascript:` ...: a scheme before any `/`, `?` or `#`.
fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Resolve `.` and `..` segments; `None` when the path climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "" | "." => trailing_slash = i == last,
            ".." => {
                parts.pop()?;
                trailing_slash = i == last;
            }
            s => {
                parts.push(s);
                trailing_slash = false;
            }
        }
    }
    let mut out = parts.join("/");
    if trailing_slash && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Decode `%XX` escapes; `None` if the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

// ---------------------------------------------------------------- reporting

/// Where a broken link came from.
enum Origin<'a> {
    /// A Markdown document, with the link's position in its file.
    Markdown(&'a SourceFile, Pos),
    /// A template, with the position and length of the link in it.
    Template(SourceFile, Pos, usize),
    /// Neither could be found: the generated page itself.
    Page,
}

/// Turn broken links into diagnostics that point at their source. `strict` makes them errors.
pub fn diagnostics(root: &Path, site: &Site, files: &[OutputFile], broken: &[Broken], strict: bool) -> Diagnostics {
    let pages: HashMap<&str, &str> = files
        .iter()
        .filter_map(|f| Some((f.path.as_str(), std::str::from_utf8(&f.bytes).ok()?)))
        .collect();
    let templates = crate::render::theme::load(root, site.config.theme.as_deref())
        .map(|t| t.templates.into_values().map(|t| t.file).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut regions = Regions::default();
    // The same link from one template line breaks on many pages: report it once.
    let mut grouped: BTreeMap<(String, Pos, String), (Diagnostic, Vec<&Broken>)> = BTreeMap::new();
    for b in broken {
        let page_text = pages.get(b.page.as_str()).copied().unwrap_or("");
        let origin = regions
            .markdown_origin(site, page_text, b)
            .unwrap_or_else(|| template_origin(&templates, &b.href));
        let mut d = match origin {
            Origin::Markdown(file, pos) => Diagnostic::warning("broken-link", file, pos, "")
                .help("fix or remove the link; links are relative to the page they end up on, e.g. `../other-account/` from an account page"),
            Origin::Template(file, pos, len) => {
                let mut d = Diagnostic::warning("broken-link", &file, pos, "")
                    .help("fix the link in the template; `{{ root }}` leads from any page to the site root");
                d.len = len;
                d
            }
            Origin::Page => {
                let f = SourceFile::new(b.page.clone(), page_text);
                let (line, column) = f.line_col(b.offset);
                let mut d = Diagnostic::warning("broken-link", &f, Pos::new(line, column), "")
                    .help("the link comes from a template or generated content; search the templates for it");
                d.source = None;
                d
            }
        };
        d.len = if d.len > 1 { d.len } else { b.href.len().max(1) };
        if strict {
            d.severity = Severity::Error;
        }
        // Keyed by what the link resolves to: `{{ root }}x` differs in text by page depth.
        let key = (d.file.clone(), d.pos, b.reason.clone());
        grouped.entry(key).or_insert_with(|| (d, Vec::new())).1.push(b);
    }
    let mut out = Diagnostics::default();
    for (_, (mut d, links)) in grouped {
        let first = links[0];
        let on = match links.len() {
            1 => format!("on page /{}", first.page),
            n => format!("on {n} pages, e.g. /{}", first.page),
        };
        d.message = format!("broken link `{}` {on}: {}", first.href, first.reason);
        out.push(d);
    }
    out
}

/// Where each document's rendered Markdown sits on a page, computed only for pages with broken links.
#[derive(Default)]
struct Regions {
    /// (page, document) -> byte ranges of the document's HTML on the page.
    spans: HashMap<String, Vec<(usize, usize)>>,
}

impl Regions {
    /// The Markdown document whose rendered HTML on the link's page contains the link, if any.
    fn markdown_origin<'a>(&mut self, site: &'a Site, page_text: &str, b: &Broken) -> Option<Origin<'a>> {
        let in_account = b
            .page
            .strip_prefix("accounts/")
            .and_then(|r| r.split('/').next())
            .filter(|slug| site.accounts.iter().any(|a| a.slug == *slug));
        let docs: Vec<(&SourceFile, &str)> = site
            .accounts
            .iter()
            .filter(|a| in_account.is_none_or(|s| s == a.slug))
            .flat_map(|a| {
                a.notes
                    .iter()
                    .map(|n| (&n.file, n.body.as_str()))
                    .chain(a.reviews.iter().map(|r| (&r.file, r.body.as_str())))
                    .chain(
                        a.plans
                            .iter()
                            .filter_map(|p| p.narrative.as_ref().map(|(f, b)| (f, b.as_str()))),
                    )
            })
            .collect();
        let wanted = unprefixed(&b.href, docs.iter().map(|(f, _)| stem(&f.name)));
        let mut fallback = None;
        // Cheap filter first: only documents whose text contains the link can hold it.
        for (file, body) in docs
            .into_iter()
            .filter(|(f, _)| f.text.contains(wanted.as_str()) || f.text.contains(b.href.as_str()))
        {
            let pos = position_of(file, &[b.href.as_str(), wanted.as_str()]);
            let key = format!("{}\u{0}{}", b.page, file.name);
            let spans = self.spans.entry(key).or_insert_with(|| {
                let id = stem(&file.name);
                // The prefixes the renderers give ids of notes and plan narratives.
                [format!("{id}-"), "narrative-".into(), String::new()]
                    .iter()
                    .filter_map(|prefix| {
                        let html = markdown::to_html(body, prefix);
                        let html = html.trim_end();
                        let at = page_text.find(html)?;
                        Some((at, at + html.len()))
                    })
                    .collect()
            });
            if spans.iter().any(|(s, e)| (*s..*e).contains(&b.offset)) {
                return Some(Origin::Markdown(file, pos));
            }
            fallback.get_or_insert(Origin::Markdown(file, pos));
        }
        fallback
    }
}

/// A fragment link with a document's id prefix removed (`#note-a-x` written as `#x`).
fn unprefixed<'a>(href: &str, stems: impl Iterator<Item = &'a str>) -> String {
    if let Some(frag) = href.strip_prefix('#') {
        for s in stems {
            if let Some(rest) = frag.strip_prefix(&format!("{s}-")) {
                return format!("#{rest}");
            }
        }
        if let Some(rest) = frag.strip_prefix("narrative-") {
            return format!("#{rest}");
        }
    }
    href.to_string()
}

fn stem(name: &str) -> &str {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.rsplit_once('.').map(|(s, _)| s).unwrap_or(file)
}

/// Position of the first of `needles` found in `file`, else the top of the file.
fn position_of(file: &SourceFile, needles: &[&str]) -> Pos {
    needles
        .iter()
        .filter(|n| !n.is_empty())
        .find_map(|n| file.text.find(n))
        .map(|off| {
            let (l, c) = file.line_col(off);
            Pos::new(l, c)
        })
        .unwrap_or(Pos::START)
}

/// The template that contains the link: literally, or as `}}tail` after `{{ root }}`.
fn template_origin(templates: &[SourceFile], href: &str) -> Origin<'static> {
    let tail = href.trim_start_matches("../").trim_start_matches('/');
    let needles = [
        format!("\"{href}\""),
        format!("'{href}'"),
        format!("}}}}{tail}\""),
        format!("}}}}{tail}'"),
        format!("}}}}{tail}"),
    ];
    // Site templates first: those are the ones the user edits.
    let mut ordered: Vec<&SourceFile> = templates.iter().collect();
    ordered.sort_by_key(|t| (t.name.starts_with("themes/default/"), t.name.clone()));
    for needle in needles.iter().filter(|n| n.len() > 3) {
        for t in &ordered {
            if let Some(off) = t.text.find(needle.as_str()) {
                let (skip, len) = if needle.starts_with("}}") {
                    (2, tail.len())
                } else {
                    (1, href.len())
                };
                let (l, c) = t.line_col(off + skip);
                return Origin::Template((*t).clone(), Pos::new(l, c), len.max(1));
            }
        }
    }
    Origin::Page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pages: &[(&str, &str)]) -> Vec<OutputFile> {
        pages.iter().map(|(p, t)| OutputFile::new(*p, *t)).collect()
    }

    fn hrefs(b: &[Broken]) -> Vec<(&str, &str)> {
        b.iter().map(|b| (b.page.as_str(), b.href.as_str())).collect()
    }

    #[test]
    fn resolves_relative_root_and_fragment_links() {
        let out = files(&[
            (
                "index.html",
                r##"<a href="accounts/">a</a><a href="accounts/acme/#notes">n</a><a href="/matrix/">m</a>
                <a href="style.css">s</a><a href="#top">t</a><a href="accounts/acme">noslash</a><p id="top"></p>
                <a href="https://example.com/x">e</a><a href="mailto:a@b.c">m</a><a href="tel:1">t</a>
                <a href="//cdn.example.com/x.js">c</a><a href="accounts/?sort=name#">q</a>"##,
            ),
            ("accounts/index.html", r#"<a href="../">up</a><a href="acme/">acme</a>"#),
            (
                "accounts/acme/index.html",
                r#"<a href="../../style.css">s</a><section id="notes"></section><a href="../../accounts/acme/">self</a>"#,
            ),
            ("matrix/index.html", r#"<a href="../accounts/acme/index.html">a</a>"#),
            ("style.css", "@font-face { src: url(fonts/r.ttf) }"),
            ("fonts/r.ttf", ""),
        ]);
        assert_eq!(check(&out, "/"), vec![]);
    }

    #[test]
    fn reports_each_broken_link() {
        let out = files(&[
            (
                "index.html",
                r##"<a href="acounts/">typo</a><a href="#nowhere">frag</a><a href="/tiers/">root</a>
                <a href="accounts/acme/#swot">id</a><img src="logo.png"><a href="../../etc/passwd">up</a>
                <a href="https://kam.example.com/sub/matrix/">self-abs</a>"##,
            ),
            ("accounts/acme/index.html", r#"<p id="notes"></p>"#),
            ("style.css", "body { background: url(missing.png) }"),
        ]);
        let b = check(&out, "https://kam.example.com/sub/");
        assert_eq!(
            hrefs(&b),
            [
                ("index.html", "acounts/"),
                ("index.html", "#nowhere"),
                ("index.html", "/tiers/"),
                ("index.html", "accounts/acme/#swot"),
                ("index.html", "logo.png"),
                ("index.html", "../../etc/passwd"),
                ("index.html", "https://kam.example.com/sub/matrix/"),
                ("style.css", "missing.png"),
            ]
        );
        assert!(
            b[1].reason.contains("no element with id `nowhere` on this page"),
            "{}",
            b[1].reason
        );
        assert!(b[3].reason.contains("`/accounts/acme/index.html`"), "{}", b[3].reason);
        assert!(b[5].reason.contains("above the site root"));
    }

    #[test]
    fn root_links_respect_a_base_path() {
        let out = files(&[
            ("index.html", r#"<a href="/sub/matrix/">m</a><a href="/matrix/">m2</a>"#),
            ("matrix/index.html", ""),
        ]);
        assert_eq!(check(&out, "https://x.com/sub/"), vec![]);
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%20b%2Fc").as_deref(), Some("a b/c"));
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
        assert_eq!(percent_decode("%ff"), None);
        let out = files(&[("index.html", r#"<a href="my%20file.pdf">f</a>"#), ("my file.pdf", "")]);
        assert_eq!(check(&out, "/"), vec![]);
    }

    #[test]
    fn normalizes_dot_segments() {
        assert_eq!(normalize("a/./b/../c/").as_deref(), Some("a/c/"));
        assert_eq!(normalize("a/..").as_deref(), Some(""));
        assert_eq!(normalize("../x"), None);
        assert_eq!(normalize("a/b").as_deref(), Some("a/b"));
    }

    #[test]
    fn finds_the_template_of_a_link() {
        let t = SourceFile::new(
            "templates/base.html",
            "<nav>\n  <a href=\"{{ root }}matrx/\">M</a>\n</nav>\n",
        );
        match template_origin(std::slice::from_ref(&t), "../../matrx/") {
            Origin::Template(f, pos, _) => {
                assert_eq!(f.name, "templates/base.html");
                assert_eq!(pos, Pos::new(2, 22));
            }
            _ => panic!("not found"),
        }
        assert!(matches!(template_origin(&[t], "../x/{{"), Origin::Page));
    }
}
