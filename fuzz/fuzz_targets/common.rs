//! What every target shares: a starter site in a temporary folder, made
//! once per process; the fuzzed bytes replace one of its files, `check`
//! runs, and every problem must name file:line:column inside the file and
//! draw without panicking.

#![allow(dead_code)] // each target uses one variant of Target

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub enum Target {
    Site,
    Account,
    Note,
    Review,
    Plan,
}

struct Starter {
    root: PathBuf,
    files: [String; 5],
}

fn starter() -> &'static Starter {
    static STARTER: OnceLock<Starter> = OnceLock::new();
    STARTER.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("kamsite-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        kamsite::scaffold::init(&root, jiff::civil::date(2026, 11, 26)).expect("init");
        let only = |folder: &str| {
            let entry = std::fs::read_dir(root.join(folder)).unwrap().flatten().next().unwrap();
            format!("{folder}/{}", entry.file_name().to_string_lossy())
        };
        let files = [
            "site.yaml".to_string(),
            "accounts/acme-industrial/account.yaml".to_string(),
            only("accounts/acme-industrial/notes"),
            only("accounts/acme-industrial/reviews"),
            only("accounts/acme-industrial/plans"),
        ];
        Starter { root, files }
    })
}

pub fn run(target: Target, data: &[u8]) {
    let s = starter();
    let file = &s.files[target as usize];
    let path: &Path = &s.root.join(file);
    let original = std::fs::read(path).unwrap();
    std::fs::write(path, data).unwrap();
    let diags = kamsite::check(&s.root);
    std::fs::write(path, original).unwrap();
    for d in diags.iter() {
        let loc = d.location();
        let mut parts = loc.rsplitn(3, ':');
        let col: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
        let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        assert!(col >= 1 && line >= 1, "no line:column: {d}");
        assert!(!d.file.is_empty(), "no file: {d}");
        if let Some(text) = &d.source {
            assert!(line <= text.split('\n').count() + 1, "line past the end: {d}");
        }
        let drawn = d.render(false);
        assert!(drawn.contains(d.code), "{drawn}");
    }
}
