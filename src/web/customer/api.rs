//! The customer page's calls to the functions API on its own origin, through the crate's
//! form `POST` ([`crate::web::http`]); answers other than 2xx are read by meaning.

use crate::api::{Endpoint, FUNCTIONS_BASE};
use crate::customer::CodeAnswer;
use crate::web::http::{post_form, HttpError};
use crate::web::read::Read;
use wasm_bindgen::JsValue;

/// Why a call failed, for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiError {
    /// An answer other than 2xx, by meaning.
    Answer(CodeAnswer),
    /// No answer, or an answer that is not what the API promises.
    Unreachable,
}

/// The page's own origin: the functions and the vendor files are served from it.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Calls `endpoint` and reads its answer with `read` ([`crate::web::read`]).
pub async fn call<T>(
    endpoint: Endpoint,
    params: &[(&str, &str)],
    read: fn(&JsValue) -> Read<T>,
) -> Result<T, ApiError> {
    let url = format!("{}{}/{}", origin(), FUNCTIONS_BASE, endpoint.name());
    post_form(&url, params, None, read)
        .await
        .map_err(|e| match e {
            HttpError::Status(r) => ApiError::Answer(CodeAnswer::from_answer(
                r.status,
                r.reason.as_deref(),
                r.retry_after_secs,
            )),
            _ => ApiError::Unreachable,
        })
}
