//! `kamsite import`: CRM exports (Salesforce, HubSpot, any CSV with a
//! mapping file) into `accounts/<slug>/account.yaml`.
//!
//! Owns reading the CSV ([`table`]), which column fills which key
//! ([`mapping`]), reading the values ([`convert`]), and writing them into
//! account files without disturbing what people wrote by hand ([`merge`],
//! [`yaml_edit`]). It may use the model (slug rules, the account type to
//! check what it writes) and nothing of the build pipeline; it never prints.
//!
//! Every row is read and every problem collected before anything is
//! written; then each changed file is replaced atomically (a temporary file
//! renamed over it in the same folder).

pub mod convert;
pub mod mapping;
pub mod merge;
pub mod table;
pub mod yaml_edit;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use convert::{AccountRec, ItemRec, Record};
use mapping::{Format, Kind};
use merge::{Change, Desired};
use table::Encoding;

use crate::model::slug::slugify;

/// Largest CSV read (a CRM export of a million rows is well under it).
const MAX_CSV_BYTES: u64 = 1 << 30;

/// What to import and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The site folder.
    pub root: PathBuf,
    /// The CSV files, in the order given: accounts before the contacts and
    /// opportunities that name them is not required.
    pub from: Vec<PathBuf>,
    /// None: told by each file's header.
    pub format: Option<Format>,
    /// A mapping file (with [`Format::Generic`]).
    pub mapping: Option<PathBuf>,
    /// Replace values in account.yaml that differ from the export.
    pub force: bool,
    /// Work out every change, write nothing.
    pub dry_run: bool,
    /// Any bad row: write nothing.
    pub strict: bool,
    pub encoding: Encoding,
    /// strftime-style format of the export's dates, when not ISO 8601.
    pub date_format: Option<String>,
}

/// A bad row or field: where, what is wrong, how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: String,
}

impl Problem {
    pub fn new(file: &str, line: usize, col: usize, message: impl Into<String>, help: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line,
            col,
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}\n  help: {}",
            self.file, self.line, self.col, self.message, self.help
        )
    }
}

/// What the import does (or, dry, would do) to one account file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug)]
pub struct Outcome {
    /// `accounts/<slug>/account.yaml`.
    pub path: String,
    pub action: Action,
    pub changes: Vec<Change>,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    /// One per account the export touches, by path.
    pub outcomes: Vec<Outcome>,
    /// Every bad row; their records were left out.
    pub problems: Vec<Problem>,
    /// How files were read (delimiter, date order, columns left out).
    pub notes: Vec<String>,
    /// Whether files were written (not for a dry run, nor a strict one with problems).
    pub written: bool,
    /// Rows imported.
    pub rows: usize,
}

