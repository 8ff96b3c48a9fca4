//! What changed from one joint business plan to the next: objectives and
//! priorities added and dropped, KPI targets moved, initiatives completed,
//! carried over, not continued or new.
//!
//! Works on an [`Outline`] borrowed from either audience's values, so the
//! customer view compares only what both of its plans share.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::InitiativeStatus;
// Plan items match by the name rule: ignoring case, repeated spaces and a final full stop.
use crate::model::names::name_key as key;

/// What [`compare`] needs of a plan, borrowed from either audience's values.
#[derive(Debug, Default)]
pub struct Outline<'a> {
    pub id: &'a str,
    pub period: &'a str,
    pub objectives: Vec<(&'a str, bool)>,
    pub priorities: Vec<(&'a str, bool)>,
    pub kpis: Vec<OutlineKpi<'a>>,
    pub initiatives: Vec<(&'a str, InitiativeStatus, bool)>,
}

#[derive(Debug)]
pub struct OutlineKpi<'a> {
    pub name: &'a str,
    pub unit: Option<&'a str>,
    pub target: Option<f64>,
    pub internal: bool,
}

/// A line of a comparison; `internal` when the item is internal (only the
/// internal audience ever sees such items).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub text: String,
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiMove {
    pub name: String,
    pub unit: Option<String>,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Carried {
    pub title: String,
    pub from: InitiativeStatus,
    pub to: InitiativeStatus,
    pub internal: bool,
}

/// What changed from the previous plan to this one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlanChanges {
    pub previous_id: String,
    pub previous_period: String,
    pub objectives_added: Vec<Change>,
    pub objectives_dropped: Vec<Change>,
    pub objectives_kept: usize,
    pub priorities_added: Vec<Change>,
    pub priorities_dropped: Vec<Change>,
    pub kpi_targets_moved: Vec<KpiMove>,
    pub kpis_added: Vec<Change>,
    pub kpis_dropped: Vec<Change>,
    /// Initiatives of the previous plan that are done (there or here).
    pub initiatives_completed: Vec<Change>,
    /// Open initiatives of the previous plan that continue in this one.
    pub initiatives_carried_over: Vec<Carried>,
    /// Open initiatives of the previous plan that this one no longer has.
    pub initiatives_dropped: Vec<Change>,
    pub initiatives_new: Vec<Change>,
    /// Nothing added, dropped, moved, completed or carried over.
    pub unchanged: bool,
}

/// Index of the first item with each key: lookups in n log n overall,
/// not every item against every other (a plan may list thousands).
fn first_by_key<'s, T>(items: &'s [T], text: impl Fn(&'s T) -> &'s str) -> HashMap<String, usize> {
    let mut index = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        index.entry(key(text(item))).or_insert(i);
    }
    index
}

fn diff(prev: &[(&str, bool)], cur: &[(&str, bool)]) -> (Vec<Change>, Vec<Change>, usize) {
    let prev_keys = first_by_key(prev, |(t, _)| t);
    let cur_keys = first_by_key(cur, |(t, _)| t);
    let change = |(t, i): &(&str, bool)| Change {
        text: t.to_string(),
        internal: *i,
    };
    let in_prev: Vec<bool> = cur.iter().map(|(t, _)| prev_keys.contains_key(&key(t))).collect();
    let added = cur
        .iter()
        .zip(&in_prev)
        .filter(|(_, p)| !**p)
        .map(|(c, _)| change(c))
        .collect();
    let dropped = prev
        .iter()
        .filter(|(t, _)| !cur_keys.contains_key(&key(t)))
        .map(change)
        .collect();
    let kept = in_prev.iter().filter(|p| **p).count();
    (added, dropped, kept)
}

