//! Second factor, throttling, email verification and the GitHub link.

use crate::accounts::{user_from, USER_COLUMNS};
use crate::connect::SqlStore;
use crate::outbox::insert_mail;
use crate::rows::{ms, other, store_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use me_core::store::{
    GithubLinkStore, NewMail, NewVerification, SecondFactorStore, StoreError, StoreResult, ThrottleStore, UserRecord,
    VerificationStore, VerifyOutcome,
};
use sqlx::Row;

#[async_trait]
impl SecondFactorStore for SqlStore {
    async fn set_pending_totp(&self, user_id: &str, sealed: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE users SET totp_pending_enc = $2, updated_at = $3 WHERE id = $1")
            .bind(user_id)
            .bind(sealed)
            .bind(ms(now))
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn activate_totp(&self, user_id: &str, sealed: &str, step: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE users SET totp_key_enc = totp_pending_enc, totp_pending_enc = NULL, two_factor_enabled = 1, \
             totp_last_step = $3, updated_at = $4 WHERE id = $1 AND totp_pending_enc = $2",
        )
        .bind(user_id)
        .bind(sealed)
        .bind(step)
        .bind(ms(now))
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(done.rows_affected() == 1)
    }

    async fn clear_totp(&self, user_id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET totp_key_enc = NULL, totp_pending_enc = NULL, two_factor_enabled = 0, \
             updated_at = $2 WHERE id = $1",
        )
        .bind(user_id)
        .bind(ms(now))
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn spend_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(user_id)
        .bind(step)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(done.rows_affected() == 1)
    }
}

#[async_trait]
impl ThrottleStore for SqlStore {
    async fn recent_failures(&self, account: &str, since: DateTime<Utc>) -> StoreResult<i64> {
        let row = sqlx::query("SELECT failures FROM auth_failures WHERE account = $1 AND first_at > $2")
            .bind(account)
            .bind(ms(since))
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        row.map_or(Ok(0), |r| r.try_get::<i64, _>("failures").map_err(other))
    }

    async fn record_failure(&self, account: &str, now: DateTime<Utc>, since: DateTime<Utc>) -> StoreResult<()> {
        // One statement, so concurrent failures all count.
        sqlx::query(
            "INSERT INTO auth_failures (account, failures, first_at) VALUES ($1, 1, $2) \
             ON CONFLICT (account) DO UPDATE SET \
               failures = CASE WHEN auth_failures.first_at > $3 THEN auth_failures.failures + 1 ELSE 1 END, \
               first_at = CASE WHEN auth_failures.first_at > $3 THEN auth_failures.first_at ELSE $2 END",
        )
        .bind(account)
        .bind(ms(now))
        .bind(ms(since))
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn clear_failures(&self, account: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM auth_failures WHERE account = $1")
            .bind(account)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }
}

#[async_trait]
impl VerificationStore for SqlStore {
    async fn start_email_verification(
        &self,
        v: &NewVerification,
        mail: &NewMail,
        not_before: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let slot = sqlx::query(
            "UPDATE users SET verification_sent_at = $2 WHERE id = $1 \
             AND (verification_sent_at IS NULL OR verification_sent_at <= $3)",
        )
        .bind(&v.user_id)
        .bind(ms(v.created_at))
        .bind(ms(not_before))
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        if slot.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO email_verifications (token_hash, user_id, email, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&v.token_hash)
        .bind(&v.user_id)
        .bind(&v.email)
        .bind(ms(v.created_at))
        .bind(ms(v.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        insert_mail(&mut tx, mail).await?;
        tx.commit().await.map_err(other)?;
        Ok(true)
    }

    async fn finish_email_verification(
        &self,
        token_hash: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<VerifyOutcome> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        // Spend the token first: of two concurrent uses, only one updates it.
        let spent = sqlx::query(
            "UPDATE email_verifications SET used_at = $3 WHERE token_hash = $1 AND email = $2 \
             AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
        )
        .bind(token_hash)
        .bind(email)
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        let Some(row) = spent else {
            let expired = sqlx::query(
                "SELECT 1 AS one FROM email_verifications WHERE token_hash = $1 AND email = $2 \
                 AND used_at IS NULL AND expires_at <= $3",
            )
            .bind(token_hash)
            .bind(email)
            .bind(ms(now))
            .fetch_optional(&mut *tx)
            .await
            .map_err(other)?;
            return Ok(if expired.is_some() { VerifyOutcome::Expired } else { VerifyOutcome::Invalid });
        };
        let user_id: String = row.try_get("user_id").map_err(other)?;
        // The token only proves the address it was sent to.
        let verified = sqlx::query("UPDATE users SET email_verified = 1, updated_at = $3 WHERE id = $1 AND email = $2")
            .bind(&user_id)
            .bind(email)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if verified.rows_affected() == 0 {
            return Ok(VerifyOutcome::Invalid);
        }
        tx.commit().await.map_err(other)?;
        Ok(VerifyOutcome::Verified)
    }
}

#[async_trait]
impl GithubLinkStore for SqlStore {
    async fn user_by_github_id(&self, github_id: &str) -> StoreResult<Option<UserRecord>> {
        self.user_where("github_id", github_id).await
    }

    async fn link_github(
        &self,
        user_id: &str,
        github_id: &str,
        login: &str,
        avatar_url: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<UserRecord> {
        let sql = format!(
            "UPDATE users SET github_id = $2, github_name = $3, avatar_url = $4, updated_at = $5 \
             WHERE id = $1 RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(user_id)
            .bind(github_id)
            .bind(login)
            .bind(avatar_url)
            .bind(ms(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| store_err(e, "github"))?;
        row.as_ref().map(user_from).transpose().map_err(other)?.ok_or(StoreError::NotFound)
    }

    async fn unlink_github(&self, user_id: &str, now: DateTime<Utc>) -> StoreResult<UserRecord> {
        let sql = format!(
            "UPDATE users SET github_id = NULL, github_name = NULL, avatar_url = NULL, updated_at = $2 \
             WHERE id = $1 RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(&sql).bind(user_id).bind(ms(now)).fetch_optional(&self.pool).await.map_err(other)?;
        row.as_ref().map(user_from).transpose().map_err(other)?.ok_or(StoreError::NotFound)
    }
}
