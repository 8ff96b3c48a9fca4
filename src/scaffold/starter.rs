//! The starter site `kamsite init` writes: a site.yaml with every framework
//! spelled out, two accounts, a note, a review and a plan. Dates are relative
//! to the day of `init`, so the new site builds with no warnings.

use std::fmt::Write as _;

use jiff::civil::Date;

use super::{shift, yaml_str};
use crate::config::SiteConfig;
use crate::schema::{Kind, modeline};

pub(super) fn site_yaml(cfg: &SiteConfig) -> String {
    let m = &cfg.matrix;
    let mut out = String::new();
    let _ = writeln!(out, "{}", modeline("site.yaml", Kind::Site));
    out.push_str(
        "# kamsite site configuration. Every key is optional: the values below are the\n\
         # defaults, written out so you can see and change them. Keep `kamsite serve`\n\
         # running while you edit, or run `kamsite check`.\n\n\
         title: My key accounts\n\
         # company: My Company     # our name as customers see it on their plans; default: the title\n\
         # base_url: https://kam.example.com/   # where the site is published; once set, links\n\
         #                         # are folder links (accounts/) instead of accounts/index.html\n\
         # links: files            # files: accounts/index.html, opens from disk | folders: accounts/\n\
         currency: EUR             # all money values are plain numbers in this currency\n\
         language: en\n\
         # today: 2026-01-31       # pin \"today\" for reproducible builds; default: the build date\n\
         stale_after_days: 90      # no note / contact for longer than this: stale\n\n\
         # The portfolio matrix (McDonald & Rogers by default). Each axis is the weighted\n\
         # mean of factor scores (0..10) from account.yaml `scores`; weights are\n\
         # normalised. A score at or above `threshold` is high (top / right).\n\
         # Presets: mcdonald | kaism | cpm. An axis or `quadrants` written here\n\
         # replaces the preset's whole entry.\n\
         matrix:\n  preset: mcdonald\n",
    );
    for (key, axis) in [("vertical", &m.vertical), ("horizontal", &m.horizontal)] {
        let factors: Vec<String> = axis.factors.iter().map(|(f, w)| format!("{f}: {w}")).collect();
        let _ = writeln!(
            out,
            "  {key}:\n    name: {}\n    threshold: {}\n    factors: {{ {} }}",
            axis.name,
            axis.threshold,
            factors.join(", ")
        );
    }
    let q = &m.quadrants;
    let _ = writeln!(
        out,
        "  quadrants:\n    top_right: {}\n    top_left: {}\n    bottom_right: {}\n    bottom_left: {}",
        q.top_right, q.top_left, q.bottom_right, q.bottom_left
    );
    let s = &m.strategies;
    let _ = writeln!(
        out,
        "  strategies:               # what to do with the accounts of each quadrant\n    top_right: {}\n    top_left: {}\n    bottom_right: {}\n    bottom_left: {}",
        yaml_str(&s.top_right),
        yaml_str(&s.top_left),
        yaml_str(&s.bottom_right),
        yaml_str(&s.bottom_left)
    );
    out.push_str(
        "\n# Tiers, most important first. `key: true` tiers are key accounts: they get\n\
         # staleness, owner and sponsor checks and count towards the 15-35 guidance.\n\
         tiers:\n",
    );
    for t in &cfg.tiers {
        let _ = writeln!(out, "  - id: {}\n    name: {}\n    key: {}", t.id, t.name, t.key);
        if let Some(d) = &t.description {
            let _ = writeln!(out, "    description: {}", yaml_str(d));
        }
    }
    out.push_str("\n# Relationship stages in order: the KARD model (Millman & Wilson).\nstages:\n");
    for st in &cfg.stages {
        let _ = writeln!(out, "  - id: {}\n    name: {}", st.id, st.name);
        if let Some(d) = &st.description {
            let _ = writeln!(out, "    description: {}", yaml_str(d));
        }
    }
    out.push_str(
        "\n# Win/loss reviews: the reason taxonomy (reviews list these ids, primary\n\
         # first) and the win-rate target, won / (won + lost).\n\
         win_loss:\n  reasons:\n",
    );
    for r in &cfg.win_loss.reasons {
        let _ = writeln!(out, "    - {{ id: {}, name: {} }}", r.id, yaml_str(&r.name));
    }
    let _ = writeln!(out, "  target: {}", cfg.win_loss.target);
    out
}

