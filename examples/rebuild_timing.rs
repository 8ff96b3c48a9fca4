//! Time serve's incremental rebuild: one full build, then N rebuilds of one
//! account, each printed with its per-stage timings.
//!
//! cargo run --release --example rebuild_timing -- --root /tmp/kamsite-bench/site-10000 [--slug SLUG] [--runs 5] [--pause 3] [--edit name|revenue]
//!
//! `--pause SECONDS` waits before each edit, as a user does between saves
//! (serve's process is idle then); without it the rebuilds run back to back.
//! `--edit revenue` changes the account's latest revenue instead of its
//! name: every account's share of the portfolio moves, so every profile is
//! rendered again.

use std::path::PathBuf;

// The allocator of the kamsite binary (src/main.rs), so timings match serve's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

fn main() {
    // As serve does (src/main.rs).
    kamsite::allocator::keep_freed_memory();
    let mut root = None;
    let mut slug = None;
    let mut runs = 5usize;
    let mut pause = 0.0f64;
    let mut revenue = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| usage(&format!("{a} needs a value")));
        match a.as_str() {
            "--root" => root = Some(PathBuf::from(val())),
            "--slug" => slug = Some(val()),
            "--runs" => runs = val().parse().unwrap_or_else(|_| usage("--runs takes a number")),
            "--pause" => pause = val().parse().unwrap_or_else(|_| usage("--pause takes seconds")),
            "--edit" => match val().as_str() {
                "name" => revenue = false,
                "revenue" => revenue = true,
                _ => usage("--edit takes name or revenue"),
            },
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let root = root.unwrap_or_else(|| usage("--root is required"));
    let out = std::env::temp_dir().join(format!("kamsite-rebuild-timing-{}", std::process::id()));
    let opts = kamsite::BuildOptions {
        root,
        pages: kamsite::pipeline::PageOptions {
            live_reload: true,
            ..Default::default()
        },
        output: kamsite::pipeline::OutputOptions {
            out: Some(out.clone()),
            // As serve does: files are overwritten in place under its lock.
            files_lock: Some(Default::default()),
            ..Default::default()
        },
        ..Default::default()
    };
    let t = Instant::now();
    let (result, site) = kamsite::build_keeping_site(&opts);
    if let Err(e) = result {
        usage(&format!("full build failed: {e}"));
    }
    let Some(mut ws) = site else {
        usage("the site did not load")
    };
    println!("full build: {} ms", t.elapsed().as_millis());
    let slug = match slug.or_else(|| {
        ws.site
            .accounts
            .get(ws.site.accounts.len() / 2)
            .map(|a| a.slug.to_string())
    }) {
        Some(s) => s,
        None => usage("the site has no accounts"),
    };
    // Each run renames the account in its account.yaml, as an edit would;
    // the file is put back at the end.
    let yaml = opts.root.join("accounts").join(&slug).join("account.yaml");
    let original = std::fs::read_to_string(&yaml).unwrap_or_else(|e| usage(&format!("{}: {e}", yaml.display())));
    // As serve does before the first edit (`Builder::prime`): one rebuild
    // of the account as it is.
    let t = Instant::now();
    if let Err(e) = kamsite::rebuild_accounts(&opts, &mut ws, std::slice::from_ref(&slug)) {
        usage(&format!("rebuild failed: {e}"));
    }
    println!("prime: {} ms", t.elapsed().as_millis());
    for run in 1..=runs {
        std::thread::sleep(std::time::Duration::from_secs_f64(pause));
        let edited: String = if revenue {
            // The last `revenue: N` is the latest year's (financials are listed oldest first).
            match original.rfind("revenue: ") {
                Some(at) => {
                    let digits = original[at + 9..].bytes().take_while(u8::is_ascii_digit).count();
                    format!(
                        "{}revenue: {}{}",
                        &original[..at],
                        1000 * run,
                        &original[at + 9 + digits..]
                    )
                }
                None => usage("the account has no revenue to edit"),
            }
        } else {
            original
                .lines()
                .map(|l| match l.strip_prefix("name:") {
                    Some(name) => format!("name:{name} (edit {run})\n"),
                    None => format!("{l}\n"),
                })
                .collect()
        };
        std::fs::write(&yaml, edited).unwrap_or_else(|e| usage(&format!("{}: {e}", yaml.display())));
        let t = Instant::now();
        match kamsite::rebuild_accounts(&opts, &mut ws, std::slice::from_ref(&slug)) {
            Ok(s) => {
                let laps: Vec<String> = s
                    .timings
                    .iter()
                    .map(|(name, d, _)| format!("{name} {} ms", d.as_millis()))
                    .collect();
                println!(
                    "rebuild {run} of {slug}: {} ms ({} pages; {})",
                    t.elapsed().as_millis(),
                    s.pages,
                    laps.join(", ")
                );
            }
            Err(e) => usage(&format!("rebuild failed: {e}")),
        }
    }
    let _ = std::fs::write(&yaml, &original);
    let _ = std::fs::remove_dir_all(&out);
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "error: {msg}\nusage: rebuild_timing --root DIR [--slug SLUG] [--runs N] [--pause SECONDS] [--edit name|revenue]"
    );
    std::process::exit(2)
}
