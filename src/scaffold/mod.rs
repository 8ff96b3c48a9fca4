//! Scaffolding: `kamsite init` and `kamsite new ...`.
//!
//! Every file written here is commented for the person who opens it next,
//! carries a `yaml-language-server` schema line so editors complete and
//! check fields, and passes `kamsite check`. Nothing is ever overwritten: a
//! file that exists is reported and left alone.
//!
//! A front end beside the pipeline, not a stage of it: it imports the model
//! (site.yaml's defaults, slug rules), the schemas, load's file reader (to
//! read an account it adds to) and write's typed errors; failures are a
//! [`ScaffoldError`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::config::SiteConfig;
use crate::diag::did_you_mean;
use crate::model::slug::{is_valid_slug, slugify};
use crate::schema::{Kind, SITE_SCHEMA_DIR, modeline};
use crate::write::WriteError;

mod error;
mod starter;
pub use error::ScaffoldError;
use starter::{acme_account, acme_note, acme_plan, acme_review, borealis_account, site_yaml};

/// What a scaffolding command wrote.
#[derive(Debug, Default)]
pub struct Created {
    /// Files written, in order.
    pub files: Vec<PathBuf>,
}

/// Where `init` writes the GitHub Actions workflow: `check --format github`
/// on pull requests, build and publish to GitHub Pages on main (see docs/ci.md).
pub const GITHUB_WORKFLOW: &str = ".github/workflows/kamsite.yml";

/// Create a small working site in `dir`: site.yaml with the frameworks spelled
/// out, two accounts, a note, a review, a plan, the editor schemas and a
/// GitHub Actions workflow.
pub fn init(dir: &Path, today: Date) -> Result<Created, ScaffoldError> {
    if dir.is_file() {
        return Err(ScaffoldError::NotAFolder(dir.to_path_buf()));
    }
    let year = today.year();
    let files: Vec<(String, String)> = vec![
        ("site.yaml".into(), site_yaml(&SiteConfig::default())),
        (".gitignore".into(), "# kamsite build output\npublic/\n".into()),
        ("accounts/acme-industrial/account.yaml".into(), acme_account(today)),
        (
            format!(
                "accounts/acme-industrial/notes/{}-quarterly-review.md",
                shift(today, -7)
            ),
            acme_note(shift(today, -7)),
        ),
        (
            format!(
                "accounts/acme-industrial/reviews/{}-service-contract.md",
                shift(today, -45)
            ),
            acme_review(shift(today, -45)),
        ),
        (format!("accounts/acme-industrial/plans/{year}.yaml"), acme_plan(today)),
        ("accounts/borealis-foods/account.yaml".into(), borealis_account(today)),
        (GITHUB_WORKFLOW.into(), include_str!("kamsite.yml").into()),
    ];
    let existing: Vec<String> = files
        .iter()
        .filter(|(rel, _)| dir.join(rel).exists())
        .map(|(rel, _)| rel.clone())
        .collect();
    if !existing.is_empty() {
        return Err(ScaffoldError::WouldOverwrite {
            dir: dir.to_path_buf(),
            existing,
        });
    }
    let mut created = Created::default();
    for (rel, text) in files {
        created.files.push(write_new(&dir.join(rel), &text)?);
    }
    created
        .files
        .extend(crate::schema::write_all(&dir.join(SITE_SCHEMA_DIR))?);
    Ok(created)
}

