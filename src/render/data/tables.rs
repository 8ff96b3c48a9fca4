//! The rows of the data files for BI tools: `/data/accounts.json`'s
//! entries, `/data/*.csv` and a JSON Schema of each data file under
//! `/data/schema/`.
//!
//! The row types below are both what is written and what the schemas are
//! generated from, so a schema cannot drift from its file. Keys and columns
//! are documented in docs/data.md; their order is the order of the fields.

use jiff::civil::Date;
use schemars::{JsonSchema, generate::SchemaSettings};
use serde::Serialize;

use crate::analyze::{AccountView, Portfolio};
use crate::write::OutputFile;

/// One element of `/data/accounts.json`.
#[derive(Serialize, JsonSchema)]
pub(super) struct AccountData<'a> {
    /// The account's folder name.
    pub slug: &'a str,
    pub name: &'a str,
    /// `prospect`, `active` or `former`.
    pub status: &'static str,
    /// Tier id from site.yaml `tiers`.
    pub tier: Option<&'a str>,
    /// Relationship stage id from site.yaml `stages`.
    pub stage: Option<&'a str>,
    /// The quadrant's name in the portfolio matrix; null when unscored.
    pub quadrant: Option<&'a str>,
    /// Vertical axis score 0..10.
    pub attractiveness: Option<f64>,
    /// Horizontal axis score 0..10.
    pub strength: Option<f64>,
    /// Revenue of the latest financial year.
    pub revenue: Option<f64>,
    /// The account manager.
    pub owner: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub region: Option<&'a str>,
    /// The year `revenue` and `margin` are of.
    pub revenue_year: Option<i32>,
    /// Gross margin of the latest financial year, a fraction 0..1.
    pub margin: Option<f64>,
    /// Revenue and margin of every financial year, oldest first.
    pub financials: Vec<YearData>,
    /// Sum of the values of the open opportunities.
    pub pipeline: f64,
    /// Sum of value × probability of the open opportunities.
    pub weighted_pipeline: f64,
    /// Number of open opportunities.
    pub open_opportunities: usize,
    /// Number of the account's items in /data/attention.json.
    pub attention_count: usize,
    /// Health 0-100 (site.yaml `health:`); null without it.
    pub health: Option<f64>,
    /// What each health signal contributed (see docs/assessments.md).
    pub health_signals: Vec<HealthSignalData<'a>>,
    /// The latest assessment per framework the account has been assessed on.
    pub assessments: Vec<LatestAssessment<'a>>,
}

/// One signal of an account's health.
#[derive(Serialize, JsonSchema)]
pub(super) struct HealthSignalData<'a> {
    /// `note_freshness`, ..., or `assessments.<framework id>`.
    pub signal: &'a str,
    pub weight: f64,
    /// 0..1; null: no data, not counted.
    pub value: Option<f64>,
    /// Points earned.
    pub points: f64,
    /// Points lost: what the signal costs.
    pub lost: f64,
}

/// An account's latest assessment on one framework.
#[derive(Serialize, JsonSchema)]
pub(super) struct LatestAssessment<'a> {
    /// The framework id from site.yaml `assessments`.
    pub framework: &'a str,
    pub date: Option<String>,
    /// The overall score: trust equation (C+R+I)/S, checklist count, else the mean.
    pub overall: Option<f64>,
    /// latest - previous overall score; null with one assessment.
    pub change: Option<f64>,
    /// The latest is older than the framework's stale_after_days.
    pub stale: bool,
    /// Dimension id -> score.
    pub scores: std::collections::BTreeMap<&'a str, f64>,
}

/// One financial year of an account.
#[derive(Serialize, JsonSchema)]
pub(super) struct YearData {
    pub year: i32,
    pub revenue: Option<f64>,
    /// Gross margin, a fraction 0..1.
    #[schemars(with = "Option<crate::model::values::Fraction>")]
    pub margin: Option<f64>,
}

