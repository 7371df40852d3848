//! The claims of the tokens the host issues, as they travel.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoGrant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncGrant {
    pub service_sid: String,
}

/// The `grants` claim: identity at its top, then the product grants that are set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grants {
    pub identity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoGrant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_sync: Option<SyncGrant>,
}

/// The claims of an access token, in the order twilio-node writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub jti: String,
    pub grants: Grants,
    pub iat: u64,
    pub exp: u64,
    /// The API key sid that signed it.
    pub iss: String,
    /// The account sid.
    pub sub: String,
}

/// The claims of a feedback ticket (not an access token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackClaims {
    pub aud: String,
    pub task: String,
    pub room: String,
    /// The session document: the rating is kept there, once.
    pub document: String,
    pub exp: u64,
}
