//! Markdown to safe HTML.
//!
//! CommonMark plus tables, footnotes, task lists and strikethrough, then
//! sanitised with ammonia: no script, no event handlers, no javascript: or
//! data: URLs, no iframes. Ids are prefixed per document so footnotes of two
//! notes on one page do not collide.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

use crate::source::{MAX_HTML_DEPTH, html_depth};

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input", "section"]);
    b.add_tag_attributes("input", ["type", "checked", "disabled"]);
    b.add_generic_attributes(["id", "class"]);
    b.url_schemes(HashSet::from(["http", "https", "mailto", "tel"]));
    b.link_rel(Some("noopener noreferrer"));
    b
});

/// Render `md` to sanitised HTML. `id_prefix` keeps ids unique on a page.
pub fn to_html(md: &str, id_prefix: &str) -> String {
    rendered(md, id_prefix, false).html
}

/// A Markdown document rendered: its HTML and the links in it, as Zola's
/// renderer hands back the links of a page along with its HTML.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// Each link and image URL that could point into the site (no
    /// `mailto:` or `tel:`), in document order.
    pub links: Vec<Link>,
}

/// A URL of a rendered document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// As the HTML has it, character references decoded: with the id
    /// prefix when the document's ids got one.
    pub href: String,
    /// Byte offset in the Markdown where the URL is written (the start of
    /// the link when its text cannot be found, as for a link whose URL has
    /// escapes).
    pub offset: usize,
}

/// [`to_html`], with the document's links.
pub fn render(md: &str, id_prefix: &str) -> Rendered {
    rendered(md, id_prefix, true)
}

/// A task list's boxes, which cannot be ticked on the page, named for
/// screen readers: "done" or "to do".
fn label_task_boxes(html: String) -> String {
    const BOX: &str = "<input disabled=\"\" type=\"checkbox\"";
    if !html.contains(BOX) {
        return html;
    }
    html.replace(
        "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>",
        "<input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"done\"/>",
    )
    .replace(
        "<input disabled=\"\" type=\"checkbox\"/>",
        "<input disabled=\"\" type=\"checkbox\" aria-label=\"to do\"/>",
    )
}

fn rendered(md: &str, id_prefix: &str, with_links: bool) -> Rendered {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_SMART_PUNCTUATION);
    // Links and images keep only safe URL schemes, whatever path we take below.
    let mut links = Vec::new();
    let events: Vec<Event> = Parser::new_ext(md, opts)
        .into_offset_iter()
        .map(|(e, range)| {
            let e = safe_urls(e);
            if with_links {
                written_links(md, &e, range, &mut links);
            }
            e
        })
        .collect();
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
        links.retain(|l: &Found| !l.raw_html);
    }
    // Without raw HTML the output holds only tags pulldown-cmark writes, with
    // text and attributes escaped, so the (costly) HTML sanitiser is only run
    // when the author wrote HTML.
    let clean = if has_raw_html {
        SANITIZER.clean(&raw).to_string()
    } else {
        raw
    };
    let clean = label_task_boxes(clean);
    let prefixed = !id_prefix.is_empty() && clean.contains(" id=\"");
    let links = links
        .into_iter()
        .map(|l| Link {
            href: match l.href.strip_prefix('#') {
                // As the ids are prefixed below: `href="#` only, not `src`.
                Some(frag) if prefixed && l.is_href => format!("#{id_prefix}{frag}"),
                _ => l.href,
            },
            offset: l.offset,
        })
        .collect();
    if !prefixed {
        return Rendered { html: clean, links };
    }
    let html = clean
        .replace(" id=\"", &format!(" id=\"{id_prefix}"))
        .replace(" href=\"#", &format!(" href=\"#{id_prefix}"));
    Rendered { html, links }
}

/// A URL found in the Markdown, before ids are prefixed.
struct Found {
    href: String,
    offset: usize,
    /// An `href` (ids are prefixed in those), not a `src`.
    is_href: bool,
    /// Written in raw HTML: gone when that is shown as text.
    raw_html: bool,
}

