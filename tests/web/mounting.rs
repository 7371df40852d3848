//! What mounting leaves behind: text rendered as text and never as markup, nothing from a disabled
//! plugin, and no listener, component or request after 100 mount and free rounds.

use crate::common::browser::*;
use crate::common::*;
use crate::{TOKEN_OK, VIDEO_TASK};
use chat_to_video::web::{dom, Mounted, Plugin};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

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
        // The instrument sees our listeners (button: 1, tab: 4, its pre-join screen: Try again
        // and three device lists), so its count can fail.
        assert_eq!(live_listener_count(), listeners_before + 9, "round {round}");
        assert_eq!(dom::live_components(), components_before + 2);
        assert!(doc.get_element_by_id("chat-to-video-style").is_some());
        tab.update(task.clone(), None);
        button.update(task, Some(json(r#"{"sid":"CH"}"#)));

        // Leave work in flight: a code request, and on odd rounds a connected room.
        button_in(&el, "button.c2v-video-button").click();
        join_when_ready(&el).await;
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
