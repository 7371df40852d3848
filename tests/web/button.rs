//! The video button: one code request and the invite message, every failure shown as the
//! notification, and freeing the button mid-request.

use crate::common::browser::*;
use crate::common::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

const CODE_OK: &str = r#"{"unique_code":"aB3dE5g","valid_until":"2026-11-25T16:00:00Z","full_url":"https://host.example/features/chat-to-video/index.html?code=aB3dE5g"}"#;

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
