//! `kamsite import`: CRM exports into account.yaml, end to end through the
//! binary, over the exports in tests/fixtures/import/.

mod common;

use std::path::{Path, PathBuf};

use common::{check_site, copy_dir, fixture, kamsite, read, tree};

/// A fresh site: a copy of `fixtures/import/site` (one hand-written
/// account), or only its site.yaml.
fn site(with_account: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture("import/site");
    if with_account {
        copy_dir(&from, dir.path());
    } else {
        std::fs::copy(from.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    }
    dir
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `kamsite import --root ROOT ARGS...`, run in fixtures/import so the
/// files show as the relative paths given.
fn import(root: &Path, args: &[&str]) -> Run {
    let o = kamsite()
        .current_dir(fixture("import"))
        .arg("import")
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn account(root: &Path, slug: &str) -> String {
    read(&root.join("accounts").join(slug).join("account.yaml"))
}

fn assert_check_passes(root: &Path) {
    let (code, out) = check_site(root);
    assert_eq!(code, Some(0), "check after import:\n{out}");
    assert!(out.contains("check passed: 0 errors"), "{out}");
}

const SALESFORCE: &[&str] = &[
    "--from",
    "salesforce/accounts.csv",
    "--from",
    "salesforce/opportunities.csv",
    "--from",
    "salesforce/contacts.csv",
];

#[test]
fn a_salesforce_export_makes_account_files_that_check() {
    let site = site(false);
    let root = site.path();
    let r = import(root, SALESFORCE);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("accounts/acme-industrial-as/account.yaml: created"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("3 account(s) created"), "{}", r.stderr);
    // The report's footer and the customer's own turnover are left out, and said so.
    assert!(
        r.stderr.contains("left out the 4 one-field line(s) from line 6 on"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("column `Annual Revenue` is the customer's own turnover"),
        "{}",
        r.stderr
    );
    let acme = account(root, "acme-industrial-as");
    insta::assert_snapshot!("salesforce_acme", acme);
    // Values read as their keys take them: "Customer - Direct" is active,
    // "350,000.00" is 350000, "Probability (%)" 60 is 0.6, 12/15/2026 a date.
    assert!(acme.contains("status: active\n"));
    assert!(acme.contains("    value: 350000\n    probability: 0.6\n"));
    assert!(acme.contains("    close: 2026-12-15\n"));
    assert!(acme.contains("  - id: ingrid-berg\n    name: Ingrid Berg\n    title: CFO\n"));
    let bjornstad = account(root, "bjornstad-sonner");
    assert!(
        bjornstad.starts_with("# crm-id: salesforce 0015g00000Bjorn\nname: Bjørnstad & Sønner\nstatus: prospect\n")
    );
    assert_check_passes(root);
}

#[test]
fn a_hubspot_export_makes_account_files_that_check() {
    let site = site(false);
    let root = site.path();
    let r = import(
        root,
        &[
            "--from",
            "hubspot/companies.csv",
            "--from",
            "hubspot/deals.csv",
            "--from",
            "hubspot/contacts.csv",
        ],
    );
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let havbris = account(root, "havbris-energi-asa");
    insta::assert_snapshot!("hubspot_havbris", havbris);
    assert!(havbris.contains("status: active\n"));
    assert!(havbris.contains("    role: decision-maker\n"));
    assert!(havbris.contains("    last_contact: 2026-11-02\n"));
    let tamarack = account(root, "tamarack-foods-inc");
    // A Sales Qualified Lead is a prospect; a Closed Lost deal has probability 0.
    assert!(tamarack.contains("status: prospect\n"), "{tamarack}");
    assert!(
        tamarack.contains("    stage: Closed Lost\n    close: 2026-10-15\n"),
        "{tamarack}"
    );
    assert!(tamarack.contains("    probability: 0\n"), "{tamarack}");
    assert_check_passes(root);
}

#[test]
fn a_generic_csv_with_a_mapping_file_makes_account_files_that_check() {
    let site = site(false);
    let root = site.path();
    let r = import(
        root,
        &["--from", "generic/customers.csv", "--mapping", "generic/mapping.yaml"],
    );
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("read as semicolon-separated"), "{}", r.stderr);
    let skagerrak = account(root, "skagerrak-shipping-as");
    assert_eq!(
        skagerrak,
        "# crm-id: generic K-1001\nname: Skagerrak Shipping AS\nstatus: active\nindustry: Shipping\n\
         region: Nordics\ntier: diamond\nowner: Kari Nordmann\n\
         financials:\n  - { year: 2025, revenue: 4200000, margin: 0.31 }\n"
    );
    let lindqvist = account(root, "lindqvist-retail-ab");
    assert!(lindqvist.contains("status: prospect\n"));
    assert!(lindqvist.contains("tier: foundation\n"));
    assert!(lindqvist.contains("  - { year: 2025, revenue: 1150000.5, margin: 0.22 }\n"));
    assert_check_passes(root);
}

#[test]
fn an_existing_file_keeps_its_comments_and_hand_written_values() {
    let site = site(true);
    let root = site.path();
    let before = account(root, "acme-industrial-as");
    let r = import(root, SALESFORCE);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let after = account(root, "acme-industrial-as");
    insta::assert_snapshot!("existing_acme_updated", after);
    // Every line of the hand-written file is still there, comments included
    // (the one-line deal gains keys before its closing brace).
    for line in before.lines() {
        let kept = after
            .lines()
            .any(|l| l == line || l.starts_with(line.trim_end_matches(" }")));
        assert!(kept, "lost line {line:?}:\n{after}");
    }
    // The hand-edited owner and deal values differ from the export: kept, and said so.
    assert!(after.contains("owner: Kari Nordmann-Hansen  # the CRM still has her maiden name\n"));
    assert!(
        r.stdout.contains(
            "accounts/acme-industrial-as/account.yaml: kept owner: \"Kari Nordmann-Hansen\" \
             (the export has Kari Nordmann; --force takes it)"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("kept opportunity erp-rollout value: \"300000\""),
        "{}",
        r.stdout
    );
    // Ingrid is matched by name: her id stays `ingrid`, her CRM fields are added.
    assert!(after.contains(
        "  - id: ingrid\n    name: Ingrid Berg\n    stance: 2   # she backs the ERP roll-out\n    title: CFO\n"
    ));
    assert!(!after.contains("ingrid-berg"));
    assert!(
        r.stdout
            .contains("updated: +crm-id, +status, +region, +contact ingrid title"),
        "{}",
        r.stdout
    );
    assert_check_passes(root);
}

#[test]
fn importing_twice_changes_nothing_the_second_time() {
    for (with_account, args) in [
        (true, SALESFORCE.to_vec()),
        (
            false,
            vec![
                "--from",
                "hubspot/companies.csv",
                "--from",
                "hubspot/deals.csv",
                "--from",
                "hubspot/contacts.csv",
            ],
        ),
        (
            false,
            vec!["--from", "generic/customers.csv", "--mapping", "generic/mapping.yaml"],
        ),
    ] {
        let site = site(with_account);
        let root = site.path();
        let first = import(root, &args);
        assert_eq!(first.code, Some(0), "{}", first.stderr);
        let written = tree(root);
        let second = import(root, &args);
        assert_eq!(second.code, Some(0), "{}", second.stderr);
        assert!(tree(root) == written, "the second run changed files ({args:?})");
        assert!(
            !second.stdout.contains("created") && !second.stdout.contains("updated"),
            "{}",
            second.stdout
        );
        assert!(
            second.stderr.contains("0 account(s) created, 0 updated")
                && second
                    .stderr
                    .contains("(nothing to change: the site already has what the export says)"),
            "{}",
            second.stderr
        );
    }
}

#[test]
fn a_dry_run_says_what_would_change_and_writes_nothing() {
    let site = site(true);
    let root = site.path();
    let before = tree(root);
    let r = import(root, &[SALESFORCE, &["--dry-run"]].concat());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(tree(root) == before, "a dry run wrote files");
    assert!(
        r.stdout
            .contains("accounts/bjornstad-sonner/account.yaml: would be created"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("accounts/acme-industrial-as/account.yaml: would be updated: +crm-id, +status, +region,"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("2 account(s) would be created, 1 would be updated"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("(dry run: nothing was written)"), "{}", r.stderr);
    // And then the real run does what the dry run said.
    let real = import(root, SALESFORCE);
    assert_eq!(
        real.stdout.replace("would be ", ""),
        r.stdout.replace("would be ", ""),
        "the dry run and the run differ"
    );
}

#[test]
fn force_takes_the_exports_values_and_keeps_comments_and_other_keys() {
    let site = site(true);
    let root = site.path();
    let r = import(root, &[SALESFORCE, &["--force"]].concat());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let after = account(root, "acme-industrial-as");
    assert!(
        after.contains("owner: Kari Nordmann  # the CRM still has her maiden name\n"),
        "{after}"
    );
    assert!(
        after.contains("{ id: erp-rollout, title: ERP roll-out, value: 350000, probability: 0.6,"),
        "{after}"
    );
    assert!(after.contains("tier: diamond             # decided at the 2026 portfolio review\n"));
    assert!(after.contains("scores:\n  growth: 8\n  relationship: 7\n"));
    assert!(after.contains("swot:\n  strengths: [Ten years of deliveries]\n"));
    assert!(
        r.stdout.contains("owner \"Kari Nordmann-Hansen\" -> Kari Nordmann"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("kept"), "{}", r.stdout);
    let again = import(root, &[SALESFORCE, &["--force"]].concat());
    assert!(again.stderr.contains("nothing to change"), "{}", again.stderr);
    assert_check_passes(root);
}

#[test]
fn every_bad_row_is_reported_with_line_and_column_and_the_good_rows_import() {
    let site = site(true);
    let root = site.path();
    let r = import(root, &["--from", "bad/accounts.csv", "--from", "bad/opportunities.csv"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    let expected = [
        "bad/accounts.csv:3:1: error: Account Name: empty; an account needs a name",
        "bad/accounts.csv:4:17: error: Account ID: `0015g00000AcmeIAA1` is the record of bad/accounts.csv:2 too; this row is left out",
        "bad/accounts.csv:5:61: error: the row has 6 fields, the header has 5",
        "bad/accounts.csv:6:39: error: the field is not UTF-8 text (byte 0xFC)",
        "bad/accounts.csv:9:1: error: Account Name: `★★★` has no letter or digit to make an id from",
        "bad/opportunities.csv:3:32: error: Amount: `lots` is not an amount",
        "bad/opportunities.csv:3:37: error: Probability (%): `150` is not a share between 0 and 100 %",
        "bad/opportunities.csv:3:60: error: Close Date: `2026-31-12` is not a date",
        "bad/opportunities.csv:4:16: error: the opportunity `Harbour cranes` is for account `Nowhere Shipping AS`, which is neither in the export nor in accounts/",
        "bad/opportunities.csv:5:1: error: Opportunity Name: empty; an opportunity needs a title",
        "bad/opportunities.csv:6:75: error: Opportunity ID: `0065g00000Erp01AAA` is the record of bad/opportunities.csv:2 too; this row is left out",
    ];
    let errors: Vec<&str> = r.stderr.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors, expected, "{}", r.stderr);
    // Each comes with how to fix it.
    assert_eq!(r.stderr.matches("\n  help: ").count(), expected.len(), "{}", r.stderr);
    assert!(r.stderr.contains("11 problem(s), those rows left out"), "{}", r.stderr);
    // The good rows are in: a multi-line quoted industry, the Acme deal.
    assert!(account(root, "oakridge-paper").contains("industry: \"Paper and\\npackaging\"\n"));
    assert!(account(root, "acme-industrial-as").contains("stage: Proposal/Price Quote"));
    assert_check_passes(root);
}

#[test]
fn strict_writes_nothing_when_a_row_is_bad() {
    let site = site(true);
    let root = site.path();
    let before = tree(root);
    let r = import(
        root,
        &[
            "--from",
            "bad/accounts.csv",
            "--from",
            "bad/opportunities.csv",
            "--strict",
        ],
    );
    assert_eq!(r.code, Some(1));
    assert!(tree(root) == before, "--strict wrote files");
    assert!(
        r.stderr
            .contains("import failed (--strict): 11 problem(s); nothing was written"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
    // Without bad rows, --strict imports as usual.
    let r = import(root, &[SALESFORCE, &["--strict"]].concat());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// Writes `text` as `name` in a temporary folder and imports it.
fn import_text(name: &str, bytes: &[u8], extra: &[&str]) -> (Run, PathBuf, tempfile::TempDir) {
    let site = site(false);
    let file = site.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let path = file.to_str().unwrap().to_string();
    let r = import(site.path(), &[&["--from", path.as_str()], extra].concat());
    (r, file, site)
}

#[test]
fn hostile_files_are_reported_never_a_panic() {
    let header = "Account Name,Account ID,Industry\n";
    let huge = format!("{header}Acme,001,\"{}\"\n", "x".repeat(70_000));
    let unclosed = format!("{header}Acme,001,\"Manufacturing\nBeta,002,Retail\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", b"".to_vec(), ":1:1: error: the file is empty"),
        ("bom only", b"\xEF\xBB\xBF\n".to_vec(), ":1:1: error: the file is empty"),
        (
            "binary",
            b"PK\x03\x04\x00\x00".to_vec(),
            "error: the file holds a NUL byte",
        ),
        ("huge field", huge.into_bytes(), ":2:10: error: a field of 70000 bytes"),
        (
            "unclosed quote",
            unclosed.into_bytes(),
            ":2:10: error: the quote that opens this field is never closed",
        ),
        (
            "unknown columns",
            b"Foo,Bar\n1,2\n".to_vec(),
            "cannot tell which CRM this export is from",
        ),
        ("header only", header.as_bytes().to_vec(), "0 rows read"),
    ];
    for (what, bytes, needle) in cases {
        let (r, _, _site) = import_text("export.csv", &bytes, &[]);
        assert!(r.stderr.contains(needle), "{what}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
        let expected = if what == "header only" { 0 } else { 1 };
        assert_eq!(r.code, Some(expected), "{what}: {}", r.stderr);
    }
    // An unclosed quote that swallows the rest of a long file is the field limit's.
    let long = format!("{header}Acme,001,\"Manufacturing\n{}", "Beta,002,Retail\n".repeat(5000));
    let (r, _, _site) = import_text("export.csv", long.as_bytes(), &[]);
    assert!(
        r.stderr.contains(":2:10: error: a field of 80014 bytes"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("runs to the end of the file"), "{}", r.stderr);
}

#[test]
fn excel_style_exports_read_as_they_are() {
    // Semicolons, a byte-order mark, CRLF and ISO-8859-1 text.
    let bytes = b"\xEF\xBB\xBFAccount Name;Account ID;Industry\r\nM\xfcller AG;001A;Chemie\r\n";
    let (r, _, site) = import_text("export.csv", bytes, &[]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("export.csv:2:1: error: the field is not UTF-8 text (byte 0xFC)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("pass --encoding latin1"), "{}", r.stderr);
    let bytes = b"Account Name;Account ID;Industry\r\nM\xfcller AG;001A;Chemie\r\n";
    let (r, _, site2) = import_text("export.csv", bytes, &["--encoding", "latin1"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("read as semicolon-separated"), "{}", r.stderr);
    assert!(account(site2.path(), "muller-ag").contains("name: Müller AG\n"));
    drop(site);
}

#[test]
fn salesforce_data_export_api_names_and_18_character_ids_work_too() {
    let site = site(false);
    let root = site.path();
    let dir = root.join("export");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("Account.csv"),
        "\"Id\",\"Name\",\"Type\",\"Industry\",\"AnnualRevenue\",\"OwnerName\"\n\
         \"0015g00000AcmeIAA1\",\"Acme Industrial AS\",\"Customer - Direct\",\"Manufacturing\",\"52000000\",\"Kari Nordmann\"\n",
    )
    .unwrap();
    // The opportunity names its account by the 15-character id of a report.
    std::fs::write(
        dir.join("Opportunity.csv"),
        "\"Id\",\"AccountId\",\"Name\",\"StageName\",\"Amount\",\"Probability\",\"CloseDate\"\n\
         \"0065g00000Erp01AAA\",\"0015g00000AcmeI\",\"ERP roll-out\",\"Proposal/Price Quote\",\"350000\",\"60\",\"2026-12-15\"\n",
    )
    .unwrap();
    let acc = dir.join("Account.csv");
    let opp = dir.join("Opportunity.csv");
    let r = import(
        root,
        &[
            "--format",
            "salesforce",
            "--from",
            acc.to_str().unwrap(),
            "--from",
            opp.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let acme = account(root, "acme-industrial-as");
    assert!(acme.contains("owner: Kari Nordmann\n"), "{acme}");
    assert!(
        acme.contains("  - id: erp-roll-out\n    title: ERP roll-out\n    value: 350000\n    probability: 0.6\n"),
        "{acme}"
    );
    // Next run, only the opportunities, by id alone: the crm-id line finds the account.
    let r = import(root, &["--format", "salesforce", "--from", opp.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("nothing to change"), "{}", r.stderr);
}

#[test]
fn a_renamed_crm_account_stays_in_its_folder() {
    let site = site(false);
    let root = site.path();
    let r = import(root, SALESFORCE);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let renamed = root.join("renamed.csv");
    std::fs::write(
        &renamed,
        "Account Name,Account ID,Industry\nAcme Industrial Group AS,0015g00000AcmeIAA1,Manufacturing\n",
    )
    .unwrap();
    let r = import(root, &["--from", renamed.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!root.join("accounts/acme-industrial-group-as").exists());
    assert!(
        r.stdout
            .contains("kept name: \"Acme Industrial AS\" (the export has Acme Industrial Group AS; --force takes it)"),
        "{}",
        r.stdout
    );
}

#[test]
fn usage_errors_exit_2_with_a_fix() {
    let site = site(false);
    let r = import(site.path(), &["--from", "no/such.csv"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("error: cannot read no/such.csv"), "{}", r.stderr);
    let r = import(Path::new("/nonexistent/site"), SALESFORCE);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("site folder /nonexistent/site does not exist"),
        "{}",
        r.stderr
    );
    let r = import(site.path(), &["--from", "generic/customers.csv", "--format", "generic"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("--format generic needs a mapping file"),
        "{}",
        r.stderr
    );
}

#[test]
fn mapping_file_mistakes_name_the_fix() {
    let site = site(false);
    let root = site.path();
    let write = |text: &str| {
        let p = root.join("mapping.yaml");
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let m = write("columns:\n  Kunde: name\n  Bransje: industri\n");
    let r = import(root, &["--from", "generic/customers.csv", "--mapping", &m]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr
            .contains("`Bransje: industri`: `industri` is not a key kamsite imports into accounts"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("help: use one of: name, status, industry"),
        "{}",
        r.stderr
    );
    let m = write("columns:\n  Customer: name\n");
    let r = import(root, &["--from", "generic/customers.csv", "--mapping", &m]);
    assert!(
        r.stderr
            .contains("the mapping names column `Customer`, which the CSV does not have"),
        "{}",
        r.stderr
    );
    let m = write("columns:\n  Kunde: name\n  Segment: tier\n");
    let r = import(root, &["--from", "generic/customers.csv", "--mapping", &m]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("generic/customers.csv:2:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("Segment: `A` is not a tier of this site"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("diamond, foundation, portfolio, opportunistic"),
        "{}",
        r.stderr
    );
    let m = write("colums:\n  Kunde: name\n");
    let r = import(root, &["--from", "generic/customers.csv", "--mapping", &m]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("colums"), "{}", r.stderr);
}

mod never_panics {
    use kamsite::import::mapping::{self, Format};
    use kamsite::import::table::{self, Encoding};
    use kamsite::import::{convert, merge};
    use proptest::prelude::*;

    fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"Account Name".to_vec()),
            Just(b"Account ID".to_vec()),
            Just(b"Opportunity Name".to_vec()),
            Just(b"Close Date".to_vec()),
            Just(b"Amount".to_vec()),
            Just(b",".to_vec()),
            Just(b";".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just(b"\xff".to_vec()),
            Just("Škoda".as_bytes().to_vec()),
            Just(b"12/31/2026".to_vec()),
            Just(b"1,5".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..4),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn any_csv_reads_without_panicking(bytes in csv_bytes()) {
            for enc in [Encoding::Utf8, Encoding::Latin1] {
                if let Ok(t) = table::read("x.csv", &bytes, enc) {
                    for p in &t.problems {
                        prop_assert!(p.line >= 1 && p.col >= 1);
                    }
                    let format = mapping::detect_format(&t.header).unwrap_or(Format::Salesforce);
                    let r = mapping::builtin(format, &t.header);
                    let _ = convert::records(&t, &r, &convert::Ids::default(), &mut Vec::new());
                }
            }
        }

        #[test]
        fn any_yaml_merges_without_panicking(text in "(name|contacts|opportunities|owner|  - |id|: |\\{|\\}|\\[|\\]|,|#|\n|\r\n|x|'|\"|\\|| )*") {
            let d = merge::Desired {
                record_id: Some("salesforce 001".into()),
                fields: vec![("name", convert::Scalar::Str("Acme".into())), ("owner", convert::Scalar::Str("Kari".into()))],
                financials: vec![],
                contacts: vec![vec![("id", convert::Scalar::Str("a".into())), ("name", convert::Scalar::Str("A".into()))]],
                opportunities: vec![],
            };
            for force in [false, true] {
                let _ = merge::merge(&text, &d, force);
            }
        }
    }
}
