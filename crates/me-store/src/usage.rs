//! Usage rollups: written at count time, read by the four counters.

use crate::connect::SqlStore;
use crate::rows::{ms, other, time};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use me_core::store::{DeviceDay, NotebookCount, Owner, PayloadCount, StoreResult, Tally, UsageStore};
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap};

const DAY_MS: i64 = 86_400_000;

/// Which device column an event adds to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DeviceColumn {
    Created,
    Deleted,
    MovedIn,
}

impl DeviceColumn {
    fn name(self) -> &'static str {
        match self {
            DeviceColumn::Created => "created",
            DeviceColumn::Deleted => "deleted",
            DeviceColumn::MovedIn => "moved_in",
        }
    }
}

/// Adds `devices` (an SQL expression over the application row `a`, e.g. `1`
/// or a count of its devices) to the day of `at`, for the applications that
/// `app_filter` selects (`a.id = $1`), under their current owners.
pub(crate) async fn record_devices(
    tx: &mut Transaction<'_, Any>,
    column: DeviceColumn,
    devices: &str,
    app_filter: &str,
    bind: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let col = column.name();
    let day = ms(at).div_euclid(DAY_MS) * DAY_MS;
    let sql = format!(
        "INSERT INTO device_daily (owner_kind, owner_id, application_id, day, {col}) \
         SELECT a.owner_kind, a.owner_id, a.id, {day}, {devices} FROM applications a WHERE {app_filter} \
         ON CONFLICT (owner_kind, owner_id, day, application_id) DO UPDATE SET {col} = device_daily.{col} + excluded.{col}"
    );
    sqlx::query(&sql).bind(bind).execute(&mut **tx).await.map_err(other)?;
    // The owner-level row the counter reads; moves count as `moved`.
    let owner_col = match column {
        DeviceColumn::Created => "created",
        DeviceColumn::Deleted => "deleted",
        DeviceColumn::MovedIn => "moved",
    };
    let sql = format!(
        "INSERT INTO device_owner_daily (owner_kind, owner_id, day, {owner_col}) \
         SELECT a.owner_kind, a.owner_id, {day}, SUM({devices}) FROM applications a WHERE {app_filter} \
         GROUP BY a.owner_kind, a.owner_id \
         ON CONFLICT (owner_kind, owner_id, day) DO UPDATE SET {owner_col} = device_owner_daily.{owner_col} + excluded.{owner_col}"
    );
    sqlx::query(&sql).bind(bind).execute(&mut **tx).await.map_err(other)?;
    Ok(())
}

/// Takes application `app_id`'s devices off `from`'s total on the day of `at`
/// (a transfer; the application already belongs to its new owner).
pub(crate) async fn record_devices_moved_out(
    tx: &mut Transaction<'_, Any>,
    from: &Owner,
    app_id: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let day = ms(at).div_euclid(DAY_MS) * DAY_MS;
    let sql = format!(
        "INSERT INTO device_daily (owner_kind, owner_id, application_id, day, moved_out) \
         SELECT $1, $2, a.id, {day}, {DEVICES_OF_APP} FROM applications a \
         WHERE a.id = $3 AND EXISTS (SELECT 1 FROM devices d WHERE d.application_id = a.id) \
         ON CONFLICT (owner_kind, owner_id, day, application_id) DO UPDATE SET moved_out = device_daily.moved_out + excluded.moved_out"
    );
    sqlx::query(&sql).bind(from.kind()).bind(from.id()).bind(app_id).execute(&mut **tx).await.map_err(other)?;
    let sql = format!(
        "INSERT INTO device_owner_daily (owner_kind, owner_id, day, moved) \
         SELECT $1, $2, {day}, -{DEVICES_OF_APP} FROM applications a \
         WHERE a.id = $3 AND EXISTS (SELECT 1 FROM devices d WHERE d.application_id = a.id) \
         ON CONFLICT (owner_kind, owner_id, day) DO UPDATE SET moved = device_owner_daily.moved + excluded.moved"
    );
    sqlx::query(&sql).bind(from.kind()).bind(from.id()).bind(app_id).execute(&mut **tx).await.map_err(other)?;
    Ok(())
}

/// Devices of application `a` as an SQL expression.
pub(crate) const DEVICES_OF_APP: &str = "(SELECT COUNT(*) FROM devices d WHERE d.application_id = a.id)";

