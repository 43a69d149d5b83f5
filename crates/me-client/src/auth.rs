//! Logging in and confirming an email: Losant's `client.auth`. No token is
//! needed for these.

use crate::{Client, Result, json};
use me_wire::{AuthedUser, EmailVerificationVerify, GithubLogin, Success, UserCredentials};
use reqwest::Method;

/// From [`Client::auth`].
#[derive(Debug, Clone, Copy)]
pub struct AuthApi<'a> {
    pub(crate) client: &'a Client,
}

impl AuthApi<'_> {
    /// Logs in with email and password (and `two_factor_code` when 2FA is on)
    /// (`POST /auth/user`). The client does not keep the token: call
    /// [`Client::set_token`].
    ///
    /// Errors: 401 for wrong credentials or a missing/wrong code, 429 after
    /// too many failures.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::UserCredentials;
    /// let authed = client
    ///     .auth()
    ///     .authenticate_user(&UserCredentials { email: "ada@example.com".into(), password: "Correct-Horse-9".into(), ..Default::default() })
    ///     .await?;
    /// client.set_token(authed.token);
    /// # Ok(()) }
    /// ```
    pub async fn authenticate_user(&self, credentials: &UserCredentials) -> Result<AuthedUser> {
        self.client.call(Method::POST, "auth/user", &[], Some(json(credentials)?), None).await
    }

    /// Logs in the user linked to a GitHub access token (`POST /auth/user/github`).
    ///
    /// Errors: 401 when GitHub refuses the token or no user is linked to it;
    /// 503 when GitHub does not answer.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::GithubLogin;
    /// let authed = client.auth().authenticate_user_github(&GithubLogin { access_token: "gho_...".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn authenticate_user_github(&self, login: &GithubLogin) -> Result<AuthedUser> {
        self.client.call(Method::POST, "auth/user/github", &[], Some(json(login)?), None).await
    }

    /// Confirms an email address with the mailed token (`POST /auth/verifyEmail`).
    ///
    /// Errors: 400 for a wrong or used token, 410 for an expired one.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::EmailVerificationVerify;
    /// client.auth().verify_email(&EmailVerificationVerify { email: "ada@example.com".into(), token: "…".into() }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn verify_email(&self, data: &EmailVerificationVerify) -> Result<Success> {
        self.client.call(Method::POST, "auth/verifyEmail", &[], Some(json(data)?), None).await
    }
}
