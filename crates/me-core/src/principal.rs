//! Who is calling: the user a valid token names, with the token's scopes.

use crate::error::{Error, Result};
use crate::scope;
use crate::store::UserRecord;
use crate::token::Claims;

#[derive(Debug, Clone)]
pub struct Principal {
    pub user: UserRecord,
    pub claims: Claims,
}

impl Principal {
    /// `Forbidden` unless the token's scopes admit `action` (`me.patch`).
    pub fn require(&self, action: &str) -> Result<()> {
        if scope::admits(&self.claims.scope, action) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!("This token's scopes do not allow {action}")))
        }
    }
}
