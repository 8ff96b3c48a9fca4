//! YAML to typed values, with parse errors turned into [`Diagnostic`]s.
//!
//! serde-saphyr does the parsing (YAML 1.2, input budgets, no panics). This
//! module only maps its errors to our file:line:column form and adds
//! "did you mean" hints for unknown keys and values.

use serde::de::DeserializeOwned;
use serde_saphyr::{Error, MessageFormatter, UserMessageFormatter};

use crate::diag::{Diagnostic, Pos, SourceFile, did_you_mean, one_of};

/// Where a YAML fragment sits inside its file (front matter starts after `---`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Fragment {
    pub first_line: usize,
}

/// Parse `yaml` (the whole of `file`, or the part of it at `at`) into `T`.
pub fn parse<T: DeserializeOwned>(file: &SourceFile, yaml: &str, at: Fragment) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! { with_snippet: false };
    // An empty document is an empty mapping, so an empty site.yaml works.
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_saphyr::from_str_with_options::<T>(yaml, options).map_err(|e| to_diagnostic(file, &e, at))
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
pub fn pos_of_value<T>(v: &crate::model::Spanned<T>, at: Fragment) -> Pos {
    shift(Pos::new(v.line as usize, v.column as usize), at)
}

fn to_diagnostic(file: &SourceFile, err: &Error, at: Fragment) -> Diagnostic {
    let err = err.without_snippet();
    let pos = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| pos_of(&l, at))
        .unwrap_or(shift(Pos::START, at));
    match err {
        Error::SerdeUnknownField { field, expected, .. } => {
            let mut d = Diagnostic::error("unknown-key", file, pos, format!("unknown key `{field}`"));
            d.len = field.len();
            let help = match did_you_mean(field, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? Allowed keys here: {}", expected.join(", ")),
                None => format!("allowed keys here: {}", expected.join(", ")),
            };
            d.help(help)
        }
        Error::SerdeUnknownVariant { variant, expected, .. } => {
            let mut d = Diagnostic::error("unknown-value", file, pos, format!("unknown value `{variant}`"));
            d.len = variant.len();
            let help = match did_you_mean(variant, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? Use {}", one_of(expected)),
                None => format!("use {}", one_of(expected)),
            };
            d.help(help)
        }
        Error::SerdeInvalidType { .. } | Error::SerdeInvalidValue { .. } => {
            let msg = UserMessageFormatter.format_message(err).into_owned();
            // Help from what was expected, not from what was found.
            let expected = msg.rsplit("expected").next().unwrap_or(&msg).to_string();
            Diagnostic::error("wrong-type", file, pos, msg).help(type_help(&expected))
        }
        Error::SerdeMissingField { field, .. } => {
            Diagnostic::error("missing-key", file, pos, format!("missing required key `{field}`"))
                .help(format!("add `{field}:` to this mapping"))
        }
        Error::InvalidScalar { ty, .. } => {
            let found = scalar_at(file, pos);
            let expected = match *ty {
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
        Error::Unexpected { expected, .. } => {
            let found = scalar_at(file, pos);
            let what = match *expected {
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
        _ => {
            let msg = UserMessageFormatter.format_message(err).into_owned();
            if is_date_error(&msg) {
                let found = scalar_at(file, pos);
                let reason = msg.rsplit(": ").next().unwrap_or(&msg);
                return Diagnostic::error("invalid-date", file, pos, format!("invalid date `{found}`: {reason}"))
                    .help("write dates as YYYY-MM-DD, e.g. 2026-03-31");
            }
            Diagnostic::error("yaml-syntax", file, pos, format!("invalid YAML: {msg}"))
                .help("check indentation, `key: value` spacing and quoting around this point")
        }
    }
}

/// jiff's messages for a date that does not parse.
fn is_date_error(msg: &str) -> bool {
    ["year", "month", "day", "date", "civil"]
        .iter()
        .any(|w| msg.contains(w))
        && (msg.contains("parse") || msg.contains("range") || msg.contains("invalid"))
}

/// The scalar text starting at `pos`, up to the end of its line or flow item.
fn scalar_at(file: &SourceFile, pos: Pos) -> String {
    let off = file.offset_of(pos.line, pos.column);
    let rest = file.text.get(off..).unwrap_or("");
    let line = rest.lines().next().unwrap_or("");
    let end = line.find([',', '}', ']', '#']).unwrap_or(line.len());
    line[..end].trim().to_string()
}

fn type_help(msg: &str) -> String {
    if msg.contains("text:") {
        "write the item as plain text, or as `{ text: ..., internal: true }`".into()
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
