//! The domain of me-api: accounts, password hashing and policy, tokens and
//! scopes, and the Me actions, as rules over a [`Store`] and a [`Clock`].
//! No HTTP and no SQL live here.

pub mod accounts;
pub mod clock;
pub mod error;
pub mod id;
pub mod me;
pub mod password;
pub mod principal;
pub mod redacted;
pub mod scope;
pub mod settings;
pub mod store;
pub mod token;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use principal::Principal;
pub use settings::{Settings, Signup};
pub use store::{Store, StoreError};

use std::sync::Arc;

/// Everything the rules need, built once at start and shared by every request.
#[derive(Clone)]
pub struct Core {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<token::TokenKeys>,
    pub passwords: Arc<password::PasswordHasher>,
    pub ids: Arc<id::IdGen>,
    pub settings: Arc<Settings>,
}

impl Core {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        token_secret: &[u8],
        settings: Settings,
    ) -> Result<Core> {
        Ok(Core {
            store,
            clock,
            tokens: Arc::new(token::TokenKeys::new(token_secret)),
            passwords: Arc::new(password::PasswordHasher::new()?),
            ids: Arc::new(id::IdGen::new()),
            settings: Arc::new(settings),
        })
    }
}
