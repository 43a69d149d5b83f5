//! The error contract: every failure is JSON `{type, message}` with the status
//! its type names. Internal details go to the log, never to the caller.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use me_core::Error;
use me_wire::{ErrorBody, ErrorType};

/// An error on its way out as a response: a domain error, or one that only
/// HTTP knows (a body too large).
#[derive(Debug)]
pub enum ApiError {
    Core(Error),
    Http(ErrorType, String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::Core(e)
    }
}

impl ApiError {
    pub fn validation(msg: impl Into<String>) -> Self {
        ApiError::Core(Error::Validation(msg.into()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = match self {
            ApiError::Core(e) => e,
            ApiError::Http(kind, message) => return error_response(kind, message),
        };
        let (kind, message) = match e {
            Error::Validation(m) => (ErrorType::Validation, m),
            Error::Unauthorized(m) => (ErrorType::Unauthorized, m),
            Error::Forbidden(m) => (ErrorType::Forbidden, m),
            Error::NotFound(m) => (ErrorType::NotFound, m),
            Error::AlreadyExists(m) => (ErrorType::AlreadyExists, m),
            Error::Gone(m) => (ErrorType::Gone, m),
            Error::TooManyRequests(m) => (ErrorType::TooManyRequests, m),
            Error::Unavailable(m) => (ErrorType::ServiceUnavailable, m),
            Error::Internal(e) => {
                tracing::error!(error = %format!("{e:#}"), "internal error");
                (ErrorType::ServerError, "Something went wrong on the server".to_owned())
            }
        };
        error_response(kind, message)
    }
}

/// A response carrying `{type, message}` with the status of `kind`.
pub fn error_response(kind: ErrorType, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(ErrorBody::new(kind, message))).into_response()
}
