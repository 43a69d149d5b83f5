//! `generate`: one user, its applications, and a year of their usage.
//!
//! The account and applications go through HTTP, so they are exactly what
//! the server would have made; the history goes straight into the store,
//! because a year through the metering API's validation and JSON would take
//! far longer than the run that reads it.

use crate::{ensure_local_database, ensure_loopback, expect_json, http_client, mix, PAIRS, PASSWORD};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use me_core::clock::from_ms;
use me_core::store::{Owner, PayloadCount, UsageStore};
use me_core::{Clock, SystemClock};
use me_store::{Backend, SqlStore};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use serde_json::json;
use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::task::JoinSet;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// Rows per multi-row INSERT: one statement's parsing and round trip shared
/// by many rows, well under either backend's limits on statement size.
const ROWS_PER_INSERT: usize = 500;

#[derive(clap::Args)]
pub struct Args {
    /// Base URL of the running me-server; must be loopback.
    #[arg(long, env = "ME_BENCH_URL")]
    url: Url,
    /// The database that server uses (`sqlite:PATH` or a loopback `postgres://...`).
    #[arg(long, env = "DATABASE_URL")]
    database: String,
    /// Applications to create.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    apps: u32,
    /// Days of history, ending with the current hour.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=1825))]
    days: u32,
    /// Concurrent `record_payloads` transactions [default: 1 on SQLite,
    /// which takes one writer at a time; 4 on PostgreSQL, which overlaps
    /// them].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=32))]
    jobs: Option<u32>,
    /// The user's email [default: a fresh random one].
    #[arg(long)]
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignedUp {
    user_id: String,
    token: String,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

pub async fn generate(args: Args) -> Result<()> {
    ensure_loopback(&args.url)?;
    ensure_local_database(&args.database)?;
    let started = Instant::now();
    let client = http_client()?;
    let email = args.email.clone().unwrap_or_else(|| format!("usage-{}@example.com", random_suffix()));

    eprintln!("generate: signing up {email} and creating {} applications", args.apps);
    let body = json!({
        "email": email, "firstName": "Usage", "lastName": "Bench", "password": PASSWORD, "acceptTerms": "on",
    });
    let user: SignedUp = expect_json(client.post(args.url.join("/users")?).json(&body), StatusCode::CREATED)
        .await
        .context("signing up (POST /users)")?;
    let mut apps = Vec::with_capacity(args.apps as usize);
    for i in 0..args.apps {
        let request = client
            .post(args.url.join("/applications")?)
            .bearer_auth(&user.token)
            .json(&json!({"name": format!("usage-{i:03}")}));
        let app: Created =
            expect_json(request, StatusCode::CREATED).await.context("creating an application (POST /applications)")?;
        apps.push(app.id);
    }
    let http_secs = started.elapsed().as_secs_f64();

    let store = SqlStore::connect(&args.database).await.context("opening the store")?;
    let jobs = args.jobs.unwrap_or(match store.backend_kind() {
        Backend::Sqlite => 1,
        Backend::Postgres => 4,
    });
    let now = SystemClock.now();
    let last_hour = now.timestamp_millis().div_euclid(HOUR_MS) * HOUR_MS;
    let first_hour = last_hour - (i64::from(args.days) * 24 - 1) * HOUR_MS;
    let history = History { owner: Owner::User(user.user_id.clone()), apps: Arc::new(apps), first_hour, last_hour };

    let payload_started = Instant::now();
    let payloads = write_payloads(&store, &history, jobs, now).await?;
    let payload_secs = payload_started.elapsed().as_secs_f64();

    let other_started = Instant::now();
    let devices = write_days(&store, &history, DEVICE_TABLE).await?;
    // The owner-level rollup the counter reads, as the server keeps it.
    let owner_id = quote(history.owner.id());
    store
        .execute_raw(&format!(
            "INSERT INTO device_owner_daily (owner_kind, owner_id, day, created, deleted, moved) \
             SELECT owner_kind, owner_id, day, SUM(created), SUM(deleted), SUM(moved_in - moved_out) FROM device_daily \
             WHERE owner_kind = 'user' AND owner_id = {owner_id} GROUP BY owner_kind, owner_id, day \
             ON CONFLICT (owner_kind, owner_id, day) DO UPDATE SET created = excluded.created, \
               deleted = excluded.deleted, moved = excluded.moved"
        ))
        .await?;
    let notebooks = write_days(&store, &history, NOTEBOOK_TABLE).await?;
    let other_secs = other_started.elapsed().as_secs_f64();
    store.close().await;

    let total_secs = started.elapsed().as_secs_f64();
    println!("me-usage-bench generate");
    println!("  email: {email}");
    println!("  user id: {}", user.user_id);
    println!("  applications: {}", history.apps.len());
    println!(
        "  history: {} days, {} hours ({} to {})",
        args.days,
        (last_hour - first_hour) / HOUR_MS + 1,
        from_ms(first_hour).format("%Y-%m-%dT%H:%MZ"),
        from_ms(last_hour).format("%Y-%m-%dT%H:%MZ")
    );
    println!("  rows written:");
    println!("    payload_hourly        {:>10}", payloads.hourly);
    println!("    payload_owner_hourly  {:>10}", payloads.owner_hourly);
    println!("    payload_owner_daily   {:>10}", payloads.owner_daily);
    println!("    device_daily          {devices:>10}");
    println!("    notebook_daily        {notebooks:>10}");
    println!(
        "  time: {total_secs:.1} s (sign-up and applications {http_secs:.1} s; payloads {payload_secs:.1} s \
         with {jobs} concurrent transaction(s), {:.0} hourly rows/s; devices and notebooks {other_secs:.1} s)",
        payloads.hourly as f64 / payload_secs.max(1e-9)
    );
    Ok(())
}

/// What the history is of, shared by the writer tasks.
#[derive(Clone)]
struct History {
    owner: Owner,
    apps: Arc<Vec<String>>,
    /// The first and last hour written, both hour starts in ms.
    first_hour: i64,
    last_hour: i64,
}

impl History {
    /// The UTC days the history touches, oldest first; the first and last
    /// may be partial.
    fn days(&self) -> Vec<i64> {
        let first = self.first_hour.div_euclid(DAY_MS) * DAY_MS;
        let last = self.last_hour.div_euclid(DAY_MS) * DAY_MS;
        (0..=(last - first) / DAY_MS).map(|i| first + i * DAY_MS).collect()
    }

    /// Every (application, pair) of one day's hours. Counts are small and
    /// vary by hour, like a fleet reporting every few minutes.
    fn payloads_of_day(&self, day: i64) -> Vec<PayloadCount> {
        let hours = (day.max(self.first_hour)..(day + DAY_MS).min(self.last_hour + HOUR_MS)).step_by(HOUR_MS as usize);
        let mut counts = Vec::with_capacity(24 * self.apps.len() * PAIRS.len());
        for hour in hours {
            for (a, app) in self.apps.iter().enumerate() {
                for (p, (kind, source)) in PAIRS.iter().enumerate() {
                    let count = 1 + (mix(&[a as u64, p as u64, hour as u64]) % 60) as i64;
                    counts.push(PayloadCount {
                        owner: self.owner.clone(),
                        application_id: app.clone(),
                        kind: (*kind).into(),
                        source: (*source).into(),
                        billable: true,
                        hour: from_ms(hour),
                        count,
                        bytes: count * (40 + 30 * p as i64),
                    });
                }
            }
        }
        counts
    }
}

#[derive(Default)]
struct PayloadRows {
    hourly: u64,
    owner_hourly: u64,
    owner_daily: u64,
}

/// One `record_payloads` call per UTC day: a day is 9,600 counts with the
/// default 100 applications, large enough that a transaction's fixed cost
/// vanishes, small enough to report progress. Calls for different days touch
/// different rows, so on PostgreSQL they can overlap without waiting on
/// each other's locks.
async fn write_payloads(store: &SqlStore, history: &History, jobs: u32, now: DateTime<Utc>) -> Result<PayloadRows> {
    let days = Arc::new(history.days());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    eprintln!(
        "generate: writing {} days of payloads for {} applications x {} pairs ({jobs} concurrent transaction(s))",
        days.len(),
        history.apps.len(),
        PAIRS.len()
    );
    let mut tasks = JoinSet::new();
    for _ in 0..jobs {
        let (store, history, days, next) = (store.clone(), history.clone(), days.clone(), next.clone());
        tasks.spawn(async move {
            let mut rows = PayloadRows::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&day) = days.get(i) else { break };
                let counts = history.payloads_of_day(day);
                let hours = counts.len() / (history.apps.len() * PAIRS.len());
                store.record_payloads(&counts, None, now, now - Duration::days(7)).await?;
                rows.hourly += counts.len() as u64;
                rows.owner_hourly += (hours * PAIRS.len()) as u64;
                rows.owner_daily += PAIRS.len() as u64;
                if (i + 1) % 30 == 0 {
                    eprintln!(
                        "generate: {} of {} days of payloads, {:.1} s",
                        i + 1,
                        days.len(),
                        started.elapsed().as_secs_f64()
                    );
                }
            }
            anyhow::Ok(rows)
        });
    }
    let mut total = PayloadRows::default();
    while let Some(done) = tasks.join_next().await {
        let rows = done.context("a payload writer panicked")??;
        total.hourly += rows.hourly;
        total.owner_hourly += rows.owner_hourly;
        total.owner_daily += rows.owner_daily;
    }
    Ok(total)
}

