//! kamsite: compile a key-account portfolio kept in git into a static site.
//!
//! One pipeline, one direction:
//!
//! ```text
//! load -> validate -> analyze -> redact(audience) -> render -> write
//! ```
//!
//! [`load`] reads files into the typed [`model`]; [`validate`] reports every
//! problem as a [`diag::Diagnostic`]; [`analyze`] computes the business
//! numbers; [`redact`] cuts the data down to what an audience may see;
//! [`render`] turns it into pages with Tera; [`write`] swaps the result into
//! place atomically. The library never prints or exits.

// Diagnostics travel in `Result::Err` on the cold path only; boxing them
// would add noise at every `?` for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod allocator;
pub mod analyze;
pub mod config;
pub mod customer;
pub mod diag;
mod incremental;
pub mod linkcheck;
pub mod load;
pub mod model;
pub mod pdf;
pub mod redact;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod source;
pub mod validate;
pub mod write;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use diag::Diagnostics;

/// Who a build is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Audience {
    /// The internal portal: everything.
    #[default]
    Internal,
    /// One customer's joint business plans and shared items; nothing internal.
    Customer,
}

#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Default: `<root>/public`.
    pub out: Option<PathBuf>,
    pub audience: Audience,
    /// The account of a customer build.
    pub account: Option<String>,
    pub base_url: Option<String>,
    /// Include draft plans in a customer build.
    pub drafts: bool,
    /// Inject the live-reload script (serve mode).
    pub live_reload: bool,
    /// Broken links are errors: nothing is written.
    pub strict: bool,
    /// Called as pages are written: (pages done, pages expected).
    pub progress: Option<Progress>,
    /// Serve's lock over its output folder: an incremental rebuild holding it
    /// for writing overwrites files in place (no new files, so no block
    /// allocation and freeing), while readers hold it to read whole files.
    /// Without it, each file is replaced by an atomic rename.
    pub files_lock: Option<std::sync::Arc<std::sync::RwLock<()>>>,
    /// Told what the build does besides building: that it waits for another
    /// build of the same output, or put right what a killed one left.
    pub notices: Option<Notices>,
}

/// A callback for notices (one line each); the library never prints.
#[derive(Clone)]
pub struct Notices(pub std::sync::Arc<dyn Fn(&str) + Send + Sync>);

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notices")
    }
}

/// A progress callback; the library never prints, the CLI draws a bar.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl BuildOptions {
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }

    fn notice(&self, line: &str) {
        if let Some(n) = &self.notices {
            (n.0)(line);
        }
    }

    /// Resolve and check the output folder, then lock it (waiting for
    /// another build of it) and put right what a killed build left.
    fn lock_output(&self) -> Result<write::OutputLock, write::WriteError> {
        let out = write::resolve(&self.root, &self.out_dir())?;
        write::lock(&out, &|line| self.notice(line))
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildSummary {
    pub out: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Size of the client-side search index, when the build has one.
    pub search_index_bytes: Option<usize>,
    pub diagnostics: Diagnostics,
    /// Wall time of each pipeline stage, and the resident memory after it (bytes; 0 where unknown).
    pub timings: Vec<(&'static str, std::time::Duration, u64)>,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// The content has errors; nothing was written.
    Invalid(Diagnostics),
    /// The output folder was refused or could not be written.
    Output(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Invalid(d) => write!(f, "the site has {} error(s); nothing was written", d.error_count()),
            BuildError::Output(m) => f.write_str(m),
        }
    }
}

impl From<write::WriteError> for BuildError {
    fn from(e: write::WriteError) -> BuildError {
        BuildError::Output(e.to_string())
    }
}

/// The date the build treats as today: site.yaml `today`, else the system date.
pub fn today(config: &config::SiteConfig) -> Date {
    config.today.unwrap_or_else(system_date)
}

/// Today's date in UTC, from the system clock.
fn system_date() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let epoch = Date::constant(1970, 1, 1);
    epoch.checked_add(jiff::Span::new().days(days)).unwrap_or(epoch)
}

