//! The internal portal's data files for BI tools (docs/data.md): the CSVs
//! parse back to the site's own numbers, every data file validates against
//! its schema under /data/schema/, builds are byte-identical, and a customer
//! build has none of them.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{build_to, fixture, kamsite, read, tree};
use serde_json::{Value, json};

/// A CSV file as its header and rows of (column -> cell).
fn csv_rows(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(rec.len(), header.len(), "{}: {rec:?}", path.display());
            header.iter().cloned().zip(rec.iter().map(String::from)).collect()
        })
        .collect();
    (header, rows)
}

/// A CSV row as the object its schema describes: an empty cell is null,
/// numbers and true/false are JSON's, anything else a string.
fn row_object(row: &BTreeMap<String, String>) -> Value {
    let cell = |s: &str| -> Value {
        if s.is_empty() {
            Value::Null
        } else if let Ok(v @ (Value::Number(_) | Value::Bool(_))) = serde_json::from_str::<Value>(s) {
            v
        } else {
            Value::String(s.to_string())
        }
    };
    Value::Object(row.iter().map(|(k, v)| (k.clone(), cell(v))).collect())
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An account.yaml of a fixture, as JSON.
fn account_yaml(site: &str, slug: &str) -> Value {
    let path = fixture(site).join("accounts").join(slug).join("account.yaml");
    serde_saphyr::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn slugs(site: &str) -> Vec<String> {
    let mut s: Vec<String> = std::fs::read_dir(fixture(site).join("accounts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    s.sort();
    s
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|e| panic!("{s:?} is not a plain number: {e}"))
}

#[test]
fn accounts_csv_holds_each_account_with_its_numbers() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("pages"), &t.path().join("out"));
    let (header, rows) = csv_rows(&out.join("data/accounts.csv"));
    assert_eq!(
        header,
        [
            "slug",
            "name",
            "status",
            "owner",
            "industry",
            "region",
            "tier",
            "stage",
            "quadrant",
            "attractiveness",
            "strength",
            "revenue",
            "revenue_year",
            "margin",
            "pipeline",
            "weighted_pipeline",
            "open_opportunities",
            "attention_count"
        ]
    );
    // One row per account, in slug order.
    let csv_slugs: Vec<&str> = rows.iter().map(|r| r["slug"].as_str()).collect();
    assert_eq!(csv_slugs, slugs("pages"));

    let kessler = rows.iter().find(|r| r["slug"] == "kessler-werke").unwrap();
    assert_eq!(kessler["name"], "Kessler Werke GmbH");
    assert_eq!(kessler["owner"], "Lukas Baumann");
    assert_eq!(kessler["tier"], "diamond");
    assert_eq!(kessler["revenue_year"], "2026");
    assert_eq!(num(&kessler["revenue"]), 14_600_000.0);
    assert_eq!(num(&kessler["margin"]), 0.31);

    // Every account's row is its account.yaml's latest year and open pipeline.
    for row in &rows {
        let yaml = account_yaml("pages", &row["slug"]);
        assert_eq!(row["name"], yaml["name"].as_str().unwrap());
        let latest = yaml["financials"]
            .as_array()
            .and_then(|f| f.iter().max_by_key(|y| y["year"].as_i64()));
        match latest {
            Some(y) => {
                assert_eq!(num(&row["revenue"]), y["revenue"].as_f64().unwrap(), "{row:?}");
                assert_eq!(row["revenue_year"], y["year"].to_string(), "{row:?}");
            }
            None => assert_eq!(row["revenue"], "", "{row:?}"),
        }
        // Open: no probability, or one strictly between 0 (lost) and 1 (won).
        let opps: Vec<&Value> = yaml["opportunities"].as_array().into_iter().flatten().collect();
        let open: Vec<&&Value> = opps
            .iter()
            .filter(|o| o["probability"].as_f64().is_none_or(|p| p > 0.0 && p < 1.0))
            .collect();
        let pipeline: f64 = open.iter().filter_map(|o| o["value"].as_f64()).sum();
        assert!((num(&row["pipeline"]) - pipeline).abs() < 1e-6, "{row:?}");
        assert_eq!(num(&row["open_opportunities"]) as usize, open.len(), "{row:?}");
    }
}

#[test]
fn contacts_and_opportunities_csv_hold_every_one_with_its_account() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("pages"), &t.path().join("out"));
    let (header, contacts) = csv_rows(&out.join("data/contacts.csv"));
    assert_eq!(
        header,
        [
            "account",
            "id",
            "name",
            "title",
            "role",
            "stance",
            "reports_to",
            "owner",
            "last_contact",
            "days_since_contact",
            "stale"
        ]
    );
    let (header, opportunities) = csv_rows(&out.join("data/opportunities.csv"));
    assert_eq!(
        header,
        [
            "account",
            "id",
            "title",
            "stage",
            "value",
            "probability",
            "weighted",
            "close",
            "owner",
            "open"
        ]
    );
    let wolf = contacts
        .iter()
        .find(|c| c["account"] == "kessler-werke" && c["id"] == "wolf")
        .unwrap();
    assert_eq!(wolf["stance"], "3");
    assert_eq!(wolf["role"], "champion");
    let press = opportunities
        .iter()
        .find(|o| o["account"] == "kessler-werke" && o["id"] == "press-line-5")
        .unwrap();
    assert_eq!(num(&press["weighted"]), 725_000.0);
    assert_eq!(press["close"], "2027-04-30");
    assert_eq!(press["open"], "true");
    // A comma in a title survives the round trip.
    assert!(
        opportunities
            .iter()
            .any(|o| o["title"] == "Estates controls framework, lot 2")
    );

    // Every contact and opportunity of every account.yaml, in file order.
    let (mut n_contacts, mut n_opps) = (0, 0);
    for slug in slugs("pages") {
        let yaml = account_yaml("pages", &slug);
        let mine: Vec<_> = contacts.iter().filter(|c| c["account"] == slug).collect();
        let theirs: Vec<&Value> = yaml["contacts"].as_array().into_iter().flatten().collect();
        assert_eq!(mine.len(), theirs.len(), "{slug}");
        for (row, c) in mine.iter().zip(&theirs) {
            assert_eq!(row["id"], c["id"].as_str().unwrap());
            assert_eq!(row["name"], c["name"].as_str().unwrap());
            let stance = c["stance"].as_i64().map(|s| s.to_string()).unwrap_or_default();
            assert_eq!(row["stance"], stance, "{row:?}");
            let last = c["last_contact"].as_str().unwrap_or("");
            assert_eq!(row["last_contact"], last, "{row:?}");
        }
        n_contacts += mine.len();
        let mine: Vec<_> = opportunities.iter().filter(|o| o["account"] == slug).collect();
        let theirs: Vec<&Value> = yaml["opportunities"].as_array().into_iter().flatten().collect();
        assert_eq!(mine.len(), theirs.len(), "{slug}");
        for (row, o) in mine.iter().zip(&theirs) {
            assert_eq!(row["id"], o["id"].as_str().unwrap());
            let (value, p) = (o["value"].as_f64().unwrap(), o["probability"].as_f64().unwrap());
            assert_eq!(num(&row["value"]), value, "{row:?}");
            assert!((num(&row["weighted"]) - value * p).abs() < 1e-6, "{row:?}");
        }
        n_opps += mine.len();
    }
    assert_eq!(n_contacts, contacts.len());
    assert_eq!(n_opps, opportunities.len());
    assert!(n_contacts > 10 && n_opps > 5);
}

