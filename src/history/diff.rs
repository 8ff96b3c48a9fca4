//! The structural diff of two versions of account.yaml: both are parsed as
//! YAML values and compared field by field, so a change reads as what it
//! means ("tier foundation → diamond", "stance of Ingrid Berg +1 → +2"),
//! and moving, re-indenting or commenting lines says nothing.
//!
//! Lists with identities are compared by them: contacts and opportunities
//! by `id`, financials by `year`, KPIs and team members by `name`; the SWOT
//! lists by their items. A key this module does not know is still compared:
//! a scalar shows old → new, anything else "changed".

use indexmap::IndexMap;

/// A YAML value, maps in file order.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

type Map = IndexMap<String, Value>;

impl Value {
    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(key),
            _ => None,
        }
    }
    fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }
    fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }
    fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(Visitor)
    }
}

struct Visitor;

impl<'de> serde::de::Visitor<'de> for Visitor {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut m = Map::new();
        while let Some((k, v)) = map.next_entry::<Value, Value>()? {
            m.insert(text(&k), v);
        }
        Ok(Value::Object(m))
    }
}

/// Most changes listed for one version; more is a rewrite (an import, a
/// reorganised file), said in one line.
const MOST: usize = 12;

/// What changed from `old` to `new` (both account.yaml texts), one line per
/// change, in file order of the new version. Never empty: a version that
/// does not parse, or a change of layout or comments only, says so.
pub fn account_yaml(old: &str, new: &str) -> Vec<String> {
    let mut out = match by_blocks(old, new) {
        Some(out) => out,
        None => {
            let (Some(old), Some(new)) = (parse(old), parse(new)) else {
                return vec!["account.yaml changed (a version of it is not valid YAML)".into()];
            };
            let mut out = Vec::new();
            map_changes(&old, &new, &mut out);
            out
        }
    };
    if out.is_empty() {
        out.push("account.yaml edited (layout or comments only)".into());
    }
    if out.len() > MOST {
        let more = out.len() - (MOST - 1);
        out.truncate(MOST - 1);
        out.push(format!("and {more} more changes"));
    }
    out
}

fn parse(text: &str) -> Option<Map> {
    if text.trim().is_empty() {
        return Some(Default::default());
    }
    match serde_saphyr::from_str::<Value>(text).ok()? {
        Value::Object(m) => Some(m),
        Value::Null => Some(Default::default()),
        _ => None,
    }
}

/// The top level: every key of either version, known ones said in words.
fn map_changes(old: &Map, new: &Map, out: &mut Vec<String>) {
    let null = Value::Null;
    for key in keys(old, new) {
        let (a, b) = (old.get(key).unwrap_or(&null), new.get(key).unwrap_or(&null));
        if a != b {
            key_changes(key, a, b, out);
        }
    }
}

/// The changes of one top-level key from `a` to `b` (which differ).
fn key_changes(key: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match key {
        "scores" => scores(a, b, out),
        "swot" => swot(a, b, out),
        _ => match identity(key) {
            Some((id, name)) => keyed(a, b, id, &name, out),
            None => out.push(scalar_change(&key.replace('_', " "), a, b)),
        },
    }
}

/// How a list item is named in a change.
type Namer = fn(&Value) -> String;

/// The lists whose items have an identity: the key that holds it, and how
/// an item is named in a change.
fn identity(key: &str) -> Option<(&'static str, Namer)> {
    Some(match key {
        "contacts" => ("id", contact_label),
        "opportunities" => ("id", |v| format!("opportunity {}", label(v, "title", "id"))),
        "financials" => ("year", |v| text(v.get("year").unwrap_or(&Value::Null))),
        "kpis" => ("name", |v| format!("KPI {}", label(v, "name", "name"))),
        "team" => ("name", |v| format!("team member {}", label(v, "name", "name"))),
        _ => return None,
    })
}

