//! Reporting broken links where they were written: the Markdown document
//! whose rendered HTML holds the link, else the template that contains it,
//! else the generated page.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::Broken;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::model::{AccountDoc, Site};
use crate::render::markdown;
use crate::source::{Part, Pos, SourceFile};

/// Where a broken link came from.
enum Origin {
    /// A Markdown document, with the link's position in its file.
    Markdown(SourceFile, Pos),
    /// A template, with the position and length of the link in it.
    Template(SourceFile, Pos, usize),
    /// Neither could be found: the generated page itself.
    Page,
}

/// A broken link and the text it has in its source.
type Shown<'a> = (&'a Broken, String);

/// Turn broken links into diagnostics that point at their source. `strict` makes them errors.
pub fn diagnostics(
    root: &Path,
    site: &Site,
    page_text: &dyn Fn(&str) -> Option<String>,
    broken: &[Broken],
    strict: bool,
) -> Diagnostics {
    // Only the pages with broken links are read back.
    let mut pages: HashMap<&str, String> = HashMap::new();
    for b in broken {
        if !pages.contains_key(b.page.as_str()) {
            pages.insert(b.page.as_str(), page_text(&b.page).unwrap_or_default());
        }
    }
    let templates = crate::load::theme::load(root, site.config.theme.as_deref())
        .map(|t| t.templates.into_values().map(|t| t.file).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut regions = Regions::default();
    // The same link from one template line breaks on many pages: report it once.
    let mut grouped: BTreeMap<(String, Pos, String), (Diagnostic, Vec<Shown>)> = BTreeMap::new();
    let file_links = site.config.links == crate::config::Links::Files;
    for b in broken {
        let page_text = pages.get(b.page.as_str()).map(String::as_str).unwrap_or("");
        // With `links: files` a folder link on the page ends in index.html
        // the source did not write: look for it as written, too.
        let written = file_links
            .then(|| as_written(&b.href))
            .flatten()
            .map(|href| Broken { href, ..(*b).clone() });
        let mut found = None;
        for b in std::iter::once(b).chain(written.as_ref()) {
            if let Some(o) = regions.markdown_origin(root, site, page_text, b) {
                found = Some((o, b.href.clone()));
                break;
            }
        }
        for b in std::iter::once(b).chain(written.as_ref()) {
            if found.is_some() {
                break;
            }
            match template_origin(&templates, &b.href) {
                Origin::Page => {}
                o => found = Some((o, b.href.clone())),
            }
        }
        let (origin, shown) = found.unwrap_or((Origin::Page, b.href.clone()));
        let mut d = match origin {
            Origin::Markdown(file, pos) => Diagnostic::warning("broken-link", &file, pos, "")
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
        d.len = if d.len > 1 { d.len } else { shown.len().max(1) };
        if strict {
            d.severity = Severity::Error;
        }
        // Keyed by what the link resolves to: `{{ root }}x` differs in text by page depth.
        let key = (d.file.clone(), d.pos, b.reason.clone());
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

/// Where each document's rendered Markdown sits on a page, computed only for pages with broken links.
#[derive(Default)]
struct Regions {
    /// (page, document) -> byte ranges of the document's HTML on the page.
    spans: HashMap<String, Vec<(usize, usize)>>,
    /// The notes of the profile page the last broken link was on, with
    /// their texts (read again from disk once a build has released them):
    /// the links are in page order, so each profile's notes are read once.
    notes: Option<(String, Vec<(SourceFile, Part)>)>,
}

impl Regions {
    /// The Markdown document whose rendered HTML on the link's page contains the link, if any.
    fn markdown_origin(&mut self, root: &Path, site: &Site, page_text: &str, b: &Broken) -> Option<Origin> {
        let in_account = b
            .page
            .strip_prefix("accounts/")
            .and_then(|r| r.split('/').next())
            .filter(|slug| site.accounts.iter().any(|a| a.slug == *slug));
        // Notes render on their account's profile and nowhere else.
        let profile_of = in_account.filter(|slug| b.page == crate::render::profile_path(slug));
        let mut docs: Vec<(SourceFile, Part)> = Vec::new();
        for a in site.accounts.iter().filter(|a| in_account.is_none_or(|s| s == a.slug)) {
            if profile_of == Some(a.slug.as_str()) {
                docs.extend(self.notes_of(root, a, &b.page).iter().cloned());
            }
            docs.extend(
                a.reviews
                    .iter()
                    .filter(|r| !r.meta.draft)
                    .map(|r| (r.file.clone(), r.body.clone())),
            );
            docs.extend(
                a.plans
                    .iter()
                    .filter_map(|p| p.narrative.as_ref().map(|f| (f.clone(), Part::tail(f, 0)))),
            );
        }
        let wanted = unprefixed(&b.href, docs.iter().map(|(f, _)| stem(&f.name)));
        let mut fallback = None;
        // Cheap filter first: only documents whose text contains the link can hold it.
        for (file, body) in docs
            .into_iter()
            .filter(|(f, _)| f.text.contains(wanted.as_str()) || f.text.contains(b.href.as_str()))
        {
            let pos = position_of(&file, &[b.href.as_str(), wanted.as_str()]);
            let key = format!("{}\u{0}{}", b.page, file.name);
            let spans = self.spans.entry(key).or_insert_with(|| {
                let id = stem(&file.name);
                // The prefixes the renderers give ids of notes and plan narratives.
                [format!("{id}-"), "narrative-".into(), String::new()]
                    .iter()
                    .filter_map(|prefix| {
                        let html = markdown::to_html(&body, prefix);
                        // As the page has it (links: files rewrites its links).
                        let html = if site.config.links == crate::config::Links::Files {
                            crate::render::file_links(html)
                        } else {
                            html
                        };
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

    /// The notes of `doc`, on whose profile `page` a broken link is, with
    /// their texts. A build has released them by now: they are read again
    /// as the loader read them (a byte-order mark dropped), so each body
    /// starts where it did.
    fn notes_of(&mut self, root: &Path, doc: &AccountDoc, page: &str) -> &[(SourceFile, Part)] {
        if self.notes.as_ref().is_none_or(|(p, _)| p != page) {
            let read = doc
                .notes
                .iter()
                .filter_map(|n| {
                    let file = n.file.get().or_else(|| {
                        crate::load::read_source(root, &root.join(&n.file.name), &mut Diagnostics::default())
                    })?;
                    let body = n.body_in(&file);
                    Some((file, body))
                })
                .collect();
            self.notes = Some((page.to_string(), read));
        }
        self.notes.as_ref().map(|(_, read)| read.as_slice()).unwrap_or_default()
    }
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
fn template_origin(templates: &[SourceFile], href: &str) -> Origin {
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
