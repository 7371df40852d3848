//! The sandbox sockets' messages in the browser without serde's generic (de)serializers in the
//! WebAssembly: outgoing messages are built as plain objects for `JSON.stringify`, incoming
//! ones read from `JSON.parse`'s result field by field. The shapes are exactly those serde
//! gives the same types (`src/protocol.rs`), which the server uses; wasm-bindgen tests check
//! every message both ways against serde_json.

use crate::api::IceServer;
use crate::protocol::{
    Candidate, ClientMessage, DisconnectReason, Participant, ServerMessage, TrackChange, TrackKind,
    TrackName, TrackState,
};
// The live document's socket is the customer page's.
#[cfg(feature = "customer")]
use crate::{
    protocol::{LiveClientMessage, LiveError, LiveServerMessage},
    session::Session,
};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        if !v.is_undefined() {
            let _ = Reflect::set(&o, &JsValue::from_str(k), v);
        }
    }
    o.into()
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn optional(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

fn stringify(value: &JsValue) -> Option<String> {
    JSON::stringify(value).ok()?.as_string()
}

/// `{"offer": {"to": …, "sdp": …}}`, `"leave"`, ….
pub fn client(message: &ClientMessage) -> Option<String> {
    let (tag, body) = match message {
        ClientMessage::Join { token } => ("join", object(&[("token", text(token))])),
        ClientMessage::Offer { to, sdp } => {
            ("offer", object(&[("to", text(to)), ("sdp", text(sdp))]))
        }
        ClientMessage::Answer { to, sdp } => {
            ("answer", object(&[("to", text(to)), ("sdp", text(sdp))]))
        }
        ClientMessage::Candidate { to, candidate } => {
            let c = object(&[
                ("candidate", text(&candidate.candidate)),
                ("sdpMid", optional(candidate.sdp_mid.as_deref())),
                (
                    "sdpMLineIndex",
                    candidate
                        .sdp_m_line_index
                        .map_or(JsValue::UNDEFINED, JsValue::from),
                ),
            ]);
            ("candidate", object(&[("to", text(to)), ("candidate", c)]))
        }
        ClientMessage::Track {
            change,
            kind,
            name,
            stream,
        } => (
            "track",
            object(&[
                ("change", text(change.as_str())),
                ("kind", text(kind.as_str())),
                ("name", text(name.as_str())),
                ("stream", optional(stream.as_deref())),
            ]),
        ),
        ClientMessage::Leave => return stringify(&text("leave")),
    };
    stringify(&object(&[(tag, body)]))
}

/// `{"subscribe": {"token": …}}`.
#[cfg(feature = "customer")]
pub fn live(message: &LiveClientMessage) -> Option<String> {
    let LiveClientMessage::Subscribe { token } = message;
    stringify(&object(&[("subscribe", object(&[("token", text(token))]))]))
}

/// `RTCConfiguration.iceServers`.
pub fn ice_servers(servers: &[IceServer]) -> Array {
    servers
        .iter()
        .map(|s| {
            let urls: Array = s.urls.iter().map(|u| text(u)).collect();
            object(&[
                ("urls", urls.into()),
                ("username", optional(s.username.as_deref())),
                ("credential", optional(s.credential.as_deref())),
            ])
        })
        .collect()
}

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(value: &JsValue, key: &str) -> Option<String> {
    field(value, key).as_string()
}

/// Absent or `null` is `None`; anything but a string is malformed.
fn optional_string(value: &JsValue, key: &str) -> Option<Option<String>> {
    let v = field(value, key);
    if v.is_undefined() || v.is_null() {
        Some(None)
    } else {
        v.as_string().map(Some)
    }
}

fn number(value: &JsValue, key: &str) -> Option<f64> {
    field(value, key)
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
}

fn candidate(value: &JsValue) -> Option<Candidate> {
    let index = field(value, "sdpMLineIndex");
    Some(Candidate {
        candidate: string(value, "candidate")?,
        sdp_mid: optional_string(value, "sdpMid")?,
        sdp_m_line_index: if index.is_undefined() || index.is_null() {
            None
        } else {
            Some(u16::try_from(index.as_f64()? as u64).ok()?)
        },
    })
}

fn track_state(value: &JsValue) -> Option<TrackState> {
    Some(TrackState {
        kind: TrackKind::from_wire(&string(value, "kind")?)?,
        name: TrackName::from_wire(&string(value, "name")?)?,
        enabled: field(value, "enabled").as_bool()?,
        stream: optional_string(value, "stream")?,
    })
}

fn participant(value: &JsValue) -> Option<Participant> {
    let tracks = field(value, "tracks");
    let tracks = if tracks.is_undefined() {
        Vec::new()
    } else {
        let tracks: Array = tracks.dyn_into().ok()?;
        tracks
            .iter()
            .map(|t| track_state(&t))
            .collect::<Option<_>>()?
    };
    Some(Participant {
        sid: string(value, "sid")?,
        identity: string(value, "identity")?,
        tracks,
    })
}

/// `(tag, body)` of an externally tagged message: `{"tag": body}` or `"tag"`.
fn tagged(text: &str) -> Option<(String, JsValue)> {
    let value = JSON::parse(text).ok()?;
    if let Some(tag) = value.as_string() {
        return Some((tag, JsValue::UNDEFINED));
    }
    let keys = Object::keys(value.dyn_ref::<Object>()?);
    if keys.length() != 1 {
        return None;
    }
    let tag = keys.get(0).as_string()?;
    let body = field(&value, &tag);
    Some((tag, body))
}

/// A signaling message from the server; `None` when it is not one.
pub fn server(text: &str) -> Option<ServerMessage> {
    let (tag, b) = tagged(text)?;
    let from = || string(&b, "from");
    Some(match tag.as_str() {
        "joined" => {
            let list: Array = field(&b, "participants").dyn_into().ok()?;
            ServerMessage::Joined {
                participant_sid: string(&b, "participant_sid")?,
                identity: string(&b, "identity")?,
                room_sid: string(&b, "room_sid")?,
                room_name: string(&b, "room_name")?,
                participants: list
                    .iter()
                    .map(|p| participant(&p))
                    .collect::<Option<_>>()?,
            }
        }
        "participant_joined" => ServerMessage::ParticipantJoined {
            participant: participant(&field(&b, "participant"))?,
        },
        "participant_left" => ServerMessage::ParticipantLeft {
            sid: string(&b, "sid")?,
        },
        "offer" => ServerMessage::Offer {
            from: from()?,
            sdp: string(&b, "sdp")?,
        },
        "answer" => ServerMessage::Answer {
            from: from()?,
            sdp: string(&b, "sdp")?,
        },
        "candidate" => ServerMessage::Candidate {
            from: from()?,
            candidate: candidate(&field(&b, "candidate"))?,
        },
        "track" => ServerMessage::Track {
            from: from()?,
            change: TrackChange::from_wire(&string(&b, "change")?)?,
            kind: TrackKind::from_wire(&string(&b, "kind")?)?,
            name: TrackName::from_wire(&string(&b, "name")?)?,
            stream: optional_string(&b, "stream")?,
        },
        "error" => ServerMessage::Error {
            message: string(&b, "message")?,
        },
        "disconnected" => ServerMessage::Disconnected {
            reason: DisconnectReason::from_wire(&string(&b, "reason")?)?,
            code: u32::try_from(number(&b, "code")? as u64).ok()?,
            message: string(&b, "message")?,
        },
        _ => return None,
    })
}

/// A live-document message about the session document; `None` when it is not one.
#[cfg(feature = "customer")]
pub fn live_server(text: &str) -> Option<LiveServerMessage<Session>> {
    let (tag, b) = tagged(text)?;
    Some(match tag.as_str() {
        "document" => LiveServerMessage::Document {
            revision: number(&b, "revision")? as u64,
            data: crate::web::read::session(&field(&b, "data")).ok()?,
        },
        "removed" => LiveServerMessage::Removed,
        "completed" => LiveServerMessage::Completed,
        "error" => LiveServerMessage::Error {
            reason: LiveError::from_wire(&string(&b, "reason")?)?,
            message: string(&b, "message")?,
        },
        _ => return None,
    })
}
