//! Client messages as JSON text without a serde serializer in the WebAssembly: each message
//! is built as a plain object and given to `JSON.stringify`. The shapes are those serde
//! gives the same types (`src/protocol.rs`); a wasm-bindgen test reads every one back with
//! serde_json.

use crate::api::IceServer;
use crate::protocol::{ClientMessage, LiveClientMessage};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::JsValue;

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
