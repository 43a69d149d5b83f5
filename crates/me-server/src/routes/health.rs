//! `GET /health`: the process is up and serving.

use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(get_health))
}

async fn get_health(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "status": "ok", "backend": state.core.store.backend() }))
}
