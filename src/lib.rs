//! kamsite: compile a key-account portfolio kept in git into a static site.
//!
//! One pipeline, one direction:
//!
//! ```text
//! load -> validate -> analyze -> redact(audience) -> render -> write
//! ```
//!
//! [`load`] reads files into the typed [`model`]; [`validate`] reports every
//! problem as a [`diag::Diagnostic`]; [`analyze`] computes the business
//! numbers; [`redact`] cuts the data down to what an audience may see;
//! [`render`] turns it into pages with Tera; [`write`](mod@write) swaps the result into
//! place atomically. [`pipeline`] is the one place these are called in
//! order; this file only declares the modules and re-exports the pipeline's
//! entry points. The library never prints or exits.

// Diagnostics travel in `Result::Err` on the cold path only; boxing them
// would add noise at every `?` for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod allocator;
pub mod analyze;
pub mod chromium;
pub use model::config;
pub mod diag;
pub mod history;
pub mod import;
pub mod linkcheck;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod redact;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod source;
pub mod validate;
pub mod write;

pub use pipeline::{
    Audience, BuildError, BuildOptions, BuildSummary, Notices, Progress, Workspace, build, build_keeping_site,
    build_then_exit, check, rebuild_accounts, today,
};
pub use pipeline::{customer, pdf};
