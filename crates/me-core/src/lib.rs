//! The domain of me-api: accounts, password hashing and policy, tokens and
//! scopes, and the Me actions, as rules over a [`Store`] and a [`Clock`].
//! No HTTP and no SQL live here.

pub mod access;
pub mod accounts;
pub mod clock;
pub mod email_verification;
pub mod error;
pub mod github;
pub mod id;
pub mod me;
pub mod metering;
pub mod orgs;
pub mod outbox;
pub mod password;
pub mod principal;
pub mod recent;
pub mod redacted;
pub mod resources;
pub mod scope;
pub mod sealed;
pub mod second_factor;
pub mod settings;
pub mod store;
pub mod throttle;
pub mod token;
pub mod totp;
pub mod transfer;
pub mod usage;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use principal::Principal;
pub use settings::{Settings, Signup};
pub use store::{Store, StoreError};

use std::sync::Arc;
use tokio::sync::Notify;

/// Everything the rules need, built once at start and shared by every request.
#[derive(Clone)]
pub struct Core {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<token::TokenKeys>,
    pub passwords: Arc<password::PasswordHasher>,
    pub ids: Arc<id::IdGen>,
    pub settings: Arc<Settings>,
    /// Seals TOTP keys at rest.
    pub secrets: Arc<sealed::SecretBox>,
    pub github: Arc<dyn github::GithubApi>,
    /// Wakes the outbox sender when a message is queued.
    pub outbox_signal: Arc<Notify>,
    /// The group commit of device state counts.
    pub state_writer: Arc<metering::StateWriter>,
}

/// The keys a server holds outside its database.
pub struct Keys<'a> {
    /// Signs tokens (HS256).
    pub token_secret: &'a [u8],
    /// 32 bytes: seals TOTP keys (AES-256-GCM).
    pub data_key: &'a [u8],
}

impl Core {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        keys: Keys<'_>,
        github: Arc<dyn github::GithubApi>,
        settings: Settings,
    ) -> Result<Core> {
        let secrets = sealed::SecretBox::new(keys.data_key)
            .ok_or_else(|| Error::internal(anyhow::anyhow!("the data key must be 32 bytes")))?;
        Ok(Core {
            store,
            clock,
            tokens: Arc::new(token::TokenKeys::new(keys.token_secret)),
            passwords: Arc::new(password::PasswordHasher::new()?),
            ids: Arc::new(id::IdGen::new()),
            settings: Arc::new(settings),
            secrets: Arc::new(secrets),
            github,
            outbox_signal: Arc::new(Notify::new()),
            state_writer: Arc::new(metering::StateWriter::default()),
        })
    }
}
