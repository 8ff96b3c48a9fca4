//! YAML to typed values, with parse errors turned into [`Diagnostic`]s.
//!
//! serde-saphyr does the parsing (YAML 1.2, input budgets, no panics). This
//! module maps its errors to our file:line:column form, adds "did you mean"
//! and indentation hints, and goes on past each error to the next one
//! (`super::recover`), so a file's every mistake is reported in one run.

use serde::de::DeserializeOwned;
use serde_saphyr::{Error, MessageFormatter, UserMessageFormatter};

use super::recover::{Fault, MAX_ERRORS, Mend};
use crate::diag::{Diagnostic, did_you_mean, one_of};
use crate::source::{Pos, SourceFile};

/// Where a YAML fragment sits inside its file (front matter starts after `---`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Fragment {
    pub first_line: usize,
}

/// Parse `yaml` (the whole of `file`, or the part of it at `at`) into `T`.
/// On error, every error in it: parsing goes on past a bad value or key
/// (see [`super::recover`]), so one `check` lists them all.
pub fn parse<T: DeserializeOwned>(file: &SourceFile, yaml: &str, at: Fragment) -> Result<T, Vec<Diagnostic>> {
    let first = match run::<T>(yaml) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    Err(every_error(file, yaml, at, first, |text| run::<T>(text).err()))
}

fn run<T: DeserializeOwned>(yaml: &str) -> Result<T, Error> {
    let options = serde_saphyr::options! { with_snippet: false };
    // An empty document is an empty mapping, so an empty site.yaml works.
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_saphyr::from_str_with_options::<T>(yaml, options)
}

/// Where `err` is, as 1-based line and column of the text parsed.
fn place(err: &Error) -> Option<(usize, usize)> {
    err.without_snippet()
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| (l.line() as usize, (l.column() as usize).max(1)))
}

/// `first` and the errors after it in `yaml`, mending the text past each.
fn every_error(
    file: &SourceFile,
    yaml: &str,
    at: Fragment,
    first: Error,
    run: impl Fn(&str) -> Option<Error>,
) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut mend = Mend::new(yaml);
    let mut err = first;
    loop {
        let here = place(&err);
        let pos = match here {
            Some((line, column)) => shift(Pos::new(mend.origin(line), column), at),
            None => shift(Pos::START, at),
        };
        let d = to_diagnostic(file, &err, pos);
        let fault = match (d.code, err.without_snippet()) {
            ("unknown-key" | "duplicate-key", _) => Some(Fault::Key),
            ("missing-key", Error::SerdeMissingField { field, .. }) => Some(Fault::Missing(field)),
            ("unknown-value", Error::SerdeUnknownVariant { expected, .. }) => {
                Some(Fault::Value(expected.first().copied()))
            }
            ("wrong-type" | "unknown-value" | "invalid-date", _) => Some(Fault::Value(None)),
            _ => None,
        };
        let Some(fault) = fault else {
            if found.is_empty() {
                found.push(d);
            }
            break;
        };
        found.push(d);
        let Some((line, column)) = here else { break };
        if found.len() >= MAX_ERRORS {
            break;
        }
        let mut next = None;
        let past = |text: &str, mended: (usize, usize), next: &mut Option<Error>| match run(text) {
            None => {
                *next = None;
                true
            }
            Some(e) => {
                let p = place(&e);
                let beyond = match (fault, p) {
                    // The key added on the next line must be passed too.
                    (Fault::Missing(_), Some((l, c))) => l > line + 1 || (l == line && c > column),
                    (_, Some(p)) => p > mended,
                    (_, None) => false,
                };
                *next = Some(e);
                beyond
            }
        };
        if !mend.fix(line, column, fault, |text, mended| past(text, mended, &mut next)) {
            break;
        }
        match next {
            Some(e) => err = e,
            None => break,
        }
    }
    // A syntax error of the file itself that the typed parse stopped
    // before, or that a mend covered (an unclosed `[` replaced whole).
    if !found.iter().any(|d| matches!(d.code, "yaml-syntax" | "too-large"))
        && let Err(e) = self::run::<serde::de::IgnoredAny>(yaml)
        && syntax(&e)
    {
        let pos = place(&e)
            .map(|(l, c)| shift(Pos::new(l, c), at))
            .unwrap_or(shift(Pos::START, at));
        found.push(to_diagnostic(file, &e, pos));
    }
    found
}

