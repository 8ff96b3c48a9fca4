//! Template indentation out of the pages. The theme's templates are indented
//! for their authors; each page repeated that indentation on every line
//! (about 1.6 KB a profile, more on list pages). Outside `<pre>`,
//! `<textarea>` and `<script>`, a line break followed by spaces and blank
//! lines renders exactly as one line break, so [`trim`] keeps the break
//! and drops the rest. Those three elements are copied as they are.
//!
//! The page is rewritten in place: list pages reach megabytes at scale and
//! a copy of each would cost a fresh buffer.

/// Elements whose text is kept byte for byte.
const RAW: [(&str, &str); 3] = [
    ("<pre", "</pre>"),
    ("<textarea", "</textarea>"),
    ("<script", "</script>"),
];

/// `html` without indentation and blank lines outside [`RAW`] elements.
pub(crate) fn trim(html: String) -> String {
    let mut bytes = html.into_bytes();
    let mut next_raw: [Option<usize>; 3] = [None; 3];
    for (i, (open, _)) in RAW.iter().enumerate() {
        next_raw[i] = find_open(&bytes, 0, open);
    }
    let (mut read, mut write) = (0, 0);
    loop {
        let raw = (0..RAW.len()).filter_map(|i| next_raw[i].map(|at| (at, i))).min();
        let end = raw.map_or(bytes.len(), |(at, _)| at);
        write = trim_segment(&mut bytes, read, end, write);
        let Some((at, i)) = raw else { break };
        let close = RAW[i].1;
        let stop = find(&bytes, at, close.as_bytes()).map_or(bytes.len(), |c| c + close.len());
        bytes.copy_within(at..stop, write);
        write += stop - at;
        read = stop;
        for (j, (open, _)) in RAW.iter().enumerate() {
            if next_raw[j].is_some_and(|p| p < stop) {
                next_raw[j] = find_open(&bytes, stop, open);
            }
        }
    }
    bytes.truncate(write);
    // Only ASCII spaces, tabs and line breaks were removed, each whole.
    String::from_utf8(bytes).expect("removing ASCII whitespace keeps UTF-8")
}

/// Copy `bytes[from..to]` to `write`, dropping the whitespace that follows
/// each line break. Returns the new write position.
fn trim_segment(bytes: &mut [u8], from: usize, to: usize, mut write: usize) -> usize {
    let mut read = from;
    let mut skipping = false;
    while read < to {
        if skipping {
            while read < to && matches!(bytes[read], b' ' | b'\t' | b'\n' | b'\r') {
                read += 1;
            }
            if read == to {
                break;
            }
        }
        let line_end = memchr::memchr(b'\n', &bytes[read..to]).map(|p| read + p + 1);
        let stop = line_end.unwrap_or(to);
        if write != read {
            bytes.copy_within(read..stop, write);
        }
        write += stop - read;
        read = stop;
        skipping = line_end.is_some();
    }
    write
}

/// The next `<name` at or after `from` that opens that element (followed by
/// `>`, `/` or whitespace, so `<prefix` is not `<pre`).
fn find_open(bytes: &[u8], mut from: usize, open: &str) -> Option<usize> {
    while let Some(at) = find(bytes, from, open.as_bytes()) {
        match bytes.get(at + open.len()) {
            Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r') | None => return Some(at),
            _ => from = at + open.len(),
        }
    }
    None
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn indentation_and_blank_lines_go_line_breaks_stay() {
        let page = "<ul>\n    <li>a</li>\n\n\t\t<li>b c</li>\n  </ul>\n";
        assert_eq!(trim(page.into()), "<ul>\n<li>a</li>\n<li>b c</li>\n</ul>\n");
    }

    #[test]
    fn pre_textarea_and_script_keep_every_byte() {
        let page = "<div>\n  <pre><code>fn x() {\n    y();\n}\n</code></pre>\n  <textarea>\n  keep\n</textarea>\n  <script>\n  let s = `a\n    b`;\n</script>\n  <p>é</p>\n</div>";
        assert_eq!(
            trim(page.into()),
            "<div>\n<pre><code>fn x() {\n    y();\n}\n</code></pre>\n<textarea>\n  keep\n</textarea>\n<script>\n  let s = `a\n    b`;\n</script>\n<p>é</p>\n</div>"
        );
    }

    #[test]
    fn a_tag_that_only_starts_like_pre_is_trimmed() {
        assert_eq!(trim("<prefix>\n  x\n</prefix>".into()), "<prefix>\nx\n</prefix>");
    }

    #[test]
    fn an_unclosed_raw_element_keeps_the_rest() {
        assert_eq!(trim("<p>\n  a</p>\n<pre>\n  b".into()), "<p>\na</p>\n<pre>\n  b");
    }

    #[test]
    fn text_without_line_breaks_is_unchanged() {
        assert_eq!(trim("<p>a  b</p>".into()), "<p>a  b</p>");
    }
}
