//! What rendering keeps, and what it lets go: the memory half of the
//! render plan ([`super::schedule`] is the order half).
//!
//! - **Kept between `serve`'s rebuilds** ([`Cache::keeping_pages`]): what
//!   depends on one account alone (and site.yaml), by slug ([`Parts`]): its
//!   row in the lists as a template value and rendered, its reviews as
//!   template values, its search-index entry, its entries of the data files;
//!   and the context each site-wide page was last rendered from
//!   ([`Contexts`]), so a page whose context did not change is not rendered
//!   again. A changed account's parts are forgotten ([`Cache::forget`]) and
//!   made again; template values are reference-counted, so a list shares
//!   the kept rows instead of copying them.
//! - **Dropped as soon as written** in a plain build
//!   ([`Cache::for_one_build`]): the search index's, data files' and
//!   reviews' per-account parts (about half a gigabyte at 100,000 accounts),
//!   once their files are written.
//! - **Text released**: in a build whose loaded site is dropped afterwards,
//!   each note's text goes once its account's page is rendered (most of a
//!   gigabyte at 100,000 accounts; `analyze::NoteView::release`), and
//!   account.yaml's once the site is validated (the pipeline does that).
//!   Both are kept by `serve`, which renders the same site again.

use rayon::prelude::*;
use tera::Context;

use super::Page;
use super::svg::matrix::MatrixMemo;
use crate::analyze::Portfolio;
use crate::diag::Diagnostic;

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
    pub(crate) matrix: MatrixMemo,
    /// Release each note's text once its account's page is rendered (and,
    /// in `pipeline::build_site`, each account.yaml's text once the site is
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
    pub(super) fn begin(&self) {
        if let Ok(mut m) = self.made.lock() {
            m.clear();
        }
    }

    pub(super) fn unchanged(&self, p: &Page) -> bool {
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

    pub(super) fn remember(&self, p: Page) {
        if let Ok(mut m) = self.known.lock() {
            m.insert(p.path, p.context);
        }
    }

    pub(super) fn clear(&self) {
        if let Ok(mut m) = self.known.lock() {
            m.clear();
        }
    }

    /// Site-wide pages rendered before but not by this render (a quarter
    /// or a competitor with no review left), forgotten here. Pages under
    /// `accounts/` are left out: a rebuild makes only the changed accounts'.
    pub(super) fn gone(&self) -> Vec<String> {
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
    pub(crate) fn forget(&mut self, slug: &str) {
        self.0.remove(slug);
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// How many accounts' parts are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
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
