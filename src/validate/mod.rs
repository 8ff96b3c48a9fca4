//! Validate: the checks that need more than one file or more than a type.
//!
//! Loading already rejected syntax errors, wrong types and unknown keys. Here
//! we check meaning: required fields, ids that must exist (tier, stage,
//! reports_to, reason), ranges (stance, probability, score), duplicates, and
//! dates that deserve a warning. Every finding is collected; nothing stops.

mod docs;
mod plans;

use std::collections::{HashMap, HashSet};

use crate::source::Spanned;
use jiff::civil::Date;

use crate::config::RawConfig;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean, one_of};
use crate::load::yaml::{Fragment, pos_of_value};
use crate::model::{AccountDoc, Site};
use crate::source::{Pos, SourceFile};

/// Front matter starts on line 2 of a Markdown file.
const FRONT_MATTER: Fragment = Fragment { first_line: 2 };
const WHOLE_FILE: Fragment = Fragment { first_line: 1 };

fn at<T>(s: &Spanned<T>, frag: Fragment) -> Pos {
    pos_of_value(s, frag)
}

/// Checks on site.yaml itself.
pub fn config(file: &SourceFile, raw: &RawConfig, diags: &mut Diagnostics) {
    if let Some(theme) = raw
        .theme
        .as_ref()
        .filter(|t| !crate::load::theme::is_theme_name(&t.value))
    {
        let mut d = Diagnostic::error(
            "invalid-theme",
            file,
            crate::load::yaml::pos_of_value(theme, Default::default()),
            format!("theme `{}` is not a folder name under themes/", theme.value),
        );
        d.len = theme.value.len().max(1);
        diags.push(d.help(
            "a theme comes from the site's themes/ folder: write the folder's name (e.g. `theme: corporate` for themes/corporate/), or remove `theme:` to use the built-in theme",
        ));
    }
    let mut seen = HashSet::new();
    for t in raw.tiers.iter().flatten() {
        if !seen.insert(t.id.as_str()) {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    file,
                    find_pos(file, &t.id),
                    format!("tier id `{}` is defined twice", t.id),
                )
                .help("give every tier a unique id"),
            );
        }
    }
    let mut seen = HashSet::new();
    for s in raw.stages.iter().flatten() {
        if !seen.insert(s.id.as_str()) {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    file,
                    find_pos(file, &s.id),
                    format!("stage id `{}` is defined twice", s.id),
                )
                .help("give every stage a unique id"),
            );
        }
    }
    if let Some(m) = &raw.matrix {
        for axis in m.vertical.iter().chain(m.horizontal.iter()) {
            if axis.factors.is_empty() || axis.factors.values().all(|w| *w <= 0.0) {
                diags.push(
                    Diagnostic::error(
                        "invalid-axis",
                        file,
                        find_pos(file, &axis.name),
                        format!("matrix axis `{}` has no factor with a positive weight", axis.name),
                    )
                    .help("list at least one factor, e.g. `factors: { growth: 1 }`"),
                );
            }
            for (f, w) in &axis.factors {
                if *w < 0.0 || !w.is_finite() {
                    diags.push(
                        Diagnostic::error(
                            "out-of-range",
                            file,
                            find_pos(file, f),
                            format!("factor weight {w} for `{f}` is negative"),
                        )
                        .help("weights are relative importances: use 0 or a positive number"),
                    );
                }
            }
            if !(0.0..=10.0).contains(&axis.threshold) {
                diags.push(
                    Diagnostic::error(
                        "out-of-range",
                        file,
                        find_pos(file, "threshold"),
                        format!("threshold {} is outside the score range 0..10", axis.threshold),
                    )
                    .help("scores run from 0 to 10; 5 is the usual midpoint"),
                );
            }
        }
    }
    if let Some(target) = raw.win_loss.as_ref().and_then(|w| w.target)
        && !(0.0..=1.0).contains(&target)
    {
        diags.push(
            Diagnostic::error(
                "out-of-range",
                file,
                find_pos(file, "target"),
                format!("win-rate target {target} is outside 0..1"),
            )
            .help("write the target as a fraction, e.g. 0.8 for 80 %"),
        );
    }
}

/// Position of the first occurrence of `needle` in the file (for values that
/// carry no span of their own), or the start of the file.
fn find_pos(file: &SourceFile, needle: &str) -> Pos {
    match file.text.find(needle) {
        Some(off) => {
            let (l, c) = file.line_col(off);
            Pos::new(l, c)
        }
        None => Pos::START,
    }
}

