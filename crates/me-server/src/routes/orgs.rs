//! Organisations, their members and invitations.

use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody, QueryParams};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use me_wire::platform::{ItemList, MemberPatch, NamePatch, Org, OrgInvite, OrgInvitePost, OrgPost};
use me_wire::Success;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list_orgs).post(create_org))
        .route("/orgs/{org_id}", get(get_org).patch(patch_org).delete(delete_org))
        .route("/orgs/{org_id}/invites", get(pending_invites).post(invite_member).delete(revoke_invite))
        .route("/orgs/{org_id}/member", axum::routing::patch(modify_member).delete(remove_member))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InviteQuery {
    invite_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemberQuery {
    user_id: String,
}

async fn list_orgs(State(state): State<AppState>, Auth(p): Auth) -> ApiResult<Json<ItemList<Org>>> {
    p.require("orgs.get")?;
    Ok(Json(state.core.list_orgs(&p.user).await?))
}

async fn create_org(
    State(state): State<AppState>,
    Auth(p): Auth,
    JsonBody(body): JsonBody<OrgPost>,
) -> ApiResult<(StatusCode, Json<Org>)> {
    p.require("orgs.post")?;
    Ok((StatusCode::CREATED, Json(state.core.create_org(&p.user, body).await?)))
}

async fn get_org(State(state): State<AppState>, Auth(p): Auth, Path(org_id): Path<String>) -> ApiResult<Json<Org>> {
    p.require("org.get")?;
    Ok(Json(state.core.get_org(&p.user, &org_id).await?))
}

async fn patch_org(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<NamePatch>,
) -> ApiResult<Json<Org>> {
    p.require("org.patch")?;
    Ok(Json(state.core.patch_org(&p.user, &org_id, body).await?))
}

async fn delete_org(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(org_id): Path<String>,
) -> ApiResult<Json<Success>> {
    p.require("org.delete")?;
    state.core.delete_org(&p.user, &org_id).await?;
    Ok(Json(Success::TRUE))
}

async fn pending_invites(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(org_id): Path<String>,
) -> ApiResult<Json<Vec<OrgInvite>>> {
    p.require("org.pendingInvites")?;
    Ok(Json(state.core.org_invites(&p.user, &org_id).await?))
}

async fn invite_member(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<OrgInvitePost>,
) -> ApiResult<Json<Vec<OrgInvite>>> {
    p.require("org.inviteMember")?;
    Ok(Json(state.core.invite_member(&p.user, &org_id, body).await?))
}

async fn revoke_invite(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(org_id): Path<String>,
    QueryParams(q): QueryParams<InviteQuery>,
) -> ApiResult<Json<Vec<OrgInvite>>> {
    p.require("org.revokeInvite")?;
    Ok(Json(state.core.revoke_invite(&p.user, &org_id, &q.invite_id).await?))
}

async fn modify_member(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<MemberPatch>,
) -> ApiResult<Json<Org>> {
    p.require("org.modifyMember")?;
    Ok(Json(state.core.modify_member(&p.user, &org_id, body).await?))
}

async fn remove_member(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(org_id): Path<String>,
    QueryParams(q): QueryParams<MemberQuery>,
) -> ApiResult<Json<Org>> {
    p.require("org.removeMember")?;
    Ok(Json(state.core.remove_member(&p.user, &org_id, &q.user_id).await?))
}
