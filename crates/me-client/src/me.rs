//! The Me resource: one method per action of Losant's `client.me`.
//!
//! Every method needs a token (see [`Client::set_token`](crate::Client::set_token))
//! holding one of the scopes it lists. Errors: [`Error::Api`](crate::Error::Api)
//! with status 400 for a malformed request, 401 for a missing or dead token,
//! 403 for a token without an admitting scope, plus the ones each method names.

use crate::{Client, DomainParams, Result, json, push};
use me_wire::me::RecentItemList;
use me_wire::platform::{OrgInviteActionUser, OrgInviteResultUser, OrgInviteUser, RecentItemPost, ResourceTransfer};
use me_wire::usage::{DeviceCounts, NotebookMinuteCounts, PayloadCountsBreakdown, PayloadStats};
use me_wire::{
    AuthedUser, ChangePassword, DisableTwoFactorAuth, EnableTwoFactorAuth, Me, MePatch, Success, TwoFactorAuthInfo,
    UserCredentials,
};
use reqwest::Method;

/// The Me actions; from [`Client::me`].
#[derive(Debug, Clone, Copy)]
pub struct MeApi<'a> {
    pub(crate) client: &'a Client,
}

/// Optional parameters of [`MeApi::get`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetParams {
    /// Include the recent applications, dashboards and organisations.
    pub include_recent: Option<bool>,
    /// Comma-separated summary fields to leave out.
    pub summary_exclude: Option<String>,
    /// Comma-separated summary fields to include (`payloadCount` only on request).
    pub summary_include: Option<String>,
    pub losantdomain: Option<String>,
}

/// Optional parameters of [`MeApi::patch`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatchParams {
    pub summary_exclude: Option<String>,
    pub summary_include: Option<String>,
    pub losantdomain: Option<String>,
}

/// Optional parameters of the counters: a range in ms since the epoch
/// (`end` defaults to now, `start` to 30 days before it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountsParams {
    pub start: Option<String>,
    pub end: Option<String>,
    pub losantdomain: Option<String>,
}

/// Optional parameters of [`MeApi::payload_counts_breakdown`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BreakdownParams {
    pub start: Option<String>,
    pub end: Option<String>,
    /// `86400000` (a day, the default) or `3600000` (an hour).
    pub resolution: Option<String>,
    /// Bytes instead of counts.
    pub as_bytes: Option<bool>,
    /// Count non-billable payloads too.
    pub include_non_billable: Option<bool>,
    pub losantdomain: Option<String>,
}

/// Optional parameters of [`MeApi::fetch_recent_items`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchRecentParams {
    /// The application, for devices and flows.
    pub parent_id: Option<String>,
    pub losantdomain: Option<String>,
}

