//! The two git processes history needs: one `git log` over the site's
//! `accounts/` folder (every commit, the files it changed, their blob ids),
//! then one `git cat-file --batch` for the account.yaml versions those
//! changes name. The log is read whole (about 150 bytes per changed file);
//! blobs stream through, account by account, to the diffs on every core.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use rayon::prelude::*;

use super::{AccountHistory, Action, Change, Entry, Off, account_path, diff, document};

/// Where the site sits in its repository.
pub(super) struct Repo {
    /// The site folder relative to the repository's top, `/`-terminated;
    /// empty at the top.
    pub prefix: String,
    /// The repository's git folder (where the history cache is kept).
    pub git_dir: std::path::PathBuf,
}

fn git(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(root)
        // Not the user's pager, colours or replace refs: plain, stable output.
        .env("GIT_PAGER", "cat")
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    c
}

/// The repository the site folder is in.
pub(super) fn locate(root: &Path) -> Result<Repo, Off> {
    let out = git(root)
        .args(["rev-parse", "--show-prefix", "--absolute-git-dir"])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Off::NoGit,
            _ => Off::Failed(format!("could not run git ({e})")),
        })?;
    if !out.status.success() {
        return Err(Off::NotInGit);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    // An empty prefix prints an empty line.
    let (prefix, git_dir) = match (lines.next(), lines.next()) {
        (Some(p), Some(d)) => (p.to_string(), d.into()),
        (Some(d), None) => (String::new(), d.into()),
        _ => return Err(Off::NotInGit),
    };
    Ok(Repo { prefix, git_dir })
}

