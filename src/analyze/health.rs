//! Account health (docs/assessments.md, "Health"): one 0-100 score per
//! account from signals the site already has, weighted as site.yaml
//! `health:` says.
//!
//! Each signal is a value from 0 to 1 (below), or has no data for the
//! account. With w the weights of the signals that have data and W their
//! sum, a signal is worth 100 * w / W points, earns that times its value and
//! costs the rest: health = the sum of the points earned. A signal without
//! data counts neither way. No `health:`, or no weighted signal with data:
//! no health score.
//!
//! The signals, with N = site.yaml `stale_after_days`:
//! - `note_freshness`: 1 while the newest note is at most N days old, then
//!   falling linearly to 0 at 2N days; 0 without notes.
//! - `contact_freshness`: the share of contacts spoken with within N days
//!   (`last_contact`); no data without contacts.
//! - `dmu_coverage`: a third each for a decision-maker, a champion (contact
//!   roles) and an executive sponsor (`sponsor:`) named.
//! - `decision_maker_stance`: (s + 3) / 6 for s the mean stance of the
//!   decision-makers with a stance; no data without one.
//! - `kpi_progress`: the mean progress of the account's KPIs with baseline,
//!   current and target (0 at baseline, 1 at target, clamped); no data without.
//! - `plan_status`: the newest joint business plan: 1 when agreed, 0.5 as a
//!   draft, times the share of its initiatives not at risk; no data without a plan.
//! - `win_rate`: won / (won + lost) of the account's reviews (drafts left
//!   out); no data without a won or lost review.
//! - `assessments.<framework>`: the latest overall score of that framework,
//!   normalised to 0..1 (see `assessments::normalized`); no data when never assessed.

use serde::Serialize;

/// A health score's band, as pages colour it: `good` from 70, `fair` from
/// 40, `poor` below.
pub fn band(score: f64) -> &'static str {
    if score >= 70.0 {
        "good"
    } else if score >= 40.0 {
        "fair"
    } else {
        "poor"
    }
}

use super::AccountView;
use super::assessments::Track;
use crate::config::SiteConfig;
use crate::model::{AccountDoc, InitiativeStatus, Outcome, PlanStatus, Role};

/// An account's health and what each signal contributes.
#[derive(Debug, Serialize)]
pub struct Health {
    /// 0-100, rounded to one decimal.
    pub score: f64,
    /// Every weighted signal, in the order of site.yaml's keys above.
    pub signals: Vec<Signal>,
}

#[derive(Debug, Serialize)]
pub struct Signal {
    /// `note_freshness`, ..., or `assessments.<framework id>`.
    pub id: String,
    pub label: String,
    pub weight: f64,
    /// 0..1; None: no data, not counted.
    pub value: Option<f64>,
    /// Points the signal is worth (0 without data).
    pub max_points: f64,
    /// Points earned: max_points * value.
    pub points: f64,
    /// Points it costs: max_points - points.
    pub lost: f64,
    /// What the value was worked out from, in words.
    pub detail: String,
}