/// `kamsite new account NAME`: `accounts/<slug>/account.yaml`.
pub fn new_account(root: &Path, cfg: &SiteConfig, name: &str, today: Date) -> Result<Created, ScaffoldError> {
    let name = name.trim();
    let slug = slugify(name);
    if slug.is_empty() {
        return Err(ScaffoldError::NoSlug(name.to_string()));
    }
    let rel = format!("accounts/{slug}/account.yaml");
    let mut out = String::new();
    let _ = writeln!(out, "{}", modeline(&rel, Kind::Account));
    let _ = writeln!(
        out,
        "# {name}. Only `name` is required; uncomment a line (remove `# `) to use it."
    );
    let _ = writeln!(
        out,
        "# Your editor completes and checks keys through the schema line above."
    );
    let _ = writeln!(out, "name: {}", yaml_str(name));
    commented(&mut out, "status: prospect", "prospect | active | former");
    out.push_str("# industry: Manufacturing\n# region: Nordics\n");
    let tiers: Vec<&str> = cfg.tiers.iter().map(|t| t.id.as_str()).collect();
    let stages: Vec<&str> = cfg.stages.iter().map(|s| s.id.as_str()).collect();
    let tier = format!("# tier: {}", tiers.first().unwrap_or(&""));
    commented(&mut out, &tier, &tiers.join(" | "));
    let stage = format!("# stage: {}", stages.first().unwrap_or(&""));
    commented(&mut out, &stage, &stages.join(" | "));
    commented(
        &mut out,
        "# owner: Kari Nordmann",
        "key account manager (client account lead)",
    );
    commented(&mut out, "# sponsor: Ola Hansen", "executive sponsor on our side");
    out.push_str("# team:\n#   - { name: Per Olsen, role: delivery lead, allocation: 0.4 }\n");
    commented(&mut out, &format!("since: {today}"), "start of the relationship");
    commented(
        &mut out,
        &format!("review_by: {}", shift(today, 365)),
        "next account-status review",
    );
    commented(
        &mut out,
        "# scores:",
        "0..10 per factor of the portfolio matrix (site.yaml)",
    );
    for factor in cfg.factor_ids() {
        let _ = writeln!(out, "#   {factor}: 5");
    }
    let _ = writeln!(
        out,
        "# financials:\n#   - {{ year: {}, revenue: 1000000, margin: 0.3, share_of_wallet: 0.25 }}",
        today.year()
    );
    out.push_str(
        "# contacts:\n\
         #   - id: first-contact\n\
         #     name: First Contact\n\
         #     title: Head of Purchasing\n\
         #     role: buyer              # decision-maker | influencer | gatekeeper | user | buyer | champion\n\
         #     stance: 0                # -3 blocker .. +3 advocate\n\
         #     owner: Kari Nordmann     # who on our side holds the relationship\n",
    );
    let _ = writeln!(out, "#     last_contact: {today}");
    let _ = writeln!(
        out,
        "# opportunities:\n#   - {{ id: first-deal, title: First deal, value: 100000, probability: 0.3, stage: lead, close: {} }}",
        shift(today, 90)
    );
    out.push_str(
        "# kpis:\n#   - { name: On-time delivery, unit: \"%\", baseline: 88, current: 88, target: 95, shared: true }\n",
    );
    out.push_str("# swot: { strengths: [], weaknesses: [], opportunities: [], threats: [] }\n");
    let path = write_new(&root.join(&rel), &out)?;
    let mut created = Created { files: vec![path] };
    created.files.extend(ensure_schemas(root)?);
    Ok(created)
}

/// `kamsite new note SLUG TITLE`: a note dated today.
pub fn new_note(root: &Path, slug: &str, title: &str, today: Date) -> Result<Created, ScaffoldError> {
    account_dir(root, slug)?;
    let stem = slugify(title);
    let stem = if stem.is_empty() { "note".to_string() } else { stem };
    let rel = format!("accounts/{slug}/notes/{today}-{stem}.md");
    let mut out = String::from("---\n");
    let _ = writeln!(out, "{}", modeline(&rel, Kind::Note));
    let _ = writeln!(out, "date: {today}");
    let _ = writeln!(out, "title: {}", yaml_str(title.trim()));
    out.push_str("kind: meeting             # meeting | call | insight | email | event\n");
    out.push_str("attendees: []             # e.g. [Ingrid Berg, Kari Nordmann]\n");
    out.push_str("visibility: internal      # internal | shared (shared notes appear in the customer's site)\n");
    out.push_str("---\n## Summary\n\n\n## Decisions\n\n\n## Next steps\n\n- [ ] \n");
    finish(root, &rel, &out)
}

