//! Logging in (with a password, or a linked GitHub account) and confirming
//! an email address.

use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use me_wire::{AuthedUser, EmailVerificationVerify, GithubLogin, Success, UserCredentials};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/user", post(authenticate_user))
        .route("/auth/user/github", post(authenticate_user_github))
        .route("/auth/verifyEmail", post(verify_email))
}

async fn authenticate_user(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<UserCredentials>,
) -> ApiResult<Json<AuthedUser>> {
    Ok(Json(state.core.log_in(body).await?))
}

async fn authenticate_user_github(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<GithubLogin>,
) -> ApiResult<Json<AuthedUser>> {
    Ok(Json(state.core.log_in_github(body).await?))
}

async fn verify_email(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<EmailVerificationVerify>,
) -> ApiResult<Json<Success>> {
    state.core.verify_email(body).await?;
    Ok(Json(Success::TRUE))
}
