//! Rows to records: each field read as the value its key takes (a date, an
//! amount, a fraction, a status), every bad field of a row reported.

use jiff::civil::Date;

use super::Problem;
use super::mapping::{Fin, Format, Key, Kind, Resolved, StatusRule, normalise};
use super::table::{Cell, Row, Table};
use super::values::{SlashOrder, first_of_list, parse_date, parse_number, record_id, round, slash_parts};
use crate::model::slug::{is_valid_slug, slugify};

/// A value to write into account.yaml.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Str(String),
    Num(f64),
    Date(Date),
}

/// A key and its value, in the order they are written.
pub type Fields = Vec<(&'static str, Scalar)>;

/// Where a record came from, for messages.
#[derive(Clone, Debug)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// Line and column of its record id field, and the id as written.
    pub record_at: Option<(usize, usize, String)>,
    /// Line and column of the field naming its account.
    pub account_at: Option<(usize, usize)>,
}

/// An account row.
#[derive(Debug)]
pub struct AccountRec {
    pub origin: Origin,
    pub record_id: Option<String>,
    pub name: String,
    pub slug: String,
    pub fields: Fields,
    /// Year -> its financials fields.
    pub financials: Vec<(i32, Fields)>,
}

/// A contact or opportunity row.
#[derive(Debug)]
pub struct ItemRec {
    pub kind: Kind,
    pub origin: Origin,
    pub record_id: Option<String>,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    /// The kamsite id (a slug), unique within its account.
    pub id: String,
    /// `name` (contacts) or `title` (opportunities): matched too.
    pub label: String,
    /// Every key, `id` first.
    pub fields: Fields,
}

#[derive(Debug)]
pub enum Record {
    Account(AccountRec),
    Item(ItemRec),
}

/// The site's tier and stage ids, to check mapped values against.
#[derive(Debug, Default)]
pub struct Ids {
    pub tiers: Vec<String>,
    pub stages: Vec<String>,
}

/// Read every row of `table`; bad rows become problems and are left out.
pub fn records(table: &Table, map: &Resolved, ids: &Ids, notes: &mut Vec<String>) -> (Vec<Record>, Vec<Problem>) {
    let order = slash_order(table, map, notes);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for row in &table.rows {
        let reader = RowReader {
            table,
            map,
            row,
            ids,
            order,
            problems: Vec::new(),
        };
        match reader.read() {
            Ok(r) => out.push(r),
            Err(mut p) => problems.append(&mut p),
        }
    }
    (out, problems)
}

fn is_date_key(k: Key) -> bool {
    matches!(k, Key::Since | Key::ReviewBy | Key::LastContact | Key::Close)
}

fn slash_order(table: &Table, map: &Resolved, notes: &mut Vec<String>) -> SlashOrder {
    if map.date_format.is_some() {
        return SlashOrder::MonthFirst;
    }
    let cols: Vec<usize> = map
        .columns
        .iter()
        .filter(|(_, k)| is_date_key(*k))
        .map(|(i, _)| *i)
        .collect();
    let (mut any, mut day_first, mut month_first) = (false, false, false);
    for row in &table.rows {
        for &c in &cols {
            if let Some((a, b)) = row.cells.get(c).and_then(|cell| slash_parts(&cell.text)) {
                any = true;
                day_first |= a > 12;
                month_first |= b > 12;
            }
        }
    }
    if day_first && !month_first {
        notes.push(format!("{}: read dates like 1/2/2026 as day/month/year", table.file));
        SlashOrder::DayFirst
    } else {
        if any && !month_first {
            notes.push(format!(
                "{}: read dates like 1/2/2026 as month/day/year (the US default); \
                 pass --date-format %d/%m/%Y if they are day/month",
                table.file
            ));
        }
        SlashOrder::MonthFirst
    }
}

struct RowReader<'a> {
    table: &'a Table,
    map: &'a Resolved,
    row: &'a Row,
    ids: &'a Ids,
    order: SlashOrder,
    problems: Vec<Problem>,
}

