//! `me-server`: `serve` (the default) runs the service; `users create` adds a
//! user against the same settings, even while a server runs on the same file.

use clap::{Parser, Subcommand};
use me_core::accounts::NewAccount;
use me_core::me::SummaryFilter;
use me_core::SystemClock;
use me_server::config::Config;
use me_server::serve;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "me-server", version, about = "A self-hosted account service speaking the Losant Me API")]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service (the default).
    Serve,
    /// Manage users.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Service tokens for the platform's other parts.
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
}

#[derive(Subcommand)]
enum TokensCommand {
    /// Mint a service token and print it.
    Create {
        /// A scope the token holds (repeat for more); `metering.write` for the metering API.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Lifetime in seconds [default: one year].
        #[arg(long, default_value_t = 365 * 24 * 3600)]
        ttl: u64,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Create a user and print it as JSON.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        first_name: String,
        #[arg(long, default_value = "")]
        last_name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve::run(cli.config).await,
            Command::Users { command } => users(cli.config, command).await,
            Command::Tokens { command } => tokens(cli.config, command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn users(config: Config, command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::Create { email, password, first_name, last_name } => {
            let core = serve::build_core(&config, Arc::new(SystemClock)).await?;
            let account = NewAccount {
                email,
                password: password.into(),
                first_name,
                last_name,
                company_name: None,
                title: None,
                phone_number: None,
                location: None,
                url: None,
            };
            let user = core.create_account(account).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let me = core.me(&user, &SummaryFilter::default()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&me)?);
            Ok(())
        }
    }
}

async fn tokens(config: Config, command: TokensCommand) -> anyhow::Result<()> {
    match command {
        TokensCommand::Create { scopes, ttl } => {
            if let Some(bad) = scopes.iter().find(|s| s.as_str() != me_core::metering::METERING_SCOPE) {
                anyhow::bail!(
                    "unknown service scope `{bad}`: service tokens hold {}",
                    me_core::metering::METERING_SCOPE
                );
            }
            if ttl == 0 {
                anyhow::bail!("--ttl must be at least 1 second");
            }
            // Signing needs only the token secret, not the database.
            let keys = me_core::token::TokenKeys::new(&config.token_secret()?);
            let token = me_core::metering::service_token(&keys, &scopes, me_core::Clock::now(&SystemClock), ttl)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{token}");
            Ok(())
        }
    }
}

/// Logs to stderr; JSON lines with `ME_LOG_FORMAT=json`; level from `ME_LOG`
/// (or `RUST_LOG`), `info` by default.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = std::env::var("ME_LOG")
        .ok()
        .and_then(|s| EnvFilter::try_new(s).ok())
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("ME_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
