//! Why writing the output failed: a refused `--out`, or an I/O error with
//! the path it happened on.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why an `--out` folder is refused before anything is written.
#[derive(Debug)]
pub enum Refusal {
    /// It is the site root.
    SiteRoot,
    /// It holds the site folder: replacing it would replace the site.
    ContainsSite,
    /// It is inside one of the site's own folders (`accounts/`...).
    InsideSiteFolder(&'static str),
    /// It is `/` (or a drive root).
    FileSystemRoot,
    /// It is a file.
    File,
    /// A part of it is a file, so nothing can be made below it.
    NotAFolder(PathBuf),
    /// It is, or a part of it is, a symbolic link to nothing.
    DanglingSymlink { link: PathBuf, target: PathBuf },
    /// A `..` comes after a part that does not exist: where it leads depends
    /// on folders that are not there, so it is not guessed.
    ParentOfMissing(PathBuf),
    /// A non-empty folder without kamsite's marker.
    NotKamsite,
    /// A name kamsite keeps for its own files beside an output.
    ReservedName,
    /// A part of it cannot be read or followed (no permission, a loop of
    /// symbolic links).
    Unreadable(PathBuf, io::Error),
}

/// A failure to write the output, with the paths involved.
#[derive(Debug)]
pub enum WriteError {
    /// `--out` refused: as given, where it resolves to, and why.
    Refused {
        out: PathBuf,
        resolved: PathBuf,
        why: Refusal,
    },
    /// An I/O error: what was being done, on which path.
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// A folder under a name kamsite keeps beside the output for itself,
    /// but not made by kamsite: nothing is written and it is left alone.
    InTheWay { path: PathBuf, out: PathBuf },
    /// A rendered file whose path leaves the output folder.
    Outside(String),
}

impl WriteError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> WriteError {
        WriteError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Refused { out, resolved, why } => {
                write!(f, "refusing --out {}", out.display())?;
                if out != resolved {
                    write!(f, " (that is {})", resolved.display())?;
                }
                f.write_str(": ")?;
                match why {
                    Refusal::SiteRoot => f.write_str("it is the site root; choose another --out"),
                    Refusal::ContainsSite => {
                        f.write_str("it contains the site folder, and the build would replace it; choose another --out")
                    }
                    Refusal::InsideSiteFolder(sub) => {
                        write!(f, "it is inside the site's `{sub}/` folder; choose a folder outside it")
                    }
                    Refusal::FileSystemRoot => f.write_str("it is the file-system root; choose another --out"),
                    Refusal::File => f.write_str("it is a file, not a folder; choose another --out"),
                    Refusal::NotAFolder(p) => write!(
                        f,
                        "{} is a file, so no folder can be made inside it; choose another --out",
                        p.display()
                    ),
                    Refusal::DanglingSymlink { link, target } => write!(
                        f,
                        "{} is a symbolic link to {}, which does not exist; remove the link or choose another --out",
                        link.display(),
                        target.display()
                    ),
                    Refusal::ParentOfMissing(missing) => write!(
                        f,
                        "`..` follows {}, which does not exist, so where it leads cannot be known; spell the folder without `..`",
                        missing.display()
                    ),
                    Refusal::NotKamsite => f.write_str(
                        "the folder is not empty and was not created by kamsite; empty it or choose another folder",
                    ),
                    Refusal::ReservedName => f.write_str(
                        "kamsite keeps that name for its own files beside an output folder; choose another name",
                    ),
                    Refusal::Unreadable(p, e) => write!(f, "cannot follow {}: {e}", p.display()),
                }
            }
            WriteError::Io { action, path, source } => write!(f, "cannot {action} {}: {source}", path.display()),
            WriteError::InTheWay { path, out } => write!(
                f,
                "{} is in the way: kamsite keeps its own copy of {} under that name, but this folder was not made by kamsite; move it elsewhere and build again",
                path.display(),
                out.display()
            ),
            WriteError::Outside(p) => write!(f, "refusing to write outside the output folder: {p}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<WriteError> for String {
    fn from(e: WriteError) -> String {
        e.to_string()
    }
}
