//! `kamsite import`: parse the arguments, run the import, print what it did.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kamsite::import::mapping::Format;
use kamsite::import::merge::Change;
use kamsite::import::table::Encoding;
use kamsite::import::{Action, Options, Report};

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Salesforce,
    Hubspot,
    Generic,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "latin1", alias = "iso-8859-1")]
    Latin1,
}

/// Write or update accounts/<slug>/account.yaml from CRM exports (CSV).
#[derive(Args)]
pub struct ImportArgs {
    /// The site folder.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// A CSV export: accounts, contacts or opportunities (repeat for several).
    #[arg(long, value_name = "FILE.csv", required = true)]
    from: Vec<PathBuf>,
    /// The CRM the export is from [default: told by its column names].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Which CSV column goes to which key (implies --format generic).
    #[arg(long, value_name = "FILE.yaml")]
    mapping: Option<PathBuf>,
    /// Replace values in account.yaml that differ from the export (comments
    /// and keys the import does not fill are still kept).
    #[arg(long)]
    force: bool,
    /// Print what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write nothing when any row is bad (default: import the good rows).
    #[arg(long)]
    strict: bool,
    /// The export's text encoding.
    #[arg(long, value_enum, default_value = "utf-8")]
    encoding: EncodingArg,
    /// How the export writes dates when not YYYY-MM-DD, e.g. %d/%m/%Y.
    #[arg(long, value_name = "FORMAT")]
    date_format: Option<String>,
}

pub fn import(args: ImportArgs) -> ExitCode {
    let opts = Options {
        root: args.root,
        from: args.from,
        format: match (args.format, &args.mapping) {
            (Some(FormatArg::Salesforce), _) => Some(Format::Salesforce),
            (Some(FormatArg::Hubspot), _) => Some(Format::Hubspot),
            (Some(FormatArg::Generic), _) | (None, Some(_)) => Some(Format::Generic),
            (None, None) => None,
        },
        mapping: args.mapping,
        force: args.force,
        dry_run: args.dry_run,
        strict: args.strict,
        encoding: match args.encoding {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Latin1 => Encoding::Latin1,
        },
        date_format: args.date_format,
    };
    match kamsite::import::run(&opts) {
        Ok(report) => print(&report, &opts),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn print(report: &Report, opts: &Options) -> ExitCode {
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    for p in &report.problems {
        eprintln!("{p}\n");
    }
    let would = if opts.dry_run { "would be " } else { "" };
    let (mut created, mut updated, mut unchanged, mut kept) = (0, 0, 0, 0);
    for o in &report.outcomes {
        let shown: Vec<String> = o.changes.iter().filter_map(change_text).collect();
        match o.action {
            Action::Created => {
                created += 1;
                println!("{}: {would}created", o.path);
            }
            Action::Updated => {
                updated += 1;
                println!("{}: {would}updated: {}", o.path, shown.join(", "));
            }
            Action::Unchanged => unchanged += 1,
        }
        for c in &o.changes {
            if let Change::Kept { key, file, export } = c {
                kept += 1;
                println!(
                    "{}: kept {key}: {file:?} (the export has {export}; --force takes it)",
                    o.path
                );
            }
        }
    }
    let rejected = report.problems.len();
    let mut summary = format!(
        "{} rows read: {created} account(s) {would}created, {updated} {would}updated, {unchanged} unchanged",
        report.rows
    );
    if kept > 0 {
        summary.push_str(&format!(", {kept} hand-edited value(s) kept"));
    }
    if rejected > 0 {
        summary.push_str(&format!("; {rejected} problem(s), those rows left out"));
    }
    if opts.strict && rejected > 0 {
        eprintln!("import failed (--strict): {rejected} problem(s); nothing was written");
        return ExitCode::from(1);
    }
    if created + updated == 0 && rejected == 0 {
        summary.push_str(" (nothing to change: the site already has what the export says)");
    } else if opts.dry_run {
        summary.push_str(" (dry run: nothing was written)");
    }
    eprintln!("{summary}");
    if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn change_text(c: &Change) -> Option<String> {
    match c {
        Change::Added(what) => Some(format!("+{what}")),
        Change::Updated { key, old, new } => Some(format!("{key} {old:?} -> {new}")),
        Change::Noted => Some("+crm-id".into()),
        Change::Kept { .. } => None,
    }
}
