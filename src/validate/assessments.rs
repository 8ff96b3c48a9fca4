//! Checks on assessments (SPEC 9): the frameworks of site.yaml
//! `assessments:` and `health:`, and the dated assessments of account.yaml.

use std::collections::HashSet;

use super::{WHOLE_FILE, at, find_pos, unknown_id};
use crate::config::{RawConfig, SiteConfig};
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::model::Account;
use crate::model::assessment::{Framework, Scoring};
use crate::source::SourceFile;

/// site.yaml: unique framework ids, a preset's fixed parts left alone, a
/// framework of the site's own with dimensions and a sound scale, and
/// health weights that name frameworks and are not negative.
pub(super) fn config(file: &SourceFile, raw: &RawConfig, diags: &mut Diagnostics) {
    let w = WHOLE_FILE;
    let mut seen = HashSet::new();
    for f in raw.assessments.iter().flatten() {
        let id = &f.id.value;
        if !seen.insert(id.as_str()) {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    file,
                    at(&f.id, w),
                    format!("assessment framework id `{id}` is defined twice"),
                )
                .help("give every framework under `assessments:` a unique id"),
            );
        }
        if let Some(p) = &f.preset {
            for (what, pos) in [
                ("dimensions", f.dimensions.as_ref().map(|d| at(d, w))),
                ("scale", f.scale.as_ref().map(|s| at(s, w))),
            ] {
                if let Some(pos) = pos {
                    diags.push(
                        Diagnostic::error(
                            "preset-fixed",
                            file,
                            pos,
                            format!("framework `{id}` uses the preset `{}`, whose {what} are fixed", p.value.as_str()),
                        )
                        .help(format!(
                            "remove `{what}:`, or remove `preset:` and give the framework a `name`, `scale` and `dimensions` of its own"
                        )),
                    );
                }
            }
            continue;
        }
        match &f.dimensions {
            None => diags.push(
                Diagnostic::error(
                    "missing-key",
                    file,
                    at(&f.id, w),
                    format!("framework `{id}` has neither a `preset` nor `dimensions`"),
                )
                .help(format!(
                    "use a preset (`preset: {}`) or list what is scored: `dimensions: [{{ id: satisfaction, name: Satisfaction }}]`",
                    crate::model::assessment::FrameworkPreset::ALL
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(" | ")
                )),
            ),
            Some(d) if d.value.is_empty() => diags.push(
                Diagnostic::error(
                    "missing-key",
                    file,
                    at(d, w),
                    format!("framework `{id}` has no dimensions"),
                )
                .help("list at least one `{ id, name }` under `dimensions:`"),
            ),
            Some(d) => {
                let mut ids = HashSet::new();
                for dim in &d.value {
                    if !ids.insert(dim.id.as_str()) {
                        diags.push(
                            Diagnostic::error(
                                "duplicate-id",
                                file,
                                find_pos(file, &format!("id: {}", dim.id)),
                                format!("dimension id `{}` of framework `{id}` is defined twice", dim.id),
                            )
                            .help("give every dimension of a framework a unique id"),
                        );
                    }
                }
            }
        }
        if let Some(s) = &f.scale
            && !(s.value.min.is_finite() && s.value.max.is_finite() && s.value.min < s.value.max)
        {
            diags.push(
                Diagnostic::error(
                    "invalid-scale",
                    file,
                    at(s, w),
                    format!(
                        "scale of framework `{id}` runs from {} to {}: the minimum must be below the maximum",
                        s.value.min, s.value.max
                    ),
                )
                .help("write the scale as `{ min: 1, max: 7 }`"),
            );
        }
    }
    if let Some(h) = &raw.health {
        let fixed = [
            ("note_freshness", h.note_freshness),
            ("contact_freshness", h.contact_freshness),
            ("dmu_coverage", h.dmu_coverage),
            ("decision_maker_stance", h.decision_maker_stance),
            ("kpi_progress", h.kpi_progress),
            ("plan_status", h.plan_status),
            ("win_rate", h.win_rate),
        ];
        for (key, weight) in fixed {
            if let Some(v) = weight.filter(|v| *v < 0.0 || !v.is_finite()) {
                diags.push(negative_weight(file, find_pos(file, key), key, v));
            }
        }
        let ids: Vec<&str> = raw.assessments.iter().flatten().map(|f| f.id.value.as_str()).collect();
        for (id, weight) in &h.assessments {
            if !ids.contains(&id.as_str()) {
                diags.push(unknown_id(
                    file,
                    at(weight, w),
                    "assessment framework",
                    id,
                    &ids,
                    "site.yaml `assessments`",
                ));
            }
            if weight.value < 0.0 || !weight.value.is_finite() {
                diags.push(negative_weight(file, at(weight, w), id, weight.value));
            }
        }
    }
}

