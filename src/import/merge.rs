//! What the export says about one account, merged into its account.yaml:
//! the keys the import fills are added where missing; a key that already
//! has another value keeps it (it may be hand-written) unless `force`.
//! Everything else in the file is left as it is.

use super::convert::{Fields, Scalar};
use super::yaml_edit::{Edits, Node, NodeKind, YamlError, after_colon, line_end, number, parse, quote};

/// Everything the import has for one account.
#[derive(Debug, Default)]
pub struct Desired {
    /// `format id`, noted in the file's first comment line.
    pub record_id: Option<String>,
    /// Top-level keys (`name` first when the account row is in the export).
    pub fields: Fields,
    pub financials: Vec<(i32, Fields)>,
    pub contacts: Vec<Fields>,
    pub opportunities: Vec<Fields>,
}

/// One difference the import made, or saw and left.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A key or list item written where there was none.
    Added(String),
    /// A value replaced (`--force`).
    Updated { key: String, old: String, new: String },
    /// A value that differs from the export, kept as the file has it.
    Kept { key: String, file: String, export: String },
    /// The CRM id comment written at the top.
    Noted,
}

/// The first comment line that says which CRM record an account is.
pub const RECORD_PREFIX: &str = "# crm-id: ";

/// The CRM record noted in an account.yaml, as `format id`.
pub fn noted_record(text: &str) -> Option<&str> {
    text.lines()
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        .find_map(|l| l.strip_prefix(RECORD_PREFIX))
        .map(str::trim)
}

/// Keys in the order SPEC 2.1 lists them: where a new key goes.
const TOP_ORDER: &[&str] = &[
    "name",
    "status",
    "industry",
    "region",
    "tier",
    "stage",
    "owner",
    "sponsor",
    "team",
    "since",
    "review_by",
    "scores",
    "financials",
    "contacts",
    "opportunities",
];

fn rank(key: &str) -> usize {
    TOP_ORDER.iter().position(|k| *k == key).unwrap_or(usize::MAX)
}

pub fn render_scalar(v: &Scalar) -> String {
    match v {
        Scalar::Str(s) => quote(s),
        Scalar::Num(n) => number(*n),
        Scalar::Date(d) => d.to_string(),
    }
}

fn same(node: &Node, v: &Scalar) -> bool {
    let Some(s) = node.scalar() else { return false };
    match v {
        Scalar::Str(t) => s == t,
        Scalar::Num(n) => s.parse::<f64>().is_ok_and(|x| (x - n).abs() <= 1e-9 * n.abs().max(1.0)),
        Scalar::Date(d) => s.parse::<jiff::civil::Date>().is_ok_and(|x| x == *d),
    }
}

/// The shown form of a file's value in messages.
fn shown(node: &Node) -> String {
    match node.scalar() {
        Some(s) => s.to_string(),
        None => "(a list or mapping)".into(),
    }
}

/// A list item of `list` and how it is written.
struct ListSpec {
    key: &'static str,
    /// Items as one-line flow mappings (`financials`) or block mappings.
    flow: bool,
    /// What an item is called in messages.
    item: &'static str,
}

const FINANCIALS: ListSpec = ListSpec {
    key: "financials",
    flow: true,
    item: "financials",
};
const CONTACTS: ListSpec = ListSpec {
    key: "contacts",
    flow: false,
    item: "contact",
};
const OPPORTUNITIES: ListSpec = ListSpec {
    key: "opportunities",
    flow: false,
    item: "opportunity",
};

/// An item's name in messages: `contact ingrid-berg`, `financials 2025`.
fn item_name(spec: &ListSpec, fields: &Fields) -> String {
    let id = fields
        .iter()
        .find(|(k, _)| *k == "id" || *k == "year")
        .map(|(_, v)| match v {
            Scalar::Str(s) => s.clone(),
            other => render_scalar(other),
        })
        .unwrap_or_default();
    format!("{} {id}", spec.item)
}

fn flow_item(fields: &Fields) -> String {
    let inner: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}: {}", render_scalar(v)))
        .collect();
    format!("{{ {} }}", inner.join(", "))
}

/// Items as a block list whose dashes sit at column `indent`, each line
/// after a line break.
fn block_items(spec: &ListSpec, items: &[Fields], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for fields in items {
        if spec.flow {
            out.push_str(&format!("\n{pad}- {}", flow_item(fields)));
            continue;
        }
        for (i, (k, v)) in fields.iter().enumerate() {
            let lead = if i == 0 { "- " } else { "  " };
            out.push_str(&format!("\n{pad}{lead}{k}: {}", render_scalar(v)));
        }
    }
    out
}

