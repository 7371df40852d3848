//! The button and the Video Room tab mounted into a real DOM in headless Chromium. Flex is a
//! recording double and `fetch` a controllable double (no server runs in this suite); the
//! media connection is a scripted connector standing in for the media module.
#![cfg(target_arch = "wasm32")]

mod common;

use chat_to_video::room_state::{ConnectFailure, DisconnectReason, ServiceReason};
use chat_to_video::web::connector::ConnectionEvent;
use chat_to_video::web::{dom, Mounted, Plugin};
use common::browser::*;
use common::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CODE_OK: &str = r#"{"unique_code":"aB3dE5g","valid_until":"2026-11-25T16:00:00Z","full_url":"https://host.example/features/chat-to-video/index.html?code=aB3dE5g"}"#;
const TOKEN_OK: &str = r#"{"token":"eyJ.video.token","identity":"agent@example.com","room_sid":"RM0001","room_name":"aB3dE5g","provider":"sandbox","signaling_url":"ws://127.0.0.1:1/x","ice":{"servers":[],"loopback_only":true}}"#;
const VIDEO_TASK: &str =
    r#"{"syncDocument":"ET0001","videoRoom":"created","conversationSid":"CH0001"}"#;

#[wasm_bindgen_test]
async fn button_sends_one_request_and_the_invite() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let p = make_plugin(&flex, "{}");
    let el = container();
    let conversation = json(r#"{"sid":"CH0001","source":"withTaskContext"}"#);
    let task = chat_task(
        "WT0001",
        r#"{"conversationSid":"CH0001","customer":{"x":1}}"#,
    );
    let mounted = p.mount_button(el.clone(), task, conversation.clone());
    let button = button_in(&el, "button.c2v-video-button");
    assert!(!button.disabled());
    assert_eq!(
        button.get_attribute("aria-label").as_deref(),
        Some("Switch to Video")
    );
    assert!(!is_shown(&find(&el, ".c2v-spinner")));

    button.click();
    assert!(until(|| fetch.count() == 1).await);
    assert!(button.disabled(), "disabled while in flight");
    assert_eq!(
        button.get_attribute("data-state").as_deref(),
        Some("loading")
    );
    assert_eq!(button.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(is_shown(&find(&el, ".c2v-spinner")));
    assert!(!is_shown(&find(&el, ".c2v-icon")));

    // More clicks while in flight send nothing: the browser drops clicks on the disabled
    // button, and the handler itself refuses while loading (checked by re-enabling it).
    button.click();
    button.set_disabled(false);
    button.click();
    button.click();
    button.set_disabled(true);
    tick().await;
    tick().await;
    assert_eq!(fetch.count(), 1);

    assert_eq!(fetch.url(0), format!("{FUNCTIONS}generate-unique-code"));
    assert_eq!(fetch.method(0), "POST");
    assert!(fetch.body_is_form(0));
    assert_eq!(
        form(&fetch, 0),
        [
            ("Token".to_owned(), "flex-token-1".to_owned()),
            ("taskSid".to_owned(), "WT0001".to_owned())
        ]
    );
    assert_eq!(flex.invoked_count(), 0);

    fetch.respond(0, 200, CODE_OK);
    assert!(until(|| flex.invoked_count() == 1).await);
    assert_eq!(flex.invoked_name(0), "SendMessage");
    let payload = flex.invoked_payload(0);
    let url = "https://host.example/features/chat-to-video/index.html?code=aB3dE5g";
    assert_eq!(
        get(&payload, "body").as_string().unwrap(),
        format!("Please join me using this unique video link: {url}")
    );
    assert!(
        js_sys::Object::is(&get(&payload, "conversation"), &conversation),
        "the conversation object from the shell"
    );
    assert_eq!(
        get(&payload, "conversationSid").as_string().as_deref(),
        Some("CH0001")
    );
    let attrs = get(&payload, "messageAttributes");
    assert_eq!(
        strings_of(&keys(&attrs)),
        ["hasVideo", "videoUrl", "uniqueCode"]
    );
    assert_eq!(get(&attrs, "hasVideo").as_bool(), Some(true));
    assert_eq!(get(&attrs, "videoUrl").as_string().as_deref(), Some(url));
    assert_eq!(
        get(&attrs, "uniqueCode").as_string().as_deref(),
        Some("aB3dE5g")
    );

    assert!(until(|| !button.disabled()).await, "idle again");
    assert_eq!(button.get_attribute("data-state").as_deref(), Some("idle"));
    assert_eq!(flex.shown_ids().length(), 0);
    assert_eq!(fetch.count(), 1);
    drop(mounted);
    assert_eq!(el.child_element_count(), 0);
}

#[wasm_bindgen_test]
async fn every_failure_shows_the_notification() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let p = make_plugin(&flex, "{}");
    let el = container();
    let _mounted = p.mount_button(
        el.clone(),
        chat_task("WT0002", "{}"),
        json(r#"{"sid":"CH2"}"#),
    );
    let button = button_in(&el, "button");

    // 500, network failure, a body without the fields, then SendMessage refusing.
    let failures: [&dyn Fn(u32); 4] = [
        &|i| fetch.respond(i, 500, r#"{"success":false,"message":"boom"}"#),
        &|i| fetch.fail(i),
        &|i| fetch.respond(i, 200, r#"{"unique_code":"x"}"#),
        &|i| {
            flex.set_reject_send_message(true);
            fetch.respond(i, 200, CODE_OK)
        },
    ];
    for (i, fail) in failures.iter().enumerate() {
        let i = i as u32;
        button.click();
        assert!(until(|| fetch.count() == i + 1).await);
        assert!(button.disabled());
        fail(i);
        assert!(
            until(|| flex.shown_ids().length() == i + 1).await,
            "failure {i}"
        );
        assert_eq!(
            flex.shown_ids().get(i).as_string().as_deref(),
            Some("ChatToVideoFailedVideoLink")
        );
        assert!(
            until(|| !button.disabled()).await,
            "clickable again after failure {i}"
        );
        assert_eq!(button.get_attribute("data-state").as_deref(), Some("error"));
        assert_eq!(
            button.get_attribute("title").as_deref(),
            Some("Unable to create the video room. Please try again.")
        );
    }
    // Only the last failure got as far as SendMessage.
    assert_eq!(flex.invoked_count(), 1);
}

#[wasm_bindgen_test]
async fn freeing_the_button_mid_request_aborts_and_sends_nothing() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let p = make_plugin(&flex, "{}");
    let el = container();
    let mounted = p.mount_button(el.clone(), chat_task("WT0003", "{}"), JsValue::UNDEFINED);
    button_in(&el, "button").click();
    assert!(until(|| fetch.count() == 1).await);
    drop(mounted);
    assert!(fetch.aborted(0));
    assert_eq!(el.child_element_count(), 0);
    tick().await;
    assert_eq!(flex.invoked_count(), 0);
    assert_eq!(
        flex.shown_ids().length(),
        0,
        "no notification for a gone button"
    );
}

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

    button_in(&first_el, "button.c2v-join").click();
    assert!(until(|| fetch.count() == 1).await);
    fetch.respond(0, 200, TOKEN_OK);
    assert!(until(|| media.sinks.borrow().len() == 1).await);
    media.emit(0, ConnectionEvent::Connected);
    assert!(until(|| fetch.count() == 2).await);
    fetch.respond(1, 200, r#"{"success":true}"#);

    // The other task's Join is refused with the text, and sends nothing.
    button_in(&second_el, "button.c2v-join").click();
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
    button_in(&second_el, "button.c2v-join").click();
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
    button_in(&el, "button.c2v-join").click();
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
    button_in(&el, "button.c2v-join").click();
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
    button_in(&el2, "button.c2v-join").click();
    tick().await;
    assert_eq!(
        find(&el2, ".c2v-error").text_content().as_deref(),
        Some("This task has no video room yet. Send a video link first.")
    );
    assert_eq!(fetch.count(), 1);
}

#[wasm_bindgen_test]
fn text_is_rendered_as_text_never_as_markup() {
    let flex = FlexDouble::new();
    let p = make_plugin(
        &flex,
        r#"{"PSChatToVideoJoinVideoRoom":"<img src=x onerror=alert(1)>Join","PSChatToVideoSwitchToVideo":"<b>Video</b>"}"#,
    );
    let el = container();
    let tab = p.mount_tab(
        el.clone(),
        chat_task("WT0050", VIDEO_TASK),
        JsValue::UNDEFINED,
    );
    let join = button_in(&el, "button.c2v-join");
    assert_eq!(
        join.text_content().as_deref(),
        Some("<img src=x onerror=alert(1)>Join")
    );
    assert_eq!(join.child_element_count(), 0);
    assert!(el.query_selector("img").unwrap().is_none());
    drop(tab);
    let button = p.mount_button(el.clone(), chat_task("WT0050", "{}"), JsValue::UNDEFINED);
    assert_eq!(
        button_in(&el, "button")
            .get_attribute("aria-label")
            .as_deref(),
        Some("<b>Video</b>")
    );
    assert!(el.query_selector("b").unwrap().is_none());
    drop(button);
}

#[wasm_bindgen_test]
fn a_disabled_plugin_mounts_nothing() {
    let flex = FlexDouble::new();
    let p = Plugin::create(flex.object(), manager("{}", "{}")).unwrap();
    let el = container();
    let m = p.mount_button(el.clone(), chat_task("WT0060", "{}"), JsValue::UNDEFINED);
    assert!(m.is_empty());
    let t = p.mount_tab(
        el.clone(),
        chat_task("WT0060", VIDEO_TASK),
        JsValue::UNDEFINED,
    );
    assert!(t.is_empty());
    assert_eq!(el.child_element_count(), 0);
}

#[wasm_bindgen_test]
async fn mounting_and_freeing_100_times_leaves_nothing_behind() {
    instrument_listeners();
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let (p, media) = scripted_plugin(&flex);
    let el = container();
    let doc = dom::document();
    let listeners_before = live_listener_count();
    let crate_listeners_before = dom::live_listeners();
    let components_before = dom::live_components();
    assert!(listeners_before >= 0, "instrumented");

    for round in 0..100u32 {
        let task = chat_task("WT0070", VIDEO_TASK);
        let button = p.mount_button(el.clone(), task.clone(), JsValue::UNDEFINED);
        let tab: Mounted = p.mount_tab(el.clone(), task.clone(), JsValue::UNDEFINED);
        // The instrument sees our listeners (button: 1, tab: 2), so its count can fail.
        assert_eq!(live_listener_count(), listeners_before + 3, "round {round}");
        assert_eq!(dom::live_components(), components_before + 2);
        assert!(doc.get_element_by_id("chat-to-video-style").is_some());
        tab.update(task.clone(), None);
        button.update(task, Some(json(r#"{"sid":"CH"}"#)));

        // Leave work in flight: a code request, and on odd rounds a connected room.
        button_in(&el, "button.c2v-video-button").click();
        button_in(&el, "button.c2v-join").click();
        assert!(until(|| fetch.count() == (round + 1) * 2).await);
        if round % 2 == 1 {
            let token_request = fetch.count() - 1;
            fetch.respond(token_request, 200, TOKEN_OK);
            assert!(until(|| media.sinks.borrow().len() == (round as usize).div_ceil(2)).await);
        }
        drop(tab);
        drop(button);
        assert_eq!(el.child_element_count(), 0, "round {round}: DOM emptied");
        assert_eq!(
            live_listener_count(),
            listeners_before,
            "round {round}: listeners"
        );
    }
    tick().await;
    assert_eq!(live_listener_count(), listeners_before);
    assert_eq!(dom::live_listeners(), crate_listeners_before);
    assert_eq!(
        dom::live_components(),
        components_before,
        "no state outlives its handle"
    );
    assert_eq!(el.child_element_count(), 0);
    assert!(doc.get_element_by_id("chat-to-video-style").is_none());
    assert_eq!(fetch.pending(), 0, "every request in flight was aborted");
    assert_eq!(flex.invoked_count(), 0);
    assert_eq!(flex.shown_ids().length(), 0);
    assert_eq!(
        guard(&p, "CompleteTask", "WT0070"),
        None,
        "room claims released"
    );
}

/// Mounts a tab for `task_sid`, joins and connects it through the scripted connector, and
/// answers the `connected` write. Returns the tab and the index of its connection.
async fn connected_tab(
    p: &Plugin,
    media: &Scripted,
    fetch: &FetchDouble,
    el: &web_sys::HtmlElement,
    task_sid: &str,
) -> Mounted {
    let tab = p.mount_tab(
        el.clone(),
        chat_task(task_sid, VIDEO_TASK),
        JsValue::UNDEFINED,
    );
    let before = fetch.count();
    let connections = media.sinks.borrow().len();
    button_in(el, "button.c2v-join").click();
    assert!(until(|| fetch.count() == before + 1).await);
    fetch.respond(before, 200, TOKEN_OK);
    assert!(until(|| media.sinks.borrow().len() == connections + 1).await);
    media.emit(connections, ConnectionEvent::Connected);
    assert!(until(|| fetch.count() == before + 2).await);
    assert_eq!(
        fetch.field(before + 1, "state").as_deref(),
        Some("connected")
    );
    fetch.respond(before + 1, 200, r#"{"success":true}"#);
    assert_eq!(
        find(el, ".c2v-tab").get_attribute("data-phase").as_deref(),
        Some("connected")
    );
    tab
}

#[wasm_bindgen_test]
async fn the_tab_names_every_disconnect_reason_and_records_what_it_means() {
    use ServiceReason::*;
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let (p, media) = scripted_plugin(&flex);
    // (reason, text, state written, shown as an alert)
    let cases = [
        (RoomCompleted, "The video room has ended.", Some("disconnected"), false),
        (
            DuplicateIdentity,
            "You joined this video room in another window or on another device, so you were disconnected here.",
            None,
            false,
        ),
        (
            TokenExpired,
            "Your access to the video room expired. Join again to continue.",
            Some("error"),
            true,
        ),
        (
            TokenInvalid,
            "The video service did not accept your access to this room. Join again to retry.",
            Some("error"),
            true,
        ),
        (RoomFull, "The video room is full.", Some("error"), true),
        (RoomNotFound, "The video room no longer exists.", Some("disconnected"), false),
        (
            Network,
            "The connection to the video room was lost. Check your network and join again.",
            Some("error"),
            true,
        ),
    ];
    assert_eq!(cases.len(), ServiceReason::ALL.len());
    for (n, (reason, text, write, alert)) in cases.into_iter().enumerate() {
        let task_sid = format!("WT01{n:02}");
        let el = container();
        let tab = connected_tab(&p, &media, &fetch, &el, &task_sid).await;
        let writes_before = fetch.count();
        let connection = media.sinks.borrow().len() - 1;
        media.emit(
            connection,
            ConnectionEvent::Disconnected(DisconnectReason::Remote(reason)),
        );
        let root = find(&el, ".c2v-tab");
        assert!(
            until(|| root.get_attribute("data-phase").as_deref() == Some("disconnected")).await,
            "{reason:?}"
        );
        let (shown, hidden) = if alert {
            (find(&el, ".c2v-error"), find(&el, ".c2v-status"))
        } else {
            (find(&el, ".c2v-status"), find(&el, ".c2v-error"))
        };
        assert_eq!(shown.text_content().as_deref(), Some(text), "{reason:?}");
        assert!(is_shown(&shown) && !is_shown(&hidden), "{reason:?}");
        assert_eq!(
            media.log.borrow().last().map(String::as_str),
            Some("disconnect"),
            "{reason:?}: the connection is closed"
        );
        assert_eq!(guard(&p, "CompleteTask", &task_sid), None, "{reason:?}");
        let join = button_in(&el, "button.c2v-join");
        assert!(
            is_shown(&join) && !join.disabled(),
            "{reason:?}: can rejoin"
        );
        match write {
            Some(state) => {
                assert!(
                    until(|| fetch.count() == writes_before + 1).await,
                    "{reason:?}"
                );
                assert_eq!(
                    fetch.url(writes_before),
                    format!("{FUNCTIONS}update-video-state")
                );
                assert_eq!(
                    fetch.field(writes_before, "taskSid").as_deref(),
                    Some(task_sid.as_str())
                );
                assert_eq!(fetch.field(writes_before, "state").as_deref(), Some(state));
                fetch.respond(writes_before, 200, r#"{"success":true}"#);
            }
            None => {
                for _ in 0..5 {
                    tick().await;
                }
                assert_eq!(
                    fetch.count(),
                    writes_before,
                    "{reason:?}: the other window is in the room; nothing is written"
                );
            }
        }
        drop(tab);
        tick().await;
        assert_eq!(fetch.pending(), 0, "{reason:?}");
    }
}

#[wasm_bindgen_test]
async fn reason_texts_follow_manager_strings_and_refusals_name_their_reason() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let scripted = std::rc::Rc::new(Scripted::default());
    let p = make_plugin(
        &flex,
        r#"{"PSChatToVideoJoinedElsewhere":"Ouvert dans une autre fenêtre <b>!</b>","PSChatToVideoRoomFull":"Salle pleine"}"#,
    )
    .with_connector(scripted.clone());
    let el = container();
    let _tab = connected_tab(&p, &scripted, &fetch, &el, "WT0200").await;
    scripted.emit(
        0,
        ConnectionEvent::Disconnected(DisconnectReason::Remote(ServiceReason::DuplicateIdentity)),
    );
    let status = find(&el, ".c2v-status");
    assert!(
        until(|| status.text_content().as_deref() == Some("Ouvert dans une autre fenêtre <b>!</b>"))
            .await
    );
    assert!(el.query_selector("b").unwrap().is_none(), "as text");

    // A Join the service refuses, with its reason: the overridden text, as an error.
    button_in(&el, "button.c2v-join").click();
    assert!(until(|| fetch.count() == 3).await);
    fetch.respond(2, 200, TOKEN_OK);
    assert!(until(|| scripted.sinks.borrow().len() == 2).await);
    scripted.emit(
        1,
        ConnectionEvent::Failed(ConnectFailure::Refused(ServiceReason::RoomFull)),
    );
    let error = find(&el, ".c2v-error");
    assert!(until(|| error.text_content().as_deref() == Some("Salle pleine")).await);
    assert_eq!(
        find(&el, ".c2v-tab").get_attribute("data-phase").as_deref(),
        Some("error")
    );
    assert!(until(|| fetch.count() == 4).await);
    assert_eq!(fetch.field(3, "state").as_deref(), Some("error"));
    fetch.respond(3, 200, r#"{"success":true}"#);
}

#[wasm_bindgen_test]
async fn the_tab_shows_reconnecting_and_returns_to_the_call() {
    let flex = FlexDouble::new();
    let fetch = Fetch::install();
    let (p, media) = scripted_plugin(&flex);
    let el = container();
    let _tab = connected_tab(&p, &media, &fetch, &el, "WT0300").await;
    let root = find(&el, ".c2v-tab");
    let status = find(&el, ".c2v-status");
    assert_eq!(
        status.text_content().as_deref(),
        Some("Connected to the video room.")
    );

    media.emit(0, ConnectionEvent::Reconnecting);
    assert!(until(|| root.get_attribute("data-phase").as_deref() == Some("reconnecting")).await);
    assert_eq!(status.text_content().as_deref(), Some("Reconnecting..."));
    assert!(is_shown(&status));
    assert_eq!(root.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(
        is_shown(&button_in(&el, "button.c2v-leave")),
        "can still leave"
    );
    assert_eq!(
        guard(&p, "WrapupTask", "WT0300").as_deref(),
        Some("ChatToVideoWrapupBlocked"),
        "still in the room"
    );
    assert_eq!(
        find(&el, ".c2v-media").child_element_count(),
        1,
        "the call stays"
    );

    media.emit(0, ConnectionEvent::Reconnected);
    assert!(until(|| root.get_attribute("data-phase").as_deref() == Some("connected")).await);
    assert_eq!(
        status.text_content().as_deref(),
        Some("Connected to the video room.")
    );
    assert_eq!(root.get_attribute("aria-busy").as_deref(), Some("false"));
    tick().await;
    assert_eq!(fetch.count(), 2, "a reconnect writes nothing");

    // Dropped for good while reconnecting: the reason, and `error`.
    media.emit(0, ConnectionEvent::Reconnecting);
    assert!(until(|| root.get_attribute("data-phase").as_deref() == Some("reconnecting")).await);
    media.emit(
        0,
        ConnectionEvent::Disconnected(DisconnectReason::Remote(ServiceReason::Network)),
    );
    assert!(until(|| fetch.count() == 3).await);
    assert_eq!(fetch.field(2, "state").as_deref(), Some("error"));
    fetch.respond(2, 200, r#"{"success":true}"#);
    assert_eq!(
        find(&el, ".c2v-error").text_content().as_deref(),
        Some("The connection to the video room was lost. Check your network and join again.")
    );
    assert_eq!(guard(&p, "WrapupTask", "WT0300"), None);
}

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