/// Whether `err` is about the text's YAML syntax rather than its values.
fn syntax(err: &Error) -> bool {
    place(err).is_some()
        && !matches!(
            err.without_snippet(),
            Error::SerdeUnknownField { .. }
                | Error::SerdeUnknownVariant { .. }
                | Error::SerdeInvalidType { .. }
                | Error::SerdeInvalidValue { .. }
                | Error::SerdeMissingField { .. }
                | Error::InvalidScalar { .. }
                | Error::Unexpected { .. }
                | Error::NullIntoString { .. }
        )
}

/// Shift a position inside a fragment to a position in its file.
pub fn shift(pos: Pos, at: Fragment) -> Pos {
    Pos::new(pos.line + at.first_line.saturating_sub(1), pos.column)
}

/// A span location from serde-saphyr as a position in the file.
pub fn pos_of(loc: &serde_saphyr::Location, at: Fragment) -> Pos {
    shift(Pos::new(loc.line() as usize, loc.column() as usize), at)
}

/// Where a spanned model value is written, as a position in the file.
pub fn pos_of_value<T>(v: &crate::source::Spanned<T>, at: Fragment) -> Pos {
    shift(Pos::new(v.line as usize, v.column as usize), at)
}

fn to_diagnostic(file: &SourceFile, err: &Error, pos: Pos) -> Diagnostic {
    let d = describe(file, err, pos);
    // Keys whose values have a range the type does not say.
    if d.code == "wrong-type" && key_before(file, pos) == Some("stance") {
        return d.help("a stance runs from -3 (blocker) to +3 (advocate): write a whole number, e.g. -1 or 2");
    }
    d
}

/// The key whose value starts at `pos` (`stance` in `stance: high`).
fn key_before(file: &SourceFile, pos: Pos) -> Option<&str> {
    let line = line_text(file, pos.line);
    let at = line.char_indices().nth(pos.column.saturating_sub(1)).map(|(b, _)| b)?;
    let before = line[..at].trim_end().strip_suffix(':')?;
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map(|i| i + 1)
        .unwrap_or(0);
    Some(&before[start..])
}

/// The diagnostic for one serde-saphyr error at `pos`: code, message and help.
fn describe(file: &SourceFile, err: &Error, pos: Pos) -> Diagnostic {
    let err = err.without_snippet();
    match err {
        Error::SerdeUnknownField { field, expected, .. } => unknown_key(file, pos, field, expected),
        Error::SerdeUnknownVariant { variant, expected, .. } => unknown_value(file, pos, variant, expected),
        Error::SerdeInvalidType { .. } | Error::SerdeInvalidValue { .. } => {
            let msg = UserMessageFormatter.format_message(err).into_owned();
            // Help from what was expected, not from what was found.
            let expected = msg.rsplit("expected").next().unwrap_or(&msg).to_string();
            Diagnostic::error("wrong-type", file, pos, msg).help(type_help(&expected))
        }
        Error::SerdeMissingField { field, .. } => {
            let pos = mapping_start(file, pos);
            Diagnostic::error("missing-key", file, pos, format!("missing required key `{field}`"))
                .help(format!("add `{field}:` to this mapping"))
        }
        Error::InvalidScalar { ty, .. } => invalid_scalar(file, pos, ty),
        Error::NullIntoString { .. } => {
            Diagnostic::error("wrong-type", file, pos, "wrong type: expected text, found nothing")
                .help("write the text after the `:`, or remove the key")
        }
        Error::DuplicateMappingKey { .. } => {
            let msg = UserMessageFormatter.format_message(err);
            let msg = msg.split(", set DuplicateKeyPolicy").next().unwrap_or(&msg).to_string();
            Diagnostic::error("duplicate-key", file, pos, msg).help("remove one of the two entries")
        }
        Error::Budget { .. } => Diagnostic::error(
            "too-large",
            file,
            pos,
            UserMessageFormatter.format_message(err).into_owned(),
        )
        .help("split the file or simplify it; kamsite limits YAML size and nesting to stay safe"),
        Error::Unexpected { expected, .. } => unexpected(file, pos, expected),
        _ => syntax_or_date(file, err, pos),
    }
}

