//! IAM's `POST /v1/Accounts/{AC}/Tokens/validate` for the sandbox's Flex-style agent tokens.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::Authed;
use crate::clock::rfc3339_millis;
use crate::sandbox::SandboxError;

#[derive(Deserialize)]
struct Body {
    token: Option<String>,
}

/// Success: the shape `twilio-flex-token-validator` reads (`plugin-host/README.md`, "Sandbox"). Failure: 403 with `valid: false` and Twilio's error fields.
pub async fn validate(
    Authed(sb): Authed,
    Path(account): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    if account != sb.ids().account_sid {
        return Err(SandboxError::unauthenticated());
    }
    let token = serde_json::from_slice::<Body>(&body)
        .ok()
        .and_then(|b| b.token)
        .unwrap_or_default();
    let invalid = |code: u32, message: &str| {
        let body = json!({
            "valid": false,
            "code": code,
            "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": 403,
        });
        (StatusCode::FORBIDDEN, Json(body)).into_response()
    };
    if token.is_empty() {
        return Ok(invalid(20101, "Token was not provided"));
    }
    match sb.flex_tokens().verify(&token) {
        Ok(claims) => Ok(Json(json!({
            "valid": true,
            "code": 0,
            "message": null,
            "expiration": rfc3339_millis(claims.exp as i64 * 1000),
            "realm_user_id": claims.sub,
            "identity": claims.sub,
            "roles": claims.roles,
            "worker_sid": claims.worker_sid,
        }))
        .into_response()),
        Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => Ok(
            invalid(20104, "Access Token expired or expiration date invalid"),
        ),
        Err(_) => Ok(invalid(20101, "Invalid Access Token")),
    }
}
