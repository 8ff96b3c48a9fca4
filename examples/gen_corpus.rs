//! Generate a realistic kamsite portfolio for benchmarks, and the same notes
//! and account pages as a Hugo site and as a Zola site for a side-by-side
//! comparison (see bench/run.sh).
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --accounts 10000 --notes 5 --out /tmp/corpus [--hugo /tmp/hugo] [--zola /tmp/zola] [--seed 7]
//!     [--history-commits 20 [--history-batch 50]]
//! ```
//!
//! `--history-commits N` also makes the portfolio a git repository whose
//! history touches every account in N commits: the first adds it (with its
//! notes but the ones added later), the others change its tier, stage,
//! owner, a contact's stance, a score or an opportunity's stage, or add a
//! note, by one of several authors on dates over the year before `today`.
//! `--history-batch B` puts B accounts' changes in one commit (default 100:
//! at 10,000 accounts and 20 commits each, 1,901 commits; git compares the
//! 10,000-entry `accounts/` tree once per commit it logs, so one commit per
//! change, 190,001 commits, takes git minutes to write and to log). The commits go to `git fast-import` in one
//! stream; the files on disk are the last commit's.
//!
//! Both the Hugo and the Zola site have a home page, an accounts section, one
//! section per account (title = account name, body = its account.yaml as a
//! fenced code block) and one page per note (title, date, Markdown body),
//! with the same URLs (`/accounts/<slug>/<date>-<n>/`). Adding `--hugo` or
//! `--zola` does not change the kamsite portfolio nor the other site.
//!
//! The same arguments always write byte-identical files.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// splitmix64: small, fast, and stable across versions (unlike library RNGs).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const FIRST: &[&str] = &[
    "Kari", "Ola", "Ingrid", "Lars", "Astrid", "Per", "Sofia", "Jonas", "Maria", "Erik", "Hanna", "Mikael", "Anna",
    "Jan", "Eva", "Thomas", "Laura", "Peter", "Julia", "Markus", "Elena", "David", "Clara", "Stefan", "Nina",
];
const LAST: &[&str] = &[
    "Berg", "Dahl", "Hansen", "Nordmann", "Olsen", "Lind", "Strand", "Vogel", "Maier", "Fischer", "Novak", "Jensen",
    "Koch", "Weber", "Larsen", "Moreau", "Rossi", "Smith", "Brown", "Virtanen", "Nielsen", "Schulz", "Bauer",
];
const TITLES: &[&str] = &[
    "Chief Executive Officer",
    "Chief Financial Officer",
    "Chief Operating Officer",
    "Head of Procurement",
    "Plant Director",
    "Head of IT",
    "Maintenance Manager",
    "Category Manager",
    "Head of Quality",
    "Engineering Lead",
];
const ROLES: &[&str] = &[
    "decision-maker",
    "influencer",
    "gatekeeper",
    "user",
    "buyer",
    "champion",
];
const INDUSTRIES: &[&str] = &[
    "Manufacturing",
    "Energy",
    "Logistics",
    "Retail",
    "Healthcare",
    "Food",
    "Maritime",
    "Telecom",
    "Chemicals",
];
const REGIONS: &[&str] = &[
    "Nordics",
    "DACH",
    "Benelux",
    "UK & Ireland",
    "North America",
    "Baltics",
    "Iberia",
];
const TIERS: &[&str] = &["diamond", "foundation", "portfolio", "opportunistic"];
const STAGES: &[&str] = &[
    "pre-kam",
    "early-kam",
    "mid-kam",
    "partnership-kam",
    "synergistic-kam",
    "uncoupling-kam",
];
const COMPETITORS: &[&str] = &[
    "Vektor Automation",
    "Bruhn Industrietechnik",
    "Castell Systems",
    "Halden Controls",
];
const REASONS: &[&str] = &[
    "price",
    "product-fit",
    "relationship",
    "delivery-confidence",
    "references",
    "incumbent",
    "timing",
    "scope",
];
const WORDS: &[&str] = &[
    "line",
    "downtime",
    "service",
    "contract",
    "renewal",
    "pilot",
    "plant",
    "budget",
    "upgrade",
    "training",
    "spare",
    "parts",
    "uptime",
    "roadmap",
    "integration",
    "maintenance",
    "quality",
    "audit",
    "safety",
    "energy",
    "savings",
    "migration",
    "operator",
    "dashboard",
    "schedule",
    "review",
    "proposal",
    "pricing",
    "scope",
    "risk",
    "sponsor",
];

