//! `me-bench`: a load generator for me-api over loopback.
//!
//! It measures how much of the server's raw capacity an authenticated read
//! keeps: `GET /health` (no auth, no database) is the ceiling, and `GET /me`
//! (token check plus a database read) should reach at least 50% of it. A
//! third phase repeats the `GET /me` load while logging in 8 times a second,
//! because password hashing is deliberately expensive and must not stall the
//! requests around it: if it ran on the async workers, `/me` throughput and
//! its p99 would collapse in that phase.
//!
//! Every phase is bounded by time, and only loopback URLs are accepted, so a
//! mistyped URL cannot turn this into a load test of someone else's server.

mod load;
mod report;

use anyhow::{bail, ensure, Context, Result};
use clap::Parser;
use load::{Endpoint, Login};
use report::{LoginReport, PhaseReport, Report};
use reqwest::{Client, StatusCode, Url};
use serde::Deserialize;
use serde_json::json;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Long enough for connections, the allocator and SQLite's page cache to
/// settle, short enough not to matter next to the phases.
const WARM_UP: Duration = Duration::from_secs(1);
/// 8 log-ins a second: far beyond a real login rate for one server, so any
/// stall it causes shows up clearly.
const LOGIN_PERIOD: Duration = Duration::from_millis(125);
const PASSWORD: &str = "Bench-Password-1";

#[derive(Parser)]
#[command(name = "me-bench", version, about = "Load benchmark for me-api over loopback")]
struct Args {
    /// Base URL of a running me-server; must be loopback.
    #[arg(long, env = "ME_BENCH_URL")]
    url: Url,
    /// Seconds per phase.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    duration: u64,
    /// Concurrent request loops (each with its own kept-alive connection).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    concurrency: u32,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Deserialize)]
struct TokenReply {
    token: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(report) if report.total_errors() == 0 => ExitCode::SUCCESS,
        Ok(report) => {
            // The figures are still printed, but a run with failures must not
            // pass for a clean one in a script.
            eprintln!("me-bench: {} requests failed; the figures above are suspect", report.total_errors());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("me-bench: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Progress goes to stderr, so `--json` output on stdout stays machine-readable.
async fn run(args: Args) -> Result<Report> {
    ensure_loopback(&args.url)?;
    let concurrency = usize::try_from(args.concurrency)?;
    let duration = Duration::from_secs(args.duration);
    let client = Client::builder()
        // A proxy would put another process in the measured path, and could
        // carry the load off the machine.
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(concurrency + 16)
        .timeout(Duration::from_secs(30))
        .build()
        .context("building the HTTP client")?;

    let email = format!("bench-{}@example.com", random_suffix());
    let token = sign_up_and_log_in(&client, &args.url, &email).await?;
    let health = Arc::new(Endpoint::new(&args.url, "/health", None)?);
    let me = Arc::new(Endpoint::new(&args.url, "/me", Some(&token))?);
    let login = Arc::new(Login::new(&args.url, &email, PASSWORD)?);
    me.check(&client).await.context("GET /me with a fresh token")?;

    eprintln!("me-bench: warming up ({} s per endpoint)", WARM_UP.as_secs());
    load::hammer(&client, &health, concurrency, WARM_UP).await?;
    load::hammer(&client, &me, concurrency, WARM_UP).await?;
    load::logins(&client, &login, LOGIN_PERIOD, WARM_UP).await?;

    let phase = |what: &str| eprintln!("me-bench: {what} ({} s, {} loops)", args.duration, args.concurrency);
    phase("phase 1: GET /health");
    let p_health = load::hammer(&client, &health, concurrency, duration).await?;
    phase("phase 2: GET /me");
    let p_me = load::hammer(&client, &me, concurrency, duration).await?;
    phase("phase 3: GET /me + 8 log-ins/s");
    let (p_mixed, p_logins) = tokio::try_join!(
        load::hammer(&client, &me, concurrency, duration),
        load::logins(&client, &login, LOGIN_PERIOD, duration),
    )?;

    let report = Report::new(
        args.url.as_str(),
        args.duration,
        args.concurrency,
        [
            PhaseReport::new("health", &p_health),
            PhaseReport::new("me", &p_me),
            PhaseReport::new("me + logins", &p_mixed),
        ],
        LoginReport::new(&p_logins),
    );
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(report)
}

/// Refuses anything but loopback: this tool's whole job is to saturate the
/// server it points at.
fn ensure_loopback(url: &Url) -> Result<()> {
    ensure!(matches!(url.scheme(), "http" | "https"), "--url must be http or https, not {}", url.scheme());
    let host = url.host_str().context("--url has no host")?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    ensure!(loopback, "refusing to load {host}: only 127.0.0.1, localhost or [::1] may be benchmarked");
    Ok(())
}

/// Signs up a fresh user, then logs in as it: both so the log-in path is
/// known to work before it is loaded, and so `/me` uses an ordinary
/// log-in token rather than a sign-up one.
async fn sign_up_and_log_in(client: &Client, base: &Url, email: &str) -> Result<String> {
    let body = json!({
        "email": email,
        "firstName": "Bench",
        "lastName": "User",
        "password": PASSWORD,
        "acceptTerms": "on",
    });
    let url = base.join("/users")?;
    let _: TokenReply = post_json(client, url, &body, StatusCode::CREATED).await.context("signing up (POST /users)")?;
    let url = base.join("/auth/user")?;
    let reply: TokenReply = post_json(client, url, &json!({ "email": email, "password": PASSWORD }), StatusCode::OK)
        .await
        .context("logging in (POST /auth/user)")?;
    Ok(reply.token)
}

async fn post_json<T: for<'de> Deserialize<'de>>(
    client: &Client,
    url: Url,
    body: &serde_json::Value,
    expect: StatusCode,
) -> Result<T> {
    let response = client.post(url).json(body).send().await?;
    let status = response.status();
    let text = response.text().await?;
    if status != expect {
        bail!("expected {expect}, got {status}: {text}");
    }
    serde_json::from_str(&text).with_context(|| format!("unexpected reply: {text}"))
}

/// Unique per run without a random-number crate or the wall clock (which
/// the workspace reserves for its Clock): std seeds each `RandomState` with
/// fresh randomness.
fn random_suffix() -> String {
    let noise = RandomState::new().build_hasher().finish();
    format!("{noise:016x}{:x}", std::process::id())
}