/// Load, validate and render in memory: every problem, nothing written.
pub fn check(root: &Path) -> Diagnostics {
    let (site, mut diags) = load::load(root);
    let today = today(&site.config);
    diags.extend(validate::site(&site, today));
    if !diags.has_errors() {
        let portfolio = analyze::analyze(&site, today);
        let opts = BuildOptions {
            root: root.to_path_buf(),
            ..BuildOptions::default()
        };
        match render::internal(&opts, &site, &portfolio) {
            Ok((files, origins)) => {
                let broken = linkcheck::check(&files, &site.config.base_url);
                let text = |path: &str| {
                    let f = files.iter().find(|f| f.path == path)?;
                    String::from_utf8(f.bytes.clone()).ok()
                };
                if !broken.is_empty() {
                    let held = |name: &str| held_text(&site, name);
                    let sources = linkcheck::Sources {
                        origins: &origins,
                        page: &text,
                        held: &held,
                    };
                    diags.extend(linkcheck::diagnostics(&sources, &broken, false));
                }
            }
            Err(d) => diags.extend(d),
        }
        // The customer templates too, on every account with a plan (drafts
        // included): a broken override should show here, not when sending.
        if let Ok(engine) = render::Engine::new(&opts, &site) {
            for doc in site.accounts.iter().filter(|d| !d.plans.is_empty()) {
                let view = redact::customer(&site.config, doc, today, true);
                if let Err(d) = render::render_customer(&engine, &view) {
                    diags.extend(d);
                    break;
                }
            }
        }
    } else if site.config.theme.as_deref().is_none_or(render::theme::is_theme_name) {
        // Rendering reads the templates and static files; with errors that
        // stop it, read them anyway: check reports their problems too.
        if let Err(d) = render::theme::load(root, site.config.theme.as_deref()) {
            diags.extend(d);
        }
    }
    diags
}

/// Render the site into memory, then write it atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary, BuildError> {
    build_with(opts, render::Cache::for_one_build()).0
}

/// [`build`] for a process that exits right after it: the loaded site and
/// what rendering kept are left for the operating system to reclaim at exit
/// instead of being freed value by value (0.8 s on one core at 100,000
/// accounts).
pub fn build_then_exit(opts: &BuildOptions) -> Result<BuildSummary, BuildError> {
    let (result, workspace) = build_with(opts, render::Cache::for_one_build());
    std::mem::forget(workspace);
    result
}

/// What `serve` keeps after a build, so a change to a few accounts is
/// rebuilt without loading, validating and rendering everything again.
pub struct Workspace {
    /// The loaded site.
    pub site: model::Site,
    /// The date the pages were built for: kept parts and pages hold
    /// "overdue" and "gone quiet" as of that day.
    today: Date,
    /// What rendering keeps: output made from single accounts (search-index
    /// entries, list rows, data-file entries) and the aggregate pages' contexts.
    cache: render::Cache,
    /// The problems of accounts changed since the full build, by slug (the
    /// others had none that stop a build).
    problems: std::collections::HashMap<String, Diagnostics>,
    /// Accounts changed since the pages were last written: a failed rebuild
    /// leaves their pages behind, so the next good one writes them.
    pending: std::collections::HashSet<String>,
    /// What the pages last written show that other accounts decide.
    inputs: incremental::CrossInputs,
}

/// [`build`], also handing back the loaded site (when it loaded), so `serve`
/// can rebuild a changed account without loading everything again.
pub fn build_keeping_site(opts: &BuildOptions) -> (Result<BuildSummary, BuildError>, Option<Workspace>) {
    build_with(opts, render::Cache::keeping_pages())
}

fn build_with(opts: &BuildOptions, mut cache: render::Cache) -> (Result<BuildSummary, BuildError>, Option<Workspace>) {
    let mut timings = Timings::default();
    // Held to the end: a second build into the same folder waits.
    let lock = match opts.lock_output() {
        Ok(lock) => lock,
        Err(e) => return (Err(e.into()), None),
    };
    if opts.audience == Audience::Customer {
        return (build_site(opts, &lock, None, timings, &mut cache, None), None);
    }
    let (mut site, diags) = load::load(&opts.root);
    timings.lap("load");
    if let Some(url) = &opts.base_url {
        site.config.set_base_url(url);
    }
    // Only a site rendered again (serve) needs what pages show of other accounts.
    let mut inputs = (!cache.releases_texts()).then(incremental::CrossInputs::default);
    let result = build_site(opts, &lock, Some((&site, diags)), timings, &mut cache, inputs.as_mut());
    drop(lock);
    (
        result,
        Some(Workspace {
            today: today(&site.config),
            site,
            cache,
            problems: Default::default(),
            pending: Default::default(),
            inputs: inputs.unwrap_or_default(),
        }),
    )
}

impl Workspace {
    /// Whether what is kept still holds: the build date has not moved on
    /// (serve left running past midnight needs a full build).
    pub fn is_current(&self) -> bool {
        today(&self.site.config) == self.today
    }

