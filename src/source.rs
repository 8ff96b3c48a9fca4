//! The ground floor: source text as read from disk and positions in it.
//!
//! [`SourceFile`], [`Part`] and [`HeldFile`] are how a build stores text
//! (kept once, shared, released once written); [`Pos`] and [`Spanned`] say
//! where in it a value was written; [`percent_decode`] reads URL paths;
//! [`html_depth`] says how deep raw HTML in a text nests (deeper than
//! [`MAX_HTML_DEPTH`], validation warns and the Markdown renderer shows it
//! as text).
//! Imports nothing from the crate.

use std::sync::Arc;

use serde::{Deserialize, Deserializer};

/// A source file as read from disk, shared by all diagnostics that point into it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators, as shown to users.
    pub name: String,
    pub text: Arc<str>,
}

/// The end of a file's text from a byte offset on (a Markdown body after
/// its front matter), sharing the file's allocation: the text is kept once.
#[derive(Clone, Debug, Default)]
pub struct Part {
    text: Arc<str>,
    start: usize,
}

impl Part {
    /// `file`'s text from byte `start` on (all of it if `start` is not a
    /// character boundary within the text).
    pub fn tail(file: &SourceFile, start: usize) -> Part {
        let start = if file.text.is_char_boundary(start) { start } else { 0 };
        Part {
            text: file.text.clone(),
            start,
        }
    }
}

/// A source file whose text a build lets go once the pages made from it are
/// written ([`HeldFile::release`]). At 100,000 accounts the notes' texts are
/// most of a gigabyte that nothing reads after their account's page.
#[derive(Debug)]
pub struct HeldFile {
    /// Path relative to the site root, as in [`SourceFile::name`].
    pub name: String,
    /// `None` once released.
    text: std::sync::Mutex<Option<Arc<str>>>,
}

impl HeldFile {
    pub fn new(file: SourceFile) -> Self {
        HeldFile {
            name: file.name,
            text: std::sync::Mutex::new(Some(file.text)),
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Option<Arc<str>>> {
        // The lock guards a plain swap: a panic elsewhere cannot leave it half done.
        self.text.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The file with its text, or `None` once released.
    pub fn get(&self) -> Option<SourceFile> {
        let text = self.held().clone()?;
        Some(SourceFile {
            name: self.name.clone(),
            text,
        })
    }

    /// The file; its text is empty once released. For diagnostics made
    /// before rendering, when every text is still held.
    pub fn source(&self) -> SourceFile {
        self.get().unwrap_or_else(|| SourceFile::new(self.name.clone(), ""))
    }

    /// Let the text go: what still shares it (a part being rendered) keeps
    /// it until dropped; later reads get `None`.
    pub fn release(&self) {
        self.held().take();
    }
}

impl Part {
    /// The part of `file`'s text from byte `start` on (see [`Part::tail`]);
    /// empty once the file is released.
    pub fn of_held(file: &HeldFile, start: usize) -> Part {
        match file.get() {
            Some(f) => Part::tail(&f, start),
            None => Part::default(),
        }
    }
}

impl std::ops::Deref for Part {
    type Target = str;
    fn deref(&self) -> &str {
        self.text.get(self.start..).unwrap_or_default()
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Byte offset of a 1-based line and (character) column, clamped to the text.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let text: &str = &self.text;
        let mut offset = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let col_bytes = l
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map(|(b, _)| b)
                    .unwrap_or(l.len());
                return offset + col_bytes;
            }
            offset += l.len();
        }
        text.len()
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text: &str = &self.text;
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before.get(line_start..).map(|s| s.chars().count()).unwrap_or(0) + 1;
        (line, column)
    }
}

/// A position in a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };

    pub fn new(line: usize, column: usize) -> Self {
        Pos {
            line: line.max(1),
            column: column.max(1),
        }
    }
}

/// A value with the line and column it was written at, for the checks'
/// diagnostics. serde-saphyr's own `Spanned` also keeps byte spans and where
/// an aliased value was defined (56 bytes); a portfolio holds about fifty
/// spanned values per account, so only the position is kept (8 bytes).
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    /// 1-based line where the value is written (where an alias is used).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl<T> Spanned<T> {
    pub fn new(value: T, line: u32, column: u32) -> Self {
        Spanned { value, line, column }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(Spanned::new(
            s.value,
            narrow(s.referenced.line()),
            narrow(s.referenced.column()),
        ))
    }
}

/// Decode `%XX` escapes; `None` if the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_depth_counts_nested_elements_not_void_or_self_closing_ones() {
        assert_eq!(html_depth("<p>a<br>b<img src=x/><div><span>c</span></div></p>", 99), 3);
        assert_eq!(html_depth("</div></div><b>", 99), 1);
        assert_eq!(html_depth(&"<div>".repeat(1000), 10), 11, "stops past `stop`");
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%20b%2Fc").as_deref(), Some("a b/c"));
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
        assert_eq!(percent_decode("%ff"), None);
    }

    #[test]
    fn a_released_file_keeps_its_name_and_parts_taken_before() {
        let held = HeldFile::new(SourceFile::new(
            "accounts/a/notes/n.md",
            "---\ndate: 2026-01-01\n---\nBody\n",
        ));
        let body = Part::of_held(&held, 25);
        assert_eq!(&*body, "Body\n");
        assert_eq!(held.source().text.len(), 30);
        held.release();
        assert!(held.get().is_none());
        assert_eq!(held.name, "accounts/a/notes/n.md");
        // A diagnostic made after the release names the file, with no text.
        assert_eq!(held.source().name, "accounts/a/notes/n.md");
        assert_eq!(&*held.source().text, "");
        assert_eq!(&*Part::of_held(&held, 25), "");
        // What was taken before still reads the text.
        assert_eq!(&*body, "Body\n");
        held.release();
        assert!(held.get().is_none());
    }

    #[test]
    fn a_part_shares_its_file_text() {
        let f = SourceFile::new("n.md", "---\ndate: 2026-01-01\n---\n# Body\n");
        let at = f.text.find("# Body").unwrap();
        let body = Part::tail(&f, at);
        assert_eq!(&*body, "# Body\n");
        assert!(std::ptr::eq(body.as_ptr(), f.text[at..].as_ptr()));
        // An offset past the end or inside a character never panics.
        assert_eq!(&*Part::tail(&f, 999), &*f.text);
        let g = SourceFile::new("n.md", "é");
        assert_eq!(&*Part::tail(&g, 1), "é");
        assert_eq!(&*Part::tail(&g, 2), "");
        assert_eq!(&*Part::default(), "");
    }

    #[test]
    fn offsets_round_trip() {
        let f = SourceFile::new("a", "ab\ncdé\nf");
        let off = f.offset_of(2, 3);
        assert_eq!(&f.text[off..], "é\nf");
        assert_eq!(f.line_col(off), (2, 3));
        assert_eq!(f.offset_of(9, 9), f.text.len());
    }
}