/// What to generate (public, so tests can include this file and generate a
/// portfolio without running it).
pub struct Args {
    pub accounts: usize,
    pub notes: usize,
    pub seed: u64,
    pub out: PathBuf,
    pub hugo: Option<PathBuf>,
    pub zola: Option<PathBuf>,
    /// Commits per account in a scripted git history; 0: no repository.
    pub history_commits: usize,
    /// Accounts changed per commit of that history (at least 1).
    pub history_batch: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        accounts: 100,
        notes: 5,
        seed: 7,
        out: PathBuf::from("corpus"),
        hugo: None,
        zola: None,
        history_commits: 0,
        history_batch: 100,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--accounts" => a.accounts = val()?.parse().map_err(|e| format!("--accounts: {e}"))?,
            "--notes" => a.notes = val()?.parse().map_err(|e| format!("--notes: {e}"))?,
            "--seed" => a.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => a.out = PathBuf::from(val()?),
            "--hugo" => a.hugo = Some(PathBuf::from(val()?)),
            "--zola" => a.zola = Some(PathBuf::from(val()?)),
            "--history-commits" => a.history_commits = val()?.parse().map_err(|e| format!("--history-commits: {e}"))?,
            "--history-batch" => a.history_batch = val()?.parse().map_err(|e| format!("--history-batch: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "error: {e}\nusage: gen_corpus --accounts N --notes K --out DIR [--hugo DIR] [--zola DIR] [--seed S] [--history-commits N [--history-batch B]]"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = generate(&a) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn person(r: &mut Rng) -> String {
    format!("{} {}", r.pick(FIRST), r.pick(LAST))
}

fn date(r: &mut Rng, year_from: i32, years: u64) -> String {
    format!(
        "{}-{:02}-{:02}",
        year_from + r.below(years) as i32,
        1 + r.below(12),
        1 + r.below(28)
    )
}

fn sentence(r: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(r.pick(WORDS));
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str() + ".",
        None => s,
    }
}

/// A note body of about 2 KB: headings, a list, a task list and a table.
fn note_body(r: &mut Rng) -> String {
    let mut b = String::with_capacity(2200);
    let _ = writeln!(
        b,
        "## Summary\n\n{} {} {}\n",
        sentence(r, 14),
        sentence(r, 11),
        sentence(r, 16)
    );
    let _ = writeln!(b, "## Discussion\n");
    for _ in 0..5 {
        let _ = writeln!(b, "- {}", sentence(r, 9));
    }
    let _ = writeln!(b, "\n| Topic | Owner | Status |\n|---|---|---|");
    for _ in 0..5 {
        let _ = writeln!(
            b,
            "| {} | {} | {} |",
            sentence(r, 3),
            person(r),
            r.pick(&["open", "done", "at risk"])
        );
    }
    let _ = writeln!(b, "\n## Actions\n");
    for _ in 0..4 {
        let _ = writeln!(b, "- [{}] {}", r.pick(&[" ", "x"]), sentence(r, 8));
    }
    let _ = writeln!(b, "\n{} **{}** {}\n", sentence(r, 18), sentence(r, 3), sentence(r, 20));
    b
}

pub fn generate(a: &Args) -> Result<(), String> {
    let mut r = Rng(a.seed);
    let mut history = match a.history_commits {
        0 => None,
        n => Some(History::start(&a.out, n, a.history_batch.max(1), a.seed)?),
    };
    write(
        &a.out.join("site.yaml"),
        "title: Benchmark portfolio\ntoday: 2026-11-23\ncurrency: EUR\n",
    )?;
    if let Some(h) = &a.hugo {
        hugo_skeleton(h)?;
    }
    if let Some(z) = &a.zola {
        zola_skeleton(z)?;
    }
    for i in 0..a.accounts {
        let slug = format!("account-{i:06}");
        let name = format!(
            "{} {} {}",
            r.pick(LAST),
            r.pick(INDUSTRIES),
            r.pick(&["AS", "GmbH", "AB", "Ltd", "Oy", "BV"])
        );
        let mut y = String::with_capacity(4096);
        let _ = writeln!(y, "name: {name}");
        let _ = writeln!(
            y,
            "status: {}",
            r.pick(&["active", "active", "active", "prospect", "former"])
        );
        let _ = writeln!(y, "industry: {}\nregion: {}", r.pick(INDUSTRIES), r.pick(REGIONS));
        let _ = writeln!(y, "tier: {}\nstage: {}", r.pick(TIERS), r.pick(STAGES));
        let _ = writeln!(y, "owner: {}\nsponsor: {}", person(&mut r), person(&mut r));
        let _ = writeln!(
            y,
            "since: {}\nreview_by: {}",
            date(&mut r, 2010, 14),
            date(&mut r, 2026, 2)
        );
        let _ = writeln!(
            y,
            "team:\n  - {{ name: {}, role: delivery lead, allocation: 0.4 }}",
            person(&mut r)
        );
        let _ = writeln!(y, "scores:");
        for f in [
            "growth",
            "profitability",
            "reference_value",
            "relationship",
            "price_position",
            "delivery_record",
            "cost_to_serve",
        ] {
            let _ = writeln!(y, "  {f}: {}", r.below(11));
        }
        // Pareto-like revenue: a few large accounts, many small ones.
        let base = 50_000.0 + 20_000_000.0 * r.unit().powi(6);
        let _ = writeln!(y, "financials:");
        for (k, year) in [2024, 2025, 2026].iter().enumerate() {
            let rev = (base * (0.85 + 0.1 * k as f64 + 0.1 * r.unit())).round();
            let _ = writeln!(
                y,
                "  - {{ year: {year}, revenue: {rev}, margin: {:.2}, share_of_wallet: {:.2} }}",
                0.15 + 0.2 * r.unit(),
                0.1 + 0.6 * r.unit()
            );
        }
        let contacts = 4 + r.below(6) as usize;
        let _ = writeln!(y, "contacts:");
        for c in 0..contacts {
            let _ = writeln!(
                y,
                "  - id: c{c}\n    name: {}\n    title: {}",
                person(&mut r),
                r.pick(TITLES)
            );
            let _ = writeln!(y, "    role: {}\n    stance: {}", r.pick(ROLES), r.below(7) as i64 - 3);
            if c > 0 {
                // A chain: each contact reports to an earlier one, so the tree is 2-4 levels deep.
                let _ = writeln!(y, "    reports_to: c{}", r.below(c as u64));
            }
            let _ = writeln!(
                y,
                "    owner: {}\n    last_contact: {}",
                person(&mut r),
                date(&mut r, 2025, 2)
            );
        }
        let _ = writeln!(y, "opportunities:");
        for o in 0..3 {
            let _ = writeln!(
                y,
                "  - {{ id: opp-{o}, title: {}, value: {}, probability: {:.1}, stage: {}, close: {}, owner: {} }}",
                sentence(&mut r, 3).trim_end_matches('.'),
                (20_000 + r.below(900_000)) as f64,
                r.below(11) as f64 / 10.0,
                r.pick(&["lead", "qualified", "proposal", "negotiation"]),
                date(&mut r, 2026, 2),
                person(&mut r)
            );
        }
        let _ = writeln!(
            y,
            "kpis:\n  - {{ name: On-time delivery, unit: \"%\", baseline: 88, current: 93, target: 97, shared: true }}"
        );
        let _ = writeln!(
            y,
            "swot:\n  strengths: [{}]\n  threats: [{}]",
            sentence(&mut r, 5),
            sentence(&mut r, 5)
        );
        let dir = a.out.join("accounts").join(&slug);
        write(&dir.join("account.yaml"), &y)?;

        let mut files = Vec::new();
        let mut hugo_notes = Vec::new();
        for n in 0..a.notes {
            let d = date(&mut r, 2025, 2);
            let title = sentence(&mut r, 5).trim_end_matches('.').to_string();
            let body = note_body(&mut r);
            let kind = r.pick(&["meeting", "call", "insight", "email"]);
            let text = format!(
                "---\ndate: {d}\ntitle: {title}\nkind: {kind}\nattendees: [{}, {}]\n---\n{body}",
                person(&mut r),
                person(&mut r)
            );
            write(&dir.join("notes").join(format!("{d}-{n}.md")), &text)?;
            if history.is_some() {
                files.push((format!("accounts/{slug}/notes/{d}-{n}.md"), text));
            }
            hugo_notes.push((format!("{d}-{n}"), d, title, body));
        }
        if i % 3 == 0 {
            let outcome = r.pick(&["won", "won", "lost", "no-decision"]);
            let text = format!(
                "---\nopportunity: opp-0\noutcome: {outcome}\ndate: {}\nvalue: {}\ncompetitors: [{}]\nreasons: [{}, {}]\ninterviewed: true\nlessons: [{}]\n---\n{}\n",
                date(&mut r, 2025, 2),
                (50_000 + r.below(500_000)) as f64,
                r.pick(COMPETITORS),
                r.pick(REASONS),
                r.pick(REASONS),
                sentence(&mut r, 6),
                sentence(&mut r, 40)
            );
            write(&dir.join("reviews").join("2026-review.md"), &text)?;
            if history.is_some() {
                files.push((format!("accounts/{slug}/reviews/2026-review.md"), text));
            }
        }
        if i % 5 == 0 {
            let text = format!(
                "period: \"2026\"\ntitle: Joint business plan 2026\nstatus: agreed\nobjectives:\n  - {}\n  - {{ text: {}, internal: true }}\ncustomer_priorities:\n  - {}\ninitiatives:\n  - {{ title: {}, owner_ours: {}, owner_theirs: {}, due: 2026-09-30, status: active }}\nkpis:\n  - {{ name: Uptime, unit: \"%\", baseline: 95, current: 97, target: 99 }}\nmilestones:\n  - \"3 months: {}\"\ngovernance:\n  cadence: Monthly review\n",
                sentence(&mut r, 6),
                sentence(&mut r, 6),
                sentence(&mut r, 6),
                sentence(&mut r, 4).trim_end_matches('.'),
                person(&mut r),
                person(&mut r),
                sentence(&mut r, 5)
            );
            write(&dir.join("plans").join("2026.yaml"), &text)?;
            if history.is_some() {
                files.push((format!("accounts/{slug}/plans/2026.yaml"), text));
            }
        }
        if let Some(h) = &mut history {
            h.account(&slug, &y, files)?;
        }
        if let Some(h) = &a.hugo {
            hugo_account(h, &slug, &name, &y, &hugo_notes)?;
        }
        if let Some(z) = &a.zola {
            zola_account(z, &slug, &name, &y, &hugo_notes)?;
        }
    }
    match history {
        Some(h) => h.finish(),
        None => Ok(()),
    }
}

/// Who commits in a scripted history.
const AUTHORS: &[(&str, &str)] = &[
    ("Kari Nordmann", "kari.nordmann@example.com"),
    ("Lars Berg", "lars.berg@example.com"),
    ("Astrid Dahl", "astrid.dahl@example.com"),
    ("Jonas Vogel", "jonas.vogel@example.com"),
    ("Maria Rossi", "maria.rossi@example.com"),
    ("Erik Lind", "erik.lind@example.com"),
];
const SCORE_KEYS: &[&str] = &[
    "growth",
    "profitability",
    "reference_value",
    "relationship",
    "price_position",
    "delivery_record",
    "cost_to_serve",
];
const OPPORTUNITY_STAGES: &[&str] = &["lead", "qualified", "proposal", "negotiation"];
/// 2026-11-23T00:00:00Z, the corpus's `today`.
const TODAY_UNIX: i64 = 1_795_392_000;
const DAY: i64 = 86_400;

/// A scripted git history of the portfolio, written to `git fast-import` as
/// it is generated: the first commit adds every account (streamed while the
/// accounts are made), then the changes follow in date order.
struct History {
    root: PathBuf,
    import: std::process::Child,
    stream: std::io::BufWriter<std::process::ChildStdin>,
    rng: Rng,
    commits: usize,
    batch: usize,
    accounts: Vec<AccountHistory>,
}

/// One account's history: its last account.yaml, and per change (the
/// second commit on) what that change did.
struct AccountHistory {
    slug: String,
    lines: Vec<String>,
    /// `steps[s - 1]` turns version s - 1 into version s.
    steps: Vec<Step>,
    /// When each change was committed (unix seconds), ascending.
    times: Vec<i64>,
}

enum Step {
    /// Line `line` read `before` until this change.
    Line { line: usize, before: String, what: String },
    /// This change added the note at this path.
    Note(String),
}

impl History {
    fn start(root: &Path, commits: usize, batch: usize, seed: u64) -> Result<History, String> {
        use std::io::Write as _;
        use std::process::{Command, Stdio};
        fs::create_dir_all(root).map_err(|e| format!("{}: {e}", root.display()))?;
        let git = |args: &[&str]| -> Result<(), String> {
            let st = Command::new("git")
                .args(args)
                .current_dir(root)
                .status()
                .map_err(|e| format!("git {}: {e}", args.join(" ")))?;
            if st.success() {
                Ok(())
            } else {
                Err(format!("git {} failed", args.join(" ")))
            }
        };
        git(&["init", "-q", "-b", "main"])?;
        let mut import = Command::new("git")
            .args(["fast-import", "--quiet", "--done"])
            .current_dir(root)
            .stdin(Stdio::piped())
            .spawn()
            .map_err(|e| format!("git fast-import: {e}"))?;
        let stdin = import.stdin.take().ok_or("git fast-import: no stdin")?;
        let mut stream = std::io::BufWriter::with_capacity(1 << 20, stdin);
        let (name, email) = AUTHORS[0];
        let when = TODAY_UNIX - 400 * DAY;
        let msg = "Import the portfolio\n";
        let site = "title: Benchmark portfolio\ntoday: 2026-11-23\ncurrency: EUR\n";
        write!(
            stream,
            "commit refs/heads/main\nauthor {name} <{email}> {when} +0000\ncommitter {name} <{email}> {when} +0000\ndata {}\n{msg}M 100644 inline site.yaml\ndata {}\n{site}\n",
            msg.len(),
            site.len()
        )
        .map_err(|e| format!("git fast-import: {e}"))?;
        Ok(History {
            root: root.to_path_buf(),
            import,
            stream,
            rng: Rng(seed ^ 0x6869_7374_6f72_7921),
            commits,
            batch,
            accounts: Vec::new(),
        })
    }

