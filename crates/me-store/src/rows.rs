//! Turning rows into records and sqlx errors into store errors.

use chrono::{DateTime, Utc};
use me_core::clock::from_ms;
use me_core::store::StoreError;

/// A unique violation becomes `Conflict(what)`; the rest stays an error.
pub(crate) fn store_err(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.to_owned()),
        sqlx::Error::RowNotFound => StoreError::NotFound,
        _ => StoreError::Other(e.into()),
    }
}

pub(crate) fn other(e: sqlx::Error) -> StoreError {
    StoreError::Other(e.into())
}

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn opt_ms(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(ms)
}

pub(crate) fn time(ms: i64) -> DateTime<Utc> {
    from_ms(ms)
}
