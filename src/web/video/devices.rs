//! The browser side of [`crate::devices`]: listing devices (`enumerateDevices`), whether audio
//! can be routed (`setSinkId`), the remembered choice in `localStorage`, one `getUserMedia` for
//! a [`Constraint`] each kind, routing media elements to a speaker, and the `<select>` that
//! offers a kind's devices. What to pick, offer and store is the pure module's.

use super::media::{error_name, first_track};
use crate::devices::{storage_key, Constraint, Device, Kind, MediaError, Offer, Remembered};
use crate::web::dom::append;
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Element, HtmlOptionElement, HtmlSelectElement, MediaDevices, MediaStream,
    MediaStreamConstraints, MediaStreamTrack,
};

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn media_devices() -> Option<MediaDevices> {
    web_sys::window()?.navigator().media_devices().ok()
}

/// Every camera, microphone and speaker the browser lists, in its order (none if it cannot).
pub async fn list() -> Vec<Device> {
    let Some(promise) = media_devices().and_then(|d| d.enumerate_devices().ok()) else {
        return Vec::new();
    };
    let Ok(all) = JsFuture::from(promise).await else {
        return Vec::new();
    };
    js_sys::Array::from(&all)
        .iter()
        .filter_map(|info| {
            Some(Device {
                kind: Kind::from_wire(&string(&info, "kind"))?,
                device_id: string(&info, "deviceId"),
                group_id: string(&info, "groupId"),
                label: string(&info, "label"),
            })
        })
        .collect()
}

/// Whether this browser can send audio to a chosen output (`HTMLMediaElement.prototype.setSinkId`).
pub fn can_route_output() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let element = get(&get(&window, "HTMLMediaElement"), "prototype");
    get(&element, "setSinkId").is_function()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The choice remembered on this browser for `kind`; a value that does not parse is none.
pub fn remembered(kind: Kind) -> Option<Remembered> {
    let raw = storage()?.get_item(storage_key(kind)).ok().flatten()?;
    let v = JSON::parse(&raw).ok()?;
    let device_id = get(&v, "deviceId").as_string()?;
    let label = get(&v, "label").as_string()?;
    Some(Remembered { device_id, label })
}

/// Stores the choice for `kind`, or clears it (`None`: follow the system).
pub fn store(kind: Kind, choice: Option<&Remembered>) {
    let Some(storage) = storage() else { return };
    let key = storage_key(kind);
    let Some(r) = choice else {
        let _ = storage.remove_item(key);
        return;
    };
    let o = Object::new();
    let _ = Reflect::set(&o, &"deviceId".into(), &r.device_id.as_str().into());
    let _ = Reflect::set(&o, &"label".into(), &r.label.as_str().into());
    if let Some(json) = JSON::stringify(&o).ok().and_then(|s| s.as_string()) {
        let _ = storage.set_item(key, &json);
    }
}

/// `getUserMedia`'s value for one kind: `true`, `false` or `{deviceId: {exact: id}}`.
fn member(c: Option<&Constraint>) -> JsValue {
    match c {
        None => JsValue::FALSE,
        Some(Constraint::Any) => JsValue::TRUE,
        Some(Constraint::Exact(id)) => exact(id).into(),
    }
}

/// `{deviceId: {exact: id}}`, as `getUserMedia` and the SDK's `restart` take it.
pub fn exact(id: &str) -> Object {
    let inner = Object::new();
    let _ = Reflect::set(&inner, &"exact".into(), &id.into());
    let o = Object::new();
    let _ = Reflect::set(&o, &"deviceId".into(), &inner);
    o
}

/// The tracks one `getUserMedia` gave.
pub struct Captured {
    pub microphone: Option<MediaStreamTrack>,
    pub camera: Option<MediaStreamTrack>,
}

