//! Run queries on a built site's search page in headless Chromium, each in
//! a fresh page with the browser cache off, and print per query the time
//! from typing to the first result shown and the index files the page
//! requested (bench/run.sh gzips them to count what a static host sends).
//!
//! cargo run --release --example search_probe -- SITE_DIR "query one" "query two" ...
//!
//! Prints one line per query, tab-separated:
//! `query  first-result-ms  results-shown  status  file,file,...` (files under search/).

#[path = "../tests/authoring/cdp.rs"]
#[allow(dead_code)]
mod cdp;

use std::time::Duration;

/// How long a page may take to show a result.
pub const WAIT: Duration = Duration::from_secs(60);

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(site) = args.next() else {
        eprintln!("usage: search_probe SITE_DIR QUERY...");
        std::process::exit(2);
    };
    let site = std::path::PathBuf::from(site);
    let addr = cdp::serve_static(&site);
    let mut b = cdp::Browser::launch();
    b.call("Network.enable", serde_json::json!({}));
    b.call("Network.setCacheDisabled", serde_json::json!({ "cacheDisabled": true }));
    for q in args {
        b.goto(&format!("http://{addr}/search/"));
        let ms = b.eval(&format!(
            "new Promise(done => {{ const list = document.getElementById('search-results'); \
             const q = document.querySelector('input[name=q]'); const t0 = performance.now(); \
             const seen = new MutationObserver(() => {{ if (list.children.length) {{ seen.disconnect(); done(performance.now() - t0); }} }}); \
             seen.observe(list, {{ childList: true }}); \
             q.value = {}; q.dispatchEvent(new Event('input')); \
             setTimeout(() => done(-1), 30000); }})",
            serde_json::to_string(&q).unwrap()
        ));
        let shown = b.eval("document.querySelectorAll('#search-results li').length");
        let status = b.eval("document.getElementById('search-status').textContent");
        let files = b.eval(
            "performance.getEntriesByType('resource').map(e => e.name).filter(n => /\\/search\\/.+\\.js(on)?$/.test(n)).map(n => n.replace(/^.*\\/search\\//, 'search/'))",
        );
        let files: Vec<String> = serde_json::from_value(files).unwrap_or_default();
        println!(
            "{q}\t{:.0}\t{}\t{}\t{}",
            ms.as_f64().unwrap_or(-1.0),
            shown,
            status.as_str().unwrap_or(""),
            files.join(",")
        );
    }
}
