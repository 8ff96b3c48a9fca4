//! Pagination of the accounts list (site.yaml `paginate`): every account
//! exactly once across the pages, each page small, the pages linked.

mod common;

use std::collections::BTreeMap;

use common::*;

fn slugs_in(html: &str) -> Vec<String> {
    // The account links of the table body, one per row.
    let body = html
        .split("<tbody>")
        .nth(1)
        .and_then(|b| b.split("</tbody>").next())
        .unwrap_or("");
    body.split("<tr>")
        .skip(1)
        .filter_map(|row| {
            row.split("accounts/")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn a_small_page_size_splits_the_accounts_list_and_keeps_every_account_once() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    copy_dir(&example_site(), &site);
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    std::fs::write(site.join("site.yaml"), format!("{yaml}\npaginate: 4\n")).unwrap();
    let out = build_to(&site, &t.path().join("out"));
    let accounts: Vec<String> = std::fs::read_dir(site.join("accounts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let pages = accounts.len().div_ceil(4);
    assert!(pages >= 2, "the example has more than four accounts");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for n in 1..=pages {
        let path = if n == 1 {
            out.join("accounts/index.html")
        } else {
            out.join(format!("accounts/page/{n}/index.html"))
        };
        let html = read(&path);
        assert!(html.len() < 60_000, "page {n} is {} bytes", html.len());
        let rows = slugs_in(&html);
        assert!(rows.len() <= 4 && !rows.is_empty(), "page {n} has {} rows", rows.len());
        for s in rows {
            *seen.entry(s).or_default() += 1;
        }
        // The navigation names this page current and links the neighbours.
        assert!(html.contains(r#"aria-label="Pages of the accounts list""#));
        assert!(html.contains(&format!(r#"aria-current="page">{n}</a>"#)), "page {n}");
        assert_eq!(html.contains(r#"rel="prev""#), n > 1, "page {n}");
        assert_eq!(html.contains(r#"rel="next""#), n < pages, "page {n}");
        // Rows link to the profiles from this page's depth.
        let up = if n == 1 { "../" } else { "../../../" };
        let body = html.split("<tbody>").nth(1).unwrap();
        for row in body.split("</tbody>").next().unwrap().split("<tr>").skip(1) {
            assert!(row.contains(&format!(r#"href="{up}accounts/"#)), "page {n}: {row}");
        }
    }
    assert!(!out.join(format!("accounts/page/{}/index.html", pages + 1)).exists());
    let mut want: Vec<String> = accounts.clone();
    want.sort();
    assert_eq!(seen.keys().cloned().collect::<Vec<_>>(), want);
    assert!(seen.values().all(|&c| c == 1), "{seen:?}");
}

#[test]
fn the_example_with_the_default_page_size_stays_one_page() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&example_site(), &t.path().join("out"));
    assert!(!out.join("accounts/page").exists());
    let html = read(&out.join("accounts/index.html"));
    assert!(!html.contains("class=\"pager\""));
}
