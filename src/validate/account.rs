//! Checks on an account's own file, account.yaml: required fields, ids
//! that must exist in site.yaml, ranges, duplicates, and the contacts' org
//! chart.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use super::{WHOLE_FILE, at, find_pos, fraction, not_finite, unknown_id};
use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean, one_of};
use crate::model::{Account, AccountDoc};
use crate::source::{Pos, SourceFile};

/// The name, the tier and stage named in site.yaml, the review date and the
/// team's allocations.
pub(super) fn fields(cfg: &SiteConfig, f: &SourceFile, a: &Account, today: Date, diags: &mut Diagnostics) {
    let w = WHOLE_FILE;
    match &a.name {
        None => diags.push(
            Diagnostic::error("missing-key", f, Pos::START, "account has no `name`")
                .help("add `name: <the customer's legal or common name>` at the top of account.yaml"),
        ),
        Some(n) if n.value.trim().is_empty() => diags.push(
            Diagnostic::error("missing-key", f, at(n, w), "account `name` is empty").help("write the customer's name"),
        ),
        _ => {}
    }

    if let Some(tier) = &a.tier
        && cfg.tier(&tier.value).is_none()
    {
        let ids: Vec<&str> = cfg.tiers.iter().map(|t| t.id.as_str()).collect();
        diags.push(unknown_id(
            f,
            at(tier, w),
            "tier",
            &tier.value,
            &ids,
            "site.yaml `tiers`",
        ));
    }
    if let Some(stage) = &a.stage
        && cfg.stage(&stage.value).is_none()
    {
        let ids: Vec<&str> = cfg.stages.iter().map(|s| s.id.as_str()).collect();
        diags.push(unknown_id(
            f,
            at(stage, w),
            "stage",
            &stage.value,
            &ids,
            "site.yaml `stages`",
        ));
    }
    if let Some(r) = &a.review_by
        && r.value < today
    {
        diags.push(
            Diagnostic::warning(
                "review-overdue",
                f,
                at(r, w),
                format!("account review was due on {} and is overdue", r.value),
            )
            .help("review the account's status and set a new `review_by` date"),
        );
    }
    for m in &a.team {
        if let Some(al) = &m.allocation {
            fraction(f, al, w, "team allocation", diags);
        }
    }
}

/// Scores: 0..10, and factor ids the matrix knows; then the factors missing.
pub(super) fn scores(cfg: &SiteConfig, f: &SourceFile, a: &Account, diags: &mut Diagnostics) {
    let w = WHOLE_FILE;
    let factors: Vec<&str> = cfg.factor_ids().collect();
    // Factors of the built-in presets are never "unknown": a site keeps them
    // so it can switch preset with a one-line change.
    let builtin = crate::config::builtin_factor_ids();
    for (id, score) in &a.scores {
        if !(0.0..=10.0).contains(&score.value) {
            diags.push(
                Diagnostic::error(
                    "out-of-range",
                    f,
                    at(score, w),
                    format!("score {} for `{id}` is outside 0..10", score.value),
                )
                .help("scores run from 0 (poor) to 10 (excellent)"),
            );
        }
        if !factors.contains(&id.as_str()) && !builtin.contains(&id.as_str()) {
            // Close to a factor of the matrix: a typo that would move the
            // account to another quadrant without a word, so an error.
            let d = match did_you_mean(id, factors.iter().copied()) {
                Some(s) => Diagnostic::error(
                    "unknown-factor",
                    f,
                    at(score, w),
                    format!("score `{id}` is not a factor of the portfolio matrix; did you mean `{s}`?"),
                )
                .help(format!(
                    "rename it to `{s}`: as written, the score is ignored and `{s}` counts as missing"
                )),
                None => Diagnostic::warning(
                    "unused-factor",
                    f,
                    at(score, w),
                    format!("score `{id}` is not a factor of the portfolio matrix and is ignored"),
                )
                .help(format!("the matrix uses {}", one_of(&factors))),
            };
            diags.push(d);
        }
    }

    missing_factors(cfg, f, a, &factors, diags);
}

