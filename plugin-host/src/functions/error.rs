//! Every failure of the functions API, mapped to HTTP in one place, in the shapes the Twilio
//! Functions runtime and `twilio-flex-token-validator` answer with.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chat_to_video::api::{
    BadRequestResponse, ErrorResponse, SessionOverResponse, AGENT_NOT_CONNECTED, ALREADY_RATED,
    INVALID_CODE,
};
use chat_to_video::session::{session_over_text, EndReason};
use serde_json::json;

use crate::params::ParamsError;
use crate::twilio::TwilioError;

/// Body of [`FnError::NotAssigned`].
pub const NOT_ASSIGNED: &str = "Forbidden: this task is not assigned to you";
/// 429's `error` (the page says when to try again, from `Retry-After`).
pub const TOO_MANY_ATTEMPTS: &str = "Too many attempts with codes that are not valid.";
/// The `message` of every 500: what went wrong is logged, never echoed.
pub const INTERNAL_MESSAGE: &str = "The service failed to handle this request. Please try again.";
/// The `message` of every 503: Twilio could not be reached or failed; the caller may retry.
pub const UNAVAILABLE_MESSAGE: &str =
    "Twilio is not answering right now. Please try again in a few seconds.";
/// `Retry-After` of a 503, in seconds.
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;
/// The `message` when Twilio refuses the configured room type (53126).
pub const ROOM_TYPE_REFUSED: &str = "This Twilio account cannot create the configured type of \
     video room (Twilio error 53126: accounts new since 21 October 2024 get only group rooms). \
     The administrator must set VIDEO_ROOM_TYPE=group (or unset it) and restart the service.";
/// Body of [`FnError::NoWorker`].
pub const NO_WORKER: &str = "Forbidden: this Flex user is not a TaskRouter worker";

#[derive(Debug, thiserror::Error)]
pub enum FnError {
    /// 400 `{"data": null, "message": "(<path>) Missing <key>: <purpose>"}`, one per missing key.
    #[error("missing parameters")]
    Missing {
        endpoint: &'static str,
        keys: Vec<(&'static str, &'static str)>,
    },
    /// 400 with the same shape.
    #[error("{0}")]
    BadRequest(String),
    /// 403 text/plain (Flex token missing or refused).
    #[error("{0}")]
    Unauthorized(String),
    /// 403 text/plain [`NOT_ASSIGNED`]: the agent's worker does not hold the task (or there is no
    /// such task: the answer is the same).
    #[error("task not assigned to the caller")]
    NotAssigned,
    /// 403 text/plain [`NO_WORKER`]: a valid Flex token whose user is not a TaskRouter worker.
    #[error("token without a worker")]
    NoWorker,
    /// 403 `{"error": "Invalid code."}`.
    #[error("invalid code")]
    InvalidCode,
    /// 403 `{"error": ...}`.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 403 `{"error": ..., "reason": <EndReason>}`: the session cannot be joined any more (ended,
    /// or its link expired before a customer joined); the reason lets a page say which and
    /// offer what helps (a new link).
    #[error("session over: {}", .0.as_str())]
    SessionOver(EndReason),
    /// 409 `{"error": ...}`: the session already has its rating.
    #[error("already rated")]
    AlreadyRated,
    /// 405 `{"error": AGENT_NOT_CONNECTED}`.
    #[error("agent not connected")]
    AgentNotConnected,
    /// 413.
    #[error("request body too large")]
    TooLarge,
    /// 429 with `Retry-After`.
    #[error("too many invalid codes")]
    TooManyGuesses(Duration),
    /// 503 `{"success": false, "message": UNAVAILABLE_MESSAGE}` with `Retry-After`: Twilio is
    /// unreachable or answered 5xx (or kept answering 429); the detail goes to the log.
    #[error("{0}")]
    Unavailable(String),
    /// 500 `{"success": false, "message": ROOM_TYPE_REFUSED}`: Twilio refused the configured
    /// room type for this account (53126).
    #[error("room type {0} refused by Twilio (53126)")]
    RoomTypeRefused(String),
    /// 500 `{"success": false, "message": INTERNAL_MESSAGE}`; the detail goes to the log.
    #[error("{0}")]
    Internal(String),
}

