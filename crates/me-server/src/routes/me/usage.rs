//! The usage counters of everything the user owns.

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, QueryParams};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use me_core::usage::{MAX_DAILY_DAYS, MAX_HOURLY_DAYS};
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

fn flag(name: &str, value: &Option<String>) -> ApiResult<bool> {
    match value.as_deref() {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::validation(format!("{name} must be true or false"))),
    }
}

async fn device_counts(
    State(state): State<AppState>,
    Auth(p): Auth,
    QueryParams(q): QueryParams<RangeQuery>,
) -> ApiResult<Json<DeviceCounts>> {
    p.require("me.deviceCounts")?;
    let range = state.core.usage_range(q.start.as_deref(), q.end.as_deref(), MAX_DAILY_DAYS)?;
    Ok(Json(state.core.device_counts(&p.user, range).await?))
}

async fn payload_counts(
    State(state): State<AppState>,
    Auth(p): Auth,
    QueryParams(q): QueryParams<RangeQuery>,
) -> ApiResult<Json<PayloadStats>> {
    p.require("me.payloadCounts")?;
    let range = state.core.usage_range(q.start.as_deref(), q.end.as_deref(), MAX_DAILY_DAYS)?;
    Ok(Json(state.core.payload_counts(&p.user, range).await?))
}

async fn payload_counts_breakdown(
    State(state): State<AppState>,
    Auth(p): Auth,
    QueryParams(q): QueryParams<RangeQuery>,
) -> ApiResult<Json<PayloadCountsBreakdown>> {
    p.require("me.payloadCountsBreakdown")?;
    let hourly = match q.resolution.as_deref() {
        None | Some("") | Some("86400000") => false,
        Some("3600000") => true,
        Some(_) => return Err(ApiError::validation("resolution must be 86400000 (a day) or 3600000 (an hour)")),
    };
    let max = if hourly { MAX_HOURLY_DAYS } else { MAX_DAILY_DAYS };
    let range = state.core.usage_range(q.start.as_deref(), q.end.as_deref(), max)?;
    let (as_bytes, non_billable) =
        (flag("asBytes", &q.as_bytes)?, flag("includeNonBillable", &q.include_non_billable)?);
    Ok(Json(state.core.payload_breakdown(&p.user, range, hourly, as_bytes, non_billable).await?))
}

async fn notebook_minute_counts(
    State(state): State<AppState>,
    Auth(p): Auth,
    QueryParams(q): QueryParams<RangeQuery>,
) -> ApiResult<Json<NotebookMinuteCounts>> {
    p.require("me.notebookMinuteCounts")?;
    let range = state.core.usage_range(q.start.as_deref(), q.end.as_deref(), MAX_DAILY_DAYS)?;
    Ok(Json(state.core.notebook_minute_counts(&p.user, range).await?))
}
