//! Markdown to safe HTML.
//!
//! CommonMark plus tables, footnotes, task lists and strikethrough, then
//! sanitised with ammonia: no script, no event handlers, no javascript: or
//! data: URLs, no iframes. Ids are prefixed per document so footnotes of two
//! notes on one page do not collide.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input", "section"]);
    b.add_tag_attributes("input", ["type", "checked", "disabled"]);
    b.add_generic_attributes(["id", "class"]);
    b.url_schemes(HashSet::from(["http", "https", "mailto", "tel"]));
    b.link_rel(Some("noopener noreferrer"));
    b
});

/// Deepest nesting of elements kept as HTML in a note; deeper raw HTML is
/// shown as text.
pub const MAX_HTML_DEPTH: usize = 256;

/// Elements that never have an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
];

/// How deep elements nest in `html`, counting start and end tags (a quick
/// count, not a parse); stops counting once past `stop`.
pub fn html_depth(html: &str, stop: usize) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    for at in memchr::memchr_iter(b'<', bytes) {
        let rest = &bytes[at + 1..];
        if rest.first() == Some(&b'/') {
            depth = depth.saturating_sub(1);
            continue;
        }
        let name_len = rest.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 || !rest[0].is_ascii_alphabetic() {
            continue;
        }
        let name = String::from_utf8_lossy(&rest[..name_len]).to_ascii_lowercase();
        let self_closing = memchr::memchr(b'>', rest).is_some_and(|end| end > 0 && rest[end - 1] == b'/');
        if VOID.contains(&name.as_str()) || self_closing {
            continue;
        }
        depth += 1;
        deepest = deepest.max(depth);
        if deepest > stop {
            break;
        }
    }
    deepest
}

/// Render `md` to sanitised HTML. `id_prefix` keeps ids unique on a page.
pub fn to_html(md: &str, id_prefix: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_SMART_PUNCTUATION);
    // Links and images keep only safe URL schemes, whatever path we take below.
    let events: Vec<Event> = Parser::new_ext(md, opts).map(safe_urls).collect();
    let mut has_raw_html = events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut raw, events.iter().cloned());
    // The sanitiser's parser looks through every open element for each tag:
    // raw HTML nested thousands deep costs it the square of the nesting.
    // Past MAX_HTML_DEPTH the author's HTML is shown as text instead.
    if has_raw_html && html_depth(&raw, MAX_HTML_DEPTH) > MAX_HTML_DEPTH {
        raw.clear();
        html::push_html(
            &mut raw,
            events.into_iter().map(|e| match e {
                Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
                e => e,
            }),
        );
        has_raw_html = false;
    }
    // Without raw HTML the output holds only tags pulldown-cmark writes, with
    // text and attributes escaped, so the (costly) HTML sanitiser is only run
    // when the author wrote HTML.
    let clean = if has_raw_html {
        SANITIZER.clean(&raw).to_string()
    } else {
        raw
    };
    if id_prefix.is_empty() || !clean.contains(" id=\"") {
        return clean;
    }
    clean
        .replace(" id=\"", &format!(" id=\"{id_prefix}"))
        .replace(" href=\"#", &format!(" href=\"#{id_prefix}"))
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    match lower.find(':') {
        // A scheme comes before any `/`, `?` or `#`; otherwise the colon is part of a path.
        Some(i) if !lower[..i].contains(['/', '?', '#']) => ["http", "https", "mailto", "tel"].contains(&&lower[..i]),
        _ => true,
    }
}

fn safe_urls(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_nested_too_deep_is_shown_as_text() {
        assert_eq!(html_depth("<p>a<br>b<img src=x/><div><span>c</span></div></p>", 99), 3);
        assert_eq!(html_depth("</div></div><b>", 99), 1);
        let fine = format!("{}deep{}", "<div>".repeat(200), "</div>".repeat(200));
        let html = to_html(&fine, "");
        assert_eq!(html.matches("<div>").count(), 200, "kept as HTML");
        let deep = format!("{}deep{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
        let html = to_html(&deep, "");
        assert!(!html.contains("<div>"), "not as HTML");
        assert!(html.starts_with("&lt;div&gt;&lt;div&gt;"), "{}", &html[..40]);
        assert!(html.contains("deep"));
        // Still safe: a script inside is text too.
        let bad = format!("{}<script>alert(1)</script>", "<b>".repeat(300));
        assert!(!to_html(&bad, "").contains("<script"));
    }

    #[test]
    fn renders_extensions() {
        let html = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n~~old~~ text[^1]\n\n[^1]: note\n",
            "n1-",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<td>1</td>"));
        assert!(html.contains("type=\"checkbox\""));
        assert!(html.contains("checked"));
        assert!(html.contains("<del>old</del>"));
        assert!(html.contains("id=\"n1-1\""), "{html}");
        assert!(html.contains("href=\"#n1-1\""), "{html}");
    }

    #[test]
    fn markdown_links_keep_only_safe_schemes() {
        let html = to_html(
            "[a](javascript:alert(1)) [b](JavaScript:x) [c](data:text/html,x) ![i](data:image/png;base64,x) [ok](https://e.com) [rel](../x/) [mail](mailto:a@b.c)",
            "",
        );
        for bad in ["javascript:", "JavaScript:", "data:"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
        assert!(html.contains("href=\"https://e.com\""));
        assert!(html.contains("href=\"../x/\""));
        assert!(html.contains("href=\"mailto:a@b.c\""));
        assert!(is_safe_url("notes/a:b")); // a colon after a slash is not a scheme
        assert!(!is_safe_url(" vbscript:x"));
    }

    #[test]
    fn strips_active_content() {
        let html = to_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n<a href=\"data:text/html,hi\">d</a>\n\n<iframe src=\"https://e.com\"></iframe>\n",
            "",
        );
        for bad in ["<script", "onerror", "javascript:", "data:", "<iframe", "alert(1)"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
    }
}
