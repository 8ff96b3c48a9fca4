//! The stakeholder (power) map: contacts as an SVG org chart.
//!
//! Reports-to lines make the tree; each contact is a card coloured by stance
//! (-3 red .. +3 green), decision-makers get a heavy border and a "DM" tag,
//! and informal "influences" lines are dashed. Small charts are drawn top
//! down; wide ones (more than 6 leaves) as an indented tree so 30 contacts
//! still fit the page width.

use std::collections::HashMap;
use std::fmt::Write;

use super::{fit, html_escape};
use crate::analyze::ContactView;
use crate::model::Role;

/// Fill and border colour for a stance.
pub fn stance_colors(stance: Option<i64>) -> (&'static str, &'static str) {
    match stance {
        Some(-3) => ("#fecaca", "#b91c1c"),
        Some(-2) => ("#fee2e2", "#dc2626"),
        Some(-1) => ("#ffedd5", "#ea580c"),
        Some(0) => ("#f1f5f9", "#64748b"),
        Some(1) => ("#dcfce7", "#4ade80"),
        Some(2) => ("#bbf7d0", "#16a34a"),
        Some(3) => ("#86efac", "#15803d"),
        _ => ("#ffffff", "#cbd5e1"),
    }
}

/// "+2 Partner", "-1 Sceptic", "0 Neutral".
pub fn stance_text(s: i64) -> String {
    let label = crate::analyze::stance_label(Some(s));
    if s > 0 {
        format!("+{s} {label}")
    } else {
        format!("{s} {label}")
    }
}

/// A competitor named in the contacts' `competitor_stance`, with the short
/// label its marks carry on the map.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompetitorKey {
    /// As first written.
    pub name: String,
    /// Names are one competitor when their slugs are equal.
    pub slug: String,
    /// One or two letters (a digit added when two competitors share them).
    pub abbr: String,
}

/// Every competitor the contacts name, in order of first mention.
pub fn competitors(contacts: &[ContactView]) -> Vec<CompetitorKey> {
    let mut keys: Vec<CompetitorKey> = Vec::new();
    for c in contacts {
        for name in c.doc.competitor_stance.keys() {
            let slug = crate::model::slug::slug_or(name, "unnamed");
            if keys.iter().any(|k| k.slug == slug) {
                continue;
            }
            let words: Vec<&str> = name.split_whitespace().collect();
            let mut abbr: String = if words.len() > 1 {
                words.iter().take(2).filter_map(|w| w.chars().next()).collect()
            } else {
                name.chars().filter(|c| !c.is_whitespace()).take(2).collect()
            };
            abbr = abbr.to_uppercase();
            if abbr.is_empty() {
                abbr = "?".into();
            }
            let base = abbr.clone();
            let mut n = 2;
            while keys.iter().any(|k| k.abbr == abbr) {
                abbr = format!("{base}{n}");
                n += 1;
            }
            keys.push(CompetitorKey {
                name: name.clone(),
                slug,
                abbr,
            });
        }
    }
    keys
}

/// One competitor's stance with a contact, as the profile's contact list says it.
#[derive(Debug, serde::Serialize)]
pub struct TheirStance {
    pub competitor: String,
    pub abbr: String,
    pub stance: i64,
    /// "+2 Partner".
    pub text: String,
    /// Above our stance with the contact (ours known).
    pub ahead: bool,
}

/// Per contact (same order), each named competitor's stance, in `keys` order.
pub fn their_stances(contacts: &[ContactView], keys: &[CompetitorKey]) -> Vec<Vec<TheirStance>> {
    contacts
        .iter()
        .map(|c| {
            keys.iter()
                .filter_map(|k| {
                    let s = their_stance(c, k)?;
                    Some(TheirStance {
                        competitor: k.name.clone(),
                        abbr: k.abbr.clone(),
                        stance: s,
                        text: stance_text(s),
                        ahead: c.stance().is_some_and(|ours| s > ours),
                    })
                })
                .collect()
        })
        .collect()
}

