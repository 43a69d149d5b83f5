//! Linking a GitHub account and logging in with it. GitHub itself sits
//! behind [`GithubApi`], so tests use a local stand-in.

use crate::error::{Error, Result};
use crate::store::{StoreError, UserRecord};
use crate::{scope, Core};
use async_trait::async_trait;
use me_wire::{AuthedUser, GithubLogin, Validate};

/// The GitHub account an access token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubUser {
    pub id: String,
    pub login: String,
    pub avatar_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    /// GitHub refused the token.
    #[error("GitHub refused the access token")]
    Rejected,
    /// GitHub did not answer in time, or answered nonsense.
    #[error("GitHub is unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait GithubApi: Send + Sync {
    /// `GET /user` with the token.
    async fn user(&self, access_token: &str) -> Result<GithubUser, GithubError>;
}

impl From<GithubError> for Error {
    fn from(e: GithubError) -> Self {
        match e {
            GithubError::Rejected => Error::Unauthorized("GitHub refused the access token".into()),
            GithubError::Unavailable(why) => {
                tracing::warn!(%why, "GitHub unavailable");
                Error::Unavailable("GitHub did not answer; try again later".into())
            }
        }
    }
}

impl Core {
    /// `PATCH /me/connectGithub`.
    pub async fn connect_github(&self, user: &UserRecord, body: GithubLogin) -> Result<UserRecord> {
        body.validate().map_err(Error::Validation)?;
        let gh = self.github.user(body.access_token.expose()).await?;
        self.store.link_github(&user.id, &gh.id, &gh.login, gh.avatar_url.as_deref(), self.clock.now()).await.map_err(
            |e| match e {
                StoreError::Conflict(_) => Error::AlreadyExists("This GitHub account is linked to another user".into()),
                e => e.into(),
            },
        )
    }

    /// `PATCH /me/disconnectGithub`.
    pub async fn disconnect_github(&self, user: &UserRecord) -> Result<UserRecord> {
        Ok(self.store.unlink_github(&user.id, self.clock.now()).await?)
    }

    /// `POST /auth/user/github`: the user linked to the token's GitHub
    /// account. GitHub's own sign-in stands in for the password here, and the
    /// schema carries no TOTP code, so the second factor is GitHub's.
    pub async fn log_in_github(&self, body: GithubLogin) -> Result<AuthedUser> {
        body.validate().map_err(Error::Validation)?;
        let gh = self.github.user(body.access_token.expose()).await?;
        let user = self
            .store
            .user_by_github_id(&gh.id)
            .await?
            .ok_or_else(|| Error::Unauthorized("No user is linked to this GitHub account".into()))?;
        let scopes = body.requested_scopes.unwrap_or_else(scope::default_scopes);
        self.authed(&user, &scopes, self.ttl(body.token_ttl))
    }
}