    fn inline(&mut self, path: &str, text: &str) -> Result<(), String> {
        use std::io::Write as _;
        write!(self.stream, "M 100644 inline {path}\ndata {}\n{text}\n", text.len())
            .map_err(|e| format!("git fast-import: {e}"))
    }

    /// An account as generated (`yaml`, its other files as `(path, text)`):
    /// script its changes backwards from what it is now, and add its first
    /// version to the first commit.
    fn account(&mut self, slug: &str, yaml: &str, files: Vec<(String, String)>) -> Result<(), String> {
        let lines: Vec<String> = yaml.lines().map(str::to_string).collect();
        let mut cur = lines.clone();
        let changes = self.commits - 1;
        let notes: Vec<&str> = files
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| p.contains("/notes/"))
            .collect();
        let mut later_notes: Vec<String> = notes.iter().rev().take(changes / 4).map(|p| p.to_string()).collect();
        let mut steps = Vec::with_capacity(changes);
        for s in (1..=changes).rev() {
            if s % 4 == 0
                && let Some(note) = later_notes.pop()
            {
                steps.push(Step::Note(note));
                continue;
            }
            let (line, before, what) = self.change(&cur);
            cur[line] = before.clone();
            steps.push(Step::Line { line, before, what });
        }
        steps.reverse();
        let added_later: Vec<&str> = steps
            .iter()
            .filter_map(|s| match s {
                Step::Note(p) => Some(p.as_str()),
                Step::Line { .. } => None,
            })
            .collect();
        let mut first = cur.join("\n");
        first.push('\n');
        self.inline(&format!("accounts/{slug}/account.yaml"), &first)?;
        for (path, text) in &files {
            if !added_later.contains(&path.as_str()) {
                self.inline(path, text)?;
            }
        }
        // The account's last change is up to 390 days ago; its changes spread
        // over the year before it.
        let end = TODAY_UNIX - 3600 - self.rng.below(390 * DAY as u64) as i64;
        let start = TODAY_UNIX - 400 * DAY + 3600;
        let mut times: Vec<i64> = (0..changes)
            .map(|_| (end - self.rng.below((end - start) as u64) as i64).max(start))
            .collect();
        times.sort_unstable();
        self.accounts.push(AccountHistory {
            slug: slug.to_string(),
            lines,
            steps,
            times,
        });
        Ok(())
    }