/// How the competitor `k` stands with `c`, if the contact says.
fn their_stance(c: &ContactView, k: &CompetitorKey) -> Option<i64> {
    c.doc
        .competitor_stance
        .iter()
        .find(|(n, _)| crate::model::slug::slug_or(n, "unnamed") == k.slug)
        .map(|(_, s)| s.value)
}

/// The stance line under every card of a map where any contact has a
/// competitor's stance: -3 at its left end, +3 at its right, our mark (a
/// dark dot, "us") and each competitor's (a square with its letters) at
/// their values; marks at the same value stack downwards.
struct Strip {
    /// Added to each card's height; 0 when no contact names a competitor.
    height: f64,
}

/// The stance line's ends, in card coordinates, and the rows of marks.
const AXIS_X0: f64 = 22.0;
const AXIS_X1: f64 = CARD_W - 22.0;
/// A mark and its label under it.
const MARK_ROW: f64 = 19.0;
/// The line sits this far below the card's text.
const AXIS_DY: f64 = 6.0;

impl Strip {
    fn of(contacts: &[ContactView], keys: &[CompetitorKey]) -> Strip {
        if keys.is_empty() {
            return Strip { height: 0.0 };
        }
        let most = contacts
            .iter()
            .map(|c| {
                let mut at = [0usize; 7];
                for s in c
                    .stance()
                    .into_iter()
                    .chain(keys.iter().filter_map(|k| their_stance(c, k)))
                {
                    if let Some(n) = usize::try_from(s + 3).ok().and_then(|i| at.get_mut(i)) {
                        *n += 1;
                    }
                }
                at.into_iter().max().unwrap_or(0)
            })
            .max()
            .unwrap_or(0)
            .max(1);
        Strip {
            height: AXIS_DY + 18.0 + MARK_ROW * (most - 1) as f64,
        }
    }

    /// Where stance `s` sits on the line.
    fn x(s: i64) -> f64 {
        AXIS_X0 + (s + 3) as f64 * (AXIS_X1 - AXIS_X0) / 6.0
    }

    fn draw(&self, svg: &mut String, c: &ContactView, keys: &[CompetitorKey]) {
        let y = CARD_H + AXIS_DY;
        let _ = write!(
            svg,
            "<g class=\"stance-strip\"><line class=\"stance-axis\" x1=\"{AXIS_X0:.1}\" y1=\"{y:.1}\" x2=\"{AXIS_X1:.1}\" y2=\"{y:.1}\" stroke=\"#94a3b8\" stroke-width=\"1\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" fill=\"#64748b\" text-anchor=\"end\">−3</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" fill=\"#64748b\">+3</text>",
            AXIS_X0 - 6.0,
            y + 3.0,
            AXIS_X1 + 6.0,
            y + 3.0
        );
        for s in -3..=3 {
            let h = if s == 0 { 4.0 } else { 2.0 };
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#94a3b8\" stroke-width=\"1\"/>",
                y - h,
                y + h,
                x = Self::x(s)
            );
        }
        let mut stacked = [0usize; 7];
        let mut row = |s: i64| {
            let i = usize::try_from(s + 3).unwrap_or(0).min(6);
            let k = stacked[i];
            stacked[i] += 1;
            y + k as f64 * MARK_ROW
        };
        if let Some(s) = c.stance().filter(|s| (-3..=3).contains(s)) {
            let (x, my) = (Self::x(s), row(s));
            let _ = write!(
                svg,
                "<g class=\"stance-mark us\" data-stance=\"{s}\"><title>Our stance: {}</title><circle cx=\"{x:.1}\" cy=\"{my:.1}\" r=\"4\" fill=\"#0f172a\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"8.5\" fill=\"#0f172a\" text-anchor=\"middle\">us</text></g>",
                html_escape(&stance_text(s)),
                my + 13.0
            );
        }
        for k in keys {
            let Some(s) = their_stance(c, k).filter(|s| (-3..=3).contains(s)) else {
                continue;
            };
            let (x, my) = (Self::x(s), row(s));
            let _ = write!(
                svg,
                "<g class=\"stance-mark competitor\" data-competitor=\"{}\" data-stance=\"{s}\"><title>{}: {}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"#ffffff\" stroke=\"#7c3aed\" stroke-width=\"1.5\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"8.5\" font-weight=\"bold\" fill=\"#5b21b6\" text-anchor=\"middle\">{}</text></g>",
                html_escape(&k.name),
                html_escape(&k.name),
                html_escape(&stance_text(s)),
                x - 4.0,
                my - 4.0,
                my + 13.0,
                html_escape(&k.abbr)
            );
        }
        svg.push_str("</g>");
    }
}

