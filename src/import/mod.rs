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
mod plan;
pub mod table;
pub mod values;
pub mod yaml_edit;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use mapping::{Format, Kind};
use merge::Change;
use table::Encoding;

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
    let existing = plan::existing_accounts(&opts.root)?;
    let plan = plan::plan(records, &existing, &mut report);
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
