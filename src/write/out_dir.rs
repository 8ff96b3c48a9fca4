//! Where `--out` really is, and whether kamsite may replace it.
//!
//! The path is resolved before any check: made absolute, then walked part
//! by part. Parts that exist are followed on disk (symbolic links to their
//! targets, `..` to the real parent of where the walk is); the first part
//! that does not exist ends that, and after it only plain names may follow:
//! a `..` there would go up from a folder that is not there, and the kernel
//! would refuse it too. So `MISSING/../FOLDER`, `./`, `a/../b`, a symbolic
//! link or a trailing slash name the folder they lead to, and the checks
//! see that folder.

use std::io;
use std::path::{Component, Path, PathBuf};

use super::error::{Refusal, WriteError};
use super::{MARKER, MARKER_TEXT, PARTIAL};

/// The site's own folders: no output goes inside them.
const SITE_FOLDERS: [&str; 4] = ["accounts", "templates", "static", "themes"];

/// A resolved output folder that passed the checks.
#[derive(Debug, Clone)]
pub struct OutDir {
    /// As given (for messages).
    pub(crate) given: PathBuf,
    /// Absolute, with every existing part followed on disk.
    pub(crate) path: PathBuf,
}

impl OutDir {
    /// The folder the build replaces.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder it is in (never the file-system root's parent: checked).
    pub(crate) fn parent(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }

    /// `.<name>.kamsite-<what>`, beside the output.
    pub(crate) fn sibling(&self, what: &str) -> PathBuf {
        self.parent().join(format!(".{}.kamsite-{what}", self.name()))
    }

    pub(crate) fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    fn refused(&self, why: Refusal) -> WriteError {
        WriteError::Refused {
            out: self.given.clone(),
            resolved: self.path.clone(),
            why,
        }
    }

    /// The checks that depend on what is on disk now: repeated once the
    /// lock is held and any leftover of a killed build is dealt with.
    pub(crate) fn check_contents(&self) -> Result<(), WriteError> {
        let meta = match std::fs::symlink_metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(WriteError::io("read", &self.path, e)),
        };
        if meta.file_type().is_symlink() {
            // Followed when resolved; one made since is not followed now.
            return Err(self.refused(Refusal::DanglingSymlink {
                link: self.path.clone(),
                target: std::fs::read_link(&self.path).unwrap_or_default(),
            }));
        }
        if !meta.is_dir() {
            return Err(self.refused(Refusal::File));
        }
        let mut entries = std::fs::read_dir(&self.path).map_err(|e| WriteError::io("read", &self.path, e))?;
        if entries.next().is_some() && !is_marked(&self.path) {
            return Err(self.refused(Refusal::NotKamsite));
        }
        Ok(())
    }
}

/// Whether `dir` carries kamsite's marker: a regular file with its text.
pub(crate) fn is_marked(dir: &Path) -> bool {
    has_marker_file(dir, MARKER, MARKER_TEXT)
}

/// Whether `dir` carries kamsite's marker of a folder being written or
/// deleted. A build killed while writing that marker leaves it shorter
/// (even empty: the file is created before its text is written), so any
/// start of its text counts; the folder's own name is kamsite's too.
pub(crate) fn is_partial(dir: &Path) -> bool {
    marker_head(dir, PARTIAL, super::PARTIAL_TEXT).is_some_and(|head| super::PARTIAL_TEXT.as_bytes().starts_with(&head))
}

fn has_marker_file(dir: &Path, name: &str, text: &str) -> bool {
    marker_head(dir, name, text).is_some_and(|head| head == text.as_bytes())
}

/// The first `text.len()` bytes of the regular file `name` in `dir`.
fn marker_head(dir: &Path, name: &str, text: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    let path = dir.join(name);
    let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
    if !regular {
        return None;
    }
    let mut head = Vec::with_capacity(text.len());
    std::fs::File::open(&path)
        .and_then(|f| f.take(text.len() as u64).read_to_end(&mut head))
        .ok()
        .map(|_| head)
}

