//! The Rust SDK for the Losant **Me** API, against me-api or any
//! Losant-compatible server: one method per action, named as in Losant's
//! client documentation (`client.me().add_recent_item(...)`), taking the
//! documented parameters and returning the typed bodies of [`me_wire`].
//!
//! ```no_run
//! use me_client::{Client, me::GetParams};
//! use me_wire::UserCredentials;
//!
//! # async fn run() -> me_client::Result<()> {
//! let client = Client::new("http://127.0.0.1:8080")?;
//! let authed = client
//!     .auth()
//!     .authenticate_user(&UserCredentials {
//!         email: "ada@example.com".into(),
//!         password: "Correct-Horse-9".into(),
//!         ..Default::default()
//!     })
//!     .await?;
//! client.set_token(authed.token);
//! let me = client.me().get(&GetParams::default()).await?;
//! println!("{} <{}>", me.full_name, me.email);
//! # Ok(())
//! # }
//! ```
//!
//! Errors are one enum, [`Error`]: `Api { status, kind, message }` carries the
//! server's `{type, message}`; `Transport` and `Decode` cover the rest. No
//! method panics on a surprising body.

pub mod auth;
mod error;
pub mod me;
pub mod platform;

pub use error::{Error, Result};
pub use me_wire;

use error::Shown;
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The API version this SDK speaks, sent as `Accept-Version`.
pub const API_VERSION: &str = "^1.26.1";

/// A connection to the API: a base URL and, once logged in, a token. Cheap
/// to clone; clones share the token.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Arc<RwLock<Option<String>>>,
}

/// Optional parameters of actions that take nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainParams {
    /// Domain scope of the request (rarely needed).
    pub losantdomain: Option<String>,
}

impl Client {
    /// A client for the API at `base_url` (e.g. `http://127.0.0.1:8080`).
    ///
    /// # Errors
    /// [`Error::Config`] when `base_url` is not an http(s) URL.
    pub fn new(base_url: &str) -> Result<Client> {
        let mut base: Url =
            base_url.parse().map_err(|e| Error::Config(format!("invalid base URL `{base_url}`: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::Config(format!("the base URL must be http or https: {base_url}")));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("me-client/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(Client { http, base, token: Arc::new(RwLock::new(None)) })
    }

    /// A client from `ME_API_URL` (default `http://127.0.0.1:8080`) and
    /// `ME_API_TOKEN` (optional).
    ///
    /// ```no_run
    /// let client = me_client::Client::from_env()?;
    /// # Ok::<(), me_client::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when `ME_API_URL` is not a URL.
    pub fn from_env() -> Result<Client> {
        let url = std::env::var("ME_API_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
        let client = Client::new(&url)?;
        if let Ok(token) = std::env::var("ME_API_TOKEN")
            && !token.is_empty()
        {
            client.set_token(token);
        }
        Ok(client)
    }

    /// This client with `token` for every request.
    pub fn with_token(self, token: impl Into<String>) -> Client {
        self.set_token(token);
        self
    }

    /// Uses `token` from now on (also in clones).
    pub fn set_token(&self, token: impl Into<String>) {
        *self.token.write().unwrap_or_else(|p| p.into_inner()) = Some(token.into());
    }

    /// The token in use, if any.
    pub fn token(&self) -> Option<String> {
        self.token.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The Me resource: the signed-in user.
    pub fn me(&self) -> me::MeApi<'_> {
        me::MeApi { client: self }
    }

    /// Logging in and confirming an email.
    pub fn auth(&self) -> auth::AuthApi<'_> {
        auth::AuthApi { client: self }
    }

    /// Sends a request and decodes a JSON answer.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Value>,
        losantdomain: Option<&str>,
    ) -> Result<T> {
        let url =
            self.base.join(path.trim_start_matches('/')).map_err(|e| Error::Config(format!("bad path {path}: {e}")))?;
        let mut request = self
            .http
            .request(method, url)
            .header("accept", "application/json")
            .header("accept-version", API_VERSION)
            .query(query);
        if let Some(token) = self.token() {
            request = request.bearer_auth(token);
        }
        if let Some(domain) = losantdomain {
            request = request.header("losantdomain", domain);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if !status.is_success() {
            let (kind, message) = match serde_json::from_slice::<me_wire::ErrorBody>(&bytes) {
                Ok(e) => (e.kind, e.message),
                Err(_) => (status.canonical_reason().unwrap_or("Error").to_owned(), Shown(&bytes).to_string()),
            };
            return Err(Error::Api { status: status.as_u16(), kind, message });
        }
        let value: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).map_err(|e| Error::Decode(format!("{e}: {}", Shown(&bytes))))?
        };
        serde_json::from_value(value).map_err(|e| Error::Decode(format!("{e}: {}", Shown(&bytes))))
    }
}

/// Serialises a body; our own types always serialise.
pub(crate) fn json<T: serde::Serialize>(body: &T) -> Result<Value> {
    serde_json::to_value(body).map_err(|e| Error::Decode(e.to_string()))
}

/// Adds `name=value` to a query when the value is set.
pub(crate) fn push(query: &mut Vec<(&'static str, String)>, name: &'static str, value: &Option<impl ToString>) {
    if let Some(v) = value {
        query.push((name, v.to_string()));
    }
}
