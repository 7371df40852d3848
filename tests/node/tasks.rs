//! Tasks as Flex hands them over: when the button and the tab show, and the task facts read from
//! real JS objects.

use crate::common::*;
use crate::plugin;
use chat_to_video::attributes::VideoRoomState;
use chat_to_video::web::flex::{payload_sids, task_facts};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn show_button_and_tab_follow_the_task() {
    let flex = FlexDouble::new();
    let p = plugin(&flex, ENABLED, "{}").unwrap();
    let task = |status: &str, channel: &str, attrs: &str| {
        json(&format!(
            r#"{{"taskSid":"WT1","sid":"WR1","taskStatus":"{status}","taskChannelUniqueName":"{channel}","attributes":{attrs}}}"#
        ))
    };
    assert!(p.show_button(task("assigned", "chat", "{}")));
    assert!(p.show_button(task("assigned", "whatsapp", "{}")));
    assert!(!p.show_button(task("wrapping", "chat", "{}")));
    assert!(!p.show_button(task("assigned", "voice", "{}")));
    assert!(!p.show_button(JsValue::UNDEFINED));
    assert!(!p.show_button(JsValue::from_str("WT1")));
    // Without taskStatus, the reservation status `accepted` means assigned.
    assert!(p.show_button(json(
        r#"{"taskSid":"WT1","status":"accepted","taskChannelUniqueName":"chat"}"#
    )));

    assert!(!p.show_tab(task("assigned", "chat", "{}")));
    assert!(p.show_tab(task("assigned", "chat", r#"{"syncDocument":"ET1"}"#)));
    assert!(p.show_tab(task("assigned", "chat", r#"{"videoRoom":"created"}"#)));
    // Wrapping: the tab stays, as the call's summary.
    assert!(p.show_tab(task("wrapping", "chat", r#"{"syncDocument":"ET1"}"#)));
    assert!(!p.show_tab(task("wrapping", "chat", "{}")));
    assert!(!p.show_tab(task("completed", "chat", r#"{"syncDocument":"ET1"}"#)));
    // Attributes as TaskRouter's JSON string.
    assert!(p.show_tab(task("assigned", "chat", r#""{\"videoRoomSid\":\"RM1\"}""#)));
    // Wrongly typed values read as absent.
    assert!(!p.show_tab(task(
        "assigned",
        "chat",
        r#"{"syncDocument":7,"videoRoom":"bogus"}"#
    )));

    let disabled = plugin(&flex, "{}", "{}").unwrap();
    assert!(!disabled.show_button(task("assigned", "chat", "{}")));
    assert!(!disabled.show_tab(task("assigned", "chat", r#"{"syncDocument":"ET1"}"#)));
}

#[wasm_bindgen_test]
fn task_attributes_are_read_from_js_objects() {
    let facts = task_facts(&json(
        r#"{"taskSid":"WT9","sid":"WR9","taskStatus":"assigned","taskChannelUniqueName":"chat",
            "attributes":{"conversationSid":"CH1","syncDocument":"ET1","videoRoom":"connected",
              "videoRoomSid":"RM1","videoRating":{"rating":4,"comment":"good"},
              "nested":{"deep":[1,2]}}}"#,
    ));
    assert_eq!(facts.task_sid.as_deref(), Some("WT9"));
    assert_eq!(facts.reservation_sid.as_deref(), Some("WR9"));
    assert_eq!(facts.conversation_sid.as_deref(), Some("CH1"));
    assert_eq!(facts.video.sync_document.as_deref(), Some("ET1"));
    assert_eq!(facts.video.video_room, Some(VideoRoomState::Connected));
    assert_eq!(facts.video.video_room_sid.as_deref(), Some("RM1"));
    let rating = facts.video.rating.expect("rating");
    assert_eq!(
        (rating.rating, rating.comment.as_deref()),
        (4, Some("good"))
    );

    let bad = task_facts(&json(r#"{"attributes":{"videoRating":{"rating":"five"}}}"#));
    assert_eq!(bad.video.rating, None);
    assert_eq!(bad.task_sid, None);
    assert_eq!(task_facts(&JsValue::NULL), Default::default());
    assert_eq!(
        payload_sids(&json(r#"{"sid":"WR2","task":{"taskSid":"WT2"}}"#)),
        ["WT2", "WR2"]
    );
}
