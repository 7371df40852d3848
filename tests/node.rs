//! The plugin's logic through the wasm build under Node: configuration, strings and task
//! attributes read from real JS objects by the Flex edge, the rules behind `showButton`,
//! `showTab` and `guard`, `afterWrapup`'s request, and the pure modules compiled to wasm.
//! Flex is a recording double; `fetch` is a controllable double (no server runs here).
#![cfg(target_arch = "wasm32")]

mod common;

use chat_to_video::attributes::{merge, AttributePatch, VideoRoomState};
use chat_to_video::code::CodeFormat;
use chat_to_video::room_state::{Input, Phase};
use chat_to_video::rules::ActiveRoom;
use chat_to_video::strings::{render, Text};
use chat_to_video::web::flex::{payload_sids, task_facts};
use chat_to_video::web::{room_claim, Plugin, PluginError};
use common::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

fn plugin(flex: &FlexDouble, custom_data: &str, strings: &str) -> Result<Plugin, PluginError> {
    Plugin::create(flex.object(), manager(custom_data, strings))
}

/// The code as JS sees it (the `.d.ts` string enum).
fn code_of(err: &PluginError) -> String {
    JsValue::from(err.code()).as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
fn create_reads_the_configuration_from_custom_data() {
    let flex = FlexDouble::new();
    let p = plugin(&flex, ENABLED, "{}").expect("valid configuration");
    assert!(p.enabled());

    let disabled = plugin(&flex, r#"{"features":{}}"#, "{}").expect("disabled is valid");
    assert!(!disabled.enabled());
    let no_custom = Plugin::create(flex.object(), json(r#"{"user":{}}"#)).expect("no custom_data");
    assert!(!no_custom.enabled());
    let off = plugin(
        &flex,
        r#"{"serverless_functions_port":"bad","features":{"chat_to_video_escalation":{"enabled":false}}}"#,
        "{}",
    )
    .expect("a disabled feature validates nothing else");
    assert!(!off.enabled());
}

#[wasm_bindgen_test]
fn create_throws_errors_with_codes() {
    let flex = FlexDouble::new();
    let cases = [
        (
            r#"{"features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "MissingFunctionsDomain",
        ),
        (
            r#"{"serverless_functions_domain":"","features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "MissingFunctionsDomain",
        ),
        (
            r#"{"serverless_functions_domain":"https://x.twil.io","features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "InvalidFunctionsDomain",
        ),
        (
            r#"{"serverless_functions_domain":"x.twil.io","serverless_functions_protocol":"ftp","features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "InvalidFunctionsProtocol",
        ),
        (
            r#"{"serverless_functions_domain":"x.twil.io","serverless_functions_port":70000,"features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "InvalidFunctionsPort",
        ),
        (
            r#"{"features":{"chat_to_video_escalation":{"enabled":"yes"}}}"#,
            "InvalidEnabledFlag",
        ),
    ];
    for (custom_data, code) in cases {
        let err = plugin(&flex, custom_data, "{}")
            .err()
            .unwrap_or_else(|| panic!("{custom_data} must be refused"));
        assert_eq!(code_of(&err), code);
        let message = err.message();
        assert!(message.starts_with("custom_data."), "{message}");
        assert_eq!(err.to_js_string(), format!("{code}: {message}"));
    }

    let err = Plugin::create(json(r#"{"Actions":{}}"#), manager(ENABLED, "{}"))
        .err()
        .expect("flex without invokeAction");
    assert_eq!(code_of(&err), "InvalidFlex");
    let err = Plugin::create(flex.object(), JsValue::NULL)
        .err()
        .expect("null manager");
    assert_eq!(code_of(&err), "InvalidManager");
}

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
    assert!(!p.show_tab(task("wrapping", "chat", r#"{"syncDocument":"ET1"}"#)));
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
        ]
    );
}

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
            ("DocumentSid".to_owned(), "ET1".to_owned())
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
            ("roomSid".to_owned(), "RM2".to_owned())
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
    // Other actions complete nothing, even for a task with video.
    let with_video = r#"{"task":{"taskSid":"WT5","attributes":{"syncDocument":"ET5"}}}"#;
    for action in ["CompleteTask", "AcceptTask", "wrapuptask"] {
        let done = p.after_action(JsValue::from_str(action), json(with_video));
        assert!(JsFuture::from(done).await.is_ok());
    }
    tick().await;
    assert_eq!(fetch.count(), 3);
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
    ];
    let expected: Vec<(String, String, bool)> = expected
        .iter()
        .map(|(a, e, v)| (a.to_string(), e.to_string(), *v))
        .collect();
    assert_eq!(read, expected);
}

#[wasm_bindgen_test]
fn pure_modules_work_in_the_wasm_build() {
    // The attribute merge keeps foreign keys verbatim.
    let merged = merge(
        r#"{"a":{"b":[1,2.50]},"videoRoom":"created"}"#,
        &AttributePatch {
            video_room: Some(VideoRoomState::Connected),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(merged, r#"{"a":{"b":[1,2.50]},"videoRoom":"connected"}"#);

    // The code format.
    let format = CodeFormat::new(7).unwrap();
    let mut n = 0u32;
    let code = format.generate(|| {
        n = n.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        n
    });
    assert_eq!(format.validate(&code), Ok(()));
    assert!(format.validate("abc-def").is_err());

    // Templates and the tab's state machine.
    assert_eq!(render("go {{videoUrl}}", &[("videoUrl", "u")]), "go u");
    let step = Phase::Idle
        .step(Input::Join {
            task_sid: "WT1",
            has_document: true,
            active: None,
        })
        .unwrap();
    assert_eq!(step.phase, Phase::FetchingToken);
}

#[wasm_bindgen_test]
async fn http_posts_through_the_real_fetch() {
    use chat_to_video::api::SuccessResponse;
    use chat_to_video::web::http::{post_form, HttpError, InFlight};

    // `data:` URLs answer any method without a server.
    let ok: Result<SuccessResponse, _> = post_form(
        "data:application/json,%7B%22success%22%3Atrue%7D",
        &[("Token", "t"), ("taskSid", "WT1")],
        None,
    )
    .await;
    assert_eq!(ok, Ok(SuccessResponse { success: true }));

    let not_json = post_form::<SuccessResponse>("data:text/plain,hello", &[], None).await;
    assert!(
        matches!(not_json, Err(HttpError::BadBody(_))),
        "{not_json:?}"
    );
    let wrong_shape =
        post_form::<SuccessResponse>("data:application/json,%7B%22nope%22%3A1%7D", &[], None).await;
    assert!(
        matches!(wrong_shape, Err(HttpError::BadBody(_))),
        "{wrong_shape:?}"
    );

    let request = InFlight::new();
    let signal = request.signal();
    drop(request);
    let aborted = post_form::<SuccessResponse>("data:text/plain,x", &[], signal.as_ref()).await;
    assert_eq!(aborted, Err(HttpError::Aborted));

    // Nothing listens on port 1: a network error, not a panic.
    let refused = post_form::<SuccessResponse>("http://127.0.0.1:1/", &[], None).await;
    assert!(matches!(refused, Err(HttpError::Network(_))), "{refused:?}");
}
