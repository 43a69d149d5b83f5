//! Bodies of the second factor, email verification and GitHub link.

use crate::secret::Password;
use crate::validate::{self, Validate};
use serde::{Deserialize, Serialize};

/// `twoFactorAuthInfo.json`: a new pending TOTP key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TwoFactorAuthInfo {
    pub key: String,
    pub key_uri: String,
}

/// `enableTwoFactorAuth.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnableTwoFactorAuth {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor_auth_key: Option<String>,
    pub password: Password,
    pub two_factor_code: Password,
}

impl Validate for EnableTwoFactorAuth {
    fn validate(&self) -> Result<(), String> {
        if let Some(key) = &self.two_factor_auth_key {
            validate::len_between("twoFactorAuthKey", key, 52, 52)?;
        }
        validate::len_between("password", self.password.expose(), 8, 2048)?;
        validate::max_len("twoFactorCode", self.two_factor_code.expose(), 2048)
    }
}

/// `disableTwoFactorAuth.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisableTwoFactorAuth {
    pub password: Password,
    pub two_factor_code: Password,
}

impl Validate for DisableTwoFactorAuth {
    fn validate(&self) -> Result<(), String> {
        validate::len_between("password", self.password.expose(), 8, 2048)?;
        validate::max_len("twoFactorCode", self.two_factor_code.expose(), 2048)
    }
}

/// `emailVerificationVerify.json`: `POST /auth/verifyEmail`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailVerificationVerify {
    pub email: String,
    pub token: Password,
}

impl Validate for EmailVerificationVerify {
    fn validate(&self) -> Result<(), String> {
        validate::email("email", &self.email)?;
        validate::len_between("token", self.token.expose(), 1, 1024)
    }
}

/// `githubLogin.json`: `POST /auth/user/github` and `PATCH /me/connectGithub`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GithubLogin {
    pub access_token: Password,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_scopes: Option<Vec<String>>,
    #[serde(default, rename = "tokenTTL", skip_serializing_if = "Option::is_none")]
    pub token_ttl: Option<u64>,
}

impl Validate for GithubLogin {
    fn validate(&self) -> Result<(), String> {
        validate::len_between("accessToken", self.access_token.expose(), 1, 1024)?;
        validate::scopes("requestedScopes", &self.requested_scopes)
    }
}
