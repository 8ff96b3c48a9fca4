//! `kamsite check --format json|github`: parsed back and compared with the
//! human output; `kamsite init`'s GitHub Actions workflow.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{fixture, kamsite};

/// (severity, file, line, column, message) of a problem.
type Found = (String, String, usize, usize, String);

/// The problems of the human output: the header line of each snippet,
/// `  × FILE:LINE:COL: message` (error) or `  ⚠ …` (warning).
fn human(stderr: &str) -> Vec<Found> {
    stderr
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let (severity, rest) = if let Some(r) = l.strip_prefix("× ") {
                ("error", r)
            } else {
                ("warning", l.strip_prefix("⚠ ")?)
            };
            let mut parts = rest.splitn(4, ':');
            let file = parts.next()?.to_string();
            let line = parts.next()?.parse().ok()?;
            let column = parts.next()?.parse().ok()?;
            let message = parts.next()?.trim().to_string();
            Some((severity.to_string(), file, line, column, message))
        })
        .collect()
}

/// GitHub's reading of a workflow command's escapes.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// A `::error file=…,line=…,col=…,title=…::message` line: command, properties, message.
fn workflow_command(line: &str) -> (String, BTreeMap<String, String>, String) {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("not a command: {line}"));
    let (head, message) = rest.split_once("::").unwrap();
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .unwrap_or_else(|| panic!("bad property {p} in {line}"));
            (k.to_string(), unescape(v))
        })
        .collect();
    (command.to_string(), props, unescape(message))
}