struct Node {
    children: Vec<usize>,
    depth: usize,
    x: f64,
    y: f64,
}

/// The contacts from each root down, each before its children, children in
/// order: what a recursive walk visits, with a stack of its own.
fn preorder(nodes: &[Node], roots: &[usize]) -> Vec<usize> {
    let mut order = Vec::with_capacity(nodes.len());
    let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        order.push(i);
        stack.extend(nodes[i].children.iter().rev());
    }
    order
}

const CARD_W: f64 = 168.0;
const CARD_H: f64 = 58.0;
const GAP_X: f64 = 14.0;
const GAP_Y: f64 = 34.0;

/// The stakeholder map of an account's contacts: a card per contact, its
/// reports-to tree and influence lines.
pub fn map(contacts: &[ContactView]) -> String {
    if contacts.is_empty() {
        return "<p class=\"chart-empty\">No contacts recorded.</p>".into();
    }
    // The first contact with each id, as validate reports duplicates.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(contacts.len());
    for (i, c) in contacts.iter().enumerate() {
        index.entry(c.id()).or_insert(i);
    }
    let parent = parents(contacts, &index);
    let keys = competitors(contacts);
    let strip = Strip::of(contacts, &keys);
    let card_h = CARD_H + strip.height;
    let (nodes, width, height, indented) = layout(&parent, card_h);
    let pad = 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"stakeholder-map\" viewBox=\"{:.0} {:.0} {:.0} {:.0}\" role=\"img\" aria-label=\"Stakeholder map\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"Roboto, sans-serif\" style=\"max-width:{:.0}px\">",
        -pad,
        -pad,
        width + 2.0 * pad,
        height + 2.0 * pad,
        width + 2.0 * pad
    );
    svg.push_str(&super::table::title_desc(
        "Stakeholder map",
        if keys.is_empty() {
            "Who reports to whom among the account's contacts, each coloured by stance; the data table after the map lists them."
        } else {
            "Who reports to whom among the account's contacts, each coloured by stance, with our stance and each competitor's marked on a -3 to +3 line under the card; the data table after the map lists them."
        },
    ));
    reports_to_lines(&mut svg, &nodes, &parent, indented, card_h);
    influence_lines(&mut svg, &nodes, contacts, &index, card_h);
    for (c, node) in contacts.iter().zip(&nodes) {
        card(&mut svg, c, node, card_h, &keys, &strip);
    }
    svg.push_str("</svg>");
    let rows: Vec<Vec<String>> = contacts
        .iter()
        .zip(&parent)
        .map(|(c, up)| {
            let mut row = vec![
                c.name().to_string(),
                c.title().unwrap_or_default().to_string(),
                up.map(|p| contacts[p].name().to_string()).unwrap_or_default(),
                c.role_label().to_string(),
                c.stance_label().to_string(),
            ];
            for k in &keys {
                row.push(their_stance(c, k).map(stance_text).unwrap_or_default());
            }
            row
        })
        .collect();
    let mut head = vec!["Contact", "Title", "Reports to", "Role", "Stance"];
    head.extend(keys.iter().map(|k| k.name.as_str()));
    super::table::with_text_table(svg, "Stakeholder map", &head, &rows)
}

