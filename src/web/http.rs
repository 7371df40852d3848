//! Calls to the functions API: `POST` with an `application/x-www-form-urlencoded` body
//! through the global `fetch`, JSON answers read with `Response.json()` and by hand
//! ([`read`](super::read)) into the types of [`crate::api`]. Requests can be aborted: an
//! [`InFlight`] aborts its request when dropped.

use super::read::Read;
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestInit, Response, UrlSearchParams};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window or worker or Node), looked up at each call.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;
}

/// An answer other than 2xx: its status, the `reason` its JSON body names (the functions'
/// session refusals), and `Retry-After` in seconds (429).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub status: u16,
    pub reason: Option<String>,
    pub retry_after_secs: Option<u32>,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpError {
    /// The request was aborted (its owner went away).
    Aborted,
    /// No answer: network failure, CORS refusal, or `fetch` threw.
    Network(JsValue),
    /// An answer other than 2xx.
    Status(Refused),
    /// A 2xx answer whose body is not the expected JSON.
    BadBody(JsValue),
}

impl HttpError {
    pub const fn describe(&self) -> &'static str {
        match self {
            HttpError::Aborted => "request aborted",
            HttpError::Network(_) => "request failed",
            HttpError::Status(_) => "unexpected HTTP status",
            HttpError::BadBody(_) => "unexpected response body",
        }
    }

    /// Details for the console.
    pub fn detail(&self) -> JsValue {
        match self {
            HttpError::Aborted => JsValue::UNDEFINED,
            HttpError::Network(e) | HttpError::BadBody(e) => e.clone(),
            HttpError::Status(r) => JsValue::from(r.status),
        }
    }
}

/// An abortable request's controller: dropping it aborts the request.
#[must_use = "dropping the handle aborts the request"]
pub struct InFlight {
    controller: Option<AbortController>,
}

impl InFlight {
    pub fn new() -> InFlight {
        InFlight {
            controller: AbortController::new().ok(),
        }
    }

    pub fn signal(&self) -> Option<AbortSignal> {
        self.controller.as_ref().map(|c| c.signal())
    }
}

impl Default for InFlight {
    fn default() -> Self {
        InFlight::new()
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(c) = self.controller.take() {
            c.abort();
        }
    }
}

/// What a non-2xx answer says: its `reason` (if its body is JSON with one) and `Retry-After`.
async fn refused(response: &Response) -> Refused {
    let retry_after_secs = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u32>().ok());
    let body = match response.json() {
        Ok(p) => JsFuture::from(p).await.unwrap_or(JsValue::UNDEFINED),
        Err(_) => JsValue::UNDEFINED,
    };
    let reason = if body.is_object() {
        Reflect::get(&body, &JsValue::from_str("reason"))
            .ok()
            .and_then(|r| r.as_string())
    } else {
        None
    };
    Refused {
        status: response.status(),
        reason,
        retry_after_secs,
    }
}

/// GETs `url` and reads the JSON answer with `read` ([`super::read`]).
pub async fn get_json<T>(url: &str, read: fn(&JsValue) -> Read<T>) -> Result<T, HttpError> {
    let init = RequestInit::new();
    init.set_method("GET");
    let promise = global_fetch(url, &init).map_err(HttpError::Network)?;
    let response = JsFuture::from(promise).await.map_err(HttpError::Network)?;
    let response: Response = response.dyn_into().map_err(HttpError::BadBody)?;
    if !response.ok() {
        return Err(HttpError::Status(refused(&response).await));
    }
    let json = response.json().map_err(HttpError::BadBody)?;
    let value = JsFuture::from(json).await.map_err(HttpError::BadBody)?;
    read(&value).map_err(|e| HttpError::BadBody(e.into()))
}

/// POSTs `fields` form-encoded to `url` and reads the JSON answer with `read`
/// ([`super::read`]).
pub async fn post_form<T>(
    url: &str,
    fields: &[(&str, &str)],
    signal: Option<&AbortSignal>,
    read: fn(&JsValue) -> Read<T>,
) -> Result<T, HttpError> {
    read_body(post_form_json(url, fields, signal).await, read)
}

/// An answer read with `read` ([`super::read`]): one that is not what was expected is
/// [`HttpError::BadBody`]. With [`post_form_json`], the one request body for every answer type
/// (no copy of the request's state machine per type).
pub fn read_body<T>(
    answer: Result<JsValue, HttpError>,
    read: fn(&JsValue) -> Read<T>,
) -> Result<T, HttpError> {
    read(&answer?).map_err(|e| HttpError::BadBody(e.into()))
}

/// POSTs `fields` form-encoded to `url`: the JSON answer as it came.
pub async fn post_form_json(
    url: &str,
    fields: &[(&str, &str)],
    signal: Option<&AbortSignal>,
) -> Result<JsValue, HttpError> {
    let aborted = || signal.is_some_and(|s| s.aborted());
    let body = UrlSearchParams::new().map_err(HttpError::Network)?;
    for (name, value) in fields {
        body.append(name, value);
    }
    let headers = Object::new();
    let _ = Reflect::set(
        &headers,
        &JsValue::from_str("Content-Type"),
        &JsValue::from_str("application/x-www-form-urlencoded;charset=UTF-8"),
    );
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&body);
    init.set_signal(signal);

    let promise = global_fetch(url, &init).map_err(HttpError::Network)?;
    let response = match JsFuture::from(promise).await {
        Ok(r) => r,
        Err(_) if aborted() => return Err(HttpError::Aborted),
        Err(e) => return Err(HttpError::Network(e)),
    };
    let response: Response = response.dyn_into().map_err(HttpError::BadBody)?;
    if !response.ok() {
        return Err(HttpError::Status(refused(&response).await));
    }
    let json = response.json().map_err(HttpError::BadBody)?;
    match JsFuture::from(json).await {
        Ok(v) => Ok(v),
        Err(_) if aborted() => Err(HttpError::Aborted),
        Err(e) => Err(HttpError::BadBody(e)),
    }
}
