//! `run`: the counters, metering ingest and device state posts against a
//! generated history, each phase bounded by time.

use crate::{clip, ensure_loopback, expect_json, http_client, mix, PAIRS, PASSWORD};
use anyhow::{bail, ensure, Context, Result};
use me_bench::stats::{ms, summarize};
use me_core::{Clock, SystemClock};
use reqwest::{Client, StatusCode, Url};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// The metering API's largest batch, and the size the platform sends under load.
const BATCH: usize = 10_000;
/// How far back the worst-case events reach: inside the API's 400 days with
/// a day to spare, so a slow run cannot drift past the limit.
const WORST_CASE_HOURS: u64 = 399 * 24;

const AIM_COUNTER_P50_MS: f64 = 20.0;
const AIM_INGEST_EVENTS_PER_SEC: f64 = 200_000.0;
const AIM_STATE_POSTS_PER_SEC: f64 = 5_000.0;

#[derive(clap::Args)]
pub struct Args {
    /// Base URL of the running me-server; must be loopback.
    #[arg(long, env = "ME_BENCH_URL")]
    url: Url,
    /// The generated user (`generate` prints it).
    #[arg(long)]
    email: String,
    /// A service token holding `metering.write` (`me-server tokens create --scope metering.write`).
    #[arg(long, env = "ME_SERVICE_TOKEN", hide_env_values = true)]
    service_token: String,
    /// Sequential requests per counter query.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    queries: u32,
    /// Concurrent metering senders.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=32))]
    senders: u32,
    /// Seconds of realistic metering ingest.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    ingest_secs: u64,
    /// Concurrent senders of worst-case batches. Fewer than `--senders`: on
    /// SQLite such a batch holds the write lock for seconds, and a third
    /// sender waiting behind two would outlast the server's 5 s busy timeout
    /// and measure that instead of throughput.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=32))]
    worst_case_senders: u32,
    /// Seconds of worst-case metering ingest.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=300))]
    worst_case_secs: u64,
    /// Concurrent device state clients.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1024))]
    clients: u32,
    /// Seconds of device state posts.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    state_secs: u64,
}

#[derive(Deserialize)]
struct TokenReply {
    token: String,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

#[derive(Deserialize)]
struct AppList {
    items: Vec<Created>,
}

#[derive(Deserialize)]
struct MeteringAck {
    counted: bool,
    events: usize,
}

/// The signed-in user and what every phase needs to reach the server.
struct Session {
    client: Client,
    base: Url,
    token: Arc<str>,
}

impl Session {
    async fn get(&self, path_and_query: &str) -> Result<Value> {
        expect_json(self.client.get(self.base.join(path_and_query)?).bearer_auth(&self.token), StatusCode::OK)
            .await
            .with_context(|| format!("GET {path_and_query}"))
    }

    /// All payloads counted in the hours `[start, end]` touches.
    async fn payloads(&self, start: i64, end: i64) -> Result<i64> {
        let stats = self.get(&format!("/me/payloadCounts?start={start}&end={end}")).await?;
        Ok(numbers(&stats).sum())
    }