    /// A line of `cur` to change, its value before the change, and a word
    /// for the commit message.
    fn change(&mut self, cur: &[String]) -> (usize, String, String) {
        let r = &mut self.rng;
        let find = |pred: &dyn Fn(&str) -> bool| -> Vec<usize> {
            cur.iter()
                .enumerate()
                .filter(|(_, l)| pred(l))
                .map(|(i, _)| i)
                .collect()
        };
        loop {
            let kind = r.below(6);
            let candidates = match kind {
                0 => find(&|l| l.starts_with("tier: ")),
                1 => find(&|l| l.starts_with("stage: ")),
                2 => find(&|l| l.starts_with("owner: ")),
                3 => find(&|l| l.starts_with("    stance: ")),
                4 => find(&|l| SCORE_KEYS.iter().any(|k| l.starts_with(&format!("  {k}: ")))),
                _ => find(&|l| l.starts_with("  - { id: opp-")),
            };
            if candidates.is_empty() {
                continue;
            }
            let line = candidates[r.below(candidates.len() as u64) as usize];
            let old = &cur[line];
            let (before, what) = match kind {
                0 => (format!("tier: {}", other(r, TIERS, &old[6..])), "tier".to_string()),
                1 => (format!("stage: {}", other(r, STAGES, &old[7..])), "stage".to_string()),
                2 => (format!("owner: {}", person(r)), "owner".to_string()),
                3 => {
                    let v = old[12..].trim().parse::<i64>().unwrap_or(0);
                    let to = (v + [-1, 1][r.below(2) as usize]).clamp(-3, 3);
                    let to = match (to == v, v) {
                        (false, _) => to,
                        (true, 3) => 2,
                        (true, _) => v + 1,
                    };
                    (format!("    stance: {to}"), "stance".to_string())
                }
                4 => {
                    let (key, v) = old.trim().split_once(": ").unwrap_or(("growth", "0"));
                    let v = v.parse::<u64>().unwrap_or(0);
                    let to = (v + 1 + r.below(10)) % 11;
                    (format!("  {key}: {to}"), format!("score {key}"))
                }
                _ => {
                    let at = old.find("stage: ").map_or(0, |i| i + 7);
                    let len = old[at..].find(',').unwrap_or(0);
                    let to = other(r, OPPORTUNITY_STAGES, &old[at..at + len]);
                    (
                        format!("{}{to}{}", &old[..at], &old[at + len..]),
                        "opportunity stage".to_string(),
                    )
                }
            };
            if before != *old {
                return (line, before, what);
            }
        }
    }

