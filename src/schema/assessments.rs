//! A site's own ids in the account schema: `assessment:` takes one of the
//! frameworks of site.yaml `assessments`, and under `scores:` each takes
//! the dimension ids of its framework, with values on its scale.

use serde_json::{Value, json};

use crate::config::SiteConfig;
use crate::model::assessment::Scoring;

pub(super) fn site_schema(schema: &mut Value, config: &SiteConfig) {
    let Some(item) = schema.pointer_mut("/definitions/Assessment") else {
        return;
    };
    let ids: Vec<&str> = config.assessments.iter().map(|f| f.id.as_str()).collect();
    if let Some(a) = item.pointer_mut("/properties/assessment") {
        a["enum"] = json!(ids);
    }
    let cases: Vec<Value> = config
        .assessments
        .iter()
        .map(|f| {
            let dims: Vec<&str> = f.dimensions.iter().map(|d| d.id.as_str()).collect();
            let value = match f.scoring {
                Scoring::Count => json!({ "enum": [0, 1] }),
                _ => json!({ "type": "number", "minimum": f.scale.min, "maximum": f.scale.max }),
            };
            let properties: serde_json::Map<String, Value> = f
                .dimensions
                .iter()
                .map(|d| {
                    let mut v = value.clone();
                    v["description"] = json!(d.description.clone().unwrap_or_else(|| d.name.clone()));
                    (d.id.clone(), v)
                })
                .collect();
            json!({
                "if": { "properties": { "assessment": { "const": f.id } }, "required": ["assessment"] },
                "then": { "properties": { "scores": {
                    "propertyNames": { "enum": dims },
                    "properties": properties,
                    "additionalProperties": false
                } } }
            })
        })
        .collect();
    if !cases.is_empty() {
        item["allOf"] = json!(cases);
    }
}