/// Whom each contact reports to, by index; any reports-to loop (validate
/// reports it) broken by cutting the edge that closes it.
fn parents(contacts: &[ContactView], index: &HashMap<&str, usize>) -> Vec<Option<usize>> {
    let n = contacts.len();
    let mut parent: Vec<Option<usize>> = contacts
        .iter()
        .enumerate()
        .map(|(i, c)| c.reports_to().and_then(|r| index.get(r).copied()).filter(|&p| p != i))
        .collect();
    // Each contact is walked once: 1 = on the current walk, 2 = leads to no loop.
    let mut state = vec![0u8; n];
    for i in 0..n {
        let mut path = Vec::new();
        let mut cur = i;
        while state[cur] == 0 {
            state[cur] = 1;
            path.push(cur);
            match parent[cur] {
                Some(p) if state[p] == 1 => {
                    parent[cur] = None;
                    break;
                }
                Some(p) => cur = p,
                None => break,
            }
        }
        for c in path {
            state[c] = 2;
        }
    }
    parent
}

/// Each card's place, the drawing's width and height, and whether it is
/// drawn as an indented tree (more than 6 leaves) rather than top down.
fn layout(parent: &[Option<usize>], card_h: f64) -> (Vec<Node>, f64, f64, bool) {
    let mut nodes: Vec<Node> = (0..parent.len())
        .map(|_| Node {
            children: Vec::new(),
            depth: 0,
            x: 0.0,
            y: 0.0,
        })
        .collect();
    let mut roots = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        match *p {
            Some(p) => nodes[p].children.push(i),
            None => roots.push(i),
        }
    }
    // Every walk below keeps its own stack: a reports-to chain is as deep
    // as the account makes it.
    let preorder = preorder(&nodes, &roots);
    for &i in &preorder {
        if let Some(p) = parent[i] {
            nodes[i].depth = nodes[p].depth + 1;
        }
    }
    let leaves = nodes.iter().filter(|n| n.children.is_empty()).count();
    let indented = leaves > 6;
    let (width, height) = if !indented {
        // Top-down: leaves take the next slot in order, parents centre over
        // their children (children before parents: the preorder reversed
        // gives every child before its parent, the leaves' slots in order).
        let mut next = 0.0;
        for &i in &preorder {
            if nodes[i].children.is_empty() {
                nodes[i].x = next;
                next += CARD_W + GAP_X;
            }
        }
        for &i in preorder.iter().rev() {
            let children = &nodes[i].children;
            if let (Some(&first), Some(&last)) = (children.first(), children.last()) {
                nodes[i].x = (nodes[first].x + nodes[last].x) / 2.0;
            }
            nodes[i].y = nodes[i].depth as f64 * (card_h + GAP_Y);
        }
        let max_depth = nodes.iter().map(|n| n.depth).max().unwrap_or(0);
        (next - GAP_X, (max_depth + 1) as f64 * (card_h + GAP_Y) - GAP_Y)
    } else {
        // Indented: one row per contact in preorder, indented by depth.
        for (row, &i) in preorder.iter().enumerate() {
            nodes[i].x = nodes[i].depth as f64 * 36.0;
            nodes[i].y = row as f64 * (card_h + 10.0);
        }
        let max_x = nodes.iter().map(|n| n.x).fold(0.0, f64::max);
        (max_x + CARD_W * 2.2, preorder.len() as f64 * (card_h + 10.0) - 10.0)
    };
    (nodes, width, height, indented)
}

