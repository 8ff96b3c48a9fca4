#![cfg(unix)]
//! A build killed at each step of writing its output, and at random
//! moments: the output folder holds the previous site or the new one,
//! whole, and the next build leaves nothing of the killed one behind.
//!
//! The steps are reached through the `fault-injection` feature (enabled for
//! the tests): `KAMSITE_FAULT=<step>` ends the build abruptly there, as
//! `kill -9` would, and `KAMSITE_SWAP=rename` swaps with two renames as
//! systems without `renameat2` do.

mod common;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};

use common::{copy_dir, fixture, kamsite, tree};

type Tree = BTreeMap<String, Vec<u8>>;

/// What lies beside the output in `dir`, but the site and the references.
fn beside(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !["site", "one", "two", "public"].contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

fn build(site: &Path, out: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = kamsite();
    cmd.args(["build", "--root"]).arg(site).arg("--out").arg(out);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

const ACCOUNT: &str = "accounts/acme/account.yaml";

/// A small site in two versions (one account's name differs), both built
/// once into `one/` and `two/` for reference.
struct Versions {
    dir: tempfile::TempDir,
    yaml: String,
    one: Tree,
    two: Tree,
}

impl Versions {
    fn new() -> Versions {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture("theme-override"), &dir.path().join("site"));
        let yaml = std::fs::read_to_string(dir.path().join("site").join(ACCOUNT)).unwrap();
        assert!(yaml.contains("name: Acme Industrial AS\n"));
        let v = Versions {
            dir,
            yaml,
            one: Tree::new(),
            two: Tree::new(),
        };
        v.set(1);
        assert!(build(&v.site(), &v.path("one"), &[]).status.success());
        v.set(2);
        assert!(build(&v.site(), &v.path("two"), &[]).status.success());
        let (one, two) = (tree(&v.path("one")), tree(&v.path("two")));
        assert!(one != two);
        Versions { one, two, ..v }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn site(&self) -> PathBuf {
        self.path("site")
    }

    /// Version 1 or 2 of the site, or 0: one that does not validate.
    fn set(&self, version: u8) {
        let text = match version {
            1 => self.yaml.clone(),
            2 => self
                .yaml
                .replace("name: Acme Industrial AS\n", "name: Acme Industrial ASA\n"),
            _ => format!("{}tier: nonsense\n", self.yaml),
        };
        std::fs::write(self.site().join(ACCOUNT), text).unwrap();
    }

    /// Which version `out` holds, whole: 1, 2, or 0 (missing or neither).
    fn holds(&self, out: &Path) -> u8 {
        if !out.exists() {
            return 0;
        }
        let t = tree(out);
        if t == self.one {
            1
        } else if t == self.two {
            2
        } else {
            0
        }
    }
}

/// Each step, with and without the two-rename swap, and what the output
/// holds right after the kill (0: missing).
const STEPS: &[(&str, bool, u8)] = &[
    ("staging-created", false, 1),
    ("staging-file", false, 1),
    ("staging-written", false, 1),
    ("swap-exchanged", false, 2),
    ("old-aside", false, 2),
    ("old-removing", false, 2),
    ("staging-written", true, 1),
    ("swap-between", true, 0),
    ("old-aside", true, 2),
    ("old-removing", true, 2),
];

#[test]
fn a_build_killed_at_each_step_leaves_a_whole_site_and_the_next_build_cleans_up() {
    let v = Versions::new();
    let out = v.path("public");
    for &(step, renames, right_after) in STEPS {
        let _ = std::fs::remove_dir_all(&out);
        v.set(1);
        assert!(build(&v.site(), &out, &[]).status.success());
        assert_eq!(v.holds(&out), 1);

        v.set(2);
        let mut env = vec![("KAMSITE_FAULT", step)];
        if renames {
            env.push(("KAMSITE_SWAP", "rename"));
        }
        let killed = build(&v.site(), &out, &env);
        let what = format!("{step} (two renames: {renames})");
        assert_eq!(
            killed.status.signal(),
            Some(libc_sigabrt()),
            "{what}: the build ends at the step\n{}",
            String::from_utf8_lossy(&killed.stderr)
        );
        assert_eq!(v.holds(&out), right_after, "{what}: right after the kill");
        assert!(
            !beside(v.dir.path()).is_empty(),
            "{what}: the kill left something to clean"
        );

        // A build that fails validation still puts things right first.
        v.set(0);
        let failed = build(&v.site(), &out, &[]);
        let stderr = String::from_utf8_lossy(&failed.stderr);
        assert_eq!(failed.status.code(), Some(1), "{what}: {stderr}");
        let expected = if right_after == 0 { 1 } else { right_after };
        assert_eq!(v.holds(&out), expected, "{what}: after the next build\n{stderr}");
        assert_eq!(
            beside(v.dir.path()),
            Vec::<String>::new(),
            "{what}: left over\n{stderr}"
        );
        assert!(
            stderr.contains("note: removed") || stderr.contains("note: restored"),
            "{what}: {stderr}"
        );
        if right_after == 0 {
            assert!(stderr.contains("note: restored"), "{what}: {stderr}");
        }

        v.set(2);
        let good = build(&v.site(), &out, &[]);
        assert!(
            good.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&good.stderr)
        );
        assert_eq!(v.holds(&out), 2, "{what}: the good build after");
        assert_eq!(beside(v.dir.path()), Vec::<String>::new(), "{what}: left over");
    }
}

/// SIGABRT, which `std::process::abort` ends the process with.
fn libc_sigabrt() -> i32 {
    6
}

/// splitmix64, for a fixed sequence of kill moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[test]
fn kill_9_at_random_moments_leaves_a_whole_old_or_new_site() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    gen_corpus::generate(&gen_corpus::Args {
        accounts: 200,
        notes: 1,
        seed: 11,
        out: site.clone(),
        hugo: None,
        zola: None,
        history_commits: 0,
        history_batch: 1,
    })
    .unwrap();
    let config = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let set = |version: u8| {
        let title = format!("title: Benchmark portfolio {version}\n");
        std::fs::write(
            site.join("site.yaml"),
            config.replace("title: Benchmark portfolio\n", &title),
        )
        .unwrap();
    };
    // Both versions, for reference.
    let mut refs = Vec::new();
    for (version, name) in [(1, "one"), (2, "two")] {
        set(version);
        let o = build(&site, &t.path().join(name), &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        refs.push(tree(&t.path().join(name)));
    }
    assert!(refs[0] != refs[1]);
    // Version 1 in the output, then replaced by version 2: how long a build
    // that replaces an output takes here, to spread the kills over it
    // (nothing is asserted about the time).
    let out = t.path().join("public");
    set(1);
    assert!(build(&site, &out, &[]).status.success());
    set(2);
    let started = std::time::Instant::now();
    assert!(build(&site, &out, &[]).status.success());
    let span = started.elapsed().as_millis() as u64 * 13 / 10 + 1;
    let mut holds = 1;
    let mut rng = Rng(0x6b616d);
    let (mut interrupted, mut replaced) = (0, 0);
    for round in 0..30 {
        // The other version each time: a build that ends changes the output.
        set(if holds == 1 { 1 } else { 2 });
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kamsite"))
            .args(["build", "--root"])
            .arg(&site)
            .arg("--out")
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(rng.next() % span));
        let _ = child.kill();
        let status = child.wait().unwrap();
        interrupted += usize::from(status.signal() == Some(9));
        let now = tree(&out);
        let whole = refs.iter().position(|r| *r == now);
        let Some(whole) = whole else {
            panic!("round {round}: the output is neither whole site ({} files)", now.len());
        };
        replaced += usize::from(whole != holds);
        holds = whole;
    }
    // A good build after the last kill cleans up whatever it left.
    set(2);
    let o = build(&site, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(tree(&out) == refs[1]);
    assert_eq!(beside(t.path()), Vec::<String>::new());
    // How the kills fell, for the log.
    eprintln!("{interrupted} of 30 builds killed before they ended; {replaced} replaced the output");
}