/// The health of one account, or None without `health:` in site.yaml.
pub fn of(cfg: &SiteConfig, doc: &AccountDoc, v: &AccountView, tracks: &[Track]) -> Option<Health> {
    let h = cfg.health.as_ref()?;
    let n = f64::from(cfg.stale_after_days.max(1));
    let mut raw: Vec<(String, String, f64, Option<f64>, String)> = Vec::new();
    let mut add = |id: &str, label: &str, w: Option<f64>, value: Option<f64>, detail: String| {
        if let Some(w) = w.filter(|w| *w > 0.0) {
            raw.push((id.into(), label.into(), w, value, detail));
        }
    };

    let (value, detail) = match v.days_since_note {
        None => (Some(0.0), "no notes".to_string()),
        Some(d) => {
            let d = d.max(0) as f64;
            let value = if d <= n { 1.0 } else { (1.0 - (d - n) / n).max(0.0) };
            (Some(value), format!("newest note {d} days old"))
        }
    };
    add("note_freshness", "Note freshness", h.note_freshness, value, detail);

    let fresh = v.contacts.iter().filter(|c| !c.stale).count();
    let total = v.contacts.len();
    add(
        "contact_freshness",
        "Contact freshness",
        h.contact_freshness,
        (total > 0).then(|| fresh as f64 / total as f64),
        format!("{fresh} of {total} contacts spoken with within {n} days"),
    );

    let has = |r: Role| v.contacts.iter().any(|c| c.role() == Some(r));
    let sponsor = v.sponsor.is_some_and(|s| !s.trim().is_empty());
    let named: Vec<&str> = [
        (has(Role::DecisionMaker), "decision-maker"),
        (has(Role::Champion), "champion"),
        (sponsor, "sponsor"),
    ]
    .iter()
    .filter(|(yes, _)| *yes)
    .map(|(_, w)| *w)
    .collect();
    add(
        "dmu_coverage",
        "DMU coverage",
        h.dmu_coverage,
        Some(named.len() as f64 / 3.0),
        if named.is_empty() {
            "no decision-maker, champion or sponsor named".into()
        } else {
            format!("{} named", named.join(", "))
        },
    );

    let stances: Vec<f64> = v
        .contacts
        .iter()
        .filter(|c| c.role() == Some(Role::DecisionMaker))
        .filter_map(|c| c.stance())
        .map(|s| s as f64)
        .collect();
    let mean = (!stances.is_empty()).then(|| stances.iter().sum::<f64>() / stances.len() as f64);
    add(
        "decision_maker_stance",
        "Decision-makers' stance",
        h.decision_maker_stance,
        mean.map(|s| ((s + 3.0) / 6.0).clamp(0.0, 1.0)),
        match mean {
            Some(m) => format!("mean stance {:+.1} of {} decision-maker(s)", m, stances.len()),
            None => "no decision-maker with a stance".into(),
        },
    );

    let progress: Vec<f64> = v.kpis.iter().filter_map(|k| k.progress).collect();
    add(
        "kpi_progress",
        "KPI progress",
        h.kpi_progress,
        (!progress.is_empty()).then(|| progress.iter().sum::<f64>() / progress.len() as f64),
        format!("{} KPI(s) with baseline, current and target", progress.len()),
    );

    let plan = doc.plans.last();
    let plan_value = plan.map(|p| {
        let base = if p.plan.status == PlanStatus::Agreed { 1.0 } else { 0.5 };
        let all = p.plan.initiatives.len();
        let at_risk = p
            .plan
            .initiatives
            .iter()
            .filter(|i| i.status == InitiativeStatus::AtRisk)
            .count();
        let ok = if all == 0 {
            1.0
        } else {
            1.0 - at_risk as f64 / all as f64
        };
        (base * ok, at_risk, all)
    });
    add(
        "plan_status",
        "Plan status",
        h.plan_status,
        plan_value.map(|p| p.0),
        match (plan, plan_value) {
            (Some(p), Some((_, at_risk, all))) => format!(
                "plan {} {}, {at_risk} of {all} initiatives at risk",
                p.period(),
                if p.plan.status == PlanStatus::Agreed {
                    "agreed"
                } else {
                    "draft"
                }
            ),
            _ => "no joint business plan".into(),
        },
    );

    let (mut won, mut lost) = (0usize, 0usize);
    for r in doc.reviews.iter().filter(|r| !r.meta.draft) {
        match r.meta.outcome.as_ref().map(|o| o.value) {
            Some(Outcome::Won) => won += 1,
            Some(Outcome::Lost) => lost += 1,
            _ => {}
        }
    }
    add(
        "win_rate",
        "Win rate",
        h.win_rate,
        (won + lost > 0).then(|| won as f64 / (won + lost) as f64),
        format!("{won} won, {lost} lost"),
    );

    for (id, w) in &h.assessments {
        let Some(t) = tracks.iter().find(|t| t.framework.id == *id) else {
            continue;
        };
        let latest = t.latest.as_ref().and_then(|l| l.overall);
        add(
            &format!("assessments.{id}"),
            &t.framework.name,
            Some(w.value),
            t.normalized,
            match (latest, t.latest.as_ref().and_then(|l| l.date)) {
                (Some(o), Some(d)) => format!("latest overall {} on {d}", (o * 100.0).round() / 100.0),
                _ => "not assessed".into(),
            },
        );
    }

    // Weights relative to the largest, so that huge weights (1e308 is a
    // finite number) cannot overflow the sum into inf and the points into NaN.
    let largest = raw.iter().map(|s| s.2).fold(0.0, f64::max);
    if !(largest > 0.0 && largest.is_finite()) {
        return None;
    }
    let total_weight: f64 = raw.iter().filter(|s| s.3.is_some()).map(|s| s.2 / largest).sum();
    if total_weight <= 0.0 {
        return None;
    }
    let signals: Vec<Signal> = raw
        .into_iter()
        .map(|(id, label, weight, value, detail)| {
            let max_points = if value.is_some() {
                100.0 * (weight / largest) / total_weight
            } else {
                0.0
            };
            let points = max_points * value.unwrap_or(0.0);
            Signal {
                id,
                label,
                weight,
                value,
                max_points,
                points,
                lost: max_points - points,
                detail,
            }
        })
        .collect();
    let score: f64 = signals.iter().map(|s| s.points).sum();
    Some(Health {
        score: (score * 10.0).round() / 10.0,
        signals,
    })
}

#[cfg(test)]
mod tests {
    use super::band;

    #[test]
    fn bands_start_at_70_and_40() {
        let got: Vec<&str> = [100.0, 70.0, 69.9, 40.0, 39.9, 0.0].into_iter().map(band).collect();
        assert_eq!(got, ["good", "good", "fair", "fair", "poor", "poor"]);
    }
}
