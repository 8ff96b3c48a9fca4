//! The kamsite command line: parses arguments, calls the library, prints.

mod cli;

// Rendering allocates and frees many small values (template values, views);
// mimalloc does that markedly faster than the system allocator. It asks for
// transparent huge pages for its memory (`madvise`): memory the host has
// taken back from the VM is slow to touch again, one fault per 4 KiB page
// without them. Measured after other processes had used and freed memory,
// 100k accounts built in a median 39.6 s with them and 42.3 s without (four
// alternating runs each), 10k accounts in 3.54 s and 3.46 s (seven each).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kamsite::diag::{Diagnostic, Diagnostics};
use kamsite::pipeline::{Callbacks, OutputOptions, PageOptions};
use kamsite::{Audience, BuildError, BuildOptions};

#[derive(Parser)]
#[command(
    name = "kamsite",
    version,
    about = "Compile a key-account portfolio into a static site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum AudienceArg {
    Internal,
    Customer,
}

/// How `check` prints problems.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Human,
    Json,
    Github,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into an output folder (atomically).
    Build {
        /// The site folder (holds site.yaml and accounts/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: <root>/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Who the build is for.
        #[arg(long, value_enum, default_value = "internal")]
        audience: AudienceArg,
        /// The account of a customer build.
        #[arg(long)]
        account: Option<String>,
        /// Override site.yaml base_url.
        #[arg(long)]
        base_url: Option<String>,
        /// Include draft plans in a customer build.
        #[arg(long)]
        drafts: bool,
        /// Treat broken links as errors: nothing is written.
        #[arg(long)]
        strict: bool,
    },
    /// Print an account's joint business plan to PDF (needs headless Chromium).
    Pdf {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The account whose plan to print.
        #[arg(long)]
        account: String,
        /// The plan's period (or file name) [default: the newest plan].
        #[arg(long)]
        period: Option<String>,
        /// The PDF file, or a folder for `<account>-<period>.pdf` [default: that name here].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Allow printing a draft plan.
        #[arg(long)]
        drafts: bool,
    },
    /// Validate everything and report every problem; exit 1 on any error.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// `human` (snippets, on stderr), `json` (one JSON object per problem
        /// per line, on stdout) or `github` (GitHub Actions annotations, on stdout).
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
    },
    /// Preview the site on 127.0.0.1 with live reload; rebuilds on every change.
    ///
    /// It builds what `build` would with the same --audience, --account,
    /// --base-url and --drafts, so `serve --audience customer --account SLUG`
    /// previews that customer's site, redacted as `build` redacts it.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything but a loopback address (127.0.0.1,
        /// ::1) lets other computers read the internal portal.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        interface: std::net::IpAddr,
        /// Open the site in the default browser once it is served.
        #[arg(long)]
        open: bool,
        /// Which site to preview: the internal portal or one customer's site.
        #[arg(long, value_enum, default_value = "internal")]
        audience: AudienceArg,
        /// The account whose customer site to preview (with --audience customer).
        #[arg(long, value_name = "SLUG", required_if_eq("audience", "customer"))]
        account: Option<String>,
        /// Override site.yaml base_url, as `build --base-url` does (folder
        /// links, `site.base_url` in templates); live reload still works.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include draft plans in a customer preview, as `build --drafts`.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a small working site in DIR.
    Init { dir: PathBuf },
    /// Add an account, note, review or plan from a commented template.
    New {
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
        #[command(subcommand)]
        what: cli::NewCommand,
    },
    /// Write or update account files from CRM exports (Salesforce, HubSpot, any CSV).
    Import(cli::import::ImportArgs),
    /// Write JSON Schemas of the file formats, for editors (yaml-language-server).
    Schema {
        /// The folder to write them to (default: <root>/.kamsite/schemas).
        #[arg(long)]
        out: Option<PathBuf>,
        /// A site whose site.yaml ids (assessment frameworks and their
        /// dimensions) the account schema names; default: the current folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            audience,
            account,
            base_url,
            drafts,
            strict,
        } => {
            kamsite::allocator::keep_freed_memory();
            if !root.is_dir() {
                return no_site_folder(&root);
            }
            let audience = match (audience, account) {
                // As ever, an internal build shows every account (and every plan).
                (AudienceArg::Internal, _) => Audience::Internal,
                (AudienceArg::Customer, Some(account)) => Audience::Customer { account, drafts },
                (AudienceArg::Customer, None) => {
                    eprintln!("error: a customer build needs --account SLUG: it is built for one customer");
                    return ExitCode::from(1);
                }
            };
            let opts = BuildOptions {
                root,
                audience,
                pages: PageOptions {
                    base_url,
                    live_reload: false,
                },
                output: OutputOptions {
                    out,
                    strict,
                    files_lock: None,
                },
                callbacks: Callbacks {
                    progress: progress_bar(),
                    notices: Some(kamsite::Notices(std::sync::Arc::new(|line| eprintln!("note: {line}")))),
                },
            };
            build(&opts)
        }
        Command::Pdf {
            root,
            account,
            period,
            out,
            drafts,
        } => pdf(&root, &account, drafts, period.as_deref(), out.as_deref()),
        Command::Check { root, format } => check(&root, format),
        Command::Serve {
            root,
            port,
            interface,
            open,
            audience,
            account,
            base_url,
            drafts,
        } => {
            kamsite::allocator::keep_freed_memory();
            if !root.is_dir() {
                return no_site_folder(&root);
            }
            let audience = match (audience, account) {
                (AudienceArg::Customer, Some(account)) => Audience::Customer { account, drafts },
                (AudienceArg::Internal, Some(slug)) => {
                    eprintln!(
                        "error: --account {slug} picks the customer site to preview; add --audience customer \
                         (the internal portal shows every account)"
                    );
                    return ExitCode::from(2);
                }
                // clap requires --account with --audience customer.
                (_, None) => Audience::Internal,
            };
            let preview = kamsite::serve::Preview { audience, base_url };
            cli::serve(root, port, interface, open, preview)
        }
        Command::Init { dir } => cli::init(&dir),
        Command::New { root, what } => cli::new(&root, what),
        Command::Schema { out, root } => cli::schema(&root, out.as_deref()),
        Command::Import(args) => cli::import::import(args),
    }
}

