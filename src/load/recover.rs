//! Keep parsing a YAML file after a bad value, so one `check` lists every
//! mistake in it, not only the first.
//!
//! serde stops at the first error. After one, the text is mended at the
//! place the error names and parsed again: a bad value is replaced with a
//! stand-in of the right type (the first of [`STAND_INS`] that gets past
//! that place), an unknown or repeated key is blanked out with its value,
//! and a missing required key is added. Lines are never removed, so the
//! next error's line is still the line in the file. The mended value is
//! never used: a file with an error is left out of the model.
//!
//! A syntax error ends the search (the structure after it cannot be
//! trusted), and so do a mend that does not get past its place and the
//! [`BUDGET`] of bytes parsed again.

/// Values tried in place of a bad one, in order: the first that parses
/// there stands in. `~` fits any optional key.
const STAND_INS: [&str; 7] = ["~", "\"\"", "0", "[]", "{}", "false", "2000-01-01"];

/// Bytes parsed again at most, over all mends of one file (a few hundred
/// parses of a typical account.yaml; a few of a file near the size cap).
const BUDGET: usize = 32 * 1024 * 1024;

/// Most errors reported for one file.
pub const MAX_ERRORS: usize = 50;

/// A fragment's text being mended, line by line.
pub struct Mend {
    /// Each line with its end of line.
    lines: Vec<String>,
    /// For each line, the line of the original text it stands for (1-based):
    /// an added key stands for the line of its mapping.
    origin: Vec<usize>,
    spent: usize,
}