impl MeApi<'_> {
    /// Adds an item to a recent item list (`POST /me/recentItems`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.addRecentItem`. Errors: 404 when
    /// the item does not exist or is not visible to the user.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::platform::RecentItemPost;
    /// let item = RecentItemPost { item_type: "application".into(), parent_id: None, item_id: "575ec8687ae143cd83dc4a97".into() };
    /// let list = client.me().add_recent_item(&item, &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_recent_item(&self, data: &RecentItemPost, params: &DomainParams) -> Result<RecentItemList> {
        self.client.call(Method::POST, "me/recentItems", &[], Some(json(data)?), params.losantdomain.as_deref()).await
    }

    /// Changes the password, optionally logging out every other session
    /// (`PATCH /me/changePassword`); returns a new token.
    ///
    /// Scopes: `all.User`, `me.*` or `me.changePassword`. Errors: 400 for a
    /// wrong current password or code, or a new password that breaks the policy.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::ChangePassword;
    /// let change = ChangePassword {
    ///     password: "Correct-Horse-9".into(),
    ///     new_password: "Battery-Staple-7".into(),
    ///     invalidate_existing_tokens: Some(true),
    ///     ..Default::default()
    /// };
    /// let authed = client.me().change_password(&change, &Default::default()).await?;
    /// client.set_token(authed.token);
    /// # Ok(()) }
    /// ```
    pub async fn change_password(&self, data: &ChangePassword, params: &DomainParams) -> Result<AuthedUser> {
        self.client
            .call(Method::PATCH, "me/changePassword", &[], Some(json(data)?), params.losantdomain.as_deref())
            .await
    }

    /// Deletes the current user and everything they own (`POST /me/delete`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.delete`. Errors: 400 for wrong
    /// credentials, or while the user is the only admin of an organisation
    /// with other members.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::UserCredentials;
    /// let credentials = UserCredentials { email: "ada@example.com".into(), password: "Correct-Horse-9".into(), ..Default::default() };
    /// client.me().delete(&credentials, &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, credentials: &UserCredentials, params: &DomainParams) -> Result<Success> {
        self.client.call(Method::POST, "me/delete", &[], Some(json(credentials)?), params.losantdomain.as_deref()).await
    }

    /// Device counts per UTC day over a range (`GET /me/deviceCounts`).
    ///
    /// Scopes: `all.User`, `all.User.read`, `me.*` or `me.deviceCounts`.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// let counts = client.me().device_counts(&Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn device_counts(&self, params: &CountsParams) -> Result<DeviceCounts> {
        self.counts("me/deviceCounts", params).await
    }

    /// Turns two-factor auth off (`PATCH /me/disableTwoFactorAuth`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.disableTwoFactorAuth`. Errors: 400
    /// for a wrong password or code.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::DisableTwoFactorAuth;
    /// let data = DisableTwoFactorAuth { password: "Correct-Horse-9".into(), two_factor_code: "123456".into() };
    /// client.me().disable_two_factor_auth(&data, &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn disable_two_factor_auth(&self, data: &DisableTwoFactorAuth, params: &DomainParams) -> Result<Me> {
        let domain = params.losantdomain.as_deref();
        self.client.call(Method::PATCH, "me/disableTwoFactorAuth", &[], Some(json(data)?), domain).await
    }

    /// Removes the GitHub link (`PATCH /me/disconnectGithub`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.disconnectGithub`.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// client.me().disconnect_github(&Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn disconnect_github(&self, params: &DomainParams) -> Result<Me> {
        self.client.call(Method::PATCH, "me/disconnectGithub", &[], None, params.losantdomain.as_deref()).await
    }

    /// Turns two-factor auth on with a code from the pending key
    /// (`PATCH /me/enableTwoFactorAuth`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.enableTwoFactorAuth`. Errors: 400
    /// for a wrong password or code, or no pending key.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::EnableTwoFactorAuth;
    /// let data = EnableTwoFactorAuth { password: "Correct-Horse-9".into(), two_factor_code: "123456".into(), ..Default::default() };
    /// let me = client.me().enable_two_factor_auth(&data, &Default::default()).await?;
    /// assert!(me.two_factor_auth_enabled);
    /// # Ok(()) }
    /// ```
    pub async fn enable_two_factor_auth(&self, data: &EnableTwoFactorAuth, params: &DomainParams) -> Result<Me> {
        let domain = params.losantdomain.as_deref();
        self.client.call(Method::PATCH, "me/enableTwoFactorAuth", &[], Some(json(data)?), domain).await
    }

    /// A recent item list (`GET /me/recentItems`); `item_type` is one of
    /// `application`, `device`, `flow`, `dashboard`, `organization`.
    ///
    /// Scopes: `all.User`, `all.User.read`, `me.*` or `me.fetchRecentItems`.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// let list = client.me().fetch_recent_items("application", &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_recent_items(&self, item_type: &str, params: &FetchRecentParams) -> Result<RecentItemList> {
        let mut query = vec![("itemType", item_type.to_owned())];
        push(&mut query, "parentId", &params.parent_id);
        self.client.call(Method::GET, "me/recentItems", &query, None, params.losantdomain.as_deref()).await
    }

    /// A new pending TOTP key and its `otpauth://` URI
    /// (`PATCH /me/generateTwoFactorAuth`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.generateTwoFactorAuth`. Errors: 400
    /// when two-factor auth is already on.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// let info = client.me().generate_two_factor_auth(&Default::default()).await?;
    /// println!("{}", info.key_uri);
    /// # Ok(()) }
    /// ```
    pub async fn generate_two_factor_auth(&self, params: &DomainParams) -> Result<TwoFactorAuthInfo> {
        self.client.call(Method::PATCH, "me/generateTwoFactorAuth", &[], None, params.losantdomain.as_deref()).await
    }

    /// The current user (`GET /me`).
    ///
    /// Scopes: `all.User`, `all.User.read`, `me.*` or `me.get`.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me::GetParams;
    /// let me = client.me().get(&GetParams { include_recent: Some(true), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, params: &GetParams) -> Result<Me> {
        let mut query = Vec::new();
        push(&mut query, "includeRecent", &params.include_recent);
        push(&mut query, "summaryExclude", &params.summary_exclude);
        push(&mut query, "summaryInclude", &params.summary_include);
        self.client.call(Method::GET, "me", &query, None, params.losantdomain.as_deref()).await
    }

    /// One invitation addressed to the user (`GET /me/invites/{inviteId}`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.invite`. Errors: 404 when it does not
    /// exist or is not addressed to this user.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// let invite = client.me().invite("575ec8687ae143cd83dc4a97", &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn invite(&self, invite_id: &str, params: &DomainParams) -> Result<OrgInviteUser> {
        let path = format!("me/invites/{}", segment(invite_id));
        self.client.call(Method::GET, &path, &[], None, params.losantdomain.as_deref()).await
    }

    /// Invitations addressed to the user's email (`GET /me/invites`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.invites`.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// for invite in client.me().invites(&Default::default()).await? {
    ///     println!("{} as {}", invite.org_name, invite.role);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn invites(&self, params: &DomainParams) -> Result<Vec<OrgInviteUser>> {
        self.client.call(Method::GET, "me/invites", &[], None, params.losantdomain.as_deref()).await
    }

    /// Notebook minutes per UTC day (`GET /me/notebookMinuteCounts`).
    ///
    /// Scopes: `all.User`, `all.User.read`, `me.*` or `me.notebookMinuteCounts`.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// let counts = client.me().notebook_minute_counts(&Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn notebook_minute_counts(&self, params: &CountsParams) -> Result<NotebookMinuteCounts> {
        self.counts("me/notebookMinuteCounts", params).await
    }

    /// Changes the profile (`PATCH /me`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.patch`. Errors: 409 when a new email
    /// belongs to another user.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::MePatch;
    /// let me = client.me().patch(&MePatch { title: Some("Countess".into()), ..Default::default() }, &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn patch(&self, user: &MePatch, params: &PatchParams) -> Result<Me> {
        let mut query = Vec::new();
        push(&mut query, "summaryExclude", &params.summary_exclude);
        push(&mut query, "summaryInclude", &params.summary_include);
        self.client.call(Method::PATCH, "me", &query, Some(json(user)?), params.losantdomain.as_deref()).await
    }

    /// Payloads by type and source over a range (`GET /me/payloadCounts`).
    ///
    /// Scopes: `all.User`, `all.User.read`, `me.*` or `me.payloadCounts`.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// let stats = client.me().payload_counts(&Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn payload_counts(&self, params: &CountsParams) -> Result<PayloadStats> {
        self.counts("me/payloadCounts", params).await
    }

    /// Payloads per day or hour (`GET /me/payloadCountsBreakdown`).
    ///
    /// Scopes: `all.User`, `all.User.read`, `me.*` or `me.payloadCountsBreakdown`.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me::BreakdownParams;
    /// let hourly = BreakdownParams { resolution: Some("3600000".into()), ..Default::default() };
    /// let counts = client.me().payload_counts_breakdown(&hourly).await?;
    /// # Ok(()) }
    /// ```
    pub async fn payload_counts_breakdown(&self, params: &BreakdownParams) -> Result<PayloadCountsBreakdown> {
        let mut query = Vec::new();
        push(&mut query, "start", &params.start);
        push(&mut query, "end", &params.end);
        push(&mut query, "resolution", &params.resolution);
        push(&mut query, "asBytes", &params.as_bytes);
        push(&mut query, "includeNonBillable", &params.include_non_billable);
        self.client.call(Method::GET, "me/payloadCountsBreakdown", &query, None, params.losantdomain.as_deref()).await
    }

    /// A new token with the same scopes (`GET /me/refreshToken`).
    ///
    /// Scopes: `all.User` or `me.*`.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// let authed = client.me().refresh_token(&Default::default()).await?;
    /// client.set_token(authed.token);
    /// # Ok(()) }
    /// ```
    pub async fn refresh_token(&self, params: &DomainParams) -> Result<AuthedUser> {
        self.client.call(Method::GET, "me/refreshToken", &[], None, params.losantdomain.as_deref()).await
    }

    /// Accepts, rejects or dismisses an invitation (`POST /me/invites/{inviteId}`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.respondToInvite`. Errors: 404 when
    /// not found (or already answered), 410 when expired, 403 when accepting
    /// with an unverified email.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::platform::OrgInviteActionUser;
    /// let result = client
    ///     .me()
    ///     .respond_to_invite("575ec8687ae143cd83dc4a97", &OrgInviteActionUser { action: "accept".into() }, &Default::default())
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn respond_to_invite(
        &self,
        invite_id: &str,
        data: &OrgInviteActionUser,
        params: &DomainParams,
    ) -> Result<OrgInviteResultUser> {
        let path = format!("me/invites/{}", segment(invite_id));
        self.client.call(Method::POST, &path, &[], Some(json(data)?), params.losantdomain.as_deref()).await
    }

    /// Moves applications and dashboards between the user's sandbox and
    /// organisations they administer (`PATCH /me/transferResources`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.transferResources`. Errors: 400 when
    /// `strict` and something cannot move; 403 when the destination is not
    /// administered by the user.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::platform::ResourceTransfer;
    /// let move_app = ResourceTransfer {
    ///     destination_id: "575ec8687ae143cd83dc4a97".into(),
    ///     destination_type: "organization".into(),
    ///     application_ids: Some(vec!["575ed18f7ae143cd83dc4aa6".into()]),
    ///     strict: Some(true),
    ///     ..Default::default()
    /// };
    /// client.me().transfer_resources(&move_app, &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn transfer_resources(&self, data: &ResourceTransfer, params: &DomainParams) -> Result<Success> {
        let domain = params.losantdomain.as_deref();
        self.client.call(Method::PATCH, "me/transferResources", &[], Some(json(data)?), domain).await
    }

    /// Mails a verification link to the user's email (`POST /me/verify-email`).
    ///
    /// Scopes: `all.User`, `me.*` or `me.verifyEmail`. Errors: 429 within a
    /// minute of the last one.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// client.me().verify_email(&Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn verify_email(&self, params: &DomainParams) -> Result<Success> {
        self.client.call(Method::POST, "me/verify-email", &[], None, params.losantdomain.as_deref()).await
    }

    async fn counts<T: serde::de::DeserializeOwned>(&self, path: &str, params: &CountsParams) -> Result<T> {
        let mut query = Vec::new();
        push(&mut query, "start", &params.start);
        push(&mut query, "end", &params.end);
        self.client.call(Method::GET, path, &query, None, params.losantdomain.as_deref()).await
    }
}

/// A path segment with anything outside `[A-Za-z0-9_-]` percent-encoded, so
/// an id cannot change the path.
pub(crate) fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
