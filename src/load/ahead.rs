//! Reading an account's files ahead: opened together, the disk fetches them
//! side by side (see [`Ahead`]).

use std::path::{Path, PathBuf};

use super::{MAX_FILE_BYTES, files, read_opened};
use crate::diag::Diagnostics;
use crate::source::SourceFile;

/// Files an account's reader keeps open between asking for them and reading
/// them; the others are opened again to be read. With 8 readers per core it
/// bounds a load's open files well under the usual limit of 1,024, however
/// many notes an account has.
const HELD_OPEN: usize = 16;

/// An account's files, opened before any is read, each with a hint to the
/// operating system to start reading it into its cache. When the files are
/// not cached (a site not read for a while), every read waits for the disk;
/// asked for together, an account's files come from the disk side by side
/// and its reader waits about once instead of once per file. A 10,000-account
/// site loaded from disk in 2.0 to 2.1 s instead of 2.4 to 2.7 s (bench/RESULTS.md,
/// Performance). The first [`HELD_OPEN`] files stay open for their reads.
pub(super) struct Ahead(Vec<(PathBuf, Option<std::fs::File>)>);

impl Ahead {
    pub(super) fn open<'a>(root: &Path, paths: impl Iterator<Item = &'a PathBuf>) -> Ahead {
        let mut opened: Vec<_> = paths
            .enumerate()
            .map(|(i, path)| {
                // A file that cannot be opened is opened again to be read,
                // and the reason reported then.
                let file = files::open(root, path).ok();
                #[cfg(target_os = "linux")]
                if let Some(f) = &file {
                    use std::os::fd::AsRawFd;
                    // At most what `read_opened` would read: a larger file is
                    // reported, not read, and not worth caching.
                    let len = (MAX_FILE_BYTES + 1) as libc::off_t;
                    // SAFETY: the descriptor is open for the whole call; the
                    // advice only starts reads into the page cache.
                    unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, len, libc::POSIX_FADV_WILLNEED) };
                }
                (path.clone(), file.filter(|_| i < HELD_OPEN))
            })
            .collect();
        opened.sort_by(|a, b| a.0.cmp(&b.0));
        Ahead(opened)
    }

    /// The file opened for `path`, once.
    fn take(&mut self, path: &Path) -> Option<std::fs::File> {
        let i = self.0.binary_search_by(|(p, _)| p.as_path().cmp(path)).ok()?;
        self.0[i].1.take()
    }
}

/// [`read_source`](super::read_source) from the file opened ahead for `path`, if there is one.
pub(super) fn read_ahead(root: &Path, path: &Path, ahead: &mut Ahead, diags: &mut Diagnostics) -> Option<SourceFile> {
    read_opened(root, path, ahead.take(path), diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_account;

    #[test]
    fn files_opened_ahead_are_read_once_each_and_missing_ones_are_reported() {
        let t = tempfile::tempdir().unwrap();
        let a = t.path().join("a.md");
        let b = t.path().join("b.md");
        let gone = t.path().join("gone.md");
        std::fs::write(&a, "alpha").unwrap();
        std::fs::write(&b, "beta").unwrap();
        let mut ahead = Ahead::open(t.path(), [&b, &gone, &a].into_iter());
        assert!(ahead.take(&a).is_some());
        assert!(ahead.take(&a).is_none(), "handed out once");
        assert!(ahead.take(&gone).is_none());
        assert!(ahead.take(&t.path().join("other.md")).is_none());

        let mut diags = Diagnostics::default();
        let read = read_ahead(t.path(), &b, &mut ahead, &mut diags).unwrap();
        assert_eq!(&*read.text, "beta");
        // Taken already: read by path, as without opening ahead.
        assert_eq!(
            &*read_ahead(t.path(), &a, &mut ahead, &mut diags).unwrap().text,
            "alpha"
        );
        assert!(read_ahead(t.path(), &gone, &mut ahead, &mut diags).is_none());
        let problems: Vec<_> = diags.iter().map(|d| (d.code, d.file.as_str())).collect();
        assert_eq!(problems, [("unreadable", "gone.md")]);
    }

    #[test]
    fn an_account_with_many_notes_holds_few_files_open_and_loads_them_all() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("accounts/acme");
        std::fs::create_dir_all(dir.join("notes")).unwrap();
        std::fs::write(dir.join("account.yaml"), "name: Acme\n").unwrap();
        let notes: Vec<PathBuf> = (0..3 * HELD_OPEN)
            .map(|i| {
                let p = dir.join(format!("notes/2026-01-{:02}-{i}.md", i % 28 + 1));
                std::fs::write(&p, format!("note {i}")).unwrap();
                p
            })
            .collect();
        let ahead = Ahead::open(t.path(), notes.iter());
        assert_eq!(ahead.0.iter().filter(|(_, f)| f.is_some()).count(), HELD_OPEN);

        let (doc, diags) = load_account(t.path(), &dir);
        assert!(
            diags.is_empty(),
            "{:?}",
            diags.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
        let doc = doc.unwrap();
        assert_eq!(doc.notes.len(), 3 * HELD_OPEN);
        let mut bodies: Vec<String> = doc.notes.iter().map(|n| n.body().to_string()).collect();
        bodies.sort();
        let mut want: Vec<String> = (0..3 * HELD_OPEN).map(|i| format!("note {i}")).collect();
        want.sort();
        assert_eq!(bodies, want);
    }
}
