//! How a call ends or wavers in the tab: the text and the write for each of the service's reasons,
//! `manager.strings` overrides for them, and reconnecting back into the call.

use crate::common::browser::*;
use crate::common::*;
use crate::{connected_tab, TOKEN_OK};
use chat_to_video::room_state::{ConnectFailure, DisconnectReason, ServiceReason};
use chat_to_video::web::connector::ConnectionEvent;
use wasm_bindgen_test::*;

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
        let new_link = button_in(&el, "button.c2v-new-link");
        if reason == ServiceReason::RoomCompleted {
            // The session is over: a new link, not a Join that cannot work.
            assert!(!is_shown(&join), "{reason:?}: no Join");
            assert!(is_shown(&new_link), "{reason:?}: a new link is offered");
        } else {
            assert!(
                is_shown(&join) && until(|| !join.disabled()).await,
                "{reason:?}: can rejoin"
            );
        }
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
    join_when_ready(&el).await;
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
