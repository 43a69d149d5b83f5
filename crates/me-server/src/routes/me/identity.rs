//! What protects and links the account: TOTP two-factor auth, email
//! verification, the GitHub link.

use super::profile::MeQuery;
use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody, QueryParams};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::{patch, post};
use axum::{Json, Router};
use me_wire::{DisableTwoFactorAuth, EnableTwoFactorAuth, GithubLogin, Me, Success, TwoFactorAuthInfo};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/generateTwoFactorAuth", patch(generate_two_factor_auth))
        .route("/me/enableTwoFactorAuth", patch(enable_two_factor_auth))
        .route("/me/disableTwoFactorAuth", patch(disable_two_factor_auth))
        .route("/me/verify-email", post(verify_email))
        .route("/me/connectGithub", patch(connect_github))
        .route("/me/disconnectGithub", patch(disconnect_github))
}

async fn generate_two_factor_auth(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> ApiResult<Json<TwoFactorAuthInfo>> {
    principal.require("me.generateTwoFactorAuth")?;
    Ok(Json(state.core.generate_two_factor_auth(&principal.user).await?))
}

async fn enable_two_factor_auth(
    State(state): State<AppState>,
    Auth(principal): Auth,
    QueryParams(query): QueryParams<MeQuery>,
    JsonBody(body): JsonBody<EnableTwoFactorAuth>,
) -> ApiResult<Json<Me>> {
    principal.require("me.enableTwoFactorAuth")?;
    let user = state.core.enable_two_factor_auth(&principal.user, body).await?;
    Ok(Json(state.core.me(&user, &query.filter()).await?))
}

async fn disable_two_factor_auth(
    State(state): State<AppState>,
    Auth(principal): Auth,
    QueryParams(query): QueryParams<MeQuery>,
    JsonBody(body): JsonBody<DisableTwoFactorAuth>,
) -> ApiResult<Json<Me>> {
    principal.require("me.disableTwoFactorAuth")?;
    let user = state.core.disable_two_factor_auth(&principal.user, body).await?;
    Ok(Json(state.core.me(&user, &query.filter()).await?))
}

async fn verify_email(State(state): State<AppState>, Auth(principal): Auth) -> ApiResult<Json<Success>> {
    principal.require("me.verifyEmail")?;
    state.core.request_email_verification(&principal.user).await?;
    Ok(Json(Success::TRUE))
}

async fn connect_github(
    State(state): State<AppState>,
    Auth(principal): Auth,
    QueryParams(query): QueryParams<MeQuery>,
    JsonBody(body): JsonBody<GithubLogin>,
) -> ApiResult<Json<Me>> {
    principal.require("me.connectGithub")?;
    let user = state.core.connect_github(&principal.user, body).await?;
    Ok(Json(state.core.me(&user, &query.filter()).await?))
}

async fn disconnect_github(
    State(state): State<AppState>,
    Auth(principal): Auth,
    QueryParams(query): QueryParams<MeQuery>,
) -> ApiResult<Json<Me>> {
    principal.require("me.disconnectGithub")?;
    let user = state.core.disconnect_github(&principal.user).await?;
    Ok(Json(state.core.me(&user, &query.filter()).await?))
}
