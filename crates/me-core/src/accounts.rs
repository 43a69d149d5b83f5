//! Sign-up, log-in, and turning a bearer token into a [`Principal`].

use crate::error::{Error, Result};
use crate::redacted::Redacted;
use crate::settings::Signup;
use crate::store::{NewUser, StoreError, SummaryCounts, UserRecord};
use crate::token::Claims;
use crate::{scope, Core, Principal};
use me_wire::{AuthedUser, UserCredentials, UserPost, Validate};

/// The one answer to a failed log-in, whatever failed: nobody learns which
/// emails have accounts.
const BAD_CREDENTIALS: &str = "Invalid email or password";

/// A user to create from the command line or a sign-up.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: String,
    pub password: me_wire::Password,
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
    pub title: Option<String>,
    pub phone_number: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
}

/// The principal for a verified token: its user must still exist, and the
/// token must not predate the user's cut-off.
fn admit(claims: Claims, user: Option<UserRecord>) -> Result<Principal> {
    let user = user.ok_or_else(|| Error::Unauthorized("Invalid token".into()))?;
    if let Some(cutoff) = user.token_cutoff {
        if claims.iat_ms < cutoff.timestamp_millis() {
            return Err(Error::Unauthorized("Token has been revoked".into()));
        }
    }
    Ok(Principal { user, claims })
}

/// Emails are kept and compared in lower case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Core {
    /// `POST /users`.
    pub async fn sign_up(&self, body: UserPost) -> Result<AuthedUser> {
        if self.settings.signup == Signup::Closed {
            return Err(Error::Forbidden("Sign-up is closed on this server".into()));
        }
        body.validate().map_err(Error::Validation)?;
        let Some(password) = body.password else {
            return Err(Error::validation("Sign-up with GitHub is not available; sign up with a password"));
        };
        let user = self
            .create_account(NewAccount {
                email: body.email,
                password,
                first_name: body.first_name,
                last_name: body.last_name,
                company_name: body.company_name,
                title: body.title,
                phone_number: body.phone_number,
                location: body.location,
                url: body.url,
            })
            .await?;
        let scopes = body.requested_scopes.unwrap_or_else(scope::default_scopes);
        self.authed(&user, &scopes, self.ttl(body.token_ttl))
    }

    /// Creates a user, whatever the sign-up setting (the operator's door).
    pub async fn create_account(&self, account: NewAccount) -> Result<UserRecord> {
        me_wire::validate::email("email", &account.email).map_err(Error::Validation)?;
        me_wire::validate::len_between("firstName", &account.first_name, 1, 1024).map_err(Error::Validation)?;
        me_wire::validate::max_len("lastName", &account.last_name, 1024).map_err(Error::Validation)?;
        me_wire::validate::password_policy("password", account.password.expose()).map_err(Error::Validation)?;
        let hash = self.passwords.hash(account.password.expose()).await?;
        let now = self.clock.now();
        let new = NewUser {
            id: self.ids.next(now),
            email: normalize_email(&account.email),
            first_name: account.first_name,
            last_name: account.last_name,
            company_name: account.company_name,
            title: account.title,
            phone_number: account.phone_number,
            location: account.location,
            url: account.url,
            password_hash: Some(Redacted(hash)),
            created_at: now,
        };
        self.store.insert_user(&new).await.map_err(|e| match e {
            StoreError::Conflict(_) => Error::AlreadyExists("A user with this email already exists".into()),
            e => e.into(),
        })
    }

    /// `POST /auth/user`: password, then the second factor when it is on.
    /// Throttled per email, known or not.
    pub async fn log_in(&self, body: UserCredentials) -> Result<AuthedUser> {
        body.validate().map_err(Error::Validation)?;
        let account = normalize_email(&body.email);
        let failures = self.throttle_guard(&account).await?;
        let user = self.store.user_by_email(&account).await?;
        let hash = user.as_ref().and_then(|u| u.password_hash.as_ref()).map(|h| h.expose().as_str());
        // Runs for unknown emails too (against a dummy hash): same cost, same answer.
        let ok = self.passwords.verify(body.password.expose(), hash).await?;
        let user = match user {
            Some(user) if ok => user,
            _ => {
                self.throttle_failed(&account).await?;
                return Err(Error::Unauthorized(BAD_CREDENTIALS.into()));
            }
        };
        if let Some(refusal) = self.check_second_factor(&user, body.two_factor_code.as_ref()).await? {
            return Err(Error::Unauthorized(refusal.message().into()));
        }
        self.throttle_succeeded(&account, failures).await?;
        let scopes = body.requested_scopes.unwrap_or_else(scope::default_scopes);
        self.authed(&user, &scopes, self.ttl(body.token_ttl))
    }

    /// Verifies a bearer token and loads its user: signature and algorithm,
    /// expiry, the user still existing, then the user's token cut-off. Scopes
    /// are checked by the caller with [`Principal::require`].
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        let claims = self.verify_token(token)?;
        let user = self.store.user_by_id(&claims.sub).await?;
        admit(claims, user)
    }

    /// [`Core::authenticate`], reading the user's summary in the same query.
    pub async fn authenticate_with_summary(&self, token: &str) -> Result<(Principal, SummaryCounts)> {
        let claims = self.verify_token(token)?;
        match self.store.user_with_summary(&claims.sub).await? {
            Some((user, counts)) => Ok((admit(claims, Some(user))?, counts)),
            None => Err(Error::Unauthorized("Invalid token".into())),
        }
    }

    fn verify_token(&self, token: &str) -> Result<Claims> {
        let claims = self.tokens.verify(token, self.clock.now())?;
        if claims.kind == "service" {
            return Err(Error::Forbidden("Service tokens cannot call user routes".into()));
        }
        if claims.kind != "user" {
            return Err(Error::Unauthorized("Invalid token".into()));
        }
        Ok(claims)
    }

    /// The lifetime of a new token: the server's, or shorter when asked.
    /// A `tokenTTL` of 0 asks for nothing shorter.
    pub fn ttl(&self, requested: Option<u64>) -> u64 {
        match requested {
            Some(0) | None => self.settings.token_ttl_secs,
            Some(secs) => secs.min(self.settings.token_ttl_secs),
        }
    }

    /// A fresh token for `user`.
    pub(crate) fn authed(&self, user: &UserRecord, scopes: &[String], ttl_secs: u64) -> Result<AuthedUser> {
        self.authed_at(user, scopes, ttl_secs, self.clock.now())
    }

    pub(crate) fn authed_at(
        &self,
        user: &UserRecord,
        scopes: &[String],
        ttl_secs: u64,
        issued_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<AuthedUser> {
        Ok(AuthedUser {
            user_id: user.id.clone(),
            token: self.tokens.issue(&user.id, "user", scopes, issued_at, ttl_secs)?,
            needs_to_verify_email: Some(!user.email_verified),
        })
    }
}
