//! Errors of the REST stand-in, answered as Twilio's error JSON.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::db::DbError;
use crate::twilio::{codes, ApiError};

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("{} ({})", .0.message, .0.code)]
    Api(ApiError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for SandboxError {
    fn from(e: rusqlite::Error) -> Self {
        SandboxError::Db(DbError::Sql(e))
    }
}

impl SandboxError {
    pub fn api(status: u16, code: u32, message: impl Into<String>) -> SandboxError {
        SandboxError::Api(ApiError::new(status, code, message))
    }

    pub fn not_found(path: &str) -> SandboxError {
        Self::api(
            404,
            codes::NOT_FOUND,
            format!("The requested resource {path} was not found"),
        )
    }

    pub fn invalid(message: impl Into<String>) -> SandboxError {
        Self::api(400, codes::INVALID_PARAMETER, message)
    }

    pub fn missing(param: &str) -> SandboxError {
        Self::invalid(format!(
            "Missing required parameter {param} in the post body"
        ))
    }

    pub fn unauthenticated() -> SandboxError {
        Self::api(401, codes::AUTHENTICATE, "Authenticate")
    }
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        let err = match self {
            SandboxError::Api(e) => e,
            SandboxError::Db(e) => {
                tracing::error!(error = %e, "sandbox storage failed");
                ApiError::new(500, 20500, "Internal Server Error")
            }
        };
        let status = StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(err)).into_response()
    }
}