/// A rollup row: (owner, hour or day, type, source, billable), the
/// application for `payload_hourly`, and what to add.
type TallyRow<'a> = ((&'a Owner, i64, &'a str, &'a str, bool), Option<&'a str>, Tally);

/// Rows per statement: 9 values each stays far below both backends' limits
/// on bound parameters, and one statement costs one round trip.
const ROWS_PER_STATEMENT: usize = 500;

/// Adds `rows` to `table` with multi-row upserts, in the rows' (sorted) order.
async fn upsert_tallies(
    tx: &mut Transaction<'_, Any>,
    table: &str,
    column: &str,
    rows: &[TallyRow<'_>],
) -> StoreResult<()> {
    let with_app = table == "payload_hourly";
    let per_row = if with_app { 9 } else { 8 };
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let first = r * per_row + 1;
                let marks: Vec<String> = (first..first + per_row).map(|n| format!("${n}")).collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let (app_col, app_key) = if with_app { ("application_id, ", "application_id, ") } else { ("", "") };
        let sql = format!(
            "INSERT INTO {table} (owner_kind, owner_id, {app_col}type, source, billable, {column}, count, bytes) \
             VALUES {} ON CONFLICT (owner_kind, owner_id, {column}, {app_key}type, source, billable) \
             DO UPDATE SET count = {table}.count + excluded.count, bytes = {table}.bytes + excluded.bytes",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for ((owner, at, kind, source, billable), app, tally) in chunk {
            query = query.bind(owner.kind()).bind(owner.id());
            if let Some(app) = app {
                query = query.bind(*app);
            }
            query = query
                .bind(*kind)
                .bind(*source)
                .bind(i64::from(*billable))
                .bind(*at)
                .bind(tally.count)
                .bind(tally.bytes);
        }
        query.execute(&mut **tx).await.map_err(other)?;
    }
    Ok(())
}

/// Records an idempotency key; false when it was already recorded (and is
/// still kept). Old keys are forgotten on the way.
async fn claim_key(
    tx: &mut Transaction<'_, Any>,
    key: &str,
    now: DateTime<Utc>,
    keep_since: DateTime<Utc>,
) -> StoreResult<bool> {
    sqlx::query("DELETE FROM metering_batches WHERE created_at < $1")
        .bind(ms(keep_since))
        .execute(&mut **tx)
        .await
        .map_err(other)?;
    let done = sqlx::query(
        "INSERT INTO metering_batches (idempotency_key, created_at) VALUES ($1, $2) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(ms(now))
    .execute(&mut **tx)
    .await
    .map_err(other)?;
    Ok(done.rows_affected() == 1)
}

impl SqlStore {
    /// A transaction for a metering batch, after recording its idempotency
    /// key; `None` when the key was already recorded (the batch was counted).
    async fn begin_batch(
        &self,
        idempotency_key: Option<&str>,
        now: DateTime<Utc>,
        keep_since: DateTime<Utc>,
    ) -> StoreResult<Option<Transaction<'static, Any>>> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        match idempotency_key {
            Some(key) if !claim_key(&mut tx, key, now, keep_since).await? => Ok(None),
            _ => Ok(Some(tx)),
        }
    }
}

#[async_trait]
impl UsageStore for SqlStore {
    async fn record_payloads(
        &self,
        counts: &[PayloadCount],
        idempotency_key: Option<&str>,
        now: DateTime<Utc>,
        keep_since: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let Some(mut tx) = self.begin_batch(idempotency_key, now, keep_since).await? else {
            return Ok(false);
        };
        // Merge first: one row per distinct key and table, whatever the batch
        // size. Sorted maps, so every writer locks rows in the same order: two
        // concurrent batches on PostgreSQL would otherwise deadlock.
        type Key<'a> = (&'a Owner, i64, &'a str, &'a str, bool);
        let mut hourly: BTreeMap<(Key<'_>, &str), Tally> = BTreeMap::new();
        let mut owner_hourly: BTreeMap<Key<'_>, Tally> = BTreeMap::new();
        let mut owner_daily: BTreeMap<Key<'_>, Tally> = BTreeMap::new();
        for c in counts {
            let hour = ms(c.hour);
            let day = hour.div_euclid(DAY_MS) * DAY_MS;
            for tally in [
                hourly.entry(((&c.owner, hour, &c.kind, &c.source, c.billable), &c.application_id)).or_default(),
                owner_hourly.entry((&c.owner, hour, &c.kind, &c.source, c.billable)).or_default(),
                owner_daily.entry((&c.owner, day, &c.kind, &c.source, c.billable)).or_default(),
            ] {
                tally.count += c.count;
                tally.bytes += c.bytes;
            }
        }
        let hourly: Vec<_> = hourly.into_iter().map(|((k, app), t)| (k, Some(app), t)).collect();
        let owner_hourly: Vec<_> = owner_hourly.into_iter().map(|(k, t)| (k, None, t)).collect();
        let owner_daily: Vec<_> = owner_daily.into_iter().map(|(k, t)| (k, None, t)).collect();
        for (table, column, rows) in [
            ("payload_hourly", "hour", hourly),
            ("payload_owner_hourly", "hour", owner_hourly),
            ("payload_owner_daily", "day", owner_daily),
        ] {
            upsert_tallies(&mut tx, table, column, &rows).await?;
        }
        tx.commit().await.map_err(other)?;
        Ok(true)
    }

