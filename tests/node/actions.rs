//! Flex actions: the guard that blocks finishing the held task, `afterWrapup`'s complete-room
//! request, and the listeners the shell adds for the module.

use crate::common::*;
use crate::plugin;
use chat_to_video::rules::ActiveRoom;
use chat_to_video::web::room_claim;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn guard_blocks_finishing_the_held_task_only() {
    let p = plugin(&FlexDouble::new(), ENABLED, "{}").unwrap();
    let by_task = json(r#"{"task":{"taskSid":"WT1","sid":"WR1"}}"#);
    let by_sid = json(r#"{"sid":"WR1"}"#);
    let other = json(r#"{"task":{"taskSid":"WT2","sid":"WR2"}}"#);
    let act = |a: &str| JsValue::from_str(a);

    for action in ["CompleteTask", "WrapupTask", "AcceptTask"] {
        assert_eq!(p.guard(act(action), by_task.clone()), None, "nothing held");
    }

    let owner = room_claim::Owner::next();
    assert!(room_claim::claim(
        owner,
        ActiveRoom {
            task_sid: "WT1".into(),
            reservation_sid: Some("WR1".into()),
            room_sid: Some("RM1".into()),
            connected: true,
        }
    ));
    for action in ["CompleteTask", "WrapupTask"] {
        assert_eq!(
            p.guard(act(action), by_task.clone()).as_deref(),
            Some("ChatToVideoWrapupBlocked")
        );
        assert_eq!(
            p.guard(act(action), by_sid.clone()).as_deref(),
            Some("ChatToVideoWrapupBlocked")
        );
        assert_eq!(p.guard(act(action), other.clone()), None);
        assert_eq!(p.guard(act(action), JsValue::UNDEFINED), None);
    }
    for action in ["AcceptTask", "SendMessage", "HangupCall", "SetActivity"] {
        assert_eq!(p.guard(act(action), by_task.clone()), None, "{action}");
    }
    assert_eq!(p.guard(JsValue::from(7), by_task.clone()), None);

    room_claim::release(owner);
    assert_eq!(p.guard(act("CompleteTask"), by_task), None);
}

#[wasm_bindgen_test]
async fn after_wrapup_completes_the_room() {
    let wrapup = || JsValue::from_str("WrapupTask");
    let flex = FlexDouble::new();
    let p = plugin(&flex, ENABLED, "{}").unwrap();
    let fetch = Fetch::install();

    // By document.
    let done = JsFuture::from(p.after_action(wrapup(), json(
        r#"{"task":{"taskSid":"WT1","attributes":{"syncDocument":"ET1","videoRoomSid":"RM1"}}}"#,
    )));
    assert!(until(|| fetch.count() == 1).await);
    assert_eq!(fetch.url(0), format!("{FUNCTIONS}complete-room"));
    assert_eq!(fetch.method(0), "POST");
    assert!(fetch.body_is_form(0));
    assert!(fetch
        .content_type(0)
        .starts_with("application/x-www-form-urlencoded"));
    assert_eq!(
        form(&fetch, 0),
        [
            ("Token".to_owned(), "flex-token-1".to_owned()),
            ("DocumentSid".to_owned(), "ET1".to_owned()),
            ("reason".to_owned(), "wrapped_up".to_owned()),
            ("taskSid".to_owned(), "WT1".to_owned())
        ]
    );
    fetch.respond(0, 200, r#"{"success":true}"#);
    assert_eq!(done.await.unwrap(), JsValue::UNDEFINED);

    // By room, when there is no document; a failure still resolves.
    let done = JsFuture::from(p.after_action(
        wrapup(),
        json(r#"{"task":{"taskSid":"WT2","attributes":{"videoRoomSid":"RM2"}}}"#),
    ));
    assert!(until(|| fetch.count() == 2).await);
    assert_eq!(
        form(&fetch, 1),
        [
            ("Token".to_owned(), "flex-token-1".to_owned()),
            ("roomSid".to_owned(), "RM2".to_owned()),
            ("reason".to_owned(), "wrapped_up".to_owned()),
            ("taskSid".to_owned(), "WT2".to_owned())
        ]
    );
    fetch.respond(1, 500, r#"{"success":false,"message":"boom"}"#);
    assert!(done.await.is_ok(), "never throws into Flex");

    let done = JsFuture::from(p.after_action(
        wrapup(),
        json(r#"{"task":{"taskSid":"WT3","attributes":{"syncDocument":"ET3"}}}"#),
    ));
    assert!(until(|| fetch.count() == 3).await);
    fetch.fail(2);
    assert!(done.await.is_ok(), "network failure resolves too");

    // No video: no request at all.
    for payload in [
        r#"{"task":{"taskSid":"WT4","attributes":{"other":1}}}"#,
        r#"{"sid":"WR4"}"#,
        "null",
    ] {
        assert!(JsFuture::from(p.after_action(wrapup(), json(payload)))
            .await
            .is_ok());
    }
    // Completing or transferring the task ends the session too, each with its reason.
    let with_video = r#"{"task":{"taskSid":"WT5","attributes":{"syncDocument":"ET5"}}}"#;
    for (i, (action, reason)) in [
        ("CompleteTask", "completed"),
        ("TransferTask", "transferred"),
    ]
    .into_iter()
    .enumerate()
    {
        let done = p.after_action(JsValue::from_str(action), json(with_video));
        let n = 3 + i as u32;
        assert!(until(|| fetch.count() == n + 1).await, "{action}");
        assert_eq!(
            form(&fetch, n),
            [
                ("Token".to_owned(), "flex-token-1".to_owned()),
                ("DocumentSid".to_owned(), "ET5".to_owned()),
                ("reason".to_owned(), reason.to_owned()),
                ("taskSid".to_owned(), "WT5".to_owned())
            ]
        );
        fetch.respond(n, 200, r#"{"success":true}"#);
        assert!(JsFuture::from(done).await.is_ok());
    }
    // Other actions end nothing, even for a task with video.
    for action in ["AcceptTask", "wrapuptask", "SelectTask"] {
        let done = p.after_action(JsValue::from_str(action), json(with_video));
        assert!(JsFuture::from(done).await.is_ok());
    }
    tick().await;
    assert_eq!(fetch.count(), 5);
}

#[wasm_bindgen_test]
fn the_shell_adds_the_listeners_the_module_names() {
    let flex = FlexDouble::new();
    let p = plugin(&flex, ENABLED, "{}").unwrap();
    let hooks = p.action_hooks();
    let read: Vec<(String, String, bool)> = hooks
        .iter()
        .map(|h| {
            (
                get(&h, "action").as_string().unwrap_or_default(),
                get(&h, "event").as_string().unwrap_or_default(),
                get(&h, "veto").as_bool().unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        ("CompleteTask", "beforeCompleteTask", true),
        ("WrapupTask", "beforeWrapupTask", true),
        ("WrapupTask", "afterWrapupTask", false),
        ("CompleteTask", "afterCompleteTask", false),
        ("TransferTask", "afterTransferTask", false),
    ];
    let expected: Vec<(String, String, bool)> = expected
        .iter()
        .map(|(a, e, v)| (a.to_string(), e.to_string(), *v))
        .collect();
    assert_eq!(read, expected);
}