/// Factors of the matrix the account has no score for.
fn missing_factors(cfg: &SiteConfig, f: &SourceFile, a: &Account, factors: &[&str], diags: &mut Diagnostics) {
    let w = WHOLE_FILE;
    // Missing factors: the axis uses the factors present (see analyze::matrix).
    let m = &cfg.matrix;
    // A prospect is often not assessed yet: it shows as unscored, unremarked.
    let assessed = a.status != crate::model::Status::Prospect;
    if a.scores.is_empty() {
        if assessed {
            diags.push(
                Diagnostic::warning(
                    "unscored",
                    f,
                    Pos::START,
                    "account has no `scores`: it has no quadrant and shows as unscored in the matrix",
                )
                .help(format!("add `scores:` with {}", one_of(factors))),
            );
        }
    } else {
        for axis in [&m.vertical, &m.horizontal] {
            let missing: Vec<&str> = axis
                .factors
                .keys()
                .filter(|k| !a.scores.contains_key(*k))
                .map(String::as_str)
                .collect();
            if missing.is_empty() {
                continue;
            }
            let pos = a.scores.first().map(|(_, s)| at(s, w)).unwrap_or(Pos::START);
            let msg = if missing.len() == axis.factors.len() {
                format!("no score for any factor of `{}`: the account is unscored", axis.name)
            } else {
                format!(
                    "no score for {} of `{}`: the axis score uses the other factors",
                    one_of(&missing).trim_start_matches("one of "),
                    axis.name
                )
            };
            diags.push(Diagnostic::warning("missing-factor", f, pos, msg).help(format!(
                    "add {} under `scores:`",
                    missing
                        .iter()
                        .map(|m| format!("`{m}: 0..10`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
        }
    }
}

/// One entry per year, with fractions and margins in range.
pub(super) fn financials(f: &SourceFile, a: &Account, diags: &mut Diagnostics) {
    let w = WHOLE_FILE;
    let mut years = HashSet::new();
    for fin in &a.financials {
        if !years.insert(fin.year.value) {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    f,
                    at(&fin.year, w),
                    format!("financial year {} is listed twice", fin.year.value),
                )
                .help("keep one entry per year"),
            );
        }
        if let Some(r) = fin.revenue.filter(|r| !r.is_finite()) {
            diags.push(not_finite(
                f,
                at(&fin.year, w),
                &format!("revenue of {}", fin.year.value),
                r,
            ));
        }
        if let Some(s) = &fin.share_of_wallet {
            fraction(f, s, w, "share of wallet", diags);
        }
        if let Some(m) = &fin.margin
            && !(-1.0..=1.0).contains(&m.value)
        {
            diags.push(
                Diagnostic::error(
                    "out-of-range",
                    f,
                    at(m, w),
                    format!("margin {} is outside -1..1", m.value),
                )
                .help("write margin as a fraction, e.g. 0.31 for 31 %"),
            );
        }
    }
}

/// Contacts: unique ids, existing reports_to, stance range, no cycles.
pub(super) fn contacts(doc: &AccountDoc, f: &SourceFile, diags: &mut Diagnostics) {
    let a = &doc.account;
    let w = WHOLE_FILE;
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, c) in a.contacts.iter().enumerate() {
        if ids.insert(c.id.value.as_str(), i).is_some() {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    f,
                    at(&c.id, w),
                    format!("contact id `{}` is used twice", c.id.value),
                )
                .help("give every contact of the account a unique `id`"),
            );
        }
        if let Some(s) = &c.stance
            && !(-3..=3).contains(&s.value)
        {
            diags.push(
                Diagnostic::error(
                    "out-of-range",
                    f,
                    at(s, w),
                    format!("stance {} is outside -3..3", s.value),
                )
                .help("stance runs from -3 (blocker) through 0 (neutral) to +3 (advocate)"),
            );
        }
    }
    let contact_ids: Vec<&str> = a.contacts.iter().map(|c| c.id.value.as_str()).collect();
    for c in &a.contacts {
        for target in c.reports_to.iter().chain(c.influences.iter()) {
            let field = if c.reports_to.as_ref().is_some_and(|r| std::ptr::eq(r, target)) {
                "reports_to"
            } else {
                "influences"
            };
            if target.value == c.id.value {
                diags.push(
                    Diagnostic::error(
                        "invalid-reference",
                        f,
                        at(target, w),
                        format!("contact `{}` {field} itself", c.id.value),
                    )
                    .help("name another contact's id, or remove the line"),
                );
            } else if !ids.contains_key(target.value.as_str()) {
                diags.push(unknown_id(
                    f,
                    at(target, w),
                    &format!("`{field}` contact"),
                    &target.value,
                    &contact_ids,
                    "this account's `contacts` ids",
                ));
            }
        }
    }
    if let Some((id, pos)) = reports_to_cycle(doc) {
        diags.push(
            Diagnostic::error(
                "reports-to-cycle",
                f,
                pos,
                format!("reports_to lines form a loop through `{id}`"),
            )
            .help("an org chart is a tree: make sure someone at the top reports to nobody"),
        );
    }
}

