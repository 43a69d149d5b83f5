//! Throttling of password and code guesses: after 5 failures for one account
//! within 15 minutes, further attempts get 429 until the window passes,
//! whatever the password. Counted in the database, so the limit holds across
//! instances and restarts; keyed by email, so an unknown email is throttled
//! exactly like a known one and the 429 reveals nothing.

use crate::error::{Error, Result};
use crate::Core;
use chrono::Duration;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_MINUTES: i64 = 15;

impl Core {
    /// `TooManyRequests` while the account is locked out; else the number of
    /// recent failures.
    pub(crate) async fn throttle_guard(&self, account: &str) -> Result<i64> {
        let since = self.clock.now() - Duration::minutes(WINDOW_MINUTES);
        let failures = self.store.recent_failures(account, since).await?;
        if failures >= MAX_FAILURES {
            return Err(Error::TooManyRequests(format!(
                "Too many failed attempts for this account; try again in {WINDOW_MINUTES} minutes"
            )));
        }
        Ok(failures)
    }

    pub(crate) async fn throttle_failed(&self, account: &str) -> Result<()> {
        let now = self.clock.now();
        self.store.record_failure(account, now, now - Duration::minutes(WINDOW_MINUTES)).await?;
        Ok(())
    }

    /// A success resets the count. Skipped when there was nothing to reset,
    /// so a plain log-in writes nothing.
    pub(crate) async fn throttle_succeeded(&self, account: &str, failures: i64) -> Result<()> {
        if failures > 0 {
            self.store.clear_failures(account).await?;
        }
        Ok(())
    }
}