/// `kamsite new review SLUG`: a win/loss review dated today.
pub fn new_review(root: &Path, cfg: &SiteConfig, slug: &str, today: Date) -> Result<Created, ScaffoldError> {
    let doc = account_dir(root, slug)?;
    let opportunities: Vec<String> = doc
        .map(|a| a.opportunities.iter().map(|o| o.id.value.clone()).collect())
        .unwrap_or_default();
    let stem = opportunities.first().cloned().unwrap_or_else(|| "review".into());
    let rel = format!("accounts/{slug}/reviews/{today}-{stem}.md");
    let reasons: Vec<&str> = cfg.win_loss.reasons.iter().map(|r| r.id.as_str()).collect();
    let mut out = String::from("---\n");
    let _ = writeln!(out, "{}", modeline(&rel, Kind::Review));
    out.push_str(
        "# A draft: it counts nowhere (no page, no win rate, no reason ranking) until\n\
         # you fill in `outcome` and `reasons` and delete the `draft: true` line;\n\
         # `kamsite check` then asks for anything still missing.\n\
         draft: true\n",
    );
    match opportunities.first() {
        Some(id) => {
            let _ = writeln!(
                out,
                "opportunity: {id}        # an opportunity id from account.yaml: {}",
                opportunities.join(", ")
            );
        }
        None => out.push_str("opportunity:               # an opportunity id from account.yaml, or a free title\n"),
    }
    out.push_str("outcome:                   # won | lost | no-decision\n");
    let _ = writeln!(out, "date: {today}           # when the decision fell");
    out.push_str("# value: 250000\ncompetitors: []            # e.g. [Halden Controls]\n# winner: Nordlys Systems\n");
    out.push_str("# stage_reached: proposal\n");
    let _ = writeln!(
        out,
        "reasons: []                # ids from site.yaml win_loss.reasons, the primary first:\n#   {}",
        reasons.join(", ")
    );
    out.push_str("interviewed: false         # was the client interviewed?\nlessons: []\n");
    out.push_str("---\n## What happened\n\n\n## Why we won or lost\n\n\n## Follow-up actions\n\n- [ ] \n");
    finish(root, &rel, &out)
}

/// `kamsite new plan SLUG PERIOD`: a draft joint business plan.
pub fn new_plan(root: &Path, slug: &str, period: &str, today: Date) -> Result<Created, ScaffoldError> {
    let doc = account_dir(root, slug)?;
    // The customer-side owner must be a contact of the account, or the
    // plan is shown with a warning: take the first contact, if there is one.
    let theirs = doc.and_then(|a| a.contacts.first().map(|c| c.name.clone()));
    let period = period.trim();
    let valid = !period.is_empty()
        && period.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !period.starts_with('-');
    if !valid {
        return Err(ScaffoldError::InvalidPeriod(period.to_string()));
    }
    let rel = format!("accounts/{slug}/plans/{period}.yaml");
    let mut out = String::new();
    let _ = writeln!(out, "{}", modeline(&rel, Kind::Plan));
    out.push_str(
        "# Joint business plan: customer-facing by design. An item written as\n\
         # `{ text: ..., internal: true }` (or an initiative or KPI with `internal: true`)\n\
         # stays out of the customer's copy. A `<period>.md` beside this file adds a narrative.\n",
    );
    let _ = writeln!(out, "period: \"{period}\"");
    let _ = writeln!(out, "title: Joint business plan {period}");
    out.push_str("status: draft              # draft | agreed\n");
    out.push_str("objectives:\n  - A shared objective, in the customer's words\n");
    out.push_str("customer_priorities:\n  - What matters most to the customer this period\n");
    out.push_str("initiatives:\n  - title: A joint initiative\n    owner_ours: Kari Nordmann\n");
    match theirs {
        Some(name) => {
            let _ = writeln!(out, "    owner_theirs: {}", yaml_str(&name));
        }
        None => out.push_str("    # owner_theirs: a contact's name from account.yaml\n"),
    }
    let _ = writeln!(
        out,
        "    due: {}\n    status: planned          # planned | active | done | at-risk",
        shift(today, 180)
    );
    out.push_str("kpis:\n  - { name: On-time delivery, unit: \"%\", baseline: 88, current: 88, target: 95 }\n");
    out.push_str("milestones:\n  - \"3 months: ...\"\n  - \"6 months: ...\"\n  - \"12 months: ...\"\n");
    out.push_str(
        "governance:\n  cadence: Monthly reviews, six-monthly senior meetings\n  meetings: []\n  peer_pairs: []\n",
    );
    finish(root, &rel, &out)
}

