//! The profile and the account: get, patch, changePassword, refreshToken, delete.

use crate::error::ApiResult;
use crate::extract::{Auth, BearerToken, JsonBody, QueryParams};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use me_core::me::SummaryFilter;
use me_wire::{AuthedUser, ChangePassword, Me, MePatch, Success, UserCredentials};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(get_me).patch(patch_me))
        .route("/me/changePassword", patch(change_password))
        .route("/me/refreshToken", get(refresh_token))
        .route("/me/delete", post(delete_me))
}

/// `?summaryInclude=&summaryExclude=` (and `includeRecent`, for `GET /me`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MeQuery {
    include_recent: Option<String>,
    summary_include: Option<String>,
    summary_exclude: Option<String>,
}

impl MeQuery {
    fn include_recent(&self) -> ApiResult<bool> {
        crate::extract::query_flag("includeRecent", self.include_recent.as_deref())
    }

    pub(super) fn filter(&self) -> SummaryFilter {
        SummaryFilter::parse(self.summary_include.as_deref(), self.summary_exclude.as_deref())
    }
}

/// The busiest route: the token's user and their summary come in one read.
async fn get_me(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    QueryParams(query): QueryParams<MeQuery>,
) -> ApiResult<Json<Me>> {
    let (principal, counts) = state.core.authenticate_with_summary(&token).await?;
    principal.require("me.get")?;
    let filter = query.filter();
    let mut me = state.core.me_with(&principal.user, counts, &filter);
    state.core.complete_me(&principal.user, &mut me, &filter, query.include_recent()?).await?;
    Ok(Json(me))
}

async fn patch_me(
    State(state): State<AppState>,
    Auth(principal): Auth,
    QueryParams(query): QueryParams<MeQuery>,
    JsonBody(body): JsonBody<MePatch>,
) -> ApiResult<Json<Me>> {
    principal.require("me.patch")?;
    let user = state.core.patch_me(&principal.user, body).await?;
    let filter = query.filter();
    let mut me = state.core.me(&user, &filter).await?;
    state.core.complete_me(&user, &mut me, &filter, false).await?;
    Ok(Json(me))
}

async fn change_password(
    State(state): State<AppState>,
    Auth(principal): Auth,
    JsonBody(body): JsonBody<ChangePassword>,
) -> ApiResult<Json<AuthedUser>> {
    principal.require("me.changePassword")?;
    Ok(Json(state.core.change_password(&principal, body).await?))
}

async fn refresh_token(State(state): State<AppState>, Auth(principal): Auth) -> ApiResult<Json<AuthedUser>> {
    principal.require("me.refreshToken")?;
    Ok(Json(state.core.refresh_token(&principal)?))
}

async fn delete_me(
    State(state): State<AppState>,
    Auth(principal): Auth,
    JsonBody(body): JsonBody<UserCredentials>,
) -> ApiResult<Json<Success>> {
    principal.require("me.delete")?;
    state.core.delete_me(&principal, body).await?;
    Ok(Json(Success::TRUE))
}
