//! Load: the files of a site folder into the typed [`Site`] model.
//!
//! Reads site.yaml and every `accounts/<slug>/` folder (in parallel), parses
//! YAML and front matter, and reports every unreadable or unparsable file as
//! a diagnostic. A file that fails to parse is left out of the model; the
//! rest still loads, so one run reports every problem.
//!
//! Owns getting text off the disk safely (`files`: what may be read, links
//! kept inside the site, size limits), YAML to typed values with every error
//! of a file (`yaml`, `recover`), front matter (`frontmatter`), and reading
//! each account's files ahead (`ahead`). Returns the [`Site`] and its
//! [`Diagnostics`]; checks of meaning are `validate`'s.
//!
//! May import what lies below it: `source`, `diag`, `model` and `config`.
//! One call still reaches up, to be wired by the pipeline instead: site.yaml
//! is checked with `validate::config` as it loads.

mod ahead;
pub mod files;
mod frontmatter;
mod recover;
pub mod theme;
pub mod yaml;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{ConfigFile, RawConfig, SiteConfig};
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::model::slug::{is_valid_slug, slugify};
use crate::model::{Account, AccountDoc, NoteDoc, NoteMeta, PlanDoc, ReviewDoc, ReviewMeta, Site};
use crate::source::{Part, Pos, SourceFile};
use ahead::{Ahead, read_ahead};
pub use theme::{Loaded, site_and_theme};
use yaml::Fragment;

/// Threads that read account folders, per core (see `load`).
const READERS_PER_CORE: usize = 8;

/// Largest input file kamsite reads; larger files are reported, not loaded.
const MAX_FILE_BYTES: u64 = files::TEXT_LIMIT;

/// Load the site at `root`. Problems are returned beside the model.
pub fn load(root: &Path) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::default();
    let (config, config_file) = load_config(root, &mut diags);

    let accounts_dir = root.join("accounts");
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut refused = Vec::new();
    let listed = files::check_dir(root, &accounts_dir).and_then(|exists| match exists {
        true => files::list(root, &accounts_dir, &mut refused),
        false => Ok(None),
    });
    match listed {
        Ok(entries) => dirs.extend(
            entries
                .into_iter()
                .flatten()
                .filter(|e| e.kind == files::Kind::Dir)
                .map(|e| e.path),
        ),
        Err(d) => diags.push(d),
    }
    refused.into_iter().for_each(|d| diags.push(d));

    // When the files are not in the page cache, reading is mostly waiting
    // for the disk: more readers than cores keep it busy (parsing still
    // shares the cores). With the files cached this costs nothing.
    let read_all =
        || -> Vec<(Option<AccountDoc>, Diagnostics)> { dirs.par_iter().map(|dir| read_account(root, dir)).collect() };
    let readers = rayon::current_num_threads() * READERS_PER_CORE;
    let loaded = match rayon::ThreadPoolBuilder::new().num_threads(readers).build() {
        Ok(pool) => pool.install(read_all),
        Err(_) => read_all(),
    };
    let mut accounts = Vec::with_capacity(loaded.len());
    for (doc, d) in loaded {
        diags.extend(d);
        accounts.extend(doc);
    }
    let site = Site {
        config,
        config_file,
        accounts,
    };
    (site, diags)
}

/// site.yaml resolved, and as read (for `validate::config`).
fn load_config(root: &Path, diags: &mut Diagnostics) -> (SiteConfig, Option<ConfigFile>) {
    let path = root.join("site.yaml");
    // Not even a link: no site.yaml. Anything else there is read (and a
    // FIFO, a folder or a link out of the site refused by name).
    if std::fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        if root.join("site.yml").is_file() {
            diags.push(
                Diagnostic::at_path(
                    "ignored-file",
                    "site.yml",
                    "`site.yml` is not read: the settings file is site.yaml",
                )
                .help("rename `site.yml` to `site.yaml`"),
            );
        }
        return (SiteConfig::default(), None);
    }
    let Some(file) = read_source(root, &path, diags) else {
        return (SiteConfig::default(), None);
    };
    match yaml::parse::<RawConfig>(&file, &file.text, Fragment::default()) {
        Ok(raw) => (SiteConfig::resolve(raw.clone()), Some(ConfigFile { file, raw })),
        Err(ds) => {
            ds.into_iter().for_each(|d| diags.push(d));
            (SiteConfig::default(), None)
        }
    }
}

