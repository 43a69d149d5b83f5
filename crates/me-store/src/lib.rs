//! Store implementations of me-api over sqlx: SQLite (the embedded default,
//! WAL mode) and PostgreSQL (for many stateless instances). The SQL is
//! written once in the dialect both share and runs through sqlx's `Any`
//! driver; each backend keeps its own migration set.

mod accounts;
mod connect;
mod identity;
mod orgs;
mod outbox;
mod resources;
mod rows;
pub mod testing;
mod usage;

pub use connect::{Backend, SqlStore};
