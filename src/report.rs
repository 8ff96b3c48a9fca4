//! `kamsite check --format json|github`: diagnostics as lines a machine reads.
//!
//! `github` writes GitHub Actions workflow commands (`::error file=…::…`),
//! which a pull request shows on the lines that cause them; `json` writes
//! one JSON object per problem per line (JSON Lines). The shapes are
//! documented in docs/reference.md; their keys are stable.

use std::path::{Component, Path};

use serde::Serialize;

use crate::diag::{Diagnostic, Severity, cut_long_line};

/// One problem as a line of `--format json`. Field order is the output's key order.
#[derive(Debug, Serialize)]
pub struct JsonProblem<'a> {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The problem's stable id, e.g. `unknown-key`.
    pub code: &'static str,
    /// The file, as [`file_path`] gives it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: &'a str,
    /// How to fix it, when kamsite knows.
    pub help: Option<&'a str>,
    /// The text of the problem's line (cut around the column when long), when the file could be read.
    pub snippet: Option<String>,
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// What goes before a diagnostic's site-relative path so that the path is
/// relative to the folder kamsite runs in (the repository root, in CI):
/// `--root site` gives `site/`; `--root .` or a root outside the current
/// folder gives nothing, and paths stay relative to the site root.
pub fn path_prefix(root: &Path, cwd: Option<&Path>) -> String {
    let rel = if root.is_absolute() {
        let Some(cwd) = cwd else { return String::new() };
        let plain = root.strip_prefix(cwd).ok().map(Path::to_path_buf);
        let resolved = || {
            let (r, c) = (root.canonicalize().ok()?, cwd.canonicalize().ok()?);
            r.strip_prefix(c).ok().map(Path::to_path_buf)
        };
        match plain.or_else(resolved) {
            Some(p) => p,
            None => return String::new(),
        }
    } else {
        root.to_path_buf()
    };
    let mut out = String::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => {
                out.push_str(&s.to_string_lossy());
                out.push('/');
            }
            Component::ParentDir => out.push_str("../"),
            _ => {}
        }
    }
    out
}

/// The diagnostic's file with `prefix` (from [`path_prefix`]) in front.
pub fn file_path(prefix: &str, d: &Diagnostic) -> String {
    format!("{prefix}{}", d.file)
}

/// The text of the diagnostic's line, cut around the column when long.
fn snippet(d: &Diagnostic) -> Option<String> {
    let text = d.source.as_ref()?;
    let line = text.lines().nth(d.pos.line.checked_sub(1)?)?;
    Some(match cut_long_line(line, d.pos.column) {
        Some((cut, _)) => cut,
        None => line.to_string(),
    })
}

/// One line of `--format json` (no newline at the end).
pub fn json_line(prefix: &str, d: &Diagnostic) -> String {
    let p = JsonProblem {
        severity: severity_name(d.severity),
        code: d.code,
        file: file_path(prefix, d),
        line: d.pos.line,
        column: d.pos.column,
        message: &d.message,
        help: d.help.as_deref(),
        snippet: snippet(d),
    };
    serde_json::to_string(&p).unwrap_or_default()
}

/// One line of `--format github`: `::error file=…,line=…,col=…,title=CODE::message`.
/// The help follows the message after a blank line.
pub fn github_line(prefix: &str, d: &Diagnostic) -> String {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\n\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{} file={},line={},col={},title={}::{}",
        severity_name(d.severity),
        escape_property(&file_path(prefix, d)),
        d.pos.line,
        d.pos.column,
        escape_property(d.code),
        escape_data(&message)
    )
}

/// A problem with no file (the site folder is missing), as a workflow command.
pub fn github_plain_error(message: &str) -> String {
    format!("::error title=kamsite::{}", escape_data(message))
}

/// A workflow command's message: `%`, CR and LF escaped.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// A workflow command's property value: as [`escape_data`], and `:` and `,` too.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Pos, SourceFile};

    #[test]
    fn escapes_as_github_reads_them() {
        assert_eq!(escape_data("50% off\r\nnext, line: x"), "50%25 off%0D%0Anext, line: x");
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        // Escaping the escape character first: `%0A` in the text stays text.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn prefixes_are_relative_to_where_kamsite_runs() {
        assert_eq!(path_prefix(Path::new("."), None), "");
        assert_eq!(path_prefix(Path::new("./site/"), None), "site/");
        assert_eq!(path_prefix(Path::new("portal/site"), None), "portal/site/");
        assert_eq!(path_prefix(Path::new("../other"), None), "../other/");
        let cwd = Path::new("/home/runner/work/repo");
        assert_eq!(
            path_prefix(Path::new("/home/runner/work/repo/site"), Some(cwd)),
            "site/"
        );
        assert_eq!(path_prefix(Path::new("/home/runner/work/repo"), Some(cwd)), "");
        assert_eq!(path_prefix(Path::new("/elsewhere/site"), Some(cwd)), "");
    }

    #[test]
    fn a_problem_as_json_and_as_a_workflow_command() {
        let f = SourceFile::new("accounts/a, b/account.yaml", "name: A\ntier: gold\n");
        let d = Diagnostic::error("unknown-tier", &f, Pos::new(2, 7), "unknown tier `gold`: 100%\nreally")
            .help("use one of `diamond`, `foundation`");
        let line = github_line("site/", &d);
        assert_eq!(
            line,
            "::error file=site/accounts/a%2C b/account.yaml,line=2,col=7,title=unknown-tier::\
             unknown tier `gold`: 100%25%0Areally%0A%0Ahelp: use one of `diamond`, `foundation`"
        );
        let v: serde_json::Value = serde_json::from_str(&json_line("", &d)).unwrap();
        assert_eq!(v["severity"], "error");
        assert_eq!(v["code"], "unknown-tier");
        assert_eq!(v["file"], "accounts/a, b/account.yaml");
        assert_eq!((v["line"].as_u64(), v["column"].as_u64()), (Some(2), Some(7)));
        assert_eq!(v["message"], "unknown tier `gold`: 100%\nreally");
        assert_eq!(v["help"], "use one of `diamond`, `foundation`");
        assert_eq!(v["snippet"], "tier: gold");
        let w = Diagnostic::at_path("unreadable", "accounts/x/account.yaml", "cannot read");
        let v: serde_json::Value = serde_json::from_str(&json_line("", &w)).unwrap();
        assert!(v["help"].is_null() && v["snippet"].is_null());
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 8);
    }
}