#[test]
fn accounts_json_has_what_bi_needs_and_agrees_with_the_csv() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("pages"), &t.path().join("out"));
    let accounts = json_file(&out.join("data/accounts.json"));
    let (_, rows) = csv_rows(&out.join("data/accounts.csv"));
    let accounts = accounts.as_array().unwrap();
    assert_eq!(accounts.len(), rows.len());
    let kessler = accounts.iter().find(|a| a["slug"] == "kessler-werke").unwrap();
    // The keys it always had come first, in their order (serde_json sorts
    // an object's keys, so read the text).
    let text = read(&out.join("data/accounts.json"));
    let first = &text[..text.find("\n  }").unwrap()];
    let at: Vec<usize> = [
        "slug",
        "name",
        "status",
        "tier",
        "stage",
        "quadrant",
        "attractiveness",
        "strength",
        "revenue",
        "owner",
    ]
    .iter()
    .map(|k| {
        first
            .find(&format!("\n    \"{k}\":"))
            .unwrap_or_else(|| panic!("{k}: {first}"))
    })
    .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{first}");
    assert_eq!(kessler["region"], "DACH");
    assert_eq!(kessler["industry"], "Automotive components");
    assert_eq!(
        kessler["financials"][2],
        json!({"year": 2026, "revenue": 14600000.0, "margin": 0.31})
    );
    let attention = json_file(&out.join("data/attention.json"));
    for (a, row) in accounts.iter().zip(&rows) {
        let obj = row_object(row);
        for (k, v) in obj.as_object().unwrap() {
            assert_eq!(&a[k], v, "{k} of {}", row["slug"]);
        }
        let items = attention
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["slug"] == a["slug"])
            .count();
        assert_eq!(a["attention_count"], items, "{}", row["slug"]);
    }
}