/// Resolve `out` (relative to the current folder) and check that a build
/// may replace it: refused are the site root, a folder holding the site, a
/// folder inside `accounts/`, `templates/`, `static/` or `themes/`, the
/// file-system root, a file, a dangling symbolic link, a non-empty folder
/// without kamsite's marker, and the names kamsite keeps beside an output.
pub fn resolve(root: &Path, out: &Path) -> Result<OutDir, WriteError> {
    let root = std::fs::canonicalize(root).map_err(|e| WriteError::io("open the site folder", root, e))?;
    let given = out.to_path_buf();
    let refused = |resolved: &Path, why: Refusal| WriteError::Refused {
        out: given.clone(),
        resolved: resolved.to_path_buf(),
        why,
    };
    let path = real_path(out).map_err(|e| match e {
        Walk::Io(e) => e,
        Walk::Refused(at, why) => refused(&at, why),
    })?;
    let dir = OutDir {
        given: given.clone(),
        path,
    };
    let p = &dir.path;
    if p.parent().is_none() || p.file_name().is_none() {
        return Err(dir.refused(Refusal::FileSystemRoot));
    }
    if *p == root {
        return Err(dir.refused(Refusal::SiteRoot));
    }
    if root.starts_with(p) {
        return Err(dir.refused(Refusal::ContainsSite));
    }
    for sub in SITE_FOLDERS {
        let folder = root.join(sub);
        // The folder may be a link elsewhere: its target is the site's too.
        let real = std::fs::canonicalize(&folder).unwrap_or_else(|_| folder.clone());
        if p.starts_with(&folder) || p.starts_with(&real) {
            return Err(dir.refused(Refusal::InsideSiteFolder(sub)));
        }
    }
    let name = dir.name();
    if name.starts_with('.') && name.contains(".kamsite-") {
        return Err(dir.refused(Refusal::ReservedName));
    }
    dir.check_contents()?;
    Ok(dir)
}

enum Walk {
    Io(WriteError),
    Refused(PathBuf, Refusal),
}

/// `p` made absolute, every existing part followed on disk, the rest
/// appended as given (plain names only).
fn real_path(p: &Path) -> Result<PathBuf, Walk> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        let cwd = std::env::current_dir().map_err(|e| Walk::Io(WriteError::io("find the current folder", ".", e)))?;
        cwd.join(p)
    };
    let mut at = PathBuf::new();
    let mut missing: Option<PathBuf> = None;
    for part in abs.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => at.push(part.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                if let Some(m) = &missing {
                    return Err(Walk::Refused(abs.clone(), Refusal::ParentOfMissing(m.clone())));
                }
                // `at` is real so far: its parent is where `..` leads.
                at.pop();
            }
            Component::Normal(name) => {
                let next = at.join(name);
                if missing.is_some() {
                    at = next;
                    continue;
                }
                match std::fs::symlink_metadata(&next) {
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        missing = Some(next.clone());
                        at = next;
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
                        return Err(Walk::Refused(abs.clone(), Refusal::NotAFolder(at)));
                    }
                    Err(e) => return Err(Walk::Refused(abs.clone(), Refusal::Unreadable(next, e))),
                    Ok(meta) if meta.file_type().is_symlink() => match std::fs::canonicalize(&next) {
                        Ok(target) => at = target,
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {
                            let target = std::fs::read_link(&next).unwrap_or_default();
                            return Err(Walk::Refused(
                                abs.clone(),
                                Refusal::DanglingSymlink { link: next, target },
                            ));
                        }
                        Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
                            return Err(Walk::Refused(abs.clone(), Refusal::NotAFolder(next)));
                        }
                        Err(e) => return Err(Walk::Refused(abs.clone(), Refusal::Unreadable(next, e))),
                    },
                    // A file is refused later: as the last part by
                    // `check_contents`, before another part just above.
                    Ok(_) => at = next,
                }
            }
        }
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(root: &Path, out: &Path) -> String {
        resolve(root, out).unwrap_err().to_string()
    }

    #[test]
    fn refuses_dangerous_out_dirs() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        std::fs::create_dir_all(root.join("accounts")).unwrap();
        assert!(refusal(&root, &root).contains("site root"));
        assert!(refusal(&root, t.path()).contains("contains the site"));
        assert!(refusal(&root, &root.join("accounts/x")).contains("`accounts/`"));
        assert!(resolve(&root, &root.join("public")).is_ok());
        let foreign = t.path().join("docs");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
        assert!(refusal(&root, &foreign).contains("not created by kamsite"));
        let through_missing = t.path().join("missing/../docs");
        assert!(refusal(&root, &through_missing).contains("`..` follows"));
        // `..` over existing folders is followed: docs again.
        let round = root.join("accounts/../../docs");
        assert!(refusal(&root, &round).contains("not created by kamsite"));
    }

    #[test]
    fn a_path_through_a_file_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(t.path().join("f"), "x").unwrap();
        assert!(refusal(&root, &t.path().join("f")).contains("it is a file"));
        assert!(refusal(&root, &t.path().join("f/out")).contains("no folder can be made inside it"));
    }
}
