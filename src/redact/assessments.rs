//! Assessments in the customer build (SPEC 9): only frameworks marked
//! `shared: true`, and of their assessments only the dates and scores,
//! never who assessed (`by`) or why (`comment`). Account health and every
//! framework not shared stay out.

use jiff::civil::Date;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::model::AccountDoc;

/// A shared framework and the account's assessments on it.
#[derive(Debug, Serialize)]
pub struct SharedFramework {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub min: f64,
    pub max: f64,
    /// Dimension names, in the framework's order.
    pub dimensions: Vec<SharedDimension>,
    /// Oldest first.
    pub history: Vec<SharedAssessment>,
}

#[derive(Debug, Serialize)]
pub struct SharedDimension {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct SharedAssessment {
    pub date: Date,
    /// One per dimension, in order; None where not scored.
    pub scores: Vec<Option<f64>>,
    pub overall: Option<f64>,
}

/// The shared frameworks the account has been assessed on.
pub fn shared(config: &SiteConfig, doc: &AccountDoc) -> Vec<SharedFramework> {
    config
        .assessments
        .iter()
        .filter(|fw| fw.shared)
        .filter_map(|fw| {
            let mut history: Vec<SharedAssessment> = doc
                .account
                .assessments
                .iter()
                .filter(|a| a.assessment.value == fw.id)
                .filter_map(|a| {
                    Some(SharedAssessment {
                        date: a.date.as_ref()?.value,
                        scores: fw
                            .dimensions
                            .iter()
                            .map(|d| a.scores.get(&d.id).map(|s| s.value))
                            .collect(),
                        overall: crate::analyze::assessments::overall(fw, a),
                    })
                })
                .collect();
            history.sort_by_key(|a| a.date);
            (!history.is_empty()).then(|| SharedFramework {
                id: fw.id.clone(),
                name: fw.name.clone(),
                description: fw.description.clone(),
                min: fw.scale.min,
                max: fw.scale.max,
                dimensions: fw
                    .dimensions
                    .iter()
                    .map(|d| SharedDimension {
                        id: d.id.clone(),
                        name: d.name.clone(),
                    })
                    .collect(),
                history,
            })
        })
        .collect()
}
