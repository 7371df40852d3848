//! The `twilio-video` SDK as the room sees it: `window.Twilio.Video` (loaded on demand from
//! `<assets>/vendor/twilio-video.min.js`), the room, participant, track and publication objects
//! it hands out, named local tracks built from captured ones, and its errors mapped to the typed
//! reasons.

use crate::web::video::{media, sdk, DisconnectReason, TrackName, VideoError};
use wasm_bindgen::prelude::*;
use web_sys::MediaStreamTrack;

#[wasm_bindgen]
extern "C" {
    /// `Twilio.Video`
    pub type Video;
    #[wasm_bindgen(method, getter, js_name = isSupported)]
    pub fn is_supported(this: &Video) -> bool;
    #[wasm_bindgen(method, catch)]
    pub fn connect(
        this: &Video,
        token: &str,
        options: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;

    pub type SdkRoom;
    #[wasm_bindgen(method)]
    pub fn disconnect(this: &SdkRoom);
    #[wasm_bindgen(method, getter, js_name = localParticipant)]
    pub fn local_participant(this: &SdkRoom) -> LocalParticipant;
    #[wasm_bindgen(method, getter)]
    pub fn participants(this: &SdkRoom) -> js_sys::Map;

    pub type LocalParticipant;
    #[wasm_bindgen(method, js_name = publishTrack)]
    pub fn publish_track(this: &LocalParticipant, track: &LocalTrack) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = unpublishTrack)]
    pub fn unpublish_track(this: &LocalParticipant, track: &LocalTrack);
    /// `null` until the SDK has a level, then 0–5.
    #[wasm_bindgen(method, getter, js_name = networkQualityLevel)]
    pub fn network_quality_level(this: &LocalParticipant) -> Option<f64>;

    pub type LocalTrack;
    #[wasm_bindgen(method)]
    pub fn enable(this: &LocalTrack, enabled: bool);
    #[wasm_bindgen(method)]
    pub fn stop(this: &LocalTrack);
    #[wasm_bindgen(method, catch, js_name = addProcessor)]
    pub fn add_processor(
        this: &LocalTrack,
        processor: &JsValue,
        options: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = removeProcessor)]
    pub fn remove_processor(this: &LocalTrack, processor: &JsValue) -> Result<JsValue, JsValue>;
    /// The processor's output while one is added, else `null`.
    #[wasm_bindgen(method, getter, js_name = processedTrack)]
    pub fn processed_track(this: &LocalTrack) -> Option<MediaStreamTrack>;

    pub type Participant;
    #[wasm_bindgen(method, getter)]
    pub fn sid(this: &Participant) -> String;
    #[wasm_bindgen(method, getter)]
    pub fn identity(this: &Participant) -> String;
    /// The participant's publications by track sid (`RemoteTrackPublication`s).
    #[wasm_bindgen(method, getter)]
    pub fn tracks(this: &Participant) -> js_sys::Map;
    #[wasm_bindgen(method, getter, js_name = networkQualityLevel)]
    pub fn network_quality_level(this: &Participant) -> Option<f64>;

    pub type RemoteTrack;
    #[wasm_bindgen(method, getter)]
    pub fn name(this: &RemoteTrack) -> String;
    #[wasm_bindgen(method, getter)]
    pub fn kind(this: &RemoteTrack) -> String;
    #[wasm_bindgen(method, getter, js_name = mediaStreamTrack)]
    pub fn media_stream_track(this: &RemoteTrack) -> MediaStreamTrack;
    #[wasm_bindgen(method, getter, js_name = isEnabled)]
    pub fn is_enabled(this: &RemoteTrack) -> bool;

    pub type Publication;
    #[wasm_bindgen(method, getter, js_name = trackName)]
    pub fn track_name(this: &Publication) -> String;
    #[wasm_bindgen(method, getter)]
    pub fn kind(this: &Publication) -> String;
    #[wasm_bindgen(method, getter, js_name = isTrackEnabled)]
    pub fn is_track_enabled(this: &Publication) -> bool;
    /// The track once subscribed, else `null`.
    #[wasm_bindgen(method, getter)]
    pub fn track(this: &Publication) -> Option<RemoteTrack>;
}

