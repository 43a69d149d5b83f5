//! Latency percentiles, exact: a run keeps every sample (a few million at
//! most), which is cheaper than being wrong about the tail.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Latency {
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

/// `None` when there is nothing to summarise, so an empty phase reads as
/// "no data" rather than as zero latency.
pub fn summarize(samples: &[Duration]) -> Option<Latency> {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    Some(Latency { p50: rank(&sorted, 0.50)?, p99: rank(&sorted, 0.99)?, max: *sorted.last()? })
}

/// Nearest-rank percentile: always a latency that was actually observed.
fn rank(sorted: &[Duration], p: f64) -> Option<Duration> {
    let n = sorted.len();
    // Rounding up makes p99 of 100 samples the 99th, not the 100th.
    let rank = (p * n as f64).ceil() as usize;
    sorted.get(rank.clamp(1, n.max(1)) - 1).copied()
}

/// Milliseconds with two decimals, the unit every figure is reported in.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn empty_has_no_summary() {
        assert_eq!(summarize(&[]), None);
    }

    #[test]
    fn nearest_rank() {
        let samples: Vec<Duration> = (1..=100).rev().map(ms).collect();
        let s = summarize(&samples).unwrap();
        assert_eq!((s.p50, s.p99, s.max), (ms(50), ms(99), ms(100)));
    }

    #[test]
    fn two_decimals() {
        assert_eq!(super::ms(Duration::from_micros(12_346)), "12.35");
    }

    #[test]
    fn single_sample() {
        let s = summarize(&[ms(7)]).unwrap();
        assert_eq!((s.p50, s.p99, s.max), (ms(7), ms(7), ms(7)));
    }
}
