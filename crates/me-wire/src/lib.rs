//! Wire types of the Losant Me API (v1.26.1): serde structs for the request and
//! response bodies in `spec/`, the id and time formats, and the error body.
//! No IO: the server and the SDK share these types.

pub mod auth;
pub mod error;
pub mod id;
pub mod identity;
mod known_scopes;
pub mod me;
pub mod platform;
pub mod secret;
pub mod time;
pub mod usage;
pub mod validate;

pub use auth::{AuthedUser, UserCredentials, UserPost};
pub use error::{ErrorBody, ErrorType};
pub use identity::{
    DisableTwoFactorAuth, EmailVerificationVerify, EnableTwoFactorAuth, GithubLogin, TwoFactorAuthInfo,
};
pub use known_scopes::{is_known_scope, KNOWN_SCOPES};
pub use me::{ChangePassword, Limits, Me, MePatch, Summary};
pub use secret::Password;
pub use validate::Validate;

use serde::{Deserialize, Serialize};

/// `success.json`: the body of actions that only report that they worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Success {
    pub success: bool,
}

impl Success {
    pub const TRUE: Success = Success { success: true };
}
