//! The customer page's calls to the functions API on its own origin: form-encoded `POST`,
//! JSON answers read with `Response.json()` and serde-wasm-bindgen.

use crate::api::{Endpoint, FUNCTIONS_BASE};
use crate::customer::CodeAnswer;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response, UrlSearchParams};

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

pub async fn call<T: DeserializeOwned>(
    endpoint: Endpoint,
    params: &[(&str, &str)],
) -> Result<T, ApiError> {
    let window = web_sys::window().ok_or(ApiError::Unreachable)?;
    let body = UrlSearchParams::new().map_err(|_| ApiError::Unreachable)?;
    for (k, v) in params {
        body.append(k, v);
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&body);
    let url = format!("{}{}/{}", origin(), FUNCTIONS_BASE, endpoint.name());
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| ApiError::Unreachable)?
        .unchecked_into();
    match CodeAnswer::from_status(response.status()) {
        CodeAnswer::Ok => {}
        other => return Err(ApiError::Answer(other)),
    }
    let json = response.json().map_err(|_| ApiError::Unreachable)?;
    let value = JsFuture::from(json)
        .await
        .map_err(|_| ApiError::Unreachable)?;
    serde_wasm_bindgen::from_value(value).map_err(|_| ApiError::Unreachable)
}