/// What the parser said went wrong, in the text being mended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A value of the wrong type or out of range, at its start, with a
    /// value that fits when one is known (an enum's first variant).
    Value(Option<&'static str>),
    /// A key that does not belong (unknown, or given twice), at the key.
    Key,
    /// A required key that is missing from the mapping starting here.
    Missing(&'static str),
}

impl Mend {
    pub fn new(text: &str) -> Mend {
        let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let origin = (1..=lines.len()).collect();
        Mend {
            lines,
            origin,
            spent: 0,
        }
    }

    pub fn text(&self) -> String {
        self.lines.concat()
    }

    /// The original line of mended line `line` (1-based).
    pub fn origin(&self, line: usize) -> usize {
        self.origin.get(line.saturating_sub(1)).copied().unwrap_or(line)
    }

    /// Count a parse of the text against the budget; false once it is spent.
    pub fn spend(&mut self) -> bool {
        self.spent += self.lines.iter().map(String::len).sum::<usize>();
        self.spent <= BUDGET
    }

    /// Mend the text at `line`:`column` (1-based, characters) for `fault`,
    /// trying each stand-in until `parses_past` says the parser gets past
    /// that place. False when nothing works.
    pub fn fix(
        &mut self,
        line: usize,
        column: usize,
        fault: Fault,
        mut parses_past: impl FnMut(&str, (usize, usize)) -> bool,
    ) -> bool {
        let Some(text) = self.lines.get(line.wrapping_sub(1)).cloned() else {
            return false;
        };
        let text = text.as_str();
        let Some(start) = text.char_indices().nth(column.saturating_sub(1)).map(|(b, _)| b) else {
            return false;
        };
        match fault {
            Fault::Key => {
                let in_flow = self.flow_depth(line, start) > 0;
                let end = if in_flow {
                    entry_end(text, start)
                } else {
                    text.trim_end_matches(['\n', '\r']).len()
                };
                let mut saved = self.lines.clone();
                blank(&mut self.lines[line - 1], start, end);
                if !in_flow {
                    self.blank_children(line, indent_of_col(text, start));
                }
                if !self.spend() {
                    return false;
                }
                let ok = parses_past(&self.text(), (line, column));
                if !ok {
                    std::mem::swap(&mut self.lines, &mut saved);
                }
                ok
            }
            Fault::Value(fits) => {
                let saved = self.lines.clone();
                // An empty value is placed at its key's `:`.
                if text[start..].starts_with(':') {
                    for stand_in in fits.into_iter().chain(STAND_INS) {
                        let mut l = saved[line - 1].clone();
                        l.insert_str(start + 1, &format!(" {stand_in}"));
                        self.lines[line - 1] = l;
                        if !self.spend() {
                            return false;
                        }
                        if parses_past(&self.text(), (line, column + 2)) {
                            return true;
                        }
                    }
                    self.lines = saved;
                    return false;
                }
                let block = starts_block(text, start);
                let end = if block {
                    text.trim_end_matches(['\n', '\r']).len()
                } else {
                    token_end(text, start, self.flow_depth(line, start) > 0)
                };
                if block {
                    self.blank_block(line, indent_of_col(text, start));
                }
                for stand_in in fits.into_iter().chain(STAND_INS) {
                    let mut l = saved[line - 1].clone();
                    replace(&mut l, start, end, stand_in);
                    self.lines[line - 1] = l;
                    if !self.spend() {
                        return false;
                    }
                    if parses_past(&self.text(), (line, column)) {
                        return true;
                    }
                }
                self.lines = saved;
                false
            }
            Fault::Missing(key) => {
                // A flow mapping has no room for another key on its line.
                if self.flow_depth(line, start) > 0 || text[start..].starts_with(['{', '[']) {
                    return false;
                }
                let saved = (self.lines.clone(), self.origin.clone());
                for stand_in in STAND_INS {
                    (self.lines, self.origin) = saved.clone();
                    {
                        let indent = " ".repeat(text[..start].chars().count());
                        self.lines.insert(line, format!("{indent}{key}: {stand_in}\n"));
                        self.origin.insert(line, self.origin(line));
                        if !self.lines[line - 1].ends_with('\n') {
                            self.lines[line - 1].push('\n');
                        }
                    }
                    if !self.spend() {
                        return false;
                    }
                    if parses_past(&self.text(), (line, column)) {
                        return true;
                    }
                }
                (self.lines, self.origin) = saved;
                false
            }
        }
    }

    /// How many flow collections (`[`, `{`) are open at byte `at` of `line`.
    fn flow_depth(&self, line: usize, at: usize) -> usize {
        let mut depth = 0usize;
        for (i, l) in self.lines.iter().enumerate().take(line) {
            let text = if i + 1 == line {
                &l[..at.min(l.len())]
            } else {
                l.as_str()
            };
            let mut quote: Option<char> = None;
            let mut prev = ' ';
            for c in text.chars() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        '"' | '\'' if depth > 0 || prev == ' ' || prev == ':' => quote = Some(c),
                        '#' if prev == ' ' || prev == '\t' => break,
                        '[' | '{' => depth += 1,
                        ']' | '}' => depth = depth.saturating_sub(1),
                        _ => {}
                    },
                }
                prev = c;
            }
        }
        depth
    }

    /// Blank the lines after `line` that are indented deeper than `indent`
    /// (a key's nested value).
    fn blank_children(&mut self, line: usize, indent: usize) {
        for l in self.lines.iter_mut().skip(line) {
            if l.trim().is_empty() {
                continue;
            }
            if leading_spaces(l) <= indent {
                break;
            }
            let end = l.trim_end_matches(['\n', '\r']).len();
            blank(l, 0, end);
        }
    }

    /// Blank the lines after `line` that belong to a block collection whose
    /// first entry starts at `indent` on `line`.
    fn blank_block(&mut self, line: usize, indent: usize) {
        for l in self.lines.iter_mut().skip(line) {
            if l.trim().is_empty() {
                continue;
            }
            if leading_spaces(l) < indent {
                break;
            }
            let end = l.trim_end_matches(['\n', '\r']).len();
            blank(l, 0, end);
        }
    }
}