/// A new account.yaml.
pub fn create(d: &Desired) -> String {
    let mut out = String::new();
    if let Some(id) = &d.record_id {
        out.push_str(&format!("{RECORD_PREFIX}{id}\n"));
    }
    for (k, v) in &d.fields {
        out.push_str(&format!("{k}: {}\n", render_scalar(v)));
    }
    let financials: Vec<Fields> = d.financials.iter().map(|(y, f)| with_year(*y, f)).collect();
    for (spec, items) in [
        (&FINANCIALS, &financials),
        (&CONTACTS, &d.contacts),
        (&OPPORTUNITIES, &d.opportunities),
    ] {
        if !items.is_empty() {
            out.push_str(&format!("{}:{}\n", spec.key, block_items(spec, items, 2)));
        }
    }
    out
}

fn with_year(year: i32, fields: &Fields) -> Fields {
    let mut all: Fields = vec![("year", Scalar::Num(f64::from(year)))];
    all.extend(fields.iter().cloned());
    all
}

/// The result of merging into an existing file.
#[derive(Debug)]
pub struct Merged {
    pub text: String,
    pub changes: Vec<Change>,
}

/// Merge `d` into the text of an existing account.yaml.
pub fn merge(text: &str, d: &Desired, force: bool) -> Result<Merged, YamlError> {
    let Some(root) = parse(text)? else {
        // Comments only: keep them, write the account after them.
        let mut t = text.to_string();
        if !t.is_empty() && !t.ends_with('\n') {
            t.push('\n');
        }
        t.push_str(&create(&Desired {
            record_id: None,
            ..clone_desired(d)
        }));
        if let Some(id) = &d.record_id {
            t.insert_str(0, &format!("{RECORD_PREFIX}{id}\n"));
        }
        return Ok(Merged {
            text: t,
            changes: vec![Change::Added("everything".into())],
        });
    };
    if !matches!(root.kind, NodeKind::Map { .. }) {
        return Err(YamlError {
            line: 1,
            col: 1,
            message: "account.yaml is not a mapping of keys to values".into(),
        });
    }
    let mut m = Merger {
        text,
        force,
        edits: Edits::default(),
        changes: Vec::new(),
    };
    if let Some(id) = &d.record_id
        && noted_record(text).is_none()
    {
        m.edits.insert(0, format!("{RECORD_PREFIX}{id}\n"));
        m.changes.push(Change::Noted);
    }
    m.fields(&root, &d.fields, "", true);
    let financials: Vec<Fields> = d.financials.iter().map(|(y, f)| with_year(*y, f)).collect();
    for (spec, items) in [
        (&FINANCIALS, &financials),
        (&CONTACTS, &d.contacts),
        (&OPPORTUNITIES, &d.opportunities),
    ] {
        if !items.is_empty() {
            m.list(&root, spec, items);
        }
    }
    let Merger { edits, changes, .. } = m;
    Ok(Merged {
        text: edits.apply(text),
        changes,
    })
}

fn clone_desired(d: &Desired) -> Desired {
    Desired {
        record_id: d.record_id.clone(),
        fields: d.fields.clone(),
        financials: d.financials.clone(),
        contacts: d.contacts.clone(),
        opportunities: d.opportunities.clone(),
    }
}

struct Merger<'a> {
    text: &'a str,
    force: bool,
    edits: Edits,
    changes: Vec<Change>,
}

