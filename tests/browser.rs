//! The built site and `kamsite serve` in headless Chromium: pages render
//! without console errors, search finds a known note, and the live-reload
//! overlay appears on a broken file and goes away once it is fixed.
//! Chromium is required (CI installs it in .ci/run); set KAMSITE_SCREENSHOTS
//! to a folder to keep screenshots of what the tests saw.

mod authoring;
mod common;

use authoring::cdp::{Browser, serve_static};
use authoring::{Serve, edit, init_site};

/// The first note of the example site: (account slug, note id, title).
fn known_note() -> (String, String, String) {
    let accounts = common::example_site().join("accounts");
    let mut slugs: Vec<_> = std::fs::read_dir(&accounts)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    slugs.sort();
    for dir in slugs {
        let mut notes: Vec<_> = std::fs::read_dir(dir.join("notes"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        notes.sort();
        if let Some(note) = notes.first() {
            let title = common::yaml_value(&common::read(note), "title").unwrap();
            let id = note.file_stem().unwrap().to_string_lossy().into_owned();
            let slug = dir.file_name().unwrap().to_string_lossy().into_owned();
            return (slug, id, title);
        }
    }
    panic!("the example site has no notes");
}

#[test]
fn built_site_renders_cleanly_and_search_finds_a_note() {
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&common::example_site(), &t.path().join("public"));
    let addr = serve_static(&out);
    let (slug, note_id, title) = known_note();
    let mut b = Browser::launch();

    for (path, name) in [
        ("/", "dashboard"),
        (&*format!("/accounts/{slug}/"), "account"),
        ("/search/", "search"),
    ] {
        b.goto(&format!("http://{addr}{path}"));
        let h1 = b.eval("document.querySelector('h1') && document.querySelector('h1').textContent.trim()");
        assert!(h1.as_str().is_some_and(|s| !s.is_empty()), "{path}: no heading");
        assert!(
            b.eval("document.title").as_str().unwrap_or("").contains("Nordlys"),
            "{path}: title"
        );
        if name != "search" {
            let fetched =
                b.eval("performance.getEntriesByType('resource').some(e => e.name.includes('search/index.json'))");
            assert_eq!(
                fetched, false,
                "{path} loaded the search index before search was opened"
            );
        }
        b.screenshot(name);
    }
    let svg = b.eval("document.querySelectorAll('svg').length");
    assert!(svg.as_u64().is_some_and(|n| n == 0), "the search page has no charts");

    // Type the note's title into the search box, as a user would.
    b.eval(&format!(
        "(() => {{ const q = document.querySelector('input[name=q]'); q.focus(); q.value = {}; \
         q.dispatchEvent(new Event('input')); return true; }})()",
        serde_json::to_string(&title).unwrap()
    ));
    let href = b.wait_for(&format!(
        "[...document.querySelectorAll('#search-results a')].map(a => a.getAttribute('href')).find(h => h.endsWith('#note-{note_id}'))"
    ));
    assert_eq!(
        href.as_str(),
        Some(format!("../accounts/{slug}/index.html#note-{note_id}").as_str())
    );
    b.screenshot("search-results");
    let results = b.eval("document.getElementById('search-results').textContent");
    assert!(results.as_str().unwrap_or("").contains(&title), "{results}");

    // The result leads to the note.
    b.goto(&format!("http://{addr}/accounts/{slug}/#note-{note_id}"));
    assert_eq!(b.eval(&format!("!!document.getElementById('note-{note_id}')")), true);

    let errors = b.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[test]
fn serve_reloads_the_page_and_shows_the_error_overlay() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    init_site(&root);
    let mut serve = Serve::start(&root);
    let mut b = Browser::launch();
    b.goto(&serve.url("/accounts/acme-industrial/"));
    assert_eq!(b.eval("document.querySelector('h1').textContent"), "Acme Industrial AS");
    // Wait until the page listens, then mark it: a reload clears the mark.
    b.wait_for("window.__kamsiteLive && window.__kamsiteLive.readyState === 1");
    b.eval("window.__before = 1");

    let account = root.join("accounts/acme-industrial/account.yaml");
    edit(&account, "name: Acme Industrial AS", "name: Acme Industrial Group");
    b.wait_for("document.querySelector('h1') && document.querySelector('h1').textContent === 'Acme Industrial Group'");
    assert_eq!(b.eval("window.__before === undefined"), true, "the page was reloaded");
    b.wait_for("window.__kamsiteLive && window.__kamsiteLive.readyState === 1");

    edit(&account, "tier: foundation", "tier: [foundation");
    let overlay = b.wait_for(
        "document.getElementById('kamsite-error-overlay') && document.getElementById('kamsite-error-overlay').innerText",
    );
    let text = overlay.as_str().unwrap_or("");
    assert!(text.contains("accounts/acme-industrial/account.yaml:8:7"), "{text}");
    assert!(text.contains("tier: [foundation"), "snippet: {text}");
    b.screenshot("serve-error-overlay");

    // Another page opened while the build is broken shows the overlay too.
    b.goto(&serve.url("/"));
    b.wait_for("!!document.getElementById('kamsite-error-overlay')");

    edit(&account, "tier: [foundation", "tier: foundation");
    b.wait_for("!document.getElementById('kamsite-error-overlay') && document.readyState === 'complete'");
    b.screenshot("serve-recovered");
    assert!(serve.interrupt().success());
}

/// Every link of the page that leads to another page of the site, resolved.
fn page_links(b: &mut Browser, selector: &str) -> Vec<String> {
    let v = b.eval(&format!(
        "[...document.querySelectorAll({})].map(a => new URL(a.getAttribute('href'), location.href).href).filter(h => h.startsWith('file:'))",
        serde_json::to_string(selector).unwrap()
    ));
    let mut links: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect();
    links.dedup();
    links
}

/// The page now shown is a page of the site (not a folder listing or an error page).
fn assert_site_page(b: &mut Browser, url: &str, title: &str) {
    let href = b.eval("location.href");
    let href = href.as_str().unwrap();
    assert!(
        href.ends_with(".html") || href.contains(".html#") || href.contains(".html?"),
        "{url} opened {href}, not a page"
    );
    let doc_title = b.eval("document.title");
    assert!(
        doc_title.as_str().unwrap_or("").contains(title),
        "{url}: title {doc_title} (a folder listing is titled \"Index of …\")"
    );
    let h1 = b.eval("document.querySelector('h1') ? document.querySelector('h1').textContent.trim() : ''");
    assert!(h1.as_str().is_some_and(|s| !s.is_empty()), "{url}: no heading");
}

#[test]
fn built_site_opened_from_disk_follows_its_navigation_and_searches() {
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&common::example_site(), &t.path().join("public"));
    let (slug, note_id, title) = known_note();
    let mut b = Browser::launch();
    let home = format!("file://{}/index.html", out.display());
    b.goto(&home);
    assert_site_page(&mut b, &home, "Nordlys");
    // The main navigation, each entry's own links, and back home from each.
    let nav = page_links(&mut b, "nav.nav a");
    assert!(nav.len() >= 5, "navigation: {nav:?}");
    for item in &nav {
        b.goto(item);
        assert_site_page(&mut b, item, "Nordlys");
        b.screenshot(&format!("file-{}", item.rsplit('/').nth(1).unwrap_or("home")));
        let brand = page_links(&mut b, "a.brand");
        b.goto(&brand[0]);
        assert_site_page(&mut b, &brand[0], "Nordlys");
    }
    // The first links of the account list, the matrix and the dashboard.
    for (from, selector) in [
        (&nav[0], "main a"),
        (&home, "main a"),
        (&nav.iter().find(|l| l.contains("/matrix/")).unwrap().clone(), "svg a"),
    ] {
        b.goto(from);
        for link in page_links(&mut b, selector)
            .into_iter()
            .filter(|l| !l.ends_with(".json"))
            .take(6)
        {
            b.goto(&link);
            assert_site_page(&mut b, &link, "Nordlys");
        }
    }

    // Search, with no server to fetch the index from.
    let search = nav.iter().find(|l| l.contains("/search/")).unwrap().clone();
    b.goto(&search);
    b.eval(&format!(
        "(() => {{ const q = document.querySelector('input[name=q]'); q.focus(); q.value = {}; \
         q.dispatchEvent(new Event('input')); return true; }})()",
        serde_json::to_string(&title).unwrap()
    ));
    let href = b.wait_for(&format!(
        "[...document.querySelectorAll('#search-results a')].map(a => a.getAttribute('href')).find(h => h.endsWith('#note-{note_id}'))"
    ));
    assert_eq!(
        href.as_str(),
        Some(format!("../accounts/{slug}/index.html#note-{note_id}").as_str())
    );
    let status = b.eval("document.getElementById('search-status').textContent");
    assert!(!status.as_str().unwrap_or("").contains("Could not"), "{status}");
    b.screenshot("file-search-results");
    let result = b.eval(&format!(
        "[...document.querySelectorAll('#search-results a')].find(a => a.href.endsWith('#note-{note_id}')).href"
    ));
    let result = result.as_str().unwrap().to_string();
    b.goto(&result);
    assert_site_page(&mut b, &result, "Nordlys");
    assert_eq!(b.eval(&format!("!!document.getElementById('note-{note_id}')")), true);

    let errors = b.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[test]
fn customer_site_opened_from_disk_follows_its_links() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("customer");
    let o = common::kamsite()
        .args([
            "build",
            "--audience",
            "customer",
            "--account",
            "kessler-werke",
            "--root",
        ])
        .arg(common::example_site())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut b = Browser::launch();
    let home = format!("file://{}/index.html", out.display());
    b.goto(&home);
    assert_site_page(&mut b, &home, "Kessler");
    let links = page_links(&mut b, "a");
    assert!(links.iter().any(|l| l.contains("/plans/")), "{links:?}");
    for link in links {
        b.goto(&link);
        assert_site_page(&mut b, &link, "Kessler");
        // Each plan page leads back to the customer's home page.
        for back in page_links(&mut b, "a.c-name") {
            b.goto(&back);
            assert_site_page(&mut b, &back, "Kessler");
        }
    }
    let errors = b.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

/// At a phone's 400 px, no stat card's text runs out of its card and no page
/// is wider than the screen.
#[test]
fn stat_cards_fit_a_400_px_screen() {
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&common::example_site(), &t.path().join("public"));
    let mut b = Browser::launch();
    b.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": 400, "height": 900, "deviceScaleFactor": 1, "mobile": true }),
    );
    let pages = [
        "index.html",
        "reviews/index.html",
        "reviews/competitors/halden-controls/index.html",
        "accounts/kessler-werke/index.html",
        "accounts/kessler-werke/plans/2026/index.html",
        "tiers/index.html",
    ];
    for page in pages {
        let url = format!("file://{}/{page}", out.display());
        b.goto(&url);
        let stats = b.eval("document.querySelectorAll('.stat').length");
        // Elements (in cards) whose content is wider than their box, and the page's width.
        let over = b.eval(
            "[...document.querySelectorAll('.stat, .stat *')]\
             .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > 400 + 1)\
             .map(e => e.className + ': ' + e.textContent.trim().slice(0, 40))",
        );
        assert_eq!(over, serde_json::json!([]), "{page}: stat cards overflow at 400 px");
        let width = b.eval("document.documentElement.scrollWidth");
        let wide = b.eval(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 400 + 1              && !(e.parentElement && e.parentElement.getBoundingClientRect().right > 400 + 1))             .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
        );
        assert!(
            width.as_f64().unwrap() <= 400.0,
            "{page} is {width} px wide at 400 px: {wide}"
        );
        b.screenshot(&format!("400px-{}", page.replace('/', "_")));
        if page == "index.html" {
            assert!(stats.as_u64().unwrap() >= 6, "{page}: {stats} stat cards");
        }
    }
}

