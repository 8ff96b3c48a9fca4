//! Split a Markdown file into its `---` YAML front matter and body.

use super::yaml::Fragment;
use crate::diag::Diagnostic;
use crate::source::{Pos, SourceFile};

/// Front matter and where it starts, then the body. No front matter is `None`.
pub type Split<'a> = (Option<(&'a str, Fragment)>, &'a str);

pub fn split<'a>(file: &SourceFile, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        // Front matter after blank lines is read as Markdown: say so.
        let blank = text.len() - text.trim_start().len();
        let rest = &text[blank..];
        let starts = rest.lines().next().is_some_and(|l| l.trim_end() == "---");
        if blank > 0 && text[..blank].contains('\n') && starts && rest.lines().skip(1).any(|l| l.trim_end() == "---") {
            let line = text[..blank].matches('\n').count() + 1;
            return Err(Diagnostic::error(
                "front-matter-not-first",
                file,
                Pos::new(line, 1),
                format!(
                    "front matter must start on line 1, but {} before its `---`",
                    if line == 2 {
                        "line 1 is blank".to_string()
                    } else {
                        format!("lines 1 to {} are blank", line - 1)
                    }
                ),
            )
            .help("delete the blank line(s) above `---`: as written, the front matter is read as Markdown text"));
        }
        return Ok((None, text));
    }
    let mut offset = first_end;
    while offset < text.len() {
        let end = text[offset..].find('\n').map(|i| offset + i + 1).unwrap_or(text.len());
        let l = text[offset..end].trim_end();
        if l == "---" || l == "..." {
            let yaml = &text[first_end..offset];
            return Ok((Some((yaml, Fragment { first_line: 2 })), &text[end..]));
        }
        offset = end;
    }
    Err(Diagnostic::error(
        "unclosed-front-matter",
        file,
        Pos::START,
        "front matter opened here never closes",
    )
    .help("add a line with only `---` after the last front-matter key, before the Markdown body"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let f = SourceFile::new("n.md", "");
        let (fm, body) = split(&f, "---\ndate: 2026-01-01\n---\n# Hi\n").unwrap();
        assert_eq!(fm.unwrap().0, "date: 2026-01-01\n");
        assert_eq!(body, "# Hi\n");
        let (fm, body) = split(&f, "# No front matter\n").unwrap();
        assert!(fm.is_none());
        assert_eq!(body, "# No front matter\n");
        let (fm, _) = split(&f, "---\r\ntitle: x\r\n---\r\nbody").unwrap();
        assert_eq!(fm.unwrap().0, "title: x\r\n");
    }

    #[test]
    fn front_matter_after_a_blank_line_is_named() {
        let f = SourceFile::new("n.md", "\n\n---\ndate: 2026-01-01\n---\nBody\n");
        let err = split(&f, &f.text.clone()).unwrap_err();
        assert_eq!(err.code, "front-matter-not-first");
        assert_eq!(err.pos, Pos::new(3, 1));
        assert!(err.message.contains("lines 1 to 2 are blank"), "{}", err.message);
        // A body that only has a rule after a blank line is a body.
        let (fm, _) = split(&f, "\n---\nText\n").unwrap();
        assert!(fm.is_none());
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let f = SourceFile::new("n.md", "---\ndate: 2026-01-01\n# body\n");
        let err = split(&f, &f.text.clone()).unwrap_err();
        assert_eq!(err.code, "unclosed-front-matter");
        assert_eq!(err.pos, Pos::START);
    }
}
