//! The typed model of a site's content: what the files say, nothing derived.
//!
//! These types are deserialized straight from YAML; every field is named as
//! in SPEC.md and DOMAIN.md. Fields that later checks must point at carry a
//! source position (`Spanned`). Everything computed (quadrants, win rates,
//! staleness) lives in `analyze`, never here.
//!
//! One file per document: `account.rs` (account.yaml), `documents.rs` (notes
//! and reviews), `plan.rs` (plans), [`config`] (site.yaml, with the built-in
//! KAM frameworks in `frameworks`); [`values`] holds the value types the
//! files share, [`slug`] the slug rules. The model is the ground floor: it
//! imports only [`crate::source`], never a stage.

mod account;
pub mod assessment;
pub mod config;
mod documents;
mod frameworks;
pub mod names;
pub mod origins;
mod plan;
pub mod presets;
pub mod slug;
pub mod values;
pub mod whitespace;

use crate::source::HeldFile;
pub use crate::source::Spanned;
pub use account::{Account, Contact, Financial, Kpi, Opportunity, Role, Status, Swot, TeamMember};
pub use documents::{NoteDoc, NoteKind, NoteMeta, Outcome, ReviewDoc, ReviewMeta, Visibility};
pub use plan::{Governance, Initiative, InitiativeStatus, PeerPair, Plan, PlanDoc, PlanItem, PlanKpi, PlanStatus};
pub use whitespace::{BuyingUnit, Offering, WhitespaceCell, WhitespaceStatus};

/// A loaded site: configuration plus every account with its documents.
#[derive(Debug)]
pub struct Site {
    pub config: config::SiteConfig,
    /// site.yaml as read, when it was read and parsed (`validate` checks it).
    pub config_file: Option<config::ConfigFile>,
    /// Sorted by slug.
    pub accounts: Vec<AccountDoc>,
}

/// One account folder: account.yaml and the documents beside it.
#[derive(Debug)]
pub struct AccountDoc {
    pub slug: String,
    /// account.yaml. Its text is released once a build has validated the
    /// site: nothing after validation reads it (about 2 KB per account).
    pub file: HeldFile,
    pub account: Account,
    /// Newest first.
    pub notes: Vec<NoteDoc>,
    /// Newest first.
    pub reviews: Vec<ReviewDoc>,
    /// Oldest period first.
    pub plans: Vec<PlanDoc>,
}
