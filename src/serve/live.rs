//! The live-reload protocol: build state, server-sent events and the page script.
//!
//! Every build bumps a generation number. The page script (served at
//! `/__kamsite/live.js` with the generation it was served at) listens on
//! `/__kamsite/events`: `reload` after a good build, `build-error` with the
//! diagnostics after a failed one, and `status` (the current state) right
//! after it connects. A page reloads when a good build is newer than the
//! page, and shows an overlay while the last build failed, so a page opened
//! after the failure shows it too.

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, cut_long_line};

/// Most problems listed in the overlay; the terminal has them all.
const MAX_SHOWN: usize = 30;

/// One problem as the overlay shows it.
#[derive(Serialize, Clone, Debug)]
pub struct Problem {
    pub severity: &'static str,
    /// `file:line:column`, or empty for problems with no file.
    pub location: String,
    pub message: String,
    pub help: Option<String>,
    /// The lines around the position, numbered, with a `^` under the column.
    pub snippet: Option<String>,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct State {
    pub generation: u64,
    /// Problems of the last build when it failed; `None` when it succeeded.
    pub errors: Option<Vec<Problem>>,
    /// How many errors there were in all.
    pub error_count: usize,
}

impl State {
    pub fn ok(generation: u64) -> State {
        State {
            generation,
            errors: None,
            error_count: 0,
        }
    }

    pub fn failed(generation: u64, diags: &Diagnostics, message: Option<&str>) -> State {
        let mut problems: Vec<Problem> = message
            .map(|m| Problem {
                severity: "error",
                location: String::new(),
                message: m.to_string(),
                help: None,
                snippet: None,
            })
            .into_iter()
            .collect();
        let mut errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        errors.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
        let error_count = errors.len() + problems.len();
        problems.extend(errors.into_iter().take(MAX_SHOWN).map(problem));
        State {
            generation,
            errors: Some(problems),
            error_count,
        }
    }

    /// The server-sent event announcing this state.
    pub fn event(&self) -> String {
        let name = if self.errors.is_some() { "build-error" } else { "reload" };
        self.event_named(name)
    }

    /// This state as an event of the given name (`status` on connect).
    pub fn event_named(&self, name: &str) -> String {
        format!("event: {name}\ndata: {}\n\n", self.json())
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

fn problem(d: &Diagnostic) -> Problem {
    Problem {
        severity: if d.is_error() { "error" } else { "warning" },
        location: d.location(),
        message: d.message.clone(),
        help: d.help.clone(),
        snippet: d.source.as_deref().map(|text| snippet(text, d.pos.line, d.pos.column)),
    }
}

/// Two lines either side of `line`, numbered, with a caret under `column`.
/// Lines longer than [`LONG_LINE`](crate::diag::LONG_LINE) characters are cut to a window around
/// the column, as in the terminal.
pub fn snippet(text: &str, line: usize, column: usize) -> String {
    let first = line.saturating_sub(3);
    let shown: Vec<(usize, &str)> = text.lines().enumerate().skip(first).take(line + 2 - first).collect();
    let last = shown.last().map_or(0, |(i, _)| i + 1);
    let width = last.to_string().len();
    let mut out = String::new();
    for (i, l) in shown {
        let n = i + 1;
        let mark = if n == line { ">" } else { " " };
        let (l, column) = match cut_long_line(l, column) {
            Some((cut, col)) => (std::borrow::Cow::Owned(cut), col),
            None => (std::borrow::Cow::Borrowed(l), column),
        };
        out.push_str(&format!("{mark} {n:>width$} | {l}\n"));
        if n == line {
            let pad: String = l
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("  {:>width$} | {pad}^\n", ""));
        }
    }
    out
}

/// The page script: connects to the event stream, reloads, shows the overlay.
pub fn script(generation: u64) -> String {
    format!("window.__kamsiteGeneration = {generation};\n{SCRIPT}")
}

const SCRIPT: &str = include_str!("live.js");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Pos, SourceFile};

    #[test]
    fn snippets_point_at_the_column() {
        let s = snippet("a: 1\nb: [\nc: 3\n", 2, 4);
        assert_eq!(s, "  1 | a: 1\n> 2 | b: [\n    |    ^\n  3 | c: 3\n");
    }

    #[test]
    fn snippets_of_long_lines_are_cut_around_the_column() {
        let text = format!("a: 1\nb: {}x\n", " ".repeat(100_000));
        let s = snippet(&text, 2, 100_004);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 3, "{s}");
        assert!(lines[1].starts_with("> 2 | …") && lines[1].ends_with('x'), "{s}");
        assert_eq!(lines[2].len(), lines[1].chars().count(), "the caret under the x: {s}");
        assert!(lines[2].ends_with('^'));
    }

    #[test]
    fn failed_state_carries_location_and_snippet() {
        let f = SourceFile::new("accounts/acme/account.yaml", "name: Acme\ntier: [\n");
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error("yaml-syntax", &f, Pos::new(2, 7), "invalid YAML").help("check it"));
        d.push(Diagnostic::warning("unscored", &f, Pos::START, "no scores"));
        let s = State::failed(7, &d, None);
        let e = s.event();
        assert!(e.starts_with("event: build-error\ndata: {"), "{e}");
        assert!(e.contains("accounts/acme/account.yaml:2:7"), "{e}");
        assert!(!e.contains("no scores"), "warnings stay in the terminal: {e}");
        assert_eq!(s.error_count, 1);
        assert!(
            State::ok(8)
                .event()
                .starts_with("event: reload\ndata: {\"generation\":8")
        );
    }
}
