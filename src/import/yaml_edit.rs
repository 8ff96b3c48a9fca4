//! Editing account.yaml in place: the YAML read into a tree of nodes that
//! know their byte spans, and edits that replace or insert text at those
//! spans. Everything not edited (comments, key order, quoting, blank lines,
//! hand-written keys) stays byte for byte.
//!
//! Parsed with granit-parser, the parser serde-saphyr reads site files
//! with, so the tree is the document the loader sees.

use granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// A node of the document and where it is.
#[derive(Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// Byte offsets of the node's text (a scalar's token, quotes included).
    pub start: usize,
    pub end: usize,
    /// 0-based column of the node's start.
    pub col: usize,
}

#[derive(Debug)]
pub enum NodeKind {
    Scalar {
        value: String,
        plain: bool,
    },
    Map {
        flow: bool,
        entries: Vec<(Node, Node)>,
    },
    Seq {
        flow: bool,
        items: Vec<Node>,
    },
    /// An alias (`*name`): left alone.
    Other,
}

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        match &self.kind {
            NodeKind::Map { entries, .. } => entries.iter().find(|(k, _)| k.scalar() == Some(key)),
            _ => None,
        }
    }

    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// An empty value: `key:` with nothing after it, or `~` / `null`.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { value, plain: true } if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// Where the node's text really ends: block collections end at their
    /// last child's end (the parser's end may sit on the next line).
    pub fn content_end(&self) -> usize {
        match &self.kind {
            NodeKind::Map { flow: false, entries } => entries.last().map(|(_, v)| v.content_end()).unwrap_or(self.end),
            NodeKind::Seq { flow: false, items } => items.last().map(Node::content_end).unwrap_or(self.end),
            _ => self.end,
        }
    }
}

/// Why a file could not be read as YAML: where and what.
#[derive(Debug)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Read `text` into its root node; `None` for a document with no content.
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    let mut events = Vec::new();
    for ev in Parser::new_from_str(text) {
        match ev {
            Ok((ev, span)) => {
                let start = span.start.byte_offset().unwrap_or(0);
                let end = span.end.byte_offset().unwrap_or(start);
                events.push((ev, start, end, span.start.col()));
            }
            Err(e) => {
                let m = e.marker();
                return Err(YamlError {
                    line: m.line(),
                    col: m.col() + 1,
                    message: e.info().to_string(),
                });
            }
        }
    }
    let mut it = events.into_iter().peekable();
    let mut root = None;
    while let Some((ev, start, end, col)) = it.next() {
        match ev {
            Event::StreamStart | Event::DocumentStart(..) => {}
            Event::DocumentEnd | Event::StreamEnd => {
                if root.is_some() {
                    break;
                }
            }
            _ => {
                root = Some(node(ev, start, end, col, &mut it));
            }
        }
    }
    Ok(root)
}

type Ev<'a> = (Event<'a>, usize, usize, usize);

fn node<'a>(ev: Event<'a>, start: usize, end: usize, col: usize, it: &mut impl Iterator<Item = Ev<'a>>) -> Node {
    match ev {
        Event::Scalar(value, style, ..) => Node {
            kind: NodeKind::Scalar {
                value: value.into_owned(),
                plain: style == ScalarStyle::Plain,
            },
            start,
            end,
            col,
        },
        Event::MappingStart(style, ..) => {
            let mut entries = Vec::new();
            let mut last = end;
            while let Some((ev, s, e, c)) = it.next() {
                if matches!(ev, Event::MappingEnd) {
                    last = e;
                    break;
                }
                let key = node(ev, s, e, c, it);
                let Some((ev, s, e, c)) = it.next() else { break };
                if matches!(ev, Event::MappingEnd) {
                    last = e;
                    break;
                }
                let value = node(ev, s, e, c, it);
                entries.push((key, value));
            }
            Node {
                kind: NodeKind::Map {
                    flow: style == StructureStyle::Flow,
                    entries,
                },
                start,
                end: last.max(start),
                col,
            }
        }
        Event::SequenceStart(style, ..) => {
            let mut items = Vec::new();
            let mut last = end;
            while let Some((ev, s, e, c)) = it.next() {
                if matches!(ev, Event::SequenceEnd) {
                    last = e;
                    break;
                }
                items.push(node(ev, s, e, c, it));
            }
            Node {
                kind: NodeKind::Seq {
                    flow: style == StructureStyle::Flow,
                    items,
                },
                start,
                end: last.max(start),
                col,
            }
        }
        _ => Node {
            kind: NodeKind::Other,
            start,
            end,
            col,
        },
    }
}

/// Edits collected against one text, applied at once.
#[derive(Debug, Default)]
pub struct Edits {
    /// (start, end, replacement), in the order made.
    edits: Vec<(usize, usize, String)>,
}

impl Edits {
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    pub fn replace(&mut self, start: usize, end: usize, text: String) {
        self.edits.push((start, end, text));
    }

    pub fn insert(&mut self, at: usize, text: String) {
        self.edits.push((at, at, text));
    }