/// Read a UTF-8 text file, or report why it cannot be read.
pub fn read_source(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<SourceFile> {
    read_opened(root, path, None, diags)
}

/// [`read_source`] from `opened`, the file at `path` if it is already open.
fn read_opened(root: &Path, path: &Path, opened: Option<std::fs::File>, diags: &mut Diagnostics) -> Option<SourceFile> {
    let bytes = match files::read(root, path, opened, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(r) => {
            diags.push(r.at(root, path));
            return None;
        }
    };
    let name = display_path(root, path);
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Some(SourceFile::new(name, text))
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let f = SourceFile::new(name, valid);
            let (line, column) = f.line_col(offset);
            diags.push(
                Diagnostic::error("not-utf8", &f, Pos::new(line, column), "file is not valid UTF-8 text")
                    .help("save the file with UTF-8 encoding"),
            );
            None
        }
    }
}

/// Load one account folder (also used by serve to reload a changed account).
pub fn load_account(root: &Path, dir: &Path) -> (Option<AccountDoc>, Diagnostics) {
    // `load` checks the folder while listing accounts/; serve names it.
    if let Err(d) = files::check_dir(root, dir) {
        let mut diags = Diagnostics::default();
        diags.push(d);
        return (None, diags);
    }
    read_account(root, dir)
}

/// [`load_account`] of a folder known to lie inside the site.
fn read_account(root: &Path, dir: &Path) -> (Option<AccountDoc>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let slug = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rel = display_path(root, dir);
    // One listing of the folder says which of account.yaml, notes/,
    // reviews/ and plans/ are there, and what they are.
    let mut refused = Vec::new();
    let entries = match files::list(root, dir, &mut refused) {
        Ok(entries) => entries.unwrap_or_default(),
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    refused.into_iter().for_each(|d| diags.push(d));
    let entry = |name: &str| entries.iter().find(|e| e.path.file_name().is_some_and(|n| n == name));
    let account_path = dir.join("account.yaml");
    let has_account = entry("account.yaml").is_some();
    if !is_valid_slug(&slug) {
        diags.push(invalid_slug(&rel, &slug, has_account));
    }

    let mut folder = |name: &str| subfolder(root, &rel, name, entry(name), &mut diags);
    let mut note_files = folder("notes");
    let mut review_files = folder("reviews");
    let plan_files = folder("plans");
    note_files.retain(|p| p.extension().is_some_and(|e| e == "md"));
    review_files.retain(|p| p.extension().is_some_and(|e| e == "md"));
    // Only the files load reads: anything else in plans/ (a PDF, say) is
    // not worth reading into the cache.
    let plan_texts = plan_files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "md"));
    let mut ahead = Ahead::open(
        root,
        std::iter::once(&account_path)
            .filter(|_| has_account)
            .chain(&note_files)
            .chain(&review_files)
            .chain(plan_texts),
    );
    let listed = has_account.then_some(account_path.as_path());
    let account = account_file(root, dir, &rel, listed, &mut ahead, &mut diags);

    let notes = load_docs(root, note_files, &mut ahead, &mut diags, |file, fm, body, id| {
        let meta: NoteMeta = fm
            .map(|(y, at)| yaml::parse(&file, y, at))
            .transpose()?
            .unwrap_or_default();
        Ok(NoteDoc::new(id, file, meta, &body))
    });
    let reviews = load_docs(root, review_files, &mut ahead, &mut diags, |file, fm, body, id| {
        let meta: ReviewMeta = fm
            .map(|(y, at)| yaml::parse(&file, y, at))
            .transpose()?
            .unwrap_or_default();
        Ok(ReviewDoc { id, file, meta, body })
    });
    let plans = load_plans(root, plan_files, &mut ahead, &mut diags);

    let doc = account.map(|(file, account)| {
        let mut notes = notes;
        notes.sort_by(|a, b| b.date().cmp(&a.date()).then_with(|| a.id.cmp(&b.id)));
        let mut reviews = reviews;
        reviews.sort_by(|a, b| b.date().cmp(&a.date()).then_with(|| a.id.cmp(&b.id)));
        AccountDoc {
            slug,
            file: crate::source::HeldFile::new(file),
            account,
            notes,
            reviews,
            plans,
        }
    });
    (doc, diags)
}

