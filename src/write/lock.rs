//! One build at a time per output folder: a lock file beside it.
//!
//! `.<name>.kamsite-lock` is locked with the operating system's file lock
//! (`File::lock`), which goes when the process does, however it ends. A
//! second build into the same folder waits for the first and says so. The
//! holder deletes the file before it lets go; one that opened the file
//! meanwhile and then gets the lock finds its file gone from the folder
//! and takes the lock again on a new file, so two builds never hold locks
//! on two different files of the same name.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::error::WriteError;
use super::out_dir::OutDir;

/// Held while a build (or `serve`) writes an output folder.
pub struct OutputLock {
    pub(crate) out: OutDir,
    path: PathBuf,
    /// `None` where the file system cannot lock files (then nothing waits).
    file: Option<File>,
    /// Folders made to hold the output, deepest first: removed again if
    /// they are still empty at the end (a build that wrote nothing).
    made: Vec<PathBuf>,
}

impl OutputLock {
    /// Lock `out`, waiting for another build holding it; `notice` is told
    /// once when this waits. The folder holding `out` is created if needed.
    pub(crate) fn take(out: &OutDir, notice: &dyn Fn(&str)) -> Result<OutputLock, WriteError> {
        let parent = out.parent();
        let made: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|a| std::fs::symlink_metadata(a).is_err())
            .map(Path::to_path_buf)
            .collect();
        let path = out.sibling("lock");
        let mut told = false;
        for _ in 0..1000 {
            // Made again if another build removed it meanwhile (its own).
            std::fs::create_dir_all(parent).map_err(|e| WriteError::io("create", parent, e))?;
            let file = match OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
            {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(WriteError::io("create the lock file", &path, e)),
            };
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    if !told {
                        notice(&format!(
                            "waiting for another build of {} to finish",
                            out.given.display()
                        ));
                        told = true;
                    }
                    file.lock().map_err(|e| WriteError::io("lock", &path, e))?;
                }
                Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                    notice(&format!(
                        "cannot lock {} on this file system ({e}); two builds at once into {} would clash",
                        path.display(),
                        out.given.display()
                    ));
                    drop(file);
                    let _ = std::fs::remove_file(&path);
                    return Ok(OutputLock {
                        out: out.clone(),
                        path,
                        file: None,
                        made,
                    });
                }
                Err(TryLockError::Error(e)) => return Err(WriteError::io("lock", &path, e)),
            }
            if same_file(&file, &path) {
                return Ok(OutputLock {
                    out: out.clone(),
                    path,
                    file: Some(file),
                    made,
                });
            }
            // The build that held it deleted it: lock the one there now.
        }
        Err(WriteError::io(
            "lock",
            &path,
            std::io::Error::other("the lock file kept disappearing"),
        ))
    }

    /// The output folder it guards.
    pub fn out(&self) -> &Path {
        self.out.path()
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            // Deleted while held, so no one locks a file about to go. Where
            // an open file cannot be deleted (Windows) it stays, harmlessly.
            if same_file(&file, &self.path) {
                let _ = std::fs::remove_file(&self.path);
            }
            drop(file);
        }
        for dir in &self.made {
            // Fails, as it should, on a folder that holds anything.
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
}

/// Whether the open `file` is the one at `path` now.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}
