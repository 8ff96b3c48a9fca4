//! Swap a finished staging folder into place of the output, and put right
//! what a build killed mid-way left behind.
//!
//! Beside an output `NAME` kamsite keeps, while the lock is held:
//! - `.NAME.kamsite-new`: the staging folder, with a `.kamsite-partial`
//!   file while it is written and the `.kamsite` marker once complete;
//! - `.NAME.kamsite-old`: the previous output, moved aside and deleted
//!   (a `.kamsite-partial` file is put in it before the deletion starts).
//!
//! On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: the output path
//! always holds a whole site, the old or the new one. Elsewhere (or on a
//! file system without it) two renames: old aside, new in; killed between
//! them, the output is missing and the next build moves the old one back.
//! Folders are deleted with their markers last, so a deletion cut short
//! still shows whose folder it is, and the next build finishes it.

use std::io;
use std::path::{Path, PathBuf};

use super::error::WriteError;
use super::fault;
use super::lock::OutputLock;
use super::out_dir::{is_marked, is_partial};
use super::{MARKER, PARTIAL, PARTIAL_TEXT};

/// Put `staged` (complete, marked) in place of the output.
pub(crate) fn swap_in(lock: &OutputLock, staged: &Path) -> Result<(), WriteError> {
    let out = lock.out.path();
    let old = lock.out.sibling("old");
    let exists = std::fs::symlink_metadata(out).is_ok();
    if !exists {
        return std::fs::rename(staged, out).map_err(|e| WriteError::io("move the new output into place at", out, e));
    }
    if !fault::two_renames() && exchange(staged, out)? {
        fault::point("swap-exchanged");
        // The staging name now holds the previous output.
        std::fs::rename(staged, &old).map_err(|e| WriteError::io("move the previous output aside to", &old, e))?;
    } else {
        std::fs::rename(out, &old).map_err(|e| WriteError::io("move the previous output aside to", &old, e))?;
        fault::point("swap-between");
        if let Err(e) = std::fs::rename(staged, out) {
            let _ = std::fs::rename(&old, out);
            return Err(WriteError::io("move the new output into place at", out, e));
        }
    }
    fault::point("old-aside");
    remove_old(&old);
    Ok(())
}

