//! The Me resource: the signed-in user.

mod identity;
mod platform;
mod profile;
mod usage;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().merge(profile::router()).merge(identity::router()).merge(platform::router()).merge(usage::router())
}
