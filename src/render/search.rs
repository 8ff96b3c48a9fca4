//! The client-side search index of the internal portal.
//!
//! Built here, in Rust, from the analysed portfolio, so the search page's
//! script only matches words. The index is compact JSON: one array per
//! entry, no keys repeated, each account's contacts, notes and reviews
//! nested under it (its name and URL stored once), no pretty printing, note
//! bodies cut down to a short plain-text excerpt. The page fetches it only when search is used.
//! Internal audience only: the customer build never gets an index.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;

use super::cache::Parts;
use crate::analyze::{AccountView, Portfolio};

/// Where the index is written, relative to the output root.
pub const INDEX_PATH: &str = "search/index.json";

/// The same index as a script setting a global, for a site opened from disk
/// (`links: files`), where the page cannot fetch a file.
pub const SCRIPT_PATH: &str = "search/index.js";

/// What the script puts before the index.
pub const SCRIPT_HEAD: &[u8] = b"window.kamsiteSearchIndex = ";

/// Longest note excerpt in the index, in characters.
const EXCERPT_CHARS: usize = 240;

/// Entry kinds after accounts, in the order the index's `k` list names them.
const KINDS: [&str; 3] = ["Contact", "Note", "Review"];

/// `[name, slug, facts, people, entries]`: the account page is `accounts/<slug>/`.
#[derive(Serialize)]
struct AccountEntry<'a>(&'a str, &'a str, String, String, Vec<Entry<'a>>);

/// `[kind, title, subtitle, id, text]`, under its account; the entry's page
/// is on that account's page, by kind: `#contact-<id>`, `#note-<id>`, or the
/// review page `reviews/<id>/`.
#[derive(Serialize)]
struct Entry<'a>(u8, &'a str, String, &'a str, String);

/// The index over accounts, contacts, notes and reviews:
/// `{"v":2,"k":[kinds],"a":[account, ...]}`, accounts in slug order. Each
/// account's part depends on its account and site.yaml only, so `serve`
/// keeps the parts between rebuilds and makes again only the changed ones.
/// The index goes to `put` as the pieces it is made of, not joined: at
/// 100,000 accounts they are over 200 MB.
pub(crate) fn write_index<R>(p: &Portfolio, parts: &mut Parts<Vec<u8>>, put: &mut dyn FnMut(&[&[u8]]) -> R) -> R {
    let parts = parts.all(p, |i| fragment(&p.accounts[i]));
    let kinds = serde_json::to_vec(&KINDS).unwrap_or_default();
    let mut pieces: Vec<&[u8]> = Vec::with_capacity(parts.len() * 2 + 4);
    pieces.extend([&br#"{"v":2,"k":"#[..], &kinds, br#","a":["#]);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            pieces.push(b",");
        }
        pieces.push(part);
    }
    pieces.push(b"]}");
    put(&pieces)
}

/// One account's entry, with its contacts, notes and reviews, as JSON.
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
    let mut d = Vec::new();
    for c in &a.contacts {
        d.push(Entry(
            0,
            c.name(),
            c.title().unwrap_or_default().into(),
            c.id(),
            c.role().map(|r| r.as_str()).unwrap_or_default().into(),
        ));
    }
    for view in &a.notes {
        d.push(Entry(
            1,
            view.title,
            view.date.map(|d| d.to_string()).unwrap_or_default(),
            view.id,
            format!("{} {}", view.attendees.join(" "), excerpt(&view.body(), EXCERPT_CHARS)),
        ));
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
        d.push(Entry(2, title, format!("{outcome} {date}"), &r.id, text.join(" ")));
    }
    let entry = AccountEntry(a.name, a.slug, facts.join(" · "), people.join(" "), d);
    let mut json = serde_json::to_vec(&entry).unwrap_or_else(|_| b"null".to_vec());
    // The part is kept until the index is joined (and by `serve` between
    // rebuilds); the writer's doubling left up to half of it unused.
    json.shrink_to_fit();
    json
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
