//! The outbox: mail waiting for delivery.

use crate::connect::SqlStore;
use crate::rows::{ms, other};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use me_core::store::{NewMail, OutboxMail, OutboxStore, StoreResult};
use sqlx::{Any, Row, Transaction};

/// Queues `mail` inside the caller's transaction.
pub(crate) async fn insert_mail(tx: &mut Transaction<'_, Any>, mail: &NewMail) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox (id, recipient, subject, body, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&mail.id)
    .bind(&mail.recipient)
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(ms(mail.created_at))
    .execute(&mut **tx)
    .await
    .map_err(other)?;
    Ok(())
}

#[async_trait]
impl OutboxStore for SqlStore {
    async fn queue_mail(&self, mail: &NewMail) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        insert_mail(&mut tx, mail).await?;
        tx.commit().await.map_err(other)
    }

    async fn claim_due_mail(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMail>> {
        // The outer `next_attempt_at <= $1` is checked again after a row lock
        // is waited for, so two senders never claim one message.
        let rows = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $2 \
             WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                          ORDER BY next_attempt_at LIMIT $3) \
               AND sent_at IS NULL AND next_attempt_at <= $1 \
             RETURNING id, recipient, subject, body, attempts",
        )
        .bind(ms(now))
        .bind(ms(lease_until))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMail {
                    id: r.try_get("id")?,
                    recipient: r.try_get("recipient")?,
                    subject: r.try_get("subject")?,
                    body: r.try_get("body")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(other)
    }

    async fn mark_mail_sent(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET sent_at = $2, body = '', last_error = NULL WHERE id = $1")
            .bind(id)
            .bind(ms(now))
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn mark_mail_failed(&self, id: &str, attempts: i64, retry_at: DateTime<Utc>, error: &str) -> StoreResult<()> {
        let error: String = error.chars().take(1000).collect();
        sqlx::query("UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1")
            .bind(id)
            .bind(attempts)
            .bind(ms(retry_at))
            .bind(error)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn unsent_mail_count(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(other)?;
        row.try_get("n").map_err(other)
    }
}
