//! Tests of the win/loss analysis, over review lists built by hand.

use super::*;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn taxonomy() -> Vec<Reason> {
    crate::config::default_reasons()
}

/// A review with what the analysis reads; the rest left empty.
fn rv(
    outcome: Option<Outcome>,
    date: &str,
    competitors: &[&'static str],
    winner: Option<&'static str>,
    reasons: &[&'static str],
    value: Option<f64>,
) -> ReviewView<'static> {
    ReviewView {
        slug: "acme",
        account: "Acme",
        id: "r",
        title: "Deal",
        opportunity: None,
        outcome,
        date: Some(d(date)),
        quarter: Some(quarter_of(d(date))),
        value,
        competitors: competitors.to_vec(),
        winner,
        stage_reached: None,
        reasons: reasons.iter().map(|r| ReasonRef { id: r, name: r }).collect(),
        interviewed: false,
        lessons: &[],
        tier_id: None,
        tier: None,
        tier_index: None,
        industry: None,
        region: None,
        body: "",
    }
}

const WON: Option<Outcome> = Some(Outcome::Won);
const LOST: Option<Outcome> = Some(Outcome::Lost);
const NONE: Option<Outcome> = Some(Outcome::NoDecision);

fn all(n: usize) -> Vec<usize> {
    (0..n).collect()
}

#[test]
fn one_deal_with_many_competitors_gives_each_a_bounded_list_of_the_others() {
    let names: Vec<&'static str> = (0..300)
        .flat_map(|i| [format!("Rival {i:03}"), format!("RIVAL {i:03}")])
        .map(|n| &*Box::leak(n.into_boxed_str()))
        .collect();
    let reviews = vec![
        rv(LOST, "2026-01-10", &names, Some("Rival 299"), &[], None),
        rv(WON, "2026-02-10", &["Rival 299"], None, &[], None),
    ];
    let wl = from_reviews(reviews, &[], 0.8);
    // Two spellings of each are one competitor.
    assert_eq!(wl.overall.competitors.len(), 300);
    assert_eq!(wl.overall.competitors_more, 0);
    assert_eq!(
        wl.overall.competitors[0].competitor, "Rival 299",
        "two deals: first; its spelling of two"
    );
    assert_eq!(wl.overall.competitors[0].tally.deals, 2);
    assert_eq!(wl.overall.competitors[0].their_wins, 1);
    for (c, detail) in wl.overall.competitors.iter().zip(&wl.competitors) {
        assert_eq!(detail.competitors.len(), OTHERS_SHOWN + 1, "{}", c.slug);
        assert_eq!(detail.competitors_more, 300 - OTHERS_SHOWN - 1);
        assert_eq!(detail.tally.deals, c.tally.deals);
    }
    // Within one deal every competitor has one: by slug.
    let first: Vec<&str> = wl.competitors[1]
        .competitors
        .iter()
        .take(3)
        .map(|h| h.slug.as_str())
        .collect();
    assert_eq!(first, ["rival-000", "rival-001", "rival-002"]);
}

#[test]
fn win_rate_is_won_over_closed_and_never_divides_by_zero() {
    assert_eq!(win_rate(2, 1), Some(2.0 / 3.0));
    assert_eq!(win_rate(0, 3), Some(0.0));
    assert_eq!(win_rate(4, 0), Some(1.0));
    assert_eq!(win_rate(0, 0), None);
}

#[test]
fn no_decision_is_its_own_share_not_a_loss() {
    let reviews = vec![
        rv(WON, "2026-01-10", &[], None, &[], Some(100.0)),
        rv(LOST, "2026-02-10", &[], None, &[], Some(40.0)),
        rv(NONE, "2026-03-10", &[], None, &[], Some(7.0)),
        rv(NONE, "2026-03-11", &[], None, &[], None),
    ];
    let t = Tally::of(&reviews, &all(4));
    assert_eq!((t.deals, t.won, t.lost, t.no_decision, t.closed), (4, 1, 1, 2, 2));
    assert_eq!(t.win_rate, Some(0.5));
    assert_eq!(t.no_decision_share, Some(0.5));
    assert_eq!((t.value_won, t.value_lost, t.value_no_decision), (100.0, 40.0, 7.0));
    assert_eq!(t.unvalued, 1);
}

#[test]
fn nothing_closed_has_no_win_rate() {
    let only_open = vec![rv(NONE, "2026-01-10", &[], None, &[], None)];
    let t = Tally::of(&only_open, &all(1));
    assert_eq!(t.win_rate, None);
    assert_eq!(t.no_decision_share, Some(1.0));
    let empty = Tally::of(&[], &[]);
    assert_eq!(empty.win_rate, None);
    assert_eq!(empty.no_decision_share, None);
    // A review without an outcome (an error `check` reports) counts nowhere.
    let broken = vec![rv(None, "2026-01-10", &["X"], None, &["price"], Some(5.0))];
    assert_eq!(Tally::of(&broken, &all(1)), Tally::default());
    let wl = from_reviews(broken, &taxonomy(), 0.8);
    assert!(wl.overall.competitors.is_empty());
    assert!(wl.overall.by_quarter.is_empty());
}

#[test]
fn quarters_are_calendar_quarters() {
    assert_eq!(quarter_of(d("2026-01-01")), "2026-Q1");
    assert_eq!(quarter_of(d("2026-03-31")), "2026-Q1");
    assert_eq!(quarter_of(d("2026-04-01")), "2026-Q2");
    assert_eq!(quarter_of(d("2026-12-31")), "2026-Q4");
    assert_eq!(
        quarter_range(d("2025-11-02"), d("2026-04-30")),
        ["2025-Q4", "2026-Q1", "2026-Q2"]
    );
    assert_eq!(quarter_range(d("2026-02-01"), d("2026-02-02")), ["2026-Q1"]);
}

#[test]
fn head_to_head_counts_every_deal_a_competitor_was_in() {
    let reviews = vec![
        // Won against Vektor and Halden (our own name as winner is not a competitor).
        rv(
            WON,
            "2026-01-10",
            &["Vektor", "Halden"],
            Some("Nordlys"),
            &[],
            Some(10.0),
        ),
        // Lost to Vektor.
        rv(LOST, "2026-02-10", &["Vektor"], Some("Vektor"), &[], Some(20.0)),
        // Lost to Castell, who is not listed: the winner counts too.
        rv(LOST, "2026-02-11", &["Halden"], Some("Castell"), &[], Some(30.0)),
        // No decision with Vektor: a deal, but neither won nor lost.
        rv(NONE, "2026-03-10", &["vektor"], None, &[], Some(40.0)),
        // Lost, and the winner field names us by mistake: not a competitor.
        rv(LOST, "2026-03-11", &["Halden", "Halden"], Some("Nordlys"), &[], None),
    ];
    let ours = our_names(&reviews);
    assert_eq!(ours, HashSet::from(["nordlys".to_string()]));
    let h = head_to_head(&reviews, &all(reviews.len()), &ours);
    let row = |name: &str| {
        let c = h.iter().find(|c| c.competitor == name).unwrap();
        (c.tally.deals, c.tally.won, c.tally.lost, c.tally.win_rate, c.their_wins)
    };
    assert_eq!(row("Vektor"), (3, 1, 1, Some(0.5), 1));
    assert_eq!(row("Halden"), (3, 1, 2, Some(1.0 / 3.0), 0));
    assert_eq!(row("Castell"), (1, 0, 1, Some(0.0), 1));
    assert_eq!(h.len(), 3, "Nordlys is us, not a competitor");
    // Most deals first, ties by slug.
    let order: Vec<&str> = h.iter().map(|c| c.competitor.as_str()).collect();
    assert_eq!(order, ["Halden", "Vektor", "Castell"]);
    let vektor = h.iter().find(|c| c.slug == "vektor").unwrap();
    assert_eq!((vektor.tally.value_won, vektor.tally.value_lost), (10.0, 20.0));
    assert_eq!(vektor.reviews, [0, 1, 3]);
}

#[test]
fn a_review_is_won_by_outcome_not_by_winner() {
    // The winner field disagrees with the outcome: the outcome decides.
    let reviews = vec![rv(WON, "2026-01-10", &["Vektor"], Some("Vektor"), &[], None)];
    let h = head_to_head(&reviews, &[0], &our_names(&reviews));
    assert_eq!((h[0].tally.won, h[0].tally.lost, h[0].their_wins), (1, 0, 0));
    assert!(our_names(&reviews).is_empty(), "a listed competitor is never us");
}

#[test]
fn reasons_rank_by_primary_then_mentions_then_id() {
    let reviews = vec![
        rv(WON, "2026-01-10", &[], None, &["references", "price"], None),
        rv(WON, "2026-01-11", &[], None, &["price", "references", "scope"], None),
        rv(WON, "2026-01-12", &[], None, &["scope", "timing"], None),
        rv(WON, "2026-01-13", &["X"], None, &["relationship", "relationship"], None),
        rv(LOST, "2026-01-14", &[], None, &["price", "scope"], None),
        rv(NONE, "2026-01-15", &[], None, &["no-decision", "price"], None),
    ];
    let won = reason_ranking(&reviews, &all(6), Outcome::Won, &taxonomy());
    let got: Vec<(&str, usize, usize)> = won.iter().map(|r| (r.reason.as_str(), r.primary, r.mentions)).collect();
    assert_eq!(
        got,
        [
            // primary 1 each: mentions decide (price 2, references 2, scope 2), then id.
            ("price", 1, 2),
            ("references", 1, 2),
            ("scope", 1, 2),
            ("relationship", 1, 1),
            ("timing", 0, 1),
        ]
    );
    assert_eq!(won[0].name, "Price");
    let lost = reason_ranking(&reviews, &all(6), Outcome::Lost, &taxonomy());
    let got: Vec<(&str, usize, usize)> = lost
        .iter()
        .map(|r| (r.reason.as_str(), r.primary, r.mentions))
        .collect();
    assert_eq!(got, [("price", 1, 1), ("scope", 0, 1)]);
    // No-decision reasons rank apart and in neither list above.
    assert!(won.iter().chain(&lost).all(|r| r.reason != "no-decision"));
    let none = reason_ranking(&reviews, &all(6), Outcome::NoDecision, &taxonomy());
    assert_eq!(none[0].reason, "no-decision");
}

#[test]
fn groups_sort_deterministically_with_unset_last() {
    let mut reviews = vec![
        rv(WON, "2026-05-10", &[], None, &[], None),
        rv(LOST, "2025-12-10", &[], None, &[], None),
        rv(WON, "2026-01-10", &[], None, &[], None),
        rv(WON, "2026-01-11", &[], None, &[], None),
    ];
    reviews[0].tier_id = Some("portfolio");
    reviews[0].tier = Some("Portfolio");
    reviews[0].tier_index = Some(2);
    reviews[0].industry = Some("Retail");
    reviews[1].tier_id = Some("diamond");
    reviews[1].tier = Some("Diamond");
    reviews[1].tier_index = Some(0);
    reviews[1].industry = Some("energy");
    reviews[2].industry = Some("Energy");
    let wl = from_reviews(reviews, &taxonomy(), 0.8);
    let tiers: Vec<(&str, bool)> = wl.by_tier.iter().map(|g| (g.key.as_str(), g.unset)).collect();
    assert_eq!(tiers, [("diamond", false), ("portfolio", false), ("none", true)]);
    // Spellings that differ only in case are one industry, labelled as first seen (newest review first).
    let industries: Vec<(&str, usize)> = wl
        .by_industry
        .iter()
        .map(|g| (g.label.as_str(), g.tally.deals))
        .collect();
    assert_eq!(industries, [("energy", 2), ("Retail", 1), ("Not set", 1)]);
    let quarters: Vec<(&str, Option<f64>)> = wl
        .overall
        .by_quarter
        .iter()
        .map(|g| (g.key.as_str(), g.tally.win_rate))
        .collect();
    assert_eq!(
        quarters,
        [("2025-Q4", Some(0.0)), ("2026-Q1", Some(1.0)), ("2026-Q2", Some(1.0))]
    );
    assert_eq!(wl.quarter_axis, ["2025-Q4", "2026-Q1", "2026-Q2"]);
    assert_eq!(wl.quarters.len(), 3);
    assert_eq!(wl.quarters[1].tally.won, 2);
}
