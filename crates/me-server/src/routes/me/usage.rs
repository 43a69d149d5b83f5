//! The usage counters of everything the user owns.

use crate::error::ApiResult;
use crate::extract::{query_flag, Auth, QueryParams};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use me_wire::usage::{DeviceCounts, NotebookMinuteCounts, PayloadCountsBreakdown, PayloadStats};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/deviceCounts", get(device_counts))
        .route("/me/payloadCounts", get(payload_counts))
        .route("/me/payloadCountsBreakdown", get(payload_counts_breakdown))
        .route("/me/notebookMinuteCounts", get(notebook_minute_counts))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RangeQuery {
    start: Option<String>,
    end: Option<String>,
    resolution: Option<String>,
    as_bytes: Option<String>,
    include_non_billable: Option<String>,
}

async fn device_counts(
    State(state): State<AppState>,
    Auth(p): Auth,
    QueryParams(q): QueryParams<RangeQuery>,
) -> ApiResult<Json<DeviceCounts>> {
    p.require("me.deviceCounts")?;
    Ok(Json(state.core.device_counts(&p.user, q.start.as_deref(), q.end.as_deref()).await?))
}

async fn payload_counts(
    State(state): State<AppState>,
    Auth(p): Auth,
    QueryParams(q): QueryParams<RangeQuery>,
) -> ApiResult<Json<PayloadStats>> {
    p.require("me.payloadCounts")?;
    Ok(Json(state.core.payload_counts(&p.user, q.start.as_deref(), q.end.as_deref()).await?))
}

async fn payload_counts_breakdown(
    State(state): State<AppState>,
    Auth(p): Auth,
    QueryParams(q): QueryParams<RangeQuery>,
) -> ApiResult<Json<PayloadCountsBreakdown>> {
    p.require("me.payloadCountsBreakdown")?;
    let (as_bytes, non_billable) = (
        query_flag("asBytes", q.as_bytes.as_deref())?,
        query_flag("includeNonBillable", q.include_non_billable.as_deref())?,
    );
    let (start, end, resolution) = (q.start.as_deref(), q.end.as_deref(), q.resolution.as_deref());
    Ok(Json(state.core.payload_breakdown(&p.user, start, end, resolution, as_bytes, non_billable).await?))
}

async fn notebook_minute_counts(
    State(state): State<AppState>,
    Auth(p): Auth,
    QueryParams(q): QueryParams<RangeQuery>,
) -> ApiResult<Json<NotebookMinuteCounts>> {
    p.require("me.notebookMinuteCounts")?;
    Ok(Json(state.core.notebook_minute_counts(&p.user, q.start.as_deref(), q.end.as_deref()).await?))
}