impl<'a> AccountData<'a> {
    pub fn of(a: &'a AccountView<'a>) -> Self {
        AccountData {
            slug: a.slug,
            name: a.name,
            status: a.status.as_str(),
            tier: a.tier.as_ref().map(|t| t.id),
            stage: a.stage.as_ref().map(|s| s.id),
            quadrant: a.quadrant.as_ref().map(|q| q.name),
            attractiveness: a.placement.vertical.score,
            strength: a.placement.horizontal.score,
            revenue: a.revenue,
            owner: a.owner,
            industry: a.industry,
            region: a.region,
            revenue_year: a.revenue_year,
            margin: a.margin,
            financials: a
                .financials
                .iter()
                .map(|f| YearData {
                    year: f.year,
                    revenue: f.revenue,
                    margin: f.margin,
                })
                .collect(),
            pipeline: a.pipeline,
            weighted_pipeline: a.weighted_pipeline,
            open_opportunities: a.opportunities.iter().filter(|o| o.open).count(),
            attention_count: a.attention.len(),
            health: a.health.as_ref().map(|h| h.score),
            health_signals: a
                .health
                .iter()
                .flat_map(|h| &h.signals)
                .map(|s| HealthSignalData {
                    signal: &s.id,
                    weight: s.weight,
                    value: s.value,
                    points: s.points,
                    lost: s.lost,
                })
                .collect(),
            assessments: a
                .assessments
                .iter()
                .filter_map(|t| {
                    let l = t.latest.as_ref()?;
                    Some(LatestAssessment {
                        framework: &t.framework.id,
                        date: l.date.map(|d| d.to_string()),
                        overall: l.overall,
                        change: t.change,
                        stale: t.stale,
                        scores: l.scores.iter().filter_map(|d| Some((d.id, d.score?))).collect(),
                    })
                })
                .collect(),
        }
    }
}

/// One row of `/data/accounts.csv`: the keys of `/data/accounts.json`
/// without the per-year list.
#[derive(Serialize, JsonSchema)]
pub(super) struct AccountRow<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub status: &'static str,
    pub owner: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub region: Option<&'a str>,
    pub tier: Option<&'a str>,
    pub stage: Option<&'a str>,
    pub quadrant: Option<&'a str>,
    pub attractiveness: Option<f64>,
    pub strength: Option<f64>,
    pub revenue: Option<f64>,
    pub revenue_year: Option<i32>,
    pub margin: Option<f64>,
    pub pipeline: f64,
    pub weighted_pipeline: f64,
    pub open_opportunities: usize,
    pub attention_count: usize,
}

/// One row of `/data/contacts.csv`: a contact of an account.
#[derive(Serialize, JsonSchema)]
pub(super) struct ContactRow<'a> {
    /// The account's slug.
    pub account: &'a str,
    /// The contact's id, unique in the account.
    pub id: &'a str,
    pub name: &'a str,
    pub title: Option<&'a str>,
    /// Role in the decision-making unit, e.g. `decision-maker`.
    pub role: Option<&'static str>,
    /// -3 blocker .. +3 advocate.
    #[schemars(with = "Option<crate::model::values::Stance>")]
    pub stance: Option<i64>,
    /// Id of the contact this person reports to.
    pub reports_to: Option<&'a str>,
    /// Who on our side holds the relationship.
    pub owner: Option<&'a str>,
    /// YYYY-MM-DD.
    #[schemars(with = "Option<crate::model::values::IsoDate>")]
    pub last_contact: Option<Date>,
    pub days_since_contact: Option<i64>,
    pub stale: bool,
}

/// One row of `/data/opportunities.csv`: an opportunity of an account.
#[derive(Serialize, JsonSchema)]
pub(super) struct OpportunityRow<'a> {
    /// The account's slug.
    pub account: &'a str,
    /// The opportunity's id, unique in the account.
    pub id: &'a str,
    pub title: &'a str,
    pub stage: Option<&'a str>,
    /// Deal value in the site currency.
    pub value: Option<f64>,
    /// Chance to win, 0..1.
    #[schemars(with = "Option<crate::model::values::Fraction>")]
    pub probability: Option<f64>,
    /// value × probability.
    pub weighted: Option<f64>,
    /// Expected close date, YYYY-MM-DD.
    #[schemars(with = "Option<crate::model::values::IsoDate>")]
    pub close: Option<Date>,
    pub owner: Option<&'a str>,
    /// Whether the opportunity counts in the pipeline.
    pub open: bool,
}

