//! Link check of the rendered output, before anything is written.
//!
//! Every internal `href`/`src` (and CSS `url()`) of every generated page must
//! resolve to a generated file, and every `#fragment` to an element id on
//! the target page. This covers links written in templates and in Markdown
//! notes alike: both end up in the same HTML. A broken link is reported where
//! it came from: the note, review or plan narrative when the link lies inside
//! its rendered Markdown, else the template that contains it, else the page.
//!
//! Owns the check ([`LinkIndex`], fed each output file as it is written;
//! `scan` reads links and ids from HTML and CSS) and the report
//! ([`diagnostics`]). It takes the output files and the [`Origins`] render
//! recorded, and imports nothing from `load` or `render`: only `source`,
//! `diag`, `model::origins` and `write::OutputFile`. The pipeline calls it.
//!
//! [`Origins`]: crate::model::origins::Origins

mod report;
mod scan;

pub use report::{Sources, diagnostics};

use foldhash::HashMap;

use rayon::prelude::*;

use crate::source::percent_decode;
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
    pub reason: Reason,
}

/// Why a link does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// No generated file at the path (as shown: `/accounts/gone/`).
    NoFile(String),
    /// The target page has no element with the id; `page` is `None` for
    /// the page the link is on.
    NoId { id: String, page: Option<String> },
    /// The path is not valid percent-encoded UTF-8.
    BadEncoding,
    /// The path climbs above the site root.
    AboveRoot,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::NoFile(path) => write!(f, "no generated file `{path}`"),
            Reason::NoId { id, page: None } => write!(f, "no element with id `{id}` on this page"),
            Reason::NoId { id, page: Some(page) } => write!(f, "no element with id `{id}` on `{page}`"),
            Reason::BadEncoding => f.write_str("the link is not valid percent-encoded UTF-8"),
            Reason::AboveRoot => f.write_str("the link points above the site root"),
        }
    }
}

/// The links and ids of every generated file, collected as files are
/// rendered (from many threads). Memory grows with the number of distinct
/// link targets, not with pages x links: a link every page repeats (the
/// style sheet, the nav) is kept once, with the places it occurs (capped).
pub struct LinkIndex {
    base_url: String,
    site_prefix: String,
    state: std::sync::Mutex<IndexState>,
}

/// Where a distinct target is linked from: (page, link as written, byte offset),
/// the page and the link as numbers into [`IndexState::files`] and
/// [`IndexState::hrefs`]. At 100,000 accounts a build has over a million such
/// places; as strings of their own they took about 130 MB.
type Places = Vec<(u32, u32, u32)>;

/// A generated file: its number (for [`Places`]) and, for a page, the hashes
/// of its element ids, sorted.
struct FileEntry {
    number: u32,
    ids: Vec<u64>,
}

#[derive(Default)]
struct IndexState {
    /// Every generated file, by path.
    files: HashMap<std::sync::Arc<str>, FileEntry>,
    /// The same paths by number.
    names: Vec<std::sync::Arc<str>>,
    /// Each distinct link as written, and its number.
    hrefs: HashMap<Box<str>, u32>,
    /// Each distinct target, with where it occurs.
    targets: HashMap<Target, Places>,
    /// Links that are broken whatever exists (bad encoding, above the root).
    invalid: Vec<Broken>,
}

impl IndexState {
    fn href_number(&mut self, href: &str) -> u32 {
        if let Some(&n) = self.hrefs.get(href) {
            return n;
        }
        let n = self.hrefs.len() as u32;
        self.hrefs.insert(href.into(), n);
        n
    }
}

/// Places kept per distinct link target, for the report.
const OCCURRENCES_KEPT: usize = 1000;

impl LinkIndex {
    pub fn new(base_url: &str) -> LinkIndex {
        LinkIndex {
            base_url: base_url.to_string(),
            site_prefix: site_path_prefix(base_url),
            state: Default::default(),
        }
    }

    /// Record the links and ids of one output file.
    pub fn add(&self, path: &str, bytes: &[u8]) {
        // Every file counts as a link target; only pages and style sheets hold links.
        let text = std::str::from_utf8(bytes).ok();
        let s = match text {
            Some(t) if path.ends_with(".html") => scan::html(t),
            Some(t) if path.ends_with(".css") => scan::Scan {
                refs: scan::css_urls(t, 0),
                ids: Vec::new(),
            },
            _ => scan::Scan::default(),
        };
        let mut ids: Vec<u64> = s.ids.iter().map(|id| id_hash(id)).collect();
        ids.sort_unstable();
        ids.dedup();
        let is_page = path.ends_with(".html");
        let mut prepared = Vec::with_capacity(s.refs.len());
        let mut invalid = Vec::new();
        for r in &s.refs {
            match prepare(path, &r.url, &self.base_url, &self.site_prefix) {
                // A same-page anchor is checked here: this page's ids are all known.
                Ok(Some(t)) if t.same_page => {
                    if let Some(id) = &t.fragment
                        && is_page
                        && ids.binary_search(&id_hash(id)).is_err()
                    {
                        invalid.push(Broken {
                            page: path.to_string(),
                            href: r.url.to_string(),
                            offset: r.offset,
                            reason: Reason::NoId {
                                id: id.clone(),
                                page: None,
                            },
                        });
                    }
                }
                Ok(Some(t)) => prepared.push((t, r)),
                Ok(None) => {}
                Err(reason) => invalid.push(Broken {
                    page: path.to_string(),
                    href: r.url.to_string(),
                    offset: r.offset,
                    reason,
                }),
            }
        }
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.invalid.extend(invalid);
        let ids = if is_page { ids } else { Vec::new() };
        let number = match st.files.get_mut(path) {
            // Written twice (not done by a build): the later one counts.
            Some(f) => {
                f.ids = ids;
                f.number
            }
            None => {
                let name: std::sync::Arc<str> = path.into();
                st.names.push(name.clone());
                let number = (st.names.len() - 1) as u32;
                st.files.insert(name, FileEntry { number, ids });
                number
            }
        };
        for (t, r) in prepared {
            let href = st.href_number(&r.url);
            let places = st.targets.entry(t).or_default();
            if places.len() < OCCURRENCES_KEPT {
                places.push((number, href, u32::try_from(r.offset).unwrap_or(u32::MAX)));
            }
        }
    }

