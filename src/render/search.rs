//! The client-side search index of the internal portal, sharded so a query
//! fetches only what it needs.
//!
//! Built here, in Rust, from the analysed portfolio; the search page's
//! script (themes/default/static/search.js) only looks words up. Every
//! account, contact, note and review is an entry with a number (accounts in
//! slug order, each followed by its contacts, notes and reviews, so one
//! account's entries sit together). The files, under `search/`:
//!
//! - `index.json`: `{"v":3,"k":[kinds],"n":entries,"e":per chunk,"b":block,"c":[first terms]}`,
//!   where `c` holds the first term of each shard, in order;
//! - `t/<n>.json`: shard `n`, the terms from `c[n]` up to `c[n+1]` in
//!   code-point order, each `["term",[postings]]`. A posting is
//!   `(id - previous id) * 2 + 1 if the term is in the entry's title`. A
//!   term with more than [`INLINE`] postings keeps its title postings and
//!   its first ones there and says so: `["term",[some],total,[blocks]]`;
//!   its whole list is in `w/<shard>-<k>-<block>.json`, one file per
//!   [`BLOCK`] entry numbers that have any;
//! - `e/<n>.json`: entries `n * 64` onwards, each `[kind, title, subtitle, url]`,
//!   fetched only for the hits shown.
//!
//! Terms are the words of an entry's title, subtitle and text, folded to
//! lower case without accents (as the script folds a query). For a site
//! opened from disk (`links: files`), where a page cannot fetch files, each
//! file is written as a script instead (`.js`) that hands its data to
//! `kamsiteSearch(name, data)`. Internal audience only: the customer build
//! never gets an index.

use std::collections::HashMap;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;

use super::cache::Parts;
use crate::analyze::{AccountView, Portfolio};
use crate::write::{Sink, WriteError};

/// Where the index's table of shards is written, relative to the output root.
pub const INDEX_PATH: &str = "search/index.json";

/// The same table as a script, for a site opened from disk (`links: files`).
pub const SCRIPT_PATH: &str = "search/index.js";

/// Whether `path` is one of the index's files (for the build summary's count).
pub fn is_index_file(path: &str) -> bool {
    path.starts_with("search/") && (path.ends_with(".json") || path.ends_with(".js"))
}

/// Longest note excerpt in the index, in characters.
const EXCERPT_CHARS: usize = 240;

/// Entry kinds, in the order the index's `k` list names them.
const KINDS: [&str; 4] = ["Account", "Contact", "Note", "Review"];

/// Entries per file of display data.
pub const PER_CHUNK: usize = 64;

/// A shard is closed once its text passes this many bytes.
const SHARD_BYTES: usize = 24 * 1024;

/// Postings a term keeps in its shard; a longer list goes to block files.
pub const INLINE: usize = 5000;

/// Entry numbers per block file of a long term's list.
pub const BLOCK: u32 = 1 << 16;

/// Longest term indexed, in bytes (longer words are not what anyone types).
const MAX_TERM: usize = 40;

/// One account's entries, with its contacts, notes and reviews: for each,
/// a line of display JSON `[kind, title, subtitle, url]` and a line of its
/// title's terms, a tab, and its other terms (space-separated). Depends on
/// its account and site.yaml only, so `serve` keeps the parts between
/// rebuilds and makes again only the changed ones.
pub(crate) fn fragment(a: &AccountView) -> Vec<u8> {
    let facts: Vec<&str> = [
        a.industry,
        a.region,
        a.tier.as_ref().map(|t| t.name),
        a.stage.as_ref().map(|s| s.name),
    ]
    .into_iter()
    .flatten()
    .collect();
    let people: Vec<&str> = a.owner.into_iter().chain(a.sponsor).collect();
    let mut out = Vec::with_capacity(1024);
    let home = format!("accounts/{}/", a.slug);
    // Its slug finds it too ("account-004711").
    let text = format!("{} {}", people.join(" "), a.slug);
    entry(&mut out, 0, a.name, &facts.join(" · "), &home, &text);
    // Under its account, a subtitle names the account too: its name finds them.
    let under = |sub: &str| {
        if sub.is_empty() {
            a.name.to_string()
        } else {
            format!("{sub} · {}", a.name)
        }
    };
    for c in &a.contacts {
        let role = c.role().map(|r| r.as_str()).unwrap_or_default();
        let url = format!("{home}#contact-{}", c.id());
        entry(&mut out, 1, c.name(), &under(c.title().unwrap_or_default()), &url, role);
    }
    for view in &a.notes {
        let date = view.date.map(|d| d.to_string()).unwrap_or_default();
        let text = format!("{} {}", view.attendees.join(" "), excerpt(&view.body(), EXCERPT_CHARS));
        let url = format!("{home}#note-{}", view.id);
        entry(&mut out, 2, view.title, &under(&date), &url, &text);
    }
    for r in a.review_docs.iter().filter(|r| !r.meta.draft) {
        let m = &r.meta;
        let opportunity = m.opportunity.as_ref().map(|o| o.value.as_str()).unwrap_or(&r.id);
        // A review names an opportunity id when it can; search by its title.
        let title = a
            .opportunities
            .iter()
            .find(|o| o.id == opportunity)
            .map(|o| o.title)
            .unwrap_or(opportunity);
        let outcome = m.outcome.as_ref().map(|o| o.value.as_str()).unwrap_or("review");
        let date = r.date().map(|d| d.to_string()).unwrap_or_default();
        let text: Vec<&str> = m
            .competitors
            .iter()
            .chain(&m.winner)
            .map(|c| c.value.as_str())
            .collect();
        let url = format!("{home}reviews/{}/", r.id);
        entry(
            &mut out,
            3,
            title,
            &under(&format!("{outcome} {date}")),
            &url,
            &text.join(" "),
        );
    }
    // The part is kept until the index is written (and by `serve` between
    // rebuilds); the writer's doubling left up to half of it unused.
    out.shrink_to_fit();
    out
}

