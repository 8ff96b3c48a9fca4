//! Reporting broken links where they were written: the Markdown document
//! whose rendered HTML holds the link, else the template that contains it,
//! else the generated page.
//!
//! What the pages came from is what render recorded ([`Origins`]): nothing
//! is loaded, rendered or read from disk again.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::Broken;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::model::origins::{Origins, Placed};
use crate::source::{Pos, SourceFile, percent_decode};

/// What the report reads besides the broken links.
pub struct Sources<'a> {
    /// Where the text of each page came from, as render recorded it.
    pub origins: &'a Origins,
    /// The text of a generated page; only pages with broken links are read.
    pub page: &'a dyn Fn(&str) -> Option<String>,
    /// The text of a source file while the build still holds it, for the
    /// snippet under a diagnostic (a build lets go of note texts as it
    /// renders: those are reported on one line).
    pub held: &'a dyn Fn(&str) -> Option<Arc<str>>,
}

/// Where a broken link came from.
enum Origin<'o> {
    /// A Markdown document's file, with the link's position in it.
    Markdown(&'o str, Pos),
    /// A template, with the position and length of the link in it.
    Template(SourceFile, Pos, usize),
    /// Neither could be found: the generated page itself.
    Page,
}

/// A broken link and the text it has in its source.
type Shown<'a> = (&'a Broken, String);

/// Turn broken links into diagnostics that point at their source. `strict` makes them errors.
pub fn diagnostics(sources: &Sources, broken: &[Broken], strict: bool) -> Diagnostics {
    let origins = sources.origins;
    // Only the pages with broken links are read back.
    let mut pages: HashMap<&str, String> = HashMap::new();
    for b in broken {
        if !pages.contains_key(b.page.as_str()) {
            pages.insert(b.page.as_str(), (sources.page)(&b.page).unwrap_or_default());
        }
    }
    // The same link from one template line breaks on many pages: report it once.
    let mut grouped: BTreeMap<(String, Pos, String), (Diagnostic, Vec<Shown>)> = BTreeMap::new();
    for b in broken {
        let page_text = pages.get(b.page.as_str()).map(String::as_str).unwrap_or("");
        // With `links: files` a folder link on the page ends in index.html
        // the source did not write: look for it as written, too.
        let written = origins.file_links.then(|| as_written(&b.href)).flatten();
        let hrefs: Vec<&str> = std::iter::once(b.href.as_str()).chain(written.as_deref()).collect();
        let found = markdown_origin(origins.on(&b.page), b.offset, &hrefs).or_else(|| {
            hrefs
                .iter()
                .find_map(|href| match template_origin(&origins.templates, href) {
                    Origin::Page => None,
                    o => Some((o, href.to_string())),
                })
        });
        let (origin, shown) = found.unwrap_or((Origin::Page, b.href.clone()));
        let mut d = match origin {
            Origin::Markdown(file, pos) => {
                let held = (sources.held)(file);
                let mut d = Diagnostic::warning("broken-link", &SourceFile::new(file, held.clone().unwrap_or_default()), pos, "")
                    .help("fix or remove the link; links are relative to the page they end up on, e.g. `../other-account/` from an account page");
                d.source = held;
                d
            }
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
        d.len = if d.len > 1 { d.len } else { shown.len().max(1) };
        if strict {
            d.severity = Severity::Error;
        }
        // Keyed by what the link resolves to: `{{ root }}x` differs in text by page depth.
        let key = (d.file.clone(), d.pos, b.reason.to_string());
        grouped.entry(key).or_insert_with(|| (d, Vec::new())).1.push((b, shown));
    }
    let mut out = Diagnostics::default();
    for (_, (mut d, links)) in grouped {
        let (first, shown) = &links[0];
        let on = match links.len() {
            1 => format!("on page /{}", first.page),
            n => format!("on {n} pages, e.g. /{}", first.page),
        };
        d.message = format!("broken link `{shown}` {on}: {}", first.reason);
        out.push(d);
    }
    out
}

/// The Markdown document that wrote one of `hrefs` (the link at `offset`
/// of its page, as the page has it and as its source may have written it),
/// with the href it wrote: the document whose HTML holds the link, else one
/// shown on the page where its HTML could not be found.
fn markdown_origin<'o>(placed: &'o [Placed], offset: usize, hrefs: &[&str]) -> Option<(Origin<'o>, String)> {
    let holding = placed.iter().filter(|p| p.contains(offset));
    let unplaced = placed.iter().filter(|p| p.span.is_none());
    holding.chain(unplaced).find_map(|p| {
        hrefs.iter().find_map(|href| {
            let link = p.document.links.iter().find(|l| same_url(&l.href, href))?;
            Some((Origin::Markdown(&p.document.file, link.pos), href.to_string()))
        })
    })
}

/// Whether two URLs are the same, one percent-encoded where the other is not
/// (the HTML writes `é` in a path as `%C3%A9`).
fn same_url(a: &str, b: &str) -> bool {
    a == b || (a.contains('%') || b.contains('%')) && percent_decode(a).is_some_and(|a| percent_decode(b) == Some(a))
}

/// A link to a folder's index.html as a source writes it: `../x/index.html#a` is `../x/#a`.
fn as_written(href: &str) -> Option<String> {
    let split = href.find(['#', '?']).unwrap_or(href.len());
    let (path, tail) = href.split_at(split);
    let folder = path
        .strip_suffix("index.html")
        .filter(|f| f.is_empty() || f.ends_with('/'))?;
    Some(format!("{folder}{tail}"))
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
