//! What a build is asked to do, and what it answers: [`BuildOptions`] in,
//! [`BuildSummary`] or [`BuildError`] out.
//!
//! The options are grouped by who reads them: the [`Audience`] decides which
//! stages run and what redaction keeps; [`PageOptions`] are what the pages
//! are made with (the site's address, serve's live-reload script);
//! [`OutputOptions`] are what the writer and the link check read; and
//! [`Callbacks`] are how a build tells its caller what it does, since the
//! library never prints.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::chromium::PrintError;
use crate::diag::Diagnostics;
use crate::write;

/// Who a build is for.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Audience {
    /// The internal portal: everything.
    #[default]
    Internal,
    /// One customer's joint business plans and shared items; nothing internal.
    Customer {
        /// The account (its folder's slug) whose site this is.
        account: String,
        /// Include draft plans.
        drafts: bool,
    },
}

impl Audience {
    /// The account of a customer build.
    pub fn account(&self) -> Option<&str> {
        match self {
            Audience::Internal => None,
            Audience::Customer { account, .. } => Some(account),
        }
    }
}

/// What to build, for whom, and how to write and report it.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The site folder (holds site.yaml and accounts/).
    pub root: PathBuf,
    pub audience: Audience,
    pub pages: PageOptions,
    pub output: OutputOptions,
    pub callbacks: Callbacks,
}

/// What the pages are made with: the site as loaded takes the address,
/// render the live-reload script.
#[derive(Clone, Debug, Default)]
pub struct PageOptions {
    /// Overrides site.yaml `base_url` (and with it, folder links).
    pub base_url: Option<String>,
    /// Inject the live-reload script (serve mode).
    pub live_reload: bool,
}

/// Where the files go and when they may: read by the writer and the link check.
#[derive(Clone, Debug, Default)]
pub struct OutputOptions {
    /// Default: `<root>/public`.
    pub out: Option<PathBuf>,
    /// Broken links are errors: nothing is written.
    pub strict: bool,
    /// Serve's lock over its output folder: an incremental rebuild holding it
    /// for writing overwrites files in place (no new files, so no block
    /// allocation and freeing), while readers hold it to read whole files.
    /// Without it, each file is replaced by an atomic rename.
    pub files_lock: Option<Arc<RwLock<()>>>,
}

/// How a build tells its caller what it does; the library never prints.
#[derive(Clone, Debug, Default)]
pub struct Callbacks {
    /// Called as pages are written: (pages done, pages expected).
    pub progress: Option<Progress>,
    /// Told what the build does besides building: that it waits for another
    /// build of the same output, or put right what a killed one left.
    pub notices: Option<Notices>,
}

/// A callback for notices (one line each); the library never prints.
#[derive(Clone)]
pub struct Notices(pub Arc<dyn Fn(&str) + Send + Sync>);

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notices")
    }
}

/// A progress callback; the library never prints, the CLI draws a bar.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl BuildOptions {
    pub fn out_dir(&self) -> PathBuf {
        self.output.out.clone().unwrap_or_else(|| self.root.join("public"))
    }

    pub(super) fn notice(&self, line: &str) {
        if let Some(n) = &self.callbacks.notices {
            (n.0)(line);
        }
    }

    /// Resolve and check the output folder, then lock it (waiting for
    /// another build of it) and put right what a killed build left.
    pub(super) fn lock_output(&self) -> Result<write::OutputLock, write::WriteError> {
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

/// Why a build (or a PDF) failed.
#[derive(Debug)]
pub enum BuildError {
    /// The content has errors; nothing was written.
    Invalid(Diagnostics),
    /// The output folder was refused or could not be written.
    Write(write::WriteError),
    /// A customer build for an account the site does not have.
    UnknownAccount {
        account: String,
        /// The folder the accounts are in, as given (`<root>/accounts`).
        accounts: PathBuf,
        /// The closest slug there, if one is close.
        suggestion: Option<String>,
    },
    /// A PDF of a plan the customer view does not have.
    NoPlan {
        account: String,
        /// The period asked for; `None`: the newest, and there is none.
        period: Option<String>,
        /// The periods the customer view has.
        periods: Vec<String>,
        /// Whether draft plans were included.
        drafts: bool,
    },
    /// Chromium was not found, or did not print.
    Print(PrintError),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Invalid(d) => write!(f, "the site has {} error(s); nothing was written", d.error_count()),
            BuildError::Write(e) => e.fmt(f),
            BuildError::UnknownAccount {
                account,
                accounts,
                suggestion,
            } => {
                write!(f, "no account `{account}` in {}", accounts.display())?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            BuildError::NoPlan {
                account,
                period,
                periods,
                drafts,
            } => {
                match period {
                    Some(p) => {
                        write!(f, "account `{account}` has no plan for period `{p}`")?;
                        if !periods.is_empty() {
                            write!(f, "; its plans: {}", periods.join(", "))?;
                        }
                    }
                    None => write!(f, "account `{account}` has no plan to print")?,
                }
                if !drafts {
                    f.write_str(" (draft plans are left out; pass --drafts to include them)")?;
                }
                Ok(())
            }
            BuildError::Print(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Write(e) => Some(e),
            BuildError::Print(e) => Some(e),
            _ => None,
        }
    }
}

impl From<write::WriteError> for BuildError {
    fn from(e: write::WriteError) -> BuildError {
        BuildError::Write(e)
    }
}

impl From<PrintError> for BuildError {
    fn from(e: PrintError) -> BuildError {
        BuildError::Print(e)
    }
}
