//! Where the text of the generated pages came from: which Markdown
//! document's HTML sits where on a page, where each of its links was
//! written, and the templates that made the rest of the page.
//!
//! Render records it as it makes the pages (`render::origins`), the way
//! Zola's Markdown renderer hands back the links of what it rendered; the
//! link report reads it to point a broken link at the file, line and column
//! it was written at, without loading or rendering anything again. Plain
//! data: imports only `source`.

use std::collections::HashMap;

use crate::source::{Pos, SourceFile};

/// What render recorded about the pages of one render.
///
/// Only documents with links are kept: one without can hold no broken link.
/// A generated portfolio whose notes have no links costs nothing here.
#[derive(Debug, Default)]
pub struct Origins {
    /// The documents shown on each page, by the page's path, in page order.
    pages: HashMap<String, Vec<Placed>>,
    /// The theme's templates (a site's own first), for links they hold.
    pub templates: Vec<SourceFile>,
    /// site.yaml `links: files`: every relative folder link on a page was
    /// written with `index.html` after it, which its source did not write.
    pub file_links: bool,
}

/// A Markdown document on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Byte range of the document's HTML on the page; `None` when a template
    /// changed the HTML so that it could not be found.
    pub span: Option<(u32, u32)>,
    pub document: Document,
}

/// A Markdown document and the links written in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Path of its file relative to the site root, as diagnostics show it.
    pub file: String,
    pub links: Vec<WrittenLink>,
}

/// A link or image URL of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenLink {
    /// The URL as the page has it, before `links: files` adds `index.html`
    /// (an id prefix applied, character references decoded).
    pub href: Box<str>,
    /// Where the URL is written in the document's file.
    pub pos: Pos,
}

impl Origins {
    /// Nothing recorded yet, for pages made from `templates`.
    pub fn new(templates: Vec<SourceFile>, file_links: bool) -> Origins {
        Origins {
            pages: HashMap::new(),
            templates,
            file_links,
        }
    }

    /// Record the documents shown on `page` (see [`Origins::on`]).
    pub fn add(&mut self, page: &str, documents: Vec<Placed>) {
        if documents.is_empty() {
            return;
        }
        self.pages.entry(page.to_string()).or_default().extend(documents);
    }

    /// The documents with links shown on `page`.
    pub fn on(&self, page: &str) -> &[Placed] {
        self.pages.get(page).map(Vec::as_slice).unwrap_or_default()
    }

    /// Every page with a recorded document, sorted, with its documents.
    pub fn pages(&self) -> Vec<(&str, &[Placed])> {
        let mut all: Vec<(&str, &[Placed])> = self.pages.iter().map(|(p, d)| (p.as_str(), d.as_slice())).collect();
        all.sort_by_key(|(p, _)| *p);
        all
    }
}

impl Placed {
    /// Whether byte `offset` of the page lies inside this document's HTML.
    pub fn contains(&self, offset: usize) -> bool {
        self.span
            .is_some_and(|(start, end)| (start as usize..end as usize).contains(&offset))
    }
}