    /// Whether the account folder `slug` is known: its account loaded, or
    /// it has problems (it may not have loaded).
    pub fn knows(&self, slug: &str) -> bool {
        self.problems.contains_key(slug)
            || self
                .site
                .accounts
                .binary_search_by(|a| a.slug.as_str().cmp(slug))
                .is_ok()
    }

    /// Every account folder known (see [`Workspace::knows`]); a slug may
    /// come twice.
    pub fn known_slugs(&self) -> impl Iterator<Item = &str> {
        let loaded = self.site.accounts.iter().map(|a| a.slug.as_str());
        loaded.chain(self.problems.keys().map(String::as_str))
    }
}

/// Rebuild after changes inside the given account folders only: reload and
/// check those accounts (and what spans accounts), analyse the whole site
/// again, and rewrite the aggregate pages and those accounts' pages in place
/// in `out`. An account whose folder is gone is dropped with its pages, and
/// files in a changed account's folder that no page makes any more (a
/// removed review or plan) are removed. Unchanged accounts whose pages show
/// what the change moved (their share of the portfolio's revenue, a rival
/// that turns out to be us) have those pages made again. The search index
/// is reassembled from kept parts, with new parts for the changed accounts
/// only. No link check; `build` does that.
pub fn rebuild_accounts(opts: &BuildOptions, ws: &mut Workspace, slugs: &[String]) -> Result<BuildSummary, BuildError> {
    let mut timings = Timings::default();
    let out = opts.out_dir();
    let Workspace {
        site,
        cache,
        problems,
        pending,
        inputs,
        ..
    } = ws;
    for slug in slugs {
        cache.forget(slug);
        pending.insert(slug.clone());
    }
    let today = today(&site.config);
    for slug in slugs {
        let dir = opts.root.join("accounts").join(slug);
        let pos = site.accounts.binary_search_by(|a| a.slug.as_str().cmp(slug));
        let (doc, mut found) = if dir.is_dir() {
            load::load_account(&opts.root, &dir)
        } else {
            (None, Diagnostics::default())
        };
        if let Some(doc) = &doc {
            found.extend(validate::account_problems(site, doc, today));
        }
        match (pos, doc) {
            (Ok(i), Some(doc)) => site.accounts[i] = doc,
            (Err(i), Some(doc)) => site.accounts.insert(i, doc),
            (Ok(i), None) => {
                site.accounts.remove(i);
            }
            (Err(_), None) => {}
        }
        if found.is_empty() {
            problems.remove(slug);
        } else {
            problems.insert(slug.clone(), found);
        }
    }
    timings.lap("load");
    // The changed accounts' problems, and the errors of any account still
    // failing from an earlier change: those stop this build too.
    let mut diags = Diagnostics::default();
    let mut failing: Vec<(&String, &Diagnostics)> = problems.iter().collect();
    failing.sort_by_key(|(slug, _)| *slug);
    for (slug, found) in failing {
        if slugs.contains(slug) {
            diags.extend(found.clone());
        } else if found.has_errors() {
            diags.extend(found.errors());
        }
    }
    diags.extend(validate::across_accounts(site));
    timings.lap("validate");
    if diags.has_errors() {
        return Err(BuildError::Invalid(diags));
    }
    let portfolio = analyze::analyze(site, today);
    pending.extend(inputs.affected(&portfolio));
    timings.lap("analyze");
    let sink = write::Collect::default();
    if let Err(d) = render::internal_subset(opts, site, &portfolio, &sink, pending, cache) {
        // Pages were not written: what they were rendered from does not count.
        cache.forget_pages();
        diags.extend(d);
        return Err(BuildError::Invalid(diags));
    }
    timings.lap("render");
    let files = sink.into_files();
    // Site-wide pages no longer made (a quarter or competitor without
    // reviews now) would stay behind with old numbers: remove them, and the
    // changed accounts' files no page makes now.
    let mut gone = cache.gone_pages();
    {
        let written: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let stale =
            incremental::stale_account_files(&out, pending.iter(), |path| written.contains(path) || cache.made(path));
        cache.forget_removed(&stale);
        gone.extend(stale);
    }
    // The same lock as a build's: nothing else writes the folder meanwhile.
    let output_lock = opts.lock_output().map_err(|e| {
        cache.forget_pages();
        BuildError::from(e)
    })?;
    let written = match &opts.files_lock {
        Some(lock) => {
            let _writing = lock.write();
            write::replace_in_place(&out, &files, write::Replace::Overwrite)
                .and_then(|stats| write::remove_in_place(&out, &gone).map(|()| stats))
        }
        None => write::replace_in_place(&out, &files, write::Replace::Rename)
            .and_then(|stats| write::remove_in_place(&out, &gone).map(|()| stats)),
    };
    drop(output_lock);
    let stats = written.map_err(|e| {
        cache.forget_pages();
        BuildError::from(e)
    })?;
    timings.lap("write");
    pending.clear();
    *inputs = incremental::CrossInputs::of(&portfolio);
    Ok(BuildSummary {
        out,
        pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
        files: stats.files,
        bytes: stats.bytes,
        search_index_bytes: files
            .iter()
            .find(|f| f.path == render::search::INDEX_PATH)
            .map(|f| f.bytes.len()),
        diagnostics: diags,
        timings: timings.laps,
    })
}

