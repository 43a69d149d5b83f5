//! TOTP two-factor auth for a user: generate a pending key, enable it with a
//! code, disable it; and the re-check of password and code that log-in and
//! the sensitive Me actions share.

use crate::error::{Error, Result};
use crate::redacted::Redacted;
use crate::store::UserRecord;
use crate::{totp, Core};
use me_wire::{DisableTwoFactorAuth, EnableTwoFactorAuth, Password, TwoFactorAuthInfo, Validate};
use subtle::ConstantTimeEq;

/// Why a password-and-code check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    WrongPassword,
    CodeNeeded,
    WrongCode,
}

impl Refusal {
    pub(crate) fn message(self) -> &'static str {
        match self {
            Refusal::WrongPassword => "The password is incorrect",
            Refusal::CodeNeeded => "A two-factor code is required (twoFactorCode)",
            Refusal::WrongCode => "The two-factor code is wrong or was already used",
        }
    }
}

impl Core {
    /// Checks `password`, then, when 2FA is on, `code`; throttled per account.
    /// A missing code is not counted as a failure: the client only learns it
    /// must ask for one.
    pub(crate) async fn check_password_and_code(
        &self,
        user: &UserRecord,
        password: &Password,
        code: Option<&Password>,
    ) -> Result<Result<(), Refusal>> {
        let failures = self.throttle_guard(&user.email).await?;
        let hash = user.password_hash.as_ref().map(|h| h.expose().as_str());
        if !self.passwords.verify(password.expose(), hash).await? {
            self.throttle_failed(&user.email).await?;
            return Ok(Err(Refusal::WrongPassword));
        }
        if let Some(refusal) = self.check_second_factor(user, code).await? {
            return Ok(Err(refusal));
        }
        self.throttle_succeeded(&user.email, failures).await?;
        Ok(Ok(()))
    }

    /// `None` when the user has no second factor or `code` is a fresh valid
    /// code (which is then spent).
    pub(crate) async fn check_second_factor(
        &self,
        user: &UserRecord,
        code: Option<&Password>,
    ) -> Result<Option<Refusal>> {
        if !user.two_factor_enabled {
            return Ok(None);
        }
        let Some(code) = code.filter(|c| !c.expose().trim().is_empty()) else {
            return Ok(Some(Refusal::CodeNeeded));
        };
        let key = match &user.totp_key {
            Some(sealed) => self.open_key(user, sealed)?,
            None => return Err(Error::internal(anyhow::anyhow!("2FA is on but user {} has no key", user.id))),
        };
        let fresh = match totp::verify(&key, code.expose(), self.clock.now(), user.totp_last_step) {
            Some(step) => self.store.spend_totp_step(&user.id, step).await?,
            None => false,
        };
        if fresh {
            Ok(None)
        } else {
            self.throttle_failed(&user.email).await?;
            Ok(Some(Refusal::WrongCode))
        }
    }

    fn open_key(&self, user: &UserRecord, sealed: &Redacted<String>) -> Result<Vec<u8>> {
        self.secrets.open(&user.id, sealed.expose()).ok_or_else(|| {
            Error::internal(anyhow::anyhow!("the TOTP key of user {} does not open with this ME_SECRET_KEY", user.id))
        })
    }

    /// `PATCH /me/generateTwoFactorAuth`: a new pending key; protects nothing
    /// until enabled with a code.
    pub async fn generate_two_factor_auth(&self, user: &UserRecord) -> Result<TwoFactorAuthInfo> {
        if user.two_factor_enabled {
            return Err(Error::validation("Two-factor auth is already enabled; disable it first"));
        }
        let key = totp::generate_key();
        let sealed = self.secrets.seal(&user.id, &key);
        self.store.set_pending_totp(&user.id, &sealed, self.clock.now()).await?;
        Ok(TwoFactorAuthInfo {
            key: totp::encode_key(&key),
            key_uri: totp::key_uri(&self.settings.totp_issuer, &user.email, &key),
        })
    }

    /// `PATCH /me/enableTwoFactorAuth`: password and a code from the pending key.
    pub async fn enable_two_factor_auth(&self, user: &UserRecord, body: EnableTwoFactorAuth) -> Result<UserRecord> {
        body.validate().map_err(Error::Validation)?;
        if user.two_factor_enabled {
            return Err(Error::validation("Two-factor auth is already enabled"));
        }
        let Some(sealed) = &user.totp_pending else {
            return Err(Error::validation("Generate a two-factor key first (PATCH /me/generateTwoFactorAuth)"));
        };
        let key = self.open_key(user, sealed)?;
        if let Some(given) = &body.two_factor_auth_key {
            let same: bool =
                totp::encode_key(&key).as_bytes().ct_eq(given.trim().to_ascii_uppercase().as_bytes()).into();
            if !same {
                return Err(Error::validation("twoFactorAuthKey is not the key that was generated"));
            }
        }
        let failures = self.throttle_guard(&user.email).await?;
        let hash = user.password_hash.as_ref().map(|h| h.expose().as_str());
        if !self.passwords.verify(body.password.expose(), hash).await? {
            self.throttle_failed(&user.email).await?;
            return Err(Error::validation(Refusal::WrongPassword.message()));
        }
        let now = self.clock.now();
        let Some(step) = totp::verify(&key, body.two_factor_code.expose(), now, user.totp_last_step) else {
            self.throttle_failed(&user.email).await?;
            return Err(Error::validation(Refusal::WrongCode.message()));
        };
        if !self.store.activate_totp(&user.id, sealed.expose(), step, now).await? {
            return Err(Error::validation("The two-factor key changed meanwhile; generate it again"));
        }
        self.throttle_succeeded(&user.email, failures).await?;
        self.reload(&user.id).await
    }

    /// `PATCH /me/disableTwoFactorAuth`: password and a current code.
    pub async fn disable_two_factor_auth(&self, user: &UserRecord, body: DisableTwoFactorAuth) -> Result<UserRecord> {
        body.validate().map_err(Error::Validation)?;
        if !user.two_factor_enabled {
            return Err(Error::validation("Two-factor auth is not enabled"));
        }
        if let Err(refusal) = self.check_password_and_code(user, &body.password, Some(&body.two_factor_code)).await? {
            return Err(Error::validation(refusal.message()));
        }
        self.store.clear_totp(&user.id, self.clock.now()).await?;
        self.reload(&user.id).await
    }

    pub(crate) async fn reload(&self, user_id: &str) -> Result<UserRecord> {
        self.store.user_by_id(user_id).await?.ok_or_else(|| Error::Unauthorized("The user no longer exists".into()))
    }
}
