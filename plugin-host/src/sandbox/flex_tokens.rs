//! Flex-style agent tokens issued by the sandbox (`POST /sandbox/agents`) and checked by its IAM
//! stand-in: HS256 JWTs with a sandbox-only secret, valid 24 hours.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::tokens::now_secs;

pub const FLEX_TOKEN_TTL_SECS: u64 = 24 * 3600;
const ISSUER: &str = "c2v-sandbox";
const AUDIENCE: &str = "c2v-sandbox-flex";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlexClaims {
    pub iss: String,
    pub aud: String,
    /// The agent's identity.
    pub sub: String,
    /// The agent's TaskRouter worker; `None` for a Flex user who is not a worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_sid: Option<String>,
    pub roles: Vec<String>,
    pub iat: u64,
    pub exp: u64,
}

pub struct FlexTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl FlexTokens {
    pub fn new(secret: &str) -> FlexTokens {
        FlexTokens {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        }
    }

    pub fn issue(
        &self,
        identity: &str,
        worker_sid: Option<&str>,
    ) -> Result<(String, FlexClaims), jsonwebtoken::errors::Error> {
        let now = now_secs();
        let claims = FlexClaims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: identity.to_owned(),
            worker_sid: worker_sid.map(str::to_owned),
            roles: vec!["agent".to_owned()],
            iat: now,
            exp: now + FLEX_TOKEN_TTL_SECS,
        };
        Ok((
            encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?,
            claims,
        ))
    }

    /// The claims of a token this sandbox issued and that has not expired.
    pub fn verify(&self, token: &str) -> Result<FlexClaims, jsonwebtoken::errors::Error> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[AUDIENCE]);
        v.set_issuer(&[ISSUER]);
        v.leeway = 0;
        Ok(decode::<FlexClaims>(token, &self.decoding, &v)?.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_foreign_secret() {
        let t = FlexTokens::new("one");
        let (token, claims) = t.issue("alice", Some("WK1")).unwrap();
        assert_eq!(t.verify(&token).unwrap(), claims);
        let (token, claims) = t.issue("admin", None).unwrap();
        assert_eq!(t.verify(&token).unwrap().worker_sid, None);
        assert_eq!(claims.worker_sid, None);
        assert!(FlexTokens::new("two").verify(&token).is_err());
        assert!(t.verify("not.a.token").is_err());
    }
}
