//! The edge to Flex: reads the objects the shell hands over (`flex`, `manager`, an `ITask`,
//! an action payload) into plain Rust data, and calls the two Flex functions the feature
//! needs (`Actions.invokeAction`, `Notifications.showNotification`). Nothing here trusts the
//! shape of what it is given: a missing or mistyped field reads as absent.

use crate::attributes::{key, VideoAttributes, VideoRoomState};
use crate::config::{RawConfig, RawValue};
use crate::rules::{task_status, TaskFacts};
use crate::strings::Strings;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Why the objects handed to `Plugin.create` cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeError {
    /// `flex.Actions.invokeAction` or `flex.Notifications.showNotification` is missing.
    InvalidFlex,
    /// `manager` is not an object.
    InvalidManager,
}

impl EdgeError {
    pub const fn message(self) -> &'static str {
        match self {
            EdgeError::InvalidFlex => {
                "flex must provide Actions.invokeAction and Notifications.showNotification"
            }
            EdgeError::InvalidManager => "manager must be the Flex Manager object",
        }
    }
}

/// `obj[key]`, or `undefined` when `obj` is not an object or the read throws.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() && !obj.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `obj[a][b]…`.
pub fn get_path(obj: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(obj.clone(), |v, key| get(&v, key))
}

/// A non-empty string field.
pub fn get_string(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).as_string().filter(|s| !s.is_empty())
}

fn raw_value(v: JsValue) -> Option<RawValue> {
    if v.is_undefined() {
        None
    } else if v.is_null() {
        Some(RawValue::Null)
    } else if let Some(s) = v.as_string() {
        Some(RawValue::Text(s))
    } else if let Some(n) = v.as_f64() {
        Some(RawValue::Number(n))
    } else if let Some(b) = v.as_bool() {
        Some(RawValue::Bool(b))
    } else {
        Some(RawValue::Other)
    }
}

/// The Flex module object (`Twilio.Flex` / `import * as Flex`).
#[derive(Clone)]
pub struct FlexApi {
    flex: JsValue,
}

impl FlexApi {
    pub fn new(flex: JsValue) -> Result<FlexApi, EdgeError> {
        let api = FlexApi { flex };
        if api.function(&["Actions", "invokeAction"]).is_none()
            || api
                .function(&["Notifications", "showNotification"])
                .is_none()
        {
            return Err(EdgeError::InvalidFlex);
        }
        Ok(api)
    }

    fn function(&self, path: &[&str]) -> Option<Function> {
        get_path(&self.flex, path).dyn_into::<Function>().ok()
    }

    /// `flex.Actions.invokeAction(name, payload)` as a promise (a non-promise result is
    /// wrapped; a synchronous throw is returned as the error).
    pub fn invoke_action(&self, name: &str, payload: &JsValue) -> Result<Promise, JsValue> {
        let actions = get(&self.flex, "Actions");
        let invoke = self
            .function(&["Actions", "invokeAction"])
            .ok_or_else(|| JsValue::from_str(EdgeError::InvalidFlex.message()))?;
        let ret = invoke.call2(&actions, &JsValue::from_str(name), payload)?;
        Ok(Promise::resolve(&ret))
    }

    /// `flex.Notifications.showNotification(id)`. A failure is logged, never thrown.
    pub fn show_notification(&self, id: &str) {
        let notifications = get(&self.flex, "Notifications");
        let shown = self
            .function(&["Notifications", "showNotification"])
            .map(|f| f.call1(&notifications, &JsValue::from_str(id)));
        if let Some(Err(e)) = shown {
            warn("showNotification failed", &e);
        }
    }
}

/// Flex's `Manager` instance.
#[derive(Clone)]
pub struct ManagerApi {
    manager: JsValue,
}

impl ManagerApi {
    pub fn new(manager: JsValue) -> Result<ManagerApi, EdgeError> {
        if manager.is_object() {
            Ok(ManagerApi { manager })
        } else {
            Err(EdgeError::InvalidManager)
        }
    }

