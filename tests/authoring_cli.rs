//! `init`, `new`, the link check in `check` / `build` / `build --strict`,
//! and the search index of the internal build.

mod common;

use common::{copy_dir, fixture, kamsite, read};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn init_makes_a_site_that_builds_without_warnings() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    let o = kamsite().arg("init").arg(&root).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "site.yaml",
        "accounts/acme-industrial/account.yaml",
        "accounts/borealis-foods/account.yaml",
        ".kamsite/schemas/account.schema.json",
    ] {
        assert!(root.join(f).is_file(), "{f}");
    }
    let site = read(&root.join("site.yaml"));
    for framework in [
        "matrix:",
        "preset: mcdonald",
        "tiers:",
        "stages:",
        "win_loss:",
        "reasons:",
    ] {
        assert!(site.contains(framework), "site.yaml spells out `{framework}`");
    }
    assert!(
        site.lines().filter(|l| l.trim_start().starts_with('#')).count() > 10,
        "commented"
    );
    let notes = std::fs::read_dir(root.join("accounts/acme-industrial/notes"))
        .unwrap()
        .count();
    let reviews = std::fs::read_dir(root.join("accounts/acme-industrial/reviews"))
        .unwrap()
        .count();
    let plans = std::fs::read_dir(root.join("accounts/acme-industrial/plans"))
        .unwrap()
        .count();
    assert_eq!((notes, reviews, plans), (1, 1, 1));

    let o = kamsite().args(["check", "--root"]).arg(&root).output().unwrap();
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("check passed: 0 errors, 0 warnings"),
        "{}",
        stderr(&o)
    );
    let o = kamsite()
        .args(["build", "--strict", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    // The matrix reads as the preset: writing its values out is not a customisation.
    let matrix = read(&root.join("public/matrix/index.html"));
    assert!(!matrix.contains("(customised)"));
    let o = kamsite()
        .args([
            "build",
            "--audience",
            "customer",
            "--account",
            "acme-industrial",
            "--root",
        ])
        .arg(&root)
        .arg("--out")
        .arg(t.path().join("customer"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn init_refuses_to_overwrite() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    kamsite().arg("init").arg(&root).assert().success();
    std::fs::write(root.join("site.yaml"), "title: Mine\n").unwrap();
    let o = kamsite().arg("init").arg(&root).output().unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("refusing to overwrite"), "{}", stderr(&o));
    assert_eq!(read(&root.join("site.yaml")), "title: Mine\n");
}

#[test]
fn new_writes_commented_files_and_never_overwrites() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    kamsite().arg("init").arg(&root).assert().success();
    let new = |args: &[&str]| {
        kamsite()
            .arg("new")
            .args(args)
            .arg("--root")
            .arg(&root)
            .output()
            .unwrap()
    };

    let o = new(&["account", "Bjørnstad & Sønner AS"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let account = root.join("accounts/bjornstad-sonner-as/account.yaml");
    let text = read(&account);
    assert!(text.starts_with("# yaml-language-server: $schema=../../.kamsite/schemas/account.schema.json\n"));
    assert!(text.contains("name: Bjørnstad & Sønner AS\n"));
    assert!(text.contains("# tier: "), "optional keys are there, commented");
    let o = new(&["account", "Bjørnstad & Sønner AS"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("refusing to overwrite"));
    assert_eq!(read(&account), text);

    let o = new(&["note", "bjornstad-sonner-as", "Kick-off: scope"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let created = stdout
        .trim()
        .strip_prefix("created ")
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        created.contains("/notes/") && created.ends_with("-kick-off-scope.md"),
        "{created}"
    );
    let note = read(std::path::Path::new(&created));
    assert!(
        note.starts_with("---\n# yaml-language-server: $schema=../../../.kamsite/schemas/note.schema.json\ndate: ")
    );
    assert!(note.contains("title: \"Kick-off: scope\"\n"));
    assert!(
        !new(&["note", "bjornstad-sonner-as", "Kick-off: scope"])
            .status
            .success()
    );

    let o = new(&["review", "acme-industrial"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("-erp-rollout.md"),
        "named after an opportunity"
    );
    let o = new(&["plan", "acme-industrial", "2030-H1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(root.join("accounts/acme-industrial/plans/2030-H1.yaml").is_file());
    assert!(!new(&["plan", "acme-industrial", "2030-H1"]).status.success());
    let o = new(&["plan", "acme-industrial", "../../x"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("invalid period"));

    let o = new(&["note", "acme-industrail", "Typo"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("did you mean `acme-industrial`"), "{}", stderr(&o));

    // Everything `new` wrote loads, without a warning.
    let o = kamsite().args(["check", "--root"]).arg(&root).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 errors, 0 warnings"), "{}", stderr(&o));
}

/// `data/winloss.json` of the internal build in `out`.
fn winloss(out: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&read(&out.join("data/winloss.json"))).unwrap()
}

#[test]
fn every_new_file_builds_without_warnings_and_counts_nowhere_until_filled_in() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    kamsite().arg("init").arg(&root).assert().success();
    let build = |out: &str| {
        let o = kamsite()
            .args(["build", "--strict", "--root"])
            .arg(&root)
            .arg("--out")
            .arg(t.path().join(out))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
        t.path().join(out)
    };
    let before = winloss(&build("before"));
    let new = |args: &[&str]| {
        let o = kamsite()
            .arg("new")
            .args(args)
            .arg("--root")
            .arg(&root)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    new(&["account", "Škoda Łódź Çelik"]);
    new(&["account", "Газпром нефть"]);
    new(&["note", "skoda-lodz-celik", "Kick-off"]);
    new(&["note", "acme-industrial", "Steering group"]);
    // A review for an account with opportunities, one for an account with
    // none, and one for the new account.
    let created = new(&["review", "acme-industrial"]);
    new(&["review", "borealis-foods"]);
    new(&["review", "skoda-lodz-celik"]);
    new(&["plan", "acme-industrial", "2031"]);
    new(&["plan", "borealis-foods", "2031-H1"]);
    new(&["plan", "skoda-lodz-celik", "2031"]);
    assert!(root.join("accounts/skoda-lodz-celik/account.yaml").is_file());
    assert!(root.join("accounts/gazprom-neft/account.yaml").is_file());
    let after_out = build("after");
    let after = winloss(&after_out);
    assert_eq!(before, after, "drafts changed the win/loss figures");
    assert_eq!(before["overall"]["win_rate"], 1.0, "the starter's one review is a win");
    // No page for a draft review, and the review lists are as before.
    let review = created.trim().strip_prefix("created ").unwrap().lines().next().unwrap();
    let stem = std::path::Path::new(review)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(stem.ends_with("-erp-rollout"), "{stem}");
    assert!(
        !after_out
            .join(format!("accounts/acme-industrial/reviews/{stem}/index.html"))
            .exists()
    );
    assert_eq!(
        read(&after_out.join("reviews/index.html"))
            .matches("erp-rollout")
            .count(),
        0
    );

    // Once `draft: true` is removed, check asks for what is missing.
    let path = std::path::Path::new(review);
    let text = read(path).replace("draft: true\n", "");
    std::fs::write(path, text).unwrap();
    let o = kamsite().args(["check", "--root"]).arg(&root).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("review has no `outcome`"), "{err}");
    assert!(err.contains("1 error"), "{err}");
}

#[test]
fn new_account_transliterates_names_in_any_script() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    kamsite().arg("init").arg(&root).assert().success();
    for (name, slug) in [
        ("Škoda Łódź Çelik", "skoda-lodz-celik"),
        ("Газпром нефть", "gazprom-neft"),
        ("Ελληνικά Πετρέλαια", "ellenika-petrelaia"),
        ("Åsgård Øst & Co.", "asgard-ost-co"),
    ] {
        let o = kamsite()
            .args(["new", "account", name, "--root"])
            .arg(&root)
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let text = read(&root.join(format!("accounts/{slug}/account.yaml")));
        assert!(text.contains(&format!("name: {name}\n")), "{text}");
    }
    // Nothing in the name makes a letter: refused, with the reason.
    let o = kamsite()
        .args(["new", "account", "★ !!", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot make a folder name"), "{}", stderr(&o));
    let o = kamsite().args(["check", "--root"]).arg(&root).output().unwrap();
    assert!(stderr(&o).contains("0 errors, 0 warnings"), "{}", stderr(&o));
}

#[test]
fn check_reports_every_broken_link_where_it_was_written() {
    let root = fixture("broken-links");
    let o = kamsite().args(["check", "--root"]).arg(&root).output().unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "broken links are warnings in check: {err}");
    let note = "accounts/acme/notes/2026-11-01-links.md";
    for (at, href) in [
        (format!("{note}:8:16"), "../gone/"),
        (format!("{note}:8:42"), "#nowhere"),
        (format!("{note}:10:22"), "../beta/#contact-nobody"),
        (format!("{note}:10:55"), "/matrx/"),
        (format!("{note}:10:76"), "../../logo.png"),
        ("templates/404.html:4:21".to_string(), "/acounts/"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(&format!("broken link `{href}`")))
            .unwrap_or_else(|| panic!("`{href}` not reported:\n{err}"));
        assert!(line.contains(&at), "`{href}` reported at the wrong place: {line}");
    }
    assert_eq!(err.matches("broken link `").count(), 6, "{err}");
    for fine in [
        "`../beta/`",
        "`../beta/#contact-kari`",
        "`../../files/guide.pdf`",
        "`/matrix/`",
        "`../../`",
    ] {
        assert!(!err.contains(&format!("broken link {fine}")), "{fine} is fine: {err}");
    }
}

#[test]
fn build_warns_on_broken_links_and_strict_fails() {
    let t = tempfile::tempdir().unwrap();
    let root = fixture("broken-links");
    let out = t.path().join("out");
    let o = kamsite()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("broken link").count(), 6, "{}", stderr(&o));
    // A build points where `check` does: into the note.
    for at in [
        "accounts/acme/notes/2026-11-01-links.md:8:16: warning: broken link `../gone/`",
        "accounts/acme/notes/2026-11-01-links.md:10:76: warning: broken link `../../logo.png`",
    ] {
        assert!(stderr(&o).contains(at), "{at}\n{}", stderr(&o));
    }
    assert!(out.join("index.html").is_file());

    let strict_out = t.path().join("strict");
    let o = kamsite()
        .args(["build", "--strict", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&strict_out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("build failed: 6 errors"), "{err}");
    assert!(err.contains("nothing was written"));
    assert!(!strict_out.exists(), "nothing written");
}

#[test]
fn a_build_places_broken_links_in_notes_read_again_as_the_loader_read_them() {
    // A build lets go of a note's text once its page is rendered, and the
    // report reads the note again. An older note that starts with a
    // byte-order mark (the loader drops it) repeats a broken link of the
    // newer one: each occurrence belongs to its own note.
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    copy_dir(&fixture("broken-links"), &root);
    let again = "accounts/acme/notes/2026-10-01-again.md";
    std::fs::write(
        root.join(again),
        "\u{feff}---\ndate: 2026-10-01\ntitle: Again\n---\nAgain: [gone](../gone/).\n",
    )
    .unwrap();
    let want = [
        "accounts/acme/notes/2026-11-01-links.md:8:16: warning: broken link `../gone/`",
        "accounts/acme/notes/2026-10-01-again.md:5:15: warning: broken link `../gone/`",
    ];
    let o = kamsite()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    for at in want {
        assert!(err.contains(at), "{at}\n{err}");
    }
    assert_eq!(err.matches("broken link `../gone/`").count(), 2, "{err}");
    // `check` keeps every text and says the same.
    let o = kamsite().args(["check", "--root"]).arg(&root).output().unwrap();
    let err = stderr(&o);
    for at in want {
        let (place, rest) = at.split_once(": warning: ").unwrap();
        assert!(
            err.lines().any(|l| l.contains(place) && l.contains(rest)),
            "{place}\n{err}"
        );
    }
}

#[test]
fn a_broken_link_off_the_profile_is_placed_in_its_template_not_in_a_note() {
    // Notes render on their account's profile only. The dashboard's broken
    // `matrx/` is also text in a note (`/matrx/`), but it comes from the
    // dashboard's template; the note's own link stays with the note.
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    copy_dir(&fixture("broken-links"), &root);
    let index = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/index.html"),
    )
    .unwrap();
    let index = index.replacen(
        "{% block content %}",
        "{% block content %}<a href=\"{{ root }}matrx/\">typo</a>",
        1,
    );
    std::fs::write(root.join("templates/index.html"), index).unwrap();
    let o = kamsite()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("templates/index.html:2:39: warning: broken link `matrx/` on page /index.html"),
        "{err}"
    );
    assert!(
        err.contains("accounts/acme/notes/2026-11-01-links.md:10:55: warning: broken link `/matrx/`"),
        "{err}"
    );
    assert_eq!(err.matches("matrx/` on page").count(), 2, "{err}");
}

#[test]
fn the_example_site_has_no_broken_links() {
    let o = kamsite()
        .args(["check", "--root"])
        .arg(common::example_site())
        .output()
        .unwrap();
    assert!(!stderr(&o).contains("broken-link"), "{}", stderr(&o));
}

#[test]
fn search_is_internal_only_and_its_size_is_reported() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("internal");
    // With an address, links are folder links and the index is JSON.
    let o = kamsite()
        .args(["build", "--base-url", "https://kam.example.com/", "--root"])
        .arg(common::fixture("pages"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = stderr(&o);
    // The summary counts every file of the index.
    let size: u64 = walkdir::WalkDir::new(out.join("search"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| e.metadata().unwrap().len())
        .sum();
    let reported = format!("search index {:.1} kB", size as f64 / 1e3);
    assert!(err.contains(&reported), "{reported} in {err}");
    let index = read(&out.join("search/index.json"));
    assert!(!index.contains('\n'), "compact");
    let v: serde_json::Value = serde_json::from_str(&index).unwrap();
    assert_eq!(v["k"], serde_json::json!(["Account", "Contact", "Note", "Review"]));
    let entries: serde_json::Value = serde_json::from_str(&read(&out.join("search/e/0.json"))).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(v["n"], entries.len(), "one chunk holds this small site's entries");
    let accounts = entries.iter().filter(|e| e[0] == 0).count();
    assert_eq!(accounts, 4, "one entry per account");
    let page = read(&out.join("search/index.html"));
    assert!(page.contains("search.js"));
    assert!(
        !read(&out.join("index.html")).contains("index.json"),
        "loaded only by the search page"
    );

    let cust = t.path().join("customer");
    let o = kamsite()
        .args([
            "build",
            "--audience",
            "customer",
            "--account",
            "kessler-werke",
            "--root",
        ])
        .arg(common::fixture("pages"))
        .arg("--out")
        .arg(&cust)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("search index"));
    for (path, bytes) in common::tree(&cust) {
        assert!(!path.contains("search"), "{path} in the customer build");
        assert!(
            !String::from_utf8_lossy(&bytes).contains("search/"),
            "{path} links to search"
        );
    }
}

#[test]
fn broken_links_in_reviews_and_plan_narratives_are_placed_in_their_files() {
    // Render records which document's HTML is where on each page: a review's
    // narrative and a plan's are found like notes, at the URL as written.
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    copy_dir(&common::fixture("pages"), &root);
    let review = "accounts/kessler-werke/reviews/2026-06-30-mes-brno.md";
    let plan = "accounts/kessler-werke/plans/2026.md";
    let note = "accounts/kessler-werke/notes/2026-11-12-service-renewal-working-session.md";
    for (file, add) in [
        (review, "\nSee [the brief](../../brief/) and [the plan](#nowhere).\n"),
        (plan, "\n\nThe [old plan](../2024/) is gone.\n"),
        (note, "\n\nAs [before](../../../old/).\n"),
    ] {
        let mut text = std::fs::read_to_string(root.join(file)).unwrap();
        text.push_str(add);
        std::fs::write(root.join(file), text).unwrap();
    }
    let lines = |file: &str| std::fs::read_to_string(root.join(file)).unwrap().lines().count();
    let want = [
        format!("{review}:{}:17: warning: broken link `../../brief/`", lines(review)),
        format!("{review}:{}:46: warning: broken link `#nowhere`", lines(review)),
        format!("{plan}:{}:16: warning: broken link `../2024/`", lines(plan)),
        format!("{note}:{}:13: warning: broken link `../../../old/`", lines(note)),
    ];
    let o = kamsite()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    for at in &want {
        assert!(err.contains(at.as_str()), "{at}\n{err}");
    }
    assert_eq!(err.matches("broken link `").count(), 4, "{err}");
    // `check` says the same, with the lines of the files under each.
    let o = kamsite().args(["check", "--root"]).arg(&root).output().unwrap();
    let err = stderr(&o);
    for at in &want {
        let (place, rest) = at.split_once(": warning: ").unwrap();
        assert!(
            err.lines().any(|l| l.contains(place) && l.contains(rest)),
            "{place}\n{err}"
        );
    }
    assert!(err.contains("│ As [before](../../../old/)."), "{err}");
    assert!(err.contains("│ The [old plan](../2024/) is gone."), "{err}");
}
