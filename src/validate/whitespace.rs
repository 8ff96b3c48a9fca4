//! Checks for SPEC 10: whitespace cells and opportunities name offerings
//! and buying units defined in site.yaml, competitor stances stay in
//! -3..+3, and `parent` names an account without making a cycle.

use std::collections::{HashMap, HashSet};

use super::{WHOLE_FILE, at, find_pos, unknown_id};
use crate::config::RawConfig;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{AccountDoc, Site};
use crate::source::SourceFile;

/// site.yaml: offering and buying unit ids are unique.
pub(super) fn config(file: &SourceFile, raw: &RawConfig, diags: &mut Diagnostics) {
    for (what, list) in [("offering", &raw.offerings), ("buying unit", &raw.buying_units)] {
        let mut seen = HashSet::new();
        for o in list.iter().flatten() {
            if !seen.insert(o.id.as_str()) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-id",
                        file,
                        find_pos(file, &format!("id: {}", o.id)),
                        format!("{what} id `{}` is defined twice", o.id),
                    )
                    .help(format!("give every {what} a unique id")),
                );
            }
        }
    }
}

/// One account: whitespace cells, opportunities' offerings, competitor stances.
pub(super) fn account(site: &Site, doc: &AccountDoc, f: &SourceFile, diags: &mut Diagnostics) {
    let cfg = &site.config;
    let a = &doc.account;
    let w = WHOLE_FILE;
    let offerings: Vec<&str> = cfg.offerings.iter().map(|o| o.id.as_str()).collect();
    let units: Vec<&str> = cfg.buying_units.iter().map(|o| o.id.as_str()).collect();
    let mut cells = HashSet::new();
    for c in &a.whitespace {
        if !offerings.contains(&c.offering.value.as_str()) {
            diags.push(unknown_id(
                f,
                at(&c.offering, w),
                "offering",
                &c.offering.value,
                &offerings,
                "site.yaml `offerings`",
            ));
        }
        if let Some(u) = &c.buying_unit
            && !units.contains(&u.value.as_str())
        {
            diags.push(unknown_id(
                f,
                at(u, w),
                "buying unit",
                &u.value,
                &units,
                "site.yaml `buying_units`",
            ));
        }
        let unit = c.buying_unit.as_ref().map(|u| u.value.as_str());
        if !cells.insert((c.offering.value.as_str(), unit)) {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    f,
                    at(&c.offering, w),
                    format!(
                        "whitespace cell `{}`{} is written twice",
                        c.offering.value,
                        unit.map(|u| format!(" in `{u}`")).unwrap_or_default()
                    ),
                )
                .help("keep one entry per offering and buying unit"),
            );
        }
        if let Some(p) = c.potential
            && !(p.is_finite() && p >= 0.0)
        {
            diags.push(
                Diagnostic::error(
                    "out-of-range",
                    f,
                    at(&c.offering, w),
                    format!("whitespace potential {p} for `{}` is negative", c.offering.value),
                )
                .help("write the potential as a positive amount in the site currency"),
            );
        }
    }
    for o in &a.opportunities {
        if let Some(off) = &o.offering
            && !offerings.contains(&off.value.as_str())
        {
            diags.push(unknown_id(
                f,
                at(off, w),
                "offering",
                &off.value,
                &offerings,
                "site.yaml `offerings`",
            ));
        }
    }
    for c in &a.contacts {
        for (competitor, s) in &c.competitor_stance {
            if !(-3..=3).contains(&s.value) {
                diags.push(
                    Diagnostic::error(
                        "out-of-range",
                        f,
                        at(s, w),
                        format!("competitor stance {} for `{competitor}` is outside -3..3", s.value),
                    )
                    .help("a competitor's stance runs from -3 (against them) through 0 to +3 (their advocate)"),
                );
            }
        }
    }
}

/// Across accounts: `parent` names an account, and no group contains itself.
pub(super) fn parents(site: &Site, diags: &mut Diagnostics) {
    let w = WHOLE_FILE;
    let index: HashMap<&str, usize> = site
        .accounts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.slug.as_str(), i))
        .collect();
    let slugs: Vec<&str> = site.accounts.iter().map(|d| d.slug.as_str()).collect();
    // Accounts whose walk up ends at a head or an unknown parent: a walk
    // that reaches one is no cycle, so a deep chain is walked once, not once
    // per member (which took minutes for a few thousand accounts).
    let mut to_top: HashSet<&str> = HashSet::new();
    for doc in &site.accounts {
        let Some(p) = &doc.account.parent else { continue };
        let f = doc.file.source();
        if p.value == doc.slug {
            diags.push(
                Diagnostic::error(
                    "invalid-reference",
                    &f,
                    at(p, w),
                    format!("account `{}` names itself as its parent", doc.slug),
                )
                .help("`parent` is the slug of another account (the group's head); remove it for a top-level account"),
            );
            continue;
        }
        if !index.contains_key(p.value.as_str()) {
            let mut d = unknown_id(&f, at(p, w), "parent account", &p.value, &slugs, "accounts/");
            d.help = Some(match crate::diag::did_you_mean(&p.value, slugs.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? `parent` is the folder name of an account under accounts/"),
                None => "`parent` is the folder name (slug) of an account under accounts/".into(),
            });
            diags.push(d);
            continue;
        }
        // Walk up from this account; a walk that comes back to it is a cycle.
        let mut chain = vec![doc.slug.as_str()];
        let mut on_chain: HashSet<&str> = HashSet::from([doc.slug.as_str()]);
        let mut cur = p.value.as_str();
        let mut cycle = false;
        let mut top = true;
        while let Some(&i) = index.get(cur) {
            if cur == doc.slug {
                cycle = true;
                top = false;
                break;
            }
            if to_top.contains(cur) {
                break;
            }
            if !on_chain.insert(cur) {
                top = false;
                break; // a cycle further up; reported at its own members
            }
            chain.push(cur);
            match &site.accounts[i].account.parent {
                Some(next) => cur = next.value.as_str(),
                None => break,
            }
        }
        if top {
            to_top.extend(chain.iter().copied());
        }
        if cycle {
            chain.push(doc.slug.as_str());
            diags.push(
                Diagnostic::error(
                    "parent-cycle",
                    &f,
                    at(p, w),
                    format!("account groups form a cycle: {}", chain.join(" -> ")),
                )
                .help("a group has one head at the top: remove `parent` from one account of the cycle"),
            );
        }
    }
}
