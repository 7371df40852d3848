//! Task attributes: the keys this feature owns, a typed view of them, and the merge that
//! writes only those keys while every other attribute (nested ones included) stays byte for
//! byte as it was.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;
use thiserror::Error;

pub use crate::rating::Rating;
use crate::session::EndReason;

/// The attribute keys this feature reads and writes. Every other key belongs to someone else.
pub mod key {
    /// The Sync document (`ET…`) behind the customer's code (the template's key).
    pub const SYNC_DOCUMENT: &str = "syncDocument";
    /// The agent's room state (the template's key): see [`super::VideoRoomState`].
    pub const VIDEO_ROOM: &str = "videoRoom";
    /// The room (`RM…`) once created.
    pub const VIDEO_ROOM_SID: &str = "videoRoomSid";
    /// The customer's post-call rating: see [`super::Rating`].
    pub const VIDEO_RATING: &str = "videoRating";
    /// How the video session ended: see [`super::SessionEnd`].
    pub const VIDEO_ENDED: &str = "videoEnded";

    pub const ALL: [&str; 5] = [
        SYNC_DOCUMENT,
        VIDEO_ROOM,
        VIDEO_ROOM_SID,
        VIDEO_RATING,
        VIDEO_ENDED,
    ];
}

wire_enum! {
    /// `videoRoom`: `created` → `connected` → `disconnected`, or `error`.
    pub enum VideoRoomState {
        Created = "created",
        Connected = "connected",
        Disconnected = "disconnected",
        Error = "error",
    }
}

/// `videoEnded`: why the task's video session ended and how long the call lasted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionEnd {
    pub reason: EndReason,
    /// Whole seconds from the agent's first join to the end; absent if the agent never joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_secs: Option<u64>,
}

/// This feature's view of a task's attributes. Unknown keys are ignored; a value of the
/// wrong type reads as absent rather than failing the whole view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct VideoAttributes {
    #[serde(rename = "syncDocument", default, deserialize_with = "lenient")]
    pub sync_document: Option<String>,
    #[serde(rename = "videoRoom", default, deserialize_with = "lenient")]
    pub video_room: Option<VideoRoomState>,
    #[serde(rename = "videoRoomSid", default, deserialize_with = "lenient")]
    pub video_room_sid: Option<String>,
    #[serde(rename = "videoRating", default, deserialize_with = "lenient")]
    pub rating: Option<Rating>,
    #[serde(rename = "videoEnded", default, deserialize_with = "lenient")]
    pub ended: Option<SessionEnd>,
}

impl VideoAttributes {
    /// Reads the view from TaskRouter's attribute string. Malformed JSON reads as empty.
    pub fn from_json(attributes: &str) -> Self {
        serde_json::from_str(attributes).unwrap_or_default()
    }

    /// Whether the task has been escalated to video (the tab's condition).
    pub fn has_video(&self) -> bool {
        self.sync_document.is_some() || self.video_room.is_some() || self.video_room_sid.is_some()
    }
}

/// The longest name shown for a person (longer ones are cut).
pub const MAX_NAME_CHARS: usize = 80;

/// The customer's name from a task's attributes (not this feature's keys: whatever the channel
/// wrote): `customerName`, else `name`, else `from`. Blank values are skipped; the text is
/// untrusted and only ever shown as text.
pub fn customer_name(attributes: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(attributes).ok()?;
    ["customerName", "name", "from"]
        .iter()
        .filter_map(|k| v.get(*k)?.as_str())
        .find_map(display_name)
}

/// A name fit to show: trimmed, control characters dropped, at most [`MAX_NAME_CHARS`].
pub fn display_name(raw: &str) -> Option<String> {
    let name: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

/// The keys to write. `None` leaves a key as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributePatch {
    pub sync_document: Option<String>,
    pub video_room: Option<VideoRoomState>,
    pub video_room_sid: Option<String>,
    pub rating: Option<Rating>,
    pub ended: Option<SessionEnd>,
    /// A new session starts: `videoEnded` (of the one before) is cleared.
    pub clear_ended: bool,
}

impl AttributePatch {
    fn entries(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                out.push((k, v));
            }
        };
        push(
            key::SYNC_DOCUMENT,
            self.sync_document.as_ref().map(json_string),
        );
        push(
            key::VIDEO_ROOM,
            self.video_room.map(|s| json_string(s.as_str())),
        );
        push(
            key::VIDEO_ROOM_SID,
            self.video_room_sid.as_ref().map(json_string),
        );
        push(
            key::VIDEO_RATING,
            self.rating
                .as_ref()
                .map(|r| serde_json::to_string(r).unwrap_or_else(|_| "null".to_owned())),
        );
        let ended = match (&self.ended, self.clear_ended) {
            (Some(e), _) => Some(serde_json::to_string(e).unwrap_or_else(|_| "null".to_owned())),
            (None, true) => Some("null".to_owned()),
            (None, false) => None,
        };
        push(key::VIDEO_ENDED, ended);
        out
    }
}

fn json_string(s: impl AsRef<str>) -> String {
    serde_json::Value::String(s.as_ref().to_owned()).to_string()
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MergeError {
    #[error("task attributes are not valid JSON: {0}")]
    NotJson(String),
    #[error("task attributes are not a JSON object")]
    NotAnObject,
}

/// Writes `patch` into `attributes` (TaskRouter's JSON string). Keys keep their order, new
/// keys go at the end, and every value the patch does not name is copied verbatim, down to
/// number formatting and whitespace inside nested values. Empty input counts as `{}`.
pub fn merge(attributes: &str, patch: &AttributePatch) -> Result<String, MergeError> {
    let mut entries = if attributes.trim().is_empty() {
        Vec::new()
    } else {
        let obj: RawObject = serde_json::from_str(attributes).map_err(|e| {
            if e.classify() == serde_json::error::Category::Data {
                MergeError::NotAnObject
            } else {
                MergeError::NotJson(e.to_string())
            }
        })?;
        obj.0
    };
    for (k, v) in patch.entries() {
        match entries.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = v,
            None => entries.push((k.to_owned(), v)),
        }
    }
    let mut out = String::with_capacity(attributes.len() + 64);
    out.push('{');
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&json_string(k));
        out.push(':');
        out.push_str(v);
    }
    out.push('}');
    Ok(out)
}

/// A JSON object read as (key, raw value text) pairs, in order. A repeated key keeps its
/// first position and its last value, as JSON parsers that keep the last value would see it.
struct RawObject(Vec<(String, String)>);

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
                let mut out: Vec<(String, String)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                    let v = v.get().to_owned();
                    match out.iter_mut().find(|(name, _)| *name == k) {
                        Some(slot) => slot.1 = v,
                        None => out.push((k, v)),
                    }
                }
                Ok(RawObject(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests;