impl RowReader<'_> {
    fn cell(&self, key: Key) -> Option<&Cell> {
        let i = self.map.column(key)?;
        self.row.cells.get(i).filter(|c| !c.text.is_empty())
    }

    fn column_name(&self, key: Key) -> &str {
        self.map
            .column(key)
            .and_then(|i| self.table.header.get(i))
            .map(|c| c.text.as_str())
            .unwrap_or("?")
    }

    fn bad(&mut self, cell: &Cell, key: Key, message: String, help: impl Into<String>) {
        let column = self.column_name(key).to_string();
        self.problems.push(Problem::new(
            &self.table.file,
            cell.line,
            cell.col,
            format!("{column}: {message}"),
            help,
        ));
    }

    fn origin(&self) -> Origin {
        let at = |key| self.cell(key).map(|c| (c.line, c.col));
        Origin {
            file: self.table.file.clone(),
            line: self.row.line,
            col: 1,
            record_at: self.cell(Key::RecordId).map(|c| (c.line, c.col, c.text.clone())),
            account_at: at(Key::AccountId).or_else(|| at(Key::AccountName)),
        }
    }

    /// The mapping file's `values` translation of a cell, if any.
    fn translated(&self, key: Key, text: &str) -> String {
        let yaml = key.yaml(self.map.kind);
        self.map
            .values
            .get(yaml)
            .and_then(|m| {
                m.get(text)
                    .or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(text)).map(|(_, v)| v))
            })
            .cloned()
            .unwrap_or_else(|| text.to_string())
    }

    fn read(mut self) -> Result<Record, Vec<Problem>> {
        let kind = self.map.kind;
        let crm_id = self.cell(Key::RecordId).map(|c| record_id(self.map.format, &c.text));
        let name = self.name();
        let (mut fields, mut financials) = self.fields();
        let Some((name, name_cell)) = name else {
            return Err(self.problems);
        };
        let (slug, id) = self.identity(&name, &name_cell);
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        let origin = self.origin();
        order(kind, &mut fields);
        if kind == Kind::Accounts {
            financials.sort_by_key(|(y, _)| *y);
            for (_, f) in &mut financials {
                order(kind, f);
            }
            return Ok(Record::Account(AccountRec {
                origin,
                record_id: crm_id,
                name: name.clone(),
                slug,
                fields: [(("name"), Scalar::Str(name))].into_iter().chain(fields).collect(),
                financials,
            }));
        }
        self.item(origin, crm_id, id, name, fields)
    }

    /// Every mapped cell of the row as a field (per-year financials apart),
    /// bad cells reported; a closed deal without a probability column gets
    /// the one its stage says.
    fn fields(&mut self) -> (Fields, Vec<(i32, Fields)>) {
        let kind = self.map.kind;
        let mut fields: Fields = Vec::new();
        let mut financials: Vec<(i32, Fields)> = Vec::new();
        let columns = self.map.columns.clone();
        let mut stage_text: Option<String> = None;
        for (i, key) in columns {
            let Some(cell) = self.row.cells.get(i).filter(|c| !c.text.is_empty()).cloned() else {
                continue;
            };
            if key == Key::Stage && kind == Kind::Opportunities {
                stage_text = Some(self.translated(key, &cell.text));
            }
            let Some(value) = self.value(key, &cell) else { continue };
            match key {
                Key::Financial(year, _) => {
                    let pos = financials.iter().position(|(y, _)| *y == year);
                    let entry = match pos {
                        Some(p) => &mut financials[p].1,
                        None => {
                            financials.push((year, Vec::new()));
                            &mut financials.last_mut().expect("just pushed").1
                        }
                    };
                    entry.push((key.yaml(kind), value));
                }
                _ => fields.push((key.yaml(kind), value)),
            }
        }
        if kind == Kind::Opportunities
            && !fields.iter().any(|(k, _)| *k == "probability")
            && let Some(stage) = stage_text
        {
            match normalise(&stage).as_str() {
                "closedwon" | "won" => fields.push(("probability", Scalar::Num(1.0))),
                "closedlost" | "lost" => fields.push(("probability", Scalar::Num(0.0))),
                _ => {}
            }
        }
        (fields, financials)
    }

    /// One cell read as the value its key takes; `None` for identity
    /// columns (read apart) and for bad cells (reported).
    fn value(&mut self, key: Key, cell: &Cell) -> Option<Scalar> {
        let kind = self.map.kind;
        let text = self.translated(key, &cell.text);
        match key {
            Key::RecordId
            | Key::AccountId
            | Key::AccountName
            | Key::Name
            | Key::FirstName
            | Key::LastName
            | Key::Id => None,
            Key::Industry | Key::Region | Key::Owner | Key::Sponsor | Key::Title | Key::Email | Key::Phone => {
                Some(Scalar::Str(text))
            }
            Key::Stage if kind == Kind::Opportunities => Some(Scalar::Str(text)),
            Key::Status => self.status(cell, &text),
            Key::Tier | Key::Stage => self.site_id(cell, key, &text),
            Key::Since | Key::ReviewBy | Key::LastContact | Key::Close => self.date(cell, key, &text),
            Key::Value | Key::Financial(_, Fin::Revenue) => self.money(cell, key, &text),
            Key::Financial(_, _) => self.fraction(cell, key, &text, false),
            Key::Probability => self.fraction(cell, key, &text, false),
            Key::ProbabilityPercent => self.fraction(cell, key, &text, true),
            Key::Stance => self.stance(cell, &text),
            Key::Role => self.role(cell, &text),
        }
    }

    /// The record's slug (from its name) and id (an id column, or the slug).
    fn identity(&mut self, name: &str, name_cell: &Cell) -> (String, String) {
        let slug = slugify(name);
        if slug.is_empty() {
            let key = if self.map.column(Key::Name).is_some() {
                Key::Name
            } else {
                Key::LastName
            };
            self.bad(
                name_cell,
                key,
                format!("`{name}` has no letter or digit to make an id from"),
                "give the record a name with letters or digits in the CRM",
            );
        }
        let explicit_id = self.cell(Key::Id).cloned();
        let id = match explicit_id {
            Some(c) if is_valid_slug(&c.text) => c.text.clone(),
            Some(c) => {
                self.bad(
                    &c,
                    Key::Id,
                    format!("`{}` is not an id", c.text),
                    "an id is lower-case letters, digits and `-`, e.g. ingrid-berg",
                );
                String::new()
            }
            None => slug.clone(),
        };
        (slug, id)
    }

    /// A contact or opportunity, with the account it belongs to.
    fn item(
        &self,
        origin: Origin,
        crm_id: Option<String>,
        id: String,
        name: String,
        fields: Fields,
    ) -> Result<Record, Vec<Problem>> {
        let kind = self.map.kind;
        let label_key = if kind == Kind::Contacts { "name" } else { "title" };
        let account_id = self
            .cell(Key::AccountId)
            .map(|c| first_of_list(&c.text))
            .map(|s| record_id(self.map.format, &s));
        let account_name = self.cell(Key::AccountName).map(|c| first_of_list(&c.text));
        if account_id.is_none() && account_name.is_none() {
            let line = self.row.line;
            let what = if self.map.format == Format::Hubspot {
                "`Associated Company` or `Associated Company IDs`"
            } else {
                "`Account Name` or `Account ID`"
            };
            return Err(vec![Problem::new(
                &self.table.file,
                line,
                1,
                format!("the row names no account for its {}", kind.name()),
                format!("fill in its {what} column, so kamsite knows which account it belongs to"),
            )]);
        }
        let mut all: Fields = vec![("id", Scalar::Str(id.clone())), (label_key, Scalar::Str(name.clone()))];
        all.extend(fields);
        Ok(Record::Item(ItemRec {
            kind,
            origin,
            record_id: crm_id,
            account_id,
            account_name,
            id,
            label: name,
            fields: all,
        }))
    }

    /// The record's name: a name column, or first and last name joined.
    fn name(&mut self) -> Option<(String, Cell)> {
        if let Some(c) = self.cell(Key::Name) {
            return Some((c.text.clone(), c.clone()));
        }
        let first = self.cell(Key::FirstName).cloned();
        let last = self.cell(Key::LastName).cloned();
        let joined: Vec<&str> = [&first, &last]
            .iter()
            .filter_map(|c| c.as_ref().map(|c| c.text.as_str()))
            .collect();
        if let Some(c) = first.as_ref().or(last.as_ref()) {
            return Some((joined.join(" "), c.clone()));
        }
        let key = [Key::Name, Key::LastName, Key::FirstName]
            .into_iter()
            .find(|k| self.map.column(*k).is_some());
        let (line, col) = match key.and_then(|k| self.map.column(k)).and_then(|i| self.row.cells.get(i)) {
            Some(c) => (c.line, c.col),
            None => (self.row.line, 1),
        };
        let what = match self.map.kind {
            Kind::Accounts => "an account needs a name",
            Kind::Contacts => "a contact needs a name",
            Kind::Opportunities => "an opportunity needs a title",
        };
        let column = key
            .map(|k| self.column_name(k).to_string())
            .unwrap_or_else(|| "name".into());
        self.problems.push(Problem::new(
            &self.table.file,
            line,
            col,
            format!("{column}: empty; {what}"),
            "fill it in the CRM and export again, or delete the row",
        ));
        None
    }

    fn status(&mut self, cell: &Cell, text: &str) -> Option<Scalar> {
        let n = normalise(text);
        let status = match self.map.status_rule {
            StatusRule::SalesforceType => match n.as_str() {
                "prospect" => Some("prospect"),
                s if s.starts_with("customer") => Some("active"),
                s if s.contains("former") => Some("former"),
                _ => None,
            },
            StatusRule::HubspotLifecycle => match n.as_str() {
                "subscriber" | "lead" | "marketingqualifiedlead" | "salesqualifiedlead" | "opportunity" => {
                    Some("prospect")
                }
                "customer" | "evangelist" => Some("active"),
                "former" | "formercustomer" => Some("former"),
                _ => None,
            },
            StatusRule::HubspotType => match n.as_str() {
                "prospect" => Some("prospect"),
                "customer" => Some("active"),
                _ => None,
            },
            StatusRule::Plain => match n.as_str() {
                "prospect" | "active" | "former" => Some(n.as_str()),
                _ => {
                    self.bad(
                        cell,
                        Key::Status,
                        format!("`{text}` is not a status"),
                        "a status is prospect, active or former; translate the CRM's values in the mapping \
                         file, e.g. `values: { status: { Customer: active } }`",
                    );
                    return None;
                }
            },
        };
        status.map(|s| Scalar::Str(s.to_string()))
    }

    fn site_id(&mut self, cell: &Cell, key: Key, text: &str) -> Option<Scalar> {
        let (ids, what) = match key {
            Key::Tier => (&self.ids.tiers, "tiers"),
            _ => (&self.ids.stages, "stages"),
        };
        if ids.iter().any(|i| i == text) {
            return Some(Scalar::Str(text.to_string()));
        }
        let yaml = key.yaml(Kind::Accounts);
        self.bad(
            cell,
            key,
            format!("`{text}` is not a {yaml} of this site"),
            format!(
                "site.yaml `{what}` has {}; translate the CRM's values in the mapping file, \
                 e.g. `values: {{ {yaml}: {{ \"{text}\": {} }} }}`",
                ids.join(", "),
                ids.first().map(String::as_str).unwrap_or("<id>")
            ),
        );
        None
    }

    fn date(&mut self, cell: &Cell, key: Key, text: &str) -> Option<Scalar> {
        match parse_date(text, self.map.date_format.as_deref(), self.order) {
            Some(d) => Some(Scalar::Date(d)),
            None => {
                let help = match &self.map.date_format {
                    Some(f) => format!("dates here are read as `{f}` (the mapping file's date_format) or YYYY-MM-DD"),
                    None => "write dates as YYYY-MM-DD, or pass --date-format (e.g. %d.%m.%Y) for the export's format"
                        .into(),
                };
                self.bad(cell, key, format!("`{text}` is not a date"), help);
                None
            }
        }
    }

    fn money(&mut self, cell: &Cell, key: Key, text: &str) -> Option<Scalar> {
        match parse_number(text) {
            Some(n) => Some(Scalar::Num(n)),
            None => {
                self.bad(
                    cell,
                    key,
                    format!("`{text}` is not an amount"),
                    "write a plain number such as 350000 or 350,000.00 (a currency code before it is fine)",
                );
                None
            }
        }
    }

    fn fraction(&mut self, cell: &Cell, key: Key, text: &str, percent: bool) -> Option<Scalar> {
        let t = text.trim();
        let (t, has_pct) = match t.strip_suffix('%') {
            Some(rest) => (rest.trim(), true),
            None => (t, false),
        };
        let value = parse_number(t).map(|n| if percent || has_pct || n > 1.0 { n / 100.0 } else { n });
        match value {
            Some(v) if (0.0..=1.0).contains(&v) => Some(Scalar::Num(round(v))),
            _ => {
                self.bad(
                    cell,
                    key,
                    format!("`{text}` is not a share between 0 and 100 %"),
                    "write a fraction (0.6) or a percentage (60 or 60%)",
                );
                None
            }
        }
    }

    fn stance(&mut self, cell: &Cell, text: &str) -> Option<Scalar> {
        match text.trim_start_matches('+').parse::<i64>() {
            Ok(n) if (-3..=3).contains(&n) => Some(Scalar::Num(n as f64)),
            _ => {
                self.bad(
                    cell,
                    Key::Stance,
                    format!("`{text}` is not a stance"),
                    "a stance is a whole number from -3 (blocker) to +3 (advocate)",
                );
                None
            }
        }
    }

    fn role(&mut self, cell: &Cell, text: &str) -> Option<Scalar> {
        let role = match normalise(text).as_str() {
            "decisionmaker" | "economicbuyer" | "budgetholder" => "decision-maker",
            "influencer" | "evaluator" => "influencer",
            "gatekeeper" | "legalandcompliance" | "legalcompliance" => "gatekeeper",
            "user" | "enduser" | "businessuser" => "user",
            "buyer" | "technicalbuyer" | "purchasing" => "buyer",
            "champion" | "executivesponsor" => "champion",
            _ => {
                self.bad(
                    cell,
                    Key::Role,
                    format!("`{text}` is not a role in the decision-making unit"),
                    "a role is decision-maker, influencer, gatekeeper, user, buyer or champion \
                     (see docs/import.md for the CRM values read as each); leave it empty otherwise",
                );
                return None;
            }
        };
        Some(Scalar::Str(role.to_string()))
    }
}

