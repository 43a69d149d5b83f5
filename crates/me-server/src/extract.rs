//! Extractors that turn a request into what handlers need, with every
//! rejection in the `{type, message}` contract: the bearer token as a
//! [`Principal`], JSON bodies, and query strings.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::StatusCode;
use me_core::{Error, Principal};
use me_wire::ErrorType;
use serde::de::DeserializeOwned;

/// The caller, from `Authorization: Bearer <token>`: signature, expiry, user
/// and cut-off are checked here; scopes by the handler. The header is never
/// logged.
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let BearerToken(token) = BearerToken::from_request_parts(parts, state).await?;
        Ok(Auth(state.core.authenticate(&token).await?))
    }
}

/// The bearer token itself, unverified: for handlers that verify it together
/// with the data they read (`GET /me`).
pub struct BearerToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| Error::Unauthorized("Authorization header with a bearer token is required".into()))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::Unauthorized("Authorization header must be `Bearer <token>`".into()))?;
        Ok(BearerToken(token.to_owned()))
    }
}

/// A JSON body. Malformed JSON, a wrong shape or an unknown field (where the
/// schema forbids them) is 400 `Validation`; a body over the limit is 413.
/// The content type is not required: curl users forget it.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::Http(ErrorType::PayloadTooLarge, crate::app::TOO_LARGE.into())
            } else {
                ApiError::validation("The request body could not be read")
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::validation("A JSON request body is required"));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::validation(format!("Invalid request body: {}", describe(&e))))
    }
}

/// serde's message without the byte offsets of a syntax error's internals.
fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => {
            format!("malformed JSON at line {} column {}", e.line(), e.column())
        }
        Category::Data | Category::Io => e.to_string(),
    }
}

/// A query string parsed into `T`; unknown parameters (`_actions`, `_links`,
/// `_embedded`, ...) are ignored, a bad value is 400 `Validation`.
pub struct QueryParams<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded_like(query)
            .map(QueryParams)
            .map_err(|e| ApiError::validation(format!("Invalid query string: {e}")))
    }
}

fn serde_urlencoded_like<T: DeserializeOwned>(query: &str) -> Result<T, String> {
    axum::extract::Query::<T>::try_from_uri(&format!("/?{query}").parse().map_err(|_| "unreadable".to_owned())?)
        .map(|q| q.0)
        .map_err(|e| e.body_text())
}

/// A boolean query parameter: `true` or `false` (absent or empty is false).
pub fn query_flag(name: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::validation(format!("{name} must be true or false"))),
    }
}
