//! The metering API: how the platform's other parts (MQTT broker, webhooks,
//! workflows, notebook runners) report usage, with a service token holding
//! `metering.write`. Also device state posts, counted as payloads.

use crate::error::ApiResult;
use crate::extract::{Auth, BearerToken, JsonBody};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::routing::post;
use axum::{Json, Router};
use me_wire::usage::{MeteringAck, NotebookBatch, PayloadBatch};
use me_wire::Success;

/// A batch of 10,000 events is about 1.5 MB of JSON.
pub const METERING_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// 1,000 state objects.
pub const STATE_BODY_LIMIT: usize = 1024 * 1024;

pub fn router() -> Router<AppState> {
    let metering = Router::new()
        .route("/metering/payloads", post(record_payloads))
        .route("/metering/notebookExecutions", post(record_notebook_executions))
        .layer(DefaultBodyLimit::max(METERING_BODY_LIMIT));
    let state = Router::new()
        .route("/applications/{app}/devices/{device}/state", post(send_device_state))
        .layer(DefaultBodyLimit::max(STATE_BODY_LIMIT));
    metering.merge(state)
}

async fn record_payloads(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    JsonBody(batch): JsonBody<PayloadBatch>,
) -> ApiResult<Json<MeteringAck>> {
    state.core.authenticate_service(&token)?;
    Ok(Json(state.core.record_payload_batch(batch).await?))
}

async fn record_notebook_executions(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    JsonBody(batch): JsonBody<NotebookBatch>,
) -> ApiResult<Json<MeteringAck>> {
    state.core.authenticate_service(&token)?;
    Ok(Json(state.core.record_notebook_batch(batch).await?))
}

async fn send_device_state(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((app, device)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Success>> {
    p.require("device.sendState")?;
    state.core.post_device_state(&p.user, &app, &device, &body).await?;
    Ok(Json(Success::TRUE))
}
