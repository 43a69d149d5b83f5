//! Organisations, members and invitations.

use crate::connect::SqlStore;
use crate::outbox::insert_mail;
use crate::rows::{ms, other, time};
use crate::usage::{record_devices, DeviceColumn, DEVICES_OF_APP};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use me_core::store::{
    AnswerOutcome, InviteRecord, InviteStore, MemberRecord, NewMail, OrgRecord, OrgStore, StoreError, StoreResult,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

const ORG_COLUMNS: &str = "o.id, o.name, o.description, o.icon_color, o.created_at, o.updated_at";

fn org_from(row: &AnyRow) -> Result<OrgRecord, sqlx::Error> {
    Ok(OrgRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        icon_color: row.try_get("icon_color")?,
        created_at: time(row.try_get("created_at")?),
        updated_at: time(row.try_get("updated_at")?),
    })
}

const INVITE_COLUMNS: &str = "i.id, i.org_id, o.name AS org_name, i.email, i.role, i.invited_by_name, \
    i.invited_by_email, i.created_at, i.expires_at";

fn invite_from(row: &AnyRow) -> Result<InviteRecord, sqlx::Error> {
    Ok(InviteRecord {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        org_name: row.try_get("org_name")?,
        email: row.try_get("email")?,
        role: row.try_get("role")?,
        invited_by_name: row.try_get("invited_by_name")?,
        invited_by_email: row.try_get("invited_by_email")?,
        created_at: time(row.try_get("created_at")?),
        expires_at: time(row.try_get("expires_at")?),
    })
}

/// Organisations whose only member is `$1`.
pub(crate) const SOLE_MEMBER_ORGS: &str = "SELECT m.org_id FROM org_members m WHERE m.user_id = $1 \
    AND NOT EXISTS (SELECT 1 FROM org_members o WHERE o.org_id = m.org_id AND o.user_id <> $1)";

/// Deletes organisation `$1`'s resources (devices, flows and notebooks go
/// with their applications).
pub(crate) async fn delete_org_resources(
    tx: &mut Transaction<'_, Any>,
    owner_ids_sql: &str,
    bind: &str,
) -> StoreResult<()> {
    for table in ["applications", "dashboards"] {
        let sql = format!("DELETE FROM {table} WHERE owner_kind = 'org' AND owner_id IN ({owner_ids_sql})");
        sqlx::query(&sql).bind(bind).execute(&mut **tx).await.map_err(other)?;
    }
    Ok(())
}

