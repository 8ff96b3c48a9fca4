//! Lighter chart markup: charts-rs writes every label with the same three
//! presentation attributes and each element on its own line. A profile holds
//! about 80 labels, so the page repeated some 2 KB of identical attributes.
//!
//! [`compact`] rewrites a chart's SVG without changing what it draws:
//! - the font family moves from each `<text>` to the root `<svg>`, where
//!   every label inherits it;
//! - the two label colours charts-rs uses become classes (`ax` for axis
//!   labels, `lb` for legend and value labels), styled by the theme's CSS
//!   (`svg .ax`, `svg .lb`);
//! - the line breaks between elements and around label text go (SVG
//!   collapses them to nothing), and runs of spaces inside a tag become one.
//!
//! Every other attribute (sizes, positions, strokes, fills of marks) stays
//! as charts-rs wrote it, so the charts' tests read the same marks.

/// charts-rs label colours and the class that replaces each.
const TEXT_FILLS: [(&str, &str); 2] = [("#6E7079", "ax"), ("#464646", "lb")];

/// The font charts-rs names on every label.
const FONT_ATTR: &str = " font-family=\"Roboto\"";

/// `svg` with repeated label attributes moved to the root and to classes,
/// and formatting whitespace dropped. Input that is not a well-formed run
/// of tags is copied unchanged from the first place it stops being one.
pub(super) fn compact(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    let mut root = true;
    while let Some(open) = rest.find('<') {
        push_text(&mut out, &rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = &rest[open..];
            break;
        };
        let tag = &rest[open..open + close + 1];
        if root && tag.starts_with("<svg") {
            push_root(&mut out, tag);
            root = false;
        } else if tag.starts_with("<text") {
            push_text_tag(&mut out, tag);
        } else {
            push_collapsed(&mut out, tag);
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Text between tags without the line breaks around it; whitespace that
/// is only formatting (it holds a line break) goes entirely.
fn push_text(out: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    let trimmed = text.trim_matches(|c| c == '\n' || c == '\r');
    if trimmed.trim().is_empty() && text.contains('\n') {
        return;
    }
    out.push_str(trimmed);
}

/// The root tag, with the font every label inherits.
fn push_root(out: &mut String, tag: &str) {
    if tag.contains("font-family=") {
        push_collapsed(out, tag);
        return;
    }
    let body = tag.trim_end_matches('>');
    let (body, end) = match body.strip_suffix('/') {
        Some(b) => (b, "/>"),
        None => (body, ">"),
    };
    push_collapsed(out, body.trim_end());
    out.push_str(FONT_ATTR);
    out.push_str(end);
}

/// A `<text>` tag without its font family, its colour as a class.
fn push_text_tag(out: &mut String, tag: &str) {
    let mut tag = tag.replacen(FONT_ATTR, "", 1);
    for (fill, class) in TEXT_FILLS {
        let attr = format!(" fill=\"{fill}\"");
        if let Some(at) = tag.find(&attr) {
            tag.replace_range(at..at + attr.len(), "");
            match tag.find(" class=\"") {
                Some(c) => tag.insert_str(c + " class=\"".len(), &format!("{class} ")),
                None => {
                    let end = tag.len() - 1;
                    tag.insert_str(end, &format!(" class=\"{class}\""));
                }
            }
            break;
        }
    }
    push_collapsed(out, &tag);
}

/// A tag with each run of spaces in it outside attribute values as one
/// space, and none before its closing `>` or `/>`.
fn push_collapsed(out: &mut String, tag: &str) {
    let mut in_value = false;
    let mut last_space = false;
    let start = out.len();
    for c in tag.chars() {
        if c == '"' {
            in_value = !in_value;
        }
        if !in_value && c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            if !in_value && (c == '>' || c == '/') && last_space && out.len() > start {
                out.pop();
            }
            last_space = false;
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn labels_lose_repeated_attributes_and_keep_their_place() {
        let svg = "<svg width=\"640\" viewBox=\"0 0 640 300\">\n<g>\n\n<text font-size=\"14\" x=\"5\" y=\"17\" font-family=\"Roboto\" fill=\"#6E7079\">\n20\n</text>\n</g>\n<rect x=\"0\" fill=\"#FFFFFF\"/>\n</svg>";
        assert_eq!(
            compact(svg),
            "<svg width=\"640\" viewBox=\"0 0 640 300\" font-family=\"Roboto\"><g><text font-size=\"14\" x=\"5\" y=\"17\" class=\"ax\">20</text></g><rect x=\"0\" fill=\"#FFFFFF\"/></svg>"
        );
    }

    #[test]
    fn a_label_with_a_class_keeps_it_beside_the_colour_class() {
        let svg = "<svg><text font-size=\"14\"   font-family=\"Roboto\" fill=\"#464646\" class=\"ct-tip\">\nQ1 2026\n</text></svg>";
        assert_eq!(
            compact(svg),
            "<svg font-family=\"Roboto\"><text font-size=\"14\" class=\"lb ct-tip\">Q1 2026</text></svg>"
        );
    }

    #[test]
    fn other_colours_spaces_in_values_and_inner_text_stay() {
        let svg = "<svg font-family=\"Roboto\"><text fill=\"#334155\" font-family=\"Roboto\" data-x=\"a  b\">Two  words\nhere</text> <text>x</text></svg>";
        assert_eq!(
            compact(svg),
            "<svg font-family=\"Roboto\"><text fill=\"#334155\" data-x=\"a  b\">Two  words\nhere</text> <text>x</text></svg>"
        );
    }

    #[test]
    fn broken_markup_is_copied_from_where_it_breaks() {
        assert_eq!(
            compact("<svg><text x=\"1\""),
            "<svg font-family=\"Roboto\"><text x=\"1\""
        );
    }
}
