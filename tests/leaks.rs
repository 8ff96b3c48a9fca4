//! Leak tests: a customer build never contains anything internal.
//!
//! The `canary` fixture plants a distinct canary in every internal place of
//! every model type (account, contact, opportunity, KPI, SWOT, team member,
//! financials, internal and default notes, reviews, internal plan items,
//! draft plans, site.yaml frameworks, file names and slugs) and fills a
//! second account entirely with canaries. Each customer build is searched
//! byte by byte, every output file, for every canary it must not hold.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{fixture, kamsite, tree};

/// Where a planted value may legitimately appear.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    /// In no customer build, ever.
    Internal,
    /// In this account's customer build only.
    Shared(&'static str),
    /// In this account's customer build only, and only with `--drafts`.
    Draft(&'static str),
}
use Class::*;

const ACME: &str = "acme";
const ZULU: &str = "canary-zulu-slug";
const NIMBUS: &str = "nimbus";

/// Every planted value: (text, class, shown by the internal portal).
///
/// The third column is the sanity check that the canary is real: the
/// internal build must contain it. `false` marks what this portal does not
/// print anywhere (reviews, contact details, opportunity notes and ids,
/// tier and stage descriptions, reason names, base_url, HTML comments,
/// raw numbers that it formats): those are checked for absence only.
const CANARIES: &[(&str, Class, bool)] = &[
    // site.yaml: our frameworks.
    ("canary-site-base-url.example", Internal, false),
    ("canary-tier-key", Internal, true),
    ("CANARY_TIER_KEY_NAME", Internal, true),
    ("CANARY_TIER_KEY_DESCRIPTION", Internal, false),
    ("canary-tier-rest", Internal, true),
    ("CANARY_TIER_REST_NAME", Internal, true),
    ("CANARY_TIER_REST_DESCRIPTION", Internal, false),
    ("canary-stage-early", Internal, false),
    ("CANARY_STAGE_EARLY_NAME", Internal, true),
    ("CANARY_STAGE_EARLY_DESCRIPTION", Internal, false),
    ("canary-stage-late", Internal, false),
    ("CANARY_STAGE_LATE_NAME", Internal, true),
    ("CANARY_AXIS_VERTICAL", Internal, true),
    ("CANARY_AXIS_HORIZONTAL", Internal, true),
    ("CANARY_QUADRANT_TOP_RIGHT", Internal, true),
    ("CANARY_QUADRANT_TOP_LEFT", Internal, true),
    ("CANARY_QUADRANT_BOTTOM_RIGHT", Internal, true),
    ("CANARY_QUADRANT_BOTTOM_LEFT", Internal, true),
    ("CANARY_STRATEGY_TOP_RIGHT", Internal, true),
    ("CANARY_STRATEGY_TOP_LEFT", Internal, true),
    ("CANARY_STRATEGY_BOTTOM_RIGHT", Internal, true),
    ("CANARY_STRATEGY_BOTTOM_LEFT", Internal, true),
    ("canary-reason-price", Internal, false),
    ("CANARY_REASON_PRICE_NAME", Internal, false),
    ("canary-reason-fit", Internal, false),
    // site.yaml: whitespace offerings and buying units (SPEC 10).
    ("canary-offering-id", Internal, true),
    ("CANARY_OFFERING_NAME", Internal, true),
    ("canary-unit-id", Internal, true),
    ("CANARY_UNIT_NAME", Internal, true),
    // Whitespace cells, a competitor's stance (the power map marks it),
    // and nimbus's parent (canary-zulu-slug, listed with zulu).
    ("CANARY_ACME_WHITESPACE_NOTE", Internal, true),
    ("4455667", Internal, true),
    ("CANARY_ACME_COMPETITOR_NAME", Internal, true),
    ("CANARY_ZULU_WHITESPACE_NOTE", Internal, true),
    ("CANARY_REASON_FIT_NAME", Internal, false),
    // site.yaml assessments: a framework not shared, and its dimension.
    ("canary-internal-fw", Internal, false),
    ("CANARY_INTERNAL_FRAMEWORK_NAME", Internal, true),
    ("CANARY_INTERNAL_FRAMEWORK_DESCRIPTION", Internal, true),
    ("canary-internal-dim", Internal, false),
    ("CANARY_INTERNAL_DIMENSION_NAME", Internal, true),
    // acme assessments: the shared framework's date may reach acme's
    // customer; who assessed and why never; the internal framework's nothing.
    ("2026-04-05", Shared(ACME), true),
    ("CANARY_ACME_ASSESSMENT_BY", Internal, true),
    ("CANARY_ACME_ASSESSMENT_COMMENT", Internal, true),
    ("2020-11-12", Internal, true),
    ("CANARY_ACME_INTERNAL_ASSESSMENT_BY", Internal, true),
    ("CANARY_ACME_INTERNAL_ASSESSMENT_COMMENT", Internal, true),
    ("2026-03-07", Shared(ZULU), true),
    ("CANARY_ZULU_ASSESSMENT_BY", Internal, true),
    ("CANARY_ZULU_ASSESSMENT_COMMENT", Internal, true),
    // acme, account.yaml.
    ("SHARED_ACME_NAME", Shared(ACME), true),
    ("CANARY_ACME_INDUSTRY", Internal, true),
    ("CANARY_ACME_REGION", Internal, true),
    ("CANARY_ACME_KAM_OWNER", Internal, true),
    ("CANARY_ACME_SPONSOR", Internal, true),
    ("CANARY_ACME_TEAM_NAME", Internal, true),
    ("CANARY_ACME_TEAM_ROLE", Internal, true),
    ("0.1234", Internal, false),
    ("1987-06-05", Internal, true),
    ("2031-07-08", Internal, true),
    ("8675309", Internal, false),
    ("8,675,309", Internal, true),
    ("0.3141", Internal, false),
    ("31.4 %", Internal, true),
    ("0.2718", Internal, false),
    // acme contacts: the plan owner and the peer by name and title only.
    ("canary-acme-owner-contact-id", Internal, true),
    ("SHARED_ACME_OWNER_CONTACT_NAME", Shared(ACME), true),
    ("SHARED_ACME_OWNER_CONTACT_TITLE", Shared(ACME), true),
    ("CANARY_ACME_OWNER_CONTACT_HELD_BY", Internal, true),
    ("2019-02-03", Internal, true),
    ("canary-mail-acme-owner@mail.example", Internal, false),
    ("CANARY_ACME_OWNER_CONTACT_PHONE", Internal, false),
    ("CANARY_ACME_OWNER_CONTACT_NOTES", Internal, true),
    ("canary-acme-boss-contact-id", Internal, true),
    ("CANARY_ACME_BOSS_CONTACT_NAME", Internal, true),
    ("CANARY_ACME_BOSS_CONTACT_TITLE", Internal, true),
    ("CANARY_ACME_BOSS_CONTACT_HELD_BY", Internal, true),
    ("canary-mail-acme-boss@mail.example", Internal, false),
    ("CANARY_ACME_BOSS_CONTACT_PHONE", Internal, false),
    ("CANARY_ACME_BOSS_CONTACT_NOTES", Internal, true),
    ("canary-acme-peer-contact-id", Internal, true),
    ("SHARED_ACME_PEER_CONTACT_NAME", Shared(ACME), true),
    ("SHARED_ACME_PEER_CONTACT_TITLE", Shared(ACME), true),
    ("CANARY_ACME_PEER_CONTACT_HELD_BY", Internal, true),
    ("CANARY_ACME_PEER_CONTACT_NOTES", Internal, true),
    // acme opportunities.
    ("canary-acme-opp-id", Internal, false),
    ("CANARY_ACME_OPP_TITLE", Internal, true),
    ("7654321", Internal, false),
    ("7,654,321", Internal, true),
    ("0.4321", Internal, false),
    ("CANARY_ACME_OPP_STAGE", Internal, true),
    ("2033-04-05", Internal, true),
    ("CANARY_ACME_OPP_OWNER", Internal, true),
    ("CANARY_ACME_OPP_NOTES", Internal, false),
    // acme KPIs: one internal, one shared.
    ("CANARY_ACME_KPI_NAME", Internal, true),
    ("CANARY_ACME_KPI_UNIT", Internal, true),
    ("1111.26", Internal, false),
    ("1,111.3", Internal, true),
    ("2,222.8", Internal, true),
    ("3,333.6", Internal, true),
    ("SHARED_ACME_ACCOUNT_KPI", Shared(ACME), true),
    // acme SWOT.
    ("CANARY_ACME_SWOT_STRENGTH", Internal, true),
    ("CANARY_ACME_SWOT_WEAKNESS", Internal, true),
    ("CANARY_ACME_SWOT_OPPORTUNITY", Internal, true),
    ("CANARY_ACME_SWOT_THREAT", Internal, true),
    // acme notes: internal, default (internal) and shared.
    ("canary-acme-internal-note-file", Internal, true),
    ("2021-09-14", Internal, true),
    ("CANARY_ACME_INTERNAL_NOTE_TITLE", Internal, true),
    ("CANARY_ACME_INTERNAL_NOTE_ATTENDEE", Internal, true),
    ("CANARY_ACME_INTERNAL_NOTE_BODY", Internal, true),
    ("CANARY_ACME_INTERNAL_NOTE_TABLE", Internal, true),
    ("canary-acme-default-note-file", Internal, true),
    ("CANARY_ACME_DEFAULT_NOTE_TITLE", Internal, true),
    ("CANARY_ACME_DEFAULT_NOTE_ATTENDEE", Internal, true),
    ("CANARY_ACME_DEFAULT_NOTE_BODY", Internal, true),
    ("canary-acme-shared-note-file", Internal, true),
    ("SHARED_ACME_NOTE_TITLE", Shared(ACME), true),
    ("SHARED_ACME_NOTE_ATTENDEE", Shared(ACME), true),
    ("SHARED_ACME_NOTE_BODY", Shared(ACME), true),
    ("SHARED_ACME_NOTE_FOOTNOTE", Shared(ACME), true),
    ("CANARY_ACME_SHARED_NOTE_HTML_COMMENT", Internal, false),
    // A shared note without a title: titled from its kind and date, never
    // from its file name; its Markdown comment is for the author only.
    ("canary-acme-untitled-note-file", Internal, true),
    ("SHARED_ACME_UNTITLED_NOTE_BODY", Shared(ACME), true),
    ("CANARY_ACME_NOTE_MARKDOWN_COMMENT", Internal, false),
    // acme reviews.
    ("canary-acme-review-file", Internal, false),
    ("CANARY_ACME_REVIEW_OPPORTUNITY", Internal, false),
    ("2024-03-17", Internal, false),
    ("9182736", Internal, false),
    ("9,182,736", Internal, false),
    ("CANARY_ACME_REVIEW_COMPETITOR", Internal, false),
    ("CANARY_ACME_REVIEW_WINNER", Internal, false),
    ("CANARY_ACME_REVIEW_STAGE_REACHED", Internal, false),
    ("CANARY_ACME_REVIEW_LESSON", Internal, false),
    ("CANARY_ACME_REVIEW_BODY", Internal, false),
    ("canary-acme-won-review-file", Internal, false),
    ("1357911", Internal, false),
    ("CANARY_ACME_WON_REVIEW_COMPETITOR", Internal, false),
    ("CANARY_ACME_WON_REVIEW_BODY", Internal, false),
    // acme plans: shared items, internal items, a draft.
    ("SHARED_ACME_PLAN_2025_TITLE", Shared(ACME), true),
    ("SHARED_ACME_PLAN_2026_TITLE", Shared(ACME), true),
    ("SHARED_ACME_OBJECTIVE_KEPT", Shared(ACME), true),
    ("SHARED_ACME_OBJECTIVE_RETIRED", Shared(ACME), true),
    ("SHARED_ACME_OBJECTIVE_ADDED", Shared(ACME), true),
    ("SHARED_ACME_PRIORITY", Shared(ACME), true),
    ("SHARED_ACME_INITIATIVE_CARRIED", Shared(ACME), true),
    ("SHARED_ACME_INITIATIVE_DONE", Shared(ACME), true),
    ("SHARED_ACME_INITIATIVE_NEW", Shared(ACME), true),
    ("SHARED_ACME_OUR_OWNER", Shared(ACME), true),
    ("SHARED_ACME_UNLISTED_OWNER", Shared(ACME), true),
    ("SHARED_ACME_PLAN_KPI", Shared(ACME), true),
    ("SHARED_ACME_2025_MILESTONE", Shared(ACME), true),
    ("SHARED_ACME_2026_MILESTONE", Shared(ACME), true),
    ("SHARED_ACME_CADENCE", Shared(ACME), true),
    ("SHARED_ACME_MEETING", Shared(ACME), true),
    ("SHARED_ACME_OUR_PEER", Shared(ACME), true),
    ("SHARED_ACME_NARRATIVE_HEADING", Shared(ACME), true),
    ("SHARED_ACME_NARRATIVE_BODY", Shared(ACME), true),
    ("CANARY_ACME_NARRATIVE_HTML_COMMENT", Internal, false),
    ("CANARY_ACME_NARRATIVE_MARKDOWN_COMMENT", Internal, false),
    ("CANARY_ACME_2025_INTERNAL_OBJECTIVE", Internal, true),
    ("CANARY_ACME_2025_INTERNAL_PRIORITY", Internal, true),
    ("CANARY_ACME_2025_INTERNAL_INITIATIVE", Internal, true),
    ("CANARY_ACME_2025_INTERNAL_OWNER_OURS", Internal, true),
    ("CANARY_ACME_2025_INTERNAL_KPI", Internal, true),
    ("CANARY_ACME_2025_INTERNAL_UNIT", Internal, true),
    ("CANARY_ACME_2025_INTERNAL_MILESTONE", Internal, true),
    ("CANARY_ACME_2025_INTERNAL_MEETING", Internal, true),
    ("4444.5", Internal, false),
    ("4,444.5", Internal, true),
    ("5,555.5", Internal, true),
    ("6,666.5", Internal, true),
    ("7,777.5", Internal, true),
    ("CANARY_ACME_2026_INTERNAL_OBJECTIVE", Internal, true),
    ("CANARY_ACME_2026_INTERNAL_PRIORITY", Internal, true),
    ("CANARY_ACME_2026_INTERNAL_INITIATIVE", Internal, true),
    ("CANARY_ACME_2026_INTERNAL_OWNER_OURS", Internal, true),
    ("CANARY_ACME_2026_INTERNAL_OWNER_THEIRS", Internal, true),
    ("CANARY_ACME_2026_INTERNAL_KPI", Internal, true),
    ("CANARY_ACME_2026_INTERNAL_UNIT", Internal, true),
    ("CANARY_ACME_2026_INTERNAL_MILESTONE", Internal, true),
    ("CANARY_ACME_2026_INTERNAL_MEETING", Internal, true),
    ("CANARY_ACME_INTERNAL_PEER_OURS", Internal, true),
    ("DRAFT_ACME_PLAN_TITLE", Draft(ACME), true),
    ("DRAFT_ACME_OBJECTIVE", Draft(ACME), true),
    ("DRAFT_ACME_INITIATIVE", Draft(ACME), true),
    ("DRAFT_ACME_OUR_OWNER", Draft(ACME), true),
    ("DRAFT_ACME_KPI", Draft(ACME), true),
    ("DRAFT_ACME_NARRATIVE", Draft(ACME), true),
    ("CANARY_ACME_DRAFT_INTERNAL_OBJECTIVE", Internal, true),
    // The other customer, canaries everywhere.
    ("canary-zulu-slug", Internal, true),
    ("SHARED_ZULU_NAME", Shared(ZULU), true),
    ("CANARY_ZULU_INDUSTRY", Internal, true),
    ("CANARY_ZULU_REGION", Internal, true),
    ("CANARY_ZULU_KAM_OWNER", Internal, true),
    ("CANARY_ZULU_SPONSOR", Internal, true),
    ("CANARY_ZULU_TEAM_NAME", Internal, true),
    ("CANARY_ZULU_TEAM_ROLE", Internal, true),
    ("1999-12-24", Internal, true),
    ("2030-01-02", Internal, true),
    ("3141592", Internal, false),
    ("3,141,592", Internal, true),
    ("0.1618", Internal, false),
    ("canary-zulu-owner-contact-id", Internal, true),
    ("SHARED_ZULU_OWNER_CONTACT_NAME", Shared(ZULU), true),
    ("SHARED_ZULU_OWNER_CONTACT_TITLE", Shared(ZULU), true),
    ("CANARY_ZULU_OWNER_CONTACT_HELD_BY", Internal, true),
    ("canary-mail-zulu-owner@mail.example", Internal, false),
    ("CANARY_ZULU_OWNER_CONTACT_PHONE", Internal, false),
    ("CANARY_ZULU_OWNER_CONTACT_NOTES", Internal, true),
    ("canary-zulu-other-contact-id", Internal, true),
    ("CANARY_ZULU_OTHER_CONTACT_NAME", Internal, true),
    ("CANARY_ZULU_OTHER_CONTACT_TITLE", Internal, true),
    ("CANARY_ZULU_OTHER_CONTACT_NOTES", Internal, true),
    ("canary-zulu-opp-id", Internal, false),
    ("CANARY_ZULU_OPP_TITLE", Internal, true),
    ("2,468,013", Internal, true),
    ("0.8765", Internal, false),
    ("CANARY_ZULU_OPP_STAGE", Internal, true),
    ("2032-02-29", Internal, true),
    ("CANARY_ZULU_OPP_OWNER", Internal, true),
    ("CANARY_ZULU_OPP_NOTES", Internal, false),
    ("CANARY_ZULU_KPI_NAME", Internal, true),
    ("CANARY_ZULU_KPI_UNIT", Internal, true),
    ("SHARED_ZULU_ACCOUNT_KPI", Shared(ZULU), true),
    ("CANARY_ZULU_SWOT_STRENGTH", Internal, true),
    ("CANARY_ZULU_SWOT_WEAKNESS", Internal, true),
    ("CANARY_ZULU_SWOT_OPPORTUNITY", Internal, true),
    ("CANARY_ZULU_SWOT_THREAT", Internal, true),
    ("canary-zulu-internal-note-file", Internal, true),
    ("CANARY_ZULU_INTERNAL_NOTE_TITLE", Internal, true),
    ("CANARY_ZULU_INTERNAL_NOTE_ATTENDEE", Internal, true),
    ("CANARY_ZULU_INTERNAL_NOTE_BODY", Internal, true),
    ("canary-zulu-shared-note-file", Internal, true),
    ("SHARED_ZULU_NOTE_TITLE", Shared(ZULU), true),
    ("SHARED_ZULU_NOTE_ATTENDEE", Shared(ZULU), true),
    ("SHARED_ZULU_NOTE_BODY", Shared(ZULU), true),
    ("canary-zulu-review-file", Internal, false),
    ("1029384", Internal, false),
    ("CANARY_ZULU_REVIEW_COMPETITOR", Internal, false),
    ("CANARY_ZULU_REVIEW_WINNER", Internal, false),
    ("CANARY_ZULU_REVIEW_LESSON", Internal, false),
    ("CANARY_ZULU_REVIEW_BODY", Internal, false),
    ("SHARED_ZULU_OBJECTIVE", Shared(ZULU), true),
    ("SHARED_ZULU_PRIORITY", Shared(ZULU), true),
    ("SHARED_ZULU_INITIATIVE", Shared(ZULU), true),
    ("SHARED_ZULU_OUR_OWNER", Shared(ZULU), true),
    ("SHARED_ZULU_PLAN_KPI", Shared(ZULU), true),
    ("SHARED_ZULU_MILESTONE", Shared(ZULU), true),
    ("SHARED_ZULU_CADENCE", Shared(ZULU), true),
    ("SHARED_ZULU_MEETING", Shared(ZULU), true),
    ("SHARED_ZULU_OUR_PEER", Shared(ZULU), true),
    ("SHARED_ZULU_NARRATIVE", Shared(ZULU), true),
    ("CANARY_ZULU_INTERNAL_OBJECTIVE", Internal, true),
    ("CANARY_ZULU_INTERNAL_INITIATIVE", Internal, true),
    ("CANARY_ZULU_INTERNAL_OWNER_OURS", Internal, true),
    ("CANARY_ZULU_INTERNAL_KPI", Internal, true),
    ("CANARY_ZULU_INTERNAL_UNIT", Internal, true),
    ("CANARY_ZULU_INTERNAL_MILESTONE", Internal, true),
    ("CANARY_ZULU_INTERNAL_MEETING", Internal, true),
    // A prospect with nothing shared.
    ("SHARED_NIMBUS_NAME", Shared(NIMBUS), true),
    ("CANARY_NIMBUS_INDUSTRY", Internal, true),
    ("CANARY_NIMBUS_KAM_OWNER", Internal, true),
    ("canary-nimbus-contact-id", Internal, true),
    ("CANARY_NIMBUS_CONTACT_NAME", Internal, true),
    ("CANARY_NIMBUS_CONTACT_TITLE", Internal, true),
    ("CANARY_NIMBUS_CONTACT_NOTES", Internal, true),
    ("canary-nimbus-opp-id", Internal, false),
    ("CANARY_NIMBUS_OPP_TITLE", Internal, true),
    ("CANARY_NIMBUS_SWOT_THREAT", Internal, true),
    ("canary-nimbus-note-file", Internal, true),
    ("CANARY_NIMBUS_NOTE_TITLE", Internal, true),
    ("CANARY_NIMBUS_NOTE_BODY", Internal, true),
];

/// Words that only internal data produces; a customer page has no use for them.
const INTERNAL_WORDS: &[&str] = &[
    "stance",
    "blocker",
    "sceptic",
    "supporter",
    "advocate",
    "probability",
    "pipeline",
    "quadrant",
    "swot",
    "tier",
    "score",
    "internal",
    "attention",
    "health",
];

/// Files a customer build may contain; anything else needs a review first.
fn allowed_file(path: &str) -> bool {
    path == ".kamsite"
        || path == "index.html"
        || path == "customer.css"
        || path == "robots.txt"
        || path == "plans.css"
        || path == "fonts/Roboto-Regular.ttf"
        || path == "fonts/LICENSE.txt"
        || (path.starts_with("plans/") && path.ends_with("/index.html") && path.matches('/').count() == 2)
}

fn customer_build(slug: &str, drafts: bool, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut cmd = kamsite();
    cmd.args(["build", "--audience", "customer", "--account", slug, "--root"])
        .arg(fixture("canary"))
        .arg("--out")
        .arg(out);
    if drafts {
        cmd.arg("--drafts");
    }
    let o = cmd.output().unwrap();
    assert!(
        o.status.success(),
        "customer build of {slug} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    tree(out)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The files of `files` that hold `needle` anywhere in their bytes.
fn holders<'a>(files: &'a BTreeMap<String, Vec<u8>>, needle: &str) -> Vec<&'a str> {
    files
        .iter()
        .filter(|(_, b)| contains(b, needle.as_bytes()))
        .map(|(p, _)| p.as_str())
        .collect()
}

/// May `class` appear in the customer build of `slug`?
fn allowed(class: Class, slug: &str, drafts: bool) -> bool {
    match class {
        Internal => false,
        Shared(s) => s == slug,
        Draft(s) => s == slug && drafts,
    }
}

fn assert_no_leak(slug: &str, drafts: bool, files: &BTreeMap<String, Vec<u8>>) {
    let mut leaks = Vec::new();
    for (canary, class, _) in CANARIES {
        if !allowed(*class, slug, drafts) {
            for file in holders(files, canary) {
                leaks.push(format!("{canary} ({class:?}) in {file}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "customer build of {slug} (drafts: {drafts}) leaks:\n  {}",
        leaks.join("\n  ")
    );
    // What the customer should see is there: the test is not passing on an empty site.
    for (canary, class, _) in CANARIES {
        if allowed(*class, slug, drafts) {
            assert!(
                !holders(files, canary).is_empty(),
                "customer build of {slug} lacks {canary}, which it should show"
            );
        }
    }
}

fn assert_clean_shape(slug: &str, files: &BTreeMap<String, Vec<u8>>) {
    for path in files.keys() {
        assert!(
            allowed_file(path),
            "customer build of {slug} holds an unexpected file {path}"
        );
    }
    for (path, bytes) in files {
        if !(path.ends_with(".html") || path.ends_with(".css")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for word in INTERNAL_WORDS {
            assert!(!text.contains(word), "customer build of {slug}: `{word}` in {path}");
        }
        if path.ends_with(".html") {
            assert_links_stay_inside(slug, path, &text, files);
        }
    }
}

/// Every link and resource of a customer page resolves to a file of the same build.
fn assert_links_stay_inside(slug: &str, path: &str, html: &str, files: &BTreeMap<String, Vec<u8>>) {
    let dir = Path::new(path).parent().unwrap_or(Path::new(""));
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let url = &rest[..rest.find('"').unwrap()];
            let target = url.split('#').next().unwrap();
            if target.is_empty() {
                continue; // an anchor on the same page
            }
            assert!(
                !target.contains(':') && !target.starts_with('/'),
                "customer build of {slug}: {path} links outside the site: {url}"
            );
            let mut resolved = std::path::PathBuf::new();
            for part in dir.join(target).components() {
                match part {
                    std::path::Component::ParentDir => {
                        resolved.pop();
                    }
                    std::path::Component::Normal(p) => resolved.push(p),
                    _ => {}
                }
            }
            let mut key = resolved.to_string_lossy().replace('\\', "/");
            if target.ends_with('/') || key.is_empty() {
                key = format!("{key}/index.html").trim_start_matches('/').to_string();
            }
            assert!(
                files.contains_key(&key),
                "customer build of {slug}: {path} links to {url}, which is not in the build"
            );
        }
    }
}

#[test]
fn customer_builds_hold_no_canary() {
    let t = tempfile::tempdir().unwrap();
    for slug in [ACME, ZULU, NIMBUS] {
        for drafts in [false, true] {
            let files = customer_build(slug, drafts, &t.path().join(format!("{slug}-{drafts}")));
            assert_no_leak(slug, drafts, &files);
            assert_clean_shape(slug, &files);
        }
    }
}

/// What customer templates are given, not only what the default ones print:
/// templates that print their whole context show no canary either, and no
/// raw Markdown (the narrative and notes reach them rendered and redacted).
#[test]
fn customer_templates_get_no_canary_and_no_raw_markdown() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    common::copy_dir(&fixture("canary"), &site);
    std::fs::create_dir_all(site.join("templates/customer")).unwrap();
    for page in ["index.html", "plan.html"] {
        std::fs::write(
            site.join("templates/customer").join(page),
            "<pre>{{ __tera_context }}</pre>",
        )
        .unwrap();
    }
    let out = t.path().join("out");
    let o = kamsite()
        .args([
            "build",
            "--audience",
            "customer",
            "--account",
            ACME,
            "--drafts",
            "--root",
        ])
        .arg(&site)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = tree(&out);
    let context: String = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(_, b)| String::from_utf8_lossy(b).replace("&#x2F;", "/"))
        .collect();
    assert!(context.contains("SHARED_ACME_UNTITLED_NOTE_BODY"), "{context}");
    for (canary, class, _) in CANARIES {
        if !allowed(*class, ACME, true) {
            assert!(!context.contains(canary), "customer template context holds {canary}");
        }
    }
    // Rendered HTML is there; the Markdown source is not.
    assert!(context.contains("SHARED_ACME_NARRATIVE_HEADING"), "{context}");
    assert!(
        !context.contains("## SHARED_ACME_NARRATIVE_HEADING"),
        "raw narrative Markdown in the context"
    );
    assert!(!context.contains("[//]"), "a Markdown comment line in the context");
}

/// A shared note without a title is titled from its kind and date.
#[test]
fn an_untitled_shared_note_is_titled_from_its_date() {
    let t = tempfile::tempdir().unwrap();
    let files = customer_build(ACME, false, &t.path().join("out"));
    let index = String::from_utf8_lossy(&files["index.html"]).into_owned();
    assert!(index.contains("Meeting, 15 September 2026"), "{index}");
    assert!(index.contains("SHARED_ACME_UNTITLED_NOTE_BODY"), "{index}");
    assert!(!index.contains("untitled-note-file"), "{index}");
}

#[test]
fn canaries_are_real_and_listed() {
    // Each listed canary is distinct and no canary hides inside another.
    for (a, _, _) in CANARIES {
        for (b, _, _) in CANARIES {
            assert!(a == b || !b.contains(a), "canary {a} is part of {b}");
        }
    }
    // Every canary word in the fixture is listed, and every listed word is in the fixture.
    // File contents and file names: slugs and note ids are canaries too.
    let sources: String = tree(&fixture("canary"))
        .iter()
        .map(|(path, b)| format!("{path}\n{}", String::from_utf8_lossy(b)))
        .collect::<Vec<_>>()
        .join("\n");
    let mut planted = std::collections::BTreeSet::new();
    for prefix in ["CANARY_", "SHARED_", "DRAFT_", "canary-"] {
        for (i, _) in sources.match_indices(prefix) {
            let before = sources[..i].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                continue; // inside a longer word
            }
            let word: String = sources[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "_-@.".contains(*c))
                .collect();
            let word = word.trim_end_matches('.');
            planted.insert(word.strip_suffix(".md").unwrap_or(word).to_string());
        }
    }
    let listed: std::collections::BTreeSet<String> = CANARIES
        .iter()
        .map(|(c, _, _)| c.to_string())
        .filter(|c| {
            ["CANARY_", "SHARED_", "DRAFT_", "canary-"]
                .iter()
                .any(|p| c.starts_with(p))
        })
        .collect();
    let unlisted: Vec<_> = planted.difference(&listed).collect();
    assert!(unlisted.is_empty(), "planted but not listed in CANARIES: {unlisted:?}");
    let missing: Vec<_> = listed.difference(&planted).collect();
    assert!(missing.is_empty(), "listed but not planted: {missing:?}");
    for (c, _, _) in CANARIES {
        if !c.contains(',') && !c.contains(" %") {
            assert!(sources.contains(c), "{c} is not in the fixture");
        }
    }

    // The internal build shows them: the canaries sit in fields kamsite reads.
    let t = tempfile::tempdir().unwrap();
    let internal = tree(&common::build_to(&fixture("canary"), &t.path().join("internal")));
    let absent: Vec<&str> = CANARIES
        .iter()
        .filter(|(c, _, shown)| *shown && holders(&internal, c).is_empty())
        .map(|(c, _, _)| *c)
        .collect();
    assert!(absent.is_empty(), "not in the internal build: {absent:?}");
}

#[test]
fn customer_build_of_the_example_holds_no_internal_text() {
    // The bundled example: each account's internal plan items, other
    // accounts' names and internal notes stay out of its customer build.
    let t = tempfile::tempdir().unwrap();
    let example = common::example_site();
    let names: Vec<(String, String)> = std::fs::read_dir(example.join("accounts"))
        .unwrap()
        .flatten()
        .map(|e| {
            let slug = e.file_name().to_string_lossy().into_owned();
            let yaml = std::fs::read_to_string(e.path().join("account.yaml")).unwrap();
            (slug, common::yaml_value(&yaml, "name").unwrap())
        })
        .collect();
    for (slug, _) in &names {
        let out = t.path().join(slug);
        let o = kamsite()
            .args(["build", "--audience", "customer", "--account", slug, "--root"])
            .arg(&example)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let files = tree(&out);
        for (other, name) in &names {
            if other != slug {
                assert!(
                    holders(&files, &common::html_escape(name)).is_empty(),
                    "{slug}'s customer build names {name}"
                );
            }
        }
        // Internal plan items of this account.
        for text in internal_plan_items(&example.join("accounts").join(slug).join("plans")) {
            assert!(
                holders(&files, &common::html_escape(&text)).is_empty(),
                "{slug}: internal plan item {text}"
            );
        }
        for file in files.keys() {
            assert!(allowed_file(file), "{slug}: unexpected file {file}");
        }
    }
}

/// The texts of items marked `internal: true` in the plan files of `dir`
/// (inline `{ text: .. }` / `{ name: .. }` items and block initiatives).
fn internal_plan_items(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let yaml = std::fs::read_to_string(entry.path()).unwrap();
        let mut last_title = None;
        for line in yaml.lines() {
            let t = line.trim().trim_start_matches("- ");
            if let Some(v) = t.strip_prefix("title: ") {
                last_title = Some(v.trim_matches('"').to_string());
            }
            if t == "internal: true" {
                out.extend(last_title.take());
            } else if t.contains("internal: true") {
                for key in ["text: ", "name: "] {
                    if let Some(v) = t.split(key).nth(1) {
                        out.push(v.split(',').next().unwrap().trim().trim_matches('"').to_string());
                        break;
                    }
                }
            }
        }
    }
    assert!(out.is_empty() || out.iter().all(|t| !t.is_empty()));
    out
}

#[test]
fn site_static_files_stay_out_of_customer_builds() {
    // Whatever a site keeps in static/ (exports, internal decks) is portal-only.
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    common::copy_dir(&fixture("canary"), &site);
    for f in [
        "static/CANARY_STATIC_FILE.json",
        "static/fonts/CANARY_STATIC_FONT.txt",
        "static/data/x.json",
    ] {
        let path = site.join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "CANARY_STATIC_CONTENT").unwrap();
    }
    let o = kamsite()
        .args(["build", "--audience", "customer", "--account", ACME, "--root"])
        .arg(&site)
        .arg("--out")
        .arg(t.path().join("c"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = tree(&t.path().join("c"));
    assert!(holders(&files, "CANARY_STATIC").is_empty());
    assert!(files.keys().all(|p| allowed_file(p)), "{:?}", files.keys());
}
