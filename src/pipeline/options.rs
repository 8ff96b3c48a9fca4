//! What a build is asked to do, and what it answers: [`BuildOptions`] in,
//! [`BuildSummary`] or [`BuildError`] out.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::diag::Diagnostics;
use crate::write;

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
pub fn today(config: &crate::config::SiteConfig) -> Date {
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
