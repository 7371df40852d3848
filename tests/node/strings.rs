//! The strings table from JS: `stringDefaults()`, labels read from `manager.strings` at each use,
//! and the notifications with the keys of their strings.

use crate::common::*;
use crate::plugin;
use chat_to_video::strings::Text;
use chat_to_video::web::Plugin;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn strings_default_and_follow_manager_strings() {
    let flex = FlexDouble::new();
    let manager = manager(ENABLED, r#"{"PSChatToVideoRoom":"Salle vidéo"}"#);
    let p = Plugin::create(flex.object(), manager.clone()).unwrap();

    let defaults = p.string_defaults();
    let listed = strings_of(&keys(&defaults));
    assert_eq!(listed.len(), Text::ALL.len());
    for t in Text::ALL {
        assert_eq!(
            get(&defaults, t.key()).as_string().as_deref(),
            Some(t.default_text())
        );
    }
    for key in [
        "PSChatToVideoSwitchToVideo",
        "PSChatToVideoRoom",
        "PSChatToVideoInviteMessage",
        "PSChatToVideoConnecting",
        "PSFailedVideoLink",
    ] {
        assert!(listed.iter().any(|k| k == key), "{key}");
    }
    assert_eq!(p.tab_label(), "Salle vidéo");
    // The shell may change manager.strings after create: read at use.
    let table = get(&manager, "strings");
    js_sys::Reflect::set(&table, &"PSChatToVideoRoom".into(), &"Vidéo".into()).unwrap();
    assert_eq!(p.tab_label(), "Vidéo");
    js_sys::Reflect::set(&table, &"PSChatToVideoRoom".into(), &JsValue::from(3)).unwrap();
    assert_eq!(p.tab_label(), "Video Room");
}

#[wasm_bindgen_test]
fn notifications_name_their_strings() {
    let p = plugin(&FlexDouble::new(), ENABLED, "{}").unwrap();
    let list = p.notifications();
    let summary: Vec<(String, String, String)> = list
        .iter()
        .map(|n| {
            let s = |k| get(&n, k).as_string().unwrap_or_default();
            (s("id"), s("type"), s("content"))
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "ChatToVideoFailedVideoLink".to_owned(),
                "error".to_owned(),
                "PSFailedVideoLink".to_owned()
            ),
            (
                "ChatToVideoWrapupBlocked".to_owned(),
                "error".to_owned(),
                "PSChatToVideoWrapupBlocked".to_owned()
            ),
            (
                "ChatToVideoRatingReceived".to_owned(),
                "information".to_owned(),
                "PSChatToVideoRatingReceived".to_owned()
            ),
        ]
    );
}
