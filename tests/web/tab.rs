//! The Video Room tab joining a call: the token request, connecting and the `connected` write, the
//! wrap-up guard, one room per agent, a build without media, and a refused token.

use crate::common::browser::*;
use crate::common::*;
use crate::{TOKEN_OK, VIDEO_TASK};
use chat_to_video::room_state::{DisconnectReason, ServiceReason};
use chat_to_video::web::connector::ConnectionEvent;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn tab_joins_connects_and_guards_wrapup() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let (p, media) = scripted_plugin(&flex);
    let el = container();
    let tab = p.mount_tab(
        el.clone(),
        chat_task("WT0010", VIDEO_TASK),
        JsValue::UNDEFINED,
    );
    let join = button_in(&el, "button.c2v-join");
    let leave = button_in(&el, "button.c2v-leave");
    assert_eq!(join.text_content().as_deref(), Some("Join Video Room"));
    assert!(is_shown(&join) && !is_shown(&leave));
    assert_eq!(guard(&p, "CompleteTask", "WT0010"), None);

    assert!(until(|| !join.disabled()).await);
    join.click();
    assert!(until(|| fetch.count() == 1).await);
    assert_eq!(fetch.url(0), format!("{FUNCTIONS}agent-get-token"));
    assert_eq!(
        form(&fetch, 0),
        [
            ("Token".to_owned(), "flex-token-1".to_owned()),
            ("DocumentSid".to_owned(), "ET0001".to_owned())
        ]
    );
    let root = find(&el, ".c2v-tab");
    assert_eq!(
        root.get_attribute("data-phase").as_deref(),
        Some("fetching-token")
    );
    assert!(join.disabled());
    assert_eq!(
        find(&el, ".c2v-status").text_content().as_deref(),
        Some("Connecting...")
    );

    fetch.respond(0, 200, TOKEN_OK);
    assert!(until(|| media.log.borrow().len() == 1).await);
    assert_eq!(media.log.borrow()[0], "connect RM0001 eyJ.video.token");
    assert_eq!(
        root.get_attribute("data-phase").as_deref(),
        Some("connecting")
    );
    assert_eq!(fetch.count(), 1, "nothing written before connected");

    media.emit(0, ConnectionEvent::Connected);
    assert!(until(|| fetch.count() == 2).await);
    assert_eq!(fetch.url(1), format!("{FUNCTIONS}update-video-state"));
    assert_eq!(
        form(&fetch, 1),
        [
            ("Token".to_owned(), "flex-token-1".to_owned()),
            ("taskSid".to_owned(), "WT0010".to_owned()),
            ("state".to_owned(), "connected".to_owned())
        ]
    );
    fetch.respond(1, 200, r#"{"success":true}"#);
    assert_eq!(
        root.get_attribute("data-phase").as_deref(),
        Some("connected")
    );
    assert!(!is_shown(&join) && is_shown(&leave));

    // The guard: finishing this task is blocked, anything else passes.
    for action in ["CompleteTask", "WrapupTask"] {
        assert_eq!(
            guard(&p, action, "WT0010").as_deref(),
            Some("ChatToVideoWrapupBlocked")
        );
        assert_eq!(guard(&p, action, "WT0099"), None);
    }
    for action in ["AcceptTask", "SendMessage", "SelectTask", "HangupCall"] {
        assert_eq!(guard(&p, action, "WT0010"), None, "{action}");
    }

    leave.click();
    assert!(until(|| fetch.count() == 3).await);
    assert_eq!(fetch.field(2, "state").as_deref(), Some("disconnected"));
    assert_eq!(
        media.log.borrow().last().map(String::as_str),
        Some("disconnect")
    );
    assert_eq!(
        root.get_attribute("data-phase").as_deref(),
        Some("disconnected")
    );
    assert_eq!(find(&el, ".c2v-media").child_element_count(), 0);
    assert_eq!(guard(&p, "CompleteTask", "WT0010"), None);
    assert!(is_shown(&join) && !join.disabled(), "can rejoin");
    drop(tab);
    tick().await;
    assert_eq!(
        fetch.count(),
        3,
        "nothing more on unmount when not connected"
    );
}

