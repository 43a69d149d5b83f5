//! The error body every failure carries (`error.json`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The `type` of an error body, one per HTTP status the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorType {
    Validation,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    AlreadyExists,
    Gone,
    PayloadTooLarge,
    TooManyRequests,
    ServerError,
    ServiceUnavailable,
}

impl ErrorType {
    pub fn status(self) -> u16 {
        match self {
            ErrorType::Validation => 400,
            ErrorType::Unauthorized => 401,
            ErrorType::Forbidden => 403,
            ErrorType::NotFound => 404,
            ErrorType::MethodNotAllowed => 405,
            ErrorType::AlreadyExists => 409,
            ErrorType::Gone => 410,
            ErrorType::PayloadTooLarge => 413,
            ErrorType::TooManyRequests => 429,
            ErrorType::ServerError => 500,
            ErrorType::ServiceUnavailable => 503,
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// `{"type": "...", "message": "..."}`. `kind` stays a string so a client can
/// read error types this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        ErrorBody { kind: kind.to_string(), message: message.into() }
    }
}