/// One entry's two lines (see [`fragment`]).
fn entry(out: &mut Vec<u8>, kind: u8, title: &str, sub: &str, url: &str, text: &str) {
    if serde_json::to_writer(&mut *out, &(kind, title, sub, url)).is_err() {
        out.extend_from_slice(b"null");
    }
    out.push(b'\n');
    let titled = terms(title);
    for (i, t) in titled.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(t.as_bytes());
    }
    out.push(b'\t');
    let mut rest = terms(&format!("{sub} {text}"));
    rest.retain(|t| titled.binary_search(t).is_err());
    for (i, t) in rest.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(t.as_bytes());
    }
    out.push(b'\n');
}

/// `s` in lower case, Latin letters without their accents ("Bjørnstad" ->
/// "bjornstad", "Straße" -> "strasse"), as the search page folds a query.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        for l in c.to_lowercase() {
            if l.is_ascii() {
                out.push(l);
            } else if ('\u{300}'..='\u{36f}').contains(&l) {
                // A combining accent of decomposed text.
            } else if ('\u{c0}'..='\u{24f}').contains(&l) || ('\u{1e00}'..='\u{1eff}').contains(&l) {
                match deunicode::deunicode_char(l) {
                    Some(r) if !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                        out.extend(r.chars().map(|c| c.to_ascii_lowercase()))
                    }
                    _ => out.push(l),
                }
            } else {
                out.push(l);
            }
        }
    }
    out
}

/// The distinct terms of `s`, sorted: its folded words (runs of letters and digits).
pub fn terms(s: &str) -> Vec<String> {
    let folded = fold(s);
    let mut words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.len() <= MAX_TERM)
        .map(str::to_string)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// One file of the index: JSON, or a script handing it to `kamsiteSearch`.
struct Files<'s> {
    sink: &'s dyn Sink,
    script: bool,
}

impl Files<'_> {
    /// Write `name` (e.g. `t/3`) made of `pieces`.
    fn put(&self, name: &str, pieces: &[&[u8]]) -> Result<(), WriteError> {
        if !self.script {
            return self.sink.put_pieces(&format!("search/{name}.json"), pieces);
        }
        let head = format!("kamsiteSearch(\"{name}\",");
        let mut all: Vec<&[u8]> = Vec::with_capacity(pieces.len() + 2);
        all.push(head.as_bytes());
        all.extend_from_slice(pieces);
        all.push(b");\n");
        self.sink.put_pieces(&format!("search/{name}.js"), &all)
    }
}

