//! The JSON Schemas `kamsite schema` writes accept every file of the example
//! site and of a fresh `kamsite init` site, reject bad files, and the
//! `yaml-language-server` lines that `init` and `new` write point at them.

mod common;

use std::path::{Path, PathBuf};

use common::{check_site, kamsite};
use serde_json::Value;

fn schemas(dir: &Path) -> Vec<(String, jsonschema::Validator)> {
    let o = kamsite().args(["schema", "--out"]).arg(dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ["site", "account", "note", "review", "plan"]
        .iter()
        .map(|kind| {
            let text = common::read(&dir.join(format!("{kind}.schema.json")));
            let schema: Value = serde_json::from_str(&text).unwrap();
            let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{kind}: {e}"));
            (kind.to_string(), validator)
        })
        .collect()
}

fn validator<'a>(all: &'a [(String, jsonschema::Validator)], kind: &str) -> &'a jsonschema::Validator {
    &all.iter().find(|(k, _)| k == kind).unwrap().1
}

/// The YAML of a file (front matter for Markdown) as JSON, and which schema applies.
fn instance(root: &Path, path: &Path) -> Option<(&'static str, Value)> {
    let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
    let parts: Vec<&str> = rel.split('/').collect();
    let kind = match parts.as_slice() {
        ["site.yaml"] => "site",
        ["accounts", _, "account.yaml"] => "account",
        ["accounts", _, "notes", f] if f.ends_with(".md") => "note",
        ["accounts", _, "reviews", f] if f.ends_with(".md") => "review",
        ["accounts", _, "plans", f] if f.ends_with(".yaml") => "plan",
        _ => return None,
    };
    let text = common::read(path);
    let yaml = if rel.ends_with(".md") {
        let rest = text
            .strip_prefix("---\n")
            .unwrap_or_else(|| panic!("{rel}: no front matter"));
        rest.split("\n---").next().unwrap().to_string()
    } else {
        text
    };
    let value: Value = serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Some((kind, value))
}

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = common::tree(root)
        .into_keys()
        .filter(|rel| !rel.starts_with("public/") && !rel.starts_with('.'))
        .map(|rel| root.join(rel))
        .collect();
    out.sort();
    out
}

fn assert_all_valid(root: &Path, all: &[(String, jsonschema::Validator)]) -> usize {
    let mut checked = 0;
    for path in files(root) {
        let Some((kind, value)) = instance(root, &path) else {
            continue;
        };
        let errors: Vec<String> = validator(all, kind)
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{} against {kind}.schema.json: {errors:#?}",
            path.display()
        );
        checked += 1;
    }
    checked
}

#[test]
fn the_example_site_matches_the_schemas() {
    let t = tempfile::tempdir().unwrap();
    let all = schemas(t.path());
    let checked = assert_all_valid(&common::example_site(), &all);
    assert!(checked > 60, "only {checked} files checked");
}

#[test]
fn init_and_new_files_match_the_schemas_they_name() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    kamsite().arg("init").arg(&root).assert().success();
    for args in [
        vec!["new", "account", "Borealis Packaging ASA"],
        vec!["new", "note", "acme-industrial", "Call with Ingrid"],
        vec!["new", "review", "acme-industrial"],
        vec!["new", "plan", "acme-industrial", "2030-H1"],
    ] {
        kamsite().args(&args).arg("--root").arg(&root).assert().success();
    }
    let all = schemas(&t.path().join("schemas"));
    let checked = assert_all_valid(&root, &all);
    assert_eq!(checked, 10, "site.yaml, 3 accounts, 2 notes, 2 reviews and 2 plans");

    // Every file kamsite reads names its schema, and the path resolves.
    for path in files(&root) {
        let Some((kind, _)) = instance(&root, &path) else {
            continue;
        };
        let text = common::read(&path);
        let line = text
            .lines()
            .find(|l| l.starts_with("# yaml-language-server: $schema="))
            .unwrap_or_else(|| panic!("{} has no schema line", path.display()));
        let target = line.trim_start_matches("# yaml-language-server: $schema=");
        assert!(target.ends_with(&format!("{kind}.schema.json")), "{line}");
        let resolved = path.parent().unwrap().join(target);
        assert!(
            resolved.is_file(),
            "{} -> {} does not exist",
            path.display(),
            resolved.display()
        );
    }
}

#[test]
fn schemas_reject_bad_files() {
    let t = tempfile::tempdir().unwrap();
    let all = schemas(t.path());
    let account = validator(&all, "account");
    let bad: Vec<(&str, &str)> = vec![
        ("unknown key", "name: Acme\ntierr: foundation\n"),
        ("wrong type", "name: Acme\nscores: [1, 2]\n"),
        ("bad status", "name: Acme\nstatus: dormant\n"),
        (
            "stance out of range",
            "name: Acme\ncontacts:\n  - { id: a, name: A, stance: 5 }\n",
        ),
        ("score out of range", "name: Acme\nscores: { growth: 11 }\n"),
        (
            "probability above 1",
            "name: Acme\nopportunities:\n  - { id: x, probability: 60 }\n",
        ),
        ("bad date", "name: Acme\nsince: 01.04.2016\n"),
        ("contact without name", "name: Acme\ncontacts:\n  - { id: a }\n"),
    ];
    for (what, yaml) in bad {
        let v: Value = serde_saphyr::from_str(yaml).unwrap();
        assert!(!account.is_valid(&v), "{what} was accepted: {yaml}");
    }
    let good: Value = serde_saphyr::from_str("name: Acme\nstatus: active\nscores: { growth: 7 }\n").unwrap();
    assert!(account.is_valid(&good));

    let note = validator(&all, "note");
    let v: Value = serde_saphyr::from_str("date: 2026-01-01\nkind: lunch\n").unwrap();
    assert!(!note.is_valid(&v), "unknown note kind accepted");
    let plan = validator(&all, "plan");
    let v: Value = serde_saphyr::from_str("period: \"2026\"\nobjectives:\n  - { txt: x }\n").unwrap();
    assert!(!plan.is_valid(&v), "plan item with a misspelt key accepted");
    let v: Value =
        serde_saphyr::from_str("period: \"2026\"\nobjectives:\n  - plain\n  - { text: x, internal: true }\n").unwrap();
    assert!(plan.is_valid(&v));

    // The bad file is rejected by `check` too: the schema and the loader agree.
    let site = t.path().join("site");
    std::fs::create_dir_all(site.join("accounts/acme")).unwrap();
    std::fs::write(
        site.join("accounts/acme/account.yaml"),
        "name: Acme\ntierr: foundation\n",
    )
    .unwrap();
    let (code, stderr) = check_site(&site);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("unknown key `tierr`"));
}