impl From<TwilioError> for FnError {
    fn from(e: TwilioError) -> Self {
        if e.is_unavailable() {
            FnError::Unavailable(e.to_string())
        } else {
            FnError::Internal(e.to_string())
        }
    }
}

impl From<ParamsError> for FnError {
    fn from(e: ParamsError) -> Self {
        match e {
            ParamsError::TooLarge => FnError::TooLarge,
            ParamsError::Malformed(m) => FnError::BadRequest(m.to_owned()),
        }
    }
}

impl From<crate::tokens::SignError> for FnError {
    fn from(e: crate::tokens::SignError) -> Self {
        FnError::Internal(e.to_string())
    }
}

fn bad_request(message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(BadRequestResponse {
            data: None,
            message,
        }),
    )
        .into_response()
}

/// 403 with a text/plain body, as the Flex token validator answers.
fn plain_forbidden(message: String) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

fn error_body(status: StatusCode, error: &str) -> Response {
    (
        status,
        Json(ErrorResponse {
            error: error.to_owned(),
        }),
    )
        .into_response()
}

impl IntoResponse for FnError {
    fn into_response(self) -> Response {
        match self {
            FnError::Missing { endpoint, keys } => {
                let message = keys
                    .iter()
                    .map(|(k, purpose)| format!("({endpoint}) Missing {k}: {purpose}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                bad_request(message)
            }
            FnError::BadRequest(m) => bad_request(m),
            FnError::Unauthorized(m) => plain_forbidden(m),
            FnError::NotAssigned => plain_forbidden(NOT_ASSIGNED.to_owned()),
            FnError::NoWorker => plain_forbidden(NO_WORKER.to_owned()),
            FnError::InvalidCode => error_body(StatusCode::FORBIDDEN, INVALID_CODE),
            FnError::Forbidden(m) => error_body(StatusCode::FORBIDDEN, m),
            FnError::SessionOver(reason) => (
                StatusCode::FORBIDDEN,
                Json(SessionOverResponse {
                    error: session_over_text(reason).to_owned(),
                    reason,
                }),
            )
                .into_response(),
            FnError::AlreadyRated => error_body(StatusCode::CONFLICT, ALREADY_RATED),
            FnError::AgentNotConnected => {
                error_body(StatusCode::METHOD_NOT_ALLOWED, AGENT_NOT_CONNECTED)
            }
            FnError::TooLarge => ParamsError::TooLarge.into_response(),
            FnError::TooManyGuesses(wait) => {
                let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
                let mut resp = error_body(StatusCode::TOO_MANY_REQUESTS, TOO_MANY_ATTEMPTS);
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                resp
            }
            FnError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "Twilio unavailable");
                let mut resp = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(json!({"success": false, "message": UNAVAILABLE_MESSAGE})),
                )
                    .into_response();
                resp.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(UNAVAILABLE_RETRY_SECS),
                );
                resp
            }
            FnError::RoomTypeRefused(room_type) => {
                tracing::error!(
                    room_type = %room_type,
                    "Twilio refused to create a {room_type} room (53126): this account has only \
                     group rooms; set VIDEO_ROOM_TYPE=group (or unset it) and unset \
                     VIDEO_LEGACY_ROOM_TYPES"
                );
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({"success": false, "message": ROOM_TYPE_REFUSED})),
                )
                    .into_response()
            }
            FnError::Internal(detail) => {
                // The detail (a Twilio error, a storage failure) is for the log, not the caller.
                tracing::error!(error = %detail, "function failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({"success": false, "message": INTERNAL_MESSAGE})),
                )
                    .into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_details_are_logged_not_answered() {
        let resp =
            FnError::Internal("sqlite: disk I/O error at /var/secret".into()).into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(resp.into_body(), 4096).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v, json!({"success": false, "message": INTERNAL_MESSAGE}));
    }
}
