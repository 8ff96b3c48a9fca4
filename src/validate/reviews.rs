//! Checks on an account's win/loss reviews, and on competitor names across
//! every account's reviews.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::source::Spanned;
use jiff::civil::Date;

use super::{FRONT_MATTER, at, unknown_id};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::slug::{is_valid_slug, slugify};
use crate::model::{AccountDoc, Outcome, ReviewDoc, Site};
use crate::source::{Pos, SourceFile};

pub fn check(site: &Site, doc: &AccountDoc, today: Date, diags: &mut Diagnostics) {
    let reasons: Vec<&str> = site.config.win_loss.reasons.iter().map(|r| r.id.as_str()).collect();
    let opp_ids: Vec<&str> = doc.account.opportunities.iter().map(|o| o.id.value.as_str()).collect();
    for r in &doc.reviews {
        file_name(r, diags);
        keys(r, &opp_ids, today, diags);
        competitors(r, diags);
        reasons_given(r, &reasons, diags);
    }
}

/// The file name is the review page's URL segment.
fn file_name(r: &ReviewDoc, diags: &mut Diagnostics) {
    let f = &r.file;
    if r.id.is_empty() || r.id.starts_with('.') {
        diags.push(
            Diagnostic::error(
                "invalid-file-name",
                f,
                Pos::START,
                format!("review file name `{}.md` cannot be a page address", r.id),
            )
            .help("name review files like `2026-06-30-mes-brno.md`: date and deal, lower-case, with `-`"),
        );
    } else if !r.id.chars().all(|c| c.is_alphanumeric() || "-_.~".contains(c)) {
        diags.push(
            Diagnostic::warning(
                "file-name",
                f,
                Pos::START,
                format!("review file name `{}.md` makes an awkward page address", r.id),
            )
            .help(format!("rename it to `{}.md`", slugify(&r.id))),
        );
    }
}

/// The keys a review needs (a draft may leave them out), and its value.
fn keys(r: &ReviewDoc, opp_ids: &[&str], today: Date, diags: &mut Diagnostics) {
    let f = &r.file;
    let m = &r.meta;
    // A draft may leave anything out; what it does say is still checked.
    if m.outcome.is_none() && !m.draft {
        diags.push(
            Diagnostic::error("missing-key", f, Pos::START, "review has no `outcome`")
                .help("add `outcome: won`, `outcome: lost` or `outcome: no-decision` to the front matter"),
        );
    }
    match &m.date {
        None if m.draft => {}
        None => diags.push(
            Diagnostic::error("missing-key", f, Pos::START, "review has no `date`")
                .help("add `date: YYYY-MM-DD` (when the decision fell) to the front matter"),
        ),
        Some(d) if d.value > today => diags.push(
            Diagnostic::warning(
                "future-date",
                f,
                at(d, FRONT_MATTER),
                format!("review is dated {}, after today ({today})", d.value),
            )
            .help("a review records a decision that has happened; check the date"),
        ),
        _ => {}
    }
    match &m.opportunity {
        None if m.draft => {}
        None => diags.push(
            Diagnostic::error("missing-key", f, Pos::START, "review has no `opportunity`")
                .help("add `opportunity: <an opportunity id from account.yaml>` or a short title of the deal"),
        ),
        Some(o) if !opp_ids.contains(&o.value.as_str()) => {
            if let Some(d) = opportunity(f, o, opp_ids) {
                diags.push(d);
            }
        }
        _ => {}
    }
    if let Some(v) = &m.value
        && (v.value < 0.0 || !v.value.is_finite())
    {
        diags.push(
            Diagnostic::error(
                "out-of-range",
                f,
                at(v, FRONT_MATTER),
                if v.value.is_finite() {
                    format!("deal value {} is negative", v.value)
                } else {
                    format!("deal value {} is not a number", v.value)
                },
            )
            .help("write the deal's value in the site currency as a plain number, e.g. 350000"),
        );
    }
}

/// Competitors listed once, and a `winner` that agrees with the outcome.
fn competitors(r: &ReviewDoc, diags: &mut Diagnostics) {
    let f = &r.file;
    let m = &r.meta;
    let mut seen = HashSet::new();
    for c in &m.competitors {
        if !seen.insert(slugify(&c.value)) {
            diags.push(
                Diagnostic::warning(
                    "duplicate-id",
                    f,
                    at(c, FRONT_MATTER),
                    format!("competitor `{}` is listed twice", c.value.trim()),
                )
                .help("list each competitor once; the deal counts once for it"),
            );
        }
    }
    let outcome = m.outcome.as_ref().map(|o| o.value);
    if let Some(w) = &m.winner {
        let listed = m.competitors.iter().any(|c| slugify(&c.value) == slugify(&w.value));
        match outcome {
            Some(Outcome::Won) if listed => diags.push(
                Diagnostic::warning(
                    "winner-mismatch",
                    f,
                    at(w, FRONT_MATTER),
                    format!(
                        "outcome is `won`, but the winner `{}` is listed as a competitor",
                        w.value
                    ),
                )
                .help("the outcome decides how the deal counts: fix `outcome` or `winner`"),
            ),
            Some(Outcome::NoDecision) => diags.push(
                Diagnostic::warning(
                    "winner-mismatch",
                    f,
                    at(w, FRONT_MATTER),
                    format!("outcome is `no-decision`, but `winner` names `{}`", w.value),
                )
                .help("remove `winner` (nobody won), or set `outcome: lost` if the customer chose someone"),
            ),
            _ => {}
        }
    }
}

