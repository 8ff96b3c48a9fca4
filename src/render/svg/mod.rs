//! Every chart and drawing the pages show, as SVG text: the charts-rs charts
//! ([`charts`], [`matrix`], and [`assessments`]' radar, trend and distribution), the hand-drawn KPI bars ([`kpi`]) and stakeholder
//! map ([`stakeholders`]), the win/loss charts ([`winloss`]), and the routines they share (escaping text,
//! fitting labels).
//!
//! Owns: how a number becomes a mark. May import the values it draws from
//! `analyze` (and `model`'s enums), and render's number formats
//! (`render::filters`); nothing else of render, no templates, no I/O.

pub mod assessments;
pub mod charts;
mod compact;
mod escape;
mod fit;
pub mod kpi;
pub mod matrix;
pub mod pipeline;
pub mod stakeholders;
mod table;
pub mod winloss;

pub use escape::{escape_into, escape_with_apostrophe, html_escape};
pub use fit::{fit, wrap};
