//! Request parameters the way Twilio Functions read them: query string, then a form or JSON body
//! on top (body wins); every value a string.

use axum::body::{to_bytes, Body};
use axum::extract::FromRequest;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Largest request body accepted (larger: 413).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParamsError {
    #[error("request body too large")]
    TooLarge,
    #[error("{0}")]
    Malformed(&'static str),
}

impl IntoResponse for ParamsError {
    fn into_response(self) -> Response {
        match self {
            ParamsError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                Json(serde_json::json!({"data": null, "message": "Request body is larger than 16 KiB"})),
            )
                .into_response(),
            ParamsError::Malformed(m) => {
                (StatusCode::BAD_REQUEST, Json(serde_json::json!({"data": null, "message": m}))).into_response()
            }
        }
    }
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        // Later entries (the body) override earlier ones (the query).
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A present, non-empty value.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    pub fn parse(
        query: Option<&str>,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Params, ParamsError> {
        let mut pairs: Vec<(String, String)> = match query {
            Some(q) => serde_urlencoded::from_str(q)
                .map_err(|_| ParamsError::Malformed("Malformed query string"))?,
            None => Vec::new(),
        };
        if !body.is_empty() {
            let ct = content_type
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            match ct.as_str() {
                "application/json" => {
                    let obj: serde_json::Map<String, serde_json::Value> =
                        serde_json::from_slice(body).map_err(|_| {
                            ParamsError::Malformed("The JSON body is not an object")
                        })?;
                    for (k, v) in obj {
                        // Strings as they are, anything else as its JSON text; null is absent.
                        let v = match v {
                            serde_json::Value::String(s) => s,
                            serde_json::Value::Null => continue,
                            other => other.to_string(),
                        };
                        pairs.push((k, v));
                    }
                }
                "application/x-www-form-urlencoded" | "" => {
                    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
                        .map_err(|_| ParamsError::Malformed("Malformed form body"))?;
                    pairs.extend(form);
                }
                _ => {}
            }
        }
        Ok(Params(pairs))
    }
}

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = ParamsError;

    async fn from_request(req: Request<Body>, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
            return Err(ParamsError::TooLarge);
        }
        let bytes = to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|_| ParamsError::TooLarge)?;
        let ct = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        Params::parse(parts.uri.query(), ct, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_wins_over_query() {
        let p = Params::parse(
            Some("code=a&x=1"),
            Some("application/x-www-form-urlencoded"),
            b"code=b",
        )
        .unwrap();
        assert_eq!(p.get("code"), Some("b"));
        assert_eq!(p.get("x"), Some("1"));
        let p = Params::parse(
            Some("code=a"),
            Some("application/json; charset=utf-8"),
            br#"{"code":"c","n":5}"#,
        )
        .unwrap();
        assert_eq!((p.get("code"), p.get("n")), (Some("c"), Some("5")));
    }

    #[test]
    fn malformed_json_is_an_error() {
        assert!(Params::parse(None, Some("application/json"), b"[1]").is_err());
    }
}