/// After a change to `org_id`'s members: refuse (roll back) when no admin is left.
async fn keep_an_admin(tx: &mut Transaction<'_, Any>, org_id: &str) -> StoreResult<()> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM org_members WHERE org_id = $1 AND role = 'admin'")
        .bind(org_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(other)?;
    if row.try_get::<i64, _>("n").map_err(other)? == 0 {
        return Err(StoreError::Conflict("last admin".into()));
    }
    Ok(())
}

impl SqlStore {
    /// Runs `sql` on one membership (`$1` org, `$2` user, `$3` role), then
    /// keeps an admin: `NotFound` when there was no such member,
    /// `Conflict("last admin")` (and nothing changed) when none would be left.
    async fn change_membership(&self, sql: &str, org_id: &str, user_id: &str, role: Option<&str>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let mut query = sqlx::query(sql).bind(org_id).bind(user_id);
        if let Some(role) = role {
            query = query.bind(role);
        }
        let done = query.execute(&mut *tx).await.map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        keep_an_admin(&mut tx, org_id).await?;
        tx.commit().await.map_err(other)
    }
}

#[async_trait]
impl OrgStore for SqlStore {
    async fn create_org(&self, org: &OrgRecord, admin: &str) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "INSERT INTO organizations (id, name, description, icon_color, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&org.id)
        .bind(&org.name)
        .bind(&org.description)
        .bind(&org.icon_color)
        .bind(ms(org.created_at))
        .bind(ms(org.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        sqlx::query("INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'admin')")
            .bind(&org.id)
            .bind(admin)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn org(&self, id: &str) -> StoreResult<Option<OrgRecord>> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations o WHERE o.id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await.map_err(other)?;
        row.as_ref().map(org_from).transpose().map_err(other)
    }

    async fn orgs_of(&self, user_id: &str) -> StoreResult<Vec<(OrgRecord, String)>> {
        let sql = format!(
            "SELECT {ORG_COLUMNS}, m.role FROM organizations o JOIN org_members m ON m.org_id = o.id \
             WHERE m.user_id = $1 ORDER BY o.created_at, o.id"
        );
        let rows = sqlx::query(&sql).bind(user_id).fetch_all(&self.pool).await.map_err(other)?;
        rows.iter().map(|r| Ok((org_from(r)?, r.try_get("role")?))).collect::<Result<_, sqlx::Error>>().map_err(other)
    }

    async fn update_org(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<OrgRecord> {
        let done = sqlx::query(
            "UPDATE organizations SET name = COALESCE($2, name), description = COALESCE($3, description), \
             updated_at = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(name)
        .bind(description)
        .bind(ms(now))
        .execute(&self.pool)
        .await
        .map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.org(id).await?.ok_or(StoreError::NotFound)
    }

    async fn delete_org(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        record_devices(
            &mut tx,
            DeviceColumn::Deleted,
            DEVICES_OF_APP,
            "a.owner_kind = 'org' AND a.owner_id = $1",
            id,
            now,
        )
        .await?;
        delete_org_resources(&mut tx, "$1", id).await?;
        sqlx::query("DELETE FROM organizations WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn members(&self, org_id: &str) -> StoreResult<Vec<MemberRecord>> {
        let rows = sqlx::query(
            "SELECT u.id, u.first_name, u.last_name, u.email, m.role, u.two_factor_enabled \
             FROM org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.created_at, u.id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|r| {
                Ok(MemberRecord {
                    user_id: r.try_get("id")?,
                    first_name: r.try_get("first_name")?,
                    last_name: r.try_get("last_name")?,
                    email: r.try_get("email")?,
                    role: r.try_get("role")?,
                    two_factor_enabled: r.try_get::<i64, _>("two_factor_enabled")? != 0,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(other)
    }

    async fn role_of(&self, org_id: &str, user_id: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        row.map(|r| r.try_get("role")).transpose().map_err(other)
    }

    async fn set_member_role(&self, org_id: &str, user_id: &str, role: &str) -> StoreResult<()> {
        let sql = "UPDATE org_members SET role = $3 WHERE org_id = $1 AND user_id = $2";
        self.change_membership(sql, org_id, user_id, Some(role)).await
    }

    async fn remove_member(&self, org_id: &str, user_id: &str) -> StoreResult<()> {
        let sql = "DELETE FROM org_members WHERE org_id = $1 AND user_id = $2";
        self.change_membership(sql, org_id, user_id, None).await
    }

    async fn sole_admin_orgs_with_others(&self, user_id: &str) -> StoreResult<Vec<OrgRecord>> {
        let sql = format!(
            "SELECT {ORG_COLUMNS} FROM organizations o JOIN org_members m ON m.org_id = o.id \
             WHERE m.user_id = $1 AND m.role = 'admin' \
               AND NOT EXISTS (SELECT 1 FROM org_members a WHERE a.org_id = o.id AND a.role = 'admin' AND a.user_id <> $1) \
               AND EXISTS (SELECT 1 FROM org_members x WHERE x.org_id = o.id AND x.user_id <> $1)"
        );
        let rows = sqlx::query(&sql).bind(user_id).fetch_all(&self.pool).await.map_err(other)?;
        rows.iter().map(org_from).collect::<Result<_, sqlx::Error>>().map_err(other)
    }
}

#[async_trait]
impl InviteStore for SqlStore {
    async fn create_invite(&self, i: &InviteRecord, mail: &NewMail, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        // One statement that writes first: on SQLite a transaction that read
        // before writing could not wait for a concurrent writer.
        let inserted = sqlx::query(
            "INSERT INTO org_invites (id, org_id, email, role, invited_by_name, invited_by_email, created_at, expires_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM org_invites \
               WHERE org_id = $2 AND email = $3 AND answered_at IS NULL AND expires_at > $9)",
        )
        .bind(&i.id)
        .bind(&i.org_id)
        .bind(&i.email)
        .bind(&i.role)
        .bind(&i.invited_by_name)
        .bind(&i.invited_by_email)
        .bind(ms(i.created_at))
        .bind(ms(i.expires_at))
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::Conflict("invitation".into()));
        }
        insert_mail(&mut tx, mail).await?;
        tx.commit().await.map_err(other)
    }

    async fn org_invites(&self, org_id: &str) -> StoreResult<Vec<InviteRecord>> {
        let sql = format!(
            "SELECT {INVITE_COLUMNS} FROM org_invites i JOIN organizations o ON o.id = i.org_id \
             WHERE i.org_id = $1 AND i.answered_at IS NULL ORDER BY i.created_at, i.id"
        );
        let rows = sqlx::query(&sql).bind(org_id).fetch_all(&self.pool).await.map_err(other)?;
        rows.iter().map(invite_from).collect::<Result<_, sqlx::Error>>().map_err(other)
    }

    async fn revoke_invite(&self, org_id: &str, invite_id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM org_invites WHERE org_id = $1 AND id = $2 AND answered_at IS NULL")
            .bind(org_id)
            .bind(invite_id)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(done.rows_affected() == 1)
    }

    async fn invites_for(&self, email: &str) -> StoreResult<Vec<InviteRecord>> {
        let sql = format!(
            "SELECT {INVITE_COLUMNS} FROM org_invites i JOIN organizations o ON o.id = i.org_id \
             WHERE i.email = $1 AND i.answered_at IS NULL ORDER BY i.created_at, i.id"
        );
        let rows = sqlx::query(&sql).bind(email).fetch_all(&self.pool).await.map_err(other)?;
        rows.iter().map(invite_from).collect::<Result<_, sqlx::Error>>().map_err(other)
    }

    async fn answer_invite(
        &self,
        invite_id: &str,
        email: &str,
        answer: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<AnswerOutcome> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        // One conditional update: of two concurrent answers, only one matches.
        let answered = sqlx::query(
            "UPDATE org_invites SET answered_at = $3, answer = $4 \
             WHERE id = $1 AND email = $2 AND answered_at IS NULL AND expires_at > $3 RETURNING org_id, role",
        )
        .bind(invite_id)
        .bind(email)
        .bind(ms(now))
        .bind(answer)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        let Some(row) = answered else {
            let expired =
                sqlx::query("SELECT 1 AS one FROM org_invites WHERE id = $1 AND email = $2 AND answered_at IS NULL")
                    .bind(invite_id)
                    .bind(email)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(other)?;
            return Ok(if expired.is_some() { AnswerOutcome::Expired } else { AnswerOutcome::NotFound });
        };
        let org_id: String = row.try_get("org_id").map_err(other)?;
        if answer == "accepted" {
            let role: String = row.try_get("role").map_err(other)?;
            // Already a member: the invitation does not lower or raise the role.
            sqlx::query(
                "INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, $3) \
                 ON CONFLICT (org_id, user_id) DO NOTHING",
            )
            .bind(&org_id)
            .bind(user_id)
            .bind(role)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        tx.commit().await.map_err(other)?;
        Ok(AnswerOutcome::Answered { org_id })
    }
}
