//! Applications and dashboards, and the devices, flows and notebooks inside
//! an application. One set of handlers serves every kind; the kind comes
//! from the route.

use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use me_core::store::Kind;
use me_wire::platform::{ApplicationPost, ChildPost, ItemList, NamePatch, Resource};
use me_wire::Success;

pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for (kind, list, one) in [
        (Kind::Application, "/applications", "/applications/{id}"),
        (Kind::Dashboard, "/dashboards", "/dashboards/{id}"),
    ] {
        router = router
            .route(list, get(move |s, a| list_top(s, a, kind)).post(move |s, a, b| create_top(s, a, b, kind)))
            .route(
                one,
                get(move |s, a, p| get_top(s, a, p, kind))
                    .patch(move |s, a, p, b| patch_top(s, a, p, b, kind))
                    .delete(move |s, a, p| delete_top(s, a, p, kind)),
            );
    }
    for (kind, list, one) in [
        (Kind::Device, "/applications/{app}/devices", "/applications/{app}/devices/{id}"),
        (Kind::Flow, "/applications/{app}/flows", "/applications/{app}/flows/{id}"),
        (Kind::Notebook, "/applications/{app}/notebooks", "/applications/{app}/notebooks/{id}"),
    ] {
        router = router
            .route(
                list,
                get(move |s, a, p| list_children(s, a, p, kind)).post(move |s, a, p, b| create_child(s, a, p, b, kind)),
            )
            .route(
                one,
                get(move |s, a, p| get_child(s, a, p, kind))
                    .patch(move |s, a, p, b| patch_child(s, a, p, b, kind))
                    .delete(move |s, a, p| delete_child(s, a, p, kind)),
            );
    }
    router
}

/// The scope of an action on a kind: `applications.get`, `device.patch`, ...
fn scope(kind: Kind, plural: bool, action: &str) -> String {
    format!("{}{}.{action}", kind.noun(), if plural { "s" } else { "" })
}

async fn list_top(State(state): State<AppState>, Auth(p): Auth, kind: Kind) -> ApiResult<Json<ItemList<Resource>>> {
    p.require(&scope(kind, true, "get"))?;
    Ok(Json(state.core.list_top(&p.user, kind).await?))
}

async fn create_top(
    State(state): State<AppState>,
    Auth(p): Auth,
    JsonBody(body): JsonBody<ApplicationPost>,
    kind: Kind,
) -> ApiResult<(StatusCode, Json<Resource>)> {
    p.require(&scope(kind, true, "post"))?;
    Ok((StatusCode::CREATED, Json(state.core.create_top(&p.user, kind, body).await?)))
}

async fn get_top(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    kind: Kind,
) -> ApiResult<Json<Resource>> {
    p.require(&scope(kind, false, "get"))?;
    Ok(Json(state.core.get_resource(&p.user, kind, &id, None).await?))
}

async fn patch_top(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NamePatch>,
    kind: Kind,
) -> ApiResult<Json<Resource>> {
    p.require(&scope(kind, false, "patch"))?;
    Ok(Json(state.core.patch_resource(&p.user, kind, &id, None, body).await?))
}

async fn delete_top(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    kind: Kind,
) -> ApiResult<Json<Success>> {
    p.require(&scope(kind, false, "delete"))?;
    state.core.delete_resource(&p.user, kind, &id, None).await?;
    Ok(Json(Success::TRUE))
}

async fn list_children(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(app): Path<String>,
    kind: Kind,
) -> ApiResult<Json<ItemList<Resource>>> {
    p.require(&scope(kind, true, "get"))?;
    Ok(Json(state.core.list_children(&p.user, kind, &app).await?))
}

async fn create_child(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(app): Path<String>,
    JsonBody(body): JsonBody<ChildPost>,
    kind: Kind,
) -> ApiResult<(StatusCode, Json<Resource>)> {
    p.require(&scope(kind, true, "post"))?;
    Ok((StatusCode::CREATED, Json(state.core.create_child(&p.user, kind, &app, body).await?)))
}

async fn get_child(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((app, id)): Path<(String, String)>,
    kind: Kind,
) -> ApiResult<Json<Resource>> {
    p.require(&scope(kind, false, "get"))?;
    Ok(Json(state.core.get_resource(&p.user, kind, &id, Some(&app)).await?))
}

async fn patch_child(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((app, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<NamePatch>,
    kind: Kind,
) -> ApiResult<Json<Resource>> {
    p.require(&scope(kind, false, "patch"))?;
    Ok(Json(state.core.patch_resource(&p.user, kind, &id, Some(&app), body).await?))
}

async fn delete_child(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((app, id)): Path<(String, String)>,
    kind: Kind,
) -> ApiResult<Json<Success>> {
    p.require(&scope(kind, false, "delete"))?;
    state.core.delete_resource(&p.user, kind, &id, Some(&app)).await?;
    Ok(Json(Success::TRUE))
}