pub(super) const ACCOUNT_COLUMNS: [&str; 18] = [
    "slug",
    "name",
    "status",
    "owner",
    "industry",
    "region",
    "tier",
    "stage",
    "quadrant",
    "attractiveness",
    "strength",
    "revenue",
    "revenue_year",
    "margin",
    "pipeline",
    "weighted_pipeline",
    "open_opportunities",
    "attention_count",
];
pub(super) const CONTACT_COLUMNS: [&str; 11] = [
    "account",
    "id",
    "name",
    "title",
    "role",
    "stance",
    "reports_to",
    "owner",
    "last_contact",
    "days_since_contact",
    "stale",
];
pub(super) const OPPORTUNITY_COLUMNS: [&str; 10] = [
    "account",
    "id",
    "title",
    "stage",
    "value",
    "probability",
    "weighted",
    "close",
    "owner",
    "open",
];

/// A CSV file: the header (written even without rows), then one record per
/// row, `\n`-terminated, quoted only where needed.
fn csv_bytes<T: Serialize>(columns: &[&str], rows: impl Iterator<Item = T>) -> Result<Vec<u8>, CsvError> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(columns).map_err(CsvError)?;
    for row in rows {
        w.serialize(row).map_err(CsvError)?;
    }
    w.into_inner().map_err(|e| CsvError(e.into_error().into()))
}

/// A CSV file that could not be made (a row that does not serialise as a record).
#[derive(Debug)]
pub struct CsvError(csv::Error);

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "writing CSV: {}", self.0)
    }
}

impl std::error::Error for CsvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// `/data/accounts.csv`, `/data/contacts.csv` and `/data/opportunities.csv`.
pub(super) fn csv_files(p: &Portfolio) -> Result<Vec<OutputFile>, CsvError> {
    let accounts = csv_bytes(
        &ACCOUNT_COLUMNS,
        p.accounts.iter().map(|a| {
            let d = AccountData::of(a);
            AccountRow {
                slug: d.slug,
                name: d.name,
                status: d.status,
                owner: d.owner,
                industry: d.industry,
                region: d.region,
                tier: d.tier,
                stage: d.stage,
                quadrant: d.quadrant,
                attractiveness: d.attractiveness,
                strength: d.strength,
                revenue: d.revenue,
                revenue_year: d.revenue_year,
                margin: d.margin,
                pipeline: d.pipeline,
                weighted_pipeline: d.weighted_pipeline,
                open_opportunities: d.open_opportunities,
                attention_count: d.attention_count,
            }
        }),
    )?;
    let contacts = csv_bytes(
        &CONTACT_COLUMNS,
        p.accounts.iter().flat_map(|a| {
            a.contacts.iter().map(move |c| ContactRow {
                account: a.slug,
                id: c.id(),
                name: c.name(),
                title: c.title(),
                role: c.role().map(|r| r.as_str()),
                stance: c.stance(),
                reports_to: c.reports_to(),
                owner: c.doc.owner.as_deref(),
                last_contact: c.last_contact(),
                days_since_contact: c.days_since_contact,
                stale: c.stale,
            })
        }),
    )?;
    let opportunities = csv_bytes(
        &OPPORTUNITY_COLUMNS,
        p.accounts.iter().flat_map(|a| {
            a.opportunities.iter().map(move |o| OpportunityRow {
                account: a.slug,
                id: o.id,
                title: o.title,
                stage: o.stage,
                value: o.value,
                probability: o.probability,
                weighted: o.weighted,
                close: o.close,
                owner: o.owner,
                open: o.open,
            })
        }),
    )?;
    Ok(vec![
        OutputFile::new("data/accounts.csv", accounts),
        OutputFile::new("data/contacts.csv", contacts),
        OutputFile::new("data/opportunities.csv", opportunities),
    ])
}