    /// The first commit is complete; the changes follow, oldest first,
    /// `batch` accounts a commit.
    fn finish(mut self) -> Result<(), String> {
        use std::io::Write as _;
        let mut events: Vec<(i64, usize, usize)> = Vec::new();
        for (a, h) in self.accounts.iter().enumerate() {
            events.extend(h.times.iter().enumerate().map(|(s, t)| (*t, a, s + 1)));
        }
        events.sort_unstable();
        let mut pending: Vec<(usize, usize)> = Vec::new();
        let mut last_time = 0;
        let mut k = 0;
        for (t, a, s) in events {
            if pending.len() == self.batch || pending.iter().any(|(b, _)| *b == a) {
                self.commit(&pending, last_time, k)?;
                pending.clear();
                k += 1;
            }
            pending.push((a, s));
            last_time = t;
        }
        if !pending.is_empty() {
            self.commit(&pending, last_time, k)?;
        }
        self.stream
            .write_all(b"done\n")
            .and_then(|()| self.stream.flush())
            .map_err(|e| format!("git fast-import: {e}"))?;
        drop(self.stream);
        let st = self.import.wait().map_err(|e| format!("git fast-import: {e}"))?;
        if !st.success() {
            return Err("git fast-import failed".into());
        }
        // The index as the last commit has it, so the folder shows no changes.
        let st = std::process::Command::new("git")
            .args(["reset", "-q"])
            .current_dir(&self.root)
            .status()
            .map_err(|e| format!("git reset: {e}"))?;
        if st.success() {
            Ok(())
        } else {
            Err("git reset failed".into())
        }
    }

