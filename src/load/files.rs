//! Files: the one way kamsite reads a site's folders and files.
//!
//! Every file of a site (site.yaml, account files, notes, reviews, plans,
//! templates, static files) is read here, so every read follows the same
//! rules:
//! - only regular files are read, checked on the open handle: a FIFO or a
//!   device is refused, and opening one does not block (`O_NONBLOCK`);
//! - the size cap applies before any byte is read, and again while reading
//!   (a file may grow, or lie about its size);
//! - nothing outside the site folder: a symbolic link that leads out of it,
//!   to a file or to a folder, is refused (`O_NOFOLLOW` finds the links
//!   without an extra system call; only links are resolved);
//! - every I/O error is an error with its path: an unreadable folder is
//!   never mistaken for an empty one.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, display_path};

/// Largest text file (YAML, Markdown, template) kamsite reads.
pub const TEXT_LIMIT: u64 = 8 * 1024 * 1024;
/// Largest static file (image, font, stylesheet) kamsite copies.
pub const STATIC_LIMIT: u64 = 64 * 1024 * 1024;

/// Why a file or folder of a site cannot be read.
#[derive(Debug)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl Refusal {
    fn new(code: &'static str, message: impl Into<String>, help: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
            help: Some(help.into()),
        }
    }

    fn io(what: &str, e: &std::io::Error) -> Refusal {
        let help = match e.kind() {
            ErrorKind::PermissionDenied => {
                "give the user running kamsite read access to it (chmod u+r, and u+x for a folder)"
            }
            _ => "check that it exists and can be read",
        };
        Refusal::new("unreadable", format!("cannot read {what}: {e}"), help)
    }

    /// This refusal as a diagnostic at `path`, named relative to `root`.
    pub fn at(self, root: &Path, path: &Path) -> Diagnostic {
        let d = Diagnostic::at_path(self.code, &display_path(root, path), self.message);
        match self.help {
            Some(h) => d.help(h),
            None => d,
        }
    }
}

/// What a folder entry is, with symbolic links inside the site resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A FIFO, socket or device: listed so it can be refused by name.
    Other,
}

/// One entry of a folder, as listed (its path is the link, not the target).
#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub kind: Kind,
}

/// The entries of `dir` (sorted by path), `None` when it does not exist.
/// An entry that is a symbolic link leading out of the site is reported in
/// `refused` and left out; an unreadable or non-folder `dir` is an error.
/// `dir` itself is taken as inside the site (see [`check_dir`]).
pub fn list(root: &Path, dir: &Path, refused: &mut Vec<Diagnostic>) -> Result<Option<Vec<Entry>>, Diagnostic> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == ErrorKind::NotADirectory => return Err(not_a_folder(root, dir)),
        Err(e) => return Err(Refusal::io("folder", &e).at(root, dir)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Refusal::io("folder", &e).at(root, dir))?;
        let path = entry.path();
        // The kind from the listing where the file system gives it: no
        // extra system call for a file or folder.
        let kind = match entry.file_type() {
            Ok(t) if t.is_file() => Kind::File,
            Ok(t) if t.is_dir() => Kind::Dir,
            Ok(t) if !t.is_symlink() => Kind::Other,
            _ => match resolve_link(root, &path) {
                Ok((_, kind)) => kind,
                Err(r) => {
                    refused.push(r.at(root, &path));
                    continue;
                }
            },
        };
        out.push(Entry { path, kind });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Some(out))
}

/// Check a folder the site names (accounts/, templates/, static/,
/// themes/NAME/): `Ok(false)` when it does not exist, an error when it is
/// no folder or a symbolic link out of the site.
pub fn check_dir(root: &Path, dir: &Path) -> Result<bool, Diagnostic> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Refusal::io("folder", &e).at(root, dir)),
        Ok(m) if m.is_dir() => Ok(true),
        Ok(m) if m.file_type().is_symlink() => match resolve_link(root, dir) {
            Ok((_, Kind::Dir)) => Ok(true),
            Ok(_) => Err(not_a_folder(root, dir)),
            Err(r) => Err(r.at(root, dir)),
        },
        Ok(_) => Err(not_a_folder(root, dir)),
    }
}

fn not_a_folder(root: &Path, dir: &Path) -> Diagnostic {
    let name = display_path(root, dir);
    Diagnostic::at_path("not-a-folder", &name, format!("`{name}` is not a folder"))
        .help("kamsite reads a folder of this name: move the file away and make it a folder")
}

/// Open `path` to be read: without following a final symbolic link, and
/// without blocking on a FIFO. A link is followed only to a file inside the
/// site. The handle is not checked yet: [`read`] does that.
pub fn open(root: &Path, path: &Path) -> Result<File, Refusal> {
    match open_no_follow(path) {
        Err(e) if is_link_error(&e) => {
            let (target, _) = resolve_link(root, path)?;
            open_no_follow(&target).map_err(|e| Refusal::io("file", &e))
        }
        r => r.map_err(|e| Refusal::io("file", &e)),
    }
}