fn build_site(
    opts: &BuildOptions,
    lock: &write::OutputLock,
    loaded: Option<(&model::Site, Diagnostics)>,
    mut timings: Timings,
    cache: &mut render::Cache,
    inputs: Option<&mut incremental::CrossInputs>,
) -> Result<BuildSummary, BuildError> {
    let out = opts.out_dir();
    if opts.audience == Audience::Customer {
        let c = customer::render(opts)?;
        timings.lap("customer");
        return write_out(lock, out, &c.files, c.diagnostics, None, timings);
    }

    let Some((site, mut diags)) = loaded else {
        return Err(BuildError::Output("internal error: no site loaded".into()));
    };
    let today = today(&site.config);
    diags.extend(validate::site(site, today));
    timings.lap("validate");
    if diags.has_errors() {
        return Err(BuildError::Invalid(diags));
    }
    if cache.releases_texts() {
        // A good build lists its warnings one line each, without a snippet:
        // the warnings need not hold the notes' texts, which are released as
        // their pages render.
        diags.drop_sources();
        // Nor does anything after validation read account.yaml's text: it
        // goes now, and analysis reuses its memory (230 MB at 100,000 accounts).
        for a in &site.accounts {
            a.file.release();
        }
    }

    let portfolio = analyze::analyze(site, today);
    if let Some(inputs) = inputs {
        *inputs = incremental::CrossInputs::of(&portfolio);
    }
    timings.lap("analyze");

    // Pages go to disk as they render (a staging folder beside the output),
    // and only their links stay in memory for the link check.
    let staging = write::Staging::new(lock)?;
    let expected = site.accounts.len()
        + site
            .accounts
            .iter()
            .map(|a| a.reviews.len() + a.plans.len())
            .sum::<usize>()
        + 32;
    let sink = BuildSink {
        staging: &staging,
        links: linkcheck::LinkIndex::new(&site.config.base_url),
        pages: Default::default(),
        search_index_bytes: Default::default(),
        progress: opts.progress.as_ref().map(|p| (p, expected)),
    };
    // The account and plan folders are made on a thread of their own while
    // the site-wide pages render (see `Staging::make_dirs`).
    let folders = render::page_folders(&portfolio);
    let rendered = std::thread::scope(|s| {
        s.spawn(|| staging.make_dirs(&folders));
        render::internal_to(opts, site, &portfolio, &sink, cache)
    });
    let origins = match rendered {
        Ok(origins) => origins,
        Err(d) => {
            diags.extend(d);
            return Err(BuildError::Invalid(diags));
        }
    };
    timings.lap("render");
    let BuildSink {
        links,
        pages,
        search_index_bytes,
        ..
    } = sink;
    let broken = links.check();
    if !broken.is_empty() {
        let text = |path: &str| staging.read(path).and_then(|b| String::from_utf8(b).ok());
        let held = |name: &str| held_text(site, name);
        let sources = linkcheck::Sources {
            origins: &origins,
            page: &text,
            held: &held,
        };
        diags.extend(linkcheck::diagnostics(&sources, &broken, opts.strict));
    }
    if diags.has_errors() {
        return Err(BuildError::Invalid(diags));
    }
    timings.lap("links");
    let stats = staging.commit()?;
    timings.lap("write");
    let search = search_index_bytes.load(std::sync::atomic::Ordering::Relaxed);
    Ok(BuildSummary {
        out,
        pages: pages.load(std::sync::atomic::Ordering::Relaxed),
        files: stats.files,
        bytes: stats.bytes,
        search_index_bytes: (search > 0).then_some(search),
        diagnostics: diags,
        timings: timings.laps,
    })
}

