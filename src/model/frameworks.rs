//! The built-in KAM frameworks site.yaml defaults to: the three portfolio
//! matrix presets (McDonald & Rogers, KAISM, CPM, Gosselin & Bauwen), the four tiers, the six
//! KARD relationship stages and the win/loss reason taxonomy.

use super::config::{Axis, Matrix, Preset, Quadrants, Reason, Stage, Tier};

fn axis(name: &str, factors: &[(&str, f64)]) -> Axis {
    Axis {
        name: name.into(),
        threshold: 5.0,
        factors: factors.iter().map(|(k, w)| (k.to_string(), *w)).collect(),
    }
}

fn quads(tr: &str, tl: &str, br: &str, bl: &str) -> Quadrants<String> {
    Quadrants {
        top_right: tr.into(),
        top_left: tl.into(),
        bottom_right: br.into(),
        bottom_left: bl.into(),
    }
}

/// The built-in matrices. All three read the same factor ids, so a site can
/// switch preset with a one-line change and keep its account files.
pub fn preset_matrix(preset: Preset) -> Matrix {
    let attractiveness = [("growth", 3.0), ("profitability", 2.0), ("reference_value", 1.0)];
    let strength = [("relationship", 2.0), ("price_position", 1.0), ("delivery_record", 1.0)];
    match preset {
        Preset::Mcdonald => Matrix {
            preset: Some(preset),
            model: "McDonald & Rogers KAM portfolio".into(),
            vertical: axis("Account attractiveness", &attractiveness),
            horizontal: axis("Relative strength", &strength),
            quadrants: quads("Strategic", "Star", "Status", "Streamline"),
            strategies: quads(
                "Invest mindshare and resources; ensure the relationship stays profitable.",
                "Invest time and money to build strength; need not be profitable yet.",
                "Maintain: keep service efficient and protect the position.",
                "Manage for profitability: streamline service and cost to serve.",
            ),
        },
        Preset::Kaism => Matrix {
            preset: Some(preset),
            model: "KAISM (Cheverton)".into(),
            vertical: axis("Customer attractiveness", &attractiveness),
            horizontal: axis("Our attractiveness to them", &strength),
            quadrants: quads("Key account", "Key development", "Maintenance", "Opportunistic"),
            strategies: quads(
                "Second budget priority: protect and deepen the partnership.",
                "First budget priority: invest to become their preferred supplier.",
                "Third budget priority: serve efficiently and hold the position.",
                "Lowest budget priority: serve when it pays, with minimal cost.",
            ),
        },
        Preset::Cpm => Matrix {
            preset: Some(preset),
            model: "Customer portfolio matrix, CPM (Thakur & Workman)".into(),
            vertical: axis(
                "Value to the company",
                &[("profitability", 2.0), ("growth", 1.0), ("reference_value", 1.0)],
            ),
            horizontal: axis("Cost to serve", &[("cost_to_serve", 1.0)]),
            quadrants: quads("Gold", "Platinum", "Bronze", "Silver"),
            strategies: quads(
                "Lower the cost to serve while protecting the value.",
                "Retain and reward: these accounts fund the business.",
                "Reprice or reduce service; consider whether to keep serving.",
                "Grow value with low-touch, efficient service.",
            ),
        },
        Preset::GosselinBauwen => Matrix {
            preset: Some(preset),
            model: "Account classification (Gosselin & Bauwen)".into(),
            vertical: axis("Relationship proneness", &[("relationship_proneness", 1.0)]),
            horizontal: axis("Competence-development proneness", &[("competence_development", 1.0)]),
            quadrants: quads("Strategic", "Key", "Captive", "Transactional"),
            strategies: quads(
                "Invest in the relationship and in unique solutions developed together: the highest value.",
                "Key account management: a close relationship, with standard solutions.",
                "Develop competences with the customer, with a lighter relationship effort.",
                "Reduce the relationship effort and focus on profit and efficiency.",
            ),
        },
    }
}

/// Every factor id any preset reads.
pub fn builtin_factor_ids() -> Vec<&'static str> {
    vec![
        "growth",
        "profitability",
        "reference_value",
        "relationship",
        "price_position",
        "delivery_record",
        "cost_to_serve",
        "relationship_proneness",
        "competence_development",
    ]
}

fn tier(id: &str, name: &str, key: bool, description: &str) -> Tier {
    Tier {
        id: id.into(),
        name: name.into(),
        key,
        description: Some(description.into()),
    }
}

pub fn default_tiers() -> Vec<Tier> {
    vec![
        tier(
            "diamond",
            "Diamond",
            true,
            "The most strategic relationships, with a dedicated account team and executive sponsor.",
        ),
        tier(
            "foundation",
            "Foundation",
            true,
            "Large, established key accounts that anchor revenue.",
        ),
        tier(
            "portfolio",
            "Portfolio",
            true,
            "Key accounts managed in a lighter-touch portfolio.",
        ),
        tier(
            "opportunistic",
            "Opportunistic",
            false,
            "Served when it pays; not managed as key accounts.",
        ),
    ]
}

pub fn default_stages() -> Vec<Stage> {
    let s = |id: &str, name: &str, d: &str| Stage {
        id: id.into(),
        name: name.into(),
        description: Some(d.into()),
    };
    vec![
        s("pre-kam", "Pre-KAM", "Identifying accounts with key-account potential."),
        s(
            "early-kam",
            "Early-KAM",
            "Exploring opportunities; a bow-tie contact through the buyer.",
        ),
        s(
            "mid-kam",
            "Mid-KAM",
            "Trust built; more contacts on both sides; preferred supplier.",
        ),
        s(
            "partnership-kam",
            "Partnership-KAM",
            "The supplier is an external resource; shared information, typically 3 to 5 years.",
        ),
        s(
            "synergistic-kam",
            "Synergistic-KAM",
            "One entity creating joint value: joint plans, shared resources, joint boards.",
        ),
        s("uncoupling-kam", "Uncoupling-KAM", "The relationship is winding down."),
    ]
}

pub fn default_reasons() -> Vec<Reason> {
    let r = |id: &str, name: &str| Reason {
        id: id.into(),
        name: name.into(),
    };
    vec![
        r("price", "Price"),
        r("product-fit", "Product fit"),
        r("relationship", "Relationship / trust"),
        r("delivery-confidence", "Delivery confidence"),
        r("references", "References"),
        r("incumbent", "Incumbent advantage"),
        r("timing", "Timing / budget"),
        r("no-decision", "No decision"),
        r("scope", "Scope"),
    ]
}