    /// The text with every edit made. Inserts at one position keep the
    /// order they were made in.
    /// A file written with CRLF line ends gets CRLF in what is inserted too.
    pub fn apply(mut self, text: &str) -> String {
        if text.contains("\r\n") {
            for (_, _, t) in &mut self.edits {
                *t = t.replace("\r\n", "\n").replace('\n', "\r\n");
            }
        }
        // Stable sort: edits at the same offset stay in the order made.
        self.edits.sort_by_key(|(s, _, _)| *s);
        let mut out = String::with_capacity(text.len() + 256);
        let mut at = 0;
        for (s, e, t) in self.edits {
            let s = s.clamp(at, text.len());
            out.push_str(&text[at..s]);
            out.push_str(&t);
            at = e.clamp(s, text.len());
        }
        out.push_str(&text[at..]);
        out
    }
}

/// The offset of the line break ending the line that `pos` is on (or the
/// end of the text): where a new line after it is inserted, after any
/// comment on that line.
pub fn line_end(text: &str, pos: usize) -> usize {
    let mut pos = pos.min(text.len());
    // A block scalar's span takes its line breaks and the blank lines after
    // it: the node ends where its text does.
    while pos > 0 && matches!(text.as_bytes()[pos - 1], b'\n' | b'\r' | b' ' | b'\t') {
        pos -= 1;
    }
    let end = text[pos..].find('\n').map(|i| pos + i).unwrap_or(text.len());
    // Before the CR of a CRLF.
    if end > 0 && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The offset right after the `:` that follows a mapping key.
pub fn after_colon(text: &str, key: &Node) -> usize {
    let from = key.end.min(text.len());
    text[from..].find(':').map(|i| from + i + 1).unwrap_or(from)
}

/// A string as a YAML scalar that reads back as the same string.
pub fn quote(s: &str) -> String {
    if is_plain_safe(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.chars().any(|c| c.is_control()) {
        return false;
    }
    // Anything YAML would read as another type: numbers, booleans, null, dates.
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~" | ".inf" | "-.inf" | ".nan"
    ) {
        return false;
    }
    if s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o") {
        return false;
    }
    let digits_and = |extra: &str| s.chars().all(|c| c.is_ascii_digit() || extra.contains(c));
    !(s.starts_with(|c: char| c.is_ascii_digit()) && digits_and("-:.+_ TZtz"))
}

/// A number as written in account.yaml: whole numbers without a decimal point.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_block_and_flow_nodes() {
        let text = "name: Acme # the name\nteam:\n  - { name: Per, role: lead }\ncontacts:\n  - id: a\n    name: A\n";
        let root = parse(text).unwrap().unwrap();
        let name = root.get("name").unwrap();
        assert_eq!(&text[name.start..name.end], "Acme");
        let contacts = root.get("contacts").unwrap();
        let NodeKind::Seq { items, flow: false } = &contacts.kind else {
            panic!("a block list")
        };
        assert_eq!(items[0].col, 4);
        assert_eq!(&text[items[0].content_end() - 1..items[0].content_end()], "A");
        let team = root.get("team").unwrap();
        let NodeKind::Seq { items, .. } = &team.kind else {
            panic!()
        };
        assert_eq!(&text[items[0].start..items[0].end], "{ name: Per, role: lead }");
        let role = items[0].get("role").unwrap();
        assert_eq!(&text[role.start..role.end], "lead");
        assert!(parse("").unwrap().is_none());
        assert!(parse("# only a comment\n").unwrap().is_none());
        assert!(parse("a: [1, 2").is_err());
    }

    #[test]
    fn empty_values_and_quoted_scalars() {
        let text = "name: \"Acme \\\"X\\\"\"\ncontacts:\nowner: 'Kari'\n";
        let root = parse(text).unwrap().unwrap();
        assert_eq!(root.get("name").unwrap().scalar(), Some("Acme \"X\""));
        assert!(root.get("contacts").unwrap().is_null());
        let (k, _) = root.entry("contacts").unwrap();
        assert_eq!(&text[after_colon(text, k)..after_colon(text, k) + 1], "\n");
        let owner = root.get("owner").unwrap();
        assert_eq!(&text[owner.start..owner.end], "'Kari'");
    }

    #[test]
    fn quoting_round_trips() {
        for s in [
            "Acme",
            "2016",
            "true",
            "no",
            "Acme: Nordic",
            "#1 Ltd",
            "- dash",
            " lead",
            "a\nb",
            "O'Brien",
            "1.5",
            "2026-01-02",
            "12:30",
            "Per \"P\" Olsen",
            "tab\there",
            "null",
            "~",
            "[x]",
            "@home",
            "Kari Nordmann",
        ] {
            let yaml = format!("k: {}\n", quote(s));
            let root = parse(&yaml).unwrap().unwrap();
            let n = root.get("k").unwrap();
            assert_eq!(n.scalar(), Some(s), "{yaml}");
            let plain = matches!(n.kind, NodeKind::Scalar { plain: true, .. });
            if plain {
                assert!(!n.is_null() && s.parse::<f64>().is_err(), "{s} must be quoted");
            }
        }
        assert_eq!(quote("Acme Industrial AS"), "Acme Industrial AS");
        assert_eq!(number(350000.0), "350000");
        assert_eq!(number(0.6), "0.6");
    }

    #[test]
    fn edits_apply_in_offset_order() {
        let mut e = Edits::default();
        e.insert(4, "X".into());
        e.replace(0, 1, "b".into());
        e.insert(4, "Y".into());
        assert_eq!(e.apply("abcdef"), "bbcdXYef");
    }
}
