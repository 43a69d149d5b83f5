//! The platform resources the Me actions need: organisations, applications,
//! dashboards and devices.

use crate::me::segment;
use crate::{Client, Result, json};
use me_wire::platform::{
    ApplicationPost, ChildPost, ItemList, MemberPatch, NamePatch, Org, OrgInvite, OrgInvitePost, OrgPost, Resource,
};
use me_wire::{AuthedUser, Success, UserPost};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::marker::PhantomData;

impl Client {
    /// Sign up (`POST /users`), where the server allows it.
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::UserPost;
    /// let authed = client
    ///     .users_post(&UserPost {
    ///         email: "ada@example.com".into(),
    ///         first_name: "Ada".into(),
    ///         last_name: "Lovelace".into(),
    ///         password: Some("Correct-Horse-9".into()),
    ///         accept_terms: Some("on".into()),
    ///         ..Default::default()
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn users_post(&self, user: &UserPost) -> Result<AuthedUser> {
        self.call(Method::POST, "users", &[], Some(json(user)?), None).await
    }

    /// The caller's organisations: `get` (scope `orgs.get`), `post` (scope
    /// `orgs.post`; the caller becomes the admin).
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::platform::OrgPost;
    /// let org = client.orgs().post(&OrgPost { name: "Engines".into(), ..Default::default() }).await?;
    /// let all = client.orgs().get().await?;
    /// # Ok(()) }
    /// ```
    pub fn orgs(&self) -> CollectionApi<'_, Org, OrgPost> {
        CollectionApi::new(self, "orgs".into())
    }

    /// One organisation (`/orgs/{orgId}`).
    pub fn org(&self, org_id: &str) -> OrgApi<'_> {
        OrgApi { client: self, path: format!("orgs/{}", segment(org_id)) }
    }

    /// Applications the caller can see (`get`, scope `applications.get`);
    /// `post` creates one in the sandbox or in `orgId` (scope `applications.post`).
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::platform::ApplicationPost;
    /// let app = client.applications().post(&ApplicationPost { name: "Mill".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    pub fn applications(&self) -> CollectionApi<'_, Resource, ApplicationPost> {
        CollectionApi::new(self, "applications".into())
    }

    /// One application (`/applications/{applicationId}`).
    pub fn application(&self, application_id: &str) -> ResourceApi<'_> {
        ResourceApi { client: self, path: format!("applications/{}", segment(application_id)) }
    }

    /// Dashboards the caller can see (`get`); `post` creates one.
    pub fn dashboards(&self) -> CollectionApi<'_, Resource, ApplicationPost> {
        CollectionApi::new(self, "dashboards".into())
    }

    /// One dashboard (`/dashboards/{dashboardId}`).
    pub fn dashboard(&self, dashboard_id: &str) -> ResourceApi<'_> {
        ResourceApi { client: self, path: format!("dashboards/{}", segment(dashboard_id)) }
    }

    /// The devices of an application: `get` (scope `devices.get`), `post`
    /// (scope `devices.post`).
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::platform::ChildPost;
    /// let device = client.devices("575ec8687ae143cd83dc4a97").post(&ChildPost { name: "Gear".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    pub fn devices(&self, application_id: &str) -> CollectionApi<'_, Resource, ChildPost> {
        CollectionApi::new(self, format!("applications/{}/devices", segment(application_id)))
    }

    /// One device of an application.
    pub fn device(&self, application_id: &str, device_id: &str) -> ResourceApi<'_> {
        ResourceApi {
            client: self,
            path: format!("applications/{}/devices/{}", segment(application_id), segment(device_id)),
        }
    }
}

/// One organisation; from [`Client::org`].
#[derive(Debug, Clone)]
pub struct OrgApi<'a> {
    client: &'a Client,
    path: String,
}