impl Merger<'_> {
    /// Merge `fields` into the mapping `map`; `prefix` names it in messages.
    /// `top`: the document's own keys, placed in SPEC order.
    fn fields(&mut self, map: &Node, fields: &Fields, prefix: &str, top: bool) {
        for (key, value) in fields {
            let name = format!("{prefix}{key}");
            match map.entry(key) {
                None => {
                    self.insert_key(map, key, &format!(" {}", render_scalar(value)), top);
                    self.changes.push(Change::Added(name));
                }
                Some((k, v)) if v.is_null() => {
                    let at = after_colon(self.text, k);
                    self.edits
                        .replace(at, v.end.max(at), format!(" {}", render_scalar(value)));
                    self.changes.push(Change::Added(name));
                }
                Some((_, v)) if same(v, value) => {}
                Some((_, v)) if self.force && v.scalar().is_some() => {
                    self.edits.replace(v.start, v.end, render_scalar(value));
                    self.changes.push(Change::Updated {
                        key: name,
                        old: shown(v),
                        new: render_scalar(value),
                    });
                }
                Some((_, v)) => self.changes.push(Change::Kept {
                    key: name,
                    file: shown(v),
                    export: render_scalar(value),
                }),
            }
        }
    }

    /// Add `key:value` to `map` (`value` starts with a space, or a line
    /// break before block items): in a flow mapping at its end, in a block
    /// mapping on a line of its own (after the key SPEC puts before it, at
    /// the top level).
    fn insert_key(&mut self, map: &Node, key: &str, value: &str, top: bool) {
        let NodeKind::Map { flow, entries } = &map.kind else {
            return;
        };
        if *flow {
            match entries.last() {
                Some((_, v)) => self.edits.insert(v.end, format!(", {key}:{value}")),
                None => self.edits.insert(map.start + 1, format!(" {key}:{value} ")),
            }
            return;
        }
        let indent = entries.first().map(|(k, _)| k.col).unwrap_or(0);
        let pad = " ".repeat(indent);
        let after = if top {
            entries
                .iter()
                .rev()
                .find(|(k, _)| k.scalar().is_some_and(|s| rank(s) < rank(key)))
        } else {
            entries.last()
        };
        match (after, entries.first()) {
            (Some((_, v)), _) => {
                let at = line_end(self.text, v.content_end());
                self.edits.insert(at, format!("\n{pad}{key}:{value}"));
            }
            (None, Some((first, _))) => {
                let at = first.start - first.col.min(first.start);
                self.edits.insert(at, format!("{pad}{key}:{value}\n"));
            }
            (None, None) => self.edits.insert(self.text.len(), format!("{key}:{value}\n")),
        }
    }

    fn list(&mut self, root: &Node, spec: &ListSpec, items: &[Fields]) {
        let indent = match &root.kind {
            NodeKind::Map { entries, .. } => entries.first().map(|(k, _)| k.col).unwrap_or(0),
            _ => 0,
        };
        let Some((k, v)) = root.entry(spec.key) else {
            let block = block_items(spec, items, indent + 2);
            self.insert_key(root, spec.key, &block, true);
            self.changes
                .extend(items.iter().map(|f| Change::Added(item_name(spec, f))));
            return;
        };
        if v.is_null() {
            let at = after_colon(self.text, k);
            self.edits
                .replace(at, v.end.max(at), block_items(spec, items, indent + 2));
            self.changes
                .extend(items.iter().map(|f| Change::Added(item_name(spec, f))));
            return;
        }
        let NodeKind::Seq { flow, items: existing } = &v.kind else {
            self.changes.push(Change::Kept {
                key: spec.key.into(),
                file: "(not a list)".into(),
                export: format!("{} item(s)", items.len()),
            });
            return;
        };
        let mut new = Vec::new();
        for fields in items {
            match existing.iter().find(|n| matches(n, fields)) {
                Some(node) => {
                    // A matched item keeps its id: reports_to and reviews refer to it.
                    let rest: Fields = fields.iter().filter(|(k, _)| *k != "id").cloned().collect();
                    let prefix = format!("{} ", item_name(spec, &id_of(node, fields)));
                    self.fields(node, &rest, &prefix, false);
                }
                None => new.push(fields.clone()),
            }
        }
        if new.is_empty() {
            return;
        }
        self.changes
            .extend(new.iter().map(|f| Change::Added(item_name(spec, f))));
        if *flow {
            let text: Vec<String> = new.iter().map(flow_item).collect();
            match existing.last() {
                Some(last) => self.edits.insert(last.end, format!(", {}", text.join(", "))),
                None => self
                    .edits
                    .replace(after_colon(self.text, k), v.end, block_items(spec, &new, indent + 2)),
            }
            return;
        }
        let dash = v.col;
        let at = line_end(self.text, v.content_end());
        self.edits.insert(at, block_items(spec, &new, dash));
    }
}

/// The item's id as the file has it, for messages.
fn id_of(node: &Node, fields: &Fields) -> Fields {
    match node.get("id").and_then(Node::scalar) {
        Some(id) => vec![("id", Scalar::Str(id.to_string()))],
        None => fields.clone(),
    }
}