/// Checks across the whole site.
pub fn site(site: &Site, today: Date) -> Diagnostics {
    use rayon::prelude::*;
    let per_account: Vec<Diagnostics> = site
        .accounts
        .par_iter()
        .map(|doc| account_problems(site, doc, today))
        .collect();
    let mut diags = Diagnostics::default();
    for d in per_account {
        diags.extend(d);
    }
    diags.extend(across_accounts(site));
    diags
}

/// One account's problems. They depend on that account's files and
/// site.yaml only, so `serve` checks again only the accounts that changed.
pub fn account_problems(site: &Site, doc: &AccountDoc, today: Date) -> Diagnostics {
    let mut diags = Diagnostics::default();
    account(site, doc, today, &mut diags);
    diags
}

/// Problems only seen across accounts (one competitor spelled two ways).
pub fn across_accounts(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    docs::competitor_spellings(site, &mut diags);
    diags
}

fn account(site: &Site, doc: &AccountDoc, today: Date, diags: &mut Diagnostics) {
    let cfg = &site.config;
    let f = &doc.file.source();
    let a = &doc.account;
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

    // Scores: 0..10, and factor ids the matrix knows.
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
                .help(format!("add `scores:` with {}", one_of(&factors))),
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

    // Contacts: unique ids, existing reports_to, stance range, no cycles.
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
    }

    for note in &doc.notes {
        match &note.meta.date {
            None => diags.push(
                Diagnostic::error("missing-key", &note.file.source(), Pos::START, "note has no `date`")
                    .help("add `date: YYYY-MM-DD` to the front matter (between the `---` lines)"),
            ),
            Some(d) if d.value > today => diags.push(
                Diagnostic::warning(
                    "future-date",
                    &note.file.source(),
                    at(d, FRONT_MATTER),
                    format!("note is dated {}, after today ({today})", d.value),
                )
                .help("check the date; notes record what has happened"),
            ),
            _ => {}
        }
        // Raw HTML too deep for the sanitiser is shown as text (render::markdown).
        let body = note.body();
        let max = crate::render::markdown::MAX_HTML_DEPTH;
        if memchr::memchr(b'<', body.as_bytes()).is_some() && crate::render::markdown::html_depth(&body, max) > max {
            let file = note.file.source();
            let (line, _) = file.line_col(file.text.len().saturating_sub(body.len()));
            diags.push(
                Diagnostic::warning(
                    "deep-html",
                    &file,
                    Pos::new(line, 1),
                    format!("raw HTML in this note is nested more than {max} deep; the page shows it as text"),
                )
                .help("write the note in Markdown, or nest the HTML less deeply"),
            );
        }
    }

    docs::reviews(site, doc, today, diags);
    docs::plans(doc, diags);
    plans::check(doc, diags);
}

/// Report a value outside 0..1.
fn fraction(f: &SourceFile, v: &Spanned<f64>, frag: Fragment, what: &str, diags: &mut Diagnostics) {
    if !(0.0..=1.0).contains(&v.value) {
        let hint = if v.value > 1.0 && v.value <= 100.0 {
            format!("write {what} as a fraction: {} instead of {}", v.value / 100.0, v.value)
        } else {
            format!("write {what} as a fraction between 0 and 1")
        };
        diags.push(
            Diagnostic::error(
                "out-of-range",
                f,
                at(v, frag),
                format!("{what} {} is outside 0..1", v.value),
            )
            .help(hint),
        );
    }
}

/// "unknown tier `x`" with a did-you-mean over the defined ids.
pub fn unknown_id(f: &SourceFile, pos: Pos, what: &str, value: &str, ids: &[&str], defined_in: &str) -> Diagnostic {
    let mut d = Diagnostic::error("unknown-id", f, pos, format!("unknown {what} `{value}`"));
    d.len = value.len().max(1);
    match did_you_mean(value, ids.iter().copied()) {
        Some(s) => d.help(format!(
            "did you mean `{s}`? Defined in {defined_in}: {}",
            crate::diag::list_of(ids)
        )),
        None if ids.is_empty() => d.help(format!("nothing is defined in {defined_in}")),
        None => d.help(format!("use {} (defined in {defined_in})", one_of(ids))),
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
