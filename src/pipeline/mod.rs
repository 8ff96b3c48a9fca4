//! The pipeline: the only place the stages are wired together.
//!
//! ```text
//! load -> validate -> analyze -> redact(audience) -> render -> write
//! ```
//!
//! [`build`] and [`check`] run the stages for the internal portal;
//! [`customer`] narrows them to one account's customer site, [`pdf`] prints
//! that site's plan page, and [`incremental`] is serve's rebuild of a few
//! changed accounts. Every stage below this module takes typed values and
//! returns typed values; none calls another stage.
//!
//! What passes between the stages:
//!
//! ```text
//! load      root                      -> Loaded { Site, Option<Theme>, Diagnostics }
//! validate  &Site, today              -> Diagnostics       (stops the build on errors)
//! theme     &Theme, live_reload       -> Engine            (once; serve keeps it)
//! analyze   &Site, today              -> Portfolio
//! redact    &SiteConfig, &AccountDoc, today, drafts -> CustomerSite
//! render    &Portfolio | &CustomerSite -> OutputFile ... into a Sink, + Origins
//! linkcheck LinkIndex (each file as it is put), Origins -> Vec<Broken> -> Diagnostics
//! write     OutputFile ... into Staging -> WriteStats  (swapped into place)
//! ```
//!
//! The same drawing, with who owns what: docs/architecture.md.
//!
//! This module may import every stage; the stages import nothing from it.
//! Its callers are the front ends: the command line (`main.rs`, `cli/`)
//! and `serve`, which take [`BuildOptions`] in and [`BuildSummary`] or
//! [`BuildError`] back ([`options`]).

pub mod customer;
pub mod incremental;
pub mod options;
pub mod pdf;
mod timings;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::diag::Diagnostics;
pub use crate::model::config::today;
use crate::{analyze, history, linkcheck, load, model, redact, render, validate, write};
pub use incremental::{Workspace, rebuild_accounts};
pub use options::{
    Audience, BuildError, BuildOptions, BuildSummary, Callbacks, Notices, OutputOptions, PageOptions, Progress,
};
use timings::Timings;

/// Every check on a loaded site: site.yaml itself (when it was read), then
/// the accounts and what spans them.
fn validate_site(site: &model::Site, today: Date) -> Diagnostics {
    let mut diags = Diagnostics::default();
    if let Some(c) = &site.config_file {
        validate::config(&c.file, &c.raw, &mut diags);
    }
    diags.extend(validate::site(site, today));
    diags
}