/// `bandwidthProfile` for a group room with two people in it: `collaboration`, so a shared
/// screen is not starved by the camera beside it; switch-off and content preferences `manual`,
/// since the page renders the tracks' `MediaStreamTrack`s itself: with `auto` the SDK, seeing
/// no element of its own `attach()`, would switch the other person's video off.
pub fn bandwidth_profile() -> js_sys::Object {
    let video = js_sys::Object::new();
    for (key, value) in [
        ("mode", "collaboration"),
        ("clientTrackSwitchOffControl", "manual"),
        ("contentPreferencesMode", "manual"),
    ] {
        let _ = js_sys::Reflect::set(&video, &key.into(), &value.into());
    }
    let profile = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&profile, &"video".into(), &video);
    profile
}

/// `networkQuality`: the SDK's levels for the local participant and the others, at the least
/// detail (`1`: the level only, without the per-media statistics).
pub fn network_quality() -> js_sys::Object {
    let options = js_sys::Object::new();
    for key in ["local", "remote"] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &JsValue::from(1));
    }
    options
}

/// The SDK, loading it first if needed.
pub async fn load(assets_base: &str) -> Result<Video, VideoError> {
    let mut src = assets_base.trim_end_matches('/').to_owned();
    src.push_str("/vendor/twilio-video.min.js");
    let video = sdk::load(&src, &["Twilio", "Video"])
        .await
        .map_err(|()| VideoError::SdkUnavailable)?;
    Ok(video.unchecked_into())
}

pub fn name_of(name: &str, kind: &str) -> TrackName {
    match name {
        "screen" => TrackName::Screen,
        "camera" => TrackName::Camera,
        "microphone" => TrackName::Microphone,
        _ if kind == "audio" => TrackName::Microphone,
        _ => TrackName::Camera,
    }
}

/// A TwilioError's code, mapped; anything else is `Other`.
pub fn sdk_error(e: &JsValue) -> VideoError {
    let code = js_sys::Reflect::get(e, &"code".into())
        .ok()
        .and_then(|c| c.as_f64());
    match code.and_then(|c| DisconnectReason::from_code(c as u32)) {
        Some(reason) => VideoError::Refused(reason),
        None => VideoError::Other(media::error_name(e)),
    }
}

/// `addProcessor`'s options for this browser ([`crate::blur::frame_buffers`]).
pub fn processor_options() -> js_sys::Object {
    let window = web_sys::window().map(JsValue::from).unwrap_or_default();
    let has = js_sys::Reflect::has(&window, &"MediaStreamTrackProcessor".into()).unwrap_or(false);
    let (input, output) = crate::blur::frame_buffers(has);
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"inputFrameBufferType".into(), &input.into());
    let _ = js_sys::Reflect::set(
        &options,
        &"outputFrameBufferContextType".into(),
        &output.into(),
    );
    options
}

/// Wraps a captured track as a named SDK track (`LocalAudioTrack`/`LocalVideoTrack`).
pub fn local_track(
    video: &Video,
    track: &MediaStreamTrack,
    name: TrackName,
) -> Result<LocalTrack, VideoError> {
    let class = if name == TrackName::Microphone {
        "LocalAudioTrack"
    } else {
        "LocalVideoTrack"
    };
    let constructor: js_sys::Function = js_sys::Reflect::get(video, &class.into())
        .ok()
        .and_then(|c| c.dyn_into().ok())
        .ok_or(VideoError::SdkUnavailable)?;
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"name".into(), &name.as_str().into());
    let args = js_sys::Array::of2(track, &options);
    js_sys::Reflect::construct(&constructor, &args)
        .map(JsCast::unchecked_into)
        .map_err(|e| sdk_error(&e))
}
