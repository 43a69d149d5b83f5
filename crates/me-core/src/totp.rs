//! TOTP (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps, one step of skew
//! either way. Pure functions of (key, code, now, last used step): the caller
//! stores the accepted step so that no code is accepted twice.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;
use subtle::ConstantTimeEq;

pub const STEP_SECS: i64 = 30;
pub const DIGITS: u32 = 6;
/// Steps accepted on each side of now, for clocks that drift.
pub const SKEW: i64 = 1;

/// 32 random bytes: the key a user loads into an authenticator app.
pub fn generate_key() -> Vec<u8> {
    let mut key = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key
}

/// Base32 without padding (52 characters for 32 bytes), as authenticator
/// apps expect it.
pub fn encode_key(key: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(key)
}

pub fn decode_key(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace() && *c != '=').collect();
    data_encoding::BASE32_NOPAD.decode(cleaned.to_ascii_uppercase().as_bytes()).ok()
}

/// `otpauth://totp/<issuer>:<email>?secret=<key>&issuer=<issuer>`.
pub fn key_uri(issuer: &str, account: &str, key: &[u8]) -> String {
    let issuer_enc = percent_encode(issuer);
    format!("otpauth://totp/{issuer_enc}:{}?secret={}&issuer={issuer_enc}", percent_encode(account), encode_key(key))
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The time step holding `t`.
pub fn step_of(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(STEP_SECS)
}

/// The code for one time step (RFC 4226 dynamic truncation).
pub fn code_at_step(key: &[u8], step: i64) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(&(step as u64).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let binary =
        u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:0width$}", binary % 10u32.pow(DIGITS), width = DIGITS as usize)
}

/// The step whose code `code` is, within the skew around `now`, and later
/// than `last_used` (a step already spent is refused). Compares in constant
/// time and looks at every candidate step, whether or not one matched.
pub fn verify(key: &[u8], code: &str, now: DateTime<Utc>, last_used: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_of(now);
    let mut found = None;
    for step in current - SKEW..=current + SKEW {
        let matches: bool = code_at_step(key, step).as_bytes().ct_eq(code.as_bytes()).into();
        if matches && last_used.is_none_or(|used| step > used) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// RFC 6238 appendix B, SHA1 column: the key is "12345678901234567890"
    /// and the codes there have 8 digits; their last 6 digits are the 6-digit
    /// codes, since both are the same number modulo a power of ten.
    #[test]
    fn rfc6238_appendix_b_vectors() {
        let key = b"12345678901234567890";
        for (t, eight) in [
            (59i64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            let now = Utc.timestamp_opt(t, 0).unwrap();
            assert_eq!(code_at_step(key, step_of(now)), eight[2..], "t = {t}");
        }
    }

    #[test]
    fn skew_and_replay() {
        let key = generate_key();
        let now = Utc.timestamp_opt(1_800_000_015, 0).unwrap();
        let step = step_of(now);
        let code = code_at_step(&key, step);
        assert_eq!(verify(&key, &code, now, None), Some(step));
        assert_eq!(verify(&key, &code, now, Some(step)), None, "a spent step is refused");
        assert_eq!(verify(&key, &code, now + chrono::Duration::seconds(30), None), Some(step), "one step late");
        assert_eq!(verify(&key, &code, now - chrono::Duration::seconds(30), None), Some(step), "one step early");
        assert_eq!(verify(&key, &code, now + chrono::Duration::seconds(60), None), None, "two steps late");
        let prev = code_at_step(&key, step - 1);
        assert_eq!(verify(&key, &prev, now, Some(step - 2)), Some(step - 1));
        assert_eq!(verify(&key, "12345", now, None), None);
        assert_eq!(verify(&key, "abcdef", now, None), None);
    }

    #[test]
    fn keys_and_uris() {
        let key = generate_key();
        let text = encode_key(&key);
        assert_eq!(text.len(), 52);
        assert!(!text.contains('='));
        assert_eq!(decode_key(&text.to_lowercase()), Some(key.clone()));
        let uri = key_uri("me-api", "ada@example.com", &key);
        assert_eq!(uri, format!("otpauth://totp/me-api:ada@example.com?secret={text}&issuer=me-api"));
        assert!(key_uri("My Co", "a+b@example.com", &key).starts_with("otpauth://totp/My%20Co:a%2Bb@example.com?"));
    }
}