    /// One commit of the changes `(account, step)`, at `when`.
    fn commit(&mut self, changes: &[(usize, usize)], when: i64, k: usize) -> Result<(), String> {
        use std::io::Write as _;
        let (name, email) = AUTHORS[1 + (k + self.rng.below(3) as usize) % (AUTHORS.len() - 1)];
        let msg = match changes {
            [(a, s)] => {
                let h = &self.accounts[*a];
                match &h.steps[s - 1] {
                    Step::Line { what, .. } => format!("{}: {what}\n", h.slug),
                    Step::Note(path) => format!("{}: note {}\n", h.slug, path.rsplit('/').next().unwrap_or("")),
                }
            }
            _ => format!("Update {} accounts\n", changes.len()),
        };
        write!(
            self.stream,
            "commit refs/heads/main\nauthor {name} <{email}> {when} +0000\ncommitter {name} <{email}> {when} +0000\ndata {}\n{msg}",
            msg.len()
        )
        .map_err(|e| format!("git fast-import: {e}"))?;
        for &(a, s) in changes {
            let h = &self.accounts[a];
            let (path, text) = match &h.steps[s - 1] {
                Step::Note(path) => {
                    let text = fs::read_to_string(self.root.join(path)).map_err(|e| format!("{path}: {e}"))?;
                    (path.clone(), text)
                }
                Step::Line { .. } => (format!("accounts/{}/account.yaml", h.slug), h.version(s)),
            };
            self.inline(&path, &text)?;
        }
        Ok(())
    }
}

