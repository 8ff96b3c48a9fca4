//! Fault injection for the tests of a build killed mid-way (cargo feature
//! `fault-injection`, enabled for the tests only).
//!
//! With the feature, `KAMSITE_FAULT=<step>` ends the process abruptly at
//! that step (no destructor, no clean-up: as `kill -9` would), and
//! `KAMSITE_SWAP=rename` swaps with two renames as on systems without
//! `renameat2`. Without the feature both are compiled out.
//!
//! Steps, in the order a build passes them: `staging-created`,
//! `staging-file` (the first file written), `staging-written` (all files
//! and the marker), `swap-exchanged` (the new output in place, the old one
//! under the staging name), `swap-between` (two renames: the old output
//! moved aside, the new one not yet in place), `old-aside`, `old-removing`
//! (its folders deleted, its files not yet).

/// End the process here if `KAMSITE_FAULT` names `step`.
#[inline]
pub(crate) fn point(step: &str) {
    #[cfg(feature = "fault-injection")]
    if std::env::var_os("KAMSITE_FAULT").is_some_and(|v| v == step) {
        std::process::abort();
    }
    #[cfg(not(feature = "fault-injection"))]
    let _ = step;
}

/// Whether the tests ask for the two-rename swap.
#[inline]
pub(crate) fn two_renames() -> bool {
    #[cfg(feature = "fault-injection")]
    {
        std::env::var_os("KAMSITE_SWAP").is_some_and(|v| v == "rename")
    }
    #[cfg(not(feature = "fault-injection"))]
    {
        false
    }
}
