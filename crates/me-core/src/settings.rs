//! The rules' settings, resolved by the server from flags and environment.

use me_wire::Limits;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signup {
    Open,
    Closed,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Lifetime of a token when the caller asks for none shorter.
    pub token_ttl_secs: u64,
    pub signup: Signup,
    /// The limits every user's sandbox has.
    pub sandbox_limits: Limits,
    /// The issuer named in `otpauth://` URIs.
    pub totp_issuer: String,
    /// Base of links in mail (`<public_url>/verify-email?...`).
    pub public_url: String,
    /// First retry delay of a failed delivery; it doubles each time.
    pub outbox_retry_base: Duration,
    /// How often the sender looks for due mail when nothing wakes it.
    pub outbox_poll: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_ttl_secs: 30 * 24 * 3600,
            signup: Signup::Open,
            sandbox_limits: default_sandbox_limits(),
            totp_issuer: "me-api".into(),
            public_url: "http://127.0.0.1:8080".into(),
            outbox_retry_base: Duration::from_secs(5),
            outbox_poll: Duration::from_secs(5),
        }
    }
}

/// Generous limits for a self-hosted sandbox.
pub fn default_sandbox_limits() -> Limits {
    Limits {
        apitoken: Some(100),
        application: Some(100),
        dashboard: Some(100),
        device: Some(10_000),
        flow: Some(1_000),
        notebook: Some(100),
        data_ttl: Some(30 * 24 * 3600),
        payload: Some(100_000_000),
        notebook_minutes_per_run: Some(60),
        notebook_minutes_per_month: Some(10_000),
        notebook_in_parallel: Some(2),
    }
}
