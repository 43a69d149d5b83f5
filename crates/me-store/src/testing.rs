//! Fresh, isolated databases for tests: a SQLite file in a temporary folder,
//! or a PostgreSQL schema of its own so tests run in parallel.

use crate::SqlStore;
use anyhow::Context;
use sqlx::{AnyPool, Executor};

/// The PostgreSQL URL tests use, from `ME_TEST_POSTGRES_URL`. In CI
/// (`CI` set) its absence is an error, so the PostgreSQL suite never passes
/// by not running.
pub fn postgres_url() -> Option<String> {
    match std::env::var("ME_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("ME_TEST_POSTGRES_URL must be set in CI so the PostgreSQL suite runs")
        }
        _ => None,
    }
}

/// A store on a new schema of the database at `base_url`, and the schema's
/// name (drop it with [`drop_postgres_schema`]).
pub async fn isolated_postgres(base_url: &str) -> anyhow::Result<(SqlStore, String)> {
    sqlx::any::install_default_drivers();
    let schema = format!("me_test_{}", hex_id());
    let admin = AnyPool::connect(base_url).await.context("connecting to PostgreSQL")?;
    admin.execute(format!("CREATE SCHEMA {schema}").as_str()).await?;
    admin.close().await;
    let sep = if base_url.contains('?') { '&' } else { '?' };
    let url = format!("{base_url}{sep}options=-c%20search_path%3D{schema}");
    Ok((SqlStore::connect(&url).await?, schema))
}

pub async fn drop_postgres_schema(base_url: &str, schema: &str) -> anyhow::Result<()> {
    let admin = AnyPool::connect(base_url).await?;
    admin.execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str()).await?;
    admin.close().await;
    Ok(())
}

fn hex_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::UNIX_EPOCH.elapsed().map_or(0, |d| d.as_nanos() as u64);
    format!("{:x}_{:x}_{}", std::process::id(), nanos, N.fetch_add(1, Ordering::Relaxed))
}
