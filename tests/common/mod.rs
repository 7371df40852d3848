//! Bindings to the JS test doubles (`doubles.js`), to the sandbox desk's Flex actions
//! dispatcher the Flex double is built around, and small helpers shared by the suites.
#![allow(dead_code)]

pub mod browser;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/plugin-host/web/sandbox/desk/flex/actions.js")]
extern "C" {
    /// Flex's `Actions`: named actions, before/after listeners, abort.
    pub type ActionsManager;
    #[wasm_bindgen(constructor)]
    pub fn new() -> ActionsManager;
}

#[wasm_bindgen(module = "/tests/common/doubles.js")]
extern "C" {
    pub type FetchDouble;
    #[wasm_bindgen(constructor)]
    pub fn new() -> FetchDouble;
    #[wasm_bindgen(method)]
    pub fn restore(this: &FetchDouble);
    #[wasm_bindgen(method)]
    pub fn count(this: &FetchDouble) -> u32;
    #[wasm_bindgen(method)]
    pub fn pending(this: &FetchDouble) -> u32;
    #[wasm_bindgen(method)]
    pub fn url(this: &FetchDouble, i: u32) -> String;
    #[wasm_bindgen(method)]
    pub fn method(this: &FetchDouble, i: u32) -> String;
    #[wasm_bindgen(method, js_name = contentType)]
    pub fn content_type(this: &FetchDouble, i: u32) -> String;
    #[wasm_bindgen(method, js_name = bodyIsForm)]
    pub fn body_is_form(this: &FetchDouble, i: u32) -> bool;
    #[wasm_bindgen(method)]
    pub fn fields(this: &FetchDouble, i: u32) -> Array;
    #[wasm_bindgen(method)]
    pub fn field(this: &FetchDouble, i: u32, name: &str) -> Option<String>;
    #[wasm_bindgen(method)]
    pub fn aborted(this: &FetchDouble, i: u32) -> bool;
    #[wasm_bindgen(method)]
    pub fn respond(this: &FetchDouble, i: u32, status: u16, body: &str);
    #[wasm_bindgen(method)]
    pub fn fail(this: &FetchDouble, i: u32);

    pub type FlexDouble;
    #[wasm_bindgen(constructor)]
    fn with_actions(actions: ActionsManager) -> FlexDouble;
    #[wasm_bindgen(method)]
    pub fn object(this: &FlexDouble) -> JsValue;
    #[wasm_bindgen(method, js_name = setRejectSendMessage)]
    pub fn set_reject_send_message(this: &FlexDouble, on: bool);
    #[wasm_bindgen(method, js_name = invokedCount)]
    pub fn invoked_count(this: &FlexDouble) -> u32;
    #[wasm_bindgen(method, js_name = invokedName)]
    pub fn invoked_name(this: &FlexDouble, i: u32) -> String;
    #[wasm_bindgen(method, js_name = invokedPayload)]
    pub fn invoked_payload(this: &FlexDouble, i: u32) -> JsValue;
    #[wasm_bindgen(method, js_name = shownIds)]
    pub fn shown_ids(this: &FlexDouble) -> Array;

    fn sleep(ms: u32) -> Promise;
    pub fn keys(obj: &JsValue) -> Array;
    #[wasm_bindgen(js_name = instrumentListeners)]
    pub fn instrument_listeners();
    #[wasm_bindgen(js_name = liveListenerCount)]
    pub fn live_listener_count() -> i32;
}

impl FlexDouble {
    /// A Flex double whose `Actions` is a new `ActionsManager`.
    pub fn new() -> FlexDouble {
        FlexDouble::with_actions(ActionsManager::new())
    }
}

/// Installs the fetch double for the guard's lifetime.
pub struct Fetch(FetchDouble);

impl Fetch {
    pub fn install() -> Fetch {
        Fetch(FetchDouble::new())
    }
}

impl std::ops::Deref for Fetch {
    type Target = FetchDouble;
    fn deref(&self) -> &FetchDouble {
        &self.0
    }
}

impl Drop for Fetch {
    fn drop(&mut self) {
        self.0.restore();
    }
}

/// Lets timers, microtasks and spawned futures run.
pub async fn tick() {
    let _ = JsFuture::from(sleep(0)).await;
}

/// Ticks until `cond` holds (at most ~200 turns); returns whether it did.
pub async fn until(mut cond: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if cond() {
            return true;
        }
        tick().await;
    }
    cond()
}

/// A JS value from JSON text.
pub fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("test JSON")
}

/// `obj[key]`.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A Flex `Manager` double: token, identity, strings and `custom_data`.
pub fn manager(custom_data: &str, strings: &str) -> JsValue {
    let text = format!(
        r#"{{"user":{{"token":"flex-token-1","identity":"agent@example.com"}},
            "strings":{strings},
            "serviceConfiguration":{{"ui_attributes":{{"custom_data":{custom_data}}}}}}}"#
    );
    json(&text)
}

/// `custom_data` of an enabled plugin talking to the functions at http://127.0.0.1:3001.
pub const ENABLED: &str = r#"{"serverless_functions_domain":"127.0.0.1","serverless_functions_protocol":"http","serverless_functions_port":3001,"features":{"chat_to_video_escalation":{"enabled":true}}}"#;

pub const FUNCTIONS: &str = "http://127.0.0.1:3001/features/chat-to-video-escalation/";

/// An assigned chat task, optionally escalated to video.
pub fn chat_task(task_sid: &str, attributes: &str) -> JsValue {
    json(&format!(
        r#"{{"taskSid":"{task_sid}","sid":"WR{rest}","taskStatus":"assigned","status":"accepted",
            "taskChannelUniqueName":"chat","attributes":{attributes}}}"#,
        rest = &task_sid[2..]
    ))
}

/// The decoded form fields of request `i`, as (name, value) pairs in order.
pub fn form(fetch: &FetchDouble, i: u32) -> Vec<(String, String)> {
    fetch
        .fields(i)
        .iter()
        .map(|pair| {
            let pair: Array = pair.into();
            (
                pair.get(0).as_string().unwrap_or_default(),
                pair.get(1).as_string().unwrap_or_default(),
            )
        })
        .collect()
}

pub fn strings_of(array: &Array) -> Vec<String> {
    array.iter().filter_map(|v| v.as_string()).collect()
}
