//! Escaping text for SVG (and HTML) markup written by hand.

/// `&`, `<`, `>` and `"` as character references.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// [`html_escape`], appended to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// [`html_escape`], and `'` as `&#39;` too.
pub fn escape_with_apostrophe(s: &str) -> String {
    html_escape(s).replace('\'', "&#39;")
}