/// A per-application, per-day table and how one row of it is generated:
/// values after `owner_kind, owner_id, application_id, day`, or `None` for
/// no row that day.
struct DayTable {
    name: &'static str,
    columns: &'static str,
    /// The `ON CONFLICT` update, for a day the server already counted
    /// something on (it may have, while generation ran).
    merge: &'static str,
    row: fn(app: usize, day_index: usize, day: i64) -> Option<String>,
}

/// Each application gains a device a day and loses one every third day
/// (staggered across applications), so the fleet grows steadily and the
/// running total the counter carries from before its range is large.
const DEVICE_TABLE: DayTable = DayTable {
    name: "device_daily",
    columns: "created, deleted, moved_in, moved_out",
    merge: "created = device_daily.created + excluded.created, deleted = device_daily.deleted + excluded.deleted",
    row: |app, day_index, _| Some(format!("1, {}, 0, 0", i64::from((app + day_index) % 3 == 0))),
};

/// A quarter of the applications run notebooks, a few executions a day.
const NOTEBOOK_TABLE: DayTable = DayTable {
    name: "notebook_daily",
    columns: "minutes, completed, canceled, errored, timeout",
    merge: "minutes = notebook_daily.minutes + excluded.minutes, \
            completed = notebook_daily.completed + excluded.completed, \
            canceled = notebook_daily.canceled + excluded.canceled, \
            errored = notebook_daily.errored + excluded.errored, \
            timeout = notebook_daily.timeout + excluded.timeout",
    row: |app, _, day| {
        if app % 4 != 0 {
            return None;
        }
        let noise = mix(&[app as u64, day as u64]);
        let completed = 1 + noise % 5;
        let minutes = completed * (3 + noise % 20);
        let (canceled, errored, timeout) = (noise % 2, (noise >> 8) % 2, (noise >> 16) % 3 / 2);
        Some(format!("{minutes}, {completed}, {canceled}, {errored}, {timeout}"))
    },
};

