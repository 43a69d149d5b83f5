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
    /// The active TOTP key, sealed (see [`crate::sealed`]).
    pub totp_key: Option<Redacted<String>>,
    /// A key generated but not yet confirmed with a code, sealed.
    pub totp_pending: Option<Redacted<String>>,
    /// The last TOTP step accepted.
    pub totp_last_step: Option<i64>,
    pub github_id: Option<String>,
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
    async fn update_user(&self, id: &str, changes: &UserChanges, now: DateTime<Utc>) -> StoreResult<UserRecord>;
    /// Deletes the user and everything they own, in one transaction.
    /// `NotFound` when there was no such user.
    async fn delete_user(&self, id: &str) -> StoreResult<()>;
    /// Counts what the user owns in their sandbox, and their organisations.
    async fn summary_counts(&self, user_id: &str) -> StoreResult<SummaryCounts>;
    /// The user and their summary in one read (`GET /me`'s hot path).
    async fn user_with_summary(&self, id: &str) -> StoreResult<Option<(UserRecord, SummaryCounts)>>;
}

/// TOTP keys and spent steps.
#[async_trait]
pub trait SecondFactorStore: Send + Sync {
    /// Replaces the pending key.
    async fn set_pending_totp(&self, user_id: &str, sealed: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Makes `sealed` the active key (clearing the pending one) and spends
    /// `step`, provided the pending key is still `sealed`; false otherwise.
    async fn activate_totp(&self, user_id: &str, sealed: &str, step: i64, now: DateTime<Utc>) -> StoreResult<bool>;
    async fn clear_totp(&self, user_id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Spends `step` if it is later than every step spent before; false when
    /// it is not (a replayed code). Atomic across requests and instances.
    async fn spend_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool>;
}

/// Failed passwords and codes per account, for throttling.
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// Failures recorded for `account` since `since` (older ones count as none).
    async fn recent_failures(&self, account: &str, since: DateTime<Utc>) -> StoreResult<i64>;
    /// Counts one more failure; a count older than `since` starts again at one.
    async fn record_failure(&self, account: &str, now: DateTime<Utc>, since: DateTime<Utc>) -> StoreResult<()>;
    async fn clear_failures(&self, account: &str) -> StoreResult<()>;
}

/// A verification token to keep, as a hash.
#[derive(Debug, Clone)]
pub struct NewVerification {
    pub token_hash: String,
    pub user_id: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyOutcome {
    Verified,
    /// No such token, already used, or for another address.
    Invalid,
    Expired,
}

#[async_trait]
pub trait VerificationStore: Send + Sync {
    /// In one transaction: takes the user's send slot unless one was taken
    /// after `not_before` (then false, nothing written), keeps the token and
    /// queues the mail.
    async fn start_email_verification(
        &self,
        v: &NewVerification,
        mail: &NewMail,
        not_before: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Spends the token and marks the user's email verified, if the token is
    /// unused, unexpired, and for the user's current address.
    async fn finish_email_verification(
        &self,
        token_hash: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<VerifyOutcome>;
}

/// A message for the outbox.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A queued message, claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    async fn queue_mail(&self, mail: &NewMail) -> StoreResult<()>;
    /// Claims up to `limit` unsent messages due by `now` until `lease_until`,
    /// so that no other sender takes them meanwhile.
    async fn claim_due_mail(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMail>>;
    /// Marks a message sent and forgets its body (it may hold a token).
    async fn mark_mail_sent(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn mark_mail_failed(&self, id: &str, attempts: i64, retry_at: DateTime<Utc>, error: &str) -> StoreResult<()>;
    /// Messages not yet sent.
    async fn unsent_mail_count(&self) -> StoreResult<i64>;
}

/// The link between a user and a GitHub account.
#[async_trait]
pub trait GithubLinkStore: Send + Sync {
    async fn user_by_github_id(&self, github_id: &str) -> StoreResult<Option<UserRecord>>;
    /// `Conflict("github")` when the GitHub account is linked to another user.
    async fn link_github(
        &self,
        user_id: &str,
        github_id: &str,
        login: &str,
        avatar_url: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<UserRecord>;
    async fn unlink_github(&self, user_id: &str, now: DateTime<Utc>) -> StoreResult<UserRecord>;
}

/// Everything the rules need, in one object.
pub trait Store:
    AccountStore
    + SecondFactorStore
    + ThrottleStore
    + VerificationStore
    + OutboxStore
    + GithubLinkStore
    + OrgStore
    + InviteStore
    + ResourceStore
    + RecentStore
    + UsageStore
{
    /// `sqlite` or `postgres`, for logs and health.
    fn backend(&self) -> &'static str;
}

/// Who owns an application or dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// A user's sandbox.
    User(String),
    Org(String),
}

impl Owner {
    pub fn kind(&self) -> &'static str {
        match self {
            Owner::User(_) => "user",
            Owner::Org(_) => "org",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Owner::User(id) | Owner::Org(id) => id,
        }
    }

    pub fn from_parts(kind: &str, id: String) -> Owner {
        if kind == "org" {
            Owner::Org(id)
        } else {
            Owner::User(id)
        }
    }
}

/// The kinds of resource the platform keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Application,
    Dashboard,
    Device,
    Flow,
    Notebook,
}

impl Kind {
    /// Applications and dashboards have owners; the rest live in an application.
    pub fn is_top_level(self) -> bool {
        matches!(self, Kind::Application | Kind::Dashboard)
    }

