//! `kamsite pdf`: the plan printed by headless Chromium, and a clear error
//! without it.

mod common;

use common::kamsite;
use predicates::prelude::*;

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

/// The PDF tests need a browser and pdftotext; without them they fail (a
/// skipped check would pass without checking anything). `.ci/run` installs both.
fn require_tools() {
    let browser = std::env::var_os("KAMSITE_CHROMIUM").is_some()
        || ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
            .iter()
            .any(|b| on_path(b));
    assert!(
        browser && on_path("pdftotext"),
        "the PDF tests need Chromium and pdftotext: apt-get install chromium poppler-utils (or set KAMSITE_CHROMIUM)"
    );
}

#[test]
fn pdf_holds_the_plans_objectives_and_nothing_internal() {
    require_tools();
    let t = tempfile::tempdir().unwrap();
    let pdf = t.path().join("kessler.pdf");
    kamsite()
        .args(["pdf", "--account", "kessler-werke", "--period", "2026", "--root"])
        .arg(common::example())
        .arg("--out")
        .arg(&pdf)
        .assert()
        .success()
        .stderr(predicate::str::contains("Joint business plan 2026"));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let o = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for s in [
        "Kessler Werke GmbH",
        "Joint business plan 2026",
        "Reduce unplanned downtime on the Heilbronn press lines",
        "Standardise the controls platform across Heilbronn and Brno",
        "Bring the Brno plant onto a shared MES with real-time quality data",
        "MES roll-out at Brno",
        "target 43",
    ] {
        assert!(flat.contains(s), "PDF lacks `{s}`:\n{text}");
    }
    for internal in ["Grow our share of wallet", "Bruhn", "Share of wallet"] {
        assert!(!flat.contains(internal), "PDF shows {internal}");
    }
    // A4 pages.
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output();
    if let Ok(info) = info {
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("(A4)"), "{info}");
    }
}

#[test]
fn pdf_names_its_file_after_account_and_period() {
    require_tools();
    let t = tempfile::tempdir().unwrap();
    // --out a folder: the file is named for the newest plan.
    kamsite()
        .args(["pdf", "--account", "havbris-energi", "--root"])
        .arg(common::example())
        .arg("--out")
        .arg(t.path())
        .assert()
        .success();
    assert!(t.path().join("havbris-energi-2026.pdf").is_file());
}

#[test]
fn pdf_without_chromium_says_what_to_install() {
    let t = tempfile::tempdir().unwrap();
    kamsite()
        .env_remove("KAMSITE_CHROMIUM")
        .env("PATH", t.path())
        .args(["pdf", "--account", "kessler-werke", "--root"])
        .arg(common::example())
        .arg("--out")
        .arg(t.path().join("x.pdf"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("printing a PDF needs headless Chromium"))
        .stderr(predicate::str::contains("apt-get install chromium"))
        .stderr(predicate::str::contains("KAMSITE_CHROMIUM"));
    kamsite()
        .env("KAMSITE_CHROMIUM", t.path().join("no-such-browser"))
        .args(["pdf", "--account", "kessler-werke", "--root"])
        .arg(common::example())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("KAMSITE_CHROMIUM is set to"));
    assert!(!t.path().join("x.pdf").exists());
}

#[cfg(unix)]
#[test]
fn pdf_of_a_missing_period_lists_the_plans() {
    // Any existing program passes the browser lookup; the period check comes first.
    kamsite()
        .env("KAMSITE_CHROMIUM", "/bin/sh")
        .args(["pdf", "--account", "kessler-werke", "--period", "2030", "--root"])
        .arg(common::example())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "has no plan for period `2030`; its plans: 2025, 2026",
        ));
    kamsite()
        .env("KAMSITE_CHROMIUM", "/bin/sh")
        .args(["pdf", "--account", "alpenmilch", "--root"])
        .arg(common::example())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has no plan to print"));
}
