//! Bodies of log-in and sign-up.

use crate::secret::Password;
use crate::validate::{self, Validate};
use serde::{Deserialize, Serialize};

/// `authedUser.json`: what a log-in, sign-up or token refresh returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthedUser {
    pub user_id: String,
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_to_verify_email: Option<bool>,
}

/// `userCredentials.json`: `POST /auth/user` and `POST /me/delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserCredentials {
    pub email: String,
    pub password: Password,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor_code: Option<Password>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_scopes: Option<Vec<String>>,
    #[serde(default, rename = "tokenTTL", skip_serializing_if = "Option::is_none")]
    pub token_ttl: Option<u64>,
}

impl Default for Password {
    fn default() -> Self {
        Password::new("")
    }
}

impl Validate for UserCredentials {
    fn validate(&self) -> Result<(), String> {
        validate::email("email", &self.email)?;
        validate::len_between("password", self.password.expose(), 8, 2048)?;
        if let Some(code) = &self.two_factor_code {
            validate::max_len("twoFactorCode", code.expose(), 2048)?;
        }
        validate::scopes("requestedScopes", &self.requested_scopes)
    }
}

/// The `oauth` member of `userPost.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuth {
    pub service: String,
    pub access_token: Password,
}

/// `userPost.json`: `POST /users`, sign-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPost {
    pub email: String,
    pub first_name: String,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_terms: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iot_journey_stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_scopes: Option<Vec<String>>,
    #[serde(default, rename = "tokenTTL", skip_serializing_if = "Option::is_none")]
    pub token_ttl: Option<u64>,
}

impl Validate for UserPost {
    fn validate(&self) -> Result<(), String> {
        validate::email("email", &self.email)?;
        validate::len_between("firstName", &self.first_name, 1, 1024)?;
        validate::max_len("lastName", &self.last_name, 1024)?;
        validate::opt_max_len("companyName", &self.company_name, 1024)?;
        validate::opt_max_len("title", &self.title, 1024)?;
        validate::opt_max_len("phoneNumber", &self.phone_number, 1024)?;
        validate::opt_max_len("location", &self.location, 1024)?;
        validate::opt_max_len("url", &self.url, 1024)?;
        validate::opt_max_len("hsToken", &self.hs_token, 1024)?;
        validate::opt_max_len("iotJourneyStage", &self.iot_journey_stage, 1024)?;
        if self.accept_terms.as_deref() != Some("on") {
            return Err("acceptTerms must be \"on\"".into());
        }
        match (&self.password, &self.oauth) {
            (Some(p), _) => validate::password_policy("password", p.expose())?,
            (None, Some(o)) => {
                if o.service != "github" {
                    return Err("oauth.service must be \"github\"".into());
                }
                validate::len_between("oauth.accessToken", o.access_token.expose(), 1, 1024)?;
            }
            (None, None) => return Err("password is required".into()),
        }
        validate::scopes("requestedScopes", &self.requested_scopes)
    }
}
