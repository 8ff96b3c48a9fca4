//! Generate one hostile site per scale case, for bench/hostile.sh: the
//! starter site (`kamsite init`) with one thing grown past what a person
//! writes, where a cross-check once cost quadratic time or memory, or a
//! walk once recursed.
//!
//! ```sh
//! cargo run --release --example gen_hostile -- CASE OUT_DIR [N]
//! ```
//!
//! Cases (default N in brackets):
//! - `long-line`: a value after N spaces in account.yaml, a note and site.yaml [100000]
//! - `chain`: a reports_to chain of N contacts [30000]
//! - `competitors`: N distinct competitors, spelled two ways, in one review [1000]
//! - `factors`: N score factors the matrix does not use [100000]
//! - `nested-div`: a note of N nested `<div>` (about 5 bytes each) [100000]
//! - `plans`: N plans in one account, one per period [2000]
//!
//! The same arguments always write the same files.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const ACCOUNT: &str = "accounts/acme-industrial/account.yaml";

/// The one file the starter site has in `folder` (its name carries a date).
fn only_file(root: &Path, folder: &str) -> String {
    let entry = fs::read_dir(root.join(folder)).unwrap().flatten().next().unwrap();
    format!("{folder}/{}", entry.file_name().to_string_lossy())
}

fn replace(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(case), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: gen_hostile CASE OUT_DIR [N]  (cases: long-line chain competitors factors nested-div plans)");
        std::process::exit(2);
    };
    let n_arg = args.get(2).map(|n| n.parse::<usize>().expect("N is a number"));
    let root = Path::new(out);
    if root.exists() {
        fs::remove_dir_all(root).unwrap();
    }
    let today = jiff::civil::date(2026, 11, 26);
    kamsite::scaffold::init(root, today).unwrap_or_else(|e| panic!("init: {e}"));
    let note = only_file(root, "accounts/acme-industrial/notes");
    let review = only_file(root, "accounts/acme-industrial/reviews");
    let (note, review) = (note.as_str(), review.as_str());
    match case.as_str() {
        "long-line" => {
            let pad = " ".repeat(n_arg.unwrap_or(100_000));
            replace(root, ACCOUNT, "tier: foundation", &format!("tier: {pad}diamnod"));
            replace(root, note, "kind: meeting", &format!("kind: {pad}meetingg"));
            replace(
                root,
                "site.yaml",
                "stale_after_days: 90",
                &format!("stale_after_days: {pad}lots"),
            );
        }
        "chain" => {
            let n = n_arg.unwrap_or(30_000);
            let mut chain = String::new();
            for k in 0..n {
                match k {
                    0 => chain.push_str("  - { id: c0, name: Contact 0 }\n"),
                    k => {
                        let _ = writeln!(chain, "  - {{ id: c{k}, name: Contact {k}, reports_to: c{} }}", k - 1);
                    }
                }
            }
            replace(root, ACCOUNT, "contacts:\n", &format!("contacts:\n{chain}"));
        }
        "competitors" => {
            let n = n_arg.unwrap_or(1_000);
            // Each competitor twice, the second time in other case: the
            // spelling check compares every name with every other.
            let names: Vec<String> = (0..n)
                .flat_map(|k| [format!("Rival {k} AS"), format!("RIVAL {k} as")])
                .collect();
            replace(
                root,
                review,
                "competitors: [Halden Controls]",
                &format!("competitors: [{}]", names.join(", ")),
            );
        }
        "factors" => {
            let n = n_arg.unwrap_or(100_000);
            let mut scores = String::new();
            for k in 0..n {
                let _ = writeln!(scores, "  unused_factor_{k}: 5");
            }
            replace(root, ACCOUNT, "  growth: 8\n", &format!("{scores}  growth: 8\n"));
        }
        "nested-div" => {
            let n = n_arg.unwrap_or(100_000);
            let body = format!("{}deep{}\n", "<div>".repeat(n), "</div>".repeat(n));
            let path = root.join(note);
            let text = fs::read_to_string(&path).unwrap();
            let end = text.match_indices("---\n").nth(1).unwrap().0 + 4;
            fs::write(&path, format!("{}{body}", &text[..end])).unwrap();
        }
        "plans" => {
            let n = n_arg.unwrap_or(2_000);
            let plans = root.join("accounts/acme-industrial/plans");
            let template = fs::read_to_string(plans.join("2026.yaml")).unwrap();
            fs::remove_file(plans.join("2026.yaml")).unwrap();
            for k in 0..n {
                // Years 1000.. : every period distinct, sorted as numbers.
                let year = 1000 + k;
                let text = template
                    .replace("period: \"2026\"", &format!("period: \"{year}\""))
                    .replace(
                        "title: Joint business plan 2026",
                        &format!("title: Joint business plan {year}"),
                    );
                fs::write(plans.join(format!("{year}.yaml")), text).unwrap();
            }
        }
        other => {
            eprintln!("unknown case `{other}`");
            std::process::exit(2);
        }
    }
}