/// Read the regular file at `path` (opened already when `opened` is given),
/// at most `limit` bytes.
pub fn read(root: &Path, path: &Path, opened: Option<File>, limit: u64) -> Result<Vec<u8>, Refusal> {
    let mut f = match opened {
        Some(f) => f,
        None => open(root, path)?,
    };
    let meta = f.metadata().map_err(|e| Refusal::io("file", &e))?;
    if !meta.is_file() {
        return Err(Refusal::new(
            "not-a-file",
            format!(
                "not a regular file ({}): kamsite reads only regular files",
                kind_name(&meta)
            ),
            "replace it with a regular file, or remove it",
        ));
    }
    let too_large = |len: u64| {
        Refusal::new(
            "too-large",
            format!(
                "file is {len} bytes, larger than the {} MiB limit",
                limit / (1024 * 1024)
            ),
            "split the content over several files",
        )
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    (&mut f)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refusal::io("file", &e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn kind_name(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() { "a folder" } else { "a special file" }
}

/// Where the symbolic link at `path` leads, and what is there; refused when
/// that is outside the site folder (or nowhere).
fn resolve_link(root: &Path, path: &Path) -> Result<(PathBuf, Kind), Refusal> {
    let target = std::fs::canonicalize(path).map_err(|e| {
        Refusal::new(
            "broken-link",
            format!("symbolic link leads nowhere: {e}"),
            "point the link at a file inside the site folder, or remove it",
        )
    })?;
    let base = std::fs::canonicalize(root).map_err(|e| Refusal::io("site folder", &e))?;
    if !target.starts_with(&base) {
        return Err(Refusal::new(
            "outside-site",
            format!(
                "symbolic link leads outside the site folder (to {}); kamsite reads nothing from outside the site",
                target.display()
            ),
            "copy the file into the site folder instead of linking to it",
        ));
    }
    let kind = match std::fs::metadata(&target) {
        Ok(m) if m.is_file() => Kind::File,
        Ok(m) if m.is_dir() => Kind::Dir,
        Ok(_) => Kind::Other,
        Err(e) => return Err(Refusal::io("link target", &e)),
    };
    Ok((target, kind))
}

#[cfg(target_os = "linux")]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(target_os = "linux")]
fn is_link_error(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// Elsewhere: check for a link first (one more system call per file).
#[cfg(not(target_os = "linux"))]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other(LINK));
    }
    File::open(path)
}

#[cfg(not(target_os = "linux"))]
const LINK: &str = "symbolic link";

#[cfg(not(target_os = "linux"))]
fn is_link_error(e: &std::io::Error) -> bool {
    e.kind() == ErrorKind::Other && e.to_string() == LINK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("a.md"), "alpha").unwrap();
        t
    }

    #[test]
    fn reads_a_regular_file_and_refuses_a_larger_one_before_reading() {
        let t = site();
        let a = t.path().join("a.md");
        assert_eq!(read(t.path(), &a, None, 5).unwrap(), b"alpha");
        let r = read(t.path(), &a, None, 4).unwrap_err();
        assert_eq!(r.code, "too-large");
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_the_site_are_followed_and_links_out_refused() {
        let t = site();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("id_rsa"), "SECRET").unwrap();
        std::os::unix::fs::symlink("a.md", t.path().join("in.md")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("id_rsa"), t.path().join("out.md")).unwrap();
        std::os::unix::fs::symlink(outside.path(), t.path().join("dir")).unwrap();
        std::os::unix::fs::symlink("missing", t.path().join("broken.md")).unwrap();
        assert_eq!(read(t.path(), &t.path().join("in.md"), None, 99).unwrap(), b"alpha");
        let r = read(t.path(), &t.path().join("out.md"), None, 99).unwrap_err();
        assert_eq!(r.code, "outside-site");
        assert!(!r.message.contains("SECRET"));

        let mut refused = Vec::new();
        let entries = list(t.path(), t.path(), &mut refused).unwrap().unwrap();
        let names: Vec<_> = entries
            .iter()
            .map(|e| (e.path.file_name().unwrap().to_str().unwrap(), e.kind))
            .collect();
        assert_eq!(names, [("a.md", Kind::File), ("in.md", Kind::File)]);
        let mut codes: Vec<_> = refused.iter().map(|d| (d.file.as_str(), d.code)).collect();
        codes.sort();
        assert_eq!(
            codes,
            [
                ("broken.md", "broken-link"),
                ("dir", "outside-site"),
                ("out.md", "outside-site")
            ]
        );
        assert_eq!(
            check_dir(t.path(), &t.path().join("dir")).unwrap_err().code,
            "outside-site"
        );
        assert_eq!(
            check_dir(t.path(), &t.path().join("a.md")).unwrap_err().code,
            "not-a-folder"
        );
        assert!(!check_dir(t.path(), &t.path().join("none")).unwrap());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let t = site();
        let fifo = t.path().join("site.yaml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string for the call's duration.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let r = read(t.path(), &fifo, None, TEXT_LIMIT).unwrap_err();
        assert_eq!(r.code, "not-a-file");
        assert!(r.message.contains("named pipe"), "{}", r.message);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_inside_the_site_is_refused() {
        // /dev is a site here: its devices are inside it, and still refused.
        let r = read(Path::new("/dev"), Path::new("/dev/zero"), None, TEXT_LIMIT).unwrap_err();
        assert_eq!(r.code, "not-a-file");
        assert!(r.message.contains("device"), "{}", r.message);
    }
}