/// Whether an existing list item is the record `fields`: the same id (or
/// year), else the same name or title.
fn matches(node: &Node, fields: &Fields) -> bool {
    let get = |k: &str| fields.iter().find(|(f, _)| *f == k).map(|(_, v)| v);
    if let Some(year) = get("year") {
        return node.get("year").is_some_and(|n| same(n, year));
    }
    if let Some(id) = get("id")
        && node.get("id").is_some_and(|n| same(n, id))
    {
        return true;
    }
    ["name", "title"]
        .iter()
        .any(|k| match (get(k), node.get(k).and_then(Node::scalar)) {
            (Some(Scalar::Str(a)), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Scalar {
        Scalar::Str(v.into())
    }

    fn contact(id: &str, name: &str) -> Fields {
        vec![("id", s(id)), ("name", s(name)), ("title", s("CFO"))]
    }

    fn desired() -> Desired {
        Desired {
            record_id: None,
            fields: vec![("name", s("Acme")), ("industry", s("Steel"))],
            financials: vec![],
            contacts: vec![contact("ingrid-berg", "Ingrid Berg")],
            opportunities: vec![],
        }
    }

    /// Merge, check the result is the account file kamsite reads, and that
    /// merging again changes nothing.
    fn merged(text: &str, d: &Desired) -> String {
        let m = merge(text, d, false).unwrap_or_else(|e| panic!("{e:?}"));
        let parsed: Result<crate::model::Account, _> = serde_saphyr::from_str(&m.text);
        assert!(parsed.is_ok(), "{:?}\n{}", parsed.err(), m.text);
        let again = merge(&m.text, d, false).unwrap();
        assert_eq!(again.text, m.text, "not idempotent");
        m.text
    }

    #[test]
    fn empty_lists_null_keys_and_no_final_newline() {
        assert_eq!(
            merged("name: Acme\ncontacts:\n", &desired()),
            "name: Acme\nindustry: Steel\ncontacts:\n  - id: ingrid-berg\n    name: Ingrid Berg\n    title: CFO\n"
        );
        assert_eq!(
            merged("name: Acme\ncontacts: []\n", &desired()),
            "name: Acme\nindustry: Steel\ncontacts:\n  - id: ingrid-berg\n    name: Ingrid Berg\n    title: CFO\n"
        );
        assert_eq!(
            merged("name: Acme", &desired()),
            "name: Acme\nindustry: Steel\ncontacts:\n  - id: ingrid-berg\n    name: Ingrid Berg\n    title: CFO"
        );
        assert_eq!(
            merged("# just a comment\n", &desired()),
            "# just a comment\nname: Acme\nindustry: Steel\ncontacts:\n  - id: ingrid-berg\n    name: Ingrid Berg\n    title: CFO\n"
        );
    }

    #[test]
    fn keys_go_where_spec_puts_them_and_before_the_first_when_nothing_precedes() {
        let d = Desired {
            fields: vec![("name", s("Acme")), ("status", s("active"))],
            ..Desired::default()
        };
        assert_eq!(
            merged("tier: diamond # kept\nswot: { strengths: [x] }\n", &d),
            "name: Acme\nstatus: active\ntier: diamond # kept\nswot: { strengths: [x] }\n"
        );
    }

    #[test]
    fn flow_lists_and_flow_items_grow_in_flow_style() {
        let text = "name: Acme\nindustry: Steel\ncontacts: [{ id: ingrid, name: Ingrid Berg }]\n";
        let d = Desired {
            contacts: vec![contact("ingrid-berg", "Ingrid Berg"), contact("lars", "Lars Dahl")],
            ..desired()
        };
        assert_eq!(
            merged(text, &d),
            "name: Acme\nindustry: Steel\ncontacts: [{ id: ingrid, name: Ingrid Berg, title: CFO }, \
             { id: lars, name: Lars Dahl, title: CFO }]\n"
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = "name: Acme\r\ncontacts:\r\n  - id: ingrid\r\n    name: Ingrid Berg\r\n";
        let out = merged(text, &desired());
        assert_eq!(
            out,
            "name: Acme\r\nindustry: Steel\r\ncontacts:\r\n  - id: ingrid\r\n    name: Ingrid Berg\r\n    title: CFO\r\n"
        );
    }

    #[test]
    fn block_scalars_and_comments_after_the_last_item() {
        let text = "name: Acme\nindustry: Steel\ncontacts:\n  - id: a\n    name: A\n    notes: |\n      two\n      lines\n\n# the end\n";
        let out = merged(text, &desired());
        assert!(
            out.ends_with("      lines\n  - id: ingrid-berg\n    name: Ingrid Berg\n    title: CFO\n\n# the end\n"),
            "{out}"
        );
    }

    #[test]
    fn a_hand_value_is_kept_unless_forced() {
        let text = "name: Acme Corp # short name\nindustry: Steel\n";
        let d = Desired {
            fields: vec![("name", s("Acme"))],
            ..Desired::default()
        };
        let m = merge(text, &d, false).unwrap();
        assert_eq!(m.text, text);
        assert_eq!(
            m.changes,
            vec![Change::Kept {
                key: "name".into(),
                file: "Acme Corp".into(),
                export: "Acme".into()
            }]
        );
        let m = merge(text, &d, true).unwrap();
        assert_eq!(m.text, "name: Acme # short name\nindustry: Steel\n");
        assert!(merge("- a\n- b\n", &d, false).is_err());
        assert!(merge("name: [unclosed\n", &d, false).is_err());
    }
}
