//! Starting the service: open the store, build the core, listen, and stop
//! cleanly on SIGINT/SIGTERM (stop accepting, finish what is in flight).

use crate::config::{redact_url, Config};
use crate::state::AppState;
use anyhow::Context;
use me_core::{Clock, Core, SystemClock};
use me_store::SqlStore;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Opens the database and builds the core from `config`, with `clock`.
pub async fn build_core(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Core> {
    let url = config.database_url();
    let store = SqlStore::connect(&url)
        .await
        .with_context(|| format!("opening the database {}", redact_url(&url)))?;
    let core = Core::new(
        Arc::new(store),
        clock,
        &config.token_secret()?,
        config.core_settings()?,
    )?;
    Ok(core)
}

/// Serves on `listener` until `shutdown` resolves, then drains in-flight
/// requests and returns.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    request_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = crate::router(state, request_timeout);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")
}

/// `me-server serve`.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let core = build_core(&config, Arc::new(SystemClock)).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(
        url = %format!("http://{addr}"),
        backend = core.store.backend(),
        "me-server listening on http://{addr}"
    );
    let timeout = Duration::from_secs(config.request_timeout.max(1));
    serve_until(listener, AppState { core }, timeout, shutdown_signal()).await?;
    tracing::info!("me-server stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
