//! Twilio access tokens (https://www.twilio.com/docs/iam/access-tokens: HS256 with the API key secret,
//! `cty: twilio-fpa;v=1`, `grants.identity` with a video and/or `data_sync` grant) and the
//! customer's feedback ticket. One definition of the claims ([`claims`]); the functions sign
//! ([`TokenSigner`]), the sandbox's sockets verify ([`TokenVerifier`]).

mod claims;
mod signer;
mod verifier;

pub use claims::{AccessClaims, FeedbackClaims, Grants, SyncGrant, VideoGrant};
pub use signer::{SignError, TokenSigner};
pub use verifier::{SyncAccess, TokenVerifier, VerifyError, VideoAccess};

/// Sync-only access tokens live one hour, as the helper libraries' default.
pub const ACCESS_TOKEN_TTL_SECS: u64 = 3600;
/// Tokens with a video grant live four hours. Twilio does not disconnect a participant whose
/// token expires, but a reconnect (a network change, a rejoin) with an expired token fails with
/// 20104: a call must be able to reconnect for as long as it may reasonably last.
pub const VIDEO_TOKEN_TTL_SECS: u64 = 4 * 3600;
/// Feedback tickets live a day.
pub const FEEDBACK_TICKET_TTL_SECS: u64 = 24 * 3600;
/// `aud` of feedback tickets.
pub const FEEDBACK_AUDIENCE: &str = "c2v-feedback";
/// `cty` of access tokens.
pub const ACCESS_TOKEN_CTY: &str = "twilio-fpa;v=1";

/// Unix seconds now.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
pub(crate) mod test_tokens {
    //! Tokens for tests, signed with a fixed key exactly as [`super::TokenSigner`] signs, or
    //! with arbitrary grants and expiry.
    use super::TokenSigner;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::{json, Value};

    pub const SECRET: &str = "test-api-secret";
    pub const KEY_SID: &str = "SK00000000000000000000000000000001";
    pub const ACCOUNT_SID: &str = "AC00000000000000000000000000000001";

    pub fn signer() -> TokenSigner {
        TokenSigner::new(ACCOUNT_SID, KEY_SID, SECRET)
    }

    /// A token with any `grants` and `exp`, otherwise as the signer makes them.
    pub fn sign(secret: &str, grants: Value, exp: u64) -> String {
        let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
        header.cty = Some(super::ACCESS_TOKEN_CTY.into());
        let now = super::now_secs();
        let claims = json!({
            "jti": format!("{KEY_SID}-{now}"), "grants": grants, "iat": now, "exp": exp,
            "iss": KEY_SID, "sub": ACCOUNT_SID,
        });
        encode(
            &header,
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .expect("sign test token")
    }

    pub fn video(identity: &str, room: &str) -> String {
        signer()
            .access_token(identity, Some(room), None)
            .expect("sign test token")
    }
}
