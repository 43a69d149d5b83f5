//! Users: the AccountStore.

use crate::connect::{Backend, SqlStore};
use crate::orgs::{delete_org_resources, SOLE_MEMBER_ORGS};
use crate::rows::{ms, opt_ms, other, store_err, time};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use me_core::redacted::Redacted;
use me_core::store::{AccountStore, NewUser, Store, StoreError, StoreResult, SummaryCounts, UserChanges, UserRecord};
use sqlx::any::AnyRow;
use sqlx::Row;

pub(crate) const USER_COLUMNS: &str = "id, email, first_name, last_name, company_name, title, phone_number, \
    location, url, password_hash, password_last_updated, token_cutoff, email_verified, \
    two_factor_enabled, github_name, avatar_url, created_at, updated_at, totp_key_enc, \
    totp_pending_enc, totp_last_step, github_id";

pub(crate) fn user_from(row: &AnyRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        company_name: row.try_get("company_name")?,
        title: row.try_get("title")?,
        phone_number: row.try_get("phone_number")?,
        location: row.try_get("location")?,
        url: row.try_get("url")?,
        password_hash: row.try_get::<Option<String>, _>("password_hash")?.map(Redacted),
        password_last_updated: row.try_get::<Option<i64>, _>("password_last_updated")?.map(time),
        token_cutoff: row.try_get::<Option<i64>, _>("token_cutoff")?.map(time),
        email_verified: row.try_get::<i64, _>("email_verified")? != 0,
        two_factor_enabled: row.try_get::<i64, _>("two_factor_enabled")? != 0,
        github_name: row.try_get("github_name")?,
        avatar_url: row.try_get("avatar_url")?,
        created_at: time(row.try_get("created_at")?),
        updated_at: time(row.try_get("updated_at")?),
        totp_key: row.try_get::<Option<String>, _>("totp_key_enc")?.map(Redacted),
        totp_pending: row.try_get::<Option<String>, _>("totp_pending_enc")?.map(Redacted),
        totp_last_step: row.try_get("totp_last_step")?,
        github_id: row.try_get("github_id")?,
    })
}