fn negative_weight(file: &SourceFile, pos: crate::source::Pos, key: &str, v: f64) -> Diagnostic {
    Diagnostic::error(
        "out-of-range",
        file,
        pos,
        format!("health weight {v} for `{key}` is negative"),
    )
    .help("weights are relative importances: use 0 or a positive number")
}

/// account.yaml `assessments:`: a known framework, a date, known
/// dimensions, scores on the framework's scale; one per framework and date.
pub(super) fn account(cfg: &SiteConfig, f: &SourceFile, a: &Account, diags: &mut Diagnostics) {
    let w = WHOLE_FILE;
    let framework_ids: Vec<&str> = cfg.assessments.iter().map(|x| x.id.as_str()).collect();
    let mut seen = HashSet::new();
    for item in &a.assessments {
        let id = &item.assessment.value;
        let Some(fw) = cfg.framework(id) else {
            diags.push(unknown_id(
                f,
                at(&item.assessment, w),
                "assessment framework",
                id,
                &framework_ids,
                "site.yaml `assessments`",
            ));
            continue;
        };
        match &item.date {
            None => diags.push(
                Diagnostic::error(
                    "missing-key",
                    f,
                    at(&item.assessment, w),
                    format!("assessment `{id}` has no `date`"),
                )
                .help("add `date: YYYY-MM-DD`, the day the account was assessed"),
            ),
            Some(d) if !seen.insert((id.as_str(), d.value)) => diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    f,
                    at(d, w),
                    format!("assessment `{id}` is given twice for {}", d.value),
                )
                .help("keep one assessment per framework and date; merge the two or correct a date"),
            ),
            _ => {}
        }
        scores(fw, f, item, diags);
    }
}

fn scores(fw: &Framework, f: &SourceFile, item: &crate::model::assessment::Assessment, diags: &mut Diagnostics) {
    let w = WHOLE_FILE;
    let dims: Vec<&str> = fw.dimensions.iter().map(|d| d.id.as_str()).collect();
    let (min, max) = (fw.scale.min, fw.scale.max);
    for (dim, score) in &item.scores {
        if fw.dimension(dim).is_none() {
            let mut d = Diagnostic::error(
                "unknown-dimension",
                f,
                at(score, w),
                format!("`{dim}` is not a dimension of `{}` ({})", fw.id, fw.name),
            );
            d = match did_you_mean(dim, dims.iter().copied()) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? `{}` scores {}",
                    fw.id,
                    crate::diag::list_of(&dims)
                )),
                None => d.help(format!("`{}` scores {}", fw.id, crate::diag::one_of(&dims))),
            };
            diags.push(d);
            continue;
        }
        let v = score.value;
        if !(min..=max).contains(&v) || !v.is_finite() {
            diags.push(
                Diagnostic::error(
                    "out-of-range",
                    f,
                    at(score, w),
                    format!("score {v} for `{dim}` is outside the scale {min}..{max} of `{}`", fw.id),
                )
                .help(format!("score `{dim}` from {min} to {max}")),
            );
        } else if fw.scoring == Scoring::Count && v != 0.0 && v != 1.0 {
            diags.push(
                Diagnostic::error(
                    "out-of-range",
                    f,
                    at(score, w),
                    format!("`{dim}` of the checklist `{}` is {v}: a criterion is met or not", fw.id),
                )
                .help("write 1 when the criterion is met and 0 when it is not"),
            );
        }
    }
    let missing: Vec<&str> = dims.iter().copied().filter(|d| !item.scores.contains_key(*d)).collect();
    if !missing.is_empty() {
        let consequence = match fw.scoring {
            Scoring::TrustEquation => "the trust equation needs all four, so this assessment has no overall score",
            Scoring::Count => "a criterion not scored counts as not met",
            Scoring::Mean => "the overall score is the mean of the others",
        };
        diags.push(
            Diagnostic::warning(
                "missing-dimension",
                f,
                at(&item.assessment, w),
                format!(
                    "assessment `{}` has no score for {}: {consequence}",
                    fw.id,
                    crate::diag::list_of(&missing)
                ),
            )
            .help(format!(
                "add {} under `scores:`",
                missing
                    .iter()
                    .map(|m| format!("`{m}: {min}..{max}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
}
