//! Applications, dashboards, devices, flows, notebooks, and recent items.

use crate::connect::SqlStore;
use crate::rows::{ms, other, time};
use crate::usage::{record_devices, record_devices_moved_out, DeviceColumn, DEVICES_OF_APP};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use me_core::store::{Kind, Owner, RecentStore, ResourceRecord, ResourceStore, StoreError, StoreResult};
use sqlx::any::AnyRow;
use sqlx::Row;

/// The columns of a kind's table (tables come from [`Kind::table`], never from input).
fn columns(kind: Kind) -> &'static str {
    if kind.is_top_level() {
        "id, owner_kind, owner_id, name, description, created_at, updated_at"
    } else {
        "id, application_id, name, description, created_at, updated_at"
    }
}

fn resource_from(kind: Kind, row: &AnyRow) -> Result<ResourceRecord, sqlx::Error> {
    let (owner, application_id) = if kind.is_top_level() {
        let owner_kind: String = row.try_get("owner_kind")?;
        (Some(Owner::from_parts(&owner_kind, row.try_get("owner_id")?)), None)
    } else {
        (None, Some(row.try_get("application_id")?))
    };
    Ok(ResourceRecord {
        id: row.try_get("id")?,
        kind,
        owner,
        application_id,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        created_at: time(row.try_get("created_at")?),
        updated_at: time(row.try_get("updated_at")?),
    })
}

#[async_trait]
impl ResourceStore for SqlStore {
    async fn insert_resource(&self, r: &ResourceRecord) -> StoreResult<()> {
        let table = r.kind.table();
        // The first values say where it lives: owner kind and id, or the application.
        let (sql, place): (String, Vec<String>) = match (&r.owner, &r.application_id) {
            (Some(owner), _) => (
                format!(
                    "INSERT INTO {table} (owner_kind, owner_id, id, name, description, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6)"
                ),
                vec![owner.kind().to_owned(), owner.id().to_owned()],
            ),
            (None, Some(app)) => (
                format!(
                    "INSERT INTO {table} (application_id, id, name, description, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5)"
                ),
                vec![app.clone()],
            ),
            (None, None) => {
                return Err(StoreError::Other(anyhow::anyhow!("a resource needs an owner or an application")))
            }
        };
        let mut tx = self.pool.begin().await.map_err(other)?;
        let mut query = sqlx::query(&sql);
        for value in place {
            query = query.bind(value);
        }
        query
            .bind(&r.id)
            .bind(&r.name)
            .bind(&r.description)
            .bind(ms(r.created_at))
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if let (Kind::Device, Some(app)) = (r.kind, &r.application_id) {
            record_devices(&mut tx, DeviceColumn::Created, "1", "a.id = $1", app, r.created_at).await?;
        }
        tx.commit().await.map_err(other)
    }

    async fn resource(&self, kind: Kind, id: &str) -> StoreResult<Option<ResourceRecord>> {
        let sql = format!("SELECT {} FROM {} WHERE id = $1", columns(kind), kind.table());
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await.map_err(other)?;
        row.map(|r| resource_from(kind, &r)).transpose().map_err(other)
    }

    async fn resource_with_owner(&self, kind: Kind, id: &str) -> StoreResult<Option<(ResourceRecord, Owner)>> {
        if kind.is_top_level() {
            let found = self.resource(kind, id).await?;
            return Ok(found.and_then(|r| r.owner.clone().map(|o| (r, o))));
        }
        let sql = format!(
            "SELECT c.id, c.application_id, c.name, c.description, c.created_at, c.updated_at, \
             a.owner_kind AS app_owner_kind, a.owner_id AS app_owner_id \
             FROM {} c JOIN applications a ON a.id = c.application_id WHERE c.id = $1",
            kind.table()
        );
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await.map_err(other)?;
        let Some(row) = row else { return Ok(None) };
        let record = resource_from(kind, &row).map_err(other)?;
        let owner_kind: String = row.try_get("app_owner_kind").map_err(other)?;
        let owner = Owner::from_parts(&owner_kind, row.try_get("app_owner_id").map_err(other)?);
        Ok(Some((record, owner)))
    }

    async fn resources_of(&self, kind: Kind, owners: &[Owner]) -> StoreResult<Vec<ResourceRecord>> {
        let mut out = Vec::new();
        for owner in owners {
            let sql = format!(
                "SELECT {} FROM {} WHERE owner_kind = $1 AND owner_id = $2 ORDER BY created_at, id",
                columns(kind),
                kind.table()
            );
            let rows =
                sqlx::query(&sql).bind(owner.kind()).bind(owner.id()).fetch_all(&self.pool).await.map_err(other)?;
            for r in &rows {
                out.push(resource_from(kind, r).map_err(other)?);
            }
        }
        Ok(out)
    }

