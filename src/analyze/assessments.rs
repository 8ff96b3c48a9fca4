//! Assessments (SPEC 9, docs/assessments.md): each account's dated scores
//! per framework, with the overall score of each assessment, the latest and
//! previous, the change between them, and whether the next one is due; and
//! the portfolio view of `/assessments/`.
//!
//! The overall score of one assessment:
//! - trust equation: (credibility + reliability + intimacy) / self_orientation,
//!   none unless all four are scored;
//! - checklist (selection criteria): the number of criteria met (score 1);
//! - otherwise the mean of the dimensions scored (none when none is).

use jiff::civil::Date;
use serde::Serialize;

use super::{AccountView, days_between, is_older_than};
use crate::config::SiteConfig;
use crate::model::AccountDoc;
use crate::model::assessment::{Assessment, Framework, Scoring};

/// One dimension's score in one assessment, in the framework's order.
#[derive(Debug, Serialize, Clone)]
pub struct DimensionScore<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// None when the assessment does not score it.
    pub score: Option<f64>,
}

/// One dated assessment of an account.
#[derive(Debug, Serialize, Clone)]
pub struct AssessmentView<'a> {
    pub date: Option<Date>,
    pub by: Option<&'a str>,
    pub comment: Option<&'a str>,
    /// Every dimension of the framework, in its order.
    pub scores: Vec<DimensionScore<'a>>,
    pub overall: Option<f64>,
}

/// An account's assessments on one framework.
#[derive(Debug, Serialize)]
pub struct Track<'a> {
    pub framework: &'a Framework,
    /// Oldest first; undated assessments left out.
    pub history: Vec<AssessmentView<'a>>,
    /// The newest assessment and the one before it.
    pub latest: Option<AssessmentView<'a>>,
    pub previous: Option<AssessmentView<'a>>,
    /// latest.overall - previous.overall, when both have one.
    pub change: Option<f64>,
    /// Days since the latest assessment.
    pub days_since: Option<i64>,
    /// The latest is older than the framework's `stale_after_days`.
    pub stale: bool,
    /// The latest overall score mapped to 0..1 (see [`normalized`]).
    pub normalized: Option<f64>,
}

/// The overall score of one assessment on `fw`.
pub fn overall(fw: &Framework, a: &Assessment) -> Option<f64> {
    let score = |id: &str| a.scores.get(id).map(|s| s.value);
    match fw.scoring {
        Scoring::TrustEquation => {
            let (c, r, i, s) = (
                score("credibility")?,
                score("reliability")?,
                score("intimacy")?,
                score("self_orientation")?,
            );
            (s > 0.0).then(|| (c + r + i) / s)
        }
        Scoring::Count => Some(
            fw.dimensions
                .iter()
                .filter(|d| score(&d.id).is_some_and(|v| v >= 1.0))
                .count() as f64,
        ),
        Scoring::Mean => {
            let values: Vec<f64> = fw.dimensions.iter().filter_map(|d| score(&d.id)).collect();
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
        }
    }
}

/// An overall score mapped to 0..1, for health and the distribution:
/// (score - min) / (max - min) on the framework's scale; the checklist's
/// count / 8; the trust equation on a log scale, ln(T / 0.3) / ln(100), so
/// that T = 3 (all four dimensions equal) is 0.5, 0.3 is 0 and 30 is 1.
pub fn normalized(fw: &Framework, overall: f64) -> f64 {
    let (lo, hi) = fw.overall_range();
    let v = match fw.scoring {
        Scoring::TrustEquation if lo > 0.0 => (overall / lo).ln() / (hi / lo).ln(),
        _ if hi > lo => (overall - lo) / (hi - lo),
        _ => 0.0,
    };
    v.clamp(0.0, 1.0)
}