/// Compare plan `cur` with the plan before it, `prev`.
pub fn compare(prev: &Outline, cur: &Outline) -> PlanChanges {
    let (objectives_added, objectives_dropped, objectives_kept) = diff(&prev.objectives, &cur.objectives);
    let (priorities_added, priorities_dropped, _) = diff(&prev.priorities, &cur.priorities);

    let cur_kpis = first_by_key(&cur.kpis, |k| k.name);
    let prev_kpis = first_by_key(&prev.kpis, |k| k.name);
    let mut kpi_targets_moved = Vec::new();
    let mut kpis_dropped = Vec::new();
    for p in &prev.kpis {
        match cur_kpis.get(&key(p.name)).map(|&i| &cur.kpis[i]) {
            Some(c) => {
                let moved = match (p.target, c.target) {
                    (Some(a), Some(b)) => (a - b).abs() > 1e-9,
                    (None, None) => false,
                    _ => true,
                };
                if moved {
                    kpi_targets_moved.push(KpiMove {
                        name: c.name.to_string(),
                        unit: c.unit.or(p.unit).map(str::to_string),
                        from: p.target,
                        to: c.target,
                        internal: p.internal || c.internal,
                    });
                }
            }
            None => kpis_dropped.push(Change {
                text: p.name.to_string(),
                internal: p.internal,
            }),
        }
    }
    let kpis_added: Vec<Change> = cur
        .kpis
        .iter()
        .filter(|c| !prev_kpis.contains_key(&key(c.name)))
        .map(|c| Change {
            text: c.name.to_string(),
            internal: c.internal,
        })
        .collect();

    let cur_initiatives = first_by_key(&cur.initiatives, |(t, _, _)| t);
    let prev_initiatives = first_by_key(&prev.initiatives, |(t, _, _)| t);
    let mut initiatives_completed = Vec::new();
    let mut initiatives_carried_over = Vec::new();
    let mut initiatives_dropped = Vec::new();
    for &(title, from, internal) in &prev.initiatives {
        let now = cur_initiatives.get(&key(title)).map(|&i| &cur.initiatives[i]);
        let change = Change {
            text: title.to_string(),
            internal,
        };
        match now {
            _ if from == InitiativeStatus::Done => initiatives_completed.push(change),
            Some(&(_, InitiativeStatus::Done, _)) => initiatives_completed.push(change),
            Some(&(t, to, i)) => initiatives_carried_over.push(Carried {
                title: t.to_string(),
                from,
                to,
                internal: internal || i,
            }),
            None => initiatives_dropped.push(change),
        }
    }
    let initiatives_new: Vec<Change> = cur
        .initiatives
        .iter()
        .filter(|(t, _, _)| !prev_initiatives.contains_key(&key(t)))
        .map(|&(t, _, internal)| Change {
            text: t.to_string(),
            internal,
        })
        .collect();

    let unchanged = objectives_added.is_empty()
        && objectives_dropped.is_empty()
        && priorities_added.is_empty()
        && priorities_dropped.is_empty()
        && kpi_targets_moved.is_empty()
        && kpis_added.is_empty()
        && kpis_dropped.is_empty()
        && initiatives_completed.is_empty()
        && initiatives_carried_over.is_empty()
        && initiatives_dropped.is_empty()
        && initiatives_new.is_empty();
    PlanChanges {
        previous_id: prev.id.to_string(),
        previous_period: prev.period.to_string(),
        objectives_added,
        objectives_dropped,
        objectives_kept,
        priorities_added,
        priorities_dropped,
        kpi_targets_moved,
        kpis_added,
        kpis_dropped,
        initiatives_completed,
        initiatives_carried_over,
        initiatives_dropped,
        initiatives_new,
        unchanged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline<'a>(
        period: &'a str,
        objectives: &[&'a str],
        kpis: &[(&'a str, f64)],
        initiatives: &[(&'a str, InitiativeStatus)],
    ) -> Outline<'a> {
        Outline {
            id: period,
            period,
            objectives: objectives.iter().map(|o| (*o, false)).collect(),
            priorities: Vec::new(),
            kpis: kpis
                .iter()
                .map(|(n, t)| OutlineKpi {
                    name: n,
                    unit: None,
                    target: Some(*t),
                    internal: false,
                })
                .collect(),
            initiatives: initiatives.iter().map(|(t, s)| (*t, *s, false)).collect(),
        }
    }

    #[test]
    fn plans_of_thousands_of_items_compare_by_key() {
        let names: Vec<String> = (0..6_000).map(|i| format!("Item {i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        // The second plan keeps 2,000..6,000 (spelled with other case and
        // spacing for half of them), drops 0..2,000 and adds 6,000..8,000.
        let respelled: Vec<String> = (2_000..6_000)
            .map(|i| {
                if i % 2 == 0 {
                    format!("item  {i}.")
                } else {
                    format!("Item {i}")
                }
            })
            .chain((6_000..8_000).map(|i| format!("Item {i}")))
            .collect();
        let respelled: Vec<&str> = respelled.iter().map(String::as_str).collect();
        let kpis: Vec<(&str, f64)> = names.iter().map(|n| (*n, 1.0)).collect();
        let moved: Vec<(&str, f64)> = respelled.iter().map(|n| (*n, 2.0)).collect();
        let started: Vec<(&str, InitiativeStatus)> = names.iter().map(|n| (*n, InitiativeStatus::Active)).collect();
        let going: Vec<(&str, InitiativeStatus)> = respelled.iter().map(|n| (*n, InitiativeStatus::Active)).collect();
        let c = compare(
            &outline("2025", &names, &kpis, &started),
            &outline("2026", &respelled, &moved, &going),
        );
        assert_eq!(c.objectives_added.len(), 2_000);
        assert_eq!(c.objectives_dropped.len(), 2_000);
        assert_eq!(c.objectives_dropped[0].text, "Item 0");
        assert_eq!(c.objectives_added[0].text, "Item 6000");
        assert_eq!(c.objectives_kept, 4_000);
        assert_eq!(c.kpi_targets_moved.len(), 4_000);
        assert_eq!(c.kpis_added.len(), 2_000);
        assert_eq!(c.initiatives_carried_over.len(), 4_000);
        assert_eq!(c.initiatives_carried_over[0].title, "item  2000.");
        assert_eq!(c.initiatives_new.len(), 2_000);
    }

    #[test]
    fn comparison_names_what_changed() {
        use InitiativeStatus::*;
        let prev = outline(
            "2025",
            &["Cut downtime", "Cut energy use"],
            &[("Downtime", 50.0), ("Energy", 1.75), ("OEE", 78.0)],
            &[
                ("Predictive maintenance", Done),
                ("Harmonise controls", Active),
                ("Training", Active),
                ("Pilot", Planned),
            ],
        );
        let cur = outline(
            "2026",
            &["cut  downtime.", "Shared MES in Brno"],
            &[("Downtime", 43.0), ("OEE", 78.0), ("Yield", 97.0)],
            &[
                ("Harmonise controls", Active),
                ("Training", Done),
                ("MES roll-out", Active),
            ],
        );
        let c = compare(&prev, &cur);
        let texts = |l: &[Change]| l.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&c.objectives_added), ["Shared MES in Brno"]);
        assert_eq!(texts(&c.objectives_dropped), ["Cut energy use"]);
        assert_eq!(c.objectives_kept, 1);
        assert_eq!(c.kpi_targets_moved.len(), 1);
        assert_eq!(c.kpi_targets_moved[0].name, "Downtime");
        assert_eq!(
            (c.kpi_targets_moved[0].from, c.kpi_targets_moved[0].to),
            (Some(50.0), Some(43.0))
        );
        assert_eq!(texts(&c.kpis_added), ["Yield"]);
        assert_eq!(texts(&c.kpis_dropped), ["Energy"]);
        assert_eq!(texts(&c.initiatives_completed), ["Predictive maintenance", "Training"]);
        assert_eq!(c.initiatives_carried_over.len(), 1);
        assert_eq!(c.initiatives_carried_over[0].title, "Harmonise controls");
        assert_eq!(texts(&c.initiatives_dropped), ["Pilot"]);
        assert_eq!(texts(&c.initiatives_new), ["MES roll-out"]);
        assert_eq!(c.previous_period, "2025");
        assert!(!c.unchanged);
        assert!(compare(&cur, &cur).initiatives_carried_over.len() == 2);
        let same = outline("x", &["a"], &[("k", 1.0)], &[]);
        assert!(compare(&same, &same).unchanged);
    }
}
