//! Fitting label text into the room a chart or card gives it.

/// `text` in at most `max` characters, as a chart label or a stakeholder
/// card shows it: cut after the last whole word when one ends in the second
/// half, and marked with "…" (the tooltip has the whole text).
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max.saturating_sub(1)).collect();
    let head = match head.rfind(' ') {
        Some(i) if head[..i].chars().count() > max / 2 => &head[..i],
        _ => head.as_str(),
    };
    format!("{}…", head.trim_end_matches([' ', ',', ';', '-', '/']))
}

/// Split a label into at most two lines of about `width` characters.
pub fn wrap(s: &str, width: usize) -> (String, Option<String>) {
    if s.chars().count() <= width {
        return (s.to_string(), None);
    }
    let mut first = String::new();
    let mut rest = String::new();
    for word in s.split_whitespace() {
        if rest.is_empty() && first.chars().count() + word.chars().count() < width {
            if !first.is_empty() {
                first.push(' ');
            }
            first.push_str(word);
        } else {
            if !rest.is_empty() {
                rest.push(' ');
            }
            rest.push_str(word);
        }
    }
    if rest.chars().count() > width + 4 {
        rest = fit(&rest, width + 3);
    }
    (first, (!rest.is_empty()).then_some(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_wrap_to_two_lines() {
        let (a, b) = wrap("Unplanned downtime on press lines in both plants", 30);
        assert_eq!(a, "Unplanned downtime on press");
        assert_eq!(b.as_deref(), Some("lines in both plants"));
        assert_eq!(wrap("Short", 30), ("Short".to_string(), None));
        // A second line too long for the chart is cut at a word, marked.
        let (a, b) = wrap(
            "Unplanned downtime on press lines in both plants and the paint shop in Brno",
            30,
        );
        assert_eq!(a, "Unplanned downtime on press");
        assert_eq!(b.as_deref(), Some("lines in both plants and the…"));
    }
}
