//! The built site and `kamsite serve` in headless Chromium: pages render
//! without console errors, search finds a known note, and the live-reload
//! overlay appears on a broken file and goes away once it is fixed.
//! Chromium is required (CI installs it in .ci/run); set KAMSITE_SCREENSHOTS
//! to a folder to keep screenshots of what the tests saw.

mod authoring;
mod common;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

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

/// Type `q` into the search box and wait for the search to finish: the
/// results shown, as (kind, title, subtitle, href).
fn search_for(b: &mut Browser, q: &str) -> Vec<[String; 4]> {
    b.eval(&format!(
        "(() => {{ document.getElementById('search-results').textContent = ''; \
         document.getElementById('search-status').textContent = ''; \
         const q = document.querySelector('input[name=q]'); q.focus(); q.value = {}; \
         q.dispatchEvent(new Event('input')); return true; }})()",
        serde_json::to_string(q).unwrap()
    ));
    let status =
        b.wait_for("(s => /match|Could not/.test(s) && s)(document.getElementById('search-status').textContent)");
    assert!(!status.as_str().unwrap().contains("Could not"), "{q}: {status}");
    let v = b.eval(
        "[...document.querySelectorAll('#search-results li')].map(li => [li.querySelector('.kind').textContent, \
         li.querySelector('a').textContent, li.querySelector('.sub').textContent, li.querySelector('a').getAttribute('href')])",
    );
    serde_json::from_value(v).unwrap()
}

/// The search files the page has requested: (path under search/, bytes).
fn search_requests(b: &mut Browser) -> Vec<(String, u64)> {
    let v = b.eval(
        "performance.getEntriesByType('resource').filter(e => /\\/search\\/.+\\.js(on)?$/.test(e.name))\
         .map(e => [e.name.replace(/^.*\\/search\\//, ''), e.encodedBodySize])",
    );
    serde_json::from_value(v).unwrap()
}