/// [`account_yaml`] reading only what changed: the top-level blocks whose
/// text differs, and of a list with identities only the items whose text
/// differs ([`super::blocks`]). Text that is the same is the same value, so
/// this says what a diff of the whole files says, parsing a few lines
/// instead of two files. `None` where the files are not plain enough to cut
/// (anchors, several documents, flow style at the top): the caller parses
/// them whole.
fn by_blocks(old: &str, new: &str) -> Option<Vec<String>> {
    use super::blocks;
    let (a, b) = (blocks::top_level(old)?, blocks::top_level(new)?);
    let mut out = Vec::new();
    let keys = b
        .iter()
        .map(|(k, _)| *k)
        .chain(a.iter().map(|(k, _)| *k).filter(|k| !b.iter().any(|(x, _)| x == k)));
    fn find<'t>(blocks: &[(&str, &'t str)], key: &str) -> Option<&'t str> {
        blocks.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
    }
    for key in keys.collect::<Vec<_>>() {
        let (ta, tb) = (find(&a, key), find(&b, key));
        if ta == tb {
            continue;
        }
        if let Some((id, name)) = identity(key)
            && let (Some(ia), Some(ib)) = (blocks::items(ta.unwrap_or("")), blocks::items(tb.unwrap_or("")))
        {
            // Items with the same text on both sides did not change.
            let (only_a, only_b) = blocks::uncommon(&ia, &ib);
            let parse_items = |items: &[&str]| -> Option<Value> {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    match serde_saphyr::from_str::<Value>(item).ok()? {
                        Value::Array(mut one) if one.len() == 1 => values.push(one.pop()?),
                        _ => return None,
                    }
                }
                Some(Value::Array(values))
            };
            keyed(&parse_items(&only_a)?, &parse_items(&only_b)?, id, &name, &mut out);
            continue;
        }
        let value = |text: Option<&str>| -> Option<Value> {
            let Some(text) = text else { return Some(Value::Null) };
            match serde_saphyr::from_str::<Value>(text).ok()? {
                Value::Object(mut m) if m.len() == 1 => m.swap_remove(key),
                _ => None,
            }
        };
        let (va, vb) = (value(ta)?, value(tb)?);
        if va != vb {
            key_changes(key, &va, &vb, &mut out);
        }
    }
    Some(out)
}

/// The keys of both maps: the new version's in its order, then the removed ones.
fn keys<'a>(old: &'a Map, new: &'a Map) -> Vec<&'a str> {
    let mut keys: Vec<&str> = new.keys().map(String::as_str).collect();
    keys.extend(old.keys().map(String::as_str).filter(|k| !new.contains_key(*k)));
    keys
}

/// `what old → new`, `what set to new`, `what removed (was old)`, or for
/// lists and maps `what changed`.
fn scalar_change(what: &str, a: &Value, b: &Value) -> String {
    let complex = |v: &Value| v.is_array() || v.is_object();
    match (a, b) {
        (_, _) if complex(a) || complex(b) => format!("{what} changed"),
        (Value::Null, b) => format!("{what} set to {}", text(b)),
        (a, Value::Null) => format!("{what} removed (was {})", text(a)),
        (a, b) => format!("{what} {} → {}", text(a), text(b)),
    }
}

/// A value as the pages say it: strings bare, whole numbers without `.0`.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Value::Number(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "nothing".into(),
        _ => "a list".into(),
    }
}

/// A stance with its sign: +2, 0, -1.
fn stance(v: &Value) -> String {
    match v.as_f64() {
        Some(s) if s > 0.0 => format!("+{}", text(v)),
        _ => text(v),
    }
}

fn label(v: &Value, key: &str, fallback: &str) -> String {
    v.get(key)
        .or_else(|| v.get(fallback))
        .map(text)
        .unwrap_or_else(|| "without a name".into())
}

fn contact_label(v: &Value) -> String {
    label(v, "name", "id")
}

fn scores(a: &Value, b: &Value, out: &mut Vec<String>) {
    let (Some(a), Some(b)) = (a.as_object().or(empty(a)), b.as_object().or(empty(b))) else {
        out.push(scalar_change("scores", a, b));
        return;
    };
    let null = Value::Null;
    for key in keys(a, b) {
        let (x, y) = (a.get(key).unwrap_or(&null), b.get(key).unwrap_or(&null));
        if x != y {
            out.push(scalar_change(&format!("score {key}"), x, y));
        }
    }
}

/// An absent value as an empty map or list.
fn empty(v: &Value) -> Option<&'static Map> {
    static EMPTY: std::sync::LazyLock<Map> = std::sync::LazyLock::new(Default::default);
    v.is_null().then(|| &*EMPTY)
}