/// Load, validate and render in memory: every problem, nothing written.
pub fn check(root: &Path) -> Diagnostics {
    // The theme is assembled with the site: its problems show even when the
    // content has errors that stop rendering.
    let load::Loaded {
        site,
        theme,
        diagnostics: mut diags,
    } = load::site_and_theme(root);
    let today = today(&site.config);
    diags.extend(validate_site(&site, today));
    let Some(theme) = theme.filter(|_| !diags.has_errors()) else {
        return diags;
    };
    let engine = match render::Engine::new(&theme, false) {
        Ok(engine) => engine.links(site.config.links),
        Err(d) => {
            diags.extend(d);
            return diags;
        }
    };
    let portfolio = analyze::analyze(&site, today);
    match render::internal(&engine, &portfolio) {
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
    for doc in site.accounts.iter().filter(|d| !d.plans.is_empty()) {
        let view = redact::customer(&site.config, doc, today, true);
        if let Err(d) = render::customer(&engine, &view) {
            diags.extend(d);
            break;
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
    if let Audience::Customer { account, drafts } = &opts.audience {
        return (build_customer(opts, (account, *drafts), &lock, timings), None);
    }
    // git reads the history in processes of its own while the site loads.
    let early = EarlyHistory::start(&opts.root);
    let load::Loaded {
        mut site,
        theme,
        diagnostics: mut diags,
    } = load::site_and_theme(&opts.root);
    let history = early.finish(&opts.root, site.config.history);
    if let Some(off) = &history.off {
        opts.notice(&off.note());
    }
    if let Some(url) = &opts.pages.base_url {
        site.config.set_base_url(url);
    }
    // The templates, once: serve's rebuilds use the same engine.
    let engine = match theme.as_ref().map(|t| render::Engine::new(t, opts.pages.live_reload)) {
        Some(Ok(engine)) => Some(engine.links(site.config.links)),
        Some(Err(d)) => {
            diags.extend(d);
            None
        }
        None => None,
    };
    drop(theme);
    timings.lap("load");
    // Only a site rendered again (serve) needs what pages show of other accounts.
    let mut inputs = (!cache.releases_texts()).then(incremental::CrossInputs::default);
    let mut history = history.history;
    let result = build_site(
        opts,
        &lock,
        (&site, engine.as_ref(), diags),
        timings,
        &mut cache,
        (inputs.as_mut(), &mut history),
    );
    drop(lock);
    (
        result,
        Some(Workspace::new(site, engine, cache, inputs.unwrap_or_default(), history)),
    )
}

/// A customer build: one account's site, rendered in memory, then written atomically.
fn build_customer(
    opts: &BuildOptions,
    (account, drafts): (&str, bool),
    lock: &write::OutputLock,
    mut timings: Timings,
) -> Result<BuildSummary, BuildError> {
    let c = customer::render(opts, account, drafts)?;
    timings.lap("customer");
    write_out(lock, opts.out_dir(), &c.files, c.diagnostics, None, timings)
}

/// The internal portal of a loaded site: validate (while git's history is
/// read), analyse, render to a staging folder beside the output, check the
/// links, swap it into place. The history read is left in `history_out`.
fn build_site(
    opts: &BuildOptions,
    lock: &write::OutputLock,
    (site, engine, mut diags): (&model::Site, Option<&render::Engine>, Diagnostics),
    mut timings: Timings,
    cache: &mut render::Cache,
    (inputs, history_out): (Option<&mut incremental::CrossInputs>, &mut history::History),
) -> Result<BuildSummary, BuildError> {
    let out = opts.out_dir();
    let today = today(&site.config);
    diags.extend(validate_site(site, today));
    // The history read while loading, handed back with the workspace.
    let history = std::mem::take(history_out);
    timings.lap("validate");
    // Without an engine the theme's problems (or site.yaml's theme name) are in `diags`.
    let Some(engine) = engine.filter(|_| !diags.has_errors()) else {
        return Err(BuildError::Invalid(diags));
    };
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

    let portfolio = analyze::analyze_with(site, &history, today);
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
        progress: opts.callbacks.progress.as_ref().map(|p| (p, expected)),
    };
    // The account and plan folders are made on a thread of their own while
    // the site-wide pages render (see `Staging::make_dirs`).
    let folders = render::page_folders(&portfolio);
    let rendered = std::thread::scope(|s| {
        s.spawn(|| staging.make_dirs(&folders));
        render::internal_to(engine, &portfolio, &sink, cache)
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
        diags.extend(linkcheck::diagnostics(&sources, &broken, opts.output.strict));
    }
    if diags.has_errors() {
        return Err(BuildError::Invalid(diags));
    }
    timings.lap("links");
    let stats = staging.commit()?;
    timings.lap("write");
    drop(portfolio);
    *history_out = history;
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

/// The git history, read on a thread of its own from the start of a build
/// so that git's work overlaps loading. Which sites are read is site.yaml's
/// `history`, known only once the site is loaded: the read starts with the
/// setting a quick look at site.yaml finds, and is done again in the rare
/// case the loaded setting differs (site.yaml did not parse at first).
struct EarlyHistory {
    setting: history::Setting,
    read: Option<std::thread::JoinHandle<history::Outcome>>,
}

impl EarlyHistory {
    fn start(root: &Path) -> EarlyHistory {
        #[derive(serde::Deserialize)]
        struct Peek {
            history: Option<bool>,
        }
        // Only a plain file of a plain size: the loader is what refuses a
        // link out of the site (to /dev/zero, say) or an oversized file.
        let path = root.join("site.yaml");
        let plain = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 1 << 20);
        let read = || {
            use std::io::Read;
            let mut text = String::new();
            let file = std::fs::File::open(&path).ok()?;
            file.take(1 << 20).read_to_string(&mut text).ok()?;
            Some(text)
        };
        let setting = plain
            .then(read)
            .flatten()
            .and_then(|text| serde_saphyr::from_str::<Peek>(&text).ok())
            .and_then(|p| p.history);
        let read = (setting != Some(false)).then(|| {
            let root = root.to_path_buf();
            std::thread::spawn(move || history::read(&root, setting))
        });
        EarlyHistory { setting, read }
    }

    /// The history as `setting` (site.yaml's, as loaded) asks.
    fn finish(self, root: &Path, setting: history::Setting) -> history::Outcome {
        let early = self.read.map(|r| r.join().unwrap_or_default());
        match early {
            Some(outcome) if self.setting == setting => outcome,
            _ => history::read(root, setting),
        }
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
    fn put(&self, file: write::OutputFile) -> Result<(), write::WriteError> {
        use std::sync::atomic::Ordering;
        self.links.add(&file.path, &file.bytes);
        if render::search::is_index_file(&file.path) {
            self.search_index_bytes.fetch_add(file.bytes.len(), Ordering::Relaxed);
        }
        if file.path.ends_with(".html") {
            let done = self.pages.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some((progress, total)) = self.progress {
                (progress.0)(done, total.max(done));
            }
        }
        self.staging.put(file)
    }

    fn put_pieces(&self, path: &str, pieces: &[&[u8]]) -> Result<(), write::WriteError> {
        use std::sync::atomic::Ordering;
        if path.ends_with(".html") || path.ends_with(".css") {
            // Their links are read from the whole text.
            return self.put(write::OutputFile::new(path, pieces.concat()));
        }
        self.links.add(path, b"");
        if render::search::is_index_file(path) {
            let len: usize = pieces.iter().map(|p| p.len()).sum();
            self.search_index_bytes.fetch_add(len, Ordering::Relaxed);
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

/// The text of the Markdown file `name` (site-relative) while the site
/// still holds it: for the snippet under a broken link's diagnostic.
fn held_text(site: &model::Site, name: &str) -> Option<std::sync::Arc<str>> {
    let account = site.accounts.iter().find(|a| {
        let dir = a.file.name.rsplit_once('/').map_or("", |(dir, _)| dir);
        name.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
    })?;
    if let Some(n) = account.notes.iter().find(|n| n.file.name == name) {
        return n.file.get().map(|f| f.text);
    }
    let reviews = account.reviews.iter().map(|r| &r.file);
    let narratives = account.plans.iter().filter_map(|p| p.narrative.as_ref());
    reviews
        .chain(narratives)
        .find(|f| f.name == name)
        .map(|f| f.text.clone())
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
            output: OutputOptions {
                out: Some(dir.path().join(out)),
                ..Default::default()
            },
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
