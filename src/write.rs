//! Write: put rendered files on disk atomically.
//!
//! The whole output is written into a fresh sibling folder, then swapped into
//! place with renames. A failed or killed build leaves the previous output
//! as it was. kamsite only ever deletes folders it created: its own output
//! (marked by a `.kamsite` file) and its own temporary siblings.

use std::path::{Path, PathBuf};

/// A file of the generated site, relative to the output root.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// `/`-separated path, e.g. `accounts/acme/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

pub struct WriteStats {
    pub files: usize,
    pub bytes: u64,
}

/// The marker that says a folder is kamsite output and may be replaced.
pub const MARKER: &str = ".kamsite";

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    // Canonicalise the longest existing prefix so `..` and symlinks compare right.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|s| s.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        out.push(part);
    }
    out
}

/// Refuse output folders that would overwrite the site or someone's files.
pub fn check_out_dir(root: &Path, out: &Path) -> Result<(), String> {
    let root_abs = absolute(root);
    let out_abs = absolute(out);
    if out_abs == root_abs {
        return Err(format!(
            "refusing to write output into the site root {}: choose another --out",
            out.display()
        ));
    }
    if root_abs.starts_with(&out_abs) {
        return Err(format!(
            "refusing --out {}: it contains the site folder, and the build would replace it",
            out.display()
        ));
    }
    for sub in ["accounts", "templates", "static", "themes"] {
        if out_abs.starts_with(root_abs.join(sub)) {
            return Err(format!(
                "refusing --out {}: it is inside the site's `{sub}/` folder",
                out.display()
            ));
        }
    }
    if out_abs.parent().is_none() {
        return Err("refusing to write output to the file-system root".into());
    }
    if out_abs.exists() {
        if !out_abs.is_dir() {
            return Err(format!("refusing --out {}: it is a file, not a folder", out.display()));
        }
        let non_empty = std::fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if non_empty && !out_abs.join(MARKER).is_file() {
            return Err(format!(
                "refusing --out {}: the folder is not empty and was not created by kamsite; empty it or choose another folder",
                out.display()
            ));
        }
    }
    Ok(())
}

/// Where rendered files go: a staging folder on disk, or memory.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), String>;

    /// The file `path`, made of `pieces` one after another. A sink that
    /// writes to disk writes them as they come, so a large data file (the
    /// search index is over 200 MB at 100,000 accounts) is never joined in
    /// memory; by default they are joined and [`Sink::put`].
    fn put_pieces(&self, path: &str, pieces: &[&[u8]]) -> Result<(), String> {
        self.put(OutputFile::new(path, pieces.concat()))
    }
}

/// Keeps every file in memory (checks, serve, tests).
#[derive(Default)]
pub struct Collect(std::sync::Mutex<Vec<OutputFile>>);

impl Collect {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Collect {
    fn put(&self, file: OutputFile) -> Result<(), String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    }
}

/// A fresh sibling folder of the output that files are written into as they
/// are rendered (from many threads); [`Staging::commit`] swaps it into place.
/// Dropped without a commit, it deletes itself and the output stays as it was.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    files: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicU64,
    dirs: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging, String> {
        let out = absolute(out);
        let parent = out.parent().ok_or("output folder has no parent")?.to_path_buf();
        let name = out
            .file_name()
            .ok_or("output folder has no name")?
            .to_string_lossy()
            .into_owned();
        std::fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        clean_leftovers(&parent, &name);
        let pid = std::process::id();
        let tmp = parent.join(format!(".{name}.kamsite-new-{pid}"));
        let old = parent.join(format!(".{name}.kamsite-old-{pid}"));
        std::fs::create_dir(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        Ok(Staging {
            out,
            tmp,
            old,
            files: Default::default(),
            bytes: Default::default(),
            dirs: Default::default(),
            committed: false,
        })
    }

    /// Create folders ahead of the files that go into them (`/`-separated,
    /// relative to the output). Creating a folder locks its parent, so two
    /// threads making sibling folders wait for each other; made here by one
    /// thread while pages render, the pages' own writes only add files. A
    /// folder that cannot be made is left to [`Sink::put`], which reports it.
    pub fn make_dirs(&self, dirs: &[String]) {
        for rel in dirs {
            let Some(rel) = safe_relative(rel) else { continue };
            let dir = self.tmp.join(rel);
            if std::fs::create_dir_all(&dir).is_ok() {
                self.dirs.lock().unwrap_or_else(|e| e.into_inner()).insert(dir);
            }
        }
    }

    /// Read back a file written so far (for reports about a few pages).
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.tmp.join(safe_relative(path)?)).ok()
    }

    /// Swap the staged folder into place of the output; delete the previous output.
    pub fn commit(mut self) -> Result<WriteStats, String> {
        use std::sync::atomic::Ordering;
        std::fs::write(
            self.tmp.join(MARKER),
            "This folder is generated by kamsite and replaced on every build.\n",
        )
        .map_err(|e| format!("cannot write marker: {e}"))?;
        if self.out.exists() {
            std::fs::rename(&self.out, &self.old).map_err(|e| format!("cannot move the previous output aside: {e}"))?;
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
            // Put the previous output back.
            let _ = std::fs::rename(&self.old, &self.out);
            return Err(format!("cannot move the new output into place: {e}"));
        }
        self.committed = true;
        if self.old.exists() && self.old.join(MARKER).is_file() {
            remove_dir_parallel(&self.old);
        } else if self.old.exists() {
            // An empty folder we replaced: nothing of anyone's to lose.
            let _ = std::fs::remove_dir(&self.old);
        }
        Ok(WriteStats {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        })
    }
}

