//! Task attributes: the keys this feature owns, a typed view of them, and the merge that
//! writes only those keys while every other attribute (nested ones included) stays byte for
//! byte as it was.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;
use thiserror::Error;

pub use crate::rating::Rating;

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

    pub const ALL: [&str; 4] = [SYNC_DOCUMENT, VIDEO_ROOM, VIDEO_ROOM_SID, VIDEO_RATING];
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
}

impl AttributePatch {
    pub fn is_empty(&self) -> bool {
        *self == AttributePatch::default()
    }

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
mod tests {
    use super::*;

    fn state(s: VideoRoomState) -> AttributePatch {
        AttributePatch {
            video_room: Some(s),
            ..Default::default()
        }
    }

    #[test]
    fn merge_keeps_foreign_values_verbatim() {
        let before = r#"{"channelType":"web","nested":{"a":[1, 2.50, 1e400],"b":{"deep":"ü\u00e9"}},"big":123456789012345678901234567890,"videoRoom":"created"}"#;
        let after = merge(before, &state(VideoRoomState::Connected)).unwrap();
        assert_eq!(
            after,
            r#"{"channelType":"web","nested":{"a":[1, 2.50, 1e400],"b":{"deep":"ü\u00e9"}},"big":123456789012345678901234567890,"videoRoom":"connected"}"#
        );
    }

    #[test]
    fn merge_appends_new_keys_in_order() {
        let patch = AttributePatch {
            sync_document: Some("ET123".into()),
            video_room_sid: Some("RM9".into()),
            ..Default::default()
        };
        assert_eq!(
            merge(r#"{"x":1}"#, &patch).unwrap(),
            r#"{"x":1,"syncDocument":"ET123","videoRoomSid":"RM9"}"#
        );
        assert_eq!(
            merge("", &patch).unwrap(),
            r#"{"syncDocument":"ET123","videoRoomSid":"RM9"}"#
        );
        assert_eq!(merge("  ", &AttributePatch::default()).unwrap(), "{}");
    }

    #[test]
    fn merge_escapes_our_values() {
        let patch = AttributePatch {
            rating: Some(Rating {
                rating: 5,
                comment: Some("great \"call\" </script>\n".into()),
                submitted_at: None,
            }),
            ..Default::default()
        };
        let out = merge("{}", &patch).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["videoRating"]["comment"], "great \"call\" </script>\n");
        assert_eq!(v["videoRating"]["rating"], 5);
    }

    #[test]
    fn merge_refuses_non_objects() {
        assert_eq!(
            merge("[1,2]", &AttributePatch::default()),
            Err(MergeError::NotAnObject)
        );
        assert_eq!(
            merge("\"s\"", &AttributePatch::default()),
            Err(MergeError::NotAnObject)
        );
        assert!(matches!(
            merge("{\"a\":", &AttributePatch::default()),
            Err(MergeError::NotJson(_))
        ));
    }

    #[test]
    fn merge_collapses_duplicate_keys_to_the_last_value() {
        assert_eq!(
            merge(r#"{"a":1,"b":2,"a":3}"#, &AttributePatch::default()).unwrap(),
            r#"{"a":3,"b":2}"#
        );
    }

    #[test]
    fn sequential_merges_keep_each_other() {
        let a = merge("{}", &state(VideoRoomState::Created)).unwrap();
        let b = merge(
            &a,
            &AttributePatch {
                sync_document: Some("ET1".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let view = VideoAttributes::from_json(&b);
        assert_eq!(view.video_room, Some(VideoRoomState::Created));
        assert_eq!(view.sync_document.as_deref(), Some("ET1"));
        assert!(view.has_video());
    }

    #[test]
    fn view_is_lenient() {
        let v = VideoAttributes::from_json(
            r#"{"videoRoom":"weird","syncDocument":5,"videoRoomSid":"RM1"}"#,
        );
        assert_eq!(v.video_room, None);
        assert_eq!(v.sync_document, None);
        assert_eq!(v.video_room_sid.as_deref(), Some("RM1"));
        assert!(v.has_video());
        assert_eq!(
            VideoAttributes::from_json("not json"),
            VideoAttributes::default()
        );
        assert!(!VideoAttributes::default().has_video());
    }

    #[test]
    fn states_round_trip() {
        for s in ["created", "connected", "disconnected", "error"] {
            assert_eq!(VideoRoomState::from_wire(s).map(|v| v.as_str()), Some(s));
        }
        assert_eq!(VideoRoomState::from_wire("Connected"), None);
    }
}
