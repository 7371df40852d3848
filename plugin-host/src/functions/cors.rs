//! CORS for the functions: OPTIONS answered 204 with the Functions runtime's preflight headers
//! without reaching a handler; every other answer gets the template's CORS headers.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// On every answer but a preflight. `Retry-After` is exposed so a page on another origin can
/// say when to try again.
const ANSWER: [(HeaderName, &str); 4] = [
    (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    (header::ACCESS_CONTROL_ALLOW_METHODS, "GET,POST,OPTIONS"),
    (header::ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type"),
    (header::ACCESS_CONTROL_EXPOSE_HEADERS, "Retry-After"),
];

/// The Functions runtime's preflight answer.
const PREFLIGHT: [(HeaderName, &str); 7] = [
    (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    (
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        "Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, User-Agent",
    ),
    (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS"),
    (header::ACCESS_CONTROL_EXPOSE_HEADERS, "ETag"),
    (header::ACCESS_CONTROL_MAX_AGE, "86400"),
    (header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"),
    (header::CONTENT_TYPE, "text/plain; charset=UTF-8"),
];

pub async fn cors(req: Request, next: Next) -> Response {
    if req.method() == Method::OPTIONS {
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = StatusCode::NO_CONTENT;
        insert(resp.headers_mut(), PREFLIGHT);
        return resp;
    }
    let mut resp = next.run(req).await;
    insert(resp.headers_mut(), ANSWER);
    resp
}

fn insert<const N: usize>(headers: &mut HeaderMap, pairs: [(HeaderName, &'static str); N]) {
    for (name, value) in pairs {
        headers.insert(name, HeaderValue::from_static(value));
    }
}
