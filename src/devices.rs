//! Camera, microphone and speaker choice, pure: which device to use, what to offer, what to
//! remember on this browser, and what to do when a device disappears mid-call. The browser
//! side enumerates (`enumerateDevices`), stores (`localStorage`) and captures.
//!
//! - **Remembered** per kind as `{deviceId, label}` under [`storage_key`]: ids can change
//!   between sessions (browsers rotate them when site data is cleared), so [`pick`] matches the
//!   id first, then the label, then falls back to the system's default.
//! - **Default**: the `"default"` entry if the browser lists one (Chrome does, and on Windows a
//!   `"communications"` one), else the first device of the kind.
//! - **Pseudo-ids**: `"default"` and `"communications"` are not devices but aliases that follow
//!   the system's setting. Choosing one stores no choice ([`remember`] is `None`: the stored one
//!   is cleared), which is what "follow the system" means; [`pick`] then lands on `"default"`
//!   again. Such an entry disappears only when the device behind it does: its `groupId` changes.
//! - **Before permission** browsers hide labels and often ids. An empty label is offered as
//!   "Camera 2" (its place among its kind); an empty id is asked as "any device" ([`Constraint`]),
//!   or as the remembered id, which is all there is to go on then.
//! - **Speakers** are offered only where the browser can route audio (`setSinkId`).
//! - **Unplugged** ([`on_change`]): the device in use is gone → switch to the default (or the
//!   first) with a notice naming it; none left → a notice that the camera is off or the
//!   microphone muted. An automatic switch is not a choice: the remembered one stays, so the
//!   device is used again once it is back.

use crate::strings::{render, Strings, Text};

wire_enum! {
    /// `MediaDeviceInfo.kind`.
    pub enum Kind {
        Microphone = "audioinput",
        Camera = "videoinput",
        Speaker = "audiooutput",
    }
}

/// The ids that name the system's choice rather than a device.
pub const PSEUDO_IDS: [&str; 2] = ["default", "communications"];

/// The placeholder for a device's number in [`Text::CameraNumbered`] and the like.
pub const NUMBER: &str = "number";
/// The placeholder for a device's name in [`Text::CameraSwitched`] and the like.
pub const DEVICE: &str = "device";

/// One `MediaDeviceInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub kind: Kind,
    pub device_id: String,
    pub group_id: String,
    /// Empty before permission.
    pub label: String,
}

impl Device {
    /// `"default"` or `"communications"`.
    pub fn is_pseudo(&self) -> bool {
        PSEUDO_IDS.contains(&self.device_id.as_str())
    }
}

/// A choice as stored on this browser.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Remembered {
    #[serde(rename = "deviceId")]
    pub device_id: String,
    pub label: String,
}

impl Remembered {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored value that does not parse (written by hand, or by another version) is no choice.
    pub fn from_json(s: &str) -> Option<Remembered> {
        serde_json::from_str(s).ok()
    }
}

/// The `localStorage` key of the choice for `kind`.
pub const fn storage_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Microphone => "chat-to-video-device:audioinput",
        Kind::Camera => "chat-to-video-device:videoinput",
        Kind::Speaker => "chat-to-video-device:audiooutput",
    }
}

/// How to ask `getUserMedia` for one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    /// `true`: the browser's choice.
    Any,
    /// `{deviceId: {exact: id}}`.
    Exact(String),
}

impl Constraint {
    /// The constraint for a device id: an empty (hidden) id is no id.
    pub fn for_id(id: &str) -> Constraint {
        if id.is_empty() {
            Constraint::Any
        } else {
            Constraint::Exact(id.to_owned())
        }
    }

    /// The value for the `audio` or `video` member of `getUserMedia`'s constraints.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Constraint::Any => serde_json::Value::Bool(true),
            Constraint::Exact(id) => serde_json::json!({ "deviceId": { "exact": id } }),
        }
    }
}

/// `getUserMedia`'s constraints for one call.
pub fn constraints(audio: Option<&Constraint>, video: Option<&Constraint>) -> serde_json::Value {
    let member =
        |c: Option<&Constraint>| c.map_or(serde_json::Value::Bool(false), Constraint::to_json);
    serde_json::json!({ "audio": member(audio), "video": member(video) })
}

/// Why `getUserMedia` failed, from the DOMException's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaError {
    /// `NotAllowedError`, `SecurityError`: the person or the browser refused.
    Refused,
    /// `NotFoundError`: no such device.
    NotFound,
    /// `OverconstrainedError`: the exact device id is unknown (ids change).
    Overconstrained,
    /// `NotReadableError`, `AbortError` and anything else: the device would not start
    /// (another app may hold it).
    Failed,
}

impl MediaError {
    pub fn from_name(name: &str) -> MediaError {
        match name {
            "NotAllowedError" | "SecurityError" => MediaError::Refused,
            "NotFoundError" => MediaError::NotFound,
            "OverconstrainedError" => MediaError::Overconstrained,
            _ => MediaError::Failed,
        }
    }
}

/// Whether `kind` is offered at all (speakers only where audio can be routed).
pub const fn offered(kind: Kind, can_route_output: bool) -> bool {
    !matches!(kind, Kind::Speaker) || can_route_output
}

fn of_kind(devices: &[Device], kind: Kind) -> impl Iterator<Item = &Device> {
    devices.iter().filter(move |d| d.kind == kind)
}

