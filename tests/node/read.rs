//! `web::read`: the plugin's JSON answers and task attributes read by hand take what serde_json
//! takes from the same JSON text (the host writes them with serde_json), and say which field is
//! wrong otherwise.

use chat_to_video::api::{
    AgentTokenResponse, GenerateCodeResponse, Provider, SuccessResponse, SyncTokenResponse,
    VideoTokenResponse,
};
use chat_to_video::attributes::SessionEnd;
use chat_to_video::brand::Brand;
use chat_to_video::rating::Rating;
use chat_to_video::session::{EndReason, Session};
use chat_to_video::web::read::{self, BadField, Read};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

/// Read by hand from the parsed value, it is what serde_json reads from the text.
fn same_as_serde_json<T>(read: fn(&JsValue) -> Read<T>, json: &str) -> T
where
    T: DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let ours = read(&js(json)).unwrap_or_else(|e| panic!("{json}: {}", e.message()));
    let theirs: T = serde_json::from_str(json).expect("serde_json reads it");
    assert_eq!(ours, theirs, "{json}");
    ours
}

/// Refused by hand and by serde_json alike; the field the reader names.
fn refused<T>(read: fn(&JsValue) -> Read<T>, json: &str) -> &'static str
where
    T: DeserializeOwned + std::fmt::Debug,
{
    assert!(
        serde_json::from_str::<T>(json).is_err(),
        "serde_json refuses {json}"
    );
    match read(&js(json)) {
        Err(BadField(field)) => field,
        Ok(v) => panic!("{json} was read as {v:?}"),
    }
}

#[wasm_bindgen_test]
fn reads_the_agent_token_as_serde_json_does() {
    let full = same_as_serde_json::<AgentTokenResponse>(
        read::agent_token,
        r#"{"token":"t","identity":"ann","room_sid":"RM1","room_name":"WT1","provider":"sandbox",
            "signaling_url":"ws://x","customer_name":"Ada <b>","extra":1,
            "ice":{"servers":[{"urls":["stun:a","turn:b"],"username":"u","credential":"c"},{"urls":[]}],"loopback_only":true}}"#,
    );
    assert_eq!(full.provider, Provider::Sandbox);
    assert_eq!(full.ice.servers[0].urls, ["stun:a", "turn:b"]);
    assert_eq!(full.customer_name.as_deref(), Some("Ada <b>"));
    let twilio = same_as_serde_json::<AgentTokenResponse>(
        read::agent_token,
        r#"{"token":"t","identity":"ann","room_sid":"RM1","room_name":"WT1","provider":"twilio","signaling_url":null}"#,
    );
    assert_eq!(
        (twilio.provider, twilio.signaling_url),
        (Provider::Twilio, None)
    );
    assert!(twilio.ice.servers.is_empty() && !twilio.ice.loopback_only);
    same_as_serde_json::<AgentTokenResponse>(
        read::agent_token,
        r#"{"token":"t","identity":"a","room_sid":"RM1","room_name":"r","provider":"twilio","ice":{}}"#,
    );
}