/// `error: site folder ... does not exist`, exit code 2.
fn no_site_folder(root: &std::path::Path) -> ExitCode {
    eprintln!("error: site folder {} does not exist", root.display());
    ExitCode::from(2)
}

fn pdf(
    root: &std::path::Path,
    account: &str,
    drafts: bool,
    period: Option<&str>,
    out: Option<&std::path::Path>,
) -> ExitCode {
    if !root.is_dir() {
        return no_site_folder(root);
    }
    match kamsite::pdf::pdf(root, account, drafts, period, out) {
        Ok(summary) => {
            warning_lines(summary.diagnostics);
            eprintln!(
                "wrote {} ({}, {:.0} kB)",
                summary.out.display(),
                summary.title,
                summary.bytes as f64 / 1e3
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid(diags)) => {
            let (errors, warnings) = print_diagnostics(diags);
            eprintln!("pdf failed: {}; nothing was written", summary_line(errors, warnings));
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// A progress bar on a terminal for builds that take over a second; nothing otherwise (CI, pipes).
static BAR: std::sync::OnceLock<indicatif::ProgressBar> = std::sync::OnceLock::new();

fn progress_bar() -> Option<kamsite::Progress> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let started = std::time::Instant::now();
    let bar = &BAR;
    Some(kamsite::Progress(std::sync::Arc::new(move |done, total| {
        if started.elapsed() < std::time::Duration::from_secs(1) && bar.get().is_none() {
            return;
        }
        let bar = bar.get_or_init(|| {
            let b = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} pages {elapsed}")
            {
                b.set_style(style);
            }
            b
        });
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })))
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print_diagnostics(diags: Diagnostics) -> (usize, usize) {
    let errors = diags.error_count();
    let warnings = diags.warning_count();
    let color = color();
    let mut out = std::io::BufWriter::new(std::io::stderr().lock());
    for (d, snippet) in diags.into_shown() {
        if snippet {
            let _ = writeln!(out, "{}", render(&d, color));
        } else {
            let _ = writeln!(out, "{d}\n");
        }
    }
    let _ = out.flush();
    (errors, warnings)
}

/// A good build's warnings, one line each, sorted. Written through one
/// buffer: `eprintln!` makes several writes per line, and a generated
/// portfolio of 100,000 accounts carries about 95,000 warnings. The process
/// ends right after, so they are left for it to reclaim, as the site is
/// (`build_then_exit`).
fn warning_lines(diags: Diagnostics) {
    let mut out = std::io::BufWriter::new(std::io::stderr().lock());
    let sorted = diags.into_shown();
    for (d, _) in &sorted {
        let _ = writeln!(out, "{}: warning: {}", d.location(), d.message);
    }
    let _ = out.flush();
    std::mem::forget(sorted);
}

fn render(d: &Diagnostic, color: bool) -> String {
    d.render(color)
}

fn summary_line(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

fn check(root: &std::path::Path, format: CheckFormat) -> ExitCode {
    if !root.is_dir() {
        let message = format!("site folder {} does not exist", root.display());
        if format == CheckFormat::Github {
            println!("{}", kamsite::report::github_plain_error(&message));
        }
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let diags = kamsite::check(root);
    let (errors, warnings) = match format {
        CheckFormat::Human => print_diagnostics(diags),
        CheckFormat::Json | CheckFormat::Github => {
            let (errors, warnings) = (diags.error_count(), diags.warning_count());
            let cwd = std::env::current_dir().ok();
            let prefix = kamsite::report::path_prefix(root, cwd.as_deref());
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for d in diags.into_sorted() {
                let line = if format == CheckFormat::Json {
                    kamsite::report::json_line(&prefix, &d)
                } else {
                    kamsite::report::github_line(&prefix, &d)
                };
                let _ = writeln!(out, "{line}");
            }
            let _ = out.flush();
            (errors, warnings)
        }
    };
    if errors > 0 {
        eprintln!("check failed: {}", summary_line(errors, warnings));
        ExitCode::from(1)
    } else {
        eprintln!("check passed: {}", summary_line(errors, warnings));
        ExitCode::SUCCESS
    }
}

fn build(opts: &BuildOptions) -> ExitCode {
    let started = std::time::Instant::now();
    let result = kamsite::build_then_exit(opts);
    if let Some(bar) = BAR.get() {
        bar.finish_and_clear();
    }
    match result {
        Ok(summary) => {
            // A good build lists warnings one per line; `check` shows them in full.
            if std::env::var_os("KAMSITE_TIMINGS").is_some() {
                let laps: Vec<String> = summary
                    .timings
                    .iter()
                    .map(|(s, d, rss)| format!("{s} {:.0} ms (rss {} MB)", d.as_secs_f64() * 1e3, rss / 1_000_000))
                    .collect();
                eprintln!("timings: {}", laps.join(", "));
            }
            let warnings = summary.diagnostics.warning_count();
            warning_lines(summary.diagnostics);
            eprintln!(
                "built {} pages ({} files, {:.1} MB{}) into {} in {:.2} s{}",
                summary.pages,
                summary.files,
                summary.bytes as f64 / 1e6,
                search_note(summary.search_index_bytes),
                summary.out.display(),
                started.elapsed().as_secs_f64(),
                if warnings > 0 {
                    format!(", {} warning(s)", warnings)
                } else {
                    String::new()
                }
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid(diags)) => {
            let (errors, warnings) = print_diagnostics(diags);
            eprintln!("build failed: {}; nothing was written", summary_line(errors, warnings));
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// ", search index 25.0 kB" for the build summary line.
fn search_note(bytes: Option<usize>) -> String {
    bytes
        .map(|b| format!(", search index {:.1} kB", b as f64 / 1e3))
        .unwrap_or_default()
}
