//! A value that must never reach a log or a response.

use std::fmt;

/// Wraps a secret (a password hash, a key) so `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted<T>(pub T);

impl<T> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T> Redacted<T> {
    pub fn expose(&self) -> &T {
        &self.0
    }
}
