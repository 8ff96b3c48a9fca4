//! Portfolio-matrix scoring: axis scores and quadrants.
//!
//! An axis score is the weighted mean of the account's scores for that axis's
//! factors, with the weights normalised. A factor the account has no score
//! for is left out and the remaining weights are normalised again (validate
//! warns about it). With no score for any factor of an axis, the account has
//! no quadrant ("unscored"). A score at or above the threshold is high: top
//! for the vertical axis, right for the horizontal one.

use crate::source::Spanned;
use indexmap::IndexMap;
use serde::Serialize;

use crate::config::{Axis, Matrix};

/// Where an account sits on the 2x2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum QuadrantPos {
    TopRight,
    TopLeft,
    BottomRight,
    BottomLeft,
}

impl QuadrantPos {
    pub const ALL: [QuadrantPos; 4] = [
        QuadrantPos::TopLeft,
        QuadrantPos::TopRight,
        QuadrantPos::BottomLeft,
        QuadrantPos::BottomRight,
    ];

    pub fn of(vertical_high: bool, horizontal_high: bool) -> QuadrantPos {
        match (vertical_high, horizontal_high) {
            (true, true) => QuadrantPos::TopRight,
            (true, false) => QuadrantPos::TopLeft,
            (false, true) => QuadrantPos::BottomRight,
            (false, false) => QuadrantPos::BottomLeft,
        }
    }

    pub fn pick<T>(self, q: &crate::config::Quadrants<T>) -> &T {
        match self {
            QuadrantPos::TopRight => &q.top_right,
            QuadrantPos::TopLeft => &q.top_left,
            QuadrantPos::BottomRight => &q.bottom_right,
            QuadrantPos::BottomLeft => &q.bottom_left,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QuadrantPos::TopRight => "top_right",
            QuadrantPos::TopLeft => "top_left",
            QuadrantPos::BottomRight => "bottom_right",
            QuadrantPos::BottomLeft => "bottom_left",
        }
    }
}

/// One factor's part in an axis score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FactorScore {
    pub factor: String,
    /// The normalised weight over all of the axis's factors (sums to 1).
    pub weight: f64,
    pub score: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AxisScore {
    pub name: String,
    pub score: Option<f64>,
    pub threshold: f64,
    pub high: Option<bool>,
    pub factors: Vec<FactorScore>,
    /// Factors of the axis the account has no score for.
    pub missing: Vec<String>,
}

/// An account's place in the matrix.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Placement {
    pub vertical: AxisScore,
    pub horizontal: AxisScore,
    /// None when either axis is unscored.
    pub quadrant: Option<QuadrantPos>,
}

pub fn axis_score(axis: &Axis, scores: &IndexMap<String, Spanned<f64>>) -> AxisScore {
    let total: f64 = axis.factors.values().filter(|w| **w > 0.0).sum();
    let mut sum = 0.0;
    let mut used_weight = 0.0;
    let mut factors = Vec::with_capacity(axis.factors.len());
    let mut missing = Vec::new();
    for (factor, &weight) in &axis.factors {
        let weight = weight.max(0.0);
        let score = scores.get(factor).map(|s| s.value);
        match score {
            Some(s) => {
                sum += s * weight;
                used_weight += weight;
            }
            None => missing.push(factor.clone()),
        }
        factors.push(FactorScore {
            factor: factor.clone(),
            weight: if total > 0.0 { weight / total } else { 0.0 },
            score,
        });
    }
    let score = (used_weight > 0.0).then(|| sum / used_weight);
    AxisScore {
        name: axis.name.clone(),
        score: score.map(round4),
        threshold: axis.threshold,
        high: score.map(|s| is_high(s, axis.threshold)),
        factors,
        missing,
    }
}

pub fn place(matrix: &Matrix, scores: &IndexMap<String, Spanned<f64>>) -> Placement {
    let vertical = axis_score(&matrix.vertical, scores);
    let horizontal = axis_score(&matrix.horizontal, scores);
    let quadrant = match (vertical.high, horizontal.high) {
        (Some(v), Some(h)) => Some(QuadrantPos::of(v, h)),
        _ => None,
    };
    Placement {
        vertical,
        horizontal,
        quadrant,
    }
}

