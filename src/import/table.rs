//! A CRM export read into a header and rows, every field knowing the line
//! and column where it starts in the file, so a bad value can be pointed at.
//!
//! Handles what real exports carry: a UTF-8 byte-order mark (Excel), `;` or
//! tab as the delimiter (Excel in many locales), quoted fields spanning
//! lines, ISO-8859-1 text (`Encoding::Latin1`), ragged rows. Nothing here
//! panics on any input; a bad row becomes a [`Problem`] and is left out.

use super::Problem;

/// Longest field taken; anything longer is almost always an unclosed quote
/// that swallowed the rest of the file.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// How the file's bytes are text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    #[default]
    Utf8,
    /// ISO-8859-1: each byte is the character of that number. Salesforce
    /// offers it as the export encoding for Western European orgs.
    Latin1,
}

/// One field: its text (trimmed) and where it starts.
#[derive(Clone, Debug)]
pub struct Cell {
    pub text: String,
    pub line: usize,
    pub col: usize,
}

#[derive(Debug)]
pub struct Row {
    /// The line the row starts on.
    pub line: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug)]
pub struct Table {
    /// The file as shown in messages.
    pub file: String,
    pub header: Vec<Cell>,
    pub rows: Vec<Row>,
    /// Rows that could not be read, each with where and why.
    pub problems: Vec<Problem>,
    /// What was read differently from a plain comma-separated UTF-8 file.
    pub notes: Vec<String>,
}

/// Read `bytes` (the whole file) as CSV. `Err` when there is no header to
/// work with (empty file, binary data); bad rows are in `Table::problems`.
pub fn read(file: &str, bytes: &[u8], encoding: Encoding) -> Result<Table, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let at = |line: usize, col: usize, message: String, help: &str| Problem::new(file, line, col, message, help);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(at(
            1,
            1,
            "the file is empty".into(),
            "export again: the first line must name the columns (e.g. `Account Name,Industry`)",
        ));
    }
    if let Some(i) = memchr::memchr(0, bytes) {
        let (line, col) = Lines::new(bytes).line_col(i);
        return Err(at(
            line,
            col,
            "the file holds a NUL byte: it is not a CSV text file".into(),
            "export the report as CSV (comma-separated values), not as .xlsx",
        ));
    }
    let delimiter = sniff_delimiter(bytes);
    let lines = Lines::new(bytes);
    let mut notes = Vec::new();
    if delimiter != b',' {
        let name = match delimiter {
            b';' => "semicolon",
            b'\t' => "tab",
            _ => "`|`",
        };
        notes.push(format!(
            "{file}: read as {name}-separated (its first line has no commas between columns)"
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Vec<Cell>> = None;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut footer: Vec<(usize, usize, usize, usize)> = Vec::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let offset = e.position().map(|p| p.byte() as usize).unwrap_or(bytes.len());
                let (line, col) = lines.line_col(offset);
                problems.push(at(
                    line,
                    col,
                    format!("unreadable CSV: {e}"),
                    "check the quotes on this line: a field with a quote inside is written \"like \"\"this\"\"\"",
                ));
                break;
            }
        }
        let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        // After a CRLF the reader's position may sit on the LF.
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let (starts, unclosed) = field_starts(bytes, start, delimiter, record.len());
        let mut cells = Vec::with_capacity(record.len());
        let mut bad = false;
        if let Some(i) = unclosed
            && record.get(i).is_some_and(|f| f.len() <= MAX_FIELD_BYTES)
        {
            let (line, col) = lines.line_col(starts[i]);
            problems.push(at(
                line,
                col,
                "the quote that opens this field is never closed: the field runs to the end of the file".into(),
                "close the quote where the field ends, or remove it",
            ));
            bad = true;
        }
        for (i, field) in record.iter().enumerate() {
            let (line, col) = lines.line_col(starts.get(i).copied().unwrap_or(start));
            if field.len() > MAX_FIELD_BYTES {
                problems.push(at(
                    line,
                    col,
                    format!(
                        "a field of {} bytes; the most kamsite takes is {MAX_FIELD_BYTES}",
                        field.len()
                    ),
                    "a quote that is opened here and never closed swallows the lines after it: close it, \
                     or shorten the field",
                ));
                bad = true;
                continue;
            }
            let text = match decode(field, encoding) {
                Ok(t) => t,
                Err(byte) => {
                    problems.push(at(
                        line,
                        col,
                        format!("the field is not UTF-8 text (byte 0x{byte:02X})"),
                        "save the export as UTF-8 (Excel: \"CSV UTF-8\"), or pass --encoding latin1 \
                         if it was exported as ISO-8859-1",
                    ));
                    bad = true;
                    continue;
                }
            };
            cells.push(Cell {
                text: text.trim().to_string(),
                line,
                col,
            });
        }
        let row_line = cells.first().map(|c| c.line).unwrap_or_else(|| lines.line_col(start).0);
        match &header {
            None if bad => {
                return Err(problems
                    .pop()
                    .unwrap_or_else(|| at(1, 1, "the header line cannot be read".into(), "export the file again")));
            }
            None => header = Some(cells),
            Some(_) if bad => {}
            Some(h) => {
                if cells.iter().all(|c| c.text.is_empty()) {
                    continue;
                }
                // Salesforce report exports end with one-field lines
                // (copyright, "Generated By: ..."): a footer, unless a row follows.
                if cells.len() == 1 && h.len() > 1 {
                    footer.push((cells[0].line, cells[0].col, cells.len(), h.len()));
                    continue;
                }
                for (line, col, n, m) in footer.drain(..) {
                    problems.push(ragged(file, line, col, n, m));
                }
                if cells.len() != h.len() {
                    let (line, col) = match cells.get(h.len()) {
                        Some(extra) => (extra.line, extra.col),
                        None => cells.last().map(|c| (c.line, c.col)).unwrap_or((row_line, 1)),
                    };
                    problems.push(ragged(file, line, col, cells.len(), h.len()));
                    continue;
                }
                rows.push(Row { line: row_line, cells });
            }
        }
    }
    let header = header.ok_or_else(|| at(1, 1, "the file has no header line".into(), "export the file again"))?;
    if let Some((line, ..)) = footer.first() {
        notes.push(format!(
            "{file}: left out the {} one-field line(s) from line {line} on (a report footer)",
            footer.len()
        ));
    }
    Ok(Table {
        file: file.to_string(),
        header,
        rows,
        problems,
        notes,
    })
}