/// Writes `table` for every application and day of the history, in
/// multi-row INSERTs; answers the rows written.
async fn write_days(store: &SqlStore, history: &History, table: DayTable) -> Result<u64> {
    let owner_id = quote(history.owner.id());
    let rows: Vec<String> = history
        .days()
        .into_iter()
        .enumerate()
        .flat_map(|(d, day)| history.apps.iter().enumerate().map(move |(a, app)| (d, day, a, app)))
        .filter_map(|(d, day, a, app)| {
            (table.row)(a, d, day).map(|values| format!("('user', {owner_id}, {}, {day}, {values})", quote(app)))
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = format!(
            "INSERT INTO {} (owner_kind, owner_id, application_id, day, {}) VALUES ",
            table.name, table.columns
        );
        sql.push_str(&chunk.join(", "));
        let _ = write!(sql, " ON CONFLICT (owner_kind, owner_id, day, application_id) DO UPDATE SET {}", table.merge);
        store.execute_raw(&sql).await.with_context(|| format!("writing {}", table.name))?;
    }
    Ok(rows.len() as u64)
}

/// An SQL string literal. The values are ids the server made, but a literal
/// is still no place to trust that.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Unique per run without the wall clock (which the workspace reserves for
/// its Clock): std seeds each `RandomState` with fresh randomness.
fn random_suffix() -> String {
    let noise = RandomState::new().build_hasher().finish();
    format!("{noise:016x}{:x}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(days: i64) -> History {
        // 2026-06-15T10:00Z: the last day is partial.
        let last_hour = 1_781_517_600_000;
        History {
            owner: Owner::User("u".into()),
            apps: Arc::new(vec!["a".into(), "b".into()]),
            first_hour: last_hour - (days * 24 - 1) * HOUR_MS,
            last_hour,
        }
    }

    #[test]
    fn every_hour_once() {
        let h = history(3);
        let mut hours: Vec<i64> =
            h.days().into_iter().flat_map(|d| h.payloads_of_day(d)).map(|c| c.hour.timestamp_millis()).collect();
        assert_eq!(hours.len(), 3 * 24 * 2 * PAIRS.len());
        hours.dedup();
        assert_eq!(hours.len(), 3 * 24);
        assert_eq!((hours[0], hours[hours.len() - 1]), (h.first_hour, h.last_hour));
        assert_eq!(h.days().len(), 4, "three days ending mid-day touch four UTC days");
    }

    #[test]
    fn quotes_literals() {
        assert_eq!(quote("it's"), "'it''s'");
    }
}