#[wasm_bindgen_test]
fn a_wrong_agent_token_names_its_field() {
    let base = r#""token":"t","identity":"a","room_sid":"RM1","room_name":"r""#;
    let cases = [
        (r#"{"token":"t"}"#.to_string(), "identity"),
        (format!(r#"{{{base},"provider":"zoom"}}"#), "provider"),
        (format!(r#"{{{base}}}"#), "provider"),
        (
            format!(r#"{{{base},"provider":"twilio","signaling_url":5}}"#),
            "signaling_url",
        ),
        (
            format!(r#"{{{base},"provider":"twilio","ice":{{"servers":[{{"urls":"stun:a"}}]}}}}"#),
            "urls",
        ),
        (
            format!(r#"{{{base},"provider":"twilio","ice":{{"servers":[3]}}}}"#),
            "servers",
        ),
        (
            format!(r#"{{{base},"provider":"twilio","ice":{{"loopback_only":"yes"}}}}"#),
            "loopback_only",
        ),
        (format!(r#"{{{base},"provider":"twilio","ice":7}}"#), "ice"),
    ];
    for (json, field) in cases {
        assert_eq!(
            refused::<AgentTokenResponse>(read::agent_token, &json),
            field,
            "{json}"
        );
    }
    let err = read::agent_token(&JsValue::UNDEFINED).unwrap_err();
    assert_eq!(err.message(), "missing or wrong field `token`");
}

#[wasm_bindgen_test]
fn reads_the_code_and_success_answers() {
    let code = same_as_serde_json::<GenerateCodeResponse>(
        read::generate_code,
        r#"{"unique_code":"AbC1234","valid_until":"2026-01-01T00:00:00Z","full_url":"https://x/?code=AbC1234"}"#,
    );
    assert!(!code.resent);
    let again = same_as_serde_json::<GenerateCodeResponse>(
        read::generate_code,
        r#"{"unique_code":"A","valid_until":"v","full_url":"u","resent":true}"#,
    );
    assert!(again.resent);
    assert_eq!(
        refused::<GenerateCodeResponse>(
            read::generate_code,
            r#"{"unique_code":"A","valid_until":"v"}"#
        ),
        "full_url"
    );
    assert!(same_as_serde_json::<SuccessResponse>(read::success, r#"{"success":true}"#).success);
    assert!(!same_as_serde_json::<SuccessResponse>(read::success, r#"{"success":false}"#).success);
    assert_eq!(refused::<SuccessResponse>(read::success, "{}"), "success");
    assert_eq!(
        refused::<SuccessResponse>(read::success, r#"{"success":"yes"}"#),
        "success"
    );
}

#[wasm_bindgen_test]
fn reads_a_tasks_rating_and_end() {
    let rating = same_as_serde_json::<Rating>(
        read::rating,
        r#"{"rating":4,"comment":"ok","submittedAt":"2026-01-01T00:00:00Z"}"#,
    );
    assert_eq!((rating.rating, rating.comment.as_deref()), (4, Some("ok")));
    same_as_serde_json::<Rating>(read::rating, r#"{"rating":5,"comment":null}"#);
    for bad in [
        r#"{"rating":2.5}"#,
        r#"{"rating":-1}"#,
        r#"{"rating":256}"#,
        r#"{"rating":"5"}"#,
        "{}",
    ] {
        assert_eq!(refused::<Rating>(read::rating, bad), "rating", "{bad}");
    }
    assert_eq!(
        refused::<Rating>(read::rating, r#"{"rating":3,"comment":7}"#),
        "comment"
    );

    for reason in EndReason::ALL {
        let json = ["{\"reason\":\"", reason.as_str(), "\"}"].concat();
        let end = same_as_serde_json::<SessionEnd>(read::session_end, &json);
        assert_eq!((end.reason, end.call_secs), (reason, None));
    }
    let end = same_as_serde_json::<SessionEnd>(
        read::session_end,
        r#"{"reason":"ended_by_agent","callSecs":42}"#,
    );
    assert_eq!(end.call_secs, Some(42));
    assert_eq!(
        refused::<SessionEnd>(read::session_end, r#"{"reason":"bored"}"#),
        "reason"
    );
    assert_eq!(
        refused::<SessionEnd>(
            read::session_end,
            r#"{"reason":"ended_by_agent","callSecs":1.5}"#
        ),
        "callSecs"
    );
}

#[wasm_bindgen_test]
fn reads_the_customer_pages_answers() {
    let video = same_as_serde_json::<VideoTokenResponse>(
        read::video_token,
        r#"{"token":"t","identity":"c","room_sid":"RM1","provider":"twilio","feedback_ticket":"f","seat":1,"agent_identity":"ann","agent_name":"Ann"}"#,
    );
    assert_eq!((video.seat, video.signaling_url), (1, None));
    same_as_serde_json::<VideoTokenResponse>(
        read::video_token,
        r#"{"token":"t","identity":"c","room_sid":"RM1","provider":"sandbox","signaling_url":"ws://s",
            "ice":{"servers":[{"urls":["stun:a"]}]},"feedback_ticket":"f","seat":4294967295,"agent_identity":"a","agent_name":"A"}"#,
    );
    let base = r#""token":"t","identity":"c","room_sid":"RM1","provider":"twilio","feedback_ticket":"f","agent_identity":"a","agent_name":"A""#;
    for (seat, json) in [
        ("-1", "-1"),
        ("1.5", "1.5"),
        ("2^32", "4294967296"),
        ("absent", ""),
    ] {
        let json = if json.is_empty() {
            format!("{{{base}}}")
        } else {
            format!(r#"{{{base},"seat":{json}}}"#)
        };
        assert_eq!(
            refused::<VideoTokenResponse>(read::video_token, &json),
            "seat",
            "{seat}"
        );
    }

    let sync = same_as_serde_json::<SyncTokenResponse>(
        read::sync_token,
        r#"{"token":"t","identity":"c","document_sid":"ET1","provider":"sandbox","sync_url":"ws://x"}"#,
    );
    assert_eq!(sync.sync_url.as_deref(), Some("ws://x"));
    assert_eq!(
        refused::<SyncTokenResponse>(
            read::sync_token,
            r#"{"token":"t","identity":"c","provider":"sandbox"}"#
        ),
        "document_sid"
    );

    same_as_serde_json::<Brand>(read::brand, "{}");
    let brand = same_as_serde_json::<Brand>(
        read::brand,
        r##"{"name":"Owl","logo_url":"https://x/l.png","accent_color":"#aa0000","accent_text_color":"#ffffff"}"##,
    );
    assert_eq!(brand.name.as_deref(), Some("Owl"));
    assert_eq!(refused::<Brand>(read::brand, r#"{"name":3}"#), "name");
    assert_eq!(refused::<Brand>(read::brand, "3"), "brand");
}

#[wasm_bindgen_test]
fn reads_the_session_document_as_serde_json_does() {
    let session = same_as_serde_json::<Session>(
        read::session,
        r#"{"task":"WT1","room":null,"codeValidUntil":1767225600000,"customerJoined":true,
            "agent":{"name":"Ann","identity":"ann","worker":"WK1","present":true},"customerName":"Ada",
            "callStartedAt":1767225500000,"ended":"expired","endedAt":1767225601000,
            "rating":{"rating":4,"comment":"ok","submittedAt":"2026-01-01T00:00:00Z"},"seatsGiven":2}"#,
    );
    assert_eq!(session.seats_given, 2);
    assert_eq!(session.code_valid_until, 1_767_225_600_000);
    assert_eq!(session.ended, Some(EndReason::Expired));
    let minimal =
        same_as_serde_json::<Session>(read::session, r#"{"task":"WT1","codeValidUntil":5}"#);
    assert_eq!((minimal.agent, minimal.seats_given), (None, 0));
    same_as_serde_json::<Session>(
        read::session,
        r#"{"task":"WT1","codeValidUntil":5,"agent":{"name":"A","identity":"a","worker":"WK1"},"rating":null,"ended":null}"#,
    );
    let wrong = [
        (r#"{"task":"WT1"}"#, "codeValidUntil"),
        (r#"{"task":"WT1","codeValidUntil":1.5}"#, "codeValidUntil"),
        (
            r#"{"task":"WT1","codeValidUntil":1,"seatsGiven":-1}"#,
            "seatsGiven",
        ),
        (
            r#"{"task":"WT1","codeValidUntil":1,"ended":"bored"}"#,
            "ended",
        ),
        (
            r#"{"task":"WT1","codeValidUntil":1,"agent":{"name":"A"}}"#,
            "identity",
        ),
        (
            r#"{"task":"WT1","codeValidUntil":1,"agent":"Ann"}"#,
            "agent",
        ),
        (
            r#"{"task":"WT1","codeValidUntil":1,"rating":{"rating":9.5}}"#,
            "rating",
        ),
        (
            r#"{"task":"WT1","codeValidUntil":1,"callStartedAt":"now"}"#,
            "callStartedAt",
        ),
        ("[1,2]", "task"),
    ];
    for (json, field) in wrong {
        assert_eq!(refused::<Session>(read::session, json), field, "{json}");
    }
    assert_eq!(read::session(&JsValue::UNDEFINED), Err(BadField("task")));
}
