//! Wall time and resident memory per pipeline stage, for `KAMSITE_TIMINGS=1`
//! and benchmarks.

/// Wall time per pipeline stage, for `KAMSITE_TIMINGS=1` and benchmarks.
#[derive(Debug)]
pub(super) struct Timings {
    last: std::time::Instant,
    pub(super) laps: Vec<(&'static str, std::time::Duration, u64)>,
}

/// Resident memory of this process in bytes, where the OS tells (Linux).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map(|pages| pages * 4096)
        .unwrap_or(0)
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }
}

impl Timings {
    pub(super) fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.last, resident_bytes()));
        self.last = now;
    }
}