impl SqlStore {
    pub(crate) async fn user_where(&self, column: &str, value: &str) -> StoreResult<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {column} = $1");
        let row = sqlx::query(&sql).bind(value).fetch_optional(&self.pool).await.map_err(other)?;
        row.as_ref().map(user_from).transpose().map_err(other)
    }
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn insert_user(&self, u: &NewUser) -> StoreResult<UserRecord> {
        let sql = format!(
            "INSERT INTO users (id, email, first_name, last_name, company_name, title, phone_number, \
             location, url, password_hash, password_last_updated, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(&u.id)
            .bind(&u.email)
            .bind(&u.first_name)
            .bind(&u.last_name)
            .bind(&u.company_name)
            .bind(&u.title)
            .bind(&u.phone_number)
            .bind(&u.location)
            .bind(&u.url)
            .bind(u.password_hash.as_ref().map(|h| h.expose().clone()))
            .bind(u.password_hash.as_ref().map(|_| ms(u.created_at)))
            .bind(ms(u.created_at))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| store_err(e, "email"))?;
        user_from(&row).map_err(other)
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<UserRecord>> {
        self.user_where("id", id).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        self.user_where("email", email).await
    }

    async fn update_user(&self, id: &str, c: &UserChanges, now: DateTime<Utc>) -> StoreResult<UserRecord> {
        let sql = format!(
            "UPDATE users SET email = COALESCE($2, email), first_name = COALESCE($3, first_name), \
             last_name = COALESCE($4, last_name), company_name = COALESCE($5, company_name), \
             title = COALESCE($6, title), phone_number = COALESCE($7, phone_number), \
             location = COALESCE($8, location), url = COALESCE($9, url), \
             password_hash = COALESCE($10, password_hash), \
             password_last_updated = COALESCE($11, password_last_updated), \
             token_cutoff = COALESCE($12, token_cutoff), \
             email_verified = COALESCE($13, email_verified), updated_at = $14 \
             WHERE id = $1 RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(&c.email)
            .bind(&c.first_name)
            .bind(&c.last_name)
            .bind(&c.company_name)
            .bind(&c.title)
            .bind(&c.phone_number)
            .bind(&c.location)
            .bind(&c.url)
            .bind(c.password_hash.as_ref().map(|h| h.expose().clone()))
            .bind(opt_ms(c.password_last_updated))
            .bind(opt_ms(c.token_cutoff))
            .bind(c.email_verified.map(i64::from))
            .bind(ms(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| store_err(e, "email"))?;
        match row {
            Some(row) => user_from(&row).map_err(other),
            None => Err(StoreError::NotFound),
        }
    }

    async fn delete_user(&self, id: &str) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        // Organisations where the user is the only member go, with what they own.
        delete_org_resources(&mut tx, SOLE_MEMBER_ORGS, id).await?;
        let sql = format!("DELETE FROM organizations WHERE id IN ({SOLE_MEMBER_ORGS})");
        sqlx::query(&sql).bind(id).execute(&mut *tx).await.map_err(other)?;
        // Invitations addressed to the user; devices, flows and notebooks go
        // with their applications (ON DELETE CASCADE), memberships, tokens of
        // verification and recent items with the user.
        for sql in [
            "DELETE FROM org_invites WHERE email = (SELECT email FROM users WHERE id = $1)",
            "DELETE FROM applications WHERE owner_kind = 'user' AND owner_id = $1",
            "DELETE FROM dashboards WHERE owner_kind = 'user' AND owner_id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await.map_err(other)?;
        }
        let gone = sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(other)?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await.map_err(other)
    }

    async fn summary_counts(&self, user_id: &str) -> StoreResult<SummaryCounts> {
        let sql = format!("SELECT {SUMMARY_COLUMNS}");
        let row = sqlx::query(&sql).bind(user_id).fetch_one(&self.pool).await.map_err(other)?;
        summary_from(&row).map_err(other)
    }

    async fn user_with_summary(&self, id: &str) -> StoreResult<Option<(UserRecord, SummaryCounts)>> {
        let sql = format!("SELECT {USER_COLUMNS}, {SUMMARY_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await.map_err(other)?;
        row.map(|r| Ok((user_from(&r)?, summary_from(&r)?))).transpose().map_err(other)
    }
}

/// The summary counts of user `$1`, as columns.
const SUMMARY_COLUMNS: &str = "\
    (SELECT COUNT(*) FROM applications WHERE owner_kind = 'user' AND owner_id = $1) AS sum_apps, \
    (SELECT COUNT(*) FROM dashboards WHERE owner_kind = 'user' AND owner_id = $1) AS sum_dashes, \
    (SELECT COUNT(*) FROM devices d JOIN applications a ON a.id = d.application_id \
       WHERE a.owner_kind = 'user' AND a.owner_id = $1) AS sum_devices, \
    (SELECT COUNT(*) FROM flows f JOIN applications a ON a.id = f.application_id \
       WHERE a.owner_kind = 'user' AND a.owner_id = $1) AS sum_flows, \
    (SELECT COUNT(*) FROM notebooks n JOIN applications a ON a.id = n.application_id \
       WHERE a.owner_kind = 'user' AND a.owner_id = $1) AS sum_notebooks, \
    (SELECT COUNT(*) FROM org_members WHERE user_id = $1) AS sum_orgs";

fn summary_from(row: &AnyRow) -> Result<SummaryCounts, sqlx::Error> {
    Ok(SummaryCounts {
        applications: row.try_get("sum_apps")?,
        dashboards: row.try_get("sum_dashes")?,
        devices: row.try_get("sum_devices")?,
        flows: row.try_get("sum_flows")?,
        notebooks: row.try_get("sum_notebooks")?,
        organizations: row.try_get("sum_orgs")?,
    })
}

impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        match self.backend_kind() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}
