//! Signing access tokens and feedback tickets, and checking the tickets it issued.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};

use super::claims::{AccessClaims, FeedbackClaims, Grants, SyncGrant, VideoGrant};
use super::{
    now_secs, ACCESS_TOKEN_CTY, ACCESS_TOKEN_TTL_SECS, FEEDBACK_AUDIENCE, FEEDBACK_TICKET_TTL_SECS,
    VIDEO_TOKEN_TTL_SECS,
};

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("could not sign a token: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
}

/// Signs with one API key for one account.
pub struct TokenSigner {
    account_sid: String,
    key_sid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    access_header: Header,
}

impl TokenSigner {
    /// `secret` is used as raw UTF-8 bytes, as twilio-node does.
    pub fn new(account_sid: &str, key_sid: &str, secret: &str) -> TokenSigner {
        let mut access_header = Header::new(Algorithm::HS256);
        access_header.typ = Some("JWT".to_owned());
        access_header.cty = Some(ACCESS_TOKEN_CTY.to_owned());
        TokenSigner {
            account_sid: account_sid.to_owned(),
            key_sid: key_sid.to_owned(),
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            access_header,
        }
    }

    pub fn key_sid(&self) -> &str {
        &self.key_sid
    }

    /// An access token for `identity` with the given grants, valid for
    /// [`VIDEO_TOKEN_TTL_SECS`] with a video grant, else [`ACCESS_TOKEN_TTL_SECS`].
    pub fn access_token(
        &self,
        identity: &str,
        video_room: Option<&str>,
        sync_service: Option<&str>,
    ) -> Result<String, SignError> {
        let now = now_secs();
        let ttl = match video_room {
            Some(_) => VIDEO_TOKEN_TTL_SECS,
            None => ACCESS_TOKEN_TTL_SECS,
        };
        let claims = AccessClaims {
            jti: format!("{}-{}", self.key_sid, now),
            grants: Grants {
                identity: identity.to_owned(),
                video: video_room.map(|room| VideoGrant {
                    room: Some(room.to_owned()),
                }),
                data_sync: sync_service.map(|s| SyncGrant {
                    service_sid: s.to_owned(),
                }),
            },
            iat: now,
            exp: now + ttl,
            iss: self.key_sid.clone(),
            sub: self.account_sid.clone(),
        };
        Ok(encode(&self.access_header, &claims, &self.encoding)?)
    }

    pub fn feedback_ticket(
        &self,
        task_sid: &str,
        room_sid: &str,
        document_sid: &str,
    ) -> Result<String, SignError> {
        let claims = FeedbackClaims {
            aud: FEEDBACK_AUDIENCE.to_owned(),
            task: task_sid.to_owned(),
            room: room_sid.to_owned(),
            document: document_sid.to_owned(),
            exp: now_secs() + FEEDBACK_TICKET_TTL_SECS,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The ticket's claims if it is ours, unexpired and for feedback.
    pub fn verify_feedback_ticket(&self, ticket: &str) -> Option<FeedbackClaims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[FEEDBACK_AUDIENCE]);
        v.set_required_spec_claims(&["exp", "aud"]);
        v.leeway = 0;
        decode::<FeedbackClaims>(ticket, &self.decoding, &v)
            .ok()
            .map(|d| d.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{TokenVerifier, VerifyError};
    use base64::Engine as _;

    const AC: &str = "AC0123456789abcdef0123456789abcdef";
    const SK: &str = "SK0123456789abcdef0123456789abcdef";

    fn part(token: &str, i: usize) -> serde_json::Value {
        let raw = token.split('.').nth(i).unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn access_token_has_exactly_the_documented_header_and_claims() {
        let signer = TokenSigner::new(AC, SK, "secret");
        let t = signer
            .access_token("alice", Some("RM1"), Some("IS1"))
            .unwrap();
        assert_eq!(
            part(&t, 0),
            serde_json::json!({"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"})
        );
        let claims = part(&t, 1);
        let keys: Vec<&str> = claims
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(sorted, ["exp", "grants", "iat", "iss", "jti", "sub"]);
        assert_eq!(
            claims["grants"],
            serde_json::json!({"identity":"alice","video":{"room":"RM1"},"data_sync":{"service_sid":"IS1"}})
        );
        assert_eq!(
            claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
            14400
        );
        // What the signer makes, the verifier with the same key accepts, and only that one.
        let access = TokenVerifier::new("secret", Some(SK.into()))
            .video(&t)
            .unwrap();
        assert_eq!(
            (access.identity.as_str(), access.room.as_str()),
            ("alice", "RM1")
        );
        assert_eq!(
            TokenVerifier::new("other", Some(SK.into())).video(&t),
            Err(VerifyError::Invalid)
        );
    }

    #[test]
    fn feedback_tickets_verify_only_with_the_same_secret() {
        let signer = TokenSigner::new(AC, SK, "secret");
        let t = signer.feedback_ticket("WT1", "RM1", "ET1").unwrap();
        let c = signer.verify_feedback_ticket(&t).unwrap();
        assert_eq!(
            (
                c.task.as_str(),
                c.room.as_str(),
                c.document.as_str(),
                c.aud.as_str()
            ),
            ("WT1", "RM1", "ET1", FEEDBACK_AUDIENCE)
        );
        assert!(TokenSigner::new(AC, SK, "x")
            .verify_feedback_ticket(&t)
            .is_none());
        // An access token is not a ticket.
        let access = signer.access_token("a", None, None).unwrap();
        assert!(signer.verify_feedback_ticket(&access).is_none());
    }
}
