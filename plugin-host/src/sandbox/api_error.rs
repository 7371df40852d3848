//! Errors of the sandbox's own HTTP APIs (agents, chats and tasks, conversations, web chat),
//! mapped in one place to HTTP answers (`{"error": "..."}`) and to WebSocket close codes.
//! Internal details are logged, never told.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::conversations::validate::Invalid;
use crate::sandbox::{DbError, SandboxError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
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

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) | ApiError::NoSandbox => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The close code a live socket ends with: 4000 + the HTTP status.
    pub fn close_code(&self) -> u16 {
        4000 + self.status().as_u16()
    }

    /// What a person is told; internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => "Internal error".to_owned(),
            other => other.to_string(),
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::BadRequest(e.0)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<SandboxError> for ApiError {
    fn from(e: SandboxError) -> Self {
        match e {
            SandboxError::Api(a) if a.status == 400 => ApiError::BadRequest(a.message),
            SandboxError::Api(a) if a.status == 404 => ApiError::NotFound(a.message),
            SandboxError::Api(a) if a.status == 412 => ApiError::Conflict(a.message),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(error = %detail, "sandbox API failed");
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
        assert_eq!(ApiError::Unauthorized("x".into()).close_code(), 4401);
        assert_eq!(ApiError::Forbidden("x".into()).close_code(), 4403);
        assert_eq!(ApiError::NotFound("x".into()).close_code(), 4404);
        assert_eq!(ApiError::Internal("disk".into()).close_code(), 4500);
    }

    #[test]
    fn a_twilio_style_error_keeps_its_status_where_the_sandbox_api_has_one() {
        let mapped = |status| ApiError::from(SandboxError::api(status, 20001, "why"));
        assert!(matches!(mapped(400), ApiError::BadRequest(m) if m == "why"));
        assert!(matches!(mapped(404), ApiError::NotFound(m) if m == "why"));
        assert!(matches!(mapped(412), ApiError::Conflict(m) if m == "why"));
        // Any other status is the sandbox's own fault, its detail logged, not told.
        for status in [401, 403, 409, 429, 500] {
            let e = mapped(status);
            assert!(matches!(e, ApiError::Internal(_)), "{status}: {e:?}");
            assert_eq!(e.public_message(), "Internal error");
        }
        let db = ApiError::from(SandboxError::Db(DbError::Corrupt("bad row".into())));
        assert!(matches!(db, ApiError::Internal(m) if m.contains("bad row")));
    }

    #[test]
    fn internal_details_are_not_told() {
        assert_eq!(
            ApiError::Internal("disk full at /x".into()).public_message(),
            "Internal error"
        );
        assert_eq!(
            ApiError::BadRequest("Missing body".into()).public_message(),
            "Missing body"
        );
    }
}
