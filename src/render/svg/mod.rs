//! Shared routines of the hand-written SVG: escaping text and fitting labels.
//! Imports nothing from the crate.

mod escape;
mod fit;

pub use escape::{escape_into, escape_with_apostrophe, html_escape};
pub use fit::{fit, wrap};