/// A generated portfolio of 1,200 accounts (18,000 entries), its index over
/// HTTP and from disk: a query fetches the table, the shards of its words
/// and the display data of its hits, a small part of the index, and finds
/// the account, note or entries asked for, the same both ways. A word in
/// more entries than a shard keeps ("summary", in every note) is completed
/// from its block files.
#[test]
fn sharded_search_fetches_little_and_finds_the_same_over_http_and_from_disk() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    gen_corpus::generate(&gen_corpus::Args {
        accounts: 1200,
        notes: 5,
        seed: 7,
        out: site.clone(),
        hugo: None,
        zola: None,
        history_commits: 0,
        history_batch: 1,
    })
    .unwrap();
    let account = site.join("accounts/account-000417");
    let name = common::yaml_value(&common::read(&account.join("account.yaml")), "name").unwrap();
    let surname = name.split(' ').next().unwrap().to_string();
    let mut notes: Vec<_> = std::fs::read_dir(account.join("notes"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    notes.sort();
    let note_title = common::yaml_value(&common::read(&notes[0]), "title").unwrap();
    let note_id = notes[0].file_stem().unwrap().to_string_lossy().into_owned();

    // Over HTTP, with folder links: the index as JSON files, fetched.
    let http_out = t.path().join("http");
    let o = common::kamsite()
        .args(["build", "--base-url", "https://kam.example.com/", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&http_out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let index_bytes: u64 = walkdir::WalkDir::new(http_out.join("search"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(http_out.join("search/w").is_dir(), "a long term has block files");
    let addr = serve_static(&http_out);
    let mut b = Browser::launch();
    b.goto(&format!("http://{addr}/search/"));

    let by_slug = search_for(&mut b, "account-000417");
    assert_eq!(
        by_slug[0],
        [
            "Account".to_string(),
            name.clone(),
            by_slug[0][2].clone(),
            "../accounts/account-000417/".to_string()
        ],
        "{by_slug:?}"
    );
    let query = format!("{note_title} {surname}");
    let by_note = search_for(&mut b, &query);
    assert_eq!(by_note[0][0], "Note", "{by_note:?}");
    assert_eq!(by_note[0][1], note_title);
    assert_eq!(by_note[0][3], format!("../accounts/account-000417/#note-{note_id}"));
    // Every result has both words: a note in its file (its excerpt and
    // attendees are searched), any other in its title or subtitle (which
    // names its account).
    let common_word = search_for(&mut b, &format!("summary {surname}"));
    assert!(!common_word.is_empty());
    for r in &common_word {
        let shown = format!("{} {}", r[1], r[2]);
        if let Some((slug, id)) = r[3].strip_prefix("../accounts/").and_then(|h| h.split_once("/#note-")) {
            let text = common::read(&site.join(format!("accounts/{slug}/notes/{id}.md")));
            assert!(text.contains("summary") || text.contains("Summary"), "{r:?}");
            assert!(text.contains(&surname) || shown.contains(&surname), "{surname}: {r:?}");
        } else {
            assert!(shown.contains(&surname), "{surname}: {r:?}");
        }
    }
    let requests = search_requests(&mut b);
    let names: Vec<&str> = requests.iter().map(|r| r.0.as_str()).collect();
    assert!(names.contains(&"index.json"), "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("w/")),
        "the long term's blocks: {names:?}"
    );
    assert!(
        names
            .iter()
            .all(|n| *n == "index.json" || ["t/", "w/", "e/"].iter().any(|p| n.starts_with(p))),
        "{names:?}"
    );
    let fetched: u64 = requests.iter().map(|r| r.1).sum();
    assert!(
        fetched * 4 < index_bytes,
        "three queries fetched {fetched} of the index's {index_bytes} bytes: {names:?}"
    );
    let http_results = [by_slug, by_note, common_word];

    // From disk, with file links: the same files as scripts.
    let disk_out = common::build_to(&site, &t.path().join("disk"));
    assert!(!disk_out.join("search/index.json").exists());
    b.goto(&format!("file://{}/search/index.html", disk_out.display()));
    for (q, over_http) in [
        "account-000417".to_string(),
        query.clone(),
        format!("summary {surname}"),
    ]
    .iter()
    .zip(&http_results)
    {
        let from_disk = search_for(&mut b, q);
        let as_http: Vec<[String; 4]> = from_disk
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r[3] = r[3].replace("/index.html", "/");
                r
            })
            .collect();
        assert_eq!(&as_http, over_http, "{q}: from disk and over HTTP");
    }
    let errors = b.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

/// axe-core's script (npm `axe-core`), installed on first use into the
/// tests' scratch folder with npm, as .ci/run installs Chromium.
fn axe_script() -> String {
    const VERSION: &str = "4.14.1";
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("axe-{VERSION}"));
    let script = dir.join("node_modules/axe-core/axe.min.js");
    if !script.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let o = std::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(format!("axe-core@{VERSION}"))
            .output()
            .unwrap_or_else(|e| {
                panic!("the accessibility test needs npm to install axe-core (apt-get install npm): {e}")
            });
        assert!(
            o.status.success(),
            "npm install axe-core: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    std::fs::read_to_string(&script).unwrap()
}

/// axe-core's serious and critical violations on the page shown.
fn axe_violations(b: &mut Browser, axe: &str) -> serde_json::Value {
    if b.eval("typeof axe") != "object" {
        b.eval(axe);
    }
    b.eval(
        "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations\
         .filter(v => v.impact === 'serious' || v.impact === 'critical')\
         .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 4)\
         .map(n => n.target.join(' ') + ' [' + (n.failureSummary || '').replace(/\\s+/g, ' ') + ']').join('; ')))",
    )
}

/// axe-core finds no serious or critical problem on the dashboard, a
/// profile, the matrix, the win/loss reviews page, the search page with
/// results, and a customer's plan.
#[test]
fn pages_have_no_serious_accessibility_violations() {
    let axe = axe_script();
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&common::example_site(), &t.path().join("public"));
    let customer = t.path().join("customer");
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
        .arg(&customer)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let plan = walkdir::WalkDir::new(&customer)
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .find(|p| p.ends_with("index.html") && p.to_string_lossy().contains("/plans/"))
        .expect("the customer site has a plan page");
    let mut b = Browser::launch();
    let mut found = Vec::new();
    let mut charts = 0;
    for url in [
        format!("file://{}/index.html", out.display()),
        format!("file://{}/accounts/kessler-werke/index.html", out.display()),
        format!("file://{}/matrix/index.html", out.display()),
        format!("file://{}/reviews/index.html", out.display()),
        format!("file://{}/search/index.html?q=kessler", out.display()),
        format!("file://{}", plan.display()),
    ] {
        b.goto(&url);
        if url.contains("?q=") {
            b.wait_for("document.querySelectorAll('#search-results li').length > 0");
        }
        let v = axe_violations(&mut b, &axe);
        for problem in v.as_array().unwrap() {
            found.push(format!("{url}: {}", problem.as_str().unwrap()));
        }
        // Each chart has a text equivalent: a title and description, and
        // its numbers in a table under a <details> (the matrix's accounts
        // are in the lists of the page).
        let untitled = b.eval(
            "[...document.querySelectorAll('svg')].filter(s => !s.querySelector(':scope > title') || !s.querySelector(':scope > desc'))\
             .map(s => s.getAttribute('aria-label') || s.getAttribute('class'))",
        );
        for svg in untitled.as_array().unwrap() {
            found.push(format!("{url}: an SVG without <title> and <desc>: {svg}"));
        }
        let tableless = b.eval(
            "[...document.querySelectorAll('svg[role=img]')].filter(s => !(s.nextElementSibling && s.nextElementSibling.matches('details.chart-data') && s.nextElementSibling.querySelector('table')))\
             .map(s => s.getAttribute('aria-label'))",
        );
        for svg in tableless.as_array().unwrap() {
            found.push(format!("{url}: a chart without a data table: {svg}"));
        }
        charts += b
            .eval("document.querySelectorAll('details.chart-data table').length")
            .as_u64()
            .unwrap();
    }
    assert!(found.is_empty(), "{found:#?}");
    assert!(charts >= 10, "{charts} data tables");
}

/// Press a key in the page, as the keyboard does ("Enter", " " or "Tab").
fn press(b: &mut Browser, key: &str) {
    let (code, vk, text) = match key {
        "Enter" => ("Enter", 13, "\r"),
        " " => ("Space", 32, " "),
        "Tab" => ("Tab", 9, ""),
        _ => panic!("no key {key}"),
    };
    for kind in ["keyDown", "keyUp"] {
        let mut params = serde_json::json!({ "type": kind, "key": key, "code": code, "windowsVirtualKeyCode": vk });
        if kind == "keyDown" && !text.is_empty() {
            params["text"] = text.into();
        }
        b.call("Input.dispatchKeyEvent", params);
    }
}

/// The account list sorts from the keyboard (a heading's button, Enter
/// then Space), and search is used without a mouse: type, Tab to the
/// first result, Enter opens it.
#[test]
fn sortable_tables_and_search_work_from_the_keyboard() {
    let t = tempfile::tempdir().unwrap();
    let out = common::build_to(&common::example_site(), &t.path().join("public"));
    let mut b = Browser::launch();
    b.goto(&format!("file://{}/accounts/index.html", out.display()));
    let col = b.eval(
        "[...document.querySelectorAll('table.sortable th')].findIndex(th => th.textContent.trim() === 'Revenue')",
    );
    let col = col.as_i64().expect("a Revenue column");
    assert!(col >= 0, "a Revenue column");
    let revenue = format!(
        "[...document.querySelector('table.sortable').tBodies[0].rows].map(r => parseFloat(r.cells[{col}].dataset.value || r.cells[{col}].textContent) || 0)"
    );
    b.eval(&format!(
        "document.querySelectorAll('table.sortable th')[{col}].querySelector('button').focus()"
    ));
    assert_eq!(b.eval("document.activeElement.tagName"), "BUTTON");
    press(&mut b, "Enter");
    let sorted = |v: &serde_json::Value, up: bool| {
        let v: Vec<f64> = serde_json::from_value(v.clone()).unwrap();
        assert!(v.len() > 3, "{v:?}");
        v.windows(2).all(|w| if up { w[0] <= w[1] } else { w[0] >= w[1] })
    };
    let heading = format!("document.querySelectorAll('table.sortable th')[{col}].getAttribute('aria-sort')");
    assert_eq!(b.eval(&heading), "ascending");
    assert!(sorted(&b.eval(&revenue), true), "{}", b.eval(&revenue));
    press(&mut b, " ");
    assert_eq!(b.eval(&heading), "descending");
    assert!(sorted(&b.eval(&revenue), false), "{}", b.eval(&revenue));

    // Search: the box has focus on arrival; type, Tab past the button to the first result.
    b.goto(&format!("file://{}/search/index.html", out.display()));
    assert_eq!(b.eval("document.activeElement.id"), "search-q");
    b.call("Input.insertText", serde_json::json!({ "text": "kessler" }));
    b.wait_for("document.querySelectorAll('#search-results a').length > 0");
    let first = b.eval("document.querySelector('#search-results a').href");
    press(&mut b, "Tab");
    press(&mut b, "Tab");
    assert_eq!(b.eval("document.activeElement.href"), first);
    press(&mut b, "Enter");
    b.wait_for(&format!(
        "location.href === {first} && document.readyState === 'complete'"
    ));
    let h1 = b.eval("document.querySelector('h1').textContent");
    assert!(h1.as_str().unwrap().contains("Kessler"), "{h1}");
}