/// Lists whose items have an identity (`id_key`): items added, removed, and
/// each changed field of an item both versions have.
fn keyed(a: &Value, b: &Value, id_key: &str, name: &dyn Fn(&Value) -> String, out: &mut Vec<String>) {
    fn list(v: &Value) -> Option<&[Value]> {
        match v {
            Value::Null => Some(&[]),
            Value::Array(items) => Some(items),
            _ => None,
        }
    }
    let (Some(a), Some(b)) = (list(a), list(b)) else {
        out.push(scalar_change(id_key, a, b));
        return;
    };
    let said = out.len();
    let id = |v: &Value| v.get(id_key).map(text);
    for item in b {
        let Some(this) = id(item) else { continue };
        match a.iter().find(|x| id(x).as_deref() == Some(&this)) {
            None => out.push(format!("{} added", name(item))),
            Some(before) if before != item => item_changes(before, item, &name(item), out),
            Some(_) => {}
        }
    }
    for item in a {
        if let Some(this) = id(item)
            && !b.iter().any(|x| id(x).as_deref() == Some(&this))
        {
            out.push(format!("{} removed", name(item)));
        }
    }
    if out.len() == said && a != b {
        out.push(format!("{id_key} list changed"));
    }
}

/// Each field of one list item that changed: "stance of Ingrid Berg +1 → +2".
fn item_changes(a: &Value, b: &Value, name: &str, out: &mut Vec<String>) {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        out.push(format!("{name} changed"));
        return;
    };
    let null = Value::Null;
    for key in keys(a, b) {
        let (x, y) = (a.get(key).unwrap_or(&null), b.get(key).unwrap_or(&null));
        if x == y {
            continue;
        }
        let what = format!("{} of {name}", key.replace('_', " "));
        if key == "stance" && !x.is_null() && !y.is_null() {
            out.push(format!("{what} {} → {}", stance(x), stance(y)));
        } else {
            out.push(scalar_change(&what, x, y));
        }
    }
}