fn reports_to_lines(svg: &mut String, nodes: &[Node], parent: &[Option<usize>], indented: bool, card_h: f64) {
    svg.push_str("<g class=\"reports-to\" stroke=\"#94a3b8\" stroke-width=\"1.5\" fill=\"none\">");
    for (i, p) in parent.iter().enumerate() {
        let Some(p) = *p else { continue };
        let (a, b) = (&nodes[p], &nodes[i]);
        if indented {
            let x = a.x + 14.0;
            let _ = write!(
                svg,
                "<path d=\"M{x:.1} {:.1} V{:.1} H{:.1}\"/>",
                a.y + card_h,
                b.y + card_h / 2.0,
                b.x
            );
        } else {
            let (x1, y1) = (a.x + CARD_W / 2.0, a.y + card_h);
            let (x2, y2) = (b.x + CARD_W / 2.0, b.y);
            let my = (y1 + y2) / 2.0;
            let _ = write!(svg, "<path d=\"M{x1:.1} {y1:.1} V{my:.1} H{x2:.1} V{y2:.1}\"/>");
        }
    }
    svg.push_str("</g>");
}

fn influence_lines(
    svg: &mut String,
    nodes: &[Node],
    contacts: &[ContactView],
    index: &HashMap<&str, usize>,
    card_h: f64,
) {
    svg.push_str(
        "<g class=\"influences\" stroke=\"#a855f7\" stroke-width=\"1.2\" stroke-dasharray=\"4,3\" fill=\"none\">",
    );
    for (i, c) in contacts.iter().enumerate() {
        for target in c.influences() {
            if let Some(&j) = index.get(target) {
                let (a, b) = (&nodes[i], &nodes[j]);
                let _ = write!(
                    svg,
                    "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"><title>{} influences {}</title></line>",
                    a.x + CARD_W,
                    a.y + card_h / 2.0,
                    b.x + CARD_W,
                    b.y + card_h / 2.0,
                    html_escape(c.name()),
                    html_escape(contacts[j].name())
                );
            }
        }
    }
    svg.push_str("</g>");
}

