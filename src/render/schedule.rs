//! In what order the portal is made, and how large its big pages are
//! guessed to be: the order half of the render plan ([`super::cache`] is
//! the memory half).
//!
//! A plain build goes in three steps, each reusing the memory the step
//! before freed instead of asking the system for more:
//! 1. the profiles, releasing each account's note texts once its page is
//!    made (most of a gigabyte at 100,000 accounts) and making its
//!    search-index part while the texts are there;
//! 2. the search index, the data files and the win/loss pages, which do not
//!    use the list rows and drop their per-account parts once written (about
//!    half a gigabyte at 100,000 accounts; peak RSS at 100k 5.5 -> 4.8 GB,
//!    at 10k 580 -> 540 MB when this order came in);
//! 3. the list rows and the site-wide pages, on every core, the longest
//!    first ([`longest_first`]).
//!
//! `serve` keeps the texts, the parts and the contexts between rebuilds: it
//! runs step 2 with the site-wide pages, and its few changed profiles last.
//!
//! **Buffer estimates.** The three list pages (accounts, matrix, tiers) are
//! rendered into a buffer sized ahead from their rows
//! (`Engine::render_sized`): Tera's own buffer starts at the template's
//! size and doubles, so a 50 MB list at 100,000 accounts would copy itself
//! a dozen times (peak RSS at 100k 3.11-3.18 GB -> 3.03 GB, output unchanged).
//!
//! **Pre-rendered rows.** The list pages are the one place templates get
//! HTML instead of values: each account's row of the accounts list, of its
//! matrix quadrant and of its tier's table is rendered once with
//! `rows/account.html`, `rows/matrix.html` and `rows/tier.html` and kept
//! while the account is unchanged (`Cache::row_html`). A list page then joins
//! 10,000 strings instead of running its row markup 10,000 times, and a
//! rename in `serve` renders three rows instead of every list's 10,000
//! (the 10k rename rebuild at 101-174 ms against the 150 ms budget, see
//! bench/RESULTS.md "Incremental rebuilds in serve"). The rows also get
//! the values (`accounts`), so a site's own list template can loop over them.

use crate::diag::{Diagnostic, Diagnostics};
use crate::write::{OutputFile, Sink};

/// A group of site-wide pages or files to make, with the problems found.
pub(super) type Task<'a> = Box<dyn FnOnce() -> Diagnostics + Send + 'a>;

/// Run `tasks` on every core, in the order given (longest expected first):
/// each worker takes the next task as soon as it is free. Large pages are
/// single tasks that cannot be split, so the order decides how evenly the
/// cores are used. Results come back in task order.
pub(super) fn longest_first<'a, T: Send>(tasks: Vec<Box<dyn FnOnce() -> T + Send + 'a>>) -> Vec<T> {
    let count = tasks.len();
    let queue = std::sync::Mutex::new(tasks.into_iter().enumerate());
    let done = std::sync::Mutex::new(Vec::with_capacity(count));
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads().min(count) {
            s.spawn(|_| {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.next());
                    let Some((i, task)) = next else { break };
                    let result = task();
                    if let Ok(mut d) = done.lock() {
                        d.push((i, result));
                    }
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_default();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// The bytes of pre-rendered rows, to size the buffer of the page they go in.
pub(super) fn html_len(rows: &[&tera::Value]) -> usize {
    rows.iter().map(|r| r.as_str().map_or(0, str::len)).sum()
}

/// Room for a list page's own markup around its rows: head, navigation,
/// headings, script (about 10 KB in the default theme).
pub(super) const PAGE_MARKUP: usize = 64 * 1024;

/// Room for one account's link in a list (`<li><a href="..">name</a></li>`).
pub(super) const LINK_MARKUP: usize = 160;

/// Put `files` into `sink`; the problems writing them.
pub(super) fn put_all(sink: &dyn Sink, files: Vec<OutputFile>) -> Diagnostics {
    put_results(files.into_iter().map(|f| sink.put(f)).collect())
}

/// A diagnostic for each write that failed.
pub(super) fn put_results<E: std::fmt::Display>(results: Vec<Result<(), E>>) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for e in results.into_iter().filter_map(Result::err) {
        diags.push(Diagnostic::at_path("write", "output", e.to_string()));
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_run_once_each_and_answer_in_task_order() {
        let ran = std::sync::atomic::AtomicUsize::new(0);
        let tasks: Vec<Box<dyn FnOnce() -> usize + Send + '_>> = (0..9usize)
            .map(|i| {
                let ran = &ran;
                Box::new(move || {
                    ran.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    // Later tasks finish first.
                    std::thread::sleep(std::time::Duration::from_millis(9 - i as u64));
                    i * 10
                }) as Box<dyn FnOnce() -> usize + Send + '_>
            })
            .collect();
        assert_eq!(longest_first(tasks), (0..9).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(ran.load(std::sync::atomic::Ordering::SeqCst), 9);
    }
}
