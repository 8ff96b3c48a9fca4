//! One review as the pages and the analysis read it, built from the site's
//! review files, and the calendar quarters reviews are counted in.

use jiff::civil::Date;
use serde::Serialize;

use crate::analyze::AccountView;
use crate::config::Reason;
use crate::model::{Outcome, Site};

/// A reason of a review, resolved against the taxonomy.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// One review as pages and the analysis read it.
#[derive(Debug, Serialize)]
pub struct ReviewView<'a> {
    /// The account's slug and name.
    pub slug: &'a str,
    pub account: &'a str,
    /// File stem, unique within the account; the URL segment.
    pub id: &'a str,
    /// The linked opportunity's title, or the free title.
    pub title: &'a str,
    /// The opportunity id when the review links one of the account's opportunities.
    pub opportunity: Option<&'a str>,
    pub outcome: Option<Outcome>,
    pub date: Option<Date>,
    pub quarter: Option<String>,
    pub value: Option<f64>,
    pub competitors: Vec<&'a str>,
    pub winner: Option<&'a str>,
    pub stage_reached: Option<&'a str>,
    /// Primary first.
    pub reasons: Vec<ReasonRef<'a>>,
    pub interviewed: bool,
    pub lessons: &'a [String],
    pub tier_id: Option<&'a str>,
    pub tier: Option<&'a str>,
    /// Position of the tier in the configured order, for sorting.
    pub tier_index: Option<usize>,
    pub industry: Option<&'a str>,
    pub region: Option<&'a str>,
    /// The narrative (Markdown); rendered by the page, not serialised.
    #[serde(skip)]
    pub body: &'a str,
}

/// The calendar quarter of a date: 2026-02-19 -> "2026-Q1".
pub fn quarter_of(date: Date) -> String {
    format!("{}-Q{}", date.year(), (date.month() - 1) / 3 + 1)
}

/// Sorts quarters in time order (a plain string sort would misplace years before 1000).
pub(super) fn quarter_sort_key(date: Date) -> String {
    format!(
        "{:08}",
        (i32::from(date.year()) + 10_000) * 4 + i32::from((date.month() - 1) / 3)
    )
}

/// Every quarter from `first` to `last` inclusive ("2025-Q4", "2026-Q1", ...).
pub fn quarter_range(first: Date, last: Date) -> Vec<String> {
    let index = |d: Date| i32::from(d.year()) * 4 + i32::from((d.month() - 1) / 3);
    (index(first)..=index(last))
        .map(|i| format!("{}-Q{}", i.div_euclid(4), i.rem_euclid(4) + 1))
        .collect()
}

/// Every review of the site but drafts, newest first (then by account and
/// file name). `accounts` are the site's account views, in the same order.
pub fn of_site<'a>(site: &'a Site, accounts: &[AccountView<'a>]) -> Vec<ReviewView<'a>> {
    let taxonomy = &site.config.win_loss.reasons;
    let mut reviews: Vec<ReviewView<'a>> = Vec::new();
    for (doc, a) in site.accounts.iter().zip(accounts) {
        for r in doc.reviews.iter().filter(|r| !r.meta.draft) {
            let m = &r.meta;
            let opp_text = m.opportunity.as_ref().map(|o| o.value.as_str());
            let linked = opp_text.and_then(|t| doc.account.opportunities.iter().find(|o| o.id.value == t));
            reviews.push(ReviewView {
                slug: a.slug,
                account: a.name,
                id: &r.id,
                title: linked
                    .map(|o| o.title.as_deref().unwrap_or(&o.id.value))
                    .or(opp_text)
                    .unwrap_or(&r.id),
                opportunity: linked.map(|o| o.id.value.as_str()),
                outcome: m.outcome.as_ref().map(|o| o.value),
                date: r.date(),
                quarter: r.date().map(quarter_of),
                value: m.value.as_ref().map(|v| v.value).filter(|v| v.is_finite()),
                competitors: m
                    .competitors
                    .iter()
                    .map(|c| c.value.trim())
                    .filter(|c| !c.is_empty())
                    .collect(),
                winner: m.winner.as_ref().map(|w| w.value.trim()).filter(|w| !w.is_empty()),
                stage_reached: m.stage_reached.as_deref(),
                reasons: m
                    .reasons
                    .iter()
                    .map(|id| ReasonRef {
                        id: &id.value,
                        name: reason_name(taxonomy, &id.value),
                    })
                    .collect(),
                interviewed: m.interviewed,
                lessons: &m.lessons,
                tier_id: a.tier.as_ref().map(|t| t.id),
                tier: a.tier.as_ref().map(|t| t.name),
                tier_index: a.tier_index,
                industry: a.industry,
                region: a.region,
                body: &r.body,
            });
        }
    }
    reviews.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.slug.cmp(b.slug))
            .then_with(|| a.id.cmp(b.id))
    });
    reviews
}

/// The name of the reason `id` in the taxonomy, or the id when it is not there.
pub(super) fn reason_name<'t>(taxonomy: &'t [Reason], id: &'t str) -> &'t str {
    taxonomy
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.name.as_str())
        .unwrap_or(id)
}
