//! The authoring commands of the CLI: serve, init, new, schema.
//!
//! Like the rest of `main.rs`, these only parse, call the library and print.
//!
//! Owns the wording on the terminal (`serve`'s event lines, what `init`
//! and `new` created, `import`'s report in [`import`]). May import the
//! library's public front ends (`kamsite::pipeline`, `serve`, `scaffold`,
//! `import`, `diag`); no stage imports the CLI.

pub mod import;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Subcommand;
use kamsite::scaffold::{self, Created};
use kamsite::serve::{Event, Preview, ServeOptions};

/// What `kamsite new` creates.
#[derive(Subcommand)]
pub enum NewCommand {
    /// A new account: accounts/<slug>/account.yaml, slug made from NAME.
    Account {
        /// The customer's name, e.g. "Acme Industrial AS".
        name: String,
    },
    /// A meeting note dated today: accounts/SLUG/notes/<date>-<title>.md.
    Note {
        /// The account's slug (its folder name).
        slug: String,
        /// The note's title.
        title: String,
    },
    /// A win/loss review dated today: accounts/SLUG/reviews/<date>-<opportunity>.md.
    Review {
        /// The account's slug.
        slug: String,
    },
    /// A draft joint business plan: accounts/SLUG/plans/PERIOD.yaml.
    Plan {
        /// The account's slug.
        slug: String,
        /// The period, e.g. 2026 or 2026-H2.
        period: String,
    },
}