/// Write the index (see the module's documentation) from each account's
/// part, made now where missing; as scripts when `script`.
pub(crate) fn write_index(
    p: &Portfolio,
    parts: &mut Parts<Vec<u8>>,
    script: bool,
    sink: &dyn Sink,
) -> Result<(), WriteError> {
    let parts = parts.all(p, |i| fragment(&p.accounts[i]));
    let files = Files { sink, script };
    // Each entry's display line, and each term's postings (id * 2 + 1 in a title).
    let mut shown: Vec<&[u8]> = Vec::new();
    let mut postings: HashMap<&str, Vec<u32>, foldhash::fast::RandomState> = HashMap::default();
    for part in &parts {
        let mut lines = part.split(|&b| b == b'\n');
        while let (Some(display), Some(words)) = (lines.next(), lines.next()) {
            let id = shown.len() as u32;
            shown.push(display);
            let words = std::str::from_utf8(words).unwrap_or_default();
            let (titled, rest) = words.split_once('\t').unwrap_or((words, ""));
            for (list, flag) in [(titled, 1), (rest, 0)] {
                for t in list.split(' ').filter(|t| !t.is_empty()) {
                    postings.entry(t).or_default().push(id * 2 + flag);
                }
            }
        }
    }
    // Display data, PER_CHUNK entries a file.
    shown.par_chunks(PER_CHUNK).enumerate().try_for_each(|(n, chunk)| {
        let mut pieces: Vec<&[u8]> = Vec::with_capacity(chunk.len() * 2 + 1);
        for (i, d) in chunk.iter().enumerate() {
            pieces.push(if i == 0 { b"[" } else { b"," });
            pieces.push(d);
        }
        pieces.push(b"]");
        files.put(&format!("e/{n}"), &pieces)
    })?;
    let entries = shown.len();
    drop(shown);
    // Terms in code-point order, each as its shard text.
    let mut terms: Vec<(&str, Vec<u32>)> = postings.into_iter().collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let texts: Vec<(String, Vec<u8>)> = terms.par_iter().map(|(t, list)| term_text(t, list)).collect();
    // Shards of about SHARD_BYTES, then each long term's blocks under its shard.
    let mut shards: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, (_, text)) in texts.iter().enumerate() {
        size += text.len() + 1;
        if size >= SHARD_BYTES || i + 1 == texts.len() {
            shards.push(start..i + 1);
            start = i + 1;
            size = 0;
        }
    }
    shards.par_iter().enumerate().try_for_each(|(n, range)| {
        let mut pieces: Vec<&[u8]> = Vec::with_capacity(range.len() * 2 + 1);
        for (i, (_, text)) in texts[range.clone()].iter().enumerate() {
            pieces.push(if i == 0 { b"[" } else { b"," });
            pieces.push(text);
        }
        pieces.push(b"]");
        files.put(&format!("t/{n}"), &pieces)?;
        let long = terms[range.clone()].iter().filter(|(_, l)| l.len() > INLINE);
        for (k, (_, list)) in long.enumerate() {
            for (block, ids) in blocks(list) {
                files.put(&format!("w/{n}-{k}-{block}"), &[&ids])?;
            }
        }
        Ok(())
    })?;
    let first: Vec<&str> = shards.iter().map(|r| texts[r.start].0.as_str()).collect();
    let meta = serde_json::json!({
        "v": 3, "k": KINDS, "n": entries, "e": PER_CHUNK, "b": BLOCK, "i": INLINE, "c": first,
    });
    let meta = serde_json::to_vec(&meta).unwrap_or_default();
    files.put("index", &[&meta])
}

/// A term's text in its shard: `["term",[postings]]`, or for a long list
/// `["term",[title postings and the first others],total,[blocks]]`.
fn term_text(term: &str, list: &[u32]) -> (String, Vec<u8>) {
    use std::io::Write;
    let mut out = Vec::with_capacity(term.len() + 4 + list.len() * 3);
    let _ = serde_json::to_writer(&mut out, term);
    out.insert(0, b'[');
    out.push(b',');
    if list.len() <= INLINE {
        deltas(&mut out, list.iter().copied());
        out.push(b']');
        return (term.to_string(), out);
    }
    // The title postings first (they rank first), then the earliest others.
    let titled = list.iter().filter(|p| *p & 1 == 1).count().min(INLINE);
    let mut kept: Vec<u32> = list.iter().copied().filter(|p| *p & 1 == 1).take(titled).collect();
    kept.extend(list.iter().copied().filter(|p| *p & 1 == 0).take(INLINE - titled));
    kept.sort_unstable();
    deltas(&mut out, kept.into_iter());
    let mut blocks: Vec<u32> = list.iter().map(|p| (p >> 1) / BLOCK).collect();
    blocks.dedup();
    let _ = write!(out, ",{},{}]", list.len(), serde_json::Value::from(blocks));
    (term.to_string(), out)
}

/// A long term's list cut at each BLOCK entry numbers: (block, its JSON postings).
fn blocks(list: &[u32]) -> Vec<(u32, Vec<u8>)> {
    let mut out: Vec<(u32, Vec<u8>)> = Vec::new();
    for chunk in list.chunk_by(|a, b| (a >> 1) / BLOCK == (b >> 1) / BLOCK) {
        let mut text = Vec::with_capacity(chunk.len() * 3);
        deltas(&mut text, chunk.iter().copied());
        out.push(((chunk[0] >> 1) / BLOCK, text));
    }
    out
}

/// `[d, ...]`: each posting as its entry's distance from the one before
/// (from 0 for the first), doubled, plus its title flag.
fn deltas(out: &mut Vec<u8>, list: impl Iterator<Item = u32>) {
    use std::io::Write;
    out.push(b'[');
    let mut before = 0;
    for (i, p) in list.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let id = p >> 1;
        let _ = write!(out, "{}", ((id - before) << 1) | (p & 1));
        before = id;
    }
    out.push(b']');
}

/// The first `max` characters of a Markdown text as plain text, cut at a word.
pub fn excerpt(md: &str, max: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(md) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                text.push(' ')
            }
            Event::Start(Tag::Item) => text.push(' '),
            _ => {}
        }
        if text.len() > max * 4 {
            break;
        }
    }
    let mut out = String::with_capacity(max + 4);
    let mut chars = 0;
    for w in text.split_whitespace() {
        let n = w.chars().count();
        if chars + n + 1 > max {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(w);
        chars += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_plain_and_short() {
        let md = "## Why we went\n\nA **first** walk-through of the [plant](../x/).\n\n- one\n- `two`\n";
        assert_eq!(
            excerpt(md, 100),
            "Why we went A first walk-through of the plant. one two"
        );
        let long = "word ".repeat(100);
        let e = excerpt(&long, 20);
        assert!(e.chars().count() <= 21, "{e}");
        assert!(e.ends_with('…'));
    }
}