/// A key the type does not have: did-you-mean, and an indentation hint when
/// the key has left the entry above it.
fn unknown_key(file: &SourceFile, pos: Pos, field: &str, expected: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::error("unknown-key", file, pos, format!("unknown key `{field}`"));
    d.len = field.len();
    let mut help = match did_you_mean(field, expected.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? Allowed keys here: {}", expected.join(", ")),
        None => format!("allowed keys here: {}", expected.join(", ")),
    };
    // A key less indented than the entry above it has left that entry.
    if let Some((here, above, line)) = indentation(file, pos)
        && here < above
    {
        help = format!(
            "check the indentation: if `{field}` belongs to the entry on line {line}, indent it \
             {above} spaces to line up with its keys. Otherwise: {help}"
        );
    }
    d.help(help)
}

fn unknown_value(file: &SourceFile, pos: Pos, variant: &str, expected: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::error("unknown-value", file, pos, format!("unknown value `{variant}`"));
    d.len = variant.len();
    let help = match did_you_mean(variant, expected.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? Use {}", one_of(expected)),
        None => format!("use {}", one_of(expected)),
    };
    d.help(help)
}

/// A scalar that does not parse as the type `ty` (a number, a bool ...).
fn invalid_scalar(file: &SourceFile, pos: Pos, ty: &str) -> Diagnostic {
    let found = scalar_at(file, pos);
    let expected = match ty {
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" | "isize" | "usize" => {
            "a whole number"
        }
        "f32" | "f64" | "floating point" | "float" => "a number",
        "bool" => "`true` or `false`",
        "char" => "a single character",
        other => other,
    };
    let mut d = Diagnostic::error(
        "wrong-type",
        file,
        pos,
        format!("wrong type: expected {expected}, found `{found}`"),
    );
    d.len = found.len().max(1);
    d.help(type_help(expected))
}

/// A value of the wrong shape: a list, a mapping or text where another was expected.
fn unexpected(file: &SourceFile, pos: Pos, expected: &str) -> Diagnostic {
    let found = scalar_at(file, pos);
    let what = match expected {
        e if e.contains("sequence") => "a list (`- item` lines or `[a, b]`)",
        e if e.contains("mapping") || e.contains("map") => "a mapping of `key: value` pairs",
        e if e.contains("string") => "text",
        e => e,
    };
    Diagnostic::error(
        "wrong-type",
        file,
        pos,
        format!("wrong type: expected {what}, found `{found}`"),
    )
    .help(type_help(what))
}

/// Any other error: an invalid date (jiff's message), else invalid YAML with
/// a hint on indentation.
fn syntax_or_date(file: &SourceFile, err: &Error, pos: Pos) -> Diagnostic {
    let msg = UserMessageFormatter.format_message(err).into_owned();
    if matches!(err, Error::Message { .. }) && is_date_error(&msg) {
        let found = scalar_at(file, pos);
        let mut d = Diagnostic::error(
            "invalid-date",
            file,
            pos,
            format!("invalid date `{found}`: {}", date_problem(&found)),
        );
        d.len = found.len().max(1);
        return d.help("write dates as YYYY-MM-DD, e.g. 2026-03-31");
    }
    let help = match indentation(file, pos) {
        Some((here, above, line)) if here != above => format!(
            "check the indentation: this line is indented {here} space{}, the keys on line {line} \
             by {above}; keys of one mapping must line up exactly, indented with spaces",
            if here == 1 { "" } else { "s" }
        ),
        _ if line_text(file, pos.line).starts_with(|c: char| c.is_whitespace() && c != ' ') => {
            "indent with spaces: YAML does not allow tabs for indentation".into()
        }
        _ => "check indentation, `key: value` spacing and quoting around this point".into(),
    };
    Diagnostic::error("yaml-syntax", file, pos, format!("invalid YAML: {msg}")).help(help)
}

