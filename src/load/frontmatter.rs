//! Split a Markdown file into its `---` YAML front matter and body.

use super::yaml::Fragment;
use crate::diag::{Diagnostic, Pos, SourceFile};

/// Front matter and where it starts, then the body. No front matter is `None`.
pub type Split<'a> = (Option<(&'a str, Fragment)>, &'a str);

pub fn split<'a>(file: &SourceFile, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
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
    fn unclosed_front_matter_is_an_error() {
        let f = SourceFile::new("n.md", "---\ndate: 2026-01-01\n# body\n");
        let err = split(&f, &f.text.clone()).unwrap_err();
        assert_eq!(err.code, "unclosed-front-matter");
        assert_eq!(err.pos, Pos::START);
    }
}