    /// Every link that does not resolve, sorted by page and offset.
    pub fn check(self) -> Vec<Broken> {
        let st = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let targets: Vec<_> = st.targets.into_iter().collect();
        let files = &st.files;
        let names = &st.names;
        // Link texts by number, for the few links that are broken.
        let mut hrefs: Vec<&str> = vec![""; st.hrefs.len()];
        for (h, &n) in &st.hrefs {
            hrefs[n as usize] = h;
        }
        let hrefs = &hrefs;
        let name = |n: u32| names.get(n as usize).map(|s| &**s).unwrap_or("");
        let mut broken: Vec<Broken> = targets
            .par_iter()
            .flat_map_iter(|(t, places)| {
                let first_page = places.first().map(|p| name(p.0)).unwrap_or("");
                let ok = exists(first_page, t, files).is_ok();
                places.iter().filter_map(move |&(page, href, offset)| {
                    if ok {
                        return None;
                    }
                    // Worded for the page each link is on ("this page").
                    let page = name(page);
                    let reason = exists(page, t, files).err()?;
                    Some(Broken {
                        page: page.to_string(),
                        href: hrefs.get(href as usize).copied().unwrap_or("").to_string(),
                        offset: offset as usize,
                        reason,
                    })
                })
            })
            .collect();
        broken.extend(st.invalid);
        broken.sort_by(|a, b| (&a.page, a.offset).cmp(&(&b.page, b.offset)));
        broken
    }
}

/// Check every link of `files` (see [`LinkIndex::check`]).
pub fn check(files: &[OutputFile], base_url: &str) -> Vec<Broken> {
    let index = LinkIndex::new(base_url);
    files.par_iter().for_each(|f| index.add(&f.path, &f.bytes));
    index.check()
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

/// What a link needs to exist: the files it may name (the first that exists
/// wins) and the element id after `#`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Target {
    candidates: Vec<String>,
    fragment: Option<String>,
    /// The target is the page the link is on (`#anchor` only).
    same_page: bool,
}

/// Work out where `url` on `page` points, without looking at what exists.
/// `None`: nothing to check (an external link).
fn prepare(page: &str, url: &str, base_url: &str, site_prefix: &str) -> Result<Option<Target>, Reason> {
    let url = url.trim();
    // `/__kamsite/` is served from memory by `kamsite serve` (live reload).
    if url.is_empty() || url.starts_with("//") || url.starts_with("/__kamsite/") {
        return Ok(None);
    }
    let url = if has_scheme(url) {
        // An absolute URL into the site itself is checked like a root-relative one.
        match url.strip_prefix(base_url.trim_end_matches('/')) {
            Some(rest) if base_url.contains("://") && (rest.is_empty() || rest.starts_with(['/', '?', '#'])) => {
                if rest.is_empty() { "/" } else { rest }
            }
            _ => return Ok(None),
        }
    } else {
        url
    };
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let fragment = fragment
        .filter(|f| !f.is_empty())
        .map(|f| percent_decode(f).unwrap_or_else(|| f.to_string()));
    let path = before_fragment.split('?').next().unwrap_or("");
    if path.is_empty() {
        return Ok(Some(Target {
            candidates: vec![page.to_string()],
            fragment,
            same_page: true,
        }));
    }
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
    let decoded = percent_decode(&joined).ok_or(Reason::BadEncoding)?;
    let normal = normalize(&decoded).ok_or(Reason::AboveRoot)?;
    let candidates = if normal.is_empty() || normal.ends_with('/') {
        vec![format!("{normal}index.html")]
    } else {
        vec![normal.clone(), format!("{normal}/index.html")]
    };
    Ok(Some(Target {
        candidates,
        fragment,
        same_page: false,
    }))
}

/// Ok when the target file (and id) exists; else why not.
fn exists(page: &str, t: &Target, files: &HashMap<std::sync::Arc<str>, FileEntry>) -> Result<(), Reason> {
    let (target, entry) = match t.candidates.iter().find_map(|c| files.get(c.as_str()).map(|f| (c, f))) {
        Some(found) => found,
        None => {
            let first = &t.candidates[0];
            let shown = first.strip_suffix("index.html").unwrap_or(first);
            return Err(Reason::NoFile(display_target(shown)));
        }
    };
    if let Some(id) = &t.fragment
        && target.ends_with(".html")
        && entry.ids.binary_search(&id_hash(id)).is_err()
    {
        return Err(Reason::NoId {
            id: id.clone(),
            page: (target != page).then(|| display_target(target)),
        });
    }
    Ok(())
}

/// Ids are kept as hashes: a large site has millions of them.
fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x6b61_6d73).hash_one(id)
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
            b[1].reason
                .to_string()
                .contains("no element with id `nowhere` on this page"),
            "{}",
            b[1].reason
        );
        assert!(
            b[3].reason.to_string().contains("`/accounts/acme/index.html`"),
            "{}",
            b[3].reason
        );
        assert_eq!(b[5].reason, Reason::AboveRoot);
        assert!(b[5].reason.to_string().contains("above the site root"));
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
}