/// Validators for the files under data/schema/, by the data file each describes.
fn schemas(out: &Path) -> BTreeMap<String, jsonschema::Validator> {
    let dir = out.join("data/schema");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let file = name
                .strip_suffix(".schema.json")
                .unwrap_or_else(|| panic!("{name}"))
                .to_string();
            let schema = json_file(&path);
            let v = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
            (file, v)
        })
        .collect()
}

/// Every data file of `out` validates against its schema; the number checked.
fn assert_data_valid(out: &Path) -> usize {
    let schemas = schemas(out);
    let mut files: Vec<String> = std::fs::read_dir(out.join("data"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        schemas.keys().cloned().collect::<Vec<_>>(),
        "each data file has one schema"
    );
    let mut checked = 0;
    for file in &files {
        let v = &schemas[file];
        let path = out.join("data").join(file);
        let instances: Vec<Value> = if file.ends_with(".csv") {
            csv_rows(&path).1.iter().map(row_object).collect()
        } else {
            vec![json_file(&path)]
        };
        for inst in &instances {
            let errors: Vec<String> = v
                .iter_errors(inst)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{file}: {errors:#?}");
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_data_file_validates_against_its_schema() {
    let t = tempfile::tempdir().unwrap();
    for site in ["pages", "winloss", "example-site", "canary"] {
        let out = build_to(&fixture(site), &t.path().join(site));
        let n = assert_data_valid(&out);
        assert!(n > 6, "{site}: only {n} files and rows checked");
    }
}

#[test]
fn the_schemas_reject_what_the_files_must_not_hold() {
    let t = tempfile::tempdir().unwrap();
    let out = build_to(&fixture("pages"), &t.path().join("out"));
    let schemas = schemas(&out);
    let mut accounts = json_file(&out.join("data/accounts.json"));
    assert!(schemas["accounts.json"].is_valid(&accounts));
    accounts[0]["pipeline"] = json!("a lot");
    assert!(!schemas["accounts.json"].is_valid(&accounts));
    let (_, contacts) = csv_rows(&out.join("data/contacts.csv"));
    let mut row = row_object(&contacts[0]);
    assert!(schemas["contacts.csv"].is_valid(&row));
    row["stance"] = json!(7);
    assert!(!schemas["contacts.csv"].is_valid(&row));
    let (_, opps) = csv_rows(&out.join("data/opportunities.csv"));
    let mut row = row_object(&opps[0]);
    row["close"] = json!("next spring");
    assert!(!schemas["opportunities.csv"].is_valid(&row));
    let mut attention = json_file(&out.join("data/attention.json"));
    attention[0]["kind"] = json!("vibes");
    assert!(!schemas["attention.json"].is_valid(&attention));
}

#[test]
fn data_files_are_byte_identical_between_builds() {
    let t = tempfile::tempdir().unwrap();
    let a = tree(&build_to(&fixture("example-site"), &t.path().join("a")).join("data"));
    let b = tree(&build_to(&fixture("example-site"), &t.path().join("b")).join("data"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "data/{path} differs between two builds");
    }
    for f in [
        "accounts.csv",
        "contacts.csv",
        "opportunities.csv",
        "schema/accounts.csv.schema.json",
    ] {
        assert!(a.contains_key(f), "{f} missing: {:?}", a.keys());
    }
}

#[test]
fn a_customer_build_has_no_data_files() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("customer");
    kamsite()
        .args([
            "build",
            "--audience",
            "customer",
            "--account",
            "kessler-werke",
            "--root",
        ])
        .arg(fixture("pages"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let files = tree(&out);
    assert!(files.len() > 3, "{:?}", files.keys());
    for path in files.keys() {
        assert!(
            !path.starts_with("data/") && !path.ends_with(".csv") && !path.ends_with(".schema.json"),
            "customer build holds {path}"
        );
    }
    // Nor does any file name the exports.
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("contacts.csv") && !text.contains("data/schema"),
            "{path} mentions an export"
        );
    }
}
