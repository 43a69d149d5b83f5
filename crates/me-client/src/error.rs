//! The one error type of the SDK.

use std::fmt;

/// What can go wrong calling the API. Never a panic on a surprising body.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with an error status and (usually) a
    /// `{type, message}` body.
    #[error("{status} {kind}: {message}")]
    Api {
        status: u16,
        /// The error `type`, e.g. `Validation`, `Unauthorized`.
        kind: String,
        message: String,
    },
    /// The request did not get an answer (connection, TLS, timeout).
    #[error("transport error: {0}")]
    Transport(#[from] reqwest::Error),
    /// The answer was not the JSON the API promises.
    #[error("unexpected response body: {0}")]
    Decode(String),
    /// The client itself was set up wrong (a bad base URL, a missing token).
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) struct Shown<'a>(pub &'a [u8]);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(self.0);
        let short: String = text.chars().take(200).collect();
        f.write_str(&short)
    }
}
