//! Starting the service: open the store, build the core, listen, and stop
//! cleanly on SIGINT/SIGTERM (stop accepting, finish what is in flight).

use crate::config::{redact_url, Config};
use crate::github::GithubClient;
use crate::mail::{LogMailer, SmtpMailer};
use crate::state::AppState;
use anyhow::Context;
use me_core::outbox::MailTransport;
use me_core::{Clock, Core, Keys, SystemClock};
use me_store::SqlStore;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Opens the database and builds the core from `config`, with `clock`.
pub async fn build_core(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Core> {
    let url = config.database_url();
    let store = SqlStore::connect(&url).await.with_context(|| format!("opening the database {}", redact_url(&url)))?;
    let token_secret = config.token_secret()?;
    let data_key = config.data_key()?;
    let keys = Keys { token_secret: &token_secret, data_key: &data_key };
    let github = Arc::new(GithubClient::new(&config.github_api)?);
    Core::new(Arc::new(store), clock, keys, github, config.core_settings()?).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The transport `config` asks for: SMTP when `ME_SMTP_URL` is set, else the log.
pub fn mail_transport(config: &Config) -> anyhow::Result<Arc<dyn MailTransport>> {
    Ok(match &config.smtp_url {
        Some(url) if !url.is_empty() => Arc::new(SmtpMailer::new(url, &config.mail_from)?),
        _ => Arc::new(LogMailer),
    })
}

/// Runs the outbox sender in the background until the returned sender is
/// told to stop (send `true`).
pub fn spawn_outbox(core: Core, transport: Arc<dyn MailTransport>) -> (watch::Sender<bool>, JoinHandle<()>) {
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(async move { core.run_outbox(transport.as_ref(), stopped).await });
    (stop, task)
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
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await.context("serving HTTP")
}

/// `me-server serve`.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let core = build_core(&config, Arc::new(SystemClock)).await?;
    let (stop_outbox, outbox) = spawn_outbox(core.clone(), mail_transport(&config)?);
    let listener = TcpListener::bind(config.listen).await.with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(
        url = %format!("http://{addr}"),
        backend = core.store.backend(),
        "me-server listening on http://{addr}"
    );
    let timeout = Duration::from_secs(config.request_timeout.max(1));
    serve_until(listener, AppState { core }, timeout, shutdown_signal()).await?;
    // A delivery under way finishes; what is still queued waits in the
    // database for the next start.
    let _ = stop_outbox.send(true);
    let _ = outbox.await;
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
