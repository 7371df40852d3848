//! The browser's JSON-shaped values read by hand with `Reflect`: the functions' answers, the
//! task attributes' rating and end (the plugin), the session document and the brand (the
//! customer page). serde's derived visitors for these types (over a deserializer of JS values,
//! which this replaces) cost each module about 9 KB of code; reading each field here costs a
//! fraction of that, and formats nothing (no float formatting, no `serde::de::Unexpected`).
//!
//! Each reader takes what serde_json takes from the same JSON text (`tests/node/read.rs` holds
//! them to it): unknown keys are ignored, an optional field may be absent or `null`, and a field
//! of the wrong type is an error naming it.

use wasm_bindgen::JsValue;
#[cfg(feature = "sandbox")]
use {crate::api::IceServer, js_sys::Array, wasm_bindgen::JsCast};

use crate::api::{IceConfig, Provider, SuccessResponse};
use crate::rating::Rating;
#[cfg(feature = "plugin")]
use crate::{
    api::{AgentTokenResponse, GenerateCodeResponse},
    attributes::SessionEnd,
    session::EndReason,
};
#[cfg(feature = "customer")]
use crate::{
    api::{SyncTokenResponse, VideoTokenResponse},
    brand::Brand,
    session::{Agent, Session},
};

/// The field that is missing or not of its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadField(pub &'static str);

impl BadField {
    /// "missing or wrong field `token`".
    pub fn message(&self) -> String {
        ["missing or wrong field `", self.0, "`"].concat()
    }
}

impl From<BadField> for JsValue {
    fn from(e: BadField) -> JsValue {
        js_sys::Error::new(&e.message()).into()
    }
}

pub type Read<T> = Result<T, BadField>;

/// `obj[key]`, or `undefined` when `obj` is not an object or the read throws.
fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A value that is present: neither `undefined` nor `null`.
fn present(obj: &JsValue, key: &'static str) -> Option<JsValue> {
    let v = get(obj, key);
    (!v.is_undefined() && !v.is_null()).then_some(v)
}

fn string(obj: &JsValue, key: &'static str) -> Read<String> {
    get(obj, key).as_string().ok_or(BadField(key))
}

fn optional_string(obj: &JsValue, key: &'static str) -> Read<Option<String>> {
    present(obj, key)
        .map(|v| v.as_string().ok_or(BadField(key)))
        .transpose()
}

/// A `#[serde(default)]` boolean: absent is `false`.
fn flag(obj: &JsValue, key: &'static str) -> Read<bool> {
    match get(obj, key) {
        v if v.is_undefined() => Ok(false),
        v => v.as_bool().ok_or(BadField(key)),
    }
}

/// Integers above 2^53 cannot come from `JSON.parse` exactly; no count or instant here is one.
const MAX_EXACT: f64 = 9_007_199_254_740_991.0;

/// A whole number from 0 to `max` (JSON numbers are `f64` in the browser).
fn whole(v: &JsValue, max: f64, key: &'static str) -> Read<u64> {
    match v.as_f64() {
        Some(n) if n >= 0.0 && n <= max && n.fract() == 0.0 => Ok(n as u64),
        _ => Err(BadField(key)),
    }
}

#[cfg(feature = "sandbox")]
fn strings(v: &JsValue, key: &'static str) -> Read<Vec<String>> {
    let list: &Array = v.dyn_ref().ok_or(BadField(key))?;
    list.iter()
        .map(|s| s.as_string().ok_or(BadField(key)))
        .collect()
}

fn provider(obj: &JsValue) -> Read<Provider> {
    match get(obj, "provider").as_string().as_deref() {
        Some("sandbox") => Ok(Provider::Sandbox),
        Some("twilio") => Ok(Provider::Twilio),
        _ => Err(BadField("provider")),
    }
}

#[cfg(feature = "sandbox")]
fn ice_server(v: &JsValue) -> Read<IceServer> {
    if !v.is_object() {
        return Err(BadField("servers"));
    }
    Ok(IceServer {
        urls: strings(&get(v, "urls"), "urls")?,
        username: optional_string(v, "username")?,
        credential: optional_string(v, "credential")?,
    })
}

/// `ice`: absent is the default (no servers, any candidate).
#[cfg(feature = "sandbox")]
fn ice(obj: &JsValue) -> Read<IceConfig> {
    let Some(ice) = present(obj, "ice") else {
        return Ok(IceConfig::default());
    };
    if !ice.is_object() {
        return Err(BadField("ice"));
    }
    let servers = match present(&ice, "servers") {
        None => Vec::new(),
        Some(list) => {
            let list: &Array = list.dyn_ref().ok_or(BadField("servers"))?;
            list.iter().map(|s| ice_server(&s)).collect::<Read<_>>()?
        }
    };
    Ok(IceConfig {
        servers,
        loopback_only: flag(&ice, "loopback_only")?,
    })
}

/// Only the sandbox's mesh uses `ice`: the plugin released to Flex (twilio mode only, where the
/// SDK gets its ICE servers from Twilio) does not read it.
#[cfg(not(feature = "sandbox"))]
fn ice(_obj: &JsValue) -> Read<IceConfig> {
    Ok(IceConfig::default())
}

