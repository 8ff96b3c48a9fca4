//! Which CSV column goes to which account.yaml key: the built-in mappings
//! of Salesforce and HubSpot exports, and mapping files for any other CSV.
//!
//! Column names are matched loosely (case, spaces and punctuation ignored),
//! so a report export ("Account Name") and an API-name export ("Name",
//! "AccountId") both work with the same table.

use std::collections::HashMap;

use serde::Deserialize;

use super::table::Cell;

/// Which CRM an export comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Salesforce,
    Hubspot,
    Generic,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Salesforce => "salesforce",
            Format::Hubspot => "hubspot",
            Format::Generic => "generic",
        }
    }
}

/// What the rows of a file are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Accounts,
    Contacts,
    Opportunities,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Accounts => "accounts",
            Kind::Contacts => "contacts",
            Kind::Opportunities => "opportunities",
        }
    }
}

/// The part of a financials entry a column fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fin {
    Revenue,
    Margin,
    ShareOfWallet,
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The CRM's id of the row's record (kept to match it on the next run).
    RecordId,
    /// Contacts, opportunities: the CRM id of their account.
    AccountId,
    /// Contacts, opportunities: their account's name.
    AccountName,
    Name,
    FirstName,
    LastName,
    /// A kamsite id (contacts, opportunities); made from the name otherwise.
    Id,
    Status,
    Industry,
    Region,
    Tier,
    Stage,
    Owner,
    Sponsor,
    Since,
    ReviewBy,
    Financial(i32, Fin),
    Title,
    Role,
    Stance,
    LastContact,
    Email,
    Phone,
    Value,
    /// A chance of winning: `0.6`, `60 %` or `60`.
    Probability,
    /// A chance of winning in percent (Salesforce's "Probability (%)").
    ProbabilityPercent,
    Close,
}

impl Key {
    /// The account.yaml key this column fills, as users write it.
    pub fn yaml(self, kind: Kind) -> &'static str {
        match self {
            Key::RecordId => "(record id)",
            Key::AccountId | Key::AccountName => "(account)",
            Key::Name if kind == Kind::Opportunities => "title",
            Key::Name | Key::FirstName | Key::LastName => "name",
            Key::Id => "id",
            Key::Status => "status",
            Key::Industry => "industry",
            Key::Region => "region",
            Key::Tier => "tier",
            Key::Stage => "stage",
            Key::Owner => "owner",
            Key::Sponsor => "sponsor",
            Key::Since => "since",
            Key::ReviewBy => "review_by",
            Key::Financial(_, Fin::Revenue) => "revenue",
            Key::Financial(_, Fin::Margin) => "margin",
            Key::Financial(_, Fin::ShareOfWallet) => "share_of_wallet",
            Key::Title => "title",
            Key::Role => "role",
            Key::Stance => "stance",
            Key::LastContact => "last_contact",
            Key::Email => "email",
            Key::Phone => "phone",
            Key::Value => "value",
            Key::Probability | Key::ProbabilityPercent => "probability",
            Key::Close => "close",
        }
    }
}

/// How a built-in format reads the account's `status` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusRule {
    /// Salesforce `Type`: Prospect, Customer - Direct, Customer - Channel, ...
    SalesforceType,
    /// HubSpot `Lifecycle Stage`: Lead, ..., Opportunity, Customer, Evangelist.
    HubspotLifecycle,
    /// HubSpot company `Type`: Prospect, Partner, Reseller, Vendor, Other.
    HubspotType,
    /// prospect | active | former, after the mapping file's `values`.
    Plain,
}

/// A file's columns resolved: which column index fills which key.
#[derive(Debug)]
pub struct Resolved {
    pub format: Format,
    pub kind: Kind,
    pub columns: Vec<(usize, Key)>,
    pub status_rule: StatusRule,
    /// Mapping file `values`: per key, CSV value -> the value to write.
    pub values: HashMap<String, HashMap<String, String>>,
    pub date_format: Option<String>,
    /// Columns recognised but not imported, with why (shown once).
    pub skipped: Vec<String>,
}