/// The account's assessments, one track per framework of site.yaml, in its order.
pub fn tracks<'a>(cfg: &'a SiteConfig, doc: &'a AccountDoc, today: Date) -> Vec<Track<'a>> {
    if cfg.assessments.is_empty() {
        return Vec::new();
    }
    cfg.assessments
        .iter()
        .map(|fw| {
            let mut history: Vec<AssessmentView> = doc
                .account
                .assessments
                .iter()
                .filter(|a| a.assessment.value == fw.id && a.date.is_some())
                .map(|a| AssessmentView {
                    date: a.date.as_ref().map(|d| d.value),
                    by: a.by.as_deref(),
                    comment: a.comment.as_deref(),
                    scores: fw
                        .dimensions
                        .iter()
                        .map(|d| DimensionScore {
                            id: &d.id,
                            name: &d.name,
                            score: a.scores.get(&d.id).map(|s| s.value),
                        })
                        .collect(),
                    overall: overall(fw, a),
                })
                .collect();
            // Stable: two on one date (an error `check` reports) keep file order.
            history.sort_by_key(|a| a.date);
            let latest = history.last().cloned();
            let previous = history.len().checked_sub(2).map(|i| history[i].clone());
            let change = match (&latest, &previous) {
                (Some(l), Some(p)) => l.overall.zip(p.overall).map(|(l, p)| l - p),
                _ => None,
            };
            let last_date = latest.as_ref().and_then(|l| l.date);
            Track {
                framework: fw,
                days_since: last_date.map(|d| days_between(d, today)),
                stale: last_date.is_some_and(|d| is_older_than(d, today, fw.stale_after_days)),
                normalized: latest.as_ref().and_then(|l| l.overall).map(|o| normalized(fw, o)),
                history,
                latest,
                previous,
                change,
            }
        })
        .collect()
}

/// One cell of the `/assessments/` table: an account's latest on a framework.
#[derive(Debug, Serialize)]
pub struct Cell {
    pub overall: Option<f64>,
    pub change: Option<f64>,
    pub date: Option<Date>,
    pub stale: bool,
}

/// One row of the `/assessments/` table.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    /// Index into the portfolio's accounts.
    pub account: usize,
    pub slug: &'a str,
    pub name: &'a str,
    /// One per framework, in site.yaml order.
    pub cells: Vec<Cell>,
}

/// The latest overall scores of one framework across the portfolio.
#[derive(Debug, Serialize)]
pub struct Distribution<'a> {
    pub framework: &'a Framework,
    /// Accounts with a latest overall score.
    pub assessed: usize,
    /// Accounts never assessed on it.
    pub not_assessed: usize,
    /// Accounts whose latest is older than its `stale_after_days`.
    pub stale: usize,
    pub mean: Option<f64>,
    /// Counts per bin, low to high, with the bins' labels.
    pub bins: Vec<Bin>,
}

#[derive(Debug, Serialize)]
pub struct Bin {
    pub label: String,
    /// Lower bound of the bin (included); the last bin includes its upper bound too.
    pub from: f64,
    pub to: f64,
    pub count: usize,
}

/// `/assessments/`: the table and a distribution per framework; and the
/// portfolio's health for the dashboard.
#[derive(Debug, Serialize, Default)]
pub struct AssessmentPortfolio<'a> {
    /// Accounts with at least one assessment, or due one, in slug order.
    pub rows: Vec<Row<'a>>,
    pub distributions: Vec<Distribution<'a>>,
    /// None without site.yaml `health:`.
    pub health: Option<HealthSummary>,
}

/// Health across the active accounts that have a health score.
#[derive(Debug, Serialize)]
pub struct HealthSummary {
    pub accounts: usize,
    pub mean: Option<f64>,
    /// The lowest, lowest first (then by slug): indexes into the
    /// portfolio's accounts, at most [`HEALTH_LOWEST_SHOWN`].
    pub lowest: Vec<usize>,
}

/// Accounts the dashboard lists as the least healthy.
pub const HEALTH_LOWEST_SHOWN: usize = 5;

fn health_summary(cfg: &SiteConfig, accounts: &[AccountView]) -> Option<HealthSummary> {
    cfg.health.as_ref()?;
    let mut scored: Vec<(f64, usize)> = accounts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.status == crate::model::Status::Active)
        .filter_map(|(i, a)| Some((a.health.as_ref()?.score, i)))
        .collect();
    let n = scored.len();
    let mean = (n > 0).then(|| scored.iter().map(|s| s.0).sum::<f64>() / n as f64);
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    Some(HealthSummary {
        accounts: n,
        mean,
        lowest: scored.iter().take(HEALTH_LOWEST_SHOWN).map(|s| s.1).collect(),
    })
}

