//! Diagnostics: every problem kamsite finds in a site, as a value.
//!
//! A [`Diagnostic`] names the file, line and column, says what is wrong and
//! how to fix it. Stages collect them in a [`Diagnostics`] list instead of
//! stopping at the first; the CLI renders the list with miette snippets.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The text a diagnostic points into lives in `source`; kept here too
/// because every diagnostic constructor takes them.
pub use crate::source::{HeldFile, Part, Pos, SourceFile};

/// How bad a problem is. Errors stop `build` and fail `check`; warnings never do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one place.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable id, e.g. `unknown-key`, for tooling and tests.
    pub code: &'static str,
    pub file: String,
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The file text, for the snippet. Missing for files that could not be read.
    pub source: Option<Arc<str>>,
    /// Length in bytes of the highlighted region.
    pub len: usize,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: &SourceFile, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.name.clone(),
            pos,
            message: message.into(),
            help: None,
            source: Some(file.text.clone()),
            len: 1,
        }
    }

    pub fn warning(code: &'static str, file: &SourceFile, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, pos, message)
        }
    }

    /// A problem with a path rather than with a file's content (unreadable file, bad slug).
    pub fn at_path(code: &'static str, path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: path.to_string(),
            pos: Pos::START,
            message: message.into(),
            help: None,
            source: None,
            len: 0,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, the form editors and CI annotations understand.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.pos.line, self.pos.column)
    }

    /// Render with a source snippet. `color` selects ANSI colours.
    pub fn render(&self, color: bool) -> String {
        use miette::{GraphicalReportHandler, GraphicalTheme};
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(CONTEXT_LINES);
        let mut out = String::new();
        let report = MietteView {
            diag: self,
            snippet: self
                .source
                .as_ref()
                .map(|s| Snippet::new(&self.file, s, self.pos, self.len)),
        };
        if handler.render_report(&mut out, &report).is_err() {
            out = self.to_string();
        }
        out
    }
}

/// Lines shown either side of a diagnostic's line.
const CONTEXT_LINES: usize = 2;

/// Lines longer than this many characters are shown cut to a window.
pub const LONG_LINE: usize = 240;

/// Characters of a long line shown around the column.
const WINDOW: usize = 120;

/// `line` cut to about [`WINDOW`] characters around the 1-based character
/// `column`, with `…` where it was cut, and the column within the cut line;
/// `None` when the line is at most [`LONG_LINE`] characters long. A snippet
/// of a minified or generated line stays readable, and its columns stay
/// within what a terminal (and miette) can draw.
pub fn cut_long_line(line: &str, column: usize) -> Option<(String, usize)> {
    if line.len() <= LONG_LINE {
        return None;
    }
    let total = line.chars().count();
    if total <= LONG_LINE {
        return None;
    }
    let col = column.saturating_sub(1).min(total);
    let start = col.saturating_sub(WINDOW / 2).min(total - WINDOW);
    let end = start + WINDOW;
    let mut out = String::with_capacity(WINDOW * 4 + 6);
    if start > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(start).take(WINDOW));
    if end < total {
        out.push('…');
    }
    Some((out, col - start + usize::from(start > 0) + 1))
}

/// What miette draws for a diagnostic: the whole file, or, when a line
/// near the position is long, those lines alone with long ones cut.
enum Snippet {
    Whole {
        named: miette::NamedSource<Arc<str>>,
        span: (usize, usize),
    },
    Window(Window),
}

/// The lines around a position, long ones cut ([`cut_long_line`]).
struct Window {
    name: String,
    text: String,
    /// 0-based line number in the file of the window's first line.
    first_line: usize,
    /// 0-based line of the position within the window.
    line: usize,
    /// 0-based character column of the position in the file's line.
    column: usize,
    span: (usize, usize),
}