impl OrgApi<'_> {
    /// The organisation with its members (scope `org.get`).
    pub async fn get(&self) -> Result<Org> {
        self.client.call(Method::GET, &self.path, &[], None, None).await
    }

    /// Renames it (admins; scope `org.patch`).
    pub async fn patch(&self, patch: &NamePatch) -> Result<Org> {
        self.client.call(Method::PATCH, &self.path, &[], Some(json(patch)?), None).await
    }

    /// Deletes it with everything it owns (admins; scope `org.delete`).
    pub async fn delete(&self) -> Result<Success> {
        self.client.call(Method::DELETE, &self.path, &[], None, None).await
    }

    /// Pending invitations (admins; scope `org.pendingInvites`).
    pub async fn pending_invites(&self) -> Result<Vec<OrgInvite>> {
        self.client.call(Method::GET, &format!("{}/invites", self.path), &[], None, None).await
    }

    /// Invites an email with a role (admins; scope `org.inviteMember`).
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// use me_client::me_wire::platform::OrgInvitePost;
    /// let invite = OrgInvitePost { email: "bob@example.com".into(), role: "edit".into(), application_roles: None, dashboard_roles: None, disallow_transfer: None };
    /// client.org("575ec8687ae143cd83dc4a97").invite_member(&invite).await?;
    /// # Ok(()) }
    /// ```
    pub async fn invite_member(&self, invite: &OrgInvitePost) -> Result<Vec<OrgInvite>> {
        self.client.call(Method::POST, &format!("{}/invites", self.path), &[], Some(json(invite)?), None).await
    }

    /// Revokes a pending invitation (admins; scope `org.revokeInvite`).
    pub async fn revoke_invite(&self, invite_id: &str) -> Result<Vec<OrgInvite>> {
        let query = [("inviteId", invite_id.to_owned())];
        self.client.call(Method::DELETE, &format!("{}/invites", self.path), &query, None, None).await
    }

    /// Changes a member's role (admins; scope `org.modifyMember`).
    pub async fn modify_member(&self, member: &MemberPatch) -> Result<Org> {
        self.client.call(Method::PATCH, &format!("{}/member", self.path), &[], Some(json(member)?), None).await
    }

    /// Removes a member, or leaves (scope `org.removeMember`).
    pub async fn remove_member(&self, user_id: &str) -> Result<Org> {
        let query = [("userId", user_id.to_owned())];
        self.client.call(Method::DELETE, &format!("{}/member", self.path), &query, None, None).await
    }
}

/// One application, dashboard or device; from [`Client::application`],
/// [`Client::dashboard`] or [`Client::device`].
#[derive(Debug, Clone)]
pub struct ResourceApi<'a> {
    client: &'a Client,
    path: String,
}

impl ResourceApi<'_> {
    /// Reads it.
    pub async fn get(&self) -> Result<Resource> {
        self.client.call(Method::GET, &self.path, &[], None, None).await
    }

    /// Renames it (`name`, `description`).
    pub async fn patch(&self, patch: &NamePatch) -> Result<Resource> {
        self.client.call(Method::PATCH, &self.path, &[], Some(json(patch)?), None).await
    }

    /// Deletes it (an application with its devices, flows and notebooks).
    pub async fn delete(&self) -> Result<Success> {
        self.client.call(Method::DELETE, &self.path, &[], None, None).await
    }

    /// Sends device state (a device only): one `deviceState` object or an
    /// array of them (scope `device.sendState`).
    ///
    /// ```no_run
    /// # async fn run(client: me_client::Client) -> me_client::Result<()> {
    /// let state = serde_json::json!({"data": {"temperature": 21.5}});
    /// client.device("575ec8687ae143cd83dc4a97", "575ecf887ae143cd83dc4aa2").send_state(&state).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_state(&self, state: &Value) -> Result<Success> {
        self.client.call(Method::POST, &format!("{}/state", self.path), &[], Some(state.clone()), None).await
    }
}

/// A collection: list it, or add to it. From [`Client::orgs`],
/// [`Client::applications`], [`Client::dashboards`] or [`Client::devices`].
#[derive(Debug, Clone)]
pub struct CollectionApi<'a, T, P> {
    client: &'a Client,
    path: String,
    types: PhantomData<fn(&P) -> T>,
}

impl<'a, T: DeserializeOwned, P: Serialize> CollectionApi<'a, T, P> {
    fn new(client: &'a Client, path: String) -> Self {
        CollectionApi { client, path, types: PhantomData }
    }

    /// Lists what the caller can see.
    pub async fn get(&self) -> Result<ItemList<T>> {
        self.client.call(Method::GET, &self.path, &[], None, None).await
    }

    /// Creates one.
    pub async fn post(&self, body: &P) -> Result<T> {
        self.client.call(Method::POST, &self.path, &[], Some(json(body)?), None).await
    }
}