/// The bins of a framework's overall scores: one per whole count for the
/// checklist, five equal bins of the range otherwise (the trust equation's
/// from 0 to 6, with the last open-ended).
fn bin_edges(fw: &Framework) -> Vec<(f64, f64, String)> {
    match fw.scoring {
        Scoring::Count => (0..=fw.dimensions.len())
            .map(|n| (n as f64, n as f64, n.to_string()))
            .collect(),
        Scoring::TrustEquation => {
            let mut v: Vec<(f64, f64, String)> = [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 4.0), (4.0, 6.0)]
                .iter()
                .map(|&(a, b)| (a, b, format!("{a}–{b}")))
                .collect();
            v.push((6.0, f64::INFINITY, "6+".into()));
            v
        }
        Scoring::Mean => {
            let (lo, hi) = (fw.scale.min, fw.scale.max);
            let step = (hi - lo) / 5.0;
            (0..5)
                .map(|i| {
                    let a = lo + step * i as f64;
                    let b = lo + step * (i + 1) as f64;
                    (a, b, format!("{}–{}", round1(a), round1(b)))
                })
                .collect()
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Which bin `v` falls in: [from, to), the last bin closed.
fn bin_of(edges: &[(f64, f64, String)], v: f64) -> Option<usize> {
    let last = edges.len().checked_sub(1)?;
    edges
        .iter()
        .position(|(a, b, _)| (v >= *a && v < *b) || (a == b && v == *a))
        .or_else(|| (v >= edges[last].0 && v <= edges[last].1).then_some(last))
}

pub fn portfolio<'a>(cfg: &'a SiteConfig, accounts: &[AccountView<'a>]) -> AssessmentPortfolio<'a> {
    let health = health_summary(cfg, accounts);
    if cfg.assessments.is_empty() {
        return AssessmentPortfolio {
            health,
            ..AssessmentPortfolio::default()
        };
    }
    let rows = accounts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.assessments.iter().any(|t| t.latest.is_some()) || due(a))
        .map(|(i, a)| Row {
            account: i,
            slug: a.slug,
            name: a.name,
            cells: a
                .assessments
                .iter()
                .map(|t| Cell {
                    overall: t.latest.as_ref().and_then(|l| l.overall),
                    change: t.change,
                    date: t.latest.as_ref().and_then(|l| l.date),
                    stale: t.stale,
                })
                .collect(),
        })
        .collect();
    let distributions = cfg
        .assessments
        .iter()
        .enumerate()
        .map(|(k, fw)| {
            let edges = bin_edges(fw);
            let mut counts = vec![0usize; edges.len()];
            let (mut assessed, mut not_assessed, mut stale, mut sum) = (0, 0, 0, 0.0);
            for t in accounts.iter().filter_map(|a| a.assessments.get(k)) {
                match t.latest.as_ref().and_then(|l| l.overall) {
                    Some(v) => {
                        assessed += 1;
                        sum += v;
                        if let Some(b) = bin_of(&edges, v) {
                            counts[b] += 1;
                        }
                    }
                    None if t.latest.is_none() => not_assessed += 1,
                    None => {}
                }
                stale += usize::from(t.stale);
            }
            Distribution {
                framework: fw,
                assessed,
                not_assessed,
                stale,
                mean: (assessed > 0).then(|| sum / assessed as f64),
                bins: edges
                    .into_iter()
                    .zip(counts)
                    .map(|((from, to, label), count)| Bin { label, from, to, count })
                    .collect(),
            }
        })
        .collect();
    AssessmentPortfolio {
        rows,
        distributions,
        health,
    }
}

fn due(a: &AccountView) -> bool {
    a.attention
        .iter()
        .any(|i| i.kind == super::AttentionKind::AssessmentDue)
}

/// The `assessment_due` reasons of one account: a latest assessment older
/// than the framework's `stale_after_days`, or none at all for an active
/// account in a key tier. Former accounts are never due.
pub fn due_reasons(v: &AccountView) -> Vec<String> {
    if v.status == crate::model::Status::Former {
        return Vec::new();
    }
    let mut out = Vec::new();
    for t in &v.assessments {
        let fw = t.framework;
        match t.latest.as_ref().and_then(|l| l.date) {
            None if v.is_key && v.status == crate::model::Status::Active => {
                out.push(format!("Key account never assessed on {}", fw.name))
            }
            Some(d) if t.stale => out.push(format!(
                "Latest {} assessment is from {d}, {} days ago (limit {})",
                fw.name,
                t.days_since.unwrap_or(0),
                fw.stale_after_days
            )),
            _ => {}
        }
    }
    out
}
