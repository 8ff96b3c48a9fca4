//! Serve's incremental rebuild: what a build keeps ([`Workspace`]), and
//! [`rebuild_accounts`], which reloads a few changed accounts and rewrites
//! their pages and the aggregate pages in place. Beyond a build it needs to
//! know which unchanged accounts' pages other accounts changed
//! (`CrossInputs`), and which files of the changed accounts' folders no
//! page makes any more.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use jiff::civil::Date;

use super::options::{BuildError, BuildOptions, BuildSummary};
use super::timings::Timings;
use crate::analyze::Portfolio;
use crate::diag::Diagnostics;
use crate::model::Outcome;
use crate::model::config::today;
use crate::{analyze, history, load, model, render, validate, write};

/// What `serve` keeps after a build, so a change to a few accounts is
/// rebuilt without loading, validating and rendering everything again.
pub struct Workspace {
    /// The loaded site.
    pub site: model::Site,
    /// The date the pages were built for: kept parts and pages hold
    /// "overdue" and "gone quiet" as of that day.
    today: Date,
    /// The templates the full build assembled; `None` when they could not be
    /// (the next change needs a full build).
    engine: Option<render::Engine>,
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
    inputs: CrossInputs,
    /// The git history the pages last written show; read again when the
    /// repository's HEAD moved (a commit), so serve keeps it current.
    history: history::History,
}

impl Workspace {
    /// What a full build of `site` kept.
    pub(super) fn new(
        site: model::Site,
        engine: Option<render::Engine>,
        cache: render::Cache,
        inputs: CrossInputs,
        history: history::History,
    ) -> Workspace {
        Workspace {
            today: today(&site.config),
            site,
            engine,
            cache,
            problems: Default::default(),
            pending: Default::default(),
            inputs,
            history,
        }
    }
    /// Whether what is kept still holds: the build date has not moved on
    /// (serve left running past midnight needs a full build) and the
    /// theme was assembled.
    pub fn is_current(&self) -> bool {
        today(&self.site.config) == self.today && self.engine.is_some()
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

/// Why a rebuild cannot start without the full build's templates.
/// `Workspace::is_current` says so first: serve builds the whole site instead.
fn no_engine() -> BuildError {
    let mut d = Diagnostics::default();
    d.push(
        crate::diag::Diagnostic::at_path("theme", "templates", "the theme did not load in the last full build")
            .help("build the whole site again"),
    );
    BuildError::Invalid(d)
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
        engine,
        cache,
        problems,
        pending,
        inputs,
        history,
        ..
    } = ws;
    let Some(engine) = engine.as_ref() else {
        return Err(no_engine());
    };
    // A commit since the pages were made: the history is read again, and
    // the accounts it changed are rendered again with the aggregate pages.
    if site.config.history != Some(false) && history::head(&opts.root) != history.head {
        let fresh = history::read(&opts.root, site.config.history).history;
        for slug in fresh.changed_since(history) {
            cache.forget(&slug);
            pending.insert(slug);
        }
        *history = fresh;
    }
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
    let portfolio = analyze::analyze_with(site, history, today);
    pending.extend(inputs.affected(&portfolio));
    timings.lap("analyze");
    let sink = write::Collect::default();
    if let Err(d) = render::internal_subset(engine, &portfolio, &sink, pending, cache) {
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
        let stale = stale_account_files(&out, pending.iter(), |path| written.contains(path) || cache.made(path));
        cache.forget_removed(&stale);
        gone.extend(stale);
        // The search index is written whole each time: shards it no longer
        // has (fewer accounts, fewer display-data files) would stay behind.
        if files.iter().any(|f| render::search::is_index_file(&f.path)) {
            gone.extend(stale_index_files(&out, |path| written.contains(path)));
        }
    }
    // The same lock as a build's: nothing else writes the folder meanwhile.
    let output_lock = opts.lock_output().map_err(|e| {
        cache.forget_pages();
        BuildError::from(e)
    })?;
    let written = match &opts.output.files_lock {
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
    *inputs = CrossInputs::of(&portfolio);
    Ok(BuildSummary {
        out,
        pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
        files: stats.files,
        bytes: stats.bytes,
        search_index_bytes: Some(
            files
                .iter()
                .filter(|f| render::search::is_index_file(&f.path))
                .map(|f| f.bytes.len())
                .sum(),
        )
        .filter(|&n| n > 0),
        diagnostics: diags,
        timings: timings.laps,
    })
}

/// What an account's own pages show that other accounts decide: its share
/// of the portfolio's revenue (profile), and the names we go by, which a
/// review of a deal we did not win leaves out of its rivals. Kept from the
/// last render written, to find the accounts whose pages must be made again
/// although their files did not change.
#[derive(Default)]
pub(crate) struct CrossInputs {
    shares: HashMap<String, Option<u64>>,
    ours: HashSet<String>,
}

impl CrossInputs {
    pub(crate) fn of(p: &Portfolio) -> CrossInputs {
        CrossInputs {
            shares: p
                .accounts
                .iter()
                .map(|a| (a.slug.to_string(), a.revenue_share.map(f64::to_bits)))
                .collect(),
            ours: p.winloss.ours.clone(),
        }
    }

    /// The accounts of `p` whose pages differ from what was rendered with
    /// `self` because of other accounts (new accounts included).
    pub(crate) fn affected(&self, p: &Portfolio) -> Vec<String> {
        let mut slugs: Vec<String> = p
            .accounts
            .iter()
            .filter(|a| self.shares.get(a.slug) != Some(&a.revenue_share.map(f64::to_bits)))
            .map(|a| a.slug.to_string())
            .collect();
        if self.ours != p.winloss.ours {
            let rivals_may_change = p
                .winloss
                .reviews
                .iter()
                .filter(|r| r.winner.is_some() && r.outcome != Some(Outcome::Won));
            slugs.extend(rivals_may_change.map(|r| r.slug.to_string()));
        }
        slugs.sort();
        slugs.dedup();
        slugs
    }
}

/// The search-index files in `out` that this rebuild did not write.
fn stale_index_files(out: &Path, written: impl Fn(&str) -> bool) -> Vec<String> {
    let mut stale: Vec<String> = walkdir::WalkDir::new(out.join("search"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(out).ok()?.to_string_lossy().replace('\\', "/");
            (render::search::is_index_file(&rel) && !written(&rel)).then_some(rel)
        })
        .collect();
    stale.sort();
    stale
}

/// The files under `accounts/<slug>/` in `out`, for each of `slugs`, that
/// this render did not make (`made`): pages of a review or plan removed or
/// renamed, or of an account that is gone. Site-relative paths, sorted.
pub(crate) fn stale_account_files<'a>(
    out: &Path,
    slugs: impl IntoIterator<Item = &'a String>,
    made: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut stale = Vec::new();
    for slug in slugs {
        let dir = out.join("accounts").join(slug);
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            if entry.file_type().is_dir() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(out) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !made(&rel) {
                stale.push(rel);
            }
        }
    }
    stale.sort();
    stale
}
