//! Local media: the screen from `getDisplayMedia` (camera and microphone are
//! [`super::devices`]'), and stopping what was captured. Errors keep the DOMException name so
//! people can be told what went wrong ("NotAllowedError": permission refused, …).

use super::VideoError;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DisplayMediaStreamConstraints, MediaDevices, MediaStream, MediaStreamTrack};

/// The name of a DOMException (or `Error`), for mapping to typed errors.
pub fn error_name(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default()
}

fn devices() -> Result<MediaDevices, VideoError> {
    web_sys::window()
        .ok_or(VideoError::Unsupported)?
        .navigator()
        .media_devices()
        .map_err(|_| VideoError::Unsupported)
}

/// Asks for a screen (or window or tab). `Ok(None)`: the person closed the picker, which is
/// not an error.
pub async fn display_media() -> Result<Option<MediaStreamTrack>, VideoError> {
    let constraints = DisplayMediaStreamConstraints::new();
    constraints.set_video_bool(true);
    constraints.set_audio_bool(false);
    let promise = devices()?
        .get_display_media_with_constraints(&constraints)
        .map_err(|_| VideoError::Unsupported)?;
    match JsFuture::from(promise).await {
        Ok(stream) => Ok(first_track(&stream.unchecked_into(), "video")),
        Err(e) => match error_name(&e).as_str() {
            "NotAllowedError" | "AbortError" => Ok(None),
            other => Err(VideoError::Devices(other.to_owned())),
        },
    }
}

/// The first track of a kind (`"audio"` or `"video"`).
pub fn first_track(stream: &MediaStream, kind: &str) -> Option<MediaStreamTrack> {
    let tracks = if kind == "audio" {
        stream.get_audio_tracks()
    } else {
        stream.get_video_tracks()
    };
    tracks.get(0).dyn_into().ok()
}

/// Another handle to the same stream. Careful: `stream.clone()` is web-sys's binding of the
/// DOM's `MediaStream.clone()` (an inherent method wins over `Clone`), which starts a copy of
/// every track that nobody would ever stop, leaving the camera on after the call.
pub fn same_stream(stream: &MediaStream) -> MediaStream {
    Clone::clone(stream)
}

/// Another handle to the same track (`track.clone()` would copy the capture: see
/// [`same_stream`]).
pub fn same_track(track: &MediaStreamTrack) -> MediaStreamTrack {
    Clone::clone(track)
}

/// Stops every track of a stream (the camera light goes off) and empties it.
pub fn stop_stream(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
            stream.remove_track(&track);
        }
    }
}

/// Whether this page can do video at all, and if not, why.
pub fn support() -> Result<(), VideoError> {
    let window = web_sys::window().ok_or(VideoError::Unsupported)?;
    if !window.is_secure_context() {
        return Err(VideoError::InsecureContext);
    }
    let global: &JsValue = window.as_ref();
    let has = |name: &str| {
        js_sys::Reflect::get(global, &JsValue::from_str(name))
            .map(|v| v.is_function())
            .unwrap_or(false)
    };
    if !has("RTCPeerConnection") || !has("WebSocket") {
        return Err(VideoError::Unsupported);
    }
    let devices = window.navigator().media_devices().ok();
    let gum = devices
        .as_ref()
        .and_then(|d| js_sys::Reflect::get(d, &JsValue::from_str("getUserMedia")).ok())
        .is_some_and(|f| f.is_function());
    if gum {
        Ok(())
    } else {
        Err(VideoError::Unsupported)
    }
}