/// `kamsite serve` of the site folder `root` (which exists).
pub fn serve(root: PathBuf, port: u16, interface: std::net::IpAddr, open: bool, preview: Preview) -> ExitCode {
    let console = ServeConsole {
        what: match preview.audience.account() {
            Some(slug) => format!("the customer site of {slug}"),
            None => "the internal portal".to_string(),
        },
        customer: preview.audience.account().is_some(),
        local: kamsite::serve::is_loopback(interface),
        root: root.clone(),
        interface,
        open,
    };
    if !console.local {
        let fields = if console.customer {
            ""
        } else {
            ", internal fields included,"
        };
        eprintln!(
            "warning: serving on {interface}: anyone who can reach this address can read {}{fields} \
             without a password; use the default 127.0.0.1 unless that is what you want",
            console.what
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        if let Err(e) = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst)) {
            eprintln!("warning: cannot handle Ctrl-C: {e}");
        }
    }
    let opts = ServeOptions {
        interface,
        preview,
        ..ServeOptions::new(root, port)
    };
    match kamsite::serve::run(&opts, &stop, &mut |event| console.event(event)) {
        Ok(()) => {
            eprintln!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Most warnings `serve` prints after one build; the rest are counted
/// (`kamsite check` lists them all).
const SERVE_WARNINGS_SHOWN: usize = 20;

/// What `serve` prints about its events on stderr.
struct ServeConsole {
    root: PathBuf,
    what: String,
    customer: bool,
    local: bool,
    interface: std::net::IpAddr,
    open: bool,
}

impl ServeConsole {
    fn event(&self, event: Event) {
        match event {
            Event::Listening { url } => {
                let reach = if self.local {
                    "this computer only".to_string()
                } else {
                    format!("listening on {}", self.interface)
                };
                let shown = if self.customer {
                    format!("{} from {}", self.what, self.root.display())
                } else {
                    self.root.display().to_string()
                };
                eprintln!("serving {shown} at {url} ({reach}); press Ctrl-C to stop");
                if self.open {
                    open_in_browser(&url);
                }
            }
            Event::Changed { paths } => {
                let shown: Vec<&str> = paths.iter().take(3).map(String::as_str).collect();
                let more = paths.len().saturating_sub(shown.len());
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                eprintln!("changed: {}{more}", shown.join(", "));
            }
            Event::Built {
                summary,
                elapsed,
                first,
            } => built(summary, elapsed, first),
            Event::Failed {
                diagnostics,
                message,
                elapsed,
            } => failed(diagnostics, message, elapsed),
            Event::WatchError(e) => eprintln!("warning: file watcher: {e}"),
        }
    }
}

fn built(summary: &kamsite::BuildSummary, elapsed: std::time::Duration, first: bool) {
    let warnings: Vec<_> = summary.diagnostics.iter().collect();
    for d in warnings.iter().take(SERVE_WARNINGS_SHOWN) {
        eprintln!("{}: warning: {}", d.location(), d.message);
    }
    if warnings.len() > SERVE_WARNINGS_SHOWN {
        eprintln!(
            "... and {} more warning(s); `kamsite check` lists them all",
            warnings.len() - SERVE_WARNINGS_SHOWN
        );
    }
    let verb = if first { "built" } else { "rebuilt" };
    if std::env::var_os("KAMSITE_TIMINGS").is_some() {
        let laps: Vec<String> = summary
            .timings
            .iter()
            .map(|(s, d, _)| format!("{s} {:.0} ms", d.as_secs_f64() * 1e3))
            .collect();
        eprintln!("timings: {}", laps.join(", "));
    }
    eprintln!(
        "{verb} in {} ms ({} pages{})",
        elapsed.as_millis(),
        summary.pages,
        crate::search_note(summary.search_index_bytes)
    );
}

fn failed(diagnostics: &kamsite::diag::Diagnostics, message: Option<&str>, elapsed: std::time::Duration) {
    let mut errors = 0;
    let color = crate::color();
    for (d, snippet) in diagnostics.errors().into_shown() {
        if snippet {
            eprintln!("{}", d.render(color));
        } else {
            eprintln!("{d}\n");
        }
        errors += 1;
    }
    if let Some(m) = message {
        eprintln!("error: {m}");
        errors += 1;
    }
    eprintln!(
        "build failed in {} ms: {errors} error(s); serving the last good build, the browser shows the errors",
        elapsed.as_millis()
    );
}

fn open_in_browser(url: &str) {
    let (program, before): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        // `start` is built into cmd; its first quoted argument is a window title.
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let spawned = std::process::Command::new(program)
        .args(before)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let url = url.to_string();
    match spawned {
        Err(e) => eprintln!("cannot open a browser ({program}: {e}); open {url} yourself"),
        Ok(mut child) => {
            std::thread::spawn(move || match child.wait() {
                Ok(status) if status.success() => {}
                Ok(status) => eprintln!("cannot open a browser ({program} {status}); open {url} yourself"),
                Err(e) => eprintln!("cannot open a browser ({program}: {e}); open {url} yourself"),
            });
        }
    }
}

pub fn init(dir: &Path) -> ExitCode {
    let today = kamsite::today(&kamsite::config::SiteConfig::default());
    match scaffold::init(dir, today) {
        Ok(created) => {
            print_created(&created);
            println!("\nNext:\n  kamsite serve --root {}", dir.display());
            println!("  kamsite new account \"Customer Name\" --root {}", dir.display());
            println!(
                "\nBefore pushing to GitHub, set KAMSITE_GIT in {} and read its note on\n\
                 GitHub Pages: a Pages site is public unless made private.",
                dir.join(kamsite::scaffold::GITHUB_WORKFLOW).display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

pub fn new(root: &Path, what: NewCommand) -> ExitCode {
    if !root.is_dir() {
        eprintln!(
            "error: site folder {} does not exist; create a site with `kamsite init DIR`",
            root.display()
        );
        return ExitCode::from(2);
    }
    let (site, _) = kamsite::load::load(root);
    let today = kamsite::today(&site.config);
    let result = match &what {
        NewCommand::Account { name } => scaffold::new_account(root, &site.config, name, today),
        NewCommand::Note { slug, title } => scaffold::new_note(root, slug, title, today),
        NewCommand::Review { slug } => scaffold::new_review(root, &site.config, slug, today),
        NewCommand::Plan { slug, period } => scaffold::new_plan(root, slug, period, today),
    };
    match result {
        Ok(created) => {
            print_created(&created);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// The schemas, with the ids of the site at `root` when it has a site.yaml
/// that loads (a broken one gives the generic schemas and a warning).
pub fn schema(root: &Path, out: Option<&Path>) -> ExitCode {
    let default_out = root.join(kamsite::schema::SITE_SCHEMA_DIR);
    let out = out.unwrap_or(&default_out);
    let config = root.join("site.yaml").is_file().then(|| {
        let (site, diags) = kamsite::load::load(root);
        if site.config_file.is_none() {
            eprintln!(
                "warning: {} could not be read ({} problem(s), see `kamsite check`): the schemas name no assessment frameworks",
                root.join("site.yaml").display(),
                diags.error_count()
            );
        }
        site.config
    });
    match kamsite::schema::write_all_for(out, config.as_ref()) {
        Ok(files) => {
            print_created(&Created { files });
            println!(
                "\nPoint editors at them with a first line like\n  # yaml-language-server: $schema=<path to>/account.schema.json"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn print_created(created: &Created) {
    for f in &created.files {
        println!("created {}", f.display());
    }
}
