//! Generate a realistic kamsite portfolio for benchmarks, and the same notes
//! and account pages as a Hugo site and as a Zola site for a side-by-side
//! comparison (see bench/run.sh).
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --accounts 10000 --notes 5 --out /tmp/corpus [--hugo /tmp/hugo] [--zola /tmp/zola] [--seed 7]
//! ```
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
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        accounts: 100,
        notes: 5,
        seed: 7,
        out: PathBuf::from("corpus"),
        hugo: None,
        zola: None,
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
                "error: {e}\nusage: gen_corpus --accounts N --notes K --out DIR [--hugo DIR] [--zola DIR] [--seed S]"
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
        }
        if let Some(h) = &a.hugo {
            hugo_account(h, &slug, &name, &y, &hugo_notes)?;
        }
        if let Some(z) = &a.zola {
            zola_account(z, &slug, &name, &y, &hugo_notes)?;
        }
    }
    Ok(())
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