impl Resolved {
    pub fn column(&self, key: Key) -> Option<usize> {
        self.columns.iter().find(|(_, k)| *k == key).map(|(i, _)| *i)
    }
}

/// "Probability (%)" -> "probability": how column names are compared.
pub fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

type Aliases = &'static [(Key, &'static [&'static str])];

const SF_ACCOUNTS: Aliases = &[
    (Key::RecordId, &["accountid", "id", "account18digitid", "accountid18"]),
    (Key::Name, &["accountname", "name"]),
    (Key::Industry, &["industry"]),
    (
        Key::Region,
        &["region", "salesregion", "billingcountry", "billingcountrycode"],
    ),
    (Key::Owner, &["accountowner", "ownername", "ownerfullname", "owner"]),
    (Key::Status, &["type", "accounttype"]),
];
const SF_CONTACTS: Aliases = &[
    (Key::RecordId, &["contactid", "id"]),
    (Key::AccountId, &["accountid"]),
    (Key::AccountName, &["accountname", "account"]),
    (Key::FirstName, &["firstname"]),
    (Key::LastName, &["lastname"]),
    (Key::Name, &["fullname", "contactname", "name"]),
    (Key::Title, &["title"]),
    (Key::Email, &["email"]),
    (Key::Phone, &["phone", "businessphone", "mobile", "mobilephone"]),
    (Key::Owner, &["contactowner", "ownername", "ownerfullname", "owner"]),
    (Key::LastContact, &["lastactivity", "lastactivitydate"]),
    (Key::Role, &["role", "contactrole"]),
];
const SF_OPPORTUNITIES: Aliases = &[
    (Key::RecordId, &["opportunityid", "id"]),
    (Key::AccountId, &["accountid"]),
    (Key::AccountName, &["accountname", "account"]),
    (Key::Name, &["opportunityname", "name"]),
    (Key::Value, &["amount"]),
    (Key::ProbabilityPercent, &["probability"]),
    (Key::Stage, &["stage", "stagename"]),
    (Key::Close, &["closedate"]),
    (Key::Owner, &["opportunityowner", "ownername", "ownerfullname", "owner"]),
];
const HS_COMPANIES: Aliases = &[
    (Key::RecordId, &["recordid", "companyid", "hsobjectid"]),
    (Key::Name, &["companyname", "name"]),
    (Key::Industry, &["industry"]),
    (Key::Region, &["region", "countryregion", "country"]),
    (Key::Owner, &["companyowner", "hubspotowner", "owner"]),
    (Key::Status, &["lifecyclestage"]),
];
const HS_CONTACTS: Aliases = &[
    (Key::RecordId, &["recordid", "contactid", "hsobjectid"]),
    (
        Key::AccountId,
        &[
            "associatedcompanyidsprimary",
            "associatedcompanyids",
            "associatedcompanyid",
        ],
    ),
    (
        Key::AccountName,
        &["associatedcompanyprimary", "associatedcompany", "companyname"],
    ),
    (Key::FirstName, &["firstname"]),
    (Key::LastName, &["lastname"]),
    (Key::Title, &["jobtitle"]),
    (Key::Email, &["email"]),
    (Key::Phone, &["phonenumber", "mobilephonenumber"]),
    (Key::Owner, &["contactowner", "hubspotowner", "owner"]),
    (Key::LastContact, &["lastactivitydate"]),
    (Key::Role, &["buyingrole"]),
];
const HS_DEALS: Aliases = &[
    (Key::RecordId, &["recordid", "dealid", "hsobjectid"]),
    (
        Key::AccountId,
        &[
            "associatedcompanyidsprimary",
            "associatedcompanyids",
            "associatedcompanyid",
        ],
    ),
    (
        Key::AccountName,
        &["associatedcompanyprimary", "associatedcompany", "companyname"],
    ),
    (Key::Name, &["dealname"]),
    (Key::Value, &["amount"]),
    (Key::Probability, &["dealprobability"]),
    (Key::Stage, &["dealstage"]),
    (Key::Close, &["closedate"]),
    (Key::Owner, &["dealowner", "hubspotowner", "owner"]),
];

/// Columns every export of the kind carries that kamsite leaves out on purpose.
const SKIPPED: &[(&str, &str)] = &[(
    "annualrevenue",
    "is the customer's own turnover; account.yaml `financials` hold your revenue from \
     the account (map your own revenue column with a mapping file, see docs/import.md)",
)];

/// Which CRM an export's header comes from, if it says.
pub fn detect_format(header: &[Cell]) -> Option<Format> {
    let names: Vec<String> = header.iter().map(|c| normalise(&c.text)).collect();
    let has = |n: &str| names.iter().any(|h| h == n);
    let hubspot = [
        "recordid",
        "companyname",
        "companyowner",
        "dealname",
        "dealstage",
        "dealowner",
    ];
    let salesforce = [
        "accountname",
        "accountid",
        "accountowner",
        "opportunityname",
        "opportunityid",
        "stagename",
        "contactid",
    ];
    if hubspot.iter().any(|n| has(n)) || names.iter().any(|h| h.starts_with("associatedcompany")) {
        Some(Format::Hubspot)
    } else if salesforce.iter().any(|n| has(n)) {
        Some(Format::Salesforce)
    } else {
        None
    }
}

/// What a built-in format's file holds, from its header.
fn detect_kind(format: Format, names: &[String]) -> Kind {
    let has = |n: &str| names.iter().any(|h| h == n);
    let opportunity = match format {
        Format::Hubspot => has("dealname") || has("dealstage"),
        _ => has("opportunityname") || has("opportunityid") || has("stagename") || (has("stage") && has("closedate")),
    };
    if opportunity {
        Kind::Opportunities
    } else if has("firstname") || has("lastname") || has("contactid") {
        Kind::Contacts
    } else {
        Kind::Accounts
    }
}

/// The built-in mapping of `format` (Salesforce or HubSpot) for this header.
pub fn builtin(format: Format, header: &[Cell]) -> Resolved {
    let names: Vec<String> = header.iter().map(|c| normalise(&c.text)).collect();
    let kind = detect_kind(format, &names);
    let aliases = match (format, kind) {
        (Format::Hubspot, Kind::Accounts) => HS_COMPANIES,
        (Format::Hubspot, Kind::Contacts) => HS_CONTACTS,
        (Format::Hubspot, Kind::Opportunities) => HS_DEALS,
        (_, Kind::Accounts) => SF_ACCOUNTS,
        (_, Kind::Contacts) => SF_CONTACTS,
        (_, Kind::Opportunities) => SF_OPPORTUNITIES,
    };
    let mut columns = Vec::new();
    for (key, names_for_key) in aliases {
        // The first alias present wins: "Region" over "Billing Country".
        let found = names_for_key
            .iter()
            .find_map(|alias| names.iter().position(|n| n == alias));
        if let Some(i) = found
            && !columns.iter().any(|(c, _)| *c == i)
        {
            columns.push((i, *key));
        }
    }
    let mut status_rule = match format {
        Format::Hubspot => StatusRule::HubspotLifecycle,
        _ => StatusRule::SalesforceType,
    };
    if format == Format::Hubspot
        && kind == Kind::Accounts
        && !columns.iter().any(|(_, k)| *k == Key::Status)
        && let Some(i) = names.iter().position(|n| n == "type")
    {
        columns.push((i, Key::Status));
        status_rule = StatusRule::HubspotType;
    }
    let skipped = SKIPPED
        .iter()
        .filter_map(|(n, why)| {
            let i = names.iter().position(|h| h == n)?;
            Some(format!("column `{}` {why}", header[i].text))
        })
        .collect();
    Resolved {
        format,
        kind,
        columns,
        status_rule,
        values: HashMap::new(),
        date_format: None,
        skipped,
    }
}

/// A mapping file: which column of a generic CSV fills which key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    /// accounts (default), contacts or opportunities.
    #[serde(default = "accounts")]
    pub records: Kind,
    /// The column with the CRM's id of each record.
    pub record_id: Option<String>,
    /// Contacts and opportunities: the column naming their account, by the
    /// account's record id or its name.
    pub account: Option<String>,
    /// A strftime-style format for dates that are not ISO 8601, e.g. "%d.%m.%Y".
    pub date_format: Option<String>,
    /// CSV column -> account.yaml key.
    pub columns: indexmap::IndexMap<String, String>,
    /// Per key, a CSV value -> the value to write: `status: { Customer: active }`.
    #[serde(default)]
    pub values: HashMap<String, HashMap<String, String>>,
}

