//! The miette view: a [`Diagnostic`] drawn with its source snippet.
//!
//! miette draws the file around the position; a line too long for a
//! terminal (minified or generated text) is shown as a window around the
//! column instead, with the position still named as in the file.

use std::fmt;
use std::sync::Arc;

use super::{Diagnostic, Pos, Severity, SourceFile};

impl Diagnostic {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