/// The data files and their schemas' titles, descriptions and types.
fn schemas() -> Vec<(&'static str, &'static str, schemars::Schema)> {
    let root =
        |f: fn(schemars::SchemaGenerator) -> schemars::Schema| f(SchemaSettings::draft2020_12().into_generator());
    const ROW: &str = "One row of the CSV file as an object: each column is a key, \
        an empty cell is null, numbers and true/false as in JSON, dates YYYY-MM-DD.";
    vec![
        (
            "accounts.json",
            "A list, one object per account, in slug order.",
            root(|g| g.into_root_schema_for::<Vec<AccountData<'static>>>()),
        ),
        (
            "attention.json",
            "A list of attention items, each {slug, kind, reason}.",
            root(|g| g.into_root_schema_for::<Vec<crate::analyze::attention::Attention>>()),
        ),
        (
            "winloss.json",
            "The win/loss analysis of every review.",
            root(|g| g.into_root_schema_for::<super::winloss::json::Data<'static>>()),
        ),
        (
            "whitespace.json",
            "Offerings x buying units: the site's offerings and buying units, the roll-up per offering and every account's whitespace cells.",
            root(|g| g.into_root_schema_for::<super::whitespace::WhitespaceData<'static>>()),
        ),
        (
            "opportunities.json",
            "A list, one object per opportunity, accounts in slug order.",
            root(|g| g.into_root_schema_for::<super::whitespace::OpportunitiesData<'static>>()),
        ),
        (
            "pipeline.json",
            "The open pipeline by stage and close quarter, each owner's book and each account group's roll-up.",
            root(|g| g.into_root_schema_for::<super::whitespace::PipelineData<'static>>()),
        ),
        (
            "accounts.csv",
            ROW,
            root(|g| g.into_root_schema_for::<AccountRow<'static>>()),
        ),
        (
            "contacts.csv",
            ROW,
            root(|g| g.into_root_schema_for::<ContactRow<'static>>()),
        ),
        (
            "opportunities.csv",
            ROW,
            root(|g| g.into_root_schema_for::<OpportunityRow<'static>>()),
        ),
    ]
}

/// `/data/schema/<file>.schema.json` for every data file, e.g.
/// `/data/schema/accounts.csv.schema.json`.
pub(super) fn schema_files() -> Vec<OutputFile> {
    schemas()
        .into_iter()
        .map(|(file, description, mut schema)| {
            schema.insert("title".into(), format!("kamsite /data/{file}").into());
            schema.insert("description".into(), description.into());
            OutputFile::new(format!("data/schema/{file}.schema.json"), super::to_json(&schema))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header written is the row type's own field order, so a column
    /// added to a row type but not to its list fails here.
    #[test]
    fn csv_headers_are_the_row_fields() {
        fn header_of<T: Serialize>(row: T) -> String {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.serialize(row).unwrap();
            let bytes = w.into_inner().unwrap();
            String::from_utf8(bytes).unwrap().lines().next().unwrap().to_string()
        }
        let account = AccountRow {
            slug: "s",
            name: "n",
            status: "active",
            owner: None,
            industry: None,
            region: None,
            tier: None,
            stage: None,
            quadrant: None,
            attractiveness: None,
            strength: None,
            revenue: None,
            revenue_year: None,
            margin: None,
            pipeline: 0.0,
            weighted_pipeline: 0.0,
            open_opportunities: 0,
            attention_count: 0,
        };
        assert_eq!(header_of(account), ACCOUNT_COLUMNS.join(","));
        let contact = ContactRow {
            account: "a",
            id: "i",
            name: "n",
            title: None,
            role: None,
            stance: None,
            reports_to: None,
            owner: None,
            last_contact: None,
            days_since_contact: None,
            stale: false,
        };
        assert_eq!(header_of(contact), CONTACT_COLUMNS.join(","));
        let opportunity = OpportunityRow {
            account: "a",
            id: "i",
            title: "t",
            stage: None,
            value: None,
            probability: None,
            weighted: None,
            close: None,
            owner: None,
            open: true,
        };
        assert_eq!(header_of(opportunity), OPPORTUNITY_COLUMNS.join(","));
    }

    #[test]
    fn a_csv_without_rows_still_has_its_header() {
        let empty = csv_bytes(&CONTACT_COLUMNS, std::iter::empty::<ContactRow>()).unwrap();
        assert_eq!(
            String::from_utf8(empty).unwrap(),
            format!("{}\n", CONTACT_COLUMNS.join(","))
        );
    }
}
