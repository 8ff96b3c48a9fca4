//! Validate: the checks that need more than one file or more than a type.
//!
//! Loading already rejected syntax errors, wrong types and unknown keys. Here
//! we check meaning: required fields, ids that must exist (tier, stage,
//! reports_to, reason), ranges (stance, probability, score), duplicates, and
//! dates that deserve a warning. Every finding is collected; nothing stops.
//!
//! Owns every check of meaning, one file per kind of file checked:
//! site.yaml ([`config`], here), account.yaml (`account`), notes (`notes`),
//! win/loss reviews (`reviews`) and joint business plans (`plans`). Takes
//! the loaded [`Site`] and returns [`Diagnostics`]; it computes no business
//! numbers and changes nothing.
//!
//! May import what lies below it: `source` (with the depth of raw HTML the
//! Markdown sanitiser accepts, `source::html_depth`), `diag`, `model`,
//! `config`, `load::yaml` (where a value was written) and the theme-name
//! rule (`load::theme::is_theme_name`). Nothing from `analyze`, `redact`,
//! `render` or later stages.

mod account;
mod assessments;
mod notes;
mod plans;
mod reviews;
mod whitespace;

use std::collections::HashSet;

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
    whitespace::config(file, raw, diags);
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
    for t in raw.tiers.iter().flat_map(|t| t.list()) {
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
    for s in raw.stages.iter().flat_map(|s| s.list()) {
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
    assessments::config(file, raw, diags);
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
    reviews::competitor_spellings(site, &mut diags);
    whitespace::parents(site, &mut diags);
    diags
}

fn account(site: &Site, doc: &AccountDoc, today: Date, diags: &mut Diagnostics) {
    let cfg = &site.config;
    let f = &doc.file.source();
    let a = &doc.account;
    account::fields(cfg, f, a, today, diags);
    account::scores(cfg, f, a, diags);
    account::financials(f, a, diags);
    account::contacts(doc, f, diags);
    account::opportunities(f, a, diags);
    assessments::account(cfg, f, a, diags);
    notes::check(doc, today, diags);
    reviews::check(site, doc, today, diags);
    plans::check(doc, diags);
    whitespace::account(site, doc, f, diags);
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

/// A number that is not finite (YAML `.nan`, `.inf`): it would print as
/// NaN or inf and poison every sum it enters.
fn not_finite(f: &SourceFile, pos: Pos, what: &str, v: f64) -> Diagnostic {
    Diagnostic::error(
        "out-of-range",
        f,
        pos,
        format!("{what} is {v}, not a number kamsite can use"),
    )
    .help(format!("write {what} as a plain number, e.g. 120000, or leave it out"))
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
