//! Secrets at rest: AES-256-GCM under a key kept outside the database
//! (`ME_SECRET_KEY` or a file in the data folder), so a copy of the database
//! alone does not reveal them. Each ciphertext is bound to its owner (the
//! owner's id is the associated data): one user's sealed key cannot be moved
//! onto another user's row.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;

pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl SecretBox {
    /// `key` must be 32 bytes.
    pub fn new(key: &[u8]) -> Option<SecretBox> {
        Aes256Gcm::new_from_slice(key).ok().map(|cipher| SecretBox { cipher })
    }

    /// `hex(nonce || ciphertext)`.
    pub fn seal(&self, owner: &str, plain: &[u8]) -> String {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let Ok(sealed) = self.cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: owner.as_bytes() })
        else {
            // Encryption only fails for inputs of gigabytes.
            return String::new();
        };
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        hex::encode(out)
    }

    /// `None` when the text was not sealed by this key for this owner.
    pub fn open(&self, owner: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, body) = bytes.split_at(12);
        self.cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: owner.as_bytes() }).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_only_for_its_owner_and_key() {
        let b = SecretBox::new(&[7u8; 32]).unwrap();
        let sealed = b.seal("user-a", b"totp key");
        assert!(!sealed.contains(&hex::encode(b"totp key")));
        assert_eq!(b.open("user-a", &sealed).as_deref(), Some(&b"totp key"[..]));
        assert_eq!(b.open("user-b", &sealed), None);
        assert_eq!(SecretBox::new(&[8u8; 32]).unwrap().open("user-a", &sealed), None);
        assert_ne!(b.seal("user-a", b"totp key"), sealed, "fresh nonce each time");
        assert!(SecretBox::new(&[0u8; 16]).is_none());
    }
}