impl AccountHistory {
    /// account.yaml after change `s` (0: as first committed).
    fn version(&self, s: usize) -> String {
        let mut lines: Vec<&str> = self.lines.iter().map(String::as_str).collect();
        for step in self.steps[s..].iter().rev() {
            if let Step::Line { line, before, .. } = step {
                lines[*line] = before;
            }
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}

/// A value of `items` other than `now` (when there is another).
fn other<'a>(r: &mut Rng, items: &[&'a str], now: &str) -> &'a str {
    loop {
        let v = r.pick(items);
        if v != now || items.len() < 2 {
            return v;
        }
    }
}

/// A minimal Hugo site that renders the same account and note content.
fn hugo_skeleton(h: &Path) -> Result<(), String> {
    write(
        &h.join("hugo.toml"),
        "baseURL = \"/\"\ntitle = \"Benchmark portfolio\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n\
         [markup.highlight]\ncodeFences = false\n",
    )?;
    write(
        &h.join("layouts/_default/baseof.html"),
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
    )?;
    write(
        &h.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }}</li>{{ end }}</ul>{{ end }}\n",
    )?;
    write(
        &h.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><time>{{ .Date.Format \"2006-01-02\" }}</time>{{ .Content }}{{ end }}\n",
    )?;
    write(&h.join("content/_index.md"), "---\ntitle: Portfolio\n---\n")
}

fn hugo_account(
    h: &Path,
    slug: &str,
    name: &str,
    yaml: &str,
    notes: &[(String, String, String, String)],
) -> Result<(), String> {
    let dir = h.join("content/accounts").join(slug);
    // The account page shows the account data; its notes are its child pages.
    write(
        &dir.join("_index.md"),
        &format!("---\ntitle: \"{name}\"\n---\n```yaml\n{yaml}```\n"),
    )?;
    for (id, d, title, body) in notes {
        write(
            &dir.join(format!("{id}.md")),
            &format!("---\ntitle: \"{title}\"\ndate: {d}\n---\n{body}"),
        )?;
    }
    Ok(())
}

/// A TOML basic string: `"..."` with `\` and `"` escaped.
fn toml_str(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '\\' => q.push_str("\\\\"),
            '"' => q.push_str("\\\""),
            '\n' => q.push_str("\\n"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// A minimal Zola site that renders the same pages as [`hugo_skeleton`]: the
/// same templates (title, date, Markdown body; list pages link their children)
/// and, like the Hugo config, no taxonomies, feeds, sitemap or syntax
/// highlighting (kamsite does not highlight code either; both peers are
/// measured at their fastest).
fn zola_skeleton(z: &Path) -> Result<(), String> {
    write(
        &z.join("config.toml"),
        "base_url = \"/\"\ntitle = \"Benchmark portfolio\"\ncompile_sass = false\nbuild_search_index = false\n\
         generate_feeds = false\ngenerate_sitemap = false\ngenerate_robots_txt = false\n",
    )?;
    write(
        &z.join("templates/base.html"),
        "<!doctype html><html><head><title>{% block title %}{% endblock %}</title></head><body>{% block main %}{% endblock %}</body></html>\n",
    )?;
    // Lists: sub-sections (accounts) first, then pages (notes), like Hugo's `.Pages`.
    let list = "{% extends \"base.html\" %}{% block title %}{{ section.title }}{% endblock %}\
        {% block main %}<h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>\
        {% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href=\"{{ sub.path }}\">{{ sub.title }}</a></li>{% endfor %}\
        {% for p in section.pages %}<li><a href=\"{{ p.path }}\">{{ p.title }}</a> {{ p.date | date(format=\"%Y-%m-%d\") }}</li>{% endfor %}\
        </ul>{% endblock %}\n";
    write(&z.join("templates/index.html"), list)?;
    write(&z.join("templates/section.html"), list)?;
    write(
        &z.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock %}\
         {% block main %}<h1>{{ page.title }}</h1><time>{{ page.date | date(format=\"%Y-%m-%d\") }}</time>{{ page.content | safe }}{% endblock %}\n",
    )?;
    write(&z.join("content/_index.md"), "+++\ntitle = \"Portfolio\"\n+++\n")?;
    // Hugo makes the accounts list page on its own; Zola needs an _index.md.
    write(
        &z.join("content/accounts/_index.md"),
        "+++\ntitle = \"Accounts\"\n+++\n",
    )
}

/// The Zola twin of [`hugo_account`]: the account is a section (its notes are
/// its pages, newest first as in Hugo) and each note keeps Hugo's URL. Note
/// files are named `<date>-<n>.md`, from which Zola would take the slug `<n>`,
/// so the slug is set explicitly.
fn zola_account(
    z: &Path,
    slug: &str,
    name: &str,
    yaml: &str,
    notes: &[(String, String, String, String)],
) -> Result<(), String> {
    let dir = z.join("content/accounts").join(slug);
    write(
        &dir.join("_index.md"),
        &format!(
            "+++\ntitle = {}\nsort_by = \"date\"\n+++\n```yaml\n{yaml}```\n",
            toml_str(name)
        ),
    )?;
    for (id, d, title, body) in notes {
        write(
            &dir.join(format!("{id}.md")),
            &format!(
                "+++\ntitle = {}\ndate = {d}\nslug = {}\n+++\n{body}",
                toml_str(title),
                toml_str(id)
            ),
        )?;
    }
    Ok(())
}