/// Why an import could not run at all.
#[derive(Debug)]
pub enum ImportError {
    NoSite(PathBuf),
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    TooLarge {
        path: PathBuf,
        bytes: u64,
    },
    Mapping {
        file: String,
        message: String,
        help: String,
    },
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NoSite(p) => write!(
                f,
                "site folder {} does not exist; create a site with `kamsite init DIR` or pass --root",
                p.display()
            ),
            ImportError::Read { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            ImportError::TooLarge { path, bytes } => write!(
                f,
                "{} is {bytes} bytes; the most kamsite imports from one file is {MAX_CSV_BYTES}: split the export",
                path.display()
            ),
            ImportError::Mapping { file, message, help } => write!(f, "{file}: {message}\n  help: {help}"),
            ImportError::Write { path, source } => write!(
                f,
                "cannot write {}: {source}; files listed before this were written in full, the rest not",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// Run an import. `Err` only when it cannot start or a write fails; bad
/// rows are in [`Report::problems`].
pub fn run(opts: &Options) -> Result<Report, ImportError> {
    if !opts.root.is_dir() {
        return Err(ImportError::NoSite(opts.root.clone()));
    }
    let mapping = match &opts.mapping {
        Some(p) => Some(read_mapping(p)?),
        None => None,
    };
    let mut report = Report::default();
    let mut records = Vec::new();
    let mut ids = None;
    for path in &opts.from {
        let bytes = read_limited(path)?;
        let shown = path.display().to_string();
        let table = match table::read(&shown, &bytes, opts.encoding) {
            Ok(t) => t,
            Err(p) => {
                report.problems.push(p);
                continue;
            }
        };
        report.notes.extend(table.notes.iter().cloned());
        report.problems.extend(table.problems.iter().cloned());
        let resolved = match resolve(opts, mapping.as_ref(), &table) {
            Ok(r) => r,
            Err(p) => {
                report.problems.push(p);
                continue;
            }
        };
        let mut resolved = resolved;
        if resolved.date_format.is_none() {
            resolved.date_format = opts.date_format.clone();
        }
        report
            .notes
            .extend(resolved.skipped.iter().map(|s| format!("{shown}: {s}")));
        let needs_ids = resolved
            .columns
            .iter()
            .any(|(_, k)| matches!(k, mapping::Key::Tier | mapping::Key::Stage) && resolved.kind == Kind::Accounts);
        let site_ids = if needs_ids {
            ids.get_or_insert_with(|| site_ids(&opts.root))
        } else {
            &convert::Ids::default()
        };
        let (mut recs, mut problems) = convert::records(&table, &resolved, site_ids, &mut report.notes);
        records.extend(recs.drain(..).map(|r| (resolved.format, r)));
        report.problems.append(&mut problems);
    }
    let existing = existing_accounts(&opts.root)?;
    let plan = plan(records, &existing, &mut report);
    if opts.strict && !report.problems.is_empty() {
        sort_problems(&mut report.problems);
        return Ok(report);
    }
    let mut writes = Vec::new();
    for (slug, desired) in plan {
        let path = format!("accounts/{slug}/account.yaml");
        let old = existing.get(&slug).map(|e| e.text.as_str());
        let (text, changes, action) = match old {
            None => (merge::create(&desired), Vec::new(), Action::Created),
            Some(old) => match merge::merge(old, &desired, opts.force) {
                Ok(m) => {
                    let action = if m.text == old {
                        Action::Unchanged
                    } else {
                        Action::Updated
                    };
                    (m.text, m.changes, action)
                }
                Err(e) => {
                    report.problems.push(Problem::new(
                        &path,
                        e.line,
                        e.col,
                        format!("cannot update the file: {}", e.message),
                        "fix the file (`kamsite check` shows its problems) and import again",
                    ));
                    continue;
                }
            },
        };
        if action != Action::Unchanged
            && let Err(e) = serde_saphyr::from_str::<crate::model::Account>(&text)
        {
            report.problems.push(Problem::new(
                &path,
                1,
                1,
                format!("the imported file would not load ({e}); it was left as it was"),
                "fix the file by hand (`kamsite check` points at the problem) and import again",
            ));
            continue;
        }
        if action != Action::Unchanged {
            writes.push((slug.clone(), text));
        }
        report.outcomes.push(Outcome { path, action, changes });
    }
    sort_problems(&mut report.problems);
    if opts.strict && !report.problems.is_empty() {
        report.outcomes.clear();
        return Ok(report);
    }
    if !opts.dry_run {
        for (slug, text) in &writes {
            write_atomic(&opts.root.join("accounts").join(slug), text)?;
        }
        report.written = !writes.is_empty();
    }
    Ok(report)
}

fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ImportError> {
    let meta = std::fs::metadata(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() > MAX_CSV_BYTES {
        return Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            bytes: meta.len(),
        });
    }
    std::fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn read_mapping(path: &Path) -> Result<mapping::MappingFile, ImportError> {
    let bytes = read_limited(path)?;
    let file = path.display().to_string();
    let text = String::from_utf8(bytes).map_err(|_| ImportError::Mapping {
        file: file.clone(),
        message: "the mapping file is not UTF-8 text".into(),
        help: "save it as UTF-8".into(),
    })?;
    serde_saphyr::from_str(&text).map_err(|e| ImportError::Mapping {
        file,
        message: e.to_string(),
        help: "a mapping file has `records:`, `record_id:`, `account:`, `date_format:`, `columns:` \
               and `values:`; see docs/import.md"
            .into(),
    })
}

/// The mapping that reads `table`: the mapping file, the given format's, or
/// the one its header shows.
fn resolve(
    opts: &Options,
    file: Option<&mapping::MappingFile>,
    table: &table::Table,
) -> Result<mapping::Resolved, Problem> {
    let at_header = |message: String, help: String| Problem::new(&table.file, 1, 1, message, help);
    if let Some(map) = file {
        if let Some(f) = opts.format.filter(|f| *f != Format::Generic) {
            return Err(at_header(
                format!("a mapping file goes with --format generic, not --format {}", f.name()),
                "drop --mapping to use the built-in columns, or --format to use the mapping".into(),
            ));
        }
        return mapping::generic(map, &table.header).map_err(|e| at_header(e.message, e.help));
    }
    let format = match opts.format {
        Some(Format::Generic) => {
            return Err(at_header(
                "--format generic needs a mapping file".into(),
                "pass --mapping FILE.yaml naming which column goes to which key (see docs/import.md)".into(),
            ));
        }
        Some(f) => f,
        None => match mapping::detect_format(&table.header) {
            Some(f) => f,
            None => {
                let cols: Vec<String> = table.header.iter().take(8).map(|c| format!("`{}`", c.text)).collect();
                return Err(at_header(
                    format!(
                        "cannot tell which CRM this export is from (columns {})",
                        cols.join(", ")
                    ),
                    "pass --format salesforce or --format hubspot, or --mapping FILE.yaml for any other CSV".into(),
                ));
            }
        },
    };
    let resolved = mapping::builtin(format, &table.header);
    let has_name = resolved
        .columns
        .iter()
        .any(|(_, k)| matches!(k, mapping::Key::Name | mapping::Key::FirstName | mapping::Key::LastName));
    if !has_name {
        let expected = match (format, resolved.kind) {
            (Format::Hubspot, Kind::Accounts) => "`Company name`",
            (Format::Hubspot, Kind::Opportunities) => "`Deal Name`",
            (_, Kind::Contacts) => "`First Name` and `Last Name`",
            (_, Kind::Opportunities) => "`Opportunity Name`",
            _ => "`Account Name`",
        };
        return Err(at_header(
            format!(
                "a {} export of {} needs a {expected} column; this file has none",
                format.name(),
                resolved.kind.name()
            ),
            "export it again with that column, or describe the file with --mapping FILE.yaml".into(),
        ));
    }
    Ok(resolved)
}

/// The tier and stage ids of the site.
fn site_ids(root: &Path) -> convert::Ids {
    let (site, _) = crate::load::load(root);
    convert::Ids {
        tiers: site.config.tiers.iter().map(|t| t.id.clone()).collect(),
        stages: site.config.stages.iter().map(|s| s.id.clone()).collect(),
    }
}

/// An account folder already on disk.
struct Existing {
    text: String,
    /// Its `# crm-id:` line.
    record: Option<String>,
}

fn existing_accounts(root: &Path) -> Result<BTreeMap<String, Existing>, ImportError> {
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
fn plan(
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

/// Write `accounts/<slug>/account.yaml` whole or not at all: a temporary
/// file in the same folder, flushed, then renamed over the old one.
fn write_atomic(dir: &Path, text: &str) -> Result<(), ImportError> {
    let created_dir = !dir.exists();
    let err = |path: &Path, source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    let target = dir.join("account.yaml");
    let temp = dir.join(format!(".account.yaml.import-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&temp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        if created_dir {
            let _ = std::fs::remove_dir(dir);
        }
        return Err(err(&target, e));
    }
    Ok(())
}
