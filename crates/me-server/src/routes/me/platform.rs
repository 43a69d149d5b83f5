//! The Me actions that connect the user to the platform: invitations,
//! recent items and resource transfers.

use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody, QueryParams};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, patch};
use axum::{Json, Router};
use me_wire::me::RecentItemList;
use me_wire::platform::{OrgInviteActionUser, OrgInviteResultUser, OrgInviteUser, RecentItemPost, ResourceTransfer};
use me_wire::Success;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/invites", get(invites))
        .route("/me/invites/{invite_id}", get(invite).post(respond_to_invite))
        .route("/me/recentItems", get(fetch_recent_items).post(add_recent_item))
        .route("/me/transferResources", patch(transfer_resources))
}

async fn invites(State(state): State<AppState>, Auth(p): Auth) -> ApiResult<Json<Vec<OrgInviteUser>>> {
    p.require("me.invites")?;
    Ok(Json(state.core.my_invites(&p.user).await?))
}

async fn invite(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<OrgInviteUser>> {
    p.require("me.invite")?;
    Ok(Json(state.core.my_invite(&p.user, &id).await?))
}

async fn respond_to_invite(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<OrgInviteActionUser>,
) -> ApiResult<Json<OrgInviteResultUser>> {
    p.require("me.respondToInvite")?;
    Ok(Json(state.core.respond_to_invite(&p.user, &id, &body.action).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecentQuery {
    item_type: Option<String>,
    parent_id: Option<String>,
}

async fn fetch_recent_items(
    State(state): State<AppState>,
    Auth(p): Auth,
    QueryParams(q): QueryParams<RecentQuery>,
) -> ApiResult<Json<RecentItemList>> {
    p.require("me.fetchRecentItems")?;
    let item_type = q.item_type.ok_or_else(|| crate::error::ApiError::validation("itemType is required"))?;
    Ok(Json(state.core.recent_items(&p.user, &item_type, q.parent_id.as_deref()).await?))
}

async fn add_recent_item(
    State(state): State<AppState>,
    Auth(p): Auth,
    JsonBody(body): JsonBody<RecentItemPost>,
) -> ApiResult<Json<RecentItemList>> {
    p.require("me.addRecentItem")?;
    Ok(Json(state.core.add_recent_item(&p.user, body).await?))
}

async fn transfer_resources(
    State(state): State<AppState>,
    Auth(p): Auth,
    JsonBody(body): JsonBody<ResourceTransfer>,
) -> ApiResult<Json<Success>> {
    p.require("me.transferResources")?;
    state.core.transfer_resources(&p.user, body).await?;
    Ok(Json(Success::TRUE))
}