/// jiff's messages for a date that does not parse (the only custom
/// messages the model's types give).
fn is_date_error(msg: &str) -> bool {
    ["year", "month", "day", "date", "civil", "digit"]
        .iter()
        .any(|w| msg.contains(w))
}

/// What is wrong with `found` as a date, in words (not the parser's).
fn date_problem(found: &str) -> String {
    let parts: Vec<&str> = found.trim_matches(['"', '\'']).split('-').collect();
    let numbers: Option<Vec<i32>> = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => parts.iter().map(|p| p.parse().ok()).collect(),
        _ => None,
    };
    let Some(&[year, month, day]) = numbers.as_deref() else {
        return "not a date in the form YYYY-MM-DD".into();
    };
    if !(1..=12).contains(&month) {
        return format!("there is no month {month}; months run from 01 to 12");
    }
    let first = jiff::civil::Date::new(year as i16, month as i8, 1);
    match first {
        Ok(first) if day < 1 || day > i32::from(first.days_in_month()) => {
            format!("{} {year} has {} days", first.strftime("%B"), first.days_in_month())
        }
        _ => "not a date in the form YYYY-MM-DD".into(),
    }
}

/// The first key of the block mapping whose key at `pos` the parser names
/// (it names the last one): up over its other keys and their values.
fn mapping_start(file: &SourceFile, pos: Pos) -> Pos {
    let keys = pos.column.saturating_sub(1);
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let mut line = pos.line;
    while line > 1 {
        let here = line_text(file, line);
        // A list item's first key: `- ` puts it at the keys' column.
        if indent(here) + 2 == keys && here.trim_start().starts_with("- ") {
            break;
        }
        let above = line_text(file, line - 1);
        let t = above.trim();
        if t.is_empty() || t.starts_with('#') || indent(above) > keys || indent(above) == keys {
            line -= 1;
            continue;
        }
        if indent(above) + 2 == keys && t.starts_with("- ") {
            line -= 1;
        }
        break;
    }
    // Only a line whose keys start at the column is the mapping's start.
    let start = line_text(file, line);
    let first = start.len() - start.trim_start_matches([' ', '-']).len();
    if first == keys { Pos::new(line, pos.column) } else { pos }
}

/// Line `n` (1-based) of `file`, without its end of line.
fn line_text(file: &SourceFile, n: usize) -> &str {
    file.text.lines().nth(n.saturating_sub(1)).unwrap_or("")
}

/// For the line at `pos`: its indentation, the column (less one) where the
/// keys of the closest line above start (after any `- `), and that line's
/// number. None when there is no line above.
fn indentation(file: &SourceFile, pos: Pos) -> Option<(usize, usize, usize)> {
    let here = line_text(file, pos.line);
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let mut n = pos.line.checked_sub(1)?;
    while n >= 1 {
        let l = line_text(file, n);
        let t = l.trim();
        if !t.is_empty() && !t.starts_with('#') && t != "---" {
            let mut keys = indent(l);
            let mut rest = &l[keys..];
            while let Some(r) = rest.strip_prefix("- ") {
                let r2 = r.trim_start_matches(' ');
                keys += 2 + (r.len() - r2.len());
                rest = r2;
            }
            return Some((indent(here), keys, n));
        }
        n -= 1;
    }
    None
}

