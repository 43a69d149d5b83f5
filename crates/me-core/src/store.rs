//! What the rules need from storage, split by capability. me-store implements
//! it on SQLite and PostgreSQL; every method is one transaction.

use crate::redacted::Redacted;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub type StoreResult<T> = Result<T, StoreError>;

/// Storage failures a rule can act on are kept apart from the rest.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; names what (e.g. `email`).
    #[error("conflict on {0}")]
    Conflict(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A user as stored. Its `Debug` never shows the password hash.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
    pub title: Option<String>,
    pub phone_number: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub password_hash: Option<Redacted<String>>,
    pub password_last_updated: Option<DateTime<Utc>>,
    pub token_cutoff: Option<DateTime<Utc>>,
    pub email_verified: bool,
    pub two_factor_enabled: bool,
    pub github_name: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user to insert.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
    pub title: Option<String>,
    pub phone_number: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub password_hash: Option<Redacted<String>>,
    pub created_at: DateTime<Utc>,
}

/// Changes to a user; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub title: Option<String>,
    pub phone_number: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub password_hash: Option<Redacted<String>>,
    pub password_last_updated: Option<DateTime<Utc>>,
    pub token_cutoff: Option<DateTime<Utc>>,
    pub email_verified: Option<bool>,
}

/// How many of each resource a user has, for the `GET /me` summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SummaryCounts {
    pub applications: i64,
    pub dashboards: i64,
    pub devices: i64,
    pub flows: i64,
    pub notebooks: i64,
    pub organizations: i64,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// `Conflict("email")` when the email is taken.
    async fn insert_user(&self, user: &NewUser) -> StoreResult<UserRecord>;
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<UserRecord>>;
    /// `email` is matched exactly; rules store and look up lower-case emails.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>>;
    /// `NotFound` when the user is gone; `Conflict("email")` when a new email is taken.
    async fn update_user(
        &self,
        id: &str,
        changes: &UserChanges,
        now: DateTime<Utc>,
    ) -> StoreResult<UserRecord>;
    /// Deletes the user and everything they own, in one transaction.
    /// `NotFound` when there was no such user.
    async fn delete_user(&self, id: &str) -> StoreResult<()>;
    /// Counts what the user owns in their sandbox, and their organisations.
    async fn summary_counts(&self, user_id: &str) -> StoreResult<SummaryCounts>;
}

/// Everything the rules need, in one object.
pub trait Store: AccountStore {
    /// `sqlite` or `postgres`, for logs and health.
    fn backend(&self) -> &'static str;
}
