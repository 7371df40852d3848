//! The button and the Video Room tab mounted into a real DOM in headless Chromium. Flex is a
//! recording double and `fetch` a controllable double (no server runs in this suite); the
//! media connection is a scripted connector standing in for the media module.
//! One module per topic under `tests/web/`; here, the answers and the connected tab they share.
#![cfg(target_arch = "wasm32")]

mod common;

#[path = "web/button.rs"]
mod button;
#[path = "web/disconnects.rs"]
mod disconnects;
#[path = "web/mounting.rs"]
mod mounting;
#[path = "web/rating.rs"]
mod rating;
#[path = "web/tab.rs"]
mod tab;
#[path = "web/timers.rs"]
mod timers;

use chat_to_video::web::connector::ConnectionEvent;
use chat_to_video::web::{Mounted, Plugin};
use common::browser::*;
use common::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TOKEN_OK: &str = r#"{"token":"eyJ.video.token","identity":"agent@example.com","room_sid":"RM0001","room_name":"aB3dE5g","provider":"sandbox","signaling_url":"ws://127.0.0.1:1/x","ice":{"servers":[],"loopback_only":true}}"#;
const VIDEO_TASK: &str =
    r#"{"syncDocument":"ET0001","videoRoom":"created","conversationSid":"CH0001"}"#;

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
    join_when_ready(el).await;
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
