//! Time reading a site's git history alone (`kamsite::history::read`): the
//! first read of a repository (`--cold` removes what an earlier read kept in
//! `.git/kamsite/`) or a later one (reads what was kept, and the commits
//! since). Wrap it in `/usr/bin/time -f "%e s, %U s user, %S s system"` for
//! CPU time, git's included.
//!
//! cargo run --release --example history_timing -- /dev/shm/h10k [--cold]

use std::path::Path;
use std::time::Instant;

// The allocator of the kamsite binary (src/main.rs), so timings match a build's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: history_timing SITE_ROOT [--cold]");
        std::process::exit(2);
    };
    if args.next().as_deref() == Some("--cold") {
        let _ = std::fs::remove_dir_all(Path::new(&root).join(".git/kamsite"));
    }
    kamsite::allocator::keep_freed_memory();
    let t = Instant::now();
    let read = kamsite::history::read(Path::new(&root), None);
    let entries: usize = read.history.accounts().iter().map(|a| a.entries.len()).sum();
    println!(
        "read the history of {} accounts ({entries} entries) in {:.3} s{}",
        read.history.len(),
        t.elapsed().as_secs_f64(),
        read.off
            .as_ref()
            .map(|o| format!(" ({})", o.note()))
            .unwrap_or_default()
    );
    std::mem::forget(read);
}
