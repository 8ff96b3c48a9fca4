//! Attention items: what on the portfolio needs someone's action (SPEC 5).
//!
//! The rules, relative to `today`, with "older than N days" meaning
//! today - date > N and N = `stale_after_days`:
//! - `review_overdue`: review_by is before today.
//! - `account_stale`: an active account in a key tier whose newest note is
//!   older than N days, or that has no note.
//! - `contact_stale`: a contact of an active account whose last_contact is
//!   missing or older than N days.
//! - `missing_owner` / `missing_sponsor`: an active account in a key tier
//!   without one.
//! - `blocker_decision_maker`: a decision-maker with stance -2 or -3.

use jiff::civil::Date;
use serde::Serialize;

use super::{AccountView, days_between, is_older_than};
use crate::config::SiteConfig;
use crate::model::{AccountDoc, Role, Status};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttentionKind {
    ReviewOverdue,
    AccountStale,
    ContactStale,
    MissingOwner,
    MissingSponsor,
    BlockerDecisionMaker,
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
        }
    }
}

/// One item of `/data/attention.json`: `{slug, kind, reason}`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Attention {
    pub slug: String,
    pub kind: AttentionKind,
    pub reason: String,
}

/// Every attention item of the portfolio, by account slug, then rule order.
pub fn collect(
    cfg: &SiteConfig,
    docs: &[AccountDoc],
    views: &[AccountView],
    today: Date,
) -> Vec<Attention> {
    let n = cfg.stale_after_days;
    let mut out = Vec::new();
    for (doc, v) in docs.iter().zip(views) {
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
                    "Account review was due {} ({} days ago)",
                    r.value,
                    days_between(r.value, today)
                ),
            );
        }
        if key_active {
            match v.last_note {
                None => push(
                    AttentionKind::AccountStale,
                    "Key account with no notes".into(),
                ),
                Some(d) if is_older_than(d, today, n) => push(
                    AttentionKind::AccountStale,
                    format!(
                        "Newest note is from {d}, {} days ago (limit {n})",
                        days_between(d, today)
                    ),
                ),
                _ => {}
            }
        }
        if active {
            for c in &v.contacts {
                match c.last_contact {
                    None => push(
                        AttentionKind::ContactStale,
                        format!("{} ({}) has no recorded last contact", c.name, c.id),
                    ),
                    Some(d) if is_older_than(d, today, n) => push(
                        AttentionKind::ContactStale,
                        format!(
                            "{} ({}) last contacted {d}, {} days ago",
                            c.name,
                            c.id,
                            days_between(d, today)
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
            if c.role == Some(Role::DecisionMaker) && matches!(c.stance, Some(-3) | Some(-2)) {
                push(
                    AttentionKind::BlockerDecisionMaker,
                    format!(
                        "Decision-maker {} ({}) stands as {} ({})",
                        c.name,
                        c.id,
                        c.stance_label.to_lowercase(),
                        c.stance.unwrap_or(0)
                    ),
                );
            }
        }
    }
    out
}
