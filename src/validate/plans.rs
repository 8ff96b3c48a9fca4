//! Checks on joint business plans beyond their types: names that must match
//! a contact, duplicates the comparison with the previous plan would trip
//! over, and gaps that leave a customer page half empty.

use std::collections::HashSet;

use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::model::{AccountDoc, Plan, PlanDoc, PlanItem, PlanStatus};
use crate::source::{Pos, SourceFile};

/// Where to point for a value without a span: the `index`-th `item_key:`
/// after `list_key:` (e.g. the 3rd `title:` under `initiatives:`), then each
/// of `then` in turn. Falls back to the last thing found.
struct Path<'a> {
    list_key: &'a str,
    item_key: &'a str,
    index: usize,
    then: &'a [&'a str],
}

/// The offset of `key:` as a YAML key (not inside another word) at or after `from`.
fn find_key(text: &str, from: usize, key: &str) -> Option<usize> {
    let pat = format!("{key}:");
    let mut at = from;
    while let Some(off) = text.get(at..).and_then(|t| t.find(&pat)) {
        let pos = at + off;
        let before = text[..pos].chars().next_back();
        if before.is_none_or(|c| c.is_whitespace() || c == '{' || c == ',' || c == '-') {
            return Some(pos);
        }
        at = pos + pat.len();
    }
    None
}

fn path<'a>(list_key: &'a str, item_key: &'a str, index: usize, then: &'a [&'a str]) -> Path<'a> {
    Path {
        list_key,
        item_key,
        index,
        then,
    }
}

fn locate(file: &SourceFile, path: &Path) -> (Pos, usize) {
    let text = &*file.text;
    let mut found: Option<(usize, usize)> = None;
    let mut from = 0;
    let mut steps = vec![path.list_key];
    steps.extend(std::iter::repeat_n(path.item_key, path.index + 1));
    for key in steps {
        match find_key(text, from, key) {
            Some(off) => {
                found = Some((off, key.len()));
                from = off + key.len() + 1;
            }
            None => break,
        }
    }
    if found.is_some() {
        for n in path.then.iter().filter(|n| !n.is_empty()) {
            match text.get(from..).and_then(|rest| rest.find(n)) {
                Some(off) => {
                    found = Some((from + off, n.len()));
                    from += off + n.len();
                }
                None => break,
            }
        }
    }
    match found {
        Some((off, len)) => {
            let (l, c) = file.line_col(off);
            (Pos::new(l, c), len)
        }
        None => (Pos::START, 1),
    }
}

fn at(code: &'static str, f: &SourceFile, path: &Path, msg: String, warning: bool) -> Diagnostic {
    let (pos, len) = locate(f, path);
    let mut d = if warning {
        Diagnostic::warning(code, f, pos, msg)
    } else {
        Diagnostic::error(code, f, pos, msg)
    };
    d.len = len;
    d
}

pub fn check(doc: &AccountDoc, diags: &mut Diagnostics) {
    periods(doc, diags);
    for p in &doc.plans {
        plan(doc, p, diags);
    }
}

/// One plan per period, and each plan's `period` matching its file name.
fn periods(doc: &AccountDoc, diags: &mut Diagnostics) {
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
                    super::at(period, super::WHOLE_FILE),
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

fn plan(doc: &AccountDoc, p: &PlanDoc, diags: &mut Diagnostics) {
    let f = &p.file;
    let plan = &p.plan;
    if !p.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        diags.push(
            Diagnostic::warning(
                "plan-file-name",
                f,
                Pos::START,
                format!("plan file name `{}` makes a poor URL", p.id),
            )
            .help(format!(
                "name plan files after their period with letters, digits and `-`, e.g. `{}.yaml`",
                crate::model::slug::slugify(&p.id)
            )),
        );
    }
    if plan.status == PlanStatus::Agreed && plan.objectives.iter().all(|o| o.internal) {
        diags.push(
            Diagnostic::warning(
                "empty-plan",
                f,
                Pos::START,
                "agreed plan has no shared objective: the customer's page will show none",
            )
            .help("add `objectives:` with at least one item that is not `internal: true`"),
        );
    }
    for (key, items) in [
        ("objectives", &plan.objectives),
        ("customer_priorities", &plan.customer_priorities),
        ("milestones", &plan.milestones),
        ("meetings", &plan.governance.meetings),
    ] {
        empty_items(f, key, items, diags);
    }

    let contacts: Vec<&str> = doc.account.contacts.iter().map(|c| c.name.as_str()).collect();
    initiatives(doc, f, plan, &contacts, diags);
    peers(doc, f, plan, &contacts, diags);
    kpis(f, plan, diags);
}

/// Initiatives: a title, each once, and a customer-side owner who is a contact.
fn initiatives(doc: &AccountDoc, f: &SourceFile, plan: &Plan, contacts: &[&str], diags: &mut Diagnostics) {
    let mut titles = HashSet::new();
    for (n, i) in plan.initiatives.iter().enumerate() {
        if i.title.trim().is_empty() {
            diags.push(
                at(
                    "missing-key",
                    f,
                    &path("initiatives", "title", n, &[]),
                    "initiative has an empty `title`".into(),
                    false,
                )
                .help("name the initiative: it is what both sides will refer to"),
            );
            continue;
        }
        if !titles.insert(i.title.trim().to_lowercase()) {
            diags.push(
                at(
                    "duplicate-id",
                    f,
                    &path("initiatives", "title", n, &[i.title.as_str()]),
                    format!("initiative `{}` is listed twice", i.title),
                    true,
                )
                .help(
                    "keep one entry per initiative; the comparison with the previous plan matches initiatives by title",
                ),
            );
        }
        // Internal initiatives never reach the customer, so how their owner
        // would be shown there does not matter.
        if let Some(owner) = i.owner_theirs.as_ref().filter(|_| !i.internal) {
            let then = ["owner_theirs", owner.as_str()];
            let at = path("initiatives", "title", n, &then);
            unknown_person(doc, f, &at, owner, "owner_theirs", contacts, diags);
        }
    }
}

/// Peer pairs shared with the customer name a contact on their side.
fn peers(doc: &AccountDoc, f: &SourceFile, plan: &Plan, contacts: &[&str], diags: &mut Diagnostics) {
    for (n, pair) in plan
        .governance
        .peer_pairs
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.internal)
    {
        unknown_person(
            doc,
            f,
            &Path {
                list_key: "peer_pairs",
                item_key: "theirs",
                index: n,
                then: &[pair.theirs.as_str()],
            },
            &pair.theirs,
            "peer",
            contacts,
            diags,
        );
    }
}

