//! The one allocator setting kamsite's programs share. The binary and the
//! timing examples use mimalloc as their global allocator; this sets how it
//! treats memory they free.

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_e` (its default is 1000 ms).
const MI_PURGE_DELAY: std::ffi::c_int = 15;

/// Keep freed memory for the process's own later use instead of handing it
/// back to the OS.
///
/// By default mimalloc hands freed memory back to the OS after a second, and
/// the next use faults it in again, zeroed, 2 MiB at a time where the kernel
/// backs the heap with huge pages. On a VM whose host has taken those pages
/// back, each such fault costs milliseconds.
/// - `build` is one process that ends when it is done: at 100k accounts the
///   zeroing was a tenth of its CPU time.
/// - `serve` rebuilds after each save, seconds or minutes apart: each rebuild
///   at 10k accounts would fault in the tens of megabytes the aggregate
///   pages and the search index take again. Serve keeps the site loaded
///   anyway; on top of it, its resident memory stays at the most its
///   builds have used at once.
///
/// Only meaningful in a program whose global allocator is mimalloc.
pub fn keep_freed_memory() {
    // SAFETY: sets a plain integer option of the allocator; any value is valid.
    unsafe { libmimalloc_sys::mi_option_set(MI_PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    /// The option number is mimalloc's purge delay, whose default (options.c) is 1000 ms.
    #[test]
    fn purge_delay_option_number() {
        // SAFETY: reads an integer option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
