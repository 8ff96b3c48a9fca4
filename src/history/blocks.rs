//! Cutting account.yaml's text where YAML's structure allows, so a diff
//! parses only what changed: the top-level blocks (a key at column 0 and
//! the lines under it), and a block sequence's items. Each piece parses on
//! its own as the same value it has in the whole file, as long as the file
//! has no anchors or aliases (a piece could name another's), no directives
//! or document markers, and no flow style at the top; such a file is not
//! cut ([`top_level`] says `None`) and is parsed whole.

/// The top-level blocks of `text`, `(key, block text)` in file order;
/// comments and blank lines before the first key are left out (they are
/// no value). `None` when the text is not a plain block mapping.
pub(super) fn top_level(text: &str) -> Option<Vec<(&str, &str)>> {
    if may_hold_anchors(text) || text.contains(['\t']) || text.contains("<<") {
        return None;
    }
    let mut blocks: Vec<(&str, usize)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let first = line.as_bytes().first().copied().unwrap_or(b' ');
        match first {
            b' ' | b'\n' | b'\r' | b'#' => {}
            b'-' | b'.' | b'%' | b'?' | b'{' | b'[' | b'"' | b'\'' | b'!' | b'|' | b'>' | b'@' | b'`' => return None,
            _ => {
                let key = line.split_once(':').map(|(k, _)| k.trim_end())?;
                if key.contains(['#', ' ', ',']) || blocks.iter().any(|(k, _)| *k == key) {
                    return None;
                }
                blocks.push((key, at));
            }
        }
        if blocks.is_empty() && !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            return None;
        }
        at += line.len();
    }
    let ends = blocks.iter().skip(1).map(|(_, start)| *start).chain([text.len()]);
    Some(
        blocks
            .iter()
            .zip(ends.collect::<Vec<_>>())
            .map(|((key, start), end)| (*key, &text[*start..end]))
            .collect(),
    )
}

/// Whether `text` may hold an anchor (`&a`) or alias (`*a`): one of those
/// characters where a value starts (after a space or bracket, or at a
/// line's start) and followed by a name. "UK & Ireland" holds none.
fn may_hold_anchors(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr2_iter(b'&', b'*', b).any(|i| {
        let before = if i == 0 { b'\n' } else { b[i - 1] };
        let after = b.get(i + 1).copied().unwrap_or(b' ');
        matches!(before, b' ' | b'\n' | b'[' | b'{' | b',') && !after.is_ascii_whitespace()
    })
}

/// The items of a block that is a block sequence (`key:` then lines
/// `  - ...` at one indentation), each as a one-item sequence text that
/// parses on its own. `Some(empty)` for an absent or empty block; `None`
/// for any other shape (a flow list, a map, a comment between items).
pub(super) fn items(block: &str) -> Option<Vec<String>> {
    let mut lines = block.split_inclusive('\n');
    let Some(head) = lines.next() else {
        return Some(Vec::new());
    };
    let (_, rest) = head.split_once(':')?;
    if !rest.trim().is_empty() {
        return None;
    }
    let mut items: Vec<String> = Vec::new();
    let mut indent = None;
    for line in lines {
        if line.trim().is_empty() {
            if let Some(item) = items.last_mut() {
                item.push_str(line);
            }
            continue;
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let body = &line[spaces..];
        let indent = *indent.get_or_insert(spaces);
        if spaces == indent && (body.starts_with("- ") || body.trim_end() == "-") {
            items.push(body.to_string());
        } else if spaces > indent && !body.starts_with('#') {
            let item = items.last_mut()?;
            item.push_str(&line[indent..]);
        } else {
            return None;
        }
    }
    Some(items)
}

/// The items of `a` not in `b` and of `b` not in `a`, by text, each item
/// matched at most once.
pub(super) fn uncommon<'t>(a: &'t [String], b: &'t [String]) -> (Vec<&'t str>, Vec<&'t str>) {
    let mut used = vec![false; b.len()];
    let mut only_a = Vec::new();
    for x in a {
        match b.iter().enumerate().position(|(i, y)| !used[i] && x == y) {
            Some(i) => used[i] = true,
            None => only_a.push(x.as_str()),
        }
    }
    let only_b = b
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(y, _)| y.as_str())
        .collect();
    (only_a, only_b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_blocks_hold_their_lines() {
        let text = "# Acme\nname: Acme\ncontacts:\n  - id: a\n    name: A\n\n  - id: b\nscores: { growth: 3 }\n";
        assert_eq!(
            top_level(text).unwrap(),
            [
                ("name", "name: Acme\n"),
                ("contacts", "contacts:\n  - id: a\n    name: A\n\n  - id: b\n"),
                ("scores", "scores: { growth: 3 }\n")
            ]
        );
        assert!(top_level("region: UK & Ireland\nname: R&D AS\n").is_some());
        for not_plain in [
            "a: &x 1\nb: *x\n",
            "a: [&x 1]\n",
            "---\na: 1\n",
            "- 1\n",
            "{a: 1}\n",
            "a: 1\na: 2\n",
        ] {
            assert_eq!(top_level(not_plain), None, "{not_plain}");
        }
    }

    #[test]
    fn sequence_items_parse_alone() {
        let block = "contacts:\n  - id: a\n    name: A\n  - { id: b, name: B }\n";
        assert_eq!(
            items(block).unwrap(),
            ["- id: a\n  name: A\n", "- { id: b, name: B }\n"]
        );
        assert_eq!(items("contacts: []\n"), None);
        assert_eq!(items("contacts:\n  - a\n  # x\n  - b\n"), None);
        let a = vec!["x".to_string(), "y".into(), "y".into()];
        let b = vec!["y".to_string(), "z".into()];
        assert_eq!(uncommon(&a, &b), (vec!["x", "y"], vec!["z"]));
    }
}