/// KPIs: each once, with the baseline and target their progress needs.
fn kpis(f: &SourceFile, plan: &Plan, diags: &mut Diagnostics) {
    let mut names = HashSet::new();
    for (n, k) in plan.kpis.iter().enumerate() {
        if !names.insert(k.name.trim().to_lowercase()) {
            diags.push(
                at(
                    "duplicate-id",
                    f,
                    &path("kpis", "name", n, &[k.name.as_str()]),
                    format!("KPI `{}` is listed twice", k.name),
                    true,
                )
                .help("keep one entry per KPI; the comparison with the previous plan matches KPIs by name"),
            );
        }
        for (key, v) in [("baseline", k.baseline), ("current", k.current), ("target", k.target)] {
            if let Some(v) = v.filter(|v| !v.is_finite()) {
                diags.push(
                    at(
                        "out-of-range",
                        f,
                        &path("kpis", "name", n, &[k.name.as_str()]),
                        format!("{key} of KPI `{}` is {v}, not a number kamsite can use", k.name),
                        false,
                    )
                    .help(format!("write {key} as a plain number, e.g. 95, or leave it out")),
                );
            }
        }
        let missing: Vec<&str> = [("baseline", k.baseline), ("target", k.target)]
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            diags.push(
                at(
                    "incomplete-kpi",
                    f,
                    &path("kpis", "name", n, &[k.name.as_str()]),
                    format!(
                        "KPI `{}` has no `{}`: its progress cannot be shown",
                        k.name,
                        missing.join("` or `")
                    ),
                    true,
                )
                .help("give every plan KPI a `baseline`, a `current` value and a `target`"),
            );
        }
    }
}

fn empty_items(f: &SourceFile, key: &str, items: &[PlanItem], diags: &mut Diagnostics) {
    if items.iter().any(|i| i.text.trim().is_empty()) {
        diags.push(
            at(
                "empty-item",
                f,
                &Path {
                    list_key: key,
                    item_key: "",
                    index: 0,
                    then: &[],
                },
                format!("`{key}` has an empty item"),
                false,
            )
            .help("write the item's text, or remove the line"),
        );
    }
}

/// A customer-side name in a plan that is not a contact of the account.
fn unknown_person(
    doc: &AccountDoc,
    f: &SourceFile,
    path: &Path,
    name: &str,
    what: &str,
    contacts: &[&str],
    diags: &mut Diagnostics,
) {
    if crate::model::names::find_contact(&doc.account, name).is_some() {
        return;
    }
    let d = at(
        "unknown-contact",
        f,
        path,
        format!("{what} `{name}` is not a contact of this account; it is shown as written, without a title"),
        true,
    );
    diags.push(match did_you_mean(name, contacts.iter().copied()) {
        Some(s) => d.help(format!(
            "did you mean `{s}`? Or add the person to `contacts` in account.yaml"
        )),
        None => d.help("add the person to `contacts` in account.yaml, or use a contact's id"),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_the_nth_item() {
        let f = SourceFile::new(
            "p.yaml",
            "objectives:\n  - a subtitle: x\ninitiatives:\n  - title: A\n    owner_theirs: Eve\n  - { title: A, owner_theirs: Eve }\n",
        );
        let path = |index, then| Path {
            list_key: "initiatives",
            item_key: "title",
            index,
            then,
        };
        let (pos, len) = locate(&f, &path(1, &["owner_theirs", "Eve"]));
        assert_eq!((pos.line, pos.column, len), (6, 31, 3));
        let (pos, _) = locate(&f, &path(0, &["A"]));
        assert_eq!((pos.line, pos.column), (4, 12));
        // What is not found falls back to the last match.
        let (pos, _) = locate(&f, &path(5, &[]));
        assert_eq!((pos.line, pos.column), (6, 7));
        assert_eq!(find_key("subtitle: x\ntitle: y", 0, "title"), Some(12));
    }
}
