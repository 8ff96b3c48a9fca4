//! Assessments in the portal: the `/assessments/` page (accounts x
//! frameworks, latest score and change, a distribution chart per
//! framework) and the charts of each profile's assessment section.

use serde::Serialize;

use super::Run;
use crate::analyze::AccountView;
use crate::analyze::assessments::{Distribution, Track};
use crate::model::assessment::Framework;
use crate::render::Page;
use crate::render::page::page;
use crate::render::svg::assessments as charts;

/// One framework of a profile: the track and its two charts.
#[derive(Serialize)]
pub(super) struct TrackCharts<'a> {
    #[serde(flatten)]
    pub track: &'a Track<'a>,
    pub radar: String,
    pub trend: String,
}

/// A profile's assessment section (`assessment_section`).
#[derive(Serialize)]
pub(super) struct ProfileSection<'a> {
    /// The frameworks the account has been assessed on, in site.yaml order.
    pub tracks: Vec<TrackCharts<'a>>,
    /// The names of the frameworks it has not been assessed on yet.
    pub never: Vec<&'a str>,
}

pub(super) fn profile_section<'a>(a: &'a AccountView<'a>) -> ProfileSection<'a> {
    let tracks = a
        .assessments
        .iter()
        .filter_map(|t| {
            let latest = t.latest.as_ref()?;
            Some(TrackCharts {
                track: t,
                radar: charts::radar(t.framework, latest, t.previous.as_ref()),
                trend: charts::trend(t.framework, &t.history),
            })
        })
        .collect();
    let never = a
        .assessments
        .iter()
        .filter(|t| t.latest.is_none())
        .map(|t| t.framework.name.as_str())
        .collect();
    ProfileSection { tracks, never }
}

#[derive(Serialize)]
struct DistributionView<'a> {
    #[serde(flatten)]
    distribution: &'a Distribution<'a>,
    chart: String,
}

/// A framework as the page's columns show it.
#[derive(Serialize)]
struct Column<'a> {
    #[serde(flatten)]
    framework: &'a Framework,
    /// The highest overall score an assessment can get (the column's scale).
    top: f64,
}

pub(super) fn page_of(run: &Run) -> Page {
    let p = run.p;
    let path = "assessments/index.html";
    let mut ctx = page(path, "assessments.html", "Assessments", "assessments", run.info);
    let columns: Vec<Column> = p
        .config
        .assessments
        .iter()
        .map(|f| Column {
            framework: f,
            top: f.overall_range().1,
        })
        .collect();
    ctx.insert("frameworks", &columns);
    ctx.insert("rows", &p.assessments.rows);
    let distributions: Vec<DistributionView> = p
        .assessments
        .distributions
        .iter()
        .map(|d| DistributionView {
            distribution: d,
            chart: charts::distribution(d),
        })
        .collect();
    ctx.insert("distributions", &distributions);
    ctx.insert("assessments_due", &p.summary.assessments_due);
    Page {
        path: path.into(),
        template: "assessments.html",
        context: ctx,
    }
}
