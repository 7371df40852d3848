//! `web::from_js`: JavaScript values into the pure modules' types, as `serde_json` reads the same
//! JSON text (the host writes these with serde_json), and errors that name the field.

use chat_to_video::api::{AgentTokenResponse, Provider, VideoTokenResponse};
use chat_to_video::attributes::SessionEnd;
use chat_to_video::rating::Rating;
use chat_to_video::session::Session;
use chat_to_video::web::from_js::from_value;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

/// Read through a JavaScript value, it is what serde_json reads from the text.
fn same_as_serde_json<T: DeserializeOwned + PartialEq + std::fmt::Debug>(json: &str) -> T {
    let ours: T = from_value(js(json)).unwrap_or_else(|e| panic!("{json}: {e}"));
    let theirs: T = serde_json::from_str(json).expect("serde_json reads it");
    assert_eq!(ours, theirs, "{json}");
    ours
}

#[wasm_bindgen_test]
fn reads_what_serde_json_reads() {
    let session: Session = same_as_serde_json(
        r#"{"task":"WT1","room":null,"codeValidUntil":1767225600000,"customerJoined":true,
            "agent":{"name":"Ann","identity":"ann","worker":"WK1","present":true},
            "ended":"expired","endedAt":1767225601000,
            "rating":{"rating":4,"comment":"ok","submittedAt":"2026-01-01T00:00:00Z"},"seatsGiven":2}"#,
    );
    assert_eq!(session.seats_given, 2);
    assert_eq!(session.code_valid_until, 1_767_225_600_000);
    let minimal: Session = same_as_serde_json(r#"{"task":"WT1","codeValidUntil":5}"#);
    assert_eq!(minimal.agent, None);

    let agent: AgentTokenResponse = same_as_serde_json(
        r#"{"token":"t","identity":"ann","room_sid":"RM1","room_name":"WT1","provider":"sandbox",
            "signaling_url":"ws://x","ice":{"servers":[{"urls":["stun:a","turn:b"],"username":"u"}],"loopback_only":true}}"#,
    );
    assert_eq!(agent.provider, Provider::Sandbox);
    assert_eq!(agent.ice.servers[0].urls, ["stun:a", "turn:b"]);
    let _: VideoTokenResponse = same_as_serde_json(
        r#"{"token":"t","identity":"c","room_sid":"RM1","provider":"twilio","feedback_ticket":"f","seat":1,"agent_identity":"ann","agent_name":"Ann"}"#,
    );
    let _: Rating = same_as_serde_json(r#"{"rating":5}"#);
    let _: SessionEnd = same_as_serde_json(r#"{"reason":"ended_by_agent","callSecs":42}"#);
}

#[wasm_bindgen_test]
fn a_value_of_the_wrong_shape_says_what_is_wrong() {
    let missing = from_value::<VideoTokenResponse>(js(r#"{"token":"t"}"#)).unwrap_err();
    assert_eq!(missing.message(), "missing field `identity`");
    let unknown = from_value::<Rating>(js(r#"{"rating":2.5}"#)).unwrap_err();
    assert_eq!(unknown.message(), "a value has the wrong type");
    let range = from_value::<Session>(js(r#"{"task":"WT1","codeValidUntil":1,"seatsGiven":-1}"#));
    assert!(range.is_err(), "{range:?}");
    let variant = from_value::<AgentTokenResponse>(js(
        r#"{"token":"t","identity":"a","room_sid":"RM1","room_name":"r","provider":"zoom"}"#,
    ))
    .unwrap_err();
    assert_eq!(variant.message(), "unknown value `zoom`");
    assert!(from_value::<Session>(JsValue::UNDEFINED).is_err());
    assert!(from_value::<Session>(js("[1,2]")).is_err());
}