impl Snippet {
    fn new(name: &str, text: &Arc<str>, pos: Pos, len: usize) -> Snippet {
        let lines_before = pos.line.saturating_sub(1);
        // The position's line and those around it; the last line when the
        // position is past the end.
        let mut line = lines_before;
        let mut around: Vec<&str> = text
            .split_inclusive('\n')
            .skip(line.saturating_sub(CONTEXT_LINES))
            .take(2 * CONTEXT_LINES + 1)
            .collect();
        let mut first = line.saturating_sub(CONTEXT_LINES);
        if around.len() <= line - first {
            let count = text.split_inclusive('\n').count();
            line = count.saturating_sub(1);
            first = line.saturating_sub(CONTEXT_LINES);
            around = text.split_inclusive('\n').skip(first).take(line - first + 1).collect();
        }
        if around.iter().all(|l| l.len() <= LONG_LINE) || around.len() <= line - first {
            let file = SourceFile {
                name: String::new(),
                text: text.clone(),
            };
            let offset = file.offset_of(pos.line, pos.column);
            // Never past the end of the position's line: a long highlight
            // would draw lines that were not checked for length.
            let rest = text.get(offset..).unwrap_or_default();
            let line_end = rest.find('\n').unwrap_or(rest.len());
            return Snippet::Whole {
                named: miette::NamedSource::new(name, text.clone()),
                span: (offset, len.min(line_end)),
            };
        }
        let mut window = String::new();
        let mut span = (0, 0);
        for (i, l) in around.iter().enumerate() {
            let l = l.strip_suffix('\n').unwrap_or(l);
            let l = l.strip_suffix('\r').unwrap_or(l);
            let column = if i == line - first { pos.column } else { 1 };
            let (shown, col) = match cut_long_line(l, pos.column) {
                Some(cut) => cut,
                None => (l.to_string(), column),
            };
            if i == line - first {
                let at = shown
                    .char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(shown.len(), |(b, _)| b);
                span = (window.len() + at, len.min(shown.len() - at));
            }
            window.push_str(&shown);
            window.push('\n');
        }
        Snippet::Window(Window {
            name: name.to_string(),
            text: window,
            first_line: first,
            line: line - first,
            column: pos.column.saturating_sub(1),
            span,
        })
    }

    fn source(&self) -> &dyn miette::SourceCode {
        match self {
            Snippet::Whole { named, .. } => named,
            Snippet::Window(w) => w,
        }
    }

    fn span(&self) -> (usize, usize) {
        match self {
            Snippet::Whole { span, .. } | Snippet::Window(Window { span, .. }) => *span,
        }
    }
}

