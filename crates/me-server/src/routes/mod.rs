//! One module per resource; each exposes `router()`.

pub mod auth;
pub mod health;
pub mod me;
pub mod metering;
pub mod openapi;
pub mod orgs;
pub mod resources;
pub mod users;