    async fn children_of(&self, kind: Kind, application_id: &str) -> StoreResult<Vec<ResourceRecord>> {
        let sql =
            format!("SELECT {} FROM {} WHERE application_id = $1 ORDER BY created_at, id", columns(kind), kind.table());
        let rows = sqlx::query(&sql).bind(application_id).fetch_all(&self.pool).await.map_err(other)?;
        rows.iter().map(|r| resource_from(kind, r)).collect::<Result<_, sqlx::Error>>().map_err(other)
    }

    async fn update_resource(
        &self,
        kind: Kind,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<ResourceRecord> {
        let sql = format!(
            "UPDATE {} SET name = COALESCE($2, name), description = COALESCE($3, description), updated_at = $4 \
             WHERE id = $1 RETURNING {}",
            kind.table(),
            columns(kind)
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(name)
            .bind(description)
            .bind(ms(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        row.map(|r| resource_from(kind, &r)).transpose().map_err(other)?.ok_or(StoreError::NotFound)
    }

    async fn delete_resource(&self, kind: Kind, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        // Count the devices that go before they are gone.
        match kind {
            Kind::Device => {
                let filter = "a.id = (SELECT application_id FROM devices WHERE id = $1)";
                record_devices(&mut tx, DeviceColumn::Deleted, "1", filter, id, now).await?;
            }
            Kind::Application => {
                let filter = "a.id = $1 AND EXISTS (SELECT 1 FROM devices d WHERE d.application_id = a.id)";
                record_devices(&mut tx, DeviceColumn::Deleted, DEVICES_OF_APP, filter, id, now).await?;
            }
            _ => {}
        }
        let sql = format!("DELETE FROM {} WHERE id = $1", kind.table());
        let done = sqlx::query(&sql).bind(id).execute(&mut *tx).await.map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await.map_err(other)
    }

    async fn device_count(&self, owner: &Owner) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM devices d JOIN applications a ON a.id = d.application_id \
             WHERE a.owner_kind = $1 AND a.owner_id = $2",
        )
        .bind(owner.kind())
        .bind(owner.id())
        .fetch_one(&self.pool)
        .await
        .map_err(other)?;
        row.try_get("n").map_err(other)
    }

    async fn move_resources(
        &self,
        moves: &[(Kind, String, Owner)],
        to: &Owner,
        all_or_nothing: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let mut moved = 0;
        for (kind, id, from) in moves {
            let sql = format!(
                "UPDATE {} SET owner_kind = $4, owner_id = $5, updated_at = $6 \
                 WHERE id = $1 AND owner_kind = $2 AND owner_id = $3",
                kind.table()
            );
            let done = sqlx::query(&sql)
                .bind(id)
                .bind(from.kind())
                .bind(from.id())
                .bind(to.kind())
                .bind(to.id())
                .bind(ms(now))
                .execute(&mut *tx)
                .await
                .map_err(other)?;
            if done.rows_affected() == 1 {
                moved += 1;
                // Its devices leave the old owner's total today and join the new one's.
                if *kind == Kind::Application {
                    record_devices_moved_out(&mut tx, from, id, now).await?;
                    let has_devices = "a.id = $1 AND EXISTS (SELECT 1 FROM devices d WHERE d.application_id = a.id)";
                    record_devices(&mut tx, DeviceColumn::MovedIn, DEVICES_OF_APP, has_devices, id, now).await?;
                }
            } else if all_or_nothing {
                // Dropping the transaction rolls back what moved so far.
                return Err(StoreError::Conflict("transfer".into()));
            }
        }
        tx.commit().await.map_err(other)?;
        Ok(moved)
    }
}

#[async_trait]
impl RecentStore for SqlStore {
    async fn touch_recent(
        &self,
        user_id: &str,
        item_type: &str,
        parent_id: &str,
        item_id: &str,
        now: DateTime<Utc>,
        keep: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        // `seq` orders items used within the same millisecond.
        sqlx::query(
            "INSERT INTO recent_items (user_id, item_type, parent_id, item_id, used_at, seq) \
             VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(seq), 0) + 1 FROM recent_items WHERE user_id = $1)) \
             ON CONFLICT (user_id, item_type, parent_id, item_id) DO UPDATE SET used_at = excluded.used_at, \
               seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM recent_items WHERE user_id = $1)",
        )
        .bind(user_id)
        .bind(item_type)
        .bind(parent_id)
        .bind(item_id)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        sqlx::query(
            "DELETE FROM recent_items WHERE user_id = $1 AND item_type = $2 AND parent_id = $3 AND item_id NOT IN \
             (SELECT item_id FROM recent_items WHERE user_id = $1 AND item_type = $2 AND parent_id = $3 \
              ORDER BY seq DESC LIMIT $4)",
        )
        .bind(user_id)
        .bind(item_type)
        .bind(parent_id)
        .bind(keep)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn recent(&self, user_id: &str, item_type: &str, parent_id: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "SELECT item_id FROM recent_items WHERE user_id = $1 AND item_type = $2 AND parent_id = $3 ORDER BY seq DESC",
        )
        .bind(user_id)
        .bind(item_type)
        .bind(parent_id)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.iter().map(|r| r.try_get("item_id")).collect::<Result<_, sqlx::Error>>().map_err(other)
    }
}
