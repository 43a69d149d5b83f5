//! Password hashing: argon2id (m = 19456 KiB, t = 2, p = 1, OWASP's baseline)
//! on tokio's blocking pool, so a log-in never stalls other requests. A
//! semaphore bounds how many hashes run at once: each takes 19 MiB, and a
//! flood of log-ins must not exhaust memory or starve the blocking pool.

use crate::error::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub struct PasswordHasher {
    argon: Argon2<'static>,
    permits: Arc<Semaphore>,
    /// A real hash of a random password: an unknown email is checked against
    /// it so that it costs as much as a known one.
    dummy: String,
}

impl PasswordHasher {
    pub fn new() -> Result<Self> {
        let params = Params::new(19_456, 2, 1, None).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy = hash_with(&argon, &hex::encode(rand::random::<[u8; 16]>()))?;
        let parallel = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(PasswordHasher { argon, permits: Arc::new(Semaphore::new(parallel)), dummy })
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) for `password`.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let argon = self.argon.clone();
        let password = password.to_owned();
        self.blocking(move || hash_with(&argon, &password)).await?
    }

    /// Whether `password` matches `hash`. With no hash (no such user, or an
    /// account without a password) it checks against the dummy and answers
    /// false, in the same time.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool> {
        let argon = self.argon.clone();
        let password = password.to_owned();
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy.clone(), false),
        };
        let matched = self
            .blocking(move || match PasswordHash::new(&hash) {
                // verify_password compares in constant time.
                Ok(parsed) => argon.verify_password(password.as_bytes(), &parsed).is_ok(),
                Err(_) => false,
            })
            .await?;
        Ok(matched && real)
    }

    async fn blocking<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let _permit =
            self.permits.acquire().await.map_err(|e| Error::internal(anyhow::anyhow!("hasher closed: {e}")))?;
        tokio::task::spawn_blocking(f).await.map_err(|e| Error::internal(anyhow::anyhow!("hashing task failed: {e}")))
    }
}

fn hash_with(argon: &Argon2<'_>, password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(anyhow::anyhow!("hashing failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let h = PasswordHasher::new().unwrap();
        let a = h.hash("Correct-Horse-9").await.unwrap();
        let b = h.hash("Correct-Horse-9").await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_ne!(a, b, "salted");
        assert!(h.verify("Correct-Horse-9", Some(&a)).await.unwrap());
        assert!(!h.verify("Correct-Horse-8", Some(&a)).await.unwrap());
        assert!(!h.verify("Correct-Horse-9", None).await.unwrap());
        assert!(!h.verify("Correct-Horse-9", Some("not a hash")).await.unwrap());
    }
}
