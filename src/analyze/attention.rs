//! Attention items: what on the portfolio needs someone's action (SPEC 5).
//!
//! The rules, relative to `today`, with "older than N days" meaning
//! today - date > N and N = `stale_after_days`:
//! - `review_overdue`: review_by is before today.
//! - `account_stale`: an active account in a key tier whose newest note is
//!   older than N days, or that has no note. When the site's git history
//!   is read, the account's last commit counts beside its notes: the
//!   account is stale when the newer of the two is older than N days.
//! - `contact_stale`: a contact of an active account whose last_contact is
//!   missing or older than N days.
//! - `missing_owner` / `missing_sponsor`: an active account in a key tier
//!   without one.
//! - `blocker_decision_maker`: a decision-maker with stance -2 or -3.
//! - `assessment_due` (SPEC 9): per framework, the latest assessment is
//!   older than the framework's `stale_after_days`, or an active key-tier
//!   account has none; never for a former account (see `assessments::due_reasons`).

use jiff::civil::Date;
use serde::Serialize;

use super::{AccountView, days_between, is_older_than};
use crate::config::SiteConfig;
use crate::model::{AccountDoc, Role, Status};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttentionKind {
    ReviewOverdue,
    AccountStale,
    ContactStale,
    MissingOwner,
    MissingSponsor,
    BlockerDecisionMaker,
    AssessmentDue,
}

impl AttentionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttentionKind::ReviewOverdue => "review_overdue",
            AttentionKind::AccountStale => "account_stale",
            AttentionKind::ContactStale => "contact_stale",
            AttentionKind::MissingOwner => "missing_owner",
            AttentionKind::MissingSponsor => "missing_sponsor",
            AttentionKind::BlockerDecisionMaker => "blocker_decision_maker",
            AttentionKind::AssessmentDue => "assessment_due",
        }
    }
}

/// One item of `/data/attention.json`: `{slug, kind, reason}`.
#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Attention {
    pub slug: String,
    pub kind: AttentionKind,
    pub reason: String,
}

fn days(n: i64) -> String {
    if n == 1 { "1 day".into() } else { format!("{n} days") }
}

