//! Whitespace and account groups (SPEC 10): the offerings and buying units
//! named in site.yaml, the whitespace cells of an account, and the values
//! the contacts' competitor stances take. Internal only: none of it reaches
//! a customer build.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::source::Spanned;

/// site.yaml `offerings` and `buying_units` entries: `{ id, name }`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Offering {
    /// A short id; whitespace cells and opportunities refer to it.
    pub id: String,
    /// The name shown on pages.
    pub name: String,
}

/// A part of the customer's organisation that buys on its own (a division, a country).
pub type BuyingUnit = Offering;

/// Where an offering stands in one buying unit of the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WhitespaceStatus {
    /// The customer buys it from us today.
    Current,
    /// Nobody works on it yet: whitespace.
    Open,
    /// An opportunity is being worked.
    Pursuing,
    /// We tried and lost it.
    Lost,
    /// The customer has no use for it.
    NotApplicable,
}

impl WhitespaceStatus {
    pub const ALL: [WhitespaceStatus; 5] = [
        WhitespaceStatus::Current,
        WhitespaceStatus::Open,
        WhitespaceStatus::Pursuing,
        WhitespaceStatus::Lost,
        WhitespaceStatus::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WhitespaceStatus::Current => "current",
            WhitespaceStatus::Open => "open",
            WhitespaceStatus::Pursuing => "pursuing",
            WhitespaceStatus::Lost => "lost",
            WhitespaceStatus::NotApplicable => "not-applicable",
        }
    }

    /// Open potential counts cells still to win: open and pursuing.
    pub fn is_open(self) -> bool {
        matches!(self, WhitespaceStatus::Open | WhitespaceStatus::Pursuing)
    }
}

/// One cell of an account's whitespace map: an offering in a buying unit.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhitespaceCell {
    /// An id from site.yaml `offerings`.
    #[schemars(with = "String")]
    pub offering: Spanned<String>,
    /// An id from site.yaml `buying_units`; absent: the account as a whole.
    #[schemars(with = "Option<String>")]
    pub buying_unit: Option<Spanned<String>>,
    /// current, open, pursuing, lost or not-applicable.
    pub status: WhitespaceStatus,
    /// What the cell could be worth a year, in the site currency.
    pub potential: Option<f64>,
    /// Free remarks.
    pub note: Option<String>,
}
