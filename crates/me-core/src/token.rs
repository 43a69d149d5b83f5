//! Bearer tokens: JWTs signed with HS256 under the server's secret. Only HS256
//! is accepted (`alg: none` and every other algorithm are refused), and expiry
//! is checked against the [`Clock`](crate::Clock), not the wall clock, so tests
//! can outlive a token.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "me-api";

/// What a token says. `iat`/`exp` are the standard seconds; `iatMs` carries
/// the issue time to the millisecond, for the user's token cut-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(rename = "iatMs")]
    pub iat_ms: i64,
    pub scope: Vec<String>,
    /// `user` for people; `service` for the platform's own parts.
    #[serde(default = "user_kind")]
    pub kind: String,
}

fn user_kind() -> String {
    "user".into()
}

impl Claims {
    /// The lifetime the token was issued with, in seconds.
    pub fn lifetime_secs(&self) -> u64 {
        (self.exp - self.iat).max(0) as u64
    }
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against the Clock in `verify`.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["sub", "iss", "iat", "exp"]);
        validation.set_issuer(&[ISSUER]);
        TokenKeys { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation }
    }

    pub fn issue(
        &self,
        subject: &str,
        kind: &str,
        scopes: &[String],
        issued_at: DateTime<Utc>,
        ttl_secs: u64,
    ) -> Result<String> {
        let iat = issued_at.timestamp();
        let claims = Claims {
            sub: subject.to_owned(),
            iss: ISSUER.to_owned(),
            iat,
            exp: iat.saturating_add(ttl_secs.min(i64::MAX as u64) as i64),
            iat_ms: issued_at.timestamp_millis(),
            scope: scopes.to_vec(),
            kind: kind.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| Error::internal(anyhow::anyhow!("signing a token: {e}")))
    }

    /// Checks the signature, the algorithm, the issuer and expiry. Says only
    /// "invalid" or "expired": the caller needs no more.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| Error::Unauthorized("Invalid token".into()))?;
        let claims = data.claims;
        if now.timestamp_millis() >= claims.exp.saturating_mul(1000) {
            return Err(Error::Unauthorized("Token has expired".into()));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        crate::clock::from_ms(1_764_763_200_123)
    }

    #[test]
    fn round_trip_and_expiry() {
        let k = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let t = k.issue("u1", "user", &["all.User".into()], now(), 60).unwrap();
        let c = k.verify(&t, now()).unwrap();
        assert_eq!(c.sub, "u1");
        assert_eq!(c.iat_ms, 1_764_763_200_123);
        assert_eq!(c.lifetime_secs(), 60);
        assert!(k.verify(&t, now() + Duration::seconds(59)).is_ok());
        assert!(matches!(k.verify(&t, now() + Duration::seconds(60)), Err(Error::Unauthorized(_))));
    }

    #[test]
    fn refuses_other_keys_algorithms_and_tampering() {
        let k = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let other = TokenKeys::new(b"another secret another secret!!!");
        let t = other.issue("u1", "user", &[], now(), 60).unwrap();
        assert!(k.verify(&t, now()).is_err());

        // alg: none, unsigned.
        use base64_like::b64;
        let header = b64(br#"{"alg":"none","typ":"JWT"}"#);
        let body = t.split('.').nth(1).unwrap();
        assert!(k.verify(&format!("{header}.{body}."), now()).is_err());

        // HS512 under the right secret is still refused.
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &k.verify(&k.issue("u1", "user", &[], now(), 60).unwrap(), now()).unwrap(),
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        assert!(k.verify(&hs512, now()).is_err());

        // A changed payload breaks the signature.
        let good = k.issue("u1", "user", &["me.get".into()], now(), 60).unwrap();
        let parts: Vec<&str> = good.split('.').collect();
        let forged = b64(br#"{"sub":"u1","iss":"me-api","iat":1,"exp":99999999999,"iatMs":1000,"scope":["all.User"]}"#);
        assert!(k.verify(&format!("{}.{}.{}", parts[0], forged, parts[2]), now()).is_err());
    }

    /// Unpadded URL-safe base64, enough for building hostile tokens by hand.
    mod base64_like {
        pub fn b64(input: &[u8]) -> String {
            const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in input.chunks(3) {
                let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (*b as u32) << (16 - 8 * i));
                for i in 0..=chunk.len() {
                    out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                }
            }
            out
        }
    }
}
