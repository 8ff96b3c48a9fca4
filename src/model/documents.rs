//! The Markdown documents of an account: meeting notes (SPEC 2.2) and
//! win/loss reviews (SPEC 2.3), front matter and body.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::source::{HeldFile, Part, SourceFile, Spanned};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    #[default]
    Meeting,
    Call,
    Insight,
    Email,
    Event,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    #[default]
    Internal,
    Shared,
}

/// Front matter of `notes/*.md` (SPEC 2.2).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteMeta {
    /// When it happened, YYYY-MM-DD. Required.
    #[schemars(with = "Option<super::values::IsoDate>")]
    pub date: Option<Spanned<Date>>,
    /// A short title; default: the file name.
    pub title: Option<String>,
    /// meeting (default), call, insight, email or event.
    pub kind: Option<NoteKind>,
    /// Who took part.
    #[serde(default)]
    pub attendees: Vec<String>,
    /// internal (default), or shared: shown in the customer's site too.
    #[serde(default)]
    pub visibility: Visibility,
}

/// A Markdown document with front matter, as loaded.
#[derive(Debug)]
pub struct NoteDoc {
    /// File stem, used in anchors and URLs.
    pub id: String,
    /// The note's file. A build releases its text once the account's page
    /// is rendered; `serve` keeps it.
    pub file: HeldFile,
    pub meta: NoteMeta,
    /// Where the Markdown after the front matter starts in the file's text.
    body_start: usize,
}

impl NoteDoc {
    /// `body` is the part of `file` after the front matter.
    pub fn new(id: String, file: SourceFile, meta: NoteMeta, body: &Part) -> Self {
        let body_start = file.text.len().saturating_sub(body.len());
        NoteDoc {
            id,
            file: HeldFile::new(file),
            meta,
            body_start,
        }
    }

    /// The Markdown after the front matter (shares the file's text); empty
    /// once the file is released.
    pub fn body(&self) -> Part {
        Part::of_held(&self.file, self.body_start)
    }

    /// The Markdown after the front matter in `file`, a copy of this note's
    /// file read again after its text was released.
    pub fn body_in(&self, file: &SourceFile) -> Part {
        Part::tail(file, self.body_start)
    }

    pub fn date(&self) -> Option<Date> {
        self.meta.date.as_ref().map(|d| d.value)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Won,
    Lost,
    NoDecision,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Won => "won",
            Outcome::Lost => "lost",
            Outcome::NoDecision => "no-decision",
        }
    }
}

/// Front matter of `reviews/*.md` (SPEC 2.3).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewMeta {
    /// A review still being written: it counts nowhere (no page, no win
    /// rate, no reason ranking) and `check` asks for nothing missing until
    /// this is removed. `kamsite new review` writes drafts.
    #[serde(default)]
    pub draft: bool,
    /// An opportunity id of the account, or a free title.
    #[schemars(with = "Option<String>")]
    pub opportunity: Option<Spanned<String>>,
    /// won, lost or no-decision. Required.
    #[schemars(with = "Option<Outcome>")]
    pub outcome: Option<Spanned<Outcome>>,
    /// When the decision fell, YYYY-MM-DD. Required.
    #[schemars(with = "Option<super::values::IsoDate>")]
    pub date: Option<Spanned<Date>>,
    /// Deal value in the site currency.
    #[schemars(with = "Option<f64>")]
    pub value: Option<Spanned<f64>>,
    /// Competitors in the deal.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub competitors: Vec<Spanned<String>>,
    /// Who won: us, a competitor, or nobody (no decision).
    #[schemars(with = "Option<String>")]
    pub winner: Option<Spanned<String>>,
    /// How far the deal got, e.g. proposal.
    pub stage_reached: Option<String>,
    /// Reason ids from site.yaml `win_loss.reasons`; the first is primary.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub reasons: Vec<Spanned<String>>,
    /// Whether the client was interviewed for the review.
    #[serde(default)]
    pub interviewed: bool,
    /// What we learned.
    #[serde(default)]
    pub lessons: Vec<String>,
}

#[derive(Debug)]
pub struct ReviewDoc {
    pub id: String,
    pub file: SourceFile,
    pub meta: ReviewMeta,
    /// The Markdown after the front matter (shares the file's text).
    pub body: Part,
}

impl ReviewDoc {
    pub fn date(&self) -> Option<Date> {
        self.meta.date.as_ref().map(|d| d.value)
    }
}
