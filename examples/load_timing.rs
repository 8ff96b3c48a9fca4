//! Time the load stage alone: read and parse every file of a site.
//!
//! Run it after `echo 3 > /proc/sys/vm/drop_caches` (as root) to read the
//! site from disk, or twice in a row to read it from the page cache; wrap it
//! in `/usr/bin/time -f "%e s, %U s user, %S s system"` for CPU time.
//!
//! cargo run --release --example load_timing -- /tmp/kamsite-bench/site-10000

use std::path::Path;
use std::time::Instant;

// The allocator of the kamsite binary (src/main.rs), so timings match a build's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: load_timing SITE_ROOT");
        std::process::exit(2);
    };
    // As `kamsite build` does (src/main.rs).
    kamsite::allocator::keep_freed_memory();
    let t = Instant::now();
    let (site, diags) = kamsite::load::load(Path::new(&root));
    println!(
        "loaded {} accounts in {:.2} s ({} problems)",
        site.accounts.len(),
        t.elapsed().as_secs_f64(),
        diags.iter().count()
    );
    // Left to the operating system at exit, as the kamsite binary does.
    std::mem::forget((site, diags));
}
