//! The customer's rating in the tab: shown with its comment as text, following the task's
//! attributes, and staying through a call and after it.

use crate::common::browser::*;
use crate::common::*;
use crate::{connected_tab, VIDEO_TASK};
use chat_to_video::room_state::{DisconnectReason, ServiceReason};
use chat_to_video::web::connector::ConnectionEvent;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

fn rated_task(task_sid: &str, rating: &str) -> JsValue {
    chat_task(
        task_sid,
        &format!(
            r#"{{"syncDocument":"ET0001","videoRoom":"disconnected","videoRating":{rating}}}"#
        ),
    )
}

#[wasm_bindgen_test]
fn the_customer_rating_is_shown_with_its_comment_as_text() {
    let flex = FlexDouble::new();
    let p = make_plugin(&flex, "{}");
    let el = container();
    let hostile = r#"<img src=x onerror=\"window.__c2vPwned=1\"> & <b>thanks</b>"#;
    let tab = p.mount_tab(
        el.clone(),
        rated_task(
            "WT0400",
            &format!(
                r#"{{"rating":4,"comment":"{hostile}","submittedAt":"2026-01-01T00:00:00Z"}}"#
            ),
        ),
        JsValue::UNDEFINED,
    );
    let rating = find(&el, ".c2v-rating");
    assert!(is_shown(&rating));
    assert_eq!(
        find(&el, ".c2v-rating-score").text_content().as_deref(),
        Some("Customer rating: 4/5")
    );
    let comment = find(&el, ".c2v-rating-comment");
    assert!(is_shown(&comment));
    assert_eq!(
        comment.text_content().as_deref(),
        Some(r#"<img src=x onerror="window.__c2vPwned=1"> & <b>thanks</b>"#)
    );
    assert_eq!(comment.child_element_count(), 0, "no markup was parsed");
    assert!(el.query_selector("img").unwrap().is_none());
    assert!(el.query_selector("b").unwrap().is_none());
    // The call controls are unaffected: Join is offered as usual.
    assert!(is_shown(&button_in(&el, "button.c2v-join")));
    drop(tab);
    assert_eq!(el.child_element_count(), 0);
}

#[wasm_bindgen_test]
fn the_rating_appears_changes_and_goes_with_the_task_attributes() {
    let flex = FlexDouble::new();
    let p = make_plugin(
        &flex,
        r#"{"PSChatToVideoCustomerRating":"Note : {{rating}} sur 5"}"#,
    );
    let el = container();
    let tab = p.mount_tab(
        el.clone(),
        chat_task("WT0410", VIDEO_TASK),
        JsValue::UNDEFINED,
    );
    let rating = find(&el, ".c2v-rating");
    let score = find(&el, ".c2v-rating-score");
    let comment = find(&el, ".c2v-rating-comment");
    assert!(!is_shown(&rating), "no rating yet");

    // The customer rates: Flex hands the shell the new task.
    tab.update(rated_task("WT0410", r#"{"rating":5}"#), None);
    assert!(is_shown(&rating));
    assert_eq!(score.text_content().as_deref(), Some("Note : 5 sur 5"));
    assert!(!is_shown(&comment), "no comment, no empty line");

    // TaskRouter-style attributes (a JSON string) with a comment.
    let task = chat_task("WT0410", "{}");
    js_sys::Reflect::set(
        &task,
        &"attributes".into(),
        &r#"{"syncDocument":"ET0001","videoRating":{"rating":2,"comment":"  Line one\nline two  "}}"#.into(),
    )
    .unwrap();
    tab.update(task, None);
    assert_eq!(score.text_content().as_deref(), Some("Note : 2 sur 5"));
    assert_eq!(
        comment.text_content().as_deref(),
        Some("Line one\nline two")
    );
    assert!(is_shown(&comment));

    // Values outside 1 to 5, or of the wrong shape, show nothing.
    for bad in [
        r#"{"rating":9,"comment":"x"}"#,
        r#"{"rating":0}"#,
        r#""5""#,
        r#"{"comment":"x"}"#,
        "null",
    ] {
        tab.update(rated_task("WT0410", bad), None);
        assert!(!is_shown(&rating), "{bad}");
        assert_eq!(score.text_content().as_deref(), Some(""), "{bad}");
        assert_eq!(comment.text_content().as_deref(), Some(""), "{bad}");
    }
    tab.update(chat_task("WT0410", VIDEO_TASK), None);
    assert!(!is_shown(&rating), "gone with the attribute");
}

#[wasm_bindgen_test]
async fn the_rating_stays_through_a_call_and_after_it() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let (p, media) = scripted_plugin(&flex);
    let el = container();
    let tab = connected_tab(&p, &media, &fetch, &el, "WT0420").await;
    let rating = find(&el, ".c2v-rating");
    assert!(!is_shown(&rating));
    tab.update(rated_task("WT0420", r#"{"rating":3,"comment":"ok"}"#), None);
    assert!(is_shown(&rating));
    let root = find(&el, ".c2v-tab");
    assert_eq!(
        root.get_attribute("data-phase").as_deref(),
        Some("connected"),
        "an update does not disturb the call"
    );
    assert_eq!(
        guard(&p, "CompleteTask", "WT0420").as_deref(),
        Some("ChatToVideoWrapupBlocked")
    );

    media.emit(
        0,
        ConnectionEvent::Disconnected(DisconnectReason::Remote(ServiceReason::RoomCompleted)),
    );
    assert!(until(|| root.get_attribute("data-phase").as_deref() == Some("disconnected")).await);
    assert!(is_shown(&rating), "still shown after the call");
    assert_eq!(
        find(&el, ".c2v-rating-score").text_content().as_deref(),
        Some("Customer rating: 3/5")
    );
    assert_eq!(
        find(&el, ".c2v-rating-comment").text_content().as_deref(),
        Some("ok")
    );
    assert!(until(|| fetch.count() == 3).await);
    fetch.respond(2, 200, r#"{"success":true}"#);
}