fn accounts() -> Kind {
    Kind::Accounts
}

/// Why a mapping file does not fit: the message and the fix.
#[derive(Debug)]
pub struct MappingError {
    pub message: String,
    pub help: String,
}

/// The keys a mapping file may name, per kind, for messages.
fn known_keys(kind: Kind) -> &'static str {
    match kind {
        Kind::Accounts => {
            "name, status, industry, region, tier, stage, owner, sponsor, since, review_by, \
             financials.<year>.revenue|margin|share_of_wallet"
        }
        Kind::Contacts => "name, first_name, last_name, id, title, role, stance, owner, last_contact, email, phone",
        Kind::Opportunities => "title, id, value, probability, stage, close, owner",
    }
}

fn parse_key(kind: Kind, key: &str) -> Option<Key> {
    let k = match (kind, key) {
        (Kind::Accounts, "name") | (Kind::Contacts, "name") | (Kind::Opportunities, "title") => Key::Name,
        (Kind::Accounts, "status") => Key::Status,
        (Kind::Accounts, "industry") => Key::Industry,
        (Kind::Accounts, "region") => Key::Region,
        (Kind::Accounts, "tier") => Key::Tier,
        (Kind::Accounts | Kind::Opportunities, "stage") => Key::Stage,
        (_, "owner") => Key::Owner,
        (Kind::Accounts, "sponsor") => Key::Sponsor,
        (Kind::Accounts, "since") => Key::Since,
        (Kind::Accounts, "review_by") => Key::ReviewBy,
        (Kind::Contacts, "first_name") => Key::FirstName,
        (Kind::Contacts, "last_name") => Key::LastName,
        (Kind::Contacts | Kind::Opportunities, "id") => Key::Id,
        (Kind::Contacts, "title") => Key::Title,
        (Kind::Contacts, "role") => Key::Role,
        (Kind::Contacts, "stance") => Key::Stance,
        (Kind::Contacts, "last_contact") => Key::LastContact,
        (Kind::Contacts, "email") => Key::Email,
        (Kind::Contacts, "phone") => Key::Phone,
        (Kind::Opportunities, "value") => Key::Value,
        (Kind::Opportunities, "probability") => Key::Probability,
        (Kind::Opportunities, "close") => Key::Close,
        (Kind::Accounts, k) => {
            let rest = k.strip_prefix("financials.")?;
            let (year, what) = rest.split_once('.')?;
            let year: i32 = year.parse().ok().filter(|y| (1900..=2200).contains(y))?;
            let what = match what {
                "revenue" => Fin::Revenue,
                "margin" => Fin::Margin,
                "share_of_wallet" => Fin::ShareOfWallet,
                _ => return None,
            };
            Key::Financial(year, what)
        }
        _ => return None,
    };
    Some(k)
}

