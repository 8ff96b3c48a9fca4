//! The internal portal's data files for BI tools: `/data/*.json`,
//! `/data/*.csv` and a JSON Schema of each under `/data/schema/`, made from
//! the [`Portfolio`] alone ([`DataFiles`], one of the [`Renderer`]s).
//!
//! Owns: the shape of every data file (keys and columns are documented in
//! docs/data.md). May import `analyze` (the values) and `write` (the sink).

mod tables;
mod whitespace;
mod winloss;

use serde::Serialize;

use super::Renderer;
use super::cache::Parts;
use super::schedule::{put_all, put_results};
use crate::analyze::Portfolio;
use crate::diag::{Diagnostic, Diagnostics};
use crate::write::Sink;
pub use tables::CsvError;

/// The data files, each account's JSON entries kept in `accounts_json` and
/// `attention_json` between `serve`'s rebuilds (`keep`); a plain build
/// drops them once the files are written.
pub struct DataFiles<'r> {
    pub(crate) accounts_json: &'r mut Parts<Vec<u8>>,
    pub(crate) attention_json: &'r mut Parts<Vec<u8>>,
    pub(crate) keep: bool,
}

impl Renderer for DataFiles<'_> {
    type Model<'m> = Portfolio<'m>;

    fn name(&self) -> &'static str {
        "data"
    }

    fn render(&mut self, p: &Portfolio<'_>, sink: &dyn Sink) -> Result<(), Diagnostics> {
        let mut files = vec![winloss::data_file(&p.winloss)];
        files.extend(whitespace::data_files(p));
        let mut d = put_all(sink, files);
        let accounts = self
            .accounts_json
            .all(p, |i| json_element(&tables::AccountData::of(&p.accounts[i])));
        let attention = self.attention_json.all(p, |i| {
            let items: Vec<Vec<u8>> = p.accounts[i].attention.iter().map(json_element).collect();
            items.join(&b",\n"[..])
        });
        d.extend(put_results(vec![
            sink.put_pieces("data/accounts.json", &json_array_pieces(&accounts)),
            sink.put_pieces("data/attention.json", &json_array_pieces(&attention)),
        ]));
        match tables::csv_files(p) {
            Ok(files) => d.extend(put_all(sink, files)),
            Err(e) => d.push(Diagnostic::at_path("write", "output", e.to_string())),
        }
        d.extend(put_all(sink, tables::schema_files()));
        if !self.keep {
            self.accounts_json.clear();
            self.attention_json.clear();
        }
        if d.is_empty() { Ok(()) } else { Err(d) }
    }
}

/// `v` as pretty JSON, indented to sit in a pretty-printed array.
fn json_element<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    let pretty = serde_json::to_vec_pretty(v).unwrap_or_else(|_| b"null".to_vec());
    let mut out = Vec::with_capacity(pretty.len() + pretty.len() / 8 + 2);
    out.extend_from_slice(b"  ");
    for &b in &pretty {
        out.push(b);
        // JSON strings escape their newlines: every raw one is layout.
        if b == b'\n' {
            out.extend_from_slice(b"  ");
        }
    }
    out
}

/// [`json_array_pieces`], joined.
#[cfg(test)]
fn json_array(parts: &[&Vec<u8>]) -> Vec<u8> {
    json_array_pieces(parts).concat()
}

/// Elements from [`json_element`] (empty parts skipped) as the pieces of a
/// pretty JSON array with a trailing newline, not joined: together, the
/// bytes [`to_json`] gives for the list.
fn json_array_pieces<'a>(parts: &[&'a Vec<u8>]) -> Vec<&'a [u8]> {
    let mut pieces: Vec<&[u8]> = Vec::with_capacity(parts.len() * 2 + 2);
    pieces.push(b"[");
    for part in parts.iter().filter(|p| !p.is_empty()) {
        pieces.push(if pieces.len() == 1 { b"\n" } else { b",\n" });
        pieces.push(part);
    }
    pieces.push(if pieces.len() == 1 { b"]\n" } else { b"\n]\n" });
    pieces
}

/// Pretty JSON with a trailing newline.
pub fn to_json<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_else(|_| b"null".to_vec());
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Item {
        name: &'static str,
        tags: Vec<&'static str>,
        note: Option<&'static str>,
    }

    #[test]
    fn arrays_assembled_from_parts_match_the_whole_list() {
        let items = [
            Item {
                name: "Nordwind \"AG\"",
                tags: vec!["a", "b"],
                note: Some("two\nlines"),
            },
            Item {
                name: "Brandt",
                tags: vec![],
                note: None,
            },
        ];
        let parts: Vec<Vec<u8>> = items.iter().map(json_element).collect();
        // An account without items gives an empty part, which is skipped.
        let with_empty = [&parts[0], &Vec::new(), &parts[1]];
        assert_eq!(
            String::from_utf8(json_array(&with_empty)).unwrap(),
            String::from_utf8(to_json(&items)).unwrap()
        );
        assert_eq!(json_array(&[&Vec::new()]), to_json::<[Item]>(&[]));
        assert_eq!(json_array(&[]), b"[]\n");
    }
}