fn finish(root: &Path, rel: &str, text: &str) -> Result<Created, ScaffoldError> {
    let path = write_new(&root.join(rel), text)?;
    let mut created = Created { files: vec![path] };
    created.files.extend(ensure_schemas(root)?);
    Ok(created)
}

/// The account of `slug`, parsed if it parses; an error naming close slugs if it does not exist.
fn account_dir(root: &Path, slug: &str) -> Result<Option<crate::model::Account>, ScaffoldError> {
    let dir = root.join("accounts").join(slug);
    let file = dir.join("account.yaml");
    if is_valid_slug(slug) && file.is_file() {
        // Through the site's one reader: a link out of the site or an
        // oversized file is refused here too.
        let bytes = crate::load::files::read(root, &file, None, crate::load::files::TEXT_LIMIT).map_err(|r| {
            ScaffoldError::Unreadable {
                path: file.clone(),
                reason: r.message,
            }
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let source = crate::source::SourceFile::new("account.yaml", text.as_ref());
        return Ok(crate::load::yaml::parse(&source, &text, Default::default()).ok());
    }
    let known: Vec<String> = std::fs::read_dir(root.join("accounts"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().join("account.yaml").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    Err(ScaffoldError::UnknownAccount {
        slug: slug.to_string(),
        accounts: root.join("accounts"),
        suggestion: did_you_mean(slug, known.iter().map(String::as_str)).map(str::to_string),
    })
}

/// Write the editor schemas into a site that has none yet, so schema lines resolve.
fn ensure_schemas(root: &Path) -> Result<Vec<PathBuf>, ScaffoldError> {
    let dir = root.join(SITE_SCHEMA_DIR);
    if dir.join(Kind::Account.file_name()).is_file() {
        return Ok(Vec::new());
    }
    Ok(crate::schema::write_all(&dir)?)
}

/// `left` and an end-of-line comment, comments aligned.
fn commented(out: &mut String, left: &str, comment: &str) {
    let _ = writeln!(out, "{left:<28} # {comment}");
}

/// Create `path` (and its folders) with `text`; refuses if it exists.
fn write_new(path: &Path, text: &str) -> Result<PathBuf, ScaffoldError> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| WriteError::io("create", dir, e))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => ScaffoldError::Exists(path.to_path_buf()),
            _ => WriteError::io("create", path, e).into(),
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| WriteError::io("write", path, e))?;
    Ok(path.to_path_buf())
}

pub(crate) fn shift(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

/// A YAML scalar for free text: quoted when plain style would change its meaning.
pub(crate) fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_ascii_digit() || c == ' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "on" | "off" | "~"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(yaml_str("Acme Industrial AS"), "Acme Industrial AS");
        assert_eq!(yaml_str("3M"), "\"3M\"");
        assert_eq!(yaml_str("Yes"), "\"Yes\"");
        assert_eq!(yaml_str("A: B"), "\"A: B\"");
        assert_eq!(yaml_str("#1 \"best\""), "\"#1 \\\"best\\\"\"");
    }
}