/// Resolve a mapping file against a CSV header.
pub fn generic(map: &MappingFile, header: &[Cell]) -> Result<Resolved, MappingError> {
    let names: Vec<String> = header.iter().map(|c| normalise(&c.text)).collect();
    let listed = || {
        header
            .iter()
            .map(|c| format!("`{}`", c.text))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let find = |column: &str| -> Result<usize, MappingError> {
        let n = normalise(column);
        names.iter().position(|h| *h == n).ok_or_else(|| MappingError {
            message: format!("the mapping names column `{column}`, which the CSV does not have"),
            help: format!("the CSV's columns are {}; fix the name in the mapping file", listed()),
        })
    };
    let kind = map.records;
    let mut columns = Vec::new();
    for (column, key) in &map.columns {
        let k = parse_key(kind, key.trim()).ok_or_else(|| MappingError {
            message: format!(
                "`{column}: {key}`: `{key}` is not a key kamsite imports into {}",
                kind.name()
            ),
            help: format!("use one of: {}", known_keys(kind)),
        })?;
        columns.push((find(column)?, k));
    }
    if let Some(c) = &map.record_id {
        columns.push((find(c)?, Key::RecordId));
    }
    match (&map.account, kind) {
        (Some(c), Kind::Contacts | Kind::Opportunities) => {
            let i = find(c)?;
            // The account column may hold an id or a name: both are tried.
            columns.push((i, Key::AccountId));
            columns.push((i, Key::AccountName));
        }
        (None, Kind::Contacts | Kind::Opportunities) => {
            return Err(MappingError {
                message: format!("a mapping of {} needs `account:`", kind.name()),
                help: "add `account: <the column naming each row's account, by its record id or name>`".into(),
            });
        }
        (Some(_), Kind::Accounts) => {
            return Err(MappingError {
                message: "`account:` is for contacts and opportunities".into(),
                help: "remove it, or set `records: contacts` or `records: opportunities`".into(),
            });
        }
        (None, Kind::Accounts) => {}
    }
    let has_name = columns
        .iter()
        .any(|(_, k)| matches!(k, Key::Name | Key::FirstName | Key::LastName));
    if !has_name {
        let key = if kind == Kind::Opportunities { "title" } else { "name" };
        return Err(MappingError {
            message: format!("the mapping has no column for `{key}`"),
            help: format!("add `<the column with each record's {key}>: {key}` under `columns:`"),
        });
    }
    Ok(Resolved {
        format: Format::Generic,
        kind,
        columns,
        status_rule: StatusRule::Plain,
        values: map.values.clone(),
        date_format: map.date_format.clone(),
        skipped: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<Cell> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Cell {
                text: n.to_string(),
                line: 1,
                col: i + 1,
            })
            .collect()
    }

    #[test]
    fn salesforce_and_hubspot_headers_are_recognised() {
        let h = header(&[
            "Account Name",
            "Account ID",
            "Industry",
            "Annual Revenue",
            "Account Owner",
            "Type",
        ]);
        assert_eq!(detect_format(&h), Some(Format::Salesforce));
        let r = builtin(Format::Salesforce, &h);
        assert_eq!(r.kind, Kind::Accounts);
        assert_eq!(r.column(Key::Name), Some(0));
        assert_eq!(r.column(Key::RecordId), Some(1));
        assert_eq!(r.column(Key::Owner), Some(4));
        assert_eq!(r.skipped.len(), 1);
        let h = header(&[
            "Opportunity Name",
            "Account Name",
            "Amount",
            "Probability (%)",
            "Stage",
            "Close Date",
        ]);
        let r = builtin(Format::Salesforce, &h);
        assert_eq!(r.kind, Kind::Opportunities);
        assert_eq!(r.column(Key::ProbabilityPercent), Some(3));
        let h = header(&["Record ID", "Company name", "Company owner", "Lifecycle Stage"]);
        assert_eq!(detect_format(&h), Some(Format::Hubspot));
        let h = header(&["Record ID", "Deal Name", "Deal Stage", "Associated Company IDs"]);
        assert_eq!(builtin(Format::Hubspot, &h).kind, Kind::Opportunities);
        assert_eq!(detect_format(&header(&["Customer", "Sector"])), None);
    }
}