/// The text of the Markdown file `name` (site-relative) while the site
/// still holds it: for the snippet under a broken link's diagnostic.
fn held_text(site: &model::Site, name: &str) -> Option<std::sync::Arc<str>> {
    let account = site.accounts.iter().find(|a| {
        let dir = a.file.name.rsplit_once('/').map_or("", |(dir, _)| dir);
        name.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
    })?;
    let note = account.notes.iter().find(|n| n.file.name == name);
    let review = || {
        account
            .reviews
            .iter()
            .find(|r| r.file.name == name)
            .map(|r| r.file.text.clone())
    };
    let narrative = || {
        account
            .plans
            .iter()
            .filter_map(|p| p.narrative.as_ref())
            .find(|f| f.name == name)
            .map(|f| f.text.clone())
    };
    match note {
        Some(n) => n.file.get().map(|f| f.text),
        None => review().or_else(narrative),
    }
}

/// Where a build's files go: to disk, with their links and counts noted.
struct BuildSink<'a> {
    staging: &'a write::Staging<'a>,
    links: linkcheck::LinkIndex,
    pages: std::sync::atomic::AtomicUsize,
    search_index_bytes: std::sync::atomic::AtomicUsize,
    progress: Option<(&'a Progress, usize)>,
}

impl write::Sink for BuildSink<'_> {
    fn put(&self, file: write::OutputFile) -> Result<(), String> {
        use std::sync::atomic::Ordering;
        self.links.add(&file.path, &file.bytes);
        if file.path == render::search::INDEX_PATH {
            self.search_index_bytes.store(file.bytes.len(), Ordering::Relaxed);
        }
        if file.path.ends_with(".html") {
            let done = self.pages.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some((progress, total)) = self.progress {
                (progress.0)(done, total.max(done));
            }
        }
        self.staging.put(file)
    }

    fn put_pieces(&self, path: &str, pieces: &[&[u8]]) -> Result<(), String> {
        use std::sync::atomic::Ordering;
        if path.ends_with(".html") || path.ends_with(".css") {
            // Their links are read from the whole text.
            return self.put(write::OutputFile::new(path, pieces.concat()));
        }
        self.links.add(path, b"");
        if path == render::search::INDEX_PATH {
            let len: usize = pieces.iter().map(|p| p.len()).sum();
            self.search_index_bytes.store(len, Ordering::Relaxed);
        }
        self.staging.put_pieces(path, pieces)
    }
}

/// Write rendered files atomically and say what was written.
fn write_out(
    lock: &write::OutputLock,
    out: PathBuf,
    files: &[write::OutputFile],
    diags: Diagnostics,
    search_index_bytes: Option<usize>,
    mut timings: Timings,
) -> Result<BuildSummary, BuildError> {
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    let stats = write::write_atomic(lock, files)?;
    timings.lap("write");
    Ok(BuildSummary {
        out,
        pages,
        files: stats.files,
        bytes: stats.bytes,
        search_index_bytes,
        diagnostics: diags,
        timings: timings.laps,
    })
}

/// Wall time per pipeline stage, for `KAMSITE_TIMINGS=1` and benchmarks.
#[derive(Debug)]
struct Timings {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration, u64)>,
}

/// Resident memory of this process in bytes, where the OS tells (Linux).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map(|pages| pages * 4096)
        .unwrap_or(0)
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }
}

impl Timings {
    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.last, resident_bytes()));
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build validates with account.yaml's text (errors and warnings
    /// quote it), then lets it go; `serve` keeps it to validate the next
    /// change. Both write the same site.
    #[test]
    fn a_build_lets_account_texts_go_after_validation_and_serve_keeps_them() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let dir = tempfile::tempdir().unwrap();
        let opts = |out: &str| BuildOptions {
            root: root.clone(),
            out: Some(dir.path().join(out)),
            ..Default::default()
        };
        let (built, ws) = build_with(&opts("built"), render::Cache::for_one_build());
        let built = built.expect("content builds");
        let accounts = &ws.expect("a loaded site").site.accounts;
        assert!(accounts.len() > 1);
        assert!(accounts.iter().all(|a| a.file.get().is_none()));
        let (served, ws) = build_keeping_site(&opts("served"));
        let served = served.expect("content builds");
        let accounts = &ws.expect("a loaded site").site.accounts;
        assert!(
            accounts
                .iter()
                .all(|a| a.file.get().is_some_and(|f| f.text.contains("name:")))
        );
        assert_eq!((built.pages, built.bytes), (served.pages, served.bytes));
        let page = |out: &str| std::fs::read(dir.path().join(out).join("accounts/alpenmilch/index.html")).unwrap();
        assert!(page("built") == page("served"));
    }
}
