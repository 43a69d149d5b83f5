//! Bodies of the Me resource: the profile (`me.json`), its patch
//! (`mePatch.json`) and the password change (`changePassword.json`).

use crate::secret::Password;
use crate::validate::{self, Validate};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `me.json`: the signed-in user as `GET /me` shows them. Carries no secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: String,
    pub user_id: String,
    #[serde(with = "crate::time::ms")]
    pub creation_date: DateTime<Utc>,
    #[serde(with = "crate::time::ms")]
    pub last_updated: DateTime<Utc>,
    #[serde(default, with = "crate::time::ms_opt", skip_serializing_if = "Option::is_none")]
    pub password_last_updated: Option<DateTime<Utc>>,
    pub email: String,
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, with = "crate::time::ms_opt", skip_serializing_if = "Option::is_none")]
    pub token_cutoff: Option<DateTime<Utc>>,
    pub email_verified: bool,
    pub needs_to_verify_email: bool,
    pub two_factor_auth_enabled: bool,
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_dashboards: Option<RecentItemList>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_applications: Option<RecentItemList>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_organizations: Option<RecentItemList>,
    #[serde(default)]
    pub summary: Summary,
    #[serde(with = "crate::time::ms")]
    pub current_period_start: DateTime<Utc>,
    #[serde(with = "crate::time::ms")]
    pub current_period_end: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_linked: Option<bool>,
}

/// `recentItemList.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentItemList {
    pub item_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub items: Vec<RecentItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentItem {
    pub id: String,
    pub name: String,
}

/// The resource limits of the user's sandbox (`me.json#/properties/limits`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apitoken: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook: Option<i64>,
    #[serde(default, rename = "dataTTL", skip_serializing_if = "Option::is_none")]
    pub data_ttl: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook_minutes_per_run: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook_minutes_per_month: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook_in_parallel: Option<i64>,
}

/// What the user owns, counted (`me.json#/properties/summary`). A field is
/// absent when it was excluded by `summaryExclude` / `summaryInclude`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dash_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_count: Option<i64>,
    /// Payloads of the current period; only with `summaryInclude=payloadCount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_count: Option<crate::usage::PayloadStats>,
}

impl Summary {
    /// The wire names of the summary fields, in order.
    pub const FIELDS: &'static [&'static str] =
        &["appCount", "dashCount", "deviceCount", "flowCount", "notebookCount", "orgCount"];

    /// Drops every field whose wire name `keep` refuses.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        let fields: [(&str, &mut Option<i64>); 6] = [
            ("appCount", &mut self.app_count),
            ("dashCount", &mut self.dash_count),
            ("deviceCount", &mut self.device_count),
            ("flowCount", &mut self.flow_count),
            ("notebookCount", &mut self.notebook_count),
            ("orgCount", &mut self.org_count),
        ];
        for (name, value) in fields {
            if !keep(name) {
                *value = None;
            }
        }
    }
}

/// `mePatch.json`: `PATCH /me`. Absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,
    #[serde(default, with = "crate::time::ms_opt", skip_serializing_if = "Option::is_none")]
    pub token_cutoff: Option<DateTime<Utc>>,
}

impl Validate for MePatch {
    fn validate(&self) -> Result<(), String> {
        if let Some(email) = &self.email {
            validate::email("email", email)?;
        }
        if let Some(first) = &self.first_name {
            validate::len_between("firstName", first, 1, 1024)?;
        }
        validate::opt_max_len("lastName", &self.last_name, 1024)?;
        validate::opt_max_len("companyName", &self.company_name, 1024)?;
        validate::opt_max_len("title", &self.title, 1024)?;
        validate::opt_max_len("phoneNumber", &self.phone_number, 1024)?;
        validate::opt_max_len("location", &self.location, 1024)?;
        validate::opt_max_len("url", &self.url, 1024)?;
        if let Some(p) = &self.password {
            validate::password_policy("password", p.expose())?;
        }
        Ok(())
    }
}

/// `changePassword.json`: `PATCH /me/changePassword`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePassword {
    pub password: Password,
    pub new_password: Password,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor_code: Option<Password>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidate_existing_tokens: Option<bool>,
    #[serde(default, rename = "tokenTTL", skip_serializing_if = "Option::is_none")]
    pub token_ttl: Option<u64>,
}

impl Validate for ChangePassword {
    fn validate(&self) -> Result<(), String> {
        validate::len_between("password", self.password.expose(), 8, 2048)?;
        validate::password_policy("newPassword", self.new_password.expose())?;
        if let Some(code) = &self.two_factor_code {
            validate::max_len("twoFactorCode", code.expose(), 2048)?;
        }
        Ok(())
    }
}
