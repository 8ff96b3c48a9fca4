//! A small, forgiving scanner for the links and ids of generated pages.
//!
//! It reads tags and their attributes, skips comments and the bodies of
//! `script`, `style`, `textarea` and `title`, and never fails: the input is
//! our own output, but a site's templates may contain anything. Values are
//! borrowed from the page unless a character reference must be decoded.

use std::borrow::Cow;

/// A URL-bearing attribute of a tag, or a CSS `url(...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref<'a> {
    /// The URL with HTML character references decoded.
    pub url: Cow<'a, str>,
    /// Byte offset of the value in the page.
    pub offset: usize,
}

/// What one page links to and which ids it defines.
#[derive(Debug, Default)]
pub struct Scan<'a> {
    pub refs: Vec<Ref<'a>>,
    pub ids: Vec<Cow<'a, str>>,
}

/// Attributes that hold a URL to check.
const URL_ATTRS: [&str; 6] = ["href", "src", "xlink:href", "poster", "action", "data"];

/// Elements whose content is text, not markup.
const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];

pub fn html(page: &str) -> Scan<'_> {
    let b = page.as_bytes();
    let mut scan = Scan::default();
    let mut i = 0;
    while let Some(rel) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + rel;
        let rest = &b[lt..];
        if rest.starts_with(b"<!--") {
            i = memchr::memmem::find(rest, b"-->")
                .map(|e| lt + e + 3)
                .unwrap_or(b.len());
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") || rest.starts_with(b"</") {
            i = memchr::memchr(b'>', rest).map(|e| lt + e + 1).unwrap_or(b.len());
            continue;
        }
        let name_end = rest[1..]
            .iter()
            .position(|&c| !(c.is_ascii_alphanumeric() || c == b'-' || c == b':'))
            .map(|e| e + 1)
            .unwrap_or(rest.len());
        if name_end == 1 {
            i = lt + 1;
            continue;
        }
        // The name is ASCII: it ends before the first other byte.
        let tag = &page[lt + 1..lt + name_end];
        let end = attributes(page, lt + name_end, |name, value, offset| {
            let Some(value) = value else { return };
            if name.eq_ignore_ascii_case("id") || (name.eq_ignore_ascii_case("name") && tag.eq_ignore_ascii_case("a")) {
                scan.ids.push(decode_entities(value));
            } else if name.eq_ignore_ascii_case("srcset") {
                for candidate in value.split(',') {
                    let url = candidate.split_whitespace().next().unwrap_or("");
                    if !url.is_empty() {
                        let lead = candidate.len() - candidate.trim_start().len();
                        let at = offset + candidate.as_ptr() as usize - value.as_ptr() as usize + lead;
                        scan.refs.push(Ref {
                            url: decode_entities(url),
                            offset: at,
                        });
                    }
                }
            } else if name.eq_ignore_ascii_case("style") {
                scan.refs.extend(css_urls(value, offset));
            } else if URL_ATTRS.iter().any(|a| name.eq_ignore_ascii_case(a))
                // `data` is a URL on `<object>` only.
                && (!name.eq_ignore_ascii_case("data") || tag.eq_ignore_ascii_case("object"))
            {
                scan.refs.push(Ref {
                    url: decode_entities(value),
                    offset,
                });
            }
        });
        i = end;
        if let Some(raw) = RAW_TEXT.iter().find(|t| tag.eq_ignore_ascii_case(t)) {
            let body_end = find_close(&b[i..], raw.as_bytes()).map(|e| i + e).unwrap_or(page.len());
            if *raw == "style" {
                scan.refs.extend(css_urls(&page[i..body_end], i));
            }
            i = body_end;
        }
    }
    scan
}

/// Call `each(name, value, offset of the value)` for the attributes of a tag
/// starting at `from` (just after its name); returns the offset after `>`.
fn attributes<'a>(page: &'a str, from: usize, mut each: impl FnMut(&'a str, Option<&'a str>, usize)) -> usize {
    let b = page.as_bytes();
    let mut i = from;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return b.len();
        }
        if b[i] == b'>' {
            return i + 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        // Both ends sit at ASCII bytes (or the end), so this is a char boundary.
        let name = &page[start..i];
        if name.is_empty() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                let vstart = j + 1;
                let vend = memchr::memchr(b[j], &b[vstart..])
                    .map(|e| vstart + e)
                    .unwrap_or(b.len());
                each(name, Some(&page[vstart..vend]), vstart);
                i = (vend + 1).min(b.len());
            } else {
                let vstart = j;
                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                    j += 1;
                }
                each(name, Some(&page[vstart..j]), vstart);
                i = j;
            }
        } else {
            each(name, None, start);
        }
    }
}