/// One account's attention items, in rule order.
pub fn of_account(cfg: &SiteConfig, doc: &AccountDoc, v: &AccountView, today: Date) -> Vec<Attention> {
    let n = cfg.stale_after_days;
    let mut out = Vec::new();
    {
        let a = &doc.account;
        let active = a.status == Status::Active;
        let key_active = active && v.is_key;
        let mut push = |kind, reason: String| {
            out.push(Attention {
                slug: doc.slug.clone(),
                kind,
                reason,
            })
        };
        if let Some(r) = &a.review_by
            && r.value < today
        {
            push(
                AttentionKind::ReviewOverdue,
                format!(
                    "Account review was due {} ({} ago)",
                    r.value,
                    days(days_between(r.value, today))
                ),
            );
        }
        if key_active {
            match (v.last_note, v.last_changed) {
                (None, None) => push(AttentionKind::AccountStale, "Key account with no notes".into()),
                (Some(d), c) if c.is_none_or(|c| c <= d) => {
                    if is_older_than(d, today, n) {
                        push(
                            AttentionKind::AccountStale,
                            format!(
                                "Newest note is from {d}, {} ago (limit {n})",
                                days(days_between(d, today))
                            ),
                        )
                    }
                }
                (note, Some(c)) => {
                    if is_older_than(c, today, n) {
                        let note = note.map_or("no note".to_string(), |d| format!("newest note {d}"));
                        push(
                            AttentionKind::AccountStale,
                            format!(
                                "Last changed in git {c}, {} ago; {note} (limit {n})",
                                days(days_between(c, today))
                            ),
                        )
                    }
                }
                (Some(_), None) => {}
            }
        }
        if active {
            for c in &v.contacts {
                match c.last_contact() {
                    None => push(
                        AttentionKind::ContactStale,
                        format!("{} ({}) has no recorded last contact", c.name(), c.id()),
                    ),
                    Some(d) if is_older_than(d, today, n) => push(
                        AttentionKind::ContactStale,
                        format!(
                            "{} ({}) last contacted {d}, {} ago",
                            c.name(),
                            c.id(),
                            days(days_between(d, today))
                        ),
                    ),
                    _ => {}
                }
            }
        }
        if key_active && a.owner.as_deref().is_none_or(|s| s.trim().is_empty()) {
            push(
                AttentionKind::MissingOwner,
                "Key account without a key account manager (owner)".into(),
            );
        }
        if key_active && a.sponsor.as_deref().is_none_or(|s| s.trim().is_empty()) {
            push(
                AttentionKind::MissingSponsor,
                "Key account without an executive sponsor".into(),
            );
        }
        for c in &v.contacts {
            if c.role() == Some(Role::DecisionMaker) && matches!(c.stance(), Some(-3) | Some(-2)) {
                push(
                    AttentionKind::BlockerDecisionMaker,
                    format!(
                        "Decision-maker {} ({}) stands as {} ({})",
                        c.name(),
                        c.id(),
                        c.stance_label().to_lowercase(),
                        c.stance().unwrap_or(0)
                    ),
                );
            }
        }
        for reason in super::assessments::due_reasons(v) {
            push(AttentionKind::AssessmentDue, reason);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;
    use crate::load::yaml::{Fragment, parse};
    use crate::model::{AccountDoc, NoteDoc, NoteMeta, Site};
    use crate::source::SourceFile;

    fn account(slug: &str, yaml: &str, note_dates: &[&str]) -> AccountDoc {
        let file = SourceFile::new(format!("accounts/{slug}/account.yaml"), yaml);
        let account = parse(&file, yaml, Fragment::default()).unwrap();
        let notes = note_dates
            .iter()
            .map(|d| {
                let text = format!("date: {d}\n");
                let nf = SourceFile::new("n.md", text.clone());
                let meta: NoteMeta = parse(&nf, &text, Fragment::default()).unwrap();
                NoteDoc::new(d.to_string(), nf, meta, &Default::default())
            })
            .collect();
        AccountDoc {
            slug: slug.into(),
            file: crate::source::HeldFile::new(file),
            account,
            notes,
            reviews: vec![],
            plans: vec![],
        }
    }

    fn kinds(accounts: Vec<AccountDoc>) -> Vec<(String, &'static str)> {
        let site = Site {
            config: SiteConfig::default(),
            config_file: None,
            accounts,
        };
        let today: Date = "2026-11-23".parse().unwrap();
        let p = crate::analyze::analyze(&site, today);
        p.accounts
            .iter()
            .flat_map(|a| &a.attention)
            .map(|a| (a.slug.clone(), a.kind.as_str()))
            .collect()
    }

    const KEY: &str = "name: K\nstatus: active\ntier: diamond\nowner: O\nsponsor: S\n";

    #[test]
    fn note_exactly_n_days_old_is_not_stale() {
        assert!(kinds(vec![account("a", KEY, &["2026-08-25"])]).is_empty());
        assert_eq!(
            kinds(vec![account("a", KEY, &["2026-08-24"])]),
            [("a".into(), "account_stale")]
        );
        // The newest note counts, not the oldest.
        assert!(kinds(vec![account("a", KEY, &["2025-01-01", "2026-11-01"])]).is_empty());
    }

    #[test]
    fn only_active_key_accounts_go_stale_or_lack_owners() {
        assert_eq!(kinds(vec![account("a", KEY, &[])]), [("a".into(), "account_stale")]);
        let not_key = "name: N\nstatus: active\ntier: opportunistic\n";
        assert!(kinds(vec![account("n", not_key, &[])]).is_empty());
        let former = "name: F\nstatus: former\ntier: diamond\n";
        assert!(kinds(vec![account("f", former, &[])]).is_empty());
        let bare = "name: B\nstatus: active\ntier: portfolio\n";
        assert_eq!(
            kinds(vec![account("b", bare, &["2026-11-20"])]),
            [("b".into(), "missing_owner"), ("b".into(), "missing_sponsor")]
        );
    }

    #[test]
    fn contacts_go_stale_in_active_accounts_only() {
        let yaml = format!(
            "{KEY}contacts:\n  - {{ id: a, name: A, last_contact: 2026-08-25 }}\n  - {{ id: b, name: B, last_contact: 2026-08-24 }}\n  - {{ id: c, name: C }}\n"
        );
        assert_eq!(
            kinds(vec![account("k", &yaml, &["2026-11-01"])]),
            [("k".into(), "contact_stale"), ("k".into(), "contact_stale")]
        );
        let former = yaml.replace("status: active", "status: former");
        assert!(kinds(vec![account("k", &former, &[])]).is_empty());
    }

    #[test]
    fn review_due_is_strictly_before_today() {
        let due_today = format!("{KEY}review_by: 2026-11-23\n");
        assert!(kinds(vec![account("a", &due_today, &["2026-11-01"])]).is_empty());
        let overdue = format!("{KEY}review_by: 2026-11-22\n");
        assert_eq!(
            kinds(vec![account("a", &overdue, &["2026-11-01"])]),
            [("a".into(), "review_overdue")]
        );
    }

    #[test]
    fn blockers_are_decision_makers_at_minus_two_or_worse() {
        let yaml = format!(
            "{KEY}contacts:\n  - {{ id: a, name: A, role: decision-maker, stance: -2, last_contact: 2026-11-01 }}\n  - {{ id: b, name: B, role: decision-maker, stance: -1, last_contact: 2026-11-01 }}\n  - {{ id: c, name: C, role: influencer, stance: -3, last_contact: 2026-11-01 }}\n"
        );
        assert_eq!(
            kinds(vec![account("a", &yaml, &["2026-11-01"])]),
            [("a".into(), "blocker_decision_maker")]
        );
    }
}