    /// `manager.user.token`, read at each use: Flex refreshes it.
    pub fn token(&self) -> Option<String> {
        get_path(&self.manager, &["user", "token"])
            .as_string()
            .filter(|s| !s.is_empty())
    }

    /// `manager.user.identity`.
    pub fn identity(&self) -> Option<String> {
        get_path(&self.manager, &["user", "identity"])
            .as_string()
            .filter(|s| !s.is_empty())
    }

    /// The strings table with `manager.strings` overrides, read now (the shell merges the
    /// defaults in after `Plugin.create`, and languages can change).
    pub fn strings(&self) -> Strings {
        let table = get(&self.manager, "strings");
        Strings::from_lookup(|key| get(&table, key).as_string())
    }

    /// Whether Flex shows its dark theme (`manager.configuration.theme.isLight === false`).
    pub fn dark_theme(&self) -> bool {
        get_path(&self.manager, &["configuration", "theme", "isLight"]).as_bool() == Some(false)
    }

    /// `manager.serviceConfiguration.ui_attributes.custom_data`, as found.
    pub fn raw_config(&self) -> RawConfig {
        let custom = get_path(
            &self.manager,
            &["serviceConfiguration", "ui_attributes", "custom_data"],
        );
        RawConfig {
            domain: raw_value(get(&custom, "serverless_functions_domain")),
            protocol: raw_value(get(&custom, "serverless_functions_protocol")),
            port: raw_value(get(&custom, "serverless_functions_port")),
            enabled: raw_value(get_path(
                &custom,
                &["features", "chat_to_video_escalation", "enabled"],
            )),
            accent_color: raw_value(get_path(&custom, &["branding", "accent_color"])),
        }
    }
}

/// Reads an `ITask` (or a TaskRouter-like task whose `attributes` is a JSON string).
pub fn task_facts(task: &JsValue) -> TaskFacts {
    let mut attributes = get(task, "attributes");
    if let Some(text) = attributes.as_string() {
        attributes = js_sys::JSON::parse(&text).unwrap_or(JsValue::UNDEFINED);
    }
    let status = task_status(
        get(task, "taskStatus").as_string().as_deref(),
        get(task, "status").as_string().as_deref(),
    );
    TaskFacts {
        task_sid: get_string(task, "taskSid"),
        reservation_sid: get_string(task, "sid"),
        status,
        channel: get_string(task, "taskChannelUniqueName"),
        video: video_attributes(&attributes),
        conversation_sid: get_string(&attributes, "conversationSid"),
    }
}

/// This feature's keys of a task's attributes object.
pub fn video_attributes(attributes: &JsValue) -> VideoAttributes {
    let rating = get(attributes, key::VIDEO_RATING);
    VideoAttributes {
        sync_document: get_string(attributes, key::SYNC_DOCUMENT),
        video_room: get(attributes, key::VIDEO_ROOM)
            .as_string()
            .and_then(|s| VideoRoomState::from_wire(&s)),
        video_room_sid: get_string(attributes, key::VIDEO_ROOM_SID),
        rating: if rating.is_object() {
            crate::web::read::rating(&rating).ok()
        } else {
            None
        },
        ended: {
            let ended = get(attributes, key::VIDEO_ENDED);
            if ended.is_object() {
                crate::web::read::session_end(&ended).ok()
            } else {
                None
            }
        },
    }
}

/// The sids an action payload names: `payload.task.taskSid`, `payload.task.sid`,
/// `payload.sid`, `payload.taskSid` (Flex's task actions carry `{task?, sid?}`).
pub fn payload_sids(payload: &JsValue) -> Vec<String> {
    let task = get(payload, "task");
    [
        get_string(&task, "taskSid"),
        get_string(&task, "sid"),
        get_string(payload, "sid"),
        get_string(payload, "taskSid"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `console.warn("chat-to-video: <what>", detail)`.
pub fn warn(what: &str, detail: &JsValue) {
    let mut line = String::from("chat-to-video: ");
    line.push_str(what);
    web_sys::console::warn_2(&JsValue::from_str(&line), detail);
}