/// Put fields in the order SPEC lists the keys.
fn order(kind: Kind, fields: &mut Fields) {
    const ACCOUNT: &[&str] = &[
        "name",
        "status",
        "industry",
        "region",
        "tier",
        "stage",
        "owner",
        "sponsor",
        "since",
        "review_by",
    ];
    const CONTACT: &[&str] = &[
        "id",
        "name",
        "title",
        "role",
        "stance",
        "owner",
        "last_contact",
        "email",
        "phone",
    ];
    const OPPORTUNITY: &[&str] = &["id", "title", "value", "probability", "stage", "close", "owner"];
    const FINANCIAL: &[&str] = &["revenue", "margin", "share_of_wallet"];
    let keys: &[&str] = match kind {
        Kind::Accounts if fields.iter().any(|(k, _)| *k == "revenue" || *k == "margin") => FINANCIAL,
        Kind::Accounts => ACCOUNT,
        Kind::Contacts => CONTACT,
        Kind::Opportunities => OPPORTUNITY,
    };
    fields.sort_by_key(|(k, _)| keys.iter().position(|x| x == k).unwrap_or(usize::MAX));
    // One value per key: the first column mapped to it wins.
    let mut seen = Vec::new();
    fields.retain(|(k, _)| {
        let fresh = !seen.contains(k);
        seen.push(*k);
        fresh
    });
}