/// Exchange two paths atomically; `false` where this system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool, WriteError> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| WriteError::io("name", p, io::Error::from(io::ErrorKind::InvalidInput)))
    };
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: two NUL-terminated paths that outlive the call; the syscall
    // only reads them. Called through `syscall` so it works with any libc.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        // No such syscall, or a file system that does not exchange.
        Some(libc::ENOSYS | libc::EINVAL | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(WriteError::io("swap the new output into place at", b, e)),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> Result<bool, WriteError> {
    Ok(false)
}

/// Delete the previous output moved aside: kamsite's (marked), or the
/// empty folder it replaced. Anything else stays where it is.
fn remove_old(old: &Path) {
    if is_marked(old) {
        let _ = std::fs::write(old.join(PARTIAL), PARTIAL_TEXT);
        remove_ours_at(old, "old-removing");
    } else {
        let _ = std::fs::remove_dir(old);
    }
}

/// Delete a folder of kamsite's, its markers last: a deletion cut short
/// leaves a folder the next build still knows as its own.
pub(crate) fn remove_ours(dir: &Path) {
    remove_ours_at(dir, "");
}

/// [`remove_ours`], with the fault-injection step between its folders and
/// its files.
fn remove_ours_at(dir: &Path, step: &str) {
    use rayon::prelude::*;
    let mut folders = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name();
            if name == MARKER || name == PARTIAL {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_dir() => folders.push(e.path()),
                _ => {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
    // A large output (hundreds of thousands of files) goes faster on all cores.
    folders.par_iter().for_each(|d| {
        let _ = std::fs::remove_dir_all(d);
    });
    fault::point(step);
    let _ = std::fs::remove_file(dir.join(MARKER));
    let _ = std::fs::remove_file(dir.join(PARTIAL));
    let _ = std::fs::remove_dir(dir);
}

/// Put right what killed builds left beside the output (the lock held): a
/// missing output whose previous copy was moved aside gets it back;
/// staging folders and old copies are deleted. Returns what was done, for
/// the build to tell.
pub(crate) fn recover(lock: &OutputLock) -> Result<Vec<String>, WriteError> {
    let out = &lock.out;
    let parent = out.parent();
    let name = out.name();
    let new_name = format!(".{name}.kamsite-new");
    let old_name = format!(".{name}.kamsite-old");
    let mut news: Vec<PathBuf> = Vec::new();
    let mut olds: Vec<PathBuf> = Vec::new();
    let entries = match std::fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(e) => return Err(WriteError::io("read", parent, e)),
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        // Earlier versions added `-<pid>` to both names.
        let is = |base: &str| file == base || file.strip_prefix(base).is_some_and(|r| r.starts_with('-'));
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is(&new_name) && is_dir {
            news.push(e.path());
        } else if is(&old_name) && is_dir {
            olds.push(e.path());
        }
    }
    let mut done = Vec::new();
    for dir in news.iter().chain(&olds) {
        let legacy_staging = dir
            .file_name()
            .is_some_and(|f| f.to_string_lossy().starts_with(&format!("{new_name}-")));
        if !(is_marked(dir) || is_partial(dir) || is_empty(dir) || legacy_staging) {
            return Err(WriteError::InTheWay {
                path: dir.clone(),
                out: out.given.clone(),
            });
        }
    }
    if std::fs::symlink_metadata(out.path()).is_err() {
        // The newest whole previous output, if a build was stopped between
        // moving it aside and moving the new one in.
        let whole = olds
            .iter()
            .filter(|d| is_marked(d) && !is_partial(d))
            .max_by_key(|d| std::fs::metadata(d.join(MARKER)).and_then(|m| m.modified()).ok());
        if let Some(whole) = whole.cloned() {
            std::fs::rename(&whole, out.path())
                .map_err(|e| WriteError::io("move the previous output back to", out.path(), e))?;
            olds.retain(|d| *d != whole);
            done.push(format!(
                "restored {} from {}, left by a build that was stopped while swapping it in",
                out.given.display(),
                whole.display()
            ));
        }
    }
    for dir in news.iter().chain(&olds) {
        remove_ours(dir);
        done.push(format!("removed {}, left by a build that was stopped", dir.display()));
    }
    Ok(done)
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::super::{MARKER_TEXT, lock, resolve};
    use super::*;

    fn marked(dir: &Path, page: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(dir.join("index.html"), page).unwrap();
    }

    fn notes(site: &Path, out: &Path) -> Result<Vec<String>, WriteError> {
        let dir = resolve(site, out)?;
        let said = std::sync::Mutex::new(Vec::new());
        let held = lock(&dir, &|n| said.lock().unwrap().push(n.to_string()))?;
        drop(held);
        Ok(said.into_inner().unwrap())
    }

    #[test]
    fn a_missing_output_gets_its_old_copy_back_and_the_rest_goes() {
        let t = tempfile::tempdir().unwrap();
        let site = t.path().join("site");
        std::fs::create_dir(&site).unwrap();
        // An earlier version's names (with a process id) count too.
        marked(&t.path().join(".public.kamsite-old-41"), "old");
        marked(&t.path().join(".public.kamsite-new"), "new");
        let half = t.path().join(".public.kamsite-old");
        marked(&half, "half deleted");
        std::fs::write(half.join(PARTIAL), PARTIAL_TEXT).unwrap();
        let said = notes(&site, &t.path().join("public")).unwrap();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(said[0].starts_with("restored "), "{said:?}");
        // The whole copy, not the one being deleted.
        assert_eq!(
            std::fs::read_to_string(t.path().join("public/index.html")).unwrap(),
            "old"
        );
        let mut left: Vec<String> = std::fs::read_dir(t.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["public", "site"]);
    }

    #[test]
    fn a_staging_folder_killed_while_its_partial_marker_was_written_is_removed() {
        // Staging::new creates the folder, then the marker file, then its
        // text: a kill in between leaves the file empty or cut short.
        for text in ["", &PARTIAL_TEXT[..10]] {
            let t = tempfile::tempdir().unwrap();
            let site = t.path().join("site");
            std::fs::create_dir(&site).unwrap();
            let new = t.path().join(".public.kamsite-new");
            std::fs::create_dir(&new).unwrap();
            std::fs::write(new.join(PARTIAL), text).unwrap();
            let said = notes(&site, &t.path().join("public")).unwrap();
            assert_eq!(said.len(), 1, "{text:?}: {said:?}");
            assert!(said[0].starts_with("removed "), "{said:?}");
            assert!(!new.exists(), "{text:?}: the staging folder stays");
        }
        // Other text under that name is not kamsite's.
        let t = tempfile::tempdir().unwrap();
        let site = t.path().join("site");
        std::fs::create_dir(&site).unwrap();
        let new = t.path().join(".public.kamsite-new");
        std::fs::create_dir(&new).unwrap();
        std::fs::write(new.join(PARTIAL), "my notes").unwrap();
        let err = notes(&site, &t.path().join("public")).unwrap_err().to_string();
        assert!(err.contains("is in the way"), "{err}");
        assert!(new.join(PARTIAL).exists());
    }

    #[test]
    fn a_folder_under_kamsites_names_that_is_not_kamsites_stops_the_build_untouched() {
        let t = tempfile::tempdir().unwrap();
        let site = t.path().join("site");
        std::fs::create_dir(&site).unwrap();
        let foreign = t.path().join(".public.kamsite-old");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("thesis.tex"), "mine").unwrap();
        let err = notes(&site, &t.path().join("public")).unwrap_err().to_string();
        assert!(err.contains("is in the way"), "{err}");
        assert!(err.contains(".public.kamsite-old"), "{err}");
        assert_eq!(std::fs::read_to_string(foreign.join("thesis.tex")).unwrap(), "mine");
        assert!(!t.path().join("public").exists());
        // A marker file with other text is not kamsite's either.
        std::fs::write(foreign.join(MARKER), "not ours").unwrap();
        assert!(notes(&site, &t.path().join("public")).is_err());
        assert_eq!(std::fs::read_to_string(foreign.join("thesis.tex")).unwrap(), "mine");
    }
}