impl Staging {
    /// Where `path` goes in the staging folder, its folder made (once).
    fn place(&self, path: &str) -> Result<PathBuf, String> {
        let rel = safe_relative(path).ok_or_else(|| format!("refusing to write outside the output folder: {path}"))?;
        let full = self.tmp.join(rel);
        if let Some(dir) = full.parent() {
            let known = self.dirs.lock().unwrap_or_else(|e| e.into_inner()).contains(dir);
            if !known {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                self.dirs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(dir.to_path_buf());
            }
        }
        Ok(full)
    }

    fn count(&self, len: usize) {
        use std::sync::atomic::Ordering;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len as u64, Ordering::Relaxed);
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), String> {
        let path = self.place(&file.path)?;
        std::fs::write(&path, &file.bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        self.count(file.bytes.len());
        Ok(())
    }

    fn put_pieces(&self, path: &str, pieces: &[&[u8]]) -> Result<(), String> {
        use std::io::Write;
        let full = self.place(path)?;
        let cannot = |e: std::io::Error| format!("cannot write {}: {e}", full.display());
        let file = std::fs::File::create(&full).map_err(cannot)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 18, file);
        for piece in pieces {
            w.write_all(piece).map_err(cannot)?;
        }
        w.flush().map_err(cannot)?;
        self.count(pieces.iter().map(|p| p.len()).sum());
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Delete a (large) previous output with both cores; it is ours (marked).
fn remove_dir_parallel(dir: &Path) {
    use rayon::prelude::*;
    if let Ok(entries) = std::fs::read_dir(dir) {
        let subdirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
        subdirs.par_iter().for_each(|d| {
            let _ = std::fs::remove_dir_all(d);
        });
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Write `files` to `out`, replacing its previous content atomically.
pub fn write_atomic(out: &Path, files: &[OutputFile]) -> Result<WriteStats, String> {
    let staging = Staging::new(out)?;
    for f in files {
        staging.put(f.clone())?;
    }
    staging.commit()
}

/// How [`replace_in_place`] replaces a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replace {
    /// Write beside the target and rename over it: a reader sees the old
    /// file or the new one, never half of one.
    Rename,
    /// Overwrite the existing file: no new file, so the file system neither
    /// allocates nor frees blocks. Only for a caller that keeps readers out
    /// while it writes (serve's lock).
    Overwrite,
}

/// Replace `files` inside an existing output folder (serve's incremental
/// rebuild). With [`Replace::Rename`], files whose bytes did not change are
/// not touched; the counts are of files written.
pub fn replace_in_place(out: &Path, files: &[OutputFile], how: Replace) -> Result<WriteStats, String> {
    use rayon::prelude::*;
    if !out.join(MARKER).is_file() {
        return Err(format!("{} is not a kamsite output folder", out.display()));
    }
    let written: Result<Vec<Option<u64>>, String> = files
        .par_iter()
        .map(|f| {
            let rel = safe_relative(&f.path)
                .ok_or_else(|| format!("refusing to write outside the output folder: {}", f.path))?;
            let path = out.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            match how {
                Replace::Overwrite => {
                    overwrite(&path, &f.bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?
                }
                Replace::Rename => {
                    // Most aggregate files come out the same after a small
                    // edit: leave those alone.
                    if std::fs::metadata(&path).is_ok_and(|m| m.len() == f.bytes.len() as u64)
                        && std::fs::read(&path).is_ok_and(|old| old == f.bytes)
                    {
                        return Ok(None);
                    }
                    let tmp = path.with_file_name(format!(
                        ".{}.kamsite-tmp",
                        path.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    ));
                    std::fs::write(&tmp, &f.bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
                    std::fs::rename(&tmp, &path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
                }
            }
            Ok(Some(f.bytes.len() as u64))
        })
        .collect();
    let written = written?;
    Ok(WriteStats {
        files: written.iter().flatten().count(),
        bytes: written.iter().flatten().sum(),
    })
}

/// Remove pages that no longer exist from an output folder (serve's
/// incremental rebuild), and their folders once empty. Only files inside
/// `out` are touched; a file already gone is not an error.
pub fn remove_in_place(out: &Path, paths: &[String]) -> Result<(), String> {
    for p in paths {
        let rel = safe_relative(p).ok_or_else(|| format!("refusing to remove outside the output folder: {p}"))?;
        let path = out.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot remove {}: {e}", path.display())),
        }
        // `reviews/quarters/2024-Q1/` goes with its index.html; `remove_dir`
        // fails on a folder that still holds something, which ends the walk.
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != out) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(())
}

/// Write `bytes` over the file at `path` (created if missing), keeping its blocks.
fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    f.write_all(bytes)?;
    f.set_len(bytes.len() as u64)
}

/// Remove temporary folders of earlier builds that were killed mid-way.
fn clean_leftovers(parent: &Path, name: &str) {
    let prefixes = [format!(".{name}.kamsite-new-"), format!(".{name}.kamsite-old-")];
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let fname = e.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| fname.starts_with(p.as_str())) && e.path().is_dir() {
            let is_ours = e.path().join(MARKER).is_file() || fname.starts_with(prefixes[0].as_str());
            if is_ours {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// A relative path with no `..`, root or prefix parts.
fn safe_relative(p: &str) -> Option<PathBuf> {
    let path = Path::new(p);
    let ok = path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    (ok && !p.is_empty()).then(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        assert!(safe_relative("a/b.html").is_some());
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("").is_none());
    }

    #[test]
    fn refuses_dangerous_out_dirs() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        std::fs::create_dir_all(root.join("accounts")).unwrap();
        assert!(check_out_dir(&root, &root).is_err());
        assert!(check_out_dir(&root, t.path()).is_err());
        assert!(check_out_dir(&root, &root.join("accounts/x")).is_err());
        assert!(check_out_dir(&root, &root.join("public")).is_ok());
        let foreign = t.path().join("docs");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
        assert!(
            check_out_dir(&root, &foreign)
                .unwrap_err()
                .contains("not created by kamsite")
        );
    }

    #[test]
    fn swaps_output_in_place() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        write_atomic(&out, &[OutputFile::new("a/index.html", "one")]).unwrap();
        write_atomic(&out, &[OutputFile::new("b.html", "two")]).unwrap();
        assert!(!out.join("a/index.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "two");
        let leftovers: Vec<_> = std::fs::read_dir(t.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn pieces_are_written_as_one_file_joined_or_not() {
        let pieces: [&[u8]; 4] = [b"[", b"{\"a\":1}", b",", b"{\"b\":2}]"];
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        let staging = Staging::new(&out).unwrap();
        staging.put_pieces("data/x.json", &pieces).unwrap();
        assert!(staging.put_pieces("../x.json", &pieces).is_err());
        let stats = staging.commit().unwrap();
        assert_eq!((stats.files, stats.bytes), (1, 17));
        assert_eq!(
            std::fs::read_to_string(out.join("data/x.json")).unwrap(),
            r#"[{"a":1},{"b":2}]"#
        );
        // A sink that keeps files in memory gets them joined.
        let memory = Collect::default();
        memory.put_pieces("data/x.json", &pieces).unwrap();
        let files = memory.into_files();
        assert_eq!(files[0].bytes, br#"[{"a":1},{"b":2}]"#);
    }

    #[test]
    fn folders_made_ahead_stay_inside_the_output() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        let staging = Staging::new(&out).unwrap();
        staging.make_dirs(&["accounts/acme".into(), "../escaped".into(), "/abs".into(), "".into()]);
        assert!(!t.path().join("escaped").exists());
        assert!(!std::path::Path::new("/abs").exists());
        staging
            .put(OutputFile::new("accounts/acme/index.html", "acme"))
            .unwrap();
        staging
            .put(OutputFile::new("accounts/brandt/index.html", "brandt"))
            .unwrap();
        let stats = staging.commit().unwrap();
        assert_eq!(stats.files, 2);
        assert_eq!(
            std::fs::read_to_string(out.join("accounts/acme/index.html")).unwrap(),
            "acme"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("accounts/brandt/index.html")).unwrap(),
            "brandt"
        );
        let top: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(top.len(), 2, "accounts/ and the marker only: {top:?}");
    }
}
