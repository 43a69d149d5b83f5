//! Opening a database from a URL, with the settings each backend needs, and
//! running its migrations.

use anyhow::{bail, Context};
use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            bail!("unsupported database URL: use sqlite:PATH or postgres://...")
        }
    }
}

/// The Store over one connection pool.
#[derive(Clone)]
pub struct SqlStore {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl SqlStore {
    /// Opens `url` (`sqlite:path/to/me.db` or `postgres://...`), creating a
    /// SQLite file and its folder on first use, and runs pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<SqlStore> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::of_url(url)?;
        let pool = match backend {
            Backend::Sqlite => open_sqlite(url).await?,
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .context("connecting to PostgreSQL")?,
        };
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await.context("running database migrations")?;
        Ok(SqlStore { pool, backend })
    }

    pub fn backend_kind(&self) -> Backend {
        self.backend
    }

    /// Runs raw SQL; for tests and tools that seed data.
    pub async fn execute_raw(&self, sql: &str) -> anyhow::Result<AnyQueryResult> {
        Ok(self.pool.execute(sql).await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn open_sqlite(url: &str) -> anyhow::Result<AnyPool> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    if path != ":memory:" {
        if let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    let url = if url.contains('?') { url.to_owned() } else { format!("{url}?mode=rwc") };
    let pool = AnyPoolOptions::new()
        // Each SQLite connection is a thread that requests hand work to; a
        // few per core measured best (GET /me: 8 connections 13.0k req/s, 4
        // connections 14.6k, 2 connections 9.6k, on 2 cores).
        .max_connections(std::thread::available_parallelism().map_or(4, |n| 2 * n.get()).max(4) as u32)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // Another process (`me-server users create`) may write the
                // same file: wait for its lock rather than fail.
                conn.execute("PRAGMA busy_timeout = 5000").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                // 32 MiB of page cache per connection instead of 2 MiB: usage
                // rollups over a year are hundreds of MiB, and a small cache
                // spilled pages mid-transaction, holding the write lock longer.
                conn.execute("PRAGMA cache_size = -32768").await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .with_context(|| format!("opening SQLite database {path}"))?;
    // WAL lets readers run beside a writer; the mode is kept in the file.
    pool.execute("PRAGMA journal_mode = WAL").await.context("enabling WAL")?;
    Ok(pool)
}
