//! Errors of the conversations API, mapped in one place to HTTP answers (`{"error": "..."}`,
//! like the rest of the sandbox API) and to WebSocket close codes.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::validate::Invalid;
use crate::sandbox::{DbError, SandboxError};

#[derive(Debug, thiserror::Error)]
pub enum ConvError {
    #[error("{0}")]
    BadRequest(String),
    /// No token, or one the sandbox did not issue (or that expired).
    #[error("{0}")]
    Unauthorized(String),
    /// A valid token for someone else's conversation or task.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The conversation or task is in a state that does not allow this.
    #[error("{0}")]
    Conflict(String),
    #[error("The request body is larger than {0} KiB")]
    TooLarge(usize),
    /// The sandbox is not running (twilio mode).
    #[error("The sandbox is not running (twilio mode)")]
    NoSandbox,
    #[error("internal: {0}")]
    Internal(String),
}

impl ConvError {
    pub fn status(&self) -> StatusCode {
        match self {
            ConvError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ConvError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ConvError::Forbidden(_) => StatusCode::FORBIDDEN,
            ConvError::NotFound(_) | ConvError::NoSandbox => StatusCode::NOT_FOUND,
            ConvError::Conflict(_) => StatusCode::CONFLICT,
            ConvError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ConvError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The close code a live socket ends with: 4000 + the HTTP status.
    pub fn close_code(&self) -> u16 {
        4000 + self.status().as_u16()
    }

    /// What a person is told; internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            ConvError::Internal(_) => "Internal error".to_owned(),
            other => other.to_string(),
        }
    }
}

impl From<Invalid> for ConvError {
    fn from(e: Invalid) -> Self {
        ConvError::BadRequest(e.0)
    }
}

impl From<DbError> for ConvError {
    fn from(e: DbError) -> Self {
        ConvError::Internal(e.to_string())
    }
}

impl From<SandboxError> for ConvError {
    fn from(e: SandboxError) -> Self {
        match e {
            SandboxError::Api(a) if a.status == 400 => ConvError::BadRequest(a.message),
            SandboxError::Api(a) if a.status == 404 => ConvError::NotFound(a.message),
            SandboxError::Api(a) if a.status == 412 => ConvError::Conflict(a.message),
            other => ConvError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ConvError {
    fn into_response(self) -> Response {
        if let ConvError::Internal(detail) = &self {
            tracing::error!(error = %detail, "conversations API failed");
        }
        (
            self.status(),
            Json(json!({ "error": self.public_message() })),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_follow_http_statuses() {
        assert_eq!(ConvError::Unauthorized("x".into()).close_code(), 4401);
        assert_eq!(ConvError::Forbidden("x".into()).close_code(), 4403);
        assert_eq!(ConvError::NotFound("x".into()).close_code(), 4404);
        assert_eq!(ConvError::Internal("disk".into()).close_code(), 4500);
    }

    #[test]
    fn internal_details_are_not_told() {
        assert_eq!(
            ConvError::Internal("disk full at /x".into()).public_message(),
            "Internal error"
        );
        assert_eq!(
            ConvError::BadRequest("Missing body".into()).public_message(),
            "Missing body"
        );
    }
}