fn leading_spaces(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

/// The indentation a node at byte `at` of `line` has: its column less one,
/// in characters.
fn indent_of_col(line: &str, at: usize) -> usize {
    line[..at].chars().count()
}

/// Whether the node at `at` starts a block collection: only spaces and
/// `- ` before it, and a key or a list item at it.
fn starts_block(line: &str, at: usize) -> bool {
    let before = line[..at].trim_start_matches([' ', '-']);
    let rest = line[at..].trim_end();
    before.trim().is_empty()
        && !rest.starts_with(['[', '{', '"', '\''])
        && (rest.starts_with("- ") || rest == "-" || rest.contains(": ") || rest.ends_with(':'))
}

/// Where the scalar or flow collection starting at byte `at` ends.
pub(super) fn token_end(line: &str, at: usize, in_flow: bool) -> usize {
    let body = line.trim_end_matches(['\n', '\r']);
    let rest = &body[at..];
    let mut chars = rest.char_indices().peekable();
    match rest.chars().next() {
        Some(q @ ('"' | '\'')) => {
            chars.next();
            while let Some((i, c)) = chars.next() {
                if c == '\\' && q == '"' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                        continue;
                    }
                    return at + i + 1;
                }
            }
            body.len()
        }
        Some('[' | '{') => {
            let mut depth = 0usize;
            let mut quote: Option<char> = None;
            for (i, c) in rest.char_indices() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        '"' | '\'' => quote = Some(c),
                        '[' | '{' => depth += 1,
                        ']' | '}' => {
                            depth -= 1;
                            if depth == 0 {
                                return at + i + 1;
                            }
                        }
                        _ => {}
                    },
                }
            }
            body.len()
        }
        _ => {
            let mut prev = ' ';
            for (i, c) in rest.char_indices() {
                if (in_flow && matches!(c, ',' | ']' | '}')) || (c == '#' && prev == ' ') {
                    return at + rest[..i].trim_end().len();
                }
                prev = c;
            }
            at + rest.trim_end().len()
        }
    }
}

/// Where the flow entry (`key: value`) starting at byte `at` ends, with the
/// comma after it.
fn entry_end(line: &str, at: usize) -> usize {
    let body = line.trim_end_matches(['\n', '\r']);
    let mut i = at;
    // The key, then its value, each a token.
    let key_end = token_end(body, at, true);
    i = i.max(key_end);
    let rest = &body[i..];
    let after_colon = rest.trim_start();
    if let Some(v) = after_colon.strip_prefix(':') {
        let v_start = body.len() - v.trim_start().len();
        i = if v.trim_start().starts_with([',', '}', ']']) {
            v_start
        } else {
            token_end(body, v_start, true)
        };
    }
    let after = &body[i..];
    if after.trim_start().starts_with(',') {
        i = body.len() - after.trim_start().len() + 1;
    }
    i
}

/// Spaces over bytes `start..end` of `line`, one per character: the other
/// characters keep their columns.
fn blank(line: &mut String, start: usize, end: usize) {
    let end = end.clamp(start, line.len());
    let n = line[start..end].chars().count();
    line.replace_range(start..end, &" ".repeat(n));
}

/// `with` over bytes `start..end` of `line`, padded with spaces to keep the
/// columns after it.
fn replace(line: &mut String, start: usize, end: usize, with: &str) {
    let end = end.clamp(start, line.len());
    let n = line[start..end].chars().count();
    let pad = n.saturating_sub(with.chars().count());
    line.replace_range(start..end, &format!("{with}{}", " ".repeat(pad)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_end_where_yaml_ends_them() {
        let l = "  - { id: b, name: \"B, C\", stance: high }\n";
        let at = l.find("\"B").unwrap();
        assert_eq!(&l[at..token_end(l, at, true)], "\"B, C\"");
        let at = l.find("high").unwrap();
        assert_eq!(&l[at..token_end(l, at, true)], "high");
        let l = "revenue: 4.2M   # in EUR\n";
        assert_eq!(&l[9..token_end(l, 9, false)], "4.2M");
        let l = "name: [x, [y]] \n";
        assert_eq!(&l[6..token_end(l, 6, false)], "[x, [y]]");
        let l = "{ titel: X, id: a }";
        let at = l.find("titel").unwrap();
        assert_eq!(&l[at..entry_end(l, at)], "titel: X,");
    }

    #[test]
    fn a_mend_keeps_lines_and_columns() {
        let mut m = Mend::new("a: 1\nb: high # c\nd: 2\n");
        assert!(m.fix(2, 4, Fault::Value(None), |t, _| t.contains("b: 0")));
        assert_eq!(m.text(), "a: 1\nb: 0    # c\nd: 2\n");
        assert!(m.fix(1, 1, Fault::Key, |_, _| true));
        assert_eq!(m.text(), "    \nb: 0    # c\nd: 2\n");
        let mut m = Mend::new("c:\n  - id: a\n    title: x\n");
        assert!(m.fix(2, 5, Fault::Missing("name"), |_, _| true));
        assert_eq!(m.text(), "c:\n  - id: a\n    name: ~\n    title: x\n");
        assert_eq!((m.origin(3), m.origin(4)), (2, 3));
    }
}