#[cfg(feature = "plugin")]
/// `agent-get-token`'s answer.
pub fn agent_token(v: &JsValue) -> Read<AgentTokenResponse> {
    Ok(AgentTokenResponse {
        token: string(v, "token")?,
        identity: string(v, "identity")?,
        room_sid: string(v, "room_sid")?,
        room_name: string(v, "room_name")?,
        provider: provider(v)?,
        signaling_url: optional_string(v, "signaling_url")?,
        ice: ice(v)?,
        customer_name: optional_string(v, "customer_name")?,
    })
}

#[cfg(feature = "plugin")]
/// `generate-unique-code`'s answer.
pub fn generate_code(v: &JsValue) -> Read<GenerateCodeResponse> {
    Ok(GenerateCodeResponse {
        unique_code: string(v, "unique_code")?,
        valid_until: string(v, "valid_until")?,
        full_url: string(v, "full_url")?,
        resent: flag(v, "resent")?,
    })
}

/// `{"success": true}` from `complete-room`, `update-video-state`, `submit-rating`.
pub fn success(v: &JsValue) -> Read<SuccessResponse> {
    Ok(SuccessResponse {
        success: get(v, "success").as_bool().ok_or(BadField("success"))?,
    })
}

/// A task's `videoRating`.
pub fn rating(v: &JsValue) -> Read<Rating> {
    Ok(Rating {
        rating: whole(&get(v, "rating"), 255.0, "rating")? as u8,
        comment: optional_string(v, "comment")?,
        submitted_at: optional_string(v, "submittedAt")?,
    })
}

#[cfg(feature = "plugin")]
/// A task's `videoEnded`.
pub fn session_end(v: &JsValue) -> Read<SessionEnd> {
    let reason = get(v, "reason").as_string();
    Ok(SessionEnd {
        reason: reason
            .as_deref()
            .and_then(EndReason::from_wire)
            .ok_or(BadField("reason"))?,
        call_secs: present(v, "callSecs")
            .map(|n| whole(&n, MAX_EXACT, "callSecs"))
            .transpose()?,
    })
}

#[cfg(feature = "customer")]
fn optional_whole(obj: &JsValue, key: &'static str) -> Read<Option<u64>> {
    present(obj, key)
        .map(|n| whole(&n, MAX_EXACT, key))
        .transpose()
}

/// `client-get-sync-token`'s answer.
#[cfg(feature = "customer")]
pub fn sync_token(v: &JsValue) -> Read<SyncTokenResponse> {
    Ok(SyncTokenResponse {
        token: string(v, "token")?,
        identity: string(v, "identity")?,
        document_sid: string(v, "document_sid")?,
        provider: provider(v)?,
        sync_url: optional_string(v, "sync_url")?,
    })
}

/// `client-get-video-token`'s answer.
#[cfg(feature = "customer")]
pub fn video_token(v: &JsValue) -> Read<VideoTokenResponse> {
    Ok(VideoTokenResponse {
        token: string(v, "token")?,
        identity: string(v, "identity")?,
        room_sid: string(v, "room_sid")?,
        provider: provider(v)?,
        signaling_url: optional_string(v, "signaling_url")?,
        ice: ice(v)?,
        feedback_ticket: string(v, "feedback_ticket")?,
        seat: whole(&get(v, "seat"), f64::from(u32::MAX), "seat")? as u32,
        agent_identity: string(v, "agent_identity")?,
        agent_name: string(v, "agent_name")?,
    })
}

/// `/brand.json`: every field optional.
#[cfg(feature = "customer")]
pub fn brand(v: &JsValue) -> Read<Brand> {
    if !v.is_object() {
        return Err(BadField("brand"));
    }
    Ok(Brand {
        name: optional_string(v, "name")?,
        logo_url: optional_string(v, "logo_url")?,
        accent_color: optional_string(v, "accent_color")?,
        accent_text_color: optional_string(v, "accent_text_color")?,
    })
}

#[cfg(feature = "customer")]
fn agent(v: &JsValue) -> Read<Agent> {
    if !v.is_object() {
        return Err(BadField("agent"));
    }
    Ok(Agent {
        name: string(v, "name")?,
        identity: string(v, "identity")?,
        worker: string(v, "worker")?,
        present: flag(v, "present")?,
    })
}

/// The session document's data.
#[cfg(feature = "customer")]
pub fn session(v: &JsValue) -> Read<Session> {
    let ended = present(v, "ended")
        .map(|e| {
            e.as_string()
                .as_deref()
                .and_then(crate::session::EndReason::from_wire)
                .ok_or(BadField("ended"))
        })
        .transpose()?;
    Ok(Session {
        task: string(v, "task")?,
        room: optional_string(v, "room")?,
        code_valid_until: whole(&get(v, "codeValidUntil"), MAX_EXACT, "codeValidUntil")?,
        customer_joined: flag(v, "customerJoined")?,
        agent: present(v, "agent").map(|a| agent(&a)).transpose()?,
        customer_name: optional_string(v, "customerName")?,
        call_started_at: optional_whole(v, "callStartedAt")?,
        ended,
        ended_at: optional_whole(v, "endedAt")?,
        rating: present(v, "rating").map(|r| rating(&r)).transpose()?,
        seats_given: match get(v, "seatsGiven") {
            n if n.is_undefined() => 0,
            n => whole(&n, f64::from(u32::MAX), "seatsGiven")? as u32,
        },
    })
}