/// The scalar text starting at `pos`, up to the end of its line or flow item.
fn scalar_at(file: &SourceFile, pos: Pos) -> String {
    let off = file.offset_of(pos.line, pos.column);
    let rest = file.text.get(off..).unwrap_or("");
    let line = rest.lines().next().unwrap_or("");
    let end = if line.starts_with(['[', '{', '"', '\'']) {
        super::recover::token_end(line, 0, false)
    } else {
        line.find([',', '}', ']', '#']).unwrap_or(line.len())
    };
    line[..end].trim().to_string()
}

fn type_help(msg: &str) -> String {
    if msg.contains("text:") {
        "write the item as plain text, or as `{ text: ..., internal: true }`".into()
    } else if msg.trim() == "text" || msg.contains("a string") {
        "write plain text here, in quotes if it holds `:`, `#`, `[` or `{`".into()
    } else if msg.contains("date") || msg.contains("Date") {
        "write dates as YYYY-MM-DD, e.g. 2026-03-31".into()
    } else if msg.contains("sequence") || msg.contains("list") {
        "this key takes a list: write items as `- item` lines or `[a, b]`".into()
    } else if msg.contains("map") {
        "this key takes a mapping of `key: value` pairs".into()
    } else if msg.contains("float")
        || msg.contains("integer")
        || msg.contains("number")
        || msg.contains("i64")
        || msg.contains("f64")
    {
        "write a plain number without units or thousands separators, e.g. 2, 0.6 or 4200000".into()
    } else if msg.contains("bool") {
        "write `true` or `false`".into()
    } else {
        "change the value to the expected type".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Account;

    fn errors(text: &str) -> Vec<(String, &'static str)> {
        let f = SourceFile::new("a.yaml", text);
        match parse::<Account>(&f, text, Fragment::default()) {
            Ok(_) => Vec::new(),
            Err(ds) => ds
                .into_iter()
                .map(|d| (format!("{}:{}", d.pos.line, d.pos.column), d.code))
                .collect(),
        }
    }

    #[test]
    fn a_syntax_error_after_bad_values_is_reported_too() {
        let text = "name: A\nsince: 2026-13-01\nregion: [Nordics\nowner: X\n";
        let got = errors(text);
        assert_eq!(got.first(), Some(&("2:8".to_string(), "invalid-date")), "{got:?}");
        assert!(got.iter().any(|(_, c)| *c == "yaml-syntax"), "{got:?}");
        // A syntax error first: that one alone, nothing the parser guessed after it.
        let got = errors("name: A\n tier: x\nsince: soon\n");
        assert_eq!(got, [("2:6".to_string(), "yaml-syntax")]);
    }

    #[test]
    fn a_file_of_mistakes_stops_at_the_cap_and_each_is_reported_once() {
        let text: String = std::iter::once("name: A\ncontacts:\n".to_string())
            .chain((0..80).map(|i| format!("  - {{ id: c{i}, name: C, stance: high }}\n")))
            .collect();
        let got = errors(&text);
        assert_eq!(got.len(), MAX_ERRORS);
        let mut lines: Vec<&String> = got.iter().map(|(p, _)| p).collect();
        lines.dedup();
        assert_eq!(lines.len(), MAX_ERRORS);
        assert!(got.iter().all(|(_, c)| *c == "wrong-type"));
    }

    #[test]
    fn date_problems_in_words() {
        assert_eq!(
            date_problem("2026-13-01"),
            "there is no month 13; months run from 01 to 12"
        );
        assert_eq!(date_problem("2028-02-30"), "February 2028 has 29 days");
        assert_eq!(date_problem("2026-04-31"), "April 2026 has 30 days");
        assert_eq!(date_problem("31.12.2026"), "not a date in the form YYYY-MM-DD");
        assert_eq!(date_problem("2026-1-5"), "not a date in the form YYYY-MM-DD");
    }
}
