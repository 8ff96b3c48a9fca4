//! Wording of help texts: the likely typo ([`did_you_mean`]) and lists of
//! what is allowed ([`one_of`], [`list_of`]), bounded so a list of 100,000
//! ids stays one readable line.

/// Words longer than this get no did-you-mean: a typo suggestion for a
/// paragraph is noise, and the edit distance grows with both lengths.
const SUGGEST_MAX_CHARS: usize = 64;

/// Candidates compared with a word, at most: a list of 100,000 contact
/// ids costs the first this many comparisons, not all.
const SUGGEST_MAX_CANDIDATES: usize = 2_000;

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_chars = word.chars().count();
    if word_chars > SUGGEST_MAX_CHARS {
        return None;
    }
    let word_l: Vec<char> = word.to_lowercase().chars().collect();
    let mut best: Option<(usize, &str)> = None;
    let mut rows = (Vec::new(), Vec::new(), Vec::new());
    for c in candidates.into_iter().take(SUGGEST_MAX_CANDIDATES) {
        let c_chars = c.chars().count();
        if c_chars > SUGGEST_MAX_CHARS {
            continue;
        }
        let limit = (c_chars.max(word_chars) / 3).max(1);
        // The distance is at least the difference in length.
        if c_chars.abs_diff(word_chars) > limit {
            continue;
        }
        let c_l: Vec<char> = c.to_lowercase().chars().collect();
        let d = levenshtein(&word_l, &c_l, &mut rows);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance where swapping two neighbouring letters counts as one edit
/// (optimal string alignment), so `titel` is one step from `title`. Three
/// rows of the table, reused across calls.
fn levenshtein(a: &[char], b: &[char], rows: &mut (Vec<usize>, Vec<usize>, Vec<usize>)) -> usize {
    let (before, prev, cur) = rows;
    before.clear();
    before.resize(b.len() + 1, 0);
    prev.clear();
    prev.extend(0..=b.len());
    cur.clear();
    cur.resize(b.len() + 1, 0);
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(before, prev);
        std::mem::swap(prev, cur);
    }
    prev[b.len()]
}

/// "one of `a`, `b` or `c`" for help texts.
/// Past [`LISTED_MAX`] items, the first ones and how many more.
pub fn one_of(items: &[&str]) -> String {
    if items.len() > LISTED_MAX {
        return format!("one of {} and {} more", listing(items), items.len() - LISTED_MAX);
    }
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.len() {
        0 => String::from("nothing"),
        1 => quoted[0].clone(),
        n => format!("one of {} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Items named in a help text, at most.
pub const LISTED_MAX: usize = 20;

/// "a, b, c" for help texts, the first [`LISTED_MAX`] items, then
/// "and N more".
pub fn list_of(items: &[&str]) -> String {
    if items.len() > LISTED_MAX {
        format!(
            "{} and {} more",
            items[..LISTED_MAX].join(", "),
            items.len() - LISTED_MAX
        )
    } else {
        items.join(", ")
    }
}

fn listing(items: &[&str]) -> String {
    items
        .iter()
        .take(LISTED_MAX)
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("tierr", ["tier", "stage", "name"]), Some("tier"));
        assert_eq!(did_you_mean("sponser", ["owner", "sponsor"]), Some("sponsor"));
        assert_eq!(did_you_mean("zzzzzz", ["tier", "stage"]), None);
        assert_eq!(did_you_mean("zz", ["a", "b"]), None);
        assert_eq!(did_you_mean("titel", ["title", "theme"]), Some("title"));
        assert_eq!(did_you_mean("Titel", ["TITLE"]), Some("TITLE"));
        assert_eq!(did_you_mean("ab", ["ba", "abc"]), Some("ba"));
        assert_eq!(did_you_mean("kitten", ["sitting"]), None, "3 edits of 7 letters");
        assert_eq!(did_you_mean("kiten", ["kitten"]), Some("kitten"));
        // A paragraph gets no suggestion; neither does a word among 100,000
        // ids when the close one comes after the first 2,000.
        let long = "x".repeat(65);
        assert_eq!(did_you_mean(&long, [long.as_str()]), None);
        let ids: Vec<String> = (0..100_000).map(|i| format!("id{i:06}")).collect();
        let mut ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        ids.push("sponsor");
        assert_eq!(did_you_mean("sponser", ids.iter().copied()), None);
        assert_eq!(did_you_mean("id000007x", ids.iter().copied()), Some("id000007"));
        assert_eq!(did_you_mean("diamnod", ["diamond", "portfolio"]), Some("diamond"));
        assert_eq!(
            did_you_mean("partnership", ["mid-kam", "partnership-kam"]),
            Some("partnership-kam")
        );
    }

    #[test]
    fn long_lists_in_help_name_the_first_twenty() {
        assert_eq!(one_of(&["a", "b", "c"]), "one of `a`, `b` or `c`");
        let ids: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let help = one_of(&ids);
        assert!(
            help.starts_with("one of `c0`, `c1`,") && help.ends_with("`c19` and 5 more"),
            "{help}"
        );
        assert_eq!(list_of(&ids[..3]), "c0, c1, c2");
        assert!(list_of(&ids).ends_with("c18, c19 and 5 more"));
    }
}
