//! Twilio's error JSON (`code`, `message`, `more_info`, `status`) as typed errors.

use serde::{Deserialize, Serialize};

/// The body Twilio returns with every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: u32,
    pub message: String,
    #[serde(default)]
    pub more_info: Option<String>,
    pub status: u16,
}

impl ApiError {
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            more_info: Some(format!("https://www.twilio.com/docs/errors/{code}")),
            status,
        }
    }
}

/// Well-known codes the client and the sandbox use.
pub mod codes {
    /// Invalid parameter.
    pub const INVALID_PARAMETER: u32 = 20001;
    /// Authentication failed.
    pub const AUTHENTICATE: u32 = 20003;
    /// Not found.
    pub const NOT_FOUND: u32 = 20404;
    /// Precondition failed (TaskRouter If-Match mismatch).
    pub const PRECONDITION_FAILED: u32 = 20412;
    /// Room status is invalid.
    pub const ROOM_STATUS_INVALID: u32 = 53112;
    /// Room exists (unique name in use by an in-progress room).
    pub const ROOM_EXISTS: u32 = 53113;
    /// Room type not available to this account (only Group rooms for accounts that did not use
    /// Go, Peer-to-Peer or Small Group rooms before 21 October 2024).
    pub const ROOM_TYPE_NOT_ALLOWED: u32 = 53126;
    /// Room name too long.
    pub const ROOM_NAME_TOO_LONG: u32 = 53101;
    /// Sync: malformed If-Match.
    pub const SYNC_BAD_IF_MATCH: u32 = 54003;
    /// Sync: data too large.
    pub const SYNC_TOO_LARGE: u32 = 54006;
    /// Sync: revision mismatch.
    pub const SYNC_REVISION_MISMATCH: u32 = 54103;
    /// Sync: unique name already exists.
    pub const SYNC_UNIQUE_NAME_EXISTS: u32 = 54301;
    /// Sync: invalid unique name.
    pub const SYNC_UNIQUE_NAME_INVALID: u32 = 54302;
}

/// Everything a call to Twilio (or the sandbox) can fail with.
#[derive(Debug, thiserror::Error)]
pub enum TwilioError {
    #[error("Twilio error {} (HTTP {}): {}", .0.code, .0.status, .0.message)]
    Api(ApiError),
    /// Without the URL: paths can carry codes, which are secrets.
    #[error("could not reach Twilio: {0}")]
    Transport(reqwest::Error),
    #[error("unexpected answer from Twilio: {0}")]
    Decode(String),
}

impl From<reqwest::Error> for TwilioError {
    fn from(e: reqwest::Error) -> Self {
        TwilioError::Transport(e.without_url())
    }
}

impl TwilioError {
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            TwilioError::Api(e) => Some(e),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.api().map(|e| e.status)
    }

    pub fn code(&self) -> Option<u32> {
        self.api().map(|e| e.code)
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Twilio could not be reached, failed (5xx) or kept throttling (429) past the retries: the
    /// caller may try again later.
    pub fn is_unavailable(&self) -> bool {
        match self {
            TwilioError::Transport(_) => true,
            TwilioError::Api(e) => e.status >= 500 || e.status == 429,
            TwilioError::Decode(_) => false,
        }
    }

    /// An `If-Match` mismatch (HTTP 412, TaskRouter 20412 or Sync 54103).
    pub fn is_precondition_failed(&self) -> bool {
        self.status() == Some(412)
            || matches!(
                self.code(),
                Some(codes::PRECONDITION_FAILED | codes::SYNC_REVISION_MISMATCH)
            )
    }
}
