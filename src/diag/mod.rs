//! Diagnostics: every problem kamsite finds in a site, as a value.
//!
//! A [`Diagnostic`] names the file, line and column, says what is wrong and
//! how to fix it. Stages collect them in a [`Diagnostics`] list instead of
//! stopping at the first; the CLI renders the list with miette snippets.
//!
//! Owns the [`Diagnostic`] type and the [`Diagnostics`] list (this file), the
//! miette view that draws one with its snippet (`view`), and the wording
//! helpers of help texts: did-you-mean and lists of what is allowed
//! (`suggest`). Imports only [`crate::source`], the floor below it: every
//! stage may report a diagnostic.

mod suggest;
mod view;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The text a diagnostic points into lives in `source`; kept here too
/// because every diagnostic constructor takes them.
pub use crate::source::{HeldFile, Part, Pos, SourceFile};

pub use suggest::{LISTED_MAX, did_you_mean, list_of, one_of};
pub use view::{LONG_LINE, cut_long_line};

/// How bad a problem is. Errors stop `build` and fail `check`; warnings never do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one place.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable id, e.g. `unknown-key`, for tooling and tests.
    pub code: &'static str,
    pub file: String,
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The file text, for the snippet. Missing for files that could not be read.
    pub source: Option<Arc<str>>,
    /// Length in bytes of the highlighted region.
    pub len: usize,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: &SourceFile, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.name.clone(),
            pos,
            message: message.into(),
            help: None,
            source: Some(file.text.clone()),
            len: 1,
        }
    }

    pub fn warning(code: &'static str, file: &SourceFile, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, pos, message)
        }
    }

    /// A problem with a path rather than with a file's content (unreadable file, bad slug).
    pub fn at_path(code: &'static str, path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: path.to_string(),
            pos: Pos::START,
            message: message.into(),
            help: None,
            source: None,
            len: 0,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, the form editors and CI annotations understand.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.pos.line, self.pos.column)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {kind}: {}", self.location(), self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The problems found so far, in the order they were found.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Only the errors.
    pub fn errors(&self) -> Diagnostics {
        Diagnostics {
            items: self.items.iter().filter(|d| d.is_error()).cloned().collect(),
        }
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Drop the file texts the diagnostics hold for their snippets, for a
    /// caller that shows each one as a single line: the texts need not stay
    /// in memory while the pages render (a portfolio of 100,000 accounts
    /// carries a warning for most of them).
    pub fn drop_sources(&mut self) {
        for d in &mut self.items {
            d.source = None;
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file, then position, so output is stable across parallel loads.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items
            .sort_by(|a, b| (&a.file, a.pos, a.severity).cmp(&(&b.file, b.pos, b.severity)));
        self.items
    }
}

/// Warnings of one kind (code) shown per file; the rest are counted in one
/// line. 100,000 unused score factors are one mistake, not 100,000.
pub const WARNINGS_PER_KIND: usize = 20;

/// Errors per file drawn with a snippet; the rest are one line each, still
/// every one of them (drawing a snippet reads the file up to its line).
pub const SNIPPETS_PER_FILE: usize = 50;

impl Diagnostics {
    /// What to print, sorted as [`Diagnostics::into_sorted`]: every error,
    /// the first [`WARNINGS_PER_KIND`] warnings of each code in each file,
    /// then one warning saying how many more of that code the file has.
    /// The flag says whether to draw a snippet: the first
    /// [`SNIPPETS_PER_FILE`] errors and warnings of a file get one.
    pub fn into_shown(self) -> Vec<(Diagnostic, bool)> {
        let sorted = self.into_sorted();
        let mut per_kind: std::collections::HashMap<(&str, &'static str), usize> = Default::default();
        let mut per_file: std::collections::HashMap<&str, usize> = Default::default();
        let mut shown: Vec<(usize, bool)> = Vec::with_capacity(sorted.len());
        // First omitted warning and count, per file and code, in order met.
        let mut omitted: indexmap::IndexMap<(&str, &'static str), (usize, usize)> = Default::default();
        for (i, d) in sorted.iter().enumerate() {
            if !d.is_error() {
                let n = per_kind.entry((&d.file, d.code)).or_default();
                *n += 1;
                if *n > WARNINGS_PER_KIND {
                    omitted.entry((&d.file, d.code)).or_insert((i, 0)).1 += 1;
                    continue;
                }
            }
            let f = per_file.entry(&d.file).or_default();
            *f += 1;
            shown.push((i, *f <= SNIPPETS_PER_FILE));
        }
        let summaries: Vec<Diagnostic> = omitted
            .values()
            .map(|&(first, count)| {
                let d = &sorted[first];
                Diagnostic {
                    source: None,
                    len: 0,
                    message: format!("{count} more `{}` warning(s) in this file, not shown", d.code),
                    help: Some(format!("the first was: {}", d.message)),
                    ..d.clone()
                }
            })
            .collect();
        let mut keep = vec![None; sorted.len()];
        for (i, snippet) in shown {
            keep[i] = Some(snippet);
        }
        let mut out: Vec<(Diagnostic, bool)> = sorted
            .into_iter()
            .zip(keep)
            .filter_map(|(d, k)| k.map(|snippet| (d, snippet)))
            .collect();
        out.extend(summaries.into_iter().map(|d| (d, false)));
        out.sort_by(|a, b| (&a.0.file, a.0.pos, a.0.severity).cmp(&(&b.0.file, b.0.pos, b.0.severity)));
        out
    }
}

/// Display path of `path` relative to `root`, with `/` separators.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_warnings_of_one_kind_in_a_file_are_summed_up() {
        let f = SourceFile::new("a.yaml", "x: 1\n".repeat(100));
        let g = SourceFile::new("b.yaml", "y: 1\n");
        let mut d = Diagnostics::default();
        for line in 1..=100 {
            d.push(Diagnostic::warning(
                "unused-factor",
                &f,
                Pos::new(line, 1),
                format!("w{line}"),
            ));
            d.push(Diagnostic::error(
                "out-of-range",
                &f,
                Pos::new(line, 4),
                format!("e{line}"),
            ));
        }
        d.push(Diagnostic::warning("other", &f, Pos::new(100, 1), "another kind"));
        d.push(Diagnostic::warning("unused-factor", &g, Pos::START, "in another file"));
        let shown = d.into_shown();
        let warnings: Vec<&Diagnostic> = shown.iter().map(|(d, _)| d).filter(|d| !d.is_error()).collect();
        // 20 of the kind, one line for the 80 more, the other kind, the other file.
        assert_eq!(warnings.len(), 23);
        let summary = warnings.iter().find(|d| d.message.starts_with("80 more")).unwrap();
        assert_eq!(
            summary.message,
            "80 more `unused-factor` warning(s) in this file, not shown"
        );
        assert_eq!(summary.location(), "a.yaml:21:1");
        assert_eq!(summary.help.as_deref(), Some("the first was: w21"));
        // Every error stays; only the first 50 of a file get a snippet.
        let errors: Vec<bool> = shown.iter().filter(|(d, _)| d.is_error()).map(|(_, s)| *s).collect();
        assert_eq!(errors.len(), 100);
        assert_eq!(
            shown.iter().filter(|(_, s)| *s).count(),
            51,
            "50 in a.yaml, 1 in b.yaml"
        );
        assert!(
            shown
                .windows(2)
                .all(|w| (&w[0].0.file, w[0].0.pos) <= (&w[1].0.file, w[1].0.pos))
        );
    }
}
