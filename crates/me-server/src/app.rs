//! The router: every resource's routes merged in one place, and the layers
//! every request passes (trace, body limit, timeout, panic guard, and the
//! rewrite of any bare error into `{type, message}`).

use crate::error::error_response;
use crate::routes;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use me_wire::ErrorType;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Bodies over this many bytes are refused with 413.
pub const BODY_LIMIT: usize = 256 * 1024;
pub const TOO_LARGE: &str = "The request body is too large (256 KiB at most; 4 MiB for metering batches)";

pub fn router(state: AppState, request_timeout: Duration) -> Router {
    Router::new()
        .merge(routes::health::router())
        .merge(routes::auth::router())
        .merge(routes::users::router())
        .merge(routes::me::router())
        .merge(routes::orgs::router())
        .merge(routes::resources::router())
        .merge(routes::metering::router())
        .merge(routes::openapi::router())
        .fallback(|| async { error_response(ErrorType::NotFound, "No such route") })
        .method_not_allowed_fallback(|| async {
            error_response(ErrorType::MethodNotAllowed, "This method is not allowed on this route")
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(json_errors))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, request_timeout))
        .layer(CatchPanicLayer::custom(|_| {
            error_response(ErrorType::ServerError, "Something went wrong on the server")
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Any error response that is not JSON yet (from a layer or axum itself)
/// becomes `{type, message}`, so clients only ever parse one error shape.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (kind, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorType::PayloadTooLarge, TOO_LARGE),
        StatusCode::SERVICE_UNAVAILABLE => (ErrorType::ServiceUnavailable, "The request took too long"),
        StatusCode::METHOD_NOT_ALLOWED => (ErrorType::MethodNotAllowed, "This method is not allowed on this route"),
        StatusCode::NOT_FOUND => (ErrorType::NotFound, "No such route"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (ErrorType::Validation, "The request body must be JSON"),
        s if s.is_client_error() => (ErrorType::Validation, "The request could not be understood"),
        _ => (ErrorType::ServerError, "Something went wrong on the server"),
    };
    let mut out = error_response(kind, message);
    out.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}