    async fn record_notebooks(
        &self,
        counts: &[NotebookCount],
        idempotency_key: Option<&str>,
        now: DateTime<Utc>,
        keep_since: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let Some(mut tx) = self.begin_batch(idempotency_key, now, keep_since).await? else {
            return Ok(false);
        };
        // Merged and sorted like payloads: concurrent batches lock rows in one order.
        let mut days: BTreeMap<(&Owner, i64, &str), [i64; 5]> = BTreeMap::new();
        for c in counts {
            let sums = days.entry((&c.owner, ms(c.day), &c.application_id)).or_default();
            for (sum, n) in sums.iter_mut().zip([c.minutes, c.completed, c.canceled, c.errored, c.timeout]) {
                *sum += n;
            }
        }
        for ((owner, day, app), [minutes, completed, canceled, errored, timeout]) in days {
            sqlx::query(
                "INSERT INTO notebook_daily (owner_kind, owner_id, application_id, day, minutes, completed, canceled, errored, timeout) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (owner_kind, owner_id, day, application_id) DO UPDATE SET \
                   minutes = notebook_daily.minutes + excluded.minutes, completed = notebook_daily.completed + excluded.completed, \
                   canceled = notebook_daily.canceled + excluded.canceled, errored = notebook_daily.errored + excluded.errored, \
                   timeout = notebook_daily.timeout + excluded.timeout",
            )
            .bind(owner.kind())
            .bind(owner.id())
            .bind(app)
            .bind(day)
            .bind(minutes)
            .bind(completed)
            .bind(canceled)
            .bind(errored)
            .bind(timeout)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        tx.commit().await.map_err(other)?;
        Ok(true)
    }

    async fn application_owners(&self, ids: &[String]) -> StoreResult<HashMap<String, Owner>> {
        let mut out = HashMap::new();
        for id in ids {
            if out.contains_key(id) {
                continue;
            }
            let row = sqlx::query("SELECT owner_kind, owner_id FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(other)?;
            if let Some(r) = row {
                let kind: String = r.try_get("owner_kind").map_err(other)?;
                out.insert(id.clone(), Owner::from_parts(&kind, r.try_get("owner_id").map_err(other)?));
            }
        }
        Ok(out)
    }

    async fn payload_totals(
        &self,
        owner: &Owner,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, String, i64)>> {
        let (from, to) = (ms(from), ms(to));
        // Whole days from the daily rollup, the hours at either edge from the hourly one.
        let first_day = (from + DAY_MS - 1).div_euclid(DAY_MS) * DAY_MS;
        let last_day = to.div_euclid(DAY_MS) * DAY_MS;
        let mut parts: Vec<(&str, &str, i64, i64)> = Vec::new();
        if first_day < last_day {
            parts.push(("payload_owner_daily", "day", first_day, last_day));
            parts.push(("payload_owner_hourly", "hour", from, first_day));
            parts.push(("payload_owner_hourly", "hour", last_day, to));
        } else {
            parts.push(("payload_owner_hourly", "hour", from, to));
        }
        let mut totals: HashMap<(String, String), i64> = HashMap::new();
        for (table, column, lo, hi) in parts {
            if lo >= hi {
                continue;
            }
            let sql = format!(
                "SELECT type, source, CAST(SUM(count) AS BIGINT) AS n FROM {table} WHERE owner_kind = $1 AND owner_id = $2 \
                 AND {column} >= $3 AND {column} < $4 GROUP BY type, source"
            );
            let rows = sqlx::query(&sql)
                .bind(owner.kind())
                .bind(owner.id())
                .bind(lo)
                .bind(hi)
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
            for r in rows {
                let key = (r.try_get("type").map_err(other)?, r.try_get("source").map_err(other)?);
                *totals.entry(key).or_default() += sum(&r, "n")?;
            }
        }
        Ok(totals.into_iter().map(|((t, s), n)| (t, s, n)).collect())
    }

    async fn payload_series(
        &self,
        owner: &Owner,
        daily: bool,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        include_non_billable: bool,
    ) -> StoreResult<Vec<(DateTime<Utc>, Tally)>> {
        let (table, column) = if daily { ("payload_owner_daily", "day") } else { ("payload_owner_hourly", "hour") };
        let billable = if include_non_billable { "" } else { "AND billable = 1" };
        let sql = format!(
            "SELECT {column} AS at, CAST(SUM(count) AS BIGINT) AS n, CAST(SUM(bytes) AS BIGINT) AS b FROM {table} WHERE owner_kind = $1 AND owner_id = $2 \
             AND {column} >= $3 AND {column} < $4 {billable} GROUP BY {column} ORDER BY {column}"
        );
        let rows = sqlx::query(&sql)
            .bind(owner.kind())
            .bind(owner.id())
            .bind(ms(from))
            .bind(ms(to))
            .fetch_all(&self.pool)
            .await
            .map_err(other)?;
        rows.iter()
            .map(|r| Ok((time(r.try_get("at").map_err(other)?), Tally { count: sum(r, "n")?, bytes: sum(r, "b")? })))
            .collect()
    }

    async fn device_days(
        &self,
        owner: &Owner,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<(i64, Vec<(DateTime<Utc>, DeviceDay)>)> {
        let before = sqlx::query(
            "SELECT CAST(SUM(created - deleted + moved) AS BIGINT) AS n FROM device_owner_daily \
             WHERE owner_kind = $1 AND owner_id = $2 AND day < $3",
        )
        .bind(owner.kind())
        .bind(owner.id())
        .bind(ms(from))
        .fetch_one(&self.pool)
        .await
        .map_err(other)?;
        let base = sum(&before, "n")?;
        let rows = sqlx::query(
            "SELECT day, created AS c, deleted AS d, moved AS m FROM device_owner_daily \
             WHERE owner_kind = $1 AND owner_id = $2 AND day >= $3 AND day < $4 ORDER BY day",
        )
        .bind(owner.kind())
        .bind(owner.id())
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let days = rows
            .iter()
            .map(|r| {
                let day = time(r.try_get("day").map_err(other)?);
                Ok((day, DeviceDay { created: sum(r, "c")?, deleted: sum(r, "d")?, moved: sum(r, "m")? }))
            })
            .collect::<StoreResult<_>>()?;
        Ok((base, days))
    }

    async fn notebook_days(
        &self,
        owner: &Owner,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<NotebookCount>> {
        let rows = sqlx::query(
            "SELECT day, CAST(SUM(minutes) AS BIGINT) AS mi, CAST(SUM(completed) AS BIGINT) AS co, CAST(SUM(canceled) AS BIGINT) AS ca, CAST(SUM(errored) AS BIGINT) AS er, CAST(SUM(timeout) AS BIGINT) AS ti \
             FROM notebook_daily WHERE owner_kind = $1 AND owner_id = $2 AND day >= $3 AND day < $4 GROUP BY day ORDER BY day",
        )
        .bind(owner.kind())
        .bind(owner.id())
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|r| {
                Ok(NotebookCount {
                    owner: owner.clone(),
                    application_id: String::new(),
                    day: time(r.try_get("day").map_err(other)?),
                    minutes: sum(r, "mi")?,
                    completed: sum(r, "co")?,
                    canceled: sum(r, "ca")?,
                    errored: sum(r, "er")?,
                    timeout: sum(r, "ti")?,
                })
            })
            .collect()
    }
}

/// A SUM column (cast to BIGINT in SQL: PostgreSQL sums BIGINTs as NUMERIC);
/// NULL when nothing matched.
fn sum(row: &sqlx::any::AnyRow, column: &str) -> StoreResult<i64> {
    Ok(row.try_get::<Option<i64>, _>(column).map_err(other)?.unwrap_or(0))
}