/// The `url(...)` references of a style sheet (or `style` attribute) at `base` in its file.
pub fn css_urls(css: &str, base: usize) -> Vec<Ref<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = css.get(i..).and_then(|s| s.find("url(")) {
        let start = i + rel + 4;
        let end = css[start..].find(')').map(|e| start + e).unwrap_or(css.len());
        let raw = css[start..end].trim();
        let lead = css[start..end].len() - css[start..end].trim_start().len();
        let url = raw.trim_matches(|c| c == '"' || c == '\'');
        let quote = usize::from(raw.len() != url.len() && !url.is_empty());
        if !url.is_empty() {
            out.push(Ref {
                url: Cow::Borrowed(url),
                offset: base + start + lead + quote,
            });
        }
        i = end;
    }
    out
}

/// Where `</name` starts in `hay` (any letter case).
fn find_close(hay: &[u8], name: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(rel) = memchr::memchr(b'<', &hay[at..]) {
        let lt = at + rel;
        let rest = &hay[lt + 1..];
        if rest.first() == Some(&b'/') && rest.len() > name.len() && rest[1..=name.len()].eq_ignore_ascii_case(name) {
            return Some(lt);
        }
        at = lt + 1;
    }
    None
}

/// Decode the character references an attribute value may contain.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n if n.starts_with("#x") || n.starts_with("#X") => {
                    u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32)
                }
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_and_ids() {
        let page = r##"<!doctype html><html><head><link rel="stylesheet" href="../style.css">
<style>body { background: url('img/bg.png') }</style>
<script>var s = "<a href='nope'>";</script></head>
<body><a class=x href=plain>p</a><a href="a?x=1&amp;y=2#top">q</a><!-- <a href="commented"> -->
<img src='pic.png' srcset="a.png 1x, b.png 2x"><svg><a xlink:href="#n"><circle id="n"/></a></svg>
<h2 id="notes">Notes</h2><a name="old-anchor"></a><div style="background:url(x.png)"></div></body></html>"##;
        let s = html(page);
        let urls: Vec<&str> = s.refs.iter().map(|r| r.url.as_ref()).collect();
        assert_eq!(
            urls,
            [
                "../style.css",
                "img/bg.png",
                "plain",
                "a?x=1&y=2#top",
                "pic.png",
                "a.png",
                "b.png",
                "#n",
                "x.png"
            ]
        );
        assert_eq!(s.ids, ["n", "notes", "old-anchor"]);
        for r in &s.refs {
            let raw = &page[r.offset..];
            assert!(raw.starts_with(r.url.split('&').next().unwrap()), "{r:?}: {raw:.20}");
        }
    }

    #[test]
    fn names_match_in_any_letter_case() {
        let page = r#"<A HREF="up.html">u</A><SCRIPT>x = "<a href='no'>";</Script><P ID=top>
<object DATA="d.svg"></object><div data="not-a-link"></div><TITLE><a href="t"></TITLE><img Src=i.png>"#;
        let s = html(page);
        let urls: Vec<&str> = s.refs.iter().map(|r| r.url.as_ref()).collect();
        assert_eq!(urls, ["up.html", "d.svg", "i.png"]);
        assert_eq!(s.ids, ["top"]);
    }

    #[test]
    fn decodes_character_references() {
        assert_eq!(
            decode_entities("a&amp;b&#47;c&#x2F;&quot;&unknown;&"),
            "a&b/c/\"&unknown;&"
        );
    }

    #[test]
    fn never_panics_on_broken_markup() {
        for s in [
            "<",
            "<a",
            "<a href=",
            "<a href=\"x",
            "<!--",
            "<script>",
            "<a b='",
            "<é href=x>",
            "url(",
        ] {
            let _ = html(s);
            let _ = css_urls(s, 0);
        }
    }
}
