//! Why `kamsite init` or `kamsite new ...` wrote nothing (or stopped).

use std::fmt;
use std::path::PathBuf;

use crate::write::WriteError;

/// Why a scaffolding command failed, with the path or value at fault.
#[derive(Debug)]
pub enum ScaffoldError {
    /// `init DIR` where DIR is a file.
    NotAFolder(PathBuf),
    /// `init` into a folder that already holds some of the starter's files.
    WouldOverwrite { dir: PathBuf, existing: Vec<String> },
    /// A file to create exists already; it is left alone.
    Exists(PathBuf),
    /// `new account NAME` where nothing in NAME makes a slug.
    NoSlug(String),
    /// `new plan SLUG PERIOD` with a period that cannot be a file name.
    InvalidPeriod(String),
    /// `new note|review|plan SLUG` for an account the site does not have.
    UnknownAccount {
        slug: String,
        /// `<root>/accounts`.
        accounts: PathBuf,
        /// The closest slug there, if one is close.
        suggestion: Option<String>,
    },
    /// The account's account.yaml was refused by the site's reader (a link
    /// out of the site, an oversized file); why, as the reader says.
    Unreadable { path: PathBuf, reason: String },
    /// A folder or file could not be made or written.
    Write(WriteError),
}

impl fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScaffoldError::NotAFolder(dir) => {
                write!(f, "{} is a file; give a folder for the new site", dir.display())
            }
            ScaffoldError::WouldOverwrite { dir, existing } => write!(
                f,
                "refusing to overwrite existing files in {}: {}; choose an empty folder",
                dir.display(),
                existing.join(", ")
            ),
            ScaffoldError::Exists(path) => write!(f, "refusing to overwrite {}: the file exists", path.display()),
            ScaffoldError::NoSlug(name) => write!(
                f,
                "cannot make a folder name from `{name}`: use letters or digits in the name"
            ),
            ScaffoldError::InvalidPeriod(period) => write!(
                f,
                "invalid period `{period}`: use letters, digits and `-`, e.g. 2026 or 2026-H2"
            ),
            ScaffoldError::UnknownAccount {
                slug,
                accounts,
                suggestion,
            } => {
                write!(f, "no account `{slug}` in {}", accounts.display())?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => f.write_str("; create it with `kamsite new account \"Name\"`"),
                }
            }
            ScaffoldError::Unreadable { path, reason } => write!(f, "cannot read {}: {reason}", path.display()),
            ScaffoldError::Write(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ScaffoldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ScaffoldError::Write(e) => Some(e),
            _ => None,
        }
    }
}

impl From<WriteError> for ScaffoldError {
    fn from(e: WriteError) -> ScaffoldError {
        ScaffoldError::Write(e)
    }
}