#[wasm_bindgen_test]
async fn one_room_per_agent_and_unmount_leaves_the_room() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let (p, media) = scripted_plugin(&flex);
    let first_el = container();
    let second_el = container();
    let first = p.mount_tab(
        first_el.clone(),
        chat_task("WT0020", VIDEO_TASK),
        JsValue::UNDEFINED,
    );
    let second = p.mount_tab(
        second_el.clone(),
        chat_task("WT0021", VIDEO_TASK),
        JsValue::UNDEFINED,
    );

    join_when_ready(&first_el).await;
    assert!(until(|| fetch.count() == 1).await);
    fetch.respond(0, 200, TOKEN_OK);
    assert!(until(|| media.sinks.borrow().len() == 1).await);
    media.emit(0, ConnectionEvent::Connected);
    assert!(until(|| fetch.count() == 2).await);
    fetch.respond(1, 200, r#"{"success":true}"#);

    // The other task's Join is refused with the text, and sends nothing.
    join_when_ready(&second_el).await;
    tick().await;
    let error = find(&second_el, ".c2v-error");
    assert!(is_shown(&error));
    assert_eq!(
        error.text_content().as_deref(),
        Some("You are already in a video room on another task. Leave it first.")
    );
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(fetch.count(), 2);

    // Freeing the connected tab leaves the room, writes `disconnected`, frees the claim.
    drop(first);
    assert_eq!(first_el.child_element_count(), 0);
    assert_eq!(
        media.log.borrow().last().map(String::as_str),
        Some("disconnect")
    );
    assert_eq!(guard(&p, "WrapupTask", "WT0020"), None);
    assert!(until(|| fetch.count() == 3).await);
    assert_eq!(fetch.field(2, "taskSid").as_deref(), Some("WT0020"));
    assert_eq!(fetch.field(2, "state").as_deref(), Some("disconnected"));
    fetch.respond(2, 200, r#"{"success":true}"#);
    // Events from the freed tab's connection go nowhere.
    media.emit(
        0,
        ConnectionEvent::Disconnected(DisconnectReason::Remote(ServiceReason::RoomCompleted)),
    );
    tick().await;
    assert_eq!(fetch.count(), 3);

    // Now the other task may join.
    join_when_ready(&second_el).await;
    assert!(until(|| fetch.count() == 4).await);
    assert_eq!(fetch.url(3), format!("{FUNCTIONS}agent-get-token"));
    drop(second);
    assert!(fetch.aborted(3), "the token request is aborted on unmount");
    assert_eq!(guard(&p, "CompleteTask", "WT0021"), None);
}

#[wasm_bindgen_test]
async fn without_media_the_tab_says_so_and_never_claims_connected() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    // A build's media can be missing: the connector that says so.
    let p = make_plugin(&flex, "{}")
        .with_connector(std::rc::Rc::new(chat_to_video::web::connector::Unavailable));
    let el = container();
    let _tab = p.mount_tab(
        el.clone(),
        chat_task("WT0030", VIDEO_TASK),
        JsValue::UNDEFINED,
    );
    join_when_ready(&el).await;
    assert!(until(|| fetch.count() == 1).await);
    let root = find(&el, ".c2v-tab");
    assert_eq!(
        find(&el, ".c2v-status").text_content().as_deref(),
        Some("Connecting...")
    );
    fetch.respond(0, 200, TOKEN_OK);

    assert!(until(|| root.get_attribute("data-phase").as_deref() == Some("error")).await);
    assert_eq!(
        find(&el, ".c2v-error").text_content().as_deref(),
        Some("Video calls are not available in this build of the plugin.")
    );
    assert!(until(|| fetch.count() == 2).await);
    assert_eq!(fetch.field(1, "state").as_deref(), Some("error"));
    tick().await;
    assert_eq!(fetch.count(), 2, "never `connected`");
    assert_eq!(guard(&p, "CompleteTask", "WT0030"), None);
}

#[wasm_bindgen_test]
async fn token_failure_is_reported_without_attribute_writes() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let (p, media) = scripted_plugin(&flex);
    let el = container();
    let _tab = p.mount_tab(
        el.clone(),
        chat_task("WT0040", VIDEO_TASK),
        JsValue::UNDEFINED,
    );
    join_when_ready(&el).await;
    assert!(until(|| fetch.count() == 1).await);
    assert_eq!(
        guard(&p, "WrapupTask", "WT0040").as_deref(),
        Some("ChatToVideoWrapupBlocked")
    );
    fetch.respond(0, 403, "\"Unauthorized\"");
    let error = find(&el, ".c2v-error");
    assert!(until(|| is_shown(&error)).await);
    assert_eq!(
        error.text_content().as_deref(),
        Some("Unable to join the video room. Please try again.")
    );
    tick().await;
    assert_eq!(fetch.count(), 1);
    assert!(media.log.borrow().is_empty());
    assert_eq!(guard(&p, "WrapupTask", "WT0040"), None, "claim released");

    // A task without a document: a clear message, no request.
    let el2 = container();
    let _tab2 = p.mount_tab(
        el2.clone(),
        chat_task("WT0041", r#"{"videoRoomSid":"RM9"}"#),
        JsValue::UNDEFINED,
    );
    join_when_ready(&el2).await;
    tick().await;
    assert_eq!(
        find(&el2, ".c2v-error").text_content().as_deref(),
        Some("This task has no video room yet. Send a video link first.")
    );
    assert_eq!(fetch.count(), 1);
}
