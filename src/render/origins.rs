//! Where HTML is made, note whose it is: which Markdown document's HTML
//! sits where on each page, and where its links were written
//! ([`Origins`], which the link report reads).
//!
//! A page's documents are rendered before the page: [`Recorder::markdown`]
//! keeps each one with links (and its HTML) until [`Recorder::place`] sees
//! the finished page and finds the HTML on it. A document without links is
//! not kept, so a portfolio of notes without links costs nothing here.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::markdown;
use crate::analyze::Portfolio;
use crate::model::origins::{Document, Origins, Placed, WrittenLink};
use crate::source::{Pos, SourceFile};

/// Collects the [`Origins`] of one render, from every thread.
#[derive(Default)]
pub struct Recorder {
    /// Documents rendered for pages not made yet, by page path.
    waiting: Mutex<HashMap<String, Vec<Waiting>>>,
    /// Whether `waiting` was ever given anything: most pages are made
    /// without a look at it.
    any: AtomicBool,
    done: Mutex<Origins>,
}

/// A document rendered for a page, waiting for the page.
struct Waiting {
    /// Its HTML as the page will have it.
    html: String,
    document: Document,
}

impl Recorder {
    /// A recorder for pages made from `templates`; `file_links` as site.yaml `links: files`.
    pub fn new(templates: Vec<SourceFile>, file_links: bool) -> Recorder {
        Recorder {
            done: Mutex::new(Origins::new(templates, file_links)),
            ..Recorder::default()
        }
    }

    /// `body`, Markdown written in a file, rendered for the page at `page`
    /// (see [`markdown::render`]). When it has links, `file()` is asked for
    /// the file (`body` must be the end of its text) to say where each was
    /// written.
    pub fn markdown(
        &self,
        page: &str,
        body: &str,
        id_prefix: &str,
        file: impl FnOnce() -> Option<SourceFile>,
    ) -> String {
        let rendered = markdown::render(body, id_prefix);
        if rendered.links.is_empty() {
            return rendered.html;
        }
        let Some(file) = file() else {
            return rendered.html;
        };
        let document = Document {
            links: written_at(&file, body, &rendered.links),
            file: file.name,
        };
        let file_links = self.lock_done().file_links;
        let html = if file_links {
            super::links::to_files(rendered.html.clone())
        } else {
            rendered.html.clone()
        };
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting
            .entry(page.to_string())
            .or_default()
            .push(Waiting { html, document });
        self.any.store(true, Ordering::Release);
        rendered.html
    }

    /// The page at `page` is made, as `html`: find on it the documents
    /// rendered for it. They are looked for in the order they were
    /// rendered, each after the one before, then anywhere.
    pub fn place(&self, page: &str, html: &str) {
        if !self.any.load(Ordering::Acquire) {
            return;
        }
        let Some(waiting) = self.waiting.lock().unwrap_or_else(|e| e.into_inner()).remove(page) else {
            return;
        };
        let mut from = 0;
        let placed: Vec<Placed> = waiting
            .into_iter()
            .map(|w| {
                let needle = w.html.trim_end();
                let span = find(html, needle, from).or_else(|| find(html, needle, 0));
                if let Some((_, end)) = span {
                    from = end;
                }
                let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                Placed {
                    span: span.map(|(s, e)| (narrow(s), narrow(e))),
                    document: w.document,
                }
            })
            .collect();
        self.lock_done().add(page, placed);
    }

    /// What was recorded; the recorder starts again empty (the templates kept).
    pub fn take(&self) -> Origins {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let mut done = self.lock_done();
        let kept = Origins::new(done.templates.clone(), done.file_links);
        std::mem::replace(&mut *done, kept)
    }

    fn lock_done(&self) -> std::sync::MutexGuard<'_, Origins> {
        self.done.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Byte range of `needle` in `hay` at or after `from`.
fn find(hay: &str, needle: &str, from: usize) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    let at = from + memchr::memmem::find(hay.as_bytes().get(from..)?, needle.as_bytes())?;
    Some((at, at + needle.len()))
}

/// Where in `file` each of `links` (offsets into `body`, the end of the
/// file's text) is written. Offsets are in document order, so the file is
/// read once.
fn written_at(file: &SourceFile, body: &str, links: &[markdown::Link]) -> Vec<WrittenLink> {
    let text: &str = &file.text;
    // Were `body` not the end of the file, positions count from the body.
    let (text, start) = match text.len().checked_sub(body.len()) {
        Some(start) if text.ends_with(body) => (text, start),
        _ => (body, 0),
    };
    let (mut at, mut line, mut line_start) = (0usize, 1usize, 0usize);
    links
        .iter()
        .map(|l| {
            let offset = (start + l.offset).min(text.len());
            if offset < at {
                (at, line, line_start) = (0, 1, 0);
            }
            let bytes = &text.as_bytes()[at..offset];
            line += memchr::memchr_iter(b'\n', bytes).count();
            if let Some(nl) = memchr::memrchr(b'\n', bytes) {
                line_start = at + nl + 1;
            }
            at = offset;
            let column = text.get(line_start..offset).map_or(0, |s| s.chars().count()) + 1;
            WrittenLink {
                href: l.href.as_str().into(),
                pos: Pos::new(line, column),
            }
        })
        .collect()
}

/// The file of the review `id` of the account `slug`.
pub fn review_file(p: &Portfolio, slug: &str, id: &str) -> Option<SourceFile> {
    // The accounts are in slug order, as the site's.
    let i = p.accounts.binary_search_by(|a| a.slug.cmp(slug)).ok()?;
    p.accounts[i]
        .review_docs
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.file.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_placed_where_its_html_is_on_the_page() {
        let file = SourceFile::new(
            "accounts/acme/notes/a.md",
            "---\ntitle: A\n---\nSee [b](../b/) and\n[c](#c), ![é](x.png) [m](mailto:a@b.c)\n",
        );
        let body = &file.text[17..];
        let r = Recorder::new(Vec::new(), false);
        let html = r.markdown("accounts/acme/index.html", body, "a-", || Some(file.clone()));
        assert!(
            r.markdown("accounts/acme/index.html", "No links.", "b-", || None)
                .contains("No links.")
        );
        let page = format!("<main><p>[c](#c)</p>{html}</main>");
        r.place("accounts/acme/index.html", &page);
        r.place("other/index.html", &page);
        let origins = r.take();
        let placed = origins.on("accounts/acme/index.html");
        assert_eq!(placed.len(), 1, "only the document with links");
        let (start, end) = placed[0].span.unwrap();
        assert_eq!(&page[start as usize..end as usize], html.trim_end());
        assert!(placed[0].contains(start as usize) && !placed[0].contains(end as usize));
        let links: Vec<(&str, Pos)> = placed[0].document.links.iter().map(|l| (&*l.href, l.pos)).collect();
        assert_eq!(
            links,
            [
                ("../b/", Pos::new(4, 9)),
                ("#c", Pos::new(5, 5)),
                ("x.png", Pos::new(5, 15))
            ]
        );
        assert!(origins.on("other/index.html").is_empty());
        assert!(r.take().pages().is_empty(), "taken");
    }
}
