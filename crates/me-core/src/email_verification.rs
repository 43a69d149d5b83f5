//! Proving the user owns their email: a single-use token (32 random bytes,
//! kept only as a SHA-256 hash, valid 24 hours) mailed through the outbox.

use crate::accounts::normalize_email;
use crate::error::{Error, Result};
use crate::store::{NewMail, NewVerification, UserRecord, VerifyOutcome};
use crate::Core;
use chrono::Duration;
use me_wire::{EmailVerificationVerify, Validate};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const TOKEN_HOURS: i64 = 24;
/// At most one verification message per user in this many seconds.
pub const RESEND_SECS: i64 = 60;

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// `application/x-www-form-urlencoded`-safe text for a query value.
fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Core {
    /// `POST /me/verify-email`. Sends nothing when the email is already
    /// verified; 429 when a message went out less than a minute ago.
    pub async fn request_email_verification(&self, user: &UserRecord) -> Result<()> {
        if user.email_verified {
            return Ok(());
        }
        let mut raw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let token = hex::encode(raw);
        let now = self.clock.now();
        let link = format!(
            "{}/verify-email?email={}&token={token}",
            self.settings.public_url.trim_end_matches('/'),
            query_escape(&user.email)
        );
        let mail = NewMail {
            id: self.ids.next(now),
            recipient: user.email.clone(),
            subject: "Verify your email address".into(),
            body: format!(
                "Hello {},\n\nConfirm that this is your email address by opening this link:\n\n{link}\n\n\
                 Or send this token to POST /auth/verifyEmail with your email:\n\n{token}\n\n\
                 The link works once and expires in {TOKEN_HOURS} hours. If you did not ask for it, ignore this message.\n",
                user.first_name
            ),
            created_at: now,
        };
        let verification = NewVerification {
            token_hash: token_hash(&token),
            user_id: user.id.clone(),
            email: user.email.clone(),
            created_at: now,
            expires_at: now + Duration::hours(TOKEN_HOURS),
        };
        let started =
            self.store.start_email_verification(&verification, &mail, now - Duration::seconds(RESEND_SECS)).await?;
        if !started {
            return Err(Error::TooManyRequests(
                "A verification email was sent less than a minute ago; wait before asking again".into(),
            ));
        }
        self.outbox_signal.notify_one();
        Ok(())
    }

    /// `POST /auth/verifyEmail`: a wrong or used token is 400, an expired one 410.
    pub async fn verify_email(&self, body: EmailVerificationVerify) -> Result<()> {
        body.validate().map_err(Error::Validation)?;
        let outcome = self
            .store
            .finish_email_verification(
                &token_hash(body.token.expose()),
                &normalize_email(&body.email),
                self.clock.now(),
            )
            .await?;
        match outcome {
            VerifyOutcome::Verified => Ok(()),
            VerifyOutcome::Invalid => Err(Error::validation("The verification token is not valid for this email")),
            VerifyOutcome::Expired => Err(Error::Gone("The verification token has expired; ask for a new one".into())),
        }
    }
}
