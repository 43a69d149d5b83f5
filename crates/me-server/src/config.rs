//! Settings: each a flag with an environment fallback. `Debug` never shows a
//! secret or a database URL's password.

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use me_core::{Settings, Signup};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ME_LISTEN", default_value = "127.0.0.1:8080", global = true)]
    pub listen: SocketAddr,

    /// Database URL: `sqlite:PATH` or `postgres://...` [default: sqlite:DATA_DIR/me.db]
    #[arg(long = "database", env = "DATABASE_URL", global = true)]
    pub database: Option<String>,

    /// Folder for the SQLite database and generated secrets.
    #[arg(long, env = "ME_DATA_DIR", default_value = "./me-data", global = true)]
    pub data_dir: PathBuf,

    /// Token lifetime in seconds.
    #[arg(long, env = "ME_TOKEN_TTL", default_value_t = 30 * 24 * 3600, global = true)]
    pub token_ttl: u64,

    /// Whether anyone may sign up through `POST /users`.
    #[arg(long, env = "ME_SIGNUP", value_enum, default_value_t = SignupArg::Open, global = true)]
    pub signup: SignupArg,

    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "ME_REQUEST_TIMEOUT", default_value_t = 30, global = true)]
    pub request_timeout: u64,

    /// Base URL of links in mail [default: http://LISTEN]
    #[arg(long, env = "ME_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Issuer shown by authenticator apps.
    #[arg(long, env = "ME_TOTP_ISSUER", default_value = "me-api", global = true)]
    pub totp_issuer: String,

    /// SMTP server for outgoing mail (`smtp://host:port`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host:465`); without it, mail is written to the log.
    #[arg(long, env = "ME_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// Sender address of outgoing mail.
    #[arg(long, env = "ME_MAIL_FROM", default_value = "me-api <no-reply@localhost>", global = true)]
    pub mail_from: String,

    /// Base URL of the GitHub API.
    #[arg(long, env = "ME_GITHUB_API", default_value = "https://api.github.com", global = true)]
    pub github_api: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SignupArg {
    Open,
    Closed,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database", &self.database.as_deref().map(redact_url))
            .field("data_dir", &self.data_dir)
            .field("token_ttl", &self.token_ttl)
            .field("signup", &self.signup)
            .field("request_timeout", &self.request_timeout)
            .field("public_url", &self.public_url)
            .field("totp_issuer", &self.totp_issuer)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("github_api", &self.github_api)
            .finish()
    }
}

/// A URL with any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &creds[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Config {
    pub fn database_url(&self) -> String {
        match &self.database {
            Some(url) => url.clone(),
            None => format!("sqlite:{}", self.data_dir.join("me.db").display()),
        }
    }

    pub fn core_settings(&self) -> anyhow::Result<Settings> {
        if self.token_ttl == 0 {
            bail!("ME_TOKEN_TTL must be at least 1 second");
        }
        Ok(Settings {
            token_ttl_secs: self.token_ttl,
            signup: match self.signup {
                SignupArg::Open => Signup::Open,
                SignupArg::Closed => Signup::Closed,
            },
            totp_issuer: self.totp_issuer.clone(),
            public_url: self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen)),
            ..Settings::default()
        })
    }

    /// `ME_SECRET_KEY` (64 hex characters), else the key generated once into
    /// the data folder. It seals TOTP keys: keep it apart from database backups.
    pub fn data_key(&self) -> anyhow::Result<Vec<u8>> {
        let text = match std::env::var("ME_SECRET_KEY") {
            Ok(s) if !s.is_empty() => s,
            _ => String::from_utf8(
                crate::secrets::load_or_create(&self.data_dir, "secret-key").context("preparing the secret key")?,
            )?,
        };
        match hex::decode(text.trim()) {
            Ok(key) if key.len() == 32 => Ok(key),
            _ => bail!("ME_SECRET_KEY must be 64 hexadecimal characters (32 bytes)"),
        }
    }

    /// `ME_TOKEN_SECRET`, else the secret generated once into the data folder.
    /// Read from the environment only: a flag would show in `ps`.
    pub fn token_secret(&self) -> anyhow::Result<Vec<u8>> {
        match std::env::var("ME_TOKEN_SECRET") {
            Ok(s) if s.len() >= 32 => Ok(s.into_bytes()),
            Ok(s) if !s.is_empty() => bail!("ME_TOKEN_SECRET must be at least 32 characters"),
            _ => crate::secrets::load_or_create(&self.data_dir, "token-secret").context("preparing the token secret"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_lose_their_passwords() {
        assert_eq!(super::redact_url("postgres://me:s3cret@db:5432/me"), "postgres://me:***@db:5432/me");
        assert_eq!(super::redact_url("postgres://me@db/me"), "postgres://me@db/me");
        assert_eq!(super::redact_url("sqlite:me-data/me.db"), "sqlite:me-data/me.db");
    }
}