/// SWOT: per list, the items added and removed.
fn swot(a: &Value, b: &Value, out: &mut Vec<String>) {
    let items = |v: &Value, list: &str| -> Vec<String> {
        v.get(list)
            .and_then(Value::as_array)
            .map(|l| l.iter().map(text).collect())
            .unwrap_or_default()
    };
    let mut said = false;
    for list in ["strengths", "weaknesses", "opportunities", "threats"] {
        let (x, y) = (items(a, list), items(b, list));
        let singular = list
            .trim_end_matches('s')
            .replace("weaknesse", "weakness")
            .replace("opportunitie", "opportunity");
        for item in y.iter().filter(|i| !x.contains(i)) {
            out.push(format!("SWOT {singular} added: {item}"));
            said = true;
        }
        for item in x.iter().filter(|i| !y.contains(i)) {
            out.push(format!("SWOT {singular} removed: {item}"));
            said = true;
        }
    }
    if !said {
        out.push("SWOT changed".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "name: Acme\ntier: foundation\nstage: early-kam\nowner: Kari\nscores: { growth: 3 }\ncontacts:\n  - { id: ib, name: Ingrid Berg, stance: 1, role: influencer }\n  - { id: lo, name: Lars Olsen }\nopportunities:\n  - { id: o1, title: ERP roll-out, stage: lead, value: 100000 }\n";

    fn changes(old: &str, new: &str) -> Vec<String> {
        account_yaml(old, new)
    }

    #[test]
    fn fields_say_what_changed() {
        let new = BASE
            .replace("tier: foundation", "tier: diamond")
            .replace("stance: 1", "stance: 2")
            .replace("growth: 3", "growth: 5")
            .replace("stage: lead", "stage: proposal")
            .replace("owner: Kari\n", "");
        assert_eq!(
            changes(BASE, &new),
            [
                "tier foundation → diamond",
                "score growth 3 → 5",
                "stance of Ingrid Berg +1 → +2",
                "stage of opportunity ERP roll-out lead → proposal",
                "owner removed (was Kari)",
            ]
        );
    }

    #[test]
    fn items_are_matched_by_identity_not_position() {
        // The same contacts in another order, one removed, one added.
        let new = "name: Acme\ntier: foundation\nstage: early-kam\nowner: Kari\nscores: { growth: 3 }\ncontacts:\n  - { id: nn, name: Nina Novak, stance: -1 }\n  - { id: ib, name: Ingrid Berg, stance: 1, role: influencer }\nopportunities:\n  - { id: o1, title: ERP roll-out, stage: lead, value: 100000 }\n";
        assert_eq!(changes(BASE, new), ["Nina Novak added", "Lars Olsen removed"]);
    }

    #[test]
    fn layout_and_comments_are_no_change() {
        let block = "# our best customer\nname: Acme\nstage: early-kam\ntier: foundation   # since 2024\nowner: Kari\nscores:\n  growth: 3\ncontacts:\n  - id: ib\n    name: Ingrid Berg\n    stance: +1\n    role: influencer\n  - id: lo\n    name: Lars Olsen\nopportunities:\n  - id: o1\n    title: ERP roll-out\n    stage: lead\n    value: 100000\n";
        assert_eq!(changes(BASE, block), ["account.yaml edited (layout or comments only)"]);
    }

    #[test]
    fn unknown_keys_and_broken_versions_still_say_something() {
        let new = format!("{BASE}industry: Food\nassessments: [1, 2]\n");
        assert_eq!(changes(BASE, &new), ["industry set to Food", "assessments changed"]);
        assert_eq!(
            changes(BASE, "name: [unclosed"),
            ["account.yaml changed (a version of it is not valid YAML)"]
        );
        let swot = format!("{BASE}swot: {{ threats: [New entrant] }}\n");
        assert_eq!(changes(BASE, &swot), ["SWOT threat added: New entrant"]);
    }

    /// The diff of the changed pieces says what the diff of the whole files says.
    #[test]
    fn reading_only_the_changed_blocks_agrees_with_reading_the_whole_files() {
        let base = "# Acme\nname: Acme\ntier: foundation\nowner: Kari\nscores:\n  growth: 3\n  relationship: 5\ncontacts:\n  - id: ib\n    name: Ingrid Berg\n    stance: 1\n  - id: lo\n    name: Lars Olsen\n    role: buyer\n\n  - { id: nn, name: Nina Novak, stance: -2 }\nopportunities:\n  - { id: o1, title: ERP, stage: lead }\nswot:\n  strengths: [Service]\n";
        let edits: Vec<String> = vec![
            base.replace("stance: 1", "stance: 3"),
            base.replace("tier: foundation", "tier: diamond  # up"),
            base.replace("  - { id: nn, name: Nina Novak, stance: -2 }\n", ""),
            base.replace("  - id: lo\n", "  - id: new\n    name: New Person\n  - id: lo\n"),
            base.replace(
                "  - { id: nn, name: Nina Novak, stance: -2 }",
                "  - id: nn\n    name: Nina Novak\n    stance: -1",
            ),
            base.replace("# Acme\n", "# Acme Foods AS\n")
                .replace("growth: 3", "growth: 4"),
            base.replace(
                "swot:\n  strengths: [Service]\n",
                "swot:\n  strengths: [Service, Price]\n",
            ),
            format!("{base}region: Nordics\n").replace("owner: Kari\n", ""),
            base.replace(
                "opportunities:\n  - { id: o1, title: ERP, stage: lead }\n",
                "opportunities: []\n",
            ),
            base.replace("contacts:\n", "contacts:\n  # the buying centre\n"),
        ];
        for new in &edits {
            let whole = {
                let mut out = Vec::new();
                map_changes(&parse(base).unwrap(), &parse(new).unwrap(), &mut out);
                out
            };
            let mut cut = by_blocks(base, new).expect("a plain file is cut");
            let mut whole = whole;
            // The same changes; a list's may come in another order.
            cut.sort();
            whole.sort();
            assert_eq!(cut, whole, "{new}");
        }
        assert_eq!(by_blocks(base, &edits[0]).unwrap(), ["stance of Ingrid Berg +1 → +3"]);
        assert_eq!(by_blocks(base, edits.last().unwrap()).unwrap(), Vec::<String>::new());
        assert!(by_blocks(base, "a: &x 1\nb: *x\n").is_none());
    }

    #[test]
    fn a_rewrite_is_cut_short() {
        let many: String = (0..20).map(|i| format!("  f{i}: {i}\n")).collect();
        let new = BASE.replace("scores: { growth: 3 }\n", &format!("scores:\n{many}"));
        let out = changes(BASE, &new);
        assert_eq!(out.len(), MOST);
        assert_eq!(out.last().unwrap(), "and 10 more changes");
    }
}