    /// Device state posts counted in the hours `[start, end]` touches.
    async fn device_states(&self, start: i64, end: i64) -> Result<i64> {
        let stats = self.get(&format!("/me/payloadCounts?start={start}&end={end}")).await?;
        Ok(stats["deviceState"]["rest"].as_i64().unwrap_or(0))
    }
}

fn now_ms() -> i64 {
    SystemClock.now().timestamp_millis()
}

pub async fn run(args: Args) -> Result<()> {
    ensure_loopback(&args.url)?;
    let client = http_client()?;
    let login = json!({ "email": args.email, "password": PASSWORD });
    let reply: TokenReply = expect_json(client.post(args.url.join("/auth/user")?).json(&login), StatusCode::OK)
        .await
        .context("logging in (POST /auth/user); did `generate` make this user?")?;
    let session = Session { client, base: args.url.clone(), token: reply.token.into() };
    let health: Value = expect_json(session.client.get(args.url.join("/health")?), StatusCode::OK).await?;
    let backend = health["backend"].as_str().unwrap_or("unknown backend").to_owned();
    let apps: AppList = serde_json::from_value(session.get("/applications").await?)?;
    let apps: Arc<Vec<String>> = Arc::new(apps.items.into_iter().map(|a| a.id).take(100).collect());
    ensure!(!apps.is_empty(), "{} has no applications; run `generate` first", args.email);
    let mut problems = Vec::new();

    eprintln!("run: counters, {} sequential requests each", args.queries);
    let counters = counters(&session, args.queries).await?;
    problems.extend(counters.iter().filter_map(|c| c.check.as_ref().err().map(|e| format!("{}: {e}", c.name))));

    let run_id = random_suffix();
    eprintln!("run: metering ingest, current hour ({} s, {} senders)", args.ingest_secs, args.senders);
    let t0 = now_ms();
    let before = session.payloads(t0, t0).await?;
    let realistic =
        ingest(&session, &args, &apps, &run_id, Traffic::CurrentHour, Duration::from_secs(args.ingest_secs)).await?;
    let counted = session.payloads(t0, now_ms()).await? - before;
    if counted != realistic.payloads {
        problems
            .push(format!("metering: {} payloads acknowledged but the counter grew by {counted}", realistic.payloads));
    }

    eprintln!("run: metering ingest, distinct keys ({} s, {} senders)", args.worst_case_secs, args.worst_case_senders);
    let worst =
        ingest(&session, &args, &apps, &run_id, Traffic::DistinctKeys, Duration::from_secs(args.worst_case_secs))
            .await?;

    eprintln!("run: device state ({} s, {} clients)", args.state_secs, args.clients);
    let t1 = now_ms();
    let states_before = session.device_states(t1, t1).await?;
    let states = device_state(&session, &apps[0], args.clients, Duration::from_secs(args.state_secs)).await?;
    let states_counted = session.device_states(t1, now_ms()).await? - states_before;
    if states_counted != states.ok as i64 {
        problems
            .push(format!("device state: {} posts answered 200 but the counter grew by {states_counted}", states.ok));
    }

    for (name, phase) in
        [("metering, current hour", &realistic), ("metering, distinct keys", &worst), ("device state", &states)]
    {
        if phase.errors > 0 {
            problems.push(format!(
                "{name}: {} of {} requests failed; first: {}",
                phase.errors,
                phase.errors + phase.ok,
                phase.first_error.as_deref().unwrap_or("?")
            ));
        }
    }

    let report = Report {
        backend,
        apps: apps.len(),
        counters,
        ingest: [realistic, worst],
        states,
        ingest_counted: counted,
        states_counted,
    };
    report.print(&args);
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("run: PROBLEM: {p}");
        }
        bail!("{} problem(s): the figures above are suspect", problems.len());
    }
    Ok(())
}

/// One counter query's figures.
struct Counter {
    name: &'static str,
    latencies: Vec<Duration>,
    /// What the reply held, or why it is not what a year of history should give.
    check: Result<String, String>,
}

type Check = fn(&Value) -> Result<String, String>;

/// Each counter over its longest usual range, as a dashboard asks for it:
/// one request at a time, so the figure is the query's own latency and not
/// queueing. The first request of each is a warm-up, not counted: it pays
/// for cold pages that a server in use would have cached.
async fn counters(session: &Session, queries: u32) -> Result<Vec<Counter>> {
    let end = now_ms();
    let year = end - 365 * DAY_MS;
    let month = end - 31 * DAY_MS;
    let list: [(&'static str, String, Check); 5] = [
        ("payloadCounts, 365 days", format!("/me/payloadCounts?start={year}&end={end}"), check_stats),
        (
            "payloadCountsBreakdown, 365 days daily",
            format!("/me/payloadCountsBreakdown?start={year}&end={end}"),
            check_series,
        ),
        (
            "payloadCountsBreakdown, 31 days hourly",
            format!("/me/payloadCountsBreakdown?resolution=3600000&start={month}&end={end}"),
            check_series,
        ),
        ("deviceCounts, 365 days", format!("/me/deviceCounts?start={year}&end={end}"), check_devices),
        ("notebookMinuteCounts, 365 days", format!("/me/notebookMinuteCounts?start={year}&end={end}"), check_notebooks),
    ];
    let mut out = Vec::new();
    for (name, path, check) in list {
        let url = session.base.join(&path)?;
        let warm = session.get(&path).await?;
        let mut latencies = Vec::with_capacity(queries as usize);
        for _ in 0..queries {
            let started = Instant::now();
            let response = session.client.get(url.clone()).bearer_auth(&session.token).send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            latencies.push(started.elapsed());
            if status != StatusCode::OK {
                bail!("GET {path} answered {status}: {}", clip(&String::from_utf8_lossy(&body)));
            }
        }
        out.push(Counter { name, latencies, check: check(&warm) });
    }
    Ok(out)
}

/// Every number in a JSON value (the counts of `payloadCounts`).
fn numbers(v: &Value) -> Box<dyn Iterator<Item = i64> + '_> {
    match v {
        Value::Number(n) => Box::new(n.as_i64().into_iter()),
        Value::Object(map) => Box::new(map.values().flat_map(numbers)),
        _ => Box::new(std::iter::empty()),
    }
}

