//! A bounded fuzz run inside `cargo test`: the starter site with one of its
//! files (site.yaml, account.yaml, a note, a review, a plan) mangled at
//! random, 300 cases from a fixed seed. `kamsite::check` must not panic,
//! and every problem it reports names its file, line and column (1-based,
//! inside the file) and draws without panicking. The open-ended run is
//! cargo-fuzz, in fuzz/.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Pieces that once broke, or are likely to: YAML structure, front-matter
/// fences, long runs, odd characters.
const TOKENS: &[&str] = &[
    "\n",
    ": ",
    "- ",
    "---\n",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "|\n  ",
    ">\n  ",
    "\t",
    "\r\n",
    "\u{feff}",
    "é",
    "日本",
    "\u{0}",
    "<div>",
    "</div>",
    "<script>",
    "2026-02-30",
    "-3",
    "1e309",
    "reports_to: ",
    "influences: [",
    "competitors: [",
    "winner: ",
    "period: ",
    "tier: ",
    "stage: ",
    "id: ",
    "name: ",
    "outcome: lost\n",
    "scores:\n  growth: ",
    "contacts:\n  - id: a\n    name: A\n    reports_to: a\n",
];

#[derive(Debug, Clone)]
enum Edit {
    /// Delete `len` bytes at a position (fractions of the text length).
    Delete(f64, usize),
    Insert(f64, usize),
    /// A token repeated many times: long lines, deep nesting.
    Repeat(f64, usize, usize),
    /// Swap two lines.
    SwapLines(f64, f64),
    Truncate(f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0, 1usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (0.0..1.0, 0..TOKENS.len()).prop_map(|(a, t)| Edit::Insert(a, t)),
        (0.0..1.0, 0..TOKENS.len(), 2usize..3000).prop_map(|(a, t, n)| Edit::Repeat(a, t, n)),
        (0.0..1.0, 0.0..1.0).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (0.0..1.0).prop_map(Edit::Truncate),
    ]
}

fn boundary(text: &str, at: f64) -> usize {
    let mut i = ((text.len() as f64) * at) as usize;
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

fn apply(text: &str, e: &Edit) -> String {
    let mut t = text.to_string();
    match *e {
        Edit::Delete(a, n) => {
            let from = boundary(&t, a);
            let mut to = (from + n).min(t.len());
            while !t.is_char_boundary(to) {
                to += 1;
            }
            t.replace_range(from..to, "");
        }
        Edit::Insert(a, k) => t.insert_str(boundary(&t, a), TOKENS[k]),
        Edit::Repeat(a, k, n) => t.insert_str(boundary(&t, a), &TOKENS[k].repeat(n)),
        Edit::SwapLines(a, b) => {
            let mut lines: Vec<&str> = t.split('\n').collect();
            let (i, j) = ((a * lines.len() as f64) as usize, (b * lines.len() as f64) as usize);
            let n = lines.len();
            lines.swap(i.min(n - 1), j.min(n - 1));
            t = lines.join("\n");
        }
        Edit::Truncate(a) => t.truncate(boundary(text, a)),
    }
    t
}

/// The starter site's files worth mangling, relative to the root.
fn targets(root: &Path) -> Vec<String> {
    let only = |folder: &str| {
        let entry = std::fs::read_dir(root.join(folder)).unwrap().flatten().next().unwrap();
        format!("{folder}/{}", entry.file_name().to_string_lossy())
    };
    vec![
        "site.yaml".into(),
        "accounts/acme-industrial/account.yaml".into(),
        only("accounts/acme-industrial/notes"),
        only("accounts/acme-industrial/reviews"),
        only("accounts/acme-industrial/plans"),
    ]
}

fn assert_located(root: &Path, diags: &kamsite::diag::Diagnostics) -> Result<(), TestCaseError> {
    for d in diags.iter() {
        let loc = d.location();
        let mut parts = loc.rsplitn(3, ':');
        let (col, line, file) = (parts.next(), parts.next(), parts.next());
        let col: usize = col.and_then(|c| c.parse().ok()).unwrap_or(0);
        let line: usize = line.and_then(|l| l.parse().ok()).unwrap_or(0);
        prop_assert!(col >= 1 && line >= 1, "no line:column in {loc}: {d}");
        let file = file.unwrap_or_default();
        prop_assert!(!file.is_empty(), "no file in {loc}: {d}");
        prop_assert!(
            root.join(file).exists() || file.starts_with("templates") || file.starts_with("themes"),
            "{file} is not a file of the site: {d}"
        );
        if let Some(text) = &d.source {
            // A line inside the file (one past the last for an error at the end).
            let lines = text.split('\n').count();
            prop_assert!(line <= lines + 1, "line {line} of {lines}: {d}");
        }
        let drawn = d.render(false);
        prop_assert!(drawn.contains(&format!("kamsite::{}", d.code)), "{drawn}");
    }
    Ok(())
}

struct Restore<'a>(&'a Path, &'a str);

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let _ = std::fs::write(self.0, self.1);
    }
}

#[test]
fn mangled_files_give_located_errors_and_no_panic() {
    let t = tempfile::tempdir().unwrap();
    let root: PathBuf = t.path().join("site");
    kamsite::scaffold::init(&root, jiff::civil::date(2026, 11, 26)).unwrap();
    let files = targets(&root);
    let originals: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(root.join(f)).unwrap())
        .collect();
    let config = Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let strategy = (0..files.len(), proptest::collection::vec(edit(), 1..6));
    let result = runner.run(&strategy, |(which, edits)| {
        let mut text = originals[which].clone();
        for e in &edits {
            text = apply(&text, e);
        }
        let path = root.join(&files[which]);
        std::fs::write(&path, &text).unwrap();
        // Put the file back even when check panics (the runner goes on shrinking).
        let _restore = Restore(&path, &originals[which]);
        let diags = kamsite::check(&root);
        assert_located(&root, &diags)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The untouched site is clean: the cases above tested the edits.
    assert!(!kamsite::check(&root).has_errors());
}