/// Unique opportunity ids, probabilities in range; opportunity values and
/// KPI values finite.
pub(super) fn opportunities(f: &SourceFile, a: &Account, diags: &mut Diagnostics) {
    let w = WHOLE_FILE;
    let mut opp_ids = HashSet::new();
    for o in &a.opportunities {
        if !opp_ids.insert(o.id.value.as_str()) {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    f,
                    at(&o.id, w),
                    format!("opportunity id `{}` is used twice", o.id.value),
                )
                .help("give every opportunity of the account a unique `id`"),
            );
        }
        if let Some(p) = &o.probability {
            fraction(f, p, w, "probability", diags);
        }
        if let Some(v) = o.value.filter(|v| !v.is_finite()) {
            diags.push(not_finite(
                f,
                at(&o.id, w),
                &format!("the value of opportunity `{}`", o.id.value),
                v,
            ));
        }
    }
    for k in &a.kpis {
        for (key, v) in [("baseline", k.baseline), ("current", k.current), ("target", k.target)] {
            if let Some(v) = v.filter(|v| !v.is_finite()) {
                let pos = find_pos(f, &k.name);
                diags.push(not_finite(f, pos, &format!("{key} of KPI `{}`", k.name), v));
            }
        }
    }
}

/// The first contact found on a reports_to loop, with its position.
fn reports_to_cycle(doc: &AccountDoc) -> Option<(String, Pos)> {
    let contacts = &doc.account.contacts;
    let index: HashMap<&str, usize> = contacts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.value.as_str(), i))
        .collect();
    // Each contact is walked once: 1 = on the current walk, 2 = leads to no loop.
    let mut state = vec![0u8; contacts.len()];
    for start in 0..contacts.len() {
        let mut path = Vec::new();
        let mut cur = start;
        loop {
            if state[cur] == 2 {
                break;
            }
            if state[cur] == 1 {
                let c = &contacts[cur];
                let pos = c.reports_to.as_ref().map(|r| at(r, WHOLE_FILE)).unwrap_or(Pos::START);
                return Some((c.id.value.clone(), pos));
            }
            state[cur] = 1;
            path.push(cur);
            match contacts[cur]
                .reports_to
                .as_ref()
                .and_then(|r| index.get(r.value.as_str()))
            {
                // Reporting to itself is reported on its own, not as a loop.
                Some(&next) if next != cur => cur = next,
                _ => break,
            }
        }
        for i in path {
            state[i] = 2;
        }
    }
    None
}