/// On a desktop screen every chart of the win/loss page shows its text at
/// about the same size, the full-width head-to-head chart as the half-width
/// ones: a chart is scaled to its card, so its drawing width sets its text size.
#[test]
fn chart_text_is_one_size_across_the_win_loss_page() {
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&common::example_site(), &t.path().join("public"));
    let mut b = Browser::launch();
    b.goto(&format!("file://{}/reviews/index.html", out.display()));
    let sizes = b.eval(
        "[...document.querySelectorAll('svg.chart')].map(s => [s.getAttribute('aria-label'), \
         14 * s.getBoundingClientRect().width / s.viewBox.baseVal.width])",
    );
    let sizes: Vec<(String, f64)> = sizes
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v[0].as_str().unwrap().to_string(), v[1].as_f64().unwrap()))
        .collect();
    assert!(sizes.len() >= 5, "{sizes:?}");
    let min = sizes.iter().map(|s| s.1).fold(f64::MAX, f64::min);
    let max = sizes.iter().map(|s| s.1).fold(0.0, f64::max);
    assert!(
        max / min < 1.2,
        "14 px chart text shows from {min:.1} to {max:.1} px: {sizes:?}"
    );
    assert!(min >= 10.0, "chart text as small as {min:.1} px: {sizes:?}");
}