/// Reasons given for a won or lost deal, each from the taxonomy, each once.
fn reasons_given(r: &ReviewDoc, reasons: &[&str], diags: &mut Diagnostics) {
    let f = &r.file;
    let m = &r.meta;
    let outcome = m.outcome.as_ref().map(|o| o.value);
    if m.reasons.is_empty() && matches!(outcome, Some(Outcome::Won | Outcome::Lost)) {
        diags.push(
            Diagnostic::warning(
                "no-reasons",
                f,
                m.outcome.as_ref().map(|o| at(o, FRONT_MATTER)).unwrap_or(Pos::START),
                "review gives no `reasons`, so it counts in no reason ranking",
            )
            .help(format!(
                "add `reasons:` with ids from site.yaml `win_loss.reasons`, primary first: {}",
                reasons.join(", ")
            )),
        );
    }
    let mut seen = HashSet::new();
    for reason in &m.reasons {
        if !reasons.contains(&reason.value.as_str()) {
            diags.push(unknown_id(
                f,
                at(reason, FRONT_MATTER),
                "reason",
                &reason.value,
                reasons,
                "site.yaml `win_loss.reasons`",
            ));
        } else if !seen.insert(reason.value.as_str()) {
            diags.push(
                Diagnostic::warning(
                    "duplicate-id",
                    f,
                    at(reason, FRONT_MATTER),
                    format!("reason `{}` is listed twice", reason.value),
                )
                .help("list each reason once; the first is the primary reason"),
            );
        }
    }
}

/// A review's `opportunity` that is not an opportunity id of the account:
/// an error when it is written like an id (a typo). Anything else is a free
/// title, which is allowed (docs/reviews.md): a deal that never was in
/// account.yaml, shown as written.
fn opportunity(f: &SourceFile, o: &Spanned<String>, opp_ids: &[&str]) -> Option<Diagnostic> {
    let close = crate::diag::did_you_mean(&o.value, opp_ids.iter().copied());
    let looks_like_id = is_valid_slug(&o.value) && (o.value.contains('-') || close.is_some());
    if !looks_like_id {
        return None;
    }
    let mut d = unknown_id(
        f,
        at(o, FRONT_MATTER),
        "opportunity",
        &o.value,
        opp_ids,
        "this account's `opportunities`",
    );
    d.help = Some(format!(
        "{}; for a deal that is not in account.yaml, write a free title such as `{}`",
        d.help.as_deref().unwrap_or("add the opportunity to account.yaml"),
        free_title(&o.value)
    ));
    Some(d)
}

/// "erp-rollout" -> "Erp rollout": how the same deal reads as a free title.
fn free_title(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut c = words.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => words,
    }
}

/// Competitor names that differ only in spelling across the site ("Vektor
/// Automation" and "vektor automation") count as one; say which spelling wins.
pub fn competitor_spellings(site: &Site, diags: &mut Diagnostics) {
    let mut spellings: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for doc in &site.accounts {
        for r in &doc.reviews {
            for c in r.meta.competitors.iter().chain(r.meta.winner.iter()) {
                let name = c.value.trim();
                if !name.is_empty() {
                    *spellings.entry(slugify(name)).or_default().entry(name).or_default() += 1;
                }
            }
        }
    }
    let preferred: HashMap<String, &str> = spellings
        .iter()
        .filter(|(_, names)| names.len() > 1)
        .filter_map(|(slug, names)| {
            let best = names.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))?;
            Some((slug.clone(), *best.0))
        })
        .collect();
    if preferred.is_empty() {
        return;
    }
    for doc in &site.accounts {
        for r in &doc.reviews {
            for c in r.meta.competitors.iter().chain(r.meta.winner.iter()) {
                let name = c.value.trim();
                if let Some(best) = preferred.get(&slugify(name))
                    && *best != name
                {
                    diags.push(
                        Diagnostic::warning(
                            "competitor-spelling",
                            &r.file,
                            at(c, FRONT_MATTER),
                            format!("competitor `{name}` is spelled `{best}` elsewhere"),
                        )
                        .help(format!(
                            "write `{best}` so every page shows one name (they already count as one)"
                        )),
                    );
                }
            }
        }
    }
}
