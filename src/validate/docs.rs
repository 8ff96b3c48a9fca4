//! Checks on an account's win/loss reviews and joint business plans.

use std::collections::HashSet;

use jiff::civil::Date;

use super::{FRONT_MATTER, WHOLE_FILE, at, unknown_id};
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::model::{AccountDoc, Site};

pub fn reviews(site: &Site, doc: &AccountDoc, today: Date, diags: &mut Diagnostics) {
    let reasons: Vec<&str> = site.config.win_loss.reasons.iter().map(|r| r.id.as_str()).collect();
    let opp_ids: Vec<&str> = doc.account.opportunities.iter().map(|o| o.id.value.as_str()).collect();
    for r in &doc.reviews {
        let f = &r.file;
        let m = &r.meta;
        if m.outcome.is_none() {
            diags.push(
                Diagnostic::error("missing-key", f, Pos::START, "review has no `outcome`")
                    .help("add `outcome: won`, `outcome: lost` or `outcome: no-decision` to the front matter"),
            );
        }
        match &m.date {
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
            None => diags.push(
                Diagnostic::error("missing-key", f, Pos::START, "review has no `opportunity`")
                    .help("add `opportunity: <an opportunity id from account.yaml>` or a short title of the deal"),
            ),
            Some(o) if !opp_ids.contains(&o.value.as_str()) => {
                let looks_like_id = !o.value.contains(' ') && o.value.contains('-');
                let mut d = Diagnostic::warning(
                    "free-opportunity",
                    f,
                    at(o, FRONT_MATTER),
                    format!(
                        "opportunity `{}` is not an opportunity id of this account; it is shown as a free title",
                        o.value
                    ),
                );
                d = match crate::diag::did_you_mean(&o.value, opp_ids.iter().copied()) {
                    Some(s) if looks_like_id => d.help(format!("did you mean `{s}`?")),
                    _ if opp_ids.is_empty() => {
                        d.help("add the deal to `opportunities` in account.yaml to link the review to it")
                    }
                    _ => d.help(format!("link it with one of: {}", opp_ids.join(", "))),
                };
                diags.push(d);
            }
            _ => {}
        }
        let mut seen = HashSet::new();
        for reason in &m.reasons {
            if !reasons.contains(&reason.value.as_str()) {
                diags.push(unknown_id(
                    f,
                    at(reason, FRONT_MATTER),
                    "reason",
                    &reason.value,
                    &reasons,
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
}

pub fn plans(doc: &AccountDoc, diags: &mut Diagnostics) {
    let mut periods = HashSet::new();
    for p in &doc.plans {
        let f = &p.file;
        if let Some(period) = &p.plan.period
            && period.value != p.id
        {
            diags.push(
                Diagnostic::warning(
                    "period-mismatch",
                    f,
                    at(period, WHOLE_FILE),
                    format!(
                        "plan period `{}` differs from its file name `{}.yaml`",
                        period.value, p.id
                    ),
                )
                .help(format!("rename the file to `{}.yaml` or change `period`", period.value)),
            );
        }
        if !periods.insert(p.period().to_string()) {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    f,
                    Pos::START,
                    format!("two plans of this account cover period `{}`", p.period()),
                )
                .help("keep one plan file per period"),
            );
        }
    }
}
