//! The rules' settings, resolved by the server from flags and environment.

use me_wire::Limits;

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_ttl_secs: 30 * 24 * 3600,
            signup: Signup::Open,
            sandbox_limits: default_sandbox_limits(),
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