impl miette::SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = <str as miette::SourceCode>::read_span(&self.text, span, before, after)?;
        // The header names the position in the file, not in the window.
        let column = if inner.line() == self.line && before == 0 && after == 0 {
            self.column
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {kind}: {}", self.location(), self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Adapter that lets miette draw a [`Diagnostic`] with its snippet.
struct MietteView<'a> {
    diag: &'a Diagnostic,
    snippet: Option<Snippet>,
}

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.diag.location(), self.diag.message)
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("kamsite::{}", self.diag.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet.as_ref().map(Snippet::source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.snippet.as_ref()?.span();
        let label = miette::LabeledSpan::new_with_span(Some("here".into()), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// The problems found so far, in the order they were found.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Only the errors.
    pub fn errors(&self) -> Diagnostics {
        Diagnostics {
            items: self.items.iter().filter(|d| d.is_error()).cloned().collect(),
        }
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Drop the file texts the diagnostics hold for their snippets, for a
    /// caller that shows each one as a single line: the texts need not stay
    /// in memory while the pages render (a portfolio of 100,000 accounts
    /// carries a warning for most of them).
    pub fn drop_sources(&mut self) {
        for d in &mut self.items {
            d.source = None;
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file, then position, so output is stable across parallel loads.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items
            .sort_by(|a, b| (&a.file, a.pos, a.severity).cmp(&(&b.file, b.pos, b.severity)));
        self.items
    }
}

/// Warnings of one kind (code) shown per file; the rest are counted in one
/// line. 100,000 unused score factors are one mistake, not 100,000.
pub const WARNINGS_PER_KIND: usize = 20;

/// Errors per file drawn with a snippet; the rest are one line each, still
/// every one of them (drawing a snippet reads the file up to its line).
pub const SNIPPETS_PER_FILE: usize = 50;

impl Diagnostics {
    /// What to print, sorted as [`Diagnostics::into_sorted`]: every error,
    /// the first [`WARNINGS_PER_KIND`] warnings of each code in each file,
    /// then one warning saying how many more of that code the file has.
    /// The flag says whether to draw a snippet: the first
    /// [`SNIPPETS_PER_FILE`] errors and warnings of a file get one.
    pub fn into_shown(self) -> Vec<(Diagnostic, bool)> {
        let sorted = self.into_sorted();
        let mut per_kind: std::collections::HashMap<(&str, &'static str), usize> = Default::default();
        let mut per_file: std::collections::HashMap<&str, usize> = Default::default();
        let mut shown: Vec<(usize, bool)> = Vec::with_capacity(sorted.len());
        // First omitted warning and count, per file and code, in order met.
        let mut omitted: indexmap::IndexMap<(&str, &'static str), (usize, usize)> = Default::default();
        for (i, d) in sorted.iter().enumerate() {
            if !d.is_error() {
                let n = per_kind.entry((&d.file, d.code)).or_default();
                *n += 1;
                if *n > WARNINGS_PER_KIND {
                    omitted.entry((&d.file, d.code)).or_insert((i, 0)).1 += 1;
                    continue;
                }
            }
            let f = per_file.entry(&d.file).or_default();
            *f += 1;
            shown.push((i, *f <= SNIPPETS_PER_FILE));
        }
        let summaries: Vec<Diagnostic> = omitted
            .values()
            .map(|&(first, count)| {
                let d = &sorted[first];
                Diagnostic {
                    source: None,
                    len: 0,
                    message: format!("{count} more `{}` warning(s) in this file, not shown", d.code),
                    help: Some(format!("the first was: {}", d.message)),
                    ..d.clone()
                }
            })
            .collect();
        let mut keep = vec![None; sorted.len()];
        for (i, snippet) in shown {
            keep[i] = Some(snippet);
        }
        let mut out: Vec<(Diagnostic, bool)> = sorted
            .into_iter()
            .zip(keep)
            .filter_map(|(d, k)| k.map(|snippet| (d, snippet)))
            .collect();
        out.extend(summaries.into_iter().map(|d| (d, false)));
        out.sort_by(|a, b| (&a.0.file, a.0.pos, a.0.severity).cmp(&(&b.0.file, b.0.pos, b.0.severity)));
        out
    }
}

/// Display path of `path` relative to `root`, with `/` separators.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    rel.to_string_lossy().replace('\\', "/")
}

/// Words longer than this get no did-you-mean: a typo suggestion for a
/// paragraph is noise, and the edit distance grows with both lengths.
const SUGGEST_MAX_CHARS: usize = 64;

/// Candidates compared with a word, at most: a list of 100,000 contact
/// ids costs the first this many comparisons, not all.
const SUGGEST_MAX_CANDIDATES: usize = 2_000;

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_chars = word.chars().count();
    if word_chars > SUGGEST_MAX_CHARS {
        return None;
    }
    let word_l: Vec<char> = word.to_lowercase().chars().collect();
    let mut best: Option<(usize, &str)> = None;
    let mut rows = (Vec::new(), Vec::new(), Vec::new());
    for c in candidates.into_iter().take(SUGGEST_MAX_CANDIDATES) {
        let c_chars = c.chars().count();
        if c_chars > SUGGEST_MAX_CHARS {
            continue;
        }
        let limit = (c_chars.max(word_chars) / 3).max(1);
        // The distance is at least the difference in length.
        if c_chars.abs_diff(word_chars) > limit {
            continue;
        }
        let c_l: Vec<char> = c.to_lowercase().chars().collect();
        let d = levenshtein(&word_l, &c_l, &mut rows);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance where swapping two neighbouring letters counts as one edit
/// (optimal string alignment), so `titel` is one step from `title`. Three
/// rows of the table, reused across calls.
fn levenshtein(a: &[char], b: &[char], rows: &mut (Vec<usize>, Vec<usize>, Vec<usize>)) -> usize {
    let (before, prev, cur) = rows;
    before.clear();
    before.resize(b.len() + 1, 0);
    prev.clear();
    prev.extend(0..=b.len());
    cur.clear();
    cur.resize(b.len() + 1, 0);
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(before, prev);
        std::mem::swap(prev, cur);
    }
    prev[b.len()]
}

/// "one of `a`, `b` or `c`" for help texts.
/// Past [`LISTED_MAX`] items, the first ones and how many more.
pub fn one_of(items: &[&str]) -> String {
    if items.len() > LISTED_MAX {
        return format!("one of {} and {} more", listing(items), items.len() - LISTED_MAX);
    }
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.len() {
        0 => String::from("nothing"),
        1 => quoted[0].clone(),
        n => format!("one of {} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Items named in a help text, at most.
pub const LISTED_MAX: usize = 20;

/// "a, b, c" for help texts, the first [`LISTED_MAX`] items, then
/// "and N more".
pub fn list_of(items: &[&str]) -> String {
    if items.len() > LISTED_MAX {
        format!(
            "{} and {} more",
            items[..LISTED_MAX].join(", "),
            items.len() - LISTED_MAX
        )
    } else {
        items.join(", ")
    }
}

fn listing(items: &[&str]) -> String {
    items
        .iter()
        .take(LISTED_MAX)
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("tierr", ["tier", "stage", "name"]), Some("tier"));
        assert_eq!(did_you_mean("sponser", ["owner", "sponsor"]), Some("sponsor"));
        assert_eq!(did_you_mean("zzzzzz", ["tier", "stage"]), None);
        assert_eq!(did_you_mean("zz", ["a", "b"]), None);
        assert_eq!(did_you_mean("titel", ["title", "theme"]), Some("title"));
        assert_eq!(did_you_mean("Titel", ["TITLE"]), Some("TITLE"));
        assert_eq!(did_you_mean("ab", ["ba", "abc"]), Some("ba"));
        assert_eq!(did_you_mean("kitten", ["sitting"]), None, "3 edits of 7 letters");
        assert_eq!(did_you_mean("kiten", ["kitten"]), Some("kitten"));
        // A paragraph gets no suggestion; neither does a word among 100,000
        // ids when the close one comes after the first 2,000.
        let long = "x".repeat(65);
        assert_eq!(did_you_mean(&long, [long.as_str()]), None);
        let ids: Vec<String> = (0..100_000).map(|i| format!("id{i:06}")).collect();
        let mut ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        ids.push("sponsor");
        assert_eq!(did_you_mean("sponser", ids.iter().copied()), None);
        assert_eq!(did_you_mean("id000007x", ids.iter().copied()), Some("id000007"));
        assert_eq!(did_you_mean("diamnod", ["diamond", "portfolio"]), Some("diamond"));
        assert_eq!(
            did_you_mean("partnership", ["mid-kam", "partnership-kam"]),
            Some("partnership-kam")
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        assert_eq!(cut_long_line(&"a".repeat(240), 100), None);
        // Counted in characters: 200 `é` are 400 bytes but a short line.
        assert_eq!(cut_long_line(&"é".repeat(200), 100), None);
        let line: String = (0..100_000).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        for column in [1, 2, 61, 62, 5_000, 70_000, 99_999, 100_000, 100_001, 250_000] {
            let (cut, col) = cut_long_line(&line, column).unwrap();
            let chars: Vec<char> = cut.chars().collect();
            assert!(chars.len() <= 122, "{column}: {cut}");
            assert_eq!(chars[0] == '…', column > 61, "{column}: {cut}");
            assert_eq!(chars[chars.len() - 1] == '…', column < 99_941, "{column}: {cut}");
            if column <= 100_000 {
                assert_eq!(chars[col - 1], line.chars().nth(column - 1).unwrap(), "{column}");
            } else {
                assert_eq!(col, chars.len() + 1, "past the end: just after the last character");
            }
        }
        let wide: String = "日本".repeat(50_000);
        let (cut, col) = cut_long_line(&wide, 70_001).unwrap();
        assert_eq!(cut.chars().nth(col - 1), Some('日'));
    }

    #[test]
    fn a_snippet_of_a_long_line_is_a_window_with_the_file_position() {
        let text = format!("a: 1\nb: {}x\nc: {}\n", " ".repeat(80_000), "y".repeat(90_000));
        let f = SourceFile::new("f.yaml", text);
        let d = Diagnostic::error("bad", &f, Pos::new(2, 80_004), "bad value");
        let out = d.render(false);
        assert!(out.contains("[f.yaml:2:80004]"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
        let marked = out.lines().find(|l| l.contains(" 2 │ …")).unwrap();
        let under = out.lines().find(|l| l.contains('┬')).unwrap();
        // The highlight sits under the `x`.
        assert_eq!(
            marked.chars().position(|c| c == 'x'),
            under.chars().position(|c| c == '┬'),
            "{out}"
        );
        assert!(out.contains(" 3 │ …yyyy"), "{out}");
        // Short lines render as before, whole.
        let g = SourceFile::new("g.yaml", "a: 1\nb: [\n");
        let out = Diagnostic::error("bad", &g, Pos::new(2, 4), "unclosed").render(false);
        assert!(out.contains(" 2 │ b: [\n"), "{out}");
        // A position past the end of a file of one long line.
        let h = SourceFile::new("h.yaml", "z".repeat(70_000));
        let out = Diagnostic::error("bad", &h, Pos::new(5, 99_999), "past").render(false);
        assert!(out.contains("h.yaml:5:99999"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
    }

    #[test]
    fn long_lists_in_help_name_the_first_twenty() {
        assert_eq!(one_of(&["a", "b", "c"]), "one of `a`, `b` or `c`");
        let ids: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let help = one_of(&ids);
        assert!(
            help.starts_with("one of `c0`, `c1`,") && help.ends_with("`c19` and 5 more"),
            "{help}"
        );
        assert_eq!(list_of(&ids[..3]), "c0, c1, c2");
        assert!(list_of(&ids).ends_with("c18, c19 and 5 more"));
    }

    #[test]
    fn many_warnings_of_one_kind_in_a_file_are_summed_up() {
        let f = SourceFile::new("a.yaml", "x: 1\n".repeat(100));
        let g = SourceFile::new("b.yaml", "y: 1\n");
        let mut d = Diagnostics::default();
        for line in 1..=100 {
            d.push(Diagnostic::warning(
                "unused-factor",
                &f,
                Pos::new(line, 1),
                format!("w{line}"),
            ));
            d.push(Diagnostic::error(
                "out-of-range",
                &f,
                Pos::new(line, 4),
                format!("e{line}"),
            ));
        }
        d.push(Diagnostic::warning("other", &f, Pos::new(100, 1), "another kind"));
        d.push(Diagnostic::warning("unused-factor", &g, Pos::START, "in another file"));
        let shown = d.into_shown();
        let warnings: Vec<&Diagnostic> = shown.iter().map(|(d, _)| d).filter(|d| !d.is_error()).collect();
        // 20 of the kind, one line for the 80 more, the other kind, the other file.
        assert_eq!(warnings.len(), 23);
        let summary = warnings.iter().find(|d| d.message.starts_with("80 more")).unwrap();
        assert_eq!(
            summary.message,
            "80 more `unused-factor` warning(s) in this file, not shown"
        );
        assert_eq!(summary.location(), "a.yaml:21:1");
        assert_eq!(summary.help.as_deref(), Some("the first was: w21"));
        // Every error stays; only the first 50 of a file get a snippet.
        let errors: Vec<bool> = shown.iter().filter(|(d, _)| d.is_error()).map(|(_, s)| *s).collect();
        assert_eq!(errors.len(), 100);
        assert_eq!(
            shown.iter().filter(|(_, s)| *s).count(),
            51,
            "50 in a.yaml, 1 in b.yaml"
        );
        assert!(
            shown
                .windows(2)
                .all(|w| (&w[0].0.file, w[0].0.pos) <= (&w[1].0.file, w[1].0.pos))
        );
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