fn counts(v: &Value) -> Result<&Vec<Value>, String> {
    v["counts"].as_array().filter(|c| !c.is_empty()).ok_or_else(|| "no counts".to_owned())
}

fn check_stats(v: &Value) -> Result<String, String> {
    let pairs = v.as_object().map_or(0, |m| m.values().filter_map(Value::as_object).map(|s| s.len()).sum::<usize>());
    let total: i64 = numbers(v).sum();
    if pairs < PAIRS.len() || total == 0 {
        return Err(format!("{pairs} type/source pairs, {total} payloads: expected the generated ones"));
    }
    Ok(format!("{pairs} pairs, {total} payloads"))
}

fn check_series(v: &Value) -> Result<String, String> {
    let c = counts(v)?;
    let non_zero = c.iter().filter(|x| x["value"].as_i64().unwrap_or(0) > 0).count();
    // The range's edges may fall outside the history; everything else is full.
    if non_zero + 2 < c.len() {
        return Err(format!("only {non_zero} of {} buckets counted anything", c.len()));
    }
    Ok(format!("{} buckets, {non_zero} non-zero", c.len()))
}

fn check_devices(v: &Value) -> Result<String, String> {
    let c = counts(v)?;
    let created: i64 = c.iter().filter_map(|x| x["created"].as_i64()).sum();
    let total = c.last().and_then(|x| x["total"].as_i64()).unwrap_or(0);
    if created == 0 || total <= 0 {
        return Err(format!("{created} created, {total} at the end"));
    }
    Ok(format!("{} days, {created} created, {total} at the end", c.len()))
}

fn check_notebooks(v: &Value) -> Result<String, String> {
    let c = counts(v)?;
    let minutes: i64 = c.iter().filter_map(|x| x["minutes"].as_i64()).sum();
    if minutes == 0 {
        return Err("no notebook minutes".into());
    }
    Ok(format!("{} days, {minutes} minutes", c.len()))
}

/// What one request of a load phase came to.
struct Outcome {
    latency: Duration,
    /// Events or posts it carried, and the payloads they count.
    result: Result<(u64, i64), String>,
}

type Request = Arc<dyn Fn(usize, u64) -> Pin<Box<dyn Future<Output = Outcome> + Send>> + Send + Sync>;