/// The URLs `event` (at `range` of `md`) writes into the HTML.
fn written_links(md: &str, event: &Event<'_>, range: std::ops::Range<usize>, out: &mut Vec<Found>) {
    let (url, is_href) = match event {
        Event::Start(Tag::Link { dest_url, .. }) => (dest_url, true),
        Event::Start(Tag::Image { dest_url, .. }) => (dest_url, false),
        Event::Html(h) | Event::InlineHtml(h) => {
            raw_html_links(h, range.start, out);
            return;
        }
        _ => return,
    };
    if !may_point_into_site(url) {
        return;
    }
    // The URL within the link's own text, else where the document first
    // writes it (a reference definition), else the start of the link.
    let offset = md
        .get(range.clone())
        .and_then(|text| text.find(url.as_ref()))
        .map(|at| range.start + at)
        .or_else(|| md.find(url.as_ref()))
        .unwrap_or(range.start);
    out.push(Found {
        href: url.to_string(),
        offset,
        is_href,
        raw_html: false,
    });
}

/// The `href` and `src` values of raw HTML written at `base` of the Markdown.
fn raw_html_links(html: &str, base: usize, out: &mut Vec<Found>) {
    let from = out.len();
    let lower = html.to_ascii_lowercase();
    for (attr, is_href) in [("href=", true), ("src=", false)] {
        for (at, _) in lower.match_indices(attr) {
            let preceded = lower[..at].ends_with(|c: char| c.is_ascii_whitespace());
            let value_at = at + attr.len();
            let Some(quote) = html[value_at..].chars().next().filter(|q| *q == '"' || *q == '\'') else {
                continue;
            };
            let start = value_at + 1;
            let Some(len) = html[start..].find(quote) else { continue };
            let url = &html[start..start + len];
            if preceded && !url.is_empty() && may_point_into_site(url) {
                out.push(Found {
                    href: decode_references(url),
                    offset: base + start,
                    is_href,
                    raw_html: true,
                });
            }
        }
    }
    out[from..].sort_by_key(|f| f.offset);
}

/// The few character references a URL in raw HTML is likely to hold.
fn decode_references(url: &str) -> String {
    if !url.contains('&') {
        return url.to_string();
    }
    url.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
}

/// Whether a link could name a page of the site: no `mailto:`, `tel:` or
/// other scheme but the web's (an absolute URL may be the site's own).
fn may_point_into_site(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    match lower.find(':') {
        Some(i) if !lower[..i].contains(['/', '?', '#']) => ["http", "https"].contains(&&lower[..i]),
        _ => !lower.is_empty(),
    }
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
        assert!(html.contains(r#"checked="" aria-label="done"/>"#), "{html}");
        assert!(html.contains(r#"type="checkbox" aria-label="to do"/>"#), "{html}");
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
    fn a_rendered_document_says_where_each_link_was_written() {
        let md = "Go [there](../x/ \"t\") or [ref].\n\n[ref]: ../y/#z\n\nA note[^1] and [top](#top).\n\n\
                  [^1]: See <a href=\"#top\">top</a> <img src='p.png'>.\n\n\
                  [m](mailto:a@b.c) [w](https://e.com/) <https://e.org/>\n";
        let r = render(md, "n-");
        assert_eq!(r.html, to_html(md, "n-"), "the same HTML");
        let links: Vec<(&str, usize)> = r.links.iter().map(|l| (l.href.as_str(), l.offset)).collect();
        let at = |s: &str| md.find(s).unwrap();
        assert_eq!(
            links,
            [
                ("../x/", at("../x/")),
                // A reference link: where its definition writes the URL.
                ("../y/#z", at("../y/#z")),
                // The footnote gives the document ids, so fragments get the prefix.
                ("#n-top", at("#top)")),
                ("#n-top", at("#top\"")),
                ("p.png", at("p.png")),
                ("https://e.com/", at("https://e.com/")),
                ("https://e.org/", at("https://e.org/")),
            ]
        );
        for l in &r.links {
            assert!(
                r.html.contains(&format!("=\"{}\"", l.href)),
                "{} as the page has it: {}",
                l.href,
                r.html
            );
        }
        assert!(render("No links, no [^x] ids.", "n-").links.is_empty());
        // Without ids, a fragment stays as written.
        assert_eq!(render("[a](#b)", "n-").links[0].href, "#b");
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
