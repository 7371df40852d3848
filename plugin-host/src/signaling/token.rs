//! Verifying the sandbox's Twilio-style access tokens (HS256 over the API key secret) for the
//! two sockets that take one: the video grant for a room's signaling, the `data_sync` grant
//! for live documents.

use chat_to_video::protocol::DisconnectReason;
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// Checks signatures and expiry with the secret the host signs with.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    issuer: Option<String>,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the access token is invalid")]
    Invalid,
    #[error("the access token has expired")]
    Expired,
}

impl From<TokenError> for DisconnectReason {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Invalid => DisconnectReason::TokenInvalid,
            TokenError::Expired => DisconnectReason::TokenExpired,
        }
    }
}

#[derive(Debug, Deserialize)]
struct Claims {
    exp: u64,
    #[serde(default)]
    iss: Option<String>,
    grants: Grants,
}

#[derive(Debug, Deserialize)]
struct Grants {
    identity: String,
    #[serde(default)]
    video: Option<VideoGrant>,
    #[serde(default)]
    data_sync: Option<SyncGrant>,
}

#[derive(Debug, Deserialize)]
struct VideoGrant {
    #[serde(default)]
    room: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SyncGrant {
    service_sid: String,
}

/// A verified token with a video grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoAccess {
    pub identity: String,
    /// The room the grant names: a room sid or its unique name.
    pub room: String,
    /// Unix seconds.
    pub expires_at: u64,
}

/// A verified token with a sync grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncAccess {
    pub identity: String,
    pub service_sid: String,
    pub expires_at: u64,
}

impl TokenVerifier {
    /// `issuer`: the API key sid the host signs with (`iss`), checked when given.
    pub fn new(api_secret: &str, issuer: Option<String>) -> Self {
        TokenVerifier {
            key: DecodingKey::from_secret(api_secret.as_bytes()),
            issuer,
        }
    }

    fn claims(&self, token: &str) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &validation).map_err(|e| {
            match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            }
        })?;
        let claims = data.claims;
        if let Some(issuer) = &self.issuer {
            if claims.iss.as_deref() != Some(issuer.as_str()) {
                return Err(TokenError::Invalid);
            }
        }
        if claims.grants.identity.is_empty() {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
    }

    /// A token whose video grant names a room.
    pub fn video(&self, token: &str) -> Result<VideoAccess, TokenError> {
        let claims = self.claims(token)?;
        let room = claims
            .grants
            .video
            .and_then(|v| v.room)
            .filter(|r| !r.is_empty())
            .ok_or(TokenError::Invalid)?;
        Ok(VideoAccess {
            identity: claims.grants.identity,
            room,
            expires_at: claims.exp,
        })
    }

    /// A token with a `data_sync` grant.
    pub fn sync(&self, token: &str) -> Result<SyncAccess, TokenError> {
        let claims = self.claims(token)?;
        let service_sid = claims
            .grants
            .data_sync
            .map(|g| g.service_sid)
            .ok_or(TokenError::Invalid)?;
        Ok(SyncAccess {
            identity: claims.grants.identity,
            service_sid,
            expires_at: claims.exp,
        })
    }
}

/// Unix seconds now.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
pub(crate) mod test_tokens {
    //! Signs tokens the way the host does, for tests.
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::{json, Value};

    pub const SECRET: &str = "test-api-secret";
    pub const KEY_SID: &str = "SK00000000000000000000000000000001";

    pub fn sign(secret: &str, grants: Value, exp: u64) -> String {
        let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
        header.cty = Some("twilio-fpa;v=1".into());
        let now = super::now_secs();
        let claims = json!({
            "jti": format!("{KEY_SID}-{now}"), "grants": grants, "iat": now, "exp": exp,
            "iss": KEY_SID, "sub": "AC00000000000000000000000000000001",
        });
        encode(
            &header,
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .expect("sign test token")
    }

    pub fn video(identity: &str, room: &str) -> String {
        sign(
            SECRET,
            json!({"identity": identity, "video": {"room": room}}),
            super::now_secs() + 3600,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::test_tokens::*;
    use super::*;
    use serde_json::json;

    fn verifier() -> TokenVerifier {
        TokenVerifier::new(SECRET, Some(KEY_SID.into()))
    }

    #[test]
    fn accepts_a_video_grant() {
        let access = verifier().video(&video("alice", "RM1")).unwrap();
        assert_eq!(access.identity, "alice");
        assert_eq!(access.room, "RM1");
    }

    #[test]
    fn refuses_wrong_secret_expired_and_grantless_tokens() {
        let v = verifier();
        let later = now_secs() + 60;
        let wrong = sign(
            "other",
            json!({"identity": "a", "video": {"room": "RM1"}}),
            later,
        );
        assert_eq!(v.video(&wrong), Err(TokenError::Invalid));
        let expired = sign(
            SECRET,
            json!({"identity": "a", "video": {"room": "RM1"}}),
            now_secs() - 10,
        );
        assert_eq!(v.video(&expired), Err(TokenError::Expired));
        let no_room = sign(SECRET, json!({"identity": "a", "video": {}}), later);
        assert_eq!(v.video(&no_room), Err(TokenError::Invalid));
        let no_identity = sign(
            SECRET,
            json!({"identity": "", "video": {"room": "R"}}),
            later,
        );
        assert_eq!(v.video(&no_identity), Err(TokenError::Invalid));
        assert_eq!(v.video("not a jwt"), Err(TokenError::Invalid));
        let sync_only = sign(
            SECRET,
            json!({"identity": "a", "data_sync": {"service_sid": "IS1"}}),
            later,
        );
        assert_eq!(v.video(&sync_only), Err(TokenError::Invalid));
        assert_eq!(v.sync(&sync_only).unwrap().service_sid, "IS1");
    }

    #[test]
    fn refuses_another_issuer() {
        let token = video("a", "RM1");
        let v = TokenVerifier::new(SECRET, Some("SKother".into()));
        assert_eq!(v.video(&token), Err(TokenError::Invalid));
    }
}