/// A load phase's figures.
#[derive(Default)]
struct Phase {
    label: String,
    loops: usize,
    ok: u64,
    errors: u64,
    first_error: Option<String>,
    /// Events (metering) or posts (device state) accepted.
    units: u64,
    /// Payloads those count.
    payloads: i64,
    latencies: Vec<Duration>,
    elapsed: Duration,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.units as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// `loops` request loops until `duration` is over. A request in flight at
/// the deadline finishes and counts, and the elapsed time runs until the last
/// one has: cutting them off would flatter the rate.
async fn hammer(label: String, loops: usize, duration: Duration, request: Request) -> Result<Phase> {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = JoinSet::new();
    for l in 0..loops {
        let request = request.clone();
        tasks.spawn(async move {
            let mut phase = Phase::default();
            let mut seq = 0;
            while Instant::now() < deadline {
                let outcome = request(l, seq).await;
                seq += 1;
                phase.latencies.push(outcome.latency);
                match outcome.result {
                    Ok((units, payloads)) => {
                        phase.ok += 1;
                        phase.units += units;
                        phase.payloads += payloads;
                    }
                    Err(e) => {
                        phase.errors += 1;
                        phase.first_error.get_or_insert(e);
                    }
                }
            }
            phase
        });
    }
    let mut total = Phase { label, loops, ..Phase::default() };
    while let Some(done) = tasks.join_next().await {
        let p = done.context("a load loop panicked")?;
        total.ok += p.ok;
        total.errors += p.errors;
        total.units += p.units;
        total.payloads += p.payloads;
        total.latencies.extend(p.latencies);
        if total.first_error.is_none() {
            total.first_error = p.first_error;
        }
    }
    total.elapsed = started.elapsed();
    Ok(total)
}

#[derive(Clone, Copy, PartialEq)]
enum Traffic {
    /// Every event in the current hour over the applications' usual pairs:
    /// what a busy platform sends, folding into 400 rows per batch.
    CurrentHour,
    /// Every event its own (application, type, source, hour), hours spread
    /// over the last 399 days, so each batch upserts 10,000 rows per table.
    DistinctKeys,
}

async fn ingest(
    session: &Session,
    args: &Args,
    apps: &Arc<Vec<String>>,
    run_id: &str,
    traffic: Traffic,
    duration: Duration,
) -> Result<Phase> {
    let url = session.base.join("/metering/payloads")?;
    let (client, token) = (session.client.clone(), Arc::<str>::from(args.service_token.as_str()));
    let (apps, run_id) = (apps.clone(), Arc::<str>::from(run_id));
    let senders = match traffic {
        Traffic::CurrentHour => args.senders,
        Traffic::DistinctKeys => args.worst_case_senders,
    } as usize;
    // Built before the clock starts, so the current-hour phase measures the
    // server and not this process writing JSON; the distinct-keys phase has
    // to build each batch, but that is a few ms against a batch's upserts.
    let prebuilt: Arc<Vec<(String, i64)>> = Arc::new(if traffic == Traffic::CurrentHour {
        let t = now_ms();
        (0..senders).map(|s| current_hour_events(&apps, s, t)).collect()
    } else {
        Vec::new()
    });
    let next_batch = Arc::new(AtomicU64::new(0));
    let phase = match traffic {
        Traffic::CurrentHour => "hour",
        Traffic::DistinctKeys => "keys",
    };
    let request: Request = Arc::new(move |sender, seq| {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        let (apps, prebuilt, next_batch, run_id) = (apps.clone(), prebuilt.clone(), next_batch.clone(), run_id.clone());
        Box::pin(async move {
            let (events, payloads) = match prebuilt.get(sender) {
                Some((events, payloads)) => (events.clone(), *payloads),
                None => distinct_key_events(&apps, next_batch.fetch_add(1, Ordering::Relaxed), now_ms()),
            };
            // A fresh key per batch, as a real sender's retries would carry:
            // the server claims each one, and that is part of the cost.
            let body =
                format!(r#"{{"idempotencyKey":"usage-bench-{run_id}-{phase}-{sender}-{seq}","events":{events}}}"#);
            let started = Instant::now();
            let result = send_batch(&client, &url, &token, body).await;
            Outcome { latency: started.elapsed(), result: result.map(|n| (n, payloads)) }
        })
    });
    let label = match traffic {
        Traffic::CurrentHour => "current hour (400 keys/batch)",
        Traffic::DistinctKeys => "distinct keys (worst case)",
    };
    hammer(label.into(), senders, duration, request).await
}

async fn send_batch(client: &Client, url: &Url, token: &str, body: String) -> Result<u64, String> {
    let response = client
        .post(url.clone())
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if status != StatusCode::OK {
        return Err(format!("{status}: {}", clip(&text)));
    }
    let ack: MeteringAck = serde_json::from_str(&text).map_err(|e| format!("{e}: {}", clip(&text)))?;
    if !ack.counted || ack.events != BATCH {
        return Err(format!("batch not counted in full: {}", clip(&text)));
    }
    Ok(ack.events as u64)
}

fn push_event(out: &mut String, app: &str, pair: usize, count: i64, time: i64) {
    let (kind, source) = PAIRS[pair % PAIRS.len()];
    let bytes = count * 100;
    let _ = write!(
        out,
        r#"{{"applicationId":"{app}","type":"{kind}","source":"{source}","count":{count},"bytes":{bytes},"time":{time}}}"#
    );
}

/// A batch of the current hour, spread evenly over every application and
/// pair; answers the JSON array and the payloads it counts.
fn current_hour_events(apps: &[String], sender: usize, time: i64) -> (String, i64) {
    let mut out = String::with_capacity(BATCH * 150);
    let mut payloads = 0;
    out.push('[');
    for i in 0..BATCH {
        if i > 0 {
            out.push(',');
        }
        let combo = i % (apps.len() * PAIRS.len());
        let count = 1 + (mix(&[sender as u64, i as u64]) % 10) as i64;
        payloads += count;
        push_event(&mut out, &apps[combo % apps.len()], combo / apps.len(), count, time);
    }
    out.push(']');
    (out, payloads)
}

/// Batch `batch` of the worst case: event k of the run goes to hour
/// `k % WORST_CASE_HOURS` back, and to the application and pair of
/// `k / WORST_CASE_HOURS`, so no two events of a batch share a row, nor
/// (hours running fastest) an owner-level hourly row.
fn distinct_key_events(apps: &[String], batch: u64, now: i64) -> (String, i64) {
    let mut out = String::with_capacity(BATCH * 150);
    out.push('[');
    for i in 0..BATCH as u64 {
        if i > 0 {
            out.push(',');
        }
        let k = batch * BATCH as u64 + i;
        let rest = k / WORST_CASE_HOURS;
        let app = (rest % apps.len() as u64) as usize;
        let pair = (rest / apps.len() as u64) as usize;
        push_event(&mut out, &apps[app], pair, 1, now - (k % WORST_CASE_HOURS) as i64 * HOUR_MS);
    }
    out.push(']');
    (out, BATCH as i64)
}

/// One device, many clients each posting one state at a time: the shape of
/// a fleet's REST gateway, where every post waits for its count to commit.
async fn device_state(session: &Session, app: &str, clients: u32, duration: Duration) -> Result<Phase> {
    let request = session
        .client
        .post(session.base.join(&format!("/applications/{app}/devices"))?)
        .bearer_auth(&session.token)
        .json(&json!({"name": "usage-bench"}));
    let device: Created = expect_json(request, StatusCode::CREATED).await.context("creating a device")?;
    let url = session.base.join(&format!("/applications/{app}/devices/{}/state", device.id))?;
    let (client, token) = (session.client.clone(), session.token.clone());
    let request: Request = Arc::new(move |_, _| {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        Box::pin(async move {
            let started = Instant::now();
            let result = async {
                let response = client
                    .post(url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(r#"{"data":{"temp":21.5}}"#)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                let text = response.text().await.map_err(|e| e.to_string())?;
                if status != StatusCode::OK {
                    return Err(format!("{status}: {}", clip(&text)));
                }
                Ok((1, 1))
            }
            .await;
            Outcome { latency: started.elapsed(), result }
        })
    });
    hammer("single-object states".into(), clients as usize, duration, request).await
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

/// Everything `run` measured.
struct Report {
    backend: String,
    apps: usize,
    counters: Vec<Counter>,
    ingest: [Phase; 2],
    states: Phase,
    /// What the counters say the phases added, against what was acknowledged.
    ingest_counted: i64,
    states_counted: i64,
}

impl Report {
    fn print(&self, args: &Args) {
        let Report { backend, apps, counters, ingest, states, ingest_counted, states_counted } = self;
        println!("me-usage-bench run against {} ({backend}; {}, {apps} applications)", args.url, args.email);
        println!();
        let few = if args.queries < 100 { "; under 100 requests, p99 is the slowest" } else { "" };
        let aim = format!("aim: p50 < {AIM_COUNTER_P50_MS:.0} ms on SQLite");
        println!("counters: {} sequential requests each after one warm-up ({aim}){few}", args.queries);
        println!("  {:<40} {:>9} {:>9} {:>9}  {:<6}  reply", "query", "p50 ms", "p99 ms", "max ms", "aim");
        for c in counters {
            let Some(l) = summarize(&c.latencies) else { continue };
            let check = match &c.check {
                Ok(s) => s.clone(),
                Err(e) => format!("WRONG: {e}"),
            };
            let met = l.p50.as_secs_f64() * 1000.0 < AIM_COUNTER_P50_MS;
            println!(
                "  {:<40} {:>9} {:>9} {:>9}  {:<6}  {check}",
                c.name,
                ms(l.p50),
                ms(l.p99),
                ms(l.max),
                verdict(met)
            );
        }
        println!();
        println!(
            "metering ingest: POST /metering/payloads, {BATCH}-event batches (aim: current hour >= {:.0} events/s)",
            AIM_INGEST_EVENTS_PER_SEC
        );
        println!(
            "  {:<30} {:>7} {:>7} {:>9} {:>7} {:>12} {:>9} {:>9} {:>7}  aim",
            "traffic", "senders", "batches", "events", "secs", "events/s", "p50 ms", "p99 ms", "errors"
        );
        for (i, p) in ingest.iter().enumerate() {
            let l = summarize(&p.latencies);
            let aim = if i == 0 { verdict(p.rate() >= AIM_INGEST_EVENTS_PER_SEC) } else { "-" };
            println!(
                "  {:<30} {:>7} {:>7} {:>9} {:>7.2} {:>12.0} {:>9} {:>9} {:>7}  {aim}",
                p.label,
                p.loops,
                p.ok,
                p.units,
                p.elapsed.as_secs_f64(),
                p.rate(),
                l.map_or("-".into(), |l| ms(l.p50)),
                l.map_or("-".into(), |l| ms(l.p99)),
                p.errors
            );
        }
        println!(
            "  current-hour payloads acknowledged {}, counted by payloadCounts {ingest_counted}",
            ingest[0].payloads
        );
        println!();
        let path = "/applications/{app}/devices/{device}/state";
        println!(
            "device state: POST {path}, {} clients, one object each (aim: >= {AIM_STATE_POSTS_PER_SEC:.0} posts/s)",
            states.loops
        );
        let l = summarize(&states.latencies);
        println!(
            "  {} posts in {:.2} s: {:.0} posts/s, p50 {} ms, p99 {} ms, max {} ms, {} errors: {}",
            states.ok,
            states.elapsed.as_secs_f64(),
            states.rate(),
            l.map_or("-".into(), |l| ms(l.p50)),
            l.map_or("-".into(), |l| ms(l.p99)),
            l.map_or("-".into(), |l| ms(l.max)),
            states.errors,
            verdict(states.rate() >= AIM_STATE_POSTS_PER_SEC)
        );
        println!("  posts answered 200 {}, counted by payloadCounts {states_counted}", states.ok);
    }
}

/// Unique per run without the wall clock: std seeds each `RandomState` with
/// fresh randomness.
fn random_suffix() -> String {
    format!("{:016x}", RandomState::new().build_hasher().finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn apps() -> Vec<String> {
        (0..100).map(|i| format!("app{i}")).collect()
    }

    fn keys(events: &str) -> Vec<(String, String, String, i64)> {
        let v: Value = serde_json::from_str(events).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap().to_owned();
                (s("applicationId"), s("type"), s("source"), e["time"].as_i64().unwrap().div_euclid(HOUR_MS))
            })
            .collect()
    }

    #[test]
    fn current_hour_batches_fold_into_400_rows() {
        let (events, payloads) = current_hour_events(&apps(), 0, 1_781_517_600_000);
        let keys = keys(&events);
        assert_eq!(keys.len(), BATCH);
        assert_eq!(keys.iter().collect::<HashSet<_>>().len(), 400);
        let v: Value = serde_json::from_str(&events).unwrap();
        assert_eq!(payloads, v.as_array().unwrap().iter().map(|e| e["count"].as_i64().unwrap()).sum::<i64>());
    }

    #[test]
    fn worst_case_batches_share_no_row() {
        let now = 1_781_517_600_000;
        for batch in [0, 1, 37] {
            let (events, _) = distinct_key_events(&apps(), batch, now);
            let keys = keys(&events);
            assert_eq!(keys.iter().collect::<HashSet<_>>().len(), BATCH);
            let owner_hours: HashSet<_> = keys.iter().map(|(_, t, s, h)| (t, s, h)).collect();
            assert!(owner_hours.len() > BATCH * 9 / 10, "{}", owner_hours.len());
            assert!(keys.iter().all(|k| k.3 * HOUR_MS > now - 400 * DAY_MS && k.3 * HOUR_MS <= now));
        }
    }
}
