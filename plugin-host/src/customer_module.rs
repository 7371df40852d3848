//! The customer page's WebAssembly module for the host's mode. The site holds two builds of it
//! (`cargo xtask build`): `features/chat-to-video/chat_to_video{.js,_bg.wasm}` with the
//! sandbox's WebRTC mesh, and `features/chat-to-video/twilio/…` without it, some 10 KB smaller
//! gzipped. A twilio-mode host, the one real customers reach, answers the page's requests for
//! the module with the second; the page itself asks for the same two URLs in either mode. The
//! glue and the module go together (their import names are shortened per build), so both are
//! swapped, never one.

use axum::extract::Request;
use axum::http::Uri;
use tower::util::BoxCloneSyncService;
use tower::ServiceExt as _;

use crate::assets::Assets;
use crate::config::Mode;

const PAGE_DIR: &str = "/features/chat-to-video/";
const MODULE_FILES: [&str; 2] = ["chat_to_video.js", "chat_to_video_bg.wasm"];
/// Where, below the page's folder, the twilio-mode build of the module is.
const TWILIO_DIR: &str = "twilio/";

/// The path a request for `path` is served from in `mode`: the twilio-mode module's for the
/// module's two files in twilio mode, `None` (as asked) otherwise.
pub fn served_path(path: &str, mode: Mode) -> Option<String> {
    let file = path.strip_prefix(PAGE_DIR)?;
    (mode == Mode::Twilio && MODULE_FILES.contains(&file))
        .then(|| format!("{PAGE_DIR}{TWILIO_DIR}{file}"))
}

/// `assets` with the module's two files swapped for their twilio-mode build in twilio mode.
pub fn for_mode(assets: Assets, mode: Mode) -> Assets {
    if mode != Mode::Twilio {
        return assets;
    }
    BoxCloneSyncService::new(tower::service_fn(move |mut request: Request| {
        if let Some(path) = served_path(request.uri().path(), mode) {
            let query = request
                .uri()
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            if let Ok(uri) = format!("{path}{query}").parse::<Uri>() {
                *request.uri_mut() = uri;
            }
        }
        assets.clone().oneshot(request)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_twilio_mode_host_serves_the_module_without_the_mesh() {
        for file in MODULE_FILES {
            let asked = format!("/features/chat-to-video/{file}");
            assert_eq!(
                served_path(&asked, Mode::Twilio),
                Some(format!("/features/chat-to-video/twilio/{file}"))
            );
            assert_eq!(served_path(&asked, Mode::Sandbox), None);
        }
    }

    #[test]
    fn nothing_else_is_swapped() {
        for other in [
            "/features/chat-to-video/index.html",
            "/features/chat-to-video/customer.js",
            "/features/chat-to-video/twilio/chat_to_video.js",
            "/features/chat-to-video/x/chat_to_video.js",
            "/chat_to_video.js",
            "/plugins/plugin-chat-to-video.js",
        ] {
            assert_eq!(served_path(other, Mode::Twilio), None, "{other}");
        }
    }
}
