//! `me-usage-bench`: how the usage counters and the metering paths of me-api
//! hold up once an account has a year of history behind it.
//!
//! The counters read rollups written at count time, so their cost grows with
//! the rows in a range, not with the payloads counted; the aims below only
//! mean something against a realistically full database, hence two steps:
//!
//! * `generate` signs up one user with 100 applications over HTTP, then
//!   writes a year of hourly payload counts (100 applications x 4 type/source
//!   pairs, every hour: 3.5 million `payload_hourly` rows), a year of device
//!   creations and deletions and of notebook minutes straight into the store.
//!   Going through the store rather than the metering API keeps generation to
//!   minutes, and payloads still pass `record_payloads`, so the three rollup
//!   tables agree exactly as they would in production.
//! * `run` measures against that history:
//!   - each counter over its longest usual range, sequentially (a dashboard
//!     loading): aim p50 under 20 ms on SQLite;
//!   - metering ingest in 10,000-event batches from a few concurrent senders,
//!     once as real traffic looks (every event in the current hour, so a batch
//!     folds into 400 rows) and once as the worst case (every event its own
//!     application, type, source and hour, so nothing folds): aim at least
//!     200,000 events/s for the realistic case;
//!   - device state posts from 64 concurrent clients, which share one
//!     transaction per group commit: aim at least 5,000 posts/s.
//!
//! Every phase is bounded by time, and only loopback servers and databases
//! are accepted: this tool's job is to saturate what it points at.

mod generate;
mod run;

use anyhow::{bail, ensure, Context, Result};
use clap::{Parser, Subcommand};
use reqwest::{Client, StatusCode, Url};
use serde::de::DeserializeOwned;
use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

/// The password of the generated user, so `run` can log in as it.
pub const PASSWORD: &str = "Bench-Password-1";
/// The (type, source) pairs every application reports: the traffic of a
/// typical MQTT-connected application with one webhook.
pub const PAIRS: [(&str, &str); 4] =
    [("mqttIn", "mqtt"), ("mqttOut", "mqtt"), ("webhook", "hook-1"), ("deviceState", "rest")];

#[derive(Parser)]
#[command(name = "me-usage-bench", version, about = "Usage counters, metering ingest and device state benchmark")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign up a user with applications and write a year of usage history.
    Generate(generate::Args),
    /// Measure the counters, metering ingest and device state posts.
    Run(run::Args),
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Generate(args) => generate::generate(args).await,
        Command::Run(args) => run::run(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("me-usage-bench: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses anything but a loopback server.
pub fn ensure_loopback(url: &Url) -> Result<()> {
    ensure!(matches!(url.scheme(), "http" | "https"), "--url must be http or https, not {}", url.scheme());
    let host = url.host_str().context("--url has no host")?;
    ensure!(is_loopback_host(host), "refusing to load {host}: only 127.0.0.1, localhost or [::1] may be benchmarked");
    Ok(())
}

/// Refuses a PostgreSQL server that is not on this machine (a SQLite file
/// always is): generation writes millions of rows.
pub fn ensure_local_database(url: &str) -> Result<()> {
    if url.starts_with("sqlite:") {
        return Ok(());
    }
    ensure!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "--database must be sqlite:PATH or postgres://..."
    );
    let parsed = Url::parse(url).context("parsing --database")?;
    match parsed.host_str().filter(|h| !h.is_empty()) {
        // No host: a Unix socket, which is local by definition.
        None => Ok(()),
        Some(host) if is_loopback_host(host) => Ok(()),
        Some(host) => bail!("refusing to fill the database on {host}: only a loopback PostgreSQL may be used"),
    }
}

/// One client for everything: no proxy (it would put another process in the
/// measured path, and could carry the load off the machine), Nagle off, and
/// enough idle connections that 64 clients never reconnect.
pub fn http_client() -> Result<Client> {
    Client::builder()
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(128)
        .timeout(Duration::from_secs(60))
        .build()
        .context("building the HTTP client")
}

/// Sends `request`, fails unless it answers `expect`, and parses the reply.
pub async fn expect_json<T: DeserializeOwned>(request: reqwest::RequestBuilder, expect: StatusCode) -> Result<T> {
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await?;
    if status != expect {
        bail!("expected {expect}, got {status}: {}", clip(&text));
    }
    serde_json::from_str(&text).with_context(|| format!("unexpected reply: {}", clip(&text)))
}

/// The start of an error body: enough to see what went wrong, not a megabyte.
pub fn clip(text: &str) -> &str {
    match text.char_indices().nth(300) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// A well-mixed hash of a few numbers (splitmix64), so generated counts vary
/// without a random-number crate and are the same on every run.
pub fn mix(values: &[u64]) -> u64 {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for v in values {
        x ^= v.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_add(x << 6).wrapping_add(x >> 2);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_servers() {
        for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2"] {
            assert!(ensure_loopback(&Url::parse(ok).unwrap()).is_ok(), "{ok}");
        }
        for bad in ["http://example.com", "http://10.0.0.1:8080", "ftp://127.0.0.1"] {
            assert!(ensure_loopback(&Url::parse(bad).unwrap()).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_local_databases() {
        for ok in ["sqlite:/tmp/x/me.db", "postgres://postgres@127.0.0.1:5432/b", "postgres://u@localhost/b"] {
            assert!(ensure_local_database(ok).is_ok(), "{ok}");
        }
        for bad in ["postgres://u@db.example.com/b", "mysql://127.0.0.1/b"] {
            assert!(ensure_local_database(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mix_is_stable_and_spreads() {
        assert_eq!(mix(&[1, 2, 3]), mix(&[1, 2, 3]));
        assert_ne!(mix(&[1, 2, 3]), mix(&[1, 2, 4]));
        assert_ne!(mix(&[1, 2]), mix(&[2, 1]));
    }
}
