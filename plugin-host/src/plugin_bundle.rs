//! `GET /plugins/{plugin}/{version}/bundle.js`: a Flex plugin bundle at a URL that names its
//! version, from the site (`{assets}/plugins/{plugin}/{version}/bundle.js`, which the build
//! writes for the version in `pkg-shim/package.json`). What a Flex release points at when the
//! host serves the plugin itself (`cargo xtask deploy`).
//!
//! A version's bundle never changes, so against Twilio it is cached for a year, immutably. The
//! sandbox rebuilds the same version during development, so there it is revalidated each time.

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt as _;
use tower_http::services::ServeFile;

use crate::app::AppState;
use crate::config::Mode;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const REVALIDATE: &str = "no-cache";

pub fn router() -> Router<AppState> {
    Router::new().route("/plugins/{plugin}/{version}/bundle.js", get(bundle))
}

/// A path segment that names a plugin or a version: letters, digits, `.`, `_`, `-`, `+`, not
/// starting with a dot.
fn segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
}

async fn bundle(
    State(state): State<AppState>,
    Path((plugin, version)): Path<(String, String)>,
    request: Request,
) -> Response {
    if !segment(&plugin) || !segment(&version) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let file = state
        .settings
        .assets_dir
        .join("plugins")
        .join(&plugin)
        .join(&version)
        .join("bundle.js");
    let mut response = match ServeFile::new(file)
        .precompressed_gzip()
        .oneshot(request)
        .await
    {
        Ok(r) => r.into_response(),
        Err(never) => match never {},
    };
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let cache = match state.mode() {
            Mode::Twilio => IMMUTABLE,
            Mode::Sandbox => REVALIDATE,
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::segment;

    #[test]
    fn only_plain_names_and_versions_reach_the_disk() {
        for ok in ["plugin-chat-to-video", "0.1.0", "1.2.3-rc.1+build.5"] {
            assert!(segment(ok), "{ok}");
        }
        for bad in ["", "..", ".hidden", "a/b", "a%2Fb", "a b"] {
            assert!(!segment(bad), "{bad}");
        }
    }
}
