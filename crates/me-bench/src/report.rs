//! The report, as a table or as JSON. Latencies are in milliseconds rounded
//! to 2 decimals in both, so the two forms always agree.

use crate::load::Samples;
use me_bench::stats::summarize;
use serde::Serialize;
use std::fmt;
use std::time::Duration;

/// `GET /me` should keep at least this share of `GET /health` throughput.
pub const TARGET_PCT: f64 = 50.0;

#[derive(Serialize)]
pub struct Report {
    pub url: String,
    pub duration_secs: u64,
    pub concurrency: u32,
    pub phases: [PhaseReport; 3],
    /// The log-ins that ran during phase 3.
    pub logins: LoginReport,
    /// Phase 2 throughput as a percentage of phase 1.
    pub me_vs_health_pct: Option<f64>,
    /// Phase 3 `/me` throughput as a percentage of phase 1.
    pub me_with_logins_vs_health_pct: Option<f64>,
    pub target_pct: f64,
}

#[derive(Serialize)]
pub struct PhaseReport {
    pub name: &'static str,
    pub requests: u64,
    pub errors: u64,
    /// Successful responses per second: errors are often fast, and counting
    /// them would flatter a failing server.
    pub throughput_rps: f64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

#[derive(Serialize)]
pub struct LoginReport {
    pub logins: u64,
    pub errors: u64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

impl PhaseReport {
    pub fn new(name: &'static str, samples: &Samples) -> Self {
        let latency = summarize(&samples.latencies);
        let secs = samples.elapsed.as_secs_f64();
        let throughput = if secs > 0.0 { samples.ok as f64 / secs } else { 0.0 };
        Self {
            name,
            requests: samples.requests(),
            errors: samples.errors,
            throughput_rps: round2(throughput),
            p50_ms: latency.map(|l| ms(l.p50)),
            p99_ms: latency.map(|l| ms(l.p99)),
            max_ms: latency.map(|l| ms(l.max)),
        }
    }
}

impl LoginReport {
    pub fn new(samples: &Samples) -> Self {
        let latency = summarize(&samples.latencies);
        Self {
            logins: samples.requests(),
            errors: samples.errors,
            p50_ms: latency.map(|l| ms(l.p50)),
            p99_ms: latency.map(|l| ms(l.p99)),
            max_ms: latency.map(|l| ms(l.max)),
        }
    }
}

impl Report {
    pub fn new(url: &str, duration_secs: u64, concurrency: u32, phases: [PhaseReport; 3], logins: LoginReport) -> Self {
        let [health, me, mixed] = &phases;
        let pct = |p: &PhaseReport| {
            (health.throughput_rps > 0.0).then(|| round2(100.0 * p.throughput_rps / health.throughput_rps))
        };
        Self {
            url: url.to_owned(),
            duration_secs,
            concurrency,
            me_vs_health_pct: pct(me),
            me_with_logins_vs_health_pct: pct(mixed),
            phases,
            logins,
            target_pct: TARGET_PCT,
        }
    }

    pub fn total_errors(&self) -> u64 {
        self.phases.iter().map(|p| p.errors).sum::<u64>() + self.logins.errors
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "me-bench {}: {} s per phase, {} loops", self.url, self.duration_secs, self.concurrency)?;
        writeln!(
            f,
            "{:<12} {:>10} {:>7} {:>11} {:>9} {:>9} {:>9}",
            "phase", "requests", "errors", "req/s", "p50 ms", "p99 ms", "max ms"
        )?;
        for p in &self.phases {
            writeln!(
                f,
                "{:<12} {:>10} {:>7} {:>11.2} {:>9} {:>9} {:>9}",
                p.name,
                p.requests,
                p.errors,
                p.throughput_rps,
                opt(p.p50_ms),
                opt(p.p99_ms),
                opt(p.max_ms)
            )?;
        }
        let verdict = match self.me_vs_health_pct {
            Some(pct) if pct >= self.target_pct => "met",
            _ => "NOT met",
        };
        writeln!(
            f,
            "me/health throughput = {}% (target >= {}%: {verdict})",
            opt(self.me_vs_health_pct),
            self.target_pct
        )?;
        writeln!(f, "me+logins/health throughput = {}%", opt(self.me_with_logins_vs_health_pct))?;
        let l = &self.logins;
        writeln!(
            f,
            "logins in phase 3: {} ({} errors), p50 {} ms, p99 {} ms, max {} ms",
            l.logins,
            l.errors,
            opt(l.p50_ms),
            opt(l.p99_ms),
            opt(l.max_ms)
        )?;
        if self.total_errors() > 0 {
            writeln!(f, "note: req/s counts successful responses only")?;
        }
        Ok(())
    }
}

fn ms(d: Duration) -> f64 {
    round2(d.as_secs_f64() * 1000.0)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}
