//! Checks on an account's notes beyond their types.

use jiff::civil::Date;

use super::{FRONT_MATTER, at};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::AccountDoc;
use crate::source::Pos;

/// Each note's date, and raw HTML the sanitiser would show as text.
pub fn check(doc: &AccountDoc, today: Date, diags: &mut Diagnostics) {
    for note in &doc.notes {
        match &note.meta.date {
            None => diags.push(
                Diagnostic::error("missing-key", &note.file.source(), Pos::START, "note has no `date`")
                    .help("add `date: YYYY-MM-DD` to the front matter (between the `---` lines)"),
            ),
            Some(d) if d.value > today => diags.push(
                Diagnostic::warning(
                    "future-date",
                    &note.file.source(),
                    at(d, FRONT_MATTER),
                    format!("note is dated {}, after today ({today})", d.value),
                )
                .help("check the date; notes record what has happened"),
            ),
            _ => {}
        }
        // Raw HTML too deep for the sanitiser is shown as text (source::html_depth).
        let body = note.body();
        let max = crate::source::MAX_HTML_DEPTH;
        if memchr::memchr(b'<', body.as_bytes()).is_some() && crate::source::html_depth(&body, max) > max {
            let file = note.file.source();
            let (line, _) = file.line_col(file.text.len().saturating_sub(body.len()));
            diags.push(
                Diagnostic::warning(
                    "deep-html",
                    &file,
                    Pos::new(line, 1),
                    format!("raw HTML in this note is nested more than {max} deep; the page shows it as text"),
                )
                .help("write the note in Markdown, or nest the HTML less deeply"),
            );
        }
    }
}
