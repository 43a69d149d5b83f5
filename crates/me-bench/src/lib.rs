//! What the benchmark binaries share: exact latency percentiles.
//! `me-bench` (src/main.rs) loads the account routes; `me-usage-bench`
//! (src/bin/me-usage-bench) fills a year of usage and measures the counters.

pub mod stats;