/// The diagnostic for an account folder whose name is not a slug.
fn invalid_slug(rel: &str, slug: &str, has_account: bool) -> Diagnostic {
    // Point at the account file when there is one: editors open it.
    let target = if has_account {
        format!("{rel}/account.yaml")
    } else {
        format!("{rel}/")
    };
    Diagnostic::at_path(
        "invalid-slug",
        &target,
        format!("invalid account folder name `{slug}`: a slug is lower-case ASCII letters, digits and `-`"),
    )
    .help(format!("rename the folder to `{}`", slugify(slug)))
}

/// The files of the account folder's `name` folder (`notes`, `reviews`,
/// `plans`) listed as `entry`; none when it is missing or not a folder.
fn subfolder(
    root: &Path,
    rel: &str,
    name: &str,
    entry: Option<&files::Entry>,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    match entry {
        None => Vec::new(),
        Some(e) if e.kind == files::Kind::Dir => files_in(root, &e.path, diags),
        Some(e) => {
            diags.push(
                Diagnostic::at_path(
                    "not-a-folder",
                    &display_path(root, &e.path),
                    format!("`{rel}/{name}` is not a folder"),
                )
                .help(format!("kamsite reads the files in {rel}/{name}/: make it a folder")),
            );
            Vec::new()
        }
    }
}

/// account.yaml of the folder `dir` (shown as `rel`), at `account_path` when
/// the folder has one, parsed; reported when it is missing or unparsable,
/// or has an `account.yml` beside it or instead.
fn account_file(
    root: &Path,
    dir: &Path,
    rel: &str,
    account_path: Option<&Path>,
    ahead: &mut Ahead,
    diags: &mut Diagnostics,
) -> Option<(SourceFile, Account)> {
    let account = if let Some(account_path) = account_path {
        read_ahead(root, account_path, ahead, diags).and_then(|file| {
            match yaml::parse::<Account>(&file, &file.text, Fragment::default()) {
                Ok(mut a) => {
                    a.shrink_to_fit();
                    Some((file, a))
                }
                Err(ds) => {
                    ds.into_iter().for_each(|d| diags.push(d));
                    None
                }
            }
        })
    } else if dir.join("account.yml").is_file() {
        diags.push(
            Diagnostic::at_path(
                "missing-account-file",
                &format!("{rel}/account.yml"),
                "account folder has no account.yaml: `account.yml` is not read",
            )
            .help("rename `account.yml` to `account.yaml`: kamsite reads account files ending in `.yaml`"),
        );
        None
    } else {
        diags.push(
            Diagnostic::at_path(
                "missing-account-file",
                &format!("{rel}/account.yaml"),
                "account folder has no account.yaml",
            )
            .help("add an account.yaml with at least `name: ...`, or remove the folder"),
        );
        None
    };
    if account.is_some() && dir.join("account.yml").is_file() {
        diags.push(Diagnostic {
            severity: crate::diag::Severity::Warning,
            ..Diagnostic::at_path(
                "ignored-file",
                &format!("{rel}/account.yml"),
                "`account.yml` is ignored: the account is read from account.yaml",
            )
            .help("merge what it holds into account.yaml and delete it")
        });
    }
    account
}

