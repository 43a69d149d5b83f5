//! Bodies of the platform around Me: organisations, members, invitations,
//! applications, dashboards, devices, flows, notebooks, recent items and
//! resource transfers. Only the fields these routes use are typed; the other
//! fields a schema allows are accepted (and ignored) so official clients work.

use crate::validate::{self, Validate};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Organisation roles, weakest first.
pub const ROLES: &[&str] = &["none", "view", "collaborate", "edit", "admin"];

fn role(field: &str, value: &str) -> Result<(), String> {
    if ROLES.contains(&value) {
        Ok(())
    } else {
        Err(format!("{field} must be one of admin, edit, collaborate, view, none"))
    }
}

fn id(field: &str, value: &str) -> Result<(), String> {
    if crate::id::is_id(value) {
        Ok(())
    } else {
        Err(format!("{field} must be a 24-character hexadecimal id"))
    }
}

/// A page of a list (`orgs.json`, `applications.json`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemList<T> {
    pub items: Vec<T>,
    pub count: i64,
    pub total_count: i64,
    pub per_page: i64,
    pub page: i64,
}

impl<T> ItemList<T> {
    pub fn all(items: Vec<T>) -> Self {
        let n = items.len() as i64;
        ItemList { items, count: n, total_count: n, per_page: n.max(1), page: 0 }
    }
}

/// `orgPost.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgPost {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_color: Option<String>,
}

impl Validate for OrgPost {
    fn validate(&self) -> Result<(), String> {
        validate::len_between("name", &self.name, 1, 255)?;
        validate::opt_max_len("description", &self.description, 32767)?;
        validate::opt_max_len("iconColor", &self.icon_color, 64)
    }
}

/// The body of `PATCH /orgs/{orgId}`, `/applications/{id}`, `/dashboards/{id}`
/// and the application's devices, flows and notebooks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Validate for NamePatch {
    fn validate(&self) -> Result<(), String> {
        if let Some(name) = &self.name {
            validate::len_between("name", name, 1, 255)?;
        }
        validate::opt_max_len("description", &self.description, 32767)
    }
}

/// One member of an organisation (`org.json#/properties/members/items`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgMember {
    pub user_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: String,
    pub two_factor_auth_enabled: bool,
}

/// `org.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Org {
    pub id: String,
    pub org_id: String,
    #[serde(with = "crate::time::ms")]
    pub creation_date: DateTime<Utc>,
    #[serde(with = "crate::time::ms")]
    pub last_updated: DateTime<Utc>,
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_color: Option<String>,
    pub members: Vec<OrgMember>,
}

/// `PATCH /orgs/{orgId}/member`: change a member's role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberPatch {
    pub user_id: String,
    pub role: String,
}

impl Validate for MemberPatch {
    fn validate(&self) -> Result<(), String> {
        id("userId", &self.user_id)?;
        role("role", &self.role)
    }
}

/// `orgInvitePost.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgInvitePost {
    pub email: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_roles: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_roles: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disallow_transfer: Option<bool>,
}

impl Validate for OrgInvitePost {
    fn validate(&self) -> Result<(), String> {
        validate::email("email", &self.email)?;
        role("role", &self.role)
    }
}

/// One pending invitation as its organisation sees it (`orgInvites.json` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgInvite {
    pub id: String,
    pub email: String,
    pub role: String,
    #[serde(with = "crate::time::ms")]
    pub invite_date: DateTime<Utc>,
    /// Milliseconds the invitation lives from `inviteDate`.
    pub ttl: i64,
    pub has_expired: bool,
}

/// Who sent an invitation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitedBy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `orgInviteUser.json`: an invitation as its invitee sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgInviteUser {
    pub id: String,
    pub org_name: String,
    pub role: String,
    #[serde(with = "crate::time::ms")]
    pub invite_date: DateTime<Utc>,
    pub ttl: i64,
    pub expired: bool,
    pub invited_by: InvitedBy,
}

/// `orgInviteActionUser.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgInviteActionUser {
    pub action: String,
}

impl Validate for OrgInviteActionUser {
    fn validate(&self) -> Result<(), String> {
        match self.action.as_str() {
            "accept" | "reject" | "dismiss" => Ok(()),
            _ => Err("action must be accept, reject or dismiss".into()),
        }
    }
}

/// `orgInviteResultUser.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgInviteResultUser {
    pub result: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
}

/// `applicationPost.json`, and the same shape for dashboards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationPost {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_template_id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_template_ids: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_slug: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_user_token_cutoff: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_default_cors: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub globals: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_config: Option<Value>,
    #[serde(default, rename = "blobUrlTTL", skip_serializing_if = "Option::is_none")]
    pub blob_url_ttl: Option<Value>,
}

impl Validate for ApplicationPost {
    fn validate(&self) -> Result<(), String> {
        validate::len_between("name", &self.name, 1, 255)?;
        validate::opt_max_len("description", &self.description, 32767)?;
        match &self.org_id {
            Some(org) => id("orgId", org),
            None => Ok(()),
        }
    }
}

/// `devicePost.json`, `notebookPost.json` and flows: a named thing inside an
/// application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChildPost {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    // devicePost
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_class: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_interval: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_duplicates: Option<Value>,
    // notebookPost
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_version: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Value>,
}

impl Validate for ChildPost {
    fn validate(&self) -> Result<(), String> {
        validate::len_between("name", &self.name, 1, 255)?;
        validate::opt_max_len("description", &self.description, 32767)
    }
}

/// An application, a dashboard, or a device, flow or notebook in an
/// application, in the shape of `application.json` / `device.json` /
/// `notebook.json`: `id` plus the kind's own id field (`applicationId`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub id: String,
    #[serde(flatten)]
    pub kind_id: serde_json::Map<String, Value>,
    #[serde(with = "crate::time::ms")]
    pub creation_date: DateTime<Utc>,
    #[serde(with = "crate::time::ms")]
    pub last_updated: DateTime<Utc>,
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// `user` or `organization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
}

/// `recentItem.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentItemPost {
    pub item_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub item_id: String,
}

pub const RECENT_ITEM_TYPES: &[&str] = &["application", "device", "flow", "dashboard", "organization"];

impl Validate for RecentItemPost {
    fn validate(&self) -> Result<(), String> {
        if !RECENT_ITEM_TYPES.contains(&self.item_type.as_str()) {
            return Err("itemType must be one of application, device, flow, dashboard, organization".into());
        }
        id("itemId", &self.item_id)?;
        match &self.parent_id {
            Some(p) => id("parentId", p),
            None => Ok(()),
        }
    }
}

/// `resourceTransfer.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceTransfer {
    pub destination_id: String,
    pub destination_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

impl Validate for ResourceTransfer {
    fn validate(&self) -> Result<(), String> {
        id("destinationId", &self.destination_id)?;
        if !matches!(self.destination_type.as_str(), "user" | "organization") {
            return Err("destinationType must be user or organization".into());
        }
        for (field, list) in [("applicationIds", &self.application_ids), ("dashboardIds", &self.dashboard_ids)] {
            let list = list.as_deref().unwrap_or_default();
            if list.len() > 1000 {
                return Err(format!("{field} may hold at most 1000 ids"));
            }
            for (i, item) in list.iter().enumerate() {
                id(&format!("{field}[{i}]"), item)?;
            }
        }
        Ok(())
    }
}
