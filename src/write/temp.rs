//! A private temporary folder, removed when dropped: where pdf stages the
//! page it prints and serve keeps its two output folders.

use std::path::{Path, PathBuf};

/// A folder under the system's temporary folder, removed with all it holds
/// when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Create `kamsite-{purpose}-{pid}-{nanos}`. On failure, the path that
    /// could not be created and why.
    pub fn new(purpose: &str) -> Result<TempDir, (PathBuf, std::io::Error)> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!("kamsite-{purpose}-{}-{nanos}", std::process::id()));
        match std::fs::create_dir(&path) {
            Ok(()) => Ok(TempDir { path }),
            Err(e) => Err((path, e)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_is_made_and_removed_with_its_contents() {
        let t = TempDir::new("test").unwrap();
        let path = t.path().to_path_buf();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(&format!("kamsite-test-{}-", std::process::id())),
            "{name}"
        );
        std::fs::write(path.join("f"), "x").unwrap();
        assert!(path.join("f").is_file());
        drop(t);
        assert!(!path.exists());
    }
}
