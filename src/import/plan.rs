//! From records to account folders: which folder each record lands in,
//! matched by CRM id (the `# crm-id:` line), id or name; duplicates and rows
//! whose account is unknown are reported here.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::convert::{self, AccountRec, ItemRec, Record};
use super::mapping::{Format, Kind};
use super::merge::{self, Desired};
use super::{ImportError, Problem, Report, read_limited};
use crate::model::slug::slugify;

/// An account folder already on disk.
pub(super) struct Existing {
    pub(super) text: String,
    /// Its `# crm-id:` line.
    pub(super) record: Option<String>,
}

pub(super) fn existing_accounts(root: &Path) -> Result<BTreeMap<String, Existing>, ImportError> {
    let mut out = BTreeMap::new();
    let dir = root.join("accounts");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(out);
    };
    for entry in entries.flatten() {
        let Some(slug) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let path = entry.path().join("account.yaml");
        if !path.is_file() {
            continue;
        }
        let bytes = read_limited(&path)?;
        // A file that is not UTF-8 is kamsite check's to report; it is
        // treated as one the import cannot update.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let record = merge::noted_record(&text).map(str::to_string);
        out.insert(slug, Existing { text, record });
    }
    Ok(out)
}

/// Group the records by account folder, reporting duplicates and rows
/// whose account is unknown.
pub(super) fn plan(
    records: Vec<(Format, Record)>,
    existing: &BTreeMap<String, Existing>,
    report: &mut Report,
) -> BTreeMap<String, Desired> {
    let noted: HashMap<&str, &str> = existing
        .iter()
        .filter_map(|(slug, e)| Some((e.record.as_deref()?, slug.as_str())))
        .collect();
    let mut desired: BTreeMap<String, Desired> = BTreeMap::new();
    // Record key ("format id") -> (slug, where first seen).
    let mut seen_ids: HashMap<String, (String, convert::Origin)> = HashMap::new();
    // Slug -> where the account row that made it was.
    let mut slugs: HashMap<String, (convert::Origin, String)> = HashMap::new();
    let (accounts, items): (Vec<_>, Vec<_>) = records.into_iter().partition(|(_, r)| matches!(r, Record::Account(_)));
    for (format, r) in accounts {
        let Record::Account(a) = r else { continue };
        if let Some(slug) = account_slug(format, &a, &noted, existing, &mut seen_ids, &mut slugs, report) {
            report.rows += 1;
            let d = desired.entry(slug).or_default();
            d.record_id = a.record_id.as_ref().map(|id| format!("{} {id}", format.name()));
            d.fields = a.fields;
            d.financials = a.financials;
        }
    }
    // Item ids per (slug, kind) -> where first seen.
    let mut item_ids: HashMap<(String, Kind, String), convert::Origin> = HashMap::new();
    for (format, r) in items {
        let Record::Item(item) = r else { continue };
        let Some(slug) = item_account(format, &item, &noted, existing, &seen_ids, &slugs, report) else {
            continue;
        };
        if let Some(id) = &item.record_id {
            let key = format!("{} {} {id}", format.name(), item.kind.name());
            if let Some((_, first)) = seen_ids.get(&key) {
                report
                    .problems
                    .push(duplicate(&item.origin, first, record_column(format, item.kind)));
                continue;
            }
            seen_ids.insert(key, (slug.clone(), item.origin.clone()));
        }
        let key = (slug.clone(), item.kind, item.id.clone());
        if let Some(first) = item_ids.get(&key) {
            report.problems.push(Problem::new(
                &item.origin.file,
                item.origin.line,
                item.origin.col,
                format!(
                    "a second {} `{}` for account {slug} (the first is at {}:{})",
                    singular(item.kind),
                    item.label,
                    first.file,
                    first.line
                ),
                "kamsite ids come from names: give one a distinct name in the CRM, or delete the duplicate",
            ));
            continue;
        }
        item_ids.insert(key, item.origin.clone());
        report.rows += 1;
        let d = desired.entry(slug).or_default();
        match item.kind {
            Kind::Contacts => d.contacts.push(item.fields),
            _ => d.opportunities.push(item.fields),
        }
    }
    desired
}

/// The record id column as exports name it, for messages.
fn record_column(format: Format, kind: Kind) -> &'static str {
    match (format, kind) {
        (Format::Hubspot, _) => "Record ID",
        (Format::Salesforce, Kind::Accounts) => "Account ID",
        (Format::Salesforce, Kind::Contacts) => "Contact ID",
        (Format::Salesforce, Kind::Opportunities) => "Opportunity ID",
        (Format::Generic, _) => "record_id",
    }
}

fn singular(kind: Kind) -> &'static str {
    match kind {
        Kind::Accounts => "account",
        Kind::Contacts => "contact",
        Kind::Opportunities => "opportunity",
    }
}