    pub fn table(self) -> &'static str {
        match self {
            Kind::Application => "applications",
            Kind::Dashboard => "dashboards",
            Kind::Device => "devices",
            Kind::Flow => "flows",
            Kind::Notebook => "notebooks",
        }
    }

    /// The name of the kind's own id field on the wire (`applicationId`, ...).
    pub fn id_field(self) -> &'static str {
        match self {
            Kind::Application => "applicationId",
            Kind::Dashboard => "dashboardId",
            Kind::Device => "deviceId",
            Kind::Flow => "flowId",
            Kind::Notebook => "notebookId",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::Dashboard => "dashboard",
            Kind::Device => "device",
            Kind::Flow => "flow",
            Kind::Notebook => "notebook",
        }
    }
}

/// A stored resource. `owner` is set for top-level kinds, `application_id`
/// for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRecord {
    pub id: String,
    pub kind: Kind,
    pub owner: Option<Owner>,
    pub application_id: Option<String>,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRecord {
    pub id: String,
    pub name: String,
    pub description: String,
    pub icon_color: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub user_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: String,
    pub two_factor_enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub email: String,
    pub role: String,
    pub invited_by_name: Option<String>,
    pub invited_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// The invitation is answered; for an accept, the user is a member.
    Answered {
        org_id: String,
    },
    NotFound,
    Expired,
}

#[async_trait]
pub trait OrgStore: Send + Sync {
    /// The organisation and its creator as `admin`, in one transaction.
    async fn create_org(&self, org: &OrgRecord, admin: &str) -> StoreResult<()>;
    async fn org(&self, id: &str) -> StoreResult<Option<OrgRecord>>;
    /// The user's organisations and their role in each.
    async fn orgs_of(&self, user_id: &str) -> StoreResult<Vec<(OrgRecord, String)>>;
    async fn update_org(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<OrgRecord>;
    /// Deletes the organisation, its resources, memberships and invitations.
    async fn delete_org(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn members(&self, org_id: &str) -> StoreResult<Vec<MemberRecord>>;
    async fn role_of(&self, org_id: &str, user_id: &str) -> StoreResult<Option<String>>;
    /// `NotFound` when not a member; `Conflict("last admin")` when the change
    /// would leave the organisation without an admin (nothing changes then).
    async fn set_member_role(&self, org_id: &str, user_id: &str, role: &str) -> StoreResult<()>;
    async fn remove_member(&self, org_id: &str, user_id: &str) -> StoreResult<()>;
    /// Organisations the user is the only admin of, while others are members.
    async fn sole_admin_orgs_with_others(&self, user_id: &str) -> StoreResult<Vec<OrgRecord>>;
}

#[async_trait]
pub trait InviteStore: Send + Sync {
    /// Keeps the invitation and queues its mail in one transaction.
    /// `Conflict("invitation")` when one is already pending for that email.
    async fn create_invite(&self, invite: &InviteRecord, mail: &NewMail, now: DateTime<Utc>) -> StoreResult<()>;
    /// Unanswered invitations of an organisation (expired ones too).
    async fn org_invites(&self, org_id: &str) -> StoreResult<Vec<InviteRecord>>;
    async fn revoke_invite(&self, org_id: &str, invite_id: &str) -> StoreResult<bool>;
    /// Unanswered invitations addressed to `email`.
    async fn invites_for(&self, email: &str) -> StoreResult<Vec<InviteRecord>>;
    /// Answers an unanswered, unexpired invitation once; for `accepted` the
    /// user becomes a member with the invited role, in the same transaction.
    async fn answer_invite(
        &self,
        invite_id: &str,
        email: &str,
        answer: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<AnswerOutcome>;
}

#[async_trait]
pub trait ResourceStore: Send + Sync {
    /// A new device is counted as created on the day it was made.
    async fn insert_resource(&self, r: &ResourceRecord) -> StoreResult<()>;
    async fn resource(&self, kind: Kind, id: &str) -> StoreResult<Option<ResourceRecord>>;
    /// The resource and its top-level owner (its application's, for devices,
    /// flows and notebooks) in one read.
    async fn resource_with_owner(&self, kind: Kind, id: &str) -> StoreResult<Option<(ResourceRecord, Owner)>>;
    /// Top-level resources of these owners.
    async fn resources_of(&self, kind: Kind, owners: &[Owner]) -> StoreResult<Vec<ResourceRecord>>;
    /// Devices, flows or notebooks of an application.
    async fn children_of(&self, kind: Kind, application_id: &str) -> StoreResult<Vec<ResourceRecord>>;
    async fn update_resource(
        &self,
        kind: Kind,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<ResourceRecord>;
    /// Deletes it (an application with what it contains). Devices that go
    /// are counted as deleted on the day of `now`.
    async fn delete_resource(&self, kind: Kind, id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Devices in the applications of `owner`.
    async fn device_count(&self, owner: &Owner) -> StoreResult<i64>;
    /// Moves applications and dashboards to `to`, each only if it still has
    /// the owner given with it. With `all_or_nothing`, a move that no longer
    /// matches undoes them all (`Conflict("transfer")`). Returns how many moved.
    async fn move_resources(
        &self,
        moves: &[(Kind, String, Owner)],
        to: &Owner,
        all_or_nothing: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<usize>;
}

#[async_trait]
pub trait RecentStore: Send + Sync {
    /// Puts the item first in its list, keeping the `keep` newest.
    async fn touch_recent(
        &self,
        user_id: &str,
        item_type: &str,
        parent_id: &str,
        item_id: &str,
        now: DateTime<Utc>,
        keep: i64,
    ) -> StoreResult<()>;
    /// Item ids, newest first.
    async fn recent(&self, user_id: &str, item_type: &str, parent_id: &str) -> StoreResult<Vec<String>>;
}

/// Payloads to add to one (owner, application, type, source, billable, hour).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadCount {
    pub owner: Owner,
    pub application_id: String,
    pub kind: String,
    pub source: String,
    pub billable: bool,
    /// The start of the UTC hour.
    pub hour: DateTime<Utc>,
    pub count: i64,
    pub bytes: i64,
}

/// Notebook minutes to add to one (owner, application, day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotebookCount {
    pub owner: Owner,
    pub application_id: String,
    /// The start of the UTC day.
    pub day: DateTime<Utc>,
    pub minutes: i64,
    pub completed: i64,
    pub canceled: i64,
    pub errored: i64,
    pub timeout: i64,
}

/// Devices of one day: created, deleted, and the net moved in by transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeviceDay {
    pub created: i64,
    pub deleted: i64,
    pub moved: i64,
}

/// Payload counts and bytes of one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub count: i64,
    pub bytes: i64,
}

#[async_trait]
pub trait UsageStore: Send + Sync {
    /// Adds the counts in one transaction. With an idempotency key already
    /// recorded after `keep_since`, adds nothing and answers false.
    async fn record_payloads(
        &self,
        counts: &[PayloadCount],
        idempotency_key: Option<&str>,
        now: DateTime<Utc>,
        keep_since: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn record_notebooks(
        &self,
        counts: &[NotebookCount],
        idempotency_key: Option<&str>,
        now: DateTime<Utc>,
        keep_since: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The current owners of these applications (unknown ones are absent).
    async fn application_owners(&self, ids: &[String]) -> StoreResult<std::collections::HashMap<String, Owner>>;
    /// Per (type, source): payloads in hours `[from, to)` (both on hour edges),
    /// billable and not.
    async fn payload_totals(
        &self,
        owner: &Owner,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, String, i64)>>;
    /// Per bucket start: payloads in `[from, to)`, hourly or daily buckets.
    async fn payload_series(
        &self,
        owner: &Owner,
        daily: bool,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        include_non_billable: bool,
    ) -> StoreResult<Vec<(DateTime<Utc>, Tally)>>;
    /// Net devices before `from`, and per day in `[from, to)`.
    async fn device_days(
        &self,
        owner: &Owner,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<(i64, Vec<(DateTime<Utc>, DeviceDay)>)>;
    async fn notebook_days(
        &self,
        owner: &Owner,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<NotebookCount>>;
}
