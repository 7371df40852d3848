//! `GET /plugins/{plugin}/{version}/bundle.js` (and `…/{version}/twilio/bundle.js`, the bundle
//! released to Flex, without the sandbox's mesh): a Flex plugin bundle at a URL that names its
//! version, from the site like every static file (`{assets}/plugins/{plugin}/{version}/bundle.js`,
//! or the site inside the static binary; the build writes it for the version in
//! `pkg-shim/package.json`). What a Flex release points at when the host serves the plugin
//! itself (`cargo xtask deploy`).
//!
//! The background blur library's folder (`/vendor/video-processors/`) is fetched by the plugin
//! from inside Flex, another origin: its model, WebAssembly and workers are read with `fetch`,
//! so those answers allow any origin (they are public files, sent without credentials).
//!
//! A version's bundle never changes, so against Twilio it is cached for a year, immutably. The
//! sandbox rebuilds the same version during development, so there it is revalidated each time.

use std::convert::Infallible;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use tower::util::BoxCloneSyncService;
use tower::ServiceExt as _;

use crate::assets::Assets;
use crate::config::Mode;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const REVALIDATE: &str = "no-cache";

/// A path segment that names a plugin or a version: letters, digits, `.`, `_`, `-`, `+`, not
/// starting with a dot.
fn segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
}

/// Whether `path` is `/plugins/{plugin}/{version}/bundle.js` (the sandbox desk's bundle) or
/// `/plugins/{plugin}/{version}/twilio/bundle.js` (the one released to Flex, without the
/// sandbox's mesh).
pub fn is_versioned_bundle(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["", "plugins", plugin, version, "bundle.js"]
        | ["", "plugins", plugin, version, "twilio", "bundle.js"] => {
            segment(plugin) && segment(version)
        }
        _ => false,
    }
}

/// Whether `path` is in the folder of the background blur library's files.
pub fn is_cross_origin_asset(path: &str) -> bool {
    path.strip_prefix(chat_to_video::blur::ASSETS_DIR)
        .is_some_and(|rest| !rest.is_empty())
}

/// The static files, with the caching a versioned bundle gets in `mode`.
pub fn with_bundle_caching(assets: Assets, mode: Mode) -> Assets {
    let cache = match mode {
        Mode::Twilio => IMMUTABLE,
        Mode::Sandbox => REVALIDATE,
    };
    BoxCloneSyncService::new(tower::service_fn(move |request: Request| {
        let versioned = is_versioned_bundle(request.uri().path());
        let cross_origin = versioned || is_cross_origin_asset(request.uri().path());
        let files = assets.clone();
        async move {
            let mut response = files.oneshot(request).await?;
            let ok =
                response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
            let headers = response.headers_mut();
            if versioned && ok {
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            }
            if cross_origin && ok {
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                );
            }
            Ok::<_, Infallible>(response)
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::{is_cross_origin_asset, is_versioned_bundle, segment};

    #[test]
    fn only_files_in_the_blur_library_folder_are_for_other_origins() {
        assert!(is_cross_origin_asset(
            "/vendor/video-processors/twilio-video-processors.min.js"
        ));
        assert!(is_cross_origin_asset(
            "/vendor/video-processors/tflite-simd-1-0-0.wasm"
        ));
        for other in [
            "/vendor/video-processors/",
            "/vendor/twilio-video.min.js",
            "/features/chat-to-video/index.html",
            "/x/vendor/video-processors/a.js",
        ] {
            assert!(!is_cross_origin_asset(other), "{other}");
        }
    }

    #[test]
    fn only_plain_names_and_versions_count() {
        for ok in ["plugin-chat-to-video", "0.1.0", "1.2.3-rc.1+build.5"] {
            assert!(segment(ok), "{ok}");
        }
        for bad in ["", "..", ".hidden", "a/b", "a%2Fb", "a b"] {
            assert!(!segment(bad), "{bad}");
        }
        assert!(is_versioned_bundle(
            "/plugins/plugin-chat-to-video/0.1.0/bundle.js"
        ));
        assert!(is_versioned_bundle(
            "/plugins/plugin-chat-to-video/0.1.0/twilio/bundle.js"
        ));
        assert!(!is_versioned_bundle(
            "/plugins/plugin-chat-to-video/0.1.0/other/bundle.js"
        ));
        assert!(!is_versioned_bundle("/plugins/plugin-chat-to-video.js"));
        assert!(!is_versioned_bundle("/plugins/x/../bundle.js"));
        assert!(!is_versioned_bundle("/plugins/x/1.0/other.js"));
    }
}