/// The listed device of `kind` with id `id` (what a list's entry names); `None` when it is no
/// longer listed.
pub fn find<'a>(devices: &'a [Device], kind: Kind, id: &str) -> Option<&'a Device> {
    of_kind(devices, kind).find(|d| d.device_id == id)
}

/// The system's default for `kind`: its `"default"` entry, else its first device.
pub fn fallback(devices: &[Device], kind: Kind) -> Option<&Device> {
    of_kind(devices, kind)
        .find(|d| d.device_id == PSEUDO_IDS[0])
        .or_else(|| of_kind(devices, kind).next())
}

/// The device to use for `kind`: the remembered one by id, else by label, else the default.
pub fn pick<'a>(
    devices: &'a [Device],
    kind: Kind,
    remembered: Option<&Remembered>,
    can_route_output: bool,
) -> Option<&'a Device> {
    if !offered(kind, can_route_output) {
        return None;
    }
    let found = remembered.and_then(|r| {
        let same = |f: fn(&Device) -> &str, v: &str| {
            of_kind(devices, kind).find(move |d| !v.is_empty() && f(d) == v)
        };
        same(|d| &d.device_id, &r.device_id).or_else(|| same(|d| &d.label, &r.label))
    });
    found.or_else(|| fallback(devices, kind))
}

/// How to ask for `kind` when the screen opens: `None` when there is no such device. Without
/// permission ids are hidden: the remembered id is tried (the caller retries with
/// [`Constraint::Any`] should the browser no longer know it).
pub fn first_constraint(
    devices: &[Device],
    kind: Kind,
    remembered: Option<&Remembered>,
) -> Option<Constraint> {
    let device = pick(devices, kind, remembered, true)?;
    Some(match (device.device_id.is_empty(), remembered) {
        (true, Some(r)) => Constraint::for_id(&r.device_id),
        _ => Constraint::for_id(&device.device_id),
    })
}

/// How to capture `kind` now, without the pre-join screen (joining again, the camera coming
/// back on in a call): the chosen device as [`first_constraint`] asks for it, so a choice made
/// on the pre-join screen, with the Devices control or while the camera was off is the one
/// used; a browser that lists nothing at all (before permission) is asked for any device.
pub fn to_capture(
    devices: &[Device],
    kind: Kind,
    remembered: Option<&Remembered>,
) -> Option<Constraint> {
    first_constraint(devices, kind, remembered)
        .or_else(|| devices.is_empty().then_some(Constraint::Any))
}

/// What to store after the person chose `device`: nothing for a pseudo-id (follow the system).
pub fn remember(device: &Device) -> Option<Remembered> {
    (!device.is_pseudo() && !device.device_id.is_empty()).then(|| Remembered {
        device_id: device.device_id.clone(),
        label: device.label.clone(),
    })
}

/// A device's readable name: its label, or "Camera 2" (its place among its kind) without one.
pub fn name(devices: &[Device], device: &Device, strings: &Strings) -> String {
    if !device.label.trim().is_empty() {
        return device.label.clone();
    }
    let place = of_kind(devices, device.kind)
        .position(|d| d == device)
        .map_or(1, |i| i + 1);
    let mut number = String::new();
    crate::decimal::push(&mut number, place as u64);
    let template = match device.kind {
        Kind::Camera => Text::CameraNumbered,
        Kind::Microphone => Text::MicrophoneNumbered,
        Kind::Speaker => Text::SpeakerNumbered,
    };
    render(strings.get(template), &[(NUMBER, &number)])
}

/// One entry of a device list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub device_id: String,
    pub name: String,
    pub selected: bool,
}

/// The list to offer for `kind`, in the browser's order, with `in_use` selected.
pub fn offers(
    devices: &[Device],
    kind: Kind,
    in_use: Option<&str>,
    can_route_output: bool,
    strings: &Strings,
) -> Vec<Offer> {
    if !offered(kind, can_route_output) {
        return Vec::new();
    }
    of_kind(devices, kind)
        .map(|d| Offer {
            device_id: d.device_id.clone(),
            name: name(devices, d, strings),
            selected: in_use == Some(d.device_id.as_str()),
        })
        .collect()
}

/// What a `devicechange` means for the device in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<'a> {
    /// Still there: nothing to do.
    Kept,
    /// Gone: use `to` instead, and tell the person.
    Switched { to: &'a Device, notice: String },
    /// Gone, and no other device of the kind: the camera is off, the microphone muted, sound
    /// on the browser's default output.
    Gone { notice: String },
}

/// Whether the device in use (as it was when taken) is still listed and, if not, what to use.
pub fn on_change<'a>(in_use: &Device, devices: &'a [Device], strings: &Strings) -> Change<'a> {
    let still = of_kind(devices, in_use.kind).any(|d| {
        d.device_id == in_use.device_id && (!in_use.is_pseudo() || d.group_id == in_use.group_id)
    });
    if still {
        return Change::Kept;
    }
    let (switched, gone) = match in_use.kind {
        Kind::Camera => (Text::CameraSwitched, Text::CameraGone),
        Kind::Microphone => (Text::MicrophoneSwitched, Text::MicrophoneGone),
        Kind::Speaker => (Text::SpeakerSwitched, Text::SpeakerGone),
    };
    match fallback(devices, in_use.kind) {
        Some(to) => Change::Switched {
            to,
            notice: render(
                strings.get(switched),
                &[(DEVICE, &name(devices, to, strings))],
            ),
        },
        None => Change::Gone {
            notice: render(strings.get(gone), &[]),
        },
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