fn run_check(root: &Path, format: &str, dir: Option<&Path>) -> (Option<i32>, String, String) {
    let mut cmd = kamsite();
    cmd.args(["check", "--format", format, "--root"]).arg(root);
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let o = cmd.output().unwrap();
    (
        o.status.code(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn from_github(stdout: &str) -> Vec<(Found, BTreeMap<String, String>)> {
    stdout
        .lines()
        .map(|l| {
            let (command, props, message) = workflow_command(l);
            let (message, _help) = message.split_once("\n\nhelp: ").unwrap_or((&message, ""));
            let found = (
                command,
                props["file"].clone(),
                props["line"].parse().unwrap(),
                props["col"].parse().unwrap(),
                message.to_string(),
            );
            (found, props)
        })
        .collect()
}

#[test]
fn json_and_github_name_the_places_the_human_output_names() {
    let root = fixture("bad-many");
    // Run from a folder outside the site: paths are relative to the site root, as in the human output.
    let elsewhere = tempfile::tempdir().unwrap();
    let run_check = |root: &Path, format: &str, _: Option<&Path>| run_check(root, format, Some(elsewhere.path()));
    let (code, stdout, stderr) = run_check(&root, "human", None);
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty(), "human output goes to stderr: {stdout}");
    let expected = human(&stderr);
    assert!(expected.iter().filter(|f| f.0 == "error").count() >= 3, "{stderr}");
    assert!(expected.iter().any(|f| f.0 == "warning"), "{stderr}");
    assert!(stderr.ends_with("check failed: 5 errors, 2 warnings\n"), "{stderr}");

    let (code, stdout, stderr) = run_check(&root, "json", None);
    assert_eq!(code, Some(1));
    assert_eq!(stderr, "check failed: 5 errors, 2 warnings\n");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let got: Vec<Found> = lines
        .iter()
        .map(|v| {
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            let mut want = vec![
                "severity", "code", "file", "line", "column", "message", "help", "snippet",
            ];
            want.sort();
            assert_eq!(keys, want, "{v}");
            (
                v["severity"].as_str().unwrap().to_string(),
                v["file"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap() as usize,
                v["column"].as_u64().unwrap() as usize,
                v["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    let tier = lines.iter().find(|v| v["message"] == "unknown tier `gold`").unwrap();
    assert_eq!(tier["code"], "unknown-id");
    assert_eq!(tier["snippet"], "tier: gold");
    assert!(tier["help"].as_str().unwrap().contains("`diamond`"), "{tier}");

    let (code, stdout, stderr) = run_check(&root, "github", None);
    assert_eq!(code, Some(1));
    assert_eq!(stderr, "check failed: 5 errors, 2 warnings\n");
    let parsed = from_github(&stdout);
    let got: Vec<Found> = parsed.iter().map(|(f, _)| f.clone()).collect();
    assert_eq!(got, expected);
    let (_, props) = parsed.iter().find(|(f, _)| f.4 == "unknown key `sponser`").unwrap();
    assert_eq!(props["title"], "unknown-key");
    assert!(stdout.contains("%0A%0Ahelp: did you mean `sponsor`?"), "{stdout}");
}

#[test]
fn paths_are_relative_to_the_folder_check_runs_in() {
    let fixtures = fixture("");
    let (code, stdout, _) = run_check(Path::new("bad-many"), "github", Some(&fixtures));
    assert_eq!(code, Some(1));
    let files: Vec<String> = from_github(&stdout).into_iter().map(|(f, _)| f.1).collect();
    assert!(
        files.contains(&"bad-many/accounts/beta/account.yaml".to_string()),
        "{files:?}"
    );
    assert!(files.iter().all(|f| f.starts_with("bad-many/accounts/")), "{files:?}");
    let (_, stdout, _) = run_check(Path::new("./bad-many/"), "json", Some(&fixtures));
    let v: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(v["file"], "bad-many/accounts/acme/account.yaml");
    // An absolute root inside the folder check runs in.
    let (_, stdout, _) = run_check(&fixture("bad-many"), "json", Some(&fixtures));
    let v: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(v["file"], "bad-many/accounts/acme/account.yaml");
}

#[test]
fn a_message_with_newline_percent_comma_and_colon_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("100%, site: new");
    std::fs::create_dir_all(site.join("accounts/acme")).unwrap();
    std::fs::write(site.join("site.yaml"), "title: T\ntoday: 2026-11-23\n").unwrap();
    std::fs::write(
        site.join("accounts/acme/account.yaml"),
        "name: Acme\ntier: \"50%, gold:\\nplus\\r\"\n",
    )
    .unwrap();
    let (code, stdout, _) = run_check(Path::new("100%, site: new"), "github", Some(dir.path()));
    assert_eq!(code, Some(1), "{stdout}");
    let line = stdout.lines().find(|l| l.contains("line=2")).unwrap();
    // One line per problem, whatever the message holds.
    assert!(!line.contains('\r'), "{line:?}");
    assert!(
        line.starts_with("::error file=100%25%2C site%3A new/accounts/acme/account.yaml,line=2,col=7,"),
        "{line}"
    );
    assert!(line.contains("::unknown tier `50%25, gold:%0Aplus%0D`"), "{line}");
    let (command, props, message) = workflow_command(line);
    assert_eq!(command, "error");
    assert_eq!(props["file"], "100%, site: new/accounts/acme/account.yaml");
    assert!(message.starts_with("unknown tier `50%, gold:\nplus\r`"), "{message:?}");
    // The same problem in JSON keeps the text as it is.
    let (_, stdout, _) = run_check(Path::new("100%, site: new"), "json", Some(dir.path()));
    let v: serde_json::Value = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["line"] == 2)
        .unwrap();
    assert_eq!(v["message"], "unknown tier `50%, gold:\nplus\r`");
}

#[test]
fn a_missing_site_folder_is_an_annotation_too() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_check(&dir.path().join("nope"), "github", None);
    assert_eq!(code, Some(2));
    assert!(stdout.starts_with("::error title=kamsite::site folder "), "{stdout}");
    assert!(stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn a_clean_site_prints_nothing_but_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    kamsite().arg("init").arg(&site).assert().success();
    for format in ["json", "github"] {
        let (code, stdout, stderr) = run_check(&site, format, None);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stdout.is_empty(), "{format}: {stdout}");
        assert!(stderr.starts_with("check passed: 0 errors"), "{stderr}");
    }
}

/// The steps of a job in a parsed workflow.
fn steps<'a>(workflow: &'a serde_json::Value, job: &str) -> &'a Vec<serde_json::Value> {
    workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("job {job} has steps: {workflow}"))
}

#[test]
fn init_writes_a_github_workflow_that_checks_pull_requests_and_publishes_main() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let o = kamsite().arg("init").arg(&site).output().unwrap();
    assert!(o.status.success());
    let path = site.join(".github/workflows/kamsite.yml");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&path.display().to_string()),
        "init lists the workflow it wrote"
    );
    let text = common::read(&path);
    let w: serde_json::Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("not YAML: {e}"));
    // Runs on pull requests and on pushes to main.
    assert!(w["on"].as_object().unwrap().contains_key("pull_request"), "{w}");
    assert_eq!(w["on"]["push"]["branches"], serde_json::json!(["main"]));
    assert_eq!(w["permissions"], serde_json::json!({ "contents": "read" }));

    let check = steps(&w, "check");
    let runs: Vec<&str> = check.iter().filter_map(|s| s["run"].as_str()).collect();
    let annotate = check
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.trim() == "kamsite check --format github")
        })
        .unwrap_or_else(|| panic!("a step runs `kamsite check --format github`: {runs:?}"));
    assert!(annotate.get("if").is_none(), "the check runs on pull requests too");
    let install = runs.iter().find(|r| r.contains("cargo install")).unwrap();
    assert!(install.contains("--git \"$KAMSITE_GIT\""), "{install}");
    assert!(w["env"]["KAMSITE_GIT"].as_str().unwrap().contains("YOUR-ORG"));
    assert!(text.contains("# REPLACE"), "the placeholder says to replace it");
    // Build and upload only on main, after the check.
    let on_main = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'";
    let build = check
        .iter()
        .position(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.starts_with("kamsite build --out public"))
        })
        .unwrap();
    let checked = check.iter().position(|s| std::ptr::eq(s, annotate)).unwrap();
    assert!(checked < build);
    assert_eq!(check[build]["if"], on_main);
    let upload = check
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"], "public");
    assert_eq!(upload["if"], on_main);
    // The deploy job publishes to Pages with the permissions that needs, on main only.
    let deploy = &w["jobs"]["deploy"];
    assert_eq!(deploy["if"], on_main);
    assert_eq!(deploy["needs"], "check");
    assert_eq!(deploy["permissions"]["pages"], "write");
    assert_eq!(deploy["permissions"]["id-token"], "write");
    assert!(steps(&w, "deploy").iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/deploy-pages@"))
    }));
    assert!(text.contains("PUBLIC BY DEFAULT"), "the caveat is in the file");
    // The site still checks clean with the workflow in it.
    let (code, _, stderr) = run_check(&site, "github", None);
    assert_eq!(code, Some(0), "{stderr}");
    // A second init refuses, naming the workflow among the files it would overwrite.
    let o = kamsite().arg("init").arg(&site).output().unwrap();
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(".github/workflows/kamsite.yml"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
