//! Value types the files share, as JSON Schemas: dates, fractions, scores
//! and stances.
//!
//! The model reads these values through a wrapper (`Spanned`, jiff dates)
//! and `validate` checks their ranges; these types only describe them
//! (`#[schemars(with = ...)]`), so the schemas editors use flag the same
//! mistakes early.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A calendar date written `YYYY-MM-DD`.
pub struct IsoDate;

impl JsonSchema for IsoDate {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A date written YYYY-MM-DD, e.g. 2026-03-31."
        })
    }
}

/// A fraction from 0 to 1 (0.4 is 40 %).
pub struct Fraction;

impl JsonSchema for Fraction {
    fn schema_name() -> Cow<'static, str> {
        "Fraction".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "A fraction from 0 to 1: 0.4 means 40 %."
        })
    }
}

/// A factor score from 0 to 10.
pub struct Score;

impl JsonSchema for Score {
    fn schema_name() -> Cow<'static, str> {
        "Score".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "minimum": 0,
            "maximum": 10,
            "description": "A factor score from 0 (poor) to 10 (excellent)."
        })
    }
}

/// A contact's stance, -3 blocker to +3 advocate.
pub struct Stance;

impl JsonSchema for Stance {
    fn schema_name() -> Cow<'static, str> {
        "Stance".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": -3,
            "maximum": 3,
            "description": "Stance towards us: -3 blocker, -2 critic, -1 sceptic, 0 neutral, +1 supporter, +2 partner, +3 advocate."
        })
    }
}