pub(super) fn acme_account(today: Date) -> String {
    let y = today.year();
    let rel = "accounts/acme-industrial/account.yaml";
    format!(
        "{modeline}
# An account: only `name` is required. Scores, financials and contacts feed the
# portfolio matrix, the dashboard and the stakeholder map.
name: Acme Industrial AS
status: active            # prospect | active | former
industry: Manufacturing
region: Nordics
tier: foundation          # an id from site.yaml tiers
stage: partnership-kam    # an id from site.yaml stages
owner: Kari Nordmann      # key account manager (client account lead)
sponsor: Ola Hansen       # executive sponsor
team:
  - {{ name: Per Olsen, role: delivery lead, allocation: 0.4 }}
since: {since}
review_by: {review_by}     # next account-status review
scores:                   # factor id -> 0..10; factors come from site.yaml matrix
  growth: 8
  profitability: 6
  reference_value: 9
  relationship: 7
  price_position: 5
  delivery_record: 8
financials:               # one entry per year; margin and share of wallet are fractions
  - {{ year: {y2}, revenue: 3600000, margin: 0.29, share_of_wallet: 0.35 }}
  - {{ year: {y1}, revenue: 4200000, margin: 0.31, share_of_wallet: 0.40 }}
  - {{ year: {y}, revenue: 4500000, margin: 0.32, share_of_wallet: 0.42 }}
contacts:
  - id: ingrid
    name: Ingrid Berg
    title: CFO
    role: decision-maker   # decision-maker | influencer | gatekeeper | user | buyer | champion
    stance: 2              # -3 blocker .. +3 advocate
    owner: Kari Nordmann   # who on our side holds this relationship
    last_contact: {recent}
  - id: lars
    name: Lars Moe
    title: Head of Operations
    role: champion
    stance: 3
    reports_to: ingrid
    owner: Per Olsen
    last_contact: {recent}
opportunities:             # stage is free text (lead, qualified, proposal, ...)
  - {{ id: erp-rollout, title: ERP roll-out, value: 350000, probability: 0.6,
      stage: proposal, close: {close}, owner: Per Olsen }}
  - {{ id: service-contract, title: Service contract renewal, value: 180000, probability: 1,
      stage: won, close: {won}, owner: Kari Nordmann }}
kpis:
  - {{ name: On-time delivery, unit: \"%\", baseline: 88, current: 93, target: 97, shared: true }}
swot:
  strengths: [Trusted by operations, Strong delivery record]
  weaknesses: [Little contact with the board]
  opportunities: [ERP roll-out across both plants]
  threats: [A low-cost competitor courts purchasing]
",
        modeline = modeline(rel, Kind::Account),
        since = shift(today, -3 * 365),
        review_by = shift(today, 180),
        y = y,
        y2 = y - 2,
        y1 = y - 1,
        recent = shift(today, -7),
        close = shift(today, 60),
        won = shift(today, -45),
    )
}

pub(super) fn acme_note(date: Date) -> String {
    let rel = format!("accounts/acme-industrial/notes/{date}-quarterly-review.md");
    format!(
        "---
{modeline}
date: {date}
title: Quarterly review with operations
kind: meeting             # meeting | call | insight | email | event
attendees: [Ingrid Berg, Lars Moe, Kari Nordmann]
visibility: internal      # internal | shared (shared: also in the customer's site)
---
## Summary

Lars Moe confirmed that on-time delivery is up to 93 %. Ingrid Berg wants the
ERP roll-out decided before the budget round.

## Next steps

- [x] Send the updated delivery report
- [ ] Propose a board-level meeting for Ola Hansen

Compare with [Borealis Foods](../borealis-foods/), where the same roll-out is
at an earlier stage.
",
        modeline = modeline(&rel, Kind::Note),
    )
}

pub(super) fn acme_review(date: Date) -> String {
    let rel = format!("accounts/acme-industrial/reviews/{date}-service-contract.md");
    format!(
        "---
{modeline}
opportunity: service-contract   # an opportunity id from account.yaml, or a free title
outcome: won              # won | lost | no-decision
date: {date}
value: 180000
competitors: [Halden Controls]
stage_reached: negotiation
reasons: [relationship, delivery-confidence]   # ids from site.yaml win_loss.reasons; first is primary
interviewed: true
lessons:
  - The delivery report won the argument, not the price
---
Acme renewed the service contract for three years. Halden Controls offered a
lower price; Ingrid Berg said our delivery record made the difference.
",
        modeline = modeline(&rel, Kind::Review),
    )
}

pub(super) fn acme_plan(today: Date) -> String {
    let year = today.year();
    let rel = format!("accounts/acme-industrial/plans/{year}.yaml");
    format!(
        "{modeline}
# A joint business plan is customer-facing: `kamsite build --audience customer
# --account acme-industrial` prints it for Acme. Items marked internal stay out.
period: \"{year}\"
title: Joint business plan {year}
status: agreed            # draft | agreed
objectives:
  - Raise on-time delivery to 97 %
  - {{ text: Win the ERP roll-out before the budget round, internal: true }}
customer_priorities:
  - Fewer production stops
initiatives:
  - title: Weekly delivery report
    owner_ours: Per Olsen
    owner_theirs: Lars Moe
    due: {due}
    status: active        # planned | active | done | at-risk
kpis:
  - {{ name: On-time delivery, unit: \"%\", baseline: 88, current: 93, target: 97 }}
milestones:
  - \"3 months: delivery report in weekly use\"
  - \"12 months: on-time delivery at 97 %\"
governance:
  cadence: Monthly reviews, six-monthly senior meetings
  peer_pairs:
    - {{ ours: Ola Hansen, theirs: Ingrid Berg }}
",
        modeline = modeline(&rel, Kind::Plan),
        due = shift(today, 90),
    )
}

pub(super) fn borealis_account(today: Date) -> String {
    let rel = "accounts/borealis-foods/account.yaml";
    format!(
        "{modeline}
name: Borealis Foods
status: active
industry: Food and beverage
region: Nordics
tier: opportunistic       # not a key-account tier: lighter checks
stage: early-kam
owner: Per Olsen
since: {since}
review_by: {review_by}
scores:
  growth: 5
  profitability: 4
  reference_value: 3
  relationship: 4
  price_position: 6
  delivery_record: 5
financials:
  - {{ year: {y1}, revenue: 650000, margin: 0.24 }}
  - {{ year: {y}, revenue: 720000, margin: 0.25 }}
contacts:
  - {{ id: nina, name: Nina Strand, title: Purchasing Manager, role: buyer, stance: 0,
      owner: Per Olsen, last_contact: {recent} }}
",
        modeline = modeline(rel, Kind::Account),
        since = shift(today, -400),
        review_by = shift(today, 270),
        y = today.year(),
        y1 = today.year() - 1,
        recent = shift(today, -20),
    )
}
