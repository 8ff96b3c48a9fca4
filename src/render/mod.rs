//! Render: a typed model to pages and files, through Tera templates.
//!
//! Each output is a [`Renderer`] of one model, the way mdBook's renderers
//! each take a `Book`: the internal portal ([`Portal`]) and the data files
//! ([`DataFiles`]) render the analysed [`Portfolio`]; the customer site
//! ([`CustomerPages`]) renders the redacted [`CustomerSite`]. The
//! [`Engine`] holds the theme's templates, assembled once at load.
//!
//! Owns: page contexts (`portal/`, `customer.rs`), page chrome (`page.rs`),
//! charts (`svg/`), the search index, the data files, the memory and order
//! plan of a render (`cache.rs`, `schedule.rs`), and the record of which
//! document's HTML sits where on each page (`origins.rs`, kept by the
//! [`Engine`] and handed back by [`internal_to`] for the link report). May
//! import `analyze` and `redact` (the models), `load::theme::Theme` (the
//! templates, as a value), `config`, `source` and `model::origins` (shared
//! values), and `write`'s `Sink`; never `load`'s readers, `validate` or the
//! pipeline.

mod cache;
mod customer;
mod data;
mod engine;
mod filters;
mod indent;
mod links;
pub mod markdown;
pub mod origins;
pub mod page;
mod portal;
mod schedule;
pub mod search;
pub mod svg;

use std::collections::HashSet;

use crate::analyze::Portfolio;
use crate::diag::Diagnostics;
use crate::model::origins::Origins;
use crate::redact::CustomerSite;
use crate::write::{Collect, OutputFile, Sink};

pub use cache::Cache;
pub use customer::CustomerPages;
pub use data::{CsvError, DataFiles};
pub use engine::{Engine, LIVE_RELOAD_SNIPPET, Page};
pub use page::{SiteInfo, root_prefix};
pub use portal::{Portal, matrix_chart, page_folders};

/// Output made from one typed model: the way mdBook's renderers each take a
/// `Book` (mdbook-renderer's `Renderer`). Each implementation reads its
/// model and nothing else, and puts every file it makes into the sink.
pub trait Renderer {
    /// What it renders.
    type Model<'m>;

    /// What it makes, for messages and timings.
    fn name(&self) -> &'static str;

    /// Render `model` into `sink`; every problem found, each template bug once.
    fn render(&mut self, model: &Self::Model<'_>, sink: &dyn Sink) -> Result<(), Diagnostics>;
}

/// Render the internal portal into `sink`; where the Markdown on its pages came from.
pub fn internal_to(
    engine: &Engine,
    portfolio: &Portfolio,
    sink: &dyn Sink,
    cache: &mut Cache,
) -> Result<Origins, Diagnostics> {
    let rendered = Portal {
        engine,
        cache,
        only: None,
    }
    .render(portfolio, sink);
    // Taken even when it failed: the engine's next render starts empty.
    let origins = engine.origins.take();
    rendered.map(|()| origins)
}

/// Render the aggregate pages and the pages of the accounts in `only` (serve's incremental rebuild).
pub fn internal_subset(
    engine: &Engine,
    portfolio: &Portfolio,
    sink: &dyn Sink,
    only: &HashSet<String>,
    cache: &mut Cache,
) -> Result<(), Diagnostics> {
    let rendered = Portal {
        engine,
        cache,
        only: Some(only),
    }
    .render(portfolio, sink);
    // A rebuild checks no links: what it recorded is let go.
    drop(engine.origins.take());
    rendered
}

/// Render the internal portal into memory, sorted by path, with where the
/// Markdown on its pages came from.
pub fn internal(engine: &Engine, portfolio: &Portfolio) -> Result<(Vec<OutputFile>, Origins), Diagnostics> {
    let sink = Collect::default();
    let origins = internal_to(engine, portfolio, &sink, &mut Cache::default())?;
    Ok((sink.into_files(), origins))
}

/// Render one customer's site from its redacted view into memory, sorted by path.
pub fn customer(engine: &Engine, view: &CustomerSite) -> Result<Vec<OutputFile>, Diagnostics> {
    let sink = Collect::default();
    CustomerPages { engine }.render(view, &sink)?;
    Ok(sink.into_files())
}

/// The file that tells crawlers what not to fetch, at the site's root.
pub const ROBOTS_TXT: &str = "robots.txt";

/// `robots.txt` of a site no search engine should index: the internal
/// portal (unless site.yaml says `noindex: false`) and every customer site.
pub const DISALLOW_ALL: &str = "# kamsite: this site is private; do not index it.\nUser-agent: *\nDisallow: /\n";