/// Whether `ancestor` is a commit that `HEAD` descends from (so the
/// history up to it still holds, and only the commits after it are new).
pub(super) fn is_ancestor(root: &Path, ancestor: &str) -> bool {
    git(root)
        .args(["merge-base", "--is-ancestor", ancestor, "HEAD"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `git rev-parse HEAD`.
pub(super) fn head(root: &Path) -> Option<String> {
    let out = git(root)
        .args(["rev-parse", "--verify", "-q", "HEAD"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !id.is_empty()).then_some(id)
}

/// A blob id as git prints it (40 or 64 hex digits).
type Oid = String;

/// One file a commit changed under `accounts/`.
struct FileChange {
    status: u8,
    old: Oid,
    new: Oid,
    path: String,
}

/// One commit of the log, with the files it changed.
struct Commit {
    id: String,
    time: i64,
    date: jiff::civil::Date,
    author: String,
    subject: String,
    files: Vec<FileChange>,
}

/// Every account's history, from the log and the blobs it names; with
/// `since`, of the commits after that one only (`since..HEAD`).
pub(super) fn read(root: &Path, since: Option<&str>) -> Result<Vec<AccountHistory>, String> {
    let commits = log(root, since)?;
    // Per account, the (commit, file) pairs that touched it, newest first.
    let mut by_account: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (c, commit) in commits.iter().enumerate() {
        for (f, file) in commit.files.iter().enumerate() {
            if let Some((slug, _)) = account_path(&file.path) {
                by_account.entry(slug).or_default().push((c, f));
            }
        }
    }
    let mut slugs: Vec<&str> = by_account.keys().copied().collect();
    slugs.sort_unstable();
    // The account.yaml versions each account's diffs need, each once.
    let wanted: Vec<Vec<&str>> = slugs
        .iter()
        .map(|slug| {
            let mut oids: Vec<&str> = Vec::new();
            for &(c, f) in &by_account[slug] {
                let file = &commits[c].files[f];
                if file.status == b'M' && file.path.ends_with("/account.yaml") {
                    oids.push(&file.old);
                    oids.push(&file.new);
                }
            }
            oids.sort_unstable();
            oids.dedup();
            oids
        })
        .collect();
    let accounts = with_blobs(root, &wanted, |i, blobs| {
        let slug = slugs[i];
        let entries = by_account[slug]
            .iter()
            .fold(Vec::<Entry>::new(), |mut entries, &(c, f)| {
                let commit = &commits[c];
                let change = &commit.files[f];
                let changes = file_changes(change, blobs);
                match entries.last_mut() {
                    Some(e) if e.commit == short(&commit.id) => e.changes.extend(changes),
                    _ => entries.push(Entry {
                        commit: short(&commit.id),
                        time: commit.time,
                        date: commit.date,
                        author: commit.author.clone(),
                        subject: commit.subject.clone(),
                        changes,
                    }),
                }
                entries
            });
        AccountHistory {
            slug: slug.to_string(),
            entries,
        }
    })?;
    Ok(accounts)
}

fn short(id: &str) -> String {
    id[..id.len().min(10)].to_string()
}

/// What one changed file says, account.yaml's values diffed.
fn file_changes(file: &FileChange, blobs: &HashMap<&str, Vec<u8>>) -> Vec<Change> {
    let Some((_, rest)) = account_path(&file.path) else {
        return Vec::new();
    };
    let action = match file.status {
        b'A' => Action::Added,
        b'D' => Action::Removed,
        _ => Action::Edited,
    };
    if rest == "account.yaml" {
        return match action {
            Action::Added => vec![Change::Field("account added".into())],
            Action::Removed => vec![Change::Field("account.yaml removed".into())],
            Action::Edited => {
                let text = |oid: &str| blobs.get(oid).map(|b| String::from_utf8_lossy(b));
                match (text(&file.old), text(&file.new)) {
                    (Some(old), Some(new)) => diff::account_yaml(&old, &new).into_iter().map(Change::Field).collect(),
                    _ => vec![Change::Field("account.yaml changed".into())],
                }
            }
        };
    }
    let (kind, id) = document(rest);
    vec![Change::Document { kind, action, id }]
}

/// The log of the site's `accounts/` folder, newest first, without merges
/// (a merge brings no change of its own; its branch's commits are listed).
fn log(root: &Path, since: Option<&str>) -> Result<Vec<Commit>, String> {
    let range = since.map(|id| format!("{id}..HEAD"));
    let out = git(root)
        .args(["-c", "core.quotePath=false", "-c", "log.showSignature=false", "log"])
        .args(range.as_slice())
        .args([
            "--no-merges",
            "--no-ext-diff",
            "--no-textconv",
            "--raw",
            "--no-renames",
            "--no-abbrev",
            "-z",
            "--relative",
            "--date=short",
            "--format=%x01%H%x00%at%x00%ad%x00%aN%x00%s%x00",
            "--",
            "accounts",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("could not run git log ({e})"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        // An empty repository has no log yet: nothing to show.
        if err.contains("does not have any commits") {
            return Ok(Vec::new());
        }
        return Err(format!(
            "git log failed ({})",
            err.lines().next().unwrap_or("no message").trim()
        ));
    }
    parse_log(&out.stdout)
}

/// `-z` raw log: per commit `\x01id\0time\0date\0author\0subject\0`, then
/// per file `\n`? `:mode mode old new S\0path\0`.
fn parse_log(bytes: &[u8]) -> Result<Vec<Commit>, String> {
    let bad = || "git log printed what kamsite cannot read".to_string();
    let mut commits = Vec::new();
    let mut fields = bytes.split(|&b| b == 0).peekable();
    while let Some(field) = fields.next() {
        let field = field.strip_prefix(b"\n").unwrap_or(field);
        if field.is_empty() {
            continue;
        }
        if let Some(id) = field.strip_prefix(b"\x01") {
            let mut next = || fields.next().map(readable).ok_or_else(bad);
            let time = next()?.parse::<i64>().map_err(|_| bad())?;
            let date = next()?.parse::<jiff::civil::Date>().map_err(|_| bad())?;
            let author = next()?;
            let subject = next()?;
            commits.push(Commit {
                id: String::from_utf8_lossy(id).into_owned(),
                time,
                date,
                author,
                subject,
                files: Vec::new(),
            });
            continue;
        }
        let Some(raw) = field.strip_prefix(b":") else {
            return Err(bad());
        };
        let raw = String::from_utf8_lossy(raw);
        let mut parts = raw.split(' ');
        let (_, _, old, new, status) = (parts.next(), parts.next(), parts.next(), parts.next(), parts.next());
        let (Some(old), Some(new), Some(status)) = (old, new, status) else {
            return Err(bad());
        };
        let path = fields.next().ok_or_else(bad)?;
        let commit = commits.last_mut().ok_or_else(bad)?;
        commit.files.push(FileChange {
            status: status.as_bytes().first().copied().unwrap_or(b'M'),
            old: old.to_string(),
            new: new.to_string(),
            path: readable(path),
        });
    }
    Ok(commits)
}

/// A name, subject or path as the pages can print it: not UTF-8 read
/// lossily, control characters (git allows them in names, messages and
/// file names; HTML does not) as U+FFFD, tabs and line breaks as spaces.
fn readable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Read the blobs `wanted[i]` of each account `i` in one `git cat-file
/// --batch`, and call `each(i, blobs)` for every account, on every core, as
/// its blobs arrive; the results in account order.
fn with_blobs<T: Send>(
    root: &Path,
    wanted: &[Vec<&str>],
    each: impl Fn(usize, &HashMap<&str, Vec<u8>>) -> T + Sync,
) -> Result<Vec<T>, String> {
    let total: usize = wanted.iter().map(Vec::len).sum();
    if total == 0 {
        let none = HashMap::new();
        return Ok((0..wanted.len()).into_par_iter().map(|i| each(i, &none)).collect());
    }
    let mut child = git(root)
        .args(["cat-file", "--batch", "--buffer"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not run git cat-file ({e})"))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("could not talk to git cat-file".into());
    };
    let result = std::thread::scope(|s| {
        // Ids in on one thread, blobs out on another: neither pipe can fill
        // up while the other waits.
        s.spawn(move || {
            let mut ids = Vec::with_capacity(total * 41);
            for oid in wanted.iter().flatten() {
                ids.extend_from_slice(oid.as_bytes());
                ids.push(b'\n');
            }
            // A failed write shows as a short read below.
            let _ = stdin.write_all(&ids);
        });
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, HashMap<&str, Vec<u8>>)>(256);
        let reader = s.spawn(move || -> Result<(), String> {
            let mut out = BufReader::with_capacity(1 << 20, stdout);
            let mut header = Vec::new();
            for (i, oids) in wanted.iter().enumerate() {
                let mut blobs = HashMap::with_capacity(oids.len());
                for &oid in oids {
                    header.clear();
                    out.read_until(b'\n', &mut header)
                        .map_err(|e| format!("git cat-file: {e}"))?;
                    let line = String::from_utf8_lossy(&header);
                    let mut parts = line.trim_end().split(' ');
                    let size = match (parts.next(), parts.next(), parts.next()) {
                        (Some(_), Some("blob"), Some(size)) => size.parse::<usize>().ok(),
                        _ => None,
                    };
                    let Some(size) = size else {
                        // Missing (a shallow clone): that diff says less.
                        continue;
                    };
                    let mut blob = vec![0; size + 1];
                    out.read_exact(&mut blob).map_err(|e| format!("git cat-file: {e}"))?;
                    blob.pop();
                    blobs.insert(oid, blob);
                }
                if tx.send((i, blobs)).is_err() {
                    break;
                }
            }
            Ok(())
        });
        let mut results: Vec<(usize, T)> = rx
            .into_iter()
            .par_bridge()
            .map(|(i, blobs)| (i, each(i, &blobs)))
            .collect();
        let read = reader
            .join()
            .unwrap_or_else(|_| Err("git cat-file reader failed".into()));
        results.sort_unstable_by_key(|(i, _)| *i);
        read.map(|()| results.into_iter().map(|(_, t)| t).collect::<Vec<T>>())
    });
    let _ = child.wait();
    let results = result?;
    if results.len() != wanted.len() {
        return Err("git cat-file stopped early".into());
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_raw_log_parses_into_commits_and_files() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let text = format!(
            "\x01{b}\x00100\x002026-01-02\x00Ingrid Berg\x00Tier up\x00\n:100644 100644 {a} {b} M\x00accounts/acme/account.yaml\x00\
             :000000 100644 {z} {a} A\x00accounts/acme/notes/2026-01-02-q3.md\x00\
             \x01{a}\x0050\x002026-01-01\x00Lars Dahl\x00Start\x00\n:000000 100644 {z} {a} A\x00accounts/acme/account.yaml\x00"
        );
        let commits = parse_log(text.as_bytes()).unwrap();
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].author, "Ingrid Berg");
        assert_eq!(commits[0].subject, "Tier up");
        assert_eq!(commits[0].time, 100);
        assert_eq!(commits[0].files.len(), 2);
        assert_eq!(commits[0].files[1].status, b'A');
        assert_eq!(commits[0].files[1].path, "accounts/acme/notes/2026-01-02-q3.md");
        assert_eq!(commits[1].files[0].old, z);
        assert!(parse_log(b"garbage").is_err());
    }

    /// git takes control characters and bytes that are not UTF-8 in author
    /// names, subjects and file names; they once reached the profile's HTML
    /// as they were. A subject that looks like a raw line stays a subject.
    #[test]
    fn control_characters_and_bad_bytes_in_the_log_come_out_printable() {
        let (z, a) = ("0".repeat(40), "a".repeat(40));
        let mut text = format!("\x01{a}\x00100\x002026-01-02\x00Eve\x01\x02 Odd\x00:100644 x\tM\x00").into_bytes();
        text.extend_from_slice(format!("\n:000000 100644 {z} {a} A\x00accounts/acme/notes/bad").as_bytes());
        text.extend_from_slice(b"\xff\x1bname.md\x00");
        let commits = parse_log(&text).unwrap();
        assert_eq!(commits.len(), 1);
        assert_eq!(commits[0].author, "Eve\u{fffd}\u{fffd} Odd");
        assert_eq!(commits[0].subject, ":100644 x M");
        assert_eq!(commits[0].files.len(), 1);
        assert_eq!(
            commits[0].files[0].path,
            "accounts/acme/notes/bad\u{fffd}\u{fffd}name.md"
        );
    }
}
