//! The four usage counters over the rollups: deviceCounts, payloadCounts,
//! payloadCountsBreakdown, notebookMinuteCounts; and the payload summary of
//! `GET /me`. Ranges are ms since epoch; days and hours are UTC.

use crate::error::{Error, Result};
use crate::store::{Owner, UserRecord};
use crate::Core;
use chrono::{DateTime, Duration, Utc};
use me_wire::usage::{
    DatedValue, DeviceCount, DeviceCounts, NotebookMinuteCount, NotebookMinuteCounts, PayloadCountsBreakdown,
    PayloadStats,
};
use std::collections::HashMap;

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
pub const MAX_DAILY_DAYS: i64 = 5 * 365;
pub const MAX_HOURLY_DAYS: i64 = 90;

/// A validated query range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

fn parse_ms(name: &str, value: &str) -> Result<DateTime<Utc>> {
    let ms: i64 =
        value.trim().parse().map_err(|_| Error::validation(format!("{name} must be milliseconds since the epoch")))?;
    DateTime::from_timestamp_millis(ms).ok_or_else(|| Error::validation(format!("{name} is out of range")))
}

pub fn floor(t: DateTime<Utc>, step_ms: i64) -> DateTime<Utc> {
    crate::clock::from_ms(t.timestamp_millis().div_euclid(step_ms) * step_ms)
}

impl Core {
    /// `start`/`end` from a query: `end` defaults to now, `start` to 30 days
    /// before `end`; at most `max_days` long.
    fn usage_range(&self, start: Option<&str>, end: Option<&str>, max_days: i64) -> Result<Range> {
        let end = match end.filter(|s| !s.is_empty()) {
            Some(e) => parse_ms("end", e)?,
            None => self.clock.now(),
        };
        let start = match start.filter(|s| !s.is_empty()) {
            Some(s) => parse_ms("start", s)?,
            None => end - Duration::days(30),
        };
        if start > end {
            return Err(Error::validation("start must not be after end"));
        }
        if end - start > Duration::days(max_days) {
            return Err(Error::validation(format!("the range may span at most {max_days} days at this resolution")));
        }
        Ok(Range { start, end })
    }

    /// `GET /me/deviceCounts`: per UTC day, oldest first, zeros included.
    pub async fn device_counts(
        &self,
        user: &UserRecord,
        start: Option<&str>,
        end: Option<&str>,
    ) -> Result<DeviceCounts> {
        let range = self.usage_range(start, end, MAX_DAILY_DAYS)?;
        let owner = Owner::User(user.id.clone());
        let first = floor(range.start, DAY_MS);
        let after = floor(range.end, DAY_MS) + Duration::days(1);
        let (mut total, days) = self.store.device_days(&owner, first, after).await?;
        let by_day: HashMap<_, _> = days.into_iter().collect();
        let mut counts = Vec::new();
        let mut day = first;
        while day < after {
            let d = by_day.get(&day).copied().unwrap_or_default();
            total += d.created - d.deleted + d.moved;
            counts.push(DeviceCount { date: day, created: d.created, deleted: d.deleted, total });
            day += Duration::days(1);
        }
        Ok(DeviceCounts { start: range.start, end: range.end, counts })
    }

    /// `GET /me/payloadCounts`: type → source → count over the hours the
    /// range touches, billable or not.
    pub async fn payload_counts(
        &self,
        user: &UserRecord,
        start: Option<&str>,
        end: Option<&str>,
    ) -> Result<PayloadStats> {
        let range = self.usage_range(start, end, MAX_DAILY_DAYS)?;
        self.payload_stats(
            &Owner::User(user.id.clone()),
            floor(range.start, HOUR_MS),
            floor(range.end, HOUR_MS) + Duration::hours(1),
        )
        .await
    }

    async fn payload_stats(&self, owner: &Owner, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<PayloadStats> {
        let mut stats = PayloadStats::new();
        for (kind, source, n) in self.store.payload_totals(owner, from, to).await? {
            *stats.entry(kind).or_default().entry(source).or_default() += n;
        }
        Ok(stats)
    }

    /// The payloads of the current period (the UTC month), for the summary.
    pub async fn payload_summary(&self, user: &UserRecord) -> Result<PayloadStats> {
        let (start, end) = crate::me::month_of(self.clock.now());
        self.payload_stats(&Owner::User(user.id.clone()), start, end + Duration::milliseconds(1)).await
    }

    /// `GET /me/payloadCountsBreakdown`: per day (or hour), zeros included.
    /// `resolution` is `86400000` (a day, the default) or `3600000` (an hour).
    pub async fn payload_breakdown(
        &self,
        user: &UserRecord,
        start: Option<&str>,
        end: Option<&str>,
        resolution: Option<&str>,
        as_bytes: bool,
        include_non_billable: bool,
    ) -> Result<PayloadCountsBreakdown> {
        let hourly = match resolution.filter(|r| !r.is_empty()) {
            None | Some("86400000") => false,
            Some("3600000") => true,
            Some(_) => return Err(Error::validation("resolution must be 86400000 (a day) or 3600000 (an hour)")),
        };
        let range = self.usage_range(start, end, if hourly { MAX_HOURLY_DAYS } else { MAX_DAILY_DAYS })?;
        let step = if hourly { HOUR_MS } else { DAY_MS };
        let first = floor(range.start, step);
        let after = floor(range.end, step) + Duration::milliseconds(step);
        let owner = Owner::User(user.id.clone());
        let series = self.store.payload_series(&owner, !hourly, first, after, include_non_billable).await?;
        let by_bucket: HashMap<_, _> = series.into_iter().collect();
        let mut counts = Vec::new();
        let mut at = first;
        while at < after {
            let t = by_bucket.get(&at).copied().unwrap_or_default();
            counts.push(DatedValue { date: at, value: if as_bytes { t.bytes } else { t.count } });
            at += Duration::milliseconds(step);
        }
        Ok(PayloadCountsBreakdown { start: range.start, end: range.end, counts })
    }

    /// `GET /me/notebookMinuteCounts`: per UTC day, zeros included.
    pub async fn notebook_minute_counts(
        &self,
        user: &UserRecord,
        start: Option<&str>,
        end: Option<&str>,
    ) -> Result<NotebookMinuteCounts> {
        let range = self.usage_range(start, end, MAX_DAILY_DAYS)?;
        let owner = Owner::User(user.id.clone());
        let first = floor(range.start, DAY_MS);
        let after = floor(range.end, DAY_MS) + Duration::days(1);
        let by_day: HashMap<_, _> =
            self.store.notebook_days(&owner, first, after).await?.into_iter().map(|n| (n.day, n)).collect();
        let mut counts = Vec::new();
        let mut day = first;
        while day < after {
            let n = by_day.get(&day);
            let get = |f: fn(&crate::store::NotebookCount) -> i64| n.map_or(0, f);
            counts.push(NotebookMinuteCount {
                date: day,
                minutes: get(|n| n.minutes),
                completed: get(|n| n.completed),
                canceled: get(|n| n.canceled),
                errored: get(|n| n.errored),
                timeout: get(|n| n.timeout),
            });
            day += Duration::days(1);
        }
        Ok(NotebookMinuteCounts { start: range.start, end: range.end, counts })
    }
}
