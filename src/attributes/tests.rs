//! The attribute merge keeps every foreign value verbatim, appends our keys in order, escapes
//! our values and refuses what is not an object; the typed view is lenient; the customer's name
//! comes from whatever the channel wrote; the session end is written and cleared; the states
//! round-trip.

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
fn the_customers_name_from_whatever_the_channel_wrote() {
    assert_eq!(
        customer_name(r#"{"customerName":"Bob","from":"bob@x"}"#).as_deref(),
        Some("Bob")
    );
    assert_eq!(
        customer_name(r#"{"customerName":"  ","name":"Bobby","from":"x"}"#).as_deref(),
        Some("Bobby")
    );
    assert_eq!(
        customer_name(r#"{"from":"+15550100"}"#).as_deref(),
        Some("+15550100")
    );
    assert_eq!(customer_name(r#"{"from":7,"channelType":"web"}"#), None);
    assert_eq!(customer_name("not json"), None);
    assert_eq!(
        display_name(" <b>Bob</b>\n\u{7}").as_deref(),
        Some("<b>Bob</b>")
    );
    assert_eq!(
        display_name(&"é".repeat(200)).map(|n| n.chars().count()),
        Some(MAX_NAME_CHARS)
    );
    assert_eq!(display_name("\t \n"), None);
}

#[test]
fn the_session_end_is_written_and_cleared() {
    let ended = AttributePatch {
        ended: Some(SessionEnd {
            reason: EndReason::WrappedUp,
            call_secs: Some(252),
        }),
        ..Default::default()
    };
    let after = merge(r#"{"a":1}"#, &ended).unwrap();
    assert_eq!(
        after,
        r#"{"a":1,"videoEnded":{"reason":"wrapped_up","callSecs":252}}"#
    );
    let view = VideoAttributes::from_json(&after);
    assert_eq!(view.ended.map(|e| e.reason), Some(EndReason::WrappedUp));
    let cleared = AttributePatch {
        clear_ended: true,
        sync_document: Some("ET2".into()),
        ..Default::default()
    };
    let again = merge(&after, &cleared).unwrap();
    assert_eq!(again, r#"{"a":1,"videoEnded":null,"syncDocument":"ET2"}"#);
    assert_eq!(VideoAttributes::from_json(&again).ended, None);
    let never_joined = AttributePatch {
        ended: Some(SessionEnd {
            reason: EndReason::Expired,
            call_secs: None,
        }),
        ..Default::default()
    };
    assert_eq!(
        merge("{}", &never_joined).unwrap(),
        r#"{"videoEnded":{"reason":"expired"}}"#
    );
}

#[test]
fn states_round_trip() {
    for s in ["created", "connected", "disconnected", "error"] {
        assert_eq!(VideoRoomState::from_wire(s).map(|v| v.as_str()), Some(s));
    }
    assert_eq!(VideoRoomState::from_wire("Connected"), None);
}
