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
        .arg(common::fixture("pages"))
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
    // --out a folder: the file is named for the newest of its two plans.
    kamsite()
        .args(["pdf", "--account", "kessler-werke", "--root"])
        .arg(common::fixture("pages"))
        .arg("--out")
        .arg(t.path())
        .assert()
        .success();
    assert!(t.path().join("kessler-werke-2026.pdf").is_file());
}

#[test]
fn pdf_without_chromium_says_what_to_install() {
    let t = tempfile::tempdir().unwrap();
    kamsite()
        .env_remove("KAMSITE_CHROMIUM")
        .env("PATH", t.path())
        .args(["pdf", "--account", "kessler-werke", "--root"])
        .arg(common::fixture("pages"))
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
        .arg(common::fixture("pages"))
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
        .arg(common::fixture("pages"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "has no plan for period `2030`; its plans: 2025, 2026",
        ));
    kamsite()
        .env("KAMSITE_CHROMIUM", "/bin/sh")
        .args(["pdf", "--account", "alpenmilch", "--root"])
        .arg(common::fixture("pages"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has no plan to print"));
}

/// The PDF embeds no local file: images named by an absolute or relative
/// path are left out with a warning, and no link points into the temporary
/// folder the page was printed from.
#[test]
fn pdf_embeds_no_local_image_and_no_file_link() {
    require_tools();
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    common::copy_dir(&common::fixture("pages"), &site);
    // A real image outside the site, named absolutely and relatively.
    let png = t.path().join("private.png");
    std::fs::write(&png, PNG_1X1).unwrap();
    let narrative = site.join("accounts/kessler-werke/plans/2026.md");
    let relative = "../../../../../../../../../..".to_string() + png.to_str().unwrap();
    let mut text = std::fs::read_to_string(&narrative).unwrap();
    text.push_str(&format!(
        "\n\n![absolute]({})\n\n<img src=\"{relative}\" alt=\"relative\">\n\n![data](data:image/png;base64,AA)\n",
        png.display()
    ));
    std::fs::write(&narrative, &text).unwrap();
    let pdf = t.path().join("plan.pdf");
    let o = kamsite()
        .args(["pdf", "--account", "kessler-werke", "--period", "2026", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&pdf)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    for src in [png.to_str().unwrap(), &relative] {
        assert!(
            err.contains(&format!("image `{src}` is a local file: left out of the PDF")),
            "{err}"
        );
    }
    assert!(
        err.contains("accounts/kessler-werke/plans/2026.md:"),
        "the warning points at the narrative: {err}"
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        !bytes.windows(7).any(|w| w == b"file://"),
        "the PDF holds a file:// link"
    );
    let images = std::process::Command::new("pdfimages")
        .args(["-list"])
        .arg(&pdf)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&images.stdout);
    assert_eq!(list.lines().count(), 2, "the PDF embeds an image:\n{list}");
}

/// A 1x1 PNG.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A folder linked out of the site stops the PDF as it stops a build.
#[cfg(unix)]
#[test]
fn pdf_refuses_a_folder_linked_out_of_the_site() {
    require_tools();
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    common::copy_dir(&common::fixture("pages"), &site);
    let outside = t.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("customer.css"), "body { background: url(/etc/passwd) }").unwrap();
    std::os::unix::fs::symlink(&outside, site.join("static")).unwrap();
    let pdf = t.path().join("plan.pdf");
    kamsite()
        .args(["pdf", "--account", "kessler-werke", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&pdf)
        .env("NO_COLOR", "1")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "static:1:1: symbolic link leads outside the site folder",
        ));
    assert!(!pdf.exists());
}
