//! `POST /auth/user`: log in with email and password.

use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use me_wire::{AuthedUser, UserCredentials};

pub fn router() -> Router<AppState> {
    Router::new().route("/auth/user", post(authenticate_user))
}

async fn authenticate_user(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<UserCredentials>,
) -> ApiResult<Json<AuthedUser>> {
    Ok(Json(state.core.log_in(body).await?))
}