fn duplicate(at: &convert::Origin, first: &convert::Origin, column: &str) -> Problem {
    let (line, col, id) = at.record_at.clone().unwrap_or((at.line, at.col, String::new()));
    Problem::new(
        &at.file,
        line,
        col,
        format!(
            "{column}: `{id}` is the record of {}:{} too; this row is left out",
            first.file, first.line
        ),
        "each record once: delete the duplicate row, or merge the two records in the CRM",
    )
}

/// The folder an account row goes to, or why it cannot go anywhere.
fn account_slug(
    format: Format,
    a: &AccountRec,
    noted: &HashMap<&str, &str>,
    existing: &BTreeMap<String, Existing>,
    seen_ids: &mut HashMap<String, (String, convert::Origin)>,
    slugs: &mut HashMap<String, (convert::Origin, String)>,
    report: &mut Report,
) -> Option<String> {
    let record = a.record_id.as_ref().map(|id| format!("{} {id}", format.name()));
    if let Some(key) = &record
        && let Some((_, first)) = seen_ids.get(&format!("account {key}"))
    {
        report
            .problems
            .push(duplicate(&a.origin, first, record_column(format, Kind::Accounts)));
        return None;
    }
    // The folder noted with this record's id wins: a renamed account stays put.
    let slug = record
        .as_deref()
        .and_then(|k| noted.get(k))
        .map(|s| s.to_string())
        .unwrap_or_else(|| a.slug.clone());
    if let Some((first, name)) = slugs.get(&slug) {
        report.problems.push(Problem::new(
            &a.origin.file,
            a.origin.line,
            a.origin.col,
            format!(
                "`{}` makes the same folder accounts/{slug}/ as `{name}` at {}:{}",
                a.name, first.file, first.line
            ),
            "two accounts cannot share a folder: make the names differ in the CRM, or delete the duplicate",
        ));
        return None;
    }
    if let (Some(key), Some(other)) = (&record, existing.get(&slug).and_then(|e| e.record.as_deref()))
        && key != other
    {
        report.problems.push(Problem::new(
            &a.origin.file,
            a.origin.line,
            a.origin.col,
            format!("accounts/{slug}/account.yaml is CRM record `{other}` (its `# crm-id:` line), not `{key}`"),
            "two CRM records with one name: rename one in the CRM, or delete the crm-id line if they are one customer",
        ));
        return None;
    }
    if let Some(key) = record {
        seen_ids.insert(format!("account {key}"), (slug.clone(), a.origin.clone()));
    }
    slugs.insert(slug.clone(), (a.origin.clone(), a.name.clone()));
    Some(slug)
}

/// The account folder a contact or opportunity row belongs to.
fn item_account(
    format: Format,
    item: &ItemRec,
    noted: &HashMap<&str, &str>,
    existing: &BTreeMap<String, Existing>,
    seen_ids: &HashMap<String, (String, convert::Origin)>,
    slugs: &HashMap<String, (convert::Origin, String)>,
    report: &mut Report,
) -> Option<String> {
    if let Some(id) = &item.account_id {
        let key = format!("{} {id}", format.name());
        if let Some((slug, _)) = seen_ids.get(&format!("account {key}")) {
            return Some(slug.clone());
        }
        if let Some(slug) = noted.get(key.as_str()) {
            return Some(slug.to_string());
        }
    }
    if let Some(name) = &item.account_name {
        // Some exports write an association as `Name (id)`.
        let bare = name
            .strip_suffix(')')
            .and_then(|n| n.rsplit_once(" ("))
            .map(|(n, id)| (n, id.trim()));
        if let Some((_, id)) = bare {
            let key = format!("account {} {id}", format.name());
            if let Some((slug, _)) = seen_ids.get(&key) {
                return Some(slug.clone());
            }
        }
        let names = std::iter::once(name.as_str()).chain(bare.map(|(n, _)| n));
        for n in names {
            let slug = slugify(n);
            if slugs.contains_key(&slug) || existing.contains_key(&slug) {
                return Some(slug);
            }
        }
    }
    let named = match (&item.account_name, &item.account_id) {
        (Some(n), _) => format!("`{n}`"),
        (None, Some(id)) => format!("with id `{id}`"),
        (None, None) => "(none)".into(),
    };
    let (line, col) = item.origin.account_at.unwrap_or((item.origin.line, item.origin.col));
    report.problems.push(Problem::new(
        &item.origin.file,
        line,
        col,
        format!(
            "the {} `{}` is for account {named}, which is neither in the export nor in accounts/",
            singular(item.kind),
            item.label
        ),
        "import the accounts export in the same run (--from accounts.csv --from this.csv), \
         or create the account first (`kamsite new account NAME`)",
    ));
    None
}
