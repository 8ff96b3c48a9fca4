//! Markdown to safe HTML.
//!
//! CommonMark plus tables, footnotes, task lists and strikethrough, then
//! sanitised with ammonia: no script, no event handlers, no javascript: or
//! data: URLs, no iframes. Ids are prefixed per document so footnotes of two
//! notes on one page do not collide.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

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
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_SMART_PUNCTUATION);
    let parser = Parser::new_ext(md, opts);
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    let clean = SANITIZER.clean(&raw).to_string();
    if id_prefix.is_empty() || !clean.contains(" id=\"") {
        return clean;
    }
    clean
        .replace(" id=\"", &format!(" id=\"{id_prefix}"))
        .replace(" href=\"#", &format!(" href=\"#{id_prefix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