/// One `getUserMedia` for the kinds asked (`None`: not that kind).
pub async fn capture(
    audio: Option<&Constraint>,
    video: Option<&Constraint>,
) -> Result<Captured, MediaError> {
    let devices = media_devices().ok_or(MediaError::Failed)?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&member(audio));
    constraints.set_video(&member(video));
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| MediaError::from_name(&error_name(&e)))?;
    let stream: MediaStream = JsFuture::from(promise)
        .await
        .map_err(|e| MediaError::from_name(&error_name(&e)))?
        .unchecked_into();
    Ok(Captured {
        microphone: first_track(&stream, "audio"),
        camera: first_track(&stream, "video"),
    })
}

/// One track of `kind` from `constraint`, for a switch during the call.
pub async fn capture_one(
    kind: Kind,
    constraint: &Constraint,
) -> Result<MediaStreamTrack, super::VideoError> {
    let (audio, video) = match kind {
        Kind::Microphone => (Some(constraint), None),
        _ => (None, Some(constraint)),
    };
    let captured = capture(audio, video).await.map_err(video_error)?;
    captured
        .microphone
        .or(captured.camera)
        .ok_or_else(|| video_error(MediaError::NotFound))
}

/// How to capture `kind` now: the device chosen on this browser ([`crate::devices::to_capture`]).
pub fn chosen(listed: &[Device], kind: Kind) -> Option<Constraint> {
    crate::devices::to_capture(listed, kind, remembered(kind).as_ref())
}

/// The camera from the chosen device (on the pre-join screen, with the Devices control, or
/// while the camera was off), for the camera coming back on in a call.
pub async fn chosen_camera() -> Result<MediaStreamTrack, super::VideoError> {
    let listed = list().await;
    let constraint =
        chosen(&listed, Kind::Camera).ok_or_else(|| video_error(MediaError::NotFound))?;
    capture_one(Kind::Camera, &constraint).await
}

/// The call's error for a capture that failed (by the DOMException name it stands for).
pub fn video_error(e: MediaError) -> super::VideoError {
    let name = match e {
        MediaError::Refused => "NotAllowedError",
        MediaError::NotFound => "NotFoundError",
        MediaError::Overconstrained => "OverconstrainedError",
        MediaError::Failed => "NotReadableError",
    };
    super::VideoError::Devices(name.to_owned())
}

/// The device a running track comes from (`getSettings().deviceId`).
pub fn device_of(track: &MediaStreamTrack) -> String {
    string(&track.get_settings(), "deviceId")
}

/// Sends the sound of every media element under `root` to `speaker` (where the browser can).
pub fn route(root: &Element, speaker: &str) {
    let Ok(all) = root.query_selector_all("audio,video") else {
        return;
    };
    for i in 0..all.length() {
        let Some(node) = all.get(i) else { continue };
        if let Ok(f) = get(&node, "setSinkId").dyn_into::<js_sys::Function>() {
            if let Ok(p) = f.call1(&node, &speaker.into()) {
                if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = JsFuture::from(p).await;
                    });
                }
            }
        }
    }
}

/// Fills `select` with `offers`, the selected one selected (kept as it is when unchanged, so a
/// person's focus and choice are not disturbed).
pub fn fill(select: &HtmlSelectElement, offers: &[Offer]) {
    let same = select.length() as usize == offers.len()
        && offers.iter().enumerate().all(|(i, o)| {
            select
                .item(i as u32)
                .and_then(|e| e.dyn_into::<HtmlOptionElement>().ok())
                .is_some_and(|e| e.value() == o.device_id && e.text() == o.name)
        });
    if !same {
        select.set_text_content(None);
        for o in offers {
            if let Ok(option) = HtmlOptionElement::new_with_text_and_value(&o.name, &o.device_id) {
                append(select, &option);
            }
        }
    }
    if let Some(i) = offers.iter().position(|o| o.selected) {
        select.set_selected_index(i as i32);
    }
    select.set_disabled(offers.is_empty());
}