type FrontMatter<'a> = Option<(&'a str, Fragment)>;

/// Load the `*.md` `files` of a folder (sorted) with their front matter.
fn load_docs<T>(
    root: &Path,
    files: Vec<PathBuf>,
    ahead: &mut Ahead,
    diags: &mut Diagnostics,
    make: impl Fn(SourceFile, FrontMatter<'_>, Part, String) -> Result<T, Vec<Diagnostic>>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(files.len());
    for path in files {
        let Some(file) = read_ahead(root, &path, ahead, diags) else {
            continue;
        };
        let id = stem(&path);
        let text = file.text.clone();
        match frontmatter::split(&file, &text) {
            // The body is the end of the text: it starts where the text minus it ends.
            Ok((fm, body)) => match make(
                file.clone(),
                fm,
                Part::tail(&file, text.len().saturating_sub(body.len())),
                id,
            ) {
                Ok(doc) => out.push(doc),
                Err(ds) => ds.into_iter().for_each(|d| diags.push(d)),
            },
            Err(d) => diags.push(d),
        }
    }
    out
}

/// The plans among `files`, the files of a `plans/` folder (sorted).
fn load_plans(root: &Path, files: Vec<PathBuf>, ahead: &mut Ahead, diags: &mut Diagnostics) -> Vec<PlanDoc> {
    let mut out = Vec::new();
    let with_ext = |ext: &'static str| files.iter().filter(move |p| p.extension().is_some_and(|e| e == ext));
    let has = |p: PathBuf| files.binary_search(&p).is_ok();
    for path in with_ext("yaml") {
        let Some(file) = read_ahead(root, path, ahead, diags) else {
            continue;
        };
        let plan = match yaml::parse(&file, &file.text, Fragment::default()) {
            Ok(p) => p,
            Err(ds) => {
                ds.into_iter().for_each(|d| diags.push(d));
                continue;
            }
        };
        let md = path.with_extension("md");
        let narrative = if has(md.clone()) {
            read_ahead(root, &md, ahead, diags)
        } else {
            None
        };
        out.push(PlanDoc {
            id: stem(path),
            file,
            plan,
            narrative,
        });
    }
    // Files kamsite would silently skip: say so, they are usually a typo.
    for path in with_ext("yml") {
        if let Some(file) = read_ahead(root, path, ahead, diags) {
            diags.push(
                Diagnostic::warning(
                    "ignored-file",
                    &file,
                    Pos::START,
                    "plan file is ignored: plans end in `.yaml`",
                )
                .help(format!("rename it to `{}.yaml`", stem(path))),
            );
        }
    }
    for path in with_ext("md") {
        if !has(path.with_extension("yaml"))
            && let Some(file) = read_ahead(root, path, ahead, diags)
        {
            diags.push(
                Diagnostic::warning(
                    "orphan-narrative",
                    &file,
                    Pos::START,
                    format!("plan narrative has no `{}.yaml` beside it and is ignored", stem(path)),
                )
                .help("a narrative belongs to the plan file of the same name: add the .yaml or rename the .md"),
            );
        }
    }
    out.sort_by(|a, b| a.period().cmp(b.period()).then_with(|| a.id.cmp(&b.id)));
    out
}

/// The files in `dir` that are not folders (links inside the site
/// followed), sorted; a FIFO or device is listed, to be refused when read.
fn files_in(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut refused = Vec::new();
    let files = match files::list(root, dir, &mut refused) {
        Ok(entries) => entries
            .into_iter()
            .flatten()
            .filter(|e| e.kind != files::Kind::Dir)
            .map(|e| e.path)
            .collect(),
        Err(d) => {
            diags.push(d);
            Vec::new()
        }
    };
    refused.into_iter().for_each(|d| diags.push(d));
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