fn ragged(file: &str, line: usize, col: usize, n: usize, m: usize) -> Problem {
    Problem::new(
        file,
        line,
        col,
        format!("the row has {n} fields, the header has {m}"),
        "a field with the delimiter inside must be quoted (\"Oslo, Norway\"); \
         a missing field still needs its delimiter",
    )
}

fn decode(field: &[u8], encoding: Encoding) -> Result<String, u8> {
    match encoding {
        Encoding::Latin1 => Ok(field.iter().map(|&b| char::from(b)).collect()),
        Encoding::Utf8 => match std::str::from_utf8(field) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(field.get(e.valid_up_to()).copied().unwrap_or(0)),
        },
    }
}

/// The delimiter among `,` `;` tab `|` that the first line uses most
/// outside quotes; `,` when none.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = candidates.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], usize::from(i == 0))).unwrap_or(0);
    if counts[best] == 0 { b',' } else { candidates[best] }
}

/// Byte offsets where each of a record's `n` fields starts, scanning the
/// raw bytes from the record's start as the CSV reader did.
/// Also says which field opens a quote that is never closed, if one does.
fn field_starts(bytes: &[u8], start: usize, delimiter: u8, n: usize) -> (Vec<usize>, Option<usize>) {
    let mut starts = Vec::with_capacity(n);
    let mut unclosed = None;
    let mut i = start;
    while starts.len() < n && i <= bytes.len() {
        starts.push(i);
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            let mut closed = false;
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    closed = true;
                    break;
                }
                i += 1;
            }
            if !closed {
                unclosed = Some(starts.len() - 1);
            }
        }
        while i < bytes.len() && bytes[i] != delimiter && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        if bytes.get(i) == Some(&delimiter) {
            i += 1;
        } else {
            break;
        }
    }
    (starts, unclosed)
}

/// Line starts of a text, to turn byte offsets into line and column.
struct Lines<'a> {
    bytes: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        Lines { bytes, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.bytes.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self.bytes[start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
            + 1;
        (line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(s: &str) -> Table {
        read("t.csv", s.as_bytes(), Encoding::Utf8).unwrap()
    }

    #[test]
    fn fields_know_their_line_and_column_across_quoted_newlines() {
        let t = table("Name,Notes,Owner\nAcme,\"two\nlines\",Kari\nBeta,x,  Per  \n");
        assert_eq!(t.header.len(), 3);
        assert_eq!(t.rows.len(), 2);
        let r = &t.rows[0];
        assert_eq!(
            (r.cells[1].text.as_str(), r.cells[1].line, r.cells[1].col),
            ("two\nlines", 2, 6)
        );
        assert_eq!((r.cells[2].line, r.cells[2].col), (3, 8));
        let r = &t.rows[1];
        assert_eq!((r.line, r.cells[2].text.as_str(), r.cells[2].col), (4, "Per", 8));
    }

    #[test]
    fn bom_semicolons_and_ragged_rows() {
        let t = table("\u{feff}Name;Owner\r\nAcme;Kari\r\nBeta;Per;extra\r\n");
        assert_eq!(t.header[0].text, "Name");
        assert_eq!((t.header[0].line, t.header[0].col), (1, 1));
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.problems.len(), 1);
        assert_eq!((t.problems[0].line, t.problems[0].col), (3, 10));
        assert!(t.notes[0].contains("semicolon"));
    }

    #[test]
    fn a_report_footer_is_left_out_but_a_short_row_inside_is_not() {
        let t = table(
            "Name,Owner\nAcme,Kari\n\n\"Copyright (c) 2000-2026 salesforce.com, inc.\"\n\"Generated By: Kari\"\n",
        );
        assert_eq!((t.rows.len(), t.problems.len()), (1, 0));
        assert!(t.notes[0].contains("footer"), "{:?}", t.notes);
        let t = table("Name,Owner\nAcme\nBeta,Per\n");
        assert_eq!((t.rows.len(), t.problems.len()), (1, 1));
        assert_eq!(t.problems[0].line, 2);
    }

    #[test]
    fn non_utf8_and_empty() {
        let t = read("t.csv", b"Name,Owner\nM\xfcller,Kari\n", Encoding::Utf8).unwrap();
        assert_eq!(t.rows.len(), 0);
        assert!(t.problems[0].message.contains("0xFC"));
        let t = read("t.csv", b"Name,Owner\nM\xfcller,Kari\n", Encoding::Latin1).unwrap();
        assert_eq!(t.rows[0].cells[0].text, "Müller");
        assert!(read("t.csv", b"", Encoding::Utf8).is_err());
        assert!(read("t.csv", b"\xEF\xBB\xBF \n", Encoding::Utf8).is_err());
    }
}