/// At or above the threshold is high. The tolerance absorbs float noise
/// (a mean that is 5 on paper may come out as 4.9999999999), nothing more.
pub fn is_high(score: f64, threshold: f64) -> bool {
    score >= threshold - 1e-9
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Preset, preset_matrix};

    fn scores(pairs: &[(&str, f64)]) -> IndexMap<String, Spanned<f64>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Spanned::new(*v, 1, 1)))
            .collect()
    }

    #[test]
    fn weighted_mean_normalises_weights() {
        let m = preset_matrix(Preset::Mcdonald);
        // growth 3, profitability 2, reference_value 1
        let s = scores(&[("growth", 8.0), ("profitability", 6.0), ("reference_value", 9.0)]);
        let a = axis_score(&m.vertical, &s);
        assert_eq!(a.score, Some(7.5)); // (24 + 12 + 9) / 6
        let w: f64 = a.factors.iter().map(|f| f.weight).sum();
        assert!((w - 1.0).abs() < 1e-9);
        assert_eq!(a.factors[0].weight, 0.5);
    }

    #[test]
    fn missing_factor_renormalises_over_present_ones() {
        let m = preset_matrix(Preset::Mcdonald);
        let s = scores(&[("growth", 8.0), ("profitability", 2.0)]);
        let a = axis_score(&m.vertical, &s);
        assert_eq!(a.score, Some(5.6)); // (24 + 4) / 5
        assert_eq!(a.missing, vec!["reference_value".to_string()]);
    }

    #[test]
    fn no_factor_means_unscored() {
        let m = preset_matrix(Preset::Mcdonald);
        let p = place(&m, &scores(&[("growth", 9.0)]));
        assert_eq!(p.vertical.score, Some(9.0));
        assert_eq!(p.horizontal.score, None);
        assert_eq!(p.quadrant, None);
    }

    #[test]
    fn threshold_is_high() {
        let m = preset_matrix(Preset::Mcdonald);
        let at = scores(&[
            ("growth", 5.0),
            ("profitability", 5.0),
            ("reference_value", 5.0),
            ("relationship", 5.0),
            ("price_position", 5.0),
            ("delivery_record", 5.0),
        ]);
        assert_eq!(place(&m, &at).quadrant, Some(QuadrantPos::TopRight));
        // vertical (3*4.99 + 2*5 + 5) / 6 = 4.995: just below, so low.
        let below = scores(&[
            ("growth", 4.99),
            ("profitability", 5.0),
            ("reference_value", 5.0),
            ("relationship", 5.0),
            ("price_position", 5.0),
            ("delivery_record", 5.0),
        ]);
        let p = place(&m, &below);
        assert_eq!(p.vertical.high, Some(false));
        assert_eq!(p.horizontal.high, Some(true));
        assert_eq!(p.quadrant, Some(QuadrantPos::BottomRight));
        // A mean that is the threshold on paper but a hair below in floats stays high.
        assert!(is_high(4.999_999_999_9, 5.0));
        assert!(!is_high(4.9999, 5.0));
    }

    #[test]
    fn presets_name_their_quadrants() {
        let m = preset_matrix(Preset::Mcdonald);
        assert_eq!(QuadrantPos::TopRight.pick(&m.quadrants), "Strategic");
        assert_eq!(QuadrantPos::TopLeft.pick(&m.quadrants), "Star");
        assert_eq!(QuadrantPos::BottomRight.pick(&m.quadrants), "Status");
        assert_eq!(QuadrantPos::BottomLeft.pick(&m.quadrants), "Streamline");
        let k = preset_matrix(Preset::Kaism);
        assert_eq!(QuadrantPos::TopRight.pick(&k.quadrants), "Key account");
        assert_eq!(QuadrantPos::TopLeft.pick(&k.quadrants), "Key development");
        assert_eq!(QuadrantPos::BottomRight.pick(&k.quadrants), "Maintenance");
        assert_eq!(QuadrantPos::BottomLeft.pick(&k.quadrants), "Opportunistic");
        let c = preset_matrix(Preset::Cpm);
        assert_eq!(QuadrantPos::TopLeft.pick(&c.quadrants), "Platinum");
        assert_eq!(QuadrantPos::TopRight.pick(&c.quadrants), "Gold");
        assert_eq!(QuadrantPos::BottomLeft.pick(&c.quadrants), "Silver");
        assert_eq!(QuadrantPos::BottomRight.pick(&c.quadrants), "Bronze");
    }

    #[test]
    fn cpm_low_cost_high_value_is_platinum() {
        let m = preset_matrix(Preset::Cpm);
        let s = scores(&[
            ("profitability", 9.0),
            ("growth", 7.0),
            ("reference_value", 8.0),
            ("cost_to_serve", 3.0),
        ]);
        let p = place(&m, &s);
        assert_eq!(p.quadrant, Some(QuadrantPos::TopLeft));
        assert_eq!(QuadrantPos::TopLeft.pick(&m.quadrants), "Platinum");
        let s = scores(&[
            ("profitability", 2.0),
            ("growth", 3.0),
            ("reference_value", 1.0),
            ("cost_to_serve", 8.0),
        ]);
        assert_eq!(place(&m, &s).quadrant, Some(QuadrantPos::BottomRight)); // Bronze
    }
}