/// One contact's card: name, title, stance and role, coloured by stance,
/// a decision-maker's with a heavy border and a "DM" tag.
fn card(svg: &mut String, c: &ContactView, node: &Node, card_h: f64, keys: &[CompetitorKey], strip: &Strip) {
    let (fill, stroke) = stance_colors(c.stance());
    let dm = c.role() == Some(Role::DecisionMaker);
    let stance = match c.stance() {
        Some(s) => stance_text(s),
        None => "stance unknown".into(),
    };
    let title = c.title().unwrap_or("");
    let theirs: String = c
        .doc
        .competitor_stance
        .iter()
        .map(|(name, s)| format!("; {name} {}", stance_text(s.value)))
        .collect();
    let _ = write!(
        svg,
        "<g class=\"contact\" transform=\"translate({:.1} {:.1})\"><title>{}{}{} — {}, stance {}{}</title><rect width=\"{CARD_W}\" height=\"{card_h}\" rx=\"8\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"/>",
        node.x,
        node.y,
        html_escape(c.name()),
        if title.is_empty() { "" } else { ", " },
        html_escape(title),
        c.role_label(),
        html_escape(&stance),
        html_escape(&theirs),
        if dm { 3.5 } else { 1.5 }
    );
    if strip.height > 0.0 {
        strip.draw(svg, c, keys);
    }
    let name = fit(c.name(), 22);
    let title = fit(title, 26);
    let _ = write!(
        svg,
        "<text x=\"10\" y=\"19\" font-size=\"13\" font-weight=\"bold\" fill=\"#0f172a\">{}</text><text x=\"10\" y=\"35\" font-size=\"11\" fill=\"#334155\">{}</text><text x=\"10\" y=\"50\" font-size=\"10.5\" fill=\"#334155\">{} · {}</text>",
        html_escape(&name),
        html_escape(&title),
        html_escape(&stance),
        c.role_label()
    );
    if dm {
        let _ = write!(
            svg,
            "<rect x=\"{:.0}\" y=\"-8\" width=\"28\" height=\"16\" rx=\"4\" fill=\"#0f172a\"/><text x=\"{:.0}\" y=\"4\" font-size=\"10\" font-weight=\"bold\" fill=\"#fff\" text-anchor=\"middle\">DM</text>",
            CARD_W - 34.0,
            CARD_W - 20.0
        );
    }
    svg.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: &str, name: &str, title: &str) -> ContactView<'static> {
        reporting(id, name, title, None)
    }

    fn reporting(id: &str, name: &str, title: &str, to: Option<&str>) -> ContactView<'static> {
        let doc = Box::leak(Box::new(crate::model::Contact {
            id: crate::source::Spanned::new(id.to_string(), 1, 1),
            name: name.to_string(),
            title: Some(title.to_string()),
            role: Some(Role::User),
            stance: Some(crate::source::Spanned::new(1, 1, 1)),
            reports_to: to.map(|t| crate::source::Spanned::new(t.to_string(), 1, 1)),
            influences: Vec::new(),
            owner: None,
            last_contact: None,
            email: None,
            phone: None,
            notes: None,
            competitor_stance: Default::default(),
        }));
        ContactView {
            doc,
            reports_to_name: None,
            days_since_contact: None,
            stale: false,
        }
    }

    #[test]
    fn long_names_and_titles_are_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(fit("Plant Director", 26), "Plant Director");
        assert_eq!(
            fit("Superintendent, Engine and Automation", 26),
            "Superintendent, Engine…"
        );
        assert_eq!(fit("Oberbetriebsleitungsassistenz", 12), "Oberbetrieb…");
        let svg = map(&[contact("c1", "Kjetil Larsen", "Superintendent, Engine and Automation")]);
        assert!(svg.contains(">Superintendent, Engine…</text>"), "{svg}");
        // The whole title stays in the card's tooltip.
        assert!(
            svg.contains("<title>Kjetil Larsen, Superintendent, Engine and Automation — user"),
            "{svg}"
        );
    }

    /// `y` of each card, in order.
    fn card_rows(svg: &str) -> Vec<f64> {
        svg.split("<g class=\"contact\" transform=\"translate(")
            .skip(1)
            .map(|s| {
                s.split(['"', ')'])
                    .next()
                    .unwrap()
                    .split(' ')
                    .nth(1)
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn a_reports_to_chain_of_50000_contacts_is_drawn_without_recursion() {
        let n = 50_000;
        let ids: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        let contacts: Vec<ContactView> = (0..n)
            .map(|i| reporting(&ids[i], &ids[i], "", i.checked_sub(1).map(|p| ids[p].as_str())))
            .collect();
        let svg = map(&contacts);
        let rows = card_rows(&svg);
        assert_eq!(rows.len(), n);
        // One leaf: drawn top down, one level per contact.
        assert_eq!(rows[n - 1], (n - 1) as f64 * (CARD_H + GAP_Y));
        assert_eq!(svg.matches("<path ").count(), n - 1);
    }

    #[test]
    fn loops_are_cut_and_wide_charts_are_indented_in_walk_order() {
        // a <- b <- c <- a is a loop; d, e, .. report to a.
        let mut contacts = vec![
            reporting("a", "A", "", Some("c")),
            reporting("b", "B", "", Some("a")),
            reporting("c", "C", "", Some("b")),
        ];
        for id in ["d", "e", "f", "g", "h", "i", "j"] {
            contacts.push(reporting(id, id, "", Some("a")));
        }
        contacts.push(reporting("k", "K", "", Some("d")));
        let svg = map(&contacts);
        // The walk from a (a, c, b) cuts the line that closes the loop, b's:
        // b is the root, c under it, a under c, then d (with k under it),
        // e, ..: one row each in that order.
        let rows = card_rows(&svg);
        let row = |i: usize| rows[i] / (CARD_H + 10.0);
        assert_eq!(row(1), 0.0);
        assert_eq!(row(2), 1.0);
        assert_eq!(row(0), 2.0);
        assert_eq!(row(3), 3.0);
        assert_eq!(row(10), 4.0, "k under d");
        assert_eq!(row(4), 5.0);
        assert_eq!(svg.matches("<path ").count(), contacts.len() - 1);
    }
}
