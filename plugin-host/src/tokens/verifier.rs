//! Verifying access tokens for the sandbox's two sockets: the video grant for a room's
//! signaling, the `data_sync` grant for live documents.

use chat_to_video::protocol::DisconnectReason;
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, Validation};

use super::claims::AccessClaims;

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
pub enum VerifyError {
    #[error("the access token is invalid")]
    Invalid,
    #[error("the access token has expired")]
    Expired,
}

impl From<VerifyError> for DisconnectReason {
    fn from(e: VerifyError) -> Self {
        match e {
            VerifyError::Invalid => DisconnectReason::TokenInvalid,
            VerifyError::Expired => DisconnectReason::TokenExpired,
        }
    }
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

    fn claims(&self, token: &str) -> Result<AccessClaims, VerifyError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp"]);
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.key, &validation).map_err(
            |e| match e.kind() {
                ErrorKind::ExpiredSignature => VerifyError::Expired,
                _ => VerifyError::Invalid,
            },
        )?;
        let claims = data.claims;
        if let Some(issuer) = &self.issuer {
            if claims.iss != *issuer {
                return Err(VerifyError::Invalid);
            }
        }
        if claims.grants.identity.is_empty() {
            return Err(VerifyError::Invalid);
        }
        Ok(claims)
    }

    /// A token whose video grant names a room.
    pub fn video(&self, token: &str) -> Result<VideoAccess, VerifyError> {
        let claims = self.claims(token)?;
        let room = claims
            .grants
            .video
            .and_then(|v| v.room)
            .filter(|r| !r.is_empty())
            .ok_or(VerifyError::Invalid)?;
        Ok(VideoAccess {
            identity: claims.grants.identity,
            room,
            expires_at: claims.exp,
        })
    }

    /// A token with a `data_sync` grant.
    pub fn sync(&self, token: &str) -> Result<SyncAccess, VerifyError> {
        let claims = self.claims(token)?;
        let service_sid = claims
            .grants
            .data_sync
            .map(|g| g.service_sid)
            .ok_or(VerifyError::Invalid)?;
        Ok(SyncAccess {
            identity: claims.grants.identity,
            service_sid,
            expires_at: claims.exp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::now_secs;
    use crate::tokens::test_tokens::*;
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
        assert_eq!(v.video(&wrong), Err(VerifyError::Invalid));
        let expired = sign(
            SECRET,
            json!({"identity": "a", "video": {"room": "RM1"}}),
            now_secs() - 10,
        );
        assert_eq!(v.video(&expired), Err(VerifyError::Expired));
        let no_room = sign(SECRET, json!({"identity": "a", "video": {}}), later);
        assert_eq!(v.video(&no_room), Err(VerifyError::Invalid));
        let no_identity = sign(
            SECRET,
            json!({"identity": "", "video": {"room": "R"}}),
            later,
        );
        assert_eq!(v.video(&no_identity), Err(VerifyError::Invalid));
        assert_eq!(v.video("not a jwt"), Err(VerifyError::Invalid));
        let sync_only = sign(
            SECRET,
            json!({"identity": "a", "data_sync": {"service_sid": "IS1"}}),
            later,
        );
        assert_eq!(v.video(&sync_only), Err(VerifyError::Invalid));
        assert_eq!(v.sync(&sync_only).unwrap().service_sid, "IS1");
    }

    #[test]
    fn refuses_another_issuer() {
        let token = video("a", "RM1");
        let v = TokenVerifier::new(SECRET, Some("SKother".into()));
        assert_eq!(v.video(&token), Err(VerifyError::Invalid));
    }
}
