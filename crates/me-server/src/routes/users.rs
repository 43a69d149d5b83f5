//! `POST /users`: sign up, where the server allows it.

use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use me_wire::{AuthedUser, UserPost};

pub fn router() -> Router<AppState> {
    Router::new().route("/users", post(create_user))
}

async fn create_user(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<UserPost>,
) -> ApiResult<(StatusCode, Json<AuthedUser>)> {
    Ok((StatusCode::CREATED, Json(state.core.sign_up(body).await?)))
}
