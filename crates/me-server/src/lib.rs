//! The me-api HTTP service: the Losant Me resource and the platform routes
//! around it, over axum. One module per resource under `routes`; handlers are
//! thin (extract, call me-core, map), rules live in me-core.

pub mod app;
pub mod config;
pub mod error;
pub mod extract;
pub mod github;
pub mod mail;
pub mod routes;
pub mod secrets;
pub mod serve;
pub mod state;

pub use app::router;
pub use state::AppState;
